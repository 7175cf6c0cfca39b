#!/usr/bin/env bash
# ROI: 100k simulations × 5 scenarios over 1M customers (issue 7 goal: the simulations in about a second).
set -euo pipefail
data=$BENCH_DATA/customers-1m
[ -f "$data/transactions.csv" ] || "$TENURE_BIN" generate --customers 1000000 --out "$data" --seed 1 >/dev/null
cat > "$BENCH_DATA/roi-5.yaml" <<'YAML'
horizon: 24 months
discount_rate: 0.10
gross_margin: 0.35
scenarios:
  - { name: A, segment: retail, cost: { fixed: 50000, per_customer: 2.5 }, effects: { churn_reduction: [0.05, 0.15] } }
  - { name: B, segment: all, cost: { per_customer: 0.4 }, effects: { frequency_lift: 0.03, order_value_lift: [0.0, 0.02] } }
  - { name: C, segment: enterprise, cost: { per_period: 6000 }, effects: { churn_reduction: { dist: triangular, low: 0.05, mode: 0.15, high: 0.3 } } }
  - { name: D, segment: smb, cost: { fixed: 5000 }, effects: { new_customers: [200, 600], new_customer_cac: { dist: normal, mean: 30, sd: 5 } } }
  - { name: E, segment: all, cost: { fixed: 20000 }, effects: { churn_reduction: [0.0, 0.1], frequency_lift: [0.0, 0.05] } }
YAML
/usr/bin/time -f "%e %M" -o "$BENCH_DATA/roi.time" "$TENURE_BIN" roi "$data" --scenarios "$BENCH_DATA/roi-5.yaml" \
  --simulations 100000 --seed 1 --timings --format json -o "$BENCH_DATA/roi.json" 2> "$BENCH_DATA/roi.err"
read -r total rss < "$BENCH_DATA/roi.time"
sims=$(grep "timing: scenarios" "$BENCH_DATA/roi.err" | awk '{print $(NF-1)}')
fit=$(grep "timing: baselines" "$BENCH_DATA/roi.err" | awk '{print $(NF-1)}')
load=$(grep "timing: load" "$BENCH_DATA/roi.err" | awk '{print $(NF-1)}')
echo "roi 1M customers, 5 scenarios × 100k simulations: simulations ${sims} s | baselines ${fit} s | load ${load} s | whole process ${total} s ($((rss / 1024)) MB)"
