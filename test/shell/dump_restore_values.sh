#!/usr/bin/env bash
# Extreme but valid register values survive pg_dump -> pg_restore: lots at
# both ends of the range of type date (start 5874897-12-01, expiry
# 5874897-12-31 computed by the triggers, expiry 4714-11-24 BC given),
# expiry infinity, 50-character codes of every GS1 character, a lot and a
# serial with a space and accented letters (an item with gs1_codes = false,
# which must survive too: the restored database moves that lot), unicode and
# control characters in notes, quantities with 30 decimals and 40 integer
# digits, a serial with an infinite expiry, status history with unicode
# notes, genealogy, counters at large values, and a recall drill.  The database is dumped
# with the real pg_dump of $PGBIN (-Fc) and restored with pg_restore into a
# fresh cluster; every lottrace table must come back row for row, and the
# restored database must go on (counters continue, verify() clean).
# An attachment shaped like Odoo's stock.move.line (issue 13) comes along:
# rows that count only when done (counts_when), the lot and both locations
# read through the ERP's own tables (lookups), a source and a destination
# (to_warehouse), on a table with a dropped column before the one the
# predicate reads -- pg_restore re-creates the table without it, so every
# column after it has another attribute number in the restored database.
# The mapping must read the same columns there, lottrace.movements and the
# registers agree, and the lookup guard is back on the lot table.
# Before issue 11 a lot's computed expiry could lie past 5874897-12-31:
# pg_restore then failed with "COPY failed for table "lot": date out of range".
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/two-clusters.bash
pgc_psql src -c "CREATE DATABASE erp" >/dev/null
pgc_psql dst -c "CREATE DATABASE erp" >/dev/null

echo "== source: registers with extreme values"
pgc_psql src -d erp >"$work/src.log" 2>&1 <<'SQL' || { cat "$work/src.log"; fail "source set-up"; }
SET client_min_messages = warning;
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.reason (code, direction, production) VALUES ('P-IN', 'unload', 'input'), ('P-OUT', 'load', 'output');
INSERT INTO lottrace.code_type (code, kind, format, seq_start) VALUES
  ('BIG', 'lot', 'B{SEQ:18|}', 999999999999999990), ('SN', 'serial', 'S{SEQ:6|}', 1);
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, block_days, warn_days, expiry_rule) VALUES
  ('MILK', true, 30, 36500, 36500, 'exact'),
  ('ENDM', true, 36500, 0, NULL, 'month_end');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days) VALUES ('GEN', true, 'BIG', 36500);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type, serial_validity_days) VALUES ('PUMP', true, 'SN', 36500);
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, gs1_codes) VALUES ('WIDE', true, true, false);
CREATE TABLE moves (id bigserial PRIMARY KEY, d date, wh text, item text, lot text, serial text,
                    qty numeric, reason text, exp date, doc text, batch text);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', serial => 'serial',
                       reason => 'reason', moved_on => 'd', expiry => 'exp', doc => 'doc', batch_key => 'batch');
-- the end of the range: computed expiry 5874897-12-31 (and month_end of 5874797-12-xx + 36500 days)
INSERT INTO moves (d, wh, item, lot, qty, reason) VALUES
  ('5874897-12-01', 'W1', 'MILK', 'END', 123456789012345678901234567890123456789.123456789012345678901234567890, 'IN'),
  ('5874797-12-01', 'W1', 'ENDM', 'ENDM', 0.000000000000000000000000000001, 'IN');
-- the start of the range and infinity, given on receipt
INSERT INTO moves (d, wh, item, lot, qty, reason, exp) VALUES
  ('4714-11-24 BC', 'W1', 'MILK', 'BC', 1, 'IN', '4714-11-24 BC'),
  ('2026-01-01', 'W1', 'MILK', 'INF', 99.5, 'IN', 'infinity');
-- a 50-character code of GS1 characters, in a unicode warehouse
INSERT INTO moves (d, wh, item, lot, qty, reason) VALUES
  ('2026-01-01', 'Lager Süd ☃', 'MILK', $$!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTU$$, 7, 'IN');
