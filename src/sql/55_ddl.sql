-- Schema changes of attached tables.
--
-- * A mapped column that is renamed is followed (lottrace.attachment keeps
--   the attribute numbers); dropping a mapped column, or changing its type
--   to one attach() would not accept, is refused.
-- * An attached table that is renamed, or moved, or whose schema is
--   renamed, is followed by lottrace.movements.
-- * Dropping an attached table is refused: its rows are in the registers,
--   and a mapping to a table that is gone would break lottrace.movements.
--   Detach it first.  (DROP EXTENSION lottrace itself is not affected.)

CREATE FUNCTION lottrace._pk_cols(tbl regclass)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT array_agg(att.attname::text ORDER BY k.ord)
    FROM pg_index i
   CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
   WHERE i.indrelid = tbl AND i.indisprimary AND k.ord <= i.indnkeyatts
$$;
COMMENT ON FUNCTION lottrace._pk_cols(regclass) IS
  'Internal: the primary key columns of a table, in key order; NULL without a primary key.';

CREATE FUNCTION lottrace._attachment_attnums()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.attnums := ARRAY(
    SELECT coalesce(a.attnum, 0)
      FROM unnest(ARRAY[NEW.item_col, NEW.qty_col, NEW.warehouse_col, NEW.lot_col, NEW.serial_col,
                        NEW.reason_col, NEW.doc_col, NEW.moved_on_col, NEW.location_col, NEW.variant_col,
                        NEW.account_col, NEW.batch_key_col, NEW.expiry_col, NEW.supplier_lot_col])
           WITH ORDINALITY AS m(name, ord)
      LEFT JOIN pg_attribute a ON a.attrelid = NEW.relid AND a.attname = m.name AND NOT a.attisdropped
     ORDER BY m.ord);
  -- attach() leaves it to this trigger; a restored row brings its own
  IF NEW.pk_cols IS NULL THEN
    NEW.pk_cols := lottrace._pk_cols(NEW.relid);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._attachment_attnums() IS
  'Internal trigger on lottrace.attachment: records the attribute numbers of the mapped columns (also when pg_restore loads the table), and the primary key columns when none are given.';
CREATE TRIGGER attnums BEFORE INSERT OR UPDATE ON lottrace.attachment
  FOR EACH ROW EXECUTE FUNCTION lottrace._attachment_attnums();

CREATE FUNCTION lottrace._check_column_type(tbl regclass, col text, role text)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_check_column_type'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._check_column_type(regclass, text, text) IS
  'Internal: raises the error attach() raises (42804) when the column''s type cannot hold its role (an attach() argument name); used when a mapped column changes type.';

CREATE FUNCTION lottrace._follow_columns()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a     record;
  cols  text[] := ARRAY['item_col', 'qty_col', 'warehouse_col', 'lot_col', 'serial_col',
                        'reason_col', 'doc_col', 'moved_on_col', 'location_col', 'variant_col',
                        'account_col', 'batch_key_col', 'expiry_col', 'supplier_lot_col'];
  old   text;
  cur   record;
  pk    text[];
  sets  text[];
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
      IF cur.attisdropped THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as its % column', old, a.relid, replace(cols[i], '_col', '')
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
      IF cur.attname <> old THEN
        sets := sets || format('%I = %L', cols[i], cur.attname);
      END IF;
      -- ALTER COLUMN ... TYPE: only the types attach() accepts (the body of
      -- lottrace._movements() casts the column, as the extension owner in
      -- verify() and rebuild(); a type of the owner's own could bring its
      -- own cast)
      PERFORM lottrace._check_column_type(a.relid, cur.attname::text, replace(cols[i], '_col', ''));
    END LOOP;
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
END
$$;
COMMENT ON FUNCTION lottrace._follow_columns() IS
  'Internal event trigger: follows renamed mapped columns and changed primary keys of attached tables, and refuses dropping mapped columns or changing them to a type attach() does not accept.';
