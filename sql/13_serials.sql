-- The serial register: loads, unloads, transfers, net effect of a statement,
-- serials that are also lot-tracked, generated serials, the code format,
-- cancelled serials, validity, the register's columns, which columns users
-- may edit, and reversal by DELETE / UPDATE of the ERP rows.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

-- the ERP table: one row per serial movement
CREATE TABLE sr_moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  serial   text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL,
  account  text,
  note     text
);
SELECT lottrace.attach('sr_moves', item => 'item', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', serial => 'serial', reason => 'reason', doc => 'doc',
                       moved_on => 'moved_on', account => 'account');

-- reasons: plain load / unload, and a load that creates serials
INSERT INTO lottrace.reason (code, direction, create_serials) VALUES
  ('IN', 'load', false), ('OUT', 'unload', false), ('MAKE', 'load', true);
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('MOTOR-SN', 'serial', '{ITEM}-{SEQ:4|ITEM}'),
  ('KIT-SN',   'serial', 'K{SEQ:3|ITEM}'),
  ('KIT-LOT',  'lot',    'KL{SEQ:2|ITEM}');
-- PUMP: serials without a code type, valid 365 days; VALVE: serial and lot
-- tracked; MOTOR: serials of a code type; KIT: both codes generated
INSERT INTO lottrace.item (item, serial_tracked, serial_validity_days) VALUES ('PUMP', true, 365);
INSERT INTO lottrace.item (item, serial_tracked, lot_tracked) VALUES ('VALVE', true, true);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('MOTOR', true, 'MOTOR-SN');
INSERT INTO lottrace.item (item, serial_tracked, lot_tracked, serial_code_type, lot_code_type)
  VALUES ('KIT', true, true, 'KIT-SN', 'KIT-LOT');

-- the register without its surrogate key
CREATE TEMP VIEW sr AS
  SELECT item, serial, lot, state, warehouse, start_date, expiry_date,
         load_doc, loaded_on, unload_doc, unloaded_on
    FROM lottrace.serial_register;

------------------------------------------------------------------------------
-- The register's columns (API.md section 4)
------------------------------------------------------------------------------

-- lottrace.serial_register has exactly these columns, in this order
SELECT ordinal_position, column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'lottrace' AND table_name = 'serial_register'
 ORDER BY ordinal_position;

-- its code columns are of type serialcode and lotcode
SELECT attname, atttypid::regtype
  FROM pg_attribute
 WHERE attrelid = 'lottrace.serial_register'::regclass AND attname IN ('serial', 'lot')
 ORDER BY attnum;

------------------------------------------------------------------------------
-- Load and unload
------------------------------------------------------------------------------

-- two serials arrive in W1 (PUMP serials expire 365 days after their start)
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on, account) VALUES
  ('PUMP', 1, 'W1', 'P-1', 'IN', 'RCV-1', '2026-01-10', 'SUPA'),
  ('PUMP', 1, 'W1', 'P-2', 'IN', 'RCV-1', '2026-01-10', 'SUPA');
SELECT * FROM sr WHERE item = 'PUMP' ORDER BY serial;

-- the supplier of the first load is kept
SELECT serial, supplier, cancelled, force_closed, reserved
  FROM lottrace.serial_register WHERE item = 'PUMP' ORDER BY serial;

-- P-1 is shipped: out, with the unload document
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on, account)
  VALUES ('PUMP', 1, 'W1', 'P-1', 'OUT', 'SHIP-1', '2026-02-01', 'CUST1');
SELECT * FROM sr WHERE item = 'PUMP' ORDER BY serial;

-- unloading it again: it is not in stock (23514, lottrace_serial_not_in_stock)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'P-1', 'OUT', 'SHIP-2', '2026-02-02')$$);

-- unloading P-2 from a warehouse it is not in: refused, the hint says where it is
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W2', 'P-2', 'OUT', 'SHIP-2', '2026-02-02')$$);

-- unloading a serial that was never loaded: refused
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'P-404', 'OUT', 'SHIP-2', '2026-02-02')$$);

