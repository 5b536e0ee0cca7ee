-- A statement's quantities per lot and warehouse are summed as 64-bit
-- integers while every quantity is an integer of at most 16 digits, and as
-- numerics from the first that is not (engine_int.h, LtSum).  Either way
-- the register must hold what numeric addition gives, display scale
-- included: 5.00 + 3 is 8.00, 1.50 - 1.50 is 0.00.  Each case below
-- compares lottrace.lot_stock, as text, with sum() over the attached table.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('Q', true);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('NEG', true);

CREATE TABLE qs (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text);
SELECT lottrace.attach('qs', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason');

-- the register against the table: the lots and warehouses where they differ
CREATE FUNCTION pg_temp.differ() RETURNS TABLE (lot text, wh text, register text, tbl text)
LANGUAGE sql AS $$
  WITH t AS (
    SELECT q.lot, q.wh,
           sum(CASE WHEN q.reason = 'IN' THEN q.qty ELSE -q.qty END)::text AS on_hand,
           coalesce(sum(q.qty) FILTER (WHERE q.reason = 'IN'), 0)::text AS loaded
      FROM qs q GROUP BY 1, 2),
  r AS (
    SELECT s.lot::text AS lot, s.warehouse AS wh, s.on_hand::text AS on_hand,
           s.loaded_qty::text AS loaded
      FROM lottrace.lot_stock s WHERE s.item = 'Q')
  SELECT coalesce(t.lot, r.lot), coalesce(t.wh, r.wh),
         r.on_hand || ' / ' || r.loaded, t.on_hand || ' / ' || t.loaded
    FROM t FULL JOIN r ON r.lot = t.lot AND r.wh = t.wh
   WHERE r.on_hand IS DISTINCT FROM t.on_hand OR r.loaded IS DISTINCT FROM t.loaded
$$;

-- integers only, many rows per lot, in one statement
INSERT INTO qs (item, qty, wh, lot, reason)
SELECT 'Q', 1 + g % 7, 'W' || g % 3, 'INT-' || g % 5, 'IN' FROM generate_series(1, 3000) g;
SELECT * FROM pg_temp.differ();
-- and taken out again, in part, by another
INSERT INTO qs (item, qty, wh, lot, reason)
SELECT 'Q', 1 + g % 2, 'W' || g % 3, 'INT-' || g % 5, 'OUT' FROM generate_series(1, 900) g;
SELECT * FROM pg_temp.differ();

-- display scales: integers written 5.00 and 3, in one statement and in two
INSERT INTO qs (item, qty, wh, lot, reason) VALUES
  ('Q', 5.00, 'W1', 'SCALE-1', 'IN'), ('Q', 3, 'W1', 'SCALE-1', 'IN'),
  ('Q', 3, 'W1', 'SCALE-2', 'IN'), ('Q', 5.000, 'W1', 'SCALE-2', 'IN');
INSERT INTO qs (item, qty, wh, lot, reason) VALUES ('Q', 2, 'W1', 'SCALE-1', 'IN');
SELECT lot, warehouse, on_hand, loaded_qty FROM lottrace.lot_stock
 WHERE lot::text LIKE 'SCALE-%' ORDER BY 1, 2;
-- a balance that comes back to zero keeps the scale: 0.00
INSERT INTO qs (item, qty, wh, lot, reason) VALUES
  ('Q', 1.50, 'W1', 'ZERO', 'IN'), ('Q', 1.50, 'NEG', 'ZERO', 'IN'), ('Q', 1.50, 'NEG', 'ZERO', 'OUT');
SELECT lot, warehouse, on_hand, loaded_qty FROM lottrace.lot_stock
 WHERE lot::text = 'ZERO' ORDER BY 1, 2;

-- a fraction after integers, and integers after a fraction
INSERT INTO qs (item, qty, wh, lot, reason) VALUES
  ('Q', 4, 'W1', 'FRAC', 'IN'), ('Q', 2.25, 'W1', 'FRAC', 'IN'), ('Q', 7, 'W1', 'FRAC', 'IN'),
  ('Q', 0.001, 'W1', 'FRAC', 'IN'), ('Q', 1, 'W1', 'FRAC', 'OUT');
SELECT lot, warehouse, on_hand, loaded_qty FROM lottrace.lot_stock
 WHERE lot::text = 'FRAC' ORDER BY 1, 2;

-- 16 digits (the largest the integer sum takes), 17 digits (a numeric
-- from the start), and 16-digit terms whose sum overflows 64 bits
INSERT INTO qs (item, qty, wh, lot, reason) VALUES
  ('Q', 9999999999999999, 'W1', 'BIG-16', 'IN'), ('Q', 1, 'W1', 'BIG-16', 'IN'),
  ('Q', 12345678901234567, 'W1', 'BIG-17', 'IN'), ('Q', 3, 'W1', 'BIG-17', 'IN');
INSERT INTO qs (item, qty, wh, lot, reason)
SELECT 'Q', 9999999999999999, 'W1', 'BIG-SUM', 'IN' FROM generate_series(1, 1000);
SELECT lot, warehouse, on_hand, loaded_qty FROM lottrace.lot_stock
 WHERE lot::text LIKE 'BIG-%' ORDER BY 1, 2;

-- an UPDATE: each row's old quantity reversed, its new one applied
UPDATE qs SET qty = qty * 2 WHERE lot IN ('INT-1', 'SCALE-2', 'FRAC');
UPDATE qs SET qty = qty + 0.5 WHERE lot = 'INT-2' AND reason = 'IN';
DELETE FROM qs WHERE lot = 'INT-3' AND reason = 'OUT';
SELECT * FROM pg_temp.differ();
SELECT count(*) AS disagreements FROM lottrace.verify();

SELECT lottrace.detach('qs');
DROP TABLE qs;
DROP EXTENSION lottrace;
