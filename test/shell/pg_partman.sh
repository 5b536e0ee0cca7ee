#!/usr/bin/env bash
# An ERP movement table partitioned by month and managed by pg_partman 4.7
# (native partitioning), attached to lottrace (docs/SCALING.md,
# "Partitioning the ERP table by date").  pg_partman's background worker is
# not used: run_maintenance() is called directly, as a scheduler would.
#
#  1. a partition created with session_replication_role = replica is
#     governed (lottrace's event triggers fire ALWAYS), and verify() reports
#     a partition that lacks lottrace's triggers;
#  2. retention that detaches a partition (retention_keep_table = true)
#     leaves it clean: no lottrace triggers, writable, truncatable;
#  3. retention that drops partitions keeps their effect as archived
#     balances: stock, serials and genealogy stay, verify() is clean and
#     rebuild() changes nothing; the rebuild HINT is not printed for the
#     empty partitions run_maintenance() creates, only for rows that came
#     in ungoverned;
#  4. partition_data_time() moves rows out of the default partition (a
#     DELETE and an INSERT of the same rows in one transaction): not a new
#     movement, not an overdraw.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

if [ ! -e "$(${PG_CONFIG:-pg_config} --sharedir)/extension/pg_partman.control" ]; then
  echo "pg_partman is not installed (package postgresql-15-partman): skipped"
  exit 0
fi

bad=0
fail() { echo "FAILED: $*"; bad=$((bad + 1)); }
q() { pgc_psql pm -At -c "$1"; }
expect() {  # expect WHAT EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok: $1"; else fail "$1: expected '$2', got '$3'"; fi
}

pgc_init pm >/dev/null
pgc_start pm
pgc_psql pm <<'SQL'
CREATE EXTENSION lottrace;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('MILK', true), ('CHEESE', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SCALE', true);
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('RCV', 'load', NULL), ('SHIP', 'unload', NULL), ('CONS', 'unload', 'input'), ('PROD', 'load', 'output');
CREATE SCHEMA erp;
CREATE TABLE erp.stock_moves (
  id bigint GENERATED ALWAYS AS IDENTITY, posted_on date NOT NULL,
  item_code text NOT NULL, lot_no text, serial_no text, qty numeric NOT NULL, wh text NOT NULL,
  reason text NOT NULL, doc text, batch text,
  PRIMARY KEY (id, posted_on)
) PARTITION BY RANGE (posted_on);
SELECT partman.create_parent('erp.stock_moves', 'posted_on', 'native', 'monthly',
                             p_start_partition => '2026-01-01', p_premake => 2);
SELECT lottrace.attach('erp.stock_moves', item => 'item_code', qty => 'qty', warehouse => 'wh',
                       lot => 'lot_no', serial => 'serial_no', reason => 'reason', doc => 'doc',
                       moved_on => 'posted_on', batch_key => 'batch');
INSERT INTO erp.stock_moves (posted_on, item_code, lot_no, serial_no, qty, wh, reason, doc, batch) VALUES
  ('2026-01-10', 'MILK',   'M1', NULL, 50, 'W1', 'RCV',  'R1', NULL),
  ('2026-01-12', 'SCALE',  NULL, 'S1',  1, 'W1', 'RCV',  'R2', NULL),
  ('2026-01-12', 'SCALE',  NULL, 'S2',  1, 'W1', 'RCV',  'R2', NULL),
  ('2026-02-03', 'MILK',   'M1', NULL, 30, 'W1', 'CONS', 'B1', 'B1'),
  ('2026-02-03', 'CHEESE', 'C1', NULL,  5, 'W1', 'PROD', 'B1', 'B1'),
  ('2026-02-20', 'MILK',   'M1', NULL,  5, 'W1', 'SHIP', 'D1', NULL),
  ('2026-08-05', 'MILK',   'M1', NULL, 10, 'W1', 'SHIP', 'D2', NULL),
  ('2026-08-06', 'SCALE',  NULL, 'S1',  1, 'W1', 'SHIP', 'D3', NULL);
SQL
state() {
  q "SELECT string_agg(format('%s/%s %s/%s', item, lot, loaded_qty, on_hand), ' ' ORDER BY item, lot)
       FROM lottrace.lot_register"
}
serials() {
  q "SELECT string_agg(format('%s %s %s %s %s', serial, state, coalesce(warehouse, '-'),
                              coalesce(load_doc, '-'), coalesce(unload_doc, '-')), ', ' ORDER BY serial)
       FROM lottrace.serial_register"
}
links() {
  q "SELECT string_agg(format('%s %s', lot, qty), ', ' ORDER BY lot) FROM lottrace.trace_forward('MILK', 'M1')"
}
problems() { q "SELECT count(*) FROM lottrace.verify()"; }
lottrace_triggers() {  # statement and row triggers of lottrace on a table
  q "SELECT count(*) FROM pg_trigger WHERE tgrelid = '$1'::regclass AND tgname LIKE 'lottrace%'"
}
before=$(state); before_serials=$(serials); before_links=$(links)
expect "stock after the postings" "CHEESE/C1 5/5 MILK/M1 50/5" "$before"
expect "serials after the postings" "S1 out - R2 D3, S2 in_stock W1 R2 -" "$before_serials"
expect "genealogy after the postings" "C1 30" "$before_links"
expect "verify() clean after the postings" "0" "$(problems)"

