-- iDempiere 11 under lottrace (test/erp/idempiere11): the statements
-- iDempiere's code runs, in its order, for each document, with checks.
--
-- The application code does not run here, so two functions in schema
-- "app" stand for the two Java calls every document completion makes per
-- line and material allocation:
--   app.storage_add  = MStorageOnHand.add(): getCreate (SELECT ... FOR
--                      UPDATE, INSERT with QtyOnHand 0 when missing), then
--                      addQtyOnHand: UPDATE M_StorageOnHand SET
--                      QtyOnHand=QtyOnHand+?, Updated=getDate(), UpdatedBy=?
--                      and NegativeInventoryDisallowedException when the
--                      warehouse has IsDisallowNegativeInv = 'Y';
--   app.trx          = new MTransaction(...).save(): one INSERT INTO
--                      M_Transaction of the columns PO.saveNew writes.
-- MInOut/MMovement.completeIt call storage_add then trx for each line;
-- MProductionLine.createTransactions calls trx then storage (in that order).
-- Documents are drafted (INSERT header, INSERT lines, UPDATEs while the user
-- edits), then completed (DocStatus IP, the lines' transactions,
-- Processed = 'Y', DocStatus CO / DocAction CL).  Void/Reverse-Correct of a
-- completed document is a reversal document (Reversal_ID both ways) whose
-- lines carry the negated quantities and the same MovementType.
\set ON_ERROR_STOP 1
SET client_min_messages = notice;

CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Stands for iDempiere''s Java code in the workflow (test/erp/idempiere11).';

CREATE FUNCTION app.storage_add(p_locator numeric, p_product numeric, p_asi numeric, p_qty numeric,
                                p_dmp timestamp)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  q numeric;
BEGIN
  PERFORM 1 FROM erp.m_storageonhand
   WHERE m_product_id = p_product AND m_locator_id = p_locator
     AND m_attributesetinstance_id = p_asi AND datematerialpolicy = p_dmp FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO erp.m_storageonhand (ad_client_id, ad_org_id, created, createdby, isactive,
                                     m_attributesetinstance_id, m_locator_id, m_product_id, qtyonhand,
                                     updated, updatedby, datematerialpolicy, m_storageonhand_uu)
    VALUES (11, 11, statement_timestamp(), 100, 'Y', p_asi, p_locator, p_product, 0,
            statement_timestamp(), 100, p_dmp, gen_random_uuid()::text);
  END IF;
  UPDATE erp.m_storageonhand SET qtyonhand = qtyonhand + p_qty, updated = statement_timestamp(), updatedby = 100
   WHERE m_product_id = p_product AND m_locator_id = p_locator
     AND m_attributesetinstance_id = p_asi AND datematerialpolicy = p_dmp
  RETURNING qtyonhand INTO q;
  IF q < 0 AND EXISTS (SELECT 1 FROM erp.m_locator l JOIN erp.m_warehouse w USING (m_warehouse_id)
                        WHERE l.m_locator_id = p_locator AND w.isdisallownegativeinv = 'Y') THEN
    RAISE EXCEPTION 'NegativeInventoryDisallowedException: product %, locator %', p_product, p_locator;
  END IF;
END
$$;
COMMENT ON FUNCTION app.storage_add(numeric, numeric, numeric, numeric, timestamp) IS
  'MStorageOnHand.add() of iDempiere 11, as SQL.';

