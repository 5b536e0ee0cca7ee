-- lottrace recipe for iDempiere 11 (issue 14).
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/idempiere11.sql
--
-- Run it as a superuser (or the role that administers lottrace) in the
-- iDempiere database, after CREATE EXTENSION lottrace.  SCHEMA is where
-- iDempiere's tables are (its database user's schema, "adempiere" in a
-- standard installation); default public.  Running it again is harmless.
--
-- What it does:
--   * attaches iDempiere's own material transaction table M_Transaction as
--     it is (no table, no trigger on it of the recipe's own): one row is one
--     completed movement of a product in a locator, MovementQty signed,
--     MovementType the reason; the lot, serial and guarantee (expiry) date
--     are read from the row's attribute set instance (M_AttributeSetInstance),
--     and the production batch from its production line: M_Production_ID,
--     or M_ProductionPlan_ID for a production with plans (below);
--   * configures lottrace from iDempiere's settings and keeps it in step
--     with triggers on iDempiere's configuration tables:
--       M_AttributeSet, M_Product     -> lottrace.item (tracking mode)
--       M_Warehouse, M_Locator        -> lottrace.warehouse (one per locator)
--       M_AttributeSetInstance        -> lottrace.lot.expiry_date follows
--                                        a changed GuaranteeDate
--     and the movement types (AD_Reference 189) become lottrace.reason rows.
--
-- iDempiere writes an M_Transaction row only when a document is completed
-- (receipt/shipment, inventory, movement, production); drafts and
-- in-progress documents have none, and a void or reverse-correct of a
-- completed document writes new rows with the same MovementType and the
-- opposite sign.  So no counts_when is needed: every row counts, and
-- signed_qty makes a row whose sign is against its type a reversal.
--
-- Quantities: M_Transaction.MovementQty is in the product's own UOM
-- (M_Product.C_UOM_ID; QtyEntered of the document line is the entered
-- UOM), so lottrace counts in the base unit without conversion.
--
-- Production batches: a production's lines (M_ProductionLine) carry its
-- M_Production_ID, or, when the production uses production plans
-- (IsUseProductionPlan = 'Y': one M_ProductionPlan per end product), the
-- plan's M_ProductionPlan_ID and a NULL M_Production_ID.  batch_key reads
-- M_Production_ID, else M_ProductionPlan_ID ('m_productionline_id ->
-- m_productionline.m_production_id | m_productionplan_id'), so the P- rows
-- of a plan link their lots to the P+ lot of the same plan only, not to
-- the other plans of the production.  The two ids come from two
-- AD_Sequence counters (M_Production, M_ProductionPlan) that both start at
-- 1000000, so their values can meet; the key is the id alone (a lookup
-- cannot add a prefix), and a production without plans whose id is also
-- the id of a plan shares its batch: trace_backward of either end product
-- then also lists the other's components (more lots, never fewer: a recall
-- over-reaches, it does not miss).  That needs both kinds of production in
-- one database with coinciding ids; lottrace_idempiere.shared_batch_keys()
-- lists the ids concerned, and the recipe warns when the history has any.
-- Keeping the keys apart would take the plan's own id space in the key
-- (a prefix, or M_ProductionPlan_UU), which the batch_key lookup, one
-- foreign key from M_Transaction, cannot reach.
--
-- Lot and serial codes: iDempiere takes any text as Lot and SerNo (typed,
-- or made by M_LotCtl / M_SerNoCtl with any prefix and suffix), so items
-- the recipe creates have gs1_codes = false: a code outside GS1 character
-- set 82 ('LOT 7/26', 'Käse-01') is what the ERP accepts, and refusing it
-- would stop completions (and the backfill of such history) the ERP
-- allows.  lottrace's own code rules still hold (no control or invisible
-- characters, no blanks around a code).  For items whose codes go into
-- GS1-128 labels: UPDATE lottrace.item SET gs1_codes = true WHERE item =
-- ...; the recipe does not change gs1_codes of items that exist.
--
-- Removal (as the same role):
--   SELECT lottrace.detach('SCHEMA.m_transaction');
--   DROP SCHEMA lottrace_idempiere CASCADE;   -- its functions and the triggers
--                                             -- on the configuration tables
--   DELETE FROM lottrace.reason WHERE code IN
--     ('C+','C-','I+','I-','M+','M-','P+','P-','V+','V-','W+','W-');  -- if unused
-- detach() also drops the guards attach put on the tables the lookups read
-- (M_AttributeSetInstance, M_ProductionLine, M_InOutLine).  lottrace.item
-- and lottrace.warehouse rows, and the lots, stay; delete them if lottrace
-- is to forget iDempiere altogether.
--
-- Not governed, and why (see also docs/ERP.md):
--   * attribute sets whose lot (serial) is not mandatory: MandatoryType not
--     'Y' (always) or IsLotMandatory (IsSerNoMandatory) 'N'.  iDempiere then
--     writes rows without a lot (ASI 0) for the same product, and lottrace
--     would refuse them (lottrace_lot_required); such products stay
--     ungoverned rather than change what the ERP accepts;
--   * the customer or vendor of a shipment/receipt: M_Transaction has no
--     business partner column; it is two foreign keys away
--     (M_InOutLine -> M_InOut.C_BPartner_ID) and a lookup reads one, so
--     lottrace.recall() lists the shipments (doc = M_InOut_ID) without the
--     account;
--   * work orders of the Libero manufacturing plug-in (W+/W-,
--     PP_Cost_Collector) are production output/input without a batch key
--     one foreign key away, so their lots are not linked;
--   * batch keys of productions and of production plans are the bare ids
--     (below, "Production batches"): if a production without plans has the
--     id of a plan, lottrace takes them for one batch and links the lots of
--     both.  lottrace_idempiere.shared_batch_keys() lists such ids (the
--     recipe warns when the history has any);
--   * locator types (M_LocatorType.IsAvailableForShipping) are a property of
--     a place, not of a lot: lottrace's availability is the lot's status,
--     set with lottrace.set_lot_status (iDempiere has no lot quality status).
\if :{?schema}
\else
\set schema public
\endif

