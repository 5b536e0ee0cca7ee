-- Replica of Dolibarr 20's stock tables as Dolibarr's PostgreSQL install
-- creates them, in the schema "erp" (test/shell/erp_recipes.sh).
--
-- Read from the public source of github:Dolibarr/dolibarr:
--   htdocs/install/mysql/tables/llx_const.sql
--   htdocs/install/mysql/tables/llx_entrepot.sql, llx_entrepot.key.sql
--   htdocs/install/mysql/tables/llx_product.sql, llx_product.key.sql
--   htdocs/install/mysql/tables/llx_product_lot.sql, llx_product_lot.key.sql
--   htdocs/install/mysql/tables/llx_product_stock.sql, llx_product_stock.key.sql
--   htdocs/install/mysql/tables/llx_product_batch.sql, llx_product_batch.key.sql
--   htdocs/install/mysql/tables/llx_stock_mouvement.sql, llx_stock_mouvement.key.sql
--   htdocs/install/mysql/tables/llx_reception.sql, llx_receptiondet_batch.sql
--   htdocs/install/mysql/tables/llx_expedition.sql, llx_expeditiondet.sql,
--     llx_expeditiondet_batch.sql (and their .key.sql)
--   htdocs/install/mysql/tables/llx_mrp_mo.sql, llx_mrp_production.sql,
--     llx_mrp_production.key.sql
--   htdocs/core/db/pgsql.class.php (convertSQLFromMysql: the type mapping of
--     the install on PostgreSQL: integer AUTO_INCREMENT -> serial, tinyint ->
--     smallint, datetime -> timestamp, double -> double precision,
--     double(24,8) -> numeric(24,8), real stays real, ON UPDATE
--     CURRENT_TIMESTAMP dropped; ADD UNIQUE INDEX -> CREATE UNIQUE INDEX)
--   htdocs/product/stock/class/mouvementstock.class.php (how rows are written)
--   htdocs/product/class/product.class.php (tobatch, read as status_batch:
--     0 no lot, 1 lot, 2 serial number)
--   htdocs/product/stock/class/entrepot.class.php (statut: 0 closed,
--     1 open, 2 open for internal moves only)
-- Only the columns the workflow uses are kept, each with its type, NOT NULL
-- and default as the install creates it; the keys and foreign keys are the
-- ones of the .key.sql files.  Dolibarr keeps its tables in one schema with
-- the prefix llx_.
CREATE SCHEMA erp;
SET search_path = erp;

