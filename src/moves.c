/*
 * moves.c — rows that move between partitions by DELETE and INSERT in one
 * transaction (see moves.h and docs/SCALING.md).
 *
 * The state lives in a memory context under TopTransactionContext:
 *  - deletions: a hash of fingerprints (SHA-256 of the root, the primary
 *    key and the mapped columns, as bytes), each with a chain of the
 *    deletions that gave it;
 *  - negative stock that waits: (lot, warehouse) with the row to name;
 *  - serial moves of deletions that the register could not take (a receipt
 *    of a serial shipped since), applied at the check.
 * Every change carries the subtransaction that made it: a subtransaction
 * rolled back undoes its changes, one committed hands them to its parent.
 *
 * The check is a DEFERRABLE INITIALLY DEFERRED constraint trigger on
 * lottrace.move_check, which gets a row when the first rule waits; it fires
 * with the other deferred triggers at COMMIT or PREPARE TRANSACTION, or at
 * SET CONSTRAINTS ... IMMEDIATE, and runs the engine's ordinary statements.
 * At PRE_COMMIT a callback only makes sure nothing is left unjudged.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "engine.h"
#include "lottrace.h"
#include "moves.h"
#include "show.h"
#include "spi_util.h"


typedef struct FpEnt
{
	uint8		fp[LT_FP_LEN];	/* key */
	LtMoveDel  *dels;			/* newest first */
} FpEnt;

typedef struct NegKey
{
	int64		lot_id;
	const char *wh;
} NegKey;

/* Negative stock waiting for the check. */
typedef struct LtNeg
{
	NegKey		key;
	SubTransactionId created;	/* InvalidSubTransactionId: rolled back */
	SubTransactionId resolved;
	char	   *name;			/* lot "L" of item "I" */
	char	   *detail;
	char	   *schema;
	char	   *table;
} LtNeg;

typedef struct NegEnt
{
	NegKey		key;
	List	   *negs;			/* LtNeg *, oldest first */
} NegEnt;

static MemoryContext moves_cxt = NULL;
static HTAB *fps = NULL;
static HTAB *negs_by_key = NULL;
static List *negs = NIL;		/* LtNeg *, in order */
static List *helds = NIL;		/* LtHeld *, in order */
static int64 ndels = 0;			/* deletions recorded */
static int64 nwaiting = 0;		/* recorded and not matched */
static bool queued = false;
static SubTransactionId queued_sub = InvalidSubTransactionId;
/* the newest subtransaction that changed anything: callbacks of older ones skip */
static SubTransactionId last_change = InvalidSubTransactionId;

static void
changed(void)
{
	SubTransactionId s = GetCurrentSubTransactionId();

	if (s > last_change)
		last_change = s;
}

static uint32
negkey_hash(const void *key, Size keysize)
{
	const NegKey *k = key;

	return hash_combine(hash_bytes((const unsigned char *) &k->lot_id, sizeof(k->lot_id)),
						hash_bytes((const unsigned char *) k->wh, strlen(k->wh)));
}

static int
negkey_match(const void *a, const void *b, Size keysize)
{
	const NegKey *x = a;
	const NegKey *y = b;

	return (x->lot_id == y->lot_id && strcmp(x->wh, y->wh) == 0) ? 0 : 1;
}

