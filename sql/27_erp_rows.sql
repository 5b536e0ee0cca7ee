-- ERP row shapes (issue 13): attach() with counts_when (rows that count
-- only in some states), values read through a foreign key
-- ('lot_id -> stock_lot.name'), two-location rows (to_warehouse and
-- lottrace.warehouse.kind), signed quantities with a reason (reversals)
-- and several serials in one column (serial_separator).  Each part: the
-- registers after every step, every refusal with its SQLSTATE and
-- constraint name, backfill of a table that holds drafts and cancelled
-- rows, verify() and rebuild() after the scenario, and detach.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- pg_temp.registers(items): what the registers hold for these items, one
-- line per lot and warehouse (loaded/on hand), serial (state and place) and
-- production batch member (quantity)
CREATE FUNCTION pg_temp.registers(VARIADIC items text[])
RETURNS TABLE (kind text, what text, state text) LANGUAGE sql AS $$
  SELECT * FROM (
    SELECT 'lot' AS kind, s.item || '/' || s.lot || ' @ ' || s.warehouse AS what,
           s.loaded_qty || ' / ' || s.on_hand AS state
      FROM lottrace.lot_stock s WHERE s.item = ANY (items)
    UNION ALL
    SELECT 'serial', r.item || '/' || r.serial, r.state || coalesce(' @ ' || r.warehouse, '')
      FROM lottrace.serial_register r WHERE r.item = ANY (items)
    UNION ALL
    SELECT 'batch', b.batch_key || ' ' || b.role || ' ' || l.item || '/' || l.code, b.qty::text
      FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id) WHERE l.item = ANY (items)) x
  ORDER BY 1, 2
$$;

-- pg_temp.check(): verify(), then rebuild(), which must keep every
-- register line (pg_temp.registers of every item) as it was, and verify()
-- once more.  No rows: the registers agree with the tables, and rebuild()
-- computes what the triggers wrote.
CREATE FUNCTION pg_temp.check()
RETURNS TABLE (step text, problem text, detail text) LANGUAGE plpgsql AS $$
DECLARE
  items text[] := ARRAY(SELECT item FROM lottrace.item);
  before text[];
BEGIN
  RETURN QUERY SELECT 'verify', v.problem, v.detail FROM lottrace.verify() v;
  before := ARRAY(SELECT r::text FROM pg_temp.registers(VARIADIC items) r);
  PERFORM lottrace.rebuild();
  RETURN QUERY
    SELECT 'rebuild lost', x, NULL::text
      FROM (SELECT unnest(before) EXCEPT ALL SELECT r::text FROM pg_temp.registers(VARIADIC items) r) d(x)
    UNION ALL
    SELECT 'rebuild made', x, NULL::text
      FROM (SELECT r::text FROM pg_temp.registers(VARIADIC items) r EXCEPT ALL SELECT unnest(before)) d(x);
  RETURN QUERY SELECT 'verify after rebuild', v.problem, v.detail FROM lottrace.verify() v;
END
$$;

-- ============================================================================
-- 1. counts_when: a move-line table whose rows count only when done
-- ============================================================================

INSERT INTO lottrace.item (item, lot_tracked) VALUES ('OIL', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('DRUM', true);
INSERT INTO lottrace.item (item) VALUES ('NAIL');
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');

CREATE TABLE move_line (
  id int PRIMARY KEY, item text, lot text, serial text, qty numeric, wh text, reason text,
  state varchar(12), moved date, expiry date, note text);
-- before attach: done, draft and cancelled rows; a draft that would overdraw,
-- a cancelled one that would too, a draft that breaks every rule, and a
-- draft second load of serial D-1
INSERT INTO move_line VALUES
  (1, 'OIL',  'L1', NULL,  10,  'W1', 'IN',   'done',   '2026-01-05', NULL, NULL),
  (2, 'OIL',  'L1', NULL,  99,  'W1', 'OUT',  'draft',  '2026-01-06', NULL, NULL),
  (3, 'OIL',  'L1', NULL,  40,  'W1', 'OUT',  'cancel', '2026-01-06', NULL, NULL),
  (4, 'OIL',  'bad lot ~', NULL, 0, NULL, 'NOPE', 'draft', '2026-01-06', NULL, NULL),
  (5, 'DRUM', NULL, 'D-1', 1,   'W1', 'IN',   'done',   '2026-01-05', NULL, NULL),
  (6, 'DRUM', NULL, 'D-1', 1,   'W1', 'IN',   'draft',  '2026-01-07', NULL, NULL);
-- the backfill takes only the rows for which the predicate holds
SELECT lottrace.attach('move_line', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', moved_on => 'moved', expiry => 'expiry',
                       counts_when => $$state = 'done'$$);
-- kept as a schema-qualified template over attribute numbers
SELECT counts_when, counts_attnums, counts_attnums[1] = (SELECT attnum FROM pg_attribute
                                                          WHERE attrelid = 'move_line'::regclass
                                                            AND attname = 'state') AS is_state
  FROM lottrace.attachment WHERE relid = 'move_line'::regclass;
SELECT * FROM pg_temp.registers('OIL', 'DRUM');
-- lottrace.movements: the counting rows only
SELECT source_key, item, lot, serial, warehouse, qty, reason FROM lottrace.movements
 WHERE source = 'move_line'::regclass ORDER BY source_key;

-- INSERT of a row that does not count: nothing, whatever it holds
INSERT INTO move_line VALUES
  (7, 'OIL', 'L1', NULL, 1000, 'W1', 'OUT', 'draft', '2026-01-08', NULL, NULL),
  (8, 'OIL', 'L9', NULL, 5, 'W1', 'OUT', NULL, '2026-01-08', NULL, NULL),
  (9, 'OIL', 'L1', NULL, -3, '', 'NOPE', 'assigned', '2026-01-08', NULL, NULL);
SELECT * FROM pg_temp.registers('OIL', 'DRUM');

-- UPDATE that makes it count applies the row then, judged as a new movement:
-- negative stock (99 of 10) ...
SELECT sqlstate, constraint_name, message, detail
  FROM pg_temp.err($$UPDATE move_line SET state = 'done' WHERE id = 2$$);
-- ... the reason, the quantity, the warehouse of the rule-breaking draft ...
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE move_line SET state = 'done' WHERE id = 4$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE move_line SET state = 'done', reason = 'IN' WHERE id = 4$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE move_line SET state = 'done', reason = 'IN', qty = 1 WHERE id = 4$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE move_line SET state = 'done', reason = 'IN', qty = 1, wh = 'W1' WHERE id = 4$$);
-- ... a second load of a serial in stock ...
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE move_line SET state = 'done' WHERE id = 6$$);
-- ... a blocked lot ...
UPDATE move_line SET qty = 3 WHERE id = 2;
SELECT lottrace.set_lot_status('OIL', 'L1', 'BLOCKED');
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$UPDATE move_line SET state = 'done' WHERE id = 2$$);
-- ... an expired one (L2: expiry given on receipt, long past)
SELECT lottrace.set_lot_status('OIL', 'L1', 'AVAILABLE');
INSERT INTO move_line VALUES
  (10, 'OIL', 'L2', NULL, 5, 'W1', 'IN',  'done',  '2019-12-01', '2020-01-01', NULL),
  (11, 'OIL', 'L2', NULL, 1, 'W1', 'OUT', 'draft', '2026-01-09', NULL, NULL);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$UPDATE move_line SET state = 'done' WHERE id = 11$$);
