-- lottrace.codefmt is ordered: a default btree operator class (1.1), so
-- DISTINCT, ORDER BY, sorted GROUP BY and btree indexes work on formats.
-- In 1.0 each of these failed with 42883 (could not identify an ordering
-- operator for type lottrace.codefmt).  The order is the canonical text,
-- byte by byte; its = is the = of the hash class.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
-- the default search_path: the operators are in pg_catalog

CREATE TABLE pg_temp.fmts (id int PRIMARY KEY, f lottrace.codefmt NOT NULL);
-- spellings with the same canonical text: {item}/{ITEM}, {SEQ:6:0}/{seq:6}
INSERT INTO pg_temp.fmts VALUES
  (1, '{ITEM}-{SEQ:4}'), (2, '{item}-{seq:4}'), (3, 'L{SEQ:6}'),
  (4, '{SEQ:6:0}'), (5, '{seq:6}'), (6, '{ITEM}'), (7, '{ITEM}{SEQ:4}'),
  (8, 'A{YY}'), (9, 'a{YY}'), (10, '{SEQ:6:*}'), (11, '{ITEM}-{SEQ:4|ITEM}');

-- DISTINCT and ORDER BY, ascending and descending (canonical text, C order)
SELECT DISTINCT f FROM pg_temp.fmts ORDER BY f;
SELECT f, count(*) FROM pg_temp.fmts GROUP BY f ORDER BY f DESC;
-- a sorted GROUP BY and a sorted DISTINCT (no hashing)
SET enable_hashagg = off;
SELECT f, array_agg(id ORDER BY id) AS ids FROM pg_temp.fmts GROUP BY f ORDER BY 1;
SELECT count(DISTINCT f) FROM pg_temp.fmts;
RESET enable_hashagg;

-- the operators, with their commutators and negators
SELECT a, b, a < b AS lt, a <= b AS le, a = b AS eq, a >= b AS ge, a > b AS gt, a <> b AS ne
  FROM (VALUES ('{ITEM}'::lottrace.codefmt, '{item}'::lottrace.codefmt),
               ('{ITEM}', '{ITEM}{SEQ:4}'),
               ('{SEQ:6}', 'L{SEQ:6}'),
               ('a{YY}', 'A{YY}')) AS t(a, b);

-- consistency over every pair: cmp is -1/0/1, antisymmetric, 0 exactly when
-- = (the hash class's equality), and then the hashes agree; each operator
-- says what cmp says
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE lottrace.codefmt_cmp(a.f, b.f) NOT IN (-1, 0, 1)) AS bad_range,
       count(*) FILTER (WHERE lottrace.codefmt_cmp(a.f, b.f) <> -lottrace.codefmt_cmp(b.f, a.f)) AS not_antisymmetric,
       count(*) FILTER (WHERE (lottrace.codefmt_cmp(a.f, b.f) = 0) <> (a.f = b.f)) AS cmp_vs_eq,
       count(*) FILTER (WHERE a.f = b.f AND lottrace.codefmt_hash(a.f) <> lottrace.codefmt_hash(b.f)) AS hash_vs_eq,
       count(*) FILTER (WHERE (a.f < b.f) <> (lottrace.codefmt_cmp(a.f, b.f) < 0)
                           OR (a.f <= b.f) <> (lottrace.codefmt_cmp(a.f, b.f) <= 0)
                           OR (a.f > b.f) <> (lottrace.codefmt_cmp(a.f, b.f) > 0)
                           OR (a.f >= b.f) <> (lottrace.codefmt_cmp(a.f, b.f) >= 0)) AS ops_vs_cmp,
       count(*) FILTER (WHERE (a.f < b.f) <> (a.f::text COLLATE "C" < b.f::text COLLATE "C")) AS not_text_order
  FROM pg_temp.fmts a, pg_temp.fmts b;

-- transitivity over every triple
SELECT count(*) AS violations
  FROM pg_temp.fmts a, pg_temp.fmts b, pg_temp.fmts c
 WHERE a.f <= b.f AND b.f <= c.f AND NOT a.f <= c.f;

-- the catalog: one default class per method, and the btree = is the hash =
SELECT am.amname, c.opcname, c.opcdefault
  FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
 WHERE c.opcintype = 'lottrace.codefmt'::regtype
 ORDER BY 1;
SELECT bt.amopopr = h.amopopr AS same_equality, bt.amopopr::regoperator AS equality
  FROM pg_amop bt, pg_amop h
 WHERE bt.amopfamily = (SELECT opcfamily FROM pg_opclass WHERE opcname = 'codefmt_ops'
                          AND opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree'))
   AND bt.amopstrategy = 3
   AND h.amopfamily = (SELECT opcfamily FROM pg_opclass WHERE opcname = 'codefmt_ops'
                         AND opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hash'))
   AND h.amopstrategy = 1;
SELECT o.oprname, o.oprnamespace::regnamespace
  FROM pg_operator o
 WHERE o.oprleft = 'lottrace.codefmt'::regtype AND o.oprright = 'lottrace.codefmt'::regtype
 ORDER BY 1;

-- a btree index: a range scan in order, and UNIQUE on the canonical text
CREATE TABLE pg_temp.uf (f lottrace.codefmt);
CREATE UNIQUE INDEX uf_f ON pg_temp.uf (f);
INSERT INTO pg_temp.uf SELECT DISTINCT f FROM pg_temp.fmts;
SELECT * FROM pg_temp.err($$INSERT INTO pg_temp.uf VALUES ('{Item}{Seq:4}')$$);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT f FROM pg_temp.uf WHERE f >= '{ITEM}' AND f < '{SEQ:6}' ORDER BY f;
SELECT f FROM pg_temp.uf WHERE f >= '{ITEM}' AND f < '{SEQ:6}' ORDER BY f;
RESET enable_seqscan;

-- the seeded and configured formats of lottrace.code_type, as users ask
INSERT INTO lottrace.code_type (code, kind, format)
  VALUES ('ct1', 'lot', '{item}-{yy}{seq:4}'), ('ct2', 'lot', '{ITEM}-{YY}{SEQ:4}'),
         ('ct3', 'serial', 'S{SEQ:8}');
SELECT DISTINCT format FROM lottrace.code_type WHERE code LIKE 'ct_' ORDER BY format;
SELECT format, string_agg(code, ',' ORDER BY code) FROM lottrace.code_type
 WHERE code LIKE 'ct_' GROUP BY format ORDER BY format DESC;
DELETE FROM lottrace.code_type WHERE code LIKE 'ct_';

DROP TABLE pg_temp.fmts, pg_temp.uf;
DROP EXTENSION lottrace;
