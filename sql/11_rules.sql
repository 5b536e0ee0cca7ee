-- The rules of API.md §3 on governed rows: every rule's SQLSTATE and
-- CONSTRAINT_NAME, its message (naming item, lot/serial and warehouse) and
-- detail (naming the row by its primary key); ungoverned rows; and
-- statements that fail as a whole.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- pg_temp.rule(stmt, item, code, warehouse, key): run a statement that must
-- break a rule; returns its SQLSTATE and constraint name, whether the
-- message names the item, the lot or serial code (when given) and the
-- warehouse (each in double quotes), and whether the detail names the
-- row's primary key.  (The full message is shown once per rule, by running
-- the statement plainly.)
CREATE FUNCTION pg_temp.rule(stmt text, item text, code text, wh text, key text)
RETURNS TABLE (sqlstate text, constraint_name text, names_all boolean, names_row boolean)
LANGUAGE sql AS $$
  SELECT e.sqlstate, e.constraint_name,
         e.message LIKE '%"' || item || '"%'
           AND (code IS NULL OR e.message LIKE '%"' || code || '"%')
           AND e.message LIKE '%"' || wh || '"%',
         e.detail LIKE '%' || key || '%'
    FROM pg_temp.err(stmt) e
$$;

-- ========================================================= configuration

-- Code types: lots of FMT are {ITEM}-{SEQ:3}; CTX's use the item's class,
-- category, item type and the row's variant; SERF's serials are SN{SEQ:4}.
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('ITEMSEQ', 'lot', '{ITEM}-{SEQ:3}'),
  ('CTXFMT', 'lot', '{CLASS}{CATEGORY}-{ITEMTYPE}-{VARIANT}-{SEQ:2}'),
  ('SNFMT', 'serial', 'SN{SEQ:4}'),
  ('DOCFMT', 'lot', '{DOC}-{SEQ:2}');
-- Items: which tracking, code types, context values, block days, single supplier.
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, lot_code_type, serial_code_type,
                           item_class, category, item_type, block_days, single_supplier) VALUES
  ('LOT',  true,  false, NULL,      NULL,    NULL, NULL, NULL,  0, false),
  ('SER',  false, true,  NULL,      NULL,    NULL, NULL, NULL,  0, false),
  ('SERF', false, true,  NULL,      'SNFMT', NULL, NULL, NULL,  0, false),
  ('FMT',  true,  false, 'ITEMSEQ', NULL,    NULL, NULL, NULL,  0, false),
  ('CTX',  true,  false, 'CTXFMT',  NULL,    'FR', 'C1', 'RAW', 0, false),
  ('DOCL', true,  false, 'DOCFMT',  NULL,    NULL, NULL, NULL,  0, false),
  ('EXP',  true,  false, NULL,      NULL,    NULL, NULL, NULL,  5, false),
  ('EXP0', true,  false, NULL,      NULL,    NULL, NULL, NULL,  0, false),
  ('SUP',  true,  false, NULL,      NULL,    NULL, NULL, NULL,  0, true),
  ('NAIL', false, false, NULL,      NULL,    NULL, NULL, NULL,  0, false);
-- Reasons and their flags.
INSERT INTO lottrace.reason (code, direction, new_lot_only, allow_unavailable, requires_doc, requires_account) VALUES
  ('IN',    'load',   false, false, false, false),
  ('OUT',   'unload', false, false, false, false),
  ('SCRAP', 'unload', false, true,  false, false),
  ('NEW',   'load',   true,  false, false, false),
  ('SHIP',  'unload', false, false, true,  true),
  ('RECV',  'load',   false, false, false, true);
-- W1 is listed without allow_negative, NEG with it; W2 is not listed.
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('W1', false), ('NEG', true);
-- A user status that is available.
INSERT INTO lottrace.lot_status (code, available) VALUES ('RELEASED', true);

-- The ERP table, reason mode (quantities positive, the reason gives the
-- direction), and a second one in signed mode.
CREATE TABLE moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, serial text,
                    reason text, doc text, acct text, moved date, exp date, var text);
-- Attach it with every column the rules read.
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', account => 'acct',
                       moved_on => 'moved', expiry => 'exp', variant => 'var');
-- The signed-mode table.
CREATE TABLE signed_moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, serial text);
-- Attach it.
SELECT lottrace.attach('signed_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial');

