/*
 * codefmt_render.c — applying a compiled code format: rendering a code from
 * a context and a counter value, the counter root, and matching a typed
 * code against the format.  Plain C: no PostgreSQL headers, no allocation;
 * see codefmt_core.c.
 */
#include "codefmt_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"
#include "codefmt_int.h"

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
			return cfi_fail(err, CF_ERR_CODE, 0, NULL,
						"counter root longer than %d characters", (int) o->cap);
		return cfi_fail(err, CF_ERR_CODE, 0, NULL,
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
	return cfi_fail(err, CF_ERR_MISSING, 0, key, "context key \"%s\" is missing", key);
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
			return cfi_fail(err, CF_ERR_VALUE, 0, key,
						"context value \"%s\" contains \"%c\", which is not in GS1 character set 82",
						key, (char) c);
		if (ascii_space(c))
			return cfi_fail(err, CF_ERR_VALUE, 0, key,
						"context value \"%s\" contains white space, which is not allowed in codes",
						key);
		return cfi_fail(err, CF_ERR_VALUE, 0, key,
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
		return missing_key(err, cfi_date_key[g]);
	if (!cfi_date_ok(*d))
		return cfi_fail(err, CF_ERR_VALUE, 0, cfi_date_key[g],
					"%s %04d-%02d-%02d cannot be used in codes (years 1-9999)",
					cfi_date_key[g], (*d)->y, (*d)->m, (*d)->d);
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
			return cfi_fail(err, CF_ERR_MISSING, 0, "year_letter",
						"no letter for year %d in table lottrace.year_letter", d->y);
		return cfi_fail(err, CF_ERR_MISSING, 0, "month_letter",
					"no letter for month %d in table lottrace.month_letter", d->m);
	}
	if (*c < 'A' || *c > 'Z')
		return cfi_fail(err, CF_ERR_VALUE, 0, k == CF_YL ? "year_letter" : "month_letter",
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
	int			w = cfi_kinfo[k].fixed;

	if (!ctx_date(ctx, cfi_kinfo[k].date, &d, err))
		return false;
	put_digits(t, cfi_date_value(cfi_date_part(k), d), w);
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
				return cfi_fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
			return ob_put(o, f->lit + s->lit_off, s->len, err);

		case CF_SEQ:
		case CF_ALPHA:
			{
				int64_t		max = cf_counter_max(f);
				int			w = s->len;

				if (seq < 0 || seq > max)
					return cfi_fail(err, CF_ERR_OVERFLOW, 0, NULL,
								"counter value %lld does not fit %s:%d (0 to %lld)",
								(long long) seq, cfi_kinfo[k].name, w, (long long) max);
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
				return cfi_fail(err, CF_ERR_VALUE, 0, NULL, "no random source for RAND");
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
					return cfi_fail(err, CF_ERR_VALUE, 0, NULL,
								"CHK needs only digits before it, but character %d of the code is %s",
								(int) j + 1, cfi_show_char((unsigned char) o->buf[j], buf));
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
						return cfi_fail(err, CF_ERR_VALUE, 0, cf_ctx_key[k - CF_ITEM],
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
			return cfi_fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
	}
}

bool
cf_render(const cf_format *f, const cf_context *ctx, int64_t seq,
		  int (*rand_fn) (void *arg), void *rand_arg,
		  char *out, size_t *outlen, cf_error *err)
{
	obuf		o = {out, 0, CF_MAX_CODE, false};

	cfi_err_clear(err);
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

	cfi_err_clear(err);
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
			else if (cfi_kinfo[k].date >= 0)
			{
				if (!put_date(&o, ctx, k, err))
					return false;
			}
			else
				return cfi_fail(err, CF_ERR_VALUE, 0, NULL, "corrupt format");
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
		switch (cfi_date_part((cf_kind) f->seg[i].kind))
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
				int			g = cfi_kinfo[k].date;
				cf_kind		part = cfi_date_part(k);
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

					return cfi_date_ok(d) && v == cfi_date_value(part, d);
				}
				cfi_date_range(part, &lo, &hi);
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

		if (cfi_kinfo[k].fixed)
			len = cfi_kinfo[k].fixed;
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

