/*
 * register_write.c — the engine's writes of lots without SPI: stock updates
 * of existing lots, and upserts of lots with a load; and the steps the
 * serial writes (serial_write.c) share with them.
 *
 * The statement an ERP posts most is one document line: one row, one lot,
 * no load.  Its only register write is
 *
 *     UPDATE lottrace.lot l SET stock = lottrace._stock_add(l.stock, $delta)
 *      WHERE (l.item, l.code, l.variant) = ($item, $code, $variant)
 *     RETURNING ...
 *
 * and through SPI the executor's start-up and shut-down of that UPDATE cost
 * more than the update itself.  A big statement's lots without a load are
 * the same UPDATE for each lot of a slice of its chunk (lot_update_plan:
 * the lots locked in key order, then each found again and updated).
 * lt_lot_update_direct() does the same for n lots, in one statement, with
 * the table AM and the executor's own routines for one row
 * (ExecSimpleRelationUpdate, the routine logical replication uses), each
 * lot in turn in the order given:
 *
 *   - the snapshot and command counter as SPI gives a non-read-only
 *     statement (a new snapshot in READ COMMITTED, the transaction's in
 *     REPEATABLE READ and SERIALIZABLE; CommandCounterIncrement before and
 *     after);
 *   - the row found through lot_item_code_variant_key with that snapshot
 *     (so SERIALIZABLE takes the same predicate locks as the UPDATE's index
 *     scan);
 *   - the row locked FOR NO KEY UPDATE, the lock the UPDATE takes.  When a
 *     concurrent transaction updated or deleted it: in READ COMMITTED, the
 *     newest version is locked and its key checked again (as EvalPlanQual
 *     does); in REPEATABLE READ and SERIALIZABLE, the same serialization
 *     failure as the UPDATE's;
 *   - the new stock from the locked version, then ExecSimpleRelationUpdate:
 *     BEFORE and AFTER ROW triggers (the guard, the status log, and any a
 *     DBA added), constraints, indexes, and the WAL logical replication
 *     decodes, as the UPDATE would.
 *
 * It runs as the caller runs the UPDATE: as the extension owner (the guard
 * tells lottrace's own writes by that), where row security does not apply.
 * What ExecSimpleRelationUpdate does not do, it is not asked to: a
 * lottrace.lot with rules, statement-level UPDATE triggers or transition
 * tables (a DBA's audit trigger, say), or BEFORE ROW UPDATE triggers other
 * than the guard (one may skip the row, which the UPDATE reports and
 * ExecSimpleRelationUpdate does not), goes through SPI, as does every build
 * before PostgreSQL 14 and a session with lottrace.direct_writes off.
 * AFTER ROW triggers of a DBA's own fire on the direct path.
 *
 * Lots with a load are lot_upsert_plan's INSERT ... ON CONFLICT ON
 * CONSTRAINT lot_item_code_variant_key DO UPDATE SET stock = stock + delta
 * (RETURNING the lot as the rules need it).  lt_lot_upsert_direct() does
 * for each lot what ExecInsert does for a row of it: the row proposed (the
 * columns the INSERT names, the others' defaults), BEFORE ROW INSERT
 * triggers and constraints; then the conflict looked for in the key index.
 * A conflicting lot is locked as ExecOnConflictUpdate locks it (changed
 * meanwhile: READ COMMITTED starts again from the conflict check,
 * REPEATABLE READ and SERIALIZABLE fail to serialize, as they do for a lot
 * their snapshot does not see) and its stock added to through
 * lt_update_row; otherwise the lot is inserted speculatively, as
 * serial_write.c inserts a serial.  Tables with lot master data
 * (production date, best before, attributes) keep the SPI statement.
 * See docs/ENGINE.md, "Direct register writes".
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/inval.h"
#include "utils/snapmgr.h"

#include "lottrace.h"
#include "register_write.h"
#include "spi_util.h"
#include "stock.h"

/* the columns of lottrace.lot the update reads or writes */
enum
{
	C_LOT_ID, C_ITEM, C_VARIANT, C_CODE, C_STATUS, C_SALEABLE, C_FORCE_CLOSED,
	C_EXPIRY, C_SUPPLIER, C_STOCK, C_CLAIMS,
	/* and those an upsert inserts besides */
	C_CODE_TYPE, C_SUPPLIER_LOT, C_START_DATE, C_INITIAL_QTY, NCOLS
};
static const char *const col_names[NCOLS] = {
	"lot_id", "item", "variant", "code", "status", "saleable", "force_closed",
	"expiry_date", "supplier", "stock", "claims",
	"code_type", "supplier_lot", "start_date", "initial_qty"
};
/* the columns lot_upsert_plan's INSERT names */
static const int upsert_cols[] = {
	C_ITEM, C_VARIANT, C_CODE, C_CODE_TYPE, C_SUPPLIER, C_SUPPLIER_LOT, C_START_DATE, C_EXPIRY,
	C_INITIAL_QTY, C_STATUS, C_STOCK
};

/*
 * What every write finds out about lottrace.lot the same way, kept per
 * backend until a relcache invalidation of the table or of its key index:
 * their OIDs, whether the direct path may write the table (its triggers and
 * rules: CREATE TRIGGER and CREATE RULE invalidate it), the attribute
 * numbers of the columns, and its CHECK constraints compiled as
 * ExecRelCheck compiles them for every new ResultRelInfo (stringToNode,
 * expression_planner, ExecInitExpr with no parent: nothing in them points
 * to an executor state, so they serve every statement).
 */
