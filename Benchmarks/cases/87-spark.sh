#!/usr/bin/env bash
# Spark as the engine at scale (issue #15): transactions (customer_id,date,amount; ~10 orders per
# customer) as Parquet files in a local Spark Connect server (scripts/spark/connect.sh, local[2],
# driver memory $SPARK_DRIVER_MEMORY, default 4g here), started here and stopped on exit.
#   tenure sc://        `clv --time-unit day --draws 0` and `cohorts --period month` with the mapping
#                       `transactions: {parquet: DIR}`: wall time, peak RSS, rows and bytes received
#   PySpark + lifetimes Benchmarks/peers/spark_peer.py on the same server and files: the RFM summary
#                       by applyInPandas, collected, fitted by lifetimes; cohorts in Spark SQL
# SIZES="8000000" by default; the issue's size is SIZES="50000000". Best of REPEAT (default 1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
SIZES=${SIZES:-"8000000"}
SC=$(mktemp -u /tmp/tenure-bench-spark.XXXXXX)
PORT=${SPARK_CONNECT_PORT:-55460}
cleanup() { bash "$root/scripts/spark/connect.sh" stop "$SC" >/dev/null 2>&1 || true; }
trap cleanup EXIT
SPARK_DRIVER_MEMORY=${SPARK_DRIVER_MEMORY:-4g} bash "$root/scripts/spark/connect.sh" start "$SC" "$PORT" >/dev/null
URL="sc://127.0.0.1:$PORT"
for n in $SIZES; do
  label=$((n / 1000000))M
  data=$BENCH_DATA/warehouse-$label
  [ -f "$data/transactions.csv" ] || python3 "$here/peers/make_transactions.py" "$n" "$data" --seed 85
  out=$BENCH_DATA/spark-$label.out
  rm -rf "$out"; mkdir -p "$out"
  parquet=$BENCH_DATA/spark-$label.parquet
  prep=$(python3 "$here/peers/spark_peer.py" prepare "$URL" "$data" "$parquet" 2>/dev/null)
  echo "spark $label: CSV ($(du -m "$data/transactions.csv" | cut -f1) MB) to Parquet ($(du -sm "$parquet" | cut -f1) MB) in Spark: $prep"
  printf 'transactions: {parquet: "%s"}\n' "$parquet" > "$out/mapping.yaml"
  asof=$(python3 -c "import json, sys; print(json.loads(sys.argv[1])['last_date'])" "$prep")
  declare -A args=([clv]="--time-unit day --draws 0" [cohorts]="--period month --cohort-by first-purchase")
  for cmd in clv cohorts; do
    best=""
    for _ in $(seq "${REPEAT:-1}"); do
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %M" -o "$out/$cmd.run" "$TENURE_BIN" "$cmd" "$URL" --schema "$out/mapping.yaml" --as-of "$asof" ${args[$cmd]} \
        --timings --format json -o "$out/$cmd.json" 2> "$out/$cmd.err" || { cat "$out/$cmd.err" >&2; exit 1; }
      read -r t _ < "$out/$cmd.run"
      if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$best"; then
        best=$t; cp "$out/$cmd.run" "$out/$cmd.time"; cp "$out/$cmd.err" "$out/$cmd.timings"
      fi
    done
    read -r total rss < "$out/$cmd.time"
    read -r rows bytes < <(awk '/^timing: query/ {r += $4; b += $6} END {print r + 0, b + 0}' "$out/$cmd.timings")
    /usr/bin/time -f "%e %M" -o "$out/peer-$cmd.time" python3 "$here/peers/spark_peer.py" "$cmd" "$URL" "$parquet" "$asof" > "$out/peer-$cmd.json" 2>/dev/null \
      || { echo "spark $label $cmd: the PySpark peer failed" >&2; exit 1; }
    read -r ptotal prss < "$out/peer-$cmd.time"
    echo "spark $label $cmd: tenure sc:// $total s ($((rss / 1024)) MB; $rows rows, $((bytes / 1024)) KB received); PySpark peer $ptotal s ($((prss / 1024)) MB client) $(cat "$out/peer-$cmd.json") ($(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$ptotal" "$total")x)"
  done
done
