#!/usr/bin/env bash
# Full report (every analysis + HTML, Markdown, JSON, CSV, notebook) over a 100k-customer dataset
# with every table (issue 8 goal: seconds). The peer does the same analyses in pandas + lifelines +
# lifetimes without rendering anything (Benchmarks/peers/report_python.py), a lower bound for Python.
set -euo pipefail
data=$BENCH_DATA/customers-100k-all
[ -f "$data/subscriptions.csv" ] || "$TENURE_BIN" generate --customers 100000 --out "$data" --seed 1 >/dev/null
out=$BENCH_DATA/report-100k
/usr/bin/time -f "%e %M" -o "$BENCH_DATA/report.time" "$TENURE_BIN" report "$data" --out "$out" --timings 2> "$BENCH_DATA/report.err" >/dev/null \
  || { cat "$BENCH_DATA/report.err"; exit 1; }
read -r total rss < "$BENCH_DATA/report.time"
phases=$(grep '^timing:' "$BENCH_DATA/report.err" | sed 's/^timing: //' | paste -sd';' - | sed 's/;/; /g')
files=$(find "$out" -type f | wc -l); size=$(du -sh "$out" | cut -f1)
/usr/bin/time -f "%e %M" -o "$BENCH_DATA/report-noroi.time" "$TENURE_BIN" report "$data" --out "$out-noroi" --no-roi >/dev/null 2>&1
read -r noroi noroi_rss < "$BENCH_DATA/report-noroi.time"
py_line="python peer skipped"
if python3 -c "import pandas, lifelines, lifetimes" 2>/dev/null; then
  py=$(python3 Benchmarks/peers/report_python.py "$data" 2>/dev/null | tail -1)
  py_total=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['total_s'])" "$py")
  ratio=$(python3 -c "print(f'{$py_total / $noroi:.1f}')")
  py_line="pandas+lifelines+lifetimes (same analyses but ROI, no rendering) ${py_total} s | ratio peer/tenure --no-roi = ${ratio}"
fi
echo "report 100k customers: tenure ${total} s ($((rss / 1024)) MB, ${files} files, ${size}) | ${py_line}"
echo "  tenure phases: ${phases}"
echo "  tenure report --no-roi (KPIs, cohorts, survival, CLV, every format): ${noroi} s ($((noroi_rss / 1024)) MB)"
