#!/usr/bin/env bash
# The GS1 parser core on its own, without a server: century-rule boundaries
# for explicit years, NUL bytes, and a seeded mutation sweep with the
# Digital Link round trip, built with AddressSanitizer/UBSan where the
# compiler has them (test/unit/gs1_core_test.c).
set -euo pipefail
cd "$(dirname "$0")/../.."

CC=${CC:-gcc}
out=$(mktemp -d -p /tmp)
trap 'rm -rf "$out"' EXIT

srcs=(test/unit/gs1_core_test.c src/gs1_parse.c src/gs1_core.c src/gs1_dl.c src/gs1_table.c)
flags=(-std=c99 -O1 -g -Wall -Wextra -Werror -Isrc)
if ! "$CC" "${flags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
      -o "$out/gs1_core_test" "${srcs[@]}" 2>/dev/null; then
  echo "sanitizers unavailable; building without them"
  "$CC" "${flags[@]}" -o "$out/gs1_core_test" "${srcs[@]}"
fi
"$out/gs1_core_test" 300000
