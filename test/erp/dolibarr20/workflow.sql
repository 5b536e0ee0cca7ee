-- Dolibarr 20 after the recipe: statement by statement as Dolibarr's PHP
-- writes them (dolibarr_sim.create_move() of history.sql is
-- MouvementStock::_create: lot card, movement row, llx_product_stock,
-- llx_product_batch, llx_product.stock), with the ERP's own figures
-- (llx_product_batch per lot or serial and warehouse) compared with
-- lottrace's after every step.
SET search_path = erp;

\set erp_q 'SELECT p.ref || ''/'' || pb.batch AS lot, e.ref AS location, pb.qty FROM erp.llx_product_batch pb JOIN erp.llx_product_stock ps ON ps.rowid = pb.fk_product_stock JOIN erp.llx_product p ON p.rowid = ps.fk_product JOIN erp.llx_entrepot e ON e.rowid = ps.fk_entrepot'
\set lt_q 'SELECT p.ref || ''/'' || l.lot AS lot, e.ref AS location, l.on_hand AS qty FROM lottrace.lot_stock l JOIN erp.llx_product p ON p.rowid::text = l.item JOIN erp.llx_entrepot e ON e.rowid::text = l.warehouse UNION ALL SELECT p.ref || ''/'' || s.serial, e.ref, 1 FROM lottrace.serial_register s JOIN erp.llx_product p ON p.rowid::text = s.item JOIN erp.llx_entrepot e ON e.rowid::text = s.warehouse WHERE s.state = ''in_stock'''

