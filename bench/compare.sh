#!/usr/bin/env bash
# Runs every `tether bench` scenario in one go: `echo` against three echo servers in turn — raw Netty (no
# framework, the upper bound), Tether, and node's `ws` — then, against Tether, `rpc` closed-loop (its maximum) and
# at half that rate (open-loop, latency from the schedule), for a method on the I/O thread and one on a worker, `fanout` from one publisher to each count in
# SUBSCRIBERS, and `connections` (IDLE idle connections and the server's memory per connection). It writes one
# JSON file per run to bench/results/, rewrites the tables between the compare markers in docs/benchmarks.md and
# redraws the charts in docs/img.
#
#   bench/compare.sh                 # 10 s per run
#   T=30s CONNECTIONS=64 ROUNDS=5 bench/compare.sh
#
# The servers take turns ROUNDS times (default 3) and the table shows each one's median run with the range, so a
# burst of other work on a shared machine hits every server alike instead of one.
#
# Servers and the generator are pinned to separate cores with taskset when the machine has two or more; every
# run stops by itself after WARMUP + T.
set -euo pipefail
cd "$(dirname "$0")/.."

T=${T:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-16}
SIZE=${SIZE:-64}
DEPTH=${DEPTH:-8}
ROUNDS=${ROUNDS:-3}
SUBSCRIBERS=${SUBSCRIBERS:-1000 10000}
FANOUT_DEPTH=${FANOUT_DEPTH:-64}
IDLE=${IDLE:-10000}
BASE_PORT=${BASE_PORT:-9301}
JAR=tether-cli/target/tether.jar
BENCH_JAR=tether-bench/target/benchmarks.jar
RESULTS=bench/results
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}

mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.json "$RESULTS"/*.log

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR || ! -f $BENCH_JAR ]]; then
  echo "building $JAR and $BENCH_JAR (SKIP_BUILD=1 uses the ones there)" >&2
  ./mvnw -B -ntp -q -pl tether-cli,tether-bench -am package -DskipTests
fi

# Private copies, so that a rebuild while the script runs does not pull classes out from under the JVMs. The
# generator is the shipped tether command's; the servers it is measured against (raw Netty, Tether's bench server)
# and the charts come from tether-bench's jar, which is not shipped.
cp "$JAR" "$RESULTS/tether.jar"
cp "$BENCH_JAR" "$RESULTS/benchmarks.jar"
JAR=$RESULTS/tether.jar
BENCH_JAR=$RESULTS/benchmarks.jar

SERVER_CPU=""
GENERATOR_CPU=""
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
  SERVER_CPU="taskset -c 0"
  GENERATOR_CPU="taskset -c 1"
  echo "pinning: servers on core 0, the generator on core 1" >&2
else
  echo "not pinning: taskset missing or one core" >&2
fi

NODE_OK=0
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [[ -d bench/node/node_modules/ws ]] || npm install --prefix bench/node --no-audit --no-fund ws@8 >&2; then
    NODE_OK=1
  else
    echo "skipping node ws: npm could not install ws@8 from the registry" >&2
  fi
else
  echo "skipping node ws: node or npm is not installed" >&2
fi

SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

# start_server NAME PORT COMMAND...: starts it in the background and waits (at most 30 s) for "listening".
start_server() {
  local name=$1 port=$2
  shift 2
  local log=$RESULTS/$name-server.log
  : >"$log"
  # exec keeps the pid of the server itself, not of a wrapping shell, for --server-pid.
  bash -c 'exec "$@"' _ $SERVER_CPU "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    grep -q "^listening" "$log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not start in 30 s" >&2
  cat "$log" >&2
  return 1
}

# bench NAME PORT SCENARIO [ARGS...]; CONNECTIONS, DEPTH, T and WARMUP set before the call apply to it alone.
bench() {
  local name=$1 port=$2 scenario=$3
  shift 3
  echo "== $name: $scenario for $T (warm-up $WARMUP) $*" >&2
  $GENERATOR_CPU java $JAVA_OPTS -jar "$JAR" bench "$scenario" --url "ws://127.0.0.1:$port/" \
    -c "$CONNECTIONS" -s "$SIZE" -d "$DEPTH" -t "$T" --warmup "$WARMUP" \
    --server-pid "$SERVER_PID" --json --no-progress "$@" >"$RESULTS/$name-r$ROUND.json"
  cat "$RESULTS/$name-r$ROUND.json" >&2
  echo >&2
}

# half_rate_of FILE: half the delivered/s of a run, as a whole number.
half_rate_of() {
  python3 -c 'import json,sys; print(max(1, int(json.load(open(sys.argv[1]))["delivered_per_second"] / 2)))' "$1"
}

for ROUND in $(seq "$ROUNDS"); do
  echo "=== round $ROUND of $ROUNDS" >&2
  start_server raw-netty $BASE_PORT java $JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.servers.EchoServers raw $BASE_PORT 1
  bench echo-raw-netty $BASE_PORT echo
  stop_server

  start_server tether $((BASE_PORT + 1)) java $JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.servers.EchoServers tether $((BASE_PORT + 1)) 1
  bench echo-tether $((BASE_PORT + 1)) echo
  # add and echo are @NonBlocking (they answer on the I/O thread); addOnWorker is the same add as a plain method.
  # Each maximum is followed by half of it on a schedule: the latency a service sees when it is not saturated.
  for method in add addOnWorker; do
    bench "rpc-$method-tether" $((BASE_PORT + 1)) rpc --method "$method"
    bench "rpc-$method-half-tether" $((BASE_PORT + 1)) rpc --method "$method" \
      --rate "$(half_rate_of "$RESULTS/rpc-$method-tether-r$ROUND.json")"
  done
  bench rpc-echo-tether $((BASE_PORT + 1)) rpc --method echo
  for subscribers in $SUBSCRIBERS; do
    CONNECTIONS=$subscribers DEPTH=$FANOUT_DEPTH bench "fanout-$subscribers-tether" $((BASE_PORT + 1)) fanout
  done
  CONNECTIONS=$IDLE T=5s WARMUP=1s bench connections-tether $((BASE_PORT + 1)) connections
  stop_server

  if [[ $NODE_OK == 1 ]]; then
    start_server node-ws $((BASE_PORT + 2)) node bench/ws-echo.js $((BASE_PORT + 2))
    bench echo-node-ws $((BASE_PORT + 2)) echo
    stop_server
  fi
done

COMMAND="T=$T WARMUP=$WARMUP ROUNDS=$ROUNDS SUBSCRIBERS='$SUBSCRIBERS' FANOUT_DEPTH=$FANOUT_DEPTH IDLE=$IDLE CONNECTIONS=$CONNECTIONS SIZE=$SIZE DEPTH=$DEPTH bench/compare.sh"
PINNED=$([[ -n $SERVER_CPU ]] && echo "server on core 0, generator on core 1 (taskset)" || echo "not pinned")
python3 bench/table.py "$RESULTS" docs/benchmarks.md "$COMMAND" "$PINNED"
java -Djava.awt.headless=true -cp "$BENCH_JAR" dev.tether.bench.charts.Charts "$RESULTS" docs/img
echo "results in $RESULTS/, table in docs/benchmarks.md" >&2
