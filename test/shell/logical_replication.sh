#!/usr/bin/env bash
# Logical replication of the registers to a reporting database
# (docs/SCALING.md, docs/SECURITY.md): a publisher with an attached ERP
# table publishes lottrace's register tables; a subscriber cluster with the
# extension installed (for its types and views) subscribes.  New lots, a
# status change and its log row, production genealogy and serials arrive;
# the subscriber's lottrace triggers do not fire on applied rows (the apply
# worker runs with session_replication_role = replica), and when the guard
# is made to fire there (ENABLE ALWAYS) it stops replication until it is
# switched back.  The one-line unload there, and a two-lot one after it,
# are written without SPI (the direct path, src/register_write.c), as are
# a receipt of a new serial (src/serial_write.c) and one of a new lot and
# of a lot loaded again, and replicate like the others.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }
# wait_for NAME DB SQL EXPECTED [SECONDS]: poll until SQL returns EXPECTED
wait_for() {
  local name=$1 db=$2 sql=$3 want=$4 secs=${5:-30} got=
  for _ in $(seq 1 $((secs * 10))); do
    got=$(pgc_psql "$name" -d "$db" -At -c "$sql")
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  echo "timeout after ${secs}s waiting on $name for: $sql"
  echo "  expected: $want"
  echo "  got:      $got"
  return 1
}

pgc_init pub "wal_level = logical" "max_replication_slots = 10" "max_wal_senders = 10" >/dev/null
pgc_init sub "max_logical_replication_workers = 4" "wal_retrieve_retry_interval = '200ms'" >/dev/null
pgc_start pub
pgc_start sub

echo "== publisher: lottrace, an attached ERP table, one lot already received"
pgc_psql pub <<'SQL'
CREATE EXTENSION lottrace;
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('MILK', 'lot', 'M{SEQ:4|}'),
                                                           ('CHEESE', 'lot', 'C{SEQ:4|}'),
                                                           ('TANK', 'serial', 'T{SEQ:3|}');
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type, initial_status) VALUES
  ('MILK', true, 'MILK', 'QUARANTINE'), ('CHEESE', true, 'CHEESE', NULL);
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('TANK', true, 'TANK');
INSERT INTO lottrace.reason (code, direction, production, create_serials) VALUES
  ('RCV', 'load', NULL, true), ('SHIP', 'unload', NULL, false),
  ('CONS', 'unload', 'input', false), ('PROD', 'load', 'output', false);
CREATE TABLE stock_moves (id bigserial PRIMARY KEY, posted_on date NOT NULL DEFAULT '2026-06-01',
                          wh text NOT NULL, item text NOT NULL, lot text, serial text,
                          qty numeric NOT NULL, reason text NOT NULL, partner text, prod_order text);
SELECT lottrace.attach('stock_moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason', moved_on => 'posted_on',
                       account => 'partner', batch_key => 'prod_order');
INSERT INTO stock_moves (wh, item, qty, reason, partner) VALUES ('W1', 'MILK', 100, 'RCV', 'FARM');

-- the registers, and the configuration the reporting views join
CREATE PUBLICATION lottrace_registers FOR TABLE
  lottrace.lot, lottrace.serial, lottrace.lot_status_log, lottrace.batch_member,
  lottrace.lot_link, lottrace.item, lottrace.lot_status, lottrace.reason, lottrace.warehouse;
SQL

echo "== subscriber: a reporting database with the extension (types, views)"
pgc_psql sub -c "CREATE DATABASE reporting"
pgc_psql sub -d reporting <<SQL
CREATE EXTENSION lottrace;
-- CREATE EXTENSION seeded lot_status here too; the initial copy of the
-- publisher's rows would collide with them (the table sync worker runs
-- with session_replication_role = replica, so the trigger that replaces
-- unchanged seeded rows on INSERT does not fire): start empty
DELETE FROM lottrace.lot_status;
CREATE SUBSCRIPTION reporting
  CONNECTION '$(pgc_connstr pub)'
  PUBLICATION lottrace_registers WITH (binary = true);
SQL
wait_for sub reporting "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate NOT IN ('r', 's')" 0
wait_for sub reporting "SELECT string_agg(code::text || ':' || status, ',' ORDER BY code) FROM lottrace.lot" \
  "M0001:QUARANTINE"
echo "initial copy arrived: M0001 (QUARANTINE)"