-- Stock to work on: lot L1 of LOT (10 in W1), serials S1 / S2 of SER in W1.
INSERT INTO moves (id, item, qty, wh, lot, serial, reason, moved) VALUES
  (1, 'LOT', 10, 'W1', 'L1', NULL, 'IN', '2024-01-10'),
  (2, 'SER', 1, 'W1', NULL, 'S1', 'IN', '2024-01-10'),
  (3, 'SER', 1, 'W1', NULL, 'S2', 'IN', '2024-01-10');

-- ======================================================== lottrace_reason

-- A reason not in lottrace.reason (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (100, 'LOT', 1, 'W1', 'L1', 'GIFT');
-- 23503 lottrace_reason; also for a row without reason.
SELECT * FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (100, 'LOT', 1, 'W1', 'L1', 'GIFT')$$,
                           'LOT', 'L1', 'W1', '(id)=(100)');
-- A row without reason.
SELECT * FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (100, 'LOT', 1, 'W1', 'L1', NULL)$$,
                           'LOT', 'L1', 'W1', '(id)=(100)');
-- Reason codes are case-sensitive.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (100, 'LOT', 1, 'W1', 'L1', 'in')$$);

-- =========================================================== lottrace_qty

-- With a reason column: qty 0 (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (101, 'LOT', 0, 'W1', 'L1', 'IN');
-- qty 0, negative, NULL and NaN with a reason column: 23514 lottrace_qty.
SELECT q.qty, r.*
  FROM (VALUES ('0'), ('-1'), ('-0.001'), ('NULL'), ($$'NaN'$$)) q(qty),
       LATERAL pg_temp.rule(format($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (101, 'LOT', %s, 'W1', 'L1', 'OUT')$$, q.qty),
                            'LOT', 'L1', 'W1', '(id)=(101)') r
 ORDER BY q.qty;
-- Signed mode: qty 0, NULL and NaN are refused; negative is an unload.
SELECT q.qty, r.*
  FROM (VALUES ('0'), ('NULL'), ($$'NaN'$$)) q(qty),
       LATERAL pg_temp.rule(format($$INSERT INTO signed_moves VALUES (101, 'LOT', %s, 'W1', 'L1')$$, q.qty),
                            'LOT', 'L1', 'W1', '(id)=(101)') r
 ORDER BY q.qty;
-- A signed unload (-1) is fine.
SELECT sqlstate FROM pg_temp.err($$INSERT INTO signed_moves VALUES (101, 'LOT', -1, 'W1', 'L1')$$);
-- (take it back)
DELETE FROM signed_moves WHERE id = 101;

-- ================================================== lottrace_lot_required

-- A load of a lot-tracked item without a lot code and no code type to
-- generate one (the full error, once).
INSERT INTO moves (id, item, qty, wh, reason) VALUES (102, 'LOT', 1, 'W1', 'IN');
-- 23502 lottrace_lot_required: load and unload without lot, an empty lot code.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, reason) VALUES (102, 'LOT', 1, 'W1', 'IN')$$,
                             'LOT', NULL, 'W1', '(id)=(102)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, reason) VALUES (102, 'LOT', 1, 'W1', 'OUT')$$,
                             'LOT', NULL, 'W1', '(id)=(102)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (102, 'LOT', 1, 'W1', '', 'IN')$$,
                             'LOT', NULL, 'W1', '(id)=(102)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (102, 'LOT', 1, 'W1', NULL)$$,
                             'LOT', NULL, 'W1', '(id)=(102)') r;
-- An item whose code type cannot make a code for this row ({DOC} without a
-- document): the same rule, from the generation trigger.
INSERT INTO moves (id, item, qty, wh, reason) VALUES (102, 'DOCL', 1, 'W1', 'IN');
-- 23502 lottrace_lot_required.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, reason) VALUES (102, 'DOCL', 1, 'W1', 'IN')$$);
-- With the document the code is generated; an empty lot code counts as
-- none, like NULL (the engine reads '' as no code).
INSERT INTO moves (id, item, qty, wh, reason, doc) VALUES (102, 'DOCL', 1, 'W1', 'IN', 'PO7');
-- An empty lot code gets one too.
INSERT INTO moves (id, item, qty, wh, lot, reason, doc) VALUES (103, 'DOCL', 1, 'W1', '', 'IN', 'PO8');
-- PO7-01 and PO8-01.
SELECT id, lot FROM moves WHERE id IN (102, 103) ORDER BY id;
-- (take them back)
DELETE FROM moves WHERE id IN (102, 103);

