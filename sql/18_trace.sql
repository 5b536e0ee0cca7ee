-- Traceability and reporting (API.md §5, docs/TRACEABILITY.md): where-used
-- and composition over production batches and manual links (depths,
-- quantities, cycles, max_depth, variants), recall, mass balance, the FSMA
-- 204 event list, the DOT picture, picking suggestions, refresh_expiry, the
-- dashboard views, and what a reporting role without rights on the ERP
-- table can use.
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
CREATE EXTENSION lottrace;
SET datestyle = ISO;

------------------------------------------------------------------------------
-- The ERP: a dairy.  tr_moves is the stock journal (reasons, production
-- batches, accounts); tr_webshop is a second attached table, the web shop's
-- order lines (signed quantities, no reason).
------------------------------------------------------------------------------
CREATE TABLE tr_moves (
  id       serial PRIMARY KEY,
  item     text NOT NULL,
  variant  text,
  qty      numeric NOT NULL,
  wh       text NOT NULL,
  lot      text,
  serial   text,
  reason   text NOT NULL,
  batch    text,
  account  text,
  doc      text,
  moved_on date NOT NULL DEFAULT '2026-03-01',
  expiry   date
);
SELECT lottrace.attach('tr_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       variant => 'variant', account => 'account', batch_key => 'batch',
                       expiry => 'expiry');
CREATE TABLE tr_webshop (
  order_no text,
  line     int,
  sku      text NOT NULL,
  lot      text,
  qty      numeric NOT NULL,
  store    text NOT NULL,
  customer text,
  shipped  date NOT NULL,
  PRIMARY KEY (order_no, line)
);
SELECT lottrace.attach('tr_webshop', item => 'sku', qty => 'qty', warehouse => 'store', lot => 'lot',
                       account => 'customer', doc => 'order_no', moved_on => 'shipped');

INSERT INTO lottrace.reason (code, direction, production, requires_account, allow_unavailable) VALUES
  ('RECEIPT',     'load',   NULL,     true,  false),  -- from a supplier
  ('SHIP',        'unload', NULL,     true,  false),  -- to a customer
  ('RETURN',      'load',   NULL,     true,  false),  -- back from a customer
  ('CONSUME',     'unload', 'input',  false, false),  -- production input
  ('PRODUCE',     'load',   'output', false, false),  -- production output
  ('SUBCON',      'unload', 'input',  true,  false),  -- input sent to a subcontractor
  ('XOUT',        'unload', NULL,     false, false),  -- transfer out
  ('XIN',         'load',   NULL,     false, false),  -- transfer in
  ('SCRAP',       'unload', NULL,     false, true),
  ('RELABEL_OUT', 'unload', NULL,     false, false),
  ('RELABEL_IN',  'load',   NULL,     false, false),
  ('ADJ_IN',      'load',   NULL,     false, false);
INSERT INTO lottrace.item (item, lot_tracked) VALUES
  ('MILK', true), ('CREAM', true), ('SKIM', true), ('BUTTER', true), ('YOGURT', true), ('CAKE', true);

-- readable helpers: a lot as item/code (variant)
CREATE FUNCTION pg_temp.lot_name(id bigint) RETURNS text LANGUAGE sql STABLE
  RETURN (SELECT item || '/' || code::text || coalesce(' (' || variant || ')', '') FROM lottrace.lot WHERE lot_id = id);
-- a DOT graph line by line, with the node ids (n<lot_id>) that start node
-- and edge lines shown as <item/lot>; everything else as it is
CREATE FUNCTION pg_temp.dot_lines(dot text) RETURNS TABLE (line text) LANGUAGE plpgsql AS $$
DECLARE
  l text;
  m text[];
BEGIN
  FOR l IN SELECT t.l FROM regexp_split_to_table(dot, E'\n') WITH ORDINALITY AS t(l, n) ORDER BY t.n LOOP
    m := regexp_match(l, '^  n(\d+)( -> n(\d+))? (\[.*)$');
    IF m IS NOT NULL THEN
      l := '  <' || pg_temp.lot_name(m[1]::bigint) || '>'
           || coalesce(' -> <' || pg_temp.lot_name(m[3]::bigint) || '>', '') || ' ' || m[4];
    END IF;
    line := l;
    RETURN NEXT;
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- The genealogy, built from production movements in every order
--
--   MILK/M1, MILK/M2 --P1--> CREAM/C1, SKIM/S1      (one statement, outputs first)
--   CREAM/C1         --P2--> BUTTER/B1              (separate statements, inputs first)
--   BUTTER/B1, MILK/M1 --P3--> CAKE/K1              (separate statements, outputs first)
--   CREAM/C1, SKIM/S1 --P4--> YOGURT/Y1             (one statement, inputs first)
--   MILK/M1          --P5--> (at the subcontractor, no output yet)
--   manual links: SKIM/S1 -> YOGURT/Y2 (7), YOGURT/Y1 -> YOGURT/Y3 (2),
--                 BUTTER/B1 -> YOGURT/Y3 (1), and CREAM/C1 -> YOGURT/Y1 (1)
--                 beside the production link of P4
------------------------------------------------------------------------------

-- receipts from the farms; M3 is unrelated to everything below
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('MILK', 200, 'W1', 'M1', 'RECEIPT', 'FARM-A', 'GR-1', '2026-03-01'),
  ('MILK', 100, 'W1', 'M2', 'RECEIPT', 'FARM-B', 'GR-2', '2026-03-01'),
  ('MILK',  50, 'W1', 'M3', 'RECEIPT', 'FARM-A', 'GR-3', '2026-03-01');

-- P1 in one statement, outputs first
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('CREAM', 40,  'W1', 'C1', 'PRODUCE', 'P1', 'WO-1', '2026-03-02'),
  ('SKIM',  150, 'W1', 'S1', 'PRODUCE', 'P1', 'WO-1', '2026-03-02'),
  ('MILK',  100, 'W1', 'M1', 'CONSUME', 'P1', 'WO-1', '2026-03-02'),
  ('MILK',  50,  'W1', 'M2', 'CONSUME', 'P1', 'WO-1', '2026-03-02');

-- P2 in separate statements, the input first
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('CREAM', 20, 'W1', 'C1', 'CONSUME', 'P2', 'WO-2', '2026-03-03');
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('BUTTER', 10, 'W1', 'B1', 'PRODUCE', 'P2', 'WO-2', '2026-03-03');

-- P3 in separate statements, the output first
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('CAKE', 8, 'W1', 'K1', 'PRODUCE', 'P3', 'WO-3', '2026-03-04');
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('BUTTER', 4,  'W1', 'B1', 'CONSUME', 'P3', 'WO-3', '2026-03-04'),
  ('MILK',   10, 'W1', 'M1', 'CONSUME', 'P3', 'WO-3', '2026-03-04');

-- P4 in one statement, inputs first
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, doc, moved_on) VALUES
  ('CREAM',  5,  'W1', 'C1', 'CONSUME', 'P4', 'WO-4', '2026-03-05'),
  ('SKIM',   15, 'W1', 'S1', 'CONSUME', 'P4', 'WO-4', '2026-03-05'),
  ('YOGURT', 20, 'W1', 'Y1', 'PRODUCE', 'P4', 'WO-4', '2026-03-05');

-- P5: milk sent to a subcontractor (a production input with an account)
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, account, doc, moved_on) VALUES
  ('MILK', 20, 'W1', 'M1', 'SUBCON', 'P5', 'SUBCO-1', 'SC-1', '2026-03-05');

