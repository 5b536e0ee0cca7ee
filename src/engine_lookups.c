/*
 * engine_lookups.c — mapped values read through a foreign key
 * (attach(..., lot => 'lot_id -> stock_lot.name')).
 *
 * Before a statement's rows are taken in, the keys they hold are collected
 * (one pass over the transition tables) and each lookup reads all of them
 * with one statement per slice of keys: set-wise, never a query per row.
 * It runs as the attached table's owner, and reads the referenced rows
 * FOR SHARE where the value decides stock (item, lot, serial, warehouses,
 * reason, batch key): a concurrent change of such a row waits until the
 * movement commits, and lottrace._lookup_changed() then sees the movement
 * and refuses the change; a change made first is seen by this read.
 * A lookup of several steps ('k -> a.b -> c.d') reads each step with the
 * distinct values of the one before it as keys.
 */
#include "postgres.h"

#include "engine_int.h"

/* Keys per lookup statement. */
#define LT_LOOKUP_SLICE 10000
/* Slices of at most this many keys take the generic plan. */
#define LT_LOOKUP_FEW 64

static uint32
lk_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
lk_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Enter a key into a step's hash (no value yet). */
static void
add_key(LtEngine *e, HTAB *h, FmgrInfo *out, Datum key, int16 typlen, bool typbyval)
{
	char	   *k;
	LkVal	   *v;
	bool		found;
	MemoryContext old = MemoryContextSwitchTo(e->row_cxt);

	k = OutputFunctionCall(out, key);
	MemoryContextSwitchTo(old);
	v = hash_search(h, &k, HASH_ENTER, &found);
	if (!found)
	{
		old = MemoryContextSwitchTo(e->stmt_cxt);
		v->key = pstrdup(k);
		v->key_datum = datumCopy(key, typbyval, typlen);
		v->value = (Datum) 0;
		v->isnull = true;
		MemoryContextSwitchTo(old);
	}
	MemoryContextReset(e->row_cxt);
}

/* The keys of the first steps: the rows' own columns. */
static void
collect(LtEngine *e, Tuplestorestate *ts, TupleTableSlot *slot)
{
	LtRelInfo  *ri = e->ri;

	lte_start_scan(ts);
	while (tuplestore_gettupleslot(ts, true, false, slot))
	{
		slot_getallattrs(slot);
		for (int id = 0; id < LC_NCOLS; id++)
		{
			LtCol	   *c = &ri->col[id];
			Form_pg_attribute a;

			/* no table of its own: shares another column's (same_lookup) */
			if (c->lk == NULL || e->lk[id][0] == NULL || slot->tts_isnull[c->attnum - 1])
				continue;
			a = TupleDescAttr(slot->tts_tupleDescriptor, c->attnum - 1);
			add_key(e, e->lk[id][0], &c->lk->keyout, slot->tts_values[c->attnum - 1],
					a->attlen, a->attbyval);
		}
	}
}

