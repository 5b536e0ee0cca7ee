#!/usr/bin/env bash
# EPCIS between two lottrace databases (issue 16): a supplier's database
# writes the traceability of what it shipped as a GS1 EPCIS 2.0 document
# (lottrace.epcis_document); the customer's database takes it in
# (lottrace.epcis_import) and holds the announced lots as expected receipts:
# item found by GTIN, lot, quantity (serials counted per lot), expiry (from
# the commissioning ilmd), supplier found by GLN, shipping document.  Then
# the goods arrive: a receipt as announced matches, a short one, one with
# another expiry and a lot never announced are reported by
# lottrace.receipt_mismatches.  Importing the document again adds nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }

pgc_init supplier >/dev/null
pgc_init buyer >/dev/null
pgc_start supplier
pgc_start buyer

# the same parties and items on both sides (GTINs and GLNs are the keys)
common=$(cat <<'SQL'
CREATE EXTENSION lottrace;
SET client_min_messages = warning;
INSERT INTO lottrace.party (code, kind, name, gln) VALUES
  ('CHEESEWORKS', 'party', 'Cheese works', '9506000134352'),
  ('DELI', 'party', 'Deli chain', '9506000134369'),
  ('WORKS-SITE', 'place', 'Cheese works, cellar', '9506000134376');
-- which of them is us
UPDATE lottrace.party SET own = true WHERE code = :'me';
INSERT INTO lottrace.item (item, lot_tracked, serial_tracked, gtin, uom, lot_validity_days) VALUES
  ('CHEESE', true, false, '09506000134352', 'KGM', 90),
  ('SCALE', true, true, '09506000134369', 'EA', NULL);
INSERT INTO lottrace.warehouse (code, place) VALUES ('CELLAR', 'WORKS-SITE');
CREATE TABLE moves (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL,
                    lot text, serial text, reason text NOT NULL, doc text, moved_on date NOT NULL,
                    account text, batch text);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', doc => 'doc', moved_on => 'moved_on',
                       account => 'account', batch_key => 'batch');
INSERT INTO lottrace.reason (code, direction, production) VALUES
  ('IN', 'load', NULL), ('OUT', 'unload', NULL), ('MAKE', 'load', 'output');
SQL
)
pgc_psql supplier -q -v ON_ERROR_STOP=1 -v me=CHEESEWORKS <<<"$common" >/dev/null
pgc_psql buyer -q -v ON_ERROR_STOP=1 -v me=DELI <<<"$common" >/dev/null

echo "== supplier: makes cheese, receives scales, ships both to the deli (ASN-77)"
pgc_psql supplier -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, batch) VALUES
  ('CHEESE', 100, 'CELLAR', 'CH-1', 'MAKE', 'MO-1', '2026-11-01', 'MO-1'),
  ('CHEESE', 60, 'CELLAR', 'CH-2', 'MAKE', 'MO-2', '2026-11-02', 'MO-2'),
  ('CHEESE', 10, 'CELLAR', 'CH-3', 'MAKE', 'MO-3', '2026-11-03', 'MO-3');
UPDATE lottrace.lot SET expiry_date = '2027-03-01' WHERE code = 'CH-2';
INSERT INTO moves (item, qty, wh, lot, serial, reason, doc, moved_on, account)
SELECT 'SCALE', 1, 'CELLAR', 'SC-9', 'S' || g, 'IN', 'GRN-5', '2026-11-01', 'CHEESEWORKS' FROM generate_series(1, 3) g;
INSERT INTO moves (item, qty, wh, lot, serial, reason, doc, moved_on, account) VALUES
  ('CHEESE', 40, 'CELLAR', 'CH-1', NULL, 'OUT', 'ASN-77', '2026-11-10', 'DELI'),
  ('CHEESE', 25, 'CELLAR', 'CH-2', NULL, 'OUT', 'ASN-77', '2026-11-10', 'DELI'),
  ('SCALE', 1, 'CELLAR', 'SC-9', 'S1', 'OUT', 'ASN-77', '2026-11-10', 'DELI'),
  ('SCALE', 1, 'CELLAR', 'SC-9', 'S2', 'OUT', 'ASN-77', '2026-11-10', 'DELI'),
  ('CHEESE', 5, 'CELLAR', 'CH-3', NULL, 'OUT', 'INV-80', '2026-11-11', 'OTHER-SHOP');
