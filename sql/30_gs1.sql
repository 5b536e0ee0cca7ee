-- GS1 barcodes: the three input forms, validation errors, the value
-- functions, Digital Link output, pairing rules, and a no-crash sweep.
CREATE EXTENSION lottrace;
\set ECHO none
\i sql/include/helpers.psql
\set ECHO all
-- dates print as ISO (pg_regress defaults to Postgres, MDY)
SET datestyle = 'ISO, YMD';

-- ===== bracketed form =====

-- bracketed form: elements in input order
SELECT * FROM lottrace.gs1_parse('(01)09506000134352(17)261231(10)ABC');

-- bracketed form: "\(" is a literal parenthesis inside a value; ")" needs no escape
SELECT * FROM lottrace.gs1_parse('(01)09506000134352(10)A\(1)B');

-- surrounding white space (a scanner's CR/LF) is ignored
SELECT * FROM lottrace.gs1_parse(E'  (10)ABC\r\n');

-- ===== raw scanner data =====

-- raw form with ]d2: predefined-length (01) and (17) run into the next AI, GS (chr(29)) ends the lot
SELECT * FROM lottrace.gs1_parse(']d2' || '01095060001343521726123110ABC' || chr(29) || '21XYZ');

-- every GS1 symbology identifier is accepted: ]C1 ]d2 ]Q3 ]e0 ]J1
SELECT id, (SELECT string_agg(ai || '=' || value, ' ') FROM lottrace.gs1_parse(id || '0109506000134352')) AS parsed
  FROM unnest(ARRAY[']C1', ']d2', ']Q3', ']e0', ']J1']) AS id;

-- raw form without a symbology identifier
SELECT * FROM lottrace.gs1_parse('0109506000134352' || '10L1' || chr(29) || '17261231');

-- a trailing GS after the last variable-length value is tolerated
SELECT * FROM lottrace.gs1_parse(']C1' || '10ABC' || chr(29));

-- a leading GS (FNC1 in first position sent as GS) is tolerated too
SELECT * FROM lottrace.gs1_parse(']d2' || chr(29) || '0109506000134352');

-- a GS after a predefined-length value is unnecessary but tolerated
SELECT * FROM lottrace.gs1_parse('0109506000134352' || chr(29) || '17261231');

-- a missing GS after the lot: the next AI becomes part of the lot (the data is still valid)
SELECT * FROM lottrace.gs1_parse(']d2' || '0109506000134352' || '10ABC' || '17261231');

-- ...so the expiry is absent and the lot is wrong: a scanner must send the GS
SELECT lottrace.gs1_lot(']d20109506000134352' || '10ABC17261231') AS lot,
       lottrace.gs1_expiry(']d20109506000134352' || '10ABC17261231') AS expiry;

-- a symbology identifier of a non-GS1 symbol is an error
SELECT sqlstate, message, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse(']E00950600013435')$$);

-- two GS in the middle (an empty element string) is an error
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('10ABC' || chr(29) || chr(29) || '21X')$$);

-- ===== Digital Link =====

-- Digital Link: path (key, qualifiers) then query attributes; unknown non-numeric parameters are ignored
SELECT * FROM lottrace.gs1_parse('https://example.com/01/09506000134352/10/ABC/21/S1?17=261231&linkType=gs1:pip&3103=000500');

-- Digital Link with a stem of several segments and an upper-case scheme; the fragment is ignored
SELECT * FROM lottrace.gs1_parse('HTTP://EXAMPLE.COM/shop/id/01/09506000134352/10/L1#top');

-- Digital Link: percent-encoded "-" (%2D) and "/" (%2F) in a lot are decoded
SELECT * FROM lottrace.gs1_parse('https://id.gs1.org/01/09506000134352/10/AB%2DC%2F1');

-- Digital Link: an SSCC key takes no qualifiers
SELECT * FROM lottrace.gs1_parse('https://example.com/00/106141411234567897');

-- Digital Link error: "+" in a query value
SELECT sqlstate, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352?17=26+231')$$);

