# The segmenter image: the Azure Functions host + our .NET isolated worker on a CUDA runtime, run as an Azure
# Functions app (dotnet-isolated) on Container Apps (serverless GPU). Build from the repository root:
#   az acr build -r <registry> -t cloudseg-functions:<tag> -f infra/docker/functions.Dockerfile .
#
# Stages: build (publishes the worker with ONNX Runtime's CUDA provider; the Worker SDK writes functions.metadata,
# worker.config.json and the .azurefunctions extension payload next to it) → host (the Functions host, from
# Microsoft's official dotnet-isolated image) → runtime (the .NET 10 runtime the worker runs on) → final (CUDA + cuDNN).
# The host owns the queue trigger and timers and starts the worker (`dotnet CloudSeg.Functions.Worker.dll`), which
# it calls over gRPC.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# The official dotnet-isolated image carries the host in /azure-functions-host and the .NET runtime it runs on. The
# isolated worker brings its own binding extensions (.azurefunctions), so no extension bundle is needed.
ARG FUNCTIONS_HOST_IMAGE=mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0
# The worker targets net10.0: its runtime is added next to the host's in the same dotnet root.
ARG WORKER_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0
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
# OnnxRuntimeGpu=true swaps Microsoft.ML.OnnxRuntime for Microsoft.ML.OnnxRuntime.Gpu (see shared/CloudSeg.Inference).
RUN dotnet publish functions/CloudSeg.Functions.Worker/CloudSeg.Functions.Worker.csproj \
      -c Release -r linux-x64 --self-contained false -p:OnnxRuntimeGpu=true \
      -o /out/wwwroot \
 && test -f /out/wwwroot/host.json && test -f /out/wwwroot/functions.metadata && test -f /out/wwwroot/worker.config.json \
 && mkdir -p /out/wwwroot/models \
 && cp -r "${DEFAULT_MODEL_DIR}" /out/wwwroot/models/default \
 && test -f /out/wwwroot/models/default/model.onnx

FROM ${FUNCTIONS_HOST_IMAGE} AS host

FROM ${WORKER_RUNTIME_IMAGE} AS runtime

FROM ${CUDA_IMAGE} AS final
ARG ICU_PACKAGE
# .NET runtime dependencies (ICU, OpenSSL, zlib), CA roots for TLS to storage, fontconfig + a font for overlay labels.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates "${ICU_PACKAGE}" libssl3 zlib1g tzdata \
      libfontconfig1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

COPY --from=host /azure-functions-host /azure-functions-host
COPY --from=host /usr/share/dotnet /usr/share/dotnet
COPY --from=runtime /usr/share/dotnet/shared/Microsoft.NETCore.App /usr/share/dotnet/shared/Microsoft.NETCore.App

RUN useradd --uid 10001 --user-group --home-dir /home --no-create-home --shell /usr/sbin/nologin functions \
 && mkdir -p /home/site/wwwroot /home/LogFiles \
 && chown -R functions:functions /home
COPY --from=build --chown=functions:functions /out/wwwroot /home/site/wwwroot

# Host settings as in the official images. A non-root user cannot bind port 80, so the host listens on 8080 (the
# ingress target in infra/modules/functions-app.bicep); the worker talks to the host over gRPC on a port the host
# picks. The CUDA base image already exposes the replica's GPU (NVIDIA_VISIBLE_DEVICES).
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    HOME=/home \
    FUNCTIONS_WORKER_RUNTIME=dotnet-isolated \
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