CREATE EVENT TRIGGER lottrace_follow_columns ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION lottrace._follow_columns();
COMMENT ON EVENT TRIGGER lottrace_follow_columns IS
  'lottrace: renamed mapped columns of attached tables are followed; dropping one, or changing it to a type attach() does not accept, is refused.';

-- lottrace._movements() names each attached table as text: renaming a table
-- or its schema, or moving the table to another schema, would leave the old
-- name in it, and whatever took that name (a view of the table owner's)
-- would be read in the table's place -- by verify() and rebuild() as the
-- extension owner.  So the body is re-written after every such command that
-- touches an attached table, the schema of one, or an extension one belongs
-- to (ALTER EXTENSION ... SET SCHEMA), if it differs.
CREATE FUNCTION lottrace._follow_renames()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands() c
               JOIN lottrace.attachment a
                 ON (c.classid = 'pg_class'::regclass AND c.objid = a.relid)
                 OR (c.classid = 'pg_namespace'::regclass
                     AND c.objid = (SELECT r.relnamespace FROM pg_class r WHERE r.oid = a.relid))
                 OR (c.classid = 'pg_extension'::regclass
                     AND EXISTS (SELECT FROM pg_depend d
                                  WHERE d.classid = 'pg_class'::regclass AND d.objid = a.relid
                                    AND d.refclassid = 'pg_extension'::regclass
                                    AND d.refobjid = c.objid AND d.deptype = 'e'))) THEN
    PERFORM lottrace._refresh_movements();
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._follow_renames() IS
  'Internal event trigger: after ALTER TABLE, ALTER SCHEMA or ALTER EXTENSION, re-writes lottrace._movements() if an attached table now has another name.';
CREATE EVENT TRIGGER lottrace_follow_renames ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER EXTENSION')
  EXECUTE FUNCTION lottrace._follow_renames();
COMMENT ON EVENT TRIGGER lottrace_follow_renames IS
  'lottrace: lottrace.movements follows attached tables that are renamed or moved to another schema, or whose schema is renamed.';

-- lottrace's triggers on attached tables.  ALTER TABLE ... DISABLE TRIGGER,
-- ENABLE REPLICA TRIGGER, CREATE OR REPLACE TRIGGER, ALTER TRIGGER ...
-- RENAME and DROP TRIGGER need only ownership of the table; any of them
-- would let the table's movements pass ungoverned.  They are refused while
-- the table is attached (detach() forgets the mapping before it drops the
-- triggers, so its own DROP TRIGGERs pass).
CREATE FUNCTION lottrace._governed_relations()
RETURNS TABLE (root regclass, rel regclass)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- from pg_inherits, not pg_partition_tree(), which locks every partition:
  -- event triggers of concurrent DDL (a parallel pg_restore) would deadlock
  WITH RECURSIVE tree (root, rel) AS (
    SELECT a.relid, a.relid FROM lottrace.attachment a
    UNION
    SELECT t.root, i.inhrelid::regclass
      FROM tree t
      JOIN pg_inherits i ON i.inhparent = t.rel
      JOIN pg_class c ON c.oid = i.inhrelid AND c.relispartition)
  SELECT root, rel FROM tree
$$;
COMMENT ON FUNCTION lottrace._governed_relations() IS
  'Internal: every attached table (root) with itself and each of its partitions (rel); takes no locks.';

CREATE FUNCTION lottrace._trigger_spec()
RETURNS TABLE (tgname name, fn regprocedure, tgtype smallint, newtable name, oldtable name)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- tgtype: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate
  VALUES ('lottrace_generate'::name, 'lottrace._trg_generate()'::regprocedure, 7::smallint, NULL::name, NULL::name),
         ('lottrace_insert', 'lottrace._trg_rows()', 4, 'lottrace_new', NULL),
         ('lottrace_update', 'lottrace._trg_rows()', 16, 'lottrace_new', 'lottrace_old'),
         ('lottrace_delete', 'lottrace._trg_rows()', 8, NULL, 'lottrace_old'),
         ('lottrace_truncate', 'lottrace._trg_truncate()', 34, NULL, NULL)
