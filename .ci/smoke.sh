#!/usr/bin/env bash
# Smoke test: starts the real app under Xvfb, waits for its window, takes a
# screenshot and fails if the window is missing or the picture is blank.
# Usage: .ci/smoke.sh [APP-BINARY] [SCREENSHOT.png]
set -euo pipefail
app=${1:-./bin/atelier}
shot=${2:-smoke.png}
[ -x "$app" ] || { echo "smoke: $app is not built" >&2; exit 1; }

# A free display number.
disp=99
while [ -e "/tmp/.X${disp}-lock" ] || [ -e "/tmp/.X11-unix/X${disp}" ]; do disp=$((disp + 1)); done
export DISPLAY=":$disp"
Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >/tmp/atelier-smoke-xvfb.log 2>&1 &
xvfb=$!
appPid=""
home=""
cleanup() {
  [ -n "$appPid" ] && kill "$appPid" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "$home" ] && rm -rf "$home" || true
}
trap cleanup EXIT

for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || { echo "smoke: Xvfb did not start" >&2; cat /tmp/atelier-smoke-xvfb.log >&2; exit 1; }

# A throw-away home, so that the test never touches the user's own data.
home=$(mktemp -d)
# With a race-enabled build, the first data race stops the app (and the test).
HOME="$home" LANG=en_US.UTF-8 GORACE=halt_on_error=1 "$app" >/tmp/atelier-smoke-app.log 2>&1 &
appPid=$!

found=""
for _ in $(seq 150); do
  if ! kill -0 "$appPid" 2>/dev/null; then
    echo "smoke: the app exited early:" >&2; cat /tmp/atelier-smoke-app.log >&2; exit 1
  fi
  if xwininfo -root -tree 2>/dev/null | grep -q '"Atelier"'; then found=1; break; fi
  sleep 0.2
done
[ -n "$found" ] || { echo "smoke: no window titled Atelier appeared within 30 s" >&2; cat /tmp/atelier-smoke-app.log >&2; exit 1; }
sleep 3 # let the first preview render land
import -window root "$shot"
if ! kill -0 "$appPid" 2>/dev/null; then
  echo "smoke: the app died after opening its window:" >&2; cat /tmp/atelier-smoke-app.log >&2; exit 1
fi

# Blank means (nearly) one colour: measure the spread of grey levels and the
# number of distinct colours.
sd=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
colours=$(convert "$shot" -format '%k' info:)
echo "smoke: window found; screenshot $shot: grey std-dev $sd, $colours colours"
awk -v sd="$sd" -v c="$colours" 'BEGIN { exit !(sd > 0.05 && c > 500) }' || {
  echo "smoke: the screenshot looks blank" >&2; exit 1; }
if grep -q "DATA RACE" /tmp/atelier-smoke-app.log; then
  echo "smoke: the app has a data race:" >&2; cat /tmp/atelier-smoke-app.log >&2; exit 1
fi
