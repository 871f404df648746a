#!/usr/bin/env bash
# Installs the package's dependencies exactly as package-lock.json says (npm ci), unless node_modules is already
# newer than the lock. The Maven build of clients/typescript runs it first; it needs Node 18+ and npm
# (scripts/ensure-services.sh node, at the repository root, installs Debian's when there are none).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "clients/typescript: npm not found; run scripts/ensure-services.sh node" >&2; exit 1; }
echo "clients/typescript: npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