$$;
COMMENT ON FUNCTION lottrace._trigger_spec() IS
  'Internal: the triggers attach() creates on an attached table and its partitions: name, function, pg_trigger.tgtype, transition tables.';

CREATE FUNCTION lottrace._guard_attached()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  roots regclass[];
  t     record;
BEGIN
  -- inheritance: an attached table may not become an inheritance child or a
  -- partition of another table (statements on that table would move its
  -- rows without its statement triggers), nor, unless partitioned, get
  -- inheritance children (whose rows its statements reach)
  SELECT i.inhrelid::regclass AS child, i.inhparent::regclass AS parent,
         i.inhrelid IN (SELECT a.relid FROM lottrace.attachment a) AS child_attached INTO t
    FROM pg_event_trigger_ddl_commands() c
    JOIN pg_inherits i ON c.objid IN (i.inhrelid, i.inhparent)
    JOIN pg_class ch ON ch.oid = i.inhrelid
   WHERE c.classid = 'pg_class'::regclass
     AND (i.inhrelid IN (SELECT a.relid FROM lottrace.attachment a)
          OR (i.inhparent IN (SELECT a.relid FROM lottrace.attachment a) AND NOT ch.relispartition))
   ORDER BY 3 DESC, 1, 2
   LIMIT 1;
  IF FOUND AND t.child_attached THEN
    RAISE EXCEPTION 'attached table % cannot inherit from, or be a partition of, %', t.child, t.parent
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Statements on the parent would move its rows past lottrace''s triggers.',
            HINT = 'Detach the table (lottrace.detach) first.';
  ELSIF FOUND THEN
    RAISE EXCEPTION 'attached table % cannot have inheritance children: %', t.parent, t.child
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Statements on the table reach its children''s rows, which lottrace''s triggers would not govern.',
            HINT = 'Partition the table instead: partitions of an attached table are governed.';
  END IF;

  -- the attached trees the command touched: a table or partition in them,
  -- or a trigger on one
  SELECT array_agg(DISTINCT g.root) INTO roots
    FROM pg_event_trigger_ddl_commands() c
    LEFT JOIN pg_trigger tg ON c.classid = 'pg_trigger'::regclass AND tg.oid = c.objid
    JOIN lottrace._governed_relations() g
      ON g.rel = CASE WHEN c.classid = 'pg_class'::regclass THEN c.objid ELSE tg.tgrelid END;
  IF roots IS NULL THEN
    RETURN;
  END IF;

  -- ALTER TRIGGER (RENAME, DEPENDS ON EXTENSION) of one of lottrace's triggers
  -- (a renamed trigger is known only by its new name)
  SELECT tg.tgname, tg.tgrelid::regclass AS rel, tg.tgfoid::regprocedure AS fn INTO t
    FROM pg_event_trigger_ddl_commands() c
    JOIN pg_trigger tg ON tg.oid = c.objid
   WHERE c.classid = 'pg_trigger'::regclass AND c.command_tag = 'ALTER TRIGGER'
     AND tg.tgrelid IN (SELECT g.rel FROM lottrace._governed_relations() g)
     AND tg.tgfoid IN (SELECT s.fn FROM lottrace._trigger_spec() s)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'cannot alter lottrace''s triggers on relation %', t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = format('The trigger (now "%s") runs %s. The table is attached to lottrace, whose triggers govern its movements.',
                            t.tgname, t.fn),
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;

  -- every trigger of those trees that is lottrace's, by name or by
  -- function, is enabled (on origin, or always) and as attach() made it
  SELECT tg.tgname, tg.tgrelid::regclass AS rel, tg.tgfoid::regprocedure AS fn,
         CASE WHEN s.tgname IS NULL THEN 'extra'
              WHEN tg.tgenabled NOT IN ('O', 'A') THEN 'disabled'
              ELSE 'changed' END AS what INTO t
    FROM lottrace._governed_relations() g
    JOIN pg_trigger tg ON tg.tgrelid = g.rel
    LEFT JOIN lottrace._trigger_spec() s ON s.tgname = tg.tgname
   WHERE g.root = ANY (roots)
     AND (s.tgname IS NOT NULL OR tg.tgfoid IN (SELECT s2.fn FROM lottrace._trigger_spec() s2))
     AND (s.tgname IS NULL
          OR tg.tgenabled NOT IN ('O', 'A')
          OR tg.tgfoid <> s.fn OR tg.tgtype <> s.tgtype
          OR tg.tgnewtable IS DISTINCT FROM s.newtable OR tg.tgoldtable IS DISTINCT FROM s.oldtable
          OR cardinality(tg.tgattr::int2[]) > 0
          OR (tg.tgqual IS NOT NULL AND s.tgname <> 'lottrace_generate'))
   ORDER BY tg.tgrelid, tg.tgname
   LIMIT 1;
  IF FOUND AND t.what = 'disabled' THEN
    RAISE EXCEPTION 'cannot disable trigger "%" of relation %', t.tgname, t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  ELSIF FOUND AND t.what = 'extra' THEN
    RAISE EXCEPTION 'trigger "%" of relation % must not run %', t.tgname, t.rel, t.fn
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace: only the triggers attach() made run lottrace''s trigger functions on it.';
  ELSIF FOUND THEN
    RAISE EXCEPTION 'cannot change trigger "%" of relation %', t.tgname, t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements; only attach() creates them.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._guard_attached() IS
  'Internal event trigger: refuses disabling, replacing or renaming lottrace''s triggers on attached tables and their partitions, adding triggers that run lottrace''s trigger functions there, and inheritance to or from attached tables.';