BEGIN;

CREATE SCHEMA IF NOT EXISTS lottrace_idempiere;
COMMENT ON SCHEMA lottrace_idempiere IS
  'lottrace recipe for iDempiere 11 (erp/idempiere11.sql): the functions that keep lottrace.item, lottrace.warehouse and lot expiry dates in step with iDempiere''s M_Product, M_AttributeSet, M_Warehouse, M_Locator and M_AttributeSetInstance. DROP SCHEMA lottrace_idempiere CASCADE removes them and their triggers.';
REVOKE ALL ON SCHEMA lottrace_idempiere FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Items: a product is lot-tracked when its attribute set has IsLot = 'Y',
-- IsLotMandatory = 'Y' and MandatoryType = 'Y' (always mandatory); serial-
-- tracked likewise with IsSerNo / IsSerNoMandatory.  lottrace.item.item is
-- M_Product_ID as text (the key M_Transaction carries).  Products whose set
-- tracks nothing get no row; a row already there is switched off.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION lottrace_idempiere.sync_items(erp_schema text, products numeric[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format($q$
    WITH p AS (
      SELECT p.m_product_id::text AS item,
             coalesce(s.islot = 'Y' AND s.islotmandatory = 'Y' AND s.mandatorytype = 'Y', false) AS lot,
             coalesce(s.isserno = 'Y' AND s.issernomandatory = 'Y' AND s.mandatorytype = 'Y', false) AS ser
        FROM %1$I.m_product p
        LEFT JOIN %1$I.m_attributeset s ON s.m_attributeset_id = p.m_attributeset_id
       WHERE $1 IS NULL OR p.m_product_id = ANY ($1))
    INSERT INTO lottrace.item AS i (item, lot_tracked, serial_tracked, gs1_codes)
    SELECT item, lot, ser, false FROM p
     WHERE lot OR ser OR EXISTS (SELECT 1 FROM lottrace.item x WHERE x.item = p.item)
    ON CONFLICT (item) DO UPDATE
       SET lot_tracked = excluded.lot_tracked, serial_tracked = excluded.serial_tracked
     WHERE (i.lot_tracked, i.serial_tracked) IS DISTINCT FROM (excluded.lot_tracked, excluded.serial_tracked)
  $q$, erp_schema) USING products;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.sync_items(text, numeric[]) IS
  'Writes lottrace.item from iDempiere''s M_Product and M_AttributeSet in schema erp_schema (all products, or those listed): lot-tracked when the set has IsLot, IsLotMandatory and MandatoryType ''Y''; serial-tracked likewise with IsSerNo, IsSerNoMandatory.  New items get gs1_codes = false (iDempiere accepts any lot text).';

-- ---------------------------------------------------------------------------
-- Locations: every M_Locator is a lottrace warehouse (code = M_Locator_ID as
-- text), because M_Transaction and M_StorageOnHand count per locator.  All
-- are 'internal': iDempiere keeps stock in every locator, in-transit
-- warehouses too, and the direction of a row comes from its MovementType and
-- sign, not from the place (kinds matter only for two-location rows).
-- allow_negative follows M_Warehouse.IsDisallowNegativeInv (iDempiere allows
-- negative on-hand unless the warehouse disallows it).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION lottrace_idempiere.sync_locators(erp_schema text, locators numeric[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO lottrace.warehouse AS w (code, description, allow_negative, kind)
    SELECT l.m_locator_id::text, wh.value || ' / ' || l.value, wh.isdisallownegativeinv <> 'Y', 'internal'
      FROM %1$I.m_locator l
      JOIN %1$I.m_warehouse wh ON wh.m_warehouse_id = l.m_warehouse_id
     WHERE $1 IS NULL OR l.m_locator_id = ANY ($1)
    ON CONFLICT (code) DO UPDATE
       SET description = excluded.description, allow_negative = excluded.allow_negative,
           kind = excluded.kind
     WHERE (w.description, w.allow_negative, w.kind)
           IS DISTINCT FROM (excluded.description, excluded.allow_negative, excluded.kind)
  $q$, erp_schema) USING locators;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.sync_locators(text, numeric[]) IS
  'Writes lottrace.warehouse from iDempiere''s M_Locator and M_Warehouse in schema erp_schema (all locators, or those listed): code M_Locator_ID, description warehouse / locator search key, allow_negative unless M_Warehouse.IsDisallowNegativeInv = ''Y'', kind internal.';

-- ---------------------------------------------------------------------------
-- Triggers on iDempiere's configuration tables (row level: these tables
-- change a row at a time, from the application's windows).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION lottrace_idempiere.on_product()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace_idempiere.sync_items(TG_TABLE_SCHEMA, ARRAY[NEW.m_product_id]);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.on_product() IS
  'Trigger on iDempiere''s M_Product: a new product, or a changed attribute set, updates its lottrace.item row.';

CREATE OR REPLACE FUNCTION lottrace_idempiere.on_attributeset()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  products numeric[];
BEGIN
  EXECUTE format('SELECT array_agg(m_product_id) FROM %I.m_product WHERE m_attributeset_id = $1',
                 TG_TABLE_SCHEMA) INTO products USING NEW.m_attributeset_id;
  IF products IS NOT NULL THEN
    PERFORM lottrace_idempiere.sync_items(TG_TABLE_SCHEMA, products);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.on_attributeset() IS
  'Trigger on iDempiere''s M_AttributeSet: a change of IsLot, IsSerNo, their mandatory flags or MandatoryType updates the lottrace.item rows of the products using the set.';

CREATE OR REPLACE FUNCTION lottrace_idempiere.on_warehouse()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  locators numeric[];
BEGIN
  EXECUTE format('SELECT array_agg(m_locator_id) FROM %I.m_locator WHERE m_warehouse_id = $1',
                 TG_TABLE_SCHEMA) INTO locators USING NEW.m_warehouse_id;
  IF locators IS NOT NULL THEN
    PERFORM lottrace_idempiere.sync_locators(TG_TABLE_SCHEMA, locators);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.on_warehouse() IS
  'Trigger on iDempiere''s M_Warehouse: a change of IsDisallowNegativeInv or of the search key updates the lottrace.warehouse rows of its locators.';

CREATE OR REPLACE FUNCTION lottrace_idempiere.on_locator()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace_idempiere.sync_locators(TG_TABLE_SCHEMA, ARRAY[NEW.m_locator_id]);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.on_locator() IS
  'Trigger on iDempiere''s M_Locator: a new locator, or one moved to another warehouse or renamed, gets its lottrace.warehouse row.';

-- A changed GuaranteeDate of an attribute set instance is the lot's new
-- expiry: it goes to the lottrace lots of that code whose movements read
-- this instance (an instance has no product of its own; M_Transaction
-- says which products used it).  A lot whose item has expiry_editable off
-- refuses it (lottrace_expiry_locked), and so does the ERP's update.
CREATE OR REPLACE FUNCTION lottrace_idempiere.on_instance()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NEW.lot IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format($q$
    UPDATE lottrace.lot l
       SET expiry_date = CASE WHEN $2 IS NULL THEN NULL
                              ELSE (date_trunc('day', $2))::date END
     WHERE l.code = $3::lottrace.lotcode
       AND l.item IN (SELECT DISTINCT t.m_product_id::text FROM %1$I.m_transaction t
                       WHERE t.m_attributesetinstance_id = $1)
       AND l.expiry_date IS DISTINCT FROM (date_trunc('day', $2))::date
  $q$, TG_TABLE_SCHEMA) USING NEW.m_attributesetinstance_id, NEW.guaranteedate, NEW.lot;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.on_instance() IS
  'Trigger on iDempiere''s M_AttributeSetInstance: a changed GuaranteeDate becomes the expiry date of the lottrace lot (item and code) that movements of this instance loaded.';

-- Batch keys that a production without plans and a production plan share
-- (see "Production batches" above): the ids read as batch keys both from
-- M_ProductionLine.M_Production_ID and from M_ProductionLine.M_ProductionPlan_ID
-- of lines that have material transactions.
CREATE OR REPLACE FUNCTION lottrace_idempiere.shared_batch_keys(erp_schema text)
RETURNS TABLE (batch_key text, m_production_id numeric, m_productionplan_id numeric)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    SELECT pr.m_production_id::text, pr.m_production_id, pp.m_productionplan_id
      FROM (SELECT DISTINCT l.m_production_id FROM %1$I.m_productionline l
             WHERE l.m_production_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM %1$I.m_transaction t
                            WHERE t.m_productionline_id = l.m_productionline_id)) pr
      JOIN (SELECT DISTINCT l.m_productionplan_id FROM %1$I.m_productionline l
             WHERE l.m_production_id IS NULL AND l.m_productionplan_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM %1$I.m_transaction t
                            WHERE t.m_productionline_id = l.m_productionline_id)) pp
        ON pp.m_productionplan_id = pr.m_production_id
     ORDER BY 1
  $q$, erp_schema);
