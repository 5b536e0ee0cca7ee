/*
 * trigger_when.c — lottrace_generate's WHEN clause, prepared once per
 * backend instead of once per statement.
 *
 * PostgreSQL prepares a row trigger's WHEN clause again for every statement
 * (TriggerEnabled in commands/trigger.c: stringToNode of pg_trigger.tgqual,
 * ExecPrepareQual, kept in ResultRelInfo.ri_TrigWhenExprs for that statement
 * only).  For lottrace_generate's clause, lottrace._wants_code(item, lot,
 * serial), that is about 18,000-21,000 instructions: a sixth of what
 * lottrace adds to a one-line INSERT, whose rows mostly need nothing
 * (docs/ENGINE.md, "The WHEN clause, prepared once").
 *
 * After ExecutorStart, this hook gives each result relation's
 * lottrace_generate the ExprState this backend prepared before, so
 * TriggerEnabled finds it in place and evaluates it.  An ExprState is kept
 * per (trigger, user) with the text it came from, and used only while
 * pg_trigger.tgqual is still that text; it is prepared exactly as
 * TriggerEnabled does.  Only clauses of lottrace's own shape are kept: a call
 * of lottrace._wants_code whose arguments are columns, constants and
 * built-in casts, none of which runs a query, so one evaluation never nests
 * in another.  Any other WHEN clause is left to PostgreSQL.
 *
 * Why per user: preparing a function call checks the caller's EXECUTE right
 * (ExecInitFunc).  A change of any function (its definition or its rights:
 * pg_proc's syscache) drops every kept clause, so the next statement
 * prepares and checks again.
 *
 * COPY has no ExecutorStart; its clause is prepared once per COPY, which is
 * nothing against its rows.  Rows routed to partitions get their
 * ResultRelInfo later, during the statement; PostgreSQL prepares those
 * itself.  PostgreSQL 13 keeps its result relations elsewhere; there the
 * hook is not installed.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "compat.h"
#include "triggers.h"

#if PG_VERSION_NUM >= 140000

typedef struct WhenKey
{
	Oid			tgoid;
	Oid			userid;
} WhenKey;

typedef struct WhenEnt
{
	WhenKey		key;
	char	   *tgqual;			/* the text it was prepared from */
	ExprState  *state;			/* NULL: left to PostgreSQL (see when_state) */
	MemoryContext cxt;			/* holds tgqual and state */
} WhenEnt;

static ExecutorStart_hook_type prev_executor_start = NULL;
static HTAB *when_cache = NULL;
static MemoryContext when_cxt = NULL;
static Oid	wants_code_oid = InvalidOid;
static bool when_stale = false;

/*
 * Any change to pg_proc (a function's definition or rights) or to roles and
 * their memberships (rights held through a role): prepare every clause
 * again.  Only marked here: the message may arrive while a clause is being
 * prepared (a catalog lookup takes a lock, which reads the messages).
 */
static void
when_forget(Datum arg, int cacheid, uint32 hashvalue)
{
	when_stale = true;
}

/*
 * Let go of memory that running statements may still use: a statement that
 * started before a change keeps evaluating the clause it was given (a
 * nested statement may start meanwhile, and find the change).  Handed to
 * the transaction, it is freed when the transaction ends, when no
 * statement of it runs any more.
 */
static void
let_go(MemoryContext cxt)
{
	MemoryContextSetParent(cxt, TopTransactionContext);
}

/* lottrace._wants_code's OID, found without the schema's USAGE check. */
static Oid
wants_code(void)
{
	if (!OidIsValid(wants_code_oid))
	{
		Oid			args[3] = {TEXTOID, TEXTOID, TEXTOID};
		Oid			nsp = get_namespace_oid("lottrace", true);

		if (OidIsValid(nsp))
			wants_code_oid = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
											 CStringGetDatum("_wants_code"),
											 PointerGetDatum(buildoidvector(args, 3)),
											 ObjectIdGetDatum(nsp));
	}
	return wants_code_oid;
}

/* An argument that runs no query: a column, a constant, a built-in cast. */
static bool
plain_arg(Node *n)
{
	if (n == NULL)
		return false;
	switch (nodeTag(n))
	{
		case T_Var:
			return ((Var *) n)->varlevelsup == 0 && ((Var *) n)->varattno > 0;
		case T_Const:
			return true;
		case T_RelabelType:
			return plain_arg((Node *) ((RelabelType *) n)->arg);
		case T_CoerceViaIO:
			/* a built-in type's output function */
			return exprType((Node *) ((CoerceViaIO *) n)->arg) < FirstGenbkiObjectId &&
				plain_arg((Node *) ((CoerceViaIO *) n)->arg);
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) n;
				ListCell   *lc;

				if (f->funcid >= FirstGenbkiObjectId || f->funcretset ||
					f->funcformat == COERCE_EXPLICIT_CALL)
					return false;
				foreach(lc, f->args)
					if (!plain_arg(lfirst(lc)))
						return false;
				return true;
			}
		default:
			return false;
	}
}

/* Is this clause lottrace._wants_code(...) over plain arguments? */
static bool
our_shape(Node *qual)
{
	FuncExpr   *f = (FuncExpr *) qual;
	ListCell   *lc;

	if (!IsA(qual, FuncExpr) || !OidIsValid(wants_code()) || f->funcid != wants_code())
		return false;
	foreach(lc, f->args)
		if (!plain_arg(lfirst(lc)))
			return false;
	return true;
}

