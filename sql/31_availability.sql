-- Availability (issue 15): committed stock, reservations, holds and the
-- one-call recall hold.  Every refusal shows its SQLSTATE and constraint
-- (pg_temp.err).  available_qty = on hand - committed - held, never below 0.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

CREATE TABLE mv (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  serial   text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL DEFAULT '2026-03-01',
  account  text,
  batch    text
);
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       account => 'account', batch_key => 'batch');
INSERT INTO lottrace.reason (code, direction, production, allow_unavailable) VALUES
  ('IN', 'load', NULL, false), ('OUT', 'unload', NULL, false), ('SCRAP', 'unload', NULL, true),
  ('USE', 'unload', 'input', false), ('MAKE', 'load', 'output', false);
INSERT INTO lottrace.item (item, lot_tracked, pick_policy) VALUES ('FLOUR', true, 'fefo');
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked) VALUES ('SCALE', true, true);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BREAD', true);

INSERT INTO mv (item, qty, wh, lot, reason, doc, account, moved_on) VALUES
  ('FLOUR', 10, 'W1', 'F1', 'IN', 'PO-1', 'MILL', '2026-03-01'),
  ('FLOUR', 10, 'W1', 'F2', 'IN', 'PO-2', 'MILL', '2026-03-02'),
  ('FLOUR', 5,  'W2', 'F1', 'IN', 'PO-3', 'MILL', '2026-03-03');
UPDATE lottrace.lot SET expiry_date = '2027-02-01' WHERE code = 'F2';
UPDATE lottrace.item SET expiry_editable = true WHERE item = 'FLOUR';
UPDATE lottrace.lot SET expiry_date = '2027-02-01' WHERE code = 'F2';
UPDATE lottrace.lot SET expiry_date = '2027-06-01' WHERE code = 'F1';
-- nothing reserved yet: the item is not marked, no lot has claims
SELECT item, claims_seen FROM lottrace.item ORDER BY item;
SELECT lot, warehouse, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_stock ORDER BY lot, warehouse;

-- ---------------------------------------------------------------- reserve
SELECT lottrace.reserve('FLOUR', 'F1', 'W1', 4, 'SO-1', 'customer order') AS r1;
SELECT lot, warehouse, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_stock ORDER BY lot, warehouse;
SELECT lot, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_register ORDER BY lot;
SELECT reservation_id, item, lot, warehouse, doc, qty, consumed_qty, open_qty, state, note
  FROM lottrace.reservations ORDER BY reservation_id;
SELECT code, claims FROM lottrace.lot ORDER BY code;
SELECT item, claims_seen FROM lottrace.item ORDER BY item;
-- beyond what is free: 23514 lottrace_lot_reserved
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve('FLOUR', 'F1', 'W1', 7, 'SO-2')$$);
-- bad arguments
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve('FLOUR', 'F1', 'W1', 1, NULL)$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve('FLOUR', 'F1', 'W1', 0, 'SO-2')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve('FLOUR', 'NOPE', 'W1', 1, 'SO-2')$$);

-- an unload by another document may take only what is free (6 of 10) ...
SELECT sqlstate, constraint_name, message, detail, hint
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 7, 'W1', 'F1', 'OUT', 'SO-9', 'SHOP')$$);
-- ... nothing half-applied
SELECT lot, warehouse, on_hand, committed_qty FROM lottrace.lot_stock WHERE lot = 'F1' ORDER BY warehouse;
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 6, 'W1', 'F1', 'OUT', 'SO-9', 'SHOP');
SELECT lot, warehouse, on_hand, committed_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'F1' ORDER BY warehouse;
-- ... the other warehouse is not reserved
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 5, 'W2', 'F1', 'OUT', 'SO-9', 'SHOP');
-- the reservation's own document consumes it, in parts
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W1', 'F1', 'OUT', 'SO-1', 'BAKERY');
SELECT reservation_id, qty, consumed_qty, open_qty, state FROM lottrace.reservations ORDER BY reservation_id;
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 3, 'W1', 'F1', 'OUT', 'SO-1', 'BAKERY');
SELECT reservation_id, qty, consumed_qty, open_qty, state FROM lottrace.reservations ORDER BY reservation_id;
SELECT code, claims FROM lottrace.lot ORDER BY code;
SELECT lot, warehouse, on_hand, committed_qty, available_qty FROM lottrace.lot_stock ORDER BY lot, warehouse;

