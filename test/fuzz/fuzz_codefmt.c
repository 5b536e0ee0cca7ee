/*
 * fuzz_codefmt.c — libFuzzer harness for the code-format core
 * (src/codefmt_core.c, src/codefmt_render.c), built without PostgreSQL.
 * The core is #included
 * (not linked) so that the harness can reach the matcher's internals for
 * its naive reference matcher:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=undefined -Isrc \
 *         test/fuzz/fuzz_codefmt.c -o fuzz_codefmt
 *   ./fuzz_codefmt -dict=test/fuzz/codefmt.dict test/fuzz/corpus/codefmt
 *
 * (test/fuzz/run-fuzz.sh does this.)  The input is split at newlines:
 *
 *   line 1       format text
 *   line 2       a code to match
 *   lines 3-11   context values item, variant, class, category, item_type,
 *                lot_type, supplier, supplier_lot, doc (a line starting
 *                with '~', or a missing line, makes the key absent; an
 *                empty line is an empty value)
 *   lines 12-13  four bytes each: start and expiry date (year from the first
 *                two bytes mod 10050, 0 = not given; month mod 14, day mod
 *                33, so invalid dates occur too); a fifth and sixth byte on
 *                line 12 are the year and month letters as given (byte 0 =
 *                no letter, non-letters are errors), else 'F' and 'B'
 *
 * Besides "no crash, no undefined behaviour, no leak" it checks:
 *   - parse errors are CF_ERR_SYNTAX with a message and a position inside
 *     the text;
 *   - cf_print is shorter than CF_TEXT_MAX and parses back to the same
 *     compiled format (field by field) and the same canonical text;
 *   - the matcher (memo) agrees with a plain backtracking matcher on the
 *     line-2 code, with no context, the fuzzed context and a fixed one;
 *   - for the fuzzed context and a fixed, complete one (all nine keys,
 *     valid dates and letters), with a deterministic rand_fn:
 *       * a failed render has an error kind other than OK/SYNTAX;
 *       * a rendered code is 1..50 characters, NUL-terminated, matches its
 *         format with that context and with none, and its counter text
 *         spells seq (SEQ: FILL-padded decimal; ALPHA: cf_alpha_value);
 *       * the counter value does not change whether rendering works: seq 0
 *         and the largest value render codes of the same length, one more
 *         than the largest and -1 fail with CF_ERR_OVERFLOW; without a
 *         counter, seq is ignored (same code);
 *       * without a rand_fn the result is the same when there is no RAND
 *         segment, and a failure when there is one;
 *       * cf_root: without |ROOT it is the rendered code minus the counter,
 *         RAND and CHK segments; with |ROOT it has nroot - 1 unescaped '|'
 *         separators; never CF_TEXT_MAX or longer;
 *   - with no context at all (ctx NULL), rendering works exactly when no
 *     segment needs a context value, a date or a letter;
 *   - on the line-2 code: cf_alpha_value is -1 exactly for text that is not
 *     1-10 letters A-Z, else its base-26 value; cf_gs1_check_digit agrees
 *     with a direct computation.
 */
#include "../../src/codefmt_core.c"
#include "../../src/codefmt_render.c"

#include "fuzz_common.h"

static int
fuzz_rand(void *arg)
{
	unsigned   *s = arg;

	*s = *s * 1103515245u + 12345u;
	return (int) ((*s >> 16) % 36);
}

/* match_from without the memo: exponential, only for small inputs. */
static bool
naive_from(mstate *m, int i, int pos)
{
	const cf_format *f = m->f;

	while (i < f->nseg)
	{
		if (m->slen[i] < 0)
		{
			int			maxlen = m->n - pos - m->minrest[i + 1];

			for (int l = 1; l <= maxlen; l++)
				if (naive_from(m, i + 1, pos + l))
					return true;
			return false;
		}
		if (pos + m->slen[i] + m->minrest[i + 1] > m->n)
			return false;
		if (!seg_ok(m, i, pos))
			return false;
		for (int g = 0; g < 2; g++)
			if ((f->seg[i].closes & (1 << g)) && !m->dgiven[g] &&
				!date_check(m, i, g))
				return false;
		pos += m->slen[i];
		i++;
	}
	return pos == m->n;
}

