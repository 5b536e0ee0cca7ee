#!/usr/bin/env bash
# Extension upgrades: every older version whose full install script
# (lottrace--X.sql) is in the installed extension directory is installed,
# updated with ALTER EXTENSION lottrace UPDATE, and compared with a fresh
# install of the default version (lottrace.control):
#   * the schema: pg_dump -s, and pg_dump -s --binary-upgrade, which writes
#     out every member object of the extension (definitions, comments,
#     privileges, membership) -- OIDs, xids, dropped columns and dump order
#     normalised away;
#   * the extension: version, schema, relocatability, members, configuration
#     tables with their dump conditions;
#   * the contents of every lottrace table and sequence (the seeded rows);
#   * pg_extension_update_paths: every older version reaches the default.
# With no older version it says so and still runs the comparison machinery
# (a fresh install against another fresh install) and the update-path check.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }
PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}
extdir=$("$PG_CONFIG" --sharedir)/extension
work=$PGC_BASE/work
mkdir -p "$work"

[ -f "$extdir/lottrace.control" ] || fail "lottrace is not installed in $extdir"
default=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$extdir/lottrace.control")
[ -n "$default" ] || fail "no default_version in $extdir/lottrace.control"
repo_default=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" lottrace.control)
[ "$default" = "$repo_default" ] || fail "installed default_version $default differs from the repository's $repo_default: install first"
# The default version is installed from its own full script or, when there
# is none, by PostgreSQL from an older full script and the update scripts
# (1.1 is 1.0 plus lottrace--1.0--1.1.sql); the update paths are checked below.

versions=()    # full install scripts other than the default
for f in "$extdir"/lottrace--*.sql; do
  v=${f##*/lottrace--}; v=${v%.sql}
  case $v in *--*) continue ;; esac        # an update script lottrace--A--B.sql
  [ "$v" = "$default" ] || versions+=("$v")
