-- What ERPNext 15 wrote before lottrace came: masters, two submitted
-- purchase receipts (one in a purchase UOM of 12), a submitted delivery,
-- a receipt still in draft (its bundle a draft too), a receipt submitted
-- and then cancelled, serials received.  Rows as Frappe writes them:
-- the document, its items, a bundle per item row with its entries (qty
-- in the stock UOM, negative for Outward), one ledger row per item row
-- pointing to its bundle; on submit docstatus 1 everywhere; on cancel
-- the ledger rows is_cancelled = 1 plus reversing rows (is_cancelled = 1),
-- the bundle is_cancelled = 1 and docstatus 2 (its entries too).
SET search_path = erp;

INSERT INTO "tabWarehouse" (name, creation, modified, owner, warehouse_name, is_group, parent_warehouse, company, warehouse_type) VALUES
  ('All Warehouses - EC', now(), now(), 'Administrator', 'All Warehouses', 1, NULL, 'Example Co', NULL),
  ('Stores - EC', now(), now(), 'Administrator', 'Stores', 0, 'All Warehouses - EC', 'Example Co', NULL),
  ('Work In Progress - EC', now(), now(), 'Administrator', 'Work In Progress', 0, 'All Warehouses - EC', 'Example Co', NULL),
  ('Finished Goods - EC', now(), now(), 'Administrator', 'Finished Goods', 0, 'All Warehouses - EC', 'Example Co', NULL),
  ('Goods In Transit - EC', now(), now(), 'Administrator', 'Goods In Transit', 0, 'All Warehouses - EC', 'Example Co', 'Transit');

INSERT INTO "tabItem" (name, creation, modified, owner, item_code, item_name, item_group, stock_uom,
                       has_batch_no, create_new_batch, batch_number_series, has_expiry_date, shelf_life_in_days,
                       has_serial_no, serial_no_series) VALUES
  ('MILK-PWD', now(), now(), 'Administrator', 'MILK-PWD', 'Milk powder', 'Raw Material', 'Kg', 1, 1, 'MP-.####', 1, 365, 0, NULL),
  ('FLOUR', now(), now(), 'Administrator', 'FLOUR', 'Flour', 'Raw Material', 'Kg', 1, 0, NULL, 0, 0, 0, NULL),
  ('CAKE-MIX', now(), now(), 'Administrator', 'CAKE-MIX', 'Cake mix', 'Products', 'Kg', 1, 1, 'CM-.####', 1, 180, 0, NULL),
  ('SCALE', now(), now(), 'Administrator', 'SCALE', 'Kitchen scale', 'Products', 'Nos', 0, 0, NULL, 0, 0, 1, 'SC-.####'),
  ('SUGAR', now(), now(), 'Administrator', 'SUGAR', 'Sugar', 'Raw Material', 'Kg', 0, 0, NULL, 0, 0, 0, NULL);

INSERT INTO "tabBatch" (name, creation, modified, owner, batch_id, item, item_name, stock_uom, manufacturing_date, expiry_date, supplier, reference_doctype, reference_name) VALUES
  ('MP-0001', now(), now(), 'Administrator', 'MP-0001', 'MILK-PWD', 'Milk powder', 'Kg', '2024-03-01', '2025-03-01', 'Dairy Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00001'),
  ('FL-0001', now(), now(), 'Administrator', 'FL-0001', 'FLOUR', 'Flour', 'Kg', '2024-03-01', NULL, 'Mill Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00001'),
  ('FL-0002', now(), now(), 'Administrator', 'FL-0002', 'FLOUR', 'Flour', 'Kg', '2024-03-05', NULL, 'Mill Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00003'),
  ('MP-0002', now(), now(), 'Administrator', 'MP-0002', 'MILK-PWD', 'Milk powder', 'Kg', '2024-03-06', '2025-03-06', 'Dairy Ltd', 'Purchase Receipt', 'MAT-PRE-2024-00002');

INSERT INTO "tabSerial No" (name, creation, modified, owner, serial_no, item_code, warehouse, status, purchase_document_no, company) VALUES
  ('SC-0001', now(), now(), 'Administrator', 'SC-0001', 'SCALE', 'Stores - EC', 'Active', 'MAT-PRE-2024-00001', 'Example Co'),
  ('SC-0002', now(), now(), 'Administrator', 'SC-0002', 'SCALE', 'Stores - EC', 'Active', 'MAT-PRE-2024-00001', 'Example Co');

