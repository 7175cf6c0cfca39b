#!/usr/bin/env bash
# `make bench`: runs every Benchmarks/cases/*.sh (tenure and its peers on the same data) and prints ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export TENURE_BIN=$(realpath .build/release/tenure)
export BENCH_DATA=${BENCH_DATA:-$PWD/.build/bench-data}
mkdir -p "$BENCH_DATA"
bash Benchmarks/peers/install.sh
for f in Benchmarks/cases/*.sh; do [ -e "$f" ] && bash "$f"; done
