#!/usr/bin/env bash
# `make fuzz`: build the libFuzzer harnesses of the pure C cores and run each
# for FUZZ_SECONDS (one after the other), then print one line per harness and
# a summary; then sqlsmith against a server with lottrace installed
# (test/fuzz/run-sqlsmith.sh, SQLSMITH_SECONDS, default 180).  Exits non-zero
# if a harness does not build, fails on a seed, or finds a crash, a leak,
# undefined behaviour, a timeout or an OOM, or if sqlsmith crashes the server.
#
#   test/fuzz/run-fuzz.sh [--build-only]
#
# Environment:
#   FUZZ_SECONDS    seconds per harness (default 600)
#   FUZZ_TARGETS    harnesses to run, comma or space separated
#                   (default: lotcode,codefmt,gs1,sqlsmith)
#   FUZZ_BUILD_DIR  binaries, logs, working corpora, crash files
#                   (default: test/fuzz/build, git-ignored)
#   FUZZ_FRESH=1    start the working corpora again from the seeds
#   FUZZ_SETUP=0    do not run scripts/setup.sh fuzz (the smoke test)
#   FUZZ_CC         the compiler (default: clang; needs libFuzzer)
#
# The committed seeds (test/fuzz/corpus/<name>/) are never written to: they
# are copied into the working corpus $FUZZ_BUILD_DIR/corpus/<name>/, which
# libFuzzer grows and which is kept between runs.  A failing input is saved
# as $FUZZ_BUILD_DIR/crashes/<name>/<kind>-<sha1>; reproduce it with
#   $FUZZ_BUILD_DIR/fuzz_<name> <file>
set -uo pipefail
cd "$(dirname "$0")/../.."

build_only=false
case "${1:-}" in
  --build-only) build_only=true ;;
  "") ;;
  *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

seconds=${FUZZ_SECONDS:-600}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  # -max_total_time=0 would mean "no limit"
  echo "FUZZ_SECONDS must be a whole number of seconds >= 1 (got '$seconds')" >&2
  exit 2
fi
build=${FUZZ_BUILD_DIR:-test/fuzz/build}
CC=${FUZZ_CC:-clang}
all=(lotcode codefmt gs1 sqlsmith)

targets=()
run_sqlsmith=false
for t in ${FUZZ_TARGETS:-${all[*]}}; do  # word-split on spaces ...
  IFS=, read -ra names <<<"$t"           # ... and commas
  for name in "${names[@]}"; do
    [ -n "$name" ] || continue
    case " ${all[*]} " in
      *" $name "*) if [ "$name" = sqlsmith ]; then run_sqlsmith=true; else targets+=("$name"); fi ;;
      *) echo "unknown fuzz target '$name' (known: ${all[*]})" >&2; exit 2 ;;
    esac
  done
done
[ ${#targets[@]} -gt 0 ] || $run_sqlsmith || { echo "FUZZ_TARGETS selects nothing" >&2; exit 2; }

if [ "${FUZZ_SETUP:-1}" != 0 ]; then
  scripts/setup.sh fuzz || exit 1
fi

# Sources of each harness (the codefmt harness #includes its core).
sources() {
  case "$1" in
    lotcode) echo test/fuzz/fuzz_lotcode.c src/lotcode_core.c ;;
    codefmt) echo test/fuzz/fuzz_codefmt.c ;;
    gs1)     echo test/fuzz/fuzz_gs1.c src/gs1_parse.c src/gs1_core.c src/gs1_dl.c src/gs1_table.c ;;
  esac
}
cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
        -Isrc -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare)

mkdir -p "$build"
failed=0
for name in "${targets[@]}"; do
  # shellcheck disable=SC2046
  if ! "$CC" "${cflags[@]}" $(sources "$name") -o "$build/fuzz_$name" \
       >"$build/build-$name.log" 2>&1; then
    echo "fuzz_$name: BUILD FAILED ($CC)"
    sed 's/^/    | /' "$build/build-$name.log" | head -40
    failed=1
  fi