typedef struct LotWriteCache
{
	bool		valid;
	Oid			relid;
	Oid			idxid;
	bool		direct;
	AttrNumber	att[NCOLS];
	int			ncheck;			/* as rd_att->constr->num_check */
	ExprState **checks;			/* NULL where the constraint is not valid */
	TupleDesc	answer;			/* the shape of what the writes return */
	bool		direct_insert;	/* may the upserts insert directly */
	ExprState **defaults;		/* of the columns the upsert does not name */
	TupleDesc	upsert_answer;	/* the shape of what the upserts return */
	bool		keys_ready;		/* keys: the key index's equality scan keys */
	ScanKeyData keys[3];		/* (their operators looked up, their FmgrInfo in cxt) */
	MemoryContext cxt;
} LotWriteCache;

static LotWriteCache wc;

static TupleDesc answer_desc(Relation rel, const AttrNumber *att, MemoryContext cxt);
static TupleDesc upsert_answer_desc(Relation rel, const AttrNumber *att, MemoryContext cxt);
static uint64 wc_invals;		/* invalidations seen, to tell one during a fill */

static void
write_cache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == wc.relid || relid == wc.idxid)
	{
		wc.valid = false;
		wc_invals++;
	}
}

void
lt_register_write_init(void)
{
	CacheRegisterRelcacheCallback(write_cache_callback, (Datum) 0);
}

/*
 * Can the direct steps stand for an INSERT (cmd CMD_INSERT) or an UPDATE
 * (CMD_UPDATE) of this relation?  Not when it has rules, statement-level
 * triggers for that command or transition tables (which the steps do not
 * fire), nor BEFORE ROW triggers for it other than lottrace's own named in
 * allowed (NULL-terminated): one may skip the row (return NULL), which the
 * SPI statement reports as no row written and the steps do not tell.
 */
bool
lt_direct_table_ok(Relation rel, CmdType cmd, const char *const *allowed)
{
	TriggerDesc *td = rel->trigdesc;

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->rd_rules != NULL)
		return false;
	if (td == NULL)
		return true;
	if (cmd == CMD_UPDATE
		? (td->trig_update_before_statement || td->trig_update_after_statement ||
		   td->trig_update_old_table || td->trig_update_new_table)
		: (td->trig_insert_before_statement || td->trig_insert_after_statement ||
		   td->trig_insert_new_table))
		return false;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];
		char	   *fn;
		bool		ok = false;

		if (!TRIGGER_FOR_ROW(t->tgtype) || !TRIGGER_FOR_BEFORE(t->tgtype) ||
			!(cmd == CMD_UPDATE ? TRIGGER_FOR_UPDATE(t->tgtype) : TRIGGER_FOR_INSERT(t->tgtype)))
			continue;
		fn = get_func_name(t->tgfoid);
		if (fn != NULL && get_func_namespace(t->tgfoid) == RelationGetNamespace(rel))
			for (const char *const *a = allowed; *a; a++)
				ok |= (strcmp(fn, *a) == 0);
		if (!ok)
			return false;
	}
	return true;
}

/* attribute numbers of col_names in rel (0: not there, e.g. claims before 1.2) */
static void
find_columns(Relation rel, AttrNumber *att)
{
	TupleDesc	d = RelationGetDescr(rel);

	for (int c = 0; c < NCOLS; c++)
	{
		att[c] = InvalidAttrNumber;
		for (int i = 0; i < d->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(d, i);

			if (!a->attisdropped && strcmp(NameStr(a->attname), col_names[c]) == 0)
			{
				att[c] = a->attnum;
				break;
			}
		}
		if (att[c] == InvalidAttrNumber && c != C_CLAIMS)
			elog(ERROR, "lottrace: column lottrace.lot.%s not found", col_names[c]);
	}
}

ExprState **
lt_compile_checks(Relation rel, MemoryContext cxt, int *ncheck)
{
	TupleConstr *constr = RelationGetDescr(rel)->constr;
	MemoryContext old;
	ExprState **checks;

	*ncheck = constr ? constr->num_check : 0;
	if (*ncheck == 0)
		return NULL;
	old = MemoryContextSwitchTo(cxt);
	checks = palloc0(sizeof(ExprState *) * *ncheck);
	for (int i = 0; i < *ncheck; i++)
		if (constr->check[i].ccvalid)
			checks[i] = ExecInitExpr(expression_planner(stringToNode(constr->check[i].ccbin)),
									 NULL);
	MemoryContextSwitchTo(old);
	return checks;
}

/*
 * lottrace.lot as the writes need it, from wc or found again.  wc becomes
 * valid only when filled to the end (an error leaves it invalid) with no
 * invalidation of the table while it was (the syscache reads below may
 * take one in); either way this write uses what was found.
 */
