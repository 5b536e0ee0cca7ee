-- Variant (c): the PL/pgSQL row trigger (plpgsql.sql) with the same
-- configuration as variant (b), in its own tables.
\ir plpgsql.sql
INSERT INTO plt.lot_status (code, available) VALUES
  ('AVAILABLE', true), ('QUARANTINE', false), ('BLOCKED', false), ('EXPIRED', false);
INSERT INTO plt.code_type (code, kind, pattern) VALUES ('LOT7', 'lot', '^L[0-9]{7}$');  -- L{SEQ:7}
INSERT INTO plt.item (item, lot_tracked, lot_code_type, lot_validity_days, block_days)
  SELECT 'LOT' || lpad(n::text, 4, '0'), true, 'LOT7', 365, 30 FROM generate_series(1, 1500) n;
INSERT INTO plt.item (item, serial_tracked)
  SELECT 'SER' || lpad(n::text, 3, '0'), true FROM generate_series(1, 200) n;
INSERT INTO plt.item (item)
  SELECT 'UNT' || lpad(n::text, 3, '0') FROM generate_series(1, 300) n;
INSERT INTO plt.reason (code, direction) VALUES ('RCV', 'load'), ('SHIP', 'unload');
INSERT INTO plt.warehouse (code) SELECT 'W' || lpad(n::text, 2, '0') FROM generate_series(1, 10) n;
