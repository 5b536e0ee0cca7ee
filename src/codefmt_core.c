/*
 * codefmt_core.c — the code-type format language: parser, canonical printer,
 * renderer, counter root and matcher.
 *
 * Plain C: no PostgreSQL headers, no allocation, no global state.  Every
 * function is safe on arbitrary bytes (the fuzz harness in test/fuzz feeds
 * it random formats, codes and contexts); loops are bounded by the input
 * length or by the fixed limits in codefmt_core.h.
 */
#include "codefmt_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"

/* ------------------------------------------------------------------------
 * Segment kinds
 * ------------------------------------------------------------------------ */

enum
{
	LEN_NO,						/* LEN not allowed */
	LEN_OPT,					/* LEN optional */
	LEN_REQ						/* LEN required */
};

typedef struct cf_kinfo
{
	const char *name;
	uint8_t		lenrule;
	uint8_t		lenmax;			/* largest LEN */
	uint8_t		fixed;			/* length of a fixed-length kind, else 0 */
	bool		fill;			/* FILL allowed */
	bool		rootable;		/* may be named in |ROOT */
	int8_t		date;			/* 0 start date, 1 expiry date, -1 none */
} cf_kinfo;

static const cf_kinfo kinfo[CF_NKINDS] = {
	[CF_LIT] = {"", LEN_NO, 0, 0, false, false, -1},
	[CF_SEQ] = {"SEQ", LEN_REQ, 18, 0, true, false, -1},
	[CF_ALPHA] = {"ALPHA", LEN_REQ, 10, 0, false, false, -1},
	[CF_RAND] = {"RAND", LEN_REQ, 50, 0, false, false, -1},
	[CF_ITEM] = {"ITEM", LEN_OPT, 50, 0, true, true, -1},
	[CF_VARIANT] = {"VARIANT", LEN_OPT, 50, 0, true, true, -1},
	[CF_CLASS] = {"CLASS", LEN_OPT, 50, 0, true, true, -1},
	[CF_CATEGORY] = {"CATEGORY", LEN_OPT, 50, 0, true, true, -1},
	[CF_ITEMTYPE] = {"ITEMTYPE", LEN_OPT, 50, 0, true, true, -1},
	[CF_LOTTYPE] = {"LOTTYPE", LEN_OPT, 50, 0, true, true, -1},
	[CF_SUPPLIER] = {"SUPPLIER", LEN_OPT, 50, 0, true, true, -1},
	[CF_SUPLOT] = {"SUPLOT", LEN_OPT, 50, 0, true, true, -1},
	[CF_DOC] = {"DOC", LEN_OPT, 50, 0, true, true, -1},
	[CF_YYYY] = {"YYYY", LEN_NO, 0, 4, false, true, 0},
	[CF_YY] = {"YY", LEN_NO, 0, 2, false, true, 0},
	[CF_Y] = {"Y", LEN_NO, 0, 1, false, true, 0},
	[CF_MM] = {"MM", LEN_NO, 0, 2, false, true, 0},
	[CF_DD] = {"DD", LEN_NO, 0, 2, false, true, 0},
	[CF_DDD] = {"DDD", LEN_NO, 0, 3, false, true, 0},
	[CF_WW] = {"WW", LEN_NO, 0, 2, false, true, 0},
	[CF_EYYYY] = {"EYYYY", LEN_NO, 0, 4, false, true, 1},
	[CF_EYY] = {"EYY", LEN_NO, 0, 2, false, true, 1},
	[CF_EMM] = {"EMM", LEN_NO, 0, 2, false, true, 1},
	[CF_EDD] = {"EDD", LEN_NO, 0, 2, false, true, 1},
	[CF_YL] = {"YL", LEN_NO, 0, 1, false, true, -1},
	[CF_ML] = {"ML", LEN_NO, 0, 1, false, true, -1},
	[CF_CHK] = {"CHK", LEN_NO, 0, 1, false, false, -1},
};

const char *const cf_ctx_key[CF_NCTX] = {
	"item", "variant", "class", "category", "item_type", "lot_type",
	"supplier", "supplier_lot", "doc"
};

static const char *const date_key[2] = {"start_date", "expiry_date"};
static const char *const date_name[2] = {"start date", "expiry date"};

const char *
cf_kind_name(cf_kind k)
{
	if ((int) k <= CF_LIT || (int) k >= CF_NKINDS)
		return "";
	return kinfo[k].name;
}

/* The kind named s[0..n) (any case), or CF_LIT when there is none. */
static cf_kind
kind_by_name(const char *s, size_t n)
{
	for (int k = CF_LIT + 1; k < CF_NKINDS; k++)
	{
		const char *name = kinfo[k].name;
		size_t		i;

		if (strlen(name) != n)
			continue;
		for (i = 0; i < n; i++)
		{
			unsigned char c = (unsigned char) s[i];

			if (c >= 'a' && c <= 'z')
				c = (unsigned char) (c - 'a' + 'A');
			if (c != (unsigned char) name[i])
				break;
		}
		if (i == n)
			return (cf_kind) k;
	}
	return CF_LIT;
}

