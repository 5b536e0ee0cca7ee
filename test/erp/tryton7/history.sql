-- Rows Tryton wrote before lottrace was installed, as its ORM writes them:
-- ModelSQL.create() inserts each record (create_uid, create_date, the
-- fields, RETURNING id) in state draft (stock.move.create asserts draft or
-- staging and fills internal_quantity in the product's default unit);
-- Move.do() then saves effective_date, cost_price and state 'done' in one
-- UPDATE with write_uid and write_date.  Shipments are References
-- ('stock.shipment.in,1') on the move; their own tables are not needed.
SET search_path = erp;

-- Products (product/product.py, stock_lot/product.py, stock_lot_sled, stock_lot_unit)
INSERT INTO product_template (id, name, type, consumable, default_uom, active, lot_required,
                              shelf_life_state, shelf_life_time, expiration_state, lot_unit, create_uid, create_date)
VALUES (1, 'Milk', 'goods', false, 2, true, '["customer","production","storage","supplier"]', 'required', 10, 'none', NULL, 1, now()),
       (2, 'Yoghurt', 'goods', false, 1, true, '["customer","lost_found","production","storage","supplier"]', 'required', 30, 'none', NULL, 1, now()),
       (3, 'Sensor', 'goods', false, 1, true, '["customer","storage","supplier"]', 'none', NULL, 'none', 1, 1, now()),
       (4, 'Screw', 'goods', true, 1, true, NULL, 'none', NULL, 'none', NULL, 1, now()),
       (5, 'Carton', 'goods', false, 1, true, '["customer"]', 'none', NULL, 'none', NULL, 1, now());
INSERT INTO product_product (id, template, code, active, create_uid, create_date)
VALUES (1, 1, 'MILK', true, 1, now()), (2, 2, 'YOG', true, 1, now()), (3, 3, 'SENS', true, 1, now()),
       (4, 4, 'SCREW', true, 1, now()), (5, 5, 'CART', true, 1, now());
SELECT setval('product_template_id_seq', 5), setval('product_product_id_seq', 5);

-- Lots (stock_lot, with the sled and unit fields)
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, unit, unit_quantity, create_uid, create_date)
VALUES ('M-2601', 1, true, DATE '2027-01-10', NULL, NULL, 1, now()) RETURNING id;      -- 1
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, unit, unit_quantity, create_uid, create_date)
VALUES ('Y-0001', 2, true, DATE '2027-02-01', NULL, NULL, 1, now()) RETURNING id;      -- 2
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, unit, unit_quantity, create_uid, create_date)
VALUES ('SN-001', 3, true, NULL, 1, 1, 1, now()) RETURNING id;                         -- 3
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, unit, unit_quantity, create_uid, create_date)
VALUES ('SN-002', 3, true, NULL, 1, 1, 1, now()) RETURNING id;                         -- 4

-- Supplier shipment 1: milk received in grams (internal_quantity in kg), then stored.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (1, 3, 100000, 100, 6, 2, 'stock.shipment.in,1', DATE '2026-11-02', DATE '2026-11-02', 'draft', 1, 0.0009, 1, 1, now())
RETURNING id;                                                                           -- 1
UPDATE stock_move SET effective_date = DATE '2026-11-02', cost_price = 0.9, state = 'done',
       write_uid = 1, write_date = now() WHERE id IN (1);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 100, 100, 2, 4, 'stock.shipment.in,1', DATE '2026-11-02', DATE '2026-11-02', 'draft', 1, 1, 1, now())
RETURNING id;                                                                           -- 2
UPDATE stock_move SET effective_date = DATE '2026-11-02', cost_price = 0.9, state = 'done',
       write_uid = 1, write_date = now() WHERE id IN (2);

-- Supplier shipment 2: yoghurt and two sensors (one lot each: serials).
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 50, 50, 6, 2, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 1.2, 2, 1, now()),
       (3, 1, 1, 1, 6, 2, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 40, 3, 1, now()),
       (3, 1, 1, 1, 6, 2, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 40, 4, 1, now())
RETURNING id;                                                                           -- 3, 4, 5
UPDATE stock_move SET effective_date = DATE '2026-11-03', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (3, 4, 5);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (2, 1, 50, 50, 2, 4, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 2, 1, now()),
       (3, 1, 1, 1, 2, 4, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 3, 1, now()),
       (3, 1, 1, 1, 2, 4, 'stock.shipment.in,2', DATE '2026-11-03', DATE '2026-11-03', 'draft', 1, 4, 1, now())