CREATE FUNCTION app.trx(p_id numeric, p_type text, p_locator numeric, p_product numeric, p_asi numeric,
                        p_qty numeric, p_date timestamp, p_inoutline numeric DEFAULT NULL,
                        p_movementline numeric DEFAULT NULL, p_productionline numeric DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO erp.m_transaction (ad_client_id, ad_org_id, created, createdby, isactive, m_attributesetinstance_id,
                                 m_inoutline_id, m_movementline_id, m_productionline_id, m_locator_id,
                                 m_product_id, m_transaction_id, m_transaction_uu, movementdate, movementqty,
                                 movementtype, updated, updatedby)
  VALUES (11, 11, statement_timestamp(), 100, 'Y', p_asi, p_inoutline, p_movementline, p_productionline,
          p_locator, p_product, p_id, gen_random_uuid()::text, p_date, p_qty, p_type,
          statement_timestamp(), 100);
$$;
COMMENT ON FUNCTION app.trx(numeric, text, numeric, numeric, numeric, numeric, timestamp, numeric, numeric, numeric) IS
  'new MTransaction(...).save() of iDempiere 11, as SQL.';

-- The ERP's figures and lottrace's, as (lot, location, qty).  Governed
-- products: attribute set with IsLot (IsSerNo), its mandatory flag and
-- MandatoryType 'Y', as the recipe maps them.
CREATE VIEW app.erp_lots AS
  SELECT s.m_product_id::text || '/' || a.lot AS lot, s.m_locator_id::text AS location, s.qtyonhand AS qty
    FROM erp.m_storageonhand s
    JOIN erp.m_attributesetinstance a USING (m_attributesetinstance_id)
    JOIN erp.m_product p USING (m_product_id)
    JOIN erp.m_attributeset st ON st.m_attributeset_id = p.m_attributeset_id
   WHERE st.islot = 'Y' AND st.islotmandatory = 'Y' AND st.mandatorytype = 'Y';
COMMENT ON VIEW app.erp_lots IS 'iDempiere''s on hand per lot and locator (M_StorageOnHand).';
CREATE VIEW app.lt_lots AS
  SELECT item || '/' || lot AS lot, warehouse AS location, on_hand AS qty FROM lottrace.lot_stock;
COMMENT ON VIEW app.lt_lots IS 'lottrace''s lot stock per locator.';
CREATE VIEW app.erp_serials AS
  SELECT s.m_product_id::text || '/' || a.serno AS lot, s.m_locator_id::text AS location, s.qtyonhand AS qty
    FROM erp.m_storageonhand s
    JOIN erp.m_attributesetinstance a USING (m_attributesetinstance_id)
    JOIN erp.m_product p USING (m_product_id)
    JOIN erp.m_attributeset st ON st.m_attributeset_id = p.m_attributeset_id
   WHERE st.isserno = 'Y' AND st.issernomandatory = 'Y' AND st.mandatorytype = 'Y';
COMMENT ON VIEW app.erp_serials IS 'iDempiere''s on hand per serial and locator (M_StorageOnHand).';
CREATE VIEW app.lt_serials AS
  SELECT item || '/' || serial AS lot, warehouse AS location, 1::numeric AS qty
    FROM lottrace.serial_register WHERE state = 'in_stock';
COMMENT ON VIEW app.lt_serials IS 'lottrace''s serials in stock per locator.';

CREATE FUNCTION app.agree(label text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM erp_test.same(label || ': lots', 'SELECT * FROM app.erp_lots', 'SELECT * FROM app.lt_lots');
  PERFORM erp_test.same(label || ': serials', 'SELECT * FROM app.erp_serials', 'SELECT * FROM app.lt_serials');
  PERFORM erp_test.verify_clean(label);
END
$$;
COMMENT ON FUNCTION app.agree(text) IS 'The ERP''s and lottrace''s stock agree, and verify() is empty.';

-- Products: 1000100 MILK, 1000101 CHEESE, 1000102 RENNET (lots, dated),
-- 1000103 SCANNER (serials), 1000104 BOX (untracked), 1000105 HONEY (lot
-- optional: not governed).  Locators 1000300 HQ-A, 1000301 HQ-Q (warehouse
-- HQ, negative disallowed), 1000302 ST-1 (warehouse STORE, negative allowed).

-- ===== 0. After the recipe: configuration and history =====================
SELECT erp_test.check('items from attribute sets',
  (SELECT array_agg(item || ':' || lot_tracked || ':' || serial_tracked ORDER BY item) FROM lottrace.item)
  = '{1000100:true:false,1000101:true:false,1000102:true:false,1000103:false:true}');
SELECT erp_test.check('locators are warehouses; negative follows IsDisallowNegativeInv',
  (SELECT array_agg(code || ':' || allow_negative || ':' || kind ORDER BY code) FROM lottrace.warehouse)
  = '{1000300:false:internal,1000301:false:internal,1000302:true:internal}');
SELECT erp_test.check('backfill: lots with the ERP''s guarantee date',
  (SELECT array_agg(lot || ':' || expiry_date || ':' || on_hand ORDER BY lot) FROM lottrace.lot_register)
  = '{"Lab #7 Käse:2031-01-31:3",M-001:2030-01-31:70,R-01:2031-06-30:10,R-OLD:2020-03-31:5}');
SELECT erp_test.check('items take any lot text, as iDempiere does (gs1_codes off)',
  (SELECT bool_and(NOT gs1_codes) FROM lottrace.item));
SELECT erp_test.check('the draft receipt MR-2 made no lot',
  NOT EXISTS (SELECT 1 FROM lottrace.lot WHERE code = 'M-009'));
SELECT erp_test.check('the voided receipt MR-3 and its reversal cancel out; loaded_qty lowered',
  (SELECT loaded_qty FROM lottrace.lot_register WHERE lot = 'R-01') = 10);
SELECT app.agree('history');

-- ===== 1. A receipt prepared, then completed ==============================
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001700, 11, 11, 100, 100, 'N', 'MR-4', 'CO', 'DR', 'N', 122, 'V+', '2026-02-02', '2026-02-02',
        114, 109, 1000200);
-- the attribute dialog saves the lot and the instance of each line
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001400, 11, 11, 100, 100, 'M-002', 1000100);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate)
VALUES (1001500, 11, 11, 100, 100, 1000000, 'M-002', 1001400, '2030-03-31');
UPDATE erp.m_attributesetinstance SET description = 'M-002_31/03/2030', updated = statement_timestamp()
 WHERE m_attributesetinstance_id = 1001500;
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, serno)
VALUES (1001501, 11, 11, 100, 100, 1000001, 'SN-3');
UPDATE erp.m_attributesetinstance SET description = '#SN-3', updated = statement_timestamp()
 WHERE m_attributesetinstance_id = 1001501;
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001800, 11, 11, 100, 100, 10, 1001700, 1000300, 1000100, 100, 1001500, 90, 90),
       (1001801, 11, 11, 100, 100, 20, 1001700, 1000300, 1000103, 100, 1001501, 1, 1);
UPDATE erp.m_inoutline SET movementqty = 100, qtyentered = 100, updated = statement_timestamp()
 WHERE m_inoutline_id = 1001800;
COMMIT;
SELECT erp_test.check('draft receipt: no lot yet', NOT EXISTS (SELECT 1 FROM lottrace.lot WHERE code = 'M-002'));
SELECT app.agree('receipt drafted');

BEGIN;
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001700;
SELECT app.storage_add(1000300, 1000100, 1001500, 100, '2026-02-02');
SELECT app.trx(1001900, 'V+', 1000300, 1000100, 1001500, 100, '2026-02-02', 1001800);
SELECT app.storage_add(1000300, 1000103, 1001501, 1, '2026-02-02');
SELECT app.trx(1001901, 'V+', 1000300, 1000103, 1001501, 1, '2026-02-02', 1001801);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001700;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001700;
COMMIT;
SELECT erp_test.check('completed receipt: lot M-002 with the guarantee date, doc = M_InOut_ID',
  EXISTS (SELECT 1 FROM lottrace.lot_register WHERE item = '1000100' AND lot = 'M-002'
             AND expiry_date = '2030-03-31' AND start_date = '2026-02-02' AND on_hand = 100)
  AND EXISTS (SELECT 1 FROM lottrace.movements WHERE lot = 'M-002' AND doc = '1001700' AND reason = 'V+'));
SELECT erp_test.check('serial SN-3 received',
  EXISTS (SELECT 1 FROM lottrace.serial_register WHERE serial = 'SN-3' AND state = 'in_stock'
             AND warehouse = '1000300'));
SELECT app.agree('receipt completed');

-- ===== 2. A reservation, then the delivery ================================
-- The sales order's completion reserves (MStorageReservation.add: getCreate, UPDATE).
BEGIN;
INSERT INTO erp.m_storagereservation (ad_client_id, ad_org_id, created, createdby, issotrx,
                                      m_attributesetinstance_id, m_product_id, m_warehouse_id, qty, updated, updatedby)
VALUES (11, 11, statement_timestamp(), 100, 'Y', 0, 1000100, 1000200, 0, statement_timestamp(), 100);
UPDATE erp.m_storagereservation SET qty = qty + 40, updated = statement_timestamp()
 WHERE m_product_id = 1000100 AND m_warehouse_id = 1000200 AND m_attributesetinstance_id = 0;
COMMIT;
SELECT app.agree('reserved');

BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001701, 11, 11, 100, 100, 'Y', 'SH-2', 'CO', 'DR', 'N', 120, 'C-', '2026-02-03', '2026-02-03',
        117, 118, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001810, 11, 11, 100, 100, 10, 1001701, 1000300, 1000100, 100, 1000500, 40, 40),
       (1001811, 11, 11, 100, 100, 20, 1001701, 1000300, 1000103, 100, 1000504, 1, 1);
COMMIT;
BEGIN;
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001701;
SELECT app.storage_add(1000300, 1000100, 1000500, -40, '2026-01-10');
SELECT app.trx(1001910, 'C-', 1000300, 1000100, 1000500, -40, '2026-02-03', 1001810);
UPDATE erp.m_storagereservation SET qty = qty - 40, updated = statement_timestamp()
 WHERE m_product_id = 1000100 AND m_warehouse_id = 1000200 AND m_attributesetinstance_id = 0;
SELECT app.storage_add(1000300, 1000103, 1000504, -1, '2026-01-10');
SELECT app.trx(1001911, 'C-', 1000300, 1000103, 1000504, -1, '2026-02-03', 1001811);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001701;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001701;
COMMIT;
SELECT erp_test.check('delivered: SN-2 out with the shipment as its document',
  EXISTS (SELECT 1 FROM lottrace.serial_register WHERE serial = 'SN-2' AND state = 'out' AND unload_doc = '1001701'));
SELECT app.agree('delivered');

-- ===== 3. An internal transfer (inventory move HQ-A -> ST-1) ==============
BEGIN;
INSERT INTO erp.m_movement (m_movement_id, ad_client_id, ad_org_id, createdby, updatedby, documentno,
                            movementdate, c_doctype_id, docaction, docstatus)
VALUES (1001600, 11, 11, 100, 100, 'MM-1', '2026-02-04', 123, 'CO', 'DR');
INSERT INTO erp.m_movementline (m_movementline_id, ad_client_id, ad_org_id, createdby, updatedby, m_movement_id,
                                line, m_locator_id, m_locatorto_id, m_product_id, m_attributesetinstance_id,
                                m_attributesetinstanceto_id, movementqty)
VALUES (1001610, 11, 11, 100, 100, 1001600, 10, 1000300, 1000302, 1000100, 1001500, 1001500, 20);
COMMIT;
BEGIN;
UPDATE erp.m_movement SET docstatus = 'IP', updated = statement_timestamp() WHERE m_movement_id = 1001600;
SELECT app.storage_add(1000300, 1000100, 1001500, -20, '2026-02-02');
SELECT app.storage_add(1000302, 1000100, 1001500, 20, '2026-02-02');
SELECT app.trx(1001920, 'M-', 1000300, 1000100, 1001500, -20, '2026-02-04', NULL, 1001610);
SELECT app.trx(1001921, 'M+', 1000302, 1000100, 1001500, 20, '2026-02-04', NULL, 1001610);
UPDATE erp.m_movementline SET processed = 'Y', updated = statement_timestamp() WHERE m_movement_id = 1001600;
UPDATE erp.m_movement SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_movement_id = 1001600;
COMMIT;
SELECT app.agree('transferred');

-- ===== 4. A production: CHEESE from MILK and RENNET =======================
BEGIN;
INSERT INTO erp.m_production (m_production_id, ad_client_id, ad_org_id, createdby, updatedby, documentno,
                              c_doctype_id, docaction, docstatus, movementdate, m_product_id, m_locator_id,
                              productionqty, iscreated)
VALUES (1001650, 11, 11, 100, 100, 'PR-1', 124, 'CO', 'DR', '2026-02-05', 1000101, 1000300, 2, 'N');
-- "Create lines from BOM" (MProduction.createLines): the end product
-- first, then the components; the user picks the component lots.
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001401, 11, 11, 100, 100, 'C-001', 1000101);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate, description)
VALUES (1001502, 11, 11, 100, 100, 1000000, 'C-001', 1001401, '2026-05-06', 'C-001_06/05/2026');
INSERT INTO erp.m_productionline (m_productionline_id, ad_client_id, ad_org_id, createdby, updatedby,
                                  m_production_id, line, m_product_id, m_attributesetinstance_id, m_locator_id,
                                  movementqty, plannedqty, isendproduct)
VALUES (1001660, 11, 11, 100, 100, 1001650, 10, 1000101, 1001502, 1000300, 2, 2, 'Y'),
       (1001661, 11, 11, 100, 100, 1001650, 20, 1000100, 1001500, 1000300, -50, 50, 'N'),
       (1001662, 11, 11, 100, 100, 1001650, 30, 1000102, 1000501, 1000300, -1, 1, 'N');
UPDATE erp.m_production SET iscreated = 'Y', updated = statement_timestamp() WHERE m_production_id = 1001650;
COMMIT;
SELECT app.agree('production drafted');
BEGIN;
UPDATE erp.m_production SET docstatus = 'IP', updated = statement_timestamp() WHERE m_production_id = 1001650;
SELECT app.trx(1001930, 'P+', 1000300, 1000101, 1001502, 2, '2026-02-05', NULL, NULL, 1001660);
SELECT app.storage_add(1000300, 1000101, 1001502, 2, '2026-02-05');
SELECT app.trx(1001931, 'P-', 1000300, 1000100, 1001500, -50, '2026-02-05', NULL, NULL, 1001661);
SELECT app.storage_add(1000300, 1000100, 1001500, -50, '2026-02-02');
SELECT app.trx(1001932, 'P-', 1000300, 1000102, 1000501, -1, '2026-02-05', NULL, NULL, 1001662);
SELECT app.storage_add(1000300, 1000102, 1000501, -1, '2026-01-10');
UPDATE erp.m_productionline SET processed = 'Y', updated = statement_timestamp() WHERE m_production_id = 1001650;
UPDATE erp.m_production SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_production_id = 1001650;
COMMIT;
SELECT erp_test.check('trace_backward(CHEESE C-001) = MILK M-002, RENNET R-01',
  (SELECT array_agg(item || '/' || lot ORDER BY item) FROM lottrace.trace_backward('1000101', 'C-001'))
  = '{1000100/M-002,1000102/R-01}');
SELECT erp_test.check('trace_forward(MILK M-002) = CHEESE C-001',
  (SELECT array_agg(item || '/' || lot) FROM lottrace.trace_forward('1000100', 'M-002')) = '{1000101/C-001}');
