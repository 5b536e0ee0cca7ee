#!/usr/bin/env bash
# Concurrent sessions in loops, each statement its own transaction (DO blocks
# that COMMIT after every attempt; refusals are caught per attempt and
# recorded in a table):
#   1. next_code: 4 sessions x 200 committed calls on one root, with a
#      rolled-back call after every 5th: the codes are all distinct and
#      exactly 1..800, and the counter stands at 800;
#   2. unloaders: 4 sessions unload 1 unit at a time from the same 3 lots
#      (400 each), every 7th statement 1 unit of each lot in the session's
#      own lot order, until every lot refuses: no lot below zero, accepted
#      unloads = 1200 = the initial stock, refusals only lottrace_negative_stock;
#   3. loaders of the same serials, 5 rounds: 4 sessions load the same 100
#      serials in 4 different orders, two of them 5 serials per statement:
#      each serial loaded once (100 accepted rows, 100 serials in stock),
#      refusals only lottrace_serial_in_stock;
#   4. bulk loaders: 4 sessions x 150 statements load the same 30 new lots,
#      30 rows per statement, in 4 different row orders, plus transfers:
#      every lot created once, stock = the sum of the accepted rows;
# no "deadlock detected" (nor any other ERROR) in the server log, and
# verify() clean after each race.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/shell/include/cluster-test.bash   # clusters, clean-up, fail(), lock timeout, $work

pgc_init race "deadlock_timeout = 20ms" "log_lock_waits = on" >/dev/null
pgc_start race
log=$(pgc_dir race)/server.log
q() { pgc_psql race -At -c "$1"; }

pgc_psql race <<'SQL'
CREATE EXTENSION lottrace;
INSERT INTO lottrace.reason (code, direction) VALUES ('RECV', 'load'), ('SHIP', 'unload');
INSERT INTO lottrace.code_type (code, kind, format) VALUES ('RACE', 'lot', 'R{SEQ:6|}');
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('BOLT', true), ('NUT', true);
INSERT INTO lottrace.item (item, serial_tracked) VALUES ('PHONE', true);
CREATE TABLE moves (id bigserial PRIMARY KEY, sess int NOT NULL, item text NOT NULL, wh text NOT NULL,
                    lot text, serial text, qty numeric NOT NULL, reason text NOT NULL);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       serial => 'serial', reason => 'reason');
CREATE TABLE got_code (sess int, code text);
CREATE TABLE refusal (race text, sess int, sqlstate text, constraint_name text);
CREATE TABLE go (race text PRIMARY KEY);   -- the starting signal of a race
SQL

# run_race NAME: 4 sessions run $work/NAME-S.sql at once; all must succeed
run_race() {
  local name=$1 s pids=() rc=0 start
  for s in 1 2 3 4; do
    # each session waits for the starting signal, then runs its loop
    { echo "DO \$\$ BEGIN WHILE NOT EXISTS (SELECT FROM go WHERE race = '$name') LOOP PERFORM pg_sleep(0.005); END LOOP; END \$\$;"
      cat "$work/$name-$s.sql"; } | pgc_psql race >"$work/$name-$s.out" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 1 200); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'DO \$\$ BEGIN WHILE NOT EXISTS (SELECT FROM go WHERE race = ''$name'')%'")" = 4 ] && break
    sleep 0.05
  done
  start=$(date +%s%N)
  q "INSERT INTO go VALUES ('$name')"
  for s in 1 2 3 4; do
    wait "${pids[$((s - 1))]}" || { rc=1; echo "session $s of $name failed:"; cat "$work/$name-$s.out"; }
  done
  [ $rc = 0 ] || fail "$name"
  echo "$name: 4 sessions done in $(( ($(date +%s%N) - start) / 1000000 )) ms"
}

check_log() {
  local n
  n=$(grep -c 'deadlock detected' "$log" || true)
  [ "$n" = 0 ] || { grep -A3 'deadlock detected' "$log" | head -20; fail "$n deadlocks in the server log"; }
  n=$(grep -c 'ERROR' "$log" || true)
  [ "$n" = 0 ] || { grep 'ERROR' "$log" | head; fail "$n errors in the server log"; }
  n=$(q "SELECT count(*) FROM lottrace.verify()")
  [ "$n" = 0 ] || { q "SELECT * FROM lottrace.verify() LIMIT 10"; fail "verify()"; }
  echo "ok: no deadlock, no error in the server log ($(grep -c 'still waiting for' "$log" || true) lock waits logged so far); verify() clean"
}

echo "== 1. next_code: 4 sessions x 200 calls, one root"
for s in 1 2 3 4; do
  cat >"$work/code-$s.sql" <<SQL
DO \$\$
BEGIN
  FOR i IN 1 .. 200 LOOP
    INSERT INTO got_code VALUES ($s, lottrace.next_code('RACE', '{}'));
    COMMIT;
    IF i % 5 = 0 THEN           -- a rolled-back call gives its value back
      PERFORM lottrace.next_code('RACE', '{}');
      ROLLBACK;
    END IF;
  END LOOP;
