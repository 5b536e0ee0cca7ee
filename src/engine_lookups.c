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

#include "access/genam.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "access/nbtree.h"
#include "utils/acl.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"

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

/*
 * Record a referenced row's value under its key as the key prints (the
 * step's hash is by printed key): hint, the entry whose key was searched
 * for, saves the hash lookup when the row still has it.  A row whose key
 * is none of the step's is left out.
 */
static void
take_row(LtEngine *e, HTAB *h, LkVal *hint, FmgrInfo *kout, Datum key, Datum value,
		 bool isnull, int16 vlen, bool vbyval)
{
	char	   *k = OutputFunctionCall(kout, key);
	LkVal	   *v = (hint && strcmp(k, hint->key) == 0) ? hint : hash_search(h, &k, HASH_FIND, NULL);
	MemoryContext old;

	if (v == NULL)
		return;
	old = MemoryContextSwitchTo(e->stmt_cxt);
	v->isnull = isnull;
	v->value = isnull ? (Datum) 0 : datumCopy(value, vbyval, vlen);
	MemoryContextSwitchTo(old);
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

		/* 'k -> t.v1 | v2': v2 when v1 is NULL (one type) */
		if (vn && lk->value2)
			vd = SPI_getbinval(t, SPI_tuptable->tupdesc, 3, &vn);
		if (!kn)
			take_row(e, h, NULL, &kout, kd, vd, vn, vlen, vbyval);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* ------------------------------------------------------------------------
 * A few keys without SPI
 *
 * A one-line document's lookup is one or two keys.  Through SPI that is an
 * executor start and end of SELECT ... FOR SHARE for each lookup: 37,000
 * instructions, a fifth of what lottrace adds to the Odoo-shaped one-line
 * unload.  read_direct does what that statement's plan does (an index scan
 * of the key, LockRows, EvalPlanQual's recheck of the key) for each key,
 * with the snapshot and command id SPI would give it, as the table's
 * owner.  Where any of it might differ from the statement, the statement is
 * used: a referenced table that is not a plain table, that has inheritance
 * children, row level security or no unique btree index on the key alone;
 * an owner without SELECT (and UPDATE, for the locked roles) on the whole
 * table, whose column rights the statement checks; a key type without an
 * equality in the index's operator family.  Keys are integers or text
 * (attach checks it), so the equality is a built-in function.
 * ------------------------------------------------------------------------
 */

/* Column att of rel still has this name (and is not dropped). */
static bool
att_is(Relation rel, AttrNumber att, const char *name)
{
	Form_pg_attribute a;

	if (att <= 0 || att > RelationGetNumberOfAttributes(rel))
		return false;
	a = TupleDescAttr(RelationGetDescr(rel), att - 1);
	return !a->attisdropped && strcmp(NameStr(a->attname), name) == 0;
}

/* Is idx a unique btree index on the key alone, usable now? */
static bool
key_index_ok(Relation idx, Oid refid, AttrNumber keyatt)
{
	Form_pg_index ix = idx->rd_index;

	Oid			coll = idx->rd_indcollation[0];
	Oid			typid,
				colcoll;
	int32		typmod;

	get_atttypetypmodcoll(refid, keyatt, &typid, &typmod, &colcoll);
	/* immediate (a deferred unique index may hold duplicates for a while);
	 * the column's own collation, deterministic: its equality is "=" */
	if (OidIsValid(coll) &&
		(coll != colcoll || !get_collation_isdeterministic(coll)))
		return false;
	return ix->indrelid == refid && ix->indisunique && ix->indimmediate && ix->indisvalid &&
		ix->indisready && ix->indislive && ix->indnkeyatts == 1 && ix->indkey.values[0] == keyatt &&
		idx->rd_rel->relam == BTREE_AM_OID && RelationGetIndexPredicate(idx) == NIL &&
		RelationGetIndexExpressions(idx) == NIL;
}

/* Find what read_direct needs (lk->direct_*), as the statement would read. */
static void
direct_find(LtLookup *lk, Relation ref, Oid keytype)
{
	List	   *ixs;
	ListCell   *lc;

	lk->direct_tried = true;
	lk->direct_idx = InvalidOid;
	lk->direct_att[0] = get_attnum(lk->ref, lk->key);
	lk->direct_att[1] = get_attnum(lk->ref, lk->value);
	lk->direct_att[2] = lk->value2 ? get_attnum(lk->ref, lk->value2) : InvalidAttrNumber;
	if (lk->direct_att[0] <= 0 || lk->direct_att[1] <= 0 || (lk->value2 && lk->direct_att[2] <= 0))
		return;
	ixs = RelationGetIndexList(ref);
	foreach(lc, ixs)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Oid			op = InvalidOid;

		if (key_index_ok(idx, lk->ref, lk->direct_att[0]))
			op = get_opfamily_member(idx->rd_opfamily[0], idx->rd_opcintype[0], keytype,
									 BTEqualStrategyNumber);
		if (OidIsValid(op))
		{
			lk->direct_idx = RelationGetRelid(idx);
			lk->direct_subtype = keytype;
			lk->direct_eq = get_opcode(op);
		}
		index_close(idx, AccessShareLock);
		if (OidIsValid(lk->direct_idx))
			break;
	}
	list_free(ixs);
}

