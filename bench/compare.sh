#!/usr/bin/env bash
# Runs every `tether bench` scenario in one go, in two parts.
#
# Rounds (ROUNDS times, servers taking turns): `echo` against four echo servers in turn — raw Netty (no framework,
# the upper bound), Vert.x (a JVM framework baseline), Tether, and node's `ws` — then, against Tether, `rpc`
# closed-loop (its maximum) for a method on the I/O thread and one on a worker, `fanout` from one publisher to each
# count in SUBSCRIBERS, and `connections` (IDLE idle connections and the server's memory per connection).
#
# Curve (once): latency against offered load, open loop (`--rate`, latency from the schedule, so corrected for
# coordinated omission), for Tether `rpc add` on the I/O thread, Tether echo, raw Netty echo and Vert.x echo. Each
# series climbs CURVE_RATES and stops after the first saturated rate: the generator could not keep to it (BEHIND:
# it sent less than 95 % of the rate) or the median latency reached CURVE_STOP_P50_MS (a growing queue). Every series starts with a closed-loop run that
# is not recorded, so that the server's JIT is warm at the first rate.
#
# It writes one JSON file per run to bench/results/ (the curve's to bench/results/curve/), rewrites the tables
# between the compare and curve markers in docs/benchmarks.md and redraws the charts in docs/img.
#
#   bench/compare.sh                 # 10 s per run, 5 s per point of the curve: about 17 minutes on 2 cores
#   T=30s CONNECTIONS=64 ROUNDS=5 bench/compare.sh
#   CURVE_ONLY=1 bench/compare.sh    # only the curve (about 6 minutes); ROUNDS_ONLY=1 only the rounds
#   CURVE_RATES='10000 50000' CURVE_T=2s CURVE_ONLY=1 bench/compare.sh   # a quick check of the pipeline
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
# The curve: offered rates (msg/s in all), per-point warm-up and duration, and messages in flight per connection
# (a cap only: at 64 x 16 connections it binds only when latency x rate exceeds 1,024 messages).
CURVE_RATES=${CURVE_RATES:-10000 25000 50000 100000 150000 200000 300000 400000}
CURVE_T=${CURVE_T:-5s}
CURVE_WARMUP=${CURVE_WARMUP:-2s}
CURVE_DEPTH=${CURVE_DEPTH:-64}
# A series also stops after a point whose median latency reached this many milliseconds (see curve()).
export CURVE_STOP_P50_MS=${CURVE_STOP_P50_MS:-50}
JAR=tether-cli/target/tether.jar
BENCH_JAR=tether-bench/target/benchmarks.jar
RESULTS=bench/results
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}

