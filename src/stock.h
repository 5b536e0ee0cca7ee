/*
 * stock.h — a lot's stock per warehouse (lottrace.lot.stock), see stock.c.
 */
#ifndef LOTTRACE_STOCK_H
#define LOTTRACE_STOCK_H

#include "postgres.h"
#include "utils/jsonb.h"

typedef struct LtStockEntry
{
	const char *wh;
	int			whlen;
	Datum		loaded;			/* numeric */
	Datum		on_hand;		/* numeric */
} LtStockEntry;

/*
 * Entries of a stock object (palloc'd array); returns how many.  j NULL:
 * none.  The warehouses (not NUL-terminated) and quantities point into j,
 * which must outlive the entries.  Anything but {"<wh>": [<number>, <number>], ...} is an ERROR
 * 22023 naming what (e.g. 'argument "delta" of lottrace._stock_add').
 */
extern int	lt_stock_read(Jsonb *j, const char *what, LtStockEntry **out);

/* A stock object from entries; keep_zero keeps all-zero entries (deltas). */
extern Jsonb *lt_stock_build(LtStockEntry *e, int n, bool keep_zero);

/*
 * stock plus delta (NULL: none), and the warehouses of delta below zero
 * (NULL: none); lt_stock_sum gives the latter of its sum too, when asked.
 */
extern Jsonb *lt_stock_sum(Jsonb *stock, Jsonb *delta, const char *what_stock, const char *what_delta,
						   Jsonb **negatives);
extern Jsonb *lt_stock_add_entries(Jsonb *stock, const char *what_stock, LtStockEntry *d, int nd,
								   Jsonb **negatives);
extern Jsonb *lt_stock_negatives(Jsonb *stock, Jsonb *delta, const char *what_stock, const char *what_delta);

#endif							/* LOTTRACE_STOCK_H */
