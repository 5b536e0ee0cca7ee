# Sourced by the dump/restore tests, from the top of the checkout: a source
# and a destination cluster (src, dst), both started, removed on exit;
# fail(); a work directory the servers can write to.
source scripts/pgcluster.sh
trap pgc_cleanup EXIT

fail() { echo "FAILED: $*"; exit 1; }
work=$PGC_BASE/work
mkdir -p "$work" && chmod 777 "$work"

pgc_init src >/dev/null
pgc_init dst >/dev/null
pgc_start src
pgc_start dst
