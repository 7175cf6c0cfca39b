#!/usr/bin/env bash
# tenure clv end to end: the real CSV loader on lifetimes' example transactions (the per-customer
# RFM summary with a holdout must equal lifetimes' calibration_and_holdout_data, stored in
# Tests/Fixtures/lifetime/transactions_rfm.json), the JSON shape (parameters, SEs, holdout,
# regression side by side), same input same bytes, every format, every model, --by on generated
# data, and each documented error with its exit code.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "50-clv: $*" >&2; exit 1; }
FIX=Tests/Fixtures/lifetime
opts=(--time-unit day --calibration-end 2014-09-01 --as-of 2014-12-31)

# 1. lifetimes' example transactions: RFM with holdout agrees with lifetimes; JSON shape
"$BIN" clv "$FIX/transactions" "${opts[@]}" --scores "$tmp/scores.csv" --format json -o "$tmp/a.json"
"$BIN" clv "$FIX/transactions" "${opts[@]}" --scores "$tmp/scores2.csv" --format json -o "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "two runs differ (json)"
cmp -s "$tmp/scores.csv" "$tmp/scores2.csv" || fail "two runs differ (scores)"
python3 - "$tmp/a.json" "$tmp/scores.csv" "$FIX/transactions_rfm.json" <<'PY' || fail "disagrees with lifetimes / bad JSON"
import csv, json, math, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1 and d["analysis"] == "clv", d.keys()
r = d["result"]
p = r["probabilistic"]
pm = p["purchase_model"]
assert pm["model"] == "bgnbd" and set(pm["params"]) == {"r", "alpha", "a", "b"}
assert all(pm["standard_errors"][k] > 0 for k in pm["params"]) and math.isfinite(pm["log_likelihood"])
assert set(p["spend_model"]["params"]) == {"p", "q", "gamma"}
h = p["holdout"]
assert h["tracking"] and h["calibration"] and h["purchases"]["customers"] == p["data"]["customers"]
assert any(t["holdout"] for t in h["tracking"]) and not h["tracking"][0]["holdout"]
reg = r["regression"]
assert {c["model"] for c in reg["comparison"]} == {"ols", "ridge", "poisson-glm", "bgnbd+gamma-gamma"}, reg["comparison"]
assert reg["ols"]["coefficients"][0]["name"] == "intercept" and reg["ridge"]["lambda"] > 0
ref = json.load(open(sys.argv[3]))["D_holdout"]
rows = {row["customer_id"]: row for row in csv.DictReader(open(sys.argv[2]))}
assert len(rows) == len(ref["id"]) == p["data"]["customers"], (len(rows), len(ref["id"]))
bad = 0
for k, cid in enumerate(ref["id"]):
    row = rows[cid]
    got = [float(row["frequency"]), float(row["recency"]), float(row["T"]), float(row["monetary_value"]),
           float(row["holdout_actual_purchases"])]
    want = [ref["frequency_cal"][k], ref["recency_cal"][k], ref["T_cal"][k], ref["monetary_value_cal"][k], ref["frequency_holdout"][k]]
    if any(abs(a - b) > 1e-9 * max(1, abs(b)) for a, b in zip(got, want)): bad += 1
    assert 0 < float(row["p_alive"]) <= 1 and float(row["clv"]) >= 0
    assert abs(float(row["holdout_purchases_error"]) - (float(row["holdout_forecast_purchases"]) - float(row["holdout_actual_purchases"]))) < 1e-9
assert bad == 0, f"{bad} customers differ from lifetimes"
tot = sum(float(r_["clv"]) for r_ in rows.values())
assert abs(tot - p["overall"]["total_clv"]) < 1e-6 * tot, (tot, p["overall"]["total_clv"])
print(f"clv: RFM of {len(rows)} customers agrees with lifetimes; JSON ok")
PY

# 2. every format; csv = the primary table (CLV by segment)
for f in table csv md; do "$BIN" clv "$FIX/transactions" "${opts[@]}" --format $f > "$tmp/out.$f"; test -s "$tmp/out.$f" || fail "empty $f"; done
head -1 "$tmp/out.csv" | grep -q '^segment,customers,mean_p_alive,expected_purchases' || fail "csv header: $(head -1 "$tmp/out.csv")"
sed -n 2p "$tmp/out.csv" | grep -q '^all,' || fail "csv first row"
grep -q 'Holdout spend per customer' "$tmp/out.md" || fail "markdown regression table"
grep -q 'Cumulative repeat purchases' "$tmp/out.table" || fail "table tracking"
# --model regression puts the regression comparison first
"$BIN" clv "$FIX/transactions" "${opts[@]}" --model regression --format csv > "$tmp/reg.csv"
head -1 "$tmp/reg.csv" | grep -q '^model,test_customers,mae,rmse' || fail "regression csv header"

