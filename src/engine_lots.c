/*
 * engine_lots.c — the engine's lot side: writing a chunk's lots to
 * lottrace.lot (upsert / update in key order, in slices), the rules judged
 * on a written lot (new_lot_only, single supplier, availability, expiry),
 * production batch members, and negative stock at the end of the
 * statement.  See engine.c for the statement and engine_int.h.
 */
#include "postgres.h"

#include "engine_int.h"
#include "register_write.h"

/* ------------------------------------------------------------------------
 * Writing a chunk
 *
 * Each lot of the chunk is written by one row operation on lottrace.lot:
 *  - lots with a load among the new rows: INSERT ... ON CONFLICT DO UPDATE
 *    (creates the lot, or adds to its stock);
 *  - the others: UPDATE of existing lots.
 * Both return what the rules need (status, flags, expiry, supplier, the
 * warehouses now below zero), read from the locked, current row version.
 *
 * Lock order: the chunk's lots are sorted by key (item, code, variant as
 * bytes, no variant last) and every statement takes its rows in the order
 * of its arrays, so all statements lock lots in one global order and
 * concurrent bulk loads cannot deadlock.  Lots are written in slices of
 * LT_WRITE_SLICE in that order; when a chunk has both kinds, the existing
 * lots are first locked in one ordered pass.
 * ------------------------------------------------------------------------
 */

/*
 * The upsert's conflict clause and RETURNING list, shared by its variants:
 * lot_upsert_plan, and lot_upsert_data_plan for tables that map lot master
 * data (which sets production_date, best_before and attributes of the lots
 * it creates; such a mapping exists only on a 1.2 schema).  The last
 * column says whether the lot has reservations or holds (claims, 1.2).
 */
#define LOT_UPSERT_TAIL(claims) \
	" ON CONFLICT ON CONSTRAINT lot_item_code_variant_key DO UPDATE" \
	"    SET stock = lottrace._stock_add(l.stock, excluded.stock)" \
	" RETURNING l.lot_id, l.code," \
	"           l.xmax OPERATOR(pg_catalog.=) '0'::pg_catalog.xid," \
	"           l.status, l.saleable, l.force_closed, l.expiry_date, l.supplier," \
	"           CASE WHEN l.xmax OPERATOR(pg_catalog.<>) '0'::pg_catalog.xid" \
	"                THEN lottrace._stock_negative(l.stock, l.stock) END, " claims
#define LOT_CLAIMS "l.claims OPERATOR(pg_catalog.>) 0"
#define LOT_UPSERT_ARGS \
	"pg_catalog.text[], pg_catalog.text[], lottrace.lotcode[], " \
	"pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], " \
	"pg_catalog.date[], pg_catalog.date[], pg_catalog.numeric[], " \
	"pg_catalog.text[], pg_catalog.jsonb[]"
/* the number of LOT_UPSERT_ARGS */
#define LOT_UPSERT_NARGS 11
#define LOT_UPSERT_HEAD \
	"INSERT INTO lottrace.lot AS l (item, variant, code, code_type, supplier, supplier_lot," \
	"                               start_date, expiry_date, initial_qty, status, stock)" \
	" SELECT u.item, u.variant, u.code, u.code_type, u.supplier, u.supplier_lot," \
	"        u.start_date, u.expiry_date, u.qty, u.status, u.delta" \
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[])," \
	"                   pg_catalog.unnest($3::lottrace.lotcode[]), pg_catalog.unnest($4::pg_catalog.text[])," \
	"                   pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.text[])," \
	"                   pg_catalog.unnest($7::pg_catalog.date[]), pg_catalog.unnest($8::pg_catalog.date[])," \
	"                   pg_catalog.unnest($9::pg_catalog.numeric[]), pg_catalog.unnest($10::pg_catalog.text[])," \
	"                   pg_catalog.unnest($11::pg_catalog.jsonb[])) WITH ORDINALITY" \
	"        AS u(item, variant, code, code_type, supplier, supplier_lot, start_date, expiry_date," \
	"             qty, status, delta, i)" \
	"  ORDER BY u.i"

static LtPlan lot_upsert_plan = {.sql = LOT_UPSERT_HEAD LOT_UPSERT_TAIL(LOT_CLAIMS), .args = LOT_UPSERT_ARGS};
/* the same on a schema before 1.2 (no reservations or holds) */
static LtPlan lot_upsert_plan_11 = {.sql = LOT_UPSERT_HEAD LOT_UPSERT_TAIL("false"), .args = LOT_UPSERT_ARGS};

/* ... with the lot master data, in the three parameters after those */
static LtPlan lot_upsert_data_plan = {
	.sql = "INSERT INTO lottrace.lot AS l (item, variant, code, code_type, supplier, supplier_lot,"
	"                               start_date, expiry_date, initial_qty, status, stock,"
	"                               production_date, best_before, attributes)"
	" SELECT u.item, u.variant, u.code, u.code_type, u.supplier, u.supplier_lot,"
	"        u.start_date, u.expiry_date, u.qty, u.status, u.delta,"
	"        u.production_date, u.best_before, COALESCE(u.attributes, '{}'::pg_catalog.jsonb)"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::lottrace.lotcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                   pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.text[]),"
	"                   pg_catalog.unnest($7::pg_catalog.date[]), pg_catalog.unnest($8::pg_catalog.date[]),"
	"                   pg_catalog.unnest($9::pg_catalog.numeric[]), pg_catalog.unnest($10::pg_catalog.text[]),"
	"                   pg_catalog.unnest($11::pg_catalog.jsonb[]),"
	"                   pg_catalog.unnest($12::pg_catalog.date[]), pg_catalog.unnest($13::pg_catalog.date[]),"
	"                   pg_catalog.unnest($14::pg_catalog.jsonb[])) WITH ORDINALITY"
	"        AS u(item, variant, code, code_type, supplier, supplier_lot, start_date, expiry_date,"
	"             qty, status, delta, production_date, best_before, attributes, i)"
	"  ORDER BY u.i"
	LOT_UPSERT_TAIL(LOT_CLAIMS),
	.args = LOT_UPSERT_ARGS ", pg_catalog.date[], pg_catalog.date[], pg_catalog.jsonb[]"
};
/* its result columns (the lot's own, from UPS_LOT: read_lot_row) */
enum
{
	UPS_LOT_ID = 1, UPS_CODE, UPS_INSERTED, UPS_LOT
};

#define LOT_UPDATE_SQL(claims) "WITH k AS (" \
	"  SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[])," \
	"                           pg_catalog.unnest($2::pg_catalog.text[])," \
	"                           pg_catalog.unnest($3::lottrace.lotcode[])," \
	"                           pg_catalog.unnest($4::pg_catalog.jsonb[]))" \
	"         WITH ORDINALITY AS k(item, variant, code, delta, i))," \
	" locked AS (" \
	"  SELECT l.lot_id, k.i, k.delta" \
	"    FROM k JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) k.item" \
	"     AND l.code OPERATOR(pg_catalog.=) k.code" \
	"     AND (l.variant OPERATOR(pg_catalog.=) k.variant OR (l.variant IS NULL AND k.variant IS NULL))" \
	"   ORDER BY k.i" \
	"     FOR NO KEY UPDATE OF l)" \
	"UPDATE lottrace.lot l SET stock = lottrace._stock_add(l.stock, locked.delta)" \
	"  FROM locked WHERE l.lot_id OPERATOR(pg_catalog.=) locked.lot_id" \
	" RETURNING locked.i, l.lot_id, l.status, l.saleable, l.force_closed, l.expiry_date," \
	"           l.supplier, lottrace._stock_negative(l.stock, locked.delta), " claims
