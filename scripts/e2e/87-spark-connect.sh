#!/usr/bin/env bash
# Spark as the engine (issue #15): a real Spark Connect server on loopback (scripts/spark/connect.sh:
# the pyspark 4.3.0 wheel, local[2], 1 GB) holding a generated dataset as typed tables (crm), all-text
# tables (raw) and Parquet files; stopped on exit, also on failure.
#   1. every analysis over sc:// equals the CSV path on the same data (integers exactly, floats to
#      1e-9 relative): clv (models, holdout, --by), cohorts (periods, windows, brackets, --by,
#      contractual and MRR), survival (from purchases and contractual, --by, Cox), roi, kpis, and
#      `tenure report sc://…` against the CSV report; the typed tables, the all-text tables and
#      Parquet files mapped with `{parquet: PATH}`;
#   2. `tenure validate sc://…` passes clean tables and names an unparsable value with its row;
#   3. bad input: nothing listening, a missing table or column, a value Spark cannot cast, a server
#      killed during a run: one clear line each (with the SQL state where Spark gives one), exit 69
#      or 65, no output file.
# Needs: pip pyspark==4.3.0 with its Connect client's packages, Java 17 (scripts/install-test-deps.sh).
set -euo pipefail
BIN=$1
cd "$(dirname "$0")/../.."
fail() { echo "87-spark-connect: $*" >&2; exit 1; }
tmp=$(mktemp -d)
SC=$tmp/spark
PORT=${SPARK_CONNECT_PORT:-55450}
cleanup() { bash scripts/spark/connect.sh stop "$SC" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
same() { python3 scripts/e2e/lib/same.py "$@"; }

"$BIN" generate --customers 2000 --out "$tmp/gen" --seed 11 --quiet
bash scripts/spark/connect.sh start "$SC" "$PORT" >/dev/null
bash scripts/spark/connect.sh load "$SC" "$tmp/gen" 2>&1 | grep "^load-connect" || fail "loading the dataset into Spark failed"
ASOF=$(python3 -c "import csv,sys; print(max(r['date'] for r in csv.DictReader(open(sys.argv[1]))))" "$tmp/gen/transactions.csv")
CAL=$(python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) - datetime.timedelta(days=180))" "$ASOF")
TYPED="sc://127.0.0.1:$PORT/;schema=crm"
RAW="sc://127.0.0.1:$PORT/;schema=raw"
# Parquet files the server reads, one directory per table
{ for t in transactions customers subscriptions surveys tickets interactions leads marketing_spend; do
    [ -d "$SC/parquet/$t" ] && printf '%s: {parquet: "%s"}\n' "$t" "$SC/parquet/$t"
  done; } > "$tmp/parquet.yaml"
PARQUET=("sc://127.0.0.1:$PORT" --schema "$tmp/parquet.yaml")

# 1. clv
n=0
for c in "default::" "holdout::--calibration-end $CAL" "pareto::--model pareto-nbd" "by::--by segment"; do
  name=${c%%::*}; args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" clv "$tmp/gen" --as-of "$ASOF" --regression off $args --format json -o "$tmp/csv-clv.json"
  # shellcheck disable=SC2086
  "$BIN" clv "$TYPED" --as-of "$ASOF" $args --format json -o "$tmp/sc-clv.json"
  same json "$tmp/csv-clv.json" "$tmp/sc-clv.json" || fail "clv $name over sc:// differs from the CSV path"
  n=$((n + 1))
  if [ "$name" = default ]; then
    "$BIN" clv "$RAW" --as-of "$ASOF" --format json -o "$tmp/sc-clv.json"
    same json "$tmp/csv-clv.json" "$tmp/sc-clv.json" || fail "clv over the all-text tables differs"
    "$BIN" clv "${PARQUET[@]}" --as-of "$ASOF" --format json -o "$tmp/sc-clv.json"
    same json "$tmp/csv-clv.json" "$tmp/sc-clv.json" || fail "clv over Parquet files differs"
    n=$((n + 2))
  fi
done
echo "87-spark-connect: $n clv runs over sc:// (typed, all-text, Parquet; holdout, Pareto/NBD, --by) equal the CSV path"

