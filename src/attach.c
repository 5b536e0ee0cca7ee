/*
 * attach.c — lottrace.attach() / lottrace.detach() and the per-backend cache
 * of each attached table's column mapping.
 *
 *   SELECT lottrace.attach('erp.stock_moves', item => 'item_code', qty => 'qty',
 *                          warehouse => 'wh', lot => 'lot_no', reason => 'reason');
 *
 * attach checks the mapping against the table (missing column: 42703,
 * unusable type: 42804, no primary key or inheritance: 55000), records it in
 * lottrace.attachment, creates the triggers and takes the rows already in
 * the table into the registers (backfill).  detach takes them out again and
 * drops the triggers.  Both require ownership of the table.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"

#include "attach.h"
#include "compat.h"
#include "engine.h"
#include "lottrace.h"
#include "moves.h"
#include "show.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_attach);
PG_FUNCTION_INFO_V1(lt_detach);
PG_FUNCTION_INFO_V1(lt_check_column_type);

const char *const lt_col_arg[LC_NCOLS] = {
	"item", "qty", "warehouse", "lot", "serial", "reason", "doc",
	"moved_on", "location", "variant", "account", "batch_key", "expiry",
	"supplier_lot"
};

/* Rows between progress reports of a backfill or detach. */
#define LT_PROGRESS_ROWS 100000

/* ------------------------------------------------------------------------
 * The mapping cache
 * ------------------------------------------------------------------------
 */

typedef struct RelInfoEnt
{
	Oid			relid;
	LtRelInfo  *ri;
} RelInfoEnt;

static HTAB *relinfos = NULL;
static MemoryContext relinfo_cxt = NULL;
static Oid	attachment_relid = InvalidOid;

static void
relinfo_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS hs;
	RelInfoEnt *e;

	if (relinfos == NULL)
		return;
	hash_seq_init(&hs, relinfos);
	while ((e = hash_seq_search(&hs)) != NULL)
	{
		if (!OidIsValid(relid) || relid == attachment_relid || e->relid == relid)
			e->ri->valid = false;
	}
}

void
lt_attach_init(void)
{
	CacheRegisterRelcacheCallback(relinfo_callback, (Datum) 0);
}

/* Classify a column's type for its role in the mapping; CK_NONE if unusable. */
static LtColKind
col_kind(LtColId id, Oid typid)
{
	Oid			base = getBaseType(typid);

	switch (id)
	{
		case LC_QTY:
			switch (base)
			{
				case NUMERICOID:
					return CK_NUMERIC;
				case INT2OID:
					return CK_INT2;
				case INT4OID:
					return CK_INT4;
				case INT8OID:
					return CK_INT8;
				case FLOAT4OID:
					return CK_FLOAT4;
				case FLOAT8OID:
					return CK_FLOAT8;
				default:
					return CK_NONE;
			}
		case LC_MOVED_ON:
		case LC_EXPIRY:
			switch (base)
			{
				case DATEOID:
					return CK_DATE;
				case TIMESTAMPOID:
					return CK_TIMESTAMP;
				case TIMESTAMPTZOID:
					return CK_TIMESTAMPTZ;
				default:
					return CK_NONE;
			}
		default:
			break;
	}
	if (base == TEXTOID || base == VARCHAROID ||
		base == lt_lotcode_oid() || base == lt_serialcode_oid())
		return CK_TEXT;
	if (base == BPCHAROID)
		return CK_BPCHAR;
	if (id == LC_LOT || id == LC_SERIAL)
		return CK_NONE;			/* codes must be text-like */
	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case NAMEOID:
		case UUIDOID:
			return CK_OTHER;
		default:
			return CK_NONE;
	}
}

static const char *
col_kind_wanted(LtColId id)
{
	switch (id)
	{
		case LC_QTY:
			return "numeric, integer or floating point";
		case LC_MOVED_ON:
		case LC_EXPIRY:
			return "date, timestamp or timestamptz";
		case LC_LOT:
		case LC_SERIAL:
			return "text, varchar, char, lottrace.lotcode or lottrace.serialcode";
		default:
			return "text, varchar, char, integer, numeric, name or uuid";
	}
}

/* The error for a mapped column whose type cannot hold its role. */
static void
report_bad_type(const char *relname, const char *col, LtColId id, Oid typid)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of relation %s has type %s, which cannot hold the %s",
					col, relname, format_type_be(typid), lt_col_arg[id]),
			 errhint("The %s column must be of type %s.", lt_col_arg[id],
					 col_kind_wanted(id))));
}

/*
 * Resolve column names against a tuple descriptor.  names[i] NULL means
 * unmapped.  Errors name the table and the attach() argument.
 */
