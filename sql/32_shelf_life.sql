-- Shelf life (docs/SHELF_LIFE.md): an item's minimum remaining shelf life
-- at receipt (days, percentage), an account's minimum at shipment
-- (lottrace.shelf_life_rule, by item or category), expiry_rule
-- from_components; refusals with 23514 lottrace_shelf_life; the library on
-- a 1.1 schema.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET datestyle = 'ISO, YMD';

-- ========================================================== the objects

SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'lottrace' AND table_name = 'item' AND column_name LIKE 'min_shelf%'
 ORDER BY ordinal_position;
SELECT column_name, data_type, is_nullable FROM information_schema.columns
 WHERE table_schema = 'lottrace' AND table_name = 'shelf_life_rule'
 ORDER BY ordinal_position;

-- ranges and keys
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('X', true);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET min_shelf_life_days = -1 WHERE item = 'X'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET min_shelf_life_days = 36501 WHERE item = 'X'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET min_shelf_life_pct = 100.5 WHERE item = 'X'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET expiry_rule = 'from_parents' WHERE item = 'X'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET expiry_rule = 'from_components' WHERE item = 'X'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, item, category, min_days) VALUES ('C', 'X', 'K', 1)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, min_days) VALUES ('C', 1)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, item) VALUES ('C', 'X')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, item, min_days) VALUES ('C', 'NOSUCH', 1)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, category, min_pct) VALUES ('C', 'K', 101)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, item, min_days) VALUES ('', 'X', 1)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, item, min_days) VALUES ('C', 'X', 1), ('C', 'X', 2)$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.shelf_life_rule (account, category, min_days) VALUES ('C', 'K', 1), ('C', 'K', 2)$$);
DELETE FROM lottrace.item WHERE item = 'X';

-- ========================================================= configuration

INSERT INTO lottrace.reason (code, direction, allow_unavailable, production) VALUES
  ('RCV', 'load', false, NULL),        -- purchase receipt
  ('RET', 'load', true, NULL),         -- return, transfer in: takes any lot
  ('SHIP', 'unload', false, NULL),     -- shipment
  ('SCRAP', 'unload', true, NULL),     -- write-off, sale of short-dated stock
  ('CONSUME', 'unload', false, 'input'),
  ('PRODUCE', 'load', false, 'output');
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, min_shelf_life_days, min_shelf_life_pct, category) VALUES
  ('MILK', true, 30, 10, NULL, 'DAIRY'),     -- at least 10 days at receipt
  ('YOG', true, 100, NULL, 60, 'DAIRY'),     -- at least 60% of 100 days
  ('CHEESE', true, NULL, NULL, 50, 'DAIRY'), -- 50% of the lot's own validity
  ('CREAM', true, 20, 5, 50, 'DAIRY'),       -- both: 5 days and 10 days
  ('SALT', true, NULL, NULL, NULL, 'DRY');   -- no rules

CREATE TABLE sl (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  qty      numeric NOT NULL,
  wh       text NOT NULL DEFAULT 'W1',
  lot      text,
  reason   text NOT NULL,
  account  text,
  batch    text,
  moved_on date NOT NULL,
  expiry   date
);
SELECT lottrace.attach('sl', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', account => 'account', batch_key => 'batch',
                       moved_on => 'moved_on', expiry => 'expiry');
CREATE TEMP VIEW lots AS
  SELECT item, code::text AS lot, start_date, expiry_date FROM lottrace.lot;

-- ============================================== minimum at receipt: days