#define LOT_UPDATE_ARGS "pg_catalog.text[], pg_catalog.text[], lottrace.lotcode[], pg_catalog.jsonb[]"
static LtPlan lot_update_plan = {.sql = LOT_UPDATE_SQL("l.claims OPERATOR(pg_catalog.>) 0"), .args = LOT_UPDATE_ARGS};
static LtPlan lot_update_plan_11 = {.sql = LOT_UPDATE_SQL("false"), .args = LOT_UPDATE_ARGS};
/* its result columns, and lot_update1_plan's (the lot's own from UPD_LOT) */
enum
{
	UPD_I = 1, UPD_LOT_ID, UPD_LOT
};

/* the same for one lot: a plain UPDATE (it locks its one row) */
#define LOT_UPDATE1_SQL(claims) "UPDATE lottrace.lot l SET stock = lottrace._stock_add(l.stock, $4)" \
	" WHERE l.item OPERATOR(pg_catalog.=) $1 AND l.code OPERATOR(pg_catalog.=) $3" \
	"   AND (l.variant OPERATOR(pg_catalog.=) $2 OR (l.variant IS NULL AND $2 IS NULL))" \
	" RETURNING 1::pg_catalog.int8, l.lot_id, l.status, l.saleable, l.force_closed, l.expiry_date," \
	"           l.supplier, lottrace._stock_negative(l.stock, $4), " claims
#define LOT_UPDATE1_ARGS "pg_catalog.text, pg_catalog.text, lottrace.lotcode, pg_catalog.jsonb"
static LtPlan lot_update1_plan = {.sql = LOT_UPDATE1_SQL("l.claims OPERATOR(pg_catalog.>) 0"), .args = LOT_UPDATE1_ARGS};
static LtPlan lot_update1_plan_11 = {.sql = LOT_UPDATE1_SQL("false"), .args = LOT_UPDATE1_ARGS};

/* existing lots of a chunk, locked in key order (the order of the upsert) */
static LtPlan lot_prelock_plan = {
	.sql = "SELECT l.lot_id"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
	"                  pg_catalog.unnest($2::pg_catalog.text[]),"
	"                  pg_catalog.unnest($3::lottrace.lotcode[])) WITH ORDINALITY AS k(item, variant, code, i)"
	"  JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) k.item"
	"   AND l.code OPERATOR(pg_catalog.=) k.code"
	"   AND (l.variant OPERATOR(pg_catalog.=) k.variant OR (l.variant IS NULL AND k.variant IS NULL))"
	" ORDER BY k.i"
	"   FOR NO KEY UPDATE OF l",
	.args = "pg_catalog.text[], pg_catalog.text[], lottrace.lotcode[]"
};

static LtPlan batch_upsert_plan = {
	.sql = "INSERT INTO lottrace.batch_member AS m (batch_key, role, lot_id, qty, nrows)"
	" SELECT u.b, u.r, u.l, u.q, u.n"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
	"                   pg_catalog.unnest($5::pg_catalog.int4[])) AS u(b, r, l, q, n)"
	"  ORDER BY u.b, u.r, u.l"
	" ON CONFLICT (batch_key, role, lot_id) DO UPDATE"
	"    SET qty = m.qty OPERATOR(pg_catalog.+) excluded.qty,"
	"        nrows = m.nrows OPERATOR(pg_catalog.+) excluded.nrows",
	.args = "pg_catalog.text[], pg_catalog.text[], pg_catalog.int8[], "
		"pg_catalog.numeric[], pg_catalog.int4[]"
};

static LtPlan batch_cleanup_plan = {
	.sql = "DELETE FROM lottrace.batch_member m"
	" USING ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                  pg_catalog.unnest($3::pg_catalog.int8[])) AS k(b, r, l)"
	" WHERE m.batch_key OPERATOR(pg_catalog.=) k.b AND m.role OPERATOR(pg_catalog.=) k.r"
	"   AND m.lot_id OPERATOR(pg_catalog.=) k.l"
	"   AND (m.nrows OPERATOR(pg_catalog.<=) 0 OR m.qty OPERATOR(pg_catalog.<=) 0)",
	.args = "pg_catalog.text[], pg_catalog.text[], pg_catalog.int8[]"
};

static LtPlan neg_recheck_plan = {
	.sql = "SELECT k.i, (l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[]))"
	"       WITH ORDINALITY AS k(lot_id, wh, i)"
	"  JOIN lottrace.lot l ON l.lot_id OPERATOR(pg_catalog.=) k.lot_id"
	" WHERE ((l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1)::pg_catalog.numeric"
	"       OPERATOR(pg_catalog.<) 0",
	.args = "pg_catalog.int8[], pg_catalog.text[]"
};
/* its result columns */
enum
{
	NEG_I = 1, NEG_ON_HAND
};

/* Does column col of a result row hold the string s (NULL for s.p NULL)? */
bool
lte_col_is(HeapTuple t, TupleDesc d, int col, LtStr s)
{
	bool		isnull;
	Datum		v = SPI_getbinval(t, d, col, &isnull);
	text	   *x;

	if (isnull || s.p == NULL)
		return isnull && s.p == NULL;
	x = DatumGetTextPP(v);
	return VARSIZE_ANY_EXHDR(x) == s.len && memcmp(VARDATA_ANY(x), s.p, s.len) == 0;
}

static char *
lot_name(LotEnt *l)
{
	if (l->key.variant.p)
		return psprintf("lot \"%s\" of item \"%s\" variant \"%s\"",
						str_show(l->key.code), str_show(l->key.item), str_show(l->key.variant));
	return psprintf("lot \"%s\" of item \"%s\"", str_show(l->key.code), str_show(l->key.item));
}

/* The chunk's change to a lot's stock, one entry per warehouse (*nent of them). */
static LtStockEntry *
lot_delta_entries(LotEnt *l, int *nent)
{
	int			n = 0;
	LtStockEntry *ent;

	for (BalEnt *b = l->bals; b; b = b->next)
		n++;
	ent = palloc(sizeof(LtStockEntry) * Max(n, 1));
	n = 0;
	for (BalEnt *b = l->bals; b; b = b->next)
	{
		ent[n].wh = b->key.wh.p;
		ent[n].whlen = b->key.wh.len;
		ent[n].loaded = b->loaded.n;
		ent[n].on_hand = b->net.n;
		n++;
	}
	*nent = n;
	return ent;
}

/* ... as the jsonb the register statements add to a lot's stock. */
static Datum
lot_delta(LotEnt *l)
{
	int			n;
	LtStockEntry *ent = lot_delta_entries(l, &n);

	return JsonbPGetDatum(lt_stock_build(ent, n, true));
}

/* Status of a new lot: the item's initial status or lottrace.default_status. */
static const char *
new_lot_status(LtEngine *e, LotEnt *l)
{
	const char *st = l->it->initial_status ? l->it->initial_status : lt_default_status;

	if (st == NULL || !lt_status_lookup(st, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("status \"%s\" for new %s is not in lottrace.lot_status",
						lt_show(st, -1), lot_name(l)),
				 errdetail("%s", lte_row_desc(e, l->ld->load_ref, NULL)),
				 errhint("%s", l->it->initial_status
						 ? "Correct lottrace.item.initial_status."
						 : "Correct the setting lottrace.default_status."),
				 lte_errconstraint(e, "lottrace_lot_status")));
	return st;
}

