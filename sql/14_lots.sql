-- The lot register: what a new lot gets from its first load, generated lot
-- codes, which columns users may edit, deleting lots, set_lot_status and
-- the status log, and configuration changes seen by the next statement.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

-- the ERP table: one row per lot movement
CREATE TABLE lt_moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  variant  text,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL,
  account  text,
  expiry   date,
  suplot   text
);
SELECT lottrace.attach('lt_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       variant => 'variant', account => 'account', expiry => 'expiry',
                       supplier_lot => 'suplot');

INSERT INTO lottrace.reason (code, direction, allow_unavailable) VALUES
  ('IN', 'load', false), ('OUT', 'unload', false), ('SCRAP', 'unload', true);
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('LOT-STD', 'lot', '{ITEM}-{YY}{MM}-{SEQ:3|ITEM,YYYY}'),
  ('SUPLOT',  'lot', '{SUPLOT}'),
  ('BYDOC',   'lot', '{DOC}/{SEQ:2}'),
  ('BYSUP',   'lot', '{SUPPLIER}.{SEQ:3}');
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, expiry_rule, initial_status) VALUES
  ('MILK',  true, 10,   'exact',       NULL),
  ('FLOUR', true, 45,   'month_end',   'QUARANTINE'),
  ('SUGAR', true, 45,   'month_start', NULL),
  ('SALT',  true, NULL, 'exact',       NULL);
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES
  ('GEN', true, 'LOT-STD'), ('SUP', true, 'SUPLOT'), ('DOCI', true, 'BYDOC'), ('ACCI', true, 'BYSUP');
INSERT INTO lottrace.item (item, lot_tracked, expiry_editable) VALUES ('LOCKED', true, false);
INSERT INTO lottrace.lot_type (code) VALUES ('BULK');
INSERT INTO lottrace.lot_evaluation (code) VALUES ('A');

-- the register's attributes, without surrogate key and today's date
CREATE TEMP VIEW lr AS
  SELECT item, variant, lot, code_type, supplier, supplier_lot, start_date, expiry_date,
         initial_qty, status, loaded_qty, on_hand
    FROM lottrace.lot_register;

------------------------------------------------------------------------------
-- A new lot's attributes come from its first load
------------------------------------------------------------------------------

-- start date = moved_on; expiry = start + validity days, rounded by the
-- item's rule (exact / month_end / month_start), or none; status = the
-- item's initial_status, else lottrace.default_status; supplier = account;
-- supplier lot and initial quantity of that load
INSERT INTO lt_moves (item, qty, wh, lot, reason, doc, moved_on, account, suplot) VALUES
  ('MILK',  10, 'W1', 'M1', 'IN', 'RCV-1', '2026-01-20', 'DAIRY', 'D-77'),
  ('FLOUR', 20, 'W1', 'F1', 'IN', 'RCV-1', '2026-01-20', 'MILL',  'ML-1'),
  ('SUGAR', 30, 'W1', 'S1', 'IN', 'RCV-1', '2026-01-20', 'CANE',  NULL),
  ('SALT',  40, 'W1', 'T1', 'IN', 'RCV-1', '2026-01-20', NULL,    NULL);
SELECT * FROM lr ORDER BY item, lot;

-- an expiry given by the load wins over the computed one
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on, expiry)
  VALUES ('MILK', 5, 'W1', 'M2', 'IN', '2026-01-20', '2026-01-25'),
         ('SALT', 5, 'W1', 'T2', 'IN', '2026-01-20', '2031-05-05');
SELECT item, lot, start_date, expiry_date FROM lr WHERE lot IN ('M2', 'T2') ORDER BY item;

-- month_end across a year end and in a leap February; month_start
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES
  ('FLOUR', 1, 'W1', 'F-DEC', 'IN', '2026-11-20'),
  ('FLOUR', 1, 'W1', 'F-LEAP', 'IN', '2028-01-10'),
  ('SUGAR', 1, 'W1', 'S-DEC', 'IN', '2026-11-20');
SELECT item, lot, start_date, expiry_date FROM lr WHERE lot IN ('F-DEC', 'F-LEAP', 'S-DEC') ORDER BY lot;

