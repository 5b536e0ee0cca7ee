-- lottrace demo: a small dairy's stock movements, governed inside PostgreSQL.
-- Run by `make demo` (demo/run-demo.sh) on a throwaway cluster.
\set QUIET on
\pset footer off
\pset null '-'
\set ECHO none
SET client_min_messages = warning;

\echo '== 1. Lot codes, serial codes and code formats are types ====================='
CREATE EXTENSION lottrace;
\echo
\echo 'Lot codes sort naturally (L2 before L10), take what ERPs write (spaces, accents),'
\echo 'and refuse control and invisible characters:'
\set ECHO queries
SELECT array_agg(c ORDER BY c) AS natural_order
  FROM unnest(ARRAY['L10', 'L2', 'L1', 'A10', 'A2', 'LOT 7/26', 'Café-01']::lottrace.lotcode[]) AS c;
\set ECHO none
\set ON_ERROR_STOP 0
\set ECHO queries
SELECT E'L\t7'::lottrace.lotcode;
\set ECHO none
\set ON_ERROR_STOP 1
\echo
\echo 'A code format renders codes from a context and a counter, and checks typed codes:'
\set ECHO queries
SELECT lottrace.render('{ITEM}-{YY}{MM}-{SEQ:4}', '{"item": "CHEESE", "start_date": "2026-11-22"}', 7) AS rendered,
       lottrace.matches('CHEESE-2611-0007', '{ITEM}-{YY}{MM}-{SEQ:4}') AS typed_code_ok,
       lottrace.matches('CHEESE-2613-0007', '{ITEM}-{YY}{MM}-{SEQ:4}') AS month_13_ok;
\set ECHO none

\echo
\echo '== 2. Configuration: code types, items, movement reasons ===================='
INSERT INTO lottrace.code_type (code, kind, description, format) VALUES
  ('MILK',   'lot',    'raw milk: farm code + day + counter per day', 'M{YY}{DDD}-{SEQ:3|YYYY,DDD}'),
  ('CHEESE', 'lot',    'cheese batches: year/month + counter per year', 'CH{YY}{MM}-{SEQ:4|YYYY}'),
  ('SUPLOT', 'lot',    'keep the supplier''s lot code', '{SUPLOT}'),
  ('SCALE',  'serial', 'weighing scales: 9 + counter + GS1 check digit', '9{SEQ:6}{CHK}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, initial_status, lot_validity_days, expiry_rule, pick_policy, block_days, warn_days) VALUES
  ('MILK',    true, 'MILK',   'QUARANTINE', 5,   'exact',     'fifo', 0, 2),
  ('CULTURE', true, 'SUPLOT', NULL,         365, 'exact',     'fefo', 0, 30),
  ('CHEESE',  true, 'CHEESE', NULL,         90,  'month_end', 'fefo', 7, 20);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('SCALE', true, 'SCALE');
INSERT INTO lottrace.reason (code, direction, description, production, requires_doc, requires_account, allow_unavailable, create_serials) VALUES
  ('RECEIPT',  'load',   'goods received from a supplier', NULL,     true,  true,  false, true),
  ('SALE',     'unload', 'shipment to a customer',        NULL,     true,  true,  false, false),
  ('PROD-IN',  'unload', 'consumed by a production order', 'input', true,  false, false, false),
  ('PROD-OUT', 'load',   'made by a production order',    'output', true,  false, false, false),
  ('SCRAP',    'unload', 'scrapped (even when blocked)',  NULL,     false, false, true,  false),
  ('MOVE-OUT', 'unload', 'transfer: leaves a warehouse',  NULL,     true,  false, false, false),
  ('MOVE-IN',  'load',   'transfer: enters a warehouse',  NULL,     true,  false, false, false);
\set ECHO queries
SELECT item, lot_tracked AS lots, serial_tracked AS serials, lot_code_type, initial_status, lot_validity_days AS shelf_life
  FROM lottrace.item ORDER BY item;
\set ECHO none

\echo
\echo '== 3. The ERP''s own stock-movement table, attached ============================'
CREATE SCHEMA erp;
CREATE TABLE erp.stock_moves (
    id         bigserial PRIMARY KEY,
    posted_on  date NOT NULL,
    warehouse  text NOT NULL,
    item       text NOT NULL,
    lot        text,
    serial     text,
    qty        numeric(12,3) NOT NULL,
    reason     text NOT NULL,
    document   text,
    partner    text,
    prod_order text,
    supplier_lot text,
    best_before date
);
\set ECHO queries
SELECT lottrace.attach('erp.stock_moves',
         item => 'item', qty => 'qty', warehouse => 'warehouse', lot => 'lot',
         serial => 'serial', reason => 'reason', doc => 'document', moved_on => 'posted_on',
         account => 'partner', batch_key => 'prod_order', supplier_lot => 'supplier_lot',
         expiry => 'best_before');
\set ECHO none
\echo 'From now on every INSERT, UPDATE, DELETE and COPY on erp.stock_moves is checked and'
\echo 'reflected in the registers, whatever client writes it.'

\echo
\echo '== 4. Goods received: lot codes are generated and written into the rows ======'
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner, supplier_lot) VALUES
  ('2026-11-16', 'COLD', 'MILK',    1200, 'RECEIPT', 'GRN-101', 'FARM-ROSSI',  NULL),
  ('2026-11-16', 'COLD', 'MILK',     800, 'RECEIPT', 'GRN-102', 'FARM-POPESCU', NULL),
  ('2026-11-16', 'DRY',  'CULTURE',    5, 'RECEIPT', 'GRN-103', 'CULTURES-SA', 'CS-2611-A')
