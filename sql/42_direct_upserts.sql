-- Lots with a load are written without SPI (src/register_write.c,
-- lt_lot_upsert_direct; docs/ENGINE.md "Direct register writes"): as
-- lot_upsert_plan's INSERT ... ON CONFLICT ON CONSTRAINT
-- lot_item_code_variant_key DO UPDATE SET stock = stock + delta would.
-- The same documents run twice, on the direct path and through SPI
-- (lottrace.direct_writes off), for two items, and the two registers must
-- hold the same lots: the columns the INSERT names, the defaults of the
-- others, the stock of a new lot and of one loaded again, the status and
-- expiry a new lot starts with; the same refusals (negative stock after a
-- load into a lot that exists, a code of the wrong format); a DBA's own
-- AFTER ROW INSERT trigger fires, and a BEFORE ROW INSERT trigger of a
-- DBA's own sends the upserts through SPI.  The concurrency side is
-- test/isolation/specs/direct-upserts.spec.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('UPD', 'lot', 'U{SEQ:3}'), ('UPS', 'lot', 'U{SEQ:3}');
INSERT INTO lottrace.lot_status (code, available) VALUES ('QC', false);
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days, initial_status) VALUES
  ('UD', true, 'UPD', 10, 'QC'), ('US', true, 'UPS', 10, 'QC');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('VD', true), ('VS', true);
CREATE TABLE du (id serial PRIMARY KEY, item text, variant text, qty numeric, wh text, lot text,
                 reason text, doc text, moved_on date, account text, supplier_lot text, expiry date);
SELECT lottrace.attach('du', item => 'item', variant => 'variant', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       account => 'account', supplier_lot => 'supplier_lot', expiry => 'expiry');

