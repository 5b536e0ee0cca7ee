#!/usr/bin/env bash
# Every EPCIS 2.0 document the tests produce, validated against GS1's EPCIS
# 2.0 JSON schema with Debian's python3-jsonschema (issue 16;
# test/epcis/validate.py reads the schema where it is, ../shared/epcis, and
# fails when it cannot find it):
#   * the documents of sql/35_fsma_records.sql (lots with their ancestors
#     and descendants, a period, a date range, a lot without GTIN, the
#     serial-level pharma lot), that file run here with epcis_dir set: each
#     `\g :epcis_dir/...` line of it must have left its file;
#   * the demo's epcis.json (demo/demo.sql, as make demo runs it);
#   * epcis_roundtrip.sh validates the documents it ships itself.
# And the check must be able to fail: a document whose first event lost its
# action, one with a date-time that is not RFC 3339 (a space for the T),
# one with an unknown bizStep form, one whose eventID is not a URI and one
# without @context are rejected.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }
work=$PGC_BASE/work
mkdir -p "$work/regress" "$work/demo" "$work/bad" && chmod -R 777 "$work"

pgc_init epcis >/dev/null
pgc_start epcis

echo "== the documents of sql/35_fsma_records.sql"
pgc_psql epcis -c "CREATE DATABASE regress" >/dev/null
PGTZ=PST8PDT pgc_psql epcis -d regress -v epcis_dir="$work/regress" -f sql/35_fsma_records.sql \
  >"$work/regress.log" 2>&1 || { tail -20 "$work/regress.log"; fail "sql/35_fsma_records.sql"; }
want=$(grep -c '\\g (format=unaligned tuples_only=on) :epcis_dir/' sql/35_fsma_records.sql)
got=$(find "$work/regress" -name '*.json' | wc -l)
[ "$got" -eq "$want" ] && [ "$want" -ge 7 ] || fail "sql/35 writes $want EPCIS documents, $got found"

echo "== the demo's epcis.json"
pgc_psql epcis -c "CREATE DATABASE erp" >/dev/null
pgc_psql epcis -d erp -v out="$work/demo" -f demo/demo.sql >"$work/demo.log" 2>&1 \
  || { tail -20 "$work/demo.log"; fail "demo/demo.sql"; }
[ -s "$work/demo/epcis.json" ] || fail "the demo wrote no epcis.json"

test/epcis/validate.py "$work"/regress/*.json "$work/demo/epcis.json" || fail "an EPCIS document violates GS1's schema"

echo "== the check rejects broken documents"
doc=$work/regress/epcis-tomato-T-7.json
pgc_psql epcis -v doc="$(cat "$doc")" >/dev/null <<SQL
SELECT jsonb_set(:'doc'::jsonb, '{epcisBody,eventList,0}', (:'doc'::jsonb #> '{epcisBody,eventList,0}') - 'action')
\\g (format=unaligned tuples_only=on) $work/bad/no-action.json
SELECT jsonb_set(:'doc'::jsonb, '{epcisBody,eventList,0,eventTime}', '"2026-07-01 00:00:00+00:00"')
\\g (format=unaligned tuples_only=on) $work/bad/space-for-T.json
SELECT jsonb_set(:'doc'::jsonb, '{epcisBody,eventList,0,bizStep}', '"receiving goods"')
\\g (format=unaligned tuples_only=on) $work/bad/bizstep.json
SELECT jsonb_set(:'doc'::jsonb, '{epcisBody,eventList,0,eventID}', '"not a URI"')
\\g (format=unaligned tuples_only=on) $work/bad/event-id.json
SELECT :'doc'::jsonb - '@context'
\\g (format=unaligned tuples_only=on) $work/bad/no-context.json
SQL
for bad in "$work"/bad/*.json; do
  if test/epcis/validate.py "$bad" >"$work/bad.log" 2>&1; then
    cat "$work/bad.log"; fail "$(basename "$bad") passed the schema"
  fi
  grep -q ' violations$' "$work/bad.log" || { cat "$work/bad.log"; fail "$(basename "$bad"): no verdict"; }
  echo "ok: rejected $(basename "$bad"): $(grep -m1 '  at ' "$work/bad.log" | sed 's/^ *//')"
done
[ "$(find "$work/bad" -name '*.json' | wc -l)" -eq 5 ] || fail "five broken documents expected"
echo "ok: $got documents of sql/35 and the demo's are valid EPCIS 2.0"
