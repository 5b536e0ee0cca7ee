-- Recall drills (issue 16): lottrace.mock_recall runs trace_forward,
-- recall and mass_balance for a lot and everything made from it, stores
-- one row in lottrace.recall_drill and returns it; lottrace.recall_drills
-- lists the drills for the auditor, newest first.  The stored values are
-- asserted against what the three functions return; elapsed only as
-- elapsed >= 0.  docs/RECALL_DRILLS.md.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

CREATE TABLE mv (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  variant  text,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  reason   text NOT NULL,
  doc      text,
  moved_on date NOT NULL DEFAULT '2026-03-01',
  account  text,
  batch    text
);
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', variant => 'variant',
                       reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       account => 'account', batch_key => 'batch');
INSERT INTO lottrace.reason (code, direction, production, allow_unavailable) VALUES
  ('IN', 'load', NULL, false), ('OUT', 'unload', NULL, false), ('SCRAP', 'unload', NULL, true),
  ('USE', 'unload', 'input', false), ('MAKE', 'load', 'output', false);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('FLOUR', true), ('BREAD', true), ('CRUMBS', true),
                                                     ('TOMATO', true);

-- the genealogy: two flour lots received; batch B1 bakes bread BR1 from
-- both, batch B2 makes crumbs CR1 from the bread; bread and crumbs go to
-- two customers, some bread is scrapped
INSERT INTO mv (item, qty, wh, lot, reason, doc, account, moved_on) VALUES
  ('FLOUR', 100, 'W1', 'F1', 'IN', 'PO-1', 'MILL', '2026-03-01'),
  ('FLOUR', 50,  'W1', 'F2', 'IN', 'PO-2', 'MILL', '2026-03-01');
INSERT INTO mv (item, qty, wh, lot, reason, batch, moved_on) VALUES
  ('FLOUR', 60, 'W1', 'F1', 'USE', 'B1', '2026-03-02'),
  ('FLOUR', 10, 'W1', 'F2', 'USE', 'B1', '2026-03-02'),
  ('BREAD', 50, 'W1', 'BR1', 'MAKE', 'B1', '2026-03-02');
INSERT INTO mv (item, qty, wh, lot, reason, batch, moved_on) VALUES
  ('BREAD', 5, 'W1', 'BR1', 'USE', 'B2', '2026-03-03'),
  ('CRUMBS', 5, 'W1', 'CR1', 'MAKE', 'B2', '2026-03-03');
INSERT INTO mv (item, qty, wh, lot, reason, doc, account, moved_on) VALUES
  ('BREAD', 20, 'W1', 'BR1', 'OUT', 'INV-1', 'SHOP-A', '2026-03-04'),
  ('BREAD', 10, 'W1', 'BR1', 'OUT', 'INV-2', 'SHOP-B', '2026-03-04'),
  ('BREAD', 5,  'W1', 'BR1', 'OUT', 'INV-3', 'SHOP-A', '2026-03-05'),
  ('CRUMBS', 3, 'W1', 'CR1', 'OUT', 'INV-4', 'SHOP-B', '2026-03-05');
INSERT INTO mv (item, qty, wh, lot, reason, moved_on) VALUES ('BREAD', 2, 'W1', 'BR1', 'SCRAP', '2026-03-05');
-- the same tomato lot code in two variants
INSERT INTO mv (item, variant, qty, wh, lot, reason) VALUES
  ('TOMATO', 'RED', 8, 'W1', 'T1', 'IN'), ('TOMATO', 'YELLOW', 4, 'W1', 'T1', 'IN');
SELECT count(*) AS problems FROM lottrace.verify();

