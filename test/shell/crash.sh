#!/usr/bin/env bash
# kill -9 of the postmaster in the middle of a large load, on a cluster that
# really syncs (fsync, synchronous_commit, full_page_writes on).
#
# While it is killed:
#   * two drivers commit batches of movements into an attached table, one
#     transaction per batch (loads, unloads, generated lot codes, generated
#     serials, shipped serials, an UPDATE and a DELETE); each batch writes
#     its number into a side table in the SAME transaction, and the driver
#     prints "ack" once COMMIT has returned;
#   * one session is inside a large uncommitted load: a 100,000-row INSERT
#     (done: its lots, stock and counter are written, uncommitted) and a COPY
#     still streaming;
#   * two prepared transactions (two-phase commit) with movements wait.
# After the restart (crash recovery):
#   * every acknowledged batch is there (durability) and nothing else but at
#     most the one batch per driver whose COMMIT was in flight;
#   * every batch that is there is complete, no row of the uncommitted load
#     is, and no lot, stock or counter value of it;
#   * the counters are gapless: the generated lots and serials are exactly
#     1..last_value of their counters;
#   * verify() is clean, amcheck finds the indexes sound;
#   * the prepared transactions are still there; COMMIT PREPARED brings one's
#     movements and register effects, ROLLBACK PREPARED takes the other's away;
#   * the triggers govern and the counters go on.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/cluster-test.bash   # clusters, clean-up, fail(), lock timeout, $work

pgc_init crash "fsync = on" "synchronous_commit = on" "full_page_writes = on" \
  "wal_level = replica" "max_wal_size = 1GB" >/dev/null
pgc_start crash
pgc_psql crash -At -c "SELECT 'settings: ' || string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
                       WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')"