/* The generic date kind (start-date family) a date kind stands for. */
static cf_kind
date_part(cf_kind k)
{
	switch (k)
	{
		case CF_EYYYY:
			return CF_YYYY;
		case CF_EYY:
			return CF_YY;
		case CF_EMM:
			return CF_MM;
		case CF_EDD:
			return CF_DD;
		default:
			return k;
	}
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

static void
err_clear(cf_error *err)
{
	err->kind = CF_OK;
	err->pos = 0;
	err->key[0] = '\0';
	err->msg[0] = '\0';
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 5, 6)))
#endif
static bool
fail(cf_error *err, cf_errkind kind, int pos, const char *key, const char *fmt,...)
{
	va_list		ap;

	err->kind = kind;
	err->pos = pos;
	err->key[0] = '\0';
	if (key)
	{
		size_t		n = strlen(key);

		if (n >= sizeof(err->key))
			n = sizeof(err->key) - 1;
		memcpy(err->key, key, n);
		err->key[n] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * A character for a message: itself quoted when it is printable ASCII (and
 * so valid in every server encoding), else a description.
 */
static const char *
show_char(unsigned char c, char buf[8])
{
	if (c > 0x20 && c < 0x7f)
	{
		buf[0] = '"';
		buf[1] = (char) c;
		buf[2] = '"';
		buf[3] = '\0';
		return buf;
	}
	if (ascii_space(c))
		return "white space";
	return "a character outside GS1 character set 82";
}

/* ------------------------------------------------------------------------
 * Calendar
 * ------------------------------------------------------------------------ */

/* A date renderable in codes: year 1-9999 and a real calendar day. */
static bool
date_ok(const cf_date *d)
{
	return d->y >= 1 && d->y <= 9999 && d->m >= 1 && d->m <= 12 &&
		d->d >= 1 && d->d <= civil_days_in_month(d->y, d->m);
}

static int
day_of_year(int y, int m, int d)
{
	int			doy = d;

	for (int i = 1; i < m; i++)
		doy += civil_days_in_month(y, i);
	return doy;
}

/* Days since 1970-01-01 (proleptic Gregorian); y may be 0. */
static long
days_from_civil(int y, int m, int d)
{
	long		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ISO weekday, Monday = 1 .. Sunday = 7. */
static int
iso_weekday(int y, int m, int d)
{
	long		z = days_from_civil(y, m, d);

	return (int) (((z % 7 + 7) % 7 + 3) % 7) + 1;
}

static int
iso_weeks_in_year(int y)
{
	int			jan1 = iso_weekday(y, 1, 1);

	return (jan1 == 4 || (jan1 == 3 && civil_is_leap(y))) ? 53 : 52;
}

static int
iso_week(int y, int m, int d)
{
	int			w = (day_of_year(y, m, d) - iso_weekday(y, m, d) + 10) / 7;

	if (w < 1)
		return iso_weeks_in_year(y - 1);
	if (w > iso_weeks_in_year(y))
		return 1;
	return w;
}

/* The number a date part renders (the date must satisfy date_ok). */
static int
date_value(cf_kind part, const cf_date *d)
{
	switch (part)
	{
		case CF_YYYY:
			return d->y;
		case CF_YY:
			return d->y % 100;
		case CF_Y:
			return d->y % 10;
		case CF_MM:
			return d->m;
		case CF_DD:
			return d->d;
		case CF_DDD:
			return day_of_year(d->y, d->m, d->d);
		case CF_WW:
			return iso_week(d->y, d->m, d->d);
		default:
			return 0;
	}
}

/* Smallest and largest value a date part may have in a code. */
static void
date_range(cf_kind part, int *lo, int *hi)
{
	*lo = 1;
	switch (part)
	{
		case CF_YYYY:
			*hi = 9999;
			break;
		case CF_YY:
			*lo = 0;
			*hi = 99;
			break;
		case CF_Y:
			*lo = 0;
			*hi = 9;
			break;
		case CF_MM:
			*hi = 12;
			break;
		case CF_DD:
			*hi = 31;
			break;
		case CF_DDD:
			*hi = 366;
			break;
		case CF_WW:
			*hi = 53;
			break;
		default:
			*hi = 0;
			break;
	}
}

/* ------------------------------------------------------------------------
 * GS1 check digit
 * ------------------------------------------------------------------------ */

/* The check digit of the digits so far (0 for none): gs1_math.h. */
int
cf_gs1_check_digit(const char *s, size_t n)
{
	return gs1_mod10(s, n);
}

/* ------------------------------------------------------------------------
 * Parser
 * ------------------------------------------------------------------------ */

typedef struct pstate
{
	const char *s;				/* the whole input (positions count from it) */
	size_t		p;				/* next byte */
	size_t		end;			/* end of the trimmed format */
	cf_format  *f;
	cf_error   *err;
	int			nlit;			/* literal characters so far */
	const char *nodigit;		/* a segment before here that never renders
								 * only digits, for CHK; NULL if none */
	char		nodigit_buf[24];
} pstate;

static int
ppos(const pstate *ps, size_t off)
{
	(void) ps;
	return (int) (off > (size_t) 0x7ffffffe ? 0x7fffffff : off + 1);
}

static bool
is_name_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		ascii_digit(c) || c == '_';
}

/* Read a name at ps->p; *len = its length (0: none). */
static const char *
read_name(pstate *ps, size_t *len)
{
	size_t		start = ps->p;

	while (ps->p < ps->end && is_name_char((unsigned char) ps->s[ps->p]))
		ps->p++;
	*len = ps->p - start;
	return ps->s + start;
}

/* Name text for a message: at most 20 characters. */
static int
shown_len(size_t n)
{
	return n > 20 ? 20 : (int) n;
}

static bool
unexpected(pstate *ps, size_t open, const char *where)
{
	char		buf[8];
	unsigned char c;

	if (ps->p >= ps->end)
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"unterminated segment (missing \"}\")");
	c = (unsigned char) ps->s[ps->p];
	if (ascii_space(c))
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"white space inside a format");
	return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
				"unexpected %s %s", show_char(c, buf), where);
}

/* |ROOT list; ps->p is just after the '|'.  Consumes the closing '}'. */
static bool
parse_root(pstate *ps, cf_seg *seg, size_t open)
{
	seg->root_given = true;
	seg->nroot = 0;
	if (ps->p < ps->end && ps->s[ps->p] == '}')
	{
		ps->p++;
		return true;			/* {SEQ:6|}: one counter for everything */
	}
	for (;;)
	{
		size_t		at = ps->p;
		size_t		n;
		const char *name = read_name(ps, &n);
		cf_kind		k;

		if (n == 0)
		{
			if (ps->p >= ps->end)
				return unexpected(ps, open, "");
			if (ps->s[ps->p] == ',' || ps->s[ps->p] == '}')
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
							"missing root name");
			return unexpected(ps, open, "in root list");
		}
		k = kind_by_name(name, n);
		if (k == CF_LIT)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"unknown root name \"%.*s\"", shown_len(n), name);
		if (!kinfo[k].rootable)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"%s cannot be part of a counter root (root names are context and date segments, YL and ML)",
						kinfo[k].name);
		for (int i = 0; i < seg->nroot; i++)
			if (seg->root[i] == k)
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
							"duplicate root name \"%s\"", kinfo[k].name);
		/* cannot overflow: no duplicates, and CF_MAX_ROOT rootable kinds */
		if (seg->nroot >= CF_MAX_ROOT)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"too many root names");
		seg->root[seg->nroot++] = (uint8_t) k;

		if (ps->p >= ps->end)
			return unexpected(ps, open, "");
		if (ps->s[ps->p] == '}')
		{
			ps->p++;
			return true;
		}
		if (ps->s[ps->p] != ',')
			return unexpected(ps, open, "in root list (expected \",\" or \"}\")");
		ps->p++;
	}
}

