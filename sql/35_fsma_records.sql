-- Parties, places and identifiers, and the per-shipment FSMA 204
-- traceability record (issue 16, first part): lottrace.party, warehouse
-- places, item and variant GTINs and descriptions, reason document types,
-- lottrace.shipment_record(doc) and the columns trace_events gained.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

CREATE TABLE mv (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  variant  text,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL,
  account  text,
  batch    text
);
SELECT lottrace.attach('mv', item => 'item', variant => 'variant', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       account => 'account', batch_key => 'batch');
INSERT INTO lottrace.reason (code, direction, production, document_type) VALUES
  ('RECEIPT', 'load', NULL, 'bill of lading'), ('SHIP', 'unload', NULL, 'invoice'),
  ('USE', 'unload', 'input', 'production order'), ('MAKE', 'load', 'output', 'production order');
INSERT INTO lottrace.item (item, lot_tracked, description, gtin, uom) VALUES
  ('TOMATO', true, 'Roma tomatoes, loose', '09506000134352', 'kg'),
  ('SAUCE', true, 'Tomato sauce', '09506000134369', 'jar');
INSERT INTO lottrace.item_variant (item, variant, description, gtin) VALUES
  ('SAUCE', 'SPICY', 'Tomato sauce, spicy', '09506000134376');
INSERT INTO lottrace.party (code, kind, name, address, gln) VALUES
  ('FARM-R', 'party', 'Rossi farm', 'Via Roma 1, 43100 Parma', '9506000134352'),
  ('PLANT-1', 'place', 'Sauce plant', 'Industrieweg 4, 1234 AB Dorp', '9506000134369'),
  ('DELI-NORD', 'party', 'Deli Nord', 'Nordstr. 9, 20095 Hamburg', NULL);
INSERT INTO lottrace.warehouse (code, description, place) VALUES ('W1', 'plant store', 'PLANT-1');

-- identifiers are checked: a GTIN is 14 digits with its check digit, a GLN 13
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET gtin = '09506000134353' WHERE item = 'TOMATO'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lottrace.item SET gtin = '9506000134352' WHERE item = 'TOMATO'$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.item_variant VALUES ('SAUCE', 'MILD', NULL, '1')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.party (code, gln) VALUES ('X', '9506000134350')$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lottrace.party (code, kind) VALUES ('Y', 'city')$$);

-- tomatoes from the farm become sauce at the plant; the sauce is shipped
INSERT INTO mv (item, qty, wh, lot, reason, doc, moved_on, account) VALUES
  ('TOMATO', 500, 'W1', 'T-7', 'RECEIPT', 'BOL-11', '2026-07-01', 'FARM-R');
INSERT INTO mv (item, variant, qty, wh, lot, reason, doc, moved_on, batch) VALUES
  ('TOMATO', NULL, 300, 'W1', 'T-7', 'USE', 'PO-3', '2026-07-02', 'PO-3'),
  ('SAUCE', NULL, 400, 'W1', 'S-1', 'MAKE', 'PO-3', '2026-07-02', 'PO-3'),
  ('SAUCE', 'SPICY', 100, 'W1', 'S-2', 'MAKE', 'PO-3', '2026-07-02', 'PO-3');
INSERT INTO mv (item, variant, qty, wh, lot, reason, doc, moved_on, account) VALUES
  ('SAUCE', NULL, 120, 'W1', 'S-1', 'SHIP', 'INV-900', '2026-07-03', 'DELI-NORD'),
  ('SAUCE', 'SPICY', 30, 'W1', 'S-2', 'SHIP', 'INV-900', '2026-07-03', 'DELI-NORD'),
  ('TOMATO', NULL, 50, 'W1', 'T-7', 'SHIP', 'INV-900', '2026-07-03', 'DELI-NORD'),
  ('SAUCE', NULL, 10, 'W1', 'S-1', 'SHIP', 'INV-901', '2026-07-03', 'SHOP-X');

-- the record that travels with INV-900: one row per lot line
\x on
SELECT * FROM lottrace.shipment_record('INV-900');
\x off
-- a customer not in lottrace.party is named by its code
SELECT traceability_lot_code, ship_to_name, ship_to_address, ship_to_gln
  FROM lottrace.shipment_record('INV-901');
SELECT count(*) AS lines FROM lottrace.shipment_record('NO-SUCH-DOC');
-- as CSV, the documented COPY
COPY (SELECT traceability_lot_code, tlc_source_name, quantity, unit_of_measure, product_description,
             ship_from_name, ship_to_name, ship_date, reference_document_type, reference_document_number
        FROM lottrace.shipment_record('INV-900')) TO STDOUT WITH CSV HEADER;

-- trace_events: the 1.0 columns as they were, the key data elements after them
SELECT event_type, traceability_lot_code, quantity, unit_of_measure, gtin, product_name,
       location_name, location_gln, partner_name, document_type, tlc_source_name, tlc_source_gln
  FROM lottrace.trace_events('TOMATO', 'T-7');

SELECT lottrace.detach('mv');
DROP TABLE mv;
DROP EXTENSION lottrace;
