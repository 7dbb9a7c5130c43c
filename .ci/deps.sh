#!/usr/bin/env bash
# Installs what Atelier needs to build, run and test, where it is missing.
#   .ci/deps.sh run    the C toolchain and GL/X11 headers Fyne needs (cgo)
#   .ci/deps.sh test   the same, plus Xvfb, ImageMagick and x11-utils for the
#                      screenshot smoke test, and what make windows needs
#                      plus Wine for the Windows smoke test and the
#                      PostgreSQL server the shop tests start (as its own
#                      user, in a temporary cluster; internal/pgtest) and
#                      the OpenSSH server the SFTP transport's tests start
#                      (on a loopback port, its own configuration and
#                      keys; internal/sshtest)
#   .ci/deps.sh windows  the same as run, plus the Windows cross-compiler
#                      (mingw-w64), NSIS and ImageMagick for make windows
# Debian and Ubuntu are set up automatically (with sudo when not root); other
# systems get instructions.
set -euo pipefail
what=${1:-run}

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev)
if [ "$what" = windows ] || [ "$what" = test ]; then
  # The Windows installer (make windows) and its smoke test under Wine.
  pkgs+=(gcc-mingw-w64-x86-64 nsis imagemagick)
fi
if [ "$what" = test ]; then
  pkgs+=(xvfb xauth imagemagick x11-utils xdotool wine wine64 bc postgresql openssh-server)
fi

case "$(uname -s)" in
  Darwin)
    command -v go >/dev/null || { echo "Install Go 1.26 from the Go website or with 'brew install go', then run make again." >&2; exit 1; }
    xcode-select -p >/dev/null 2>&1 || { echo "Install the Xcode command line tools (xcode-select --install); Fyne needs a C compiler." >&2; exit 1; }
    [ "$what" = test ] && echo "Note: the screenshot smoke test needs Xvfb and runs on Linux only; it is skipped here." >&2
    exit 0 ;;
  MINGW*|MSYS*|CYGWIN*)
    echo "On Windows: install Go 1.26 and a GCC toolchain (MSYS2 with mingw-w64-x86_64-gcc), then run 'go run .' and 'go test ./...' from an MSYS2 MinGW shell." >&2
    exit 1 ;;
esac

if ! command -v dpkg-query >/dev/null; then
  echo "This is not Debian or Ubuntu. Install Go 1.26, a C compiler and the OpenGL and X11 development headers (Fyne's prerequisites: libGL, libX11, libXcursor, libXrandr, libXinerama, libXi, libXxf86vm), plus Xvfb and ImageMagick for 'make test'." >&2
  exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null; then
  echo "Installing Go from the distribution; the exact toolchain in go.mod is then fetched by Go itself."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq golang-go >/dev/null
fi
minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${minor:-0}" -lt 21 ]; then
  echo "Go $(go env GOVERSION) is too old to fetch the toolchain go.mod asks for (1.26). Install Go 1.21 or newer (for example from backports) and run make again." >&2
  exit 1
fi
