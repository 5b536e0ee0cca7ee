-- Security: nobody gets in (docs/SECURITY.md).
--
-- 1. Registers, configuration and views are closed to roles without grants.
-- 2. attach/detach: EXECUTE is granted by the DBA, and a table is attached
--    or detached only by its owner.
-- 3. Functions that run with elevated rights pin search_path; the one SQL
--    function that must not (lottrace._movements, inlined) is
--    schema-qualified throughout, and reads attached tables with ONLY.
-- 4. The roles of docs/SECURITY.md, created by docs/lottrace-roles.sql run
--    as it is: each does its job and no more.
-- 5. lottrace's trigger functions cannot be put on other tables to write
--    the registers.
-- 6. search_path: an attacker's operators, functions and aggregates in
--    public; victims with search_path = public, pg_catalog use everything
--    lottrace offers, once in a session whose plans are prepared and once in
--    a fresh session (the library not loaded, no plan prepared); nothing of
--    the attacker's runs.  (A kept plan is analysed again whenever the
--    search_path differs from the one it was analysed under, so what counts
--    is that every statement lottrace runs names its objects itself.)
--    The settings are superuser-set, even before the library is loaded.
-- 7. The findings of docs/SECURITY.md ("Fixed"), each asserting the fixed
--    behaviour: the owner of an attached table can neither switch lottrace
--    off for it (a), nor make verify() / rebuild() run its code as the
--    extension owner (b, c, d), nor pass rows through inheritance (e);
--    attach() needs no grant but EXECUTE (f); CREATE EXTENSION refuses a
--    schema lottrace someone else prepared (g).
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;
-- (7c: lottrace._refresh_movements() re-writes the body of
-- lottrace._movements() only when it differs; a fresh install's body is
-- already the one it writes for no attached table)
CREATE TEMP TABLE body0 AS
  SELECT xmin::text AS x FROM pg_proc WHERE oid = 'lottrace._movements()'::regprocedure;
SELECT lottrace._refresh_movements();
SELECT p.xmin::text = b.x AS body_untouched
  FROM pg_proc p, body0 b WHERE p.oid = 'lottrace._movements()'::regprocedure;
DROP TABLE body0;

------------------------------------------------------------------------------
-- The ERP side, as in the README: schema erp, owned by erp_owner
------------------------------------------------------------------------------
CREATE ROLE erp_owner NOLOGIN;
CREATE SCHEMA erp AUTHORIZATION erp_owner;
SET ROLE erp_owner;
CREATE TABLE erp.stock_moves (
  id           bigserial PRIMARY KEY,
  posted_on    date NOT NULL,
  warehouse    text NOT NULL,
  item_code    text NOT NULL,
  variant      text,
  lot_no       text,
  serial_no    text,
  quantity     numeric NOT NULL,
  reason       text NOT NULL,
  document     text,
  partner      text,
  prod_order   text,
  best_before  date,
  supplier_lot text,
  bin          text
);
CREATE TABLE erp.doc_lines (doc text, line int, item text, qty numeric, wh text, lot text,
                            PRIMARY KEY (doc, line));
RESET ROLE;

-- configuration
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('MILK', 'lot', 'M{SEQ:4|}'), ('CHEESE', 'lot', 'C{SEQ:4|}'), ('DRILL', 'serial', 'S{SEQ:5|}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days, warn_days, block_days,
                           initial_status, pick_policy) VALUES
  ('MILK', true, 'MILK', NULL, 5, 1, NULL, 'fefo'),
  ('CHEESE', true, 'CHEESE', NULL, NULL, 0, 'QUARANTINE', 'fifo'),
  ('YOGURT', true, NULL, NULL, 3, 1, NULL, 'fifo');
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type, serial_validity_days)
VALUES ('DRILL', true, 'DRILL', 365);
INSERT INTO lottrace.reason (code, direction, production, create_serials) VALUES
  ('RCV', 'load', NULL, false), ('SHIP', 'unload', NULL, false),
  ('MOVEOUT', 'unload', NULL, false), ('MOVEIN', 'load', NULL, false),
  ('CONS', 'unload', 'input', false), ('PROD', 'load', 'output', true),
  ('MAKE', 'load', NULL, true);
INSERT INTO lottrace.warehouse (code) VALUES ('W1'), ('W2');
INSERT INTO lottrace.year_letter (year, letter) VALUES (2026, 'F');
INSERT INTO lottrace.lot_type (code, description) VALUES ('STD', 'standard');

------------------------------------------------------------------------------
-- The roles of docs/SECURITY.md: the script, run as it is
------------------------------------------------------------------------------
\i docs/lottrace-roles.sql
-- docs/SECURITY.md shows this very script
\set roles_script `cat docs/lottrace-roles.sql`
\set security_md `cat docs/SECURITY.md`
SELECT strpos(:'security_md', :'roles_script') > 0 AS security_md_shows_the_script;

-- the ERP owner attaches its tables (granted by the script)
SET ROLE erp_owner;
SELECT lottrace.attach('erp.stock_moves', item => 'item_code', qty => 'quantity', warehouse => 'warehouse',
                       lot => 'lot_no', serial => 'serial_no', reason => 'reason', doc => 'document',
                       moved_on => 'posted_on', location => 'bin', variant => 'variant',
                       account => 'partner', batch_key => 'prod_order', expiry => 'best_before',
                       supplier_lot => 'supplier_lot');
SELECT lottrace.attach('erp.doc_lines', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
RESET ROLE;

------------------------------------------------------------------------------
-- 3. Elevated rights pin search_path
------------------------------------------------------------------------------

-- every SECURITY DEFINER function of the extension sets search_path, with
-- pg_catalog first and pg_temp last
SELECT p.oid::regprocedure AS function, p.proconfig
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lottrace') AND p.prosecdef
 ORDER BY p.oid::regprocedure::text COLLATE "C";
SELECT count(*) AS definer_functions_without_pinned_path
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lottrace') AND p.prosecdef
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c
                    WHERE c LIKE 'search\_path=pg\_catalog,%' AND c LIKE '%, pg\_temp');

-- functions in SQL or PL/pgSQL without a pinned search_path: only
-- lottrace._movements(), which must stay inlinable (a SET clause prevents
-- inlining, and with it the use of each attached table's indexes),
-- lottrace._blocked_from(), which the register views inline, the EPCIS
-- identifier builders _gs1_uri and _party_uri, inlined per event, and
-- _moment(), inlined per row into lottrace._moves() (their bodies name
-- every function and operator with its schema)
SELECT p.oid::regprocedure AS function, l.lanname, p.prosecdef, p.provolatile, p.proisstrict
  FROM pg_proc p
  JOIN pg_language l ON l.oid = p.prolang
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lottrace')
   AND l.lanname NOT IN ('c', 'internal')
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')
 ORDER BY p.oid::regprocedure::text COLLATE "C";

-- its generated body (two attached tables: every mapping, and a two-column
-- key) is schema-qualified: casts only to pg_catalog types ...
CREATE TEMP VIEW movements_body AS
  SELECT prosrc AS src FROM pg_proc WHERE oid = 'lottrace._movements()'::regprocedure;
SELECT DISTINCT m[1] AS cast_to
  FROM movements_body, regexp_matches(src, '::\s*([A-Za-z_."]+(\[\])?)', 'g') AS m ORDER BY 1;
-- ... operators only as OPERATOR(pg_catalog.x) ...
SELECT DISTINCT m[1] AS operator
  FROM movements_body, regexp_matches(src, 'OPERATOR\(([^)]*)\)', 'g') AS m ORDER BY 1;
-- ... and no other operator (string literals, casts and OPERATOR(...) taken out)
SELECT regexp_replace(regexp_replace(regexp_replace(src, 'OPERATOR\([^)]*\)', '', 'g'),
                                     '''([^'']|'''')*''', '', 'g'), '::', '', 'g')
       ~ '[-+*/<>=~!@#%^&|`?]' AS other_operators
  FROM movements_body;
-- ... every relation schema-qualified, each attached table with ONLY (its
-- own rows: a partitioned table would be read with its partitions) ...
SELECT DISTINCT m[1] AS relation
  FROM movements_body, regexp_matches(src, '\m(?:FROM|JOIN)\s+((?:ONLY\s+)?[^\s,()]+)', 'g') AS m ORDER BY 1;
-- ... and calls no function but pg_catalog.format, which writes the
-- primary key with its type's output function (the ROW constructor and
-- OPERATOR are no calls)
SELECT DISTINCT m[1] AS called
  FROM movements_body, regexp_matches(src, '([A-Za-z_][A-Za-z0-9_.]*)\(', 'g') AS m ORDER BY 1;
