-- ERPNext 15 with the recipe attached: documents written statement by
-- statement the way Frappe writes them (Document.insert: the parent row,
-- then each child row; Document.submit: the parent's UPDATE to docstatus 1,
-- each child's UPDATE, then on_submit: the ledger rows (make_sl_entries),
-- for each the bundle's submit (its UPDATE, then one UPDATE per entry),
-- Bin and Batch.batch_qty; Document.cancel: docstatus 2, set_as_cancel,
-- the reversing ledger rows, the bundle is_cancelled and its cancel),
-- one transaction per request.  ERPNext's application code does not run
-- here, so its own figures (Bin, Batch.batch_qty, Serial No) are written
-- as it writes them.  After each step ERPNext's figures are compared with
-- lottrace's.
--
-- Steps: 1 a receipt saved as draft, then submitted; 2 a reservation,
-- then the delivery of the reserved batch; 3 a transfer Stores -> WIP;
-- 4 a manufacture (genealogy); 5 a delivery of a quarantined batch,
-- refused at submit, and tabBatch.disabled; 6 a cancel refused (the
-- batch was delivered); 7 serials received through a bundle (and a serial
-- received twice, refused); 8 serials delivered (and delivered twice,
-- refused); 9 that delivery cancelled after submit; 10 a validated receipt
-- corrected by cancel and amend; 11 a receipt saved and never submitted,
-- still a draft at the end, checked to have moved nothing.
\set ON_ERROR_STOP 1
SET search_path = erp, public;

-- ERPNext's figures: batch stock per warehouse as get_available_batches
-- (for_stock_levels) sums it; batch_qty; serials in stock.
CREATE FUNCTION erp_test.erpnext15_step(label text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM erp_test.same(label || ': batch stock per warehouse',
    'SELECT e.batch_no AS lot, e.warehouse AS location, sum(e.qty) AS qty FROM erp."tabStock Ledger Entry" sle
       JOIN erp."tabSerial and Batch Entry" e ON e.parent = sle.serial_and_batch_bundle
      WHERE sle.is_cancelled = 0 AND e.batch_no IS NOT NULL GROUP BY 1, 2',
    'SELECT lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock');
  PERFORM erp_test.same(label || ': Batch.batch_qty',
    'SELECT name AS lot, ''all'' AS location, batch_qty AS qty FROM erp."tabBatch"',
    'SELECT lot, ''all'' AS location, on_hand AS qty FROM lottrace.lot_register');
  PERFORM erp_test.same(label || ': serials in stock',
    'SELECT name AS lot, warehouse AS location, 1 AS qty FROM erp."tabSerial No" WHERE status = ''Active''',
    'SELECT serial AS lot, warehouse AS location, 1 AS qty FROM lottrace.serial_register WHERE state = ''in_stock''');
  PERFORM erp_test.verify_clean(label);
END
$$;
COMMENT ON FUNCTION erp_test.erpnext15_step(text) IS
  'ERPNext 15 workflow: ERPNext''s batch, batch_qty and serial figures equal lottrace''s, and verify() is empty.';

SELECT erp_test.erpnext15_step('history taken in');
SELECT erp_test.check('history: the draft and the cancelled receipt made no lot',
  NOT EXISTS (SELECT FROM lottrace.lot WHERE code IN ('MP-0002', 'FL-0002')));
SELECT erp_test.check('history: expiry of MP-0001 read from tabBatch',
  (SELECT expiry_date FROM lottrace.lot WHERE item = 'MILK-PWD' AND code = 'MP-0001') = '2025-03-01');

-------------------------------------------------------------------------
-- 1. A receipt prepared (saved as draft), then submitted: 3 Box x 12 Kg.
BEGIN;
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status)
VALUES ('MAT-PRE-2024-00004', now(), now(), 'stock@example.com', 0, 'MAT-PRE-.YYYY.-', 'Dairy Ltd', 'Example Co', '2024-04-01', '10:00', 'Draft');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('pri0000006', now(), now(), 'stock@example.com', 0, 1, 'MILK-PWD', 3, 'Box', 'Kg', 12, 36, 'Stores - EC', 'MAT-PRE-2024-00004', 'items', 'Purchase Receipt');
INSERT INTO "tabBatch" (name, creation, modified, owner, batch_id, item, item_name, stock_uom, manufacturing_date, expiry_date, supplier, reference_doctype, reference_name)
VALUES ('MP-0003', now(), now(), 'stock@example.com', 'MP-0003', 'MILK-PWD', 'Milk powder', 'Kg', '2024-04-01', '2099-04-01', 'Dairy Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00004');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0007', now(), now(), 'stock@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'MILK-PWD', 'Milk powder', 1, 36, 'Purchase Receipt', 'MAT-PRE-2024-00004', 'pri0000006', '2024-04-01', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype)
VALUES ('sbe0000008', now(), now(), 'stock@example.com', 0, 1, 'MP-0003', 36, 'Stores - EC', 5, 'SBB-0007', 'entries', 'Serial and Batch Bundle');
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = 'SBB-0007', modified = now() WHERE name = 'pri0000006';
COMMIT;
SELECT erp_test.erpnext15_step('1a receipt saved as draft');

BEGIN;
UPDATE "tabPurchase Receipt" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-PRE-2024-00004';
UPDATE "tabPurchase Receipt Item" SET docstatus = 1, modified = now() WHERE name = 'pri0000006';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0007', now(), now(), 'stock@example.com', 1, 'MILK-PWD', 'Stores - EC', '2024-04-01', '10:00', '2024-04-01 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00004', 'pri0000006', 'SBB-0007', 36, 56, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0007';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000008';
UPDATE "tabBin" SET actual_qty = 56, modified = now() WHERE item_code = 'MILK-PWD' AND warehouse = 'Stores - EC';
UPDATE "tabBatch" SET batch_qty = 36, modified = now() WHERE name = 'MP-0003';
COMMIT;
SELECT erp_test.erpnext15_step('1b receipt submitted');
SELECT erp_test.check('1b lot MP-0003: 36 Kg (stock UOM), expiry from tabBatch, supplier document',
  (SELECT (initial_qty, expiry_date, supplier) = (36::numeric, '2099-04-01'::date, 'MAT-PRE-2024-00004')
     FROM lottrace.lot WHERE item = 'MILK-PWD' AND code = 'MP-0003'));

-------------------------------------------------------------------------
-- 2. A reservation (Stock Reservation Entry with sb_entries), then the delivery.
BEGIN;
INSERT INTO "tabStock Reservation Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, has_batch_no, voucher_type, voucher_no, voucher_detail_no, available_qty, voucher_qty, stock_uom, reserved_qty, reservation_based_on, status, company)
VALUES ('MAT-SRE-2024-00001', now(), now(), 'sales@example.com', 0, 'MILK-PWD', 'Stores - EC', 1, 'Sales Order', 'SAL-ORD-2024-00001', 'soi0000001', 56, 10, 'Kg', 10, 'Serial and Batch', 'Draft', 'Example Co');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, parent, parentfield, parenttype)
VALUES ('sbe0000009', now(), now(), 'sales@example.com', 0, 1, 'MP-0003', 10, 'Stores - EC', 'MAT-SRE-2024-00001', 'sb_entries', 'Stock Reservation Entry');
UPDATE "tabStock Reservation Entry" SET docstatus = 1, status = 'Reserved', modified = now() WHERE name = 'MAT-SRE-2024-00001';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000009';
UPDATE "tabBin" SET reserved_stock = 10, modified = now() WHERE item_code = 'MILK-PWD' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('2a stock reserved (no movement)');