RETURNING id, item, lot, qty;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner)
SELECT '2026-11-16', 'EQUIP', 'SCALE', 1, 'RECEIPT', 'GRN-104', 'SCALES-GMBH' FROM generate_series(1, 3)
RETURNING id, item, serial;
\set ECHO none

\echo
\echo '== 5. Milk starts in quarantine: production may not use it yet ==============='
\set ON_ERROR_STOP 0
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, prod_order)
VALUES ('2026-11-17', 'COLD', 'MILK', 'M26320-001', 1000, 'PROD-IN', 'PO-7', 'PO-7');
\set ECHO none
\set ON_ERROR_STOP 1
\echo
\echo 'The lab releases both milk lots (the change is logged with who, when and why):'
\set ECHO queries
SELECT lottrace.set_lot_status('MILK', code, 'AVAILABLE', 'lab analysis OK, report LAB-55')
  FROM lottrace.lot WHERE item = 'MILK';
SELECT lot_id, old_status, new_status, changed_by, note FROM lottrace.lot_status_log ORDER BY log_id;
\set ECHO none

\echo
\echo '== 6. Production: milk and culture in, cheese out (same production order) ====='
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, prod_order) VALUES
  ('2026-11-17', 'COLD', 'MILK',    'M26320-001', 1000, 'PROD-IN', 'PO-7', 'PO-7'),
  ('2026-11-17', 'COLD', 'MILK',    'M26320-002',  600, 'PROD-IN', 'PO-7', 'PO-7'),
  ('2026-11-17', 'DRY',  'CULTURE', 'CS-2611-A',     2, 'PROD-IN', 'PO-7', 'PO-7');
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, prod_order)
VALUES ('2026-11-18', 'CELLAR', 'CHEESE', 160, 'PROD-OUT', 'PO-7', 'PO-7')
RETURNING id, item, lot, qty;
SELECT p.item AS from_item, p.code AS from_lot, g.qty AS consumed, c.item AS into_item, c.code AS into_lot
  FROM lottrace.genealogy g
  JOIN lottrace.lot p ON p.lot_id = g.parent_lot_id
  JOIN lottrace.lot c ON c.lot_id = g.child_lot_id
 ORDER BY 1, 2;
\set ECHO none

\echo
\echo '== 7. Shipments, and a transfer written as one statement ===================='
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT '2026-11-19', 'CELLAR', 'CHEESE', lot, q, 'SALE', doc, customer
  FROM (SELECT lot FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT') l,
       (VALUES (40, 'INV-900', 'SHOP-CENTRAL'), (25, 'INV-901', 'DELI-NORD')) AS s(q, doc, customer);
INSERT INTO erp.stock_moves (posted_on, warehouse, item, serial, qty, reason, document, partner)
SELECT '2026-11-19', 'EQUIP', 'SCALE', serial, 1, 'SALE', 'INV-902', 'DELI-NORD'
  FROM erp.stock_moves WHERE item = 'SCALE' ORDER BY id LIMIT 1;
\set ECHO none
\echo
\echo 'A transfer is an unload plus a load in one statement; row order does not matter:'
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document)
SELECT '2026-11-19', wh, 'CHEESE', lot, 30, reason, 'TR-12'
  FROM (SELECT lot FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT') l,
       (VALUES ('SHOP', 'MOVE-IN'), ('CELLAR', 'MOVE-OUT')) AS t(wh, reason);
\set ECHO none
\echo
\echo 'Shipping more than is on hand is refused, naming item, lot, warehouse and row:'
\set ON_ERROR_STOP 0
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT '2026-11-20', 'CELLAR', 'CHEESE', lot, 500, 'SALE', 'INV-903', 'SHOP-CENTRAL'
  FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT';
\set ECHO none
\set ON_ERROR_STOP 1

\echo
\echo '== 8. A scanner reads a GS1 label; its lot and expiry go straight into a row ==='
\set ECHO queries
SELECT * FROM lottrace.gs1_parse(E']d2010950600013435217270228\u001d10CS-2611-B');
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner,
                             supplier_lot, best_before)