-- MAT-PRE-2024-00001, submitted: 2 Box (x12 Kg) of MP-0001, 50 Kg FL-0001, 2 scales.
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status) VALUES
  ('MAT-PRE-2024-00001', now(), now(), 'Administrator', 1, 'MAT-PRE-.YYYY.-', 'Dairy Ltd', 'Example Co', '2024-03-01', '10:00', 'Completed');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('pri0000001', now(), now(), 'Administrator', 1, 1, 'MILK-PWD', 2, 'Box', 'Kg', 12, 24, 'Stores - EC', 'SBB-0001', 'MAT-PRE-2024-00001', 'items', 'Purchase Receipt'),
  ('pri0000002', now(), now(), 'Administrator', 1, 2, 'FLOUR', 50, 'Kg', 'Kg', 1, 50, 'Stores - EC', 'SBB-0002', 'MAT-PRE-2024-00001', 'items', 'Purchase Receipt'),
  ('pri0000003', now(), now(), 'Administrator', 1, 3, 'SCALE', 2, 'Nos', 'Nos', 1, 2, 'Stores - EC', 'SBB-0003', 'MAT-PRE-2024-00001', 'items', 'Purchase Receipt');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time) VALUES
  ('SBB-0001', now(), now(), 'Administrator', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'MILK-PWD', 'Milk powder', 0, 1, 24, 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000001', '2024-03-01', '10:00'),
  ('SBB-0002', now(), now(), 'Administrator', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'FLOUR', 'Flour', 0, 1, 50, 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000002', '2024-03-01', '10:00'),
  ('SBB-0003', now(), now(), 'Administrator', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'SCALE', 'Kitchen scale', 1, 0, 2, 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000003', '2024-03-01', '10:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, serial_no, batch_no, qty, warehouse, incoming_rate, is_outward, parent, parentfield, parenttype) VALUES
  ('sbe0000001', now(), now(), 'Administrator', 1, 1, NULL, 'MP-0001', 24, 'Stores - EC', 5, 0, 'SBB-0001', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000002', now(), now(), 'Administrator', 1, 1, NULL, 'FL-0001', 50, 'Stores - EC', 1, 0, 'SBB-0002', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000003', now(), now(), 'Administrator', 1, 1, 'SC-0001', NULL, 1, 'Stores - EC', 30, 0, 'SBB-0003', 'entries', 'Serial and Batch Bundle'),
  ('sbe0000004', now(), now(), 'Administrator', 1, 2, 'SC-0002', NULL, 1, 'Stores - EC', 30, 0, 'SBB-0003', 'entries', 'Serial and Batch Bundle');
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no, has_serial_no) VALUES
  ('SLE-0001', now(), now(), 'Administrator', 1, 'MILK-PWD', 'Stores - EC', '2024-03-01', '10:00', '2024-03-01 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000001', 'SBB-0001', 24, 24, 'Example Co', 'Kg', 1, 0),
  ('SLE-0002', now(), now(), 'Administrator', 1, 'FLOUR', 'Stores - EC', '2024-03-01', '10:00', '2024-03-01 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000002', 'SBB-0002', 50, 50, 'Example Co', 'Kg', 1, 0),
  ('SLE-0003', now(), now(), 'Administrator', 1, 'SCALE', 'Stores - EC', '2024-03-01', '10:00', '2024-03-01 10:00', 'Purchase Receipt', 'MAT-PRE-2024-00001', 'pri0000003', 'SBB-0003', 2, 2, 'Example Co', 'Nos', 0, 1);

-- MAT-DN-2024-00001, submitted: 4 Kg of MP-0001 to a customer.
INSERT INTO "tabDelivery Note" (name, creation, modified, owner, docstatus, naming_series, customer, company, posting_date, posting_time, status) VALUES
  ('MAT-DN-2024-00001', now(), now(), 'Administrator', 1, 'MAT-DN-.YYYY.-', 'Bakery Inc', 'Example Co', '2024-03-02', '09:00', 'Completed');
INSERT INTO "tabDelivery Note Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('dni0000001', now(), now(), 'Administrator', 1, 1, 'MILK-PWD', 4, 'Kg', 'Kg', 1, 4, 'Stores - EC', 'SBB-0004', 'MAT-DN-2024-00001', 'items', 'Delivery Note');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_serial_no, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time) VALUES
  ('SBB-0004', now(), now(), 'Administrator', 1, 'SBB-.####', 'Example Co', 'Stores - EC', 'Outward', 'MILK-PWD', 'Milk powder', 0, 1, -4, 'Delivery Note', 'MAT-DN-2024-00001', 'dni0000001', '2024-03-02', '09:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, outgoing_rate, is_outward, parent, parentfield, parenttype) VALUES
  ('sbe0000005', now(), now(), 'Administrator', 1, 1, 'MP-0001', -4, 'Stores - EC', 5, 1, 'SBB-0004', 'entries', 'Serial and Batch Bundle');
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no) VALUES
  ('SLE-0004', now(), now(), 'Administrator', 1, 'MILK-PWD', 'Stores - EC', '2024-03-02', '09:00', '2024-03-02 09:00', 'Delivery Note', 'MAT-DN-2024-00001', 'dni0000001', 'SBB-0004', -4, 20, 'Example Co', 'Kg', 1);

-- MAT-PRE-2024-00002, a draft: its bundle (made in the batch dialog) is a draft.
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status) VALUES
  ('MAT-PRE-2024-00002', now(), now(), 'Administrator', 0, 'MAT-PRE-.YYYY.-', 'Dairy Ltd', 'Example Co', '2024-03-06', '11:00', 'Draft');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('pri0000004', now(), now(), 'Administrator', 0, 1, 'MILK-PWD', 10, 'Kg', 'Kg', 1, 10, 'Stores - EC', 'SBB-0005', 'MAT-PRE-2024-00002', 'items', 'Purchase Receipt');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time) VALUES
  ('SBB-0005', now(), now(), 'Administrator', 0, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'MILK-PWD', 'Milk powder', 1, 10, 'Purchase Receipt', 'MAT-PRE-2024-00002', 'pri0000004', '2024-03-06', '11:00');
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype) VALUES
  ('sbe0000006', now(), now(), 'Administrator', 0, 1, 'MP-0002', 10, 'Stores - EC', 5, 'SBB-0005', 'entries', 'Serial and Batch Bundle');

