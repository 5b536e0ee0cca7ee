#!/usr/bin/env bash
# pg_dump / pg_restore of a database that uses lottrace: the demo's dairy
# (config, an attached table, lots, serials, status log, counters, production
# genealogy) plus changed seeded rows, a user status, manual links, lot and
# serial user data, a second attached table with a dropped column and a
# partitioned attached table.  The database is dumped (-Fc and plain) and
# restored into a second, fresh cluster four ways (pg_restore, pg_restore
# -j 2, pg_restore --single-transaction, psql), and each restored database
# must
#   * hold every table, view and sequence of the lottrace and erp schemas
#     exactly as the source does (COPY ... ORDER BY diffs);
#   * have every lottrace table that holds data in the dump (extconfig), and
#     the seeded rows once each (changed ones as changed);
#   * be governed by the triggers: refusals as in the source;
#   * go on where the source goes on: the same further movements and
#     next_code() calls, run in the source and in the restored database,
#     give identical registers (counters continued);
#   * verify() clean.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/two-clusters.bash
pgc_psql src -c "CREATE DATABASE erp" >/dev/null

echo "== source: the demo scenario, then more user data"
pgc_psql src -d erp -v out="$work" -f demo/demo.sql >"$work/demo.log" 2>&1 \
  || { tail -20 "$work/demo.log"; fail "demo/demo.sql"; }
(pgc_psql src -d erp <<'SQL'
SET client_min_messages = warning;
-- seeded configuration rows changed, and rows added to seeded tables
UPDATE lottrace.lot_status SET description = 'Awaiting the lab (changed)' WHERE code = 'QUARANTINE';
UPDATE lottrace.month_letter SET letter = 'Z' WHERE month = 3;
INSERT INTO lottrace.lot_status (code, description, available, mrp_available)
VALUES ('HOLD', 'user status: held for a check', false, true);
INSERT INTO lottrace.year_letter VALUES (2026, 'F');
INSERT INTO lottrace.lot_type VALUES ('PROMO', 'promotional batch');
INSERT INTO lottrace.lot_evaluation VALUES ('A', 'grade A');
INSERT INTO lottrace.warehouse VALUES ('COLD', 'cold store', false), ('SCRAPYARD', 'may go negative', true);

-- counters advanced without lots: next_code() only
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('DOCNO', 'lot', 'D{YL}{ML}-{SEQ:5|}');
SELECT count(lottrace.next_code('DOCNO', '{"start_date": "2026-03-10"}')) FROM generate_series(1, 7);
SELECT count(lottrace.next_code('MILK', '{"item": "MILK", "start_date": "2026-11-16"}')) FROM generate_series(1, 2);

-- lot and serial user data; a user status (logged); a manual link
UPDATE lottrace.lot SET lot_type = 'PROMO', evaluation = 'A', notes = 'keep me', packages = 12,
                        manufacturer = 'own dairy'
 WHERE item = 'CHEESE';
SELECT lottrace.set_lot_status('CULTURE', 'CS-2611-B', 'HOLD', 'held for a check');
SELECT lottrace.link_lots('CULTURE', 'CS-2611-B', 'CHEESE', 'CH2611-0001', 0.5);
UPDATE lottrace.serial SET customer_code = 'C-77', reserved = true
 WHERE serial_id = (SELECT min(serial_id) FROM lottrace.serial WHERE state = 'in_stock');

-- CHEESE changes code type after its lots were made: its old lots no longer
-- match the item's code type
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('CHEESE2', 'lot', 'CHZ{YY}-{SEQ:4|YYYY}');
UPDATE lottrace.item SET lot_code_type = 'CHEESE2' WHERE item = 'CHEESE';

-- a second attached table: lotcode column, integer quantity, timestamp date,
-- and a dropped column before the mapped ones (attribute numbers change in a
-- restore)
CREATE TABLE erp.opening (doc_no int PRIMARY KEY, junk int, item text, lot lottrace.lotcode,
                          qty integer, wh text, at timestamp);
ALTER TABLE erp.opening DROP COLUMN junk;
INSERT INTO lottrace.item (item, lot_tracked, lot_validity_days) VALUES ('GLUE', true, 30);
SELECT lottrace.attach('erp.opening', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       moved_on => 'at', doc => 'doc_no');
INSERT INTO erp.opening VALUES (1, 'GLUE', 'G-1', 40, 'DRY', '2026-11-01 10:00'),
                               (2, 'GLUE', 'G-2', 15, 'DRY', '2026-11-02 11:00'),
                               (3, 'GLUE', 'G-1', -5, 'DRY', '2026-11-03 12:00');

-- a partitioned attached table, written through the root and a partition
CREATE TABLE erp.moves_p (id bigserial, wh text NOT NULL, item text, lot text, qty int,
                          moved date, PRIMARY KEY (id, wh)) PARTITION BY LIST (wh);
CREATE TABLE erp.moves_p_a PARTITION OF erp.moves_p FOR VALUES IN ('A');
CREATE TABLE erp.moves_p_b PARTITION OF erp.moves_p FOR VALUES IN ('B');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BOLT', true);
SELECT lottrace.attach('erp.moves_p', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       moved_on => 'moved');
INSERT INTO erp.moves_p (wh, item, lot, qty, moved) VALUES
  ('A', 'BOLT', 'B-1', 100, '2026-11-01'), ('B', 'BOLT', 'B-1', 50, '2026-11-01'),
  ('A', 'BOLT', 'B-2', 10, '2026-11-02');
INSERT INTO erp.moves_p_a (wh, item, lot, qty, moved) VALUES ('A', 'BOLT', 'B-1', -30, '2026-11-03');
SQL
) >/dev/null
n=$(pgc_psql src -d erp -At -c "SELECT count(*) FROM lottrace.verify()")
[ "$n" = 0 ] || fail "the source database does not verify"
pgc_psql src -d erp -At -c "SELECT 'source: ' || (SELECT count(*) FROM lottrace.lot) || ' lots, '
  || (SELECT count(*) FROM lottrace.serial) || ' serials, ' || (SELECT count(*) FROM lottrace.lot_status_log)
  || ' status changes, ' || (SELECT count(*) FROM lottrace.genealogy) || ' genealogy links, '
  || (SELECT count(*) FROM lottrace.code_counter) || ' counters, '
  || (SELECT count(*) FROM lottrace.attachment) || ' attached tables, '
  || (SELECT count(*) FROM lottrace.movements) || ' movements'"