-- ---------------------------------------------------------------- release
SELECT lottrace.reserve('FLOUR', 'F2', 'W1', 3, 'SO-3') AS r3 \gset
SELECT lottrace.reserve('FLOUR', 'F2', 'W1', 2, 'SO-3') AS r4 \gset
SELECT lottrace.reserve('FLOUR', 'F2', 'W1', 1, 'SO-4', until => now() - interval '1 minute') AS lapsed;
SELECT lot, committed_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'F2';
SELECT lottrace.release(:r3, 'order changed') AS released, lottrace.release(:r3) AS again;
SELECT lottrace.release_doc('SO-3') AS released_of_doc;
SELECT reservation_id, doc, qty, state, note FROM lottrace.reservations WHERE lot = 'F2' ORDER BY reservation_id;
SELECT lot, committed_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'F2';
SELECT * FROM pg_temp.err($$SELECT lottrace.release(99999)$$);

-- ---------------------------------------------------------------- reserve_pick
INSERT INTO mv (item, qty, wh, lot, reason, doc, account, moved_on) VALUES
  ('FLOUR', 10, 'W1', 'F3', 'IN', 'PO-4', 'MILL', '2026-03-04');
UPDATE lottrace.lot SET expiry_date = '2026-12-31' WHERE code = 'F3';
-- fefo: F3 (2026-12-31) before F2 (2027-02-01); F1 has nothing free
SELECT lot, take_qty FROM lottrace.suggest_pick('FLOUR', 'W1', 14);
SELECT lot, reserved_qty, expiry_date FROM lottrace.reserve_pick('FLOUR', 'W1', 14, 'SO-5');
-- the next picker gets what is left, never the same stock
SELECT lot, take_qty FROM lottrace.suggest_pick('FLOUR', 'W1', 14);
SELECT lot, reserved_qty FROM lottrace.reserve_pick('FLOUR', 'W1', 14, 'SO-6');
SELECT lot, reserved_qty FROM lottrace.reserve_pick('FLOUR', 'W1', 1, 'SO-7');
SELECT lot, on_hand, committed_qty, available_qty FROM lottrace.lot_stock WHERE warehouse = 'W1' ORDER BY lot;
SELECT * FROM pg_temp.err($$SELECT * FROM lottrace.reserve_pick('FLOUR', 'W1', -1, 'SO-7')$$);
-- a document of the picked stock ships it; another is refused
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W1', 'F3', 'OUT', 'SO-8', 'SHOP')$$);
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES
  ('FLOUR', 10, 'W1', 'F3', 'OUT', 'SO-5', 'SHOP'), ('FLOUR', 4, 'W1', 'F2', 'OUT', 'SO-5', 'SHOP');
SELECT doc, lot, qty, consumed_qty, state FROM lottrace.reservations WHERE doc IN ('SO-5', 'SO-6') ORDER BY reservation_id;
SELECT lottrace.release_doc('SO-6');

-- ---------------------------------------------------------------- holds
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES
  ('FLOUR', 8, 'W1', 'H1', 'IN', 'PO-5', 'MILL'), ('FLOUR', 8, 'W2', 'H1', 'IN', 'PO-5', 'MILL');
-- a hold on the lot in one warehouse
SELECT lottrace.hold('FLOUR', 'H1', 'moisture test', warehouse => 'W1') AS h1 \gset
SELECT lot, warehouse, on_hand, held_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'H1' ORDER BY warehouse;
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W1', 'H1', 'OUT', 'SO-10', 'SHOP')$$);
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W2', 'H1', 'OUT', 'SO-10', 'SHOP');
-- a reason that allows unavailable lots (scrapping) still may
INSERT INTO mv (item, qty, wh, lot, reason, doc) VALUES ('FLOUR', 1, 'W1', 'H1', 'SCRAP', 'QC-1');
-- a quantity hold in W2: 3 of the 7 there
SELECT lottrace.hold('FLOUR', 'H1', 'sample kept', warehouse => 'W2', qty => 3) AS h2 \gset
SELECT lot, warehouse, on_hand, held_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'H1' ORDER BY warehouse;
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 5, 'W2', 'H1', 'OUT', 'SO-11', 'SHOP')$$);
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 4, 'W2', 'H1', 'OUT', 'SO-11', 'SHOP');
-- a hold on the whole lot
SELECT lottrace.hold('FLOUR', 'F2', 'supplier complaint') AS h3 \gset
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W1', 'F2', 'OUT', 'SO-12', 'SHOP')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve('FLOUR', 'F2', 'W1', 1, 'SO-12')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.hold('FLOUR', 'F2', '')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.hold('FLOUR', 'F2', 'x', qty => 2)$$);
SELECT hold_id = :h1 AS is_h1, lot, warehouse, serial, qty, scope, reason, recall_id, active
  FROM lottrace.holds ORDER BY hold_id;
