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
