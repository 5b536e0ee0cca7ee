/*
 * codefmt.c — the lottrace.codefmt type and its SQL functions:
 * lottrace.render(), lottrace.matches() and lottrace._code_root(), plus the
 * server-side helpers declared in codefmt.h.
 *
 * Storage: a varlena holding the version byte LT_CODEFMT_VERSION and the
 * canonical format text.  It is parsed on use; each call site caches the
 * compiled format in fn_extra, keyed by those bytes, so the per-row cost of
 * matches() is a memcmp and the match itself.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/syscache.h"

#include "codefmt.h"
#include "config.h"
#include "cset.h"

PG_FUNCTION_INFO_V1(lt_codefmt_in);
PG_FUNCTION_INFO_V1(lt_codefmt_out);
PG_FUNCTION_INFO_V1(lt_codefmt_recv);
PG_FUNCTION_INFO_V1(lt_codefmt_send);
PG_FUNCTION_INFO_V1(lt_codefmt_eq);
PG_FUNCTION_INFO_V1(lt_codefmt_ne);
PG_FUNCTION_INFO_V1(lt_codefmt_hash);
PG_FUNCTION_INFO_V1(lt_codefmt_hash_extended);
PG_FUNCTION_INFO_V1(lt_codefmt_cmp);
PG_FUNCTION_INFO_V1(lt_codefmt_lt);
PG_FUNCTION_INFO_V1(lt_codefmt_le);
PG_FUNCTION_INFO_V1(lt_codefmt_gt);
PG_FUNCTION_INFO_V1(lt_codefmt_ge);
PG_FUNCTION_INFO_V1(lt_render);
PG_FUNCTION_INFO_V1(lt_matches);
PG_FUNCTION_INFO_V1(lt_code_root);

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

void
lt_cf_ereport(const cf_error *err, const char *what)
{
	int			code;
	const char *hint;

	switch (err->kind)
	{
		case CF_ERR_SYNTAX:
			{
				const char *fmt = what ? what : "";
				int			bytes = err->pos > 0 ? err->pos - 1 : 0;
				int			charpos;

				/* positions in the message count characters, not bytes */
				if (bytes > (int) strlen(fmt))
					bytes = (int) strlen(fmt);
				charpos = pg_mbstrlen_with_len(fmt, bytes) + 1;
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid code format \"%s\"", fmt),
						 errdetail("Syntax error at character %d: %s.", charpos, err->msg)));
			}
			break;
		case CF_ERR_MISSING:
		case CF_ERR_VALUE:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
		case CF_ERR_OVERFLOW:
			code = ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
			break;
		case CF_ERR_CODE:
			code = ERRCODE_STRING_DATA_RIGHT_TRUNCATION;
			break;
		default:
			elog(ERROR, "lt_cf_ereport called without an error");
			pg_unreachable();
	}

	if (err->kind == CF_ERR_CODE)
		hint = psprintf("Codes are at most %d characters: shorten the context values or give their segments a LEN.",
						CF_MAX_CODE);
	else if (err->kind != CF_ERR_MISSING)
		hint = NULL;
	else if (strcmp(err->key, "year_letter") == 0)
		hint = "Add the year to table lottrace.year_letter.";
	else if (strcmp(err->key, "month_letter") == 0)
		hint = "Add the month to table lottrace.month_letter.";
	else if (strcmp(err->key, "start_date") == 0 || strcmp(err->key, "expiry_date") == 0)
		hint = psprintf("Add \"%s\" (an ISO date such as 2026-01-31) to the context.", err->key);
	else
		hint = psprintf("Add \"%s\" to the context.", err->key);

	ereport(ERROR,
			(errcode(code),
			 what ? errmsg("%s: %s", what, err->msg) : errmsg("%s", err->msg),
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* ------------------------------------------------------------------------
 * Stored form
 * ------------------------------------------------------------------------ */

/* The canonical text inside a (detoasted, maybe short-header) codefmt. */
static const char *
codefmt_bytes(const struct varlena *v, int *len)
{
	const char *p = VARDATA_ANY(v);
	int			n = (int) VARSIZE_ANY_EXHDR(v);

	if (n < 1 || p[0] != LT_CODEFMT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported codefmt version %d", n < 1 ? -1 : (int) (unsigned char) p[0])));
	*len = n - 1;
	return p + 1;
}

/* Parse s[0..n), raising the syntax error; ok to use on any input. */
static void
parse_or_error(const char *s, int n, cf_format *f)
{
	cf_error	err;

	if (!cf_parse(s, (size_t) n, f, &err))
	{
		char	   *text = pnstrdup(s, n);

		lt_cf_ereport(&err, text);
	}
}

/* A codefmt datum for a parsed format. */
static struct varlena *
codefmt_make(const cf_format *f)
{
	char		text[CF_TEXT_MAX];
	size_t		n = cf_print(f, text, sizeof(text));
	struct varlena *v;

	if (n >= sizeof(text))		/* cannot happen: see CF_TEXT_MAX */
		elog(ERROR, "canonical code format too long");
	v = (struct varlena *) palloc(VARHDRSZ + 1 + n);
	SET_VARSIZE(v, VARHDRSZ + 1 + n);
	VARDATA(v)[0] = LT_CODEFMT_VERSION;
	memcpy(VARDATA(v) + 1, text, n);
	return v;
}

/* Backend-wide cache of compiled formats, for lt_codefmt_get(). */
#define BACKEND_CACHE 8

typedef struct backend_entry
{
	int			len;			/* canonical text length; -1 = empty slot */
	char		text[CF_TEXT_MAX];
	cf_format	fmt;
} backend_entry;

static backend_entry *backend_cache = NULL;
static int	backend_next = 0;

cf_format *
lt_codefmt_get(Datum fmt)
{
	struct varlena *v = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(fmt));
	int			len;
	const char *text = codefmt_bytes(v, &len);
	cf_format  *result = palloc(sizeof(cf_format));
	backend_entry *e;

	if (backend_cache == NULL)
	{
		backend_cache = MemoryContextAlloc(TopMemoryContext,
										   sizeof(backend_entry) * BACKEND_CACHE);
		for (int i = 0; i < BACKEND_CACHE; i++)
			backend_cache[i].len = -1;
	}
	for (int i = 0; i < BACKEND_CACHE; i++)
	{
		e = &backend_cache[i];
		if (e->len == len && memcmp(e->text, text, len) == 0)
		{
			memcpy(result, &e->fmt, sizeof(cf_format));
			return result;
		}
	}
	parse_or_error(text, len, result);
	if (len < CF_TEXT_MAX)
	{
		e = &backend_cache[backend_next];
		backend_next = (backend_next + 1) % BACKEND_CACHE;
		memcpy(e->text, text, len);
		memcpy(&e->fmt, result, sizeof(cf_format));
		e->len = len;
	}
	return result;
}

/*
 * lottrace.codefmt_in(cstring): parse, store the canonical text.
 */
Datum
lt_codefmt_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	cf_format	f;

	parse_or_error(s, (int) strlen(s), &f);
	PG_RETURN_POINTER(codefmt_make(&f));
}

/*
 * lottrace.codefmt_out(codefmt): the canonical text.
 */
Datum
lt_codefmt_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);
	int			len;
	const char *text = codefmt_bytes(v, &len);

	PG_RETURN_CSTRING(pnstrdup(text, len));
}

