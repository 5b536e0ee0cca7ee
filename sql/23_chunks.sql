-- Rules judged at the end of a statement hold however many chunks the
-- statement is written in (engine.c: a statement of tens of thousands of
-- lots is written to the registers in chunks of about 24 MB).
-- lottrace.debug_chunk_rows cuts these statements into chunks of 100 rows,
-- so 300 lots make three chunks or more; the offending rows sit in the
-- first, a middle and the last chunk.  test/shell/big_statements.sh does
-- the same at full size, without the setting.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- refused(stmt): like pg_temp.err(), but a statement that is taken is
-- rolled back all the same, and reported as 'taken'.
CREATE FUNCTION pg_temp.refused(stmt text)
RETURNS TABLE (sqlstate text, constraint_name text, message text)
LANGUAGE plpgsql AS $$
DECLARE s text; c text; m text;
BEGIN
  BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'LT999', MESSAGE = 'taken';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, c = CONSTRAINT_NAME, m = MESSAGE_TEXT;
  END;
  RETURN QUERY SELECT CASE WHEN s = 'LT999' THEN 'taken' ELSE s END, nullif(c, ''),
                      CASE WHEN s = 'LT999' THEN NULL ELSE m END;
END
$$;

INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, single_supplier) VALUES
  ('LOT', true, false, false), ('SUP', true, false, true), ('SER', false, true, false);
INSERT INTO lottrace.reason (code, direction, new_lot_only) VALUES
  ('IN', 'load', false), ('OUT', 'unload', false), ('NEW', 'load', true);
INSERT INTO lottrace.warehouse (code, allow_negative) VALUES ('W1', false), ('NEG', true);
CREATE TABLE moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, serial text,
                    reason text, acct text);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', account => 'acct');

-- 300 lots of 5 each, in one statement of three chunks or more.
SET lottrace.debug_chunk_rows = 100;
INSERT INTO moves (id, item, qty, wh, lot, reason)
SELECT g, 'LOT', 5, 'W1', 'L' || g, 'IN' FROM generate_series(1, 300) g;
SELECT count(*) AS lots, sum(on_hand) AS on_hand FROM lottrace.lot_stock WHERE item = 'LOT';

-- ===================================================== negative stock
-- Shipping 5 from every lot and 6 from one: refused wherever that one is.
SELECT g AS bad, r.sqlstate, r.constraint_name, r.message
  FROM unnest(ARRAY[2, 150, 299]) AS g,
       pg_temp.refused(format($$INSERT INTO moves (id, item, qty, wh, lot, reason)
                            SELECT 1000 + l, 'LOT', CASE WHEN l = %s THEN 6 ELSE 5 END, 'W1', 'L' || l, 'OUT'
                              FROM generate_series(1, 300) l$$, g)) AS r;
-- Shipping 6 from every lot: refused (the first row found wins).
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, reason)
  SELECT 1000 + l, 'LOT', 6, 'W1', 'L' || l, 'OUT' FROM generate_series(1, 300) l$$);
-- Nothing was taken.
SELECT count(*) AS lots, sum(on_hand) AS on_hand, min(on_hand) AS min_on_hand FROM lottrace.lot_stock WHERE item = 'LOT';
-- A lot taken below zero in an early chunk and brought back in a later one
-- is fine: the end of the statement is what counts.
INSERT INTO moves (id, item, qty, wh, lot, reason)
VALUES (2001, 'LOT', 7, 'W1', 'L1', 'OUT')
UNION ALL SELECT 2100 + g, 'LOT', 1, 'W1', 'L' || g, 'IN' FROM generate_series(2, 200) g
UNION ALL SELECT 2999, 'LOT', 7, 'W1', 'L1', 'IN';
SELECT on_hand FROM lottrace.lot_stock WHERE item = 'LOT' AND lot = 'L1';
-- DELETE of the receipts of lots partly shipped, in several chunks: refused.
INSERT INTO moves (id, item, qty, wh, lot, reason) VALUES
  (3001, 'LOT', 2, 'W1', 'L3', 'OUT'), (3002, 'LOT', 2, 'W1', 'L160', 'OUT'), (3003, 'LOT', 2, 'W1', 'L298', 'OUT');