BEGIN;
INSERT INTO "tabDelivery Note" (name, creation, modified, owner, docstatus, naming_series, customer, company, posting_date, posting_time, status)
VALUES ('MAT-DN-2024-00002', now(), now(), 'sales@example.com', 0, 'MAT-DN-.YYYY.-', 'Bakery Inc', 'Example Co', '2024-04-02', '09:00', 'Draft');
INSERT INTO "tabDelivery Note Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, against_sales_order, so_detail, parent, parentfield, parenttype)
VALUES ('dni0000002', now(), now(), 'sales@example.com', 0, 1, 'MILK-PWD', 10, 'Kg', 'Kg', 1, 10, 'Stores - EC', 'SAL-ORD-2024-00001', 'soi0000001', 'MAT-DN-2024-00002', 'items', 'Delivery Note');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0008', now(), now(), 'sales@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'MILK-PWD', 'Milk powder', 1, -10, 'Delivery Note', 'MAT-DN-2024-00002', 'dni0000002', '2024-04-02', '09:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, is_outward, parent, parentfield, parenttype)
VALUES ('sbe0000010', now(), now(), 'sales@example.com', 0, 1, 'MP-0003', -10, 'Stores - EC', 1, 'SBB-0008', 'entries', 'Serial and Batch Bundle');
UPDATE "tabDelivery Note Item" SET serial_and_batch_bundle = 'SBB-0008', modified = now() WHERE name = 'dni0000002';
COMMIT;
BEGIN;
UPDATE "tabDelivery Note" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-DN-2024-00002';
UPDATE "tabDelivery Note Item" SET docstatus = 1, modified = now() WHERE name = 'dni0000002';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0008', now(), now(), 'sales@example.com', 1, 'MILK-PWD', 'Stores - EC', '2024-04-02', '09:00', '2024-04-02 09:00', 'Delivery Note', 'MAT-DN-2024-00002', 'dni0000002', 'SBB-0008', -10, 46, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0008';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000010';
UPDATE "tabStock Reservation Entry" SET delivered_qty = 10, status = 'Delivered', modified = now() WHERE name = 'MAT-SRE-2024-00001';
UPDATE "tabSerial and Batch Entry" SET delivered_qty = 10, modified = now() WHERE name = 'sbe0000009';
UPDATE "tabBin" SET actual_qty = 46, reserved_stock = 0, modified = now() WHERE item_code = 'MILK-PWD' AND warehouse = 'Stores - EC';
UPDATE "tabBatch" SET batch_qty = 26, modified = now() WHERE name = 'MP-0003';
COMMIT;
SELECT erp_test.erpnext15_step('2b reserved stock delivered');
SELECT erp_test.check('2b recall names the delivery note',
  EXISTS (SELECT FROM lottrace.recall('MILK-PWD', 'MP-0003') WHERE account = 'MAT-DN-2024-00002' AND qty = 10));

-------------------------------------------------------------------------
-- 3. An internal transfer (Material Transfer for Manufacture): Stores -> WIP.
--    One Stock Entry Detail row per item; on submit the Outward ledger row
--    (its bundle made at save) and then the Inward one, whose bundle
--    make_bundle_for_material_transfer copies from the Outward one.
BEGIN;
INSERT INTO "tabStock Entry" (name, creation, modified, owner, docstatus, naming_series, stock_entry_type, purpose, company, work_order, posting_date, posting_time)
VALUES ('MAT-STE-2024-00001', now(), now(), 'mfg@example.com', 0, 'MAT-STE-.YYYY.-', 'Material Transfer for Manufacture', 'Material Transfer for Manufacture', 'Example Co', 'MFG-WO-2024-00001', '2024-04-03', '08:00');
INSERT INTO "tabStock Entry Detail" (name, creation, modified, owner, docstatus, idx, s_warehouse, t_warehouse, item_code, qty, transfer_qty, uom, stock_uom, conversion_factor, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('sed0000001', now(), now(), 'mfg@example.com', 0, 1, 'Stores - EC', 'Work In Progress - EC', 'FLOUR', 20, 20, 'Kg', 'Kg', 1, 'SBB-0009', 'MAT-STE-2024-00001', 'items', 'Stock Entry'),
  ('sed0000002', now(), now(), 'mfg@example.com', 0, 2, 'Stores - EC', 'Work In Progress - EC', 'MILK-PWD', 10, 10, 'Kg', 'Kg', 1, 'SBB-0010', 'MAT-STE-2024-00001', 'items', 'Stock Entry');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time) VALUES
  ('SBB-0009', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'FLOUR', 'Flour', 1, -20, 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000001', '2024-04-03', '08:00'),
  ('SBB-0010', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'MILK-PWD', 'Milk powder', 1, -10, 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000002', '2024-04-03', '08:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, is_outward, parent, parentfield, parenttype) VALUES
  ('sbe0000011', now(), now(), 'mfg@example.com', 0, 1, 'FL-0001', -20, 'Stores - EC', 1, 'SBB-0009', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000012', now(), now(), 'mfg@example.com', 0, 1, 'MP-0001', -10, 'Stores - EC', 1, 'SBB-0010', 'entries', 'Serial and Batch Bundle');
COMMIT;
BEGIN;
UPDATE "tabStock Entry" SET docstatus = 1, modified = now() WHERE name = 'MAT-STE-2024-00001';
UPDATE "tabStock Entry Detail" SET docstatus = 1, modified = now() WHERE name = 'sed0000001';
UPDATE "tabStock Entry Detail" SET docstatus = 1, modified = now() WHERE name = 'sed0000002';
-- FLOUR: out of Stores, into WIP
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0009', now(), now(), 'mfg@example.com', 1, 'FLOUR', 'Stores - EC', '2024-04-03', '08:00', '2024-04-03 08:00', 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000001', 'SBB-0009', -20, 30, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0009';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000011';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0010', now(), now(), 'mfg@example.com', 1, 'FLOUR', 'Work In Progress - EC', '2024-04-03', '08:00', '2024-04-03 08:00', 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000001', 20, 20, 'Example Co', 'Kg', 1);
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0011', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Work In Progress - EC', 'Inward', 'FLOUR', 'Flour', 1, 20, 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000001', '2024-04-03', '08:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, parent, parentfield, parenttype)
VALUES ('sbe0000013', now(), now(), 'mfg@example.com', 0, 1, 'FL-0001', 20, 'Work In Progress - EC', 'SBB-0011', 'entries', 'Serial and Batch Bundle');
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0011';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000013';
UPDATE "tabStock Ledger Entry" SET serial_and_batch_bundle = 'SBB-0011', modified = now() WHERE name = 'SLE-0010';
-- MILK-PWD: out of Stores, into WIP
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0011', now(), now(), 'mfg@example.com', 1, 'MILK-PWD', 'Stores - EC', '2024-04-03', '08:00', '2024-04-03 08:00', 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000002', 'SBB-0010', -10, 36, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0010';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000012';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0012', now(), now(), 'mfg@example.com', 1, 'MILK-PWD', 'Work In Progress - EC', '2024-04-03', '08:00', '2024-04-03 08:00', 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000002', 10, 10, 'Example Co', 'Kg', 1);
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0012', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Work In Progress - EC', 'Inward', 'MILK-PWD', 'Milk powder', 1, 10, 'Stock Entry', 'MAT-STE-2024-00001', 'sed0000002', '2024-04-03', '08:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, parent, parentfield, parenttype)
VALUES ('sbe0000014', now(), now(), 'mfg@example.com', 0, 1, 'MP-0001', 10, 'Work In Progress - EC', 'SBB-0012', 'entries', 'Serial and Batch Bundle');
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0012';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000014';
UPDATE "tabStock Ledger Entry" SET serial_and_batch_bundle = 'SBB-0012', modified = now() WHERE name = 'SLE-0012';
UPDATE "tabBin" SET actual_qty = 30, modified = now() WHERE item_code = 'FLOUR' AND warehouse = 'Stores - EC';
UPDATE "tabBin" SET actual_qty = 36, modified = now() WHERE item_code = 'MILK-PWD' AND warehouse = 'Stores - EC';
INSERT INTO "tabBin" (name, creation, modified, owner, item_code, warehouse, actual_qty, stock_uom) VALUES
  ('bin0000004', now(), now(), 'mfg@example.com', 'FLOUR', 'Work In Progress - EC', 20, 'Kg'),
  ('bin0000005', now(), now(), 'mfg@example.com', 'MILK-PWD', 'Work In Progress - EC', 10, 'Kg');
