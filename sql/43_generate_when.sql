-- lottrace_generate's WHEN clause, lottrace._wants_code(item, lot, serial),
-- prepared once per backend and role instead of once per statement
-- (src/trigger_when.c; docs/ENGINE.md, "The WHEN clause, prepared once").
-- PostgreSQL prepares a row trigger's WHEN clause again for every statement;
-- lottrace's ExecutorStart hook hands it the one this backend prepared
-- before.  client_min_messages = debug2 shows each time it is prepared.
--
-- Checked here: the clause still decides which rows reach the trigger,
-- statement after statement; each role gets its own (EXECUTE is checked
-- when a clause is prepared, so a REVOKE must reach a role whose clause was
-- prepared before); a changed clause is prepared again, and one of another
-- shape is left to PostgreSQL.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('GW', 'lot', 'GW{SEQ:4}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('GEN', true, 'GW');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('OWN', true);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
CREATE TABLE gw (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text,
                 reason text);
SELECT lottrace.attach('gw', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason');

-- prepared by the first statement only; every row still judged by it:
-- GEN without a lot gets one, a row with its lot keeps it
SET client_min_messages = debug2;
INSERT INTO gw (item, qty, wh, lot, reason) VALUES ('OWN', 5, 'W1', 'O-1', 'IN');
INSERT INTO gw (item, qty, wh, lot, reason) VALUES ('GEN', 2, 'W1', NULL, 'IN');
INSERT INTO gw (item, qty, wh, lot, reason)
  SELECT 'GEN', 1, 'W1', CASE WHEN g = 2 THEN 'GW9001' END, 'IN' FROM generate_series(1, 3) g;
RESET client_min_messages;
SELECT id, item, lot FROM gw ORDER BY id;

-- through SPI (PL/pgSQL) the same: the clause kept serves it
SET client_min_messages = debug2;
DO $$ BEGIN INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W2', 'IN'); END $$;
RESET client_min_messages;
SELECT count(*) FILTER (WHERE lot LIKE 'GW0%') AS generated FROM gw WHERE wh = 'W2';

-- another role: prepared again, for it
CREATE ROLE lt_when_clerk;
GRANT USAGE ON SCHEMA lottrace TO lt_when_clerk;
GRANT SELECT, INSERT ON gw TO lt_when_clerk;
GRANT USAGE ON SEQUENCE gw_id_seq TO lt_when_clerk;
SET ROLE lt_when_clerk;
SET client_min_messages = debug2;
INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN');
INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN');
RESET client_min_messages;
RESET ROLE;

-- EXECUTE taken from the role after its clause was prepared: its next
-- INSERT is refused, as PostgreSQL refuses it (42501), and works again
-- once the right is back
REVOKE EXECUTE ON FUNCTION lottrace._wants_code(text, text, text) FROM PUBLIC;
SET ROLE lt_when_clerk;
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN')$$);
-- without the right, statements that would not evaluate the clause are not
-- refused: an EXPLAIN, an INSERT of no row (PostgreSQL prepares the clause
-- at the first row that fires the trigger)
SELECT sqlstate FROM pg_temp.err($$EXPLAIN (COSTS OFF) INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN')$$);
SELECT sqlstate FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) SELECT 'GEN', 1, 'W3', 'IN' WHERE false$$);
RESET ROLE;
-- the right held through a role: its clause prepared; the membership
-- taken away, the next INSERT is refused
CREATE ROLE lt_when_group;
GRANT EXECUTE ON FUNCTION lottrace._wants_code(text, text, text) TO lt_when_group;
GRANT lt_when_group TO lt_when_clerk;
SET ROLE lt_when_clerk;
SELECT sqlstate FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN')$$);
RESET ROLE;
REVOKE lt_when_group FROM lt_when_clerk;
SET ROLE lt_when_clerk;
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN')$$);
RESET ROLE;
REVOKE EXECUTE ON FUNCTION lottrace._wants_code(text, text, text) FROM lt_when_group;
DROP ROLE lt_when_group;
GRANT EXECUTE ON FUNCTION lottrace._wants_code(text, text, text) TO PUBLIC;
SET ROLE lt_when_clerk;
SELECT sqlstate FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W3', 'IN')$$);
RESET ROLE;
SELECT count(*) AS rows_w3, count(*) FILTER (WHERE lot LIKE 'GW0%') AS generated
  FROM gw WHERE wh = 'W3';

-- a statement that runs while a nested one finds the clauses changed (a
-- function created between its rows): it goes on evaluating the clause it
-- was given, which is let go only when the transaction ends
CREATE FUNCTION pg_temp.nested(n int) RETURNS numeric LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE FUNCTION pg_temp.made_%s() RETURNS int LANGUAGE sql AS ''SELECT 1''', n);
  INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W5', 'IN');
  RETURN n;
END $$;
INSERT INTO gw (item, qty, wh, reason) SELECT 'GEN', pg_temp.nested(g), 'W5', 'IN' FROM generate_series(1, 3) g;
SELECT count(*) AS rows_w5, count(*) FILTER (WHERE lot LIKE 'GW0%') AS generated
  FROM gw WHERE wh = 'W5';

-- the clause changed in place (CREATE OR REPLACE TRIGGER keeps the
-- trigger's OID, so only its text tells) to one that lets no row through,
-- not of lottrace's shape, so PostgreSQL prepares it: GEN's missing lot is no
-- longer generated, and the statement trigger refuses the row
CREATE FUNCTION pg_temp.generate_when(cond text) RETURNS oid LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER lottrace_generate BEFORE INSERT ON gw FOR EACH ROW WHEN (%s) EXECUTE FUNCTION lottrace._trg_generate()', cond);
  RETURN (SELECT oid FROM pg_trigger WHERE tgrelid = 'gw'::regclass AND tgname = 'lottrace_generate');
END $$;
SELECT oid AS generate_oid FROM pg_trigger WHERE tgrelid = 'gw'::regclass AND tgname = 'lottrace_generate' \gset
SELECT pg_temp.generate_when('false') = :generate_oid AS same_trigger;
SET client_min_messages = debug2;
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W4', 'IN')$$);
RESET client_min_messages;

-- lottrace's shape again, with other arguments: prepared again, and it is
-- the new clause that decides
SELECT pg_temp.generate_when('lottrace._wants_code(NEW.item, NEW.lot, NULL)') = :generate_oid
       AS same_trigger;
SET client_min_messages = debug2;
INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W4', 'IN');
INSERT INTO gw (item, qty, wh, reason) VALUES ('GEN', 1, 'W4', 'IN');
RESET client_min_messages;
SELECT count(*) AS rows_w4, count(*) FILTER (WHERE lot LIKE 'GW0%') AS generated
  FROM gw WHERE wh = 'W4';

-- the registers agree with the table
SELECT * FROM lottrace.verify();

REVOKE ALL ON gw FROM lt_when_clerk;
REVOKE ALL ON SEQUENCE gw_id_seq FROM lt_when_clerk;
REVOKE USAGE ON SCHEMA lottrace FROM lt_when_clerk;
DROP ROLE lt_when_clerk;
SELECT lottrace.detach('gw');
DROP TABLE gw;
DROP EXTENSION lottrace;
