-- ERPNext 15 (on Frappe 15): the stock tables the lot and serial workflow
-- touches, as Frappe creates them on PostgreSQL, in the schema "erp".
--
-- Sources read (public repositories):
--   github:frappe/frappe   frappe/database/postgres/schema.py (CREATE TABLE
--                          "tab<DocType>": name varchar(140) primary key,
--                          creation, modified, modified_by, owner,
--                          docstatus smallint not null default 0, idx;
--                          child tables add parent, parentfield, parenttype),
--                          frappe/database/postgres/database.py (type map:
--                          Data/Link/Select/Dynamic Link varchar(140),
--                          Float decimal(21,9), Int bigint, Check smallint,
--                          Date date, Time time(6), Datetime timestamp(6),
--                          Small/Long Text text), frappe/database/schema.py
--                          (Check/Int/Float columns are "not null default N";
--                          other defaults as given; "unique" fields unique).
--                          Frappe creates no foreign keys: Link fields are
--                          plain varchar columns.
--   github:frappe/erpnext  erpnext/stock/doctype/item/item.json,
--                          warehouse/warehouse.json, batch/batch.json,
--                          serial_no/serial_no.json,
--                          serial_and_batch_bundle/serial_and_batch_bundle.json,
--                          serial_and_batch_entry/serial_and_batch_entry.json
--                          (the 2024-03 version-15 field list),
--                          stock_ledger_entry/stock_ledger_entry.json,
--                          stock_entry/stock_entry.json (purpose),
--                          stock_entry_detail/stock_entry_detail.json,
--                          stock_reservation_entry/stock_reservation_entry.json
--                          (sb_entries: a table of Serial and Batch Entry),
--                          bin/bin.json, purchase_receipt(_item)/*.json,
--                          delivery_note(_item)/*.json,
--                          erpnext/stock/serial_batch_bundle.py (bundle
--                          submit/cancel, is_cancelled, batch_qty),
--                          serial_and_batch_bundle.py (set_is_outward: the
--                          qty of Outward entries is negative; set_warehouse:
--                          entries carry the bundle's warehouse;
--                          get_available_batches: a batch's stock is
--                          sum(entry.qty) over ledger rows not cancelled,
--                          by batch and warehouse), erpnext/stock/stock_ledger.py
--                          (make_sl_entries, set_as_cancel).
-- Only the columns the workflow uses are here (Frappe's standard columns
-- always), each with the type, NOT NULL and default Frappe gives it.
CREATE SCHEMA erp;

CREATE TABLE erp."tabItem" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140) UNIQUE,
  item_name varchar(140),
  item_group varchar(140),
  stock_uom varchar(140),
  disabled smallint NOT NULL DEFAULT 0,
  is_stock_item smallint NOT NULL DEFAULT 1,
  has_batch_no smallint NOT NULL DEFAULT 0,
  create_new_batch smallint NOT NULL DEFAULT 0,
  batch_number_series varchar(140),
  has_expiry_date smallint NOT NULL DEFAULT 0,
  shelf_life_in_days bigint NOT NULL DEFAULT 0,
  has_serial_no smallint NOT NULL DEFAULT 0,
  serial_no_series varchar(140)
);

CREATE TABLE erp."tabWarehouse" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  warehouse_name varchar(140),
  is_group smallint NOT NULL DEFAULT 0,
  parent_warehouse varchar(140),
  company varchar(140),
  warehouse_type varchar(140),
  disabled smallint NOT NULL DEFAULT 0,
  lft bigint NOT NULL DEFAULT 0,
  rgt bigint NOT NULL DEFAULT 0
);

CREATE TABLE erp."tabBatch" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  batch_id varchar(140) UNIQUE,
  item varchar(140),
  item_name varchar(140),
  disabled smallint NOT NULL DEFAULT 0,
  batch_qty decimal(21,9) NOT NULL DEFAULT 0,
  stock_uom varchar(140),
  manufacturing_date date,
  expiry_date date,
  supplier varchar(140),
  reference_doctype varchar(140),
  reference_name varchar(140)
);

CREATE TABLE erp."tabSerial No" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  serial_no varchar(140) UNIQUE,
  item_code varchar(140),
  batch_no varchar(140),
  warehouse varchar(140),
  status varchar(140),            -- Active, Inactive, Delivered, Expired
  purchase_document_no varchar(140),
  company varchar(140)
);

CREATE TABLE erp."tabStock Ledger Entry" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140),
  warehouse varchar(140),
  posting_date date,
  posting_time time(6),
  posting_datetime timestamp(6),
  is_adjustment_entry smallint NOT NULL DEFAULT 0,
  voucher_type varchar(140),
  voucher_no varchar(140),
  voucher_detail_no varchar(140),
  serial_and_batch_bundle varchar(140),
  dependant_sle_voucher_detail_no varchar(140),
  actual_qty decimal(21,9) NOT NULL DEFAULT 0,
  qty_after_transaction decimal(21,9) NOT NULL DEFAULT 0,
  incoming_rate decimal(21,9) NOT NULL DEFAULT 0,
  valuation_rate decimal(21,9) NOT NULL DEFAULT 0,
  stock_value_difference decimal(21,9) NOT NULL DEFAULT 0,
  company varchar(140),
  stock_uom varchar(140),
  serial_no text,
  batch_no varchar(140),
  has_batch_no smallint NOT NULL DEFAULT 0,
  has_serial_no smallint NOT NULL DEFAULT 0,
  is_cancelled smallint NOT NULL DEFAULT 0,
  auto_created_serial_and_batch_bundle smallint NOT NULL DEFAULT 0
);

CREATE TABLE erp."tabSerial and Batch Bundle" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  naming_series varchar(140),
  company varchar(140),
  warehouse varchar(140),
  type_of_transaction varchar(140),   -- Inward, Outward, Maintenance
  item_code varchar(140),
  item_name varchar(140),
  has_serial_no smallint NOT NULL DEFAULT 0,
  has_batch_no smallint NOT NULL DEFAULT 0,
  total_qty decimal(21,9) NOT NULL DEFAULT 0,
  item_group varchar(140),
  avg_rate decimal(21,9) NOT NULL DEFAULT 0,
  total_amount decimal(21,9) NOT NULL DEFAULT 0,
  voucher_type varchar(140),
  voucher_no varchar(140),
  voucher_detail_no varchar(140),
  posting_date date,
  posting_time time(6),
  returned_against varchar(140),
  is_cancelled smallint NOT NULL DEFAULT 0,
  is_rejected smallint NOT NULL DEFAULT 0,
  amended_from varchar(140)
);

-- A child table: its rows belong to a Serial and Batch Bundle (entries)
-- or to a Stock Reservation Entry (sb_entries).
CREATE TABLE erp."tabSerial and Batch Entry" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  serial_no varchar(140),
  batch_no varchar(140),
  qty decimal(21,9) NOT NULL DEFAULT 1,
  warehouse varchar(140),
  delivered_qty decimal(21,9) NOT NULL DEFAULT 0,
  incoming_rate decimal(21,9) NOT NULL DEFAULT 0,
  outgoing_rate decimal(21,9) NOT NULL DEFAULT 0,
  stock_value_difference decimal(21,9) NOT NULL DEFAULT 0,
  is_outward smallint NOT NULL DEFAULT 0,
  stock_queue text,
  parent varchar(140), parentfield varchar(140), parenttype varchar(140)
);
CREATE INDEX "serial_no" ON erp."tabSerial and Batch Entry" (serial_no);
CREATE INDEX "batch_no" ON erp."tabSerial and Batch Entry" (batch_no);
CREATE INDEX "warehouse" ON erp."tabSerial and Batch Entry" (warehouse);
CREATE INDEX "parent" ON erp."tabSerial and Batch Entry" (parent);

CREATE TABLE erp."tabBin" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140),
  warehouse varchar(140),
  actual_qty decimal(21,9) NOT NULL DEFAULT 0,
  reserved_stock decimal(21,9) NOT NULL DEFAULT 0,
  stock_uom varchar(140),
  UNIQUE (item_code, warehouse)
);

CREATE TABLE erp."tabPurchase Receipt" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  naming_series varchar(140),
  supplier varchar(140),
  company varchar(140),
  posting_date date,
  posting_time time(6),
  set_warehouse varchar(140),
  is_return smallint NOT NULL DEFAULT 0,
  status varchar(140) DEFAULT 'Draft',
  amended_from varchar(140)
);
CREATE TABLE erp."tabPurchase Receipt Item" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140),
  qty decimal(21,9) NOT NULL DEFAULT 0,
  uom varchar(140),
  stock_uom varchar(140),
  conversion_factor decimal(21,9) NOT NULL DEFAULT 0,
  stock_qty decimal(21,9) NOT NULL DEFAULT 0,
  warehouse varchar(140),
  serial_and_batch_bundle varchar(140),
  parent varchar(140), parentfield varchar(140), parenttype varchar(140)
);

CREATE TABLE erp."tabDelivery Note" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  naming_series varchar(140),
  customer varchar(140),
  company varchar(140),
  posting_date date,
  posting_time time(6),
  is_return smallint NOT NULL DEFAULT 0,
  status varchar(140) DEFAULT 'Draft',
  amended_from varchar(140)
);
CREATE TABLE erp."tabDelivery Note Item" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140),
  qty decimal(21,9) NOT NULL DEFAULT 0,
  uom varchar(140),
  stock_uom varchar(140),
  conversion_factor decimal(21,9) NOT NULL DEFAULT 0,
  stock_qty decimal(21,9) NOT NULL DEFAULT 0,
  warehouse varchar(140),
  serial_and_batch_bundle varchar(140),
  against_sales_order varchar(140),
  so_detail varchar(140),
  parent varchar(140), parentfield varchar(140), parenttype varchar(140)
);

CREATE TABLE erp."tabStock Entry" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  naming_series varchar(140),
  stock_entry_type varchar(140),
  purpose varchar(140),             -- Material Issue, Material Receipt, Material Transfer, Manufacture, Repack, ...
  company varchar(140),
  work_order varchar(140),
  from_bom smallint NOT NULL DEFAULT 0,
  fg_completed_qty decimal(21,9) NOT NULL DEFAULT 0,
  posting_date date,
  posting_time time(6),
  amended_from varchar(140)
);
CREATE TABLE erp."tabStock Entry Detail" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  s_warehouse varchar(140),
  t_warehouse varchar(140),
  item_code varchar(140),
  is_finished_item smallint NOT NULL DEFAULT 0,
  qty decimal(21,9) NOT NULL DEFAULT 0,
  transfer_qty decimal(21,9) NOT NULL DEFAULT 0,
  uom varchar(140),
  stock_uom varchar(140),
  conversion_factor decimal(21,9) NOT NULL DEFAULT 0,
  serial_and_batch_bundle varchar(140),
  parent varchar(140), parentfield varchar(140), parenttype varchar(140)
);

CREATE TABLE erp."tabStock Reservation Entry" (
  name varchar(140) PRIMARY KEY,
  creation timestamp(6), modified timestamp(6), modified_by varchar(140), owner varchar(140),
  docstatus smallint NOT NULL DEFAULT 0, idx bigint NOT NULL DEFAULT 0,
  item_code varchar(140),
  warehouse varchar(140),
  has_serial_no smallint NOT NULL DEFAULT 0,
  has_batch_no smallint NOT NULL DEFAULT 0,
  voucher_type varchar(140),
  voucher_no varchar(140),
  voucher_detail_no varchar(140),
  available_qty decimal(21,9) NOT NULL DEFAULT 0,
  voucher_qty decimal(21,9) NOT NULL DEFAULT 0,
  stock_uom varchar(140),
  reserved_qty decimal(21,9) NOT NULL DEFAULT 0,
  delivered_qty decimal(21,9) NOT NULL DEFAULT 0,
  reservation_based_on varchar(140) DEFAULT 'Qty',   -- Qty, Serial and Batch
  status varchar(140) DEFAULT 'Draft',
  company varchar(140),
  amended_from varchar(140)
);