COMMIT;
SELECT erp_test.erpnext15_step('3 internal transfer Stores -> WIP');

-------------------------------------------------------------------------
-- 4. Manufacture: 20 Kg FL-0001 and 10 Kg MP-0001 from WIP make 30 Kg
--    CAKE-MIX, batch CM-0001 (created for the Stock Entry), into Finished Goods.
BEGIN;
INSERT INTO "tabStock Entry" (name, creation, modified, owner, docstatus, naming_series, stock_entry_type, purpose, company, work_order, from_bom, fg_completed_qty, posting_date, posting_time)
VALUES ('MAT-STE-2024-00002', now(), now(), 'mfg@example.com', 0, 'MAT-STE-.YYYY.-', 'Manufacture', 'Manufacture', 'Example Co', 'MFG-WO-2024-00001', 1, 30, '2024-04-04', '15:00');
INSERT INTO "tabStock Entry Detail" (name, creation, modified, owner, docstatus, idx, s_warehouse, t_warehouse, item_code, is_finished_item, qty, transfer_qty, uom, stock_uom, conversion_factor, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('sed0000003', now(), now(), 'mfg@example.com', 0, 1, 'Work In Progress - EC', NULL, 'FLOUR', 0, 20, 20, 'Kg', 'Kg', 1, 'SBB-0013', 'MAT-STE-2024-00002', 'items', 'Stock Entry'),
  ('sed0000004', now(), now(), 'mfg@example.com', 0, 2, 'Work In Progress - EC', NULL, 'MILK-PWD', 0, 10, 10, 'Kg', 'Kg', 1, 'SBB-0014', 'MAT-STE-2024-00002', 'items', 'Stock Entry'),
  ('sed0000005', now(), now(), 'mfg@example.com', 0, 3, NULL, 'Finished Goods - EC', 'CAKE-MIX', 1, 30, 30, 'Kg', 'Kg', 1, 'SBB-0015', 'MAT-STE-2024-00002', 'items', 'Stock Entry');
INSERT INTO "tabBatch" (name, creation, modified, owner, batch_id, item, item_name, stock_uom, manufacturing_date, expiry_date, reference_doctype, reference_name)
VALUES ('CM-0001', now(), now(), 'mfg@example.com', 'CM-0001', 'CAKE-MIX', 'Cake mix', 'Kg', '2024-04-04', '2099-10-01', 'Stock Entry', 'MAT-STE-2024-00002');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time) VALUES
  ('SBB-0013', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Work In Progress - EC', 'Outward', 'FLOUR', 'Flour', 1, -20, 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000003', '2024-04-04', '15:00'),
  ('SBB-0014', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Work In Progress - EC', 'Outward', 'MILK-PWD', 'Milk powder', 1, -10, 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000004', '2024-04-04', '15:00'),
  ('SBB-0015', now(), now(), 'mfg@example.com', 0, 'SBB-.####', 'Example Co', 'Finished Goods - EC', 'Inward', 'CAKE-MIX', 'Cake mix', 1, 30, 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000005', '2024-04-04', '15:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, is_outward, parent, parentfield, parenttype) VALUES
  ('sbe0000015', now(), now(), 'mfg@example.com', 0, 1, 'FL-0001', -20, 'Work In Progress - EC', 1, 'SBB-0013', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000016', now(), now(), 'mfg@example.com', 0, 1, 'MP-0001', -10, 'Work In Progress - EC', 1, 'SBB-0014', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000017', now(), now(), 'mfg@example.com', 0, 1, 'CM-0001', 30, 'Finished Goods - EC', 0, 'SBB-0015', 'entries', 'Serial and Batch Bundle');
COMMIT;
BEGIN;
UPDATE "tabStock Entry" SET docstatus = 1, modified = now() WHERE name = 'MAT-STE-2024-00002';
UPDATE "tabStock Entry Detail" SET docstatus = 1, modified = now() WHERE parent = 'MAT-STE-2024-00002';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0013', now(), now(), 'mfg@example.com', 1, 'FLOUR', 'Work In Progress - EC', '2024-04-04', '15:00', '2024-04-04 15:00', 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000003', 'SBB-0013', -20, 0, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0013';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000015';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0014', now(), now(), 'mfg@example.com', 1, 'MILK-PWD', 'Work In Progress - EC', '2024-04-04', '15:00', '2024-04-04 15:00', 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000004', 'SBB-0014', -10, 0, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0014';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000016';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0015', now(), now(), 'mfg@example.com', 1, 'CAKE-MIX', 'Finished Goods - EC', '2024-04-04', '15:00', '2024-04-04 15:00', 'Stock Entry', 'MAT-STE-2024-00002', 'sed0000005', 'SBB-0015', 30, 30, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0015';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000017';
UPDATE "tabBin" SET actual_qty = 0, modified = now() WHERE warehouse = 'Work In Progress - EC';
INSERT INTO "tabBin" (name, creation, modified, owner, item_code, warehouse, actual_qty, stock_uom)
VALUES ('bin0000006', now(), now(), 'mfg@example.com', 'CAKE-MIX', 'Finished Goods - EC', 30, 'Kg');
UPDATE "tabBatch" SET batch_qty = 30, modified = now() WHERE name = 'FL-0001';
UPDATE "tabBatch" SET batch_qty = 10, modified = now() WHERE name = 'MP-0001';
UPDATE "tabBatch" SET batch_qty = 30, modified = now() WHERE name = 'CM-0001';
COMMIT;
SELECT erp_test.erpnext15_step('4 manufacture');
SELECT erp_test.check('4 trace_backward(CM-0001) = FL-0001 and MP-0001',
  (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_backward('CAKE-MIX', 'CM-0001') WHERE lot::text <> 'CM-0001')
  = ARRAY['FL-0001', 'MP-0001']);