-- MILK needs 10 days: 20 left is fine, exactly 10 too
INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry) VALUES
  ('MILK', 10, 'M1', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-21'),
  ('MILK', 10, 'M2', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-11');
-- the computed expiry (start + 30 days) is fine as well
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES
  ('MILK', 10, 'M3', 'RCV', 'DAIRYCO', '2026-03-01');
SELECT * FROM lots ORDER BY item, lot;

-- 9 days left: refused, naming item, lot, warehouse and the row
SELECT * FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('MILK', 10, 'M4', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-10')$$);
-- an expired lot: negative days left
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('MILK', 10, 'M4', 'RCV', 'DAIRYCO', '2026-03-01', '2026-02-20')$$);
-- expiring on the day of the receipt
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('MILK', 10, 'M4', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-01')$$);
-- a load into an existing lot is judged on the lot's expiry and the row's
-- date: M1 expires 2026-03-21, a receipt dated 2026-03-15 leaves 6 days
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('MILK', 5, 'M1', 'RCV', 'DAIRYCO', '2026-03-15')$$);
-- in a statement of several rows, the row named is the latest-dated receipt
SELECT sqlstate, constraint_name, message, detail FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('MILK', 5, 'M1', 'RCV', 'DAIRYCO', '2026-03-02'), ('MILK', 5, 'M1', 'RCV', 'DAIRYCO', '2026-03-16'),
         ('MILK', 5, 'M1', 'RCV', 'DAIRYCO', '2026-03-03')$$);
SELECT count(*) AS rows_kept FROM sl;

-- not receipts: a load without an account, with a reason that takes any lot
-- (returns, transfers in), and a production output
INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry) VALUES
  ('MILK', 1, 'M5', 'RCV', NULL, '2026-03-01', '2026-03-02'),
  ('MILK', 1, 'M6', 'RET', 'SHOP1', '2026-03-01', '2026-03-02'),
  ('MILK', 1, 'M7', 'PRODUCE', 'DAIRYCO', '2026-03-01', '2026-03-02');
-- a lot that never expires (no expiry, no shelf life) or expires at infinity
INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry) VALUES
  ('MILK', 1, 'M8', 'RCV', 'DAIRYCO', '2026-03-01', 'infinity'),
  ('SALT', 1, 'S1', 'RCV', 'SALTCO', '2026-03-01', '2026-03-02');

-- reversals are never refused: the rule tightens, old receipts stay
-- deletable, but an UPDATE applies the new row and judges it
UPDATE lottrace.item SET min_shelf_life_days = 25 WHERE item = 'MILK';
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$UPDATE sl SET qty = 11 WHERE lot = 'M2'$$);
DELETE FROM sl WHERE lot = 'M2';
UPDATE lottrace.item SET min_shelf_life_days = 10 WHERE item = 'MILK';

-- ======================================== minimum at receipt: percentage

-- YOG: 60% of its 100 days is 60 days
SELECT sqlstate, constraint_name, message, hint FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('YOG', 10, 'Y1', 'RCV', 'DAIRYCO', '2026-03-01', '2026-04-29')$$);
INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('YOG', 10, 'Y1', 'RCV', 'DAIRYCO', '2026-03-01', '2026-04-30');
-- CREAM: 5 days and 50% of 20 days: the larger, 10 days, holds
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('CREAM', 10, 'K1', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-10')$$);
UPDATE lottrace.item SET min_shelf_life_days = 12 WHERE item = 'CREAM';
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('CREAM', 10, 'K1', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-12')$$);
-- CHEESE has no lot_validity_days: the lot's own validity (expiry - start).
-- A new lot has all of it; a later receipt into it, 2026-02-15 in a lot of
-- 2026-01-01 to 2026-03-01 (59 days), leaves 14 days of the 30 needed
INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('CHEESE', 10, 'C1', 'RCV', 'CHEESECO', '2026-01-01', '2026-03-01');
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('CHEESE', 10, 'C1', 'RCV', 'CHEESECO', '2026-02-15')$$);
INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('CHEESE', 10, 'C1', 'RCV', 'CHEESECO', '2026-01-30');

-- ================================================ minimum at shipment

-- SHOP1: MILK 7 days (its item rule), other DAIRY 50%; SHOP2: DAIRY 3 days
INSERT INTO lottrace.shelf_life_rule (account, item, category, min_days, min_pct, note) VALUES
  ('SHOP1', 'MILK', NULL, 7, NULL, 'contract 2026/1'),
  ('SHOP1', NULL, 'DAIRY', NULL, 50, NULL),
  ('SHOP2', NULL, 'DAIRY', 3, NULL, NULL);
-- M1 expires 2026-03-21: to SHOP1 on 2026-03-14 (7 days left) is fine
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('MILK', 1, 'M1', 'SHIP', 'SHOP1', '2026-03-14');
-- ... on 2026-03-15 (6 days) not: the item's rule
SELECT * FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('MILK', 1, 'M1', 'SHIP', 'SHOP1', '2026-03-15')$$);
-- the item's rule wins over the category's (50% of 30 days would be 15)
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('MILK', 1, 'M1', 'SHIP', 'SHOP1', '2026-03-13');
-- YOG to SHOP1: the category's rule, 50% of 100 days (Y1 expires 2026-04-30)
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('YOG', 1, 'Y1', 'SHIP', 'SHOP1', '2026-03-12')$$);
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('YOG', 1, 'Y1', 'SHIP', 'SHOP1', '2026-03-11');
-- SHOP2: 3 days of DAIRY, MILK included
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('MILK', 1, 'M1', 'SHIP', 'SHOP2', '2026-03-19')$$);
-- CHEESE to SHOP1: 50% of the lot's own 59 days is 30 days (C1 expires 2026-03-01)
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('CHEESE', 1, 'C1', 'SHIP', 'SHOP1', '2026-02-01')$$);
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('CHEESE', 1, 'C1', 'SHIP', 'SHOP1', '2026-01-30');
-- not judged: an account without rules, no account, a reason that takes any
-- lot, a production input
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES
  ('MILK', 1, 'M1', 'SHIP', 'SHOP3', '2026-03-20'),
  ('MILK', 1, 'M1', 'SHIP', NULL, '2026-03-20'),
  ('MILK', 1, 'M1', 'SCRAP', 'SHOP1', '2026-03-20'),
  ('MILK', 1, 'M1', 'CONSUME', 'SHOP1', '2026-03-20');