static void
resolve_columns(LtRelInfo *ri, TupleDesc desc, char **names)
{
	for (int i = 0; i < LC_NCOLS; i++)
	{
		LtCol	   *c = &ri->col[i];
		int			a;

		memset(c, 0, sizeof(*c));
		if (names[i] == NULL)
			continue;
		c->name = MemoryContextStrdup(ri->cxt, names[i]);
		for (a = 0; a < desc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), names[i]) == 0)
				break;
		}
		if (a == desc->natts)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							names[i], ri->relname),
					 errdetail("It was given as the %s column.", lt_col_arg[i]),
					 errhint("Column names are case-sensitive and given without quotes.")));
		c->attnum = a + 1;
		c->typid = TupleDescAttr(desc, a)->atttypid;
		c->kind = col_kind(i, c->typid);
		c->is_code = (getBaseType(c->typid) == lt_lotcode_oid() ||
					  getBaseType(c->typid) == lt_serialcode_oid());
		if (c->kind == CK_NONE)
			report_bad_type(ri->relname, names[i], i, c->typid);
		if (c->kind == CK_OTHER)
		{
			Oid			out;
			bool		isvarlena;

			getTypeOutputInfo(c->typid, &out, &isvarlena);
			fmgr_info_cxt(out, &c->out, ri->cxt);
		}
	}
}

/* The primary key's columns, by name, resolved against desc. */
static void
resolve_pk(LtRelInfo *ri, Relation rel, TupleDesc desc)
{
	Oid			pkoid = RelationGetPrimaryKeyIndex(rel);
	Relation	idx;
	StringInfoData names;

	if (!OidIsValid(pkoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s has no primary key", ri->relname),
				 errdetail("lottrace names the offending row by its primary key in every error."),
				 errhint("Add a primary key to the table, then attach it.")));
	idx = index_open(pkoid, AccessShareLock);
	initStringInfo(&names);
	ri->npk = idx->rd_index->indnkeyatts;
	for (int k = 0; k < ri->npk; k++)
	{
		AttrNumber	relatt = idx->rd_index->indkey.values[k];
		const char *name = NameStr(TupleDescAttr(RelationGetDescr(rel), relatt - 1)->attname);
		int			a;
		Oid			out;
		bool		isvarlena;

		for (a = 0; a < desc->natts; a++)
			if (!TupleDescAttr(desc, a)->attisdropped &&
				strcmp(NameStr(TupleDescAttr(desc, a)->attname), name) == 0)
				break;
		if (a == desc->natts)
			elog(ERROR, "lottrace: primary key column \"%s\" not found", name);
		ri->pk[k] = a + 1;
		getTypeOutputInfo(TupleDescAttr(desc, a)->atttypid, &out, &isvarlena);
		fmgr_info_cxt(out, &ri->pkout[k], ri->cxt);
		appendStringInfo(&names, "%s%s", k ? ", " : "", quote_identifier(name));
	}
	ri->pkcols = MemoryContextStrdup(ri->cxt, names.data);
	index_close(idx, AccessShareLock);
}

