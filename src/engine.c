/*
 * engine.c — the set-based tracking engine (see engine.h): the statement,
 * row intake and the per-row rules.  A chunk's lots are written by
 * engine_lots.c, the serials by engine_serials.c (shared declarations in
 * engine_int.h; what they share is in engine_common.c).
 *
 * One LtEngine lives for one statement on an attached table (or one
 * backfill / detach).  Per row it does only in-memory work: extract the
 * mapped columns, check the per-row rules, add the quantity to a hash of
 * (lot, warehouse) balances, queue serial moves in a tuplesort and add
 * production members to a hash of batches.  The registers are written in
 * chunks of at most LT_CHUNK_BYTES of memory, each chunk with a handful of
 * batch statements (unnest() of arrays), so memory stays bounded however
 * large the statement is; a statement whose lots do not fit one chunk is
 * read in lot passes (below), so each lot is written once.
 *
 * Stock rules are judged on the final state of the statement:
 *  - a balance that is negative after some chunk is remembered and read
 *    again at the end;
 *  - an unload of a lot that does not exist yet is carried to the end, in
 *    case a later chunk of the same statement creates it;
 *  - serial moves are sorted by serial, so each serial's moves are judged
 *    together by their net effect per warehouse.
 * Locks are taken in a fixed order (lots by their key (item, code,
 * variant), serials by serial_id) so concurrent statements cannot deadlock
 * on the registers.
 */
#include "postgres.h"

#include "engine_int.h"
#include "row.h"

/* ------------------------------------------------------------------------
 * Reading a row
 * ------------------------------------------------------------------------
 */

/*
 * The value of a mapped column: the row's own, or the one its key reads
 * from the referenced table (engine_lookups.c).
 */
static inline void
col_value(LtEngine *e, TupleTableSlot *slot, LtCol *c, LtColId id, Datum *d, bool *isnull)
{
	*d = slot->tts_values[c->attnum - 1];
	*isnull = slot->tts_isnull[c->attnum - 1];
	if (c->lk)
		lte_lookup(e, id, *d, *isnull, d, isnull);
	else if (*isnull && c->alt_attnum)
	{
		/* 'a | b' */
		*d = slot->tts_values[c->alt_attnum - 1];
		*isnull = slot->tts_isnull[c->alt_attnum - 1];
	}
}

/* The mapped columns of a row, through the one decoder (row.h). */
static LtStr
col_str(LtEngine *e, TupleTableSlot *slot, LtColId id)
{
	LtCol	   *c = &e->ri->col[id];
	LtStr		s;
	Datum		d;
	bool		isnull;

	if (c->attnum == 0)
		return (LtStr) {NULL, 0};
	col_value(e, slot, c, id, &d, &isnull);
	s.p = lt_col_text(c, d, isnull, &s.len);
	if (s.p == NULL)
		s.len = 0;
	return s;
}

static bool
col_qty(LtEngine *e, TupleTableSlot *slot, Datum *qty)
{
	LtCol	   *c = &e->ri->col[LC_QTY];

	if (!lt_col_qty(c, slot->tts_values[c->attnum - 1], slot->tts_isnull[c->attnum - 1], qty))
		return false;

	/*
	 * Unpacked here, in the row's memory: a numeric of the row is stored
	 * with a short header, and every numeric_add would otherwise unpack a
	 * copy of it in the chunk's memory, which lives as long as the chunk.
	 */
	*qty = PointerGetDatum(PG_DETOAST_DATUM(*qty));
	return true;
}

static bool
col_date(LtEngine *e, TupleTableSlot *slot, LtColId id, DateADT *out)
{
	LtCol	   *c = &e->ri->col[id];
	Datum		d;
	bool		isnull;

	if (c->attnum == 0)
		return false;
	col_value(e, slot, c, id, &d, &isnull);
	return lt_col_date(c, d, isnull, out);
}

/*
 * The lot master data of a row (attach's production_date, best_before,
 * attributes), checked on rows being applied: a production date is a real
 * day, a best-before date is not -infinity, attributes are a JSON object
 * (SQL NULL and JSON null: none).  A removed row's values are not used.
 */
static char *mv_what(const LtMove *m);
static void
read_lot_data(LtEngine *e, TupleTableSlot *slot, LtMove *m)
{
	LtCol	   *c = &e->ri->col[LC_ATTRIBUTES];
	bool		check = !m->lenient && e->mode != LT_REMOVE;

	if (m->lenient)
		return;
	m->has_production_date = col_date(e, slot, LC_PRODUCTION_DATE, &m->production_date);
	if (m->has_production_date && DATE_NOT_FINITE(m->production_date) && check)
		LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m->ref,
				 lt_row_key(e->ri, slot), "Give the day the lot was made, or NULL when it is not known.",
				 "production date of %s is %s", mv_what(m), date_str(m->production_date));
	m->has_best_before = col_date(e, slot, LC_BEST_BEFORE, &m->best_before);
	if (m->has_best_before && DATE_IS_NOBEGIN(m->best_before) && check)
		LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m->ref,
				 lt_row_key(e->ri, slot),
				 "Give a real best-before date, infinity for none that ever passes, or NULL.",
				 "best-before date of %s is -infinity", mv_what(m));
	m->attributes = (Datum) 0;
	if (c->attnum != 0)
	{
		Datum		d;
		bool		isnull;
		Jsonb	   *jb;

		col_value(e, slot, c, LC_ATTRIBUTES, &d, &isnull);
		if (isnull)
			return;
		jb = DatumGetJsonbP(d);
		if (JB_ROOT_IS_SCALAR(jb))
		{
			JsonbValue	v;

			/* JSON null: none */
			if (JsonbExtractScalar(&jb->root, &v) && v.type == jbvNull)
				return;
		}
		if (!JB_ROOT_IS_OBJECT(jb) && check)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_attributes", m->ref,
					 lt_row_key(e->ri, slot),
					 "Lot attributes are a JSON object of properties, {\"key\": value, ...}.",
					 "attributes of %s are not a JSON object: %s", mv_what(m),
					 lt_show(JsonbToCString(NULL, &jb->root, VARSIZE(jb)), -1));
		m->attributes = PointerGetDatum(jb);
	}
}

/* Does a predicate hold for the row?  Evaluated as the table's owner. */
static bool
holds(LtEngine *e, struct ExprState *state, TupleTableSlot *slot)
{
	ExprContext *ec = GetPerTupleExprContext(e->pred_estate);
	Oid			user;
	int			sec;
	bool		r;

	GetUserIdAndSecContext(&user, &sec);
	SetUserIdAndSecContext(e->ri->owner,
						   sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	ec->ecxt_scantuple = slot;
	r = ExecQual(state, ec);
	SetUserIdAndSecContext(user, sec);
	ResetExprContext(ec);
	return r;
}

/* ------------------------------------------------------------------------
 * Engine life cycle
 * ------------------------------------------------------------------------
 */

LtEngine *
lt_engine_begin(LtRelInfo *ri, LtMode mode)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "lottrace statement",
											  ALLOCSET_DEFAULT_SIZES);
	LtEngine   *e = MemoryContextAllocZero(cxt, sizeof(LtEngine));

	e->ri = ri;
	e->mode = mode;
	e->stmt_cxt = cxt;
	e->chunk_cxt = AllocSetContextCreate(cxt, "lottrace chunk", ALLOCSET_DEFAULT_SIZES);
	e->row_cxt = AllocSetContextCreate(cxt, "lottrace row", ALLOCSET_SMALL_SIZES);
	e->write_cxt = AllocSetContextCreate(cxt, "lottrace write", ALLOCSET_DEFAULT_SIZES);
	e->today = GetSQLCurrentDate();
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		e->zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
		MemoryContextSwitchTo(old);
	}
	e->created_sorted = true;
	if (ri->pred && mode == LT_STRICT)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		e->pred_estate = CreateExecutorState();
		e->pred_state = ExecPrepareQual(list_make1(copyObject(ri->pred)), e->pred_estate);
		if (ri->unload_pred)
			e->unload_state = ExecPrepareQual(list_make1(copyObject(ri->unload_pred)),
											  e->pred_estate);
		if (ri->reserve_pred)
			e->reserve_state = ExecPrepareQual(list_make1(copyObject(ri->reserve_pred)),
											   e->pred_estate);
		MemoryContextSwitchTo(old);
	}
	lt_config_refresh();
	lte_chunk_reset(e, true);
	return e;
}

