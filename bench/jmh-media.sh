#!/usr/bin/env bash
# Runs the JMH benchmarks of tether-media's internals, which live in its test tree (they reach into
# dev.tether.media.internal, which no other module may use): ResamplerBenchmark.
#
#   bench/jmh-media.sh                                   # all of them, one quick fork
#   bench/jmh-media.sh Resampler -p rates=24000:8000 -f 1 -wi 3 -i 5 -w 1s -r 1s
#
# Arguments go to JMH (org.openjdk.jmh.Main); without any, "-f 1 -wi 3 -i 5 -w 1s -r 1s". It compiles with
# test-compile (never install) and runs on the test class path that Maven resolves in the same reactor.
set -euo pipefail
cd "$(dirname "$0")/.."

CLASSPATH_FILE=tether-media/target/jmh-classpath.txt
./mvnw -B -ntp -q -pl tether-core,tether-server,tether-media test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CLASSPATH_FILE" -Dmdep.pathSeparator=: >&2
CP=tether-media/target/test-classes:tether-media/target/classes:tether-server/target/classes:tether-core/target/classes:$(cat "$CLASSPATH_FILE")

if [[ $# -eq 0 ]]; then
  set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
fi
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