-- a draft whose quantity changed (still a draft: nothing), then done: 10 - 3
SELECT * FROM pg_temp.registers('OIL');
UPDATE move_line SET state = 'done' WHERE id = 2;
SELECT * FROM pg_temp.registers('OIL');
-- an UPDATE of a column neither mapped nor read by the predicate: nothing
UPDATE move_line SET note = 'checked' WHERE id IN (1, 2, 7);
-- a done row whose quantity changes: the old row reversed, the new one applied
UPDATE move_line SET qty = 4 WHERE id = 2;
SELECT * FROM pg_temp.registers('OIL');
-- UPDATE that makes it stop counting reverses it: the unload of 4 cancelled
UPDATE move_line SET state = 'cancel' WHERE id = 2;
SELECT * FROM pg_temp.registers('OIL');
-- ... which is judged too: cancelling the receipt of goods shipped since
INSERT INTO move_line VALUES (12, 'OIL', 'L1', NULL, 6, 'W1', 'OUT', 'done', '2026-01-10', NULL, NULL);
SELECT sqlstate, constraint_name, message, detail
  FROM pg_temp.err($$UPDATE move_line SET state = 'cancel' WHERE id = 1$$);
-- one statement: one row starts counting, another stops (judged on the
-- final state: the unload of 6 gives way to the unload of 3)
UPDATE move_line SET state = CASE id WHEN 12 THEN 'cancel' ELSE 'done' END, qty = CASE id WHEN 7 THEN 3 ELSE qty END
 WHERE id IN (7, 12);
SELECT * FROM pg_temp.registers('OIL');
-- a NULL state does not count (the predicate is NULL)
UPDATE move_line SET state = NULL WHERE id = 7;
SELECT * FROM pg_temp.registers('OIL');
-- DELETE of a row that does not count changes nothing, even of one that
-- could never count; DELETE of a counting one reverses it
DELETE FROM move_line WHERE id IN (3, 4, 8, 9);
DELETE FROM move_line WHERE id = 12;
INSERT INTO move_line VALUES (13, 'OIL', 'L1', NULL, 2, 'W1', 'OUT', 'done', '2026-01-11', NULL, NULL);
DELETE FROM move_line WHERE id = 13;
SELECT * FROM pg_temp.registers('OIL', 'DRUM');
SELECT source_key, item, lot, serial, warehouse, qty FROM lottrace.movements
 WHERE source = 'move_line'::regclass ORDER BY source_key;
SELECT * FROM pg_temp.check();

-- The predicate's column renamed: followed (the template reads it by
-- attribute number), and the rows go on counting by it
ALTER TABLE move_line RENAME COLUMN state TO "State of the line";
SELECT counts_when FROM lottrace.attachment WHERE relid = 'move_line'::regclass;
INSERT INTO move_line (id, item, lot, qty, wh, reason, "State of the line", moved)
VALUES (14, 'OIL', 'L1', 1, 'W1', 'OUT', 'done', '2026-01-12'),
       (15, 'OIL', 'L1', 1, 'W1', 'OUT', 'draft', '2026-01-12');
SELECT * FROM pg_temp.registers('OIL');
SELECT source_key, qty FROM lottrace.movements WHERE source = 'move_line'::regclass ORDER BY source_key;
-- dropping it is refused (2BP01); so is a type under which the predicate
-- means something else (char(12) compares without trailing blanks); a
-- longer varchar is the same predicate
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$ALTER TABLE move_line DROP COLUMN "State of the line"$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$ALTER TABLE move_line ALTER COLUMN "State of the line" TYPE char(12)$$);
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$ALTER TABLE move_line ALTER COLUMN "State of the line" TYPE varchar(40)$$);
-- a state column turned into a number (1 = done): "state = 'done'" would
-- then compare the number's text with 'done' and no row would count any
-- more, while the registers still hold their stock: refused (2BP01), and
-- the movements stay as they are (rolled back either way)
BEGIN;
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$ALTER TABLE move_line ALTER COLUMN "State of the line" TYPE int
                     USING CASE "State of the line" WHEN 'done' THEN 1 ELSE 0 END$$);
SELECT source_key, qty FROM lottrace.movements WHERE source = 'move_line'::regclass ORDER BY source_key;
ROLLBACK;
SELECT * FROM pg_temp.check();

-- detach takes out the counting rows only: the registers are back at zero
-- (the lots stay), the serial is out
SELECT lottrace.detach('move_line');
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'OIL' ORDER BY lot;
SELECT * FROM pg_temp.registers('OIL', 'DRUM');
SELECT * FROM pg_temp.check();

