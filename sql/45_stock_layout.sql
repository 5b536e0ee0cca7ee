-- A lot's stock object is read and written in jsonb's binary layout
-- directly (src/stock.c: lt_stock_read reads the containers in place,
-- lt_stock_build writes what convertToJsonb would write).  Checked here
-- against PostgreSQL's own jsonb over many random objects: equal as jsonb,
-- equal as text, every key found by ->, the same bytes (jsonb_send), and
-- PostgreSQL's own functions reading the result.  The objects cover what
-- the layout has cases for: keys of different lengths in any order (jsonb
-- sorts them by length, then bytes), more than 32 warehouses (an offset
-- every JB_OFFSET_STRIDE entries), warehouses that fall to zero (dropped),
-- negative, large and fractional quantities.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SELECT setseed(0.45);

-- random stocks and deltas: up to 40 warehouses, names of 1 to 12 characters
CREATE TEMP TABLE pair AS
  SELECT p, s.stock, d.delta
    FROM generate_series(1, 400) p
   CROSS JOIN LATERAL (
     SELECT coalesce(jsonb_object_agg(w, jsonb_build_array(l, o)), '{}') AS stock
       FROM (SELECT DISTINCT ON (w) w, l, o
               FROM (SELECT left(md5(p::text || ':' || g), 1 + (g * 7 + p) % 12) AS w,
                            round((random() * 1000)::numeric, (g % 4)) AS l,
                            round((random() * 2000 - 1000)::numeric, (g % 3)) AS o
                       FROM generate_series(1, (p * 13) % 41) g) x) y) s
   CROSS JOIN LATERAL (
     -- the delta: some warehouses of the stock (some brought to zero), some new
     SELECT coalesce(jsonb_object_agg(w, jsonb_build_array(dl, dq)), '{}') AS delta
       FROM (SELECT DISTINCT ON (w) w, dl, dq
               FROM (SELECT k AS w,
                            CASE WHEN (p + n) % 5 = 0 THEN -(v ->> 0)::numeric ELSE 1 END AS dl,
                            CASE WHEN (p + n) % 5 = 0 THEN -(v ->> 1)::numeric
                                 ELSE round((random() * 10 - 5)::numeric, 3) END AS dq
                       FROM (SELECT e.k, e.v, row_number() OVER () AS n FROM jsonb_each(s.stock) e(k, v)) e
                      WHERE (p + n) % 3 <> 0
                     UNION ALL
                     SELECT 'N' || left(md5(p::text), 1 + p % 20), 5, 123456789012.345
                      WHERE p % 4 = 0) z) y2) d;

-- what the sum must be, made by PostgreSQL's own jsonb functions
CREATE TEMP TABLE want AS
  SELECT q.p, coalesce(jsonb_object_agg(y.w, jsonb_build_array(y.l, y.o))
                         FILTER (WHERE y.w IS NOT NULL), '{}') AS sum
    FROM (SELECT p FROM pair) q
    LEFT JOIN (SELECT p, w, sum(l) AS l, sum(o) AS o
                 FROM (SELECT p, k AS w, (v ->> 0)::numeric AS l, (v ->> 1)::numeric AS o
                         FROM pair, jsonb_each(stock) e(k, v)
                       UNION ALL
                       SELECT p, k, (v ->> 0)::numeric, (v ->> 1)::numeric
                         FROM pair, jsonb_each(delta) e(k, v)) x
                GROUP BY p, w
               HAVING sum(l) <> 0 OR sum(o) <> 0) y USING (p)
   GROUP BY q.p;

CREATE TEMP TABLE got AS
  SELECT p, lottrace._stock_add(stock, delta) AS sum FROM pair;

-- the objects cover the cases
SELECT max((SELECT count(*) FROM jsonb_object_keys(sum))) > 32 AS over_stride,
       count(*) FILTER (WHERE sum = '{}') > 0 AS some_empty,
       bool_or(sum::text ~ '-') AS negatives,
       bool_or(sum::text ~ '\.') AS fractions
  FROM got;
-- equal as jsonb, as text (jsonb_send too), of the same size on disk
SELECT count(*) AS objects,
       count(*) FILTER (WHERE g.sum = w.sum) AS equal,
       count(*) FILTER (WHERE g.sum::text = w.sum::text) AS same_text,
       count(*) FILTER (WHERE jsonb_send(g.sum) = jsonb_send(w.sum)) AS same_sent,
       count(*) FILTER (WHERE pg_column_size(g.sum) = pg_column_size(w.sum)) AS same_size
  FROM got g JOIN want w USING (p);
-- every key found by a binary search (->), with its two numbers
SELECT count(*) AS keys,
       count(*) FILTER (WHERE g.sum -> k = w.sum -> k
                          AND (g.sum -> k ->> 1)::numeric = (w.sum -> k ->> 1)::numeric) AS found
  FROM got g JOIN want w USING (p), jsonb_object_keys(w.sum) k;
-- PostgreSQL's own functions on the results: containment both ways, each
-- pair rebuilt from jsonb_each, a path query
SELECT count(*) FILTER (WHERE g.sum @> w.sum AND w.sum @> g.sum) AS contain,
       count(*) FILTER (WHERE (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(g.sum) e(k, v)) = w.sum) AS rebuilt,
       count(*) FILTER (WHERE jsonb_path_query_array(g.sum, '$.*[1]') = jsonb_path_query_array(w.sum, '$.*[1]')) AS paths
  FROM got g JOIN want w USING (p);
-- the same sums with the objects read by lt_stock_read again (a sum of a
-- sum and nothing), and the negatives it reports
SELECT count(*) FILTER (WHERE lottrace._stock_add(g.sum, '{}') = w.sum) AS reread,
       count(*) FILTER (WHERE lottrace._stock_negative(g.sum, g.sum) IS NOT DISTINCT FROM
                              (SELECT jsonb_object_agg(k, (v ->> 1)::numeric) FROM jsonb_each(w.sum) e(k, v)
                                WHERE (v ->> 1)::numeric < 0)) AS negatives
  FROM got g JOIN want w USING (p);

-- malformed objects are refused as before (22023)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace._stock_add('{"W1": [1]}', '{}')$$);
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace._stock_add('{"W1": [1, "x"]}', '{}')$$);
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace._stock_add('{"W1": 3}', '{}')$$);
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace._stock_add('[1, 2]', '{}')$$);

DROP EXTENSION lottrace;
