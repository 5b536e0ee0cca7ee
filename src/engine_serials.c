/*
 * engine_serials.c — the engine's serial side: the queued serial moves,
 * sorted by serial, judged per serial by their net effect per warehouse
 * and written to lottrace.serial in batches.  See engine.c and
 * engine_int.h.
 */
#include "postgres.h"

#include "engine_int.h"
#include "serial_write.h"

/* ------------------------------------------------------------------------
 * Serials
 * ------------------------------------------------------------------------
 */

/* One serial's moves in this statement, and what becomes of it. */
typedef struct SerialGroup
{
	LtStr		item, variant, code;
	LtItem	   *it;
	/* per warehouse net count change */
	int			nwh;
	char	  **wh;
	int		   *net;
	RowRef	   *in_ref;			/* a row moving it into that warehouse */
	RowRef	   *out_ref;		/* a row moving it out of that warehouse */
	bool		any_new;		/* some row is a new (not reversed) row */
	bool		any_reversal;	/* some row is a removed (old) row */
	RowRef		first_ref;
	/* first new load (creates the serial), last new load, first new unload after it */
	DateADT		first_load_date;
	char	   *first_load_account;
	bool		has_load;
	char	   *load_lot;
	char	   *load_doc;
	DateADT		load_date;
	char	   *load_account;
	char	   *load_wh;
	bool		has_unload;
	char	   *unload_doc;
	DateADT		unload_date;
	/* from the register */
	bool		fresh;			/* created by this statement */
	int64		serial_id;
	bool		in_stock;
	char	   *cur_wh;
	bool		cancelled;
	/* result */
	bool		final_in;
	char	   *final_wh;
	List	   *rows;			/* SerialRow *, when the statement's rules may wait */
} SerialGroup;

/* One row of a serial group, kept to be held for the commit-time check. */
typedef struct SerialRow
{
	int64		rowno;
	char	   *wh;
	int			dir;
	char	   *lot;
	char	   *doc;
	DateADT		moved_on;
	char	   *account;
} SerialRow;

static LtPlan serial_lock_plan = {
	.sql = "SELECT k.i, s.serial_id, s.state OPERATOR(pg_catalog.=) 'in_stock', s.warehouse, s.cancelled"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::lottrace.serialcode[]))"
	"       WITH ORDINALITY AS k(item, variant, code, i)"
	"  JOIN lottrace.serial s ON s.item OPERATOR(pg_catalog.=) k.item"
	"   AND s.code OPERATOR(pg_catalog.=) k.code"
	"   AND (s.variant OPERATOR(pg_catalog.=) k.variant OR (s.variant IS NULL AND k.variant IS NULL))"
	" ORDER BY k.i"
	"   FOR NO KEY UPDATE OF s",
	.args = "pg_catalog.text[], pg_catalog.text[], lottrace.serialcode[]"
};
/* its result columns */
enum
{
	SLK_I = 1, SLK_SERIAL_ID, SLK_IN_STOCK, SLK_WAREHOUSE, SLK_CANCELLED
};

/* serials new to the register, written directly in their final state */
static LtPlan serial_insert_plan = {
	.sql = "INSERT INTO lottrace.serial AS s (item, variant, code, state, warehouse, lot_id, start_date,"
	"                                  expiry_date, supplier, load_doc, loaded_on, unload_doc, unloaded_on)"
	" SELECT u.item, u.variant, u.code,"
	"        CASE WHEN u.wh IS NULL THEN 'out' ELSE 'in_stock' END, u.wh, l.lot_id, u.start_date,"
	"        u.start_date OPERATOR(pg_catalog.+) u.validity, u.supplier,"
	"        u.load_doc, u.loaded_on, u.unload_doc, u.unloaded_on"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::lottrace.serialcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                   pg_catalog.unnest($5::pg_catalog.date[]), pg_catalog.unnest($6::pg_catalog.int4[]),"
	"                   pg_catalog.unnest($7::pg_catalog.text[]), pg_catalog.unnest($8::pg_catalog.text[]),"
	"                   pg_catalog.unnest($9::pg_catalog.text[]), pg_catalog.unnest($10::pg_catalog.date[]),"
	"                   pg_catalog.unnest($11::pg_catalog.text[]), pg_catalog.unnest($12::pg_catalog.date[]))"
	"        WITH ORDINALITY AS u(item, variant, code, lot, start_date, validity, supplier, wh,"
	"                             load_doc, loaded_on, unload_doc, unloaded_on, i)"
	"   LEFT JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) u.item"
	"    AND l.code OPERATOR(pg_catalog.=) u.lot::lottrace.lotcode"
	"    AND (l.variant OPERATOR(pg_catalog.=) u.variant OR (l.variant IS NULL AND u.variant IS NULL))"
	"  ORDER BY u.i"
	" ON CONFLICT ON CONSTRAINT serial_item_code_variant_key DO NOTHING"
	" RETURNING s.serial_id, s.item, s.variant, s.code",
	.args = "pg_catalog.text[], pg_catalog.text[], lottrace.serialcode[], "
		"pg_catalog.text[], pg_catalog.date[], pg_catalog.int4[], "
		"pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], "
		"pg_catalog.date[], pg_catalog.text[], pg_catalog.date[]"
};
/* its result columns */
enum
{
	SIN_SERIAL_ID = 1, SIN_ITEM, SIN_VARIANT, SIN_CODE
};