[ "$(pgc_psql crash -At -c "SELECT count(*) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') AND setting = 'on'")" = 3 ] \
  || fail "fsync, synchronous_commit and full_page_writes must be on"

pgc_psql crash <<'SQL'
CREATE EXTENSION lottrace;
CREATE EXTENSION amcheck;
INSERT INTO lottrace.reason (code, direction) VALUES ('RECV', 'load'), ('SHIP', 'unload');
INSERT INTO lottrace.reason (code, direction, create_serials) VALUES ('RECV-S', 'load', true);
INSERT INTO lottrace.code_type (code, kind, format) VALUES
  ('NUT', 'lot', 'N{SEQ:7|}'), ('BIG', 'lot', 'G{SEQ:8|}'), ('PH', 'serial', 'P{SEQ:8|}');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BOLT', true), ('PREP', true);
INSERT INTO lottrace.item (item, lot_tracked, lot_code_type) VALUES ('NUT', true, 'NUT'), ('BIG', true, 'BIG');
INSERT INTO lottrace.item (item, serial_tracked, serial_code_type) VALUES ('PHONE', true, 'PH');
CREATE TABLE moves (id bigserial PRIMARY KEY, driver int NOT NULL, batch int NOT NULL, item text NOT NULL,
                    wh text NOT NULL, lot text, serial text, qty numeric NOT NULL, reason text NOT NULL);
CREATE INDEX ON moves (driver, batch);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason');
-- what committed: written in the same transaction as the batch's movements
CREATE TABLE committed (driver int, batch int, nrows int NOT NULL, PRIMARY KEY (driver, batch));
SQL

# driver D: an endless stream of batches, one transaction each
driver_sql() {
  local d=$1 b=1
  while :; do
    cat <<SQL
BEGIN;
INSERT INTO moves (driver, batch, item, wh, lot, qty, reason)
  SELECT $d, $b, 'BOLT', 'W' || (g % 3), 'B$d-$((b % 20))', 10, 'RECV' FROM generate_series(1, 30) g;
INSERT INTO moves (driver, batch, item, wh, lot, qty, reason) VALUES ($d, $b, 'BOLT', 'W0', 'B$d-$((b % 20))', 60, 'SHIP');
INSERT INTO moves (driver, batch, item, wh, qty, reason) SELECT $d, $b, 'NUT', 'W1', 5, 'RECV' FROM generate_series(1, 3);
INSERT INTO moves (driver, batch, item, wh, qty, reason) SELECT $d, $b, 'PHONE', 'W2', 1, 'RECV-S' FROM generate_series(1, 2);
INSERT INTO moves (driver, batch, item, wh, serial, qty, reason)
  SELECT $d, $b, 'PHONE', 'W2', serial, 1, 'SHIP' FROM moves
   WHERE driver = $d AND batch = $((b - 1)) AND item = 'PHONE' AND reason = 'RECV-S' ORDER BY id LIMIT 1;
UPDATE moves SET qty = 11 WHERE id = (SELECT min(id) FROM moves WHERE driver = $d AND batch = $b AND reason = 'RECV' AND item = 'BOLT');
DELETE FROM moves WHERE id = (SELECT max(id) FROM moves WHERE driver = $d AND batch = $b AND reason = 'RECV' AND item = 'BOLT');
INSERT INTO committed SELECT $d, $b, count(*) FROM moves WHERE driver = $d AND batch = $b;
COMMIT;
\echo ack $d $b
SQL
    b=$((b + 1))
  done
}

# the large load: a finished INSERT, then a COPY that never ends
big_sql() {
  cat <<'SQL'
BEGIN;
INSERT INTO moves (driver, batch, item, wh, lot, qty, reason)
  SELECT 0, -1, 'BIG', 'W' || (g % 4), CASE WHEN g % 1000 = 0 THEN NULL ELSE 'G9' || lpad((g % 997)::text, 7, '0') END, 1, 'RECV'
    FROM generate_series(1, 100000) g;
SELECT 'big insert done: ' || (SELECT count(*) FROM lottrace.lot WHERE item = 'BIG') || ' BIG lots, counter at '
       || (SELECT last_value FROM lottrace.code_counter WHERE code_type = 'BIG') || ', uncommitted';
COPY moves (driver, batch, item, wh, lot, qty, reason) FROM STDIN;
SQL
  seq 1 20000 | awk '{ printf "0\t-1\tBIG\tW9\tG8%07d\t1\tRECV\n", $1 % 500 }'
  while :; do printf '0\t-1\tBIG\tW9\tG89999999\t1\tRECV\n'; sleep 0.01; done
}

echo "== load: 2 drivers committing batches, a large uncommitted load, 2 prepared transactions"
pgc_psql crash <<'SQL'
BEGIN;
INSERT INTO moves (driver, batch, item, wh, lot, qty, reason) VALUES (9, 1, 'PREP', 'W0', 'P-1', 40, 'RECV'), (9, 1, 'PREP', 'W1', 'P-1', 2, 'RECV');
INSERT INTO committed SELECT 9, 1, count(*) FROM moves WHERE driver = 9 AND batch = 1;
PREPARE TRANSACTION 'keep';
BEGIN;
INSERT INTO moves (driver, batch, item, wh, lot, qty, reason) VALUES (9, 2, 'PREP', 'W0', 'P-2', 7, 'RECV');
INSERT INTO committed SELECT 9, 2, count(*) FROM moves WHERE driver = 9 AND batch = 2;
PREPARE TRANSACTION 'drop';
SQL
for d in 1 2; do
  ( driver_sql $d | pgc_psql crash >"$work/ack$d" 2>"$work/err$d" ) &
done
( big_sql | pgc_psql crash >"$work/big.out" 2>"$work/big.err" ) &

# wait until each driver has committed some batches and the COPY is running
for _ in $(seq 1 600); do
  a1=$(grep -c '^ack' "$work/ack1" || true); a2=$(grep -c '^ack' "$work/ack2" || true)
  copying=$(pgc_psql crash -At -c "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY moves%'")
  if [ "$a1" -ge 40 ] && [ "$a2" -ge 40 ] && [ "$copying" = 1 ] && grep -q 'big insert done' "$work/big.out"; then
    break
  fi
  [ -s "$work/big.err" ] || [ -s "$work/err1" ] || [ -s "$work/err2" ] && break
  sleep 0.1
done
[ -s "$work/big.err" ] || [ -s "$work/err1" ] || [ -s "$work/err2" ] && { cat "$work"/*.err "$work"/err?; fail "a session failed before the kill"; }
grep -q 'big insert done' "$work/big.out" || fail "the large load did not start"
echo "the large load: 100,000 rows inserted ($(grep 'big insert done' "$work/big.out" | cut -d' ' -f4-)), a COPY streaming"
[ "$copying" = 1 ] || fail "the COPY is not running"
sleep 0.$((RANDOM % 10))

# this cluster's processes: the postmaster and every process it started
# (all of them run in the data directory)
datadir=$(cd "$(pgc_dir crash)/data" && pwd -P)
cluster_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$datadir" ] && echo "${p#/proc/}"
  done
  return 0
}
pm=$(pgc_pid crash)
kids=$(cluster_pids | grep -vx "$pm" | tr '\n' ' ')
echo "== kill -9 the postmaster ($pm) and its $(echo $kids | wc -w) processes, in the middle of the load"
echo "acknowledged so far: driver 1: $(grep -c '^ack' "$work/ack1"), driver 2: $(grep -c '^ack' "$work/ack2")"
kill -9 "$pm" $kids
for _ in $(seq 1 50); do   # a process started in between: it goes too
  left=$(cluster_pids)
  [ -z "$left" ] && break
  kill -9 $left 2>/dev/null || true
  sleep 0.1
done
[ -z "$(cluster_pids)" ] || fail "processes survived kill -9: $(cluster_pids)"
wait $(jobs -p) 2>/dev/null || true
echo "drivers stopped: $(tail -1 "$work/err1" | cut -c1-80) / $(tail -1 "$work/err2" | cut -c1-80)"
cp "$(pgc_dir crash)/server.log" "$work/server-before.log"

echo "== restart (crash recovery)"
pgc_start crash
grep -E 'not properly shut down|redo starts|redo done' "$(pgc_dir crash)/server.log" | sed 's/^.*LOG: */  /'
grep -q 'redo done' "$(pgc_dir crash)/server.log" || fail "no crash recovery in the server log"

q() { pgc_psql crash -At -c "$1"; }

echo "== what committed is there, what did not is gone"
grep '^ack' "$work/ack1" "$work/ack2" | sed 's/^[^:]*://' | awk '{print $2 "|" $3}' | sort >"$work/acked"
q "SELECT driver || '|' || batch FROM committed WHERE driver IN (1, 2) ORDER BY 1" | sort >"$work/committed"
lost=$(comm -23 "$work/acked" "$work/committed" | wc -l)
extra=$(comm -13 "$work/acked" "$work/committed" | tr '\n' ' ')
echo "acknowledged: $(wc -l <"$work/acked"), committed after the restart: $(wc -l <"$work/committed"), committed but not acknowledged (COMMIT in flight): ${extra:-none}"
[ "$lost" = 0 ] || fail "$lost acknowledged batches are gone after the crash"
[ "$(comm -13 "$work/acked" "$work/committed" | wc -l)" -le 2 ] || fail "more than one unacknowledged batch per driver committed"
for d in 1 2; do
  [ "$(comm -13 "$work/acked" "$work/committed" | grep -c "^$d|" || true)" -le 1 ] || fail "driver $d: more than one batch in flight"
done

n=$(q "SELECT count(*) FROM moves m WHERE NOT EXISTS (SELECT FROM committed c WHERE c.driver = m.driver AND c.batch = m.batch)")
[ "$n" = 0 ] || fail "$n rows of uncommitted transactions in the ERP table"
n=$(q "SELECT count(*) FROM committed c WHERE c.nrows <> (SELECT count(*) FROM moves m WHERE m.driver = c.driver AND m.batch = c.batch)")
[ "$n" = 0 ] || fail "$n committed batches are incomplete"
n=$(q "SELECT count(*) FROM committed c WHERE c.driver IN (1, 2) AND c.batch > 1 AND NOT EXISTS (SELECT FROM committed p WHERE p.driver = c.driver AND p.batch = c.batch - 1)")
[ "$n" = 0 ] || fail "a driver's batches have a hole"
echo "ok: $(q "SELECT count(*) FROM moves") rows, every one of a committed batch; every committed batch complete"

got=$(q "SELECT (SELECT count(*) FROM moves WHERE item = 'BIG') || ' BIG rows, '
          || (SELECT count(*) FROM lottrace.lot WHERE item = 'BIG') || ' BIG lots, '
          || (SELECT count(*) FROM lottrace.code_counter WHERE code_type = 'BIG') || ' BIG counters'")
echo "the uncommitted load: $got"
[ "$got" = "0 BIG rows, 0 BIG lots, 0 BIG counters" ] || fail "the uncommitted load left traces"

echo "== counters are gapless"
got=$(q "SELECT string_agg(format('%s: last %s, %s codes, %s', c.code_type, c.last_value, k.n,
                                  CASE WHEN k.n = c.last_value AND k.mx = c.last_value THEN 'gapless' ELSE 'GAP' END),
                           '; ' ORDER BY c.code_type)
           FROM lottrace.code_counter c
           JOIN (SELECT 'NUT' AS t, count(*) AS n, max(substr(code::text, 2)::int) AS mx FROM lottrace.lot WHERE item = 'NUT'
                 UNION ALL
                 SELECT 'PH', count(*), max(substr(code::text, 2)::int) FROM lottrace.serial WHERE item = 'PHONE') k
             ON k.t = c.code_type")
echo "$got"
case "$got" in *GAP*|'') fail "counters" ;; esac

echo "== registers"
n=$(q "SELECT count(*) FROM lottrace.verify()")
[ "$n" = 0 ] || { q "SELECT * FROM lottrace.verify() LIMIT 20"; fail "verify() after the crash"; }
n=$(q "SELECT count(*) FROM lottrace.lot l WHERE l.item <> 'PREP' AND NOT EXISTS (SELECT FROM moves m WHERE m.item = l.item AND m.lot = l.code::text)")
[ "$n" = 0 ] || fail "$n lots without a movement"
n=$(q "SELECT count(*) FROM lottrace.serial s WHERE NOT EXISTS (SELECT FROM moves m WHERE m.item = s.item AND m.serial = s.code::text)")
[ "$n" = 0 ] || fail "$n serials without a movement"
# the same, computed here from the ERP table (independent of verify())
n=$(q "WITH m AS (SELECT item, lot, wh, sum(CASE WHEN reason LIKE 'RECV%' THEN qty ELSE -qty END) AS on_hand
                    FROM moves WHERE lot IS NOT NULL GROUP BY 1, 2, 3)
       SELECT count(*) FROM m FULL JOIN lottrace.lot_stock s ON s.item = m.item AND s.lot::text = m.lot AND s.warehouse = m.wh
        WHERE coalesce(m.on_hand, 0) <> coalesce(s.on_hand, 0)")
[ "$n" = 0 ] || fail "$n lot balances differ from the ERP table"
n=$(q "WITH m AS (SELECT item, serial, sum(CASE WHEN reason = 'RECV-S' THEN 1 ELSE -1 END) AS n
                    FROM moves WHERE serial IS NOT NULL GROUP BY 1, 2)
       SELECT count(*) FROM m FULL JOIN lottrace.serial s ON s.item = m.item AND s.code::text = m.serial
        WHERE (s.state = 'in_stock') IS DISTINCT FROM (m.n = 1)")
[ "$n" = 0 ] || fail "$n serials' state differs from the ERP table"
echo "ok: verify() is clean; $(q "SELECT count(*) FROM lottrace.lot") lots, $(q "SELECT count(*) FROM lottrace.serial") serials, each with its movements; balances and serial states as summed from the ERP table"

echo "== the prepared transactions survived"
got=$(q "SELECT string_agg(gid, ',' ORDER BY gid) FROM pg_prepared_xacts")
[ "$got" = "drop,keep" ] || fail "prepared transactions: $got"
n=$(q "SELECT count(*) FROM moves WHERE item = 'PREP'")
[ "$n" = 0 ] || fail "prepared movements visible before COMMIT PREPARED"
q "COMMIT PREPARED 'keep'" >/dev/null
q "ROLLBACK PREPARED 'drop'" >/dev/null
got=$(q "SELECT coalesce(string_agg(lot::text || '=' || on_hand, ',' ORDER BY lot), '-') FROM lottrace.lot_register WHERE item = 'PREP'")
[ "$got" = "P-1=42" ] || fail "PREP lots after COMMIT / ROLLBACK PREPARED: $got (expected P-1=42)"
n=$(q "SELECT count(*) FROM lottrace.verify()")
[ "$n" = 0 ] || fail "verify() after COMMIT PREPARED"
echo "ok: COMMIT PREPARED brought P-1=42, ROLLBACK PREPARED left nothing of P-2; verify() clean"
# (amcheck's parent check waits for the prepared transactions' locks: now)
q "SELECT bt_index_parent_check(c.oid::regclass, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am a ON a.oid = c.relam
   WHERE a.amname = 'btree' AND i.indrelid IN ('lottrace.lot'::regclass, 'lottrace.serial'::regclass,
                                               'lottrace.code_counter'::regclass, 'moves'::regclass, 'committed'::regclass)" >/dev/null \
  || fail "amcheck"
q "SELECT verify_heapam(r) FROM unnest(ARRAY['lottrace.lot', 'lottrace.serial', 'moves']::regclass[]) r" | grep . && fail "verify_heapam"
echo "ok: amcheck: the btree indexes and heaps of moves, lot, serial, code_counter are sound"

echo "== the triggers govern, the counters go on"
last=$(q "SELECT last_value FROM lottrace.code_counter WHERE code_type = 'NUT'")
got=$(q "INSERT INTO moves (driver, batch, item, wh, qty, reason) VALUES (7, 1, 'NUT', 'W1', 3, 'RECV') RETURNING lot")
[ "$got" = "$(printf 'N%07d' $((last + 1)))" ] || fail "next NUT lot: $got after $last"
err=$(pgc_psql crash -At 2>&1 <<SQL
DO \$\$
DECLARE c text;
BEGIN
  INSERT INTO moves (driver, batch, item, wh, lot, qty, reason) VALUES (7, 1, 'NUT', 'W1', '$got', 4, 'SHIP');
  RAISE NOTICE 'accepted';
EXCEPTION WHEN check_violation THEN
  GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME;
  RAISE NOTICE 'refused: %', c;
END \$\$;
SQL
)
[ "$err" = "NOTICE:  refused: lottrace_negative_stock" ] || { echo "$err"; fail "an over-unload was not refused"; }
echo "ok: next NUT lot $got; an over-unload is refused"
echo "crash: ok"