-- ---------------------------------------------------------------- predicates
-- What a predicate may be: columns, constants, PostgreSQL's own immutable
-- functions and operators (names resolved in pg_catalog only), kept as a
-- schema-qualified template.  pg_temp.canon(pred) attaches pred_line (an
-- empty table shaped like move_line) with it, returns the template and
-- takes the attachment back.
CREATE TABLE pred_line (LIKE move_line, PRIMARY KEY (id));
CREATE FUNCTION pg_temp.canon(pred text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
  PERFORM lottrace.attach('pred_line', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                          reason => 'reason', counts_when => pred);
  SELECT counts_when INTO t FROM lottrace.attachment WHERE relid = 'pred_line'::regclass;
  PERFORM lottrace.detach('pred_line');
  RETURN t;
END
$$;
SELECT p AS predicate, pg_temp.canon(p) AS template
  FROM (VALUES ($$"State of the line" = 'done' AND note IS NOT NULL$$),
               ($$lower("State of the line") LIKE 'd%' OR NOT (qty > 0)$$),
               ($$qty BETWEEN 1 AND 10$$),
               ($$(note = 'a') IS TRUE$$),
               ($$note = '50% off'$$),
               ($$NULL$$)) v(p);
-- what it may not be (42P17, the message names the offending part), and
-- mistakes reported as PostgreSQL reports them
SELECT p AS predicate, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES ($$note = (SELECT 'x')$$),
               ($$EXISTS (SELECT FROM pg_class)$$),
               ($$note = 'x' FROM pg_class$$),
               ($$true; DROP TABLE pred_line$$),
               ($$note = 'x' UNION SELECT true$$),
               ($$now() > '2026-01-01'$$),
               ($$random() < 0.5$$),
               ($$note::lottrace.lotcode = 'L1'$$),
               ($$xmin::text = '1'$$),
               ($$t IS NOT NULL$$),
               ($$t::text <> ''$$),
               ($$(note = 'x') AS flag$$),
               ($$qty$$),
               ($$no_such = 1$$),
               ($$note =$$)) v(p),
       LATERAL pg_temp.err(format('SELECT pg_temp.canon(%L)', p)) e;
-- an aggregate is refused like a subquery (42P17)
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT pg_temp.canon('count(*) > 0')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT pg_temp.canon('sum(qty) > 0')$$);
-- an IN list, = ANY (ARRAY[...]) and COALESCE are PostgreSQL's own
-- operators over constants: accepted, and the rows count by them
CREATE TABLE inv_line (id int PRIMARY KEY, item text, lot text, qty numeric, wh text,
                       docstatus text, posted boolean);
INSERT INTO inv_line VALUES
  (1, 'OIL', 'L7', 5, 'W1', 'CO', NULL), (2, 'OIL', 'L7', 7, 'W1', 'CL', true),
  (3, 'OIL', 'L7', 9, 'W1', 'DR', true), (4, 'OIL', 'L7', 11, 'W1', 'CO', false);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$SELECT lottrace.attach('inv_line', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                           counts_when => 'docstatus IN (''CO'', ''CL'') AND coalesce(posted, true)')$$);
SELECT * FROM pg_temp.registers('OIL') WHERE what LIKE 'OIL/L7 %';
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT lottrace.detach('inv_line')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$SELECT lottrace.attach('inv_line', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                           counts_when => 'docstatus = ANY (ARRAY[''CO'', ''CL''])')$$);
SELECT * FROM pg_temp.registers('OIL') WHERE what LIKE 'OIL/L7 %';
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT lottrace.detach('inv_line')$$);
SELECT * FROM pg_temp.registers('OIL') WHERE what LIKE 'OIL/L7 %';
DROP TABLE inv_line, pred_line;

-- ============================================================================
-- 2. Values read through a foreign key: 'col -> table.value_col'
-- ============================================================================

-- the ERP's own tables: products, lots (the movement's foreign key points
-- at a unique column that is not the primary key), warehouses (no foreign
-- key: the key column is named), pickings (no foreign key: the primary key)
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('SOAPLOT', 'lot', 'S-{SEQ:1}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('SOAP', true, 'SOAPLOT');
CREATE TABLE product (id int PRIMARY KEY, default_code text NOT NULL UNIQUE, name text);
CREATE TABLE stock_lot (id int PRIMARY KEY, ext_id int NOT NULL UNIQUE, name text UNIQUE, note text);
CREATE TABLE store (store_no int NOT NULL UNIQUE, code text NOT NULL, city text);
CREATE TABLE picking (id int PRIMARY KEY, name text);
INSERT INTO product VALUES (1, 'SOAP', 'soap'), (2, 'NAIL', 'nails');
INSERT INTO stock_lot VALUES (1, 101, 'S-1', NULL), (2, 102, 'S-2', NULL), (3, 103, 'S-3', NULL),
                             (4, 104, 'S-4', NULL), (5, 105, 'N-1', NULL);
INSERT INTO store VALUES (10, 'W1', 'Oslo'), (20, 'W2', 'Bergen'), (30, 'W3', 'Trondheim');
INSERT INTO picking VALUES (1, 'IN/0001'), (2, 'OUT/0001');
CREATE TABLE lot_move (
  id int PRIMARY KEY,
  product_id int NOT NULL REFERENCES product,
  lot_id int REFERENCES stock_lot (ext_id),
  store_no int,
  qty numeric NOT NULL,
  reason text NOT NULL,
  picking_id int,
  state text NOT NULL);
-- before attach: a done receipt, a draft one, a cancelled shipment
INSERT INTO lot_move VALUES
  (1, 1, 101, 10, 20, 'IN', 1, 'done'),
  (2, 1, 102, 10, 5, 'IN', 1, 'draft'),
  (3, 1, 101, 10, 50, 'OUT', 2, 'cancel');

-- mistakes in a lookup, each reported at attach
SELECT a.arg, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES ($$lot => 'lot_id -> stock_lot.no_such'$$),
               ($$lot => 'lot_id -> stock_lot(no_such).name'$$),
               ($$lot => 'lot_id -> no_such.name'$$),
               ($$lot => 'no_such -> stock_lot.name'$$),
               ($$lot => 'lot_id -> stock_lot'$$),
               ($$lot => ' -> stock_lot.name'$$),
               ($$lot => 'lot_id -> store(city).code'$$),
               ($$lot => 'lot_id -> store.code'$$),
               ($$lot => 'picking_id -> stock_lot(name).name'$$),
               ($$lot => 'lot_id -> stock_lot.ext_id'$$),
               ($$lot => 'lot_id -> stock_lot.name', qty => 'qty -> stock_lot(id).ext_id'$$)) a(arg),
       LATERAL pg_temp.err(format(
         'SELECT lottrace.attach(%L, item => %L, warehouse => %L, %s%s)', 'lot_move', 'product_id',
         'store_no -> store(store_no).code', a.arg,
         CASE WHEN a.arg LIKE '%qty =>%' THEN '' ELSE ', qty => ''qty''' END)) e
 ORDER BY 1;
-- a key that is not unique: 42830
CREATE TABLE lot_alias (lot_no int, alias text);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$SELECT lottrace.attach('lot_move', item => 'product_id -> product.default_code', qty => 'qty',
                           warehouse => 'store_no -> store(store_no).code', lot => 'lot_id -> lot_alias(lot_no).alias')$$);
DROP TABLE lot_alias;

