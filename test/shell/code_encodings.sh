#!/usr/bin/env bash
# Lot codes in databases whose encoding is not UTF8 (docs/lotcode.md,
# "Encodings"; the pg_regress suite runs in UTF8): characters are judged by
# their Unicode code point through the encoding's conversion to UTF-8, and
# lengths count characters.
#   * LATIN1: accented letters accepted (one byte each, lotcode(n) counts
#     them), U+00A0 and U+0085 refused by code point, natural order, the
#     GS1 rule naming "é" (U+00E9), binary output in the client encoding
#     (UTF8 and LATIN1) and a binary COPY round trip between them.
#   * WIN1252: the euro sign (0x80, U+20AC) accepted; 0x81, which has no
#     Unicode equivalent, refused as such.
#   * SQL_ASCII: ASCII codes (spaces included) only; a byte above 0x7F is
#     refused by its byte position.
# The client encoding is UTF8 unless a step sets another.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/cluster-test.bash   # clusters, clean-up, fail(), $work
export PGCLIENTENCODING=UTF8

pgc_init enc >/dev/null
pgc_start enc
for e in LATIN1 WIN1252 SQL_ASCII; do
  db=$(echo "$e" | tr 'A-Z' 'a-z')
  pgc_psql enc -q -c "CREATE DATABASE $db ENCODING '$e' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
  pgc_psql enc -d "$db" -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION lottrace"
done
chmod 777 "$work"

# pg_temp.err(stmt): the SQLSTATE and detail of the error stmt raises, or "ok".
helper='CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE s text; d text;
BEGIN
  EXECUTE stmt;
  RETURN $$ok$$;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN s || $$ $$ || d;
END $f$;'

check() {  # check NAME DB: run stdin in DB, compare with the expected output in $want
  local name=$1 db=$2 got
  got=$( { echo "$helper"; cat; } | pgc_psql enc -d "$db" -At -q 2>&1) || true
  if [ "$got" != "$want" ]; then
    diff <(echo "$want") <(echo "$got") || true
    fail "$name"
  fi
  echo "ok: $name"
}

want='Café-01|7|7
ÅÄÖ|3|3
22P02 Character U+00A0 at position 2 is white space other than a plain space (U+0020).
22P02 Character U+0085 at position 2 is a control character.
22P02 Character U+0020 at position 5 is a second space in a row.
ok
22001 The code has 4 characters; at most 3 are allowed.
Å2 Å10 É1 é1
\x436166c3a92037
22P02 invalid lot code "Café 7" (item "GS" in warehouse "W1"): character "é" (U+00E9) at position 4 is not in GS1 character set 82
Café 7|1'
check "LATIN1: characters by code point, lengths in characters, GS1 rule" latin1 <<'SQL'
SELECT c, length(c), octet_length(c::text) FROM unnest(ARRAY['Café-01', ' ÅÄÖ ']::lottrace.lotcode[]) c;
SELECT pg_temp.err($$SELECT E'X\u00a0Y'::lottrace.lotcode$$);
SELECT pg_temp.err($$SELECT E'X\u0085Y'::lottrace.lotcode$$);
SELECT pg_temp.err($$SELECT 'ÅÄÖ  X'::lottrace.lotcode$$);
SELECT pg_temp.err($$SELECT 'ÅÄÖ'::lottrace.lotcode::lottrace.lotcode(3)$$);
SELECT pg_temp.err($$SELECT 'ÅÄÖÅ'::lottrace.lotcode::lottrace.lotcode(3)$$);
SELECT string_agg(c::text, ' ' ORDER BY c) FROM unnest(ARRAY['é1', 'Å10', 'É1', 'Å2']::lottrace.lotcode[]) c;
SELECT lottrace.lotcode_send('Café 7');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('GS', true);
INSERT INTO lottrace.item (item, lot_tracked, gs1_codes) VALUES ('WIDE', true, false);
INSERT INTO lottrace.reason (code, direction) VALUES ('IN', 'load');
CREATE TABLE moves (id int PRIMARY KEY, item text, qty numeric, wh text, lot text, reason text);
SELECT FROM lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot', reason => 'reason');
CREATE FUNCTION pg_temp.msg(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE s text; m text;
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
  RETURN s || ' ' || m;
END $f$;
SELECT pg_temp.msg($$INSERT INTO moves VALUES (1, 'GS', 1, 'W1', 'Café 7', 'IN')$$);
INSERT INTO moves VALUES (1, 'WIDE', 1, 'W1', 'Café 7', 'IN');
SELECT lot, on_hand FROM lottrace.lot_register;
SQL

# Binary output follows the client encoding; a binary COPY written with
# one client encoding and read with the same comes back identical.
want='\x436166e92037
3|0|0'
check "LATIN1: binary send and receive in the client encoding" latin1 <<SQL
SET client_encoding = LATIN1;
SELECT lottrace.lotcode_send(lottrace.lotcode(E'Caf\\u00e9 7'));
RESET client_encoding;
CREATE TABLE codes (code lottrace.lotcode);
INSERT INTO codes VALUES ('Café 7'), ('ÅÄÖ'), ('LOT 7/26');
\copy codes TO '$work/codes-utf8.bin' (FORMAT binary)
CREATE TABLE codes2 (LIKE codes);
\copy codes2 FROM '$work/codes-utf8.bin' (FORMAT binary)
SELECT (SELECT count(*) FROM codes2), (SELECT count(*) FROM (TABLE codes EXCEPT TABLE codes2) d),
       (SELECT count(*) FROM (TABLE codes2 EXCEPT TABLE codes) d);
SQL

want='€ 12|4|\x80203132
22P02 Character encoded as 0x81 at position 2 has no Unicode equivalent.'
check "WIN1252: the euro sign accepted, 0x81 refused" win1252 <<'SQL'
SELECT c, length(c), convert_to(c::text, 'WIN1252') FROM unnest(ARRAY['€ 12']::lottrace.lotcode[]) c;
SELECT pg_temp.err($$SELECT E'A\x81B'::lottrace.lotcode$$);
SQL

want='LOT 7/26|8
22P02 Byte 0xC3 at byte position 4 is not ASCII, and codes in a database with encoding "SQL_ASCII" are ASCII only.
22P02 Character U+0009 at position 4 is a control character.'
check "SQL_ASCII: ASCII codes only" sql_ascii <<'SQL'
SELECT c, length(c) FROM unnest(ARRAY['LOT 7/26']::lottrace.lotcode[]) c;
SELECT pg_temp.err($$SELECT 'Café'::lottrace.lotcode$$);
SELECT pg_temp.err($$SELECT E'LOT\t7'::lottrace.lotcode$$);
SQL
echo "lot codes in LATIN1, WIN1252 and SQL_ASCII databases: ok"