-- =============================================== lottrace_serial_required

-- A serial-tracked item without a serial (the full error, once).
INSERT INTO moves (id, item, qty, wh, reason) VALUES (103, 'SER', 1, 'W1', 'IN');
-- 23502 lottrace_serial_required, load and unload, reason and signed mode.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, reason) VALUES (103, 'SER', 1, 'W1', 'IN')$$,
                             'SER', NULL, 'W1', '(id)=(103)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (103, 'SER', 1, 'W1', '', 'OUT')$$,
                             'SER', NULL, 'W1', '(id)=(103)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (103, 'SER', -1, 'W1', NULL, NULL)$$,
                             'SER', NULL, 'W1', '(id)=(103)') r;

-- ==================================================== lottrace_serial_qty

-- A serial row moving 2 units (the full error, once).
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (104, 'SER', 2, 'W1', 'S9', 'IN');
-- 23514 lottrace_serial_qty: 2, 0.5, signed -2.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (104, 'SER', 2, 'W1', 'S9', 'IN')$$,
                             'SER', 'S9', 'W1', '(id)=(104)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (104, 'SER', 0.5, 'W1', 'S1', 'OUT')$$,
                             'SER', 'S1', 'W1', '(id)=(104)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (104, 'SER', -2, 'W1', NULL, 'S1')$$,
                             'SER', 'S1', 'W1', '(id)=(104)') r;
-- 1 and -1 in signed mode are fine (S1 out and back in).
INSERT INTO signed_moves VALUES (104, 'SER', -1, 'W1', NULL, 'S1'), (105, 'SER', 1, 'W1', NULL, 'S1');
-- (take them back)
DELETE FROM signed_moves WHERE id IN (104, 105);

-- =================================================== lottrace_code_syntax

-- A lot code with a space (the full error, once: character and position).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (106, 'LOT', 1, 'W1', 'L 1', 'IN');
-- 22P02 lottrace_code_syntax: space, "~", 51 characters, a serial with "#".
SELECT c.what, r.*
  FROM (VALUES ('space', 'LOT', 'A B', NULL), ('tilde', 'LOT', 'A~B', NULL),
               ('51 chars', 'LOT', repeat('X', 51), NULL), ('serial #', 'SER', NULL, 'S#1')) c(what, item, lot, serial),
       LATERAL pg_temp.rule(format($$INSERT INTO moves (id, item, qty, wh, lot, serial, reason) VALUES (106, %L, 1, 'W1', %L, %L, 'IN')$$,
                                   c.item, c.lot, c.serial),
                            c.item, coalesce(c.lot, c.serial), 'W1', '(id)=(106)') r
 ORDER BY c.what;
-- 50 characters are fine.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (106, 'LOT', 1, 'W1', repeat('X', 50), 'IN');
-- (take it back)
DELETE FROM moves WHERE id = 106;

-- =================================================== lottrace_code_format

-- A typed lot code that does not match the item's code type (the full
-- error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (107, 'FMT', 1, 'W1', 'XYZ', 'IN');
-- 23514 lottrace_code_format: wrong shape, another item's code, 4 digits.
SELECT c.lot, r.*
  FROM (VALUES ('XYZ'), ('LOT-001'), ('FMT-0001'), ('FMT-01A')) c(lot),
       LATERAL pg_temp.rule(format($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (107, 'FMT', 1, 'W1', %L, 'IN')$$, c.lot),
                            'FMT', c.lot, 'W1', '(id)=(107)') r
 ORDER BY c.lot;
-- A matching code is accepted (and not generated: the counter is untouched).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (107, 'FMT', 1, 'W1', 'FMT-123', 'IN');
-- No ITEMSEQ counter row.
SELECT count(*) AS counters FROM lottrace.code_counter WHERE code_type = 'ITEMSEQ';
-- The context has the item's class, category and item type and the row's
-- variant: FRC1-RAW-V1-07 fits CTX variant V1, not variant V2 nor another
-- class, category, item type or counter width.
SELECT c.lot, c.var, e.sqlstate, e.constraint_name
  FROM (VALUES (1, 'FRC1-RAW-V1-07', 'V2'), (2, 'XXC1-RAW-V1-07', 'V1'), (3, 'FRC9-RAW-V1-07', 'V1'),
               (4, 'FRC1-PRO-V1-07', 'V1'), (5, 'FRC1-RAW-V1-7', 'V1'), (6, 'FRC1-RAW-V1-07', 'V1')) c(n, lot, var),
       LATERAL pg_temp.err(format($$INSERT INTO moves (id, item, qty, wh, lot, reason, var) VALUES (%s, 'CTX', 1, 'W1', %L, 'IN', %L)$$,
                                  1000 + c.n, c.lot, c.var)) e
 ORDER BY c.n;
