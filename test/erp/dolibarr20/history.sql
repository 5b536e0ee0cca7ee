-- Rows Dolibarr 20 wrote before lottrace was installed.
--
-- dolibarr_sim.create_move() issues, in order, the statements
-- MouvementStock::_create (htdocs/product/stock/class/mouvementstock.class.php)
-- sends for one movement of a product with lot or serial:
--   1. the lot card: SELECT from llx_product_lot by (fk_product, batch); when
--      there is none, Productlot::create() INSERTs it with the dates given;
--      when there is one and no date was given, its dates are used;
--   2. INSERT INTO llx_stock_mouvement (datem, fk_product, batch, eatby,
--      sellby, fk_entrepot, value, type_mouvement, fk_user_author, label,
--      inventorycode, price, fk_origin, origintype, fk_projet);
--   3. llx_product_stock: UPDATE ... SET pmp = ..., reel = reel + qty, or
--      INSERT (pmp, reel, fk_entrepot, fk_product) for a first move;
--   4. _create_batch(): llx_product_batch of (fk_product_stock, batch):
--      UPDATE qty = qty + value, DELETE when it reaches 0, or INSERT;
--   5. UPDATE llx_product SET stock = (SELECT SUM(reel) ...) (the
--      denormalised total).
-- Nothing of Dolibarr's PHP runs here; the function stands for it.
SET search_path = erp;

CREATE SCHEMA dolibarr_sim;
COMMENT ON SCHEMA dolibarr_sim IS 'Test helper: the statements Dolibarr''s PHP sends, as SQL.';

CREATE FUNCTION dolibarr_sim.create_move(p_product integer, p_entrepot integer, p_qty real,
    p_type smallint, p_label text, p_batch text DEFAULT NULL, p_eatby date DEFAULT NULL,
    p_origintype text DEFAULT '', p_fk_origin integer DEFAULT 0,
    p_inventorycode text DEFAULT NULL, p_datem timestamp DEFAULT now()::timestamp)
RETURNS integer LANGUAGE plpgsql SET search_path = erp AS $$
DECLARE
  hasbatch boolean;
  lot record;
  eatby date := p_eatby;
  sellby date;
  mv integer;
  ps integer;
  pb record;
BEGIN
  SELECT tobatch > 0 INTO hasbatch FROM llx_product WHERE rowid = p_product;
  IF hasbatch THEN
    SELECT pl.rowid, pl.eatby, pl.sellby INTO lot FROM llx_product_lot pl
     WHERE pl.fk_product = p_product AND pl.batch = p_batch;
    IF NOT FOUND THEN
      INSERT INTO llx_product_lot (entity, fk_product, batch, eatby, sellby, datec, fk_user_creat)
      VALUES (1, p_product, p_batch, p_eatby, NULL, now(), 1);
    ELSIF eatby IS NULL THEN
      eatby := lot.eatby;
      sellby := lot.sellby;
    END IF;
  END IF;
  INSERT INTO llx_stock_mouvement (datem, fk_product, batch, eatby, sellby, fk_entrepot, value,
                                   type_mouvement, fk_user_author, label, inventorycode, price,
                                   fk_origin, origintype, fk_projet)
  VALUES (p_datem, p_product, CASE WHEN hasbatch THEN p_batch END, eatby, sellby, p_entrepot,
          p_qty, p_type, 1, p_label, p_inventorycode, 0, p_fk_origin, p_origintype, 0)
  RETURNING rowid INTO mv;
  SELECT rowid INTO ps FROM llx_product_stock WHERE fk_entrepot = p_entrepot AND fk_product = p_product;
  IF FOUND THEN
    UPDATE llx_product_stock SET pmp = 0, reel = reel + p_qty WHERE rowid = ps;
  ELSE
    INSERT INTO llx_product_stock (pmp, reel, fk_entrepot, fk_product)
    VALUES (0, p_qty, p_entrepot, p_product) RETURNING rowid INTO ps;
  END IF;
  IF hasbatch THEN
    SELECT rowid, qty INTO pb FROM llx_product_batch WHERE fk_product_stock = ps AND batch = p_batch;
    IF FOUND THEN
      IF pb.qty + p_qty = 0 THEN
        DELETE FROM llx_product_batch WHERE rowid = pb.rowid;
      ELSE
        UPDATE llx_product_batch SET qty = pb.qty + p_qty WHERE rowid = pb.rowid;
      END IF;
    ELSE
      INSERT INTO llx_product_batch (fk_product_stock, sellby, eatby, batch, qty)
      VALUES (ps, NULL, NULL, p_batch, p_qty);
    END IF;
  END IF;
  UPDATE llx_product p SET stock = (SELECT SUM(s.reel) FROM llx_product_stock s WHERE s.fk_product = p.rowid)
   WHERE rowid = p_product;
  RETURN mv;
