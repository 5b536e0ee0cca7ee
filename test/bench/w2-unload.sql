-- W2 (pgbench): one transaction = one single-row unload of 1 unit from a
-- random (item, lot, warehouse) that has stock (w2_candidate, built after the
-- bulk import; :ncand is passed with -D).
\set r random(1, :ncand)
INSERT INTO erp_stock (item, wh, lot, qty, reason, doc, moved_on)
SELECT item, wh, lot, 1, 'SHIP', 'W2', moved_on FROM w2_candidate WHERE k = :r;
