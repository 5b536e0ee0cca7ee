-- Tryton 7 workflows, statement by statement as trytond writes them:
-- ModelSQL.create() = INSERT ... RETURNING id (state draft or staging);
-- Workflow transitions and Move.do() = UPDATE ... SET state, effective_date,
-- write_uid, write_date WHERE id IN (...).  Tryton keeps no on-hand table:
-- its stock figures are the done moves summed per lot and storage
-- location (Move.compute_quantities_query), which erp_stock computes.
SET search_path = erp;
\set ON_ERROR_STOP 1

-- The ERP's figures: done moves of lot-tracked products (lot_required
-- contains storage), per lot and storage location.
\set erp_stock 'SELECT l.number AS lot, s.id::text AS location, sum(CASE WHEN m.to_location = s.id THEN m.internal_quantity ELSE -m.internal_quantity END)::numeric AS qty FROM erp.stock_move m JOIN erp.stock_lot l ON l.id = m.lot JOIN erp.product_product p ON p.id = m.product JOIN erp.product_template t ON t.id = p.template JOIN erp.stock_location s ON s.id IN (m.from_location, m.to_location) AND s.type = ''storage'' WHERE m.state = ''done'' AND coalesce(t.lot_required, ''[]'')::jsonb ? ''storage'' GROUP BY 1, 2'
-- lottrace's: lot stock, and serials in stock.
\set lt_stock 'SELECT lot::text AS lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock UNION ALL SELECT serial::text, warehouse, 1 FROM lottrace.serial_register WHERE state = ''in_stock'''

CREATE FUNCTION erp_test.tryton_agree(label text, erp_query text, lt_query text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM erp_test.same(label, erp_query, lt_query);
  PERFORM erp_test.verify_clean(label);
END
$$;
COMMENT ON FUNCTION erp_test.tryton_agree(text, text, text) IS
  'Tryton workflow check: the ERP''s per-lot, per-location figures equal lottrace''s, and lottrace.verify() is empty.';

SELECT erp_test.tryton_agree('history taken in by attach', :'erp_stock', :'lt_stock');
SELECT erp_test.check('configuration read from Tryton',
  (SELECT lot_tracked AND NOT serial_tracked FROM lottrace.item WHERE item = '1')
  AND (SELECT serial_tracked AND NOT lot_tracked FROM lottrace.item WHERE item = '3')
  AND NOT (SELECT lot_tracked OR serial_tracked FROM lottrace.item WHERE item = '5')
  AND (SELECT kind FROM lottrace.warehouse WHERE code = '5') = 'inventory'
  AND (SELECT kind FROM lottrace.warehouse WHERE code = '9') = 'production'
  AND (SELECT expiry_date FROM lottrace.lot_register WHERE item = '1' AND lot = 'M-2601') = DATE '2027-01-10');
SELECT erp_test.check('backfill: the production done before lottrace is a batch (MO-0: M-2601 in, Y-0000 out)',
  (SELECT array_agg(b.batch_key || ':' || b.role || ':' || l.code || ':' || b.qty ORDER BY b.role)
     FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id))
  = '{1:input:M-2601:5,1:output:Y-0000:5}'
  AND (SELECT array_agg(lot::text) FROM lottrace.trace_backward('2', 'Y-0000')) = '{M-2601}');

-- 1. A supplier shipment prepared, then received, then done.
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, create_uid, create_date)
VALUES ('M-2602', 1, true, DATE '2027-01-20', 1, now()) RETURNING id AS lot_m2602 \gset
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (1, 2, 80, 80, 6, 2, 'stock.shipment.in,5', DATE '2026-11-10', DATE '2026-11-10', 'draft', 1, 0.9, :lot_m2602, 1, now())
RETURNING id AS rcv_in \gset
SELECT erp_test.tryton_agree('receipt prepared (draft)', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-10', cost_price = 0.9, state = 'done',
       write_uid = 1, write_date = now() WHERE id IN (:rcv_in);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 80, 80, 2, 4, 'stock.shipment.in,5', DATE '2026-11-10', DATE '2026-11-10', 'draft', 1, :lot_m2602, 1, now())