-- several lots and accounts in one statement: the offending pair is named
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES
  ('MILK', 1, 'M1', 'SHIP', 'SHOP1', '2026-03-01'), ('MILK', 1, 'M3', 'SHIP', 'SHOP1', '2026-03-01'),
  ('MILK', 1, 'M1', 'SHIP', 'SHOP2', '2026-03-19'), ('YOG', 1, 'Y1', 'SHIP', 'SHOP2', '2026-03-19'),
  ('MILK', 1, 'M3', 'SHIP', 'SHOP2', '2026-03-27')$$);
-- an UPDATE that sends a shipment to a rule's account is judged; a DELETE is not
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE sl SET account = 'SHOP1' WHERE account = 'SHOP3'$$);
UPDATE lottrace.shelf_life_rule SET min_days = 30 WHERE account = 'SHOP1' AND item = 'MILK';
DELETE FROM sl WHERE reason = 'SHIP' AND account = 'SHOP1' AND item = 'MILK' AND moved_on = '2026-03-14';
-- rules take effect at once: SALT (category DRY) had none
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('SALT', 0.5, 'S1', 'SHIP', 'SHOP2', '2026-03-01');
INSERT INTO lottrace.shelf_life_rule (account, category, min_days) VALUES ('SHOP2', 'DRY', 3);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('SALT', 0.5, 'S1', 'SHIP', 'SHOP2', '2026-03-01')$$);
-- and when a rule goes, so does the refusal
DELETE FROM lottrace.shelf_life_rule WHERE category = 'DRY';
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('SALT', 0.5, 'S1', 'SHIP', 'SHOP2', '2026-03-01');
-- a rule on an item follows a change of the item's category
UPDATE lottrace.item SET category = 'DRY' WHERE item = 'YOG';
INSERT INTO sl (item, qty, lot, reason, account, moved_on) VALUES ('YOG', 1, 'Y1', 'SHIP', 'SHOP1', '2026-04-20');

-- ======================================== two locations (to_warehouse)

INSERT INTO lottrace.warehouse (code, kind) VALUES
  ('Vendors', 'supplier'), ('Customers', 'customer'), ('Inventory', 'inventory');
CREATE TABLE sl2 (id serial PRIMARY KEY, item text, qty numeric, src text, dst text, lot text,
                  moved_on date, expiry date);
SELECT lottrace.attach('sl2', item => 'item', qty => 'qty', warehouse => 'src', to_warehouse => 'dst',
                       lot => 'lot', moved_on => 'moved_on', expiry => 'expiry');
-- from a supplier location: a receipt (the location is the account)
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl2 (item, qty, src, dst, lot, moved_on, expiry)
  VALUES ('MILK', 5, 'Vendors', 'W1', 'T1', '2026-03-01', '2026-03-05')$$);
-- from inventory (a count found it): not a receipt
INSERT INTO sl2 (item, qty, src, dst, lot, moved_on, expiry)
  VALUES ('MILK', 5, 'Inventory', 'W1', 'T1', '2026-03-01', '2026-03-05');
-- between internal locations: a transfer, neither receipt nor shipment
INSERT INTO sl2 (item, qty, src, dst, lot, moved_on) VALUES ('MILK', 2, 'W1', 'W2', 'T1', '2026-03-01');
-- to a customer location: a shipment to that account
INSERT INTO lottrace.shelf_life_rule (account, item, min_days) VALUES ('Customers', 'MILK', 5);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl2 (item, qty, src, dst, lot, moved_on)
  VALUES ('MILK', 1, 'W2', 'Customers', 'T1', '2026-03-01')$$);

