-- Lot master data (1.2): production and best-before dates, user-defined
-- attributes with an item's required keys, the unit of measure of an item;
-- set by the load that creates a lot, edited by UPDATE; the library on a
-- 1.1 schema before ALTER EXTENSION UPDATE.  docs/LOT_DATA.md.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- first the library on a 1.1 schema: lots are written without master data
CREATE EXTENSION lottrace VERSION '1.1';
SET datestyle = ISO;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('OLD', true);
CREATE TABLE old_moves (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT lottrace.attach('old_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO old_moves (item, qty, wh, lot) VALUES ('OLD', 5, 'W1', 'O1'), ('OLD', 2, 'W1', 'O2');
UPDATE lottrace.lot SET notes = 'edited on 1.1' WHERE code = 'O1';
ALTER EXTENSION lottrace UPDATE TO '1.2';
-- after the update: the lots have no master data, the old mapping goes on
SELECT code, production_date, best_before, attributes, notes, stock FROM lottrace.lot ORDER BY code;
INSERT INTO old_moves (item, qty, wh, lot) VALUES ('OLD', 1, 'W1', 'O3'), ('OLD', -1, 'W1', 'O1');
SELECT code, production_date, attributes, stock FROM lottrace.lot ORDER BY code;
SELECT item, uom, required_attributes FROM lottrace.item;

-- the new columns and their index
SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE attrelid = 'lottrace.lot'::regclass AND attname IN ('production_date', 'best_before', 'attributes')
 ORDER BY attnum;
SELECT indexdef FROM pg_indexes WHERE schemaname = 'lottrace' AND indexname = 'lot_attributes_idx';
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'lottrace.item'::regclass AND attname IN ('uom', 'required_attributes') ORDER BY attnum;

-- items: a unit of measure, required attribute keys
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.item (item, lot_tracked, uom, required_attributes, lot_validity_days) VALUES
  ('MILK', true, 'l', NULL, 10),
  ('CHEESE', true, 'kg', '{origin,fat_pct}', NULL),
  ('SALT', true, 'kg', '{}', NULL);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, uom) VALUES ('X', true, '  ')$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, required_attributes) VALUES ('X', true, '{a,""}')$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, required_attributes) VALUES ('X', true, ARRAY['a', NULL])$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, required_attributes) VALUES ('X', true, '{{a},{b}}')$$);

-- the ERP table: dates and properties on the movement row
CREATE TABLE moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  reason   text NOT NULL,
  moved_on date NOT NULL DEFAULT '2026-03-01',
  made     date,
  best     timestamptz,
  props    jsonb,
  note     text
);
-- attach: the columns must exist and have usable types
SELECT * FROM pg_temp.err($$SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason', production_date => 'nope')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason', production_date => 'note')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason', best_before => 'props')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason', attributes => 'note')$$);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'moved_on',
                       production_date => 'made', best_before => 'best', attributes => 'props');
SELECT production_date_col, best_before_col, attributes_col, attnums FROM lottrace.attachment
 WHERE relid = 'moves'::regclass;

-- the first load that creates a lot sets them (a timestamptz read as its date)
INSERT INTO moves (item, qty, wh, lot, reason, made, best, props) VALUES
  ('MILK', 10, 'W1', 'M1', 'IN', '2026-02-27', '2026-03-20 23:00+00', '{"fat_pct": 3.5, "farm": "Nord"}'),
  ('MILK', 5, 'W2', 'M1', 'IN', '2026-02-28', '2026-03-25', '{"fat_pct": 9}');
-- later loads do not change them
INSERT INTO moves (item, qty, wh, lot, reason, made, best, props) VALUES
  ('MILK', 1, 'W1', 'M1', 'IN', '2020-01-01', '2020-01-01', '{"fat_pct": 0}');
-- none given: NULL dates, no attributes (SQL NULL and JSON null alike)
INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES
  ('MILK', 3, 'W1', 'M2', 'IN', NULL), ('MILK', 3, 'W1', 'M3', 'IN', 'null');
-- best before infinity: never
INSERT INTO moves (item, qty, wh, lot, reason, best) VALUES ('MILK', 1, 'W1', 'M4', 'IN', 'infinity');
SELECT code, start_date, expiry_date, production_date, best_before, attributes, stock
  FROM lottrace.lot WHERE item = 'MILK' ORDER BY code;

