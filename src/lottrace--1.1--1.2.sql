/*
 * lottrace 1.1 -> 1.2: availability that holds in real operations.
 *
 *   * reservations and holds: lottrace.reservation, lottrace.hold and the
 *     lot's cached claims (lottrace.lot.claims), which the engine reads when
 *     it writes a lot, so that an unload eating into stock reserved by
 *     someone else, or held, is refused (lottrace_lot_reserved,
 *     lottrace_lot_unavailable); recall_hold over the genealogy;
 *   * shelf-life rules at receipt and at shipment (lottrace_shelf_life) and
 *     expiry taken from the components;
 *   * lot master data: production and best-before dates, attributes, the
 *     unit of measure of each item.
 * docs/TRACEABILITY.md explains the choices.
 */
\echo Use "ALTER EXTENSION lottrace UPDATE TO '1.2'" to load this file. \quit

-- =====================================================================
-- Reservations and holds
-- =====================================================================

-- (end of reservations and holds)
--
--
--

-- =====================================================================
-- Shelf life
-- =====================================================================
-- docs/SHELF_LIFE.md.  The engine (src/engine_shelf.c) reads the item's
-- columns through the row's jsonb, so the library keeps working on a 1.1
-- schema, where no item has a rule.

-- an item's minimum remaining shelf life when it is received
ALTER TABLE lottrace.item
  ADD COLUMN min_shelf_life_days int,
  ADD COLUMN min_shelf_life_pct numeric,
  ADD CONSTRAINT item_min_shelf_life_days_range CHECK (min_shelf_life_days BETWEEN 0 AND 36500),
  ADD CONSTRAINT item_min_shelf_life_pct_range CHECK (min_shelf_life_pct BETWEEN 0 AND 100);
COMMENT ON COLUMN lottrace.item.min_shelf_life_days IS
  'Minimum remaining shelf life at receipt, in days: a receipt (a load that is not a production output, a transfer, a return or an adjustment) of a lot expiring less than this many days after the movement date is refused (23514, lottrace_shelf_life). NULL: no rule.';
COMMENT ON COLUMN lottrace.item.min_shelf_life_pct IS
  'Minimum remaining shelf life at receipt, as a percentage of the validity (lot_validity_days, else the lot''s expiry minus its start date), rounded up to whole days; refused like min_shelf_life_days. NULL: no rule.';
COMMENT ON CONSTRAINT item_min_shelf_life_days_range ON lottrace.item IS
  'A minimum remaining shelf life is 0 to 36500 days, like the other shelf lives.';
COMMENT ON CONSTRAINT item_min_shelf_life_pct_range ON lottrace.item IS
  'A minimum remaining shelf life in percent is 0 to 100.';

-- expiry_rule from_components: the earliest expiry among the production inputs
ALTER TABLE lottrace.item
  DROP CONSTRAINT item_expiry_rule_check,
  ADD CONSTRAINT item_expiry_rule_check
    CHECK (expiry_rule IN ('exact', 'month_end', 'month_start', 'from_components'));
COMMENT ON CONSTRAINT item_expiry_rule_check ON lottrace.item IS
  'The expiry rules: exact, month_end, month_start, from_components.';
COMMENT ON COLUMN lottrace.item.expiry_rule IS
  'Rounding of computed expiry dates: exact, month_end (last day of that month) or month_start (first day); from_components: a produced lot expires no later than the earliest expiry among the input lots of its production batches (and than start + lot_validity_days, or the expiry the row gives).';

-- a customer's minimum remaining shelf life at shipment
CREATE TABLE lottrace.shelf_life_rule (
    account  text NOT NULL CHECK (account <> ''),
    item     text REFERENCES lottrace.item ON UPDATE CASCADE ON DELETE CASCADE,
    category text CHECK (category <> ''),
    min_days int CHECK (min_days BETWEEN 0 AND 36500),
    min_pct  numeric CHECK (min_pct BETWEEN 0 AND 100),
    note     text,
    CONSTRAINT shelf_life_rule_key CHECK ((item IS NULL) <> (category IS NULL)),
    CONSTRAINT shelf_life_rule_minimum CHECK (min_days IS NOT NULL OR min_pct IS NOT NULL),
    CONSTRAINT shelf_life_rule_item_key UNIQUE (account, item),
    CONSTRAINT shelf_life_rule_category_key UNIQUE (account, category)
);
COMMENT ON TABLE lottrace.shelf_life_rule IS
  'Minimum remaining shelf life at shipment per account (customer), for an item or for every item of a category; an item''s rule wins over its category''s. An unload to the account of a lot expiring too soon is refused (23514, lottrace_shelf_life).';
COMMENT ON COLUMN lottrace.shelf_life_rule.account IS 'The account (customer) the rule is for, as the movements'' account column (or customer location) gives it.';
COMMENT ON COLUMN lottrace.shelf_life_rule.item IS 'The item the rule is for (or NULL, with category).';
COMMENT ON COLUMN lottrace.shelf_life_rule.category IS 'The item category (lottrace.item.category) the rule is for (or NULL, with item).';
COMMENT ON COLUMN lottrace.shelf_life_rule.min_days IS 'Days the lot must still have from the movement date to its expiry.';
COMMENT ON COLUMN lottrace.shelf_life_rule.min_pct IS 'Percentage of the validity (the item''s lot_validity_days, else the lot''s expiry minus its start date) the lot must still have, rounded up to whole days.';
COMMENT ON COLUMN lottrace.shelf_life_rule.note IS 'Free text: the agreement behind the rule.';
COMMENT ON CONSTRAINT shelf_life_rule_key ON lottrace.shelf_life_rule IS
  'A rule is for an item or for a category, not both.';
COMMENT ON CONSTRAINT shelf_life_rule_minimum ON lottrace.shelf_life_rule IS
  'A rule gives min_days, min_pct or both (both must then hold).';
CREATE INDEX shelf_life_rule_item_idx ON lottrace.shelf_life_rule (item);
COMMENT ON INDEX lottrace.shelf_life_rule_item_idx IS
  'The rules of an item (the engine asks whether an item has any).';
CREATE INDEX shelf_life_rule_category_idx ON lottrace.shelf_life_rule (category);
COMMENT ON INDEX lottrace.shelf_life_rule_category_idx IS
  'The rules of a category.';
-- the engine caches which items have rules: a change drops the caches
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.shelf_life_rule
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
COMMENT ON TRIGGER config_changed ON lottrace.shelf_life_rule IS
  'Drops every backend''s configuration caches when shipment rules change.';
SELECT pg_catalog.pg_extension_config_dump('lottrace.shelf_life_rule', '');

-- (end of shelf life)
--
--
--

-- =====================================================================
-- Lot master data
-- =====================================================================

-- (end of lot master data)
--
--
--

-- =====================================================================
-- Views (lot_register, lot_stock and the new ones)
-- =====================================================================

-- (end of views)
