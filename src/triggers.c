/*
 * triggers.c — the trigger functions lottrace.attach() puts on an ERP table,
 * and the guards on lottrace's own tables.
 *
 * On the ERP table:
 *   lottrace_insert / _update / _delete  AFTER ... FOR EACH STATEMENT with
 *       transition tables -> _trg_rows(): the set-based engine (engine.c);
 *   lottrace_generate  BEFORE INSERT FOR EACH ROW WHEN (lot/serial IS NULL)
 *       -> _trg_generate(): writes a generated code into the row;
 *   lottrace_truncate  BEFORE TRUNCATE -> _trg_truncate(): refuses.
 * On lottrace's tables:
 *   _config_changed(): config tables changed, drop every backend's caches;
 *   _lot_guard(), _serial_guard(): editable / maintained columns;
 *   _lot_status_log(): one log row per status change.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "attach.h"
#include "codefmt.h"
#include "config.h"
#include "counter.h"
#include "engine.h"
#include "lottrace.h"
#include "show.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_trg_rows);
PG_FUNCTION_INFO_V1(lt_trg_generate);
PG_FUNCTION_INFO_V1(lt_wants_code);
PG_FUNCTION_INFO_V1(lt_trg_truncate);
PG_FUNCTION_INFO_V1(lt_config_changed);
PG_FUNCTION_INFO_V1(lt_lot_guard);
PG_FUNCTION_INFO_V1(lt_serial_guard);
PG_FUNCTION_INFO_V1(lt_lot_status_log);

/*
 * Is this write lottrace's own?  The engine and the SECURITY DEFINER
 * maintenance functions (rebuild) run as the extension owner through a
 * local user-id change; a session logged in as that owner does not.
 */
static bool
lt_own_write(void)
{
	return InLocalUserIdChange() && GetUserId() == lt_extension_owner();
}

/*
 * Is this INSERT a restore of dumped registers?  pg_dump dumps lottrace.lot
 * and lottrace.serial with their derived columns (stock, serial state), and
 * pg_restore or psql loads them with check_function_bodies off, as every
 * pg_dump script sets it.  A restored row is taken as it was dumped: with
 * its stock, in stock, with a code its item's current code type may no
 * longer match, and before lot_type / lot_evaluation are loaded.  Only a
 * superuser or the extension owner restores (CREATE EXTENSION lottrace
 * needs a superuser), and they own these tables anyway.
 */
static bool
lt_restoring(void)
{
	return !check_function_bodies && (superuser() || GetUserId() == lt_extension_owner());
}

static void
check_trigger(FunctionCallInfo fcinfo, const char *name, bool after, bool row)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by the trigger manager", name)));
	if ((after && !TRIGGER_FIRED_AFTER(td->tg_event)) ||
		(!after && !TRIGGER_FIRED_BEFORE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired %s", name, after ? "AFTER" : "BEFORE")));
	if ((row && !TRIGGER_FIRED_FOR_ROW(td->tg_event)) ||
		(!row && !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired FOR EACH %s", name, row ? "ROW" : "STATEMENT")));
}

/*
 * The guards and the status log run as the extension owner: they may only
 * fire on lottrace's own table.  (EXECUTE on trigger functions is PUBLIC, so
 * anyone could put them on a table of their own; the status log would then
 * write lottrace.lot_status_log with made-up rows.)
 */
static void
check_trigger_table(TriggerData *td, const char *name, const char *table)
{
	if (RelationGetRelid(td->tg_relation) != lt_relid(table))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" may only be fired by lottrace.%s", name, table),
				 errdetail("It was fired by %s.", lt_relname(RelationGetRelid(td->tg_relation)))));
}