-- Digital Link error: a lot as a query parameter (it belongs in the path)
SELECT sqlstate, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352?10=ABC')$$);

-- Digital Link error: a serial as a query parameter (also a path qualifier of (01))
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352/10/L1?21=S1')$$);

-- Digital Link error: a GTIN-13 instead of the 14-digit form
SELECT sqlstate, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/9506000134352')$$);

-- Digital Link error: mixed-case scheme
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('Https://a.example/01/09506000134352')$$);

-- Digital Link error: trailing slash
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352/')$$);

-- Digital Link error: qualifiers in the wrong order (21 before 10)
SELECT sqlstate, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352/21/S1/10/L1')$$);

-- Digital Link error: no primary key in the path
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/10/ABC')$$);

-- Digital Link error: an AI that is not a data attribute in the query
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/00/106141411234567897?21=X')$$);

-- Digital Link error: an unknown numeric query parameter
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352?99999=1')$$);

-- Digital Link error: a bad percent escape
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352/10/A%2G')$$);

-- Digital Link error: a space is not a URI character
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('https://a.example/01/09506000134352/10/A B')$$);

-- ===== validation errors =====

-- check digit error in (00)
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(00)106141411234567890')$$);

-- check digit error in (01)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)09506000134353')$$);

-- check digit error in raw data: the position counts the symbology identifier
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse(']d20109506000134353')$$);

-- month 13
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(17)261301')$$);

-- 29 February in a leap year (2028) is valid
SELECT * FROM lottrace.gs1_parse('(17)280229');

-- 29 February in a non-leap year (2027) is an error
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(17)270229')$$);

-- 31 April is an error
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(17)270431')$$);

-- day 00 is allowed where the dictionary says yymmd0: (17) expiry, (11) production date
SELECT * FROM lottrace.gs1_parse('(11)270200(17)270200');

-- day 00 is rejected where the dictionary says yymmdd: (7006) first freeze date
SELECT sqlstate, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)09506000134352(7006)270200')$$);

-- a lot of 21 characters is too long (at most 20)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)ABCDEFGHIJ0123456789K')$$);

-- a space in a lot
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)AB C')$$);

-- a "~" in a lot (not in GS1 character set 82)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)AB~C')$$);

-- a GS inside a bracketed value is not a character of set 82
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)AB' || chr(29) || 'C')$$);

-- an unknown AI (bracketed)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(23)ABC')$$);

-- an unknown AI (raw data)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse(']C1' || '0109506000134352' || '2399')$$);

-- an AI of 5 digits in brackets is malformed
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(12345)X')$$);

-- a fixed-length value that is too long: 15 digits in (01)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)095060001343520')$$);

-- a fixed-length value that is too short: 5 digits in (17)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(17)26123')$$);

-- raw data ending inside a predefined-length value
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse(']d2010950600013435217261')$$);

-- a letter in a numeric AI
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)0950600013435X')$$);

-- an empty value
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)(17)261231')$$);

-- an empty barcode
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('   ')$$);

-- text that is no barcode at all
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('hello')$$);

-- the same AI twice with the same value is accepted and reported once
SELECT * FROM lottrace.gs1_parse('(01)09506000134352(10)L1(01)09506000134352');

-- the same AI twice with different values is an error
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(10)L1(10)L2')$$);

-- content checks: ISO 3166 country code in (422)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)09506000134352(422)999')$$);

-- content checks: ISO 4217 currency code in (3912)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(8020)REF1(415)9506000134352(3912)0001234')$$);

-- content checks: a GMN (8013) with a correct alphanumeric check character pair
SELECT * FROM lottrace.gs1_parse('(8013)1987654Ad4X4bL5ttr2310c2K');

-- content checks: a GMN (8013) with a wrong check character pair
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(8013)1987654Ad4X4bL5ttr2310cXK')$$);

-- content checks: hour 24 in (8008)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)09506000134352(8008)26123124')$$);

-- content checks: piece 3 of 2 in (8006)
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(8006)095060001343520302')$$);

-- character set 39 (8010): lower case is not allowed
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(8010)9506ab')$$);

-- ===== the value functions =====

