#!/usr/bin/env bash
# Install what a lottrace target needs and is missing (Debian 12 packages).
#
#   scripts/setup.sh test|demo|bench|fuzz
#
# As root the packages are installed with apt-get; otherwise the script stops
# and prints the exact command to run.
set -euo pipefail

purpose=${1:-test}

# Package -> a file it provides (how we tell it is installed).
declare -A probe=(
  [postgresql-server-dev-15]=/usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk
  [postgresql-15]=/usr/lib/postgresql/15/bin/postgres
  [postgresql-client-15]=/usr/lib/postgresql/15/bin/psql
  [make]=/usr/bin/make
  [gcc]=/usr/bin/gcc
  [graphviz]=/usr/bin/dot
  [postgresql-15-cron]=/usr/lib/postgresql/15/lib/pg_cron.so
  [clang]=/usr/bin/clang
  [libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
  [valgrind]=/usr/bin/valgrind
)

base=(postgresql-15 postgresql-client-15 postgresql-server-dev-15 make gcc)
case "$purpose" in
  test)  want=("${base[@]}" graphviz postgresql-15-cron) ;;
  demo)  want=("${base[@]}" graphviz) ;;
  bench) want=("${base[@]}" valgrind) ;;
  fuzz)  want=(clang libclang-rt-14-dev) ;;
  *) echo "usage: $0 test|demo|bench|fuzz" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  [ -e "${probe[$p]}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "lottrace: missing packages: ${missing[*]}" >&2
  echo "Run this as root, then run the make target again:" >&2
  echo "    sudo $cmd" >&2
  exit 1
fi

echo "lottrace: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $cmd >/tmp/lottrace-apt.log 2>&1; then
  # Stale package lists are the usual cause on a fresh machine.
  apt-get update >>/tmp/lottrace-apt.log 2>&1 || true
  if ! $cmd >>/tmp/lottrace-apt.log 2>&1; then
    tail -20 /tmp/lottrace-apt.log >&2
    echo "lottrace: apt-get failed (full log: /tmp/lottrace-apt.log)" >&2
    exit 1
  fi
fi