mkdir -p "$RESULTS/curve"
rm -f "$RESULTS"/*.json "$RESULTS"/*.log "$RESULTS"/curve/*.json "$RESULTS"/curve/*.log

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $JAR || ! -f $BENCH_JAR ]]; then
  echo "building $JAR and $BENCH_JAR (SKIP_BUILD=1 uses the ones there)" >&2
  ./mvnw -B -ntp -q -pl tether-cli,tether-bench -am package -DskipTests
fi

# Private copies, so that a rebuild while the script runs does not pull classes out from under the JVMs. The
# generator is the shipped tether command's; the servers it is measured against (raw Netty, Vert.x, Tether's bench
# server) and the charts come from tether-bench's jar, which is not shipped.
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

# generate OUT PORT SCENARIO [ARGS...]: one generator run against the server on PORT, its JSON line to OUT.
generate() {
  local out=$1 port=$2 scenario=$3
  shift 3
  $GENERATOR_CPU java $JAVA_OPTS -jar "$JAR" bench "$scenario" --url "ws://127.0.0.1:$port/" \
    -c "$CONNECTIONS" -s "$SIZE" --server-pid "$SERVER_PID" --json --no-progress "$@" >"$out"
  cat "$out" >&2
  echo >&2
}

# bench NAME PORT SCENARIO [ARGS...]; CONNECTIONS, DEPTH, T and WARMUP set before the call apply to it alone.
bench() {
  local name=$1 port=$2 scenario=$3
  shift 3
  echo "== $name: $scenario for $T (warm-up $WARMUP) $*" >&2
  generate "$RESULTS/$name-r$ROUND.json" "$port" "$scenario" -d "$DEPTH" -t "$T" --warmup "$WARMUP" "$@"
}

# curve SERIES PORT SCENARIO [ARGS...]: one warm-up run closed loop (not recorded), then each of CURVE_RATES open
# loop into $RESULTS/curve/SERIES-RATE.json, up to and including the first that fell behind its schedule.
curve() {
  local series=$1 port=$2 scenario=$3
  shift 3
  echo "== curve $series: warm-up, closed loop" >&2
  generate "$RESULTS/curve/$series-warmup.log" "$port" "$scenario" -d "$DEPTH" -t 3s --warmup 0s "$@"
  for rate in $CURVE_RATES; do
    local out=$RESULTS/curve/$series-$rate.json
    echo "== curve $series: $scenario at $rate/s for $CURVE_T (warm-up $CURVE_WARMUP) $*" >&2
    generate "$out" "$port" "$scenario" -d "$CURVE_DEPTH" -t "$CURVE_T" --warmup "$CURVE_WARMUP" --rate "$rate" "$@"
    # Saturated: the generator fell behind the schedule, or the median waited CURVE_STOP_P50_MS or more, which
    # below saturation it never does (a queue that grows through the run). The second catches what the first
    # misses: a backlog from the warm-up is sent inside the window, so sent/s may even exceed the rate.
    if python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))
sys.exit(0 if run["behind_schedule"] or run["latency_us"]["p50"] >= 1000 * int(sys.argv[2]) else 1)
' "$out" "$CURVE_STOP_P50_MS"; then
      echo "== curve $series: saturated at $rate/s (behind its schedule, or p50 >= $CURVE_STOP_P50_MS ms); the series stops here" >&2
      break
    fi
  done
}

# serve KIND PORT: one of tether-bench's servers (raw, vertx, tether), one I/O thread, logging to KIND-server.log.
serve() {
  start_server "$1" "$2" java $JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.servers.EchoServers "$1" "$2" 1
}

RAW_PORT=$BASE_PORT
TETHER_PORT=$((BASE_PORT + 1))
NODE_PORT=$((BASE_PORT + 2))
VERTX_PORT=$((BASE_PORT + 3))

if [[ ${CURVE_ONLY:-0} != 1 ]]; then
  for ROUND in $(seq "$ROUNDS"); do
    echo "=== round $ROUND of $ROUNDS" >&2
    serve raw $RAW_PORT
    bench echo-raw-netty $RAW_PORT echo
    stop_server

    serve vertx $VERTX_PORT
    bench echo-vertx $VERTX_PORT echo
    stop_server

    serve tether $TETHER_PORT
    bench echo-tether $TETHER_PORT echo
    # add and echo are @NonBlocking (they answer on the I/O thread); addOnWorker is the same add as a plain method.
    # Their latency below saturation is the curve's (after the rounds), not a single point here.
    for method in add addOnWorker echo; do
      bench "rpc-$method-tether" $TETHER_PORT rpc --method "$method"
    done
    for subscribers in $SUBSCRIBERS; do
      CONNECTIONS=$subscribers DEPTH=$FANOUT_DEPTH bench "fanout-$subscribers-tether" $TETHER_PORT fanout
    done
    CONNECTIONS=$IDLE T=5s WARMUP=1s bench connections-tether $TETHER_PORT connections
    stop_server

    if [[ $NODE_OK == 1 ]]; then
      start_server node-ws $NODE_PORT node bench/ws-echo.js $NODE_PORT
      bench echo-node-ws $NODE_PORT echo
      stop_server
    fi
  done
fi

if [[ ${ROUNDS_ONLY:-0} != 1 ]]; then
  echo "=== curve: rates $CURVE_RATES, $CURVE_T each after $CURVE_WARMUP" >&2
  serve tether $TETHER_PORT
  curve tether-rpc-add $TETHER_PORT rpc --method add
  curve tether-echo $TETHER_PORT echo
  stop_server

  serve raw $RAW_PORT
  curve raw-netty-echo $RAW_PORT echo
  stop_server

  serve vertx $VERTX_PORT
  curve vertx-echo $VERTX_PORT echo
  stop_server
fi

COMMAND="${CURVE_ONLY:+CURVE_ONLY=$CURVE_ONLY }${ROUNDS_ONLY:+ROUNDS_ONLY=$ROUNDS_ONLY }T=$T WARMUP=$WARMUP ROUNDS=$ROUNDS CURVE_RATES='$CURVE_RATES' CURVE_T=$CURVE_T CURVE_WARMUP=$CURVE_WARMUP CURVE_DEPTH=$CURVE_DEPTH CURVE_STOP_P50_MS=$CURVE_STOP_P50_MS SUBSCRIBERS='$SUBSCRIBERS' FANOUT_DEPTH=$FANOUT_DEPTH IDLE=$IDLE CONNECTIONS=$CONNECTIONS SIZE=$SIZE DEPTH=$DEPTH bench/compare.sh"
PINNED=$([[ -n $SERVER_CPU ]] && echo "server on core 0, generator on core 1 (taskset)" || echo "not pinned")
python3 bench/table.py "$RESULTS" docs/benchmarks.md "$COMMAND" "$PINNED"
java -Djava.awt.headless=true -cp "$BENCH_JAR" dev.tether.bench.charts.Charts "$RESULTS" docs/img
echo "results in $RESULTS/, table in docs/benchmarks.md" >&2
