#!/usr/bin/env bash
# Runs the JMH benchmarks of one module's internals, which live in its test tree (they reach into its internal
# package, which no other module may use). bench/jmh-server.sh and bench/jmh-media.sh call it.
#
#   bench/jmh-internal.sh MODULE [JMH arguments]      e.g. bench/jmh-internal.sh tether-media Resampler -f 1
#
# JMH arguments go to org.openjdk.jmh.Main; without any, "-f 1 -wi 3 -i 5 -w 1s -r 1s". It compiles with
# test-compile (never install) and runs on the test class path that Maven resolves in the same reactor.
set -euo pipefail
cd "$(dirname "$0")/.."

module=${1:?usage: bench/jmh-internal.sh MODULE [JMH arguments]}
shift
classpath_file=$module/target/jmh-classpath.txt
./mvnw -B -ntp -q -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$classpath_file" -Dmdep.pathSeparator=: >&2
CP=$module/target/test-classes:$module/target/classes:tether-server/target/classes:tether-core/target/classes:$(cat "$classpath_file")

if [[ $# -eq 0 ]]; then
  set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
fi
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