# cohorts, survival, roi, kpis
n=0
for c in "TYPED RAW::" "TYPED::--period week --window rolling --brackets 0,1-3,4-7" "TYPED::--period quarter --forecast 4" "TYPED::--by segment --brackets 0,1-2,3-5"; do
  args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" cohorts "$tmp/gen" --as-of "$ASOF" --cohort-by first-purchase $args --format json -o "$tmp/csv-cohorts.json"
  for src in ${c%%::*}; do
    # shellcheck disable=SC2086
    "$BIN" cohorts "${!src}" --as-of "$ASOF" --cohort-by first-purchase $args --format json -o "$tmp/sc-cohorts.json"
    same result "$tmp/sc-cohorts.json" "$tmp/csv-cohorts.json" || fail "cohorts $src $args over sc:// differ from the CSV path"
    n=$((n + 1))
  done
done
"$BIN" cohorts "${PARQUET[@]}" --as-of "$ASOF" --cohort-by first-purchase --format json -o "$tmp/sc-cohorts.json"
"$BIN" cohorts "$tmp/gen" --as-of "$ASOF" --cohort-by first-purchase --format json -o "$tmp/csv-cohorts.json"
same result "$tmp/sc-cohorts.json" "$tmp/csv-cohorts.json" || fail "cohorts over Parquet files differ"
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['result']; assert r['groups'][0]['contractual'] and r['mrr']['periods']" "$tmp/sc-cohorts.json" \
  || fail "cohorts over sc:// lack the contractual part or MRR movements"
