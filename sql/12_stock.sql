-- Stock arithmetic (API.md §3 "Behaviour of governed rows", §4 views):
-- UPDATE and DELETE, transfers, bulk INSERT and COPY, signed quantities,
-- dates and expiry rules, the status of new lots, the register views'
-- columns, and variants.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- ========================================================= configuration

INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, lot_validity_days, expiry_rule, block_days, initial_status) VALUES
  ('APPLE', true,  false, NULL, 'exact',       0, NULL),
  ('PEAR',  true,  false, NULL, 'exact',       0, NULL),
  ('PUMP',  false, true,  NULL, 'exact',       0, NULL),
  ('MILK',  true,  false, 29,   'exact',       0, NULL),
  ('CHEESE', true, false, 30,   'month_end',   0, NULL),
  ('WINE',  true,  false, 1,    'month_start', 0, NULL),
  ('YEAST', true,  false, 0,    'exact',       0, NULL),
  ('DRUG',  true,  false, 10,   'exact',       5, 'QUARANTINE');
-- Reasons: a load, an unload, and an unload that may take unavailable lots.
INSERT INTO lottrace.reason (code, direction, allow_unavailable) VALUES
  ('IN', 'load', false), ('OUT', 'unload', false), ('SCRAP', 'unload', true);

-- The ERP table: reason mode, with date, expiry and variant columns, and a
-- column the mapping does not use.
CREATE TABLE mv (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, serial text,
                 reason text, moved date, exp date, var text, note text);
-- Attach it.
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', moved_on => 'moved', expiry => 'exp',
                       variant => 'var');

-- A compact view of the stock: lot, warehouse, loaded and on hand.
CREATE TEMP VIEW st AS
  SELECT item, coalesce(variant, '-') AS variant, lot::text AS lot, warehouse, loaded_qty, on_hand
    FROM lottrace.lot_stock;

-- ================================================================ UPDATE

-- A load of 10 and an unload of 3 of APPLE L1 in W1.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved) VALUES
  (1, 'APPLE', 10, 'W1', 'L1', 'IN', '2024-01-01'), (2, 'APPLE', 3, 'W1', 'L1', 'OUT', '2024-01-02');
-- L1: 10 loaded, 7 on hand.
SELECT * FROM st ORDER BY 1, 2, 3, 4;

-- qty change of the load: loaded and on hand follow (10 -> 12).
UPDATE mv SET qty = 12 WHERE id = 1;
-- L1: 12 loaded, 9 on hand.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- qty change of the unload (3 -> 5).
UPDATE mv SET qty = 5 WHERE id = 2;
-- L1: 12 loaded, 7 on hand.
SELECT * FROM st ORDER BY 1, 2, 3, 4;

-- lot change of the load to a new lot L2: L2 is created with it, L1 keeps
-- only the unload -- which makes it negative, so the UPDATE is refused...
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET lot = 'L2' WHERE id = 1$$);
-- ...moving both rows works: L1 is left empty, L2 has 12 - 5.
UPDATE mv SET lot = 'L2' WHERE id IN (1, 2);
-- L1 is gone from lot_stock (no stock), L2 has 12 loaded, 7 on hand.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- L2 was created by the changed row: its start date and initial quantity are that row's.
SELECT lot, start_date, initial_qty FROM lottrace.lot_register ORDER BY lot_id;

-- warehouse change of both rows: W1 -> W2.
UPDATE mv SET wh = 'W2' WHERE id IN (1, 2);
-- All of it is in W2 now.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- ...of the load only: refused (W2 would be -5)...
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET wh = 'W3' WHERE id = 1$$);

-- reason change: the load becomes an unload (refused: -24 on hand).
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET reason = 'OUT' WHERE id = 1$$);

