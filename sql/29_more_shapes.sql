-- More shapes of ERP rows (issue 13, issue 14): lookups of several steps,
-- column alternatives 'a | b', and unload_when.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all

INSERT INTO lottrace.item (item, lot_tracked) VALUES ('CHEESE', true), ('MILK', true);
INSERT INTO lottrace.warehouse (code, kind) VALUES ('PROD', 'production'), ('SUP', 'supplier');

------------------------------------------------------------------------------
-- A lookup of two steps: the customer of a shipment line is on its
-- shipment (iDempiere: M_Transaction -> M_InOutLine -> M_InOut.C_BPartner_ID)
------------------------------------------------------------------------------
CREATE TABLE shipment (id int PRIMARY KEY, partner text NOT NULL);
CREATE TABLE shipment_line (id int PRIMARY KEY, shipment_id int NOT NULL REFERENCES shipment);
CREATE TABLE txn (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text,
                  line_id int REFERENCES shipment_line);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO shipment VALUES (1, 'ACME'), (2, 'GLOBEX');
INSERT INTO shipment_line VALUES (10, 1), (20, 2);
INSERT INTO txn VALUES (1, 'CHEESE', 10, 'W1', 'C1', 'IN', NULL);
SELECT lottrace.attach('txn', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', account => 'line_id -> shipment_line.shipment_id -> shipment.partner');
SELECT lookup_roles, lookup_refs, lookup_keys, lookup_values FROM lottrace.attachment;
INSERT INTO txn VALUES (2, 'CHEESE', 3, 'W1', 'C1', 'OUT', 10), (3, 'CHEESE', 2, 'W1', 'C1', 'OUT', 20);
-- recall names the customers two steps away
SELECT account, lot, qty FROM lottrace.recall('CHEESE', 'C1') ORDER BY account;
SELECT source_key, account, qty FROM lottrace.movements ORDER BY source_key;
SELECT * FROM lottrace.verify();
-- the account does not decide stock: a change of the partner is allowed,
-- and lottrace.movements follows it
UPDATE shipment SET partner = 'ACME LTD' WHERE id = 1;
SELECT account, qty FROM lottrace.recall('CHEESE', 'C1') ORDER BY account;
-- three steps at most (54000)
CREATE TABLE t4 (id int PRIMARY KEY, v int);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('t4', item => 'v -> t4.v -> t4.v -> t4.v -> t4.v', qty => 'v', warehouse => 'v', backfill => false)$$);
SELECT lottrace.detach('txn');

------------------------------------------------------------------------------
-- A lot read through two steps is guarded at both: the lot table, and the
-- table between
------------------------------------------------------------------------------
CREATE TABLE lot_master (id int PRIMARY KEY, code text NOT NULL);
CREATE TABLE lot_instance (id int PRIMARY KEY, master_id int NOT NULL REFERENCES lot_master);
CREATE TABLE mv (id int PRIMARY KEY, item text, qty numeric, wh text, inst int REFERENCES lot_instance);
INSERT INTO lot_master VALUES (1, 'M-1'), (2, 'M-2');
INSERT INTO lot_instance VALUES (100, 1), (200, 2);
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh',
                       lot => 'inst -> lot_instance.master_id -> lot_master.code');
INSERT INTO mv VALUES (1, 'MILK', 5, 'W1', 100);
SELECT lot, warehouse, on_hand FROM lottrace.lot_stock ORDER BY lot;
-- renaming the lot, or pointing the instance at another lot: refused (23503)
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lot_master SET code = 'M-1b' WHERE id = 1$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE lot_instance SET master_id = 2 WHERE id = 100$$);
-- a lot no movement reads may change
UPDATE lot_master SET code = 'M-2b' WHERE id = 2;
SELECT * FROM lottrace.verify();
SELECT lottrace.detach('mv');
SELECT count(*) AS guards_left FROM pg_trigger WHERE tgname LIKE 'lottrace_lookup_%';