echo "87-spark-connect: $((n + 1)) cohorts runs over sc:// (typed, all-text, Parquet; periods, windows, brackets, forecast, --by; contractual and MRR) equal the CSV path"
n=0
for c in "::--churn-after 90d --by segment" "::" "::--churn-after 60d --covariates age,engagement_score --strata channel"; do
  args=${c#*::}
  # shellcheck disable=SC2086
  "$BIN" survival "$tmp/gen" --as-of "$ASOF" $args --format json -o "$tmp/csv-surv.json"
  # shellcheck disable=SC2086
  "$BIN" survival "$TYPED" --as-of "$ASOF" $args --format json -o "$tmp/sc-surv.json"
  same result "$tmp/sc-surv.json" "$tmp/csv-surv.json" || fail "survival $args over sc:// differs from the CSV path"
  n=$((n + 1))
done
echo "87-spark-connect: $n survival runs over sc:// (from purchases by segment, contractual, Cox with strata) equal the CSV path"
mkdir -p "$tmp/tx-cust" && cp "$tmp/gen/transactions.csv" "$tmp/gen/customers.csv" "$tmp/gen/subscriptions.csv" "$tmp/tx-cust/"
"$BIN" roi "$tmp/tx-cust" --as-of "$ASOF" --scenarios datasets/scenarios.yaml --simulations 300 --format json -o "$tmp/csv-roi.json"
"$BIN" roi "$TYPED" --as-of "$ASOF" --scenarios datasets/scenarios.yaml --simulations 300 --format json -o "$tmp/sc-roi.json"
same json "$tmp/csv-roi.json" "$tmp/sc-roi.json" || fail "roi over sc:// differs from the CSV path"
KPI=(--as-of "$ASOF" --sla-response 4h --sla-resolution 2d --gross-margin 0.4)
"$BIN" kpis "$tmp/gen" "${KPI[@]}" --format json -o "$tmp/csv-kpis.json"
for src in TYPED RAW; do
  "$BIN" kpis "${!src}" "${KPI[@]}" --format json -o "$tmp/sc-kpis.json"
  same kpis "$tmp/sc-kpis.json" "$tmp/csv-kpis.json" || fail "kpis over sc:// ($src) differ from the CSV path"
done
echo "87-spark-connect: roi and kpis (typed, all-text) over sc:// equal the CSV path, every KPI in every group"

# the report
"$BIN" report "$tmp/tx-cust" --as-of "$ASOF" --out "$tmp/report-csv" --formats json --simulations 300
"$BIN" report "$tmp/gen" --as-of "$ASOF" --out "$tmp/report-csv-subs" --formats json --no-roi
"$BIN" report "$TYPED" --as-of "$ASOF" --out "$tmp/report-sc" --formats html,json --simulations 300
same report "$tmp/report-sc/results.json" "$tmp/report-csv/results.json" "$tmp/report-csv-subs/results.json" \
  || fail "tenure report over sc:// differs from the CSV report"
grep -q "sc://127.0.0.1:$PORT" "$tmp/report-sc/report.html" || fail "the report does not name its source"
echo "87-spark-connect: tenure report over sc:// (KPIs, cohorts with contractual retention and MRR, survival, CLV, ROI) equals the CSV report"

# 2. validate, and a bad value
"$BIN" validate "$TYPED" > "$tmp/validate.txt" || { cat "$tmp/validate.txt"; fail "validate failed on clean tables"; }
grep -q "no problems found" "$tmp/validate.txt" || { cat "$tmp/validate.txt"; fail "validate did not say the tables are fine"; }
"$BIN" validate "$RAW" > "$tmp/validate.txt" || { cat "$tmp/validate.txt"; fail "validate failed on clean all-text tables"; }
python3 - "sc://127.0.0.1:$PORT" 2>/dev/null <<'PY' || fail "could not create the table with a bad date"
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
spark.sql("CREATE DATABASE bad")
spark.sql("CREATE TABLE bad.transactions AS SELECT * FROM raw.transactions UNION ALL SELECT 'C1', '2024-13-45', '10.00', NULL, NULL, NULL, NULL, NULL")
spark.stop()
PY
set +e; "$BIN" validate "sc://127.0.0.1:$PORT/;schema=bad" > "$tmp/validate-bad.txt"; rc=$?; set -e
[ "$rc" = 65 ] || { cat "$tmp/validate-bad.txt"; fail "validate of a bad date exited $rc"; }
grep -q "1 of .* rows: date is not an ISO 8601 date.*C1" "$tmp/validate-bad.txt" || { cat "$tmp/validate-bad.txt"; fail "validate did not find the bad date"; }
echo "87-spark-connect: validate sc:// passes the typed and all-text tables and finds an unparsable date with its customer"

# 3. bad input: one clear line, exit 69/65, no output
SECRET=s3cr3t
# shellcheck source=lib/expect.sh
source scripts/e2e/lib/expect.sh
expect 69 "cannot reach Spark Connect" "nothing listening" -- clv "sc://127.0.0.1:1/;schema=crm"
expect 69 "cannot reach Spark Connect" "nothing listening, with a token" -- clv "sc://127.0.0.1:1/;token=s3cr3t"
expect 65 'SQLSTATE 42P01' "missing table" -- clv "sc://127.0.0.1:$PORT/;schema=nope"
printf 'transactions: {amount: total}\n' > "$tmp/missing-col.yaml"
expect 65 'total' "missing column" -- clv "$TYPED" --schema "$tmp/missing-col.yaml"
expect 65 'SQLSTATE' "unparsable date (ANSI cast)" -- clv "sc://127.0.0.1:$PORT/;schema=bad" --as-of "$ASOF"
printf 'transactions: {parquet: "%s/nowhere"}\n' "$tmp" > "$tmp/no-parquet.yaml"
expect 65 'nowhere' "missing Parquet path" -- clv "sc://127.0.0.1:$PORT" --schema "$tmp/no-parquet.yaml"
expect 65 'cannot read in a query' "Parquet on PostgreSQL" -- clv "postgres://u@127.0.0.1:1/db" --schema "$tmp/parquet.yaml"
# the server goes away during a run: an error, never a partial result
set +e
"$BIN" report "$TYPED" --as-of "$ASOF" --out "$tmp/report-killed" --formats json --simulations 300 2>"$tmp/err" >/dev/null &
runpid=$!
sleep 4
pkill -KILL -f "spark.sql.warehouse.dir=$SC/warehouse"
wait $runpid; rc=$?
set -e
[ "$rc" = 69 ] || { cat "$tmp/err"; fail "a server killed during a report: exit $rc, expected 69"; }
[ ! -e "$tmp/report-killed" ] || fail "a server killed during a report left $tmp/report-killed"
echo "  server killed during a report: $(head -1 "$tmp/err")"
echo "87-spark-connect: nothing listening, missing table/column/Parquet path, bad value, server killed mid-run: exit 69/65 with one line, no output"
