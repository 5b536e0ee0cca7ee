-- lottrace.attach() / lottrace.detach() (API.md §3): the mapping, its
-- errors, backfill, detach, several tables, TRUNCATE, DROP TABLE,
-- partitioned tables and the column types a mapping accepts.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Configuration used throughout: lot-tracked APPLE and PEAR, serial-tracked
-- PUMP, NAIL listed but not tracked; SCREW is not listed at all.
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('APPLE', true), ('PEAR', true), ('4711', true);
-- PUMP is serial-tracked.
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('PUMP', true);
-- NAIL is listed but tracked neither way.
INSERT INTO lottrace.item (item) VALUES ('NAIL');
-- A load and an unload reason.
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');

-- ============================================================ happy path

-- An ERP table with every mappable column under its own name, plus one the
-- mapping does not use; three rows exist before attach.
CREATE TABLE stock_move (
    id int PRIMARY KEY, item_code text, quantity numeric, wh text, lot_no text,
    serial_no text, why text, doc_no text, moved date, loc text, var text,
    acct text, batch text, exp date, sup_lot text, note text);
-- The rows that exist before attach: a lot load, a serial load, an ungoverned row with junk.
INSERT INTO stock_move VALUES
  (1, 'APPLE', 10, 'W1', 'L1', NULL, 'IN', 'PO-1', '2024-03-01', 'A-01', NULL, 'SUP1', NULL, '2099-03-01', 'S-77', 'first'),
  (2, 'PUMP', 1, 'W1', NULL, 'P-001', 'IN', 'PO-2', '2024-03-02', NULL, NULL, 'SUP2', NULL, NULL, NULL, NULL),
  (3, 'SCREW', 500, 'W9', 'junk lot ~', NULL, 'IN', NULL, '2024-03-03', NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- attach with every argument named; returns void.
SELECT lottrace.attach('stock_move', item => 'item_code', qty => 'quantity', warehouse => 'wh',
                       lot => 'lot_no', serial => 'serial_no', reason => 'why', doc => 'doc_no',
                       moved_on => 'moved', location => 'loc', variant => 'var', account => 'acct',
                       batch_key => 'batch', expiry => 'exp', supplier_lot => 'sup_lot');

-- The triggers attach() created: generation (BEFORE INSERT, only rows
-- without a code), the statement triggers with transition tables, TRUNCATE.
SELECT tgname, pg_get_triggerdef(oid) AS def
  FROM pg_trigger WHERE tgrelid = 'stock_move'::regclass ORDER BY tgname;

-- The mapping is recorded in lottrace.attachment, by whom and when.
SELECT relid, item_col, qty_col, warehouse_col, lot_col, serial_col, reason_col, doc_col,
       moved_on_col, location_col, variant_col, account_col, batch_key_col, expiry_col,
       supplier_lot_col, attached_by = current_user AS by_me, attached_at = now() AS now
  FROM lottrace.attachment ORDER BY relid::text;

-- lottrace.movements has exactly the columns and types of API.md §4.
SELECT attnum, attname, format_type(atttypid, atttypmod) AS type
  FROM pg_attribute
 WHERE attrelid = 'lottrace.movements'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;

-- It shows the table's rows in that shape (reason mapped: qty signed by the
-- reason's direction), also the ungoverned SCREW row.
SELECT * FROM lottrace.movements ORDER BY source::text, source_key;

-- The backfill took the governed rows in: lot L1 (start date, expiry,
-- supplier, supplier lot, initial qty from its first load) and serial P-001.
SELECT lot_id, item, variant, lot, start_date, expiry_date, supplier, supplier_lot,
       initial_qty, status, loaded_qty, on_hand
  FROM lottrace.lot_register ORDER BY lot_id;
-- The serial register has P-001, in stock in W1, with its load document and date.
SELECT serial, item, state, warehouse, load_doc, loaded_on FROM lottrace.serial_register ORDER BY serial;

-- New rows are governed from now on: a good one is applied...
INSERT INTO stock_move (id, item_code, quantity, wh, lot_no, why, moved)
VALUES (4, 'APPLE', 3, 'W1', 'L1', 'OUT', '2024-03-05');
-- ...a bad one refused (an unload of a lot that does not exist).
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_move (id, item_code, quantity, wh, lot_no, why, moved) VALUES (5, 'APPLE', 3, 'W1', 'NOPE', 'OUT', '2024-03-05')$$);
-- on hand of L1 is 10 - 3.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- The registers agree with the table.
SELECT * FROM lottrace.verify();