-- A row without variant: {VARIANT} has no value to compare with, so (as in
-- lottrace.matches() without that key) any non-empty run is accepted.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (1007, 'CTX', 1, 'W1', 'FRC1-RAW-ANY-08', 'IN')$$);
-- The format is checked when the lot is created, not on later loads or
-- unloads of it (FRC1-RAW-V1-07 of variant V1 exists now).
UPDATE lottrace.item SET item_class = 'XX' WHERE item = 'CTX';
-- A load and an unload of that lot while CTX's class is XX: both taken.
INSERT INTO moves (id, item, qty, wh, lot, reason, var) VALUES
  (108, 'CTX', 2, 'W1', 'FRC1-RAW-V1-07', 'IN', 'V1'), (109, 'CTX', 1, 'W1', 'FRC1-RAW-V1-07', 'OUT', 'V1');
-- A new lot under class XX is judged by the new class: refused.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason, var) VALUES (1008, 'CTX', 1, 'W1', 'FRC1-RAW-V1-09', 'IN', 'V1')$$);
-- (class back to FR)
UPDATE lottrace.item SET item_class = 'FR' WHERE item = 'CTX';
-- Serials: SERF's serial must be SN + 4 digits.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (110, 'SERF', 1, 'W1', 'SN12', 'IN')$$,
                             'SERF', 'SN12', 'W1', '(id)=(110)') r;
-- A matching serial is taken.
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (110, 'SERF', 1, 'W1', 'SN0012', 'IN');

-- =================================================== lottrace_lot_unknown

-- An unload of a lot that does not exist (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (111, 'LOT', 1, 'W1', 'L404', 'OUT');
-- 23503 lottrace_lot_unknown, reason and signed mode; a lot of another
-- item or variant is another lot.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (111, 'LOT', 1, 'W1', 'L404', 'OUT')$$,
                             'LOT', 'L404', 'W1', '(id)=(111)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (111, 'LOT', -1, 'W1', 'L404')$$,
                             'LOT', 'L404', 'W1', '(id)=(111)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (111, 'EXP', 1, 'W1', 'L1', 'OUT')$$,
                             'EXP', 'L1', 'W1', '(id)=(111)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, var) VALUES (111, 'LOT', 1, 'W1', 'L1', 'OUT', 'V1')$$,
                             'LOT', 'L1', 'W1', '(id)=(111)') r;

-- ================================================== lottrace_new_lot_only

-- A NEW load into lot L1, which exists (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (112, 'LOT', 1, 'W1', 'L1', 'NEW');
-- 23505 lottrace_new_lot_only, also into another warehouse.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (112, 'LOT', 1, 'W1', 'L1', 'NEW')$$,
                             'LOT', 'L1', 'W1', '(id)=(112)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (112, 'LOT', 1, 'NEG', 'L1', 'NEW')$$,
                             'LOT', 'L1', 'NEG', '(id)=(112)') r;
-- A NEW load creating a lot is fine; a second NEW load of it in a later
-- statement is refused.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (112, 'LOT', 4, 'W1', 'L-NEW', 'NEW');
-- 23505 lottrace_new_lot_only.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (113, 'LOT', 1, 'W1', 'L-NEW', 'NEW')$$);
-- Two NEW rows creating the same lot in one statement: the lot did not
-- exist before the statement, so both are taken (engine's reading of
-- "existing").
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES
  (113, 'LOT', 1, 'W1', 'L-NEW2', 'NEW'), (114, 'LOT', 2, 'W1', 'L-NEW2', 'NEW');
-- L-NEW2 has both loads, its initial quantity is the first row's.
SELECT lot, loaded_qty, initial_qty FROM lottrace.lot_register WHERE lot = 'L-NEW2';