RETURNING id;                                                                           -- 6, 7, 8
UPDATE stock_move SET effective_date = DATE '2026-11-03', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (6, 7, 8);

-- Untracked screws straight into storage, and cartons (lot required only to customers).
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (4, 1, 1000, 1000, 6, 4, 'stock.shipment.in,3', DATE '2026-11-04', 'draft', 1, 0.01, NULL, 1, now()),
       (5, 1, 200, 200, 6, 4, 'stock.shipment.in,3', DATE '2026-11-04', 'draft', 1, 0.2, NULL, 1, now())
RETURNING id;                                                                           -- 9, 10
UPDATE stock_move SET effective_date = DATE '2026-11-04', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (9, 10);

-- Customer shipment 1: inventory move storage -> output, then outgoing
-- output -> customer; a second line nothing was picked for is done with 0.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, lot, create_uid, create_date)
VALUES (2, 1, 10, 10, 4, 3, 'stock.shipment.out,1', DATE '2026-11-05', DATE '2026-11-05', 'draft', 1, 2, 1, now())
RETURNING id;                                                                           -- 11
UPDATE stock_move SET state = 'assigned', write_uid = 1, write_date = now() WHERE id IN (11);
UPDATE stock_move SET effective_date = DATE '2026-11-05', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (11);
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, origin_planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 10, 10, 3, 7, 'stock.shipment.out,1', DATE '2026-11-05', DATE '2026-11-05', 'draft', 1, 2.5, 2, 1, now()),
       (2, 1, 0, 0, 3, 7, 'stock.shipment.out,1', DATE '2026-11-05', DATE '2026-11-05', 'draft', 1, 2.5, NULL, 1, now())
RETURNING id;                                                                           -- 12, 13
UPDATE stock_move SET effective_date = DATE '2026-11-05', state = 'done', write_uid = 1, write_date = now()
 WHERE id IN (12, 13);

-- A production done before lottrace came: 5 kg of milk M-2601 into 5
-- yoghurts Y-0000 (attach's backfill makes its batch: production_input of
-- the input, production_output of the output).
INSERT INTO production (number, planned_date, company, warehouse, location, product, quantity, state, create_uid, create_date)
VALUES ('MO-0', DATE '2026-11-06', 1, 1, 9, 2, 5, 'draft', 1, now()) RETURNING id;          -- 1
INSERT INTO stock_lot (number, product, active, shelf_life_expiration_date, create_uid, create_date)
VALUES ('Y-0000', 2, true, DATE '2027-02-05', 1, now()) RETURNING id;                     -- 5
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_input,
                        planned_date, state, company, lot, create_uid, create_date)
VALUES (1, 2, 5, 5, 4, 9, 1, DATE '2026-11-06', 'draft', 1, 1, 1, now()) RETURNING id;     -- 14
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, production_output,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 5, 5, 9, 4, 1, DATE '2026-11-06', 'draft', 1, 1.1, 5, 1, now()) RETURNING id; -- 15
UPDATE stock_move SET effective_date = DATE '2026-11-06', state = 'done', write_uid = 1, write_date = now()
 WHERE production_input IN (1);
UPDATE stock_move SET effective_date = DATE '2026-11-06', state = 'done', write_uid = 1, write_date = now()
 WHERE production_output IN (1);
UPDATE production SET state = 'done', effective_date = DATE '2026-11-06', write_uid = 1, write_date = now() WHERE id IN (1);
SELECT setval('production_id_seq', 1);

-- A receipt still in draft, and a move cancelled before it was done.
INSERT INTO stock_move (product, unit, quantity, internal_quantity, from_location, to_location, shipment,
                        planned_date, state, company, unit_price, lot, create_uid, create_date)
VALUES (2, 1, 20, 20, 6, 2, 'stock.shipment.in,4', DATE '2026-11-20', 'draft', 1, 1.2, 2, 1, now()),
       (1, 2, 5, 5, 4, 7, 'stock.shipment.out,2', DATE '2026-11-06', 'draft', 1, 2, 1, 1, now())
RETURNING id;                                                                           -- 16, 17
UPDATE stock_move SET state = 'cancelled', write_uid = 1, write_date = now() WHERE id IN (17);
