#!/usr/bin/env bash
# Warehouse mode end to end (issue #14), against real PostgreSQL servers on loopback started by
# scripts/pg/cluster.sh (a plain server and a sharded coordinator with two postgres_fdw shards), all
# stopped on exit, also on failure:
#   1. `tenure clv postgres://…` equals `tenure clv DIR` on the same generated data (integers exactly,
#      floats to 1e-9 relative) for the typed tables, the all-text tables and the sharded set, over
#      several time units, holdouts and models;
#   1b. `tenure cohorts postgres://…` equals `tenure cohorts DIR` (transactions only) for every period and
#      window, brackets and the sBG forecast, and per --by value (customers table or first purchase);
#   1c. `tenure survival postgres://…` equals the CSV path (Kaplan–Meier from the event tables), churn from
#       purchases and contractual, also with --by and --strata (curves per group, stratified log-rank);
#       `clv --by segment` too; 1d. `tenure report postgres://…` equals the CSV report's cohorts, survival, CLV;
#   2. EXPLAIN (VERBOSE) on the coordinator shows the customer GROUP BY in the shards' remote SQL;
#   3. the emitted duckdb and spark SQL, run by DuckDB and by a local pyspark (ANSI mode) on the CSV
#      files, fed back with --aggregates, equal the CSV path; the bigquery and snowflake SQL parse with sqlglot;
#   4. bad input: connection refused, wrong password, missing table, missing column, a value the
#      engine cannot cast, NULL ids: one clear line each, exit 69 or 65, no output file.
# Needs: Debian postgresql (installed by cluster.sh), pip duckdb sqlglot pyspark, Java 17 (scripts/install-test-deps.sh).
set -euo pipefail
BIN=$1
cd "$(dirname "$0")/../.."
fail() { echo "85-warehouse: $*" >&2; exit 1; }
tmp=$(mktemp -d)
PGDIR=$tmp/pg
cleanup() { bash scripts/pg/cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
chmod 755 "$tmp"

"$BIN" generate --customers 3000 --out "$tmp/gen" --seed 11 --quiet
bash scripts/pg/cluster.sh start "$PGDIR" >/dev/null
bash scripts/pg/cluster.sh load "$PGDIR" "$tmp/gen" | grep -v WARNING
export PGPASSWORD=tenure-test
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U tenure -d crm)
ASOF=$(python3 -c "import csv,sys; print(max(r['date'] for r in csv.DictReader(open(sys.argv[1]))))" "$tmp/gen/transactions.csv")
PLAIN="postgres://tenure@127.0.0.1:55432/crm?schema=crm"
RAW="postgres://tenure@127.0.0.1:55432/crm?schema=raw"
SHARDED="postgres://tenure@127.0.0.1:55433/crm?schema=crm"

compare() { python3 scripts/e2e/lib/same.py json "$1" "$2" || fail "$3: warehouse result differs from the CSV path"; } # a.json b.json label

# 1. postgres:// equals the CSV directory
CAL=$(python3 -c "import datetime,sys; d=datetime.date.fromisoformat(sys.argv[1]); print(d - datetime.timedelta(days=180))" "$ASOF")
configs=("default::" "holdout::--calibration-end $CAL" "month::--time-unit month --calibration-end $CAL"
         "day::--time-unit day" "pareto::--model pareto-nbd" "compare::--compare-models --calibration-end $CAL"
         "continuous::--time-scale continuous --calibration-end $CAL")
"$BIN" clv "$tmp/gen" --as-of "$ASOF" --regression off --format json -o "$tmp/csv-default.json"
n=0
for c in "${configs[@]}"; do
  name=${c%%::*}; args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" clv "$tmp/gen" --as-of "$ASOF" --regression off $args --format json -o "$tmp/csv-$name.json"
  for src in PLAIN RAW SHARDED; do
    [ "$src" = PLAIN ] || [ "$name" = default ] || [ "$name" = holdout ] || continue
    # shellcheck disable=SC2086
    "$BIN" clv "${!src}" --as-of "$ASOF" $args --format json -o "$tmp/pg-$src-$name.json"
    compare "$tmp/csv-$name.json" "$tmp/pg-$src-$name.json" "$src $name"
    n=$((n + 1))
  done
done
# without --as-of: the end of observation is the latest transaction (the CSV path: the latest date of any table)
"$BIN" clv "$PLAIN" --format json -o "$tmp/pg-noasof.json"
python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['result']['probabilistic']['settings']; assert s['observation_end']==sys.argv[2], s" "$tmp/pg-noasof.json" "$ASOF" \
  || fail "without --as-of the observation end is not the last transaction"
echo "85-warehouse: $n clv runs over postgres:// (typed, all-text, sharded) equal the CSV path"