-- 0. The history is in.
SELECT erp_test.same('history backfilled', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('history backfilled');
SELECT erp_test.check('configuration read: FLOUR lot-tracked, SCALE serial-tracked, BAG not tracked',
  (SELECT array_agg(item || ':' || lot_tracked || ':' || serial_tracked ORDER BY item) FROM lottrace.item)
  = '{1:true:false,2:true:false,3:false:true,4:false:false}');
SELECT erp_test.check('Dolibarr warehouses are internal locations',
  (SELECT count(*) FROM lottrace.warehouse WHERE code IN ('1', '2') AND kind = 'internal' AND NOT allow_negative) = 2);
SELECT erp_test.check('history: lot F-2401 has the eat-by date of its first movement',
  (SELECT expiry_date FROM lottrace.lot WHERE item = '1' AND code = 'F-2401') = '2025-02-01');

-- 1. A reception prepared (draft: lines, no stock), then validated.
INSERT INTO llx_reception (ref, entity, fk_soc, ref_supplier, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV4)', 1, 10, 'MILL-802', now(), 1, 0);
INSERT INTO llx_receptiondet_batch (fk_reception, fk_element, fk_elementdet, element_type, fk_product,
                                    qty, fk_entrepot, batch, eatby, status, fk_user, datec) VALUES
  (3, 3, 5, 'supplier_order', 1, 200, 1, 'F-2403', '2028-09-30', 0, 1, now()),
  (3, 3, 6, 'supplier_order', 3, 1, 1, 'SC-0003', NULL, 0, 1, now()),
  (3, 3, 6, 'supplier_order', 3, 1, 1, 'SC-0004', NULL, 0, 1, now());
SELECT erp_test.same('reception in draft moves nothing', :'erp_q', :'lt_q');
SELECT erp_test.check('no lot for a draft reception', NOT EXISTS (SELECT FROM lottrace.lot WHERE code = 'F-2403'));
BEGIN;
UPDATE llx_reception SET ref = 'REC2612-0004', fk_statut = 1, date_valid = now(), fk_user_valid = 1 WHERE rowid = 3;
SELECT dolibarr_sim.create_move(1, 1, 200, 3::smallint, 'Reception REC2612-0004 validated', 'F-2403', '2028-09-30', 'reception', 3);
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2612-0004 validated', 'SC-0003', NULL, 'reception', 3);
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2612-0004 validated', 'SC-0004', NULL, 'reception', 3);
UPDATE llx_receptiondet_batch SET status = 1 WHERE fk_reception = 3;
COMMIT;
SELECT erp_test.same('reception validated', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('reception validated');
SELECT erp_test.check('the lot takes the eat-by date of the reception',
  (SELECT expiry_date FROM lottrace.lot WHERE item = '1' AND code = 'F-2403') = '2028-09-30');

-- 2. A reservation, then the delivery.  Dolibarr reserves per lot only by a
-- draft shipment that names the lot: nothing moves until it is validated.
INSERT INTO llx_expedition (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV5)', 1, 20, now(), 1, 0);
INSERT INTO llx_expeditiondet (fk_expedition, fk_element, fk_elementdet, element_type, fk_product, qty, fk_entrepot, rang)
VALUES (3, 2, 3, 'commande', 1, 15, 1, 1), (3, 2, 4, 'commande', 3, 1, 1, 2);
INSERT INTO llx_expeditiondet_batch (fk_expeditiondet, eatby, batch, qty, fk_origin_stock)
VALUES (3, '2028-09-30', 'F-2403', 15, 1), (4, NULL, 'SC-0002', 1, 2);
SELECT erp_test.same('draft shipment (the reservation) moves nothing', :'erp_q', :'lt_q');
BEGIN;
UPDATE llx_expedition SET ref = 'SH2612-0003', fk_statut = 1, date_valid = now(), fk_user_valid = 1 WHERE rowid = 3;
SELECT dolibarr_sim.create_move(1, 1, -15, 2::smallint, 'Shipment SH2612-0003 validated', 'F-2403', '2028-09-30', 'shipping', 3);
SELECT dolibarr_sim.create_move(3, 1, -1, 2::smallint, 'Shipment SH2612-0003 validated', 'SC-0002', NULL, 'shipping', 3);
COMMIT;
SELECT erp_test.same('shipment validated', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('shipment validated');
SELECT erp_test.check('the serial shipped is out', (SELECT state FROM lottrace.serial_register WHERE serial = 'SC-0002') = 'out');

-- 3. An internal transfer (product/stock/massstockmove.php: an output of
-- type 1 at the source, an input of type 0 at the destination, one
-- inventorycode, in one transaction).
BEGIN;
SELECT dolibarr_sim.create_move(1, 1, -50, 1::smallint, 'Mass stock movement', 'F-2403', NULL, '', 0, 'TRF-261203');
SELECT dolibarr_sim.create_move(1, 2, 50, 0::smallint, 'Mass stock movement', 'F-2403', NULL, '', 0, 'TRF-261203');
SELECT dolibarr_sim.create_move(3, 1, -1, 1::smallint, 'Mass stock movement', 'SC-0003', NULL, '', 0, 'TRF-261203');
SELECT dolibarr_sim.create_move(3, 2, 1, 0::smallint, 'Mass stock movement', 'SC-0003', NULL, '', 0, 'TRF-261203');
COMMIT;
SELECT erp_test.same('transfer', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('transfer');
SELECT erp_test.check('the serial moved with the transfer', (SELECT warehouse FROM lottrace.serial_register WHERE serial = 'SC-0003') = '2');

-- 5. Serials in and out, and what lottrace refuses of them.
SELECT erp_test.expect_error('a serial received while in stock',
  $$SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2612-0009 validated', 'SC-0004', NULL, 'reception', 9)$$,
  '23505', 'lottrace_serial_in_stock');
SELECT erp_test.expect_error('a serial shipped that is not in stock',
  $$SELECT dolibarr_sim.create_move(3, 1, -1, 2::smallint, 'Shipment SH2612-0009 validated', 'SC-0001', NULL, 'shipping', 9)$$,
  '23514', 'lottrace_serial_not_in_stock');
SELECT erp_test.expect_error('a serial row of two units',
  $$INSERT INTO erp.llx_stock_mouvement (datem, fk_product, batch, fk_entrepot, value, type_mouvement, fk_user_author, label, price, fk_origin, origintype, fk_projet)
    VALUES (now(), 3, 'SC-0004', 1, -2, 2, 1, 'Shipment by SQL', 0, 0, 'shipping', 0)$$,
  '23514', 'lottrace_serial_qty');
SELECT dolibarr_sim.create_move(3, 1, -1, 2::smallint, 'Shipment SH2612-0004 validated', 'SC-0004', NULL, 'shipping', 4);
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2612-0005 validated', 'SC-0001', NULL, 'reception', 5);
SELECT erp_test.same('serials in and out', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('serials in and out');

-- 6. A cancellation after validation: the shipment of step 2 is deleted
-- (Expedition::delete() puts the goods back: MouvementStock::reception).
BEGIN;
SELECT dolibarr_sim.create_move(1, 1, 15, 3::smallint, 'Shipment SH2612-0003 deleted', 'F-2403', NULL, 'shipping', 3);
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Shipment SH2612-0003 deleted', 'SC-0002', NULL, 'shipping', 3);
DELETE FROM llx_expeditiondet_batch WHERE fk_expeditiondet IN (SELECT rowid FROM llx_expeditiondet WHERE fk_expedition = 3);
DELETE FROM llx_expeditiondet WHERE fk_expedition = 3;
DELETE FROM llx_expedition WHERE rowid = 3;
COMMIT;
SELECT erp_test.same('shipment cancelled after validation', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('shipment cancelled after validation');

-- 7. A correction of a validated line: reception REC2612-0006 received 60
-- instead of 50; it is set back to draft (Reception::setDraft() takes the
-- stock out again: MouvementStock::livraison), the line is corrected, and
-- the reception validated again.
INSERT INTO llx_reception (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV6)', 1, 11, now(), 1, 0);
INSERT INTO llx_receptiondet_batch (fk_reception, fk_element, fk_elementdet, element_type, fk_product,
                                    qty, fk_entrepot, batch, eatby, status, fk_user, datec)
VALUES (4, 4, 7, 'supplier_order', 1, 60, 1, 'F-2404', '2029-01-31', 0, 1, now());
BEGIN;
UPDATE llx_reception SET ref = 'REC2612-0006', fk_statut = 1, date_valid = now(), fk_user_valid = 1 WHERE rowid = 4;
SELECT dolibarr_sim.create_move(1, 1, 60, 3::smallint, 'Reception REC2612-0006 validated', 'F-2404', '2029-01-31', 'reception', 4);
UPDATE llx_receptiondet_batch SET status = 1 WHERE fk_reception = 4;
COMMIT;
BEGIN;
UPDATE llx_reception SET fk_statut = 0 WHERE rowid = 4;
SELECT dolibarr_sim.create_move(1, 1, -60, 2::smallint, 'Reception REC2612-0006 unvalidated', 'F-2404', NULL, 'reception', 4);
UPDATE llx_receptiondet_batch SET status = 0 WHERE fk_reception = 4;
COMMIT;
UPDATE llx_receptiondet_batch SET qty = 50 WHERE fk_reception = 4;
BEGIN;
UPDATE llx_reception SET fk_statut = 1, date_valid = now() WHERE rowid = 4;
SELECT dolibarr_sim.create_move(1, 1, 50, 3::smallint, 'Reception REC2612-0006 validated', 'F-2404', NULL, 'reception', 4);
UPDATE llx_receptiondet_batch SET status = 1 WHERE fk_reception = 4;
COMMIT;
SELECT erp_test.same('validated line corrected', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('validated line corrected');
SELECT erp_test.check('the corrected lot holds 50',
  (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2404') = 50);

-- 8. A reception left unvalidated: its lot never reaches the registers.
INSERT INTO llx_reception (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV7)', 1, 10, now(), 1, 0);
INSERT INTO llx_receptiondet_batch (fk_reception, fk_element, fk_elementdet, element_type, fk_product,
                                    qty, fk_entrepot, batch, eatby, status, fk_user, datec)
VALUES (5, 5, 8, 'supplier_order', 1, 70, 1, 'F-2405', '2029-03-31', 0, 1, now());
SELECT erp_test.same('reception left in draft', :'erp_q', :'lt_q');
SELECT erp_test.check('no lot for the draft reception', NOT EXISTS (SELECT FROM lottrace.lot WHERE code IN ('F-2402', 'F-2405')));

-- 9. A quarantined lot: its shipment is refused at validation (the
-- movement INSERT fails, Dolibarr rolls the validation back).
SELECT lottrace.set_lot_status('1', 'F-2404', 'QUARANTINE', 'lab sample pending');
INSERT INTO llx_expedition (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV8)', 1, 22, now(), 1, 0);
INSERT INTO llx_expeditiondet (fk_expedition, fk_element, fk_elementdet, element_type, fk_product, qty, fk_entrepot, rang)
VALUES (4, 3, 5, 'commande', 1, 5, 1, 1);
INSERT INTO llx_expeditiondet_batch (fk_expeditiondet, eatby, batch, qty, fk_origin_stock)
VALUES (5, '2029-01-31', 'F-2404', 5, 3);
SELECT erp_test.expect_error('shipment of a quarantined lot refused at validation',
  $$SELECT dolibarr_sim.create_move(1, 1, -5, 2::smallint, 'Shipment SH2612-0008 validated', 'F-2404', '2029-01-31', 'shipping', 4)$$,
  '23514', 'lottrace_lot_unavailable');
SELECT erp_test.expect_error('a quarantined lot cannot go into production either',
  $$SELECT dolibarr_sim.create_move(1, 1, -5, 2::smallint, 'Production MO2612-0002', 'F-2404', NULL, 'mo', 2)$$,
  '23514', 'lottrace_lot_unavailable');
-- moving it between warehouses, or correcting its stock by hand, stays possible
BEGIN;
SELECT dolibarr_sim.create_move(1, 1, -5, 1::smallint, 'Mass stock movement', 'F-2404', NULL, '', 0, 'TRF-261203-2');
SELECT dolibarr_sim.create_move(1, 2, 5, 0::smallint, 'Mass stock movement', 'F-2404', NULL, '', 0, 'TRF-261203-2');
COMMIT;
SELECT lottrace.set_lot_status('1', 'F-2404', 'AVAILABLE', 'lab OK');
SELECT dolibarr_sim.create_move(1, 1, -5, 2::smallint, 'Shipment SH2612-0008 validated', 'F-2404', '2029-01-31', 'shipping', 4);
UPDATE llx_expedition SET ref = 'SH2612-0008', fk_statut = 1, date_valid = now(), fk_user_valid = 1 WHERE rowid = 4;
SELECT erp_test.same('quarantine released, shipped', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('quarantine released, shipped');

-- 10. Expiry: F-2401 passed its eat-by date (2025-02-01); a change of the
-- eat-by date on the lot card (product/stock/productlot_card.php) is followed.
SELECT erp_test.expect_error('shipment of an expired lot',
  $$SELECT dolibarr_sim.create_move(1, 1, -5, 2::smallint, 'Shipment SH2612-0010 validated', 'F-2401', NULL, 'shipping', 10)$$,
  '23514', 'lottrace_lot_expired');
UPDATE llx_product_lot SET eatby = '2026-12-01', fk_user_modif = 1 WHERE fk_product = 1 AND batch = 'F-2403';
SELECT erp_test.check('the lot card''s eat-by date is followed',
  (SELECT expiry_date FROM lottrace.lot WHERE item = '1' AND code = 'F-2403') = '2026-12-01');
SELECT erp_test.expect_error('shipment of a lot whose card now says expired',
  $$SELECT dolibarr_sim.create_move(1, 1, -5, 2::smallint, 'Shipment SH2612-0011 validated', 'F-2403', NULL, 'shipping', 11)$$,
  '23514', 'lottrace_lot_expired');
UPDATE llx_product_lot SET eatby = '2028-09-30', fk_user_modif = 1 WHERE fk_product = 1 AND batch = 'F-2403';
-- writing the expired lot off by hand (a manual output) is possible
SELECT dolibarr_sim.create_move(1, 2, -20, 1::smallint, 'Correct stock: expired', 'F-2401', NULL, '', 0);
SELECT erp_test.same('expired lot written off', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('expired lot written off');

-- 11. Negative stock, and Dolibarr's setting that allows it.
SELECT erp_test.expect_error('a shipment of more than the lot holds',
  $$SELECT dolibarr_sim.create_move(1, 1, -500, 2::smallint, 'Shipment SH2612-0012 validated', 'F-2403', NULL, 'shipping', 12)$$,
  '23514', 'lottrace_negative_stock');
UPDATE llx_const SET value = '1' WHERE name = 'STOCK_ALLOW_NEGATIVE_TRANSFER' AND entity = 1;
SELECT erp_test.check('STOCK_ALLOW_NEGATIVE_TRANSFER followed',
  (SELECT bool_and(allow_negative) FROM lottrace.warehouse WHERE code IN ('1', '2')));
UPDATE llx_const SET value = '0' WHERE name = 'STOCK_ALLOW_NEGATIVE_TRANSFER' AND entity = 1;
SELECT erp_test.check('STOCK_ALLOW_NEGATIVE_TRANSFER off again',
  NOT (SELECT bool_or(allow_negative) FROM lottrace.warehouse WHERE code IN ('1', '2')));

-- 12. Configuration followed: a new warehouse, a new product, a product
-- switched to lots.
INSERT INTO llx_entrepot (ref, datec, entity, lieu, statut, fk_user_author) VALUES ('WH-BAKERY', now(), 1, 'Bakery', 1, 1);
INSERT INTO llx_product (ref, entity, datec, label, tobatch) VALUES ('YEAST', 1, now(), 'Yeast', 1);
UPDATE llx_product SET tobatch = 1 WHERE ref = 'BAG';
SELECT erp_test.check('new warehouse, new product and product switched to lots are followed',
  EXISTS (SELECT FROM lottrace.warehouse WHERE code = '3' AND description = 'WH-BAKERY' AND kind = 'internal')
  AND (SELECT lot_tracked FROM lottrace.item WHERE item = '5')
  AND (SELECT lot_tracked FROM lottrace.item WHERE item = '4'));
UPDATE llx_product SET tobatch = 0 WHERE ref = 'BAG';
SELECT dolibarr_sim.create_move(5, 3, 12, 3::smallint, 'Reception REC2612-0013 validated', 'Y-01', '2027-01-31', 'reception', 13);
SELECT erp_test.same('new product received into the new warehouse', :'erp_q', :'lt_q');

-- 13. Writers that are not Dolibarr are governed too.
SELECT erp_test.expect_error('a lot product moved without a lot',
  $$INSERT INTO erp.llx_stock_mouvement (datem, fk_product, fk_entrepot, value, type_mouvement, fk_user_author, label, price, fk_origin, origintype, fk_projet)
    VALUES (now(), 1, 1, -3, 1, 1, 'by SQL', 0, 0, '', 0)$$,
  '23502', 'lottrace_lot_required');
SELECT erp_test.expect_error('a movement of a document kind the recipe does not know',
  $$INSERT INTO erp.llx_stock_mouvement (datem, fk_product, batch, fk_entrepot, value, type_mouvement, fk_user_author, label, price, fk_origin, origintype, fk_projet)
    VALUES (now(), 1, 'F-2403', 1, -3, 2, 1, 'by a module', 0, 1, 'mymodule_doc', 0)$$,
  '23502', 'lottrace_warehouse_required');
SELECT erp_test.expect_error('the origin mapping in use cannot change',
  $$UPDATE lottrace_dolibarr.origin_location SET location = 'DOLIBARR-ADJUST' WHERE origintype = 'shipping'$$,
  '23503', 'lottrace_lookup_changed');
-- a DBA's correction of a row's quantity: the old row is reversed, the new one applied
UPDATE llx_stock_mouvement SET value = 11 WHERE fk_product = 5 AND batch = 'Y-01';
UPDATE llx_product_stock SET reel = reel - 1 WHERE fk_product = 5 AND fk_entrepot = 3;
UPDATE llx_product_batch SET qty = qty - 1 WHERE batch = 'Y-01';
SELECT erp_test.same('row corrected by SQL', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('the end');
-- 14. A manufacturing order (last: see the verify() check at its end): created (draft), validated, then produced in
-- mrp/mo_production.php: each consumption is MouvementStock::livraison
-- (type 2, origin 'mo') followed by its llx_mrp_production line 'consumed',
-- each production MouvementStock::reception (type 3, origin 'mo') followed
-- by its line 'produced'; then the MO is marked produced.
INSERT INTO llx_mrp_mo (entity, ref, mrptype, label, qty, fk_warehouse, date_creation, fk_user_creat, status, fk_product)
VALUES (1, '(PROV1)', 0, 'Bread batch', 100, 1, now(), 1, 0, 2);
INSERT INTO llx_mrp_production (fk_mo, position, fk_product, fk_warehouse, qty, role, date_creation, fk_user_creat) VALUES
  (1, 1, 1, 1, 40, 'toconsume', now(), 1),
  (1, 2, 2, 1, 100, 'toproduce', now(), 1);
UPDATE llx_mrp_mo SET ref = 'MO2612-0001', status = 1, date_valid = now(), fk_user_valid = 1 WHERE rowid = 1;
SELECT erp_test.same('MO validated moves nothing', :'erp_q', :'lt_q');
BEGIN;
SELECT dolibarr_sim.create_move(1, 1, -30, 2::smallint, 'Production MO2612-0001', 'F-2403', NULL, 'mo', 1, 'MO2612-0001-1') AS mv \gset
INSERT INTO llx_mrp_production (fk_mo, position, fk_product, fk_warehouse, qty, batch, role, fk_mrp_production, fk_stock_movement, date_creation, fk_user_creat)
VALUES (1, 1, 1, 1, 30, 'F-2403', 'consumed', 1, :mv, now(), 1);
SELECT dolibarr_sim.create_move(1, 2, -10, 2::smallint, 'Production MO2612-0001', 'F-2403', NULL, 'mo', 1, 'MO2612-0001-1') AS mv \gset
INSERT INTO llx_mrp_production (fk_mo, position, fk_product, fk_warehouse, qty, batch, role, fk_mrp_production, fk_stock_movement, date_creation, fk_user_creat)
VALUES (1, 1, 1, 2, 10, 'F-2403', 'consumed', 1, :mv, now(), 1);
SELECT dolibarr_sim.create_move(2, 1, 100, 3::smallint, 'Production MO2612-0001', 'B-261203', '2026-12-10', 'mo', 1, 'MO2612-0001-1') AS mv \gset
INSERT INTO llx_mrp_production (fk_mo, position, fk_product, fk_warehouse, qty, batch, role, fk_mrp_production, fk_stock_movement, date_creation, fk_user_creat)
VALUES (1, 2, 2, 1, 100, 'B-261203', 'produced', 2, :mv, now(), 1);
UPDATE llx_mrp_mo SET status = 3 WHERE rowid = 1;
COMMIT;
SELECT erp_test.same('MO produced', :'erp_q', :'lt_q');
SELECT erp_test.verify_clean('MO produced');
SELECT erp_test.check('MO produced: the flour is an input of MO 1, the bread its output',
  (SELECT role FROM lottrace.batch_member WHERE batch_key = '1' AND lot_id =
     (SELECT lot_id FROM lottrace.lot WHERE item = '1' AND code = 'F-2403')) = 'input'
  AND (SELECT role FROM lottrace.batch_member WHERE batch_key = '1' AND lot_id =
     (SELECT lot_id FROM lottrace.lot WHERE item = '2' AND code = 'B-261203')) = 'output');
SELECT erp_test.check('trace_backward: the bread lot is made of flour lot F-2403',
  (SELECT array_agg(item || '/' || lot::text ORDER BY lot) FROM lottrace.trace_backward('2', 'B-261203')) = '{1/F-2403}');
SELECT erp_test.check('trace_forward: flour lot F-2403 went into the bread lot',
  (SELECT array_agg(item || '/' || lot::text) FROM lottrace.trace_forward('1', 'F-2403')) = '{2/B-261203}');
SELECT erp_test.check('recall of the flour lot names its one customer shipment',
  (SELECT count(*) FROM lottrace.recall('1', 'F-2403') WHERE account = 'DOLIBARR-CUSTOMER') = 1);

RESET search_path;