-- MAT-PRE-2024-00003: 10 Kg FL-0002, submitted, then cancelled.
INSERT INTO "tabPurchase Receipt" (name, creation, modified, owner, docstatus, naming_series, supplier, company, posting_date, posting_time, status) VALUES
  ('MAT-PRE-2024-00003', now(), now(), 'Administrator', 2, 'MAT-PRE-.YYYY.-', 'Mill Ltd', 'Example Co', '2024-03-05', '08:00', 'Cancelled');
INSERT INTO "tabPurchase Receipt Item" (name, creation, modified, owner, docstatus, idx, item_code, qty, uom, stock_uom, conversion_factor, stock_qty, warehouse, serial_and_batch_bundle, parent, parentfield, parenttype) VALUES
  ('pri0000005', now(), now(), 'Administrator', 2, 1, 'FLOUR', 10, 'Kg', 'Kg', 1, 10, 'Stores - EC', NULL, 'MAT-PRE-2024-00003', 'items', 'Purchase Receipt');
INSERT INTO "tabSerial and Batch Bundle" (name, creation, modified, owner, docstatus, naming_series, company, warehouse, type_of_transaction, item_code, item_name, has_batch_no, total_qty, voucher_type, voucher_no, voucher_detail_no, posting_date, posting_time, is_cancelled) VALUES
  ('SBB-0006', now(), now(), 'Administrator', 2, 'SBB-.####', 'Example Co', 'Stores - EC', 'Inward', 'FLOUR', 'Flour', 1, 10, 'Purchase Receipt', 'MAT-PRE-2024-00003', 'pri0000005', '2024-03-05', '08:00', 1);
INSERT INTO "tabSerial and Batch Entry" (name, creation, modified, owner, docstatus, idx, batch_no, qty, warehouse, incoming_rate, parent, parentfield, parenttype) VALUES
  ('sbe0000007', now(), now(), 'Administrator', 2, 1, 'FL-0002', 10, 'Stores - EC', 1, 'SBB-0006', 'entries', 'Serial and Batch Bundle');
INSERT INTO "tabStock Ledger Entry" (name, creation, modified, owner, docstatus, item_code, warehouse, posting_date, posting_time, posting_datetime, voucher_type, voucher_no, voucher_detail_no, serial_and_batch_bundle, actual_qty, qty_after_transaction, company, stock_uom, has_batch_no, is_cancelled) VALUES
  ('SLE-0005', now(), now(), 'Administrator', 1, 'FLOUR', 'Stores - EC', '2024-03-05', '08:00', '2024-03-05 08:00', 'Purchase Receipt', 'MAT-PRE-2024-00003', 'pri0000005', 'SBB-0006', 10, 60, 'Example Co', 'Kg', 1, 1),
  ('SLE-0006', now(), now(), 'Administrator', 1, 'FLOUR', 'Stores - EC', '2024-03-05', '08:00', '2024-03-05 08:00', 'Purchase Receipt', 'MAT-PRE-2024-00003', 'pri0000005', 'SBB-0006', -10, 50, 'Example Co', 'Kg', 1, 1);

-- ERPNext's own figures: Bin per item and warehouse, batch_qty per batch.
INSERT INTO "tabBin" (name, creation, modified, owner, item_code, warehouse, actual_qty, stock_uom) VALUES
  ('bin0000001', now(), now(), 'Administrator', 'MILK-PWD', 'Stores - EC', 20, 'Kg'),
  ('bin0000002', now(), now(), 'Administrator', 'FLOUR', 'Stores - EC', 50, 'Kg'),
  ('bin0000003', now(), now(), 'Administrator', 'SCALE', 'Stores - EC', 2, 'Nos');
UPDATE "tabBatch" SET batch_qty = 20 WHERE name = 'MP-0001';
UPDATE "tabBatch" SET batch_qty = 50 WHERE name = 'FL-0001';
RESET search_path;
