-- The one-line document: a statement that moves one lot without a load
-- writes the lot's stock without SPI (src/register_write.c, docs/ENGINE.md
-- "Direct register writes").  It must write what the SPI UPDATE wrote, fire
-- the same row triggers on lottrace.lot (the guard, the status log, and a
-- DBA's own), refuse the same rows, and give way to SPI where it cannot
-- stand for an UPDATE: lottrace.direct_writes off, or statement-level
-- triggers or rules on lottrace.lot.  The concurrency side is
-- test/isolation/specs/direct-writes.spec.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('DW', true);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('DWV', true);
CREATE TABLE dw (id serial PRIMARY KEY, item text, variant text, qty numeric, wh text, lot text, reason text);
SELECT lottrace.attach('dw', item => 'item', variant => 'variant', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', reason => 'reason');
INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES
  ('DW', NULL, 10, 'W1', 'L1', 'IN'), ('DW', NULL, 4, 'W2', 'L1', 'IN'),
  ('DWV', 'RED', 5, 'W1', 'L1', 'IN'), ('DWV', 'BLUE', 6, 'W1', 'L1', 'IN');

-- one line, one lot: written without SPI
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 3, 'W1', 'L1', 'OUT');
-- the variant is part of the lot's key (and NULL is a variant of its own)
INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES ('DWV', 'BLUE', 2, 'W1', 'L1', 'OUT');
-- an UPDATE and a DELETE of one line are one-lot statements too
UPDATE dw SET qty = 4 WHERE item = 'DW' AND reason = 'OUT';
DELETE FROM dw WHERE item = 'DWV' AND reason = 'OUT';
-- the same through SPI
SET lottrace.direct_writes = off;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W2', 'L1', 'OUT');
RESET lottrace.direct_writes;
RESET client_min_messages;
SELECT item, variant, code, stock FROM lottrace.lot ORDER BY item, variant;
SELECT * FROM lottrace.verify();

-- the same refusals, with the same names
SELECT * FROM pg_temp.err($$INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 7, 'W1', 'L1', 'OUT')$$);
SELECT * FROM pg_temp.err($$INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'NOPE', 'OUT')$$);
SELECT * FROM pg_temp.err($$INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES ('DWV', 'GREEN', 1, 'W1', 'L1', 'OUT')$$);
SELECT lottrace.set_lot_status('DW', 'L1', 'BLOCKED', 'lab');
SELECT * FROM pg_temp.err($$INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT')$$);
SELECT lottrace.set_lot_status('DW', 'L1', 'AVAILABLE', 'lab OK');

-- a DBA's own AFTER ROW trigger on lottrace.lot fires on the direct path,
-- and the status log does not fire for stock (it is UPDATE OF status)
CREATE TABLE lot_audit (lot_id bigint, old_stock jsonb, new_stock jsonb);
CREATE FUNCTION audit_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lot_audit VALUES (NEW.lot_id, OLD.stock, NEW.stock);
  RETURN NULL;
END $$;
CREATE FUNCTION touch_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.notes := coalesce(OLD.notes || '+', '') || 'moved';
  RETURN NEW;
END $$;
CREATE TRIGGER audit AFTER UPDATE ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION audit_lot();
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT');
RESET client_min_messages;
SELECT a.old_stock, a.new_stock FROM lot_audit a JOIN lottrace.lot l USING (lot_id);
SELECT count(*) AS status_log_rows FROM lottrace.lot_status_log;
-- a BEFORE ROW trigger of a DBA's own: through SPI; the row it returns is
-- the one written (and RETURNING gives the engine)
CREATE TRIGGER touch BEFORE UPDATE OF stock ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION touch_lot();
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT');
RESET client_min_messages;
SELECT code, notes, stock FROM lottrace.lot WHERE item = 'DW';
-- ... and one that skips the row: the lot is not there to unload from
CREATE FUNCTION skip_lot() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER skip BEFORE UPDATE ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION skip_lot();
SELECT * FROM pg_temp.err($$INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT')$$);
DROP TRIGGER skip ON lottrace.lot;
DROP TRIGGER touch ON lottrace.lot;
DROP TRIGGER audit ON lottrace.lot;

-- statement-level triggers on lottrace.lot: the write goes through SPI,
-- which fires them
CREATE TABLE lot_stmts (n int);
CREATE FUNCTION count_stmt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lot_stmts VALUES ((SELECT count(*) FROM changed));
  RETURN NULL;
END $$;
CREATE TRIGGER stmts AFTER UPDATE ON lottrace.lot REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION count_stmt();
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT');
RESET client_min_messages;
SELECT * FROM lot_stmts;
DROP TRIGGER stmts ON lottrace.lot;
SELECT * FROM lottrace.verify();

-- Each backend keeps what it found about lottrace.lot (its CHECK
-- constraints compiled, whether the direct path may write it) until the
-- table's relcache entry is invalidated: a rule or a CHECK constraint added
-- in this session counts from the next write on, and so does its removal.
CREATE RULE dw_notify AS ON UPDATE TO lottrace.lot DO ALSO NOTIFY dw_lot_changed;
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT');
RESET client_min_messages;
DROP RULE dw_notify ON lottrace.lot;
SELECT stock FROM lottrace.lot WHERE item = 'DW';
ALTER TABLE lottrace.lot ADD CONSTRAINT regress_dw_w1_above_1
  CHECK (item <> 'DW' OR (stock -> 'W1' ->> 1)::numeric > 1);
SET client_min_messages = debug1;
SELECT sqlstate, constraint_name, message  -- (the failing row shows today's date)
  FROM pg_temp.err($$INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT')$$);
RESET client_min_messages;
ALTER TABLE lottrace.lot DROP CONSTRAINT regress_dw_w1_above_1;
SET client_min_messages = debug1;
INSERT INTO dw (item, qty, wh, lot, reason) VALUES ('DW', 1, 'W1', 'L1', 'OUT');
RESET client_min_messages;
SELECT stock FROM lottrace.lot WHERE item = 'DW';
SELECT * FROM lottrace.verify();

-- Several lots without a load in one statement: each written in turn, in
-- key order, in one statement; the same through SPI (lot_update_plan).
-- The audit trigger sees each lot once per statement; a CHECK constraint
-- refuses the statement whichever lot breaks it, and leaves no lot written.
CREATE TRIGGER audit AFTER UPDATE ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION audit_lot();
DELETE FROM lot_audit;
SET client_min_messages = debug1;
INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES
  ('DWV', 'RED', 1, 'W1', 'L1', 'OUT'), ('DW', NULL, 1, 'W2', 'L1', 'OUT'),
  ('DWV', 'BLUE', 1, 'W1', 'L1', 'OUT'), ('DW', NULL, 1, 'W1', 'L1', 'OUT');
SET lottrace.direct_writes = off;
INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES
  ('DWV', 'RED', 1, 'W1', 'L1', 'OUT'), ('DWV', 'BLUE', 1, 'W1', 'L1', 'OUT');
RESET lottrace.direct_writes;
RESET client_min_messages;
SELECT l.item, l.variant, a.old_stock, a.new_stock
  FROM lot_audit a JOIN lottrace.lot l USING (lot_id) ORDER BY a.new_stock::text, l.item, l.variant;
DROP TRIGGER audit ON lottrace.lot;
ALTER TABLE lottrace.lot ADD CONSTRAINT regress_dwv_red_above_2
  CHECK (item <> 'DWV' OR variant <> 'RED' OR (stock -> 'W1' ->> 1)::numeric > 2);
SELECT sqlstate, constraint_name, message  -- (the failing row shows today's date)
  FROM pg_temp.err($$INSERT INTO dw (item, variant, qty, wh, lot, reason) VALUES
       ('DW', NULL, 1, 'W1', 'L1', 'OUT'), ('DWV', 'RED', 1, 'W1', 'L1', 'OUT'),
       ('DWV', 'BLUE', 1, 'W1', 'L1', 'OUT')$$);
ALTER TABLE lottrace.lot DROP CONSTRAINT regress_dwv_red_above_2;
SELECT item, variant, stock FROM lottrace.lot ORDER BY item, variant;
SELECT * FROM lottrace.verify();

-- the setting is the superuser's
CREATE ROLE dw_clerk;
SET ROLE dw_clerk;
SELECT * FROM pg_temp.err($$SET lottrace.direct_writes = off$$);
RESET ROLE;
DROP ROLE dw_clerk;

SELECT lottrace.detach('dw');
DROP TABLE dw, lot_audit, lot_stmts;
DROP FUNCTION audit_lot(), touch_lot(), skip_lot(), count_stmt();
DROP EXTENSION lottrace;