-- item change of both rows from governed to ungoverned (SCREW): the
-- stock goes; the lot stays, empty.
UPDATE mv SET item = 'SCREW' WHERE id IN (1, 2);
-- No stock left.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- While ungoverned, anything goes in the row.
UPDATE mv SET lot = 'junk ~', qty = 0 WHERE id = 2;
-- ...back to governed: the junk is refused, ...
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET item = 'APPLE' WHERE id IN (1, 2)$$);
-- ...correct rows are applied again.
UPDATE mv SET item = 'APPLE', lot = 'L2', qty = 5 WHERE id IN (1, 2) AND item = 'SCREW';
-- ...and the load back to 12.
UPDATE mv SET qty = 12 WHERE id = 1;
-- L2 in W2: 12 loaded, 7 on hand, as before.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- One governed row changed to ungoverned alone: its load is taken out,
-- which the remaining unload does not allow.
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET item = 'SCREW' WHERE id = 1$$);
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ===================================== UPDATE of unmapped columns: nothing

-- L2 is put in quarantine, so its unload row 2 could not be written now.
SELECT lottrace.set_lot_status('APPLE', 'L2', 'QUARANTINE', 'test');
-- An UPDATE of the unmapped note column of that unload is not refused and
-- changes nothing...
UPDATE mv SET note = 'checked' WHERE id = 2;
-- ...neither is one that writes the mapped columns unchanged...
UPDATE mv SET qty = qty, lot = lot, reason = reason WHERE id = 2;
-- ...nor one that only renumbers the row (its primary key is not mapped).
UPDATE mv SET id = 20 WHERE id = 2;
-- (and back)
UPDATE mv SET id = 2 WHERE id = 20;
-- Nothing moved.
SELECT * FROM st ORDER BY 1, 2, 3, 4;
-- A real change of the unload is an unload of a blocked lot: refused.
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET qty = 4 WHERE id = 2$$);
-- An expired lot likewise: E1 expires 2024-01-05; its unload dated before
-- that may have its note changed, but re-dating it past the expiry is an
-- unload of an expired lot: refused.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved, exp) VALUES
  (3, 'PEAR', 5, 'W1', 'E1', 'IN', '2024-01-01', '2024-01-05'), (4, 'PEAR', 2, 'W1', 'E1', 'OUT', '2024-01-02', NULL);
-- Its note changes.
UPDATE mv SET note = 'late check' WHERE id = 4;
-- Re-dating it after the expiry: 23514 lottrace_lot_expired.
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET moved = '2024-01-06' WHERE id = 4$$);
-- (L2 back to AVAILABLE)
SELECT lottrace.set_lot_status('APPLE', 'L2', 'AVAILABLE');
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ================================================================ DELETE

-- Deleting the unload puts the stock back (E1: 3 -> 5); deleting the load
-- takes it out.
SELECT * FROM st WHERE lot = 'E1';
-- Delete the unload...
DELETE FROM mv WHERE id = 4;
-- ...E1: 5 on hand.
SELECT * FROM st WHERE lot = 'E1';
-- Delete the load...
DELETE FROM mv WHERE id = 3;
-- ...E1 has no stock left.
SELECT * FROM st WHERE lot = 'E1';
-- Deleting the receipt of L2 whose goods were partly shipped: refused,
-- naming the removed row.
DELETE FROM mv WHERE id = 1;
-- 23514 lottrace_negative_stock.
SELECT sqlstate, constraint_name FROM pg_temp.err($$DELETE FROM mv WHERE id = 1$$);
-- Deleting both rows is fine: L2 is empty, and stays in the register.
DELETE FROM mv WHERE id IN (1, 2);
-- L2: nothing loaded, nothing on hand, not open.
SELECT lot, loaded_qty, on_hand, is_open FROM lottrace.lot_register WHERE lot = 'L2';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ============================================================= transfers

-- T1: 6 in W1.  A transfer of all of it to W2 in one statement, the unload
-- written first; then on to W3, the load written first.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (10, 'APPLE', 6, 'W1', 'T1', 'IN');
-- Unload from W1 first, then load into W2.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (11, 'APPLE', 6, 'W1', 'T1', 'OUT'), (12, 'APPLE', 6, 'W2', 'T1', 'IN');
-- Load into W3 first, then unload from W2.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (13, 'APPLE', 6, 'W3', 'T1', 'IN'), (14, 'APPLE', 6, 'W2', 'T1', 'OUT');
-- T1: all 6 in W3.
SELECT * FROM st WHERE lot = 'T1' ORDER BY warehouse;
-- A chain through an empty warehouse in one statement: W3 -> W4 -> W5,
-- rows in the "wrong" order (W4 is below zero half-way through).
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES
  (15, 'APPLE', 6, 'W4', 'T1', 'OUT'), (16, 'APPLE', 6, 'W5', 'T1', 'IN'),
  (17, 'APPLE', 6, 'W3', 'T1', 'OUT'), (18, 'APPLE', 6, 'W4', 'T1', 'IN');
