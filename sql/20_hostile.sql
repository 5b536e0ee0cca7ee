-- Hostile input (issue 11): values a careless or malicious client may
-- write, each refused with a lottrace error -- never a crash, an internal
-- error, a "(null)" in a message or 20 KB of message text.
--
-- 1. The guard triggers of lottrace.lot and lottrace.serial are NULL-safe:
--    an INSERT with a NULL stock, code or item reaches the column's NOT
--    NULL constraint (it used to kill the backend with SIGSEGV), and a
--    message names a missing value as (none).
-- 2. lottrace._stock_add / _stock_negative refuse what is not a stock
--    object with 22023 (it was XX001, "data corrupted").
-- 3. Quantities NaN and (-)Infinity: lottrace_qty, "not a finite number";
--    a NULL quantity: lottrace_qty, "has no quantity".
-- 4. A warehouse of white space only is missing, as '' is.
-- 5. A production batch key longer than 500 characters:
--    lottrace_batch_too_long (it was 54000 from batch_member's index).
-- 6. Long codes, warehouses and row keys are cut to 60 characters in
--    messages.
-- 7. A bad character in a code is named as the type names it: code point
--    and character position.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all

INSERT INTO lottrace.item (item, lot_tracked) VALUES ('LOT', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SER', true);
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('IN', 'load', NULL), ('OUT', 'unload', NULL),
  ('CONSUME', 'unload', 'input'), ('PRODUCE', 'load', 'output');
CREATE TABLE moves (id text PRIMARY KEY, item text, qty numeric, wh text, lot text,
                    serial text, reason text, batch text);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', batch_key => 'batch');
-- Signed mode, with a float quantity.
CREATE TABLE fmoves (id int PRIMARY KEY, item text, qty float8, wh text, lot text);
SELECT lottrace.attach('fmoves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO moves VALUES ('1', 'LOT', 10, 'W1', 'L1', NULL, 'IN', NULL);

-- ============================================== 1. NULL-safe guard triggers

-- A NULL stock (run as the superuser, the role that may INSERT into
-- lottrace.lot): the column's own NOT NULL error, and the backend lives.
SELECT sqlstate, message FROM pg_temp.err(
  $$INSERT INTO lottrace.lot (item, code, status, stock) VALUES ('X', 'L1', 'AVAILABLE', NULL)$$);
SELECT 1 AS still_connected;
-- The same through the guard's other NULL columns: code and item missing.
SELECT sqlstate, message FROM pg_temp.err(
  $$INSERT INTO lottrace.lot (item, code, status) VALUES (NULL, NULL, 'AVAILABLE')$$);
-- A message that names the lot while code and item are missing: (none),
-- not "(null)".
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lottrace.lot (item, code, status) VALUES (NULL, NULL, 'NO SUCH STATUS')$$);
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lottrace.lot (item, code, status, stock) VALUES (NULL, 'L9', 'AVAILABLE', '{"W1": [1, 1]}')$$);
-- The serial guard likewise.
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO lottrace.serial (item, code, state) VALUES (NULL, NULL, 'in_stock')$$);
SELECT sqlstate, message FROM pg_temp.err(
  $$INSERT INTO lottrace.serial (item, code, state) VALUES ('SER', NULL, 'out')$$);
-- No lot was registered by any of these.
SELECT count(*) AS lots FROM lottrace.lot;

-- ================================================ 2. _stock_add bad input

SELECT a.stock, a.delta, e.sqlstate, e.message, e.detail
  FROM (VALUES ('{}', '{"W1": 5}'), ('[1]', '{}'), ('"x"', '{}'), ('{"W1": [1, 2, 3]}', '{}'),
               ('{"W1": [1, "x"]}', '{}'), ('{"W1": {"a": [1, 2]}}', '{}'),
               ('{"W1": [[1, 2]]}', '{}')) a(stock, delta),
       LATERAL pg_temp.err(format('SELECT lottrace._stock_add(%L, %L)', a.stock, a.delta)) e;
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace._stock_negative('{"W1": [1]}', '{}')$$);
-- Good input is unchanged.
SELECT lottrace._stock_add('{"W1": [10, 10]}', '{"W1": [0, -3], "W2": [5, 5]}'),
       lottrace._stock_add(NULL, '{"W1": [1, 1]}'),
       lottrace._stock_negative('{"W1": [1, -2]}', '{"W1": [0, -3]}');

-- ===================================================== 3. quantities

-- With a reason column and in signed mode (numeric and float8 columns):
-- NaN and Infinity are not finite numbers.
SELECT q.qty, e.sqlstate, e.constraint_name, e.message, e.hint
  FROM (VALUES ('NaN'), ('Infinity'), ('-Infinity')) q(qty),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES ('2', 'LOT', %L, 'W1', 'L1', NULL, 'IN', NULL)$$, q.qty)) e;
SELECT q.qty, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES ('NaN'), ('Infinity'), ('-Infinity')) q(qty),
       LATERAL pg_temp.err(format($$INSERT INTO fmoves VALUES (2, 'LOT', %L, 'W1', 'L1')$$, q.qty)) e;
-- A NULL quantity is missing, not "not greater than zero".
SELECT sqlstate, constraint_name, message, detail FROM pg_temp.err(
  $$INSERT INTO moves VALUES ('2', 'LOT', NULL, 'W1', 'L1', NULL, 'IN', NULL)$$);
