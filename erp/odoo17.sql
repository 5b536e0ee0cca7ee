-- lottrace recipe for Odoo 17 (Inventory; MRP and expiry dates when installed).
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/odoo17.sql
--
-- Run it in the Odoo database after CREATE EXTENSION lottrace, as a role that
-- owns Odoo's tables (the role Odoo connects as, or a superuser) and may
-- write lottrace's configuration.  SCHEMA is where Odoo's tables are
-- (default public).  The recipe:
--
--   * creates the schema lottrace_odoo17 with the functions below, and
--     triggers on Odoo's configuration tables (product_template,
--     product_product, stock_location, stock_lot) that keep lottrace's
--     configuration in step with Odoo's;
--   * fills lottrace.item from Odoo's storable products (product_product.id
--     is the item; tracking 'lot' / 'serial') and lottrace.warehouse from
--     stock_location (stock_location.id is the warehouse; usage gives the
--     kind);
--   * attaches Odoo's own stock_move_line table as it is: a line counts when
--     its state is 'done', in the product's own unit (quantity_product_uom),
--     from location_id to location_dest_id, the lot or serial read through
--     lot_id -> stock_lot.name, the expiry through stock_lot.expiration_date
--     (product_expiry).  The rows already there are taken in (backfill).
--
-- It creates no table and no trigger on stock_move_line other than the ones
-- lottrace.attach() makes.
--
-- To remove it (in this order):
--   SELECT lottrace.detach('SCHEMA.stock_move_line');
--   DROP SCHEMA lottrace_odoo17 CASCADE;   -- its functions and the triggers on Odoo's tables
-- The lots, serials and genealogy lottrace recorded stay in its registers;
-- lottrace.item / lottrace.warehouse keep the rows the recipe wrote (delete
-- them if lottrace is to forget Odoo's products and locations).
\if :{?schema}
\else
\set schema public
\endif
SET client_min_messages = warning;

-- ---- preconditions ---------------------------------------------------------
SELECT to_regclass(format('%I.stock_move_line', :'schema')) IS NOT NULL AS has_sml,
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'lottrace') AS has_lottrace,
       EXISTS (SELECT 1 FROM pg_attribute
                WHERE attrelid = to_regclass(format('%I.stock_lot', :'schema'))
                  AND attname = 'expiration_date' AND NOT attisdropped) AS has_expiry,
       EXISTS (SELECT 1 FROM pg_attribute
                WHERE attrelid = to_regclass(format('%I.product_template', :'schema'))
                  AND attname = 'use_expiration_date' AND NOT attisdropped) AS has_expiry_config
\gset
\if :has_lottrace
\else
DO $$BEGIN RAISE EXCEPTION 'lottrace is not installed in this database: run CREATE EXTENSION lottrace first'; END$$;
\endif
\if :has_sml
\else
SELECT set_config('lottrace_odoo17.schema', :'schema', false) IS NOT NULL AS schema_set
\gset
DO $$BEGIN RAISE EXCEPTION 'no table stock_move_line in schema "%": is this an Odoo 17 database with Inventory installed (psql -v schema=...)?', current_setting('lottrace_odoo17.schema'); END$$;
\endif
SELECT EXISTS (SELECT 1 FROM lottrace.attachment
                WHERE relid = format('%I.stock_move_line', :'schema')::regclass) AS attached
\gset
SELECT set_config('lottrace_odoo17.schema', :'schema', false) IS NOT NULL AS schema_set
\gset

CREATE SCHEMA IF NOT EXISTS lottrace_odoo17;
COMMENT ON SCHEMA lottrace_odoo17 IS
  'lottrace recipe for Odoo 17 (erp/odoo17.sql): functions that keep lottrace.item and lottrace.warehouse in step with Odoo''s products and locations, and lottrace''s lot expiry with stock_lot.expiration_date. DROP SCHEMA lottrace_odoo17 CASCADE removes them and their triggers on Odoo''s tables.';
REVOKE ALL ON SCHEMA lottrace_odoo17 FROM PUBLIC;

