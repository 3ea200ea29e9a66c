#!/usr/bin/env bash
# Builds, from this machine's own installed binaries, the three container images that the compose
# deployment and the Docker tests use, for machines that cannot pull from an image registry:
#
#   resumable-local/redis:7            redis-server and redis-cli (Debian's redis-server package)
#   resumable-local/nginx:1            nginx (Debian's nginx package)
#   resumable-local/dotnet-aspnet:10   the installed .NET and ASP.NET Core shared runtimes, no SDK
#
# Each image is a root filesystem holding the binaries, every library `ldd` lists for them (and the
# libraries .NET opens at run time: ICU, OpenSSL, zlib), the dynamic loader and a few /etc files,
# imported with `docker import`. A machine that can pull uses the standard public images instead
# (see docker-compose.yml); nothing here is needed there.
#
# Idempotent: an image is built only when it is missing or was made from other binaries (a label
# records their versions); --force rebuilds all three. Every image built is started once to prove
# it works (redis answers PING, nginx serves a page, dotnet lists both shared runtimes) and removed
# again if it does not. Installs redis-server and nginx with apt-get when they are missing and this
# runs as root, without letting their packages start a daemon.
#
# Progress goes to stderr; stdout ends with three lines for the caller to read:
#   REDIS_IMAGE=...  NGINX_IMAGE=...  DOTNET_RUNTIME_IMAGE=...
set -euo pipefail

readonly redis_image="resumable-local/redis:7"
readonly nginx_image="resumable-local/nginx:1"
readonly runtime_image="resumable-local/dotnet-aspnet:10"
# Raise when the way an image is put together changes, so that existing images are rebuilt.
readonly recipe=1
readonly source_label="resumable.local.source"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'local-images: %s\n' "$*" >&2; exit 1; }

force=0
for argument in "$@"; do
  case "$argument" in
    --force) force=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument '$argument' (only --force is accepted)" ;;
  esac
done

command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker_error="$(docker info 2>&1 >/dev/null)" || die "the Docker daemon does not answer: ${docker_error}"

work="$(mktemp -d "${TMPDIR:-/tmp}/resumable-images.XXXXXX")"
containers=()
cleanup() {
  local id
  for id in "${containers[@]}"; do
    docker rm -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Two runs at once (two worktrees testing) would build the same tags twice; take turns instead.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/resumable-local-images.lock"
  flock 9
fi

apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing $*: install it (this is not root, or there is no apt-get)"
  fi
  log "installing $* (apt-get)"
  # Package scripts must not start the daemons: the images are all we want from the packages.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created=1
  fi
  local status=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; } || status=$?
  [ "$created" = 1 ] && rm -f "$policy"
  [ "$status" = 0 ] || die "apt-get install $* failed"
}

# On a merged-/usr system (Debian 12) /lib, /bin and /sbin are links into /usr; files are stored
# under /usr in the image and the same links are made there, so every path ldd prints still works.
merged_usr=0
[ -L /lib ] && [ -L /bin ] && merged_usr=1

