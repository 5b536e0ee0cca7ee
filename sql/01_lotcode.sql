-- Identifier types lottrace.lotcode and lottrace.serialcode (API.md §1).
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- Tables go to public; the operators are found in lottrace.
SET search_path = public, lottrace;

-- ===================================================== input and trimming

-- Leading and trailing white space (space, tab, LF, CR, VT, FF) is trimmed;
-- case is kept.
SELECT '  L-2024/001  '::lotcode AS spaces,
       E'\t\n AbC \r\f'::lotcode AS mixed,
       (E'\x0b' || 'x' || E'\x0b')::lotcode AS vt,
       length(' a '::lotcode) AS len;

-- Every character of set 82 is accepted; 50 characters are allowed, also
-- with white space around them.
SELECT $$!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJ$$::lotcode AS part1,
       'KLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'::serialcode AS part2,
       length(repeat('Z', 50)::lotcode) AS len50,
       length(('   ' || repeat('Z', 50) || E'\n')::lotcode) AS len50_trimmed;

-- Every ASCII character 1..127 classified, in the middle of a code: the 95
-- printable ones (the space included) are accepted, the 32 control
-- characters rejected; lotcode and serialcode agree.  (Codes outside GS1
-- character set 82 are a rule of attached tables: sql/26_wide_codes.)
SELECT count(*) FILTER (WHERE lot_ok) AS accepted,
       string_agg(chr(i), '' ORDER BY i) FILTER (WHERE lot_ok) AS accepted_chars,
       count(*) FILTER (WHERE NOT lot_ok) AS rejected,
       string_agg(chr(i), '' ORDER BY i) FILTER (WHERE NOT lot_ok AND i BETWEEN 32 AND 126) AS rejected_printable,
       bool_and(lot_ok = serial_ok) AS types_agree
  FROM (SELECT i,
               (pg_temp.err(format('SELECT %L::lottrace.lotcode', 'x' || chr(i) || 'x'))).sqlstate = 'no error' AS lot_ok,
               (pg_temp.err(format('SELECT %L::lottrace.serialcode', 'x' || chr(i) || 'x'))).sqlstate = 'no error' AS serial_ok
          FROM generate_series(1, 127) i) s;

-- Which ASCII characters are trimmed as white space around a code: 9-13, 32.
SELECT string_agg(i::text, ',' ORDER BY i) AS trimmed
  FROM generate_series(1, 127) i,
       LATERAL pg_temp.err(format('SELECT %L::lottrace.lotcode', chr(i) || 'x' || chr(i))) e
 WHERE CASE WHEN e.sqlstate = 'no error'
            THEN (chr(i) || 'x' || chr(i))::lotcode::text = 'x' END;

-- ========================================================= input errors

-- A character a code may not hold: 22P02; the detail names its code point
-- and its 1-based position in the input as given (leading blanks count).
SELECT sqlstate, message, detail, hint FROM pg_temp.err($$SELECT E'  AB\x7fC'::lottrace.lotcode$$);

-- An inner space is kept, not trimmed; two in a row are refused.
SELECT 'AB 12'::lotcode AS one_space, length('AB 12'::lotcode) AS len;
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT 'AB  12'::lottrace.lotcode$$);

-- A control character is shown by its code point (U+0009 for a tab).
SELECT sqlstate, detail FROM pg_temp.err($$SELECT E'AB\t12'::lottrace.lotcode$$);

-- Letters of other scripts and symbols are characters like any other;
-- refused ones are named by their code point, at a position in characters.
SELECT ' Aé'::lotcode AS accented, 'L-😀'::lotcode AS emoji, length('L-😀'::lotcode) AS len;
SELECT sqlstate, detail FROM pg_temp.err($$SELECT E'X\u00a0Y'::lottrace.lotcode$$);
SELECT sqlstate, detail FROM pg_temp.err($$SELECT E'ÅÄ\u200bÖ'::lottrace.lotcode$$);

-- The empty string, and nothing but white space: 22P02.
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT ''::lottrace.lotcode$$);
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT E' \t '::lottrace.lotcode$$);

-- 51 characters: 22001, with the length in the detail.
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT repeat('A', 51)::lottrace.lotcode$$);

-- A 1 MB string: 22001 (the whole string is scanned, nothing is echoed).
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT repeat('A', 1000000)::lottrace.lotcode$$);

-- A bad character wins over the length; a long input is cut in the message.
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT (repeat('A', 1000000) || E'\x01')::lottrace.lotcode$$);