void
lt_engine_source(LtEngine *e, int src, Tuplestorestate *ts, TupleDesc desc)
{
	e->src_ts[src] = ts;
	e->src_desc[src] = desc;
}

/* ------------------------------------------------------------------------
 * Aggregation
 * ------------------------------------------------------------------------
 */


static LotEnt *
lot_entry(LtEngine *e, LtMove *m)
{
	LotKey		key = {m->item, m->variant, m->lot};
	bool		found;
	LotEnt	   *l = e->last_lot;

	if (l != NULL && str_eq(l->key.code, m->lot) && str_eq(l->key.item, m->item) &&
		str_eq(l->key.variant, m->variant))
		return l;
	if (unlikely(e->lots == NULL))
		e->lots = lte_lots_table(e);
	l = hash_search(e->lots, &key, HASH_ENTER, &found);
	e->last_lot = l;

	if (!found)
	{
		LotKey		k = l->key;

		memset(l, 0, sizeof(*l));
		/* the item cache's string lives as long as the statement */
		if (m->it != NULL && m->it->item != NULL && k.item.p == m->it->item)
			l->key.item = k.item;
		else
			l->key.item = str_keep(e, k.item);
		l->key.variant = str_keep(e, k.variant);
		if (k.code.p != NULL && k.code.len < LT_CODE_INLINE)
		{
			memcpy(l->code_buf, k.code.p, k.code.len);
			l->code_buf[k.code.len] = '\0';
			l->key.code = (LtStr) {l->code_buf, k.code.len};
		}
		else
			l->key.code = str_keep(e, k.code);
		l->it = m->it;
		l->ld = (LotLoad *) &lte_no_load;
		l->max_unload_ref = l->unload_ref = no_row;
	}
	return l;
}

/* ------------------------------------------------------------------------
 * Lot passes
 *
 * A chunk holds some tens of thousands of lots.  A statement with more, in
 * an order that keeps coming back to them (an import in document order, a
 * mass update), would write each lot once per chunk it appears in.  When a
 * chunk is three quarters full, lt_engine_run counts the lots of the rows
 * left (estimate_lot, plan_passes) and, where it saves writes, reads those
 * rows once per pass: the first pass goes on with the chunk's lots, each
 * later one takes the lots of one hash partition of the others.  Each
 * pass's chunk then holds every move of its lots, so each lot is written
 * once.  The first pass judges every row and takes the serials and
 * reservations; later passes skip the rows of other lots before judging.
 * ------------------------------------------------------------------------
 */

/* A lot, by a hash mixed apart from the one the chunk's own table uses
 * (which takes its low bits). */
static uint32
pass_hash(const LotKey *key)
{
	return murmurhash32(lte_lotkey_hash(key, sizeof(LotKey)));
}

static uint32
move_lot_hash(LtMove *m)
{
	LotKey		key = {m->item, m->variant, m->lot};

	return pass_hash(&key);
}

static bool
first_lot(LtEngine *e, uint32 h)
{
	bool		found;

	hash_search(e->first_lots, &h, HASH_FIND, &found);
	return found;
}

/* The pass that takes the move's lot: 0 for the full chunk's lots. */
static int
lot_pass(LtEngine *e, LtMove *m)
{
	uint32		h = move_lot_hash(m);

	return first_lot(e, h) ? 0 : 1 + (int) (h % (uint32) (e->npass - 1));
}

/*
 * Does a later pass read row `row`?  Pass 0 wrote down the pass of each
 * row's lots (old and new version), so the others skip the rows of other
 * lots without decoding them.
 */
static bool
row_in_pass(LtEngine *e, int64 row)
{
	for (int s = 0; s < 2; s++)
		if (e->pass_of[s] && e->pass_of[s][row - e->pass_from] == e->pass)
			return true;
	return false;
}

