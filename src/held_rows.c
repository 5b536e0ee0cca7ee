/*
 * held_rows.c — attached tables judged at commit (see held_rows.h).
 *
 * An ERP may write one movement over several statements (ERPNext inserts a
 * ledger row and fills its batch bundle a statement later) or post a
 * document line by line.  For a table attached with judge => 'commit', the
 * statement triggers only copy their transition rows into the transaction
 * and make sure the commit-time check runs (the deferred constraint trigger
 * of lottrace.move_check, moves.c).  The check takes each table's rows as
 * one statement: an old row version and a new one that are the same
 * version (a row inserted and then updated: its first version is both)
 * cancel out, so only what the transaction leaves behind is judged, with
 * every rule and the errors of a statement.  A rolled-back subtransaction
 * takes its statements with it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "executor/tuptable.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "access/table.h"

#include "engine.h"
#include "held_rows.h"
#include "moves.h"

typedef struct HeldStmt
{
	LtRelInfo  *ri;				/* its mapping (one replaced in the transaction
								 * lives until its end: attach.c) */
	Oid			relid;			/* the table the rows came from (a partition too) */
	Oid			root;
	SubTransactionId created;	/* InvalidSubTransactionId: rolled back */
	SubTransactionId judged;	/* by the check of this subtransaction; 0 not yet */
	Tuplestorestate *newt;
	Tuplestorestate *oldt;
} HeldStmt;

static MemoryContext held_cxt = NULL;
static List *held = NIL;		/* HeldStmt *, in statement order */

static Tuplestorestate *
copy_rows(Tuplestorestate *src, TupleDesc desc)
{
	Tuplestorestate *dst;
	TupleTableSlot *slot;

	if (src == NULL)
		return NULL;
	dst = tuplestore_begin_heap(false, false, work_mem);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	tuplestore_rescan(src);
	while (tuplestore_gettupleslot(src, true, false, slot))
		tuplestore_puttupleslot(dst, slot);
	ExecDropSingleTupleTableSlot(slot);
	return dst;
}