-- attach: the item, lot and warehouse read through the ERP's tables, the
-- document through the picking; only done rows count
SELECT lottrace.attach('lot_move', item => 'product_id -> product.default_code', qty => 'qty',
                       warehouse => 'store_no -> public.store(store_no).code',
                       lot => 'lot_id -> stock_lot.name', reason => 'reason',
                       doc => 'picking_id -> picking.name', counts_when => $$state = 'done'$$);
-- the mapping names the row's columns; each lookup its table, key and value
SELECT item_col, warehouse_col, lot_col, doc_col, lookup_roles, lookup_refs, lookup_keys, lookup_values
  FROM lottrace.attachment WHERE relid = 'lot_move'::regclass;
-- the guard triggers sit on the tables that decide stock (not on picking),
-- and no code is generated into a lookup column
SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger
 WHERE tgname LIKE 'lottrace_lookup%' OR (tgrelid = 'lot_move'::regclass AND tgname = 'lottrace_generate')
 ORDER BY 1, 2;
SELECT * FROM pg_temp.registers('SOAP');
SELECT source_key, item, lot, warehouse, qty, reason, doc FROM lottrace.movements
 WHERE source = 'lot_move'::regclass ORDER BY source_key;

-- movements read their values set-wise: a shipment, a transfer, a second lot
INSERT INTO lot_move VALUES
  (4, 1, 101, 10, 3, 'OUT', 2, 'done'),
  (5, 1, 101, 10, 4, 'OUT', NULL, 'done'), (6, 1, 101, 20, 4, 'IN', NULL, 'done'),
  (7, 1, 103, 30, 8, 'IN', 1, 'done');
SELECT * FROM pg_temp.registers('SOAP');
-- the rules are judged on the values read: an unknown lot, negative stock
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lot_move VALUES (8, 1, 104, 10, 1, 'OUT', NULL, 'done')$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lot_move VALUES (8, 1, 103, 30, 9, 'OUT', NULL, 'done')$$);
-- a row without a lot: required (never generated into the lot_id column,
-- no counter value taken); a store number no row of store has: no warehouse
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lot_move VALUES (8, 1, NULL, 10, 1, 'IN', NULL, 'done')$$);
SELECT count(*) AS counters FROM lottrace.code_counter WHERE code_type = 'SOAPLOT';
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lot_move VALUES (8, 1, 103, 99, 1, 'IN', NULL, 'done')$$);

-- a referenced value that counting movements read cannot change: 23503
-- lottrace_lookup_changed (a lot renamed, a warehouse deleted or its key
-- changed, a product's code changed)
SELECT sqlstate, constraint_name, message, detail
  FROM pg_temp.err($$UPDATE stock_lot SET name = 'S-1b' WHERE id = 1$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$DELETE FROM store WHERE store_no = 20$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$UPDATE store SET store_no = 21 WHERE store_no = 20$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$UPDATE product SET default_code = 'SOAP-OLD' WHERE id = 1$$);
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$UPDATE stock_lot SET name = NULL WHERE id = 3$$);
-- a change of another column passes, and so does one of a row only drafts
-- (or cancelled rows) read, or none; the document is no stock rule: a
-- picking may be renamed
UPDATE stock_lot SET note = 'checked' WHERE id IN (1, 3);
UPDATE store SET city = 'Stavanger' WHERE store_no = 20;
UPDATE stock_lot SET name = 'S-6' WHERE id = 2;
UPDATE stock_lot SET name = 'S-7' WHERE id = 4;
UPDATE picking SET name = 'IN/0001-A' WHERE id = 1;
-- the draft that read S-2 now reads its new name, S-6, when it becomes done
UPDATE lot_move SET state = 'done' WHERE id = 2;
SELECT * FROM pg_temp.registers('SOAP');
SELECT source_key, lot, warehouse, qty, doc FROM lottrace.movements
 WHERE source = 'lot_move'::regclass ORDER BY source_key;
-- once no counting row reads it (the receipt of S-6 cancelled), it may change
UPDATE lot_move SET state = 'cancel' WHERE id = 2;
UPDATE stock_lot SET name = 'S-8' WHERE id = 2;
-- an UPDATE of the movement's keys: the old lot given back in W1, the new
-- one taken in W3
UPDATE lot_move SET lot_id = 103, store_no = 30 WHERE id = 4;
SELECT * FROM pg_temp.registers('SOAP');
-- rows of an item lottrace does not track are no movements: they do not
-- hold the values they read
INSERT INTO lot_move VALUES (9, 2, 105, 10, 100, 'IN', NULL, 'done');
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE stock_lot SET name = 'N-1b' WHERE id = 5$$);
-- the movement table's own key column renamed: followed
ALTER TABLE lot_move RENAME COLUMN lot_id TO lot_ext_id;
SELECT lot_col FROM lottrace.attachment WHERE relid = 'lot_move'::regclass;
INSERT INTO lot_move VALUES (10, 1, 103, 30, 1, 'OUT', NULL, 'done');
SELECT * FROM pg_temp.registers('SOAP');
-- the referenced table's value column renamed or dropped: refused
SELECT sqlstate, constraint_name FROM pg_temp.err($$ALTER TABLE stock_lot RENAME COLUMN name TO lot_name$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$ALTER TABLE stock_lot DROP COLUMN name$$);
SELECT * FROM pg_temp.check();

-- a second table reads stock_lot too
CREATE TABLE lot_count (id int PRIMARY KEY, item text, lot_id int REFERENCES stock_lot, wh text, qty numeric);
SELECT lottrace.attach('lot_count', item => 'item', qty => 'qty', warehouse => 'wh',
                       lot => 'lot_id -> stock_lot.name');
INSERT INTO lot_count VALUES (1, 'SOAP', 4, 'W9', 2);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE stock_lot SET name = 'S-9' WHERE id = 4$$);
SELECT * FROM pg_temp.registers('SOAP');
SELECT * FROM pg_temp.check();
-- detach: the counting rows taken out; the guards stay while another
-- attachment reads the table, and go with the last one
SELECT lottrace.detach('lot_move');
SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger WHERE tgname LIKE 'lottrace_lookup%' ORDER BY 1, 2;
SELECT * FROM pg_temp.registers('SOAP');
SELECT lottrace.detach('lot_count');
SELECT tgrelid::regclass AS tbl, tgname FROM pg_trigger WHERE tgname LIKE 'lottrace_lookup%' ORDER BY 1, 2;
SELECT * FROM pg_temp.registers('SOAP');
SELECT * FROM pg_temp.check();
-- the referenced rows are the ERP's again
UPDATE stock_lot SET name = name || '-free';
DELETE FROM store WHERE store_no = 20;
DROP TABLE lot_count, lot_move, picking, store, stock_lot, product;

