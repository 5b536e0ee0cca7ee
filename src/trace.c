/*
 * trace.c — where-used and composition: breadth-first walks of the
 * genealogy (production batches and manual links).
 *
 *   SELECT * FROM lottrace.trace_forward('MILK', 'M26320-001');   -- where used
 *   SELECT * FROM lottrace.trace_backward('CHEESE', 'CH2611-0001'); -- made from
 *
 * They run with the caller's rights (reading the genealogy needs SELECT on
 * lottrace.lot, batch_member and lot_link).
 *
 * Each lot reached is returned once, at its smallest depth, with the
 * quantity that flowed into it (forward) or out of it (backward) from the
 * lots one level closer.  A set of visited lots makes the walk stop on
 * cycles (rework makes them real).  One indexed query per level, with the
 * whole frontier as an array, so a lot with ten thousand descendants costs
 * a handful of queries.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"

#include "show.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_trace_forward);
PG_FUNCTION_INFO_V1(lt_trace_backward);

typedef struct Visit
{
	int64		lot_id;			/* key */
	int32		depth;
	Datum		qty;			/* numeric, or 0 when unknown */
	bool		qty_null;
} Visit;

/* the lot; a variant '' names the lot without variant (NULL and '' alike) */
static LtPlan find_lot_plan = {
	"SELECT lot_id FROM lottrace.lot"
	" WHERE item OPERATOR(pg_catalog.=) $1 AND code OPERATOR(pg_catalog.=) $2::pg_catalog.text::lottrace.lotcode"
	"   AND ($3 IS NULL OR CASE WHEN $3 OPERATOR(pg_catalog.=) '' THEN variant IS NULL"
	"                           ELSE variant OPERATOR(pg_catalog.=) $3 END)",
	3, {TEXTOID, TEXTOID, TEXTOID}
};

/* children of a frontier, with the quantity of the parents that went in */
static LtPlan forward_plan = {
	"SELECT o.lot_id, pg_catalog.sum(i.qty)"
	"  FROM lottrace.batch_member i"
	"  JOIN lottrace.batch_member o ON o.batch_key OPERATOR(pg_catalog.=) i.batch_key"
	"   AND o.role OPERATOR(pg_catalog.=) 'output'"
	" WHERE i.role OPERATOR(pg_catalog.=) 'input' AND i.lot_id OPERATOR(pg_catalog.=) ANY ($1)"
	" GROUP BY o.lot_id"
	" UNION ALL"
	" SELECT child_lot_id, qty FROM lottrace.lot_link"
	"  WHERE parent_lot_id OPERATOR(pg_catalog.=) ANY ($1)",
	1, {INT8ARRAYOID}
};

/*
 * parents of a frontier, with the quantity of them that went in: each batch
 * once, however many of its outputs are in the frontier (a join with the
 * outputs would count an input once per output)
 */
static LtPlan backward_plan = {
	"SELECT i.lot_id, pg_catalog.sum(i.qty)"
	"  FROM lottrace.batch_member i"
	" WHERE i.role OPERATOR(pg_catalog.=) 'input'"
	"   AND EXISTS (SELECT FROM lottrace.batch_member o"
	"                WHERE o.batch_key OPERATOR(pg_catalog.=) i.batch_key"
	"                  AND o.role OPERATOR(pg_catalog.=) 'output'"
	"                  AND o.lot_id OPERATOR(pg_catalog.=) ANY ($1))"
	" GROUP BY i.lot_id"
	" UNION ALL"
	" SELECT parent_lot_id, qty FROM lottrace.lot_link"
	"  WHERE child_lot_id OPERATOR(pg_catalog.=) ANY ($1)",
	1, {INT8ARRAYOID}
};

static LtPlan describe_plan = {
	"SELECT k.lot_id, l.item, l.code"
	"  FROM pg_catalog.unnest($1) WITH ORDINALITY AS k(lot_id, i)"
	"  JOIN lottrace.lot l ON l.lot_id OPERATOR(pg_catalog.=) k.lot_id"
	" ORDER BY k.i",
	1, {INT8ARRAYOID}
};
/* the walk plans' result columns, and describe_plan's */
enum
{
	WALK_LOT_ID = 1, WALK_QTY
};
enum
{
	DESC_LOT_ID = 1, DESC_ITEM, DESC_CODE
};

static int
visit_depth_cmp(const void *a, const void *b)
{
	const Visit *x = *(Visit *const *) a;
	const Visit *y = *(Visit *const *) b;

	if (x->depth != y->depth)
		return x->depth - y->depth;
	return (x->lot_id > y->lot_id) - (x->lot_id < y->lot_id);
}

/*
 * Both walks of the genealogy, level by level (one indexed batch query per
 * level over lottrace.batch_member, each lot kept at its smallest depth, so
 * cycles end the walk).  What a user writes, and gets:
 *
 *     SELECT depth, item, lot, qty
 *       FROM lottrace.trace_forward('MILK', 'M26320-001');   -- where used
 *     SELECT depth, item, lot, qty
 *       FROM lottrace.trace_backward('CHEESE', 'CH2611-0001', 3);  -- made from
 *
 *      depth | item   | lot         | qty
 *     -------+--------+-------------+-----
 *          1 | CHEESE | CH2611-0001 | 200
 *          2 | BOX    | BX-0007     |  12
 */
