/*
 * triggers.c — the trigger functions lottrace.attach() puts on an ERP table.
 *
 *   lottrace_insert / _update / _delete  AFTER ... FOR EACH STATEMENT with
 *       transition tables -> _trg_rows(): the set-based engine (engine.c);
 *   lottrace_generate  BEFORE INSERT FOR EACH ROW WHEN (lot/serial IS NULL)
 *       -> _trg_generate(): writes a generated code into the row;
 *   lottrace_truncate  BEFORE TRUNCATE -> _trg_truncate(): refuses.
 *
 * The triggers on lottrace's own tables are in guards.c.
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
#include "next_code.h"
#include "engine.h"
#include "lottrace.h"
#include "moves.h"
#include "held_rows.h"
#include "show.h"
#include "spi_util.h"
#include "row.h"
#include "triggers.h"

PG_FUNCTION_INFO_V1(lt_trg_rows);
PG_FUNCTION_INFO_V1(lt_trg_generate);
PG_FUNCTION_INFO_V1(lt_wants_code);
PG_FUNCTION_INFO_V1(lt_trg_truncate);
PG_FUNCTION_INFO_V1(lt_check_moves);

/* Called by the trigger manager, fired AFTER/BEFORE, FOR EACH ROW/STATEMENT? */
void
lt_check_trigger(FunctionCallInfo fcinfo, const char *name, bool after, bool row)
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

/* ------------------------------------------------------------------------
 * The statement triggers: feed the transition tables to the engine
 * ------------------------------------------------------------------------
 */

static void
run_statement(TriggerData *td)
{
	Relation	rel = td->tg_relation;
	LtRelInfo  *ri = lt_relinfo(RelationGetRelid(rel));
	int64		first = lt_engine_touches(ri, td->tg_newtable, td->tg_oldtable,
										  RelationGetDescr(rel));

	/* a statement that touches no governed row costs nothing more */
	if (first < 0)
	{
		elog(DEBUG1, "lottrace: the statement touches no governed row of %s",
			 RelationGetRelationName(rel));
		return;
	}
	/* a table judged at commit: its rows wait (held_rows.c) */
	if (ri->judge_commit)
		lt_held_add(ri, RelationGetDescr(rel), td->tg_newtable, td->tg_oldtable);
	else
		lt_engine_run(ri, LT_STRICT, td->tg_newtable, td->tg_oldtable, RelationGetDescr(rel),
					  first);
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

	lt_check_trigger(fcinfo, "lottrace._trg_rows", true, false);
	if (td->tg_newtable == NULL && td->tg_oldtable == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._trg_rows\" needs transition tables")));

	lt_spi_enter_as_owner(&save);
	run_statement(td);
	lt_spi_leave(&save);
	return PointerGetDatum(NULL);
}

/* ------------------------------------------------------------------------
 * Code generation for loads without a code
 * ------------------------------------------------------------------------
 */

/*
 * The mapped columns of a row, through the one decoder (row.h).  A value
 * read through a foreign key is not the row's to give: NULL here (the
 * engine reads it, per statement).
 */
static const char *
slot_text(LtCol *c, HeapTuple tup, TupleDesc desc, int *len)
{
	bool		isnull = true;
	Datum		d = (c->attnum && !c->lk) ? heap_getattr(tup, c->attnum, desc, &isnull) : (Datum) 0;

	return lt_col_text(c, d, isnull, len);
}

