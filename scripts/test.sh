#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed".
# Installs what the tests need when it is missing: Node.js and npm (Debian packages, when root),
# and the Node client packages (npm ci). Exits non-zero on any failure.
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
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    log "missing $*: install it (not root, or no apt-get)"
    return 1
  fi
}

command -v dotnet >/dev/null 2>&1 || { echo "dotnet SDK not found: install .NET 10"; echo "0 passed, 1 failed"; exit 1; }
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm || { echo "0 passed, 1 failed"; exit 1; }
fi

log "installing Node test clients (npm ci)"
if ! (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1
fi

log "building (warnings are errors)"
if ! dotnet build Resumable.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"; exit 1
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
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

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

echo "$passed passed, $failed failed"
exit $status