-- it is still inlined: each attached table is scanned, no function scan
EXPLAIN (COSTS OFF) SELECT * FROM lottrace.movements WHERE item = 'MILK';
SELECT lottrace.detach('erp.doc_lines');

------------------------------------------------------------------------------
-- 1. Closed to roles without grants
------------------------------------------------------------------------------
CREATE ROLE regress_lt_plain;

SET ROLE regress_lt_plain;
-- every table and view of schema lottrace: SELECT, INSERT, UPDATE, DELETE
-- and TRUNCATE are refused: 42501 (the views are not updatable, so writes
-- to them fail before the privilege check: 55000, and 42809 for TRUNCATE)
SELECT c.relname, c.relkind,
       string_agg(op || ' ' || e.sqlstate, ', ' ORDER BY op) AS results
  FROM pg_class c
 CROSS JOIN unnest(ARRAY['DELETE', 'INSERT', 'SELECT', 'TRUNCATE', 'UPDATE']) AS op
 CROSS JOIN LATERAL pg_temp.err(CASE op
        WHEN 'SELECT' THEN format('SELECT FROM lottrace.%I', c.relname)
        WHEN 'INSERT' THEN format('INSERT INTO lottrace.%I DEFAULT VALUES', c.relname)
        WHEN 'UPDATE' THEN format('UPDATE lottrace.%I SET %I = %I', c.relname,
                                  (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = 1),
                                  (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = 1))
        WHEN 'DELETE' THEN format('DELETE FROM lottrace.%I', c.relname)
        ELSE format('TRUNCATE lottrace.%I', c.relname) END) AS e
 WHERE c.relnamespace = 'lottrace'::regnamespace AND c.relkind IN ('r', 'v')
 GROUP BY c.relname, c.relkind
 ORDER BY c.relkind, c.relname;
-- sequences
SELECT c.relname, e.sqlstate
  FROM pg_class c, LATERAL pg_temp.err(format('SELECT nextval(%L)', 'lottrace.' || c.relname)) e
 WHERE c.relnamespace = 'lottrace'::regnamespace AND c.relkind = 'S'
 ORDER BY 1;