/*
 * lottrace.codefmt_recv(internal): version byte, then the format text,
 * which is parsed again (so a binary value is as checked as a text one).
 */
Datum
lt_codefmt_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgint(buf, 1);
	char	   *text;
	int			nbytes;
	cf_format	f;

	if (version != LT_CODEFMT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported codefmt version number %d", version),
				 errdetail("This server reads version %d.", LT_CODEFMT_VERSION)));
	text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	parse_or_error(text, nbytes, &f);
	PG_RETURN_POINTER(codefmt_make(&f));
}

/*
 * lottrace.codefmt_send(codefmt): version byte, then the canonical text.
 */
Datum
lt_codefmt_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);
	int			len;
	const char *text = codefmt_bytes(v, &len);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, LT_CODEFMT_VERSION);
	pq_sendtext(&buf, text, len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Equal canonical texts (the stored bytes). */
static bool
codefmt_equal(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);

	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* codefmt = codefmt: same canonical text */
Datum
lt_codefmt_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(codefmt_equal(fcinfo));
}

/* codefmt <> codefmt */
Datum
lt_codefmt_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!codefmt_equal(fcinfo));
}

/* Hash support (hash joins, DISTINCT, GROUP BY). */
Datum
lt_codefmt_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);

	return hash_any((const unsigned char *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

/* Extended hash (support function 2). */
Datum
lt_codefmt_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(0);

	return hash_any_extended((const unsigned char *) VARDATA_ANY(v),
							 VARSIZE_ANY_EXHDR(v), PG_GETARG_INT64(1));
}

/*
 * Order of canonical texts, byte by byte (the C collation), a prefix first.
 * Zero exactly when the stored bytes are equal, so the btree class agrees
 * with = and with the hash class.  The version byte is the same in every
 * value and orders nothing.
 */
static int
codefmt_compare(FunctionCallInfo fcinfo)
{
	struct varlena *a = PG_GETARG_VARLENA_PP(0);
	struct varlena *b = PG_GETARG_VARLENA_PP(1);
	int			la = (int) VARSIZE_ANY_EXHDR(a);
	int			lb = (int) VARSIZE_ANY_EXHDR(b);
	int			r = memcmp(VARDATA_ANY(a), VARDATA_ANY(b), Min(la, lb));

	if (r == 0)
		r = la - lb;
	return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

/* btree support function 1 of lottrace.codefmt: -1, 0 or 1 */
Datum
lt_codefmt_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(codefmt_compare(fcinfo));
}

/* codefmt < codefmt */
Datum
lt_codefmt_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(codefmt_compare(fcinfo) < 0);
}

