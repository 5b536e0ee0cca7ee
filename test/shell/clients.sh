#!/usr/bin/env bash
# Real clients against lottrace 1.1 (docs/CLIENTS.md, docs/lotcode.md
# "Whatever the search_path"): Debian's psycopg 3 (python3-psycopg, run with
# /usr/bin/python3) and pgJDBC (/usr/share/java/postgresql.jar, compiled with
# javac from openjdk-17), connecting as a plain role whose search_path is the
# default "$user", public.  test/clients/psycopg_params.py and
# test/clients/JdbcParams.java check, with text-typed parameters: natural
# order against a code, WHERE lot = $1 finds the row and is an index scan
# (custom and generic plan), code || text, string_agg, and reading codes
# back (text, and in binary the raw bytes; codefmt: version byte + text).
# The cluster listens on 127.0.0.1 as well (JDBC has no Unix sockets), on a
# free port.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }

PY=/usr/bin/python3
JAR=/usr/share/java/postgresql.jar
JAVA_HOME=${JAVA_HOME_17:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVAC=$JAVA_HOME/bin/javac
JAVA=$JAVA_HOME/bin/java
[ -f "$JAR" ] || fail "$JAR missing (libpostgresql-jdbc-java)"
[ -x "$JAVAC" ] || fail "$JAVAC missing (openjdk-17-jdk-headless)"
$PY -c 'import psycopg' 2>/dev/null || fail "$PY cannot import psycopg (python3-psycopg)"

# A free TCP port on 127.0.0.1; every pgc_* helper uses $PGC_PORT.
PGC_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pgc_init clients "listen_addresses = '127.0.0.1'" >/dev/null
pgc_start clients
echo "ok: cluster on $(pgc_dir clients) and 127.0.0.1:$PGC_PORT"

pgc_psql clients -c "CREATE DATABASE clients"
pgc_psql clients -d clients <<'SQL'
CREATE EXTENSION lottrace;
CREATE TABLE stock_lot (id int PRIMARY KEY, lot lottrace.lotcode NOT NULL,
                        sn lottrace.serialcode, qty numeric NOT NULL);
INSERT INTO stock_lot SELECT g, 'LC' || g, 'SN' || g, g FROM generate_series(1, 20000) g;
CREATE INDEX ON stock_lot (lot);
CREATE INDEX ON stock_lot (sn);
ANALYZE stock_lot;
-- the ERP's role: no superuser, nothing set, so search_path is the default
CREATE ROLE erp LOGIN;
GRANT SELECT ON stock_lot TO erp;
SQL
got=$(pgc_psql clients -d clients -At -c "SELECT extversion FROM pg_extension WHERE extname = 'lottrace'")
want=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" lottrace.control)
[ "$got" = "$want" ] || fail "lottrace version is '$got', not $want"
got=$(pgc_psql clients -d clients -U erp -At -c "SHOW search_path")
[ "$got" = '"$user", public' ] || fail "erp's search_path is '$got'"
echo "ok: database clients: lottrace 1.1, stock_lot with 20000 rows, role erp with search_path $got"

bad=0
echo "== psycopg $($PY -c 'import psycopg; print(psycopg.__version__)') ($PY)"
$PY test/clients/psycopg_params.py \
    "host=$(pgc_dir clients) port=$PGC_PORT user=erp dbname=clients" || bad=1

echo "== pgJDBC $(unzip -p "$JAR" META-INF/MANIFEST.MF 2>/dev/null | sed -n 's/^Implementation-Version: //p' | tr -d '\r') ($("$JAVAC" -version 2>&1))"
classes=$PGC_BASE/classes
mkdir -p "$classes"
"$JAVAC" -cp "$JAR" -d "$classes" test/clients/JdbcParams.java || fail "javac JdbcParams.java"
"$JAVA" -cp "$JAR:$classes" JdbcParams "jdbc:postgresql://127.0.0.1:$PGC_PORT/clients?user=erp" || bad=1

[ $bad -eq 0 ] || fail "client checks failed"
echo "ok: clients.sh passed"