-- ============================================================================
-- 3. Two locations in one row: to_warehouse and lottrace.warehouse.kind
-- ============================================================================

-- Odoo's stock.move.line: a source and a destination location, read through
-- stock_location; the kind of each comes from lottrace.warehouse (WH/Stock
-- listed as internal, WH/Shelf 1 not listed: internal too)
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('MILK', true), ('CHEESE', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('PUMP', true);
INSERT INTO lottrace.warehouse (code, kind) VALUES
  ('Partners/Vendors', 'supplier'), ('Partners/Customers', 'customer'),
  ('Virtual/Production', 'production'), ('Virtual/Scrap', 'scrap'),
  ('Virtual/Inventory adjustment', 'inventory'), ('Inter-company transit', 'transit'),
  ('WH/Stock', 'internal');
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO lottrace.warehouse (code, kind) VALUES ('Elsewhere', 'partner')$$);
CREATE TABLE stock_location (id int PRIMARY KEY, complete_name text NOT NULL UNIQUE);
INSERT INTO stock_location VALUES
  (1, 'Partners/Vendors'), (2, 'Partners/Customers'), (3, 'Virtual/Production'),
  (4, 'Virtual/Scrap'), (5, 'Virtual/Inventory adjustment'), (6, 'Inter-company transit'),
  (8, 'WH/Stock'), (9, 'WH/Shelf 1');
CREATE TABLE stock_move_line (
  id int PRIMARY KEY,
  product text NOT NULL,
  lot_name text,
  serial text,
  quantity numeric NOT NULL,
  location_id int REFERENCES stock_location,
  location_dest_id int REFERENCES stock_location,
  reference text,
  production_id text,
  partner text,
  state text NOT NULL,
  date date NOT NULL,
  expiry date);
-- before attach: a receipt from the vendor (done), one still a draft, a
-- cancelled shipment
INSERT INTO stock_move_line VALUES
  (1, 'MILK', 'M1', NULL, 100, 1, 8, 'WH/IN/1', NULL, NULL, 'done', '2026-02-01', NULL),
  (2, 'MILK', 'M1', NULL, 50, 1, 8, 'WH/IN/2', NULL, NULL, 'draft', '2026-02-01', NULL),
  (3, 'MILK', 'M1', NULL, 500, 8, 2, 'WH/OUT/1', NULL, NULL, 'cancel', '2026-02-01', NULL);
-- location cannot be mapped together with to_warehouse (the other side is
-- the location): 22023
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$SELECT lottrace.attach('stock_move_line', item => 'product', qty => 'quantity',
                           warehouse => 'location_id -> stock_location.complete_name',
                           to_warehouse => 'location_dest_id -> stock_location.complete_name',
                           location => 'reference')$$);
SELECT lottrace.attach('stock_move_line', item => 'product', qty => 'quantity', lot => 'lot_name',
                       serial => 'serial',
                       warehouse => 'location_id -> stock_location.complete_name',
                       to_warehouse => 'location_dest_id -> stock_location.complete_name',
                       doc => 'reference', batch_key => 'production_id', account => 'partner',
                       moved_on => 'date', expiry => 'expiry', counts_when => $$state = 'done'$$);
SELECT warehouse_col, to_warehouse_col, lookup_roles FROM lottrace.attachment
 WHERE relid = 'stock_move_line'::regclass;
-- the backfill: the receipt; with no account the vendor location is the
-- lot's supplier
SELECT * FROM pg_temp.registers('MILK');
SELECT lot, supplier, start_date FROM lottrace.lot_register WHERE item = 'MILK';

-- a receipt with a partner: the partner is the account
INSERT INTO stock_move_line VALUES
  (4, 'MILK', 'M2', NULL, 30, 1, 8, 'WH/IN/3', NULL, 'DAIRY-CO', 'done', '2026-02-02', '2020-01-01');
SELECT lot, supplier FROM lottrace.lot_register WHERE item = 'MILK' ORDER BY lot;
-- internal to internal is a transfer: out of the source, into the
-- destination, whatever the lot's status (M1 blocked)
SELECT lottrace.set_lot_status('MILK', 'M1', 'BLOCKED');
INSERT INTO stock_move_line VALUES
  (5, 'MILK', 'M1', NULL, 30, 8, 9, 'WH/INT/1', NULL, NULL, 'done', '2026-02-03', NULL);
SELECT * FROM pg_temp.registers('MILK');
-- internal to outside is an unload, gated: a shipment or a transit of the
-- blocked lot is refused ...
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (6, 'MILK', 'M1', NULL, 5, 9, 2, 'WH/OUT/2', NULL, NULL, 'done', '2026-02-04', NULL)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (6, 'MILK', 'M1', NULL, 5, 9, 6, 'WH/TR/1', NULL, NULL, 'done', '2026-02-04', NULL)$$);
-- ... and of the expired M2 (its expiry given on receipt is long past)
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (6, 'MILK', 'M2', NULL, 5, 8, 2, 'WH/OUT/2', NULL, NULL, 'done', '2026-02-04', NULL)$$);
-- ... but a write-off into scrap or an inventory adjustment is not, and a
-- transfer of the expired lot is not either
INSERT INTO stock_move_line VALUES
  (6, 'MILK', 'M1', NULL, 2, 9, 4, 'WH/SCRAP/1', NULL, NULL, 'done', '2026-02-04', NULL),
  (7, 'MILK', 'M1', NULL, 3, 9, 5, 'WH/INV/1', NULL, NULL, 'done', '2026-02-04', NULL),
  (8, 'MILK', 'M2', NULL, 30, 8, 9, 'WH/INT/2', NULL, NULL, 'done', '2026-02-04', NULL),
  (9, 'MILK', 'M2', NULL, 30, 9, 4, 'WH/SCRAP/2', NULL, NULL, 'done', '2026-02-04', NULL);
SELECT * FROM pg_temp.registers('MILK');
-- released: a shipment to the customer location (the account for recall),
-- and a customer return
SELECT lottrace.set_lot_status('MILK', 'M1', 'AVAILABLE');
INSERT INTO stock_move_line VALUES
  (10, 'MILK', 'M1', NULL, 10, 8, 2, 'WH/OUT/3', NULL, NULL, 'done', '2026-02-05', NULL),
  (11, 'MILK', 'M1', NULL, 2, 2, 8, 'WH/RET/1', NULL, NULL, 'done', '2026-02-06', NULL);
