/*
 * spi_util.h — running lottrace's own SQL from C.
 *
 * Every statement is written once, fully schema-qualified (lottrace.*,
 * pg_catalog.*, OPERATOR(pg_catalog.=)), parameterised with $n, prepared
 * with SPI_keepplan and re-prepared when SPI_plan_is_valid() says so.
 * Register writes run as the extension's owner (see lt_become_owner), the
 * way ri_triggers.c runs its checks as the table owner.
 */
#ifndef LOTTRACE_SPI_UTIL_H
#define LOTTRACE_SPI_UTIL_H

#include "postgres.h"
#include "executor/spi.h"
#include "utils/array.h"

/* A prepared statement kept for the life of the backend. */
typedef struct LtPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[16];
	SPIPlanPtr	plan;			/* default choice: custom plans (see below) */
	SPIPlanPtr	plan_small;		/* generic plan, for small batches */
} LtPlan;

/*
 * Batch statements take their rows as arrays.  A custom plan knows each
 * array's length and picks hash or merge joins for big batches, but planning
 * it again for every statement costs more than running a one-row batch; the
 * plan cache's own custom/generic heuristic keeps choosing custom plans here
 * because a generic plan of an unnest() looks dearer.  So batches of up to
 * LT_SMALL_BATCH rows run a generic plan, planned once per backend, and
 * larger ones a custom plan (planning is then a tiny part of the work).
 */
#define LT_SMALL_BATCH 64

/* Prepare (once) and return p's plan.  Call with SPI connected. */
extern SPIPlanPtr lt_plan(LtPlan *p);

/* Execute p; errors from SPI are internal errors.  Returns SPI_processed. */
extern uint64 lt_exec(LtPlan *p, Datum *values, const char *nulls, bool read_only, long count);

/* Execute p for a batch of nrows rows (see LT_SMALL_BATCH). */
extern uint64 lt_exec_batch(LtPlan *p, Datum *values, const char *nulls, bool read_only, int64 nrows);

/* Saved user/security context while running as the extension owner. */
typedef struct LtUserSave
{
	Oid			userid;
	int			sec_context;
} LtUserSave;

extern Oid	lt_extension_owner(void);
extern void lt_extension_owner_reset(void);
extern void lt_become_owner(LtUserSave *save);
extern void lt_restore_user(const LtUserSave *save);

/* OID of a lottrace type or table, looked up once per backend. */
extern Oid	lt_type_oid(const char *name);
extern Oid	lt_lotcode_oid(void);
extern Oid	lt_serialcode_oid(void);
extern Oid	lt_relid(const char *name);

/* One-dimensional arrays for unnest()-style batch statements. */
extern Datum lt_array_text(Datum *vals, bool *nulls, int n, Oid elemtype);
extern Datum lt_array_int8(int64 *vals, int n);
extern Datum lt_array_int4(int32 *vals, int n);
extern Datum lt_array_numeric(Datum *vals, bool *nulls, int n);
extern Datum lt_array_date(Datum *vals, bool *nulls, int n);
extern Datum lt_array_bool(bool *vals, int n);

/* Datum fetch helpers for SPI result rows. */
extern char *lt_getstr(HeapTuple tup, TupleDesc desc, int col);	/* NULL if null */
extern int64 lt_getint8(HeapTuple tup, TupleDesc desc, int col, bool *isnull);
extern Datum lt_getdatum(HeapTuple tup, TupleDesc desc, int col, bool *isnull);

/* Quote a (possibly schema-qualified) relation name for messages. */
extern char *lt_relname(Oid relid);

#endif							/* LOTTRACE_SPI_UTIL_H */