-- T1: all 6 in W5.
SELECT * FROM st WHERE lot = 'T1' ORDER BY warehouse;
-- A transfer of more than there is fails whatever the order.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (19, 'APPLE', 7, 'W6', 'T1', 'IN'), (20, 'APPLE', 7, 'W5', 'T1', 'OUT')$$);
-- A transfer by UPDATE of the warehouse (also a single statement).
UPDATE mv SET wh = 'W7' WHERE id = 16;
-- T1: all 6 in W7.
SELECT * FROM st WHERE lot = 'T1' ORDER BY warehouse;
-- Serials: a transfer written load-first is fine.
INSERT INTO mv (id, item, qty, wh, serial, reason) VALUES (21, 'PUMP', 1, 'W1', 'P1', 'IN');
-- P1 loaded into W2 first, then unloaded from W1.
INSERT INTO mv (id, item, qty, wh, serial, reason) VALUES (22, 'PUMP', 1, 'W2', 'P1', 'IN'), (23, 'PUMP', 1, 'W1', 'P1', 'OUT');
-- P1 is in W2.
SELECT serial, state, warehouse FROM lottrace.serial_register;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- Serials: DELETE of an unload puts the serial back in stock, and the
-- register forgets that unload (unloaded_on is the first unload after the
-- last load, and there is none now); UPDATE of the warehouse moves it.
INSERT INTO mv (id, item, qty, wh, serial, reason, moved) VALUES (27, 'PUMP', 1, 'W1', 'P2', 'IN', '2024-01-01');
-- ...and unloaded on 2024-01-05.
INSERT INTO mv (id, item, qty, wh, serial, reason, moved) VALUES (28, 'PUMP', 1, 'W1', 'P2', 'OUT', '2024-01-05');
-- P2 is out, unloaded on 2024-01-05.
SELECT serial, state, warehouse, loaded_on, unloaded_on FROM lottrace.serial_register WHERE serial = 'P2';
-- Delete the unload.
DELETE FROM mv WHERE id = 28;
-- P2 is in stock in W1 again, with no unload date.
SELECT serial, state, warehouse, loaded_on, unloaded_on FROM lottrace.serial_register WHERE serial = 'P2';
-- Move its load to W3.
UPDATE mv SET wh = 'W3' WHERE id = 27;
-- P2 is in W3.
SELECT serial, state, warehouse, loaded_on, unloaded_on FROM lottrace.serial_register WHERE serial = 'P2';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- Other statements that write several rows are judged once, too:
-- INSERT ... ON CONFLICT DO UPDATE, MERGE.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (24, 'APPLE', 2, 'W7', 'T1', 'OUT')
  ON CONFLICT (id) DO UPDATE SET qty = excluded.qty;
-- ...then conflicting: the row is updated to 3.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (24, 'APPLE', 3, 'W7', 'T1', 'OUT')
  ON CONFLICT (id) DO UPDATE SET qty = excluded.qty;
-- T1 in W7: 6 - 3.
SELECT * FROM st WHERE lot = 'T1' AND warehouse = 'W7';
-- MERGE: row 24 becomes 1, row 25 (2) is inserted.
MERGE INTO mv t
USING (VALUES (24, 1), (25, 2)) s(id, qty) ON t.id = s.id
WHEN MATCHED THEN UPDATE SET qty = s.qty
WHEN NOT MATCHED THEN INSERT (id, item, qty, wh, lot, reason) VALUES (s.id, 'APPLE', s.qty, 'W7', 'T1', 'OUT');
-- T1 in W7: 6 - 1 - 2.
SELECT * FROM st WHERE lot = 'T1' AND warehouse = 'W7';
-- MERGE deleting row 25.
MERGE INTO mv t USING (VALUES (25)) s(id) ON t.id = s.id WHEN MATCHED THEN DELETE;
-- T1 in W7: 6 - 1.
SELECT * FROM st WHERE lot = 'T1' AND warehouse = 'W7';
-- verify() agrees.
SELECT * FROM lottrace.verify();
-- One SQL statement with two data-modifying parts (a writable CTE): each
-- part fires its own statement triggers, one after the other, so each part
-- is judged on its own (docs/ENGINE.md).  The INSERT's unload of 10 is
-- judged before the UPDATE's extra 5 arrive: refused, and nothing of the
-- statement stays.
WITH more AS (UPDATE mv SET qty = 11 WHERE id = 16 RETURNING id)
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (26, 'APPLE', 10, 'W7', 'T1', 'OUT');
-- T1 in W7: unchanged, 6 loaded, 5 on hand.
SELECT * FROM st WHERE lot = 'T1' AND warehouse = 'W7';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ==================================================== bulk INSERT and COPY

