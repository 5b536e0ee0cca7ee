-- The database sqlsmith fuzzes (test/fuzz/run-sqlsmith.sh): lottrace with an
-- attached ERP table, the documented roles (docs/lottrace-roles.sql, run as
-- it is), and about 320 movements that leave lots, serials, stock in several
-- warehouses, production genealogy, status changes and a manual link behind.
-- Run as a superuser with psql -v smith=ROLE grants=ROLES; the movements are
-- posted as that login role, as an ERP application would.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION lottrace;

-- the ERP schema and its owner, as docs/lottrace-roles.sql expects them
CREATE ROLE erp_owner NOLOGIN;
CREATE SCHEMA erp AUTHORIZATION erp_owner;
CREATE TABLE erp.stock_moves (
    id           bigserial PRIMARY KEY,
    posted_on    date NOT NULL,
    warehouse    text NOT NULL,
    item         text NOT NULL,
    lot          text,
    serial       text,
    qty          numeric(12,3) NOT NULL,
    reason       text NOT NULL,
    document     text,
    partner      text,
    prod_order   text,
    supplier_lot text,
    best_before  date
);
CREATE INDEX ON erp.stock_moves (item, lot);
ALTER TABLE erp.stock_moves OWNER TO erp_owner;
\ir ../../docs/lottrace-roles.sql

CREATE ROLE :"smith" LOGIN;
GRANT :grants TO :"smith";
-- every query is a statement of its own; none may hold the fuzz up
ALTER ROLE :"smith" SET statement_timeout = '2s';
ALTER ROLE :"smith" SET lock_timeout = '1s';
ALTER ROLE :"smith" SET idle_in_transaction_session_timeout = '10s';

-- configuration (the administrator's part)
INSERT INTO lottrace.code_type (code, kind, description, format) VALUES
  ('MILK',   'lot',    'raw milk: day + counter per day', 'M{YY}{DDD}-{SEQ:3|YYYY,DDD}'),
  ('CHEESE', 'lot',    'cheese: year/month + counter per year', 'CH{YY}{MM}-{SEQ:4|YYYY}'),
  ('SUPLOT', 'lot',    'the supplier''s lot code', '{SUPLOT}'),
  ('SCALE',  'serial', 'scales: 9 + counter + check digit', '9{SEQ:6}{CHK}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days, expiry_rule, pick_policy, block_days, warn_days) VALUES
  ('MILK',    true, 'MILK',   60,  'exact',     'fifo', 0, 2),
  ('CULTURE', true, 'SUPLOT', 365, 'exact',     'fefo', 0, 30),
  ('CHEESE',  true, 'CHEESE', 90,  'month_end', 'fefo', 7, 20);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('SCALE', true, 'SCALE');
INSERT INTO lottrace.item (item) VALUES ('BOX');
INSERT INTO lottrace.reason (code, direction, description, production, allow_unavailable, create_serials) VALUES
  ('RECEIPT',  'load',   'goods received',        NULL,     false, true),
  ('SALE',     'unload', 'shipment',              NULL,     false, false),
  ('PROD-IN',  'unload', 'consumed by an order',  'input',  false, false),
  ('PROD-OUT', 'load',   'made by an order',      'output', false, false),
  ('SCRAP',    'unload', 'scrapped',              NULL,     true,  false),
  ('MOVE-OUT', 'unload', 'transfer out',          NULL,     false, false),
  ('MOVE-IN',  'load',   'transfer in',           NULL,     false, false);

SET ROLE erp_owner;
SELECT lottrace.attach('erp.stock_moves',
         item => 'item', qty => 'qty', warehouse => 'warehouse', lot => 'lot',
         serial => 'serial', reason => 'reason', doc => 'document', moved_on => 'posted_on',
         account => 'partner', batch_key => 'prod_order', supplier_lot => 'supplier_lot',
         expiry => 'best_before') \gset
RESET ROLE;

-- movements, posted by the ERP application's role
SET ROLE :"smith";
-- 40 milk receipts (codes generated), 10 culture receipts (supplier lots),
-- 30 scales (serials generated), 20 untracked receipts
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner)
SELECT date '2026-11-01' + n / 4, 'COLD', 'MILK', 1000, 'RECEIPT', 'GRN-M' || n, 'FARM-' || n % 7
  FROM generate_series(1, 40) n;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner, supplier_lot, best_before)