# 1b. cohorts over postgres:// equal the CSV path on the same tables (transactions and subscriptions,
# with or without customers), every period and window, brackets and the sBG forecast
mkdir -p "$tmp/tx-only" && cp "$tmp/gen/transactions.csv" "$tmp/gen/subscriptions.csv" "$tmp/tx-only/"
same_as_csv() { # warehouse.json csv.json message: equal but for the note saying where the reduction ran
  python3 scripts/e2e/lib/same.py result "$1" "$2" || fail "$3"
}
cohort_same() { same_as_csv "$1" "$2" "$3: warehouse cohorts differ from the CSV path"; }
mkdir -p "$tmp/tx-cust" && cp "$tmp/gen/transactions.csv" "$tmp/gen/customers.csv" "$tmp/gen/subscriptions.csv" "$tmp/tx-cust/"
n=0
for c in "tx-only::" "tx-only::--period week" "tx-only::--period day" "tx-only::--period quarter --forecast 4" "tx-only::--period year" \
         "tx-only::--window rolling --forecast 6" "tx-only::--window rolling --period week --brackets 0,1-3,4-7,8-14" \
         "tx-only::--window rolling --period quarter" "tx-only::--brackets 0,1-2,3-5" \
         "tx-cust::--by segment --brackets 0,1-2,3-5" "tx-cust::--by channel --window rolling --period week" "tx-only::--by category --period quarter" \
         "tx-cust::--cohort-by signup --brackets 0,1-2" "tx-cust::--cohort-by auto --window rolling --period week --by segment"; do
  dir=${c%%::*}; args=${c#*::}
  # shellcheck disable=SC2086
  case "$args" in *--cohort-by*) cb=() ;; *) cb=(--cohort-by first-purchase) ;; esac
  # shellcheck disable=SC2086
  "$BIN" cohorts "$tmp/$dir" --as-of "$ASOF" "${cb[@]}" $args --format json -o "$tmp/csv-cohorts.json"
  for src in PLAIN RAW SHARDED; do
    # shellcheck disable=SC2086
    "$BIN" cohorts "${!src}" --as-of "$ASOF" "${cb[@]}" $args --format json -o "$tmp/pg-cohorts.json"
    cohort_same "$tmp/pg-cohorts.json" "$tmp/csv-cohorts.json" "cohorts $src $args"
    n=$((n + 1))
  done
done
python3 -c "import json,sys; g=json.load(open(sys.argv[1]))['result']['groups']; assert len(g) >= 2 and all(x['name'] for x in g), g" "$tmp/pg-cohorts.json" \
  || fail "cohorts --by over postgres:// has no groups"
echo "85-warehouse: $n cohorts runs over postgres:// (typed, all-text, sharded; --by) equal the CSV path"
# signup cohorts at their edges: customers without a signup date, signed up after the end, with
# purchases before their signup, and without any purchase; the CSV side is the same tables exported
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA signup; CREATE TABLE signup.transactions AS SELECT * FROM crm.transactions;
  CREATE TABLE signup.customers AS SELECT * FROM crm.customers;
  UPDATE signup.customers SET signup_date = NULL WHERE customer_id IN ('C1', 'C2');
  UPDATE signup.customers SET signup_date = DATE '$ASOF' + 10 WHERE customer_id = 'C3';
  UPDATE signup.customers SET signup_date = signup_date + 40 WHERE customer_id IN ('C4', 'C5', 'C6', 'C7');
  INSERT INTO signup.customers (customer_id, signup_date, segment) VALUES ('NEW1', DATE '2025-01-15', 'retail'), ('NEW2', DATE '2024-11-03', 'smb');"
mkdir -p "$tmp/signup"
for t in transactions customers; do
  "${PSQL[@]}" -p 55432 -c "\\copy signup.$t TO '$tmp/signup/$t.csv' WITH (FORMAT csv, HEADER true)"
done
for args in "--cohort-by signup" "--cohort-by auto --window rolling --brackets 0,1-2 --by segment"; do
  # shellcheck disable=SC2086
  "$BIN" cohorts "$tmp/signup" --as-of "$ASOF" $args --format json -o "$tmp/csv-cohorts.json"
  # shellcheck disable=SC2086
  "$BIN" cohorts "postgres://tenure@127.0.0.1:55432/crm?schema=signup" --as-of "$ASOF" $args --format json -o "$tmp/pg-cohorts.json"
  cohort_same "$tmp/pg-cohorts.json" "$tmp/csv-cohorts.json" "signup cohorts $args"
done
python3 -c "import json,sys; n=' '.join(json.load(open(sys.argv[1]))['result']['notes']); assert 'without a signup_date' in n and 'signed up after' in n and 'before their customer' in n, n" "$tmp/pg-cohorts.json" \
  || fail "signup cohorts do not say which customers and rows were left out"
echo "85-warehouse: signup cohorts with missing, late and post-purchase signups and customers without purchases equal the CSV path"

# contractual retention and MRR movements from the subscriptions table equal the CSV path's, every
# source, period, contractual window, --by and cohort basis; then at their edges: overlapping,
# back-to-back and gapped subscriptions, an end on the start day, a start after the end of
# observation, NULL MRR, free then paid, subscribers without purchases or customers row
mkdir -p "$tmp/subs" && cp "$tmp/gen/transactions.csv" "$tmp/gen/customers.csv" "$tmp/gen/subscriptions.csv" "$tmp/subs/"
n=0
for args in "" "--period week --contractual-window calendar" "--period quarter --by plan --forecast 4" \
            "--cohort-by subscription --by segment" "--cohort-by subscription --window rolling --period week --brackets 0,1-3"; do
  # shellcheck disable=SC2086
  "$BIN" cohorts "$tmp/subs" --as-of "$ASOF" $args --format json -o "$tmp/csv-cohorts.json"
  for src in PLAIN RAW SHARDED; do
    # shellcheck disable=SC2086
    "$BIN" cohorts "${!src}" --as-of "$ASOF" $args --format json -o "$tmp/pg-cohorts.json"
    cohort_same "$tmp/pg-cohorts.json" "$tmp/csv-cohorts.json" "contractual cohorts $src $args"
    n=$((n + 1))
  done
