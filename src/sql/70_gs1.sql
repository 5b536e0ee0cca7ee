
-- ---------------------------------------------------------------------------
-- GS1 barcodes (src/gs1.c, src/gs1_core.c; docs/GS1.md)
--
-- The parsing functions apply the GS1 century rule to two-digit years
-- relative to the current date, so they are STABLE, not IMMUTABLE.
-- ---------------------------------------------------------------------------

CREATE FUNCTION lottrace.gs1_parse(barcode text)
RETURNS TABLE (ai text, value text)
AS 'MODULE_PATHNAME', 'lt_gs1_parse'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION lottrace.gs1_parse(text) IS
  'GS1 element strings of a barcode (bracketed, raw scanner data or Digital Link URI), validated, in input order';

-- AI (10) values are at most 20 characters of set 82: always a valid lotcode,
-- so the C function returns the bytes in the lotcode (= text) layout.
CREATE FUNCTION lottrace.gs1_lot(barcode text)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lt_gs1_lot'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_lot(text) IS
  'batch/lot number, AI (10), of a GS1 barcode; NULL when absent';

-- Likewise AI (21) values are always valid serialcodes.
CREATE FUNCTION lottrace.gs1_serial(barcode text)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'lt_gs1_serial'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_serial(text) IS
  'serial number, AI (21), of a GS1 barcode; NULL when absent';

CREATE FUNCTION lottrace.gs1_gtin(barcode text)
RETURNS text
AS 'MODULE_PATHNAME', 'lt_gs1_gtin'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_gtin(text) IS
  '14-digit GTIN, AI (01), of a GS1 barcode; NULL when absent';

CREATE FUNCTION lottrace.gs1_expiry(barcode text)
RETURNS date
AS 'MODULE_PATHNAME', 'lt_gs1_expiry'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_expiry(text) IS
  'expiry date, AI (17), of a GS1 barcode (day 00 = last day of the month); NULL when absent';

CREATE FUNCTION lottrace.gs1_decimal(barcode text, ai text)
RETURNS numeric
AS 'MODULE_PATHNAME', 'lt_gs1_decimal'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_decimal(text, text) IS
  'value of a decimal-point AI (31nn-36nn, 39nn) with its decimal point applied; ai is the AI or its first three digits; NULL when absent';

CREATE FUNCTION lottrace.gs1_check_digit(digits text)
RETURNS int
AS 'MODULE_PATHNAME', 'lt_gs1_check_digit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_check_digit(text) IS
  'GS1 mod-10 check digit of a string of digits';

CREATE FUNCTION lottrace.gs1_digital_link(barcode text, stem text DEFAULT 'https://id.gs1.org')
RETURNS text
AS 'MODULE_PATHNAME', 'lt_gs1_digital_link'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_digital_link(text, text) IS
  'canonical GS1 Digital Link URI of a GS1 barcode given in any form, below the given stem';

CREATE FUNCTION lottrace.gs1_check_pairs(barcode text)
RETURNS TABLE (ai text, problem text)
AS 'MODULE_PATHNAME', 'lt_gs1_check_pairs'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION lottrace.gs1_check_pairs(text) IS
  'GS1 pairing rules (required and excluded AIs) the barcode breaks; no rows when it follows them';