echo "== every lottrace table and sequence is a configuration table (dumped)"
missing=$(pgc_psql src -d erp -At -c "
  SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.relname)
    FROM pg_class c
   WHERE c.relnamespace = 'lottrace'::regnamespace AND c.relkind IN ('r', 'p', 'S')
     AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'lottrace')::oid[])")
[ -z "$missing" ] || fail "not dumped by pg_dump (not in pg_extension_config_dump): $missing"
echo "ok: $(pgc_psql src -d erp -At -c "SELECT cardinality(extconfig) FROM pg_extension WHERE extname = 'lottrace'") tables and sequences"

# Everything in the lottrace and erp schemas, one line per row, in a fixed
# order; lottrace.attachment with its column numbers resolved to names
# (a restore renumbers columns after a dropped one).
snapshot() {  # snapshot CLUSTER DB FILE
  pgc_psql "$1" -d "$2" -At >"$3" <<'SQL'
SELECT format('COPY (SELECT %L, x::text FROM %s x ORDER BY x::text COLLATE "C") TO STDOUT',
              c.oid::regclass::text, c.oid::regclass)
  FROM pg_class c
 WHERE c.relnamespace IN ('lottrace'::regnamespace, 'erp'::regnamespace)
   AND c.relkind IN ('r', 'p', 'v') AND c.oid <> 'lottrace.attachment'::regclass
 ORDER BY 1
\gexec
COPY (SELECT 'lottrace.attachment', x.relid::text, to_jsonb(x) - 'attnums' - 'relid',
             ARRAY(SELECT coalesce(a.attname::text, '?')
                     FROM unnest(x.attnums) WITH ORDINALITY u(n, o)
                     LEFT JOIN pg_attribute a ON a.attrelid = x.relid AND a.attnum = u.n AND u.n <> 0
                    ORDER BY o)
        FROM lottrace.attachment x ORDER BY 2) TO STDOUT;
SELECT format('COPY (SELECT %L, last_value, is_called FROM %s) TO STDOUT', c.oid::regclass::text, c.oid::regclass)
  FROM pg_class c
 WHERE c.relnamespace IN ('lottrace'::regnamespace, 'erp'::regnamespace) AND c.relkind = 'S'
 ORDER BY 1
\gexec
COPY (SELECT 'trigger', c.oid::regclass::text, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE c.relnamespace IN ('lottrace'::regnamespace, 'erp'::regnamespace) AND NOT t.tgisinternal
       ORDER BY 2, 3) TO STDOUT;
COPY (SELECT 'extension', extname, extversion,
             ARRAY(SELECT c::regclass::text || ' ' || w FROM unnest(extconfig, extcondition) AS u(c, w) ORDER BY 1)
        FROM pg_extension ORDER BY 1) TO STDOUT;
SQL
}