/* The code-type check of a new lot's code (ctx: item, variant, class...). */
static void
check_lot_format(LtEngine *e, LotEnt *l)
{
	LtCodeType *ct = l->it->lot_ct;
	cf_context	ctx;

	if (ct == NULL)
		return;
	lt_cf_item_context(&ctx, l->it, l->key.item.p, l->key.item.len,
					   l->key.variant.p, l->key.variant.len);
	if (!cf_match(ct->fmt, l->key.code.p, l->key.code.len, &ctx))
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_code_format", l->ld->load_ref, NULL,
				 psprintf("Codes of code type \"%s\" have the format %s.", ct->code, ct->fmt_text),
				 "%s in warehouse \"%s\" does not match code type \"%s\"",
				 lot_name(l), str_show(l->ld->load_wh), lt_show(ct->code, -1));
}

/*
 * The lot master data of the lots in the upsert's three parameters after
 * LOT_UPSERT_ARGS (lot_upsert_data_plan): production date, best before,
 * attributes of each lot's first load.
 */
static void
lot_data_args(LotEnt **lots, int n, Datum *args)
{
	Datum	   *d[2];
	bool	   *dn[2];
	Datum	   *attrs = palloc(sizeof(Datum) * n);
	bool	   *an = palloc(sizeof(bool) * n);

	for (int k = 0; k < 2; k++)
	{
		d[k] = palloc(sizeof(Datum) * n);
		dn[k] = palloc(sizeof(bool) * n);
	}
	for (int i = 0; i < n; i++)
	{
		LotEnt	   *l = lots[i];

		dn[0][i] = !l->ld->has_production_date;
		d[0][i] = DateADTGetDatum(l->ld->production_date);
		dn[1][i] = !l->ld->has_best_before;
		d[1][i] = DateADTGetDatum(l->ld->best_before);
		an[i] = (l->ld->attributes == NULL);
		attrs[i] = an[i] ? (Datum) 0 : JsonbPGetDatum(l->ld->attributes);
	}
	args[0] = lt_array_date(d[0], dn[0], n);
	args[1] = lt_array_date(d[1], dn[1], n);
	args[2] = lt_array_text(attrs, an, n, JSONBOID);
}

/*
 * A new lot of an item with required attributes (lottrace.item.
 * required_attributes) must have each of them, with a value other than
 * null, in the attributes of the load that creates it.
 */
static void
check_lot_attributes(LtEngine *e, LotEnt *l)
{
	for (int k = 0; k < l->it->nrequired; k++)
	{
		const char *key = l->it->required_attributes[k];
		JsonbValue	kv;
		JsonbValue *v = NULL;

		if (l->ld->attributes != NULL)
		{
			kv.type = jbvString;
			kv.val.string.val = (char *) key;
			kv.val.string.len = strlen(key);
			v = findJsonbValueFromContainer(&l->ld->attributes->root, JB_FOBJECT, &kv);
		}
		if (v == NULL || v->type == jbvNull)
		{
			StringInfoData keys;

			initStringInfo(&keys);
			for (int j = 0; j < l->it->nrequired; j++)
				appendStringInfo(&keys, "%s%s", j ? ", " : "",
								 lt_show(l->it->required_attributes[j], -1));
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_lot_attributes", l->ld->load_ref, NULL,
					 psprintf("Item \"%s\" requires the lot attributes %s (lottrace.item.required_attributes): give them in the attributes column of the load that creates the lot.",
							  str_show(l->key.item), keys.data),
					 "new %s in warehouse \"%s\" lacks the required attribute \"%s\"",
					 lot_name(l), str_show(l->ld->load_wh), lt_show(key, -1));
		}
	}
}

/*
 * The lot's own columns in the upsert's and the updates' results, from
 * `first` on: status, saleable, force_closed, expiry_date, supplier, and
 * the warehouses now below zero.
 */
enum
{
	LOT_STATUS, LOT_SALEABLE, LOT_FORCE_CLOSED, LOT_EXPIRY, LOT_SUPPLIER, LOT_NEGATIVES,
	LOT_CLAIMED
};

/*
 * A register's answer row, its columns taken apart once (heap_getattr on
 * each would walk the row from its start past every text column before it).
 */
typedef struct LotAnswer
{
	Datum	   *v;
	bool	   *isnull;
} LotAnswer;

static LotAnswer
answer_deform(HeapTuple t, TupleDesc d)
{
	LotAnswer	a;

	a.v = palloc(sizeof(Datum) * d->natts);
	a.isnull = palloc(sizeof(bool) * d->natts);
	heap_deform_tuple(t, d, a.v, a.isnull);
	return a;
}

/* Column col (1-based) as a string copied into cxt, or NULL. */
static char *
answer_str(const LotAnswer *a, int col, MemoryContext cxt)
{
	MemoryContext old;
	char	   *r;

	if (a->isnull[col - 1])
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	r = TextDatumGetCString(a->v[col - 1]);
	MemoryContextSwitchTo(old);
	return r;
}

static int64
answer_int8(const LotAnswer *a, int col)
{
	return a->isnull[col - 1] ? 0 : DatumGetInt64(a->v[col - 1]);
}

/* Take the register's answer for a lot (columns from `first` on). */
static void
read_lot_row(LtEngine *e, LotEnt *l, const LotAnswer *a, int first)
{
	int			c = first - 1;

	l->status = answer_str(a, first + LOT_STATUS, e->chunk_cxt);
	l->saleable = DatumGetBool(a->v[c + LOT_SALEABLE]);
	l->force_closed = DatumGetBool(a->v[c + LOT_FORCE_CLOSED]);
	l->has_db_expiry = !a->isnull[c + LOT_EXPIRY];
	l->db_expiry = l->has_db_expiry ? DatumGetDateADT(a->v[c + LOT_EXPIRY]) : 0;
	l->supplier = answer_str(a, first + LOT_SUPPLIER, e->chunk_cxt);
	if (a->isnull[c + LOT_NEGATIVES])
		l->negatives = NULL;
	else
	{
		MemoryContext old = MemoryContextSwitchTo(e->chunk_cxt);

		l->negatives = DatumGetJsonbPCopy(a->v[c + LOT_NEGATIVES]);
		MemoryContextSwitchTo(old);
	}
	l->claimed = !a->isnull[c + LOT_CLAIMED] && DatumGetBool(a->v[c + LOT_CLAIMED]);
}

/* Take the upsert's answer row t for lot l. */
static void
take_upserted(LtEngine *e, LotEnt *l, HeapTuple t, TupleDesc d)
{
	LotAnswer	a;

	if (!lte_col_is(t, d, UPS_CODE, l->key.code))
		elog(ERROR, "lottrace: the lots written came back in another order");
	a = answer_deform(t, d);
	l->lot_id = answer_int8(&a, UPS_LOT_ID);
	if (!a.isnull[UPS_INSERTED - 1] && DatumGetBool(a.v[UPS_INSERTED - 1]))
	{
		l->existed = false;
		l->inserted = true;
		lte_created_add(e, l->lot_id);
		if (e->mode == LT_STRICT)
			check_lot_format(e, l);
		if (e->mode == LT_STRICT && l->it->nrequired > 0)
			check_lot_attributes(e, l);
	}
	else
		l->existed = !lte_created_has(e, l->lot_id);
	read_lot_row(e, l, &a, UPS_LOT);
	pfree(a.v);
	pfree(a.isnull);
}

