/*
 * fuzz_codefmt.c — libFuzzer harness for the code-format core
 * (src/codefmt_core.c), built without PostgreSQL:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *         test/fuzz/fuzz_codefmt.c -o fuzz_codefmt
 *   ./fuzz_codefmt -max_total_time=60
 *
 * The input is split at newlines: format, code, then up to nine context
 * values and four bytes each for the start and expiry dates.  Besides
 * "no crash, no undefined behaviour" it checks properties:
 *   - the canonical text parses again to the same canonical text;
 *   - a code that cf_render produced matches its format, with the context
 *     it was rendered from and without any;
 *   - the memoised matcher agrees with a plain backtracking one.
 */
#include "../../src/codefmt_core.c"

#include <stdlib.h>

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

		if (kinfo[k].fixed)
			len = kinfo[k].fixed;
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

static void
get_date(const uint8_t *p, size_t n, cf_date *d)
{
	if (n < 4)
		return;
	d->y = (p[0] << 8 | p[1]) % 10050;
	d->m = p[2] % 14;
	d->d = p[3] % 33;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[13];
	size_t		plen[13];
	int			np = 0;
	size_t		start = 0;
	cf_format	f,
				f2;
	cf_error	err;
	cf_context	ctx;
	char		text[CF_TEXT_MAX],
				text2[CF_TEXT_MAX],
				code[CF_MAX_CODE + 1],
				root[CF_TEXT_MAX];
	size_t		tn,
				cn,
				rn;
	unsigned	seed = 1;

	for (size_t i = 0; i <= size && np < 13; i++)
	{
		if (i == size || data[i] == '\n')
		{
			part[np] = (const char *) data + start;
			plen[np++] = i - start;
			start = i + 1;
		}
	}
	while (np < 13)
	{
		part[np] = NULL;
		plen[np++] = 0;
	}

	if (!cf_parse(part[0], plen[0], &f, &err))
	{
		if (err.kind != CF_ERR_SYNTAX || err.pos < 1)
			abort();
		return 0;
	}
	tn = cf_print(&f, text, sizeof(text));
	if (tn >= sizeof(text))
		abort();
	if (!cf_parse(text, tn, &f2, &err))
		abort();
	if (cf_print(&f2, text2, sizeof(text2)) != tn || memcmp(text, text2, tn) != 0)
		abort();

	memset(&ctx, 0, sizeof(ctx));
	for (int i = 0; i < CF_NCTX; i++)
	{
		if (part[2 + i] && plen[2 + i] > 0)
		{
			/* a leading '~' makes the key absent */
			if (part[2 + i][0] == '~')
				continue;
			ctx.val[i] = part[2 + i];
			ctx.len[i] = plen[2 + i];
		}
		else if (part[2 + i])
		{
			ctx.val[i] = part[2 + i];
			ctx.len[i] = 0;
		}
	}
	if (part[11])
		get_date((const uint8_t *) part[11], plen[11], &ctx.start);
	if (part[12])
		get_date((const uint8_t *) part[12], plen[12], &ctx.expiry);
	ctx.year_letter = 'F';
	ctx.month_letter = 'B';

	/* arbitrary code: memoised and naive matchers agree */
	{
		bool		a = cf_match(&f, part[1] ? part[1] : "", plen[1], NULL);
		bool		b = cf_match(&f, part[1] ? part[1] : "", plen[1], &ctx);

		if (f.nvar <= 4)
		{
			if (a != naive_match(&f, part[1] ? part[1] : "", plen[1], NULL))
				abort();
			if (b != naive_match(&f, part[1] ? part[1] : "", plen[1], &ctx))
				abort();
		}
	}

	/* rendered codes match */
	if (cf_render(&f, &ctx, (int64_t) (size % 1000), fuzz_rand, &seed,
				  code, &cn, &err))
	{
		if (cn > CF_MAX_CODE || strlen(code) != cn)
			abort();
		if (!cf_match(&f, code, cn, &ctx))
			abort();
		if (!cf_match(&f, code, cn, NULL))
			abort();
	}
	else if (err.kind == CF_OK || err.kind == CF_ERR_SYNTAX)
		abort();

	if (cf_root(&f, &ctx, root, &rn, &err))
	{
		if (rn >= CF_TEXT_MAX)
			abort();
	}
	else if (err.kind == CF_OK || err.kind == CF_ERR_SYNTAX)
		abort();
	return 0;
}
