#!/usr/bin/env bash
# make wine-smoke: the Windows installer (make windows) tried under Wine
# and Xvfb, in a fresh Wine prefix, as a dealer's laptop would run it:
#   1. silent install (/S) into the user's own folder, Start-menu entry made;
#   2. the installed app starts, its window appears, a screenshot of it is
#      not blank, and its log has no "atelier:" error; -h in a console
#      prints its help;
#   3. a round trip with the installed atelierctl.exe: catalog show, design
#      save, order export (into a folder whose name has a space and
#      non-ASCII letters), order verify — and the Linux atelierctl verifies
#      the same package — then db backup;
#   4. silent uninstall: the program is gone, the library stays.
# The fresh prefix: .ci/wine-prefix.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
setup="$PWD/bin/Atelier-$version-setup.exe"
[ -f "$setup" ] || { echo "wine-smoke: $setup is missing (make windows)" >&2; exit 1; }

work=$(mktemp -d)
disp=90
while [ -e "/tmp/.X${disp}-lock" ] || [ -e "/tmp/.X11-unix/X${disp}" ]; do disp=$((disp + 1)); done
export DISPLAY=":$disp"
Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  wineserver -k 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fail() { echo "wine-smoke: $*" >&2; exit 1; }

. .ci/wine-prefix.sh
new_wine_prefix "$work/prefix" || exit 1

# 1. Silent install.
t0=$(date +%s.%N)
wine "$setup" /S >"$work/install.log" 2>&1 || fail "the silent install failed"
user=$(ls "$WINEPREFIX/drive_c/users" | grep -v -x Public | head -1)
home="$WINEPREFIX/drive_c/users/$user"
prog="$home/AppData/Local/Programs/Atelier"
for f in Atelier.exe atelierctl.exe uninstall.exe; do
  [ -f "$prog/$f" ] || fail "the install has no $f in $prog"
done
[ -f "$home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Atelier.lnk" ] || fail "no Start-menu entry"
echo "wine-smoke: installed in $(echo "$(date +%s.%N) - $t0" | bc) s ($(( $(stat -c %s "$setup") / 1024 )) KiB installer)"

# 2. The installed app: its window, a screenshot that is not blank.
t0=$(date +%s.%N)
wine "$prog/Atelier.exe" >"$work/app.log" 2>&1 &
app=$!
found=""
for _ in $(seq 240); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Atelier"'; then found=1; break; fi
  sleep 0.25
done
[ -n "$found" ] || fail "no Atelier window within 60 s; the app said: $(tail -5 "$work/app.log")"
echo "wine-smoke: start → window in $(echo "$(date +%s.%N) - $t0" | bc) s"
sleep 5 # the library opens, the product pictures render
shot=bin/wine-smoke.png
import -window root "$shot"
sd=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
colours=$(convert "$shot" -format '%k' info:)
echo "wine-smoke: screenshot $shot: grey std-dev $sd, $colours colours"
awk -v sd="$sd" -v c="$colours" 'BEGIN { exit !(sd > 0.05 && c > 500) }' || fail "the screenshot is blank"
[ -d "$home/AppData/Roaming/fyne/app.atelier.designer" ] || fail "no library in %AppData%\\fyne\\app.atelier.designer"
kill "$app" 2>/dev/null || true
wine taskkill /f /im Atelier.exe >/dev/null 2>&1 || true
wait "$app" 2>/dev/null || true
app=""
if grep -a "atelier:" "$work/app.log"; then fail "the app reported errors (above)"; fi

# -h in a console (cmd): the GUI-subsystem app prints its help there.
wine cmd /c "$(winepath -w "$prog/Atelier.exe")" -h >"$work/help.txt" 2>&1 || true
grep -q -- "-catalog" "$work/help.txt" || fail "Atelier.exe -h printed no help in a console: $(head -3 "$work/help.txt")"

# 3. A round trip with the installed CLI, in a folder named like a user's.
ctl() { wine "$prog/atelierctl.exe" "$@"; }
out="$home/Jörg Müller/Bestellungen"
mkdir -p "$out"
ctl catalog show >"$work/show.txt" || fail "catalog show failed"
grep -q "Nordholm" "$work/show.txt" || fail "catalog show printed no catalog"
id=$(ctl design save --product lift-desk --name "Schreibtisch für Jörg" --set top=walnut | tr -d '\r' | tail -1)
[ -n "$id" ] || fail "design save printed no id"
ctl order export --design "$id" --out 'C:\users\'"$user"'\Jörg Müller\Bestellungen' --dealer-id WINE --dealer-name "Wine test dealer" \
  >"$work/export.txt" || fail "order export failed: $(cat "$work/export.txt")"
pkg=$(ls "$out"/*.zip 2>/dev/null | head -1)
[ -n "$pkg" ] || fail "order export wrote no package into $out"
# The manufacturer's side, on Windows and on Linux: the dealer's key
# enrolled by the fingerprint the dealer's library shows (as told by
# phone), then the package verified against that registry.
fp=$(ctl dealer key | tr -d '\r' | sed -n 's/^fingerprint *//p')
[ -n "$fp" ] || fail "dealer key printed no fingerprint"
winpkg='C:\users\'"$user"'\Jörg Müller\Bestellungen\'"$(basename "$pkg")"
maker='C:\users\'"$user"'\maker.db'
ctl --db "$maker" dealer trust WINE --from-order "$winpkg" --fingerprint "$fp" >"$work/trust-win.txt" 2>&1 \
  || fail "dealer trust (Windows) failed: $(cat "$work/trust-win.txt")"
ctl --db "$maker" order verify "$winpkg" >"$work/verify-win.txt" 2>&1 \
  || fail "order verify (Windows) failed: $(cat "$work/verify-win.txt")"
CGO_ENABLED=0 go build -o "$work/atelierctl" ./cmd/atelierctl
"$work/atelierctl" --db "$work/maker.db" dealer trust WINE --from-order "$pkg" --fingerprint "$fp" >"$work/trust-linux.txt" 2>&1 \
  || fail "dealer trust (Linux) failed: $(cat "$work/trust-linux.txt")"
"$work/atelierctl" --db "$work/maker.db" order verify "$pkg" >"$work/verify-linux.txt" 2>&1 \
  || fail "order verify (Linux) of the Windows package failed: $(cat "$work/verify-linux.txt")"
ctl db backup >"$work/backup.txt" || fail "db backup failed: $(cat "$work/backup.txt")"
ls "$home/AppData/Roaming/fyne/app.atelier.designer/backups/"atelier-*.db >/dev/null 2>&1 || fail "db backup wrote no backup"
echo "wine-smoke: CLI round trip passed (design $id, $(basename "$pkg") verified on Windows and Linux, backup written)"

# 4. Silent uninstall: the program goes, the library stays.
wine "$prog/uninstall.exe" /S >"$work/uninstall.log" 2>&1 || fail "the silent uninstall failed"
for _ in $(seq 40); do [ -f "$prog/Atelier.exe" ] || break; sleep 0.25; done # it runs from a copy
[ ! -f "$prog/Atelier.exe" ] || fail "the uninstall left Atelier.exe"
[ ! -f "$home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Atelier.lnk" ] || fail "the uninstall left the Start-menu entry"
[ -f "$home/AppData/Roaming/fyne/app.atelier.designer/atelier.db" ] || fail "the uninstall removed the library"
echo "wine-smoke: uninstalled; the library stays"