-- Errors name serialcode for the serial type.
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT 'SN  1'::lottrace.serialcode$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT repeat('9', 51)::lottrace.serialcode$$);
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT ''::lottrace.serialcode$$);

-- NULL stays NULL.
SELECT NULL::lotcode IS NULL AS is_null, lottrace.lotcode(NULL::text) IS NULL AS cast_null;

-- ===================================================== equality and case

-- Case is significant; equality is exact (A01 and A1 are different codes).
SELECT 'abc'::lotcode = 'ABC'::lotcode AS ci_equal,
       'ABC'::lotcode = ' ABC '::lotcode AS trimmed_equal,
       'A01'::lotcode = 'A1'::lotcode AS a01_eq_a1,
       'A01'::lotcode <> 'A1'::lotcode AS a01_ne_a1;

-- ====================================================== natural ordering

-- L2 < L10, and the chain A < A1 < A2 < A10 < B.
SELECT 'L2'::lotcode < 'L10'::lotcode AS l2_lt_l10,
       'L10'::lotcode > 'L2'::lotcode AS l10_gt_l2,
       'A'::lotcode < 'A1' AND 'A1'::lotcode < 'A2' AND 'A2'::lotcode < 'A10'
         AND 'A10'::lotcode < 'B' AS chain;

-- A01 and A1 are naturally equal, so byte order decides: A01 < A1, both
-- below A2; the order is consistent with <>.
SELECT lotcode_cmp('A01', 'A1') AS cmp_a01_a1, lotcode_cmp('A1', 'A01') AS cmp_a1_a01,
       lotcode_cmp('A1', 'A1') AS cmp_same, 'A01'::lotcode < 'A2' AS a01_lt_a2,
       'A01'::lotcode <= 'A1' AND NOT 'A01'::lotcode >= 'A1' AS le_not_ge;

-- Digit runs beyond 64 bits compare by value; leading zeros only break ties.
SELECT 'X18446744073709551616'::lotcode > 'X18446744073709551615' AS above_2_64,
       'X99999999999999999999999'::lotcode < 'X100000000000000000000000' AS by_length,
       'X0000000000000000000000000000001'::lotcode < 'X2' AS leading_zeros,
       'X00000000000000000000000000000012'::lotcode > 'X11' AS zeros_12_gt_11;

-- ORDER BY gives the natural order (digits and other characters mixed:
-- a digit run sorts where its first digit would, between '/' and ':').
SELECT string_agg(c::text, ' ' ORDER BY c) AS ascending,
       string_agg(c::text, ' ' ORDER BY c DESC) AS descending
  FROM unnest('{B,A10,A2,A1,A,L10,L2,A01,a,A/,A:,A-1,A-01,A-0,A-}'::lotcode[]) c;

-- The default btree operator class sorts naturally even when lottrace is
-- not on the search_path.
SET search_path = public;
SELECT array_agg(c ORDER BY c) AS sorted FROM unnest('{L10,L9,L100,L1}'::lottrace.lotcode[]) c;
SET search_path = public, lottrace;

-- Sorting 10000 codes (sort support) matches their numeric order.
SELECT bool_and(rn = i) AS natural_sort
  FROM (SELECT i, row_number() OVER (ORDER BY c) AS rn
          FROM (SELECT i, ('LOT-' || i)::lotcode AS c FROM generate_series(1, 10000) i) s) s2;

-- Equality and ordering agree on every pair of a set of tricky codes:
-- exactly one of <, =, > holds, = matches cmp = 0, < is the mirror of >,
-- and equal codes hash equal.
WITH v(c) AS (SELECT unnest('{A,A0,A00,A1,A01,A001,A10,A010,a1,A1a,A1A,A1-,A-1,9,09,10,Z,_,!,A9B,A09B,A9b}'::lotcode[]))
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (x.c < y.c)::int + (x.c = y.c)::int + (x.c > y.c)::int <> 1) AS not_trichotomous,
       count(*) FILTER (WHERE (x.c = y.c) <> (lotcode_cmp(x.c, y.c) = 0)) AS eq_vs_cmp,
       count(*) FILTER (WHERE (x.c < y.c) <> (y.c > x.c)) AS lt_vs_gt,
       count(*) FILTER (WHERE x.c = y.c AND lotcode_hash(x.c) <> lotcode_hash(y.c)) AS hash_mismatch,
       count(*) FILTER (WHERE x.c = y.c) AS equal_pairs
  FROM v x, v y;

