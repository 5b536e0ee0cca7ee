/*
 * stock.c — a lot's stock per warehouse, kept in lottrace.lot.stock as
 *
 *     {"<warehouse>": [<loaded_qty>, <on_hand>], ...}
 *
 * One row per lot holds all its warehouses, so a movement updates one row
 * (which is also the row whose lock orders it against status changes).
 * Warehouses whose loaded and on-hand quantities are both zero are dropped.
 *
 *   lottrace._stock_add(stock, delta)       stock plus delta, per warehouse
 *   lottrace._stock_negative(stock, delta)  {"<wh>": on_hand} for the
 *                                           warehouses of delta below zero
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "row.h"
#include "show.h"
#include "stock.h"

PG_FUNCTION_INFO_V1(lt_stock_add);
PG_FUNCTION_INFO_V1(lt_stock_negative);
PG_FUNCTION_INFO_V1(lt_qty_float4);
PG_FUNCTION_INFO_V1(lt_qty_float8);

/*
 * lottrace._qty(real) / _qty(double precision): a float quantity as the
 * engine reads it (row.h), for lottrace.movements, so that verify() and
 * rebuild() agree with the registers to the last digit.
 */
Datum
lt_qty_float4(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(lt_float_numeric(PG_GETARG_FLOAT4(0), true));
}

Datum
lt_qty_float8(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(lt_float_numeric(PG_GETARG_FLOAT8(0), false));
}

/* Sign of a numeric: -1, 0, 1 (NaN counts as above zero, as numeric_cmp has it). */
static int
cmp_zero(Numeric n)
{
	static Datum zero = (Datum) 0;

	if (zero == (Datum) 0)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
		MemoryContextSwitchTo(old);
	}
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n), zero));
}

/*
 * A stock argument that is not a stock object: ordinary bad input to an
 * SQL function (22023), not corrupted data.
 */
static void
bad_stock(const char *what, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s is not a lottrace stock object", what),
			 errdetail("%s", detail),
			 errhint("A stock object is {\"<warehouse>\": [<loaded_qty>, <on_hand>], ...}, both quantities numbers.")));
}

/* Read a stock object into an array of entries (palloc'd); returns count. */
int
lt_stock_read(Jsonb *j, const char *what, LtStockEntry **out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0,
				cap = 8;
	LtStockEntry *e = palloc(sizeof(LtStockEntry) * cap);

	*out = e;
	if (j == NULL)
		return 0;
	if (!JB_ROOT_IS_OBJECT(j))
		bad_stock(what, "It is not a JSON object.");
	it = JsonbIteratorInit(&j->root);
	/* the top level only: a warehouse's [loaded, on_hand] comes as one value */
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			if (n == cap)
			{
				cap *= 2;
				e = repalloc(e, sizeof(LtStockEntry) * cap);
				*out = e;
			}
			e[n].wh = pnstrdup(v.val.string.val, v.val.string.len);
			e[n].whlen = v.val.string.len;
			e[n].loaded = e[n].on_hand = (Datum) 0;
			n++;
		}
		else if (tok == WJB_VALUE)
		{
			JsonbValue *q[2];

			if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data) ||
				JsonContainerSize(v.val.binary.data) != 2 ||
				(q[0] = getIthJsonbValueFromContainer(v.val.binary.data, 0))->type != jbvNumeric ||
				(q[1] = getIthJsonbValueFromContainer(v.val.binary.data, 1))->type != jbvNumeric)
				bad_stock(what, psprintf("The value of warehouse \"%s\" is not [loaded_qty, on_hand] with two numbers.",
										 lt_show(e[n - 1].wh, e[n - 1].whlen)));
			e[n - 1].loaded = NumericGetDatum(q[0]->val.numeric);
			e[n - 1].on_hand = NumericGetDatum(q[1]->val.numeric);
		}
	}
	return n;
}

static bool
num_is_zero(Datum n)
{
	return cmp_zero(DatumGetNumeric(n)) == 0;
}

