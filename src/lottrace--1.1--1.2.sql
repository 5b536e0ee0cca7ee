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

-- (end of reservations and holds)
--
--
--

-- =====================================================================
-- Shelf life
-- =====================================================================

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

-- attach() with the master-data arguments (after unload_when, so calls by
-- position keep their meaning)
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
                                attributes text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_attach'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text, text, text, text) IS
  'Governs an ERP stock-movement table: the text arguments name its columns (or, as ''col -> table.column'', a value read through a foreign key). to_warehouse: a destination column (warehouse is then the source); counts_when: only rows for which it holds are movements; signed_qty: with a reason, the sign gives the direction; serial_separator: several serials in one column; judge: ''statement'' or ''commit''; unload_when: rows that stop counting into it leave as unloads; production_date, best_before, attributes: the master data of the lots loads create. Creates the triggers and (backfill) takes existing rows into the registers. Only the table''s owner may attach it.';
REVOKE EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text, text, text, text) FROM PUBLIC;

-- (end of lot master data)
--
--
--

-- =====================================================================
-- Views (lot_register, lot_stock and the new ones)
-- =====================================================================

-- (end of views)
