-- A replica of iDempiere 11's stock tables, in schema "erp", as iDempiere
-- creates them on PostgreSQL: only the tables and columns the workflow
-- needs (every NOT NULL column of them, with its default), named, typed and
-- keyed as the ERP has them.
--
-- Read in github:idempiere/idempiere, branch release-11:
--   org.adempiere.base/src/org/compiere/model/X_M_Transaction.java, I_M_Transaction.java
--     (columns; MovementType list AD_Reference 189: C+ C- I+ I- M+ M- P+ P- V+ V- W+ W-;
--      mandatory columns from the constructor)
--   org.adempiere.base/src/org/compiere/model/X_M_AttributeSetInstance.java, X_M_AttributeSet.java
--     (Lot, SerNo, GuaranteeDate, M_Lot_ID; IsLot, IsSerNo, IsGuaranteeDate,
--      MandatoryType AD_Reference 324: Y always, N not mandatory, S when shipping)
--   org.adempiere.base/src/org/compiere/model/X_M_Lot.java, X_M_Product.java, X_M_Locator.java,
--     X_M_Warehouse.java, X_M_InOut.java, X_M_InOutLine.java, X_M_Movement.java,
--     X_M_MovementLine.java, X_M_Production.java, X_M_ProductionPlan.java, X_M_ProductionLine.java,
--   org.adempiere.base/src/org/compiere/model/MProduction.java, MProductionPlan.java, MProductionLine.java
--     (completeIt: with IsUseProductionPlan the lines of each plan; a plan's
--      lines are made by MProductionLine(MProductionPlan), M_Production_ID NULL)
--   migration-historic/314-315/postgresql/008_fix_fk_on_delete.sql
--     (mproduction_plan, mproductionplan_line ON DELETE CASCADE, mlocator_/mproduct_mproductionplan)
--   migration-historic/i2.0/postgresql/201312111413_IDEMPIERE-1132_OfficialIndexes.sql
--     (m_productionplan_production on M_ProductionPlan.M_Production_ID)
--     X_M_StorageOnHand.java, X_M_StorageReservation.java
--   migration-historic/i1.0a-i1.0b/postgresql/201211141732_IDEMPIERE-385_m_storage.sql
--     (CREATE TABLE M_StorageOnHand, M_StorageReservation)
--   migration-historic/i1.0z/postgresql/201310141246_IDEMPIERE-386.sql
--     (DateMaterialPolicy NOT NULL, m_storageonhand_pkey with DateMaterialPolicy)
--   migration-historic/i2.1z/postgresql/201506091830_IDEMPIERE-2668.sql (M_LocatorType)
--   migration/iD11/postgresql/202304091547_IDEMPIERE-5567_Constraints.sql (*_uu_idx UNIQUE)
--   and the ALTER TABLE ... ADD COLUMN scripts under migration*/postgresql for
--   M_Warehouse.IsDisallowNegativeInv / IsInTransit, M_Production.*, M_ProductionLine.*,
--   M_AttributeSet.IsAutoGenerateLot / M_AttributeSet_Type, *_UU.
--
-- iDempiere's column types on PostgreSQL: IDs NUMERIC(10), Yes-No CHAR(1)
-- with a CHECK, lists VARCHAR(n) / CHAR(2), quantities NUMERIC, dates
-- TIMESTAMP without time zone.  Its keys come from AD_Sequence (no
-- database sequence, no default).  Its foreign keys are DEFERRABLE
-- INITIALLY DEFERRED.  Left out: AD_Client, AD_Org, AD_User, C_UOM,
-- C_BPartner, C_DocType, C_Order* and the other tables these columns
-- reference (their columns are kept, without the foreign key).
CREATE SCHEMA erp;
COMMENT ON SCHEMA erp IS 'Replica of iDempiere 11 stock tables (test/erp/idempiere11).';
SET search_path = erp;

