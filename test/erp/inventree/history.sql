-- Rows InvenTree wrote before lottrace was installed, as its ORM writes
-- them (every column in each INSERT; ids from the identity columns, so the
-- first part is 1, and so on).
--
-- Parts: 1 flour and 2 sugar (shelf lives: lot-tracked by the recipe),
-- 3 cake mix (an assembly with a shelf life), 4 a mixer (trackable:
-- serial-tracked), 5 screws (neither: not governed).
INSERT INTO erp.company_company (name, description, is_customer, is_supplier, is_manufacturer, currency, active) VALUES
  ('Mill Ltd', 'flour and sugar', false, true, false, 'EUR', true),
  ('Bakery Co', 'customer', true, false, false, 'EUR', true);

INSERT INTO erp.part_part (name, description, "IPN", units, default_expiry, assembly, component, trackable,
                           purchaseable, salable, active, virtual, is_template, variant_of_id, lft, rght, tree_id, level) VALUES
  ('Flour T55', 'flour, 25 kg sack', 'FL-55', 'kg', 180, false, true, false, true, false, true, false, false, NULL, 1, 2, 1, 0),
  ('Sugar', 'white sugar', 'SU-01', 'kg', 365, false, true, false, true, false, true, false, false, NULL, 1, 2, 2, 0),
  ('Cake mix', 'cake mix, made here', 'CM-01', 'kg', 90, true, false, false, false, true, true, false, false, NULL, 1, 2, 3, 0),
  ('Mixer M1', 'stand mixer', 'MX-1', NULL, 0, false, false, true, true, true, true, false, false, NULL, 1, 2, 4, 0),
  ('Screw M4', 'screw', 'SC-M4', NULL, 0, false, true, false, true, false, true, false, false, NULL, 1, 2, 5, 0);

-- Locations: 1 Warehouse (structural), 2 Warehouse/A, 3 Warehouse/B, 4 Production
INSERT INTO erp.stock_stocklocation (name, description, pathstring, structural, external, parent_id, lft, rght, tree_id, level) VALUES
  ('Warehouse', '', 'Warehouse', true, false, NULL, 1, 6, 1, 0),
  ('A', 'shelf A', 'Warehouse/A', false, false, 1, 2, 3, 1, 1),
  ('B', 'shelf B', 'Warehouse/B', false, false, 1, 4, 5, 1, 1),
  ('Production', 'line 1', 'Production', false, false, NULL, 1, 2, 2, 0);

INSERT INTO erp.order_salesorder (reference, reference_int, status, customer_id, creation_date, shipment_date) VALUES
  ('SO-0001', 1, 20, 2, '2026-11-20', '2026-11-21');
INSERT INTO erp.order_salesorderlineitem (order_id, part_id, quantity, shipped) VALUES
  (1, 1, 20, 20), (1, 4, 1, 1);
INSERT INTO erp.order_salesordershipment (order_id, reference, shipment_date, delivery_date, tracking_number) VALUES
  (1, '1', '2026-11-21', NULL, '');

-- Receipts (PurchaseOrder.receive_line_item: a new stock item with the
-- expiry InvenTree computes from default_expiry).
-- 1: flour F-2401, 100 kg into A
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (1, 2, 100, 'F-2401', NULL, 0, 10, '2027-05-10', '2026-11-10', false, true, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 1, 0);
-- 2: sugar S-0007, 50 kg into B
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (2, 3, 50, 'S-0007', NULL, 0, 10, '2027-01-10', '2026-11-10', false, true, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 2, 0);
-- 3: sugar S-0008, received into quarantine (status 75), awaiting QC: not in stock
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (2, 3, 10, 'S-0008', NULL, 0, 75, '2027-01-12', '2026-11-12', false, true, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 3, 0);
-- 4: sugar S-0009, received, then found destroyed (status 60): cancelled
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (2, 3, 5, 'S-0009', NULL, 0, 10, '2027-01-12', '2026-11-12', false, true, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 4, 0);
UPDATE erp.stock_stockitem SET status = 60, updated = '2026-11-13' WHERE id = 4;
-- 5, 6: mixers, serials 1001 and 1002, into A
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (4, 2, 1, NULL, '1001', 1001, 10, NULL, '2026-11-15', false, false, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 5, 0);
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (4, 2, 1, NULL, '1002', 1002, 10, NULL, '2026-11-15', false, false, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 6, 0);
-- 7: screws, no batch (not governed)
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (5, 2, 500, NULL, NULL, 0, 10, NULL, '2026-11-15', false, true, false, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, 1, 2, 7, 0);

-- Delivery of SO-0001 (SalesOrderAllocation.complete_allocation ->
-- StockItem.allocateToCustomer): 20 kg of F-2401 split off item 1
-- (splitStock: the new item, then take_stock on the parent), the new
-- item given the order and customer and no location; mixer 1002 shipped whole.
INSERT INTO erp.stock_stockitem (part_id, location_id, quantity, batch, serial, serial_int, status, expiry_date, updated,
  is_building, delete_on_deplete, review_needed, notes, parent_id, belongs_to_id, customer_id, sales_order_id, build_id,
  consumed_by_id, stocktake_date, lft, rght, tree_id, level)
VALUES (1, 2, 20, 'F-2401', NULL, 0, 10, '2027-05-10', '2026-11-21', false, true, false, NULL, 1, NULL, NULL, NULL, NULL,
        NULL, NULL, 2, 3, 1, 1);                                                      -- item 8
UPDATE erp.stock_stockitem SET quantity = 80, updated = '2026-11-21' WHERE id = 1;
UPDATE erp.stock_stockitem SET lft = 1, rght = 4 WHERE id = 1;                        -- partial_rebuild
UPDATE erp.stock_stockitem SET sales_order_id = 1, customer_id = 2, location_id = NULL WHERE id = 8;
UPDATE erp.stock_stockitem SET sales_order_id = 1, customer_id = 2, location_id = NULL WHERE id = 6;
INSERT INTO erp.order_salesorderallocation (line_id, shipment_id, item_id, quantity) VALUES (1, 1, 8, 20), (2, 1, 6, 1);
INSERT INTO erp.stock_stockitemtracking (date, notes, deltas, tracking_type, item_id) VALUES
  ('2026-11-10 09:00+00', '', '{"status": 10, "quantity": 100.0, "location": 2}', 70, 1),
  ('2026-11-21 10:00+00', '', '{"stockitem": 1, "quantity": 20.0}', 40, 8),
  ('2026-11-21 10:00+00', '', '{"customer": 2, "salesorder": 1, "customer_name": "Bakery Co"}', 60, 8),
  ('2026-11-21 10:00+00', '', '{"customer": 2, "salesorder": 1, "customer_name": "Bakery Co"}', 60, 6);