SELECT '2026-11-20', 'DRY', 'CULTURE', 3, 'RECEIPT', 'GRN-105', 'CULTURES-SA',
       lottrace.gs1_lot(scan), lottrace.gs1_expiry(scan)
  FROM (VALUES (E']d2010950600013435217270228\u001d10CS-2611-B')) AS s(scan)
RETURNING id, item, lot, supplier_lot, best_before;
\set ECHO none

\echo
\echo '== 9. The registers ========================================================='
\set ECHO queries
SELECT item, lot, status, start_date, expiry_date, initial_qty, loaded_qty, on_hand, available_qty, is_open
  FROM lottrace.lot_register ORDER BY item, lot;
SELECT item, lot, warehouse, loaded_qty, on_hand, available_qty FROM lottrace.lot_stock ORDER BY item, lot, warehouse;
SELECT item, serial, state, warehouse, load_doc, loaded_on, unload_doc, unloaded_on
  FROM lottrace.serial_register ORDER BY serial;
\set ECHO none
\echo
\echo 'Reporting tools connect without lottrace on the search_path; codes still work in'
\echo 'plain SQL: || gives text, and a text parameter (what JDBC setString and psycopg send)'
\echo 'compares in natural order and uses the index:'
SET search_path = "$user", public;
\set ECHO queries
SELECT string_agg(lot || ' @ ' || warehouse || ' = ' || on_hand, ', ' ORDER BY lot) AS labels
  FROM lottrace.lot_stock WHERE item = 'MILK';
PREPARE lot_by_code(text) AS SELECT item, lot, on_hand FROM lottrace.lot_register WHERE lot = $1;
EXECUTE lot_by_code('M26320-001');
SELECT 'L2'::lottrace.lotcode < 'L10'::text AS natural_order_against_text;
\set ECHO none
RESET search_path;
\echo
\echo 'The registers agree with the ERP table (verify() lists nothing):'
\set ECHO queries
SELECT count(*) AS disagreements FROM lottrace.verify();
\set ECHO none

\echo
\echo '== 10. Orders reserve stock ================================================'
\echo 'Order SO-77 reserves 50 cheese in the cellar; reserve_pick chooses the lots by'
\echo 'the item''s policy (fefo) among the stock still free, and reserves them at once:'
\set ECHO queries
SELECT lot, reserved_qty, expiry_date FROM lottrace.reserve_pick('CHEESE', 'CELLAR', 50, 'SO-77', note => 'deli chain, week 48');
SELECT item, lot, warehouse, on_hand, committed_qty, held_qty, available_qty
  FROM lottrace.lot_stock WHERE item = 'CHEESE' ORDER BY warehouse;
\set ECHO none
\echo
\echo 'A shipment for another order that would eat into the reserved stock is refused:'
\set ON_ERROR_STOP 0
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT '2026-11-20', 'CELLAR', 'CHEESE', lot, 20, 'SALE', 'SO-78', 'SHOP-CENTRAL'
  FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT';
\set ECHO none
\set ON_ERROR_STOP 1
\echo
\echo 'SO-77''s own shipment takes its reservation (it is consumed as it ships):'
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT '2026-11-20', 'CELLAR', 'CHEESE', lot, 20, 'SALE', 'SO-77', 'DELI-NORD'
  FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT';
SELECT doc, lot, warehouse, qty, consumed_qty, open_qty, state FROM lottrace.reservations;
\set ECHO none

\echo
\echo '== 11. A recall: farm Rossi reports a problem with its milk ================='
\echo 'Where did lot M26320-001 go, down to the customers? (one call, all levels)'
\set ECHO queries
SELECT * FROM lottrace.trace_forward('MILK', 'M26320-001');
SELECT * FROM lottrace.recall('MILK', 'M26320-001');
SELECT * FROM lottrace.mass_balance('CHEESE', 'CH2611-0001');
\set ECHO none
\echo
\echo 'What went into the cheese? (composition)'
\set ECHO queries
SELECT * FROM lottrace.trace_backward('CHEESE', 'CH2611-0001');
\set ECHO none
\echo
\echo 'Hold the milk, everything made from it and their serials, in one call. It'
\echo 'answers with the stock now held and the customers already reached:'
\set ECHO queries
SELECT recall_id, kind, item, lot, warehouse, qty, account, doc
  FROM lottrace.recall_hold('MILK', 'M26320-001', 'farm Rossi: suspect milk, case RC-1');