/* A segment; ps->p is at its '{'. */
static bool
parse_segment(pstate *ps)
{
	cf_format  *f = ps->f;
	size_t		open = ps->p;
	size_t		n,
				at;
	const char *name;
	cf_kind		k;
	const cf_kinfo *ki;
	cf_seg		seg;
	int			minlen;

	memset(&seg, 0, sizeof(seg));
	seg.fill = '0';
	ps->p++;
	at = ps->p;
	name = read_name(ps, &n);
	if (n == 0)
	{
		if (ps->p >= ps->end || ps->s[ps->p] == ':' || ps->s[ps->p] == '|' ||
			ps->s[ps->p] == '}')
		{
			if (ps->p >= ps->end)
				return unexpected(ps, open, "");
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"missing segment name");
		}
		return unexpected(ps, open, "in segment name");
	}
	k = kind_by_name(name, n);
	if (k == CF_LIT)
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
					"unknown segment name \"%.*s\"", shown_len(n), name);
	ki = &kinfo[k];
	seg.kind = (uint8_t) k;

	/* :LEN[:FILL] */
	if (ps->p < ps->end && ps->s[ps->p] == ':')
	{
		unsigned	len = 0;
		size_t		digits;

		if (ki->lenrule == LEN_NO)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"LEN not allowed for %s (it has a fixed length)", ki->name);
		ps->p++;
		at = ps->p;
		while (ps->p < ps->end && ascii_digit((unsigned char) ps->s[ps->p]))
		{
			if (len < 1000)
				len = len * 10 + (unsigned) (ps->s[ps->p] - '0');
			ps->p++;
		}
		digits = ps->p - at;
		if (digits == 0)
		{
			if (ps->p >= ps->end)
				return unexpected(ps, open, "");
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"missing LEN after \":\" (LEN is a number)");
		}
		if (len < 1 || len > ki->lenmax)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"LEN %.*s out of range for %s (1-%d)",
						shown_len(digits), ps->s + at, ki->name, ki->lenmax);
		seg.len = (uint8_t) len;

		if (ps->p < ps->end && ps->s[ps->p] == ':')
		{
			unsigned char c;

			if (!ki->fill)
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"FILL not allowed for %s", ki->name);
			ps->p++;
			if (ps->p >= ps->end)
				return unexpected(ps, open, "");
			c = (unsigned char) ps->s[ps->p];
			if (c == '}' || c == '|')
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"missing FILL after \":\"");
			if (!cset82_char(c))
			{
				if (c > 0x20 && c < 0x7f)
					return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
								"invalid FILL \"%c\" (FILL is one character of GS1 character set 82)",
								(char) c);
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"invalid FILL (FILL is one character of GS1 character set 82)");
			}
			seg.fill = (char) c;
			ps->p++;
			if (ps->p < ps->end && ps->s[ps->p] != '}' && ps->s[ps->p] != '|')
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"FILL must be a single character");
		}
	}
	else if (ps->p >= ps->end ||
			 (ps->s[ps->p] != '|' && ps->s[ps->p] != '}'))
		return unexpected(ps, open, "in segment (expected \":\", \"|\" or \"}\")");
	else if (ki->lenrule == LEN_REQ)
	{
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"missing LEN for %s (write {%s:LEN})", ki->name, ki->name);
	}

	/* |ROOT or the end */
	if (ps->p < ps->end && ps->s[ps->p] == '|')
	{
		if (!cf_is_counter(k))
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"|ROOT is only allowed on SEQ and ALPHA, not on %s", ki->name);
		ps->p++;
		if (!parse_root(ps, &seg, open))
			return false;
	}
	else if (ps->p < ps->end && ps->s[ps->p] == '}')
		ps->p++;
	else
		return unexpected(ps, open, "in segment (expected \":\", \"|\" or \"}\")");

	/* rules that look at the whole format so far */
	if (cf_is_counter(k) && f->counter >= 0)
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"second counter %s (a format has at most one SEQ or ALPHA)",
					ki->name);
	if (k == CF_CHK)
	{
		if (f->nseg == 0)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
						"CHK at the start of the format (it is the check digit of the digits before it)");
		if (ps->nodigit)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
						"CHK after %s, which is never all digits (CHK needs only digits before it)",
						ps->nodigit);
	}
	minlen = seg.len ? seg.len : (ki->fixed ? ki->fixed : 1);
	if (f->minlen + minlen > CF_MAX_CODE)
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"codes would be longer than %d characters (at least %d)",
					CF_MAX_CODE, f->minlen + minlen);
	if (f->nseg >= CF_MAX_SEGS)	/* cannot happen: minlen >= 1 each */
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"too many segments");

	if (!ps->nodigit)
	{
		if (k == CF_ALPHA || k == CF_RAND || k == CF_YL || k == CF_ML)
			ps->nodigit = ki->name;
		else if (k == CF_SEQ && !ascii_digit((unsigned char) seg.fill))
		{
			snprintf(ps->nodigit_buf, sizeof(ps->nodigit_buf),
					 "SEQ with FILL \"%c\"", seg.fill);
			ps->nodigit = ps->nodigit_buf;
		}
	}
	f->minlen += minlen;
	if (cf_is_counter(k))
		f->counter = f->nseg;
	if (cf_is_context(k) && seg.len == 0)
		f->nvar++;
	f->seg[f->nseg++] = seg;
	return true;
}

