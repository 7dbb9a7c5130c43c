#!/usr/bin/env bash
# make screenshots: starts the real app under Xvfb on seeded data (see
# .ci/seed/main.go) and writes a PNG of every main screen to
# docs/screenshots/: products, designer, library, customers, catalogs,
# settings, order, showroom (attract and design), dark theme, German.
# Each screen is a fresh start of the app with -show, so that no shot
# depends on the one before; the few clicks are at fixed places of a
# 1366×768 screen.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out" bin
go build -o bin/atelier .
go build -o bin/seed .ci/seed/main.go

disp=99
while [ -e "/tmp/.X${disp}-lock" ] || [ -e "/tmp/.X11-unix/X${disp}" ]; do disp=$((disp + 1)); done
export DISPLAY=":$disp"
Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >/tmp/atelier-shots-xvfb.log 2>&1 &
xvfb=$!
app=""
homes=()
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
  for h in "${homes[@]}"; do rm -rf "$h"; done
}
trap cleanup EXIT
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

# start LANG THEME ARGS...: a fresh home seeded with the demo data, the app
# started in it; waits for its window.
start() {
  local lang=$1 theme=$2
  shift 2
  local home
  home=$(mktemp -d)
  homes+=("$home")
  HOME="$home" ./bin/seed -dir "$home/.config/fyne/app.atelier.designer" -lang "$lang" -theme "$theme" 2>/dev/null
  HOME="$home" LANG=C.UTF-8 ./bin/atelier "$@" >/tmp/atelier-shots-app.log 2>&1 &
  app=$!
  for _ in $(seq 100); do
    if xwininfo -root -tree 2>/dev/null | grep -q '"Atelier\|— Atelier"'; then break; fi
    sleep 0.1
  done
  sleep 2.5 # the library opens, pictures render
}

# shot NAME: the app's window (or the screen, in full screen) as NAME.png.
shot() {
  local wid
  wid=$(xwininfo -root -tree | grep -E '"([^"]* — )?Atelier"' | head -1 | awk '{print $1}')
  if [ -n "$wid" ]; then import -window "$wid" "$out/$1.png"; else import -window root "$out/$1.png"; fi
  echo "screenshots: $out/$1.png"
}

stop() {
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=""
}

click() { xdotool mousemove "$1" "$2" click 1; sleep "${3:-1}"; }

start en light -show products; shot products; stop
start en light -product lift-desk -set width=1800 -set top=walnut -set frame=alu -set extras=tray,arm; shot designer; stop
start en light -show library; shot library; stop
start en light -show customers; click 330 190 1.5; shot customers; stop
start en light -show catalogs; shot catalogs; stop
start en light -show settings; shot settings; stop
start en light -show order; shot order; stop
start en light -show sent; shot outbox-sent; stop
start de dark -show sent; shot outbox-sent-german-dark; stop
start en light -showroom; sleep 1; shot showroom; click 683 400 1.5; click 853 250 2.5; shot showroom-design; stop
start en dark -product kolme-sofa -set cover=velvet -set legs=brass -set chaise=right; shot dark; stop
start de light -product lift-desk -set top=oak -set extras=tray,modesty; shot german; stop
start de light -show order; shot german-order; stop
