#!/usr/bin/env bash
# `make bench`: lottrace side by side with the bare table, with a PL/pgSQL
# row-trigger implementation of the same rules and with a plain PL/pgSQL
# trigger of the core rules only.  See docs/BENCHMARK.md.
#
#   W1   bulk import: ~1,000,000 ERP rows in 10 \copy batches (loads first)
#   W2   OLTP: pgbench, 2 clients, 15 s, one single-row unload per transaction
#   W3   W1 and W2 on an Odoo-shaped table (two locations, state = 'done',
#        the lot through lot_id -> stock_lot), bare and attached
#   BIG  one INSERT ... SELECT (2M rows over 50,000 lots in random order),
#        one UPDATE and one DELETE (1M rows each), attached vs bare
#   MEM  one 10,000,000-row COPY into the attached table: peak backend memory
#   MICRO lotcode input vs text, matches() vs the equivalent regex (1M codes)
#   GEN  the genealogy benchmark (test/bench/genealogy.sql): trace medians
#
# Environment (all optional):
#   BENCH_SCALE=1          size factor of W1, BIG, MEM and MICRO (0.1 while developing)
#   BENCH_ROUNDS=3         rounds of W1+W2 over the variants (order alternates)
#   BENCH_W2_SECONDS=15    pgbench duration
#   BENCH_SKIP_BIG=1       skip the three big statements
#   BENCH_BIG_ROUNDS=n     rounds of the three (default: BENCH_ROUNDS)
#   BENCH_SKIP_MEMORY=1    skip the 10M-row COPY
#   BENCH_SKIP_GENEALOGY=1 skip the genealogy part
#   BENCH_SKIP_MICRO=1     skip the micro-benchmarks
#   BENCH_PROFILE=0        skip the perf profile of lottrace's bulk import
#   BENCH_RESULTS=path     results file (default test/bench/RESULTS.md at scale 1,
#                          test/bench/out/RESULTS-scale-S.md otherwise)
#   PG_CONFIG, PGBIN       the PostgreSQL installation to build against and run
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
bdir=$top/test/bench

SCALE=${BENCH_SCALE:-1}
ROUNDS=${BENCH_ROUNDS:-3}
W2_SECONDS=${BENCH_W2_SECONDS:-15}
W2_CLIENTS=2
VARIANTS=(bare lottrace lottrace_own plpgsql plain odoo_bare odoo)
if awk -v s="$SCALE" 'BEGIN { exit !(s == 1) }'; then
  RESULTS=${BENCH_RESULTS:-$bdir/RESULTS.md}
else
  RESULTS=${BENCH_RESULTS:-$bdir/out/RESULTS-scale-$SCALE.md}
fi
mkdir -p "$bdir/out" "$(dirname "$RESULTS")"
LOADAVG_START=$(cut -d" " -f1-3 /proc/loadavg)

scripts/setup.sh bench || exit 1
scripts/build-install.sh || exit 1
# the build measured: the source as it was built, not as it is at the end
# of the run (a developer may edit src/ meanwhile)
BUILT=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD -- src 2>/dev/null || echo ' (+ uncommitted changes in src/)')

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PGBIN=${PGBIN:-$("$PG_CONFIG" --bindir)}
source scripts/pgcluster.sh
bg_pids=()
cleanup() {
  local p
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pgc_cleanup
}
trap cleanup EXIT
work=$PGC_BASE/work
mkdir -p "$work"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# perf_summary DATA TITLE FILTER N: self time by shared object and by
# function, then the N first functions including callees that match the awk
# pattern FILTER, under TITLE.
perf_summary() {
  echo "By shared object (self time):"
  perf report -i "$1" --stdio --no-children --sort dso -g none 2>/dev/null \
    | awk '/^ +[0-9.]+%/ && n++ < 8'
  echo
  echo "Top functions (self time):"
  perf report -i "$1" --stdio --no-children --sort dso,symbol -g none 2>/dev/null \
    | awk '/^ +[0-9.]+%/ && n++ < 30'
  echo
  echo "$2"
  perf report -i "$1" --stdio --children --sort dso,symbol -g none 2>/dev/null \
    | awk "/^ +[0-9.]+%/ && $3 && n++ < $4"
}
calc() { awk "BEGIN { printf \"%s\", $1 }"; }   # calc 'expr' (awk arithmetic; printf formats inside)

# ---------------------------------------------------------------------------
# The cluster: one for everything, the same settings for every variant.
# ---------------------------------------------------------------------------
SETTINGS=(
  "shared_buffers = 1GB"
  "work_mem = 16MB"
  "maintenance_work_mem = 256MB"
  "fsync = on"
  "synchronous_commit = off"
  "wal_level = replica"
  "max_wal_size = 8GB"
  "min_wal_size = 1GB"
  "checkpoint_timeout = 30min"
  "jit = off"
  "autovacuum = on"
)
pgc_init bench "${SETTINGS[@]}" || exit 1
pgc_start bench || exit 1
pgc_env bench
psqlq() { pgc_psql bench "$@"; }               # psql -X -q -v ON_ERROR_STOP=1
val() { local db=$1; shift; psqlq -d "$db" -At "$@"; }
newdb() { psqlq -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }
dropdb_() { psqlq -d postgres -c "DROP DATABASE IF EXISTS $1"; }

pg_version=$(val postgres -c "SHOW server_version")
log "cluster $PGC_BASE/bench, PostgreSQL $pg_version, scale $SCALE, $ROUNDS round(s)"

# ---------------------------------------------------------------------------
# Data: generated once, deterministic (test/bench/gen-data.awk).
# ---------------------------------------------------------------------------
NL=$(calc "int(100000 * $SCALE + 0.5)")     # lots
NS=$(calc "int(100000 * $SCALE + 0.5)")     # serials
NU=$(calc "int(25000 * $SCALE + 0.5)")      # untracked loads (and as many unloads)
W1_ROWS=$(calc "8 * $NL + $NS + int($NS / 2) + 2 * $NU")
awk -v nl="$NL" -v ns="$NS" -v nu="$NU" -v nb=10 -v out="$work/batch-" -f "$bdir/gen-data.awk"
for k in 01 02 03 04 05 06 07 08 09 10; do    # the same rows for W3's Odoo-shaped table
  awk -F, -v nl="$NL" -f "$bdir/odoo-rows.awk" "$work/batch-$k.csv" >"$work/odoo-batch-$k.csv"
done
log "W1 data: $W1_ROWS rows ($NL lots x 4 warehouses, $NS serials, $NU untracked) in 10 files"

COLS="erp_stock (item, wh, lot, serial, qty, reason, doc, moved_on)"
ODOO_COLS="stock_move (product_id, location_id, location_dest_id, lot_id, product_qty, state, reference, date)"

# Variants bare, lottrace, plpgsql and plain share the ERP table
# (schema.sql); W3's odoo_bare and odoo share the Odoo-shaped one
# (schema-odoo.sql, with its master data: products, locations, lots).
setup_variant() {   # setup_variant DB VARIANT
  case $2 in
    odoo*) psqlq -d "$1" -v nl="$NL" -v ns="$NS" -f "$bdir/schema-odoo.sql" ;;
    *) psqlq -d "$1" -f "$bdir/schema.sql" ;;
  esac
  case $2 in
    lottrace) psqlq -d "$1" -f "$bdir/setup-lottrace.sql" >/dev/null ;;
    lottrace_own) psqlq -d "$1" -v own_codes=1 -f "$bdir/setup-lottrace.sql" >/dev/null ;;
    plpgsql) psqlq -d "$1" -f "$bdir/setup-plpgsql.sql" ;;
    plain) psqlq -d "$1" -f "$bdir/setup-plain.sql" ;;
    odoo) psqlq -d "$1" -f "$bdir/setup-odoo.sql" >/dev/null ;;
  esac
}