done
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; assert r['cohort_basis']=='subscription_start' and r['groups'][0]['contractual'] and len(r['mrr']['periods']) > 10, r.keys()" "$tmp/pg-cohorts.json" \
  || fail "cohorts over postgres:// have no contractual part or MRR movements"
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA subedge; CREATE TABLE subedge.transactions AS SELECT * FROM crm.transactions;
  CREATE TABLE subedge.customers AS SELECT * FROM crm.customers; CREATE TABLE subedge.subscriptions AS SELECT * FROM crm.subscriptions;
  INSERT INTO subedge.subscriptions VALUES
    ('E1', DATE '2024-01-10', DATE '2024-03-10', 'basic', 10), ('E1', DATE '2024-03-10', DATE '2024-05-01', 'pro', 20),
    ('E1', DATE '2024-02-01', NULL, 'addon', 5.55), ('E2', DATE '2024-01-05', DATE '2024-02-05', 'basic', 10),
    ('E2', DATE '2024-06-01', NULL, 'basic', 10), ('E3', DATE '2024-04-04', DATE '2024-04-04', 'basic', 15),
    ('E5', DATE '$ASOF' + 5, NULL, 'basic', 10),
    ('E6', DATE '2024-02-02', NULL, 'basic', NULL), ('E7', DATE '2024-01-01', DATE '2024-03-01', 'free', 0),
    ('E7', DATE '2024-03-01', NULL, 'pro', 50), ('E8', DATE '2025-01-01', DATE '$ASOF' + 30, 'basic', 12.5),
    ('C1', DATE '2023-02-15', DATE '2023-04-15', 'pro', 99.99), ('C1', DATE '2023-09-01', NULL, 'basic', 29);"
mkdir -p "$tmp/subedge"
for t in transactions customers subscriptions; do
  "${PSQL[@]}" -p 55432 -c "\\copy subedge.$t TO '$tmp/subedge/$t.csv' WITH (FORMAT csv, HEADER true)"
done
for args in "" "--contractual-window calendar --period week" "--by segment --period quarter" "--by plan --cohort-by subscription"; do
  # shellcheck disable=SC2086
  "$BIN" cohorts "$tmp/subedge" --as-of "$ASOF" $args --format json -o "$tmp/csv-cohorts.json"
  # shellcheck disable=SC2086
  "$BIN" cohorts "postgres://tenure@127.0.0.1:55432/crm?schema=subedge" --as-of "$ASOF" $args --format json -o "$tmp/pg-cohorts.json"
  cohort_same "$tmp/pg-cohorts.json" "$tmp/csv-cohorts.json" "contractual cohorts at the edges $args"
  n=$((n + 1))
done
python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['result']['mrr']['periods']; assert all(sum(p[k] for p in m) > 0 for k in ('new','expansion','contraction','churn','reactivation')), m[:2]" "$tmp/pg-cohorts.json" \
  || fail "the edge data does not exercise every kind of MRR movement"
"${PSQL[@]}" -p 55432 -c "CREATE TABLE subedge.subs_nulls AS SELECT * FROM subedge.subscriptions;
  INSERT INTO subedge.subs_nulls VALUES ('E9', NULL, NULL, 'basic', 10), (NULL, DATE '2024-01-01', NULL, 'basic', 10);"
printf 'subscriptions: {table: subedge.subs_nulls}\n' > "$tmp/subs-nulls.yaml"
"$BIN" cohorts "postgres://tenure@127.0.0.1:55432/crm?schema=subedge" --schema "$tmp/subs-nulls.yaml" --as-of "$ASOF" --format json -o "$tmp/pg-nulls.json"
"$BIN" cohorts "$tmp/subedge" --as-of "$ASOF" --format json -o "$tmp/csv-edge.json"
python3 -c "import json,sys; a, b = (json.load(open(f))['result'] for f in sys.argv[1:3]); n=' '.join(a['notes']); assert 'no customer_id' in n and 'no start_date' in n, n; assert a['groups'][0]['contractual'] == b['groups'][0]['contractual']" "$tmp/pg-nulls.json" "$tmp/csv-edge.json" \
  || fail "subscriptions rows without a customer id or start date are not left out and counted in the notes"
echo "85-warehouse: $n cohort runs with contractual retention and MRR movements over postgres:// (typed, all-text, sharded; edges) equal the CSV path; NULL ids and starts counted"

# 1c. survival with churn from purchases: the event tables reduced in the engine give the CSV
# path's Kaplan–Meier, median, RMST and horizons (fractional gaps put churn times off the day grid);
# with --by and --strata (values from the customers table, or from each customer's first purchase
# for --by category) also the curves per group, the stratified log-rank test and the notes
survival_same() { same_as_csv "$1" "$2" "$3: warehouse survival differs from the CSV path"; }
n=0
for c in "tx-only::--churn-after 90d" "tx-only::--churn-after 45.5d --unit week --horizons 30d,90d" "tx-only::--churn-after 6m --unit month --tau 12m" \
         "tx-cust::--churn-after 90d --by segment" "tx-cust::--churn-after 45.5d --by channel --strata segment --unit week" \
         "tx-only::--churn-after 60d --by category" "gen::" "gen::--by segment --unit month --horizons 90d,365d" \
         "tx-cust::--covariates age,engagement_score,segment" "tx-cust::--churn-after 90d --covariates channel,age --strata segment --by channel --ties breslow" \
         "tx-cust::--churn-after 60d --covariates segment,channel" \
         "tx-cust::--churn-after 45.5d --covariates engagement_score,segment --penalty 0.5"; do
  dir=${c%%::*}; args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" survival "$tmp/$dir" --as-of "$ASOF" $args --format json -o "$tmp/csv-surv.json"
  for src in PLAIN RAW SHARDED; do
    # shellcheck disable=SC2086
    "$BIN" survival "${!src}" --as-of "$ASOF" $args --format json -o "$tmp/pg-surv.json"
    survival_same "$tmp/pg-surv.json" "$tmp/csv-surv.json" "survival $src $args"
    case "$args" in *--strata*--ties*) cp "$tmp/pg-surv.json" "$tmp/pg-surv-by.json" ;; *segment,channel*) cp "$tmp/pg-surv.json" "$tmp/pg-surv-text.json" ;; esac
    n=$((n + 1))
  done
