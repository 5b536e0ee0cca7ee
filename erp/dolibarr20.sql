-- lottrace recipe for Dolibarr 20 (issue 14).
--
-- Run in Dolibarr's database after CREATE EXTENSION lottrace, as the owner
-- of Dolibarr's tables:
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/dolibarr20.sql
--
-- SCHEMA is where the llx_ tables are (default public).  Dolibarr keeps
-- working as before; lottrace governs every row written into
-- llx_stock_mouvement, whoever writes it.
--
-- What it does
--   * Attaches llx_stock_mouvement as it is, with two locations per row:
--       source       = the kind of document the row comes from (origintype,
--                      read through lottrace_dolibarr.origin_location:
--                      'reception' -> a supplier location, 'shipping' -> a
--                      customer location, 'mo' -> a production location, ''
--                      (manual moves, transfers, corrections) and
--                      'inventory' -> an inventory location)
--       destination  = fk_entrepot (the Dolibarr warehouse)
--     and signed_qty: Dolibarr's value is signed, a negative value moves
--     from fk_entrepot to the document's side.  So a reception loads, a
--     shipment unloads (gated by status and expiry), an MO consumes
--     (production input) and produces (production output) with fk_origin,
--     the MO's id, as the batch key that links them, and manual moves are
--     adjustments (not gated, as lottrace does for inventory locations).
--   * Items from llx_product.tobatch (0 none, 1 lot, 2 serial), followed by
--     a trigger; the serial number of a serial product is Dolibarr's batch.
--   * Warehouses from llx_entrepot (internal locations), followed by a
--     trigger; negative stock allowed in every warehouse when Dolibarr's
--     setting STOCK_ALLOW_NEGATIVE_TRANSFER (llx_const) is on, followed by
--     a trigger.
--   * Movement types 0-3 (type_mouvement) as lottrace.reason rows.
--   * The lot's expiry: the eat-by date (eatby) Dolibarr writes into every
--     movement of the lot; later changes of llx_product_lot.eatby (the lot
--     card) are carried to lottrace.lot by a trigger.
--   * Quantities in the product's unit: Dolibarr moves stock in the
--     product's own unit (fk_unit), there is no unit conversion in its stock.
--
-- What it cannot govern (no column of the row says it):
--   * The third party of a movement: Dolibarr's row points at its document
--     only through the pair (origintype, fk_origin), a polymorphic reference
--     no single-column lookup can follow.  recall() names the document kind
--     (DOLIBARR-CUSTOMER / DOLIBARR-SUPPLIER) as account, and the document
--     through the row's label.
--   * Reservations: Dolibarr reserves nothing per lot (a validated order
--     changes only its "virtual stock", a draft shipment names lots but
--     writes no stock row), so lottrace sees a shipment when it is validated.
--   * Batch masks (llx_product.batch_mask) are Dolibarr's numbering rules,
--     not checked here; Dolibarr always names the lot, lottrace never
--     generates one for this table.
--   * Unmaking an MO (Mo::cancelConsumedAndProducedLines) writes rows with
--     origintype 'mo' and the opposite sign; lottrace books them as
--     production moves of the same batch, so a returned component is also
--     recorded as an output of that MO.
--
-- Removal (as the owner of the tables):
--   SELECT lottrace.detach(:'schema' || '.llx_stock_mouvement');
--   DROP SCHEMA lottrace_dolibarr CASCADE;   -- its functions, the triggers
--                                            -- on llx_product, llx_entrepot,
--                                            -- llx_const, llx_product_lot,
--                                            -- and the origin table
--   (the lottrace.item, lottrace.warehouse and lottrace.reason rows it made
--   may then be deleted; the lots stay in lottrace.lot.)

\if :{?schema}
\else
\set schema public
\endif

BEGIN;

CREATE SCHEMA lottrace_dolibarr;
COMMENT ON SCHEMA lottrace_dolibarr IS
  'The lottrace recipe for Dolibarr 20 (erp/dolibarr20.sql): the origin-to-location table and the triggers that keep lottrace''s configuration in step with Dolibarr''s. DROP SCHEMA lottrace_dolibarr CASCADE after lottrace.detach() removes it.';