static void
write_cache_fill(Relation rel)
{
	uint64		invals = wc_invals;

	if (wc.valid && wc.relid == RelationGetRelid(rel))
		return;
	wc.valid = false;
	if (wc.cxt == NULL)
		wc.cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace lot writes",
									   ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(wc.cxt);
	wc.relid = RelationGetRelid(rel);
	wc.idxid = lt_relid("lot_item_code_variant_key");
	wc.keys_ready = false;
	{
		static const char *const guard[] = {"_lot_guard", NULL};

		wc.direct = lt_direct_table_ok(rel, CMD_UPDATE, guard);
	}
	find_columns(rel, wc.att);
	wc.checks = lt_compile_checks(rel, wc.cxt, &wc.ncheck);
	wc.answer = answer_desc(rel, wc.att, wc.cxt);
	{
		static const char *const guard[] = {"_lot_guard", NULL};
		AttrNumber	named[lengthof(upsert_cols)];

		wc.direct_insert = lt_direct_table_ok(rel, CMD_INSERT, guard);
		for (int c = 0; c < lengthof(upsert_cols); c++)
			named[c] = wc.att[upsert_cols[c]];
		wc.defaults = lt_compile_defaults(rel, named, lengthof(upsert_cols), wc.cxt);
	}
	wc.upsert_answer = upsert_answer_desc(rel, wc.att, wc.cxt);
	wc.valid = (invals == wc_invals);
}

void
lt_scan_key(ScanKey key, Relation idx, int k, Datum value, bool isnull)
{
	if (isnull)
	{
		ScanKeyEntryInitialize(key, SK_ISNULL | SK_SEARCHNULL, k + 1, InvalidStrategy,
							   InvalidOid, InvalidOid, InvalidOid, (Datum) 0);
		return;
	}
	{
		Oid			optype = idx->rd_opcintype[k];
		Oid			op = get_opfamily_member(idx->rd_opfamily[k], optype, optype,
											 BTEqualStrategyNumber);

		if (!OidIsValid(op))
			elog(ERROR, "lottrace: no equality operator for column %d of %s", k + 1,
				 RelationGetRelationName(idx));
		ScanKeyEntryInitialize(key, 0, k + 1, BTEqualStrategyNumber, optype,
							   idx->rd_indcollation[k], get_opcode(op), value);
	}
}

ExprState **
lt_compile_defaults(Relation rel, const AttrNumber *named, int nnamed, MemoryContext cxt)
{
	TupleDesc	d = RelationGetDescr(rel);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	ExprState **defaults = palloc0(sizeof(ExprState *) * d->natts);

	for (int i = 0; i < d->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(d, i);
		bool		is_named = false;
		Node	   *expr;

		for (int c = 0; c < nnamed; c++)
			is_named |= (named[c] == a->attnum);
		if (is_named || a->attisdropped || a->attgenerated)
			continue;
		expr = build_column_default(rel, a->attnum);
		if (expr != NULL)
			defaults[i] = ExecInitExpr(expression_planner((Expr *) expr), NULL);
	}
	MemoryContextSwitchTo(old);
	return defaults;
}

void
lt_eval_defaults(ExprState **defaults, int natts, ExprContext *econtext, Datum *v, bool *n)
{
	for (int i = 0; i < natts; i++)
	{
		n[i] = true;
		v[i] = (Datum) 0;
		if (defaults[i] != NULL)
			v[i] = ExecEvalExprSwitchContext(defaults[i], econtext, &n[i]);
	}
}

void
lt_check_visible(EState *estate, Relation rel, TupleTableSlot *slot)
{
	if (!IsolationUsesXactSnapshot())
		return;
	if (!table_tuple_satisfies_snapshot(rel, slot, estate->es_snapshot))
	{
		bool		isnull;
		TransactionId xmin = DatumGetTransactionId(slot_getsysattr(slot, MinTransactionIdAttributeNumber,
																   &isnull));

		if (!TransactionIdIsCurrentTransactionId(xmin))
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to concurrent update")));
	}
}

bool
lt_same_key(TupleTableSlot *slot, AttrNumber item_att, AttrNumber code_att, AttrNumber variant_att,
			Datum item, Datum variant, bool variant_null, Datum code)
{
	bool		isnull;
	Datum		v;

	v = slot_getattr(slot, item_att, &isnull);
	if (isnull || !datum_image_eq(v, item, false, -1))
		return false;
	v = slot_getattr(slot, code_att, &isnull);
	if (isnull || !datum_image_eq(v, code, false, -1))
		return false;
	v = slot_getattr(slot, variant_att, &isnull);
	if (isnull || variant_null)
		return isnull && variant_null;
	return datum_image_eq(v, variant, false, -1);
}

/*
 * A range table of the one register table a direct statement writes, with
 * the columns it inserts and those it updates (triggers read which columns
 * an UPDATE sets: UPDATE OF ...).
 */
static void
init_range_table(EState *estate, Relation rel, Bitmapset *inserted, Bitmapset *updated)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	AclMode		perms = (inserted ? ACL_INSERT : 0) | (updated ? ACL_UPDATE : 0);

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
#if PG_VERSION_NUM >= 160000
	{
		RTEPermissionInfo *perm = makeNode(RTEPermissionInfo);

		perm->relid = rte->relid;
		perm->requiredPerms = perms;
		perm->insertedCols = inserted;
		perm->updatedCols = updated;
		rte->perminfoindex = 1;
		ExecInitRangeTable(estate, list_make1(rte), list_make1(perm));
	}
#else
	rte->requiredPerms = perms;
	rte->insertedCols = inserted;
	rte->updatedCols = updated;
	ExecInitRangeTable(estate, list_make1(rte));
#endif
}

