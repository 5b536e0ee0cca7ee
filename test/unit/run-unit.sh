#!/usr/bin/env bash
# Build and run the standalone C unit checks of the pure cores (no server).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${TMPDIR:-/tmp}/lottrace-unit.$$
trap 'rm -f "$out"' EXIT
cc -O2 -Wall -Wextra -Werror -Isrc -o "$out" test/unit/lotcode_order.c src/lotcode_core.c
"$out"
