-- Traceability and reporting (API.md §5): where-used and composition,
-- recall, mass balance, the FSMA 204 event list, the genealogy picture,
-- picking suggestions, expiry, and views for reporting tools.
--
-- All of these run with the caller's rights (SECURITY INVOKER): a reporting
-- role sees what it was granted.

CREATE FUNCTION lottrace._on_hand(stock jsonb)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(sum((w.value ->> 1)::numeric), 0) FROM jsonb_each(stock) AS w);
COMMENT ON FUNCTION lottrace._on_hand(jsonb) IS
  'Internal: on-hand quantity of a lot over all warehouses, from its stock object.';

------------------------------------------------------------------------------
-- Where used / composition
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.trace_forward(item text, lot text, max_depth int DEFAULT 100,
                                       variant text DEFAULT NULL)
RETURNS TABLE (depth int, lot_id bigint, item text, lot lottrace.lotcode, qty numeric)
AS 'MODULE_PATHNAME', 'lt_trace_forward'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace.trace_forward(text, text, int, text) IS
  'Where used: every lot made from this one, directly (depth 1) or not, each once at its smallest depth, with the quantity that flowed into it from the level before; stops on cycles and at max_depth.';

CREATE FUNCTION lottrace.trace_backward(item text, lot text, max_depth int DEFAULT 100,
                                        variant text DEFAULT NULL)
RETURNS TABLE (depth int, lot_id bigint, item text, lot lottrace.lotcode, qty numeric)
AS 'MODULE_PATHNAME', 'lt_trace_backward'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace.trace_backward(text, text, int, text) IS
  'Composition: every lot this one was made from, directly (depth 1) or not, each once at its smallest depth, with the quantity of it that went in; stops on cycles and at max_depth.';