# Register contents, comparable between the variants: rows, lots, loaded
# and on-hand totals, serials in stock, and digests of every (lot,
# warehouse) balance and every in-stock serial.  Each variant gives n (rows,
# lots), lb (item, lot, wh, loaded, on_hand) and sr (item, serial, wh); the
# bare variants compute them from the ERP rows themselves (an independent
# derivation), the odoo variant maps product and location ids back to the
# codes of the other variants.
summary_sql() {
  case $1 in
    bare) cat <<'EOF'
WITH lb AS (SELECT item, lot, wh, sum(qty) FILTER (WHERE reason = 'RCV') AS loaded,
                   sum(CASE WHEN reason = 'RCV' THEN qty ELSE -qty END) AS on_hand
              FROM erp_stock WHERE lot IS NOT NULL GROUP BY 1, 2, 3),
     sr AS (SELECT item, serial, wh FROM erp_stock WHERE serial IS NOT NULL GROUP BY 1, 2, 3
            HAVING sum(CASE WHEN reason = 'RCV' THEN 1 ELSE -1 END) > 0),
     n AS (SELECT (SELECT count(*) FROM erp_stock) AS rows, (SELECT count(DISTINCT (item, lot)) FROM lb) AS lots)
EOF
    ;;
    lottrace|lottrace_own) cat <<'EOF'
WITH lb AS (SELECT item, lot::text AS lot, warehouse AS wh, loaded_qty AS loaded, on_hand FROM lottrace.lot_stock),
     sr AS (SELECT item, code::text AS serial, warehouse AS wh FROM lottrace.serial WHERE state = 'in_stock'),
     n AS (SELECT (SELECT count(*) FROM erp_stock) AS rows, (SELECT count(*) FROM lottrace.lot) AS lots)
EOF
    ;;
    plpgsql) cat <<'EOF'
WITH lb AS (SELECT l.item, l.code AS lot, b.wh, b.loaded_qty AS loaded, b.on_hand
              FROM plt.lot l JOIN plt.lot_balance b USING (lot_id)),
     sr AS (SELECT item, code AS serial, warehouse AS wh FROM plt.serial WHERE state = 'in_stock'),
     n AS (SELECT (SELECT count(*) FROM erp_stock) AS rows, (SELECT count(*) FROM plt.lot) AS lots)
EOF
    ;;
    plain) cat <<'EOF'
WITH lb AS (SELECT item, lot, wh, loaded_qty AS loaded, on_hand FROM plain.balance),
     sr AS (SELECT item, code AS serial, wh FROM plain.serial WHERE in_stock),
     n AS (SELECT (SELECT count(*) FROM erp_stock) AS rows, (SELECT count(*) FROM plain.lot) AS lots)
EOF
    ;;
    odoo_bare) cat <<'EOF'
WITH mv AS (SELECT p.default_code AS item, p.tracking, sl.name::text AS code, l.name AS wh,
                  CASE WHEN m.location_id = 11 THEN m.product_qty ELSE -m.product_qty END AS qty
             FROM stock_move m JOIN product_product p ON p.id = m.product_id
             JOIN stock_lot sl ON sl.id = m.lot_id
             JOIN stock_location l ON l.id = CASE WHEN m.location_id = 11 THEN m.location_dest_id ELSE m.location_id END
            WHERE m.state = 'done'),
     lb AS (SELECT item, code AS lot, wh, sum(qty) FILTER (WHERE qty > 0) AS loaded, sum(qty) AS on_hand
              FROM mv WHERE tracking = 'lot' GROUP BY 1, 2, 3),
     sr AS (SELECT item, code AS serial, wh FROM mv WHERE tracking = 'serial' GROUP BY 1, 2, 3 HAVING sum(qty) > 0),
     n AS (SELECT (SELECT count(*) FROM stock_move) AS rows, (SELECT count(DISTINCT (item, lot)) FROM lb) AS lots)
EOF
    ;;
    odoo) cat <<'EOF'
WITH lb AS (SELECT coalesce(p.default_code, '?' || s.item) AS item, s.lot::text AS lot,
                   coalesce(l.name, '?' || s.warehouse) AS wh, s.loaded_qty AS loaded, s.on_hand
              FROM lottrace.lot_stock s LEFT JOIN product_product p ON p.id::text = s.item
              LEFT JOIN stock_location l ON l.id::text = s.warehouse),
     sr AS (SELECT coalesce(p.default_code, '?' || s.item) AS item, s.code::text AS serial,
                   coalesce(l.name, '?' || s.warehouse) AS wh
              FROM lottrace.serial s LEFT JOIN product_product p ON p.id::text = s.item
              LEFT JOIN stock_location l ON l.id::text = s.warehouse WHERE s.state = 'in_stock'),
     n AS (SELECT (SELECT count(*) FROM stock_move) AS rows, (SELECT count(*) FROM lottrace.lot) AS lots)
EOF
    ;;
  esac
  cat <<'EOF'
SELECT (SELECT rows FROM n), (SELECT lots FROM n),
       (SELECT round(sum(loaded), 3) FROM lb), (SELECT round(sum(on_hand), 3) FROM lb),
       (SELECT count(*) FROM sr),
       (SELECT md5(string_agg(item || '/' || lot || '/' || wh || '/' || round(loaded, 3) || '/' || round(on_hand, 3), ','
                              ORDER BY item, lot, wh)) FROM lb),
       (SELECT md5(string_agg(item || '/' || serial || '/' || wh, ',' ORDER BY item, serial)) FROM sr)
EOF
}

# W1: the 10 batches in one session, each timed by psql (\timing).
run_w1() {   # run_w1 DB VARIANT -> prints the 10 batch times in seconds
  local db=$1 f k cols=$COLS files=$work/batch-
  case $2 in odoo*) cols=$ODOO_COLS files=$work/odoo-batch- ;; esac
  f=$work/w1-$db.sql
  {
    echo '\timing on'
    for k in 01 02 03 04 05 06 07 08 09 10; do
      echo "\\copy $cols FROM '$files$k.csv' WITH (FORMAT csv)"
    done
  } >"$f"
  psqlq -d "$db" -f "$f" | awk '/^Time: / { printf "%.3f\n", $2 / 1000 }'
}

# W2: candidates = every (item, lot, warehouse) the import loaded (each has
# 40 units or more left), unloaded 30 days after its load date.  W3's are
# the same (product, lot, location), numbered in the same order.
W2_CANDIDATES="SELECT row_number() OVER (ORDER BY lot, wh)::int AS k, item, lot, wh, moved_on + 30 AS moved_on
        FROM erp_stock WHERE reason = 'RCV' AND lot IS NOT NULL"
W3_CANDIDATES="SELECT row_number() OVER (ORDER BY lot_id, location_dest_id)::int AS k, product_id, lot_id,
               location_dest_id AS location_id, date::date + 30 AS moved_on
        FROM stock_move WHERE location_id = 11 AND product_id <= 1500"
