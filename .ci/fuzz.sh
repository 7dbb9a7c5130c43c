#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each.
# Usage: .ci/fuzz.sh [SECONDS]   (default 4)
set -euo pipefail
t=${1:-4}
n=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  for name in $(grep -oE '^func (Fuzz[A-Za-z0-9_]*)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(/\1/'); do
    echo "fuzz: ./$dir $name (${t}s)"
    go test "./$dir" -run '^$' -fuzz "^${name}\$" -fuzztime "${t}s" >/tmp/atelier-fuzz.log 2>&1 || {
      cat /tmp/atelier-fuzz.log >&2; exit 1; }
    n=$((n + 1))
  done
done < <(git ls-files --cached --others --exclude-standard -- '*_test.go' | xargs grep -l '^func Fuzz' | sort)
echo "fuzz: $n targets, no failures"
