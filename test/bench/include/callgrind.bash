# Shared by test/bench/*-instructions.sh: count the instructions a
# single-user backend executes (valgrind's callgrind) for each lottrace.so
# given, each on a fresh copy of one prepared cluster.  Sourced after
# scripts/pgcluster.sh, with `top` set to the repository.
#
#   cg_begin NAME SO...   check valgrind and the library directory, keep the
#                         installed lottrace.so (put back at exit), install
#                         the first SO
#   cg_snapshot CLUSTER   stop CLUSTER and keep a copy of its data directory
#   cg_count SO DB INPUT  instructions of one run of INPUT (SQL, one statement
#                         per line) in DB, on a fresh copy of the snapshot,
#                         with SO installed; fails if the run logged an ERROR
#   cg_w1_data SCALE      W1's ten CSV batches at SCALE (gen-data.awk) in
#                         $PGC_BASE/data-w1/batch-01.csv ...
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}
cg_lib=$("$PG_CONFIG" --pkglibdir)

cg_begin() {
  local name=$1 so
  shift
  [ -w "$cg_lib" ] || { echo "$name: $cg_lib is not writable (run as root)" >&2; exit 1; }
  for so in "$@"; do [ -f "$so" ] || { echo "$name: no such file: $so" >&2; exit 1; }; done
  cg_saved=$PGC_BASE/installed-lottrace.so
  cp "$cg_lib/lottrace.so" "$cg_saved"
  trap 'cp "$cg_saved" "$cg_lib/lottrace.so"; pgc_cleanup' EXIT
  cp "$1" "$cg_lib/lottrace.so"
}

cg_snapshot() {
  cg_cluster=$1
  pgc_stop "$cg_cluster"
  cg_snap=$PGC_BASE/snapshot
  rm -rf "$cg_snap"
  cp -a "$(pgc_dir "$cg_cluster")/data" "$cg_snap"
}

cg_count() {
  local d
  d=$(pgc_dir "$cg_cluster")
  cp "$1" "$cg_lib/lottrace.so"
  rm -rf "$d/data"
  cp -a "$cg_snap" "$d/data"
  chmod a+r "$3"
  pgc__as_server valgrind --tool=callgrind --callgrind-out-file="$d/callgrind.out" \
    "$PGBIN/postgres" --single -D "$d/data" -c listen_addresses= -c autovacuum=off "$2" \
    <"$3" >"$d/single.log" 2>&1
  if grep -q 'ERROR' "$d/single.log"; then grep -m3 'ERROR' "$d/single.log" >&2; return 1; fi
  awk '/^(summary|totals):/ { print $2; exit }' "$d/callgrind.out"
}

cg_w1_data() {
  local nl nu
  nl=$(awk -v s="$1" 'BEGIN { print int(100000 * s + 0.5) }')
  nu=$(awk -v s="$1" 'BEGIN { print int(25000 * s + 0.5) }')
  mkdir -p "$PGC_BASE/data-w1"
  (cd "$PGC_BASE/data-w1" && awk -v nl="$nl" -v ns="$nl" -v nu="$nu" -v nb=10 \
     -v out="$PGC_BASE/data-w1/batch-" -f "$top/test/bench/gen-data.awk")
  chmod -R a+rX "$PGC_BASE/data-w1"
}

cg_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