-- 600 rows over 60 lots of PEAR in 3 warehouses (loads), then 200 unloads.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved)
SELECT 1000 + i, 'PEAR', 1 + i % 4, 'B' || (i % 3), 'BULK-' || (i % 60), 'IN', '2024-02-01'
  FROM generate_series(1, 600) i;
-- The unloads.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved)
SELECT 2000 + i, 'PEAR', 1, 'B' || (i % 3), 'BULK-' || (i % 60), 'OUT', '2024-02-02'
  FROM generate_series(1, 200) i;
-- The registers hold what the table says.
SELECT count(*) AS lots, sum(loaded_qty) AS loaded, sum(on_hand) AS on_hand,
       (SELECT sum(qty) FROM mv WHERE lot LIKE 'BULK-%' AND reason = 'IN') AS table_loaded,
       (SELECT sum(CASE reason WHEN 'IN' THEN qty ELSE -qty END) FROM mv WHERE lot LIKE 'BULK-%') AS table_on_hand
  FROM lottrace.lot_stock WHERE lot::text LIKE 'BULK-%';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- COPY is governed like INSERT: three lots, one of them moved twice.
COPY mv (id, item, qty, wh, lot, reason, moved) FROM STDIN;
3001	PEAR	4	C1	COPY-1	IN	2024-03-01
3002	PEAR	5	C1	COPY-2	IN	2024-03-01
3003	PEAR	6	C2	COPY-3	IN	2024-03-01
3004	PEAR	1	C1	COPY-1	OUT	2024-03-02
3005	PEAR	3	C2	COPY-1	IN	2024-03-02
\.
-- COPY-1: 3 in C1, 3 in C2; COPY-2: 5; COPY-3: 6.
SELECT * FROM st WHERE lot LIKE 'COPY-%' ORDER BY lot, warehouse;
-- A COPY with one bad row (unloading more than there is) takes nothing.
COPY mv (id, item, qty, wh, lot, reason, moved) FROM STDIN;
3006	PEAR	1	C1	COPY-4	IN	2024-03-03
3007	PEAR	9	C1	COPY-2	OUT	2024-03-03
\.
-- Unchanged.
SELECT * FROM st WHERE lot LIKE 'COPY-%' ORDER BY lot, warehouse;
-- Neither row is in the table.
SELECT count(*) AS copied FROM mv WHERE id IN (3006, 3007);
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ==================================================== signed quantities

