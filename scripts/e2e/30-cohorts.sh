#!/usr/bin/env bash
# tenure cohorts end to end:
#  1. the pandas-checked fixture (scripts/fixtures/cohorts.py) through the real CSV loader: every cell of the
#     CSV long form (customers, orders, revenue in cents, unbounded customers, status) for every period and
#     window, signup / subscription cohorts, --by, brackets and contractual retention (JSON), exactly;
#  2. a `tenure generate` dataset against the pandas peer (Benchmarks/peers/cohorts_pandas.py), every period, exactly;
#  3. --forecast: sBG alpha, beta, standard errors, projection intervals in JSON and forecast rows in CSV;
#  4. every format (table readable without colour: no escape codes under NO_COLOR / a pipe), same input same bytes;
#  5. bad options and data problems fail with a message and a non-zero exit.
set -euo pipefail
BIN=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "30-cohorts: $*" >&2; exit 1; }
FIX=Tests/Fixtures/cohorts
ASOF=$(python3 -c "import csv,sys; print(max(r['date'] for r in csv.DictReader(open(sys.argv[1]))))" "$FIX/data/transactions.csv")

# 1. fixture vs pandas, through the real loader
run_fix() { # name, extra args... (contractual retention in the same windows as the purchase cells, as the fixture)
  local name=$1; shift
  local cw=calendar; [[ " $* " == *" --window rolling "* ]] && cw=rolling
  "$BIN" cohorts "$FIX/data" --as-of "$ASOF" "$@" --contractual-window $cw --format csv -o "$tmp/$name.csv"
  "$BIN" cohorts "$FIX/data" --as-of "$ASOF" "$@" --contractual-window $cw --format json -o "$tmp/$name.json"
  echo "$name" >> "$tmp/configs"
}
: > "$tmp/configs"
for p in day week month quarter year; do
  for w in calendar rolling; do
    run_fix "$p-$w" --period $p --window $w --cohort-by first-purchase
    echo "$p/$w" >> "$tmp/names"
  done
done
run_fix signup --period month --cohort-by signup;                 echo "month/calendar/signup" >> "$tmp/names"
run_fix subscription --period month --cohort-by subscription;     echo "month/calendar/subscription" >> "$tmp/names"
run_fix by-segment --period month --cohort-by first-purchase --by segment; echo "month/calendar/by-segment" >> "$tmp/names"
run_fix by-channel --period week --cohort-by first-purchase --by channel;  echo "week/calendar/by-channel" >> "$tmp/names"
run_fix brackets --period month --cohort-by first-purchase --brackets 0,1-3,4-7,8-14; echo "month/calendar/brackets" >> "$tmp/names"
run_fix rolling-brackets --period month --window rolling --cohort-by first-purchase --brackets 0,1-3,4-7,8-14; echo "month/rolling/brackets" >> "$tmp/names"
run_fix contractual-q --period quarter --window rolling --cohort-by first-purchase; echo "quarter/rolling" >> "$tmp/names"
python3 - "$tmp" "$FIX" <<'PY' || fail "fixture disagrees with pandas"
import csv, json, os, sys
tmp, fix = sys.argv[1], sys.argv[2]
files = open(os.path.join(tmp, "configs")).read().split()
names = open(os.path.join(tmp, "names")).read().split()
cells = list(csv.DictReader(open(os.path.join(fix, "expected_cells.csv"))))
sizes = list(csv.DictReader(open(os.path.join(fix, "expected_sizes.csv"))))
brackets = list(csv.DictReader(open(os.path.join(fix, "expected_brackets.csv"))))
contractual = list(csv.DictReader(open(os.path.join(fix, "expected_contractual.csv"))))
by_of = {"by-segment": "segment", "by-channel": "channel"}
checked = 0
for f, name in zip(files, names):
    rows = list(csv.DictReader(open(os.path.join(tmp, f + ".csv"))))
    by = by_of.get(f)
    exp = {(e["group"], e["cohort"], int(e["age"])): e for e in cells if e["config"] == name}
    esz = {(e["group"], e["cohort"]): int(e["size"]) for e in sizes if e["config"] == name}
    assert exp, name
    seen, got_sizes = 0, {}
    for r in rows:
        assert r["status"] in ("complete", "partial"), (name, r)
        g = r[by] if by else "all"
        k = (g, r["cohort"], int(r["age"]))
        got_sizes[(g, r["cohort"])] = int(r["size"])
        cents = round(float(r["revenue"]) * 100)
        e = exp.get(k)
        if e is None:
            assert r["customers"] == "0" and r["orders"] == "0" and cents == 0, (name, k, r)
            continue
        seen += 1
        got = (int(r["customers"]), int(r["orders"]), cents, int(r["unbounded_customers"]), r["status"])
        want = (int(e["customers"]), int(e["orders"]), int(e["revenue_cents"]), int(e["unbounded"]), e["status"])
        assert got == want, (name, k, got, want)
        assert abs(float(r["retention"]) - int(r["customers"]) / int(r["size"])) < 1e-15
    assert seen == len(exp), (name, seen, len(exp))
    assert got_sizes == esz, (name, "sizes")
    checked += seen
    doc = json.load(open(os.path.join(tmp, f + ".json")))
    assert doc["schema_version"] == 1 and doc["analysis"] == "cohorts"
    res = doc["result"]
    if "brackets" in f:
        eb = {(e["group"], e["cohort"], e["bracket"]): int(e["customers"]) for e in brackets if e["config"] == name}
        gb = {(g.get("name") or "all", r["cohort"], c["bracket"]): c["customers"]
              for g in res["groups"] for r in g["brackets"] for c in r["cells"] if c["customers"] > 0}
        assert gb == eb, (name, "brackets")
        checked += len(eb)
    cname = {"month-calendar": "month/calendar/contractual", "contractual-q": "quarter/rolling/contractual",
             "by-segment": "month/calendar/contractual-by-segment"}.get(f)
    if cname:
        ec = {(e["group"], e["cohort"], int(e["age"])): (int(e["customers"]), int(e["survivors"]), e["status"])
              for e in contractual if e["config"] == cname}
        gc = {(g.get("name") or "all", r["cohort"], c["age"]): (c["customers"], c["survivors"], c["status"])
              for g in res["groups"] for r in g["contractual"] for c in r["cells"] if c["customers"] > 0}
        assert {k: v for k, v in ec.items() if v[0] > 0} == gc, (cname, "contractual")
        checked += len(gc)