/*
 * The lots of upsert_lots written without SPI (register_write.c), from the
 * columns it made for lot_upsert_plan (s[0..6], dates, qty).  False:
 * lottrace.lot is written through SPI, nothing was done.
 */
static bool
upsert_direct(LtEngine *e, LotEnt **lots, int n, LtStr **s, Datum **dates, bool **dnull, Datum *qty)
{
	LtDirectNewLot *dl = palloc0(sizeof(LtDirectNewLot) * n);
	HeapTuple  *res = palloc(sizeof(HeapTuple) * n);
	TupleDesc	d;

#define TEXT_OR_NULL(v, isnull, str) ((isnull) = ((str).p == NULL), (v) = (isnull) ? (Datum) 0 : str_text(str))
	for (int i = 0; i < n; i++)
	{
		LtDirectNewLot *x = &dl[i];

		x->lot.item = str_text(s[0][i]);
		TEXT_OR_NULL(x->lot.variant, x->lot.variant_null, s[1][i]);
		x->lot.code = str_text(s[2][i]);	/* a lotcode is laid out as text */
		x->lot.delta = lot_delta_entries(lots[i], &x->lot.ndelta);
		TEXT_OR_NULL(x->code_type, x->code_type_null, s[3][i]);
		TEXT_OR_NULL(x->supplier, x->supplier_null, s[4][i]);
		TEXT_OR_NULL(x->supplier_lot, x->supplier_lot_null, s[5][i]);
		x->start_date = DatumGetDateADT(dates[0][i]);
		x->expiry_null = dnull[1][i];
		x->expiry_date = x->expiry_null ? 0 : DatumGetDateADT(dates[1][i]);
		x->initial_qty = qty[i];
		x->status = str_text(s[6][i]);
		x->stock = JsonbPGetDatum(lt_stock_build(x->lot.delta, x->lot.ndelta, true));
	}
#undef TEXT_OR_NULL
	if (lt_lot_upsert_direct(dl, n, res, &d) < 0)
		return false;
	for (int i = 0; i < n; i++)
	{
		if (res[i] == NULL)
			elog(ERROR, "lottrace: a lot of item %s was not written", str_show(lots[i]->key.item));
		take_upserted(e, lots[i], res[i], d);
	}
	return true;
}

/* Lots with a load: create them, or add to their stock. */
static void
upsert_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtStr	   *s[7];
	Datum	   *dates[2];
	bool	   *dnull[2];
	Datum	   *qty = palloc(sizeof(Datum) * n);
	Datum	   *delta = palloc(sizeof(Datum) * n);
	Datum		args[LOT_UPSERT_NARGS + 3];
	uint64		nr;

	for (int k = 0; k < 7; k++)
		s[k] = palloc(sizeof(LtStr) * n);
	for (int k = 0; k < 2; k++)
	{
		dates[k] = palloc(sizeof(Datum) * n);
		dnull[k] = palloc(sizeof(bool) * n);
	}
	for (int i = 0; i < n; i++)
	{
		LotEnt	   *l = lots[i];
		const char *st = new_lot_status(e, l);
		LtCodeType *ct = l->it->lot_ct;

		s[0][i] = l->key.item;
		s[1][i] = l->key.variant;
		s[2][i] = l->key.code;
		s[3][i] = (LtStr) {ct ? ct->code : NULL, ct ? (int) strlen(ct->code) : 0};
		s[4][i] = l->ld->account;
		s[5][i] = l->ld->supplier_lot;
		s[6][i] = (LtStr) {st, (int) strlen(st)};
		dates[0][i] = DateADTGetDatum(l->ld->start);
		dnull[0][i] = false;
		dnull[1][i] = false;
		if (l->ld->has_expiry)
			dates[1][i] = DateADTGetDatum(l->ld->expiry);
		else if (l->it->lot_validity_days >= 0)
		{
			DateADT		x;

			if (!lt_lot_expiry(l->it, l->ld->start, &x))
				LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", l->ld->load_ref, NULL,
						 "Correct the movement date, or give the expiry date in the row.",
						 "expiry date of %s in warehouse \"%s\" is out of range: start date %s + %d days of shelf life is past 5874897-12-31",
						 lot_name(l), str_c(l->ld->load_wh), date_str(l->ld->start), l->it->lot_validity_days);
			dates[1][i] = DateADTGetDatum(x);
		}
		else
			dnull[1][i] = true;
		qty[i] = l->ld->first_qty;
	}
	if (!e->ri->has_lot_data && upsert_direct(e, lots, n, s, dates, dnull, qty))
		return;
	for (int i = 0; i < n; i++)
		delta[i] = lot_delta(lots[i]);
	args[0] = lte_str_array(s[0], n, TEXTOID);
	args[1] = lte_str_array(s[1], n, TEXTOID);
	args[2] = lte_str_array(s[2], n, lt_lotcode_oid());
	args[3] = lte_str_array(s[3], n, TEXTOID);
	args[4] = lte_str_array(s[4], n, TEXTOID);
	args[5] = lte_str_array(s[5], n, TEXTOID);
	args[6] = lt_array_date(dates[0], dnull[0], n);
	args[7] = lt_array_date(dates[1], dnull[1], n);
	args[8] = lt_array_numeric(qty, NULL, n);
	args[9] = lte_str_array(s[6], n, TEXTOID);
	args[10] = lt_array_text(delta, NULL, n, JSONBOID);
	if (e->ri->has_lot_data)
	{
		lot_data_args(lots, n, args + LOT_UPSERT_NARGS);
		nr = lt_exec_batch(&lot_upsert_data_plan, args, NULL, false);
	}
	else
		nr = lt_exec_batch(lt_schema_has_claims() ? &lot_upsert_plan : &lot_upsert_plan_11,
						   args, NULL, false);

	/*
	 * INSERT ... ON CONFLICT DO UPDATE returns one row per row it takes, in
	 * the order it takes them: the r-th row returned is lots[r] (the code
	 * returned with it is checked all the same).
	 */
	if (nr != (uint64) n)
		elog(ERROR, "lottrace: %d lots written, " UINT64_FORMAT " returned", n, nr);
	for (uint64 r = 0; r < nr; r++)
		take_upserted(e, lots[r], SPI_tuptable->vals[r], SPI_tuptable->tupdesc);
	SPI_freetuptable(SPI_tuptable);
}

/* Take update_lots' answer row for lots[i] (i from the row's first column). */
static void
take_updated(LtEngine *e, LotEnt **lots, int n, HeapTuple t, TupleDesc d)
{
	LotAnswer	a = answer_deform(t, d);
	int64		i = answer_int8(&a, UPD_I) - 1;
	LotEnt	   *l;

	if (i >= 0 && i < n)
	{
		l = lots[i];
		l->lot_id = answer_int8(&a, UPD_LOT_ID);
		l->existed = !lte_created_has(e, l->lot_id);
		read_lot_row(e, l, &a, UPD_LOT);
	}
	pfree(a.v);
	pfree(a.isnull);
}

/*
 * Lots without a load: they must exist; add to their stock.  Without SPI
 * when the lot table allows (register_write.c), else by lot_update_plan, or
 * by lot_update1_plan for one lot.
 */