void
lt_held_add(LtRelInfo *ri, TupleDesc desc, Tuplestorestate *newt, Tuplestorestate *oldt)
{
	MemoryContext old;
	HeldStmt   *h;

	if (held_cxt == NULL)
		held_cxt = AllocSetContextCreate(TopTransactionContext, "lottrace held rows",
										 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(held_cxt);
	h = palloc0(sizeof(HeldStmt));
	h->ri = ri;
	h->relid = ri->relid;
	h->root = ri->root;
	h->created = GetCurrentSubTransactionId();
	h->newt = copy_rows(newt, desc);
	h->oldt = copy_rows(oldt, desc);
	held = lappend(held, h);
	MemoryContextSwitchTo(old);
	lt_moves_queue_check();
}

static bool
live(HeldStmt *h)
{
	return h->created != InvalidSubTransactionId && h->judged == InvalidSubTransactionId;
}

typedef struct FpCount
{
	uint8		fp[LT_FP_LEN];
	int64		n;
} FpCount;

/*
 * Add the rows of ts to *out, but for those whose version is in skip (one
 * per count, taken from skip and, when given, added to taken).
 */
static void
take(LtRelInfo *ri, Tuplestorestate *ts, TupleTableSlot *slot, HTAB *skip, HTAB *taken,
	 Tuplestorestate **out)
{
	tuplestore_rescan(ts);
	while (tuplestore_gettupleslot(ts, true, false, slot))
	{
		uint8		fp[LT_FP_LEN];
		FpCount    *c;

		lt_moves_fingerprint(ri, slot, fp);
		c = hash_search(skip, fp, HASH_FIND, NULL);
		if (c != NULL && c->n > 0)
		{
			c->n--;
			if (taken)
			{
				bool		found;
				FpCount    *t = hash_search(taken, fp, HASH_ENTER, &found);

				t->n = found ? t->n + 1 : 1;
			}
			continue;
		}
		if (*out == NULL)
			*out = tuplestore_begin_heap(false, false, work_mem);
		tuplestore_puttupleslot(*out, slot);
	}
}

/* One table's held rows, as one statement. */
static void
judge_table(LtRelInfo *ri)
{
	Oid			relid = ri->relid;
	Relation	rel = table_open(relid, NoLock);
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	HASHCTL		ctl;
	HTAB	   *olds;
	HTAB	   *cancelled;
	Tuplestorestate *newt = NULL;
	Tuplestorestate *oldt = NULL;
	ListCell   *lc;

	ctl.keysize = LT_FP_LEN;
	ctl.entrysize = sizeof(FpCount);
	ctl.hcxt = CurrentMemoryContext;
	olds = hash_create("lottrace held old versions", 256, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	cancelled = hash_create("lottrace held cancelled versions", 256, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/* every old version, counted */
	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (!live(h) || h->relid != relid || h->oldt == NULL)
			continue;
		tuplestore_rescan(h->oldt);
		while (tuplestore_gettupleslot(h->oldt, true, false, slot))
		{
			uint8		fp[LT_FP_LEN];
			bool		found;
			FpCount    *c;

			lt_moves_fingerprint(ri, slot, fp);
			c = hash_search(olds, fp, HASH_ENTER, &found);
			c->n = found ? c->n + 1 : 1;
		}
	}
	/* a new version that a later statement replaced or deleted: both go */
	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (live(h) && h->relid == relid && h->newt != NULL)
			take(ri, h->newt, slot, olds, cancelled, &newt);
	}
	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (live(h) && h->relid == relid && h->oldt != NULL)
			take(ri, h->oldt, slot, cancelled, NULL, &oldt);
	}
	ExecDropSingleTupleTableSlot(slot);
	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (live(h) && h->relid == relid)
			h->judged = GetCurrentSubTransactionId();
	}
	if (newt || oldt)
		lt_engine_run(ri, LT_STRICT, newt, oldt, desc, 0);
	table_close(rel, NoLock);
}

void
lt_held_judge(void)
{
	List	   *rels = NIL;
	ListCell   *lc;

	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (live(h) && !list_member_oid(rels, h->relid))
		{
			rels = lappend_oid(rels, h->relid);
			judge_table(h->ri);
		}
	}
}

void
lt_held_forget(Oid root)
{
	ListCell   *lc;

	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (h->root == root && live(h))
			h->judged = GetCurrentSubTransactionId();
	}
}

static void
held_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			/* the deferred check must have judged them (moves.c refuses likewise) */
			foreach(lc, held)
				if (live(lfirst(lc)))
					ereport(ERROR,
							(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
							 errmsg("lottrace: rows of a table judged at commit were not judged"),
							 errdetail("The trigger check_moves on lottrace.move_check did not fire."),
							 errhint("Enable it: ALTER TABLE lottrace.move_check ENABLE ALWAYS TRIGGER check_moves.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			/* the memory goes with TopTransactionContext */
			held_cxt = NULL;
			held = NIL;
			break;
		default:
			break;
	}
}

static void
held_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event != SUBXACT_EVENT_ABORT_SUB && event != SUBXACT_EVENT_COMMIT_SUB)
		return;
	foreach(lc, held)
	{
		HeldStmt   *h = lfirst(lc);

		if (h->created == mySubid)
			h->created = (event == SUBXACT_EVENT_ABORT_SUB) ? InvalidSubTransactionId : parentSubid;
		/* a check rolled back leaves them to judge again */
		if (h->judged == mySubid)
			h->judged = (event == SUBXACT_EVENT_ABORT_SUB) ? InvalidSubTransactionId : parentSubid;
	}
}

void
lt_held_init(void)
{
	RegisterXactCallback(held_xact_callback, NULL);
	RegisterSubXactCallback(held_subxact_callback, NULL);
}
