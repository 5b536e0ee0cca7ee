# Sourced by shell tests that start their own clusters and run concurrent
# sessions (crash.sh, races.sh), from the top of the checkout: the cluster
# helpers, clean-up of background sessions and clusters on exit, fail(), a
# lock timeout so that a wait that would hang the test fails it instead, and
# a work directory.
source scripts/pgcluster.sh
trap 'kill $(jobs -p) 2>/dev/null || true; pgc_cleanup' EXIT

fail() { echo "FAILED: $*"; exit 1; }
export PGOPTIONS="-c lock_timeout=30s"
work=$PGC_BASE/work
mkdir -p "$work"