-- codes beyond GS1 character set 82: a space and accented letters
INSERT INTO moves (d, wh, item, lot, serial, qty, reason) VALUES
  ('2026-01-01', 'W1', 'WIDE', 'LOT 7/26 Café', 'Nº 7 Åsa', 1, 'IN'),
  ('2026-01-01', 'W1', 'WIDE', 'LOT 7/26 Café', 'Nº 8 Åsa', 1, 'IN');
-- generated codes near the top of an 18-digit counter; serials; production genealogy
INSERT INTO moves (d, wh, item, qty, reason) SELECT '2026-01-01', 'W1', 'GEN', 1, 'IN' FROM generate_series(1, 3);
INSERT INTO moves (d, wh, item, serial, qty, reason) VALUES ('2026-01-01', 'W1', 'PUMP', 'S999999', 1, 'IN');
INSERT INTO moves (d, wh, item, lot, qty, reason, batch) VALUES
  ('2026-01-02', 'W1', 'MILK', 'INF', 0.5, 'P-IN', 'PO-Ω'),
  ('2026-01-02', 'W1', 'ENDM', 'CHILD', 0.5, 'P-OUT', 'PO-Ω');
-- user data: unicode and control characters, infinite serial expiry, status history
UPDATE lottrace.lot SET notes = E'ünïcödé ✓ 日本語 🧀\ttab\nnewline \\ backslash', packages = 2147483647
 WHERE code = 'INF';
UPDATE lottrace.serial SET expiry_date = 'infinity', customer_code = 'кириллица' WHERE code = 'S999999';
-- lot master data at the ends of the date range, attributes of every JSON kind
UPDATE lottrace.lot SET production_date = '4714-11-24 BC', best_before = 'infinity',
       attributes = '{"s": "日本語 ✓\ttab", "n": 123456789012345678901234567890.5, "b": false, "z": null, "a": [1, "x", {}]}'
 WHERE code = 'INF';
UPDATE lottrace.lot SET production_date = '5874897-12-31', best_before = '4714-11-24 BC' WHERE code = 'END';
SELECT lottrace.set_lot_status('MILK', 'BC', 'QUARANTINE', E'note ñ\n2');
SELECT lottrace.set_lot_status('MILK', 'INF', 'BLOCKED', repeat('x', 5000));
SELECT lottrace.link_lots('MILK', 'END', 'ENDM', 'ENDM', 1e-30);
SELECT lottrace.next_code('SN', '{}');
-- an Odoo-shaped move line: a column dropped before the predicate's (and a
-- text column after it whose values would count other rows)
INSERT INTO lottrace.item (item, lot_tracked, uom, required_attributes) VALUES ('CURD', true, 'kg', '{origin}');
INSERT INTO lottrace.warehouse (code, kind) VALUES ('Partners/Vendors', 'supplier'), ('Partners/Customers', 'customer');
CREATE TABLE stock_location (id int PRIMARY KEY, complete_name text NOT NULL UNIQUE);
CREATE TABLE stock_lot (id int PRIMARY KEY, name text NOT NULL UNIQUE, lot_properties jsonb);
INSERT INTO stock_location VALUES (1, 'Partners/Vendors'), (2, 'WH/Stock'), (3, 'Partners/Customers');
INSERT INTO stock_lot VALUES (1, 'ODOO-1', '{"origin": "Zürich ✓", "n": 1e-30, "deep": {"a": [null, true]}}'),
                             (2, 'ODOO-2', '{"origin": "NL"}');
CREATE TABLE stock_move_line (id int PRIMARY KEY, legacy text, product text NOT NULL,
                              lot_id int REFERENCES stock_lot, location_id int REFERENCES stock_location,
                              location_dest_id int REFERENCES stock_location, quantity numeric NOT NULL,
                              state text NOT NULL, note text);
ALTER TABLE stock_move_line DROP COLUMN legacy;
SELECT lottrace.attach('stock_move_line', item => 'product', qty => 'quantity',
                       lot => 'lot_id -> stock_lot.name',
                       warehouse => 'location_id -> stock_location.complete_name',
                       to_warehouse => 'location_dest_id -> stock_location.complete_name',
                       counts_when => $$state = 'done'$$,
                       attributes => 'lot_id -> stock_lot.lot_properties');