END
$$;
COMMENT ON FUNCTION lottrace_idempiere.shared_batch_keys(text) IS
  'Production batch keys that an M_Production (lines without plans) and an M_ProductionPlan share in schema erp_schema: lottrace takes them for one batch and links the lots of both.';

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA lottrace_idempiere FROM PUBLIC;

DROP TRIGGER IF EXISTS lottrace_idempiere_sync ON :"schema".m_product;
CREATE TRIGGER lottrace_idempiere_sync
  AFTER INSERT OR UPDATE OF m_attributeset_id ON :"schema".m_product
  FOR EACH ROW EXECUTE FUNCTION lottrace_idempiere.on_product();
COMMENT ON TRIGGER lottrace_idempiere_sync ON :"schema".m_product IS
  'lottrace recipe (erp/idempiere11.sql): keeps lottrace.item in step with the product''s attribute set.';

DROP TRIGGER IF EXISTS lottrace_idempiere_sync ON :"schema".m_attributeset;
CREATE TRIGGER lottrace_idempiere_sync
  AFTER UPDATE OF islot, isserno, islotmandatory, issernomandatory, mandatorytype ON :"schema".m_attributeset
  FOR EACH ROW EXECUTE FUNCTION lottrace_idempiere.on_attributeset();
COMMENT ON TRIGGER lottrace_idempiere_sync ON :"schema".m_attributeset IS
  'lottrace recipe (erp/idempiere11.sql): keeps lottrace.item in step with the tracking flags of the attribute set.';