static LtPlan attachment_plan = {
	"SELECT item_col, qty_col, warehouse_col, lot_col, serial_col, reason_col, doc_col,"
	"       moved_on_col, location_col, variant_col, account_col, batch_key_col,"
	"       expiry_col, supplier_lot_col"
	"  FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

/* The mapping's column names from lottrace.attachment; false if not attached. */
static bool
attachment_names(Oid relid, char **names)
{
	Datum		arg = ObjectIdGetDatum(relid);
	bool		found = lt_exec(&attachment_plan, &arg, NULL, true, 1) == 1;

	if (found)
		for (int i = 0; i < LC_NCOLS; i++)
			names[i] = lt_getstr(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1);
	SPI_freetuptable(SPI_tuptable);
	return found;
}

/*
 * Build a mapping for rows shaped like desc (the table's own descriptor for
 * triggers; a query's for backfill), in its own context under parent: a
 * mapping that fails half-way leaves nothing behind, and one that is
 * replaced or used once is freed as a whole.
 */
static LtRelInfo *
build_relinfo(Relation rel, TupleDesc desc, char **names, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "lottrace mapping",
											  ALLOCSET_SMALL_SIZES);
	LtRelInfo  *ri = MemoryContextAllocZero(cxt, sizeof(LtRelInfo));

	ri->cxt = cxt;
	PG_TRY();
	{
		ri->relid = RelationGetRelid(rel);
		ri->root = ri->relid;
		ri->relname = MemoryContextStrdup(cxt, lt_relname(ri->relid));
		resolve_columns(ri, desc, names);
		resolve_pk(ri, rel, desc);
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	ri->valid = true;
	return ri;
}

static void
relinfo_cache_init(void)
{
	HASHCTL		ctl;

	if (relinfos != NULL)
		return;
	relinfo_cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace mappings",
										ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelInfoEnt);
	ctl.hcxt = relinfo_cxt;
	relinfos = hash_create("lottrace mappings", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

LtRelInfo *
lt_relinfo(Oid relid)
{
	RelInfoEnt *e;
	bool		found;
	char	   *names[LC_NCOLS];
	Relation	rel;
	Oid			root;

	relinfo_cache_init();
	e = hash_search(relinfos, &relid, HASH_FIND, NULL);
	if (e != NULL && e->ri->valid)
		return e->ri;

	attachment_relid = lt_relid("attachment");
	root = relid;
	if (!attachment_names(relid, names))
	{
		/* a partition of an attached table: the root's mapping, by name */
		ListCell   *lc;
		bool		found_root = false;

		if (get_rel_relispartition(relid))
			foreach(lc, get_partition_ancestors(relid))
			{
				if (attachment_names(lfirst_oid(lc), names))
				{
					found_root = true;
					root = lfirst_oid(lc);
					break;
				}
			}
		if (!found_root)
			ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s is not attached to lottrace", lt_relname(relid)),
					 errhint("Its lottrace triggers are left over: drop them, or call lottrace.attach().")));
	}
	rel = table_open(relid, NoLock);
	PG_TRY();
	{
		LtRelInfo  *ri = build_relinfo(rel, RelationGetDescr(rel), names, relinfo_cxt);

		ri->root = root;
		e = hash_search(relinfos, &relid, HASH_ENTER, &found);

		/*
		 * The stale mapping may still be in use by a statement of this
		 * transaction (one that began before the invalidation): it goes
		 * with the transaction.
		 */
		if (found && e->ri != NULL)
			MemoryContextSetParent(e->ri->cxt, TopTransactionContext);
		e->ri = ri;
	}
	PG_FINALLY();
	{
		table_close(rel, NoLock);
	}
	PG_END_TRY();
	return e->ri;
}

/* ------------------------------------------------------------------------
 * Running the engine over every row of a table (backfill / detach)
 * ------------------------------------------------------------------------
 */

static void
run_over_table(Oid relid, char **names, LtMode mode)
{
	char	   *sql;
	Portal		portal;
	Relation	rel;
	LtRelInfo  *ri = NULL;
	Tuplestorestate *ts = NULL;
	TupleDesc	desc = NULL;
	int64		rowno = 0;
	int64		next_report = LT_PROGRESS_ROWS;
	const char *what = (mode == LT_REMOVE) ? "detach" : "backfill";

	rel = table_open(relid, NoLock);
	/* the table's own rows: ONLY, except for a partitioned table's partitions */
	sql = psprintf("SELECT * FROM %s%s",
				   rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE ? "" : "ONLY ",
				   lt_relname(relid));
	portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, true, 0);
	for (;;)
	{
		SPITupleTable *tt;
		uint64		nfetched;

		SPI_cursor_fetch(portal, true, 10000);
		/* read both now: the engine's own SPI queries overwrite them */
		tt = SPI_tuptable;
		nfetched = SPI_processed;
		if (ts == NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

			desc = CreateTupleDescCopy(tt->tupdesc);
			ts = tuplestore_begin_heap(false, false, work_mem);
			MemoryContextSwitchTo(old);
			relinfo_cache_init();
			ri = build_relinfo(rel, desc, names, TopTransactionContext);
		}
		if (nfetched == 0)
			break;
		for (uint64 i = 0; i < nfetched; i++)
			tuplestore_puttuple(ts, tt->vals[i]);
		rowno += nfetched;
		SPI_freetuptable(tt);
		if (rowno >= next_report)
		{
			ereport(NOTICE,
					(errmsg("lottrace %s of %s: %lld rows read",
							what, lt_relname(relid), (long long) rowno)));
			next_report += LT_PROGRESS_ROWS;
		}
	}
	SPI_cursor_close(portal);
	/* the rows, read in one snapshot, go through the engine as one statement */
	if (mode == LT_REMOVE)
		lt_engine_run(ri, mode, NULL, ts, desc);
	else
		lt_engine_run(ri, mode, ts, NULL, desc);
	if (rowno >= LT_PROGRESS_ROWS)
		ereport(NOTICE,
				(errmsg("lottrace %s of %s: done, %lld rows",
						what, lt_relname(relid), (long long) rowno)));
	tuplestore_end(ts);
	table_close(rel, NoLock);
}