INSERT INTO stock_move_line (id, product, lot_id, location_id, location_dest_id, quantity, state, note) VALUES
  (1, 'CURD', 1, 1, 2, 40, 'done', 'received'),
  (2, 'CURD', 1, 2, 3, 15, 'done', 'shipped'),
  (3, 'CURD', 2, 1, 2, 25, 'draft', 'done'),
  (4, 'CURD', 1, 2, 3, 500, 'cancel', 'done');
-- reservations and holds (1.2): user data with its audit trail and a recall
SELECT lottrace.reserve('CURD', 'ODOO-1', 'WH/Stock', 5, 'SO-Ω ✓', E'note\tñ', until => '2999-12-31 23:59:59.999999+00');
SELECT lottrace.hold('CURD', 'ODOO-1', 'QA — 日本語', warehouse => 'WH/Stock', qty => 0.000000000000000000000000000001);
SELECT count(*) FROM lottrace.recall_hold('MILK', 'INF', 'recall ✓');
-- a recall drill (issue 16): user data, kept with its lots and customers
SELECT lot_count FROM lottrace.mock_recall('MILK', 'INF', note => E'drill ✓\t日本語');
SQL
pgc_psql src -d erp -At -c "SELECT item, code, start_date, expiry_date FROM lottrace.lot ORDER BY lot_id" | sed 's/^/  lot: /'
[ "$(pgc_psql src -d erp -At -c "SELECT expiry_date FROM lottrace.lot WHERE code = 'INF'")" = infinity ] \
  || fail "the expiry infinity given on receipt was not kept"

# What used to make a dump that pg_restore cannot load (an expiry past
# 5874897-12-31 in lottrace.lot) is refused now; were it accepted, the
# restore below would fail.
got=$(pgc_psql src -d erp -At <<'SQL'
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE c text; s text;
BEGIN
  EXECUTE stmt;
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, s = RETURNED_SQLSTATE;
  RETURN s || ' ' || coalesce(nullif(c, ''), '-');
END $f$;
SELECT pg_temp.outcome($$INSERT INTO moves (d, wh, item, lot, qty, reason) VALUES ('5874897-12-31', 'W1', 'MILK', 'PAST', 1, 'IN')$$);
SELECT pg_temp.outcome($$INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days) VALUES ('HUGE', true, 2147483000)$$);
SELECT pg_temp.outcome($$INSERT INTO moves (d, wh, item, lot, qty, reason) VALUES ('2026-01-01', 'W1', 'HUGE', 'H1', 1, 'IN')$$);
SQL
)
want="22008 lottrace_date_range
23514 item_lot_validity_days_range
accepted"
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "expiries past the date range are not refused"; }
echo "ok: expiries past 5874897-12-31 refused (22008 lottrace_date_range, 23514 item_lot_validity_days_range)"
n=$(pgc_psql src -d erp -At -c "SELECT count(*) FROM lottrace.verify()")
[ "$n" = 0 ] || fail "the source does not verify"

snapshot() {  # snapshot CLUSTER FILE: every lottrace table, one line per row
  pgc_psql "$1" -d erp -At >"$2" <<'SQL'
SET datestyle = ISO;
SELECT format('COPY (SELECT %L, x::text FROM %s x ORDER BY x::text COLLATE "C") TO STDOUT',
              c.oid::regclass::text, c.oid::regclass)
  FROM pg_class c
 WHERE c.relnamespace IN ('lottrace'::regnamespace, 'public'::regnamespace)
   AND c.relkind IN ('r', 'v') AND c.oid <> 'lottrace.attachment'::regclass
 ORDER BY 1
\gexec
SQL
}
snapshot src "$work/src.snap"
for want in '5874897-12-31' '4714-11-24 BC' 'infinity' '123456789012345678901234567890123456789.123456789012345678901234567890' \
            '0.000000000000000000000000000001' 'B999999999999999992' '日本語' 'кириллица' \
            'LOT 7/26 Café' 'Nº 8 Åsa' 'Zürich ✓' '123456789012345678901234567890.5' '{origin}'; do
  grep -qF -- "$want" "$work/src.snap" || fail "the source lacks $want"
done
echo "source snapshot: $(wc -l <"$work/src.snap") lines"

