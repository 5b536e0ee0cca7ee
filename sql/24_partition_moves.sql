-- Rows that move between partitions of an attached table by DELETE and
-- INSERT in one transaction are the same movement (docs/SCALING.md, "Rows
-- that move between partitions"): the DELETE's rules wait for COMMIT, and
-- an INSERT of the same row (primary key and mapped columns) takes its
-- effect back without judging it again.  pg_partman's
-- partition_data_time() does this; here it is plain SQL.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO lottrace.item (item, lot_tracked, single_supplier) VALUES ('MILK', true, true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SCALE', true);
INSERT INTO lottrace.reason (code, direction, new_lot_only, requires_account) VALUES
  ('NEW', 'load', true, true), ('RCV', 'load', false, false), ('SHIP', 'unload', false, false);
CREATE TABLE mv (
  id int, posted_on date NOT NULL, item text NOT NULL, lot text, serial text,
  qty numeric NOT NULL, wh text NOT NULL, reason text NOT NULL, account text, note text,
  PRIMARY KEY (id, posted_on)
) PARTITION BY RANGE (posted_on);
CREATE TABLE mv_01 PARTITION OF mv FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
-- another column order: columns are found by name
CREATE TABLE mv_02 (note text, reason text NOT NULL, wh text NOT NULL, qty numeric NOT NULL,
  serial text, lot text, item text NOT NULL, posted_on date NOT NULL, id int NOT NULL, account text);
ALTER TABLE mv ATTACH PARTITION mv_02 FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE mv_default PARTITION OF mv DEFAULT;
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', account => 'account', moved_on => 'posted_on');
-- in the default partition (March has no partition yet): a new_lot_only
-- receipt whose goods were partly shipped from February, a shipment of a
-- lot blocked since, serial receipts (one shipped since)
INSERT INTO mv VALUES
  (1, '2026-03-02', 'MILK',  'M1', NULL, 50, 'W1', 'NEW',  'SUP1', NULL),
  (2, '2026-02-10', 'MILK',  'M1', NULL, 30, 'W1', 'SHIP', NULL,   NULL),
  (3, '2026-01-05', 'MILK',  'M2', NULL, 20, 'W1', 'RCV',  NULL,   NULL),
  (4, '2026-03-03', 'MILK',  'M2', NULL,  5, 'W1', 'SHIP', NULL,   NULL),
  (5, '2026-03-04', 'SCALE', NULL, 'S1',  1, 'W1', 'RCV',  NULL,   NULL),
  (6, '2026-02-11', 'SCALE', NULL, 'S1',  1, 'W1', 'SHIP', NULL,   NULL),
  (7, '2026-03-04', 'SCALE', NULL, 'S2',  1, 'W1', 'RCV',  NULL,   NULL);
SELECT lottrace.set_lot_status('MILK', 'M2', 'BLOCKED');
CREATE VIEW registers AS
  SELECT 'lot' AS kind, item || '/' || lot AS what, format('%s/%s %s', loaded_qty, on_hand, status) AS state
    FROM lottrace.lot_register
  UNION ALL
  SELECT 'serial', item || '/' || serial, format('%s %s', state, coalesce(warehouse, '-'))
    FROM lottrace.serial_register
  ORDER BY 1, 2;
CREATE TEMP TABLE before AS SELECT * FROM registers;
SELECT * FROM registers;
-- alone, each DELETE is refused (in autocommit its COMMIT is the statement's end)
DELETE FROM mv_default WHERE id = 1;
DELETE FROM mv_default WHERE id = 5;

-- 1. the move: DELETE into a temporary table, create the partition, INSERT
BEGIN;
CREATE TEMP TABLE moving ON COMMIT DROP AS
  WITH d AS (DELETE FROM mv_default WHERE posted_on >= '2026-03-01' AND posted_on < '2026-04-01' RETURNING *)
  SELECT * FROM d;
SELECT * FROM registers;                 -- the deletion's effect is applied at once
CREATE TABLE mv_03 PARTITION OF mv FOR VALUES FROM ('2026-03-01') TO ('2026-04-01');
INSERT INTO mv_03 SELECT * FROM moving;  -- judged as the same rows: no new_lot_only, no blocked lot
COMMIT;
SELECT (SELECT count(*) FROM mv_03) AS moved, (SELECT count(*) FROM mv_default) AS left_in_default;
SELECT * FROM registers EXCEPT SELECT * FROM before;   -- unchanged
SELECT * FROM lottrace.verify();
SELECT count(*) AS queued_checks FROM lottrace.move_check;

-- through the root, one row at a time, shipments back first: the stock
-- is negative in between; rows coming back are judged at commit
BEGIN;
DELETE FROM mv WHERE id IN (1, 2, 4);
INSERT INTO mv SELECT 4, '2026-03-03', 'MILK', 'M2', NULL, 5, 'W1', 'SHIP', NULL, NULL;
INSERT INTO mv SELECT 2, '2026-02-10', 'MILK', 'M1', NULL, 30, 'W1', 'SHIP', NULL, NULL;
SELECT * FROM registers WHERE what = 'MILK/M1';
INSERT INTO mv SELECT 1, '2026-03-02', 'MILK', 'M1', NULL, 50, 'W1', 'NEW', 'SUP1', 'moved back';
COMMIT;
SELECT * FROM registers EXCEPT SELECT * FROM before;

-- 2. a DELETE not followed by its INSERT: refused at COMMIT, naming the row
BEGIN;
DELETE FROM mv WHERE id = 1;
COMMIT;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM mv WHERE id = 1;
-- the same through SET CONSTRAINTS ALL IMMEDIATE: the constraint name
SELECT * FROM pg_temp.err($q$DO $d$ BEGIN DELETE FROM mv WHERE id = 1; SET CONSTRAINTS ALL IMMEDIATE; END $d$$q$);
-- a serial receipt whose serial was shipped
BEGIN;
DELETE FROM mv WHERE id = 5;
SELECT * FROM registers WHERE what = 'SCALE/S1';
COMMIT;
\echo :LAST_ERROR_SQLSTATE
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $q$DO $d$ BEGIN DELETE FROM mv WHERE id = 5; SET CONSTRAINTS ALL IMMEDIATE; END $d$$q$);
-- a deletion that harms nothing needs no partner
BEGIN;
DELETE FROM mv WHERE id = 7;
COMMIT;
SELECT * FROM registers WHERE what = 'SCALE/S2';
INSERT INTO mv VALUES (7, '2026-03-04', 'SCALE', NULL, 'S2',  1, 'W1', 'RCV', NULL, NULL);

-- 3. savepoints
BEGIN;                                   -- the INSERT is rolled back: the DELETE waits alone
DELETE FROM mv WHERE id = 1;
SAVEPOINT a;
INSERT INTO mv VALUES (1, '2026-03-02', 'MILK', 'M1', NULL, 50, 'W1', 'NEW', 'SUP1', NULL);
ROLLBACK TO a;
COMMIT;
\echo :LAST_ERROR_SQLSTATE
BEGIN;                                   -- the DELETE is rolled back: nothing waits
SAVEPOINT a;
DELETE FROM mv WHERE id = 1;
ROLLBACK TO a;
COMMIT;
BEGIN;                                   -- both in a released savepoint
SAVEPOINT a;
DELETE FROM mv WHERE id IN (1, 5);
INSERT INTO mv VALUES (1, '2026-03-02', 'MILK', 'M1', NULL, 50, 'W1', 'NEW', 'SUP1', NULL),
                      (5, '2026-03-04', 'SCALE', NULL, 'S1', 1, 'W1', 'RCV', NULL, NULL);
RELEASE a;
COMMIT;
BEGIN;                                   -- deleted outside, re-inserted in a rolled-back savepoint, then for good
DELETE FROM mv WHERE id = 5;
SAVEPOINT a;
INSERT INTO mv VALUES (5, '2026-03-04', 'SCALE', NULL, 'S1', 1, 'W1', 'RCV', NULL, NULL);
ROLLBACK TO a;
INSERT INTO mv VALUES (5, '2026-03-04', 'SCALE', NULL, 'S1', 1, 'W1', 'RCV', NULL, NULL);
COMMIT;
SELECT * FROM registers EXCEPT SELECT * FROM before;

-- 4. a changed row is a new movement, judged as one
BEGIN;
DELETE FROM mv WHERE id = 1;
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO mv VALUES (1, '2026-03-02', 'MILK', 'M1', NULL, 51, 'W1', 'NEW', 'SUP1', NULL)$$);
ROLLBACK;
BEGIN;
DELETE FROM mv WHERE id = 4;
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO mv VALUES (4, '2026-03-03', 'MILK', 'M2', NULL, 5, 'W2', 'SHIP', NULL, NULL)$$);
-- another key is another row
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO mv VALUES (40, '2026-03-03', 'MILK', 'M2', NULL, 5, 'W1', 'SHIP', NULL, NULL)$$);
-- a column lottrace does not map may change
INSERT INTO mv VALUES (4, '2026-03-03', 'MILK', 'M2', NULL, 5, 'W1', 'SHIP', NULL, 'a note');
COMMIT;
SELECT * FROM registers EXCEPT SELECT * FROM before;

