#!/usr/bin/env bash
# The libFuzzer harnesses still build, pass over their seed corpora and
# survive a few seconds of fuzzing each (test/fuzz/run-fuzz.sh with
# FUZZ_SECONDS=8 in a scratch directory; `make fuzz` is the long run).
# Skipped, successfully, where clang with libFuzzer is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

CC=${FUZZ_CC:-clang}
out=$(mktemp -d -p /tmp)
trap 'rm -rf "$out"' EXIT

printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$out/probe.c"
if ! command -v "$CC" >/dev/null 2>&1 ||
   ! "$CC" -fsanitize=fuzzer,address,undefined -o "$out/probe" "$out/probe.c" >/dev/null 2>&1; then
  echo "skipped: $CC with libFuzzer/ASan/UBSan is not available (scripts/setup.sh fuzz installs it)"
  exit 0
fi

FUZZ_SETUP=0 FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-8} FUZZ_BUILD_DIR="$out/build" \
  FUZZ_TARGETS=lotcode,codefmt,gs1 test/fuzz/run-fuzz.sh