/*
 * Lock the row version the scan found FOR SHARE, as LockRows does (READ
 * COMMITTED: its latest version, whose key the caller checks again, as
 * EvalPlanQual rechecks the statement's "key = ANY").  False: the row is
 * not taken (deleted, or changed by this command).
 */
static bool
lock_found(Relation ref, TupleTableSlot *slot, Snapshot snap, CommandId cid)
{
	TM_FailureData tmfd;
	TM_Result	res;
	int			flags = TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS;

	if (!IsolationUsesXactSnapshot())
		flags |= TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
	res = table_tuple_lock(ref, &slot->tts_tid, snap, slot, cid, LockTupleShare, LockWaitBlock,
						   flags, &tmfd);
	switch (res)
	{
		case TM_Ok:
			return true;
		case TM_SelfModified:
			return false;		/* as LockRows: treated as deleted */
		case TM_Updated:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			elog(ERROR, "lottrace: unexpected table_tuple_lock status %d", (int) res);
			break;
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			return false;
		case TM_Invisible:
			elog(ERROR, "attempted to lock invisible tuple");
			break;
		default:
			elog(ERROR, "lottrace: unexpected table_tuple_lock status %d", (int) res);
	}
	return false;
}

/* The keys of a step in the index's order, as the statement's scan takes them. */
static LkVal **
keys_in_order(HTAB *h, Relation idx, Oid subtype, int *n)
{
	HASH_SEQ_STATUS hs;
	LkVal	   *v;
	LkVal	  **ks = palloc(sizeof(LkVal *) * Max(hash_get_num_entries(h), 1));
	Oid			cmp;
	FmgrInfo	f;
	Oid			coll = idx->rd_indcollation[0];
	int			m = 0;

	hash_seq_init(&hs, h);
	while ((v = hash_seq_search(&hs)) != NULL)
		ks[m++] = v;
	*n = m;
	if (m < 2)
		return ks;
	/* the keys compared as the row's key type (they all have it) */
	cmp = get_opfamily_proc(idx->rd_opfamily[0], subtype, subtype, BTORDER_PROC);
	if (!OidIsValid(cmp))
		return ks;
	fmgr_info(cmp, &f);
	for (int i = 1; i < m; i++)
	{
		LkVal	   *x = ks[i];
		int			p = i;

		while (p > 0 && DatumGetInt32(FunctionCall2Coll(&f, coll, ks[p - 1]->key_datum,
													 x->key_datum)) > 0)
		{
			ks[p] = ks[p - 1];
			p--;
		}
		ks[p] = x;
	}
	return ks;
}

/*
 * Read the values of every key in h without SPI.  False: this lookup is
 * read by its statement (nothing was read).
 */
