-- Codes in ordinary SQL whatever the search_path (1.1): the operators live
-- in pg_catalog; comparisons with text parameters use natural order and the
-- index; || works with text on either side (docs/lotcode.md).
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- What reporting tools and ERPs connect with: lottrace is not on the path.
SET search_path = "$user", public;

CREATE TABLE stock_lot (id serial PRIMARY KEY, lot lottrace.lotcode NOT NULL,
                        sn lottrace.serialcode, qty numeric NOT NULL);
INSERT INTO stock_lot (lot, sn, qty)
SELECT 'LC' || g, 'SN' || g, g FROM generate_series(1, 2000) g;
CREATE INDEX ON stock_lot (lot);
CREATE INDEX ON stock_lot (sn);
ANALYZE stock_lot;

-- Every operator of the three types is in pg_catalog.
SELECT oprnamespace::regnamespace AS schema, count(*) AS operators
  FROM pg_operator
 WHERE oprleft IN ('lottrace.lotcode'::regtype, 'lottrace.serialcode'::regtype, 'lottrace.codefmt'::regtype)
    OR oprright IN ('lottrace.lotcode'::regtype, 'lottrace.serialcode'::regtype, 'lottrace.codefmt'::regtype)
 GROUP BY 1;

-- ==================================================================== ||
SELECT lot || '-x' AS code_text, 'x-' || lot AS text_code, lot || ' kg' AS spaced,
       lot || ': ' || qty AS colon, sn || '/' || lot AS serial_lot
  FROM stock_lot WHERE id = 7;
