# The Resumable service as a container image. It copies a server that is already published, so
# publish first, then build (docker-compose.yml builds this file for both nodes):
#
#   dotnet publish src/Resumable.Server -c Release -o artifacts/server
#   docker-compose up --build
#
# A normal machine builds on the standard public ASP.NET Core runtime image. A machine that cannot
# pull builds on the one scripts/local-images.sh makes from the installed runtime, selected with
# the build argument (docker-compose passes DOTNET_RUNTIME_IMAGE through):
#
#   docker build --build-arg RUNTIME_IMAGE=resumable-local/dotnet-aspnet:10 -t resumable-server:local .
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
FROM ${RUNTIME_IMAGE}

COPY artifacts/server/ /app/
WORKDIR /app

# Listen on every interface of the container (appsettings.json binds loopback only) and keep the
# write-ahead log on the volume, so that it outlives the container. The runtime images' own
# ASPNETCORE_HTTP_PORTS=8080 is emptied: Urls decides, without a warning that it overrides it.
ENV Urls=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    Resumable__Wal__Directory=/data/wal
VOLUME /data
EXPOSE 8080

ENTRYPOINT ["dotnet", "/app/Resumable.Server.dll"]