-- refused rows: name item, lot, warehouse and the row
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, made) VALUES ('MILK', 1, 'W1', 'M9', 'IN', 'infinity')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, made) VALUES ('MILK', 1, 'W1', 'M9', 'IN', '-infinity')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, best) VALUES ('MILK', 1, 'W1', 'M9', 'IN', '-infinity')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES ('MILK', 1, 'W1', 'M9', 'IN', '[1, 2]')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES ('MILK', 1, 'W1', 'M9', 'IN', '"fat"')$$);
SELECT count(*) AS m9 FROM lottrace.lot WHERE code = 'M9';

-- required attributes: a load that creates a lot without one is refused
-- (23502 lottrace_lot_attributes), naming the key and the row
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES ('CHEESE', 4, 'W1', 'C1', 'IN', '{"origin": "FR"}')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES ('CHEESE', 4, 'W1', 'C1', 'IN', '{"origin": "FR", "fat_pct": null}')$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason) VALUES ('CHEESE', 4, 'W1', 'C1', 'IN')$$);
-- the first load of the statement creates the lot: the one that counts
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES
  ('CHEESE', 4, 'W1', 'C1', 'IN', '{"origin": "FR"}'), ('CHEESE', 4, 'W2', 'C1', 'IN', '{"origin": "FR", "fat_pct": 45}')$$);
INSERT INTO moves (item, qty, wh, lot, reason, props) VALUES
  ('CHEESE', 4, 'W1', 'C1', 'IN', '{"origin": "FR", "fat_pct": 45, "aged_months": 12}'),
  ('CHEESE', 4, 'W2', 'C1', 'IN', NULL);
-- a later load into the lot needs none
INSERT INTO moves (item, qty, wh, lot, reason) VALUES ('CHEESE', 1, 'W1', 'C1', 'IN');
-- an unload needs none either; an empty list requires nothing
INSERT INTO moves (item, qty, wh, lot, reason) VALUES ('CHEESE', 2, 'W1', 'C1', 'OUT'), ('SALT', 2, 'W1', 'S1', 'IN');
SELECT code, attributes, stock FROM lottrace.lot WHERE item IN ('CHEESE', 'SALT') ORDER BY code;
-- an ERP update of the master-data columns alone moves nothing and is not judged
UPDATE moves SET props = '[]', made = '2026-01-01' WHERE lot = 'C1';
SELECT code, production_date, attributes, stock FROM lottrace.lot WHERE code = 'C1';
SELECT * FROM lottrace.verify();

-- editing by UPDATE
UPDATE lottrace.lot SET production_date = '2026-02-20', best_before = '2026-09-30',
       attributes = attributes || '{"aged_months": 13, "cave": "B"}' WHERE code = 'C1';
SELECT code, production_date, best_before, attributes FROM lottrace.lot WHERE code = 'C1';
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = attributes - 'origin' WHERE code = 'C1'$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = jsonb_set(attributes, '{fat_pct}', 'null') WHERE code = 'C1'$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = '[]' WHERE code = 'C1'$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = 'null' WHERE code = 'M2'$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = NULL WHERE code = 'M2'$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET production_date = 'infinity' WHERE code = 'M2'$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET best_before = '-infinity' WHERE code = 'M2'$$);
UPDATE lottrace.lot SET best_before = 'infinity', production_date = NULL WHERE code = 'M1';
-- a lot made before a key was required keeps what it has; adding other
-- keys is fine, removing a required one that it has is not
UPDATE lottrace.item SET required_attributes = '{farm}' WHERE item = 'MILK';
UPDATE lottrace.lot SET attributes = '{"note": "x"}' WHERE code = 'M2';
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET attributes = '{"fat_pct": 3.5}' WHERE code = 'M1'$$);
SELECT * FROM pg_temp.err($$INSERT INTO moves (item, qty, wh, lot, reason) VALUES ('MILK', 1, 'W1', 'M5', 'IN')$$);
UPDATE lottrace.item SET required_attributes = NULL WHERE item = 'MILK';
-- a lot registered by hand is checked as a load's would be
SELECT * FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code) VALUES ('CHEESE', 'C-HAND')$$);
SELECT * FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code, attributes) VALUES ('CHEESE', 'C-HAND', '{"origin": "CH"}')$$);
SELECT * FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code, production_date) VALUES ('MILK', 'M-HAND', '-infinity')$$);
INSERT INTO lottrace.lot (item, code, attributes, production_date)
  VALUES ('CHEESE', 'C-HAND', '{"origin": "CH", "fat_pct": 50}', '2026-01-15');
SELECT code, production_date, attributes, stock FROM lottrace.lot WHERE code = 'C-HAND';
-- the table's own constraint stands behind the guard
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'lottrace.lot'::regclass AND conname = 'lot_attributes_object';