void
lt_direct_begin(LtDirectStmt *s, Relation rel, Bitmapset *inserted, Bitmapset *updated,
				ExprState **checks, int ncheck, bool speculative)
{
	TupleDesc	d = RelationGetDescr(rel);

	s->rel = rel;
	/* the snapshot and command id SPI gives a statement that writes */
	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();

	s->estate = CreateExecutorState();
	init_range_table(s->estate, rel, inserted, updated);
	s->estate->es_snapshot = GetActiveSnapshot();
	s->estate->es_output_cid = GetCurrentCommandId(true);
	s->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(s->rri, rel, 1, NULL, 0);
	/* as ExecRelCheck would make them, made once (ExecConstraints only reads them) */
	if (ncheck > 0 && d->constr && ncheck == d->constr->num_check)
		s->rri->ri_ConstraintExprs = checks;
	/* ExecCloseResultRelations closes it, and what AFTER triggers open */
	s->estate->es_opened_result_relations = lappend(s->estate->es_opened_result_relations, s->rri);
	if (speculative)
		ExecOpenIndices(s->rri, true);
#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
	else
		ExecOpenIndices(s->rri, false);
#endif
	EvalPlanQualInit(&s->epq, s->estate, NULL, NIL, -1);
	AfterTriggerBeginQuery();
}

void
lt_direct_end(LtDirectStmt *s)
{
	AfterTriggerEndQuery(s->estate);
	EvalPlanQualEnd(&s->epq);
	ExecCloseResultRelations(s->estate);
	ExecResetTupleTable(s->estate->es_tupleTable, false);
	FreeExecutorState(s->estate);
	PopActiveSnapshot();
	CommandCounterIncrement();
}

bool
lt_lock_row(Relation rel, TupleTableSlot *slot, EState *estate)
{
	TM_FailureData tmfd;
	TM_Result	res;

	res = table_tuple_lock(rel, &slot->tts_tid, estate->es_snapshot, slot,
						   estate->es_output_cid, LockTupleNoKeyExclusive, LockWaitBlock,
						   IsolationUsesXactSnapshot() ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION,
						   &tmfd);
	switch (res)
	{
		case TM_Ok:
			return true;
		case TM_SelfModified:
			/* as ExecUpdate: a later command of this transaction changed it */
			if (tmfd.cmax != estate->es_output_cid)
				ereport(ERROR,
						(errcode(ERRCODE_TRIGGERED_DATA_CHANGE_VIOLATION),
						 errmsg("tuple to be updated was already modified by an operation triggered by the current command"),
						 errhint("Consider using an AFTER trigger instead of a BEFORE trigger to propagate changes to other rows.")));
			return false;
		case TM_Updated:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			elog(ERROR, "lottrace: register row updated concurrently after it was locked");
			break;
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent delete")));
			return false;
		default:
			elog(ERROR, "lottrace: unexpected table_tuple_lock status %d", (int) res);
	}
	return false;
}

/*
 * ExecSimpleRelationUpdate, step by step as PostgreSQL 15's: the replica
 * identity check, BEFORE ROW triggers, generated columns, constraints, the
 * table AM's update, index entries, AFTER ROW triggers.  One step differs:
 * the indexes are opened only when the update is not HOT.  lottrace.lot's
 * stock is in no index, so most stock updates are HOT, and opening and
 * closing the table's four indexes was a sixth of the write.  On other
 * versions (their trigger and table AM calls differ) the indexes are opened
 * first and ExecSimpleRelationUpdate itself is called.
 */
void
lt_update_row(ResultRelInfo *rri, EState *estate, EPQState *epq, TupleTableSlot *searchslot,
		   TupleTableSlot *slot)
{
#if PG_VERSION_NUM >= 150000 && PG_VERSION_NUM < 160000
	Relation	rel = rri->ri_RelationDesc;
	ItemPointer tid = &searchslot->tts_tid;
	List	   *recheck = NIL;
	bool		update_indexes;

	CheckCmdReplicaIdentity(rel, CMD_UPDATE);
	/*
	 * The guard never skips the row (the callers admit no BEFORE ROW
	 * trigger that may).  The row version given is the one lt_lock_row
	 * locked, as ExecBRUpdateTriggers takes an FDW's: otherwise it would
	 * lock it again (GetTupleForTrigger) and find it unchanged.
	 */
	if (rri->ri_TrigDesc && rri->ri_TrigDesc->trig_update_before_row &&
		!ExecBRUpdateTriggers(estate, epq, rri, tid,
							  ExecFetchSlotHeapTuple(searchslot, false, NULL), slot, NULL))
		return;
	if (rel->rd_att->constr && rel->rd_att->constr->has_generated_stored)
		ExecComputeStoredGenerated(rri, estate, slot, CMD_UPDATE);
	if (rel->rd_att->constr)
		ExecConstraints(rri, slot, estate);
	simple_table_tuple_update(rel, tid, slot, estate->es_snapshot, &update_indexes);
	if (update_indexes)
	{
		/* opened at the first update that is not HOT, for the statement */
		if (rri->ri_IndexRelationDescs == NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);

			ExecOpenIndices(rri, false);
			MemoryContextSwitchTo(old);
		}
		if (rri->ri_NumIndices > 0)
			recheck = ExecInsertIndexTuples(rri, slot, estate, true, false, NULL, NIL);
	}
	ExecARUpdateTriggers(estate, rri, NULL, NULL, tid, NULL, slot, recheck, NULL, false);
	list_free(recheck);
