#!/usr/bin/env bash
# Runs the JMH benchmarks of tether-server's internals (DispatchBenchmark, SubscriptionMatchBenchmark).
#
#   bench/jmh-server.sh                                  # all of them, one quick fork
#   bench/jmh-server.sh SubscriptionMatch -f 1 -wi 3 -i 5 -w 1s -r 1s
exec "$(dirname "$0")/jmh-internal.sh" tether-server "$@"
