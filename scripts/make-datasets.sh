#!/usr/bin/env bash
# Regenerates the committed sample dataset datasets/sample with `tenure generate` (documented in
# datasets/README.md). The test GeneratorTests.committedSampleIsCurrent fails when the committed
# files differ from what the generator writes now, so run this after changing the generator.
#
#   scripts/make-datasets.sh                 # builds the release binary first
#   scripts/make-datasets.sh path/to/tenure  # or TENURE_BIN=path/to/tenure scripts/make-datasets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${TENURE_BIN:-}}
if [ -z "$BIN" ]; then
  swift build -c release --product tenure
  BIN=.build/release/tenure
fi
CUSTOMERS=2000
SEED=42
tmp=datasets/.sample.tmp
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
"$BIN" generate --customers "$CUSTOMERS" --seed "$SEED" --out "$tmp" --quiet
"$BIN" validate "$tmp" > /dev/null || { echo "make-datasets: the generated sample does not validate" >&2; exit 1; }
rm -rf datasets/sample
mv "$tmp" datasets/sample
du -sh datasets/sample
ls -l datasets/sample
