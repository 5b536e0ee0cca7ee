-- Privileges: a role with rights on the ERP table only moves stock (and so
-- changes the registers) but cannot touch lottrace's tables; attach needs
-- ownership; a quality manager granted UPDATE on lottrace.lot changes
-- statuses and is logged as the one who did.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

CREATE ROLE regress_lt_clerk;
CREATE ROLE regress_lt_qm;
CREATE ROLE regress_lt_owner;

-- the ERP table, owned by the superuser running this file
CREATE TABLE pv_moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  serial   text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL DEFAULT '2026-05-01'
);
SELECT lottrace.attach('pv_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on');
INSERT INTO lottrace.reason (code, direction, create_serials) VALUES
  ('IN', 'load', false), ('OUT', 'unload', false), ('MAKE', 'load', true);
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('PV-LOT', 'lot', 'PV{SEQ:3|}'), ('PV-SN', 'serial', 'SN{SEQ:3|}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('BOLT', true, 'PV-LOT');
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('DRILL', true, 'PV-SN');

-- the clerk may write the ERP table, nothing else
GRANT SELECT, INSERT, UPDATE, DELETE ON pv_moves TO regress_lt_clerk;
GRANT USAGE ON SEQUENCE pv_moves_id_seq TO regress_lt_clerk;

-- the clerk has no privilege on any table of schema lottrace
SELECT count(*) AS lottrace_table_privileges
  FROM information_schema.role_table_grants
 WHERE grantee = 'regress_lt_clerk' AND table_schema = 'lottrace';

------------------------------------------------------------------------------
-- The clerk moves stock
------------------------------------------------------------------------------

SET ROLE regress_lt_clerk;

-- loads: one lot named, one generated (RETURNING shows it), two serials generated
INSERT INTO pv_moves (item, qty, wh, lot, reason, doc) VALUES ('BOLT', 100, 'W1', 'PV900', 'IN', 'R1');
INSERT INTO pv_moves (item, qty, wh, reason, doc) VALUES ('BOLT', 50, 'W1', 'IN', 'R2') RETURNING lot;
INSERT INTO pv_moves (item, qty, wh, reason, doc) VALUES
  ('DRILL', 1, 'W1', 'MAKE', 'R3'), ('DRILL', 1, 'W1', 'MAKE', 'R3') RETURNING serial;

-- an unload, a correction and a deletion
INSERT INTO pv_moves (item, qty, wh, lot, reason, doc) VALUES ('BOLT', 30, 'W1', 'PV900', 'OUT', 'S1');
UPDATE pv_moves SET qty = 40 WHERE doc = 'S1';
INSERT INTO pv_moves (item, qty, wh, serial, reason, doc) VALUES ('DRILL', 1, 'W1', 'SN001', 'OUT', 'S2');
DELETE FROM pv_moves WHERE doc = 'R2';

-- the rules hold for the clerk, with SQLSTATE and constraint name
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO pv_moves (item, qty, wh, lot, reason) VALUES ('BOLT', 500, 'W1', 'PV900', 'OUT')$$);
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO pv_moves (item, qty, wh, serial, reason) VALUES ('DRILL', 1, 'W1', 'SN002', 'IN')$$);

-- the clerk cannot read or write lottrace.lot, lottrace.serial or
-- lottrace.lot_status_log (42501)
SELECT t AS table_name, op, e.sqlstate
  FROM unnest(ARRAY['lottrace.lot', 'lottrace.serial', 'lottrace.lot_status_log']) AS t,
       unnest(ARRAY['SELECT', 'UPDATE', 'INSERT', 'DELETE']) AS op,
       LATERAL pg_temp.err(CASE op
         WHEN 'SELECT' THEN format('SELECT * FROM %s', t)
         WHEN 'UPDATE' THEN format('UPDATE %s SET %I = %I', t,
                                   CASE t WHEN 'lottrace.lot_status_log' THEN 'note' ELSE 'item' END,
                                   CASE t WHEN 'lottrace.lot_status_log' THEN 'note' ELSE 'item' END)
         WHEN 'INSERT' THEN format('INSERT INTO %s DEFAULT VALUES', t)
         ELSE format('DELETE FROM %s', t) END) AS e
 ORDER BY 1, 2;

-- nor the configuration
SELECT sqlstate FROM pg_temp.err($$INSERT INTO lottrace.item (item, lot_tracked) VALUES ('NUT', true)$$);
SELECT sqlstate FROM pg_temp.err($$UPDATE lottrace.reason SET allow_unavailable = true$$);