SELECT erp_test.check('4 trace_forward(FL-0001) reaches CM-0001',
  EXISTS (SELECT FROM lottrace.trace_forward('FLOUR', 'FL-0001') WHERE item = 'CAKE-MIX' AND lot = 'CM-0001' AND depth = 1));
-- The transfer of step 3 is a Stock Entry too, so it is read as a
-- production batch of its own (see the recipe): FL-0001 -> FL-0001.
SELECT erp_test.check('4 known limit: the Material Transfer links FL-0001 to itself',
  EXISTS (SELECT FROM lottrace.genealogy g JOIN lottrace.lot l ON l.lot_id = g.parent_lot_id
           WHERE g.batch_key = 'MAT-STE-2024-00001' AND g.parent_lot_id = g.child_lot_id AND l.code = 'FL-0001'));

-------------------------------------------------------------------------
-- 5. A delivery of a quarantined lot, refused when the Delivery Note is
--    submitted (at COMMIT; SET CONSTRAINTS ALL IMMEDIATE judges it at once).
SELECT lottrace.set_lot_status('CAKE-MIX', 'CM-0001', 'QUARANTINE', 'lab sample pending');
BEGIN;
INSERT INTO "tabDelivery Note" (name, creation, modified, owner, docstatus, naming_series, customer, company, posting_date, posting_time, status)
VALUES ('MAT-DN-2024-00003', now(), now(), 'sales@example.com', 0, 'MAT-DN-.YYYY.-', 'Bakery Inc', 'Example Co', '2024-04-05', '09:00', 'Draft');
INSERT INTO "tabDelivery Note Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, serial_and_batch_bundle, parent, parentfield, parenttype)
VALUES ('dni0000003', now(), now(), 'sales@example.com', 0, 1, 'CAKE-MIX', 5, 'Kg', 'Kg', 1, 5, 'Finished Goods - EC', 'SBB-0016', 'MAT-DN-2024-00003', 'items', 'Delivery Note');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0016', now(), now(), 'sales@example.com', 0, 'SBB-.####', 'Example Co', 'Finished Goods - EC', 'Outward', 'CAKE-MIX', 'Cake mix', 1, -5, 'Delivery Note', 'MAT-DN-2024-00003', 'dni0000003', '2024-04-05', '09:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, is_outward, parent, parentfield, parenttype)
VALUES ('sbe0000018', now(), now(), 'sales@example.com', 0, 1, 'CM-0001', -5, 'Finished Goods - EC', 1, 'SBB-0016', 'entries', 'Serial and Batch Bundle');
COMMIT;
SELECT erp_test.erpnext15_step('5a delivery of a quarantined lot saved as draft');
SELECT erp_test.expect_error('5b submit of the delivery of quarantined CM-0001', $stmt$
DO $do$ BEGIN
  UPDATE erp."tabDelivery Note" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-DN-2024-00003';
  UPDATE erp."tabDelivery Note Item" SET docstatus = 1, modified = now() WHERE name = 'dni0000003';
  INSERT INTO erp."tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
  VALUES ('SLE-0016', now(), now(), 'sales@example.com', 1, 'CAKE-MIX', 'Finished Goods - EC', '2024-04-05', '09:00', '2024-04-05 09:00', 'Delivery Note', 'MAT-DN-2024-00003', 'dni0000003', 'SBB-0016', -5, 25, 'Example Co', 'Kg', 1);
  UPDATE erp."tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0016';
  UPDATE erp."tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000018';
  SET CONSTRAINTS ALL IMMEDIATE;
END $do$
$stmt$, '23514', 'lottrace_lot_unavailable');
SELECT erp_test.erpnext15_step('5b refused: nothing changed');

-- The ERP's own quality switch: a disabled batch is BLOCKED.
SELECT lottrace.set_lot_status('CAKE-MIX', 'CM-0001', 'AVAILABLE', 'lab OK');
UPDATE "tabBatch" SET disabled = 1, modified = now() WHERE name = 'CM-0001';
SELECT erp_test.check('5c tabBatch.disabled = 1 blocks CM-0001',
  (SELECT status FROM lottrace.lot WHERE item = 'CAKE-MIX' AND code = 'CM-0001') = 'BLOCKED');
UPDATE "tabBatch" SET disabled = 0, modified = now() WHERE name = 'CM-0001';
SELECT erp_test.check('5c tabBatch.disabled = 0 releases CM-0001',
  (SELECT status FROM lottrace.lot WHERE item = 'CAKE-MIX' AND code = 'CM-0001') = 'AVAILABLE');

-------------------------------------------------------------------------
-- 6. Cancelling MAT-PRE-2024-00004 after 10 of its 36 Kg were delivered:
--    the reversal would leave MP-0003 at -10 in Stores; refused.
SELECT erp_test.expect_error('6 cancel of a receipt whose batch was delivered', $stmt$
DO $do$ BEGIN
  UPDATE erp."tabPurchase Receipt" SET docstatus = 2, status = 'Cancelled', modified = now() WHERE name = 'MAT-PRE-2024-00004';
  UPDATE erp."tabPurchase Receipt Item" SET docstatus = 2, modified = now() WHERE name = 'pri0000006';
  UPDATE erp."tabStock Ledger Entry" SET is_cancelled = 1, modified = now()
   WHERE voucher_type = 'Purchase Receipt' AND voucher_no = 'MAT-PRE-2024-00004' AND is_cancelled = 0;
  INSERT INTO erp."tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, company, stock_uom, has_batch_no, is_cancelled)
  VALUES ('SLE-0017', now(), now(), 'stock@example.com', 1, 'MILK-PWD', 'Stores - EC', '2024-04-01', '10:00', '2024-04-01 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00004', 'pri0000006', 'SBB-0007', -36, 'Example Co', 'Kg', 1, 1);
  UPDATE erp."tabPurchase Receipt Item" SET serial_and_batch_bundle = '', modified = now() WHERE name = 'pri0000006';
  UPDATE erp."tabSerial and Batch Bundle" SET is_cancelled = 1, modified = now()
   WHERE voucher_no = 'MAT-PRE-2024-00004' AND voucher_type = 'Purchase Receipt';
  UPDATE erp."tabSerial and Batch Bundle" SET docstatus = 2, modified = now() WHERE name = 'SBB-0007';
  UPDATE erp."tabSerial and Batch Entry" SET docstatus = 2, modified = now() WHERE name = 'sbe0000008';
  SET CONSTRAINTS ALL IMMEDIATE;
END $do$
$stmt$, '23514', 'lottrace_negative_stock');
SELECT erp_test.erpnext15_step('6 refused cancel: nothing changed');

