-- attach(generate => false): for ERPs that make their own lot and serial
-- codes (Odoo's stock.lot, iDempiere's M_AttributeSetInstance), lottrace
-- generates none, so the attached table has no BEFORE ROW trigger of
-- lottrace's.  PostgreSQL's COPY then keeps its multi-insert: CopyFrom()
-- falls back to one row at a time for any BEFORE ROW INSERT trigger,
-- whatever its WHEN clause says.  docs/ENGINE.md, "`generate => false`:
-- COPY keeps its multi-insert".
--
-- The multi-insert is checked where it shows: in the WAL, a COPY that
-- inserts in batches writes Heap2 MULTI_INSERT records, one that inserts
-- row by row writes Heap INSERT records (pg_walinspect, PostgreSQL 15).
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
CREATE EXTENSION pg_walinspect;
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('CM', 'lot', 'CM{SEQ:4}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('GEN', true, 'CM');
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SN', true);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load'), ('OUT', 'unload');

-- the same table twice: attached as before, and with generate => false
CREATE TABLE cm_gen (id serial PRIMARY KEY, item text, qty numeric, wh text, lot text,
                     serial text, reason text);
CREATE TABLE cm_own (LIKE cm_gen INCLUDING ALL);
SELECT lottrace.attach('cm_gen', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason');
SELECT lottrace.attach('cm_own', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', generate => false);
-- lottrace's triggers on each: cm_own has no row trigger
SELECT tgrelid::regclass AS tbl, tgname,
       CASE WHEN tgtype & 1 = 1 THEN 'row' ELSE 'statement' END AS level,
       CASE WHEN tgtype & 2 = 2 THEN 'before' ELSE 'after' END AS timing
  FROM pg_trigger WHERE tgrelid IN ('cm_gen'::regclass, 'cm_own'::regclass)
 ORDER BY 1, 2;

-- A COPY of 200 rows into each, codes given: a row of cm_gen generates
-- nothing either, but its COPY goes row by row
-- (pg_walinspect reads the WAL up to what is flushed: the COPY commits first,
-- and its commit flushes the WAL whatever the cluster's setting)
SET synchronous_commit = on;
CREATE FUNCTION pg_temp.heap_records(tbl regclass, since pg_lsn)
RETURNS TABLE (record_type text, one_per_row boolean)
LANGUAGE sql AS $$
  SELECT CASE WHEN r.record_type LIKE 'MULTI_INSERT%' THEN 'multi-insert' ELSE 'one row' END,
         count(*) = 200
    FROM pg_get_wal_records_info(since, pg_current_wal_flush_lsn()) r
   WHERE r.resource_manager IN ('Heap', 'Heap2')
     AND (r.record_type LIKE 'INSERT%' OR r.record_type LIKE 'MULTI_INSERT%')
     AND r.block_ref LIKE format('%%/%s fork main blk %%', pg_relation_filenode(tbl))
   GROUP BY 1
$$;
SELECT pg_current_wal_insert_lsn() AS lsn \gset
COPY cm_gen (item, qty, wh, lot, serial, reason)
  FROM PROGRAM 'seq 5001 5200 | sed -e "s/.*/GEN,1,W1,CM&,,IN/"' WITH (FORMAT csv);
SELECT * FROM pg_temp.heap_records('cm_gen', :'lsn');
SELECT pg_current_wal_insert_lsn() AS lsn \gset
COPY cm_own (item, qty, wh, lot, serial, reason)
  FROM PROGRAM 'seq 6001 6200 | sed -e "s/.*/GEN,1,W1,CM&,,IN/"' WITH (FORMAT csv);
SELECT * FROM pg_temp.heap_records('cm_own', :'lsn');
-- both governed alike: 200 lots each, one unit in W1
SELECT left(lot, 3) AS lots, count(*), sum(on_hand) AS on_hand
  FROM lottrace.lot_stock WHERE warehouse = 'W1' GROUP BY 1 ORDER BY 1;
SELECT relid, generates FROM lottrace.attachment ORDER BY relid::text;

-- a row without its code: cm_gen makes one, cm_own refuses the row
INSERT INTO cm_gen (item, qty, wh, reason) VALUES ('GEN', 5, 'W1', 'IN') RETURNING lot;
SELECT * FROM pg_temp.err($$INSERT INTO cm_own (item, qty, wh, reason) VALUES ('GEN', 5, 'W1', 'IN')$$);
SELECT * FROM pg_temp.err($$INSERT INTO cm_own (item, qty, wh, reason) VALUES ('SN', 1, 'W1', 'IN')$$);
-- nothing of the refused rows stayed
SELECT count(*) FROM cm_own WHERE lot IS NULL AND serial IS NULL;

-- Partitions: a row trigger of the attached table is cloned onto each new
-- partition; a table attached with generate => false gets none
CREATE TABLE cm_part_gen (id serial, item text, qty numeric, wh text, lot text, reason text,
                          PRIMARY KEY (wh, id)) PARTITION BY LIST (wh);
CREATE TABLE cm_part_own (LIKE cm_part_gen INCLUDING ALL) PARTITION BY LIST (wh);
CREATE TABLE cm_part_gen_w1 PARTITION OF cm_part_gen FOR VALUES IN ('W1');
CREATE TABLE cm_part_own_w1 PARTITION OF cm_part_own FOR VALUES IN ('W1');
SELECT lottrace.attach('cm_part_gen', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason');
SELECT lottrace.attach('cm_part_own', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', generate => false);
CREATE TABLE cm_part_gen_w2 PARTITION OF cm_part_gen FOR VALUES IN ('W2');
CREATE TABLE cm_part_own_w2 PARTITION OF cm_part_own FOR VALUES IN ('W2');
SELECT tgrelid::regclass AS tbl, count(*) AS triggers,
       count(*) FILTER (WHERE tgname = 'lottrace_generate') AS generate,
       count(*) FILTER (WHERE tgname = 'lottrace_generate' AND tgparentid <> 0) AS cloned
  FROM pg_trigger
 WHERE tgrelid IN (SELECT relid FROM pg_partition_tree('cm_part_gen')
                   UNION ALL SELECT relid FROM pg_partition_tree('cm_part_own'))
   AND tgname LIKE 'lottrace%'
 GROUP BY 1 ORDER BY tgrelid::regclass::text;
INSERT INTO cm_part_gen (item, qty, wh, reason) VALUES ('GEN', 2, 'W2', 'IN') RETURNING lot;
SELECT * FROM pg_temp.err($$INSERT INTO cm_part_own (item, qty, wh, reason) VALUES ('GEN', 2, 'W2', 'IN')$$);
INSERT INTO cm_part_own (item, qty, wh, lot, reason) VALUES ('GEN', 2, 'W2', 'CM7001', 'IN');

SELECT count(*) AS disagreements FROM lottrace.verify();

SELECT lottrace.detach('cm_gen');
SELECT lottrace.detach('cm_own');
SELECT lottrace.detach('cm_part_gen');
SELECT lottrace.detach('cm_part_own');
DROP TABLE cm_gen, cm_own, cm_part_gen, cm_part_own;
DROP EXTENSION pg_walinspect;
DROP EXTENSION lottrace;