SELECT erp_test.check('the cheese lot has the production''s guarantee date',
  (SELECT expiry_date FROM lottrace.lot_register WHERE lot = 'C-001') = '2026-05-06');
SELECT app.agree('produced');

-- ===== 5. Serials in and out ==============================================
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001702, 11, 11, 100, 100, 'Y', 'SH-3', 'CO', 'DR', 'N', 120, 'C-', '2026-02-06', '2026-02-06',
        117, 118, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001820, 11, 11, 100, 100, 10, 1001702, 1000300, 1000103, 100, 1001501, 1, 1);
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001702;
SELECT app.storage_add(1000300, 1000103, 1001501, -1, '2026-02-02');
SELECT app.trx(1001940, 'C-', 1000300, 1000103, 1001501, -1, '2026-02-06', 1001820);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001702;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001702;
COMMIT;
SELECT erp_test.check('SN-3 shipped', EXISTS (SELECT 1 FROM lottrace.serial_register WHERE serial = 'SN-3' AND state = 'out'));
SELECT app.agree('serial out');

-- A second receipt of serial SN-4 while the first is in stock: iDempiere
-- makes a new instance with the same SerNo; lottrace refuses it at the
-- completion's M_Transaction INSERT (the whole completion rolls back).
BEGIN;
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, serno, description)
VALUES (1001503, 11, 11, 100, 100, 1000001, 'SN-4', '#SN-4'),
       (1001504, 11, 11, 100, 100, 1000001, 'SN-4', '#SN-4');
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001703, 11, 11, 100, 100, 'N', 'MR-5', 'CO', 'DR', 'N', 122, 'V+', '2026-02-06', '2026-02-06',
        114, 109, 1000200),
       (1001704, 11, 11, 100, 100, 'N', 'MR-6', 'CO', 'DR', 'N', 122, 'V+', '2026-02-06', '2026-02-06',
        114, 109, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001830, 11, 11, 100, 100, 10, 1001703, 1000300, 1000103, 100, 1001503, 1, 1),
       (1001840, 11, 11, 100, 100, 10, 1001704, 1000302, 1000103, 100, 1001504, 1, 1);
SELECT app.storage_add(1000300, 1000103, 1001503, 1, '2026-02-06');
SELECT app.trx(1001950, 'V+', 1000300, 1000103, 1001503, 1, '2026-02-06', 1001830);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001703;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001703;
SELECT erp_test.expect_error('receipt of serial SN-4 already in stock',
  $x$DO $d$ BEGIN
       UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001704;
       PERFORM app.storage_add(1000302, 1000103, 1001504, 1, '2026-02-06');
       PERFORM app.trx(1001951, 'V+', 1000302, 1000103, 1001504, 1, '2026-02-06', 1001840);
     END $d$$x$, '23505', 'lottrace_serial_in_stock');
-- An import that ships SN-1 again (shipped in January): refused.
SELECT erp_test.expect_error('shipment of serial SN-1, not in stock',
  $x$SELECT app.trx(1001952, 'C-', 1000300, 1000103, 1000503, -1, '2026-02-06')$x$,
  '23514', 'lottrace_serial_not_in_stock');
COMMIT;
SELECT app.agree('serials');

-- ===== 6. A cancellation after completion: Void of SH-2 ===================
-- MInOut.reverseCorrectIt: a copy of the document with negated lines,
-- completed, both documents RE.
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id, reversal_id)
VALUES (1001705, 11, 11, 100, 100, 'Y', 'SH-2^', 'CO', 'DR', 'N', 120, 'C-', '2026-02-03', '2026-02-03',
        117, 118, 1000200, 1001701);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty,
                             qtyentered, reversalline_id)
VALUES (1001850, 11, 11, 100, 100, 10, 1001705, 1000300, 1000100, 100, 1000500, -40, -40, 1001810),
       (1001851, 11, 11, 100, 100, 20, 1001705, 1000300, 1000103, 100, 1000504, -1, -1, 1001811);
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001705;
SELECT app.storage_add(1000300, 1000100, 1000500, 40, '2026-01-10');
SELECT app.trx(1001960, 'C-', 1000300, 1000100, 1000500, 40, '2026-02-03', 1001850);
UPDATE erp.m_storagereservation SET qty = qty + 40, updated = statement_timestamp()
 WHERE m_product_id = 1000100 AND m_warehouse_id = 1000200 AND m_attributesetinstance_id = 0;
SELECT app.storage_add(1000300, 1000103, 1000504, 1, '2026-01-10');
SELECT app.trx(1001961, 'C-', 1000300, 1000103, 1000504, 1, '2026-02-03', 1001851);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001705;
UPDATE erp.m_inout SET docstatus = 'RE', docaction = '--', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001705;
UPDATE erp.m_inout SET docstatus = 'RE', docaction = '--', reversal_id = 1001705, updated = statement_timestamp()
 WHERE m_inout_id = 1001701;
COMMIT;
SELECT erp_test.check('voided shipment: SN-2 back in stock, M-001 back to 70, shipped quantity not loaded',
  EXISTS (SELECT 1 FROM lottrace.serial_register WHERE serial = 'SN-2' AND state = 'in_stock' AND warehouse = '1000300')
  AND (SELECT on_hand || '/' || loaded_qty FROM lottrace.lot_register WHERE lot = 'M-001') = '70/100');
SELECT app.agree('shipment voided');

-- ===== 7. Correction of a completed line: Reverse-Correct and re-enter ====
-- A completed receipt cannot be edited in iDempiere: RENNET R-02 was
-- received as 12 instead of 10; the receipt is reversed and entered again.
BEGIN;
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001402, 11, 11, 100, 100, 'R-02', 1000102);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate, description)
VALUES (1001505, 11, 11, 100, 100, 1000000, 'R-02', 1001402, '2027-02-07', 'R-02_07/02/2027');
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001706, 11, 11, 100, 100, 'N', 'MR-7', 'CO', 'DR', 'N', 122, 'V+', '2026-02-07', '2026-02-07',
        114, 109, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001860, 11, 11, 100, 100, 10, 1001706, 1000300, 1000102, 100, 1001505, 12, 12);
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001706;
SELECT app.storage_add(1000300, 1000102, 1001505, 12, '2026-02-07');
SELECT app.trx(1001970, 'V+', 1000300, 1000102, 1001505, 12, '2026-02-07', 1001860);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001706;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001706;
COMMIT;
SELECT app.agree('receipt with a wrong quantity');
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id, reversal_id)
VALUES (1001707, 11, 11, 100, 100, 'N', 'MR-7^', 'CO', 'DR', 'N', 122, 'V+', '2026-02-07', '2026-02-07',
        114, 109, 1000200, 1001706);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty,
                             qtyentered, reversalline_id)
