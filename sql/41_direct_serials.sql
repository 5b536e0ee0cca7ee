-- A receipt of new serials inserts them into lottrace.serial without SPI
-- (src/serial_write.c, docs/ENGINE.md "Direct register writes"): as
-- serial_insert_plan's INSERT ... ON CONFLICT ON CONSTRAINT
-- serial_item_code_variant_key DO NOTHING would.  The same statements run
-- twice, on the direct path and through SPI (lottrace.direct_writes off),
-- into two items, and the two registers must hold the same rows: the
-- columns the INSERT names, the defaults of the others (the identity, the
-- flags), the lot found for a lot-tracked serial, the expiry from the
-- validity; the same refusals.  Plain unloads likewise (the serial locked,
-- checked, set out; the claims check consumes a reservation).  A DBA's own
-- AFTER ROW trigger fires; a BEFORE ROW trigger of a DBA's own sends the
-- inserts through SPI.  The
-- concurrency side is test/isolation/specs/direct-serials.spec.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.item (item, serial_tracked, serial_validity_days) VALUES
  ('SD', true, 30), ('SS', true, 30);
INSERT INTO lottrace.item (item, serial_tracked, lot_tracked) VALUES ('SLD', true, true), ('SLS', true, true);
CREATE TABLE ds (id serial PRIMARY KEY, item text, variant text, qty numeric, wh text, lot text,
                 serial text, reason text, doc text, moved_on date, account text);
SELECT lottrace.attach('ds', item => 'item', variant => 'variant', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', serial => 'serial', reason => 'reason', doc => 'doc',
                       moved_on => 'moved_on', account => 'account');