/* codefmt <= codefmt */
Datum
lt_codefmt_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(codefmt_compare(fcinfo) <= 0);
}

/* codefmt > codefmt */
Datum
lt_codefmt_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(codefmt_compare(fcinfo) > 0);
}

/* codefmt >= codefmt */
Datum
lt_codefmt_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(codefmt_compare(fcinfo) >= 0);
}

/* ------------------------------------------------------------------------
 * Context
 * ------------------------------------------------------------------------ */

/* Parse an ISO date (YYYY-MM-DD, then nothing or a time part). */
static bool
parse_iso_date(const char *s, int n, cf_date *d)
{
	int			v[3] = {0, 0, 0};
	static const int width[3] = {4, 2, 2};
	int			p = 0;

	for (int f = 0; f < 3; f++)
	{
		if (f > 0)
		{
			if (p >= n || s[p] != '-')
				return false;
			p++;
		}
		for (int i = 0; i < width[f]; i++, p++)
		{
			if (p >= n || !ascii_digit((unsigned char) s[p]))
				return false;
			v[f] = v[f] * 10 + (s[p] - '0');
		}
	}
	if (p < n && s[p] != 'T' && s[p] != ' ')
		return false;
	if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
		v[2] > day_tab[isleap(v[0])][v[1] - 1])
		return false;
	d->y = v[0];
	d->m = v[1];
	d->d = v[2];
	return true;
}

static void
context_date(Jsonb *j, const char *key, cf_date *d)
{
	JsonbValue	v;

	if (getKeyJsonValueFromContainer(&j->root, key, strlen(key), &v) == NULL ||
		v.type == jbvNull)
		return;
	if (v.type != jbvString || !parse_iso_date(v.val.string.val, v.val.string.len, d))
	{
		const char *shown = v.type == jbvString ? v.val.string.val : "";
		int			len = v.type == jbvString ? Min(v.val.string.len, 40) : 0;

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
				 v.type == jbvString ?
				 errmsg("context key \"%s\" is not an ISO date: \"%.*s\"", key, len, shown) :
				 errmsg("context key \"%s\" must be an ISO date string", key),
				 errhint("Write dates as \"2026-01-31\".")));
	}
}