#else
	ExecSimpleRelationUpdate(rri, estate, epq, searchslot, slot);
#endif
}

/* The columns of lottrace.lot the answer has after its "i" (see answer_desc). */
static const int answer_cols[] = {C_LOT_ID, C_STATUS, C_SALEABLE, C_FORCE_CLOSED, C_EXPIRY, C_SUPPLIER};
#define ANSWER_NATTS (1 + lengthof(answer_cols) + 2)

/*
 * What both answers end with, from answer_cols[from] on: the lot's columns
 * the rules read, the warehouses below zero, whether it has claims.
 * lot_answer_desc describes them in d after its column k.
 */
static void
lot_answer_desc(TupleDesc d, int k, Relation rel, const AttrNumber *att, int from)
{
	for (int c = from; c < lengthof(answer_cols); c++)
		TupleDescCopyEntry(d, ++k, RelationGetDescr(rel), att[answer_cols[c]]);
	TupleDescInitEntry(d, ++k, "negatives", JSONBOID, -1, 0);
	TupleDescInitEntry(d, ++k, "claimed", BOOLOID, -1, 0);
}

static void
lot_answer_values(const AttrNumber *att, TupleTableSlot *row, int from, Jsonb *negatives,
				  Datum *v, bool *n)
{
	int			k = 0;
	bool		isnull;

	for (int c = from; c < lengthof(answer_cols); c++, k++)
		v[k] = slot_getattr(row, att[answer_cols[c]], &n[k]);
	v[k] = PointerGetDatum(negatives);
	n[k++] = negatives == NULL;
	v[k] = BoolGetDatum(false);
	n[k] = false;
	if (att[C_CLAIMS] != InvalidAttrNumber)
	{
		Datum		c = slot_getattr(row, att[C_CLAIMS], &isnull);

		v[k] = BoolGetDatum(!isnull && DatumGetInt32(c) > 0);
	}
}

/* The shape of lot_update1_plan's RETURNING list, built in cxt. */
static TupleDesc
answer_desc(Relation rel, const AttrNumber *att, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	TupleDesc	d = CreateTemplateTupleDesc(ANSWER_NATTS);
	int			k = 0;

	TupleDescInitEntry(d, ++k, "i", INT8OID, -1, 0);
	lot_answer_desc(d, k, rel, att, 0);
	MemoryContextSwitchTo(old);
	return d;
}

/* The answer for the i-th lot (from 1), in the shape of wc.answer (in CurrentMemoryContext). */
static HeapTuple
answer(const AttrNumber *att, TupleTableSlot *row, Jsonb *negatives, int64 i)
{
	Datum		v[ANSWER_NATTS];
	bool		n[ANSWER_NATTS];
	int			k = 0;

	v[k] = Int64GetDatum(i);
	n[k++] = false;
	lot_answer_values(att, row, 0, negatives, v + k, n + k);
	return heap_form_tuple(wc.answer, v, n);
}