/* Read one slice of a lookup's keys and record their values. */
static void
read_slice(LtEngine *e, LtLookup *lk, HTAB *h, Datum *keys, int n, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum		arr;
	Oid			user;
	int			sec;
	Oid			keyout,
				valout;
	bool		isvarlena;
	FmgrInfo	kout;
	SPIPlanPtr	plan;
	int16		vlen;
	bool		vbyval;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	arr = PointerGetDatum(construct_array(keys, n, elemtype, typlen, typbyval, typalign));
	{
		/*
		 * A few keys (a one-line document): a generic plan, an index scan of
		 * the key, so that the statement is not planned again each time.
		 * Many: custom plans, which may rather read the table once.
		 */
		bool		few = (n <= LT_LOOKUP_FEW);
		void	  **slot = few ? &lk->plan_few : &lk->plan;

		if (*slot == NULL)
		{
			Oid			argtype = get_array_type(elemtype);
			SPIPlanPtr	p = SPI_prepare_cursor(lk->sql, 1, &argtype,
											   few ? CURSOR_OPT_GENERIC_PLAN : 0);

			if (p == NULL)
				elog(ERROR, "lottrace: could not prepare \"%s\": %s", lk->sql,
					 SPI_result_code_string(SPI_result));
			SPI_keepplan(p);
			*slot = p;
		}
		plan = (SPIPlanPtr) *slot;
	}
	GetUserIdAndSecContext(&user, &sec);
	SetUserIdAndSecContext(e->ri->owner, sec | SECURITY_LOCAL_USERID_CHANGE);
	if (SPI_execute_plan(plan, &arr, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "lottrace: lookup in %s failed", lk->refname);
	SetUserIdAndSecContext(user, sec);

	getTypeOutputInfo(SPI_tuptable->tupdesc->attrs[0].atttypid, &keyout, &isvarlena);
	fmgr_info(keyout, &kout);
	getTypeOutputInfo(SPI_tuptable->tupdesc->attrs[1].atttypid, &valout, &isvarlena);
	get_typlenbyval(SPI_tuptable->tupdesc->attrs[1].atttypid, &vlen, &vbyval);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		bool		kn,
					vn;
		Datum		kd = SPI_getbinval(t, SPI_tuptable->tupdesc, 1, &kn);
		Datum		vd = SPI_getbinval(t, SPI_tuptable->tupdesc, 2, &vn);
		char	   *k;
		LkVal	   *v;
		MemoryContext old;

		/* 'k -> t.v1 | v2': v2 when v1 is NULL (one type) */
		if (vn && lk->value2)
			vd = SPI_getbinval(t, SPI_tuptable->tupdesc, 3, &vn);
		if (kn)
			continue;
		k = OutputFunctionCall(&kout, kd);
		v = hash_search(h, &k, HASH_FIND, NULL);
		if (v == NULL)
			continue;
		old = MemoryContextSwitchTo(e->stmt_cxt);
		v->isnull = vn;
		v->value = vn ? (Datum) 0 : datumCopy(vd, vbyval, vlen);
		MemoryContextSwitchTo(old);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Read a step's values for every key in its hash. */
static void
read_step(LtEngine *e, LtLookup *lk, HTAB *h, Oid elemtype)
{
	HASH_SEQ_STATUS hs;
	LkVal	   *v;
	Datum	   *keys;
	int			n = 0;
	long		total = hash_get_num_entries(h);

	if (total == 0)
		return;
	keys = MemoryContextAlloc(e->stmt_cxt, sizeof(Datum) * Min(total, LT_LOOKUP_SLICE));
	hash_seq_init(&hs, h);
	while ((v = hash_seq_search(&hs)) != NULL)
	{
		keys[n++] = v->key_datum;
		if (n == LT_LOOKUP_SLICE)
		{
			read_slice(e, lk, h, keys, n, elemtype);
			n = 0;
		}
	}
	if (n > 0)
		read_slice(e, lk, h, keys, n, elemtype);
	pfree(keys);
}

static HTAB *
step_hash(LtEngine *e)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(LkVal);
	ctl.hash = lk_hash;
	ctl.match = lk_match;
	ctl.hcxt = e->stmt_cxt;
	return hash_create("lottrace lookup", 256, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

/*
 * The column before id whose lookup reads the same: the same row column
 * through the same statements, step by step (Odoo's lot and serial are both
 * 'lot_id -> stock_lot.name').  -1: none.  Such columns share their step
 * tables, so the rows are read once.
 */
static int
same_lookup(LtRelInfo *ri, int id)
{
	for (int j = 0; j < id; j++)
	{
		LtLookup   *a = ri->col[j].lk,
				   *b = ri->col[id].lk;

		if (a == NULL || ri->col[j].attnum != ri->col[id].attnum)
			continue;
		while (a && b && strcmp(a->sql, b->sql) == 0 && a->keyout.fn_oid == b->keyout.fn_oid)
			a = a->next, b = b->next;
		if (a == NULL && b == NULL)
			return j;
	}
	return -1;
}

void
lte_lookups_load(LtEngine *e, Tuplestorestate *newt, Tuplestorestate *oldt, TupleDesc desc)
{
	LtRelInfo  *ri = e->ri;
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int			same[LC_NCOLS];

	for (int id = 0; id < LC_NCOLS; id++)
	{
		same[id] = ri->col[id].lk ? same_lookup(ri, id) : -1;
		if (ri->col[id].lk != NULL && same[id] < 0)
			e->lk[id][0] = step_hash(e);
	}
	if (newt)
		collect(e, newt, slot);
	if (oldt)
		collect(e, oldt, slot);
	ExecDropSingleTupleTableSlot(slot);

	for (int id = 0; id < LC_NCOLS; id++)
	{
		LtLookup   *lk = ri->col[id].lk;
		Oid			elemtype;
		int			step = 0;

		if (lk == NULL)
			continue;
		if (same[id] >= 0)
		{
			/* read with the earlier column (ids ascend: done already) */
			memcpy(e->lk[id], e->lk[same[id]], sizeof(e->lk[id]));
			continue;
		}
		elemtype = getBaseType(TupleDescAttr(desc, ri->col[id].attnum - 1)->atttypid);
		for (;;)
		{
			HASH_SEQ_STATUS hs;
			LkVal	   *v;
			int16		typlen;
			bool		typbyval;

			read_step(e, lk, e->lk[id][step], elemtype);
			if (lk->next == NULL || step + 1 == LT_LOOKUP_STEPS)
				break;
			/* the next step's keys: this step's values */
			e->lk[id][step + 1] = step_hash(e);
			get_typlenbyval(lk->valtype, &typlen, &typbyval);
			hash_seq_init(&hs, e->lk[id][step]);
			while ((v = hash_seq_search(&hs)) != NULL)
				if (!v->isnull)
					add_key(e, e->lk[id][step + 1], &lk->next->keyout, v->value, typlen, typbyval);
			elemtype = getBaseType(lk->valtype);
			lk = lk->next;
			step++;
		}
	}
}

void
lte_lookup(LtEngine *e, LtColId id, Datum key, bool keynull, Datum *value, bool *isnull)
{
	LtLookup   *lk = e->ri->col[id].lk;

	*isnull = true;
	*value = (Datum) 0;
	for (int step = 0; lk != NULL && step < LT_LOOKUP_STEPS; step++, lk = lk->next)
	{
		char	   *k;
		LkVal	   *v;

		if (keynull || e->lk[id][step] == NULL)
			return;
		k = OutputFunctionCall(&lk->keyout, key);
		v = hash_search(e->lk[id][step], &k, HASH_FIND, NULL);
		pfree(k);
		if (v == NULL || v->isnull)
			return;
		key = v->value;
		keynull = false;
	}
	*value = key;
	*isnull = false;
}
