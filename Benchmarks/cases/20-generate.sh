#!/usr/bin/env bash
# Generator: `tenure generate` with every table at 1M customers, and transactions only at 3M
# customers (~8M rows), against numpy + polars writing an 8M-row transactions.csv
# (peers/make_transactions.py: vectorised draws, polars' multi-threaded CSV writer). CPU seconds
# (user + sys) are shown too: on a shared machine they say more than the wall time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$BENCH_DATA/generate
rm -rf "$out"; mkdir -p "$out"
cpu() { awk '{printf "%.1f", $3 + $4}' "$1"; }
mb() { awk '{printf "%d", $2 / 1024}' "$1"; }

/usr/bin/time -f "%e %M %U %S" -o "$out/all.time" "$TENURE_BIN" generate --customers 1000000 --out "$out/all" --seed 1 --quiet
read -r t1 _ < "$out/all.time"
bytes=$(du -sm "$out/all" | cut -f1)
echo "generate 1M customers, every table ($bytes MB of CSV): tenure ${t1} s ($(mb "$out/all.time") MB, $(cpu "$out/all.time") s CPU)"
rm -rf "$out/all"

/usr/bin/time -f "%e %M %U %S" -o "$out/tx.time" "$TENURE_BIN" generate --customers 3000000 --out "$out/tx" --seed 1 --only-transactions --quiet
read -r t2 _ < "$out/tx.time"
rows=$(($(wc -l < "$out/tx/transactions.csv") - 1))
rm -rf "$out/tx"
/usr/bin/time -f "%e %M %U %S" -o "$out/py.time" python3 "$here/peers/make_transactions.py" "$rows" "$out/py" --extra >/dev/null
read -r t3 _ < "$out/py.time"
rm -rf "$out/py"
ratio=$(python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.1f}')" "$t3" "$t2")
echo "generate 3M customers, transactions only ($rows rows): tenure ${t2} s ($(mb "$out/tx.time") MB, $(cpu "$out/tx.time") s CPU)" \
     "| numpy+polars ${t3} s ($(mb "$out/py.time") MB, $(cpu "$out/py.time") s CPU; simpler model) | ratio peer/tenure = $ratio"