-- the same documents for item SD on the direct path and for SS through SPI
CREATE FUNCTION post(it text, lit text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- a receipt: two new serials, one with a variant, one from a supplier
  INSERT INTO ds (item, variant, qty, wh, serial, reason, doc, moved_on, account) VALUES
    (it, NULL, 1, 'W1', 'A1', 'IN', 'GRN1', '2025-01-01', 'SUP1'),
    (it, 'RED', 1, 'W1', 'A1', 'IN', 'GRN1', '2025-01-01', NULL);
  -- received and shipped in one statement: new, and out at once
  INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES
    (it, 1, 'W2', 'A2', 'IN', 'GRN2', '2025-01-02'),
    (it, 1, 'W2', 'A2', 'OUT', 'DO2', '2025-01-03');
  -- shipped, then received again (a return): it exists, so it is locked and updated
  INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES (it, 1, 'W1', 'A1', 'OUT', 'DO3', '2025-01-04');
  INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES (it, 1, 'W3', 'A1', 'IN', 'RET3', '2025-01-05');
  -- a lot-tracked serial: its lot is found (made in the same statement, or before)
  INSERT INTO ds (item, qty, wh, lot, serial, reason, doc, moved_on) VALUES
    (lit, 1, 'W1', 'L1', 'B1', 'IN', 'GRN4', '2025-01-06'),
    (lit, 1, 'W2', 'L1', 'B2', 'IN', 'GRN4', '2025-01-06');
  INSERT INTO ds (item, qty, wh, lot, serial, reason, doc, moved_on) VALUES
    (lit, 1, 'W1', 'L1', 'B3', 'IN', 'GRN5', '2025-01-07');
END $$;
SELECT post('SD', 'SLD');
SET lottrace.direct_writes = off;
SELECT post('SS', 'SLS');
RESET lottrace.direct_writes;
-- which path wrote them: a receipt of a new serial and a return of one
-- that exists (0 written: it goes to the lock and update), each way
SET client_min_messages = debug1;
INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES ('SD', 1, 'W1', 'E1', 'IN', 'GRN8', '2025-01-10');
INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES ('SD', 1, 'W1', 'A2', 'IN', 'RET8', '2025-01-10');
SET lottrace.direct_writes = off;
INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES ('SS', 1, 'W1', 'E1', 'IN', 'GRN8', '2025-01-10');
INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES ('SS', 1, 'W1', 'A2', 'IN', 'RET8', '2025-01-10');
RESET lottrace.direct_writes;
RESET client_min_messages;

-- the two registers, item for item: the same rows
CREATE VIEW reg AS
  SELECT s.item, s.variant, s.code, s.state, s.warehouse, l.code AS lot, s.start_date, s.expiry_date,
         s.customer_code, s.supplier_code, s.supplier, s.cancelled, s.force_closed, s.reserved, s.held,
         s.load_doc, s.loaded_on, s.unload_doc, s.unloaded_on
    FROM lottrace.serial s LEFT JOIN lottrace.lot l USING (lot_id);
SELECT * FROM reg WHERE item IN ('SD', 'SLD') ORDER BY item, code, variant NULLS FIRST;
-- rows of one register and not the other (the direct items' names made
-- the SPI items')
CREATE FUNCTION differences() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
    (SELECT translate(item, 'D', 'S') AS item, variant, code, state, warehouse, lot, start_date, expiry_date,
            customer_code, supplier_code, supplier, cancelled, force_closed, reserved, held,
            load_doc, loaded_on, unload_doc, unloaded_on FROM reg WHERE item IN ('SD', 'SLD')
     EXCEPT ALL SELECT * FROM reg WHERE item IN ('SS', 'SLS'))
    UNION ALL
    (SELECT * FROM reg WHERE item IN ('SS', 'SLS')
     EXCEPT ALL SELECT translate(item, 'D', 'S'), variant, code, state, warehouse, lot, start_date, expiry_date,
            customer_code, supplier_code, supplier, cancelled, force_closed, reserved, held,
            load_doc, loaded_on, unload_doc, unloaded_on FROM reg WHERE item IN ('SD', 'SLD'))) d
$$;
SELECT differences();
-- every serial has its own identity
SELECT count(DISTINCT serial_id) = count(*) AS distinct_ids FROM lottrace.serial;
SELECT * FROM lottrace.verify();

-- the same refusals, with the same names: a serial in stock received again,
-- and one received twice in a statement
SELECT * FROM pg_temp.err($$INSERT INTO ds (item, qty, wh, serial, reason) VALUES ('SD', 1, 'W2', 'A1', 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO ds (item, qty, wh, serial, reason) VALUES ('SD', 1, 'W2', 'C1', 'IN'), ('SD', 1, 'W1', 'C1', 'IN')$$);
SET lottrace.direct_writes = off;
SELECT * FROM pg_temp.err($$INSERT INTO ds (item, qty, wh, serial, reason) VALUES ('SS', 1, 'W2', 'A1', 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO ds (item, qty, wh, serial, reason) VALUES ('SS', 1, 'W2', 'C1', 'IN'), ('SS', 1, 'W1', 'C1', 'IN')$$);
RESET lottrace.direct_writes;
-- a lot code the lotcode type refuses, for a lot-tracked serial: the cast's error
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO ds (item, qty, wh, lot, serial, reason) VALUES ('SLD', 1, 'W1', E'L\x01', 'B9', 'IN')$$);
-- a failed statement leaves nothing: no serial C1 or B9
SELECT count(*) FROM lottrace.serial WHERE code IN ('C1', 'B9');

-- plain unloads (a serial shipped from the warehouse it is in) are written
-- without SPI too: the serial locked, checked, set out.  The same
-- documents for both items: shipments, a reserved serial shipped by its
-- reservation's document (which consumes it), then the refusals
CREATE FUNCTION ship(it text, lit text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES
    (it, 1, 'W1', 'E1', 'OUT', 'DO9', '2025-02-01'), (it, 1, 'W3', 'A1', 'OUT', 'DO9', '2025-02-01');
  PERFORM lottrace.reserve_serial(lit, 'B1', 'SO1');
  INSERT INTO ds (item, qty, wh, lot, serial, reason, doc, moved_on) VALUES
    (lit, 1, 'W1', 'L1', 'B1', 'OUT', 'SO1', '2025-02-02');
  PERFORM lottrace.reserve_serial(lit, 'B3', 'SO2');
  PERFORM lottrace.hold_serial(lit, 'B2', 'QA');
END $$;
SET client_min_messages = debug1;
SELECT ship('SD', 'SLD');
SET lottrace.direct_writes = off;
SELECT ship('SS', 'SLS');
RESET lottrace.direct_writes;
RESET client_min_messages;
-- refused the same way: not in that warehouse, cancelled, reserved for
-- another document, held
UPDATE lottrace.serial SET cancelled = true WHERE code = 'A1' AND variant = 'RED';
CREATE FUNCTION refusals(it text, lit text) RETURNS TABLE (sqlstate text, constraint_name text, message text) LANGUAGE sql AS $$
  SELECT e.sqlstate, e.constraint_name, e.message FROM (VALUES
    (1, format($q$INSERT INTO ds (item, qty, wh, serial, reason, doc, moved_on) VALUES (%L, 1, 'W2', 'A2', 'OUT', 'DO10', '2025-02-03')$q$, it)),
    (2, format($q$INSERT INTO ds (item, variant, qty, wh, serial, reason, doc) VALUES (%L, 'RED', 1, 'W1', 'A1', 'OUT', 'DO10')$q$, it)),
    (3, format($q$INSERT INTO ds (item, qty, wh, lot, serial, reason, doc) VALUES (%L, 1, 'W1', 'L1', 'B3', 'OUT', 'SO9')$q$, lit)),
    (4, format($q$INSERT INTO ds (item, qty, wh, lot, serial, reason, doc) VALUES (%L, 1, 'W2', 'L1', 'B2', 'OUT', 'DO10')$q$, lit))) v(n, stmt),
    LATERAL pg_temp.err(v.stmt) e ORDER BY v.n
$$;
SELECT * FROM refusals('SD', 'SLD');
SET lottrace.direct_writes = off;
SELECT * FROM refusals('SS', 'SLS');
RESET lottrace.direct_writes;
-- the registers and the reservations, item for item, after the shipments
SELECT * FROM reg WHERE item IN ('SD', 'SLD') ORDER BY item, code, variant NULLS FIRST;
SELECT differences();
SELECT l.item, s.code, r.doc, r.qty, r.consumed_qty, r.released_at IS NULL AS open
  FROM lottrace.reservation r JOIN lottrace.serial s USING (serial_id) JOIN lottrace.lot l ON l.lot_id = s.lot_id
 ORDER BY l.item, s.code;
SELECT item, code, claims FROM lottrace.lot ORDER BY item;
SELECT * FROM lottrace.verify();

-- a DBA's own AFTER ROW INSERT trigger on lottrace.serial fires on the direct path
CREATE TABLE serial_audit (code text, state text, warehouse text);
CREATE FUNCTION audit_serial() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO serial_audit VALUES (NEW.code, NEW.state, NEW.warehouse);
  RETURN NULL;
END $$;
CREATE TRIGGER audit AFTER INSERT ON lottrace.serial FOR EACH ROW EXECUTE FUNCTION audit_serial();
SET client_min_messages = debug1;
INSERT INTO ds (item, qty, wh, serial, reason, doc) VALUES ('SD', 1, 'W1', 'D1', 'IN', 'GRN6'), ('SD', 1, 'W1', 'D2', 'IN', 'GRN6');
RESET client_min_messages;
SELECT * FROM serial_audit ORDER BY code;
-- ... and a BEFORE ROW trigger of a DBA's own (it may skip a row) sends the inserts through SPI
CREATE FUNCTION stamp_serial() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.customer_code := 'stamped';
  RETURN NEW;
END $$;
CREATE TRIGGER stamp BEFORE INSERT ON lottrace.serial FOR EACH ROW EXECUTE FUNCTION stamp_serial();
SET client_min_messages = debug1;
INSERT INTO ds (item, qty, wh, serial, reason, doc) VALUES ('SD', 1, 'W1', 'D3', 'IN', 'GRN7');
RESET client_min_messages;
SELECT code, customer_code FROM lottrace.serial WHERE code = 'D3';
DROP TRIGGER stamp ON lottrace.serial;
DROP TRIGGER audit ON lottrace.serial;
SELECT * FROM lottrace.verify();
DROP VIEW reg;
SELECT lottrace.detach('ds');
DROP TABLE ds, serial_audit;
DROP FUNCTION post(text, text), ship(text, text), refusals(text, text), differences(), audit_serial(), stamp_serial();
DROP EXTENSION lottrace;