-- ======================================================= mapping errors

CREATE TABLE bad_map (
    id int PRIMARY KEY, item text, qty numeric, wh text, lot text,
    qty_text text, lot_int int, moved_text text, flag boolean, js jsonb, "Item" text);

-- A missing column: 42703, the message names the column and the table, the
-- detail says which attach() argument named it.
SELECT lottrace.attach('bad_map', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot_nr');
-- The same for each argument (SQLSTATE, message and detail).
SELECT a.arg, e.sqlstate, e.message, e.detail
  FROM (VALUES ('item'), ('qty'), ('warehouse'), ('lot'), ('serial'), ('reason'), ('doc'),
               ('moved_on'), ('location'), ('variant'), ('account'), ('batch_key'),
               ('expiry'), ('supplier_lot')) a(arg),
       LATERAL pg_temp.err(format(
         'SELECT lottrace.attach(%L, item => %L, qty => %L, warehouse => %L, %s)',
         'bad_map', CASE WHEN a.arg = 'item' THEN 'no_such' ELSE 'item' END,
         CASE WHEN a.arg = 'qty' THEN 'no_such' ELSE 'qty' END,
         CASE WHEN a.arg = 'warehouse' THEN 'no_such' ELSE 'wh' END,
         CASE WHEN a.arg IN ('item', 'qty', 'warehouse') THEN 'lot => NULL'
              ELSE format('%I => %L', a.arg, 'no_such') END)) e
 ORDER BY a.arg;
-- Column names are case-sensitive: "Item" exists, "ITEM" does not.
SELECT sqlstate, message, hint FROM pg_temp.err(
  $$SELECT lottrace.attach('bad_map', item => 'ITEM', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);

-- A column of an unusable type: 42804, naming column, type and role.
SELECT lottrace.attach('bad_map', item => 'item', qty => 'qty_text', warehouse => 'wh', lot => 'lot');
-- Each role with a type it cannot hold.
SELECT a.what, e.sqlstate, e.message, e.hint
  FROM (VALUES ('qty text', $$qty => 'qty_text', warehouse => 'wh', lot => 'lot'$$),
               ('lot integer', $$qty => 'qty', warehouse => 'wh', lot => 'lot_int'$$),
               ('moved_on text', $$qty => 'qty', warehouse => 'wh', lot => 'lot', moved_on => 'moved_text'$$),
               ('expiry boolean', $$qty => 'qty', warehouse => 'wh', lot => 'lot', expiry => 'flag'$$),
               ('warehouse boolean', $$qty => 'qty', warehouse => 'flag', lot => 'lot'$$),
               ('variant jsonb', $$qty => 'qty', warehouse => 'wh', lot => 'lot', variant => 'js'$$),
               ('qty date', $$qty => 'moved_text', warehouse => 'wh', lot => 'lot'$$)) a(what, args),
       LATERAL pg_temp.err(format('SELECT lottrace.attach(%L, item => %L, %s)', 'bad_map', 'item', a.args)) e
 ORDER BY a.what;

-- The required arguments (table, item, qty, warehouse) must not be NULL.
SELECT a.what, e.sqlstate, e.message
  FROM (VALUES ('tbl', $$NULL, item => 'item', qty => 'qty', warehouse => 'wh'$$),
               ('item', $$'bad_map', item => NULL, qty => 'qty', warehouse => 'wh'$$),
               ('qty', $$'bad_map', item => 'item', qty => NULL, warehouse => 'wh'$$),
               ('warehouse', $$'bad_map', item => 'item', qty => 'qty', warehouse => NULL$$)) a(what, args),
       LATERAL pg_temp.err(format('SELECT lottrace.attach(%s)', a.args)) e
 ORDER BY a.what;
-- The three required arguments have no default: leaving one out is an error.
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.attach('bad_map', item => 'item', qty => 'qty')$$);

-- A table that does not exist: the regclass input fails (42P01).
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.attach('no_such_table', item => 'item', qty => 'qty', warehouse => 'wh')$$);