/* ------------------------------------------------------------------------
 * The statement triggers: feed the transition tables to the engine
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

		if (att == 0)
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
	return true;
}

static int
start_scan(Tuplestorestate *ts)
{
	int			ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
	return ptr;
}

static void
run_statement(TriggerData *td)
{
	Relation	rel = td->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	LtRelInfo  *ri = lt_relinfo(RelationGetRelid(rel));
	LtEngine   *e = lt_engine_begin(ri, LT_STRICT);
	Tuplestorestate *newt = td->tg_newtable;
	Tuplestorestate *oldt = td->tg_oldtable;
	TupleTableSlot *ns = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	TupleTableSlot *os = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int64		row = 0;

	if (newt)
		lt_engine_source(e, LT_SRC_NEW, newt, desc);
	if (oldt)
		lt_engine_source(e, LT_SRC_OLD, oldt, desc);
	/* rows that move between partitions by DELETE and INSERT (moves.c) */
	lt_engine_partition_moves(e, oldt && !newt, newt && !oldt);

	if (newt && oldt)
	{
		/* UPDATE: rows whose mapped columns did not change cost nothing */
		int			np = start_scan(newt);
		int			op = start_scan(oldt);

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
			if (hn && ho && same_row(ri, desc, os, ns))
			{
				row++;
				continue;
			}
			if (ho)
				lt_engine_add(e, os, LT_SRC_OLD, row);
			if (hn)
				lt_engine_add(e, ns, LT_SRC_NEW, row);
			row++;
		}
	}
	else if (newt)
	{
		start_scan(newt);
		while (tuplestore_gettupleslot(newt, true, false, ns))
			lt_engine_add(e, ns, LT_SRC_NEW, row++);
	}
	else if (oldt)
	{
		start_scan(oldt);
		while (tuplestore_gettupleslot(oldt, true, false, os))
			lt_engine_add(e, os, LT_SRC_OLD, row++);
	}
	lt_engine_finish(e);
	ExecDropSingleTupleTableSlot(ns);
	ExecDropSingleTupleTableSlot(os);
}

/*
 * AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT on an attached table
 * (created by lottrace.attach()).
 */
Datum
lt_trg_rows(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	LtUserSave	save;

	check_trigger(fcinfo, "lottrace._trg_rows", true, false);
	if (td->tg_newtable == NULL && td->tg_oldtable == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._trg_rows\" needs transition tables")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");
	lt_become_owner(&save);
	run_statement(td);
	lt_restore_user(&save);
	SPI_finish();
	return PointerGetDatum(NULL);
}

/* ------------------------------------------------------------------------
 * Code generation for loads without a code
 * ------------------------------------------------------------------------
 */

static const char *
slot_text(LtCol *c, HeapTuple tup, TupleDesc desc, int *len)
{
	bool		isnull;
	Datum		d;
	char	   *s;

	if (c->attnum == 0)
		return NULL;
	d = heap_getattr(tup, c->attnum, desc, &isnull);
	if (isnull)
		return NULL;
	if (c->kind == CK_TEXT || c->kind == CK_BPCHAR)
	{
		text	   *t = DatumGetTextPP(d);

		*len = VARSIZE_ANY_EXHDR(t);
		s = VARDATA_ANY(t);
		if (c->kind == CK_BPCHAR)
			while (*len > 0 && s[*len - 1] == ' ')
				(*len)--;
	}
	else
	{
		s = OutputFunctionCall(&c->out, d);
		*len = strlen(s);
	}
	return *len > 0 ? s : NULL;
}

static bool
tuple_date(LtCol *c, HeapTuple tup, TupleDesc desc, DateADT *out)
{
	bool		isnull;
	Datum		d;

	if (c->attnum == 0)
		return false;
	d = heap_getattr(tup, c->attnum, desc, &isnull);
	if (isnull)
		return false;
	if (c->kind == CK_DATE)
		*out = DatumGetDateADT(d);
	else if (c->kind == CK_TIMESTAMP)
		*out = DatumGetDateADT(DirectFunctionCall1(timestamp_date, d));
	else
		*out = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, d));
	return true;
}

/*
 * A date of the row that code generation cannot use: SQLSTATE 22008,
 * constraint lottrace_date_range, as the engine reports it.
 */
static void
date_range_error(LtRelInfo *ri, HeapTuple tup, TupleDesc desc,
				 const char *hint, const char *msg)
{
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
	char	   *key;

	ExecStoreHeapTuple(tup, slot, false);
	key = lt_row_key(ri, slot);
	ExecDropSingleTupleTableSlot(slot);
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s", msg),
			 errdetail("Row %s of table %s.", key, ri->relname),
			 errhint("%s", hint),
			 err_generic_string(PG_DIAG_SCHEMA_NAME,
								get_namespace_name(get_rel_namespace(ri->relid))),
			 err_generic_string(PG_DIAG_TABLE_NAME, get_rel_name(ri->relid)),
			 err_generic_string(PG_DIAG_CONSTRAINT_NAME, "lottrace_date_range")));
}