-- lot, serial, GTIN and expiry from each form
SELECT form, lottrace.gs1_lot(x) AS lot, lottrace.gs1_serial(x) AS serial,
       lottrace.gs1_gtin(x) AS gtin, lottrace.gs1_expiry(x) AS expiry
  FROM (VALUES ('bracketed', '(01)09506000134352(17)261231(10)ABC(21)S-1'),
               ('raw',       ']d201095060001343521726123110ABC' || chr(29) || '21S-1'),
               ('link',      'https://example.com/01/09506000134352/10/ABC/21/S-1?17=261231')) v(form, x);

-- every value function gives NULL when its AI is absent
SELECT lottrace.gs1_lot('(00)106141411234567897') AS lot, lottrace.gs1_serial('(00)106141411234567897') AS serial,
       lottrace.gs1_gtin('(00)106141411234567897') AS gtin, lottrace.gs1_expiry('(00)106141411234567897') AS expiry;

-- the value functions raise the parser's errors for malformed barcodes
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_lot('(10)AB~C')$$);

-- gs1_lot returns the text layout (binary compatible with lotcode)
SELECT pg_typeof(lottrace.gs1_lot('(10)ABC')), pg_typeof(lottrace.gs1_serial('(21)X'));

-- gs1_expiry with day 00: the last day of the month, February in leap and non-leap years
SELECT v, lottrace.gs1_expiry('(17)' || v) AS expiry
  FROM unnest(ARRAY['270100', '270200', '280200', '270400', '271200', '270215']) AS v;

-- century rule (GS1 General Specifications 7.12), with years whose reading is stable for decades:
-- 99 -> 1999 (until 2048), 30 -> 2030 (until 2079), 49 -> 2049 (until 2098), 60 -> 2060 (from 2010 until 2109)
SELECT v, lottrace.gs1_expiry('(17)' || v) AS expiry
  FROM unnest(ARRAY['991231', '300101', '490101', '600101']) AS v;

-- decimal-point AIs: gs1_parse gives (3103) net weight in kg as its digits
SELECT * FROM lottrace.gs1_parse('(01)09506000134352(3103)001250');

-- decimal-point AIs: gs1_decimal applies the 3 decimals of (3103), found by AI or by its first three digits
SELECT lottrace.gs1_decimal('(01)09506000134352(3103)001250', '3103') AS by_ai,
       lottrace.gs1_decimal('(01)09506000134352(3103)001250', '310') AS by_family,
       lottrace.gs1_decimal('(01)09506000134352(3103)001250', '3102') AS other_decimals,
       lottrace.gs1_decimal('(01)09506000134352(3100)000042', '310') AS no_decimals;

-- decimal-point AIs: an amount with a currency (3932: EUR, 2 decimals) and a tiny amount (3905)
SELECT lottrace.gs1_decimal('(01)09506000134352(30)1(3932)97812345', '393') AS price,
       lottrace.gs1_decimal('(255)9506000134352(3905)7', '390') AS amount;

-- a decimal-point AI that does not exist (3106) is an unknown AI
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_parse('(01)09506000134352(3106)001250')$$);

-- gs1_decimal: the second argument must name a decimal-point AI
SELECT sqlstate, message FROM pg_temp.err($$SELECT lottrace.gs1_decimal('(10)A', '10')$$);

-- ===== check digit =====

-- gs1_check_digit of a GTIN-13 body, an SSCC body, a GLN body and one digit
SELECT lottrace.gs1_check_digit('0950600013435') AS gtin,
       lottrace.gs1_check_digit('10614141123456789') AS sscc,
       lottrace.gs1_check_digit('950600013435') AS gln,
       lottrace.gs1_check_digit('0') AS zero;

-- gs1_check_digit: a non-digit is an error
SELECT sqlstate, message, detail FROM pg_temp.err($$SELECT lottrace.gs1_check_digit('12a4')$$);

-- gs1_check_digit: the empty string is an error
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_check_digit('')$$);

-- ===== Digital Link output =====