RETURNING id AS rcv_sto \gset
SELECT erp_test.tryton_agree('receipt received', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-10', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:rcv_sto);
SELECT erp_test.tryton_agree('receipt done', :'erp_stock', :'lt_stock');
SELECT erp_test.check('the new lot takes its expiry from stock_lot',
  (SELECT expiry_date FROM lottrace.lot_register WHERE item = '1' AND lot = 'M-2602') = DATE '2027-01-20');

-- 2. A customer shipment: inventory move assigned (reserved), then picked
-- (done), then the outgoing move done.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (2, 1, 15, 15, 4, 3, 'stock.shipment.out,3', DATE '2026-11-11', DATE '2026-11-11', 'draft', 1, 2, 1, now())
RETURNING id AS out_inv \gset
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE id IN (:out_inv);
SELECT erp_test.tryton_agree('delivery reserved', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-11', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:out_inv);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 15, 15, 3, 7, 'stock.shipment.out,3', DATE '2026-11-11', DATE '2026-11-11', 'draft', 1, 2.5, 2, 1, now())
RETURNING id AS out_cus \gset
SELECT erp_test.tryton_agree('delivery picked', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-11', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:out_cus);
SELECT erp_test.tryton_agree('delivery done', :'erp_stock', :'lt_stock');
SELECT erp_test.check('recall names the customer location',
  EXISTS (SELECT 1 FROM lottrace.recall('2', 'Y-0001') WHERE account = '7' AND qty = 15));

-- 3. An internal shipment: storage -> cold room, assigned then done.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 40, 40, 4, 10, 'stock.shipment.internal,1', DATE '2026-11-12', DATE '2026-11-12', 'draft', 1, :lot_m2602, 1, now())
RETURNING id AS int_mv \gset
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE id IN (:int_mv);
UPDATE stock_move SET effective_date = DATE '2026-11-12', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:int_mv);
SELECT erp_test.tryton_agree('internal transfer done', :'erp_stock', :'lt_stock');
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 41, 41, 10, 4, 'stock.shipment.internal,2', DATE '2026-11-12', 'draft', 1, :lot_m2602, 1, now())
RETURNING id AS int_over \gset
SELECT erp_test.expect_error('transfer of more than the cold room holds',
  format($s$UPDATE erp.stock_move SET effective_date = DATE '2026-11-12', state = 'done', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :int_over),
  '23514', 'lottrace_negative_stock');
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (:int_over);
SELECT erp_test.tryton_agree('refused transfer cancelled', :'erp_stock', :'lt_stock');

-- 4. A production order: milk (inputs, storage -> production) into
-- yoghurt (outputs, production -> storage).  Production.wait/assign write
-- the moves' states, run() does the inputs, done() the outputs, then the
-- order's state and effective_date.
INSERT INTO production (number, planned_date, company, warehouse, location, product, quantity, state, create_uid, create_date)
VALUES ('MO-1', DATE '2026-11-13', 1, 1, 9, 2, 60, 'draft', 1, now()) RETURNING id AS mo \gset
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, create_uid, create_date)
VALUES ('Y-0002', 2, true, DATE '2027-03-01', 1, now()) RETURNING id AS lot_y2 \gset
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_input,
                        planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 20, 20, 4, 9, :mo, DATE '2026-11-13', 'draft', 1, 1, 1, now()),
       (1, 2, 10, 10, 4, 9, :mo, DATE '2026-11-13', 'draft', 1, :lot_m2602, 1, now());
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_output,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 60, 60, 9, 4, :mo, DATE '2026-11-13', 'draft', 1, 1.1, :lot_y2, 1, now());
UPDATE production SET state = 'waiting', write_uid = 1, write_date = now() WHERE id IN (:mo);
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE production_input IN (:mo);
UPDATE production SET state = 'assigned', write_uid = 1, write_date = now() WHERE id IN (:mo);
SELECT erp_test.tryton_agree('production assigned', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-13', state = 'done', write_uid = 1, write_date = now()
 WHERE production_input IN (:mo);
UPDATE production SET state = 'running', effective_start_date = DATE '2026-11-13', write_uid = 1, write_date = now() WHERE id IN (:mo);
SELECT erp_test.tryton_agree('production running (inputs consumed)', :'erp_stock', :'lt_stock');
UPDATE stock_move SET effective_date = DATE '2026-11-13', state = 'done', write_uid = 1, write_date = now()
 WHERE production_output IN (:mo);
UPDATE production SET state = 'done', effective_date = DATE '2026-11-13', write_uid = 1, write_date = now() WHERE id IN (:mo);
SELECT erp_test.tryton_agree('production done', :'erp_stock', :'lt_stock');
-- The genealogy is lottrace's own production batch, keyed by the
-- production's id (production_input of the inputs, production_output of
-- the outputs); the recipe makes no manual links.
SELECT erp_test.check('batch of MO-1: milk lots in, yoghurt out',
  (SELECT array_agg(b.role || ':' || l.item || '/' || l.code || ':' || b.qty ORDER BY b.role, l.code)
     FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id) WHERE b.batch_key = :'mo')
  = '{input:1/M-2601:20,input:1/M-2602:10,output:2/Y-0002:60}'
  AND NOT EXISTS (SELECT 1 FROM lottrace.lot_link));