/* Is the row a load?  (reason direction, or the quantity's sign) */
static bool
row_is_load(LtRelInfo *ri, HeapTuple tup, TupleDesc desc, LtReason **reason)
{
	*reason = NULL;
	if (ri->col[LC_REASON].attnum != 0)
	{
		int			len = 0;
		const char *code = slot_text(&ri->col[LC_REASON], tup, desc, &len);

		if (code == NULL)
			return false;
		*reason = lt_reason(code, len);
		return (*reason)->exists && (*reason)->sign > 0;
	}
	else
	{
		bool		isnull;
		Datum		q = heap_getattr(tup, ri->col[LC_QTY].attnum, desc, &isnull);
		double		v;

		if (isnull)
			return false;
		switch (ri->col[LC_QTY].kind)
		{
			case CK_NUMERIC:
				return DatumGetInt32(DirectFunctionCall2(numeric_cmp, q,
														 DirectFunctionCall1(int4_numeric, Int32GetDatum(0)))) > 0;
			case CK_INT2:
				return DatumGetInt16(q) > 0;
			case CK_INT4:
				return DatumGetInt32(q) > 0;
			case CK_INT8:
				return DatumGetInt64(q) > 0;
			case CK_FLOAT4:
				v = DatumGetFloat4(q);
				return v > 0;
			default:
				v = DatumGetFloat8(q);
				return v > 0;
		}
	}
}

/*
 * lottrace._wants_code(item text, lot text, serial text): the WHEN clause of
 * lottrace_generate.  False when the row cannot need a generated code: its
 * lot and serial are given, or its item (known to this backend's cache) is
 * tracked by neither missing code.  Rows it lets through are decided by
 * lt_trg_generate itself.  It keeps the row trigger -- and the heap tuple
 * PostgreSQL forms to call it -- off the rows of a bulk load that need
 * nothing, and its expression is cheap to prepare for each statement.
 */
static inline bool
arg_missing(FunctionCallInfo fcinfo, int i)
{
	return PG_ARGISNULL(i) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(i)) == 0;
}

Datum
lt_wants_code(PG_FUNCTION_ARGS)
{
	bool		no_lot = arg_missing(fcinfo, 1);
	bool		no_serial = arg_missing(fcinfo, 2);
	text	   *item;
	LtItem	   *it;

	if (!no_lot && !no_serial)
		PG_RETURN_BOOL(false);
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);	/* no item: nothing to generate for */
	item = PG_GETARG_TEXT_PP(0);
	it = lt_item_peek(VARDATA_ANY(item), VARSIZE_ANY_EXHDR(item));
	if (it == NULL)
		PG_RETURN_BOOL(true);	/* not cached: let the trigger look */
	PG_RETURN_BOOL(it->exists &&
				   ((no_lot && it->lot_tracked && it->lot_ct) ||
					(no_serial && it->serial_tracked && it->serial_ct)));
}

