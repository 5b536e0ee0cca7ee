-- lottrace.next_code(code_type, ctx) and lottrace.code_counter: counters per
-- root, start values, counter kinds, CHK / RAND / letters, errors, gapless
-- counters, skipping codes already used by lots and serials, privileges.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

-- the code types of this file
INSERT INTO lottrace.code_type (code, kind, format, seq_start, alpha_start) VALUES
  ('YEARLY',  'lot',    '{ITEM}-{YY}{MM}-{SEQ:4|ITEM,YYYY}', 1,   'A'),
  ('MONTHLY', 'lot',    '{ITEM}-{YY}{MM}-{SEQ:4}',           1,   'A'),
  ('GLOBAL',  'lot',    '{ITEM}{SEQ:6|}',                    1,   'A'),
  ('START',   'lot',    'S{SEQ:3}',                          500, 'A'),
  ('ZERO',    'lot',    'Z{SEQ:2}',                          0,   'A'),
  ('LETTERS', 'lot',    '{ITEM}{ALPHA:2}',                   1,   'AY'),
  ('ALPHA1',  'lot',    'Q{ALPHA:1}',                        1,   'A'),
  ('CHECKED', 'lot',    '{SEQ:5|}{CHK}',                     1,   'A'),
  ('RANDOM',  'serial', '{ITEM}-{RAND:8}',                   1,   'A'),
  ('RANDSEQ', 'serial', 'R{RAND:4}{SEQ:3}',                  1,   'A'),
  ('YLML',    'lot',    '{YL}{ML}{SEQ:3}',                   1,   'A'),
  ('TINY',    'lot',    'T{SEQ:1}',                          8,   'A');

------------------------------------------------------------------------------
-- Counters per root
------------------------------------------------------------------------------

-- {SEQ:4|ITEM,YYYY}: one counter per item and year; months of the same year
-- share it, a new year and another item start again at 1
SELECT ctx->>'item' AS item, ctx->>'start_date' AS start_date,
       lottrace.next_code('YEARLY', ctx) AS code
  FROM (VALUES (1, '{"item": "WIDGET", "start_date": "2026-03-05"}'::jsonb),
               (2, '{"item": "WIDGET", "start_date": "2026-11-20"}'),
               (3, '{"item": "WIDGET", "start_date": "2026-12-31"}'),
               (4, '{"item": "WIDGET", "start_date": "2027-01-01"}'),
               (5, '{"item": "GADGET", "start_date": "2026-03-05"}'),
               (6, '{"item": "WIDGET", "start_date": "2027-02-01"}')) AS t(n, ctx)
 ORDER BY n;

-- the counter rows: the root is the |ROOT values joined by |, last_value the
-- last value handed out
SELECT code_type, root, last_value FROM lottrace.code_counter
 WHERE code_type = 'YEARLY' ORDER BY root;

-- without |ROOT the root is the code without its counter: this format
-- counts per item and month
SELECT ctx->>'item' AS item, ctx->>'start_date' AS start_date,
       lottrace.next_code('MONTHLY', ctx) AS code
  FROM (VALUES (1, '{"item": "WIDGET", "start_date": "2026-03-05"}'::jsonb),
               (2, '{"item": "WIDGET", "start_date": "2026-03-28"}'),
               (3, '{"item": "WIDGET", "start_date": "2026-04-01"}'),
               (4, '{"item": "GADGET", "start_date": "2026-03-05"}'),
               (5, '{"item": "WIDGET", "start_date": "2026-03-30"}')) AS t(n, ctx)
 ORDER BY n;

-- the MONTHLY roots are the codes without the counter
SELECT code_type, root, last_value FROM lottrace.code_counter
 WHERE code_type = 'MONTHLY' ORDER BY root;

-- {SEQ:6|}: one global counter, whatever the item
SELECT n, lottrace.next_code('GLOBAL', jsonb_build_object('item', item)) AS code
  FROM (VALUES (1, 'A'), (2, 'B'), (3, 'A'), (4, 'CC')) AS t(n, item)
 ORDER BY n;

-- the global counter has the empty root
SELECT code_type, root, last_value FROM lottrace.code_counter
 WHERE code_type = 'GLOBAL';

-- counters of one code type do not touch those of another
SELECT code_type, count(*) AS roots, sum(last_value) AS total
  FROM lottrace.code_counter GROUP BY code_type ORDER BY code_type;

------------------------------------------------------------------------------
-- Start values
------------------------------------------------------------------------------

-- seq_start is the first value of a new root
SELECT g, lottrace.next_code('START', '{}') AS code FROM generate_series(1, 3) g ORDER BY g;

-- seq_start 0 is allowed: the counter starts at 0
SELECT g, lottrace.next_code('ZERO', '{}') AS code FROM generate_series(1, 2) g ORDER BY g;

