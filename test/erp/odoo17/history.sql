-- What an Odoo 17 database holds before lottrace comes: products, lots,
-- receipts and deliveries validated, a draft, a cancelled move, and an
-- inventory count confirmed with quantity 0; stock_quant as Odoo's code
-- left it.
--
-- Nothing of Odoo's Python runs here, so the schema "orm" holds, as SQL, the
-- few methods of Odoo's code whose writes the history and the workflow
-- need, writing what they write in the order they write it:
--   orm.update_available_quantity   stock.quant._update_available_quantity (stock_quant.py)
--   orm.update_reserved_quantity    stock.quant._update_reserved_quantity
--   orm.move_action_done            stock.move._action_done -> stock.move.line._action_done
--                                   (stock_move.py, stock_move_line.py): lots created from
--                                   lot_name, quants moved, then the moves' state 'done', which
--                                   the ORM's recompute of the stored related field writes on
--                                   the lines (UPDATE stock_move_line SET state = 'done')
SET search_path = erp;
CREATE SCHEMA orm;
COMMENT ON SCHEMA orm IS 'Test scaffolding: Odoo 17''s stock methods as SQL (what they write, in order).';

-- stock.quant._update_available_quantity: the first quant of exactly this
-- product / location / lot (oldest lot first), locked SKIP LOCKED, gets the
-- quantity; else a new quant.  Every location, internal or not, has quants.
CREATE FUNCTION orm.update_available_quantity(p_product int, p_location int, p_lot int, p_qty numeric,
                                              p_in_date timestamp DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  q int;
BEGIN
  SELECT id INTO q FROM erp.stock_quant
   WHERE product_id = p_product AND location_id = p_location AND lot_id IS NOT DISTINCT FROM p_lot
   ORDER BY lot_id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED;
  IF q IS NOT NULL THEN
    UPDATE erp.stock_quant SET quantity = quantity + p_qty,
                               in_date = coalesce(p_in_date, in_date) WHERE id = q;
  ELSE
    INSERT INTO erp.stock_quant (product_id, company_id, location_id, lot_id, quantity, reserved_quantity, in_date)
    SELECT p_product, l.company_id, p_location, p_lot, p_qty, 0, coalesce(p_in_date, now()::timestamp)
      FROM erp.stock_location l WHERE l.id = p_location;
  END IF;
END
$$;
COMMENT ON FUNCTION orm.update_available_quantity(int, int, int, numeric, timestamp) IS
  'Test scaffolding: stock.quant._update_available_quantity of Odoo 17.';

-- stock.quant._update_reserved_quantity (strict, as a move line reserves):
-- locations that bypass reservation (not internal / transit) reserve nothing.
CREATE FUNCTION orm.update_reserved_quantity(p_product int, p_location int, p_lot int, p_qty numeric)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT usage FROM erp.stock_location WHERE id = p_location) NOT IN ('internal', 'transit') THEN
    RETURN;
  END IF;
  UPDATE erp.stock_quant SET reserved_quantity = reserved_quantity + p_qty
   WHERE id = (SELECT id FROM erp.stock_quant
                WHERE product_id = p_product AND location_id = p_location
                  AND lot_id IS NOT DISTINCT FROM p_lot ORDER BY id LIMIT 1);
END
$$;
COMMENT ON FUNCTION orm.update_reserved_quantity(int, int, int, numeric) IS
  'Test scaffolding: stock.quant._update_reserved_quantity of Odoo 17 (strict).';