/*
 * May this role call every function of the clause?  Preparing it checks
 * that (ExecInitFunc); where it would refuse, the clause is left to
 * PostgreSQL, which prepares it at the first row that needs it and refuses
 * then, not at a statement that would not have evaluated it.
 */
static bool
may_execute(Node *n, void *context)
{
	if (n == NULL)
		return false;
	if (IsA(n, FuncExpr) &&
		lt_proc_aclcheck(((FuncExpr *) n)->funcid, GetUserId(), ACL_EXECUTE) != ACLCHECK_OK)
		return true;			/* stops the walk: refused */
	return expression_tree_walker(n, may_execute, context);
}

/* The kept ExprState of one trigger for this user, prepared if need be. */
static ExprState *
when_state(Trigger *tg, Relation rel)
{
	WhenKey		key = {tg->tgoid, GetUserId()};
	WhenEnt    *e;
	bool		found;
	MemoryContext old,
				cxt;
	Node	   *qual;
	ExprState  *state = NULL;

	if (when_stale && when_cxt != NULL)
	{
		let_go(when_cxt);
		when_cxt = NULL;
		when_cache = NULL;
		wants_code_oid = InvalidOid;
	}
	when_stale = false;
	if (when_cache == NULL)
	{
		static bool registered = false;
		HASHCTL		ctl;

		if (!registered)
		{
			CacheRegisterSyscacheCallback(PROCOID, when_forget, (Datum) 0);
			CacheRegisterSyscacheCallback(AUTHOID, when_forget, (Datum) 0);
			CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, when_forget, (Datum) 0);
			registered = true;
		}
		when_cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace WHEN clauses",
										 ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(WhenKey);
		ctl.entrysize = sizeof(WhenEnt);
		ctl.hcxt = when_cxt;
		when_cache = hash_create("lottrace WHEN clauses", 16, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(when_cache, &key, HASH_ENTER, &found);
	if (!found)
	{
		e->tgqual = NULL;
		e->state = NULL;
		e->cxt = NULL;
	}
	else if (e->tgqual != NULL && strcmp(e->tgqual, tg->tgqual) == 0)
		return e->state;

	/*
	 * As TriggerEnabled prepares it, in a context of its own: made under the
	 * transaction (an error on the way frees it), kept once prepared.
	 */
	cxt = AllocSetContextCreate(TopTransactionContext, "lottrace WHEN clause",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	qual = stringToNode(tg->tgqual);
	if (our_shape(qual) && !may_execute(qual, NULL))
	{
		ChangeVarNodes(qual, PRS2_OLD_VARNO, INNER_VAR, 0);
		ChangeVarNodes(qual, PRS2_NEW_VARNO, OUTER_VAR, 0);
		qual = (Node *) expression_planner((Expr *) make_ands_implicit((Expr *) qual));
		state = ExecInitQual((List *) qual, NULL);
		elog(DEBUG2, "lottrace: WHEN clause of lottrace_generate on %s prepared for this backend and role",
			 RelationGetRelationName(rel));
	}
	MemoryContextSwitchTo(old);

	/* the entry, if the table survived the preparation (no invalidation) */
	if (when_stale || when_cache == NULL)
		return state;			/* used by this statement, freed with it */
	e = hash_search(when_cache, &key, HASH_ENTER, &found);
	if (found && e->cxt != NULL)
		let_go(e->cxt);			/* the clause changed: statements may run the old one */
	MemoryContextSetParent(cxt, when_cxt);
	e->cxt = cxt;
	e->state = state;
	e->tgqual = MemoryContextStrdup(cxt, tg->tgqual);
	return state;
}

/* Would TriggerEnabled let this trigger fire at all (tgenabled)? */
static bool
trigger_fires(Trigger *tg)
{
	if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return tg->tgenabled == TRIGGER_FIRES_ON_REPLICA || tg->tgenabled == TRIGGER_FIRES_ALWAYS;
	return tg->tgenabled == TRIGGER_FIRES_ON_ORIGIN || tg->tgenabled == TRIGGER_FIRES_ALWAYS;
}

static void
when_executor_start(QueryDesc *qd, int eflags)
{
	ListCell   *lc;

	if (prev_executor_start)
		prev_executor_start(qd, eflags);
	else
		standard_ExecutorStart(qd, eflags);

	/* only where PostgreSQL would prepare the clause: an INSERT that runs */
	if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) || qd->operation != CMD_INSERT)
		return;
	foreach(lc, qd->estate->es_opened_result_relations)
	{
		ResultRelInfo *rri = lfirst(lc);
		TriggerDesc *td = rri->ri_TrigDesc;

		if (td == NULL || !td->trig_insert_before_row || rri->ri_TrigWhenExprs == NULL)
			continue;
		for (int i = 0; i < td->numtriggers; i++)
		{
			Trigger    *tg = &td->triggers[i];

			if (tg->tgqual == NULL || rri->ri_TrigWhenExprs[i] != NULL ||
				!TRIGGER_FOR_ROW(tg->tgtype) || !TRIGGER_FOR_BEFORE(tg->tgtype) ||
				!TRIGGER_FOR_INSERT(tg->tgtype) || !trigger_fires(tg) ||
				strcmp(tg->tgname, "lottrace_generate") != 0)
				continue;
			rri->ri_TrigWhenExprs[i] = when_state(tg, rri->ri_RelationDesc);
		}
	}
}

void
lt_trigger_when_init(void)
{
	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = when_executor_start;
}

#else

void
lt_trigger_when_init(void)
{
}

#endif