static HTAB *
hash_set(LtEngine *e, const char *name, long n)
{
	HASHCTL		ctl;

	ctl.keysize = ctl.entrysize = sizeof(uint32);
	ctl.hcxt = e->stmt_cxt;
	return hash_create(name, n, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Count a lot of the rows left: the distinct ones outside the first pass,
 * and the writes chunks would make of them all as the rows come.
 */
static void
estimate_lot(LtEngine *e, LtMove *m)
{
	uint32		h = move_lot_hash(m);
	bool		found;

	e->est_rows++;
	if (!first_lot(e, h))
		addHyperLogLog(&e->est_lots, h);
	hash_search(e->est_chunk, &h, HASH_ENTER, &found);
	if (!found && hash_get_num_entries(e->est_chunk) >= e->est_cap)
	{
		/* a chunk this full is written: start the next one */
		e->est_writes += hash_get_num_entries(e->est_chunk);
		hash_destroy(e->est_chunk);
		e->est_chunk = hash_set(e, "lottrace lot estimate", e->est_cap);
	}
}

/* Put one move into the chunk's aggregates. */
static void
add_lot_move(LtEngine *e, LtMove *m)
{
	LotEnt	   *l = lot_entry(e, m);
	BalKey		bk;
	BalEnt	   *b;
	bool		found;
	MemoryContext old;

	bk.lot = l;
	bk.wh = m->wh;
	b = NULL;
	found = false;
	if (l->nbals <= LT_BAL_LIST)
	{
		for (b = l->bals; b; b = b->next)
			if (str_eq(b->key.wh, m->wh))
				break;
		found = (b != NULL);
	}
	else
	{
		BalIdx	   *x = hash_search(e->bals, &bk, HASH_FIND, &found);

		b = found ? x->bal : NULL;
	}
	if (!found)
	{
		/* the warehouse right after the balance: one place in memory */
		b = lte_keep(e, sizeof(BalEnt) + (m->wh.p ? m->wh.len + 1 : 0), true);
		b->key.lot = l;
		b->key.wh = m->wh;
		if (m->wh.p != NULL)
		{
			char	   *w = (char *) (b + 1);

			memcpy(w, m->wh.p, m->wh.len);
			w[m->wh.len] = '\0';
			b->key.wh.p = w;
		}
		memset(&b->loaded, 0, sizeof(LtSum));
		memset(&b->net, 0, sizeof(LtSum));
		b->out_ref = no_row;
		b->matched_out = false;
		b->gated_ref = no_row;
		b->docs = NULL;
		b->next = l->bals;
		l->bals = b;
		l->nbals++;
		e->nbal++;
		if (l->nbals > LT_BAL_LIST)
		{
			/* a lot in many warehouses: index its balances */
			if (e->bals == NULL)
				e->bals = lte_chunk_hash(e, "lottrace balances", sizeof(BalKey), sizeof(BalIdx),
									 lte_balkey_hash, lte_balkey_match);
			for (BalEnt *y = b; y; y = y->next)
			{
				BalIdx	   *x = hash_search(e->bals, &y->key, HASH_ENTER, NULL);

				x->bal = y;
				if (l->nbals > LT_BAL_LIST + 1)
					break;		/* the lot's others are in already */
			}
		}
	}

	old = MemoryContextSwitchTo(e->chunk_cxt);
	sum_acc(&b->net, m->qty, m->dir * m->sign < 0, e->zero);
	if (m->dir > 0)
		sum_acc(&b->loaded, m->qty, m->sign < 0, e->zero);
	if (m->dir * m->sign < 0 && b->out_ref.src < 0)
		b->out_ref = m->ref;
	if (m->dir * m->sign < 0 && m->matched)
		b->matched_out = true;

	if (m->sign > 0 && m->dir > 0)
	{
		/* a load */
		if (!lot_has_load(l))
		{
			l->ld = lte_keep(e, sizeof(LotLoad), true);
			*l->ld = lte_no_load;
			l->ld->load_ref = m->ref;
			l->ld->start = m->moved_on;
			l->ld->has_expiry = m->has_expiry;
			l->ld->expiry = m->expiry;
			/* a load coming back says nothing about the supplier */
			l->ld->account = m->matched ? (LtStr) {NULL, 0} : str_keep(e, m->account);
			l->ld->supplier_lot = str_keep(e, m->supplier_lot);
			l->ld->load_wh = b->key.wh;
			l->ld->first_qty = datumCopy(m->qty, false, -1);
			if (e->ri->has_lot_data)
			{
				l->ld->has_production_date = m->has_production_date;
				l->ld->production_date = m->production_date;
				l->ld->has_best_before = m->has_best_before;
				l->ld->best_before = m->best_before;
				l->ld->attributes = m->attributes ? DatumGetJsonbPCopy(m->attributes) : NULL;
			}
		}
		else if (m->matched)
			;					/* judged when it was first written */
		else if (m->it->single_supplier && m->account.p && l->ld->account.p &&
				 !str_eq(m->account, l->ld->account) && l->ld->acct2.p == NULL)
		{
			l->ld->acct2 = str_keep(e, m->account);
			l->ld->acct2_ref = m->ref;
			l->ld->acct2_wh = b->key.wh;
		}
		else if (m->it->single_supplier && m->account.p && l->ld->account.p == NULL)
			l->ld->account = str_keep(e, m->account);
		if (m->reason && m->reason->new_lot_only && !l->ld->new_lot_only && !m->matched &&
			!m->lenient)
		{
			l->ld->new_lot_only = true;
			l->ld->nlo_ref = m->ref;
			l->ld->nlo_reason = m->reason->code;
			l->ld->nlo_wh = b->key.wh;
		}
	}
	else if (m->sign > 0 && m->dir < 0)
	{
		/* an unload */
		if (l->unload_ref.src < 0)
		{
			l->unload_ref = m->ref;
			l->unload_wh = b->key.wh;
		}
		if (!m->matched && !m->lenient && m->doc.p && m->it->claims_seen)
		{
			/* it may consume its document's reservation */
			DocQty	   *dq;

			for (dq = b->docs; dq; dq = dq->next)
				if (str_eq(dq->doc, m->doc))
					break;
			if (dq == NULL)
			{
				dq = palloc(sizeof(DocQty));
				dq->doc = str_copy(e->chunk_cxt, m->doc);
				dq->qty = e->zero;
				dq->next = b->docs;
				b->docs = dq;
			}
			num_acc(&dq->qty, m->qty, false, e->zero);
		}
		if (!m->matched && !m->lenient && !m->ungated)
		{
			if (b->gated_ref.src < 0)
				b->gated_ref = m->ref;
			if (!l->gated || m->moved_on > l->max_unload)
			{
				l->max_unload = m->moved_on;
				l->max_unload_ref = m->ref;
				l->max_unload_wh = b->key.wh;
			}
			l->gated = true;
		}
	}
	else
	{
		/* a reversal: if the lot is gone, name this row */
		if (l->unload_ref.src < 0)
		{
			l->unload_ref = m->ref;
			l->unload_wh = b->key.wh;
		}
		/* a row that stops counting leaves as an unload would: gated today */
		if (m->exiting && m->dir > 0 && !m->ungated &&
			(!l->gated || e->today > l->max_unload))
		{
			l->max_unload = e->today;
			l->max_unload_ref = m->ref;
			l->max_unload_wh = b->key.wh;
			l->gated = true;
		}
		if (m->exiting && m->dir > 0 && !m->ungated && b->gated_ref.src < 0)
			b->gated_ref = m->ref;
	}

	/* production genealogy */
	if (m->role && m->batch_key.p)
	{
		BatchKey	k;
		BatchEnt   *be;

		k.batch = m->batch_key;
		k.lot = l;
		k.role = m->role;
		if (e->batches == NULL)
			e->batches = lte_chunk_hash(e, "lottrace batches", sizeof(BatchKey), sizeof(BatchEnt),
									lte_batchkey_hash, lte_batchkey_match);
		be = hash_search(e->batches, &k, HASH_ENTER, &found);
		if (!found)
		{
			be->key.batch = str_copy(e->chunk_cxt, m->batch_key);
			be->qty = e->zero;
			be->nrows = 0;
		}
		num_acc(&be->qty, m->qty, m->sign < 0, e->zero);
		/* rows behind the member: a reversal is a row of its own */
		be->nrows += (m->ref.src == LT_SRC_OLD) ? -1 : 1;
	}
	MemoryContextSwitchTo(old);
}

/*
 * A row that reserves (reserve_when): kept for the end of the statement,
 * when lottrace._row_reserve adds (a new row) or takes back (an old one)
 * what it reserves.
 */
static void
add_row_reservation(LtEngine *e, LtMove *m, LtStr wh)
{
	MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);
	RowRes	   *r = palloc(sizeof(RowRes));

	r->item = str_copy(e->stmt_cxt, m->item);
	r->variant = str_copy(e->stmt_cxt, m->variant);
	r->lot = str_copy(e->stmt_cxt, m->lot);
	r->wh = str_copy(e->stmt_cxt, wh);
	r->doc = str_copy(e->stmt_cxt, m->doc);
	r->qty = m->sign < 0 ? DirectFunctionCall1(numeric_uminus, m->qty) : datumCopy(m->qty, false, -1);
	e->row_res = lappend(e->row_res, r);
	MemoryContextSwitchTo(old);
}

/* Queue a serial move for the end of the statement. */
static void
add_serial_move(LtEngine *e, LtMove *m)
{
	TupleTableSlot *slot;
	Datum	   *v;
	bool	   *n;
	MemoryContext old;

	if (e->serials == NULL)
	{
		TupleDesc	d;
		AttrNumber	keys[4] = {SM_ITEM, SM_VARIANT, SM_CODE, SM_ROWNO};
		Oid			ops[4] = {TextLessOperator, TextLessOperator, TextLessOperator, Int8LessOperator};
		Oid			colls[4] = {C_COLLATION_OID, C_COLLATION_OID, C_COLLATION_OID, InvalidOid};
		bool		nf[4] = {true, true, true, false};

		old = MemoryContextSwitchTo(e->stmt_cxt);
		d = CreateTemplateTupleDesc(SM_NATTS);

		TupleDescInitEntry(d, SM_ITEM, "item", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_VARIANT, "variant", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_CODE, "code", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_WH, "wh", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_DIR, "dir", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_SIGN, "sign", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_LOT, "lot", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_DOC, "doc", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_MOVED_ON, "moved_on", DATEOID, -1, 0);
		TupleDescInitEntry(d, SM_ACCOUNT, "account", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_SRC, "src", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_ROWNO, "rowno", INT8OID, -1, 0);
		e->serial_desc = d;
		e->serial_slot = MakeSingleTupleTableSlot(d, &TTSOpsMinimalTuple);
		e->serials = tuplesort_begin_heap(d, 4, keys, ops, colls, nf,
										  Max(work_mem, 4096), NULL, TUPLESORT_NONE);
		MemoryContextSwitchTo(old);
	}
	/* the values live until the next row; the sort copies the tuple */
	old = MemoryContextSwitchTo(e->row_cxt);
	slot = e->serial_slot;
	ExecClearTuple(slot);
	v = slot->tts_values;
	n = slot->tts_isnull;
	memset(n, 0, sizeof(bool) * SM_NATTS);
#define SETSTR(att, s) do { if ((s).p) v[(att) - 1] = str_text(s); else n[(att) - 1] = true; } while (0)
	SETSTR(SM_ITEM, m->item);
	SETSTR(SM_VARIANT, m->variant);
	SETSTR(SM_CODE, m->serial);
	SETSTR(SM_WH, m->wh);
	v[SM_DIR - 1] = Int32GetDatum(m->dir);
	v[SM_SIGN - 1] = Int32GetDatum(m->sign);
	SETSTR(SM_LOT, m->lot);
	SETSTR(SM_DOC, m->doc);
	v[SM_MOVED_ON - 1] = DateADTGetDatum(m->moved_on);
	SETSTR(SM_ACCOUNT, m->account);
	v[SM_SRC - 1] = Int32GetDatum(m->ref.src);
	v[SM_ROWNO - 1] = Int64GetDatum(m->ref.rowno);
#undef SETSTR
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(e->serials, slot);
	ExecClearTuple(slot);
	MemoryContextSwitchTo(old);
	e->nserial++;
}

/*
 * What a movement is about, for messages: item "I" [variant "V"] [lot "L"]
 * [serial "S"] [in warehouse "W"].
 */
static char *
mv_what(const LtMove *m)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfo(&b, "item \"%s\"", str_show(m->item));
	if (m->variant.p)
		appendStringInfo(&b, " variant \"%s\"", str_show(m->variant));
	if (m->lot.p)
		appendStringInfo(&b, " lot \"%s\"", str_show(m->lot));
	if (m->serial.p)
		appendStringInfo(&b, " serial \"%s\"", str_show(m->serial));
	if (m->wh.p)
		appendStringInfo(&b, " in warehouse \"%s\"", str_show(m->wh));
	return b.data;
}

