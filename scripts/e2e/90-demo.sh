#!/usr/bin/env bash
# tenure demo end to end: a synthetic dataset and the full report with no input, progress on
# stderr, and where to open it on stdout; the same seed gives the same report.
set -euo pipefail
BIN=$1
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

start=$(date +%s.%N)
"$BIN" demo --out "$tmp/demo" > "$tmp/stdout" 2> "$tmp/stderr"
echo "demo: default size in $(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')") s"
grep -q "open:     file://$tmp/demo/report/report.html" "$tmp/stdout" || { echo "no 'open:' line"; cat "$tmp/stdout"; exit 1; }
grep -q "demo dataset: $tmp/demo/data" "$tmp/stdout"
# not a terminal: one plain progress line per step, no escape codes
grep -q '^\[9/9\] .* wrote the report' "$tmp/stderr" || { echo "no progress lines on stderr"; cat "$tmp/stderr"; exit 1; }
if grep -q $'\e' "$tmp/stderr"; then echo "escape codes on a non-terminal stderr"; exit 1; fi
for f in data/transactions.csv data/customers.csv data/subscriptions.csv data/scenarios.yaml data/targets.yaml data/truth.json \
         report/report.html report/report.md report/results.json report/report.ipynb; do
  test -s "$tmp/demo/$f" || { echo "missing $f"; exit 1; }
done
cmp "$tmp/demo/data/scenarios.yaml" datasets/scenarios.yaml
python3 - "$tmp/demo/report/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
missing = [s["id"] for s in d["sections"] if s.get("unavailable")]
assert not missing, f"sections unavailable in the demo: {[(s['id'], s.get('unavailable')) for s in d['sections'] if s.get('unavailable')]}"
assert set(d["results"]) == {"kpis", "cohorts", "survival", "competing_risks", "clv", "roi"}, sorted(d["results"])
print("demo: all six sections present")
PY
"$BIN" demo --out "$tmp/again" > /dev/null 2>&1
cmp "$tmp/demo/report/results.json" <(sed "s|$tmp/again|$tmp/demo|g" "$tmp/again/report/results.json")
cmp "$tmp/demo/report/report.html" <(sed "s|$tmp/again|$tmp/demo|g" "$tmp/again/report/report.html")
echo "demo: ok (same seed, same report)"