-- later loads add stock but do not change the lot's attributes
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on, account, suplot, expiry)
  VALUES ('MILK', 7, 'W2', 'M1', 'IN', '2026-01-22', 'OTHERDAIRY', 'X-1', '2027-01-01');
SELECT * FROM lr WHERE lot = 'M1';

-- two loads creating one lot in one statement: the first row creates it
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on, account) VALUES
  ('SALT', 3, 'W1', 'T3', 'IN', '2026-02-01', 'FIRST'),
  ('SALT', 4, 'W2', 'T3', 'IN', '2026-02-01', 'SECOND');
SELECT * FROM lr WHERE lot = 'T3';

-- the same code in two variants makes two lots
INSERT INTO lt_moves (item, variant, qty, wh, lot, reason, moved_on) VALUES
  ('SALT', 'FINE', 2, 'W1', 'T9', 'IN', '2026-02-01'),
  ('SALT', 'COARSE', 3, 'W1', 'T9', 'IN', '2026-02-01'),
  ('SALT', NULL, 4, 'W1', 'T9', 'IN', '2026-02-01');
SELECT item, variant, lot, initial_qty, on_hand FROM lr WHERE lot = 'T9' ORDER BY variant NULLS FIRST;

-- lottrace.default_status gives the status of items without initial_status
SET lottrace.default_status = 'QUARANTINE';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES
  ('SALT', 1, 'W1', 'T-Q', 'IN', '2026-02-02'), ('FLOUR', 1, 'W1', 'F-Q', 'IN', '2026-02-02');
SELECT item, lot, status FROM lr WHERE lot IN ('T-Q', 'F-Q') ORDER BY lot;

-- a default status that is not in lottrace.lot_status: the load is refused
SET lottrace.default_status = 'NO-SUCH-STATUS';
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('SALT', 1, 'W1', 'T-X', 'IN', '2026-02-02')$$);
RESET lottrace.default_status;

-- a lot's creation is not a status change: nothing logged yet
SELECT count(*) AS log_rows FROM lottrace.lot_status_log;

------------------------------------------------------------------------------
-- Generated lot codes
------------------------------------------------------------------------------

-- GEN-2601-002 is typed by hand (it matches the code type)
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
  VALUES ('GEN', 1, 'W1', 'GEN-2601-002', 'IN', '2026-01-15');

-- loads without a lot code get one from the item's code type, written into
-- the row: RETURNING shows it; GEN-2601-002 is skipped
INSERT INTO lt_moves (item, qty, wh, reason, moved_on) VALUES
  ('GEN', 1, 'W1', 'IN', '2026-01-15'),
  ('GEN', 2, 'W1', 'IN', '2026-01-16'),
  ('GEN', 3, 'W1', 'IN', '2026-02-01')
RETURNING item, lot, qty;

-- the generated lots are in the register, with their code type
SELECT lot, code_type, start_date, initial_qty FROM lr WHERE item = 'GEN' ORDER BY lot;

-- COPY gets codes generated the same way
COPY lt_moves (item, qty, wh, reason, moved_on) FROM stdin;
GEN	4	W1	IN	2026-02-10
GEN	5	W2	IN	2026-02-11
\.
SELECT lot, qty, moved_on FROM lt_moves WHERE item = 'GEN' AND qty IN (4, 5) ORDER BY id;
SELECT lot, initial_qty, on_hand FROM lr WHERE lot IN ('GEN-2602-005', 'GEN-2602-006') ORDER BY lot;

-- an ERP table that writes '' (or blanks, in char(n)) for "no lot": its
-- loads get a generated code as well
CREATE TABLE lt_blank (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL,
                       wh text NOT NULL, lot char(14) NOT NULL DEFAULT '', reason text NOT NULL,
                       moved_on date NOT NULL);
SELECT lottrace.attach('lt_blank', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'moved_on');
INSERT INTO lt_blank (item, qty, wh, reason, moved_on) VALUES ('GEN', 1, 'W1', 'IN', '2026-02-12')
RETURNING rtrim(lot) AS lot;
INSERT INTO lt_blank (item, qty, wh, lot, reason, moved_on) VALUES ('GEN', 1, 'W1', '  ', 'IN', '2026-02-12')
RETURNING rtrim(lot) AS lot;

