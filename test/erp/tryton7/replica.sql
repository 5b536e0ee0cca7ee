-- Tryton 7.0: the stock tables lottrace's recipe (erp/tryton7.sql) governs,
-- as trytond creates them on PostgreSQL, in schema "erp".  Only the tables
-- and columns the workflow needs.
--
-- Read (repository: path):
--   tryton/trytond: trytond/backend/postgresql/table.py, database.py
--       (id INTEGER DEFAULT nextval('<table>_id_seq') NOT NULL, PRIMARY KEY;
--       foreign keys "<table>_<column>_fkey" ... ON DELETE <ondelete>,
--       SET NULL unless the field says otherwise; Char and Selection are
--       VARCHAR, Float FLOAT8, Date DATE, Timestamp TIMESTAMP(6);
--       required fields are NOT NULL; SQL constraints "<table>_<name>")
--   tryton/trytond: trytond/model/modelsql.py, modelstorage.py, fields/multiselection.py
--       (create_uid/create_date/write_uid/write_date on every table, no FK on
--       create_uid/write_uid; a MultiSelection is VARCHAR holding a sorted JSON list)
--   tryton/product: product.py, uom.py       (product_template, product_product, product_uom)
--   tryton/stock: move.py, location.py, location.xml (stock_move, stock_location, types, states)
--   tryton/stock_lot: stock.py, product.py    (stock_lot, stock_move.lot, template lot_required)
--   tryton/stock_lot_sled: stock.py, product.py (shelf_life_expiration_date, expiration_date)
--   tryton/stock_lot_unit: stock.py, product.py (stock_lot.unit/unit_quantity, template lot_unit)
--   tryton/production: production.py, stock.py (production, stock_move.production_input/_output)
--   tryton/tryton: modules/stock/CHANGELOG, modules/stock_lot/CHANGELOG (7.0: the move's
--       "uom" renamed "unit", origin_planned_date and product_cost_price added; 6.8: lots
--       can be deactivated)
CREATE SCHEMA erp;
SET search_path = erp;

CREATE SEQUENCE company_company_id_seq;
CREATE TABLE company_company (
    id integer DEFAULT nextval('company_company_id_seq'::regclass) NOT NULL,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id));

CREATE SEQUENCE product_uom_category_id_seq;
CREATE TABLE product_uom_category (
    id integer DEFAULT nextval('product_uom_category_id_seq'::regclass) NOT NULL,
    name varchar NOT NULL,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id));

CREATE SEQUENCE product_uom_id_seq;
CREATE TABLE product_uom (
    id integer DEFAULT nextval('product_uom_id_seq'::regclass) NOT NULL,
    name varchar NOT NULL,
    symbol varchar(10) NOT NULL,
    category integer NOT NULL,
    rate float8 NOT NULL,
    factor float8 NOT NULL,
    rounding float8 NOT NULL,
    digits integer NOT NULL,
    active boolean,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT product_uom_category_fkey FOREIGN KEY (category)
        REFERENCES product_uom_category (id) ON DELETE RESTRICT);

CREATE SEQUENCE product_template_id_seq;
CREATE TABLE product_template (
    id integer DEFAULT nextval('product_template_id_seq'::regclass) NOT NULL,
    name varchar NOT NULL,
    code varchar,
    type varchar NOT NULL,                 -- goods, assets, service
    consumable boolean,
    default_uom integer NOT NULL,
    active boolean,
    lot_required varchar,                  -- stock_lot: MultiSelection of location types, '["customer","storage"]'
    lot_sequence integer,
    shelf_life_state varchar,              -- stock_lot_sled: none, optional, required
    shelf_life_time integer,
    expiration_state varchar,
    expiration_time integer,
    lot_unit integer,                      -- stock_lot_unit
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT product_template_default_uom_fkey FOREIGN KEY (default_uom)
        REFERENCES product_uom (id) ON DELETE SET NULL,
    CONSTRAINT product_template_lot_unit_fkey FOREIGN KEY (lot_unit)
        REFERENCES product_uom (id) ON DELETE SET NULL);