void
lt_cf_context_from_jsonb(Jsonb *j, cf_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	if (j == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(j))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("code context must be a JSON object"),
				 errhint("Pass e.g. '{\"item\": \"A100\", \"start_date\": \"2026-01-31\"}'.")));
	for (int i = 0; i < CF_NCTX; i++)
	{
		const char *key = cf_ctx_key[i];
		JsonbValue	v;

		if (getKeyJsonValueFromContainer(&j->root, key, strlen(key), &v) == NULL)
			continue;
		switch (v.type)
		{
			case jbvNull:
				break;
			case jbvString:
				ctx->val[i] = v.val.string.val;
				ctx->len[i] = v.val.string.len;
				break;
			case jbvNumeric:
				{
					char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
																		NumericGetDatum(v.val.numeric)));

					ctx->val[i] = s;
					ctx->len[i] = strlen(s);
				}
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("context key \"%s\" must be a string or a number", key)));
		}
	}
	context_date(j, "start_date", &ctx->start);
	context_date(j, "expiry_date", &ctx->expiry);
}

void
lt_cf_default_start(cf_context *ctx)
{
	if (ctx->start.y == 0)
	{
		DateADT		today = GetSQLCurrentDate();

		j2date(today + POSTGRES_EPOCH_JDATE, &ctx->start.y, &ctx->start.m, &ctx->start.d);
	}
}

/* ------------------------------------------------------------------------
 * Letters
 * ------------------------------------------------------------------------ */

static SPIPlanPtr letter_plan = NULL;

bool
lt_cf_fill_letters(cf_context *ctx)
{
	Oid			argtypes[2] = {INT4OID, INT4OID};
	Datum		args[2];
	Oid			nsp,
				relid,
				owner,
				save_userid;
	int			save_sec;
	HeapTuple	tup;
	bool		found = true;

	ctx->year_letter = 0;
	ctx->month_letter = 0;
	if (ctx->start.y == 0)
		return false;

	/* run as the owner of the letter tables */
	nsp = get_namespace_oid("lottrace", false);
	relid = get_relname_relid("year_letter", nsp);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"lottrace.year_letter\" does not exist")));
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (letter_plan != NULL && !SPI_plan_is_valid(letter_plan))
	{
		SPI_freeplan(letter_plan);
		letter_plan = NULL;
	}
	if (letter_plan == NULL)
	{
		SPIPlanPtr	plan;

		plan = SPI_prepare("SELECT"
						   " (SELECT y.letter FROM lottrace.year_letter y"
						   "   WHERE y.year OPERATOR(pg_catalog.=) $1),"
						   " (SELECT m.letter FROM lottrace.month_letter m"
						   "   WHERE m.month OPERATOR(pg_catalog.=) $2)",
						   2, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		letter_plan = plan;
	}
	args[0] = Int32GetDatum(ctx->start.y);
	args[1] = Int32GetDatum(ctx->start.m);
	if (SPI_execute_plan(letter_plan, args, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "letter lookup failed");
	for (int c = 0; c < 2; c++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									  c + 1, &isnull);
		char		letter = 0;

		if (!isnull)
		{
			text	   *t = DatumGetTextPP(d);

			if (VARSIZE_ANY_EXHDR(t) == 1)
				letter = VARDATA_ANY(t)[0];
		}
		if (letter == 0)
			found = false;
		if (c == 0)
			ctx->year_letter = letter;
		else
			ctx->month_letter = letter;
	}
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
	return found;
}

/* ------------------------------------------------------------------------
 * Randomness
 * ------------------------------------------------------------------------ */

static unsigned char rand_buf[64];
static int	rand_pos = sizeof(rand_buf);