static void
update_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtDirectLot *dl = palloc(sizeof(LtDirectLot) * n);
	HeapTuple  *res = palloc(sizeof(HeapTuple) * n);
	TupleDesc	d;
	Datum		args[4];
	uint64		nr;
	int			direct;

	for (int i = 0; i < n; i++)
	{
		LotEnt	   *l = lots[i];

		dl[i].item = str_text(l->key.item);
		dl[i].variant_null = (l->key.variant.p == NULL);
		dl[i].variant = dl[i].variant_null ? (Datum) 0 : str_text(l->key.variant);
		dl[i].code = str_text(l->key.code);	/* a lotcode is laid out as text */
		dl[i].delta = lot_delta_entries(l, &dl[i].ndelta);
	}
	direct = lt_lot_update_direct(dl, n, res, &d);
	if (direct >= 0)
	{
		for (int i = 0; i < n; i++)
			if (res[i] != NULL)
				take_updated(e, lots, n, res[i], d);
		return;
	}
	if (n == 1)
	{
		char		nulls[4] = {' ', ' ', ' ', ' '};

		args[0] = dl[0].item;
		args[1] = dl[0].variant;
		nulls[1] = dl[0].variant_null ? 'n' : ' ';
		args[2] = dl[0].code;
		args[3] = JsonbPGetDatum(lt_stock_build(dl[0].delta, dl[0].ndelta, true));
		nr = lt_exec(lt_schema_has_claims() ? &lot_update1_plan : &lot_update1_plan_11,
					 args, nulls, false, 0);
	}
	else
	{
		LtStr	   *items = palloc(sizeof(LtStr) * n);
		LtStr	   *variants = palloc(sizeof(LtStr) * n);
		LtStr	   *codes = palloc(sizeof(LtStr) * n);
		Datum	   *delta = palloc(sizeof(Datum) * n);

		for (int i = 0; i < n; i++)
		{
			items[i] = lots[i]->key.item;
			variants[i] = lots[i]->key.variant;
			codes[i] = lots[i]->key.code;
			delta[i] = lot_delta(lots[i]);
		}
		args[0] = lte_str_array(items, n, TEXTOID);
		args[1] = lte_str_array(variants, n, TEXTOID);
		args[2] = lte_str_array(codes, n, lt_lotcode_oid());
		args[3] = lt_array_text(delta, NULL, n, JSONBOID);
		nr = lt_exec_batch(lt_schema_has_claims() ? &lot_update_plan : &lot_update_plan_11,
						   args, NULL, false);
	}
	for (uint64 r = 0; r < nr; r++)
		take_updated(e, lots, n, SPI_tuptable->vals[r], SPI_tuptable->tupdesc);
	SPI_freetuptable(SPI_tuptable);
}

/*
 * A lot with reservations or holds: keep what the statement did to it for
 * lottrace._claims_check at the end of the statement (lte_check_claims).
 */
static void
note_claims(LtEngine *e, LotEnt *l)
{
	MemoryContext old;
	bool		took = false;

	for (BalEnt *b = l->bals; b; b = b->next)
		if (num_cmp(b->net.n, e->zero) < 0 || b->gated_ref.src >= 0 || b->docs)
			took = true;
	if (!took)
		return;
	/*
	 * Claims placed on an item for the first time while this statement ran:
	 * it did not keep the documents its unloads may consume.
	 */
	if (!l->it->claims_seen)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access: the first reservation or hold on item \"%s\" was placed while this statement ran",
						str_show(l->key.item)),
				 errhint("Retry the transaction.")));
	old = MemoryContextSwitchTo(e->stmt_cxt);
	for (BalEnt *b = l->bals; b; b = b->next)
	{
		/* rows moving between partitions: they come back at commit */
		if (!e->deferring && !b->matched_out &&
			(num_cmp(b->net.n, e->zero) < 0 || b->gated_ref.src >= 0))
		{
			ClaimCand  *c = palloc(sizeof(ClaimCand));

			c->lot_id = l->lot_id;
			c->wh = str_c(b->key.wh);
			c->net = datumCopy(b->net.n, false, -1);
			c->gated = b->gated_ref.src >= 0;
			c->ref = c->gated ? b->gated_ref : (b->out_ref.src >= 0 ? b->out_ref : l->unload_ref);
			e->claims = lappend(e->claims, c);
		}
		for (DocQty *dq = b->docs; dq; dq = dq->next)
		{
			ClaimDoc   *d = palloc(sizeof(ClaimDoc));

			d->lot_id = l->lot_id;
			d->wh = str_c(b->key.wh);
			d->doc = str_c(dq->doc);
			d->qty = datumCopy(dq->qty, false, -1);
			e->claim_docs = lappend(e->claim_docs, d);
		}
	}
	MemoryContextSwitchTo(old);
}