END
$$;
COMMENT ON FUNCTION dolibarr_sim.create_move(integer, integer, real, smallint, text, text, date, text, integer, text, timestamp) IS
  'The statements of Dolibarr''s MouvementStock::_create for one movement (lot card, movement row, product_stock, product_batch, product.stock), in its order.';

-- Settings, warehouses, products.
INSERT INTO llx_const (name, entity, value, type, visible) VALUES
  ('MAIN_MODULE_PRODUCTBATCH', 1, '1', 'string', 0),
  ('STOCK_ALLOW_NEGATIVE_TRANSFER', 1, '0', 'chaine', 0);
INSERT INTO llx_entrepot (ref, datec, entity, lieu, statut, fk_user_author) VALUES
  ('WH-MAIN', '2024-01-02', 1, 'Main warehouse', 1, 1),      -- rowid 1
  ('WH-SHOP', '2024-01-02', 1, 'Shop', 1, 1);                -- rowid 2
INSERT INTO llx_product (ref, entity, datec, label, tosell, tobuy, tobatch, fk_product_type) VALUES
  ('FLOUR', 1, '2024-01-02', 'Flour 25 kg', 1, 1, 1, 0),      -- 1 lot
  ('BREAD', 1, '2024-01-02', 'Bread', 1, 0, 1, 0),            -- 2 lot, made by MO
  ('SCALE', 1, '2024-01-02', 'Kitchen scale', 1, 1, 2, 0),    -- 3 serial
  ('BAG', 1, '2024-01-02', 'Paper bag', 1, 1, 0, 0);          -- 4 no lot

-- Reception REC2401-0001 (draft, then validated: Reception::valid() moves
-- the stock of each line, origin 'reception').
INSERT INTO llx_reception (ref, entity, fk_soc, ref_supplier, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV1)', 1, 10, 'MILL-778', '2024-02-01 09:00', 1, 0);
INSERT INTO llx_receptiondet_batch (fk_reception, fk_element, fk_elementdet, element_type, fk_product,
                                    qty, fk_entrepot, batch, eatby, status, fk_user, datec) VALUES
  (1, 1, 1, 'supplier_order', 1, 100, 1, 'F-2401', '2025-02-01', 0, 1, '2024-02-01 09:00'),
  (1, 1, 2, 'supplier_order', 3, 1, 1, 'SC-0001', NULL, 0, 1, '2024-02-01 09:00'),
  (1, 1, 2, 'supplier_order', 3, 1, 1, 'SC-0002', NULL, 0, 1, '2024-02-01 09:00'),
  (1, 1, 3, 'supplier_order', 4, 500, 1, NULL, NULL, 0, 1, '2024-02-01 09:00');
UPDATE llx_reception SET ref = 'REC2401-0001', fk_statut = 1, date_valid = '2024-02-01 10:00', fk_user_valid = 1
 WHERE rowid = 1;