-- relabelling outside production, recorded as manual links
INSERT INTO tr_moves (item, qty, wh, lot, reason, doc, moved_on) VALUES
  ('SKIM',   7, 'W1', 'S1', 'RELABEL_OUT', 'RL-1', '2026-03-06'),
  ('YOGURT', 7, 'W1', 'Y2', 'RELABEL_IN',  'RL-1', '2026-03-06'),
  ('YOGURT', 2, 'W1', 'Y1', 'RELABEL_OUT', 'RL-2', '2026-03-06'),
  ('BUTTER', 1, 'W1', 'B1', 'RELABEL_OUT', 'RL-2', '2026-03-06'),
  ('YOGURT', 3, 'W1', 'Y3', 'RELABEL_IN',  'RL-2', '2026-03-06');
SELECT lottrace.link_lots('SKIM', 'S1', 'YOGURT', 'Y2', 7);
SELECT lottrace.link_lots('YOGURT', 'Y1', 'YOGURT', 'Y3', 2);
SELECT lottrace.link_lots('BUTTER', 'B1', 'YOGURT', 'Y3', 1);
-- cream added to the yogurt by hand, outside the batch
INSERT INTO tr_moves (item, qty, wh, lot, reason, doc, moved_on) VALUES
  ('CREAM', 1, 'W1', 'C1', 'RELABEL_OUT', 'RL-3', '2026-03-06');
SELECT lottrace.link_lots('CREAM', 'C1', 'YOGURT', 'Y1', 1);

-- transfers (no account), scrapping (no account), shipments (with an
-- account, from both tables), a customer return, an unrelated shipment
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('MILK',   30, 'W1', 'M1', 'XOUT',    NULL,     'TR-1',   '2026-03-06'),
  ('MILK',   30, 'W2', 'M1', 'XIN',     NULL,     'TR-1',   '2026-03-06'),
  ('CREAM',  5,  'W1', 'C1', 'XOUT',    NULL,     'TR-2',   '2026-03-06'),
  ('CREAM',  5,  'W2', 'C1', 'XIN',     NULL,     'TR-2',   '2026-03-06'),
  ('SKIM',   30, 'W1', 'S1', 'SCRAP',   NULL,     'SCR-1',  '2026-03-06'),
  ('MILK',   5,  'W1', 'M1', 'SHIP',    'CUST-D', 'INV-10', '2026-03-06'),
  ('BUTTER', 3,  'W1', 'B1', 'SHIP',    'CUST-B', 'INV-11', '2026-03-06'),
  ('CAKE',   5,  'W1', 'K1', 'SHIP',    'CUST-A', 'INV-12', '2026-03-07'),
  ('YOGURT', 6,  'W1', 'Y1', 'SHIP',    'CUST-A', 'INV-13', '2026-03-08'),
  ('YOGURT', 1,  'W1', 'Y3', 'SHIP',    'CUST-E', 'INV-14', '2026-03-09'),
  ('MILK',   10, 'W1', 'M3', 'SHIP',    'CUST-Z', 'INV-15', '2026-03-09');
INSERT INTO tr_webshop (order_no, line, sku, lot, qty, store, customer, shipped) VALUES
  ('W-1', 1, 'CAKE', 'K1', -2, 'W1', 'CUST-C', '2026-03-07'),
  ('W-2', 1, 'CAKE', 'K1', -1, 'W1', 'CUST-A', '2026-03-06');
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('CAKE', 1, 'W1', 'K1', 'RETURN', 'CUST-A', 'RMA-1', '2026-03-10');

-- the genealogy as lottrace.genealogy shows it
SELECT pg_temp.lot_name(parent_lot_id) AS parent, pg_temp.lot_name(child_lot_id) AS child,
       qty, batch_key, source
  FROM lottrace.genealogy ORDER BY source, batch_key, parent, child;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- trace_forward / trace_backward
------------------------------------------------------------------------------

-- the declared result columns (the contract's names and types)
SELECT p.oid::regprocedure AS function,
       string_agg(a.n || ' ' || format_type(a.t, NULL), ', ' ORDER BY a.o) AS result_columns
  FROM pg_proc p, unnest(p.proargnames, p.proargmodes, p.proallargtypes) WITH ORDINALITY AS a(n, m, t, o)
 WHERE p.oid IN ('lottrace.trace_forward(text,text,int,text)'::regprocedure,
                 'lottrace.trace_backward(text,text,int,text)'::regprocedure)
   AND a.m = 't'
 GROUP BY p.oid ORDER BY p.oid::regprocedure::text COLLATE "C";

-- where used of MILK/M1: three levels; CAKE/K1 is reached directly (P3) and
-- through C1 -> B1 -> K1, so it comes once, at depth 1, with the 10 of M1
-- that went into it; YOGURT/Y1 is fed by two lots of depth 1 (C1: 5 in P4
-- and 1 by hand, S1: 15) and YOGURT/Y3 by two lots of depth 2 through manual
-- links (Y1: 2, B1: 1): the quantities add up; Y2 hangs off S1 by a manual
-- link only
SELECT depth, item, lot, qty FROM lottrace.trace_forward('MILK', 'M1') ORDER BY depth, item, lot;

-- each lot exactly once, with the lot_id of the register
SELECT count(*) AS rows, count(DISTINCT f.lot_id) AS lots,
       bool_and(l.item = f.item AND l.code = f.lot) AS ids_match
  FROM lottrace.trace_forward('MILK', 'M1') f JOIN lottrace.lot l USING (lot_id);

-- max_depth 0: nothing
SELECT count(*) AS rows FROM lottrace.trace_forward('MILK', 'M1', 0);
-- ... max_depth 1: the direct children only
SELECT depth, item, lot, qty FROM lottrace.trace_forward('MILK', 'M1', 1) ORDER BY depth, item, lot;
-- ... max_depth 2: two levels, not Y3
SELECT depth, item, lot, qty FROM lottrace.trace_forward('MILK', 'M1', 2) ORDER BY depth, item, lot;
-- ... max_depth NULL means the default (100)
SELECT count(*) AS rows FROM lottrace.trace_forward('MILK', 'M1', NULL);
-- ... a negative max_depth is refused (22023)
SELECT sqlstate, message FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('MILK', 'M1', -1)$$);

-- the unrelated MILK/M3 and the leaf CAKE/K1 have no descendants
SELECT count(*) AS rows FROM lottrace.trace_forward('MILK', 'M3');
-- ... the leaf CAKE/K1 neither
SELECT count(*) AS rows FROM lottrace.trace_forward('CAKE', 'K1');

-- composition of CAKE/K1: BUTTER/B1 (4) and MILK/M1 (10) directly; CREAM/C1
-- (20, through B1); MILK/M2 (50) at depth 3; M1 is not repeated at depth 3
SELECT depth, item, lot, qty FROM lottrace.trace_backward('CAKE', 'K1') ORDER BY depth, item, lot;
-- ... one step back (max_depth 1): B1 and M1 only
SELECT depth, item, lot, qty FROM lottrace.trace_backward('CAKE', 'K1', 1) ORDER BY depth, item, lot;

