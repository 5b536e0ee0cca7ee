-- InvenTree's stock operations, statement by statement as its ORM writes
-- them (stock/models.py, build/models.py, order/models.py), with InvenTree's
-- own stock figures compared with lottrace's after every step.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = notice;

-- One stock item INSERT as Django writes it (every column); the helper
-- only saves repeating the column list.
CREATE SCHEMA inventree_test;
COMMENT ON SCHEMA inventree_test IS 'Helpers of the InvenTree workflow test.';
CREATE FUNCTION inventree_test.new_item(p_part int, p_loc int, p_qty numeric, p_batch text, p_serial text,
                                        p_status int, p_expiry date, p_on date, p_parent int DEFAULT NULL,
                                        p_building boolean DEFAULT false, p_build int DEFAULT NULL)
RETURNS int LANGUAGE sql AS $$
  INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date,
    updated, is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id,
    sales_order_id, build_id, consumed_by_id, stocktake_date, lft, rght, tree_id, level)
  VALUES (p_part, p_loc, p_qty, p_batch, p_serial, coalesce(substring(p_serial FROM '^[0-9]+')::int, 0), p_status,
    p_expiry, p_on, p_building, p_serial IS NULL, false, NULL, p_parent, NULL, NULL, NULL, p_build, NULL, NULL,
    CASE WHEN p_parent IS NULL THEN 1 ELSE 2 END, CASE WHEN p_parent IS NULL THEN 2 ELSE 3 END,
    coalesce((SELECT tree_id FROM erp.stock_stockitem WHERE id = p_parent),
             (SELECT coalesce(max(tree_id), 0) + 1 FROM erp.stock_stockitem)),
    CASE WHEN p_parent IS NULL THEN 0 ELSE 1 END)
  RETURNING id
$$;
COMMENT ON FUNCTION inventree_test.new_item(int, int, numeric, text, text, int, date, date, int, boolean, int) IS
  'INSERTs a stock item with every column, as StockItem.save() does for a new item; returns its id.';

