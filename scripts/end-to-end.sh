#!/usr/bin/env bash
# End-to-end checks of the built binary: runs every scripts/e2e/*.sh with the binary path,
# each printing its own checks; this prints the total as "N passed, N failed".
set -uo pipefail
BIN=$(realpath "${1:-.build/release/tenure}")
cd "$(dirname "$0")/.."
pass=0; fail=0
for f in scripts/e2e/*.sh; do
  [ -e "$f" ] || continue
  if bash "$f" "$BIN"; then pass=$((pass+1)); else echo "FAILED: $f"; fail=$((fail+1)); fi
done
echo "end-to-end: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