/* Generate one code for the row and return the changed tuple. */
static HeapTuple
generate(LtRelInfo *ri, LtItem *it, LtCodeType *ct, LtColId target,
		 HeapTuple tup, TupleDesc desc)
{
	cf_context	ctx;
	const char *s;
	int			len = 0;
	DateADT		start,
				expiry;
	const char *wh;
	char	   *what;
	cf_error	err;
	text	   *code;
	int			att = ri->col[target].attnum;
	Datum		val;
	bool		isnull = false;

	memset(&ctx, 0, sizeof(ctx));
	lt_cf_set(&ctx, CF_ITEM, it->item, strlen(it->item));
	if ((s = slot_text(&ri->col[LC_VARIANT], tup, desc, &len)))
		lt_cf_set(&ctx, CF_VARIANT, s, len);
	if ((s = slot_text(&ri->col[LC_DOC], tup, desc, &len)))
		lt_cf_set(&ctx, CF_DOC, s, len);
	if ((s = slot_text(&ri->col[LC_SUPPLIER_LOT], tup, desc, &len)))
		lt_cf_set(&ctx, CF_SUPLOT, s, len);
	if ((s = slot_text(&ri->col[LC_ACCOUNT], tup, desc, &len)))
		lt_cf_set(&ctx, CF_SUPPLIER, s, len);
	if (it->item_class)
		lt_cf_set(&ctx, CF_CLASS, it->item_class, strlen(it->item_class));
	if (it->category)
		lt_cf_set(&ctx, CF_CATEGORY, it->category, strlen(it->category));
	if (it->item_type)
		lt_cf_set(&ctx, CF_ITEMTYPE, it->item_type, strlen(it->item_type));
	wh = slot_text(&ri->col[LC_WAREHOUSE], tup, desc, &len);
	wh = wh ? pnstrdup(wh, len) : "";
	what = psprintf("the %s generated for item \"%s\" in warehouse \"%s\"",
					target == LC_LOT ? "lot" : "serial", it->item, wh);
	if (!tuple_date(&ri->col[LC_MOVED_ON], tup, desc, &start))
		start = GetSQLCurrentDate();
	else if (DATE_NOT_FINITE(start))
		date_range_error(ri, tup, desc, "Give the movement the date it happened on.",
						 psprintf("movement of item \"%s\" in warehouse \"%s\" is dated %s",
								  it->item, wh, DATE_IS_NOBEGIN(start) ? "-infinity" : "infinity"));
	j2date(start + POSTGRES_EPOCH_JDATE, &ctx.start.y, &ctx.start.m, &ctx.start.d);
	if (tuple_date(&ri->col[LC_EXPIRY], tup, desc, &expiry))
	{
		/* infinity: the lot never expires, so the code has no expiry parts */
		if (DATE_IS_NOBEGIN(expiry))
			date_range_error(ri, tup, desc,
							 "Give a real expiry date, infinity for a lot that never expires, or NULL for the item's shelf life.",
							 psprintf("expiry date of %s is -infinity", what));
		if (!DATE_NOT_FINITE(expiry))
			j2date(expiry + POSTGRES_EPOCH_JDATE, &ctx.expiry.y, &ctx.expiry.m, &ctx.expiry.d);
		else if (ct->fmt->uses_expiry)
			date_range_error(ri, tup, desc,
							 "Give the code in the row, or a finite expiry date.",
							 psprintf("code type \"%s\" (%s) prints the expiry date, and %s never expires (infinity)",
									  ct->code, ct->fmt_text, what));
	}
	else if (target == LC_LOT && it->lot_validity_days >= 0)
	{
		if (!lt_lot_expiry(it, start, &expiry))
			date_range_error(ri, tup, desc, "Correct the movement date, or give the expiry date in the row.",
							 psprintf("expiry date of %s is out of range: start date %d-%02d-%02d + %d days of shelf life is past 5874897-12-31",
									  what, ctx.start.y, ctx.start.m, ctx.start.d, it->lot_validity_days));
		j2date(expiry + POSTGRES_EPOCH_JDATE, &ctx.expiry.y, &ctx.expiry.m, &ctx.expiry.d);
	}
	else if (target == LC_SERIAL && it->serial_validity_days >= 0)
	{
		if (!lt_date_add(start, it->serial_validity_days, &expiry))
			date_range_error(ri, tup, desc, "Correct the movement date.",
							 psprintf("expiry date of %s is out of range: start date %d-%02d-%02d + %d days of validity is past 5874897-12-31",
									  what, ctx.start.y, ctx.start.m, ctx.start.d, it->serial_validity_days));
		j2date(expiry + POSTGRES_EPOCH_JDATE, &ctx.expiry.y, &ctx.expiry.m, &ctx.expiry.d);
	}

	code = lt_next_code(ct, &ctx, &err);
	if (code == NULL)
	{
		bool		missing = (err.kind == CF_ERR_MISSING);
		bool		is_lot = (target == LC_LOT);

		ereport(ERROR,
				(errcode(missing ? ERRCODE_NOT_NULL_VIOLATION : ERRCODE_INVALID_TEXT_REPRESENTATION),
				 missing
				 ? errmsg("item \"%s\" is %s-tracked: the load needs a %s, and none can be generated",
						  lt_show(it->item, -1), is_lot ? "lot" : "serial", is_lot ? "lot code" : "serial")
				 : errmsg("the %s generated for item \"%s\" would not be a valid code",
						  is_lot ? "lot code" : "serial", lt_show(it->item, -1)),
				 missing
				 ? errdetail("Code type \"%s\" (%s) needs the %s, which the row does not give.",
							 lt_show(ct->code, -1), ct->fmt_text, err.key)
				 : errdetail("Code type \"%s\" (%s): %s.", lt_show(ct->code, -1), ct->fmt_text, err.msg),
				 errhint(missing ? "Give the code in the row, or the value the code type needs."
						 : "Codes are 1 to 50 characters of GS1 character set 82: correct the value in the row."),
				 err_generic_string(PG_DIAG_SCHEMA_NAME,
									get_namespace_name(get_rel_namespace(ri->relid))),
				 err_generic_string(PG_DIAG_TABLE_NAME, get_rel_name(ri->relid)),
				 err_generic_string(PG_DIAG_CONSTRAINT_NAME,
									!missing ? "lottrace_code_syntax"
									: is_lot ? "lottrace_lot_required" : "lottrace_serial_required")));
	}

	/*
	 * Into the row through the column's own type, as if the ERP had written
	 * it: a varchar(n) too short for the code, or a domain's CHECK, refuses
	 * it; a char(n) pads it.
	 */
	{
		Form_pg_attribute a = TupleDescAttr(desc, att - 1);
		Oid			typinput;
		Oid			typioparam;

		getTypeInputInfo(a->atttypid, &typinput, &typioparam);
		val = OidInputFunctionCall(typinput, text_to_cstring(code), typioparam, a->atttypmod);
	}
	return heap_modify_tuple_by_cols(tup, desc, 1, &att, &val, &isnull);
}