/* cf_match with naive_from instead of match_from (same set-up). */
static bool
naive_match(const cf_format *f, const char *code, size_t n, const cf_context *ctx)
{
	mstate		m;
	int			nseg = f->nseg;

	if (n < 1 || n > CF_MAX_CODE || n < (size_t) f->minlen)
		return false;
	for (size_t j = 0; j < n; j++)
		if (!cset82_char((unsigned char) code[j]))
			return false;
	memset(&m, 0, sizeof(m));
	m.f = f;
	m.code = (const unsigned char *) code;
	m.n = (int) n;
	m.ctx = ctx ? ctx : &empty_ctx;
	m.dgiven[0] = m.ctx->start.y != 0;
	m.dgiven[1] = m.ctx->expiry.y != 0;
	for (m.digits = 0; m.digits < m.n && ascii_digit(m.code[m.digits]); m.digits++)
		;
	m.minrest[nseg] = 0;
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
			return false;
		else
			len = (int) m.ctx->len[k - CF_ITEM];
		m.slen[i] = (int8_t) len;
		m.minrest[i] = (uint8_t) (m.minrest[i + 1] + (len < 0 ? 1 : len));
		if (m.minrest[i] > n)
			return false;
	}
	return naive_from(&m, 0, 0);
}

/* Both matchers on code[0..n); the naive one only while it is affordable. */
static bool
match_checked(const cf_format *f, const char *code, size_t n, const cf_context *ctx)
{
	bool		a = cf_match(f, code, n, ctx);

	if (f->nvar <= 4)
		FUZZ_CHECK(a == naive_match(f, code, n, ctx));
	return a;
}

static void
get_date(const char *s, size_t n, cf_date *d)
{
	const uint8_t *p = (const uint8_t *) s;

	if (s == NULL || n < 4)
		return;
	d->y = (p[0] << 8 | p[1]) % 10050;
	d->m = p[2] % 14;
	d->d = p[3] % 33;
}

static bool
same_format(const cf_format *a, const cf_format *b)
{
	if (a->nseg != b->nseg || a->counter != b->counter ||
		a->uses_letters != b->uses_letters || a->uses_start != b->uses_start ||
		a->uses_expiry != b->uses_expiry || a->ctx_used != b->ctx_used ||
		a->minlen != b->minlen || a->nvar != b->nvar)
		return false;
	for (int i = 0; i < a->nseg; i++)
	{
		const cf_seg *x = &a->seg[i],
				   *y = &b->seg[i];

		if (x->kind != y->kind || x->len != y->len || x->fill != y->fill ||
			x->lit_off != y->lit_off || x->nroot != y->nroot ||
			x->root_given != y->root_given || x->datechk != y->datechk ||
			x->closes != y->closes ||
			memcmp(x->root, y->root, x->nroot) != 0)
			return false;
		if (x->kind == CF_LIT &&
			memcmp(a->lit + x->lit_off, b->lit + y->lit_off, x->len) != 0)
			return false;
	}
	return true;
}

/* Length of segment i in a code rendered with ctx (rendering succeeded). */
static size_t
seg_width(const cf_format *f, int i, const cf_context *ctx)
{
	const cf_seg *s = &f->seg[i];
	cf_kind		k = (cf_kind) s->kind;

	if (cfi_kinfo[k].fixed)
		return cfi_kinfo[k].fixed;
	if (cf_is_context(k) && s->len == 0)
		return ctx->len[k - CF_ITEM];
	return s->len;
}

