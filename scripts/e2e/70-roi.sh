#!/usr/bin/env bash
# tenure roi end to end: every format, same seed same bytes, a bad scenario file fails clearly.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$BIN" generate --customers 3000 --out "$tmp/data" --seed 11 >/dev/null
"$BIN" roi "$tmp/data" --scenarios datasets/scenarios.yaml --simulations 2000 --seed 5 --format json -o "$tmp/a.json"
"$BIN" roi "$tmp/data" --scenarios datasets/scenarios.yaml --simulations 2000 --seed 5 --format json -o "$tmp/b.json"
cmp "$tmp/a.json" "$tmp/b.json"
python3 - "$tmp/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1 and d["analysis"] == "roi"
r = d["result"]
assert len(r["scenarios"]) == 4
assert sorted(s["rank"] for s in r["scenarios"]) == [1, 2, 3, 4]
for s in r["scenarios"]:
    m = s["simulation"]
    assert m["npv"]["p5"] <= m["npv"]["p50"] <= m["npv"]["p95"], s["name"]
    assert 0 <= m["p_roi_positive"] <= 1
assert r["past_initiatives"] and r["past_initiatives"][0]["initiative"] == "winback_2024"
PY
for f in table csv md; do "$BIN" roi "$tmp/data" --scenarios datasets/scenarios.yaml --simulations 200 --format $f > "$tmp/out.$f"; test -s "$tmp/out.$f"; done
grep -q "Loyalty program" "$tmp/out.csv"
printf 'scenarios:\n  - name: A\n    effects: { churn_reduction: 2 }\n' > "$tmp/bad.yaml"
if "$BIN" roi "$tmp/data" --scenarios "$tmp/bad.yaml" 2> "$tmp/err"; then echo "bad scenario accepted"; exit 1; fi
grep -q "bad.yaml:3" "$tmp/err" && grep -q "churn_reduction" "$tmp/err"
echo "roi: ok"