/* Build a stock object; entries with both quantities zero are left out. */
Jsonb *
lt_stock_build(LtStockEntry *e, int n, bool keep_zero)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < n; i++)
	{
		JsonbValue	k,
					q;

		if (!keep_zero && num_is_zero(e[i].loaded) && num_is_zero(e[i].on_hand))
			continue;
		k.type = jbvString;
		k.val.string.val = (char *) e[i].wh;
		k.val.string.len = e[i].whlen;
		pushJsonbValue(&state, WJB_KEY, &k);
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		q.type = jbvNumeric;
		q.val.numeric = DatumGetNumeric(e[i].loaded);
		pushJsonbValue(&state, WJB_ELEM, &q);
		q.val.numeric = DatumGetNumeric(e[i].on_hand);
		pushJsonbValue(&state, WJB_ELEM, &q);
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

static int
find_wh(LtStockEntry *e, int n, const char *wh, int len)
{
	for (int i = 0; i < n; i++)
		if (e[i].whlen == len && memcmp(e[i].wh, wh, len) == 0)
			return i;
	return -1;
}

/* r (nr entries, room for nd more) plus the entries of d; returns the new count. */
static int
add_entries(LtStockEntry *r, int nr, LtStockEntry *d, int nd)
{
	for (int i = 0; i < nd; i++)
	{
		int			k = find_wh(r, nr, d[i].wh, d[i].whlen);

		if (k < 0)
			r[nr++] = d[i];
		else
		{
			r[k].loaded = DirectFunctionCall2(numeric_add, r[k].loaded, d[i].loaded);
			r[k].on_hand = DirectFunctionCall2(numeric_add, r[k].on_hand, d[i].on_hand);
		}
	}
	return nr;
}

/*
 * {"<wh>": on_hand} for each warehouse of d whose on-hand quantity in s is
 * below zero; NULL when there is none.
 */
static Jsonb *
negatives_of(LtStockEntry *s, int ns, LtStockEntry *d, int nd)
{
	JsonbParseState *state = NULL;
	bool		any = false;

	for (int i = 0; i < nd; i++)
	{
		int			k = find_wh(s, ns, d[i].wh, d[i].whlen);
		JsonbValue	kv,
					q;

		if (k < 0 || cmp_zero(DatumGetNumeric(s[k].on_hand)) >= 0)
			continue;
		if (!any)
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		any = true;
		kv.type = jbvString;
		kv.val.string.val = (char *) s[k].wh;
		kv.val.string.len = s[k].whlen;
		pushJsonbValue(&state, WJB_KEY, &kv);
		q.type = jbvNumeric;
		q.val.numeric = DatumGetNumeric(s[k].on_hand);
		pushJsonbValue(&state, WJB_VALUE, &q);
	}
	return any ? JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)) : NULL;
}

/*
 * stock plus delta, per warehouse (either may be NULL: none).  what names
 * the caller in errors about malformed objects.  With negatives, also
 * *negatives: as lt_stock_negatives of the sum, from the same reading.
 */
Jsonb *
lt_stock_sum(Jsonb *stock, Jsonb *delta, const char *what_stock, const char *what_delta,
			 Jsonb **negatives)
{
	LtStockEntry *d;
	int			nd = lt_stock_read(delta, what_delta, &d);

	return lt_stock_add_entries(stock, what_stock, d, nd, negatives);
}

/* lt_stock_sum with the delta as entries (nd of them). */
Jsonb *
lt_stock_add_entries(Jsonb *stock, const char *what_stock, LtStockEntry *d, int nd,
					 Jsonb **negatives)
{
	LtStockEntry *s;
	int			ns = lt_stock_read(stock, what_stock, &s);
	LtStockEntry *r = palloc(sizeof(LtStockEntry) * (ns + nd + 1));
	int			nr;

	memcpy(r, s, sizeof(LtStockEntry) * ns);
	nr = add_entries(r, ns, d, nd);
	if (negatives)
		*negatives = negatives_of(r, nr, d, nd);
	return lt_stock_build(r, nr, false);
}

/*
 * {"<wh>": on_hand} for each warehouse named in delta whose on-hand
 * quantity in stock is below zero; NULL when there is none.
 */
Jsonb *
lt_stock_negatives(Jsonb *stock, Jsonb *delta, const char *what_stock, const char *what_delta)
{
	LtStockEntry *s,
			   *d;
	int			ns = lt_stock_read(stock, what_stock, &s);
	int			nd = lt_stock_read(delta, what_delta, &d);

	return negatives_of(s, ns, d, nd);
}

/*
 * lottrace._stock_add(stock jsonb, delta jsonb) RETURNS jsonb
 *
 *   SELECT lottrace._stock_add('{"W1": [10, 10]}', '{"W1": [0, -3], "W2": [5, 5]}');
 *   -- {"W1": [10, 7], "W2": [5, 5]}
 */
Datum
lt_stock_add(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(lt_stock_sum(PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0),
								   PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1),
								   "argument \"stock\" of lottrace._stock_add",
								   "argument \"delta\" of lottrace._stock_add", NULL));
}

/* lottrace._stock_negative(stock jsonb, delta jsonb) RETURNS jsonb: lt_stock_negatives */
Datum
lt_stock_negative(PG_FUNCTION_ARGS)
{
	Jsonb	   *r = lt_stock_negatives(PG_GETARG_JSONB_P(0), PG_GETARG_JSONB_P(1),
									   "argument \"stock\" of lottrace._stock_negative",
									   "argument \"delta\" of lottrace._stock_negative");

	if (r == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(r);
}