------------------------------------------------------------------------------
-- 'a | b': production inputs carry one column, outputs another (Tryton's
-- production_input / production_output)
------------------------------------------------------------------------------
CREATE TABLE stock_move (id int PRIMARY KEY, product text, qty numeric, from_loc text, to_loc text,
                         lot text, production_input int, production_output int, note varchar);
SELECT lottrace.attach('stock_move', item => 'product', qty => 'qty', warehouse => 'from_loc',
                       to_warehouse => 'to_loc', lot => 'lot',
                       batch_key => 'production_input | production_output');
SELECT alt_roles, alt_cols FROM lottrace.attachment;
INSERT INTO stock_move VALUES (1, 'MILK', 50, 'SUP', 'W1', 'M1', NULL, NULL);
INSERT INTO stock_move VALUES (2, 'MILK', 20, 'W1', 'PROD', 'M1', 7, NULL),
                              (3, 'CHEESE', 4, 'PROD', 'W1', 'C7', NULL, 7);
SELECT * FROM lottrace.trace_backward('CHEESE', 'C7');
SELECT batch_key, role, qty FROM lottrace.batch_member ORDER BY role;
SELECT * FROM lottrace.verify();
-- renaming or dropping the alternative is refused (2BP01)
SELECT sqlstate, constraint_name FROM pg_temp.err($$ALTER TABLE stock_move RENAME COLUMN production_output TO po$$);
SELECT sqlstate, constraint_name FROM pg_temp.err($$ALTER TABLE stock_move DROP COLUMN production_output$$);
SELECT lottrace.detach('stock_move');
-- the two columns have one type (42804); an alternative is one column (22023); not for qty (0A000)
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('stock_move', item => 'product', qty => 'qty', warehouse => 'from_loc', batch_key => 'production_input | note')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('stock_move', item => 'product', qty => 'qty', warehouse => 'from_loc', batch_key => 'production_input | a | b')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('stock_move', item => 'product', qty => 'qty | id', warehouse => 'from_loc')$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('stock_move', item => 'product', qty => 'qty', warehouse => 'from_loc', batch_key => 'production_input | nope')$$);

------------------------------------------------------------------------------
-- unload_when: stock that leaves by a change of the stock row (InvenTree)
------------------------------------------------------------------------------
CREATE TABLE stock_item (id int PRIMARY KEY, part text, batch text, quantity numeric, location text,
                         customer int, status int NOT NULL DEFAULT 10);
INSERT INTO stock_item VALUES (1, 'MILK', 'B1', 10, 'L1', NULL, 10), (2, 'MILK', 'B1', 5, 'L1', NULL, 10);
SELECT lottrace.attach('stock_item', item => 'part', qty => 'quantity', warehouse => 'location', lot => 'batch',
                       counts_when => 'customer IS NULL AND status = 10 AND location IS NOT NULL',
                       unload_when => 'customer IS NOT NULL');
SELECT lottrace.set_lot_status('MILK', 'B1', 'QUARANTINE');
-- shipped to a customer: an unload, refused for a quarantined lot (23514)
SELECT sqlstate, constraint_name FROM pg_temp.err($$UPDATE stock_item SET customer = 5, location = NULL WHERE id = 1$$);
-- taken out of stock otherwise (the ERP's own quarantine status): a reversal, not gated
UPDATE stock_item SET status = 75 WHERE id = 2;
SELECT lot, on_hand FROM lottrace.lot_register WHERE item = 'MILK';
-- released, the shipment goes
SELECT lottrace.set_lot_status('MILK', 'B1', 'AVAILABLE');
UPDATE stock_item SET customer = 5, location = NULL WHERE id = 1;
SELECT lot, on_hand FROM lottrace.lot_register WHERE item = 'MILK';
SELECT * FROM lottrace.verify();
SELECT lottrace.detach('stock_item');
-- unload_when needs counts_when (22023)
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.attach('stock_item', item => 'part', qty => 'quantity', warehouse => 'location', unload_when => 'customer IS NOT NULL')$$);

DROP TABLE txn, shipment_line, shipment, t4, mv, lot_instance, lot_master, stock_move, stock_item;
DROP EXTENSION lottrace;