SELECT * FROM pg_temp.registers('MILK');
SELECT account, item, lot, qty, doc FROM lottrace.recall('MILK', 'M1');
-- outside to outside (a drop shipment) moves no stock and makes no lot
INSERT INTO stock_move_line VALUES
  (12, 'MILK', 'M9', NULL, 7, 1, 2, 'WH/DROP/1', NULL, NULL, 'done', '2026-02-06', NULL);
SELECT count(*) AS lots_m9 FROM lottrace.lot_register WHERE item = 'MILK' AND lot = 'M9';
-- into production is a production input, out of it an output: the batch
-- key links them
INSERT INTO stock_move_line VALUES
  (13, 'MILK', 'M1', NULL, 20, 8, 3, 'MO/1', 'MO/1', NULL, 'done', '2026-02-07', NULL),
  (14, 'CHEESE', 'C1', NULL, 4, 3, 8, 'MO/1', 'MO/1', NULL, 'done', '2026-02-07', NULL);
SELECT * FROM pg_temp.registers('MILK', 'CHEESE');
SELECT depth, item, lot, qty FROM lottrace.trace_forward('MILK', 'M1');
SELECT depth, item, lot, qty FROM lottrace.trace_backward('CHEESE', 'C1');
-- serials from the vendor, moved between shelves, shipped
INSERT INTO stock_move_line VALUES
  (15, 'PUMP', NULL, 'P-1', 1, 1, 8, 'WH/IN/4', NULL, 'ACME', 'done', '2026-02-08', NULL),
  (16, 'PUMP', NULL, 'P-2', 1, 1, 8, 'WH/IN/4', NULL, 'ACME', 'done', '2026-02-08', NULL);
INSERT INTO stock_move_line VALUES
  (17, 'PUMP', NULL, 'P-1', 1, 8, 9, 'WH/INT/3', NULL, NULL, 'done', '2026-02-09', NULL);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (18, 'PUMP', NULL, 'P-1', 1, 8, 2, 'WH/OUT/4', NULL, NULL, 'done', '2026-02-10', NULL)$$);
INSERT INTO stock_move_line VALUES
  (18, 'PUMP', NULL, 'P-1', 1, 9, 2, 'WH/OUT/4', NULL, 'SHOP-9', 'done', '2026-02-10', NULL);
SELECT serial, state, warehouse, supplier, load_doc, unload_doc FROM lottrace.serial_register
 WHERE item = 'PUMP' ORDER BY serial;

-- refusals: a quantity not above zero (23514 lottrace_qty), a side missing
-- (23502 lottrace_warehouse_required, naming it), a transfer that overdraws
SELECT sqlstate, constraint_name, message, hint FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (19, 'MILK', 'M1', NULL, -1, 8, 9, NULL, NULL, NULL, 'done', '2026-02-11', NULL)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (19, 'MILK', 'M1', NULL, 0, 8, 9, NULL, NULL, NULL, 'done', '2026-02-11', NULL)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (19, 'MILK', 'M1', NULL, 1, NULL, 9, NULL, NULL, NULL, 'done', '2026-02-11', NULL)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (19, 'MILK', 'M1', NULL, 1, 8, NULL, NULL, NULL, NULL, 'done', '2026-02-11', NULL)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_move_line VALUES (19, 'MILK', 'M1', NULL, 1000, 8, 9, NULL, NULL, NULL, 'done', '2026-02-11', NULL)$$);
-- a draft transfer becomes done (both sides move), then is cancelled (both
-- move back); cancelling the first transfer would overdraw WH/Shelf 1
INSERT INTO stock_move_line VALUES
  (19, 'MILK', 'M1', NULL, 6, 9, 8, 'WH/INT/4', NULL, NULL, 'draft', '2026-02-11', NULL);
UPDATE stock_move_line SET state = 'done' WHERE id = 19;
SELECT * FROM pg_temp.registers('MILK') WHERE what LIKE 'MILK/M1 %';
SELECT sqlstate, constraint_name, message, detail
  FROM pg_temp.err($$UPDATE stock_move_line SET state = 'cancel' WHERE id = 5$$);
UPDATE stock_move_line SET state = 'cancel' WHERE id = 19;
SELECT * FROM pg_temp.registers('MILK') WHERE what LIKE 'MILK/M1 %';
-- lottrace.movements: one row per internal side, the other side as the
-- location (the drop shipment, the draft and the cancelled rows: none)
SELECT source_key, item, lot, serial, warehouse, location, qty, doc, account, batch_key
  FROM lottrace.movements WHERE source = 'stock_move_line'::regclass
 ORDER BY source_key::int, warehouse;
SELECT * FROM pg_temp.check();

-- signed_qty with two locations: a negative quantity moves the other way
-- (no account mapped: the vendor is the supplier)
CREATE TABLE transfer_line (id int PRIMARY KEY, item text, lot text, qty numeric, src text, dst text);
SELECT lottrace.attach('transfer_line', item => 'item', qty => 'qty', lot => 'lot', warehouse => 'src',
                       to_warehouse => 'dst', signed_qty => true);
INSERT INTO transfer_line VALUES
  (1, 'MILK', 'M5', -40, 'WH/Shelf 2', 'Partners/Vendors'),
  (2, 'MILK', 'M5', -5, 'Partners/Customers', 'WH/Shelf 2'),
  (3, 'MILK', 'M5', 10, 'WH/Shelf 2', 'WH/Shelf 3');
SELECT * FROM pg_temp.registers('MILK') WHERE what LIKE 'MILK/M5 %';
SELECT lot, supplier FROM lottrace.lot_register WHERE item = 'MILK' AND lot = 'M5';
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO transfer_line VALUES (4, 'MILK', 'M5', 0, 'WH/Shelf 2', 'WH/Shelf 3')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO transfer_line VALUES (4, 'MILK', 'M5', -100, 'WH/Shelf 3', 'WH/Shelf 2')$$);
SELECT source_key, warehouse, location, qty, account FROM lottrace.movements
 WHERE source = 'transfer_line'::regclass ORDER BY source_key, warehouse;
SELECT * FROM pg_temp.check();

-- detach: every counting row's effect out, both sides
SELECT lottrace.detach('transfer_line');
SELECT lottrace.detach('stock_move_line');
SELECT * FROM pg_temp.registers('MILK', 'CHEESE', 'PUMP');
SELECT * FROM pg_temp.check();
DROP TABLE transfer_line, stock_move_line, stock_location;

