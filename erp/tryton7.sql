-- lottrace recipe for Tryton 7.0 (issue 14).
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/tryton7.sql
--
-- SCHEMA holds Tryton's tables (default public).  Run it as a superuser or
-- as the owner of Tryton's tables who may also write lottrace's
-- configuration, after CREATE EXTENSION lottrace.
--
-- What it does
--   * attaches Tryton's own stock_move as it is: one row per move between two
--     locations (from_location, to_location), counted in the product's
--     default unit (internal_quantity), a movement once state = 'done';
--     the lot read through stock_lot.number, its expiry through
--     stock_lot.shelf_life_expiration_date;
--   * lottrace.item from product_template.lot_required (stock_lot) and
--     lot_unit (stock_lot_unit); lottrace.warehouse (kind) from
--     stock_location.type; both followed by triggers on those tables, as is
--     a later change of a lot's shelf life expiration date;
--   * genealogy from production orders through lottrace's own production
--     batches: a done move into a production location is an input, one out
--     of it an output, and the batch key is the production, read from
--     production_input or, when that is NULL, production_output
--     (batch_key => 'production_input | production_output').
--   It creates no table and no trigger on stock_move.
--
-- Choices (why):
--   * Item key: product_product.id as text; location key: stock_location.id
--     as text (codes are optional and not unique in Tryton).
--   * A product is lot-tracked when its template's lot_required contains
--     'storage': every move that changes stock touches a storage location,
--     so Tryton then requires a lot on every such move, and lottrace's
--     per-lot balances are exact.  A product whose lot_required lists only
--     other types (e.g. ["customer"]) may enter stock without a lot and
--     leave with one: lottrace cannot keep a balance per lot for it, so it
--     is left ungoverned.
--   * Serials: Tryton has no serial register; with stock_lot_unit a lot of
--     a product whose lot_unit is its default unit of rounding 1 is one
--     piece.  Such products (with 'storage' in lot_required) are
--     serial-tracked: the lot number is the serial.
--   * Location kinds: storage -> internal, supplier -> supplier, customer ->
--     customer, lost_found -> inventory (Tryton's inventories and
--     shipments' losses go there), production -> production, drop ->
--     transit (drop shipments never touch storage), warehouse and view ->
--     internal (moves to them are forbidden by Tryton's domain).
--   * counts_when: state = 'done' and internal_quantity > 0.  Tryton lets a
--     done move carry quantity 0 (nothing picked); it moves nothing, and
--     lottrace refuses quantity 0.
--   * Tryton has no movement types: there are no lottrace.reason rows; the
--     locations' kinds give every direction.
--
--   * Genealogy: Tryton links a move to its production in two columns,
--     production_input (inputs) and production_output (outputs; the table's
--     check production_single allows one of them per move), both
--     production.id: one batch key per production, whichever column holds
--     it.  The move's locations give the role (storage -> production: input,
--     production -> storage: output), so lottrace.batch_member holds what a
--     production consumed and produced, trace_backward / trace_forward
--     follow it, and verify() checks it.  A done move that is cancelled
--     later (Tryton 6.6+) leaves its batch too: cancelling a production's
--     outputs unlinks them from its inputs.  Moves with no production
--     (shipments, inventories) have no batch key, and lottrace does not ask
--     for one.
--
-- Not governed, and why:
--   * Expiry: Tryton (stock_lot_sled) refuses a done move to or from a
--     supplier, customer or production location when effective_date is
--     AFTER the lot's shelf_life_expiration_date; lottrace refuses an
--     unload ON or after its expiry date.  On the shelf-life date itself
--     lottrace refuses what Tryton allows.  lottrace does not check
--     receipts of expired lots or stock_location's shelf_life_delay.
--   * Negative stock: Tryton lets consumables and forced assignments take
--     storage below zero; lottrace refuses a lot balance below zero
--     (lottrace_negative_stock) for every tracked product.
--   * stock_period_cache: closed periods are not read; the registers are
--     computed from stock_move itself.
--
-- Removal:
--   SELECT lottrace.detach(:'schema' || '.stock_move');
--   DROP SCHEMA lottrace_tryton7 CASCADE;   -- its functions and the triggers
--                                           -- on product_template,
--                                           -- product_product, stock_location
--                                           -- and stock_lot
--   (detach() also drops the lookup guards attach put on stock_lot;
--   lottrace.item, lottrace.warehouse and the lots stay; delete them if wanted.)

\if :{?schema}
\else
\set schema public
\endif

BEGIN;

CREATE SCHEMA lottrace_tryton7;
COMMENT ON SCHEMA lottrace_tryton7 IS
  'lottrace recipe for Tryton 7 (erp/tryton7.sql): the functions and triggers that keep lottrace''s configuration in step with Tryton''s. Remove with lottrace.detach() of stock_move and DROP SCHEMA lottrace_tryton7 CASCADE.';
REVOKE ALL ON SCHEMA lottrace_tryton7 FROM PUBLIC;

-- lottrace.warehouse.kind of a Tryton location type.
CREATE FUNCTION lottrace_tryton7.location_kind(location_type text)
RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog
AS $$
  SELECT CASE location_type
           WHEN 'supplier' THEN 'supplier'
           WHEN 'customer' THEN 'customer'
           WHEN 'lost_found' THEN 'inventory'
           WHEN 'production' THEN 'production'
           WHEN 'drop' THEN 'transit'
           ELSE 'internal'
         END
$$;
COMMENT ON FUNCTION lottrace_tryton7.location_kind(text) IS
  'The lottrace.warehouse kind of a Tryton stock_location.type: storage, warehouse, view -> internal; supplier; customer; lost_found -> inventory; production; drop -> transit.';

-- lottrace.item rows of the given products (all when NULL).
CREATE FUNCTION lottrace_tryton7.sync_items(products integer[])
RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
  INSERT INTO lottrace.item AS i (item, lot_tracked, serial_tracked, item_type)
  SELECT p.id::text,
         k.storage AND NOT k.piece,
         k.storage AND k.piece,
         t.type
    FROM product_product p
    JOIN product_template t ON t.id = p.template
    LEFT JOIN product_uom u ON u.id = t.lot_unit
   CROSS JOIN LATERAL (
         SELECT coalesce(nullif(t.lot_required, ''), '[]')::jsonb ? 'storage' AS storage,
                coalesce(t.lot_unit = t.default_uom AND u.rounding = 1, false) AS piece) k
   WHERE products IS NULL OR p.id = ANY (products)
  ON CONFLICT (item) DO UPDATE
     SET lot_tracked = excluded.lot_tracked, serial_tracked = excluded.serial_tracked,
         item_type = excluded.item_type
   WHERE (i.lot_tracked, i.serial_tracked, i.item_type) IS DISTINCT FROM
         (excluded.lot_tracked, excluded.serial_tracked, excluded.item_type)
$$;
COMMENT ON FUNCTION lottrace_tryton7.sync_items(integer[]) IS
  'Writes lottrace.item for Tryton products (all when NULL): lot-tracked when product_template.lot_required contains storage, serial-tracked instead when the template''s lot_unit is its default unit with rounding 1 (stock_lot_unit: a lot is one piece).';

-- lottrace.warehouse rows of the given locations (all when NULL).
CREATE FUNCTION lottrace_tryton7.sync_locations(locations integer[])
RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
  INSERT INTO lottrace.warehouse AS w (code, description, kind)
  SELECT l.id::text, l.name, lottrace_tryton7.location_kind(l.type)
    FROM stock_location l
   WHERE locations IS NULL OR l.id = ANY (locations)
  ON CONFLICT (code) DO UPDATE
     SET description = excluded.description, kind = excluded.kind
   WHERE (w.description, w.kind) IS DISTINCT FROM (excluded.description, excluded.kind)
$$;
COMMENT ON FUNCTION lottrace_tryton7.sync_locations(integer[]) IS
  'Writes lottrace.warehouse for Tryton locations (all when NULL): code = stock_location.id, description = name, kind from type.';

CREATE FUNCTION lottrace_tryton7.template_changed()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace_tryton7.sync_items(array_agg(p.id))
     FROM product_product p WHERE p.template = NEW.id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_tryton7.template_changed() IS
  'Trigger on product_template: its products'' lottrace.item rows follow lot_required, lot_unit, default_uom and type.';

CREATE FUNCTION lottrace_tryton7.product_changed()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace_tryton7.sync_items(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_tryton7.product_changed() IS
  'Trigger on product_product: a new product, or one moved to another template, gets its lottrace.item row.';

CREATE FUNCTION lottrace_tryton7.location_changed()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace_tryton7.sync_locations(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_tryton7.location_changed() IS
  'Trigger on stock_location: lottrace.warehouse follows a new location, its name and its type.';

CREATE FUNCTION lottrace_tryton7.lot_expiry_changed()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE lottrace.lot l
     SET expiry_date = NEW.shelf_life_expiration_date
   WHERE l.item = NEW.product::text AND l.variant IS NULL AND l.code::text = NEW.number
     AND l.expiry_date IS DISTINCT FROM NEW.shelf_life_expiration_date;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_tryton7.lot_expiry_changed() IS
  'Trigger on stock_lot: a changed shelf_life_expiration_date becomes the lottrace lot''s expiry date.';

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA lottrace_tryton7 FROM PUBLIC;

CREATE TRIGGER lottrace_tryton7_item
  AFTER INSERT OR UPDATE OF lot_required, lot_unit, default_uom, type ON :"schema".product_template
  FOR EACH ROW EXECUTE FUNCTION lottrace_tryton7.template_changed();
COMMENT ON TRIGGER lottrace_tryton7_item ON :"schema".product_template IS
  'lottrace recipe (erp/tryton7.sql): keeps lottrace.item in step with the template.';
CREATE TRIGGER lottrace_tryton7_item
  AFTER INSERT OR UPDATE OF template ON :"schema".product_product
  FOR EACH ROW EXECUTE FUNCTION lottrace_tryton7.product_changed();
COMMENT ON TRIGGER lottrace_tryton7_item ON :"schema".product_product IS
  'lottrace recipe (erp/tryton7.sql): keeps lottrace.item in step with the product.';
CREATE TRIGGER lottrace_tryton7_warehouse
  AFTER INSERT OR UPDATE OF type, name ON :"schema".stock_location
  FOR EACH ROW EXECUTE FUNCTION lottrace_tryton7.location_changed();
COMMENT ON TRIGGER lottrace_tryton7_warehouse ON :"schema".stock_location IS
  'lottrace recipe (erp/tryton7.sql): keeps lottrace.warehouse (kind) in step with the location.';
CREATE TRIGGER lottrace_tryton7_expiry
  AFTER UPDATE OF shelf_life_expiration_date ON :"schema".stock_lot
  FOR EACH ROW EXECUTE FUNCTION lottrace_tryton7.lot_expiry_changed();
COMMENT ON TRIGGER lottrace_tryton7_expiry ON :"schema".stock_lot IS
  'lottrace recipe (erp/tryton7.sql): a changed shelf life expiration date becomes the lottrace lot''s expiry.';

-- The configuration as Tryton has it now.
SELECT lottrace_tryton7.sync_locations(NULL), lottrace_tryton7.sync_items(NULL);

-- Tryton's moves, with the history already in the table (the lookups name
-- stock_lot as found on this search_path).
SET LOCAL search_path = :"schema", pg_catalog;
SELECT lottrace.attach(:'schema' || '.stock_move',
    item         => 'product',
    qty          => 'internal_quantity',
    warehouse    => 'from_location',
    to_warehouse => 'to_location',
    lot          => 'lot -> stock_lot.number',
    serial       => 'lot -> stock_lot.number',
    doc          => 'shipment',
    batch_key    => 'production_input | production_output',
    moved_on     => 'effective_date',
    expiry       => 'lot -> stock_lot.shelf_life_expiration_date',
    counts_when  => 'state = ''done'' AND internal_quantity > 0',
    backfill     => true);

COMMIT;