static bool
render(const cf_format *f, const cf_context *ctx, int64_t seq,
	   char *code, size_t *cn, cf_error *err)
{
	unsigned	seed = 1;
	bool		ok = cf_render(f, ctx, seq, fuzz_rand, &seed, code, cn, err);

	if (ok)
	{
		FUZZ_CHECK(err->kind == CF_OK);
		FUZZ_CHECK(*cn >= 1 && *cn <= CF_MAX_CODE && code[*cn] == '\0');
		FUZZ_CHECK(strlen(code) == *cn);
	}
	else
	{
		FUZZ_CHECK(err->kind != CF_OK && err->kind != CF_ERR_SYNTAX);
		FUZZ_CHECK(err->msg[0] != '\0' && memchr(err->msg, '\0', sizeof(err->msg)));
		FUZZ_CHECK(memchr(err->key, '\0', sizeof(err->key)) != NULL);
	}
	return ok;
}

/* The render / match / root properties for one context. */
static void
check_render(const cf_format *f, const cf_context *ctx, int64_t seq)
{
	char		code[CF_MAX_CODE + 1],
				code2[CF_MAX_CODE + 1],
				root[CF_TEXT_MAX],
				want[CF_TEXT_MAX];
	size_t		cn,
				cn2,
				rn,
				wn = 0;
	cf_error	err;
	int64_t		max = cf_counter_max(f);
	bool		ok;

	ok = render(f, ctx, seq, code, &cn, &err);

	/* rand_fn is only needed for RAND */
	{
		bool		has_rand = false;

		for (int i = 0; i < f->nseg; i++)
			has_rand |= f->seg[i].kind == CF_RAND;
		if (cf_render(f, ctx, seq, NULL, NULL, code2, &cn2, &err))
			FUZZ_CHECK(ok && !has_rand && cn2 == cn && memcmp(code, code2, cn) == 0);
		else
			FUZZ_CHECK(!ok || has_rand);
	}

	/* the counter value changes nothing but the counter text */
	if (f->counter >= 0)
	{
		size_t		cn0;

		FUZZ_CHECK(max >= 0);
		FUZZ_CHECK(!render(f, ctx, max + 1, code2, &cn2, &err));
		FUZZ_CHECK(!render(f, ctx, -1, code2, &cn2, &err));
		if (render(f, ctx, 0, code2, &cn0, &err))
		{
			FUZZ_CHECK(render(f, ctx, max, code2, &cn2, &err) && cn2 == cn0);
			FUZZ_CHECK(!render(f, ctx, max + 1, code2, &cn2, &err) &&
					   err.kind == CF_ERR_OVERFLOW);
			FUZZ_CHECK(!render(f, ctx, -1, code2, &cn2, &err) &&
					   err.kind == CF_ERR_OVERFLOW);
			if (seq >= 0 && seq <= max)
				FUZZ_CHECK(ok && cn == cn0);
		}
		else if (seq >= 0 && seq <= max)
			FUZZ_CHECK(!ok);
	}
	else
	{
		FUZZ_CHECK(max == -1);
		FUZZ_CHECK(render(f, ctx, 123456789, code2, &cn2, &err) == ok);
		if (ok)
			FUZZ_CHECK(cn2 == cn && memcmp(code, code2, cn) == 0);
	}

	if (ok)
	{
		size_t		off = 0;

		/* a rendered code matches its format, with its context and without */
		FUZZ_CHECK(match_checked(f, code, cn, ctx));
		FUZZ_CHECK(match_checked(f, code, cn, NULL));

		/* segment widths add up; the counter text spells seq */
		for (int i = 0; i < f->nseg; i++)
		{
			const cf_seg *s = &f->seg[i];
			size_t		w = seg_width(f, i, ctx);

			FUZZ_CHECK(w >= 1 && off + w <= cn);
			if (s->kind == CF_SEQ)
			{
				char		t[32];
				int			nd = snprintf(t, sizeof(t), "%lld", (long long) seq);

				FUZZ_CHECK(nd >= 1 && (size_t) nd <= w);
				for (size_t j = 0; j < w - (size_t) nd; j++)
					FUZZ_CHECK(code[off + j] == s->fill);
				FUZZ_CHECK(memcmp(code + off + w - nd, t, (size_t) nd) == 0);
			}
			else if (s->kind == CF_ALPHA)
				FUZZ_CHECK(cf_alpha_value(code + off, w) == seq);
			else if (s->kind == CF_CHK)
				FUZZ_CHECK(code[off] == '0' + cf_gs1_check_digit(code, off));
			/* the root without |ROOT: everything but counter, RAND, CHK */
			if (!cf_is_counter(s->kind) && s->kind != CF_RAND && s->kind != CF_CHK)
			{
				memcpy(want + wn, code + off, w);
				wn += w;
			}
			off += w;
		}
		FUZZ_CHECK(off == cn);
	}

	if (cf_root(f, ctx, root, &rn, &err))
	{
		const cf_seg *cs = f->counter >= 0 ? &f->seg[f->counter] : NULL;

		FUZZ_CHECK(err.kind == CF_OK);
		FUZZ_CHECK(rn < CF_TEXT_MAX && root[rn] == '\0');
		if (cs && cs->root_given)
		{
			int			seps = 0;

			for (size_t j = 0; j < rn; j++)
			{
				if (root[j] == '\\')
				{
					FUZZ_CHECK(j + 1 < rn && (root[j + 1] == '\\' || root[j + 1] == '|'));
					j++;
				}
				else if (root[j] == '|')
					seps++;
			}
			FUZZ_CHECK(seps == (cs->nroot > 0 ? cs->nroot - 1 : 0));
		}
		else if (ok)
			FUZZ_CHECK(rn == wn && memcmp(root, want, wn) == 0);
	}
	else
	{
		FUZZ_CHECK(err.kind != CF_OK && err.kind != CF_ERR_SYNTAX);
		FUZZ_CHECK(err.msg[0] != '\0');
		/* a code that renders has a root, unless |ROOT names other values */
		FUZZ_CHECK(!ok || (f->counter >= 0 && f->seg[f->counter].root_given));
	}
}

