-- Genealogy: production inputs and outputs sharing a batch key link lots,
-- in whatever order they arrive; quantities; reversal by DELETE / UPDATE;
-- manual links (link_lots); lottrace.batch_member and lottrace.genealogy.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

-- the ERP table
CREATE TABLE gn_moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  variant  text,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  reason   text NOT NULL,
  batch    text,
  moved_on date NOT NULL DEFAULT '2026-03-01'
);
SELECT lottrace.attach('gn_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', batch_key => 'batch', moved_on => 'moved_on',
                       variant => 'variant');

-- CONSUME / PRODUCE are production input / output; IN / OUT are not
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('IN', 'load', NULL), ('OUT', 'unload', NULL),
  ('CONSUME', 'unload', 'input'), ('PRODUCE', 'load', 'output');
INSERT INTO lottrace.item (item, lot_tracked) VALUES
  ('FLOUR', true), ('SUGAR', true), ('CAKE', true), ('COOKIE', true);

-- raw material lots
INSERT INTO gn_moves (item, qty, wh, lot, reason) VALUES
  ('FLOUR', 100, 'W1', 'F1', 'IN'), ('FLOUR', 100, 'W1', 'F2', 'IN'),
  ('SUGAR', 50, 'W1', 'S1', 'IN'), ('SUGAR', 50, 'W2', 'S1', 'IN');

-- parent -> child links with lot codes instead of ids
CREATE TEMP VIEW gen AS
  SELECT p.item || '/' || p.code::text AS parent, c.item || '/' || c.code::text AS child, g.qty, g.batch_key, g.source
    FROM lottrace.genealogy g
    JOIN lottrace.lot p ON p.lot_id = g.parent_lot_id
    JOIN lottrace.lot c ON c.lot_id = g.child_lot_id;
-- batch members with lot codes
CREATE TEMP VIEW bm AS
  SELECT b.batch_key, b.role, l.item || '/' || l.code::text AS lot, b.qty, b.nrows
    FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id);

------------------------------------------------------------------------------
-- The objects
------------------------------------------------------------------------------

-- lottrace.batch_member and lottrace.genealogy have these columns
SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns
  FROM information_schema.columns
 WHERE table_schema = 'lottrace' AND table_name IN ('batch_member', 'genealogy')
 GROUP BY table_name ORDER BY table_name;

------------------------------------------------------------------------------
-- Inputs and outputs in separate statements, both orders
------------------------------------------------------------------------------

-- B1, inputs first: the consumption alone is a member, but links nothing yet
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES ('FLOUR', 10, 'W1', 'F1', 'CONSUME', 'B1');
SELECT * FROM bm WHERE batch_key = 'B1' ORDER BY role, lot;
SELECT count(*) AS links FROM gen WHERE batch_key = 'B1';

-- ... the product arrives: FLOUR/F1 -> CAKE/C1, with the quantity consumed
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES ('CAKE', 5, 'W1', 'C1', 'PRODUCE', 'B1');
SELECT * FROM gen WHERE batch_key = 'B1' ORDER BY parent, child;

-- B2, outputs first: the product first, the consumption later
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES ('CAKE', 4, 'W1', 'C2', 'PRODUCE', 'B2');
SELECT * FROM bm WHERE batch_key = 'B2' ORDER BY role, lot;
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES ('SUGAR', 3, 'W1', 'S1', 'CONSUME', 'B2');
SELECT * FROM gen WHERE batch_key = 'B2' ORDER BY parent, child;

------------------------------------------------------------------------------
-- Several inputs and outputs in one statement
------------------------------------------------------------------------------

-- B3: outputs and inputs interleaved; F1 is consumed by two rows and S1 from
-- two warehouses; two products
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES
  ('CAKE',   6, 'W1', 'C3', 'PRODUCE', 'B3'),
  ('FLOUR',  2, 'W1', 'F1', 'CONSUME', 'B3'),
  ('SUGAR',  1, 'W1', 'S1', 'CONSUME', 'B3'),
  ('COOKIE', 9, 'W1', 'K1', 'PRODUCE', 'B3'),
  ('FLOUR',  1, 'W1', 'F1', 'CONSUME', 'B3'),
  ('SUGAR',  4, 'W2', 'S1', 'CONSUME', 'B3'),
  ('FLOUR',  7, 'W1', 'F2', 'CONSUME', 'B3');