/*
 * BEFORE INSERT ... FOR EACH ROW WHEN (lottrace._wants_code(item, lot, serial)):
 * a load of a lot-tracked item without a lot code gets one from the item's
 * code type; a serial likewise when the reason has create_serials.  The WHEN
 * clause already let through only rows that may need a code.
 */
Datum
lt_trg_generate(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel = td->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	HeapTuple	tup = td->tg_trigtuple;
	LtUserSave	save;
	LtRelInfo  *ri;
	LtItem	   *it;
	LtReason   *reason;
	const char *item;
	int			len = 0;

	check_trigger(fcinfo, "lottrace._trg_generate", false, true);
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._trg_generate\" must be fired for INSERT")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");
	lt_become_owner(&save);
	lt_config_begin_statement();
	ri = lt_relinfo(RelationGetRelid(rel));
	item = slot_text(&ri->col[LC_ITEM], tup, desc, &len);
	if (item != NULL)
	{
		it = lt_item(item, len);
		if (lt_item_governed(it) && row_is_load(ri, tup, desc, &reason))
		{
			int			l2 = 0;

			if (it->lot_tracked && it->lot_ct && ri->col[LC_LOT].attnum != 0 &&
				slot_text(&ri->col[LC_LOT], tup, desc, &l2) == NULL)
				tup = generate(ri, it, it->lot_ct, LC_LOT, tup, desc);
			if (it->serial_tracked && it->serial_ct && reason && reason->create_serials &&
				ri->col[LC_SERIAL].attnum != 0 &&
				slot_text(&ri->col[LC_SERIAL], tup, desc, &l2) == NULL)
				tup = generate(ri, it, it->serial_ct, LC_SERIAL, tup, desc);
		}
	}
	lt_restore_user(&save);
	if (tup != td->tg_trigtuple)
		tup = SPI_copytuple(tup);
	SPI_finish();
	return PointerGetDatum(tup);
}

/* BEFORE TRUNCATE on an attached table. */
Datum
lt_trg_truncate(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	check_trigger(fcinfo, "lottrace._trg_truncate", false, false);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot truncate %s: it is attached to lottrace",
					lt_relname(RelationGetRelid(td->tg_relation))),
			 errdetail("TRUNCATE fires no row triggers, so the registers would keep stock that is gone."),
			 errhint("DELETE the rows (their stock is taken out of the registers), or call lottrace.detach() first.")));
	return PointerGetDatum(NULL);
}

/* ------------------------------------------------------------------------
 * Guards on lottrace's own tables
 * ------------------------------------------------------------------------
 */

/* AFTER ... FOR EACH STATEMENT on a configuration table. */
Datum
lt_config_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	check_trigger(fcinfo, "lottrace._config_changed", true, false);
	CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

static bool
col_changed(HeapTuple a, HeapTuple b, TupleDesc desc, const char *name)
{
	int			att = SPI_fnumber(desc, name);
	bool		na,
				nb;
	Datum		da,
				db;
	Form_pg_attribute fa;

	if (att <= 0)
		elog(ERROR, "lottrace: column %s not found", name);
	da = heap_getattr(a, att, desc, &na);
	db = heap_getattr(b, att, desc, &nb);
	if (na || nb)
		return na != nb;
	fa = TupleDescAttr(desc, att - 1);
	return !datumIsEqual(da, db, fa->attbyval, fa->attlen);
}