-------------------------------------------------------------------------
-- 7. Serials in: MAT-PRE-2024-00005, 3 kitchen scales.  In the bundle
--    dialog the user types the serials; create_serial_nos makes the
--    Serial No rows at once (one bulk INSERT, status Inactive, no
--    warehouse), then the dialog inserts the bundle and its entries (one
--    per serial, qty 1) and the form saves the draft.  One serial is the
--    supplier's own label, "KS 77#9" (a space and '#': ERPNext accepts it,
--    and the recipe's gs1_codes = false lets lottrace take it).
BEGIN;
INSERT INTO "tabSerial No" (name, serial_no, creation, modified, owner, modified_by, item_code, status) VALUES
  ('SC-0003', 'SC-0003', now(), now(), 'stock@example.com', 'stock@example.com', 'SCALE', 'Inactive'),
  ('SC-0004', 'SC-0004', now(), now(), 'stock@example.com', 'stock@example.com', 'SCALE', 'Inactive'),
  ('KS 77#9', 'KS 77#9', now(), now(), 'stock@example.com', 'stock@example.com', 'SCALE', 'Inactive');
COMMIT;
BEGIN;
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status)
VALUES ('MAT-PRE-2024-00005', now(), now(), 'stock@example.com', 0, 'MAT-PRE-.YYYY.-', 'Scales GmbH', 'Example Co', '2024-04-06', '10:00', 'Draft');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('pri0000007', now(), now(), 'stock@example.com', 0, 1, 'SCALE', 3, 'Nos', 'Nos', 1, 3, 'Stores - EC', 'MAT-PRE-2024-00005', 'items', 'Purchase Receipt');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0017', now(), now(), 'stock@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'SCALE', 'Kitchen scale', 1, 3, 'Purchase Receipt', 'MAT-PRE-2024-00005', 'pri0000007', '2024-04-06', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, serial_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype) VALUES
  ('sbe0000019', now(), now(), 'stock@example.com', 0, 1, 'SC-0003', 1, 'Stores - EC', 30, 'SBB-0017', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000020', now(), now(), 'stock@example.com', 0, 2, 'SC-0004', 1, 'Stores - EC', 30, 'SBB-0017', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000021', now(), now(), 'stock@example.com', 0, 3, 'KS 77#9', 1, 'Stores - EC', 30, 'SBB-0017', 'entries', 'Serial and Batch Bundle');
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = 'SBB-0017', modified = now() WHERE name = 'pri0000007';
COMMIT;
SELECT erp_test.erpnext15_step('7a serial receipt saved as draft');
SELECT erp_test.check('7a draft serials are not in lottrace''s register',
  NOT EXISTS (SELECT FROM lottrace.serial_register WHERE serial IN ('SC-0003', 'SC-0004', 'KS 77#9')));

-- Submit: the ledger row, then the bundle's submit (before_submit writes
-- purchase_document_no into the Serial Nos, then the bundle's UPDATE and
-- one UPDATE per entry), then set_warehouse_and_status_in_serial_nos, Bin.
BEGIN;
UPDATE "tabPurchase Receipt" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-PRE-2024-00005';
UPDATE "tabPurchase Receipt Item" SET docstatus = 1, modified = now() WHERE name = 'pri0000007';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_serial_no)
VALUES ('SLE-0018', now(), now(), 'stock@example.com', 1, 'SCALE', 'Stores - EC', '2024-04-06', '10:00', '2024-04-06 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00005', 'pri0000007', 'SBB-0017', 3, 5, 'Example Co', 'Nos', 1);
UPDATE "tabSerial No" SET purchase_document_no = 'MAT-PRE-2024-00005' WHERE name IN ('SC-0003', 'SC-0004', 'KS 77#9');
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0017';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000019';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000020';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000021';
UPDATE "tabSerial No" SET warehouse = 'Stores - EC', status = 'Active', company = 'Example Co'
 WHERE name IN ('SC-0003', 'SC-0004', 'KS 77#9');
UPDATE "tabBin" SET actual_qty = 5, modified = now() WHERE item_code = 'SCALE' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('7b serial receipt submitted');
SELECT erp_test.check('7b the three serials are in stock in Stores, loaded by MAT-PRE-2024-00005',
  (SELECT count(*) FROM lottrace.serial_register
    WHERE item = 'SCALE' AND serial IN ('SC-0003', 'SC-0004', 'KS 77#9')
      AND state = 'in_stock' AND warehouse = 'Stores - EC' AND load_doc = 'MAT-PRE-2024-00005') = 3);
SELECT erp_test.same('7b Bin.actual_qty of SCALE = serials in stock',
  'SELECT item_code AS lot, warehouse AS location, actual_qty AS qty FROM erp."tabBin" WHERE item_code = ''SCALE''',
  'SELECT item AS lot, warehouse AS location, count(*) AS qty FROM lottrace.serial_register WHERE item = ''SCALE'' AND state = ''in_stock'' GROUP BY 1, 2');
-- A serial already in stock cannot be received again (ERPNext refuses it
-- in validate_serial_nos_inventory; lottrace refuses it for every writer).
SELECT erp_test.expect_error('7c a second receipt of SC-0002, still in stock', $stmt$
DO $do$ BEGIN
  INSERT INTO erp."tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
  VALUES ('SBB-9001', now(), now(), 'stock@example.com', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'SCALE', 'Kitchen scale', 1, 1, 'Purchase Receipt', 'MAT-PRE-2024-09001', 'pri0009001', '2024-04-06', '11:00');
  INSERT INTO erp."tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, serial_no, qty, warehouse, parent, parentfield, parenttype)
  VALUES ('sbe0009001', now(), now(), 'stock@example.com', 1, 1, 'SC-0002', 1, 'Stores - EC', 'SBB-9001', 'entries', 'Serial and Batch Bundle');
  SET CONSTRAINTS ALL IMMEDIATE;
END $do$
$stmt$, '23505', 'lottrace_serial_in_stock');