/*
 * The serials of a column holding several (attach's serial_separator): the
 * parts between separators without the ASCII blanks around them, empty
 * ones left out (as lottrace._serial_list() splits them), in the current
 * memory context.
 */
static LtStr *
split_serials(LtRelInfo *ri, LtStr s, int *n)
{
	LtStr	   *r = palloc(sizeof(LtStr) * (s.len / Max(ri->serial_sep_len, 1) + 2));
	int			i = 0;

	*n = 0;
	while (i <= s.len)
	{
		int			j = i;
		int			b,
					t;

		while (j < s.len &&
			   !(j + ri->serial_sep_len <= s.len &&
				 memcmp(s.p + j, ri->serial_sep, ri->serial_sep_len) == 0))
			j++;
		b = i;
		t = j;
		while (b < t && ascii_space((unsigned char) s.p[b]))
			b++;
		while (t > b && ascii_space((unsigned char) s.p[t - 1]))
			t--;
		if (t > b)
			r[(*n)++] = (LtStr) {s.p + b, t - b};
		i = j + ri->serial_sep_len;
	}
	return r;
}

/*
 * Validate a lot or serial code of a row (code syntax rule): a valid
 * lotcode / serialcode held as it is (no blanks around it), and, unless the
 * item has lottrace.item.gs1_codes = false, GS1 character set 82 only.  A
 * column of type lotcode / serialcode holds valid codes by its type: only
 * the GS1 rule is left for it.  A removed row (m->sign < 0) is never
 * refused: one with a code its type refuses could never have been
 * governed (false: skip it); one whose code is outside set 82 may have been
 * taken in while the item allowed it (true: take it out).  A bad character
 * is named in the words of the type's own error (lt_code_problem_phrase,
 * lt_bad_char_phrase: code point and character position).
 */
static bool
check_code_syntax(LtEngine *e, LtMove *m, LtStr code, bool serial, TupleTableSlot *slot)
{
	bool		lenient = m->lenient || e->mode == LT_REMOVE;
	const char *what = serial ? "serial" : "lot code";
	const char *hint;
	LtMove		other;
	char	   *c;
	char	   *rest;
	char	   *problem;

	/*
	 * The common case in one pass: 1 to 50 bytes of GS1 character set 82
	 * (ASCII, no blanks) are a valid code under both rules.
	 */
	if (code.len >= 1 && code.len <= LC_MAX_LEN &&
		lc_gs1_offset(code.p, code.len) == (size_t) code.len)
		return true;
	if (!e->ri->col[serial ? LC_SERIAL : LC_LOT].is_code)
	{
		lc_result	r = lt_parse_code(code.p, code.len, LC_MAX_LEN);

		if (r.status != LC_OK || r.start != 0 || r.len != (size_t) code.len)
		{
			if (lenient)
				return false;
			hint = "Codes are 1 to 50 letters, digits, punctuation marks or symbols, with single spaces inside.";
			if (r.status == LC_OK)
			{
				problem = "white space around the code";
				hint = "Remove the blanks: the ERP table must hold the code as it is.";
			}
			else if (r.status == LC_TOO_LONG)
				problem = psprintf("longer than %d characters (%zu)", LC_MAX_LEN, r.nchars);
			else if (r.status == LC_EMPTY)
				problem = "nothing but white space";
			else
				problem = lt_code_problem_phrase(code.p, code.len, &r);
			goto refuse;
		}
	}

	/* the GS1 rule: rows being applied, of items that keep to set 82 */
	if (lenient || !m->it->gs1_codes)
		return true;
	problem = lt_gs1_phrase(code.p, code.len);
	if (problem == NULL)
		return true;
	hint = psprintf("Item \"%s\" takes GS1 character set 82 only (A-Z a-z 0-9 ! \" %% & ' ( ) * + , - . / : ; < = > ? _): "
					"correct the code, or set lottrace.item.gs1_codes to false for the item.",
					str_show(m->item));

refuse:
	other = *m;
	c = str_show(code);
	/* the code is in the message already: the rest of what the row is about */
	if (serial)
		other.serial.p = NULL;
	else
		other.lot.p = NULL;
	rest = mv_what(&other);
	LT_ERROR(e, ERRCODE_INVALID_TEXT_REPRESENTATION, "lottrace_code_syntax", m->ref,
			 lt_row_key(e->ri, slot), hint,
			 "invalid %s \"%s\" (%s): %s", what, c, rest, problem);
	return false;
}