------------------------------------------------------------------------------
-- A drill where everything is accounted for
------------------------------------------------------------------------------
SELECT clock_timestamp() AS before_drill \gset
SELECT drill_id AS d1 FROM lottrace.mock_recall('FLOUR', 'F1', note => 'annual drill, auditor A. Smith') \gset
SELECT item, variant, lot, lot_id = (SELECT l.lot_id FROM lottrace.lot l WHERE l.code = 'F1') AS right_lot_id,
       note, ran_by = current_user AS ran_by_me, login_role = session_user AS login_is_session,
       ran_at >= :'before_drill' AND ran_at <= clock_timestamp() AS ran_at_now,
       elapsed >= interval '0' AS elapsed_ok, ran_at + elapsed <= clock_timestamp() AS ended_before_now,
       lot_count, customer_count, loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty, accounted_pct
  FROM lottrace.recall_drill WHERE drill_id = :d1;
-- the lots: F1 itself (depth 0), the bread made from it, the crumbs made
-- from the bread, each with its mass balance
SELECT x.depth, x.item, x.variant, x.lot, x.loaded, x.shipped, x.consumed, x.other_out, x.on_hand, x.unaccounted
  FROM lottrace.recall_drill d,
       jsonb_to_recordset(d.lots) AS x(depth int, item text, variant text, lot text, loaded numeric,
                                       shipped numeric, consumed numeric, other_out numeric,
                                       on_hand numeric, unaccounted numeric)
 WHERE d.drill_id = :d1;
-- ... which is what trace_forward finds, and mass_balance of each lot
SELECT (SELECT jsonb_agg(jsonb_build_object('depth', t.depth, 'item', t.item, 'lot', t.lot::text)
                         ORDER BY t.depth, t.item, t.lot)
          FROM (SELECT 0 AS depth, 'FLOUR'::text AS item, 'F1'::lottrace.lotcode AS lot
                UNION ALL SELECT f.depth, f.item, f.lot FROM lottrace.trace_forward('FLOUR', 'F1') f) t)
       = (SELECT jsonb_agg(jsonb_build_object('depth', e -> 'depth', 'item', e -> 'item', 'lot', e -> 'lot')
                           ORDER BY o)
            FROM lottrace.recall_drill d, jsonb_array_elements(d.lots) WITH ORDINALITY AS a(e, o)
           WHERE d.drill_id = :d1) AS lots_are_trace_forward,
       (SELECT bool_and(to_jsonb(b) = e - 'depth' - 'item' - 'variant' - 'lot')
          FROM lottrace.recall_drill d, jsonb_array_elements(d.lots) AS e,
               lottrace.mass_balance(e ->> 'item', e ->> 'lot') b
         WHERE d.drill_id = :d1) AS balances_are_mass_balance;
-- the customers: every shipment recall() finds, two accounts
SELECT x.account, x.item, x.lot, x.qty, x.doc, x.moved_on
  FROM lottrace.recall_drill d,
       jsonb_to_recordset(d.customers) AS x(account text, item text, lot text, qty numeric, doc text, moved_on date)
 WHERE d.drill_id = :d1;
SELECT (SELECT customers FROM lottrace.recall_drill WHERE drill_id = :d1)
       = (SELECT jsonb_agg(jsonb_build_object('account', r.account, 'item', r.item, 'lot', r.lot::text,
                                              'qty', r.qty, 'doc', r.doc, 'moved_on', r.moved_on))
            FROM lottrace.recall('FLOUR', 'F1') r) AS customers_are_recall;
-- the function returns the stored row
SELECT to_jsonb(r) AS returned FROM lottrace.mock_recall('FLOUR', 'F1', note => 'again') r \gset
SELECT (SELECT to_jsonb(d) FROM lottrace.recall_drill d WHERE d.drill_id = (:'returned'::jsonb ->> 'drill_id')::bigint)
       = :'returned'::jsonb AS returns_the_stored_row,
       :'returned'::jsonb ->> 'note' AS note;

-- a drill of the bread lot: the bread and the crumbs made from it, not
-- the flour it was made of; one of the crumbs lot, named with variant ''
-- (the lot without variant)
SELECT lot, lot_count, customer_count, loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty, accounted_pct,
       jsonb_array_length(customers) AS shipments
  FROM lottrace.mock_recall('BREAD', 'BR1');