image_path() {
  if [ "$merged_usr" = 1 ]; then
    case "$1" in
      /bin/*|/sbin/*|/lib/*|/lib32/*|/lib64/*|/libx32/*) printf '/usr%s' "$1"; return ;;
    esac
  fi
  printf '%s' "$1"
}

new_rootfs() {
  local rootfs="$work/$1"
  mkdir -p "$rootfs"/{etc,run,tmp,usr/bin,usr/sbin,usr/lib,usr/lib64,var/tmp}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  if [ "$merged_usr" = 1 ]; then
    ln -s usr/bin "$rootfs/bin"
    ln -s usr/sbin "$rootfs/sbin"
    ln -s usr/lib "$rootfs/lib"
    ln -s usr/lib64 "$rootfs/lib64"
  else
    mkdir -p "$rootfs"/{bin,sbin,lib,lib64}
  fi
  printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
  printf '%s\n' 'passwd: files' 'group: files' 'shadow: files' 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  mkdir -p "$rootfs/root"
  printf '%s' "$rootfs"
}

# add_file ROOTFS SOURCE: copies SOURCE (links followed) to the same path in ROOTFS.
add_file() {
  local target
  target="$1$(image_path "$2")"
  [ -e "$target" ] && return 0
  mkdir -p "$(dirname "$target")"
  cp -L --preserve=mode,timestamps "$2" "$target"
}

# add_libraries ROOTFS FILE...: copies every library ldd lists for each FILE, and the loader.
add_libraries() {
  local rootfs="$1" file library
  shift
  for file in "$@"; do
    # A file that is not dynamically linked (a script, a static binary) has nothing to add.
    while read -r library; do
      add_file "$rootfs" "$library"
    done < <(ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
    if ldd "$file" 2>/dev/null | grep -q 'not found'; then
      log "note: left out what $(basename "$file") links but this machine lacks: $(ldd "$file" | awk '/not found/ { printf "%s ", $1 }')"
    fi
  done
}

# add_program ROOTFS FILE...: the files themselves and their libraries.
add_program() {
  local rootfs="$1" file
  shift
  for file in "$@"; do
    add_file "$rootfs" "$file"
  done
  add_libraries "$rootfs" "$@"
}

# library_path SONAME-PREFIX: the path of the newest library whose name starts so, from the loader's cache.
library_path() {
  "$(command -v ldconfig || echo /sbin/ldconfig)" -p 2>/dev/null | awk -v prefix="$1" 'index($1, prefix) == 1 && $NF ~ /^\// { print $1 "\t" $NF }' |
    sort -V | tail -1 | cut -f2
}

add_certificates() {
  local rootfs="$1"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    add_file "$rootfs" /etc/ssl/certs/ca-certificates.crt
    mkdir -p "$rootfs/usr/lib/ssl"
    ln -sfn /etc/ssl/certs "$rootfs/usr/lib/ssl/certs"
    ln -sfn /etc/ssl/certs/ca-certificates.crt "$rootfs/usr/lib/ssl/cert.pem"
  fi
  if [ -f /etc/ssl/openssl.cnf ]; then
    add_file "$rootfs" /etc/ssl/openssl.cnf
    mkdir -p "$rootfs/usr/lib/ssl"
    ln -sfn /etc/ssl/openssl.cnf "$rootfs/usr/lib/ssl/openssl.cnf"
  fi
}

# import ROOTFS TAG SOURCE CHANGE...: imports ROOTFS as TAG with the Dockerfile instructions CHANGE,
# labelled with SOURCE; removes the image TAG named before if nothing uses it any more.
import() {
  local rootfs="$1" tag="$2" source="$3" previous change
  shift 3
  local changes=(--change "LABEL ${source_label}=\"${source}\"")
  for change in "$@"; do
    changes+=(--change "$change")
  done
  previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  log "importing $tag ($(du -sh "$rootfs" | cut -f1))"
  tar -C "$rootfs" --numeric-owner -c . | docker import "${changes[@]}" - "$tag" >/dev/null
  rm -rf "$rootfs"
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
  fi
}

# needs_build TAG SOURCE: true when TAG is missing, was made from other binaries, or --force.
needs_build() {
  [ "$force" = 1 ] && return 0
  local built
  built="$(docker image inspect -f "{{index .Config.Labels \"${source_label}\"}}" "$1" 2>/dev/null)" || return 0
  if [ "$built" != "$2" ]; then
    log "$1 was built from '${built}', this machine has '$2': rebuilding"
    return 0
  fi
  return 1
}

# start ARG...: docker run -d ARG..., the container's id in $started; removed on exit whatever
# happens. (Not a command substitution: the id must be remembered in this shell.)
started=""
start() {
  started="$(docker run -d "$@")"
  containers+=("$started")
}

# http_get PORT: the response to GET / on 127.0.0.1:PORT (bash's /dev/tcp: no curl needed).
http_get() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && timeout 5 cat <&3) 2>/dev/null
}

# fail_check TAG CONTAINER MESSAGE: removes the broken image and stops with its logs.
fail_check() {
  [ -n "$2" ] && docker logs "$2" 2>&1 | tail -20 >&2
  docker image rm -f "$1" >/dev/null 2>&1 || true
  die "$1 does not work: $3 (image removed)"
}

build_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || apt_install redis-server
  local server cli source rootfs
  server="$(readlink -f "$(command -v redis-server)")"
  cli="$(readlink -f "$(command -v redis-cli)")"
  # Asked by its own name: Debian's redis-server is a link to redis-check-rdb, and the program
  # chooses what it is from the name it was started by.
  source="recipe ${recipe}; $(redis-server --version | sed 's/ sha=.*//')"
  needs_build "$redis_image" "$source" || { log "$redis_image is up to date"; return 0; }

  log "building $redis_image from $server"
  rootfs="$(new_rootfs redis)"
  add_program "$rootfs" "$server" "$cli"
  # Testcontainers' Redis module execs `redis-cli ping` by name: both must be on PATH.
  [ "$(image_path "$server")" = /usr/bin/redis-server ] || ln -s "$(image_path "$server")" "$rootfs/usr/bin/redis-server"
  [ "$(image_path "$cli")" = /usr/bin/redis-cli ] || ln -s "$(image_path "$cli")" "$rootfs/usr/bin/redis-cli"
  mkdir -p "$rootfs/data"
  import "$rootfs" "$redis_image" "$source" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'WORKDIR /data' \
    'EXPOSE 6379' \
    'ENTRYPOINT ["redis-server", "--protected-mode", "no"]'

  local id answer="" attempt
  start "$redis_image"
  id="$started"
  for attempt in $(seq 1 50); do
    answer="$(docker exec "$id" redis-cli ping 2>/dev/null || true)"
    [ "$answer" = "PONG" ] && break
    sleep 0.2
  done
  [ "$answer" = "PONG" ] || fail_check "$redis_image" "$id" "redis-cli ping got '${answer}'"
  docker rm -f "$id" >/dev/null
  log "$redis_image answers PING"
}

