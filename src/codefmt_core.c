/*
 * codefmt_core.c — the code-type format language: segment kinds, errors,
 * the parser and the canonical printer.  Rendering, the counter root and
 * the matcher are in codefmt_render.c (shared declarations in
 * codefmt_int.h).
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
#include "codefmt_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"
#include "codefmt_int.h"

/* ------------------------------------------------------------------------
 * Segment kinds
 * ------------------------------------------------------------------------ */

enum
{
	LEN_NO,						/* LEN not allowed */
	LEN_OPT,					/* LEN optional */
	LEN_REQ						/* LEN required */
};


const cf_kinfo cfi_kinfo[CF_NKINDS] = {
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

const char *const cfi_date_key[2] = {"start_date", "expiry_date"};
static const char *const date_name[2] = {"start date", "expiry date"};

const char *
cf_kind_name(cf_kind k)
{
	if ((int) k <= CF_LIT || (int) k >= CF_NKINDS)
		return "";
	return cfi_kinfo[k].name;
}

/* The kind named s[0..n) (any case), or CF_LIT when there is none. */
static cf_kind
kind_by_name(const char *s, size_t n)
{
	for (int k = CF_LIT + 1; k < CF_NKINDS; k++)
	{
		const char *name = cfi_kinfo[k].name;
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
cf_kind
cfi_date_part(cf_kind k)
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

void
cfi_err_clear(cf_error *err)
{
	err->kind = CF_OK;
	err->pos = 0;
	err->key[0] = '\0';
	err->msg[0] = '\0';
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 5, 6)))
#endif
bool
cfi_fail(cf_error *err, cf_errkind kind, int pos, const char *key, const char *fmt,...)
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
const char *
cfi_show_char(unsigned char c, char buf[8])
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
bool
cfi_date_ok(const cf_date *d)
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

/* The number a date part renders (the date must satisfy cfi_date_ok). */
int
cfi_date_value(cf_kind part, const cf_date *d)
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
void
cfi_date_range(cf_kind part, int *lo, int *hi)
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
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"unterminated segment (missing \"}\")");
	c = (unsigned char) ps->s[ps->p];
	if (ascii_space(c))
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"white space inside a format");
	return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
				"unexpected %s %s", cfi_show_char(c, buf), where);
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
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
							"missing root name");
			return unexpected(ps, open, "in root list");
		}
		k = kind_by_name(name, n);
		if (k == CF_LIT)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"unknown root name \"%.*s\"", shown_len(n), name);
		if (!cfi_kinfo[k].rootable)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"%s cannot be part of a counter root (root names are context and date segments, YL and ML)",
						cfi_kinfo[k].name);
		for (int i = 0; i < seg->nroot; i++)
			if (seg->root[i] == k)
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
							"duplicate root name \"%s\"", cfi_kinfo[k].name);
		/* cannot overflow: no duplicates, and CF_MAX_ROOT rootable kinds */
		if (seg->nroot >= CF_MAX_ROOT)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
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
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"missing segment name");
		}
		return unexpected(ps, open, "in segment name");
	}
	k = kind_by_name(name, n);
	if (k == CF_LIT)
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
					"unknown segment name \"%.*s\"", shown_len(n), name);
	ki = &cfi_kinfo[k];
	seg.kind = (uint8_t) k;

	/* :LEN[:FILL] */
	if (ps->p < ps->end && ps->s[ps->p] == ':')
	{
		unsigned	len = 0;
		size_t		digits;

		if (ki->lenrule == LEN_NO)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
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
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"missing LEN after \":\" (LEN is a number)");
		}
		if (len < 1 || len > ki->lenmax)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, at), NULL,
						"LEN %.*s out of range for %s (1-%d)",
						shown_len(digits), ps->s + at, ki->name, ki->lenmax);
		seg.len = (uint8_t) len;

		if (ps->p < ps->end && ps->s[ps->p] == ':')
		{
			unsigned char c;

			if (!ki->fill)
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"FILL not allowed for %s", ki->name);
			ps->p++;
			if (ps->p >= ps->end)
				return unexpected(ps, open, "");
			c = (unsigned char) ps->s[ps->p];
			if (c == '}' || c == '|')
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"missing FILL after \":\"");
			if (!cset82_char(c))
			{
				if (c > 0x20 && c < 0x7f)
					return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
								"invalid FILL \"%c\" (FILL is one character of GS1 character set 82)",
								(char) c);
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"invalid FILL (FILL is one character of GS1 character set 82)");
			}
			seg.fill = (char) c;
			ps->p++;
			if (ps->p < ps->end && ps->s[ps->p] != '}' && ps->s[ps->p] != '|')
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
							"FILL must be a single character");
		}
	}
	else if (ps->p >= ps->end ||
			 (ps->s[ps->p] != '|' && ps->s[ps->p] != '}'))
		return unexpected(ps, open, "in segment (expected \":\", \"|\" or \"}\")");
	else if (ki->lenrule == LEN_REQ)
	{
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"missing LEN for %s (write {%s:LEN})", ki->name, ki->name);
	}

	/* |ROOT or the end */
	if (ps->p < ps->end && ps->s[ps->p] == '|')
	{
		if (!cf_is_counter(k))
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
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
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"second counter %s (a format has at most one SEQ or ALPHA)",
					ki->name);
	if (k == CF_CHK)
	{
		if (f->nseg == 0)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
						"CHK at the start of the format (it is the check digit of the digits before it)");
		if (ps->nodigit)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
						"CHK after %s, which is never all digits (CHK needs only digits before it)",
						ps->nodigit);
	}
	minlen = seg.len ? seg.len : (ki->fixed ? ki->fixed : 1);
	if (f->minlen + minlen > CF_MAX_CODE)
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
					"codes would be longer than %d characters (at least %d)",
					CF_MAX_CODE, f->minlen + minlen);
	if (f->nseg >= CF_MAX_SEGS)	/* cannot happen: minlen >= 1 each */
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, open), NULL,
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
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"unexpected \"}\" (no segment is open)");
		if (ascii_space(c))
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"white space inside a format");
		if (c > 0x20 && c < 0x7f)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
						"invalid character %s in a literal (literals are GS1 character set 82)",
						cfi_show_char(c, buf));
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"character outside GS1 character set 82 in a literal");
	}
	/* literal characters count towards minlen, so nlit < CF_MAX_CODE here */
	if (f->minlen + 1 > CF_MAX_CODE || ps->nlit >= CF_MAX_CODE)
		return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
					"codes would be longer than %d characters (at least %d)",
					CF_MAX_CODE, f->minlen + 1);
	last = f->nseg > 0 ? &f->seg[f->nseg - 1] : NULL;
	if (last == NULL || last->kind != CF_LIT)
	{
		if (f->nseg >= CF_MAX_SEGS)
			return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, ps->p), NULL,
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

			if (cfi_kinfo[k].date != g)
				continue;
			switch (cfi_date_part(k))
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
			cf_kind		part = cfi_date_part(k);
			bool		in = false;

			if (cfi_kinfo[k].date != g)
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
				return cfi_fail(ps->err, CF_ERR_SYNTAX, ppos(ps, segpos[i]), NULL,
							"%s without LEN is a second variable-length segment between the parts of the %s (at most one is allowed; give it a LEN)",
							cfi_kinfo[s->kind].name, date_name[g]);
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
			if (cfi_kinfo[k].date == 0 || k == CF_YL || k == CF_ML)
				f->uses_start = true;
			if (cfi_kinfo[k].date == 1)
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
	cfi_err_clear(err);
	if (s == NULL)
		n = 0;
	while (start < n && ascii_space((unsigned char) s[start]))
		start++;
	while (n > start && ascii_space((unsigned char) s[n - 1]))
		n--;
	if (start == n)
		return cfi_fail(err, CF_ERR_SYNTAX, 1, NULL, "empty format");

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