VALUES (1001870, 11, 11, 100, 100, 10, 1001707, 1000300, 1000102, 100, 1001505, -12, -12, 1001860);
SELECT app.storage_add(1000300, 1000102, 1001505, -12, '2026-02-07');
SELECT app.trx(1001971, 'V+', 1000300, 1000102, 1001505, -12, '2026-02-07', 1001870);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001707;
UPDATE erp.m_inout SET docstatus = 'RE', docaction = '--', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001707;
UPDATE erp.m_inout SET docstatus = 'RE', docaction = '--', reversal_id = 1001707, updated = statement_timestamp()
 WHERE m_inout_id = 1001706;
-- the corrected receipt, into the same instance
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001708, 11, 11, 100, 100, 'N', 'MR-8', 'CO', 'DR', 'N', 122, 'V+', '2026-02-07', '2026-02-07',
        114, 109, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001880, 11, 11, 100, 100, 10, 1001708, 1000300, 1000102, 100, 1001505, 10, 10);
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001708;
SELECT app.storage_add(1000300, 1000102, 1001505, 10, '2026-02-07');
SELECT app.trx(1001972, 'V+', 1000300, 1000102, 1001505, 10, '2026-02-07', 1001880);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001708;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001708;
COMMIT;
SELECT erp_test.check('corrected receipt: R-02 holds 10, loaded 10',
  (SELECT on_hand || '/' || loaded_qty FROM lottrace.lot_register WHERE lot = 'R-02') = '10/10');
SELECT app.agree('receipt corrected');

-- ===== 8. A receipt left in draft =========================================
BEGIN;
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001403, 11, 11, 100, 100, 'M-003', 1000100);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate, description)
VALUES (1001506, 11, 11, 100, 100, 1000000, 'M-003', 1001403, '2030-04-30', 'M-003_30/04/2030');
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001709, 11, 11, 100, 100, 'N', 'MR-9', 'CO', 'DR', 'N', 122, 'V+', '2026-02-08', '2026-02-08',
        114, 109, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001890, 11, 11, 100, 100, 10, 1001709, 1000300, 1000100, 100, 1001506, 60, 60);
COMMIT;
SELECT erp_test.check('draft receipt MR-9: lot M-003 unknown to lottrace',
  NOT EXISTS (SELECT 1 FROM lottrace.lot WHERE code = 'M-003'));
SELECT app.agree('receipt left in draft');

-- ===== 9. A quarantined lot: the shipment is refused at completion ========
SELECT lottrace.set_lot_status('1000100', 'M-001', 'QUARANTINE', 'lab: suspected contamination');
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001710, 11, 11, 100, 100, 'Y', 'SH-4', 'CO', 'DR', 'N', 120, 'C-', '2026-02-09', '2026-02-09',
        117, 118, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001900, 11, 11, 100, 100, 10, 1001710, 1000300, 1000100, 100, 1000500, 10, 10);
COMMIT;
SELECT erp_test.expect_error('shipment of quarantined lot M-001',
  $x$DO $d$ BEGIN
       UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001710;
       PERFORM app.storage_add(1000300, 1000100, 1000500, -10, '2026-01-10');
       PERFORM app.trx(1001980, 'C-', 1000300, 1000100, 1000500, -10, '2026-02-09', 1001900);
     END $d$$x$, '23514', 'lottrace_lot_unavailable');
SELECT erp_test.check('SH-4 stays in draft, stock untouched',
  (SELECT docstatus FROM erp.m_inout WHERE m_inout_id = 1001710) = 'DR'
  AND (SELECT sum(qtyonhand) FROM erp.m_storageonhand WHERE m_attributesetinstance_id = 1000500) = 70);
-- Moving the quarantined lot into the quarantine locator is allowed (M-/M+).
BEGIN;
INSERT INTO erp.m_movement (m_movement_id, ad_client_id, ad_org_id, createdby, updatedby, documentno,
                            movementdate, c_doctype_id, docaction, docstatus)
VALUES (1001601, 11, 11, 100, 100, 'MM-2', '2026-02-09', 123, 'CO', 'DR');
INSERT INTO erp.m_movementline (m_movementline_id, ad_client_id, ad_org_id, createdby, updatedby, m_movement_id,
                                line, m_locator_id, m_locatorto_id, m_product_id, m_attributesetinstance_id,
                                m_attributesetinstanceto_id, movementqty)
VALUES (1001620, 11, 11, 100, 100, 1001601, 10, 1000300, 1000301, 1000100, 1000500, 1000500, 70);
UPDATE erp.m_movement SET docstatus = 'IP', updated = statement_timestamp() WHERE m_movement_id = 1001601;
SELECT app.storage_add(1000300, 1000100, 1000500, -70, '2026-01-10');
SELECT app.storage_add(1000301, 1000100, 1000500, 70, '2026-01-10');
SELECT app.trx(1001981, 'M-', 1000300, 1000100, 1000500, -70, '2026-02-09', NULL, 1001620);
SELECT app.trx(1001982, 'M+', 1000301, 1000100, 1000500, 70, '2026-02-09', NULL, 1001620);
UPDATE erp.m_movementline SET processed = 'Y', updated = statement_timestamp() WHERE m_movement_id = 1001601;
UPDATE erp.m_movement SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_movement_id = 1001601;
COMMIT;
SELECT app.agree('quarantine');

-- ===== 10. An expired lot: shipment refused, vendor return allowed ========
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001711, 11, 11, 100, 100, 'Y', 'SH-5', 'CO', 'DR', 'N', 120, 'C-', '2026-02-10', '2026-02-10',
        117, 118, 1000200),
       (1001712, 11, 11, 100, 100, 'N', 'RV-1', 'CO', 'DR', 'N', 125, 'V-', '2026-02-10', '2026-02-10',
        114, 109, 1000200);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001910, 11, 11, 100, 100, 10, 1001711, 1000300, 1000102, 100, 1000502, 2, 2),
       (1001920, 11, 11, 100, 100, 10, 1001712, 1000300, 1000102, 100, 1000502, 5, 5);