-- A second table without reason column (+ load, - unload) and without
-- moved_on column.
CREATE TABLE sm (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- Attach it.
SELECT lottrace.attach('sm', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
-- A load of 8 and two unloads.
INSERT INTO sm VALUES (1, 'APPLE', 8, 'S1', 'SG1'), (2, 'APPLE', -3, 'S1', 'SG1'), (3, 'APPLE', -2.5, 'S1', 'SG1');
-- SG1: 8 loaded, 2.5 on hand.
SELECT * FROM st WHERE lot = 'SG1';
-- movements shows the signs as written; reason NULL; moved_on NULL.
SELECT source_key, qty, reason, moved_on FROM lottrace.movements WHERE source = 'sm'::regclass ORDER BY source_key;
-- Flipping a sign by UPDATE turns the unload into a load.
UPDATE sm SET qty = 3 WHERE id = 2;
-- SG1: 11 loaded, 8.5 on hand.
SELECT * FROM st WHERE lot = 'SG1';
-- Both tables add up in one lot: mv unloads SG1 too.
INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (30, 'APPLE', 1.5, 'S1', 'SG1', 'OUT');
-- SG1: 7 on hand.
SELECT * FROM st WHERE lot = 'SG1';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ========================================================= dates, expiry

-- moved_on unmapped: the lot starts today.
SELECT start_date = current_date AS starts_today FROM lottrace.lot_register WHERE lot = 'SG1';
-- moved_on mapped but NULL: today as well.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved) VALUES (31, 'APPLE', 1, 'W1', 'D-NULL', 'IN', NULL);
-- It starts today.
SELECT start_date = current_date AS starts_today FROM lottrace.lot_register WHERE lot = 'D-NULL';

-- Expiry = start + lot_validity_days, rounded by expiry_rule:
--   MILK 29 days exact, CHEESE 30 days to the month's end, WINE 1 day to
--   the month's start, YEAST 0 days.  Dates across month ends, leap days
--   and the year end.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved) VALUES
  (40, 'MILK',   1, 'W1', 'M1', 'IN', '2024-01-31'),   -- +29 = 2024-02-29
  (41, 'MILK',   1, 'W1', 'M2', 'IN', '2023-01-31'),   -- +29 = 2023-03-01
  (42, 'MILK',   1, 'W1', 'M3', 'IN', '2024-12-10'),   -- +29 = 2025-01-08
  (43, 'CHEESE', 1, 'W1', 'C1', 'IN', '2024-01-31'),   -- +30 = 2024-03-01 -> 03-31
  (44, 'CHEESE', 1, 'W1', 'C2', 'IN', '2024-01-30'),   -- +30 = 2024-02-29 -> 02-29
  (45, 'CHEESE', 1, 'W1', 'C3', 'IN', '2023-01-29'),   -- +30 = 2023-02-28 -> 02-28
  (46, 'CHEESE', 1, 'W1', 'C4', 'IN', '2024-12-15'),   -- +30 = 2025-01-14 -> 01-31
  (47, 'CHEESE', 1, 'W1', 'C5', 'IN', '2024-03-01'),   -- +30 = 2024-03-31 -> 03-31
  (48, 'WINE',   1, 'W1', 'V1', 'IN', '2024-02-29'),   -- +1 = 2024-03-01 -> 03-01
  (49, 'WINE',   1, 'W1', 'V2', 'IN', '2024-02-28'),   -- +1 = 2024-02-29 -> 02-01
  (50, 'WINE',   1, 'W1', 'V3', 'IN', '2024-12-31'),   -- +1 = 2025-01-01 -> 01-01
  (51, 'WINE',   1, 'W1', 'V4', 'IN', '2024-12-30'),   -- +1 = 2024-12-31 -> 12-01
  (52, 'YEAST',  1, 'W1', 'Y1', 'IN', '2024-02-29');   -- +0 = 2024-02-29
-- The computed expiry dates.
SELECT r.lot, i.expiry_rule, r.start_date, r.expiry_date
  FROM lottrace.lot_register r JOIN lottrace.item i USING (item)
 WHERE r.item IN ('MILK', 'CHEESE', 'WINE', 'YEAST') ORDER BY r.item, r.lot;
-- A mapped expiry wins over the computed one (also one before the start).
INSERT INTO mv (id, item, qty, wh, lot, reason, moved, exp) VALUES
  (53, 'MILK', 1, 'W1', 'M4', 'IN', '2024-01-01', '2030-06-15'),
  (54, 'CHEESE', 1, 'W1', 'C6', 'IN', '2024-01-01', '2023-12-31');
-- M4 and C6 have the mapped dates.
SELECT lot, start_date, expiry_date FROM lottrace.lot_register WHERE lot IN ('M4', 'C6') ORDER BY lot;
-- The expiry of a later load into an existing lot does not change it.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved, exp) VALUES (55, 'MILK', 1, 'W1', 'M4', 'IN', '2024-02-01', '2031-01-01');
-- M4 keeps 2030-06-15.
SELECT lot, start_date, expiry_date, initial_qty, loaded_qty FROM lottrace.lot_register WHERE lot = 'M4';
-- Several loads creating one lot in one statement: the first row gives
-- start, expiry and initial quantity.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved, exp) VALUES
  (56, 'MILK', 7, 'W1', 'M5', 'IN', '2024-05-01', NULL), (57, 'MILK', 2, 'W2', 'M5', 'IN', '2024-04-01', '2024-04-20');