done
# the second last configuration: churn from purchases per channel, stratified, with a Cox model
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; assert r['log_rank']['df'] >= 1 and len(r['groups']) >= 2 and r['cox']['strata_column'] == 'segment', r.keys()" "$tmp/pg-surv-by.json" \
  || fail "survival --by over postgres:// has no log-rank test or stratified Cox model"
# a numeric covariate: fitted on per-step sums in the engine (no Harrell's C, said in the note); text
# covariates only: the patterns, with Harrell's C
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; c=r['cox']['model']; assert len(c['coefficients']) == 3 and c.get('concordance') is None, c.keys(); assert any('Newton step' in n for n in r['notes']), r['notes']" "$tmp/pg-surv.json" \
  || fail "survival --covariates engagement_score,segment over postgres:// was not fitted on per-step sums"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; c=r['cox']['model']; assert c['concordance']['value'] > 0 and any('covariate patterns' in n for n in r['notes']), r['notes']" "$tmp/pg-surv-text.json" \
  || fail "survival --covariates segment,channel over postgres:// was not fitted on patterns"
# what comes back per step grows with the distinct lifetimes, not with the customers
"$BIN" survival "$SHARDED" --as-of "$ASOF" --churn-after 45.5d --covariates engagement_score,age --timings --format json -o "$tmp/pg-surv-t.json" 2> "$tmp/surv-timings"
steps=$(grep -c "query cox_step" "$tmp/surv-timings" || true)
customers=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['result']['subjects'])" "$tmp/pg-surv-t.json")
rows=$(awk '/query cox_step/ {if ($4 > m) m = $4} END {print m + 0}' "$tmp/surv-timings")
[ "$steps" -ge 2 ] && [ "$rows" -lt "$customers" ] \
  || fail "Cox on sums: $steps steps of at most $rows rows for $customers customers (expected rows per lifetime, not per customer)"
echo "85-warehouse: Cox with numeric covariates fitted on sums over the sharded set: $steps steps, at most $rows rows each, $customers customers"
echo "85-warehouse: $n survival runs over postgres:// (typed, all-text, sharded; from purchases and contractual; --by and --strata; Cox with numeric and text covariates, strata, ties, penalty) equal the CSV path"
n=0
"$BIN" clv "$tmp/gen" --as-of "$ASOF" --regression off --by segment --format json -o "$tmp/csv-clv-by.json"
for src in PLAIN RAW SHARDED; do
  "$BIN" clv "${!src}" --as-of "$ASOF" --by segment --format json -o "$tmp/pg-clv-by.json"
  compare "$tmp/csv-clv-by.json" "$tmp/pg-clv-by.json" "clv --by segment $src"
  n=$((n + 1))
done
python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['result']['probabilistic']['segments']; assert len(s) >= 2, s" "$tmp/pg-clv-by.json" \
  || fail "clv --by over postgres:// has no segments"
echo "85-warehouse: $n clv --by segment runs over postgres:// equal the CSV path"

# tenure roi over postgres://: the baselines' RFM summary per segment, subscription books and the past
# initiative's counts reduced in the engine give the CSV path's scenarios, simulations and uplift
n=0
"$BIN" roi "$tmp/tx-cust" --as-of "$ASOF" --scenarios datasets/scenarios.yaml --simulations 300 --format json -o "$tmp/csv-roi.json"
for src in PLAIN RAW SHARDED; do
  "$BIN" roi "${!src}" --as-of "$ASOF" --scenarios datasets/scenarios.yaml --simulations 300 --format json -o "$tmp/pg-roi.json"
  compare "$tmp/csv-roi.json" "$tmp/pg-roi.json" "roi $src"
  n=$((n + 1))
done
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; assert len(r['scenarios']) == 4 and r['past_initiatives'] and any(b['active_subscriptions'] > 0 for b in r['baselines']), r.keys()" "$tmp/pg-roi.json" \
  || fail "roi over postgres:// lacks scenarios, the past initiative or the subscription book"
echo "85-warehouse: $n roi runs over postgres:// (4 scenarios by segment, subscription books, past initiative) equal the CSV path"