SELECT erp_test.check('trace_backward of the yoghurt finds both milk lots',
  (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_backward('2', 'Y-0002')) = '{M-2601,M-2602}');
SELECT erp_test.check('trace_forward of the milk finds the yoghurt',
  (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_forward('1', 'M-2601')) = '{Y-0000,Y-0002}'
  AND (SELECT qty FROM lottrace.trace_backward('2', 'Y-0002') WHERE lot = 'M-2601') = 20);

-- 4b. A done production whose outputs are cancelled (Tryton 6.6+: done ->
-- cancelled; the production's moves are cancelled one by one): the
-- cancelled output leaves the batch, so the milk it was made from no
-- longer leads to it; then its inputs are cancelled too and the batch is
-- empty.
INSERT INTO production (number, planned_date, company, warehouse, location, product, quantity, state, create_uid, create_date)
VALUES ('MO-2', DATE '2026-11-13', 1, 1, 9, 2, 10, 'draft', 1, now()) RETURNING id AS mo2 \gset
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, create_uid, create_date)
VALUES ('Y-0003', 2, true, DATE '2027-03-02', 1, now()) RETURNING id AS lot_y3 \gset
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_input,
                        planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 10, 10, 4, 9, :mo2, DATE '2026-11-13', 'draft', 1, :lot_m2602, 1, now());
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_output,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 10, 10, 9, 4, :mo2, DATE '2026-11-13', 'draft', 1, 1.1, :lot_y3, 1, now());
UPDATE production SET state = 'waiting', write_uid = 1, write_date = now() WHERE id IN (:mo2);
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE production_input IN (:mo2);
UPDATE stock_move SET effective_date = DATE '2026-11-13', state = 'done', write_uid = 1, write_date = now()
 WHERE production_input IN (:mo2);
UPDATE production SET state = 'running', effective_start_date = DATE '2026-11-13', write_uid = 1, write_date = now() WHERE id IN (:mo2);
UPDATE stock_move SET effective_date = DATE '2026-11-13', state = 'done', write_uid = 1, write_date = now()
 WHERE production_output IN (:mo2);
UPDATE production SET state = 'done', effective_date = DATE '2026-11-13', write_uid = 1, write_date = now() WHERE id IN (:mo2);
SELECT erp_test.tryton_agree('second production done', :'erp_stock', :'lt_stock');
SELECT erp_test.check('batch of MO-2: M-2602 in, Y-0003 out; M-2602 leads to both yoghurts',
  (SELECT array_agg(b.role || ':' || l.code || ':' || b.qty ORDER BY b.role, l.code)
     FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id) WHERE b.batch_key = :'mo2')
  = '{input:M-2602:10,output:Y-0003:10}'
  AND (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_forward('1', 'M-2602')) = '{Y-0002,Y-0003}');
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE production_output IN (:mo2);
SELECT erp_test.tryton_agree('done output cancelled', :'erp_stock', :'lt_stock');
SELECT erp_test.check('the cancelled output left the batch: M-2602 leads to Y-0002 only',
  (SELECT array_agg(b.role || ':' || l.code || ':' || b.qty ORDER BY b.role, l.code)
     FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id) WHERE b.batch_key = :'mo2')
  = '{input:M-2602:10}'
  AND NOT EXISTS (SELECT 1 FROM lottrace.trace_backward('2', 'Y-0003'))
  AND (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_forward('1', 'M-2602')) = '{Y-0002}'
  AND (SELECT on_hand FROM lottrace.lot_register WHERE item = '2' AND lot = 'Y-0003') = 0);
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE production_input IN (:mo2);
UPDATE production SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (:mo2);
SELECT erp_test.tryton_agree('cancelled production', :'erp_stock', :'lt_stock');
SELECT erp_test.check('the cancelled production has no batch members',
  NOT EXISTS (SELECT 1 FROM lottrace.batch_member WHERE batch_key = :'mo2'));

