#!/usr/bin/env bash
# Every subcommand prints help with examples.
set -euo pipefail
BIN=$1
for c in demo generate validate import schema cohorts survival clv kpis roi report; do
  "$BIN" help "$c" >/dev/null
done
