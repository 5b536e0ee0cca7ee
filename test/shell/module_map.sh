#!/usr/bin/env bash
# The Makefile's OBJS is the module map (docs/ARCHITECTURE.md): every C
# file of src/ is in it once, nothing else is, and no two source files call
# each other through their headers (no include cycle among src/*.h and the
# .c files that include them, counted per pair of modules).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAILED: $*"; exit 1; }

listed=$(make -s -f - print-objs <<'MK' 2>/dev/null
include Makefile
print-objs:
	@echo $(OBJS)
MK
)
[ -n "$listed" ] || fail "could not read OBJS from the Makefile"
want=$(ls src/*.c | sed 's/\.c$/.o/' | sort)
got=$(echo "$listed" | tr ' ' '\n' | grep . | sort)
dups=$(echo "$listed" | tr ' ' '\n' | grep . | sort | uniq -d)
[ -z "$dups" ] || fail "listed twice in OBJS: $dups"
missing=$(comm -23 <(echo "$want") <(echo "$got"))
extra=$(comm -13 <(echo "$want") <(echo "$got"))
[ -z "$missing" ] || fail "src/*.c not in OBJS: $missing"
[ -z "$extra" ] || fail "OBJS lists what src/ does not have: $extra"
echo "ok: OBJS lists the $(echo "$want" | wc -l) C files of src/"

# Module A uses module B when A's object calls a function (or reads a
# variable) that B's object defines: read off the built objects with nm.
# A cycle is A uses B and B uses A.  lottrace.o, the module entry
# (_PG_init calls every module's set-up and defines the settings), is the
# root and not counted.
make -s PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" >/dev/null
declare -A def
for o in src/*.o; do
  for sym in $(nm --defined-only -g "$o" | awk '{print $3}'); do def[$sym]=$(basename "$o" .o); done
done
declare -A uses
for o in src/*.o; do
  a=$(basename "$o" .o)
  [ "$a" = lottrace ] && continue
  for sym in $(nm -u "$o" | awk '{print $2}'); do
    b=${def[$sym]:-}
    [ -n "$b" ] && [ "$b" != "$a" ] && [ "$b" != lottrace ] && uses["$a $b"]="$sym"
  done
done
cycles=0
for k in "${!uses[@]}"; do
  a=${k% *}; b=${k#* }
  if [[ "$a" < "$b" ]] && [ -n "${uses["$b $a"]:-}" ]; then
    echo "cycle: $a.c uses $b.c (${uses[$k]}) and $b.c uses $a.c (${uses["$b $a"]})"
    cycles=$((cycles + 1))
  fi
done
[ $cycles -eq 0 ] || fail "$cycles call cycles between modules"
echo "ok: no call cycle between modules (${#uses[@]} uses)"
