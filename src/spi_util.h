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

/*
 * A prepared statement kept for the life of the backend.  Its parameter
 * types are given next to its text: as OIDs (nargs, argtypes) for built-in
 * types, or as a list of qualified type names in args, read each time the
 * statement is prepared (lottrace's own types have no fixed OID):
 *
 *     static LtPlan p = {.sql = "... $1 ... $2 ...",
 *                        .args = "pg_catalog.text[], lottrace.lotcode[]"};
 */
typedef struct LtPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[48];
	SPIPlanPtr	plan;			/* lt_exec: the plan cache's own choice */
	SPIPlanPtr	plan_generic;	/* lt_exec_batch: always the generic plan */
	const char *args;			/* or: the parameter types by name */
} LtPlan;

/*
 * Batch statements take their rows as arrays and always run their generic
 * plan, planned once per backend.  A custom plan knows each array's length,
 * but planning it again costs more than running a one-row batch, and for a
 * slice of thousands of rows it chose a hash join over a sequential scan of
 * the whole register where the generic plan probes the key index row by row
 * in key order (measured: 59 ms instead of 128 ms plus 18 ms of planning for
 * 8,192 lots among 100,000).  The plan cache's heuristic alone kept choosing
 * custom plans, because the generic plan of an unnest() looks dearer.
 */

/* Prepare (once) and return p's plan.  Call with SPI connected. */
extern SPIPlanPtr lt_plan(LtPlan *p);

/* Execute p; errors from SPI are internal errors.  Returns SPI_processed. */
extern uint64 lt_exec(LtPlan *p, Datum *values, const char *nulls, bool read_only, long count);

/* Execute a batch statement (see above). */
extern uint64 lt_exec_batch(LtPlan *p, Datum *values, const char *nulls, bool read_only);

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

/*
 * The bracket of every C entry point that writes or reads lottrace's
 * tables: SPI_connect and become the extension owner; lt_spi_leave
 * restores the user and calls SPI_finish.  (An error in between needs
 * neither: transaction abort restores both.)
 */
extern void lt_spi_enter_as_owner(LtUserSave *save);
extern void lt_spi_leave(const LtUserSave *save);

/*
 * lt_spi_leave for a BEFORE ROW trigger that returns result: a tuple made
 * under SPI is copied out of SPI's memory first; the trigger's own tuples
 * (given as mine1, mine2; NULL if none) are returned as they are.
 */
extern HeapTuple lt_spi_leave_tuple(const LtUserSave *save, HeapTuple result,
									HeapTuple mine1, HeapTuple mine2);

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