SELECT dolibarr_sim.create_move(1, 1, 100, 3::smallint, 'Reception REC2401-0001 validated', 'F-2401', '2025-02-01', 'reception', 1, NULL, '2024-02-01 10:00');
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2401-0001 validated', 'SC-0001', NULL, 'reception', 1, NULL, '2024-02-01 10:00');
SELECT dolibarr_sim.create_move(3, 1, 1, 3::smallint, 'Reception REC2401-0001 validated', 'SC-0002', NULL, 'reception', 1, NULL, '2024-02-01 10:00');
SELECT dolibarr_sim.create_move(4, 1, 500, 3::smallint, 'Reception REC2401-0001 validated', NULL, NULL, 'reception', 1, NULL, '2024-02-01 10:00');
UPDATE llx_receptiondet_batch SET status = 1 WHERE fk_reception = 1;

-- Shipment SH2402-0001 validated (Expedition::valid(): MouvementStock::livraison, type 2).
INSERT INTO llx_expedition (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV1)', 1, 20, '2024-02-10 08:00', 1, 0);
INSERT INTO llx_expeditiondet (fk_expedition, fk_element, fk_elementdet, element_type, fk_product, qty, fk_entrepot, rang)
VALUES (1, 1, 1, 'commande', 1, 30, 1, 1), (1, 1, 2, 'commande', 3, 1, 1, 2);
INSERT INTO llx_expeditiondet_batch (fk_expeditiondet, eatby, batch, qty, fk_origin_stock)
VALUES (1, '2025-02-01', 'F-2401', 30, 1), (2, NULL, 'SC-0001', 1, 2);
UPDATE llx_expedition SET ref = 'SH2402-0001', fk_statut = 1, date_valid = '2024-02-10 09:00', fk_user_valid = 1
 WHERE rowid = 1;
SELECT dolibarr_sim.create_move(1, 1, -30, 2::smallint, 'Shipment SH2402-0001 validated', 'F-2401', '2025-02-01', 'shipping', 1, NULL, '2024-02-10 09:00');
SELECT dolibarr_sim.create_move(3, 1, -1, 2::smallint, 'Shipment SH2402-0001 validated', 'SC-0001', NULL, 'shipping', 1, NULL, '2024-02-10 09:00');

-- Shipment SH2402-0002 validated, then deleted: Expedition::delete() puts
-- the goods back with MouvementStock::reception (type 3, value positive).
INSERT INTO llx_expedition (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('SH2402-0002', 1, 21, '2024-02-12 08:00', 1, 1);
SELECT dolibarr_sim.create_move(1, 1, -10, 2::smallint, 'Shipment SH2402-0002 validated', 'F-2401', NULL, 'shipping', 2, NULL, '2024-02-12 09:00');
SELECT dolibarr_sim.create_move(1, 1, 10, 3::smallint, 'Shipment SH2402-0002 deleted', 'F-2401', NULL, 'shipping', 2, NULL, '2024-02-12 11:00');
DELETE FROM llx_expedition WHERE rowid = 2;

-- A manual transfer of 20 F-2401 to the shop (product/stock/massstockmove:
-- an output at the source, an input at the destination, one inventorycode).
SELECT dolibarr_sim.create_move(1, 1, -20, 1::smallint, 'Transfer to shop', 'F-2401', NULL, '', 0, 'TRF-240215', '2024-02-15 14:00');
SELECT dolibarr_sim.create_move(1, 2, 20, 0::smallint, 'Transfer to shop', 'F-2401', NULL, '', 0, 'TRF-240215', '2024-02-15 14:00');

-- A draft reception never validated: no movement.
INSERT INTO llx_reception (ref, entity, fk_soc, date_creation, fk_user_author, fk_statut)
VALUES ('(PROV3)', 1, 10, '2024-02-20 09:00', 1, 0);
INSERT INTO llx_receptiondet_batch (fk_reception, fk_element, fk_elementdet, element_type, fk_product,
                                    qty, fk_entrepot, batch, eatby, status, fk_user, datec)
VALUES (2, 2, 4, 'supplier_order', 1, 40, 1, 'F-2402', '2025-03-01', 0, 1, '2024-02-20 09:00');

RESET search_path;