static Datum
trace(FunctionCallInfo fcinfo, bool forward)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *item,
			   *lot,
			   *variant;
	int32		max_depth;
	HASHCTL		ctl;
	HTAB	   *visited;
	int64	   *frontier;
	int			nfront,
				capfront;
	int64		start_id;
	bool		isnull;
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	Visit	  **all;
	long		nall;
	HASH_SEQ_STATUS hs;
	Visit	   *v;
	MemoryContext per_query = rsinfo->econtext->ecxt_per_query_memory;
	MemoryContext old;
	TupleDesc	tupdesc;
	Tuplestorestate *ts;

	/* no lot named: no rows (not one row of NULLs) */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		InitMaterializedSRF(fcinfo, 0);
		return (Datum) 0;
	}
	item = text_to_cstring(PG_GETARG_TEXT_PP(0));
	lot = text_to_cstring(PG_GETARG_TEXT_PP(1));
	max_depth = PG_ARGISNULL(2) ? 100 : PG_GETARG_INT32(2);
	variant = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (max_depth < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_depth must not be negative")));

	InitMaterializedSRF(fcinfo, 0);
	ts = rsinfo->setResult;
	tupdesc = rsinfo->setDesc;

	/* with the caller's rights: reading the genealogy needs SELECT on it */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");

	args[0] = CStringGetTextDatum(item);
	args[1] = CStringGetTextDatum(lot);
	args[2] = variant ? CStringGetTextDatum(variant) : (Datum) 0;
	nulls[2] = variant ? ' ' : 'n';
	if (lt_exec(&find_lot_plan, args, nulls, true, 2) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("lot \"%s\" of item \"%s\"%s does not exist", lt_show(lot, -1), lt_show(item, -1),
						variant ? psprintf(" variant \"%s\"", lt_show(variant, -1)) : ""),
				 err_generic_string(PG_DIAG_CONSTRAINT_NAME, "lottrace_lot_unknown")));
	if (SPI_processed > 1)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("lot \"%s\" of item \"%s\" exists in several variants", lt_show(lot, -1), lt_show(item, -1)),
				 errhint("Name the variant.")));
	start_id = lt_getint8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(Visit);
	ctl.hcxt = CurrentMemoryContext;
	visited = hash_create("lottrace trace", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	v = hash_search(visited, &start_id, HASH_ENTER, NULL);
	v->depth = 0;

	capfront = 64;
	frontier = palloc(sizeof(int64) * capfront);
	frontier[0] = start_id;
	nfront = 1;
	for (int depth = 1; depth <= max_depth && nfront > 0; depth++)
	{
		uint64		nr;
		int64	   *next;
		int			nnext = 0,
					capnext = 64;

		CHECK_FOR_INTERRUPTS();
		args[0] = lt_array_int8(frontier, nfront);
		nr = lt_exec(forward ? &forward_plan : &backward_plan, args, NULL, true, 0);
		next = palloc(sizeof(int64) * capnext);
		for (uint64 r = 0; r < nr; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			TupleDesc	d = SPI_tuptable->tupdesc;
			int64		id = lt_getint8(t, d, WALK_LOT_ID, NULL);
			bool		qnull;
			Datum		q = SPI_getbinval(t, d, WALK_QTY, &qnull);
			bool		found;

			v = hash_search(visited, &id, HASH_ENTER, &found);
			if (!found)
			{
				v->depth = depth;
				v->qty_null = qnull;
				v->qty = qnull ? (Datum) 0 : datumCopy(q, false, -1);
				if (nnext == capnext)
				{
					capnext *= 2;
					next = repalloc(next, sizeof(int64) * capnext);
				}
				next[nnext++] = id;
			}
			else if (v->depth == depth && !qnull)
			{
				/* reached again at the same depth: the quantities add up */
				v->qty = v->qty_null ? datumCopy(q, false, -1)
					: DirectFunctionCall2(numeric_add, v->qty, q);
				v->qty_null = false;
			}
		}
		SPI_freetuptable(SPI_tuptable);
		frontier = next;
		nfront = nnext;
	}

	/* the result, by depth then lot_id, with item and code */
	nall = hash_get_num_entries(visited) - 1;
	all = palloc(sizeof(Visit *) * Max(nall, 1));
	nall = 0;
	hash_seq_init(&hs, visited);
	while ((v = hash_seq_search(&hs)) != NULL)
		if (v->depth > 0)
			all[nall++] = v;
	qsort(all, nall, sizeof(Visit *), visit_depth_cmp);
	if (nall > 0)
	{
		int64	   *ids = palloc(sizeof(int64) * nall);
		uint64		nr;

		for (long i = 0; i < nall; i++)
			ids[i] = all[i]->lot_id;
		args[0] = lt_array_int8(ids, nall);
		nr = lt_exec(&describe_plan, args, NULL, true, 0);
		old = MemoryContextSwitchTo(per_query);
		for (uint64 r = 0; r < nr; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			TupleDesc	d = SPI_tuptable->tupdesc;
			Datum		values[5];
			bool		isnulls[5] = {false, false, false, false, false};
			Visit	   *x = all[r];

			values[0] = Int32GetDatum(x->depth);
			values[1] = Int64GetDatum(x->lot_id);
			values[2] = SPI_getbinval(t, d, DESC_ITEM, &isnulls[2]);
			values[3] = SPI_getbinval(t, d, DESC_CODE, &isnulls[3]);
			values[4] = x->qty;
			isnulls[4] = x->qty_null;
			tuplestore_putvalues(ts, tupdesc, values, isnulls);
		}
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return (Datum) 0;
}

/* lottrace.trace_forward(item, lot, max_depth, variant): where used */
Datum
lt_trace_forward(PG_FUNCTION_ARGS)
{
	return trace(fcinfo, true);
}

/* lottrace.trace_backward(item, lot, max_depth, variant): composition */
Datum
lt_trace_backward(PG_FUNCTION_ARGS)
{
	return trace(fcinfo, false);
}