static LtPlan serial_update_plan = {
	.sql = "UPDATE lottrace.serial s"
	"   SET state = CASE WHEN u.wh IS NULL THEN 'out' ELSE 'in_stock' END,"
	"       warehouse = u.wh,"
	"       lot_id = CASE WHEN u.lot IS NULL THEN s.lot_id ELSE"
	"                (SELECT l.lot_id FROM lottrace.lot l"
	"                  WHERE l.item OPERATOR(pg_catalog.=) s.item"
	"                    AND l.code OPERATOR(pg_catalog.=) u.lot::lottrace.lotcode"
	"                    AND (l.variant OPERATOR(pg_catalog.=) s.variant"
	"                         OR (l.variant IS NULL AND s.variant IS NULL))) END,"
	"       load_doc = CASE WHEN u.set_load THEN u.load_doc ELSE s.load_doc END,"
	"       loaded_on = CASE WHEN u.set_load THEN u.loaded_on ELSE s.loaded_on END,"
	"       unload_doc = CASE WHEN u.clear_unload THEN NULL"
	"                         WHEN u.set_unload THEN u.unload_doc ELSE s.unload_doc END,"
	"       unloaded_on = CASE WHEN u.clear_unload THEN NULL"
	"                          WHEN u.set_unload THEN u.unloaded_on ELSE s.unloaded_on END"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.bool[]), pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.date[]), pg_catalog.unnest($7::pg_catalog.bool[]), pg_catalog.unnest($8::pg_catalog.text[]), pg_catalog.unnest($9::pg_catalog.date[]),"
	"                  pg_catalog.unnest($10::pg_catalog.bool[]))"
	"       AS u(serial_id, wh, lot, set_load, load_doc, loaded_on, set_unload, unload_doc,"
	"            unloaded_on, clear_unload)"
	" WHERE s.serial_id OPERATOR(pg_catalog.=) u.serial_id",
	.args = "pg_catalog.int8[], pg_catalog.text[], pg_catalog.text[], "
		"pg_catalog.bool[], pg_catalog.text[], pg_catalog.date[], "
		"pg_catalog.bool[], pg_catalog.text[], pg_catalog.date[], "
		"pg_catalog.bool[]"
};

/*
 * Plain unloads: serials in stock in the unload's warehouse go out in one
 * statement; the others are judged one by one (and get a precise error).
 */
static LtPlan serial_unload_plan = {
	.sql = "WITH k AS ("
	"  SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                           pg_catalog.unnest($3::lottrace.serialcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                           pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.date[]))"
	"         WITH ORDINALITY AS k(item, variant, code, wh, doc, moved_on, i)),"
	" locked AS ("
	"  SELECT s.serial_id, k.i, k.doc, k.moved_on"
	"    FROM k JOIN lottrace.serial s ON s.item OPERATOR(pg_catalog.=) k.item"
	"     AND s.code OPERATOR(pg_catalog.=) k.code"
	"     AND (s.variant OPERATOR(pg_catalog.=) k.variant OR (s.variant IS NULL AND k.variant IS NULL))"
	"   WHERE s.state OPERATOR(pg_catalog.=) 'in_stock' AND s.warehouse OPERATOR(pg_catalog.=) k.wh"
	"     AND NOT s.cancelled"
	"   ORDER BY k.i"
	"     FOR NO KEY UPDATE OF s)"
	"UPDATE lottrace.serial s"
	"   SET state = 'out', warehouse = NULL, unload_doc = locked.doc, unloaded_on = locked.moved_on"
	"  FROM locked WHERE s.serial_id OPERATOR(pg_catalog.=) locked.serial_id"
	" RETURNING locked.i",
	.args = "pg_catalog.text[], pg_catalog.text[], lottrace.serialcode[], "
		"pg_catalog.text[], pg_catalog.text[], pg_catalog.date[]"
};
/* its result column, and serial_update_plan's */
enum
{
	SUN_I = 1
};

static char *
serial_name(SerialGroup *g)
{
	if (g->variant.p)
		return psprintf("serial \"%s\" of item \"%s\" variant \"%s\"",
						str_show(g->code), str_show(g->item), str_show(g->variant));
	return psprintf("serial \"%s\" of item \"%s\"", str_show(g->code), str_show(g->item));
}