SQL
# what the supplier sends: the documents of the lots it shipped, one per lot
docs=$(pgc_psql supplier -At -c "SELECT count(*) FROM lottrace.shipment_record('ASN-77')")
[ "$docs" = 4 ] || fail "the supplier's shipment ASN-77 should have 4 lines, has $docs"
pgc_psql supplier -At -c "SELECT lottrace.epcis_document(item, lot) FROM (VALUES ('CHEESE', 'CH-1'), ('CHEESE', 'CH-2'), ('SCALE', 'SC-9')) v(item, lot)" >"$PGC_BASE/docs.jsonl"
[ "$(wc -l <"$PGC_BASE/docs.jsonl")" = 3 ] || fail "three EPCIS documents expected"
split -l 1 -d --additional-suffix=.json "$PGC_BASE/docs.jsonl" "$PGC_BASE/shipped-"
test/epcis/validate.py "$PGC_BASE"/shipped-*.json || fail "a shipped document violates GS1's EPCIS schema"

echo "== buyer: takes the documents in"
imported=0
while IFS= read -r doc; do
  n=$(pgc_psql buyer -At -v doc="$doc" <<<"SELECT lottrace.epcis_import(:'doc'::jsonb)")
  imported=$((imported + n))
done <"$PGC_BASE/docs.jsonl"
echo "imported: $imported expected receipts"
got=$(pgc_psql buyer -At -c "SELECT format('%s %s %s %s %s %s %s', supplier, item, lot, sum(qty), coalesce(min(expiry_date)::text, '-'), gtin, doc)
                               FROM lottrace.expected_receipt WHERE doc = 'ASN-77'
                              GROUP BY supplier, item, lot, gtin, doc ORDER BY item, lot")
want=$(pgc_psql supplier -At -c "SELECT format('%s %s %s %s %s %s %s', 'CHEESEWORKS', r.item, r.traceability_lot_code, sum(r.quantity),
                                         coalesce(min(l.expiry_date)::text, '-'), r.gtin, r.reference_document_number)
                                    FROM lottrace.shipment_record('ASN-77') r
                                    JOIN lottrace.lot l ON l.item = r.item AND l.code = r.traceability_lot_code
                                   GROUP BY r.item, r.traceability_lot_code, r.gtin, r.reference_document_number
                                   ORDER BY r.item, r.traceability_lot_code")
echo "$got" | sed 's/^/  expected receipt: /'
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "the expected receipts do not reproduce the supplier's shipment"; }
echo "ok: the buyer's expected receipts are the supplier's shipment ASN-77 (item by GTIN, lot, quantity, expiry, supplier by GLN, document)"
[ "$(pgc_psql buyer -At -c "SELECT count(*) FROM lottrace.expected_receipt WHERE doc <> 'ASN-77'")" = 0 ] \
  || fail "shipments to other customers must not become expected receipts"
again=$(pgc_psql buyer -At -v doc="$(head -1 "$PGC_BASE/docs.jsonl")" <<<"SELECT lottrace.epcis_import(:'doc'::jsonb)")
[ "$again" = 0 ] || fail "importing a document again added $again rows"
echo "ok: a second import adds nothing"

echo "== buyer: the goods arrive"
pgc_psql buyer -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
UPDATE lottrace.item SET receipt_tolerance_pct = 5 WHERE item = 'CHEESE';
UPDATE lottrace.item SET expiry_editable = true WHERE item = 'CHEESE';
INSERT INTO moves (item, qty, wh, lot, serial, reason, doc, moved_on, account) VALUES
  ('CHEESE', 39, 'CELLAR', 'CH-1', NULL, 'IN', 'GR-1', '2026-11-12', 'CHEESEWORKS'),
  ('CHEESE', 20, 'CELLAR', 'CH-2', NULL, 'IN', 'GR-1', '2026-11-12', 'CHEESEWORKS'),
  ('SCALE', 1, 'CELLAR', 'SC-9', 'S1', 'IN', 'GR-1', '2026-11-12', 'CHEESEWORKS'),
  ('SCALE', 1, 'CELLAR', 'SC-9', 'S2', 'IN', 'GR-1', '2026-11-12', 'CHEESEWORKS'),
  ('CHEESE', 7, 'CELLAR', 'CH-9', NULL, 'IN', 'GR-1', '2026-11-12', 'CHEESEWORKS');