static void
state_init(void)
{
	HASHCTL		ctl;

	if (moves_cxt != NULL)
		return;
	moves_cxt = AllocSetContextCreate(TopTransactionContext, "lottrace moves",
									  ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = LT_FP_LEN;
	ctl.entrysize = sizeof(FpEnt);
	ctl.hcxt = moves_cxt;
	fps = hash_create("lottrace moved rows", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(NegKey);
	ctl.entrysize = sizeof(NegEnt);
	ctl.hash = negkey_hash;
	ctl.match = negkey_match;
	ctl.hcxt = moves_cxt;
	negs_by_key = hash_create("lottrace waiting negatives", 64, &ctl,
							  HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

static void
state_reset(void)
{
	/* the memory goes with TopTransactionContext */
	moves_cxt = NULL;
	fps = NULL;
	negs_by_key = NULL;
	negs = NIL;
	helds = NIL;
	ndels = nwaiting = 0;
	queued = false;
	queued_sub = InvalidSubTransactionId;
	last_change = InvalidSubTransactionId;
}

/* ------------------------------------------------------------------------
 * Deletions and their fingerprints
 * ------------------------------------------------------------------------
 */

bool
lt_moves_partitioned(LtRelInfo *ri)
{
	return get_rel_relkind(ri->root) == RELKIND_PARTITIONED_TABLE;
}

static void
fp_add(pg_cryptohash_ctx *ctx, const void *p, size_t len)
{
	if (pg_cryptohash_update(ctx, p, len) < 0)
		elog(ERROR, "lottrace: could not compute a row fingerprint");
}

static void
fp_attr(pg_cryptohash_ctx *ctx, TupleTableSlot *slot, AttrNumber att)
{
	Form_pg_attribute fa = TupleDescAttr(slot->tts_tupleDescriptor, att - 1);
	uint8		isnull = slot->tts_isnull[att - 1] ? 1 : 0;
	Datum		d = slot->tts_values[att - 1];
	uint32		len;

	fp_add(ctx, &isnull, 1);
	if (isnull)
		return;
	if (fa->attbyval)
	{
		len = fa->attlen;
		fp_add(ctx, &len, sizeof(len));
		fp_add(ctx, &d, sizeof(Datum));
	}
	else if (fa->attlen == -1)
	{
		struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(d));

		len = VARSIZE_ANY_EXHDR(v);
		fp_add(ctx, &len, sizeof(len));
		fp_add(ctx, VARDATA_ANY(v), len);
	}
	else if (fa->attlen == -2)
	{
		len = strlen(DatumGetCString(d));
		fp_add(ctx, &len, sizeof(len));
		fp_add(ctx, DatumGetPointer(d), len);
	}
	else
	{
		len = fa->attlen;
		fp_add(ctx, &len, sizeof(len));
		fp_add(ctx, DatumGetPointer(d), len);
	}
}

/*
 * SHA-256 over the root's OID, the primary key, the mapped columns and those
 * counts_when reads, each
 * as its type's bytes (partitions of one table share the column types; the
 * columns are found by name in each partition).  A cryptographic hash: a
 * client cannot make another row pass for a deleted one.
 */
void
lt_moves_fingerprint(LtRelInfo *ri, TupleTableSlot *slot, uint8 *fp)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];

	slot_getallattrs(slot);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "lottrace: could not compute a row fingerprint");
	fp_add(ctx, &ri->root, sizeof(Oid));
	for (int k = 0; k < ri->npk; k++)
		fp_attr(ctx, slot, ri->pk[k]);
	for (int k = 0; k < LC_NCOLS; k++)
	{
		uint8		mapped = ri->col[k].attnum != 0;

		fp_add(ctx, &mapped, 1);
		if (mapped)
			fp_attr(ctx, slot, ri->col[k].attnum);
	}
	for (int k = 0; k < LC_NCOLS; k++)
		if (ri->col[k].alt_attnum)
			fp_attr(ctx, slot, ri->col[k].alt_attnum);
	/* and the columns counts_when reads: a row that starts counting differs */
	for (int k = 0; k < ri->npred; k++)
		fp_attr(ctx, slot, ri->pred_atts[k]);
#if PG_VERSION_NUM >= 150000
	if (pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
#else
	if (pg_cryptohash_final(ctx, digest) < 0)
#endif
		elog(ERROR, "lottrace: could not compute a row fingerprint");
	pg_cryptohash_free(ctx);
	memcpy(fp, digest, LT_FP_LEN);
}

LtMoveDel *
lt_moves_record(const uint8 *fp)
{
	FpEnt	   *f;
	bool		found;
	LtMoveDel  *d;

	if (ndels >= LT_MOVES_MAX)
		return NULL;
	state_init();
	f = hash_search(fps, fp, HASH_ENTER, &found);
	if (!found)
		f->dels = NULL;
	d = MemoryContextAllocZero(moves_cxt, sizeof(LtMoveDel));
	d->created = GetCurrentSubTransactionId();
	d->next = f->dels;
	f->dels = d;
	ndels++;
	nwaiting++;
	changed();
	return d;
}

bool
lt_moves_waiting(void)
{
	return nwaiting > 0;
}

LtMoveDel *
lt_moves_match(const uint8 *fp)
{
	FpEnt	   *f;

	if (nwaiting == 0)
		return NULL;
	f = hash_search(fps, fp, HASH_FIND, NULL);
	if (f == NULL)
		return NULL;
	for (LtMoveDel *d = f->dels; d; d = d->next)
		if (d->matched == InvalidSubTransactionId)
		{
			d->matched = GetCurrentSubTransactionId();
			nwaiting--;
			changed();
			return d;
		}
	return NULL;
}

bool
lt_moves_held(LtMoveDel *d)
{
	return d->held != NULL && d->held->created != InvalidSubTransactionId &&
		d->held->resolved == InvalidSubTransactionId;
}

static char *
tx_strdup(const char *s)
{
	return s ? MemoryContextStrdup(moves_cxt, s) : NULL;
}

void
lt_moves_hold(LtMoveDel *d, Oid root, const char *item, const char *variant,
			  const char *code, const char *wh, int dir, const char *lot,
			  const char *doc, DateADT moved_on, const char *account,
			  const char *detail)
{
	LtHeld	   *h;
	MemoryContext old;

	state_init();
	h = MemoryContextAllocZero(moves_cxt, sizeof(LtHeld));
	h->del = d;
	h->created = GetCurrentSubTransactionId();
	h->root = root;
	h->item = tx_strdup(item);
	h->variant = tx_strdup(variant);
	h->code = tx_strdup(code);
	h->wh = tx_strdup(wh);
	h->dir = dir;
	h->lot = tx_strdup(lot);
	h->doc = tx_strdup(doc);
	h->moved_on = moved_on;
	h->account = tx_strdup(account);
	h->detail = tx_strdup(detail);
	d->held = h;
	old = MemoryContextSwitchTo(moves_cxt);
	helds = lappend(helds, h);
	MemoryContextSwitchTo(old);
	changed();
}

List *
lt_moves_held_list(void)
{
	List	   *r = NIL;
	ListCell   *lc;

	foreach(lc, helds)
	{
		LtHeld	   *h = lfirst(lc);

		if (h->created != InvalidSubTransactionId && h->resolved == InvalidSubTransactionId &&
			h->del->matched == InvalidSubTransactionId)
			r = lappend(r, h);
	}
	return r;
}

void
lt_moves_forget(Oid root)
{
	ListCell   *lc;

	foreach(lc, helds)
	{
		LtHeld	   *h = lfirst(lc);

		if (h->root == root && h->resolved == InvalidSubTransactionId)
		{
			h->resolved = GetCurrentSubTransactionId();
			changed();
		}
	}
}

/* ------------------------------------------------------------------------
 * Negative stock that waits
 * ------------------------------------------------------------------------
 */

static bool
neg_live(LtNeg *n)
{
	return n->created != InvalidSubTransactionId && n->resolved == InvalidSubTransactionId;
}

bool
lt_moves_neg_waiting(int64 lot_id, const char *wh)
{
	NegKey		k = {lot_id, wh};
	NegEnt	   *ne;
	ListCell   *lc;

	if (negs == NIL)
		return false;
	ne = hash_search(negs_by_key, &k, HASH_FIND, NULL);
	if (ne == NULL)
		return false;
	foreach(lc, ne->negs)
		if (neg_live(lfirst(lc)))
			return true;
	return false;
}

void
lt_moves_defer_neg(int64 lot_id, const char *wh, const char *name,
				   const char *detail, Oid relid)
{
	NegEnt	   *ne;
	LtNeg	   *n;
	bool		found;
	MemoryContext old;
	char	   *schema = get_namespace_name(get_rel_namespace(relid));
	char	   *table = get_rel_name(relid);

	state_init();
	if (lt_moves_neg_waiting(lot_id, wh))
		return;					/* the first row stays the one named */
	old = MemoryContextSwitchTo(moves_cxt);
	n = palloc0(sizeof(LtNeg));
	n->key.lot_id = lot_id;
	n->key.wh = pstrdup(wh);
	n->created = GetCurrentSubTransactionId();
	n->name = pstrdup(name);
	n->detail = pstrdup(detail);
	n->schema = schema ? pstrdup(schema) : NULL;
	n->table = table ? pstrdup(table) : NULL;
	ne = hash_search(negs_by_key, &n->key, HASH_ENTER, &found);
	if (!found)
	{
		ne->key = n->key;
		ne->negs = NIL;
	}
	ne->negs = lappend(ne->negs, n);
	negs = lappend(negs, n);
	MemoryContextSwitchTo(old);
	changed();
}

/* ------------------------------------------------------------------------
 * The check
 * ------------------------------------------------------------------------
 */

static LtPlan queue_plan = {
	"INSERT INTO lottrace.move_check DEFAULT VALUES", 0, {0}
};

static LtPlan unqueue_plan = {
	"DELETE FROM lottrace.move_check"
	" WHERE xact OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id()", 0, {0}
};

static LtPlan neg_plan = {
	"SELECT k.i, (l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[]))"
	"       WITH ORDINALITY AS k(lot_id, wh, i)"
	"  JOIN lottrace.lot l ON l.lot_id OPERATOR(pg_catalog.=) k.lot_id"
	" WHERE ((l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1)::pg_catalog.numeric"
	"       OPERATOR(pg_catalog.<) 0"
	" ORDER BY k.i LIMIT 1",
	2, {INT8ARRAYOID, TEXTARRAYOID}
};
/* its result columns */
enum
{
	NEG_I = 1, NEG_ON_HAND
};

/*
 * Called by the engine (as the extension owner, inside SPI) when a rule
 * starts to wait: the row makes the constraint trigger fire at commit.
 */
void
lt_moves_queue_check(void)
{
	if (queued)
		return;
	queued = true;
	queued_sub = GetCurrentSubTransactionId();
	changed();
	lt_exec(&queue_plan, NULL, NULL, false, 0);
}

static bool
anything_to_judge(void)
{
	ListCell   *lc;

	foreach(lc, negs)
		if (neg_live(lfirst(lc)))
			return true;
	foreach(lc, helds)
	{
		LtHeld	   *h = lfirst(lc);

		if (h->created != InvalidSubTransactionId && h->resolved == InvalidSubTransactionId &&
			h->del->matched == InvalidSubTransactionId)
			return true;
	}
	return false;
}

static void
judge_negatives(void)
{
	ListCell   *lc;
	List	   *live = NIL;
	int			n,
				i = 0;
	int64	   *ids;
	Datum	   *whs;
	Datum		args[2];
	LtNeg	  **cs;

	foreach(lc, negs)
		if (neg_live(lfirst(lc)))
			live = lappend(live, lfirst(lc));
	if (live == NIL)
		return;
	n = list_length(live);
	ids = palloc(sizeof(int64) * n);
	whs = palloc(sizeof(Datum) * n);
	cs = palloc(sizeof(LtNeg *) * n);
	foreach(lc, live)
	{
		LtNeg	   *c = lfirst(lc);

		cs[i] = c;
		ids[i] = c->key.lot_id;
		whs[i] = CStringGetTextDatum(c->key.wh);
		i++;
	}
	args[0] = lt_array_int8(ids, n);
	args[1] = lt_array_text(whs, NULL, n, TEXTOID);
	if (lt_exec(&neg_plan, args, NULL, false, 0) > 0)
	{
		int64		k = lt_getint8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, NEG_I, NULL) - 1;
		char	   *oh = lt_getstr(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, NEG_ON_HAND);
		LtNeg	   *c = cs[k];

		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stock of %s in warehouse \"%s\" would be %s",
						c->name, lt_show(c->key.wh, -1), oh),
				 errdetail("%s Rows deleted from a partitioned table are judged at commit; this one was not inserted again.",
						   c->detail),
				 errhint("Warehouses marked allow_negative in lottrace.warehouse may go below zero."),
				 c->schema ? err_generic_string(PG_DIAG_SCHEMA_NAME, c->schema) : 0,
				 c->table ? err_generic_string(PG_DIAG_TABLE_NAME, c->table) : 0,
				 err_generic_string(PG_DIAG_CONSTRAINT_NAME, "lottrace_negative_stock")));
	}
	SPI_freetuptable(SPI_tuptable);
	foreach(lc, live)
		((LtNeg *) lfirst(lc))->resolved = GetCurrentSubTransactionId();
	changed();
}