static bool
read_direct(LtEngine *e, LtLookup *lk, HTAB *h, Oid elemtype)
{
	Relation	ref,
				idx;
	Oid			user;
	int			sec;
	ScanKeyData skey;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	LkVal	  **ks;
	int			nk;
	FmgrInfo	eq;
	Oid			keyout;
	bool		isvarlena;
	FmgrInfo	kout;
	int16		vlen;
	bool		vbyval;
	Snapshot	snap;
	CommandId	cid;
	LOCKMODE	mode;

	if (!lt_direct_writes || (lk->direct_tried && !OidIsValid(lk->direct_idx)))
		return false;
	/* the statement's locks: FOR SHARE takes ROW SHARE on the table and its index */
	mode = lk->guarded ? RowShareLock : AccessShareLock;
	ref = table_open(lk->ref, mode);
	if (ref->rd_rel->relkind != RELKIND_RELATION || ref->rd_rel->relhassubclass ||
		ref->rd_rel->relrowsecurity ||
		pg_class_aclcheck(lk->ref, e->ri->owner, ACL_SELECT) != ACLCHECK_OK ||
		(lk->guarded && pg_class_aclcheck(lk->ref, e->ri->owner, ACL_UPDATE) != ACLCHECK_OK))
	{
		table_close(ref, NoLock);
		return false;
	}
	if (!lk->direct_tried || lk->direct_subtype != elemtype ||
		!att_is(ref, lk->direct_att[0], lk->key) || !att_is(ref, lk->direct_att[1], lk->value) ||
		(lk->value2 && !att_is(ref, lk->direct_att[2], lk->value2)))
		direct_find(lk, ref, elemtype);
	idx = OidIsValid(lk->direct_idx) ? try_relation_open(lk->direct_idx, mode) : NULL;
	if (idx != NULL && (idx->rd_rel->relkind != RELKIND_INDEX ||
						!key_index_ok(idx, lk->ref, lk->direct_att[0])))
	{
		/* changed since it was found: find it again, next time */
		relation_close(idx, NoLock);
		idx = NULL;
	}
	if (idx == NULL)
	{
		lk->direct_tried = false;	/* dropped, or changed: find it again */
		table_close(ref, NoLock);
		return false;
	}

	/* the snapshot and command id SPI gives a statement that locks rows */
	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
	snap = GetActiveSnapshot();
	cid = GetCurrentCommandId(lk->guarded);

	GetUserIdAndSecContext(&user, &sec);
	SetUserIdAndSecContext(e->ri->owner, sec | SECURITY_LOCAL_USERID_CHANGE);
	fmgr_info(lk->direct_eq, &eq);
	getTypeOutputInfo(lk->keytype, &keyout, &isvarlena);
	fmgr_info(keyout, &kout);
	get_typlenbyval(lk->valtype, &vlen, &vbyval);
	slot = table_slot_create(ref, NULL);
	scan = index_beginscan(ref, idx, snap, 1, 0);
	ks = keys_in_order(h, idx, lk->direct_subtype, &nk);
	for (int i = 0; i < nk; i++)
	{
		LkVal	   *v = ks[i];
		bool		isnull;
		Datum		key,
					val;

		ScanKeyEntryInitializeWithInfo(&skey, 0, 1, BTEqualStrategyNumber, lk->direct_subtype,
									   idx->rd_indcollation[0], &eq, v->key_datum);
		index_rescan(scan, &skey, 1, NULL, 0);
		if (!index_getnext_slot(scan, ForwardScanDirection, slot))
			continue;
		if (lk->guarded && !lock_found(ref, slot, snap, cid))
		{
			ExecClearTuple(slot);
			continue;
		}
		/*
		 * Taken by its printed key, as the statement's rows are (read_slice):
		 * a newer version whose key changed to another of the keys is that
		 * key's, as EvalPlanQual's "key = ANY" would let it through.
		 */
		key = slot_getattr(slot, lk->direct_att[0], &isnull);
		if (!isnull)
		{
			val = slot_getattr(slot, lk->direct_att[1], &isnull);
			if (isnull && lk->value2)
				val = slot_getattr(slot, lk->direct_att[2], &isnull);
			take_row(e, h, v, &kout, key, val, isnull, vlen, vbyval);
		}
		ExecClearTuple(slot);
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	SetUserIdAndSecContext(user, sec);
	PopActiveSnapshot();
	elog(DEBUG2, "lottrace: %ld keys of %s read without SPI", hash_get_num_entries(h), lk->refname);
	/* the locks kept to the end of the transaction, as the statement's are */
	index_close(idx, NoLock);
	table_close(ref, NoLock);
	return true;
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
	if (total <= LT_LOOKUP_FEW && read_direct(e, lk, h, elemtype))
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
	/* few buckets to begin with: a one-line statement's keys are one or two */
	return hash_create("lottrace lookup", 16, &ctl,
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