/* A literal character at ps->p. */
static bool
parse_literal(pstate *ps)
{
	cf_format  *f = ps->f;
	unsigned char c = (unsigned char) ps->s[ps->p];
	cf_seg	   *last;

	if (!cset82_char(c))
	{
		char		buf[8];

		if (c == '}')
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"unexpected \"}\" (no segment is open)");
		if (ascii_space(c))
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"white space inside a format");
		if (c > 0x20 && c < 0x7f)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"invalid character %s in a literal (literals are GS1 character set 82)",
						show_char(c, buf));
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"character outside GS1 character set 82 in a literal");
	}
	/* literal characters count towards minlen, so nlit < CF_MAX_CODE here */
	if (f->minlen + 1 > CF_MAX_CODE || ps->nlit >= CF_MAX_CODE)
		return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"codes would be longer than %d characters (at least %d)",
					CF_MAX_CODE, f->minlen + 1);
	last = f->nseg > 0 ? &f->seg[f->nseg - 1] : NULL;
	if (last == NULL || last->kind != CF_LIT)
	{
		if (f->nseg >= CF_MAX_SEGS)
			return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"too many segments");
		last = &f->seg[f->nseg++];
		memset(last, 0, sizeof(*last));
		last->kind = CF_LIT;
		last->fill = '0';
		last->lit_off = (uint8_t) ps->nlit;
	}
	f->lit[ps->nlit++] = (char) c;
	last->len++;
	f->minlen++;
	if (!ascii_digit(c) && !ps->nodigit)
	{
		snprintf(ps->nodigit_buf, sizeof(ps->nodigit_buf),
				 "the literal \"%c\"", (char) c);
		ps->nodigit = ps->nodigit_buf;
	}
	ps->p++;
	return true;
}

/*
 * Work out what the matcher needs to know about the dates (which parts are
 * checked against each other) and the uses_* flags.
 *
 * A date's parts are checked together when they constrain each other: DD
 * with MM (and YYYY / YY for February 29), DDD with YYYY / YY (day 366).
 * The matcher memoises failures per (segment, position) at variable-length
 * segments; that is only sound when the date parts captured before a
 * variable segment sit at a fixed distance from it.  So between the first
 * and the last checked part of one date there may be at most one
 * variable-length segment (see cf_match).
 */
static bool
analyse(pstate *ps, const size_t *segpos)
{
	cf_format  *f = ps->f;

	for (int g = 0; g < 2; g++)
	{
		bool		dd = false,
					mm = false,
					yr = false,
					ddd = false;
		int			first = -1,
					last = -1,
					nvar = 0;

		for (int i = 0; i < f->nseg; i++)
		{
			cf_kind		k = (cf_kind) f->seg[i].kind;

			if (kinfo[k].date != g)
				continue;
			switch (date_part(k))
			{
				case CF_DD:
					dd = true;
					break;
				case CF_MM:
					mm = true;
					break;
				case CF_YYYY:
				case CF_YY:
					yr = true;
					break;
				case CF_DDD:
					ddd = true;
					break;
				default:
					break;
			}
		}
		for (int i = 0; i < f->nseg; i++)
		{
			cf_kind		k = (cf_kind) f->seg[i].kind;
			cf_kind		part = date_part(k);
			bool		in = false;

			if (kinfo[k].date != g)
				continue;
			if (dd && mm && (part == CF_DD || part == CF_MM ||
							 part == CF_YYYY || part == CF_YY))
				in = true;
			if (ddd && yr && (part == CF_DDD || part == CF_YYYY || part == CF_YY))
				in = true;
			if (!in)
				continue;
			f->seg[i].datechk |= (uint8_t) (1 << g);
			if (first < 0)
				first = i;
			last = i;
		}
		if (last < 0)
			continue;
		f->seg[last].closes |= (uint8_t) (1 << g);
		for (int i = first + 1; i < last; i++)
		{
			const cf_seg *s = &f->seg[i];

			if (cf_is_context(s->kind) && s->len == 0 && ++nvar > 1)
				return fail(ps->err, CF_ERR_SYNTAX, ppos(ps, segpos[i]), NULL,
							"%s without LEN is a second variable-length segment between the parts of the %s (at most one is allowed; give it a LEN)",
							kinfo[s->kind].name, date_name[g]);
		}
	}

	for (int i = 0; i < f->nseg; i++)
	{
		const cf_seg *s = &f->seg[i];
		int			nk = cf_is_counter(s->kind) ? s->nroot : 0;

		for (int j = -1; j < nk; j++)
		{
			cf_kind		k = (cf_kind) (j < 0 ? s->kind : s->root[j]);

			if (cf_is_context(k))
				f->ctx_used |= (uint32_t) 1 << (k - CF_ITEM);
			if (kinfo[k].date == 0 || k == CF_YL || k == CF_ML)
				f->uses_start = true;
			if (kinfo[k].date == 1)
				f->uses_expiry = true;
			if (k == CF_YL || k == CF_ML)
				f->uses_letters = true;
		}
	}
	return true;
}

bool
cf_parse(const char *s, size_t n, cf_format *out, cf_error *err)
{
	pstate		ps;
	size_t		segpos[CF_MAX_SEGS];
	size_t		start = 0;

	memset(out, 0, sizeof(*out));
	out->counter = -1;
	err_clear(err);
	if (s == NULL)
		n = 0;
	while (start < n && ascii_space((unsigned char) s[start]))
		start++;
	while (n > start && ascii_space((unsigned char) s[n - 1]))
		n--;
	if (start == n)
		return fail(err, CF_ERR_SYNTAX, 1, NULL, "empty format");

	memset(&ps, 0, sizeof(ps));
	ps.s = s;
	ps.p = start;
	ps.end = n;
	ps.f = out;
	ps.err = err;
	while (ps.p < ps.end)
	{
		int			before = out->nseg;
		size_t		at = ps.p;
		bool		ok;

		if (s[ps.p] == '{')
			ok = parse_segment(&ps);
		else
			ok = parse_literal(&ps);
		if (!ok)
			return false;
		if (out->nseg > before)
			segpos[out->nseg - 1] = at;
	}
	return analyse(&ps, segpos);
}