COMMIT;
SELECT erp_test.expect_error('shipment of expired lot R-OLD',
  $x$DO $d$ BEGIN
       PERFORM app.storage_add(1000300, 1000102, 1000502, -2, '2019-12-01');
       PERFORM app.trx(1001990, 'C-', 1000300, 1000102, 1000502, -2, '2026-02-10', 1001910);
     END $d$$x$, '23514', 'lottrace_lot_expired');
BEGIN;
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001712;
SELECT app.storage_add(1000300, 1000102, 1000502, -5, '2019-12-01');
SELECT app.trx(1001991, 'V-', 1000300, 1000102, 1000502, -5, '2026-02-10', 1001920);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001712;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001712;
COMMIT;
SELECT app.agree('expired lot returned to the vendor');

-- ===== 11. Negative stock follows IsDisallowNegativeInv ===================
-- HQ disallows negative on hand: an import that overdraws M-002 there is
-- refused by lottrace as iDempiere's own code would refuse it.
SELECT erp_test.expect_error('import overdrawing M-002 in HQ-A',
  $x$SELECT app.trx(1002000, 'C-', 1000300, 1000100, 1001500, -31, '2026-02-11')$x$,
  '23514', 'lottrace_negative_stock');
-- STORE allows it: a shipment of 25 from ST-1 (20 there) goes to -5 in both.
BEGIN;
INSERT INTO erp.m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                         docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                         c_bpartner_id, c_bpartner_location_id, m_warehouse_id)
VALUES (1001713, 11, 11, 100, 100, 'Y', 'SH-6', 'CO', 'DR', 'N', 120, 'C-', '2026-02-11', '2026-02-11',
        117, 118, 1000201);
INSERT INTO erp.m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                             m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty, qtyentered)
VALUES (1001930, 11, 11, 100, 100, 10, 1001713, 1000302, 1000100, 100, 1001500, 25, 25);
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001713;
SELECT app.storage_add(1000302, 1000100, 1001500, -25, '2026-02-02');
SELECT app.trx(1002001, 'C-', 1000302, 1000100, 1001500, -25, '2026-02-11', 1001930);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001713;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001713;
COMMIT;
SELECT erp_test.check('M-002 at ST-1 is -5 in lottrace too',
  (SELECT on_hand FROM lottrace.lot_stock WHERE lot = 'M-002' AND warehouse = '1000302') = -5);
SELECT app.agree('negative where allowed');
-- The warehouse manager disallows negative stock in STORE: followed.
UPDATE erp.m_warehouse SET isdisallownegativeinv = 'Y', updated = statement_timestamp() WHERE m_warehouse_id = 1000201;
SELECT erp_test.check('STORE''s locator now refuses negative stock',
  NOT (SELECT allow_negative FROM lottrace.warehouse WHERE code = '1000302'));

-- ===== 12. Later changes of the ERP's settings ============================
INSERT INTO erp.m_product (m_product_id, ad_client_id, ad_org_id, createdby, updatedby, value, name, c_uom_id,
                           producttype, m_product_category_id, c_taxcategory_id, m_attributeset_id)
VALUES (1000106, 11, 11, 100, 100, 'YOGURT', 'Yogurt cup', 100, 'I', 105, 107, NULL);
SELECT erp_test.check('a product without attribute set is not an item',
  NOT EXISTS (SELECT 1 FROM lottrace.item WHERE item = '1000106'));
UPDATE erp.m_product SET m_attributeset_id = 1000000, updated = statement_timestamp() WHERE m_product_id = 1000106;
SELECT erp_test.check('given a lot attribute set, it is lot-tracked',
  (SELECT lot_tracked FROM lottrace.item WHERE item = '1000106'));
INSERT INTO erp.m_attributeset (m_attributeset_id, ad_client_id, ad_org_id, createdby, updatedby, name,
                                isserno, islot, isguaranteedate, isinstanceattribute, mandatorytype,
                                isguaranteedatemandatory, islotmandatory, issernomandatory)
VALUES (1000003, 11, 0, 100, 100, 'Lot + serial', 'Y', 'Y', 'N', 'Y', 'N', 'N', 'Y', 'Y');
UPDATE erp.m_product SET m_attributeset_id = 1000003, updated = statement_timestamp() WHERE m_product_id = 1000106;
SELECT erp_test.check('a set whose instance is not mandatory tracks nothing',
  (SELECT NOT lot_tracked AND NOT serial_tracked FROM lottrace.item WHERE item = '1000106'));
UPDATE erp.m_attributeset SET mandatorytype = 'Y', updated = statement_timestamp() WHERE m_attributeset_id = 1000003;
SELECT erp_test.check('made always mandatory: lot and serial tracked',
  (SELECT lot_tracked AND serial_tracked FROM lottrace.item WHERE item = '1000106'));
INSERT INTO erp.m_locator (m_locator_id, ad_client_id, ad_org_id, createdby, updatedby, value, m_warehouse_id)
VALUES (1000303, 11, 11, 100, 100, 'HQ-B', 1000200);
SELECT erp_test.check('a new locator is a warehouse',
  EXISTS (SELECT 1 FROM lottrace.warehouse WHERE code = '1000303' AND description = 'HQ / HQ-B' AND NOT allow_negative));
-- The guarantee date of M-002 is corrected in the attribute dialog: followed.
UPDATE erp.m_attributesetinstance SET guaranteedate = '2030-03-15', description = 'M-002_15/03/2030',
       updated = statement_timestamp() WHERE m_attributesetinstance_id = 1001500;
SELECT erp_test.check('lot M-002 expires on the corrected guarantee date',
  (SELECT expiry_date FROM lottrace.lot WHERE code = 'M-002') = '2030-03-15');
-- Renaming the lot of an instance that completed documents used: refused.
SELECT erp_test.expect_error('rename of lot M-002 in its instance',
  $x$UPDATE erp.m_attributesetinstance SET lot = 'M-002X' WHERE m_attributesetinstance_id = 1001500$x$,
  '23503', 'lottrace_lookup_changed');
SELECT app.agree('settings followed');