-- composition of YOGURT/Y1: C1 (5 in P4 + 1 by hand) and S1 (15); at depth
-- 2 the milk of P1, which produced both C1 and S1: M1 gave 100 and M2 50 to
-- that batch, once (the batch counts once however many of its outputs are
-- in the level)
SELECT depth, item, lot, qty FROM lottrace.trace_backward('YOGURT', 'Y1') ORDER BY depth, item, lot;

-- composition of YOGURT/Y3 (manual links, then production): Y1 (2) and B1
-- (1); CREAM/C1 feeds both Y1 (P4: 5, by hand: 1) and B1 (P2: 20): 26;
-- SKIM/S1 15; the milk of P1 once
SELECT depth, item, lot, qty FROM lottrace.trace_backward('YOGURT', 'Y3') ORDER BY depth, item, lot;

-- a raw material has no composition
SELECT count(*) AS rows FROM lottrace.trace_backward('MILK', 'M1');

-- an unknown lot, an unknown item: 23503 lottrace_lot_unknown
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('MILK', 'M-NONE')$$);
-- ... an unknown item
SELECT sqlstate, constraint_name, message
  FROM pg_temp.err($$SELECT * FROM lottrace.trace_backward('WATER', 'M1')$$);
-- ... the code is compared as a lot code: trimmed, case kept
SELECT count(*) AS rows FROM lottrace.trace_forward('MILK', '  M1 ');
-- ... 'm1' is not 'M1'
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('MILK', 'm1')$$);
-- ... NULL arguments give no rows (not a row of NULLs)
SELECT count(*) AS rows FROM lottrace.trace_forward(NULL, 'M1');
-- ... also backward
SELECT count(*) AS rows FROM lottrace.trace_backward('CAKE', NULL);

------------------------------------------------------------------------------
-- recall
------------------------------------------------------------------------------

-- who received MILK/M1 or anything made from it: the milk sold to CUST-D,
-- butter, cake (journal and web shop), yogurt; not the subcontractor (a
-- production input, even with an account), not transfers or scrapping (no
-- account), not the customer return (a load), not the unrelated M3
SELECT * FROM lottrace.recall('MILK', 'M1');

-- quantities are positive, and every row's lot is M1 or one of its descendants
SELECT bool_and(r.qty > 0) AS positive,
       bool_and(r.item = 'MILK' AND r.lot = 'M1'
                OR EXISTS (SELECT FROM lottrace.trace_forward('MILK', 'M1') f
                            WHERE f.item = r.item AND f.lot = r.lot)) AS in_scope
  FROM lottrace.recall('MILK', 'M1') r;

-- recall of a leaf: CAKE/K1 only, from both attached tables, sorted by account
SELECT account, item, lot, qty, doc, moved_on FROM lottrace.recall('CAKE', 'K1');

-- recall of MILK/M2 reaches everything made from C1 and S1 (K1 through B1
-- as well), but not the milk of M1 itself (CUST-D)
SELECT account, item, lot, qty, doc FROM lottrace.recall('MILK', 'M2');

-- a lot that was never shipped and has no descendants: no rows
SELECT count(*) AS rows FROM lottrace.recall('YOGURT', 'Y2');

-- unknown lot: 23503
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT * FROM lottrace.recall('MILK', 'M-NONE')$$);

------------------------------------------------------------------------------
-- mass_balance
------------------------------------------------------------------------------

-- MILK/M1: 200 received + 30 transferred in; 5 shipped; 100 + 10 consumed
-- by production and 20 sent to the subcontractor (a production input); 30
-- transferred out; 65 on hand (35 in W1, 30 in W2); nothing unaccounted
SELECT * FROM lottrace.mass_balance('MILK', 'M1');

-- the identity holds for every lot of the scenario, with nothing unaccounted
SELECT l.item, l.code AS lot, b.*,
       b.loaded = b.shipped + b.consumed + b.other_out + b.on_hand + b.unaccounted AS balances
  FROM lottrace.lot l, lottrace.mass_balance(l.item, l.code) b
 ORDER BY l.item, l.code;

-- the on-hand quantity is the register's
SELECT (SELECT on_hand FROM lottrace.mass_balance('MILK', 'M1')) =
       (SELECT on_hand FROM lottrace.lot_register WHERE item = 'MILK' AND lot = 'M1') AS same_on_hand;

-- unknown lot: 23503
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT * FROM lottrace.mass_balance('MILK', 'M-NONE')$$);

-- corrupt the register behind the engine's back (as superuser, guards off):
-- 5 of MILK/M1 vanish from W1
ALTER TABLE lottrace.lot DISABLE TRIGGER USER;
UPDATE lottrace.lot SET stock = jsonb_set(stock, '{W1,1}', to_jsonb((stock #>> '{W1,1}')::numeric - 5))
 WHERE item = 'MILK' AND code = 'M1';
ALTER TABLE lottrace.lot ENABLE TRIGGER USER;

-- ... the mass balance shows 5 unaccounted, and the identity still holds
SELECT *, loaded = shipped + consumed + other_out + on_hand + unaccounted AS balances
  FROM lottrace.mass_balance('MILK', 'M1');
-- ... verify() names the difference
SELECT problem, detail FROM lottrace.verify();

-- rebuild() recomputes the register: nothing unaccounted, verify() is empty
SELECT lottrace.rebuild();
-- ... MILK/M1 balances again with nothing unaccounted
SELECT * FROM lottrace.mass_balance('MILK', 'M1');
-- ... and verify() is empty
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- trace_events: the FSMA 204 sortable spreadsheet
------------------------------------------------------------------------------

-- the declared columns, exactly
SELECT string_agg(a.n || ' ' || format_type(a.t, NULL), ', ' ORDER BY a.o) AS result_columns
  FROM pg_proc p, unnest(p.proargnames, p.proargmodes, p.proallargtypes) WITH ORDINALITY AS a(n, m, t, o)
 WHERE p.oid = 'lottrace.trace_events(text,text,text)'::regprocedure AND a.m = 't';

-- every event of CAKE/K1 (relation lot), of its ancestors (B1, M1 at depth
-- 1, C1 at 2, M2 at 3) and no descendants; receiving = a load with an
-- account, shipping = an unload with an account, transformation =
-- production input or output (also the subcontractor's), other = the rest
SELECT event_type, event_date, traceability_lot_code AS lot, product_description AS item,
       quantity, location_description AS wh, immediate_previous_source AS from_,
       immediate_subsequent_recipient AS to_, reference_document_type AS reason,
       reference_document_number AS doc, traceability_lot_code_source AS supplier,
       relation, depth, source
  FROM lottrace.trace_events('CAKE', 'K1');

-- one row per movement of those lots (each movement once), lot_id and
-- source_key point at the lot and the ERP row
SELECT count(*) AS events,
       count(DISTINCT (e.source, e.source_key)) AS distinct_rows,
       (SELECT count(*) FROM lottrace.movements m
         WHERE (m.item, m.lot) IN (('CAKE', 'K1'), ('BUTTER', 'B1'), ('MILK', 'M1'),
                                   ('CREAM', 'C1'), ('MILK', 'M2'))) AS movements,
       bool_and(l.item = e.product_description AND l.code = e.traceability_lot_code) AS lot_ids_match
  FROM lottrace.trace_events('CAKE', 'K1') e JOIN lottrace.lot l USING (lot_id);

-- the relations of CREAM/C1: itself, its ancestors and descendants, each at its depth
SELECT relation, depth, product_description AS item, traceability_lot_code AS lot, count(*) AS events
  FROM lottrace.trace_events('CREAM', 'C1')
 GROUP BY 1, 2, 3, 4 ORDER BY relation, depth, item, lot;

-- unknown lot: 23503
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT * FROM lottrace.trace_events('MILK', 'M-NONE')$$);

------------------------------------------------------------------------------
-- trace_dot
------------------------------------------------------------------------------

-- the picture around BUTTER/B1: B1 (bold), its ancestors C1, M1, M2 and its
-- descendants K1, Y3; one edge per link between them with its quantity and
-- batch (M1 -> K1 too: both are in the picture)
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot('BUTTER', 'B1'));

-- the structure, checked: starts with digraph and ends with }, one node per
-- lot around B1 (itself, trace_forward, trace_backward), exactly one bold,
-- one edge per parent/child pair of lottrace.genealogy among them
WITH d AS (SELECT lottrace.trace_dot('BUTTER', 'B1') AS dot),
lines AS (SELECT line FROM d, regexp_split_to_table(d.dot, E'\n') AS line),
around AS (SELECT lottrace._find_lot('BUTTER', 'B1') AS lot_id
           UNION SELECT lot_id FROM lottrace.trace_forward('BUTTER', 'B1')
           UNION SELECT lot_id FROM lottrace.trace_backward('BUTTER', 'B1'))
SELECT (SELECT dot LIKE 'digraph %' AND dot LIKE E'%\n}\n' FROM d) AS well_formed,
       (SELECT count(*) FROM lines WHERE line ~ '^  n\d+ \[label=') AS nodes,
       (SELECT count(*) FROM around) AS lots_around,
       (SELECT array_agg(substring(line FROM '^  n(\d+) ')::bigint) FROM lines WHERE line ~ 'penwidth=3')
         = ARRAY[lottrace._find_lot('BUTTER', 'B1')] AS only_b1_bold,
       (SELECT count(*) FROM lines WHERE line ~ '^  n\d+ -> n\d+ \[label=') AS edges,
       (SELECT count(DISTINCT (parent_lot_id, child_lot_id)) FROM lottrace.genealogy
         WHERE parent_lot_id IN (SELECT lot_id FROM around)
           AND child_lot_id IN (SELECT lot_id FROM around)) AS links_among_them;

-- a production link and a manual link between the same lots are one edge,
-- with the quantities summed and both named
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot('YOGURT', 'Y1')) WHERE line LIKE '%<CREAM/C1> -> %';

