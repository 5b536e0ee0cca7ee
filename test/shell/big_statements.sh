#!/usr/bin/env bash
# Rules judged at the end of a statement, at full size: statements of 150,000
# lots, which the engine writes in several chunks of about 24 MB (no
# lottrace.debug_chunk_rows here; sql/23_chunks.sql covers the same rules
# with small chunks).  Each refused statement must leave nothing behind,
# each taken one must leave verify() clean.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/cluster-test.bash

N=${BIG_LOTS:-150000}
pgc_init big >/dev/null
pgc_start big
q() { pgc_psql big -At -c "$1"; }
# expect_refused NAME CONSTRAINT SQL: refused with that constraint, after
# being written in at least MIN_CHUNKS chunks (the engine's DEBUG1 line)
MIN_CHUNKS=${MIN_CHUNKS:-3}
expect_refused() {
  local out con chunks
  out=$(pgc_psql big -At -c "SET client_min_messages = debug1" ${SETTING:+-c "$SETTING"} -c "DO \$\$ DECLARE c text; m text;
      BEGIN EXECUTE \$q\$$3\$q\$; RAISE NOTICE 'result=taken';
      EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, m = MESSAGE_TEXT;
        RAISE NOTICE 'result=% (%)', c, m; END \$\$" 2>&1)
  con=$(echo "$out" | sed -n 's/.*result=\([^ ]*\).*/\1/p')
  chunks=$(echo "$out" | sed -n 's/.*lottrace: writing chunk \([0-9]*\) .*/\1/p' | sort -n | tail -1)
  [ "$con" = "$2" ] || fail "$1: $(echo "$out" | grep 'result=' | sed 's/.*result=//'), expected $2"
  [ "${chunks:-0}" -ge "$MIN_CHUNKS" ] || fail "$1: written in ${chunks:-0} chunks, the test needs $MIN_CHUNKS"
  echo "ok: $1: refused ($2) after $chunks chunks"
}

pgc_psql big -q <<SQL
CREATE EXTENSION lottrace;
INSERT INTO lottrace.item (item, lot_tracked, single_supplier) VALUES ('LOT', true, false), ('SUP', true, true);
INSERT INTO lottrace.reason (code, direction, new_lot_only) VALUES ('IN', 'load', false), ('OUT', 'unload', false), ('NEW', 'load', true);
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('W1', false);
CREATE TABLE moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text, acct text);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', account => 'acct');
INSERT INTO moves SELECT g, 'LOT', 5, 'W1', 'LOT-' || lpad(g::text, 8, '0'), 'IN' FROM generate_series(1, $N) g;
SQL
state() { q "SELECT count(*) || ' lots, ' || sum(on_hand) || ' on hand, min ' || min(on_hand) FROM lottrace.lot_stock WHERE item = 'LOT'"; }
base=$(state)
echo "loaded: $base"

expect_refused "shipping 6 from each of $N lots holding 5" lottrace_negative_stock \
  "INSERT INTO moves SELECT 1000000 + g, 'LOT', 6, 'W1', 'LOT-' || lpad(g::text, 8, '0'), 'OUT' FROM generate_series(1, $N) g"
expect_refused "shipping 5 from each, 6 from the last lot" lottrace_negative_stock \
  "INSERT INTO moves SELECT 1000000 + g, 'LOT', CASE WHEN g = $N THEN 6 ELSE 5 END, 'W1', 'LOT-' || lpad(g::text, 8, '0'), 'OUT' FROM generate_series(1, $N) g"
[ "$(state)" = "$base" ] || fail "a refused statement left changes: $(state)"
q "INSERT INTO moves SELECT 2000000 + g, 'LOT', 2, 'W1', 'LOT-' || lpad(g::text, 8, '0'), 'OUT' FROM generate_series(1, $N) g" >/dev/null
expect_refused "DELETE of $N partly shipped receipts" lottrace_negative_stock "DELETE FROM moves WHERE id <= $N"
expect_refused "UPDATE lowering $N receipts below what was shipped" lottrace_negative_stock "UPDATE moves SET qty = 1 WHERE id <= $N"
expect_refused "a NEW load into an existing lot at the end of $N new lots" lottrace_new_lot_only \
  "INSERT INTO moves SELECT 3000000 + g, 'LOT', 1, 'W1', CASE WHEN g = $N THEN 'LOT-' || lpad(g::text, 8, '0') ELSE 'NEW-' || g END, 'NEW' FROM generate_series(1, $N) g"
# (rows as they come, in chunks: read in lot passes, each lot's loads from A
# and from B would be in one chunk; sql/23_chunks.sql has that case)
SETTING="SET lottrace.debug_lot_passes = 1" \
expect_refused "$N single-supplier lots from A, then from B, in one statement" lottrace_single_supplier \
  "INSERT INTO moves SELECT 4000000 + g, 'SUP', 1, 'W1', 'SUP-' || g, 'IN', 'A' FROM generate_series(1, $N) g UNION ALL SELECT 5000000 + g, 'SUP', 1, 'W1', 'SUP-' || g, 'IN', 'B' FROM generate_series(1, $N) g"
[ "$(q "SELECT count(*) FROM lottrace.lot WHERE item = 'SUP'")" = 0 ] || fail "refused SUP loads left lots"

# Lot passes (engine.c): rows that keep coming back to more lots than a chunk
# holds are read again in passes, and each lot is written once per
# statement, whatever the order of the rows.  M lots, R rows in random order.
M=${PASS_LOTS:-100000}
R=$((M * 4))
q "INSERT INTO lottrace.item (item, lot_tracked) VALUES ('RND', true)" >/dev/null
writes() {
  q "SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relid = 'lottrace.lot'::regclass"
}
# one_write NAME SQL: the statement writes each of its lots once
one_write() {
  local before after out lots
  before=$(writes)
  out=$(pgc_psql big -At -c "SET client_min_messages = debug1" -c "$2" 2>&1) || fail "$1: $out"
  sleep 1   # the session's statistics are sent when it ends
  after=$(writes)
  lots=$(q "SELECT count(*) FROM lottrace.lot WHERE item = 'RND'")
  echo "$out" | grep -q 'lot passes' || fail "$1: not read in lot passes: $(echo "$out" | grep lottrace | head -5)"
  [ $((after - before)) -eq "$lots" ] ||
    fail "$1: $((after - before)) lot row versions written for $lots lots"
  echo "ok: $1: $lots lots written once each ($(echo "$out" | sed -n 's/.*lottrace: reading rows [0-9]* on in \([0-9]*\) lot passes/\1 passes/p'))"
}
one_write "INSERT of $R rows over $M lots in random order" \
  "INSERT INTO moves SELECT 6000000 + g, 'RND', 1, 'W1', 'RND-' || (g::bigint * 7919) % $M, 'IN' FROM generate_series(1, $R) g ORDER BY hashint4(g)"
one_write "UPDATE of those rows" "UPDATE moves SET qty = 2 WHERE item = 'RND'"
[ "$(q "SELECT sum(on_hand) FROM lottrace.lot_stock WHERE item = 'RND'")" = "$((R * 2))" ] || fail "RND stock after the UPDATE"
one_write "DELETE of those rows" "DELETE FROM moves WHERE item = 'RND'"
[ "$(q "SELECT coalesce(sum(on_hand), 0) FROM lottrace.lot_stock WHERE item = 'RND'")" = 0 ] || fail "RND stock after the DELETE"

bad=$(q "SELECT count(*) FROM lottrace.verify()")
[ "$bad" = 0 ] || fail "verify(): $bad problems"
echo "ok: verify() clean; $(state)"
echo "big statements: ok"
