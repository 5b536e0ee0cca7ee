-- Dates at the edges of the range of type date (4714-11-24 BC ..
-- 5874897-12-31): item shelf lives and lead times are limited to 36500
-- days; a computed expiry past the range is refused (22008,
-- lottrace_date_range) by the triggers, by code generation and by
-- rebuild(); an expiry of infinity given on receipt is kept (never expires)
-- and read by every view and function; -infinity and infinite movement
-- dates are refused.  Then counters and INSERT ... ON CONFLICT: exactly
-- when a generated code's counter value is used up by a row that is not
-- inserted.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

-- ---------------------------------------------------------------- items
-- shelf lives and lead times: 0 to 36500 days (100 years)
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days) VALUES ('X', true, 2147483000)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, block_days) VALUES ('X', true, 2000000000)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, warn_days) VALUES ('X', true, 36501)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, serial_tracked, serial_validity_days) VALUES ('X', true, 36501)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days) VALUES ('X', true, -1)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, warn_days, block_days, serial_validity_days)
                                                    VALUES ('X', true, 36500, 36500, 36500, 36500)$$);
SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint') IS NOT NULL AS commented
  FROM pg_constraint WHERE conrelid = 'lottrace.item'::regclass AND conname LIKE '%days%' ORDER BY 1;
DELETE FROM lottrace.item;

-- ---------------------------------------------------------------- set-up
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.reason (code, direction, allow_unavailable) VALUES ('SCRAP', 'unload', true);
INSERT INTO lottrace.reason (code, direction, create_serials) VALUES ('MAKE', 'load', true);
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('A3', 'lot', 'A3-{SEQ:6|}'), ('EXP', 'lot', 'E{EYYYY}{EMM}-{SEQ:3|}'), ('SN', 'serial', 'S{SEQ:4|}');
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, expiry_rule, block_days, warn_days) VALUES
  ('MILK', true, 30, 'exact', 2, 5),
  ('ENDM', true, 30, 'month_end', 0, NULL),
  ('NOEXP', true, NULL, 'exact', 36500, NULL);
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days) VALUES
  ('GEN', true, 'A3', 30), ('GENX', true, 'EXP', 30);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type, serial_validity_days) VALUES
  ('PUMP', true, 'SN', 30);
CREATE TABLE mv (
  id     serial PRIMARY KEY,
  doc    text UNIQUE,
  d      date,
  wh     text NOT NULL,
  item   text NOT NULL,
  lot    text,
  serial text,
  qty    numeric NOT NULL,
  reason text NOT NULL,
  exp    date,
  note   text
);
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', serial => 'serial',
                       reason => 'reason', doc => 'doc', moved_on => 'd', expiry => 'exp');

-- ---------------------------------------------------------------- computed expiry past the range
-- 5874897-12-31 + 30 days would be 5874898-01-30: refused, naming lot, item, warehouse and row
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('5874897-12-31', 'W1', 'MILK', 'M1', 1, 'IN')$$);
-- the last day of the range is a valid expiry (5874897-12-01 + 30 days)
INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('5874897-12-01', 'W1', 'MILK', 'M2', 1, 'IN');
-- month_end rounding into the last month of the range (past year 294276, where timestamps end)
INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('5874897-11-20', 'W1', 'ENDM', 'E1', 1, 'IN');
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('5874897-12-02', 'W1', 'ENDM', 'E2', 1, 'IN')$$);
SELECT item, code, start_date, expiry_date FROM lottrace.lot ORDER BY lot_id;
-- a generated code: refused in the BEFORE trigger, before a counter value is taken
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason) VALUES ('5874897-12-31', 'W1', 'GEN', 1, 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason) VALUES ('5874897-12-31', 'W1', 'GENX', 1, 'IN')$$);
SELECT count(*) AS counters FROM lottrace.code_counter;
-- a serial's expiry (validity 30 days), generated and typed
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason) VALUES ('5874897-12-31', 'W1', 'PUMP', 1, 'MAKE')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, serial, qty, reason) VALUES ('5874897-12-31', 'W1', 'PUMP', 'P-1', 1, 'IN')$$);
SELECT count(*) AS serials FROM lottrace.serial;
-- a far but valid expiry: registers, views and the unload check work
INSERT INTO mv (d, wh, item, lot, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'NOEXP', 'FAR', 5, 'IN', '5874897-12-31');
INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('2026-01-02', 'W1', 'NOEXP', 'FAR', 1, 'OUT');
SELECT lot, expiry_date, available_qty, days_to_expiry > 2000000000 AS far FROM lottrace.lot_register WHERE item = 'NOEXP';