-- loading P-2 again, into the same or another warehouse: it is in stock
-- (23505, lottrace_serial_in_stock)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'P-2', 'IN', 'RCV-2', '2026-02-02')$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W2', 'P-2', 'IN', 'RCV-2', '2026-02-02')$$);

-- a serial row moves exactly one unit (23514, lottrace_serial_qty)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 2, 'W1', 'P-3', 'IN', 'RCV-2', '2026-02-02')$$);

-- a serial-tracked row needs a serial (23502, lottrace_serial_required)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'IN', 'RCV-2', '2026-02-02')$$);

-- a serial that is not a valid serialcode (22P02, lottrace_code_syntax)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'P 3', 'IN', 'RCV-2', '2026-02-02')$$);

-- a returned unit comes back: last load is the return, no unload after it
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'P-1', 'IN', 'RET-1', '2026-03-01');
SELECT * FROM sr WHERE serial = 'P-1';

-- the start date stays that of the first load
SELECT code, start_date, expiry_date FROM lottrace.serial WHERE code = 'P-1';

------------------------------------------------------------------------------
-- Transfers and the net effect of a statement
------------------------------------------------------------------------------

-- a transfer written load-first: P-1 goes from W1 to W2
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
  ('PUMP', 1, 'W2', 'P-1', 'IN',  'TRF-1', '2026-03-02'),
  ('PUMP', 1, 'W1', 'P-1', 'OUT', 'TRF-1', '2026-03-02');
-- a transfer written unload-first: P-2 goes from W1 to W3
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
  ('PUMP', 1, 'W1', 'P-2', 'OUT', 'TRF-2', '2026-03-02'),
  ('PUMP', 1, 'W3', 'P-2', 'IN',  'TRF-2', '2026-03-02');
-- both are in stock in their new warehouse, loaded by the transfer
SELECT * FROM sr WHERE item = 'PUMP' ORDER BY serial;

-- two loads of the same new serial in one statement, same warehouse: refused
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
                     ('PUMP', 1, 'W1', 'P-5', 'IN', 'RCV-5', '2026-03-03'),
                     ('PUMP', 1, 'W1', 'P-5', 'IN', 'RCV-5', '2026-03-03')$$);

-- ... into two warehouses: refused too
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
                     ('PUMP', 1, 'W1', 'P-5', 'IN', 'RCV-5', '2026-03-03'),
                     ('PUMP', 1, 'W2', 'P-5', 'IN', 'RCV-5', '2026-03-03')$$);

-- ... and neither attempt left a trace
SELECT count(*) AS p5_rows FROM lottrace.serial WHERE code = 'P-5';

-- two unloads of the same serial in one statement: refused
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
                     ('PUMP', 1, 'W2', 'P-1', 'OUT', 'SHIP-9', '2026-03-03'),
                     ('PUMP', 1, 'W2', 'P-1', 'OUT', 'SHIP-9', '2026-03-03')$$);

-- a load and an unload of a new serial in one statement: the serial is
-- registered, out of stock, with both documents
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
  ('PUMP', 1, 'W1', 'P-6', 'IN',  'RCV-6',  '2026-03-04'),
  ('PUMP', 1, 'W1', 'P-6', 'OUT', 'SHIP-6', '2026-03-05');
SELECT * FROM sr WHERE serial = 'P-6';

-- load, unload, load, unload in one statement: the register shows the last
-- load and the first unload after it
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
  ('PUMP', 1, 'W1', 'P-7', 'IN',  'L-A', '2026-03-06'),
  ('PUMP', 1, 'W1', 'P-7', 'OUT', 'U-A', '2026-03-07'),
  ('PUMP', 1, 'W1', 'P-7', 'IN',  'L-B', '2026-03-08'),
  ('PUMP', 1, 'W1', 'P-7', 'OUT', 'U-B', '2026-03-09');
SELECT * FROM sr WHERE serial = 'P-7';

-- an unload and a new load of an in-stock serial in the same warehouse
-- (a relabelling): still in stock there, loaded by the new document
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
  ('PUMP', 1, 'W2', 'P-1', 'OUT', 'RELABEL', '2026-03-10'),
  ('PUMP', 1, 'W2', 'P-1', 'IN',  'RELABEL', '2026-03-10');