/* A column of a row as text; NULL when it is NULL. */
static char *
tup_str(HeapTuple t, TupleDesc desc, const char *name)
{
	return SPI_getvalue(t, desc, SPI_fnumber(desc, name));
}

/* Is the lot's stock column given and not the empty object? */
static bool
has_stock(HeapTuple t, TupleDesc desc)
{
	char	   *stock = tup_str(t, desc, "stock");

	return stock != NULL && strcmp(stock, "{}") != 0;
}

static int
guard_error(const char *conname)
{
	return err_generic_string(PG_DIAG_CONSTRAINT_NAME, conname);
}

/* An expiry date a user writes: infinity (never expires) or a date, not -infinity. */
static void
check_expiry_value(HeapTuple t, TupleDesc desc, const char *name)
{
	char	   *v = tup_str(t, desc, "expiry_date");

	if (v && strcmp(v, "-infinity") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("expiry date of %s cannot be -infinity", name),
				 errhint("Give a real expiry date, infinity for one that never expires, or NULL."),
				 guard_error("lottrace_date_range")));
}

static LtPlan exists_plan[] = {
	{"SELECT FROM lottrace.lot_status WHERE code OPERATOR(pg_catalog.=) $1", 1, {TEXTOID}},
	{"SELECT FROM lottrace.lot_type WHERE code OPERATOR(pg_catalog.=) $1", 1, {TEXTOID}},
	{"SELECT FROM lottrace.lot_evaluation WHERE code OPERATOR(pg_catalog.=) $1", 1, {TEXTOID}},
};

static void
check_ref(int which, HeapTuple t, TupleDesc desc, const char *col, const char *table,
		  const char *conname, const char *lotname)
{
	char	   *v = tup_str(t, desc, col);
	Datum		arg;

	if (v == NULL)
		return;
	arg = CStringGetTextDatum(v);
	if (lt_exec(&exists_plan[which], &arg, NULL, true, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("%s \"%s\" of %s is not in lottrace.%s", col, lt_show(v, -1), lotname, table),
				 guard_error(conname)));
}

/*
 * A lot or serial registered by hand must match its item's code type, as a
 * lot or serial created by a load does.
 */
static void
check_hand_code(HeapTuple t, TupleDesc desc, bool serial, const char *name)
{
	char	   *item = tup_str(t, desc, "item");
	char	   *code = tup_str(t, desc, "code");
	char	   *variant = tup_str(t, desc, "variant");
	LtItem	   *it;
	LtCodeType *ct;
	cf_context	ctx;

	if (item == NULL || code == NULL)
		return;
	it = lt_item(item, strlen(item));
	ct = serial ? it->serial_ct : it->lot_ct;
	if (!it->exists || ct == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	lt_cf_set(&ctx, CF_ITEM, item, strlen(item));
	if (variant)
		lt_cf_set(&ctx, CF_VARIANT, variant, strlen(variant));
	if (it->item_class)
		lt_cf_set(&ctx, CF_CLASS, it->item_class, strlen(it->item_class));
	if (it->category)
		lt_cf_set(&ctx, CF_CATEGORY, it->category, strlen(it->category));
	if (it->item_type)
		lt_cf_set(&ctx, CF_ITEMTYPE, it->item_type, strlen(it->item_type));
	if (!cf_match(ct->fmt, code, strlen(code), &ctx))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s does not match code type \"%s\"", name, lt_show(ct->code, -1)),
				 errhint("Codes of code type \"%s\" have the format %s.", lt_show(ct->code, -1), ct->fmt_text),
				 guard_error("lottrace_code_format")));
}

static LtPlan lot_in_use_plan = {
	"SELECT 'serials' FROM lottrace.serial WHERE lot_id OPERATOR(pg_catalog.=) $1"
	" UNION ALL SELECT 'production' FROM lottrace.batch_member WHERE lot_id OPERATOR(pg_catalog.=) $1"
	" UNION ALL SELECT 'links' FROM lottrace.lot_link"
	"  WHERE parent_lot_id OPERATOR(pg_catalog.=) $1 OR child_lot_id OPERATOR(pg_catalog.=) $1"
	" LIMIT 1",
	1, {INT8OID}
};

/*
 * BEFORE INSERT OR UPDATE OR DELETE ... FOR EACH ROW on lottrace.lot: users
 * may edit status, notes, supplier fields, evaluation, saleable,
 * force_closed, packages, lot_type and (where the item allows it) the
 * expiry date; item, variant, code and initial_qty are fixed.  A lot
 * referenced by stock, serials or genealogy cannot be deleted.
 */