void
lt_engine_add(LtEngine *e, TupleTableSlot *slot, int src, int64 rowno)
{
	LtRelInfo  *ri = e->ri;
	LtMove		m;
	LtStr		reason_code;
	MemoryContext old;
	bool		strict = (e->mode == LT_STRICT);
	bool		checks = (e->mode != LT_REMOVE);
	int			qsign;
	LtMoveDel  *del = NULL;
	bool		two = (ri->col[LC_TO_WAREHOUSE].attnum != 0);
	int			nsides = 1;
	LtStr		side_wh[2];
	int			side_dir[2];
	LtStr		one_serial;
	LtStr	   *serials = &one_serial;
	int			nserials = 0;

	bool		reserving = false;
	bool		lot_here = true;	/* this pass takes the row's lot */

	if (e->pred_state && !holds(e, e->pred_state, slot))
	{
		/*
		 * not a movement (yet); maybe a row that reserves (reserve_when),
		 * taken in the first pass only
		 */
		if (e->reserve_state == NULL || e->pass > 0 || e->estimating ||
			!holds(e, e->reserve_state, slot))
			return;
		reserving = true;
	}
	CHECK_FOR_INTERRUPTS();
	if (!e->estimating)
		e->nrows++;
	MemoryContextReset(e->row_cxt);
	old = MemoryContextSwitchTo(e->row_cxt);

	memset(&m, 0, sizeof(m));
	m.ref.src = src;
	m.ref.rowno = rowno;
	m.sign = (src == LT_SRC_OLD) ? -1 : 1;
	/* a reserving row is refused nothing: what it says is not stock */
	m.lenient = (m.sign < 0) || reserving;
	m.exiting = (src == LT_SRC_OLD && e->exit_row);

	slot_getallattrs(slot);
	if (e->deferring && src == LT_SRC_OLD && !reserving)
	{
		/* a row leaves a partitioned table: it may come back in this transaction */
		uint8		fp[LT_FP_LEN];

		lt_moves_fingerprint(ri, slot, fp);
		del = lt_moves_record(fp);
		if (del == NULL)
			e->deferring = false;	/* too many wait: judged at the statement */
		else
		{
			if (rowno >= e->dels_cap)
			{
				int64		cap = Max(rowno + 1, e->dels_cap * 2);

				cap = Max(cap, 1024);
				e->dels = e->dels
					? repalloc_huge(e->dels, sizeof(LtMoveDel *) * cap)
					: MemoryContextAllocHuge(e->stmt_cxt, sizeof(LtMoveDel *) * cap);
				memset(e->dels + e->dels_cap, 0, sizeof(LtMoveDel *) * (cap - e->dels_cap));
				e->dels_cap = cap;
			}
			e->dels[rowno] = del;
		}
	}
	else if (e->matching && src == LT_SRC_NEW && lt_moves_waiting())
	{
		/* a row arrives: is it one that left in this transaction? */
		uint8		fp[LT_FP_LEN];
		LtMoveDel  *d;

		lt_moves_fingerprint(ri, slot, fp);
		if ((d = lt_moves_match(fp)) != NULL)
		{
			if (!d->effect)
				goto done;		/* it had none when it left */
			m.matched = m.lenient = true;
			m.skip_serial = lt_moves_held(d);
		}
	}
	m.item = col_str(e, slot, LC_ITEM);
	if (m.item.p == NULL)
		goto done;				/* no item: not governed */
	m.it = lt_item(m.item.p, m.item.len);
	if (!lt_item_governed(m.it))
		goto done;
	/* the same bytes, in the item cache: the lots of the chunk share them */
	if (m.it->item != NULL)
		m.item.p = m.it->item;

	m.wh = col_str(e, slot, LC_WAREHOUSE);

	/*
	 * A warehouse of white space only is missing, as an empty one is.  Only
	 * for rows being applied: a removed row is taken out where it was put,
	 * and versions before 1.1 took in such rows.
	 */
	if (!m.lenient && e->mode != LT_REMOVE && str_blank(m.wh))
		m.wh.p = NULL;
	m.variant = col_str(e, slot, LC_VARIANT);
	m.lot = col_str(e, slot, LC_LOT);
	if (e->estimating)
	{
		if (m.it->lot_tracked && m.lot.p != NULL)
			estimate_lot(e, &m);
		goto done;
	}
	if (e->npass > 1)
	{
		/*
		 * Lot passes: the first pass judges every row and takes its serials;
		 * each pass takes the lots of its partition.
		 */
		if (e->pass == 0)
		{
			int			p = (m.it->lot_tracked && m.lot.p != NULL)
				? lot_pass(e, &m) : LT_PASS_NONE;

			e->pass_of[src][rowno - e->pass_from] = (uint8) p;
			lot_here = (p == 0);
		}
		/* else: feed_rows brings only the rows of this pass's lots */
	}
	m.serial = col_str(e, slot, LC_SERIAL);
	m.doc = col_str(e, slot, LC_DOC);
	m.account = col_str(e, slot, LC_ACCOUNT);
	m.batch_key = col_str(e, slot, LC_BATCH_KEY);
	m.supplier_lot = col_str(e, slot, LC_SUPPLIER_LOT);
	if (!col_date(e, slot, LC_MOVED_ON, &m.moved_on))
		m.moved_on = e->today;
	else if (DATE_NOT_FINITE(m.moved_on))
	{
		/* a removed row is reversed as it was taken in: dated today */
		if (!m.lenient)
			LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m.ref,
					 lt_row_key(ri, slot), "Give the movement the date it happened on.",
					 "movement of %s in warehouse \"%s\" is dated %s",
					 lte_move_name(&m), m.wh.p ? str_c(m.wh) : "", date_str(m.moved_on));
		m.moved_on = e->today;
	}
	m.has_expiry = col_date(e, slot, LC_EXPIRY, &m.expiry);
	if (m.has_expiry && DATE_IS_NOBEGIN(m.expiry))
	{
		/* infinity: never expires; -infinity means nothing */
		if (!m.lenient)
			LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m.ref,
					 lt_row_key(ri, slot),
					 "Give a real expiry date, infinity for a lot that never expires, or NULL for the item's shelf life.",
					 "expiry date of %s in warehouse \"%s\" is -infinity",
					 lte_move_name(&m), m.wh.p ? str_c(m.wh) : "");
		m.has_expiry = false;
	}
	if (ri->has_lot_data)
		read_lot_data(e, slot, &m);

	/* reason and quantity */
	if (ri->col[LC_REASON].attnum != 0)
	{
		reason_code = col_str(e, slot, LC_REASON);
		m.reason = reason_code.p ? lt_reason(reason_code.p, reason_code.len) : NULL;
		if (m.reason == NULL || !m.reason->exists)
		{
			/* a removed row that could never have been governed: nothing to undo */
			if (m.lenient)
				goto done;
			LT_ERROR(e, ERRCODE_FOREIGN_KEY_VIOLATION, "lottrace_reason", m.ref,
					 lt_row_key(ri, slot),
					 "Add the reason to lottrace.reason, or correct the row.",
					 reason_code.p
					 ? "reason \"%s\" of the movement of %s is not in lottrace.reason"
					 : "the movement of %s has no reason%s",
					 reason_code.p ? str_show(reason_code) : mv_what(&m),
					 reason_code.p ? mv_what(&m) : "");
		}
	}
	if (!col_qty(e, slot, &m.qty))
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot), "Write the quantity moved.",
					 "the movement of %s has no quantity", mv_what(&m));
		goto done;
	}
	if (numeric_is_nan(DatumGetNumeric(m.qty)) || numeric_is_inf(DatumGetNumeric(m.qty)))
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot),
					 "A quantity must be a finite number; NaN and Infinity are not quantities.",
					 "quantity %s of %s is not a finite number",
					 num_str(m.qty), mv_what(&m));
		goto done;
	}
	qsign = num_cmp(m.qty, e->zero);
	if (qsign == 0 || (qsign < 0 && (m.reason != NULL || two) && !ri->signed_qty))
	{
		bool		positive = (m.reason != NULL || two) && !ri->signed_qty;

		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot),
					 !positive ? NULL :
					 two ? "With a source and a destination the quantity is written positive (or attach the table with signed_qty => true: a negative quantity then moves the other way)." :
					 "With a reason column the quantity is written positive; the reason gives the direction.",
					 positive ? "quantity of %s must be greater than zero"
					 : "quantity of %s must not be zero",
					 mv_what(&m));
		goto done;
	}
	if (qsign < 0)
		m.qty = DirectFunctionCall1(numeric_uminus, m.qty);
	if (m.reason)
	{
		m.dir = m.reason->sign;
		m.role = m.reason->production;
		m.ungated = m.reason->allow_unavailable;
	}

	if (two)
	{
		/*
		 * A source and a destination: only internal locations hold stock.
		 * Internal to internal is a transfer (two moves, the unload not
		 * gated); otherwise the one internal side is loaded or unloaded, and
		 * the other side's kind gives its meaning.
		 */
		LtStr		from = m.wh;
		LtStr		to = col_str(e, slot, LC_TO_WAREHOUSE);
		char		fk,
					tk;
		LtStr		other;
		char		ok;

		if (!m.lenient && e->mode != LT_REMOVE && str_blank(to))
			to.p = NULL;
		if (qsign < 0)
		{
			LtStr		x = from;

			from = to;
			to = x;
		}
		if (from.p == NULL || to.p == NULL)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_warehouse_required", m.ref,
						 lt_row_key(ri, slot), NULL,
						 "the movement of %s has no %s", mv_what(&m),
						 from.p == NULL ? "source location" : "destination location");
			goto done;
		}
		fk = lt_warehouse_kind(str_c(from));
		tk = lt_warehouse_kind(str_c(to));
		if (fk != LT_KIND_INTERNAL && tk != LT_KIND_INTERNAL)
			goto done;			/* between outside locations: no stock moves */
		if (fk == LT_KIND_INTERNAL && tk == LT_KIND_INTERNAL)
		{
			nsides = 2;
			side_wh[0] = from;
			side_dir[0] = -1;
			side_wh[1] = to;
			side_dir[1] = 1;
			other.p = NULL;
			ok = LT_KIND_INTERNAL;
		}
		else if (fk == LT_KIND_INTERNAL)
		{
			side_wh[0] = from;
			side_dir[0] = -1;
			other = to;
			ok = tk;
			if (!m.role && tk == LT_KIND_PRODUCTION)
				m.role = 'i';
			/*
			 * write-offs, and returns to the supplier, of expired or
			 * blocked stock
			 */
			if (tk == LT_KIND_SCRAP || tk == LT_KIND_INVENTORY || tk == LT_KIND_SUPPLIER)
				m.ungated = true;
		}
		else
		{
			side_wh[0] = to;
			side_dir[0] = 1;
			other = from;
			ok = fk;
			if (!m.role && fk == LT_KIND_PRODUCTION)
				m.role = 'o';
		}
		m.other_kind = ok;
		if (m.account.p == NULL && (ok == LT_KIND_SUPPLIER || ok == LT_KIND_CUSTOMER))
			m.account = other;
		m.wh = side_wh[0];
		m.dir = side_dir[0];
	}
	else if (m.reason)
	{
		/* a signed quantity against its reason's direction: a reversal */
		if (ri->signed_qty && qsign != m.dir)
			m.sign = -m.sign;
	}
	else
		m.dir = qsign;
	if (!two)
	{
		side_wh[0] = m.wh;
		side_dir[0] = m.dir;
	}

	if (m.wh.p == NULL)
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_warehouse_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "the movement of %s has no warehouse", mv_what(&m));
		goto done;
	}

	/* lot and serial */
	if (m.it->lot_tracked)
	{
		if (m.lot.p == NULL)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_lot_required", m.ref,
						 lt_row_key(ri, slot),
						 m.dir <= 0
						 ? "Unloads of a lot-tracked item must name the lot."
						 : ri->no_generate
						 ? "Give a lot code: the table is attached with generate => false, so lottrace makes none for its rows."
						 : "Give a lot code, or give the item a lot code type (lottrace.item.lot_code_type) so loads get one.",
						 "the movement of %s needs a lot code: the item is lot-tracked",
						 mv_what(&m));
			goto done;
		}
		if (!check_code_syntax(e, &m, m.lot, false, slot))
			goto done;
	}
	else
		m.lot.p = NULL;
	if (m.it->serial_tracked)
	{
		int			want;

		if (m.serial.p != NULL && ri->serial_sep)
			serials = split_serials(ri, m.serial, &nserials);
		else if (m.serial.p != NULL)
		{
			serials[0] = m.serial;
			nserials = 1;
		}
		if (nserials == 0)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_serial_required", m.ref,
						 lt_row_key(ri, slot),
						 ri->no_generate
						 ? "Give a serial: the table is attached with generate => false, so lottrace makes none for its rows."
						 : "Give a serial, or use a reason with create_serials and give the item a serial code type.",
						 "the movement of %s needs a serial: the item is serial-tracked",
						 mv_what(&m));
			goto done;
		}
		for (int k = 0; k < nserials; k++)
			if (!check_code_syntax(e, &m, serials[k], true, slot))
				goto done;
		want = nserials;
		if (num_cmp(m.qty, DirectFunctionCall1(int4_numeric, Int32GetDatum(want))) != 0)
		{
			if (checks && !m.lenient)
			{
				if (nserials > 1 || ri->serial_sep)
					LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_qty", m.ref,
							 lt_row_key(ri, slot),
							 "The quantity of a row is the number of its serials.",
							 "the movement of %s moves %s units but names %d serial%s",
							 mv_what(&m), num_str(m.qty), nserials, nserials == 1 ? "" : "s");
				else
					LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_qty", m.ref,
							 lt_row_key(ri, slot), "Write one row per serial.",
							 "the movement of %s moves %s units: a serial moves exactly one",
							 mv_what(&m), num_str(m.qty));
			}
			goto done;
		}
	}
	else
		m.serial.p = NULL;

	/* document and account the reason asks for (new rows only) */
	if (strict && !m.lenient && m.reason)
	{
		if (m.reason->requires_doc && m.doc.p == NULL)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_doc_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "reason \"%s\" requires a document: the movement of %s has none",
					 lt_show(m.reason->code, -1), mv_what(&m));
		if (m.reason->requires_account && m.account.p == NULL)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_account_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "reason \"%s\" requires an account: the movement of %s has none",
					 lt_show(m.reason->code, -1), mv_what(&m));
	}

	/* a production batch key must fit lottrace.batch_member's index */
	if (checks && !m.lenient && m.reason && m.reason->production && m.batch_key.p &&
		m.batch_key.len > LT_BATCH_KEY_MAX &&
		pg_mbstrlen_with_len(m.batch_key.p, m.batch_key.len) > LT_BATCH_KEY_MAX)
		LT_ERROR(e, ERRCODE_STRING_DATA_RIGHT_TRUNCATION, "lottrace_batch_too_long", m.ref,
				 lt_row_key(ri, slot),
				 psprintf("A production batch key has at most %d characters.", LT_BATCH_KEY_MAX),
				 "batch key \"%s\" of the movement of %s is too long: %d characters",
				 str_show(m.batch_key), mv_what(&m),
				 pg_mbstrlen_with_len(m.batch_key.p, m.batch_key.len));

	MemoryContextSwitchTo(old);
	if (reserving)
	{
		/* it reserves, for its document, what it would unload */
		for (int side = 0; side < nsides; side++)
			if (side_dir[side] < 0 && m.it->lot_tracked && m.lot.p && m.doc.p)
				add_row_reservation(e, &m, side_wh[side]);
		return;
	}
	if (del)
		del->effect = true;
	for (int side = 0; side < nsides; side++)
	{
		m.wh = side_wh[side];
		m.dir = side_dir[side];
		if (nsides == 2 && m.dir < 0)
			m.ungated = true;	/* a transfer moves a lot whatever its status */
		if (m.it->lot_tracked && lot_here)
		{
			add_lot_move(e, &m);
			if (lte_shelf_item(m.it))
				lte_shelf_move(e, e->last_lot, &m);
			if (lt_debug_chunk_rows > 0
				? (e->nrows % lt_debug_chunk_rows) == 0
				: ((e->nrows % LT_CHUNK_CHECK) == 0 &&
				   lte_chunk_used(e) >
				   (e->passes_ok ? LT_PLAN_FILL : 1.0) * LT_CHUNK_BYTES))
			{
				/* lt_engine_run may read the rest in lot passes */
				if (e->passes_ok)
					e->overflow = true;
				else
					lte_flush_chunk(e, false);
			}
		}
		if (m.it->serial_tracked && !m.skip_serial && e->pass == 0)
			for (int k = 0; k < nserials; k++)
			{
				m.serial = serials[k];
				add_serial_move(e, &m);
			}
	}
	return;