-- members: quantities summed per lot, with the number of rows behind them
SELECT * FROM bm WHERE batch_key = 'B3' ORDER BY role, lot;
-- every input is linked to every output, with the quantity it gave the batch
SELECT * FROM gen WHERE batch_key = 'B3' ORDER BY parent, child;

-- the consumption took the stock out
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock WHERE item IN ('FLOUR', 'SUGAR')
 ORDER BY lot, warehouse;

-- a lot consumed by two batches has two children; a product has all its parents
SELECT parent, child, qty, batch_key FROM gen WHERE parent = 'FLOUR/F1' ORDER BY batch_key, child;
SELECT parent, child, qty, batch_key FROM gen WHERE child = 'CAKE/C3' ORDER BY parent;

------------------------------------------------------------------------------
-- What does not link
------------------------------------------------------------------------------

-- a production row without a batch key, and non-production rows with one,
-- make no member
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES
  ('FLOUR', 1, 'W1', 'F2', 'CONSUME', NULL),
  ('CAKE', 1, 'W1', 'C9', 'PRODUCE', NULL),
  ('FLOUR', 1, 'W1', 'F2', 'OUT', 'B9'),
  ('CAKE', 1, 'W1', 'C9', 'IN', 'B9');
SELECT count(*) AS members FROM lottrace.batch_member WHERE batch_key = 'B9';
SELECT count(*) AS links FROM gen WHERE child = 'CAKE/C9' OR batch_key = 'B9';

-- inputs and outputs of different batch keys do not link
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES
  ('FLOUR', 1, 'W1', 'F2', 'CONSUME', 'B10'),
  ('CAKE', 1, 'W1', 'C10', 'PRODUCE', 'B11');
SELECT count(*) AS links FROM gen WHERE batch_key IN ('B10', 'B11');

-- a production input of a lot that does not exist is refused, and leaves no member
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO gn_moves (item, qty, wh, lot, reason, batch)
                     VALUES ('FLOUR', 1, 'W1', 'F-NONE', 'CONSUME', 'B12')$$);
SELECT count(*) AS members FROM lottrace.batch_member WHERE batch_key = 'B12';

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Reversal: DELETE and UPDATE of production rows
------------------------------------------------------------------------------

-- correcting the quantity of an input adjusts the member and the link
UPDATE gn_moves SET qty = 6 WHERE batch = 'B3' AND lot = 'F2';
SELECT * FROM bm WHERE batch_key = 'B3' AND lot = 'FLOUR/F2';
SELECT parent, child, qty FROM gen WHERE parent = 'FLOUR/F2' AND batch_key = 'B3' ORDER BY child;

-- deleting one of F1's two rows in B3: the member keeps the other
DELETE FROM gn_moves WHERE batch = 'B3' AND lot = 'F1' AND qty = 1;
SELECT * FROM bm WHERE batch_key = 'B3' AND lot = 'FLOUR/F1';

-- deleting the other: F1 is no longer a member of B3, and no longer a parent there
DELETE FROM gn_moves WHERE batch = 'B3' AND lot = 'F1';
SELECT count(*) AS members FROM bm WHERE batch_key = 'B3' AND lot = 'FLOUR/F1';
SELECT count(*) AS links FROM gen WHERE parent = 'FLOUR/F1' AND batch_key = 'B3';

-- moving S1's W2 input from B3 to B4 (a product of B4 exists): the links follow
INSERT INTO gn_moves (item, qty, wh, lot, reason, batch) VALUES ('CAKE', 2, 'W1', 'C4', 'PRODUCE', 'B4');
UPDATE gn_moves SET batch = 'B4' WHERE batch = 'B3' AND lot = 'S1' AND wh = 'W2';
SELECT * FROM bm WHERE lot = 'SUGAR/S1' ORDER BY batch_key;
SELECT parent, child, qty, batch_key FROM gen WHERE parent = 'SUGAR/S1' ORDER BY batch_key, child;