echo "== 1. a partition created with session_replication_role = replica"
pgc_psql pm <<'SQL'
SET session_replication_role = replica;
SELECT partman.create_partition_time('erp.stock_moves', ARRAY['2027-06-01'::timestamptz]);
RESET session_replication_role;
SQL
expect "lottrace triggers on the partition made in replica mode" "5" "$(lottrace_triggers erp.stock_moves_p2027_06)"
got=$(pgc_psql pm -At 2>&1 -v VERBOSITY=verbose \
        -c "INSERT INTO erp.stock_moves_p2027_06 (id, posted_on, item_code, lot_no, qty, wh, reason)
            OVERRIDING SYSTEM VALUE VALUES (900, '2027-06-02', 'MILK', 'M1', 100, 'W1', 'SHIP')" || true)
case "$got" in
  *23514*lottrace_negative_stock*) echo "ok: an overdraw into that partition is refused" ;;
  *) fail "an overdraw into the replica-mode partition was accepted: $got" ;;
esac
expect "stock unchanged by the refused overdraw" "$before" "$(state)"
pgc_psql pm <<'SQL'
-- event triggers switched off by a superuser: the partition has no triggers
ALTER EVENT TRIGGER lottrace_govern_partitions DISABLE;
SELECT partman.create_partition_time('erp.stock_moves', ARRAY['2027-07-01'::timestamptz]);
ALTER EVENT TRIGGER lottrace_govern_partitions ENABLE ALWAYS;
SQL
got=$(q "SELECT problem || ': ' || detail FROM lottrace.verify()")
echo "$got"
case "$got" in
  *'ungoverned partition'*erp.stock_moves_p2027_07*) echo "ok: verify() reports the partition without triggers" ;;
  *) fail "verify() does not report erp.stock_moves_p2027_07, which has no lottrace triggers: '$got'" ;;
esac
pgc_psql pm -c "DROP TABLE erp.stock_moves_p2027_07" >/dev/null
expect "verify() clean once it is gone" "0" "$(problems)"

echo "== 2. retention that detaches: January (retention_keep_table = true)"
pgc_psql pm <<'SQL'
UPDATE partman.part_config SET retention = '10 months', retention_keep_table = true
 WHERE parent_table = 'erp.stock_moves';