CREATE TABLE m_attributeset (
  m_attributeset_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  name VARCHAR(60) NOT NULL,
  description VARCHAR(255) DEFAULT NULL,
  isserno CHAR(1) DEFAULT 'N' CHECK (isserno IN ('Y','N')) NOT NULL,
  m_sernoctl_id NUMERIC(10) DEFAULT NULL,
  islot CHAR(1) DEFAULT 'N' CHECK (islot IN ('Y','N')) NOT NULL,
  m_lotctl_id NUMERIC(10) DEFAULT NULL,
  isguaranteedate CHAR(1) DEFAULT 'N' CHECK (isguaranteedate IN ('Y','N')) NOT NULL,
  guaranteedays NUMERIC(10) DEFAULT NULL,
  isinstanceattribute CHAR(1) DEFAULT 'N' CHECK (isinstanceattribute IN ('Y','N')) NOT NULL,
  mandatorytype CHAR(1) DEFAULT 'N' NOT NULL,
  isguaranteedatemandatory CHAR(1) DEFAULT 'N' CHECK (isguaranteedatemandatory IN ('Y','N')) NOT NULL,
  islotmandatory CHAR(1) DEFAULT 'N' CHECK (islotmandatory IN ('Y','N')) NOT NULL,
  issernomandatory CHAR(1) DEFAULT 'N' CHECK (issernomandatory IN ('Y','N')) NOT NULL,
  isautogeneratelot CHAR(1) DEFAULT 'N' CHECK (isautogeneratelot IN ('Y','N')),
  m_attributeset_type VARCHAR(3) DEFAULT 'MMS' NOT NULL,
  m_attributeset_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_attributeset_pkey PRIMARY KEY (m_attributeset_id),
  CONSTRAINT m_attributeset_uu_idx UNIQUE (m_attributeset_uu)
);

