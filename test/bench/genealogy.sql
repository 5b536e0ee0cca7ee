-- Traceability benchmark: a generated genealogy of 1,000,000 lots and about
-- 3,000,000 links, and the time trace_forward, trace_backward and recall
-- take for a lot with about 10,000 descendants.
--
-- Shape: 10 layers of 100,000 lots; every lot of layers 1-9 is the output of
-- one production batch whose 3 inputs (4 for every third batch) are random
-- lots of the layer before (about 3,000,000 input links).  Every lot is received or produced once and
-- shipped once to one of 500 customers, in an attached ERP table of
-- 2,000,000 rows with an index on (item, lot).  Registers are generated
-- directly (the engine's own cost is measured by the bulk benchmark).
\set QUIET on
\timing off
SET client_min_messages = warning;
CREATE EXTENSION lottrace;
SELECT setseed(0.42);
INSERT INTO lottrace.item (item, lot_tracked) SELECT 'P' || k, true FROM generate_series(0, 9) k;
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('RCV', 'load', NULL), ('SHIP', 'unload', NULL), ('PIN', 'unload', 'input'), ('POUT', 'load', 'output');

\echo 'generating 1,000,000 lots and their production batches...'
ALTER TABLE lottrace.lot DISABLE TRIGGER guard;
INSERT INTO lottrace.lot (lot_id, item, code, status, start_date, stock)
SELECT k * 100000 + i, 'P' || k, ('L' || k || '-' || i)::lottrace.lotcode, 'AVAILABLE',
       date '2026-01-01' + k, '{"W": [10, 5]}'
  FROM generate_series(0, 9) k, generate_series(1, 100000) i;
ALTER TABLE lottrace.lot ENABLE TRIGGER guard;
INSERT INTO lottrace.batch_member (batch_key, role, lot_id, qty, nrows)
SELECT 'B' || (k * 100000 + i), 'output', k * 100000 + i, 10, 1
  FROM generate_series(1, 9) k, generate_series(1, 100000) i;
INSERT INTO lottrace.batch_member (batch_key, role, lot_id, qty, nrows)
SELECT DISTINCT ON (1, 3) 'B' || (k * 100000 + i), 'input',
       (k - 1) * 100000 + 1 + floor(random() * 100000)::int, 1, 1
  FROM generate_series(1, 9) k, generate_series(1, 100000) i,
       LATERAL generate_series(1, CASE WHEN i % 3 = 0 THEN 4 ELSE 3 END) j;
ANALYZE lottrace.lot;
ANALYZE lottrace.batch_member;

\echo 'generating the ERP table (2,000,000 rows)...'
CREATE TABLE erp_moves (id bigserial PRIMARY KEY, item text, lot text, wh text, qty numeric,
                        reason text, doc text, account text, batch text, moved_on date);
INSERT INTO erp_moves (item, lot, wh, qty, reason, doc, account, batch, moved_on)
SELECT 'P' || k, 'L' || k || '-' || i, 'W', 10, CASE WHEN k = 0 THEN 'RCV' ELSE 'POUT' END,
       'D' || i, CASE WHEN k = 0 THEN 'SUPPLIER' END, 'B' || (k * 100000 + i), date '2026-01-01' + k
  FROM generate_series(0, 9) k, generate_series(1, 100000) i;
INSERT INTO erp_moves (item, lot, wh, qty, reason, doc, account, moved_on)
SELECT 'P' || k, 'L' || k || '-' || i, 'W', 5, 'SHIP', 'INV' || i, 'C' || (i % 500), date '2026-02-01' + k
  FROM generate_series(0, 9) k, generate_series(1, 100000) i;
CREATE INDEX ON erp_moves (item, lot);
ANALYZE erp_moves;
SELECT lottrace.attach('erp_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', doc => 'doc', account => 'account', batch_key => 'batch',
                       moved_on => 'moved_on', backfill => false);

SELECT count(*) AS lots FROM lottrace.lot \gset
SELECT count(*) AS links FROM lottrace.genealogy \gset
\echo 'lots:' :lots ' links:' :links

-- the layer-1 lot whose descendants are closest to 10,000 among a sample
CREATE TEMP TABLE candidates AS
SELECT i, (SELECT count(*) FROM lottrace.trace_forward('P1', 'L1-' || i)) AS descendants
  FROM generate_series(1, 40) i;
SELECT i AS pick, descendants FROM candidates ORDER BY abs(descendants - 10000) LIMIT 1 \gset
\echo 'traced lot: P1 L1-':pick ' descendants:' :descendants
SELECT count(*) AS ancestors FROM lottrace.trace_backward('P9', 'L9-' || :pick) \gset

-- each measured 5 times; the median is reported
CREATE TEMP TABLE timing (what text, ms numeric);
CREATE FUNCTION pg_temp.measure(what text, q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint;
BEGIN
  FOR r IN 1..5 LOOP
    t0 := clock_timestamp();
    EXECUTE 'SELECT count(*) FROM (' || q || ') s' INTO n;
    INSERT INTO timing VALUES (what || ' (' || n || ' rows)',
                               extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END $$;
SELECT pg_temp.measure('trace_forward',  format('SELECT * FROM lottrace.trace_forward(%L, %L)', 'P1', 'L1-' || :pick));
SELECT pg_temp.measure('trace_backward', format('SELECT * FROM lottrace.trace_backward(%L, %L)', 'P9', 'L9-' || :pick));
SELECT pg_temp.measure('recall',         format('SELECT * FROM lottrace.recall(%L, %L)', 'P1', 'L1-' || :pick));
-- the EPCIS 2.0 document of the traced lot (its events, ancestors' and
-- descendants'; issue 16's target: under 2 s)
SELECT pg_temp.measure('epcis_document', format('SELECT jsonb_array_elements(lottrace.epcis_document(%L, %L) #> %L)',
                                                 'P1', 'L1-' || :pick, '{epcisBody,eventList}'));
\pset footer off
\echo
SELECT what, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(min(ms), 1) AS min_ms, round(max(ms), 1) AS max_ms,
       CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) < 500 THEN 'yes' ELSE 'NO' END AS under_500ms,
       CASE WHEN what NOT LIKE 'epcis_document%' THEN '-'
            WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) < 2000 THEN 'yes' ELSE 'NO' END AS under_2s
  FROM timing GROUP BY what ORDER BY what;