-- InvenTree's own figures: its in-stock items (StockItem.IN_STOCK_FILTER)
-- per batch and location for batch-tracked parts, per serial for
-- trackable ones; lottrace's registers; and verify().
CREATE FUNCTION inventree_test.figures(label text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM erp_test.same(label || ': batches',
    $q$SELECT s.batch AS lot, s.location_id AS location, s.quantity AS qty
         FROM erp.stock_stockitem s JOIN erp.part_part p ON p.id = s.part_id
        WHERE s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL
          AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building
          AND s.status IN (10, 50, 55, 85) AND s.location_id IS NOT NULL
          AND NOT p.trackable AND NOT p.virtual AND p.default_expiry > 0$q$,
    $q$SELECT lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock$q$);
  PERFORM erp_test.same(label || ': serials',
    $q$SELECT s.serial AS lot, s.location_id AS location, s.quantity AS qty
         FROM erp.stock_stockitem s JOIN erp.part_part p ON p.id = s.part_id
        WHERE s.quantity > 0 AND s.sales_order_id IS NULL AND s.belongs_to_id IS NULL
          AND s.customer_id IS NULL AND s.consumed_by_id IS NULL AND NOT s.is_building
          AND s.status IN (10, 50, 55, 85) AND s.location_id IS NOT NULL
          AND p.trackable AND NOT p.virtual$q$,
    $q$SELECT serial AS lot, warehouse AS location, 1 AS qty FROM lottrace.serial_register
        WHERE state = 'in_stock'$q$);
  PERFORM erp_test.verify_clean(label);
END
$$;
COMMENT ON FUNCTION inventree_test.figures(text) IS
  'Compares InvenTree''s in-stock figures (batch and serial per location) with lottrace.lot_stock and serial_register, and checks verify().';

-- The recipe took in the configuration and the history.
SELECT erp_test.check('parts: flour lot-tracked with its shelf life, mixer serial-tracked, screws not governed',
  (SELECT array_agg(item || ':' || lot_tracked || '/' || serial_tracked || '/' || coalesce(lot_validity_days::text, '-')
                    ORDER BY item) FROM lottrace.item)
  = '{1:true/false/180,2:true/false/365,3:true/false/90,4:false/true/-,5:false/false/-}');
SELECT erp_test.check('locations are warehouses, described by their path',
  (SELECT description FROM lottrace.warehouse WHERE code = '2') = 'Warehouse/A');
SELECT erp_test.check('history: the lot of the first receipt has its expiry from the stock item',
  (SELECT expiry_date FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2401') = '2027-05-10');
SELECT inventree_test.figures('history');

-- A later change of a part is followed.
UPDATE erp.part_part SET default_expiry = 120 WHERE id = 1;
SELECT erp_test.check('a part''s new shelf life is followed', (SELECT lot_validity_days FROM lottrace.item WHERE item = '1') = 120);
INSERT INTO erp.stock_stocklocation (name, description, pathstring, structural, external, parent_id, lft, rght, tree_id, level)
VALUES ('C', 'shelf C', 'Warehouse/C', false, false, 1, 6, 7, 1, 1);
UPDATE erp.stock_stocklocation SET rght = 8 WHERE id = 1;
SELECT erp_test.check('a new location is a warehouse', EXISTS (SELECT FROM lottrace.warehouse WHERE code = '5' AND description = 'Warehouse/C'));

------------------------------------------------------------------------
-- 1. A receipt prepared, then validated: PurchaseOrder.receive_line_item
-- with status QUARANTINED (75), then quality control sets it OK (10).
------------------------------------------------------------------------
SELECT inventree_test.new_item(1, 3, 40, 'F-2412', NULL, 75, '2027-04-01', '2026-12-01') AS rcv \gset
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-01 08:00+00', '', jsonb_build_object('status', 75, 'quantity', 40.0, 'location', 3), 70, :rcv);
SELECT erp_test.check('a quarantined receipt is not stock yet',
  NOT EXISTS (SELECT FROM lottrace.lot WHERE item = '1' AND code = 'F-2412'));
SELECT inventree_test.figures('receipt prepared');
-- StockItem.save(): the status change, then its tracking entry
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-01 09:00+00', 'QC passed', '{"status": 10}', 5, :rcv);
UPDATE erp.stock_stockitem SET status = 10, updated = '2026-12-01' WHERE id = :rcv;
SELECT erp_test.check('validated: lot F-2412 created with 40 on hand',
  (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2412') = 40);
SELECT inventree_test.figures('receipt validated');

-- A receipt left unvalidated: sugar S-0010 stays in quarantine.
SELECT inventree_test.new_item(2, 3, 15, 'S-0010', NULL, 75, '2027-12-01', '2026-12-01') AS unval \gset
SELECT inventree_test.figures('receipt left unvalidated');

------------------------------------------------------------------------
-- 2. A reservation, then a delivery: SO-0002, 30 kg of F-2401 allocated
-- (SalesOrderAllocation), then the shipment completed
-- (SalesOrderAllocation.complete_allocation -> allocateToCustomer ->
-- splitStock).
------------------------------------------------------------------------
INSERT INTO erp.order_salesorder (reference, reference_int, status, customer_id, creation_date, shipment_date)
VALUES ('SO-0002', 2, 10, 2, '2026-12-02', NULL) RETURNING id AS so \gset
INSERT INTO erp.order_salesorderlineitem (order_id, part_id, quantity, shipped) VALUES (:so, 1, 30, 0) RETURNING id AS sol \gset
INSERT INTO erp.order_salesordershipment (order_id, reference, shipment_date, delivery_date, tracking_number)
VALUES (:so, '1', NULL, NULL, '') RETURNING id AS shp \gset
UPDATE erp.order_salesorder SET status = 15 WHERE id = :so;
INSERT INTO erp.order_salesorderallocation (line_id, shipment_id, item_id, quantity) VALUES (:sol, :shp, 1, 30) RETURNING id AS alloc \gset
SELECT inventree_test.figures('reservation');
BEGIN;
SELECT inventree_test.new_item(1, 2, 30, 'F-2401', NULL, 10, '2027-05-10', '2026-12-02', 1) AS split \gset
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 10:00+00', '', jsonb_build_object('stockitem', 1, 'quantity', 30.0), 40, :split);
UPDATE erp.stock_stockitem SET quantity = 50, updated = '2026-12-02' WHERE id = 1;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 10:00+00', '', jsonb_build_object('stockitem', :split, 'quantity', 30.0, 'removed', 30.0), 42, 1);
UPDATE erp.stock_stockitem SET lft = 1, rght = 6 WHERE id = 1;
UPDATE erp.stock_stockitem SET sales_order_id = :so, customer_id = 2, location_id = NULL WHERE id = :split;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 10:00+00', '', jsonb_build_object('customer', 2, 'customer_name', 'Bakery Co', 'salesorder', :so), 60, :split);
UPDATE erp.order_salesorderallocation SET item_id = :split WHERE id = :alloc;
UPDATE erp.order_salesorderlineitem SET shipped = 30 WHERE id = :sol;
UPDATE erp.order_salesordershipment SET shipment_date = '2026-12-02' WHERE id = :shp;
UPDATE erp.order_salesorder SET status = 20, shipment_date = '2026-12-02' WHERE id = :so;
COMMIT;
SELECT erp_test.check('delivered: F-2401 has 50 left in A', (SELECT on_hand FROM lottrace.lot_stock WHERE item = '1' AND lot = 'F-2401' AND warehouse = '2') = 50);
SELECT inventree_test.figures('delivery');

------------------------------------------------------------------------
-- 3. An internal transfer: StockItem.move of 20 of the 50 kg of S-0007
-- from B to A (splitStock into the new location, take_stock on the
-- parent), and the whole mixer 1001 from A to B (location changed).
------------------------------------------------------------------------
BEGIN;
SELECT inventree_test.new_item(2, 2, 20, 'S-0007', NULL, 10, '2027-11-10', '2026-12-02', 2) AS mv \gset
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 11:00+00', '', jsonb_build_object('stockitem', 2, 'quantity', 20.0, 'location', 2), 40, :mv);
UPDATE erp.stock_stockitem SET quantity = 30, updated = '2026-12-02' WHERE id = 2;
UPDATE erp.stock_stockitem SET lft = 1, rght = 4 WHERE id = 2;
COMMIT;
UPDATE erp.stock_stockitem SET location_id = 3, updated = '2026-12-02' WHERE id = 5;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 11:05+00', '', '{"location": 3}', 20, 5);
SELECT erp_test.check('transfer: S-0007 20 in A and 30 in B',
  (SELECT array_agg(warehouse || '=' || on_hand ORDER BY warehouse) FROM lottrace.lot_stock WHERE item = '2' AND lot = 'S-0007' AND on_hand <> 0) = '{2=20.00000,3=30.00000}');
SELECT inventree_test.figures('transfer');

------------------------------------------------------------------------
-- 4. A manufacturing order: BO-0001, 50 kg of cake mix from 30 kg of
-- F-2401 and 10 kg of S-0007 (Build.create_build_output,
-- complete_build_output, complete_build -> subtract_allocated_stock ->
-- BuildItem.complete_allocation).
------------------------------------------------------------------------
INSERT INTO erp.build_build (reference, reference_int, title, quantity, completed, batch, status, creation_date,
  completion_date, part_id, take_from_id, destination_id, parent_id, lft, rght, tree_id, level)
VALUES ('BO-0001', 1, 'cake mix', 50, 0, 'CM-2612', 10, '2026-12-02', NULL, 3, 2, 3, NULL, 1, 2, 1, 0) RETURNING id AS bo \gset
UPDATE erp.build_build SET status = 20 WHERE id = :bo;
-- the output, in production
SELECT inventree_test.new_item(3, 3, 50, 'CM-2612', NULL, 10, '2027-03-02', '2026-12-02', NULL, true, :bo) AS out \gset
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 12:00+00', '', jsonb_build_object('buildorder', :bo, 'quantity', 50.0), 50, :out);
SELECT erp_test.check('an output in production is not stock', NOT EXISTS (SELECT FROM lottrace.lot WHERE item = '3'));
SELECT inventree_test.figures('build output created');
BEGIN;
-- complete_build_output
UPDATE erp.stock_stockitem SET is_building = false, location_id = 3, status = 10, updated = '2026-12-02' WHERE id = :out;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 13:00+00', '', jsonb_build_object('location', 3, 'status', 10, 'buildorder', :bo), 55, :out);
UPDATE erp.build_build SET completed = 50 WHERE id = :bo;
-- complete_build: the status first, then the untracked allocations
UPDATE erp.build_build SET completion_date = '2026-12-02', status = 40 WHERE id = :bo;
SELECT inventree_test.new_item(1, 2, 30, 'F-2401', NULL, 10, '2027-05-10', '2026-12-02', 1) AS c1 \gset
UPDATE erp.stock_stockitem SET quantity = 20, updated = '2026-12-02' WHERE id = 1;
UPDATE erp.stock_stockitem SET consumed_by_id = :bo, location_id = NULL WHERE id = :c1;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 13:00+00', '', jsonb_build_object('buildorder', :bo, 'quantity', 30.0), 57, :c1);
SELECT inventree_test.new_item(2, 2, 10, 'S-0007', NULL, 10, '2027-11-10', '2026-12-02', :mv) AS c2 \gset
UPDATE erp.stock_stockitem SET quantity = 10, updated = '2026-12-02' WHERE id = :mv;
UPDATE erp.stock_stockitem SET consumed_by_id = :bo, location_id = NULL WHERE id = :c2;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 13:00+00', '', jsonb_build_object('buildorder', :bo, 'quantity', 10.0), 57, :c2);
COMMIT;
SELECT erp_test.check('genealogy: CM-2612 was made from F-2401 and S-0007',
  (SELECT array_agg(item || '/' || lot || '/' || depth ORDER BY item) FROM lottrace.trace_backward('3', 'CM-2612'))
  = '{1/F-2401/1,2/S-0007/1}');
SELECT erp_test.check('genealogy: F-2401 went into CM-2612',
  (SELECT array_agg(item || '/' || lot ORDER BY item) FROM lottrace.trace_forward('1', 'F-2401')) = '{3/CM-2612}');
SELECT erp_test.check('genealogy: the quantity consumed is on the link',
  (SELECT qty FROM lottrace.trace_backward('3', 'CM-2612') WHERE lot = 'F-2401') = 30);
SELECT inventree_test.figures('manufacturing order');

------------------------------------------------------------------------
-- 5. Serials in and out: mixers 1003 and 1004 received serialized
-- (receive_line_item with serial numbers: one item each), 1003 shipped to
-- the customer, 1002 (shipped before lottrace) returned
-- (return_from_customer).
------------------------------------------------------------------------
SELECT inventree_test.new_item(4, 2, 1, NULL, '1003', 10, NULL, '2026-12-02') AS m3 \gset
SELECT inventree_test.new_item(4, 2, 1, NULL, '1004', 10, NULL, '2026-12-02') AS m4 \gset
SELECT inventree_test.figures('serials received');
UPDATE erp.stock_stockitem SET sales_order_id = NULL, customer_id = 2, location_id = NULL WHERE id = :m3;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 14:00+00', '', '{"customer": 2, "customer_name": "Bakery Co"}', 100, :m3);
SELECT erp_test.check('serial 1003 is out', (SELECT state FROM lottrace.serial_register WHERE serial = '1003') = 'out');
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 15:00+00', '', '{"location": 3, "customer": 2, "customer_name": "Bakery Co"}', 105, 6);
UPDATE erp.stock_stockitem SET customer_id = NULL, belongs_to_id = NULL, sales_order_id = NULL, location_id = 3,
                               status = 85 WHERE id = 6;
SELECT erp_test.check('serial 1002 is back in B', (SELECT warehouse FROM lottrace.serial_register WHERE serial = '1002' AND state = 'in_stock') = '3');
SELECT inventree_test.figures('serials in and out');
-- A second stock item with serial 1004 while 1004 is in stock (an import
-- past InvenTree's validate_serial_number): refused.
SELECT erp_test.expect_error('a serial that is in stock received again',
  $s$SELECT inventree_test.new_item(4, 3, 1, NULL, '1004', 10, NULL, '2026-12-02')$s$, '23505', 'lottrace_serial_in_stock');
SELECT erp_test.expect_error('a serialized item with quantity 2',
  $s$SELECT inventree_test.new_item(4, 3, 2, NULL, '1005', 10, NULL, '2026-12-02')$s$, '23514', 'lottrace_serial_qty');

------------------------------------------------------------------------
-- 6. A cancellation after validation: sugar S-0011 received OK, then the
-- stock item deleted (StockItem.delete: its tracking rows, then the item).
------------------------------------------------------------------------
SELECT inventree_test.new_item(2, 3, 12, 'S-0011', NULL, 10, '2027-12-02', '2026-12-02') AS cx \gset
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 16:00+00', '', '{"status": 10, "quantity": 12.0, "location": 3}', 70, :cx);
SELECT erp_test.check('S-0011 received', (SELECT on_hand FROM lottrace.lot_register WHERE item = '2' AND lot = 'S-0011') = 12);
DELETE FROM erp.stock_stockitemtracking WHERE item_id = :cx;
DELETE FROM erp.stock_stockitem WHERE id = :cx;
SELECT erp_test.check('S-0011 cancelled: nothing on hand', (SELECT on_hand FROM lottrace.lot_register WHERE item = '2' AND lot = 'S-0011') = 0);
SELECT inventree_test.figures('cancellation');

------------------------------------------------------------------------
-- 7. Corrections of a validated line: the batch code of the receipt of
-- step 1 was mistyped (F-2412 is F-2413), and a stocktake finds 28 kg of
-- S-0007 in B instead of 30 (StockItem.stocktake).
------------------------------------------------------------------------
UPDATE erp.stock_stockitem SET batch = 'F-2413', updated = '2026-12-02' WHERE id = :rcv;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 17:00+00', 'batch corrected', '{}', 5, :rcv);
UPDATE erp.stock_stockitem SET quantity = 28, stocktake_date = '2026-12-02', updated = '2026-12-02' WHERE id = 2;
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id)
VALUES ('2026-12-02 17:05+00', '', '{"quantity": 28.0}', 10, 2);
SELECT erp_test.check('the corrected batch holds the receipt',
  (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2413') = 40
  AND (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2412') = 0);
SELECT inventree_test.figures('corrections');

------------------------------------------------------------------------
-- 8. A delivery of a quarantined lot.  lottrace's status QUARANTINE on
-- F-2413: InvenTree's shipment (the stock item gets its customer and loses
-- its location) is refused, as the recipe's unload_when says.
------------------------------------------------------------------------
SELECT lottrace.set_lot_status('1', 'F-2413', 'QUARANTINE', 'lab');
SELECT inventree_test.new_item(1, 3, 5, 'F-2413', NULL, 10, '2027-04-01', '2026-12-03', :rcv) AS q1 \gset
UPDATE erp.stock_stockitem SET quantity = 35, updated = '2026-12-03' WHERE id = :rcv;
SELECT erp_test.expect_error('a quarantined lot shipped by InvenTree',
  format('UPDATE erp.stock_stockitem SET customer_id = 2, location_id = NULL WHERE id = %s', :q1),
  '23514', 'lottrace_lot_unavailable');
SELECT erp_test.check('the quarantined lot is still in stock, the item not shipped',
  (SELECT status FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2413') = 'QUARANTINE'
  AND (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2413') = 40
  AND (SELECT customer_id FROM erp.stock_stockitem WHERE id = :q1) IS NULL);
-- the split item goes back into the received one, as InvenTree merges stock
DELETE FROM erp.stock_stockitem WHERE id = :q1;
UPDATE erp.stock_stockitem SET quantity = 40, updated = '2026-12-03' WHERE id = :rcv;
SELECT inventree_test.figures('quarantined lot shipped');
-- InvenTree's own quality status: QUARANTINED (75) takes the item out of stock.
UPDATE erp.stock_stockitem SET status = 75, updated = '2026-12-03' WHERE id = :rcv;
SELECT erp_test.check('InvenTree''s quarantine takes the item out of lottrace''s stock',
  (SELECT on_hand FROM lottrace.lot_register WHERE item = '1' AND lot = 'F-2413') = 0);
SELECT inventree_test.figures('InvenTree quarantine');
-- What lottrace does refuse in InvenTree: stock of a batch-tracked part
-- without a batch code, a batch code with a control character.
SELECT erp_test.expect_error('flour received without a batch code',
  $s$SELECT inventree_test.new_item(1, 3, 10, '', NULL, 10, '2027-04-01', '2026-12-03')$s$, '23502', 'lottrace_lot_required');
SELECT erp_test.expect_error('a batch code with a tab in it',
  $s$SELECT inventree_test.new_item(1, 3, 10, E'F\t1', NULL, 10, '2027-04-01', '2026-12-03')$s$, '22P02', 'lottrace_code_syntax');
SELECT inventree_test.figures('end');