-- released explicitly, and logged
SELECT lottrace.release_hold(:h1, 'test passed') AS released, lottrace.release_hold(:h1) AS again;
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W1', 'H1', 'OUT', 'SO-10', 'SHOP');
SELECT lottrace.release_hold(:h2), lottrace.release_hold(:h3);
SELECT action, note, changed_by = CURRENT_USER AS by_me FROM lottrace.hold_log ORDER BY log_id;
SELECT lot, warehouse, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_stock WHERE lot IN ('H1', 'F2') ORDER BY lot, warehouse;

-- ---------------------------------------------------------------- serials
INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES
  ('SCALE', 1, 'W1', 'S-LOT', 'SN-1', 'IN', 'PO-6', 'MAKER'),
  ('SCALE', 1, 'W1', 'S-LOT', 'SN-2', 'IN', 'PO-6', 'MAKER'),
  ('SCALE', 1, 'W1', 'S-LOT', 'SN-3', 'IN', 'PO-6', 'MAKER');
SELECT lottrace.reserve_serial('SCALE', 'SN-1', 'SO-20') IS NOT NULL AS reserved;
SELECT code AS serial, reserved, held FROM lottrace.serial ORDER BY code;
SELECT * FROM pg_temp.err($$SELECT lottrace.reserve_serial('SCALE', 'SN-1', 'SO-21')$$);
-- only its document may take it
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES ('SCALE', 1, 'W1', 'S-LOT', 'SN-1', 'OUT', 'SO-21', 'SHOP')$$);
INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES ('SCALE', 1, 'W1', 'S-LOT', 'SN-1', 'OUT', 'SO-20', 'SHOP');
SELECT r.serial, s.state AS serial_state, r.doc, r.state FROM lottrace.reservations r JOIN lottrace.serial_register s USING (serial) ORDER BY r.serial;
-- a serial on hold
SELECT lottrace.hold_serial('SCALE', 'SN-2', 'dropped in transit') AS hs \gset
SELECT lot, warehouse, on_hand, held_qty, available_qty FROM lottrace.lot_stock WHERE lot = 'S-LOT';
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES ('SCALE', 1, 'W1', 'S-LOT', 'SN-2', 'OUT', 'SO-22', 'SHOP')$$);
SELECT lottrace.release_hold(:hs);
-- reserved by hand (lottrace.serial.reserved, 1.0): no document may take it
UPDATE lottrace.serial SET reserved = true WHERE code = 'SN-3';
SELECT sqlstate, constraint_name, message, hint
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES ('SCALE', 1, 'W1', 'S-LOT', 'SN-3', 'OUT', 'SO-23', 'SHOP')$$);
UPDATE lottrace.serial SET reserved = false WHERE code = 'SN-3';
INSERT INTO mv (item, qty, wh, lot, serial, reason, doc, account) VALUES
  ('SCALE', 1, 'W1', 'S-LOT', 'SN-2', 'OUT', 'SO-22', 'SHOP'), ('SCALE', 1, 'W1', 'S-LOT', 'SN-3', 'OUT', 'SO-23', 'SHOP');

-- ---------------------------------------------------------------- recall_hold
-- flour H1 baked into bread B1 (batch BK-1); B1 partly shipped; B2 is other bread
INSERT INTO mv (item, qty, wh, lot, reason, doc, batch) VALUES
  ('FLOUR', 2, 'W1', 'H1', 'USE', 'BK-1', 'BK-1'),
  ('BREAD', 20, 'W1', 'B1', 'MAKE', 'BK-1', 'BK-1');
INSERT INTO mv (item, qty, wh, lot, reason, doc, account, moved_on) VALUES
  ('BREAD', 5, 'W1', 'B1', 'OUT', 'INV-1', 'CAFE', '2026-03-05'),
  ('BREAD', 20, 'W1', 'B2', 'IN', 'PO-9', 'OTHER', '2026-03-05');
-- a manual hold on B2 (not part of the recall), and an open reservation of B1
SELECT lottrace.hold('BREAD', 'B2', 'label check') AS manual \gset
SELECT lottrace.reserve('BREAD', 'B1', 'W1', 5, 'SO-30') IS NOT NULL AS reserved;
SELECT recall_id IS NOT NULL AS has_id, kind, item, lot, warehouse, serial, qty, account, doc, moved_on
  FROM lottrace.recall_hold('FLOUR', 'H1', 'mould found in mill');
