#!/usr/bin/env bash
# Samples the server's CPU with perf under unpaced load, for one durability mode, and prints the hottest
# managed methods. Needs perf (Debian: linux-perf) and a Release build of the server.
#   bash bench/profile.sh Async     # or None, Sync
set -euo pipefail
MODE=${1:-Async}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Perf maps name JIT-compiled methods; W^X double mapping would hide them from perf.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet "$ROOT/src/Resumable.Server/bin/Release/net10.0/Resumable.Server.dll" --Urls="http://127.0.0.1:$PORT" \
  --Resumable:Wal:Durability="$MODE" --Resumable:Wal:Directory="$WORK/wal" --Logging:LogLevel:Default=Warning > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
BODY='{"model":"synthetic","input":"profile","background":true,"stream":true,"metadata":{"synthetic_output_tokens":"100000","synthetic_tokens_per_second":"0","synthetic_ttft_ms":"0"}}'
END=$((SECONDS + 14))
LOADERS=""
for _ in 1 2; do
  ( while [ $SECONDS -lt $END ]; do curl -sN -H 'content-type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/v1/responses" > /dev/null; done ) &
  LOADERS="$LOADERS $!"
done
sleep 5   # past tiered compilation
perf record -F 499 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep 6 > /dev/null 2>&1
wait $LOADERS
echo "== $MODE: CPU by module"
perf report -i "$WORK/perf.data" --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8
echo "== $MODE: hottest methods"
perf report -i "$WORK/perf.data" --no-children --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' | head -30 | cut -c1-180