DROP TRIGGER IF EXISTS lottrace_idempiere_sync ON :"schema".m_warehouse;
CREATE TRIGGER lottrace_idempiere_sync
  AFTER UPDATE OF isdisallownegativeinv, value ON :"schema".m_warehouse
  FOR EACH ROW EXECUTE FUNCTION lottrace_idempiere.on_warehouse();
COMMENT ON TRIGGER lottrace_idempiere_sync ON :"schema".m_warehouse IS
  'lottrace recipe (erp/idempiere11.sql): keeps lottrace.warehouse.allow_negative in step with IsDisallowNegativeInv.';

DROP TRIGGER IF EXISTS lottrace_idempiere_sync ON :"schema".m_locator;
CREATE TRIGGER lottrace_idempiere_sync
  AFTER INSERT OR UPDATE OF m_warehouse_id, value ON :"schema".m_locator
  FOR EACH ROW EXECUTE FUNCTION lottrace_idempiere.on_locator();
COMMENT ON TRIGGER lottrace_idempiere_sync ON :"schema".m_locator IS
  'lottrace recipe (erp/idempiere11.sql): gives every locator its lottrace.warehouse row.';

DROP TRIGGER IF EXISTS lottrace_idempiere_expiry ON :"schema".m_attributesetinstance;
CREATE TRIGGER lottrace_idempiere_expiry
  AFTER UPDATE OF guaranteedate ON :"schema".m_attributesetinstance
  FOR EACH ROW WHEN (OLD.guaranteedate IS DISTINCT FROM NEW.guaranteedate)
  EXECUTE FUNCTION lottrace_idempiere.on_instance();
