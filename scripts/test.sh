#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed".
# Installs what the tests need when it is missing: Node.js and npm, Redis, nginx, Docker and
# docker-compose, Chromium, Python's Prometheus client (Debian packages, when root; no package may
# start its daemon), and the Node client packages (npm ci). Starts dockerd when Docker does not answer (as root) and stops it
# again at the end, builds the local container images (scripts/local-images.sh) and publishes the
# server for the container tests (artifacts/server). Without Docker the Docker tests are skipped,
# saying why; with it they must pass. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

log() { printf '==> %s\n' "$*"; }

apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $* (apt-get)"
    if [ -z "${RESUMABLE_APT_UPDATED:-}" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && export RESUMABLE_APT_UPDATED=1
    fi
    # A package's scripts must not start its daemon (redis-server, nginx, dockerd): this script
    # starts what the tests need itself and stops it again. Debian's invoke-rc.d and
    # deb-systemd-invoke ask policy-rc.d, and 101 means "not allowed".
    local policy=/usr/sbin/policy-rc.d created="" status=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || status=$?
    [ -n "$created" ] && rm -f "$policy"
    return $status
  else
    log "missing $*: install it (not root, or no apt-get)"
    return 1
  fi
}

command -v dotnet >/dev/null 2>&1 || { echo "dotnet SDK not found: install .NET 10"; echo "0 passed, 1 failed"; exit 1; }
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm || { echo "0 passed, 1 failed"; exit 1; }
fi

# Redis, nginx, Docker and Chromium for the several-node tests. Missing tools are not fatal: the Docker tests
# then skip, saying why.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# A real browser for the EventSource test through nginx (driven by Playwright, which brings no browser of its own).
[ -x /usr/bin/chromium ] || missing+=(chromium)
# An independent Prometheus text parser (the official Python client's) for the /metrics tests.
/usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1 || missing+=(python3-prometheus-client)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}" || log "could not install ${missing[*]}: tests that need them skip or fail, saying why"
fi

log "installing Node test clients (npm ci)"
if ! (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1
fi

# --- Docker -------------------------------------------------------------------------------------
# Everything this script starts is stopped by finish (on every way out, through the EXIT trap),
# before the final line is printed.
dockerd_pid=""
dockerd_log=""
finished=""

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

# Containers, networks and volumes that tests left behind (a crashed test host), on a daemon this
# script started, so they can only be ours: Testcontainers' and compose projects named by tests.
remove_test_leftovers() {
  local ids
  ids="$( { docker ps -aq --filter label=org.testcontainers=true
            docker ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}}' | awk '$2 ~ /^resumable-test/ { print $1 }'
          } 2>/dev/null | sort -u)"
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1
  ids="$(docker network ls --format '{{.ID}} {{.Label "com.docker.compose.project"}}' 2>/dev/null | awk '$2 ~ /^resumable-test/ { print $1 }')"
  [ -n "$ids" ] && docker network rm $ids >/dev/null 2>&1
  ids="$(docker volume ls --format '{{.Name}} {{.Label "com.docker.compose.project"}}' 2>/dev/null | awk '$2 ~ /^resumable-test/ { print $1 }')"
  [ -n "$ids" ] && docker volume rm $ids >/dev/null 2>&1
  return 0
}

stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  remove_test_leftovers
  kill -TERM "$dockerd_pid" 2>/dev/null
  # dockerd stops its containers and its containerd first; give it a bounded time.
  local waited=0
  while kill -0 "$dockerd_pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
    sleep 1; waited=$((waited + 1))
  done
  kill -KILL "$dockerd_pid" 2>/dev/null
  wait "$dockerd_pid" 2>/dev/null
  dockerd_pid=""
  rm -f "$dockerd_log"
}

# finish LINE CODE: stops what this script started, prints LINE last, exits with CODE.
finish() {
  finished=1
  stop_dockerd
  echo "$1"
  exit "$2"
}
trap '[ -n "$finished" ] || stop_dockerd' EXIT
# Bash runs the EXIT trap on an interrupt or a kill only when it exits through a trap of its own.
trap 'exit 130' INT
trap 'exit 143' TERM

if ! docker_answers && [ "$(id -u)" = "0" ] && command -v dockerd >/dev/null 2>&1; then
  dockerd_log="$(mktemp "${TMPDIR:-/tmp}/resumable-dockerd.XXXXXX")"
  log "starting dockerd (log in $dockerd_log)"
  dockerd >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker_answers && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker_answers; then
    log "dockerd did not start within 60 s; its log ends:"
    tail -n 15 "$dockerd_log" | sed 's/^/    /'
    stop_dockerd
  fi
fi

if docker_answers; then
  # Testcontainers 4.x asks for Docker API 1.44 unless told; an older daemon (Debian 12's
  # Docker 20.10 speaks 1.41) refuses that, so ask for what the daemon speaks.
  api="$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null)"
  if [ -z "${DOCKER_API_VERSION:-}" ] && [ -n "$api" ] &&
      [ "$(printf '%s\n' "$api" 1.44 | sort -V | head -1)" != "1.44" ]; then
    export DOCKER_API_VERSION="$api"
  fi
  log "building local container images (scripts/local-images.sh)"
  if images="$(bash scripts/local-images.sh)"; then
    while IFS='=' read -r name value; do
      case "$name" in
        # A value the caller set wins (e.g. the standard images on a machine that can pull).
        REDIS_IMAGE|NGINX_IMAGE|DOTNET_RUNTIME_IMAGE) [ -n "${!name:-}" ] || export "$name=$value" ;;
      esac
    done <<<"$images"
  else
    log "local images could not be built: the Docker tests use the standard public images"
  fi
  # No registry to pull Testcontainers' reaper from; tests remove their containers by id.
  export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
  export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
  # Docker runs, so the Docker tests must run too: they fail rather than skip.
  export RESUMABLE_REQUIRE_DOCKER=1
  log "Docker tests run against ${REDIS_IMAGE:-redis:7-alpine}, ${NGINX_IMAGE:-nginx:1.27-alpine}, ${DOTNET_RUNTIME_IMAGE:-mcr.microsoft.com/dotnet/aspnet:10.0}"
else
  reason="$( { timeout 10 docker info 2>&1 >/dev/null || true; } | tail -n 1)"
  log "Docker cannot run here (${reason:-no docker command}; starting dockerd needs root and docker.io): the Docker tests are skipped"
fi

log "building (warnings are errors)"
if ! dotnet build Resumable.sln -c Release -nologo -clp:ErrorsOnly; then
  finish "0 passed, 1 failed" 1
fi

# The image the compose tests build copies this (see Dockerfile); rebuilt each run, never stale.
log "publishing the server (artifacts/server)"
rm -rf artifacts/server
if ! dotnet publish src/Resumable.Server -c Release --no-build -o artifacts/server -nologo -clp:ErrorsOnly >/dev/null; then
  finish "0 passed, 1 failed" 1
fi

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"
status=0
for project in tests/*.Tests/*.csproj; do
  name="$(basename "$project" .csproj)"
  log "testing $name"
  if ! dotnet test "$project" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results" "$@"; then
    status=1
  fi
done

passed=0
failed=0
skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  n="$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${n:-0}))
done
[ "$skipped" -gt 0 ] && log "$skipped tests skipped (the test output above says why)"

projects=$(ls tests/*.Tests/*.csproj | wc -l)
reports=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$reports" -lt "$projects" ]; then
  # A test host that crashed leaves no report: count it as a failure rather than hide it.
  failed=$((failed + projects - reports))
  status=1
fi
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
  status=1
fi

finish "$passed passed, $failed failed" "$status"
