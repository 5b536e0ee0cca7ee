-- The tracking engine (API.md §3-§5): code generation, attach/detach, the
-- trigger functions, the views over the registers, and the maintenance
-- functions.

------------------------------------------------------------------------------
-- Code generation
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.next_code(code_type text, ctx jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'lt_next_code_sql'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.next_code(text, jsonb) IS
  'Next code of a code type for the context (item, variant, class, category, item_type, lot_type, supplier, supplier_lot, doc, start_date, expiry_date); advances the counter of its root, gapless in commit order, skipping codes the item already uses.';
REVOKE EXECUTE ON FUNCTION lottrace.next_code(text, jsonb) FROM PUBLIC;

------------------------------------------------------------------------------
-- Trigger functions
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._trg_rows()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_rows'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_rows() IS
  'Trigger on attached tables (AFTER INSERT/UPDATE/DELETE FOR EACH STATEMENT, transition tables): enforces the rules and maintains the registers.';

CREATE FUNCTION lottrace._trg_generate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_generate'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_generate() IS
  'Trigger on attached tables (BEFORE INSERT FOR EACH ROW, only rows without a lot or serial): writes a generated code into loads that need one.';

CREATE FUNCTION lottrace._wants_code(item text, lot text, serial text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lt_wants_code'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._wants_code(text, text, text) IS
  'Internal: the WHEN clause of lottrace_generate. False when a row cannot need a generated code (lot and serial given, or its item tracks neither missing code); NULL or '''' is a missing code.';

CREATE FUNCTION lottrace._trg_truncate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_truncate'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_truncate() IS
  'Trigger on attached tables (BEFORE TRUNCATE): refuses TRUNCATE, which would bypass the registers.';

CREATE FUNCTION lottrace._config_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_config_changed'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._config_changed() IS
  'Internal trigger: a configuration table changed, so every backend drops its cached configuration.';

CREATE FUNCTION lottrace._lot_guard()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_lot_guard'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._lot_guard() IS
  'Internal trigger on lottrace.lot: which columns users may edit, valid statuses, no deleting lots in use.';

CREATE FUNCTION lottrace._serial_guard()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_serial_guard'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._serial_guard() IS
  'Internal trigger on lottrace.serial: users may edit customer/supplier codes, supplier, expiry and flags; the rest is maintained.';

CREATE FUNCTION lottrace._lot_status_log()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_lot_status_log'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._lot_status_log() IS
  'Internal trigger on lottrace.lot: logs every status change in lottrace.lot_status_log.';

CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.item
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.reason
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.code_type
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.warehouse
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.lot_status
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.attachment
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();

CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON lottrace.lot
  FOR EACH ROW EXECUTE FUNCTION lottrace._lot_guard();
CREATE TRIGGER status_log AFTER UPDATE OF status ON lottrace.lot
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION lottrace._lot_status_log();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON lottrace.serial
  FOR EACH ROW EXECUTE FUNCTION lottrace._serial_guard();

------------------------------------------------------------------------------
-- All attached tables in one shape
--
-- lottrace.movements reads lottrace._movements(), an SQL function whose body
-- is re-written whenever lottrace.attachment changes (attach, detach, and
-- pg_restore loading the table) as a UNION ALL over the attached tables.
-- The body names each table as text, so it is also re-written when an
-- attached table or its schema is renamed or moved (event trigger
-- lottrace_follow_renames), and verify() and rebuild() re-write it, if it
-- is out of date, before they read it.
-- The planner inlines it, so filters reach each table's own indexes.  A
-- function body records no dependency on the ERP tables: dropping one never
-- cascades to the extension (a view over them would).  Inlined, the body is
-- parsed with the caller's search_path, so every name and operator in it is
-- schema-qualified, and it reads the ERP tables with the caller's rights.
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._movements()
RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text, lot text,
               serial text, warehouse text, location text, qty numeric, reason text, doc text,
               account text, batch_key text, moved_on date, expiry date, supplier_lot text)
LANGUAGE sql STABLE
-- (exactly the body lottrace._refresh_movements() writes for no attached
-- table, so that it finds nothing to re-write)
AS 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date, NULL::pg_catalog.text WHERE false';
COMMENT ON FUNCTION lottrace._movements() IS
  'Internal: the rows of every attached table (its body is re-written by attach and detach); read it through lottrace.movements.';

CREATE VIEW lottrace.movements AS
  SELECT source, source_key, item, variant, lot, serial, warehouse, location, qty, reason,
         doc, account, batch_key, moved_on
    FROM lottrace._movements();
COMMENT ON VIEW lottrace.movements IS
  'Every row of every attached ERP table in one shape (qty signed: + load, - unload). Reads the tables with the caller''s privileges.';
COMMENT ON COLUMN lottrace.movements.source IS 'The attached table.';
COMMENT ON COLUMN lottrace.movements.source_key IS 'The row''s primary key as text.';
COMMENT ON COLUMN lottrace.movements.item IS 'Item code.';
COMMENT ON COLUMN lottrace.movements.variant IS 'Item variant (empty strings read as NULL).';
COMMENT ON COLUMN lottrace.movements.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.movements.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.movements.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.movements.location IS 'Location inside the warehouse.';
COMMENT ON COLUMN lottrace.movements.qty IS 'Quantity, signed: positive loads, negative unloads.';
COMMENT ON COLUMN lottrace.movements.reason IS 'Movement reason.';
COMMENT ON COLUMN lottrace.movements.doc IS 'Document reference.';
COMMENT ON COLUMN lottrace.movements.account IS 'Customer/supplier account.';
COMMENT ON COLUMN lottrace.movements.batch_key IS 'Production batch key.';
COMMENT ON COLUMN lottrace.movements.moved_on IS 'Movement date (NULL when the table maps none).';

CREATE FUNCTION lottrace._refresh_movements()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  a     record;
  parts text[] := '{}';
  pk    text;
  cols  text[];
  q     text;
BEGIN
  FOR a IN SELECT * FROM lottrace.attachment ORDER BY relid::oid LOOP
    -- the primary key as recorded in the mapping (pg_restore may load the
    -- mapping before it re-creates the key), written by its type's output
    -- function as the C engine does: a key of any type, never a cast, which
    -- the table's owner could define for its own type and which verify()
    -- and rebuild() would run as the extension owner.  (The mapped columns
    -- are cast: attach() and lottrace._follow_columns() hold them to
    -- built-in types, domains over them, and lottrace's code types, whose
    -- casts nobody else can define.)
    SELECT CASE WHEN count(*) = 0 THEN NULL
                WHEN count(*) = 1 THEN format('pg_catalog.format(%L, t.%I)', '%s', min(k.col))
                ELSE format('pg_catalog.format(%L, ROW(%s))', '%s',
                            string_agg(format('t.%I', k.col), ', ' ORDER BY k.ord)) END
      INTO pk
      FROM unnest(a.pk_cols) WITH ORDINALITY AS k(col, ord);

    cols := ARRAY[
      format('%s::pg_catalog.regclass', a.relid::oid),
      coalesce(pk, 'NULL::pg_catalog.text'),
      format('(t.%I)::pg_catalog.text', a.item_col),
      CASE WHEN a.variant_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('CASE WHEN (t.%1$I)::pg_catalog.text OPERATOR(pg_catalog.=) %2$L THEN NULL'
                       ' ELSE (t.%1$I)::pg_catalog.text END', a.variant_col, '') END,
      CASE WHEN a.lot_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.lot_col) END,
      CASE WHEN a.serial_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.serial_col) END,
      format('(t.%I)::pg_catalog.text', a.warehouse_col),
      CASE WHEN a.location_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.location_col) END,
      CASE WHEN a.reason_col IS NULL THEN format('(t.%I)::pg_catalog.numeric', a.qty_col)
           ELSE format('CASE WHEN (SELECT r.direction FROM lottrace.reason r'
                       ' WHERE r.code OPERATOR(pg_catalog.=) (t.%2$I)::pg_catalog.text)'
                       ' OPERATOR(pg_catalog.=) %3$L'
                       ' THEN OPERATOR(pg_catalog.-) (t.%1$I)::pg_catalog.numeric'
                       ' ELSE (t.%1$I)::pg_catalog.numeric END', a.qty_col, a.reason_col, 'unload') END,
      CASE WHEN a.reason_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.reason_col) END,
      CASE WHEN a.doc_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.doc_col) END,
      CASE WHEN a.account_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.account_col) END,
      CASE WHEN a.batch_key_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.batch_key_col) END,
      CASE WHEN a.moved_on_col IS NULL THEN 'NULL::pg_catalog.date'
           ELSE format('(t.%I)::pg_catalog.date', a.moved_on_col) END,
      CASE WHEN a.expiry_col IS NULL THEN 'NULL::pg_catalog.date'
           ELSE format('(t.%I)::pg_catalog.date', a.expiry_col) END,
      CASE WHEN a.supplier_lot_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.supplier_lot_col) END];
    -- one table per branch (the sign comes from a scalar subquery, not a
    -- join), so the planner flattens the UNION ALL and joins reach each
    -- table's indexes
    -- ONLY: the table's own rows (attach refuses inheritance children, and
    -- the event trigger lottrace_guard_attached refuses new ones; a
    -- partitioned table is read with its partitions)
    q := format('SELECT %s FROM %s%s t', array_to_string(cols, ', '),
                CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = a.relid) = 'p'
                     THEN '' ELSE 'ONLY ' END,
                a.relid::oid::regclass);
    parts := parts || q;
  END LOOP;

  IF cardinality(parts) = 0 THEN
    q := 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date,'
         ' NULL::pg_catalog.text WHERE false';
  ELSE
    q := array_to_string(parts, ' UNION ALL ');
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
END
$fn$;
COMMENT ON FUNCTION lottrace._refresh_movements() IS
  'Internal: re-writes lottrace._movements() over the attached tables, under their current names, when its body differs.';

CREATE FUNCTION lottrace._attachment_changed()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace._refresh_movements();
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace._attachment_changed() IS
  'Internal trigger on lottrace.attachment: keeps lottrace.movements in step (also when pg_restore loads the table).';
CREATE TRIGGER refresh_movements AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.attachment
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._attachment_changed();

------------------------------------------------------------------------------
-- The triggers on an attached table, and on its partitions
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._govern(tbl regclass, cols text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  part regclass;
  cond text;
BEGIN
  -- code generation: a row trigger, which PostgreSQL clones onto partitions;
  -- its WHEN clause lets through only rows that may need a code
  -- (no code: NULL or '', which the engine reads as none; in char(n), only
  -- blanks: the text cast drops them).  The mapped item, lot and serial
  -- columns come as arguments: this runs as the caller, who need not read
  -- lottrace.attachment.
  IF cols[2] IS NOT NULL OR cols[3] IS NOT NULL THEN
    cond := format('lottrace._wants_code((NEW.%I)::pg_catalog.text, %s, %s)', cols[1],
                   CASE WHEN cols[2] IS NULL THEN 'NULL'
                        ELSE format('(NEW.%I)::pg_catalog.text', cols[2]) END,
                   CASE WHEN cols[3] IS NULL THEN 'NULL'
                        ELSE format('(NEW.%I)::pg_catalog.text', cols[3]) END);
  END IF;
  IF cond IS NOT NULL AND NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'lottrace_generate') THEN
    EXECUTE format('CREATE TRIGGER lottrace_generate BEFORE INSERT ON %s FOR EACH ROW WHEN (%s)'
                   ' EXECUTE FUNCTION lottrace._trg_generate()', tbl, cond);
  END IF;
  -- the statement triggers, on the table and on every partition below it
  -- (statement triggers are not cloned: DML aimed at a partition fires the
  -- partition's own)
  FOR part IN SELECT relid FROM pg_partition_tree(tbl) UNION SELECT tbl LOOP
    CONTINUE WHEN EXISTS (SELECT FROM pg_trigger WHERE tgrelid = part AND tgname = 'lottrace_insert');
    EXECUTE format('CREATE TRIGGER lottrace_insert AFTER INSERT ON %s'
                   ' REFERENCING NEW TABLE AS lottrace_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_update AFTER UPDATE ON %s'
                   ' REFERENCING OLD TABLE AS lottrace_old NEW TABLE AS lottrace_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_delete AFTER DELETE ON %s'
                   ' REFERENCING OLD TABLE AS lottrace_old'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_truncate BEFORE TRUNCATE ON %s'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_truncate()', part);
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._govern(regclass, text[]) IS
  'Internal: creates lottrace''s triggers on an attached table and on each of its partitions that lacks them (runs as the caller, who must own them); cols are its mapped item, lot and serial columns.';

CREATE FUNCTION lottrace._ungovern(tbl regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT tg.tgname, tg.tgrelid::regclass AS rel
             FROM pg_trigger tg
            WHERE tg.tgrelid IN (SELECT relid FROM pg_partition_tree(tbl) UNION SELECT tbl)
              AND tg.tgname IN ('lottrace_generate', 'lottrace_insert', 'lottrace_update',
                                'lottrace_delete', 'lottrace_truncate')
              AND tg.tgparentid = 0
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._ungovern(regclass) IS
  'Internal: drops lottrace''s triggers from a table and its partitions.';

-- Partitions created or attached later get the statement triggers too.
CREATE FUNCTION lottrace._govern_new_partitions()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  root record;
BEGIN
  FOR root IN
    SELECT DISTINCT a.relid, a.item_col, a.lot_col, a.serial_col
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
    IF EXISTS (SELECT FROM pg_partition_tree(root.relid) p
                WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')) THEN
      PERFORM lottrace._govern(root.relid, ARRAY[root.item_col, root.lot_col, root.serial_col]);
      RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid
        USING HINT = 'Rows that were already in an attached partition are not in the registers: run SELECT lottrace.rebuild().';
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._govern_new_partitions() IS
  'Internal event trigger: a partition created in, or attached to, an attached table gets lottrace''s statement triggers.';
CREATE EVENT TRIGGER lottrace_govern_partitions ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE TABLE AS')
  EXECUTE FUNCTION lottrace._govern_new_partitions();
COMMENT ON EVENT TRIGGER lottrace_govern_partitions IS
  'lottrace: partitions created in, or attached to, an attached table are governed too.';

------------------------------------------------------------------------------
-- attach / detach
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.attach(tbl regclass, item text, qty text, warehouse text,
                                lot text DEFAULT NULL, serial text DEFAULT NULL,
                                reason text DEFAULT NULL, doc text DEFAULT NULL,
                                moved_on text DEFAULT NULL, location text DEFAULT NULL,
                                variant text DEFAULT NULL, account text DEFAULT NULL,
                                batch_key text DEFAULT NULL, expiry text DEFAULT NULL,
                                supplier_lot text DEFAULT NULL, backfill boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_attach'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean) IS
  'Governs an ERP stock-movement table: the text arguments name its columns. Creates the triggers and (backfill) takes existing rows into the registers. Only the table''s owner may attach it.';

CREATE FUNCTION lottrace.detach(tbl regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_detach'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.detach(regclass) IS
  'Stops governing a table: takes its rows out of the registers (the lots stay) and drops its triggers. Only the table''s owner may detach it.';
-- Attaching makes a table a source of stock truth: the DBA grants it.
REVOKE EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.detach(regclass) FROM PUBLIC;

------------------------------------------------------------------------------
-- Views for users and reporting tools
------------------------------------------------------------------------------
CREATE VIEW lottrace.lot_register AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.code_type, l.lot_type,
         l.supplier, l.supplier_lot, l.manufacturer, l.start_date, l.expiry_date,
         l.initial_qty, l.packages, l.notes, l.status, l.evaluation, l.saleable,
         l.force_closed,
         coalesce(b.loaded_qty, 0) AS loaded_qty,
         coalesce(b.on_hand, 0) AS on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < l.expiry_date - coalesce(i.block_days, 0))
              THEN greatest(coalesce(b.on_hand, 0), 0) ELSE 0 END AS available_qty,
         (coalesce(b.on_hand, 0) > 0 AND NOT l.force_closed) AS is_open,
         l.expiry_date - CURRENT_DATE AS days_to_expiry
    FROM lottrace.lot l
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item
    LEFT JOIN LATERAL (SELECT sum((w.value ->> 0)::numeric) AS loaded_qty,
                              sum((w.value ->> 1)::numeric) AS on_hand
                         FROM jsonb_each(l.stock) AS w) b ON true;
COMMENT ON VIEW lottrace.lot_register IS
  'The lot register: every lot with its data and its stock summed over warehouses.';
COMMENT ON COLUMN lottrace.lot_register.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.lot_register.item IS 'Item code.';
COMMENT ON COLUMN lottrace.lot_register.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.lot_register.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.lot_register.code_type IS 'Code type the lot was created under.';
COMMENT ON COLUMN lottrace.lot_register.lot_type IS 'Lot type.';
COMMENT ON COLUMN lottrace.lot_register.supplier IS 'Supplier account.';
COMMENT ON COLUMN lottrace.lot_register.supplier_lot IS 'The supplier''s lot code.';
COMMENT ON COLUMN lottrace.lot_register.manufacturer IS 'Manufacturer.';
COMMENT ON COLUMN lottrace.lot_register.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.lot_register.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.lot_register.initial_qty IS 'Quantity of the first load.';
COMMENT ON COLUMN lottrace.lot_register.packages IS 'Number of packages.';
COMMENT ON COLUMN lottrace.lot_register.notes IS 'Notes.';
COMMENT ON COLUMN lottrace.lot_register.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.lot_register.evaluation IS 'Quality evaluation.';
COMMENT ON COLUMN lottrace.lot_register.saleable IS 'May be unloaded.';
COMMENT ON COLUMN lottrace.lot_register.force_closed IS 'Closed by hand.';
COMMENT ON COLUMN lottrace.lot_register.loaded_qty IS 'Total loaded, all warehouses.';
COMMENT ON COLUMN lottrace.lot_register.on_hand IS 'On hand, all warehouses.';
COMMENT ON COLUMN lottrace.lot_register.available_qty IS 'On hand (not below 0), or 0 when the status is unavailable, the lot is not saleable, force closed, or blocked by expiry today.';
COMMENT ON COLUMN lottrace.lot_register.is_open IS 'On hand > 0 and not force closed.';
COMMENT ON COLUMN lottrace.lot_register.days_to_expiry IS 'Days from today to the expiry date (negative: expired).';

CREATE VIEW lottrace.lot_stock AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, b.warehouse, b.loaded_qty, b.on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < l.expiry_date - coalesce(i.block_days, 0))
              THEN greatest(b.on_hand, 0) ELSE 0 END AS available_qty
    FROM lottrace.lot l
   CROSS JOIN LATERAL (SELECT w.key AS warehouse,
                              (w.value ->> 0)::numeric AS loaded_qty,
                              (w.value ->> 1)::numeric AS on_hand
                         FROM jsonb_each(l.stock) AS w) b
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item;
COMMENT ON VIEW lottrace.lot_stock IS 'Stock of each lot per warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.lot_stock.item IS 'Item code.';
COMMENT ON COLUMN lottrace.lot_stock.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.lot_stock.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.lot_stock.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.lot_stock.loaded_qty IS 'Total loaded into this warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.on_hand IS 'On hand in this warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.available_qty IS 'On hand (not below 0) when the lot may be unloaded today, else 0.';

CREATE VIEW lottrace.serial_register AS
  SELECT s.serial_id, s.item, s.variant, s.code AS serial, l.code AS lot, s.state,
         s.warehouse, s.start_date, s.expiry_date, s.customer_code, s.supplier_code,
         s.supplier, s.cancelled, s.force_closed, s.reserved,
         s.load_doc, s.loaded_on, s.unload_doc, s.unloaded_on
    FROM lottrace.serial s
    LEFT JOIN lottrace.lot l ON l.lot_id = s.lot_id;
COMMENT ON VIEW lottrace.serial_register IS
  'The serial register: every serial, where it is, and the documents of its last load and of the first unload after it.';
COMMENT ON COLUMN lottrace.serial_register.serial_id IS 'Surrogate key of the serial.';
COMMENT ON COLUMN lottrace.serial_register.item IS 'Item code.';
COMMENT ON COLUMN lottrace.serial_register.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.serial_register.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.serial_register.lot IS 'Current lot of the serial.';
COMMENT ON COLUMN lottrace.serial_register.state IS 'in_stock or out.';
COMMENT ON COLUMN lottrace.serial_register.warehouse IS 'Warehouse while in stock.';
COMMENT ON COLUMN lottrace.serial_register.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.serial_register.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.serial_register.customer_code IS 'The customer''s code for this unit.';
COMMENT ON COLUMN lottrace.serial_register.supplier_code IS 'The supplier''s code for this unit.';
COMMENT ON COLUMN lottrace.serial_register.supplier IS 'Supplier account.';
COMMENT ON COLUMN lottrace.serial_register.cancelled IS 'Cancelled: may not move.';
COMMENT ON COLUMN lottrace.serial_register.force_closed IS 'Closed by hand.';
COMMENT ON COLUMN lottrace.serial_register.reserved IS 'Reserved.';
COMMENT ON COLUMN lottrace.serial_register.load_doc IS 'Document of the last load.';
COMMENT ON COLUMN lottrace.serial_register.loaded_on IS 'Date of the last load.';
COMMENT ON COLUMN lottrace.serial_register.unload_doc IS 'Document of the first unload after the last load.';
COMMENT ON COLUMN lottrace.serial_register.unloaded_on IS 'Date of that unload.';

------------------------------------------------------------------------------
-- Status changes and manual links
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.set_lot_status(item text, lot text, status text,
                                        note text DEFAULT NULL, variant text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  old_note text := current_setting('lottrace.status_note', true);
  n        bigint;
BEGIN
  PERFORM set_config('lottrace.status_note', coalesce(note, ''), true);
  UPDATE lottrace.lot l
     SET status = set_lot_status.status
   WHERE l.item = set_lot_status.item
     AND l.code = set_lot_status.lot::lottrace.lotcode
     AND (l.variant = set_lot_status.variant OR (l.variant IS NULL AND set_lot_status.variant IS NULL));
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
  IF n = 0 THEN
    RAISE EXCEPTION 'lot "%" of item "%"% does not exist', lot, item,
                    CASE WHEN variant IS NULL THEN '' ELSE format(' variant "%s"', variant) END
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lot_unknown';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace.set_lot_status(text, text, text, text, text) IS
  'Changes the status of a lot (e.g. QUARANTINE -> AVAILABLE); the change and the note are logged in lottrace.lot_status_log. Needs SELECT and UPDATE on lottrace.lot.';

CREATE FUNCTION lottrace._find_lot(item text, lot text, variant text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  ids bigint[];
BEGIN
  SELECT array_agg(l.lot_id) INTO ids
    FROM lottrace.lot l
   WHERE l.item = _find_lot.item AND l.code = _find_lot.lot::lottrace.lotcode
     AND (_find_lot.variant IS NULL OR l.variant = _find_lot.variant
          OR (_find_lot.variant = '' AND l.variant IS NULL));
  IF ids IS NULL THEN
    RAISE EXCEPTION 'lot "%" of item "%" does not exist', lot, item
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lot_unknown';
  ELSIF cardinality(ids) > 1 THEN
    RAISE EXCEPTION 'lot "%" of item "%" exists in % variants', lot, item, cardinality(ids)
      USING ERRCODE = 'cardinality_violation', HINT = 'Name the variant.';
  END IF;
  RETURN ids[1];
END
$$;
COMMENT ON FUNCTION lottrace._find_lot(text, text, text) IS
  'Internal: the lot_id of (item, lot[, variant]); errors when it does not exist or is ambiguous.';

CREATE FUNCTION lottrace.link_lots(parent_item text, parent_lot text, child_item text, child_lot text,
                                   qty numeric DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  p bigint := lottrace._find_lot(parent_item, parent_lot);
  c bigint := lottrace._find_lot(child_item, child_lot);
BEGIN
  IF p = c THEN
    RAISE EXCEPTION 'a lot cannot be linked to itself: lot "%" of item "%"', parent_lot, parent_item
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_link_self';
  END IF;
  INSERT INTO lottrace.lot_link (parent_lot_id, child_lot_id, qty)
  VALUES (p, c, link_lots.qty)
  ON CONFLICT (parent_lot_id, child_lot_id) DO UPDATE SET qty = excluded.qty;
END
$$;
COMMENT ON FUNCTION lottrace.link_lots(text, text, text, text, numeric) IS
  'Records a manual genealogy link: the parent lot went into the child lot (relabelling, splitting, rework). Linking again replaces the quantity. Needs INSERT/UPDATE on lottrace.lot_link.';

------------------------------------------------------------------------------
-- What the registers should hold, computed from the attached tables
-- (used by rebuild and verify; an implementation independent of the C engine)
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._expected_balances()
RETURNS TABLE (lot_id bigint, warehouse text, loaded_qty numeric, on_hand numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT l.lot_id, m.warehouse,
         coalesce(sum(m.qty) FILTER (WHERE m.qty > 0), 0), sum(m.qty)
    FROM lottrace.movements m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
    JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
     AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
   GROUP BY l.lot_id, m.warehouse
$$;
COMMENT ON FUNCTION lottrace._expected_balances() IS
  'Internal: lot balances per warehouse as computed from lottrace.movements.';

CREATE FUNCTION lottrace._expected_serials()
RETURNS TABLE (item text, variant text, serial text, warehouse text, lot text,
               load_doc text, loaded_on date, unload_doc text, unloaded_on date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH m AS (
    SELECT m.*, row_number() OVER (PARTITION BY m.item, m.variant, m.serial
                                   ORDER BY m.moved_on, m.source::oid,
                                            length(m.source_key), m.source_key) AS seq
      FROM lottrace.movements m
      JOIN lottrace.item i ON i.item = m.item AND i.serial_tracked
     WHERE m.serial IS NOT NULL),
  counts AS (
    SELECT m.item, m.variant, m.serial, m.warehouse, sum(sign(m.qty)) AS n
      FROM m GROUP BY 1, 2, 3, 4),
  place AS (
    SELECT c.item, c.variant, c.serial, min(c.warehouse) FILTER (WHERE c.n = 1) AS warehouse
      FROM counts c GROUP BY 1, 2, 3),
  last_load AS (
    SELECT DISTINCT ON (m.item, m.variant, m.serial) m.item, m.variant, m.serial,
           m.lot, m.doc, m.moved_on, m.seq
      FROM m WHERE m.qty > 0
     ORDER BY m.item, m.variant, m.serial, m.seq DESC),
  first_unload AS (
    SELECT DISTINCT ON (m.item, m.variant, m.serial) m.item, m.variant, m.serial,
           m.doc, m.moved_on
      FROM m JOIN last_load ll USING (item, serial)
     WHERE m.qty < 0 AND m.seq > ll.seq
       AND (m.variant = ll.variant OR (m.variant IS NULL AND ll.variant IS NULL))
     ORDER BY m.item, m.variant, m.serial, m.seq)
  -- in stock: no unload after the load that brought it in
  SELECT p.item, p.variant, p.serial, p.warehouse, ll.lot,
         ll.doc, ll.moved_on,
         CASE WHEN p.warehouse IS NULL THEN fu.doc END,
         CASE WHEN p.warehouse IS NULL THEN fu.moved_on END
    FROM place p
    LEFT JOIN last_load ll ON ll.item = p.item AND ll.serial = p.serial
     AND (ll.variant = p.variant OR (ll.variant IS NULL AND p.variant IS NULL))
    LEFT JOIN first_unload fu ON fu.item = p.item AND fu.serial = p.serial
     AND (fu.variant = p.variant OR (fu.variant IS NULL AND p.variant IS NULL))
$$;
COMMENT ON FUNCTION lottrace._expected_serials() IS
  'Internal: where each serial is (NULL: out of stock) and its last load / first unload after it, computed from lottrace.movements.';

CREATE FUNCTION lottrace._expected_batches()
RETURNS TABLE (batch_key text, role text, lot_id bigint, qty numeric, nrows int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT m.batch_key, r.production, l.lot_id, sum(abs(m.qty)), count(*)::int
    FROM lottrace.movements m
    JOIN lottrace.reason r ON r.code = m.reason AND r.production IS NOT NULL
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
    JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
     AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
   WHERE m.batch_key IS NOT NULL
   GROUP BY 1, 2, 3
$$;
COMMENT ON FUNCTION lottrace._expected_batches() IS
  'Internal: production batch members computed from lottrace.movements.';

------------------------------------------------------------------------------
-- rebuild / verify
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.rebuild()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  a record;
BEGIN
  -- writers of the attached tables wait; readers go on
  FOR a IN SELECT relid FROM lottrace.attachment ORDER BY relid::oid LOOP
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', a.relid::oid::regclass);
  END LOOP;
  LOCK TABLE lottrace.lot, lottrace.serial, lottrace.batch_member
    IN SHARE ROW EXCLUSIVE MODE;
  -- read the tables under the names they have now (the locks keep them):
  -- the body of lottrace._movements() follows renames through an event
  -- trigger, which does not fire in every case (session_replication_role =
  -- replica, event triggers disabled)
  PERFORM lottrace._refresh_movements();

  -- lots that movements name but the register lacks (user data of existing
  -- lots is kept as it is)
  INSERT INTO lottrace.lot (item, variant, code, code_type, supplier, supplier_lot, start_date,
                            expiry_date, initial_qty, status)
  SELECT DISTINCT ON (m.item, m.variant, m.lot)
         m.item, m.variant, m.lot::lottrace.lotcode, i.lot_code_type, m.account, m.supplier_lot,
         coalesce(m.moved_on, CURRENT_DATE),
         CASE WHEN m.expiry IS NOT NULL THEN m.expiry
              WHEN i.lot_validity_days IS NULL THEN NULL
              WHEN i.expiry_rule = 'month_end'
                THEN (date_trunc('month', coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days)
                      + interval '1 month - 1 day')::date
              WHEN i.expiry_rule = 'month_start'
                THEN date_trunc('month', coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days)::date
              ELSE coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days END,
         abs(m.qty),
         coalesce(i.initial_status, nullif(current_setting('lottrace.default_status', true), ''), 'AVAILABLE')
    FROM lottrace._movements() m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
   WHERE m.lot IS NOT NULL
     AND NOT EXISTS (SELECT FROM lottrace.lot l
                      WHERE l.item = m.item AND l.code::text = m.lot
                        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL)))
   ORDER BY m.item, m.variant, m.lot, (m.qty < 0), m.moved_on, m.source::oid,
            length(m.source_key), m.source_key;

  UPDATE lottrace.lot l
     SET stock = coalesce(e.stock, '{}')
    FROM lottrace.lot l2
    LEFT JOIN (SELECT b.lot_id,
                      jsonb_object_agg(b.warehouse, jsonb_build_array(b.loaded_qty, b.on_hand)) AS stock
                 FROM lottrace._expected_balances() b
                WHERE b.loaded_qty <> 0 OR b.on_hand <> 0
                GROUP BY b.lot_id) e ON e.lot_id = l2.lot_id
   WHERE l.lot_id = l2.lot_id AND l.stock IS DISTINCT FROM coalesce(e.stock, '{}');

  DELETE FROM lottrace.batch_member;
  INSERT INTO lottrace.batch_member (batch_key, role, lot_id, qty, nrows)
  SELECT * FROM lottrace._expected_batches();

  -- serials: create the missing ones, then set state and documents
  INSERT INTO lottrace.serial (item, variant, code, start_date)
  SELECT e.item, e.variant, e.serial::lottrace.serialcode, e.loaded_on
    FROM lottrace._expected_serials() e
   WHERE NOT EXISTS (SELECT FROM lottrace.serial s
                      WHERE s.item = e.item AND s.code::text = e.serial
                        AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL)));
  UPDATE lottrace.serial s
     SET state = CASE WHEN e.warehouse IS NULL THEN 'out' ELSE 'in_stock' END,
         warehouse = e.warehouse,
         lot_id = coalesce((SELECT l.lot_id FROM lottrace.lot l
                             WHERE l.item = s.item AND l.code::text = e.lot
                               AND (l.variant = s.variant OR (l.variant IS NULL AND s.variant IS NULL))),
                           s.lot_id),
         load_doc = e.load_doc, loaded_on = e.loaded_on,
         unload_doc = e.unload_doc, unloaded_on = e.unloaded_on
    FROM lottrace._expected_serials() e
   WHERE s.item = e.item AND s.code::text = e.serial
     AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL));
  UPDATE lottrace.serial s
     SET state = 'out', warehouse = NULL
   WHERE s.state = 'in_stock'
     AND NOT EXISTS (SELECT FROM lottrace._expected_serials() e
                      WHERE s.item = e.item AND s.code::text = e.serial
                        AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL)));
END
$$;
COMMENT ON FUNCTION lottrace.rebuild() IS
  'Recomputes every derived quantity (lot stock per warehouse, serial state and documents, production batches) from the attached tables; creates lots movements name but the register lacks; keeps statuses, notes, flags and links.';
REVOKE EXECUTE ON FUNCTION lottrace.rebuild() FROM PUBLIC;

CREATE FUNCTION lottrace.verify()
RETURNS TABLE (problem text, detail text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  a record;
BEGIN
  -- the attached tables keep their names until we are done, and the body
  -- of lottrace._movements() reads them under those names (see rebuild())
  FOR a IN SELECT relid FROM lottrace.attachment ORDER BY relid::oid LOOP
    EXECUTE format('LOCK TABLE %s IN ACCESS SHARE MODE', a.relid::oid::regclass);
  END LOOP;
  PERFORM lottrace._refresh_movements();
  RETURN QUERY
  WITH eb AS (SELECT * FROM lottrace._expected_balances()),
       es AS (SELECT * FROM lottrace._expected_serials()),
       ebm AS (SELECT * FROM lottrace._expected_batches())
  -- movements naming a lot the register does not have
  SELECT 'missing lot',
         format('lot "%s" of item "%s"%s is moved by %s row %s but is not in lottrace.lot',
                m.lot, m.item, coalesce(' variant "' || m.variant || '"', ''), m.source, m.source_key)
    FROM lottrace.movements m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
   WHERE NOT EXISTS (SELECT FROM lottrace.lot l
                      WHERE l.item = m.item AND l.code::text = m.lot
                        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL)))
  UNION ALL
  -- balances that differ
  SELECT 'balance',
         format('lot_id %s in warehouse "%s": register loaded %s, on hand %s; movements loaded %s, on hand %s',
                coalesce(b.lot_id, eb.lot_id), coalesce(b.warehouse, eb.warehouse),
                coalesce(b.loaded_qty, 0), coalesce(b.on_hand, 0),
                coalesce(eb.loaded_qty, 0), coalesce(eb.on_hand, 0))
    FROM (SELECT l.lot_id, w.key AS warehouse,
                 (w.value ->> 0)::numeric AS loaded_qty, (w.value ->> 1)::numeric AS on_hand
            FROM lottrace.lot l, jsonb_each(l.stock) w) b
    FULL JOIN eb ON eb.lot_id = b.lot_id AND eb.warehouse = b.warehouse
   WHERE coalesce(b.loaded_qty, 0) <> coalesce(eb.loaded_qty, 0)
      OR coalesce(b.on_hand, 0) <> coalesce(eb.on_hand, 0)
  UNION ALL
  -- serial state and place
  SELECT 'serial',
         format('serial "%s" of item "%s"%s: register %s%s; movements %s',
                coalesce(s.code::text, es.serial), coalesce(s.item, es.item),
                coalesce(' variant "' || coalesce(s.variant, es.variant) || '"', ''),
                coalesce(s.state, 'missing'), coalesce(' in "' || s.warehouse || '"', ''),
                coalesce('in stock in "' || es.warehouse || '"', 'out'))
    FROM (SELECT * FROM lottrace.serial
           WHERE item IN (SELECT item FROM lottrace.item WHERE serial_tracked)) s
    FULL JOIN es ON es.item = s.item AND es.serial = s.code::text
     AND (es.variant = s.variant OR (es.variant IS NULL AND s.variant IS NULL))
   WHERE s.serial_id IS NULL OR s.warehouse IS DISTINCT FROM es.warehouse
  UNION ALL
  -- production batches
  SELECT 'batch',
         format('batch "%s" %s lot_id %s: register %s in %s rows; movements %s in %s rows',
                coalesce(bm.batch_key, ebm.batch_key), coalesce(bm.role, ebm.role),
                coalesce(bm.lot_id, ebm.lot_id), coalesce(bm.qty, 0), coalesce(bm.nrows, 0),
                coalesce(ebm.qty, 0), coalesce(ebm.nrows, 0))
    FROM lottrace.batch_member bm
    FULL JOIN ebm ON ebm.batch_key = bm.batch_key AND ebm.role = bm.role AND ebm.lot_id = bm.lot_id
   WHERE coalesce(bm.qty, 0) <> coalesce(ebm.qty, 0) OR coalesce(bm.nrows, 0) <> coalesce(ebm.nrows, 0);
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables: no rows when they agree, otherwise one row per disagreement (problem, detail).';
REVOKE EXECUTE ON FUNCTION lottrace.verify() FROM PUBLIC;