SELECT * FROM sr WHERE serial = 'P-1';

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Serials that are also lot-tracked
------------------------------------------------------------------------------

-- three VALVE serials arrive in lot V-A; the lot counts them
INSERT INTO sr_moves (item, qty, wh, lot, serial, reason, doc, moved_on) VALUES
  ('VALVE', 1, 'W1', 'V-A', 'VS-1', 'IN', 'RCV-V', '2026-04-01'),
  ('VALVE', 1, 'W1', 'V-A', 'VS-2', 'IN', 'RCV-V', '2026-04-01'),
  ('VALVE', 1, 'W1', 'V-A', 'VS-3', 'IN', 'RCV-V', '2026-04-01');
SELECT serial, lot, state, warehouse FROM sr WHERE item = 'VALVE' ORDER BY serial;
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'VALVE';

-- a lot-tracked serial without a lot: lottrace_lot_required
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('VALVE', 1, 'W1', 'VS-4', 'IN', 'RCV-V', '2026-04-01')$$);

-- VS-1 is shipped and comes back in lot V-B: its lot is now V-B
INSERT INTO sr_moves (item, qty, wh, lot, serial, reason, doc, moved_on)
  VALUES ('VALVE', 1, 'W1', 'V-A', 'VS-1', 'OUT', 'SHIP-V', '2026-04-02');
INSERT INTO sr_moves (item, qty, wh, lot, serial, reason, doc, moved_on)
  VALUES ('VALVE', 1, 'W1', 'V-B', 'VS-1', 'IN', 'RET-V', '2026-04-03');
SELECT serial, lot, state, warehouse, load_doc, unload_doc FROM sr WHERE item = 'VALVE' ORDER BY serial;

-- lottrace.serial.lot_id is the current lot's id
SELECT s.code AS serial, l.code AS lot
  FROM lottrace.serial s JOIN lottrace.lot l ON l.lot_id = s.lot_id
 WHERE s.item = 'VALVE' ORDER BY s.code;

-- the lots' stock follows the serials
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register WHERE item = 'VALVE' ORDER BY lot;

-- a lot-tracked serial moved between warehouses keeps its lot
INSERT INTO sr_moves (item, qty, wh, lot, serial, reason, doc, moved_on) VALUES
  ('VALVE', 1, 'W1', 'V-A', 'VS-2', 'OUT', 'TRF-V', '2026-04-04'),
  ('VALVE', 1, 'W2', 'V-A', 'VS-2', 'IN',  'TRF-V', '2026-04-04');
SELECT serial, lot, state, warehouse FROM sr WHERE serial = 'VS-2';
SELECT warehouse, loaded_qty, on_hand FROM lottrace.lot_stock WHERE item = 'VALVE' AND lot = 'V-A'
 ORDER BY warehouse;

------------------------------------------------------------------------------
-- Generated serials (reason.create_serials) and the serial code type
------------------------------------------------------------------------------

-- three MOTOR loads without a serial under a create_serials reason: the
-- serials are generated and written into the rows (RETURNING shows them)
INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on) VALUES
  ('MOTOR', 1, 'W1', 'MAKE', 'WO-1', '2026-05-01'),
  ('MOTOR', 1, 'W1', 'MAKE', 'WO-1', '2026-05-01'),
  ('MOTOR', 1, 'W1', 'MAKE', 'WO-1', '2026-05-01')
RETURNING item, serial;

-- the table and the register hold them
SELECT serial FROM sr_moves WHERE item = 'MOTOR' ORDER BY id;
SELECT serial, state, warehouse, load_doc FROM sr WHERE item = 'MOTOR' ORDER BY serial;

-- a reason without create_serials does not generate: lottrace_serial_required
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on)
                     VALUES ('MOTOR', 1, 'W1', 'IN', 'RCV-M', '2026-05-02')$$);

-- nor does an unload
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on)
                     VALUES ('MOTOR', 1, 'W1', 'OUT', 'SHIP-M', '2026-05-02')$$);

-- a serial typed by hand must match the item's code type (23514, lottrace_code_format)
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('MOTOR', 1, 'W1', 'M-77', 'IN', 'RCV-M', '2026-05-02')$$);