-- ============================================== lottrace_lot_unavailable

-- Lots to block: U1 in QUARANTINE, U2 not saleable, U3 force closed.
INSERT INTO moves (id, item, qty, wh, lot, reason, moved) VALUES
  (115, 'LOT', 5, 'W1', 'U1', 'IN', '2024-02-01'), (116, 'LOT', 5, 'W1', 'U2', 'IN', '2024-02-01'),
  (117, 'LOT', 5, 'W1', 'U3', 'IN', '2024-02-01'), (118, 'LOT', 5, 'W1', 'U4', 'IN', '2024-02-01');
-- U1 to quarantine...
SELECT lottrace.set_lot_status('LOT', 'U1', 'QUARANTINE', 'lab');
-- ...U2 not saleable...
UPDATE lottrace.lot SET saleable = false WHERE code = 'U2';
-- ...U3 force closed...
UPDATE lottrace.lot SET force_closed = true WHERE code = 'U3';
-- ...U4 to the user status RELEASED.
UPDATE lottrace.lot SET status = 'RELEASED' WHERE code = 'U4';
-- An unload of the quarantined lot (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (119, 'LOT', 1, 'W1', 'U1', 'OUT');
-- 23514 lottrace_lot_unavailable for each; a user status that is
-- available (RELEASED) is fine.
SELECT c.lot, r.*
  FROM (VALUES ('U1'), ('U2'), ('U3'), ('U4')) c(lot),
       LATERAL pg_temp.rule(format($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (119, 'LOT', 1, 'W1', %L, 'OUT')$$, c.lot),
                            'LOT', c.lot, 'W1', '(id)=(119)') r
 ORDER BY c.lot;
-- (take back U4's unload)
DELETE FROM moves WHERE id = 119;
-- Also in signed mode.
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO signed_moves VALUES (119, 'LOT', -1, 'W1', 'U1')$$);
-- A reason with allow_unavailable (SCRAP) unloads all three.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES
  (120, 'LOT', 1, 'W1', 'U1', 'SCRAP'), (121, 'LOT', 1, 'W1', 'U2', 'SCRAP'), (122, 'LOT', 1, 'W1', 'U3', 'SCRAP');
-- Loads into an unavailable lot are not refused.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (123, 'LOT', 1, 'W1', 'U1', 'IN');
-- available_qty is 0 for the three blocked lots.
SELECT lot, status, saleable, force_closed, on_hand, available_qty
  FROM lottrace.lot_register WHERE lot::text LIKE 'U_' ORDER BY lot;

-- ==================================================== lottrace_lot_expired

-- EXP blocks 5 days before expiry; lot E1 expires 2024-06-30, so it is
-- blocked from 2024-06-25.  EXP0 (block 0) lot E0 expires 2024-06-30 too.
INSERT INTO moves (id, item, qty, wh, lot, reason, moved, exp) VALUES
  (124, 'EXP', 10, 'W1', 'E1', 'IN', '2024-06-01', '2024-06-30'),
  (125, 'EXP0', 10, 'W1', 'E0', 'IN', '2024-06-01', '2024-06-30');
-- An unload dated on the block date (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason, moved) VALUES (126, 'EXP', 1, 'W1', 'E1', 'OUT', '2024-06-25');
-- By date: the day before the block date is fine, from it on 23514
-- lottrace_lot_expired; with block 0 the expiry day itself is blocked.
SELECT c.item, c.moved, r.*
  FROM (VALUES (1, 'EXP', 'E1', '2024-06-24'), (2, 'EXP', 'E1', '2024-06-25'), (3, 'EXP', 'E1', '2024-06-30'),
               (4, 'EXP', 'E1', '2024-08-01'), (5, 'EXP0', 'E0', '2024-06-29'), (6, 'EXP0', 'E0', '2024-06-30')) c(n, item, lot, moved),
       LATERAL pg_temp.rule(format($$INSERT INTO moves (id, item, qty, wh, lot, reason, moved) VALUES (%s, %L, 1, 'W1', %L, 'OUT', %L)$$,
                                   1100 + c.n, c.item, c.lot, c.moved),
                            c.item, c.lot, 'W1', '(id)=(' || (1100 + c.n) || ')') r
 ORDER BY c.n;
-- (the two that passed)
SELECT id, item, lot, moved FROM moves WHERE id > 1100 ORDER BY id;
-- (take them back)
DELETE FROM moves WHERE id > 1100;
-- SCRAP (allow_unavailable) unloads past the block date.
INSERT INTO moves (id, item, qty, wh, lot, reason, moved) VALUES (127, 'EXP', 1, 'W1', 'E1', 'SCRAP', '2024-08-01');
-- Of several unloads in one statement the latest date counts.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason, moved) VALUES
    (128, 'EXP', 1, 'W1', 'E1', 'OUT', '2024-06-01'), (129, 'EXP', 1, 'W1', 'E1', 'OUT', '2024-07-01')$$);

