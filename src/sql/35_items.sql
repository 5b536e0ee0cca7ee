-- Configuration tables (API.md §2), part 2: code types, their counters, and
-- items (which refer to code types).

------------------------------------------------------------------------------
-- Code types
------------------------------------------------------------------------------
CREATE TABLE lottrace.code_type (
    code          text PRIMARY KEY CHECK (code <> ''),
    kind          text NOT NULL CHECK (kind IN ('lot', 'serial')),
    description   text,
    format        lottrace.codefmt NOT NULL,
    seq_start     bigint NOT NULL DEFAULT 1 CHECK (seq_start >= 0),
    alpha_start   text NOT NULL DEFAULT 'A' CHECK (alpha_start ~ '^[A-Z]{1,10}$'),
    unit_handling boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE lottrace.code_type IS
  'Code types: how lot or serial codes of an item are composed (a codefmt format) and where their counters start.';
COMMENT ON COLUMN lottrace.code_type.code IS 'Code type name, referred to by lottrace.item.lot_code_type / serial_code_type.';
COMMENT ON COLUMN lottrace.code_type.kind IS 'lot or serial: which kind of code this type makes.';
COMMENT ON COLUMN lottrace.code_type.description IS 'Free text.';
COMMENT ON COLUMN lottrace.code_type.format IS 'The format, e.g. {ITEM}-{YY}{MM}-{SEQ:4|ITEM,YYYY}.';
COMMENT ON COLUMN lottrace.code_type.seq_start IS 'First value of a {SEQ} counter for a new root.';
COMMENT ON COLUMN lottrace.code_type.alpha_start IS 'First value of an {ALPHA} counter for a new root, in letters (A = 0).';
COMMENT ON COLUMN lottrace.code_type.unit_handling IS 'Informational: codes of this type identify single units (kept for ERP compatibility).';

CREATE TABLE lottrace.code_counter (
    code_type  text NOT NULL REFERENCES lottrace.code_type ON UPDATE CASCADE ON DELETE CASCADE,
    root       text NOT NULL,
    last_value bigint NOT NULL,
    PRIMARY KEY (code_type, root)
);
COMMENT ON TABLE lottrace.code_counter IS
  'Counters of the code types: the last value handed out for each root. Advanced by next_code() and by code generation on load; gapless in commit order.';
COMMENT ON COLUMN lottrace.code_counter.code_type IS 'The code type.';
COMMENT ON COLUMN lottrace.code_counter.root IS 'The counter root: the values named in the counter''s |ROOT list joined by |, or else the code without counter, RAND and CHK.';
COMMENT ON COLUMN lottrace.code_counter.last_value IS 'Last value handed out (SEQ: as printed; ALPHA: 0-based, A = 0).';

------------------------------------------------------------------------------
-- Items
------------------------------------------------------------------------------
CREATE TABLE lottrace.item (
    item                 text PRIMARY KEY CHECK (item <> ''),
    lot_tracked          boolean NOT NULL DEFAULT false,
    serial_tracked       boolean NOT NULL DEFAULT false,
    lot_code_type        text REFERENCES lottrace.code_type ON UPDATE CASCADE,
    serial_code_type     text REFERENCES lottrace.code_type ON UPDATE CASCADE,
    pick_policy          text NOT NULL DEFAULT 'fifo' CHECK (pick_policy IN ('fifo', 'fefo', 'manual')),
    initial_status       text REFERENCES lottrace.lot_status ON UPDATE CASCADE,
    lot_validity_days    int CHECK (lot_validity_days >= 0),
    expiry_rule          text NOT NULL DEFAULT 'exact' CHECK (expiry_rule IN ('exact', 'month_end', 'month_start')),
    expiry_editable      boolean NOT NULL DEFAULT true,
    warn_days            int CHECK (warn_days >= 0),
    block_days           int NOT NULL DEFAULT 0 CHECK (block_days >= 0),
    single_supplier      boolean NOT NULL DEFAULT false,
    serial_validity_days int CHECK (serial_validity_days >= 0),
    item_class           text,
    category             text,
    item_type            text
);
COMMENT ON TABLE lottrace.item IS
  'Tracking parameters per item. Movements of items not listed here, or neither lot- nor serial-tracked, pass through ungoverned.';
COMMENT ON COLUMN lottrace.item.item IS 'Item code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.item.lot_tracked IS 'Every movement must name a lot (or have one generated on load).';
COMMENT ON COLUMN lottrace.item.serial_tracked IS 'Every movement must name a serial and move exactly one unit.';
COMMENT ON COLUMN lottrace.item.lot_code_type IS 'Code type that generates and checks lot codes (kind lot).';
COMMENT ON COLUMN lottrace.item.serial_code_type IS 'Code type that generates and checks serial codes (kind serial).';
COMMENT ON COLUMN lottrace.item.pick_policy IS 'fifo (oldest start date first), fefo (earliest expiry first) or manual (offered as fifo).';
COMMENT ON COLUMN lottrace.item.initial_status IS 'Status of a new lot (e.g. QUARANTINE); NULL means the setting lottrace.default_status.';
COMMENT ON COLUMN lottrace.item.lot_validity_days IS 'Shelf life: a new lot expires this many days after its start date (then rounded by expiry_rule). NULL: no expiry unless the movement gives one.';
COMMENT ON COLUMN lottrace.item.expiry_rule IS 'Rounding of computed expiry dates: exact, month_end (last day of that month) or month_start (first day).';
COMMENT ON COLUMN lottrace.item.expiry_editable IS 'Users may change the expiry date of this item''s lots.';
COMMENT ON COLUMN lottrace.item.warn_days IS 'refresh_expiry() warns about open lots this many days before expiry.';
COMMENT ON COLUMN lottrace.item.block_days IS 'Lots may not be unloaded from this many days before their expiry date.';
COMMENT ON COLUMN lottrace.item.single_supplier IS 'A lot may only be loaded from one supplier account.';
COMMENT ON COLUMN lottrace.item.serial_validity_days IS 'A new serial expires this many days after its start date.';
COMMENT ON COLUMN lottrace.item.item_class IS 'Item class (the {CLASS} format segment).';
COMMENT ON COLUMN lottrace.item.category IS 'Commodity category (the {CATEGORY} format segment).';
COMMENT ON COLUMN lottrace.item.item_type IS 'Item type (the {ITEMTYPE} format segment).';

-- A code type used for lots must make lot codes, and likewise for serials.
CREATE FUNCTION lottrace._check_item_code_types()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k text;
BEGIN
  IF NEW.lot_code_type IS NOT NULL THEN
    SELECT kind INTO k FROM lottrace.code_type WHERE code = NEW.lot_code_type;
    IF k <> 'lot' THEN
      RAISE EXCEPTION 'code type "%" makes % codes, not lot codes', NEW.lot_code_type, k
        USING ERRCODE = 'check_violation', CONSTRAINT = 'item_lot_code_type_kind',
              DETAIL = format('Item "%s".', NEW.item);
    END IF;
  END IF;
  IF NEW.serial_code_type IS NOT NULL THEN
    SELECT kind INTO k FROM lottrace.code_type WHERE code = NEW.serial_code_type;
    IF k <> 'serial' THEN
      RAISE EXCEPTION 'code type "%" makes % codes, not serial codes', NEW.serial_code_type, k
        USING ERRCODE = 'check_violation', CONSTRAINT = 'item_serial_code_type_kind',
              DETAIL = format('Item "%s".', NEW.item);
    END IF;
  END IF;
  IF TG_OP = 'UPDATE'
     AND (NEW.lot_tracked, NEW.serial_tracked) IS DISTINCT FROM (OLD.lot_tracked, OLD.serial_tracked) THEN
    RAISE NOTICE 'tracking of item "%" changed', NEW.item
      USING HINT = 'Movements already in attached tables are not re-read: run SELECT lottrace.rebuild() once the change is committed.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._check_item_code_types() IS
  'Internal trigger: an item''s lot code type must be of kind lot and its serial code type of kind serial.';
CREATE TRIGGER check_code_types BEFORE INSERT OR UPDATE ON lottrace.item
  FOR EACH ROW EXECUTE FUNCTION lottrace._check_item_code_types();

-- The reverse direction: a code type in use keeps its kind.
CREATE FUNCTION lottrace._check_code_type_kind()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NEW.kind <> OLD.kind AND EXISTS (
       SELECT FROM lottrace.item
        WHERE (NEW.kind = 'serial' AND lot_code_type = OLD.code)
           OR (NEW.kind = 'lot' AND serial_code_type = OLD.code)) THEN
    RAISE EXCEPTION 'code type "%" is used by items as a % code type', OLD.code, OLD.kind
      USING ERRCODE = 'check_violation', CONSTRAINT = 'code_type_kind_in_use';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._check_code_type_kind() IS
  'Internal trigger: a code type used by items cannot change its kind.';
CREATE TRIGGER check_kind BEFORE UPDATE OF kind ON lottrace.code_type
  FOR EACH ROW EXECUTE FUNCTION lottrace._check_code_type_kind();

SELECT pg_catalog.pg_extension_config_dump('lottrace.code_type', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.code_counter', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.item', '');
