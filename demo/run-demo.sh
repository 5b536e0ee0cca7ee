#!/usr/bin/env bash
# `make demo`: set-up, then a short scenario on a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh demo
scripts/build-install.sh

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PGBIN=${PGBIN:-$("$PG_CONFIG" --bindir)}
unset PGC_BASE PGC_OWNED
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

pgc_init demo >/dev/null
pgc_start demo
pgc_psql demo -c "CREATE DATABASE erp" >/dev/null

out=demo/out
mkdir -p "$out"
chmod 777 "$out" 2>/dev/null || true

echo "lottrace demo: a throwaway PostgreSQL 15 cluster in $PGC_BASE"
echo
pgc_psql demo -d erp -v out="$(pwd)/$out" -f demo/demo.sql

if [ -s "$out/genealogy.dot" ] && command -v dot >/dev/null; then
  dot -Tpng "$out/genealogy.dot" -o "$out/genealogy.png"
  dot -Tsvg "$out/genealogy.dot" -o "$out/genealogy.svg"
  echo
  echo "The genealogy picture is in $(pwd)/$out/genealogy.png (and .svg)."
fi
echo
echo "Demo finished; the cluster is removed.  Run 'make test' for the full suite."
