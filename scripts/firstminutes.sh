#!/bin/bash
# firstminutes.sh BIN DATA_DIR OUT: start the server BIN on DATA_DIR, wait
# for /readyz, send the search mix of scripts/loadgen for two consecutive
# minutes (10 clients, 20 requests/s, the seed of `seed --talents 1000000
# --seed 3`), stop it with SIGTERM, and write the figures to OUT (the
# server's own log to OUT.server.log). BENCHMARKS.md, "Facets counted
# aside". Build the loadgen first: go build -o /work/bin/loadgen ./scripts/loadgen
# With PROFILE=1, a CPU profile of the first minute (OUT.cpu) and the
# collector's trace (GODEBUG=gctrace=1, in OUT.server.log) are kept too.
set -euo pipefail
BIN=$1 DATA=$2 OUT=$3 LOADGEN=${LOADGEN:-/work/bin/loadgen}
DEBUG= GCTRACE=
if [ -n "${PROFILE:-}" ]; then DEBUG=127.0.0.1:18182 GCTRACE=gctrace=1; fi
GODEBUG=$GCTRACE ADDR=127.0.0.1:18181 DEBUG_ADDR=$DEBUG DATA_DIR=$DATA LOG_LEVEL=${LOG_LEVEL:-warn} "$BIN" >"$OUT.server.log" 2>&1 &
PID=$!
t0=$(date +%s.%N)
until curl -sf http://127.0.0.1:18181/readyz >/dev/null; do sleep 0.2; done
echo "readyz after $(echo "$(date +%s.%N) - $t0" | bc) s" >"$OUT"
for m in 1 2; do
  echo "== minute $m" >>"$OUT"
  if [ -n "$DEBUG" ] && [ $m = 1 ]; then
    curl -sf -o "$OUT.cpu" "http://$DEBUG/debug/pprof/profile?seconds=60" &
  fi
  "$LOADGEN" -url http://127.0.0.1:18181 -mix search -clients 10 -rate 20 -duration 60s \
    -creators 1000000 -orgs 20000 -seed 1 >>"$OUT" 2>&1
done
kill -TERM $PID
wait $PID || true
