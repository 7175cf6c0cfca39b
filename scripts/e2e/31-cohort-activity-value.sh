#!/usr/bin/env bash
# tenure cohorts --activity and the cumulative value per cohort, end to end, against pandas: on a
# generated dataset, event retention (purchases + interactions, and interactions alone) per signup
# month cohort and age, its average curve, the cumulative revenue and margin per acquired customer by
# cohort and age, the LTV curve, the CAC from marketing spend and the payback age, and the bracket
# averages — each computed in pandas from the raw CSV files. Then the documented errors.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "31-cohort-activity-value: $*" >&2; exit 1; }

"$BIN" generate --customers 2500 --seed 9 --out "$tmp/data" --quiet
"$BIN" cohorts "$tmp/data" --activity transactions,interactions --gross-margin 0.3 --brackets 0,1-2,3-5 --format json > "$tmp/both.json"
"$BIN" cohorts "$tmp/data" --activity interactions --format json > "$tmp/inter.json"

python3 - "$tmp" <<'PY' || fail "tenure disagrees with pandas"
import json, sys
import pandas as pd
tmp = sys.argv[1]
d = f"{tmp}/data"
cust = pd.read_csv(f"{d}/customers.csv", parse_dates=["signup_date"])
tx = pd.read_csv(f"{d}/transactions.csv", parse_dates=["date"])
it = pd.read_csv(f"{d}/interactions.csv")
it["date"] = pd.to_datetime(it["timestamp"], utc=True).dt.tz_localize(None).dt.normalize()
ms = pd.read_csv(f"{d}/marketing_spend.csv")
asof = max(tx["date"].max(), it["date"].max(), cust["signup_date"].max())
month = lambda s: s.dt.year * 12 + s.dt.month - 1
cust = cust[cust["signup_date"] <= asof].copy()
cust["cohort"] = month(cust["signup_date"])
size = cust.groupby("cohort").size()

def events(frames):
    e = pd.concat([f[["customer_id", "date"]] for f in frames])
    e = e.merge(cust[["customer_id", "signup_date", "cohort"]], on="customer_id")
    e = e[(e["date"] >= e["signup_date"]) & (e["date"] <= asof)]
    e["age"] = month(e["date"]) - e["cohort"]
    return e.drop_duplicates(["customer_id", "age"])

def check(result, e, what):
    g = json.load(open(result))["result"]["groups"][0]
    active = e.groupby(["cohort", "age"]).size()
    n = 0
    for row in g["cohorts"]:
        y, m = map(int, row["start"][:7].split("-")); k = y * 12 + m - 1
        assert row["size"] == size[k], (what, row["cohort"], row["size"], size[k])
        for c in row["cells"]:
            want = int(active.get((k, c["age"]), 0))
            assert c["customers"] == want, (what, row["cohort"], c["age"], c["customers"], want)
            n += 1
    return g, n

both = events([tx, it])
g, n = check(f"{tmp}/both.json", both, "purchases+interactions")
_, n2 = check(f"{tmp}/inter.json", events([it]), "interactions")

# cumulative revenue per acquired customer, per cohort and averaged over complete cohorts
r = tx.merge(cust[["customer_id", "signup_date", "cohort"]], on="customer_id")
r = r[(r["date"] >= r["signup_date"]) & (r["date"] <= asof)]
r["age"] = month(r["date"]) - r["cohort"]
rev = r.groupby(["cohort", "age"])["amount"].sum()
sum_cum, sum_size = {}, {}
for row in g["cohorts"]:
    y, m = map(int, row["start"][:7].split("-")); k = y * 12 + m - 1
    cum = 0.0
    for c in row["cells"]:
        cum += float(rev.get((k, c["age"]), 0.0))
        want = cum / row["size"]
        assert abs(c["cumulative_revenue_per_customer"] - want) <= 1e-9 * max(1, abs(want)), (row["cohort"], c["age"])
        assert abs(c["cumulative_margin_per_customer"] - 0.3 * want) <= 1e-9 * max(1, abs(want))
        if c["status"] == "complete":
            sum_cum[c["age"]] = sum_cum.get(c["age"], 0) + cum; sum_size[c["age"]] = sum_size.get(c["age"], 0) + row["size"]
for a in g["average"]:
    want = sum_cum[a["age"]] / sum_size[a["age"]]
    assert abs(a["cumulative_revenue_per_customer"] - want) <= 1e-9 * max(1, want), ("average", a["age"])

# CAC: marketing spend booked in the cohort's month / its size; payback on the margin curve
ms["m"] = pd.to_datetime(ms["period"] + "-01").dt.year * 12 + pd.to_datetime(ms["period"] + "-01").dt.month - 1
spend = ms.groupby("m")["amount"].sum()
ks = [int(row["start"][:4]) * 12 + int(row["start"][5:7]) - 1 for row in g["cohorts"]]
cac = sum(float(spend.get(k, 0)) for k in ks) / sum(row["size"] for row in g["cohorts"])
assert abs(g["acquisition_cost"] - cac) <= 1e-9 * cac, (g["acquisition_cost"], cac)
payback = next((a["age"] for a in g["average"] if a["cumulative_margin_per_customer"] >= cac), None)
assert g.get("payback_age") == payback, (g.get("payback_age"), payback)

# bracket averages over cohorts that completed the bracket
for b, cell in enumerate(g["bracket_average"]):
    rows = [br for br in g["brackets"] if len(br["cells"]) > b and br["cells"][b]["status"] == "complete"]
    assert cell["customers"] == sum(br["cells"][b]["customers"] for br in rows) and cell["size"] == sum(br["size"] for br in rows)
print(f"31-cohort-activity-value: {n + n2} event cells, the value curve, CAC {cac:.2f} and payback agree with pandas")
PY

"$BIN" cohorts "$tmp/data" --activity interactions --format md > "$tmp/out.md"
grep -q "Event retention" "$tmp/out.md" || fail "no event retention matrix in Markdown"
set +e
"$BIN" cohorts "$tmp/data" --activity calls > /dev/null 2> "$tmp/err"; code=$?
set -e
[ "$code" = 64 ] && grep -q "is not a table of activity" "$tmp/err" || fail "bad --activity: exit $code $(cat "$tmp/err")"
rm "$tmp/data/interactions.csv"
set +e
"$BIN" cohorts "$tmp/data" --activity interactions > /dev/null 2> "$tmp/err"; code=$?
set -e
[ "$code" = 65 ] && grep -q "interactions.csv" "$tmp/err" || fail "--activity without interactions.csv: exit $code $(cat "$tmp/err")"
echo "31-cohort-activity-value: ok"