-- ... also under a create_serials reason
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('MOTOR', 1, 'W1', 'MOTOR-12345', 'MAKE', 'RCV-M', '2026-05-02')$$);

-- a matching code typed by hand is accepted; generation then skips it
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('MOTOR', 1, 'W1', 'MOTOR-0004', 'IN', 'RCV-M', '2026-05-02');
INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on)
  VALUES ('MOTOR', 1, 'W1', 'MAKE', 'WO-2', '2026-05-03') RETURNING serial;

-- a serial registered by hand does not escape the check: whether its
-- registration or its first load is refused, the load does not go through
SELECT count(*) AS tried FROM pg_temp.err($$INSERT INTO lottrace.serial (item, code) VALUES ('MOTOR', 'M-HAND')$$);
SELECT sqlstate <> 'no error' AS refused
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('MOTOR', 1, 'W1', 'M-HAND', 'IN', 'RCV-M', '2026-05-02')$$);

-- a KIT load gets both a lot and a serial
INSERT INTO sr_moves (item, qty, wh, reason, doc, moved_on) VALUES
  ('KIT', 1, 'W1', 'MAKE', 'WO-K', '2026-05-04'),
  ('KIT', 1, 'W1', 'MAKE', 'WO-K', '2026-05-04')
RETURNING item, lot, serial;
SELECT serial, lot, state FROM sr WHERE item = 'KIT' ORDER BY serial;

-- MOTOR has no serial validity: no expiry
SELECT count(*) AS motors_with_expiry FROM lottrace.serial WHERE item = 'MOTOR' AND expiry_date IS NOT NULL;

------------------------------------------------------------------------------
-- Cancelled serials
------------------------------------------------------------------------------

-- P-2 (in W3) is cancelled: an unload is refused (23514, lottrace_serial_cancelled)
UPDATE lottrace.serial SET cancelled = true WHERE item = 'PUMP' AND code = 'P-2';
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W3', 'P-2', 'OUT', 'SHIP-C', '2026-06-01')$$);

-- ... so is a transfer
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on) VALUES
                     ('PUMP', 1, 'W3', 'P-2', 'OUT', 'TRF-C', '2026-06-01'),
                     ('PUMP', 1, 'W1', 'P-2', 'IN',  'TRF-C', '2026-06-01')$$);

-- a cancelled serial that is out of stock cannot be loaded either
UPDATE lottrace.serial SET cancelled = true WHERE item = 'PUMP' AND code = 'P-6';
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
                     VALUES ('PUMP', 1, 'W1', 'P-6', 'IN', 'RET-C', '2026-06-01')$$);

-- un-cancelled, it moves again
UPDATE lottrace.serial SET cancelled = false WHERE item = 'PUMP' AND code = 'P-2';
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W3', 'P-2', 'OUT', 'SHIP-C', '2026-06-01');
SELECT serial, state, unload_doc FROM sr WHERE serial = 'P-2';

------------------------------------------------------------------------------
-- What users may edit in lottrace.serial
------------------------------------------------------------------------------

-- customer_code, supplier_code, supplier, expiry_date, cancelled,
-- force_closed and reserved are editable
UPDATE lottrace.serial
   SET customer_code = 'CUST-SN-1', supplier_code = 'SUP-SN-1', supplier = 'SUPB',
       expiry_date = '2030-01-01', force_closed = true, reserved = true
 WHERE item = 'PUMP' AND code = 'P-1';
SELECT serial, customer_code, supplier_code, supplier, expiry_date, cancelled, force_closed, reserved
  FROM lottrace.serial_register WHERE serial = 'P-1';

-- every maintained column is refused: 23514, lottrace_serial_maintained
SELECT col, e.sqlstate, e.constraint_name
  FROM unnest(ARRAY['serial_id', 'item', 'variant', 'code', 'lot_id', 'state', 'warehouse',
                    'start_date', 'load_doc', 'loaded_on', 'unload_doc', 'unloaded_on']) AS col,
       LATERAL pg_temp.err(format(
         'UPDATE lottrace.serial SET %I = %s WHERE item = %L AND code = %L', col,
         CASE col WHEN 'serial_id' THEN '424242'
                  WHEN 'lot_id' THEN '424242'
                  WHEN 'state' THEN '''out'''
                  WHEN 'warehouse' THEN '''W9'''
                  WHEN 'start_date' THEN '''2020-01-01'''
                  WHEN 'loaded_on' THEN '''2020-01-01'''
                  WHEN 'unloaded_on' THEN '''2020-01-01'''
                  ELSE '''changed''' END,
         'PUMP', 'P-1')) AS e
 ORDER BY col;