-- stock.move._action_done for the given moves, as button_validate (or an
-- MO's _post_inventory) calls it.
CREATE FUNCTION orm.move_action_done(p_moves int[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ml record;
  lot int;
BEGIN
  -- stock.move.line._action_done, first loop: lines with a lot_name and no
  -- lot_id get their stock.lot (found, or created with product_expiry's
  -- dates), then lot_id is written on the line
  FOR ml IN SELECT l.* FROM erp.stock_move_line l
             WHERE l.move_id = ANY (p_moves) AND l.lot_name IS NOT NULL AND l.lot_id IS NULL
             ORDER BY l.id LOOP
    SELECT id INTO lot FROM erp.stock_lot
     WHERE company_id = ml.company_id AND product_id = ml.product_id AND name = ml.lot_name LIMIT 1;
    IF lot IS NULL THEN
      INSERT INTO erp.stock_lot (name, product_id, company_id, expiration_date, use_date, removal_date, alert_date)
      SELECT ml.lot_name, ml.product_id, ml.company_id, e.d,
             e.d - make_interval(days => coalesce(t.use_time, 0)),
             e.d - make_interval(days => coalesce(t.removal_time, 0)),
             e.d - make_interval(days => coalesce(t.alert_time, 0))
        FROM erp.product_product p JOIN erp.product_template t ON t.id = p.product_tmpl_id
        CROSS JOIN LATERAL (SELECT CASE WHEN t.use_expiration_date
                                        THEN now()::timestamp + make_interval(days => coalesce(t.expiration_time, 0))
                                   END AS d) e
       WHERE p.id = ml.product_id
      RETURNING id INTO lot;
    END IF;
    UPDATE erp.stock_move_line SET lot_id = lot WHERE id = ml.id;
  END LOOP;
  -- lines with nothing done are unlinked (not inventory lines)
  DELETE FROM erp.stock_move_line l USING erp.stock_move m
   WHERE m.id = l.move_id AND l.move_id = ANY (p_moves) AND coalesce(l.quantity, 0) = 0
     AND NOT coalesce(m.is_inventory, false);
  -- second loop: unreserve at the source, move the quant
  FOR ml IN SELECT l.* FROM erp.stock_move_line l JOIN erp.product_product p ON p.id = l.product_id
                     JOIN erp.product_template t ON t.id = p.product_tmpl_id
             WHERE l.move_id = ANY (p_moves) AND t.type = 'product' AND l.quantity_product_uom <> 0
             ORDER BY l.id LOOP
    PERFORM orm.update_reserved_quantity(ml.product_id, ml.location_id, ml.lot_id, -ml.quantity_product_uom);
    PERFORM orm.update_available_quantity(ml.product_id, ml.location_id, ml.lot_id, -ml.quantity_product_uom);
    PERFORM orm.update_available_quantity(ml.product_id, ml.location_dest_id, ml.lot_id, ml.quantity_product_uom);
  END LOOP;
  UPDATE erp.stock_move_line SET date = now()::timestamp WHERE move_id = ANY (p_moves);
  -- moves_todo.write({'state': 'done', 'date': now}); the flush writes the
  -- moves, then the recomputed related state of their lines
  UPDATE erp.stock_move SET state = 'done', date = now()::timestamp, picked = true WHERE id = ANY (p_moves);
  UPDATE erp.stock_move_line SET state = 'done', picked = true WHERE move_id = ANY (p_moves);
  -- picking._compute_state
  UPDATE erp.stock_picking p SET state = 'done', date_done = now()::timestamp
   WHERE p.id IN (SELECT picking_id FROM erp.stock_move WHERE id = ANY (p_moves))
     AND NOT EXISTS (SELECT 1 FROM erp.stock_move m WHERE m.picking_id = p.id AND m.state NOT IN ('done', 'cancel'));
END
$$;
COMMENT ON FUNCTION orm.move_action_done(int[]) IS
  'Test scaffolding: stock.move._action_done of Odoo 17 (with stock.move.line._action_done), statement by statement.';

-- ---- products (product_template.tracking; product_expiry's settings) ------
INSERT INTO product_template (id, name, type, detailed_type, tracking, uom_id, uom_po_id, company_id, active,
                              use_expiration_date, expiration_time, use_time, removal_time, alert_time) VALUES
  (1, '{"en_US": "Raw milk"}',       'product', 'product', 'lot',    12, 12, NULL, true, true, 10, 2, 1, 3),
  (2, '{"en_US": "Starter culture"}','product', 'product', 'lot',    12, 13, NULL, true, false, 0, 0, 0, 0),
  (3, '{"en_US": "Cheese wheel"}',   'product', 'product', 'lot',    1,  1,  NULL, true, true, 90, 10, 5, 20),
  (4, '{"en_US": "Weighing scale"}', 'product', 'product', 'serial', 1,  1,  NULL, true, false, 0, 0, 0, 0),
  (5, '{"en_US": "Bolt"}',           'product', 'product', 'none',   1,  1,  NULL, true, false, 0, 0, 0, 0),
  (6, '{"en_US": "Brochure"}',       'consu',   'consu',   'none',   1,  1,  NULL, true, false, 0, 0, 0, 0);
INSERT INTO product_product (id, product_tmpl_id, default_code, active) VALUES
  (11, 1, 'MILK', true), (12, 2, 'CULT', true), (13, 3, 'CHEESE', true),
  (14, 4, 'SCALE', true), (15, 5, 'BOLT', true), (16, 6, 'BROCH', true);
SELECT setval('product_template_id_seq', 6), setval('product_product_id_seq', 16);

-- ---- WH/IN/00001: milk (kg) and culture bought in grams, validated ---------
INSERT INTO stock_picking (id, name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES (1, 'WH/IN/00001', 'direct', 'draft', '2026-11-02 08:00', 4, 8, 1, 7, 1);
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
VALUES (1, 'Raw milk', '2026-11-02 08:00', 1, 11, 400, 400, 12, 0, 4, 8, 1, 1, 'draft', false, 'make_to_stock', 'WH/IN/00001'),
       (2, 'Starter culture', '2026-11-02 08:00', 1, 12, 0.5, 500, 13, 0, 4, 8, 1, 1, 'draft', false, 'make_to_stock', 'WH/IN/00001');
UPDATE stock_move SET state = 'assigned', quantity = product_uom_qty WHERE picking_id = 1;
UPDATE stock_picking SET state = 'assigned' WHERE id = 1;
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_name, date, location_id, location_dest_id, state, reference) VALUES
  (1, 1, 1, 11, 12, 400, 400, false, 'M-2611-01', '2026-11-02 08:00', 4, 8, 'assigned', 'WH/IN/00001'),
  (1, 2, 1, 12, 13, 500, 0.5, false, 'CS-88', '2026-11-02 08:00', 4, 8, 'assigned', 'WH/IN/00001');
SELECT orm.move_action_done(ARRAY[1, 2]);

-- ---- WH/IN/00002: two scales, serials S-0001 and S-0002, validated --------
INSERT INTO stock_picking (id, name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES (2, 'WH/IN/00002', 'direct', 'assigned', '2026-11-03 09:00', 4, 8, 1, 7, 1);
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
VALUES (3, 'Weighing scale', '2026-11-03 09:00', 1, 14, 2, 2, 1, 2, 4, 8, 2, 1, 'assigned', false, 'make_to_stock', 'WH/IN/00002');
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_name, date, location_id, location_dest_id, state, reference) VALUES
  (2, 3, 1, 14, 1, 1, 1, true, 'S-0001', '2026-11-03 09:00', 4, 8, 'assigned', 'WH/IN/00002'),
  (2, 3, 1, 14, 1, 1, 1, true, 'S-0002', '2026-11-03 09:00', 4, 8, 'assigned', 'WH/IN/00002');
SELECT orm.move_action_done(ARRAY[3]);

-- ---- WH/OUT/00001: 150 kg of milk and scale S-0001 delivered --------------
INSERT INTO stock_picking (id, name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES (3, 'WH/OUT/00001', 'direct', 'confirmed', '2026-11-04 10:00', 8, 5, 2, 9, 1);
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
VALUES (4, 'Raw milk', '2026-11-04 10:00', 1, 11, 150, 150, 12, 0, 8, 5, 3, 2, 'confirmed', false, 'make_to_stock', 'WH/OUT/00001'),
       (5, 'Weighing scale', '2026-11-04 10:00', 1, 14, 1, 1, 1, 0, 8, 5, 3, 2, 'confirmed', false, 'make_to_stock', 'WH/OUT/00001');
-- action_assign: the lines reserve their lots
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 3, 4, 1, 11, 12, 150, 150, false, id, '2026-11-04 10:00', 8, 5, 'confirmed', 'WH/OUT/00001'
  FROM stock_lot WHERE name = 'M-2611-01';
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 3, 5, 1, 14, 1, 1, 1, false, id, '2026-11-04 10:00', 8, 5, 'confirmed', 'WH/OUT/00001'
  FROM stock_lot WHERE name = 'S-0001';
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2611-01'), 150),
       orm.update_reserved_quantity(14, 8, (SELECT id FROM stock_lot WHERE name = 'S-0001'), 1);
UPDATE stock_move SET state = 'assigned', quantity = product_uom_qty WHERE picking_id = 3;
UPDATE stock_move_line SET state = 'assigned' WHERE picking_id = 3;
UPDATE stock_picking SET state = 'assigned' WHERE id = 3;
SELECT orm.move_action_done(ARRAY[4, 5]);

-- ---- WH/IN/00003: a receipt still in draft (no lines yet) ------------------
INSERT INTO stock_picking (id, name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES (4, 'WH/IN/00003', 'direct', 'draft', '2026-11-20 08:00', 4, 8, 1, 7, 1);
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
VALUES (6, 'Raw milk', '2026-11-20 08:00', 1, 11, 300, 300, 12, 0, 4, 8, 4, 1, 'draft', false, 'make_to_stock', 'WH/IN/00003');

-- ---- WH/OUT/00002: prepared and picked, then cancelled (the picked line
-- stays, in the move's state 'cancel'; its reservation is released) --------
INSERT INTO stock_picking (id, name, move_type, state, scheduled_date, location_id, location_dest_id, picking_type_id, partner_id, company_id)
VALUES (5, 'WH/OUT/00002', 'direct', 'assigned', '2026-11-05 10:00', 8, 5, 2, 9, 1);
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, picking_id, picking_type_id, state, picked, procure_method, reference)
VALUES (7, 'Raw milk', '2026-11-05 10:00', 1, 11, 50, 50, 12, 50, 8, 5, 5, 2, 'assigned', true, 'make_to_stock', 'WH/OUT/00002');
INSERT INTO stock_move_line (picking_id, move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 5, 7, 1, 11, 12, 50, 50, true, id, '2026-11-05 10:00', 8, 5, 'assigned', 'WH/OUT/00002'
  FROM stock_lot WHERE name = 'M-2611-01';
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2611-01'), 50);
-- _action_cancel: _do_unreserve, then state 'cancel'
SELECT orm.update_reserved_quantity(11, 8, (SELECT id FROM stock_lot WHERE name = 'M-2611-01'), -50);
UPDATE stock_move SET state = 'cancel' WHERE id = 7;
UPDATE stock_move_line SET state = 'cancel' WHERE move_id = 7;
UPDATE stock_picking SET state = 'cancel' WHERE id = 5;

-- ---- an inventory count that confirmed the milk on hand (quantity 0) -----
-- stock.quant.action_apply_inventory: a move of quantity 0 "Product Quantity
-- Confirmed", done with a line of quantity 0 (inventory lines are not unlinked)
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, state, picked, procure_method, is_inventory, reference)
VALUES (8, 'Product Quantity Confirmed', '2026-11-10 17:00', 1, 11, 0, 0, 12, 0, 14, 8, 'confirmed', false, 'make_to_stock', true,
        'Product Quantity Confirmed');
INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, lot_id, date, location_id, location_dest_id, state, reference)
SELECT 8, 1, 11, 12, 0, 0, false, id, '2026-11-10 17:00', 14, 8, 'confirmed', 'Product Quantity Confirmed'
  FROM stock_lot WHERE name = 'M-2611-01';
SELECT orm.move_action_done(ARRAY[8]);

-- ---- bolts (not tracked) in and out: lottrace leaves them alone -----------
INSERT INTO stock_move (id, name, date, company_id, product_id, product_qty, product_uom_qty, product_uom, quantity,
                        location_id, location_dest_id, state, picked, procure_method, is_inventory, reference)
VALUES (9, 'Product Quantity Updated', '2026-11-10 17:05', 1, 15, 1000, 1000, 1, 1000, 14, 8, 'confirmed', false, 'make_to_stock', true,
        'Product Quantity Updated');
INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity, quantity_product_uom,
                             picked, date, location_id, location_dest_id, state, reference)
VALUES (9, 1, 15, 1, 1000, 1000, false, '2026-11-10 17:05', 14, 8, 'confirmed', 'Product Quantity Updated');
SELECT orm.move_action_done(ARRAY[9]);

SELECT setval('stock_picking_id_seq', 5), setval('stock_move_id_seq', 9);
RESET search_path;
