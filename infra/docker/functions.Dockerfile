# The segmenter image: the Azure Functions host + our custom handler on a CUDA runtime, run as an Azure Functions
# app on Container Apps (serverless GPU). Build from the repository root:
#   az acr build -r <registry> -t cloudseg-functions:<tag> -f infra/docker/functions.Dockerfile .
#
# Stages: build (publishes the handler, self-contained, with ONNX Runtime's CUDA provider) → host (the Functions
# host and its extension bundles, taken from Microsoft's official Functions image) → final (CUDA + cuDNN runtime).
# The Functions host owns the queue trigger, retries and the poison queue; it starts our handler and calls it over HTTP.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# Any official Functions v4 image carries the host in /azure-functions-host, the ASP.NET Core runtime it needs and
# the extension bundles (the queue trigger of a custom handler comes from the bundle). The node image is the one that
# ships the bundles pre-downloaded; its Node.js worker is simply never started (FUNCTIONS_WORKER_RUNTIME=custom).
ARG FUNCTIONS_HOST_IMAGE=mcr.microsoft.com/azure-functions/node:4-node22
# ONNX Runtime's CUDA provider needs CUDA 12.x with cuDNN 9 (cudart, cuBLAS, cuFFT, cuRAND, cuDNN): the "runtime"
# flavour has them all. Serverless GPUs (T4, A100) run current drivers.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04
# ICU for the Functions host (.NET); the package name follows the Ubuntu release of CUDA_IMAGE (24.04: libicu74).
ARG ICU_PACKAGE=libicu70
# The model the host serves while the registry in storage is empty; models/default once training has shipped it.
ARG DEFAULT_MODEL_DIR=models/default

FROM ${SDK_IMAGE} AS build
ARG DEFAULT_MODEL_DIR
WORKDIR /src
COPY . .
# OnnxRuntimeGpu=true swaps Microsoft.ML.OnnxRuntime for Microsoft.ML.OnnxRuntime.Gpu (see
# shared/CloudSeg.Inference); self-contained so the image needs no .NET 10 runtime besides the host's.
RUN dotnet publish functions/CloudSeg.Functions.CustomHandler/CloudSeg.Functions.CustomHandler.csproj \
      -c Release -r linux-x64 --self-contained true -p:OnnxRuntimeGpu=true \
      -o /out/wwwroot \
 && test -f /out/wwwroot/host.json \
 && mkdir -p /out/wwwroot/models \
 && cp -r "${DEFAULT_MODEL_DIR}" /out/wwwroot/models/default \
 && test -f /out/wwwroot/models/default/model.onnx

FROM ${FUNCTIONS_HOST_IMAGE} AS host

FROM ${CUDA_IMAGE} AS final
ARG ICU_PACKAGE
# .NET runtime dependencies (ICU, OpenSSL, zlib), CA roots for TLS to storage, fontconfig + a font for overlay labels.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates "${ICU_PACKAGE}" libssl3 zlib1g tzdata \
      libfontconfig1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

COPY --from=host /azure-functions-host /azure-functions-host
COPY --from=host /FuncExtensionBundles /FuncExtensionBundles
COPY --from=host /usr/share/dotnet /usr/share/dotnet

RUN useradd --uid 10001 --user-group --home-dir /home --no-create-home --shell /usr/sbin/nologin functions \
 && mkdir -p /home/site/wwwroot /home/LogFiles \
 && chown -R functions:functions /home
COPY --from=build --chown=functions:functions /out/wwwroot /home/site/wwwroot

# Host settings as in the official images. A non-root user cannot bind port 80, so the host listens on 8080 (the
# ingress target in infra/modules/functions-app.bicep); our handler listens on FUNCTIONS_CUSTOMHANDLER_PORT, which the
# host picks and passes to it. The CUDA base image already exposes the replica's GPU (NVIDIA_VISIBLE_DEVICES).
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    HOME=/home \
    FUNCTIONS_WORKER_RUNTIME=custom \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    ASPNETCORE_CONTENTROOT=/azure-functions-host \
    ASPNETCORE_URLS=http://+:8080

USER functions
EXPOSE 8080
# The host itself (the official images wrap this in a script that also installs App Service CA certificates,
# which needs root and does not apply to Container Apps).
ENTRYPOINT ["/azure-functions-host/Microsoft.Azure.WebJobs.Script.WebHost"]