# SQLSTATE and constraint name of a statement's error ('accepted' if none)
outcome_fn='CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE c text; s text;
BEGIN
  EXECUTE stmt;
  RETURN $$accepted$$;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, s = RETURNED_SQLSTATE;
  RETURN s || $$ $$ || coalesce(nullif(c, $$$$), $$-$$);
END $f$;'

# The triggers govern: each statement is refused with the expected error.
check_refusals() {  # check_refusals CLUSTER DB
  local got
  got=$(pgc_psql "$1" -d "$2" -At <<SQL
$outcome_fn
SELECT pg_temp.outcome(\$\$INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, partner)
  VALUES ('2026-11-24', 'CELLAR', 'CHEESE', 'CH2611-0001', 500, 'SCRAP', 'INV-X', 'SHOP')\$\$);
SELECT pg_temp.outcome(\$\$INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, prod_order)
  VALUES ('2026-11-24', 'DRY', 'CULTURE', 'CS-2611-B', 1, 'PROD-IN', 'PO-X', 'PO-X')\$\$);
SELECT pg_temp.outcome(\$\$INSERT INTO erp.stock_moves (posted_on, warehouse, item, serial, qty, reason, document, partner)
  SELECT '2026-11-24', 'EQUIP', 'SCALE', code, 1, 'RECEIPT', 'GRN-X', 'S' FROM lottrace.serial
   WHERE state = 'in_stock' ORDER BY serial_id LIMIT 1\$\$);
SELECT pg_temp.outcome(\$\$INSERT INTO erp.moves_p_a (wh, item, lot, qty, moved) VALUES ('A', 'BOLT', 'B-2', -11, '2026-11-24')\$\$);
SELECT pg_temp.outcome(\$\$INSERT INTO erp.opening VALUES (99, 'GLUE', 'G-2', -16, 'DRY', '2026-11-24')\$\$);
SELECT pg_temp.outcome(\$\$DELETE FROM erp.opening WHERE doc_no = 1\$\$);
SELECT pg_temp.outcome(\$\$TRUNCATE erp.stock_moves\$\$);
SELECT pg_temp.outcome(\$\$UPDATE lottrace.lot SET stock = '{}'\$\$);
SQL
)
  local want="23514 lottrace_negative_stock
23514 lottrace_lot_unavailable
23505 lottrace_serial_in_stock
23514 lottrace_negative_stock
23514 lottrace_negative_stock
23514 lottrace_negative_stock
55000 -
23514 lottrace_lot_immutable"
  if [ "$got" != "$want" ]; then
    echo "refusals in $1/$2:"; diff <(echo "$want") <(echo "$got") || true
    return 1
  fi
}

# What the source and a restored database are asked to do after the restore:
# generated codes (the counters go on), movements in every attached table,
# a partition created after the restore (governed by the event trigger).
more_work() {  # more_work CLUSTER DB
  pgc_psql "$1" -d "$2" -At <<'SQL'
SET client_min_messages = warning;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner)
VALUES ('2026-11-16', 'COLD', 'MILK', 50, 'RECEIPT', 'GRN-200', 'FARM-ROSSI') RETURNING 'MILK lot ' || lot;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, partner)
VALUES ('2026-11-24', 'EQUIP', 'SCALE', 1, 'RECEIPT', 'GRN-201', 'SCALES-GMBH') RETURNING 'SCALE serial ' || serial;
INSERT INTO erp.stock_moves (posted_on, warehouse, item, lot, qty, reason, document, prod_order) VALUES
  ('2026-11-24', 'DRY', 'CULTURE', 'CS-2611-A', 1, 'PROD-IN', 'PO-8', 'PO-8');