-- Transitivity on the same set: no a < b < c with not a < c.
WITH v(c) AS (SELECT unnest('{A,A0,A00,A1,A01,A001,A10,A010,a1,A1a,A1A,A1-,A-1,9,09,10,Z,_,!,A9B,A09B,A9b}'::lotcode[]))
SELECT count(*) AS violations FROM v a, v b, v c WHERE a.c < b.c AND b.c < c.c AND NOT a.c < c.c;

-- ================================================= keys, indexes, hashing

CREATE TABLE lots (code lotcode PRIMARY KEY, qty int);
INSERT INTO lots SELECT 'L' || i, i FROM generate_series(1, 1000) i;
INSERT INTO lots VALUES ('A01', 0), ('A1', 0), ('a1', 0);
ANALYZE lots;

-- The primary key rejects a duplicate (after trimming) but takes A01, A1
-- and a1 as three codes.
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO lots VALUES (' L5 ', 0)$$);
SELECT count(*) FROM lots WHERE code IN ('A01', 'A1', 'a1');

-- The btree index serves equality and natural ranges.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM lots WHERE code = 'L10';
SELECT array_agg(code ORDER BY code) FROM lots WHERE code BETWEEN 'L8' AND 'L11';
RESET enable_seqscan;

-- The index order is consistent with the comparison (amcheck).
CREATE EXTENSION amcheck;
SELECT bt_index_check('lots_pkey', true);
DROP EXTENSION amcheck;

-- DISTINCT and GROUP BY by hash aggregation.
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT code FROM lots;
EXPLAIN (COSTS OFF) SELECT code, count(*) FROM lots GROUP BY code;
SELECT count(*) AS groups FROM (SELECT DISTINCT code FROM lots) d;
SELECT c, count(*) FROM unnest('{A1,A01,A1,a1,A01,A1}'::lotcode[]) c GROUP BY c ORDER BY c;
RESET enable_sort;

-- A hash join.
CREATE TABLE moves (code lotcode, qty int);
INSERT INTO moves SELECT 'L' || (i % 50 + 1), 1 FROM generate_series(1, 500) i;
ANALYZE moves;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT l.code, sum(m.qty) FROM lots l JOIN moves m USING (code) GROUP BY l.code;
SELECT count(DISTINCT l.code) AS lots_moved, sum(m.qty) AS moved FROM lots l JOIN moves m USING (code);
RESET enable_mergejoin;
RESET enable_nestloop;

-- A hash index is used for equality.
CREATE INDEX moves_code_hash ON moves USING hash (code);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM moves WHERE code = 'L7';
SELECT count(*) FROM moves WHERE code = 'L7';
RESET enable_seqscan;
RESET enable_bitmapscan;

-- Extended hash: with seed 0 its low 32 bits are the standard hash; another
-- seed gives another hash.
SELECT bool_and((lotcode_hash_extended(code, 0) & 4294967295) = (lotcode_hash(code)::bigint & 4294967295)) AS seed0_matches,
       bool_and(lotcode_hash_extended(code, 0) <> lotcode_hash_extended(code, 1)) AS seed_matters
  FROM lots;

-- ... and it routes rows of a hash-partitioned table; equality prunes.
CREATE TABLE lots_hp (code lotcode) PARTITION BY HASH (code);
CREATE TABLE lots_hp0 PARTITION OF lots_hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE lots_hp1 PARTITION OF lots_hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO lots_hp SELECT code FROM lots;
SELECT count(*) AS total, count(DISTINCT tableoid) AS partitions_used FROM lots_hp;
EXPLAIN (COSTS OFF) SELECT * FROM lots_hp WHERE code = 'L5';
SELECT tableoid::regclass AS partition, code FROM lots_hp WHERE code = 'L5';

-- ==================================================== binary send/receive

-- Binary COPY round trip.
\copy lots TO 'results/lotcode.bin' (FORMAT binary)
CREATE TABLE lots2 (LIKE lots);
\copy lots2 FROM 'results/lotcode.bin' (FORMAT binary)
SELECT (SELECT count(*) FROM lots2) AS copied,
       (SELECT count(*) FROM (TABLE lots EXCEPT TABLE lots2) d) AS missing,
       (SELECT count(*) FROM (TABLE lots2 EXCEPT TABLE lots) d) AS extra;