SELECT recall_id AS rc FROM lottrace.recall_action \gset
SELECT lot, scope, warehouse, active, reason FROM lottrace.holds WHERE recall_id = :rc ORDER BY lot;
-- every lot of the recall is stopped: the reservation's own document too
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('BREAD', 1, 'W1', 'B1', 'OUT', 'SO-30', 'CAFE')$$);
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('FLOUR', 1, 'W2', 'H1', 'OUT', 'SO-31', 'SHOP')$$);
SELECT lot, warehouse, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_stock WHERE lot IN ('B1', 'B2', 'H1') ORDER BY lot, warehouse;
-- released: exactly the recall's holds (the manual hold on B2 stays)
SELECT lottrace.release_recall(:rc, 'false alarm') AS released, lottrace.release_recall(:rc) AS again;
SELECT lot, scope, active FROM lottrace.holds WHERE lot IN ('B1', 'B2', 'H1') ORDER BY hold_id;
SELECT * FROM pg_temp.err($$SELECT lottrace.release_recall(424242)$$);
INSERT INTO mv (item, qty, wh, lot, reason, doc, account) VALUES ('BREAD', 5, 'W1', 'B1', 'OUT', 'SO-30', 'CAFE');
SELECT doc, qty, consumed_qty, state FROM lottrace.reservations WHERE doc = 'SO-30';

-- ---------------------------------------------------------------- rebuild keeps them
SELECT lottrace.reserve('BREAD', 'B1', 'W1', 2, 'SO-40') AS r40 \gset
SELECT lottrace.rebuild();
SELECT count(*) AS problems FROM lottrace.verify();
SELECT doc, state, open_qty FROM lottrace.reservations WHERE doc = 'SO-40';
SELECT lot, active FROM lottrace.holds WHERE hold_id = :manual;
SELECT lot, warehouse, on_hand, committed_qty, held_qty, available_qty FROM lottrace.lot_stock WHERE lot IN ('B1', 'B2') ORDER BY lot;

-- ---------------------------------------------------------------- privileges
CREATE ROLE lt_avail_clerk;
SET ROLE lt_avail_clerk;
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.reserve('BREAD', 'B1', 'W1', 1, 'SO-41')$$);
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.hold('BREAD', 'B1', 'x')$$);
SELECT sqlstate FROM pg_temp.err($$UPDATE lottrace.reservation SET qty = 100$$);
RESET ROLE;
-- granted, the role reserves and holds, and is recorded as the one who did
-- (not the extension owner the functions run as)
GRANT EXECUTE ON FUNCTION lottrace.reserve(text, text, text, numeric, text, text, text, timestamptz),
                          lottrace.release(bigint, text),
                          lottrace.hold(text, text, text, text, numeric, text, timestamptz),
                          lottrace.release_hold(bigint, text)
  TO lt_avail_clerk;
SET ROLE lt_avail_clerk;
SELECT lottrace.reserve('BREAD', 'B1', 'W1', 1, 'SO-41') AS r41 \gset
SELECT lottrace.release(:r41);
SELECT lottrace.hold('BREAD', 'B1', 'clerk check') AS h41 \gset
SELECT lottrace.release_hold(:h41);
RESET ROLE;
SELECT reserved_by, released_by FROM lottrace.reservations WHERE doc = 'SO-41';
SELECT placed_by, released_by FROM lottrace.holds WHERE reason = 'clerk check';
SELECT action, changed_by FROM lottrace.hold_log WHERE note IN ('clerk check') OR action = 'released' AND hold_id = :h41 ORDER BY log_id;
REVOKE EXECUTE ON FUNCTION lottrace.reserve(text, text, text, numeric, text, text, text, timestamptz),
                           lottrace.release(bigint, text),
                           lottrace.hold(text, text, text, text, numeric, text, timestamptz),
                           lottrace.release_hold(bigint, text)
  FROM lt_avail_clerk;
DROP ROLE lt_avail_clerk;

SELECT lottrace.detach('mv');
DROP TABLE mv;
DROP EXTENSION lottrace;

