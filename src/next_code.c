/*
 * next_code.c — lottrace.next_code(code_type, ctx): the next code of a code
 * type, with per-root counters that are gapless in commit order.
 *
 *   SELECT lottrace.next_code('LOT-STD', '{"item": "WIDGET"}');
 *
 * A counter row is advanced with INSERT ... ON CONFLICT DO UPDATE, which
 * keeps the row locked until the transaction ends: a second caller for the
 * same root waits, then continues from the committed value (or from the
 * old one if the first caller rolled back).  Values whose code is already
 * used by a lot or serial of the item are skipped.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/string.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "port.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"

#include "codefmt.h"
#include "config.h"
#include "lotcode.h"
#include "lotcode_core.h"
#include "next_code.h"
#include "show.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_next_code_sql);

static LtPlan counter_plan = {
	"INSERT INTO lottrace.code_counter AS c (code_type, root, last_value)"
	" VALUES ($1, $2, $3)"
	" ON CONFLICT (code_type, root) DO UPDATE"
	"    SET last_value = c.last_value OPERATOR(pg_catalog.+) 1"
	" RETURNING c.last_value",
	3, {TEXTOID, TEXTOID, INT8OID}
};

static LtPlan counter_set_plan = {
	"UPDATE lottrace.code_counter SET last_value = $3"
	" WHERE code_type OPERATOR(pg_catalog.=) $1 AND root OPERATOR(pg_catalog.=) $2",
	3, {TEXTOID, TEXTOID, INT8OID}
};

static LtPlan lot_used_plan = {
	"SELECT FROM lottrace.lot WHERE item OPERATOR(pg_catalog.=) $1"
	" AND code OPERATOR(pg_catalog.=) $2::pg_catalog.text::lottrace.lotcode LIMIT 1",
	2, {TEXTOID, TEXTOID}
};

static LtPlan serial_used_plan = {
	"SELECT FROM lottrace.serial WHERE item OPERATOR(pg_catalog.=) $1"
	" AND code OPERATOR(pg_catalog.=) $2::pg_catalog.text::lottrace.serialcode LIMIT 1",
	2, {TEXTOID, TEXTOID}
};

/* Is code already used by a lot (or serial) of the item? */
static bool
code_used(LtCodeType *ct, cf_context *ctx, const char *code, size_t len)
{
	Datum		args[2];
	const char *item = ctx->val[CF_ITEM - CF_ITEM];

	if (item == NULL)
		return false;
	args[0] = PointerGetDatum(cstring_to_text_with_len(item, ctx->len[CF_ITEM - CF_ITEM]));
	args[1] = PointerGetDatum(cstring_to_text_with_len(code, len));
	return lt_exec(ct->is_serial ? &serial_used_plan : &lot_used_plan,
				   args, NULL, true, 1) > 0;
}

static void
raise_cf(LtCodeType *ct, const cf_error *err)
{
	lt_cf_ereport(err, psprintf("code type \"%s\"", lt_show(ct->code, -1)));
}

/* A render / root failure: hand it back (missing or unusable value) or raise. */
static text *
give_back(LtCodeType *ct, const cf_error *got, cf_error *err)
{
	if (err && (got->kind == CF_ERR_MISSING || got->kind == CF_ERR_VALUE))
	{
		*err = *got;
		return NULL;
	}
	raise_cf(ct, got);
	return NULL;
}