-- ============================================================================
-- 4. Signed quantities with a reason (iDempiere's M_Transaction)
-- ============================================================================

-- movement types: V+ vendor receipt (each one a new lot), I+ inventory
-- found, C- customer shipment, P- production consumption, P+ production
-- output
INSERT INTO lottrace.reason (code, direction, production, new_lot_only) VALUES
  ('V+', 'load', NULL, true), ('I+', 'load', NULL, false), ('C-', 'unload', NULL, false),
  ('P-', 'unload', 'input', false), ('P+', 'load', 'output', false);
INSERT INTO lottrace.item (item, lot_tracked, initial_status, single_supplier) VALUES ('FLOUR', true, 'QUARANTINE', true);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BREAD', true);
CREATE TABLE m_transaction (
  m_transaction_id int PRIMARY KEY,
  product text NOT NULL,
  lot text,
  movementqty numeric NOT NULL,
  movementtype text NOT NULL,
  locator text NOT NULL,
  m_production_id text,
  c_bpartner text,
  movementdate date NOT NULL,
  guaranteedate date);
-- before attach: a receipt and the reversal of part of it
INSERT INTO m_transaction VALUES
  (1, 'FLOUR', 'F1', 100, 'V+', 'W1', NULL, 'MILL', '2026-03-01', NULL),
  (2, 'FLOUR', 'F1', -10, 'V+', 'W1', NULL, 'MILL', '2026-03-01', NULL);
SELECT lottrace.attach('m_transaction', item => 'product', lot => 'lot', qty => 'movementqty',
                       reason => 'movementtype', warehouse => 'locator', batch_key => 'm_production_id',
                       account => 'c_bpartner', moved_on => 'movementdate', expiry => 'guaranteedate',
                       signed_qty => true);
SELECT signed_qty FROM lottrace.attachment WHERE relid = 'm_transaction'::regclass;
-- a reversed receipt reduces loaded_qty as well as the stock
SELECT lot, status, supplier, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'FLOUR';
-- in quarantine: a receipt may still be reversed (not gated, and though
-- V+ only creates new lots the reversal is no load), a shipment may not
INSERT INTO m_transaction VALUES (3, 'FLOUR', 'F1', -5, 'V+', 'W1', NULL, 'MILL', '2026-03-02', NULL);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (4, 'FLOUR', 'F1', -5, 'C-', 'W1', NULL, 'SHOP', '2026-03-02', NULL)$$);
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'AVAILABLE');
INSERT INTO m_transaction VALUES (4, 'FLOUR', 'F1', -5, 'C-', 'W1', NULL, 'SHOP', '2026-03-02', NULL);
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'FLOUR';
-- blocked: the shipment reversed (the goods come back from the shop, an
-- account other than the single supplier's): a load, but not gated, no
-- single-supplier check, and not added to loaded_qty
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'BLOCKED');
INSERT INTO m_transaction VALUES (5, 'FLOUR', 'F1', 5, 'C-', 'W1', NULL, 'SHOP', '2026-03-03', NULL);
SELECT lot, status, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'FLOUR';
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'AVAILABLE');
-- real loads are judged: a second receipt into F1 (new_lot_only), stock
-- found from another supplier (single supplier)
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (6, 'FLOUR', 'F1', 5, 'V+', 'W1', NULL, 'MILL', '2026-03-03', NULL)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (6, 'FLOUR', 'F1', 5, 'I+', 'W1', NULL, 'OTHER-MILL', '2026-03-03', NULL)$$);
INSERT INTO m_transaction VALUES (6, 'FLOUR', 'F1', 1, 'I+', 'W1', NULL, 'MILL', '2026-03-03', NULL),
                                 (7, 'FLOUR', 'F1', -1, 'I+', 'W1', NULL, 'OTHER-MILL', '2026-03-03', NULL);
-- an expired lot (guarantee date long past): its receipt may be reversed,
-- not shipped
INSERT INTO m_transaction VALUES (8, 'FLOUR', 'F2', 10, 'V+', 'W1', NULL, 'MILL', '2026-03-03', '2020-01-01');
SELECT lottrace.set_lot_status('FLOUR', 'F2', 'AVAILABLE');
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (9, 'FLOUR', 'F2', -1, 'C-', 'W1', NULL, 'SHOP', '2026-03-04', NULL)$$);
INSERT INTO m_transaction VALUES (9, 'FLOUR', 'F2', -4, 'V+', 'W1', NULL, 'MILL', '2026-03-04', NULL);
-- a zero quantity, a reversal below zero
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (10, 'FLOUR', 'F1', 0, 'V+', 'W1', NULL, 'MILL', '2026-03-04', NULL)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO m_transaction VALUES (10, 'FLOUR', 'F1', -500, 'V+', 'W1', NULL, 'MILL', '2026-03-04', NULL)$$);
-- an UPDATE of a reversal's quantity: the old reversal undone, the new one applied
UPDATE m_transaction SET movementqty = -3 WHERE m_transaction_id = 3;
SELECT * FROM pg_temp.registers('FLOUR');

-- production: 40 of F1 consumed, 80 of B1 made in PR1
INSERT INTO m_transaction VALUES
  (11, 'FLOUR', 'F1', -40, 'P-', 'W1', 'PR1', NULL, '2026-03-05', NULL),
  (12, 'BREAD', 'B1', 80, 'P+', 'W1', 'PR1', NULL, '2026-03-05', NULL);
SELECT * FROM pg_temp.registers('FLOUR', 'BREAD');
SELECT depth, item, lot, qty FROM lottrace.trace_forward('FLOUR', 'F1');
-- 10 of the consumption reversed: the batch member holds 30, the genealogy
-- stays
INSERT INTO m_transaction VALUES (13, 'FLOUR', 'F1', 10, 'P-', 'W1', 'PR1', NULL, '2026-03-06', NULL);
SELECT * FROM pg_temp.registers('FLOUR', 'BREAD');
SELECT depth, item, lot, qty FROM lottrace.trace_forward('FLOUR', 'F1');
SELECT depth, item, lot, qty FROM lottrace.trace_backward('BREAD', 'B1');
SELECT * FROM pg_temp.check();
-- the whole output reversed: B1 was not made in PR1 after all
INSERT INTO m_transaction VALUES (14, 'BREAD', 'B1', -80, 'P+', 'W1', 'PR1', NULL, '2026-03-06', NULL);
SELECT * FROM pg_temp.registers('FLOUR', 'BREAD');
SELECT depth, item, lot, qty FROM lottrace.trace_forward('FLOUR', 'F1');
SELECT source_key, item, lot, qty, reason, batch_key FROM lottrace.movements
 WHERE source = 'm_transaction'::regclass ORDER BY source_key::int;