-- =================================================== lottrace_negative_stock

-- More than on hand (L1 has 10) (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (130, 'LOT', 11, 'W1', 'L1', 'OUT');
-- 23514 lottrace_negative_stock: in W1 (listed, allow_negative false), in
-- W2 (not listed), and where the lot never was.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (130, 'LOT', 11, 'W1', 'L1', 'OUT')$$,
                             'LOT', 'L1', 'W1', '(id)=(130)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (130, 'LOT', 1, 'W2', 'L1', 'OUT')$$,
                             'LOT', 'L1', 'W2', '(id)=(130)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (130, 'LOT', -10.5, 'W1', 'L1')$$,
                             'LOT', 'L1', 'W1', '(id)=(130)') r;
-- Exactly all of it is fine (and puts it back).
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (130, 'LOT', 10, 'W1', 'L1', 'OUT');
-- (take it back)
DELETE FROM moves WHERE id = 130;
-- A warehouse with allow_negative takes it: on hand -3, nothing available.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (131, 'LOT', 3, 'NEG', 'L1', 'OUT');
-- NEG: -3, available 0; W1 unchanged.
SELECT lot, warehouse, loaded_qty, on_hand, available_qty FROM lottrace.lot_stock WHERE lot = 'L1' ORDER BY warehouse;

-- ================================================= lottrace_serial_in_stock

-- A load of S1, which is in stock in W1 (the full error, once).
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (132, 'SER', 1, 'W1', 'S1', 'IN');
-- 23505 lottrace_serial_in_stock: same warehouse, another warehouse, two
-- loads of a new serial in one statement.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (132, 'SER', 1, 'W1', 'S1', 'IN')$$,
                             'SER', 'S1', 'W1', '(id)=(132)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (132, 'SER', 1, 'W2', 'S1', 'IN')$$,
                             'SER', 'S1', 'W2', '(id)=(132)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES
                               (132, 'SER', 1, 'W1', 'S7', 'IN'), (133, 'SER', 1, 'W2', 'S7', 'IN')$$,
                             'SER', 'S7', 'W2', '(id)=(133)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (132, 'SER', 1, 'W1', NULL, 'S1')$$,
                             'SER', 'S1', 'W1', '(id)=(132)') r;

-- ============================================= lottrace_serial_not_in_stock

-- An unload of a serial that was never loaded (the full error, once).
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (134, 'SER', 1, 'W1', 'S404', 'OUT');
-- 23514 lottrace_serial_not_in_stock: never loaded, from the wrong
-- warehouse, twice in one statement, already out.
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (135, 'SER', 1, 'W1', 'S2', 'OUT');
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (134, 'SER', 1, 'W1', 'S404', 'OUT')$$,
                             'SER', 'S404', 'W1', '(id)=(134)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (134, 'SER', 1, 'W2', 'S1', 'OUT')$$,
                             'SER', 'S1', 'W2', '(id)=(134)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES
                               (134, 'SER', 1, 'W1', 'S1', 'OUT'), (136, 'SER', 1, 'W1', 'S1', 'OUT')$$,
                             'SER', 'S1', 'W1', '(id)=(13') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (134, 'SER', 1, 'W1', 'S2', 'OUT')$$,
                             'SER', 'S2', 'W1', '(id)=(134)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO signed_moves VALUES (134, 'SER', -1, 'W1', NULL, 'S2')$$,
                             'SER', 'S2', 'W1', '(id)=(134)') r;

-- ================================================ lottrace_serial_cancelled