/* Rules on a written lot: new_lot_only, single supplier, availability, stock. */
static void
check_lot(LtEngine *e, LotEnt *l)
{
	if (e->mode == LT_STRICT)
	{
		if (l->ld->new_lot_only && l->existed)
			LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_new_lot_only", l->ld->nlo_ref, NULL,
					 "Loads with this reason must create a new lot: give a new lot code, or none to have one generated.",
					 "%s already exists: reason \"%s\" only creates new lots (load into warehouse \"%s\")",
					 lot_name(l), lt_show(l->ld->nlo_reason, -1), str_show(l->ld->nlo_wh));
		if (l->it->single_supplier)
		{
			if (l->ld->acct2.p)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_single_supplier", l->ld->acct2_ref, NULL,
						 "The item allows one supplier per lot (lottrace.item.single_supplier).",
						 "%s comes from supplier \"%s\": load from account \"%s\" into warehouse \"%s\" refused",
						 lot_name(l), str_show(l->ld->account), str_show(l->ld->acct2), str_show(l->ld->acct2_wh));
			/*
			 * The lot's supplier as written: before the statement, or by an
			 * earlier chunk of it (so not only when the lot "existed").
			 */
			if (lot_has_load(l) && l->ld->account.p && l->supplier &&
				strcmp(l->supplier, str_c(l->ld->account)) != 0)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_single_supplier", l->ld->load_ref, NULL,
						 "The item allows one supplier per lot (lottrace.item.single_supplier).",
						 "%s comes from supplier \"%s\": load from account \"%s\" into warehouse \"%s\" refused",
						 lot_name(l), lt_show(l->supplier, -1), str_show(l->ld->account), str_show(l->ld->load_wh));
		}
		if (l->gated)
		{
			bool		available = false;
			const char *why = NULL;

			if (!lt_status_lookup(l->status, &available) || !available)
				why = psprintf("its status \"%s\" is not available", lt_show(l->status, -1));
			else if (!l->saleable)
				why = "it is not saleable";
			else if (l->force_closed)
				why = "it is force closed";
			if (why)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_unavailable", l->max_unload_ref, NULL,
						 "Release the lot (lottrace.set_lot_status), or use a reason that allows unavailable lots.",
						 "%s cannot be unloaded from warehouse \"%s\": %s",
						 lot_name(l), str_show(l->max_unload_wh), why);
			if (l->has_db_expiry &&
				l->max_unload >= lte_blocked_from(l->db_expiry, l->it->block_days))
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_expired", l->max_unload_ref, NULL,
						 "Expired lots are unloaded with a reason that allows unavailable lots (e.g. scrapping).",
						 "%s is blocked by expiry: it expires on %s and is blocked from %s; the unload from warehouse \"%s\" is dated %s",
						 lot_name(l), date_str(l->db_expiry),
						 date_str(lte_blocked_from(l->db_expiry, l->it->block_days)),
						 str_show(l->max_unload_wh), date_str(l->max_unload));
		}
	}

	if (l->claimed && e->mode == LT_STRICT)
		note_claims(e, l);
	if (lot_has_load(l) && l->ld->account.p && l->it->refuse_receipt_mismatch && e->mode == LT_STRICT)
	{
		/* a receipt: judged against what the supplier announced (EPCIS) */
		MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);
		ReceiptCand *c = palloc(sizeof(ReceiptCand));

		c->lot_id = l->lot_id;
		c->account = str_c(l->ld->account);
		c->ref = l->ld->load_ref;
		e->receipts = lappend(e->receipts, c);
		MemoryContextSwitchTo(old);
	}

	/* warehouses now below zero: judged at the end of the statement */
	if (l->inserted && e->mode == LT_STRICT)
	{
		/* a new lot's stock is this chunk's delta */
		MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

		for (BalEnt *b = l->bals; b; b = b->next)
		{
			NegCand    *c;

			if (num_cmp(b->net.n, e->zero) >= 0 || lt_warehouse_allows_negative(b->key.wh.p))
				continue;
			c = palloc(sizeof(NegCand));
			c->lot_id = l->lot_id;
			c->wh = pstrdup(b->key.wh.p);
			c->item = str_c(l->key.item);
			c->code = str_c(l->key.code);
			c->variant = l->key.variant.p ? str_c(l->key.variant) : NULL;
			c->on_hand = datumCopy(b->net.n, false, -1);
			c->ref = b->out_ref.src >= 0 ? b->out_ref : l->unload_ref;
			c->matched = b->matched_out;
			e->negs = lappend(e->negs, c);
		}
		MemoryContextSwitchTo(old);
	}
	else if (l->negatives != NULL && e->mode == LT_STRICT)
	{
		LtStockEntry *neg;
		int			nn;
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

		/* {"wh": on_hand}: read it as pairs */
		nn = 0;
		neg = palloc(sizeof(LtStockEntry) * 8);
		it = JsonbIteratorInit(&l->negatives->root);
		while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				if (nn % 8 == 0 && nn > 0)
					neg = repalloc(neg, sizeof(LtStockEntry) * (nn + 8));
				neg[nn].wh = pnstrdup(v.val.string.val, v.val.string.len);
				neg[nn].whlen = v.val.string.len;
			}
			else if (tok == WJB_VALUE)
				neg[nn++].on_hand = datumCopy(NumericGetDatum(v.val.numeric), false, -1);
		}
		for (int k = 0; k < nn; k++)
		{
			NegCand    *c;
			RowRef		ref = l->unload_ref;

			bool		touched = false;
			bool		matched = false;

			/* only warehouses this chunk moved stock in */
			for (BalEnt *b = l->bals; b; b = b->next)
				if (b->key.wh.len == neg[k].whlen &&
					memcmp(b->key.wh.p, neg[k].wh, neg[k].whlen) == 0)
				{
					touched = true;
					matched = b->matched_out;
					if (b->out_ref.src >= 0)
						ref = b->out_ref;
				}
			if (!touched || lt_warehouse_allows_negative(neg[k].wh))
				continue;
			c = palloc(sizeof(NegCand));
			c->lot_id = l->lot_id;
			c->wh = (char *) neg[k].wh;
			c->item = str_c(l->key.item);
			c->code = str_c(l->key.code);
			c->variant = l->key.variant.p ? str_c(l->key.variant) : NULL;
			c->on_hand = neg[k].on_hand;
			c->ref = ref;
			c->matched = matched;
			e->negs = lappend(e->negs, c);
		}
		MemoryContextSwitchTo(old);
	}
}

/* Turn a not-yet-existing lot's balances into moves for the final chunk. */
static void
carry_lot(LtEngine *e, LotEnt *l)
{
	MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

	for (BalEnt *b = l->bals; b; b = b->next)
	{
		LtMove	   *m;
		int			c = num_cmp(b->net.n, e->zero);

		if (c == 0)
			continue;
		m = palloc0(sizeof(LtMove));
		m->it = l->it;
		m->item = str_copy(e->stmt_cxt, l->key.item);
		m->variant = str_copy(e->stmt_cxt, l->key.variant);
		m->lot = str_copy(e->stmt_cxt, l->key.code);
		m->wh = str_copy(e->stmt_cxt, b->key.wh);
		m->qty = datumCopy(c > 0 ? b->net.n : DirectFunctionCall1(numeric_uminus, b->net.n), false, -1);
		m->dir = c;
		m->sign = 1;
		m->moved_on = l->gated ? l->max_unload : e->today;
		m->ref = (b->out_ref.src >= 0) ? b->out_ref : l->unload_ref;
		/* its unloads were not gated: keep them so */
		m->ungated = !l->gated;
		e->carry = lappend(e->carry, m);
	}
	l->carried = true;
	MemoryContextSwitchTo(old);
}

static int
str_cmp_bytes(LtStr a, LtStr b)
{
	int			c;

	if (a.p == NULL || b.p == NULL)
		return (a.p == NULL) - (b.p == NULL);	/* NULL last */
	c = memcmp(a.p, b.p, Min(a.len, b.len));
	if (c != 0)
		return c;
	return (a.len > b.len) - (a.len < b.len);
}

static int
lot_key_cmp(const void *x, const void *y)
{
	const LotEnt *a = *(LotEnt *const *) x;
	const LotEnt *b = *(LotEnt *const *) y;
	int			c = str_cmp_bytes(a->key.item, b->key.item);

	if (c == 0)
		c = str_cmp_bytes(a->key.code, b->key.code);
	if (c == 0)
		c = str_cmp_bytes(a->key.variant, b->key.variant);
	return c;
}

typedef void (*LotWriter) (LtEngine *e, LotEnt **lots, int n);

static void
prelock_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtStr	   *items = palloc(sizeof(LtStr) * n);
	LtStr	   *variants = palloc(sizeof(LtStr) * n);
	LtStr	   *codes = palloc(sizeof(LtStr) * n);
	Datum		args[3];

	for (int i = 0; i < n; i++)
	{
		items[i] = lots[i]->key.item;
		variants[i] = lots[i]->key.variant;
		codes[i] = lots[i]->key.code;
	}
	args[0] = lte_str_array(items, n, TEXTOID);
	args[1] = lte_str_array(variants, n, TEXTOID);
	args[2] = lte_str_array(codes, n, lt_lotcode_oid());
	lt_exec_batch(&lot_prelock_plan, args, NULL, false);
	SPI_freetuptable(SPI_tuptable);
}

/* Run a writer over lots (sorted) in slices, each in a fresh memory context. */
static void
write_sliced(LtEngine *e, LotWriter writer, LotEnt **lots, int n)
{
	for (int off = 0; off < n; off += LT_WRITE_SLICE)
	{
		MemoryContext old = MemoryContextSwitchTo(e->write_cxt);

		writer(e, lots + off, Min(LT_WRITE_SLICE, n - off));
		MemoryContextSwitchTo(old);
		MemoryContextReset(e->write_cxt);
	}
}