-- 5. Serials: a sensor received, one shipped, and one received twice.
INSERT INTO stock_lot (number, product, active, unit, unit_quantity, create_uid, create_date)
VALUES ('SN-003', 3, true, 1, 1, 1, now()) RETURNING id AS lot_sn3 \gset
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (3, 1, 1, 1, 6, 4, 'stock.shipment.in,6', DATE '2026-11-14', 'draft', 1, 40, :lot_sn3, 1, now())
RETURNING id AS sn_in \gset
UPDATE stock_move SET effective_date = DATE '2026-11-14', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:sn_in);
SELECT erp_test.tryton_agree('serial received', :'erp_stock', :'lt_stock');
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (3, 1, 1, 1, 4, 3, 'stock.shipment.out,4', DATE '2026-11-14', 'draft', 1, NULL, 3, 1, now()),
       (3, 1, 1, 1, 3, 7, 'stock.shipment.out,4', DATE '2026-11-14', 'draft', 1, 90, 3, 1, now());
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now()
 WHERE shipment = 'stock.shipment.out,4' AND from_location = 4;
UPDATE stock_move SET effective_date = DATE '2026-11-14', state = 'done', write_uid = 1, write_date = now()
 WHERE shipment = 'stock.shipment.out,4' AND from_location = 4;
UPDATE stock_move SET effective_date = DATE '2026-11-14', state = 'done', write_uid = 1, write_date = now()
 WHERE shipment = 'stock.shipment.out,4' AND from_location = 3;
SELECT erp_test.tryton_agree('serial shipped', :'erp_stock', :'lt_stock');
SELECT erp_test.check('serial register: SN-001 out, SN-003 in stock',
  (SELECT state FROM lottrace.serial_register WHERE item = '3' AND serial = 'SN-001') = 'out'
  AND (SELECT warehouse FROM lottrace.serial_register WHERE item = '3' AND serial = 'SN-003') = '4');
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (3, 1, 1, 1, 6, 2, 'stock.shipment.in,7', DATE '2026-11-14', 'draft', 1, 40, :lot_sn3, 1, now())
RETURNING id AS sn_twice \gset
SELECT erp_test.expect_error('a serial in stock received again',
  format($s$UPDATE erp.stock_move SET effective_date = DATE '2026-11-14', state = 'done', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :sn_twice),
  '23505', 'lottrace_serial_in_stock');
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (:sn_twice);

-- 6. A cancellation after validation (Tryton 6.6+: done -> cancelled):
-- the outgoing move of delivery 2 is cancelled, the goods are back in the
-- output zone.
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (:out_cus);
SELECT erp_test.tryton_agree('done delivery cancelled', :'erp_stock', :'lt_stock');

-- 7. A correction of a validated line: Tryton refuses to write quantity or
-- lot of a done move (stock.msg_move_modify_done); the line is cancelled
-- and a corrected copy done.  The cold-room transfer was 40, it is 35.
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (:int_mv);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, origin, create_uid, create_date)
VALUES (1, 2, 35, 35, 4, 10, 'stock.shipment.internal,1', DATE '2026-11-12', DATE '2026-11-12', 'draft', 1, :lot_m2602,
        'stock.move,' || :int_mv, 1, now())
RETURNING id AS int_fix \gset
UPDATE stock_move SET effective_date = DATE '2026-11-12', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (:int_fix);
SELECT erp_test.tryton_agree('validated line corrected', :'erp_stock', :'lt_stock');
-- Cancelling the milk receipt of step 1 now would take the storage zone
-- below zero (its milk went to production and the cold room).
SELECT erp_test.expect_error('cancelling a receipt whose goods are gone',
  format($s$UPDATE erp.stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :rcv_sto),
  '23514', 'lottrace_negative_stock');

-- 8. A receipt left unvalidated.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 25, 25, 6, 2, 'stock.shipment.in,8', DATE '2026-11-15', 'draft', 1, 1.2, :lot_y2, 1, now());
SELECT erp_test.tryton_agree('receipt left in draft', :'erp_stock', :'lt_stock');

-- 9. A quarantined lot: the move into the output zone is a transfer (not
-- gated), the outgoing move to the customer is refused when done.
SELECT lottrace.set_lot_status('2', 'Y-0002', 'QUARANTINE', 'lab sample pending');
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, lot, create_uid, create_date)
VALUES (2, 1, 5, 5, 4, 3, 'stock.shipment.out,5', DATE '2026-11-16', 'draft', 1, :lot_y2, 1, now())
RETURNING id AS q_inv \gset
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE id IN (:q_inv);
UPDATE stock_move SET effective_date = DATE '2026-11-16', state = 'done', write_uid = 1, write_date = now() WHERE id IN (:q_inv);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 5, 5, 3, 7, 'stock.shipment.out,5', DATE '2026-11-16', 'draft', 1, 2.5, :lot_y2, 1, now())
RETURNING id AS q_cus \gset
SELECT erp_test.expect_error('delivery of a quarantined lot',
  format($s$UPDATE erp.stock_move SET effective_date = DATE '2026-11-16', state = 'done', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :q_cus),
  '23514', 'lottrace_lot_unavailable');