-- S1 is cancelled by hand; moving it (the full error, once).
UPDATE lottrace.serial SET cancelled = true WHERE code = 'S1';
-- Unloading S1 (the full error).
INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (137, 'SER', 1, 'W1', 'S1', 'OUT');
-- 23514 lottrace_serial_cancelled: unload, and a load of the cancelled S2
-- (out of stock).
UPDATE lottrace.serial SET cancelled = true WHERE code = 'S2';
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (137, 'SER', 1, 'W1', 'S1', 'OUT')$$,
                             'SER', 'S1', 'W1', '(id)=(137)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason) VALUES (137, 'SER', 1, 'W1', 'S2', 'IN')$$,
                             'SER', 'S2', 'W1', '(id)=(137)') r;
-- (uncancel them)
UPDATE lottrace.serial SET cancelled = false WHERE code IN ('S1', 'S2');

-- =========================================== lottrace_doc_required / account

-- SHIP requires a document and an account (the full errors, once).
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'CUST1');
-- (and without the account)
INSERT INTO moves (id, item, qty, wh, lot, reason, doc) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'DN-1');
-- 23502 lottrace_doc_required / lottrace_account_required, for lots and
-- serials; an empty string is no document.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'CUST1')$$,
                             'LOT', 'L1', 'W1', '(id)=(138)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct, doc) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'CUST1', '')$$,
                             'LOT', 'L1', 'W1', '(id)=(138)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, doc) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'DN-1')$$,
                             'LOT', 'L1', 'W1', '(id)=(138)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, serial, reason, acct) VALUES (138, 'SER', 1, 'W1', 'S1', 'SHIP', 'CUST1')$$,
                             'SER', 'S1', 'W1', '(id)=(138)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (138, 'LOT', 1, 'W1', 'L-R1', 'RECV')$$,
                             'LOT', 'L-R1', 'W1', '(id)=(138)') r;
-- With both the row is taken.
INSERT INTO moves (id, item, qty, wh, lot, reason, doc, acct) VALUES (138, 'LOT', 1, 'W1', 'L1', 'SHIP', 'DN-1', 'CUST1');
-- The requirement is on new rows: an UPDATE that leaves doc and account
-- alone, and a DELETE, of a row with them, are fine.
UPDATE moves SET qty = 2 WHERE id = 138;
-- (take it back)
DELETE FROM moves WHERE id = 138;

-- =============================================== lottrace_single_supplier

-- SUP lot P1 comes from supplier A.
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (139, 'SUP', 5, 'W1', 'P1', 'IN', 'A');
-- A load from supplier B (the full error, once).
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (140, 'SUP', 5, 'W1', 'P1', 'IN', 'B');
-- 23514 lottrace_single_supplier: into the existing lot, in another
-- warehouse, and two suppliers creating a new lot in one statement.
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (140, 'SUP', 5, 'W1', 'P1', 'IN', 'B')$$,
                             'SUP', 'P1', 'W1', '(id)=(140)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (140, 'SUP', 5, 'NEG', 'P1', 'IN', 'B')$$,
                             'SUP', 'P1', 'NEG', '(id)=(140)') r
UNION ALL
SELECT r.* FROM pg_temp.rule($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES
                               (140, 'SUP', 5, 'W1', 'P2', 'IN', 'A'), (141, 'SUP', 5, 'W1', 'P2', 'IN', 'B')$$,
                             'SUP', 'P2', 'W1', '(id)=(141)') r;
-- The same supplier again is fine; so is a load without account (the
-- engine reads "another account" as a different, non-NULL one).
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (140, 'SUP', 5, 'W1', 'P1', 'IN', 'A');
-- A load without account into P1: taken.
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (141, 'SUP', 5, 'W1', 'P1', 'IN', NULL);
-- Items without single_supplier take any supplier.
INSERT INTO moves (id, item, qty, wh, lot, reason, acct) VALUES (142, 'LOT', 1, 'W1', 'L1', 'IN', 'B');
-- P1 keeps supplier A.
SELECT lot, supplier, on_hand FROM lottrace.lot_register WHERE item = 'SUP' ORDER BY lot;

-- ================================================ extra: warehouse required

-- A governed row without a warehouse (beyond API.md: 23502
-- lottrace_warehouse_required).
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES (143, 'LOT', 1, NULL, 'L1', 'IN')$$);

-- ======================================================= ungoverned rows