SELECT partman.run_maintenance('erp.stock_moves');
SQL
expect "January is detached" "f" "$(q "SELECT relispartition FROM pg_class WHERE oid = 'erp.stock_moves_p2026_01'::regclass")"
expect "no lottrace triggers left on the detached partition" "0" "$(lottrace_triggers erp.stock_moves_p2026_01)"
out=$(pgc_psql pm -At 2>&1 -c "INSERT INTO erp.stock_moves_p2026_01 (id, posted_on, item_code, lot_no, qty, wh, reason)
                                OVERRIDING SYSTEM VALUE VALUES (901, '2026-01-30', 'MILK', 'M1', 1, 'W1', 'SHIP')" || true)
expect "the detached partition takes writes" "" "$out"
out=$(pgc_psql pm -At 2>&1 -c "TRUNCATE erp.stock_moves_p2026_01" || true)
expect "the detached partition can be truncated" "" "$out"
expect "stock kept after the detach" "$before" "$(state)"
expect "serials kept after the detach" "$before_serials" "$(serials)"
expect "verify() clean after the detach" "0" "$(problems)"
expect "archived partition recorded" "erp.stock_moves_p2026_01 detach 3" \
  "$(q "SELECT partition_name || ' ' || how || ' ' || nrows FROM lottrace.archived_partition")"

echo "== 3. retention that drops: February to May (retention_keep_table = false)"
out=$(pgc_psql pm 2>&1 <<'SQL'
UPDATE partman.part_config SET retention = '6 months', retention_keep_table = false
 WHERE parent_table = 'erp.stock_moves';
SELECT partman.run_maintenance('erp.stock_moves');
SQL
)
echo "$out"
expect "February is gone" "" "$(q "SELECT to_regclass('erp.stock_moves_p2026_02')")"
expect "stock kept after the drop" "$before" "$(state)"
expect "verify() clean after the drop" "0" "$(problems)"
q "SELECT lottrace.rebuild()" >/dev/null
expect "rebuild() keeps the stock" "$before" "$(state)"
expect "rebuild() keeps the serials" "$before_serials" "$(serials)"
expect "rebuild() keeps the genealogy" "$before_links" "$(links)"
expect "verify() clean after rebuild()" "0" "$(problems)"
out=$(pgc_psql pm 2>&1 -c "UPDATE partman.part_config SET premake = 6 WHERE parent_table = 'erp.stock_moves'" \
                       -c "SELECT partman.run_maintenance('erp.stock_moves')")
case "$out" in
  *rebuild*) fail "run_maintenance() creating empty partitions prints the rebuild hint: $out" ;;
  *) echo "ok: no rebuild hint for the empty partitions run_maintenance() creates" ;;
esac
out=$(pgc_psql pm 2>&1 <<'SQL'
CREATE TABLE erp.stock_moves_p2028_01 (LIKE erp.stock_moves);
INSERT INTO erp.stock_moves_p2028_01 (id, posted_on, item_code, lot_no, qty, wh, reason)
  OVERRIDING SYSTEM VALUE VALUES (1000, '2028-01-05', 'MILK', 'M9', 7, 'W1', 'RCV');
ALTER TABLE erp.stock_moves ATTACH PARTITION erp.stock_moves_p2028_01
  FOR VALUES FROM ('2028-01-01') TO ('2028-02-01');
SQL
)
case "$out" in
  *rebuild*) echo "ok: the hint is printed for a partition attached with rows" ;;
  *) fail "no rebuild hint for a partition attached with rows: $out" ;;
esac
pgc_psql pm -c "ALTER TABLE erp.stock_moves DETACH PARTITION erp.stock_moves_p2028_01" \
            -c "DROP TABLE erp.stock_moves_p2028_01" >/dev/null

echo "== DROP TABLE by hand: rolled back, then two partitions in one statement"
n=$(q "SELECT count(*) FROM lottrace.archived_partition")
pgc_psql pm -c "BEGIN" -c "DROP TABLE erp.stock_moves_p2026_08" -c "ROLLBACK" >/dev/null
expect "a rolled-back DROP leaves no archive" "$n" "$(q "SELECT count(*) FROM lottrace.archived_partition")"
pgc_psql pm -c "DROP TABLE erp.stock_moves_p2026_08, erp.stock_moves_p2026_09" >/dev/null
expect "both archived" "$((n + 2))" "$(q "SELECT count(*) FROM lottrace.archived_partition")"
expect "stock kept after the second drop" "$before" "$(state)"
expect "verify() clean after the second drop" "0" "$(problems)"
q "SELECT lottrace.rebuild()" >/dev/null
expect "rebuild() keeps the stock (nothing attached moved it)" "$before" "$(state)"
expect "rebuild() keeps the serials (load and unload both archived)" "$before_serials" "$(serials)"
expect "verify() clean after the second rebuild()" "0" "$(problems)"