------------------------------------------------------------------------------
-- Recall and mass balance
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.recall(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (account text, item text, lot lottrace.lotcode, qty numeric, doc text, moved_on date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS MATERIALIZED (
    SELECT l.lot_id, l.item, l.code, l.variant
      FROM lottrace.lot l
     WHERE l.lot_id IN (SELECT lottrace._find_lot($1, $2, $3)
                        UNION ALL
                        SELECT t.lot_id FROM lottrace.trace_forward($1, $2, 2147483647, $3) t))
  -- joined through lottrace.movements, each attached table is read through
  -- its own (item, lot) index
  SELECT m.account, m.item, m.lot::lottrace.lotcode, -m.qty, m.doc, m.moved_on
    FROM lottrace.movements m
    JOIN lots ON lots.item = m.item AND lots.code::text = m.lot
     AND (lots.variant = m.variant OR (lots.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.reason r ON r.code = m.reason
   WHERE m.qty < 0 AND m.account IS NOT NULL
     AND r.production IS DISTINCT FROM 'input'
   ORDER BY m.account, m.moved_on, m.item, m.lot, m.doc
$$;
COMMENT ON FUNCTION lottrace.recall(text, text, text) IS
  'Who received what: every unload with an account (shipments, not production inputs) of the lot or of any lot made from it, quantities positive.';

CREATE FUNCTION lottrace.mass_balance(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (loaded numeric, shipped numeric, consumed numeric, other_out numeric,
               on_hand numeric, unaccounted numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH l AS (SELECT * FROM lottrace.lot
              WHERE lot_id = lottrace._find_lot(mass_balance.item, mass_balance.lot, mass_balance.variant)),
  m AS (
    SELECT m.qty, m.account, r.production
      FROM lottrace.movements m
      JOIN l ON (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
      LEFT JOIN lottrace.reason r ON r.code = m.reason
     WHERE m.item = mass_balance.item AND m.lot = (SELECT code::text FROM l)),
  s AS (
    SELECT coalesce(sum(qty) FILTER (WHERE qty > 0), 0) AS loaded,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND account IS NOT NULL
                                      AND production IS DISTINCT FROM 'input'), 0) AS shipped,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND production = 'input'), 0) AS consumed,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND account IS NULL
                                      AND production IS DISTINCT FROM 'input'), 0) AS other_out
      FROM m)
  SELECT s.loaded, s.shipped, s.consumed, s.other_out, lottrace._on_hand(l.stock),
         s.loaded - s.shipped - s.consumed - s.other_out - lottrace._on_hand(l.stock)
    FROM s, l
$$;
COMMENT ON FUNCTION lottrace.mass_balance(text, text, text) IS
  'Mock-recall check: loaded = shipped + consumed (production input) + other_out + on_hand + unaccounted. Transfers count on both sides (in loaded and in other_out); unaccounted is 0 when the register agrees with the movements.';

------------------------------------------------------------------------------
-- The FSMA 204 sortable spreadsheet
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.trace_events(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (event_type text, event_date date, traceability_lot_code lottrace.lotcode,
               product_description text, variant text, quantity numeric,
               location_description text, immediate_previous_source text,
               immediate_subsequent_recipient text, reference_document_type text,
               reference_document_number text, traceability_lot_code_source text,
               relation text, depth int, lot_id bigint, source regclass, source_key text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS (
    SELECT lottrace._find_lot($1, $2, $3) AS lot_id, 'lot'::text AS relation, 0 AS depth
    UNION ALL
    SELECT f.lot_id, 'descendant', f.depth FROM lottrace.trace_forward($1, $2, 2147483647, $3) f
    UNION ALL
    SELECT b.lot_id, 'ancestor', b.depth FROM lottrace.trace_backward($1, $2, 2147483647, $3) b),
  ll AS MATERIALIZED (
    SELECT DISTINCT ON (lots.lot_id) lots.lot_id, lots.relation, lots.depth,
           l.item, l.code, l.variant, l.supplier
      FROM lots JOIN lottrace.lot l ON l.lot_id = lots.lot_id
     -- a lot both ancestor and descendant (rework): its smallest depth, and
     -- at equal depths descendant (where it went matters for a recall)
     ORDER BY lots.lot_id, lots.depth, lots.relation = 'ancestor')
  SELECT CASE WHEN r.production IS NOT NULL THEN 'transformation'
              WHEN m.account IS NULL THEN 'other'
              WHEN m.qty > 0 THEN 'receiving'
              ELSE 'shipping' END,
         m.moved_on, ll.code, m.item, m.variant, abs(m.qty), m.warehouse,
         CASE WHEN m.qty > 0 THEN m.account END,
         CASE WHEN m.qty < 0 THEN m.account END,
         m.reason, m.doc, ll.supplier,
         ll.relation, ll.depth, ll.lot_id, m.source, m.source_key
    FROM lottrace.movements m
    JOIN ll ON ll.item = m.item AND ll.code::text = m.lot
     AND (ll.variant = m.variant OR (ll.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.reason r ON r.code = m.reason
   ORDER BY m.moved_on, ll.depth, m.item, m.lot, m.source::oid, m.source_key
$$;
COMMENT ON FUNCTION lottrace.trace_events(text, text, text) IS
  'One row per tracking event (receiving: a load with an account; shipping: an unload with an account; transformation: production input or output; other: internal moves and adjustments) of the lot, its ancestors and descendants, with columns named after FSMA 204 key data elements: COPY (SELECT * FROM lottrace.trace_events(...)) TO STDOUT WITH CSV HEADER is the sortable spreadsheet.';

------------------------------------------------------------------------------
-- The genealogy as a picture
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._dot_quote(s text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN '"' || replace(replace(replace(s, '\', '\\'), '"', '\"'), E'\n', '\n') || '"';
COMMENT ON FUNCTION lottrace._dot_quote(text) IS 'Internal: a Graphviz quoted string.';

CREATE FUNCTION lottrace.trace_dot(item text, lot text, variant text DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS (
    SELECT lottrace._find_lot(trace_dot.item, trace_dot.lot, trace_dot.variant) AS lot_id, true AS focus
    UNION
    SELECT f.lot_id, false FROM lottrace.trace_forward(trace_dot.item, trace_dot.lot, 100, trace_dot.variant) f
    UNION
    SELECT b.lot_id, false FROM lottrace.trace_backward(trace_dot.item, trace_dot.lot, 100, trace_dot.variant) b),
  nodes AS (
    SELECT l.lot_id, bool_or(lots.focus) AS focus, l.item, l.code, l.status, l.variant,
           lottrace._on_hand(l.stock) AS on_hand, s.available
      FROM lots JOIN lottrace.lot l ON l.lot_id = lots.lot_id
      LEFT JOIN lottrace.lot_status s ON s.code = l.status
     GROUP BY l.lot_id, l.item, l.code, l.status, l.variant, l.stock, s.available),
  edges AS (
    SELECT g.parent_lot_id, g.child_lot_id, sum(g.qty) AS qty,
           string_agg(DISTINCT coalesce(g.batch_key, 'manual'), ', ') AS via
      FROM lottrace.genealogy g
     WHERE g.parent_lot_id IN (SELECT lot_id FROM nodes) AND g.child_lot_id IN (SELECT lot_id FROM nodes)
     GROUP BY 1, 2)
  SELECT 'digraph genealogy {' || E'\n'
      || '  rankdir=LR;' || E'\n'
      || '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];' || E'\n'
      || '  edge [fontname="Helvetica", fontsize=10, color="#555555"];' || E'\n'
      || coalesce((SELECT string_agg(format('  n%s [label=%s, fillcolor="%s"%s];', n.lot_id,
                          lottrace._dot_quote(n.item || coalesce(' / ' || n.variant, '') || E'\n'
                                              || n.code || E'\n' || n.status || '  on hand ' || n.on_hand),
                          CASE WHEN n.status = current_setting('lottrace.expired_status', true) THEN '#d9d9d9'
                               WHEN n.available THEN '#c6efce' WHEN n.status = 'QUARANTINE' THEN '#ffeb9c'
                               ELSE '#ffc7ce' END,
                          CASE WHEN n.focus THEN ', penwidth=3' ELSE '' END), E'\n' ORDER BY n.lot_id)
                     FROM nodes n), '') || E'\n'
      || coalesce((SELECT string_agg(format('  n%s -> n%s [label=%s];', e.parent_lot_id, e.child_lot_id,
                                            lottrace._dot_quote(coalesce(e.qty::text, '') || E'\n' || e.via)),
                                     E'\n' ORDER BY e.parent_lot_id, e.child_lot_id)
                     FROM edges e), '') || E'\n'
      || '}' || E'\n'
$$;
COMMENT ON FUNCTION lottrace.trace_dot(text, text, text) IS
  'The genealogy around a lot (its ancestors and descendants, up to 100 levels each way) as a Graphviz DOT graph: lots as nodes (item, lot, status, on hand; the lot asked for drawn bold), links labelled with quantity and batch. Render with: dot -Tpng.';

------------------------------------------------------------------------------
-- Picking and expiry
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.suggest_pick(item text, warehouse text, qty numeric, variant text DEFAULT NULL)
RETURNS TABLE (lot lottrace.lotcode, lot_id bigint, take_qty numeric, expiry_date date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH i AS (SELECT * FROM lottrace.item WHERE item = suggest_pick.item),
  usable AS (
    SELECT l.lot_id, l.code, l.start_date, l.expiry_date,
           ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric AS on_hand
      FROM lottrace.lot l
      JOIN lottrace.lot_status s ON s.code = l.status AND s.available
      CROSS JOIN i
     WHERE l.item = suggest_pick.item
       -- variant '' is no variant, as in the engine
       AND (l.variant = suggest_pick.variant
            OR (l.variant IS NULL AND nullif(suggest_pick.variant, '') IS NULL))
       AND l.saleable AND NOT l.force_closed
       AND (l.expiry_date IS NULL OR CURRENT_DATE < l.expiry_date - i.block_days)
       AND ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric > 0),
  ordered AS (
    SELECT u.*, sum(u.on_hand) OVER w AS upto
      FROM usable u, i
    WINDOW w AS (ORDER BY CASE WHEN i.pick_policy = 'fefo' THEN u.expiry_date END NULLS LAST,
                          u.start_date, u.expiry_date NULLS LAST, u.code, u.lot_id
                 ROWS UNBOUNDED PRECEDING))
  SELECT o.code, o.lot_id, least(o.on_hand, suggest_pick.qty - (o.upto - o.on_hand)), o.expiry_date
    FROM ordered o
   WHERE o.upto - o.on_hand < suggest_pick.qty
   ORDER BY o.upto
$$;
COMMENT ON FUNCTION lottrace.suggest_pick(text, text, numeric, text) IS
  'Which lots to unload, by the item''s policy (fifo: oldest start date first; fefo: earliest expiry first; manual: as fifo; ties by start date, expiry, code), among lots usable today in that warehouse (available status, saleable, not force closed, not blocked by expiry, stock > 0), split until qty is covered or stock runs out.';

CREATE FUNCTION lottrace.refresh_expiry(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (lot_id bigint, item text, lot lottrace.lotcode, expiry_date date, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  expired_status text := coalesce(nullif(current_setting('lottrace.expired_status', true), ''), 'EXPIRED');
  old_note text := current_setting('lottrace.status_note', true);
BEGIN
  -- the date in ISO form, whatever the session's DateStyle
  PERFORM set_config('lottrace.status_note', format('refresh_expiry as of %s', to_char(as_of, 'YYYY-MM-DD')), true);
  RETURN QUERY
  WITH expired AS (
    UPDATE lottrace.lot l
       SET status = expired_status
      FROM lottrace.item i, lottrace.lot_status s
     WHERE i.item = l.item AND s.code = l.status AND s.available
       AND l.expiry_date IS NOT NULL AND as_of >= l.expiry_date - i.block_days
       AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
       AND l.status <> expired_status
    RETURNING l.lot_id, l.item, l.code, l.expiry_date)
  SELECT e.lot_id, e.item, e.code, e.expiry_date, 'expired'::text FROM expired e
  UNION ALL
  SELECT l.lot_id, l.item, l.code, l.expiry_date, 'warning'
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
    JOIN lottrace.lot_status s ON s.code = l.status AND s.available
   WHERE l.expiry_date IS NOT NULL AND i.warn_days IS NOT NULL
     AND as_of >= l.expiry_date - i.warn_days
     AND as_of < l.expiry_date - i.block_days
     AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
   ORDER BY 5, 4, 2, 3;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
END
$$;
COMMENT ON FUNCTION lottrace.refresh_expiry(date) IS
  'Daily job: open lots in an available status at or past expiry_date - block_days move to lottrace.expired_status (logged in lot_status_log; action expired); open lots within warn_days are reported (action warning). Schedule with pg_cron, see docs/TRACEABILITY.md.';

------------------------------------------------------------------------------
-- Views for a quality manager's dashboard
------------------------------------------------------------------------------
CREATE VIEW lottrace.expiring_lots AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.status, l.expiry_date,
         l.expiry_date - i.block_days AS blocked_from,
         l.expiry_date - CURRENT_DATE AS days_to_expiry,
         lottrace._on_hand(l.stock) AS on_hand
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
   WHERE l.expiry_date IS NOT NULL AND NOT l.force_closed
     AND lottrace._on_hand(l.stock) > 0
     AND CURRENT_DATE >= l.expiry_date - coalesce(i.warn_days, 30);
COMMENT ON VIEW lottrace.expiring_lots IS
  'Open lots within their item''s warning lead time of expiry (30 days when the item sets none), or past it.';
COMMENT ON COLUMN lottrace.expiring_lots.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.expiring_lots.item IS 'Item code.';
COMMENT ON COLUMN lottrace.expiring_lots.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.expiring_lots.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.expiring_lots.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.expiring_lots.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.expiring_lots.blocked_from IS 'First day the lot may no longer be unloaded (expiry - block days).';
COMMENT ON COLUMN lottrace.expiring_lots.days_to_expiry IS 'Days from today to expiry (negative: expired).';
COMMENT ON COLUMN lottrace.expiring_lots.on_hand IS 'On hand, all warehouses.';

CREATE VIEW lottrace.unavailable_stock AS
  SELECT s.warehouse, s.item, s.variant, s.lot, l.status,
         CASE WHEN NOT coalesce(st.available, false) THEN 'status'
              WHEN NOT l.saleable THEN 'not saleable'
              WHEN l.force_closed THEN 'force closed'
              ELSE 'expired' END AS reason,
         s.on_hand
    FROM lottrace.lot_stock s
    JOIN lottrace.lot l ON l.lot_id = s.lot_id
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
   WHERE s.on_hand > 0 AND s.available_qty = 0;
COMMENT ON VIEW lottrace.unavailable_stock IS
  'Stock that may not be picked, by warehouse: lots in quarantine, blocked, expired, not saleable or force closed.';
COMMENT ON COLUMN lottrace.unavailable_stock.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.unavailable_stock.item IS 'Item code.';
COMMENT ON COLUMN lottrace.unavailable_stock.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.unavailable_stock.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.unavailable_stock.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.unavailable_stock.reason IS 'Why it is unavailable: status, not saleable, force closed or expired.';
COMMENT ON COLUMN lottrace.unavailable_stock.on_hand IS 'On hand in this warehouse.';

CREATE VIEW lottrace.stock_by_item AS
  SELECT s.item, s.variant, s.warehouse, count(*) AS lots,
         sum(s.on_hand) AS on_hand, sum(s.available_qty) AS available_qty
    FROM lottrace.lot_stock s
   WHERE s.on_hand <> 0
   GROUP BY s.item, s.variant, s.warehouse;
COMMENT ON VIEW lottrace.stock_by_item IS 'Lot-tracked stock per item and warehouse: number of lots, on hand, available.';
COMMENT ON COLUMN lottrace.stock_by_item.item IS 'Item code.';
COMMENT ON COLUMN lottrace.stock_by_item.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.stock_by_item.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.stock_by_item.lots IS 'Lots with stock here.';
COMMENT ON COLUMN lottrace.stock_by_item.on_hand IS 'On hand.';
COMMENT ON COLUMN lottrace.stock_by_item.available_qty IS 'Of which available for picking today.';

CREATE VIEW lottrace.serials_by_customer AS
  SELECT DISTINCT ON (s.serial_id)
         m.account AS customer, s.item, s.variant, s.code AS serial, m.doc, m.moved_on AS shipped_on,
         s.state
    FROM lottrace.serial s
    JOIN lottrace.movements m ON m.item = s.item AND m.serial = s.code::text
     AND (m.variant = s.variant OR (m.variant IS NULL AND s.variant IS NULL))
   WHERE m.qty < 0 AND m.account IS NOT NULL
   -- the last unload in the order the registers use (date, table, key with
   -- shorter keys first, so row 10000 comes after row 9999)
   ORDER BY s.serial_id, m.moved_on DESC, m.source::oid DESC, length(m.source_key) DESC, m.source_key DESC;
COMMENT ON VIEW lottrace.serials_by_customer IS
  'The customer each serial was last shipped to (unloads with an account), with document and date; state tells whether it has come back.';
COMMENT ON COLUMN lottrace.serials_by_customer.customer IS 'Account of the last unload with an account.';
COMMENT ON COLUMN lottrace.serials_by_customer.item IS 'Item code.';
COMMENT ON COLUMN lottrace.serials_by_customer.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.serials_by_customer.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.serials_by_customer.doc IS 'Document of that unload.';
COMMENT ON COLUMN lottrace.serials_by_customer.shipped_on IS 'Date of that unload.';
COMMENT ON COLUMN lottrace.serials_by_customer.state IS 'in_stock (returned since) or out.';

CREATE VIEW lottrace.status_history AS
  SELECT g.log_id, g.changed_at, g.changed_by, l.item, l.variant, l.code AS lot,
         g.old_status, g.new_status, g.note
    FROM lottrace.lot_status_log g
    JOIN lottrace.lot l ON l.lot_id = g.lot_id;
COMMENT ON VIEW lottrace.status_history IS 'Every lot status change with the lot''s item and code: the audit trail.';
COMMENT ON COLUMN lottrace.status_history.log_id IS 'Order of the changes.';
COMMENT ON COLUMN lottrace.status_history.changed_at IS 'When.';
COMMENT ON COLUMN lottrace.status_history.changed_by IS 'Who.';
COMMENT ON COLUMN lottrace.status_history.item IS 'Item code.';
COMMENT ON COLUMN lottrace.status_history.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.status_history.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.status_history.old_status IS 'From.';
COMMENT ON COLUMN lottrace.status_history.new_status IS 'To.';
COMMENT ON COLUMN lottrace.status_history.note IS 'Why.';