void
lte_flush_chunk(LtEngine *e, bool final)
{
	HASH_SEQ_STATUS hs;
	LotEnt	   *l;
	BatchEnt   *be;
	long		nlots;
	LotEnt	  **all,
			  **with_load,
			  **without;
	int			n = 0,
				nw = 0,
				nwo = 0;
	MemoryContext old;

	nlots = e->lots ? hash_get_num_entries(e->lots) : 0;
	if (nlots == 0)
		return;
	old = MemoryContextSwitchTo(e->chunk_cxt);
	e->nflush++;
	elog(DEBUG1, "lottrace: writing chunk %d (%ld lots)", e->nflush, nlots);

	/* 0. the balances' sums as numerics */
	hash_seq_init(&hs, e->lots);
	while ((l = hash_seq_search(&hs)) != NULL)
		for (BalEnt *b = l->bals; b; b = b->next)
		{
			lte_sum_fix(&b->net, e->zero);
			lte_sum_fix(&b->loaded, e->zero);
		}

	/*
	 * 1. write every lot, in key order: upsert the loaded ones, update the
	 * others
	 */
	all = palloc(sizeof(LotEnt *) * nlots);
	with_load = palloc(sizeof(LotEnt *) * nlots);
	without = palloc(sizeof(LotEnt *) * nlots);
	hash_seq_init(&hs, e->lots);
	while ((l = hash_seq_search(&hs)) != NULL)
		all[n++] = l;
	qsort(all, nlots, sizeof(LotEnt *), lot_key_cmp);
	for (int i = 0; i < n; i++)
	{
		if (lot_has_load(all[i]))
			with_load[nw++] = all[i];
		else
			without[nwo++] = all[i];
	}
	if (nw > 0 && nwo > 0)
	{
		/*
		 * Both kinds in one chunk: lock every existing lot first, in key
		 * order, so that two statements never hold locks in opposite orders.
		 */
		write_sliced(e, prelock_lots, all, n);
	}
	if (nw > 0)
		write_sliced(e, upsert_lots, with_load, nw);
	if (nwo > 0)
		write_sliced(e, update_lots, without, nwo);

	/* 2. lots that do not exist: carried to the end, or refused there */
	for (int i = 0; i < nwo; i++)
	{
		l = without[i];
		if (l->lot_id != 0)
			continue;
		if (!final)
			carry_lot(e, l);
		else if (e->mode != LT_REMOVE)
			LT_ERROR(e, ERRCODE_FOREIGN_KEY_VIOLATION, "lottrace_lot_unknown", l->unload_ref, NULL,
					 "Unloads must name a lot that has been loaded.",
					 "%s does not exist (unload from warehouse \"%s\")",
					 lot_name(l), str_show(l->unload_wh));
		else
			l->carried = true;	/* nothing to take out of a lot that is gone */
	}

	/* 3. rules on each lot, in key order (which lot a refusal names does not hang on the hash) */
	for (int i = 0; i < n; i++)
		if (!all[i]->carried)
			check_lot(e, all[i]);

	/* 4. production batch members */
	{
		long		nbt = e->batches ? hash_get_num_entries(e->batches) : 0;

		if (nbt > 0)
		{
			LtStr	   *keys = palloc(sizeof(LtStr) * nbt);
			LtStr	   *roles = palloc(sizeof(LtStr) * nbt);
			int64	   *ids = palloc(sizeof(int64) * nbt);
			Datum	   *qty = palloc(sizeof(Datum) * nbt);
			int32	   *nrows = palloc(sizeof(int32) * nbt);
			int			n = 0;
			bool		shrink = false;

			hash_seq_init(&hs, e->batches);
			while ((be = hash_seq_search(&hs)) != NULL)
			{
				if (be->key.lot->carried)
					continue;
				keys[n] = be->key.batch;
				roles[n] = (be->key.role == 'i') ? (LtStr) {"input", 5} : (LtStr) {"output", 6};
				ids[n] = be->key.lot->lot_id;
				qty[n] = be->qty;
				nrows[n] = be->nrows;
				/* fewer rows, or a quantity taken out (a reversal) */
				if (be->nrows < 0 || num_cmp(be->qty, e->zero) < 0)
					shrink = true;
				n++;
			}
			if (n > 0)
			{
				Datum		args[5];

				args[0] = lte_str_array(keys, n, TEXTOID);
				args[1] = lte_str_array(roles, n, TEXTOID);
				args[2] = lt_array_int8(ids, n);
				args[3] = lt_array_numeric(qty, NULL, n);
				args[4] = lt_array_int4(nrows, n);
				lt_exec_batch(&batch_upsert_plan, args, NULL, false);
				if (shrink)
					lt_exec_batch(&batch_cleanup_plan, args, NULL, false);
			}
		}
	}

	/* 5. shelf life (engine_shelf.c): expiry from components, minimums */
	lte_shelf_chunk(e);

	MemoryContextSwitchTo(old);
	lte_chunk_reset(e, !final);
}

/* ------------------------------------------------------------------------
 * End of statement: negative stock
 * ------------------------------------------------------------------------
 */

void
lte_check_negatives(LtEngine *e)
{
	ListCell   *lc;

	if (e->negs == NIL)
		return;
	if (e->nflush > 1)
	{
		/* a later chunk may have brought the stock back: read it again */
		int			n = list_length(e->negs);
		int64	   *ids = palloc(sizeof(int64) * n);
		LtStr	   *whs = palloc(sizeof(LtStr) * n);
		NegCand   **cs = palloc(sizeof(NegCand *) * n);
		Datum		args[2];
		uint64		nr;
		int			i = 0;
		List	   *still = NIL;

		foreach(lc, e->negs)
		{
			NegCand    *c = lfirst(lc);

			cs[i] = c;
			ids[i] = c->lot_id;
			whs[i] = (LtStr) {c->wh, (int) strlen(c->wh)};
			i++;
		}
		args[0] = lt_array_int8(ids, n);
		args[1] = lte_str_array(whs, n, TEXTOID);
		/*
		 * Not read-only: a read-only SPI query runs on the statement's
		 * snapshot, before the chunks' own writes, and would read the
		 * stock as it was before the statement.
		 */
		nr = lt_exec_batch(&neg_recheck_plan, args, NULL, false);
		for (uint64 r = 0; r < nr; r++)
		{
			int64		k = lt_getint8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, NEG_I, NULL) - 1;
			char	   *oh = lt_getstr(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, NEG_ON_HAND);

			if (k < 0 || k >= n)
				continue;
			cs[k]->on_hand = DirectFunctionCall3(numeric_in, CStringGetDatum(oh),
												 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
			still = lappend(still, cs[k]);
		}
		e->negs = still;
	}
	foreach(lc, e->negs)
	{
		NegCand    *c = lfirst(lc);
		char	   *name = c->variant
			? psprintf("lot \"%s\" of item \"%s\" variant \"%s\"", lt_show(c->code, -1),
					   lt_show(c->item, -1), lt_show(c->variant, -1))
			: psprintf("lot \"%s\" of item \"%s\"", lt_show(c->code, -1), lt_show(c->item, -1));

		/*
		 * A DELETE on a partitioned table, a row coming back (its partners
		 * may come back later in the transaction), or stock that a deletion
		 * of this transaction left negative: judged at commit (moves.c).
		 */
		if (e->deferring || c->matched || lt_moves_neg_waiting(c->lot_id, c->wh))
		{
			lt_moves_defer_neg(c->lot_id, c->wh, name, lte_row_desc(e, c->ref, NULL), e->ri->relid);
			e->need_check = true;
			continue;
		}
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_negative_stock", c->ref, NULL,
				 "Warehouses marked allow_negative in lottrace.warehouse may go below zero.",
				 "stock of %s in warehouse \"%s\" would be %s",
				 name, lt_show(c->wh, -1), num_str(c->on_hand));
	}
}


