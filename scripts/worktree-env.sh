# source scripts/worktree-env.sh NAME
#
# A private place to build and test in parallel with others on one machine:
# a git worktree of this checkout's HEAD ($LT_WORK/wt-NAME, branch h-NAME)
# and a relocated copy of PostgreSQL 15 ($LT_WORK/pgroot-NAME: the binaries
# find their lib and share directories relative to themselves), so that
# `scripts/build-install.sh` and the tests never touch the system's
# installation or another copy.  Exports PG_CONFIG and PGBIN and cds into
# the worktree.  LT_WORK defaults to the checkout's parent directory.
name=${1:?usage: source scripts/worktree-env.sh NAME}
top=$(git rev-parse --show-toplevel)
base=${LT_WORK:-$(dirname "$top")}
wt=$base/wt-$name
root=$base/pgroot-$name
[ -d "$wt" ] || git -C "$top" worktree add -q -b "h-$name" "$wt" HEAD
if [ ! -d "$root" ]; then
  mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql" "$root/usr/include"
  cp -a /usr/lib/postgresql/15 "$root/usr/lib/postgresql/"
  cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
  cp -a /usr/include/postgresql "$root/usr/include/"
fi
export PG_CONFIG=$root/usr/lib/postgresql/15/bin/pg_config
export PGBIN=$root/usr/lib/postgresql/15/bin
cd "$wt" || return 1
echo "worktree $wt (branch h-$name), PG_CONFIG=$PG_CONFIG"
