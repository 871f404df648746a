#!/usr/bin/env bash
# Soaks the demo server: starts `tether serve` on 127.0.0.1 (a free port, a heap of $SERVER_HEAP), drives it with
# `tether soak` (RPC calls, streams, chat fan-out, 10 % stalled readers, connections churning) for DURATION, samples
# its heap after GC, direct memory, threads, file descriptors and p99 RPC latency every 10 s, and exits 1 naming
# the resource that grew (docs/reliability.md). Netty's leak detector runs in the server; a LEAK line fails too.
#
#   scripts/soak.sh                              # 10 minutes
#   scripts/soak.sh 2h                           # at most 24h
#   SOAK_ARGS='-c 100 --rpc-rate 500' scripts/soak.sh 5m
#   SKIP_BUILD=1 scripts/soak.sh 1m              # reuse the jars already built
#
# Results in $OUT (target/soak): samples.csv, soak.txt (the samples and the verdict), soak.png (the chart),
# server.log, machine.txt. Builds tether-cli and tether-bench with `package` (never install) unless SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${1:-10m}
WARMUP=${WARMUP:-1m}
OUT=${OUT:-target/soak}
SERVER_HEAP=${SERVER_HEAP:-512m}
SOAK_ARGS=${SOAK_ARGS:-}

# Prints the seconds of a period such as 90s, 10m or 1.5h; fails on anything else.
seconds() {
  [[ $1 =~ ^([0-9]+(\.[0-9]+)?)([smh])$ ]] || { echo "soak: $1 (expected: a number and s, m or h, as 10m)" >&2; return 1; }
  local unit=${BASH_REMATCH[3]} factor=1
  [[ $unit == m ]] && factor=60
  [[ $unit == h ]] && factor=3600
  awk -v n="${BASH_REMATCH[1]}" -v f="$factor" 'BEGIN { printf "%d", n * f }'
}
duration_s=$(seconds "$DURATION") || exit 2
warmup_s=$(seconds "$WARMUP") || exit 2
if (( duration_s > 86400 )); then
  echo "soak: duration $DURATION (expected: at most 24h)" >&2
  exit 2
fi

java="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
fi
if [[ -z "${SKIP_BUILD:-}" ]]; then
  scripts/ensure-services.sh node
  ./mvnw -q -B -ntp -DskipTests package -pl tether-cli,tether-bench -am
fi
jar=tether-cli/target/tether.jar
bench=tether-bench/target/benchmarks.jar

mkdir -p "$OUT"
rm -f "$OUT/samples.csv" "$OUT/soak.png"
"$java" -Xmx"$SERVER_HEAP" -Dio.netty.leakDetection.level=simple -jar "$jar" serve --host 127.0.0.1 --port 0 \
  >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 120); do
  port=$(sed -n 's|.*Demo page: http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$OUT/server.log" | head -1)
  [[ -n $port ]] && break
  kill -0 $server 2>/dev/null || { echo "soak: the demo server did not start; see $OUT/server.log" >&2; exit 1; }
  sleep 1
done
[[ -n $port ]] || { echo "soak: the demo server did not say its port within 120 s; see $OUT/server.log" >&2; exit 1; }

{
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit: $(git rev-parse --short HEAD)"
  echo "cores: $(nproc)   cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)   memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
  "$java" -version 2>&1 | head -2
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

set +e
# shellcheck disable=SC2086 # SOAK_ARGS is a list of options
"$java" -Xmx1g -jar "$jar" soak --url "ws://127.0.0.1:$port/" --duration "$DURATION" --warmup "$WARMUP" \
  --server-pid "$server" --csv "$OUT/samples.csv" $SOAK_ARGS 2>&1 | tee "$OUT/soak.txt"
status=${PIPESTATUS[0]}
set -e
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

if [[ -s $OUT/samples.csv ]] && (( $(wc -l <"$OUT/samples.csv") > 1 )); then
  "$java" -Djava.awt.headless=true -cp "$bench" dev.tether.bench.charts.SoakChart "$OUT/samples.csv" "$OUT/soak.png" \
    "$warmup_s" "tether soak, $DURATION ($(head -1 "$OUT/machine.txt" | cut -d' ' -f2-4))"
  echo "soak: chart $OUT/soak.png"
fi
if grep -q 'LEAK:' "$OUT/server.log"; then
  echo "soak: FAILED: Netty's leak detector reported a leak in the server; see $OUT/server.log" >&2
  status=1
fi
exit "$status"