static bool
tuple_date(LtCol *c, HeapTuple tup, TupleDesc desc, DateADT *out)
{
	bool		isnull = true;
	Datum		d = (c->attnum && !c->lk) ? heap_getattr(tup, c->attnum, desc, &isnull) : (Datum) 0;

	return lt_col_date(c, d, isnull, out);
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

/*
 * Is the row a load?  The kinds of its two locations; else its reason's
 * direction (and, with a signed quantity, a positive one); else the
 * quantity's sign.
 */
static bool
row_is_load(LtRelInfo *ri, HeapTuple tup, TupleDesc desc, LtReason **reason)
{
	bool		isnull;
	Datum		q = heap_getattr(tup, ri->col[LC_QTY].attnum, desc, &isnull);
	int			qsign = lt_col_qty_sign(&ri->col[LC_QTY], q, isnull);

	*reason = NULL;
	if (ri->col[LC_REASON].attnum != 0)
	{
		int			len = 0;
		const char *code = slot_text(&ri->col[LC_REASON], tup, desc, &len);

		if (code == NULL)
			return false;
		*reason = lt_reason(code, len);
		if (!(*reason)->exists)
			return false;
	}
	if (ri->col[LC_TO_WAREHOUSE].attnum != 0)
	{
		int			l1 = 0,
					l2 = 0;
		const char *from = slot_text(&ri->col[LC_WAREHOUSE], tup, desc, &l1);
		const char *to = slot_text(&ri->col[LC_TO_WAREHOUSE], tup, desc, &l2);

		if (from == NULL || to == NULL || qsign <= 0)
			return false;
		return lt_warehouse_kind(pnstrdup(from, l1)) != LT_KIND_INTERNAL &&
			lt_warehouse_kind(pnstrdup(to, l2)) == LT_KIND_INTERNAL;
	}
	if (*reason)
		return (*reason)->sign > 0 && (!ri->signed_qty || qsign > 0);
	return qsign > 0;
}

/*
 * lottrace._wants_code(item text, lot text, serial text): the WHEN clause of
 * lottrace_generate.  False when the row cannot need a generated code: its
 * lot and serial are given, or its item (known to this backend's cache) is
 * tracked by neither missing code.  Rows it lets through are decided by
 * lt_trg_generate itself.  It keeps the row trigger -- and the heap tuple
 * PostgreSQL forms to call it -- off the rows of a bulk load that need
 * nothing.  PostgreSQL would prepare the clause for every statement;
 * trigger_when.c hands it the one this backend prepared before.
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

	s = slot_text(&ri->col[LC_VARIANT], tup, desc, &len);
	lt_cf_item_context(&ctx, it, it->item, strlen(it->item), s, len);
	if ((s = slot_text(&ri->col[LC_DOC], tup, desc, &len)))
		lt_cf_set(&ctx, CF_DOC, s, len);
	if ((s = slot_text(&ri->col[LC_SUPPLIER_LOT], tup, desc, &len)))
		lt_cf_set(&ctx, CF_SUPLOT, s, len);
	if ((s = slot_text(&ri->col[LC_ACCOUNT], tup, desc, &len)))
		lt_cf_set(&ctx, CF_SUPPLIER, s, len);
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

	lt_check_trigger(fcinfo, "lottrace._trg_generate", false, true);
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._trg_generate\" must be fired for INSERT")));

	lt_spi_enter_as_owner(&save);
	lt_config_refresh();
	ri = lt_relinfo(RelationGetRelid(rel));
	/* codes go only into the row's own columns, for an item it names itself */
	item = ri->col[LC_ITEM].lk ? NULL : slot_text(&ri->col[LC_ITEM], tup, desc, &len);
	if (item != NULL &&
		(ri->col[LC_TO_WAREHOUSE].attnum == 0 ||
		 (!ri->col[LC_WAREHOUSE].lk && !ri->col[LC_TO_WAREHOUSE].lk)))
	{
		it = lt_item(item, len);
		if (lt_item_governed(it) && row_is_load(ri, tup, desc, &reason))
		{
			int			l2 = 0;

			if (it->lot_tracked && it->lot_ct && ri->col[LC_LOT].attnum != 0 && !ri->col[LC_LOT].lk &&
				slot_text(&ri->col[LC_LOT], tup, desc, &l2) == NULL)
				tup = generate(ri, it, it->lot_ct, LC_LOT, tup, desc);
			if (it->serial_tracked && it->serial_ct && reason && reason->create_serials &&
				ri->col[LC_SERIAL].attnum != 0 && !ri->col[LC_SERIAL].lk &&
				slot_text(&ri->col[LC_SERIAL], tup, desc, &l2) == NULL)
				tup = generate(ri, it, it->serial_ct, LC_SERIAL, tup, desc);
		}
	}
	return PointerGetDatum(lt_spi_leave_tuple(&save, tup, td->tg_trigtuple, NULL));
}

/* BEFORE TRUNCATE on an attached table. */
Datum
lt_trg_truncate(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	lt_check_trigger(fcinfo, "lottrace._trg_truncate", false, false);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot truncate %s: it is attached to lottrace",
					lt_relname(RelationGetRelid(td->tg_relation))),
			 errdetail("TRUNCATE fires no row triggers, so the registers would keep stock that is gone."),
			 errhint("DELETE the rows (their stock is taken out of the registers), or call lottrace.detach() first.")));
	return PointerGetDatum(NULL);
}

/*
 * lottrace._check_moves(): AFTER INSERT ... FOR EACH ROW on
 * lottrace.move_check, DEFERRABLE INITIALLY DEFERRED.  Judges what waits
 * at commit (moves.c): negative stock left by deletions from partitioned
 * tables, and the serial moves of deletions that were not inserted again,
 * which go through the engine of their attached table.
 */
Datum
lt_check_moves(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	LtUserSave	save;
	List	   *held;
	List	   *roots = NIL;
	ListCell   *lc;

	lt_check_trigger(fcinfo, "lottrace._check_moves", true, true);
	if (RelationGetRelid(td->tg_relation) != lt_relid("move_check"))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"lottrace._check_moves\" may only be fired by lottrace.move_check")));

	lt_spi_enter_as_owner(&save);
	lt_held_judge();
	lt_moves_judge();
	held = lt_moves_held_list();
	foreach(lc, held)
		roots = list_append_unique_oid(roots, ((LtHeld *) lfirst(lc))->root);
	foreach(lc, roots)
		lt_engine_apply_held(lt_relinfo(lfirst_oid(lc)), held);
	lt_moves_resolved(held);
	lt_moves_checked();
	lt_spi_leave(&save);
	return PointerGetDatum(NULL);
}