-- Binary input is checked like text input: the raw bytes of a text value
-- (trimmed when valid, 22P02 when not) and of a bytea (bytes that are not
-- valid in the server encoding are reported as bytes).
CREATE TABLE raw (t text, b bytea);
INSERT INTO raw VALUES ('  L-7 ', NULL);
\copy (SELECT t FROM raw) TO 'results/lotcode-raw.bin' (FORMAT binary)
CREATE TABLE codes (code lotcode);
\copy codes FROM 'results/lotcode-raw.bin' (FORMAT binary)
SELECT code, length(code) FROM codes;
UPDATE raw SET t = 'L  7';
\copy (SELECT t FROM raw) TO 'results/lotcode-raw.bin' (FORMAT binary)
\copy codes FROM 'results/lotcode-raw.bin' (FORMAT binary)
UPDATE raw SET b = '\xff4c37';
\copy (SELECT b FROM raw) TO 'results/lotcode-raw.bin' (FORMAT binary)
\copy codes FROM 'results/lotcode-raw.bin' (FORMAT binary)
UPDATE raw SET t = repeat('L', 51);
\copy (SELECT t FROM raw) TO 'results/lotcode-raw.bin' (FORMAT binary)
\copy codes FROM 'results/lotcode-raw.bin' (FORMAT binary)

-- ======================================================= type modifier

-- lotcode(5): 5 characters (after trimming) fit, 6 do not (22001).
CREATE TABLE short (code lotcode(5), serial serialcode(3));
\d short
INSERT INTO short VALUES (' ABCDE ', 'S12');
SELECT sqlstate, message, detail FROM pg_temp.err($$INSERT INTO short (code) VALUES ('ABCDEF')$$);
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO short (serial) VALUES ('S123')$$);
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO short (code) SELECT 'ABCDEF'::text$$);
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO short (code) SELECT 'ABCDEF'::lottrace.lotcode$$);

-- An explicit cast does not cut a code either.
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'ABCDEF'::lottrace.lotcode::lottrace.lotcode(5)$$);
SELECT 'ABCDE'::lotcode::lotcode(5) AS fits, format_type('lottrace.lotcode'::regtype, 5) AS format_type;

-- Binary COPY into a lotcode(5) column applies the modifier.
\copy (SELECT 'ABCDEF'::lotcode) TO 'results/lotcode-raw.bin' (FORMAT binary)
\copy short (code) FROM 'results/lotcode-raw.bin' (FORMAT binary)

-- A modifier outside 1..50, or more than one: 22023.
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT 'A'::lottrace.lotcode(0)$$);
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT 'A'::lottrace.lotcode(51)$$);
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT 'A'::lottrace.serialcode(5, 2)$$);
SELECT sqlstate, message FROM pg_temp.err($$CREATE TABLE bad (c lottrace.lotcode(100))$$);

-- ================================================================ casts

-- The casts of the two types: text and varchar in by assignment (checked),
-- text out implicitly and varchar out by assignment (binary), the length
-- check; nothing between lotcode and serialcode.
SELECT castsource::regtype AS source, casttarget::regtype AS target,
       CASE castcontext WHEN 'i' THEN 'implicit' WHEN 'a' THEN 'assignment' ELSE 'explicit' END AS context,
       CASE castmethod WHEN 'f' THEN castfunc::regprocedure::text ELSE 'binary' END AS method
  FROM pg_cast
 WHERE castsource IN ('lottrace.lotcode'::regtype, 'lottrace.serialcode'::regtype)
    OR casttarget IN ('lottrace.lotcode'::regtype, 'lottrace.serialcode'::regtype)
 ORDER BY castsource::regtype::text COLLATE "C", casttarget::regtype::text COLLATE "C";

-- text -> lotcode by assignment in INSERT, from text and varchar columns;
-- the value is trimmed and checked.
CREATE TABLE src (t text, v varchar(60));
INSERT INTO src VALUES (' L-1 ', ' L-2 ');
INSERT INTO codes SELECT t FROM src;
INSERT INTO codes SELECT v FROM src;
SELECT code FROM codes WHERE code::text LIKE 'L-_' ORDER BY code;
UPDATE src SET t = E'L\u00ad1';
SELECT sqlstate, message, detail FROM pg_temp.err($$INSERT INTO codes SELECT t FROM src$$);

-- text -> lotcode is not implicit: a text value does not go to a lotcode
-- function argument without a cast.
SELECT sqlstate FROM pg_temp.err($$SELECT lottrace.lotcode_cmp('A'::text, 'B'::text)$$);

