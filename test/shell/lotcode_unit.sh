#!/usr/bin/env bash
# The pure lotcode core, outside the server: exhaustive total-order check of
# lc_natural_cmp and lc_parse against a naive parser (test/unit/, ~4 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec test/unit/run-unit.sh