int
lt_lot_update_direct(const LtDirectLot *lots, int n, HeapTuple *results, TupleDesc *result_desc)
{
#if PG_VERSION_NUM < 140000
	return -1;					/* ExecSimpleRelationUpdate's older interface */
#else
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt,
				lotcxt;
	/* the table's OID as the cache has it, not looked up by name for each
	 * write; write_cache_fill checks it again once the table is open */
	Relation	rel = table_open(wc.valid ? wc.relid : lt_relid("lot"), RowExclusiveLock);
	Relation	idx;
	TupleDesc	d = RelationGetDescr(rel);
	AttrNumber *att;
	ScanKeyData tmpl[3];
	LtDirectStmt st;
	EState	   *estate;
	ResultRelInfo *rri;
	IndexScanDesc scan;
	TupleTableSlot *row,
			   *newrow;
	Datum	   *values;
	bool	   *isnull;
	int			nr = 0;

	write_cache_fill(rel);
	if (!lt_direct_writes || !wc.direct)
	{
		if (n == 1)
			elog(DEBUG1, "lottrace: one lot's stock written through SPI (lottrace.direct_writes is off, or lottrace.lot has rules, statement triggers or BEFORE ROW triggers of its own)");
		else
			elog(DEBUG1, "lottrace: %d lots' stock written through SPI (lottrace.direct_writes is off, or lottrace.lot has rules, statement triggers or BEFORE ROW triggers of its own)", n);
		table_close(rel, NoLock);
		return -1;
	}
	cxt = AllocSetContextCreate(caller, "lottrace direct write", ALLOCSET_SMALL_SIZES);
	lotcxt = AllocSetContextCreate(cxt, "lottrace direct write, one lot", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	att = wc.att;
	idx = index_open(wc.idxid, RowExclusiveLock);

	lt_direct_begin(&st, rel, NULL,
					bms_make_singleton(att[C_STOCK] - FirstLowInvalidHeapAttributeNumber),
					wc.checks, wc.ncheck, false);
	estate = st.estate;
	rri = st.rri;

	/* the keys' operators looked up once per backend; each lot sets the values */
	if (!wc.keys_ready)
	{
		MemoryContext o = MemoryContextSwitchTo(wc.cxt);

		for (int k = 0; k < 3; k++)
			lt_scan_key(&wc.keys[k], idx, k, (Datum) 0, false);
		MemoryContextSwitchTo(o);
		wc.keys_ready = true;
	}
	memcpy(tmpl, wc.keys, sizeof(tmpl));
	row = table_slot_create(rel, &estate->es_tupleTable);
	newrow = ExecInitExtraTupleSlot(estate, d, &TTSOpsHeapTuple);
	values = palloc(sizeof(Datum) * d->natts);
	isnull = palloc(sizeof(bool) * d->natts);
	scan = index_beginscan(rel, idx, estate->es_snapshot, 3, 0);

	/* in the order given (the engine's key order): one statement's row locks */
	for (int i = 0; i < n; i++)
	{
		const LtDirectLot *l = &lots[i];
		ScanKeyData keys[3];

		/* the scan, the lock and the update in the statement's memory
		 * (the index AM and the executor keep some of theirs); the new
		 * version in the lot's */
		results[i] = NULL;
		memcpy(keys, tmpl, sizeof(keys));
		keys[0].sk_argument = l->item;
		keys[1].sk_argument = l->code;
		if (l->variant_null)
			lt_scan_key(&keys[2], idx, 2, (Datum) 0, true);
		else
			keys[2].sk_argument = l->variant;
		index_rescan(scan, keys, 3, NULL, 0);
		if (index_getnext_slot(scan, ForwardScanDirection, row) &&
			lt_lock_row(rel, row, estate) &&
			lt_same_key(row, att[C_ITEM], att[C_CODE], att[C_VARIANT], l->item, l->variant,
						l->variant_null, l->code))
		{
			Jsonb	   *stock;
			Jsonb	   *negatives;

			/*
			 * The new version formed once, in a heap-tuple slot: the BEFORE
			 * triggers and the table AM take it as it is, where a virtual
			 * slot would be formed into a heap tuple by each of them.
			 */
			MemoryContextSwitchTo(lotcxt);
			slot_getallattrs(row);
			memcpy(values, row->tts_values, sizeof(Datum) * d->natts);
			memcpy(isnull, row->tts_isnull, sizeof(bool) * d->natts);
			stock = lt_stock_add_entries(isnull[att[C_STOCK] - 1] ? NULL
										 : DatumGetJsonbP(values[att[C_STOCK] - 1]),
										 "lottrace.lot.stock", l->delta, l->ndelta, &negatives);
			values[att[C_STOCK] - 1] = JsonbPGetDatum(stock);
			isnull[att[C_STOCK] - 1] = false;
			ExecStoreHeapTuple(heap_form_tuple(d, values, isnull), newrow, false);
			MemoryContextSwitchTo(cxt);

			lt_update_row(rri, estate, &st.epq, row, newrow);

			/* the row as written (after BEFORE triggers), as RETURNING sees it */
			MemoryContextSwitchTo(caller);
			results[i] = answer(att, newrow, negatives, i + 1);
			MemoryContextSwitchTo(cxt);
			nr++;
		}
		ExecClearTuple(newrow);
		ExecClearTuple(row);
		ResetPerTupleExprContext(estate);
		MemoryContextReset(lotcxt);
	}
	index_endscan(scan);
	if (n == 1)
	{
		if (nr == 1)
			elog(DEBUG1, "lottrace: one lot's stock written without SPI");
	}
	else
		elog(DEBUG1, "lottrace: %d lots' stock written without SPI", nr);

	lt_direct_end(&st);
	index_close(idx, NoLock);
	table_close(rel, NoLock);
	MemoryContextSwitchTo(caller);
	MemoryContextDelete(cxt);
	*result_desc = wc.answer;
	return nr;
#endif
}

#if PG_VERSION_NUM >= 140000 && PG_VERSION_NUM < 170000

bool
lt_insert_prepare(LtDirectStmt *st, TupleTableSlot *slot)
{
	TupleDesc	d = RelationGetDescr(st->rel);

	if (st->rri->ri_TrigDesc && st->rri->ri_TrigDesc->trig_insert_before_row &&
		!ExecBRInsertTriggers(st->estate, st->rri, slot))
		return false;
	if (d->constr && d->constr->has_generated_stored)
		ExecComputeStoredGenerated(st->rri, st->estate, slot, CMD_INSERT);
	if (d->constr)
		ExecConstraints(st->rri, slot, st->estate);
	return true;
}

bool
lt_insert_unless_conflict(LtDirectStmt *st, TupleTableSlot *slot, List *arbiter,
						  ItemPointer conflict)
{
	EState	   *estate = st->estate;
	ResultRelInfo *rri = st->rri;
	List	   *recheck;

	for (;;)
	{
		uint32		token;
		bool		spec_conflict = false;

		CHECK_FOR_INTERRUPTS();
		if (!ExecCheckIndexConstraints(rri, slot, estate, conflict, arbiter))
			return false;
		token = SpeculativeInsertionLockAcquire(GetCurrentTransactionId());
		table_tuple_insert_speculative(st->rel, slot, estate->es_output_cid, 0, NULL, token);
#if PG_VERSION_NUM >= 160000
		recheck = ExecInsertIndexTuples(rri, slot, estate, false, true, &spec_conflict, arbiter, false);
#else
		recheck = ExecInsertIndexTuples(rri, slot, estate, false, true, &spec_conflict, arbiter);
#endif
		table_tuple_complete_speculative(st->rel, slot, token, !spec_conflict);
		SpeculativeInsertionLockRelease(GetCurrentTransactionId());
		if (!spec_conflict)
			break;
		/* another transaction inserted the key meanwhile: look again */
		list_free(recheck);
	}
	ExecARInsertTriggers(estate, rri, slot, recheck, NULL);
	list_free(recheck);
	return true;
}

#endif

/* ------------------------------------------------------------------------
 * Lots with a load: INSERT ... ON CONFLICT DO UPDATE without SPI
 * ------------------------------------------------------------------------
 */

/* The shape of lot_upsert_plan's RETURNING list (engine_lots.c, UPS_*), in cxt. */
static TupleDesc
upsert_answer_desc(Relation rel, const AttrNumber *att, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	TupleDesc	d = CreateTemplateTupleDesc(2 + ANSWER_NATTS - 1);
	int			k = 0;

	TupleDescCopyEntry(d, ++k, RelationGetDescr(rel), att[C_LOT_ID]);
	TupleDescCopyEntry(d, ++k, RelationGetDescr(rel), att[C_CODE]);
	TupleDescInitEntry(d, ++k, "inserted", BOOLOID, -1, 0);
	lot_answer_desc(d, k, rel, att, 1);	/* answer_cols[0] is lot_id, given above */
	MemoryContextSwitchTo(old);
	return d;
}

#if PG_VERSION_NUM >= 140000 && PG_VERSION_NUM < 170000

/* The upsert's answer for the row in slot (in CurrentMemoryContext). */
static HeapTuple
upsert_answer(TupleTableSlot *row, bool inserted, Jsonb *negatives)
{
	const AttrNumber *att = wc.att;
	Datum		v[2 + ANSWER_NATTS - 1];
	bool		n[2 + ANSWER_NATTS - 1];
	int			k = 0;

	v[k] = slot_getattr(row, att[C_LOT_ID], &n[k]);
	k++;
	v[k] = slot_getattr(row, att[C_CODE], &n[k]);
	k++;
	v[k] = BoolGetDatum(inserted);
	n[k++] = false;
	lot_answer_values(att, row, 1, negatives, v + k, n + k);
	return heap_form_tuple(wc.upsert_answer, v, n);
}

/* The row lot_upsert_plan proposes for lot l, into slot (virtual). */
static void
form_lot(EState *estate, TupleTableSlot *slot, const LtDirectNewLot *l)
{
	Datum	   *v = slot->tts_values;
	bool	   *n = slot->tts_isnull;

	ExecClearTuple(slot);
	lt_eval_defaults(wc.defaults, slot->tts_tupleDescriptor->natts, GetPerTupleExprContext(estate), v, n);
#define SET(c, value, null) (v[wc.att[c] - 1] = (value), n[wc.att[c] - 1] = (null))
	SET(C_ITEM, l->lot.item, false);
	SET(C_VARIANT, l->lot.variant, l->lot.variant_null);
	SET(C_CODE, l->lot.code, false);
	SET(C_CODE_TYPE, l->code_type, l->code_type_null);
	SET(C_SUPPLIER, l->supplier, l->supplier_null);
	SET(C_SUPPLIER_LOT, l->supplier_lot, l->supplier_lot_null);
	SET(C_START_DATE, DateADTGetDatum(l->start_date), false);
	SET(C_EXPIRY, DateADTGetDatum(l->expiry_date), l->expiry_null);
	SET(C_INITIAL_QTY, l->initial_qty, false);
	SET(C_STATUS, l->status, false);
	SET(C_STOCK, l->stock, false);
#undef SET
	ExecStoreVirtualTuple(slot);
}

/*
 * Lock the lot that conflicts, as ExecOnConflictUpdate does: false when it
 * changed meanwhile (READ COMMITTED: start again from the conflict check);
 * in REPEATABLE READ and SERIALIZABLE that, or a lot the snapshot does not
 * see, is a serialization failure.
 */
static bool
lock_conflicting(Relation rel, EState *estate, ItemPointer tid, TupleTableSlot *existing)
{
	TM_FailureData tmfd;
	TM_Result	res;

	res = table_tuple_lock(rel, tid, estate->es_snapshot, existing, estate->es_output_cid,
						   LockTupleNoKeyExclusive, LockWaitBlock, 0, &tmfd);
	switch (res)
	{
		case TM_Ok:
			break;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent %s",
								res == TM_Updated ? "update" : "delete")));
			ExecClearTuple(existing);
			return false;
		default:
			/* TM_Invisible, TM_SelfModified: a lot proposed twice in one statement */
			elog(ERROR, "lottrace: unexpected table_tuple_lock status %d for a conflicting lot", (int) res);
	}
	lt_check_visible(estate, rel, existing);
	return true;
}

