#!/usr/bin/env bash
# scripts/setup.sh against the package manager.  For every row of its table
# (scripts/packages.tsv, or the file given as $1):
#   * the consumer is a file the purpose runs, and it still uses the package
#     (it contains the needle): no package is installed for nothing;
#   * the witness belongs to that package by dpkg's own account (`dpkg -S`),
#     for every installed package, and every package of `make test` must be
#     installed by now, since make test ran the set-up;
# and `setup.sh --missing` agrees with dpkg-query for every purpose.
# The bug this stands guard against: the server headers were "found" through
# pgxs.mk, which postgresql-client-15 ships, so they were never installed.
set -uo pipefail
cd "$(dirname "$0")/../.."
table=${1:-scripts/packages.tsv}

bad=0
fail() { echo "FAILED: $*"; bad=$((bad + 1)); }

# What each purpose runs: its make target's scripts and what they read.
runs() {
  case "$1" in
    test)  echo "Makefile scripts/ src/ sql/ expected/ test/shell/ test/isolation/ test/unit/ test/clients/ test/gs1/ test/epcis/" ;;
    demo)  echo "Makefile scripts/ src/ demo/" ;;
    bench) echo "Makefile scripts/ src/ test/bench/" ;;
    fuzz)  echo "Makefile scripts/ src/ test/fuzz/" ;;   # sqlsmith: build-install, pgcluster
  esac
}

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

rows=0
while IFS=$'\t' read -r pkg purpose witness consumer needle; do
  case "$pkg" in ''|'#'*) continue ;; esac
  rows=$((rows + 1))
  prefixes=$(runs "$purpose")
  [ -n "$prefixes" ] || { fail "$pkg: unknown purpose '$purpose'"; continue; }
  ok=0
  for pre in $prefixes; do
    case "$consumer" in "$pre"*) ok=1 ;; esac
  done
  [ $ok -eq 1 ] || fail "$pkg for $purpose: $consumer is not something '$purpose' runs"
  if [ ! -f "$consumer" ]; then
    fail "$pkg for $purpose: consumer $consumer does not exist"
  elif ! grep -qF -- "$needle" "$consumer"; then
    fail "$pkg for $purpose: $consumer does not use it (no '$needle')"
  fi
  if is_installed "$pkg"; then
    owner=$(dpkg -S "$witness" 2>/dev/null | sed 's/: .*//; s/:[a-z0-9]*$//' | tr ', ' '\n\n' | grep -xF "$pkg")
    [ "$owner" = "$pkg" ] || fail "$pkg for $purpose: $witness belongs to '$(dpkg -S "$witness" 2>&1 | head -1)', not to $pkg"
  elif [ "$purpose" = test ]; then
    fail "$pkg is needed by make test but dpkg says it is not installed"
  else
    echo "not installed here, witness not checked: $pkg ($purpose)"
  fi
done < "$table"
[ $rows -gt 0 ] || fail "no rows in $table"

if [ "$table" = scripts/packages.tsv ]; then
  for purpose in test demo bench fuzz; do
    expect=$(awk -F'\t' -v p=$purpose '!/^#/ && $2 == p && !s[$1]++ {print $1}' "$table" |
             while read -r p; do is_installed "$p" || echo "$p"; done)
    got=$(scripts/setup.sh --missing $purpose)
    [ "$got" = "$expect" ] || fail "setup.sh --missing $purpose says '$got', dpkg-query says '$expect'"
  done
  # The set-up must ask dpkg, not probe files.
  grep -q 'dpkg-query' scripts/setup.sh || fail "scripts/setup.sh does not ask dpkg-query"
fi

echo "$rows rows checked, $bad problems"
[ $bad -eq 0 ]