-- ===== 13. Release of the quarantine, and the shipment goes ===============
SELECT lottrace.set_lot_status('1000100', 'M-001', 'AVAILABLE', 'lab: released');
BEGIN;
UPDATE erp.m_inoutline SET m_locator_id = 1000301, updated = statement_timestamp() WHERE m_inoutline_id = 1001900;
UPDATE erp.m_inout SET docstatus = 'IP', updated = statement_timestamp() WHERE m_inout_id = 1001710;
SELECT app.storage_add(1000301, 1000100, 1000500, -10, '2026-01-10');
SELECT app.trx(1001980, 'C-', 1000301, 1000100, 1000500, -10, '2026-02-12', 1001900);
UPDATE erp.m_inoutline SET processed = 'Y', updated = statement_timestamp() WHERE m_inout_id = 1001710;
UPDATE erp.m_inout SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_inout_id = 1001710;
COMMIT;
-- Who received M-001: M_Transaction has no business partner, and
-- lottrace.recall() needs an account (a known gap, see erp/idempiere11.sql);
-- the shipments it went out with are lottrace.movements' doc (M_InOut_ID).
SELECT erp_test.check('recall() has no account to name',
  NOT EXISTS (SELECT 1 FROM lottrace.recall('1000100', 'M-001')));
SELECT erp_test.check('M-001 went to partner 117 with SH-1, SH-2 (voided by SH-2^) and SH-4',
  (SELECT array_agg(x ORDER BY x) FROM (
     SELECT io.documentno || ':' || io.c_bpartner_id || ':' || -sum(m.qty) AS x
       FROM lottrace.movements m JOIN erp.m_inout io ON io.m_inout_id::text = m.doc
      WHERE m.item = '1000100' AND m.lot = 'M-001' AND m.reason = 'C-'
      GROUP BY io.documentno, io.c_bpartner_id) s)
  = '{SH-1:117:30,SH-2:117:40,SH-2^:117:-40,SH-4:117:10}');
SELECT app.agree('end');

-- ===== 14. A production with production plans =============================
-- PR-2 (IsUseProductionPlan = 'Y') makes two cheeses, one plan each; the
-- plans' keys come from M_ProductionPlan's own sequence.  MProductionPlan.
-- createLines writes the lines with M_ProductionPlan_ID and no
-- M_Production_ID; completeIt processes the lines of each plan (trx, then
-- storage), marks the plan processed, then the production.
BEGIN;
INSERT INTO erp.m_production (m_production_id, ad_client_id, ad_org_id, createdby, updatedby, documentno,
                              c_doctype_id, docaction, docstatus, movementdate, m_product_id, m_locator_id,
                              productionqty, iscreated, isuseproductionplan)
VALUES (1001651, 11, 11, 100, 100, 'PR-2', 124, 'CO', 'DR', '2026-02-13', NULL, NULL, 0, 'N', 'Y');
INSERT INTO erp.m_productionplan (m_productionplan_id, ad_client_id, ad_org_id, createdby, updatedby,
                                  m_production_id, line, m_product_id, productionqty, m_locator_id)
VALUES (1000000, 11, 11, 100, 100, 1001651, 10, 1000101, 1, 1000300),
       (1000001, 11, 11, 100, 100, 1001651, 20, 1000101, 1, 1000301);
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001404, 11, 11, 100, 100, 'C-002', 1000101),
       (1001405, 11, 11, 100, 100, 'C-003', 1000101);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate, description)
VALUES (1001507, 11, 11, 100, 100, 1000000, 'C-002', 1001404, '2026-05-14', 'C-002_14/05/2026'),
       (1001508, 11, 11, 100, 100, 1000000, 'C-003', 1001405, '2026-05-14', 'C-003_14/05/2026');
INSERT INTO erp.m_productionline (m_productionline_id, ad_client_id, ad_org_id, createdby, updatedby,
                                  m_production_id, m_productionplan_id, line, m_product_id,
                                  m_attributesetinstance_id, m_locator_id, movementqty, plannedqty, qtyused,
                                  isendproduct)
VALUES (1001663, 11, 11, 100, 100, NULL, 1000000, 10, 1000101, 1001507, 1000300, 1, 1, NULL, 'Y'),
       (1001664, 11, 11, 100, 100, NULL, 1000000, 20, 1000100, 1001500, 1000300, -20, 20, 20, 'N'),
       (1001665, 11, 11, 100, 100, NULL, 1000000, 30, 1000102, 1001505, 1000300, -1, 1, 1, 'N'),
       (1001666, 11, 11, 100, 100, NULL, 1000001, 10, 1000101, 1001508, 1000301, 1, 1, NULL, 'Y'),
       (1001667, 11, 11, 100, 100, NULL, 1000001, 20, 1000100, 1000500, 1000301, -25, 25, 25, 'N'),
       (1001668, 11, 11, 100, 100, NULL, 1000001, 30, 1000102, 1000501, 1000300, -1, 1, 1, 'N');
UPDATE erp.m_production SET iscreated = 'Y', updated = statement_timestamp() WHERE m_production_id = 1001651;
COMMIT;
SELECT app.agree('production with plans drafted');
BEGIN;
UPDATE erp.m_production SET docstatus = 'IP', updated = statement_timestamp() WHERE m_production_id = 1001651;
SELECT app.trx(1002010, 'P+', 1000300, 1000101, 1001507, 1, '2026-02-13', NULL, NULL, 1001663);
SELECT app.storage_add(1000300, 1000101, 1001507, 1, '2026-02-13');
SELECT app.trx(1002011, 'P-', 1000300, 1000100, 1001500, -20, '2026-02-13', NULL, NULL, 1001664);
SELECT app.storage_add(1000300, 1000100, 1001500, -20, '2026-02-02');
SELECT app.trx(1002012, 'P-', 1000300, 1000102, 1001505, -1, '2026-02-13', NULL, NULL, 1001665);
SELECT app.storage_add(1000300, 1000102, 1001505, -1, '2026-02-07');
UPDATE erp.m_productionline SET processed = 'Y', updated = statement_timestamp() WHERE m_productionplan_id = 1000000;
UPDATE erp.m_productionplan SET processed = 'Y', updated = statement_timestamp() WHERE m_productionplan_id = 1000000;
SELECT app.trx(1002013, 'P+', 1000301, 1000101, 1001508, 1, '2026-02-13', NULL, NULL, 1001666);
SELECT app.storage_add(1000301, 1000101, 1001508, 1, '2026-02-13');
SELECT app.trx(1002014, 'P-', 1000301, 1000100, 1000500, -25, '2026-02-13', NULL, NULL, 1001667);
SELECT app.storage_add(1000301, 1000100, 1000500, -25, '2026-01-10');
SELECT app.trx(1002015, 'P-', 1000300, 1000102, 1000501, -1, '2026-02-13', NULL, NULL, 1001668);
SELECT app.storage_add(1000300, 1000102, 1000501, -1, '2026-01-10');
UPDATE erp.m_productionline SET processed = 'Y', updated = statement_timestamp() WHERE m_productionplan_id = 1000001;
UPDATE erp.m_productionplan SET processed = 'Y', updated = statement_timestamp() WHERE m_productionplan_id = 1000001;
UPDATE erp.m_production SET docstatus = 'CO', docaction = 'CL', processed = 'Y', updated = statement_timestamp()
 WHERE m_production_id = 1001651;