END
\$\$;
SQL
done
run_race code
got=$(q "SELECT count(*) || ' codes, ' || count(DISTINCT code) || ' distinct, '
             || min(code) || '..' || max(code) || ', '
             || (SELECT count(*) FROM generate_series(1, 800) g WHERE format('R%s', lpad(g::text, 6, '0')) NOT IN (SELECT code FROM got_code)) || ' missing of 1..800, counter '
             || (SELECT last_value FROM lottrace.code_counter WHERE code_type = 'RACE')
           FROM got_code")
echo "$got"
[ "$got" = "800 codes, 800 distinct, R000001..R000800, 0 missing of 1..800, counter 800" ] \
  || fail "expected 800 codes, 800 distinct, R000001..R000800, 0 missing of 1..800, counter 800"
echo "per session: $(q "SELECT string_agg(sess || ':' || n, ' ' ORDER BY sess) FROM (SELECT sess, count(*) n FROM got_code GROUP BY 1) x")"
check_log

echo "== 2. unloaders: 4 sessions, 3 lots of 400, 1 unit at a time until refused"
q "INSERT INTO moves (sess, item, wh, lot, qty, reason) VALUES (0, 'BOLT', 'W', 'L1', 400, 'RECV'),
     (0, 'BOLT', 'W', 'L2', 400, 'RECV'), (0, 'BOLT', 'W', 'L3', 400, 'RECV')"
for s in 1 2 3 4; do
  if [ $((s % 2)) = 0 ]; then order="'{L1,L2,L3}'"; else order="'{L3,L2,L1}'"; fi
  cat >"$work/unload-$s.sql" <<SQL
DO \$\$
DECLARE
  done boolean[] := '{f,f,f}';
  lots text[] := $order;
  i int := 0;
  k int;
  c text;
  st text;
BEGIN
  WHILE NOT (done[1] AND done[2] AND done[3]) LOOP
    i := i + 1;
    k := 1 + (i + $s) % 3;
    BEGIN
      IF i % 7 = 0 THEN   -- one unit of each lot, in this session's order
        INSERT INTO moves (sess, item, wh, lot, qty, reason)
        SELECT $s, 'BOLT', 'W', l, 1, 'SHIP' FROM unnest(lots) WITH ORDINALITY u(l, o) ORDER BY o;
      ELSE
        INSERT INTO moves (sess, item, wh, lot, qty, reason) VALUES ($s, 'BOLT', 'W', 'L' || k, 1, 'SHIP');
      END IF;
    EXCEPTION WHEN check_violation THEN
      GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, st = RETURNED_SQLSTATE;
      INSERT INTO refusal VALUES ('unload', $s, st, c);
      IF i % 7 <> 0 THEN
        done[k] := true;
      END IF;
    END;
    COMMIT;
  END LOOP;
END
\$\$;
SQL
done
run_race unload
got=$(q "SELECT string_agg(lot::text || '=' || on_hand, ' ' ORDER BY lot) FROM lottrace.lot_register WHERE item = 'BOLT'")
echo "on hand: $got"
[ "$got" = "L1=0 L2=0 L3=0" ] || fail "expected L1=0 L2=0 L3=0"
got=$(q "SELECT count(*) || ' accepted unload rows, ' || sum(qty) || ' units' FROM moves WHERE reason = 'SHIP' AND item = 'BOLT'")
echo "$got (per lot: $(q "SELECT string_agg(lot || '=' || n, ' ' ORDER BY lot) FROM (SELECT lot, sum(qty) n FROM moves WHERE reason = 'SHIP' GROUP BY 1) x");"\
     "per session: $(q "SELECT string_agg(sess || '=' || n, ' ' ORDER BY sess) FROM (SELECT sess, sum(qty) n FROM moves WHERE reason = 'SHIP' GROUP BY 1) x"))"
[ "$got" = "1200 accepted unload rows, 1200 units" ] || fail "expected 1200 accepted unload rows, 1200 units (the initial stock)"
got=$(q "SELECT string_agg(sqlstate || ' ' || constraint_name || ' x' || n, ', ') FROM (SELECT sqlstate, constraint_name, count(*) n FROM refusal WHERE race = 'unload' GROUP BY 1, 2) x")
echo "refusals: $got"
case "$got" in "23514 lottrace_negative_stock x"*) ;; *) fail "refusals other than lottrace_negative_stock" ;; esac
[ "$(q "SELECT count(DISTINCT constraint_name) FROM refusal WHERE race = 'unload'")" = 1 ] || fail "refusals other than lottrace_negative_stock"
check_log

for r in 1 2 3 4 5; do
echo "== 3.$r loaders of the same 100 serials: 4 sessions, 4 orders"
for s in 1 2 3 4; do
  mult=$(echo "1 100 3 37" | cut -d' ' -f$s)      # a permutation of 1..100 (mod 101)
  if [ $((s % 2)) = 0 ]; then step=5; else step=1; fi
  cat >"$work/serial$r-$s.sql" <<SQL