int
lt_cf_strong_rand(void *arg)
{
	for (;;)
	{
		unsigned char b;

		if (rand_pos >= (int) sizeof(rand_buf))
		{
			if (!pg_strong_random(rand_buf, sizeof(rand_buf)))
				ereport(ERROR,
						(errcode(ERRCODE_INTERNAL_ERROR),
						 errmsg("could not generate random characters")));
			rand_pos = 0;
		}
		b = rand_buf[rand_pos++];
		/* 252 = 7 * 36: taking b % 36 of 0..251 only has no bias */
		if (b < 252)
			return b % 36;
	}
}

/* ------------------------------------------------------------------------
 * Per-call-site cache (fn_extra)
 * ------------------------------------------------------------------------ */

typedef struct fmt_cache
{
	/* the compiled format, keyed by the stored bytes */
	int			len;			/* -1: none yet */
	char		text[CF_TEXT_MAX + 1];
	cf_format	fmt;

	/* the last context, keyed by the jsonb's bytes */
	MemoryContext ctx_mcxt;
	Size		ctx_len;		/* 0: none yet */
	char	   *ctx_bytes;		/* copy of the jsonb (in ctx_mcxt) */
	cf_context	ctx;
} fmt_cache;

static fmt_cache *
get_cache(FunctionCallInfo fcinfo, int fmtarg)
{
	fmt_cache  *c = (fmt_cache *) fcinfo->flinfo->fn_extra;
	struct varlena *v;
	int			len;
	const char *text;

	if (c == NULL)
	{
		c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(fmt_cache));
		c->len = -1;
		c->ctx_mcxt = NULL;
		c->ctx_len = 0;
		c->ctx_bytes = NULL;
		fcinfo->flinfo->fn_extra = c;
	}
	v = PG_GETARG_VARLENA_PP(fmtarg);
	text = codefmt_bytes(v, &len);
	if (c->len != len || memcmp(c->text, text, len) != 0)
	{
		if (len > CF_TEXT_MAX)	/* not canonical: never stored by us */
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("code format too long")));
		c->len = -1;
		parse_or_error(text, len, &c->fmt);
		memcpy(c->text, text, len);
		c->len = len;
	}
	return c;
}

/*
 * The context of argument ctxarg (NULL when the argument is NULL), cached
 * by the jsonb's bytes: a constant context is read once per call site.
 */
static const cf_context *
get_context(FunctionCallInfo fcinfo, fmt_cache *c, int ctxarg)
{
	struct varlena *raw;
	Size		len;
	MemoryContext old;

	if (PG_ARGISNULL(ctxarg))
		return NULL;
	raw = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(PG_GETARG_DATUM(ctxarg)));
	len = VARSIZE_ANY_EXHDR(raw);
	if (c->ctx_len != 0 && c->ctx_len == len + 1 &&
		memcmp(c->ctx_bytes, VARDATA_ANY(raw), len) == 0)
		return &c->ctx;

	if (c->ctx_mcxt == NULL)
		c->ctx_mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											"lottrace codefmt context",
											ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(c->ctx_mcxt);
	c->ctx_len = 0;
	old = MemoryContextSwitchTo(c->ctx_mcxt);
	{
		/* an aligned copy with a 4-byte header: what Jsonb code expects */
		Jsonb	   *j = (Jsonb *) palloc(VARHDRSZ + len);

		SET_VARSIZE(j, VARHDRSZ + len);
		memcpy(VARDATA(j), VARDATA_ANY(raw), len);
		lt_cf_context_from_jsonb(j, &c->ctx);
		c->ctx_bytes = VARDATA(j);
	}
	MemoryContextSwitchTo(old);
	c->ctx_len = len + 1;		/* + 1: 0 means "none" */
	return &c->ctx;
}

/*
 * Defaults and letters for render and _code_root.  Letters are looked up on
 * every call: a cache in fn_extra could outlive a change of the letter
 * tables (PL/pgSQL keeps expression state for the whole transaction).
 */
