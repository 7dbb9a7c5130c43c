# Sourced by .ci/wine-smoke.sh and .ci/windows-tests.sh: new_wine_prefix DIR
# makes a fresh 64-bit Wine prefix in DIR and exports WINEPREFIX for it.
#
# Wine 8.0 (Debian 12) lacks bcryptprimitives.dll, which Go programs need at
# start: a stand-in built with mingw-w64 goes into the prefix
# (packaging/windows/wine). WINEDLLOVERRIDES keeps Wine from asking for
# Mono and Gecko and from writing menu entries into the host's home.
new_wine_prefix() {
  export WINEPREFIX="$1" WINEDEBUG=-all WINEARCH=win64
  export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
  local log="$1.wineboot.log"
  if ! wineboot -i >"$log" 2>&1; then
    echo "wine: wineboot failed: $(tail -3 "$log")" >&2
    return 1
  fi
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    packaging/windows/wine/bcryptprimitives.c packaging/windows/wine/bcryptprimitives.def -ladvapi32
  # One wineserver for the whole run (the caller stops it with wineserver -k):
  # one that exits between two programs can refuse the next one's
  # connection ("recvmsg: Connection reset by peer"). wineboot's own server
  # ends first.
  wineserver -w || true
  wineserver -p || true
}