-- a generated code goes into the row through the column's type, like one
-- the ERP writes: too long for a varchar(8) (22001), refused by a domain's
-- CHECK (23514); nothing is written and no counter value is used
CREATE DOMAIN x_lot AS varchar(30) CHECK (VALUE LIKE 'X%');
CREATE TABLE lt_short (id serial PRIMARY KEY, item text, qty numeric, wh text, lot varchar(8),
                       reason text, moved_on date);
CREATE TABLE lt_dom (id serial PRIMARY KEY, item text, qty numeric, wh text, lot x_lot,
                     reason text, moved_on date);
SELECT lottrace.attach('lt_short', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'moved_on');
SELECT lottrace.attach('lt_dom', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'moved_on');
SELECT sum(last_value) AS counter_before FROM lottrace.code_counter WHERE code_type = 'LOT-STD' \gset
SELECT sqlstate, message
  FROM pg_temp.err($$INSERT INTO lt_short (item, qty, wh, reason, moved_on)
                     VALUES ('GEN', 1, 'W1', 'IN', '2026-02-12')$$);
SELECT sqlstate, message
  FROM pg_temp.err($$INSERT INTO lt_dom (item, qty, wh, reason, moved_on)
                     VALUES ('GEN', 1, 'W1', 'IN', '2026-02-12')$$);
SELECT sum(last_value) = :counter_before AS counter_unchanged
  FROM lottrace.code_counter WHERE code_type = 'LOT-STD';
SELECT count(*) AS rows_written FROM lt_short;
SELECT lottrace.detach('lt_short');
SELECT lottrace.detach('lt_dom');
DROP TABLE lt_short, lt_dom;
DROP DOMAIN x_lot;

-- a hand-typed code must match the code type (23514, lottrace_code_format)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('GEN', 1, 'W1', 'WRONG-1', 'IN', '2026-01-15')$$);

-- a lot registered by hand does not escape the check: whether its
-- registration or its first load is refused, the load does not go through
SELECT count(*) AS tried FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code) VALUES ('GEN', 'WRONG-2')$$);
SELECT sqlstate <> 'no error' AS refused
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('GEN', 1, 'W1', 'WRONG-2', 'IN', '2026-01-15')$$);

-- an existing lot can be loaded again by naming it
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
  VALUES ('GEN', 5, 'W1', 'GEN-2601-001', 'IN', '2026-03-01');
SELECT lot, loaded_qty FROM lr WHERE lot = 'GEN-2601-001';

-- unloads are never generated: an unload without a lot needs one
SELECT sqlstate, constraint_name, hint
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, reason, moved_on)
                     VALUES ('GEN', 1, 'W1', 'OUT', '2026-03-01')$$);

-- a {SUPLOT} code type takes the supplier's lot code as the lot code
INSERT INTO lt_moves (item, qty, wh, reason, moved_on, suplot, account)
  VALUES ('SUP', 4, 'W1', 'IN', '2026-03-01', 'V-4711', 'VENDOR') RETURNING lot;
-- ... a second delivery of the same supplier lot adds to it
INSERT INTO lt_moves (item, qty, wh, reason, moved_on, suplot, account)
  VALUES ('SUP', 6, 'W1', 'IN', '2026-03-02', 'V-4711', 'VENDOR') RETURNING lot;
SELECT lot, supplier, supplier_lot, initial_qty, loaded_qty FROM lr WHERE item = 'SUP';

-- ... and a load without a supplier lot cannot get a code: 23502,
-- lottrace_lot_required, the detail names the missing value
SELECT sqlstate, constraint_name, detail
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, reason, moved_on)
                     VALUES ('SUP', 1, 'W1', 'IN', '2026-03-01')$$);

-- a code type built from the document: a load without one cannot get a code
SELECT sqlstate, constraint_name, detail
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, reason, moved_on)
                     VALUES ('DOCI', 1, 'W1', 'IN', '2026-03-01')$$);
-- ... with documents the counter runs per document
INSERT INTO lt_moves (item, qty, wh, reason, moved_on, doc) VALUES
  ('DOCI', 1, 'W1', 'IN', '2026-03-01', 'PO-7'), ('DOCI', 1, 'W1', 'IN', '2026-03-01', 'PO-7'),
  ('DOCI', 1, 'W1', 'IN', '2026-03-01', 'PO-8')