-- searches by attribute use the GIN index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT code FROM lottrace.lot WHERE attributes @> '{"origin": "FR"}';
SELECT code FROM lottrace.lot WHERE attributes @> '{"origin": "FR"}';
SELECT code FROM lottrace.lot WHERE attributes @? '$.fat_pct ? (@ > 40)' ORDER BY code;
RESET enable_seqscan;

-- renamed columns are followed; dropping one or changing its type is refused
ALTER TABLE moves RENAME COLUMN props TO properties;
ALTER TABLE moves RENAME COLUMN made TO produced_on;
SELECT production_date_col, best_before_col, attributes_col FROM lottrace.attachment
 WHERE relid = 'moves'::regclass;
SELECT * FROM pg_temp.err($$ALTER TABLE moves DROP COLUMN best$$);
SELECT * FROM pg_temp.err($$ALTER TABLE moves ALTER COLUMN properties TYPE text$$);
INSERT INTO moves (item, qty, wh, lot, reason, produced_on, properties) VALUES
  ('MILK', 2, 'W1', 'M6', 'IN', '2026-02-01', '{"farm": "Sud"}');
SELECT code, production_date, attributes FROM lottrace.lot WHERE code = 'M6';

-- a lookup: Odoo 17 keeps lot properties in stock_lot.lot_properties
CREATE TABLE stock_lot (id int PRIMARY KEY, name text NOT NULL UNIQUE, lot_properties jsonb,
                        production date, use_date date);
CREATE TABLE stock_move_line (id int PRIMARY KEY, product text NOT NULL,
                              lot_id int REFERENCES stock_lot, location text NOT NULL,
                              quantity numeric NOT NULL);
INSERT INTO stock_lot VALUES (1, 'ODOO-1', '{"origin": "NL", "fat_pct": 48}', '2026-01-10', '2026-06-30'),
                             (2, 'ODOO-2', '{"origin": "NL"}', NULL, NULL),
                             (3, 'ODOO-3', '{"origin": "DK", "fat_pct": 30}', NULL, NULL);
INSERT INTO stock_move_line VALUES (1, 'CHEESE', 1, 'WH/Stock', 20);
-- the backfill sets them too, but does not judge required attributes (history)
INSERT INTO stock_move_line VALUES (2, 'CHEESE', 2, 'WH/Stock', 5);
SELECT lottrace.attach('stock_move_line', item => 'product', qty => 'quantity', warehouse => 'location',
                       lot => 'lot_id -> stock_lot.name',
                       production_date => 'lot_id -> stock_lot.production',
                       best_before => 'lot_id -> stock_lot.use_date',
                       attributes => 'lot_id -> stock_lot.lot_properties');
SELECT code, production_date, best_before, attributes, stock FROM lottrace.lot
 WHERE code::text LIKE 'ODOO%' ORDER BY code;
SELECT lookup_roles, lookup_values FROM lottrace.attachment WHERE relid = 'stock_move_line'::regclass;
INSERT INTO stock_move_line VALUES (3, 'CHEESE', 3, 'WH/Stock', 7);
UPDATE stock_lot SET lot_properties = '{"origin": "DK"}' WHERE id = 3;
SELECT * FROM pg_temp.err($$INSERT INTO stock_move_line VALUES (4, 'CHEESE', 3, 'WH/Stock', 1)$$);
-- the values are not guarded (they do not decide stock): they may change
-- (the guard triggers are there for the lot's name)
SELECT tgname FROM pg_trigger WHERE tgrelid = 'stock_lot'::regclass AND tgname LIKE 'lottrace%' ORDER BY 1;
SELECT code, production_date, attributes FROM lottrace.lot WHERE code::text LIKE 'ODOO%' ORDER BY code;
SELECT * FROM lottrace.verify();

-- detach keeps the lots with their master data
SELECT lottrace.detach('stock_move_line');
SELECT code, production_date, attributes, stock FROM lottrace.lot WHERE code = 'ODOO-1';

-- tables without the master-data mapping write lots as before (and a lot of
-- an item with required attributes cannot be created through them)
SELECT * FROM pg_temp.err($$INSERT INTO old_moves (item, qty, wh, lot) VALUES ('CHEESE', 1, 'W1', 'C-OLD')$$);
INSERT INTO old_moves (item, qty, wh, lot) VALUES ('CHEESE', 1, 'W1', 'C1'), ('MILK', 1, 'W1', 'M-OLD');
SELECT code, production_date, attributes, stock FROM lottrace.lot WHERE code IN ('C1', 'M-OLD') ORDER BY code;
SELECT * FROM lottrace.verify();

SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