echo "== pg_dump -Fc, pg_restore into a fresh cluster"
"$PGBIN/pg_dump" -Fc -d "$(pgc_connstr src erp)" -f "$work/erp.dump"
"$PGBIN/pg_restore" --exit-on-error -d "$(pgc_connstr dst erp)" "$work/erp.dump" >"$work/restore.log" 2>&1 \
  || { cat "$work/restore.log"; fail "pg_restore"; }
[ -s "$work/restore.log" ] && { cat "$work/restore.log"; fail "pg_restore printed errors or warnings"; }
mapping() {  # mapping CLUSTER: each attachment's columns by name, predicate, lookups; the lookup guards
  pgc_psql "$1" -d erp -At <<'SQL'
SELECT a.relid::regclass, a.item_col, a.qty_col, a.warehouse_col, a.lot_col, a.to_warehouse_col, a.attributes_col,
       a.counts_when,
       ARRAY(SELECT att.attname FROM unnest(a.counts_attnums) WITH ORDINALITY AS n(attnum, ord)
               JOIN pg_attribute att ON att.attrelid = a.relid AND att.attnum = n.attnum
              ORDER BY n.ord) AS counts_reads,
       a.lookup_roles, a.lookup_refs::text[], a.lookup_keys, a.lookup_values
  FROM lottrace.attachment a ORDER BY a.relid::regclass::text;
SELECT tgrelid::regclass, tgname FROM pg_trigger WHERE tgname LIKE 'lottrace_lookup%' ORDER BY 1, 2;
SQL
}
mapping src >"$work/map-src.out" 2>&1
mapping dst >"$work/map-dst.out" 2>&1
grep -q '|{state}|' "$work/map-src.out" || { cat "$work/map-src.out"; fail "the source's counts_when does not read column state"; }
diff "$work/map-src.out" "$work/map-dst.out" || fail "the restored mapping reads other columns than the source's"
echo "ok: the mapping reads the same columns after the restore (counts_when reads state)"
snapshot dst "$work/dst.snap"
diff "$work/src.snap" "$work/dst.snap" >"$work/snap.diff" || { head -30 "$work/snap.diff"; fail "the restored registers differ"; }
echo "ok: every row identical ($(wc -l <"$work/dst.snap") lines)"

