# lottrace — PGXS build.
#
# The README's two commands are `make demo` and `make test`; both do their own
# set-up (packages, build, install, a throwaway cluster).  `make bench` and
# `make fuzz` are the longer-running measurements.

EXTENSION  = lottrace
MODULE_big = lottrace

# The module map (docs/ARCHITECTURE.md), one layer per line, lower layers
# first: the pure parsers (plain C, fuzzed); the SQL types and GS1
# functions; plumbing (SPI, configuration caches, stock objects, code
# counters); the engine; what feeds it (attach, the triggers on ERP tables,
# the guards on lottrace's own tables, partitions); traceability; the
# module entry.  test/shell/module_map.sh checks every src/*.c is listed.
OBJS = \
	src/lotcode_core.o src/codefmt_core.o src/codefmt_render.o \
	src/gs1_table.o src/gs1_core.o src/gs1_dl.o src/gs1_parse.o \
	src/show.o src/lotcode.o src/codefmt.o src/gs1.o \
	src/spi_util.o src/config.o src/stock.o src/register_write.o src/serial_write.o src/next_code.o \
	src/predicate.o \
	src/engine_common.o src/engine_lots.o src/engine_serials.o src/engine_lookups.o src/engine_shelf.o src/engine.o \
	src/attach.o src/triggers.o src/trigger_when.o src/guards.o src/partitions.o src/moves.o src/held_rows.o \
	src/trace.o \
	src/lottrace.o

# The install script of 1.0 (frozen) and the update scripts of later
# versions: src/lottrace--A--B.sql.
DATA = $(sort $(wildcard src/lottrace--*.sql))
# The ERP recipes (docs/ERP.md), installed as documentation of the extension.
DOCS = $(sort $(wildcard erp/*.sql))

# pg_regress: every sql/*.sql in name order; each file starts from a fresh
# CREATE EXTENSION, so the files do not depend on each other.
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=.

# Isolation specs live in test/isolation/{specs,expected}.
ISOLATION      = $(sort $(patsubst test/isolation/specs/%.spec,%,$(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --load-extension=lottrace --inputdir=test/isolation --outputdir=test/isolation/output_iso

# Rebuild objects whose headers changed.  "override": Debian's
# Makefile.global sets autodepend to empty (PostgreSQL was configured
# without --enable-depend), which silently turned a plain assignment off.
override autodepend = yes

PG_CPPFLAGS = -Isrc
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
              -Wno-missing-field-initializers -Wno-cast-function-type

EXTRA_CLEAN = results regression.diffs regression.out test/isolation/output_iso .deps

# PostgreSQL 15 by default; PG_CONFIG=... selects another installation.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# Without the server headers only the set-up targets below work; they
# install what is missing and come back here.
all install installcheck:
	@echo "PostgreSQL server headers (PGXS) not found: run 'make test' or 'make demo'," >&2
	@echo "which install them, or: apt-get install postgresql-server-dev-15" >&2
	@exit 1
endif

.PHONY: test demo bench fuzz
test:
	@scripts/run-tests.sh

demo:
	@demo/run-demo.sh

bench:
	@test/bench/run-bench.sh

fuzz:
	@test/fuzz/run-fuzz.sh