print(f"cohorts: {checked} fixture cells agree with pandas over {len(files)} configurations")
PY

# 2. generated data vs the pandas peer, every period
"$BIN" generate --customers 3000 --out "$tmp/gen" --seed 30 --quiet > /dev/null 2>&1 || "$BIN" generate --customers 3000 --out "$tmp/gen" --seed 30 > /dev/null
for p in day week month quarter year; do
  "$BIN" cohorts "$tmp/gen" --period $p --cohort-by first-purchase --format csv -o "$tmp/g-$p.csv"
  python3 Benchmarks/peers/cohorts_pandas.py "$tmp/gen" --period $p --out "$tmp/pd-$p.csv" > /dev/null
  python3 - "$tmp/g-$p.csv" "$tmp/pd-$p.csv" "$p" <<'PY' || fail "generated data, --period $p: tenure and pandas differ"
import csv, sys
got = {(r["cohort_start"], int(r["age"])): r for r in csv.DictReader(open(sys.argv[1]))}
want = list(csv.DictReader(open(sys.argv[2])))
assert want
for w in want:
    g = got[(w["cohort_start"], int(w["age"]))]
    assert (int(g["size"]), int(g["customers"]), int(g["orders"]), round(float(g["revenue"]) * 100)) == \
           (int(w["size"]), int(w["customers"]), int(w["orders"]), int(w["revenue_cents"])), (w, g)
keys = {(w["cohort_start"], int(w["age"])) for w in want}
for k, g in got.items():
    if k not in keys: assert g["customers"] == "0" and g["orders"] == "0", (k, g)
print(f"cohorts --period {sys.argv[3]}: {len(want)} generated-data cells agree with pandas")
PY
done

# 3. forecast: sBG per cohort with SEs and projection intervals
"$BIN" cohorts "$tmp/gen" --period month --forecast 6 --format json -o "$tmp/f.json"
"$BIN" cohorts "$tmp/gen" --period month --forecast 6 --format json -o "$tmp/f2.json"
cmp -s "$tmp/f.json" "$tmp/f2.json" || fail "forecast: two runs differ"
"$BIN" cohorts "$tmp/gen" --period month --forecast 6 --format csv -o "$tmp/f.csv"
python3 - "$tmp/f.json" "$tmp/f.csv" <<'PY' || fail "forecast"
import csv, json, sys
r = json.load(open(sys.argv[1]))["result"]
fc = r["groups"][0]["forecast"]
assert fc["horizon"] == 6 and fc["basis"] in ("contractual", "unbounded")
fitted = [c for c in fc["cohorts"] if c.get("fit")]
assert len(fitted) >= 3, len(fitted)
for c in fitted:
    f = c["fit"]
    if f.get("limit"):   # at the edge: the geometric model, theta with its SE, never raw alpha/beta
        assert f["limit"]["model"] == "geometric" and 0 < f["limit"]["theta"] < 1 and f["limit"]["theta_se"] > 0, f
    else:
        for k in ("alpha", "beta", "alpha_se", "beta_se", "log_likelihood"):
            assert k in f and f[k] == f[k], (c["cohort"], k)
        assert f["alpha"] > 0 and f["beta"] > 0 and f["alpha_se"] > 0 and f["beta_se"] > 0
    assert c["cells"], c["cohort"]
    prev = 2.0
    for cell in c["cells"]:
        assert 0 <= cell["lower"] <= cell["retention"] + 1e-9 and cell["retention"] <= cell["upper"] + 1e-9 <= 1 + 1e-9, cell
        assert cell["retention"] <= prev + 1e-12; prev = cell["retention"]
