/*
 * row.h — reading the mapped columns of an ERP row, the one decoder both
 * the engine (engine.c, from a slot) and the code-generation trigger
 * (triggers.c, from a heap tuple) use.  Each takes a column of the mapping
 * (attach.h) and the column's value; static inline, as it runs for every
 * mapped column of every row.
 */
#ifndef LOTTRACE_ROW_H
#define LOTTRACE_ROW_H

#include "postgres.h"

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "attach.h"

/*
 * A code-like column as bytes: text-like values as they are (char(n)
 * without its trailing blanks), others through their output function.
 * NULL, and an empty value, give NULL (*len 0).  The bytes are the
 * value's own or palloc'd.
 */
static inline const char *
lt_col_text(const LtCol *c, Datum d, bool isnull, int *len)
{
	const char *s;

	*len = 0;
	if (c->attnum == 0 || isnull)
		return NULL;
	if (c->kind == CK_TEXT || c->kind == CK_BPCHAR)
	{
		text	   *t = DatumGetTextPP(d);

		s = VARDATA_ANY(t);
		*len = VARSIZE_ANY_EXHDR(t);
		if (c->kind == CK_BPCHAR)
			while (*len > 0 && s[*len - 1] == ' ')
				(*len)--;
	}
	else
	{
		s = OutputFunctionCall((FmgrInfo *) &c->out, d);
		*len = strlen(s);
	}
	if (*len == 0)
		return NULL;
	return s;
}

/*
 * A real or double precision value as numeric, exactly as it prints: the
 * shortest decimal that reads back as the same value (12345.67 stays
 * 12345.67; float4_numeric would keep 6 significant digits, 12345.7).
 * NaN and the infinities come out as numeric's own.
 */
static inline Datum
lt_float_numeric(double v, bool single)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (single)
		float_to_shortest_decimal_buf((float) v, buf);
	else
		double_to_shortest_decimal_buf(v, buf);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/* A quantity column as numeric; false if NULL. */
static inline bool
lt_col_qty(const LtCol *c, Datum d, bool isnull, Datum *qty)
{
	if (isnull)
		return false;
	switch (c->kind)
	{
		case CK_NUMERIC:
			*qty = d;
			break;
		case CK_INT2:
			*qty = DirectFunctionCall1(int2_numeric, d);
			break;
		case CK_INT4:
			*qty = DirectFunctionCall1(int4_numeric, d);
			break;
		case CK_INT8:
			*qty = DirectFunctionCall1(int8_numeric, d);
			break;
		case CK_FLOAT4:
			*qty = lt_float_numeric(DatumGetFloat4(d), true);
			break;
		default:
			*qty = lt_float_numeric(DatumGetFloat8(d), false);
			break;
	}
	return true;
}

/*
 * The sign of a quantity column without converting it: 1, 0 or -1; 0 for
 * NULL.  (NaN counts as above zero, as numeric orders it.)
 */
static inline int
lt_col_qty_sign(const LtCol *c, Datum d, bool isnull)
{
	double		v;

	if (isnull)
		return 0;
	switch (c->kind)
	{
		case CK_NUMERIC:
			{
				int			c = DatumGetInt32(DirectFunctionCall2(numeric_cmp, d,
																  NumericGetDatum(int64_to_numeric(0))));

				return (c > 0) - (c < 0);
			}
		case CK_INT2:
			return (DatumGetInt16(d) > 0) - (DatumGetInt16(d) < 0);
		case CK_INT4:
			return (DatumGetInt32(d) > 0) - (DatumGetInt32(d) < 0);
		case CK_INT8:
			return (DatumGetInt64(d) > 0) - (DatumGetInt64(d) < 0);
		case CK_FLOAT4:
			v = DatumGetFloat4(d);
			break;
		default:
			v = DatumGetFloat8(d);
			break;
	}
	return (v > 0) - (v < 0);
}

/* A date column; false if unmapped or NULL (infinite dates are returned). */
static inline bool
lt_col_date(const LtCol *c, Datum d, bool isnull, DateADT *out)
{
	if (c->attnum == 0 || isnull)
		return false;
	if (c->kind == CK_DATE)
		*out = DatumGetDateADT(d);
	else if (c->kind == CK_TIMESTAMP)
		*out = DatumGetDateADT(DirectFunctionCall1(timestamp_date, d));
	else
		*out = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, d));
	return true;
}

#endif							/* LOTTRACE_ROW_H */