SELECT hold_id, item, lot, scope, reason, recall_id, placed_by FROM lottrace.holds WHERE active;
\set ECHO none
\echo
\echo 'Nothing of it may leave now, not even the order that reserved it:'
\set ON_ERROR_STOP 0
\set ECHO queries
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
SELECT '2026-11-21', 'CELLAR', 'CHEESE', lot, 5, 'SALE', 'SO-77', 'DELI-NORD'
  FROM erp.stock_moves WHERE item = 'CHEESE' AND reason = 'PROD-OUT';
\set ECHO none
\set ON_ERROR_STOP 1
\echo
\echo 'The lab finds the milk sound: releasing the recall lifts exactly its holds'
\echo '(both are in the audit trail, lottrace.hold_log):'
\set ECHO queries
SELECT lottrace.release_recall(1, 'lab report LAB-61: no contamination') AS holds_released;
SELECT h.hold_id, l.action, l.changed_by, l.note FROM lottrace.hold_log l JOIN lottrace.holds h USING (hold_id) ORDER BY l.log_id;
SELECT item, lot, warehouse, on_hand, committed_qty, held_qty, available_qty
  FROM lottrace.lot_stock WHERE item = 'CHEESE' ORDER BY warehouse;
SELECT item, lot, old_status, new_status, changed_by, note FROM lottrace.status_history ORDER BY log_id;
\set ECHO none
\echo
\echo 'The FSMA 204 spreadsheet for the authorities is one COPY away:'
\echo '  COPY (SELECT * FROM lottrace.trace_events(''MILK'', ''M26320-001'')) TO STDOUT WITH CSV HEADER'
\set ECHO queries
SELECT event_type, event_date, traceability_lot_code, product_description, quantity,
       location_description, immediate_subsequent_recipient, reference_document_number, relation
  FROM lottrace.trace_events('MILK', 'M26320-001');
\set ECHO none
\o :out/trace_events.csv
COPY (SELECT * FROM lottrace.trace_events('MILK', 'M26320-001')) TO STDOUT WITH CSV HEADER;
\o
\echo
\echo 'Each shipment carries its own FSMA 204 traceability record. With the parties and'
\echo 'places known (names, addresses, GLNs) and the item described:'
\set ECHO queries
-- a warehouse that names no place (lottrace.warehouse.place) is the place of its own code
INSERT INTO lottrace.party (code, kind, name, address, gln) VALUES
  ('CELLAR', 'place', 'Valley dairy, ripening cellar', 'Dairy Lane 1, Springfield', '9506000134369'),
  ('SHOP-CENTRAL', 'party', 'Central food shop', 'Market Square 3, Springfield', NULL);
UPDATE lottrace.item SET description = 'Mountain cheese, 5 kg wheel', uom = 'kg', gtin = '09506000134352' WHERE item = 'CHEESE';
UPDATE lottrace.reason SET document_type = 'invoice' WHERE code = 'SALE';
SELECT traceability_lot_code, tlc_source_name, quantity, unit_of_measure, product_description,
       ship_from_name, ship_to_name, ship_to_address, ship_date, reference_document_type, reference_document_number
  FROM lottrace.shipment_record('INV-900');