echo "== the restored database goes on"
more() {
  pgc_psql "$1" -d erp -At <<'SQL'
SET datestyle = ISO;
INSERT INTO moves (d, wh, item, qty, reason) VALUES ('2026-01-03', 'W1', 'GEN', 1, 'IN') RETURNING lot;
SELECT lottrace.next_code('SN', '{}');
INSERT INTO moves (d, wh, item, lot, qty, reason) VALUES ('2026-01-03', 'W1', 'MILK', 'END', 1, 'OUT');
INSERT INTO moves (d, wh, item, lot, serial, qty, reason) VALUES ('2026-01-03', 'W1', 'WIDE', 'LOT 7/26 Café', 'Nº 7 Åsa', 1, 'OUT');
SELECT lot || ' ' || on_hand FROM lottrace.lot_register WHERE item = 'WIDE';
-- the draft becomes done, the cancelled shipment would overdraw, the lot
-- that counting rows read cannot be renamed
UPDATE stock_move_line SET state = 'done' WHERE id = 3;
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE c text; s text;
BEGIN
  EXECUTE stmt;
  RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, s = RETURNED_SQLSTATE;
  RETURN s || ' ' || coalesce(nullif(c, ''), '-');
END $f$;
SELECT pg_temp.outcome($$UPDATE stock_move_line SET state = 'done' WHERE id = 4$$);
SELECT pg_temp.outcome($$UPDATE stock_lot SET name = 'ODOO-1b' WHERE id = 1$$);
-- the reservation and the holds came back: 25 on hand, 5 reserved, a speck held
SELECT pg_temp.outcome($$INSERT INTO stock_move_line (id, product, lot_id, location_id, location_dest_id, quantity, state) VALUES (5, 'CURD', 1, 2, 3, 20, 'done')$$);
SELECT pg_temp.outcome($$INSERT INTO moves (d, wh, item, lot, qty, reason, batch) VALUES ('2026-01-03', 'W1', 'ENDM', 'CHILD', 0.1, 'OUT', NULL)$$);
SELECT format('held %s %s', lot, held_qty) FROM lottrace.lot_stock WHERE lot IN ('CHILD', 'INF') ORDER BY 1;
SELECT format('%s %s %s/%s', lot, warehouse, loaded_qty, on_hand) FROM lottrace.lot_stock
 WHERE lot::text LIKE 'ODOO-%' ORDER BY 1;
SELECT format('%s %s %s %s', source_key, lot, warehouse, qty) FROM lottrace.movements
 WHERE source = 'stock_move_line'::regclass ORDER BY source_key, warehouse;
SELECT count(*) FROM lottrace.verify();
-- the drill came back, and the next one continues its sequence
SELECT format('drill %s %s %s', drill_id, lot_count, accounted_pct) FROM lottrace.mock_recall('MILK', 'INF');
SELECT format('drills %s', count(*)) FROM lottrace.recall_drills;
SQL
}
more src >"$work/more-src.out" 2>&1
more dst >"$work/more-dst.out" 2>&1
cat "$work/more-dst.out"
diff "$work/more-src.out" "$work/more-dst.out" || fail "the restored database goes on otherwise than the source"
grep -qx 'B999999999999999993' "$work/more-dst.out" || fail "the GEN counter did not continue"
grep -qx 'LOT 7/26 Café 1' "$work/more-dst.out" || fail "the restored lot 'LOT 7/26 Café' (gs1_codes = false) did not move"
grep -qx '23503 lottrace_lookup_changed' "$work/more-dst.out" || fail "the lookup guard on stock_lot did not come back"
grep -qx 'ODOO-2 WH/Stock 25/25' "$work/more-dst.out" || fail "the move line that became done did not count"
grep -qx '23514 lottrace_lot_reserved' "$work/more-dst.out" || fail "the restored reservation and hold did not keep stock"
grep -qx '23514 lottrace_lot_unavailable' "$work/more-dst.out" || fail "the restored recall hold did not stop the lot made from the recalled one"
grep -qx 'drill 2 2 100.00' "$work/more-dst.out" || fail "the restored recall drill's sequence did not continue (or the drill found other lots)"
grep -qx 'drills 2' "$work/more-dst.out" || fail "the restored database lacks the recall drill"
for want in 'SO-Ω ✓' 'QA — 日本語' 'recall ✓' '.999999' 'drill ✓'; do
  grep -qF -- "$want" "$work/dst.snap" || fail "the restored reservations, holds or drills lack $want"
done
echo "== the update from 1.0 refuses items over the 36500-day limit"
pgc_psql src -c "CREATE DATABASE old" >/dev/null
pgc_psql src -d old -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION lottrace VERSION '1.0'" \
  -c "INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, block_days) VALUES ('HUGE', true, 2147483000, 2000000000), ('OK', true, 365, 0)"
if pgc_psql src -d old -c "ALTER EXTENSION lottrace UPDATE" >"$work/update.log" 2>&1; then
  fail "ALTER EXTENSION lottrace UPDATE accepted an item with 2147483000 validity days"
fi
grep -q 'Items over the limit: "HUGE" (lot_validity_days 2147483000, block_days 2000000000)' "$work/update.log" \
  || { cat "$work/update.log"; fail "the refused update does not name the item and its values"; }
echo "ok: refused: $(grep -m1 ERROR "$work/update.log")"
pgc_psql src -d old -q -c "UPDATE lottrace.item SET lot_validity_days = 36500, block_days = 10 WHERE item = 'HUGE'" \
  -c "ALTER EXTENSION lottrace UPDATE TO '1.1'"
[ "$(pgc_psql src -d old -At -c "SELECT extversion || ' ' || (SELECT count(*) FROM pg_constraint WHERE conrelid = 'lottrace.item'::regclass AND conname LIKE 'item_%_range') FROM pg_extension WHERE extname = 'lottrace'")" = "1.1 4" ] \
  || fail "after correcting the item the update to 1.1 did not run"
echo "ok: updated to 1.1 once the item was corrected"
echo "dump and restore of extreme values: ok"
