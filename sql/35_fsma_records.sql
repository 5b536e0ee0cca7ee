-- Parties, places and identifiers, and the per-shipment FSMA 204
-- traceability record (issue 16, first part): lottrace.party, warehouse
-- places, item and variant GTINs and descriptions, reason document types,
-- lottrace.shipment_record(doc) and the columns trace_events gained.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;
-- every EPCIS document of this file is also written to :epcis_dir, where
-- test/shell/epcis_schema.sh validates it against GS1's JSON schema (it
-- sets epcis_dir; under pg_regress the files land in results/)
\if :{?epcis_dir}
\else
\set epcis_dir results
\endif

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

-- ---------------------------------------------------------------- EPCIS 2.0
-- the lot, its ancestors and descendants as GS1 EPCIS 2.0 JSON-LD
SELECT lottrace.epcis_document('TOMATO', 'T-7') AS doc \gset
SELECT :'doc' \g (format=unaligned tuples_only=on) :epcis_dir/epcis-tomato-T-7.json
SELECT lottrace.epcis_document('SAUCE', 'S-1') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-sauce-S-1.json
SELECT :'doc'::jsonb -> '@context' AS context, :'doc'::jsonb ->> 'type' AS type,
       :'doc'::jsonb ->> 'schemaVersion' AS version,
       (:'doc'::jsonb ->> 'creationDate') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS creation_rfc3339;