-- nor change a lot's status, link lots, draw codes or run rebuild / verify
SELECT n, e.sqlstate
  FROM (VALUES (1, $$SELECT lottrace.set_lot_status('BOLT', 'PV900', 'BLOCKED')$$),
               (2, $$SELECT lottrace.link_lots('BOLT', 'PV900', 'BOLT', 'PV001')$$),
               (3, $$SELECT lottrace.next_code('PV-LOT', '{}')$$),
               (4, $$SELECT lottrace.rebuild()$$),
               (5, $$SELECT * FROM lottrace.verify()$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;

RESET ROLE;

-- the registers followed the clerk's movements
SELECT lot, loaded_qty, on_hand FROM lottrace.lot_register ORDER BY lot;
SELECT serial, state, warehouse, load_doc, unload_doc FROM lottrace.serial_register ORDER BY serial;
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- attach and detach
------------------------------------------------------------------------------

GRANT CREATE ON SCHEMA public TO regress_lt_owner;
SET ROLE regress_lt_owner;
CREATE TABLE pv_own (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
RESET ROLE;
GRANT SELECT, INSERT ON pv_own TO regress_lt_clerk;

-- the clerk may not attach a table it does not own, nor detach one (42501)
SET ROLE regress_lt_clerk;
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.attach('pv_own', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.detach('pv_moves')$$);
RESET ROLE;

-- a role without privileges on lottrace's tables may not attach even its own
-- table: through it, it could put stock into any lot (42501)
SET ROLE regress_lt_owner;
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.attach('pv_own', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
SELECT sqlstate FROM pg_temp.err($$INSERT INTO pv_own VALUES (1, 'BOLT', 1000, 'W1', 'PV900')$$);
RESET ROLE;

-- so the registers are unchanged
SELECT lot, on_hand FROM lottrace.lot_register WHERE lot = 'PV900';
SELECT count(*) AS attached_tables FROM lottrace.attachment;

-- a temporary table cannot be attached: the attachment would outlive it
CREATE TEMP TABLE pv_temp (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT sqlstate <> 'no error' AS refused
  FROM pg_temp.err($$SELECT lottrace.attach('pv_temp', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);

------------------------------------------------------------------------------
-- A quality manager granted UPDATE on lottrace.lot
------------------------------------------------------------------------------

GRANT UPDATE ON lottrace.lot TO regress_lt_qm;
SET ROLE regress_lt_qm;

-- set_lot_status runs with the caller's rights: UPDATE alone is not enough,
-- it finds the lot by item and code (42501)
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.set_lot_status('BOLT', 'PV900', 'QUARANTINE', 'sampling')$$);
RESET ROLE;

-- with SELECT as well (the quality manager role of docs/SECURITY.md)
GRANT SELECT ON lottrace.lot TO regress_lt_qm;
SET ROLE regress_lt_qm;
SELECT lottrace.set_lot_status('BOLT', 'PV900', 'QUARANTINE', 'sampling');
SELECT lottrace.set_lot_status('BOLT', 'PV900', 'BLOCKED', 'cracks found');

-- a plain UPDATE of the status, with a note
BEGIN;
SET LOCAL lottrace.status_note = 'cracks were paint';
UPDATE lottrace.lot SET status = 'AVAILABLE' WHERE item = 'BOLT' AND code = 'PV900';
COMMIT;

-- the guard holds for the quality manager too
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$UPDATE lottrace.lot SET initial_qty = 1 WHERE item = 'BOLT' AND code = 'PV900'$$);
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$UPDATE lottrace.lot SET stock = '{}' WHERE item = 'BOLT' AND code = 'PV900'$$);

-- the quality manager cannot read the log (no grant) ...
SELECT sqlstate FROM pg_temp.err('SELECT * FROM lottrace.lot_status_log');
RESET ROLE;

-- ... which records the quality manager as the one who changed the status
SELECT l.code AS lot, g.old_status, g.new_status, g.changed_by, g.note
  FROM lottrace.lot_status_log g JOIN lottrace.lot l USING (lot_id)
 ORDER BY g.log_id;

-- a blocked-then-released lot moves again for the clerk
SET ROLE regress_lt_clerk;
INSERT INTO pv_moves (item, qty, wh, lot, reason, doc) VALUES ('BOLT', 10, 'W1', 'PV900', 'OUT', 'S3');
RESET ROLE;
SELECT lot, on_hand FROM lottrace.lot_register WHERE lot = 'PV900';
SELECT * FROM lottrace.verify();

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE pv_moves, pv_own, pv_temp;
DROP OWNED BY regress_lt_clerk, regress_lt_qm, regress_lt_owner;
DROP ROLE regress_lt_clerk, regress_lt_qm, regress_lt_owner;