-- CH-1 arrives with the expiry the supplier announced, CH-2 with another
UPDATE lottrace.lot SET expiry_date = (SELECT expiry_date FROM lottrace.expected_receipt WHERE lot = 'CH-1') WHERE code = 'CH-1';
SQL
mism=$(pgc_psql buyer -At -c "SELECT format('%s %s %s/%s', mismatch, lot, coalesce(expected_qty::text, '-'), received_qty)
                                FROM lottrace.receipt_mismatches ORDER BY lot")
echo "$mism" | sed 's/^/  mismatch: /'
want_m="quantity CH-2 25/20
unexpected lot CH-9 -/7"
[ "$mism" = "$want_m" ] || { diff <(echo "$want_m") <(echo "$mism"); fail "receipt_mismatches"; }
echo "ok: CH-1 (39 of 40, within 5%) and the 2 scales match; CH-2 short (20 of 25) and CH-9 (never announced) are reported"
pgc_psql buyer -q -c "UPDATE lottrace.lot SET expiry_date = '2027-01-01' WHERE code = 'CH-1'"
[ "$(pgc_psql buyer -At -c "SELECT mismatch FROM lottrace.receipt_mismatches WHERE lot = 'CH-1'")" = expiry ] \
  || fail "a lot with another expiry than announced is not reported"
echo "ok: another expiry than announced is reported"
echo "== buyer: the item refuses mismatched receipts"
pgc_psql buyer -q -c "UPDATE lottrace.item SET refuse_receipt_mismatch = true WHERE item = 'CHEESE'" \
  -c "UPDATE lottrace.lot l SET expiry_date = e.expiry_date FROM lottrace.expected_receipt e WHERE e.lot = l.code::text AND l.code IN ('CH-1', 'CH-2')"
try() { pgc_psql buyer -At <<SQL
CREATE FUNCTION pg_temp.t(s text) RETURNS text LANGUAGE plpgsql AS \$f\$
DECLARE c text; m text; BEGIN EXECUTE s; RETURN 'ok';
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, m = MESSAGE_TEXT; RETURN SQLSTATE || ' ' || c || ': ' || m; END \$f\$;
SELECT pg_temp.t(\$s\$$1\$s\$);
SQL
}
r=$(try "INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, account) VALUES ('CHEESE', 3, 'CELLAR', 'CH-8', 'IN', 'GR-2', '2026-11-13', 'CHEESEWORKS')")
echo "  unexpected lot: $r"
[[ $r == "23514 lottrace_receipt_mismatch: lot \"CH-8\""* ]] || fail "an unannounced lot was not refused: $r"
r=$(try "INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, account) VALUES ('CHEESE', 5, 'CELLAR', 'CH-1', 'IN', 'GR-2', '2026-11-13', 'CHEESEWORKS')")
echo "  over the tolerance: $r"
[[ $r == "23514 lottrace_receipt_mismatch: "*"44 received"*"more than the 40 announced"* ]] || fail "a receipt over the tolerance was not refused: $r"
r=$(try "INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, account) VALUES ('CHEESE', 1, 'CELLAR', 'CH-2', 'IN', 'GR-2', '2026-11-13', 'CHEESEWORKS')")
echo "  within the tolerance, expiry as announced: $r"
[ "$r" = ok ] || fail "a receipt within the announcement was refused: $r"
pgc_psql buyer -q -c "UPDATE lottrace.lot SET expiry_date = '2027-02-02' WHERE code = 'CH-2'"
r=$(try "INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, account) VALUES ('CHEESE', 1, 'CELLAR', 'CH-2', 'IN', 'GR-3', '2026-11-13', 'CHEESEWORKS')")
echo "  another expiry: $r"
[[ $r == "23514 lottrace_receipt_mismatch: "*"expires on 2027-02-02, the supplier announced 2027-03-01"* ]] || fail "a receipt with another expiry was not refused: $r"
r=$(try "INSERT INTO moves (item, qty, wh, lot, reason, doc, moved_on, account) VALUES ('CHEESE', 1, 'CELLAR', 'CH-9', 'IN', 'GR-2', '2026-11-13', 'OTHER-FARM')")
[ "$r" = ok ] || fail "a receipt from a supplier without EPCIS data was refused: $r"
echo "ok: refused with 23514 lottrace_receipt_mismatch (a lot not announced, more than announced, another expiry); a receipt that matches, and one from a supplier that sends no EPCIS data, go through"
bad=$(pgc_psql buyer -At -c "SELECT lottrace.epcis_import('{\"type\": \"nothing\"}')" 2>&1 || true)
grep -q 'not an EPCIS 2.0 document' <<<"$bad" || fail "a document that is not EPCIS is not refused: $bad"
echo "epcis round trip: ok"