INSERT INTO erp.stock_moves (posted_on, warehouse, item, qty, reason, document, prod_order)
VALUES ('2026-11-24', 'CELLAR', 'CHEESE', 9, 'PROD-OUT', 'PO-8', 'PO-8') RETURNING 'CHEESE lot ' || lot;
SELECT 'DOCNO ' || lottrace.next_code('DOCNO', '{"start_date": "2026-03-10"}');
INSERT INTO erp.opening VALUES (4, 'GLUE', 'G-2', -15, 'DRY', '2026-11-24 09:00');
-- the key column (also the mapped document column) renamed: lottrace.movements follows
ALTER TABLE erp.opening RENAME COLUMN doc_no TO doc_nr;
SELECT 'opening keys: ' || string_agg(source_key, ',' ORDER BY source_key) FROM lottrace.movements
 WHERE source = 'erp.opening'::regclass;
UPDATE erp.opening SET qty = 41 WHERE doc_nr = 1;
INSERT INTO erp.moves_p (wh, item, lot, qty, moved) VALUES ('B', 'BOLT', 'B-1', -50, '2026-11-24');
CREATE TABLE erp.moves_p_c PARTITION OF erp.moves_p FOR VALUES IN ('C');
INSERT INTO erp.moves_p (wh, item, lot, qty, moved) VALUES ('C', 'BOLT', 'B-3', 7, '2026-11-24');
SELECT 'new partition: ' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'erp.moves_p_c'::regclass
                                                                AND tgname LIKE 'lottrace%') || ' lottrace triggers';
SQL
}

echo "== refusals in the source"
check_refusals src erp || fail "the source does not refuse as expected"
echo "ok"

echo "== dump"
"$PGBIN/pg_dump" -Fc -d "$(pgc_connstr src erp)" -f "$work/erp.dump"
"$PGBIN/pg_dump" -Fp -d "$(pgc_connstr src erp)" -f "$work/erp.sql"
echo "custom: $(stat -c %s "$work/erp.dump") bytes, $("$PGBIN/pg_restore" -l "$work/erp.dump" | grep -c 'TABLE DATA') TABLE DATA entries; plain: $(wc -l <"$work/erp.sql") lines"
# seeded rows are in the dump only when changed (CREATE EXTENSION makes the rest)
for t in lot_status month_letter; do
  "$PGBIN/pg_restore" --data-only -n lottrace -t "$t" -f - "$work/erp.dump" \
    | sed -n '/^COPY/,/^\\\./p' | grep -v '^COPY\|^\\\.' >"$work/dump-$t"
done
echo "dumped seeded-table rows: lot_status: $(cut -f1 "$work/dump-lot_status" | tr '\n' ' ')/ month_letter: $(tr '\t\n' '= ' <"$work/dump-month_letter")"
[ "$(cut -f1 "$work/dump-lot_status" | sort | tr '\n' ' ')" = "HOLD QUARANTINE " ] || fail "lot_status rows in the dump: only HOLD and the changed QUARANTINE expected"
[ "$(cat "$work/dump-month_letter")" = "$(printf '3\tZ')" ] || fail "month_letter rows in the dump: only the changed month 3 expected"
snapshot src erp "$work/src.snap"
echo "source snapshot: $(wc -l <"$work/src.snap") lines"

restore() {  # restore DB METHOD
  pgc_psql dst -c "CREATE DATABASE $1" >/dev/null
  case $2 in
    fc)    "$PGBIN/pg_restore" --exit-on-error -d "$(pgc_connstr dst "$1")" "$work/erp.dump" ;;
    fc-j2) "$PGBIN/pg_restore" --exit-on-error -j 2 -d "$(pgc_connstr dst "$1")" "$work/erp.dump" ;;
    fc-1)  "$PGBIN/pg_restore" --exit-on-error --single-transaction -d "$(pgc_connstr dst "$1")" "$work/erp.dump" ;;
    plain) pgc_psql dst -d "$1" -f "$work/erp.sql" >/dev/null ;;
  esac
}

