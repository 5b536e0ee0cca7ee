/*
 * engine.h — the set-based tracking engine behind the statement triggers,
 * attach()'s backfill and detach().
 *
 * Rows are fed one by one (lt_engine_add); the engine checks the per-row
 * rules at once, aggregates quantities per (lot, warehouse), serial moves
 * per serial and production members per batch, and applies them to the
 * registers in a few batch statements when a chunk fills up and at
 * lt_engine_finish.  Rules about stock are judged on the state at the end
 * of the whole statement.
 */
#ifndef LOTTRACE_ENGINE_H
#define LOTTRACE_ENGINE_H

#include "postgres.h"
#include "executor/tuptable.h"
#include "utils/date.h"
#include "nodes/pg_list.h"
#include "utils/tuplestore.h"

#include "attach.h"

typedef enum LtMode
{
	LT_STRICT,					/* every rule (triggers) */
	LT_BACKFILL,				/* history: data rules only (see attach.c) */
	LT_REMOVE					/* detach: take contributions out, no rules */
} LtMode;

typedef struct LtEngine LtEngine;

/* Sources of rows: the new rows, and the old rows whose effect is reversed. */
#define LT_SRC_NEW 0
#define LT_SRC_OLD 1

/*
 * Run one statement's rows through the engine, from the tuplestores its
 * feeder hands over (rows shaped like desc): the rows of newt are applied,
 * the rows of oldt reversed; either may be NULL.  With both (an UPDATE) the
 * i-th old and new rows are one row's two versions, and a pair whose mapped
 * columns are equal costs nothing.  Under LT_STRICT, a DELETE or INSERT on
 * a partitioned table takes part in partition moves (moves.c).  Rules are
 * judged on the state at the end; errors name the row by its primary key.
 * Rows before `from` are known to cost nothing (lt_engine_touches).
 */
extern void lt_engine_run(LtRelInfo *ri, LtMode mode, Tuplestorestate *newt,
						  Tuplestorestate *oldt, TupleDesc desc, int64 from);

/* The first row of a statement that touches a governed row; -1: none (engine.c). */
extern int64 lt_engine_touches(LtRelInfo *ri, Tuplestorestate *newt,
							  Tuplestorestate *oldt, TupleDesc desc);

/* The commit-time check: apply held serial moves (LtHeld *), judged now. */
extern void lt_engine_apply_held(LtRelInfo *ri, List *held);


/*
 * Date arithmetic checked against the range of type date: false when the
 * result is not a storable date.
 */
struct LtItem;
extern bool lt_date_add(DateADT d, int64 days, DateADT *out);
extern bool lt_lot_expiry(struct LtItem *it, DateADT start, DateADT *out);


#endif							/* LOTTRACE_ENGINE_H */