-- ================================================== backfill

-- history is taken as it was: backfill applies no shelf-life rule
CREATE TABLE sl3 (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, account text,
                  moved_on date, expiry date);
INSERT INTO sl3 VALUES (1, 'MILK', 5, 'W9', 'H1', 'DAIRYCO', '2026-03-01', '2026-03-02'),
                       (2, 'MILK', -1, 'W9', 'H1', 'SHOP1', '2026-03-02', NULL);
SELECT lottrace.attach('sl3', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       account => 'account', moved_on => 'moved_on', expiry => 'expiry');
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE lot = 'H1';
-- a table without a reason column: the sign gives the direction, and
-- the rules hold for new rows
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO sl3 VALUES (3, 'MILK', 5, 'W9', 'H2', 'DAIRYCO', '2026-03-01', '2026-03-02')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO sl3 VALUES (3, 'MILK', -1, 'W9', 'H1', 'SHOP1', '2026-03-01', NULL)$$);

-- ========================================== expiry_rule from_components

INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, expiry_rule) VALUES
  ('FLOUR', true, NULL, 'exact'),
  ('EGGS', true, NULL, 'exact'),
  ('BREAD', true, 10, 'from_components'),
  ('CAKE', true, NULL, 'from_components');
INSERT INTO sl (item, qty, lot, reason, moved_on, expiry) VALUES
  ('FLOUR', 100, 'F1', 'RCV', '2026-01-01', '2026-12-31'),
  ('FLOUR', 100, 'F2', 'RCV', '2026-01-01', '2026-03-05'),
  ('EGGS', 100, 'E1', 'RCV', '2026-03-01', '2026-03-08'),
  ('EGGS', 100, 'E2', 'RCV', '2026-03-01', NULL);

-- the output before its inputs in one statement: the earliest component
-- expiry (F2, 2026-03-05) comes before start + 10 days
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES
  ('BREAD', 10, 'B1', 'PRODUCE', 'PO1', '2026-03-01'),
  ('FLOUR', 5, 'F1', 'CONSUME', 'PO1', '2026-03-01'),
  ('FLOUR', 5, 'F2', 'CONSUME', 'PO1', '2026-03-01');
-- components that expire later (F1) leave start + 10 days
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES
  ('FLOUR', 5, 'F1', 'CONSUME', 'PO2', '2026-03-01'),
  ('BREAD', 10, 'B2', 'PRODUCE', 'PO2', '2026-03-01');
-- no expiry of its own: CAKE takes the components' (E2 never expires)
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES
  ('CAKE', 1, 'K1', 'PRODUCE', 'PO3', '2026-03-01'),
  ('EGGS', 5, 'E1', 'CONSUME', 'PO3', '2026-03-01'),
  ('EGGS', 5, 'E2', 'CONSUME', 'PO3', '2026-03-01');
-- no components, no shelf life: no expiry
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES ('CAKE', 1, 'K2', 'PRODUCE', 'PO4', '2026-03-01');
SELECT * FROM lots WHERE item IN ('BREAD', 'CAKE') ORDER BY lot;

-- inputs posted in a later statement lower the expiry (never raise it)
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES ('EGGS', 1, 'E2', 'CONSUME', 'PO4', '2026-03-02');
SELECT * FROM lots WHERE lot = 'K2';
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES ('EGGS', 1, 'E1', 'CONSUME', 'PO4', '2026-03-02');
SELECT * FROM lots WHERE lot = 'K2';
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES ('FLOUR', 1, 'F1', 'CONSUME', 'PO4', '2026-03-02');
-- a reversed input does not raise it either
DELETE FROM sl WHERE batch = 'PO4' AND lot = 'E1';
SELECT * FROM lots WHERE lot = 'K2';

-- a produced lot shipped in its own statement is judged on the derived
-- expiry: by the expiry block, and by the account's rule
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, batch, moved_on) VALUES
  ('BREAD', 10, 'B3', 'PRODUCE', NULL, 'PO5', '2026-03-01'),
  ('BREAD', 1, 'B3', 'SHIP', 'SHOP9', NULL, '2026-03-06'),
  ('FLOUR', 5, 'F2', 'CONSUME', NULL, 'PO5', '2026-03-01')$$);
