/*
 * register_write.h — the engine's one-lot stock update without SPI
 * (register_write.c).
 */
#ifndef LOTTRACE_REGISTER_WRITE_H
#define LOTTRACE_REGISTER_WRITE_H

#include "postgres.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/jsonb.h"

#include "stock.h"

/*
 * UPDATE lottrace.lot SET stock = stock + delta for the lot (item, code,
 * variant), as lot_update1_plan does, the delta given as ndelta entries.  Returns 1 with *result (the row of
 * that plan's RETURNING list, in *result_desc, allocated in the caller's
 * memory context), 0 when no such lot is visible, or -1 when this lot table
 * must be written through SPI (see register_write.c).
 */
extern int	lt_lot_update1_direct(Datum item, Datum variant, bool variant_null, Datum code,
								  LtStockEntry *delta, int ndelta, HeapTuple *result,
								  TupleDesc *result_desc);

/* Registers the invalidation of what the writes keep about lottrace.lot (_PG_init). */
extern void lt_register_write_init(void);

#endif							/* LOTTRACE_REGISTER_WRITE_H */