SELECT lot, lot_count, customer_count, customers, loaded_qty, on_hand_qty, accounted_pct
  FROM lottrace.mock_recall('CRUMBS', 'CR1', '', 'variant '''' is the lot without variant');

------------------------------------------------------------------------------
-- Unaccounted quantity
------------------------------------------------------------------------------
-- corrupt the registers behind the engine's back (as superuser, guards
-- off): 4 of BR1 vanish from W1, and CR1 shows 1 more than it has
ALTER TABLE lottrace.lot DISABLE TRIGGER USER;
UPDATE lottrace.lot SET stock = jsonb_set(stock, '{W1,1}', to_jsonb((stock #>> '{W1,1}')::numeric - 4))
 WHERE item = 'BREAD' AND code = 'BR1';
UPDATE lottrace.lot SET stock = jsonb_set(stock, '{W1,1}', to_jsonb((stock #>> '{W1,1}')::numeric + 1))
 WHERE item = 'CRUMBS' AND code = 'CR1';
ALTER TABLE lottrace.lot ENABLE TRIGGER USER;
-- the drill finds 4 + 1 unaccounted (the surplus does not offset the
-- shortfall): 100 * (155 - 5) / 155 = 96.774..., truncated to 96.77
SELECT drill_id AS d2 FROM lottrace.mock_recall('FLOUR', 'F1', note => 'after the stock count') \gset
SELECT lot_count, customer_count, loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty, accounted_pct
  FROM lottrace.recall_drill WHERE drill_id = :d2;
SELECT x.depth, x.item, x.lot, x.loaded, x.on_hand, x.unaccounted,
       x.loaded = x.shipped + x.consumed + x.other_out + x.on_hand + x.unaccounted AS balances
  FROM lottrace.recall_drill d,
       jsonb_to_recordset(d.lots) AS x(depth int, item text, lot text, loaded numeric, shipped numeric,
                                       consumed numeric, other_out numeric, on_hand numeric, unaccounted numeric)
 WHERE d.drill_id = :d2;
-- the formula, from the stored sums
SELECT accounted_pct = trunc(100 * (loaded_qty - unaccounted_qty) / loaded_qty, 2) AS formula
  FROM lottrace.recall_drill WHERE drill_id = :d2;
-- a drill of the bread: its 4 and the crumbs' 1 of 55 unaccounted, 90.90 (90.909...)
SELECT lot_count, loaded_qty, unaccounted_qty, accounted_pct FROM lottrace.mock_recall('BREAD', 'BR1');
-- rebuild() puts the registers right: the next drill accounts for everything
SELECT lottrace.rebuild();
SELECT unaccounted_qty, accounted_pct FROM lottrace.mock_recall('FLOUR', 'F1', note => 'after rebuild');

------------------------------------------------------------------------------
-- Variants, a lot with nothing loaded, errors
------------------------------------------------------------------------------
SELECT item, variant, lot, lot_count, loaded_qty, on_hand_qty, accounted_pct
  FROM lottrace.mock_recall('TOMATO', 'T1', 'YELLOW');
-- a lot registered by hand before its first load: nothing loaded, so no
-- percentage (NULL), one lot, no customers
INSERT INTO lottrace.lot (item, code, status) VALUES ('FLOUR', 'F9', 'AVAILABLE');
SELECT lot, lot_count, customer_count, customers, loaded_qty, unaccounted_qty, accounted_pct
  FROM lottrace.mock_recall('FLOUR', 'F9');
SELECT count(*) AS drills_before_errors FROM lottrace.recall_drill;
-- unknown lot: 23503 lottrace_lot_unknown; a code in two variants and no
-- variant named: 21000; unknown variant: 23503.  No drill is stored.
SELECT * FROM pg_temp.err($$SELECT lottrace.mock_recall('FLOUR', 'NOPE')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.mock_recall('TOMATO', 'T1')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.mock_recall('TOMATO', 'T1', 'GREEN')$$);
SELECT * FROM pg_temp.err($$SELECT lottrace.mock_recall(NULL, 'F1')$$);
SELECT count(*) AS drills_after_errors FROM lottrace.recall_drill;

------------------------------------------------------------------------------
-- Who may run and read drills
------------------------------------------------------------------------------
SET client_min_messages = warning;
CREATE ROLE regress_lt_drill_nobody;
CREATE ROLE regress_lt_drill_quality;
RESET client_min_messages;
GRANT EXECUTE ON FUNCTION lottrace.mock_recall(text, text, text, text) TO regress_lt_drill_quality;
GRANT SELECT ON lottrace.recall_drills TO regress_lt_drill_quality;
-- without a grant: 42501 for the function, the table and the view
SET ROLE regress_lt_drill_nobody;
SELECT n, e.sqlstate
  FROM (VALUES (1, $$SELECT lottrace.mock_recall('FLOUR', 'F1')$$),
               (2, $$SELECT FROM lottrace.recall_drill$$),
               (3, $$SELECT FROM lottrace.recall_drills$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;
-- granted EXECUTE: the drill runs as the extension owner (no privilege on
-- the registers or the ERP table needed) and records the caller ...
SET ROLE regress_lt_drill_quality;
SELECT ran_by, login_role = session_user AS login_is_session, lot_count, customer_count, accounted_pct
  FROM lottrace.mock_recall('FLOUR', 'F1', note => 'by the quality manager');
SELECT ran_by, lot, note FROM lottrace.recall_drills WHERE newest = 1;
-- ... but cannot write a drill of its own, change or delete one (42501)
SELECT n, e.sqlstate
  FROM (VALUES (1, $$INSERT INTO lottrace.recall_drill (item, lot, lot_id, ran_at, ran_by, login_role, elapsed, lot_count, lots, customer_count, customers, loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty, accounted_pct) VALUES ('FLOUR', 'F1', 1, now(), 'x', 'x', '0', 1, '[]', 0, '[]', 1, 0, 1, 0, 100)$$),
               (2, $$UPDATE lottrace.recall_drill SET accounted_pct = 100$$),
               (3, $$DELETE FROM lottrace.recall_drill$$),
               (4, $$SELECT nextval('lottrace.recall_drill_drill_id_seq')$$)) AS t(n, stmt),
       LATERAL pg_temp.err(stmt) AS e
 ORDER BY n;
RESET ROLE;

------------------------------------------------------------------------------
-- The auditor's view: newest first
------------------------------------------------------------------------------
SELECT newest, drill_id, ran_by = current_user AS by_me, item, variant, lot, elapsed >= interval '0' AS elapsed_ok,
       lot_count, customer_count, accounted_pct, unaccounted_qty, loaded_qty, shipped_qty, on_hand_qty, note
  FROM lottrace.recall_drills;
-- ranked by ran_at: newest = 1 is the highest drill_id here
SELECT bool_and(newest = (SELECT max(drill_id) FROM lottrace.recall_drill) + 1 - drill_id) AS newest_first,
       bool_and(ran_at IS NOT NULL) AS every_ran_at
  FROM lottrace.recall_drills;
-- drills are user data: dumped with the extension (table and sequence)
SELECT c.relname
  FROM pg_extension e, unnest(e.extconfig) AS cfg(oid) JOIN pg_class c ON c.oid = cfg.oid
 WHERE e.extname = 'lottrace' AND c.relname LIKE 'recall\_drill%'
 ORDER BY 1;
-- and no foreign keys (pg_restore -j loads configuration tables in any order)
SELECT count(*) AS foreign_keys FROM pg_constraint
 WHERE conrelid = 'lottrace.recall_drill'::regclass AND contype = 'f';

-- detach: the lots and the drills stay
SELECT lottrace.detach('mv');
SELECT count(*) AS drills_kept FROM lottrace.recall_drill;
DROP TABLE mv;
SET client_min_messages = warning;
DROP EXTENSION lottrace;
DROP OWNED BY regress_lt_drill_nobody, regress_lt_drill_quality;
DROP ROLE regress_lt_drill_nobody, regress_lt_drill_quality;
RESET client_min_messages;
