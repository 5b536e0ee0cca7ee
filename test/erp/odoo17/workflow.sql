-- Odoo 17 after erp/odoo17.sql: the statements Odoo's code writes, step by
-- step (orm.* from history.sql are Odoo's stock.quant / stock.move methods as
-- SQL), with after each step Odoo's own per-lot, per-location figures
-- (stock_quant in internal locations) compared with lottrace's, and verify().
SET search_path = erp;
\set QUIET on
\o /dev/null

-- Odoo's figures: quants of tracked products in internal locations; lottrace's:
-- lot stock, and serials in stock.  Lots are named product/lot (Odoo's lot
-- names are unique per product only).
\set erp_q 'SELECT q.product_id || ''/'' || l.name AS lot, q.location_id AS location, q.quantity AS qty FROM erp.stock_quant q JOIN erp.stock_lot l ON l.id = q.lot_id JOIN erp.stock_location loc ON loc.id = q.location_id WHERE loc.usage = ''internal'''
\set lt_q 'SELECT item || ''/'' || lot AS lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock UNION ALL SELECT item || ''/'' || serial, warehouse, 1 FROM lottrace.serial_register WHERE state = ''in_stock'''

-- ---- 0. the history, taken in by attach's backfill ------------------------
SELECT erp_test.same('history backfilled', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('history backfilled');
SELECT erp_test.check('configuration: items from product tracking (storable only)',
  (SELECT array_agg(item || ':' || lot_tracked::text || serial_tracked::text ORDER BY item) FROM lottrace.item)
  = '{11:truefalse,12:truefalse,13:truefalse,14:falsetrue}');
SELECT erp_test.check('configuration: location kinds from usage',
  (SELECT string_agg(code || '=' || kind, ',' ORDER BY code::int) FROM lottrace.warehouse WHERE code IN ('4','5','8','14','15','16'))
  = '4=supplier,5=customer,8=internal,14=inventory,15=production,16=scrap');
SELECT erp_test.check('a lot''s expiry is stock_lot.expiration_date',
  (SELECT expiry_date FROM lottrace.lot WHERE item = '11' AND code = 'M-2611-01')
  = (SELECT expiration_date::date FROM stock_lot WHERE name = 'M-2611-01'));

-- ---- 1. a receipt prepared, then validated --------------------------------
-- purchase confirmation: picking and move in draft, action_confirm,
-- action_assign (a receipt from a vendor location reserves nothing)
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/IN/00004', 'direct', 'draft', now(), 4, 8, 1, 7, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Raw milk', now(), 1, 11, 500, 500, 12, 0, 4, 8, id, 1, 'draft', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/IN/00004';
UPDATE stock_move SET state = 'confirmed' WHERE reference = 'WH/IN/00004';
UPDATE stock_picking SET state = 'confirmed' WHERE name = 'WH/IN/00004';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 11, 12, 500, 500, false, now(), 4, 8, 'confirmed', m.reference
  FROM stock_move m WHERE m.reference = 'WH/IN/00004';
UPDATE stock_move SET state = 'assigned', quantity = 500 WHERE reference = 'WH/IN/00004';
UPDATE stock_move_line SET state = 'assigned' WHERE reference = 'WH/IN/00004';
UPDATE stock_picking SET state = 'assigned' WHERE name = 'WH/IN/00004';
-- the storekeeper types the lot on the detailed operation, ticks "picked"
UPDATE stock_move_line SET lot_name = 'M-2612-02', picked = true WHERE reference = 'WH/IN/00004';
UPDATE stock_move SET picked = true WHERE reference = 'WH/IN/00004';
SELECT erp_test.same('receipt prepared: nothing moved yet', :'erp_q', :'lt_q');
SELECT erp_test.check('receipt prepared: no lot yet', NOT EXISTS (SELECT 1 FROM lottrace.lot WHERE code = 'M-2612-02'));
-- button_validate
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/IN/00004'));
SELECT erp_test.same('receipt validated', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('receipt validated');
SELECT erp_test.check('the new lot has Odoo''s expiration date and supplier',
  (SELECT (l.expiry_date, l.supplier) FROM lottrace.lot l WHERE item = '11' AND code = 'M-2612-02')
  = (SELECT (expiration_date::date, '7'::text) FROM stock_lot WHERE name = 'M-2612-02'));

-- ---- 2. a reservation, then a delivery ------------------------------------
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/OUT/00003', 'direct', 'draft', now(), 8, 5, 2, 9, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Raw milk', now(), 1, 11, 120, 120, 12, 0, 8, 5, id, 2, 'draft', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/OUT/00003';
UPDATE stock_move SET state = 'confirmed' WHERE reference = 'WH/OUT/00003';
-- action_assign: FEFO/FIFO picks M-2611-01; the line reserves on the quant
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 11, 12, 120, 120, false, l.id, now(), 8, 5, 'confirmed', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/OUT/00003' AND l.name = 'M-2611-01';
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2611-01'), 120);
UPDATE stock_move SET state = 'assigned', quantity = 120 WHERE reference = 'WH/OUT/00003';
UPDATE stock_move_line SET state = 'assigned' WHERE reference = 'WH/OUT/00003';
UPDATE stock_picking SET state = 'assigned' WHERE name = 'WH/OUT/00003';
SELECT erp_test.same('delivery reserved: a reservation moves nothing', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('delivery reserved');
-- the reserved line (reserve_when) commits the lot where Odoo reserved it
SELECT erp_test.check('reserved: lottrace''s committed quantity is the quant''s reserved_quantity',
  (SELECT committed_qty FROM lottrace.lot_stock WHERE item = '11' AND lot = 'M-2611-01' AND warehouse = '8')
  = (SELECT sum(q.reserved_quantity) FROM stock_quant q JOIN stock_lot l ON l.id = q.lot_id
      WHERE l.name = 'M-2611-01' AND q.location_id = 8));
-- another client writing a done line that takes the reserved milk is refused
SELECT erp_test.expect_error('a done line of another document may not take reserved stock',
  $$INSERT INTO erp.stock_move_line (company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                     picked, lot_id, date, location_id, location_dest_id, state, reference)
    SELECT 1, 11, 12, s.on_hand - s.committed_qty + 1, s.on_hand - s.committed_qty + 1, true, l.id, now(), 8, 5,
           'done', 'SCRIPT/1'
      FROM lottrace.lot_stock s, erp.stock_lot l
     WHERE s.item = '11' AND s.lot = 'M-2611-01' AND s.warehouse = '8' AND l.name = 'M-2611-01'$$,
  '23514', 'lottrace_lot_reserved');
UPDATE stock_move_line SET picked = true WHERE reference = 'WH/OUT/00003';
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/OUT/00003'));
SELECT erp_test.same('delivery validated', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('delivery validated');
SELECT erp_test.check('recall names the delivery''s partner',
  EXISTS (SELECT 1 FROM lottrace.recall('11', 'M-2611-01') WHERE account = '9' AND doc = 'WH/OUT/00003' AND qty = 120));

-- ---- 3. an internal transfer WH/Stock -> WH/Stock/Shelf 1 ----------------
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, company_id)
VALUES ('WH/INT/00001', 'direct', 'draft', now(), 8, 9, 5, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Raw milk', now(), 1, 11, 200, 200, 12, 0, 8, 9, id, 5, 'confirmed', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/INT/00001';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 11, 12, 200, 200, false, l.id, now(), 8, 9, 'confirmed', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/INT/00001' AND l.name = 'M-2612-02';
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2612-02'), 200);
UPDATE stock_move SET state = 'assigned', quantity = 200 WHERE reference = 'WH/INT/00001';
UPDATE stock_move_line SET state = 'assigned' WHERE reference = 'WH/INT/00001';
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/INT/00001'));
SELECT erp_test.same('internal transfer', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('internal transfer');

-- ---- 4. a manufacturing order: milk + culture (in grams) -> cheese --------
INSERT INTO mrp_production (name, product_id, product_qty, product_uom_id, qty_producing, state, date_start,
                            location_src_id, location_dest_id, picking_type_id, company_id)
VALUES ('WH/MO/00001', 13, 10, 1, 0, 'draft', now(), 8, 8, 8, 1);
-- action_confirm: component moves (raw_material_production_id) and the
-- finished-product move (production_id); mrp's reference is the MO's name
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_type_id, state, picked, procure_method, reference,
                        raw_material_production_id, production_id)
SELECT v.name, now(), 1, v.product, v.pqty, v.qty, v.uom, 0, v.src, v.dst, 8, 'confirmed', false, 'make_to_stock',
       mo.name, CASE WHEN v.raw THEN mo.id END, CASE WHEN NOT v.raw THEN mo.id END
  FROM mrp_production mo,
       (VALUES ('Raw milk', 11, 100, 100, 12, 8, 15, true),
               ('Starter culture', 12, 0.2, 200, 13, 8, 15, true),
               ('Cheese wheel', 13, 10, 10, 1, 15, 8, false)) v(name, product, pqty, qty, uom, src, dst, raw)
 WHERE mo.name = 'WH/MO/00001';
UPDATE mrp_production SET state = 'confirmed' WHERE name = 'WH/MO/00001';
-- action_assign on the components: lines reserve M-2611-01 and CS-88
INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.id, 1, m.product_id, m.product_uom, m.product_uom_qty, m.product_qty, false, l.id, now(), 8, 15, 'confirmed', m.reference
  FROM stock_move m JOIN stock_lot l ON l.product_id = m.product_id AND l.name IN ('M-2611-01', 'CS-88')
 WHERE m.raw_material_production_id IS NOT NULL;
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2611-01'), 100),
       orm.update_reserved_quantity(12, 8, (SELECT id FROM stock_lot WHERE name = 'CS-88'), 0.2);
UPDATE stock_move SET state = 'assigned', quantity = product_uom_qty WHERE raw_material_production_id IS NOT NULL;
UPDATE stock_move_line SET state = 'assigned' WHERE move_id IN (SELECT id FROM stock_move WHERE raw_material_production_id IS NOT NULL);
-- the operator sets the quantity producing and creates the lot to produce
-- (action_generate_serial), which the finished line gets
INSERT INTO stock_lot (name, product_id, company_id, expiration_date)
VALUES ('CH-2612-001', 13, 1, now()::timestamp + interval '90 days');
UPDATE mrp_production SET qty_producing = 10, state = 'progress',
       lot_producing_id = (SELECT id FROM stock_lot WHERE name = 'CH-2612-001') WHERE name = 'WH/MO/00001';
INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.id, 1, 13, 1, 10, 10, true, mo.lot_producing_id, now(), 15, 8, 'confirmed', m.reference
  FROM stock_move m JOIN mrp_production mo ON mo.id = m.production_id;
UPDATE stock_move SET quantity = 10, picked = true WHERE production_id IS NOT NULL;
UPDATE stock_move_line SET picked = true WHERE reference = 'WH/MO/00001';
SELECT erp_test.same('MO in progress: nothing moved yet', :'erp_q', :'lt_q');
-- button_mark_done -> _post_inventory: the components' moves are done
-- first, then the finished product's
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE raw_material_production_id IS NOT NULL));
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE production_id IS NOT NULL));
UPDATE mrp_production SET state = 'done', date_finished = now() WHERE name = 'WH/MO/00001';
SELECT erp_test.same('MO done', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('MO done');
SELECT erp_test.check('trace_backward: the cheese was made of M-2611-01 (100 kg) and CS-88 (0.2 kg)',
  (SELECT array_agg(item || '/' || lot || '=' || qty ORDER BY item) FROM lottrace.trace_backward('13', 'CH-2612-001'))
  = '{11/M-2611-01=100,12/CS-88=0.2}');
SELECT erp_test.check('trace_forward: the milk went into the cheese',
  EXISTS (SELECT 1 FROM lottrace.trace_forward('11', 'M-2611-01') WHERE item = '13' AND lot = 'CH-2612-001' AND depth = 1));

-- ---- 5. serials in and out ------------------------------------------------
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/IN/00005', 'direct', 'assigned', now(), 4, 8, 1, 7, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Weighing scale', now(), 1, 14, 2, 2, 1, 2, 4, 8, id, 1, 'assigned', true, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/IN/00005';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_name, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 14, 1, 1, 1, true, s, now(), 4, 8, 'assigned', m.reference
  FROM stock_move m, unnest(ARRAY['S-0003', 'S-0004']) s WHERE m.reference = 'WH/IN/00005';
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/IN/00005'));
SELECT erp_test.same('serials received', :'erp_q', :'lt_q');
-- a serial still in stock received again: Odoo 17 only warns (sn_duplicated)
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/IN/00006', 'direct', 'assigned', now(), 4, 8, 1, 7, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Weighing scale', now(), 1, 14, 1, 1, 1, 1, 4, 8, id, 1, 'assigned', true, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/IN/00006';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_name, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 14, 1, 1, 1, true, 'S-0003', now(), 4, 8, 'assigned', m.reference
  FROM stock_move m WHERE m.reference = 'WH/IN/00006';
SELECT erp_test.expect_error('a serial in stock received twice',
  $$SELECT orm.move_action_done(ARRAY(SELECT id FROM erp.stock_move WHERE reference = 'WH/IN/00006'))$$,
  '23505', 'lottrace_serial_in_stock');
SELECT erp_test.same('refused serial receipt changed nothing', :'erp_q', :'lt_q');
-- a delivery of S-0002 and S-0003
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/OUT/00004', 'direct', 'confirmed', now(), 8, 5, 2, 9, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Weighing scale', now(), 1, 14, 2, 2, 1, 0, 8, 5, id, 2, 'confirmed', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/OUT/00004';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 14, 1, 1, 1, false, l.id, now(), 8, 5, 'confirmed', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/OUT/00004' AND l.product_id = 14 AND l.name IN ('S-0002', 'S-0003');
SELECT orm.update_reserved_quantity(14, 8, id, 1) FROM stock_lot WHERE product_id = 14 AND name IN ('S-0002', 'S-0003');
UPDATE stock_move SET state = 'assigned', quantity = 2 WHERE reference = 'WH/OUT/00004';
UPDATE stock_move_line SET state = 'assigned' WHERE reference = 'WH/OUT/00004';
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/OUT/00004'));
SELECT erp_test.same('serials delivered', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('serials');
SELECT erp_test.check('serial register: S-0004 in stock, S-0002 and S-0003 out',
  (SELECT string_agg(serial || '=' || state, ',' ORDER BY serial) FROM lottrace.serial_register)
  = 'S-0001=out,S-0002=out,S-0003=out,S-0004=in_stock');

-- ---- 6. a cancellation after validation: the return of WH/OUT/00003 -------
-- Odoo refuses to cancel a done move ("create a return"); stock.return.picking
-- makes a picking back from the customer, its move origin_returned_move_id
INSERT INTO stock_picking (name, origin, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/IN/00007', 'Return of WH/OUT/00003', 'direct', 'draft', now(), 5, 8, 1, 9, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference,
                        origin_returned_move_id)
SELECT 'Raw milk', now(), 1, 11, 120, 120, 12, 0, 5, 8, p.id, 1, 'confirmed', false, 'make_to_stock', p.name, o.id
  FROM stock_picking p, stock_move o WHERE p.name = 'WH/IN/00007' AND o.reference = 'WH/OUT/00003';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 11, 12, 120, 120, true, l.id, now(), 5, 8, 'assigned', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/IN/00007' AND l.name = 'M-2611-01';
UPDATE stock_move SET state = 'assigned', quantity = 120 WHERE reference = 'WH/IN/00007';
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/IN/00007'));
SELECT erp_test.same('delivery returned', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('delivery returned');
-- and a delivery cancelled before validation: the reservation goes, nothing moves
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/OUT/00005', 'direct', 'assigned', now(), 8, 5, 2, 9, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Raw milk', now(), 1, 11, 10, 10, 12, 10, 8, 5, id, 2, 'assigned', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/OUT/00005';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 11, 12, 10, 10, false, l.id, now(), 8, 5, 'assigned', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/OUT/00005' AND l.name = 'M-2612-02';
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2612-02'), 10);
-- action_cancel: _do_unreserve unlinks the unpicked line, then state 'cancel'
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2612-02'), -10);
DELETE FROM stock_move_line WHERE reference = 'WH/OUT/00005';
UPDATE stock_move SET state = 'cancel', quantity = 0 WHERE reference = 'WH/OUT/00005';
UPDATE stock_picking SET state = 'cancel' WHERE name = 'WH/OUT/00005';
SELECT erp_test.same('delivery cancelled before validation', :'erp_q', :'lt_q');

-- ---- 7. a correction of a validated line: WH/IN/00004 was 480 kg, not 500
-- stock.move.line.write on a done line: the quants are moved back, the line
-- written, the quants moved again
SELECT orm.update_available_quantity(11, 8, lot_id, -quantity_product_uom),
       orm.update_available_quantity(11, 4, lot_id, quantity_product_uom)
  FROM stock_move_line WHERE reference = 'WH/IN/00004';
UPDATE stock_move_line SET quantity = 480, quantity_product_uom = 480 WHERE reference = 'WH/IN/00004';
SELECT orm.update_available_quantity(11, 4, lot_id, -quantity_product_uom),
       orm.update_available_quantity(11, 8, lot_id, quantity_product_uom)
  FROM stock_move_line WHERE reference = 'WH/IN/00004';
UPDATE stock_move SET quantity = 480 WHERE reference = 'WH/IN/00004';
SELECT erp_test.same('validated line corrected', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('validated line corrected');

-- ---- 8. a receipt left unvalidated ----------------------------------------
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/IN/00008', 'direct', 'assigned', now(), 4, 8, 1, 7, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Cheese wheel', now(), 1, 13, 5, 5, 1, 5, 4, 8, id, 1, 'assigned', false, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/IN/00008';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_name, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 13, 1, 5, 5, true, 'CH-BOUGHT-1', now(), 4, 8, 'assigned', m.reference
  FROM stock_move m WHERE m.reference = 'WH/IN/00008';
SELECT erp_test.same('receipt left unvalidated', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('receipt left unvalidated');

-- ---- 9. a quarantined lot: the delivery is refused at validation ----------
SELECT lottrace.set_lot_status('13', 'CH-2612-001', 'QUARANTINE', 'lab: listeria test pending');
INSERT INTO stock_picking (name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES ('WH/OUT/00006', 'direct', 'assigned', now(), 8, 5, 2, 9, 1);
INSERT INTO stock_move (name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
SELECT 'Cheese wheel', now(), 1, 13, 4, 4, 1, 4, 8, 5, id, 2, 'assigned', true, 'make_to_stock', name
  FROM stock_picking WHERE name = 'WH/OUT/00006';
-- reserving and preparing the delivery is not a movement: allowed
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT m.picking_id, m.id, 1, 13, 1, 4, 4, true, l.id, now(), 8, 5, 'assigned', m.reference
  FROM stock_move m, stock_lot l WHERE m.reference = 'WH/OUT/00006' AND l.name = 'CH-2612-001';
SELECT orm.update_reserved_quantity(13, 8, (SELECT id FROM stock_lot WHERE name = 'CH-2612-001'), 4);
SELECT erp_test.expect_error('delivery of a quarantined lot, at validation',
  $$SELECT orm.move_action_done(ARRAY(SELECT id FROM erp.stock_move WHERE reference = 'WH/OUT/00006'))$$,
  '23514', 'lottrace_lot_unavailable');
SELECT erp_test.same('refused delivery changed nothing', :'erp_q', :'lt_q');
SELECT erp_test.check('the refused delivery is still ready, not done',
  (SELECT state FROM stock_move_line WHERE reference = 'WH/OUT/00006') = 'assigned');
-- the same line written as done by any other client (an import, a script)
SELECT erp_test.expect_error('a done line of a quarantined lot written directly',
  $$UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/OUT/00006'$$,
  '23514', 'lottrace_lot_unavailable');
-- moving it between internal locations stays possible
INSERT INTO stock_move_line (company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 1, 13, 1, 2, 2, true, id, now(), 8, 9, 'done', 'WH/INT/00002' FROM stock_lot WHERE name = 'CH-2612-001';
SELECT orm.update_available_quantity(13, 8, (SELECT id FROM stock_lot WHERE name = 'CH-2612-001'), -2),
       orm.update_available_quantity(13, 9, (SELECT id FROM stock_lot WHERE name = 'CH-2612-001'), 2);
SELECT erp_test.same('quarantined lot moved to a shelf', :'erp_q', :'lt_q');
-- released by the lab, the delivery validates
SELECT lottrace.set_lot_status('13', 'CH-2612-001', 'AVAILABLE', 'lab: negative');
SELECT orm.move_action_done(ARRAY(SELECT id FROM stock_move WHERE reference = 'WH/OUT/00006'));
SELECT erp_test.same('released lot delivered', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('released lot delivered');

-- ---- 10. what else Odoo's users meet -------------------------------------
-- a delivery of more than the lot has (Odoo would let the quant go negative)
INSERT INTO stock_move_line (company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 1, 12, 12, 5, 5, true, id, now(), 8, 5, 'assigned', 'WH/OUT/00007' FROM stock_lot WHERE name = 'CS-88';
SELECT erp_test.expect_error('delivery of more than the lot has',
  $$UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/OUT/00007'$$,
  '23514', 'lottrace_negative_stock');
DELETE FROM stock_move_line WHERE reference = 'WH/OUT/00007';
-- renaming a lot that has moved is refused (the registers keep its code)
SELECT erp_test.expect_error('renaming a lot with movements',
  $$UPDATE erp.stock_lot SET name = 'M-RENAMED' WHERE name = 'M-2611-01'$$,
  '23503', 'lottrace_lookup_changed');
-- an expiration date edited on the lot form follows
UPDATE stock_lot SET expiration_date = '2027-03-31 12:00' WHERE name = 'CH-2612-001';
SELECT erp_test.check('an edited expiration date reaches lottrace',
  (SELECT expiry_date FROM lottrace.lot WHERE item = '13' AND code = 'CH-2612-001') = '2027-03-31');
-- a lot past its expiration date cannot be delivered
UPDATE stock_lot SET expiration_date = now()::timestamp - interval '1 day' WHERE name = 'M-2612-02';
INSERT INTO stock_move_line (company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 1, 11, 12, 5, 5, true, id, now(), 8, 5, 'assigned', 'WH/OUT/00008' FROM stock_lot WHERE name = 'M-2612-02';
SELECT erp_test.expect_error('delivery of an expired lot',
  $$UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/OUT/00008'$$,
  '23514', 'lottrace_lot_expired');
-- scrapping it stays possible (WH/Stock -> Virtual Locations/Scrap)
UPDATE stock_move_line SET location_dest_id = 16, reference = 'SP/00001' WHERE reference = 'WH/OUT/00008';
UPDATE stock_move_line SET state = 'done' WHERE reference = 'SP/00001';
SELECT orm.update_available_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2612-02'), -5),
       orm.update_available_quantity(11, 16, (SELECT id FROM stock_lot WHERE name = 'M-2612-02'), 5);
SELECT erp_test.same('expired lot scrapped', :'erp_q', :'lt_q');

-- ---- 11. configuration changes in Odoo are followed -----------------------
INSERT INTO product_template (id, name, type, detailed_type, tracking, uom_id, uom_po_id, active,
                              use_expiration_date, expiration_time, alert_time)
VALUES (7, '{"en_US": "Yoghurt"}', 'product', 'product', 'none', 1, 1, true, true, 21, 4);
INSERT INTO product_product (id, product_tmpl_id, default_code, active) VALUES (17, 7, 'YOG', true);
SELECT erp_test.check('an untracked product is not governed', NOT EXISTS (SELECT 1 FROM lottrace.item WHERE item = '17'));
UPDATE product_template SET tracking = 'lot' WHERE id = 7;
SELECT erp_test.check('tracking by lots switched on: governed, with its shelf life',
  (SELECT (lot_tracked, lot_validity_days, warn_days) FROM lottrace.item WHERE item = '17') = (true, 21, 4));
INSERT INTO stock_location (name, complete_name, active, usage, location_id, company_id, scrap_location)
VALUES ('Quality', 'WH/Quality', true, 'internal', 7, 1, false);
UPDATE stock_location SET usage = 'inventory', scrap_location = true, name = 'Waste', complete_name = 'Virtual Locations/Waste'
 WHERE name = 'Quality';
SELECT erp_test.check('a new location and its changed usage are followed',
  (SELECT (kind, description) FROM lottrace.warehouse w JOIN stock_location l ON w.code = l.id::text WHERE l.name = 'Waste')
  = ('scrap'::text, 'Virtual Locations/Waste'::text));
SELECT erp_test.same('end of the workflow', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('end of the workflow');