-- the message names the column
SELECT message, hint
  FROM pg_temp.err($$UPDATE lottrace.serial SET warehouse = 'W9' WHERE item = 'PUMP' AND code = 'P-1'$$);

-- an in-stock serial cannot be deleted
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM lottrace.serial WHERE item = 'PUMP' AND code = 'P-1'$$);

-- a serial may be registered by hand, out of stock only
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lottrace.serial (item, code, state, warehouse)
                     VALUES ('PUMP', 'P-HAND', 'in_stock', 'W1')$$);
INSERT INTO lottrace.serial (item, code, supplier_code) VALUES ('PUMP', 'P-8', 'VENDOR-8');

-- its first load uses the registered row and keeps the user's data
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'P-8', 'IN', 'RCV-8', '2026-06-02');
SELECT serial, state, warehouse, supplier_code, load_doc
  FROM lottrace.serial_register WHERE serial = 'P-8';

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- DELETE and UPDATE of ERP rows reverse their moves
------------------------------------------------------------------------------

-- R-1 arrives on 07-01 and is shipped on 07-02
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'R-1', 'IN', 'RCV-R', '2026-07-01');
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'R-1', 'OUT', 'SHIP-R', '2026-07-02');
SELECT * FROM sr WHERE serial = 'R-1';

-- deleting the receipt while the shipment stays: refused
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM sr_moves WHERE serial = 'R-1' AND reason = 'IN'$$);

-- deleting the shipment: R-1 is back in stock, and no unload follows its
-- last load any more
DELETE FROM sr_moves WHERE serial = 'R-1' AND reason = 'OUT';
SELECT * FROM sr WHERE serial = 'R-1';

-- correcting the receipt's warehouse moves the serial
UPDATE sr_moves SET wh = 'W2' WHERE serial = 'R-1';
SELECT serial, state, warehouse, load_doc FROM sr WHERE serial = 'R-1';

-- correcting the receipt's serial code: R-1 leaves, R-2 arrives
UPDATE sr_moves SET serial = 'R-2' WHERE serial = 'R-1';
SELECT serial, state, warehouse FROM sr WHERE serial IN ('R-1', 'R-2') ORDER BY serial;
SELECT * FROM sr WHERE serial = 'R-2';

-- an UPDATE of an unmapped column changes nothing
UPDATE sr_moves SET note = 'checked' WHERE serial = 'R-2';
SELECT serial, state, warehouse, load_doc FROM sr WHERE serial = 'R-2';

-- deleting the only receipt of R-2: it is out of stock
DELETE FROM sr_moves WHERE serial = 'R-2';
SELECT serial, state, warehouse FROM sr WHERE serial = 'R-2';

-- H-1: received (D1), shipped (D2), received again (D3)
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'H-1', 'IN', 'D1', '2026-08-01');
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'H-1', 'OUT', 'D2', '2026-08-02');
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'H-1', 'IN', 'D3', '2026-08-03');

-- correcting the document of the first (old) receipt: the register still
-- shows the last load, D3
UPDATE sr_moves SET doc = 'D1-FIXED' WHERE serial = 'H-1' AND doc = 'D1';
SELECT * FROM sr WHERE serial = 'H-1';

-- H-1 is shipped again (D4); correcting the old shipment D2 leaves the
-- register on the last load D3 and the first unload after it, D4
INSERT INTO sr_moves (item, qty, wh, serial, reason, doc, moved_on)
  VALUES ('PUMP', 1, 'W1', 'H-1', 'OUT', 'D4', '2026-08-04');
UPDATE sr_moves SET doc = 'D2-FIXED' WHERE serial = 'H-1' AND doc = 'D2';
SELECT * FROM sr WHERE serial = 'H-1';

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE sr_moves;