-- a lot without links: just its node, bold
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot('MILK', 'M3'));

-- quoting: a lot code with " (allowed in lot codes) and an item with " and \
INSERT INTO lottrace.item (item, lot_tracked) VALUES (E'CHEESE "Old" \\ aged', true);
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc) VALUES
  (E'CHEESE "Old" \\ aged', 3, 'W1', 'Q"1', 'RECEIPT', 'FARM-A', 'GR-4');
SELECT lottrace.link_lots('MILK', 'M3', E'CHEESE "Old" \\ aged', 'Q"1', 2.5);
-- ... each " becomes \" and each \ becomes \\ inside the quoted label
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot(E'CHEESE "Old" \\ aged', 'Q"1'));

-- unknown lot: 23503
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT lottrace.trace_dot('MILK', 'M-NONE')$$);

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Cycles: rework makes a lot its own ancestor
--
--   BASE/A1 --RW1--> SAUCE/S1 --RW2--> BASE/A1     (production, rework)
--   SAUCE/S1 --RW3--> SAUCE/S1                     (same lot in and out)
--   SAUCE/S1 -> SAUCE/S2 -> SAUCE/S1               (manual links)
------------------------------------------------------------------------------
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BASE', true), ('SAUCE', true);
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('BASE', 50, 'W1', 'A1', 'RECEIPT', 'FARM-C', 'GR-5', '2026-04-01');
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, moved_on) VALUES
  ('BASE',  10, 'W1', 'A1', 'CONSUME', 'RW1', '2026-04-02'),
  ('SAUCE', 10, 'W1', 'S1', 'PRODUCE', 'RW1', '2026-04-02');
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, moved_on) VALUES
  ('BASE',  2, 'W1', 'A1', 'PRODUCE', 'RW2', '2026-04-03'),
  ('SAUCE', 2, 'W1', 'S1', 'CONSUME', 'RW2', '2026-04-03');
INSERT INTO tr_moves (item, qty, wh, lot, reason, batch, moved_on) VALUES
  ('SAUCE', 1, 'W1', 'S1', 'CONSUME', 'RW3', '2026-04-04'),
  ('SAUCE', 1, 'W1', 'S1', 'PRODUCE', 'RW3', '2026-04-04');
INSERT INTO tr_moves (item, qty, wh, lot, reason, moved_on) VALUES
  ('SAUCE', 1, 'W1', 'S2', 'ADJ_IN', '2026-04-05');
SELECT lottrace.link_lots('SAUCE', 'S1', 'SAUCE', 'S2', 1);
SELECT lottrace.link_lots('SAUCE', 'S2', 'SAUCE', 'S1', 0.5);

-- the links, cycles included
SELECT pg_temp.lot_name(parent_lot_id) AS parent, pg_temp.lot_name(child_lot_id) AS child,
       qty, batch_key, source
  FROM lottrace.genealogy
 WHERE parent_lot_id IN (SELECT lot_id FROM lottrace.lot WHERE item IN ('BASE', 'SAUCE'))
 ORDER BY source, batch_key, parent, child;

-- the walks terminate, each lot once at its smallest depth; the lot asked
-- for is not listed among its own descendants or ancestors: where used of
-- BASE/A1 is S1 (10), then S2 (1)
SELECT depth, item, lot, qty FROM lottrace.trace_forward('BASE', 'A1') ORDER BY depth, item, lot;
-- ... composition of BASE/A1: the sauce reworked into it (2), S2 behind it (0.5)
SELECT depth, item, lot, qty FROM lottrace.trace_backward('BASE', 'A1') ORDER BY depth, item, lot;
-- ... where used of SAUCE/S1: A1 (rework, 2) and S2 (1); not S1 itself (RW3)
SELECT depth, item, lot, qty FROM lottrace.trace_forward('SAUCE', 'S1') ORDER BY depth, item, lot;
-- ... composition of SAUCE/S1: A1 (10) and S2 (0.5); not S1 itself
SELECT depth, item, lot, qty FROM lottrace.trace_backward('SAUCE', 'S1') ORDER BY depth, item, lot;
-- ... where used of SAUCE/S2: S1 (0.5), then A1 (2)
SELECT depth, item, lot, qty FROM lottrace.trace_forward('SAUCE', 'S2') ORDER BY depth, item, lot;
-- ... also with an unlimited depth, and limited to 1
SELECT count(*) AS rows FROM lottrace.trace_forward('BASE', 'A1', 2147483647);
-- ... max_depth 1: S1 only
SELECT depth, item, lot FROM lottrace.trace_forward('BASE', 'A1', 1);

-- recall and trace_events terminate too; the lot itself appears once, as
-- relation 'lot'; a lot that is both ancestor and descendant at the same
-- depth is listed once, as descendant (where it went matters for a recall)
SELECT count(*) AS recall_rows FROM lottrace.recall('BASE', 'A1');
-- ... trace_events of BASE/A1: S1 is descendant and ancestor at depth 1, S2 at depth 2
SELECT relation, depth, product_description AS item, traceability_lot_code AS lot, count(*) AS events
  FROM lottrace.trace_events('BASE', 'A1')
 GROUP BY 1, 2, 3, 4 ORDER BY relation, depth, item, lot;