echo "== publisher: goods received (one lot named, one generated), a status change, production, a serial"
pgc_psql pub <<'SQL'
INSERT INTO stock_moves (wh, item, lot, qty, reason, partner) VALUES ('W1', 'MILK', 'M0100', 40, 'RCV', 'FARM');
INSERT INTO stock_moves (wh, item, qty, reason, partner) VALUES ('W2', 'MILK', 60, 'RCV', 'FARM2');
SELECT lottrace.set_lot_status('MILK', 'M0001', 'AVAILABLE', 'lab OK');
INSERT INTO stock_moves (wh, item, lot, qty, reason, prod_order) VALUES
  ('W1', 'MILK', 'M0001', 30, 'CONS', 'PO-1'), ('W1', 'CHEESE', NULL, 3, 'PROD', 'PO-1');
INSERT INTO stock_moves (wh, item, qty, reason) VALUES ('W1', 'TANK', 1, 'RCV');
SQL

echo "== subscriber: the new lots, the status change and its log row arrive"
wait_for sub reporting "SELECT string_agg(code::text || ':' || status, ',' ORDER BY item, code) FROM lottrace.lot" \
  "C0001:AVAILABLE,M0001:AVAILABLE,M0002:QUARANTINE,M0100:QUARANTINE"
wait_for sub reporting "SELECT string_agg(old_status || '>' || new_status || ':' || note, ',') FROM lottrace.lot_status_log" \
  "QUARANTINE>AVAILABLE:lab OK"
wait_for sub reporting "SELECT string_agg(code::text || ':' || state, ',') FROM lottrace.serial" "T001:in_stock"
pgc_psql sub -d reporting -c "SELECT item, lot, status, on_hand FROM lottrace.lot_register ORDER BY item, lot"
pgc_psql sub -d reporting -c "SELECT l.code AS lot, g.old_status, g.new_status, g.changed_by, g.note
                                FROM lottrace.lot_status_log g JOIN lottrace.lot l USING (lot_id)"
# the genealogy arrived too: the reporting side traces with its own functions
got=$(pgc_psql sub -d reporting -At -c "SELECT string_agg(item || '/' || lot::text, ',') FROM lottrace.trace_forward('MILK', 'M0001')")
[ "$got" = "CHEESE/C0001" ] || fail "trace_forward on the subscriber gave '$got'"
echo "trace_forward on the subscriber: $got"

