-- A replica of Odoo 17.0's stock tables, as Odoo's ORM creates them on
-- PostgreSQL, in the schema "erp" (test/shell/erp_recipes.sh runs the recipe
-- with -v schema=erp).  Only the tables and columns the workflow needs.
--
-- From github:odoo/odoo, 17.0 layout.  Read for this replica: stock_move_line.py
-- (a 17.0 version), stock_quant.py (a 16.0 version: its quant methods are
-- those of 17.0), stock_move.py (master: state values unchanged since 17.0),
-- mrp/models/stock_move.py (_compute_reference).  The other files are cited
-- for the 17.0 fields taken from them, which were not re-read here:
--   addons/stock/models/stock_move_line.py   stock.move.line: quantity, quantity_product_uom,
--                                            picked, lot_id, lot_name, state (related
--                                            move_id.state, stored), reference (related
--                                            move_id.reference, stored), create(), write(),
--                                            _action_done(), _synchronize_quant()
--   addons/stock/models/stock_move.py        stock.move: state selection, picked, quantity,
--                                            reference, origin_returned_move_id, is_inventory
--   addons/stock/models/stock_quant.py       stock.quant: quantity, reserved_quantity, in_date,
--                                            _update_available_quantity(), _update_reserved_quantity()
--   addons/stock/models/stock_lot.py         stock.lot: name, product_id, company_id
--   addons/stock/models/stock_location.py    stock.location: usage selection, scrap_location,
--                                            location_id (parent), complete_name
--   addons/stock/models/stock_picking.py     stock.picking: state, partner_id, picking_type_id
--   addons/stock/models/stock_picking_type.py  stock.picking.type: code, use_create_lots
--   addons/stock/models/product.py           product.template (stock part): type 'product',
--                                            tracking ('serial', 'lot', 'none')
--   addons/product/models/product_template.py, product_product.py   name, uom_id, product_tmpl_id
--   addons/uom/models/uom_uom.py             uom.uom: category_id, factor, rounding, uom_type
--   addons/product_expiry/models/production_lot.py   stock.lot: expiration_date, use_date,
--                                            removal_date, alert_date
--   addons/product_expiry/models/product_product.py  product.template: use_expiration_date,
--                                            expiration_time, use_time, removal_time, alert_time
--   addons/mrp/models/mrp_production.py      mrp.production: name, state, lot_producing_id,
--                                            location_src_id, location_dest_id
--   addons/mrp/models/stock_move.py          stock.move: raw_material_production_id,
--                                            production_id; _compute_reference (the MO's name)
--   odoo/fields.py, odoo/models.py           how fields become columns (below)
--
-- How the ORM makes columns: every table has "id SERIAL NOT NULL, PRIMARY
-- KEY(id)"; Char and Selection are varchar, Text is text, a translated Char
-- (translate=True) is jsonb ({"en_US": ...}), Boolean is boolean, Integer is
-- int4, Datetime is timestamp (without time zone, UTC), Date is date, Float
-- with digits (e.g. digits='Product Unit of Measure') is numeric, Float
-- without digits is double precision; Many2one is an int4 column with a
-- foreign key "<table>_<column>_fkey" to "<comodel table>"(id), ON DELETE as
-- the field's ondelete says (default SET NULL; RESTRICT for required fields);
-- required=True gives NOT NULL.  Defaults are applied by the ORM, not as
-- column defaults.  The audit columns every table has (create_uid,
-- create_date, write_uid, write_date) and the fields the workflow never
-- writes (packages, owners, accounting, UI helpers) are left out.
CREATE SCHEMA erp;
SET search_path = erp;

CREATE TABLE res_company (
    id   SERIAL NOT NULL, PRIMARY KEY(id),
    name varchar NOT NULL
);

CREATE TABLE res_partner (
    id         SERIAL NOT NULL, PRIMARY KEY(id),
    name       varchar,
    company_id int4 REFERENCES res_company(id) ON DELETE SET NULL,
    active     boolean
);

CREATE TABLE uom_category (
    id   SERIAL NOT NULL, PRIMARY KEY(id),
    name jsonb NOT NULL
);

CREATE TABLE uom_uom (
    id          SERIAL NOT NULL, PRIMARY KEY(id),
    name        jsonb NOT NULL,
    category_id int4 NOT NULL REFERENCES uom_category(id) ON DELETE RESTRICT,
    factor      numeric NOT NULL,
    rounding    numeric NOT NULL,
    active      boolean,
    uom_type    varchar NOT NULL      -- 'bigger', 'reference', 'smaller'
);

CREATE TABLE product_template (
    id                  SERIAL NOT NULL, PRIMARY KEY(id),
    name                jsonb NOT NULL,
    type                varchar NOT NULL,     -- 'consu', 'service', 'product' (storable)
    detailed_type       varchar NOT NULL,
    tracking            varchar NOT NULL,     -- 'serial', 'lot', 'none'
    uom_id              int4 NOT NULL REFERENCES uom_uom(id) ON DELETE RESTRICT,
    uom_po_id           int4 NOT NULL REFERENCES uom_uom(id) ON DELETE RESTRICT,
    company_id          int4 REFERENCES res_company(id) ON DELETE SET NULL,
    active              boolean,
    -- product_expiry
    use_expiration_date boolean,
    expiration_time     int4,                 -- days from receipt to the expiration date
    use_time            int4,                 -- days before expiration: best before
    removal_time        int4,                 -- days before expiration: remove from stock
    alert_time          int4                  -- days before expiration: alert
);

CREATE TABLE product_product (
    id             SERIAL NOT NULL, PRIMARY KEY(id),
    product_tmpl_id int4 NOT NULL REFERENCES product_template(id) ON DELETE CASCADE,
    default_code   varchar,
    barcode        varchar,
    active         boolean
);

CREATE TABLE stock_location (
    id             SERIAL NOT NULL, PRIMARY KEY(id),
    name           varchar NOT NULL,
    complete_name  varchar,
    active         boolean,
    usage          varchar NOT NULL,  -- supplier, view, internal, customer, inventory, production, transit
    location_id    int4 REFERENCES stock_location(id) ON DELETE CASCADE,
    parent_path    varchar,
    company_id     int4 REFERENCES res_company(id) ON DELETE SET NULL,
    scrap_location boolean,
    return_location boolean
);

CREATE TABLE stock_lot (
    id                      SERIAL NOT NULL, PRIMARY KEY(id),
    name                    varchar NOT NULL,
    ref                     varchar,
    product_id              int4 NOT NULL REFERENCES product_product(id) ON DELETE RESTRICT,
    company_id              int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
    note                    text,
    -- product_expiry
    expiration_date         timestamp,
    use_date                timestamp,
    removal_date            timestamp,
    alert_date              timestamp,
    product_expiry_reminded boolean
);

CREATE TABLE stock_picking_type (
    id                       SERIAL NOT NULL, PRIMARY KEY(id),
    name                     jsonb NOT NULL,
    code                     varchar NOT NULL,   -- 'incoming', 'outgoing', 'internal', 'mrp_operation'
    sequence_code            varchar NOT NULL,
    default_location_src_id  int4 REFERENCES stock_location(id) ON DELETE SET NULL,
    default_location_dest_id int4 REFERENCES stock_location(id) ON DELETE SET NULL,
    use_create_lots          boolean,
    use_existing_lots        boolean,
    company_id               int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
    active                   boolean
);

CREATE TABLE stock_picking (
    id               SERIAL NOT NULL, PRIMARY KEY(id),
    name             varchar,
    origin           varchar,
    move_type        varchar NOT NULL,   -- 'direct', 'one'
    state            varchar,            -- draft, waiting, confirmed, assigned, done, cancel
    scheduled_date   timestamp NOT NULL,
    date_done        timestamp,
    location_id      int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    location_dest_id int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    picking_type_id  int4 NOT NULL REFERENCES stock_picking_type(id) ON DELETE RESTRICT,
    partner_id       int4 REFERENCES res_partner(id) ON DELETE SET NULL,
    company_id       int4 REFERENCES res_company(id) ON DELETE SET NULL
);

CREATE TABLE mrp_production (
    id               SERIAL NOT NULL, PRIMARY KEY(id),
    name             varchar NOT NULL,
    product_id       int4 NOT NULL REFERENCES product_product(id) ON DELETE RESTRICT,
    product_qty      numeric NOT NULL,
    product_uom_id   int4 NOT NULL REFERENCES uom_uom(id) ON DELETE RESTRICT,
    qty_producing    numeric,
    lot_producing_id int4 REFERENCES stock_lot(id) ON DELETE SET NULL,
    state            varchar NOT NULL,   -- draft, confirmed, progress, to_close, done, cancel
    date_start       timestamp NOT NULL,
    date_finished    timestamp,
    location_src_id  int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    location_dest_id int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    picking_type_id  int4 NOT NULL REFERENCES stock_picking_type(id) ON DELETE RESTRICT,
    company_id       int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT
);

CREATE TABLE stock_move (
    id                         SERIAL NOT NULL, PRIMARY KEY(id),
    name                       varchar NOT NULL,
    sequence                   int4,
    date                       timestamp NOT NULL,
    company_id                 int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
    product_id                 int4 NOT NULL REFERENCES product_product(id) ON DELETE RESTRICT,
    product_qty                numeric,            -- in the product's UoM (digits=0)
    product_uom_qty            numeric NOT NULL,   -- demand, in product_uom
    product_uom                int4 NOT NULL REFERENCES uom_uom(id) ON DELETE RESTRICT,
    quantity                   numeric,            -- picked/done, in product_uom
    location_id                int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    location_dest_id           int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    partner_id                 int4 REFERENCES res_partner(id) ON DELETE SET NULL,
    picking_id                 int4 REFERENCES stock_picking(id) ON DELETE SET NULL,
    picking_type_id            int4 REFERENCES stock_picking_type(id) ON DELETE SET NULL,
    state                      varchar,   -- draft, waiting, confirmed, partially_available, assigned, done, cancel
    picked                     boolean,
    origin                     varchar,
    procure_method             varchar NOT NULL,
    scrapped                   boolean,
    is_inventory               boolean,
    origin_returned_move_id    int4 REFERENCES stock_move(id) ON DELETE SET NULL,
    reference                  varchar,
    -- mrp
    raw_material_production_id int4 REFERENCES mrp_production(id) ON DELETE SET NULL,
    production_id              int4 REFERENCES mrp_production(id) ON DELETE SET NULL
);

CREATE TABLE stock_move_line (
    id                    SERIAL NOT NULL, PRIMARY KEY(id),
    picking_id            int4 REFERENCES stock_picking(id) ON DELETE SET NULL,
    move_id               int4 REFERENCES stock_move(id) ON DELETE SET NULL,
    company_id            int4 NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
    product_id            int4 REFERENCES product_product(id) ON DELETE CASCADE,
    product_uom_id        int4 NOT NULL REFERENCES uom_uom(id) ON DELETE RESTRICT,
    quantity              numeric,   -- in product_uom_id
    quantity_product_uom  numeric,   -- the same, in the product's own UoM (computed, stored)
    picked                boolean,
    lot_id                int4 REFERENCES stock_lot(id) ON DELETE SET NULL,
    lot_name              varchar,
    date                  timestamp NOT NULL,
    location_id           int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    location_dest_id      int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    state                 varchar,   -- related move_id.state, stored
    reference             varchar,   -- related move_id.reference, stored
    description_picking   text
);

CREATE TABLE stock_quant (
    id                     SERIAL NOT NULL, PRIMARY KEY(id),
    product_id             int4 NOT NULL REFERENCES product_product(id) ON DELETE RESTRICT,
    company_id             int4 REFERENCES res_company(id) ON DELETE SET NULL,
    location_id            int4 NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
    lot_id                 int4 REFERENCES stock_lot(id) ON DELETE RESTRICT,
    quantity               numeric,
    reserved_quantity      numeric NOT NULL,
    in_date                timestamp NOT NULL,
    inventory_quantity     numeric,
    inventory_diff_quantity numeric,
    inventory_date         date,
    inventory_quantity_set boolean
);

-- The indexes Odoo declares on these fields (index=True) that matter here.
CREATE INDEX stock_move_line_move_id_index ON stock_move_line (move_id);
CREATE INDEX stock_move_line_lot_id_index ON stock_move_line (lot_id);
CREATE INDEX stock_quant_product_id_index ON stock_quant (product_id);
CREATE INDEX stock_quant_location_id_index ON stock_quant (location_id);
CREATE INDEX stock_quant_lot_id_index ON stock_quant (lot_id);

-- Master data as a fresh Odoo 17 database with Inventory, MRP and expiry
-- dates installed has it (stock/data/stock_data.xml, uom/data/uom_data.xml):
-- the company, the partner locations, the virtual locations, warehouse WH.
INSERT INTO res_company (id, name) VALUES (1, 'My Company');
INSERT INTO res_partner (id, name, company_id, active) VALUES
  (1, 'My Company', 1, true), (7, 'Wood Corner', NULL, true), (9, 'Deco Addict', NULL, true);
INSERT INTO uom_category (id, name) VALUES (1, '{"en_US": "Unit"}'), (2, '{"en_US": "Weight"}');
INSERT INTO uom_uom (id, name, category_id, factor, rounding, active, uom_type) VALUES
  (1, '{"en_US": "Units"}', 1, 1.0, 0.01, true, 'reference'),
  (2, '{"en_US": "Dozens"}', 1, 0.083333333333, 0.01, true, 'bigger'),
  (12, '{"en_US": "kg"}', 2, 1.0, 0.01, true, 'reference'),
  (13, '{"en_US": "g"}', 2, 1000.0, 0.01, true, 'smaller');
INSERT INTO stock_location (id, name, complete_name, active, usage, location_id, parent_path, company_id, scrap_location, return_location) VALUES
  (1,  'Physical Locations', 'Physical Locations', true, 'view', NULL, '1/', NULL, false, false),
  (2,  'Partners', 'Partners', true, 'view', NULL, '2/', NULL, false, false),
  (3,  'Virtual Locations', 'Virtual Locations', true, 'view', NULL, '3/', NULL, false, false),
  (4,  'Vendors', 'Partners/Vendors', true, 'supplier', 2, '2/4/', NULL, false, false),
  (5,  'Customers', 'Partners/Customers', true, 'customer', 2, '2/5/', NULL, false, false),
  (14, 'Inventory adjustment', 'Virtual Locations/Inventory adjustment', true, 'inventory', 3, '3/14/', 1, false, false),
  (15, 'Production', 'Virtual Locations/Production', true, 'production', 3, '3/15/', 1, false, false),
  (16, 'Scrap', 'Virtual Locations/Scrap', true, 'inventory', 3, '3/16/', 1, true, false),
  (7,  'WH', 'WH', true, 'view', 1, '1/7/', 1, false, false),
  (8,  'Stock', 'WH/Stock', true, 'internal', 7, '1/7/8/', 1, false, false),
  (9,  'Shelf 1', 'WH/Stock/Shelf 1', true, 'internal', 8, '1/7/8/9/', 1, false, false);
SELECT setval('res_company_id_seq', 1), setval('res_partner_id_seq', 9),
       setval('uom_category_id_seq', 2), setval('uom_uom_id_seq', 13),
       setval('stock_location_id_seq', 16);
INSERT INTO stock_picking_type (id, name, code, sequence_code, default_location_src_id, default_location_dest_id,
                                use_create_lots, use_existing_lots, company_id, active) VALUES
  (1, '{"en_US": "Receipts"}', 'incoming', 'IN', NULL, 8, true, false, 1, true),
  (2, '{"en_US": "Delivery Orders"}', 'outgoing', 'OUT', 8, NULL, false, true, 1, true),
  (5, '{"en_US": "Internal Transfers"}', 'internal', 'INT', 8, 8, false, true, 1, true),
  (8, '{"en_US": "Manufacturing"}', 'mrp_operation', 'MO', 8, 8, true, true, 1, true);
SELECT setval('stock_picking_type_id_seq', 8);
RESET search_path;