-- an input re-booked as a plain unload leaves the batch
UPDATE gn_moves SET reason = 'OUT' WHERE batch = 'B4' AND lot = 'S1';
SELECT count(*) AS members FROM bm WHERE batch_key = 'B4' AND role = 'input';

-- deleting a product: its links are gone, the inputs stay members
DELETE FROM gn_moves WHERE batch = 'B3' AND lot = 'K1';
SELECT * FROM bm WHERE batch_key = 'B3' ORDER BY role, lot;
SELECT * FROM gen WHERE batch_key = 'B3' ORDER BY parent, child;

-- a product whose stock was shipped cannot lose its production row
INSERT INTO gn_moves (item, qty, wh, lot, reason) VALUES ('CAKE', 5, 'W1', 'C1', 'OUT');
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM gn_moves WHERE batch = 'B1' AND lot = 'C1'$$);

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Lots in the genealogy cannot be deleted
------------------------------------------------------------------------------

-- C1 has no stock left, but it is a member of a production batch
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$DELETE FROM lottrace.lot WHERE item = 'CAKE' AND code = 'C1'$$);

------------------------------------------------------------------------------
-- Manual links
------------------------------------------------------------------------------

-- a relabelling: SUGAR/S1 went into COOKIE/K2 (K2 is loaded first)
INSERT INTO gn_moves (item, qty, wh, lot, reason) VALUES ('COOKIE', 2, 'W1', 'K2', 'IN');
SELECT lottrace.link_lots('SUGAR', 'S1', 'COOKIE', 'K2', 2.5);
SELECT * FROM gen WHERE source = 'manual';

-- linking again replaces the quantity; the quantity may be unknown
SELECT lottrace.link_lots('SUGAR', 'S1', 'COOKIE', 'K2', 3);
SELECT lottrace.link_lots('FLOUR', 'F2', 'COOKIE', 'K2');
SELECT * FROM gen WHERE source = 'manual' ORDER BY parent;

-- who linked it
SELECT count(*) AS links, min(linked_by) AS linked_by FROM lottrace.lot_link;

-- a lot cannot be linked to itself (23514, lottrace_link_self)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT lottrace.link_lots('SUGAR', 'S1', 'SUGAR', 'S1')$$);

-- unknown parent or child lot (23503, lottrace_lot_unknown)
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT lottrace.link_lots('SUGAR', 'S-NONE', 'COOKIE', 'K2')$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT lottrace.link_lots('SUGAR', 'S1', 'COOKIE', 'K-NONE')$$);
-- ... the item counts: S1 is a SUGAR lot, not a FLOUR one
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$SELECT lottrace.link_lots('FLOUR', 'S1', 'COOKIE', 'K2')$$);

-- a code that exists in two variants is ambiguous (21000); link_lots has no
-- variant arguments to name one
INSERT INTO gn_moves (item, variant, qty, wh, lot, reason) VALUES
  ('FLOUR', 'WHITE', 1, 'W1', 'FV', 'IN'), ('FLOUR', 'BROWN', 1, 'W1', 'FV', 'IN');
SELECT sqlstate, message, hint
  FROM pg_temp.err($$SELECT lottrace.link_lots('FLOUR', 'FV', 'COOKIE', 'K2')$$);

-- a lot with a manual link cannot be deleted even without stock or production
INSERT INTO gn_moves (item, qty, wh, lot, reason) VALUES ('COOKIE', 1, 'W1', 'K3', 'IN');
SELECT lottrace.link_lots('COOKIE', 'K3', 'COOKIE', 'K2', 1);
DELETE FROM gn_moves WHERE lot = 'K3';
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$DELETE FROM lottrace.lot WHERE item = 'COOKIE' AND code = 'K3'$$);

------------------------------------------------------------------------------
-- rebuild recomputes the same batch members
------------------------------------------------------------------------------

CREATE TEMP TABLE bm_before AS SELECT * FROM lottrace.batch_member;
SELECT lottrace.rebuild();
SELECT count(*) AS differences
  FROM (SELECT * FROM bm_before EXCEPT SELECT * FROM lottrace.batch_member
        UNION ALL
        SELECT * FROM lottrace.batch_member EXCEPT SELECT * FROM bm_before) d;
SELECT count(*) AS manual_links FROM lottrace.lot_link;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE gn_moves;