-- functions that change or read registers
SELECT n, e.sqlstate, e.message
  FROM (VALUES (1, $$SELECT lottrace.next_code('MILK', '{"item": "MILK"}')$$),
               (2, $$SELECT lottrace.rebuild()$$),
               (3, $$SELECT * FROM lottrace.verify()$$),
               (4, $$SELECT lottrace.detach(0)$$),
               (5, $$SELECT lottrace.set_lot_status('MILK', 'X', 'BLOCKED')$$),
               (6, $$SELECT lottrace.link_lots('MILK', 'X', 'MILK', 'Y')$$),
               (7, $$SELECT * FROM lottrace.refresh_expiry()$$),
               (8, $$SELECT * FROM lottrace.trace_forward('MILK', 'X')$$),
               (9, $$SELECT * FROM lottrace.recall('MILK', 'X')$$),
               (10, $$SELECT * FROM lottrace.suggest_pick('MILK', 'W1', 1)$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
-- the types and pure functions are for everyone
SELECT 'L2'::lottrace.lotcode OPERATOR(pg_catalog.<) 'L10'::lottrace.lotcode AS natural_order,
       lottrace.matches('M0001', 'M{SEQ:4|}') AS matches,
       lottrace.gs1_lot('(10)ABC') AS gs1_lot;
RESET ROLE;

------------------------------------------------------------------------------
-- 2. attach and detach
------------------------------------------------------------------------------
CREATE TABLE public.sec_other (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
SET ROLE regress_lt_plain;
CREATE TEMP TABLE sec_mine (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
-- not granted: EXECUTE is revoked from PUBLIC (42501), even for its own table
SELECT sqlstate, message FROM pg_temp.err(
  $$SELECT lottrace.attach('sec_mine', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.detach(0)$$);
RESET ROLE;
-- granted (erp_owner), attach refuses a table the caller does not own (42501) ...
SET ROLE erp_owner;
SELECT sqlstate, message, hint FROM pg_temp.err(
  $$SELECT lottrace.attach('public.sec_other', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
RESET ROLE;
-- ... and detach likewise: the superuser's table, attached by the superuser
SELECT lottrace.attach('public.sec_other', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
SET ROLE erp_owner;
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.detach('public.sec_other')$$);
RESET ROLE;
SELECT lottrace.detach('public.sec_other');
DROP TABLE public.sec_other;
-- a role that may write the ERP table cannot detach it either
SET ROLE lottrace_operator;
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.detach('erp.stock_moves')$$);
RESET ROLE;
SELECT relid FROM lottrace.attachment;

------------------------------------------------------------------------------
-- 4. Each role does its job, and no more
------------------------------------------------------------------------------

-- the operator moves stock: receipts (one lot code generated), a serial
SET ROLE lottrace_operator;
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason, partner, best_before)
VALUES ('2026-05-01', 'W1', 'MILK', 'M8001', 50, 'RCV', 'FARM', '2099-12-31');
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, quantity, reason)
VALUES ('2026-05-01', 'W1', 'MILK', 20, 'RCV') RETURNING lot_no;
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, quantity, reason)
VALUES ('2026-05-01', 'W1', 'DRILL', 1, 'MAKE') RETURNING serial_no;
-- a shipment, corrected, and a wrong one deleted
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason, partner, document)
VALUES ('2026-05-02', 'W1', 'MILK', 'M8001', 5, 'SHIP', 'SHOP-1', 'INV-1'),
       ('2026-05-02', 'W1', 'MILK', 'M8001', 1, 'SHIP', 'SHOP-9', 'INV-X');
UPDATE erp.stock_moves SET quantity = 6 WHERE document = 'INV-1';
DELETE FROM erp.stock_moves WHERE document = 'INV-X';
-- what it reads
SELECT lot, on_hand FROM lottrace.lot_register ORDER BY lot;
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock ORDER BY lot, warehouse;
SELECT serial, state, warehouse FROM lottrace.serial_register ORDER BY serial;
SELECT lot, take_qty FROM lottrace.suggest_pick('MILK', 'W1', 60);
SELECT lottrace.next_code('MILK', '{"item": "MILK"}') AS label_code;
-- and no more (42501)
SELECT n, e.sqlstate
  FROM (VALUES (1, $$SELECT lottrace.set_lot_status('MILK', 'M8001', 'BLOCKED')$$),
               (2, $$UPDATE lottrace.lot SET notes = 'x'$$),
               (3, $$UPDATE lottrace.lot SET stock = '{}'$$),
               (4, $$INSERT INTO lottrace.lot (item, code, status) VALUES ('MILK', 'FAKE', 'AVAILABLE')$$),
               (5, $$SELECT FROM lottrace.lot_status_log$$),
               (6, $$SELECT FROM lottrace.status_history$$),
               (7, $$SELECT FROM lottrace.movements$$),
               (8, $$SELECT * FROM lottrace.trace_forward('MILK', 'M8001')$$),
               (9, $$SELECT * FROM lottrace.recall('MILK', 'M8001')$$),
               (10, $$UPDATE lottrace.item SET lot_tracked = false$$),
               (11, $$INSERT INTO lottrace.reason (code, direction, allow_unavailable) VALUES ('ANY', 'unload', true)$$),
               (12, $$UPDATE lottrace.code_counter SET last_value = 0$$),
               (13, $$SELECT lottrace.link_lots('MILK', 'M8001', 'MILK', 'M0001')$$),
               (14, $$SELECT * FROM lottrace.refresh_expiry()$$),
               (15, $$SELECT lottrace.rebuild()$$),
               (16, $$SELECT * FROM lottrace.verify()$$),
               (17, $$TRUNCATE erp.stock_moves$$),
               (18, $$SELECT lottrace.mock_recall('MILK', 'M8001')$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

-- the reader reads every view, traces and recalls
SET ROLE lottrace_reader;
SELECT v, e.sqlstate
  FROM unnest(ARRAY['lot_register', 'lot_stock', 'serial_register', 'genealogy', 'expiring_lots',
                    'unavailable_stock', 'stock_by_item', 'status_history', 'movements',
                    'serials_by_customer', 'recall_drills']) AS v,
       LATERAL pg_temp.err(format('SELECT FROM lottrace.%I', v)) AS e
 ORDER BY v;
SELECT n, e.sqlstate
  FROM (VALUES (1, $$SELECT * FROM lottrace.trace_forward('MILK', 'M8001')$$),
               (2, $$SELECT * FROM lottrace.trace_backward('MILK', 'M8001')$$),
               (3, $$SELECT * FROM lottrace.recall('MILK', 'M8001')$$),
               (4, $$SELECT * FROM lottrace.mass_balance('MILK', 'M8001')$$),
               (5, $$SELECT * FROM lottrace.trace_events('MILK', 'M8001')$$),
               (6, $$SELECT lottrace.trace_dot('MILK', 'M8001')$$),
               (7, $$SELECT * FROM lottrace.suggest_pick('MILK', 'W1', 1)$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
SELECT account, lot, qty, doc FROM lottrace.recall('MILK', 'M8001');
-- and no more (42501)
SELECT n, e.sqlstate
  FROM (VALUES (1, $$INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason) VALUES ('2026-05-03', 'W1', 'MILK', 'M8001', 1, 'SHIP')$$),
               (2, $$UPDATE lottrace.lot SET status = 'BLOCKED'$$),
               (3, $$SELECT lottrace.set_lot_status('MILK', 'M8001', 'BLOCKED')$$),
               (4, $$SELECT lottrace.link_lots('MILK', 'M8001', 'MILK', 'M0001')$$),
               (5, $$SELECT * FROM lottrace.refresh_expiry()$$),
               (6, $$SELECT lottrace.next_code('MILK', '{"item": "MILK"}')$$),
               (7, $$SELECT * FROM lottrace.verify()$$),
               (8, $$UPDATE lottrace.item SET block_days = 0$$),
               (9, $$SELECT FROM lottrace.code_counter$$),
               (10, $$SELECT FROM lottrace.attachment$$),
               (11, $$SELECT lottrace.mock_recall('MILK', 'M8001')$$),
               (12, $$SELECT FROM lottrace.recall_drill$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

-- a role with the registers but without the ERP table: the functions that
-- read movements need SELECT on every attached table (42501)
CREATE ROLE regress_lt_registers_only;
GRANT SELECT ON lottrace.lot, lottrace.batch_member, lottrace.lot_link, lottrace.reason,
                lottrace.movements TO regress_lt_registers_only;
SET ROLE regress_lt_registers_only;
SELECT n, e.sqlstate, e.message
  FROM (VALUES (1, $$SELECT * FROM lottrace.trace_forward('MILK', 'M8001')$$),
               (2, $$SELECT * FROM lottrace.recall('MILK', 'M8001')$$),
               (3, $$SELECT FROM lottrace.movements$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

-- the quality manager changes statuses (logged as itself), edits lots and
-- serials, links lots, runs the expiry job
SET ROLE lottrace_quality;
SELECT lottrace.set_lot_status('MILK', 'M8001', 'QUARANTINE', 'sampling');
BEGIN;
SET LOCAL lottrace.status_note = 'lab OK';
UPDATE lottrace.lot SET status = 'AVAILABLE', notes = 'released', evaluation = NULL
 WHERE item = 'MILK' AND code = 'M8001';
COMMIT;
UPDATE lottrace.serial SET reserved = true, customer_code = 'C-1' WHERE item = 'DRILL';
INSERT INTO lottrace.lot_evaluation (code, description) VALUES ('A', 'first grade');
UPDATE lottrace.lot SET evaluation = 'A' WHERE item = 'MILK' AND code = 'M8001';
SELECT lottrace.link_lots('MILK', 'M8001', 'MILK', 'M0001', 2);
SELECT lottrace.link_lots('MILK', 'M8001', 'MILK', 'M0001', 3);
SELECT * FROM lottrace.refresh_expiry('2026-05-10');
SELECT changed_by, old_status, new_status, note FROM lottrace.status_history ORDER BY log_id;
-- a recall drill, recorded as run by the quality manager; the reader's view shows it
SELECT ran_by, lot, lot_count, customer_count, unaccounted_qty, accounted_pct
  FROM lottrace.mock_recall('MILK', 'M8001', note => 'quarterly drill');
SELECT newest, ran_by, lot, lot_count, customer_count, accounted_pct, note FROM lottrace.recall_drills;
-- and no more (42501; the guard's own refusals come after the privileges)
SELECT n, e.sqlstate, e.constraint_name
  FROM (VALUES (1, $$UPDATE lottrace.lot SET initial_qty = 1$$),
               (2, $$UPDATE lottrace.lot SET stock = '{}'$$),
               (3, $$UPDATE lottrace.lot SET code = 'X'$$),
               (4, $$UPDATE lottrace.serial SET state = 'out'$$),
               (5, $$DELETE FROM lottrace.lot$$),
               (6, $$INSERT INTO lottrace.lot_status_log (lot_id, new_status) VALUES (1, 'AVAILABLE')$$),
               (7, $$DELETE FROM lottrace.lot_status_log$$),
               (8, $$INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason) VALUES ('2026-05-03', 'W1', 'MILK', 'M8001', 1, 'SHIP')$$),
               (9, $$UPDATE lottrace.lot_status SET available = true$$),
               (10, $$UPDATE lottrace.item SET expiry_editable = true$$),
               (11, $$SELECT lottrace.rebuild()$$),
               (12, $$SELECT lottrace.next_code('MILK', '{"item": "MILK"}')$$),
               (13, $$UPDATE lottrace.lot SET status = 'NO-SUCH-STATUS'$$),
               (14, $$INSERT INTO lottrace.recall_drill (item, lot, lot_id, ran_at, ran_by, login_role, elapsed, lot_count, lots, customer_count, customers, loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty) VALUES ('MILK', 'M8001', 1, now(), 'x', 'x', '0', 1, '[]', 0, '[]', 0, 0, 0, 0)$$),
               (15, $$UPDATE lottrace.recall_drill SET accounted_pct = 100$$),
               (16, $$DELETE FROM lottrace.recall_drill$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

-- the administrator configures, verifies and rebuilds
SET ROLE lottrace_admin;
INSERT INTO lottrace.reason (code, direction, allow_unavailable) VALUES ('SCRAP', 'unload', true);
UPDATE lottrace.item SET warn_days = 7 WHERE item = 'MILK';
INSERT INTO lottrace.lot_status (code, description, available) VALUES ('HOLD', 'On hold', false);
SELECT lottrace.next_code('DRILL', '{"item": "DRILL"}') AS next_serial;
SELECT * FROM lottrace.verify();
SELECT lottrace.rebuild();
SELECT relid FROM lottrace.attachment;
-- and no more (42501)
SELECT n, e.sqlstate
  FROM (VALUES (1, $$INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason) VALUES ('2026-05-03', 'W1', 'MILK', 'M8001', 1, 'SCRAP')$$),
               (2, $$SELECT lottrace.attach('erp.stock_moves', item => 'item_code', qty => 'quantity', warehouse => 'warehouse')$$),
               (3, $$SELECT lottrace.detach('erp.stock_moves')$$),
               (4, $$UPDATE lottrace.attachment SET lot_col = NULL$$),
               (5, $$UPDATE lottrace.lot SET stock = '{}'$$),
               (6, $$DELETE FROM lottrace.lot_status_log$$),
               (7, $$DELETE FROM lottrace.batch_member$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

------------------------------------------------------------------------------
-- 5. lottrace's trigger functions on someone else's table
------------------------------------------------------------------------------
-- EXECUTE on trigger functions is PUBLIC (PostgreSQL's default), so a role
-- that may create a table can put them on it.  The status log and the
-- guards run as the extension owner: they refuse any table but their own
-- (39P01), so no role can write made-up rows into lottrace.lot_status_log.
GRANT CREATE ON SCHEMA public TO regress_lt_plain;
SET ROLE regress_lt_plain;
CREATE TABLE public.sec_fake (lot_id bigint, status text, code text, item text, stock jsonb);
CREATE TRIGGER fake_log AFTER UPDATE ON public.sec_fake
  FOR EACH ROW EXECUTE FUNCTION lottrace._lot_status_log();
CREATE TRIGGER fake_guard BEFORE DELETE ON public.sec_fake
  FOR EACH ROW EXECUTE FUNCTION lottrace._lot_guard();
CREATE TRIGGER fake_serial_guard BEFORE INSERT ON public.sec_fake
  FOR EACH ROW EXECUTE FUNCTION lottrace._serial_guard();
ALTER TABLE public.sec_fake DISABLE TRIGGER fake_serial_guard;
INSERT INTO public.sec_fake VALUES (1, 'AVAILABLE', 'M8001', 'MILK', '{}');
SELECT sqlstate, message, detail FROM pg_temp.err($$UPDATE public.sec_fake SET status = 'BLOCKED'$$);
SELECT sqlstate, message FROM pg_temp.err($$DELETE FROM public.sec_fake$$);
ALTER TABLE public.sec_fake ENABLE TRIGGER fake_serial_guard;
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO public.sec_fake VALUES (2, 'X', 'S1', 'DRILL', '{}')$$);
-- the engine's triggers find no mapping for it
CREATE TRIGGER fake_rows AFTER INSERT ON public.sec_fake REFERENCING NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows();
DROP TRIGGER fake_serial_guard ON public.sec_fake;
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO public.sec_fake VALUES (3, 'X', 'M8001', 'MILK', '{}')$$);
DROP TABLE public.sec_fake;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM regress_lt_plain;
SELECT count(*) AS log_rows_by_plain_role FROM lottrace.lot_status_log WHERE changed_by = 'regress_lt_plain';

------------------------------------------------------------------------------
-- 6. search_path: the attacker's objects in public
------------------------------------------------------------------------------
CREATE ROLE regress_lt_attacker;
GRANT CREATE ON SCHEMA public TO regress_lt_attacker;
SET ROLE regress_lt_attacker;
\set ECHO none
\i sql/include/attacker.psql
\set ECHO all
RESET ROLE;
SELECT count(*) AS planted_objects FROM public.planted;

-- they work: under search_path = public, pg_catalog every probe reaches
-- its object (the WARNINGs are silenced here)
SET search_path = public, pg_catalog;
SET client_min_messages = error;
DO $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT * FROM public.planted LOOP
    EXECUTE p.probe;
  END LOOP;
END
$$;
RESET client_min_messages;
SET search_path = pg_catalog;
SELECT count(DISTINCT t.obj) AS detected FROM public.tripwire t;
SELECT p.obj AS not_detected FROM public.planted p
 WHERE NOT EXISTS (SELECT FROM public.tripwire t WHERE t.obj = p.obj);
TRUNCATE public.tripwire;
RESET search_path;

-- Pass 1: this session (lottrace's plans were prepared above, under the
-- default search_path), victims under search_path = public, pg_catalog
SET search_path = public, pg_catalog;
\set lotA M9001
\set yog Y1
\set wh W3
\set handlot M8501
\set handsn S90001
\i sql/include/victim.psql
SET search_path = pg_catalog;
-- nothing of the attacker's ran
SELECT t.obj, r.rolsuper AS as_superuser, count(*) FROM public.tripwire t
  LEFT JOIN pg_roles r ON r.rolname = t.ran_as GROUP BY 1, 2 ORDER BY 1, 2;

-- Pass 2: a fresh session.  The lottrace library is not loaded yet and no
-- plan is prepared: the first use loads and prepares everything under the
-- attacker's search_path.
\c
SET datestyle = ISO;
SET search_path = public, pg_catalog;
\set lotA M9002
\set yog Y2
\set wh W4
\set handlot M8502
\set handsn S90002
\i sql/include/victim.psql
SET search_path = pg_catalog;
-- nothing of the attacker's ran
SELECT t.obj, r.rolsuper AS as_superuser, count(*) FROM public.tripwire t
  LEFT JOIN pg_roles r ON r.rolname = t.ran_as GROUP BY 1, 2 ORDER BY 1, 2;
-- and the registers agree with the movements
SELECT * FROM lottrace.verify();
RESET search_path;

-- Settings: lottrace.default_status is superuser-set.  With the database's
-- new lots in quarantine, an operator cannot make its receipts skip it, not
-- even by setting it before the library is loaded (PostgreSQL drops such a
-- placeholder value, with a WARNING, when the library defines the setting)
DO $$ BEGIN
  EXECUTE pg_catalog.format('ALTER DATABASE %I SET lottrace.default_status = %L', current_database(), 'QUARANTINE');
END $$;
\c
SET datestyle = ISO;
SET ROLE lottrace_operator;
SET lottrace.default_status = 'AVAILABLE';
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason)
VALUES ('2026-07-01', 'W1', 'MILK', 'M9100', 1, 'RCV');
SHOW lottrace.default_status;
SET lottrace.default_status = 'AVAILABLE';
SELECT lot, status FROM lottrace.lot_register WHERE lot OPERATOR(pg_catalog.=) 'M9100';
RESET ROLE;
DO $$ BEGIN
  EXECUTE pg_catalog.format('ALTER DATABASE %I RESET lottrace.default_status', current_database());
END $$;

------------------------------------------------------------------------------
-- 7. Findings of the security review, fixed (docs/SECURITY.md, "Fixed"
--    and "Attached tables: what their owner cannot do"): each part shows
--    the attack and asserts that it fails.
------------------------------------------------------------------------------
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- (a) lottrace's triggers on an attached table stay as attach() made them.
-- Its owner can neither disable them (one by one, USER, ALL, ENABLE
-- REPLICA), nor replace them (CREATE OR REPLACE TRIGGER: other events,
-- another function, a WHEN clause), nor rename them, nor put
-- lottrace's trigger functions on the table once more (55000), nor drop
-- them (2BP01): event triggers refuse each
SET ROLE erp_owner;
CREATE FUNCTION erp.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
SELECT n, e.sqlstate, e.message
  FROM (VALUES (1, $$ALTER TABLE erp.stock_moves DISABLE TRIGGER lottrace_insert$$),
               (2, $$ALTER TABLE erp.stock_moves DISABLE TRIGGER USER$$),
               (3, $$ALTER TABLE erp.stock_moves DISABLE TRIGGER ALL$$),
               (4, $$ALTER TABLE erp.stock_moves ENABLE REPLICA TRIGGER lottrace_update$$),
               (5, $$ALTER TABLE erp.stock_moves DISABLE TRIGGER lottrace_generate$$),
               (6, $$CREATE OR REPLACE TRIGGER lottrace_insert AFTER UPDATE ON erp.stock_moves
                     REFERENCING NEW TABLE AS lottrace_new
                     FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()$$),
               (7, $$CREATE OR REPLACE TRIGGER lottrace_insert AFTER INSERT ON erp.stock_moves
                     FOR EACH STATEMENT EXECUTE FUNCTION erp.noop()$$),
               (8, $$CREATE OR REPLACE TRIGGER lottrace_delete AFTER DELETE ON erp.stock_moves
                     REFERENCING OLD TABLE AS lottrace_old
                     FOR EACH STATEMENT WHEN (false) EXECUTE FUNCTION lottrace._trg_rows()$$),
               (9, $$CREATE TRIGGER lottrace_twice AFTER INSERT ON erp.stock_moves
                     REFERENCING NEW TABLE AS lottrace_new
                     FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()$$),
               (10, $$ALTER TRIGGER lottrace_insert ON erp.stock_moves RENAME TO lottrace_off$$),
               (11, $$DROP TRIGGER lottrace_insert ON erp.stock_moves$$),
               (12, $$DROP TRIGGER lottrace_generate ON erp.stock_moves$$),
               (13, $$ALTER TRIGGER lottrace_update ON erp.stock_moves DEPENDS ON EXTENSION lottrace$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
-- (nor through lottrace._ungovern(), which detach() calls)
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace._ungovern('erp.stock_moves')$$);
-- the hint
SELECT detail, hint FROM pg_temp.err($$ALTER TABLE erp.stock_moves DISABLE TRIGGER lottrace_delete$$);
-- ENABLE ALWAYS (fire on a logical replication subscriber too) is allowed,
-- and so is anything done to the owner's own triggers
ALTER TABLE erp.stock_moves ENABLE ALWAYS TRIGGER lottrace_insert;
ALTER TABLE erp.stock_moves ENABLE TRIGGER lottrace_insert;
CREATE TRIGGER erp_own AFTER INSERT ON erp.stock_moves FOR EACH STATEMENT EXECUTE FUNCTION erp.noop();
ALTER TABLE erp.stock_moves DISABLE TRIGGER erp_own;
ALTER TRIGGER erp_own ON erp.stock_moves RENAME TO erp_own2;
DROP TRIGGER erp_own2 ON erp.stock_moves;
-- lottrace's triggers are all there, enabled, as attach() made them
SELECT tgname, tgenabled, tgfoid::regprocedure, tgtype FROM pg_trigger
 WHERE tgrelid = 'erp.stock_moves'::regclass ORDER BY tgname;
-- and the movements are governed: an unload of a lot that does not exist
SELECT sqlstate, constraint_name FROM pg_temp.err($$
  INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason)
  VALUES ('2026-07-02', 'W1', 'MILK', 'M9999', 5, 'SHIP')$$);
-- A partitioned table: the same on its partitions; DETACH PARTITION (which
-- ENGINE.md covers) still works, and takes lottrace's triggers off the
-- detached table
CREATE TABLE erp.pmoves (id int, item text, qty numeric, wh text, lot text, PRIMARY KEY (id, wh))
  PARTITION BY LIST (wh);
CREATE TABLE erp.pmoves_w1 PARTITION OF erp.pmoves FOR VALUES IN ('W1');
CREATE TABLE erp.pmoves_w2 PARTITION OF erp.pmoves FOR VALUES IN ('W2');
SELECT lottrace.attach('erp.pmoves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
SELECT n, e.sqlstate, e.message
  FROM (VALUES (1, $$ALTER TABLE erp.pmoves_w1 DISABLE TRIGGER lottrace_insert$$),
               (2, $$ALTER TABLE erp.pmoves DISABLE TRIGGER lottrace_delete$$),
               (3, $$ALTER TABLE erp.pmoves_w2 ENABLE REPLICA TRIGGER lottrace_update$$),
               (4, $$DROP TRIGGER lottrace_insert ON erp.pmoves_w2$$),
               (5, $$ALTER TRIGGER lottrace_update ON erp.pmoves_w1 RENAME TO x$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
ALTER TABLE erp.pmoves DETACH PARTITION erp.pmoves_w2;
SELECT count(*) AS lottrace_triggers_on_detached FROM pg_trigger
 WHERE tgrelid = 'erp.pmoves_w2'::regclass AND tgname LIKE 'lottrace%';
SELECT lottrace.detach('erp.pmoves');
-- detach() drops the triggers itself
SELECT count(*) AS lottrace_triggers_left FROM pg_trigger
 WHERE tgrelid IN ('erp.pmoves'::regclass, 'erp.pmoves_w1'::regclass) AND tgname LIKE 'lottrace%';
DROP TABLE erp.pmoves, erp.pmoves_w2;
RESET ROLE;
-- A superuser is refused too ...
SELECT sqlstate FROM pg_temp.err($$ALTER TABLE erp.stock_moves DISABLE TRIGGER lottrace_insert$$);
-- ... but can still bypass every trigger with session_replication_role =
-- replica (docs/SECURITY.md, "What superusers can still do"); verify()
-- shows what went in that way
SET session_replication_role = replica;
INSERT INTO erp.stock_moves (posted_on, warehouse, item_code, lot_no, quantity, reason)
VALUES ('2026-07-02', 'W1', 'MILK', 'M9999', 5, 'SHIP');
RESET session_replication_role;
SELECT problem, detail FROM lottrace.verify();
SET session_replication_role = replica;
DELETE FROM erp.stock_moves WHERE lot_no = 'M9999';
RESET session_replication_role;
SELECT problem, detail FROM lottrace.verify();

-- (b) the primary key: lottrace._movements() writes it with its type's
-- output function (pg_catalog.format('%s', ...)), as the C engine does, not
-- with a cast.  A key of the owner's enum type, with the owner's cast to
-- text, and a two-column key with it: verify() and rebuild() (SECURITY
-- DEFINER) run none of the owner's code
SET ROLE erp_owner;
CREATE TYPE erp.move_key AS ENUM ('a', 'b');
CREATE FUNCTION erp.move_key_text(erp.move_key) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trip('erp_owner''s cast'); RETURN $1::name::text; END $$;
CREATE CAST (erp.move_key AS text) WITH FUNCTION erp.move_key_text(erp.move_key);
CREATE TABLE erp.keyed (id erp.move_key PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT lottrace.attach('erp.keyed', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.keyed VALUES ('a', 'MILK', 1, 'W1', 'M6001');
CREATE TABLE erp.keyed2 (k erp.move_key, n int, item text, qty numeric, wh text, lot text,
                         PRIMARY KEY (k, n));
SELECT lottrace.attach('erp.keyed2', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.keyed2 VALUES ('b', 7, 'MILK', 1, 'W1', 'M6001');
-- a key changed to the owner's type after attach is written the same way
CREATE TABLE erp.keyed3 (id text PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT lottrace.attach('erp.keyed3', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.keyed3 VALUES ('a', 'MILK', 1, 'W1', 'M6001');
ALTER TABLE erp.keyed3 ALTER COLUMN id TYPE erp.move_key USING id::erp.move_key;
RESET ROLE;
-- the body converts every key with format(), and casts no key
SELECT (regexp_matches(prosrc, 'pg_catalog\.format\(''%s'', [^)]*\)+', 'g'))[1] AS key_written_as
  FROM pg_proc WHERE oid = 'lottrace._movements()'::regprocedure ORDER BY 1;
-- (a superuser reading lottrace.movements runs the body too)
SELECT source::text, source_key FROM lottrace.movements WHERE source::text LIKE 'erp.keyed%' ORDER BY 1;
SET ROLE lottrace_admin;
SELECT count(*) AS problems FROM lottrace.verify();
SELECT lottrace.rebuild();
RESET ROLE;
-- none of the ERP owner's functions ran
SELECT count(*) AS owner_code_ran FROM public.tripwire;
SET ROLE erp_owner;
SELECT lottrace.detach('erp.keyed'), lottrace.detach('erp.keyed2'), lottrace.detach('erp.keyed3');
DROP TABLE erp.keyed, erp.keyed2, erp.keyed3;

-- (c) renaming an attached table, moving it to another schema, renaming
-- its schema: the body of lottrace._movements() names the table as text,
-- and follows each of these (event trigger lottrace_follow_renames); a view
-- the owner creates under the old name is never read
CREATE TABLE erp.renamed (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT lottrace.attach('erp.renamed', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.renamed VALUES (1, 'MILK', 1, 'W1', 'M6003');
ALTER TABLE erp.renamed RENAME TO renamed_real;
CREATE FUNCTION erp.wh() RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trip('erp_owner''s view'); RETURN 'W1'; END $$;
CREATE VIEW erp.renamed AS
  SELECT 1 AS id, 'MILK'::text AS item, 1::numeric AS qty, erp.wh() AS wh, 'M6001'::text AS lot;
RESET ROLE;
CREATE TEMP VIEW body_tables AS
  SELECT m[1] AS reads
    FROM pg_proc, regexp_matches(prosrc, '\mFROM\s+(?:ONLY\s+)?(erp\S*)', 'g') AS m
   WHERE oid = 'lottrace._movements()'::regprocedure;
SELECT reads FROM body_tables ORDER BY 1;
SET ROLE lottrace_admin;
SELECT count(*) AS problems FROM lottrace.verify();
SELECT lottrace.rebuild();
RESET ROLE;
SELECT source, source_key, lot FROM lottrace.movements WHERE source = 'erp.renamed_real'::regclass;
-- moved to another schema, which is then renamed; views under both old names
DO $$ BEGIN
  EXECUTE pg_catalog.format('GRANT CREATE ON DATABASE %I TO erp_owner', current_database());
END $$;
SET ROLE erp_owner;
CREATE SCHEMA erp_b;
ALTER TABLE erp.renamed_real SET SCHEMA erp_b;
CREATE VIEW erp.renamed_real AS SELECT * FROM erp.renamed;
ALTER SCHEMA erp_b RENAME TO erp_c;
CREATE SCHEMA erp_b;
CREATE VIEW erp_b.renamed_real AS SELECT * FROM erp.renamed;
RESET ROLE;
SELECT reads FROM body_tables ORDER BY 1;
SET ROLE lottrace_admin;
SELECT count(*) AS problems FROM lottrace.verify();
SELECT lottrace.rebuild();
RESET ROLE;
SELECT source, source_key, lot FROM lottrace.movements WHERE source = 'erp_c.renamed_real'::regclass;
-- none of the ERP owner's functions ran
SELECT count(*) AS owner_code_ran FROM public.tripwire;
-- A superuser can disable the event trigger (since 1.1 lottrace's event
-- triggers fire ALWAYS, also under session_replication_role = replica): a
-- rename made so leaves the old name in the body (a reader of
-- lottrace.movements would read the view), but verify() and rebuild()
-- re-write the body before they read it
ALTER EVENT TRIGGER lottrace_follow_renames DISABLE;
ALTER TABLE erp_c.renamed_real RENAME TO renamed_rep;
ALTER EVENT TRIGGER lottrace_follow_renames ENABLE ALWAYS;
SET ROLE erp_owner;
CREATE VIEW erp_c.renamed_real AS SELECT * FROM erp.renamed;
RESET ROLE;
SELECT reads FROM body_tables ORDER BY 1;
SET ROLE lottrace_admin;
SELECT count(*) AS problems FROM lottrace.verify();
RESET ROLE;
SELECT reads FROM body_tables ORDER BY 1;
SELECT count(*) AS owner_code_ran FROM public.tripwire;
SET ROLE erp_owner;
SELECT lottrace.detach('erp_c.renamed_rep');
DROP TABLE erp_c.renamed_rep;
DROP VIEW erp_c.renamed_real, erp_b.renamed_real, erp.renamed_real, erp.renamed;
DROP SCHEMA erp_b, erp_c;
RESET ROLE;
DO $$ BEGIN
  EXECUTE pg_catalog.format('REVOKE CREATE ON DATABASE %I FROM erp_owner', current_database());
END $$;
SET ROLE erp_owner;

-- (d) changing a mapped column's type: the body of lottrace._movements()
-- casts mapped columns (to text, numeric, date), so they keep the types
-- attach() accepts -- built-in ones, domains over them, lottrace's code
-- types -- whose casts only a superuser can define.  A type change to the
-- owner's composite type with the owner's cast is refused (42804), as
-- attach() would refuse the column; a change to an accepted type is fine
CREATE TABLE erp.retyped (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT lottrace.attach('erp.retyped', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.retyped VALUES (1, 'MILK', 1, 'W1', 'M6002');
CREATE TYPE erp.wh_code AS (code text);
CREATE FUNCTION erp.wh_code_text(erp.wh_code) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trip('erp_owner''s column cast'); RETURN ($1).code; END $$;
CREATE CAST (erp.wh_code AS text) WITH FUNCTION erp.wh_code_text(erp.wh_code);
SELECT sqlstate, message, hint FROM pg_temp.err(
  $$ALTER TABLE erp.retyped ALTER COLUMN wh TYPE erp.wh_code USING ROW(wh)::erp.wh_code$$);
-- the same for the other roles: the owner's enum as the warehouse, a text as the quantity
CREATE TYPE erp.wh_enum AS ENUM ('W1');
SELECT sqlstate, message FROM pg_temp.err(
  $$ALTER TABLE erp.retyped ALTER COLUMN wh TYPE erp.wh_enum USING wh::erp.wh_enum$$);
SELECT sqlstate, message FROM pg_temp.err($$ALTER TABLE erp.retyped ALTER COLUMN qty TYPE text$$);
-- the item, lot and serial columns appear in the WHEN clause of
-- lottrace_generate: PostgreSQL itself refuses to change their type
SELECT sqlstate, message FROM pg_temp.err($$ALTER TABLE erp.retyped ALTER COLUMN item TYPE varchar(20)$$);
-- accepted types: varchar, a domain over text, integer
CREATE DOMAIN erp.wh_text AS text CHECK (VALUE <> '');
ALTER TABLE erp.retyped ALTER COLUMN wh TYPE erp.wh_text, ALTER COLUMN qty TYPE integer;
ALTER TABLE erp.retyped ALTER COLUMN wh TYPE varchar(10);
INSERT INTO erp.retyped VALUES (2, 'MILK', 1, 'W1', 'M6002');
RESET ROLE;
SET ROLE lottrace_admin;
SELECT count(*) AS problems FROM lottrace.verify();
RESET ROLE;
-- none of the ERP owner's functions ran
SELECT count(*) AS owner_code_ran FROM public.tripwire;
SET ROLE erp_owner;
SELECT lottrace.detach('erp.retyped');
DROP TABLE erp.retyped;
RESET ROLE;

-- (e) inheritance: statements on a parent reach its children's rows
-- without the children's statement triggers.  attach() refuses a table
-- with inheritance children or parents (55000); once attached, a table
-- gets none (CREATE TABLE ... INHERITS, ALTER TABLE ... INHERIT), and
-- becomes no partition; lottrace reads it with ONLY
SET ROLE erp_owner;
CREATE TABLE erp.inh_parent (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
CREATE TABLE erp.inh_child () INHERITS (erp.inh_parent);
SELECT sqlstate, message, hint FROM pg_temp.err(
  $$SELECT lottrace.attach('erp.inh_parent', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
SELECT sqlstate, message, hint FROM pg_temp.err(
  $$SELECT lottrace.attach('erp.inh_child', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
DROP TABLE erp.inh_child;
SELECT lottrace.attach('erp.inh_parent', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO erp.inh_parent VALUES (1, 'MILK', 1, 'W1', 'M6004');
CREATE TABLE erp.other (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
CREATE TABLE erp.plist (id int, item text, qty numeric, wh text, lot text) PARTITION BY LIST (wh);
SELECT n, e.sqlstate, e.message
  FROM (VALUES (1, $$CREATE TABLE erp.inh_child () INHERITS (erp.inh_parent)$$),
               (2, $$ALTER TABLE erp.other INHERIT erp.inh_parent$$),
               (3, $$ALTER TABLE erp.inh_parent INHERIT erp.other$$),
               (4, $$ALTER TABLE erp.plist ATTACH PARTITION erp.inh_parent FOR VALUES IN ('W1')$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
SELECT detail, hint FROM pg_temp.err($$ALTER TABLE erp.other INHERIT erp.inh_parent$$);
-- an attached partitioned table becomes no partition either
CREATE TABLE erp.proot (id int, item text, qty numeric, wh text, lot text, PRIMARY KEY (id, wh))
  PARTITION BY LIST (wh);
CREATE TABLE erp.proot_w1 PARTITION OF erp.proot FOR VALUES IN ('W1');
SELECT lottrace.attach('erp.proot', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
CREATE TABLE erp.pbig (id int, item text, qty numeric, wh text, lot text) PARTITION BY LIST (wh);
SELECT sqlstate, message FROM pg_temp.err(
  $$ALTER TABLE erp.pbig ATTACH PARTITION erp.proot FOR VALUES IN ('W1')$$);
-- its own partitions are fine
CREATE TABLE erp.proot_w2 PARTITION OF erp.proot FOR VALUES IN ('W2');
SELECT lottrace.detach('erp.proot');
DROP TABLE erp.proot, erp.pbig;
RESET ROLE;
-- session_replication_role = replica does not switch the event trigger off
-- (it fires ALWAYS since 1.1)
SET session_replication_role = replica;
SELECT sqlstate, message FROM pg_temp.err($$CREATE TABLE erp.inh_sneak () INHERITS (erp.inh_parent)$$);
RESET session_replication_role;
-- A superuser can make one with the event trigger disabled:
-- lottrace.movements, verify() and rebuild() read the table with ONLY, and
-- so does detach(), so the child's ungoverned unload counts nowhere
ALTER EVENT TRIGGER lottrace_guard_attached DISABLE;
CREATE TABLE erp.inh_sneak () INHERITS (erp.inh_parent);
ALTER EVENT TRIGGER lottrace_guard_attached ENABLE ALWAYS;
INSERT INTO erp.inh_sneak VALUES (2, 'MILK', -5, 'W1', 'M6004');
SELECT count(*) AS rows_read_with_parent FROM erp.inh_parent;
SELECT source, source_key, qty FROM lottrace.movements WHERE source = 'erp.inh_parent'::regclass;
SELECT count(*) AS problems FROM lottrace.verify();
SELECT lottrace.rebuild();
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE lot OPERATOR(pg_catalog.=) 'M6004';
SET ROLE erp_owner;
SELECT lottrace.detach('erp.inh_parent');
RESET ROLE;
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE lot OPERATOR(pg_catalog.=) 'M6004';
SELECT count(*) AS problems FROM lottrace.verify();
DROP TABLE erp.inh_sneak, erp.inh_parent, erp.other, erp.plist;

-- (f) attach() creates the triggers as the caller, and passes them the
-- mapped code columns: granted EXECUTE on attach and detach, and nothing
-- else of lottrace's, the owner of a table attaches and detaches it
RESET ROLE;
CREATE ROLE regress_lt_erp2;
GRANT CREATE ON SCHEMA public TO regress_lt_erp2;
GRANT EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text,
                                          text, text, text, text, text, text, boolean,
                                          text, text, boolean, text, text, text, text, text, text, text, boolean),
                          lottrace.detach(regclass)
  TO regress_lt_erp2;
SET ROLE regress_lt_erp2;
CREATE TABLE public.sec_erp2 (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
SELECT sqlstate, message FROM pg_temp.err(
  $$SELECT lottrace.attach('public.sec_erp2', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot')$$);
-- it still cannot read the mapping
SELECT sqlstate FROM pg_temp.err($$SELECT FROM lottrace.attachment$$);
-- the table is governed: a load goes in, an unload of a lot that does not
-- exist is refused
INSERT INTO public.sec_erp2 VALUES (1, 'MILK', 2, 'W1', 'M6100');
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO public.sec_erp2 VALUES (2, 'MILK', -5, 'W1', 'M6199')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.detach('public.sec_erp2')$$);
DROP TABLE public.sec_erp2;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM regress_lt_erp2;

------------------------------------------------------------------------------
-- Clean up
------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP SCHEMA erp CASCADE;
DROP OWNED BY regress_lt_attacker, regress_lt_plain, regress_lt_registers_only, erp_owner,
              regress_lt_erp2, lottrace_reader, lottrace_operator, lottrace_quality, lottrace_admin;
DROP ROLE regress_lt_attacker, regress_lt_plain, regress_lt_registers_only, erp_owner,
          regress_lt_erp2, lottrace_reader, lottrace_operator, lottrace_quality, lottrace_admin;
RESET client_min_messages;
-- (DROP EXTENSION leaves the schema: CREATE EXTENSION made it, but not as a
-- member of the extension)
DROP SCHEMA lottrace;

-- (g) CREATE EXTENSION installs into a schema lottrace that already
-- exists, whoever made it, and rebuild() (SECURITY DEFINER) has lottrace on
-- its search_path: a more specific overload planted there would run as the
-- superuser.  The install script refuses (42P06) a schema lottrace that a
-- role other than a superuser owns, that others may create objects in, or
-- that is not empty.
CREATE ROLE regress_lt_squatter;
DO $$ BEGIN
  EXECUTE pg_catalog.format('GRANT CREATE ON DATABASE %I TO regress_lt_squatter', current_database());
END $$;
SET ROLE regress_lt_squatter;
CREATE SCHEMA lottrace;
CREATE FUNCTION lottrace.jsonb_build_array(a numeric, b numeric) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE NOTICE 'the squatter''s jsonb_build_array ran; superuser: %',
    (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
  RETURN pg_catalog.jsonb_build_array(a, b);
END $$;
RESET ROLE;
-- the squatter's schema
SELECT sqlstate, message, hint FROM pg_temp.err('CREATE EXTENSION lottrace');
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'lottrace';
-- handed to a superuser, but with the squatter's function in it
ALTER SCHEMA lottrace OWNER TO CURRENT_USER;
SELECT sqlstate, message, detail FROM pg_temp.err('CREATE EXTENSION lottrace');
DROP FUNCTION lottrace.jsonb_build_array(numeric, numeric);
-- empty, but others may create objects in it
GRANT CREATE ON SCHEMA lottrace TO regress_lt_squatter;
SELECT sqlstate, message, hint FROM pg_temp.err('CREATE EXTENSION lottrace');
REVOKE CREATE ON SCHEMA lottrace FROM regress_lt_squatter;
GRANT CREATE ON SCHEMA lottrace TO PUBLIC;
SELECT sqlstate, message FROM pg_temp.err('CREATE EXTENSION lottrace');
REVOKE CREATE ON SCHEMA lottrace FROM PUBLIC;
-- an empty schema of a superuser's, with USAGE for everyone (what a dump's
-- CREATE SCHEMA and GRANT, or an earlier DROP EXTENSION, leave): accepted
GRANT USAGE ON SCHEMA lottrace TO PUBLIC;
CREATE EXTENSION lottrace;
SELECT nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS owned_by_installer
  FROM pg_namespace WHERE nspname = 'lottrace';
-- the squatter plants nothing there now (42501), and rebuild() runs
SET ROLE regress_lt_squatter;
SELECT sqlstate, message FROM pg_temp.err($$
  CREATE FUNCTION lottrace.jsonb_build_array(a numeric, b numeric) RETURNS jsonb
  LANGUAGE sql AS 'SELECT NULL::jsonb'$$);
RESET ROLE;
CREATE TABLE public.sec_squat (id int PRIMARY KEY, item text, qty numeric, wh text, lot text);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('MILK', true);
SELECT lottrace.attach('public.sec_squat', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO public.sec_squat VALUES (1, 'MILK', 5, 'W1', 'L1');
SELECT lottrace.rebuild();
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE public.sec_squat;
DROP SCHEMA lottrace CASCADE;
DROP OWNED BY regress_lt_squatter;
DROP ROLE regress_lt_squatter;

-- (h) attach()'s row predicate and lookups (issue 13).  counts_when is
-- evaluated by the engine, by lottrace.movements and so by verify() and
-- rebuild() as the extension owner, and by the guard on a referenced table
-- (SECURITY DEFINER): it may hold nothing whose behaviour the table's owner
-- controls -- columns, constants and PostgreSQL's own immutable functions
-- and operators only, names looked up in pg_catalog alone (42P17, or 42501
-- for a function the owner may not execute).  A lookup ('col -> tbl.col')
-- reads the referenced table as the table's owner, who must be allowed to
-- read it and to lock its rows (42501).
CREATE EXTENSION lottrace;
SET client_min_messages = warning;
CREATE ROLE regress_lt_erp3;
CREATE ROLE regress_lt_clerk3;
RESET client_min_messages;
GRANT CREATE ON SCHEMA public TO regress_lt_erp3;
GRANT EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text,
                                          text, text, text, text, text, text, boolean,
                                          text, text, boolean, text, text, text, text, text, text, text, boolean),
                          lottrace.detach(regclass)
  TO regress_lt_erp3;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('MILK', true);
CREATE TABLE public.tripwire3 (obj text, ran_as text);
GRANT INSERT ON public.tripwire3 TO PUBLIC;
-- md5() is PostgreSQL's own and immutable, but here not for everyone
REVOKE EXECUTE ON FUNCTION pg_catalog.md5(text) FROM PUBLIC;
-- lot tables of the superuser's: one the ERP owner may not read, one it may
-- only read, one it may read, lock and put triggers on
CREATE TABLE public.sec_lot_closed (id int PRIMARY KEY, name text);
CREATE TABLE public.sec_lot_read (id int PRIMARY KEY, name text);
CREATE TABLE public.sec_lot (id int PRIMARY KEY, name text);
INSERT INTO public.sec_lot VALUES (1, 'M7001'), (2, 'M7002');
GRANT SELECT ON public.sec_lot_read TO regress_lt_erp3;
GRANT SELECT, UPDATE, TRIGGER ON public.sec_lot TO regress_lt_erp3;

SET ROLE regress_lt_erp3;
CREATE TABLE public.sec_lines (id int PRIMARY KEY, item text, lot text, lot_id int, wh text, qty numeric,
                               state text);
-- the owner's code, each piece recording whoever runs it (through the
-- volatile public.sec_trip): an immutable function, an immutable operator,
-- an enum with a cast from text through an immutable function of its own,
-- a domain, and in public shadows of lower(text) and = (text, text)
CREATE FUNCTION public.sec_trip(obj text) RETURNS void
LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.tripwire3 VALUES (obj, current_user); END $$;
CREATE FUNCTION public.sec_done(s text) RETURNS boolean IMMUTABLE
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.sec_trip('sec_done'); RETURN s OPERATOR(pg_catalog.=) 'done'; END $$;
CREATE FUNCTION public.sec_eq(a text, b text) RETURNS boolean IMMUTABLE
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.sec_trip('operator ==='); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sec_eq);
CREATE TYPE public.sec_state AS ENUM ('draft', 'done');
CREATE FUNCTION public.sec_state_of(s text) RETURNS public.sec_state IMMUTABLE
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.sec_trip('cast'); RETURN pg_catalog.enum_first(NULL::public.sec_state); END $$;
CREATE FUNCTION public.sec_shadow_eq(a text, b text) RETURNS boolean
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.sec_trip('operator ='); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sec_shadow_eq);
CREATE FUNCTION public.lower(s text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM public.sec_trip('lower'); RETURN pg_catalog.lower(s); END $$;
CREATE CAST (text AS public.sec_state) WITH FUNCTION public.sec_state_of(text);
CREATE DOMAIN public.sec_word AS text;
-- refused: the owner's function (named in public: 42P17; unqualified, it is
-- not found, as names are looked up in pg_catalog only), its operator, its
-- cast and domain, a STABLE built-in, a volatile one, a subquery, a second
-- statement, a clause, a system column, a whole-row reference
SELECT p AS predicate, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES ($$public.sec_done(state)$$),
               ($$sec_done(state)$$),
               ($$state OPERATOR(public.===) 'done'$$),
               ($$state::public.sec_state = 'done'$$),
               ($$state::public.sec_word = 'done'$$),
               ($$now() > '2026-01-01'$$),
               ($$pg_catalog.clock_timestamp() > '2026-01-01'$$),
               ($$state = current_user$$),
               ($$state = (SELECT name FROM public.sec_lot_closed LIMIT 1)$$),
               ($$true; DROP TABLE public.sec_lines$$),
               ($$true FROM pg_class$$),
               ($$ctid = '(0,1)'$$),
               ($$t::text = 'x'$$)) v(p),
       LATERAL pg_temp.err(format(
         'SELECT lottrace.attach(%L, item => %L, qty => %L, warehouse => %L, lot => %L, counts_when => %L)',
         'public.sec_lines', 'item', 'qty', 'wh', 'lot', p)) e;
-- md5() is not executable by the owner: 42501
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$SELECT lottrace.attach('public.sec_lines', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                           counts_when => 'md5(state) = ''x''')$$);
-- the table is still there, not attached, and nothing of the owner's ran
SELECT count(*) AS sec_lines_attached FROM pg_class c
 WHERE c.relname = 'sec_lines' AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid);
-- lookups into a table the owner may not read, or only read: 42501
SELECT p AS lookup, e.sqlstate, e.constraint_name, e.message, e.hint
  FROM (VALUES ('lot_id -> public.sec_lot_closed.name'), ('lot_id -> public.sec_lot_read.name')) v(p),
       LATERAL pg_temp.err(format(
         'SELECT lottrace.attach(%L, item => %L, qty => %L, warehouse => %L, lot => %L)',
         'public.sec_lines', 'item', 'qty', 'wh', p)) e;
-- accepted: the lot read from sec_lot, a predicate with lower() and =,
-- which are pg_catalog's though public shadows both on the owner's
-- search_path (the shadows are not immutable: had they been taken, attach
-- would have refused them)
SET search_path = public, pg_catalog;
SELECT lottrace.attach('public.sec_lines', item => 'item', qty => 'qty', warehouse => 'wh',
                       lot => 'lot_id -> public.sec_lot.name', counts_when => $$lower(state) = 'done'$$);
RESET search_path;
GRANT SELECT, INSERT, UPDATE ON public.sec_lines TO regress_lt_clerk3;
RESET ROLE;
SELECT counts_when, lookup_refs FROM lottrace.attachment WHERE relid = 'public.sec_lines'::regclass;
-- pg_temp.shadowed(stmt): stmt run with the owner's objects first on the
-- search_path; 'no error', or the SQLSTATE and constraint name it raised
-- (the function itself compares nothing, so it reaches none of them)
CREATE FUNCTION pg_temp.shadowed(stmt text) RETURNS TABLE (sqlstate text, constraint_name text)
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
DECLARE s text := 'no error'; c text;
BEGIN
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, c = CONSTRAINT_NAME;
  END;
  RETURN QUERY SELECT s, c;
END $$;
-- a clerk who may read and write sec_lines, and nothing else (not sec_lot), moves
-- stock through the lookup, and flips a draft to done
SET ROLE regress_lt_clerk3;
SELECT * FROM pg_temp.shadowed($$INSERT INTO public.sec_lines VALUES
  (1, 'MILK', NULL, 1, 'W1', 5, 'DONE'), (2, 'MILK', NULL, 2, 'W1', 9, 'draft'),
  (3, 'MILK', NULL, 2, 'W1', 4, 'draft')$$);
SELECT * FROM pg_temp.shadowed($$UPDATE public.sec_lines SET state = 'Done' WHERE id = 3$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT FROM public.sec_lot$$);
RESET ROLE;
SELECT lot, on_hand FROM lottrace.lot_register WHERE item = 'MILK' ORDER BY lot;
-- the superuser, with the owner's objects first on its search_path, reads
-- the movements, verifies, rebuilds, renames a lot no counting row reads,
-- and is refused renaming one a counting row reads (the guard formats the
-- predicate into its own statement)
SELECT * FROM pg_temp.shadowed($$SELECT * FROM lottrace.movements$$);
SELECT * FROM pg_temp.shadowed($q$DO $d$ BEGIN IF EXISTS (SELECT FROM lottrace.verify()) THEN
                                   RAISE EXCEPTION USING ERRCODE = 'XX000'; END IF; END $d$$q$);
SELECT * FROM pg_temp.shadowed($$SELECT lottrace.rebuild()$$);
INSERT INTO public.sec_lot VALUES (3, 'M7003');
SELECT * FROM pg_temp.shadowed($$UPDATE public.sec_lot SET name = 'M7003b' WHERE id = 3$$);
SELECT * FROM pg_temp.shadowed($$UPDATE public.sec_lot SET name = 'M7001b' WHERE id = 1$$);
SELECT source_key, lot, qty FROM lottrace.movements WHERE source = 'public.sec_lines'::regclass ORDER BY 1;
SELECT count(*) AS problems FROM lottrace.verify();
-- none of the owner's code ran, for anybody ...
SELECT count(*) AS owner_code_ran FROM public.tripwire3;
-- ... though a plain comparison and lower() under that search_path reach it
SELECT * FROM pg_temp.shadowed($$SELECT 'a'::text = 'b', lower('A'::text)$$);
SELECT obj, ran_as = current_user AS by_me FROM public.tripwire3 ORDER BY obj;
SET ROLE regress_lt_erp3;
SELECT lottrace.detach('public.sec_lines');
DROP TABLE public.sec_lines;
RESET ROLE;
GRANT EXECUTE ON FUNCTION pg_catalog.md5(text) TO PUBLIC;
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE public.tripwire3, public.sec_lot_closed, public.sec_lot_read, public.sec_lot;
DROP CAST (text AS public.sec_state);
DROP OWNED BY regress_lt_erp3, regress_lt_clerk3;
DROP ROLE regress_lt_erp3, regress_lt_clerk3;
RESET client_min_messages;
DROP SCHEMA lottrace;
