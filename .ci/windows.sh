#!/usr/bin/env bash
# make windows: Atelier's Windows installer, cross-built on Linux.
#   bin/Atelier-<version>-setup.exe   a per-user NSIS installer (no admin
#                                     rights) with the GUI app, atelierctl.exe,
#                                     a Start-menu entry and an uninstaller
#   bin/windows/                      what it installs
# The version is FyneApp.toml's; `fyne package` bumps its Build number, so
# the file is put back as it was, whatever happens. The app is built with
# Fyne's tool (icon, version resource, GUI subsystem) and Debian's mingw-w64;
# the first build of Fyne's GL binding for Windows takes 10–20 minutes on
# two cores, later ones come from Go's build cache.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
out=bin/windows
mkdir -p "$out"
cp FyneApp.toml "$out/FyneApp.toml.keep"
trap 'cp "$out/FyneApp.toml.keep" FyneApp.toml; rm -f "$out/FyneApp.toml.keep"' EXIT

start=$(date +%s)
# The fyne tool itself is built for Linux (CGO_ENABLED=0 in front of it);
# it cross-builds the app with cgo, GOOS=windows and CC.
rm -f Atelier.exe atelier.exe
CGO_ENABLED=0 CC=x86_64-w64-mingw32-gcc go tool -modfile=tools/go.mod fyne package -os windows --release
exe=""
for f in Atelier.exe atelier.exe; do [ -f "$f" ] && { exe=$f; break; }; done
[ -n "$exe" ] || { echo "windows: fyne package wrote no .exe" >&2; exit 1; }
mv "$exe" "$out/Atelier.exe"
echo "windows: Atelier.exe built in $(( $(date +%s) - start )) s"

GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" \
  -o "$out/atelierctl.exe" ./cmd/atelierctl
convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$out/Atelier.ico"

setup="bin/Atelier-$version-setup.exe"
makensis -V2 -DVERSION="$version" -DSRC="$PWD/$out" -DOUT="$PWD/$setup" packaging/windows/atelier.nsi
echo "windows: $setup ($(( $(stat -c %s "$setup") / 1024 )) KiB)"
