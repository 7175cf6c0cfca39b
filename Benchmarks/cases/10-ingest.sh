#!/usr/bin/env bash
# CSV ingestion: generated transactions.csv at 1M and 8M rows, read whole-process by
# `tenure validate` (mmap, both cores, typed columns: interned ids, day numbers, doubles) against
# DuckDB read_csv (materialised table) and polars read_csv (dates parsed), each on 2 threads.
# Prints wall time, peak RSS (/usr/bin/time) and throughput per tool, then peer/tenure ratios.
# A second shape, many ids with few orders each (8.1M rows of 3M customers, ids like C00000042, a
# segment column: `make_transactions.py --shape many-ids`), runs after them (INGEST_MANY_SIZES,
# default "8100000", empty to skip).
# Env: TENURE_BIN, BENCH_DATA (see Benchmarks/run.sh); INGEST_SIZES (default "1000000 8000000");
# REPEAT (default 3): each tool's fastest of that many runs counts, since the machine is shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export POLARS_MAX_THREADS=2
sizes=${INGEST_SIZES:-"1000000 8000000"}
many_sizes=${INGEST_MANY_SIZES-"8100000"}

# transactions.csv with exactly $1 rows in $2/ (only that file, so validate reads one table).
make_data() {
  local rows=$1 dir=$2
  [ -f "$dir/transactions.csv" ] && return 0
  mkdir -p "$dir"
  local gen=$BENCH_DATA/ingest-gen-$rows
  # The generator writes every table; its transactions per customer are calibrated on a pilot run.
  if "$TENURE_BIN" generate --customers 20000 --out "$BENCH_DATA/ingest-pilot" --seed 3 >/dev/null 2>&1; then
    local pilot=$(($(wc -l < "$BENCH_DATA/ingest-pilot/transactions.csv") - 1))
    local customers=$(( rows * 20000 / pilot * 11 / 10 + 1000 ))
    if [ -f "$gen/transactions.csv" ] || "$TENURE_BIN" generate --customers "$customers" --out "$gen" --seed 1 >/dev/null 2>&1; then
      local have=$(($(wc -l < "$gen/transactions.csv") - 1))
      if [ "$have" -ge "$rows" ]; then
        head -n $((rows + 1)) "$gen/transactions.csv" > "$dir/transactions.csv"
        echo "ingest: $rows rows from \`tenure generate --customers $customers\`" >&2
        return 0
      fi
    fi
  fi
  echo "ingest: tenure generate unavailable or short; using Benchmarks/peers/make_transactions.py" >&2
  python3 "$here/peers/make_transactions.py" "$rows" "$dir" --extra
}

# best NAME CMD...: runs CMD REPEAT times under /usr/bin/time; keeps the fastest run's
# "wall rss user sys" in $BENCH_DATA/NAME.time and its standard output in $BENCH_DATA/NAME.out.
best() {
  local name=$1; shift
  local fastest="" t
  for _ in $(seq "${REPEAT:-3}"); do
    /usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/$name.run" "$@" > "$BENCH_DATA/$name.run.out"
    read -r t _ < "$BENCH_DATA/$name.run"
    if [ -z "$fastest" ] || python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$t" "$fastest"; then
      fastest=$t; cp "$BENCH_DATA/$name.run" "$BENCH_DATA/$name.time"; cp "$BENCH_DATA/$name.run.out" "$BENCH_DATA/$name.out"
    fi
  done
}
secs() { python3 -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))[sys.argv[2]]:.2f}\")" "$1" "$2"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.2f}' if b > 0 else 'n/a')" "$1" "$2"; }

for spec in $(for n in $sizes; do echo "$n:few-ids"; done) $(for n in $many_sizes; do echo "$n:many-ids"; done); do
  rows=${spec%%:*}; shape=${spec#*:}
  if [ "$shape" = many-ids ]; then
    dir=$BENCH_DATA/ingest-$rows-many-ids
    [ -f "$dir/transactions.csv" ] || python3 "$here/peers/make_transactions.py" "$rows" "$dir" --seed 30 --shape many-ids
  else
    dir=$BENCH_DATA/ingest-$rows
    make_data "$rows" "$dir"
  fi
  csv=$dir/transactions.csv
  mb=$(( $(stat -c %s "$csv") / 1048576 ))
  cat "$csv" > /dev/null   # same warm page cache for everyone

  best ingest-tenure "$TENURE_BIN" validate "$dir" --threads 2
  read -r t trss tu ts < "$BENCH_DATA/ingest-tenure.time"
  grep -q "no problems found" "$BENCH_DATA/ingest-tenure.out" || { cat "$BENCH_DATA/ingest-tenure.out" >&2; exit 1; }

  best ingest-duckdb python3 "$here/peers/ingest_duckdb.py" "$csv"
  cp "$BENCH_DATA/ingest-duckdb.out" "$BENCH_DATA/ingest-duckdb.json"
  read -r d drss du ds < "$BENCH_DATA/ingest-duckdb.time"
  best ingest-polars python3 "$here/peers/ingest_polars.py" "$csv"
  cp "$BENCH_DATA/ingest-polars.out" "$BENCH_DATA/ingest-polars.json"
  read -r p prss pu ps < "$BENCH_DATA/ingest-polars.time"

  cpu() { python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.2f}')" "$1" "$2"; }
  tc=$(cpu "$tu" "$ts"); dc=$(cpu "$du" "$ds"); pc=$(cpu "$pu" "$ps")
  # Wall time is what a user waits for; CPU time (user + sys) is steadier on a shared machine.
  echo "ingest transactions ${rows} rows, ${shape} (${mb} MB CSV): tenure ${t} s (${tc} s CPU, $((trss / 1024)) MB, $(ratio "$mb" "$t") MB/s)" \
       "| duckdb ${d} s (${dc} s CPU, $((drss / 1024)) MB; read_csv in-process $(secs "$BENCH_DATA/ingest-duckdb.json" read_s) s)" \
       "| polars ${p} s (${pc} s CPU, $((prss / 1024)) MB; read_csv in-process $(secs "$BENCH_DATA/ingest-polars.json" read_s) s)" \
       "| ratio duckdb/tenure = $(ratio "$d" "$t") (CPU $(ratio "$dc" "$tc")), polars/tenure = $(ratio "$p" "$t") (CPU $(ratio "$pc" "$tc"))" \
       "| memory duckdb/tenure = $(ratio "$drss" "$trss"), polars/tenure = $(ratio "$prss" "$trss")"
done
