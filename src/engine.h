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

extern LtEngine *lt_engine_begin(LtRelInfo *ri, LtMode mode);

/*
 * Register the tuplestore a source's rows come from, so that error messages
 * can show the primary key of a row found to be at fault after aggregation.
 */
extern void lt_engine_source(LtEngine *e, int src, Tuplestorestate *ts,
							 TupleDesc desc);

/* Feed one row: src LT_SRC_NEW applies it, LT_SRC_OLD reverses it. */
extern void lt_engine_add(LtEngine *e, TupleTableSlot *slot, int src, int64 rowno);

/*
 * Rows that move between partitions (moves.c): a DELETE on a partitioned
 * table lets its rules wait for the commit-time check and records its rows;
 * an INSERT takes back the rows that match.  No effect on other tables.
 */
extern void lt_engine_partition_moves(LtEngine *e, bool deleting, bool inserting);

/* The commit-time check: apply held serial moves (LtHeld *), judged now. */
extern void lt_engine_apply_held(LtRelInfo *ri, List *held);

/* Apply what is left and run the end-of-statement checks. */
extern void lt_engine_finish(LtEngine *e);

/*
 * Date arithmetic checked against the range of type date: false when the
 * result is not a storable date.
 */
struct LtItem;
extern bool lt_date_add(DateADT d, int64 days, DateADT *out);
extern bool lt_lot_expiry(struct LtItem *it, DateADT start, DateADT *out);

/* Rows fed so far (for progress reports). */
extern int64 lt_engine_rows(LtEngine *e);

#endif							/* LOTTRACE_ENGINE_H */