/*
 * One lot of lt_lot_upsert_direct: slot holds the row proposed.  Returns
 * the answer (in `caller`); *inserted says which way it went.
 */
static HeapTuple
upsert_one(LtDirectStmt *st, TupleTableSlot *slot, TupleTableSlot *existing,
		   TupleTableSlot *newrow, const LtDirectNewLot *l, List *arbiter,
		   MemoryContext lotcxt, MemoryContext caller, bool *inserted)
{
	MemoryContext here = CurrentMemoryContext;
	EState	   *estate = st->estate;
	ResultRelInfo *rri = st->rri;
	Relation	rel = st->rel;
	TupleDesc	d = RelationGetDescr(rel);
	AttrNumber	stock_att = wc.att[C_STOCK];
	HeapTuple	ans;

	*inserted = false;
	if (!lt_insert_prepare(st, slot))
		return NULL;			/* the guard never skips a row: lt_direct_table_ok */
	for (;;)
	{
		ItemPointerData conflict;
		Jsonb	   *stock;
		Jsonb	   *negatives;
		Datum		v;
		bool		isnull;

		if (lt_insert_unless_conflict(st, slot, arbiter, &conflict))
		{
			*inserted = true;
			MemoryContextSwitchTo(caller);
			ans = upsert_answer(slot, true, NULL);
			MemoryContextSwitchTo(here);
			return ans;
		}
		if (!lock_conflicting(rel, estate, &conflict, existing))
			continue;			/* changed meanwhile: from the conflict check again */
		/* DO UPDATE SET stock = lottrace._stock_add(l.stock, excluded.stock) */
		MemoryContextSwitchTo(lotcxt);
		slot_getallattrs(existing);
		{
			Datum	   *values = palloc(sizeof(Datum) * d->natts);
			bool	   *nulls = palloc(sizeof(bool) * d->natts);

			memcpy(values, existing->tts_values, sizeof(Datum) * d->natts);
			memcpy(nulls, existing->tts_isnull, sizeof(bool) * d->natts);
			stock = lt_stock_add_entries(nulls[stock_att - 1] ? NULL
										 : DatumGetJsonbP(values[stock_att - 1]),
										 "lottrace.lot.stock", l->lot.delta, l->lot.ndelta, NULL);
			values[stock_att - 1] = JsonbPGetDatum(stock);
			nulls[stock_att - 1] = false;
			ExecStoreHeapTuple(heap_form_tuple(d, values, nulls), newrow, false);
		}
		MemoryContextSwitchTo(here);
		lt_update_row(rri, estate, &st->epq, existing, newrow);
		/* RETURNING ... lottrace._stock_negative(l.stock, l.stock) of the row written */
		MemoryContextSwitchTo(lotcxt);
		v = slot_getattr(newrow, stock_att, &isnull);
		negatives = isnull ? NULL : lt_stock_negatives(DatumGetJsonbP(v), DatumGetJsonbP(v),
													   "lottrace.lot.stock", "lottrace.lot.stock");
		MemoryContextSwitchTo(caller);
		ans = upsert_answer(newrow, false, negatives);
		MemoryContextSwitchTo(here);
		return ans;
	}
}