/* ------------------------------------------------------------------------
 * Canonical text
 * ------------------------------------------------------------------------ */

typedef struct pbuf
{
	char	   *buf;
	size_t		size;
	size_t		n;				/* length so far (may exceed size) */
} pbuf;

static void
pb_putc(pbuf *b, char c)
{
	if (b->n + 1 < b->size)
		b->buf[b->n] = c;
	b->n++;
}

static void
pb_puts(pbuf *b, const char *s)
{
	while (*s)
		pb_putc(b, *s++);
}

static void
pb_putu(pbuf *b, unsigned v)
{
	char		t[12];
	int			k = 0;

	do
	{
		t[k++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v && k < (int) sizeof(t));
	while (k > 0)
		pb_putc(b, t[--k]);
}

size_t
cf_print(const cf_format *f, char *buf, size_t bufsize)
{
	pbuf		b = {buf, bufsize, 0};
	int			nseg = f->nseg < 0 ? 0 : f->nseg > CF_MAX_SEGS ? CF_MAX_SEGS : f->nseg;

	for (int i = 0; i < nseg; i++)
	{
		const cf_seg *s = &f->seg[i];

		if (s->kind == CF_LIT)
		{
			for (int j = 0; j < s->len && s->lit_off + j < CF_MAX_CODE; j++)
				pb_putc(&b, f->lit[s->lit_off + j]);
			continue;
		}
		pb_putc(&b, '{');
		pb_puts(&b, cf_kind_name((cf_kind) s->kind));
		if (s->len)
		{
			pb_putc(&b, ':');
			pb_putu(&b, s->len);
			if (s->fill != '0')
			{
				pb_putc(&b, ':');
				pb_putc(&b, s->fill);
			}
		}
		if (s->root_given)
		{
			pb_putc(&b, '|');
			for (int j = 0; j < s->nroot && j < CF_MAX_ROOT; j++)
			{
				if (j > 0)
					pb_putc(&b, ',');
				pb_puts(&b, cf_kind_name((cf_kind) s->root[j]));
			}
		}
		pb_putc(&b, '}');
	}
	if (bufsize > 0)
		buf[b.n < bufsize ? b.n : bufsize - 1] = '\0';
	return b.n;
}

/* ------------------------------------------------------------------------
 * Rendering and the counter root
 * ------------------------------------------------------------------------ */

static const cf_context empty_ctx;

typedef struct obuf
{
	char	   *buf;
	size_t		n;
	size_t		cap;			/* characters that fit */
	bool		root;			/* building a counter root */
} obuf;

static bool
ob_put(obuf *o, const char *s, size_t len, cf_error *err)
{
	if (len > o->cap - o->n)
	{
		if (o->root)
			return fail(err, CF_ERR_CODE, 0, NULL,
						"counter root longer than %d characters", (int) o->cap);
		return fail(err, CF_ERR_CODE, 0, NULL,
					"code longer than %d characters", CF_MAX_CODE);
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
	return true;
}

/* v as a decimal of exactly width digits (v >= 0 and fits). */
static void
put_digits(char *out, int64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--)
	{
		out[i] = (char) ('0' + v % 10);
		v /= 10;
	}
}

static bool
missing_key(cf_error *err, const char *key)
{
	return fail(err, CF_ERR_MISSING, 0, key, "context key \"%s\" is missing", key);
}

/* The context value of kind k, or false (and an error) when it is absent. */
static bool
ctx_value(const cf_context *ctx, cf_kind k, const char **v, size_t *vlen,
		  cf_error *err)
{
	int			i = k - CF_ITEM;

	*v = ctx->val[i];
	*vlen = ctx->val[i] ? ctx->len[i] : 0;
	if (*v == NULL)
		return missing_key(err, cf_ctx_key[i]);
	return true;
}

/* Check that v[0..n) is set-82 text for a code. */
static bool
ctx_chars_ok(const char *v, size_t n, cf_kind k, cf_error *err)
{
	const char *key = cf_ctx_key[k - CF_ITEM];

	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) v[i];

		if (cset82_char(c))
			continue;
		if (c > 0x20 && c < 0x7f)
			return fail(err, CF_ERR_VALUE, 0, key,
						"context value \"%s\" contains \"%c\", which is not in GS1 character set 82",
						key, (char) c);
		if (ascii_space(c))
			return fail(err, CF_ERR_VALUE, 0, key,
						"context value \"%s\" contains white space, which is not allowed in codes",
						key);
		return fail(err, CF_ERR_VALUE, 0, key,
					"context value \"%s\" contains a character outside GS1 character set 82",
					key);
	}
	return true;
}

/* The date of group g, or false when it is missing or out of range. */
static bool
ctx_date(const cf_context *ctx, int g, const cf_date **d, cf_error *err)
{
	*d = g == 0 ? &ctx->start : &ctx->expiry;
	if ((*d)->y == 0)
		return missing_key(err, date_key[g]);
	if (!date_ok(*d))
		return fail(err, CF_ERR_VALUE, 0, date_key[g],
					"%s %04d-%02d-%02d cannot be used in codes (years 1-9999)",
					date_key[g], (*d)->y, (*d)->m, (*d)->d);
	return true;
}

/* The year or month letter. */
static bool
ctx_letter(const cf_context *ctx, cf_kind k, char *c, cf_error *err)
{
	const cf_date *d;

	if (!ctx_date(ctx, 0, &d, err))
		return false;
	*c = k == CF_YL ? ctx->year_letter : ctx->month_letter;
	if (*c == 0)
	{
		if (k == CF_YL)
			return fail(err, CF_ERR_MISSING, 0, "year_letter",
						"no letter for year %d in table lottrace.year_letter", d->y);
		return fail(err, CF_ERR_MISSING, 0, "month_letter",
					"no letter for month %d in table lottrace.month_letter", d->m);
	}
	if (*c < 'A' || *c > 'Z')
		return fail(err, CF_ERR_VALUE, 0, k == CF_YL ? "year_letter" : "month_letter",
					"the %s letter must be one letter A-Z",
					k == CF_YL ? "year" : "month");
	return true;
}