SELECT sqlstate, constraint_name FROM pg_temp.refused($$DELETE FROM moves WHERE id <= 300$$);
-- UPDATE lowering every receipt below what was shipped: refused.
SELECT sqlstate, constraint_name FROM pg_temp.refused($$UPDATE moves SET qty = 1 WHERE id <= 300$$);
-- The same into NEG, which allows negative stock: taken.
INSERT INTO moves (id, item, qty, wh, lot, reason)
SELECT 4000 + g, 'LOT', 1, 'NEG', 'L' || g, 'OUT' FROM generate_series(1, 300) g;
SELECT count(*) FILTER (WHERE on_hand = -1) AS negative_in_neg FROM lottrace.lot_stock WHERE item = 'LOT' AND warehouse = 'NEG';
SELECT count(*) AS disagreements FROM lottrace.verify();

-- ===================================================== single supplier
-- 300 SUP lots loaded from supplier A, then the same lots from B, in one
-- statement: refused.
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
  SELECT 5000 + g, 'SUP', 1, 'W1', 'P' || g, 'IN', 'A' FROM generate_series(1, 300) g
  UNION ALL SELECT 5400 + g, 'SUP', 1, 'W1', 'P' || g, 'IN', 'B' FROM generate_series(1, 300) g$$);
-- One lot of the 300 from B in a later chunk: refused, wherever it is.
SELECT g AS bad, r.sqlstate, r.constraint_name
  FROM unnest(ARRAY[1, 150, 300]) AS g,
       pg_temp.refused(format($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
                            SELECT 5000 + l, 'SUP', 1, 'W1', 'P' || l, 'IN', 'A' FROM generate_series(1, 300) l
                            UNION ALL SELECT 5999, 'SUP', 1, 'W1', 'P%s', 'IN', 'B'$$, g)) AS r;
-- From one supplier only: taken.
INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
SELECT 5000 + g, 'SUP', 1, 'W1', 'P' || g, 'IN', 'A' FROM generate_series(1, 300) g
UNION ALL SELECT 5400 + g, 'SUP', 1, 'W1', 'P' || g, 'IN', 'A' FROM generate_series(1, 300) g;
SELECT count(*) AS lots, min(supplier) AS supplier, max(supplier) AS same_supplier FROM lottrace.lot WHERE item = 'SUP';
-- Later statements from B into those lots, in any chunk: refused.
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
  SELECT 6000 + g, 'SUP', 1, 'W1', 'P' || g, 'IN', CASE WHEN g = 250 THEN 'B' ELSE 'A' END FROM generate_series(1, 300) g$$);

-- ===================================================== new_lot_only
-- A NEW load into lot L250, which existed before the statement, in the
-- last chunk (and in the first, and a middle one): refused.
SELECT g AS bad, r.sqlstate, r.constraint_name
  FROM unnest(ARRAY[3, 150, 250]) AS g,
       pg_temp.refused(format($$INSERT INTO moves (id, item, qty, wh, lot, reason)
                            SELECT 7000 + l, 'LOT', 1, 'W1', CASE WHEN l = %s THEN 'L' || l ELSE 'N' || l END, 'NEW'
                              FROM generate_series(1, 300) l$$, g)) AS r;
-- Two NEW loads of one lot the statement creates, in different chunks:
-- taken (the lot did not exist before the statement).
INSERT INTO moves (id, item, qty, wh, lot, reason)
SELECT 7000 + l, 'LOT', 1, 'W1', 'N' || l, 'NEW' FROM generate_series(1, 300) l
UNION ALL SELECT 7999, 'LOT', 1, 'W1', 'N1', 'NEW';
SELECT on_hand FROM lottrace.lot_stock WHERE item = 'LOT' AND lot = 'N1';

-- ===================================================== serials
-- 300 serials received, then shipped twice in one statement: refused.
INSERT INTO moves (id, item, qty, wh, serial, reason)
SELECT 8000 + g, 'SER', 1, 'W1', 'S' || g, 'IN' FROM generate_series(1, 300) g;
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, serial, reason)
  SELECT 8400 + g, 'SER', 1, 'W1', 'S' || g, 'OUT' FROM generate_series(1, 300) g
  UNION ALL SELECT 8999, 'SER', 1, 'W1', 'S150', 'OUT'$$);
SELECT count(*) FILTER (WHERE state = 'in_stock') AS in_stock FROM lottrace.serial_register WHERE item = 'SER';

