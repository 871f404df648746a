#!/usr/bin/env bash
# Makes sure this machine has what the test suite needs, using whatever is already there.
#
#   scripts/ensure-services.sh [node] [browser] [webrtc] [redis] [nats]
#
# With no arguments it ensures the services named in TETHER_SERVICES (space-separated), or
# "node browser webrtc redis nats" when that is unset. Safe to run again: a service that is already installed or listening is left alone.
#
#   node     Node.js 18 or newer with npm, which the build of clients/typescript (the TypeScript client and the demo
#            page's bundle) needs: Debian's nodejs and npm when there is no node, or only an older one
#   browser  Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver), and the npm packages
#            of the pipecat client test (npm ci in tether-cli/src/test/js when its node_modules is missing or older
#            than its package-lock.json; Debian's nodejs and npm when there is no npm)
#   webrtc   the shared libraries webrtc-java's native library loads (libpulse0 and a few X11/udev/dbus libraries
#            from Debian; nothing is started: the peer uses a headless audio device)
#   redis    a Redis server on 127.0.0.1:6379 (Debian's redis-server, started in the background)
#   nats     a NATS server with JetStream on 127.0.0.1:4222 (Debian's nats-server, started in the background with
#            its store under $TMPDIR/tether-services/nats)
#
# Packages come from apt-get (Debian or Ubuntu); "apt-get update" runs only when something must be installed.
# Commands that need root go through sudo unless the script already runs as root.
set -euo pipefail

readonly LOG_DIR="${TMPDIR:-/tmp}/tether-services"

say() { printf 'ensure-services: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run: $* (run as root or install sudo)"
  fi
}

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* without apt-get; install it by hand"
  if ! $apt_updated; then
    say "apt-get update"
    as_root apt-get update -q
    apt_updated=true
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# Whether something accepts TCP connections on host $1, port $2 (bash's /dev/tcp; no other tools needed).
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Waits up to 10 s for host $1, port $2 to accept connections; $3 names the service for messages.
wait_for_port() {
  local attempt
  for attempt in $(seq 50); do
    port_open "$1" "$2" && return 0
    sleep 0.2
  done
  die "$3 is not listening on $1:$2 after 10 s; see $LOG_DIR"
}

readonly NODE_MIN_MAJOR=18

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null && (($(node_major) >= NODE_MIN_MAJOR)); then
    say "node: $(node --version) with npm $(npm --version)"
    return
  fi
  apt_install nodejs npm
  (($(node_major) >= NODE_MIN_MAJOR)) \
    || die "node: $(node --version 2>/dev/null || echo none) after installing Debian's nodejs (expected: 18 or newer)"
  say "node: $(node --version) installed"
}

ensure_browser() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    say "browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) with /usr/bin/chromedriver"
    return
  fi
  apt_install chromium chromium-driver
  [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] \
    || die "chromium-driver installed, but /usr/bin/chromium or /usr/bin/chromedriver is missing"
  say "browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) installed"
}

readonly JS_TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tether-cli/src/test/js"

ensure_browser_js() {
  local modules="$JS_TEST_DIR/node_modules"
  if [[ -d $modules && $modules/.package-lock.json -nt $JS_TEST_DIR/package-lock.json ]]; then
    say "browser: pipecat client packages already in $modules"
    return
  fi
  ensure_node
  say "browser: npm ci in $JS_TEST_DIR"
  (cd "$JS_TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
}

# The libraries libwebrtc-java.so links against, by Debian package; checked with dpkg so nothing is reinstalled.
readonly WEBRTC_PACKAGES=(libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3)

ensure_webrtc() {
  local missing=() package
  for package in "${WEBRTC_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "webrtc: native libraries present (${WEBRTC_PACKAGES[*]})"
    return
  fi
  apt_install "${missing[@]}"
  say "webrtc: installed ${missing[*]}"
}

ensure_redis() {
  if port_open 127.0.0.1 6379; then
    say "redis: already listening on 127.0.0.1:6379"
    return
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  if port_open 127.0.0.1 6379; then
    say "redis: started by its package on 127.0.0.1:6379"
    return
  fi
  mkdir -p "$LOG_DIR"
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --daemonize yes --logfile "$LOG_DIR/redis.log"
  wait_for_port 127.0.0.1 6379 redis
  say "redis: started on 127.0.0.1:6379 (log: $LOG_DIR/redis.log)"
}

# Whether the NATS server on 127.0.0.1:4222 has JetStream: its greeting (INFO {...}) says "jetstream":true.
nats_has_jetstream() {
  local greeting
  exec 3<>/dev/tcp/127.0.0.1/4222 || return 1
  IFS= read -r -t 5 greeting <&3 || true
  exec 3<&- 3>&-
  [[ $greeting == *'"jetstream":true'* ]]
}

ensure_nats() {
  if port_open 127.0.0.1 4222; then
    nats_has_jetstream \
      || die "nats: the server on 127.0.0.1:4222 has no JetStream; restart it with --jetstream (the cluster tests need it)"
    say "nats: already listening on 127.0.0.1:4222, with JetStream"
    return
  fi
  command -v nats-server >/dev/null || apt_install nats-server
  if port_open 127.0.0.1 4222; then
    nats_has_jetstream \
      || die "nats: its package started a server on 127.0.0.1:4222 without JetStream; restart it with --jetstream"
    say "nats: started by its package on 127.0.0.1:4222"
    return
  fi
  mkdir -p "$LOG_DIR"
  nohup nats-server --addr 127.0.0.1 --port 4222 --jetstream --store_dir "$LOG_DIR/nats" \
    >"$LOG_DIR/nats.log" 2>&1 &
  wait_for_port 127.0.0.1 4222 nats
  say "nats: started on 127.0.0.1:4222 (log: $LOG_DIR/nats.log)"
}

main() {
  local services=("$@")
  if [[ ${#services[@]} -eq 0 ]]; then
    read -r -a services <<<"${TETHER_SERVICES:-node browser webrtc redis nats}"
  fi
  local service
  for service in "${services[@]}"; do
    case "$service" in
      node) ensure_node ;;
      browser) ensure_browser; ensure_browser_js ;;
      webrtc) ensure_webrtc ;;
      redis) ensure_redis ;;
      nats) ensure_nats ;;
      *) die "unknown service: $service (expected: node, browser, webrtc, redis or nats)" ;;
    esac
  done
}

main "$@"
