-- A backend caches lottrace.item.  The first item it looks for after the
-- caches were made (a new session, or any change to the configuration
-- tables) reads every item in one query when lottrace.item has at most
-- 10,000 rows (config.c, items_load_all), and each item when first met
-- otherwise.  Either way an item added, changed or rolled back counts from
-- the next statement on, and an item lottrace.item does not have is not
-- tracked.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('A', true);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load');
CREATE TABLE ic (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text);
SELECT lottrace.attach('ic', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason');

SET client_min_messages = debug1;
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('A', 1, 'W1', 'L1', 'IN');
-- B is not in lottrace.item: not tracked, no query
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('B', 1, 'W1', NULL, 'IN');
RESET client_min_messages;
-- B added in a transaction: tracked from its next statement on ...
BEGIN;
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('B', true);
SELECT * FROM pg_temp.err($$INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('B', 1, 'W1', NULL, 'IN')$$);
ROLLBACK;
-- ... and untracked again once rolled back
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('B', 1, 'W1', NULL, 'IN');
-- a change to an item counts from the next statement
UPDATE lottrace.item SET lot_tracked = false WHERE item = 'A';
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('A', 1, 'W1', NULL, 'IN');
UPDATE lottrace.item SET lot_tracked = true WHERE item = 'A';
SELECT * FROM pg_temp.err($$INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('A', 1, 'W1', NULL, 'IN')$$);

-- more than 10,000 items: each read when first met, with the same results
INSERT INTO lottrace.item (item, lot_tracked) SELECT 'MANY-' || g, g % 2 = 0 FROM generate_series(1, 10000) g;
SET client_min_messages = debug1;
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('MANY-2', 1, 'W1', 'M2', 'IN');
INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('MANY-3', 1, 'W1', NULL, 'IN');
RESET client_min_messages;
SELECT * FROM pg_temp.err($$INSERT INTO ic (item, qty, wh, lot, reason) VALUES ('MANY-4', 1, 'W1', NULL, 'IN')$$);
SELECT item, code FROM lottrace.lot ORDER BY 1, 2;
-- (the row of A moved while A was not lot-tracked has no lot: verify() says so)
SELECT problem FROM lottrace.verify();

SELECT lottrace.detach('ic');
DROP TABLE ic;
DROP EXTENSION lottrace;