SELECT erp_test.tryton_agree('quarantined delivery refused', :'erp_stock', :'lt_stock');
SELECT lottrace.set_lot_status('2', 'Y-0002', 'AVAILABLE', 'lab OK');
UPDATE stock_move SET effective_date = DATE '2026-11-16', state = 'done', write_uid = 1, write_date = now() WHERE id IN (:q_cus);
SELECT erp_test.tryton_agree('released lot delivered', :'erp_stock', :'lt_stock');

-- 10. Expiry: the shelf life of M-2601 is shortened in Tryton (stock_lot
-- write); lottrace follows, and a sale of it is refused.
UPDATE stock_lot SET shelf_life_expiration_date = DATE '2026-11-01', write_uid = 1, write_date = now()
 WHERE number = 'M-2601';
SELECT erp_test.check('shortened shelf life followed',
  (SELECT expiry_date FROM lottrace.lot_register WHERE item = '1' AND lot = 'M-2601') = DATE '2026-11-01');
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (1, 2, 5, 5, 4, 7, 'stock.shipment.out,6', DATE '2026-11-17', 'draft', 1, 2, 1, 1, now())
RETURNING id AS x_cus \gset
SELECT erp_test.expect_error('sale of an expired lot',
  format($s$UPDATE erp.stock_move SET effective_date = DATE '2026-11-17', state = 'done', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :x_cus),
  '23514', 'lottrace_lot_expired');
-- Writing it off to lost and found (an inventory) is not gated.
UPDATE stock_move SET to_location = 5, write_uid = 1, write_date = now() WHERE id IN (:x_cus);
UPDATE stock_move SET effective_date = DATE '2026-11-17', state = 'done', write_uid = 1, write_date = now() WHERE id IN (:x_cus);
SELECT erp_test.tryton_agree('expired lot written off', :'erp_stock', :'lt_stock');

-- 11. Configuration changes in Tryton are followed: a new lot-tracked
-- product, and a product that stops requiring lots in storage.
INSERT INTO product_template (name, type, consumable, default_uom, active, lot_required, shelf_life_state, expiration_state,
                              create_uid, create_date)
VALUES ('Cream', 'goods', false, 2, true, '["storage","supplier"]', 'none', 'none', 1, now()) RETURNING id AS tpl \gset
INSERT INTO product_product (template, code, active, create_uid, create_date)
VALUES (:tpl, 'CREAM', true, 1, now()) RETURNING id AS cream \gset
SELECT erp_test.check('new product is lot-tracked',
  (SELECT lot_tracked FROM lottrace.item WHERE item = :'cream'));
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (:cream, 2, 3, 3, 6, 4, 'stock.shipment.in,9', DATE '2026-11-18', 'draft', 1, 2, NULL, 1, now())
RETURNING id AS cream_in \gset
SELECT erp_test.expect_error('lot-tracked product received without a lot',
  format($s$UPDATE erp.stock_move SET effective_date = DATE '2026-11-18', state = 'done', write_uid = 1, write_date = now() WHERE id IN (%s)$s$, :cream_in),
  '23502', 'lottrace_lot_required');
INSERT INTO stock_location (name, code, type, parent, "left", "right", active, create_uid, create_date)
VALUES ('Scrap', 'SCR', 'lost_found', NULL, 21, 22, true, 1, now()) RETURNING id AS scrap \gset
SELECT erp_test.check('new location has its kind',
  (SELECT kind FROM lottrace.warehouse WHERE code = :'scrap') = 'inventory');
SELECT erp_test.tryton_agree('end of the workflow', :'erp_stock', :'lt_stock');

-- 12. Removal: detach() takes the lookup guards on stock_lot with it.
BEGIN;
SELECT lottrace.detach('erp.stock_move');
DROP SCHEMA lottrace_tryton7 CASCADE;
SELECT erp_test.check('no lottrace trigger is left on Tryton''s tables',
  NOT EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
               WHERE c.relnamespace = 'erp'::regnamespace AND g.tgname LIKE 'lottrace%'));
ROLLBACK;