CREATE SEQUENCE product_product_id_seq;
CREATE TABLE product_product (
    id integer DEFAULT nextval('product_product_id_seq'::regclass) NOT NULL,
    template integer NOT NULL,
    suffix_code varchar,
    code varchar,
    active boolean,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT product_product_template_fkey FOREIGN KEY (template)
        REFERENCES product_template (id) ON DELETE CASCADE);

CREATE SEQUENCE stock_location_id_seq;
CREATE TABLE stock_location (
    id integer DEFAULT nextval('stock_location_id_seq'::regclass) NOT NULL,
    name varchar NOT NULL,
    code varchar,
    type varchar,      -- supplier, customer, lost_found, warehouse, storage, production, drop, view
    parent integer,
    "left" integer NOT NULL,
    "right" integer NOT NULL,
    flat_childs boolean,
    active boolean,
    input_location integer,
    output_location integer,
    storage_location integer,
    lost_found_location integer,
    production_location integer,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT stock_location_parent_fkey FOREIGN KEY (parent) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_location_input_location_fkey FOREIGN KEY (input_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_location_output_location_fkey FOREIGN KEY (output_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_location_storage_location_fkey FOREIGN KEY (storage_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_location_lost_found_location_fkey FOREIGN KEY (lost_found_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_location_production_location_fkey FOREIGN KEY (production_location) REFERENCES stock_location (id) ON DELETE SET NULL);

CREATE SEQUENCE stock_lot_id_seq;
CREATE TABLE stock_lot (
    id integer DEFAULT nextval('stock_lot_id_seq'::regclass) NOT NULL,
    number varchar NOT NULL,
    product integer NOT NULL,
    active boolean,
    shelf_life_expiration_date date,       -- stock_lot_sled
    expiration_date date,
    unit integer,                          -- stock_lot_unit
    unit_quantity float8,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT stock_lot_product_fkey FOREIGN KEY (product) REFERENCES product_product (id) ON DELETE SET NULL,
    CONSTRAINT stock_lot_unit_fkey FOREIGN KEY (unit) REFERENCES product_uom (id) ON DELETE SET NULL);

CREATE SEQUENCE production_id_seq;
CREATE TABLE production (
    id integer DEFAULT nextval('production_id_seq'::regclass) NOT NULL,
    number varchar,
    reference varchar,
    planned_date date,
    effective_date date,
    planned_start_date date,
    effective_start_date date,
    company integer NOT NULL,
    warehouse integer NOT NULL,
    location integer NOT NULL,
    product integer,
    quantity float8,
    state varchar,      -- request, draft, waiting, assigned, running, done, cancelled
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT production_company_fkey FOREIGN KEY (company) REFERENCES company_company (id) ON DELETE SET NULL,
    CONSTRAINT production_warehouse_fkey FOREIGN KEY (warehouse) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT production_location_fkey FOREIGN KEY (location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT production_product_fkey FOREIGN KEY (product) REFERENCES product_product (id) ON DELETE SET NULL);

CREATE SEQUENCE stock_move_id_seq;
CREATE TABLE stock_move (
    id integer DEFAULT nextval('stock_move_id_seq'::regclass) NOT NULL,
    product integer NOT NULL,
    unit integer NOT NULL,                 -- "uom" before 7.0
    quantity float8 NOT NULL,
    internal_quantity float8 NOT NULL,     -- quantity in the product's default_uom
    from_location integer NOT NULL,
    to_location integer NOT NULL,
    shipment varchar,                      -- Reference: 'stock.shipment.in,12'
    origin varchar,                        -- Reference: 'stock.move,7', 'stock.inventory.line,3'
    planned_date date,
    origin_planned_date date,
    effective_date date,
    state varchar NOT NULL,                -- staging, draft, assigned, done, cancelled
    company integer NOT NULL,
    unit_price numeric,
    cost_price numeric,
    product_cost_price numeric,
    unit_price_updated boolean,
    lot integer,                           -- stock_lot
    production_input integer,              -- production
    production_output integer,
    production_cost_price_updated boolean,
    create_uid integer, create_date timestamp(6), write_uid integer, write_date timestamp(6),
    PRIMARY KEY (id),
    CONSTRAINT stock_move_check_move_qty_pos CHECK (quantity >= 0),
    CONSTRAINT stock_move_check_move_internal_qty_pos CHECK (internal_quantity >= 0),
    CONSTRAINT stock_move_check_from_to_locations CHECK (from_location != to_location),
    CONSTRAINT stock_move_production_single CHECK (production_input IS NULL OR production_output IS NULL),
    CONSTRAINT stock_move_product_fkey FOREIGN KEY (product) REFERENCES product_product (id) ON DELETE SET NULL,
    CONSTRAINT stock_move_unit_fkey FOREIGN KEY (unit) REFERENCES product_uom (id) ON DELETE SET NULL,
    CONSTRAINT stock_move_from_location_fkey FOREIGN KEY (from_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_move_to_location_fkey FOREIGN KEY (to_location) REFERENCES stock_location (id) ON DELETE SET NULL,
    CONSTRAINT stock_move_company_fkey FOREIGN KEY (company) REFERENCES company_company (id) ON DELETE SET NULL,
    CONSTRAINT stock_move_lot_fkey FOREIGN KEY (lot) REFERENCES stock_lot (id) ON DELETE RESTRICT,
    CONSTRAINT stock_move_production_input_fkey FOREIGN KEY (production_input) REFERENCES production (id) ON DELETE CASCADE,
    CONSTRAINT stock_move_production_output_fkey FOREIGN KEY (production_output) REFERENCES production (id) ON DELETE CASCADE);

COMMENT ON TABLE stock_move IS 'Stock Move';
COMMENT ON TABLE stock_lot IS 'Stock Lot';
COMMENT ON TABLE stock_location IS 'Stock Location';
COMMENT ON TABLE product_template IS 'Product Template';
COMMENT ON TABLE product_product IS 'Product Variant';
COMMENT ON TABLE product_uom IS 'Unit of Measure';
COMMENT ON TABLE product_uom_category IS 'Unit of Measure Category';
COMMENT ON TABLE production IS 'Production';
COMMENT ON TABLE company_company IS 'Company';

-- Tryton's base data (stock/location.xml, product/uom.xml) and a company.
INSERT INTO company_company (id) VALUES (1);
INSERT INTO product_uom_category (id, name) VALUES (1, 'Units'), (2, 'Weight');
INSERT INTO product_uom (id, name, symbol, category, rate, factor, rounding, digits, active) VALUES
  (1, 'Unit', 'u', 1, 1, 1, 1, 0, true),
  (2, 'Kilogram', 'kg', 2, 1, 1, 0.01, 2, true),
  (3, 'Gram', 'g', 2, 1000, 0.001, 1, 0, true);
INSERT INTO stock_location (id, name, code, type, parent, "left", "right", active) VALUES
  (1, 'Warehouse', 'WH', 'warehouse', NULL, 1, 12, true),
  (2, 'Input Zone', 'IN', 'storage', 1, 2, 3, true),
  (3, 'Output Zone', 'OUT', 'storage', 1, 4, 5, true),
  (4, 'Storage Zone', 'STO', 'storage', 1, 6, 9, true),
  (5, 'Lost and Found', NULL, 'lost_found', NULL, 13, 14, true),
  (6, 'Supplier', 'SUP', 'supplier', NULL, 15, 16, true),
  (7, 'Customer', 'CUS', 'customer', NULL, 17, 18, true),
  (8, 'Transit', NULL, 'storage', NULL, 19, 20, true),
  (9, 'Production', 'PROD', 'production', 1, 10, 11, true),
  (10, 'Cold Room', 'COLD', 'storage', 4, 7, 8, true);
UPDATE stock_location SET input_location = 2, output_location = 3, storage_location = 4,
       lost_found_location = 5, production_location = 9 WHERE id = 1;
SELECT setval('company_company_id_seq', 1), setval('product_uom_category_id_seq', 2),
       setval('product_uom_id_seq', 3), setval('stock_location_id_seq', 10);