done:
	MemoryContextSwitchTo(old);
}

/* ------------------------------------------------------------------------
 * A statement's rows: the feeders hand them over as tuplestores
 * ------------------------------------------------------------------------
 */

/*
 * Have two rows the same mapped columns?  (The primary key is not compared:
 * an UPDATE that only renumbers a row moves no stock and breaks no rule.)
 */
static bool
same_row(LtRelInfo *ri, TupleDesc desc, TupleTableSlot *a, TupleTableSlot *b)
{
	slot_getallattrs(a);
	slot_getallattrs(b);
	for (int k = 0; k < LC_NCOLS; k++)
	{
		AttrNumber	att = ri->col[k].attnum;
		Form_pg_attribute fa;

		if (att == 0 || lt_col_is_lot_data(k))
			continue;
		if (a->tts_isnull[att - 1] != b->tts_isnull[att - 1])
			return false;
		if (a->tts_isnull[att - 1])
			continue;
		fa = TupleDescAttr(desc, att - 1);
		if (!datumIsEqual(a->tts_values[att - 1], b->tts_values[att - 1],
						  fa->attbyval, fa->attlen))
			return false;
	}
	/* the alternatives of mapped columns ('a | b') */
	for (int k = 0; k < LC_NCOLS; k++)
	{
		AttrNumber	att = ri->col[k].alt_attnum;
		Form_pg_attribute fa;

		if (att == 0 || lt_col_is_lot_data(k))
			continue;
		if (a->tts_isnull[att - 1] != b->tts_isnull[att - 1])
			return false;
		fa = TupleDescAttr(desc, att - 1);
		if (!a->tts_isnull[att - 1] &&
			!datumIsEqual(a->tts_values[att - 1], b->tts_values[att - 1],
						  fa->attbyval, fa->attlen))
			return false;
	}
	/* and the columns counts_when reads: a row may start or stop counting */
	for (int k = 0; k < ri->npred; k++)
	{
		AttrNumber	att = ri->pred_atts[k];
		Form_pg_attribute fa = TupleDescAttr(desc, att - 1);

		if (a->tts_isnull[att - 1] != b->tts_isnull[att - 1])
			return false;
		if (!a->tts_isnull[att - 1] &&
			!datumIsEqual(a->tts_values[att - 1], b->tts_values[att - 1],
						  fa->attbyval, fa->attlen))
			return false;
	}
	return true;
}