INSERT INTO lottrace.shelf_life_rule (account, item, min_days) VALUES ('SHOP9', 'BREAD', 3);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, batch, moved_on) VALUES
  ('BREAD', 10, 'B3', 'PRODUCE', NULL, 'PO5', '2026-03-01'),
  ('BREAD', 1, 'B3', 'SHIP', 'SHOP9', NULL, '2026-03-03'),
  ('FLOUR', 5, 'F2', 'CONSUME', NULL, 'PO5', '2026-03-01')$$);

-- a statement written in several chunks (one row each): the input's chunk
-- derives the output's expiry
SET lottrace.debug_chunk_rows = 1;
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES
  ('BREAD', 10, 'B4', 'PRODUCE', 'PO6', '2026-03-01'),
  ('EGGS', 5, 'E2', 'CONSUME', 'PO6', '2026-03-01'),
  ('FLOUR', 5, 'F2', 'CONSUME', 'PO6', '2026-03-01');
-- ... and a receipt judged in its own chunk
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry) VALUES
  ('SALT', 1, 'S2', 'RCV', 'SALTCO', '2026-03-01', NULL),
  ('MILK', 10, 'M9', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-02')$$);
RESET lottrace.debug_chunk_rows;
SELECT * FROM lots WHERE lot = 'B4';

-- expiry_editable = false does not stop the derivation (the engine's own write)
UPDATE lottrace.item SET expiry_editable = false WHERE item = 'BREAD';
INSERT INTO sl (item, qty, lot, reason, batch, moved_on) VALUES
  ('BREAD', 10, 'B5', 'PRODUCE', 'PO7', '2026-03-01'),
  ('FLOUR', 5, 'F2', 'CONSUME', 'PO7', '2026-03-01');
SELECT * FROM lots WHERE lot = 'B5';

-- the registers agree with the tables
SELECT * FROM lottrace.verify();

-- ============================================ the library on a 1.1 schema

-- before ALTER EXTENSION UPDATE: no rules, everything moves as in 1.1
SELECT lottrace.detach('sl'), lottrace.detach('sl2'), lottrace.detach('sl3');
DROP TABLE sl, sl2, sl3;
DROP VIEW lots;
DROP EXTENSION lottrace;
CREATE EXTENSION lottrace VERSION '1.1';
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('RCV', 'load', NULL), ('SHIP', 'unload', NULL), ('CONSUME', 'unload', 'input'), ('PRODUCE', 'load', 'output');
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days, category) VALUES
  ('MILK', true, 30, 'DAIRY'), ('BREAD', true, 10, 'DAIRY');
CREATE TABLE sl (id serial PRIMARY KEY, item text, qty numeric, wh text DEFAULT 'W1', lot text,
                 reason text, account text, batch text, moved_on date, expiry date);
SELECT lottrace.attach('sl', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', account => 'account', batch_key => 'batch',
                       moved_on => 'moved_on', expiry => 'expiry');
INSERT INTO sl (item, qty, lot, reason, account, batch, moved_on, expiry) VALUES
  ('MILK', 10, 'M1', 'RCV', 'DAIRYCO', NULL, '2026-03-01', '2026-03-02'),
  ('BREAD', 10, 'B1', 'PRODUCE', NULL, 'PO1', '2026-03-01', NULL),
  ('MILK', 1, 'M1', 'CONSUME', NULL, 'PO1', '2026-03-01', NULL),
  ('MILK', 1, 'M1', 'SHIP', 'SHOP1', NULL, '2026-03-01', NULL);
SELECT item, code::text AS lot, expiry_date FROM lottrace.lot ORDER BY 1, 2;
-- the update brings the columns and the table; the same backend sees them
ALTER EXTENSION lottrace UPDATE;
UPDATE lottrace.item SET min_shelf_life_days = 5 WHERE item = 'MILK';
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on, expiry)
  VALUES ('MILK', 10, 'M2', 'RCV', 'DAIRYCO', '2026-03-01', '2026-03-02')$$);
INSERT INTO lottrace.shelf_life_rule (account, category, min_days) VALUES ('SHOP1', 'DAIRY', 2);
SELECT sqlstate, constraint_name, message FROM pg_temp.err($$INSERT INTO sl (item, qty, lot, reason, account, moved_on)
  VALUES ('MILK', 1, 'M1', 'SHIP', 'SHOP1', '2026-03-01')$$);
SELECT * FROM lottrace.verify();

SELECT lottrace.detach('sl');
DROP TABLE sl;
DROP EXTENSION lottrace;
