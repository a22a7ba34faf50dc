# The training image: the `cloudseg` CLI (TorchSharp Mask R-CNN + MaskIoU trainer, COCO AP evaluation, ONNX export,
# model registration), run by the Container Apps Job in infra/modules/training-job.bicep as
# `dotnet /app/cloudseg.dll train-job`: the run id comes from env CLOUDSEG_RUN_ID, the dataset digest from
# CLOUDSEG_DATASET_DIGEST (both set per execution by the functions' launcher). Build from the repo root:
#   az acr build -r <registry> -t cloudseg-training:<tag> -f infra/docker/training.Dockerfile .
# GPU training (the job on the GPU profile, trainingOnGpu=true):
#   az acr build ... --build-arg TORCHSHARP_CUDA=true .
# TorchSharpCuda=true swaps TorchSharp-cpu for TorchSharp-cuda-linux, whose libtorch packages bring their own CUDA
# and cuDNN libraries; the replica only needs the GPU driver, which Container Apps mounts. So one small base image
# serves both cases.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# The .NET runtime itself: the entry point is `dotnet cloudseg.dll`, the same assembly `./cloudseg` runs locally.
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0

FROM ${SDK_IMAGE} AS build
ARG TORCHSHARP_CUDA=false
WORKDIR /src
COPY . .
# Framework-dependent for linux-x64: the runtime comes from the base image, libtorch and the other native
# libraries from the packages.
RUN dotnet publish cli/CloudSeg.Cli/CloudSeg.Cli.csproj \
      -c Release -r linux-x64 --self-contained false -p:TorchSharpCuda=${TORCHSHARP_CUDA} \
      -o /out/app \
 && test -f /out/app/cloudseg.dll

FROM ${RUNTIME_IMAGE} AS final
# fontconfig + a font: SkiaSharp draws the evaluation overlays; libgomp: libtorch's OpenMP runtime.
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfontconfig1 fonts-dejavu-core libgomp1 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=build /out/app /app
# Scratch space for datasets and checkpoints during a run; everything that must last goes to storage.
ENV TMPDIR=/tmp \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
# The .NET images' unprivileged user (APP_UID=1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/cloudseg.dll"]
CMD ["train-job"]
