#!/usr/bin/env bash
# tenure survival end to end: the lifelines datasets (rossi, and the generated tied data) written as
# tenure datasets (subscriptions.csv + customers.csv) go through the real loader and CLI, and the
# JSON must agree with R `survival` (Tests/Fixtures/survival/r_expected.csv, from
# scripts/fixtures/survival.R): Cox coefficients keyed by covariate (Efron, Breslow, strata, ridge,
# a dummy-coded text column), KM curves, median, RMST and the log-rank test. Then every format,
# --unit, --curve, non-contractual churn on a generated dataset, determinism, and each documented error.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "40-survival: $*" >&2; exit 1; }
FIX=Tests/Fixtures/survival

# 1. datasets: subject i starts so that it is censored exactly at its time at the as-of date
python3 - "$FIX/data" "$tmp" <<'PY'
import csv, datetime, os, sys
src, out = sys.argv[1:]
asof = datetime.date(2024, 12, 31)
def write(name, rows, time, event, covs):
    d = os.path.join(out, name); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "transactions.csv"), "w") as f:   # the required table: one purchase
        f.write("customer_id,date,amount\ns0,2024-01-01,0\n")
    with open(os.path.join(d, "subscriptions.csv"), "w") as s, open(os.path.join(d, "customers.csv"), "w") as c:
        s.write("customer_id,start_date,end_date\n"); c.write("customer_id," + ",".join(covs) + ",const,coll,rare\n")
        for i, r in enumerate(rows):
            t, e = int(float(r[time])), int(float(r[event]))
            if e:   # churned t days after the start, one day before the as-of date
                start = asof - datetime.timedelta(days=t + 1); end = (start + datetime.timedelta(days=t)).isoformat()
            else:   # still subscribed: censored at the as-of date, t days after the start
                start = asof - datetime.timedelta(days=t); end = ""
            s.write(f"s{i},{start.isoformat()},{end}\n")
            first = r[covs[0]]
            coll = float(r[covs[0]]) + float(r[covs[1]]) if first.replace(".", "").replace("-", "").isdigit() else 0
            rare = "b" if not e and i % 40 == 0 else "a"     # level b: only censored customers
            c.write(f"s{i}," + ",".join(r[k] for k in covs) + f",1,{coll},{rare}\n")
rossi = list(csv.DictReader(open(os.path.join(src, "rossi.csv"))))
write("rossi", rossi, "week", "arrest", ["fin", "age", "race", "wexp", "mar", "paro", "prio"])
ties = list(csv.DictReader(open(os.path.join(src, "gen_ties.csv"))))
write("ties", ties, "time", "event", ["x1", "x2", "x3", "segment", "group", "stratum"])
PY
R=(--as-of 2024-12-31)

run() { "$BIN" survival "$@" "${R[@]}" --format json; }
run "$tmp/rossi" --covariates fin,age,race,wexp,mar,paro,prio > "$tmp/rossi_efron.json"
run "$tmp/rossi" --covariates fin,age,race,wexp,mar,paro,prio --ties breslow > "$tmp/rossi_breslow.json"
run "$tmp/rossi" --covariates fin,age,race,mar,paro,prio --strata wexp > "$tmp/rossi_strata.json"
run "$tmp/rossi" --cox fin,age,race,wexp,mar,paro,prio --penalty 2 > "$tmp/rossi_ridge.json"
run "$tmp/rossi" --by fin --tau 52d > "$tmp/rossi_km.json"
run "$tmp/rossi" --by fin --strata race > "$tmp/rossi_lr_strata.json"
run "$tmp/ties" --covariates x1,x2,x3,segment > "$tmp/ties_efron.json"
run "$tmp/ties" --covariates x1,x2,x3,segment --strata stratum > "$tmp/ties_strata.json"
run "$tmp/ties" --by group --tau 200d --horizons 30d,90d,180d > "$tmp/ties_km.json"

python3 - "$tmp" "$FIX/r_expected.csv" <<'PY' || fail "CLI output disagrees with R survival"
import csv, json, math, sys
tmp, rpath = sys.argv[1:]
R = {}
for r in csv.DictReader(open(rpath)):
    R.setdefault((r["case"], r["quantity"], r["group"]), []).append(float("nan") if r["value"] == "NA" else float(r["value"]))
