#!/usr/bin/env bash
# Runs Autobahn|Testsuite (wstest, fuzzingclient mode) against the demo's raw echo endpoint and writes the result
# into docs/conformance.md: a table of case families with their counts of OK / NON-STRICT / INFORMATIONAL /
# UNIMPLEMENTED / FAILED, and the cases that were not OK.
#
#   scripts/autobahn.sh                       # cases 1-10, 12 and 13 (12 and 13 take about 35 minutes on 2 cores)
#   CASES='1.* 2.* 9.*' scripts/autobahn.sh   # some families only
#
# Needs ../shared/tools/autobahn/wstest.sh and its CPython 2.7 (see its README); says so and exits 0 without them.
# The server is `./tether serve` on 127.0.0.1:$PORT, started here and stopped at the end; reports go to
# target/autobahn/ (the HTML report is index.html there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WSTEST=${WSTEST:-../shared/tools/autobahn/wstest.sh}
PORT=${PORT:-9001}
CASES=${CASES:-1.* 2.* 3.* 4.* 5.* 6.* 7.* 8.* 9.* 10.* 12.* 13.*}
OUT=target/autobahn

if [[ ! -x $WSTEST ]]; then
  echo "autobahn: skipped, no wstest at $WSTEST (Autobahn|Testsuite is not on this machine)"
  exit 0
fi

mkdir -p "$OUT"
./tether serve --host 127.0.0.1 --port "$PORT" >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "autobahn: the demo server did not start; see $OUT/server.log" >&2; exit 1; }
  sleep 1
done

cases_json=$(printf '"%s",' $CASES)
cat >"$OUT/spec.json" <<SPEC
{"outdir": "$PWD/$OUT/reports",
 "servers": [{"agent": "tether", "url": "ws://127.0.0.1:$PORT/echo"}],
 "cases": [${cases_json%,}], "exclude-cases": [], "exclude-agent-cases": {}}
SPEC
started=$(date -u '+%Y-%m-%d %H:%M UTC')
"$WSTEST" -m fuzzingclient -s "$OUT/spec.json" >"$OUT/wstest.log" 2>&1

python3 scripts/autobahn_report.py "$OUT/reports/index.json" docs/conformance.md "$started" "$CASES"
echo "autobahn: docs/conformance.md updated; HTML report: $OUT/reports/index.html"