-- M5: start 2024-05-01, expiry 2024-05-01 + 29, initial quantity 7.
SELECT lot, start_date, expiry_date, initial_qty, loaded_qty FROM lottrace.lot_register WHERE lot = 'M5';
-- rebuild() computes the same dates for lots it creates (a table attached
-- without backfill, then rebuilt).
CREATE TABLE late (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, moved date);
-- Rows before attach.
INSERT INTO late VALUES (1, 'MILK', 1, 'W1', 'RB-M', '2024-01-31'), (2, 'CHEESE', 1, 'W1', 'RB-C', '2024-01-31'),
                        (3, 'WINE', 1, 'W1', 'RB-W', '2024-12-31'), (4, 'APPLE', 1, 'W1', 'RB-A', '2024-01-31');
-- Attach without backfill.
SELECT lottrace.attach('late', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', moved_on => 'moved',
                       backfill => false);
-- rebuild() creates the lots.
SELECT lottrace.rebuild();
-- The same expiry dates as the engine's (MILK exact, CHEESE month end, WINE month start).
SELECT lot, start_date, expiry_date, status, initial_qty FROM lottrace.lot_register WHERE lot::text LIKE 'RB-%' ORDER BY lot;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ================================================ the status of new lots

-- DRUG has initial_status QUARANTINE; the others get lottrace.default_status.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved) VALUES (60, 'DRUG', 5, 'W1', 'DR1', 'IN', '2024-01-01');
-- DR1 is QUARANTINE, the others AVAILABLE.
SELECT lot, status FROM lottrace.lot_register WHERE lot IN ('DR1', 'L1', 'D-NULL') ORDER BY lot;
-- A different default status (superuser setting).
SET lottrace.default_status = 'BLOCKED';
-- An APPLE lot (no initial status) and a DRUG lot (initial status QUARANTINE).
INSERT INTO mv (id, item, qty, wh, lot, reason, moved) VALUES
  (61, 'APPLE', 5, 'W1', 'DS1', 'IN', '2024-01-01'), (62, 'DRUG', 5, 'W1', 'DR2', 'IN', '2024-01-01');
-- DS1 is BLOCKED, DR2 still QUARANTINE.
SELECT lot, status FROM lottrace.lot_register WHERE lot IN ('DS1', 'DR2') ORDER BY lot;
-- A default status that is not in lottrace.lot_status: the load is refused.
SET lottrace.default_status = 'NO_SUCH';
-- 23503 lottrace_lot_status.
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO mv (id, item, qty, wh, lot, reason) VALUES (63, 'APPLE', 5, 'W1', 'DS2', 'IN')$$);
RESET lottrace.default_status;
SHOW lottrace.default_status;
-- A lot's creation is not a status change: the log starts with the first
-- change (from the status the lot was created with).
SELECT lottrace.set_lot_status('DRUG', 'DR1', 'AVAILABLE', 'released by lab');
-- The log.
SELECT l.code, g.old_status, g.new_status, g.note, g.changed_by = current_user AS by_me
  FROM lottrace.lot_status_log g JOIN lottrace.lot l USING (lot_id)
 WHERE l.code IN ('DR1', 'DS1') ORDER BY l.code, g.log_id;

-- ================================================== the register views

-- lot_register and lot_stock have exactly the columns of API.md §4.
SELECT attrelid::regclass AS view, attnum, attname, format_type(atttypid, atttypmod) AS type
  FROM pg_attribute
 WHERE attrelid IN ('lottrace.lot_register'::regclass, 'lottrace.lot_stock'::regclass)
   AND attnum > 0 AND NOT attisdropped
 ORDER BY attrelid::regclass::text, attnum;