/* Append date part k of its date. */
static bool
put_date(obuf *o, const cf_context *ctx, cf_kind k, cf_error *err)
{
	const cf_date *d;
	char		t[4];
	int			w = kinfo[k].fixed;

	if (!ctx_date(ctx, kinfo[k].date, &d, err))
		return false;
	put_digits(t, date_value(date_part(k), d), w);
	return ob_put(o, t, (size_t) w, err);
}

/*
 * Append segment i.  In a root (o->root) the counter, RAND and CHK are left
 * out.
 */
static bool
render_seg(const cf_format *f, int i, const cf_context *ctx, int64_t seq,
		   int (*rand_fn) (void *arg), void *rand_arg, obuf *o, cf_error *err)
{
	const cf_seg *s = &f->seg[i];
	cf_kind		k = (cf_kind) s->kind;
	char		t[CF_MAX_CODE];

	if (o->root && (cf_is_counter(k) || k == CF_RAND || k == CF_CHK))
		return true;
	switch (k)
	{
		case CF_LIT:
			if (s->lit_off + s->len > CF_MAX_CODE)
				return fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
			return ob_put(o, f->lit + s->lit_off, s->len, err);

		case CF_SEQ:
		case CF_ALPHA:
			{
				int64_t		max = cf_counter_max(f);
				int			w = s->len;

				if (seq < 0 || seq > max)
					return fail(err, CF_ERR_OVERFLOW, 0, NULL,
								"counter value %lld does not fit %s:%d (0 to %lld)",
								(long long) seq, kinfo[k].name, w, (long long) max);
				if (k == CF_ALPHA)
				{
					for (int j = w - 1; j >= 0; j--)
					{
						t[j] = (char) ('A' + seq % 26);
						seq /= 26;
					}
				}
				else
				{
					int			nd = 0;
					int64_t		v = seq;

					do
					{
						nd++;
						v /= 10;
					} while (v);
					memset(t, s->fill, (size_t) (w - nd));
					put_digits(t + (w - nd), seq, nd);
				}
				return ob_put(o, t, (size_t) w, err);
			}

		case CF_RAND:
			if (rand_fn == NULL)
				return fail(err, CF_ERR_VALUE, 0, NULL, "no random source for RAND");
			for (int j = 0; j < s->len; j++)
			{
				int			r = rand_fn(rand_arg) % 36;

				if (r < 0)
					r += 36;
				t[j] = (char) (r < 10 ? '0' + r : 'A' + r - 10);
			}
			return ob_put(o, t, s->len, err);

		case CF_YYYY:
		case CF_YY:
		case CF_Y:
		case CF_MM:
		case CF_DD:
		case CF_DDD:
		case CF_WW:
		case CF_EYYYY:
		case CF_EYY:
		case CF_EMM:
		case CF_EDD:
			return put_date(o, ctx, k, err);

		case CF_YL:
		case CF_ML:
			{
				char		c;

				if (!ctx_letter(ctx, k, &c, err))
					return false;
				return ob_put(o, &c, 1, err);
			}

		case CF_CHK:
			{
				int			cd = cf_gs1_check_digit(o->buf, o->n);
				char		c;

				if (cd < 0 && o->n > 0)
				{
					size_t		j = 0;
					char		buf[8];

					while (j + 1 < o->n && ascii_digit((unsigned char) o->buf[j]))
						j++;
					return fail(err, CF_ERR_VALUE, 0, NULL,
								"CHK needs only digits before it, but character %d of the code is %s",
								(int) j + 1, show_char((unsigned char) o->buf[j], buf));
				}
				c = (char) ('0' + (cd < 0 ? 0 : cd));
				return ob_put(o, &c, 1, err);
			}

		default:
			if (cf_is_context(k))
			{
				const char *v;
				size_t		vlen;

				if (!ctx_value(ctx, k, &v, &vlen, err))
					return false;
				if (s->len == 0)
				{
					if (vlen == 0)
						return fail(err, CF_ERR_VALUE, 0, cf_ctx_key[k - CF_ITEM],
									"context value \"%s\" is empty",
									cf_ctx_key[k - CF_ITEM]);
					if (!ctx_chars_ok(v, vlen, k, err))
						return false;
					return ob_put(o, v, vlen, err);
				}
				if (vlen >= s->len)
				{
					if (!ctx_chars_ok(v, s->len, k, err))
						return false;
					return ob_put(o, v, s->len, err);
				}
				if (!ctx_chars_ok(v, vlen, k, err))
					return false;
				memset(t, s->fill, s->len - vlen);
				memcpy(t + (s->len - vlen), v, vlen);
				return ob_put(o, t, s->len, err);
			}
			return fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
	}
}

bool
cf_render(const cf_format *f, const cf_context *ctx, int64_t seq,
		  int (*rand_fn) (void *arg), void *rand_arg,
		  char *out, size_t *outlen, cf_error *err)
{
	obuf		o = {out, 0, CF_MAX_CODE, false};

	err_clear(err);
	*outlen = 0;
	out[0] = '\0';
	if (ctx == NULL)
		ctx = &empty_ctx;
	for (int i = 0; i < f->nseg && i < CF_MAX_SEGS; i++)
		if (!render_seg(f, i, ctx, seq, rand_fn, rand_arg, &o, err))
			return false;
	out[o.n] = '\0';
	*outlen = o.n;
	return true;
}