-------------------------------------------------------------------------
-- 8. Serials out: MAT-DN-2024-00004 delivers SC-0001 (from the history)
--    and "KS 77#9"; on submit the Serial Nos lose their warehouse and
--    become Delivered (purchase_document_no is another voucher).
BEGIN;
INSERT INTO "tabDelivery Note" (name, creation, modified, owner, docstatus, naming_series, customer, company, posting_date, posting_time, status)
VALUES ('MAT-DN-2024-00004', now(), now(), 'sales@example.com', 0, 'MAT-DN-.YYYY.-', 'Bakery Inc', 'Example Co', '2024-04-07', '09:00', 'Draft');
INSERT INTO "tabDelivery Note Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('dni0000004', now(), now(), 'sales@example.com', 0, 1, 'SCALE', 2, 'Nos', 'Nos', 1, 2, 'Stores - EC', 'MAT-DN-2024-00004', 'items', 'Delivery Note');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0018', now(), now(), 'sales@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'SCALE', 'Kitchen scale', 1, -2, 'Delivery Note', 'MAT-DN-2024-00004', 'dni0000004', '2024-04-07', '09:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, serial_no, qty, warehouse, is_outward, parent, parentfield, parenttype) VALUES
  ('sbe0000022', now(), now(), 'sales@example.com', 0, 1, 'SC-0001', -1, 'Stores - EC', 1, 'SBB-0018', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000023', now(), now(), 'sales@example.com', 0, 2, 'KS 77#9', -1, 'Stores - EC', 1, 'SBB-0018', 'entries', 'Serial and Batch Bundle');
UPDATE "tabDelivery Note Item" SET serial_and_batch_bundle = 'SBB-0018', modified = now() WHERE name = 'dni0000004';
COMMIT;
SELECT erp_test.erpnext15_step('8a serial delivery saved as draft');
BEGIN;
UPDATE "tabDelivery Note" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-DN-2024-00004';
UPDATE "tabDelivery Note Item" SET docstatus = 1, modified = now() WHERE name = 'dni0000004';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_serial_no)
VALUES ('SLE-0019', now(), now(), 'sales@example.com', 1, 'SCALE', 'Stores - EC', '2024-04-07', '09:00', '2024-04-07 09:00', 'Delivery Note', 'MAT-DN-2024-00004', 'dni0000004', 'SBB-0018', -2, 3, 'Example Co', 'Nos', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0018';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000022';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000023';
UPDATE "tabSerial No" SET warehouse = NULL, status = 'Delivered', company = 'Example Co'
 WHERE name IN ('SC-0001', 'KS 77#9');
UPDATE "tabBin" SET actual_qty = 3, modified = now() WHERE item_code = 'SCALE' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('8b serial delivery submitted');
SELECT erp_test.check('8b SC-0001 and KS 77#9 delivered by MAT-DN-2024-00004',
  (SELECT count(*) FROM lottrace.serial_register
    WHERE item = 'SCALE' AND serial IN ('SC-0001', 'KS 77#9') AND state <> 'in_stock'
      AND warehouse IS NULL AND unload_doc = 'MAT-DN-2024-00004') = 2);
SELECT erp_test.check('8b the serial states: ERPNext''s Delivered = lottrace''s not in stock',
  (SELECT array_agg(name::text ORDER BY name) FROM erp."tabSerial No" WHERE status = 'Delivered')
  = (SELECT array_agg(serial::text ORDER BY serial) FROM lottrace.serial_register WHERE state <> 'in_stock'));
-- A delivered serial cannot be delivered again.
SELECT erp_test.expect_error('8c a second delivery of KS 77#9', $stmt$
DO $do$ BEGIN
  INSERT INTO erp."tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
  VALUES ('SBB-9002', now(), now(), 'sales@example.com', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'SCALE', 'Kitchen scale', 1, -1, 'Delivery Note', 'MAT-DN-2024-09002', 'dni0009002', '2024-04-07', '11:00');
  INSERT INTO erp."tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, serial_no, qty, warehouse, is_outward, parent, parentfield, parenttype)
  VALUES ('sbe0009002', now(), now(), 'sales@example.com', 1, 1, 'KS 77#9', -1, 'Stores - EC', 1, 'SBB-9002', 'entries', 'Serial and Batch Bundle');
  SET CONSTRAINTS ALL IMMEDIATE;
END $do$
$stmt$, '23514', 'lottrace_serial_not_in_stock');
SELECT erp_test.erpnext15_step('8c refused: nothing changed');

-------------------------------------------------------------------------
-- 9. A cancellation after validation, accepted: MAT-DN-2024-00004 is
--    cancelled.  Document.cancel: docstatus 2 on the note and its items;
--    on_cancel: set_as_cancel (the ledger rows is_cancelled = 1), the
--    reversing ledger row (+2, is_cancelled = 1); for it SerialBatchBundle
--    delinks the bundle from the item row, sets the voucher's bundles
--    is_cancelled = 1, puts the serials back (set_warehouse_and_status:
--    Active in Stores) and cancels the bundle (docstatus 2, then one
--    UPDATE per entry); Bin.
BEGIN;
UPDATE "tabDelivery Note" SET docstatus = 2, status = 'Cancelled', modified = now() WHERE name = 'MAT-DN-2024-00004';
UPDATE "tabDelivery Note Item" SET docstatus = 2, modified = now() WHERE name = 'dni0000004';
UPDATE "tabStock Ledger Entry" SET is_cancelled = 1, modified = now()
 WHERE voucher_type = 'Delivery Note' AND voucher_no = 'MAT-DN-2024-00004' AND is_cancelled = 0;
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_serial_no, is_cancelled)
VALUES ('SLE-0020', now(), now(), 'sales@example.com', 1, 'SCALE', 'Stores - EC', '2024-04-07', '09:00', '2024-04-07 09:00', 'Delivery Note', 'MAT-DN-2024-00004', 'dni0000004', 'SBB-0018', 2, 5, 'Example Co', 'Nos', 1, 1);
UPDATE "tabDelivery Note Item" SET serial_and_batch_bundle = '', modified = now() WHERE name = 'dni0000004';
UPDATE "tabSerial and Batch Bundle" SET is_cancelled = 1, modified = now()
 WHERE voucher_no = 'MAT-DN-2024-00004' AND voucher_type = 'Delivery Note';
UPDATE "tabSerial No" SET warehouse = 'Stores - EC', status = 'Active', company = 'Example Co'
 WHERE name IN ('SC-0001', 'KS 77#9');
UPDATE "tabSerial and Batch Bundle" SET docstatus = 2, modified = now() WHERE name = 'SBB-0018';
UPDATE "tabSerial and Batch Entry" SET docstatus = 2, modified = now() WHERE name = 'sbe0000022';
UPDATE "tabSerial and Batch Entry" SET docstatus = 2, modified = now() WHERE name = 'sbe0000023';
UPDATE "tabBin" SET actual_qty = 5, modified = now() WHERE item_code = 'SCALE' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('9 serial delivery cancelled');
SELECT erp_test.check('9 SC-0001 and KS 77#9 are in stock in Stores again, with no unload document',
  (SELECT count(*) FROM lottrace.serial_register
    WHERE item = 'SCALE' AND serial IN ('SC-0001', 'KS 77#9') AND state = 'in_stock' AND warehouse = 'Stores - EC'
      AND unload_doc IS NULL) = 2);
SELECT erp_test.check('9 lottrace.movements no longer shows the cancelled bundle',
  NOT EXISTS (SELECT FROM lottrace.movements WHERE doc = 'MAT-DN-2024-00004'));
SELECT erp_test.same('9 Bin.actual_qty of SCALE = serials in stock',
  'SELECT item_code AS lot, warehouse AS location, actual_qty AS qty FROM erp."tabBin" WHERE item_code = ''SCALE''',
  'SELECT item AS lot, warehouse AS location, count(*) AS qty FROM lottrace.serial_register WHERE item = ''SCALE'' AND state = ''in_stock'' GROUP BY 1, 2');