build_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
  local binary source rootfs
  binary="$(readlink -f "$(command -v nginx || echo /usr/sbin/nginx)")"
  source="recipe ${recipe}; $("$binary" -v 2>&1)"
  needs_build "$nginx_image" "$source" || { log "$nginx_image is up to date"; return 0; }

  log "building $nginx_image from $binary"
  rootfs="$(new_rootfs nginx)"
  add_program "$rootfs" "$binary"
  [ "$(image_path "$binary")" = /usr/sbin/nginx ] || ln -s "$(image_path "$binary")" "$rootfs/usr/sbin/nginx"
  [ -f /etc/nginx/mime.types ] && add_file "$rootfs" /etc/nginx/mime.types
  # The paths Debian's build compiles in: temp directories (nginx creates only their last part),
  # logs, the pid file's directory and the prefix.
  mkdir -p "$rootfs"/var/lib/nginx/{body,proxy,fastcgi,scgi,uwsgi} "$rootfs/var/log/nginx" \
    "$rootfs/usr/share/nginx/html" "$rootfs/etc/nginx/conf.d" "$rootfs/var/lock"
  printf '<!DOCTYPE html>\n<title>nginx</title>\n<p>nginx from this machine'"'"'s binaries.</p>\n' \
    >"$rootfs/usr/share/nginx/html/index.html"
  # A working default, as the official image has one; the deployment mounts its own over it.
  cat >"$rootfs/etc/nginx/nginx.conf" <<'EOF'