-- alpha_start: AY, AZ, then BA (base 26, A = 0)
SELECT g, lottrace.next_code('LETTERS', '{"item": "P"}') AS code
  FROM generate_series(1, 4) g ORDER BY g;

-- ALPHA counters are kept 0-based: BB = 27
SELECT root, last_value FROM lottrace.code_counter WHERE code_type = 'LETTERS';

-- a new root of the ALPHA code type starts again at alpha_start
SELECT lottrace.next_code('LETTERS', '{"item": "Q"}') AS code;

-- an ALPHA:1 counter runs A .. Z
SELECT string_agg(lottrace.next_code('ALPHA1', '{}'), ' ' ORDER BY g) AS codes
  FROM generate_series(1, 26) g;

-- ... and then is exhausted: SQLSTATE 22003, the message names code type and root
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('ALPHA1', '{}')$$);

------------------------------------------------------------------------------
-- CHK, RAND, year and month letters
------------------------------------------------------------------------------

-- CHK is the GS1 mod-10 check digit of the digits before it
SELECT g, code,
       right(code, 1)::int = lottrace.gs1_check_digit(left(code, 5)) AS check_ok,
       lottrace.matches(code, '{SEQ:5|}{CHK}') AS matches
  FROM (SELECT g, lottrace.next_code('CHECKED', '{}') AS code
          FROM generate_series(1, 4) g) s
 ORDER BY g;

-- RAND: 200 codes, all different, all of the format (8 characters 0-9A-Z)
SELECT count(*) AS codes, count(DISTINCT code) AS distinct_codes,
       bool_and(lottrace.matches(code, '{ITEM}-{RAND:8}', '{"item": "SER"}')) AS all_match,
       bool_and(code ~ '^SER-[0-9A-Z]{8}$') AS all_shaped
  FROM (SELECT lottrace.next_code('RANDOM', '{"item": "SER"}') AS code
          FROM generate_series(1, 200)) s;

-- a format without a counter keeps no counter row
SELECT count(*) AS counter_rows FROM lottrace.code_counter WHERE code_type = 'RANDOM';

-- RAND is left out of the root: R{RAND:4}{SEQ:3} has one counter (root "R")
SELECT g, code ~ '^R[0-9A-Z]{4}00[1-3]$' AS shaped, right(code, 3) AS counter
  FROM (SELECT g, lottrace.next_code('RANDSEQ', '{}') AS code
          FROM generate_series(1, 3) g) s
 ORDER BY g;

-- ... the root row
SELECT root, last_value FROM lottrace.code_counter WHERE code_type = 'RANDSEQ';

-- year letters come from lottrace.year_letter, month letters from the seeded
-- lottrace.month_letter (A = January); the counter runs per letter pair
INSERT INTO lottrace.year_letter (year, letter) VALUES (2026, 'F'), (2027, 'G');
SELECT ctx->>'start_date' AS start_date, lottrace.next_code('YLML', ctx) AS code
  FROM (VALUES (1, '{"start_date": "2026-01-15"}'::jsonb),
               (2, '{"start_date": "2026-12-01"}'),
               (3, '{"start_date": "2026-01-31"}'),
               (4, '{"start_date": "2027-03-01"}')) AS t(n, ctx)
 ORDER BY n;

-- a year without a letter: SQLSTATE 22023
SELECT sqlstate, message
  FROM pg_temp.err($$SELECT lottrace.next_code('YLML', '{"start_date": "2030-01-01"}')$$);

------------------------------------------------------------------------------
-- Errors
------------------------------------------------------------------------------

-- the counter passing its length: 22003; the message names code type and root
SELECT g, lottrace.next_code('TINY', '{}') AS code FROM generate_series(1, 2) g ORDER BY g;
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('TINY', '{}')$$);

-- the failed call left the counter where it was
SELECT root, last_value FROM lottrace.code_counter WHERE code_type = 'TINY';

-- the root named in the exhaustion message is the |ROOT value
UPDATE lottrace.code_counter SET last_value = 9999
 WHERE code_type = 'YEARLY' AND root = 'GADGET|2026';
SELECT sqlstate, message
  FROM pg_temp.err($$SELECT lottrace.next_code('YEARLY', '{"item": "GADGET", "start_date": "2026-05-01"}')$$);

-- an unknown code type: 42704
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('NO-SUCH-TYPE', '{}')$$);

-- a context key the format needs is missing: 22023, the message names the key
SELECT sqlstate, message
  FROM pg_temp.err($$SELECT lottrace.next_code('YEARLY', '{"start_date": "2026-05-01"}')$$);

-- a NULL context is an empty one
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('YEARLY', NULL)$$);
SELECT lottrace.next_code('START', NULL) AS code;

