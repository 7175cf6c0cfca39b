#!/usr/bin/env bash
# Installs the Python peers the benchmarks compare against (never needed by the tests).
set -euo pipefail
python3 -c "import duckdb, polars, pandas, lifelines, lifetimes, psycopg2" 2>/dev/null || \
  pip install -q duckdb polars pandas lifelines lifetimes psycopg2-binary