Datum
lt_lot_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	newt = td->tg_newtuple;
	HeapTuple	oldt = td->tg_trigtuple;
	HeapTuple	result;
	LtUserSave	save;
	char	   *lotname;

	check_trigger(fcinfo, "lottrace._lot_guard", false, true);
	if (lt_own_write())
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? newt : oldt);
	check_trigger_table(td, "lottrace._lot_guard", "lot");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) && lt_restoring())
		return PointerGetDatum(oldt);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");
	lt_become_owner(&save);
	lt_config_begin_statement();
	/* a new row's code or item may be NULL: NOT NULL is checked after us */
	lotname = psprintf("lot %s of item %s", lt_show_quoted(tup_str(oldt, desc, "code")),
					   lt_show_quoted(tup_str(oldt, desc, "item")));

	if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
	{
		Datum		id = DirectFunctionCall1(int8in, CStringGetDatum(tup_str(oldt, desc, "lot_id")));

		if (lt_exec(&lot_in_use_plan, &id, NULL, true, 1) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("%s cannot be deleted: it has %s",
							lotname, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
					 errhint("A lot can be deleted only while no movement references it; set force_closed instead."),
					 guard_error("lottrace_lot_in_use")));
		if (has_stock(oldt, desc))
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("%s cannot be deleted: it has stock", lotname),
					 errdetail("Stock: %s.", lt_show(tup_str(oldt, desc, "stock"), -1)),
					 errhint("A lot can be deleted only while no movement references it; set force_closed instead."),
					 guard_error("lottrace_lot_in_use")));
		result = oldt;
	}
	else if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		/* a lot registered by hand, before its first load */
		int			att = SPI_fnumber(desc, "status");
		bool		isnull;

		result = oldt;
		/* a NULL stock is left to the column's NOT NULL constraint */
		if (has_stock(oldt, desc))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("%s cannot be registered with stock", lotname),
					 errhint("Stock comes from movements in the attached ERP table."),
					 guard_error("lottrace_lot_immutable")));
		(void) heap_getattr(oldt, att, desc, &isnull);
		if (isnull)
		{
			Datum		st = CStringGetTextDatum(lt_default_status);
			bool		n = false;

			result = heap_modify_tuple_by_cols(oldt, desc, 1, &att, &st, &n);
		}
		check_ref(0, result, desc, "status", "lot_status", "lottrace_lot_status", lotname);
		check_ref(1, result, desc, "lot_type", "lot_type", "lottrace_lot_type", lotname);
		check_ref(2, result, desc, "evaluation", "lot_evaluation", "lottrace_lot_evaluation", lotname);
		check_hand_code(result, desc, false, lotname);
		check_expiry_value(result, desc, lotname);
	}
	else
	{
		static const char *const fixed[] = {"lot_id", "item", "variant", "code", "code_type",
		"start_date", "initial_qty", "stock"};

		for (int i = 0; i < lengthof(fixed); i++)
			if (col_changed(oldt, newt, desc, fixed[i]))
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("column \"%s\" of %s cannot be changed", fixed[i], lotname),
						 errhint("Editable: status, notes, supplier, supplier_lot, manufacturer, evaluation, saleable, force_closed, packages, lot_type, and expiry_date where the item allows it."),
						 guard_error("lottrace_lot_immutable")));
		if (col_changed(oldt, newt, desc, "expiry_date"))
		{
			char	   *item = tup_str(oldt, desc, "item");
			LtItem	   *it = item ? lt_item(item, strlen(item)) : NULL;

			if (it && it->exists && !it->expiry_editable)
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("expiry date of %s cannot be changed", lotname),
						 errdetail("Item \"%s\" has expiry_editable = false.", lt_show(item, -1)),
						 guard_error("lottrace_expiry_locked")));
			check_expiry_value(newt, desc, lotname);
		}
		if (col_changed(oldt, newt, desc, "status"))
			check_ref(0, newt, desc, "status", "lot_status", "lottrace_lot_status", lotname);
		if (col_changed(oldt, newt, desc, "lot_type"))
			check_ref(1, newt, desc, "lot_type", "lot_type", "lottrace_lot_type", lotname);
		if (col_changed(oldt, newt, desc, "evaluation"))
			check_ref(2, newt, desc, "evaluation", "lot_evaluation", "lottrace_lot_evaluation", lotname);
		result = newt;
	}
	lt_restore_user(&save);
	if (result != oldt && result != newt)
		result = SPI_copytuple(result);
	SPI_finish();
	return PointerGetDatum(result);
}