done
[ "$failed" -eq 0 ] || { echo "fuzz: build failed"; exit 1; }
$build_only && { echo "fuzz: built ${targets[*]:-nothing} in $build/"; exit 0; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
case "$ASAN_OPTIONS" in *detect_leaks=*) ;; *) ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=1" ;; esac
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# What went wrong, from a libFuzzer log.
diagnose() {
  local log=$1
  if grep -q 'ERROR: LeakSanitizer' "$log"; then echo "LEAK"
  elif grep -q 'runtime error:' "$log"; then echo "UNDEFINED BEHAVIOUR"
  elif grep -q 'property violated' "$log"; then echo "PROPERTY VIOLATED"
  elif grep -q 'ERROR: AddressSanitizer' "$log"; then
    echo "MEMORY ERROR ($(grep -m1 -o 'AddressSanitizer: [a-z-]*' "$log" | cut -d' ' -f2))"
  elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then echo "TIMEOUT"
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then echo "OUT OF MEMORY"
  elif grep -q 'deadly signal' "$log"; then echo "CRASH"
  else echo "FAILED"
  fi
}

# The interesting lines of a failure: the report, the harness's own notes,
# and the first stack frames in our code.
excerpt() {
  {
    grep -E 'property violated|^digital link|ERROR: (Address|Leak|libFuzzer)|runtime error:|^SUMMARY:' "$1" | head -8
    grep -E '^ +#[0-9]+ .* in [^ ]+ .*(src|test/fuzz)/' "$1" | head -6
  } | sed 's/^/    | /'
}

summary=()
bad=0
total_runs=0
for name in "${targets[@]}"; do
  bin="$build/fuzz_$name"
  seeds="test/fuzz/corpus/$name"
  work="$build/corpus/$name"
  crashes="$build/crashes/$name"
  log="$build/fuzz-$name.log"
  dict=()
  [ -f "test/fuzz/$name.dict" ] && dict=(-dict="test/fuzz/$name.dict")

  [ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work"
  mkdir -p "$work" "$crashes"
  if [ -d "$seeds" ]; then
    cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  fi

  # 1. every committed seed on its own (quick; a seed must never fail)
  seedfiles=()
  [ -d "$seeds" ] && seedfiles=("$seeds"/*)
  [ -e "${seedfiles[0]:-}" ] || seedfiles=()
  if [ ${#seedfiles[@]} -gt 0 ] && ! "$bin" -artifact_prefix="$crashes/" \
        "${seedfiles[@]}" >"$build/seeds-$name.log" 2>&1; then
    what=$(diagnose "$build/seeds-$name.log")
    seed=$(grep -o 'Running: .*' "$build/seeds-$name.log" | tail -1 | cut -d' ' -f2-)
    printf 'fuzz_%-8s %12s runs  %-34s %s on a seed\n' "$name" - "" "$what"
    excerpt "$build/seeds-$name.log"
    echo "    | input:     ${seed:-?}"
    echo "    | reproduce: $bin ${seed:-<seed file>}"
    echo "    | log:       $build/seeds-$name.log"
    summary+=("$name: $what on a seed"); bad=1
    continue
  fi

  # 2. fuzz
  start=$(date +%s)
  "$bin" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  runs=${runs:-0}
  total_runs=$((total_runs + runs))
  stat=$(grep -E '^#[0-9]+.*(cov|ft):' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$stat" | tail -1)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$stat" | tail -1)
  corp=$(grep -oE 'corp: [0-9]+' <<<"$stat" | tail -1)
  figures="${cov:-cov: ?} ${ft:-ft: ?} ${corp:-corp: ?}"
  if [ "$rc" -eq 0 ]; then
    result="ok (${elapsed}s, no crash, leak or UB)"
    summary+=("$name: ok")
  else
    what=$(diagnose "$log")
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | cut -d' ' -f5)
    result="$what after ${elapsed}s"
    bad=1
    summary+=("$name: $what")
  fi
  printf 'fuzz_%-8s %12s runs  %-34s %s\n' "$name" "$runs" "$figures" "$result"
  if [ "$rc" -ne 0 ]; then
    excerpt "$log"
    echo "    | input:     ${artifact:-(none saved)}"
    echo "    | reproduce: $bin ${artifact:-<crash file>}"
    echo "    | log:       $log"
  fi
done

if $run_sqlsmith; then
  # its own set-up came with setup.sh fuzz above
  if FUZZ_SETUP=0 SQLSMITH_OUT="$build/sqlsmith" test/fuzz/run-sqlsmith.sh; then
    summary+=("sqlsmith: ok")
  else
    summary+=("sqlsmith: FAILED"); bad=1
  fi
fi

if [ "$bad" -eq 0 ]; then
  what="${#targets[@]} harness(es), $total_runs runs, ${seconds}s each"
  [ ${#targets[@]} -gt 0 ] || what=""
  if $run_sqlsmith; then what="${what:+$what, and }sqlsmith"; fi
  echo "fuzz: $what: all ok"
else
  echo "fuzz: FAILED: ${summary[*]}"
fi
exit "$bad"