for method in fc fc-j2 fc-1 plain; do
  db=erp_${method//-/_}
  echo "== restore ($method) into a fresh cluster, database $db"
  restore "$db" "$method" >"$work/restore-$db.log" 2>&1 || { cat "$work/restore-$db.log"; fail "restore $method"; }
  [ -s "$work/restore-$db.log" ] && { cat "$work/restore-$db.log"; fail "restore $method printed errors or warnings"; }

  snapshot dst "$db" "$work/$db.snap"
  if ! diff "$work/src.snap" "$work/$db.snap" >"$work/$db.diff"; then
    head -40 "$work/$db.diff"; fail "$db differs from the source after the restore"
  fi
  echo "ok: identical to the source ($(wc -l <"$work/$db.snap") lines: lot, serial, lot_status_log, code_counter, batch_member, lot_link, configuration, attachment, ERP tables, views, sequences, triggers)"

  seeded=$(pgc_psql dst -d "$db" -At -c "
    SELECT (SELECT count(*) FROM lottrace.lot_status) || ' statuses, '
        || (SELECT count(*) FROM lottrace.lot_status WHERE code = 'QUARANTINE' AND description = 'Awaiting the lab (changed)') || ' changed QUARANTINE, '
        || (SELECT count(*) FROM lottrace.lot_status WHERE code = 'HOLD' AND NOT available) || ' HOLD, '
        || (SELECT count(*) FROM lottrace.month_letter) || ' months, '
        || (SELECT string_agg(letter, '' ORDER BY month) FROM lottrace.month_letter)")
  echo "seeded tables: $seeded"
  [ "$seeded" = "5 statuses, 1 changed QUARANTINE, 1 HOLD, 12 months, ABZDEFGHIJKL" ] \
    || fail "seeded rows: expected '5 statuses, 1 changed QUARANTINE, 1 HOLD, 12 months, ABZDEFGHIJKL'"

  n=$(pgc_psql dst -d "$db" -At -c "SELECT count(*) FROM lottrace.verify()")
  [ "$n" = 0 ] || { pgc_psql dst -d "$db" -c "SELECT * FROM lottrace.verify()"; fail "verify() after the restore"; }
  echo "ok: verify() is clean"
  n=$(pgc_psql dst -d "$db" -At -c "SELECT count(*) FROM lottrace.movements")
  [ "$n" = "$(pgc_psql src -d erp -At -c "SELECT count(*) FROM lottrace.movements")" ] || fail "lottrace.movements: $n rows"
  echo "ok: lottrace.movements reads all $n rows"

  check_refusals dst "$db" || fail "$db: the triggers do not govern after the restore"
  echo "ok: the triggers govern (negative stock, unavailable status, serial in stock, partitions, TRUNCATE, register guard)"
done

echo "== the same further work in the source and the restored databases"
# (the source refuses the same statements once more, so that the ERP tables'
# sequences advance as in the restored databases)
check_refusals src erp || fail "the source does not refuse as expected"
more_work src erp >"$work/more-src.out"
cat "$work/more-src.out"
grep -qx 'MILK lot M26320-005' "$work/more-src.out" || fail "the source's MILK counter did not continue (M26320-005 expected)"
grep -qx 'DOCNO DFZ-00008' "$work/more-src.out" || fail "DOCNO: DFZ-00008 expected"
grep -qx 'new partition: 5 lottrace triggers' "$work/more-src.out" || fail "a new partition is not governed"
grep -qx 'opening keys: 1,2,3,4' "$work/more-src.out" || fail "lottrace.movements lost the keys of a renamed key column"
snapshot src erp "$work/src2.snap"
for method in fc fc-j2 fc-1 plain; do
  db=erp_${method//-/_}
  more_work dst "$db" >"$work/more-$db.out"
  diff "$work/more-src.out" "$work/more-$db.out" || fail "$db: further work gives other codes than in the source"
  snapshot dst "$db" "$work/${db}2.snap"
  diff "$work/src2.snap" "$work/${db}2.snap" >"$work/${db}2.diff" || { head -40 "$work/${db}2.diff"; fail "$db differs from the source after further work"; }
  n=$(pgc_psql dst -d "$db" -At -c "SELECT count(*) FROM lottrace.verify()")
  [ "$n" = 0 ] || fail "$db: verify() after further work"
  n=$(pgc_psql dst -d "$db" -At -c "$outcome_fn SELECT pg_temp.outcome(\$\$INSERT INTO erp.moves_p_c (wh, item, lot, qty, moved) VALUES ('C', 'BOLT', 'B-3', -8, '2026-11-24')\$\$)")
  [ "$n" = "23514 lottrace_negative_stock" ] || fail "$db: a partition created after the restore is not governed ($n)"
  echo "ok: $db: counters continued (MILK M26320-005, DOCNO DFZ-00008), registers identical to the source's, verify() clean, new partition governed"
done
echo "dump and restore: ok"
