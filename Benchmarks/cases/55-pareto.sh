#!/usr/bin/env bash
# Pareto/NBD and --compare-models (issue 16): tenure's closed-form Pareto/NBD against lifetimes'
# ParetoNBDFitter on the same generated transactions (days), whole process: CSV → RFM summary →
# fit → P(alive) and expected purchases over a year, no spend model, no parameter draws. Goals:
# ≥ 30× lifetimes at 300k customers, 3M customers under 60 s, and `--compare-models` (BG/NBD,
# Pareto/NBD, MBG/NBD, BG/BB on a holdout) on 50k customers under 10 s.
# PARETO_SIZES overrides the sizes; PARETO_PEER_MAX skips lifetimes above it (default 300k: its
# fit takes minutes there). Each tool runs REPEAT times (default 3; lifetimes once above 100k) and
# the fastest run counts.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
faster() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }
for n in ${PARETO_SIZES:-50000 300000 3000000}; do
  full=$BENCH_DATA/clv-$n-full data=$BENCH_DATA/clv-$n
  [ -f "$full/transactions.csv" ] || "$TENURE_BIN" generate --customers "$n" --out "$full" --seed 3 --only-transactions --quiet
  mkdir -p "$data"
  [ -f "$data/transactions.csv" ] || cut -d, -f1-3 "$full/transactions.csv" > "$data/transactions.csv"
  repeat=${REPEAT:-3}
  peer=$([ "$n" -le "${PARETO_PEER_MAX:-300000}" ] && echo yes || echo no)
  best="" pbest=""
  for k in $(seq "$repeat"); do
    /usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/pnbd-$n.run" "$TENURE_BIN" clv "$data" --model pareto-nbd --spend none \
      --time-unit day --draws 0 --regression off --timings --format json -o "$BENCH_DATA/pnbd-$n.json" 2> "$BENCH_DATA/pnbd-$n.run.err"
    read -r t _ _ _ < "$BENCH_DATA/pnbd-$n.run"
    if [ -z "$best" ] || faster "$t" "$best"; then best=$t; cp "$BENCH_DATA/pnbd-$n.run" "$BENCH_DATA/pnbd-$n.time"; fi
    if [ "$peer" = yes ] && { [ "$k" -eq 1 ] || [ "$n" -le 100000 ]; }; then
      /usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/pnbd-$n-lifetimes.run" python3 "$here/peers/pareto_lifetimes.py" "$data" \
        > "$BENCH_DATA/pnbd-$n-lifetimes.run.json"
      read -r t _ _ _ < "$BENCH_DATA/pnbd-$n-lifetimes.run"
      if [ -z "$pbest" ] || faster "$t" "$pbest"; then
        pbest=$t; cp "$BENCH_DATA/pnbd-$n-lifetimes.run" "$BENCH_DATA/pnbd-$n-lifetimes.time"
        cp "$BENCH_DATA/pnbd-$n-lifetimes.run.json" "$BENCH_DATA/pnbd-$n-lifetimes.json"
      fi
    fi
  done
  read -r total rss usr sys < "$BENCH_DATA/pnbd-$n.time"
  line="pareto-nbd ${n} customers: tenure ${total} s (CPU $(python3 -c "print(round($usr + $sys, 2))") s, $((rss / 1024)) MB)"
  line+=$(python3 - "$BENCH_DATA/pnbd-$n.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["result"]["probabilistic"]["purchase_model"]
lim = m.get("limiting_model")
print(f", {m['patterns']} patterns, {m['iterations']} Newton steps" + (f", limiting model: {lim['model']}" if lim else ""), end="")
PY
)
  if [ "$peer" = yes ]; then
    read -r ptotal prss _ _ < "$BENCH_DATA/pnbd-$n-lifetimes.time"
    line+=$(python3 - "$BENCH_DATA/pnbd-$n.json" "$BENCH_DATA/pnbd-$n-lifetimes.json" "$total" "$ptotal" "$prss" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))["result"]["probabilistic"]
peer = json.load(open(sys.argv[2]))
total, ptotal, prss = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rel = max(abs(ours["purchase_model"]["params"][k] - v) / abs(v) for k, v in peer["params"].items())
d_e = abs(ours["overall"]["expected_purchases"] - peer["expected_purchases"]) / peer["expected_purchases"]
print(f" | lifetimes {ptotal:.1f} s ({prss // 1024} MB; fit {peer['fit_s']:.1f} s) | ratio lifetimes/tenure = {ptotal / total:.1f}"
      f" | parameters max rel. diff {rel:.1e}, expected purchases rel. diff {d_e:.1e}", end="")
PY
)
  fi
  echo "$line"
  if [ "$n" -eq "${COMPARE_SIZE:-50000}" ]; then
    # --compare-models needs a holdout: the last half year of the generated window
    cal=$(python3 -c "import json, datetime as d, sys; e = d.date.fromisoformat(json.load(open(sys.argv[1]))['observation_end']); print(e - d.timedelta(days=182))" "$full/truth.json")
    cbest=""
    for k in $(seq "$repeat"); do
      /usr/bin/time -f "%e %M %U %S" -o "$BENCH_DATA/compare-$n.run" "$TENURE_BIN" clv "$data" --calibration-end "$cal" --compare-models \
        --time-unit week --draws 0 --regression off --format json -o "$BENCH_DATA/compare-$n.json" 2>/dev/null
      read -r t _ _ _ < "$BENCH_DATA/compare-$n.run"
      if [ -z "$cbest" ] || faster "$t" "$cbest"; then cbest=$t; cp "$BENCH_DATA/compare-$n.run" "$BENCH_DATA/compare-$n.time"; fi
    done
    read -r ctotal crss _ _ < "$BENCH_DATA/compare-$n.time"
    echo "compare-models ${n} customers (calibration to $cal, weeks): tenure ${ctotal} s, $((crss / 1024)) MB (goal < 10 s)$(python3 - "$BENCH_DATA/compare-$n.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["result"]["model_comparison"]
print(": " + "; ".join(r["model"] + (" failed: " + r["error"] if r.get("error") else " limiting model" if r.get("limiting_model") else " fitted") for r in rows), end="")
PY
)"
  fi
done