static void
lock_serials(LtEngine *e, SerialGroup **gs, int n)
{
	LtStr	   *items = palloc(sizeof(LtStr) * n);
	LtStr	   *variants = palloc(sizeof(LtStr) * n);
	LtStr	   *codes = palloc(sizeof(LtStr) * n);
	Datum		args[3];
	uint64		nr;

	for (int i = 0; i < n; i++)
	{
		items[i] = gs[i]->item;
		variants[i] = gs[i]->variant;
		codes[i] = gs[i]->code;
	}
	args[0] = lte_str_array(items, n, TEXTOID);
	args[1] = lte_str_array(variants, n, TEXTOID);
	args[2] = lte_str_array(codes, n, lt_serialcode_oid());
	nr = lt_exec_batch(&serial_lock_plan, args, NULL, false);
	for (uint64 r = 0; r < nr; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		int64		i = lt_getint8(t, d, SLK_I, NULL) - 1;
		bool		isnull;
		SerialGroup *g;

		if (i < 0 || i >= n)
			continue;
		g = gs[i];
		g->serial_id = lt_getint8(t, d, SLK_SERIAL_ID, NULL);
		g->in_stock = DatumGetBool(SPI_getbinval(t, d, SLK_IN_STOCK, &isnull));
		g->cur_wh = lt_getstr(t, d, SLK_WAREHOUSE);
		g->cancelled = DatumGetBool(SPI_getbinval(t, d, SLK_CANCELLED, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Judge one serial by its net effect per warehouse.  With raise false, return false instead of refusing (a DELETE whose serial
 * moves wait for the commit-time check); true when the moves add up.
 */
static bool
judge_serial(LtEngine *e, SerialGroup *g, bool raise)
{
	bool		checks = (e->mode != LT_REMOVE);
	int			nin = 0;

	if (checks && g->cancelled)
	{
		if (!raise)
			return false;
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_cancelled", g->first_ref, NULL,
				 "Cancelled serials (lottrace.serial.cancelled) may not move.",
				 "%s is cancelled: it may not move (warehouse \"%s\")", serial_name(g),
				 lt_show(g->nwh > 0 ? g->wh[0] : NULL, -1));
	}
	g->final_in = false;
	g->final_wh = NULL;
	for (int w = 0; w < g->nwh; w++)
	{
		int			count = g->net[w] + ((g->in_stock && g->cur_wh && strcmp(g->cur_wh, g->wh[w]) == 0) ? 1 : 0);

		if (checks && count > 1)
		{
			if (!raise)
				return false;
			LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->in_ref[w], NULL,
					 "A serial is loaded once; unload it before loading it again.",
					 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
					 serial_name(g), lt_show(g->wh[w], -1),
					 lt_show(g->in_stock ? g->cur_wh : g->wh[w], -1));
		}
		if (checks && count < 0)
		{
			if (!raise)
				return false;
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_not_in_stock", g->out_ref[w], NULL,
					 g->in_stock ? psprintf("It is in stock in warehouse \"%s\".", lt_show(g->cur_wh, -1))
					 : "It is not in stock in any warehouse.",
					 "%s is not in stock in warehouse \"%s\"", serial_name(g), lt_show(g->wh[w], -1));
		}
		if (count >= 1)
		{
			if (checks && nin > 0)
			{
				if (!raise)
					return false;
				LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->in_ref[w], NULL,
						 "A serial is loaded once; unload it before loading it again.",
						 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->wh[w], -1), lt_show(g->final_wh, -1));
			}
			nin++;
			g->final_in = true;
			g->final_wh = g->wh[w];
		}
	}
	/* an unchanged warehouse keeps the serial there */
	if (g->in_stock && g->cur_wh)
	{
		bool		touched = false;

		for (int w = 0; w < g->nwh; w++)
			if (strcmp(g->cur_wh, g->wh[w]) == 0)
				touched = true;
		if (!touched)
		{
			if (checks && g->final_in)
			{
				if (!raise)
					return false;
				LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->first_ref, NULL,
						 "A serial is loaded once; unload it before loading it again.",
						 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->final_wh, -1), lt_show(g->cur_wh, -1));
			}
			g->final_in = true;
			g->final_wh = g->cur_wh;
		}
	}
	return true;
}

/* Could the serial's moves start from "not in the register"? (no error) */
static bool
fresh_ok(SerialGroup *g)
{
	int			nin = 0;

	for (int w = 0; w < g->nwh; w++)
	{
		if (g->net[w] < 0 || g->net[w] > 1)
			return false;
		nin += g->net[w];
	}
	return nin <= 1;
}

