-- W3: an Odoo-shaped stock table (after Odoo 17's stock_move /
-- stock_move_line: test/erp/odoo17/replica.sql), identical in the variants
-- odoo_bare and odoo.  One row moves a product from location_id to
-- location_dest_id; it is stock once its state is 'done'; the lot (or
-- serial: Odoo keeps both in stock_lot) is a foreign key to stock_lot.
-- Only lot_id has its foreign key (the one lottrace reads through): Odoo's
-- keys on product and locations would cost both variants alike.
--
-- Master data, as the ERP has it before any movement (:nl lots, :ns
-- serials; ids as in gen-data.awk's codes):
--   product_product 1-1500 LOT0001..., 1501-1700 SER001..., 1701-2000 UNT001...;
--   stock_location 1-10 W01-W10 (internal), 11 Vendors, 12 Customers;
--   stock_lot 1..nl = L0000001..., nl+1..nl+ns = SN00000001...
CREATE TABLE product_product (
    id           int PRIMARY KEY,
    default_code text NOT NULL,
    tracking     text NOT NULL           -- 'lot', 'serial', 'none'
);
CREATE TABLE stock_location (
    id    int PRIMARY KEY,
    name  text NOT NULL,
    usage text NOT NULL                  -- 'internal', 'supplier', 'customer'
);
CREATE TABLE stock_lot (
    id         int PRIMARY KEY,
    name       varchar NOT NULL,
    product_id int NOT NULL
);
CREATE TABLE stock_move (
    id               bigserial PRIMARY KEY,
    product_id       int NOT NULL,
    location_id      int NOT NULL,
    location_dest_id int NOT NULL,
    lot_id           int REFERENCES stock_lot (id),
    product_qty      numeric(14,3),
    state            varchar,
    reference        varchar,
    date             timestamp NOT NULL
);
CREATE INDEX stock_move_lot_id_index ON stock_move (lot_id);

INSERT INTO product_product
  SELECT n, 'LOT' || lpad(n::text, 4, '0'), 'lot' FROM generate_series(1, 1500) n
  UNION ALL SELECT 1500 + n, 'SER' || lpad(n::text, 3, '0'), 'serial' FROM generate_series(1, 200) n
  UNION ALL SELECT 1700 + n, 'UNT' || lpad(n::text, 3, '0'), 'none' FROM generate_series(1, 300) n;
INSERT INTO stock_location
  SELECT n, 'W' || lpad(n::text, 2, '0'), 'internal' FROM generate_series(1, 10) n
  UNION ALL VALUES (11, 'Vendors', 'supplier'), (12, 'Customers', 'customer');
INSERT INTO stock_lot
  SELECT i, 'L' || lpad(i::text, 7, '0'), (i - 1) % 1500 + 1 FROM generate_series(1, :nl) i
  UNION ALL SELECT :nl + j, 'SN' || lpad(j::text, 8, '0'), 1500 + (j - 1) % 200 + 1 FROM generate_series(1, :ns) j;
