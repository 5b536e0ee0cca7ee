-- Lot and serial codes beyond GS1 character set 82 (issue 13, point 6b;
-- API.md §7): what the types accept and refuse (SQLSTATE, code point and
-- position), lengths in characters, order and equality unchanged, binary
-- send / receive; the GS1 rule on attached tables (lottrace.item.gs1_codes),
-- ERP history with spaces and accents attached, generated codes GS1-safe.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
SET search_path = public, lottrace;

-- ============================================================ accepted

-- What ERPs hold: spaces inside (Dolibarr, Odoo), accented letters, other
-- scripts, ASCII punctuation outside set 82, symbols, combining marks.
-- Length counts characters; the bytes are the server encoding's (UTF8).
SELECT c::text AS code, length(c) AS chars, octet_length(c::text) AS bytes
  FROM unnest(ARRAY['LOT 7/26', 'Café-01', 'ÅÄÖ', '  Nº 12 ', '批次-7', 'Лот 12', 'ロット３',
                    'دفعة-3', 'Παρτίδα', 'A~#$@[\]^`{|}', 'L-😀', 'e' || chr(769) || '1']::lotcode[]) c;

-- ============================================================ refused

-- Every refused kind, in the middle of a code: 22P02 and a detail with the
-- code point and the 1-based position in characters; serialcode agrees.
-- The neighbours of the refused ranges are accepted, and so are code
-- points Unicode has not assigned (U+E0080, U+EFFFD).
SELECT 'U+' || CASE WHEN cp < 4096 THEN lpad(upper(to_hex(cp)), 4, '0') ELSE upper(to_hex(cp)) END AS cp, e.sqlstate, e.detail,
       (pg_temp.err(format('SELECT %L::lottrace.serialcode', 'Å' || chr(cp) || 'B'))).sqlstate
         = e.sqlstate AS serial_agrees
  FROM unnest(ARRAY[
         1, 31, 127, 133, 159,                       -- controls
         160, 5760, 8192, 8202, 8232, 8233, 8239, 8287, 12288,   -- white space
         173, 847, 1536, 1564, 1757, 1807, 2192, 2274, 4447, 6068, 6155, 6158,
         8203, 8207, 8234, 8238, 8288, 8294, 8303, 10240, 12644, 65024, 65039,
         65279, 65440, 65529, 69821, 69837, 78896, 78911, 113824, 119155,
         917505, 917631, 917760, 917999,             -- invisible and format
         65532, 65533,                               -- replacement characters
         57344, 63743, 983040, 1048573, 1048576,     -- private use
         64976, 65007, 65534, 65535, 131070, 1114111, -- noncharacters
         161, 172, 174, 8208, 8231, 8240, 8304, 10241, 65040, 65519, 917632,
         983037                                      -- neighbours: accepted
       ]) WITH ORDINALITY AS u(cp, n),
       LATERAL pg_temp.err(format('SELECT %L::lottrace.lotcode', 'Å' || chr(cp) || 'B')) e
 ORDER BY n;

-- The space: kept once inside, trimmed around, refused twice in a row;
-- other white space is neither trimmed nor accepted.
SELECT 'LOT 7/26'::lotcode AS one, E' \t LOT 7 \n'::lotcode AS trimmed;
SELECT e.sqlstate, e.message, e.detail, e.hint
  FROM unnest(ARRAY['ÅÄÖ  X', E'LOT\t7', E'LOT 7\u00a0', E'\u3000LOT']) c,
       LATERAL pg_temp.err(format('SELECT %L::lottrace.lotcode', c)) e;

-- Bytes that are not UTF-8 (they can only arrive through binary input):
-- 22P02 with the byte and its byte position.  The input given as bytea:
-- an encoded surrogate (U+D800), an overlong "/", a cut character.
CREATE TABLE raw (b bytea);
CREATE TABLE codes (code lotcode);
INSERT INTO raw VALUES ('\x41eda080');
\copy (SELECT b FROM raw) TO 'results/wide-raw.bin' (FORMAT binary)
\copy codes FROM 'results/wide-raw.bin' (FORMAT binary)
UPDATE raw SET b = '\x41c0af';
\copy (SELECT b FROM raw) TO 'results/wide-raw.bin' (FORMAT binary)
\copy codes FROM 'results/wide-raw.bin' (FORMAT binary)
UPDATE raw SET b = '\xc3a9c3';
\copy (SELECT b FROM raw) TO 'results/wide-raw.bin' (FORMAT binary)
\copy codes FROM 'results/wide-raw.bin' (FORMAT binary)
SELECT count(*) AS taken FROM codes;

-- ================================================= length in characters