echo "== 4. partition_data_time() moves rows out of the default partition"
# In the default partition (March 2031 has no partition): (a) a receipt
# whose goods were partly shipped from another partition, (b) a shipment of
# a lot expired since, (c) a receipt with a new_lot_only reason, (d) serial
# receipts, one shipped from another partition.  Before 1.1's moves, the
# DELETE was refused (negative stock, serial not in stock) and the re-insert
# judged as new movements (expired lot, lot exists).
pgc_psql pm <<'SQL'
INSERT INTO lottrace.reason (code, direction, new_lot_only) VALUES ('NEWR', 'load', true);
INSERT INTO erp.stock_moves (posted_on, item_code, lot_no, serial_no, qty, wh, reason, doc) VALUES
  ('2031-03-01', 'MILK',  'M7', NULL, 100, 'W1', 'RCV',  'R7'),
  ('2026-12-15', 'MILK',  'M7', NULL,  40, 'W1', 'SHIP', 'D7'),
  ('2026-12-01', 'MILK',  'M8', NULL,  10, 'W1', 'RCV',  'R8'),
  ('2031-03-02', 'MILK',  'M8', NULL,   3, 'W1', 'SHIP', 'D8'),
  ('2031-03-03', 'MILK',  'M9', NULL,   5, 'W1', 'NEWR', 'R9'),
  ('2031-03-04', 'SCALE', NULL, 'S7',   1, 'W1', 'RCV',  'R10'),
  ('2026-12-16', 'SCALE', NULL, 'S7',   1, 'W1', 'SHIP', 'D10'),
  ('2031-03-04', 'SCALE', NULL, 'S8',   1, 'W1', 'RCV',  'R11');
SELECT lottrace.set_lot_status('MILK', 'M8', 'EXPIRED');
SQL
before4=$(state); before4_serials=$(serials)
expect "rows waiting in the default partition" "5" "$(q "SELECT count(*) FROM erp.stock_moves_default")"
expect "verify() clean before the move" "0" "$(problems)"
out=$(pgc_psql pm -At 2>&1 -c "SELECT partman.partition_data_time('erp.stock_moves')" || true)
echo "$out"
expect "partition_data_time() moved the five rows" "5" "$(echo "$out" | tail -1)"
expect "the default partition is empty" "0" "$(q "SELECT count(*) FROM erp.stock_moves_default")"
expect "the rows are in the new partition" "5" "$(q "SELECT count(*) FROM erp.stock_moves_p2031_03")"
expect "stock unchanged by the move" "$before4" "$(state)"
expect "serials unchanged by the move" "$before4_serials" "$(serials)"
expect "verify() clean after the move" "0" "$(problems)"
expect "no check left queued" "0" "$(q "SELECT count(*) FROM lottrace.move_check")"
# the same DELETE alone is still refused
got=$(pgc_psql pm -At 2>&1 -c "DELETE FROM erp.stock_moves_p2031_03 WHERE doc = 'R7'" || true)
case "$got" in
  *'would be -40'*'judged at commit'*) echo "ok: a receipt deleted for good is refused at commit" ;;
  *) fail "deleting the shipped receipt was not refused: $got" ;;
esac
expect "stock unchanged by the refused delete" "$before4" "$(state)"

echo "== lottrace.detach() of the table takes the archived balances out too"
pgc_psql pm -c "SELECT lottrace.detach('erp.stock_moves')" >/dev/null
expect "no stock left after detach()" "CHEESE/C1 0/0 MILK/M1 0/0 MILK/M7 0/0 MILK/M8 0/0 MILK/M9 0/0" "$(state)"
expect "no archived balances left after detach()" "0" "$(q "SELECT count(*) FROM lottrace.archived_partition")"
expect "verify() clean after detach()" "0" "$(problems)"

echo "$bad problems"
[ $bad -eq 0 ]