def res(name): 
    d = json.load(open(f"{tmp}/{name}.json")); assert d["schema_version"] == 1 and d["analysis"] == "survival"; return d["result"]
def num(x): return float(x) if not isinstance(x, str) else float(x.replace("inf", "Infinity"))
bad = []
def close(got, want, label, tol=1e-8):
    got = [num(g) for g in got]
    if len(got) != len(want): bad.append((label, "length", len(got), len(want))); return
    for g, w in zip(got, want):
        if math.isnan(w) and math.isnan(g): continue
        if not (abs(g - w) <= tol * max(abs(w), 1e-300) or g == w): bad.append((label, g, w)); return
checked = 0
cox = [("rossi_efron", "cox_rossi_efron", ["fin", "age", "race", "wexp", "mar", "paro", "prio"]),
       ("rossi_breslow", "cox_rossi_breslow", ["fin", "age", "race", "wexp", "mar", "paro", "prio"]),
       ("rossi_strata", "cox_rossi_strata", ["fin", "age", "race", "mar", "paro", "prio"]),
       ("rossi_ridge", "cox_rossi_ridge", ["fin", "age", "race", "wexp", "mar", "paro", "prio"]),
       ("ties_efron", "cox_gen_ties_efron", ["x1", "x2", "x3", "segment=enterprise", "segment=smb"]),
       ("ties_strata", "cox_gen_ties_strata", ["x1", "x2", "x3", "segment=enterprise", "segment=smb"])]
for name, case, names in cox:
    m = res(name)["cox"]["model"]
    assert m["covariates"] == names, (name, m["covariates"])
    close([m["coefficients"][k] for k in names], R[(case, "coef", "")], name + " coef")
    close([m["standard_errors"][k] for k in names], R[(case, "se", "")], name + " se")
    close([m["log_likelihood"]], R[(case, "loglik", "")][1:], name + " loglik", 1e-10)
    close([m["concordance"]["value"]], R[(case, "concordance", "")], name + " concordance", 1e-12)
    checked += 1
assert res("ties_efron")["cox"]["reference_levels"] == {"segment": "retail"}
for name, case, tau in [("rossi_km", "km_rossi_fin", 52), ("ties_km", "km_gen_ties", 200)]:
    r = res(name)
    for g in r["groups"]:
        k = g["name"]; c = g["curve"]
        close(c["time"], R[(case, "time", k)], f"{name} {k} time", 0)
        close(c["survival"], R[(case, "surv", k)], f"{name} {k} surv", 1e-12)
        close(c["lower"], R[(case, "lower.log-log", k)], f"{name} {k} lower", 1e-12)
        close(c["upper"], R[(case, "upper.log-log", k)], f"{name} {k} upper", 1e-12)
        close([g["summary"]["median"], g["summary"]["median_lower"], g["summary"]["median_upper"]],
              R[(case, "median.log-log", k)], f"{name} {k} median", 0)
        close([g["summary"]["rmst"]], R[(case, "rmean", k)], f"{name} {k} rmst", 1e-12)
        checked += 1
for name, case in [("rossi_km", "lr_rossi_fin"), ("rossi_lr_strata", "lr_rossi_fin_by_race")]:
    lr = res(name)["log_rank"]
    close([lr["chi_square"]], R[(case, "chisq", "")], name + " chisq", 1e-10)
    assert lr["df"] == R[(case, "df", "")][0] and lr["stratified"] == (name == "rossi_lr_strata")
    checked += 1
h = res("ties_km")["groups"][0]["horizons"]
close([x["survival"] for x in h], R[("km_gen_ties", "at.surv", "a")], "horizons", 1e-12)
if bad: sys.exit(f"{len(bad)} mismatches, first: {bad[:3]}")
print(f"40-survival: {checked} fits agree with R survival")
PY

