#!/usr/bin/env bash
# Install what a lottrace target needs and is missing (Debian 12 packages).
#
#   scripts/setup.sh test|demo|bench|fuzz      install what is missing
#   scripts/setup.sh --missing PURPOSE         only print the missing packages
#
# What a purpose needs is listed in scripts/packages.tsv.  Whether a package
# is installed is decided by the package manager (dpkg-query), never by
# looking for a file: files move between packages (pgxs.mk, for one, comes
# with postgresql-client-15, not with the server headers).
#
# As root the packages are installed with apt-get; otherwise the script stops
# and prints the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

list_only=0
if [ "${1:-}" = --missing ]; then list_only=1; shift; fi
purpose=${1:-test}
case "$purpose" in
  test|demo|bench|fuzz) ;;
  *) echo "usage: $0 [--missing] test|demo|bench|fuzz" >&2; exit 2 ;;
esac

# The packages of this purpose, each once, in the table's order.
wanted() {
  awk -F'\t' -v p="$1" '!/^#/ && NF >= 2 && $2 == p && !seen[$1]++ { print $1 }' scripts/packages.tsv
}

# dpkg's own answer: "install ok installed" and nothing else means installed
# (half-installed, config-files and unknown packages all count as missing).
installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
while read -r p; do
  installed "$p" || missing+=("$p")
done < <(wanted "$purpose")

if [ $list_only -eq 1 ]; then
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
  exit 0
fi
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
# Installed now, by dpkg's account?
for p in "${missing[@]}"; do
  installed "$p" || { echo "lottrace: $p is still not installed (see /tmp/lottrace-apt.log)" >&2; exit 1; }
done