-- Items not in lottrace.item (SCREW) and listed but untracked (NAIL) pass
-- untouched whatever the row holds: junk codes, qty 0 or NULL, unknown
-- reasons, no warehouse, unloads of nothing.
INSERT INTO moves (id, item, qty, wh, lot, serial, reason) VALUES
  (200, 'SCREW', 0, NULL, 'junk ~ lot', 'junk serial #', 'GIFT'),
  (201, 'SCREW', -5, 'W1', repeat('Z', 60), NULL, 'OUT'),
  (202, 'NAIL', NULL, 'W1', 'L 1', NULL, NULL),
  (203, 'NAIL', 3, 'W1', 'L404', 'S404', 'OUT'),
  (204, NULL, 1, 'W1', 'L1', NULL, 'IN');
-- Also in signed mode.
INSERT INTO signed_moves VALUES (200, 'SCREW', 0, NULL, 'junk ~', NULL), (201, 'NAIL', -7, 'W1', 'L1', 'S1');
-- No lot or serial came of them, and L1 did not move.
SELECT count(*) AS lots FROM lottrace.lot WHERE item IN ('SCREW', 'NAIL') OR code::text LIKE '%404%';
-- No serial either.
SELECT count(*) AS serials FROM lottrace.serial WHERE item IN ('SCREW', 'NAIL');
-- L1 unchanged.
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE lot = 'L1' ORDER BY warehouse;
-- Updating and deleting them is not governed either.
UPDATE moves SET qty = -100, lot = 'other ~' WHERE id IN (200, 202);
-- Deleting them is not governed either.
DELETE FROM moves WHERE id BETWEEN 200 AND 204;
-- ...in both tables.
DELETE FROM signed_moves WHERE id IN (200, 201);

-- ========================================== one bad row fails the statement

-- The registers before.
CREATE TEMP TABLE before AS
  SELECT 'lot' AS what, code::text AS code, stock::text AS state FROM lottrace.lot
  UNION ALL SELECT 'serial', code::text, state || coalesce(' ' || warehouse, '') FROM lottrace.serial
  UNION ALL SELECT 'counter', code_type || '/' || root, last_value::text FROM lottrace.code_counter;
-- Four good rows (a new lot, an unload, a serial, a generated FMT lot) and
-- one that unloads a lot that does not exist, last.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, serial, reason) VALUES
    (300, 'LOT', 5, 'W1', 'L-GOOD', NULL, 'IN'), (301, 'LOT', 1, 'W1', 'L1', NULL, 'OUT'),
    (302, 'SER', 1, 'W1', NULL, 'S-GOOD', 'IN'), (303, 'FMT', 1, 'W1', NULL, NULL, 'IN'),
    (304, 'LOT', 1, 'W1', 'L404', NULL, 'OUT')$$);
-- The same with the bad row first, and with a rule judged at the end
-- (negative stock) on a row in the middle.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, serial, reason) VALUES
    (304, 'SER', 1, 'W1', NULL, 'S404', 'OUT'),
    (300, 'LOT', 5, 'W1', 'L-GOOD', NULL, 'IN'), (302, 'SER', 1, 'W1', NULL, 'S-GOOD', 'IN')$$);
-- Negative stock (judged at the end of the statement) on a row in the middle.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves (id, item, qty, wh, lot, serial, reason) VALUES
    (300, 'LOT', 5, 'W1', 'L-GOOD', NULL, 'IN'), (301, 'LOT', 1000, 'W1', 'L1', NULL, 'OUT'),
    (302, 'SER', 1, 'W1', NULL, 'S-GOOD', 'IN')$$);
-- Nothing of them is left: no rows, registers and counters as before.
SELECT count(*) AS rows FROM moves WHERE id >= 300;
-- Registers and counters: no difference to the snapshot.
SELECT * FROM (SELECT 'lot' AS what, code::text AS code, stock::text AS state FROM lottrace.lot
               UNION ALL SELECT 'serial', code::text, state || coalesce(' ' || warehouse, '') FROM lottrace.serial
               UNION ALL SELECT 'counter', code_type || '/' || root, last_value::text FROM lottrace.code_counter) now
FULL JOIN before b USING (what, code, state)
WHERE b.what IS NULL OR now.what IS NULL;

-- ================================================================ the end

-- The registers agree with the tables.
SELECT * FROM lottrace.verify();

SET client_min_messages = warning;
-- Drop the extension.
DROP EXTENSION lottrace CASCADE;
RESET client_min_messages;
-- Drop this file's tables.
DROP TABLE moves, signed_moves;