SELECT e ->> 'type' AS type, e ->> 'action' AS action, e ->> 'bizStep' AS biz_step, e ->> 'eventTime' AS at,
       coalesce(e -> 'quantityList', e -> 'outputQuantityList') AS quantities,
       e -> 'ilmd' AS ilmd, e -> 'sourceList' AS source, e -> 'destinationList' AS destination,
       e #>> '{bizLocation,id}' AS biz_location
  FROM jsonb_array_elements(:'doc'::jsonb #> '{epcisBody,eventList}') e;
SELECT e -> 'inputQuantityList' AS inputs, e ->> 'transformationID' AS transformation
  FROM jsonb_array_elements(:'doc'::jsonb #> '{epcisBody,eventList}') e
 WHERE e ->> 'type' = 'TransformationEvent';
-- event IDs are hashes of the movement: all distinct, the same on every
-- call and in every document that has the event
SELECT count(*) AS events, count(DISTINCT e ->> 'eventID') AS ids,
       bool_and((e ->> 'eventID') ~ '^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$') AS hashed
  FROM jsonb_array_elements(:'doc'::jsonb #> '{epcisBody,eventList}') e;
SELECT (SELECT array_agg(e ->> 'eventID' ORDER BY e ->> 'eventID')
          FROM jsonb_array_elements(:'doc'::jsonb #> '{epcisBody,eventList}') e)
     = (SELECT array_agg(e ->> 'eventID' ORDER BY e ->> 'eventID')
          FROM jsonb_array_elements(lottrace.epcis_document('TOMATO', 'T-7') #> '{epcisBody,eventList}') e) AS same_ids_again,
       (SELECT array_agg(e ->> 'eventID' ORDER BY e ->> 'eventID')
          FROM jsonb_array_elements(:'doc'::jsonb #> '{epcisBody,eventList}') e
         WHERE e #>> '{quantityList,0,epcClass}' LIKE '%/10/S-1')
     = (SELECT array_agg(e ->> 'eventID' ORDER BY e ->> 'eventID')
          FROM jsonb_array_elements(lottrace.epcis_document('SAUCE', 'S-1') #> '{epcisBody,eventList}') e
         WHERE e #>> '{quantityList,0,epcClass}' LIKE '%/10/S-1') AS same_ids_in_the_sauce_document;
-- a period: only the events from since (inclusive) to until (exclusive)
SELECT e ->> 'eventTime' AS at, e ->> 'bizStep' AS biz_step
  FROM jsonb_array_elements(lottrace.epcis_period('2026-07-03 00:00+00', '2026-07-04 00:00+00') #> '{epcisBody,eventList}') e;
SELECT jsonb_array_length(lottrace.epcis_document('TOMATO', 'T-7', NULL, '2026-07-02 00:00+00', '2026-07-03 00:00+00') #> '{epcisBody,eventList}') AS events_of_july_2;
SELECT lottrace.epcis_period('2026-07-03 00:00+00', '2026-07-04 00:00+00') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-period-july-3.json
SELECT lottrace.epcis_document('TOMATO', 'T-7', NULL, '2026-07-02 00:00+00', '2026-07-03 00:00+00') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-tomato-T-7-july-2.json
-- a code outside GS1's keys is percent-encoded; an item without GTIN gets a lottrace URN
UPDATE lottrace.item SET gtin = NULL WHERE item = 'TOMATO';
SELECT lottrace._epc_class('TOMATO', NULL, 'T 7/ü'), lottrace._epc_party('NOWHERE', 'party');
SELECT lottrace.epcis_document('TOMATO', 'T-7') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-tomato-T-7-no-gtin.json
SELECT * FROM pg_temp.err($$SELECT lottrace.epcis_document('TOMATO', 'NOPE')$$);

-- serials (DSCSA-like): each serial an EPC, shipped to two customers
CREATE TABLE mvs (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL,
                  lot text, serial text, reason text NOT NULL, doc text, moved_on date NOT NULL, account text);
SELECT lottrace.attach('mvs', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', serial => 'serial',
                       reason => 'reason', doc => 'doc', moved_on => 'moved_on', account => 'account');
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, description, gtin, uom)
VALUES ('VACCINE', true, true, 'Vaccine, 10 doses', '0030001000001' || lottrace.gs1_check_digit('0030001000001'), 'EA');
INSERT INTO lottrace.party (code, kind, name, gln) VALUES ('PHARMA-A', 'party', 'Pharmacy A', '9506000134376');
INSERT INTO mvs (item, qty, wh, lot, serial, reason, doc, moved_on, account)
SELECT 'VACCINE', 1, 'W1', 'V-1', 'SN' || g, 'RECEIPT', 'ASN-1', '2026-08-01', 'FARM-R' FROM generate_series(1, 3) g;
INSERT INTO mvs (item, qty, wh, lot, serial, reason, doc, moved_on, account) VALUES
  ('VACCINE', 1, 'W1', 'V-1', 'SN1', 'SHIP', 'INV-7', '2026-08-02', 'PHARMA-A'),
  ('VACCINE', 1, 'W1', 'V-1', 'SN2', 'SHIP', 'INV-8', '2026-08-02', 'SHOP-X');
SELECT e ->> 'action' AS action, e ->> 'bizStep' AS biz_step, e -> 'epcList' AS epcs, e -> 'ilmd' AS ilmd,
       coalesce(e #>> '{sourceList,0,source}', e #>> '{destinationList,0,destination}') AS party
  FROM jsonb_array_elements(lottrace.epcis_document('VACCINE', 'V-1') #> '{epcisBody,eventList}') e;
SELECT lottrace.epcis_document('VACCINE', 'V-1') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-vaccine-V-1-farm-foreign.json
-- event times: a timestamp column mapped as moved_on gives the moment (a
-- timestamp without time zone read as UTC, as Odoo stores stock_move.date;
-- a timestamptz as it is); a date column its midnight UTC (above)
CREATE TABLE mvt (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL,
                  lot text, reason text NOT NULL, date timestamp NOT NULL);
CREATE TABLE mvz (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL,
                  lot text, reason text NOT NULL, done_at timestamptz NOT NULL);
SELECT lottrace.attach('mvt', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'date');
SELECT lottrace.attach('mvz', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', moved_on => 'done_at');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BASIL', true);
INSERT INTO mvt (item, qty, wh, lot, reason, date) VALUES
  ('BASIL', 5, 'W1', 'B-1', 'RECEIPT', '2026-07-09 14:30:05.25'), ('BASIL', 2, 'W1', 'B-1', 'SHIP', '2026-07-10 08:00:00');
INSERT INTO mvz (item, qty, wh, lot, reason, done_at) VALUES
  ('BASIL', 1, 'W1', 'B-1', 'SHIP', '2026-07-10 23:59:59-07');
SELECT e ->> 'eventTime' AS at, e ->> 'bizStep' AS biz_step, e ->> 'action' AS action
  FROM jsonb_array_elements(lottrace.epcis_document('BASIL', 'B-1') #> '{epcisBody,eventList}') e;
SELECT jsonb_array_length(lottrace.epcis_document('BASIL', 'B-1', NULL, '2026-07-10 07:00+00', '2026-07-10 09:00+00') #> '{epcisBody,eventList}') AS events_from_7_to_9_utc;
SELECT lottrace.epcis_document('BASIL', 'B-1') \g (format=unaligned tuples_only=on) :epcis_dir/epcis-basil-B-1-times.json
SELECT lottrace.detach('mvt'), lottrace.detach('mvz');
DROP TABLE mvt, mvz;
-- ---------------------------------------------------------------- epcis_import
-- a document read back as a supplier's: its shipping events become expected
-- receipts (here the shipper is the farm: it is marked as the own party)
UPDATE lottrace.party SET own = true WHERE code = 'FARM-R';
SELECT lottrace.epcis_document('VACCINE', 'V-1') AS vdoc \gset
SELECT :'vdoc' \g (format=unaligned tuples_only=on) :epcis_dir/epcis-vaccine-V-1.json
SELECT lottrace.epcis_import(:'vdoc'::jsonb) AS imported, lottrace.epcis_import(:'vdoc'::jsonb) AS again;
SELECT supplier, item, lot, gtin, qty, doc, event_time FROM lottrace.expected_receipt ORDER BY doc;
SELECT * FROM pg_temp.err($$SELECT lottrace.epcis_import('[1, 2]')$$);
-- the goods arrive at a customer of the farm (this database, for the test:
-- the farm's three receipts above count as received too)
INSERT INTO mvs (item, qty, wh, lot, serial, reason, doc, moved_on, account) VALUES
  ('VACCINE', 1, 'W2', 'V-1', 'SN1', 'RECEIPT', 'GR-9', '2026-08-03', 'FARM-R');
SELECT mismatch, supplier, lot, expected_qty, received_qty FROM lottrace.receipt_mismatches;
UPDATE lottrace.item SET refuse_receipt_mismatch = true WHERE item = 'VACCINE';
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO mvs (item, qty, wh, lot, serial, reason, doc, moved_on, account) VALUES ('VACCINE', 1, 'W2', 'V-2', 'SN9', 'RECEIPT', 'GR-9', '2026-08-03', 'FARM-R')$$);
SELECT lottrace.detach('mvs');
DROP TABLE mvs;

SELECT lottrace.detach('mv');
DROP TABLE mv;
DROP EXTENSION lottrace;