-- ---------------------------------------------------------------- reserve_when
-- Rows of the attached table that reserve: Odoo's move lines in state
-- assigned / partially_available reserve what they will move out, for their
-- picking (the doc column); done lines count as stock.
CREATE EXTENSION lottrace;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('GOUDA', true);
INSERT INTO lottrace.warehouse (code, kind) VALUES ('Vendors', 'supplier'), ('Customers', 'customer');
CREATE TABLE ml (
  id       serial PRIMARY KEY,
  product  text NOT NULL,
  lot      text,
  loc      text NOT NULL,
  loc_dest text NOT NULL,
  quantity numeric NOT NULL,
  state    text NOT NULL,
  reference text
);
-- reserve_when needs counts_when, and a document to reserve for
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('ml', item => 'product', qty => 'quantity', warehouse => 'loc', lot => 'lot', to_warehouse => 'loc_dest', reserve_when => 'state = ''assigned''')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('ml', item => 'product', qty => 'quantity', warehouse => 'loc', lot => 'lot', to_warehouse => 'loc_dest', counts_when => 'state = ''done''', reserve_when => 'state = ''assigned''')$$);
-- checked as counts_when is, and named in the message
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('ml', item => 'product', qty => 'quantity', warehouse => 'loc', lot => 'lot', to_warehouse => 'loc_dest', doc => 'reference', counts_when => 'state = ''done''', reserve_when => 'now() > ''2026-01-01''')$$);
-- a reserving line that is there before attach() is taken in
INSERT INTO ml (product, lot, loc, loc_dest, quantity, state, reference) VALUES
  ('GOUDA', 'G1', 'Vendors', 'Stock', 30, 'done', 'IN/1'),
  ('GOUDA', 'G1', 'Stock', 'Customers', 5, 'assigned', 'OUT/1');
SELECT lottrace.attach('ml', item => 'product', qty => 'quantity', warehouse => 'loc', lot => 'lot',
                       to_warehouse => 'loc_dest', doc => 'reference',
                       counts_when => $$state = 'done'$$,
                       reserve_when => $$state IN ('assigned', 'partially_available')$$);
SELECT reserve_when, reserve_cols FROM lottrace.attachment;
SELECT l.code AS lot, r.warehouse, r.doc, r.qty FROM lottrace.row_reservation r JOIN lottrace.lot l USING (lot_id);
SELECT lot, warehouse, on_hand, committed_qty, available_qty FROM lottrace.lot_stock;
-- Odoo reserves for another picking: 20 of the 25 left free
INSERT INTO ml (product, lot, loc, loc_dest, quantity, state, reference) VALUES
  ('GOUDA', 'G1', 'Stock', 'Customers', 20, 'assigned', 'OUT/2');
SELECT lot, warehouse, on_hand, committed_qty, available_qty FROM lottrace.lot_stock;
-- a third picking validated straight away may take only what is free
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO ml (product, lot, loc, loc_dest, quantity, state, reference) VALUES ('GOUDA', 'G1', 'Stock', 'Customers', 6, 'done', 'OUT/3')$$);
INSERT INTO ml (product, lot, loc, loc_dest, quantity, state, reference) VALUES ('GOUDA', 'G1', 'Stock', 'Customers', 5, 'done', 'OUT/3');
-- validating a reserving line: it stops reserving and counts, in one UPDATE
UPDATE ml SET state = 'done' WHERE reference = 'OUT/2';
SELECT l.code AS lot, r.warehouse, r.doc, r.qty FROM lottrace.row_reservation r JOIN lottrace.lot l USING (lot_id);
SELECT lot, warehouse, on_hand, committed_qty, available_qty FROM lottrace.lot_stock;
-- a partial availability changes the reserved quantity; a cancelled line reserves nothing
UPDATE ml SET state = 'partially_available', quantity = 3 WHERE reference = 'OUT/1';
SELECT doc, qty FROM lottrace.row_reservation;
UPDATE ml SET state = 'cancel' WHERE reference = 'OUT/1';
SELECT count(*) AS row_reservations FROM lottrace.row_reservation;
SELECT code, claims FROM lottrace.lot;
-- rebuild recomputes, verify checks
INSERT INTO ml (product, lot, loc, loc_dest, quantity, state, reference) VALUES ('GOUDA', 'G1', 'Stock', 'Customers', 2, 'assigned', 'OUT/4');
DELETE FROM lottrace.row_reservation;
SELECT problem, detail FROM lottrace.verify();
SELECT lottrace.rebuild();
SELECT count(*) AS problems FROM lottrace.verify();
SELECT doc, qty FROM lottrace.row_reservation;
-- detached: its rows reserve nothing any more
SELECT lottrace.detach('ml');
SELECT count(*) AS row_reservations FROM lottrace.row_reservation;
DROP TABLE ml;
DROP EXTENSION lottrace;