SELECT date '2026-11-01', 'DRY', 'CULTURE', 10, 'RECEIPT', 'GRN-C' || n, 'CULTURES-SA',
       'CS-2611-' || n, date '2027-06-01' + n
  FROM generate_series(1, 10) n;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner)
SELECT date '2026-11-02', 'EQUIP', 'SCALE', 1, 'RECEIPT', 'GRN-S' || n / 10, 'SCALES-GMBH'
  FROM generate_series(1, 30) n;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document)
SELECT date '2026-11-02' + n, 'DRY', 'BOX', 100, 'RECEIPT', 'GRN-B' || n
  FROM generate_series(1, 20) n;

-- 20 production orders: two milk lots and a culture in, a cheese lot out
CREATE TEMP TABLE milk AS
  SELECT row_number() OVER (ORDER BY id) AS n, lot FROM erp.stock_moves WHERE item = 'MILK';
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, prod_order)
SELECT date '2026-11-12' + k / 4, wh, item, lot, qty, 'PROD-IN', 'PO-' || k, 'PO-' || k
  FROM generate_series(1, 20) k,
       LATERAL (SELECT 'COLD', 'MILK', m.lot, 600 FROM milk m WHERE m.n = k
                UNION ALL
                SELECT 'COLD', 'MILK', m.lot, 300 FROM milk m WHERE m.n = k + 20
                UNION ALL
                SELECT 'DRY', 'CULTURE', 'CS-2611-' || (k % 10 + 1), 0.4) AS i(wh, item, lot, qty)
 ORDER BY k;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, prod_order)
SELECT date '2026-11-13' + k / 4, 'CELLAR', 'CHEESE', 100, 'PROD-OUT', 'PO-' || k, 'PO-' || k
  FROM generate_series(1, 20) k;

-- sales: two per cheese lot, 15 scales, the rest of 40 milk lots, boxes
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT date '2026-11-20', 'CELLAR', 'CHEESE', l.lot, 20, 'SALE', 'INV-' || l.id || '-' || s, 'SHOP-' || s
  FROM (SELECT id, lot FROM erp.stock_moves WHERE reason = 'PROD-OUT') l, generate_series(1, 2) s;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, serial, qty, reason, document, partner)
SELECT date '2026-11-21', 'EQUIP', 'SCALE', serial, 1, 'SALE', 'INV-S' || id, 'DELI-' || id % 3
  FROM erp.stock_moves WHERE item = 'SCALE' AND id % 2 = 0;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT date '2026-11-21', 'COLD', 'MILK', lot, 50, 'SALE', 'INV-M' || n, 'DAIRY-' || n % 4
  FROM milk m;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document)
SELECT date '2026-11-22', 'DRY', 'BOX', 30, 'SALE', 'INV-B' || n
  FROM generate_series(1, 20) n;
-- transfers of ten cheese lots to the shop
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document)
SELECT date '2026-11-22', t.wh, 'CHEESE', l.lot, 10, t.reason, 'TR-' || l.id
  FROM (SELECT id, lot FROM erp.stock_moves WHERE reason = 'PROD-OUT' ORDER BY id LIMIT 10) l,
       (VALUES ('SHOP', 'MOVE-IN'), ('CELLAR', 'MOVE-OUT')) AS t(wh, reason);
RESET ROLE;
DROP TABLE milk;

-- the quality manager's part: statuses, a manual link, the expiry job
SELECT lottrace.set_lot_status('CHEESE', lot, 'BLOCKED', 'recall drill')
  FROM erp.stock_moves WHERE reason = 'PROD-OUT' ORDER BY id LIMIT 3;
SELECT lottrace.set_lot_status('MILK', lot, 'QUARANTINE', 'lab sample')
  FROM erp.stock_moves WHERE item = 'MILK' AND reason = 'RECEIPT' ORDER BY id DESC LIMIT 2;
SELECT lottrace.link_lots('CULTURE', 'CS-2611-1', 'CHEESE', min(lot), 0.1)
  FROM erp.stock_moves WHERE reason = 'PROD-OUT';
SELECT count(*) FROM lottrace.refresh_expiry('2026-11-25');

ANALYZE;
SELECT (SELECT count(*) FROM erp.stock_moves) AS movements,
       (SELECT count(*) FROM lottrace.lot) AS lots,
       (SELECT count(*) FROM lottrace.serial) AS serials,
       (SELECT count(*) FROM lottrace.genealogy) AS genealogy_links,
       (SELECT count(*) FROM lottrace.verify()) AS disagreements;