DO \$\$
DECLARE
  ord int[] := ARRAY(SELECT g FROM generate_series(1, 100) g ORDER BY (g * $mult) % 101);
  i int := 1;
  retry int[];
  x int;
  c text;
  st text;
BEGIN
  WHILE i <= 100 LOOP
    retry := '{}';
    BEGIN   -- $step serials in one statement
      INSERT INTO moves (sess, item, wh, serial, qty, reason)
      SELECT $s, 'PHONE', 'W', 'S$r-' || lpad(v::text, 3, '0'), 1, 'RECV' FROM unnest(ord[i:i + $step - 1]) v;
    EXCEPTION WHEN unique_violation THEN
      GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, st = RETURNED_SQLSTATE;
      INSERT INTO refusal VALUES ('serial$r', $s, st, c);
      IF $step > 1 THEN
        retry := ord[i:i + $step - 1];
      END IF;
    END;
    COMMIT;
    FOREACH x IN ARRAY retry LOOP   -- a refused group: one serial at a time
      BEGIN
        INSERT INTO moves (sess, item, wh, serial, qty, reason)
        VALUES ($s, 'PHONE', 'W', 'S$r-' || lpad(x::text, 3, '0'), 1, 'RECV');
      EXCEPTION WHEN unique_violation THEN
        GET STACKED DIAGNOSTICS c = CONSTRAINT_NAME, st = RETURNED_SQLSTATE;
        INSERT INTO refusal VALUES ('serial$r', $s, st, c);
      END;
      COMMIT;
    END LOOP;
    i := i + $step;
  END LOOP;
END
\$\$;
SQL
done
run_race serial$r
got=$(q "SELECT count(*) || ' accepted rows, ' || count(DISTINCT serial) || ' distinct serials' FROM moves WHERE item = 'PHONE' AND serial LIKE 'S$r-%'")
echo "$got; by session: $(q "SELECT string_agg(sess || ':' || n, ' ' ORDER BY sess) FROM (SELECT sess, count(*) n FROM moves WHERE item = 'PHONE' AND serial LIKE 'S$r-%' GROUP BY 1) x")"
[ "$got" = "100 accepted rows, 100 distinct serials" ] || fail "expected 100 accepted rows, 100 distinct serials"
got=$(q "SELECT count(*) || ' serials, ' || count(*) FILTER (WHERE state = 'in_stock' AND warehouse = 'W') || ' in stock in W' FROM lottrace.serial WHERE item = 'PHONE' AND code::text LIKE 'S$r-%'")
echo "register: $got"
[ "$got" = "100 serials, 100 in stock in W" ] || fail "expected 100 serials, 100 in stock in W"
got=$(q "SELECT string_agg(sqlstate || ' ' || constraint_name || ' x' || n, ', ') FROM (SELECT sqlstate, constraint_name, count(*) n FROM refusal WHERE race = 'serial$r' GROUP BY 1, 2) x")
echo "refusals: $got"
[ "$(q "SELECT count(*) FROM refusal WHERE race = 'serial$r' AND (sqlstate, constraint_name) IS DISTINCT FROM ('23505', 'lottrace_serial_in_stock')")" = 0 ] \
  || fail "refusals other than lottrace_serial_in_stock"
check_log
done

echo "== 4. bulk loaders: 4 sessions x 150 statements, each loading the same 30 new lots in its own row order"
for s in 1 2 3 4; do
  mult=$(echo "1 30 7 11" | cut -d' ' -f$s)        # a permutation of 1..30 (mod 31)
  cat >"$work/bulk-$s.sql" <<SQL
DO \$\$
BEGIN
  FOR i IN 1 .. 150 LOOP
    INSERT INTO moves (sess, item, wh, lot, qty, reason)
    SELECT $s, 'NUT', 'W' || (g % 2), 'N' || g, g, 'RECV'
      FROM generate_series(1, 30) g ORDER BY (g * $mult) % 31;
    -- and a transfer of 1 unit between the warehouses, unload first
    INSERT INTO moves (sess, item, wh, lot, qty, reason)
    SELECT $s, 'NUT', w, 'N' || (1 + (i * $mult) % 30), 1, r
      FROM (VALUES ('W0', 'SHIP'), ('W1', 'RECV')) t(w, r)
     WHERE (1 + (i * $mult) % 30) % 2 = 0;
    COMMIT;
  END LOOP;
END
\$\$;
SQL
done
run_race bulk
got=$(q "SELECT count(*) || ' lots, ' || count(*) FILTER (WHERE on_hand = (SELECT sum(CASE WHEN m.reason = 'SHIP' THEN -m.qty ELSE m.qty END) FROM moves m WHERE m.item = 'NUT' AND m.lot = r.lot::text)) || ' with on hand = sum of the rows, total ' || sum(on_hand)
           FROM lottrace.lot_register r WHERE item = 'NUT'")
echo "$got"
[ "$got" = "30 lots, 30 with on hand = sum of the rows, total 279000" ] || fail "expected 30 lots, 30 with on hand = sum of the rows, total 279000"
check_log
echo "races: ok"
