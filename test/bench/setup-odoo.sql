-- W3, variant odoo: lottrace attached to the Odoo-shaped stock_move
-- (schema-odoo.sql) the way erp/odoo17.sql attaches Odoo's move lines: two
-- locations (location_id -> location_dest_id, their kinds from
-- stock_location.usage), a row counts when state = 'done', the lot and the
-- serial read through lot_id -> stock_lot.name.  Items and rules as in
-- setup-lottrace.sql, by product id.
CREATE EXTENSION lottrace;
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('LOT7', 'lot', 'L{SEQ:7}');
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, lot_code_type, lot_validity_days, block_days)
  SELECT id::text, tracking = 'lot', tracking = 'serial', CASE WHEN tracking = 'lot' THEN 'LOT7' END,
         CASE WHEN tracking = 'lot' THEN 365 END, CASE WHEN tracking = 'lot' THEN 30 ELSE 0 END
    FROM product_product;
INSERT INTO lottrace.warehouse (code, kind) SELECT id::text, usage FROM stock_location;
SELECT lottrace.attach('stock_move', item => 'product_id', qty => 'product_qty',
                       warehouse => 'location_id', to_warehouse => 'location_dest_id',
                       lot => 'lot_id -> stock_lot.name', serial => 'lot_id -> stock_lot.name',
                       doc => 'reference', moved_on => 'date', counts_when => 'state = ''done''');