/*
 * BEFORE INSERT OR UPDATE OR DELETE ... FOR EACH ROW on lottrace.serial:
 * users may edit customer_code, supplier_code, supplier, expiry_date,
 * cancelled, force_closed and reserved; a serial registered by hand starts
 * out of stock; only serials out of stock can be deleted.
 */
Datum
lt_serial_guard(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	HeapTuple	newt = td->tg_newtuple;
	HeapTuple	oldt = td->tg_trigtuple;
	char	   *name;

	check_trigger(fcinfo, "lottrace._serial_guard", false, true);
	if (lt_own_write())
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? newt : oldt);
	check_trigger_table(td, "lottrace._serial_guard", "serial");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) && lt_restoring())
		return PointerGetDatum(oldt);

	/* a new row's code or item may be NULL: NOT NULL is checked after us */
	name = psprintf("serial %s of item %s", lt_show_quoted(tup_str(oldt, desc, "code")),
					lt_show_quoted(tup_str(oldt, desc, "item")));
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		static const char *const fixed[] = {
			"serial_id", "item", "variant", "code", "lot_id", "state", "warehouse",
			"start_date", "load_doc", "loaded_on", "unload_doc", "unloaded_on"
		};

		for (int i = 0; i < lengthof(fixed); i++)
			if (col_changed(oldt, newt, desc, fixed[i]))
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("column \"%s\" of %s is maintained by lottrace", fixed[i], name),
						 errhint("Editable: customer_code, supplier_code, supplier, expiry_date, cancelled, force_closed, reserved."),
						 guard_error("lottrace_serial_maintained")));
		if (col_changed(oldt, newt, desc, "expiry_date"))
			check_expiry_value(newt, desc, name);
		return PointerGetDatum(newt);
	}
	{
		char	   *state = tup_str(oldt, desc, "state");
		char	   *wh = tup_str(oldt, desc, "warehouse");

		if ((state && strcmp(state, "out") != 0) || wh != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg(TRIGGER_FIRED_BY_INSERT(td->tg_event)
							? "%s can only be registered out of stock"
							: "%s is in stock and cannot be deleted", name),
					 errhint("Stock moves through the attached ERP table."),
					 guard_error("lottrace_serial_maintained")));
	}
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		LtUserSave	save;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "lottrace: SPI_connect failed");
		lt_become_owner(&save);
		lt_config_begin_statement();
		check_hand_code(oldt, desc, true, name);
		check_expiry_value(oldt, desc, name);
		lt_restore_user(&save);
		SPI_finish();
	}
	return PointerGetDatum(oldt);
}

static LtPlan status_log_plan = {
	"INSERT INTO lottrace.lot_status_log (lot_id, old_status, new_status, changed_by, note)"
	" VALUES ($1, $2, $3, $4, $5)",
	5, {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID}
};

/*
 * AFTER UPDATE OF status ... FOR EACH ROW WHEN (the status changed) on
 * lottrace.lot: one log row, with the acting role and lottrace.status_note.
 */
Datum
lt_lot_status_log(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc = RelationGetDescr(td->tg_relation);
	LtUserSave	save;
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	char	   *old_status;
	char	   *new_status;

	check_trigger(fcinfo, "lottrace._lot_status_log", true, true);
	check_trigger_table(td, "lottrace._lot_status_log", "lot");
	args[0] = DirectFunctionCall1(int8in, CStringGetDatum(tup_str(td->tg_newtuple, desc, "lot_id")));
	old_status = tup_str(td->tg_trigtuple, desc, "status");
	args[1] = old_status ? CStringGetTextDatum(old_status) : (Datum) 0;
	nulls[1] = old_status ? ' ' : 'n';
	new_status = tup_str(td->tg_newtuple, desc, "status");
	args[2] = new_status ? CStringGetTextDatum(new_status) : (Datum) 0;
	nulls[2] = new_status ? ' ' : 'n';
	args[3] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	if (lt_status_note && lt_status_note[0])
		args[4] = CStringGetTextDatum(lt_status_note);
	else
		nulls[4] = 'n';

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");
	lt_become_owner(&save);
	lt_exec(&status_log_plan, args, nulls, false, 0);
	lt_restore_user(&save);
	SPI_finish();
	return PointerGetDatum(NULL);
}