SELECT * FROM pg_temp.check();
SELECT depth, item, lot, qty FROM lottrace.trace_forward('FLOUR', 'F1');
-- detach
SELECT lottrace.detach('m_transaction');
SELECT * FROM pg_temp.registers('FLOUR', 'BREAD');
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register WHERE item IN ('FLOUR', 'BREAD') ORDER BY lot;
SELECT * FROM pg_temp.check();
DROP TABLE m_transaction;

-- ============================================================================
-- 5. Several serials in one column (ERPNext's serial_no before v15)
-- ============================================================================

INSERT INTO lottrace.item (item, serial_tracked) VALUES ('LAPTOP', true);
INSERT INTO lottrace.item (item, serial_tracked, lot_tracked) VALUES ('CELL', true, true);
-- the stock ledger: signed actual_qty, serials one per line, cancelled
-- entries kept with is_cancelled = 1
CREATE TABLE stock_ledger_entry (
  name text PRIMARY KEY,
  item_code text NOT NULL,
  batch_no text,
  serial_no text,
  actual_qty numeric NOT NULL,
  warehouse text NOT NULL,
  voucher_no text,
  posting_date date NOT NULL,
  is_cancelled int NOT NULL DEFAULT 0);
INSERT INTO stock_ledger_entry VALUES
  ('SLE-001', 'LAPTOP', NULL, E'SN-01\nSN-02', 2, 'Stores - X', 'PR-001', '2026-04-01', 0),
  ('SLE-002', 'LAPTOP', NULL, E'SN-09\nSN-10\nSN-11', 3, 'Stores - X', 'PR-002', '2026-04-01', 1),
  ('SLE-003', 'LAPTOP', NULL, E'SN-01', -1, 'Stores - X', 'DN-001', '2026-04-02', 1);
-- a separator needs a serial column, and may not be empty: 22023
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$SELECT lottrace.attach('stock_ledger_entry', item => 'item_code', qty => 'actual_qty',
                           warehouse => 'warehouse', serial_separator => E'\n')$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$SELECT lottrace.attach('stock_ledger_entry', item => 'item_code', qty => 'actual_qty',
                           warehouse => 'warehouse', serial => 'serial_no', serial_separator => '')$$);
SELECT lottrace.attach('stock_ledger_entry', item => 'item_code', lot => 'batch_no', serial => 'serial_no',
                       qty => 'actual_qty', warehouse => 'warehouse', doc => 'voucher_no',
                       moved_on => 'posting_date', serial_separator => E'\n',
                       counts_when => 'is_cancelled = 0');
SELECT serial_separator = E'\n' AS newline FROM lottrace.attachment WHERE relid = 'stock_ledger_entry'::regclass;
SELECT * FROM pg_temp.registers('LAPTOP');
-- parts are trimmed of blanks, empty parts (a trailing newline, a blank
-- line) ignored, each serial moves on its own
INSERT INTO stock_ledger_entry VALUES
  ('SLE-004', 'LAPTOP', NULL, E'SN-03\n SN-04 \n\nSN-05\n', 3, 'Stores - X', 'PR-003', '2026-04-03', 0),
  ('SLE-005', 'LAPTOP', NULL, E'SN-06\r\nSN-07\r\n', 2, 'Stores - X', 'PR-003', '2026-04-03', 0);
SELECT serial, state, warehouse, load_doc FROM lottrace.serial_register WHERE item = 'LAPTOP' ORDER BY serial;
-- abs(qty) must be the number of serials: 23514 lottrace_serial_qty
SELECT sqlstate, constraint_name, message, hint FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20\nSN-21', 3, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20', 2, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20\nSN-21', 2.5, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-03\nSN-04', -3, 'Stores - X', 'DN-002', '2026-04-04', 0)$$);
-- nothing but separators and blanks: no serial (23502)
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'\n \n', 1, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
-- each serial is judged: the same one twice, one in stock already, a bad
-- code, an unload of one not in stock
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20\nSN-20', 2, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20\nSN-01', 2, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-20\nSN 2~1', 2, 'Stores - X', 'PR-004', '2026-04-04', 0)$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO stock_ledger_entry VALUES ('SLE-006', 'LAPTOP', NULL, E'SN-01\nSN-30', -2, 'Stores - X', 'DN-002', '2026-04-04', 0)$$);
-- a delivery of two
INSERT INTO stock_ledger_entry VALUES
  ('SLE-006', 'LAPTOP', NULL, E'SN-01\nSN-04', -2, 'Stores - X', 'DN-002', '2026-04-04', 0);
SELECT serial, state, warehouse, unload_doc FROM lottrace.serial_register WHERE item = 'LAPTOP' ORDER BY serial;
-- cancelled: both back in stock; the cancelled SN-01 delivery made active
-- again is judged (SN-01 is in stock again, it may leave)
UPDATE stock_ledger_entry SET is_cancelled = 1 WHERE name = 'SLE-006';
UPDATE stock_ledger_entry SET is_cancelled = 0 WHERE name = 'SLE-003';
SELECT * FROM pg_temp.registers('LAPTOP');
-- serials of a lot: the lot holds their number
INSERT INTO stock_ledger_entry VALUES
  ('SLE-007', 'CELL', 'B-1', E'C-1\nC-2\nC-3', 3, 'Stores - X', 'PR-005', '2026-04-05', 0),
  ('SLE-008', 'CELL', 'B-1', E'C-2', -1, 'Stores - X', 'DN-003', '2026-04-06', 0);
SELECT * FROM pg_temp.registers('CELL');
-- lottrace.movements: one row per serial, qty 1 or -1
SELECT source_key, item, lot, serial, qty, doc FROM lottrace.movements
 WHERE source = 'stock_ledger_entry'::regclass ORDER BY source_key, serial;
SELECT * FROM pg_temp.check();
-- detach: every serial out
SELECT lottrace.detach('stock_ledger_entry');
SELECT * FROM pg_temp.registers('LAPTOP', 'CELL');
SELECT * FROM pg_temp.check();
DROP TABLE stock_ledger_entry;

-- clean up
DROP TABLE move_line;
DROP EXTENSION lottrace;
