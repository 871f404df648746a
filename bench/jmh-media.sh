#!/usr/bin/env bash
# Runs the JMH benchmarks of tether-media's internals (ResamplerBenchmark).
#
#   bench/jmh-media.sh                                   # all of them, one quick fork
#   bench/jmh-media.sh Resampler -p rates=24000:8000 -f 1 -wi 3 -i 5 -w 1s -r 1s
exec "$(dirname "$0")/jmh-internal.sh" tether-media "$@"