# tenure kpis over postgres://: every table reduced in the engine (cells per period, segment and
# channel; activity runs, MRR levels and cohorts per customer first; ticket-duration percentiles;
# the CLV model on the RFM statistics) gives the CSV path's KPIs, every one in every group
same_kpis() { # warehouse.json csv.json label
  python3 scripts/e2e/lib/same.py kpis "$1" "$2" || fail "$3: KPIs over postgres:// differ from the CSV path"
}
n=0
FROM=$(python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) - datetime.timedelta(days=400))" "$ASOF")
for c in "month::--sla-response 4h --sla-resolution 2d --gross-margin 0.4" "week::--period week --sla-response 30min --churn-after 45d" \
         "quarter::--period quarter --from $FROM --sla-resolution 1d --gross-margin 0.3"; do
  name=${c%%::*}; args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" kpis "$tmp/gen" --as-of "$ASOF" $args --format json -o "$tmp/csv-kpis-$name.json"
  for src in PLAIN RAW SHARDED; do
    # shellcheck disable=SC2086
    "$BIN" kpis "${!src}" --as-of "$ASOF" $args --format json -o "$tmp/pg-kpis.json"
    same_kpis "$tmp/pg-kpis.json" "$tmp/csv-kpis-$name.json" "kpis $src $name"
    n=$((n + 1))
  done
done
echo "85-warehouse: $n kpis runs over postgres:// (typed, all-text, sharded; month, week, quarter from a date; churn-after, margin, SLA thresholds) equal the CSV path, every KPI in every group"

# 1d. tenure report over postgres://: KPIs, cohorts, survival, CLV and ROI reduced in the engine
# equal the CSV report's on the same tables
"$BIN" report "$tmp/tx-cust" --as-of "$ASOF" --out "$tmp/report-csv" --formats json --simulations 300
"$BIN" report "$tmp/gen" --as-of "$ASOF" --out "$tmp/report-csv-subs" --formats json --no-roi
for src in PLAIN SHARDED; do
rm -rf "$tmp/report-pg"
"$BIN" report "${!src}" --as-of "$ASOF" --out "$tmp/report-pg" --formats html,json --simulations 300
python3 scripts/e2e/lib/same.py report "$tmp/report-pg/results.json" "$tmp/report-csv/results.json" "$tmp/report-csv-subs/results.json" \
  || fail "report over postgres:// ($src) differs from the CSV report"
done
echo "85-warehouse: tenure report over postgres:// (plain and sharded: KPIs, cohorts with contractual retention and MRR, contractual survival by segment, CLV by segment, ROI) equals the CSV report"

# 2. the shards run the GROUP BY
"$BIN" clv "crm" --emit-sql postgres --out "$tmp/sql-pg" --as-of "$ASOF"
plan=$( { echo "EXPLAIN (VERBOSE, COSTS OFF)"; sed '/^--/d' "$tmp/sql-pg/rfm_customers.sql"; } | "${PSQL[@]}" -p 55433)
echo "$plan" | grep -E "Remote SQL: SELECT .* FROM crm\.transactions_p0 .*GROUP BY" >/dev/null \
  || { echo "$plan" | grep -i -E "remote sql|foreign" >&2; fail "the customer × period GROUP BY did not run on the shards"; }
echo "$plan" | grep -E "Remote SQL: SELECT .* FROM crm\.transactions_p1 .*GROUP BY" >/dev/null || fail "shard 2 has no GROUP BY"
# the cohort cells and the survival events group by customer first: on the shards too
"$BIN" cohorts "crm" --emit-sql postgres --out "$tmp/sql-pg-cohorts" --as-of "$ASOF" --by segment
"$BIN" survival "crm" --emit-sql postgres --out "$tmp/sql-pg-surv" --as-of "$ASOF" --churn-after 90d --by segment
for f in "$tmp/sql-pg-cohorts/cohort_cells.sql" "$tmp/sql-pg-cohorts/cohort_last_ages.sql" "$tmp/sql-pg-surv/survival_events.sql"; do
  plan=$( { echo "EXPLAIN (VERBOSE, COSTS OFF)"; sed '/^--/d' "$f"; } | "${PSQL[@]}" -p 55433)
  for p in 0 1; do
    echo "$plan" | grep -E "Remote SQL: SELECT .* FROM crm\.transactions_p$p .*GROUP BY" >/dev/null \
      || { echo "$plan" | grep -i -E "remote sql" >&2; fail "$(basename "$f"): no GROUP BY on shard $((p + 1))"; }
  done
done
echo "85-warehouse: EXPLAIN shows the customer GROUP BYs of clv, cohorts and survival pushed to both shards"

# 3. emitted SQL on DuckDB, read back with --aggregates; other dialects parse
duck_run() { # DIR: runs every DIR/NAME.sql on DuckDB over the generated transactions, saving DIR/NAME.csv
  python3 - "$tmp/gen" "$1" <<'PY' || fail "duckdb could not run the SQL emitted into $1"
import duckdb, glob, os, sys
gen, d = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("CREATE SCHEMA crm")
con.execute(f"CREATE TABLE crm.transactions AS SELECT * FROM read_csv('{gen}/transactions.csv', header=true, types={{'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DECIMAL(14,2)', 'order_id': 'VARCHAR'}})")
con.execute(f"CREATE TABLE crm.customers AS SELECT * FROM read_csv('{gen}/customers.csv', header=true, all_varchar=true)")
con.execute(f"CREATE TABLE crm.subscriptions AS SELECT * FROM read_csv('{gen}/subscriptions.csv', header=true, types={{'customer_id': 'VARCHAR', 'start_date': 'DATE', 'end_date': 'DATE', 'plan': 'VARCHAR', 'mrr': 'DECIMAL(14,2)'}})")
for t in ("surveys", "tickets", "interactions", "leads", "marketing_spend"):   # as text, as a raw load leaves them
    con.execute(f"CREATE TABLE crm.{t} AS SELECT * FROM read_csv('{gen}/{t}.csv', header=true, all_varchar=true)")
for f in sorted(glob.glob(os.path.join(d, "*.sql"))):
    con.execute(f"COPY ({open(f).read().strip().rstrip(';')}) TO '{f[:-4]}.csv' (HEADER, DELIMITER ',')")
PY
}
"$BIN" clv "crm" --emit-sql duckdb --out "$tmp/sql-duck" --as-of "$ASOF" --calibration-end "$CAL"
duck_run "$tmp/sql-duck"
"$BIN" clv "crm" --aggregates "$tmp/sql-duck" --as-of "$ASOF" --calibration-end "$CAL" --format json -o "$tmp/duck.json"
"$BIN" clv "$tmp/gen" --as-of "$ASOF" --calibration-end "$CAL" --regression off --format json -o "$tmp/csv-holdout2.json"
compare "$tmp/csv-holdout2.json" "$tmp/duck.json" "duckdb --aggregates"
if "$BIN" clv "crm" --aggregates "$tmp/sql-duck" --as-of "$ASOF" --format json -o "$tmp/x.json" 2>"$tmp/err"; then
  fail "--aggregates accepted settings that differ from --emit-sql's"