/* ------------------------------------------------------------------------
 * attach / detach
 * ------------------------------------------------------------------------
 */

static void
check_owner(Oid relid)
{
	if (!lt_relation_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", lt_relname(relid)),
				 errhint("lottrace.attach() and lottrace.detach() are run by the owner of the ERP table.")));
}


static LtPlan attachment_insert_plan = {
	"INSERT INTO lottrace.attachment (relid, item_col, qty_col, warehouse_col, lot_col,"
	"       serial_col, reason_col, doc_col, moved_on_col, location_col, variant_col,"
	"       account_col, batch_key_col, expiry_col, supplier_lot_col, attached_by)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
	16, {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID}
};

static LtPlan attachment_delete_plan = {
	"DELETE FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {REGCLASSOID}
};

/*
 * lottrace.attach(tbl regclass, item text, qty text, warehouse text,
 *                 lot text DEFAULT NULL, ..., backfill boolean DEFAULT true)
 */
Datum
lt_attach(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *names[LC_NCOLS];
	bool		backfill;
	Relation	rel;
	char	   *qname;
	char		relkind;
	LtUserSave	save;
	char	   *user = GetUserNameFromId(GetUserId(), false);

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table to attach must not be null")));
	relid = PG_GETARG_OID(0);
	for (int i = 0; i < LC_NCOLS; i++)
		names[i] = PG_ARGISNULL(i + 1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(i + 1));
	backfill = PG_ARGISNULL(LC_NCOLS + 1) ? true : PG_GETARG_BOOL(LC_NCOLS + 1);
	for (int i = 0; i <= LC_WAREHOUSE; i++)
		if (names[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the %s column must be given", lt_col_arg[i])));

	check_owner(relid);
	/* the lock CREATE TRIGGER takes: writers wait until we commit */
	rel = table_open(relid, ShareRowExclusiveLock);
	qname = lt_relname(relid);
	relkind = rel->rd_rel->relkind;
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a table", qname),
				 errhint("Attach the table that holds one row per lot or serial movement.")));
	if (rel->rd_rel->relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a partition", qname),
				 errhint("Attach the partitioned table itself.")));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a temporary table", qname),
				 errhint("The registers outlive the session: attach a permanent table.")));

	/*
	 * Inheritance (not partitioning): statements on a parent reach its
	 * children's rows without their statement triggers, so a child's rows
	 * would pass ungoverned, and a parent's statements would move ours.
	 * (A partitioned table has only partitions, which are governed.)
	 */
	if (relkind == RELKIND_RELATION && find_inheritance_children(relid, NoLock) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s has inheritance children", qname),
				 errdetail("Statements on the table reach its children's rows, which lottrace's triggers would not govern."),
				 errhint("Remove the inheritance (ALTER TABLE ... NO INHERIT), or partition the table: partitions are governed.")));
	if (has_superclass(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s inherits from another table", qname),
				 errdetail("Statements on its parent would move its rows past lottrace's triggers."),
				 errhint("Remove the inheritance (ALTER TABLE ... NO INHERIT), then attach it.")));

	lt_spi_enter_as_owner(&save);
	{
		char	   *old[LC_NCOLS];

		if (attachment_names(relid, old))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("relation %s is already attached to lottrace", qname),
					 errhint("Call lottrace.detach() first to change the mapping.")));
	}
	/* validate the mapping now, with clear errors */
	relinfo_cache_init();
	MemoryContextDelete(build_relinfo(rel, RelationGetDescr(rel), names, CurrentMemoryContext)->cxt);

	{
		Datum		args[16];
		char		nulls[16];

		args[0] = ObjectIdGetDatum(relid);
		nulls[0] = ' ';
		for (int i = 0; i < LC_NCOLS; i++)
		{
			args[i + 1] = names[i] ? CStringGetTextDatum(names[i]) : (Datum) 0;
			nulls[i + 1] = names[i] ? ' ' : 'n';
		}
		args[15] = CStringGetTextDatum(user);
		nulls[15] = ' ';
		SPI_execute_plan(lt_plan(&attachment_insert_plan), args, nulls, false, 0);
	}
	/* lottrace.attachment's trigger has rebuilt lottrace.movements */
	lt_restore_user(&save);

	/*
	 * the triggers, created by the table's owner (the caller); the mapped
	 * code columns are passed in, so the caller needs no privilege on
	 * lottrace.attachment
	 */
	{
		Oid			argtypes[4] = {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID};
		Datum		args[4];
		char		nulls[4] = {' ', ' ', ' ', ' '};

		args[0] = ObjectIdGetDatum(relid);
		args[1] = CStringGetTextDatum(names[LC_ITEM]);
		args[2] = names[LC_LOT] ? CStringGetTextDatum(names[LC_LOT]) : (Datum) 0;
		nulls[2] = names[LC_LOT] ? ' ' : 'n';
		args[3] = names[LC_SERIAL] ? CStringGetTextDatum(names[LC_SERIAL]) : (Datum) 0;
		nulls[3] = names[LC_SERIAL] ? ' ' : 'n';
		if (SPI_execute_with_args("SELECT lottrace._govern($1, ARRAY[$2, $3, $4])",
								  4, argtypes, args, nulls, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not create the triggers");
	}

	if (backfill)
	{
		lt_become_owner(&save);
		run_over_table(relid, names, LT_BACKFILL);
		lt_restore_user(&save);
	}
	SPI_finish();
	table_close(rel, NoLock);
	PG_RETURN_VOID();
}

/*
 * lottrace.detach(tbl regclass): the table's rows go through the engine as
 * removals (LT_REMOVE: their stock, serial moves and batch members leave the
 * registers; the lots themselves, with their statuses and notes, stay), its
 * archived partitions are forgotten, its triggers dropped and its
 * lottrace.attachment row deleted.  What a user writes:
 *
 *     SELECT lottrace.detach('erp.stock_moves');
 *     -- and later, with another mapping:
 *     SELECT lottrace.attach('erp.stock_moves', item => 'item_code', ...);
 */
Datum
lt_detach(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Relation	rel;
	char	   *names[LC_NCOLS];
	char	   *qname;
	LtUserSave	save;

	check_owner(relid);
	rel = table_open(relid, ShareRowExclusiveLock);
	qname = lt_relname(relid);
	lt_spi_enter_as_owner(&save);
	if (!attachment_names(relid, names))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s is not attached to lottrace", qname)));

	/* take the table's rows out of the registers */
	run_over_table(relid, names, LT_REMOVE);
	lt_moves_forget(relid);
	{
		Datum		arg = ObjectIdGetDatum(relid);
		Oid			argtype = REGCLASSOID;

		/* and the archived effect of its former partitions */
		if (SPI_execute_with_args("SELECT lottrace._forget_archives($1)", 1, &argtype, &arg,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not forget the archived partitions");

		SPI_execute_plan(lt_plan(&attachment_delete_plan), &arg, NULL, false, 0);
	}
	lt_restore_user(&save);

	/*
	 * The triggers go last, dropped by the table's owner: with the mapping
	 * gone the table is no longer attached, so the event trigger that
	 * refuses DROP TRIGGER of lottrace's triggers on attached tables
	 * (lottrace._refuse_drop) lets these through.  Nobody but lottrace can
	 * delete the mapping.
	 */
	{
		Oid			argtypes[1] = {REGCLASSOID};
		Datum		arg = ObjectIdGetDatum(relid);

		if (SPI_execute_with_args("SELECT lottrace._ungovern($1)", 1, argtypes, &arg,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not drop the triggers");
	}
	SPI_finish();
	table_close(rel, NoLock);
	PG_RETURN_VOID();
}

/*
 * lottrace._check_column_type(tbl regclass, col text, role text)
 *
 * Raises the error attach() raises when the column's current type cannot
 * hold its role (role: an attach() argument name, e.g. 'warehouse').  The
 * event trigger on ALTER TABLE calls it for every mapped column, so a mapped
 * column keeps a type whose conversions nobody but a superuser can define.
 * A column that is gone passes: dropping one is refused elsewhere.  What a
 * user meets:
 *
 *     ALTER TABLE erp.stock_moves ALTER COLUMN qty TYPE text;
 *     ERROR:  42804: column "qty" of relation erp.stock_moves has type text,
 *             which cannot hold the qty
 *     HINT:  The qty column must be of type numeric, integer or floating point.
 */
Datum
lt_check_column_type(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *col = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *role = text_to_cstring(PG_GETARG_TEXT_PP(2));
	int			id;
	AttrNumber	attnum;
	Oid			typid;

	for (id = 0; id < LC_NCOLS; id++)
		if (strcmp(lt_col_arg[id], role) == 0)
			break;
	if (id == LC_NCOLS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a column role of lottrace.attach()", role)));
	attnum = get_attnum(relid, col);
	if (attnum == InvalidAttrNumber)
		PG_RETURN_VOID();
	typid = get_atttype(relid, attnum);
	if (col_kind(id, typid) == CK_NONE)
		report_bad_type(lt_relname(relid), col, id, typid);
	PG_RETURN_VOID();
}
