-- A statement on an attached table that touches no governed row does no
-- statement-level work (docs/ENGINE.md, "Statements that touch no governed
-- row"): an UPDATE or DELETE that matched nothing, an INSERT ... SELECT of
-- no rows, an UPDATE of the ERP's own bookkeeping columns, or one that sets
-- mapped columns to the values they had.  The trigger still fires (it must:
-- PostgreSQL decides that), but returns before the engine starts; at
-- client_min_messages = debug1 it says so.  A statement with one changed row
-- among unchanged ones is judged as before.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('QS', true);
CREATE TABLE qs (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text,
                 state text NOT NULL DEFAULT 'done', write_date timestamp, note text);
SELECT lottrace.attach('qs', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', counts_when => $$state = 'done'$$);
INSERT INTO qs (item, qty, wh, lot, reason) VALUES
  ('QS', 10, 'W1', 'L1', 'IN'), ('QS', 4, 'W1', 'L2', 'IN'), ('QS', 3, 'W1', 'L1', 'OUT');

SET client_min_messages = debug1;
-- the ERP's bookkeeping: no mapped column, no column counts_when reads
UPDATE qs SET write_date = '2026-12-07 10:00', note = 'posted' WHERE lot = 'L1';
-- mapped columns set to what they were
UPDATE qs SET qty = qty, lot = lot, state = 'done';
-- statements that matched no row
UPDATE qs SET qty = 99 WHERE false;
DELETE FROM qs WHERE lot = 'nothing';
INSERT INTO qs (item, qty, wh, lot, reason) SELECT item, qty, wh, lot, reason FROM qs WHERE false;
RESET client_min_messages;
SELECT code, stock FROM lottrace.lot ORDER BY code;

-- a lot blocked since: bookkeeping on its rows is not judged again ...
SELECT lottrace.set_lot_status('QS', 'L1', 'BLOCKED', 'lab');
UPDATE qs SET note = 'checked' WHERE lot = 'L1';
-- ... but one changed row among unchanged ones is, and names its row
SELECT * FROM pg_temp.err($$UPDATE qs SET note = 'again', qty = CASE WHEN id = 3 THEN 2 ELSE qty END WHERE lot = 'L1'$$);
SELECT lottrace.set_lot_status('QS', 'L1', 'AVAILABLE', 'lab OK');
-- and goes through when the rules allow it
SET client_min_messages = debug1;
UPDATE qs SET note = 'again', qty = CASE WHEN id = 3 THEN 2 ELSE qty END WHERE lot = 'L1';
-- a row that stops counting is a change (counts_when reads state)
UPDATE qs SET state = 'cancel' WHERE id = 2;
RESET client_min_messages;
SELECT code, stock FROM lottrace.lot ORDER BY code;
SELECT * FROM lottrace.verify();
SELECT lottrace.detach('qs');
DROP TABLE qs;
DROP EXTENSION lottrace;
