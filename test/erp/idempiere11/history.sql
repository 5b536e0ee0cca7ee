-- What iDempiere wrote before lottrace came (test/erp/idempiere11): the
-- dictionary rows of a client (attribute sets, products, warehouses,
-- locators), completed receipts and a shipment with their M_Transaction
-- and M_StorageOnHand rows, a draft receipt (no transaction: iDempiere
-- writes M_Transaction only when a document completes), a voided draft
-- shipment (quantities set to 0, no transaction) and a receipt completed
-- and then voided (a reversal document with the same MovementType and the
-- opposite sign).  Client 11, organisation 11, user 100, as iDempiere's
-- sample client; keys from AD_Sequence (1000000 and up).
SET search_path = erp;

-- The instance 0 ("no attributes") and its set, as in iDempiere's seed.
INSERT INTO m_attributeset (m_attributeset_id, ad_client_id, ad_org_id, createdby, updatedby, name,
                            isserno, islot, isguaranteedate, isinstanceattribute, mandatorytype,
                            isguaranteedatemandatory, islotmandatory, issernomandatory, m_attributeset_type)
VALUES (0, 0, 0, 0, 0, 'Standard', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'MMS'),
       (1000000, 11, 0, 100, 100, 'Lot with guarantee date', 'N', 'Y', 'Y', 'Y', 'Y', 'N', 'Y', 'N', 'MMS'),
       (1000001, 11, 0, 100, 100, 'Serial number', 'Y', 'N', 'N', 'Y', 'Y', 'N', 'N', 'Y', 'MMS'),
       (1000002, 11, 0, 100, 100, 'Lot (optional)', 'N', 'Y', 'N', 'Y', 'N', 'N', 'N', 'N', 'MMS');

INSERT INTO m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                    m_attributeset_id, description)
VALUES (0, 0, 0, 0, 0, 0, NULL);

INSERT INTO m_product (m_product_id, ad_client_id, ad_org_id, createdby, updatedby, value, name, c_uom_id,
                       producttype, m_product_category_id, c_taxcategory_id, m_attributeset_id,
                       guaranteedays, m_product_uu)
VALUES (1000100, 11, 11, 100, 100, 'MILK',    'Raw milk (l)',        100, 'I', 105, 107, 1000000, 10,  'c0a80001-0000-4000-8000-000000000100'),
       (1000101, 11, 11, 100, 100, 'CHEESE',  'Cheese wheel',        100, 'I', 105, 107, 1000000, 90,  'c0a80001-0000-4000-8000-000000000101'),
       (1000102, 11, 11, 100, 100, 'RENNET',  'Rennet (kg)',         100, 'I', 105, 107, 1000000, 365, 'c0a80001-0000-4000-8000-000000000102'),
       (1000103, 11, 11, 100, 100, 'SCANNER', 'Handheld scanner',    100, 'I', 105, 107, 1000001, NULL,'c0a80001-0000-4000-8000-000000000103'),
       (1000104, 11, 11, 100, 100, 'BOX',     'Shipping box',        100, 'I', 105, 107, NULL,    NULL,'c0a80001-0000-4000-8000-000000000104'),
       (1000105, 11, 11, 100, 100, 'HONEY',   'Honey jar',           100, 'I', 105, 107, 1000002, NULL,'c0a80001-0000-4000-8000-000000000105');

INSERT INTO m_warehouse (m_warehouse_id, ad_client_id, ad_org_id, createdby, updatedby, value, name,
                         c_location_id, isdisallownegativeinv)
VALUES (1000200, 11, 11, 100, 100, 'HQ', 'Head quarters', 114, 'Y'),
       (1000201, 11, 11, 100, 100, 'STORE', 'Store', 115, 'N');

INSERT INTO m_locator (m_locator_id, ad_client_id, ad_org_id, createdby, updatedby, value, m_warehouse_id,
                       isdefault, x, y, z)
VALUES (1000300, 11, 11, 100, 100, 'HQ-A', 1000200, 'Y', 'A', '0', '0'),
       (1000301, 11, 11, 100, 100, 'HQ-Q', 1000200, 'N', 'Q', '0', '0'),
       (1000302, 11, 11, 100, 100, 'ST-1', 1000201, 'Y', '1', '0', '0');

-- Lots and the instances the attribute dialog saved for the receipt lines.
INSERT INTO m_lot (m_lot_id, ad_client_id, ad_org_id, createdby, updatedby, name, m_product_id)
VALUES (1000400, 11, 11, 100, 100, 'M-001', 1000100),
       (1000401, 11, 11, 100, 100, 'R-01',  1000102),
       (1000402, 11, 11, 100, 100, 'R-OLD', 1000102),
       (1000403, 11, 11, 100, 100, 'M-009', 1000100),
       (1000404, 11, 11, 100, 100, 'Lab #7 Käse', 1000102);
INSERT INTO m_attributesetinstance (m_attributesetinstance_id, ad_client_id, ad_org_id, createdby, updatedby,
                                    m_attributeset_id, lot, serno, guaranteedate, m_lot_id, description)