-- lotcode -> text is implicit: ||, LIKE, text functions.  Two codes
-- concatenate through text (there is no lotcode || lotcode since 1.1).
SELECT 'L-' || 'A1'::lotcode || '/x' AS cat, 'A1'::lotcode::text || 'B2'::lotcode AS cat2,
       'A1'::lotcode LIKE 'A%' AS "like", upper('ab1'::lotcode) AS upper,
       split_part('L-2024-7'::lotcode, '-', 2) AS part,
       'A1'::lotcode = 'A1'::text AS eq_text;

-- lotcode -> varchar by assignment, into a varchar column.
CREATE TABLE erp (lot varchar(20));
INSERT INTO erp SELECT code FROM lots WHERE code = 'L42';
SELECT lot FROM erp;

-- No cast between lotcode and serialcode, explicit or by assignment.
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'A1'::lottrace.lotcode::lottrace.serialcode$$);
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'A1'::lottrace.serialcode::lottrace.lotcode$$);
SELECT sqlstate, message FROM pg_temp.err($$INSERT INTO short (serial) SELECT 'A1'::lottrace.lotcode$$);
-- Going through text is explicit, and checked.
SELECT 'A1'::lotcode::text::serialcode AS via_text;
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'A1'::lottrace.lotcode || 'B2'::lottrace.lotcode$$);

-- There is no lotcode-serialcode operator either: each type compares with
-- text, so the comparison is ambiguous (42725) rather than a silent text
-- comparison; cast both to text where it is meant.
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'L10'::lottrace.lotcode < 'L2'::lottrace.serialcode$$);
SELECT sqlstate FROM pg_temp.err($$SELECT 'A1'::lottrace.lotcode = 'A1'::lottrace.serialcode$$);
SELECT 'L10'::lotcode::text < 'L2'::serialcode::text AS text_order;

-- ============================================================ serialcode

-- serialcode: the same rules, its own type.
CREATE TABLE serials (code serialcode PRIMARY KEY);
INSERT INTO serials VALUES (' SN10 '), ('SN9'), ('sn9'), ('SN09'), ('SN100');
SELECT array_agg(code ORDER BY code) AS natural, array_agg(code ORDER BY code::text COLLATE "C") AS bytewise
  FROM serials;
SELECT sqlstate, constraint_name FROM pg_temp.err($$INSERT INTO serials VALUES ('SN9 ')$$);
SELECT 'SN9'::serialcode = 'sn9'::serialcode AS ci_equal, 'SN9'::serialcode < 'SN10' AS natural_lt,
       serialcode_cmp('SN09', 'SN9') AS cmp_09_9,
       serialcode_hash_extended('SN9', 0) & 4294967295 = serialcode_hash('SN9')::bigint & 4294967295 AS hash_ok;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT code FROM serials;
RESET enable_sort;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM serials WHERE code = 'SN9';
RESET enable_seqscan;

-- ========================================================== the catalog

-- Every function of the two types is IMMUTABLE, STRICT and PARALLEL SAFE;
-- the comparison and hash functions are LEAKPROOF.
SELECT count(*) AS functions,
       count(*) FILTER (WHERE provolatile <> 'i' OR NOT proisstrict OR proparallel <> 's') AS not_immutable_strict_safe,
       string_agg(proname, ', ' ORDER BY proname) FILTER (WHERE proleakproof) AS leakproof
  FROM pg_proc
 WHERE pronamespace = 'lottrace'::regnamespace
   AND (proname LIKE 'lotcode%' OR proname LIKE 'serialcode%' OR proname LIKE 'text\_%cat');

-- Every type, function, operator, operator class and family, and cast
-- of the extension has a comment: no row here names an uncommented one.
SELECT classid::regclass AS catalog, pg_describe_object(classid, objid, 0) AS uncommented
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lottrace')
   AND deptype = 'e'
   AND classid IN ('pg_type'::regclass, 'pg_proc'::regclass, 'pg_operator'::regclass,
                   'pg_opclass'::regclass, 'pg_opfamily'::regclass, 'pg_cast'::regclass)
   AND obj_description(objid, classid::regclass::name) IS NULL
   AND NOT (classid = 'pg_type'::regclass
            AND EXISTS (SELECT FROM pg_type t WHERE t.oid = objid AND t.typelem <> 0 AND t.typlen = -1))
 ORDER BY classid::regclass::text COLLATE "C", 2;

DROP TABLE lots, moves, lots_hp, lots2, raw, codes, short, src, erp, serials;
DROP EXTENSION lottrace;