-- 50 characters whatever their bytes (100 for é, 200 for an emoji); 51 is
-- 22001 and the detail counts characters.
SELECT length(repeat('é', 50)::lotcode) AS e50, octet_length(repeat('😀', 50)::lotcode::text) AS emoji_bytes;
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT repeat('é', 51)::lottrace.lotcode$$);

-- lotcode(n) / serialcode(n) count characters too, in input, assignment
-- and explicit casts.
CREATE TABLE short (code lotcode(5), serial serialcode(3));
INSERT INTO short VALUES ('ÅÄÖÅÄ', 'Nº1');
SELECT code, octet_length(code::text) AS bytes, serial FROM short;
SELECT sqlstate, message, detail FROM pg_temp.err($$INSERT INTO short (code) VALUES ('ÅÄÖÅÄÖ')$$);
SELECT sqlstate, detail FROM pg_temp.err($$SELECT 'Café-01'::lottrace.lotcode::lottrace.lotcode(6)$$);
SELECT 'Café-0'::lotcode::lotcode(6) AS fits;

-- ========================================== equality and order unchanged

-- Equality is byte equality: case and accents count, and composed é is
-- not e + combining acute (no normalisation).
SELECT 'Café'::lotcode = 'Cafe' AS accent_ignored, 'café'::lotcode = 'Café' AS case_ignored,
       'Café'::lotcode = ('Cafe' || chr(769))::lotcode AS nfc_is_nfd,
       'LOT 7'::lotcode = ' LOT 7 '::lotcode AS trimmed_equal;

-- Natural order: ASCII digit runs by value (other digits, such as fullwidth
-- ３, are characters like letters), everything else in UTF-8 byte order,
-- which is code point order.
SELECT string_agg(c::text, ' | ' ORDER BY c) AS natural
  FROM unnest(ARRAY['Å10', 'Å2', 'LOT 10', 'LOT 2', 'LOT 2a', 'Lot 2', 'Z9', 'É1', 'e',
                    '批次1', '😀', 'ロット３', 'ロット2', 'LOT-2']::lotcode[]) c;

-- Equality, order and hashing agree on every pair of a set of wide codes.
WITH v(c) AS (SELECT unnest(ARRAY['A', 'A 1', 'A 01', 'A1', 'Å1', 'Å01', 'Å 1', 'å1', 'É',
                                  'E' || chr(769), '批1', '批01', '批 1', '😀1', '😀01', 'L 9', 'L 10']::lotcode[]))
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (x.c < y.c)::int + (x.c = y.c)::int + (x.c > y.c)::int <> 1) AS not_trichotomous,
       count(*) FILTER (WHERE (x.c = y.c) <> (lotcode_cmp(x.c, y.c) = 0)) AS eq_vs_cmp,
       count(*) FILTER (WHERE (x.c = y.c) <> (x.c::text = y.c::text)) AS eq_vs_bytes,
       count(*) FILTER (WHERE x.c = y.c AND lotcode_hash(x.c) <> lotcode_hash(y.c)) AS hash_mismatch,
       (SELECT count(*) FROM v a, v b, v c WHERE a.c < b.c AND b.c < c.c AND NOT a.c < c.c) AS intransitive
  FROM v x, v y;

-- A btree index on wide codes is consistent (amcheck) and serves equality
-- with a code and with a text parameter; a text that is no code (two
-- spaces) equals nothing rather than failing.
CREATE TABLE lots (code lotcode PRIMARY KEY);
INSERT INTO lots SELECT c || ' ' || i FROM unnest(ARRAY['LOT', 'Lot', 'Café', 'ÅÄÖ', '批次']) c,
                                          generate_series(1, 200) i;
ANALYZE lots;
CREATE EXTENSION amcheck;
SELECT bt_index_check('lots_pkey', true);
DROP EXTENSION amcheck;
SELECT array_agg(code ORDER BY code) AS range FROM lots WHERE code BETWEEN 'Café 8' AND 'Café 11';
PREPARE by_code(text) AS SELECT code FROM lots WHERE code = $1;
EXECUTE by_code(' ÅÄÖ 7 ');
EXECUTE by_code('ÅÄÖ  7');

-- ================================================== binary send / receive

-- Binary output is the code's bytes (client encoding UTF8 here); a binary
-- COPY round trip keeps every code.
SELECT lotcode_send('Café 7') AS bytes, serialcode_send('Nº 7'::serialcode) AS serial_bytes;
\copy lots TO 'results/wide-codes.bin' (FORMAT binary)
CREATE TABLE lots2 (LIKE lots);
\copy lots2 FROM 'results/wide-codes.bin' (FORMAT binary)
SELECT (SELECT count(*) FROM lots2) AS copied,
       (SELECT count(*) FROM (TABLE lots EXCEPT TABLE lots2) d) AS missing,
       (SELECT count(*) FROM (TABLE lots2 EXCEPT TABLE lots) d) AS extra;
