#!/usr/bin/env bash
# Warehouse mode at scale (issue #14): transactions (customer_id,date,amount; ~10 orders per customer)
# in the sharded PostgreSQL set of scripts/pg/cluster.sh (a coordinator whose transactions are
# hash-partitioned by customer over two postgres_fdw shards), started here and stopped on exit. For
# `clv --time-unit day --draws 0`, `cohorts --period month` and `survival --churn-after 90d`:
#   tenure postgres://   the reductions on the shards, the fits here: wall time, peak RSS, rows and
#                        bytes received (`--timings`)
#   engine               the same emitted SQL run by psql on the coordinator, results thrown away:
#                        the engine's own time for the GROUP BYs (goal: tenure within 1.5x of it)
#   (a) export + CSV     psql \copy of the table to CSV, then tenure on the CSV
#   (b) pandas           read_sql through psycopg2 + lifetimes (clv only; Benchmarks/peers/clv_lifetimes.py)
# SIZES="8000000" by default; SIZES="50000000" loads in ~2 minutes and runs ~45 minutes (only the
# sharded set is loaded, not the plain server). Best of REPEAT (default 2) for tenure and the engine.
# PARTS (default "engine export pandas") picks the comparisons to run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
SIZES=${SIZES:-"8000000"}
PGDIR=$(mktemp -u /tmp/tenure-bench-pg.XXXXXX)
cleanup() { bash "$root/scripts/pg/cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
export PGPASSWORD=tenure-test
URL="postgres://tenure@127.0.0.1:55433/crm?schema=crm"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 55433 -U tenure -d crm)
for n in $SIZES; do
  cleanup
  bash "$root/scripts/pg/cluster.sh" start "$PGDIR" >/dev/null
  label=$((n / 1000000))M
  data=$BENCH_DATA/warehouse-$label
  [ -f "$data/transactions.csv" ] || python3 "$here/peers/make_transactions.py" "$n" "$data" --seed 85
  out=$BENCH_DATA/warehouse-$label.out
  rm -rf "$out"; mkdir -p "$out"
  start=$SECONDS
  LOAD_ONLY=sharded bash "$root/scripts/pg/cluster.sh" load "$PGDIR" "$data" | grep -v WARNING
  echo "warehouse $label: loaded into the sharded set in $((SECONDS - start)) s"
  asof=$("${PSQL[@]}" -At -c "SELECT max(date) FROM crm.transactions")
  declare -A args=([clv]="--time-unit day --draws 0" [cohorts]="--period month --cohort-by first-purchase" [survival]="--churn-after 90d")
  PARTS=${PARTS:-"engine export pandas"}
  for cmd in clv cohorts survival; do
    [[ " $PARTS " == *" engine "* ]] || continue
    # shellcheck disable=SC2086
    "$TENURE_BIN" "$cmd" crm --emit-sql postgres --out "$out/sql-$cmd" --as-of "$asof" ${args[$cmd]} 2>/dev/null
    best=""; engine=""
    for _ in $(seq "${REPEAT:-2}"); do
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %M" -o "$out/$cmd.run" "$TENURE_BIN" "$cmd" "$URL" --as-of "$asof" ${args[$cmd]} --timings \
        --format json -o "$out/$cmd.json" 2> "$out/$cmd.err" || { cat "$out/$cmd.err" >&2; exit 1; }
      read -r t _ < "$out/$cmd.run"
      if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$best"; then
        best=$t; cp "$out/$cmd.run" "$out/$cmd.time"; cp "$out/$cmd.err" "$out/$cmd.timings"
      fi
      # the engine alone: every emitted query, results discarded
      s=$(date +%s.%N)
      for f in "$out/sql-$cmd"/*.sql; do { echo '\o /dev/null'; sed '/^--/d' "$f"; echo ';'; } | "${PSQL[@]}" >/dev/null; done
      e=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$s" "$(date +%s.%N)")
      if [ -z "$engine" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$e" "$engine"; then engine=$e; fi
    done
    read -r total rss < "$out/$cmd.time"
    read -r rows bytes < <(awk '/^timing: query/ {r += $4; b += $6} END {print r + 0, b + 0}' "$out/$cmd.timings")
    echo "warehouse $label $cmd: tenure postgres:// $total s ($((rss / 1024)) MB; $rows rows, $((bytes / 1024)) KB received); engine alone $engine s ($(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$total" "$engine")x)"
  done
  # (a) export to CSV, then tenure on the CSV
  if [[ " $PARTS " == *" export "* ]]; then
  mkdir -p "$out/export"
  s=$SECONDS
  /usr/bin/time -f "%e" -o "$out/export.time" "${PSQL[@]}" -c "\\copy (SELECT customer_id, date, amount FROM crm.transactions) TO '$out/export/transactions.csv' WITH (FORMAT csv, HEADER true)"
  read -r export < "$out/export.time"
  for cmd in clv cohorts survival; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$out/$cmd-csv.time" "$TENURE_BIN" "$cmd" "$out/export" --as-of "$asof" ${args[$cmd]} --format json -o "$out/$cmd-csv.json"
    read -r t rss < "$out/$cmd-csv.time"
    echo "warehouse $label $cmd: (a) psql \\copy ${export} s ($(du -m "$out/export/transactions.csv" | cut -f1) MB) + tenure on the CSV $t s ($((rss / 1024)) MB)"
  done
  fi
  # (b) pandas read_sql + lifetimes
  if [[ " $PARTS " == *" pandas "* ]]; then
  /usr/bin/time -f "%e %M" -o "$out/pandas.time" python3 "$here/peers/clv_lifetimes.py" --postgres "host=127.0.0.1 port=55433 dbname=crm user=tenure" \
    --table crm.transactions > "$out/pandas.json"
  read -r t rss < "$out/pandas.time"
  echo "warehouse $label clv: (b) pandas read_sql + lifetimes $t s ($((rss / 1024)) MB; $(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"read_sql {d['load_s']} s\")" "$out/pandas.json"))"
  fi
  rm -rf "$out/export"
done