-- ---------------------------------------------------------------- infinity: never expires
INSERT INTO mv (d, wh, item, lot, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'MILK', 'INF', 10, 'IN', 'infinity');
INSERT INTO mv (d, wh, item, lot, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'NOEXP', 'INF', 10, 'IN', 'infinity');
SELECT item, lot, expiry_date, available_qty, days_to_expiry, is_open FROM lottrace.lot_register WHERE lot = 'INF' ORDER BY item;
SELECT item, lot, warehouse, available_qty FROM lottrace.lot_stock WHERE lot = 'INF' ORDER BY item;
-- unloads are not blocked, whatever the block lead time and the date
INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('5874897-12-31', 'W1', 'NOEXP', 'INF', 1, 'OUT'),
                                                      ('5874897-12-31', 'W1', 'MILK', 'INF', 1, 'OUT');
SELECT lot, take_qty, expiry_date FROM lottrace.suggest_pick('MILK', 'W1', 100);
-- refresh_expiry at the end of the range expires M2 (5874897-12-31) but not the infinite lots
SELECT * FROM lottrace.refresh_expiry('5874897-12-31') ORDER BY lot_id;
SELECT * FROM lottrace.refresh_expiry('infinity') ORDER BY lot_id;
SELECT note FROM lottrace.lot_status_log ORDER BY log_id;
SELECT item, lot, status, expiry_date, blocked_from, days_to_expiry IS NULL AS no_days FROM lottrace.expiring_lots ORDER BY lot_id;
-- a code type with expiry segments: the infinite expiry gives it nothing to print
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'GENX', 1, 'IN', 'infinity')$$);
-- users may set infinity too
UPDATE lottrace.lot SET expiry_date = 'infinity' WHERE code = 'M2';
SELECT expiry_date FROM lottrace.lot WHERE code = 'M2';

-- ---------------------------------------------------------------- -infinity and infinite movement dates
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'MILK', 'NEG', 1, 'IN', '-infinity')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('infinity', 'W1', 'MILK', 'NEG', 1, 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('-infinity', 'W1', 'MILK', 'INF', 1, 'OUT')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason) VALUES ('infinity', 'W1', 'GEN', 1, 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'GEN', 1, 'IN', '-infinity')$$);
SELECT * FROM pg_temp.err($$UPDATE lottrace.lot SET expiry_date = '-infinity' WHERE code = 'INF' AND item = 'MILK'$$);
SELECT * FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code, start_date, expiry_date) VALUES ('MILK', 'HAND', '2026-01-01', '-infinity')$$);
INSERT INTO mv (d, wh, item, serial, qty, reason) VALUES ('2026-01-01', 'W1', 'PUMP', 'S0900', 1, 'IN');
SELECT * FROM pg_temp.err($$UPDATE lottrace.serial SET expiry_date = '-infinity' WHERE code = 'S0900'$$);
UPDATE lottrace.serial SET expiry_date = 'infinity' WHERE code = 'S0900';
SELECT serial, expiry_date FROM lottrace.serial_register;
SELECT count(*) AS lots_with_neg FROM lottrace.lot WHERE expiry_date = '-infinity';

-- ---------------------------------------------------------------- expiry at the start of the range
-- an expiry given as 4714-11-24 BC with a block lead time of 36500 days:
-- blocked from -infinity, so always
INSERT INTO mv (d, wh, item, lot, qty, reason, exp) VALUES ('2026-01-01', 'W1', 'NOEXP', 'OLD', 3, 'IN', '4714-11-24 BC');
SELECT lot, expiry_date, available_qty, on_hand FROM lottrace.lot_register WHERE lot = 'OLD';
SELECT * FROM pg_temp.err($$INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('2026-01-02', 'W1', 'NOEXP', 'OLD', 1, 'OUT')$$);
INSERT INTO mv (d, wh, item, lot, qty, reason) VALUES ('2026-01-02', 'W1', 'NOEXP', 'OLD', 1, 'SCRAP');
SELECT lot, blocked_from FROM lottrace.expiring_lots WHERE lot = 'OLD';
SELECT lot, action FROM lottrace.refresh_expiry('4714-11-24 BC') ORDER BY lot_id;
SELECT lottrace._blocked_from('4714-11-30 BC', 6), lottrace._blocked_from('4714-11-30 BC', 7),
       lottrace._blocked_from('infinity', 36500), lottrace._blocked_from('5874897-12-31', 36500);