CREATE TABLE m_product (
  m_product_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  value VARCHAR(40) NOT NULL,
  name VARCHAR(255) NOT NULL,
  c_uom_id NUMERIC(10) NOT NULL,
  issummary CHAR(1) DEFAULT 'N' CHECK (issummary IN ('Y','N')) NOT NULL,
  isstocked CHAR(1) DEFAULT 'Y' CHECK (isstocked IN ('Y','N')) NOT NULL,
  isbom CHAR(1) DEFAULT 'N' CHECK (isbom IN ('Y','N')) NOT NULL,
  producttype CHAR(1) DEFAULT 'I' NOT NULL,
  m_product_category_id NUMERIC(10) NOT NULL,
  c_taxcategory_id NUMERIC(10) NOT NULL,
  m_attributeset_id NUMERIC(10) DEFAULT NULL,
  m_attributesetinstance_id NUMERIC(10) DEFAULT NULL,
  guaranteedays NUMERIC(10) DEFAULT NULL,
  guaranteedaysmin NUMERIC(10) DEFAULT NULL,
  m_product_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_product_pkey PRIMARY KEY (m_product_id),
  CONSTRAINT m_product_uu_idx UNIQUE (m_product_uu),
  CONSTRAINT mattrset_mproduct FOREIGN KEY (m_attributeset_id)
    REFERENCES m_attributeset (m_attributeset_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE m_lot (
  m_lot_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  name VARCHAR(40) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  m_lotctl_id NUMERIC(10) DEFAULT NULL,
  datefrom TIMESTAMP DEFAULT NULL,
  dateto TIMESTAMP DEFAULT NULL,
  m_lot_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_lot_pkey PRIMARY KEY (m_lot_id),
  CONSTRAINT m_lot_uu_idx UNIQUE (m_lot_uu),
  CONSTRAINT mproduct_mlot FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE m_attributesetinstance (
  m_attributesetinstance_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  m_attributeset_id NUMERIC(10) NOT NULL,
  serno VARCHAR(40) DEFAULT NULL,
  lot VARCHAR(40) DEFAULT NULL,
  guaranteedate TIMESTAMP DEFAULT NULL,
  description VARCHAR(255) DEFAULT NULL,
  m_lot_id NUMERIC(10) DEFAULT NULL,
  m_attributesetinstance_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_attributesetinstance_pkey PRIMARY KEY (m_attributesetinstance_id),
  CONSTRAINT m_attributesetinstance_uu_idx UNIQUE (m_attributesetinstance_uu),
  CONSTRAINT mattributeset_mattributesetins FOREIGN KEY (m_attributeset_id)
    REFERENCES m_attributeset (m_attributeset_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlot_mattributesetinstance FOREIGN KEY (m_lot_id)
    REFERENCES m_lot (m_lot_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE m_warehouse (
  m_warehouse_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  value VARCHAR(40) NOT NULL,
  name VARCHAR(60) NOT NULL,
  c_location_id NUMERIC(10) NOT NULL,
  separator CHAR(1) DEFAULT '*' NOT NULL,
  isintransit CHAR(1) DEFAULT 'N' CHECK (isintransit IN ('Y','N')),
  isdisallownegativeinv CHAR(1) DEFAULT 'N' CHECK (isdisallownegativeinv IN ('Y','N')) NOT NULL,
  m_warehouse_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_warehouse_pkey PRIMARY KEY (m_warehouse_id),
  CONSTRAINT m_warehouse_uu_idx UNIQUE (m_warehouse_uu)
);

CREATE TABLE m_locator (
  m_locator_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  value VARCHAR(40) NOT NULL,
  m_warehouse_id NUMERIC(10) NOT NULL,
  priorityno NUMERIC(10) DEFAULT 50 NOT NULL,
  isdefault CHAR(1) DEFAULT 'N' CHECK (isdefault IN ('Y','N')) NOT NULL,
  x VARCHAR(60) DEFAULT NULL,
  y VARCHAR(60) DEFAULT NULL,
  z VARCHAR(60) DEFAULT NULL,
  m_locatortype_id NUMERIC(10) DEFAULT NULL,
  m_locator_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_locator_pkey PRIMARY KEY (m_locator_id),
  CONSTRAINT m_locator_uu_idx UNIQUE (m_locator_uu),
  CONSTRAINT mwarehouse_mlocator FOREIGN KEY (m_warehouse_id)
    REFERENCES m_warehouse (m_warehouse_id) DEFERRABLE INITIALLY DEFERRED
);

-- Material receipts and shipments (documents; lines).
CREATE TABLE m_inout (
  m_inout_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  issotrx CHAR(1) DEFAULT 'N' CHECK (issotrx IN ('Y','N')) NOT NULL,
  documentno VARCHAR(30) NOT NULL,
  docaction CHAR(2) DEFAULT 'CO' NOT NULL,
  docstatus CHAR(2) DEFAULT 'DR' NOT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  c_doctype_id NUMERIC(10) NOT NULL,
  movementtype CHAR(2) NOT NULL,
  movementdate TIMESTAMP NOT NULL,
  dateacct TIMESTAMP NOT NULL,
  c_bpartner_id NUMERIC(10) NOT NULL,
  c_bpartner_location_id NUMERIC(10) NOT NULL,
  m_warehouse_id NUMERIC(10) NOT NULL,
  c_order_id NUMERIC(10) DEFAULT NULL,
  reversal_id NUMERIC(10) DEFAULT NULL,
  m_inout_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_inout_pkey PRIMARY KEY (m_inout_id),
  CONSTRAINT m_inout_uu_idx UNIQUE (m_inout_uu),
  CONSTRAINT mwarehouse_minout FOREIGN KEY (m_warehouse_id)
    REFERENCES m_warehouse (m_warehouse_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT reversal_minout FOREIGN KEY (reversal_id)
    REFERENCES m_inout (m_inout_id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE m_inoutline (
  m_inoutline_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  line NUMERIC(10) NOT NULL,
  m_inout_id NUMERIC(10) NOT NULL,
  c_orderline_id NUMERIC(10) DEFAULT NULL,
  m_locator_id NUMERIC(10) DEFAULT NULL,
  m_product_id NUMERIC(10) DEFAULT NULL,
  c_uom_id NUMERIC(10) NOT NULL,
  m_attributesetinstance_id NUMERIC(10) DEFAULT NULL,
  movementqty NUMERIC DEFAULT 0 NOT NULL,
  qtyentered NUMERIC DEFAULT 0 NOT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  reversalline_id NUMERIC(10) DEFAULT NULL,
  m_inoutline_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_inoutline_pkey PRIMARY KEY (m_inoutline_id),
  CONSTRAINT m_inoutline_uu_idx UNIQUE (m_inoutline_uu),
  CONSTRAINT minout_minoutline FOREIGN KEY (m_inout_id)
    REFERENCES m_inout (m_inout_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_minoutline FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_minoutline FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mattrsetinst_minoutline FOREIGN KEY (m_attributesetinstance_id)
    REFERENCES m_attributesetinstance (m_attributesetinstance_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT reversalline_minoutline FOREIGN KEY (reversalline_id)
    REFERENCES m_inoutline (m_inoutline_id) DEFERRABLE INITIALLY DEFERRED
);

-- Inventory moves between locators.
CREATE TABLE m_movement (
  m_movement_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  documentno VARCHAR(30) NOT NULL,
  movementdate TIMESTAMP NOT NULL,
  c_doctype_id NUMERIC(10) NOT NULL,
  docaction CHAR(2) DEFAULT 'CO' NOT NULL,
  docstatus CHAR(2) DEFAULT 'DR' NOT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  reversal_id NUMERIC(10) DEFAULT NULL,
  m_movement_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_movement_pkey PRIMARY KEY (m_movement_id),
  CONSTRAINT m_movement_uu_idx UNIQUE (m_movement_uu)
);

CREATE TABLE m_movementline (
  m_movementline_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  m_movement_id NUMERIC(10) NOT NULL,
  line NUMERIC(10) NOT NULL,
  m_locator_id NUMERIC(10) NOT NULL,
  m_locatorto_id NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  m_attributesetinstance_id NUMERIC(10) DEFAULT NULL,
  m_attributesetinstanceto_id NUMERIC(10) DEFAULT NULL,
  movementqty NUMERIC DEFAULT 1 NOT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  m_movementline_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_movementline_pkey PRIMARY KEY (m_movementline_id),
  CONSTRAINT m_movementline_uu_idx UNIQUE (m_movementline_uu),
  CONSTRAINT mmovement_mmovementline FOREIGN KEY (m_movement_id)
    REFERENCES m_movement (m_movement_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_mmovementline FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocatorto_mmovementline FOREIGN KEY (m_locatorto_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mmovementline FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED
);

-- Production (the core manufacturing document) and its lines: the end
-- product line (IsEndProduct = 'Y', positive MovementQty) and the
-- components (negative MovementQty).
CREATE TABLE m_production (
  m_production_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  name VARCHAR(60) DEFAULT NULL,
  documentno VARCHAR(30) NOT NULL,
  c_doctype_id NUMERIC(10) DEFAULT NULL,
  docaction CHAR(2) DEFAULT 'CO' NOT NULL,
  docstatus VARCHAR(2) DEFAULT 'DR' NOT NULL,
  movementdate TIMESTAMP NOT NULL,
  m_product_id NUMERIC(10) DEFAULT NULL,
  m_locator_id NUMERIC(10) DEFAULT NULL,
  productionqty NUMERIC DEFAULT 0 NOT NULL,
  iscreated CHAR(1) DEFAULT 'N' NOT NULL,
  isuseproductionplan CHAR(1) DEFAULT 'N' CHECK (isuseproductionplan IN ('Y','N')) NOT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  posted CHAR(1) DEFAULT 'N' NOT NULL,
  reversal_id NUMERIC(10) DEFAULT NULL,
  m_production_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_production_pkey PRIMARY KEY (m_production_id),
  CONSTRAINT m_production_uu_idx UNIQUE (m_production_uu),
  CONSTRAINT mlocator_mproduction FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mproduction FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT reversal_mproduction FOREIGN KEY (reversal_id)
    REFERENCES m_production (m_production_id) DEFERRABLE INITIALLY DEFERRED
);

-- Production plans (M_Production.IsUseProductionPlan = 'Y'): one plan per
-- end product of the production; its lines (MProductionLine(MProductionPlan))
-- carry M_ProductionPlan_ID and no M_Production_ID.  The plan's key comes
-- from its own AD_Sequence, not M_Production's.
CREATE TABLE m_productionplan (
  m_productionplan_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  m_production_id NUMERIC(10) NOT NULL,
  line NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  productionqty NUMERIC DEFAULT 1 NOT NULL,
  m_locator_id NUMERIC(10) NOT NULL,
  description VARCHAR(255) DEFAULT NULL,
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  m_productionplan_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_productionplan_pkey PRIMARY KEY (m_productionplan_id),
  CONSTRAINT m_productionplan_uu_idx UNIQUE (m_productionplan_uu),
  CONSTRAINT mproduction_plan FOREIGN KEY (m_production_id)
    REFERENCES m_production (m_production_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_mproductionplan FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mproductionplan FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX m_productionplan_production ON m_productionplan (m_production_id);

CREATE TABLE m_productionline (
  m_productionline_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  m_production_id NUMERIC(10) DEFAULT NULL,
  m_productionplan_id NUMERIC(10) DEFAULT NULL,
  line NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  m_attributesetinstance_id NUMERIC(10) DEFAULT 0 NOT NULL,
  m_locator_id NUMERIC(10) NOT NULL,
  movementqty NUMERIC DEFAULT 0 NOT NULL,
  plannedqty NUMERIC DEFAULT NULL,
  qtyused NUMERIC DEFAULT NULL,
  isendproduct CHAR(1) DEFAULT NULL CHECK (isendproduct IN ('Y','N')),
  processed CHAR(1) DEFAULT 'N' CHECK (processed IN ('Y','N')) NOT NULL,
  m_productionline_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_productionline_pkey PRIMARY KEY (m_productionline_id),
  CONSTRAINT m_productionline_uu_idx UNIQUE (m_productionline_uu),
  CONSTRAINT mproduction_mproductionline FOREIGN KEY (m_production_id)
    REFERENCES m_production (m_production_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproductionplan_line FOREIGN KEY (m_productionplan_id)
    REFERENCES m_productionplan (m_productionplan_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mproductionline FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_mproductionline FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mattrsetinst_mproductionline FOREIGN KEY (m_attributesetinstance_id)
    REFERENCES m_attributesetinstance (m_attributesetinstance_id) DEFERRABLE INITIALLY DEFERRED
);

-- iDempiere's own stock figure: on hand per product, locator, attribute
-- set instance and material-policy date.
CREATE TABLE m_storageonhand (
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  datelastinventory TIMESTAMP DEFAULT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  m_attributesetinstance_id NUMERIC(10) NOT NULL,
  m_locator_id NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  qtyonhand NUMERIC NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  datematerialpolicy TIMESTAMP NOT NULL,
  m_storageonhand_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_storageonhand_pkey PRIMARY KEY (m_product_id, m_locator_id, m_attributesetinstance_id, datematerialpolicy),
  CONSTRAINT m_storageonhand_uu_idx UNIQUE (m_storageonhand_uu),
  CONSTRAINT mattributesetinstance_mstoraoh FOREIGN KEY (m_attributesetinstance_id)
    REFERENCES m_attributesetinstance (m_attributesetinstance_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_mstorageonhand FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mstorageonhand FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED
);

-- Reserved quantities (sales orders), per product, warehouse and ASI.
CREATE TABLE m_storagereservation (
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  created TIMESTAMP NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  datelastinventory TIMESTAMP DEFAULT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  issotrx CHAR(1) DEFAULT 'Y' CHECK (issotrx IN ('Y','N')),
  m_attributesetinstance_id NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  m_warehouse_id NUMERIC(10) NOT NULL,
  qty NUMERIC NOT NULL,
  updated TIMESTAMP NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  CONSTRAINT m_storagereservation_key PRIMARY KEY (m_attributesetinstance_id, m_product_id, m_warehouse_id)
);

-- The movement table: one row per completed movement of a product in a
-- locator, MovementQty signed (+ in, - out); reversals carry the original
-- MovementType with the opposite sign.
CREATE TABLE m_transaction (
  m_transaction_id NUMERIC(10) NOT NULL,
  ad_client_id NUMERIC(10) NOT NULL,
  ad_org_id NUMERIC(10) NOT NULL,
  isactive CHAR(1) DEFAULT 'Y' CHECK (isactive IN ('Y','N')) NOT NULL,
  created TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  createdby NUMERIC(10) NOT NULL,
  updated TIMESTAMP DEFAULT statement_timestamp() NOT NULL,
  updatedby NUMERIC(10) NOT NULL,
  movementtype VARCHAR(2) NOT NULL,
  m_locator_id NUMERIC(10) NOT NULL,
  m_product_id NUMERIC(10) NOT NULL,
  movementdate TIMESTAMP NOT NULL,
  movementqty NUMERIC DEFAULT 0 NOT NULL,
  m_inventoryline_id NUMERIC(10) DEFAULT NULL,
  m_movementline_id NUMERIC(10) DEFAULT NULL,
  m_inoutline_id NUMERIC(10) DEFAULT NULL,
  m_productionline_id NUMERIC(10) DEFAULT NULL,
  c_projectissue_id NUMERIC(10) DEFAULT NULL,
  m_attributesetinstance_id NUMERIC(10) DEFAULT 0 NOT NULL,
  pp_cost_collector_id NUMERIC(10) DEFAULT NULL,
  m_transaction_uu VARCHAR(36) DEFAULT NULL,
  CONSTRAINT m_transaction_pkey PRIMARY KEY (m_transaction_id),
  CONSTRAINT m_transaction_uu_idx UNIQUE (m_transaction_uu),
  CONSTRAINT mattrsetinst_mtransaction FOREIGN KEY (m_attributesetinstance_id)
    REFERENCES m_attributesetinstance (m_attributesetinstance_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mlocator_mtransaction FOREIGN KEY (m_locator_id)
    REFERENCES m_locator (m_locator_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproduct_mtransaction FOREIGN KEY (m_product_id)
    REFERENCES m_product (m_product_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT minoutline_mtransaction FOREIGN KEY (m_inoutline_id)
    REFERENCES m_inoutline (m_inoutline_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mmovementline_mtransaction FOREIGN KEY (m_movementline_id)
    REFERENCES m_movementline (m_movementline_id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT mproductionline_mtransaction FOREIGN KEY (m_productionline_id)
    REFERENCES m_productionline (m_productionline_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX m_transaction_product ON m_transaction (m_product_id);