bool
cf_root(const cf_format *f, const cf_context *ctx,
		char *out, size_t *outlen, cf_error *err)
{
	obuf		o = {out, 0, CF_TEXT_MAX - 1, true};
	const cf_seg *cs = f->counter >= 0 && f->counter < CF_MAX_SEGS ?
		&f->seg[f->counter] : NULL;

	err_clear(err);
	*outlen = 0;
	out[0] = '\0';
	if (ctx == NULL)
		ctx = &empty_ctx;
	if (cs == NULL || !cs->root_given)
	{
		for (int i = 0; i < f->nseg && i < CF_MAX_SEGS; i++)
			if (!render_seg(f, i, ctx, 0, NULL, NULL, &o, err))
				return false;
	}
	else
	{
		for (int j = 0; j < cs->nroot && j < CF_MAX_ROOT; j++)
		{
			cf_kind		k = (cf_kind) cs->root[j];

			if (j > 0 && !ob_put(&o, "|", 1, err))
				return false;
			if (cf_is_context(k))
			{
				const char *v;
				size_t		vlen;

				/* the raw value; '\' and '|' escaped so the join is unambiguous */
				if (!ctx_value(ctx, k, &v, &vlen, err))
					return false;
				for (size_t x = 0; x < vlen; x++)
				{
					if ((v[x] == '\\' || v[x] == '|') && !ob_put(&o, "\\", 1, err))
						return false;
					if (!ob_put(&o, v + x, 1, err))
						return false;
				}
			}
			else if (k == CF_YL || k == CF_ML)
			{
				char		c;

				if (!ctx_letter(ctx, k, &c, err) || !ob_put(&o, &c, 1, err))
					return false;
			}
			else if (kinfo[k].date >= 0)
			{
				if (!put_date(&o, ctx, k, err))
					return false;
			}
			else
				return fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
		}
	}
	out[o.n] = '\0';
	*outlen = o.n;
	return true;
}

int64_t
cf_counter_max(const cf_format *f)
{
	const cf_seg *s;
	int64_t		max = 1;
	int			base;

	if (f->counter < 0 || f->counter >= CF_MAX_SEGS)
		return -1;
	s = &f->seg[f->counter];
	base = s->kind == CF_ALPHA ? 26 : 10;
	/* LEN <= 18 digits or 10 letters: fits in int64 */
	for (int i = 0; i < s->len && i < (base == 26 ? 10 : 18); i++)
		max *= base;
	return max - 1;
}

int64_t
cf_alpha_value(const char *s, size_t n)
{
	int64_t		v = 0;

	if (s == NULL || n < 1 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (s[i] < 'A' || s[i] > 'Z')
			return -1;
		v = v * 26 + (s[i] - 'A');
	}
	return v;
}

/* ------------------------------------------------------------------------
 * Matcher
 *
 * The code is first checked as a whole (1-50 characters of set 82: every
 * segment renders set-82 text, so a variable-length segment without a
 * context value matches any non-empty run).  Then segments are matched left
 * to right; fixed-length segments in a loop, and a variable-length segment
 * tries every length it can have, recursing for the rest.  A failure from
 * (variable segment i, position pos) is remembered in memo[i], so each such
 * state is explored once: O(segments * 51 * 51) steps at most.
 *
 * Dates are the only thing one segment's match depends on from another:
 * DD is checked against MM and the year when the last of them is matched
 * (datechk/closes, set up by analyse()).  The memo is sound because the
 * parser allows at most one variable-length segment between the checked
 * parts of one date, so at a variable segment the date parts captured
 * before it lie at fixed distances from it: (i, pos) determines them.
 * ------------------------------------------------------------------------ */

typedef struct mstate
{
	const cf_format *f;
	const unsigned char *code;
	int			n;
	const cf_context *ctx;
	bool		dgiven[2];		/* the date is in ctx: parts must equal it */
	int			digits;			/* length of the code's leading digit run */
	int8_t		slen[CF_MAX_SEGS];	/* segment length, or -1: variable */
	bool		fixedrest[CF_MAX_SEGS + 1];	/* segments i.. all fixed */
	uint8_t		minrest[CF_MAX_SEGS + 1];	/* shortest text for segments i.. */
	int16_t		cap[CF_MAX_SEGS];	/* date part values captured */
	uint64_t	memo[CF_MAX_SEGS];	/* bit pos: no match from (i, pos) */
} mstate;

/* SEQ: FILL* then a canonical decimal (no leading zero), len in all. */
static bool
seq_ok(const unsigned char *c, int len, char fill)
{
	for (int k = 0; k < len; k++)
	{
		const unsigned char *d = c + k;
		int			nd = len - k;
		int			j;

		if (k > 0 && c[k - 1] != (unsigned char) fill)
			return false;
		if (d[0] == '0' && nd > 1)
			continue;
		for (j = 0; j < nd && ascii_digit(d[j]); j++)
			;
		if (j == nd)
			return true;
	}
	return false;
}

/* The cross-check of date g, whose last checked part is segment upto. */
static bool
date_check(const mstate *m, int upto, int g)
{
	const cf_format *f = m->f;
	int			maxday = 0,
				maxdoy = 0;
	int			dimleap = 31,	/* shortest month: days in a leap year */
				dimplain = 31;	/* ... and in a common year */
	bool		month = false,
				year = false,
				common = false;

	for (int i = 0; i <= upto; i++)
	{
		int			v = m->cap[i];

		if (!(f->seg[i].datechk & (1 << g)))
			continue;
		switch (date_part((cf_kind) f->seg[i].kind))
		{
			case CF_DD:
				if (v > maxday)
					maxday = v;
				break;
			case CF_DDD:
				if (v > maxdoy)
					maxdoy = v;
				break;
			case CF_MM:
				month = true;
				if (civil_days_in_month(2000, v) < dimleap)
					dimleap = civil_days_in_month(2000, v);
				if (civil_days_in_month(2001, v) < dimplain)
					dimplain = civil_days_in_month(2001, v);
				break;
			case CF_YYYY:
				year = true;
				if (!civil_is_leap(v))
					common = true;
				break;
			case CF_YY:
				year = true;
				if (!civil_is_leap(2000 + v))
					common = true;
				break;
			default:
				break;
		}
	}
	/* without a year (or with Y only), February 29 is allowed */
	if (month && maxday > (year && common ? dimplain : dimleap))
		return false;
	if (year && common && maxdoy > 365)
		return false;
	return true;
}