static void
check_serial_format(LtEngine *e, SerialGroup *g)
{
	LtCodeType *ct = g->it->serial_ct;
	cf_context	ctx;

	if (ct == NULL || e->mode != LT_STRICT)
		return;
	lt_cf_item_context(&ctx, g->it, g->item.p, g->item.len, g->variant.p, g->variant.len);
	if (!cf_match(ct->fmt, g->code.p, g->code.len, &ctx))
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_code_format", g->first_ref, NULL,
				 psprintf("Codes of code type \"%s\" have the format %s.", ct->code, ct->fmt_text),
				 "%s in warehouse \"%s\" does not match code type \"%s\"", serial_name(g),
				 lt_show(g->load_wh, -1), lt_show(ct->code, -1));
}

/*
 * A DELETE on a partitioned table whose moves of a serial do not add up
 * against the register (a receipt of a serial shipped since): the moves
 * are held, not written, until a re-insert takes them back or the
 * commit-time check applies them.  False: they add up, or some row was not
 * recorded; judged now.
 */
static bool
hold_serial(LtEngine *e, SerialGroup *g)
{
	ListCell   *lc;

	if (g->serial_id != 0 && judge_serial(e, g, false))
		return false;
	foreach(lc, g->rows)
	{
		SerialRow  *r = lfirst(lc);

		if (r->rowno >= e->dels_cap || e->dels[r->rowno] == NULL)
			return false;
	}
	foreach(lc, g->rows)
	{
		SerialRow  *r = lfirst(lc);
		RowRef		ref = {LT_SRC_OLD, r->rowno};

		lt_moves_hold(e->dels[r->rowno], e->ri->root, g->item.p, g->variant.p, g->code.p,
					  r->wh, r->dir, r->lot, r->doc, r->moved_on, r->account,
					  lte_row_desc(e, ref, NULL));
	}
	e->need_check = true;
	return true;
}

/*
 * The plain unloads of apply_serials written without SPI (serial_write.c),
 * from the columns it made for serial_unload_plan (s[0..4], dates); those
 * done are marked fresh, as that plan's answer marks them.  False:
 * lottrace.serial is written through SPI, nothing was done.
 */
static bool
unload_plain_direct(SerialGroup **plain, int nplain, LtStr **s, Datum *dates)
{
	LtDirectUnload *du = palloc0(sizeof(LtDirectUnload) * nplain);
	bool	   *done = palloc(sizeof(bool) * nplain);

	for (int i = 0; i < nplain; i++)
	{
		LtDirectUnload *d = &du[i];

		d->item = str_text(s[0][i]);
		d->variant_null = (s[1][i].p == NULL);
		d->variant = d->variant_null ? (Datum) 0 : str_text(s[1][i]);
		d->code = str_text(s[2][i]);	/* a serialcode is laid out as text */
		d->wh = s[3][i].p;
		d->doc_null = (s[4][i].p == NULL);
		d->doc = d->doc_null ? (Datum) 0 : str_text(s[4][i]);
		d->moved_on = DatumGetDateADT(dates[i]);
	}
	if (lt_serial_unload_direct(du, nplain, done) < 0)
		return false;
	for (int i = 0; i < nplain; i++)
		if (done[i])
			plain[i]->fresh = true; /* done: skipped below */
	return true;
}

/*
 * The fresh serials of apply_serials inserted without SPI (serial_write.c),
 * from the columns it made for serial_insert_plan: s[0..7] and dates[0..2]
 * as its arguments, validity in days.  Those written are done; the others
 * (a serial of that key exists) join others.  False: lottrace.serial is
 * written through SPI, nothing was done.
 */
static bool
insert_fresh_direct(LtEngine *e, SerialGroup **fresh, int nfresh, LtStr **s, Datum **dates,
					bool **dnull, const int32 *validity, const bool *vnull,
					SerialGroup **others, int *nothers)
{
	LtDirectSerial *ds = palloc0(sizeof(LtDirectSerial) * nfresh);
	bool	   *written = palloc(sizeof(bool) * nfresh);

#define TEXT_OR_NULL(d, isnull, str) ((isnull) = ((str).p == NULL), (d) = (isnull) ? (Datum) 0 : str_text(str))
	for (int i = 0; i < nfresh; i++)
	{
		LtDirectSerial *d = &ds[i];

		d->item = str_text(s[0][i]);
		TEXT_OR_NULL(d->variant, d->variant_null, s[1][i]);
		d->code = str_text(s[2][i]);	/* a serialcode is laid out as text */
		d->lot = s[3][i].p;
		d->lot_len = s[3][i].len;
		d->start_date = DatumGetDateADT(dates[0][i]);
		d->has_expiry = !vnull[i];
		if (d->has_expiry)
			(void) lt_date_add(d->start_date, validity[i], &d->expiry_date);	/* checked above */
		TEXT_OR_NULL(d->supplier, d->supplier_null, s[4][i]);
		TEXT_OR_NULL(d->warehouse, d->warehouse_null, s[5][i]);
		TEXT_OR_NULL(d->load_doc, d->load_doc_null, s[6][i]);
		d->loaded_on = DatumGetDateADT(dates[1][i]);
		TEXT_OR_NULL(d->unload_doc, d->unload_doc_null, s[7][i]);
		d->unloaded_on = DatumGetDateADT(dates[2][i]);
		d->unloaded_on_null = dnull[2][i];
	}
#undef TEXT_OR_NULL
	if (lt_serial_insert_direct(ds, nfresh, written) < 0)
		return false;
	for (int i = 0; i < nfresh; i++)
	{
		if (written[i])
		{
			fresh[i]->fresh = true; /* done: not in the update below */
			check_serial_format(e, fresh[i]);
		}
		else
			others[(*nothers)++] = fresh[i];
	}
	return true;
}