-- the same documents for items UD and VD on the direct path, US and VS through SPI
CREATE FUNCTION receive(it text, vit text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- new lots: one named, one generated (U{SEQ:3}), one with its expiry given,
  -- a variant of its own
  INSERT INTO du (item, variant, qty, wh, lot, reason, doc, moved_on, account, supplier_lot, expiry) VALUES
    (it, NULL, 5, 'W1', 'U050', 'IN', 'GRN1', '2025-03-01', 'SUP1', 'S-77', NULL),
    (it, NULL, 2.50, 'W2', NULL, 'IN', 'GRN1', '2025-03-01', 'SUP1', NULL, NULL),
    (vit, NULL, 4, 'W1', 'V1', 'IN', 'GRN1', '2025-03-01', NULL, NULL, '2026-01-31'),
    (vit, 'RED', 4, 'W1', 'V1', 'IN', 'GRN1', '2025-03-01', NULL, NULL, NULL);
  -- loaded again (it exists: its stock is added to), in another warehouse,
  -- with a new lot in the same statement
  INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES
    (it, 3, 'W2', 'U050', 'IN', 'GRN2', '2025-03-02'),
    (it, 1, 'W1', 'U050', 'IN', 'GRN2', '2025-03-02'),
    (vit, 7, 'W3', 'V2', 'IN', 'GRN2', '2025-03-02');
  -- loaded and unloaded in one statement
  INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES
    (vit, 6, 'W1', 'V1', 'IN', 'GRN3', '2025-03-03'), (vit, 9, 'W1', 'V1', 'OUT', 'DO3', '2025-03-03');
END $$;
SELECT receive('UD', 'VD');
SET lottrace.direct_writes = off;
SELECT receive('US', 'VS');
RESET lottrace.direct_writes;
-- which path: a new lot and one that exists, each way
SET client_min_messages = debug1;
INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES
  ('VD', 1, 'W1', 'V1', 'IN', 'GRN4', '2025-03-04'), ('VD', 1, 'W1', 'V3', 'IN', 'GRN4', '2025-03-04');
SET lottrace.direct_writes = off;
INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES
  ('VS', 1, 'W1', 'V1', 'IN', 'GRN4', '2025-03-04'), ('VS', 1, 'W1', 'V3', 'IN', 'GRN4', '2025-03-04');
RESET lottrace.direct_writes;
RESET client_min_messages;

-- the two registers, item for item: the same lots
CREATE VIEW reg AS
  SELECT item, variant, code, lot_type, supplier, supplier_lot, manufacturer, start_date,
         expiry_date, initial_qty, packages, notes, status, evaluation, saleable, force_closed,
         stock, claims
    FROM lottrace.lot;
SELECT * FROM reg WHERE item IN ('UD', 'VD') ORDER BY item, code, variant NULLS FIRST;
SELECT count(*) AS differences FROM (
  (SELECT translate(item, 'D', 'S') AS item, variant, code, lot_type, supplier, supplier_lot,
          manufacturer, start_date, expiry_date, initial_qty, packages, notes, status, evaluation,
          saleable, force_closed, stock, claims FROM reg WHERE item IN ('UD', 'VD')
   EXCEPT ALL SELECT * FROM reg WHERE item IN ('US', 'VS'))
  UNION ALL
  (SELECT * FROM reg WHERE item IN ('US', 'VS')
   EXCEPT ALL SELECT translate(item, 'D', 'S'), variant, code, lot_type, supplier, supplier_lot,
          manufacturer, start_date, expiry_date, initial_qty, packages, notes, status, evaluation,
          saleable, force_closed, stock, claims FROM reg WHERE item IN ('UD', 'VD'))) d;
-- (the code type each item's lots were made with is its own)
SELECT item, code, code_type FROM lottrace.lot WHERE item IN ('UD', 'US') ORDER BY item, code;
SELECT count(DISTINCT lot_id) = count(*) AS distinct_ids FROM lottrace.lot;
SELECT * FROM lottrace.verify();

-- the same refusals, with the same names: a load into a lot that exists
-- with an unload that takes more than it holds, a code of the wrong format,
-- and nothing written by either
CREATE FUNCTION refusals(it text, vit text) RETURNS TABLE (sqlstate text, constraint_name text, message text) LANGUAGE sql AS $$
  SELECT e.sqlstate, e.constraint_name, e.message FROM (VALUES
    (1, format($q$INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES
                 (%L, 1, 'W2', 'V2', 'IN', 'GRN5', '2025-03-05'), (%L, 50, 'W3', 'V2', 'OUT', 'DO5', '2025-03-05')$q$, vit, vit)),
    (2, format($q$INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES (%L, 1, 'W1', 'X-1', 'IN', 'GRN5', '2025-03-05')$q$, it))) v(n, stmt),
    LATERAL pg_temp.err(v.stmt) e ORDER BY v.n
$$;
SELECT * FROM refusals('UD', 'VD');
SET lottrace.direct_writes = off;
SELECT * FROM refusals('US', 'VS');
RESET lottrace.direct_writes;
SELECT count(*) FROM lottrace.lot WHERE code = 'X-1';

-- a DBA's own AFTER ROW INSERT trigger on lottrace.lot fires on the direct path
CREATE TABLE lot_audit (code text, status text, stock jsonb);
CREATE FUNCTION audit_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lot_audit VALUES (NEW.code, NEW.status, NEW.stock);
  RETURN NULL;
END $$;
CREATE TRIGGER audit AFTER INSERT ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION audit_lot();
SET client_min_messages = debug1;
INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES ('VD', 2, 'W1', 'V4', 'IN', 'GRN6', '2025-03-06');
RESET client_min_messages;
SELECT * FROM lot_audit;
-- ... and a BEFORE ROW INSERT trigger of a DBA's own sends the upserts through SPI
CREATE FUNCTION stamp_lot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.notes := 'stamped';
  RETURN NEW;
END $$;
CREATE TRIGGER stamp BEFORE INSERT ON lottrace.lot FOR EACH ROW EXECUTE FUNCTION stamp_lot();
SET client_min_messages = debug1;
INSERT INTO du (item, qty, wh, lot, reason, doc, moved_on) VALUES ('VD', 2, 'W1', 'V5', 'IN', 'GRN7', '2025-03-07');
RESET client_min_messages;
SELECT code, notes FROM lottrace.lot WHERE code IN ('V4', 'V5') ORDER BY code;
DROP TRIGGER stamp ON lottrace.lot;
DROP TRIGGER audit ON lottrace.lot;
SELECT * FROM lottrace.verify();

DROP VIEW reg;
SELECT lottrace.detach('du');
DROP TABLE du, lot_audit;
DROP FUNCTION receive(text, text), refusals(text, text), audit_lot(), stamp_lot();
DROP EXTENSION lottrace;