rows = [x for x in csv.DictReader(open(sys.argv[2])) if x["status"] == "forecast"]
assert len(rows) == sum(len(c["cells"]) for c in fc["cohorts"]), "forecast rows in CSV"
assert all(x["forecast_retention"] and x["forecast_low"] and x["forecast_high"] and x["customers"] == "" for x in rows)
print(f"cohorts --forecast: {len(fitted)} cohorts fitted, {len(rows)} forecast cells with intervals")
PY

# 4. formats; the terminal view without colour
for f in table md csv json; do NO_COLOR=1 "$BIN" cohorts "$tmp/gen" --forecast 3 --format $f > "$tmp/out.$f"; test -s "$tmp/out.$f" || fail "empty $f"; done
grep -q $'\x1b\[' "$tmp/out.table" && fail "escape codes in uncoloured table output"
grep -q 'Retention (share of cohort) by monthly cohort' "$tmp/out.table" || fail "table: heatmap title"
grep -q 'completed by the sBG forecast' "$tmp/out.table" || fail "table: forecast heatmap"
grep -q '~' "$tmp/out.table" || fail "table: forecast marks"
grep -q '░\|▒\|▓\|█' "$tmp/out.table" || fail "table: shade glyphs"
grep -q 'Average retention curve' "$tmp/out.table" || fail "table: average curve"
grep -q 'sBG fit per cohort' "$tmp/out.md" || fail "md: sBG table"
grep -q '^| cohort | size | 0 |' "$tmp/out.md" || fail "md: matrix"
head -1 "$tmp/out.csv" | grep -q '^cohort,cohort_start,size,age,period,status,customers,retention,' || fail "csv header: $(head -1 "$tmp/out.csv")"
grep -q ',2024-06,partial,' "$tmp/month-calendar.csv" || fail "csv: partial period (fixture, as of $ASOF) not marked"
grep -q ',2024-05,complete,' "$tmp/month-calendar.csv" || fail "csv: complete period"
NO_COLOR=1 "$BIN" cohorts "$tmp/gen" --metric revenue --relative-to previous --format table > "$tmp/rev.txt"
grep -q 'Revenue vs previous month' "$tmp/rev.txt" || fail "--metric revenue --relative-to previous"
NO_COLOR=1 "$BIN" cohorts "$tmp/gen" --metric orders --period quarter --format table > "$tmp/ord.txt"
grep -q 'Orders per cohort customer' "$tmp/ord.txt" || fail "--metric orders"
"$BIN" cohorts "$tmp/gen" --by segment --retention unbounded --format table -o "$tmp/by.txt"
test "$(grep -c 'Unbounded retention (share of cohort)' "$tmp/by.txt")" -ge 2 || fail "--by segment: one heatmap per segment"
"$BIN" cohorts "$tmp/gen" --by segment --format csv -o "$tmp/by.csv"
head -1 "$tmp/by.csv" | grep -q '^segment,cohort,' || fail "--by csv column"
"$BIN" cohorts "$tmp/gen" --cohort-by subscription --format json | python3 -c "import json,sys; r=json.load(sys.stdin)['result']; assert r['cohort_basis']=='subscription_start' and r['groups'][0]['contractual']" || fail "subscription cohorts"
"$BIN" cohorts "$tmp/gen" --format json | python3 -c "
import json,sys; r=json.load(sys.stdin)['result']
assert r['mrr'] and r['mrr']['periods'], 'mrr'
for a in r['groups'][0]['average']: assert 0 <= a['retention'] <= 1 and a['retention_lower'] <= a['retention'] <= a['retention_upper']
" || fail "average curve / MRR"

# 5. errors
for bad in "--period fortnight" "--window sliding" "--brackets 3-1" "--forecast -1" "--confidence 95" "--metric margin"; do
  # shellcheck disable=SC2086
  if "$BIN" cohorts "$tmp/gen" $bad > /dev/null 2> "$tmp/err"; then fail "accepted $bad"; fi
  grep -qi "error" "$tmp/err" || fail "no message for $bad"
done
set +e; "$BIN" cohorts "$tmp/gen" --by no_such_column > /dev/null 2> "$tmp/err"; rc=$?; set -e
[ $rc -eq 65 ] && grep -q "no_such_column" "$tmp/err" || fail "--by unknown column: rc $rc $(cat "$tmp/err")"
mkdir "$tmp/tx"; cp "$tmp/gen/transactions.csv" "$tmp/tx/"
set +e; "$BIN" cohorts "$tmp/tx" --cohort-by subscription > /dev/null 2> "$tmp/err"; rc=$?; set -e
[ $rc -eq 65 ] && grep -q "subscriptions" "$tmp/err" || fail "--cohort-by subscription without subscriptions.csv: rc $rc"
echo "cohorts: ok"