fi
grep -q "calibration_end" "$tmp/err" || { cat "$tmp/err"; fail "mismatched --aggregates settings not explained"; }
printf 'subscriptions: {table: crm.subscriptions, mrr: mrr}\n' > "$tmp/subs-mapping.yaml"
COH=(--as-of "$ASOF" --period week --brackets 0,1-3,4-7 --by segment --cohort-by first-purchase --schema "$tmp/subs-mapping.yaml")
"$BIN" cohorts "crm" --emit-sql duckdb --out "$tmp/sql-duck-cohorts" "${COH[@]}"
duck_run "$tmp/sql-duck-cohorts"
"$BIN" cohorts "crm" --aggregates "$tmp/sql-duck-cohorts" "${COH[@]}" --format json -o "$tmp/duck-cohorts.json"
"$BIN" cohorts "$tmp/subs" "${COH[@]:0:10}" --format json -o "$tmp/csv-cohorts-week.json"
ls "$tmp/sql-duck-cohorts/mrr_levels.sql" >/dev/null || fail "mapping the subscriptions table did not emit the contractual and MRR queries"
cohorts_but_orders() { # a.json b.json label: no mapping names order_id, so the emitted queries count rows as orders
  python3 - "$1" "$2" <<'PY' || fail "$3 cohorts differ from the CSV path"
import json, sys
a, b = (json.load(open(f))["result"] for f in sys.argv[1:3])
bad = []
def walk(x, y, p):   # integers and text exactly, floats (MRR sums in the engine's order) to 1e-9 relative
    if isinstance(x, dict):
        # orders differ by design here; CAC and payback are computed on CSV only (scripts/e2e/lib/same.py)
        x, y = ({k: v for k, v in z.items() if k not in ("orders", "notes", "acquisition_cost", "acquisition_cost_source", "payback_age")} for z in (x, y))
        if set(x) != set(y): bad.append((p, sorted(x), sorted(y))); return
        for k in x: walk(x[k], y[k], p + "." + k)
    elif isinstance(x, list):
        if len(x) != len(y): bad.append((p, len(x), len(y))); return
        for i, (u, v) in enumerate(zip(x, y)): walk(u, v, f"{p}[{i}]")
    elif isinstance(x, float) and isinstance(y, (int, float)):
        if not abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y)): bad.append((p, x, y))
    elif x != y: bad.append((p, x, y))