/* Apply a batch of serial groups to the register. */
static void
apply_serials(LtEngine *e, SerialGroup **gs, int n)
{
	SerialGroup **fresh = palloc(sizeof(SerialGroup *) * n);
	int			nfresh = 0;

	SerialGroup **others = palloc(sizeof(SerialGroup *) * n);
	int			nothers = 0;

	/*
	 * Loaded serials that may be new are inserted first, judged from "not
	 * in the register", in their final state; the insert skips those that
	 * exist (or were created meanwhile by another transaction).  Those, and
	 * the serials that are only unloaded, are then locked and judged from
	 * their current state.  Most loads of a bulk receipt are new: one
	 * statement per batch.
	 */
	SerialGroup **plain = palloc(sizeof(SerialGroup *) * n);
	int			nplain = 0;

	for (int i = 0; i < n; i++)
	{
		SerialGroup *g = gs[i];

		if (g->has_load && fresh_ok(g))
			fresh[nfresh++] = g;
		else if (e->mode == LT_STRICT && !g->has_load && !g->any_reversal &&
				 g->nwh == 1 && g->net[0] == -1 && g->has_unload)
			plain[nplain++] = g;
		else
			others[nothers++] = g;
	}
	if (nplain > 0)
	{
		LtStr	   *s[5];
		Datum	   *dates = palloc(sizeof(Datum) * nplain);
		Datum		args[6];
		uint64		nr;

		for (int k = 0; k < 5; k++)
			s[k] = palloc(sizeof(LtStr) * nplain);
		for (int i = 0; i < nplain; i++)
		{
			SerialGroup *g = plain[i];

			s[0][i] = g->item;
			s[1][i] = g->variant;
			s[2][i] = g->code;
			s[3][i] = (LtStr) {g->wh[0], (int) strlen(g->wh[0])};
			s[4][i] = (LtStr) {g->unload_doc, g->unload_doc ? (int) strlen(g->unload_doc) : 0};
			dates[i] = DateADTGetDatum(g->unload_date);
		}
		if (!unload_plain_direct(plain, nplain, s, dates))
		{
			args[0] = lte_str_array(s[0], nplain, TEXTOID);
			args[1] = lte_str_array(s[1], nplain, TEXTOID);
			args[2] = lte_str_array(s[2], nplain, lt_serialcode_oid());
			args[3] = lte_str_array(s[3], nplain, TEXTOID);
			args[4] = lte_str_array(s[4], nplain, TEXTOID);
			args[5] = lt_array_date(dates, NULL, nplain);
			nr = lt_exec_batch(&serial_unload_plan, args, NULL, false);
			for (uint64 r = 0; r < nr; r++)
			{
				int64		i = lt_getint8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, SUN_I, NULL) - 1;

				if (i >= 0 && i < nplain)
					plain[i]->fresh = true; /* done: skipped below */
			}
			SPI_freetuptable(SPI_tuptable);
		}
		for (int i = 0; i < nplain; i++)
			if (!plain[i]->fresh)
				others[nothers++] = plain[i];
	}
	if (nfresh > 0)
	{
		LtStr	   *s[9];
		Datum	   *dates[3];
		bool	   *dnull[3];
		int32	   *validity = palloc(sizeof(int32) * nfresh);
		bool	   *vnull = palloc(sizeof(bool) * nfresh);
		Datum	   *vd = palloc(sizeof(Datum) * nfresh);
		Datum		args[12];
		uint64		nr;

		for (int k = 0; k < 9; k++)
			s[k] = palloc(sizeof(LtStr) * nfresh);
		for (int k = 0; k < 3; k++)
		{
			dates[k] = palloc(sizeof(Datum) * nfresh);
			dnull[k] = palloc(sizeof(bool) * nfresh);
		}
		for (int i = 0; i < nfresh; i++)
		{
			SerialGroup *g = fresh[i];

			g->in_stock = false;
			g->cur_wh = NULL;
			g->cancelled = false;
			judge_serial(e, g, true);
			s[0][i] = g->item;
			s[1][i] = g->variant;
			s[2][i] = g->code;
			s[3][i] = (LtStr) {g->load_lot, g->load_lot ? (int) strlen(g->load_lot) : 0};
			s[4][i] = (LtStr) {g->first_load_account,
				g->first_load_account ? (int) strlen(g->first_load_account) : 0};
			s[5][i] = (LtStr) {g->final_in ? g->final_wh : NULL,
				g->final_in ? (int) strlen(g->final_wh) : 0};
			s[6][i] = (LtStr) {g->load_doc, g->load_doc ? (int) strlen(g->load_doc) : 0};
			s[7][i] = (LtStr) {(!g->final_in && g->has_unload) ? g->unload_doc : NULL,
				(!g->final_in && g->has_unload && g->unload_doc) ? (int) strlen(g->unload_doc) : 0};
			dates[0][i] = DateADTGetDatum(g->first_load_date);
			dnull[0][i] = false;
			dates[1][i] = DateADTGetDatum(g->load_date);
			dnull[1][i] = false;
			dates[2][i] = DateADTGetDatum(g->unload_date);
			dnull[2][i] = !(!g->final_in && g->has_unload);
			validity[i] = g->it->serial_validity_days;
			vnull[i] = validity[i] < 0;
			{
				DateADT		x;

				if (!vnull[i] && !lt_date_add(g->first_load_date, validity[i], &x))
					LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", g->first_ref, NULL,
							 "Correct the movement date.",
							 "expiry date of %s in warehouse \"%s\" is out of range: start date %s + %d days of validity is past 5874897-12-31",
							 serial_name(g), g->load_wh ? g->load_wh : "", date_str(g->first_load_date),
							 validity[i]);
			}
			vd[i] = Int32GetDatum(validity[i]);
		}
		if (insert_fresh_direct(e, fresh, nfresh, s, dates, dnull, validity, vnull, others, &nothers))
			goto judged;
		args[0] = lte_str_array(s[0], nfresh, TEXTOID);
		args[1] = lte_str_array(s[1], nfresh, TEXTOID);
		args[2] = lte_str_array(s[2], nfresh, lt_serialcode_oid());
		args[3] = lte_str_array(s[3], nfresh, TEXTOID);
		args[4] = lt_array_date(dates[0], dnull[0], nfresh);
		args[5] = lt_array_text(vd, vnull, nfresh, INT4OID);
		args[6] = lte_str_array(s[4], nfresh, TEXTOID);
		args[7] = lte_str_array(s[5], nfresh, TEXTOID);
		args[8] = lte_str_array(s[6], nfresh, TEXTOID);
		args[9] = lt_array_date(dates[1], dnull[1], nfresh);
		args[10] = lte_str_array(s[7], nfresh, TEXTOID);
		args[11] = lt_array_date(dates[2], dnull[2], nfresh);
		nr = lt_exec_batch(&serial_insert_plan, args, NULL, false);

		/*
		 * Which were written: the rows come back in the order of the arrays,
		 * without those ON CONFLICT skipped, so one pass pairs them.
		 */
		{
			uint64		r = 0;

			for (int i = 0; i < nfresh; i++)
			{
				SerialGroup *g = fresh[i];
				bool		written = false;

				if (r < nr)
				{
					HeapTuple	t = SPI_tuptable->vals[r];
					TupleDesc	d = SPI_tuptable->tupdesc;

					written = lte_col_is(t, d, SIN_CODE, g->code) && lte_col_is(t, d, SIN_ITEM, g->item) &&
						lte_col_is(t, d, SIN_VARIANT, g->variant);
				}
				if (written)
				{
					r++;
					g->fresh = true;	/* done: not in the update below */
					check_serial_format(e, g);
				}
				else
					others[nothers++] = g;
			}
			if (r != nr)
				elog(ERROR, "lottrace: the serials written came back in another order");
		}
		SPI_freetuptable(SPI_tuptable);
	}