-- Binary input is checked like text input, lengths in characters included.
CREATE TABLE short2 (code lotcode(3));
\copy (SELECT 'ÅÄÖ'::text UNION ALL SELECT 'ÅÄÖÅ') TO 'results/wide-raw.bin' (FORMAT binary)
\copy short2 FROM 'results/wide-raw.bin' (FORMAT binary)
\copy (SELECT 'ÅÄÖ'::text UNION ALL SELECT E'Å\u200b') TO 'results/wide-raw.bin' (FORMAT binary)
\copy short2 FROM 'results/wide-raw.bin' (FORMAT binary)
\copy (SELECT 'ÅÄÖ'::text) TO 'results/wide-raw.bin' (FORMAT binary)
\copy short2 FROM 'results/wide-raw.bin' (FORMAT binary)
SELECT code FROM short2;

-- ========================================= the GS1 rule on attached tables

-- Items: GS keeps to set 82 (the default), WIDE does not; serials alike;
-- GEN and SUPL have their lots generated (GEN from a counter, SUPL from the
-- supplier's lot) and allow wide typed codes.
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('GENFMT', 'lot', '{ITEM}-{SEQ:3}'), ('SUPFMT', 'lot', '{SUPLOT}');
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, lot_code_type, gs1_codes) VALUES
  ('GS', true, false, NULL, DEFAULT), ('WIDE', true, false, NULL, false),
  ('SGS', false, true, NULL, true), ('SWIDE', false, true, NULL, false),
  ('GEN', true, false, 'GENFMT', false), ('SUPL', true, false, 'SUPFMT', false);
SELECT item, gs1_codes FROM lottrace.item ORDER BY item;
SELECT col_description('lottrace.item'::regclass,
                       (SELECT attnum FROM pg_attribute
                         WHERE attrelid = 'lottrace.item'::regclass AND attname = 'gs1_codes')) AS comment;
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');

-- ERP history: rows written before lottrace, with the codes the ERP
-- allowed; attached with backfill, they are taken into the registers.
CREATE TABLE moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, serial text,
                    reason text, suplot text);
INSERT INTO moves VALUES
  (1, 'WIDE', 10, 'W1', 'LOT 7/26', NULL, 'IN', NULL),
  (2, 'WIDE', 5, 'W1', 'Café-01', NULL, 'IN', NULL),
  (3, 'WIDE', 4, 'W1', 'ÅÄÖ', NULL, 'IN', NULL),
  (4, 'SWIDE', 1, 'W1', NULL, 'Nº 1', 'IN', NULL),
  (5, 'WIDE', 1, 'W1', 'LOT 7/26', NULL, 'OUT', NULL);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', supplier_lot => 'suplot',
                       backfill => true);
SELECT item, lot, on_hand FROM lottrace.lot_register ORDER BY item, lot;
SELECT item, serial, state FROM lottrace.serial_register;

-- The same codes for GS / SGS: 22P02 lottrace_code_syntax, the first
-- character outside set 82 named by position and code point, and a hint
-- naming lottrace.item.gs1_codes.
INSERT INTO moves VALUES (10, 'GS', 1, 'W1', 'LOT 7/26', NULL, 'IN', NULL);
SELECT c.code, e.sqlstate, e.constraint_name, e.message
  FROM unnest(ARRAY['Café-01', 'ÅÄÖ', 'A~1', 'Lot-批次']) c(code),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES (10, 'GS', 1, 'W1', %L, NULL, 'IN', NULL)$$, c.code)) e;
SELECT sqlstate, constraint_name, message, detail, hint
  FROM pg_temp.err($$INSERT INTO moves VALUES (10, 'SGS', 1, 'W1', NULL, 'Nº 1', 'IN', NULL)$$);
-- A set-82 code is fine for GS.
INSERT INTO moves VALUES (10, 'GS', 1, 'W1', 'LOT-7/26', NULL, 'IN', NULL);

-- For WIDE the type's rules still hold: two spaces, a control character.
SELECT c.code, e.sqlstate, e.constraint_name, e.message
  FROM unnest(ARRAY['LOT  7', E'LOT\u00a07', E'LOT\u200b7']) c(code),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES (11, 'WIDE', 1, 'W1', %L, NULL, 'IN', NULL)$$, c.code)) e;