-- 5. an UPDATE that moves a row to another partition is one statement
-- (PostgreSQL's DELETE and INSERT, under the UPDATE trigger): the old row
-- is reversed and the new one judged, as for any changed mapped column
UPDATE mv SET posted_on = '2026-01-20' WHERE id = 2;
SELECT tableoid::regclass, id FROM mv WHERE id = 2;
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET posted_on = '2026-02-20' WHERE id = 4$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE mv SET posted_on = '2026-01-02' WHERE id = 1$$);
UPDATE mv SET note = 'unmapped', id = id WHERE id = 1;
SELECT * FROM registers EXCEPT SELECT * FROM before;
SELECT * FROM lottrace.verify();

-- 6. a table without partitions: refused at the statement, as before
CREATE TABLE plain (id int PRIMARY KEY, item text, lot text, qty numeric, wh text, reason text);
SELECT lottrace.attach('plain', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
INSERT INTO plain VALUES (1, 'MILK', 'P1', 10, 'W1', 'RCV'), (2, 'MILK', 'P1', 4, 'W1', 'SHIP');
BEGIN;
SELECT sqlstate, constraint_name FROM pg_temp.err($$DELETE FROM plain WHERE id = 1$$);
ROLLBACK;
SELECT count(*) AS queued_checks FROM lottrace.move_check;
SELECT * FROM lottrace.verify();

SELECT lottrace.detach('plain');
SELECT lottrace.detach('mv');
DROP TABLE plain;
DROP VIEW registers;
DROP TABLE mv;
DROP EXTENSION lottrace;