/*
 * The commit-time check, run by lottrace._check_moves() (triggers.c): judge
 * the negative stock left by deletions; the caller then applies the held
 * serial moves (lt_moves_held_list) through the engine and hands them back
 * to lt_moves_resolved; lt_moves_checked ends the check.
 */
void
lt_moves_judge(void)
{
	if (moves_cxt != NULL)
		judge_negatives();
}

void
lt_moves_resolved(List *held)
{
	ListCell   *lc;

	if (held == NIL)
		return;
	foreach(lc, held)
		((LtHeld *) lfirst(lc))->resolved = GetCurrentSubTransactionId();
	changed();
}

void
lt_moves_checked(void)
{
	lt_exec(&unqueue_plan, NULL, NULL, false, 0);
	queued = false;
}

/* ------------------------------------------------------------------------
 * Transaction and subtransaction ends
 * ------------------------------------------------------------------------
 */

static void
moves_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:

			/*
			 * The deferred triggers have fired: if something still waits,
			 * the check did not run (its trigger was disabled).  Refuse
			 * rather than commit movements nobody judged.
			 */
			if (moves_cxt != NULL && anything_to_judge())
				ereport(ERROR,
						(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
						 errmsg("lottrace: rows deleted from a partitioned table were not judged"),
						 errdetail("The trigger check_moves on lottrace.move_check did not fire."),
						 errhint("Enable it: ALTER TABLE lottrace.move_check ENABLE ALWAYS TRIGGER check_moves.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			state_reset();
			break;
		default:
			break;
	}
}

static inline void
sub_fix(SubTransactionId *s, SubTransactionId mine, SubTransactionId to)
{
	if (*s == mine)
		*s = to;
}

static void
moves_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	bool		abort;
	SubTransactionId to;
	HASH_SEQ_STATUS hs;
	FpEnt	   *f;
	ListCell   *lc;

	if (event == SUBXACT_EVENT_ABORT_SUB)
		abort = true;
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
		abort = false;
	else
		return;
	if ((moves_cxt == NULL && !queued) || mySubid > last_change)
		return;					/* nothing changed in it */
	/* on abort, what it made is gone and what it took is given back */
	to = abort ? InvalidSubTransactionId : parentSubid;

	if (queued)
	{
		if (abort && queued_sub == mySubid)
			queued = false;		/* its row and the trigger event are gone */
		sub_fix(&queued_sub, mySubid, parentSubid);
	}
	if (fps != NULL)
		hash_seq_init(&hs, fps);
	while (fps != NULL && (f = hash_seq_search(&hs)) != NULL)
	{
		LtMoveDel **pp = &f->dels;

		while (*pp)
		{
			LtMoveDel  *d = *pp;

			if (d->matched == mySubid)
			{
				d->matched = to;
				if (abort)
					nwaiting++;
			}
			if (abort && d->created == mySubid)
			{
				if (d->matched == InvalidSubTransactionId)
					nwaiting--;
				ndels--;
				*pp = d->next;
				continue;
			}
			sub_fix(&d->created, mySubid, parentSubid);
			pp = &d->next;
		}
		if (f->dels == NULL)
			hash_search(fps, f->fp, HASH_REMOVE, NULL);
	}
	foreach(lc, helds)
	{
		LtHeld	   *h = lfirst(lc);

		sub_fix(&h->created, mySubid, to);
		sub_fix(&h->resolved, mySubid, to);
	}
	foreach(lc, negs)
	{
		LtNeg	   *n = lfirst(lc);

		sub_fix(&n->created, mySubid, to);
		sub_fix(&n->resolved, mySubid, to);
	}
	last_change = parentSubid;
}

void
lt_moves_init(void)
{
	RegisterXactCallback(moves_xact_callback, NULL);
	RegisterSubXactCallback(moves_subxact_callback, NULL);
}