COMMENT ON TRIGGER lottrace_idempiere_expiry ON :"schema".m_attributesetinstance IS
  'lottrace recipe (erp/idempiere11.sql): a changed GuaranteeDate becomes the lottrace lot''s expiry date.';

-- ---------------------------------------------------------------------------
-- Movement types (AD_Reference 189, MovementType of M_Transaction).  The
-- direction is the type's normal sign; a row of the other sign is a
-- reversal (signed_qty).  Not gated by lot status or expiry: inventory
-- in/out (counting, internal use, write-off), movements between locators
-- (moving a lot into or out of a quarantine locator is routine) and vendor
-- returns (sending a rejected lot back).  Gated: customer shipments,
-- production and work-order consumption.
-- ---------------------------------------------------------------------------
INSERT INTO lottrace.reason AS r (code, direction, description, allow_unavailable, production)
VALUES ('C-', 'unload', 'iDempiere: Customer Shipment',  false, NULL),
       ('C+', 'load',   'iDempiere: Customer Returns',   false, NULL),
       ('V+', 'load',   'iDempiere: Vendor Receipts',    false, NULL),
       ('V-', 'unload', 'iDempiere: Vendor Returns',     true,  NULL),
       ('I+', 'load',   'iDempiere: Inventory In',       true,  NULL),
       ('I-', 'unload', 'iDempiere: Inventory Out',      true,  NULL),
       ('M+', 'load',   'iDempiere: Movement To',        true,  NULL),
       ('M-', 'unload', 'iDempiere: Movement From',      true,  NULL),
       ('P+', 'load',   'iDempiere: Production +',       false, 'output'),
       ('P-', 'unload', 'iDempiere: Production -',       false, 'input'),
       ('W+', 'load',   'iDempiere: Work Order +',       false, 'output'),
       ('W-', 'unload', 'iDempiere: Work Order -',       false, 'input')