-- New wide codes for WIDE and SWIDE are accepted.
INSERT INTO moves VALUES (11, 'WIDE', 2, 'W1', '批次-7', NULL, 'IN', NULL),
                         (12, 'SWIDE', 1, 'W1', NULL, 'Nº 2', 'IN', NULL),
                         (13, 'WIDE', 3, 'W1', 'Café-01', NULL, 'OUT', NULL);

-- Columns of type lotcode / serialcode: the type has checked the code, the
-- GS1 rule is the engine's.
CREATE TABLE typed (id int PRIMARY KEY, item text, qty numeric, wh text, lot lotcode, serial serialcode,
                    reason text);
SELECT lottrace.attach('typed', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason');
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO typed VALUES (1, 'GS', 1, 'W1', 'ÅÄÖ 2', NULL, 'IN')$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO typed VALUES (1, 'SGS', 1, 'W1', NULL, 'SN~1', 'IN')$$);
INSERT INTO typed VALUES (1, 'WIDE', 1, 'W1', 'ÅÄÖ 2', NULL, 'IN'),
                         (2, 'SWIDE', 1, 'W1', NULL, 'Nº 3', 'IN'),
                         (3, 'GS', 1, 'W1', 'LOT-7/26', NULL, 'IN');

-- The registers hold the wide codes; verify() finds nothing to report.
SELECT item, lot, on_hand FROM lottrace.lot_register ORDER BY item, lot;
SELECT item, serial, state FROM lottrace.serial_register ORDER BY item, serial;
SELECT * FROM lottrace.verify();

-- WIDE back to gs1_codes = true: new movements of its wide lots are
-- refused, the new side of an UPDATE too; removing rows is not (their
-- effect is taken out).
UPDATE lottrace.item SET gs1_codes = true WHERE item = 'WIDE';
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO moves VALUES (20, 'WIDE', 1, 'W1', 'ÅÄÖ', NULL, 'OUT', NULL)$$);
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$UPDATE moves SET qty = 4 WHERE id = 11$$);
DELETE FROM moves WHERE id IN (3, 11);
SELECT item, lot, on_hand FROM lottrace.lot_register WHERE item = 'WIDE' ORDER BY lot;
UPDATE lottrace.item SET gs1_codes = false WHERE item = 'WIDE';

-- ================================================ generated codes: set 82

-- A generated lot is GS1-safe, whatever gs1_codes allows in typed codes.
INSERT INTO moves VALUES (30, 'GEN', 1, 'W1', NULL, NULL, 'IN', NULL) RETURNING lot;
SELECT lot, lot ~ $re$^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$$re$ AS set82
  FROM moves WHERE id = 30;

-- A code made of the supplier's lot ({SUPLOT}): a set-82 supplier lot
-- becomes the lot; one with a space or an accent cannot, even for an item
-- with gs1_codes = false: 22P02 lottrace_code_syntax, and nothing is written.
INSERT INTO moves VALUES (31, 'SUPL', 1, 'W1', NULL, NULL, 'IN', 'S-7/26') RETURNING lot;
SELECT c.suplot, e.sqlstate, e.constraint_name, e.message, e.detail
  FROM unnest(ARRAY['LOT 7/26', 'Café-01']) c(suplot),
       LATERAL pg_temp.err(format($$INSERT INTO moves VALUES (32, 'SUPL', 1, 'W1', NULL, NULL, 'IN', %L)$$, c.suplot)) e;
SELECT count(*) AS rows_32 FROM moves WHERE id = 32;
-- next_code() the same: the context value is unusable (22023).
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.next_code('SUPFMT', '{"supplier_lot": "LOT 7/26"}')$$);
-- A code type's format only matches set-82 codes, so a wide code given in
-- the row of an item with a code type fails its format check (23514
-- lottrace_code_format), gs1_codes = false or not: wide codes are for
-- items whose codes come from the ERP.
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$INSERT INTO moves VALUES (33, 'SUPL', 1, 'W1', 'LOT 7/26', NULL, 'IN', 'LOT 7/26')$$);
SELECT item, lot, supplier_lot FROM lottrace.lot_register WHERE item = 'SUPL' ORDER BY lot;

-- gs1_lot() / gs1_serial() still return lotcode / serialcode.
SELECT lottrace.gs1_lot('(01)09506000134352(10)AB-12') AS lot,
       pg_typeof(lottrace.gs1_lot('(01)09506000134352(10)AB-12')) AS lot_type,
       pg_typeof(lottrace.gs1_serial('(01)09506000134352(21)S1')) AS serial_type;

SELECT * FROM lottrace.verify();

SELECT lottrace.detach('moves'), lottrace.detach('typed');
DROP TABLE moves, typed, raw, codes, short, short2, lots, lots2;
DROP EXTENSION lottrace;
