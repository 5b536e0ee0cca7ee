#!/usr/bin/env bash
# refresh_expiry() scheduled daily with pg_cron (docs/TRACEABILITY.md): the
# schedule is created as documented, pg_cron runs it, and a lot past its
# block date is expired with a log row.  Where jobs run with another
# default isolation level (here a role whose default is SERIALIZABLE),
# refresh_expiry() and verify() refuse it, and the documented command that
# starts with SET TRANSACTION ISOLATION LEVEL READ COMMITTED runs.  pg_cron 1.4 (Debian 12) schedules
# by the minute, so this waits for the next minute boundary; the documented
# daily schedule is checked as written, and a per-minute copy is what runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

if [ ! -e "$(${PG_CONFIG:-pg_config} --pkglibdir)/pg_cron.so" ]; then
  echo "pg_cron is not installed (package postgresql-15-cron): skipped"
  exit 0
fi

pgc_init cron "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'" \
  "cron.use_background_workers = on" "max_worker_processes = 16" >/dev/null
pgc_start cron
pgc_psql cron <<'SQL'
CREATE EXTENSION lottrace;
CREATE EXTENSION pg_cron;
INSERT INTO lottrace.item (item, lot_tracked, block_days) VALUES ('YOGURT', true, 2);
INSERT INTO lottrace.reason (code, direction) VALUES ('RCV', 'load');
CREATE TABLE moves (id serial PRIMARY KEY, item text, wh text, lot text, qty numeric, reason text, best_before date);
SELECT lottrace.attach('moves', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot',
                       reason => 'reason', expiry => 'best_before');
INSERT INTO moves (item, wh, lot, qty, reason, best_before) VALUES
  ('YOGURT', 'W', 'Y1', 10, 'RCV', current_date + 1),   -- blocked from yesterday: expires
  ('YOGURT', 'W', 'Y2', 10, 'RCV', current_date + 30);  -- stays available
-- the schedule as the documentation writes it (every day at 02:15)
SELECT cron.schedule('lottrace-expiry', '15 2 * * *', $$SELECT count(*) FROM lottrace.refresh_expiry()$$);
SELECT jobname, schedule, command FROM cron.job;
-- and the same command every minute, so the test sees pg_cron run it
SELECT cron.schedule('lottrace-expiry-now', '* * * * *', $$SELECT count(*) FROM lottrace.refresh_expiry()$$);
-- a role whose transactions are SERIALIZABLE by default, as some sites set
-- it; its jobs as documented in docs/TRACEABILITY.md and RELIABILITY.md
CREATE ROLE nightly LOGIN SUPERUSER;
ALTER ROLE nightly SET default_transaction_isolation = 'serializable';
SELECT cron.schedule_in_database('ser-expiry', '* * * * *',
         $$SELECT count(*) FROM lottrace.refresh_expiry()$$, 'postgres', 'nightly');
SELECT cron.schedule_in_database('ser-expiry-rc', '* * * * *',
         $$SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SELECT count(*) FROM lottrace.refresh_expiry()$$,
         'postgres', 'nightly');
SELECT cron.schedule_in_database('ser-verify', '* * * * *',
         $$SELECT count(*) FROM lottrace.verify()$$, 'postgres', 'nightly');
-- (the weekly job of RELIABILITY.md, "Running verify()")
SELECT cron.schedule_in_database('ser-verify-rc', '* * * * *', $$
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  DO $v$ DECLARE n bigint; BEGIN
    SELECT count(*) INTO n FROM lottrace.verify();
    IF n > 0 THEN RAISE EXCEPTION 'lottrace.verify() found % disagreements', n; END IF;
  END $v$;
$$, 'postgres', 'nightly');
SQL

for _ in $(seq 1 80); do
  done=$(pgc_psql cron -At -c "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                                WHERE j.jobname = 'lottrace-expiry-now' AND d.status IN ('succeeded', 'failed')")
  [ "$done" -gt 0 ] && break
  sleep 1
done
pgc_psql cron -c "SELECT status, return_message FROM cron.job_run_details"
status=$(pgc_psql cron -At -c "SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                               WHERE j.jobname = 'lottrace-expiry-now' ORDER BY runid LIMIT 1")
[ "$status" = "succeeded" ] || { echo "the scheduled job did not succeed: $status"; exit 1; }
got=$(pgc_psql cron -At -c "SELECT string_agg(code::text || '=' || status, ',' ORDER BY code) FROM lottrace.lot")
echo "lots after the job: $got"
[ "$got" = "Y1=EXPIRED,Y2=AVAILABLE" ] || { echo "expected Y1=EXPIRED,Y2=AVAILABLE"; exit 1; }
log=$(pgc_psql cron -At -c "SELECT count(*) FROM lottrace.lot_status_log WHERE new_status = 'EXPIRED' AND note LIKE 'refresh_expiry%'")
[ "$log" = "1" ] || { echo "expected one log row, got $log"; exit 1; }
echo "pg_cron ran lottrace.refresh_expiry(): ok"

# the jobs of the SERIALIZABLE role: the same minute, so little more to wait
for _ in $(seq 1 30); do
  done=$(pgc_psql cron -At -c "SELECT count(DISTINCT j.jobname) FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                                WHERE j.jobname LIKE 'ser-%' AND d.status IN ('succeeded', 'failed')")
  [ "$done" -eq 4 ] && break
  sleep 1
done
got=$(pgc_psql cron -At -F ' ' -c "SELECT DISTINCT ON (j.jobname) j.jobname, d.status, d.return_message
                                     FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                                    WHERE j.jobname LIKE 'ser-%' ORDER BY j.jobname, d.runid")
echo "$got"
expect() {
  grep -qxF -- "$1" <<<"$got" || { echo "expected the line: $1"; exit 1; }
}
expect "ser-expiry failed ERROR: lottrace.refresh_expiry() must run at isolation level READ COMMITTED, not SERIALIZABLE"
expect "ser-expiry-rc succeeded SELECT 1"
expect "ser-verify failed ERROR: lottrace.verify() cannot run in a SERIALIZABLE transaction"
expect "ser-verify-rc succeeded DO"
echo "a SERIALIZABLE default is refused with a clear error, the documented READ COMMITTED command runs: ok"