-- canonical Digital Links: key and qualifiers in the path in dictionary order, attributes sorted by AI
SELECT x, lottrace.gs1_digital_link(x) AS link
  FROM (VALUES ('(17)261231(21)S/1(10)AB-C(01)09506000134352(3103)000500'),
               (']d2010950600013435217261231' || '10L1'),
               ('https://shop.example/x/01/09506000134352/10/L1?17=261231'),
               ('(00)106141411234567897(02)09506000134352(37)12'),
               ('(01)09506000134352(235)TPX1(10)L1'),
               ('(414)9506000134352(254)EXT1'),
               ('(8004)9506ASSET1(7040)1A2B')) v(x);

-- the stem is any http(s) URI prefix; trailing slashes are dropped
SELECT lottrace.gs1_digital_link('(01)09506000134352(10)L1', 'https://brand.example/p/') AS link;

-- round trips: parse(digital_link(x)) gives the same elements as parse(x)
SELECT x, (SELECT array_agg(ai || '=' || value ORDER BY ai) FROM lottrace.gs1_parse(x)) =
          (SELECT array_agg(ai || '=' || value ORDER BY ai) FROM lottrace.gs1_parse(lottrace.gs1_digital_link(x))) AS same
  FROM (VALUES ('(01)09506000134352(17)261231(10)ABC'),
               (']d201095060001343521726123110A/B%C' || chr(29) || '21S+1'),
               ('https://a.example/01/09506000134352/22/V1/10/L1/21/S1?15=270100&3103=000500'),
               ('(00)106141411234567897(400)ORDER!"&''\()*+,-./:;<=>?_z'),
               ('(253)9506000134352X1(17)270100'),
               ('(8003)09506000134352SER1(91)INT')) v(x);

-- gs1_digital_link error: no primary key in the barcode
SELECT sqlstate, message, detail, hint FROM pg_temp.err($$SELECT lottrace.gs1_digital_link('(10)ABC(17)261231')$$);

-- gs1_digital_link error: an AI that is neither qualifier nor data attribute
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_digital_link('(00)106141411234567897(21)S1')$$);

-- gs1_digital_link error: a stem that is no http(s) URI
SELECT sqlstate, detail FROM pg_temp.err($$SELECT lottrace.gs1_digital_link('(01)09506000134352', 'ftp://x')$$);

-- ===== pairing rules =====

-- pairing rules are not errors for gs1_parse, but gs1_check_pairs lists them
SELECT * FROM lottrace.gs1_check_pairs('(10)ABC(3102)001000(3103)000900(21)S1(235)T1');

-- a complete barcode breaks no pairing rule
SELECT count(*) FROM lottrace.gs1_check_pairs('(01)09506000134352(17)261231(10)ABC(21)S1');

-- ===== nothing crashes =====

-- 3000 pseudo-random strings (md5 of a counter mapped onto digits, brackets, GS,
-- control and URI characters, after prefixes that reach each parser) give only
-- 22P02 or no error
WITH alphabet(a) AS (
  SELECT '0123456789012345678901234567890123456789()' || chr(29) || chr(29) || chr(1) || chr(9) ||
         ' ]Cd1ABz%/?&=+#:.~\-_' || chr(127)
), prefix(k, p) AS (
  VALUES (0, ''), (1, '('), (2, '(01)09506000134352'), (3, ']d2'), (4, ']d20109506000134352'),
         (5, 'https://a/01/09506000134352'), (6, 'https://a/'), (7, '(10)')
), input AS (
  SELECT i, p || coalesce((SELECT string_agg(substr(a, 1 + get_byte(decode(md5(i || '/' || j), 'hex'), 0) % length(a), 1), '' ORDER BY j)
                             FROM generate_series(1, i % 23) j), '') AS s
    FROM generate_series(1, 3000) i, alphabet, prefix
   WHERE k = i % 8
)
SELECT e.sqlstate, count(*)
  FROM input, LATERAL pg_temp.err(format('SELECT * FROM lottrace.gs1_parse(%L)', s)) e
 GROUP BY e.sqlstate ORDER BY e.sqlstate;

DROP EXTENSION lottrace;
