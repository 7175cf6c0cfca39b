#!/usr/bin/env bash
# tenure survival --competing end_reason end to end: survival::mgus2 as a tenure dataset
# (Tests/Fixtures/competing/mgus2, written by scripts/fixtures/competing.R) goes through the real
# loader and CLI, and the JSON must agree with R (r_expected.csv): cumulative incidence at the
# horizons, Gray's test by sex, Fine–Gray (cmprsk::crr) and cause-specific Cox coefficients. Then
# CSV and --curve, a mapping file that renames the column, the report section, and each documented error.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "41-competing: $*" >&2; exit 1; }
FIX=Tests/Fixtures/competing
R=(--as-of 2020-12-31)

"$BIN" survival "$FIX/mgus2" "${R[@]}" --competing end_reason --by sex --covariates age,sex,hgb \
  --horizons 12d,60d,120d,240d,400d --ci log --format json > "$tmp/mgus2.json"
python3 - "$tmp/mgus2.json" "$FIX/r_expected.csv" <<'PY' || fail "CLI output disagrees with R"
import csv, json, sys
out, rpath = sys.argv[1:]
R = {}
for r in csv.DictReader(open(rpath)):
    R.setdefault((r["case"], r["quantity"], r["group"]), []).append(float("nan") if r["value"] == "NA" else float(r["value"]))
c = json.load(open(out))["result"]["competing"]
assert c["causes"] == ["death", "pcm"], c["causes"]
def close(a, b, tol, what):
    assert len(a) == len(b), f"{what}: {len(a)} vs {len(b)} values"
    for x, y in zip(a, b):
        if isinstance(x, str): x = float(x)
        assert abs(x - y) <= tol * max(1.0, abs(y)), f"{what}: {x} vs {y}"
worst = 0.0
for g in c["groups"]:
    for k, cause in enumerate(c["causes"]):
        key = f"{g['name']}|{cause}"
        want = R[("cif_mgus2_sex", "at.pstate", key)]
        got = [h["incidence"][k] for h in g["horizons"]][:len(want)]
        close(got, want, 1e-12, f"incidence {key}")
        close([h["std_err"][k] for h in g["horizons"]][:len(want)], R[("cif_mgus2_sex", "at.std.err", key)], 1e-10, f"std.err {key}")
for t in c["gray_tests"]:
    close([t["statistic"]], R[("gray_mgus2_sex", "stat", t["cause"])], 1e-9, f"Gray {t['cause']}")
for m in c["models"]:
    fg = m["fine_gray"]; cs = m["cause_specific_cox"]
    close([x["coef"] for x in fg["summary"]], R[("fg_mgus2", "coef", m["cause"])], 1e-7, f"Fine–Gray {m['cause']}")
    close([x["se"] for x in fg["summary"]], R[("fg_mgus2", "se", m["cause"])], 1e-7, f"Fine–Gray SE {m['cause']}")
    close([x["coef"] for x in cs["summary"]], R[("fg_mgus2", "cs.coef", m["cause"])], 1e-8, f"cause-specific {m['cause']}")
assert c["covariates"] == ["age", "sex=F", "hgb"], c["covariates"]
print("41-competing: CLI JSON agrees with R survival/cmprsk (incidence 1e-12, Gray 1e-9, Fine–Gray 1e-7)")
PY

# CSV: the primary table is the incidence by reason; --curve gives the full curve
"$BIN" survival "$FIX/mgus2" "${R[@]}" --competing end_reason --format csv > "$tmp/summary.csv"
head -1 "$tmp/summary.csv" | grep -q '^group,reason,customers,churned,share_of_churns' || fail "CSV is not the incidence summary: $(head -1 "$tmp/summary.csv")"
"$BIN" survival "$FIX/mgus2" "${R[@]}" --competing end_reason --curve --format csv > "$tmp/curve.csv"
head -1 "$tmp/curve.csv" | grep -q '^group,time_days,reason,at_risk,churned,censored,cumulative_incidence' || fail "--curve CSV: $(head -1 "$tmp/curve.csv")"
[ "$(wc -l < "$tmp/curve.csv")" -gt 400 ] || fail "--curve CSV too short"
"$BIN" survival "$FIX/mgus2" "${R[@]}" --competing end_reason --by sex --format table > "$tmp/table.txt"
grep -q "Gray's test" "$tmp/table.txt" || fail "no Gray's test in the table output"

# a mapping file renames the column
mkdir -p "$tmp/renamed"
cp "$FIX/mgus2/customers.csv" "$tmp/renamed/"
sed '1s/end_reason/why_ended/' "$FIX/mgus2/subscriptions.csv" > "$tmp/renamed/subscriptions.csv"
printf 'subscriptions: {end_reason: why_ended}\n' > "$tmp/schema.yaml"
"$BIN" survival "$tmp/renamed" "${R[@]}" --schema "$tmp/schema.yaml" --competing end_reason --format json > "$tmp/renamed.json"
python3 - "$tmp/renamed.json" "$tmp/mgus2.json" <<'PY' || fail "the mapped column gives other results"
import json, sys
a = json.load(open(sys.argv[1]))["result"]["competing"]; b = json.load(open(sys.argv[2]))["result"]["competing"]
assert a["causes"] == b["causes"] and a["events"] == b["events"], (a["events"], b["events"])
PY

# the report has the section, its charts and tables
"$BIN" report "$FIX/mgus2" "${R[@]}" --out "$tmp/report" --formats html,json,csv --no-roi > /dev/null 2>"$tmp/report.err" || fail "report failed: $(cat "$tmp/report.err")"
test -s "$tmp/report/tables/competing_summary.csv" || fail "report: no competing_summary.csv"
grep -q 'Why customers leave' "$tmp/report/report.html" || fail "report: no 'Why customers leave' section"

# errors: exit 64 (usage) for a bad combination, 65 (data) without the column
expect() { local code=$1 pattern=$2; shift 2
  set +e; "$BIN" "$@" > "$tmp/out" 2> "$tmp/err"; local got=$?; set -e
  [ "$got" = "$code" ] || fail "exit $got, expected $code: $*: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "message for '$*' lacks '$pattern': $(cat "$tmp/err")"
}
expect 64 "churn from purchases" survival "$FIX/mgus2" --competing end_reason --churn-after 90d
expect 64 "takes end_reason" survival "$FIX/mgus2" --competing plan
mkdir -p "$tmp/noreason"; cut -d, -f1-3 "$FIX/mgus2/subscriptions.csv" > "$tmp/noreason/subscriptions.csv"
expect 65 "end_reason" survival "$tmp/noreason" --competing end_reason
echo "41-competing: ok"