COMMIT;
SELECT erp_test.check('one batch per plan, keyed by M_ProductionPlan_ID',
  (SELECT array_agg(b.batch_key || ':' || b.role || ':' || l.item || '/' || l.code || ':' || b.qty
                    ORDER BY b.batch_key, b.role, l.item)
     FROM lottrace.batch_member b JOIN lottrace.lot l USING (lot_id)
    WHERE b.batch_key IN ('1000000', '1000001', '1001651'))
  = '{1000000:input:1000100/M-002:20,1000000:input:1000102/R-02:1,1000000:output:1000101/C-002:1,'
    '1000001:input:1000100/M-001:25,1000001:input:1000102/R-01:1,1000001:output:1000101/C-003:1}');
SELECT erp_test.check('trace_backward of each plan''s cheese: its own plan''s components only',
  (SELECT array_agg(item || '/' || lot ORDER BY item) FROM lottrace.trace_backward('1000101', 'C-002'))
  = '{1000100/M-002,1000102/R-02}'
  AND (SELECT array_agg(item || '/' || lot ORDER BY item) FROM lottrace.trace_backward('1000101', 'C-003'))
  = '{1000100/M-001,1000102/R-01}');
SELECT erp_test.check('trace_forward: M-002 went into C-001 (PR-1) and C-002 (plan 10 of PR-2), R-01 into C-001 and C-003',
  (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_forward('1000100', 'M-002')) = '{C-001,C-002}'
  AND (SELECT array_agg(lot::text ORDER BY lot) FROM lottrace.trace_forward('1000102', 'R-01')) = '{C-001,C-003}');
SELECT erp_test.check('no production shares a batch key with a plan',
  NOT EXISTS (SELECT 1 FROM lottrace_idempiere.shared_batch_keys('erp')));
SELECT app.agree('produced with plans');

-- The limit of bare ids as batch keys (erp/idempiere11.sql, "Production
-- batches"): a plan whose id is PR-1's (1001650; the two sequences are
-- independent) falls into PR-1's batch, and its cheese seems made of
-- PR-1's components too.  verify() cannot see it (the registers are what
-- the movements say); shared_batch_keys() names it.  Rolled back.
BEGIN;
INSERT INTO erp.m_production (m_production_id, ad_client_id, ad_org_id, createdby, updatedby, documentno,
                              c_doctype_id, docaction, docstatus, movementdate, productionqty, iscreated,
                              isuseproductionplan)
VALUES (1001652, 11, 11, 100, 100, 'PR-3', 124, 'CO', 'IP', '2026-02-14', 0, 'Y', 'Y');
INSERT INTO erp.m_productionplan (m_productionplan_id, ad_client_id, ad_org_id, createdby, updatedby,
                                  m_production_id, line, m_product_id, productionqty, m_locator_id)
VALUES (1001650, 11, 11, 100, 100, 1001652, 10, 1000101, 1, 1000300);
INSERT INTO erp.m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1001406, 11, 11, 100, 100, 'C-004', 1000101);
INSERT INTO erp.m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                        m_attributeset_id, lot, m_lot_id, guaranteedate, description)
VALUES (1001509, 11, 11, 100, 100, 1000000, 'C-004', 1001406, '2026-05-15', 'C-004_15/05/2026');
INSERT INTO erp.m_productionline (m_productionline_id, ad_client_id, ad_org_id, createdby, updatedby,
                                  m_production_id, m_productionplan_id, line, m_product_id,
                                  m_attributesetinstance_id, m_locator_id, movementqty, plannedqty, qtyused,
                                  isendproduct)
VALUES (1001669, 11, 11, 100, 100, NULL, 1001650, 10, 1000101, 1001509, 1000300, 1, 1, NULL, 'Y'),
       (1001670, 11, 11, 100, 100, NULL, 1001650, 20, 1000102, 1001505, 1000300, -1, 1, 1, 'N');
SELECT app.trx(1002020, 'P+', 1000300, 1000101, 1001509, 1, '2026-02-14', NULL, NULL, 1001669);
SELECT app.storage_add(1000300, 1000101, 1001509, 1, '2026-02-14');
SELECT app.trx(1002021, 'P-', 1000300, 1000102, 1001505, -1, '2026-02-14', NULL, NULL, 1001670);
SELECT app.storage_add(1000300, 1000102, 1001505, -1, '2026-02-07');
SELECT erp_test.check('a plan with a production''s id shares its batch: C-004 seems made of PR-1''s lots too',
  (SELECT array_agg(item || '/' || lot ORDER BY item, lot) FROM lottrace.trace_backward('1000101', 'C-004'))
  = '{1000100/M-002,1000102/R-01,1000102/R-02}');
SELECT erp_test.check('shared_batch_keys() names it',
  (SELECT array_agg(batch_key || ':' || m_production_id || ':' || m_productionplan_id)
     FROM lottrace_idempiere.shared_batch_keys('erp')) = '{1001650:1001650:1001650}');
SELECT erp_test.verify_clean('shared batch key');
ROLLBACK;
SELECT app.agree('end, with production plans');

-- ===== 15. Removal: detach() takes the lookup guards with it ==============
BEGIN;
SELECT lottrace.detach('erp.m_transaction');
SELECT erp_test.check('detach() dropped the guards on the tables the lookups read',
  NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE 'lottrace\_lookup\_%'));
DROP SCHEMA lottrace_idempiere CASCADE;
SELECT erp_test.check('no lottrace trigger is left on iDempiere''s tables',
  NOT EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
               WHERE c.relnamespace = 'erp'::regnamespace AND g.tgname LIKE 'lottrace%'));
ROLLBACK;
