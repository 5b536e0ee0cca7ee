/*
 * gs1.c — SQL interface to the GS1 barcode parser (gs1_core.c).
 *
 *   SELECT * FROM lottrace.gs1_parse('(01)09506000134352(17)261231(10)ABC');
 *   SELECT lottrace.gs1_lot(scan), lottrace.gs1_expiry(scan) FROM scans;
 *
 * The core is pure; this file supplies the current year for the GS1 century
 * rule (so the parsing functions are STABLE) and turns its errors into
 * ereport()s: SQLSTATE 22P02 for malformed barcodes, 22023 when a valid
 * barcode can not be written as a Digital Link.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "gs1_core.h"

PG_FUNCTION_INFO_V1(lt_gs1_parse);
PG_FUNCTION_INFO_V1(lt_gs1_lot);
PG_FUNCTION_INFO_V1(lt_gs1_serial);
PG_FUNCTION_INFO_V1(lt_gs1_gtin);
PG_FUNCTION_INFO_V1(lt_gs1_expiry);
PG_FUNCTION_INFO_V1(lt_gs1_decimal);
PG_FUNCTION_INFO_V1(lt_gs1_check_digit);
PG_FUNCTION_INFO_V1(lt_gs1_digital_link);
PG_FUNCTION_INFO_V1(lt_gs1_check_pairs);
PG_FUNCTION_INFO_V1(lt_uri_part);

/* The year of the transaction's start, in the session time zone. */
static int
gs1_current_year(void)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(GetCurrentTransactionStartTimestamp(), &tz, &tm, &fsec,
					 NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return tm.tm_year;
}

static void
gs1_report(const gs1_error *err)
{
	bool		dl = (err->kind == GS1_ERR_STEM || err->kind == GS1_ERR_NO_KEY ||
					  err->kind == GS1_ERR_NOT_EXPRESSIBLE);

	ereport(ERROR,
			(errcode(dl ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_INVALID_TEXT_REPRESENTATION),
			 dl ? errmsg("cannot write the GS1 barcode as a digital link") :
			 errmsg("invalid GS1 barcode"),
			 errdetail("%s", err->msg),
			 err->hint[0] ? errhint("%s", err->hint) : 0));
}

/* Parse argument argno as a barcode; errors are raised. */
static gs1_parsed *
gs1_parse_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	gs1_parsed *p = palloc(sizeof(gs1_parsed));
	gs1_error	err;

	if (!gs1_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), gs1_current_year(), p, &err))
		gs1_report(&err);
	return p;
}

/* Set up a materialized set-returning call; returns its tuple store. */
static Tuplestorestate *
gs1_srf_begin(FunctionCallInfo fcinfo, TupleDesc *tupdesc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcxt;
	Tuplestorestate *ts;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (get_call_result_type(fcinfo, NULL, tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ts = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
							   false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = *tupdesc;
	MemoryContextSwitchTo(oldcxt);
	return ts;
}

/*
 * gs1_parse(barcode text) RETURNS TABLE(ai text, value text)
 * The element strings in input order (Digital Link: path, then query).
 */
Datum
lt_gs1_parse(PG_FUNCTION_ARGS)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	TupleDesc	tupdesc;
	Tuplestorestate *ts = gs1_srf_begin(fcinfo, &tupdesc);
	int			i;

	for (i = 0; i < p->count; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PointerGetDatum(cstring_to_text(p->el[i].ai));
		values[1] = PointerGetDatum(cstring_to_text_with_len(p->el[i].value, p->el[i].vlen));
		tuplestore_putvalues(ts, tupdesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * The value of one AI as a plain varlena of its bytes (binary compatible
 * with text, lotcode and serialcode), or SQL NULL when it is absent.
 */
static Datum
gs1_ai_value(FunctionCallInfo fcinfo, const char *ai)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	const gs1_element *e = gs1_find(p, ai);

	if (e == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(e->value, e->vlen));
}

/* gs1_lot(barcode text): AI (10), the batch or lot number. */
Datum
lt_gs1_lot(PG_FUNCTION_ARGS)
{
	return gs1_ai_value(fcinfo, "10");
}

/* gs1_serial(barcode text): AI (21), the serial number. */
Datum
lt_gs1_serial(PG_FUNCTION_ARGS)
{
	return gs1_ai_value(fcinfo, "21");
}

/* gs1_gtin(barcode text): AI (01), the 14-digit GTIN. */
Datum
lt_gs1_gtin(PG_FUNCTION_ARGS)
{
	return gs1_ai_value(fcinfo, "01");
}

/* gs1_expiry(barcode text) RETURNS date: AI (17); day 00 = end of month. */
Datum
lt_gs1_expiry(PG_FUNCTION_ARGS)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	const gs1_element *e = gs1_find(p, "17");
	int			y,
				m,
				d;

	if (e == NULL)
		PG_RETURN_NULL();
	/* the parser validated the date; this cannot fail */
	if (!gs1_date(e->value, e->vlen, gs1_current_year(), &y, &m, &d))
		elog(ERROR, "unexpected invalid date \"%s\" in AI (17)", e->value);
	PG_RETURN_DATEADT(date2j(y, m, d) - POSTGRES_EPOCH_JDATE);
}

/*
 * gs1_decimal(barcode text, ai text) RETURNS numeric: the value of a
 * decimal-point AI with its decimal point applied, e.g. (3103)001250 gives
 * 1.250.  ai is the full AI ("3103") or its first three digits ("310": any
 * number of decimals).  NULL when absent.
 */
Datum
lt_gs1_decimal(PG_FUNCTION_ARGS)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	text	   *ait = PG_GETARG_TEXT_PP(1);
	char	   *want = text_to_cstring(ait);
	size_t		wl = strlen(want);
	char		probe[GS1_MAX_AI_LEN + 1];
	int			decimals,
				offset,
				i;

	/* the argument must name a decimal-point AI or family of them */
	if (wl == 4)
		memcpy(probe, want, 5);
	else if (wl == 3)
	{
		memcpy(probe, want, 3);
		probe[3] = '0';
		probe[4] = '\0';
	}
	else
		probe[0] = '\0';
	if (!gs1_decimal_ai(probe, &decimals, &offset))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a GS1 decimal-point AI", want),
				 errhint("name the AI (\"3103\") or its first three digits (\"310\"); decimal-point AIs are 31nn to 36nn and 39nn")));

	for (i = 0; i < p->count; i++)
	{
		const gs1_element *e = &p->el[i];
		StringInfoData buf;
		const char *digits;
		int			nd;

		if (strncmp(e->ai, want, wl) != 0 ||
			!gs1_decimal_ai(e->ai, &decimals, &offset))
			continue;
		digits = e->value + offset;
		nd = (int) e->vlen - offset;
		initStringInfo(&buf);
		if (nd > decimals)
			appendBinaryStringInfo(&buf, digits, nd - decimals);
		else
			appendStringInfoChar(&buf, '0');
		if (decimals > 0)
		{
			int			k;

			appendStringInfoChar(&buf, '.');
			for (k = nd; k < decimals; k++)
				appendStringInfoChar(&buf, '0');
			appendBinaryStringInfo(&buf, nd > decimals ? digits + nd - decimals : digits,
								   nd > decimals ? decimals : nd);
		}
		return DirectFunctionCall3(numeric_in, CStringGetDatum(buf.data),
								   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	}
	PG_RETURN_NULL();
}

