-- W3's W2 (pgbench): w2-unload.sql on the Odoo-shaped table: one done
-- move line of 1 unit from a random (product, lot, location) that has
-- stock to Customers (w2_candidate, built after the bulk import; :ncand is
-- passed with -D).
\set r random(1, :ncand)
INSERT INTO stock_move (product_id, location_id, location_dest_id, lot_id, product_qty, state, reference, date)
SELECT product_id, location_id, 12, lot_id, 1, 'done', 'W2', moved_on FROM w2_candidate WHERE k = :r;