-- ... trace_events of SAUCE/S2: S1 both at depth 1, A1 both at depth 2
SELECT relation, depth, product_description AS item, traceability_lot_code AS lot, count(*) AS events
  FROM lottrace.trace_events('SAUCE', 'S2')
 GROUP BY 1, 2, 3, 4 ORDER BY relation, depth, item, lot;

-- a hub with twelve spokes, each linked both ways (X0 -> Xi -> X0): every
-- spoke is a descendant and an ancestor of X0 at depth 1, and each is
-- listed once, as descendant (not some as one and some as the other)
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('SPICE', true);
INSERT INTO tr_moves (item, qty, wh, lot, reason, moved_on)
SELECT 'SPICE', 1, 'W1', 'X' || i, 'ADJ_IN', '2026-04-06' FROM generate_series(0, 12) AS i;
-- (24 links)
SELECT count(*) AS links
  FROM generate_series(1, 12) AS i,
       LATERAL (SELECT lottrace.link_lots('SPICE', 'X0', 'SPICE', 'X' || i, 1),
                       lottrace.link_lots('SPICE', 'X' || i, 'SPICE', 'X0', 1)) AS l;
-- ... the relations of X0's lots: 12 descendants at depth 1, X0 itself
SELECT relation, depth, count(DISTINCT lot_id) AS lots, count(*) AS events
  FROM lottrace.trace_events('SPICE', 'X0') GROUP BY 1, 2 ORDER BY 1, 2;

-- the picture of a cycle: three nodes, the edges both ways
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot('SAUCE', 'S2')) WHERE line LIKE '  <%';

-- the mass balance of a reworked lot: the rework output counts as loaded
SELECT *, loaded = shipped + consumed + other_out + on_hand + unaccounted AS balances
  FROM lottrace.mass_balance('BASE', 'A1');

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Variants: the lot code T1 exists for TOMATO RED and TOMATO YELLOW; T2
-- for TOMATO without variant and TOMATO RED
------------------------------------------------------------------------------
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('TOMATO', true), ('KETCHUP', true);
INSERT INTO tr_moves (item, variant, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('TOMATO', 'RED',    30, 'W1', 'T1', 'RECEIPT', 'FARM-R', 'GR-6', '2026-05-01'),
  ('TOMATO', 'YELLOW', 30, 'W1', 'T1', 'RECEIPT', 'FARM-Y', 'GR-7', '2026-05-01'),
  ('TOMATO', NULL,     10, 'W1', 'T2', 'RECEIPT', 'FARM-R', 'GR-8', '2026-05-01'),
  ('TOMATO', 'RED',    10, 'W1', 'T2', 'RECEIPT', 'FARM-R', 'GR-8', '2026-05-01'),
  ('TOMATO', 'YELLOW', 10, 'W1', 'T3', 'RECEIPT', 'FARM-Y', 'GR-9', '2026-05-01');
INSERT INTO tr_moves (item, variant, qty, wh, lot, reason, batch, moved_on) VALUES
  ('TOMATO',  'RED', 12, 'W1', 'T1',  'CONSUME', 'KB1', '2026-05-02'),
  ('TOMATO',  NULL,  4,  'W1', 'T2',  'CONSUME', 'KB1', '2026-05-02'),
  ('KETCHUP', NULL,  10, 'W1', 'KE1', 'PRODUCE', 'KB1', '2026-05-02');
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('KETCHUP', 4, 'W1', 'KE1', 'SHIP', 'CUST-K', 'INV-20', '2026-05-03');

-- without the variant the code is ambiguous: 21000 with a hint, for every function
SELECT f AS function, e.sqlstate, e.hint
  FROM unnest(ARRAY[
         $$SELECT * FROM lottrace.trace_forward('TOMATO', 'T1')$$,
         $$SELECT * FROM lottrace.trace_backward('TOMATO', 'T1')$$,
         $$SELECT * FROM lottrace.recall('TOMATO', 'T1')$$,
         $$SELECT * FROM lottrace.mass_balance('TOMATO', 'T1')$$,
         $$SELECT * FROM lottrace.trace_events('TOMATO', 'T1')$$,
         $$SELECT lottrace.trace_dot('TOMATO', 'T1')$$]) WITH ORDINALITY AS t(f, n),
       pg_temp.err(f) e
 ORDER BY n;

-- with it: RED went into the ketchup
SELECT depth, item, lot, qty FROM lottrace.trace_forward('TOMATO', 'T1', variant => 'RED');
-- ... YELLOW went nowhere
SELECT count(*) AS rows FROM lottrace.trace_forward('TOMATO', 'T1', variant => 'YELLOW');
-- ... an unknown variant: 23503
SELECT sqlstate, constraint_name
  FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('TOMATO', 'T1', variant => 'GREEN')$$);
-- ... recall of RED: the ketchup shipped to CUST-K
SELECT account, item, lot, qty, doc FROM lottrace.recall('TOMATO', 'T1', 'RED');
-- ... recall of YELLOW: nothing
SELECT count(*) AS rows FROM lottrace.recall('TOMATO', 'T1', 'YELLOW');
-- ... mass balance of RED: 12 consumed by KB1
SELECT * FROM lottrace.mass_balance('TOMATO', 'T1', 'RED');
-- ... mass balance of YELLOW: all on hand
SELECT * FROM lottrace.mass_balance('TOMATO', 'T1', 'YELLOW');

-- composition of the ketchup: both tomato lots, each with its variant
SELECT depth, pg_temp.lot_name(lot_id) AS lot, qty FROM lottrace.trace_backward('KETCHUP', 'KE1')
 ORDER BY depth, lot;

-- T3 exists only as YELLOW: no need to name the variant
SELECT loaded, on_hand FROM lottrace.mass_balance('TOMATO', 'T3');
-- ... the same for trace_forward (T3 went nowhere)
SELECT count(*) AS rows FROM lottrace.trace_forward('TOMATO', 'T3');

-- T2 exists without variant and as RED: without the variant it is
-- ambiguous; variant '' names the lot without variant (a variant '' is no
-- variant, as everywhere in lottrace), RED the other
SELECT sqlstate FROM pg_temp.err($$SELECT * FROM lottrace.trace_forward('TOMATO', 'T2')$$);
-- ... variant '': the lot without variant went into the ketchup
SELECT depth, item, lot, qty FROM lottrace.trace_forward('TOMATO', 'T2', variant => '');
-- ... RED: the other lot, which went nowhere
SELECT count(*) AS rows FROM lottrace.trace_forward('TOMATO', 'T2', variant => 'RED');
-- ... mass_balance with variant '': the lot without variant (10 loaded, 4 consumed)
SELECT loaded, consumed, on_hand FROM lottrace.mass_balance('TOMATO', 'T2', '');

-- the picture names the variant
SELECT * FROM pg_temp.dot_lines(lottrace.trace_dot('KETCHUP', 'KE1')) WHERE line LIKE '  <%';