SELECT string_agg(lot || '=' || qty, ',' ORDER BY id) AS agg FROM stock_lot WHERE id <= 3;
-- code || code: cast one side (1.0's lotcode || lotcode read a literal as a code)
SELECT sqlstate FROM pg_temp.err($$SELECT lot || lot FROM stock_lot$$);
SELECT lot::text || lot AS twice FROM stock_lot WHERE id = 1;

-- ====================================================== text functions
SELECT upper(lot), lower(lot), length(lot), left(lot, 2), replace(lot, 'LC', 'X'),
       split_part(lot, 'C', 2), lot LIKE 'LC1%' AS "like", lot ~ '^LC[0-9]+$' AS regex,
       format('%s/%s', lot, sn) AS formatted, concat(lot, '+', sn) AS concat
  FROM stock_lot WHERE id = 12;

-- ===================================================== comparison with text
-- natural order, both ways, text and varchar
SELECT 'L2'::lottrace.lotcode < 'L10'::text AS lt, 'L10'::text > 'L2'::lottrace.lotcode AS gt,
       'L2'::lottrace.lotcode <= 'L10'::varchar AS le_varchar,
       'S9'::lottrace.serialcode < 'S10'::text AS serial_lt,
       'L2'::lottrace.lotcode = ' L2 '::text AS trimmed_eq,
       'L2'::lottrace.lotcode <> 'l2'::text AS case_kept,
       'L2'::lottrace.lotcode = 'L 2'::text AS not_a_code_eq,
       'L2'::lottrace.lotcode < 'L 2'::text AS not_a_code_lt;
-- an untyped literal is still read as a code, and checked
SELECT sqlstate, message FROM pg_temp.err($$SELECT 'L1'::lottrace.lotcode = 'bad  code'$$);

-- A text-typed parameter, as JDBC setString and psycopg 3 send it:
-- natural order and an index scan.
PREPARE by_lot(text) AS SELECT id FROM stock_lot WHERE lot = $1;
EXPLAIN (COSTS OFF) EXECUTE by_lot('LC3');
EXECUTE by_lot('LC3');
EXECUTE by_lot(' LC3 ');
PREPARE before_lot(varchar) AS SELECT count(*) FROM stock_lot WHERE lot < $1;
EXPLAIN (COSTS OFF) EXECUTE before_lot('LC10');
EXECUTE before_lot('LC10');
PREPARE text_first(text) AS SELECT id FROM stock_lot WHERE $1 = lot;
EXPLAIN (COSTS OFF) EXECUTE text_first('LC5');
PREPARE by_sn(text) AS SELECT id FROM stock_lot WHERE sn = $1;
EXPLAIN (COSTS OFF) EXECUTE by_sn('SN44');
EXECUTE by_sn('SN44');
-- arrays of text: = ANY uses the index (the (text, text) support function)
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM stock_lot WHERE lot = ANY ('{LC9," LC10",LC9}'::text[]);
SELECT id FROM stock_lot WHERE lot = ANY ('{LC9," LC10",LC9}'::text[]) ORDER BY id;
RESET enable_seqscan;
-- ranges in natural order
SELECT lot FROM stock_lot WHERE lot BETWEEN 'LC9'::text AND 'LC11'::text ORDER BY lot;
-- a join between a code and a text column compares in natural order (no
-- merge join: the families have no (text, text) order for the text side)
CREATE TABLE erp_text (lot_no text);
INSERT INTO erp_text VALUES ('LC2'), ('LC10'), (' LC100');
SET enable_hashjoin = off;
SELECT s.lot, e.lot_no FROM stock_lot s JOIN erp_text e ON s.lot = e.lot_no ORDER BY s.lot;
RESET enable_hashjoin;

-- lotcode against serialcode: ambiguous, never a silent text comparison
SELECT sqlstate FROM pg_temp.err($$SELECT lot = sn FROM stock_lot$$);

-- The cross-type operators belong to the btree families; the families lack
-- only the (text, text) operators, which text keeps for itself.
SELECT f.opfname, o.amoplefttype::regtype AS lefttype, o.amoprighttype::regtype AS righttype,
       string_agg(o.amopopr::regoperator::text, ' ' ORDER BY o.amopstrategy) AS operators
  FROM pg_amop o JOIN pg_opfamily f ON f.oid = o.amopfamily
 WHERE f.opfnamespace = 'lottrace'::regnamespace AND o.amopmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
 GROUP BY 1, 2, 3 ORDER BY 1, o.amoplefttype::regtype::text, o.amoprighttype::regtype::text;
SELECT f.opfname, p.amproclefttype::regtype, p.amprocrighttype::regtype, p.amprocnum, p.amproc::regproc
  FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
 WHERE f.opfnamespace = 'lottrace'::regnamespace AND f.opfmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
 ORDER BY 1, p.amproclefttype::regtype::text, p.amprocrighttype::regtype::text, 4;

-- The comparison functions agree with the code's own order on many pairs:
-- cmp(code, text) = cmp(code, text::code) for every valid text.
WITH v(t) AS (VALUES ('A'), ('A1'), ('A01'), ('A2'), ('A10'), ('a1'), ('B'), ('1'), ('01'),
                     ('10'), ('Z-9'), ('Z-10'), ('00012'), ('12'), ('X9Y'), ('X10Y'))
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE lottrace.lotcode_text_cmp(a.t::lottrace.lotcode, b.t)
                              <> lottrace.lotcode_cmp(a.t::lottrace.lotcode, b.t::lottrace.lotcode)) AS code_text_disagree,
       count(*) FILTER (WHERE lottrace.text_lotcode_cmp(a.t, b.t::lottrace.lotcode)
                              <> lottrace.lotcode_cmp(a.t::lottrace.lotcode, b.t::lottrace.lotcode)) AS text_code_disagree,
       count(*) FILTER (WHERE lottrace.text_as_code_cmp(a.t, b.t)
                              <> lottrace.lotcode_cmp(a.t::lottrace.lotcode, b.t::lottrace.lotcode)) AS text_text_disagree
  FROM v a, v b;

-- codefmt's = is visible too
SELECT 'L{SEQ:4}'::lottrace.codefmt = 'L{SEQ:4}'::lottrace.codefmt AS fmt_eq;

DEALLOCATE ALL;
DROP TABLE stock_lot, erp_text;
DROP EXTENSION lottrace;