walk(a, b, "")
assert not bad, bad[:5]
assert a["groups"][0]["contractual"] and a["mrr"]["periods"], "no contractual part or MRR movements"
PY
}
cohorts_but_orders "$tmp/duck-cohorts.json" "$tmp/csv-cohorts-week.json" "duckdb --aggregates"
SURV=(--as-of "$ASOF" --churn-after 45.5d --by segment --strata channel --covariates age,engagement_score)
"$BIN" survival "crm" --emit-sql duckdb --out "$tmp/sql-duck-surv" "${SURV[@]}"
duck_run "$tmp/sql-duck-surv"
"$BIN" survival "crm" --aggregates "$tmp/sql-duck-surv" "${SURV[@]}" --format json -o "$tmp/duck-surv.json"
"$BIN" survival "$tmp/tx-cust" "${SURV[@]}" --format json -o "$tmp/csv-surv-45.json"
survival_same "$tmp/duck-surv.json" "$tmp/csv-surv-45.json" "duckdb --aggregates survival"
"$BIN" clv "crm" --emit-sql duckdb --out "$tmp/sql-duck-clv-by" --as-of "$ASOF" --by segment
duck_run "$tmp/sql-duck-clv-by"
"$BIN" clv "crm" --aggregates "$tmp/sql-duck-clv-by" --as-of "$ASOF" --by segment --format json -o "$tmp/duck-clv-by.json"
compare "$tmp/csv-clv-by.json" "$tmp/duck-clv-by.json" "duckdb --aggregates clv --by segment"
ROIS=(--as-of "$ASOF" --scenarios datasets/scenarios.yaml --simulations 300 --schema "$tmp/subs-mapping.yaml")
"$BIN" roi "crm" --emit-sql duckdb --out "$tmp/sql-duck-roi" "${ROIS[@]}"
duck_run "$tmp/sql-duck-roi"
"$BIN" roi "crm" --aggregates "$tmp/sql-duck-roi" "${ROIS[@]}" --format json -o "$tmp/duck-roi.json"
compare "$tmp/csv-roi.json" "$tmp/duck-roi.json" "duckdb --aggregates roi"
# KPIs: the mapping names every table and the optional columns to read; the window starts at --from
cat > "$tmp/kpi-mapping.yaml" <<'YAML'
transactions: {table: crm.transactions, order_id: order_id, product: product, category: category}
customers: {table: crm.customers, signup_date: signup_date, segment: segment, channel: channel, acquisition_cost: acquisition_cost}
subscriptions: {table: crm.subscriptions, end_date: end_date, mrr: mrr}
surveys: {table: crm.surveys}
tickets: {table: crm.tickets, first_response_at: first_response_at, resolved_at: resolved_at, channel: channel}
interactions: {table: crm.interactions}
leads: {table: crm.leads, source: source, converted_at: converted_at, won: won, customer_id: customer_id}
marketing_spend: {table: crm.marketing_spend, date: period}
YAML
KPIS=(--as-of "$ASOF" --from "$FROM" --sla-response 4h --sla-resolution 2d --gross-margin 0.4)
"$BIN" kpis "crm" --emit-sql duckdb --out "$tmp/sql-duck-kpis" "${KPIS[@]}" --schema "$tmp/kpi-mapping.yaml"
duck_run "$tmp/sql-duck-kpis"
"$BIN" kpis "crm" --aggregates "$tmp/sql-duck-kpis" "${KPIS[@]}" --schema "$tmp/kpi-mapping.yaml" --format json -o "$tmp/duck-kpis.json"
"$BIN" kpis "$tmp/gen" "${KPIS[@]}" --format json -o "$tmp/csv-kpis-from.json"
same_kpis "$tmp/duck-kpis.json" "$tmp/csv-kpis-from.json" "duckdb --aggregates kpis"
if "$BIN" kpis "crm" --emit-sql duckdb --out "$tmp/x" --as-of "$ASOF" 2>"$tmp/err"; then fail "kpis --emit-sql without --from was accepted"; fi
grep -q -- "--from" "$tmp/err" || { cat "$tmp/err"; fail "kpis --emit-sql without --from not explained"; }
# the emitted Spark SQL on a local pyspark (local[2], ANSI mode), read back with --aggregates
CLVS=(--as-of "$ASOF" --calibration-end "$CAL" --by segment)
"$BIN" clv "crm" --emit-sql spark --out "$tmp/spark-clv" "${CLVS[@]}"
"$BIN" cohorts "crm" --emit-sql spark --out "$tmp/spark-cohorts" "${COH[@]}"
"$BIN" survival "crm" --emit-sql spark --out "$tmp/spark-surv" "${SURV[@]}"
"$BIN" roi "crm" --emit-sql spark --out "$tmp/spark-roi" "${ROIS[@]}"
"$BIN" kpis "crm" --emit-sql spark --out "$tmp/spark-kpis" "${KPIS[@]}" --schema "$tmp/kpi-mapping.yaml"
python3 scripts/spark/run-emitted.py "$tmp/gen" "$tmp/spark-clv" "$tmp/spark-cohorts" "$tmp/spark-surv" "$tmp/spark-roi" "$tmp/spark-kpis" \
  || fail "Spark could not run the emitted spark SQL"
"$BIN" clv "crm" --aggregates "$tmp/spark-clv" "${CLVS[@]}" --format json -o "$tmp/spark-clv.json"
"$BIN" clv "$tmp/gen" "${CLVS[@]}" --regression off --format json -o "$tmp/csv-clv-spark.json"
compare "$tmp/csv-clv-spark.json" "$tmp/spark-clv.json" "spark --aggregates clv"
"$BIN" cohorts "crm" --aggregates "$tmp/spark-cohorts" "${COH[@]}" --format json -o "$tmp/spark-cohorts.json"
cohorts_but_orders "$tmp/spark-cohorts.json" "$tmp/csv-cohorts-week.json" "spark --aggregates"
"$BIN" survival "crm" --aggregates "$tmp/spark-surv" "${SURV[@]}" --format json -o "$tmp/spark-surv.json"
survival_same "$tmp/spark-surv.json" "$tmp/csv-surv-45.json" "spark --aggregates survival"
"$BIN" roi "crm" --aggregates "$tmp/spark-roi" "${ROIS[@]}" --format json -o "$tmp/spark-roi.json"
compare "$tmp/csv-roi.json" "$tmp/spark-roi.json" "spark --aggregates roi"
"$BIN" kpis "crm" --aggregates "$tmp/spark-kpis" "${KPIS[@]}" --schema "$tmp/kpi-mapping.yaml" --format json -o "$tmp/spark-kpis.json"
same_kpis "$tmp/spark-kpis.json" "$tmp/csv-kpis-from.json" "spark --aggregates kpis"
echo "85-warehouse: emitted spark SQL (clv, cohorts with contractual and MRR, survival with --by and Cox, roi, kpis) run by pyspark in ANSI mode equals the CSV path"
for d in bigquery snowflake spark; do
  "$BIN" clv "crm" --emit-sql "$d" --out "$tmp/sql-$d" --as-of "$ASOF" --calibration-end "$CAL"
  "$BIN" cohorts "crm" --emit-sql "$d" --out "$tmp/sql-$d" --as-of "$ASOF" --window rolling --brackets 0,1-3 --by segment --schema "$tmp/subs-mapping.yaml"
  "$BIN" survival "crm" --emit-sql "$d" --out "$tmp/sql-$d" "${SURV[@]}"
  "$BIN" roi "crm" --emit-sql "$d" --out "$tmp/sql-$d-roi" "${ROIS[@]}"
  mv "$tmp/sql-$d-roi"/roi_*.sql "$tmp/sql-$d/"
  "$BIN" kpis "crm" --emit-sql "$d" --out "$tmp/sql-$d-kpis" "${KPIS[@]}" --schema "$tmp/kpi-mapping.yaml"
  mv "$tmp/sql-$d-kpis"/kpi_*.sql "$tmp/sql-$d/"
  python3 - "$tmp/sql-$d" "$d" <<'PY' || fail "$d SQL does not parse"
