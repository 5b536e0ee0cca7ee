-- Variant (b): lottrace attached to erp_stock.  Configuration: 1,500
-- lot-tracked items (code type L{SEQ:7}, 365 validity days, 30 block days),
-- 200 serial-tracked, 300 untracked; reasons RCV (load) and SHIP (unload);
-- 10 warehouses.
CREATE EXTENSION lottrace;
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('LOT7', 'lot', 'L{SEQ:7}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, lot_validity_days, block_days)
  SELECT 'LOT' || lpad(n::text, 4, '0'), true, 'LOT7', 365, 30 FROM generate_series(1, 1500) n;
INSERT INTO lottrace.item (item, serial_tracked)
  SELECT 'SER' || lpad(n::text, 3, '0'), true FROM generate_series(1, 200) n;
INSERT INTO lottrace.item (item)
  SELECT 'UNT' || lpad(n::text, 3, '0') FROM generate_series(1, 300) n;
INSERT INTO lottrace.reason (code, direction) VALUES ('RCV', 'load'), ('SHIP', 'unload');
INSERT INTO lottrace.warehouse (code) SELECT 'W' || lpad(n::text, 2, '0') FROM generate_series(1, 10) n;
-- Variant (b2), psql -v own_codes=1: attached with generate => false, as
-- for an ERP that makes its own codes (every W1 row brings its code): no
-- BEFORE ROW trigger, so COPY keeps its multi-insert.
\if :{?own_codes}
SELECT lottrace.attach('erp_stock', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       generate => false);
\else
SELECT lottrace.attach('erp_stock', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on');
\endif