# the registers agree on both sides
for t in lot serial lot_status_log batch_member; do
  p=$(pgc_psql pub -At -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM lottrace.$t t")
  s=$(pgc_psql sub -d reporting -At -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM lottrace.$t t")
  [ "$p" = "$s" ] || fail "lottrace.$t differs between publisher and subscriber"
done
echo "lot, serial, lot_status_log, batch_member: identical on both sides"

echo "== applied rows do not fire the subscriber's lottrace triggers"
# The status change arrived as an UPDATE of lottrace.lot.status, and the
# subscriber's status_log trigger would log it a second time if it fired:
# one log row on each side.
n=$(pgc_psql sub -d reporting -At -c "SELECT count(*) FROM lottrace.lot_status_log")
[ "$n" = "1" ] || fail "expected one log row on the subscriber, got $n"
pgc_psql sub -d reporting -c "SELECT tgname, tgenabled FROM pg_trigger
                               WHERE tgrelid = 'lottrace.lot'::regclass AND NOT tgisinternal ORDER BY 1"

echo "== with the guard made to fire on applied rows (ENABLE ALWAYS), replication stops"
pgc_psql sub -d reporting -c "ALTER TABLE lottrace.lot ENABLE ALWAYS TRIGGER guard"
# a one-line unload: lottrace writes the lot's stock without SPI
# (src/register_write.c); the update is decoded and applied all the same
out=$(pgc_psql pub -c "SET client_min_messages = debug1" \
        -c "INSERT INTO stock_moves (wh, item, lot, qty, reason, partner) VALUES ('W1', 'MILK', 'M0001', 5, 'SHIP', 'SHOP')" 2>&1)
grep -q "one lot's stock written without SPI" <<<"$out" || fail "the one-line unload did not take the direct path: $out"
# the applied UPDATE changes lot.stock, which the guard refuses: the apply
# worker errors and retries, and the subscriber falls behind
for _ in $(seq 1 100); do
  grep -q 'column "stock" of lot "M0001" of item "MILK" cannot be changed' "$(pgc_dir sub)/server.log" && break
  sleep 0.1
done
grep 'cannot be changed' "$(pgc_dir sub)/server.log" | head -1 | sed 's/^.*ERROR/ERROR/'
grep -q 'cannot be changed' "$(pgc_dir sub)/server.log" || fail "the guard did not stop the apply worker"
p=$(pgc_psql pub -At -c "SELECT stock FROM lottrace.lot WHERE code = 'M0001'")
s=$(pgc_psql sub -d reporting -At -c "SELECT stock FROM lottrace.lot WHERE code = 'M0001'")
echo "publisher stock $p, subscriber stock $s"
[ "$p" != "$s" ] || fail "the subscriber applied the update despite the guard"
# back to the default (fires for local writes only): the worker catches up
pgc_psql sub -d reporting -c "ALTER TABLE lottrace.lot ENABLE TRIGGER guard"
wait_for sub reporting "SELECT stock FROM lottrace.lot WHERE code = 'M0001'" "$p"
echo "after ENABLE TRIGGER guard the subscriber caught up: $p"

echo "== a statement of two lots, also written without SPI, replicates"
out=$(pgc_psql pub -c "SET client_min_messages = debug1" \
        -c "INSERT INTO stock_moves (wh, item, lot, qty, reason, partner) VALUES
              ('W1', 'MILK', 'M0001', 1, 'SHIP', 'SHOP'), ('W1', 'CHEESE', 'C0001', 1, 'SHIP', 'SHOP')" 2>&1)
grep -q "2 lots' stock written without SPI" <<<"$out" || fail "the two-lot unload did not take the direct path: $out"
p=$(pgc_psql pub -At -c "SELECT string_agg(code::text || ':' || stock::text, ',' ORDER BY code) FROM lottrace.lot WHERE code IN ('M0001', 'C0001')")
wait_for sub reporting "SELECT string_agg(code::text || ':' || stock::text, ',' ORDER BY code) FROM lottrace.lot WHERE code IN ('M0001', 'C0001')" "$p"
echo "both lots arrived: $p"

echo "== a new serial, inserted without SPI (src/serial_write.c), replicates"
out=$(pgc_psql pub -c "SET client_min_messages = debug1" \
        -c "INSERT INTO stock_moves (wh, item, qty, reason) VALUES ('W2', 'TANK', 1, 'RCV')" 2>&1)
grep -q "1 of 1 new serials written without SPI" <<<"$out" || fail "the serial receipt did not take the direct path: $out"
p=$(pgc_psql pub -At -c "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM lottrace.serial t")
wait_for sub reporting "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM lottrace.serial t" "$p"
echo "the serials arrived: $(pgc_psql sub -d reporting -At -c "SELECT string_agg(code::text || ':' || warehouse, ',' ORDER BY code) FROM lottrace.serial")"

echo "== a new lot and a lot loaded again, upserted without SPI (src/register_write.c), replicate"
out=$(pgc_psql pub -c "SET client_min_messages = debug1" \
        -c "INSERT INTO stock_moves (wh, item, lot, qty, reason, partner) VALUES
              ('W1', 'MILK', 'M0200', 10, 'RCV', 'FARM'), ('W2', 'MILK', 'M0100', 5, 'RCV', 'FARM')" 2>&1)
grep -q "2 lots upserted without SPI (1 new)" <<<"$out" || fail "the receipt did not take the direct path: $out"
p=$(pgc_psql pub -At -c "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM lottrace.lot t")
wait_for sub reporting "SELECT string_agg(t::text, '|' ORDER BY t::text) FROM lottrace.lot t" "$p"
echo "the lots arrived: $(pgc_psql sub -d reporting -At -c "SELECT string_agg(code::text || ':' || stock::text, ',' ORDER BY code) FROM lottrace.lot WHERE code IN ('M0100', 'M0200')")"

echo "== the subscriber's own users are still guarded"
out=$(pgc_psql sub -d reporting -c "UPDATE lottrace.lot SET stock = '{}' WHERE code = 'M0001'" 2>&1 || true)
echo "$out" | grep -q 'cannot be changed' || fail "a local write to lot.stock was not refused: $out"
echo "local UPDATE of lot.stock on the subscriber: refused"

echo "logical replication of the registers: ok"
