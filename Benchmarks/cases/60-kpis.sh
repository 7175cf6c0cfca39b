#!/usr/bin/env bash
# KPIs: every KPI of `tenure kpis` (overall, per month, per segment, per channel) over a generated
# 1M-customer dataset, against pandas and DuckDB computing a core subset of them on the same CSVs.
set -euo pipefail
data=$BENCH_DATA/customers-1m
[ -f "$data/transactions.csv" ] || "$TENURE_BIN" generate --customers 1000000 --out "$data" --seed 1 >/dev/null
here=$(cd "$(dirname "$0")/.." && pwd)
/usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/kpis.time" "$TENURE_BIN" kpis "$data" --gross-margin 0.35 \
  --sla-response 4h --sla-resolution 2d --timings --format json -o "$BENCH_DATA/kpis.json" 2> "$BENCH_DATA/kpis.err"
read -r total rss usr sys < "$BENCH_DATA/kpis.time"
cpu=$(python3 -c "import sys; print(round(float(sys.argv[1]) + float(sys.argv[2]), 1))" "$usr" "$sys")
load=$(grep "timing: load" "$BENCH_DATA/kpis.err" | awk '{print $(NF-1)}')
kpis=$(grep "timing: kpis" "$BENCH_DATA/kpis.err" | awk '{print $(NF-1)}')
rows=$(($(wc -l < "$data/transactions.csv") - 1))

/usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/kpis-pandas.time" python3 "$here/peers/kpis_pandas.py" "$data" > "$BENCH_DATA/kpis-pandas.json"
read -r ptotal prss pusr psys < "$BENCH_DATA/kpis-pandas.time"
pcompute=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['compute_s'], 2))" "$BENCH_DATA/kpis-pandas.json")
/usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/kpis-duckdb.time" python3 "$here/peers/kpis_duckdb.py" "$data" > "$BENCH_DATA/kpis-duckdb.json"
read -r dtotal drss dusr dsys < "$BENCH_DATA/kpis-duckdb.time"
sum() { python3 -c "import sys; print(round(float(sys.argv[1]) + float(sys.argv[2]), 1))" "$1" "$2"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.1f}' if b > 0 else 'n/a')" "$1" "$2"; }
echo "kpis 1M customers ($rows transactions, all tables): tenure ${total} s ($((rss / 1024)) MB, ${cpu} s CPU; KPIs ${kpis} s, load ${load} s)" \
     "| pandas ${ptotal} s ($((prss / 1024)) MB, $(sum "$pusr" "$psys") s CPU; core subset, compute ${pcompute} s) | duckdb ${dtotal} s ($((drss / 1024)) MB, $(sum "$dusr" "$dsys") s CPU; core subset)" \
     "| ratio pandas/tenure = $(ratio "$ptotal" "$total"), duckdb/tenure = $(ratio "$dtotal" "$total"), pandas compute/tenure KPIs = $(ratio "$pcompute" "$kpis")"
