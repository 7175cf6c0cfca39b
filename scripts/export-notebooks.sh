#!/usr/bin/env bash
# Regenerates notebooks-export/: for every sample dataset datasets/<name>/ (a directory holding
# transactions.csv) it writes notebooks-export/<name>/report.ipynb with the tables/ and charts/ the
# notebook reloads, exactly as `tenure report datasets/<name> --out notebooks-export/<name>
# --formats ipynb` does (run from the repository root, so the notebook's data_path is
# `datasets/<name>`). Directories of datasets that no longer exist are removed.
# The Swift test TenureReportTests/NotebookExportTests regenerates them in-process and fails when
# these files are stale. With --check, each notebook is also validated with nbformat and executed
# with nbclient (scripts/install-test-deps.sh installs them).
#
#   scripts/export-notebooks.sh [--check] [path/to/tenure]      (default .build/release/tenure)
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
BIN=${1:-.build/release/tenure}
[ -x "$BIN" ] || { echo "export-notebooks: $BIN not built (make build)"; exit 1; }
mkdir -p notebooks-export
names=()
for d in datasets/*/; do
  [ -f "$d/transactions.csv" ] || continue
  name=$(basename "$d")
  names+=("$name")
  "$BIN" report "datasets/$name" --out "notebooks-export/$name" --formats ipynb > /dev/null
  echo "export-notebooks: notebooks-export/$name/report.ipynb ($(ls "notebooks-export/$name/tables" | wc -l) tables, $(ls "notebooks-export/$name/charts" | wc -l) charts)"
  if [ $check = 1 ]; then python3 scripts/check-report.py notebook "notebooks-export/$name"; fi
done
for d in notebooks-export/*/; do
  [ -d "$d" ] || continue
  name=$(basename "$d")
  keep=0; for n in "${names[@]}"; do [ "$n" = "$name" ] && keep=1; done
  if [ $keep = 0 ]; then echo "export-notebooks: removing stale notebooks-export/$name"; rm -rf "notebooks-export/$name"; fi
done
[ "${#names[@]}" -gt 0 ] || echo "export-notebooks: no dataset with transactions.csv under datasets/"
