#!/usr/bin/env bash
# Browser test of the reference page (frontend-contract/reference, issue 16 item 4): the API on
# a fresh SQLite data dir with the demo data, the built page served from another origin, and
# test/live-update.test.mjs driving Debian's Chromium through playwright-core. Leaves
# screenshots in frontend-contract/reference/artifacts/ (gitignored). Every process it starts
# is killed on exit, success or not; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=frontend-contract/reference
ARTIFACTS="$PWD/$REF/artifacts"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

echo "== browser test: Chromium"
if [ ! -x "$CHROMIUM" ]; then
  echo "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
"$CHROMIUM" --version

echo "== browser test: npm ci ($REF)"
npm ci --prefix "$REF" --no-audit --no-fund

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local status=$?
  # SIGTERM (the API shuts down gracefully), up to 15 s, then SIGKILL.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "-- API log (last 40 lines)"; tail -n 40 "$WORK/api.log" 2>/dev/null || true
    echo "-- page server log"; cat "$WORK/page.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

echo "== browser test: server binary"
go build -o "$WORK/supportdesk" ./server

# Two free loopback ports (the kernel's choice), distinct.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
API_PORT=$(free_port)
PAGE_PORT=$(free_port)
while [ "$PAGE_PORT" = "$API_PORT" ]; do PAGE_PORT=$(free_port); done
API_URL="http://127.0.0.1:$API_PORT/graphql"
PAGE_ORIGIN="http://127.0.0.1:$PAGE_PORT"

# wait_http URL SECONDS PID: until URL answers 2xx, the process PID is gone, or time is up.
wait_http() {
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    if ! kill -0 "$3" 2>/dev/null; then echo "process for $1 exited"; return 1; fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "$1 did not answer within $2 s"; return 1; fi
    sleep 0.5
  done
}

echo "== browser test: API on $API_URL (demo data, SQLite in a fresh dir), page origin $PAGE_ORIGIN"
# ACCESS_TOKEN_TTL=70s: the page refreshes a minute before expiry, so the test sees the token
# rotation and the WebSocket's reauthenticate within its run.
LISTEN_ADDR="127.0.0.1:$API_PORT" DATA_DIR="$WORK/data" CORS_ORIGINS="$PAGE_ORIGIN" DATABASE_URL= ACCESS_TOKEN_TTL=70s \
  "$WORK/supportdesk" -demo >"$WORK/api.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$API_PORT/readyz" 120 "${PIDS[0]}"

echo "== browser test: build and serve the page"
VITE_API_URL="$API_URL" npm run --prefix "$REF" build
(cd "$REF" && exec node_modules/.bin/vite preview --host 127.0.0.1 --port "$PAGE_PORT" --strictPort) >"$WORK/page.log" 2>&1 &
PIDS+=($!)
wait_http "$PAGE_ORIGIN/" 30 "${PIDS[1]}"

echo "== browser test: Playwright (Chromium, two browser contexts)"
rm -rf "$ARTIFACTS"
# timeout signals its whole process group, so Chromium goes too if the run hangs.
(cd "$REF" && PAGE_URL="$PAGE_ORIGIN/" API_URL="$API_URL" CHROMIUM="$CHROMIUM" ARTIFACTS="$ARTIFACTS" \
  timeout --kill-after=10 150 node --test --test-timeout=130000 test/)
test -s "$ARTIFACTS/live-update.png"
echo "screenshot: $REF/artifacts/live-update.png"