judged:
	if (nothers > 0)
		lock_serials(e, others, nothers);

	/* judge, then write */
	{
		int64	   *ids = palloc(sizeof(int64) * n);
		LtStr	   *whs = palloc(sizeof(LtStr) * n);
		LtStr	   *lots = palloc(sizeof(LtStr) * n);
		bool	   *set_load = palloc(sizeof(bool) * n);
		LtStr	   *ldoc = palloc(sizeof(LtStr) * n);
		Datum	   *lon = palloc(sizeof(Datum) * n);
		bool	   *lon_null = palloc(sizeof(bool) * n);
		bool	   *set_unload = palloc(sizeof(bool) * n);
		LtStr	   *udoc = palloc(sizeof(LtStr) * n);
		Datum	   *uon = palloc(sizeof(Datum) * n);
		bool	   *uon_null = palloc(sizeof(bool) * n);
		bool	   *clear_unload = palloc(sizeof(bool) * n);
		int			m = 0;

		for (int i = 0; i < n; i++)
		{
			SerialGroup *g = gs[i];
			bool		changed;

			if (g->fresh)
				continue;		/* already written in its final state */
			if (e->deferring && !g->any_new && hold_serial(e, g))
				continue;		/* waits for the commit-time check */
			if (g->serial_id == 0)
			{
				if (e->mode == LT_REMOVE)
					continue;
				if (g->has_load)
				{
					/* new, but its moves do not add up: say how */
					g->in_stock = false;
					g->cur_wh = NULL;
					g->cancelled = false;
					judge_serial(e, g, true);
				}
				/* never loaded: every move of it is an unload */
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_not_in_stock",
						 g->nwh > 0 ? g->out_ref[0] : g->first_ref, NULL,
						 "It is not in stock in any warehouse.",
						 "%s is not in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->nwh > 0 ? g->wh[0] : NULL, -1));
			}
			judge_serial(e, g, true);
			ids[m] = g->serial_id;
			whs[m] = (LtStr) {g->final_in ? g->final_wh : NULL,
				g->final_in ? (int) strlen(g->final_wh) : 0};
			lots[m] = (LtStr) {g->final_in && g->has_load ? g->load_lot : NULL,
				g->final_in && g->has_load && g->load_lot ? (int) strlen(g->load_lot) : 0};
			/*
			 * Documents follow new movements; a correction that leaves the
			 * serial where it was (an UPDATE of an old row's document)
			 * does not rewrite them.  In stock: no unload after the last
			 * load, so the unload document goes.  rebuild() recomputes all.
			 */
			changed = g->fresh || g->final_in != g->in_stock ||
				(g->final_in && g->cur_wh && strcmp(g->final_wh, g->cur_wh) != 0) ||
				(g->any_new && !g->any_reversal);
			if (!changed)
				lots[m] = (LtStr) {NULL, 0};
			set_load[m] = changed && g->has_load;
			ldoc[m] = (LtStr) {g->load_doc, g->load_doc ? (int) strlen(g->load_doc) : 0};
			lon[m] = DateADTGetDatum(g->load_date);
			lon_null[m] = !g->has_load;
			set_unload[m] = changed && !g->final_in && g->has_unload;
			clear_unload[m] = changed && g->final_in;
			udoc[m] = (LtStr) {g->unload_doc, g->unload_doc ? (int) strlen(g->unload_doc) : 0};
			uon[m] = DateADTGetDatum(g->unload_date);
			uon_null[m] = !g->has_unload;
			m++;
		}
		if (m > 0)
		{
			Datum		args[10];

			args[0] = lt_array_int8(ids, m);
			args[1] = lte_str_array(whs, m, TEXTOID);
			args[2] = lte_str_array(lots, m, TEXTOID);
			args[3] = lt_array_bool(set_load, m);
			args[4] = lte_str_array(ldoc, m, TEXTOID);
			args[5] = lt_array_date(lon, lon_null, m);
			args[6] = lt_array_bool(set_unload, m);
			args[7] = lte_str_array(udoc, m, TEXTOID);
			args[8] = lt_array_date(uon, uon_null, m);
			args[9] = lt_array_bool(clear_unload, m);
			lt_exec_batch(&serial_update_plan, args, NULL, false);
		}
	}
}

