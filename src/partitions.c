/*
 * partitions.c — partitions that leave an attached table.
 *
 *   DROP TABLE erp.stock_moves_p2026_01;
 *   ALTER TABLE erp.stock_moves DETACH PARTITION erp.stock_moves_p2026_02;
 *
 * (pg_partman's retention runs exactly these.)  The rows go without row
 * triggers, and their effect must stay in the registers: lottrace archives
 * it (lottrace._archive_partition: balances per lot and warehouse, serial
 * states, production batch members), and a detached partition loses
 * lottrace's triggers.
 *
 * The SQL event-trigger interface does not say which tables a command
 * names, and at sql_drop the rows are gone already; a C event trigger sees
 * the statement's parse tree.  lottrace._partitions_leave() runs
 *   at ddl_command_start of DROP TABLE: the named tables, while their rows
 *       are still there;
 *   at ddl_command_end of ALTER TABLE: the partitions it detached (their
 *       rows are still in them), and the table they were detached from;
 * and passes them to lottrace._partitions_leaving(), which decides which of
 * them are governed partitions.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "compat.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_partitions_leave);

/*
 * A table of the command that may be a partition leaving, or InvalidOid.
 * Tables the user does not own are left out: the command itself refuses them.
 */
static Oid
leaving_relid(RangeVar *rv)
{
	Oid			relid = RangeVarGetRelid(rv, NoLock, true);
	char		relkind;

	if (!OidIsValid(relid))
		return InvalidOid;
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		return InvalidOid;
	if (!lt_relation_ownercheck(relid, GetUserId()))
		return InvalidOid;
	return relid;
}

static void
call_leaving(List *relids, Oid parent, const char *how)
{
	Datum	   *elems;
	int			n = list_length(relids);
	int			i = 0;
	ListCell   *lc;
	Oid			argtypes[3] = {REGCLASSARRAYOID, REGCLASSOID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	LtUserSave	save;

	if (n == 0)
		return;
	elems = palloc(sizeof(Datum) * n);
	foreach(lc, relids)
		elems[i++] = ObjectIdGetDatum(lfirst_oid(lc));
	args[0] = PointerGetDatum(construct_array(elems, n, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT));
	args[1] = ObjectIdGetDatum(parent);
	nulls[1] = OidIsValid(parent) ? ' ' : 'n';
	args[2] = CStringGetTextDatum(how);

	lt_spi_enter_as_owner(&save);
	if (SPI_execute_with_args("SELECT lottrace._partitions_leaving($1, $2, $3)",
							  3, argtypes, args, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "lottrace: could not archive the partitions");
	lt_spi_leave(&save);
}

/* ddl_command_start of DROP TABLE: the partitions, locked as DROP locks them. */
static void
dropping(DropStmt *stmt)
{
	List	   *relids = NIL;
	ListCell   *lc;

	if (stmt->removeType != OBJECT_TABLE)
		return;
	foreach(lc, stmt->objects)
	{
		Oid			relid = leaving_relid(makeRangeVarFromNameList(castNode(List, lfirst(lc))));
		Oid			parent;

		if (!OidIsValid(relid) || !get_rel_relispartition(relid))
			continue;
		/*
		 * Parent first, as DROP TABLE does: no writer gets in between the
		 * archive and the drop, and no deadlock with writers, who lock the
		 * parent first too.
		 */
#if PG_VERSION_NUM >= 140000
		parent = get_partition_parent(relid, true);
#else
		parent = get_partition_parent(relid);
#endif
		if (OidIsValid(parent))
			LockRelationOid(parent, AccessExclusiveLock);
		LockRelationOid(relid, AccessExclusiveLock);
		if (get_rel_relispartition(relid))
			relids = lappend_oid(relids, relid);
	}
	call_leaving(relids, InvalidOid, "drop");
}

/* ddl_command_end of ALTER TABLE: the partitions it detached. */
static void
detached(AlterTableStmt *stmt)
{
	List	   *relids = NIL;
	Oid			parent = InvalidOid;
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		Oid			relid;

		if (cmd->subtype != AT_DetachPartition
#if PG_VERSION_NUM >= 140000
			&& cmd->subtype != AT_DetachPartitionFinalize
#endif
			)
			continue;
		if (!OidIsValid(parent))
			parent = RangeVarGetRelid(stmt->relation, NoLock, true);
		relid = leaving_relid(castNode(PartitionCmd, cmd->def)->name);
		/* detached by now (not a CONCURRENTLY that is still pending) */
		if (!OidIsValid(relid) || !OidIsValid(parent) || get_rel_relispartition(relid))
			continue;
		/* writers wait until the archive commits (DETACH CONCURRENTLY lets them in) */
		LockRelationOid(relid, ShareLock);
		relids = lappend_oid(relids, relid);
	}
	call_leaving(relids, parent, "detach");
}

/*
 * lottrace._partitions_leave(): event trigger at ddl_command_start of DROP
 * TABLE and at ddl_command_end of ALTER TABLE.
 */
Datum
lt_partitions_leave(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *tree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._partitions_leave\" was not called by the event trigger manager")));
	trigdata = (EventTriggerData *) fcinfo->context;
	tree = trigdata->parsetree;
	if (tree == NULL)
		PG_RETURN_VOID();
	if (strcmp(trigdata->event, "ddl_command_start") == 0 && IsA(tree, DropStmt))
		dropping((DropStmt *) tree);
	else if (strcmp(trigdata->event, "ddl_command_end") == 0 && IsA(tree, AlterTableStmt))
		detached((AlterTableStmt *) tree);
	PG_RETURN_VOID();
}
