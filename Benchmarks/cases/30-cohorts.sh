#!/usr/bin/env bash
# Cohorts: the monthly cohort matrix (cohort by first purchase × age; customers, orders, revenue,
# retention) from transactions.csv, whole process (read CSV + compute + write the cells), at 1M and 8M
# transactions (customer_id,date,amount; ~10 orders per customer over four years; 8M rows = 272 MB),
# against DuckDB, polars and pandas computing the same cells (Benchmarks/peers/cohorts_*.py). The cells
# of every tool are compared with tenure's before timing counts. Two shapes of data: "few" ids (the above)
# and "many" ids (8.1M rows of 3M customers with ~2.7 orders each, ids like C00000042, and a segment
# column: `make_transactions.py --shape many-ids`). SIZES="1000000" to run only 1M of the first shape;
# MANY_SIZES (default "8100000", empty to skip) for the second.
# Every tool runs REPEAT times (default 3), interleaved, and its fastest run counts, since the machine is shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES:-"1000000 8000000"}
MANY_SIZES=${MANY_SIZES-"8100000"}
faster() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.1f}' if b > 0 else 'n/a')" "$1" "$2"; }
for spec in $(for n in $SIZES; do echo "$n:few-ids"; done) $(for n in $MANY_SIZES; do echo "$n:many-ids"; done); do
  n=${spec%%:*}; shape=${spec#*:}
  label=$((n / 1000000))M
  [ "$shape" = many-ids ] && label=$(python3 -c "print(f'{$n / 1e6:g}M')")-many-ids
  data=$BENCH_DATA/cohorts-$label
  [ -f "$data/transactions.csv" ] || python3 "$here/peers/make_transactions.py" "$n" "$data" --seed 30 --shape "$shape"
  out=$BENCH_DATA/cohorts-$label.out
  mkdir -p "$out"
  # Every repeat runs each tool once, back to back, so all of them meet the machine in the same
  # state (its speed drifts by up to 1.5x over minutes); each tool's fastest run counts.
  peers="duckdb polars pandas"
  declare -A best=()
  for _ in $(seq "${REPEAT:-3}"); do
    /usr/bin/time -f "%e %M" -o "$out/tenure.run" "$TENURE_BIN" cohorts "$data" --period month --cohort-by first-purchase \
      --timings --format csv -o "$out/tenure.csv" 2> "$out/tenure.run.err" || { cat "$out/tenure.run.err" >&2; exit 1; }
    read -r t _ < "$out/tenure.run"
    if [ -z "${best[tenure]:-}" ] || faster "$t" "${best[tenure]}"; then best[tenure]=$t; cp "$out/tenure.run" "$out/tenure.time"; cp "$out/tenure.run.err" "$out/tenure.err"; fi
    for peer in $peers; do
      /usr/bin/time -f "%e %M" -o "$out/$peer.run" python3 "$here/peers/cohorts_$peer.py" "$data" --period month --out "$out/$peer.csv" > "$out/$peer.json"
      read -r t _ < "$out/$peer.run"
      if [ -z "${best[$peer]:-}" ] || faster "$t" "${best[$peer]}"; then best[$peer]=$t; cp "$out/$peer.run" "$out/$peer.time"; fi
    done
  done
  read -r total rss < "$out/tenure.time"
  load=$(grep "timing: load" "$out/tenure.err" | awk '{print $(NF-1)}')
  comp=$(grep "timing: cohorts" "$out/tenure.err" | awk '{print $(NF-1)}')
  line="cohorts $label transactions ($(du -m "$data/transactions.csv" | cut -f1) MB CSV): tenure ${total} s ($((rss / 1024)) MB; load ${load} s, cohorts ${comp} s)"
  ratios=""
  for peer in $peers; do
    read -r ptotal prss < "$out/$peer.time"
    python3 - "$out/tenure.csv" "$out/$peer.csv" <<'PY' || { echo "cohorts $label: $peer cells differ from tenure's" >&2; exit 1; }
import csv, sys
got = {(r["cohort_start"], int(r["age"])): r for r in csv.DictReader(open(sys.argv[1]))}
for w in csv.DictReader(open(sys.argv[2])):
    g = got[(w["cohort_start"], int(w["age"]))]
    assert (int(g["size"]), int(g["customers"]), int(g["orders"]), round(float(g["revenue"]) * 100)) == \
           (int(w["size"]), int(w["customers"]), int(w["orders"]), int(w["revenue_cents"])), (w, g)
PY
    line="$line | $peer ${ptotal} s ($((prss / 1024)) MB)"
    ratios="$ratios${ratios:+, }$peer/tenure = $(ratio "$ptotal" "$total")"
  done
  echo "$line | ratio $ratios"
done