-- Settings (Setup > Modules > Stock writes STOCK_ALLOW_NEGATIVE_TRANSFER here).
CREATE TABLE llx_const (
  rowid   serial PRIMARY KEY,
  name    varchar(180) NOT NULL,
  entity  integer DEFAULT 1 NOT NULL,
  value   text NOT NULL,
  type    varchar(64) DEFAULT 'string',
  visible smallint DEFAULT 1 NOT NULL,
  note    text,
  tms     timestamp DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX uk_mt_const_name ON llx_const (name, entity);

CREATE TABLE llx_entrepot (
  rowid          serial PRIMARY KEY,
  ref            varchar(255) NOT NULL,
  datec          timestamp,
  tms            timestamp DEFAULT CURRENT_TIMESTAMP,
  entity         integer DEFAULT 1 NOT NULL,
  description    text,
  lieu           varchar(64),
  statut         smallint DEFAULT 1,          -- 0 closed, 1 open, 2 open for internal moves
  fk_user_author integer,
  fk_parent      integer DEFAULT 0
);
CREATE UNIQUE INDEX uk_entrepot_label ON llx_entrepot (ref, entity);

CREATE TABLE llx_product (
  rowid                    serial PRIMARY KEY,
  ref                      varchar(128) NOT NULL,
  entity                   integer DEFAULT 1 NOT NULL,
  datec                    timestamp,
  tms                      timestamp DEFAULT CURRENT_TIMESTAMP,
  label                    varchar(255) NOT NULL,
  tosell                   smallint DEFAULT 1,
  tobuy                    smallint DEFAULT 1,
  tobatch                  smallint DEFAULT 0 NOT NULL,   -- 0 none, 1 lot, 2 serial
  sell_or_eat_by_mandatory smallint DEFAULT 0 NOT NULL,
  batch_mask               varchar(32) DEFAULT NULL,
  fk_product_type          integer DEFAULT 0,             -- 0 product, 1 service
  stock                    real,
  pmp                      numeric(24,8) DEFAULT 0 NOT NULL,
  fk_unit                  integer DEFAULT NULL
);
CREATE UNIQUE INDEX uk_product_ref ON llx_product (ref, entity);

CREATE TABLE llx_product_lot (
  rowid              serial PRIMARY KEY,
  entity             integer DEFAULT 1,
  fk_product         integer NOT NULL,
  batch              varchar(128) DEFAULT NULL,
  note_public        text DEFAULT NULL,
  note_private       text DEFAULT NULL,
  eatby              date DEFAULT NULL,
  sellby             date DEFAULT NULL,
  eol_date           timestamp NULL,
  manufacturing_date timestamp NULL,
  scrapping_date     timestamp NULL,
  datec              timestamp,
  tms                timestamp DEFAULT CURRENT_TIMESTAMP,
  fk_user_creat      integer,
  fk_user_modif      integer,
  import_key         integer
);
CREATE UNIQUE INDEX uk_product_lot ON llx_product_lot (fk_product, batch);

CREATE TABLE llx_product_stock (
  rowid       serial PRIMARY KEY,
  tms         timestamp DEFAULT CURRENT_TIMESTAMP,
  fk_product  integer NOT NULL,
  fk_entrepot integer NOT NULL,
  reel        real,
  pmp         numeric(24,8) DEFAULT 0 NOT NULL,
  import_key  varchar(14)
);
CREATE INDEX idx_product_stock_fk_product ON llx_product_stock (fk_product);
CREATE INDEX idx_product_stock_fk_entrepot ON llx_product_stock (fk_entrepot);
CREATE UNIQUE INDEX uk_product_stock ON llx_product_stock (fk_product, fk_entrepot);
ALTER TABLE llx_product_stock ADD CONSTRAINT fk_product_product_rowid
  FOREIGN KEY (fk_product) REFERENCES llx_product (rowid);
ALTER TABLE llx_product_stock ADD CONSTRAINT fk_entrepot_entrepot_rowid
  FOREIGN KEY (fk_entrepot) REFERENCES llx_entrepot (rowid);

-- Dolibarr's own per-lot (or per-serial) per-warehouse quantity.
CREATE TABLE llx_product_batch (
  rowid            serial PRIMARY KEY,
  tms              timestamp DEFAULT CURRENT_TIMESTAMP,
  fk_product_stock integer NOT NULL,
  eatby            timestamp DEFAULT NULL,
  sellby           timestamp DEFAULT NULL,
  batch            varchar(128) NOT NULL,
  qty              double precision NOT NULL DEFAULT 0,
  import_key       varchar(14) DEFAULT NULL
);
CREATE INDEX idx_fk_product_stock ON llx_product_batch (fk_product_stock);
CREATE INDEX idx_batch ON llx_product_batch (batch);
ALTER TABLE llx_product_batch ADD CONSTRAINT fk_product_batch_fk_product_stock
  FOREIGN KEY (fk_product_stock) REFERENCES llx_product_stock (rowid);
CREATE UNIQUE INDEX uk_product_batch ON llx_product_batch (fk_product_stock, batch);

-- The movement ledger: one row per product, lot (or serial) and warehouse;
-- value is signed (+ into fk_entrepot, - out of it).
CREATE TABLE llx_stock_mouvement (
  rowid          serial PRIMARY KEY,
  tms            timestamp DEFAULT CURRENT_TIMESTAMP,
  datem          timestamp,
  fk_product     integer NOT NULL,
  batch          varchar(128) DEFAULT NULL,
  eatby          date DEFAULT NULL,
  sellby         date DEFAULT NULL,
  fk_entrepot    integer NOT NULL,
  value          real,
  price          numeric(24,8) DEFAULT 0,
  type_mouvement smallint,            -- 0 manual input, 1 manual output, 2 output, 3 input
  fk_user_author integer,
  label          varchar(255),
  inventorycode  varchar(128),
  fk_project     integer,
  fk_origin      integer,
  origintype     varchar(32),
  model_pdf      varchar(255),
  fk_projet      integer NOT NULL DEFAULT 0
);
CREATE INDEX idx_stock_mouvement_fk_product ON llx_stock_mouvement (fk_product);
CREATE INDEX idx_stock_mouvement_fk_entrepot ON llx_stock_mouvement (fk_entrepot);

-- Receptions (supplier side): lines are prepared in draft, stock moves at validation.
CREATE TABLE llx_reception (
  rowid          serial PRIMARY KEY,
  tms            timestamp DEFAULT CURRENT_TIMESTAMP,
  ref            varchar(30) NOT NULL,
  entity         integer DEFAULT 1 NOT NULL,
  fk_soc         integer NOT NULL,
  ref_supplier   varchar(255),
  date_creation  timestamp,
  fk_user_author integer,
  date_valid     timestamp,
  fk_user_valid  integer,
  fk_statut      smallint DEFAULT 0    -- 0 draft, 1 validated, 2 closed
);
CREATE UNIQUE INDEX idx_reception_uk_ref ON llx_reception (ref, entity);

CREATE TABLE llx_receptiondet_batch (
  rowid         serial PRIMARY KEY,
  fk_reception  integer DEFAULT NULL,
  fk_element    integer,
  fk_elementdet integer,
  element_type  varchar(50) DEFAULT 'supplier_order' NOT NULL,
  fk_product    integer,
  qty           double precision,
  fk_entrepot   integer,
  comment       varchar(255),
  batch         varchar(128) DEFAULT NULL,
  eatby         date DEFAULT NULL,
  sellby        date DEFAULT NULL,
  status        integer,
  fk_user       integer,
  datec         timestamp,
  tms           timestamp DEFAULT CURRENT_TIMESTAMP,
  cost_price    numeric(24,8) DEFAULT 0
);
ALTER TABLE llx_receptiondet_batch ADD CONSTRAINT fk_receptiondet_batch_fk_reception
  FOREIGN KEY (fk_reception) REFERENCES llx_reception (rowid);

-- Shipments (customer side): a draft shipment names the lots it will take,
-- stock moves at validation.
CREATE TABLE llx_expedition (
  rowid          serial PRIMARY KEY,
  tms            timestamp DEFAULT CURRENT_TIMESTAMP,
  ref            varchar(30) NOT NULL,
  entity         integer DEFAULT 1 NOT NULL,
  fk_soc         integer NOT NULL,
  date_creation  timestamp,
  fk_user_author integer,
  date_valid     timestamp,
  fk_user_valid  integer,
  fk_statut      smallint DEFAULT 0    -- 0 draft, 1 validated, 2 closed
);
CREATE UNIQUE INDEX idx_expedition_uk_ref ON llx_expedition (ref, entity);

CREATE TABLE llx_expeditiondet (
  rowid         serial PRIMARY KEY,
  fk_expedition integer NOT NULL,
  fk_element    integer,
  fk_elementdet integer,
  element_type  varchar(50) DEFAULT 'commande' NOT NULL,
  fk_product    integer,
  qty           real,
  fk_entrepot   integer,
  rang          integer DEFAULT 0
);
ALTER TABLE llx_expeditiondet ADD CONSTRAINT fk_expeditiondet_fk_expedition
  FOREIGN KEY (fk_expedition) REFERENCES llx_expedition (rowid);

CREATE TABLE llx_expeditiondet_batch (
  rowid            serial PRIMARY KEY,
  fk_expeditiondet integer NOT NULL,
  eatby            date DEFAULT NULL,
  sellby           date DEFAULT NULL,
  batch            varchar(128) DEFAULT NULL,
  qty              double precision NOT NULL DEFAULT '0',
  fk_origin_stock  integer NOT NULL
);
ALTER TABLE llx_expeditiondet_batch ADD CONSTRAINT fk_expeditiondet_batch_fk_expeditiondet
  FOREIGN KEY (fk_expeditiondet) REFERENCES llx_expeditiondet (rowid);

-- Manufacturing orders and their lines.
CREATE TABLE llx_mrp_mo (
  rowid         serial PRIMARY KEY NOT NULL,
  entity        integer DEFAULT 1 NOT NULL,
  ref           varchar(128) DEFAULT '(PROV)' NOT NULL,
  mrptype       integer DEFAULT 0,     -- 0 manufacture, 1 disassemble
  label         varchar(255),
  qty           real NOT NULL,
  fk_warehouse  integer,
  date_creation timestamp NOT NULL,
  date_valid    timestamp NULL,
  tms           timestamp DEFAULT CURRENT_TIMESTAMP,
  fk_user_creat integer NOT NULL,
  fk_user_valid integer,
  status        integer NOT NULL,      -- 0 draft, 1 validated, 2 in progress, 3 produced, 9 cancelled
  fk_product    integer NOT NULL
);
CREATE UNIQUE INDEX uk_mrp_mo_ref ON llx_mrp_mo (ref, entity);

CREATE TABLE llx_mrp_production (
  rowid                serial PRIMARY KEY NOT NULL,
  fk_mo                integer NOT NULL,
  position             integer NOT NULL DEFAULT 0,
  fk_product           integer NOT NULL,
  fk_warehouse         integer,
  qty                  real NOT NULL DEFAULT 1,
  qty_frozen           smallint DEFAULT 0,
  disable_stock_change smallint DEFAULT 0,
  batch                varchar(128),
  role                 varchar(10),   -- toconsume, toproduce; consumed, produced
  fk_mrp_production    integer,
  fk_stock_movement    integer,
  date_creation        timestamp NOT NULL,
  tms                  timestamp DEFAULT CURRENT_TIMESTAMP,
  fk_user_creat        integer NOT NULL
);
ALTER TABLE llx_mrp_production ADD CONSTRAINT fk_mrp_production_mo
  FOREIGN KEY (fk_mo) REFERENCES llx_mrp_mo (rowid);
ALTER TABLE llx_mrp_production ADD CONSTRAINT fk_mrp_production_product
  FOREIGN KEY (fk_product) REFERENCES llx_product (rowid);
ALTER TABLE llx_mrp_production ADD CONSTRAINT fk_mrp_production_stock_movement
  FOREIGN KEY (fk_stock_movement) REFERENCES llx_stock_mouvement (rowid);
CREATE INDEX idx_mrp_production_fk_mo ON llx_mrp_production (fk_mo);

RESET search_path;