-- The other side of a movement, by the kind of document it comes from.
CREATE TABLE lottrace_dolibarr.origin_location (
  origintype varchar(32) PRIMARY KEY,
  location   text NOT NULL
);
COMMENT ON TABLE lottrace_dolibarr.origin_location IS
  'Dolibarr''s llx_stock_mouvement.origintype (the element type of the document a movement comes from; '''' for manual moves) and the lottrace location standing for the other side of the movement (lottrace.warehouse.kind gives its meaning). Read by attach()''s lookup: a row in use by movements cannot be changed or deleted. An origintype written by a module not listed here makes its movements fail with lottrace_warehouse_required: add it.';
COMMENT ON COLUMN lottrace_dolibarr.origin_location.origintype IS 'Value of llx_stock_mouvement.origintype.';
COMMENT ON COLUMN lottrace_dolibarr.origin_location.location IS 'Code in lottrace.warehouse of the location on the other side.';

INSERT INTO lottrace.warehouse (code, description, kind) VALUES
  ('DOLIBARR-SUPPLIER', 'Dolibarr: suppliers (receptions, supplier orders and invoices)', 'supplier'),
  ('DOLIBARR-CUSTOMER', 'Dolibarr: customers (shipments, orders, invoices, point of sale)', 'customer'),
  ('DOLIBARR-MO', 'Dolibarr: manufacturing orders', 'production'),
  ('DOLIBARR-ADJUST', 'Dolibarr: manual moves, transfers, corrections and inventories', 'inventory');

INSERT INTO lottrace_dolibarr.origin_location (origintype, location) VALUES
  ('', 'DOLIBARR-ADJUST'),
  ('inventory', 'DOLIBARR-ADJUST'),
  ('reception', 'DOLIBARR-SUPPLIER'),
  ('order_supplier', 'DOLIBARR-SUPPLIER'),
  ('invoice_supplier', 'DOLIBARR-SUPPLIER'),
  ('shipping', 'DOLIBARR-CUSTOMER'),
  ('commande', 'DOLIBARR-CUSTOMER'),
  ('facture', 'DOLIBARR-CUSTOMER'),
  ('mo', 'DOLIBARR-MO');

-- Dolibarr's movement types (MouvementStock::_create): fixed in its code.
INSERT INTO lottrace.reason (code, direction, description) VALUES
  ('0', 'load', 'Dolibarr: manual input (correction, transfer in)'),
  ('1', 'unload', 'Dolibarr: manual output (correction, transfer out)'),
  ('2', 'unload', 'Dolibarr: output (shipment, consumption by a manufacturing order)'),
  ('3', 'load', 'Dolibarr: input (reception, production by a manufacturing order)');

-- Items: llx_product.tobatch (Product::status_batch) 0 none, 1 lot, 2 serial.
CREATE FUNCTION lottrace_dolibarr.sync_product() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lottrace.item WHERE item = OLD.rowid::text;
    RETURN NULL;
  END IF;
  INSERT INTO lottrace.item (item, lot_tracked, serial_tracked)
  VALUES (NEW.rowid::text, NEW.tobatch = 1, NEW.tobatch = 2)
  ON CONFLICT (item) DO UPDATE
    SET lot_tracked = EXCLUDED.lot_tracked, serial_tracked = EXCLUDED.serial_tracked
    WHERE (lottrace.item.lot_tracked, lottrace.item.serial_tracked)
          IS DISTINCT FROM (EXCLUDED.lot_tracked, EXCLUDED.serial_tracked);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_dolibarr.sync_product() IS
  'Keeps lottrace.item in step with Dolibarr''s llx_product: item = rowid, lot_tracked when tobatch = 1, serial_tracked when tobatch = 2.';

-- Warehouses: every Dolibarr warehouse (llx_entrepot.rowid) is an internal
-- location; negative stock is allowed in all of them when Dolibarr's
-- setting STOCK_ALLOW_NEGATIVE_TRANSFER is set (to anything but '' or '0').
CREATE FUNCTION lottrace_dolibarr.negative_allowed() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = :'schema', pg_catalog, pg_temp AS $$
  SELECT coalesce((SELECT value NOT IN ('', '0') FROM llx_const
                    WHERE name = 'STOCK_ALLOW_NEGATIVE_TRANSFER'
                    ORDER BY entity LIMIT 1), false)
$$;
COMMENT ON FUNCTION lottrace_dolibarr.negative_allowed() IS
  'Dolibarr''s setting STOCK_ALLOW_NEGATIVE_TRANSFER (llx_const): true when stock may go below zero.';

CREATE FUNCTION lottrace_dolibarr.sync_entrepot() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lottrace.warehouse WHERE code = OLD.rowid::text;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.rowid <> NEW.rowid THEN
    DELETE FROM lottrace.warehouse WHERE code = OLD.rowid::text;
  END IF;
  INSERT INTO lottrace.warehouse (code, description, kind, allow_negative)
  VALUES (NEW.rowid::text, NEW.ref, 'internal', lottrace_dolibarr.negative_allowed())
  ON CONFLICT (code) DO UPDATE
    SET description = EXCLUDED.description, kind = EXCLUDED.kind,
        allow_negative = EXCLUDED.allow_negative
    WHERE (lottrace.warehouse.description, lottrace.warehouse.kind, lottrace.warehouse.allow_negative)
          IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.kind, EXCLUDED.allow_negative);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_dolibarr.sync_entrepot() IS
  'Keeps lottrace.warehouse in step with Dolibarr''s llx_entrepot: code = rowid, description = ref, kind internal, allow_negative from STOCK_ALLOW_NEGATIVE_TRANSFER.';

CREATE FUNCTION lottrace_dolibarr.sync_const() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = :'schema', pg_catalog, pg_temp AS $$
DECLARE
  neg boolean := lottrace_dolibarr.negative_allowed();
BEGIN
  UPDATE lottrace.warehouse w SET allow_negative = neg
   WHERE w.allow_negative IS DISTINCT FROM neg
     AND w.code IN (SELECT e.rowid::text FROM llx_entrepot e);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_dolibarr.sync_const() IS
  'Carries a change of Dolibarr''s setting STOCK_ALLOW_NEGATIVE_TRANSFER (llx_const) to lottrace.warehouse.allow_negative of every Dolibarr warehouse.';

-- Lots: the eat-by date of the lot card (llx_product_lot.eatby) is the
-- lot's (or serial's) expiry; the first movement carries it in (Dolibarr
-- copies it into the row), later changes of the card come through here.
CREATE FUNCTION lottrace_dolibarr.sync_lot() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.batch IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE lottrace.lot l SET expiry_date = NEW.eatby
   WHERE l.item = NEW.fk_product::text AND l.variant IS NULL
     AND l.code::text = NEW.batch::text
     AND l.expiry_date IS DISTINCT FROM NEW.eatby;
  UPDATE lottrace.serial s SET expiry_date = NEW.eatby
   WHERE s.item = NEW.fk_product::text AND s.variant IS NULL
     AND s.code::text = NEW.batch::text
     AND s.expiry_date IS DISTINCT FROM NEW.eatby;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_dolibarr.sync_lot() IS
  'Carries the eat-by date of Dolibarr''s lot card (llx_product_lot.eatby) to lottrace.lot.expiry_date (lots) or lottrace.serial.expiry_date (serial numbers).';

CREATE TRIGGER lottrace_dolibarr_product AFTER INSERT OR UPDATE OF rowid, tobatch OR DELETE
  ON :"schema".llx_product FOR EACH ROW EXECUTE FUNCTION lottrace_dolibarr.sync_product();
COMMENT ON TRIGGER lottrace_dolibarr_product ON :"schema".llx_product IS
  'lottrace recipe (erp/dolibarr20.sql): keeps lottrace.item in step with the product''s tobatch.';
CREATE TRIGGER lottrace_dolibarr_entrepot AFTER INSERT OR UPDATE OF rowid, ref OR DELETE
  ON :"schema".llx_entrepot FOR EACH ROW EXECUTE FUNCTION lottrace_dolibarr.sync_entrepot();
COMMENT ON TRIGGER lottrace_dolibarr_entrepot ON :"schema".llx_entrepot IS
  'lottrace recipe (erp/dolibarr20.sql): keeps lottrace.warehouse in step with Dolibarr''s warehouses.';
CREATE TRIGGER lottrace_dolibarr_const AFTER INSERT OR UPDATE OR DELETE
  ON :"schema".llx_const FOR EACH STATEMENT EXECUTE FUNCTION lottrace_dolibarr.sync_const();
COMMENT ON TRIGGER lottrace_dolibarr_const ON :"schema".llx_const IS
  'lottrace recipe (erp/dolibarr20.sql): follows STOCK_ALLOW_NEGATIVE_TRANSFER.';
CREATE TRIGGER lottrace_dolibarr_lot AFTER INSERT OR UPDATE OF eatby, batch, fk_product
  ON :"schema".llx_product_lot FOR EACH ROW EXECUTE FUNCTION lottrace_dolibarr.sync_lot();
COMMENT ON TRIGGER lottrace_dolibarr_lot ON :"schema".llx_product_lot IS
  'lottrace recipe (erp/dolibarr20.sql): carries the lot card''s eat-by date to lottrace''s lot or serial.';

-- Today's configuration.
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked)
SELECT rowid::text, tobatch = 1, tobatch = 2 FROM :"schema".llx_product
ON CONFLICT (item) DO UPDATE
  SET lot_tracked = EXCLUDED.lot_tracked, serial_tracked = EXCLUDED.serial_tracked;
INSERT INTO lottrace.warehouse (code, description, kind, allow_negative)
SELECT rowid::text, ref, 'internal', lottrace_dolibarr.negative_allowed() FROM :"schema".llx_entrepot
ON CONFLICT (code) DO UPDATE
  SET description = EXCLUDED.description, kind = EXCLUDED.kind,
      allow_negative = EXCLUDED.allow_negative;

-- The movement table, with the rows already in it (backfill).
SELECT lottrace.attach(format('%I.llx_stock_mouvement', :'schema')::regclass,
    item         => 'fk_product',
    qty          => 'value',
    warehouse    => 'origintype -> lottrace_dolibarr.origin_location(origintype).location',
    to_warehouse => 'fk_entrepot',
    lot          => 'batch',
    serial       => 'batch',
    reason       => 'type_mouvement',
    doc          => 'label',
    moved_on     => 'datem',
    batch_key    => 'fk_origin',
    expiry       => 'eatby',
    signed_qty   => true);

-- Lots whose card has an eat-by date the movements did not carry.
UPDATE lottrace.lot l SET expiry_date = pl.eatby
  FROM :"schema".llx_product_lot pl
 WHERE pl.eatby IS NOT NULL AND l.item = pl.fk_product::text AND l.variant IS NULL
   AND l.code::text = pl.batch AND l.expiry_date IS DISTINCT FROM pl.eatby;

COMMIT;