/* ------------------------------------------------------------------------
 * End of statement: reservations and holds
 *
 * The statement's documents consume their reservations, then every balance
 * of a claimed lot it took stock out of is judged against the reservations
 * of other documents and the holds, as the register is now
 * (lottrace._claims_check; its first refusal is raised here, naming the row).
 * ------------------------------------------------------------------------
 */

static LtPlan claims_check_plan = {
	.sql = "SELECT c.i, c.conname, c.message, c.hint"
	"  FROM lottrace._claims_check($1, $2, $3, $4, $5, $6, $7, $8) c",
	.args = "pg_catalog.int8[], pg_catalog.text[], pg_catalog.numeric[], pg_catalog.bool[], "
	"pg_catalog.int8[], pg_catalog.text[], pg_catalog.text[], pg_catalog.numeric[]"
};
/* its result columns */
enum
{
	CLC_I = 1, CLC_CONNAME, CLC_MESSAGE, CLC_HINT
};

void
lte_check_claims(LtEngine *e)
{
	int			n = list_length(e->claims);
	int			nd = list_length(e->claim_docs);
	int64	   *ids,
			   *dids;
	LtStr	   *whs,
			   *dwhs,
			   *docs;
	Datum	   *nets,
			   *dqty;
	Datum	   *gated;
	ClaimCand **cs;
	Datum		args[8];
	int			i;
	ListCell   *lc;
	uint64		nr;

	if (n == 0 && nd == 0)
		return;
	ids = palloc(sizeof(int64) * Max(n, 1));
	whs = palloc(sizeof(LtStr) * Max(n, 1));
	nets = palloc(sizeof(Datum) * Max(n, 1));
	gated = palloc(sizeof(Datum) * Max(n, 1));
	cs = palloc(sizeof(ClaimCand *) * Max(n, 1));
	i = 0;
	foreach(lc, e->claims)
	{
		ClaimCand  *c = lfirst(lc);

		cs[i] = c;
		ids[i] = c->lot_id;
		whs[i] = (LtStr) {c->wh, (int) strlen(c->wh)};
		nets[i] = c->net;
		gated[i] = BoolGetDatum(c->gated);
		i++;
	}
	dids = palloc(sizeof(int64) * Max(nd, 1));
	dwhs = palloc(sizeof(LtStr) * Max(nd, 1));
	docs = palloc(sizeof(LtStr) * Max(nd, 1));
	dqty = palloc(sizeof(Datum) * Max(nd, 1));
	i = 0;
	foreach(lc, e->claim_docs)
	{
		ClaimDoc   *d = lfirst(lc);

		dids[i] = d->lot_id;
		dwhs[i] = (LtStr) {d->wh, (int) strlen(d->wh)};
		docs[i] = (LtStr) {d->doc, (int) strlen(d->doc)};
		dqty[i] = d->qty;
		i++;
	}
	args[0] = lt_array_int8(ids, n);
	args[1] = lte_str_array(whs, n, TEXTOID);
	args[2] = lt_array_numeric(nets, NULL, n);
	args[3] = PointerGetDatum(construct_array(gated, n, BOOLOID, 1, true, TYPALIGN_CHAR));
	args[4] = lt_array_int8(dids, nd);
	args[5] = lte_str_array(dwhs, nd, TEXTOID);
	args[6] = lte_str_array(docs, nd, TEXTOID);
	args[7] = lt_array_numeric(dqty, NULL, nd);
	/* not read-only: it must see the statement's own writes */
	nr = lt_exec(&claims_check_plan, args, NULL, false, 1);
	if (nr > 0)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		int64		k = lt_getint8(t, d, CLC_I, NULL) - 1;
		char	   *conname = pstrdup(lt_getstr(t, d, CLC_CONNAME));
		char	   *message = pstrdup(lt_getstr(t, d, CLC_MESSAGE));
		char	   *hint = lt_getstr(t, d, CLC_HINT);
		RowRef		ref = (k >= 0 && k < n) ? cs[k]->ref : no_row;

		if (hint)
			hint = pstrdup(hint);
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, conname, ref, NULL, hint, "%s", message);
	}
	e->claims = NIL;
	e->claim_docs = NIL;
}

/*
 * Rows that reserve (reserve_when), as one statement: lottrace._row_reserve
 * adds what new rows reserve and takes back what old rows did, per lot,
 * warehouse and document, before the statement's checks.
 */
static LtPlan row_reserve_plan = {
	.sql = "SELECT lottrace._row_reserve($1, $2, $3, $4, $5, $6, $7)",
	.args = "pg_catalog.regclass, pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], "
	"pg_catalog.text[], pg_catalog.text[], pg_catalog.numeric[]"
};

void
lte_apply_row_reservations(LtEngine *e)
{
	int			n = list_length(e->row_res);
	LtStr	   *s[5];
	Datum	   *qty;
	Datum		args[7];
	ListCell   *lc;
	int			i = 0;

	if (n == 0)
		return;
	for (int k = 0; k < 5; k++)
		s[k] = palloc(sizeof(LtStr) * n);
	qty = palloc(sizeof(Datum) * n);
	foreach(lc, e->row_res)
	{
		RowRes	   *r = lfirst(lc);

		s[0][i] = r->item;
		s[1][i] = r->variant;
		s[2][i] = r->lot;
		s[3][i] = r->wh;
		s[4][i] = r->doc;
		qty[i] = r->qty;
		i++;
	}
	args[0] = ObjectIdGetDatum(e->ri->root);
	for (int k = 0; k < 5; k++)
		args[k + 1] = lte_str_array(s[k], n, TEXTOID);
	args[6] = lt_array_numeric(qty, NULL, n);
	lt_exec(&row_reserve_plan, args, NULL, false, 0);
	e->row_res = NIL;
}

/* ------------------------------------------------------------------------
 * End of statement: receipts against what suppliers announced (EPCIS)
 * ------------------------------------------------------------------------
 */

static LtPlan receipt_check_plan = {
	.sql = "SELECT c.i, c.message, c.hint FROM lottrace._check_receipts($1, $2) c",
	.args = "pg_catalog.int8[], pg_catalog.text[]"
};

void
lte_check_receipts(LtEngine *e)
{
	int			n = list_length(e->receipts);
	int64	   *ids;
	LtStr	   *accts;
	ReceiptCand **cs;
	Datum		args[2];
	ListCell   *lc;
	int			i = 0;

	if (n == 0)
		return;
	ids = palloc(sizeof(int64) * n);
	accts = palloc(sizeof(LtStr) * n);
	cs = palloc(sizeof(ReceiptCand *) * n);
	foreach(lc, e->receipts)
	{
		ReceiptCand *c = lfirst(lc);

		cs[i] = c;
		ids[i] = c->lot_id;
		accts[i] = (LtStr) {c->account, (int) strlen(c->account)};
		i++;
	}
	args[0] = lt_array_int8(ids, n);
	args[1] = lte_str_array(accts, n, TEXTOID);
	/* not read-only: it must see the statement's own writes */
	if (lt_exec(&receipt_check_plan, args, NULL, false, 1) > 0)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		int64		k = lt_getint8(t, d, 1, NULL) - 1;
		char	   *message = pstrdup(lt_getstr(t, d, 2));
		char	   *hint = lt_getstr(t, d, 3);

		if (hint)
			hint = pstrdup(hint);
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_receipt_mismatch",
				 (k >= 0 && k < n) ? cs[k]->ref : no_row, NULL, hint, "%s", message);
	}
	e->receipts = NIL;
}
