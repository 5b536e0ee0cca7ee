/*
 * guards.c — the triggers on lottrace's own tables.
 *
 *   _config_changed(): config tables changed, drop every backend's caches;
 *   _lot_guard(), _serial_guard(): editable / maintained columns;
 *   _lot_status_log(): one log row per status change.
 *
 * The triggers on attached ERP tables are in triggers.c.
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
#include "utils/jsonb.h"
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
#include "show.h"
#include "spi_util.h"
#include "triggers.h"

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
 * Guards on lottrace's own tables
 * ------------------------------------------------------------------------
 */

/* AFTER ... FOR EACH STATEMENT on a configuration table. */
Datum
lt_config_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	lt_check_trigger(fcinfo, "lottrace._config_changed", true, false);
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
	lt_cf_item_context(&ctx, it, item, strlen(item), variant, variant ? strlen(variant) : 0);
	if (!cf_match(ct->fmt, code, strlen(code), &ctx))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s does not match code type \"%s\"", name, lt_show(ct->code, -1)),
				 errhint("Codes of code type \"%s\" have the format %s.", lt_show(ct->code, -1), ct->fmt_text),
				 guard_error("lottrace_code_format")));
}

/* Has the object a key whose value is not null? */
static bool
has_attribute(Jsonb *jb, const char *key)
{
	JsonbValue	kv;
	JsonbValue *v;

	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb))
		return false;
	kv.type = jbvString;
	kv.val.string.val = (char *) key;
	kv.val.string.len = strlen(key);
	v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &kv);
	return v != NULL && v->type != jbvNull;
}

static Jsonb *
tup_jsonb(HeapTuple t, TupleDesc desc, int att)
{
	bool		isnull;
	Datum		d = heap_getattr(t, att, desc, &isnull);

	return isnull ? NULL : DatumGetJsonbP(d);
}

/*
 * Lot master data a user writes (1.2; a 1.1 schema has none): a finite
 * production date, a best-before date that is not -infinity, attributes
 * that are a JSON object keeping the item's required keys.  oldt NULL: a
 * lot registered by hand, which must have every required key.
 */
static void
check_lot_data(HeapTuple oldt, HeapTuple newt, TupleDesc desc, const char *name)
{
	int			att = SPI_fnumber(desc, "attributes");
	char	   *v;
	Jsonb	   *jn;

	if (att <= 0)
		return;
	if (oldt == NULL || col_changed(oldt, newt, desc, "production_date"))
	{
		v = tup_str(newt, desc, "production_date");
		if (v && (strcmp(v, "infinity") == 0 || strcmp(v, "-infinity") == 0))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("production date of %s cannot be %s", name, v),
					 errhint("Give the day the lot was made, or NULL when it is not known."),
					 guard_error("lottrace_date_range")));
	}
	if (oldt == NULL || col_changed(oldt, newt, desc, "best_before"))
	{
		v = tup_str(newt, desc, "best_before");
		if (v && strcmp(v, "-infinity") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("best-before date of %s cannot be -infinity", name),
					 errhint("Give a real best-before date, infinity for none that ever passes, or NULL."),
					 guard_error("lottrace_date_range")));
	}
	if (oldt != NULL && !col_changed(oldt, newt, desc, "attributes"))
		return;
	jn = tup_jsonb(newt, desc, att);
	if (jn == NULL)
		return;					/* the column's NOT NULL says so */
	if (!JB_ROOT_IS_OBJECT(jn))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("attributes of %s must be a JSON object", name),
				 errdetail("Given: %s.", lt_show(JsonbToCString(NULL, &jn->root, VARSIZE(jn)), -1)),
				 errhint("Lot attributes are a JSON object of properties, {\"key\": value, ...}."),
				 guard_error("lottrace_lot_attributes")));
	{
		char	   *item = tup_str(newt, desc, "item");
		LtItem	   *it = item ? lt_item(item, strlen(item)) : NULL;
		Jsonb	   *jo = oldt ? tup_jsonb(oldt, desc, att) : NULL;

		if (it == NULL || !it->exists)
			return;
		for (int k = 0; k < it->nrequired; k++)
		{
			const char *key = it->required_attributes[k];

			if (has_attribute(jn, key) || (oldt != NULL && !has_attribute(jo, key)))
				continue;
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg(oldt ? "attribute \"%s\" of %s cannot be removed"
							: "%s lacks the required attribute \"%s\"",
							oldt ? lt_show(key, -1) : name, oldt ? name : lt_show(key, -1)),
					 errdetail("Item \"%s\" requires it (lottrace.item.required_attributes).",
							   lt_show(item, -1)),
					 errhint("Give the attribute a value; to stop requiring it, change the item's required_attributes."),
					 guard_error("lottrace_lot_attributes")));
		}
	}
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

	lt_check_trigger(fcinfo, "lottrace._lot_guard", false, true);
	if (lt_own_write())
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? newt : oldt);
	check_trigger_table(td, "lottrace._lot_guard", "lot");
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event) && lt_restoring())
		return PointerGetDatum(oldt);

	lt_spi_enter_as_owner(&save);
	lt_config_refresh();
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
		check_lot_data(NULL, result, desc, lotname);
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
						 errhint("Editable: status, notes, supplier, supplier_lot, manufacturer, evaluation, saleable, force_closed, packages, lot_type, production_date, best_before, attributes, and expiry_date where the item allows it."),
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
		check_lot_data(oldt, newt, desc, lotname);
		result = newt;
	}
	return PointerGetDatum(lt_spi_leave_tuple(&save, result, oldt, newt));
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

	lt_check_trigger(fcinfo, "lottrace._serial_guard", false, true);
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

		lt_spi_enter_as_owner(&save);
		lt_config_refresh();
		check_hand_code(oldt, desc, true, name);
		check_expiry_value(oldt, desc, name);
		lt_spi_leave(&save);
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

	lt_check_trigger(fcinfo, "lottrace._lot_status_log", true, true);
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

	lt_spi_enter_as_owner(&save);
	lt_exec(&status_log_plan, args, nulls, false, 0);
	lt_spi_leave(&save);
	return PointerGetDatum(NULL);
}