-- ===================================================== lot passes
-- A statement whose lots fill a chunk, in an order that keeps coming back
-- to them, is read again once per pass; each pass takes its own lots, so
-- each lot is written once (engine.c, lot passes).  lottrace.debug_lot_passes
-- = 3 reads the rows after the first chunk (100 rows) in three passes: the
-- first goes on with the chunk's lots and judges every row, the other two
-- take the other lots, split by hash.  Rows below come back to each of 300
-- lots three times, far apart.
SET lottrace.debug_lot_passes = 3;
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, single_supplier) VALUES
  ('PAS', true, false, true);
INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
SELECT 10000 + g, 'PAS', 1, 'W1', 'Q' || ((g - 1) % 300 + 1), 'IN', 'A' FROM generate_series(1, 900) g;
SELECT count(*) AS lots, sum(on_hand) AS on_hand, min(on_hand), max(on_hand)
  FROM lottrace.lot_stock WHERE item = 'PAS';
-- Refusals wherever the offending row is, whichever pass takes its lot:
-- negative stock, an unknown lot, a second supplier, a serial shipped twice.
SELECT g AS bad, r.sqlstate, r.constraint_name
  FROM unnest(ARRAY[1, 150, 300]) AS g,
       pg_temp.refused(format($$INSERT INTO moves (id, item, qty, wh, lot, reason)
                            SELECT 11000 + l, 'PAS', CASE WHEN l = 600 + %s THEN 2 ELSE 1 END, 'W1',
                                   'Q' || ((l - 1) %% 300 + 1), 'OUT'
                              FROM generate_series(1, 900) l$$, g)) AS r;
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, reason)
  SELECT 11000 + l, 'PAS', 1, 'W1', CASE WHEN l = 750 THEN 'NOPE' ELSE 'Q' || ((l - 1) % 300 + 1) END, 'OUT'
    FROM generate_series(1, 900) l$$);
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, reason, acct)
  SELECT 11000 + l, 'PAS', 1, 'W1', 'Q' || ((l - 1) % 300 + 1), 'IN', CASE WHEN l = 820 THEN 'B' ELSE 'A' END
    FROM generate_series(1, 900) l$$);
SELECT sqlstate, constraint_name FROM pg_temp.refused($$INSERT INTO moves (id, item, qty, wh, lot, serial, reason)
  SELECT 11000 + l, 'PAS', 1, 'W1', 'Q' || ((l - 1) % 300 + 1), NULL, 'IN' FROM generate_series(1, 900) l
  UNION ALL SELECT 12000, 'SER', 1, 'W1', NULL, 'S7', 'OUT'
  UNION ALL SELECT 12001, 'SER', 1, 'W1', NULL, 'S7', 'OUT'$$);
-- Serials and lots in one statement read in passes: each serial taken once.
INSERT INTO moves (id, item, qty, wh, lot, serial, reason)
SELECT 11000 + l, 'PAS', 1, 'W1', 'Q' || ((l - 1) % 300 + 1), NULL, 'OUT' FROM generate_series(1, 600) l
UNION ALL SELECT 12000 + g, 'SER', 1, 'W1', NULL, 'S' || g, 'OUT' FROM generate_series(1, 10) g;
SELECT count(*) FILTER (WHERE state = 'in_stock') AS in_stock FROM lottrace.serial_register WHERE item = 'SER';
SELECT sum(on_hand) AS on_hand, min(on_hand), max(on_hand) FROM lottrace.lot_stock WHERE item = 'PAS';
-- UPDATE and DELETE of every row, read in passes.
UPDATE moves SET qty = 2 WHERE item = 'PAS' AND reason = 'IN';
SELECT sum(on_hand) AS on_hand, min(on_hand), max(on_hand) FROM lottrace.lot_stock WHERE item = 'PAS';
DELETE FROM moves WHERE item = 'PAS' AND reason = 'OUT';
SELECT sum(on_hand) AS on_hand, min(on_hand), max(on_hand) FROM lottrace.lot_stock WHERE item = 'PAS';
RESET lottrace.debug_lot_passes;

RESET lottrace.debug_chunk_rows;
SELECT count(*) AS disagreements FROM lottrace.verify();
-- The setting is the superuser's: an ordinary role cannot make chunks small.
CREATE ROLE regress_lt_chunks;
SET ROLE regress_lt_chunks;
SELECT sqlstate FROM pg_temp.err($$SET lottrace.debug_chunk_rows = 1$$);
SELECT sqlstate FROM pg_temp.err($$SET lottrace.debug_lot_passes = 2$$);
RESET ROLE;
DROP ROLE regress_lt_chunks;

SELECT lottrace.detach('moves');
DROP TABLE moves;
DROP EXTENSION lottrace;