-- A table without primary key: 55000.
CREATE TABLE no_pk (id int UNIQUE NOT NULL, item text, qty numeric, wh text, lot text);
-- Attaching it: 55000 (the full error).
SELECT lottrace.attach('no_pk', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');

-- A table attached already: 42710.
SELECT lottrace.attach('stock_move', item => 'item_code', qty => 'quantity', warehouse => 'wh');

-- A view, a materialized view and a partition are refused: 42809.
CREATE VIEW move_view AS SELECT * FROM bad_map;
-- A materialized view over it.
CREATE MATERIALIZED VIEW move_matview AS SELECT * FROM bad_map;
-- A partitioned table (attached further down) with two partitions.
CREATE TABLE part_root (id int, item text, qty numeric, wh text, lot text, PRIMARY KEY (id, wh))
  PARTITION BY LIST (wh);
-- Its partition for W1.
CREATE TABLE part_w1 PARTITION OF part_root FOR VALUES IN ('W1');
-- Its partition for W2.
CREATE TABLE part_w2 PARTITION OF part_root FOR VALUES IN ('W2');
-- The view (the full error, once).
SELECT lottrace.attach('move_view', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- The view, the materialized view and the partition: 42809, with a hint.
SELECT r.rel, e.sqlstate, e.message, e.hint
  FROM (VALUES ('move_view'), ('move_matview'), ('part_w1')) r(rel),
       LATERAL pg_temp.err(format('SELECT lottrace.attach(%L, item => %L, qty => %L, warehouse => %L, lot => %L)',
                                  r.rel, 'item', 'qty', 'wh', 'lot')) e
 ORDER BY r.rel;

-- A temporary table is refused: other sessions cannot read it, so it could
-- not be part of lottrace.movements (and it vanishes with the session).
CREATE TEMP TABLE temp_move (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- attach() refuses it.
SELECT sqlstate <> 'no error' AS refused FROM pg_temp.err(
  $$SELECT lottrace.attach('temp_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
-- (clean up in case it was attached)
DO $$ BEGIN
  IF to_regclass('temp_move') IN (SELECT relid FROM lottrace.attachment) THEN
    PERFORM lottrace.detach('temp_move');
  END IF;
END $$;
-- Drop it.
DROP TABLE temp_move;

-- attach is not executable by PUBLIC: attaching makes a table a source
-- of stock, so the DBA grants it (42501).
CREATE ROLE regress_lottrace_t1_other;
SET ROLE regress_lottrace_t1_other;
SELECT sqlstate, message FROM pg_temp.err(
  $$SELECT lottrace.attach('bad_map', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
RESET ROLE;
-- Granted attach, a role still attaches only tables it owns (42501).
GRANT EXECUTE ON FUNCTION lottrace.attach TO regress_lottrace_t1_other;
SET ROLE regress_lottrace_t1_other;
SELECT sqlstate, message FROM pg_temp.err(
  $$SELECT lottrace.attach('bad_map', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
RESET ROLE;
REVOKE EXECUTE ON FUNCTION lottrace.attach FROM regress_lottrace_t1_other;

-- None of the failed attaches left anything behind: only stock_move is
-- attached, and no other table has lottrace triggers.
SELECT relid FROM lottrace.attachment ORDER BY relid::text;
-- No triggers anywhere else.
SELECT tgrelid::regclass AS rel, count(*)
  FROM pg_trigger WHERE tgname LIKE 'lottrace%' GROUP BY 1 ORDER BY tgrelid::regclass::text COLLATE "C";

-- ================================================= composite primary key

-- Mapped columns of other text-like types; the key is (doc, line).
CREATE TABLE doc_line (doc varchar(10), line int, item varchar(20), qty int, wh varchar(5),
                       lot varchar(20), direction_free text, PRIMARY KEY (doc, line));
-- Attach it (empty).
SELECT lottrace.attach('doc_line', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- Signed quantities (no reason column): + loads, - unloads.
INSERT INTO doc_line VALUES ('D1', 1, 'APPLE', 5, 'W1', 'L1'), ('D1', 2, 'PEAR', 8, 'W2', 'K1'),
                            ('D2', 1, 'PEAR', -2, 'W2', 'K1');
-- source_key is the key as a row literal; moved_on NULL (not mapped).
SELECT source, source_key, item, lot, warehouse, qty, reason, moved_on
  FROM lottrace.movements WHERE source = 'doc_line'::regclass ORDER BY source_key;
-- An error names the row by both key columns.
INSERT INTO doc_line VALUES ('D3', 7, 'PEAR', -20, 'W2', 'K1');
-- Both tables now sum into L1 in W1: 10 - 3 + 5.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ============================================================== backfill

-- backfill => false: the rows already there are not taken in.
CREATE TABLE later_move (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- Rows already in the table.
INSERT INTO later_move VALUES (1, 'PEAR', 100, 'W3', 'K2'), (2, 'APPLE', 1, 'W1', 'L1');
-- Attach without backfill.
SELECT lottrace.attach('later_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       backfill => false);
-- No lot K2, L1 unchanged (7 + 5 = 12 on hand).
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- lottrace.movements lists the rows anyway, so verify() reports the difference...
SELECT * FROM lottrace.verify() ORDER BY 1, 2;
-- ...and rebuild() takes them in.
SELECT lottrace.rebuild();
-- L1 gained the row's 1, K2 exists with 100.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- verify() agrees now.
SELECT * FROM lottrace.verify();

-- A backfill refuses rows that break a data rule, naming the existing row;
-- the attach is undone as a whole.
CREATE TABLE old_bad (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text);
-- Two rows; the second has a reason not in lottrace.reason.
INSERT INTO old_bad VALUES (1, 'APPLE', 2, 'W1', 'L5', 'IN'), (2, 'APPLE', 2, 'W1', 'L5', 'GIFT');
-- The backfill stops at the second row: 23503 lottrace_reason, 'Existing row (id)=(2)'.
SELECT lottrace.attach('old_bad', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
-- Now the row has qty 0...
UPDATE old_bad SET reason = 'IN', qty = 0 WHERE id = 2;
-- ...23514 lottrace_qty.
SELECT lottrace.attach('old_bad', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
-- Now it has no lot...
UPDATE old_bad SET qty = 2, lot = NULL WHERE id = 2;
-- ...23502 lottrace_lot_required.
SELECT lottrace.attach('old_bad', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
-- Now a lot code with a space...
UPDATE old_bad SET lot = 'L 5' WHERE id = 2;
-- ...22P02 lottrace_code_syntax.
SELECT lottrace.attach('old_bad', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
-- Nothing of the failed attaches stayed: no attachment, no triggers, no lot L5.
SELECT (SELECT count(*) FROM lottrace.attachment WHERE relid = 'old_bad'::regclass) AS attached,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'old_bad'::regclass) AS triggers,
       (SELECT count(*) FROM lottrace.lot WHERE code = 'L5') AS lots;
-- Drop it.
DROP TABLE old_bad;

-- A long backfill reports progress.  120,000 rows: every other one is an
-- ungoverned SCREW, the rest loads of 50 APPLE lots in three warehouses.
CREATE TABLE big_move (id int PRIMARY KEY, item text, qty int, wh text, lot text);
-- Fill it before attach.
INSERT INTO big_move
SELECT i, CASE WHEN i % 2 = 0 THEN 'APPLE' ELSE 'SCREW' END, 1 + i % 3, 'B' || (i % 3),
       CASE WHEN i % 2 = 0 THEN 'BIG-' || (i % 100) END
  FROM generate_series(1, 120000) i;
-- The backfill: a NOTICE at 100,000 rows and one at the end.
SELECT lottrace.attach('big_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- 50 lots, 60,000 governed rows, quantities as summed from the table.
SELECT count(DISTINCT lot) AS lots, sum(on_hand) AS on_hand,
       (SELECT sum(qty) FROM big_move WHERE item = 'APPLE') AS table_sum
  FROM lottrace.lot_stock WHERE lot::text LIKE 'BIG-%';
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- detach reports progress the same way.
SELECT lottrace.detach('big_move');
-- Their stock is gone again.
SELECT count(*) AS big_lots_with_stock FROM lottrace.lot_stock WHERE lot::text LIKE 'BIG-%';
-- Drop it.
DROP TABLE big_move;

-- ================================================================ detach

-- A table whose rows drive another table's lot below what it alone says.
CREATE TABLE side_move (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- Attach it (empty).
SELECT lottrace.attach('side_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- A new lot K9 and an unload of 12 from L1 (13 on hand).
INSERT INTO side_move VALUES (1, 'PEAR', 4, 'W5', 'K9'), (2, 'APPLE', -12, 'W1', 'L1');
-- L1 has 1 left.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;

-- detach(doc_line): its contribution goes (L1 W1 0 - 5, K1 W2 back to
-- nothing), the stock is what the other tables say -- even if that is below
-- zero (detach judges no rule).
SELECT lottrace.detach('doc_line');
-- L1 in W1: 1 - 5 = -4; K1 has no stock left.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- The lots it created stay, with their data.
SELECT lot, item, initial_qty, on_hand, is_open FROM lottrace.lot_register
 WHERE lot::text NOT LIKE 'BIG-%' ORDER BY lot_id;
-- Its triggers and its attachment row are gone; movements no longer shows it.
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'doc_line'::regclass;
-- The attachment rows left.
SELECT relid FROM lottrace.attachment ORDER BY relid::text;
-- movements shows no row of doc_line.
SELECT count(*) AS rows_shown FROM lottrace.movements WHERE source::text = 'doc_line';
-- Its rows are not governed any more (an unload of an unknown lot passes).
INSERT INTO doc_line VALUES ('D9', 1, 'APPLE', -1, 'W1', 'NO-SUCH-LOT');
-- TRUNCATE is allowed again.
TRUNCATE doc_line;
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- Detaching a table that is not attached: 55000.
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.detach('doc_line')$$);
-- detach(NULL) does nothing (the function is strict).
SELECT lottrace.detach(NULL);
-- Only the owner may detach (42501).
SET ROLE regress_lottrace_t1_other;
-- The other role cannot detach side_move.
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.detach('side_move')$$);
RESET ROLE;

-- Attach again with backfill: the contribution comes back (a backfill
-- takes history as it is and judges no stock rule: L1 in W1 is -4 again).
SELECT lottrace.detach('side_move');
-- Without side_move: L1 back to 8, no K9.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- Attach it again, with backfill.
SELECT lottrace.attach('side_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- L1 at -4 and K9 at 4 again.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- A backfill does judge that unloaded lots exist: a table of shipments
-- whose receipts are in a table not attached yet is refused (so tables are
-- attached receipts first; or without backfill, then rebuild()).
CREATE TABLE ship_move (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- A table of receipts.
CREATE TABLE recv_move (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- A receipt of K6...
INSERT INTO recv_move VALUES (1, 'PEAR', 10, 'W6', 'K6');
-- ...shipped in part.
INSERT INTO ship_move VALUES (1, 'PEAR', -4, 'W6', 'K6');
-- Attaching the shipments first: 23503 lottrace_lot_unknown, naming the existing row.
SELECT sqlstate, constraint_name, detail FROM pg_temp.err(
  $$SELECT lottrace.attach('ship_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
-- Receipts first...
SELECT lottrace.attach('recv_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- ...then the shipments work.
SELECT lottrace.attach('ship_move', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- K6: 10 loaded, 6 on hand.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'K6';
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- Detach both.
SELECT lottrace.detach('ship_move'), lottrace.detach('recv_move');
-- Drop them.
DROP TABLE ship_move, recv_move;

-- ============================================================== TRUNCATE

-- TRUNCATE of an attached table is refused with a hint, also together with
-- other tables.
SELECT sqlstate, message, detail, hint FROM pg_temp.err('TRUNCATE stock_move');
-- Several tables at once, one attached: refused (55000).
SELECT sqlstate FROM pg_temp.err('TRUNCATE later_move, side_move');
-- No row of stock_move went.
SELECT count(*) AS rows_left FROM stock_move;

-- ============================================================ DROP TABLE

-- Dropping an attached table never drops the extension.  Whether the DROP
-- is refused or succeeds, lottrace must stay usable: movements readable,
-- verify() clean, no attachment left for a table that is gone, and other
-- tables can still be attached.
DO $$
BEGIN
  BEGIN
    DROP TABLE side_move;
  EXCEPTION WHEN OTHERS THEN
    NULL;   -- refusing the DROP is fine
  END;
  RAISE NOTICE 'extension still there: %', EXISTS (SELECT FROM pg_extension WHERE extname = 'lottrace');
  RAISE NOTICE 'no attachment of a dropped table: %',
    NOT EXISTS (SELECT FROM lottrace.attachment a
                 WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = a.relid));
  BEGIN
    PERFORM count(*) FROM lottrace.movements;
    RAISE NOTICE 'movements readable: true';
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'movements readable: false';
  END;
  BEGIN
    RAISE NOTICE 'verify clean: %', NOT EXISTS (SELECT FROM lottrace.verify());
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'verify clean: false';
  END;
  BEGIN
    CREATE TABLE after_drop (id int PRIMARY KEY, item text, qty numeric, wh text);
    PERFORM lottrace.attach('after_drop', item => 'item', qty => 'qty', warehouse => 'wh');
    RAISE NOTICE 'another table can be attached: true';
    PERFORM lottrace.detach('after_drop');
    DROP TABLE after_drop;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'another table can be attached: false';
  END;
END
$$;
-- The extension is still installed.
SELECT extname FROM pg_extension WHERE extname = 'lottrace';
-- (repair, so the rest of the file runs whatever the outcome above)
SET client_min_messages = warning;
-- Forget attachments of tables that are gone.
DELETE FROM lottrace.attachment a WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = a.relid);
-- Detach side_move if the DROP was refused.
DO $$ BEGIN IF to_regclass('side_move') IS NOT NULL THEN PERFORM lottrace.detach('side_move'); END IF; END $$;
-- Drop it.
DROP TABLE IF EXISTS side_move;
-- Bring the registers in line.
SELECT lottrace.rebuild();
RESET client_min_messages;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ==================================================== partitioned tables

-- The partitioned table is attached at its root.
SELECT lottrace.attach('part_root', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- Rows routed through the root are governed: loads in both partitions...
INSERT INTO part_root VALUES (1, 'PEAR', 6, 'W1', 'PT1'), (2, 'PEAR', 4, 'W2', 'PT1');
-- ...an unload below zero through the root is refused...
SELECT sqlstate, constraint_name, detail FROM pg_temp.err(
  $$INSERT INTO part_root VALUES (3, 'PEAR', -7, 'W1', 'PT1')$$);
-- ...a row moved to the other partition by UPDATE moves its stock.
UPDATE part_root SET wh = 'W2' WHERE id = 1;
-- The rows: both in W2 now.
SELECT source_key, lot, warehouse, qty FROM lottrace.movements
 WHERE source = 'part_root'::regclass ORDER BY source_key;
-- PT1: 10 in W2.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'PT1' ORDER BY warehouse;
-- TRUNCATE of the root is refused.
SELECT sqlstate FROM pg_temp.err('TRUNCATE part_root');
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- Direct DML on a partition is governed too: attach put the statement
-- triggers on every partition (statements aimed at the root fire the
-- root's, statements aimed at a partition fire the partition's).  An
-- unload below zero written straight into a partition is refused.
INSERT INTO part_w2 VALUES (4, 'PEAR', -15, 'W2', 'PT1');
-- The registers did not move (still 10 in W2).
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'PT1' ORDER BY warehouse;
-- An unload the stock covers, straight into the partition, is taken in.
INSERT INTO part_w2 VALUES (4, 'PEAR', -4, 'W2', 'PT1');
-- PT1 in W2: 6.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'PT1' ORDER BY warehouse;
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- Every partition has lottrace's statement triggers (and the cloned row trigger).
SELECT tgrelid::regclass AS rel, tgname FROM pg_trigger
 WHERE tgrelid IN ('part_w1'::regclass, 'part_w2'::regclass) ORDER BY tgrelid::regclass::text, tgname;
-- Deleting the row through the root is governed (stock back to 10).
DELETE FROM part_root WHERE id = 4;
-- PT1 in W2: 10.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'PT1' ORDER BY warehouse;
-- TRUNCATE of a partition is refused like TRUNCATE of the root (55000).
SELECT sqlstate FROM pg_temp.err('TRUNCATE part_w2');
-- A partition attached later gets the triggers as well (event trigger),
-- even with its columns in another order.
CREATE TABLE part_w3 (lot text, wh text NOT NULL, qty numeric, item text, id int NOT NULL);
ALTER TABLE part_root ATTACH PARTITION part_w3 FOR VALUES IN ('W3');
-- Straight into it: an unload of a lot with no stock there is refused.
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO part_w3 VALUES ('PT1', 'W3', -1, 'PEAR', 9)$$);
-- A load into it is taken in.
INSERT INTO part_w3 VALUES ('PT1', 'W3', 3, 'PEAR', 9);
-- PT1 in W2 and W3.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'PT1' ORDER BY warehouse;
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- Detach the partitioned table.
SELECT lottrace.detach('part_root');
-- detach removed the clone triggers too.
SELECT count(*) AS triggers FROM pg_trigger
 WHERE tgrelid IN ('part_root'::regclass, 'part_w1'::regclass, 'part_w2'::regclass);
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ========================================================== column types

-- item as integer, qty as integer, warehouse as char(n), lot as
-- lottrace.lotcode, moved_on as timestamptz, variant as varchar.
CREATE TABLE typed_a (id bigint PRIMARY KEY, item int, qty int, wh char(4), lot lottrace.lotcode,
                      at timestamptz, var varchar(10));
-- Attach it.
SELECT lottrace.attach('typed_a', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       moved_on => 'at', variant => 'var');
-- 23:30 UTC on 2024-02-29 is already 2024-03-01 in Berlin: the date is taken
-- in the session's time zone, by the engine and by movements alike.
SET timezone = 'Europe/Berlin';
-- A load and an unload of item 4711, variant '' and NULL.
INSERT INTO typed_a VALUES (1, 4711, 7, 'W1', 'T-1', '2024-02-29 23:30:00+00', ''),
                           (2, 4711, -2, 'W1', 'T-1', '2024-03-02 10:00:00+00', NULL);
-- movements: item '4711', no variant, warehouse without padding, dates in Berlin time.
SELECT source_key, item, variant, lot, warehouse, qty, moved_on
  FROM lottrace.movements WHERE source = 'typed_a'::regclass ORDER BY source_key;
-- The lot starts on 2024-03-01 (Berlin date).
SELECT item, variant, lot, start_date FROM lottrace.lot_register WHERE item = '4711';
-- 7 loaded, 5 on hand.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE item = '4711';
-- verify() agrees.
SELECT * FROM lottrace.verify();
SET timezone = 'UTC';

-- item as varchar, qty as double precision, warehouse as varchar, lot as
-- char(n) (padding is not part of the code), moved_on as timestamp.
CREATE TABLE typed_b (id uuid PRIMARY KEY, item varchar(10), qty float8, wh varchar(4),
                      lot char(12), at timestamp);
-- Attach it.
SELECT lottrace.attach('typed_b', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       moved_on => 'at');
-- A load of 2.5 and an unload of 0.1 (float8).
INSERT INTO typed_b VALUES ('00000000-0000-0000-0000-000000000001', 'APPLE', 2.5, 'W7', 'C-1', '2024-05-01 08:00'),
                           ('00000000-0000-0000-0000-000000000002', 'APPLE', -0.1, 'W7', 'C-1', '2024-05-02 08:00');
-- movements: the lot code without padding, the quantities as numeric.
SELECT item, lot, warehouse, qty, moved_on FROM lottrace.movements
 WHERE source = 'typed_b'::regclass ORDER BY source_key;
-- 2.5 loaded, 2.4 on hand.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE lot = 'C-1';
-- The uuid key names the row in errors.
INSERT INTO typed_b VALUES ('00000000-0000-0000-0000-000000000003', 'APPLE', -9, 'W7', 'C-1', '2024-05-03');
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- A lot column of a domain over varchar is checked like varchar: a code
-- with a space is refused (not written into lottrace.lot as it is).
CREATE DOMAIN lot_text AS varchar(60);
-- A table with it.
CREATE TABLE typed_c (id int PRIMARY KEY, item text, qty numeric, wh text, lot lot_text);
-- Attach it.
SELECT lottrace.attach('typed_c', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- 'D 1' is refused: 22P02 lottrace_code_syntax.
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO typed_c VALUES (1, 'APPLE', 1, 'W8', 'D 1')$$);
-- 'D-1' is fine.
INSERT INTO typed_c VALUES (2, 'APPLE', 1, 'W8', 'D-1');
-- D-1 has 1 in W8.
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE warehouse = 'W8';
-- No invalid code reached lottrace.lot.
SELECT count(*) AS bad_codes FROM lottrace.lot WHERE code::text ~ '[ ~]';

-- Schema, table and column names that need quoting.
CREATE SCHEMA "ERP Data";
-- A table in it, with a column called "select".
CREATE TABLE "ERP Data"."Stock Moves" ("Row Id" int PRIMARY KEY, "Item Code" text, "Qty" numeric,
                                       "Wh" text, "Lot No" text, "select" text);
-- One row before attach.
INSERT INTO "ERP Data"."Stock Moves" VALUES (1, 'APPLE', 5, 'W9', 'Q-1', 'DOC "1"');
-- Attach, naming the columns as they are spelt.
SELECT lottrace.attach('"ERP Data"."Stock Moves"', item => 'Item Code', qty => 'Qty', warehouse => 'Wh',
                       lot => 'Lot No', doc => 'select');
-- Its triggers.
SELECT tgname FROM pg_trigger WHERE tgrelid = '"ERP Data"."Stock Moves"'::regclass ORDER BY tgname;
-- An unload below zero (the error names the quoted key column and table).
INSERT INTO "ERP Data"."Stock Moves" VALUES (2, 'APPLE', -7, 'W9', 'Q-1', NULL);
-- An unload that fits.
INSERT INTO "ERP Data"."Stock Moves" VALUES (2, 'APPLE', -2, 'W9', 'Q-1', NULL);
-- movements shows both rows.
SELECT source, source_key, item, lot, warehouse, qty, doc FROM lottrace.movements
 WHERE source = '"ERP Data"."Stock Moves"'::regclass ORDER BY source_key;
-- Q-1: 5 loaded, 3 on hand.
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE warehouse = 'W9';
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- Detach it.
SELECT lottrace.detach('"ERP Data"."Stock Moves"');
-- Its stock is gone.
SELECT count(*) AS stock_rows FROM lottrace.lot_stock WHERE warehouse = 'W9';

-- A lot code with white space around it, in a text column, is refused
-- (22P02 lottrace_code_syntax): the register and the ERP row must hold
-- the same code, so movements, verify() and rebuild() agree.
SELECT sqlstate, constraint_name, message, hint FROM pg_temp.err(
  $$INSERT INTO later_move VALUES (3, 'APPLE', 2, 'W4', '  L-TRIM ')$$);
-- No such lot.
SELECT count(*) FROM lottrace.lot WHERE code::text LIKE '%TRIM%';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ============================================================== clean up
-- (the cascade also drops typed_a's lottrace.lotcode column)
SET client_min_messages = warning;
-- Drop the extension.
DROP EXTENSION lottrace CASCADE;
RESET client_min_messages;
-- The ERP tables keep their rows and lose their triggers.
SELECT count(*) AS lottrace_triggers FROM pg_trigger WHERE tgname LIKE 'lottrace%';
-- Drop this file's tables.
DROP TABLE stock_move, bad_map, no_pk, doc_line, later_move, part_root, typed_a, typed_b, typed_c CASCADE;
-- ...its domain...
DROP DOMAIN lot_text;
-- ...its schema...
DROP SCHEMA "ERP Data" CASCADE;
-- ...and its role.
DROP ROLE regress_lottrace_t1_other;