-- Lots relative to today (moved_on unmapped in this table: start = today):
-- DRUG validity 10 days, block 5.
CREATE TABLE today_mv (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, exp date);
-- Attach it.
SELECT lottrace.attach('today_mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', expiry => 'exp');
-- One lot per case.
INSERT INTO today_mv VALUES
  (1, 'APPLE', 10, 'A1', 'AV-OK', NULL),                        -- available
  (2, 'APPLE', 10, 'A1', 'AV-QUAR', NULL),                      -- status QUARANTINE
  (3, 'APPLE', 10, 'A1', 'AV-NOSALE', NULL),                    -- not saleable
  (4, 'APPLE', 10, 'A1', 'AV-CLOSED', NULL),                    -- force closed
  (5, 'DRUG', 10, 'A1', 'AV-DRUG', NULL),                       -- expires in 10, blocked in 5
  (6, 'DRUG', 10, 'A1', 'AV-BLOCK', current_date + 5),          -- blocked from today
  (7, 'DRUG', 10, 'A1', 'AV-EVE', current_date + 6),            -- blocked from tomorrow
  (8, 'APPLE', 10, 'A1', 'AV-PAST', current_date - 1),          -- expired yesterday
  (9, 'APPLE', 10, 'A1', 'AV-EMPTY', NULL), (10, 'APPLE', -10, 'A1', 'AV-EMPTY', NULL);
-- (DRUG lots released from quarantine, to see their expiry at work)
UPDATE lottrace.lot SET status = 'AVAILABLE' WHERE item = 'DRUG' AND code::text LIKE 'AV-%';
-- AV-QUAR to quarantine.
SELECT lottrace.set_lot_status('APPLE', 'AV-QUAR', 'QUARANTINE');
-- AV-NOSALE not saleable.
UPDATE lottrace.lot SET saleable = false WHERE code = 'AV-NOSALE';
-- AV-CLOSED force closed.
UPDATE lottrace.lot SET force_closed = true WHERE code = 'AV-CLOSED';
-- The register: available_qty 0 when unavailable, not saleable, force closed, blocked by expiry or empty; days_to_expiry.
SELECT lot, status, saleable, force_closed, loaded_qty, on_hand, available_qty, is_open,
       days_to_expiry, expiry_date - current_date AS expires_in
  FROM lottrace.lot_register WHERE lot::text LIKE 'AV-%' ORDER BY lot;
-- The same per warehouse.
SELECT lot, warehouse, loaded_qty, on_hand, available_qty
  FROM lottrace.lot_stock WHERE lot::text LIKE 'AV-%' ORDER BY lot, warehouse;
-- A lot in two warehouses, one of them below zero (allow_negative): the
-- register sums the warehouses, lot_stock shows each.
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('NEG', true);
-- -4 of AV-OK in NEG.
INSERT INTO today_mv VALUES (11, 'APPLE', -4, 'NEG', 'AV-OK', NULL);
-- AV-OK: on hand 10 - 4 = 6, available 6.
SELECT lot, loaded_qty, on_hand, available_qty, is_open FROM lottrace.lot_register WHERE lot = 'AV-OK';
-- AV-OK per warehouse: 10 available in A1, 0 in NEG.
SELECT lot, warehouse, loaded_qty, on_hand, available_qty FROM lottrace.lot_stock WHERE lot = 'AV-OK' ORDER BY warehouse;
-- A lot whose only stock is below zero: not open, nothing available.
INSERT INTO today_mv VALUES (12, 'APPLE', 2, 'A1', 'AV-NEG', NULL), (13, 'APPLE', -3, 'NEG', 'AV-NEG', NULL),
                            (14, 'APPLE', -2, 'A1', 'AV-NEG', NULL);
-- AV-NEG: 2 loaded, -3 on hand, nothing available, not open.
SELECT lot, loaded_qty, on_hand, available_qty, is_open FROM lottrace.lot_register WHERE lot = 'AV-NEG';
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ============================================================== variants

-- NULL and '' are the same (no) variant: a load with NULL and an unload
-- with '' meet in one lot...
INSERT INTO mv (id, item, qty, wh, lot, reason, var) VALUES (70, 'APPLE', 5, 'W1', 'VAR1', 'IN', NULL);
-- The unload with ''.
INSERT INTO mv (id, item, qty, wh, lot, reason, var) VALUES (71, 'APPLE', 2, 'W1', 'VAR1', 'OUT', '');
-- VAR1 (no variant): 5 loaded, 3 on hand.
SELECT * FROM st WHERE lot = 'VAR1';
-- movements shows no variant for both.
SELECT source_key, variant IS NULL AS no_variant FROM lottrace.movements
 WHERE source = 'mv'::regclass AND source_key IN ('70', '71') ORDER BY source_key;