-- Zero is still "must be greater than zero".
SELECT sqlstate, constraint_name, message FROM pg_temp.err(
  $$INSERT INTO moves VALUES ('2', 'LOT', 0, 'W1', 'L1', NULL, 'IN', NULL)$$);

-- ================================================== 4. blank warehouses

SELECT quote_literal(w.wh) AS wh, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES (''), (' '), (E'\t  \n')) w(wh),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES ('2', 'LOT', 1, %L, 'L1', NULL, 'IN', NULL)$$, w.wh)) e;
-- Nothing was stored in a blank warehouse.
SELECT warehouse, on_hand FROM lottrace.lot_stock ORDER BY warehouse;

-- ================================================ 5. long batch keys

-- 10,016 characters that do not compress (it was 54000 "index row
-- requires 10272 bytes"): a lottrace error naming item, lot, warehouse and
-- row, with the key cut.
SELECT sqlstate, constraint_name, message, detail, hint FROM pg_temp.err(
  $$INSERT INTO moves VALUES ('3', 'LOT', 1, 'W1', 'L1', NULL, 'CONSUME',
                              (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 313) i))$$);
-- 10,000 characters that do compress (they used to fit the index).
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves VALUES ('3', 'LOT', 1, 'W1', 'L1', NULL, 'CONSUME', repeat('B', 10000))$$);
-- 501 characters (multibyte) refused, 500 accepted and linked.
SELECT sqlstate, constraint_name FROM pg_temp.err(
  $$INSERT INTO moves VALUES ('3', 'LOT', 1, 'W1', 'L1', NULL, 'CONSUME', repeat('é', 501))$$);
INSERT INTO moves VALUES ('3', 'LOT', 1, 'W1', 'L1', NULL, 'CONSUME', repeat('é', 500)),
                         ('4', 'LOT', 1, 'W1', 'L2', NULL, 'PRODUCE', repeat('é', 500));
SELECT length(batch_key), role FROM lottrace.batch_member ORDER BY role;
-- A long key on a row without a production reason is no batch: accepted.
INSERT INTO moves VALUES ('5', 'LOT', 1, 'W1', 'L1', NULL, 'OUT', repeat('B', 10000));

-- ======================================== 6. long values cut in messages

-- A 10,000-character lot code: once in the message, cut to 60 characters.
SELECT e.sqlstate, e.constraint_name, length(e.message) AS message_length, e.message
  FROM pg_temp.err($$INSERT INTO moves VALUES ('6', 'LOT', 1, 'W1', repeat('L', 10000), NULL, 'IN', NULL)$$) e;
-- A 10,000-character warehouse, and a 10,000-character row key.
SELECT length(e.message) AS message_length, e.message, length(e.detail) AS detail_length, e.detail
  FROM pg_temp.err($$INSERT INTO moves VALUES (repeat('K', 10000), 'LOT', 100, repeat('W', 10000), 'L1', NULL, 'OUT', NULL)$$) e;
-- A long lot code of a lot that does not exist.
SELECT length(e.message) AS message_length, e.message
  FROM pg_temp.err($$INSERT INTO moves VALUES ('7', 'LOT', 1, 'W1', repeat('Z', 50), NULL, 'OUT', NULL)$$) e;
-- The functions' own messages: an unknown lot, an unknown code type.
SELECT length(e.message) AS message_length, e.message
  FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('LOT', repeat('Q', 10000))$$) e
UNION ALL
SELECT length(e.message), e.message
  FROM pg_temp.err($$SELECT lottrace.next_code(repeat('T', 10000), '{}')$$) e;
-- Characters, not bytes: a cut never splits a character.
SELECT e.message
  FROM pg_temp.err($$INSERT INTO moves VALUES ('8', 'LOT', 1, repeat('é', 100), 'L1', NULL, 'OUT', NULL)$$) e;

-- =============================== 7. bad characters named by code point

-- U+200B (zero width space) at position 3: the trigger and the type say
-- the same.
SELECT e.message, e.detail
  FROM pg_temp.err($$INSERT INTO moves VALUES ('9', 'LOT', 1, 'W1', E'AB\u200BC', NULL, 'IN', NULL)$$) e;
SELECT detail FROM pg_temp.err($$SELECT E'AB\u200BC'::lottrace.lotcode$$);
-- An ASCII character, a control character, a serial, white space only.
SELECT c.code, e.sqlstate, e.constraint_name, e.message
  FROM (VALUES (E'AB~C'), (E'A\u0001'), ('   ')) c(code),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES ('9', 'LOT', 1, 'W1', %L, NULL, 'IN', NULL)$$, c.code)) e;
SELECT e.message
  FROM pg_temp.err($$INSERT INTO moves VALUES ('9', 'SER', 1, 'W1', NULL, E'S\u00e91', 'IN', NULL)$$) e;

-- ================================================================ the end

-- The registers agree with the tables.
SELECT * FROM lottrace.verify();

SET client_min_messages = warning;
-- Drop the extension.
DROP EXTENSION lottrace CASCADE;
RESET client_min_messages;
-- Drop this file's tables.
DROP TABLE moves, fmoves;