# 3. every model, and the comparison of all of them on one holdout
for m in pareto-nbd mbgnbd bgbb paretonbd; do
  "$BIN" clv "$FIX/transactions" --time-unit week --calibration-end 2014-09-01 --as-of 2014-12-31 --model $m --format json -o "$tmp/m.json" \
    || fail "model $m"
done
"$BIN" clv "$FIX/transactions" --time-unit week --calibration-end 2014-09-01 --as-of 2014-12-31 --compare-models --format json -o "$tmp/cmp.json"
python3 - "$tmp/cmp.json" <<'PY' || fail "--compare-models"
import json, sys
c = json.load(open(sys.argv[1]))["result"]["model_comparison"]
assert [m["model"] for m in c] == ["bgnbd", "pareto-nbd", "mbgnbd", "bgbb"], c
for m in c:
    assert m.get("error") or (m["holdout"]["mae"] >= 0 and m["log_likelihood"] < 0), m
PY

# 4. generated data, per segment
"$BIN" generate --customers 4000 --out "$tmp/gen" --seed 9 --quiet
"$BIN" clv "$tmp/gen" --calibration-end 2025-01-31 --by segment --horizon 2y --scores "$tmp/gs.csv" --format json -o "$tmp/g.json"
python3 - "$tmp/g.json" "$tmp/gs.csv" <<'PY' || fail "--by segment"
import csv, json, sys
p = json.load(open(sys.argv[1]))["result"]["probabilistic"]
segs = {s["segment"]: s for s in p["segments"]}
assert set(segs) == {"retail", "smb", "enterprise"}, segs.keys()
assert sum(s["customers"] for s in segs.values()) == p["overall"]["customers"]
assert abs(sum(s["total_clv"] for s in segs.values()) - p["overall"]["total_clv"]) < 1e-6 * p["overall"]["total_clv"]
for s in segs.values():
    assert s["mean_clv_lower"] <= s["mean_clv"] <= s["mean_clv_upper"]
    assert s["median_clv_lower"] <= s["median_clv"] <= s["median_clv_upper"]
# enterprise customers buy more and spend more
assert segs["enterprise"]["mean_clv"] > segs["smb"]["mean_clv"] > segs["retail"]["mean_clv"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == p["overall"]["customers"] and rows[0]["segment"] in segs
assert "ols_holdout_value" in rows[0]
PY

# 5. errors: exit codes and messages
printf 'customer_id,date,amount\na,2024-01-01,10\nb,2024-01-02,5\nc,2024-02-01,7\n' > "$tmp/once.csv"
mkdir -p "$tmp/once" && mv "$tmp/once.csv" "$tmp/once/transactions.csv"
set +e
"$BIN" clv "$tmp/once" --format json > /dev/null 2> "$tmp/err"; code=$?
set -e
[ $code -eq 70 ] || fail "no repeat purchases: exit $code"
grep -q "model fit failed" "$tmp/err" && grep -q "repeat purchase" "$tmp/err" || fail "fit error message: $(cat "$tmp/err")"
expect() { local want=$1 pattern=$2; shift 2
  set +e; "$BIN" clv "$@" > /dev/null 2> "$tmp/err"; local code=$?; set -e
  [ $code -eq "$want" ] || fail "$*: exit $code, expected $want"
  grep -q -- "$pattern" "$tmp/err" || fail "$*: message $(cat "$tmp/err")"; }
expect 64 "time-unit" "$FIX/transactions" --time-unit fortnight
expect 64 "horizon" "$FIX/transactions" --horizon soon
expect 64 "discount-rate" "$FIX/transactions" --discount-rate 1.5
expect 64 "model" "$FIX/transactions" --model magic
expect 64 "calibration-end" "$FIX/transactions" --model regression
expect 64 "calibration-end" "$FIX/transactions" --calibration-end 2030-01-01
expect 65 "nosuch" "$FIX/transactions" --by nosuch
"$BIN" clv --help > "$tmp/help" 2>&1
grep -q "repeat purchase periods" "$tmp/help" && grep -q "first purchase period" "$tmp/help" || fail "help documents the RFM conventions"
echo "clv: ok"