/* gs1_check_digit(digits text) RETURNS int: GS1 mod-10 check digit. */
Datum
lt_gs1_check_digit(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		n = VARSIZE_ANY_EXHDR(t);
	size_t		i;

	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input for a GS1 check digit"),
				 errdetail("the digit string is empty")));
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input for a GS1 check digit"),
					 errdetail("character \"%s\" at position %zu is not a digit",
							   pnstrdup(s + i, Min((size_t) pg_mblen(s + i), n - i)), i + 1)));
	PG_RETURN_INT32(gs1_check_digit(s, n));
}

/*
 * _uri_part(s text) RETURNS text: s as one percent-encoded URI path segment
 * (the encoding of Digital Link values, gs1_pct_encode), over the UTF-8
 * bytes of s whatever the database encoding.  The EPCIS identifiers are
 * built with it, several per event.
 */
Datum
lt_uri_part(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		n = VARSIZE_ANY_EXHDR(t);
	char	   *utf8 = pg_server_to_any(s, (int) n, PG_UTF8);
	text	   *out;

	/* a converted copy is NUL-terminated; the text itself is not */
	if (utf8 != s)
		n = strlen(utf8);
	out = (text *) palloc(VARHDRSZ + 3 * n + 1);
	SET_VARSIZE(out, VARHDRSZ + gs1_pct_encode(utf8, n, VARDATA(out)));
	PG_RETURN_TEXT_P(out);
}

/*
 * gs1_digital_link(barcode text, stem text) RETURNS text: the canonical GS1
 * Digital Link URI of a barcode given in any form.
 */
Datum
lt_gs1_digital_link(PG_FUNCTION_ARGS)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	text	   *stem = PG_GETARG_TEXT_PP(1);
	size_t		stemlen = VARSIZE_ANY_EXHDR(stem);
	size_t		outsize = stemlen + GS1_DL_BODY_MAX;
	char	   *out = palloc(outsize);
	size_t		outlen;
	gs1_error	err;

	if (!gs1_dl_build(p, VARDATA_ANY(stem), stemlen, out, outsize, &outlen, &err))
		gs1_report(&err);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, outlen));
}

typedef struct pair_sink
{
	Tuplestorestate *ts;
	TupleDesc	tupdesc;
} pair_sink;

static void
gs1_pair_row(void *arg, const char *ai, const char *problem)
{
	pair_sink  *sink = (pair_sink *) arg;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	values[0] = PointerGetDatum(cstring_to_text(ai));
	values[1] = PointerGetDatum(cstring_to_text(problem));
	tuplestore_putvalues(sink->ts, sink->tupdesc, values, nulls);
}

/*
 * gs1_check_pairs(barcode text) RETURNS TABLE(ai text, problem text): the
 * dictionary's pairing rules (required and excluded AIs) that the barcode
 * breaks; no rows when it follows them.
 */
Datum
lt_gs1_check_pairs(PG_FUNCTION_ARGS)
{
	gs1_parsed *p = gs1_parse_arg(fcinfo, 0);
	pair_sink	sink;

	sink.ts = gs1_srf_begin(fcinfo, &sink.tupdesc);
	gs1_check_pairs(p, gs1_pair_row, &sink);
	return (Datum) 0;
}