run_w2() {   # run_w2 DB VARIANT -> prints tps
  local db=$1 n out cand=$W2_CANDIDATES script=$bdir/w2-unload.sql
  case $2 in odoo*) cand=$W3_CANDIDATES script=$bdir/w3-unload.sql ;; esac
  psqlq -d "$db" -c "CREATE TABLE w2_candidate AS $cand" -c "ALTER TABLE w2_candidate ADD PRIMARY KEY (k)"
  psqlq -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"
  n=$(val "$db" -c "SELECT count(*) FROM w2_candidate")
  out=$("$PGBIN/pgbench" -n -M prepared -c "$W2_CLIENTS" -j "$W2_CLIENTS" -T "$W2_SECONDS" \
          -D ncand="$n" -f "$script" "$db" 2>&1) || { echo "$out" >&2; return 1; }
  if ! grep -q 'number of failed transactions: 0 ' <<<"$out"; then
    echo "$out" >&2; echo "pgbench: failed transactions" >&2; return 1
  fi
  sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' <<<"$out" | awk '{ printf "%.0f\n", $1 }'
}

# ---------------------------------------------------------------------------
# RULES: the PL/pgSQL variant must refuse what lottrace refuses.  Each
# statement below breaks one rule (run in a rolled-back transaction after a
# small opening stock); both variants must fail it with the expected SQLSTATE.
# The plain trigger (variant d) is held to the rules it has (PLAIN_RULES).
# ---------------------------------------------------------------------------
RULES=(
  "unknown reason|23503|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 1, 'NOPE', '2025-01-10')"
  "qty = 0|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 0, 'RCV', '2025-01-10')"
  "lot required|23502|INSERT INTO erp_stock (item, wh, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 1, 'SHIP', '2025-01-10')"
  "serial required|23502|INSERT INTO erp_stock (item, wh, qty, reason, moved_on) VALUES ('SER001', 'W01', 1, 'SHIP', '2025-01-10')"
  "serial qty 1|23514|INSERT INTO erp_stock (item, wh, serial, qty, reason, moved_on) VALUES ('SER002', 'W01', 'SN99999999', 2, 'RCV', '2025-01-10')"
  "code syntax|22P02|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L 000002', 5, 'RCV', '2025-01-10')"
  "code format L{SEQ:7}|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'X0000002', 5, 'RCV', '2025-01-10')"
  "unload of an unknown lot|23503|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0999999', 1, 'SHIP', '2025-01-10')"
  "negative stock|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 11, 'SHIP', '2025-01-10')"
  "negative stock, other warehouse|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W02', 'L0000001', 1, 'SHIP', '2025-01-10')"
  "status not available|23514|@BLOCK@; INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 1, 'SHIP', '2025-01-10')"
  "expiry - block days|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 1, 'SHIP', '2025-12-05')"
  "expired|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 1, 'SHIP', '2026-01-05')"
  "serial in stock loaded again|23505|INSERT INTO erp_stock (item, wh, serial, qty, reason, moved_on) VALUES ('SER001', 'W02', 'SN00000001', 1, 'RCV', '2025-01-10')"
  "serial not in stock there|23514|INSERT INTO erp_stock (item, wh, serial, qty, reason, moved_on) VALUES ('SER001', 'W02', 'SN00000001', 1, 'SHIP', '2025-01-10')"
  "unknown serial unloaded|23514|INSERT INTO erp_stock (item, wh, serial, qty, reason, moved_on) VALUES ('SER001', 'W01', 'SN77777777', 1, 'SHIP', '2025-01-10')"
  "a valid unload (accepted)|ok|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 10, 'SHIP', '2025-12-01')"
  "an UPDATE moving the row back and forth (accepted)|ok|UPDATE erp_stock SET qty = 3 WHERE lot = 'L0000001'; UPDATE erp_stock SET wh = 'W03' WHERE lot = 'L0000001'"
  "DELETE of a shipped receipt|23514|INSERT INTO erp_stock (item, wh, lot, qty, reason, moved_on) VALUES ('LOT0001', 'W01', 'L0000001', 4, 'SHIP', '2025-01-10'); DELETE FROM erp_stock WHERE reason = 'RCV' AND lot = 'L0000001'"
)
PLAIN_RULES="|unknown reason|unload of an unknown lot|negative stock|negative stock, other warehouse|status not available|expired|serial in stock loaded again|serial not in stock there|unknown serial unloaded|a valid unload (accepted)|"
declare -A RULE_GOT
RULES_CHECK=PASS
for v in lottrace plpgsql plain; do
  db=bench_rules_$v
  newdb "$db"
  setup_variant "$db" "$v"
  psqlq -d "$db" -c "INSERT INTO erp_stock (item, wh, lot, serial, qty, reason, moved_on) VALUES
      ('LOT0001', 'W01', 'L0000001', NULL, 10, 'RCV', '2025-01-01'),
      ('SER001', 'W01', NULL, 'SN00000001', 1, 'RCV', '2025-01-01')"
  case $v in
    lottrace) block="SELECT lottrace.set_lot_status('LOT0001', 'L0000001', 'BLOCKED')" ;;
    plpgsql) block="UPDATE plt.lot SET status = 'BLOCKED' WHERE item = 'LOT0001' AND code = 'L0000001'" ;;
    plain) block="UPDATE plain.lot SET status = 'BLOCKED' WHERE item = 'LOT0001' AND code = 'L0000001'" ;;
  esac
  for i in "${!RULES[@]}"; do
    IFS='|' read -r label want stmt <<<"${RULES[$i]}"
    if [ "$v" = plain ] && [[ $PLAIN_RULES != *"|$label|"* ]]; then RULE_GOT[$v,$i]="—"; continue; fi
    stmt=${stmt//@BLOCK@/$block}
    out=$(printf '\\set VERBOSITY verbose\nBEGIN;\n%s;\nROLLBACK;\n' "$stmt" | psqlq -d "$db" 2>&1 >/dev/null) && got=ok \
      || got=$(sed -nE 's/^(psql:[^ ]* )?ERROR: +([0-9A-Z]{5}):.*/\2/p' <<<"$out" | awk 'NR == 1')
    RULE_GOT[$v,$i]="${got:-?} $(sed -nE 's/^CONSTRAINT NAME: +([^ ]+).*/\1/p' <<<"$out" | awk 'NR == 1')"
    [ "${got:-?}" = "$want" ] || { RULES_CHECK=FAIL; echo "rules: $v, $label: expected $want, got ${got:-?}: $out" >&2; }
  done
  dropdb_ "$db"
done
for i in "${!RULES[@]}"; do   # and for the same reason: lottrace_X <-> plt_X <-> plain_X
  a=${RULE_GOT[lottrace,$i]#* }; c=${RULE_GOT[plpgsql,$i]#* }; d=${RULE_GOT[plain,$i]#* }
  [ "${a#lottrace_}" = "${c#plt_}" ] || { RULES_CHECK=FAIL; echo "rules: ${RULES[$i]%%|*}: $a vs $c" >&2; }
  [ "$d" = "—" ] || [ "${a#lottrace_}" = "${d#plain_}" ] || { RULES_CHECK=FAIL; echo "rules: ${RULES[$i]%%|*}: $a vs $d" >&2; }
done
log "rules check (both PL/pgSQL variants refuse what lottrace refuses): $RULES_CHECK"
[ "$RULES_CHECK" = PASS ] || exit 1

declare -A W1_TOTAL W1_BATCHES W2_TPS SUMMARY
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${VARIANTS[@]}")
  ((round % 2)) || for ((i = 0; i < ${#VARIANTS[@]}; i++)); do order[i]=${VARIANTS[${#VARIANTS[@]} - 1 - i]}; done
  for v in "${order[@]}"; do
    db=bench_$v
    newdb "$db"
    setup_variant "$db" "$v"
    psqlq -d "$db" -c "CHECKPOINT"     # no ANALYZE of the empty tables: see docs/BENCHMARK.md
    log "round $round: W1 $v ..."
    batches=$(run_w1 "$db" "$v" | paste -sd' ')
    [ "$(wc -w <<<"$batches")" -eq 10 ] || { echo "W1 $v: expected 10 batch timings, got: $batches" >&2; exit 1; }
    total=$(awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s }' <<<"$batches")
    W1_TOTAL[$v,$round]=$total; W1_BATCHES[$v,$round]=$batches
    log "round $round: W1 $v: $total s  (batches: $batches)"
    sum=$(summary_sql "$v" | val "$db" -F' ')
    if [ -n "${SUMMARY[$v]:-}" ] && [ "${SUMMARY[$v]}" != "$sum" ]; then
      echo "W1 $v: registers differ between rounds: ${SUMMARY[$v]} / $sum" >&2; exit 1
    fi
    SUMMARY[$v]=$sum
    log "round $round: W2 $v ..."
    tps=$(run_w2 "$db" "$v")
    W2_TPS[$v,$round]=$tps
    log "round $round: W2 $v: $tps tps"
    dropdb_ "$db"
  done
done

# The registers must agree: rows, lots, loaded, on hand, serials in stock and
# both digests are identical in all variants.
REG_CHECK=PASS
for v in "${VARIANTS[@]}"; do
  [ "${SUMMARY[$v]}" = "${SUMMARY[bare]}" ] || REG_CHECK=FAIL
done
log "register check: $REG_CHECK"
if [ "$REG_CHECK" != PASS ]; then
  for v in "${VARIANTS[@]}"; do echo "  $v: ${SUMMARY[$v]}" >&2; done
  exit 1
fi

best_w1() { local v=$1 r b=; for ((r = 1; r <= ROUNDS; r++)); do
              b=$(awk -v a="$b" -v x="${W1_TOTAL[$v,$r]}" 'BEGIN { print (a == "" || x + 0 < a + 0) ? x : a }'); done; echo "$b"; }
best_w2() { local v=$1 r b=; for ((r = 1; r <= ROUNDS; r++)); do
              b=$(awk -v a="$b" -v x="${W2_TPS[$v,$r]}" 'BEGIN { print (a == "" || x + 0 > a + 0) ? x : a }'); done; echo "$b"; }

# ---------------------------------------------------------------------------
# BIG: three large statements, each one statement, on the attached table and
# on the bare one (fresh databases): an INSERT ... SELECT of 2M rows (at
# scale 1) over 50,000 lots in random order (row g is lot (g - 1) % lots + 1
# with id g, the rows ordered by hashint4(g): every lot's rows are spread
# over the whole statement), an UPDATE of the rows of even rounds (g - 1) /
# lots (qty + 1) and a DELETE of the odd ones: half the rows each, every lot
# touched by every statement, none emptied.  The number of lots is not
# scaled (the cliff is about distinct lots, not rows), only the rows (at
# least 4 per lot).  After each statement: lottrace.lot's row versions
# written (n_tup_ins + n_tup_upd, read in the same session after
# pg_stat_force_next_flush()) and size, and the registers checked against
# what the bare table's rows give.
# ---------------------------------------------------------------------------
BIG_STMTS=(insert update delete)
declare -A BIG_S BIG_R BIG_SQL BIG_STAT BIG_SUM BIG_LABEL
BIG_ROUNDS=${BENCH_BIG_ROUNDS:-$ROUNDS}
BIG_ROWS= BIG_CHECK=
if [ "${BENCH_SKIP_BIG:-0}" != 1 ]; then
  BIG_ROWS=$(calc "int(2000000 * $SCALE + 0.5)")
  BIG_LOTS=$(calc "($BIG_ROWS >= 200000) ? 50000 : int($BIG_ROWS / 4)")
  BIG_LABEL[insert]="\`INSERT ... SELECT\` of $BIG_ROWS rows over $BIG_LOTS lots, random order"
  BIG_LABEL[update]="\`UPDATE\` of $((BIG_ROWS / 2)) rows"
  BIG_LABEL[delete]="\`DELETE\` of $((BIG_ROWS / 2)) rows"
  BIG_SQL[insert]="INSERT INTO erp_stock (id, item, wh, lot, qty, reason, doc, moved_on)
    SELECT g, 'LOT' || lpad(((k - 1) % 1500 + 1)::text, 4, '0'), 'W' || lpad((k % 10 + 1)::text, 2, '0'),
           'L' || lpad(k::text, 7, '0'), 1 + g % 7, 'RCV', 'BIG', date '2025-03-01'
      FROM generate_series(1, $BIG_ROWS) g, LATERAL (SELECT (g - 1) % $BIG_LOTS + 1 AS k) x
     ORDER BY hashint4(g)"
  BIG_SQL[update]="UPDATE erp_stock SET qty = qty + 1 WHERE (id - 1) / $BIG_LOTS % 2 = 0"
  BIG_SQL[delete]="DELETE FROM erp_stock WHERE (id - 1) / $BIG_LOTS % 2 = 1"
  BIG_CHECK=PASS
  for ((round = 1; round <= BIG_ROUNDS; round++)); do
    if ((round % 2)); then big_order=(bare lottrace); else big_order=(lottrace bare); fi
    for v in "${big_order[@]}"; do
      db=bench_big_$v
      newdb "$db"
      setup_variant "$db" "$v"
      prev=0 prev_hot=0
      for st in "${BIG_STMTS[@]}"; do
        psqlq -d "$db" -c "CHECKPOINT"
        log "BIG: round $round, $st on $v ..."
        out=$({
          echo '\timing on'; echo "${BIG_SQL[$st]};"; echo '\timing off'
          if [ "$v" = lottrace ]; then
            echo "SELECT pg_stat_force_next_flush();"
            echo "SELECT 'lot', n_tup_ins + n_tup_upd, n_tup_hot_upd, pg_relation_size(relid), pg_total_relation_size(relid),
                         (SELECT count(*) FROM lottrace.lot) FROM pg_stat_user_tables WHERE relid = 'lottrace.lot'::regclass;"
          fi
        } | psqlq -d "$db" -At -F' ')
        BIG_R[$v,$st,$round]=$(awk '/^Time: / { printf "%.3f", $2 / 1000 }' <<<"$out")
        if [ -z "${BIG_S[$v,$st]:-}" ] || awk "BEGIN { exit !(${BIG_R[$v,$st,$round]} < ${BIG_S[$v,$st]}) }"; then
          BIG_S[$v,$st]=${BIG_R[$v,$st,$round]}
        fi
        if [ "$v" = lottrace ]; then
          read -r _ written hot heap total lots < <(grep '^lot ' <<<"$out")
          BIG_STAT[$st]="$((written - prev)) $((hot - prev_hot)) $(calc "sprintf(\"%.1f\", $heap / 1048576)") $(calc "sprintf(\"%.1f\", $total / 1048576)") $lots"
          prev=$written prev_hot=$hot
        fi
        BIG_SUM[$v,$st]=$(summary_sql "$v" | val "$db" -F' ')
        stat=
        [ "$v" = lottrace ] && stat=" (lottrace.lot: versions written, of them HOT, heap MB, total MB, lots: ${BIG_STAT[$st]})"
        log "BIG: round $round, $st on $v: ${BIG_R[$v,$st,$round]} s$stat"
      done
      dropdb_ "$db"
    done
    for st in "${BIG_STMTS[@]}"; do
      if [ "${BIG_SUM[bare,$st]}" != "${BIG_SUM[lottrace,$st]}" ]; then
        BIG_CHECK=FAIL
        echo "BIG: round $round: registers after the $st differ: bare ${BIG_SUM[bare,$st]} / lottrace ${BIG_SUM[lottrace,$st]}" >&2
      fi
    done
  done
  log "BIG: register check: $BIG_CHECK"
  [ "$BIG_CHECK" = PASS ] || exit 1
fi

# ---------------------------------------------------------------------------
# MEM: one COPY of 10x the W1 rows (10,000,000 at scale 1) into the attached
# table, in a single statement.  The backend's /proc/<pid>/status is read by
# the same session after the COPY (VmHWM, the peak resident set, which also
# counts the shared buffers the backend touched) and sampled every 0.1 s
# from outside during it (peak RssAnon: the backend's private memory).
# VmHWM counts every shared buffer the backend touched, so this step runs
# with PostgreSQL's default shared_buffers (128MB) rather than the 1GB of the
# variants: otherwise the target would measure the buffer pool, not lottrace.
# ---------------------------------------------------------------------------
MEM_ROWS= MEM_SECONDS= MEM_HWM= MEM_ANON= MEM_SHMEM= MEM_CONTEXTS=
MEM_SHARED_BUFFERS=128MB
if [ "${BENCH_SKIP_MEMORY:-0}" != 1 ]; then
  mnl=$(calc "10 * $NL"); mns=$(calc "10 * $NS"); mnu=$(calc "10 * $NU")
  MEM_ROWS=$(calc "8 * $mnl + $mns + int($mns / 2) + 2 * $mnu")
  psqlq -d postgres -c "ALTER SYSTEM SET shared_buffers = '$MEM_SHARED_BUFFERS'"
  pgc_stop bench && pgc_start bench || exit 1
  newdb bench_mem
  setup_variant bench_mem lottrace
  psqlq -d bench_mem -c "CHECKPOINT"
  log "MEM: one COPY of $MEM_ROWS rows into the attached table ..."
  rm -f "$work/mem.pid" "$work/mem.out"
  cat >"$work/mem.sql" <<EOF
SELECT pg_backend_pid() AS pid \gset
\o $work/mem.pid
\qecho :pid
\o
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
\copy $COLS FROM PROGRAM 'awk -v nl=$mnl -v ns=$mns -v nu=$mnu -f $bdir/gen-data.awk' WITH (FORMAT csv)
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 1) AS seconds,
       (regexp_match(s, 'VmHWM:\s+(\d+)'))[1] AS vmhwm_kb,
       (regexp_match(s, 'RssShmem:\s+(\d+)'))[1] AS rssshmem_kb,
       (SELECT count(*) FROM lottrace.lot) AS lots
  FROM pg_read_file('/proc/' || pg_backend_pid() || '/status') s
\g (format=unaligned tuples_only fieldsep=' ') $work/mem.out
EOF
  psqlq -d bench_mem -f "$work/mem.sql" &
  mem_psql=$!; bg_pids+=("$mem_psql")
  while [ ! -s "$work/mem.pid" ] && kill -0 "$mem_psql" 2>/dev/null; do sleep 0.05; done
  bpid=$(tr -dc 0-9 <"$work/mem.pid")
  # While the private memory grows (by 20 % since the last dump, and past
  # 64 MB), the backend is asked to log its memory contexts
  # (pg_log_backend_memory_contexts); the last dump, the one nearest the
  # peak, is reported.
  peak_anon=0; dumped=65536
  while kill -0 "$mem_psql" 2>/dev/null; do
    a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$bpid/status" 2>/dev/null || true)
    [ -n "$a" ] && [ "$a" -gt "$peak_anon" ] && peak_anon=$a
    if [ -n "$a" ] && [ "$a" -gt $((dumped * 6 / 5)) ]; then
      val postgres -c "SELECT pg_log_backend_memory_contexts($bpid)" >/dev/null 2>&1 || true
      dumped=$a
    fi
    sleep 0.1
  done
  wait "$mem_psql"
  MEM_CONTEXTS=$(awk -v pid="$bpid" '
      index($0, "logging memory contexts of PID " pid) { n = 0; delete l; next }
      /level: [0-9]+; / && !done { sub(/^.*LOG: +/, ""); l[++n] = $0 }
      /Grand total:/ { sub(/^.*LOG: +/, ""); gt = $0 }
      END { for (i = 1; i <= n; i++) print l[i]; print gt }' "$(pgc_dir bench)/server.log" \
    | awk '/Grand total/ { g = $0; next } { t = $0; sub(/ total in .*/, "", t); sub(/.*: /, "", t); print t "\t" $0 } END { print "999999999999\t" g }' \
    | sort -t$'\t' -k1,1nr | awk 'NR <= 16' | cut -f2-) || true
  read -r MEM_SECONDS hwm shm mem_lots <"$work/mem.out"
  MEM_HWM=$(calc "$hwm / 1024"); MEM_SHMEM=$(calc "$shm / 1024"); MEM_ANON=$(calc "$peak_anon / 1024")
  MEM_HWM=${MEM_HWM%.*}; MEM_SHMEM=${MEM_SHMEM%.*}; MEM_ANON=${MEM_ANON%.*}
  log "MEM: $MEM_ROWS rows in $MEM_SECONDS s; VmHWM $MEM_HWM MB (RssShmem $MEM_SHMEM MB), peak RssAnon $MEM_ANON MB; $mem_lots lots"
  dropdb_ bench_mem
  psqlq -d postgres -c "ALTER SYSTEM RESET shared_buffers"
  pgc_stop bench && pgc_start bench || exit 1
fi

# ---------------------------------------------------------------------------
# MICRO: a million codes '<ITEM>-<YYYYMMDD>-<SEQ:4>' (1 % with an impossible
# date); each query 7 times after a warm-up, the fastest (and the median
# shown); no parallel workers.
# ---------------------------------------------------------------------------
MICRO_RE='^.+-([0-9]{4}(0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|[0-9]{4}(0[469]|11)(0[1-9]|[12][0-9]|30)|[0-9]{4}02(0[1-9]|1[0-9]|2[0-8])|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)0229)-[0-9]{4}$'
MICRO_FMT='{ITEM}-{YYYY}{MM}{DD}-{SEQ:4}'
declare -A MICRO_MS MICRO_MED MICRO_N
if [ "${BENCH_SKIP_MICRO:-0}" != 1 ]; then
  MICRO_ROWS=$(calc "int(1000000 * $SCALE + 0.5)")
  newdb bench_micro
  psqlq -d bench_micro -c "CREATE EXTENSION lottrace" -c "
    CREATE TABLE micro AS
    SELECT CASE WHEN n % 100 = 0
                THEN 'ITEM' || n % 500 || '-' || (ARRAY['20251301', '20250230', '20240431', '20230229'])[n / 100 % 4 + 1]
                ELSE 'ITEM' || n % 500 || '-' || to_char(date '2024-01-01' + n % 1100, 'YYYYMMDD')
           END || '-' || lpad((n % 10000)::text, 4, '0') AS x
      FROM generate_series(1, $MICRO_ROWS) n" -c "VACUUM ANALYZE micro"
  log "MICRO: $MICRO_ROWS codes ..."
  psqlq -d bench_micro -At -F' ' -v re="$MICRO_RE" -v fmt="$MICRO_FMT" >"$work/micro.out" <<'EOF'
SET max_parallel_workers_per_gather = 0;
CREATE FUNCTION pg_temp.measure(what text, cond text) RETURNS TABLE (w text, ms numeric, median_ms numeric, n bigint)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; k bigint; times numeric[] := '{}';
BEGIN
  EXECUTE 'SELECT count(*) FROM micro WHERE ' || cond INTO k;      -- warm-up
  FOR i IN 1..7 LOOP
    t0 := clock_timestamp();
    EXECUTE 'SELECT count(*) FROM micro WHERE ' || cond INTO k;
    times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RETURN QUERY SELECT what, (SELECT round(min(t), 3) FROM unnest(times) t),
                      (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t)::numeric, 3) FROM unnest(times) t), k;
END $$;
SELECT * FROM pg_temp.measure('text', 'x::text IS NOT NULL');
SELECT * FROM pg_temp.measure('lotcode', 'x::lottrace.lotcode IS NOT NULL');
SELECT * FROM pg_temp.measure('regex', format('x ~ %L', :'re'));
SELECT * FROM pg_temp.measure('matches', format('lottrace.matches(x, %L)', :'fmt'));
EOF
  while read -r w ms med n; do MICRO_MS[$w]=$ms; MICRO_MED[$w]=$med; MICRO_N[$w]=$n; done <"$work/micro.out"
  log "MICRO: $(paste -sd';' "$work/micro.out")"
  if [ "${MICRO_N[regex]}" != "${MICRO_N[matches]}" ]; then
    echo "MICRO: matches() and the regex disagree: ${MICRO_N[matches]} vs ${MICRO_N[regex]} codes" >&2; exit 1
  fi
  dropdb_ bench_micro
fi

# ---------------------------------------------------------------------------
# PROFILE: perf over the lottrace variant's whole W1 import (not timed).
# ---------------------------------------------------------------------------
PROFILE_TXT= PROFILE_W2_TXT=
if [ "${BENCH_PROFILE:-1}" != 0 ] && command -v perf >/dev/null; then
  newdb bench_prof
  setup_variant bench_prof lottrace
  psqlq -d bench_prof -c "CHECKPOINT"
  log "PROFILE: perf record of lottrace's W1 import ..."
  rm -f "$work/prof.pid" "$work/prof.ready"
  {
    echo 'SELECT pg_backend_pid() AS pid \gset'
    echo "\\o $work/prof.pid"; echo '\qecho :pid'; echo '\o'
    echo "\\! while [ ! -e $work/prof.ready ]; do sleep 0.05; done"
    for k in 01 02 03 04 05 06 07 08 09 10; do
      echo "\\copy $COLS FROM '$work/batch-$k.csv' WITH (FORMAT csv)"
    done
  } >"$work/prof.sql"
  psqlq -d bench_prof -f "$work/prof.sql" &
  prof_psql=$!; bg_pids+=("$prof_psql")
  while [ ! -s "$work/prof.pid" ] && kill -0 "$prof_psql" 2>/dev/null; do sleep 0.05; done
  bpid=$(tr -dc 0-9 <"$work/prof.pid")
  perf record -q -F 499 -g -p "$bpid" -o "$work/perf.data" >/dev/null 2>"$work/perf.log" &
  perf_pid=$!; bg_pids+=("$perf_pid")
  sleep 1; touch "$work/prof.ready"
  wait "$prof_psql"
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  if [ -s "$work/perf.data" ]; then
    PROFILE_TXT=$(perf_summary "$work/perf.data" "lottrace functions (including callees):" \
                   '/ lottrace\.so /' 25)
  else
    PROFILE_TXT="perf record failed: $(tail -3 "$work/perf.log")"
  fi

  # W2 on the imported data: perf on the two pgbench backends for 8 s.
  log "PROFILE: perf record of lottrace's W2 ..."
  psqlq -d bench_prof -c "CREATE TABLE w2_candidate AS $W2_CANDIDATES" \
    -c "ALTER TABLE w2_candidate ADD PRIMARY KEY (k)" -c "VACUUM ANALYZE" -c "CHECKPOINT"
  n=$(val bench_prof -c "SELECT count(*) FROM w2_candidate")
  "$PGBIN/pgbench" -n -M prepared -c "$W2_CLIENTS" -j "$W2_CLIENTS" -T 12 -D ncand="$n" \
    -f "$bdir/w2-unload.sql" bench_prof >"$work/prof-w2.log" 2>&1 &
  pgb=$!; bg_pids+=("$pgb")
  sleep 2
  bpids=$(val bench_prof -c "SELECT string_agg(pid::text, ',') FROM pg_stat_activity
                              WHERE application_name = 'pgbench' AND datname = 'bench_prof'")
  if [ -n "$bpids" ]; then
    perf record -q -F 499 -g -p "$bpids" -o "$work/perf-w2.data" -- sleep 8 >/dev/null 2>"$work/perf-w2.log" || true
  fi
  wait "$pgb" || true
  if [ -s "$work/perf-w2.data" ]; then
    PROFILE_W2_TXT=$(perf_summary "$work/perf-w2.data" \
                      "Functions including callees (unresolved postgres addresses left out):" \
                      '!/\] 0x0000/' 40)
  fi
  dropdb_ bench_prof
fi

# ---------------------------------------------------------------------------
# GENEALOGY: test/bench/genealogy.sql (1,000,000 lots, ~3,000,000 links).
# ---------------------------------------------------------------------------
GEN_TXT=
if [ "${BENCH_SKIP_GENEALOGY:-0}" != 1 ]; then
  newdb bench_genealogy
  log "GENEALOGY: test/bench/genealogy.sql ..."
  psqlq -d bench_genealogy -A -F'|' -f "$bdir/genealogy.sql" >"$work/genealogy.out" 2>&1 \
    || { cat "$work/genealogy.out" >&2; exit 1; }
  GEN_TXT=$(grep -E '^(lots:|traced lot:|what\||trace_forward|trace_backward|recall|epcis_document)' "$work/genealogy.out")
  log "GENEALOGY: $(paste -sd';' <<<"$GEN_TXT")"
  dropdb_ bench_genealogy
fi

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
LOADAVG_END=$(cut -d" " -f1-3 /proc/loadavg)
verdict() { awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"; }
a=$(best_w1 bare); b=$(best_w1 lottrace); c=$(best_w1 plpgsql); d=$(best_w1 plain)
e=$(best_w1 odoo_bare); f=$(best_w1 odoo); g=$(best_w1 lottrace_own)
ta=$(best_w2 bare); tb=$(best_w2 lottrace); tc=$(best_w2 plpgsql); td=$(best_w2 plain)
te=$(best_w2 odoo_bare); tf=$(best_w2 odoo); tg=$(best_w2 lottrace_own)
ratio() { calc "sprintf(\"%.2f\", $1 / $2)"; }
r_ba=$(ratio "$b" "$a"); r_cb=$(ratio "$c" "$b"); r_ca=$(ratio "$c" "$a")
r_db=$(ratio "$d" "$b"); r_da=$(ratio "$d" "$a"); r_dc=$(ratio "$d" "$c")
r_fb=$(ratio "$f" "$b"); r_fe=$(ratio "$f" "$e"); r_ea=$(ratio "$e" "$a")
t_ba=$(ratio "$tb" "$ta"); t_ca=$(ratio "$tc" "$ta"); t_bc=$(ratio "$tb" "$tc")
t_bd=$(ratio "$tb" "$td"); t_da=$(ratio "$td" "$ta")
t_bf=$(ratio "$tb" "$tf"); t_fe=$(ratio "$tf" "$te"); t_ea=$(ratio "$te" "$ta")
rps() { calc "sprintf(\"%.0f\", $W1_ROWS / $1)"; }

{
  echo "# lottrace benchmark results"
  echo
  echo "Written by \`make bench\` (test/bench/run-bench.sh); method in docs/BENCHMARK.md."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| machine | $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(free -g | awk '/^Mem:/ { print $2 }') GB memory (\`free -g\`), load average (1, 5, 15 min) before the run: $LOADAVG_START, after: $LOADAVG_END |"
  echo "| PostgreSQL | $pg_version |"
  echo "| lottrace | $BUILT |"
  echo "| scale | $SCALE (W1 $W1_ROWS rows; $ROUNDS round(s), best of rounds reported) |"
  echo "| settings | $(printf '%s, ' "${SETTINGS[@]}" | sed 's/, $//'); plus scripts/pgcluster.sh: max_connections = 60, Unix socket only |"
  echo
  echo "## Results"
  echo
  echo "| measure | (a) bare | (b) lottrace | (c) PL/pgSQL | (d) plain PL/pgSQL | ratio | target | |"
  echo "|---|---:|---:|---:|---:|---|---|---|"
  echo "| W1 bulk import, s (rows/s) | $a ($(rps "$a")) | $b ($(rps "$b")) | $c ($(rps "$c")) | $d ($(rps "$d")) | b/a = $r_ba | b/a <= 1.5 (stretch 1.25) | $(verdict "$r_ba <= 1.5")$( [ "$(verdict "$r_ba <= 1.25")" = PASS ] && echo ', stretch PASS' || echo ', stretch MISS') |"
  echo "| W1 PL/pgSQL vs lottrace | | | | | c/b = $r_cb (c/a = $r_ca) | c/b >= 4 | $(verdict "$r_cb >= 4") |"
  echo "| W1 plain PL/pgSQL vs lottrace | | | | | d/b = $r_db (d/a = $r_da, d/c = $r_dc) | d/b >= 3 | $(verdict "$r_db >= 3") |"
  echo "| W1 lottrace attached with generate => false (b2), s | | $g ($(rps "$g")) | | | b2/a = $(ratio "$g" "$a") (b2/b = $(ratio "$g" "$b")) | b2/a <= 1.5 | $(verdict "$(ratio "$g" "$a") <= 1.5") |"
  echo "| W2 OLTP, tps | $ta | $tb | $tc | $td | b/a = $t_ba (c/a = $t_ca, b/c = $t_bc) | b/a >= 0.75 | $(verdict "$t_ba >= 0.75") |"
  echo "| W2 lottrace vs plain PL/pgSQL | | | | | b/d = $t_bd (d/a = $t_da) | b/d >= 1.5 | $(verdict "$t_bd >= 1.5") |"
  echo "| W2 lottrace attached with generate => false (b2), tps | | $tg | | | b2/a = $(ratio "$tg" "$ta") (b2/b = $(ratio "$tg" "$tb")) | (reported) | |"
  echo "| W3 Odoo-shaped W1, s: (a) bare, (b) attached | $e ($(rps "$e")) | $f ($(rps "$f")) | | | W3/W1 lottrace = $r_fb (W3 b/a = $r_fe; W3/W1 bare = $r_ea) | W3/W1 <= 1.3 | $(verdict "$r_fb <= 1.3") |"
  echo "| W3 Odoo-shaped W2, tps: (a) bare, (b) attached | $te | $tf | | | W1/W3 lottrace = $t_bf (W3 b/a = $t_fe; W3/W1 bare = $t_ea) | W1/W3 <= 1.3 | $(verdict "$t_bf <= 1.3") |"
  if [ -n "$BIG_ROWS" ]; then
    for st in "${BIG_STMTS[@]}"; do
      r=$(ratio "${BIG_S[lottrace,$st]}" "${BIG_S[bare,$st]}"); lim=$([ "$st" = insert ] && echo 2 || echo 3)
      echo "| BIG ${BIG_LABEL[$st]}, s | ${BIG_S[bare,$st]} | ${BIG_S[lottrace,$st]} | | | b/a = $r | b/a <= $lim | $(verdict "$r <= $lim") |"
    done
  fi
  if [ -n "$MEM_ROWS" ]; then
    echo "| MEM single COPY of $MEM_ROWS rows (shared_buffers $MEM_SHARED_BUFFERS): VmHWM, MB | | $MEM_HWM | | | | < 256 | $(verdict "$MEM_HWM < 256") |"
    echo "| MEM same COPY: peak private memory (RssAnon), MB | | $MEM_ANON | | | | < 256 | $(verdict "$MEM_ANON < 256") |"
  fi
  if [ -n "${MICRO_MS[text]:-}" ]; then
    n=${MICRO_ROWS}
    ns_() { calc "sprintf(\"%.0f\", ${MICRO_MS[$1]} * 1000000 / $n)"; }
    echo "| MICRO \`x::text\` vs \`x::lottrace.lotcode\`, ns/code | | $(ns_ lotcode) | | | lotcode/text = $(calc "sprintf(\"%.2f\", ${MICRO_MS[lotcode]} / ${MICRO_MS[text]})") (text: $(ns_ text) ns; input cost $(calc "sprintf(\"%.0f\", (${MICRO_MS[lotcode]} - ${MICRO_MS[text]}) * 1000000 / $n)") ns) | (reported) | |"
    echo "| MICRO \`matches()\` vs regex \`~\`, ns/code | | $(ns_ matches) | | | matches/regex = $(calc "sprintf(\"%.2f\", ${MICRO_MS[matches]} / ${MICRO_MS[regex]})") (regex: $(ns_ regex) ns) | matches faster | $(verdict "${MICRO_MS[matches]} < ${MICRO_MS[regex]}") |"
  fi
  echo
  echo "For comparison, the issue's reference measured earlier with the same workload: W1 bare ≈ 9.9 s, PL/pgSQL ≈ 61 s (6.2x); W2 bare ≈ 17,000 tps, PL/pgSQL ≈ 6,600 tps (other machine state and settings)."
  echo
  echo "Register check after W1 (rows, lots, loaded, on hand, serials in stock, digest of every lot/warehouse balance, digest of in-stock serials): **$REG_CHECK** — identical in all variants (bare and odoo_bare: derived from the ERP rows; odoo: product and location ids mapped back to their codes)."
  echo
  echo '```'
  for v in "${VARIANTS[@]}"; do printf '%-9s %s\n' "$v" "${SUMMARY[$v]}"; done
  echo '```'
  echo
  echo "Rules check before the measurements: each statement breaks one rule (in a rolled-back transaction, after an opening stock of lot L0000001 = 10 in W01 and serial SN00000001 in W01); the variants must give the expected SQLSTATE (the constraint name each one sets is shown after it), the plain trigger for the rules it has (— : not one of its rules): **$RULES_CHECK**."
  echo
  echo "| statement | expected | lottrace | PL/pgSQL | plain PL/pgSQL |"
  echo "|---|---|---|---|---|"
  for i in "${!RULES[@]}"; do
    IFS='|' read -r label want stmt <<<"${RULES[$i]}"
    echo "| $label | $want | ${RULE_GOT[lottrace,$i]} | ${RULE_GOT[plpgsql,$i]} | ${RULE_GOT[plain,$i]} |"
  done
  if [ -n "$BIG_ROWS" ]; then
    echo
    echo "## Big statements"
    echo
    echo "One statement each, on the attached table and on the bare one (fresh databases, a CHECKPOINT before each; $BIG_ROUNDS round(s), the variant order alternating, the best of the rounds reported and every round below): $BIG_ROWS rows over $BIG_LOTS lots in random order, then half of them updated, then the other half deleted (every lot touched by every statement). lottrace.lot after each statement: the row versions it wrote (n_tup_ins + n_tup_upd of pg_stat_user_tables, after pg_stat_force_next_flush(); n_tup_upd counts the HOT updates too), its size and its lots. Registers checked against the bare table's rows after each statement: **$BIG_CHECK**."
    echo
    echo "| statement | bare, s | lottrace, s | lottrace/bare | lottrace.lot versions written (HOT) | per lot | lottrace.lot heap / with indexes, MB | lots |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for st in "${BIG_STMTS[@]}"; do
      read -r written hot heap total lots <<<"${BIG_STAT[$st]}"
      echo "| ${BIG_LABEL[$st]} | ${BIG_S[bare,$st]} | ${BIG_S[lottrace,$st]} | $(ratio "${BIG_S[lottrace,$st]}" "${BIG_S[bare,$st]}") | $written ($hot) | $(ratio "$written" "$BIG_LOTS") | $heap / $total | $lots |"
    done
    echo
    echo "Every round, in seconds (bare / lottrace, and their ratio):"
    echo
    echo "| round | INSERT ... SELECT | UPDATE | DELETE |"
    echo "|---|---|---|---|"
    for ((round = 1; round <= BIG_ROUNDS; round++)); do
      line="| $round |"
      for st in "${BIG_STMTS[@]}"; do
        line+=" ${BIG_R[bare,$st,$round]} / ${BIG_R[lottrace,$st,$round]} ($(ratio "${BIG_R[lottrace,$st,$round]}" "${BIG_R[bare,$st,$round]}")) |"
      done
      echo "$line"
    done
  fi
  echo
  echo "## Every round"
  echo
  echo "Rounds alternate the variant order (odd: as listed; even: reversed); the table above reports the best of the rounds (the least disturbed by other load on the machine)."
  echo
  echo "| round | variant | W1 total, s | W1 batches 1-10, s | W2 tps |"
  echo "|---|---|---:|---|---:|"
  for ((round = 1; round <= ROUNDS; round++)); do
    for v in "${VARIANTS[@]}"; do
      echo "| $round | $v | ${W1_TOTAL[$v,$round]} | ${W1_BATCHES[$v,$round]} | ${W2_TPS[$v,$round]} |"
    done
  done
  if [ -n "$MEM_ROWS" ]; then
    echo
    echo "## Memory"
    echo
    echo "One \`\\copy\` of $MEM_ROWS rows (the W1 data at 10x: $(calc "10 * $NL") lots x 4 warehouses loaded then unloaded, $(calc "10 * $NS") serials, untracked rows) into the attached table, in $MEM_SECONDS s ($(calc "sprintf(\"%.0f\", $MEM_ROWS / $MEM_SECONDS)") rows/s), generated on the fly. VmHWM read by the same session from /proc after the COPY: $MEM_HWM MB, of which $MEM_SHMEM MB are shared buffers the backend touched (RssShmem at that moment; this step runs with shared_buffers = $MEM_SHARED_BUFFERS, PostgreSQL's default, so that VmHWM is about the backend's own memory). The backend's private memory (RssAnon), sampled every 0.1 s during the COPY, peaked at $MEM_ANON MB."
    if [ -n "$MEM_CONTEXTS" ]; then
      echo
      echo "The largest memory contexts of the backend in its last dump during the COPY (\`pg_log_backend_memory_contexts\`, taken when its private memory had grown by 20 %):"
      echo
      echo '```'
      echo "$MEM_CONTEXTS"
      echo '```'
    fi
  fi
  if [ -n "${MICRO_MS[text]:-}" ]; then
    echo
    echo "## Micro-benchmarks"
    echo
    echo "$MICRO_ROWS codes \`<ITEM>-<YYYYMMDD>-<SEQ:4>\` (1 % with an impossible date), \`SELECT count(*) FROM micro WHERE ...\`, 7 times after a warm-up, the fastest run reported (ns/code and the ratios above) and the median shown; no parallel workers:"
    echo
    echo "| condition | fastest ms | median ms | ns/code | rows counted |"
    echo "|---|---:|---:|---:|---:|"
    echo "| \`x::text IS NOT NULL\` | ${MICRO_MS[text]} | ${MICRO_MED[text]} | $(ns_ text) | ${MICRO_N[text]} |"
    echo "| \`x::lottrace.lotcode IS NOT NULL\` | ${MICRO_MS[lotcode]} | ${MICRO_MED[lotcode]} | $(ns_ lotcode) | ${MICRO_N[lotcode]} |"
    echo "| \`lottrace.matches(x, '$MICRO_FMT')\` | ${MICRO_MS[matches]} | ${MICRO_MED[matches]} | $(ns_ matches) | ${MICRO_N[matches]} |"
    echo "| \`x ~ '<regex below>'\` | ${MICRO_MS[regex]} | ${MICRO_MED[regex]} | $(ns_ regex) | ${MICRO_N[regex]} |"
    echo
    echo "The regular expression (the format's exact equivalent, leap years included):"
    echo
    echo '```'
    echo "$MICRO_RE"
    echo '```'
  fi
  if [ -n "$GEN_TXT" ]; then
    echo
    echo "## Genealogy (test/bench/genealogy.sql)"
    echo
    echo "1,000,000 lots in 10 layers, about 3,000,000 links, an attached ERP table of 2,000,000 rows; each trace 5 times, median:"
    echo
    echo '```'
    echo "$GEN_TXT" | sed 's/|/  |  /g'
    echo '```'
  fi
  if [ -n "$PROFILE_TXT" ]; then
    echo
    echo "## Profile of the lottrace variant's W1 import"
    echo
    echo "\`perf record -F 499 -g\` on the backend during the 10 batches (a separate, untimed run):"
    echo
    echo '```'
    echo "$PROFILE_TXT" | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//'
    echo '```'
  fi
  if [ -n "$PROFILE_W2_TXT" ]; then
    echo
    echo "## Profile of the lottrace variant's W2 (OLTP)"
    echo
    echo "\`perf record -F 499 -g\` on both pgbench backends for 8 s of a 12 s pgbench run on the imported data (untimed):"
    echo
    echo '```'
    echo "$PROFILE_W2_TXT" | sed -E 's/[[:space:]]+-[[:space:]]+-[[:space:]]*$//'
    echo '```'
  fi
} >"$RESULTS"

echo
sed -n '/^## Results/,/^## Every round/p' "$RESULTS" | sed '$d'
echo "Full results: $RESULTS"