RETURNING doc, lot;

-- a code type built from the supplier takes the row's account
INSERT INTO lt_moves (item, qty, wh, reason, moved_on, account)
  VALUES ('ACCI', 1, 'W1', 'IN', '2026-03-01', 'ACME') RETURNING lot;
SELECT lot, supplier FROM lr WHERE item = 'ACCI';

-- a generated code that would not be a valid lot code (a blank in the
-- document): 22P02, lottrace_code_syntax
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, reason, moved_on, doc)
                     VALUES ('DOCI', 1, 'W1', 'IN', '2026-03-01', 'PO 9')$$);

-- an item without a code type: loads must name the lot
SELECT sqlstate, constraint_name, hint
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, reason, moved_on)
                     VALUES ('SALT', 1, 'W1', 'IN', '2026-03-01')$$);

-- the failed generations consumed no counter value
SELECT code_type, root, last_value FROM lottrace.code_counter ORDER BY code_type, root;

------------------------------------------------------------------------------
-- What users may edit in lottrace.lot
------------------------------------------------------------------------------

-- status, notes, supplier fields, evaluation, saleable, force_closed,
-- packages, lot_type and (item allowing it) expiry_date are editable
UPDATE lottrace.lot
   SET notes = 'sample kept', supplier = 'DAIRY2', supplier_lot = 'D-78', manufacturer = 'FARM',
       evaluation = 'A', saleable = false, force_closed = true, packages = 12, lot_type = 'BULK',
       expiry_date = '2026-02-15'
 WHERE item = 'MILK' AND code = 'M1';
SELECT lot, notes, supplier, supplier_lot, manufacturer, evaluation, saleable, force_closed,
       packages, lot_type, expiry_date
  FROM lottrace.lot_register WHERE item = 'MILK' AND lot = 'M1';

-- item, variant, code, initial_qty, stock and lot_id are not: 23514,
-- lottrace_lot_immutable
SELECT col, e.sqlstate, e.constraint_name
  FROM unnest(ARRAY['item', 'variant', 'code', 'initial_qty', 'stock', 'lot_id']) AS col,
       LATERAL pg_temp.err(format(
         'UPDATE lottrace.lot SET %I = %s WHERE item = %L AND code = %L', col,
         CASE col WHEN 'initial_qty' THEN '999'
                  WHEN 'stock' THEN '''{}'''
                  WHEN 'lot_id' THEN '424242'
                  ELSE '''changed''' END,
         'MILK', 'M1')) AS e
 ORDER BY col;

-- the message names the column
SELECT message FROM pg_temp.err($$UPDATE lottrace.lot SET initial_qty = 1 WHERE item = 'MILK' AND code = 'M1'$$);

-- the expiry date of an item without expiry_editable is locked: 23514,
-- lottrace_expiry_locked
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on, expiry)
  VALUES ('LOCKED', 5, 'W1', 'K1', 'IN', '2026-01-20', '2027-01-01');
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$UPDATE lottrace.lot SET expiry_date = '2028-01-01' WHERE item = 'LOCKED'$$);
-- ... other columns of such a lot stay editable
UPDATE lottrace.lot SET notes = 'locked expiry', expiry_date = expiry_date WHERE item = 'LOCKED';
SELECT lot, notes, expiry_date FROM lottrace.lot_register WHERE item = 'LOCKED';

-- references are checked: a status, lot type or evaluation that does not exist
SELECT e.sqlstate, e.constraint_name
  FROM (VALUES (1, $$UPDATE lottrace.lot SET status = 'NOPE' WHERE item = 'MILK' AND code = 'M1'$$),
               (2, $$UPDATE lottrace.lot SET lot_type = 'NOPE' WHERE item = 'MILK' AND code = 'M1'$$),
               (3, $$UPDATE lottrace.lot SET evaluation = 'NOPE' WHERE item = 'MILK' AND code = 'M1'$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;

------------------------------------------------------------------------------
-- Deleting lots
------------------------------------------------------------------------------

-- a lot with stock cannot be deleted (lottrace_lot_in_use)
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM lottrace.lot WHERE item = 'SALT' AND code = 'T1'$$);

-- nor one whose stock was shipped: its movements still reference it
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('SALT', 40, 'W1', 'T1', 'OUT', '2026-02-01');
SELECT lot, loaded_qty, on_hand FROM lr WHERE lot = 'T1';
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM lottrace.lot WHERE item = 'SALT' AND code = 'T1'$$);

