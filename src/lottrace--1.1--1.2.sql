/*
 * lottrace 1.1 -> 1.2: availability that holds in real operations.
 *
 *   * reservations and holds: lottrace.reservation, lottrace.hold and the
 *     lot's cached claims (lottrace.lot.claims), which the engine reads when
 *     it writes a lot, so that an unload eating into stock reserved by
 *     someone else, or held, is refused (lottrace_lot_reserved,
 *     lottrace_lot_unavailable); recall_hold over the genealogy;
 *   * shelf-life rules at receipt and at shipment (lottrace_shelf_life) and
 *     expiry taken from the components;
 *   * lot master data: production and best-before dates, attributes, the
 *     unit of measure of each item.
 * docs/TRACEABILITY.md explains the choices.
 */
\echo Use "ALTER EXTENSION lottrace UPDATE TO '1.2'" to load this file. \quit

-- =====================================================================
-- Reservations and holds
-- =====================================================================

-- Who did it: the role the caller acts as (SET ROLE), else the login role.
-- Inside the SECURITY DEFINER functions below CURRENT_USER is the
-- extension's owner, not the caller.
CREATE FUNCTION lottrace._actor()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END $$;
COMMENT ON FUNCTION lottrace._actor() IS
  'Internal: the role a change is recorded as: the role set with SET ROLE, else the session''s login role (inside SECURITY DEFINER functions CURRENT_USER is the extension owner).';

-- Committed and held stock is user data (a rebuild keeps it): reservations
-- and holds are rows of their own tables, and a lot with any of them open
-- has lottrace.lot.claims > 0.  The engine reads that number back when it
-- writes the lot (the same row operation that locks it), so that
--   * only unloads of claimed lots pay for the check (lottrace._claims_check
--     at the end of the statement);
--   * placing a reservation or a hold and an unload of the same lot take the
--     same row lock: whichever commits first is what the other sees (under
--     REPEATABLE READ and SERIALIZABLE the second gets 40001).
ALTER TABLE lottrace.lot ADD COLUMN claims integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN lottrace.lot.claims IS
  'How many reservations and holds were placed on the lot and are not released or consumed (maintained by the reservation and hold functions): the engine checks the unloads of lots with claims > 0.';
ALTER TABLE lottrace.serial ADD COLUMN held boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN lottrace.serial.held IS
  'The serial is under a hold (lottrace.hold_serial, recall_hold): it may not be unloaded until the hold is released.';
COMMENT ON COLUMN lottrace.serial.reserved IS
  'The serial is reserved (lottrace.reserve_serial): only an unload whose document is the reservation''s may take it; editable (false releases nothing: use lottrace.release).';
ALTER TABLE lottrace.item ADD COLUMN claims_seen boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN lottrace.item.claims_seen IS
  'Set when the first reservation or hold is placed on one of the item''s lots or serials: from then on the engine keeps each unload''s document, so that an unload can consume its own reservation. Costs nothing for items never reserved.';

-- Rows of an attached table that reserve (Odoo's move lines in state
-- assigned): attach(reserve_when => ...), a predicate like counts_when.
ALTER TABLE lottrace.attachment
  ADD COLUMN reserve_when    text,
  ADD COLUMN reserve_attnums smallint[],
  ADD COLUMN reserve_cols    text[];
COMMENT ON COLUMN lottrace.attachment.reserve_when IS
  'A row predicate given to attach() (reserve_when), rewritten as counts_when is: a row for which counts_when does not hold and it does reserves, for its document, the stock it would unload (lottrace.row_reservation).';
COMMENT ON COLUMN lottrace.attachment.reserve_attnums IS 'Attribute numbers of the columns reserve_when reads.';
COMMENT ON COLUMN lottrace.attachment.reserve_cols IS 'The names of the columns reserve_when reads (see counts_cols).';

-- What reserving rows of the attached tables commit, per lot, warehouse
-- and document: derived (the engine keeps it, rebuild() recomputes it).
CREATE TABLE lottrace.row_reservation (
    lot_id    bigint NOT NULL,
    warehouse text NOT NULL,
    doc       text NOT NULL,
    source    regclass NOT NULL,
    qty       numeric NOT NULL CHECK (qty > 0),
    PRIMARY KEY (lot_id, warehouse, doc, source)
);
COMMENT ON TABLE lottrace.row_reservation IS
  'Stock that rows of attached tables reserve (attach(reserve_when => ...)): per lot, warehouse, document and table, the sum of what those rows would unload. Derived like stock: maintained by the triggers, recomputed by rebuild(), checked by verify().';
COMMENT ON COLUMN lottrace.row_reservation.lot_id IS 'The lot reserved.';
COMMENT ON COLUMN lottrace.row_reservation.warehouse IS 'The warehouse it is reserved in (the row''s source).';
COMMENT ON COLUMN lottrace.row_reservation.doc IS 'The rows'' document.';
COMMENT ON COLUMN lottrace.row_reservation.source IS 'The attached table the rows are in.';
COMMENT ON COLUMN lottrace.row_reservation.qty IS 'What the rows reserve.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.row_reservation', '');

CREATE TABLE lottrace.reservation (
    reservation_id bigserial PRIMARY KEY,
    lot_id       bigint NOT NULL,
    warehouse    text NOT NULL,
    serial_id    bigint,
    qty          numeric NOT NULL CHECK (qty > 0),
    consumed_qty numeric NOT NULL DEFAULT 0,
    doc          text NOT NULL CHECK (doc <> ''),
    note         text,
    until        timestamptz,
    reserved_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    reserved_by  text NOT NULL DEFAULT lottrace._actor(),
    released_at  timestamptz,
    released_by  text,
    CHECK (consumed_qty >= 0 AND consumed_qty <= qty),
    CHECK (serial_id IS NULL OR qty = 1)
);
CREATE INDEX reservation_lot_idx ON lottrace.reservation (lot_id, warehouse);
CREATE INDEX reservation_serial_idx ON lottrace.reservation (serial_id) WHERE serial_id IS NOT NULL;
CREATE INDEX reservation_doc_idx ON lottrace.reservation (doc);
COMMENT ON TABLE lottrace.reservation IS
  'Stock committed to a document (a sales order, a pick list) through lottrace.reserve, reserve_serial or reserve_pick. Open while not released, not consumed and not past until. An unload with the same document consumes it; an unload by another document may not eat into it (lottrace_lot_reserved).';
COMMENT ON COLUMN lottrace.reservation.reservation_id IS 'Surrogate key (what release() takes).';
COMMENT ON COLUMN lottrace.reservation.lot_id IS 'The lot reserved.';
COMMENT ON COLUMN lottrace.reservation.warehouse IS 'The warehouse the stock is reserved in.';
COMMENT ON COLUMN lottrace.reservation.serial_id IS 'The serial reserved (qty 1), or NULL for a quantity of the lot.';
COMMENT ON COLUMN lottrace.reservation.qty IS 'Quantity reserved.';
COMMENT ON COLUMN lottrace.reservation.consumed_qty IS 'Quantity unloaded since by rows with the reservation''s document.';
COMMENT ON COLUMN lottrace.reservation.doc IS 'The document the stock is reserved for: unloads whose mapped document is this one consume it.';
COMMENT ON COLUMN lottrace.reservation.note IS 'Free text.';
COMMENT ON COLUMN lottrace.reservation.until IS 'End of the reservation (NULL: until released or consumed); past it the stock is free again.';
COMMENT ON COLUMN lottrace.reservation.reserved_at IS 'Start time of the reserving transaction.';
COMMENT ON COLUMN lottrace.reservation.reserved_by IS 'Role that reserved.';
COMMENT ON COLUMN lottrace.reservation.released_at IS 'When it was released (NULL: not released).';
COMMENT ON COLUMN lottrace.reservation.released_by IS 'Role that released it.';

CREATE TABLE lottrace.recall_action (
    recall_id   bigserial PRIMARY KEY,
    item        text NOT NULL,
    variant     text,
    lot         lottrace.lotcode NOT NULL,
    note        text,
    placed_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    placed_by   text NOT NULL DEFAULT lottrace._actor(),
    released_at timestamptz,
    released_by text,
    release_note text
);
COMMENT ON TABLE lottrace.recall_action IS
  'Each recall_hold: the lot it started from and its holds (lottrace.hold.recall_id); release_recall releases exactly those.';
COMMENT ON COLUMN lottrace.recall_action.recall_id IS 'Surrogate key (what release_recall takes).';
COMMENT ON COLUMN lottrace.recall_action.item IS 'Item of the recalled lot.';
COMMENT ON COLUMN lottrace.recall_action.variant IS 'Variant of the recalled lot.';
COMMENT ON COLUMN lottrace.recall_action.lot IS 'The recalled lot.';
COMMENT ON COLUMN lottrace.recall_action.note IS 'Why (the note given to recall_hold).';
COMMENT ON COLUMN lottrace.recall_action.placed_at IS 'Start time of the recalling transaction.';
COMMENT ON COLUMN lottrace.recall_action.placed_by IS 'Role that recalled.';
COMMENT ON COLUMN lottrace.recall_action.released_at IS 'When the recall''s holds were released (NULL: in force).';
COMMENT ON COLUMN lottrace.recall_action.released_by IS 'Role that released them.';
COMMENT ON COLUMN lottrace.recall_action.release_note IS 'Why they were released.';

CREATE TABLE lottrace.hold (
    hold_id      bigserial PRIMARY KEY,
    lot_id       bigint NOT NULL,
    warehouse    text,
    serial_id    bigint,
    qty          numeric CHECK (qty > 0),
    reason       text NOT NULL CHECK (reason <> ''),
    recall_id    bigint,
    until        timestamptz,
    placed_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    placed_by    text NOT NULL DEFAULT lottrace._actor(),
    released_at  timestamptz,
    released_by  text,
    release_note text,
    CHECK (qty IS NULL OR (warehouse IS NOT NULL AND serial_id IS NULL))
);
CREATE INDEX hold_lot_idx ON lottrace.hold (lot_id);
CREATE INDEX hold_serial_idx ON lottrace.hold (serial_id) WHERE serial_id IS NOT NULL;
CREATE INDEX hold_recall_idx ON lottrace.hold (recall_id) WHERE recall_id IS NOT NULL;
COMMENT ON TABLE lottrace.hold IS
  'Quality and regulatory holds: a whole lot (warehouse NULL), a lot in one warehouse, a quantity of a lot in one warehouse (qty), or one serial (serial_id). In force while not released and not past until; every placing and release is logged in lottrace.hold_log. A hold without qty refuses the unloads a status would (lottrace_lot_unavailable); a quantity hold reduces the available stock (lottrace_lot_reserved).';
COMMENT ON COLUMN lottrace.hold.hold_id IS 'Surrogate key (what release_hold takes).';
COMMENT ON COLUMN lottrace.hold.lot_id IS 'The lot held (a serial''s lot for a serial hold).';
COMMENT ON COLUMN lottrace.hold.warehouse IS 'The warehouse held (NULL: every warehouse).';
COMMENT ON COLUMN lottrace.hold.serial_id IS 'The serial held (NULL: stock of the lot).';
COMMENT ON COLUMN lottrace.hold.qty IS 'Quantity held in the warehouse (NULL: all of it).';
COMMENT ON COLUMN lottrace.hold.reason IS 'Why (shown in the refusal).';
COMMENT ON COLUMN lottrace.hold.recall_id IS 'The recall_hold that placed it (NULL: placed by hand).';
COMMENT ON COLUMN lottrace.hold.until IS 'End of the hold (NULL: until released).';
COMMENT ON COLUMN lottrace.hold.placed_at IS 'Start time of the placing transaction.';
COMMENT ON COLUMN lottrace.hold.placed_by IS 'Role that placed it.';
COMMENT ON COLUMN lottrace.hold.released_at IS 'When it was released (NULL: in force).';
COMMENT ON COLUMN lottrace.hold.released_by IS 'Role that released it.';
COMMENT ON COLUMN lottrace.hold.release_note IS 'Why it was released.';

CREATE TABLE lottrace.hold_log (
    log_id     bigserial PRIMARY KEY,
    hold_id    bigint NOT NULL,
    lot_id     bigint NOT NULL,
    action     text NOT NULL CHECK (action IN ('placed', 'released', 'changed')),
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_by text NOT NULL DEFAULT lottrace._actor(),
    note       text
);
CREATE INDEX hold_log_lot_idx ON lottrace.hold_log (lot_id, changed_at);
COMMENT ON TABLE lottrace.hold_log IS
  'Every placing, change and release of a hold, by function or by UPDATE: who, when, what, why (the audit trail of lottrace.hold, like lottrace.lot_status_log for statuses).';
COMMENT ON COLUMN lottrace.hold_log.log_id IS 'Surrogate key.';
COMMENT ON COLUMN lottrace.hold_log.hold_id IS 'The hold.';
COMMENT ON COLUMN lottrace.hold_log.lot_id IS 'Its lot.';
COMMENT ON COLUMN lottrace.hold_log.action IS 'placed, released or changed.';
COMMENT ON COLUMN lottrace.hold_log.changed_at IS 'Start time of the transaction.';
COMMENT ON COLUMN lottrace.hold_log.changed_by IS 'Role that did it.';
COMMENT ON COLUMN lottrace.hold_log.note IS 'The hold''s reason (placed), release note (released), or the changed columns.';

-- No foreign keys between these tables and the registers: pg_restore -j
-- loads the data of an extension's configuration tables in parallel, in no
-- order, and a foreign key among them fails the restore (found by
-- test/shell/dump_restore.sh).  The functions write only ids they found;
-- a lot or serial deleted takes its reservations and holds with it.
CREATE FUNCTION lottrace._forget_claims()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'lot' THEN
    DELETE FROM lottrace.reservation r WHERE r.lot_id = (to_jsonb(OLD) ->> 'lot_id')::bigint;
    DELETE FROM lottrace.hold h WHERE h.lot_id = (to_jsonb(OLD) ->> 'lot_id')::bigint;
    DELETE FROM lottrace.row_reservation w WHERE w.lot_id = (to_jsonb(OLD) ->> 'lot_id')::bigint;
  ELSE
    DELETE FROM lottrace.reservation r WHERE r.serial_id = (to_jsonb(OLD) ->> 'serial_id')::bigint;
    DELETE FROM lottrace.hold h WHERE h.serial_id = (to_jsonb(OLD) ->> 'serial_id')::bigint;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace._forget_claims() IS
  'Internal trigger: deleted lots and serials take their reservations, holds and row reservations with them (the tables have no foreign keys, so that pg_restore -j can load them in any order).';
CREATE TRIGGER forget_claims AFTER DELETE ON lottrace.lot
  FOR EACH ROW EXECUTE FUNCTION lottrace._forget_claims();
CREATE TRIGGER forget_claims AFTER DELETE ON lottrace.serial
  FOR EACH ROW EXECUTE FUNCTION lottrace._forget_claims();

SELECT pg_catalog.pg_extension_config_dump('lottrace.reservation', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.reservation_reservation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.recall_action', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.recall_action_recall_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.hold', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.hold_hold_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.hold_log', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.hold_log_log_id_seq', '');

