-- lottrace recipe for ERPNext 15 (issue 14).
--
--   psql -v ON_ERROR_STOP=1 -v schema=SCHEMA -f erp/erpnext15.sql
--
-- run after CREATE EXTENSION lottrace in the site's database; SCHEMA is
-- where Frappe keeps the "tab<DocType>" tables (default public).
--
-- What it does
--   * Attaches ERPNext's own batch/serial ledger, "tabSerial and Batch
--     Entry" (one row per batch or serial of a Serial and Batch Bundle; a
--     ledger row of "tabStock Ledger Entry" points to its bundle), as it is:
--       item        the bundle's item_code   (parent -> bundle.item_code)
--       qty         qty, in the stock UOM, negative for Outward bundles
--       warehouse   the bundle's voucher_type, read as the other side of
--                   the movement (Purchase Receipt = a supplier, Delivery
--                   Note = a customer, Stock Entry = production, Stock
--                   Reconciliation = inventory; see lottrace.warehouse)
--       to_warehouse the entry's warehouse (ERPNext's warehouse)
--       lot, serial batch_no, serial_no (Batch and Serial No names)
--       doc, account, batch_key  the bundle's voucher_no
--       moved_on    the bundle's posting_date
--       expiry      the batch's expiry_date (batch_no -> tabBatch.expiry_date)
--       counts_when docstatus = 1 and the row belongs to a bundle: drafts
--                   (0) and cancelled bundles (2) are no stock; rows of a
--                   Stock Reservation Entry (its sb_entries) are not moves
--       signed_qty  the sign of qty gives the direction
--       judge       'commit': ERPNext posts a document over many
--                   statements (ledger rows, then each bundle's submit,
--                   one UPDATE per entry); lottrace judges what the
--                   transaction leaves behind, and a refusal fails COMMIT.
--   * Configures lottrace.item from tabItem (has_batch_no, has_serial_no,
--     has_expiry_date + shelf_life_in_days; gs1_codes = false, see below)
--     and lottrace.warehouse from
--     tabWarehouse, and follows later changes through triggers on those
--     configuration tables; follows tabBatch: disabled = 1 puts the lot in
--     status BLOCKED (enabling it again releases it), a changed
--     expiry_date is written into the lot register.
--   * Batch and serial codes are not held to GS1 character set 82
--     (lottrace.item.gs1_codes = false for every item): a Batch is named
--     by its batch_id, which the user types when the item has no
--     create_new_batch (batch.py: "Batch ID is mandatory"), a Serial No by
--     its serial_no, typed in the bundle dialog or taken from a supplier's
--     label; Frappe's validate_name (frappe/model/naming.py) refuses only
--     '<' and '>' in a name, so "LOT 12", "Mühle#7" or "A@1" are batch IDs
--     ERPNext accepts, and holding them to set 82 would refuse receipts
--     ERPNext posts.  Codes still may not carry blanks around them or
--     invisible characters (lottrace_code_syntax), which Frappe strips or
--     never produces.
--   * Creates nothing on ERPNext's movement tables (ledger, bundles,
--     entries) except what attach() itself creates.
--
-- What it cannot do (see docs/ERP.md, "ERPNext 15")
--   * Genealogy: ERPNext records a manufacture as a Stock Entry (purpose
--     Manufacture or Repack) whose consumed and produced rows share its
--     voucher_no; the purpose is on "tabStock Entry", two steps away from an
--     entry (entry -> bundle -> Stock Entry), and a lookup reads one step.
--     So every Stock Entry is read as production (inputs = Outward,
--     outputs = Inward, batch key = voucher_no): a Material Transfer of a
--     batch links the batch to itself, and its Outward side is gated like
--     a consumption (a blocked or expired batch cannot be transferred).
--   * Reservations (Stock Reservation Entry) are not counted as reserved
--     stock: this lottrace has no reservation register.
--   * recall() names the delivering document (voucher_no), not the
--     customer, which is on the voucher.
--   * Codes longer than 50 characters, or with two spaces in a row: a
--     Frappe name may have 140 characters and keeps inner spaces, a
--     lottrace lot code or serial has at most 50 and single spaces; such a
--     receipt is refused at submit (22P02 lottrace_code_syntax).
--   * A cancelled receipt followed by its amendment (cancel and amend)
--     leaves the lot's master data as the first receipt set it
--     (lottrace.lot.supplier = the cancelled voucher, as ERPNext's own
--     Batch.reference_name; initial_qty = its quantity); stock and
--     loaded_qty follow the amendment.
--
-- Removal
--   SELECT lottrace.detach(format('%I.%I', 'SCHEMA', 'tabSerial and Batch Entry'));
--   DROP SCHEMA lottrace_erpnext15 CASCADE;  -- its functions and the triggers
--                                            -- on tabItem, tabWarehouse, tabBatch
--   DELETE FROM lottrace.warehouse WHERE description LIKE 'ERPNext voucher type%';
--   (lottrace.item / lottrace.warehouse rows and the registers' lots stay.)

\if :{?schema}
\else
\set schema public
\endif

BEGIN;

CREATE SCHEMA lottrace_erpnext15;
COMMENT ON SCHEMA lottrace_erpnext15 IS
  'lottrace recipe for ERPNext 15 (erp/erpnext15.sql): the functions behind the triggers that keep lottrace.item, lottrace.warehouse and the lot register in step with tabItem, tabWarehouse and tabBatch. DROP SCHEMA lottrace_erpnext15 CASCADE removes them and their triggers.';

-- Items -----------------------------------------------------------------
CREATE FUNCTION lottrace_erpnext15.follow_item() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND (TG_OP = 'DELETE' OR OLD.name IS DISTINCT FROM NEW.name) THEN
    -- an item with lots or serials stays configured (ERPNext refuses to
    -- delete an item with ledger rows anyway)
    DELETE FROM lottrace.item i
     WHERE i.item = OLD.name
       AND NOT EXISTS (SELECT FROM lottrace.lot l WHERE l.item = OLD.name)
       AND NOT EXISTS (SELECT FROM lottrace.serial s WHERE s.item = OLD.name);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN NULL;
  END IF;
  INSERT INTO lottrace.item AS i (item, lot_tracked, serial_tracked, lot_validity_days, gs1_codes)
  VALUES (NEW.name, NEW.has_batch_no = 1, NEW.has_serial_no = 1,
          CASE WHEN NEW.has_expiry_date = 1 AND NEW.shelf_life_in_days > 0
               THEN least(NEW.shelf_life_in_days, 36500) END,
          false)
  ON CONFLICT (item) DO UPDATE
     SET lot_tracked = EXCLUDED.lot_tracked, serial_tracked = EXCLUDED.serial_tracked,
         lot_validity_days = EXCLUDED.lot_validity_days, gs1_codes = false
   WHERE (i.lot_tracked, i.serial_tracked, i.lot_validity_days, i.gs1_codes)
         IS DISTINCT FROM (EXCLUDED.lot_tracked, EXCLUDED.serial_tracked, EXCLUDED.lot_validity_days, false);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_erpnext15.follow_item() IS
  'Trigger on tabItem: lottrace.item follows has_batch_no (lot_tracked), has_serial_no (serial_tracked) and has_expiry_date + shelf_life_in_days (lot_validity_days, used when a batch has no expiry_date); gs1_codes is false, as ERPNext accepts typed batch IDs and serial numbers outside GS1 character set 82.';

-- Warehouses ------------------------------------------------------------
CREATE FUNCTION lottrace_erpnext15.follow_warehouse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lottrace.warehouse w WHERE w.code = OLD.name AND w.kind = 'internal';
    RETURN NULL;
  END IF;
  INSERT INTO lottrace.warehouse AS w (code, description, kind)
  VALUES (NEW.name, coalesce(NEW.warehouse_name, NEW.name), 'internal')
  ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description
   WHERE w.description IS DISTINCT FROM EXCLUDED.description;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_erpnext15.follow_warehouse() IS
  'Trigger on tabWarehouse: every ERPNext warehouse is an internal lottrace.warehouse (ERPNext keeps stock in all of them, transit warehouses too); negative batch stock stays refused, as ERPNext refuses it.';

-- Batches ---------------------------------------------------------------
CREATE FUNCTION lottrace_erpnext15.follow_batch() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  st text;
BEGIN
  SELECT l.status INTO st FROM lottrace.lot l
   WHERE l.item = NEW.item AND l.code = NEW.name::text::lottrace.lotcode AND l.variant IS NULL;
  IF NOT FOUND THEN
    RETURN NULL;      -- no stock yet: the first receipt creates the lot
  END IF;
  IF NEW.disabled = 1 AND OLD.disabled IS DISTINCT FROM 1 THEN
    PERFORM lottrace.set_lot_status(NEW.item, NEW.name, 'BLOCKED', 'ERPNext: batch disabled');
  ELSIF NEW.disabled = 0 AND OLD.disabled = 1 AND st = 'BLOCKED' THEN
    PERFORM lottrace.set_lot_status(NEW.item, NEW.name, 'AVAILABLE', 'ERPNext: batch enabled');
  END IF;
  IF NEW.expiry_date IS DISTINCT FROM OLD.expiry_date THEN
    UPDATE lottrace.lot l SET expiry_date = NEW.expiry_date
     WHERE l.item = NEW.item AND l.code = NEW.name::text::lottrace.lotcode AND l.variant IS NULL;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace_erpnext15.follow_batch() IS
  'Trigger on tabBatch: disabled = 1 sets the lot''s status to BLOCKED (logged), disabled = 0 releases a BLOCKED lot to AVAILABLE; a changed expiry_date is written into lottrace.lot.';

SELECT format('%I.%I', :'schema', 'tabItem') AS t_item,
       format('%I.%I', :'schema', 'tabWarehouse') AS t_wh,
       format('%I.%I', :'schema', 'tabBatch') AS t_batch,
       format('%I.%I', :'schema', 'tabSerial and Batch Bundle') AS t_bundle,
       format('%I.%I', :'schema', 'tabSerial and Batch Entry') AS t_entry
\gset

CREATE TRIGGER lottrace_erpnext15_item AFTER INSERT OR UPDATE OR DELETE ON :t_item
  FOR EACH ROW EXECUTE FUNCTION lottrace_erpnext15.follow_item();
COMMENT ON TRIGGER lottrace_erpnext15_item ON :t_item IS
  'lottrace (erp/erpnext15.sql): keeps lottrace.item in step with this table.';
CREATE TRIGGER lottrace_erpnext15_warehouse AFTER INSERT OR UPDATE OR DELETE ON :t_wh
  FOR EACH ROW EXECUTE FUNCTION lottrace_erpnext15.follow_warehouse();
COMMENT ON TRIGGER lottrace_erpnext15_warehouse ON :t_wh IS
  'lottrace (erp/erpnext15.sql): keeps lottrace.warehouse in step with this table.';
CREATE TRIGGER lottrace_erpnext15_batch AFTER UPDATE OF disabled, expiry_date ON :t_batch
  FOR EACH ROW EXECUTE FUNCTION lottrace_erpnext15.follow_batch();
COMMENT ON TRIGGER lottrace_erpnext15_batch ON :t_batch IS
  'lottrace (erp/erpnext15.sql): a disabled batch is a BLOCKED lot; expiry changes reach the lot register.';

-- The configuration as it stands.
INSERT INTO lottrace.item AS i (item, lot_tracked, serial_tracked, lot_validity_days, gs1_codes)
SELECT name, has_batch_no = 1, has_serial_no = 1,
       CASE WHEN has_expiry_date = 1 AND shelf_life_in_days > 0 THEN least(shelf_life_in_days, 36500) END,
       false
  FROM :t_item
ON CONFLICT (item) DO UPDATE
   SET lot_tracked = EXCLUDED.lot_tracked, serial_tracked = EXCLUDED.serial_tracked,
       lot_validity_days = EXCLUDED.lot_validity_days, gs1_codes = false;
INSERT INTO lottrace.warehouse AS w (code, description, kind)
SELECT name, coalesce(warehouse_name, name), 'internal' FROM :t_wh
ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description;

-- The voucher types, read as the other side of each movement.
INSERT INTO lottrace.warehouse (code, description, kind) VALUES
  ('Purchase Receipt',       'ERPNext voucher type: receipts from and returns to suppliers', 'supplier'),
  ('Purchase Invoice',       'ERPNext voucher type: receipts with update_stock', 'supplier'),
  ('Subcontracting Receipt', 'ERPNext voucher type: goods from a subcontractor', 'supplier'),
  ('Delivery Note',          'ERPNext voucher type: deliveries to and returns from customers', 'customer'),
  ('Sales Invoice',          'ERPNext voucher type: deliveries with update_stock', 'customer'),
  ('POS Invoice',            'ERPNext voucher type: point-of-sale deliveries', 'customer'),
  ('Stock Reconciliation',   'ERPNext voucher type: counted stock (adjustments)', 'inventory'),
  ('Stock Entry',            'ERPNext voucher type: stock entries, read as production (consumed Outward, produced Inward, one batch per voucher_no)', 'production'),
  ('Asset Capitalization',   'ERPNext voucher type: stock consumed into an asset', 'production'),
  ('Asset Repair',           'ERPNext voucher type: stock consumed by a repair', 'production')
ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, kind = EXCLUDED.kind;

SELECT lottrace.attach(:'t_entry',
  item         => format('parent -> %s.item_code', :'t_bundle'),
  qty          => 'qty',
  warehouse    => format('parent -> %s.voucher_type', :'t_bundle'),
  to_warehouse => 'warehouse',
  lot          => 'batch_no',
  serial       => 'serial_no',
  doc          => format('parent -> %s.voucher_no', :'t_bundle'),
  account      => format('parent -> %s.voucher_no', :'t_bundle'),
  batch_key    => format('parent -> %s.voucher_no', :'t_bundle'),
  moved_on     => format('parent -> %s.posting_date', :'t_bundle'),
  expiry       => format('batch_no -> %s.expiry_date', :'t_batch'),
  counts_when  => 'docstatus = 1 AND parenttype = ''Serial and Batch Bundle''',
  signed_qty   => true,
  judge        => 'commit');

COMMIT;
