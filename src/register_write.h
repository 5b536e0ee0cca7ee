/*
 * register_write.h — the engine's stock updates of existing lots without SPI
 * (register_write.c).
 */
#ifndef LOTTRACE_REGISTER_WRITE_H
#define LOTTRACE_REGISTER_WRITE_H

#include "postgres.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/jsonb.h"

#include "stock.h"

/* One lot of lt_lot_update_direct: its key and the delta of its stock. */
typedef struct LtDirectLot
{
	Datum		item;
	Datum		variant;
	bool		variant_null;
	Datum		code;
	LtStockEntry *delta;
	int			ndelta;
} LtDirectLot;

/*
 * UPDATE lottrace.lot SET stock = stock + delta for each of n lots (item,
 * code, variant), as one statement in the order given (the engine's key
 * order), as lot_update_plan does.  results[i] is the i-th lot's row of that
 * plan's RETURNING list (its first column i + 1; allocated in the caller's
 * memory context, described by *result_desc), NULL when no such lot is
 * visible.  Returns how many were written, or -1 when this lot table must
 * be written through SPI (see register_write.c).
 */
extern int	lt_lot_update_direct(const LtDirectLot *lots, int n, HeapTuple *results,
								 TupleDesc *result_desc);

/* Registers the invalidation of what the writes keep about lottrace.lot (_PG_init). */
extern void lt_register_write_init(void);

#endif							/* LOTTRACE_REGISTER_WRITE_H */