/*
 * Does a statement touch a governed row?  Not when its transition tables
 * are empty (an UPDATE or DELETE that matched nothing), nor when it is an
 * UPDATE that changed none of the columns the engine reads (same_row): an
 * ERP writing its own bookkeeping columns.  The trigger then does no
 * statement-level work at all.  Returns the first row the engine must read
 * (the first changed one; 0 for an INSERT or DELETE), -1 for none.
 */
int64
lt_engine_touches(LtRelInfo *ri, Tuplestorestate *newt, Tuplestorestate *oldt,
				  TupleDesc desc)
{
	int64		nn = newt ? tuplestore_tuple_count(newt) : 0;
	int64		no = oldt ? tuplestore_tuple_count(oldt) : 0;
	TupleTableSlot *ns,
			   *os;
	int			np,
				op;
	int64		row = 0,
				first = -1;

	if (nn == 0 && no == 0)
		return -1;
	if (!newt || !oldt || nn != no)
		return 0;
	ns = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	os = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	np = lte_start_scan(newt);
	op = lte_start_scan(oldt);
	for (;;)
	{
		bool		hn,
					ho;

		tuplestore_select_read_pointer(newt, np);
		hn = tuplestore_gettupleslot(newt, true, false, ns);
		tuplestore_select_read_pointer(oldt, op);
		ho = tuplestore_gettupleslot(oldt, true, false, os);
		if (!hn && !ho)
			break;
		if (hn != ho || !same_row(ri, desc, os, ns))
		{
			first = row;
			break;
		}
		row++;
	}
	ExecDropSingleTupleTableSlot(ns);
	ExecDropSingleTupleTableSlot(os);
	return first;
}

/* The statement's rows, as lt_engine_run reads them, pass after pass. */
typedef struct LtFeed
{
	Tuplestorestate *newt,
			   *oldt;
	TupleDesc	desc;
	TupleTableSlot *ns,
			   *os;
} LtFeed;

/* Read a source from row `from` on, with a read pointer of its own. */
static int
feed_start(Tuplestorestate *ts, int64 from)
{
	int			ptr = lte_start_scan(ts);

	if (from > 0)
		tuplestore_skiptuples(ts, from, true);
	return ptr;
}

/*
 * Feed the rows from row `from` on.  Stops after a row that filled the chunk
 * when lot passes may follow (e->overflow), returning the next row to read;
 * -1 at the end.
 */
static int64
feed_rows(LtEngine *e, LtFeed *f, int64 from)
{
	int64		row = from;

	if (f->newt && f->oldt)
	{
		/* UPDATE: rows whose mapped columns did not change cost nothing */
		int			np = feed_start(f->newt, from);
		int			op = feed_start(f->oldt, from);

		for (;;)
		{
			bool		hn,
						ho;

			/* (error messages read the sources with pointers of their own) */
			tuplestore_select_read_pointer(f->newt, np);
			hn = tuplestore_gettupleslot(f->newt, true, false, f->ns);
			tuplestore_select_read_pointer(f->oldt, op);
			ho = tuplestore_gettupleslot(f->oldt, true, false, f->os);
			if (!hn && !ho)
				break;
			if ((e->pass > 0 && !row_in_pass(e, row)) ||
				(hn && ho && same_row(e->ri, f->desc, f->os, f->ns)))
			{
				row++;
				continue;
			}
			/* unload_when: a counting row that stops counting, into it */
			e->exit_row = (ho && hn && e->unload_state &&
						   !holds(e, e->pred_state, f->ns) &&
						   holds(e, e->unload_state, f->ns));
			if (ho)
				lt_engine_add(e, f->os, LT_SRC_OLD, row);
			e->exit_row = false;
			if (hn)
				lt_engine_add(e, f->ns, LT_SRC_NEW, row);
			row++;
			if (e->overflow)
				return row;
		}
	}
	else
	{
		Tuplestorestate *ts = f->newt ? f->newt : f->oldt;
		TupleTableSlot *slot = f->newt ? f->ns : f->os;
		int			src = f->newt ? LT_SRC_NEW : LT_SRC_OLD;
		int			ptr = feed_start(ts, from);

		for (;;)
		{
			tuplestore_select_read_pointer(ts, ptr);
			if (!tuplestore_gettupleslot(ts, true, false, slot))
				break;
			if (e->pass > 0 && !row_in_pass(e, row))
			{
				row++;
				continue;
			}
			lt_engine_add(e, slot, src, row++);
			if (e->overflow)
				return row;
		}
	}
	return -1;
}