-- ---------------------------------------------------------------- rebuild()
-- the expiry of a lot rebuild() recreates, as the triggers compute it
SELECT lottrace._lot_expiry('2026-01-15', 30, 'exact', 'MILK', 'X', 'W1', 'mv', '(id)=(1)'),
       lottrace._lot_expiry('2026-01-15', 30, 'month_end', 'MILK', 'X', 'W1', 'mv', '(id)=(1)'),
       lottrace._lot_expiry('2026-01-15', 30, 'month_start', 'MILK', 'X', 'W1', 'mv', '(id)=(1)'),
       lottrace._lot_expiry('5874897-11-20', 30, 'month_end', 'MILK', 'X', 'W1', 'mv', '(id)=(1)'),
       lottrace._lot_expiry('300000-02-10', 30, 'month_start', 'MILK', 'X', 'W1', 'mv', '(id)=(1)'),
       lottrace._lot_expiry('2026-01-15', NULL, 'exact', 'MILK', 'X', 'W1', 'mv', '(id)=(1)');
SELECT * FROM pg_temp.err($$SELECT lottrace._lot_expiry('5874897-12-31', 30, 'exact', 'MILK', 'M1', 'W1', 'mv', '(id)=(1)')$$);
-- rebuild() and verify() over registers with far and infinite dates: nothing changes
CREATE TEMP TABLE before_rebuild AS SELECT item, code, start_date, expiry_date FROM lottrace.lot;
SELECT lottrace.rebuild();
SELECT count(*) AS problems FROM lottrace.verify();
SELECT count(*) AS changed FROM lottrace.lot l JOIN before_rebuild b USING (item, code)
 WHERE (l.start_date, l.expiry_date) IS DISTINCT FROM (b.start_date, b.expiry_date);

-- ---------------------------------------------------------------- counters and ON CONFLICT
-- A generated code takes its counter value in the BEFORE ROW trigger, which
-- PostgreSQL runs before it looks for a conflict: a row that ON CONFLICT
-- then skips (DO NOTHING) or turns into an update (DO UPDATE) has used up
-- its value.  Ordinary inserts, rolled-back transactions and savepoints
-- leave no gap.
DELETE FROM lottrace.code_counter;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D1', '2026-01-01', 'W1', 'GEN', 1, 'IN') RETURNING lot;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D1', '2026-01-01', 'W1', 'GEN', 1, 'IN')
  ON CONFLICT (doc) DO NOTHING RETURNING lot;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D2', '2026-01-01', 'W1', 'GEN', 1, 'IN')
  ON CONFLICT (doc) DO NOTHING RETURNING lot;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D2', '2026-01-01', 'W1', 'GEN', 2, 'IN')
  ON CONFLICT (doc) DO UPDATE SET note = 'again' RETURNING lot, note;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D3', '2026-01-01', 'W1', 'GEN', 1, 'IN') RETURNING lot;
-- rolled back, and rolled back to a savepoint: no value used up
BEGIN;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D4', '2026-01-01', 'W1', 'GEN', 1, 'IN') RETURNING lot;
ROLLBACK;
BEGIN;
SAVEPOINT s;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D4', '2026-01-01', 'W1', 'GEN', 1, 'IN') RETURNING lot;
ROLLBACK TO SAVEPOINT s;
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES ('D4', '2026-01-01', 'W1', 'GEN', 1, 'IN') RETURNING lot;
COMMIT;
-- a failed statement takes its values back with it
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES
  ('D5', '2026-01-01', 'W1', 'GEN', 1, 'IN'), ('D6', '2026-01-01', 'W1', 'GEN', 0, 'IN')$$);
-- several rows, one of them skipped: its value is lost, the others follow in row order
INSERT INTO mv (doc, d, wh, item, qty, reason) VALUES
  ('D5', '2026-01-01', 'W1', 'GEN', 1, 'IN'), ('D1', '2026-01-01', 'W1', 'GEN', 1, 'IN'),
  ('D6', '2026-01-01', 'W1', 'GEN', 1, 'IN')
  ON CONFLICT (doc) DO NOTHING RETURNING doc, lot;
SELECT doc, lot, note FROM mv WHERE item = 'GEN' ORDER BY id;
SELECT root, last_value FROM lottrace.code_counter WHERE code_type = 'A3';
-- the lost values have no lot
SELECT string_agg(code::text, ' ' ORDER BY code) AS gen_lots FROM lottrace.lot WHERE item = 'GEN';
SELECT count(*) AS problems FROM lottrace.verify();

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE mv;
