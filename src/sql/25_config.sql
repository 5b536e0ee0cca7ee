-- Configuration tables (API.md §2), part 1: the ones that do not depend on
-- the codefmt type.  All of them hold user data and are dumped by pg_dump.

------------------------------------------------------------------------------
-- Lot statuses
------------------------------------------------------------------------------
CREATE TABLE lottrace.lot_status (
    code          text PRIMARY KEY CHECK (code <> ''),
    description   text,
    available     boolean NOT NULL DEFAULT true,
    mrp_available boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE lottrace.lot_status IS
  'Lot statuses. A lot whose status is not available cannot be unloaded unless the movement reason allows unavailable lots.';
COMMENT ON COLUMN lottrace.lot_status.code IS 'Status code, e.g. AVAILABLE, QUARANTINE.';
COMMENT ON COLUMN lottrace.lot_status.description IS 'Free text.';
COMMENT ON COLUMN lottrace.lot_status.available IS 'Lots in this status may be picked and unloaded.';
COMMENT ON COLUMN lottrace.lot_status.mrp_available IS 'Planning (MRP) may count stock of lots in this status.';

INSERT INTO lottrace.lot_status (code, description, available, mrp_available) VALUES
  ('AVAILABLE',  'Released: may be picked and shipped', true,  true),
  ('QUARANTINE', 'Awaiting release (e.g. lab analysis)', false, true),
  ('BLOCKED',    'Blocked by quality',                 false, false),
  ('EXPIRED',    'Past its block date',                false, false);

------------------------------------------------------------------------------
-- Lot types and evaluations: free classification tables
------------------------------------------------------------------------------
CREATE TABLE lottrace.lot_type (
    code        text PRIMARY KEY CHECK (code <> ''),
    description text
);
COMMENT ON TABLE lottrace.lot_type IS 'Lot types: a user classification of lots (the {LOTTYPE} format segment reads it).';
COMMENT ON COLUMN lottrace.lot_type.code IS 'Lot type code.';
COMMENT ON COLUMN lottrace.lot_type.description IS 'Free text.';

CREATE TABLE lottrace.lot_evaluation (
    code        text PRIMARY KEY CHECK (code <> ''),
    description text
);
COMMENT ON TABLE lottrace.lot_evaluation IS 'Lot evaluations: a quality grade a user may give a lot.';
COMMENT ON COLUMN lottrace.lot_evaluation.code IS 'Evaluation code.';
COMMENT ON COLUMN lottrace.lot_evaluation.description IS 'Free text.';

------------------------------------------------------------------------------
-- Warehouses
------------------------------------------------------------------------------
CREATE TABLE lottrace.warehouse (
    code           text PRIMARY KEY CHECK (code <> ''),
    description    text,
    allow_negative boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE lottrace.warehouse IS
  'Warehouse settings. Warehouses need not be listed: one that is not listed does not allow negative stock.';
COMMENT ON COLUMN lottrace.warehouse.code IS 'Warehouse code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.warehouse.description IS 'Free text.';
COMMENT ON COLUMN lottrace.warehouse.allow_negative IS 'Lot stock in this warehouse may go below zero.';

------------------------------------------------------------------------------
-- Movement reasons
------------------------------------------------------------------------------
CREATE TABLE lottrace.reason (
    code              text PRIMARY KEY CHECK (code <> ''),
    direction         text NOT NULL CHECK (direction IN ('load', 'unload')),
    description       text,
    new_lot_only      boolean NOT NULL DEFAULT false,
    allow_unavailable boolean NOT NULL DEFAULT false,
    create_serials    boolean NOT NULL DEFAULT false,
    production        text CHECK (production IN ('input', 'output')),
    requires_doc      boolean NOT NULL DEFAULT false,
    requires_account  boolean NOT NULL DEFAULT false,
    CONSTRAINT reason_production_direction CHECK (
        production IS NULL
        OR (production = 'input' AND direction = 'unload')
        OR (production = 'output' AND direction = 'load')),
    CONSTRAINT reason_load_flags CHECK (
        direction = 'load' OR NOT (new_lot_only OR create_serials))
);
COMMENT ON TABLE lottrace.reason IS
  'Movement reasons (warehouse templates). When attach() maps a reason column, each row''s reason gives its direction and rules.';
COMMENT ON COLUMN lottrace.reason.code IS 'Reason code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.reason.direction IS 'load: quantity enters the warehouse; unload: it leaves. Quantities are written positive.';
COMMENT ON COLUMN lottrace.reason.description IS 'Free text.';
COMMENT ON COLUMN lottrace.reason.new_lot_only IS 'Loads must create a new lot (may not add to a lot that existed before the statement).';
COMMENT ON COLUMN lottrace.reason.allow_unavailable IS 'Unloads may take lots that are unavailable, not saleable, force closed or blocked by expiry (e.g. scrapping).';
COMMENT ON COLUMN lottrace.reason.create_serials IS 'Loads of serial-tracked items without a serial get one from the item''s serial code type.';
COMMENT ON COLUMN lottrace.reason.production IS 'input: consumption of a production order; output: its product. Inputs and outputs sharing a batch key link lots (genealogy).';
COMMENT ON COLUMN lottrace.reason.requires_doc IS 'Rows with this reason must carry a document reference.';
COMMENT ON COLUMN lottrace.reason.requires_account IS 'Rows with this reason must carry a customer/supplier account.';

------------------------------------------------------------------------------
-- Year and month letters for the {YL} and {ML} format segments
------------------------------------------------------------------------------
CREATE TABLE lottrace.year_letter (
    year   int PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    letter text NOT NULL CHECK (letter ~ '^[A-Z]$')
);
COMMENT ON TABLE lottrace.year_letter IS 'Letter standing for a year in codes ({YL} segment), e.g. 2026 = F.';
COMMENT ON COLUMN lottrace.year_letter.year IS 'Calendar year.';
COMMENT ON COLUMN lottrace.year_letter.letter IS 'One letter A-Z.';

CREATE TABLE lottrace.month_letter (
    month  int PRIMARY KEY CHECK (month BETWEEN 1 AND 12),
    letter text NOT NULL CHECK (letter ~ '^[A-Z]$')
);
COMMENT ON TABLE lottrace.month_letter IS 'Letter standing for a month in codes ({ML} segment); seeded January = A to December = L.';
COMMENT ON COLUMN lottrace.month_letter.month IS 'Month 1-12.';
COMMENT ON COLUMN lottrace.month_letter.letter IS 'One letter A-Z.';

INSERT INTO lottrace.month_letter (month, letter)
  SELECT m, chr(64 + m) FROM generate_series(1, 12) AS m;

------------------------------------------------------------------------------
-- Seeded rows and pg_dump
--
-- pg_dump writes only the rows a user added or changed (the filters below);
-- CREATE EXTENSION re-creates the seeded ones on restore.  A dumped row that
-- changes a seeded one has the same key, so on restore it would collide with
-- the fresh seed: the BEFORE INSERT trigger lets an INSERT replace a seeded
-- row that is still exactly as seeded.  Any other duplicate key fails as
-- usual.  (A deleted seeded row comes back on restore.)
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._seeded_lot_status(r lottrace.lot_status)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (r.code, r.description, r.available, r.mrp_available) IN (
  ('AVAILABLE',  'Released: may be picked and shipped', true,  true),
  ('QUARANTINE', 'Awaiting release (e.g. lab analysis)', false, true),
  ('BLOCKED',    'Blocked by quality',                 false, false),
  ('EXPIRED',    'Past its block date',                false, false));
COMMENT ON FUNCTION lottrace._seeded_lot_status(lottrace.lot_status) IS
  'Internal: true when a lot_status row is exactly as CREATE EXTENSION seeded it.';

CREATE FUNCTION lottrace._seeded_month_letter(r lottrace.month_letter)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN r.letter = chr(64 + r.month);
COMMENT ON FUNCTION lottrace._seeded_month_letter(lottrace.month_letter) IS
  'Internal: true when a month_letter row is exactly as CREATE EXTENSION seeded it.';

CREATE FUNCTION lottrace._replace_seeded_row()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'lot_status' THEN
    UPDATE lottrace.lot_status s
       SET description = NEW.description, available = NEW.available,
           mrp_available = NEW.mrp_available
     WHERE s.code = NEW.code AND lottrace._seeded_lot_status(s);
  ELSE
    UPDATE lottrace.month_letter s
       SET letter = NEW.letter
     WHERE s.month = NEW.month AND lottrace._seeded_month_letter(s);
  END IF;
  IF FOUND THEN
    RETURN NULL;        -- the seeded row now holds the new values
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._replace_seeded_row() IS
  'Internal trigger: an INSERT whose key matches a still-unchanged seeded row replaces it (this is what makes pg_restore of changed seeded rows work).';

CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.lot_status
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_row();
CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.month_letter
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_row();

SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_status',
         'WHERE NOT lottrace._seeded_lot_status(lot_status)');
SELECT pg_catalog.pg_extension_config_dump('lottrace.month_letter',
         'WHERE NOT lottrace._seeded_month_letter(month_letter)');
SELECT pg_catalog.pg_extension_config_dump('lottrace.year_letter', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_type', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_evaluation', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.warehouse', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.reason', '');