ON CONFLICT (code) DO UPDATE
   SET direction = excluded.direction, description = excluded.description,
       allow_unavailable = excluded.allow_unavailable, production = excluded.production;

SELECT lottrace_idempiere.sync_items(:'schema');
SELECT lottrace_idempiere.sync_locators(:'schema');

-- ---------------------------------------------------------------------------
-- The attach.  Lookups through M_Transaction's own foreign keys:
--   lot, serial, expiry  <- M_AttributeSetInstance.Lot / SerNo / GuaranteeDate
--   batch_key            <- M_ProductionLine.M_Production_ID, else its
--                           M_ProductionPlan_ID (P+ output and P- input of
--                           one production, or of one plan, link their lots)
--   doc                  <- M_InOutLine.M_InOut_ID (the receipt or shipment)
-- A completed document's instance rows are then fixed: changing the Lot,
-- SerNo of an instance that governed movements read is refused
-- (lottrace_lookup_changed); its GuaranteeDate may change (followed above).
-- ---------------------------------------------------------------------------
SELECT format('%I.m_transaction', :'schema') AS tbl,
       format('%I.m_attributesetinstance', :'schema') AS asi,
       format('%I.m_productionline', :'schema') AS pline,
       format('%I.m_inoutline', :'schema') AS ioline,
       EXISTS (SELECT 1 FROM lottrace.attachment
                WHERE relid = format('%I.m_transaction', :'schema')::regclass) AS attached
\gset
\if :attached
\echo :tbl is attached already
\else
SELECT lottrace.attach(:'tbl',
         item         => 'm_product_id',
         qty          => 'movementqty',
         warehouse    => 'm_locator_id',
         lot          => 'm_attributesetinstance_id -> ' || :'asi' || '.lot',
         serial       => 'm_attributesetinstance_id -> ' || :'asi' || '.serno',
         expiry       => 'm_attributesetinstance_id -> ' || :'asi' || '.guaranteedate',
         batch_key    => 'm_productionline_id -> ' || :'pline' || '.m_production_id | m_productionplan_id',
         doc          => 'm_inoutline_id -> ' || :'ioline' || '.m_inout_id',
         reason       => 'movementtype',
         moved_on     => 'movementdate',
         signed_qty   => true,
         backfill     => true);
\endif

-- Productions and plans of the history that share a batch key.
SELECT set_config('lottrace_idempiere.schema', :'schema', true) AS erp_schema \gset
DO $$
DECLARE
  k text;
BEGIN
  SELECT string_agg(format('%s (M_Production %s, M_ProductionPlan %s)', batch_key, m_production_id,
                           m_productionplan_id), ', ')
    INTO k FROM lottrace_idempiere.shared_batch_keys(current_setting('lottrace_idempiere.schema'));
  IF k IS NOT NULL THEN
    RAISE WARNING 'a production and a production plan share batch keys: %', k
      USING DETAIL = 'lottrace links the lots consumed and produced under one key: the components of either also appear in the other''s genealogy.';
  END IF;
END
$$;

COMMIT;