/*
 * The chunk is three quarters full at row `from`, with nlots lots in bytes:
 * how many lot passes should read the rest?  Counts the lots of the rows
 * left and the writes chunks would make of them.  Passes when the other
 * lots need chunks of their own and the writes saved outweigh reading the
 * rows again; 1 otherwise (chunks, as the rows come).
 */
static int
plan_passes(LtEngine *e, LtFeed *f, int64 from, long nlots, Size bytes)
{
	double		others,
				per_lot = (double) bytes / Max(nlots, 1);
	int64		saved;
	int			k;

	if (lt_debug_lot_passes > 0)
		return lt_debug_lot_passes;
	e->estimating = true;
	e->est_cap = Max((long) (nlots / LT_PLAN_FILL), 1);
	e->est_rows = 0;
	e->est_writes = nlots;
	initHyperLogLog(&e->est_lots, 10);
	e->est_chunk = hash_set(e, "lottrace lot estimate", e->est_cap);
	feed_rows(e, f, from);
	e->estimating = false;
	e->est_writes += hash_get_num_entries(e->est_chunk);
	hash_destroy(e->est_chunk);
	e->est_chunk = NULL;
	others = estimateHyperLogLog(&e->est_lots);
	freeHyperLogLog(&e->est_lots);

	/*
	 * The passes after the first, each filling LT_PASS_FILL of a chunk; none
	 * when the other lots fit in what is left of this one.
	 */
	if (bytes + others * per_lot <= LT_ONE_CHUNK_FILL * LT_CHUNK_BYTES)
		k = 1;
	else
		k = 1 + (int) ceil(others * per_lot / (LT_PASS_FILL * LT_CHUNK_BYTES));
	saved = e->est_writes - nlots - (int64) others;
	elog(DEBUG1, "lottrace: %lld rows left, %ld lots in the chunk, about %.0f others (%.0f bytes each), %lld lot writes in chunks, %d passes would write them once",
		 (long long) e->est_rows, nlots, others, per_lot, (long long) e->est_writes, k);
	if (k < 2 || k > LT_MAX_PASSES ||
		saved * LT_WRITE_PER_ROW_READ <= (int64) (k - 1) * e->est_rows)
		return 1;
	return k;
}

void
lt_engine_run(LtRelInfo *ri, LtMode mode, Tuplestorestate *newt, Tuplestorestate *oldt,
			  TupleDesc desc, int64 from)
{
	LtEngine   *e = lt_engine_begin(ri, mode);
	LtFeed		f = {newt, oldt, desc, NULL, NULL};
	int64		stop;

	f.ns = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	f.os = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	if (newt)
		lt_engine_source(e, LT_SRC_NEW, newt, desc);
	if (oldt)
		lt_engine_source(e, LT_SRC_OLD, oldt, desc);
	if (ri->has_lookups)
		lte_lookups_load(e, newt, oldt, desc);
	/* rows that move between partitions by DELETE and INSERT (moves.c) */
	if (mode == LT_STRICT)
		lt_engine_partition_moves(e, oldt && !newt, newt && !oldt);
	/* rows judged as they come (partition moves) are read once */
	e->passes_ok = !e->deferring && !e->matching &&
		(lt_debug_chunk_rows == 0 || lt_debug_lot_passes > 0);

	stop = feed_rows(e, &f, from);
	if (stop >= 0)
	{
		long		nlots = hash_get_num_entries(e->lots);
		Size		bytes = lte_chunk_used(e);
		HASH_SEQ_STATUS hs;
		LotEnt	   *l;
		int			k;

		e->overflow = false;
		e->passes_ok = false;
		/* the chunk's lots stay in it, for the first pass */
		e->first_lots = hash_set(e, "lottrace first pass lots", nlots);
		hash_seq_init(&hs, e->lots);
		while ((l = hash_seq_search(&hs)) != NULL)
		{
			uint32		h = pass_hash(&l->key);

			hash_search(e->first_lots, &h, HASH_ENTER, NULL);
		}
		k = plan_passes(e, &f, stop, nlots, bytes);
		if (k > 1)
		{
			elog(DEBUG1, "lottrace: reading rows %lld on in %d lot passes",
				 (long long) stop, k);
			e->npass = k;
			e->pass_from = stop;
			for (int s = 0; s < 2; s++)
			{
				Tuplestorestate *ts = s == LT_SRC_NEW ? newt : oldt;
				int64		n = ts ? tuplestore_tuple_count(ts) - stop : 0;

				if (n > 0)
				{
					e->pass_of[s] = MemoryContextAllocHuge(e->stmt_cxt, n);
					memset(e->pass_of[s], LT_PASS_NONE, n);
				}
			}
			for (e->pass = 0; e->pass < k; e->pass++)
			{
				feed_rows(e, &f, stop);
				if (e->pass < k - 1)
					lte_flush_chunk(e, false);
			}
			e->pass = 0;
		}
		else
			feed_rows(e, &f, stop);
	}
	lt_engine_finish(e);
	ExecDropSingleTupleTableSlot(f.ns);
	ExecDropSingleTupleTableSlot(f.os);
}

void
lt_engine_finish(LtEngine *e)
{
	elog(DEBUG1, "lottrace: %lld rows read, %d chunks", (long long) e->nrows, e->nflush + 1);
	lte_flush_chunk(e, e->carry == NIL);
	if (e->carry != NIL)
	{
		ListCell   *lc;
		List	   *carry = e->carry;

		e->carry = NIL;
		foreach(lc, carry)
			add_lot_move(e, (LtMove *) lfirst(lc));
		lte_flush_chunk(e, true);
	}
	lte_apply_row_reservations(e);
	lte_check_negatives(e);
	lte_process_serials(e);
	lte_check_claims(e);
	lte_check_receipts(e);
	{
		bool		need_check = e->need_check;

		if (e->pred_estate)
			FreeExecutorState(e->pred_estate);
		MemoryContextDelete(e->stmt_cxt);
		/* last, as SET CONSTRAINTS ... IMMEDIATE runs the check at once */
		if (need_check)
			lt_moves_queue_check();
	}
}

void
lt_engine_partition_moves(LtEngine *e, bool deleting, bool inserting)
{
	if (e->mode != LT_STRICT || !lt_moves_partitioned(e->ri))
		return;
	e->deferring = deleting;
	e->matching = inserting;
}

/*
 * The commit-time check (triggers.c, _check_moves): apply the held serial
 * moves of ri's deletions no INSERT took back, judged against the register
 * as it is now.
 */
void
lt_engine_apply_held(LtRelInfo *ri, List *held)
{
	{
		Oid			root = ri->relid;
		LtEngine   *e = lt_engine_begin(ri, LT_STRICT);
		ListCell   *hc;
		int64		n = 0;

		e->held = palloc(sizeof(LtHeld *) * list_length(held));
		foreach(hc, held)
		{
			LtHeld	   *h = lfirst(hc);
			LtMove		m;

			if (h->root != root)
				continue;
			memset(&m, 0, sizeof(m));
			e->held[n] = h;
#define HSTR(s) ((LtStr) {(s), (s) ? (int) strlen(s) : 0})
			m.item = HSTR(h->item);
			m.variant = HSTR(h->variant);
			m.serial = HSTR(h->code);
			m.wh = HSTR(h->wh);
			m.lot = HSTR(h->lot);
			m.doc = HSTR(h->doc);
			m.account = HSTR(h->account);
#undef HSTR
			m.dir = h->dir;
			m.sign = -1;
			m.lenient = true;
			m.moved_on = h->moved_on;
			m.ref.src = LT_SRC_HELD;
			m.ref.rowno = n++;
			add_serial_move(e, &m);
		}
		lt_engine_finish(e);
	}
}

