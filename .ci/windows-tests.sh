#!/usr/bin/env bash
# make windows-tests: the Go tests of every package that builds without cgo
# (all but the app and ui, which need Fyne's GL driver), cross-compiled for
# Windows and run under Wine in a fresh prefix. What differs on Windows is
# tested where it happens: files another program has open, replacing a
# file, killed processes, paths with spaces and letters beyond ASCII,
# messages the system words differently.
#
# Each test binary is built with the tag "wine" and an overlay that adds one
# file to its package: a blank import of internal/wine, which makes Go
# delete files in the way Wine 8 supports (see that package). Everything is
# run in -short mode; the packages that touch files and processes also run
# their long tests (kills, crashes, busy timeouts).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
long="storage storage/orderfile storage/safefile cmd/atelierctl"

work=$(mktemp -d)
cleanup() {
  wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
. .ci/wine-prefix.sh

# The packages with tests whose dependencies have no Fyne in them.
pkgs=()
while read -r path dir name tests; do
  [ "$tests" = 0 ] && continue
  # (grep reads all: with -q it would stop early, and pipefail would take go list's broken pipe for "no")
  if GOOS=windows CGO_ENABLED=0 $GO list -e -deps "$path" 2>/dev/null | grep '^fyne\.io/' >/dev/null; then continue; fi
  pkgs+=("$dir $name")
done < <($GO list -f '{{.ImportPath}} {{.Dir}} {{.Name}} {{if or .TestGoFiles .XTestGoFiles}}1{{else}}0{{end}}' ./...)

overlay="$work/overlay.json"
{
  echo '{"Replace": {'
  sep=""
  for p in "${pkgs[@]}"; do
    set -- $p
    f="$work/$(echo "${1#$PWD/}" | tr / _)_wine.go"
    printf '//go:build wine\n\npackage %s\n\nimport _ "github.com/atelier-app/atelier/internal/wine"\n' "$2" >"$f"
    printf '%s"%s": "%s"\n' "$sep" "$1/zz_wine_test.go" "$f"
    sep=","
  done
  echo '}}'
} >"$overlay"

# go vet as Windows sees the code (its _windows.go files).
rels=()
for p in "${pkgs[@]}"; do set -- $p; rels+=("./${1#$PWD/}"); done
GOOS=windows CGO_ENABLED=0 $GO vet -tags wine "${rels[@]}"

t0=$(date +%s)
for p in "${pkgs[@]}"; do
  set -- $p
  rel=${1#$PWD/}
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $GO test -c -tags wine -ldflags=-checklinkname=0 \
    -overlay "$overlay" -o "$work/$(echo "$rel" | tr / _).test.exe" "./$rel"
done
echo "windows-tests: ${#pkgs[@]} test binaries built in $(( $(date +%s) - t0 )) s"

new_wine_prefix "$work/prefix"
# Two test binaries at a time (the machine has two cores; Wine's server is
# shared). Each writes its log and an ok/FAIL mark; the results are told in
# the packages' order.
run_one() {
  local rel=$1 exe mode t0
  exe="$work/$(echo "$rel" | tr / _).test.exe"
  mode=-test.short
  case " $long " in *" $rel "*) mode="" ;; esac
  t0=$(date +%s)
  if (cd "$rel" && wine "$exe" $mode -test.timeout 10m >"$exe.log" 2>&1); then
    echo "ok   $rel $(( $(date +%s) - t0 )) s${mode:+ (short)}" >"$exe.result"
  else
    echo "FAIL $rel $(( $(date +%s) - t0 )) s${mode:+ (short)}" >"$exe.result"
  fi
}
running=0
for p in "${pkgs[@]}"; do
  set -- $p
  run_one "${1#$PWD/}" &
  running=$((running + 1))
  if [ $running -ge 2 ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
failed=()
for p in "${pkgs[@]}"; do
  set -- $p
  rel=${1#$PWD/}
  exe="$work/$(echo "$rel" | tr / _).test.exe"
  result=$(cat "$exe.result" 2>/dev/null || echo "FAIL $rel (no result)")
  echo "windows-tests: $result"
  case "$result" in
    FAIL*)
      # A failure with no test's word in it (Wine itself failed to start
      # the program, say) shows the log's end instead.
      if grep -qE -- '^(--- FAIL|panic:)' "$exe.log"; then
        grep -E -B2 -A12 -- '^(--- FAIL|panic:|FAIL)' "$exe.log" | head -80
      else
        echo "(no test failed in its log; its end:)"
        tail -40 "$exe.log"
      fi
      failed+=("$rel") ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "windows-tests: failed under Wine: ${failed[*]}" >&2
  exit 1
fi
echo "windows-tests: every cgo-free package passes under Wine"
