# The dashboard image: the Blazor Server + MudBlazor app, run as a container app with external HTTPS ingress
# (infra/modules/dashboard-app.bicep). Build from the repository root:
#   az acr build -r <registry> -t cloudseg-dashboard:<tag> -f infra/docker/dashboard.Dockerfile .

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish dashboard/CloudSeg.Dashboard/CloudSeg.Dashboard.csproj \
      -c Release -r linux-x64 --self-contained false \
      -o /out/app \
 && test -f /out/app/CloudSeg.Dashboard.dll

FROM ${RUNTIME_IMAGE} AS final
# fontconfig + a font for SkiaSharp (thumbnails and overlays rendered on the server).
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfontconfig1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=build /out/app /app
# The ASP.NET Core images listen on 8080 as the unprivileged user APP_UID (1654); the ingress targets 8080.
ENV ASPNETCORE_HTTP_PORTS=8080
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/CloudSeg.Dashboard.dll"]
