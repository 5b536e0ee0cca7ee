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

/*
 * Read a stock object into an array of entries (palloc'd); returns count.
 * The object's containers are read in place, as jsonb_util.c lays them
 * out (keys first, then values; each value an array container of two
 * numerics): no iterator and no copies, so the warehouses and quantities
 * point into j.
 */
int
lt_stock_read(Jsonb *j, const char *what, LtStockEntry **out)
{
	JsonbContainer *c;
	int			n;
	char	   *base;
	LtStockEntry *e;

	if (j == NULL)
	{
		*out = palloc(sizeof(LtStockEntry));
		return 0;
	}
	if (!JB_ROOT_IS_OBJECT(j))
		bad_stock(what, "It is not a JSON object.");
	c = &j->root;
	n = JsonContainerSize(c);
	e = palloc(sizeof(LtStockEntry) * Max(n, 1));
	*out = e;
	base = (char *) &c->children[n * 2];
	for (int i = 0; i < n; i++)
	{
		JsonbContainer *a;
		char	   *abase;

		e[i].wh = base + getJsonbOffset(c, i);
		e[i].whlen = getJsonbLength(c, i);
		a = (JsonbContainer *) (base + INTALIGN(getJsonbOffset(c, n + i)));
		if (!JBE_ISCONTAINER(c->children[n + i]) || !JsonContainerIsArray(a) ||
			JsonContainerSize(a) != 2 ||
			!JBE_ISNUMERIC(a->children[0]) || !JBE_ISNUMERIC(a->children[1]))
			bad_stock(what, psprintf("The value of warehouse \"%s\" is not [loaded_qty, on_hand] with two numbers.",
									 lt_show(e[i].wh, e[i].whlen)));
		abase = (char *) &a->children[2];
		e[i].loaded = PointerGetDatum(abase + INTALIGN(getJsonbOffset(a, 0)));
		e[i].on_hand = PointerGetDatum(abase + INTALIGN(getJsonbOffset(a, 1)));
	}
	return n;
}

static bool
num_is_zero(Datum n)
{
	return cmp_zero(DatumGetNumeric(n)) == 0;
}

/* jsonb_util.c's order of an object's keys: by length, then bytes */
static int
key_cmp(const LtStockEntry *a, const LtStockEntry *b)
{
	if (a->whlen != b->whlen)
		return a->whlen > b->whlen ? 1 : -1;
	return memcmp(a->wh, b->wh, a->whlen);
}

static int
pad_to_int(char *buf, int pos)
{
	while (pos != INTALIGN(pos))
		buf[pos++] = '\0';
	return pos;
}

/* A stock object from entries, the way pushJsonbValue's path makes it. */
static Jsonb *
build_pushed(LtStockEntry *e, int n, bool keep_zero)
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

/*
 * Build a stock object; entries with both quantities zero are left out.
 *
 * Written straight into jsonb's binary layout (what convertToJsonb writes
 * for the same object: the keys sorted by length then bytes, each key's
 * JEntry and each value's, an offset every JB_OFFSET_STRIDE entries, every
 * container and numeric aligned to 4 bytes): building it through
 * pushJsonbValue and JsonbValueToJsonb was 7,000 instructions for a
 * one-warehouse update.  Two entries for one warehouse, or a NaN (which
 * jsonb stores otherwise), take the pushJsonbValue path.
 */
Jsonb *
lt_stock_build(LtStockEntry *e, int n, bool keep_zero)
{
	LtStockEntry *k = palloc(sizeof(LtStockEntry) * Max(n, 1));
	int			m = 0;
	Size		cap;
	char	   *buf;
	int			pos;
	JEntry	   *je;
	uint32		totallen;

	/* the entries kept, in key order (few: an insertion sort) */
	for (int i = 0; i < n; i++)
	{
		int			p;

		if (!keep_zero && num_is_zero(e[i].loaded) && num_is_zero(e[i].on_hand))
			continue;
		if (numeric_is_nan(DatumGetNumeric(e[i].loaded)) ||
			numeric_is_nan(DatumGetNumeric(e[i].on_hand)))
			return build_pushed(e, n, keep_zero);
		for (p = m; p > 0 && key_cmp(&k[p - 1], &e[i]) > 0; p--)
			k[p] = k[p - 1];
		if (p > 0 && key_cmp(&k[p - 1], &e[i]) == 0)
			return build_pushed(e, n, keep_zero);
		k[p] = e[i];
		m++;
	}

	/* an upper bound: headers, JEntries, keys, and each value padded */
	cap = VARHDRSZ + sizeof(uint32) + 2 * m * sizeof(JEntry);
	for (int i = 0; i < m; i++)
		cap += k[i].whlen + 3 + sizeof(uint32) + 2 * sizeof(JEntry) +
			2 * 3 + VARSIZE_ANY(DatumGetPointer(k[i].loaded)) +
			VARSIZE_ANY(DatumGetPointer(k[i].on_hand));
	buf = palloc(cap);
	pos = VARHDRSZ;
	*(uint32 *) (buf + pos) = m | JB_FOBJECT;
	pos += sizeof(uint32);
	je = (JEntry *) (buf + pos);
	pos += 2 * m * sizeof(JEntry);

	totallen = 0;
	for (int i = 0; i < m; i++)
	{
		memcpy(buf + pos, k[i].wh, k[i].whlen);
		pos += k[i].whlen;
		totallen += k[i].whlen;
		je[i] = (i % JB_OFFSET_STRIDE) == 0
			? (JENTRY_ISSTRING | totallen | JENTRY_HAS_OFF)
			: (JENTRY_ISSTRING | k[i].whlen);
	}
	for (int i = 0; i < m; i++)
	{
		int			start = pos;
		JEntry	   *ae;
		uint32		alen = 0;
		Datum		q[2] = {k[i].loaded, k[i].on_hand};

		/* [loaded, on_hand]: an array container, aligned, of two numerics */
		pos = pad_to_int(buf, pos);
		*(uint32 *) (buf + pos) = 2 | JB_FARRAY;
		pos += sizeof(uint32);
		ae = (JEntry *) (buf + pos);
		pos += 2 * sizeof(JEntry);
		for (int x = 0; x < 2; x++)
		{
			int			before = pos;
			int			len = VARSIZE_ANY(DatumGetPointer(q[x]));

			pos = pad_to_int(buf, pos);
			memcpy(buf + pos, DatumGetPointer(q[x]), len);
			pos += len;
			alen += pos - before;
			ae[x] = x == 0 ? (JENTRY_ISNUMERIC | alen | JENTRY_HAS_OFF)
				: (JENTRY_ISNUMERIC | (pos - before));
		}
		totallen += pos - start;
		je[m + i] = ((m + i) % JB_OFFSET_STRIDE) == 0
			? (JENTRY_ISCONTAINER | totallen | JENTRY_HAS_OFF)
			: (JENTRY_ISCONTAINER | (pos - start));
	}
	if (totallen > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("total size of jsonb object elements exceeds the maximum of %u bytes",
						JENTRY_OFFLENMASK)));
	Assert(pos <= cap);
	SET_VARSIZE(buf, pos);
	pfree(k);
	return (Jsonb *) buf;
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