/* Does fixed-length segment i match at pos? */
static bool
seg_ok(mstate *m, int i, int pos)
{
	const cf_format *f = m->f;
	const cf_seg *s = &f->seg[i];
	cf_kind		k = (cf_kind) s->kind;
	const unsigned char *c = m->code + pos;
	int			len = m->slen[i];

	switch (k)
	{
		case CF_LIT:
			return s->lit_off + len <= CF_MAX_CODE &&
				memcmp(c, f->lit + s->lit_off, (size_t) len) == 0;

		case CF_SEQ:
			return seq_ok(c, len, s->fill);

		case CF_ALPHA:
			for (int j = 0; j < len; j++)
				if (c[j] < 'A' || c[j] > 'Z')
					return false;
			return true;

		case CF_RAND:
			for (int j = 0; j < len; j++)
				if (!ascii_digit(c[j]) && (c[j] < 'A' || c[j] > 'Z'))
					return false;
			return true;

		case CF_YL:
		case CF_ML:
			return c[0] >= 'A' && c[0] <= 'Z';

		case CF_CHK:
			return pos <= m->digits &&
				c[0] == (unsigned char) ('0' + cf_gs1_check_digit((const char *) m->code, (size_t) pos));

		case CF_YYYY:
		case CF_YY:
		case CF_Y:
		case CF_MM:
		case CF_DD:
		case CF_DDD:
		case CF_WW:
		case CF_EYYYY:
		case CF_EYY:
		case CF_EMM:
		case CF_EDD:
			{
				int			g = kinfo[k].date;
				cf_kind		part = date_part(k);
				int			v = 0,
							lo,
							hi;

				for (int j = 0; j < len; j++)
				{
					if (!ascii_digit(c[j]))
						return false;
					v = v * 10 + (c[j] - '0');
				}
				if (m->dgiven[g])
				{
					const cf_date *d = g == 0 ? &m->ctx->start : &m->ctx->expiry;

					return date_ok(d) && v == date_value(part, d);
				}
				date_range(part, &lo, &hi);
				if (v < lo || v > hi)
					return false;
				m->cap[i] = (int16_t) v;
				return true;
			}

		default:
			if (cf_is_context(k))
			{
				const char *v = m->ctx->val[k - CF_ITEM];
				size_t		vlen = m->ctx->len[k - CF_ITEM];

				if (v == NULL)
					return true;	/* any set-82 text (checked up front) */
				if (s->len == 0)
					return (size_t) len == vlen && memcmp(c, v, vlen) == 0;
				if (vlen >= s->len)
					return memcmp(c, v, s->len) == 0;
				for (int j = 0; j < (int) (s->len - vlen); j++)
					if (c[j] != (unsigned char) s->fill)
						return false;
				return memcmp(c + (s->len - vlen), v, vlen) == 0;
			}
			return false;
	}
}

static bool
match_from(mstate *m, int i, int pos)
{
	const cf_format *f = m->f;

	while (i < f->nseg)
	{
		if (m->slen[i] < 0)
		{
			int			maxlen = m->n - pos - m->minrest[i + 1];

			if (maxlen < 1 || (m->memo[i] >> pos) & 1)
				return false;
			for (int l = m->fixedrest[i + 1] ? maxlen : 1; l <= maxlen; l++)
				if (match_from(m, i + 1, pos + l))
					return true;
			m->memo[i] |= (uint64_t) 1 << pos;
			return false;
		}
		if (pos + m->slen[i] + m->minrest[i + 1] > m->n)
			return false;
		if (!seg_ok(m, i, pos))
			return false;
		if (f->seg[i].closes)
		{
			for (int g = 0; g < 2; g++)
				if ((f->seg[i].closes & (1 << g)) && !m->dgiven[g] &&
					!date_check(m, i, g))
					return false;
		}
		pos += m->slen[i];
		i++;
	}
	return pos == m->n;
}

bool
cf_match(const cf_format *f, const char *code, size_t n,
		 const cf_context *ctx)
{
	mstate		m;
	int			nseg;

	if (f == NULL || code == NULL || n < 1 || n > CF_MAX_CODE)
		return false;
	nseg = f->nseg;
	if (nseg < 1 || nseg > CF_MAX_SEGS || n < (size_t) f->minlen)
		return false;
	for (size_t j = 0; j < n; j++)
		if (!cset82_char((unsigned char) code[j]))
			return false;

	m.f = f;
	m.code = (const unsigned char *) code;
	m.n = (int) n;
	m.ctx = ctx ? ctx : &empty_ctx;
	m.dgiven[0] = m.ctx->start.y != 0;
	m.dgiven[1] = m.ctx->expiry.y != 0;
	for (m.digits = 0; m.digits < m.n && ascii_digit(m.code[m.digits]); m.digits++)
		;

	m.minrest[nseg] = 0;
	m.fixedrest[nseg] = true;
	for (int i = nseg - 1; i >= 0; i--)
	{
		const cf_seg *s = &f->seg[i];
		cf_kind		k = (cf_kind) s->kind;
		int			len;

		if (kinfo[k].fixed)
			len = kinfo[k].fixed;
		else if (!cf_is_context(k) || s->len)
			len = s->len;
		else if (m.ctx->val[k - CF_ITEM] == NULL)
			len = -1;
		else if (m.ctx->len[k - CF_ITEM] < 1 || m.ctx->len[k - CF_ITEM] > CF_MAX_CODE)
			return false;		/* render would fail or be too long */
		else
			len = (int) m.ctx->len[k - CF_ITEM];
		if (len == 0)
			return false;		/* corrupt format */
		m.slen[i] = (int8_t) len;
		m.fixedrest[i] = len > 0 && m.fixedrest[i + 1];
		m.minrest[i] = (uint8_t) (m.minrest[i + 1] + (len < 0 ? 1 : len));
		if (m.minrest[i] > n)
			return false;
		if (len < 0)
			m.memo[i] = 0;
	}
	return match_from(&m, 0, 0);
}