\set ECHO none
\o :out/shipment-INV-900.csv
COPY (SELECT * FROM lottrace.shipment_record('INV-900')) TO STDOUT WITH CSV HEADER;
\o
\echo 'As CSV, to send along: ' :out'/shipment-INV-900.csv'
\echo '  COPY (SELECT * FROM lottrace.shipment_record(''INV-900'')) TO STDOUT WITH CSV HEADER'
\echo
\echo 'The same traceability for customers and regulators who read GS1 EPCIS 2.0:'
\echo 'one JSON-LD document with every event of the milk, the cheese made of it and'
\echo 'the shipments (ObjectEvents, a TransformationEvent for the production order):'
\set ECHO queries
SELECT e ->> 'type' AS event, e ->> 'bizStep' AS biz_step, e ->> 'eventTime' AS at,
       coalesce(e #>> '{quantityList,0,epcClass}', e #>> '{outputQuantityList,0,epcClass}') AS what
  FROM jsonb_array_elements(lottrace.epcis_document('MILK', 'M26320-001') #> '{epcisBody,eventList}') e;
\set ECHO none
\t on
\pset format unaligned
\o :out/epcis.json
SELECT jsonb_pretty(lottrace.epcis_document('MILK', 'M26320-001'));
\o
\t off
\pset format aligned
\echo 'Written to' :out'/epcis.json'
\echo
\echo '== 12. The daily expiry job, and picking by first-expiry-first-out =========='
\echo 'Scheduled with pg_cron in production (docs/TRACEABILITY.md); run by hand here:'
\set ECHO queries
SELECT * FROM lottrace.refresh_expiry('2026-11-22');
SELECT * FROM lottrace.suggest_pick('CULTURE', 'DRY', 4);
\set ECHO none
\echo
\echo 'The genealogy picture (Graphviz DOT, rendered below to PNG):'
\t on
\pset format unaligned
\o :out/genealogy.dot
SELECT lottrace.trace_dot('CHEESE', 'CH2611-0001');
\o
\t off
\pset format aligned
\echo 'The FSMA 204 CSV is in' :out'/trace_events.csv'

\echo
\echo '== 13. An ERP''s own tables: Odoo 17 (erp/odoo17.sql) ======================='
\echo 'A second database holds a small replica of Odoo 17''s stock tables'
\echo '(test/erp/odoo17/replica.sql). The recipe attaches Odoo''s own stock_move_line:'
\echo 'a line counts once its state is ''done'', from location_id to location_dest_id,'
\echo 'its lot read through lot_id -> stock_lot.name.'
CREATE DATABASE odoo;
\connect odoo
SET client_min_messages = warning;
\o /dev/null
\ir ../test/erp/odoo17/replica.sql
CREATE EXTENSION lottrace;
INSERT INTO erp.product_template (id, name, type, detailed_type, tracking, uom_id, uom_po_id, active)
VALUES (1, '{"en_US": "Cheese wheel"}', 'product', 'product', 'lot', 1, 1, true);
INSERT INTO erp.product_product (id, product_tmpl_id, default_code, active) VALUES (11, 1, 'CHEESE', true);
\set schema erp
\ir ../erp/odoo17.sql
\o
SET client_min_messages = warning;
\set ECHO queries
SELECT item, lot_tracked, serial_tracked FROM lottrace.item;
SELECT code, kind, description FROM lottrace.warehouse WHERE code IN ('4', '5', '8') ORDER BY code;
\set ECHO none
\echo
\echo 'A receipt: Odoo writes the line while the picking is prepared, creates the lot,'
\echo 'and sets the line done on validation; only then does lottrace count it:'
\set ECHO queries
INSERT INTO erp.stock_lot (id, name, product_id, company_id) VALUES (1, 'CH-0001', 11, 1), (2, 'CH-0002', 11, 1);
INSERT INTO erp.stock_move_line (id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                 lot_id, date, location_id, location_dest_id, state, reference) VALUES
  (1, 1, 11, 1, 40, 40, 1, now(), 4, 8, 'assigned', 'WH/IN/00001'),
  (2, 1, 11, 1, 10, 10, 2, now(), 4, 8, 'assigned', 'WH/IN/00001');
SELECT count(*) AS lots_before_validation FROM lottrace.lot;
UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/IN/00001';
SELECT item, lot, warehouse, on_hand FROM lottrace.lot_stock ORDER BY lot;
\set ECHO none
\echo
\echo 'A delivery validated (WH/Stock -> Partners/Customers):'
\set ECHO queries
INSERT INTO erp.stock_move_line (id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                 lot_id, date, location_id, location_dest_id, state, reference)
VALUES (3, 1, 11, 1, 15, 15, 1, now(), 8, 5, 'assigned', 'WH/OUT/00001');
UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/OUT/00001';
SELECT item, lot, warehouse, on_hand FROM lottrace.lot_stock ORDER BY lot;
\set ECHO none
\echo
\echo 'Lot CH-0002 goes into quarantine; its delivery is refused when Odoo validates it:'
\set ECHO queries
SELECT lottrace.set_lot_status('11', 'CH-0002', 'QUARANTINE', 'lab sample pending');
INSERT INTO erp.stock_move_line (id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                 lot_id, date, location_id, location_dest_id, state, reference)
VALUES (4, 1, 11, 1, 5, 5, 2, now(), 8, 5, 'assigned', 'WH/OUT/00002');
\set ECHO none
\set ON_ERROR_STOP 0
\set ECHO queries
UPDATE erp.stock_move_line SET state = 'done' WHERE reference = 'WH/OUT/00002';
\set ECHO none
\set ON_ERROR_STOP 1
\set ECHO queries
SELECT count(*) AS disagreements FROM lottrace.verify();
\set ECHO none