-------------------------------------------------------------------------
-- 10. A correction of a validated line, ERPNext's way: cancel and amend.
--     MAT-PRE-2024-00006 received 20 Kg of FLOUR batch "MÜHLE 2404#7"
--     (FLOUR has no create_new_batch: the user types the mill's batch
--     number, with a space, an umlaut and '#') where the delivery was 25.
--     It is cancelled, and its amendment MAT-PRE-2024-00006-1 (Frappe's
--     amended name, amended_from set) receives 25 Kg of the same batch
--     through a new bundle.
BEGIN;
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status)
VALUES ('MAT-PRE-2024-00006', now(), now(), 'stock@example.com', 0, 'MAT-PRE-.YYYY.-', 'Mill Ltd', 'Example Co', '2024-04-08', '10:00', 'Draft');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('pri0000008', now(), now(), 'stock@example.com', 0, 1, 'FLOUR', 20, 'Kg', 'Kg', 1, 20, 'Stores - EC', 'MAT-PRE-2024-00006', 'items', 'Purchase Receipt');
INSERT INTO "tabBatch" (name, creation, modified, owner, batch_id, item, item_name, stock_uom, manufacturing_date, supplier, reference_doctype, reference_name)
VALUES ('MÜHLE 2404#7', now(), now(), 'stock@example.com', 'MÜHLE 2404#7', 'FLOUR', 'Flour', 'Kg', '2024-04-08', 'Mill Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00006');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0019', now(), now(), 'stock@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'FLOUR', 'Flour', 1, 20, 'Purchase Receipt', 'MAT-PRE-2024-00006', 'pri0000008', '2024-04-08', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype)
VALUES ('sbe0000024', now(), now(), 'stock@example.com', 0, 1, 'MÜHLE 2404#7', 20, 'Stores - EC', 1, 'SBB-0019', 'entries', 'Serial and Batch Bundle');
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = 'SBB-0019', modified = now() WHERE name = 'pri0000008';
COMMIT;
BEGIN;
UPDATE "tabPurchase Receipt" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-PRE-2024-00006';
UPDATE "tabPurchase Receipt Item" SET docstatus = 1, modified = now() WHERE name = 'pri0000008';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0021', now(), now(), 'stock@example.com', 1, 'FLOUR', 'Stores - EC', '2024-04-08', '10:00', '2024-04-08 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00006', 'pri0000008', 'SBB-0019', 20, 50, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0019';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000024';
UPDATE "tabBatch" SET batch_qty = 20, modified = now() WHERE name = 'MÜHLE 2404#7';
UPDATE "tabBin" SET actual_qty = 50, modified = now() WHERE item_code = 'FLOUR' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('10a receipt of 20 Kg MÜHLE 2404#7 submitted');
SELECT erp_test.check('10a the typed batch ID is lottrace''s lot code as it is',
  EXISTS (SELECT FROM lottrace.lot_register WHERE item = 'FLOUR' AND lot = 'MÜHLE 2404#7' AND on_hand = 20));

-- Cancel (the same writes as step 6, and this time nothing of the batch
-- has left Stores).
BEGIN;
UPDATE "tabPurchase Receipt" SET docstatus = 2, status = 'Cancelled', modified = now() WHERE name = 'MAT-PRE-2024-00006';
UPDATE "tabPurchase Receipt Item" SET docstatus = 2, modified = now() WHERE name = 'pri0000008';
UPDATE "tabStock Ledger Entry" SET is_cancelled = 1, modified = now()
 WHERE voucher_type = 'Purchase Receipt' AND voucher_no = 'MAT-PRE-2024-00006' AND is_cancelled = 0;
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no, is_cancelled)
VALUES ('SLE-0022', now(), now(), 'stock@example.com', 1, 'FLOUR', 'Stores - EC', '2024-04-08', '10:00', '2024-04-08 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00006', 'pri0000008', 'SBB-0019', -20, 30, 'Example Co', 'Kg', 1, 1);
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = '', modified = now() WHERE name = 'pri0000008';
UPDATE "tabSerial and Batch Bundle" SET is_cancelled = 1, modified = now()
 WHERE voucher_no = 'MAT-PRE-2024-00006' AND voucher_type = 'Purchase Receipt';
UPDATE "tabBatch" SET batch_qty = 0, modified = now() WHERE name = 'MÜHLE 2404#7';
UPDATE "tabSerial and Batch Bundle" SET docstatus = 2, modified = now() WHERE name = 'SBB-0019';
UPDATE "tabSerial and Batch Entry" SET docstatus = 2, modified = now() WHERE name = 'sbe0000024';
UPDATE "tabBin" SET actual_qty = 30, modified = now() WHERE item_code = 'FLOUR' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('10b the wrong receipt cancelled');
SELECT erp_test.check('10b MÜHLE 2404#7 has nothing on hand',
  (SELECT on_hand FROM lottrace.lot_register WHERE item = 'FLOUR' AND lot = 'MÜHLE 2404#7') = 0);

-- Amend: Frappe copies the cancelled document under the amended name
-- (docstatus 0), the user makes a new bundle with the right quantity,
-- saves, then submits.
BEGIN;
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status, amended_from)
VALUES ('MAT-PRE-2024-00006-1', now(), now(), 'stock@example.com', 0, 'MAT-PRE-.YYYY.-', 'Mill Ltd', 'Example Co', '2024-04-08', '10:00', 'Draft', 'MAT-PRE-2024-00006');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('pri0000009', now(), now(), 'stock@example.com', 0, 1, 'FLOUR', 25, 'Kg', 'Kg', 1, 25, 'Stores - EC', 'MAT-PRE-2024-00006-1', 'items', 'Purchase Receipt');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0020', now(), now(), 'stock@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'FLOUR', 'Flour', 1, 25, 'Purchase Receipt', 'MAT-PRE-2024-00006-1', 'pri0000009', '2024-04-08', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype)
VALUES ('sbe0000025', now(), now(), 'stock@example.com', 0, 1, 'MÜHLE 2404#7', 25, 'Stores - EC', 1, 'SBB-0020', 'entries', 'Serial and Batch Bundle');
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = 'SBB-0020', modified = now() WHERE name = 'pri0000009';
COMMIT;
SELECT erp_test.erpnext15_step('10c amendment saved as draft');
BEGIN;
UPDATE "tabPurchase Receipt" SET docstatus = 1, status = 'To Bill', modified = now() WHERE name = 'MAT-PRE-2024-00006-1';
UPDATE "tabPurchase Receipt Item" SET docstatus = 1, modified = now() WHERE name = 'pri0000009';
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no)
VALUES ('SLE-0023', now(), now(), 'stock@example.com', 1, 'FLOUR', 'Stores - EC', '2024-04-08', '10:00', '2024-04-08 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00006-1', 'pri0000009', 'SBB-0020', 25, 55, 'Example Co', 'Kg', 1);
UPDATE "tabSerial and Batch Bundle" SET docstatus = 1, modified = now() WHERE name = 'SBB-0020';
UPDATE "tabSerial and Batch Entry" SET docstatus = 1, modified = now() WHERE name = 'sbe0000025';
UPDATE "tabBatch" SET batch_qty = 25, modified = now() WHERE name = 'MÜHLE 2404#7';
UPDATE "tabBin" SET actual_qty = 55, modified = now() WHERE item_code = 'FLOUR' AND warehouse = 'Stores - EC';
COMMIT;
SELECT erp_test.erpnext15_step('10d amendment submitted');
SELECT erp_test.same('10d lottrace.movements of MÜHLE 2404#7 = the ledger rows not cancelled',
  'SELECT b.voucher_no AS lot, e.warehouse AS location, e.qty FROM erp."tabSerial and Batch Entry" e
     JOIN erp."tabSerial and Batch Bundle" b ON b.name = e.parent
     JOIN erp."tabStock Ledger Entry" sle ON sle.serial_and_batch_bundle = b.name AND sle.is_cancelled = 0
    WHERE e.batch_no = ''MÜHLE 2404#7''',
  'SELECT doc AS lot, warehouse AS location, qty FROM lottrace.movements WHERE lot = ''MÜHLE 2404#7''');