#endif

int
lt_lot_upsert_direct(const LtDirectNewLot *lots, int n, HeapTuple *results, TupleDesc *result_desc)
{
#if PG_VERSION_NUM < 140000 || PG_VERSION_NUM >= 170000
	return -1;					/* the executor calls below differ */
#else
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt,
				lotcxt;
	Relation	rel = table_open(wc.valid ? wc.relid : lt_relid("lot"), RowExclusiveLock);
	TupleDesc	d = RelationGetDescr(rel);
	LtDirectStmt st;
	TupleTableSlot *slot,
			   *existing,
			   *newrow;
	Bitmapset  *ins = NULL;
	List	   *arbiter;
	int			ninserted = 0;

	write_cache_fill(rel);
	if (!lt_direct_writes || !wc.direct || !wc.direct_insert)
	{
		elog(DEBUG1, "lottrace: %d lots upserted through SPI (lottrace.direct_writes is off, or lottrace.lot has rules, statement triggers or BEFORE ROW triggers of its own)", n);
		table_close(rel, NoLock);
		return -1;
	}
	cxt = AllocSetContextCreate(caller, "lottrace lot upsert", ALLOCSET_SMALL_SIZES);
	lotcxt = AllocSetContextCreate(cxt, "lottrace lot upsert, one lot", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	for (int c = 0; c < lengthof(upsert_cols); c++)
		ins = bms_add_member(ins, wc.att[upsert_cols[c]] - FirstLowInvalidHeapAttributeNumber);
	arbiter = list_make1_oid(wc.idxid);
	lt_direct_begin(&st, rel, ins,
					bms_make_singleton(wc.att[C_STOCK] - FirstLowInvalidHeapAttributeNumber),
					wc.checks, wc.ncheck, true);
	slot = ExecInitExtraTupleSlot(st.estate, d, &TTSOpsVirtual);
	existing = table_slot_create(rel, &st.estate->es_tupleTable);
	newrow = ExecInitExtraTupleSlot(st.estate, d, &TTSOpsHeapTuple);

	/* in the order given (the engine's key order), as the SPI statement takes them */
	for (int i = 0; i < n; i++)
	{
		bool		inserted;

		MemoryContextSwitchTo(lotcxt);
		form_lot(st.estate, slot, &lots[i]);
		MemoryContextSwitchTo(cxt);
		results[i] = upsert_one(&st, slot, existing, newrow, &lots[i], arbiter, lotcxt, caller,
								&inserted);
		ninserted += inserted;
		ExecClearTuple(slot);
		ExecClearTuple(existing);
		ExecClearTuple(newrow);
		ResetPerTupleExprContext(st.estate);
		MemoryContextReset(lotcxt);
	}
	elog(DEBUG1, "lottrace: %d lots upserted without SPI (%d new)", n, ninserted);
	lt_direct_end(&st);
	table_close(rel, NoLock);
	MemoryContextSwitchTo(caller);
	MemoryContextDelete(cxt);
	*result_desc = wc.upsert_answer;
	return n;
#endif
}
