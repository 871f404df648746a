#!/usr/bin/env bash
# Fuzzes every @FuzzTest with Jazzer (coverage-guided, libFuzzer) for a bounded time: the packet decoders, the
# server's HTTP upgrade path and frames, the media serializers and the WebRTC signaling bodies (docs/fuzzing.md).
#
#   scripts/fuzz.sh              # 10 minutes in all, shared evenly between the fuzz tests
#   scripts/fuzz.sh 2h           # DURATION: seconds, or a number with s, m or h
#   TARGETS='PacketDecoderFuzzTest#msgpackDecodingNeverThrowsAndReencodes' scripts/fuzz.sh 5m   # one test only
#
# Each test runs in its own Maven run (Jazzer fuzzes one test per JVM), with its share of the time plus Maven's and
# the agent's start-up (about half a minute); a run that overstays its share by three minutes is stopped. The corpus
# each run grows stays in <module>/.cifuzz-corpus/ (ignored by git) and is reused by the next run. A failing input is
# written as crash-<sha1> next to the test's seed corpus, in src/test/resources/<package>/<Test>Inputs/<method>/, so
# that every build replays it from then on: fix the bug, give the file a name that says what it holds, and commit it.
# Exits non-zero when any test found something.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds() {
  local d=$1
  case $d in
    *h) echo $((${d%h} * 3600)) ;;
    *m) echo $((${d%m} * 60)) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}

TOTAL=$(seconds "${1:-10m}")
[[ $TOTAL =~ ^[0-9]+$ && $TOTAL -gt 0 ]] || { echo "DURATION: ${1:-} (expected: seconds, or a number with s, m or h)" >&2; exit 2; }

# module | test class#method | classes to instrument (Jazzer's coverage): the code under test and its parsers.
ALL_TARGETS="
tether-core|PacketDecoderFuzzTest#msgpackDecodingNeverThrowsAndReencodes|dev.tether.core.**:org.msgpack.**
tether-core|PacketDecoderFuzzTest#jsonDecodingNeverThrowsAndReencodes|dev.tether.core.**:com.fasterxml.jackson.core.**
tether-testsuite|UpgradePathFuzzTest#anyRequestHeadGetsAStatusOrAClose|dev.tether.server.**:io.netty.handler.codec.http.**
tether-testsuite|UpgradePathFuzzTest#anyFramesAfterAnUpgradeAreAnsweredOrClosed|dev.tether.server.**:io.netty.handler.codec.http.**
tether-media|SerializerFuzzTest#providerMessagesDeserializeToAFrameOrNothing|dev.tether.media.**
tether-media|SerializerFuzzTest#protobufFramesRoundTrip|dev.tether.media.**:com.google.protobuf.**
tether-webrtc|SignalingBodiesFuzzTest#anyOfferBodyIsAnOfferOrFieldErrors|dev.tether.webrtc.**:com.fasterxml.jackson.core.**
tether-webrtc|SignalingBodiesFuzzTest#anyStartBodyIsAStartOrFieldErrors|dev.tether.webrtc.**:com.fasterxml.jackson.core.**
tether-webrtc|SignalingBodiesFuzzTest#anyCandidatePatchIsAnsweredWithFieldErrorsOrNotFound|dev.tether.webrtc.**:com.fasterxml.jackson.core.**
"
selected=()
while IFS= read -r line; do
  [[ -n $line ]] || continue
  test=$(cut -d'|' -f2 <<<"$line")
  if [[ -z ${TARGETS:-} || " $TARGETS " == *" $test "* ]]; then
    selected+=("$line")
  fi
done <<<"$ALL_TARGETS"
[[ ${#selected[@]} -gt 0 ]] || { echo "TARGETS: ${TARGETS:-} (expected: Class#method of the list in $0)" >&2; exit 2; }

share=$((TOTAL / ${#selected[@]}))
((share >= 10)) || share=10
echo "fuzz: ${#selected[@]} test(s), ${share}s each"

failed=()
for line in "${selected[@]}"; do
  IFS='|' read -r module test includes <<<"$line"
  log="$module/target/fuzz-${test//#/-}.log"
  mkdir -p "$module/target"
  echo "fuzz: $test ($module) for ${share}s; log in $log"
  # The JUnit timeout (60 s for tests) would stop the fuzzing run itself: fuzz tests get theirs here. Packet stays
  # uninstrumented: Jazzer 0.24's coverage instrumentation of it, now and then, made its constructor throw
  # NoSuchFieldError (a record; it has no branches worth covering).
  if timeout $((share + 180)) env JAZZER_FUZZ=1 ./mvnw -B -ntp test -pl "$module" -am \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -DskipTests=false -Dspotless.check.skip=true \
      -Djazzer.hooks=true -Djazzer.instrumentation_includes="$includes" \
      -Djazzer.instrumentation_excludes=dev.tether.core.Packet \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$share" \
      -Djunit.jupiter.execution.timeout.testtemplate.method.default=$((share + 120))s >"$log" 2>&1; then
    echo "fuzz: $test: nothing found"
  else
    echo "fuzz: $test: FAILED (see $log)"
    failed+=("$test")
  fi
done

crashes=$(find . -path ./node_modules -prune -o -path '*/src/test/resources/*Inputs/*' -name 'crash-*' -print)
if [[ -n $crashes ]]; then
  echo "fuzz: failing inputs, replayed by every build until fixed and renamed:"
  echo "$crashes"
fi
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: ${#failed[@]} of ${#selected[@]} test(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#selected[@]} test(s), nothing found"