SELECT erp_test.same('10d Bin.actual_qty of FLOUR = lottrace''s FLOUR stock per warehouse',
  'SELECT item_code AS lot, warehouse AS location, actual_qty AS qty FROM erp."tabBin" WHERE item_code = ''FLOUR''',
  'SELECT item AS lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock WHERE item = ''FLOUR''');
-- The lot's master data is that of the load that created it, and a
-- reversal does not rewrite it: supplier is the cancelled receipt (as
-- ERPNext's own Batch.reference_name still is), initial_qty its 20 Kg;
-- loaded_qty counts only what is still received (25).
SELECT erp_test.check('10d lot master data from the first receipt: supplier and reference_name agree, initial_qty 20, loaded_qty 25',
  (SELECT (r.supplier, r.initial_qty, r.loaded_qty) = (b.reference_name, 20::numeric, 25::numeric)
     FROM lottrace.lot_register r JOIN erp."tabBatch" b ON b.name = r.lot::text
    WHERE r.item = 'FLOUR' AND r.lot = 'MÜHLE 2404#7'));

-------------------------------------------------------------------------
-- 11. A receipt left unvalidated: MAT-PRE-2024-00007, 12 Kg of a new
--     milk powder batch MP-0004 (its Batch made from the dialog), saved
--     and never submitted.  It stays a draft to the end of the workflow.
BEGIN;
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status)
VALUES ('MAT-PRE-2024-00007', now(), now(), 'stock@example.com', 0, 'MAT-PRE-.YYYY.-', 'Dairy Ltd', 'Example Co', '2024-04-09', '10:00', 'Draft');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, parent, parentfield, parenttype)
VALUES ('pri0000010', now(), now(), 'stock@example.com', 0, 1, 'MILK-PWD', 1, 'Box', 'Kg', 12, 12, 'Stores - EC', 'MAT-PRE-2024-00007', 'items', 'Purchase Receipt');
INSERT INTO "tabBatch" (name, creation, modified, owner, batch_id, item, item_name, stock_uom, manufacturing_date, expiry_date, supplier, reference_doctype, reference_name)
VALUES ('MP-0004', now(), now(), 'stock@example.com', 'MP-0004', 'MILK-PWD', 'Milk powder', 'Kg', '2024-04-09', '2099-04-09', 'Dairy Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00007');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
VALUES ('SBB-0021', now(), now(), 'stock@example.com', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'MILK-PWD', 'Milk powder', 1, 12, 'Purchase Receipt', 'MAT-PRE-2024-00007', 'pri0000010', '2024-04-09', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype)
VALUES ('sbe0000026', now(), now(), 'stock@example.com', 0, 1, 'MP-0004', 12, 'Stores - EC', 5, 'SBB-0021', 'entries', 'Serial and Batch Bundle');
UPDATE "tabPurchase Receipt Item" SET serial_and_batch_bundle = 'SBB-0021', modified = now() WHERE name = 'pri0000010';
COMMIT;
-- The user edits the draft (a second save: Frappe's db_update of the
-- parent and each child row, the bundle's entry rewritten by the dialog).
BEGIN;
UPDATE "tabPurchase Receipt" SET modified = now(), posting_time = '10:30' WHERE name = 'MAT-PRE-2024-00007';
UPDATE "tabPurchase Receipt Item" SET modified = now() WHERE name = 'pri0000010';
UPDATE "tabSerial and Batch Bundle" SET posting_time = '10:30', modified = now() WHERE name = 'SBB-0021';
UPDATE "tabSerial and Batch Entry" SET incoming_rate = 5.5, modified = now() WHERE name = 'sbe0000026';
COMMIT;
SELECT erp_test.erpnext15_step('11 draft receipt saved twice, not submitted');

-------------------------------------------------------------------------
-- At the end: the drafts moved nothing.
SELECT erp_test.erpnext15_step('end');
SELECT erp_test.check('end: the drafts still are drafts (MAT-PRE-2024-00002 from the history, MAT-PRE-2024-00007)',
  (SELECT array_agg(name::text ORDER BY name) FROM erp."tabPurchase Receipt" WHERE docstatus = 0)
  = ARRAY['MAT-PRE-2024-00002', 'MAT-PRE-2024-00007']);
SELECT erp_test.check('end: no lot for the drafts'' batches MP-0002 and MP-0004',
  NOT EXISTS (SELECT FROM lottrace.lot WHERE item = 'MILK-PWD' AND code IN ('MP-0002', 'MP-0004')));
SELECT erp_test.check('end: lottrace.movements has no row of a draft or cancelled bundle',
  NOT EXISTS (SELECT FROM lottrace.movements m JOIN erp."tabSerial and Batch Entry" e ON e.name = m.source_key
               WHERE e.docstatus <> 1));
SELECT erp_test.same('end: Bin.actual_qty = lottrace''s stock of the batch items per warehouse',
  'SELECT item_code AS lot, warehouse AS location, actual_qty AS qty FROM erp."tabBin" WHERE item_code IN (''MILK-PWD'', ''FLOUR'', ''CAKE-MIX'')',
  'SELECT item AS lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock');
SELECT erp_test.same('end: Bin.actual_qty of SCALE = serials in stock',
  'SELECT item_code AS lot, warehouse AS location, actual_qty AS qty FROM erp."tabBin" WHERE item_code = ''SCALE''',
  'SELECT item AS lot, warehouse AS location, count(*) AS qty FROM lottrace.serial_register WHERE item = ''SCALE'' AND state = ''in_stock'' GROUP BY 1, 2');
-- The recipe's code rule: every ERPNext item, a new one too, takes batch
-- IDs and serial numbers outside GS1 character set 82.
INSERT INTO "tabItem" (name, creation, modified, owner, item_code, item_name, item_group, stock_uom, has_batch_no, create_new_batch)
VALUES ('COCOA', now(), now(), 'Administrator', 'COCOA', 'Cocoa', 'Raw Material', 'Kg', 1, 0);
SELECT erp_test.check('end: gs1_codes is false for every item of tabItem',
  (SELECT count(*) FROM erp."tabItem" t JOIN lottrace.item i ON i.item = t.name AND NOT i.gs1_codes)
  = (SELECT count(*) FROM erp."tabItem"));
-- Known limit: a lot code has at most 50 characters and single spaces
-- inside; Frappe names have up to 140 and keep inner runs of spaces.  A
-- receipt of a longer typed batch ID is refused at submit.
SELECT erp_test.expect_error('end: known limit: a batch ID of 51 characters', $stmt$
DO $do$ BEGIN
  INSERT INTO erp."tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time)
  VALUES ('SBB-9003', now(), now(), 'stock@example.com', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'COCOA', 'Cocoa', 1, 5, 'Purchase Receipt', 'MAT-PRE-2024-09003', 'pri0009003', '2024-04-10', '10:00');
  INSERT INTO erp."tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, parent, parentfield, parenttype)
  VALUES ('sbe0009003', now(), now(), 'stock@example.com', 1, 1, 'COCOA HARVEST 2024 GHANA ASHANTI REGION COOP 17 LOT', 5, 'Stores - EC', 'SBB-9003', 'entries', 'Serial and Batch Bundle');
  SET CONSTRAINTS ALL IMMEDIATE;
END $do$
$stmt$, '22P02', 'lottrace_code_syntax');
