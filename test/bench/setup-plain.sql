-- Variant (d): the plain PL/pgSQL row trigger (plain.sql) with the same
-- items and reasons as the other variants (lots: 365 days of validity).
\ir plain.sql
INSERT INTO plain.item (item, tracking, validity_days)
  SELECT 'LOT' || lpad(n::text, 4, '0'), 'lot', 365 FROM generate_series(1, 1500) n;
INSERT INTO plain.item (item, tracking)
  SELECT 'SER' || lpad(n::text, 3, '0'), 'serial' FROM generate_series(1, 200) n;
INSERT INTO plain.item (item)
  SELECT 'UNT' || lpad(n::text, 3, '0') FROM generate_series(1, 300) n;
INSERT INTO plain.reason (code, direction) VALUES ('RCV', 'load'), ('SHIP', 'unload');