-- the audit trail of holds
CREATE FUNCTION lottrace._hold_log()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- a restore of dumped holds (pg_dump scripts set check_function_bodies
  -- off; only a superuser restores) brings their log with them
  IF NOT current_setting('check_function_bodies')::boolean
     AND (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO lottrace.hold_log (hold_id, lot_id, action, note)
    VALUES (NEW.hold_id, NEW.lot_id, 'placed', NEW.reason);
  ELSIF OLD.released_at IS NULL AND NEW.released_at IS NOT NULL THEN
    INSERT INTO lottrace.hold_log (hold_id, lot_id, action, note)
    VALUES (NEW.hold_id, NEW.lot_id, 'released', NEW.release_note);
  ELSE
    INSERT INTO lottrace.hold_log (hold_id, lot_id, action, note)
    SELECT NEW.hold_id, NEW.lot_id, 'changed', string_agg(n.key, ', ' ORDER BY n.key)
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
     WHERE n.value IS DISTINCT FROM o.value;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace._hold_log() IS
  'Internal trigger: logs every placing, change and release of a hold in lottrace.hold_log (not the rows a superuser''s restore of a dump loads: their log is in the dump).';
CREATE TRIGGER hold_log AFTER INSERT OR UPDATE ON lottrace.hold
  FOR EACH ROW EXECUTE FUNCTION lottrace._hold_log();

-- Is a reservation / a hold in force now?
CREATE FUNCTION lottrace._reservation_open(r lottrace.reservation)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT r.released_at IS NULL AND r.consumed_qty < r.qty AND (r.until IS NULL OR r.until > now()) $$;
COMMENT ON FUNCTION lottrace._reservation_open(lottrace.reservation) IS
  'Internal: the reservation is in force (not released, not consumed, not past until).';
CREATE FUNCTION lottrace._hold_active(h lottrace.hold)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT h.released_at IS NULL AND (h.until IS NULL OR h.until > now()) $$;
COMMENT ON FUNCTION lottrace._hold_active(lottrace.hold) IS
  'Internal: the hold is in force (not released, not past until).';

-- Committed and held quantity of a lot in a warehouse, and what stops it
-- (a hold on the lot or on that warehouse).  Serial holds count 1 each for
-- a serial in stock there.
CREATE FUNCTION lottrace._claimed(p_lot bigint, p_wh text, OUT committed numeric, OUT held numeric,
                                  OUT stop_hold bigint, OUT stop_reason text)
LANGUAGE sql STABLE
-- the views call it for their readers, who need no privilege on the tables
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT (SELECT coalesce(sum(r.qty - r.consumed_qty), 0) FROM lottrace.reservation r
           WHERE r.lot_id = p_lot AND r.warehouse = p_wh AND r.released_at IS NULL
             AND r.consumed_qty < r.qty AND (r.until IS NULL OR r.until > now()))
         + (SELECT coalesce(sum(w.qty), 0) FROM lottrace.row_reservation w
             WHERE w.lot_id = p_lot AND w.warehouse = p_wh),
         (SELECT coalesce(sum(h.qty), 0) FROM lottrace.hold h
           WHERE h.lot_id = p_lot AND h.warehouse = p_wh AND h.qty IS NOT NULL
             AND h.released_at IS NULL AND (h.until IS NULL OR h.until > now()))
         + (SELECT count(*) FROM lottrace.hold h JOIN lottrace.serial s ON s.serial_id = h.serial_id
             WHERE h.lot_id = p_lot AND h.released_at IS NULL AND (h.until IS NULL OR h.until > now())
               AND s.state = 'in_stock' AND s.warehouse = p_wh),
         x.hold_id, x.reason
    FROM (SELECT NULL) d
    LEFT JOIN LATERAL (SELECT h.hold_id, h.reason FROM lottrace.hold h
                        WHERE h.lot_id = p_lot AND h.serial_id IS NULL AND h.qty IS NULL
                          AND (h.warehouse IS NULL OR h.warehouse = p_wh)
                          AND h.released_at IS NULL AND (h.until IS NULL OR h.until > now())
                        ORDER BY h.hold_id LIMIT 1) x ON true
$$;
COMMENT ON FUNCTION lottrace._claimed(bigint, text) IS
  'Internal: the open reserved quantity, the held quantity (quantity holds and held serials in stock) of a lot in a warehouse, and the first hold that stops the warehouse''s stock altogether.';

-- Find a lot by item, code and variant ('' is no variant); 23503 otherwise.
CREATE FUNCTION lottrace._lot_of(p_item text, p_lot text, p_variant text, p_lock boolean DEFAULT false)
RETURNS lottrace.lot
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  l lottrace.lot;
BEGIN
  IF p_lock THEN
    SELECT * INTO l FROM lottrace.lot x
     WHERE x.item = p_item AND x.code = p_lot::lottrace.lotcode
       AND (x.variant = p_variant OR (x.variant IS NULL AND nullif(p_variant, '') IS NULL))
       FOR NO KEY UPDATE;
  ELSE
    SELECT * INTO l FROM lottrace.lot x
     WHERE x.item = p_item AND x.code = p_lot::lottrace.lotcode
       AND (x.variant = p_variant OR (x.variant IS NULL AND nullif(p_variant, '') IS NULL));
  END IF;
  IF l.lot_id IS NULL THEN
    RAISE EXCEPTION 'lot "%" of item "%"% does not exist', p_lot, p_item,
                    CASE WHEN nullif(p_variant, '') IS NOT NULL THEN format(' variant "%s"', p_variant) ELSE '' END
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lot_unknown';
  END IF;
  RETURN l;
END
$$;
COMMENT ON FUNCTION lottrace._lot_of(text, text, text, boolean) IS
  'Internal: the lot (item, code, variant; '''' is no variant), locked FOR NO KEY UPDATE when asked; SQLSTATE 23503, constraint lottrace_lot_unknown, when there is none.';

-- A claim placed on a lot: count it, and have the engine keep documents
-- for the item from now on.
CREATE FUNCTION lottrace._claim(p_lot bigint, p_item text, n integer)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE lottrace.lot SET claims = greatest(claims + n, 0) WHERE lot_id = p_lot;
  UPDATE lottrace.item SET claims_seen = true WHERE item = p_item AND NOT claims_seen;
$$;
COMMENT ON FUNCTION lottrace._claim(bigint, text, integer) IS
  'Internal: adds n to the lot''s count of open claims (reservations and holds) and marks its item as reserved once (lottrace.item.claims_seen).';

-- The stock of a lot in a warehouse others may still take: on hand minus
-- what is committed and held (never below 0), 0 when the lot may not be
-- unloaded at all (status, saleable, force closed, expiry, a hold).
CREATE FUNCTION lottrace._free_qty(l lottrace.lot, p_wh text)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, coalesce(i.block_days, 0)))
                   AND c.stop_hold IS NULL
              THEN greatest(coalesce(((l.stock -> p_wh) ->> 1)::numeric, 0) - c.committed - c.held, 0)
              ELSE 0 END
    FROM lottrace._claimed(l.lot_id, p_wh) c
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item
$$;
COMMENT ON FUNCTION lottrace._free_qty(lottrace.lot, text) IS
  'Internal: what of a lot''s stock in a warehouse is available to a new reservation or an unload by another document: on hand - committed - held, not below 0, and 0 when the lot is unavailable, expired or held there.';

-- Every reservation is for a document: an unload with it consumes it.
CREATE FUNCTION lottrace._reservation_doc(doc text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF nullif(doc, '') IS NULL THEN
    RAISE EXCEPTION 'a reservation needs a document (the one whose unload will consume it)'
      USING ERRCODE = 'not_null_violation', CONSTRAINT = 'lottrace_doc_required';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._reservation_doc(text) IS
  'Internal: refuses a reservation without a document (23502, lottrace_doc_required).';

CREATE FUNCTION lottrace.reserve(item text, lot text, warehouse text, qty numeric, doc text,
                                 note text DEFAULT NULL, variant text DEFAULT NULL,
                                 until timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  l lottrace.lot;
  free numeric;
  id bigint;
BEGIN
  IF qty IS NULL OR qty <= 0 THEN
    RAISE EXCEPTION 'a reservation needs a quantity above 0 (got %)', coalesce(qty::text, 'NULL')
      USING ERRCODE = 'check_violation';
  END IF;
  PERFORM lottrace._reservation_doc(doc);
  -- the lot row's lock orders this against unloads and other reservations
  l := lottrace._lot_of(reserve.item, reserve.lot, reserve.variant, true);
  free := lottrace._free_qty(l, reserve.warehouse);
  IF free < qty THEN
    RAISE EXCEPTION 'lot "%" of item "%" has % available in warehouse "%": % cannot be reserved for document "%"',
                    l.code, l.item, free, reserve.warehouse, qty, doc
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_lot_reserved',
            DETAIL = format('On hand %s; %s', coalesce(((l.stock -> reserve.warehouse) ->> 1)::numeric, 0),
                            (SELECT format('reserved %s, held %s%s', c.committed, c.held,
                                           CASE WHEN c.stop_hold IS NOT NULL THEN format(', hold %s (%s) on the lot', c.stop_hold, c.stop_reason) ELSE '' END)
                               FROM lottrace._claimed(l.lot_id, reserve.warehouse) c)),
            HINT = 'See lottrace.lot_stock (available_qty) and lottrace.reservations; lottrace.reserve_pick chooses lots for you.';
  END IF;
  INSERT INTO lottrace.reservation (lot_id, warehouse, qty, doc, note, until)
  VALUES (l.lot_id, reserve.warehouse, qty, doc, note, until)
  RETURNING reservation_id INTO id;
  PERFORM lottrace._claim(l.lot_id, l.item, 1);
  RETURN id;
END
$$;
COMMENT ON FUNCTION lottrace.reserve(text, text, text, numeric, text, text, text, timestamptz) IS
  'Reserves qty of a lot in a warehouse for a document; returns the reservation_id. Refused (23514, lottrace_lot_reserved) beyond the available stock (on hand - committed - held, lot available). Unloads with that document consume it; others may not eat into it.';

CREATE FUNCTION lottrace.reserve_serial(item text, serial text, doc text, note text DEFAULT NULL,
                                        variant text DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s lottrace.serial;
  l lottrace.lot;
  id bigint;
BEGIN
  PERFORM lottrace._reservation_doc(doc);
  SELECT * INTO s FROM lottrace.serial x
   WHERE x.item = reserve_serial.item AND x.code = reserve_serial.serial::lottrace.serialcode
     AND (x.variant = reserve_serial.variant OR (x.variant IS NULL AND nullif(reserve_serial.variant, '') IS NULL));
  IF s.serial_id IS NULL OR s.state <> 'in_stock' THEN
    RAISE EXCEPTION 'serial "%" of item "%" is not in stock: it cannot be reserved', serial, item
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_serial_not_in_stock';
  END IF;
  IF s.lot_id IS NOT NULL THEN
    SELECT * INTO l FROM lottrace.lot x WHERE x.lot_id = s.lot_id FOR NO KEY UPDATE;
  END IF;
  SELECT * INTO s FROM lottrace.serial x WHERE x.serial_id = s.serial_id FOR NO KEY UPDATE;
  IF s.state <> 'in_stock' OR s.reserved OR s.held OR s.cancelled OR s.force_closed THEN
    RAISE EXCEPTION 'serial "%" of item "%" cannot be reserved: it is %', serial, item,
                    CASE WHEN s.state <> 'in_stock' THEN 'not in stock' WHEN s.reserved THEN 'reserved already'
                         WHEN s.held THEN 'on hold' WHEN s.cancelled THEN 'cancelled' ELSE 'force closed' END
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_lot_reserved',
            HINT = 'See lottrace.reservations and lottrace.holds.';
  END IF;
  IF l.lot_id IS NOT NULL AND lottrace._free_qty(l, s.warehouse) < 1 THEN
    RAISE EXCEPTION 'lot "%" of item "%" has nothing available in warehouse "%": serial "%" cannot be reserved',
                    l.code, l.item, s.warehouse, serial
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_lot_reserved';
  END IF;
  UPDATE lottrace.serial SET reserved = true WHERE serial_id = s.serial_id;
  IF l.lot_id IS NOT NULL THEN
    INSERT INTO lottrace.reservation (lot_id, warehouse, serial_id, qty, doc, note, until)
    VALUES (l.lot_id, s.warehouse, s.serial_id, 1, doc, note, until)
    RETURNING reservation_id INTO id;
    PERFORM lottrace._claim(l.lot_id, l.item, 1);
  ELSE
    RAISE EXCEPTION 'serial "%" of item "%" has no lot: only serials of lots are reserved', serial, item
      USING ERRCODE = 'feature_not_supported';
  END IF;
  RETURN id;
END
$$;
COMMENT ON FUNCTION lottrace.reserve_serial(text, text, text, text, text, timestamptz) IS
  'Reserves one serial (in stock, of a lot) for a document; returns the reservation_id. From then on only an unload with that document may take the serial (23514, lottrace_lot_reserved).';

CREATE FUNCTION lottrace.release(reservation_id bigint, note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r lottrace.reservation;
BEGIN
  SELECT * INTO r FROM lottrace.reservation x WHERE x.reservation_id = release.reservation_id;
  IF r.reservation_id IS NULL THEN
    RAISE EXCEPTION 'reservation % does not exist', reservation_id USING ERRCODE = 'no_data_found';
  END IF;
  -- the lot first, as every writer of it
  PERFORM FROM lottrace.lot WHERE lot_id = r.lot_id FOR NO KEY UPDATE;
  UPDATE lottrace.reservation x
     SET released_at = now(), released_by = lottrace._actor(),
         note = coalesce(x.note || '; ', '') || coalesce('released: ' || release.note, 'released')
   WHERE x.reservation_id = release.reservation_id AND x.released_at IS NULL AND x.consumed_qty < x.qty
  RETURNING * INTO r;
  IF r.reservation_id IS NULL THEN
    RETURN false;               -- released or consumed already
  END IF;
  IF r.serial_id IS NOT NULL THEN
    UPDATE lottrace.serial SET reserved = false WHERE serial_id = r.serial_id;
  END IF;
  PERFORM lottrace._claim(r.lot_id, NULL, -1);
  RETURN true;
END
$$;
COMMENT ON FUNCTION lottrace.release(bigint, text) IS
  'Releases a reservation (its stock is free again); false when it was released or consumed already.';

CREATE FUNCTION lottrace.release_doc(doc text, note text DEFAULT NULL)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT count(*)::integer
    FROM (SELECT lottrace.release(r.reservation_id, release_doc.note) AS done
            FROM lottrace.reservation r
           WHERE r.doc = release_doc.doc AND r.released_at IS NULL AND r.consumed_qty < r.qty
           ORDER BY r.lot_id, r.reservation_id) x
   WHERE x.done
$$;
COMMENT ON FUNCTION lottrace.release_doc(text, text) IS
  'Releases every open reservation of a document (an order cancelled); returns how many.';

CREATE FUNCTION lottrace.reserve_pick(item text, warehouse text, qty numeric, doc text,
                                      variant text DEFAULT NULL, note text DEFAULT NULL,
                                      until timestamptz DEFAULT NULL)
RETURNS TABLE (reservation_id bigint, lot lottrace.lotcode, lot_id bigint, reserved_qty numeric,
               expiry_date date)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
  l lottrace.lot;
  want numeric := qty;
  free numeric;
  take numeric;
  policy text;
BEGIN
  IF qty IS NULL OR qty <= 0 THEN
    RAISE EXCEPTION 'reserve_pick needs a quantity above 0 (got %)', coalesce(qty::text, 'NULL')
      USING ERRCODE = 'check_violation';
  END IF;
  PERFORM lottrace._reservation_doc(doc);
  SELECT i.pick_policy INTO policy FROM lottrace.item i WHERE i.item = reserve_pick.item;
  -- 1. lock every lot of the item with stock in the warehouse, in the
  --    engine's lock order (item, code, variant as bytes, no variant last):
  --    a second picker waits here, then sees this one's reservations
  PERFORM FROM lottrace.lot x
    WHERE x.item = reserve_pick.item
      AND (x.variant = reserve_pick.variant OR (x.variant IS NULL AND nullif(reserve_pick.variant, '') IS NULL))
      AND ((x.stock -> reserve_pick.warehouse) ->> 1)::numeric > 0
    ORDER BY x.code::text COLLATE "C", x.variant COLLATE "C" NULLS LAST
    FOR NO KEY UPDATE;
  -- 2. in a new statement (a new snapshot under READ COMMITTED): what is
  --    free of each, in the item's pick order
  FOR c IN
    SELECT x.lot_id
      FROM lottrace.lot x
     WHERE x.item = reserve_pick.item
       AND (x.variant = reserve_pick.variant OR (x.variant IS NULL AND nullif(reserve_pick.variant, '') IS NULL))
       AND ((x.stock -> reserve_pick.warehouse) ->> 1)::numeric > 0
     ORDER BY CASE WHEN policy = 'fefo' THEN x.expiry_date END NULLS LAST,
              x.start_date, x.expiry_date NULLS LAST, x.code, x.lot_id
  LOOP
    EXIT WHEN want <= 0;
    SELECT * INTO l FROM lottrace.lot x WHERE x.lot_id = c.lot_id;
    free := lottrace._free_qty(l, reserve_pick.warehouse);
    CONTINUE WHEN free <= 0;
    take := least(free, want);
    INSERT INTO lottrace.reservation (lot_id, warehouse, qty, doc, note, until)
    VALUES (l.lot_id, reserve_pick.warehouse, take, reserve_pick.doc, reserve_pick.note, reserve_pick.until)
    RETURNING lottrace.reservation.reservation_id INTO reserve_pick.reservation_id;
    PERFORM lottrace._claim(l.lot_id, l.item, 1);
    want := want - take;
    lot := l.code;
    lot_id := l.lot_id;
    reserved_qty := take;
    expiry_date := l.expiry_date;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace.reserve_pick(text, text, numeric, text, text, text, timestamptz) IS
  'Chooses lots by the item''s pick policy (fifo, fefo) among the stock still free in the warehouse and reserves them for the document, in one call; returns one row per reservation (less than qty in all when stock runs out). Two pickers at the same time never get the same stock: the lots are locked first, then counted.';

CREATE FUNCTION lottrace.hold(item text, lot text, reason text, warehouse text DEFAULT NULL,
                              qty numeric DEFAULT NULL, variant text DEFAULT NULL,
                              until timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  l lottrace.lot;
  id bigint;
BEGIN
  IF nullif(reason, '') IS NULL THEN
    RAISE EXCEPTION 'a hold needs a reason' USING ERRCODE = 'not_null_violation';
  END IF;
  IF qty IS NOT NULL AND (qty <= 0 OR warehouse IS NULL) THEN
    RAISE EXCEPTION 'a quantity hold needs a warehouse and a quantity above 0'
      USING ERRCODE = 'check_violation';
  END IF;
  l := lottrace._lot_of(hold.item, hold.lot, hold.variant, true);
  INSERT INTO lottrace.hold (lot_id, warehouse, qty, reason, until)
  VALUES (l.lot_id, hold.warehouse, hold.qty, hold.reason, hold.until)
  RETURNING hold_id INTO id;
  PERFORM lottrace._claim(l.lot_id, l.item, 1);
  RETURN id;
END
$$;
COMMENT ON FUNCTION lottrace.hold(text, text, text, text, numeric, text, timestamptz) IS
  'Places a hold: on the whole lot (no warehouse), on its stock in one warehouse, or (qty) on a quantity of it there; returns the hold_id. Logged in lottrace.hold_log; released by release_hold.';

CREATE FUNCTION lottrace.hold_serial(item text, serial text, reason text, variant text DEFAULT NULL,
                                     until timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s lottrace.serial;
  id bigint;
BEGIN
  IF nullif(reason, '') IS NULL THEN
    RAISE EXCEPTION 'a hold needs a reason' USING ERRCODE = 'not_null_violation';
  END IF;
  SELECT * INTO s FROM lottrace.serial x
   WHERE x.item = hold_serial.item AND x.code = hold_serial.serial::lottrace.serialcode
     AND (x.variant = hold_serial.variant OR (x.variant IS NULL AND nullif(hold_serial.variant, '') IS NULL));
  IF s.serial_id IS NULL OR s.lot_id IS NULL THEN
    RAISE EXCEPTION 'serial "%" of item "%" is not a serial of a lot in the register', serial, item
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  PERFORM FROM lottrace.lot WHERE lot_id = s.lot_id FOR NO KEY UPDATE;
  INSERT INTO lottrace.hold (lot_id, serial_id, reason, until)
  VALUES (s.lot_id, s.serial_id, reason, until)
  RETURNING hold_id INTO id;
  UPDATE lottrace.serial SET held = true WHERE serial_id = s.serial_id;
  PERFORM lottrace._claim(s.lot_id, s.item, 1);
  RETURN id;
END
$$;
COMMENT ON FUNCTION lottrace.hold_serial(text, text, text, text, timestamptz) IS
  'Places a hold on one serial (of a lot): it may not be unloaded until released; returns the hold_id.';

CREATE FUNCTION lottrace.release_hold(hold_id bigint, note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  h lottrace.hold;
BEGIN
  SELECT * INTO h FROM lottrace.hold x WHERE x.hold_id = release_hold.hold_id;
  IF h.hold_id IS NULL THEN
    RAISE EXCEPTION 'hold % does not exist', hold_id USING ERRCODE = 'no_data_found';
  END IF;
  PERFORM FROM lottrace.lot WHERE lot_id = h.lot_id FOR NO KEY UPDATE;
  UPDATE lottrace.hold x
     SET released_at = now(), released_by = lottrace._actor(), release_note = release_hold.note
   WHERE x.hold_id = release_hold.hold_id AND x.released_at IS NULL
  RETURNING * INTO h;
  IF h.hold_id IS NULL THEN
    RETURN false;
  END IF;
  IF h.serial_id IS NOT NULL THEN
    UPDATE lottrace.serial s SET held = EXISTS (SELECT FROM lottrace.hold o
                                                 WHERE o.serial_id = s.serial_id AND o.released_at IS NULL)
     WHERE s.serial_id = h.serial_id;
  END IF;
  PERFORM lottrace._claim(h.lot_id, NULL, -1);
  RETURN true;
END
$$;
COMMENT ON FUNCTION lottrace.release_hold(bigint, text) IS
  'Releases a hold (logged); false when it was released already.';

CREATE FUNCTION lottrace._recall_hold(p_item text, p_lot text, p_note text, p_variant text)
RETURNS TABLE (r_recall_id bigint, r_kind text, r_item text, r_lot lottrace.lotcode, r_warehouse text,
               r_serial lottrace.serialcode, r_qty numeric, r_account text, r_doc text, r_moved_on date)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  start lottrace.lot;
  rid bigint;
  why text;
  lots bigint[];
BEGIN
  start := lottrace._lot_of(p_item, p_lot, p_variant);
  INSERT INTO lottrace.recall_action (item, variant, lot, note)
  VALUES (start.item, start.variant, start.code, p_note)
  RETURNING lottrace.recall_action.recall_id INTO rid;
  why := format('recall %s of lot %s of item %s%s', rid, start.code, start.item,
                coalesce(': ' || p_note, ''));
  -- the lot and every lot made from it, locked in the engine's order
  lots := ARRAY(SELECT start.lot_id
                UNION
                SELECT f.lot_id FROM lottrace.trace_forward(start.item, start.code::text, 100, start.variant) f);
  PERFORM FROM lottrace.lot x
    WHERE x.lot_id = ANY (lots)
    ORDER BY x.item COLLATE "C", x.code::text COLLATE "C", x.variant COLLATE "C" NULLS LAST
    FOR NO KEY UPDATE;
  INSERT INTO lottrace.hold (lot_id, reason, recall_id)
  SELECT r, why, rid FROM unnest(lots) r ORDER BY r;
  INSERT INTO lottrace.hold (lot_id, serial_id, reason, recall_id)
  SELECT s.lot_id, s.serial_id, why, rid
    FROM lottrace.serial s
   WHERE s.lot_id = ANY (lots) AND s.state = 'in_stock'
   ORDER BY s.serial_id;
  UPDATE lottrace.serial s SET held = true
   WHERE s.lot_id = ANY (lots) AND s.state = 'in_stock' AND NOT s.held;
  -- one claim per hold placed on the lot
  UPDATE lottrace.lot x
     SET claims = x.claims + (SELECT count(*) FROM lottrace.hold h
                               WHERE h.recall_id = rid AND h.lot_id = x.lot_id)
   WHERE x.lot_id = ANY (lots);
  UPDATE lottrace.item i SET claims_seen = true
   WHERE NOT i.claims_seen
     AND i.item IN (SELECT x.item FROM lottrace.lot x WHERE x.lot_id = ANY (lots));
  -- what is held, per lot and warehouse
  RETURN QUERY
  SELECT rid, 'stock'::text, x.item, x.code, w.key, NULL::lottrace.serialcode,
         (w.value ->> 1)::numeric, NULL::text, NULL::text, NULL::date
    FROM lottrace.lot x
   CROSS JOIN LATERAL jsonb_each(x.stock) w
   WHERE x.lot_id = ANY (lots) AND (w.value ->> 1)::numeric <> 0
  UNION ALL
  SELECT rid, 'serial', x.item, x.code, s.warehouse, s.code, 1, NULL, NULL, NULL
    FROM lottrace.serial s JOIN lottrace.lot x ON x.lot_id = s.lot_id
   WHERE x.lot_id = ANY (lots) AND s.state = 'in_stock'
  UNION ALL
  -- and who received the lot or what was made of it
  SELECT rid, 'customer', c.item, c.lot, NULL, NULL, c.qty, c.account, c.doc, c.moved_on
    FROM lottrace.recall(start.item, start.code::text, start.variant) c
   ORDER BY 2 DESC, 3, 4, 5, 6, 8;
END
$$;
COMMENT ON FUNCTION lottrace._recall_hold(text, text, text, text) IS
  'Internal: the body of recall_hold.';
REVOKE EXECUTE ON FUNCTION lottrace._recall_hold(text, text, text, text) FROM PUBLIC;

CREATE FUNCTION lottrace.recall_hold(item text, lot text, note text DEFAULT NULL, variant text DEFAULT NULL)
RETURNS TABLE (recall_id bigint, kind text, item text, lot lottrace.lotcode, warehouse text,
               serial lottrace.serialcode, qty numeric, account text, doc text, moved_on date)
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM lottrace._recall_hold($1, $2, $3, $4) $$;
COMMENT ON FUNCTION lottrace.recall_hold(text, text, text, text) IS
  'In one transaction, holds the lot, every lot made from it (trace_forward) and their serials in stock, under one recall_id. Returns the stock held (kind stock: per lot and warehouse; kind serial: each serial) and the customers already reached (kind customer: as recall() finds them). release_recall(recall_id) undoes exactly that.';

CREATE FUNCTION lottrace.release_recall(recall_id bigint, note text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n integer := 0;
  h record;
BEGIN
  UPDATE lottrace.recall_action a
     SET released_at = now(), released_by = lottrace._actor(), release_note = release_recall.note
   WHERE a.recall_id = release_recall.recall_id AND a.released_at IS NULL;
  IF NOT FOUND THEN
    IF NOT EXISTS (SELECT FROM lottrace.recall_action a WHERE a.recall_id = release_recall.recall_id) THEN
      RAISE EXCEPTION 'recall % does not exist', recall_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 0;
  END IF;
  FOR h IN SELECT x.hold_id FROM lottrace.hold x
            WHERE x.recall_id = release_recall.recall_id AND x.released_at IS NULL
            ORDER BY x.lot_id, x.hold_id LOOP
    IF lottrace.release_hold(h.hold_id, coalesce(release_recall.note, format('recall %s released', release_recall.recall_id))) THEN
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END
$$;
COMMENT ON FUNCTION lottrace.release_recall(bigint, text) IS
  'Releases exactly the holds one recall_hold placed (other holds on the same lots stay); returns how many.';

-- The end-of-statement check of the engine (engine_lots.c, lte_check_claims).
-- Arrays 1-4: balances of claimed lots the statement took stock out of
-- (net < 0) or unloaded with rows subject to status; 5-8: what each
-- document unloaded from a claimed lot.  Consumes the documents'
-- reservations (oldest first), then returns the first refusal, if any: the
-- index of its balance, the constraint, the message and a hint.
CREATE FUNCTION lottrace._claims_check(lot_ids bigint[], whs text[], nets numeric[], gated boolean[],
                                       d_lots bigint[], d_whs text[], d_docs text[], d_qty numeric[])
RETURNS TABLE (i integer, conname text, message text, hint text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d record;
  r record;
  c record;
  left_qty numeric;
  take numeric;
  l lottrace.lot;
  oh numeric;
  others text;
BEGIN
  -- 1. consumption: an unload takes its own document's reservations first
  FOR d IN SELECT u.lot_id, u.wh, u.doc, sum(u.qty) AS qty
             FROM unnest(d_lots, d_whs, d_docs, d_qty) AS u(lot_id, wh, doc, qty)
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LOOP
    left_qty := d.qty;
    FOR r IN SELECT x.reservation_id, x.qty - x.consumed_qty AS open_qty
               FROM lottrace.reservation x
              WHERE x.lot_id = d.lot_id AND x.warehouse = d.wh AND x.doc = d.doc
                AND x.serial_id IS NULL AND x.released_at IS NULL AND x.consumed_qty < x.qty
                AND (x.until IS NULL OR x.until > now())
              ORDER BY x.reserved_at, x.reservation_id LOOP
      EXIT WHEN left_qty <= 0;
      take := least(left_qty, r.open_qty);
      UPDATE lottrace.reservation x SET consumed_qty = x.consumed_qty + take
       WHERE x.reservation_id = r.reservation_id;
      IF take = r.open_qty THEN
        UPDATE lottrace.lot x SET claims = greatest(x.claims - 1, 0) WHERE x.lot_id = d.lot_id;
      END IF;
      left_qty := left_qty - take;
    END LOOP;
  END LOOP;
  -- 2. holds, then what is left for others
  FOR c IN SELECT u.k, u.lot_id, u.wh, u.net, u.gated
             FROM unnest(lot_ids, whs, nets, gated) WITH ORDINALITY AS u(lot_id, wh, net, gated, k)
            ORDER BY u.k LOOP
    SELECT * INTO l FROM lottrace.lot x WHERE x.lot_id = c.lot_id;
    SELECT * INTO r FROM lottrace._claimed(c.lot_id, c.wh);
    IF c.gated AND r.stop_hold IS NOT NULL THEN
      i := c.k::integer;
      conname := 'lottrace_lot_unavailable';
      message := format('lot "%s" of item "%s"%s cannot be unloaded from warehouse "%s": it is on hold %s (%s)',
                        l.code, l.item, CASE WHEN l.variant IS NOT NULL THEN format(' variant "%s"', l.variant) ELSE '' END, c.wh,
                        r.stop_hold, r.stop_reason);
      hint := format('Release the hold (SELECT lottrace.release_hold(%s)) when the stock may go; lottrace.holds lists it.', r.stop_hold);
      RETURN NEXT;
      RETURN;
    END IF;
    CONTINUE WHEN c.net >= 0;
    oh := coalesce(((l.stock -> c.wh) ->> 1)::numeric, 0);
    IF oh < r.committed + r.held THEN
      SELECT string_agg(format('%s (%s)', o.doc, o.q), ', ' ORDER BY o.k, o.doc)
        INTO others
        FROM (SELECT x.doc, x.qty - x.consumed_qty AS q, 1 AS k FROM lottrace.reservation x
               WHERE x.lot_id = c.lot_id AND x.warehouse = c.wh AND x.released_at IS NULL
                 AND x.consumed_qty < x.qty AND (x.until IS NULL OR x.until > now())
              UNION ALL
              SELECT w.doc, w.qty, 2 FROM lottrace.row_reservation w
               WHERE w.lot_id = c.lot_id AND w.warehouse = c.wh) o;
      i := c.k::integer;
      conname := 'lottrace_lot_reserved';
      message := format('lot "%s" of item "%s"%s in warehouse "%s": taking %s out leaves %s on hand, less than the %s reserved by other documents%s and %s held',
                        l.code, l.item, CASE WHEN l.variant IS NOT NULL THEN format(' variant "%s"', l.variant) ELSE '' END, c.wh, -c.net, oh,
                        r.committed, coalesce(' (' || others || ')', ''), r.held);
      hint := 'Unload with the document the stock is reserved for, choose stock still available (lottrace.lot_stock.available_qty, reserve_pick), or release the reservation (lottrace.release).';
      RETURN NEXT;
      RETURN;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._claims_check(bigint[], text[], numeric[], boolean[], bigint[], text[], text[], numeric[]) IS
  'Internal, the engine''s end-of-statement check of lots with reservations or holds: consumes the statement''s documents'' reservations, then returns the first refusal (a hold: lottrace_lot_unavailable; stock reserved by others or held: lottrace_lot_reserved).';
REVOKE EXECUTE ON FUNCTION lottrace._claims_check(bigint[], text[], numeric[], boolean[], bigint[], text[], text[], numeric[]) FROM PUBLIC;

CREATE FUNCTION lottrace._engine_serial_rules()
RETURNS boolean
AS 'MODULE_PATHNAME', 'lt_engine_serial_rules'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace._engine_serial_rules() IS
  'Internal: true while the engine writes a statement''s serial moves under its rules (not a rebuild or a detach).';

-- Reserved and held serials: only the engine's writes of movements are
-- judged (a rebuild replays movements that happened).
CREATE FUNCTION lottrace._serial_claims()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  h record;
  r record;
  l lottrace.lot;
BEGIN
  IF NOT lottrace._engine_serial_rules() THEN
    RETURN NEW;
  END IF;
  SELECT * INTO l FROM lottrace.lot x WHERE x.lot_id = OLD.lot_id;
  IF OLD.held THEN
    SELECT x.hold_id, x.reason INTO h FROM lottrace.hold x
     WHERE x.serial_id = OLD.serial_id AND x.released_at IS NULL AND (x.until IS NULL OR x.until > now())
     ORDER BY x.hold_id LIMIT 1;
    IF h.hold_id IS NOT NULL THEN
      RAISE EXCEPTION 'serial "%" of item "%" (lot "%") cannot leave warehouse "%": it is on hold % (%)',
                      OLD.code, OLD.item, l.code, OLD.warehouse, h.hold_id, h.reason
        USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_lot_unavailable',
              DETAIL = format('Unload by document %s.', coalesce(NEW.unload_doc, '(none)')),
              HINT = format('Release the hold (SELECT lottrace.release_hold(%s)) when the serial may go.', h.hold_id);
    END IF;
  END IF;
  IF OLD.reserved THEN
    SELECT x.reservation_id, x.doc INTO r FROM lottrace.reservation x
     WHERE x.serial_id = OLD.serial_id AND x.released_at IS NULL AND x.consumed_qty < x.qty
       AND (x.until IS NULL OR x.until > now())
     ORDER BY x.reservation_id LIMIT 1;
    IF r.reservation_id IS NULL OR NEW.state = 'in_stock' OR NEW.unload_doc IS DISTINCT FROM r.doc THEN
      RAISE EXCEPTION 'serial "%" of item "%" (lot "%") in warehouse "%" is reserved%: the move by document "%" may not take it',
                      OLD.code, OLD.item, l.code, OLD.warehouse,
                      CASE WHEN r.doc IS NOT NULL THEN format(' for document "%s"', r.doc) ELSE ' (lottrace.serial.reserved, no reservation)' END,
                      coalesce(NEW.unload_doc, '')
        USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_lot_reserved',
              HINT = CASE WHEN r.reservation_id IS NULL THEN 'Clear lottrace.serial.reserved to free it.'
                          ELSE format('Unload it with document %s, or release the reservation (SELECT lottrace.release(%s)).', r.doc, r.reservation_id) END;
    END IF;
    UPDATE lottrace.reservation x SET consumed_qty = x.qty WHERE x.reservation_id = r.reservation_id;
    UPDATE lottrace.lot x SET claims = greatest(x.claims - 1, 0) WHERE x.lot_id = OLD.lot_id;
    NEW.reserved := false;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._serial_claims() IS
  'Internal trigger on lottrace.serial: a held serial may not leave (lottrace_lot_unavailable, naming the hold); a reserved one only by an unload with its reservation''s document, which consumes the reservation (else lottrace_lot_reserved).';
CREATE TRIGGER serial_claims BEFORE UPDATE OF state, warehouse ON lottrace.serial
  FOR EACH ROW
  WHEN ((OLD.reserved OR OLD.held) AND OLD.state = 'in_stock'
        AND (NEW.state <> 'in_stock' OR NEW.warehouse IS DISTINCT FROM OLD.warehouse))
  EXECUTE FUNCTION lottrace._serial_claims();

-- Who may reserve and hold: nobody but the owner until granted
-- (docs/lottrace-roles.sql grants them to the roles it creates).
REVOKE EXECUTE ON FUNCTION lottrace.reserve(text, text, text, numeric, text, text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.reserve_serial(text, text, text, text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.reserve_pick(text, text, numeric, text, text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.release(bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.release_doc(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.hold(text, text, text, text, numeric, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.hold_serial(text, text, text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.release_hold(bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.recall_hold(text, text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.release_recall(bigint, text) FROM PUBLIC;

-- The engine's end-of-statement write of what reserving rows reserve
-- (engine_lots.c, lte_apply_row_reservations): per lot, warehouse and
-- document, added (new rows) or taken back (old rows); an entry at 0 goes.
-- A lot gains a claim for each entry it gets and loses one for each it
-- loses, so that the engine checks its unloads.  Rows of lots the register
-- does not have reserve nothing.
CREATE FUNCTION lottrace._row_reserve(src regclass, items text[], variants text[], lots text[],
                                      whs text[], docs text[], qtys numeric[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d record;
  before numeric;
  after numeric;
BEGIN
  FOR d IN SELECT l.lot_id, l.item, u.wh, u.doc, sum(u.q) AS q
             FROM unnest(items, variants, lots, whs, docs, qtys) AS u(item, variant, lot, wh, doc, q)
             JOIN lottrace.lot l ON l.item = u.item AND l.code = u.lot::lottrace.lotcode
              AND (l.variant = u.variant OR (l.variant IS NULL AND u.variant IS NULL))
            GROUP BY l.lot_id, l.item, l.code, l.variant, u.wh, u.doc
           HAVING sum(u.q) <> 0
            -- the engine's lock order
            ORDER BY l.item COLLATE "C", l.code::text COLLATE "C", l.variant COLLATE "C" NULLS LAST,
                     u.wh, u.doc LOOP
    SELECT r.qty INTO before FROM lottrace.row_reservation r
     WHERE r.lot_id = d.lot_id AND r.warehouse = d.wh AND r.doc = d.doc AND r.source = src
       FOR UPDATE;
    after := coalesce(before, 0) + d.q;
    IF after > 0 AND before IS NULL THEN
      INSERT INTO lottrace.row_reservation (lot_id, warehouse, doc, source, qty)
      VALUES (d.lot_id, d.wh, d.doc, src, after);
      UPDATE lottrace.lot SET claims = claims + 1 WHERE lot_id = d.lot_id;
      UPDATE lottrace.item SET claims_seen = true WHERE item = d.item AND NOT claims_seen;
    ELSIF after > 0 THEN
      UPDATE lottrace.row_reservation r SET qty = after
       WHERE r.lot_id = d.lot_id AND r.warehouse = d.wh AND r.doc = d.doc AND r.source = src;
    ELSIF before IS NOT NULL THEN
      DELETE FROM lottrace.row_reservation r
       WHERE r.lot_id = d.lot_id AND r.warehouse = d.wh AND r.doc = d.doc AND r.source = src;
      UPDATE lottrace.lot SET claims = greatest(claims - 1, 0) WHERE lot_id = d.lot_id;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._row_reserve(regclass, text[], text[], text[], text[], text[], numeric[]) IS
  'Internal, the engine''s write of what reserving rows (reserve_when) reserve: adds or takes back quantities per lot, warehouse and document in lottrace.row_reservation, and keeps the lots'' claims.';
REVOKE EXECUTE ON FUNCTION lottrace._row_reserve(regclass, text[], text[], text[], text[], text[], numeric[]) FROM PUBLIC;

-- What the reserving rows of the attached tables reserve, read from the
-- tables themselves (rebuild() and verify()): each table's rows for which
-- reserve_when holds and counts_when does not, as the engine reads them,
-- the side they would unload.
CREATE FUNCTION lottrace._expected_row_reservations()
RETURNS TABLE (lot_id bigint, warehouse text, doc text, source regclass, qty numeric)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a lottrace.attachment;
  r lottrace.attachment;
BEGIN
  FOR a IN SELECT * FROM lottrace.attachment t WHERE t.reserve_when IS NOT NULL ORDER BY t.relid::oid LOOP
    r := a;
    r.counts_when := a.reserve_when;
    r.counts_attnums := a.reserve_attnums;
    RETURN QUERY EXECUTE format(
      'SELECT l.lot_id, x.warehouse, x.doc, x.source, -sum(x.qty)'
      '  FROM (%s) x'
      '  JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) x.item'
      '   AND l.code OPERATOR(pg_catalog.=) x.lot::lottrace.lotcode'
      '   AND (l.variant OPERATOR(pg_catalog.=) x.variant OR (l.variant IS NULL AND x.variant IS NULL))'
      '  JOIN lottrace.item i ON i.item OPERATOR(pg_catalog.=) x.item AND i.lot_tracked'
      ' WHERE x.qty OPERATOR(pg_catalog.<) 0 AND x.doc IS NOT NULL'
      '   AND x.source_key OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT y.source_key FROM (%s) y))'
      ' GROUP BY l.lot_id, x.warehouse, x.doc, x.source'
      ' HAVING sum(x.qty) OPERATOR(pg_catalog.<) 0',
      lottrace._rows_sql(r, a.relid), lottrace._rows_sql(a, a.relid));
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._expected_row_reservations() IS
  'Internal: what lottrace.row_reservation should hold, read from the attached tables (rows where reserve_when holds and counts_when does not, the side they would unload).';
REVOKE EXECUTE ON FUNCTION lottrace._expected_row_reservations() FROM PUBLIC;

-- rebuild() and verify() of 1.1 stay as they are, under other names; 1.2's
-- add the row reservations and the lots' claims.
ALTER FUNCTION lottrace.rebuild() RENAME TO _rebuild_stock;
COMMENT ON FUNCTION lottrace._rebuild_stock() IS
  'Internal: the part of rebuild() that re-writes lots, stock, serial states and batch members from the attached tables (user data kept).';
ALTER FUNCTION lottrace.verify() RENAME TO _verify_stock;
COMMENT ON FUNCTION lottrace._verify_stock() IS
  'Internal: the part of verify() that checks lots, stock, serials and batch members against the attached tables.';

CREATE FUNCTION lottrace.rebuild()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
BEGIN
  PERFORM lottrace._rebuild_stock();
  LOCK TABLE lottrace.row_reservation IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM lottrace.row_reservation;
  INSERT INTO lottrace.row_reservation (lot_id, warehouse, doc, source, qty)
  SELECT e.lot_id, e.warehouse, e.doc, e.source, e.qty FROM lottrace._expected_row_reservations() e;
  -- every lot's claims: its open reservations, holds in force, row reservations
  UPDATE lottrace.lot l SET claims = c.n
    FROM (SELECT x.lot_id,
                 (SELECT count(*) FROM lottrace.reservation r
                   WHERE r.lot_id = x.lot_id AND r.released_at IS NULL AND r.consumed_qty < r.qty)
                 + (SELECT count(*) FROM lottrace.hold h WHERE h.lot_id = x.lot_id AND h.released_at IS NULL)
                 + (SELECT count(*) FROM lottrace.row_reservation w WHERE w.lot_id = x.lot_id) AS n
            FROM lottrace.lot x) c
   WHERE c.lot_id = l.lot_id AND l.claims IS DISTINCT FROM c.n;
  UPDATE lottrace.item i SET claims_seen = true
   WHERE NOT i.claims_seen AND EXISTS (SELECT FROM lottrace.lot l WHERE l.item = i.item AND l.claims > 0);
END
$$;
COMMENT ON FUNCTION lottrace.rebuild() IS
  'Recomputes every derived quantity from the attached tables (lot stock, serial states, batch members, what reserving rows reserve, each lot''s count of claims), keeping user-entered lot and serial data, reservations, holds and recalls.';
REVOKE EXECUTE ON FUNCTION lottrace.rebuild() FROM PUBLIC;

CREATE FUNCTION lottrace.verify()
RETURNS TABLE (problem text, detail text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
BEGIN
  RETURN QUERY SELECT v.problem, v.detail FROM lottrace._verify_stock() v;
  RETURN QUERY
  SELECT 'row reservation'::text,
         format('lot "%s" of item "%s" in warehouse "%s" for document "%s" (%s): the register says %s, the rows %s',
                l.code, l.item, coalesce(w.warehouse, e.warehouse), coalesce(w.doc, e.doc),
                coalesce(w.source, e.source), coalesce(w.qty, 0), coalesce(e.qty, 0))
    FROM lottrace.row_reservation w
    FULL JOIN lottrace._expected_row_reservations() e
      ON e.lot_id = w.lot_id AND e.warehouse = w.warehouse AND e.doc = w.doc AND e.source = w.source
    JOIN lottrace.lot l ON l.lot_id = coalesce(w.lot_id, e.lot_id)
   WHERE w.qty IS DISTINCT FROM e.qty;
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables and the archived balances of partitions that left them: no rows when they agree, otherwise one row per disagreement (problem, detail); also reports partitions of attached tables that lack lottrace''s triggers, and what reserving rows reserve (lottrace.row_reservation).';
REVOKE EXECUTE ON FUNCTION lottrace.verify() FROM PUBLIC;

-- a detached table reserves nothing any more
CREATE FUNCTION lottrace._forget_row_reservations()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  WITH gone AS (DELETE FROM lottrace.row_reservation w WHERE w.source = OLD.relid RETURNING w.lot_id)
  UPDATE lottrace.lot l SET claims = greatest(l.claims - g.n, 0)
    FROM (SELECT gone.lot_id, count(*) AS n FROM gone GROUP BY gone.lot_id) g
   WHERE g.lot_id = l.lot_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace._forget_row_reservations() IS
  'Internal trigger: when a table is detached, what its rows reserved goes (and the lots'' claims with it).';
CREATE TRIGGER forget_row_reservations AFTER DELETE ON lottrace.attachment
  FOR EACH ROW EXECUTE FUNCTION lottrace._forget_row_reservations();

-- attach(..., reserve_when => ..., backfill => true): what the table's
-- reserving rows reserve already
CREATE FUNCTION lottrace._backfill_row_reservations(tbl regclass)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  WITH e AS (SELECT * FROM lottrace._expected_row_reservations() x WHERE x.source = tbl),
  ins AS (INSERT INTO lottrace.row_reservation (lot_id, warehouse, doc, source, qty)
          SELECT e.lot_id, e.warehouse, e.doc, e.source, e.qty FROM e
          ON CONFLICT (lot_id, warehouse, doc, source) DO UPDATE SET qty = excluded.qty
          RETURNING lot_id, (xmax = 0) AS fresh)
  UPDATE lottrace.lot l SET claims = l.claims + g.n
    FROM (SELECT ins.lot_id, count(*) FILTER (WHERE ins.fresh) AS n FROM ins GROUP BY ins.lot_id) g
   WHERE g.lot_id = l.lot_id AND g.n > 0;
  UPDATE lottrace.item i SET claims_seen = true
   WHERE NOT i.claims_seen
     AND i.item IN (SELECT l.item FROM lottrace.lot l JOIN lottrace.row_reservation w USING (lot_id)
                     WHERE w.source = tbl);
$$;
COMMENT ON FUNCTION lottrace._backfill_row_reservations(regclass) IS
  'Internal: attach() with reserve_when and backfill takes in what the table''s reserving rows reserve.';
REVOKE EXECUTE ON FUNCTION lottrace._backfill_row_reservations(regclass) FROM PUBLIC;

-- (end of reservations and holds)
--
--
--

-- =====================================================================
-- Shelf life
-- =====================================================================
-- docs/SHELF_LIFE.md.  The engine (src/engine_shelf.c) reads the item's
-- columns through the row's jsonb, so the library keeps working on a 1.1
-- schema, where no item has a rule.

-- an item's minimum remaining shelf life when it is received
ALTER TABLE lottrace.item
  ADD COLUMN min_shelf_life_days int,
  ADD COLUMN min_shelf_life_pct numeric,
  ADD CONSTRAINT item_min_shelf_life_days_range CHECK (min_shelf_life_days BETWEEN 0 AND 36500),
  ADD CONSTRAINT item_min_shelf_life_pct_range CHECK (min_shelf_life_pct BETWEEN 0 AND 100);
COMMENT ON COLUMN lottrace.item.min_shelf_life_days IS
  'Minimum remaining shelf life at receipt, in days: a receipt (a load that is not a production output, a transfer, a return or an adjustment) of a lot expiring less than this many days after the movement date is refused (23514, lottrace_shelf_life). NULL: no rule.';
COMMENT ON COLUMN lottrace.item.min_shelf_life_pct IS
  'Minimum remaining shelf life at receipt, as a percentage of the validity (lot_validity_days, else the lot''s expiry minus its start date), rounded up to whole days; refused like min_shelf_life_days. NULL: no rule.';
COMMENT ON CONSTRAINT item_min_shelf_life_days_range ON lottrace.item IS
  'A minimum remaining shelf life is 0 to 36500 days, like the other shelf lives.';
COMMENT ON CONSTRAINT item_min_shelf_life_pct_range ON lottrace.item IS
  'A minimum remaining shelf life in percent is 0 to 100.';

-- expiry_rule from_components: the earliest expiry among the production inputs
ALTER TABLE lottrace.item
  DROP CONSTRAINT item_expiry_rule_check,
  ADD CONSTRAINT item_expiry_rule_check
    CHECK (expiry_rule IN ('exact', 'month_end', 'month_start', 'from_components'));
COMMENT ON CONSTRAINT item_expiry_rule_check ON lottrace.item IS
  'The expiry rules: exact, month_end, month_start, from_components.';
COMMENT ON COLUMN lottrace.item.expiry_rule IS
  'Rounding of computed expiry dates: exact, month_end (last day of that month) or month_start (first day); from_components: a produced lot expires no later than the earliest expiry among the input lots of its production batches (and than start + lot_validity_days, or the expiry the row gives).';

-- a customer's minimum remaining shelf life at shipment
CREATE TABLE lottrace.shelf_life_rule (
    account  text NOT NULL CHECK (account <> ''),
    item     text REFERENCES lottrace.item ON UPDATE CASCADE ON DELETE CASCADE,
    category text CHECK (category <> ''),
    min_days int CHECK (min_days BETWEEN 0 AND 36500),
    min_pct  numeric CHECK (min_pct BETWEEN 0 AND 100),
    note     text,
    CONSTRAINT shelf_life_rule_key CHECK ((item IS NULL) <> (category IS NULL)),
    CONSTRAINT shelf_life_rule_minimum CHECK (min_days IS NOT NULL OR min_pct IS NOT NULL),
    CONSTRAINT shelf_life_rule_item_key UNIQUE (account, item),
    CONSTRAINT shelf_life_rule_category_key UNIQUE (account, category)
);
COMMENT ON TABLE lottrace.shelf_life_rule IS
  'Minimum remaining shelf life at shipment per account (customer), for an item or for every item of a category; an item''s rule wins over its category''s. An unload to the account of a lot expiring too soon is refused (23514, lottrace_shelf_life).';
COMMENT ON COLUMN lottrace.shelf_life_rule.account IS 'The account (customer) the rule is for, as the movements'' account column (or customer location) gives it.';
COMMENT ON COLUMN lottrace.shelf_life_rule.item IS 'The item the rule is for (or NULL, with category).';
COMMENT ON COLUMN lottrace.shelf_life_rule.category IS 'The item category (lottrace.item.category) the rule is for (or NULL, with item).';
COMMENT ON COLUMN lottrace.shelf_life_rule.min_days IS 'Days the lot must still have from the movement date to its expiry.';
COMMENT ON COLUMN lottrace.shelf_life_rule.min_pct IS 'Percentage of the validity (the item''s lot_validity_days, else the lot''s expiry minus its start date) the lot must still have, rounded up to whole days.';
COMMENT ON COLUMN lottrace.shelf_life_rule.note IS 'Free text: the agreement behind the rule.';
COMMENT ON CONSTRAINT shelf_life_rule_key ON lottrace.shelf_life_rule IS
  'A rule is for an item or for a category, not both.';
COMMENT ON CONSTRAINT shelf_life_rule_minimum ON lottrace.shelf_life_rule IS
  'A rule gives min_days, min_pct or both (both must then hold).';
CREATE INDEX shelf_life_rule_item_idx ON lottrace.shelf_life_rule (item);
COMMENT ON INDEX lottrace.shelf_life_rule_item_idx IS
  'The rules of an item (the engine asks whether an item has any).';
CREATE INDEX shelf_life_rule_category_idx ON lottrace.shelf_life_rule (category);
COMMENT ON INDEX lottrace.shelf_life_rule_category_idx IS
  'The rules of a category.';
-- the engine caches which items have rules: a change drops the caches
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.shelf_life_rule
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
COMMENT ON TRIGGER config_changed ON lottrace.shelf_life_rule IS
  'Drops every backend''s configuration caches when shipment rules change.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.shelf_life_rule', '');

-- (end of shelf life)
--
--
--

-- =====================================================================
-- Lot master data
-- =====================================================================
-- A lot's production (manufacturing) date and best-before date beside its
-- expiry, user-defined attributes (a jsonb object, with an optional
-- per-item list of required keys), and the unit of measure of an item's
-- quantities.  The first load that creates a lot sets the dates and the
-- attributes from the columns attach() maps (production_date, best_before,
-- attributes); later loads leave them alone; users edit them by UPDATE.
-- docs/LOT_DATA.md explains the choices.
--
--     UPDATE lottrace.item SET uom = 'kg', required_attributes = '{origin}' WHERE item = 'CHEESE';
--     SELECT lottrace.attach('stock_move_line', ..., attributes => 'lot_id -> stock_lot.lot_properties');
--     SELECT lot, attributes ->> 'origin' FROM lottrace.lot_register WHERE attributes @> '{"origin": "FR"}';

ALTER TABLE lottrace.lot
  ADD COLUMN production_date date,
  ADD COLUMN best_before     date,
  ADD COLUMN attributes      jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT lot_attributes_object CHECK (pg_catalog.jsonb_typeof(attributes) OPERATOR(pg_catalog.=) 'object');
COMMENT ON COLUMN lottrace.lot.production_date IS
  'Production (manufacturing) date of the lot, as UDI and food labels print it: from the first load''s mapped production_date column (attach(..., production_date => ...)), editable by UPDATE. A finite date or NULL (unknown).';
COMMENT ON COLUMN lottrace.lot.best_before IS
  'Best-before date (quality, as opposed to the expiry date''s safety limit): from the first load''s mapped best_before column, editable by UPDATE. NULL: none; infinity: never; never -infinity.';
COMMENT ON COLUMN lottrace.lot.attributes IS
  'User-defined properties of the lot, a JSON object (e.g. {"origin": "FR", "fat_pct": 45}): from the first load''s mapped attributes column (a jsonb column, or a lookup to one such as Odoo''s stock_lot.lot_properties), editable by UPDATE. Keys listed in the item''s required_attributes must be present (not null) when a load creates the lot and cannot be removed later. Indexed for @>, @? and @@ (GIN, jsonb_path_ops).';
COMMENT ON CONSTRAINT lot_attributes_object ON lottrace.lot IS
  'A lot''s attributes are a JSON object (the engine and the guard refuse anything else first, with constraint lottrace_lot_attributes).';
CREATE INDEX lot_attributes_idx ON lottrace.lot USING gin (attributes jsonb_path_ops);
COMMENT ON INDEX lottrace.lot_attributes_idx IS
  'Searches of lots by attribute: attributes @> ''{"origin": "FR"}'', attributes @? ''$.fat_pct ? (@ > 40)''.';

ALTER TABLE lottrace.item
  ADD COLUMN uom text
    CONSTRAINT item_uom_blank CHECK (pg_catalog.btrim(uom) OPERATOR(pg_catalog.<>) ''),
  ADD COLUMN required_attributes text[]
    CONSTRAINT item_required_attributes_valid
      CHECK (CASE WHEN pg_catalog.array_ndims(required_attributes) OPERATOR(pg_catalog.>) 1 THEN false
                  ELSE pg_catalog.array_position(required_attributes, NULL) IS NULL
                       AND '' OPERATOR(pg_catalog.<>) ALL (required_attributes) END);
COMMENT ON COLUMN lottrace.item.uom IS
  'Unit of measure of the item''s quantities (kg, l, pcs, ...) as the attached tables write them; NULL: not specified. Shown in the registers; lottrace converts nothing.';
COMMENT ON COLUMN lottrace.item.required_attributes IS
  'Keys every new lot of the item must carry in lottrace.lot.attributes (with a value other than null): a load that creates a lot without one is refused (23502, lottrace_lot_attributes), and so is an UPDATE of a lot that removes one. NULL or empty: none required. Lots made before a key was required keep what they have.';
COMMENT ON CONSTRAINT item_uom_blank ON lottrace.item IS
  'A unit of measure is NULL (not specified) or not blank.';
COMMENT ON CONSTRAINT item_required_attributes_valid ON lottrace.item IS
  'Required attribute keys are a one-dimensional list of non-empty, non-null keys.';

ALTER TABLE lottrace.attachment
  ADD COLUMN production_date_col text,
  ADD COLUMN best_before_col     text,
  ADD COLUMN attributes_col      text;
COMMENT ON COLUMN lottrace.attachment.production_date_col IS
  'Column holding the production date of the lot a load creates (date, timestamp or timestamptz; or a lookup, see lookup_roles).';
COMMENT ON COLUMN lottrace.attachment.best_before_col IS
  'Column holding the best-before date of the lot a load creates (date, timestamp or timestamptz; or a lookup).';
COMMENT ON COLUMN lottrace.attachment.attributes_col IS
  'Column holding the attributes (a jsonb object) of the lot a load creates; or a lookup to one, such as ''lot_id -> stock_lot.lot_properties''.';

-- the attribute numbers of the mapped columns: the master-data columns last
CREATE OR REPLACE FUNCTION lottrace._attachment_attnums()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.attnums := lottrace._attnums(NEW.relid,
    ARRAY[NEW.item_col, NEW.qty_col, NEW.warehouse_col, NEW.lot_col, NEW.serial_col,
          NEW.reason_col, NEW.doc_col, NEW.moved_on_col, NEW.location_col, NEW.variant_col,
          NEW.account_col, NEW.batch_key_col, NEW.expiry_col, NEW.supplier_lot_col,
          NEW.to_warehouse_col, NEW.production_date_col, NEW.best_before_col,
          NEW.attributes_col]);
  -- attach() leaves it to this trigger; a restored row brings its own
  IF NEW.pk_cols IS NULL THEN
    NEW.pk_cols := lottrace._pk_cols(NEW.relid);
  END IF;
  -- the columns the predicates read, by name when the row comes in (a
  -- restore renumbers a table's columns); later renames are followed by
  -- lottrace._follow_columns, which keeps the names in step
  IF TG_OP = 'INSERT' AND NEW.counts_cols IS NOT NULL THEN
    NEW.counts_attnums := lottrace._attnums(NEW.relid, NEW.counts_cols);
  END IF;
  IF TG_OP = 'INSERT' AND NEW.unload_cols IS NOT NULL THEN
    NEW.unload_attnums := lottrace._attnums(NEW.relid, NEW.unload_cols);
  END IF;
  IF TG_OP = 'INSERT' AND NEW.reserve_cols IS NOT NULL THEN
    NEW.reserve_attnums := lottrace._attnums(NEW.relid, NEW.reserve_cols);
  END IF;
  RETURN NEW;
END
$$;

-- Renamed columns are followed, also the master-data columns.
CREATE OR REPLACE FUNCTION lottrace._follow_columns()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a     lottrace.attachment;
  cols  text[] := ARRAY['item_col', 'qty_col', 'warehouse_col', 'lot_col', 'serial_col',
                        'reason_col', 'doc_col', 'moved_on_col', 'location_col', 'variant_col',
                        'account_col', 'batch_key_col', 'expiry_col', 'supplier_lot_col',
                        'to_warehouse_col', 'production_date_col', 'best_before_col',
                        'attributes_col'];
  old   text;
  cur   record;
  pk    text[];
  sets  text[];
  role  text;
  refresh boolean := false;
BEGIN
  FOR a IN SELECT t.*
             FROM lottrace.attachment t
            WHERE t.relid IN (SELECT c.objid FROM pg_event_trigger_ddl_commands() c
                               WHERE c.classid = 'pg_class'::regclass)
  LOOP
    sets := '{}';
    FOR i IN 1 .. cardinality(cols) LOOP
      old := to_jsonb(a) ->> cols[i];
      CONTINUE WHEN old IS NULL OR a.attnums IS NULL OR a.attnums[i] IS NULL OR a.attnums[i] = 0;
      SELECT attname, attisdropped INTO cur
        FROM pg_attribute WHERE attrelid = a.relid AND attnum = a.attnums[i];
      role := replace(cols[i], '_col', '');
      IF cur.attisdropped THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as its % column', old, a.relid, role
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
      IF cur.attname <> old THEN
        sets := sets || format('%I = %L', cols[i], cur.attname);
      END IF;
      -- ALTER COLUMN ... TYPE: only the types attach() accepts (the body of
      -- lottrace._movements() casts the column, as the extension owner in
      -- verify() and rebuild(); a type of the owner's own could bring its
      -- own cast).  A lookup's key column keeps the type it had.
      IF array_position(a.lookup_roles, role) IS NULL THEN
        PERFORM lottrace._check_column_type(a.relid, cur.attname::text, role);
      END IF;
    END LOOP;
    -- alternatives ('a | b') are kept by name: renaming or dropping one is refused
    FOR n IN 1 .. coalesce(cardinality(a.alt_roles), 0) LOOP
      CONTINUE WHEN array_position(a.lookup_roles, a.alt_roles[n]) IS NOT NULL;
      IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = a.relid AND attname = a.alt_cols[n]
                        AND attnum > 0 AND NOT attisdropped) THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as the alternative of its % column',
          a.alt_cols[n], a.relid, a.alt_roles[n]
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
    END LOOP;
    -- counts_when: its columns by number (renames are followed when the
    -- body of lottrace.movements is written); dropped or retyped ones refused
    IF a.counts_when IS NOT NULL THEN
      PERFORM lottrace._check_counts_when(a.relid);
      refresh := true;
      -- the names of the predicates' columns follow renames
      IF a.counts_cols IS DISTINCT FROM lottrace._attnames(a.relid, a.counts_attnums) THEN
        sets := sets || format('counts_cols = %L::text[]', lottrace._attnames(a.relid, a.counts_attnums));
      END IF;
      IF a.unload_when IS NOT NULL
         AND a.unload_cols IS DISTINCT FROM lottrace._attnames(a.relid, a.unload_attnums) THEN
        sets := sets || format('unload_cols = %L::text[]', lottrace._attnames(a.relid, a.unload_attnums));
      END IF;
      IF a.reserve_when IS NOT NULL
         AND a.reserve_cols IS DISTINCT FROM lottrace._attnames(a.relid, a.reserve_attnums) THEN
        sets := sets || format('reserve_cols = %L::text[]', lottrace._attnames(a.relid, a.reserve_attnums));
      END IF;
    END IF;
    -- the primary key: a new one (or a renamed key column) is followed; a
    -- key whose columns are gone is forgotten
    pk := lottrace._pk_cols(a.relid);
    IF pk IS NULL AND EXISTS (SELECT FROM unnest(a.pk_cols) AS k(col)
                               WHERE NOT EXISTS (SELECT FROM pg_attribute
                                                  WHERE attrelid = a.relid AND attname = k.col
                                                    AND attnum > 0 AND NOT attisdropped)) THEN
      sets := sets || 'pk_cols = NULL'::text;
    ELSIF pk IS NOT NULL AND pk IS DISTINCT FROM a.pk_cols THEN
      sets := sets || format('pk_cols = %L::text[]', pk);
    END IF;
    -- one UPDATE: lottrace.movements is re-written once, from the whole new
    -- mapping (a column may be both the key and a mapped one)
    IF cardinality(sets) > 0 THEN
      EXECUTE format('UPDATE lottrace.attachment SET %s WHERE relid = $1', array_to_string(sets, ', '))
        USING a.relid;
    END IF;
  END LOOP;
  -- tables that lookups read: their key and value columns stay as they are
  FOR a IN SELECT t.*
             FROM lottrace.attachment t
            WHERE t.lookup_refs && ARRAY(SELECT c.objid::regclass FROM pg_event_trigger_ddl_commands() c
                                          WHERE c.classid = 'pg_class'::regclass)
  LOOP
    FOR n IN 1 .. cardinality(a.lookup_refs) LOOP
      PERFORM lottrace._check_lookup(a.relid, a.lookup_roles[n], a.lookup_refs[n],
                                     a.lookup_keys[n], a.lookup_values[n]);
    END LOOP;
  END LOOP;
  IF refresh THEN
    PERFORM lottrace._refresh_movements();
  END IF;
END
$$;

-- attach() with the master-data arguments, reserve_when and generate (after
-- unload_when, so calls by position keep their meaning)
DROP FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text,
                              text, text, text, text, boolean, text, text, boolean, text, text, text);
CREATE FUNCTION lottrace.attach(tbl regclass, item text, qty text, warehouse text,
                                lot text DEFAULT NULL, serial text DEFAULT NULL,
                                reason text DEFAULT NULL, doc text DEFAULT NULL,
                                moved_on text DEFAULT NULL, location text DEFAULT NULL,
                                variant text DEFAULT NULL, account text DEFAULT NULL,
                                batch_key text DEFAULT NULL, expiry text DEFAULT NULL,
                                supplier_lot text DEFAULT NULL, backfill boolean DEFAULT true,
                                to_warehouse text DEFAULT NULL, counts_when text DEFAULT NULL,
                                signed_qty boolean DEFAULT false,
                                serial_separator text DEFAULT NULL,
                                judge text DEFAULT 'statement',
                                unload_when text DEFAULT NULL,
                                production_date text DEFAULT NULL,
                                best_before text DEFAULT NULL,
                                attributes text DEFAULT NULL,
                                reserve_when text DEFAULT NULL,
                                generate boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_attach'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text, text, text, text, text, boolean) IS
  'Governs an ERP stock-movement table: the text arguments name its columns (or, as ''col -> table.column'', a value read through a foreign key). to_warehouse: a destination column (warehouse is then the source); counts_when: only rows for which it holds are movements; signed_qty: with a reason, the sign gives the direction; serial_separator: several serials in one column; judge: ''statement'' or ''commit''; unload_when: rows that stop counting into it leave as unloads; production_date, best_before, attributes: the master data of the lots loads create; reserve_when: rows that do not count yet but reserve, for their document, what they will unload; generate => false: no codes are generated (a row without its code is refused), so the table has no BEFORE ROW trigger and COPY keeps its multi-insert. Creates the triggers and (backfill) takes existing rows into the registers. Only the table''s owner may attach it.';
REVOKE EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text, text, text, text, text, boolean) FROM PUBLIC;

-- (end of lot master data)
--
--
--

-- =====================================================================
-- Parties, places and identifiers; the per-shipment FSMA 204 record
-- (issue 16, first part)
-- =====================================================================

-- Who and where: the parties lottrace meets as accounts (suppliers,
-- customers) and the places its warehouses are at.  An account code of the
-- attached tables is a party's code; a warehouse names its place.
CREATE TABLE lottrace.party (
    code    text PRIMARY KEY CHECK (code <> ''),
    kind    text NOT NULL DEFAULT 'party' CHECK (kind IN ('party', 'place')),
    name    text,
    address text,
    gln     text CONSTRAINT party_gln_check
              CHECK (gln ~ '^[0-9]{13}$' AND right(gln, 1)::int = lottrace.gs1_check_digit(left(gln, 12))),
    own     boolean NOT NULL DEFAULT false,
    note    text
);
CREATE UNIQUE INDEX party_own_key ON lottrace.party (own) WHERE own;
COMMENT ON TABLE lottrace.party IS
  'Parties (suppliers, customers: the account codes of the attached tables) and places (the sites warehouses are at), with name, address and GS1 Global Location Number: the location descriptions of FSMA 204 records and EPCIS documents.';
COMMENT ON COLUMN lottrace.party.code IS 'The code: an account as the attached tables write it, or any code a warehouse names as its place.';
COMMENT ON COLUMN lottrace.party.kind IS 'party (a business: supplier, customer) or place (a site).';
COMMENT ON COLUMN lottrace.party.name IS 'Name (business name or site name).';
COMMENT ON COLUMN lottrace.party.address IS 'Postal address, one line or several.';
COMMENT ON COLUMN lottrace.party.gln IS 'GS1 Global Location Number: 13 digits with a valid check digit (NULL: none).';
COMMENT ON COLUMN lottrace.party.own IS 'This party is the company whose stock lottrace keeps (at most one): the owning party that ships and receives in EPCIS documents.';
COMMENT ON COLUMN lottrace.party.note IS 'Free text.';
COMMENT ON CONSTRAINT party_gln_check ON lottrace.party IS 'A GLN is 13 digits whose last is the GS1 check digit of the first 12.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.party', '');

ALTER TABLE lottrace.warehouse ADD COLUMN place text;
COMMENT ON COLUMN lottrace.warehouse.place IS
  'The site the warehouse is at: a code of lottrace.party (NULL: none). Its name, address and GLN describe the warehouse in FSMA 204 records.';

ALTER TABLE lottrace.item
  ADD COLUMN description text,
  ADD COLUMN gtin text CONSTRAINT item_gtin_check
    CHECK (gtin ~ '^[0-9]{14}$' AND right(gtin, 1)::int = lottrace.gs1_check_digit(left(gtin, 13)));
COMMENT ON COLUMN lottrace.item.description IS 'Product description (FSMA 204 records show it; NULL: the item code).';
COMMENT ON COLUMN lottrace.item.gtin IS 'GS1 GTIN of the item, as 14 digits (GTIN-8, -12 and -13 with leading zeros) with a valid check digit; NULL: none. A variant may have its own (lottrace.item_variant).';
COMMENT ON CONSTRAINT item_gtin_check ON lottrace.item IS 'A GTIN is 14 digits whose last is the GS1 check digit of the first 13.';

CREATE TABLE lottrace.item_variant (
    item        text NOT NULL,
    variant     text NOT NULL CHECK (variant <> ''),
    description text,
    gtin        text CONSTRAINT item_variant_gtin_check
                  CHECK (gtin ~ '^[0-9]{14}$' AND right(gtin, 1)::int = lottrace.gs1_check_digit(left(gtin, 13))),
    PRIMARY KEY (item, variant)
);
COMMENT ON TABLE lottrace.item_variant IS
  'Identifiers of an item''s variants: a variant with its own GTIN (a pack size, a flavour) and description.';
COMMENT ON COLUMN lottrace.item_variant.item IS 'The item (lottrace.item.item).';
COMMENT ON COLUMN lottrace.item_variant.variant IS 'The variant, as the attached tables write it.';
COMMENT ON COLUMN lottrace.item_variant.description IS 'Description of the variant (NULL: the item''s).';
COMMENT ON COLUMN lottrace.item_variant.gtin IS 'GTIN of the variant, 14 digits (NULL: the item''s).';
COMMENT ON CONSTRAINT item_variant_gtin_check ON lottrace.item_variant IS 'A GTIN is 14 digits whose last is the GS1 check digit of the first 13.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.item_variant', '');

ALTER TABLE lottrace.reason ADD COLUMN document_type text;
COMMENT ON COLUMN lottrace.reason.document_type IS
  'The kind of document movements of this reason carry (invoice, bill of lading, production order, ...): the reference document type of FSMA 204 records (NULL: the reason''s code).';

-- A party or place as FSMA 204 location descriptions want it.
CREATE FUNCTION lottrace._place(p_code text, OUT name text, OUT address text, OUT gln text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(p.name, p_code), p.address, p.gln
    FROM (SELECT p_code AS c) k LEFT JOIN lottrace.party p ON p.code = k.c
$$;
COMMENT ON FUNCTION lottrace._place(text) IS
  'Internal: name (the code when the party is not listed), address and GLN of a party or place.';

-- The place a warehouse is at (its own code when it names none).
CREATE FUNCTION lottrace._warehouse_place(p_wh text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce((SELECT w.place FROM lottrace.warehouse w WHERE w.code = p_wh), p_wh)
$$;
COMMENT ON FUNCTION lottrace._warehouse_place(text) IS
  'Internal: the lottrace.party code of the site a warehouse is at (the warehouse code itself when it names none).';

-- Where a lot's traceability lot code was assigned (FSMA 204 "traceability
-- lot code source"): the supplier's place for a lot received from one, the
-- site of the warehouse it was first loaded into otherwise (made here).
CREATE FUNCTION lottrace._tlc_source(p_lot bigint)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(l.supplier,
                  (SELECT lottrace._warehouse_place(m.warehouse)
                     FROM lottrace.movements m
                    WHERE m.item = l.item AND m.lot = l.code::text
                      AND (m.variant = l.variant OR (m.variant IS NULL AND l.variant IS NULL))
                      AND m.qty > 0
                    ORDER BY m.moved_on, m.source::oid, m.source_key LIMIT 1))
    FROM lottrace.lot l WHERE l.lot_id = p_lot
$$;
COMMENT ON FUNCTION lottrace._tlc_source(bigint) IS
  'Internal: the party code of a lot''s traceability lot code source: its supplier, or the site of the warehouse it was first loaded into (a lot made here).';

-- The traceability record that travels with a shipment (21 CFR 1.1340(b)).
CREATE FUNCTION lottrace.shipment_record(doc text)
RETURNS TABLE (traceability_lot_code lottrace.lotcode, tlc_source_name text, tlc_source_address text,
               tlc_source_gln text, quantity numeric, unit_of_measure text, product_description text,
               gtin text, ship_from_name text, ship_from_address text, ship_from_gln text,
               ship_to_name text, ship_to_address text, ship_to_gln text, ship_date date,
               reference_document_type text, reference_document_number text,
               item text, variant text, source regclass, source_key text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT l.code, src.name, src.address, src.gln, -m.qty, i.uom,
         coalesce(v.description, i.description, m.item), coalesce(v.gtin, i.gtin),
         frm.name, frm.address, frm.gln, dst.name, dst.address, dst.gln, m.moved_on,
         coalesce(r.document_type, m.reason), m.doc, m.item, m.variant, m.source, m.source_key
    FROM lottrace.movements m
    JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
     AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.item i ON i.item = m.item
    LEFT JOIN lottrace.item_variant v ON v.item = m.item AND v.variant = m.variant
    LEFT JOIN lottrace.reason r ON r.code = m.reason
    CROSS JOIN LATERAL lottrace._place(lottrace._tlc_source(l.lot_id)) src
    CROSS JOIN LATERAL lottrace._place(lottrace._warehouse_place(m.warehouse)) frm
    CROSS JOIN LATERAL lottrace._place(m.account) dst
   WHERE m.doc = shipment_record.doc AND m.qty < 0 AND m.account IS NOT NULL
     AND r.production IS DISTINCT FROM 'input'
   ORDER BY m.item, m.variant NULLS FIRST, l.code, m.source::oid, m.source_key
$$;
COMMENT ON FUNCTION lottrace.shipment_record(text) IS
  'The FSMA 204 traceability record of one shipping document (21 CFR 1.1340(b)): per shipped lot line, the traceability lot code and its source, quantity and unit, product description and GTIN, ship-from and ship-to with their location descriptions (lottrace.party), the date and the reference document. As CSV: COPY (SELECT * FROM lottrace.shipment_record(''INV-900'')) TO STDOUT WITH CSV HEADER.';

-- trace_events keeps its columns and their order and gains the key data
-- elements it lacked, at the end.
DROP FUNCTION lottrace.trace_events(text, text, text);
CREATE FUNCTION lottrace.trace_events(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (event_type text, event_date date, traceability_lot_code lottrace.lotcode,
               product_description text, variant text, quantity numeric,
               location_description text, immediate_previous_source text,
               immediate_subsequent_recipient text, reference_document_type text,
               reference_document_number text, traceability_lot_code_source text,
               relation text, depth int, lot_id bigint, source regclass, source_key text,
               unit_of_measure text, gtin text, product_name text,
               location_name text, location_address text, location_gln text,
               partner_name text, partner_address text, partner_gln text,
               document_type text, tlc_source_name text, tlc_source_address text, tlc_source_gln text)
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
           l.item, l.code, l.variant, l.supplier, lottrace._tlc_source(lots.lot_id) AS tlc_source
      FROM lots JOIN lottrace.lot l ON l.lot_id = lots.lot_id
     ORDER BY lots.lot_id, lots.depth, lots.relation = 'ancestor')
  SELECT CASE WHEN r.production IS NOT NULL THEN 'transformation'
              WHEN m.account IS NULL THEN 'other'
              WHEN m.qty > 0 THEN 'receiving'
              ELSE 'shipping' END,
         m.moved_on, ll.code, m.item, m.variant, abs(m.qty), m.warehouse,
         CASE WHEN m.qty > 0 THEN m.account END,
         CASE WHEN m.qty < 0 THEN m.account END,
         m.reason, m.doc, ll.supplier,
         ll.relation, ll.depth, ll.lot_id, m.source, m.source_key,
         i.uom, coalesce(v.gtin, i.gtin), coalesce(v.description, i.description, m.item),
         loc.name, loc.address, loc.gln, prt.name, prt.address, prt.gln,
         coalesce(r.document_type, m.reason), src.name, src.address, src.gln
    FROM lottrace.movements m
    JOIN ll ON ll.item = m.item AND ll.code::text = m.lot
     AND (ll.variant = m.variant OR (ll.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.reason r ON r.code = m.reason
    LEFT JOIN lottrace.item i ON i.item = m.item
    LEFT JOIN lottrace.item_variant v ON v.item = m.item AND v.variant = m.variant
    CROSS JOIN LATERAL lottrace._place(lottrace._warehouse_place(m.warehouse)) loc
    LEFT JOIN LATERAL lottrace._place(m.account) prt ON m.account IS NOT NULL
    CROSS JOIN LATERAL lottrace._place(ll.tlc_source) src
   ORDER BY m.moved_on, ll.depth, m.item, m.lot, m.source::oid, m.source_key
$$;
COMMENT ON FUNCTION lottrace.trace_events(text, text, text) IS
  'One row per tracking event (receiving: a load with an account; shipping: an unload with an account; transformation: production input or output; other: internal moves and adjustments) of the lot, its ancestors and descendants, with columns named after FSMA 204 key data elements: COPY (SELECT * FROM lottrace.trace_events(...)) TO STDOUT WITH CSV HEADER is the sortable spreadsheet. From 1.2 the unit of measure, GTIN, product name, the location''s and the partner''s name, address and GLN (lottrace.party), the document type (lottrace.reason.document_type) and the traceability lot code source''s name, address and GLN follow the 1.0 columns.';

-- (end of parties, places and identifiers)
--
--
--

-- =====================================================================
-- Event times (issue 16, point 1): the moment of a movement
-- =====================================================================

-- The moved_on column as a moment: a timestamptz as it is, a timestamp
-- without time zone read as UTC (what Odoo and most ERPs store), a date as
-- its midnight UTC.  Chosen by the column's type when the body of
-- lottrace._moves() is written; inlined (no SET clause, every name
-- qualified).
CREATE FUNCTION lottrace._moment(d date)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.timezone('UTC', d::pg_catalog.timestamp) $$;
COMMENT ON FUNCTION lottrace._moment(date) IS
  'Internal: a movement date as a moment, its midnight UTC.';
CREATE FUNCTION lottrace._moment(ts timestamp)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.timezone('UTC', ts) $$;
COMMENT ON FUNCTION lottrace._moment(timestamp) IS
  'Internal: a movement timestamp without time zone as a moment, read as UTC.';
CREATE FUNCTION lottrace._moment(ts timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ts $$;
COMMENT ON FUNCTION lottrace._moment(timestamptz) IS
  'Internal: a movement timestamptz as a moment, as it is.';

-- The rows as the engine reads them gain moved_at, the moment (the last
-- column, so that every query over them by name reads as before).
CREATE OR REPLACE FUNCTION lottrace._rows_sql(a lottrace.attachment, part regclass)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  roles text[] := ARRAY['item', 'qty', 'warehouse', 'lot', 'serial', 'reason', 'doc', 'moved_on',
                        'location', 'variant', 'account', 'batch_key', 'expiry', 'supplier_lot',
                        'to_warehouse'];
  v     text[] := ARRAY[]::text[];
  col   text;
  alt   text;
  prev  text;
  k     int;
  joins text := '';
  pk    text;
  qty   text;
  sq    text;          -- the signed quantity of the row
  dir   text;          -- its reason's direction as +1 / -1 (NULL: none)
  wh    text;
  other text := 'NULL::pg_catalog.text';
  acct  text;
  ser   text;
  cond  text[] := ARRAY[]::text[];
  role  text;
  lat   text := '';
BEGIN
  -- each role's value: the row's own column, or the referenced row's
  FOR i IN 1 .. cardinality(roles) LOOP
    col := to_jsonb(a) ->> (roles[i] || '_col');
    k := array_position(a.lookup_roles, roles[i]);
    alt := a.alt_cols[array_position(a.alt_roles, roles[i])];
    IF col IS NULL THEN
      v := v || NULL::text;
    ELSIF k IS NULL THEN
      v := v || CASE WHEN alt IS NULL THEN format('t.%I', col)
                     ELSE format('COALESCE(t.%I, t.%I)', col, alt) END;
    ELSE
      -- each step of the lookup joins the one before it (the first the row)
      prev := format('t.%I', col);
      FOR j IN k .. cardinality(a.lookup_roles) LOOP
        CONTINUE WHEN a.lookup_roles[j] <> roles[i];
        joins := joins || format(' LEFT JOIN %s l%s ON l%s.%I OPERATOR(pg_catalog.=) %s',
                                 a.lookup_refs[j], j, j, a.lookup_keys[j], prev);
        prev := format('l%s.%I', j, a.lookup_values[j]);
        k := j;
      END LOOP;
      v := v || CASE WHEN alt IS NULL THEN prev
                     ELSE format('COALESCE(l%1$s.%2$I, l%1$s.%3$I)', k, a.lookup_values[k], alt) END;
    END IF;
  END LOOP;

  -- the primary key by its type's output function (see _refresh_movements)
  SELECT CASE WHEN count(*) = 0 THEN 'NULL::pg_catalog.text'
              WHEN count(*) = 1 THEN format('pg_catalog.format(%L, t.%I)', '%s', min(k.col))
              ELSE format('pg_catalog.format(%L, ROW(%s))', '%s',
                          string_agg(format('t.%I', k.col), ', ' ORDER BY k.ord)) END
    INTO pk
    FROM unnest(a.pk_cols) WITH ORDINALITY AS k(col, ord);

  -- the quantity as the engine reads it (floats exactly as they print)
  WITH RECURSIVE b(oid, base) AS (
    SELECT t.oid, t.typbasetype FROM pg_attribute att JOIN pg_type t ON t.oid = att.atttypid
     WHERE att.attrelid = a.relid AND att.attname = a.qty_col AND NOT att.attisdropped
    UNION ALL
    SELECT t.oid, t.typbasetype FROM b JOIN pg_type t ON t.oid = b.base WHERE b.base <> 0)
  SELECT CASE WHEN b.oid = 'pg_catalog.float4'::pg_catalog.regtype
              THEN format('lottrace._qty((t.%I)::pg_catalog.float4)', a.qty_col)
              WHEN b.oid = 'pg_catalog.float8'::pg_catalog.regtype
              THEN format('lottrace._qty((t.%I)::pg_catalog.float8)', a.qty_col) END
    INTO qty
    FROM b WHERE b.base = 0;
  qty := coalesce(qty, format('(t.%I)::pg_catalog.numeric', a.qty_col));

  IF a.reason_col IS NULL THEN
    dir := 'NULL::pg_catalog.int4';
    role := 'NULL::pg_catalog.text';
  ELSE
    dir := format('(SELECT CASE WHEN r.direction OPERATOR(pg_catalog.=) %L THEN 1 ELSE %L::pg_catalog.int4 END'
                  ' FROM lottrace.reason r WHERE r.code OPERATOR(pg_catalog.=) (%s)::pg_catalog.text)',
                  'load', '-1', v[6]);
    role := format('(SELECT r.production FROM lottrace.reason r'
                   ' WHERE r.code OPERATOR(pg_catalog.=) (%s)::pg_catalog.text)', v[6]);
  END IF;
  -- signed: no reason, or a signed quantity; else the reason's direction
  IF a.reason_col IS NULL OR a.signed_qty OR a.to_warehouse_col IS NOT NULL THEN
    sq := qty;
  ELSE
    sq := format('(%s OPERATOR(pg_catalog.*) %s)', qty, dir);
  END IF;

  wh := format('(%s)::pg_catalog.text', v[3]);
  acct := CASE WHEN v[11] IS NULL THEN 'NULL::pg_catalog.text'
               ELSE format('(%s)::pg_catalog.text', v[11]) END;
  IF a.to_warehouse_col IS NOT NULL THEN
    -- one row per internal side: the source gives, the destination takes;
    -- the other side is the location, and a supplier or customer the
    -- account when none is mapped
    lat := lat || format(
      ' CROSS JOIN LATERAL (VALUES (%1$s, %2$s, %4$L::pg_catalog.int4), (%2$s, %1$s, 1)) s(wh, other, side)'
      ' CROSS JOIN LATERAL (SELECT coalesce((SELECT w.kind FROM lottrace.warehouse w'
      ' WHERE w.code OPERATOR(pg_catalog.=) s.wh), %3$L) AS kind,'
      ' coalesce((SELECT w.kind FROM lottrace.warehouse w'
      ' WHERE w.code OPERATOR(pg_catalog.=) s.other), %3$L) AS other_kind) k',
      wh, format('(%s)::pg_catalog.text', v[15]), 'internal', '-1');
    cond := cond || format('k.kind OPERATOR(pg_catalog.=) %L', 'internal');
    sq := format('(%s OPERATOR(pg_catalog.*) s.side)', sq);
    wh := 's.wh';
    other := 's.other';
    acct := format('coalesce(%s, CASE WHEN k.other_kind OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])'
                   ' THEN s.other END)', acct, '{supplier,customer}');
    -- the role by the side's signed quantity: a negative signed quantity
    -- moves the other way
    role := format('coalesce(%s, CASE WHEN k.other_kind OPERATOR(pg_catalog.=) %L'
                   ' THEN CASE WHEN %s OPERATOR(pg_catalog.>) 0 THEN %L ELSE %L END END)',
                   role, 'production', sq, 'output', 'input');
    dir := 'NULL::pg_catalog.int4';
  END IF;

  ser := CASE WHEN v[5] IS NULL THEN 'NULL::pg_catalog.text'
              ELSE format('(%s)::pg_catalog.text', v[5]) END;
  IF a.serial_separator IS NOT NULL AND v[5] IS NOT NULL THEN
    -- a row of n serials and a quantity of n: one row per serial
    lat := lat || format(
      ' CROSS JOIN LATERAL (SELECT lottrace._serial_list(%1$s, %2$L) AS arr) sl'
      ' CROSS JOIN LATERAL (SELECT u.x, true FROM pg_catalog.unnest(sl.arr) u(x)'
      '   WHERE coalesce(pg_catalog.cardinality(sl.arr) OPERATOR(pg_catalog.=) pg_catalog.abs(%3$s), false)'
      '  UNION ALL SELECT %1$s, false'
      '   WHERE NOT coalesce(pg_catalog.cardinality(sl.arr) OPERATOR(pg_catalog.=) pg_catalog.abs(%3$s), false)) sx(serial, split)',
      ser, a.serial_separator, sq);
    ser := 'sx.serial';
    sq := format('CASE WHEN sx.split THEN pg_catalog.sign(%1$s) ELSE %1$s END', sq);
  END IF;

  IF a.counts_when IS NOT NULL THEN
    cond := cond || format(a.counts_when, VARIADIC lottrace._attnames(a.relid, a.counts_attnums));
  END IF;

  RETURN format(
    'SELECT %s::pg_catalog.regclass AS source, %s AS source_key, (%s)::pg_catalog.text AS item, %s AS variant,'
    ' %s AS lot, %s AS serial, %s AS warehouse, %s AS location, %s AS qty, %s AS reason, %s AS doc,'
    ' %s AS account, %s AS batch_key, %s AS moved_on, %s AS expiry, %s AS supplier_lot,'
    ' CASE WHEN %s OPERATOR(pg_catalog.>) 0 THEN %s ELSE 0 END AS loaded, %s AS role, %s AS bsign,'
    ' %s AS moved_at'
    ' FROM %s%s t%s%s%s',
    a.relid::oid, pk, v[1],
    CASE WHEN v[10] IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('CASE WHEN (%1$s)::pg_catalog.text OPERATOR(pg_catalog.=) %2$L THEN NULL'
                     ' ELSE (%1$s)::pg_catalog.text END', v[10], '') END,
    CASE WHEN v[4] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[4]) END,
    ser, wh,
    CASE WHEN a.to_warehouse_col IS NOT NULL THEN other
         WHEN v[9] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[9]) END,
    sq,
    CASE WHEN v[6] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[6]) END,
    CASE WHEN v[7] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[7]) END,
    acct,
    CASE WHEN v[12] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[12]) END,
    CASE WHEN v[8] IS NULL THEN 'NULL::pg_catalog.date' ELSE format('(%s)::pg_catalog.date', v[8]) END,
    CASE WHEN v[13] IS NULL THEN 'NULL::pg_catalog.date' ELSE format('(%s)::pg_catalog.date', v[13]) END,
    CASE WHEN v[14] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[14]) END,
    -- loaded: a load, or a reversed load (a signed quantity against an
    -- unload reason reverses the unload: nothing is loaded)
    CASE WHEN dir = 'NULL::pg_catalog.int4' THEN format('pg_catalog.sign(%s)', sq) ELSE dir END,
    sq, role,
    CASE WHEN dir = 'NULL::pg_catalog.int4' OR NOT a.signed_qty THEN '1'
         ELSE format('CASE WHEN pg_catalog.sign(%s) OPERATOR(pg_catalog.=) %s THEN 1 ELSE %L::pg_catalog.int4 END',
                     sq, dir, '-1') END,
    -- the moment: the moved_on column as it is, by its type (lottrace._moment)
    CASE WHEN v[8] IS NULL THEN 'NULL::pg_catalog.timestamptz' ELSE format('lottrace._moment(%s)', v[8]) END,
    CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = part) = 'p' THEN '' ELSE 'ONLY ' END,
    part, joins, lat,
    CASE WHEN cardinality(cond) = 0 THEN ''
         ELSE ' WHERE ' || array_to_string(cond, ' AND ') END);
END
$fn$;
COMMENT ON FUNCTION lottrace._rows_sql(lottrace.attachment, regclass) IS
  'Internal: a query over an attached table or one of its partitions giving its rows as the engine reads them: the columns of lottrace._movements(), then loaded (the part of loaded_qty), role (production input/output), bsign (-1 for a reversal) and moved_at (the moment of the movement, lottrace._moment).';

-- lottrace._moves() with moved_at.  Executable by everyone, as
-- lottrace.movements is (both read the attached tables with the caller's
-- rights): lottrace.epcis_document reads the moments through it.
DROP FUNCTION lottrace._moves();
CREATE FUNCTION lottrace._moves()
RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text, lot text,
               serial text, warehouse text, location text, qty numeric, reason text, doc text,
               account text, batch_key text, moved_on date, expiry date, supplier_lot text,
               loaded numeric, role text, bsign int, moved_at timestamptz)
LANGUAGE sql STABLE
AS 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.int4, NULL::pg_catalog.timestamptz WHERE false';
COMMENT ON FUNCTION lottrace._moves() IS
  'Internal: the rows of every attached table as the engine reads them, with what the registers derive from each (loaded, role, bsign) and the moment of each (moved_at); its body is re-written with lottrace._movements().';

CREATE OR REPLACE FUNCTION lottrace._refresh_movements()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  a     lottrace.attachment;
  parts text[] := '{}';
  q     text;
  full_ text;
  none  text := 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date,'
                ' NULL::pg_catalog.text';
BEGIN
  -- one query per table (lottrace._rows_sql: the key by its output
  -- function, mapped columns cast, lookups joined); the planner flattens
  -- the UNION ALL, so filters reach each table's own indexes
  FOR a IN SELECT * FROM lottrace.attachment ORDER BY relid::oid LOOP
    parts := parts || lottrace._rows_sql(a, a.relid);
  END LOOP;
  IF cardinality(parts) = 0 THEN
    q := none || ' WHERE false';
    full_ := none || ', NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.int4,'
                     ' NULL::pg_catalog.timestamptz WHERE false';
  ELSE
    full_ := array_to_string(parts, ' UNION ALL ');
    q := 'SELECT x.source, x.source_key, x.item, x.variant, x.lot, x.serial, x.warehouse, x.location,'
         ' x.qty, x.reason, x.doc, x.account, x.batch_key, x.moved_on, x.expiry, x.supplier_lot'
         ' FROM (' || full_ || ') x';
  END IF;
  -- only when it changed: it is called on every ALTER TABLE / SCHEMA, and by
  -- verify() and rebuild() (concurrent replacements of one function fail)
  IF q IS DISTINCT FROM (SELECT p.prosrc FROM pg_proc p
                          WHERE p.oid = 'lottrace._movements()'::regprocedure) THEN
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION lottrace._movements()'
      ' RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text,'
      ' lot text, serial text, warehouse text, location text, qty numeric, reason text, doc text,'
      ' account text, batch_key text, moved_on date, expiry date, supplier_lot text)'
      ' LANGUAGE sql STABLE AS %L', q);
  END IF;
  IF full_ IS DISTINCT FROM (SELECT p.prosrc FROM pg_proc p
                              WHERE p.oid = 'lottrace._moves()'::regprocedure) THEN
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION lottrace._moves()'
      ' RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text,'
      ' lot text, serial text, warehouse text, location text, qty numeric, reason text, doc text,'
      ' account text, batch_key text, moved_on date, expiry date, supplier_lot text,'
      ' loaded numeric, role text, bsign int, moved_at timestamptz)'
      ' LANGUAGE sql STABLE AS %L', full_);
  END IF;
END
$fn$;
SELECT lottrace._refresh_movements();

-- (end of event times)
--
--
--

-- =====================================================================
-- GS1 EPCIS 2.0 documents (issue 16, point 2)
-- =====================================================================

-- A text as one segment of a URI: RFC 3986 unreserved characters stay,
-- every other byte of its UTF-8 form is percent-encoded.
CREATE FUNCTION lottrace._uri_part(s text)
RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'lt_uri_part';
COMMENT ON FUNCTION lottrace._uri_part(text) IS
  'Internal: a text percent-encoded as one URI path segment (RFC 3986 unreserved characters kept, the UTF-8 bytes of every other one as %XX).';

-- Identifiers: GS1 Digital Link URIs where the GS1 keys are known, a
-- lottrace URN otherwise (EPCIS takes any URI).  The builders take the keys;
-- _epc_class and _epc_party look them up.
CREATE FUNCTION lottrace._gs1_uri(gtin text, ai text, item text, variant text, code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- no SET clause, so that the planner inlines it (a call per event costs
-- more than the rest of the event): every name and operator is qualified
AS $$
  SELECT CASE WHEN gtin IS NOT NULL
              THEN pg_catalog.format('https://id.gs1.org/01/%s/%s/%s', gtin, ai, lottrace._uri_part(code))
              ELSE pg_catalog.format('urn:lottrace:%s:%s:%s:%s',
                                     CASE WHEN ai OPERATOR(pg_catalog.=) '10' THEN 'class' ELSE 'epc' END,
                                     lottrace._uri_part(item), lottrace._uri_part(coalesce(variant, '')),
                                     lottrace._uri_part(code)) END
$$;
COMMENT ON FUNCTION lottrace._gs1_uri(text, text, text, text, text) IS
  'Internal: a lot (ai 10: an EPC class, LGTIN) or a serial (ai 21: an EPC, SGTIN) as a GS1 Digital Link URI https://id.gs1.org/01/GTIN/AI/CODE, or without a GTIN as urn:lottrace:class|epc:ITEM:VARIANT:CODE.';
CREATE FUNCTION lottrace._party_uri(gln text, kind text, code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- inlined, as lottrace._gs1_uri
AS $$
  SELECT CASE WHEN gln IS NOT NULL
              THEN pg_catalog.format('https://id.gs1.org/%s/%s',
                                     CASE WHEN kind OPERATOR(pg_catalog.=) 'place' THEN '414' ELSE '417' END, gln)
              ELSE pg_catalog.format('urn:lottrace:%s:%s', kind, lottrace._uri_part(code)) END
$$;
COMMENT ON FUNCTION lottrace._party_uri(text, text, text) IS
  'Internal: a party (417, party GLN) or place (414, location GLN) as a GS1 Digital Link URI, or without a GLN as urn:lottrace:party|place:CODE.';
CREATE FUNCTION lottrace._epc_class(p_item text, p_variant text, p_lot text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT lottrace._gs1_uri(coalesce((SELECT v.gtin FROM lottrace.item_variant v WHERE v.item = p_item AND v.variant = p_variant),
                                    (SELECT i.gtin FROM lottrace.item i WHERE i.item = p_item)),
                           '10', p_item, p_variant, p_lot)
$$;
COMMENT ON FUNCTION lottrace._epc_class(text, text, text) IS
  'Internal: the EPC class of a lot, with the GTIN of its variant or item (lottrace._gs1_uri).';
CREATE FUNCTION lottrace._epc_party(p_code text, p_kind text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT lottrace._party_uri((SELECT p.gln FROM lottrace.party p WHERE p.code = p_code), p_kind, p_code)
$$;
COMMENT ON FUNCTION lottrace._epc_party(text, text) IS
  'Internal: a party or place as a URI, with its GLN from lottrace.party (lottrace._party_uri).';

-- The events of a set of lots (their movements from since to until), as
-- EPCIS 2.0 events: ObjectEvents for receipts (bizStep receiving),
-- shipments (shipping) and other moves, TransformationEvents for production
-- batches.  The first load of a lot (of each serial of a lot) is its
-- commissioning here (action ADD, with ilmd: lot number and expiry).
CREATE FUNCTION lottrace._epcis_events(p_lots bigint[], since timestamptz, until timestamptz)
RETURNS json
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  -- the movements of a lot
  of_lot constant text := 'l.item = m.item AND l.code::text = m.lot'
                          ' AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))';
  -- what the events read of them (not what only the registers derive)
  cols   constant text := 'm.source, m.source_key, m.item, m.variant, m.lot, m.serial, m.warehouse,'
                          ' m.qty, m.reason, m.doc, m.account, m.batch_key, m.moved_at';
  events json;
BEGIN
  -- planned with the lots and dates as constants (a one-shot plan): the
  -- generic plan of a SQL function cannot tell 10 lots from 10,000.  Given
  -- lots are read lot by lot (LATERAL, kept from being flattened by OFFSET
  -- 0: the index on the table's lot column, 0.2 s for 10,000 lots where the
  -- planner's own choice, a hash join over the whole table, took 0.8 s);
  -- every lot (p_lots NULL) by a join
  -- the events are built as json, text, and the document is read into
  -- jsonb once (lottrace._epcis_wrap): jsonb_build_object, jsonb_strip_nulls
  -- and jsonb_agg re-serialise every value they are given, so a 12 MB
  -- document of 20,000 events was written out several times over.  One
  -- array, aggregated in memory (as a set, the events went through a
  -- tuplestore, written to disk beyond work_mem)
  EXECUTE format($q$
  WITH mv AS MATERIALIZED (
    SELECT %1$s, l.lot_id, l.expiry_date, r.production, r.document_type,
           coalesce(v.gtin, i.gtin) AS gtin, CASE WHEN i.uom ~ '^[A-Z0-9]{2,3}$' THEN i.uom END AS uom,
           m.moved_at AS at,
           row_number() OVER (PARTITION BY l.lot_id, m.serial ORDER BY (m.qty < 0), m.moved_at, m.source::oid, m.source_key) = 1
             AND m.qty > 0 AS first_load
      FROM %2$s
      LEFT JOIN lottrace.reason r ON r.code = m.reason
      LEFT JOIN lottrace.item i ON i.item = l.item
      LEFT JOIN lottrace.item_variant v ON v.item = l.item AND v.variant = l.variant
     WHERE $1 IS NULL OR l.lot_id = ANY ($1)),
  picked AS MATERIALIZED (
    SELECT * FROM mv
     WHERE ($2 IS NULL OR mv.at >= $2) AND ($3 IS NULL OR mv.at < $3)),
  -- places and parties once each (a lookup per event costs more than the
  -- rest of the event), joined by hash
  places AS MATERIALIZED (
    SELECT k.warehouse, lottrace._party_uri(pl.gln, 'place', coalesce(wh.place, k.warehouse)) AS uri
      FROM (SELECT DISTINCT p.warehouse FROM picked p) k
      LEFT JOIN lottrace.warehouse wh ON wh.code = k.warehouse
      LEFT JOIN lottrace.party pl ON pl.code = coalesce(wh.place, k.warehouse)),
  parties AS MATERIALIZED (
    SELECT k.account, lottrace._party_uri(pa.gln, 'party', k.account) AS uri
      FROM (SELECT DISTINCT p.account FROM picked p WHERE p.account IS NOT NULL) k
      LEFT JOIN lottrace.party pa ON pa.code = k.account),
  own AS MATERIALIZED (
    SELECT (SELECT lottrace._epc_party(o.code, 'party') FROM lottrace.party o WHERE o.own) AS uri),
  ev AS (
    SELECT p.*, lottrace._gs1_uri(p.gtin, '10', p.item, p.variant, p.lot) AS class,
           pl.uri AS place, pa.uri AS party, own.uri AS own_party,
           CASE WHEN p.serial IS NOT NULL THEN lottrace._gs1_uri(p.gtin, '21', p.item, p.variant, p.serial) END AS epc
      FROM picked p
      JOIN places pl ON pl.warehouse = p.warehouse
      LEFT JOIN parties pa ON pa.account = p.account
     CROSS JOIN own),
  obj AS (
    SELECT p.at, p.source, p.source_key, json_strip_nulls(json_build_object(
             'type', 'ObjectEvent',
             'eventTime', to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
             'eventTimeZoneOffset', '+00:00',
             'eventID', 'ni:///sha-256;' || encode(sha256(convert_to(concat_ws('|', 'lottrace', p.source::oid::text,
                          p.source_key, p.warehouse, p.qty::text), 'UTF8')), 'hex') || '?ver=CBV2.0',
             'action', CASE WHEN p.first_load THEN 'ADD' ELSE 'OBSERVE' END,
             'bizStep', CASE WHEN p.account IS NULL THEN CASE WHEN p.qty > 0 THEN 'storing' ELSE 'removing' END
                             WHEN p.qty > 0 THEN 'receiving' ELSE 'shipping' END,
             'disposition', CASE WHEN p.account IS NOT NULL AND p.qty < 0 THEN 'in_transit' ELSE 'in_progress' END,
             'epcList', CASE WHEN p.epc IS NOT NULL THEN json_build_array(p.epc) END,
             'quantityList', CASE WHEN p.epc IS NULL THEN json_build_array(json_strip_nulls(json_build_object(
                               'epcClass', p.class, 'quantity', abs(p.qty), 'uom', p.uom))) END,
             'readPoint', json_build_object('id', p.place),
             'bizLocation', json_build_object('id', p.place),
             'bizTransactionList', CASE WHEN p.doc IS NOT NULL THEN json_build_array(json_build_object(
                                     'bizTransaction', 'urn:lottrace:doc:' || lottrace._uri_part(p.doc))) END,
             -- receipts come from the supplier to us, shipments go from us to the customer
             'sourceList', CASE WHEN p.account IS NULL THEN NULL
                                WHEN p.qty > 0 THEN json_build_array(json_build_object('type', 'owning_party', 'source', p.party))
                                WHEN p.own_party IS NOT NULL THEN json_build_array(
                                       json_build_object('type', 'owning_party', 'source', p.own_party),
                                       json_build_object('type', 'location', 'source', p.place))
                                ELSE json_build_array(json_build_object('type', 'location', 'source', p.place)) END,
             'destinationList', CASE WHEN p.account IS NULL THEN NULL
                                     WHEN p.qty < 0 THEN json_build_array(json_build_object('type', 'owning_party', 'destination', p.party))
                                     WHEN p.own_party IS NOT NULL THEN json_build_array(
                                            json_build_object('type', 'owning_party', 'destination', p.own_party)) END,
             'ilmd', CASE WHEN p.first_load THEN json_strip_nulls(json_build_object(
                       'cbvmda:lotNumber', p.lot,
                       'cbvmda:itemExpirationDate', CASE WHEN isfinite(p.expiry_date) THEN to_char(p.expiry_date, 'YYYY-MM-DD') END)) END
           )) AS ev
      FROM ev p
     WHERE p.production IS NULL OR p.batch_key IS NULL),
  trf AS (
    SELECT max(p.at) AS at, min(p.source::oid)::regclass AS source, p.batch_key AS source_key, json_strip_nulls(json_build_object(
             'type', 'TransformationEvent',
             'eventTime', to_char(max(p.at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
             'eventTimeZoneOffset', '+00:00',
             'eventID', 'ni:///sha-256;' || encode(sha256(convert_to(concat_ws('|', 'lottrace', 'batch',
                          p.batch_key), 'UTF8')), 'hex') || '?ver=CBV2.0',
             'transformationID', 'urn:lottrace:batch:' || lottrace._uri_part(p.batch_key),
             'bizStep', 'commissioning',
             'disposition', 'active',
             'inputQuantityList', json_agg(json_strip_nulls(json_build_object('epcClass', p.class, 'quantity', -p.qty, 'uom', p.uom))
                                                   ORDER BY p.item, p.lot)
                                           FILTER (WHERE p.production = 'input' AND p.epc IS NULL),
             'inputEPCList', json_agg(p.epc ORDER BY p.item, p.serial)
                                      FILTER (WHERE p.production = 'input' AND p.epc IS NOT NULL),
             'outputQuantityList', json_agg(json_strip_nulls(json_build_object('epcClass', p.class, 'quantity', p.qty, 'uom', p.uom))
                                                    ORDER BY p.item, p.lot)
                                            FILTER (WHERE p.production = 'output' AND p.epc IS NULL),
             'outputEPCList', json_agg(p.epc ORDER BY p.item, p.serial)
                                       FILTER (WHERE p.production = 'output' AND p.epc IS NOT NULL),
             'readPoint', json_build_object('id', min(p.place)),
             'ilmd', CASE WHEN count(DISTINCT p.lot) FILTER (WHERE p.production = 'output') = 1
                          THEN json_strip_nulls(json_build_object(
                                 'cbvmda:lotNumber', min(p.lot) FILTER (WHERE p.production = 'output'),
                                 'cbvmda:itemExpirationDate', to_char(min(p.expiry_date) FILTER (WHERE p.production = 'output' AND isfinite(p.expiry_date)), 'YYYY-MM-DD'))) END
           )) AS ev
      FROM ev p
     WHERE p.production IS NOT NULL AND p.batch_key IS NOT NULL
     GROUP BY p.batch_key)
  SELECT json_agg(e.ev ORDER BY e.at, e.source::oid, e.source_key)
    FROM (SELECT * FROM obj UNION ALL SELECT * FROM trf) e
$q$, cols,
     CASE WHEN p_lots IS NULL THEN 'lottrace._moves() m JOIN lottrace.lot l ON ' || of_lot
          ELSE format('lottrace.lot l CROSS JOIN LATERAL (SELECT %s FROM lottrace._moves() m WHERE %s OFFSET 0) m',
                      cols, of_lot) END)
  INTO events USING p_lots, since, until;
  RETURN events;
END
$fn$;
COMMENT ON FUNCTION lottrace._epcis_events(bigint[], timestamptz, timestamptz) IS
  'Internal: the movements of a set of lots (NULL: every lot) from since (inclusive) to until (exclusive) as a json array of EPCIS 2.0 events in time order (NULL: none) (JSON-LD): ObjectEvents for receipts, shipments and other moves, one TransformationEvent per production batch; event IDs hashed from the movement, so the same movement always gives the same ID.';

CREATE FUNCTION lottrace._epcis_wrap(events json)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT json_build_object(
           '@context', json_build_array('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'),
           'type', 'EPCISDocument',
           'schemaVersion', '2.0',
           'creationDate', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'epcisBody', json_build_object('eventList', coalesce(events, '[]'::json)))::jsonb
$$;
COMMENT ON FUNCTION lottrace._epcis_wrap(json) IS
  'Internal: an EPCIS 2.0 document (JSON-LD, the GS1 context) around a json array of events, as jsonb.';

CREATE FUNCTION lottrace.epcis_document(item text, lot text, variant text DEFAULT NULL,
                                        since timestamptz DEFAULT NULL, until timestamptz DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT lottrace._epcis_wrap(lottrace._epcis_events(
           ARRAY(SELECT lottrace._find_lot($1, $2, $3)
                 UNION
                 SELECT f.lot_id FROM lottrace.trace_forward($1, $2, 2147483647, $3) f
                 UNION
                 SELECT b.lot_id FROM lottrace.trace_backward($1, $2, 2147483647, $3) b),
           $4, $5))
$$;
COMMENT ON FUNCTION lottrace.epcis_document(text, text, text, timestamptz, timestamptz) IS
  'The traceability of a lot as a GS1 EPCIS 2.0 JSON-LD document: the events of the lot, its ancestors and its descendants (from since, inclusive, to until, exclusive): receiving, shipping and other moves as ObjectEvents (the first receipt of a lot with action ADD and ilmd lot number and expiry), production batches as TransformationEvents with input and output quantity or EPC lists, source and destination owning parties, GS1 Digital Link identifiers where GTINs and GLNs are known. Event IDs are stable: the same movement gives the same ID.';

CREATE FUNCTION lottrace.epcis_period(since timestamptz, until timestamptz)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT lottrace._epcis_wrap(lottrace._epcis_events(NULL, since, until))
$$;
COMMENT ON FUNCTION lottrace.epcis_period(timestamptz, timestamptz) IS
  'Every event of a period (since inclusive, until exclusive) as one GS1 EPCIS 2.0 document, for a trading partner''s feed (filter the lots by querying epcis_document per lot for less).';

-- (end of EPCIS documents)
--
--
--

-- =====================================================================
-- A supplier's EPCIS shipping events as expected receipts (issue 16, point 3)
-- =====================================================================

-- What a supplier's EPCIS document says is on its way: one row per item,
-- lot and shipping event.  User data (dumped; a rebuild keeps it).
CREATE TABLE lottrace.expected_receipt (
    expected_id bigserial PRIMARY KEY,
    event_id    text NOT NULL,
    epc_class   text NOT NULL,
    supplier    text,
    item        text,
    variant     text,
    lot         text,
    gtin        text,
    qty         numeric NOT NULL CHECK (qty > 0),
    expiry_date date,
    doc         text,
    event_time  timestamptz,
    imported_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    imported_by text NOT NULL DEFAULT lottrace._actor(),
    CONSTRAINT expected_receipt_event_key UNIQUE (event_id, epc_class)
);
CREATE INDEX expected_receipt_lot_idx ON lottrace.expected_receipt (item, lot);
COMMENT ON TABLE lottrace.expected_receipt IS
  'Goods a supplier''s EPCIS shipping events announce (lottrace.epcis_import): item, lot, quantity, expiry, GTIN, per event. Receipts of those lots from that supplier are compared with them (lottrace.receipt_mismatches).';
COMMENT ON COLUMN lottrace.expected_receipt.expected_id IS 'Surrogate key.';
COMMENT ON COLUMN lottrace.expected_receipt.event_id IS 'The shipping event''s eventID (importing the same event again changes nothing).';
COMMENT ON COLUMN lottrace.expected_receipt.epc_class IS 'The EPC class (or, for serials, the class their EPCs belong to) as the document gives it.';
COMMENT ON COLUMN lottrace.expected_receipt.supplier IS 'The shipping party: a lottrace.party code, found by GLN or lottrace URN (NULL: not known here).';
COMMENT ON COLUMN lottrace.expected_receipt.item IS 'The item, found by GTIN (lottrace.item.gtin, item_variant.gtin) or lottrace URN (NULL: not known here).';
COMMENT ON COLUMN lottrace.expected_receipt.variant IS 'The variant, when the GTIN is a variant''s.';
COMMENT ON COLUMN lottrace.expected_receipt.lot IS 'The lot code.';
COMMENT ON COLUMN lottrace.expected_receipt.gtin IS 'The GTIN of the class (NULL: a lottrace URN).';
COMMENT ON COLUMN lottrace.expected_receipt.qty IS 'Quantity announced (serials: how many).';
COMMENT ON COLUMN lottrace.expected_receipt.expiry_date IS 'Expiry the document gives for the lot (ilmd cbvmda:itemExpirationDate of any of its events).';
COMMENT ON COLUMN lottrace.expected_receipt.doc IS 'The shipping event''s business transaction (as a lottrace URN: the document code).';
COMMENT ON COLUMN lottrace.expected_receipt.event_time IS 'When the supplier shipped.';
COMMENT ON COLUMN lottrace.expected_receipt.imported_at IS 'When it was imported.';
COMMENT ON COLUMN lottrace.expected_receipt.imported_by IS 'Role that imported it.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.expected_receipt', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.expected_receipt_expected_id_seq', '');

ALTER TABLE lottrace.item ADD COLUMN receipt_tolerance_pct numeric
  CONSTRAINT item_receipt_tolerance_range CHECK (receipt_tolerance_pct BETWEEN 0 AND 100);
COMMENT ON COLUMN lottrace.item.receipt_tolerance_pct IS
  'How far (in % of the announced quantity) a receipt of an expected lot may differ from what the supplier''s EPCIS data announced before lottrace.receipt_mismatches reports it (NULL: 0, exact).';

-- A URI of lottrace's or GS1's making, read back: class, EPC, party.
CREATE FUNCTION lottrace._uri_unpart(s text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  out bytea := ''::bytea;
  i int := 1;
  n int := length(s);
BEGIN
  WHILE i <= n LOOP
    IF substr(s, i, 1) = '%' AND substr(s, i + 1, 2) ~ '^[0-9A-Fa-f]{2}$' THEN
      out := out || decode(substr(s, i + 1, 2), 'hex');
      i := i + 3;
    ELSE
      out := out || convert_to(substr(s, i, 1), 'UTF8');
      i := i + 1;
    END IF;
  END LOOP;
  RETURN convert_from(out, 'UTF8');
END
$$;
COMMENT ON FUNCTION lottrace._uri_unpart(text) IS
  'Internal: a percent-encoded URI segment decoded (the inverse of _uri_part).';

COMMENT ON FUNCTION lottrace._uri_unpart(text) IS
  'Internal: a percent-encoded URI segment decoded (the inverse of _uri_part).';

-- An EPC class or EPC of a document read back: a GS1 Digital Link LGTIN or
-- SGTIN (the item by its GTIN here), or one of lottrace's URNs.
CREATE FUNCTION lottrace._epc_parse(uri text, OUT gtin text, OUT lot text, OUT serial text,
                                    OUT item text, OUT variant text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  m text[];
BEGIN
  m := regexp_match(uri, '^https?://[^/]+/01/([0-9]{14})/(10|21)/([^/?#]+)');
  IF m IS NOT NULL THEN
    gtin := m[1];
    IF m[2] = '10' THEN
      lot := lottrace._uri_unpart(m[3]);
    ELSE
      serial := lottrace._uri_unpart(m[3]);
    END IF;
    SELECT v.item, v.variant INTO item, variant
      FROM lottrace.item_variant v WHERE v.gtin = m[1] ORDER BY v.item, v.variant LIMIT 1;
    IF item IS NULL THEN
      SELECT i.item INTO item FROM lottrace.item i WHERE i.gtin = m[1] ORDER BY i.item LIMIT 1;
    END IF;
    RETURN;
  END IF;
  m := regexp_match(uri, '^urn:lottrace:(class|epc):([^:]*):([^:]*):(.*)$');
  IF m IS NOT NULL THEN
    item := lottrace._uri_unpart(m[2]);
    variant := nullif(lottrace._uri_unpart(m[3]), '');
    IF m[1] = 'class' THEN
      lot := lottrace._uri_unpart(m[4]);
    ELSE
      serial := lottrace._uri_unpart(m[4]);
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._epc_parse(text) IS
  'Internal: GTIN, lot or serial, and the item (by GTIN in lottrace.item / item_variant) of an EPC class or EPC: a GS1 Digital Link LGTIN or SGTIN, or a urn:lottrace:class / urn:lottrace:epc URN.';

-- A party of a document read back: by GLN (Digital Link 417 / 414), or a
-- lottrace URN.
CREATE FUNCTION lottrace._party_parse(uri text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce((SELECT p.code FROM lottrace.party p
                    WHERE p.gln = (regexp_match(uri, '^https?://[^/]+/41[47]/([0-9]{13})'))[1]
                    ORDER BY p.code LIMIT 1),
                  lottrace._uri_unpart((regexp_match(uri, '^urn:lottrace:(?:party|place):(.*)$'))[1]))
$$;
COMMENT ON FUNCTION lottrace._party_parse(text) IS
  'Internal: the lottrace.party code of a party or place URI: by its GLN (GS1 Digital Link 417 or 414), or from a urn:lottrace:party / place URN (NULL: not known here).';

-- A supplier's EPCIS document: its shipping ObjectEvents become expected
-- receipts (the same event imported again changes nothing).  Lots of
-- serials are found through the events that commissioned them (ilmd), and
-- so are the expiries.
CREATE FUNCTION lottrace.epcis_import(doc jsonb)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n bigint;
BEGIN
  IF doc ->> 'type' IS DISTINCT FROM 'EPCISDocument' OR jsonb_typeof(doc #> '{epcisBody,eventList}') <> 'array' THEN
    RAISE EXCEPTION 'not an EPCIS 2.0 document: a JSON object of type EPCISDocument with epcisBody.eventList is expected'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  WITH ev AS (
    SELECT e, k FROM jsonb_array_elements(doc #> '{epcisBody,eventList}') WITH ORDINALITY AS x(e, k)),
  -- lot number and expiry each commissioning says, for the classes and EPCs it names
  lm AS (
    SELECT ev.e #>> '{ilmd,cbvmda:lotNumber}' AS lot,
           (ev.e #>> '{ilmd,cbvmda:itemExpirationDate}')::date AS expiry,
           c.uri
      FROM ev
     CROSS JOIN LATERAL (SELECT q ->> 'epcClass' AS uri FROM jsonb_array_elements(coalesce(ev.e -> 'quantityList', ev.e -> 'outputQuantityList', '[]')) q
                         UNION ALL
                         SELECT u #>> '{}' FROM jsonb_array_elements(coalesce(ev.e -> 'epcList', ev.e -> 'outputEPCList', '[]')) u) c
     WHERE ev.e ? 'ilmd'),
  ship AS (
    SELECT ev.e, ev.k FROM ev
     WHERE ev.e ->> 'type' = 'ObjectEvent'
       AND ev.e ->> 'bizStep' IN ('shipping', 'urn:epcglobal:cbv:bizstep:shipping')),
  lines AS (
    -- quantities of classes
    SELECT s.e, q ->> 'epcClass' AS class, (q ->> 'quantity')::numeric AS qty, p.gtin, p.lot, p.item, p.variant
      FROM ship s
     CROSS JOIN LATERAL jsonb_array_elements(coalesce(s.e -> 'quantityList', '[]')) q
     CROSS JOIN LATERAL lottrace._epc_parse(q ->> 'epcClass') p
    UNION ALL
    -- serials, counted per class of their lot
    SELECT s.e, min(coalesce(lottrace._epc_class(p.item, p.variant, l.lot), 'https://id.gs1.org/01/' || p.gtin)),
           count(*), p.gtin, l.lot, p.item, p.variant
      FROM ship s
     CROSS JOIN LATERAL jsonb_array_elements(coalesce(s.e -> 'epcList', '[]')) u
     CROSS JOIN LATERAL lottrace._epc_parse(u #>> '{}') p
      LEFT JOIN LATERAL (SELECT lm.lot FROM lm WHERE lm.uri = u #>> '{}' AND lm.lot IS NOT NULL LIMIT 1) l ON true
     GROUP BY s.e, p.gtin, l.lot, p.item, p.variant),
  ins AS (
    INSERT INTO lottrace.expected_receipt (event_id, epc_class, supplier, item, variant, lot, gtin, qty,
                                           expiry_date, doc, event_time)
    SELECT coalesce(li.e ->> 'eventID', md5(li.e::text)), li.class,
           coalesce((SELECT lottrace._party_parse(sl ->> 'source') FROM jsonb_array_elements(li.e -> 'sourceList') sl
                      WHERE sl ->> 'type' IN ('owning_party', 'urn:epcglobal:cbv:sdt:owning_party') LIMIT 1),
                    (SELECT lottrace._party_parse(sl ->> 'source') FROM jsonb_array_elements(li.e -> 'sourceList') sl
                      WHERE sl ->> 'type' IN ('possessing_party', 'urn:epcglobal:cbv:sdt:possessing_party') LIMIT 1)),
           li.item, li.variant, li.lot, li.gtin, li.qty,
           (SELECT lm.expiry FROM lm
             WHERE lm.lot = li.lot AND lm.expiry IS NOT NULL
               AND (lm.uri = li.class OR (lottrace._epc_parse(lm.uri)).gtin = li.gtin
                    OR (lottrace._epc_parse(lm.uri)).item = li.item)
             LIMIT 1),
           lottrace._uri_unpart(coalesce(substring(li.e #>> '{bizTransactionList,0,bizTransaction}' FROM '^urn:lottrace:doc:(.*)$'),
                                         li.e #>> '{bizTransactionList,0,bizTransaction}')),
           (li.e ->> 'eventTime')::timestamptz
      FROM lines li
     WHERE li.qty > 0
    ON CONFLICT (event_id, epc_class) DO NOTHING
    RETURNING 1)
  SELECT count(*) INTO n FROM ins;
  RETURN n;
END
$$;
COMMENT ON FUNCTION lottrace.epcis_import(jsonb) IS
  'Takes in a supplier''s GS1 EPCIS 2.0 document: each shipping ObjectEvent becomes expected receipts (lottrace.expected_receipt) of its lots: item (by GTIN), lot, quantity (serials counted per lot), expiry (from the ilmd of the events that commissioned them), supplier (by GLN), document, time. Importing the same events again adds nothing; returns how many were added.';
REVOKE EXECUTE ON FUNCTION lottrace.epcis_import(jsonb) FROM PUBLIC;

-- What arrived against what was announced.
CREATE VIEW lottrace.receipt_mismatches AS
  WITH exp AS (
    SELECT e.supplier, e.item, e.variant, e.lot, sum(e.qty) AS expected_qty, min(e.expiry_date) AS expected_expiry,
           string_agg(DISTINCT e.doc, ', ') AS docs
      FROM lottrace.expected_receipt e
     WHERE e.item IS NOT NULL AND e.lot IS NOT NULL
     GROUP BY e.supplier, e.item, e.variant, e.lot),
  got AS (
    SELECT m.account AS supplier, m.item, m.variant, m.lot, sum(m.qty) AS received_qty
      FROM lottrace.movements m
      LEFT JOIN lottrace.reason r ON r.code = m.reason
     WHERE m.qty > 0 AND m.account IS NOT NULL AND r.production IS NULL
       AND EXISTS (SELECT FROM lottrace.expected_receipt e WHERE e.supplier = m.account AND e.item = m.item)
     GROUP BY m.account, m.item, m.variant, m.lot)
  SELECT CASE WHEN exp.lot IS NULL THEN 'unexpected lot'
              WHEN abs(got.received_qty - exp.expected_qty)
                   > exp.expected_qty * coalesce(i.receipt_tolerance_pct, 0) / 100 THEN 'quantity'
              ELSE 'expiry' END AS mismatch,
         coalesce(got.supplier, exp.supplier) AS supplier, coalesce(got.item, exp.item) AS item,
         coalesce(got.variant, exp.variant) AS variant, coalesce(got.lot, exp.lot) AS lot,
         exp.expected_qty, got.received_qty, exp.expected_expiry, l.expiry_date AS lot_expiry, exp.docs
    FROM got
    LEFT JOIN exp ON exp.supplier = got.supplier AND exp.item = got.item AND exp.lot = got.lot
     AND (exp.variant = got.variant OR (exp.variant IS NULL AND got.variant IS NULL))
    LEFT JOIN lottrace.item i ON i.item = got.item
    LEFT JOIN lottrace.lot l ON l.item = got.item AND l.code::text = got.lot
     AND (l.variant = got.variant OR (l.variant IS NULL AND got.variant IS NULL))
   WHERE exp.lot IS NULL
      OR abs(got.received_qty - exp.expected_qty) > exp.expected_qty * coalesce(i.receipt_tolerance_pct, 0) / 100
      OR (exp.expected_expiry IS NOT NULL AND l.expiry_date IS DISTINCT FROM exp.expected_expiry);
COMMENT ON VIEW lottrace.receipt_mismatches IS
  'Receipts from a supplier that announced the item by EPCIS (lottrace.expected_receipt) that do not match: a lot it did not announce, a quantity off by more than the item''s receipt_tolerance_pct, or an expiry other than announced. Lots announced and not received yet are not listed.';
COMMENT ON COLUMN lottrace.receipt_mismatches.mismatch IS 'unexpected lot, quantity, or expiry.';
COMMENT ON COLUMN lottrace.receipt_mismatches.supplier IS 'The supplier (account).';
COMMENT ON COLUMN lottrace.receipt_mismatches.item IS 'The item.';
COMMENT ON COLUMN lottrace.receipt_mismatches.variant IS 'The variant.';
COMMENT ON COLUMN lottrace.receipt_mismatches.lot IS 'The lot.';
COMMENT ON COLUMN lottrace.receipt_mismatches.expected_qty IS 'Quantity announced (NULL: the lot was not announced).';
COMMENT ON COLUMN lottrace.receipt_mismatches.received_qty IS 'Quantity received from that supplier.';
COMMENT ON COLUMN lottrace.receipt_mismatches.expected_expiry IS 'Expiry announced.';
COMMENT ON COLUMN lottrace.receipt_mismatches.lot_expiry IS 'The lot''s expiry in the register.';
COMMENT ON COLUMN lottrace.receipt_mismatches.docs IS 'The documents that announced it.';

ALTER TABLE lottrace.item ADD COLUMN refuse_receipt_mismatch boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN lottrace.item.refuse_receipt_mismatch IS
  'Receipts of the item from a supplier that announced it by EPCIS (lottrace.expected_receipt) are refused (23514, lottrace_receipt_mismatch) when they do not match: a lot not announced, more than announced beyond receipt_tolerance_pct, another expiry. A short receipt is not refused (the rest may come): lottrace.receipt_mismatches reports it.';

-- The engine's end-of-statement check of receipts of such items
-- (engine_lots.c, lte_check_receipts): the first refusal, if any.
CREATE FUNCTION lottrace._check_receipts(lot_ids bigint[], accounts text[])
RETURNS TABLE (i integer, message text, hint text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
  l lottrace.lot;
  x record;
  got numeric;
  tol numeric;
BEGIN
  FOR c IN SELECT u.k, u.lot_id, u.acct FROM unnest(lot_ids, accounts) WITH ORDINALITY AS u(lot_id, acct, k) ORDER BY u.k LOOP
    SELECT * INTO l FROM lottrace.lot y WHERE y.lot_id = c.lot_id;
    -- a supplier that sends no EPCIS data for the item is not judged
    CONTINUE WHEN NOT EXISTS (SELECT FROM lottrace.expected_receipt e WHERE e.supplier = c.acct AND e.item = l.item);
    SELECT sum(e.qty) AS qty, min(e.expiry_date) AS expiry, string_agg(DISTINCT e.doc, ', ') AS docs INTO x
      FROM lottrace.expected_receipt e
     WHERE e.supplier = c.acct AND e.item = l.item AND e.lot = l.code::text
       AND (e.variant = l.variant OR (e.variant IS NULL AND l.variant IS NULL));
    i := c.k::integer;
    IF x.qty IS NULL THEN
      message := format('lot "%s" of item "%s" from supplier "%s" was not announced: its EPCIS data announce other lots of the item',
                        l.code, l.item, c.acct);
      hint := 'See lottrace.expected_receipt; receive the lot the supplier shipped, or import its shipping events (lottrace.epcis_import).';
      RETURN NEXT;
      RETURN;
    END IF;
    SELECT coalesce(sum(m.qty), 0) INTO got FROM lottrace.movements m
      LEFT JOIN lottrace.reason r ON r.code = m.reason
     WHERE m.item = l.item AND m.lot = l.code::text
       AND (m.variant = l.variant OR (m.variant IS NULL AND l.variant IS NULL))
       AND m.account = c.acct AND m.qty > 0 AND r.production IS NULL;
    SELECT coalesce(t.receipt_tolerance_pct, 0) INTO tol FROM lottrace.item t WHERE t.item = l.item;
    IF got > x.qty * (1 + tol / 100) THEN
      message := format('lot "%s" of item "%s": %s received from supplier "%s", more than the %s announced (%s; tolerance %s%%)',
                        l.code, l.item, got, c.acct, x.qty, x.docs, tol);
      hint := 'Receive what the supplier announced, or raise lottrace.item.receipt_tolerance_pct.';
      RETURN NEXT;
      RETURN;
    END IF;
    IF x.expiry IS NOT NULL AND l.expiry_date IS DISTINCT FROM x.expiry THEN
      message := format('lot "%s" of item "%s" from supplier "%s" expires on %s, the supplier announced %s (%s)',
                        l.code, l.item, c.acct, coalesce(l.expiry_date::text, 'no date'), x.expiry, x.docs);
      hint := 'Give the receipt the expiry the supplier announced (the expiry column), or check the goods.';
      RETURN NEXT;
      RETURN;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._check_receipts(bigint[], text[]) IS
  'Internal, the engine''s end-of-statement check of receipts of items with refuse_receipt_mismatch: a lot the supplier did not announce, more than announced beyond the tolerance, another expiry; the first refusal (index, message, hint).';
REVOKE EXECUTE ON FUNCTION lottrace._check_receipts(bigint[], text[]) FROM PUBLIC;

-- (end of expected receipts)
--
--
--

-- =====================================================================
-- Views (lot_register, lot_stock and the new ones)
-- =====================================================================

-- Committed and held stock per lot and warehouse, for the views: the
-- reservation and hold tables are read only for lots with claims.
CREATE FUNCTION lottrace._lot_claims(l lottrace.lot, p_wh text, on_hand numeric,
                                     OUT committed_qty numeric, OUT held_qty numeric, OUT stopped boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(c.committed, 0),
         CASE WHEN c.stop_hold IS NOT NULL THEN greatest(on_hand, 0) ELSE coalesce(c.held, 0) END,
         coalesce(c.stop_hold IS NOT NULL, false)
    FROM (SELECT NULL) d
    LEFT JOIN LATERAL (SELECT * FROM lottrace._claimed(l.lot_id, p_wh) WHERE l.claims > 0) c ON true
$$;
COMMENT ON FUNCTION lottrace._lot_claims(lottrace.lot, text, numeric) IS
  'Internal: committed and held quantity of a lot in a warehouse as the views show them (a hold on the lot or the warehouse holds all its stock there), and whether such a hold stops it.';

CREATE OR REPLACE VIEW lottrace.lot_register AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.code_type, l.lot_type,
         l.supplier, l.supplier_lot, l.manufacturer, l.start_date, l.expiry_date,
         l.initial_qty, l.packages, l.notes, l.status, l.evaluation, l.saleable,
         l.force_closed,
         coalesce(b.loaded_qty, 0) AS loaded_qty,
         coalesce(b.on_hand, 0) AS on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, coalesce(i.block_days, 0)))
              THEN greatest(coalesce(b.free_qty, 0), 0) ELSE 0 END AS available_qty,
         (coalesce(b.on_hand, 0) > 0 AND NOT l.force_closed) AS is_open,
         CASE WHEN isfinite(l.expiry_date) THEN l.expiry_date - CURRENT_DATE END AS days_to_expiry,
         coalesce(b.committed_qty, 0) AS committed_qty,
         coalesce(b.held_qty, 0) AS held_qty,
         l.production_date, l.best_before, l.attributes, i.uom
    FROM lottrace.lot l
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item
    LEFT JOIN LATERAL (SELECT sum((w.value ->> 0)::numeric) AS loaded_qty,
                              sum((w.value ->> 1)::numeric) AS on_hand,
                              sum(c.committed_qty) AS committed_qty,
                              sum(c.held_qty) AS held_qty,
                              sum((w.value ->> 1)::numeric - c.committed_qty - c.held_qty) AS free_qty
                         FROM jsonb_each(l.stock) AS w
                        CROSS JOIN LATERAL lottrace._lot_claims(l, w.key, (w.value ->> 1)::numeric) c) b ON true;
COMMENT ON VIEW lottrace.lot_register IS
  'Lots with their stock summed over warehouses. available_qty: on hand - committed - held, summed over warehouses, not below 0; 0 when the status is unavailable, the lot not saleable, force closed or blocked by expiry. committed_qty: open reservations; held_qty: quantity holds, held serials and all stock under a hold on the lot or the warehouse.';
COMMENT ON COLUMN lottrace.lot_register.committed_qty IS 'Quantity reserved by open reservations (lottrace.reservations), all warehouses.';
COMMENT ON COLUMN lottrace.lot_register.held_qty IS 'Quantity under holds in force (lottrace.holds): quantity holds, held serials in stock, all stock of a held lot or warehouse.';
COMMENT ON COLUMN lottrace.lot_register.production_date IS 'Production (manufacturing) date of the lot (NULL: not known).';
COMMENT ON COLUMN lottrace.lot_register.best_before IS 'Best-before date (NULL: none; infinity: never).';
COMMENT ON COLUMN lottrace.lot_register.attributes IS 'User-defined lot properties, a JSON object (lottrace.lot.attributes).';
COMMENT ON COLUMN lottrace.lot_register.uom IS 'Unit of measure of the item''s quantities (lottrace.item.uom; NULL: not specified).';
COMMENT ON COLUMN lottrace.lot_register.available_qty IS 'What may still be reserved or unloaded by anyone: on hand - committed - held summed over warehouses, not below 0; 0 when the lot is unavailable, not saleable, force closed or blocked by expiry.';

CREATE OR REPLACE VIEW lottrace.lot_stock AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, b.warehouse, b.loaded_qty, b.on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, coalesce(i.block_days, 0)))
                   AND NOT c.stopped
              THEN greatest(b.on_hand - c.committed_qty - c.held_qty, 0) ELSE 0 END AS available_qty,
         c.committed_qty,
         c.held_qty,
         i.uom
    FROM lottrace.lot l
   CROSS JOIN LATERAL (SELECT w.key AS warehouse,
                              (w.value ->> 0)::numeric AS loaded_qty,
                              (w.value ->> 1)::numeric AS on_hand
                         FROM jsonb_each(l.stock) AS w) b
   CROSS JOIN LATERAL lottrace._lot_claims(l, b.warehouse, b.on_hand) c
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item;
COMMENT ON VIEW lottrace.lot_stock IS
  'Stock of each lot per warehouse: on hand, committed (open reservations), held, and available = on hand - committed - held (not below 0; 0 when the lot may not be unloaded).';
COMMENT ON COLUMN lottrace.lot_stock.committed_qty IS 'Quantity reserved in this warehouse by open reservations.';
COMMENT ON COLUMN lottrace.lot_stock.held_qty IS 'Quantity held in this warehouse (quantity holds, held serials, or all of it under a hold on the lot or the warehouse).';
COMMENT ON COLUMN lottrace.lot_stock.uom IS 'Unit of measure of the item''s quantities (lottrace.item.uom; NULL: not specified).';
COMMENT ON COLUMN lottrace.lot_stock.available_qty IS 'on hand - committed - held, not below 0; 0 when the lot is unavailable, not saleable, force closed, blocked by expiry or held here.';

CREATE VIEW lottrace.reservations AS
  SELECT r.reservation_id, l.item, l.variant, l.code AS lot, r.warehouse, s.code AS serial,
         r.doc, r.qty, r.consumed_qty,
         CASE WHEN lottrace._reservation_open(r) THEN r.qty - r.consumed_qty ELSE 0 END AS open_qty,
         CASE WHEN r.released_at IS NOT NULL THEN 'released'
              WHEN r.consumed_qty >= r.qty THEN 'consumed'
              WHEN r.until IS NOT NULL AND r.until <= now() THEN 'lapsed'
              ELSE 'open' END AS state,
         r.note, r.reserved_at, r.reserved_by, r.until, r.released_at, r.released_by, r.lot_id
    FROM lottrace.reservation r
    JOIN lottrace.lot l ON l.lot_id = r.lot_id
    LEFT JOIN lottrace.serial s ON s.serial_id = r.serial_id;
COMMENT ON VIEW lottrace.reservations IS
  'Every reservation with its lot, serial, document and state (open, consumed, released, lapsed); open_qty is what it still commits.';
COMMENT ON COLUMN lottrace.reservations.open_qty IS 'What the reservation still commits (0 unless open).';
COMMENT ON COLUMN lottrace.reservations.reservation_id IS 'The reservation (lottrace.reservation).';
COMMENT ON COLUMN lottrace.reservations.item IS 'Item of the lot.';
COMMENT ON COLUMN lottrace.reservations.variant IS 'Variant of the lot.';
COMMENT ON COLUMN lottrace.reservations.lot IS 'The lot reserved.';
COMMENT ON COLUMN lottrace.reservations.warehouse IS 'Warehouse the stock is reserved in.';
COMMENT ON COLUMN lottrace.reservations.serial IS 'The serial reserved (NULL: a quantity of the lot).';
COMMENT ON COLUMN lottrace.reservations.doc IS 'Document the stock is reserved for.';
COMMENT ON COLUMN lottrace.reservations.qty IS 'Quantity reserved.';
COMMENT ON COLUMN lottrace.reservations.consumed_qty IS 'Quantity unloaded since by rows with the reservation''s document.';
COMMENT ON COLUMN lottrace.reservations.note IS 'Free text (and how it was released).';
COMMENT ON COLUMN lottrace.reservations.reserved_at IS 'When it was reserved.';
COMMENT ON COLUMN lottrace.reservations.reserved_by IS 'Role that reserved.';
COMMENT ON COLUMN lottrace.reservations.until IS 'End of the reservation (NULL: until released or consumed).';
COMMENT ON COLUMN lottrace.reservations.released_at IS 'When it was released (NULL: not released).';
COMMENT ON COLUMN lottrace.reservations.released_by IS 'Role that released it.';
COMMENT ON COLUMN lottrace.reservations.lot_id IS 'The lot''s lot_id.';
COMMENT ON COLUMN lottrace.reservations.state IS 'open, consumed (unloaded by its document), released, or lapsed (past until).';

CREATE VIEW lottrace.holds AS
  SELECT h.hold_id, l.item, l.variant, l.code AS lot, h.warehouse, s.code AS serial, h.qty,
         CASE WHEN h.serial_id IS NOT NULL THEN 'serial'
              WHEN h.qty IS NOT NULL THEN 'quantity'
              WHEN h.warehouse IS NOT NULL THEN 'warehouse'
              ELSE 'lot' END AS scope,
         h.reason, h.recall_id, lottrace._hold_active(h) AS active,
         h.placed_at, h.placed_by, h.until, h.released_at, h.released_by, h.release_note, h.lot_id
    FROM lottrace.hold h
    JOIN lottrace.lot l ON l.lot_id = h.lot_id
    LEFT JOIN lottrace.serial s ON s.serial_id = h.serial_id;
COMMENT ON VIEW lottrace.holds IS
  'Every hold with its lot, scope (lot, warehouse, quantity, serial), reason, recall and whether it is in force; the history is in lottrace.hold_log.';
COMMENT ON COLUMN lottrace.holds.scope IS 'lot (every warehouse), warehouse, quantity (qty in one warehouse) or serial.';
COMMENT ON COLUMN lottrace.holds.hold_id IS 'The hold (lottrace.hold).';
COMMENT ON COLUMN lottrace.holds.item IS 'Item of the lot.';
COMMENT ON COLUMN lottrace.holds.variant IS 'Variant of the lot.';
COMMENT ON COLUMN lottrace.holds.lot IS 'The lot held.';
COMMENT ON COLUMN lottrace.holds.warehouse IS 'Warehouse held (NULL: every warehouse).';
COMMENT ON COLUMN lottrace.holds.serial IS 'Serial held (NULL: stock of the lot).';
COMMENT ON COLUMN lottrace.holds.qty IS 'Quantity held (NULL: all of it).';
COMMENT ON COLUMN lottrace.holds.reason IS 'Why.';
COMMENT ON COLUMN lottrace.holds.recall_id IS 'The recall_hold that placed it (NULL: by hand).';
COMMENT ON COLUMN lottrace.holds.placed_at IS 'When it was placed.';
COMMENT ON COLUMN lottrace.holds.placed_by IS 'Role that placed it.';
COMMENT ON COLUMN lottrace.holds.until IS 'End of the hold (NULL: until released).';
COMMENT ON COLUMN lottrace.holds.released_at IS 'When it was released (NULL: in force).';
COMMENT ON COLUMN lottrace.holds.released_by IS 'Role that released it.';
COMMENT ON COLUMN lottrace.holds.release_note IS 'Why it was released.';
COMMENT ON COLUMN lottrace.holds.lot_id IS 'The lot''s lot_id.';
COMMENT ON COLUMN lottrace.holds.active IS 'In force now: not released, not past until.';

-- suggest_pick: what is still free (on hand - committed - held), so that it
-- no longer hands the same stock to two pickers who reserve what it says
CREATE OR REPLACE FUNCTION lottrace.suggest_pick(item text, warehouse text, qty numeric, variant text DEFAULT NULL)
RETURNS TABLE (lot lottrace.lotcode, lot_id bigint, take_qty numeric, expiry_date date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH i AS (SELECT * FROM lottrace.item WHERE item = suggest_pick.item),
  usable AS (
    SELECT l.lot_id, l.code, l.start_date, l.expiry_date,
           CASE WHEN l.claims > 0 THEN lottrace._free_qty(l, suggest_pick.warehouse)
                ELSE ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric END AS on_hand
      FROM lottrace.lot l
      JOIN lottrace.lot_status s ON s.code = l.status AND s.available
      CROSS JOIN i
     WHERE l.item = suggest_pick.item
       -- variant '' is no variant, as in the engine
       AND (l.variant = suggest_pick.variant
            OR (l.variant IS NULL AND nullif(suggest_pick.variant, '') IS NULL))
       AND l.saleable AND NOT l.force_closed
       AND (l.expiry_date IS NULL OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, i.block_days))
       AND ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric > 0),
  ordered AS (
    SELECT u.*, sum(u.on_hand) OVER w AS upto
      FROM usable u, i
     WHERE u.on_hand > 0
    WINDOW w AS (ORDER BY CASE WHEN i.pick_policy = 'fefo' THEN u.expiry_date END NULLS LAST,
                          u.start_date, u.expiry_date NULLS LAST, u.code, u.lot_id
                 ROWS UNBOUNDED PRECEDING))
  SELECT o.code, o.lot_id, least(o.on_hand, suggest_pick.qty - (o.upto - o.on_hand)), o.expiry_date
    FROM ordered o
   WHERE o.upto - o.on_hand < suggest_pick.qty
   ORDER BY o.upto
$$;
COMMENT ON FUNCTION lottrace.suggest_pick(text, text, numeric, text) IS
  'Which lots to unload, by the item''s policy (fifo: oldest start date first; fefo: earliest expiry first; manual: as fifo; ties by start date, expiry, code), among lots usable today in that warehouse (available status, saleable, not force closed, not blocked by expiry), counting only stock still free there (on hand - committed - held), split until qty is covered or stock runs out. It reserves nothing: reserve_pick does.';

-- (end of views)


-- =====================================================================
-- Recall drills (issue 16)
-- =====================================================================
-- A mock recall run as evidence for audits (BRCGS, SQF, FSMA 204):
-- lottrace.mock_recall(item, lot, variant, note) runs trace_forward,
-- recall and mass_balance for the lot and every lot made from it, and
-- stores one row in lottrace.recall_drill: when, who, how long, the lots
-- and customers found, how much of the quantity is accounted for.
-- lottrace.recall_drills lists them for the auditor, newest first.
-- docs/RECALL_DRILLS.md explains the figures.
--
-- The table is user data (pg_dump keeps it) and has no foreign keys (a
-- drill is a record of what was found then: its lot may change or go, and
-- pg_restore -j loads configuration tables in no order).  Nobody but the
-- owner writes it: drills are written by mock_recall (SECURITY DEFINER), so
-- a role granted EXECUTE can record drills but not make one up.

CREATE TABLE lottrace.recall_drill (
    drill_id        bigserial PRIMARY KEY,
    item            text NOT NULL,
    variant         text,
    lot             lottrace.lotcode NOT NULL,
    lot_id          bigint NOT NULL,
    note            text,
    ran_at          timestamptz NOT NULL,
    ran_by          text NOT NULL,
    login_role      text NOT NULL,
    elapsed         interval NOT NULL CHECK (elapsed >= interval '0'),
    lot_count       integer NOT NULL CHECK (lot_count >= 1),
    lots            jsonb NOT NULL CHECK (jsonb_typeof(lots) = 'array'),
    customer_count  integer NOT NULL CHECK (customer_count >= 0),
    customers       jsonb NOT NULL CHECK (jsonb_typeof(customers) = 'array'),
    loaded_qty      numeric NOT NULL,
    shipped_qty     numeric NOT NULL,
    on_hand_qty     numeric NOT NULL,
    unaccounted_qty numeric NOT NULL CHECK (unaccounted_qty >= 0),
    accounted_pct   numeric CHECK (accounted_pct BETWEEN 0 AND 100)
);
CREATE INDEX recall_drill_ran_at_idx ON lottrace.recall_drill (ran_at);
CREATE INDEX recall_drill_lot_idx ON lottrace.recall_drill (item, lot);
REVOKE ALL ON lottrace.recall_drill FROM PUBLIC;
REVOKE ALL ON SEQUENCE lottrace.recall_drill_drill_id_seq FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('lottrace.recall_drill', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.recall_drill_drill_id_seq', '');
COMMENT ON TABLE lottrace.recall_drill IS
  'Recall drills (mock recalls) run by lottrace.mock_recall, one row each: when, who, how long, the lots and customers found, the quantity accounted for. Written only by mock_recall; kept by pg_dump; no foreign keys (a record of what was found then).';
COMMENT ON COLUMN lottrace.recall_drill.drill_id IS 'Surrogate key, in the order the drills were stored.';
COMMENT ON COLUMN lottrace.recall_drill.item IS 'Item of the lot the drill started from.';
COMMENT ON COLUMN lottrace.recall_drill.variant IS 'Variant of that lot (NULL: none).';
COMMENT ON COLUMN lottrace.recall_drill.lot IS 'The lot the drill started from.';
COMMENT ON COLUMN lottrace.recall_drill.lot_id IS 'Its lot_id then (no foreign key: the lot may be deleted later, the drill stays).';
COMMENT ON COLUMN lottrace.recall_drill.note IS 'Free text given to mock_recall (scenario, auditor, reference).';
COMMENT ON COLUMN lottrace.recall_drill.ran_at IS 'When the drill started (clock_timestamp(), not the transaction start).';
COMMENT ON COLUMN lottrace.recall_drill.ran_by IS 'Role that ran it: current_user of the caller (the role set by SET ROLE, or the session user), not the extension owner mock_recall runs as.';
COMMENT ON COLUMN lottrace.recall_drill.login_role IS 'session_user: the login role of the session that ran it.';
COMMENT ON COLUMN lottrace.recall_drill.elapsed IS 'Time the drill took: clock_timestamp() after the trace, recall and mass balances minus ran_at.';
COMMENT ON COLUMN lottrace.recall_drill.lot_count IS 'Lots found: the lot itself and every lot made from it (trace_forward), the number of elements of lots.';
COMMENT ON COLUMN lottrace.recall_drill.lots IS 'The lots found, a jsonb array of {item, variant, lot, depth, loaded, shipped, consumed, other_out, on_hand, unaccounted}: depth 0 is the lot itself, depth n as trace_forward gives it; the quantities are the lot''s mass_balance. Ordered by depth, item, lot.';
COMMENT ON COLUMN lottrace.recall_drill.customer_count IS 'Customers found: distinct accounts in customers.';
COMMENT ON COLUMN lottrace.recall_drill.customers IS 'What recall() found, a jsonb array of {account, item, lot, qty, doc, moved_on}: every unload with an account (not a production input) of the lots found, in recall()''s order (account, moved_on, item, lot, doc).';
COMMENT ON COLUMN lottrace.recall_drill.loaded_qty IS 'Sum of loaded over the lots found (each in its item''s unit; per lot in lots).';
COMMENT ON COLUMN lottrace.recall_drill.shipped_qty IS 'Sum of shipped over the lots found: what reached customers (the sum of customers.qty).';
COMMENT ON COLUMN lottrace.recall_drill.on_hand_qty IS 'Sum of on_hand over the lots found: what is still in stock.';
COMMENT ON COLUMN lottrace.recall_drill.unaccounted_qty IS 'Sum over the lots found of abs(unaccounted) of their mass_balance (a surplus in one lot does not hide a shortfall in another); 0 when everything is accounted for.';
COMMENT ON COLUMN lottrace.recall_drill.accounted_pct IS 'Percentage of the quantity accounted for: 100 * (loaded_qty - unaccounted_qty) / loaded_qty, not below 0, truncated (not rounded) to 2 decimals, so 100.00 means unaccounted_qty = 0; NULL when loaded_qty is 0.';

CREATE FUNCTION lottrace.mock_recall(item text, lot text, variant text DEFAULT NULL, note text DEFAULT NULL)
RETURNS lottrace.recall_drill
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  start_id bigint;
  d lottrace.recall_drill;
BEGIN
  -- the lot as recall() and mass_balance() find it: 23503 when unknown,
  -- 21000 when the code exists in several variants and none is named
  start_id := lottrace._find_lot(mock_recall.item, mock_recall.lot, mock_recall.variant);
  -- one statement: trace, recall and mass balances read one snapshot.
  -- Each lot is named with its own variant ('' for none), so that a code
  -- that exists in other variants too is no ambiguity.
  WITH s AS (
    SELECT x.lot_id, x.item, x.variant, x.code FROM lottrace.lot x WHERE x.lot_id = start_id),
  lots AS MATERIALIZED (
    SELECT 0 AS depth, s.lot_id, s.item, s.variant, s.code FROM s
    UNION ALL
    SELECT f.depth, f.lot_id, x.item, x.variant, x.code
      FROM s
     CROSS JOIN LATERAL lottrace.trace_forward(s.item, s.code::text, 2147483647,
                                                coalesce(s.variant, '')) f
      JOIN lottrace.lot x ON x.lot_id = f.lot_id),
  bal AS MATERIALIZED (
    SELECT l.depth, l.lot_id, l.item, l.variant, l.code,
           b.loaded, b.shipped, b.consumed, b.other_out, b.on_hand, b.unaccounted
      FROM lots l
     CROSS JOIN LATERAL lottrace.mass_balance(l.item, l.code::text, coalesce(l.variant, '')) b),
  cust AS MATERIALIZED (
    SELECT c.account, c.item, c.lot, c.qty, c.doc, c.moved_on
      FROM s
     CROSS JOIN LATERAL lottrace.recall(s.item, s.code::text, coalesce(s.variant, '')) c),
  lot_sum AS (
    SELECT count(*)::integer AS n,
           jsonb_agg(jsonb_build_object(
             'item', b.item, 'variant', b.variant, 'lot', b.code::text, 'depth', b.depth,
             'loaded', b.loaded, 'shipped', b.shipped, 'consumed', b.consumed,
             'other_out', b.other_out, 'on_hand', b.on_hand, 'unaccounted', b.unaccounted)
             ORDER BY b.depth, b.item COLLATE "C", b.code, b.variant COLLATE "C" NULLS FIRST) AS js,
           sum(b.loaded) AS loaded,
           sum(b.shipped) AS shipped,
           sum(b.on_hand) AS on_hand,
           sum(abs(b.unaccounted)) AS unaccounted
      FROM bal b),
  cust_sum AS (
    SELECT count(DISTINCT c.account)::integer AS n,
           coalesce(jsonb_agg(jsonb_build_object(
             'account', c.account, 'item', c.item, 'lot', c.lot::text, 'qty', c.qty,
             'doc', c.doc, 'moved_on', c.moved_on)
             ORDER BY c.account COLLATE "C", c.moved_on, c.item COLLATE "C", c.lot, c.doc COLLATE "C"),
             '[]'::jsonb) AS js
      FROM cust c)
  SELECT s.item, s.variant, s.code, s.lot_id,
         ls.n, ls.js, cs.n, cs.js, ls.loaded, ls.shipped, ls.on_hand, ls.unaccounted
    INTO d.item, d.variant, d.lot, d.lot_id,
         d.lot_count, d.lots, d.customer_count, d.customers,
         d.loaded_qty, d.shipped_qty, d.on_hand_qty, d.unaccounted_qty
    FROM s, lot_sum ls, cust_sum cs;
  d.elapsed := clock_timestamp() - t0;
  -- 100 * (loaded - unaccounted) / loaded, not below 0, truncated so that
  -- 100.00 is shown only when nothing is unaccounted
  d.accounted_pct := CASE WHEN d.loaded_qty = 0 THEN NULL
                          ELSE trunc(100 * greatest(d.loaded_qty - d.unaccounted_qty, 0) / d.loaded_qty, 2) END;
  INSERT INTO lottrace.recall_drill
         (item, variant, lot, lot_id, note, ran_at, ran_by, login_role, elapsed,
          lot_count, lots, customer_count, customers,
          loaded_qty, shipped_qty, on_hand_qty, unaccounted_qty, accounted_pct)
  VALUES (d.item, d.variant, d.lot, d.lot_id, mock_recall.note, t0,
          -- the caller, not the owner this function runs as: the role SET
          -- ROLE chose, or else the session's
          lottrace._actor(),
          session_user, d.elapsed,
          d.lot_count, d.lots, d.customer_count, d.customers,
          d.loaded_qty, d.shipped_qty, d.on_hand_qty, d.unaccounted_qty, d.accounted_pct)
  RETURNING * INTO d;
  RETURN d;
END
$$;
COMMENT ON FUNCTION lottrace.mock_recall(text, text, text, text) IS
  'Recall drill: runs trace_forward, recall and mass_balance for the lot and every lot made from it (in one snapshot, timed with clock_timestamp), stores the result in lottrace.recall_drill and returns the stored row. note: free text kept with the drill. Runs as the extension owner (the drill table is written by nobody else); EXECUTE is granted by the DBA (docs/lottrace-roles.sql: lottrace_quality). Unknown lot: 23503 lottrace_lot_unknown. docs/RECALL_DRILLS.md.';
REVOKE EXECUTE ON FUNCTION lottrace.mock_recall(text, text, text, text) FROM PUBLIC;

CREATE VIEW lottrace.recall_drills AS
  SELECT row_number() OVER (ORDER BY d.ran_at DESC, d.drill_id DESC) AS newest,
         d.drill_id, d.ran_at, d.ran_by, d.item, d.variant, d.lot, d.elapsed,
         d.lot_count, d.customer_count, d.accounted_pct, d.unaccounted_qty,
         d.loaded_qty, d.shipped_qty, d.on_hand_qty, d.note
    FROM lottrace.recall_drill d
   ORDER BY d.ran_at DESC, d.drill_id DESC;
COMMENT ON VIEW lottrace.recall_drills IS
  'Past recall drills for the auditor, newest first (newest = 1 is the latest): when, who, which lot, how long, how many lots and customers were found, how much was accounted for. The lists of lots and customers are in lottrace.recall_drill.';
COMMENT ON COLUMN lottrace.recall_drills.newest IS 'Rank, 1 = the latest drill (by ran_at, then drill_id).';
COMMENT ON COLUMN lottrace.recall_drills.drill_id IS 'The drill (lottrace.recall_drill).';
COMMENT ON COLUMN lottrace.recall_drills.ran_at IS 'When it started.';
COMMENT ON COLUMN lottrace.recall_drills.ran_by IS 'Role that ran it.';
COMMENT ON COLUMN lottrace.recall_drills.item IS 'Item of the lot drilled.';
COMMENT ON COLUMN lottrace.recall_drills.variant IS 'Variant of the lot drilled.';
COMMENT ON COLUMN lottrace.recall_drills.lot IS 'The lot drilled.';
COMMENT ON COLUMN lottrace.recall_drills.elapsed IS 'How long the trace, recall and mass balances took.';
COMMENT ON COLUMN lottrace.recall_drills.lot_count IS 'Lots found (the lot and every lot made from it).';
COMMENT ON COLUMN lottrace.recall_drills.customer_count IS 'Distinct customers (accounts) reached.';
COMMENT ON COLUMN lottrace.recall_drills.accounted_pct IS 'Percentage of the quantity accounted for (NULL: nothing loaded).';
COMMENT ON COLUMN lottrace.recall_drills.unaccounted_qty IS 'Quantity not accounted for (sum of abs(unaccounted) over the lots).';
COMMENT ON COLUMN lottrace.recall_drills.loaded_qty IS 'Quantity loaded into the lots found.';
COMMENT ON COLUMN lottrace.recall_drills.shipped_qty IS 'Quantity that reached customers.';
COMMENT ON COLUMN lottrace.recall_drills.on_hand_qty IS 'Quantity still in stock.';
COMMENT ON COLUMN lottrace.recall_drills.note IS 'The drill''s note.';

-- (end of recall drills)

-- =====================================================================
-- attach(generate => false) and new partitions
-- =====================================================================

-- Whether lottrace generates the codes of an attached table's rows:
-- attach(generate => false) makes no BEFORE ROW trigger, and the engine's
-- hint for a row without its code says so.
ALTER TABLE lottrace.attachment
  ADD COLUMN generates boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN lottrace.attachment.generates IS
  'False when attached with generate => false: lottrace generates no lot or serial codes into the table''s rows (it has no lottrace_generate trigger, so COPY into it keeps its multi-insert) and a row without its code is refused.';

-- New partitions get the statement triggers only.  lottrace_generate is a
-- row trigger of the attached table, which PostgreSQL clones onto every
-- partition created or attached below it; it is never made here, so a
-- table attached with generate => false (or whose codes come through a
-- lookup) stays without one.
CREATE OR REPLACE FUNCTION lottrace._govern_new_partitions()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  root record;
  part regclass;
  with_rows text[];
BEGIN
  FOR root IN
    SELECT DISTINCT a.relid, a.item_col
      FROM pg_event_trigger_ddl_commands() c
      JOIN lottrace.attachment a
        ON a.relid IN (SELECT relid FROM pg_partition_ancestors(c.objid))
        OR c.objid IN (SELECT relid FROM pg_partition_tree(a.relid))
     WHERE c.classid = 'pg_class'::regclass
  LOOP
    -- an attached table always has its own triggers, except while pg_restore
    -- re-creates it: then the dump re-creates every trigger itself (after the
    -- ALTER TABLEs of its post-data section), and triggers made here would
    -- make the dump's CREATE TRIGGER fail
    CONTINUE WHEN NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = root.relid AND tgname = 'lottrace_insert');
    with_rows := '{}';
    FOR part IN
      SELECT p.relid FROM pg_partition_tree(root.relid) p
       WHERE p.isleaf
         AND NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')
    LOOP
      IF lottrace._has_rows(part) THEN
        with_rows := with_rows || part::text;
      END IF;
    END LOOP;
    IF EXISTS (SELECT FROM pg_partition_tree(root.relid) p
                WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')) THEN
      PERFORM lottrace._govern(root.relid, ARRAY[root.item_col, NULL, NULL]);
      IF cardinality(with_rows) > 0 THEN
        RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid
          USING DETAIL = format('Rows that were already in %s are not in the registers.',
                                array_to_string(with_rows, ', ')),
                HINT = 'Run SELECT lottrace.rebuild().';
      ELSE
        RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid;
      END IF;
    END IF;
  END LOOP;
END
$$;

-- (end of attach(generate => false))