/* Complete, valid context: every key, dates, letters. */
static cf_context
fixed_context(void)
{
	static const char *const v[CF_NCTX] = {
		"AB-123", "RED", "C1", "FOOD", "RAW", "P", "ACME", "S/0042", "PO-2025-17"
	};
	cf_context	ctx;

	memset(&ctx, 0, sizeof(ctx));
	for (int i = 0; i < CF_NCTX; i++)
	{
		ctx.val[i] = v[i];
		ctx.len[i] = strlen(v[i]);
	}
	ctx.start = (cf_date) {2025, 3, 14};
	ctx.expiry = (cf_date) {2028, 2, 29};
	ctx.year_letter = 'F';
	ctx.month_letter = 'C';
	return ctx;
}

/* cf_alpha_value and cf_gs1_check_digit on arbitrary text. */
static void
check_helpers(const char *s, size_t n)
{
	int64_t		v = cf_alpha_value(s, n),
				want = 0;
	int			sum = 0,
				cd = n > 0 ? 0 : -1;

	for (size_t i = 0; i < n && want >= 0; i++)
		want = (n > 10 || s[i] < 'A' || s[i] > 'Z') ? -1 : want * 26 + (s[i] - 'A');
	FUZZ_CHECK(v == (n == 0 ? -1 : want));

	for (size_t i = 0; i < n && cd == 0; i++)
	{
		if (!ascii_digit((unsigned char) s[i]))
			cd = -1;
		else
			sum += (s[i] - '0') * ((n - i) % 2 == 1 ? 3 : 1);
	}
	if (cd == 0)
		cd = (10 - sum % 10) % 10;
	if (n == 0)
		cd = 0;					/* no digits: nothing to weigh */
	FUZZ_CHECK(cf_gs1_check_digit(s, n) == cd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[13];
	size_t		plen[13];
	cf_format	f,
				f2;
	cf_error	err;
	cf_context	ctx,
				fixed = fixed_context();
	char		text[CF_TEXT_MAX],
				text2[CF_TEXT_MAX];
	size_t		tn;
	const char *code;
	int64_t		seq;

	fuzz_split(data, size, '\n', part, plen, 13);
	check_helpers(part[1] ? part[1] : "", plen[1]);

	/* the parser, and the canonical text */
	if (!cf_parse(part[0], plen[0], &f, &err))
	{
		FUZZ_CHECK(err.kind == CF_ERR_SYNTAX);
		FUZZ_CHECK(err.pos >= 1 && (size_t) err.pos <= (plen[0] ? plen[0] : 1));
		FUZZ_CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof(err.msg)));
		return 0;
	}
	FUZZ_CHECK(err.kind == CF_OK);
	FUZZ_CHECK(f.nseg >= 1 && f.nseg <= CF_MAX_SEGS);
	FUZZ_CHECK(f.minlen >= 1 && f.minlen <= CF_MAX_CODE);
	tn = cf_print(&f, text, sizeof(text));
	FUZZ_CHECK(tn < sizeof(text) && strlen(text) == tn);
	FUZZ_CHECK(cf_parse(text, tn, &f2, &err));
	FUZZ_CHECK(same_format(&f, &f2));
	FUZZ_CHECK(cf_print(&f2, text2, sizeof(text2)) == tn && memcmp(text, text2, tn) == 0);
	/* a small buffer gets a truncated, terminated prefix and the full length */
	{
		char		small[8];

		FUZZ_CHECK(cf_print(&f, small, sizeof(small)) == tn);
		FUZZ_CHECK(strlen(small) == (tn < sizeof(small) ? tn : sizeof(small) - 1));
		FUZZ_CHECK(memcmp(small, text, strlen(small)) == 0);
	}

	/* the fuzzed context */
	memset(&ctx, 0, sizeof(ctx));
	for (int i = 0; i < CF_NCTX; i++)
	{
		const char *v = part[2 + i];

		if (v == NULL || (plen[2 + i] > 0 && v[0] == '~'))
			continue;			/* absent */
		ctx.val[i] = v;
		ctx.len[i] = plen[2 + i];
	}
	get_date(part[11], plen[11], &ctx.start);
	get_date(part[12], plen[12], &ctx.expiry);
	ctx.year_letter = plen[11] >= 5 ? part[11][4] : 'F';
	ctx.month_letter = plen[11] >= 6 ? part[11][5] : 'B';

	/* arbitrary code: no crash, memoised and naive matchers agree */
	code = part[1] ? part[1] : "";
	(void) match_checked(&f, code, plen[1], NULL);
	(void) match_checked(&f, code, plen[1], &ctx);
	(void) match_checked(&f, code, plen[1], &fixed);

	/* render, match, root */
	seq = (int64_t) (size % 1000);
	check_render(&f, &ctx, seq);
	check_render(&f, &fixed, seq);

	/* no context: works exactly when nothing needs one */
	{
		bool		needs = false;
		char		code2[CF_MAX_CODE + 1];
		size_t		cn2;
		unsigned	seed = 1;

		for (int i = 0; i < f.nseg; i++)
		{
			cf_kind		k = (cf_kind) f.seg[i].kind;

			needs |= cf_is_context(k) || cfi_kinfo[k].date >= 0 || k == CF_YL || k == CF_ML;
		}
		if (needs)
			FUZZ_CHECK(!cf_render(&f, NULL, 0, fuzz_rand, &seed, code2, &cn2, &err) &&
					   err.kind == CF_ERR_MISSING);
		else
			FUZZ_CHECK(cf_render(&f, NULL, 0, fuzz_rand, &seed, code2, &cn2, &err));
	}
	return 0;
}
