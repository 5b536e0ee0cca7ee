-- Float quantities are read exactly (issue 13, point 6): a real or double
-- precision quantity counts as the shortest decimal that prints the same
-- value, in the engine and in lottrace.movements, so verify() agrees.
-- (1.0 used float4_numeric: 6 significant digits, 12345.67 became 12345.7.)
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all

INSERT INTO lottrace.item (item, lot_tracked) VALUES ('OIL', true);
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('W1', false);
-- Dolibarr's stock movements keep the quantity as real.
CREATE DOMAIN qty_real AS real;
CREATE TABLE mv_real (id int PRIMARY KEY, item text, qty real, wh text, lot text);
CREATE TABLE mv_dom (id int PRIMARY KEY, item text, qty qty_real, wh text, lot text);
CREATE TABLE mv_double (id int PRIMARY KEY, item text, qty double precision, wh text, lot text);
SELECT lottrace.attach('mv_real', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
SELECT lottrace.attach('mv_dom', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
SELECT lottrace.attach('mv_double', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');

-- 12345.6 + 0.07 in, 12345.67 out: nothing left, nothing below zero.
INSERT INTO mv_real VALUES (1, 'OIL', 12345.6, 'W1', 'R1'), (2, 'OIL', 0.07, 'W1', 'R1');
INSERT INTO mv_real VALUES (3, 'OIL', -12345.67, 'W1', 'R1');
-- the same through a domain over real
INSERT INTO mv_dom VALUES (1, 'OIL', 12345.6, 'W1', 'D1'), (2, 'OIL', 0.07, 'W1', 'D1');
INSERT INTO mv_dom VALUES (3, 'OIL', -12345.67, 'W1', 'D1');
-- double precision: 17 significant digits kept
INSERT INTO mv_double VALUES (1, 'OIL', 0.1234567890123456789, 'W1', 'F1'), (2, 'OIL', 1e-20, 'W1', 'F1');
SELECT lot, warehouse, loaded_qty, on_hand FROM lottrace.lot_stock ORDER BY lot;
-- the movements say the same
SELECT source, source_key, qty FROM lottrace.movements ORDER BY source::text, source_key;
SELECT count(*) AS disagreements FROM lottrace.verify();
-- rebuild() keeps it
SELECT lottrace.rebuild();
SELECT lot, on_hand FROM lottrace.lot_stock ORDER BY lot;
SELECT count(*) AS disagreements FROM lottrace.verify();
-- NaN and infinity stay refused
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO mv_real VALUES (9, 'OIL', 'NaN', 'W1', 'R1')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO mv_double VALUES (9, 'OIL', '-Infinity', 'W1', 'F1')$$);
-- the conversion itself
SELECT lottrace._qty(12345.67::real) AS r, lottrace._qty(0.1::real) AS r01,
       lottrace._qty(0.1::double precision + 0.2) AS d, lottrace._qty('-0'::real) AS negzero;

SELECT lottrace.detach('mv_real'), lottrace.detach('mv_dom'), lottrace.detach('mv_double');
DROP TABLE mv_real, mv_dom, mv_double;
DROP DOMAIN qty_real;
DROP EXTENSION lottrace;