text *
lt_next_code(LtCodeType *ct, cf_context *ctx, cf_error *err)
{
	const cf_format *f = ct->fmt;
	cf_error	got;
	char		code[CF_MAX_CODE + 1];
	size_t		len;
	lc_result	lr;

	if (f->uses_letters)
		lt_cf_fill_letters(ctx);

	if (f->counter >= 0)
	{
		char		root[CF_TEXT_MAX];
		size_t		rootlen;
		bool		is_alpha = f->seg[f->counter].kind == CF_ALPHA;
		int64		start = is_alpha ? ct->alpha_start : ct->seq_start;
		int64		max = cf_counter_max(f);
		int64		value,
					first;
		Datum		args[3];

		if (!cf_root(f, ctx, root, &rootlen, &got))
		{
			return give_back(ct, &got, err);
		}
		args[0] = CStringGetTextDatum(ct->code);
		args[1] = PointerGetDatum(cstring_to_text_with_len(root, rootlen));
		args[2] = Int64GetDatum(start);
		if (lt_exec(&counter_plan, args, NULL, false, 1) != 1)
			elog(ERROR, "lottrace: counter upsert returned no row");
		value = first = lt_getint8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, NULL);
		SPI_freetuptable(SPI_tuptable);
		for (;;)
		{
			if (value > max || value < 0)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("counter of code type \"%s\" is exhausted for root \"%s\"",
								lt_show(ct->code, -1), lt_show(root, (int) rootlen)),
						 errdetail("The next value %lld does not fit the format %s (largest %lld).",
								   (long long) value, ct->fmt_text, (long long) max),
						 errhint("Give the code type a longer counter, or a root that changes (|ROOT).")));
			if (!cf_render(f, ctx, value, lt_cf_strong_rand, NULL, code, &len, &got))
			{
				return give_back(ct, &got, err);
			}
			if (!code_used(ct, ctx, code, len))
				break;
			value++;
		}
		if (value != first)
		{
			args[2] = Int64GetDatum(value);
			lt_exec(&counter_set_plan, args, NULL, false, 0);
		}
	}
	else
	{
		/* no counter: RAND retries on a collision, fixed formats do not */
		int			tries = 0;

		for (;;)
		{
			if (!cf_render(f, ctx, 0, lt_cf_strong_rand, NULL, code, &len, &got))
			{
				return give_back(ct, &got, err);
			}
			if (++tries >= 20 || !code_used(ct, ctx, code, len))
				break;
		}
	}

	/* generated codes are GS1-safe, whatever the item allows in typed codes */
	lr = lt_parse_code(code, (int) len, LC_MAX_LEN);
	if (lr.status != LC_OK || lr.start != 0 || lr.len != len ||
		lc_gs1_offset(code, len) != len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("code type \"%s\" made \"%s\", which is not a valid %s code",
						lt_show(ct->code, -1), lt_show(code, (int) len), ct->is_serial ? "serial" : "lot"),
				 errhint("A context value probably holds characters outside GS1 character set 82.")));
	return cstring_to_text_with_len(code, len);
}

/*
 * lottrace.next_code(code_type text, ctx jsonb) RETURNS text
 *
 *   SELECT lottrace.next_code('LOT-STD', '{"item": "WIDGET", "start_date": "2026-11-22"}');
 */
Datum
lt_next_code_sql(PG_FUNCTION_ARGS)
{
	char	   *code_type;
	Jsonb	   *jctx = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	cf_context	ctx;
	LtCodeType *ct;
	LtUserSave	save;
	text	   *result;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	code_type = text_to_cstring(PG_GETARG_TEXT_PP(0));
	lt_cf_context_from_jsonb(jctx, &ctx);
	if (ctx.start.y == 0)
	{
		DateADT		today = GetSQLCurrentDate();

		j2date(today + POSTGRES_EPOCH_JDATE, &ctx.start.y, &ctx.start.m, &ctx.start.d);
	}

	lt_spi_enter_as_owner(&save);
	lt_config_refresh();
	ct = lt_code_type(code_type);
	if (ct == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("code type \"%s\" does not exist", lt_show(code_type, -1)),
				 errhint("Code types are rows of lottrace.code_type.")));
	result = lt_next_code(ct, &ctx, NULL);
	lt_restore_user(&save);
	{
		/* out of the SPI context before SPI_finish frees it */
		text	   *copy = SPI_palloc(VARSIZE(result));

		memcpy(copy, result, VARSIZE(result));
		result = copy;
	}
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}
