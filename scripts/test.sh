#!/usr/bin/env bash
# Runs the whole test suite the way CI does: ensures the services the tests need, then "mvnw verify" with the
# browser test required (a missing Chromium fails instead of skipping).
#
#   scripts/test.sh [extra Maven arguments]      e.g. scripts/test.sh -pl tether-cli -am
#
# It always ensures Node.js (the TypeScript client's build and tests), the browser, WebRTC's libraries, Redis and NATS
# (see scripts/ensure-services.sh); a Redis or NATS already listening on its standard loopback port is used as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

services="${TETHER_SERVICES:-node browser webrtc redis nats}"
for needed in node browser webrtc redis nats; do
  [[ " $services " == *" $needed "* ]] || services="$services $needed"
done
# shellcheck disable=SC2086 # one argument per service name
scripts/ensure-services.sh $services

# Autobahn|Testsuite runs inside the suite (AutobahnServerTest, AutobahnClientTest) where it lies beside the checkout;
# elsewhere those tests skip, and this says so once, up front.
wstest="${TETHER_WSTEST:-../shared/tools/autobahn/wstest.sh}"
[[ -x $wstest ]] || echo "autobahn: skipped, no Autobahn|Testsuite at $wstest (see docs/conformance.md)"

# No -q: Surefire's "Tests run: ..." lines and the reactor summary are the CI log's results.
exec ./mvnw -B -ntp verify -Dtether.requireBrowser=true "$@"