CREATE EVENT TRIGGER lottrace_guard_attached ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'CREATE TRIGGER', 'ALTER TRIGGER',
               'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE')
  EXECUTE FUNCTION lottrace._guard_attached();
COMMENT ON EVENT TRIGGER lottrace_guard_attached IS
  'lottrace: the triggers of attached tables stay enabled and as attach() made them; attached tables take no part in inheritance but their own partitions.';

CREATE FUNCTION lottrace._refuse_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t text;
BEGIN
  -- dropping lottrace itself drops its attachments too
  IF EXISTS (SELECT FROM pg_event_trigger_dropped_objects()
              WHERE object_type = 'extension' AND object_name = 'lottrace')
     OR to_regclass('lottrace.attachment') IS NULL THEN
    RETURN;
  END IF;
  SELECT string_agg(d.object_identity, ', ') INTO t
    FROM pg_event_trigger_dropped_objects() d
    JOIN lottrace.attachment a ON a.relid::oid = d.objid
   WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %: attached to lottrace', t
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = 'Its movements are in the registers.',
            HINT = 'Call lottrace.detach() first.';
  END IF;
  -- lottrace's triggers on an attached table or one of its partitions (the
  -- trigger is gone from the catalog: found by its table's name and its own;
  -- a partition dropped with its triggers is gone too, and not looked at)
  SELECT format('trigger "%s" of relation %s', d.address_names[3], r.rel) INTO t
    FROM pg_event_trigger_dropped_objects() d
   CROSS JOIN LATERAL (SELECT to_regclass(format('%I.%I', d.address_names[1], d.address_names[2])) AS rel) r
   WHERE d.object_type = 'trigger'
     AND d.address_names[3] IN (SELECT s.tgname FROM lottrace._trigger_spec() s)
     AND r.rel IN (SELECT g.rel FROM lottrace._governed_relations() g)
   LIMIT 1;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %', t
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._refuse_drop() IS
  'Internal event trigger: an attached table, and lottrace''s triggers on it and its partitions, cannot be dropped before the table is detached.';
CREATE EVENT TRIGGER lottrace_refuse_drop ON sql_drop
  EXECUTE FUNCTION lottrace._refuse_drop();
COMMENT ON EVENT TRIGGER lottrace_refuse_drop IS
  'lottrace: an attached table, and lottrace''s triggers on it, cannot be dropped before lottrace.detach().';
