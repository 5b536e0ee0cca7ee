-- lottrace recipe for InvenTree (issue 14).
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/inventree.sql
--
-- run after CREATE EXTENSION lottrace, in InvenTree's database; SCHEMA is
-- where InvenTree's tables are (default public).
--
-- InvenTree has no movement table.  A row of stock_stockitem is a quantity
-- of a part (batch code "batch", "serial") in a location; receiving,
-- moving, splitting, consuming and shipping are INSERTs and UPDATEs of
-- those rows.  The recipe attaches stock_stockitem itself: each row is a
-- load of its quantity into its location while it is "in stock" as
-- InvenTree defines it (StockItem.IN_STOCK_FILTER: quantity > 0, no sales
-- order, not installed, no customer, not consumed, not in production,
-- status OK/ATTENTION/DAMAGED/RETURNED) and has a location.  An UPDATE of
-- location_id, quantity, batch, serial or of a column the filter reads then
-- reverses the old version and applies the new one; a DELETE reverses.  So
-- lottrace.lot_stock equals InvenTree's in-stock quantity per batch and
-- location.
--
-- What this shape cannot express (lottrace 1.1): a stock item that leaves
-- stock (shipped, consumed by a build, installed, quarantined, destroyed,
-- counted to zero) stops counting, and lottrace takes that as the reversal
-- of its load, which no status or expiry rule gates.  So lottrace's lot
-- statuses and expiry blocking do not stop InvenTree from shipping or
-- consuming a lot; recall() finds no customers (a shipped item is no longer
-- a movement, and InvenTree clears its location on shipping).  Genealogy is
-- not a production batch of the engine either (no row is a production
-- input or output): the trigger on build_build below links the lots when a
-- build order is completed.  The rules lottrace enforces are those of
-- loads: lot and serial present, code syntax, a serial in stock once,
-- serial quantity 1.
--
-- Removal (as the owner of InvenTree's tables):
--   SELECT lottrace.detach('SCHEMA.stock_stockitem');
--   DROP SCHEMA lottrace_inventree CASCADE;   -- its functions and the
--                                             -- triggers on part_part,
--                                             -- stock_stocklocation, build_build
-- The lots, their statuses and genealogy links stay in lottrace's registers;
-- delete lottrace.item and lottrace.warehouse rows if they are not wanted.
\if :{?schema}
\else
\set schema public
\endif

BEGIN;

CREATE SCHEMA lottrace_inventree;
COMMENT ON SCHEMA lottrace_inventree IS
  'lottrace''s recipe for InvenTree (erp/inventree.sql): functions and triggers that keep lottrace.item and lottrace.warehouse in step with part_part and stock_stocklocation, and link lots when a build order completes. DROP SCHEMA lottrace_inventree CASCADE removes them (after lottrace.detach of stock_stockitem).';

-- The tracking of a part.  InvenTree's "trackable" parts have their units
-- tracked by serial number (serializeStock, serialized build outputs,
-- installation into assemblies): serial-tracked.  A part with a shelf life
-- (default_expiry > 0 days, from which InvenTree dates new stock items)
-- is tracked by batch: the batch is where lottrace keeps expiry, status
-- and genealogy.  Virtual parts have no stock.  Other parts are not
-- governed (InvenTree's batch code is optional for them).
CREATE FUNCTION lottrace_inventree.sync_part(p_id integer, p_trackable boolean,
                                             p_virtual boolean, p_default_expiry integer,
                                             p_assembly boolean)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, lot_validity_days,
                             item_type, gs1_codes)
  VALUES (p_id::text,
          NOT p_virtual AND NOT p_trackable AND p_default_expiry > 0,
          NOT p_virtual AND p_trackable,
          nullif(least(p_default_expiry, 36500), 0),
          CASE WHEN p_assembly THEN 'assembly' ELSE 'part' END,
          false)
  ON CONFLICT (item) DO UPDATE
    SET lot_tracked = excluded.lot_tracked, serial_tracked = excluded.serial_tracked,
        lot_validity_days = excluded.lot_validity_days, item_type = excluded.item_type
  WHERE (lottrace.item.lot_tracked, lottrace.item.serial_tracked,
         lottrace.item.lot_validity_days, lottrace.item.item_type)
        IS DISTINCT FROM
        (excluded.lot_tracked, excluded.serial_tracked,
         excluded.lot_validity_days, excluded.item_type)
$$;
COMMENT ON FUNCTION lottrace_inventree.sync_part(integer, boolean, boolean, integer, boolean) IS
  'Writes the lottrace.item row of an InvenTree part (item = part id): serial-tracked when trackable, lot-tracked when it has a shelf life (default_expiry days, also lottrace''s lot_validity_days) and is not trackable; virtual parts are neither. gs1_codes is false: InvenTree batch codes and serials are free text.';

CREATE FUNCTION lottrace_inventree.part_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lottrace.item WHERE item = OLD.id::text;
    RETURN OLD;
  END IF;
  PERFORM lottrace_inventree.sync_part(NEW.id, NEW.trackable, NEW.virtual,
                                       NEW.default_expiry, NEW.assembly);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace_inventree.part_changed() IS
  'Trigger on InvenTree''s part_part: keeps lottrace.item in step (tracking, shelf life); a deleted part leaves lottrace.item (its lots stay).';

-- Locations.  Every InvenTree location holds stock (the in-stock filter
-- does not look at "external" or "structural"), so every one is internal;
-- the description is InvenTree's path.
CREATE FUNCTION lottrace_inventree.location_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lottrace.warehouse WHERE code = OLD.id::text;
    RETURN OLD;
  END IF;
  INSERT INTO lottrace.warehouse (code, description, kind)
  VALUES (NEW.id::text, NEW.pathstring, 'internal')
  ON CONFLICT (code) DO UPDATE SET description = excluded.description
  WHERE lottrace.warehouse.description IS DISTINCT FROM excluded.description;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace_inventree.location_changed() IS
  'Trigger on InvenTree''s stock_stocklocation: keeps lottrace.warehouse (code = location id, description = pathstring, kind internal) in step.';

-- Genealogy.  InvenTree records it on the stock items: a build output has
-- build_id = the build order, a consumed item consumed_by_id = it (an
-- installed one belongs_to_id = the output too).  Build.complete_build
-- saves status COMPLETE (40) before it consumes the untracked allocations,
-- so the links are written at commit (a deferred constraint trigger), when
-- the transaction.atomic block has written everything: each consumed lot
-- is a parent of each output lot, with the quantity consumed.
CREATE FUNCTION lottrace_inventree.build_completed()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN EXECUTE format(
    'SELECT c.part_id::text AS p_item, c.batch AS p_lot, o.part_id::text AS c_item,'
    '       o.batch AS c_lot, c.qty'
    '  FROM (SELECT part_id, batch, sum(quantity) AS qty FROM %1$I.stock_stockitem'
    '         WHERE consumed_by_id = $1 AND batch IS NOT NULL AND batch <> '''''
    '         GROUP BY 1, 2) c'
    '  CROSS JOIN (SELECT DISTINCT part_id, batch FROM %1$I.stock_stockitem'
    '               WHERE build_id = $1 AND NOT is_building'
    '                 AND batch IS NOT NULL AND batch <> '''') o'
    ' WHERE EXISTS (SELECT 1 FROM lottrace.lot l WHERE l.item = c.part_id::text AND l.code = c.batch)'
    '   AND EXISTS (SELECT 1 FROM lottrace.lot l WHERE l.item = o.part_id::text AND l.code = o.batch)'
    '   AND (c.part_id, c.batch) IS DISTINCT FROM (o.part_id, o.batch)',
    TG_TABLE_SCHEMA) USING NEW.id
  LOOP
    PERFORM lottrace.link_lots(r.p_item, r.p_lot, r.c_item, r.c_lot, r.qty);
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_inventree.build_completed() IS
  'Deferred trigger on InvenTree''s build_build, at the commit of the transaction that completes a build order (status 40): links every lot the build consumed (stock items with consumed_by_id = the build) to every lot it produced (build_id = the build, no longer is_building), with lottrace.link_lots and the quantity consumed.';

-- Take in what is there now.
SELECT count(*) AS parts FROM (SELECT lottrace_inventree.sync_part(id, trackable, virtual, default_expiry, assembly)
  FROM :"schema".part_part) s;
INSERT INTO lottrace.warehouse (code, description, kind)
SELECT id::text, pathstring, 'internal' FROM :"schema".stock_stocklocation
ON CONFLICT (code) DO UPDATE SET description = excluded.description;

CREATE TRIGGER lottrace_inventree_part
  AFTER INSERT OR DELETE OR UPDATE OF id, trackable, virtual, default_expiry, assembly
  ON :"schema".part_part
  FOR EACH ROW EXECUTE FUNCTION lottrace_inventree.part_changed();
COMMENT ON TRIGGER lottrace_inventree_part ON :"schema".part_part IS
  'lottrace recipe (erp/inventree.sql): keeps lottrace.item in step with the part.';
CREATE TRIGGER lottrace_inventree_location
  AFTER INSERT OR DELETE OR UPDATE OF id, pathstring
  ON :"schema".stock_stocklocation
  FOR EACH ROW EXECUTE FUNCTION lottrace_inventree.location_changed();
COMMENT ON TRIGGER lottrace_inventree_location ON :"schema".stock_stocklocation IS
  'lottrace recipe (erp/inventree.sql): keeps lottrace.warehouse in step with the location.';
CREATE CONSTRAINT TRIGGER lottrace_inventree_build
  AFTER UPDATE OF status ON :"schema".build_build
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.status = 40 AND OLD.status IS DISTINCT FROM 40)
  EXECUTE FUNCTION lottrace_inventree.build_completed();
COMMENT ON TRIGGER lottrace_inventree_build ON :"schema".build_build IS
  'lottrace recipe (erp/inventree.sql): at commit of a build order''s completion, links its consumed lots to its output lots.';

-- The stock items themselves, with their history (backfill).
SELECT lottrace.attach(format('%I.stock_stockitem', :'schema')::regclass,
         item => 'part_id', qty => 'quantity', warehouse => 'location_id',
         lot => 'batch', serial => 'serial', expiry => 'expiry_date', moved_on => 'updated',
         counts_when => 'quantity > 0 AND sales_order_id IS NULL AND belongs_to_id IS NULL'
                        ' AND customer_id IS NULL AND consumed_by_id IS NULL AND NOT is_building'
                        ' AND status = ANY (''{10,50,55,85}''::integer[]) AND location_id IS NOT NULL',
         -- shipped to a customer, allocated to a sales order or consumed by a
         -- build: the stock leaves as an unload, gated by the lot's status
         -- and expiry (a write-off, InvenTree's own quarantine, a move out of
         -- every location stays a plain reversal)
         unload_when => 'customer_id IS NOT NULL OR sales_order_id IS NOT NULL'
                        ' OR consumed_by_id IS NOT NULL');

COMMIT;
