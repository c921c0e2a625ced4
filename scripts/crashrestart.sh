#!/bin/bash
# crashrestart.sh BIN SEED_DIR OUT: a start after a crash, timed. Copies the
# data directory SEED_DIR (left by a clean stop or a seed) to OUT.data,
# starts the server BIN on it, waits for /readyz, lets it run 5 s, kills it
# with SIGKILL, starts it again and writes to OUT when the second start
# listened, when /readyz answered 200 and the CPU it had used by then, and
# when /readyz no longer said "reconciling": true (the servers' own logs to
# OUT.first.log and OUT.second.log). BENCHMARKS.md, "A
# start after a crash at one million". With PROFILE=1, a CPU profile of
# the second start's first 120 s (OUT.cpu, from DEBUG_ADDR).
set -euo pipefail
BIN=$1 SEED=$2 OUT=$3
ADDR=127.0.0.1:18181
rm -rf "$OUT.data"
cp -a "$SEED" "$OUT.data"

start() { # start LOG [DEBUG_ADDR]
  ADDR=$ADDR DEBUG_ADDR=${2:-} DATA_DIR=$OUT.data LOG_LEVEL=info "$BIN" >"$1" 2>&1 &
  PID=$!
}
ready() { until curl -sf "http://$ADDR/readyz" >/dev/null; do sleep 0.2; done; }

start "$OUT.first.log"
ready
sleep 5
kill -KILL $PID
wait $PID 2>/dev/null || true

DEBUG=
if [ -n "${PROFILE:-}" ]; then DEBUG=127.0.0.1:18182; fi
t0=$(date +%s.%N)
start "$OUT.second.log" "$DEBUG"
until grep -q "listening on" "$OUT.second.log"; do sleep 0.2; done
echo "listening after $(echo "$(date +%s.%N) - $t0" | bc) s" >"$OUT"
if [ -n "$DEBUG" ]; then
  curl -sf -o "$OUT.cpu" "http://$DEBUG/debug/pprof/profile?seconds=120" &
  PROF=$!
fi
ready
echo "readyz after $(echo "$(date +%s.%N) - $t0" | bc) s" >>"$OUT"
# utime + stime of the process, in clock ticks.
read -r -a stat </proc/$PID/stat
echo "cpu by then $(echo "(${stat[13]} + ${stat[14]}) / $(getconf CLK_TCK)" | bc) s" >>"$OUT"
# A release without the field reconciled before it was ready.
while curl -sf "http://$ADDR/readyz" | grep -q '"reconciling":true'; do sleep 0.5; done
echo "reconciled after $(echo "$(date +%s.%N) - $t0" | bc) s" >>"$OUT"
read -r -a stat </proc/$PID/stat
echo "cpu by then $(echo "(${stat[13]} + ${stat[14]}) / $(getconf CLK_TCK)" | bc) s" >>"$OUT"
if [ -n "$DEBUG" ]; then wait $PROF || true; fi
kill -TERM $PID
wait $PID 2>/dev/null || true