-- suggest_pick picks within the variant: without one, only the lot without
-- variant (T2's 6 left)
SELECT lot, take_qty FROM lottrace.suggest_pick('TOMATO', 'W1', 100);
-- ... variant '' is the same as none
SELECT lot, take_qty FROM lottrace.suggest_pick('TOMATO', 'W1', 100, '');
-- ... RED: T1 before T2 (same start date)
SELECT lot, take_qty FROM lottrace.suggest_pick('TOMATO', 'W1', 100, 'RED');
-- ... YELLOW: T1 and T3 of YELLOW (same start date: by code)
SELECT lot, take_qty FROM lottrace.suggest_pick('TOMATO', 'W1', 100, 'YELLOW');

-- the FSMA spreadsheet of TOMATO/T1 RED, as CSV through COPY ... TO STDOUT
COPY (SELECT * FROM lottrace.trace_events('TOMATO', 'T1', 'RED')) TO STDOUT WITH CSV HEADER;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Serials shipped to customers
------------------------------------------------------------------------------
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('SCANNER', true);
INSERT INTO tr_moves (item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  ('SCANNER', 1, 'W1', 'SN-1', 'RECEIPT', 'SUPP-1', 'GR-9', '2026-06-01'),
  ('SCANNER', 1, 'W1', 'SN-2', 'RECEIPT', 'SUPP-1', 'GR-9', '2026-06-01'),
  ('SCANNER', 1, 'W1', 'SN-3', 'RECEIPT', 'SUPP-1', 'GR-9', '2026-06-01');
-- SN-1: shipped to CUST-A, returned and shipped to CUST-B, all on one day
-- (journal rows 9998, 9999, 10000: the last one is CUST-B's)
INSERT INTO tr_moves (id, item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  (9998, 'SCANNER', 1, 'W1', 'SN-1', 'SHIP', 'CUST-A', 'INV-30', '2026-06-02');
INSERT INTO tr_moves (id, item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  (9999, 'SCANNER', 1, 'W1', 'SN-1', 'RETURN', 'CUST-A', 'RMA-30', '2026-06-02');
INSERT INTO tr_moves (id, item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  (10000, 'SCANNER', 1, 'W1', 'SN-1', 'SHIP', 'CUST-B', 'INV-31', '2026-06-02');
-- SN-2: shipped to CUST-A, back in stock since; SN-3 never shipped
INSERT INTO tr_moves (item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  ('SCANNER', 1, 'W1', 'SN-2', 'SHIP', 'CUST-A', 'INV-32', '2026-06-03');
INSERT INTO tr_moves (item, qty, wh, serial, reason, account, doc, moved_on) VALUES
  ('SCANNER', 1, 'W1', 'SN-2', 'RETURN', 'CUST-A', 'RMA-32', '2026-06-04');

-- the serial register: SN-1 went out last with INV-31
SELECT serial, state, warehouse, load_doc, unload_doc FROM lottrace.serial_register ORDER BY serial;

-- serials_by_customer: SN-1 at CUST-B (the last shipment, as the register
-- says), SN-2 was at CUST-A and is back in stock; SN-3 never left
SELECT customer, item, serial, doc, shipped_on, state FROM lottrace.serials_by_customer ORDER BY serial;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- refresh_expiry with explicit dates
--
-- ICECREAM: warn_days 5, block_days 2.  Block date = expiry - 2.
------------------------------------------------------------------------------
INSERT INTO lottrace.item (item, lot_tracked, warn_days, block_days) VALUES ('ICECREAM', true, 5, 2);
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('SUGAR', true);   -- no warn_days, block_days 0
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on, expiry) VALUES
  ('ICECREAM', 5, 'W1', 'E1', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-10'),  -- blocked from 01-08
  ('ICECREAM', 5, 'W1', 'E2', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-12'),  -- blocked from 01-10
  ('ICECREAM', 5, 'W1', 'E3', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-05'),  -- no stock left
  ('ICECREAM', 5, 'W1', 'E4', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-05'),  -- force closed
  ('ICECREAM', 5, 'W1', 'E5', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-05'),  -- quarantined
  ('ICECREAM', 5, 'W1', 'E6', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', NULL),          -- no expiry
  ('ICECREAM', 5, 'W1', 'E7', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-20'),  -- far off
  ('ICECREAM', 5, 'W2', 'E8', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-09'),  -- only in W2
  ('SUGAR',    5, 'W1', 'G1', 'RECEIPT', 'SUPP-2', 'GR-10', '2026-01-02', '2090-01-09');
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('ICECREAM', 5, 'W1', 'E3', 'SHIP', 'CUST-A', 'INV-40', '2026-01-03');
UPDATE lottrace.lot SET force_closed = true WHERE item = 'ICECREAM' AND code = 'E4';
SELECT lottrace.set_lot_status('ICECREAM', 'E5', 'QUARANTINE', 'lab check');

-- as of 2090-01-06: E1 (block date 01-08) and E8 (01-07) are within the 5
-- warning days, E2 not yet (warn from 01-07); nothing expires
SELECT item, lot, expiry_date, action FROM lottrace.refresh_expiry('2090-01-06');

-- as of 2090-01-07: E8 reaches its block date and expires (in whatever
-- warehouse its stock is); E1, E2 are warnings; E3 (no stock), E4 (force
-- closed), E5 (quarantine), E6 (no expiry) are untouched; SUGAR has no
-- warning days
SELECT item, lot, expiry_date, action FROM lottrace.refresh_expiry('2090-01-07');
-- ... only E8 changed status
SELECT code AS lot, status FROM lottrace.lot WHERE item = 'ICECREAM' ORDER BY code;

-- the change is logged, with the note 'refresh_expiry as of <ISO date>'
-- whatever the session's DateStyle
SET datestyle = 'SQL, DMY';
-- ... as of 2090-01-08 (in a DMY session): E1 reaches its block date
SELECT item, lot, action FROM lottrace.refresh_expiry('2090-01-08');
RESET datestyle;
SET datestyle = ISO;
-- ... the log: E8 and E1 expired, each with an ISO date in the note, by the current user
SELECT lot, old_status, new_status, note, changed_by = current_user AS by_me
  FROM lottrace.status_history WHERE item IN ('ICECREAM', 'SUGAR') ORDER BY log_id;

-- a second run on the same day changes nothing (warnings are reported again)
SELECT item, lot, action FROM lottrace.refresh_expiry('2090-01-08');
-- ... no new log rows
SELECT count(*) AS log_rows FROM lottrace.lot_status_log;

-- the note is not left behind for later status changes in the transaction
BEGIN;
-- ... a run (one warning row) ...
SELECT count(*) AS rows FROM lottrace.refresh_expiry('2090-01-08');
UPDATE lottrace.lot SET status = 'BLOCKED' WHERE item = 'ICECREAM' AND code = 'E7';
-- ... then a hand-made change: logged without note
SELECT new_status, note FROM lottrace.status_history WHERE item = 'ICECREAM' AND lot = 'E7';
ROLLBACK;

-- SUGAR (block_days 0) expires on its expiry date, not before
SELECT item, lot, action FROM lottrace.refresh_expiry('2090-01-08') WHERE item = 'SUGAR';
-- lottrace.expired_status is honoured: E2 and SUGAR/G1 become BLOCKED
SET lottrace.expired_status = 'BLOCKED';
-- ... as of 2090-01-10: E2 (block date) and G1 (expiry 01-09) become BLOCKED
SELECT item, lot, expiry_date, action FROM lottrace.refresh_expiry('2090-01-10');
RESET lottrace.expired_status;
-- ... the statuses now
SELECT item, code AS lot, status FROM lottrace.lot WHERE item IN ('ICECREAM', 'SUGAR') ORDER BY item, code;
-- ... and their log rows
SELECT lot, old_status, new_status, note FROM lottrace.status_history
 WHERE item IN ('ICECREAM', 'SUGAR') AND new_status = 'BLOCKED' ORDER BY log_id;

-- trace_dot colours a lot by status: expired grey, quarantine yellow, other
-- unavailable statuses red, available green
SELECT code AS lot, status, substring(lottrace.trace_dot('ICECREAM', code) FROM 'fillcolor="([^"]*)"') AS fillcolor
  FROM lottrace.lot WHERE item = 'ICECREAM' AND code IN ('E2', 'E5', 'E7', 'E8') ORDER BY code;

-- an expired lot that is released again (AVAILABLE) expires again on the next run
SELECT lottrace.set_lot_status('ICECREAM', 'E1', 'AVAILABLE', 'tested ok');
-- ... E1 expires again
SELECT item, lot, action FROM lottrace.refresh_expiry('2090-01-10') WHERE lot = 'E1';

-- an expired status that is not a lot status: refused, nothing changed
SET lottrace.expired_status = 'NO-SUCH-STATUS';
-- ... 23503 lottrace_lot_status
SELECT sqlstate, constraint_name FROM pg_temp.err($$SELECT * FROM lottrace.refresh_expiry('2090-01-30')$$);
RESET lottrace.expired_status;
-- ... E7 (past its block date on 01-30) is still AVAILABLE
SELECT code AS lot, status FROM lottrace.lot WHERE item = 'ICECREAM' AND code = 'E7';

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Picking and the dashboard views, today (dates relative to CURRENT_DATE,
-- shown as differences)
--
-- PASTA fifo, no warn_days (the views use 30), block_days 0
-- JUICE fefo, warn_days 10, block_days 2
-- SALT manual
------------------------------------------------------------------------------
INSERT INTO lottrace.item (item, lot_tracked, pick_policy, warn_days, block_days) VALUES
  ('PASTA', true, 'fifo', NULL, 0), ('JUICE', true, 'fefo', 10, 2), ('SALT', true, 'manual', NULL, 0);
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on, expiry)
SELECT item, qty, wh, lot, 'RECEIPT', 'SUPP-3', 'GR-11', CURRENT_DATE + start_in, CURRENT_DATE + expires_in
  FROM (VALUES
  -- item   qty  wh    lot     start  expiry
  ('PASTA', 10, 'W1', 'P1',  -30, 100),
  ('PASTA', 5,  'W1', 'P2',  -20, 60),    -- P2 and P10: same start, same expiry: code order
  ('PASTA', 4,  'W2', 'P2',  -20, 60),
  ('PASTA', 3,  'W1', 'P10', -20, 60),
  ('PASTA', 2,  'W1', 'P3',  -20, 50),    -- same start as P2, earlier expiry
  ('PASTA', 1,  'W1', 'P4',  -20, NULL),  -- same start, no expiry: after those with one
  ('PASTA', 6,  'W2', 'P5',  -40, 90),    -- only in W2
  ('PASTA', 7,  'W1', 'P6',  -50, 90),    -- quarantine
  ('PASTA', 7,  'W1', 'P7',  -50, 90),    -- not saleable
  ('PASTA', 7,  'W1', 'P8',  -50, 5),     -- force closed
  ('PASTA', 7,  'W1', 'P9',  -50, 0),     -- expires today: blocked
  ('PASTA', 2,  'W1', 'P11', -10, 1),     -- expires tomorrow: usable
  ('PASTA', 4,  'W1', 'P12', -60, 20),    -- all shipped
  ('JUICE', 4,  'W1', 'J1',  -10, 30),
  ('JUICE', 4,  'W1', 'J2',  -5,  20),
  ('JUICE', 4,  'W1', 'J3',  -8,  20),    -- same expiry as J2, earlier start
  ('JUICE', 4,  'W1', 'J4',  -8,  20),    -- same expiry and start as J3: code order
  ('JUICE', 4,  'W1', 'J5',  -20, NULL),  -- no expiry: last
  ('JUICE', 4,  'W1', 'J6',  -9,  2),     -- blocked (block_days 2)
  ('JUICE', 4,  'W1', 'J7',  -9,  3),     -- last usable day today
  ('SALT',  5,  'W1', 'SA1', -5,  NULL),
  ('SALT',  5,  'W1', 'SA2', -10, NULL)) AS v(item, qty, wh, lot, start_in, expires_in);
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on) VALUES
  ('PASTA', 4, 'W1', 'P12', 'SHIP', 'CUST-A', 'INV-50', CURRENT_DATE - 1);
SELECT lottrace.set_lot_status('PASTA', 'P6', 'QUARANTINE');
UPDATE lottrace.lot SET saleable = false WHERE item = 'PASTA' AND code = 'P7';
UPDATE lottrace.lot SET force_closed = true WHERE item = 'PASTA' AND code = 'P8';

-- FIFO in W1: P1 (oldest); then the three of the same start date by expiry
-- (P3 before P2 and P10), P2 before P10 (natural code order, equal dates),
-- P4 (no expiry) after them, P11; never P6-P9 or P12; P5 is in W2 only.
-- 100 asked: everything usable, 23 in all
SELECT lot, take_qty, expiry_date - CURRENT_DATE AS expires_in FROM lottrace.suggest_pick('PASTA', 'W1', 100);
-- split until covered: exactly 12 = P1 + P3; 16 takes 4 of P2's 5
SELECT lot, take_qty FROM lottrace.suggest_pick('PASTA', 'W1', 12);
-- ... 16 takes 4 of P2's 5
SELECT lot, take_qty FROM lottrace.suggest_pick('PASTA', 'W1', 16);
-- a fraction
SELECT lot, take_qty FROM lottrace.suggest_pick('PASTA', 'W1', 0.5);
-- W2: P5 (older) before P2, with P2's W2 stock only
SELECT lot, take_qty FROM lottrace.suggest_pick('PASTA', 'W2', 8);
-- ... W2 until its stock runs out: 10 of 100
SELECT lot, take_qty FROM lottrace.suggest_pick('PASTA', 'W2', 100);
-- nothing asked, an unknown warehouse, an unknown item: no rows
SELECT count(*) AS rows FROM lottrace.suggest_pick('PASTA', 'W1', 0);
-- ... an unknown warehouse
SELECT count(*) AS rows FROM lottrace.suggest_pick('PASTA', 'W9', 5);
-- ... an unknown item
SELECT count(*) AS rows FROM lottrace.suggest_pick('NOODLES', 'W1', 5);
-- the suggestion only names lots the engine lets us unload today: shipping
-- exactly what was suggested works (in a transaction rolled back)
BEGIN;
INSERT INTO tr_moves (item, qty, wh, lot, reason, account, doc, moved_on)
SELECT 'PASTA', take_qty, 'W1', lot, 'SHIP', 'CUST-A', 'INV-51', CURRENT_DATE
  FROM lottrace.suggest_pick('PASTA', 'W1', 100);
-- ... and leaves nothing usable in W1
SELECT count(*) AS usable_lots_left FROM lottrace.suggest_pick('PASTA', 'W1', 100);
ROLLBACK;

-- FEFO: J7 (expires first, blocked only from tomorrow), then the three of
-- the same expiry by start date (J3, J4 before J2) and code (J3 before J4),
-- J1, J5 (no expiry) last; J6 is blocked
SELECT lot, take_qty, expiry_date - CURRENT_DATE AS expires_in FROM lottrace.suggest_pick('JUICE', 'W1', 100);
-- ... 9: J7, J3 and 1 of J4
SELECT lot, take_qty FROM lottrace.suggest_pick('JUICE', 'W1', 9);
-- manual is offered as fifo: SA2 (older) first
SELECT lot, take_qty FROM lottrace.suggest_pick('SALT', 'W1', 7);

-- expiring_lots: open lots within their warning days (PASTA: 30) or past
-- expiry: not the force-closed P8, not the empty P12; P9 is blocked from today
SELECT item, lot, status, expiry_date - CURRENT_DATE AS expires_in, blocked_from - CURRENT_DATE AS blocked_in,
       days_to_expiry, on_hand
  FROM lottrace.expiring_lots WHERE item IN ('PASTA', 'JUICE', 'SALT') ORDER BY item, lot;

-- unavailable_stock: per warehouse, with the reason
SELECT warehouse, item, lot, status, reason, on_hand
  FROM lottrace.unavailable_stock WHERE item IN ('PASTA', 'JUICE', 'SALT') ORDER BY warehouse, item, lot;

-- stock_by_item: lots with stock, on hand and available per item and warehouse
SELECT * FROM lottrace.stock_by_item WHERE item IN ('PASTA', 'JUICE', 'SALT') ORDER BY item, warehouse;
-- ... it agrees with lot_stock
SELECT s.item, s.warehouse, s.on_hand = sum(ls.on_hand) AND s.available_qty = sum(ls.available_qty)
       AND s.lots = count(*) AS agrees
  FROM lottrace.stock_by_item s JOIN lottrace.lot_stock ls USING (item, warehouse)
 WHERE ls.on_hand <> 0 AND (s.variant IS NOT DISTINCT FROM ls.variant)
 GROUP BY s.item, s.warehouse, s.on_hand, s.available_qty, s.lots
 HAVING NOT (s.on_hand = sum(ls.on_hand) AND s.available_qty = sum(ls.available_qty) AND s.lots = count(*));

-- refresh_expiry() as of today: P9 (expiry today) and J6 (blocked) expire;
-- J7 and the others within warning days are reported
SELECT item, lot, expiry_date - CURRENT_DATE AS expires_in, action
  FROM lottrace.refresh_expiry() WHERE item IN ('PASTA', 'JUICE', 'SALT');
-- ... P9 and J6 are now unavailable by status
SELECT warehouse, item, lot, status, reason, on_hand
  FROM lottrace.unavailable_stock WHERE item IN ('PASTA', 'JUICE') AND lot IN ('P9', 'J6') ORDER BY item, lot;

-- status_history: every change of the day, with item and lot code (the
-- note names today's date)
SELECT item, lot, old_status, new_status,
       replace(note, to_char(CURRENT_DATE, 'YYYY-MM-DD'), '<today>') AS note
  FROM lottrace.status_history WHERE item IN ('PASTA', 'JUICE', 'SALT') ORDER BY log_id;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

------------------------------------------------------------------------------
-- Reporting tools show the views' comments: every column of the dashboard
-- views has one
------------------------------------------------------------------------------
SELECT c.relname AS view, a.attname AS column_without_comment
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.relnamespace = 'lottrace'::regnamespace
   AND c.relname IN ('expiring_lots', 'unavailable_stock', 'stock_by_item', 'serials_by_customer',
                     'status_history')
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1, 2;
-- ... and each view has one
SELECT c.relname AS view_without_comment
  FROM pg_class c
 WHERE c.relnamespace = 'lottrace'::regnamespace
   AND c.relname IN ('expiring_lots', 'unavailable_stock', 'stock_by_item', 'serials_by_customer',
                     'status_history')
   AND obj_description(c.oid, 'pg_class') IS NULL;

------------------------------------------------------------------------------
-- A reporting role: SELECT on lottrace's registers and views, nothing on
-- the ERP tables.  The genealogy-based functions and the register views
-- work; everything that reads lottrace.movements (recall, mass_balance,
-- trace_events, serials_by_customer) reads the ERP tables with the caller's
-- rights and is refused (42501); refresh_expiry needs UPDATE on lot, verify
-- and rebuild are for the DBA.
------------------------------------------------------------------------------
CREATE ROLE regress_tr_report;
GRANT SELECT ON ALL TABLES IN SCHEMA lottrace TO regress_tr_report;
SET ROLE regress_tr_report;

-- which calls work for the reporting role
SELECT f AS call, e.sqlstate, e.message
  FROM unnest(ARRAY[
         $$SELECT * FROM lottrace.trace_forward('MILK', 'M1')$$,
         $$SELECT * FROM lottrace.trace_backward('CAKE', 'K1')$$,
         $$SELECT lottrace.trace_dot('BUTTER', 'B1')$$,
         $$SELECT * FROM lottrace.suggest_pick('PASTA', 'W1', 5)$$,
         $$SELECT * FROM lottrace.recall('MILK', 'M1')$$,
         $$SELECT * FROM lottrace.mass_balance('MILK', 'M1')$$,
         $$SELECT * FROM lottrace.trace_events('CAKE', 'K1')$$,
         $$SELECT * FROM lottrace.refresh_expiry('2090-01-01')$$,
         $$SELECT * FROM lottrace.verify()$$,
         $$SELECT * FROM lottrace.lot_register$$,
         $$SELECT * FROM lottrace.lot_stock$$,
         $$SELECT * FROM lottrace.genealogy$$,
         $$SELECT * FROM lottrace.expiring_lots$$,
         $$SELECT * FROM lottrace.unavailable_stock$$,
         $$SELECT * FROM lottrace.stock_by_item$$,
         $$SELECT * FROM lottrace.status_history$$,
         $$SELECT * FROM lottrace.serial_register$$,
         $$SELECT * FROM lottrace.serials_by_customer$$,
         $$SELECT * FROM lottrace.movements$$]) WITH ORDINALITY AS t(f, n),
       pg_temp.err(f) e
 ORDER BY n;

-- what works gives the same answers as for the superuser
SELECT depth, item, lot, qty FROM lottrace.trace_forward('MILK', 'M1', 1) ORDER BY depth, item, lot;
-- ... 9: J7, J3 and 1 of J4
SELECT lot, take_qty FROM lottrace.suggest_pick('JUICE', 'W1', 9);
RESET ROLE;

-- with SELECT on the ERP tables as well, the movement-based ones work
GRANT SELECT ON tr_moves, tr_webshop TO regress_tr_report;
SET ROLE regress_tr_report;
-- ... recall: the 7 shipments
SELECT count(*) AS recall_rows FROM lottrace.recall('MILK', 'M1');
-- ... mass_balance
SELECT unaccounted FROM lottrace.mass_balance('MILK', 'M1');
-- ... trace_events: the 23 events
SELECT count(*) AS events FROM lottrace.trace_events('CAKE', 'K1');
-- ... serials_by_customer
SELECT count(*) AS serials_out FROM lottrace.serials_by_customer;
RESET ROLE;

-- the registers agree with the movements
SELECT * FROM lottrace.verify();

-- clean up
SET client_min_messages = warning;
DROP EXTENSION lottrace CASCADE;
DROP TABLE tr_moves, tr_webshop;
DROP ROLE regress_tr_report;