-- a lot registered by hand (before its first load) has no stock and may be deleted
INSERT INTO lottrace.lot (item, code, notes) VALUES ('SALT', 'T-HAND', 'announced');
SELECT lot, status, on_hand FROM lr WHERE lot = 'T-HAND';
DELETE FROM lottrace.lot WHERE item = 'SALT' AND code = 'T-HAND';

-- a lot cannot be registered with stock
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lottrace.lot (item, code, stock) VALUES ('SALT', 'T-STOCK', '{"W1": [5, 5]}')$$);

-- a lot whose movements are all gone may be deleted
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('SALT', 2, 'W1', 'T-GONE', 'IN', '2026-02-01');
DELETE FROM lt_moves WHERE lot = 'T-GONE';
DELETE FROM lottrace.lot WHERE item = 'SALT' AND code = 'T-GONE';
SELECT count(*) AS t_gone FROM lottrace.lot WHERE code = 'T-GONE';

------------------------------------------------------------------------------
-- set_lot_status and the status log
------------------------------------------------------------------------------

-- F1 (QUARANTINE) is released with a note
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'AVAILABLE', 'lab report 17');
SELECT lot, status FROM lr WHERE lot = 'F1';

-- setting the status it already has logs nothing
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'AVAILABLE', 'again');

-- the variant argument picks the lot
SELECT lottrace.set_lot_status('SALT', 'T9', 'BLOCKED', 'fine salt wet', 'FINE');
SELECT variant, status FROM lr WHERE lot = 'T9' ORDER BY variant NULLS FIRST;

-- an unknown lot: 23503, lottrace_lot_unknown
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT lottrace.set_lot_status('FLOUR', 'NO-LOT', 'BLOCKED')$$);
-- ... also a known lot under another variant
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$SELECT lottrace.set_lot_status('SALT', 'T9', 'BLOCKED', NULL, 'NO-VARIANT')$$);

-- an unknown status: lottrace_lot_status
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$SELECT lottrace.set_lot_status('FLOUR', 'F1', 'NO-STATUS')$$);

-- set_lot_status leaves the setting lottrace.status_note as it was
SET lottrace.status_note = 'session note';
SELECT lottrace.set_lot_status('FLOUR', 'F1', 'BLOCKED', 'mould');
SHOW lottrace.status_note;

-- a plain UPDATE of the status is logged with lottrace.status_note ...
BEGIN;
SET LOCAL lottrace.status_note = 'released after recount';
UPDATE lottrace.lot SET status = 'AVAILABLE' WHERE item = 'FLOUR' AND code = 'F1';
-- ... at the transaction's start time
SELECT count(*) AS logged_now FROM lottrace.lot_status_log WHERE changed_at = now();
COMMIT;
RESET lottrace.status_note;

-- ... or without a note; an UPDATE of several lots logs each
UPDATE lottrace.lot SET status = 'BLOCKED' WHERE item = 'MILK';

-- the log: old and new status, who, why
SELECT l.item, l.code AS lot, g.old_status, g.new_status, g.changed_by, g.note
  FROM lottrace.lot_status_log g JOIN lottrace.lot l USING (lot_id)
 ORDER BY g.log_id;

-- a blocked lot cannot be unloaded; a reason allowing unavailable lots can
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('MILK', 1, 'W1', 'M2', 'OUT', '2026-01-21')$$);
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('MILK', 1, 'W1', 'M2', 'SCRAP', '2026-01-21');

------------------------------------------------------------------------------
-- Configuration changes reach the next statement (cache invalidation)
------------------------------------------------------------------------------

-- CONF: a plain lot-tracked item; its first lot is AVAILABLE
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('CONF', true);
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 10, 'W1', 'C1', 'IN', '2026-01-01');