import glob, sys, sqlglot
for f in glob.glob(sys.argv[1] + "/*.sql"):
    sqlglot.parse_one(open(f).read().strip().rstrip(";"), read=sys.argv[2])
PY
done
echo "85-warehouse: emitted duckdb SQL (clv, cohorts, survival, roi, kpis) run by DuckDB equals the CSV path; bigquery, snowflake and spark SQL parse"

# 4. bad input: one clear line, exit 69/65, no output
SECRET=tenure-test
# shellcheck source=lib/expect.sh
source scripts/e2e/lib/expect.sh
expect 69 "connection refused" "refused" -- clv "postgres://tenure@127.0.0.1:1/crm?schema=crm"
PGPASSWORD=wrong expect 69 "password" "wrong password" -- clv "$PLAIN"
expect 69 "password" "password in URL" -- clv "postgres://tenure:nope@127.0.0.1:55432/crm?schema=crm"
printf 'transactions: {table: crm.orders}\n' > "$tmp/missing-table.yaml"
expect 65 'crm.orders' "missing table" -- clv "$PLAIN" --schema "$tmp/missing-table.yaml"
printf 'transactions: {amount: total}\n' > "$tmp/missing-col.yaml"
expect 65 'total' "missing column" -- clv "$PLAIN" --schema "$tmp/missing-col.yaml"
expect 65 'region' "unknown --by column" -- survival "$PLAIN" --as-of "$ASOF" --churn-after 90d --by region
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA bad; CREATE TABLE bad.transactions AS SELECT * FROM raw.transactions;
  INSERT INTO bad.transactions (customer_id, date, amount) VALUES ('C1', '2024-13-45', '10.00');"
expect 65 'date' "unparsable date" -- clv "postgres://tenure@127.0.0.1:55432/crm?schema=bad"
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA badsubs; CREATE TABLE badsubs.transactions AS SELECT * FROM crm.transactions;
  CREATE TABLE badsubs.subscriptions AS SELECT * FROM crm.subscriptions;
  INSERT INTO badsubs.subscriptions VALUES ('C1', DATE '2024-05-01', DATE '2024-04-01', 'basic', 10);"
expect 65 'end_date is before its start_date' "subscription ending before it starts" -- survival "postgres://tenure@127.0.0.1:55432/crm?schema=badsubs" --as-of "$ASOF"
expect 65 'end_date is before its start_date' "subscription ending before it starts (cohorts)" -- cohorts "postgres://tenure@127.0.0.1:55432/crm?schema=badsubs" --as-of "$ASOF"
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA nosignup; CREATE TABLE nosignup.transactions AS SELECT * FROM crm.transactions;
  CREATE TABLE nosignup.customers AS SELECT * FROM crm.customers WHERE false;"
expect 65 'pass --cohort-by first-purchase' "cohorts by signup date without any" -- cohorts "postgres://tenure@127.0.0.1:55432/crm?schema=nosignup" --as-of "$ASOF"
"${PSQL[@]}" -p 55432 -c "CREATE SCHEMA nulls; CREATE TABLE nulls.transactions AS SELECT * FROM crm.transactions;
  INSERT INTO nulls.transactions (customer_id, date, amount) VALUES (NULL, DATE '2024-01-01', 5), (NULL, DATE '2024-01-02', 6);"
expect 65 'churn-after 90d' "contractual survival without subscriptions" -- survival "postgres://tenure@127.0.0.1:55432/crm?schema=nulls" --as-of "$ASOF"
"$BIN" clv "postgres://tenure@127.0.0.1:55432/crm?schema=nulls" --as-of "$ASOF" --format json -o "$tmp/nulls.json" 2>"$tmp/err"
grep -q "2 of .* rows of nulls.transactions have no customer_id" "$tmp/err" || { cat "$tmp/err"; fail "NULL ids not reported"; }
compare "$tmp/csv-default.json" "$tmp/nulls.json" "NULL ids left out"
# validate postgres://: clean tables pass; the bad schema's date is named with a row to find it
"$BIN" validate "$PLAIN" > "$tmp/validate.txt" || { cat "$tmp/validate.txt"; fail "validate failed on clean tables"; }
grep -q "no problems found" "$tmp/validate.txt" || { cat "$tmp/validate.txt"; fail "validate did not say the tables are fine"; }
set +e; "$BIN" validate "postgres://tenure@127.0.0.1:55432/crm?schema=bad" > "$tmp/validate-bad.txt"; rc=$?; set -e
[ "$rc" = 65 ] || fail "validate of a bad date exited $rc"
grep -q "1 of .* rows: date is not an ISO 8601 date.*C1" "$tmp/validate-bad.txt" || { cat "$tmp/validate-bad.txt"; fail "validate did not find the bad date"; }
echo "85-warehouse: refused, wrong password, missing table/column, bad value: exit 69/65 with one line, no output; NULL ids counted"
