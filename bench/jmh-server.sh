#!/usr/bin/env bash
# Runs the JMH benchmarks of tether-server's internals, which live in its test tree (they reach into
# dev.tether.server.internal, which no other module may use): DispatchBenchmark, SubscriptionMatchBenchmark.
#
#   bench/jmh-server.sh                                  # all of them, one quick fork
#   bench/jmh-server.sh SubscriptionMatch -f 1 -wi 3 -i 5 -w 1s -r 1s
#
# Arguments go to JMH (org.openjdk.jmh.Main); without any, "-f 1 -wi 3 -i 5 -w 1s -r 1s". It compiles with
# test-compile (never install) and runs on the test class path that Maven resolves in the same reactor.
set -euo pipefail
cd "$(dirname "$0")/.."

CLASSPATH_FILE=tether-server/target/jmh-classpath.txt
./mvnw -B -ntp -q -pl tether-core,tether-server test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CLASSPATH_FILE" -Dmdep.pathSeparator=: >&2
CP=tether-server/target/test-classes:tether-server/target/classes:tether-core/target/classes:$(cat "$CLASSPATH_FILE")

if [[ $# -eq 0 ]]; then
  set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
fi
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