-- after the item gets an initial status, the next new lot has it
UPDATE lottrace.item SET initial_status = 'QUARANTINE' WHERE item = 'CONF';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 10, 'W1', 'C2', 'IN', '2026-01-01');
SELECT lot, status FROM lr WHERE item = 'CONF' ORDER BY lot;

-- C1 expires on 2026-02-01; an unload dated 2026-01-20 passes with block_days 0 ...
UPDATE lottrace.lot SET expiry_date = '2026-02-01' WHERE item = 'CONF' AND code = 'C1';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C1', 'OUT', '2026-01-20');
-- ... and is refused once block_days is 15 (blocked from 2026-01-17)
UPDATE lottrace.item SET block_days = 15 WHERE item = 'CONF';
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('CONF', 1, 'W1', 'C1', 'OUT', '2026-01-20')$$);
-- ... the day before the block date still passes
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C1', 'OUT', '2026-01-16');

-- a change inside a transaction is seen by its next statement ...
BEGIN;
UPDATE lottrace.item SET initial_status = 'BLOCKED' WHERE item = 'CONF';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C3', 'IN', '2026-01-01');
SELECT lot, status FROM lr WHERE lot = 'C3';
ROLLBACK;
-- ... and forgotten after ROLLBACK
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C4', 'IN', '2026-01-01');
SELECT lot, status FROM lr WHERE item = 'CONF' ORDER BY lot;

-- ... and after ROLLBACK TO SAVEPOINT
BEGIN;
SAVEPOINT s;
UPDATE lottrace.item SET initial_status = 'BLOCKED' WHERE item = 'CONF';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C5', 'IN', '2026-01-01');
ROLLBACK TO SAVEPOINT s;
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C6', 'IN', '2026-01-01');
COMMIT;
SELECT lot, status FROM lr WHERE item = 'CONF' ORDER BY lot;

-- a status made available lets the next unload through
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('CONF', 1, 'W1', 'C2', 'OUT', '2026-01-02')$$);
UPDATE lottrace.lot_status SET available = true WHERE code = 'QUARANTINE';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C2', 'OUT', '2026-01-02');
UPDATE lottrace.lot_status SET available = false WHERE code = 'QUARANTINE';

-- a reason changed to allow unavailable lots
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on)
                     VALUES ('CONF', 1, 'W1', 'C2', 'OUT', '2026-01-02')$$);
UPDATE lottrace.reason SET allow_unavailable = true WHERE code = 'OUT';
INSERT INTO lt_moves (item, qty, wh, lot, reason, moved_on) VALUES ('CONF', 1, 'W1', 'C2', 'OUT', '2026-01-02');
UPDATE lottrace.reason SET allow_unavailable = false WHERE code = 'OUT';

-- a code type's new format is used by the next generated code
UPDATE lottrace.code_type SET format = 'G{SEQ:4|}' WHERE code = 'LOT-STD';
INSERT INTO lt_moves (item, qty, wh, reason, moved_on) VALUES ('GEN', 1, 'W1', 'IN', '2026-04-01') RETURNING lot;

-- an item that stops being tracked is no longer governed: a load without a lot passes
UPDATE lottrace.item SET lot_tracked = false WHERE item = 'CONF';
INSERT INTO lt_moves (item, qty, wh, reason, moved_on) VALUES ('CONF', 1, 'W1', 'IN', '2026-04-01');

-- tracked again, verify reports that row (it names no lot)
UPDATE lottrace.item SET lot_tracked = true WHERE item = 'CONF';
SELECT problem FROM lottrace.verify();

-- deleting that row reverses nothing and is allowed
DELETE FROM lt_moves WHERE item = 'CONF' AND lot IS NULL;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- DROP and CREATE EXTENSION in one session
------------------------------------------------------------------------------

-- the session's cached lottrace objects are looked up again
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
RESET client_min_messages;
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('AGAIN', true);
CREATE TABLE lt_again (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text);
SELECT lottrace.attach('lt_again', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
INSERT INTO lt_again (item, qty, wh, lot, reason) VALUES ('AGAIN', 3, 'W1', 'A1', 'IN');
SELECT item, lot, on_hand FROM lottrace.lot_register;

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE lt_moves, lt_again, lt_blank;