VALUES (1000500, 11, 11, 100, 100, 1000000, 'M-001', NULL, '2030-01-31', 1000400, 'M-001_31/01/2030'),
       (1000501, 11, 11, 100, 100, 1000000, 'R-01',  NULL, '2031-06-30', 1000401, 'R-01_30/06/2031'),
       (1000502, 11, 11, 100, 100, 1000000, 'R-OLD', NULL, '2020-03-31', 1000402, 'R-OLD_31/03/2020'),
       (1000503, 11, 11, 100, 100, 1000001, NULL, 'SN-1', NULL, NULL, '#SN-1'),
       (1000504, 11, 11, 100, 100, 1000001, NULL, 'SN-2', NULL, NULL, '#SN-2'),
       (1000505, 11, 11, 100, 100, 1000002, 'H-1', NULL, NULL, NULL, 'H-1'),
       (1000506, 11, 11, 100, 100, 1000000, 'M-009', NULL, '2030-02-28', 1000403, 'M-009_28/02/2030'),
       -- a lot typed in the attribute dialog: iDempiere takes any text
       (1000507, 11, 11, 100, 100, 1000000, 'Lab #7 Käse', NULL, '2031-01-31', 1000404, 'Lab #7 Käse_31/01/2031');

-- Documents.
INSERT INTO m_inout (m_inout_id, ad_client_id, ad_org_id, createdby, updatedby, issotrx, documentno,
                     docaction, docstatus, processed, c_doctype_id, movementtype, movementdate, dateacct,
                     c_bpartner_id, c_bpartner_location_id, m_warehouse_id, reversal_id)
VALUES (1000700, 11, 11, 100, 100, 'N', 'MR-0', 'CL', 'CO', 'Y', 122, 'V+', '2019-12-01', '2019-12-01', 114, 109, 1000200, NULL),
       (1000701, 11, 11, 100, 100, 'N', 'MR-1', 'CL', 'CO', 'Y', 122, 'V+', '2026-01-10', '2026-01-10', 114, 109, 1000200, NULL),
       (1000702, 11, 11, 100, 100, 'Y', 'SH-1', 'CL', 'CO', 'Y', 120, 'C-', '2026-01-15', '2026-01-15', 117, 118, 1000200, NULL),
       (1000703, 11, 11, 100, 100, 'N', 'MR-2', 'CO', 'DR', 'N', 122, 'V+', '2026-01-16', '2026-01-16', 114, 109, 1000200, NULL),
       (1000704, 11, 11, 100, 100, 'Y', 'SH-0', '--', 'VO', 'Y', 120, 'C-', '2026-01-14', '2026-01-14', 117, 118, 1000200, NULL),
       (1000705, 11, 11, 100, 100, 'N', 'MR-3', '--', 'RE', 'Y', 122, 'V+', '2026-01-12', '2026-01-12', 114, 109, 1000200, 1000706),
       (1000706, 11, 11, 100, 100, 'N', 'MR-3^', '--', 'RE', 'Y', 122, 'V+', '2026-01-12', '2026-01-12', 114, 109, 1000200, 1000705);

INSERT INTO m_inoutline (m_inoutline_id, ad_client_id, ad_org_id, createdby, updatedby, line, m_inout_id,
                         m_locator_id, m_product_id, c_uom_id, m_attributesetinstance_id, movementqty,
                         qtyentered, processed, reversalline_id)
VALUES (1000800, 11, 11, 100, 100, 10, 1000700, 1000300, 1000102, 100, 1000502, 5, 5, 'Y', NULL),
       (1000801, 11, 11, 100, 100, 10, 1000701, 1000300, 1000100, 100, 1000500, 100, 100, 'Y', NULL),
       (1000802, 11, 11, 100, 100, 20, 1000701, 1000300, 1000102, 100, 1000501, 10, 10, 'Y', NULL),
       (1000803, 11, 11, 100, 100, 30, 1000701, 1000300, 1000103, 100, 1000503, 1, 1, 'Y', NULL),
       (1000804, 11, 11, 100, 100, 40, 1000701, 1000300, 1000103, 100, 1000504, 1, 1, 'Y', NULL),
       (1000805, 11, 11, 100, 100, 50, 1000701, 1000300, 1000104, 100, 0, 50, 50, 'Y', NULL),
       (1000806, 11, 11, 100, 100, 60, 1000701, 1000300, 1000105, 100, 0, 20, 20, 'Y', NULL),
       (1000807, 11, 11, 100, 100, 70, 1000701, 1000300, 1000105, 100, 1000505, 5, 5, 'Y', NULL),
       (1000808, 11, 11, 100, 100, 80, 1000701, 1000300, 1000102, 100, 1000507, 3, 3, 'Y', NULL),
       (1000810, 11, 11, 100, 100, 10, 1000702, 1000300, 1000100, 100, 1000500, 30, 30, 'Y', NULL),
       (1000811, 11, 11, 100, 100, 20, 1000702, 1000300, 1000103, 100, 1000503, 1, 1, 'Y', NULL),
       (1000812, 11, 11, 100, 100, 30, 1000702, 1000300, 1000104, 100, 0, 10, 10, 'Y', NULL),
       (1000820, 11, 11, 100, 100, 10, 1000703, 1000300, 1000100, 100, 1000506, 40, 40, 'N', NULL),
       (1000830, 11, 11, 100, 100, 10, 1000704, 1000300, 1000100, 100, 1000500, 0, 0, 'Y', NULL),
       (1000840, 11, 11, 100, 100, 10, 1000705, 1000300, 1000102, 100, 1000501, 2, 2, 'Y', NULL),
       (1000841, 11, 11, 100, 100, 10, 1000706, 1000300, 1000102, 100, 1000501, -2, -2, 'Y', 1000840);

