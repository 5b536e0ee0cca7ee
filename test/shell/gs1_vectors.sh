#!/usr/bin/env bash
# The GS1 parser core against the vectors of GS1's own test suite
# (test/gs1/vectors.tsv, from gs1/gs1-syntax-engine), standalone, no server.
# Fails on any disagreement not listed in test/gs1/known-disagreements.tsv
# and on a listed one that has gone away (test/unit/gs1_vectors.c).
set -euo pipefail
cd "$(dirname "$0")/../.."

CC=${CC:-gcc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

srcs=(test/unit/gs1_vectors.c src/gs1_parse.c src/gs1_core.c src/gs1_dl.c src/gs1_table.c)
flags=(-std=c99 -O1 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Isrc)
if ! "$CC" "${flags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
      -o "$out/gs1_vectors" "${srcs[@]}" 2>/dev/null; then
  echo "sanitizers unavailable; building without them"
  "$CC" "${flags[@]}" -o "$out/gs1_vectors" "${srcs[@]}"
fi
"$out/gs1_vectors" test/gs1/vectors.tsv test/gs1/known-disagreements.tsv "$@"