-- ...while two variants of the same code are two lots (and neither is the
-- variant-less one).
INSERT INTO mv (id, item, qty, wh, lot, reason, var) VALUES
  (72, 'APPLE', 4, 'W1', 'VAR1', 'IN', 'RED'), (73, 'APPLE', 6, 'W1', 'VAR1', 'IN', 'GREEN');
-- Three lots VAR1.
SELECT * FROM st WHERE lot = 'VAR1' ORDER BY variant;
-- An unload of a variant that has not got enough fails even though the
-- other variants have.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO mv (id, item, qty, wh, lot, reason, var) VALUES (74, 'APPLE', 5, 'W1', 'VAR1', 'OUT', 'RED')$$);
-- A variant that does not exist: 23503 lottrace_lot_unknown.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO mv (id, item, qty, wh, lot, reason, var) VALUES (74, 'APPLE', 1, 'W1', 'VAR1', 'OUT', 'BLUE')$$);
-- A variant change by UPDATE moves the quantity between the lots.
UPDATE mv SET var = 'RED' WHERE id = 73;
-- RED: 10; GREEN: nothing left.
SELECT * FROM st WHERE lot = 'VAR1' ORDER BY variant;
-- Variant changed to '' : back to the variant-less lot.
UPDATE mv SET var = '' WHERE id = 72;
-- No variant: 9 loaded, 7 on hand; RED: 6.
SELECT * FROM st WHERE lot = 'VAR1' ORDER BY variant;
-- The three lots stay.
SELECT lot_id, variant FROM lottrace.lot WHERE code = 'VAR1' ORDER BY lot_id;
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ============================================= a lot in many warehouses
-- (the engine keeps a lot's balances in a list up to 16 warehouses, and in
-- a hash table beyond: both ways must add up the same)

-- One statement loads lot WIDE into 40 warehouses, twice each, rows
-- interleaved with another lot.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved)
  SELECT 50000 + n, 'APPLE', 5, 'WH' || lpad((n % 40)::text, 2, '0'),
         CASE WHEN n % 3 = 0 THEN 'NARROW' ELSE 'WIDE' END, 'IN', date '2024-03-01'
    FROM generate_series(1, 120) n;
-- A second one unloads 1 from each of WIDE's warehouses, last to first,
-- with a transfer between two of them.
INSERT INTO mv (id, item, qty, wh, lot, reason, moved)
  SELECT 50200 + n, 'APPLE', 1, 'WH' || lpad(n::text, 2, '0'), 'WIDE', 'OUT', date '2024-03-02'
    FROM generate_series(39, 0, -1) n
  UNION ALL SELECT 50300, 'APPLE', 2, 'WH05', 'WIDE', 'OUT', date '2024-03-02'
  UNION ALL SELECT 50301, 'APPLE', 2, 'WH33', 'WIDE', 'IN', date '2024-03-02';
-- WIDE: 40 warehouses; the totals and the two warehouses of the transfer.
SELECT lot, count(*) AS warehouses, sum(loaded_qty) AS loaded, sum(on_hand) AS on_hand
  FROM st WHERE lot IN ('WIDE', 'NARROW') GROUP BY lot ORDER BY lot;
SELECT * FROM st WHERE lot = 'WIDE' AND warehouse IN ('WH05', 'WH33', 'WH00') ORDER BY warehouse;
-- Unloading more than WH07 holds is refused, naming that warehouse.
\set VERBOSITY default
INSERT INTO mv (id, item, qty, wh, lot, reason, moved)
  SELECT 50400 + n, 'APPLE', CASE WHEN n = 7 THEN 99 ELSE 1 END, 'WH' || lpad(n::text, 2, '0'), 'WIDE', 'OUT', date '2024-03-03'
    FROM generate_series(0, 39) n;
\set VERBOSITY terse
-- verify() agrees.
SELECT * FROM lottrace.verify();

-- ================================================================ the end
SELECT * FROM lottrace.verify();
SET client_min_messages = warning;
-- Drop the extension.
DROP EXTENSION lottrace CASCADE;
RESET client_min_messages;
-- Drop this file's tables.
DROP TABLE mv, sm, late, today_mv;
