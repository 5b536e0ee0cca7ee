-- Two mapped columns read through the same foreign key: Odoo's move line
-- names its lot and its serial by one lot_id -> stock_lot.name (erp/odoo17.sql).
-- The engine reads such columns' values once per statement and both take
-- them (src/engine_lookups.c, same_lookup; docs/ENGINE.md, "Values read
-- through a foreign key").  Counted here by the index scans of shared_lot in
-- the transaction (pg_stat_xact_user_tables.idx_scan): one per key read,
-- whether by the lookup's statement ("id = ANY ($1)": PostgreSQL 15 counts
-- each element) or by the index scan of a few keys without SPI.  4 for the
-- first statement's four keys and 1 for each one-line statement, where
-- reading the lot and the serial on their own made 8 and 2.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('LT', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SN', true);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
CREATE TABLE shared_lot (id int PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO shared_lot VALUES (1, 'L-1'), (2, 'S-1'), (3, 'S-2'), (4, 'L-2');
CREATE TABLE shared_move (id serial PRIMARY KEY, product text, qty numeric, wh text,
                        lot_id int, reason text);
SELECT lottrace.attach('shared_move', item => 'product', qty => 'qty', warehouse => 'wh',
                       lot => 'lot_id -> shared_lot.name', serial => 'lot_id -> shared_lot.name',
                       reason => 'reason');

-- one statement, lots and serials: their keys read once
BEGIN;
INSERT INTO shared_move (product, qty, wh, lot_id, reason)
  VALUES ('LT', 5, 'W1', 1, 'IN'), ('SN', 1, 'W1', 2, 'IN'), ('SN', 1, 'W1', 3, 'IN'),
         ('LT', 2, 'W1', 4, 'IN');
SELECT idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'shared_lot';
-- a one-line unload of each kind: one key read each (debug2 shows the
-- reads, without SPI for so few keys)
SET client_min_messages = debug2;
INSERT INTO shared_move (product, qty, wh, lot_id, reason) VALUES ('LT', 1, 'W1', 1, 'OUT');
INSERT INTO shared_move (product, qty, wh, lot_id, reason) VALUES ('SN', 1, 'W1', 2, 'OUT');
RESET client_min_messages;
SELECT idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'shared_lot';
COMMIT;

-- both columns took their values: the lots' stock and the serials' state
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock
 ORDER BY 1, 2;
SELECT code, state, warehouse FROM lottrace.serial ORDER BY code;
SELECT * FROM lottrace.verify();

SELECT lottrace.detach('shared_move');
DROP TABLE shared_move, shared_lot;
DROP EXTENSION lottrace;