-- a missing key consumed nothing: the counter rows are unchanged
SELECT code_type, count(*) AS roots, sum(last_value) AS total
  FROM lottrace.code_counter WHERE code_type IN ('YEARLY', 'START')
 GROUP BY code_type ORDER BY code_type;

------------------------------------------------------------------------------
-- Gapless: a rolled-back call consumes nothing
------------------------------------------------------------------------------

-- the value a rolled-back transaction got is handed out again
BEGIN;
SELECT lottrace.next_code('GLOBAL', '{"item": "RB"}') AS in_rolled_back_transaction;
ROLLBACK;
SELECT lottrace.next_code('GLOBAL', '{"item": "RB"}') AS after_rollback;

-- the same for a new root: the rolled-back call leaves no counter row
BEGIN;
SELECT lottrace.next_code('YEARLY', '{"item": "NEWROOT", "start_date": "2026-06-01"}') AS rolled_back;
ROLLBACK;
SELECT count(*) AS counter_rows FROM lottrace.code_counter WHERE root LIKE 'NEWROOT|%';
SELECT lottrace.next_code('YEARLY', '{"item": "NEWROOT", "start_date": "2026-06-01"}') AS after_rollback;

-- and for a rolled-back savepoint
BEGIN;
SELECT lottrace.next_code('START', '{}') AS kept;
SAVEPOINT s;
SELECT lottrace.next_code('START', '{}') AS rolled_back;
ROLLBACK TO SAVEPOINT s;
SELECT lottrace.next_code('START', '{}') AS reused;
COMMIT;

------------------------------------------------------------------------------
-- Codes already used by a lot or serial of the same item are skipped
------------------------------------------------------------------------------

CREATE TABLE nc_moves (
  id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL,
  lot text, serial text, variant text);
SELECT lottrace.attach('nc_moves', item => 'item', qty => 'qty', warehouse => 'wh',
                       lot => 'lot', serial => 'serial', variant => 'variant');
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('SKIPLOT', 'lot', '{ITEM}-{SEQ:3|ITEM}'),
  ('SKIPSER', 'serial', '{ITEM}{SEQ:2|ITEM}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('SK', true, 'SKIPLOT');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('OTHER', true);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('SN', true, 'SKIPSER');

-- lots SK-001, SK-002 and SK-004 exist (SK-004 of a variant); another item
-- has a lot called SK-005, and a serial of SN is called SN01
INSERT INTO nc_moves (item, qty, wh, lot, variant) VALUES
  ('SK', 5, 'W1', 'SK-001', NULL), ('SK', 5, 'W1', 'SK-002', NULL),
  ('SK', 5, 'W1', 'SK-004', 'RED'), ('OTHER', 5, 'W1', 'SK-005', NULL);
INSERT INTO nc_moves (item, qty, wh, serial) VALUES ('SN', 1, 'W1', 'SN01');

-- next_code skips SK-001, SK-002 and SK-004 (any variant); SK-005 belongs to
-- another item and is handed out
SELECT g, lottrace.next_code('SKIPLOT', '{"item": "SK"}') AS code
  FROM generate_series(1, 3) g ORDER BY g;

-- the counter stands on the last value handed out
SELECT root, last_value FROM lottrace.code_counter WHERE code_type = 'SKIPLOT';

-- serial codes: SN01 is used, so the first code is SN02
SELECT lottrace.next_code('SKIPSER', '{"item": "SN"}') AS code;

-- loads without a lot code get one the same way (generation skips SK-006,
-- registered first)
INSERT INTO nc_moves (item, qty, wh, lot) VALUES ('SK', 1, 'W1', 'SK-006');
INSERT INTO nc_moves (item, qty, wh) VALUES ('SK', 1, 'W1') RETURNING item, lot;

-- a skip that runs past the counter's length: 22003
UPDATE lottrace.code_counter SET last_value = 997 WHERE code_type = 'SKIPLOT';
INSERT INTO nc_moves (item, qty, wh, lot) VALUES ('SK', 1, 'W1', 'SK-998'), ('SK', 1, 'W1', 'SK-999');
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('SKIPLOT', '{"item": "SK"}')$$);

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Privileges: next_code is not executable by PUBLIC
------------------------------------------------------------------------------

-- no EXECUTE for PUBLIC
SELECT has_function_privilege('public', 'lottrace.next_code(text, jsonb)', 'EXECUTE') AS public_execute;

-- a plain role gets 42501
CREATE ROLE regress_lt_nc_plain;
GRANT USAGE ON SCHEMA lottrace TO regress_lt_nc_plain;
SET ROLE regress_lt_nc_plain;
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('GLOBAL', '{"item": "X"}')$$);
RESET ROLE;

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE nc_moves;
DROP OWNED BY regress_lt_nc_plain;
DROP ROLE regress_lt_nc_plain;