# 2. formats, units, the curve table, determinism
run "$tmp/rossi" --by fin > "$tmp/a.json"; run "$tmp/rossi" --by fin > "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "two runs differ"
"$BIN" survival "$tmp/rossi" "${R[@]}" --by fin --covariates age,prio --format table > "$tmp/t.txt"
grep -q "Cox model: hazard ratios" "$tmp/t.txt" && grep -q "Log-rank test" "$tmp/t.txt" || fail "table output lacks sections"
"$BIN" survival "$tmp/rossi" "${R[@]}" --by fin --format md > "$tmp/t.md"
grep -q "^| group |" "$tmp/t.md" || fail "markdown output"
"$BIN" survival "$tmp/rossi" "${R[@]}" --by fin --format csv > "$tmp/s.csv"
head -1 "$tmp/s.csv" | grep -q "^group,customers,churned,censored,median_lifetime_days" || fail "csv summary header: $(head -1 "$tmp/s.csv")"
"$BIN" survival "$tmp/rossi" "${R[@]}" --curve --unit week -o "$tmp/curve.csv"
head -1 "$tmp/curve.csv" | grep -q "^group,time_weeks,at_risk" || fail "curve csv header: $(head -1 "$tmp/curve.csv")"
python3 - "$tmp/curve.csv" <<'PY' || fail "curve csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
s = [float(r["survival"]) for r in rows]
assert all(a >= b for a, b in zip(s, s[1:])), "KM must not increase"
assert abs(float(rows[0]["time_weeks"]) - 1 / 7) < 1e-12, rows[0]
PY
run "$tmp/rossi" --unit month --by fin > "$tmp/m.json"
python3 - "$tmp/a.json" "$tmp/m.json" <<'PY' || fail "--unit month"
import json, sys
d, m = (json.load(open(p))["result"] for p in sys.argv[1:])
assert m["unit"] == "month"
for gd, gm in zip(d["groups"], m["groups"]):
    assert abs(gd["summary"]["rmst"] / 30.4375 - gm["summary"]["rmst"]) < 1e-9
    assert gd["curve"]["survival"] == gm["curve"]["survival"]
PY

# 3. non-contractual churn on a generated dataset (and the report helper's path)
"$BIN" generate --customers 3000 --out "$tmp/gen" --seed 4 >/dev/null 2>&1 || fail "generate"
"$BIN" survival "$tmp/gen" --churn-after 90d --by segment --unit month --horizons 3m,12m --format json > "$tmp/g.json"
"$BIN" survival "$tmp/gen" --contractual --covariates segment,channel --format json > "$tmp/gc.json"
python3 - "$tmp/g.json" "$tmp/gc.json" <<'PY' || fail "generated dataset"
import json, sys
g, c = (json.load(open(p))["result"] for p in sys.argv[1:])
assert g["churn_definition"].startswith("non-contractual") and len(g["groups"]) >= 2 and g["log_rank"]["df"] >= 1
assert g["events"] > 0 and g["subjects"] > g["events"]
for grp in g["groups"]:
    s = grp["curve"]["survival"]; assert all(a >= b for a, b in zip(s, s[1:]))
assert c["churn_definition"].startswith("contractual")
assert set(c["cox"]["model"]["coefficients"]) == set(c["cox"]["model"]["covariates"])
assert all(k.startswith(("segment=", "channel=")) for k in c["cox"]["model"]["covariates"])
PY

# 4. errors: each with its message and exit code
expect() {  # expect CODE PATTERN -- ARGS
  local code=$1 pat=$2; shift 3
  set +e; "$BIN" survival "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?; set -e
  [ "$rc" = "$code" ] || fail "exit $rc (want $code) for: $* — $(cat "$tmp/err")"
  grep -qi -- "$pat" "$tmp/err" || fail "message for: $* lacks '$pat': $(cat "$tmp/err")"
}
expect 70 "'const' is constant" -- "$tmp/rossi" "${R[@]}" --covariates age,const
expect 70 "collinear" -- "$tmp/rossi" "${R[@]}" --covariates fin,age,coll
expect 70 "level 'b' of 'rare' has no churn events" -- "$tmp/rossi" "${R[@]}" --covariates age,rare
mkdir -p "$tmp/txonly" && cp "$tmp/gen/transactions.csv" "$tmp/txonly/"
expect 65 "churn-after" -- "$tmp/txonly"
expect 65 "one of:" -- "$tmp/rossi" "${R[@]}" --covariates nosuchcolumn
expect 64 "invalid for '--ties <ties>'. Please provide one of 'efron' and 'breslow'" -- "$tmp/rossi" --ties exact
expect 64 "invalid for '--unit <unit>'. Please provide one of 'day', 'week', 'month' or 'year'" -- "$tmp/rossi" --unit fortnight
expect 64 "--strata stratifies" -- "$tmp/rossi" --strata wexp
expect 64 "--churn-after" -- "$tmp/rossi" --churn-after soon
echo "40-survival: ok"