done
updates=""   # update scripts lottrace--A--B.sql
for f in "$extdir"/lottrace--*--*.sql; do
  [ -e "$f" ] || continue
  u=${f##*/lottrace--}; u=${u%.sql}
  updates="${updates:+$updates, }${u/--/ -> }"
done
echo "installed: $extdir"
echo "default version: $default; older full install scripts: ${versions[*]:-none}; update scripts: ${updates:-none}"

pgc_init up >/dev/null
pgc_start up
q() { pgc_psql up -d "$1" -At -c "$2"; }

# The perl below: drop what differs between two equal databases (OIDs,
# relfrozenxid, the \restrict key, dropped columns of ALTERed tables), then
# sort the dump's entries, whose order follows OIDs where names tie.
cat >"$work/normalise.pl" <<'PERL'
undef $/;
$_ = <STDIN>;
s/^\\(un)?restrict .*\n//mg;
s/^-- Dumped (from|by) .*\n//mg;
s/^-- For binary upgrade, must preserve .*\n//mg;
s/^SELECT pg_catalog\.binary_upgrade_set_next_\w+\(.*\n//mg;
s/^SELECT pg_catalog\.binary_upgrade_create_empty_extension\(.*\n//mg;   # OIDs of config tables: compared by name below
s/^-- For binary upgrade, set (heap|toast)'s relfrozenxid and relminmxid\nUPDATE pg_catalog\.pg_class\nSET relfrozenxid = .*\nWHERE oid = .*\n//mg;
s/^-- For binary upgrade, recreate dropped column\.\n(?:.*\n)*?ALTER TABLE ONLY \S+ DROP COLUMN "\.{8}pg\.dropped\.\d+\.{8}";\n//mg;
s/^ +"\.{8}pg\.dropped\.\d+\.{8}" .*\n//mg;
s/,\n\)/\n)/g;
s/\n{3,}/\n\n/g;
print sort split /(?=^--\n-- Name: )/m;
PERL

# describe DB OUT: everything that must be equal between two installs
describe() {
  local db=$1 out=$2
  # lottrace.movements' body is state (written from lottrace.attachment), not
  # schema: have both databases write it the same way
  q "$db" "SELECT lottrace._refresh_movements() WHERE to_regprocedure('lottrace._refresh_movements()') IS NOT NULL" >/dev/null
  "$PGBIN/pg_dump" -s -d "$(pgc_connstr up "$db")" | perl "$work/normalise.pl" >"$out.dump"
  "$PGBIN/pg_dump" -s --binary-upgrade -d "$(pgc_connstr up "$db")" | perl "$work/normalise.pl" >"$out.members"
  pgc_psql up -d "$db" -At >"$out.catalog" <<'SQL'
SELECT 'extension', extname, extowner::regrole, extnamespace::regnamespace, extrelocatable, extversion
  FROM pg_extension WHERE extname = 'lottrace';
SELECT 'config table', c::regclass, coalesce(nullif(w, ''), '(all rows)')
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(c, w)
 WHERE e.extname = 'lottrace' ORDER BY 2::text;
SELECT 'member', pg_describe_object(d.classid, d.objid, d.objsubid)
  FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
 WHERE e.extname = 'lottrace' AND d.deptype = 'e' ORDER BY 2;
SQL
  pgc_psql up -d "$db" -At >"$out.data" <<'SQL'
SELECT format('COPY (SELECT %L, x::text FROM %s x ORDER BY x::text COLLATE "C") TO STDOUT', c.oid::regclass, c.oid::regclass)
  FROM pg_class c WHERE c.relnamespace = 'lottrace'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1
\gexec
SELECT format('COPY (SELECT %L, last_value, is_called FROM %s) TO STDOUT', c.oid::regclass, c.oid::regclass)
  FROM pg_class c WHERE c.relnamespace = 'lottrace'::regnamespace AND c.relkind = 'S' ORDER BY 1
\gexec
SQL
}

compare() {  # compare NAME_A NAME_B: 0 when equal, the differences otherwise
  local a=$1 b=$2 part rc=0
  for part in dump members catalog data; do
    if ! diff -u "$work/$a.$part" "$work/$b.$part" >"$work/$b.$part.diff"; then
      echo "  $part differs ($a vs $b):"; head -60 "$work/$b.$part.diff" | sed 's/^/    /'
      rc=1
    fi
  done
  return $rc
}

echo "== fresh installs of $default"
for db in fresh fresh2; do
  pgc_psql up -c "CREATE DATABASE $db" >/dev/null
  q "$db" "CREATE EXTENSION lottrace" >/dev/null
  describe "$db" "$work/$db"
done
echo "fresh: $(grep -c '^-- Name:' "$work/fresh.members") objects in the member dump, $(grep -c '^member' "$work/fresh.catalog") members," \
     "$(grep -c '^config table' "$work/fresh.catalog") configuration tables, $(wc -l <"$work/fresh.data") seeded rows and sequences"
[ "$(grep -c '^member' "$work/fresh.catalog")" -gt 100 ] || fail "the member list looks empty"
grep -q 'CREATE TABLE lottrace.lot (' "$work/fresh.members" || fail "the --binary-upgrade dump lacks the member objects"
compare fresh fresh2 || fail "two fresh installs differ: the comparison is not deterministic"
echo "ok: two fresh installs compare equal (the machinery works)"

echo "== update paths"
pgc_psql up -d fresh -c "SELECT source, target, path FROM pg_extension_update_paths('lottrace') WHERE path IS NOT NULL ORDER BY 1, 2"
for v in "${versions[@]}"; do
  path=$(q fresh "SELECT path FROM pg_extension_update_paths('lottrace') WHERE source = '$v' AND target = '$default'")
  [ -n "$path" ] || fail "no update path from $v to $default"
  echo "ok: $v reaches $default: $path"
done

if [ ${#versions[@]} -eq 0 ]; then
  echo "no older versions to upgrade from (only lottrace--$default.sql is installed)"
fi
[ ${#versions[@]} -gt 0 ] || [ -f "$extdir/lottrace--$default.sql" ] || fail "no way to install $default"

n=0
for v in "${versions[@]}"; do
  n=$((n + 1))
  db=up_$n
  echo "== $v -> $default"
  pgc_psql up -c "CREATE DATABASE $db" >/dev/null
  q "$db" "CREATE EXTENSION lottrace VERSION '$v'" >/dev/null
  got=$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'lottrace'")
  [ "$got" = "$v" ] || fail "CREATE EXTENSION ... VERSION '$v' installed $got"
  q "$db" "ALTER EXTENSION lottrace UPDATE" >/dev/null
  got=$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'lottrace'")
  [ "$got" = "$default" ] || fail "after ALTER EXTENSION lottrace UPDATE from $v: version $got, expected $default"
  describe "$db" "$work/$db"
  compare fresh "$db" || fail "$v updated to $default differs from a fresh install of $default"
  echo "ok: $v updated to $default equals a fresh install (schema, members, configuration tables, seeded rows)"
done
# An update under load: a database in use with an older version (an attached
# table, movements, a status set by hand) is updated in place; the registers
# stay verified, the hand-set status stays, and writes go on.
n=0
for v in "${versions[@]}"; do
  n=$((n + 1))
  db=used_$n
  echo "== $v -> $default with an attached table in use"
  pgc_psql up -c "CREATE DATABASE $db" >/dev/null
  pgc_psql up -d "$db" -q <<SQL
CREATE EXTENSION lottrace VERSION '$v';
INSERT INTO lottrace.item (item, lot_tracked) VALUES ('MILK', true);
CREATE TABLE mv (id serial PRIMARY KEY, item text NOT NULL, qty numeric NOT NULL, wh text NOT NULL, lot text);
CREATE INDEX ON mv (lot);
SELECT lottrace.attach('mv', item => 'item', qty => 'qty', warehouse => 'wh', lot => 'lot');
INSERT INTO mv (item, qty, wh, lot) SELECT 'MILK', 10, 'W1', 'L' || g FROM generate_series(1, 12) g;
INSERT INTO mv (item, qty, wh, lot) VALUES ('MILK', -4, 'W1', 'L10');
SELECT lottrace.set_lot_status('MILK', 'L2', 'QUARANTINE', 'held before the update');
SQL
  before=$(q "$db" "SELECT string_agg(l.code::text || ':' || l.status || ':' || l.stock, ',' ORDER BY l.code) FROM lottrace.lot l")
  # the new library on the old schema: items without gs1_codes keep to set 82
  got=$(q "$db" "INSERT INTO mv (item, qty, wh, lot) VALUES ('MILK', 1, 'W1', 'L 13')" 2>&1) \
    && fail "before the update a code with a space was taken in"
  case "$got" in
    *'invalid lot code "L 13"'*'character " " at position 2 is not in GS1 character set 82'*) ;;
    *) fail "before the update, 'L 13' was not refused by the GS1 rule: $got" ;;
  esac
  q "$db" "ALTER EXTENSION lottrace UPDATE" >/dev/null
  [ "$(q "$db" "SELECT string_agg(item || '=' || gs1_codes, ',') FROM lottrace.item")" = "MILK=true" ] \
    || fail "the update did not give the existing item gs1_codes = true"
  after=$(q "$db" "SELECT string_agg(l.code::text || ':' || l.status || ':' || l.stock, ',' ORDER BY l.code) FROM lottrace.lot l")
  [ "$before" = "$after" ] || fail "the lot register changed in the update: $before -> $after"
  bad=$(q "$db" "SELECT count(*) FROM lottrace.verify()")
  [ "$bad" = 0 ] || fail "verify() after the update: $bad problems"
  q "$db" "INSERT INTO mv (item, qty, wh, lot) VALUES ('MILK', -6, 'W1', 'L10')" >/dev/null
  got=$(q "$db" "SELECT on_hand FROM lottrace.lot_stock WHERE lot = 'L10'::text")
  [ "$got" = 0 ] || fail "a write after the update: L10 on hand $got, expected 0"
  got=$(q "$db" "SELECT string_agg(code::text, ',' ORDER BY code) FROM lottrace.lot WHERE code < 'L3'::text")
  [ "$got" = "L1,L2" ] || fail "natural order against text after the update: $got"
  q "$db" "INSERT INTO mv (item, qty, wh, lot) VALUES ('MILK', -1, 'W1', 'L10')" >/dev/null 2>&1 \
    && fail "an overdraw after the update was accepted"
  lots=$(q "$db" "SELECT count(*) FROM lottrace.lot")
  [ "$lots" = 12 ] || fail "expected 12 lots, found $lots"
  echo "ok: $v updated to $default in use: registers unchanged ($lots lots: $after), verify() clean, writes and rules go on"
done
echo "upgrade: ok (${#versions[@]} older versions)"