static void
complete_context(fmt_cache *c, cf_context *ctx)
{
	if (c->fmt.uses_start)
		lt_cf_default_start(ctx);
	if (c->fmt.uses_letters)
		lt_cf_fill_letters(ctx);
}

/* The canonical text of the cached format, for messages. */
static char *
cache_text(const fmt_cache *c)
{
	return pnstrdup(c->text, c->len);
}

/* ------------------------------------------------------------------------
 * SQL functions
 * ------------------------------------------------------------------------ */

/*
 * lottrace.render(fmt codefmt, ctx jsonb, seq bigint DEFAULT NULL) RETURNS text
 *
 *   SELECT lottrace.render('{ITEM}-{YY}{SEQ:4}', '{"item": "A100"}', 7);
 *   -- A100-260007
 */
Datum
lt_render(PG_FUNCTION_ARGS)
{
	fmt_cache  *c;
	cf_context	ctx;
	const cf_context *src;
	int64		seq = 0;
	char		code[CF_MAX_CODE + 1];
	size_t		len;
	cf_error	err;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	c = get_cache(fcinfo, 0);
	if (c->fmt.counter >= 0)
	{
		if (PG_NARGS() < 3 || PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("code format \"%s\" has a counter, so a counter value is needed",
							cache_text(c)),
					 errhint("Pass seq, e.g. lottrace.render(fmt, ctx, 1).")));
		seq = PG_GETARG_INT64(2);
	}
	src = get_context(fcinfo, c, 1);
	if (src)
		ctx = *src;
	else
		memset(&ctx, 0, sizeof(ctx));
	complete_context(c, &ctx);
	if (!cf_render(&c->fmt, &ctx, seq, lt_cf_strong_rand, NULL, code, &len, &err))
		lt_cf_ereport(&err, NULL);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(code, (int) len));
}

/*
 * lottrace.matches(code text, fmt codefmt, ctx jsonb DEFAULT NULL) RETURNS boolean
 *
 *   SELECT lottrace.matches('A100-260007', '{ITEM}-{YY}{SEQ:4}', '{"item": "A100"}');
 *   -- true
 */
Datum
lt_matches(PG_FUNCTION_ARGS)
{
	fmt_cache  *c;
	text	   *code;
	const cf_context *ctx;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = get_cache(fcinfo, 1);
	ctx = PG_NARGS() > 2 ? get_context(fcinfo, c, 2) : NULL;
	code = PG_GETARG_TEXT_PP(0);
	PG_RETURN_BOOL(cf_match(&c->fmt, VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code), ctx));
}

/*
 * lottrace._code_root(fmt codefmt, ctx jsonb) RETURNS text — the counter
 * root (cf_root), for tests; next_code calls cf_root from C.
 */
Datum
lt_code_root(PG_FUNCTION_ARGS)
{
	fmt_cache  *c;
	cf_context	ctx;
	const cf_context *src;
	char		root[CF_TEXT_MAX];
	size_t		len;
	cf_error	err;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	c = get_cache(fcinfo, 0);
	src = get_context(fcinfo, c, 1);
	if (src)
		ctx = *src;
	else
		memset(&ctx, 0, sizeof(ctx));
	complete_context(c, &ctx);
	if (!cf_root(&c->fmt, &ctx, root, &len, &err))
		lt_cf_ereport(&err, NULL);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(root, (int) len));
}

void
lt_cf_item_context(cf_context *ctx, const LtItem *it, const char *item, int item_len,
				   const char *variant, int variant_len)
{
	memset(ctx, 0, sizeof(*ctx));
	lt_cf_set(ctx, CF_ITEM, item, item_len);
	if (variant != NULL)
		lt_cf_set(ctx, CF_VARIANT, variant, variant_len);
	if (it->item_class)
		lt_cf_set(ctx, CF_CLASS, it->item_class, strlen(it->item_class));
	if (it->category)
		lt_cf_set(ctx, CF_CATEGORY, it->category, strlen(it->category));
	if (it->item_type)
		lt_cf_set(ctx, CF_ITEMTYPE, it->item_type, strlen(it->item_type));
}
