#!/usr/bin/env bash
# Build the extension and install it into the PostgreSQL 15 installation.
# Non-root users whose PostgreSQL directories are not writable get the exact
# command to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
make -s PG_CONFIG="$PG_CONFIG" >/dev/null

libdir=$("$PG_CONFIG" --pkglibdir)
sharedir=$("$PG_CONFIG" --sharedir)/extension
if [ -w "$libdir" ] && [ -w "$sharedir" ]; then
  make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
else
  echo "lottrace: cannot write $libdir; install the extension as root, then run the make target again:" >&2
  echo "    sudo make -C $(pwd) PG_CONFIG=$PG_CONFIG install" >&2
  exit 1
fi