worker_processes auto;
error_log /dev/stderr notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log /dev/stdout;
    include /etc/nginx/conf.d/*.conf;
    server {
        listen 80;
        root /usr/share/nginx/html;
    }
}
EOF
  import "$rootfs" "$nginx_image" "$source" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'EXPOSE 80' \
    'ENTRYPOINT ["nginx", "-g", "daemon off;"]'

  # Served through a mounted configuration, the way the deployment uses the image.
  local check="$work/nginx-check" id port="" response="" attempt
  mkdir -p "$check/html"
  printf 'served by %s\n' "$nginx_image" >"$check/html/index.html"
  cat >"$check/nginx.conf" <<'EOF'
pid /tmp/nginx.pid;
error_log /dev/stderr;
events {}
http {
    access_log /dev/stdout;
    server {
        listen 80;
        root /srv;
    }
}
EOF
  start -p 127.0.0.1::80 -v "$check/nginx.conf:/etc/nginx/nginx.conf:ro" -v "$check/html:/srv:ro" "$nginx_image"
  id="$started"
  for attempt in $(seq 1 50); do
    port="$(docker port "$id" 80/tcp 2>/dev/null | head -1 | sed 's/.*://')"
    [ -n "$port" ] && response="$(http_get "$port" || true)"
    case "$response" in *"served by $nginx_image"*) break ;; esac
    sleep 0.2
  done
  case "$response" in
    *"served by $nginx_image"*) ;;
    *) fail_check "$nginx_image" "$id" "GET / through the published port got '${response:0:200}'" ;;
  esac
  docker rm -f "$id" >/dev/null
  log "$nginx_image serves a page with a mounted configuration"
}

build_runtime() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet is not installed"
  local dotnet_root netcore aspnet source rootfs
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  netcore="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" 2>/dev/null | sort -V | tail -1)"
  aspnet="$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" 2>/dev/null | sort -V | tail -1)"
  [ -n "$netcore" ] && [ -n "$aspnet" ] || die "no .NET and ASP.NET Core shared runtime under $dotnet_root/shared"
  local icu
  icu="$(library_path libicuuc.so.)"
  source="recipe ${recipe}; Microsoft.NETCore.App ${netcore}; Microsoft.AspNetCore.App ${aspnet}; icu ${icu:-none}"
  needs_build "$runtime_image" "$source" || { log "$runtime_image is up to date"; return 0; }

  log "building $runtime_image from $dotnet_root (runtime $netcore, ASP.NET Core $aspnet)"
  rootfs="$(new_rootfs runtime)"
  # The official image's layout: /usr/share/dotnet, with /usr/bin/dotnet a link to the host.
  local target="$rootfs/usr/share/dotnet"
  mkdir -p "$target/shared/Microsoft.NETCore.App" "$target/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$target/"
  cp -a "$dotnet_root"/LICENSE.txt "$dotnet_root"/ThirdPartyNotices.txt "$target/" 2>/dev/null || true
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$netcore" "$target/shared/Microsoft.NETCore.App/"
  cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet" "$target/shared/Microsoft.AspNetCore.App/"
  ln -s ../share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  # libcoreclrtraceptprovider.so links LTTng, which a machine without it lacks; the runtime loads
  # that library only when LTTng is there, as in the official image.
  mapfile -t natives < <(find "$target" -name '*.so' -type f)
  add_libraries "$rootfs" "$target/dotnet" "${natives[@]}"

  # .NET opens these with dlopen, so ldd does not list them: ICU for globalization, OpenSSL for
  # TLS and cryptography, zlib for compression.
  local name path environment=()
  for name in libicuuc.so. libicui18n.so. libssl.so.3 libcrypto.so.3 libz.so.1; do
    path="$(library_path "$name")"
    if [ -n "$path" ]; then
      add_program "$rootfs" "$path"
    else
      log "note: no ${name}* on this machine"
    fi
  done
  if [ -z "$icu" ]; then
    log "no ICU on this machine: the image runs .NET in invariant globalization mode"
    environment+=('ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true')
  fi
  add_certificates "$rootfs"
  [ -d /usr/share/zoneinfo ] && mkdir -p "$rootfs/usr/share" && cp -a /usr/share/zoneinfo "$rootfs/usr/share/"
  # The official image's unprivileged user, for a Dockerfile that says USER $APP_UID.
  printf '%s\n' 'app:x:1654:1654:app:/home/app:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  printf '%s\n' 'app:x:1654:' >>"$rootfs/etc/group"
  mkdir -p "$rootfs/home/app" "$rootfs/app"
  chown 1654:1654 "$rootfs/home/app" 2>/dev/null || true

  import "$rootfs" "$runtime_image" "$source" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV APP_UID=1654' \
    'ENV ASPNETCORE_HTTP_PORTS=8080' \
    'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
    "ENV DOTNET_VERSION=${netcore}" \
    "ENV ASPNET_VERSION=${aspnet}" \
    "${environment[@]}" \
    'WORKDIR /app' \
    'ENTRYPOINT ["dotnet", "/app/Resumable.Server.dll"]'

  local runtimes
  runtimes="$(docker run --rm --entrypoint dotnet "$runtime_image" --list-runtimes 2>&1)" ||
    fail_check "$runtime_image" "" "dotnet --list-runtimes failed: ${runtimes}"
  case "$runtimes" in
    *"Microsoft.NETCore.App $netcore"*"Microsoft.AspNetCore.App $aspnet"* | \
    *"Microsoft.AspNetCore.App $aspnet"*"Microsoft.NETCore.App $netcore"*) ;;
    *) fail_check "$runtime_image" "" "dotnet --list-runtimes printed '${runtimes}'" ;;
  esac
  log "$runtime_image runs dotnet with both shared runtimes"
}

build_redis
build_nginx
build_runtime

printf 'REDIS_IMAGE=%s\n' "$redis_image"
printf 'NGINX_IMAGE=%s\n' "$nginx_image"
printf 'DOTNET_RUNTIME_IMAGE=%s\n' "$runtime_image"