-- Material transactions of the completed documents (the reversal MR-3^
-- keeps V+ and carries -2).
INSERT INTO m_transaction (m_transaction_id, ad_client_id, ad_org_id, createdby, updatedby, movementtype,
                           m_locator_id, m_product_id, movementdate, movementqty, m_inoutline_id,
                           m_attributesetinstance_id, m_transaction_uu)
VALUES (1000900, 11, 11, 100, 100, 'V+', 1000300, 1000102, '2019-12-01', 5,   1000800, 1000502, 'c0a80001-0000-4000-8000-000000000900'),
       (1000901, 11, 11, 100, 100, 'V+', 1000300, 1000100, '2026-01-10', 100, 1000801, 1000500, 'c0a80001-0000-4000-8000-000000000901'),
       (1000902, 11, 11, 100, 100, 'V+', 1000300, 1000102, '2026-01-10', 10,  1000802, 1000501, 'c0a80001-0000-4000-8000-000000000902'),
       (1000903, 11, 11, 100, 100, 'V+', 1000300, 1000103, '2026-01-10', 1,   1000803, 1000503, 'c0a80001-0000-4000-8000-000000000903'),
       (1000904, 11, 11, 100, 100, 'V+', 1000300, 1000103, '2026-01-10', 1,   1000804, 1000504, 'c0a80001-0000-4000-8000-000000000904'),
       (1000905, 11, 11, 100, 100, 'V+', 1000300, 1000104, '2026-01-10', 50,  1000805, 0,       'c0a80001-0000-4000-8000-000000000905'),
       (1000906, 11, 11, 100, 100, 'V+', 1000300, 1000105, '2026-01-10', 20,  1000806, 0,       'c0a80001-0000-4000-8000-000000000906'),
       (1000907, 11, 11, 100, 100, 'V+', 1000300, 1000105, '2026-01-10', 5,   1000807, 1000505, 'c0a80001-0000-4000-8000-000000000907'),
       (1000913, 11, 11, 100, 100, 'V+', 1000300, 1000102, '2026-01-10', 3,   1000808, 1000507, 'c0a80001-0000-4000-8000-000000000913'),
       (1000908, 11, 11, 100, 100, 'V+', 1000300, 1000102, '2026-01-12', 2,   1000840, 1000501, 'c0a80001-0000-4000-8000-000000000908'),
       (1000909, 11, 11, 100, 100, 'V+', 1000300, 1000102, '2026-01-12', -2,  1000841, 1000501, 'c0a80001-0000-4000-8000-000000000909'),
       (1000910, 11, 11, 100, 100, 'C-', 1000300, 1000100, '2026-01-15', -30, 1000810, 1000500, 'c0a80001-0000-4000-8000-000000000910'),
       (1000911, 11, 11, 100, 100, 'C-', 1000300, 1000103, '2026-01-15', -1,  1000811, 1000503, 'c0a80001-0000-4000-8000-000000000911'),
       (1000912, 11, 11, 100, 100, 'C-', 1000300, 1000104, '2026-01-15', -10, 1000812, 0,       'c0a80001-0000-4000-8000-000000000912');

-- On hand as MStorageOnHand.add left it (one row per product, locator,
-- instance and material-policy date; a row emptied stays, with 0).
INSERT INTO m_storageonhand (ad_client_id, ad_org_id, createdby, updatedby, m_attributesetinstance_id,
                             m_locator_id, m_product_id, qtyonhand, datematerialpolicy)
VALUES (11, 11, 100, 100, 1000502, 1000300, 1000102, 5,  '2019-12-01'),
       (11, 11, 100, 100, 1000500, 1000300, 1000100, 70, '2026-01-10'),
       (11, 11, 100, 100, 1000501, 1000300, 1000102, 10, '2026-01-10'),
       (11, 11, 100, 100, 1000501, 1000300, 1000102, 0,  '2026-01-12'),
       (11, 11, 100, 100, 1000503, 1000300, 1000103, 0,  '2026-01-10'),
       (11, 11, 100, 100, 1000504, 1000300, 1000103, 1,  '2026-01-10'),
       (11, 11, 100, 100, 0,       1000300, 1000104, 40, '2026-01-10'),
       (11, 11, 100, 100, 0,       1000300, 1000105, 20, '2026-01-10'),
       (11, 11, 100, 100, 1000505, 1000300, 1000105, 5,  '2026-01-10'),
       (11, 11, 100, 100, 1000507, 1000300, 1000102, 3,  '2026-01-10');
