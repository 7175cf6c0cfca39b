#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh machine (nothing for `swift test` itself).
set -euo pipefail
exit 0