static char *
slot_str(TupleTableSlot *slot, int att)
{
	if (slot->tts_isnull[att - 1])
		return NULL;
	return TextDatumGetCString(slot->tts_values[att - 1]);
}

static void process_serials(LtEngine *e);

/*
 * True while the engine writes a statement's serial moves under its rules
 * (LT_STRICT): the trigger on lottrace.serial that guards reserved and held
 * serials (lottrace._serial_claims) judges only those writes, not a
 * rebuild's or a detach's.
 */
static bool serial_rules_writing = false;

PG_FUNCTION_INFO_V1(lt_engine_serial_rules);
Datum
lt_engine_serial_rules(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(serial_rules_writing);
}

void
lte_process_serials(LtEngine *e)
{
	bool		was = serial_rules_writing;

	if (e->serials == NULL)
		return;
	serial_rules_writing = (e->mode == LT_STRICT);
	PG_TRY();
	{
		process_serials(e);
	}
	PG_FINALLY();
	{
		serial_rules_writing = was;
	}
	PG_END_TRY();
}

static void
process_serials(LtEngine *e)
{
	TupleTableSlot *slot;
	MemoryContext cxt,
				old;
	SerialGroup **batch;
	int			nb = 0;
	SerialGroup *g = NULL;

	if (e->serials == NULL)
		return;
	tuplesort_performsort(e->serials);
	slot = e->serial_slot;
	cxt = AllocSetContextCreate(e->stmt_cxt, "lottrace serial batch", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	batch = palloc(sizeof(SerialGroup *) * LT_SERIAL_BATCH);

	for (;;)
	{
		bool		more = tuplesort_gettupleslot(e->serials, true, false, slot, NULL);
		char	   *item = NULL,
				   *variant = NULL,
				   *code = NULL;
		int			w;
		int			dir,
					sign;
		char	   *wh;
		RowRef		ref;

		if (more)
		{
			slot_getallattrs(slot);
			item = slot_str(slot, SM_ITEM);
			variant = slot_str(slot, SM_VARIANT);
			code = slot_str(slot, SM_CODE);
		}
		/* a new serial begins: close the previous group */
		if (g != NULL &&
			(!more || strcmp(item, g->item.p) != 0 || strcmp(code, g->code.p) != 0 ||
			 (variant == NULL) != (g->variant.p == NULL) ||
			 (variant && strcmp(variant, g->variant.p) != 0)))
		{
			batch[nb++] = g;
			g = NULL;
			if (nb == LT_SERIAL_BATCH || !more)
			{
				apply_serials(e, batch, nb);
				nb = 0;
				MemoryContextSwitchTo(old);
				MemoryContextReset(cxt);
				old = MemoryContextSwitchTo(cxt);
				batch = palloc(sizeof(SerialGroup *) * LT_SERIAL_BATCH);
				if (more)
				{
					item = slot_str(slot, SM_ITEM);
					variant = slot_str(slot, SM_VARIANT);
					code = slot_str(slot, SM_CODE);
				}
			}
		}
		if (!more)
			break;
		if (g == NULL)
		{
			g = palloc0(sizeof(SerialGroup));
			g->item = (LtStr) {item, (int) strlen(item)};
			g->variant = (LtStr) {variant, variant ? (int) strlen(variant) : 0};
			g->code = (LtStr) {code, (int) strlen(code)};
			g->it = lt_item(item, strlen(item));
			g->wh = palloc(sizeof(char *) * 4);
			g->net = palloc(sizeof(int) * 4);
			g->in_ref = palloc(sizeof(RowRef) * 4);
			g->out_ref = palloc(sizeof(RowRef) * 4);
			g->first_ref = no_row;
		}
		wh = slot_str(slot, SM_WH);
		dir = DatumGetInt32(slot->tts_values[SM_DIR - 1]);
		sign = DatumGetInt32(slot->tts_values[SM_SIGN - 1]);
		ref.src = DatumGetInt32(slot->tts_values[SM_SRC - 1]);
		ref.rowno = DatumGetInt64(slot->tts_values[SM_ROWNO - 1]);
		if (g->first_ref.src < 0)
			g->first_ref = ref;
		if (e->deferring)
		{
			SerialRow  *r = palloc(sizeof(SerialRow));

			r->rowno = ref.rowno;
			r->wh = wh;
			r->dir = dir;
			r->lot = slot_str(slot, SM_LOT);
			r->doc = slot_str(slot, SM_DOC);
			r->moved_on = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
			r->account = slot_str(slot, SM_ACCOUNT);
			g->rows = lappend(g->rows, r);
		}
		for (w = 0; w < g->nwh; w++)
			if (strcmp(g->wh[w], wh) == 0)
				break;
		if (w == g->nwh)
		{
			if (g->nwh > 0 && (g->nwh & (g->nwh - 1)) == 0 && g->nwh >= 4)
			{
				g->wh = repalloc(g->wh, sizeof(char *) * g->nwh * 2);
				g->net = repalloc(g->net, sizeof(int) * g->nwh * 2);
				g->in_ref = repalloc(g->in_ref, sizeof(RowRef) * g->nwh * 2);
				g->out_ref = repalloc(g->out_ref, sizeof(RowRef) * g->nwh * 2);
			}
			g->wh[w] = wh;
			g->net[w] = 0;
			g->in_ref[w] = g->out_ref[w] = ref;
			g->nwh++;
		}
		g->net[w] += dir * sign;
		if (dir * sign > 0)
			g->in_ref[w] = ref;
		else
			g->out_ref[w] = ref;
		if (sign < 0)
			g->any_reversal = true;
		if (sign > 0)
		{
			g->any_new = true;
			if (dir > 0)
			{
				if (!g->has_load)
				{
					g->first_load_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
					g->first_load_account = slot_str(slot, SM_ACCOUNT);
				}
				g->has_load = true;
				g->load_lot = slot_str(slot, SM_LOT);
				g->load_doc = slot_str(slot, SM_DOC);
				g->load_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
				g->load_account = slot_str(slot, SM_ACCOUNT);
				g->load_wh = wh;
				g->has_unload = false;	/* the first unload after the last load */
			}
			else if (!g->has_unload)
			{
				g->has_unload = true;
				g->unload_doc = slot_str(slot, SM_DOC);
				g->unload_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
			}
		}
	}
	if (nb > 0)
		apply_serials(e, batch, nb);
	MemoryContextSwitchTo(old);
	tuplesort_end(e->serials);
	e->serials = NULL;
}