-- ---- items: Odoo's storable products -------------------------------------
-- One lottrace item per product variant (product_product.id, as text): Odoo
-- keeps tracking on the template, stock and lots on the variant.  Only
-- storable products (type 'product') have quants; consumables and services
-- are left ungoverned.  With product_expiry, expiration_time (days from
-- receipt to the expiration date) is the shelf life used when a lot has no
-- expiration_date, and alert_time (days before it) the warning lead time.
-- Shelf lives outside lottrace's 0..36500 days are left out (NULL).
CREATE OR REPLACE FUNCTION lottrace_odoo17.sync_items(erp_schema text, tmpl_ids int[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  has_expiry boolean := EXISTS (
    SELECT 1 FROM pg_attribute
     WHERE attrelid = format('%I.product_template', erp_schema)::regclass
       AND attname = 'use_expiration_date' AND NOT attisdropped);
  validity text := CASE WHEN has_expiry
    THEN 'CASE WHEN t.use_expiration_date AND t.expiration_time BETWEEN 0 AND 36500 THEN t.expiration_time END'
    ELSE 'NULL::int' END;
  warn text := CASE WHEN has_expiry
    THEN 'CASE WHEN t.use_expiration_date AND t.alert_time BETWEEN 0 AND 36500 THEN t.alert_time END'
    ELSE 'NULL::int' END;
BEGIN
  EXECUTE format($q$
    WITH p AS (
      SELECT pp.id::text AS item,
             (t.type = 'product' AND t.tracking = 'lot') AS lot_tracked,
             (t.type = 'product' AND t.tracking = 'serial') AS serial_tracked,
             %3$s AS validity, %4$s AS warn
        FROM %1$I.product_product pp
        JOIN %1$I.product_template t ON t.id = pp.product_tmpl_id
       WHERE %2$L::int[] IS NULL OR t.id = ANY (%2$L::int[]))
    INSERT INTO lottrace.item AS i (item, lot_tracked, serial_tracked, lot_validity_days, warn_days)
    SELECT item, lot_tracked, serial_tracked, validity, warn FROM p
     WHERE lot_tracked OR serial_tracked
        OR EXISTS (SELECT 1 FROM lottrace.item x WHERE x.item = p.item)
    ON CONFLICT (item) DO UPDATE
       SET lot_tracked = EXCLUDED.lot_tracked, serial_tracked = EXCLUDED.serial_tracked,
           lot_validity_days = EXCLUDED.lot_validity_days, warn_days = EXCLUDED.warn_days
     WHERE (i.lot_tracked, i.serial_tracked, i.lot_validity_days, i.warn_days)
           IS DISTINCT FROM (EXCLUDED.lot_tracked, EXCLUDED.serial_tracked,
                             EXCLUDED.lot_validity_days, EXCLUDED.warn_days)
  $q$, erp_schema, tmpl_ids, validity, warn);
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.sync_items(text, int[]) IS
  'Odoo 17 recipe: writes lottrace.item from Odoo''s product_product / product_template in schema erp_schema (all templates, or those in tmpl_ids): item = product_product.id, lot_tracked / serial_tracked from tracking of storable products, lot_validity_days and warn_days from product_expiry''s expiration_time and alert_time.';

CREATE OR REPLACE FUNCTION lottrace_odoo17.on_product_template()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM lottrace_odoo17.sync_items(TG_TABLE_SCHEMA, ARRAY[NEW.id]);
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.on_product_template() IS
  'Odoo 17 recipe: trigger on product_template: a product''s type, tracking or expiry settings changed; re-writes its variants'' lottrace.item rows.';

CREATE OR REPLACE FUNCTION lottrace_odoo17.on_product_product()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM lottrace_odoo17.sync_items(TG_TABLE_SCHEMA, ARRAY[NEW.product_tmpl_id]);
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.on_product_product() IS
  'Odoo 17 recipe: trigger on product_product: a new variant (or one moved to another template) gets its lottrace.item row.';

-- ---- locations: stock_location.usage -> lottrace.warehouse.kind -----------
-- internal -> internal; view -> internal (Odoo refuses moves from and to view
-- locations, so they never hold stock); supplier, customer, production,
-- transit as they are; inventory -> scrap when scrap_location, else inventory.
CREATE OR REPLACE FUNCTION lottrace_odoo17.location_kind(usage text, scrap boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
  SELECT CASE usage
           WHEN 'supplier' THEN 'supplier'
           WHEN 'customer' THEN 'customer'
           WHEN 'production' THEN 'production'
           WHEN 'transit' THEN 'transit'
           WHEN 'inventory' THEN CASE WHEN coalesce(scrap, false) THEN 'scrap' ELSE 'inventory' END
           ELSE 'internal' END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.location_kind(text, boolean) IS
  'Odoo 17 recipe: the lottrace.warehouse.kind of an Odoo stock_location (usage, scrap_location).';

CREATE OR REPLACE FUNCTION lottrace_odoo17.sync_locations(erp_schema text, location_ids int[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  EXECUTE format($q$
    INSERT INTO lottrace.warehouse AS w (code, description, kind)
    SELECT l.id::text, coalesce(l.complete_name, l.name),
           lottrace_odoo17.location_kind(l.usage, l.scrap_location)
      FROM %1$I.stock_location l
     WHERE %2$L::int[] IS NULL OR l.id = ANY (%2$L::int[])
    ON CONFLICT (code) DO UPDATE
       SET description = EXCLUDED.description, kind = EXCLUDED.kind
     WHERE (w.description, w.kind) IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.kind)
  $q$, erp_schema, location_ids);
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.sync_locations(text, int[]) IS
  'Odoo 17 recipe: writes lottrace.warehouse from Odoo''s stock_location in schema erp_schema (all, or those in location_ids): code = stock_location.id, description = complete_name, kind from usage and scrap_location.';

CREATE OR REPLACE FUNCTION lottrace_odoo17.on_stock_location()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  PERFORM lottrace_odoo17.sync_locations(TG_TABLE_SCHEMA, ARRAY[NEW.id]);
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.on_stock_location() IS
  'Odoo 17 recipe: trigger on stock_location: a new location, or a changed usage, scrap flag or name, is written to lottrace.warehouse.';

-- ---- lot expiry: stock_lot.expiration_date edited later -------------------
-- The first receipt of a lot takes its expiration_date (attach's expiry
-- lookup); an expiration date edited on the lot form afterwards is copied to
-- lottrace's lot or serial (Odoo keeps serials in stock_lot too).
CREATE OR REPLACE FUNCTION lottrace_odoo17.on_stock_lot_expiry()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  UPDATE lottrace.lot SET expiry_date = NEW.expiration_date::date
   WHERE item = NEW.product_id::text AND code OPERATOR(pg_catalog.=) NEW.name::text
     AND (variant IS NULL OR variant = '')
     AND expiry_date IS DISTINCT FROM NEW.expiration_date::date;
  UPDATE lottrace.serial SET expiry_date = NEW.expiration_date::date
   WHERE item = NEW.product_id::text AND code::text = NEW.name::text
     AND (variant IS NULL OR variant = '')
     AND expiry_date IS DISTINCT FROM NEW.expiration_date::date;
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION lottrace_odoo17.on_stock_lot_expiry() IS
  'Odoo 17 recipe: trigger on stock_lot (product_expiry): an expiration_date changed on the lot is copied to lottrace.lot / lottrace.serial (expiry_date, as a date).';

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA lottrace_odoo17 FROM PUBLIC;

-- ---- the triggers on Odoo's configuration tables --------------------------
DROP TRIGGER IF EXISTS lottrace_odoo17_items ON :"schema".product_template;
CREATE TRIGGER lottrace_odoo17_items
  AFTER INSERT OR UPDATE OF type, tracking ON :"schema".product_template
  FOR EACH ROW EXECUTE FUNCTION lottrace_odoo17.on_product_template();
COMMENT ON TRIGGER lottrace_odoo17_items ON :"schema".product_template IS
  'lottrace recipe (erp/odoo17.sql): keeps lottrace.item in step with the product''s type and tracking.';

DROP TRIGGER IF EXISTS lottrace_odoo17_items ON :"schema".product_product;
CREATE TRIGGER lottrace_odoo17_items
  AFTER INSERT OR UPDATE OF product_tmpl_id ON :"schema".product_product
  FOR EACH ROW EXECUTE FUNCTION lottrace_odoo17.on_product_product();
COMMENT ON TRIGGER lottrace_odoo17_items ON :"schema".product_product IS
  'lottrace recipe (erp/odoo17.sql): gives new product variants their lottrace.item row.';

DROP TRIGGER IF EXISTS lottrace_odoo17_warehouses ON :"schema".stock_location;
CREATE TRIGGER lottrace_odoo17_warehouses
  AFTER INSERT OR UPDATE OF usage, scrap_location, name, complete_name ON :"schema".stock_location
  FOR EACH ROW EXECUTE FUNCTION lottrace_odoo17.on_stock_location();
COMMENT ON TRIGGER lottrace_odoo17_warehouses ON :"schema".stock_location IS
  'lottrace recipe (erp/odoo17.sql): keeps lottrace.warehouse (code, description, kind) in step with the location.';

\if :has_expiry_config
DROP TRIGGER IF EXISTS lottrace_odoo17_expiry_config ON :"schema".product_template;
CREATE TRIGGER lottrace_odoo17_expiry_config
  AFTER UPDATE OF use_expiration_date, expiration_time, alert_time ON :"schema".product_template
  FOR EACH ROW EXECUTE FUNCTION lottrace_odoo17.on_product_template();
COMMENT ON TRIGGER lottrace_odoo17_expiry_config ON :"schema".product_template IS
  'lottrace recipe (erp/odoo17.sql): keeps the shelf life and warning days of lottrace.item in step with product_expiry''s settings.';
\endif
\if :has_expiry
DROP TRIGGER IF EXISTS lottrace_odoo17_expiry ON :"schema".stock_lot;
CREATE TRIGGER lottrace_odoo17_expiry
  AFTER UPDATE OF expiration_date ON :"schema".stock_lot
  FOR EACH ROW WHEN (OLD.expiration_date IS DISTINCT FROM NEW.expiration_date)
  EXECUTE FUNCTION lottrace_odoo17.on_stock_lot_expiry();
COMMENT ON TRIGGER lottrace_odoo17_expiry ON :"schema".stock_lot IS
  'lottrace recipe (erp/odoo17.sql): copies an edited expiration date to lottrace''s lot or serial.';
\endif

-- ---- configuration from what Odoo has now ---------------------------------
SELECT lottrace_odoo17.sync_locations(:'schema');
SELECT lottrace_odoo17.sync_items(:'schema');

-- ---- history lottrace cannot take in as it is ----------------------------
-- Odoo lets a done line of a tracked product go without a lot in two cases
-- (an inventory adjustment, a picking type with neither "create" nor "use
-- existing" lots): lottrace refuses such a row (lottrace_lot_required /
-- lottrace_serial_required), so the backfill would stop at the first one.
-- Say which lines they are before attaching.
DO $check$
DECLARE
  n int; ids text;
BEGIN
  EXECUTE format($q$
    SELECT count(*), string_agg(ml.id::text, ', ' ORDER BY ml.id)
      FROM %1$I.stock_move_line ml
      JOIN lottrace.item i ON i.item = ml.product_id::text AND (i.lot_tracked OR i.serial_tracked)
      JOIN lottrace.warehouse s ON s.code = ml.location_id::text
      JOIN lottrace.warehouse d ON d.code = ml.location_dest_id::text
     WHERE ml.state = 'done' AND ml.quantity_product_uom <> 0 AND ml.lot_id IS NULL
       AND (s.kind = 'internal' OR d.kind = 'internal')$q$, current_setting('lottrace_odoo17.schema'))
    INTO n, ids;
  IF n > 0 THEN
    RAISE EXCEPTION 'lottrace recipe for Odoo 17: % done move lines of lot- or serial-tracked products have no lot (stock_move_line.id %)', n, left(ids, 400)
      USING ERRCODE = '23502',
            HINT = 'Give them their lots in Odoo (or fix the lines), then run the recipe again; or attach with backfill => false and load opening balances.';
  END IF;
END
$check$;

-- ---- attach stock_move_line ------------------------------------------------
-- A line is a movement once its state is 'done' (Odoo 17 stores the move's
-- state on the line); lines done with quantity 0 ("Product Quantity
-- Confirmed" of an inventory count) move nothing.  location_id ->
-- location_dest_id with the kinds above gives the direction.  The lot (or,
-- for serial-tracked products, the serial) is stock_lot.name; doc and
-- batch_key are the line's reference (the picking's name, or the
-- manufacturing order's name for its component and finished-product lines:
-- mrp's _compute_reference), so components consumed into the production
-- location and products made out of it under one MO are linked in the
-- genealogy; the account is the picking's partner (a manufacturing line
-- has none: the production location stands for it).  A line that is not
-- done yet but reserved (state assigned or partially_available: Odoo
-- creates move lines when it reserves quants) reserves its quantity of the
-- lot at its source location for its picking: other pickings' shipments
-- may not take that stock (lottrace_lot_reserved), and validating the
-- picking turns the reservation into the movement in one UPDATE.
\if :attached
\echo 'stock_move_line is attached already: configuration refreshed, attach skipped.'
\else
\if :has_expiry
SELECT lottrace.attach(format('%I.stock_move_line', :'schema')::regclass,
         item         => 'product_id',
         qty          => 'quantity_product_uom',
         warehouse    => 'location_id',
         to_warehouse => 'location_dest_id',
         lot          => format('lot_id -> %I.stock_lot.name', :'schema'),
         serial       => format('lot_id -> %I.stock_lot.name', :'schema'),
         doc          => 'reference',
         batch_key    => 'reference',
         moved_on     => 'date',
         account      => format('picking_id -> %I.stock_picking.partner_id', :'schema'),
         expiry       => format('lot_id -> %I.stock_lot.expiration_date', :'schema'),
         counts_when  => 'state = ''done'' AND quantity_product_uom <> 0',
         reserve_when => '(state = ''assigned'' OR state = ''partially_available'') AND quantity_product_uom <> 0');
\else
SELECT lottrace.attach(format('%I.stock_move_line', :'schema')::regclass,
         item         => 'product_id',
         qty          => 'quantity_product_uom',
         warehouse    => 'location_id',
         to_warehouse => 'location_dest_id',
         lot          => format('lot_id -> %I.stock_lot.name', :'schema'),
         serial       => format('lot_id -> %I.stock_lot.name', :'schema'),
         doc          => 'reference',
         batch_key    => 'reference',
         moved_on     => 'date',
         account      => format('picking_id -> %I.stock_picking.partner_id', :'schema'),
         counts_when  => 'state = ''done'' AND quantity_product_uom <> 0',
         reserve_when => '(state = ''assigned'' OR state = ''partially_available'') AND quantity_product_uom <> 0');
\endif
\endif
RESET client_min_messages;
