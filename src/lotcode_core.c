/*
 * lotcode_core.c — the pure parser and natural ordering behind lotcode and
 * serialcode.
 *
 * Plain C: no PostgreSQL headers, no allocation, no error reporting, so the
 * same object builds into the server module, the unit test in test/unit/
 * and a standalone fuzz harness.  Every function is total: any byte string
 * (empty, huge, invalid UTF-8, NUL bytes) gives a defined answer.
 */
#include "lotcode_core.h"

#include <string.h>

#include "cset.h"

/*
 * Check s[0..n) as a lot or serial code; see lotcode_core.h.
 */
lc_result
lc_parse(const char *s, size_t n, size_t maxlen)
{
	const unsigned char *u = (const unsigned char *) s;
	lc_result	r;
	size_t		b = 0;
	size_t		e = n;
	size_t		i;

	r.status = LC_OK;
	r.start = 0;
	r.len = 0;
	r.bad_offset = 0;

	if (s == NULL)
		e = 0;
	if (maxlen == 0 || maxlen > LC_MAX_LEN)
		maxlen = LC_MAX_LEN;

	while (b < e && ascii_space(u[b]))
		b++;
	while (e > b && ascii_space(u[e - 1]))
		e--;

	r.start = b;
	r.len = e - b;
	if (r.len == 0)
	{
		r.status = LC_EMPTY;
		return r;
	}

	/* A bad character is reported even when the code is also too long. */
	for (i = b; i < e; i++)
	{
		if (!cset82_char(u[i]))
		{
			r.status = LC_BAD_CHAR;
			r.bad_offset = i;
			return r;
		}
	}

	if (r.len > maxlen)
		r.status = LC_TOO_LONG;
	return r;
}

/*
 * Compare two runs of ASCII digits by numeric value, without converting them
 * (runs can be longer than any integer type): leading zeros are skipped,
 * then the longer run is larger, then the first differing digit decides.
 */
static int
lc_digits_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int			c;

	while (an > 0 && *a == '0')
	{
		a++;
		an--;
	}
	while (bn > 0 && *b == '0')
	{
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	if (an == 0)
		return 0;
	c = memcmp(a, b, an);
	return (c > 0) - (c < 0);
}

/*
 * Natural ordering; see lotcode_core.h.
 *
 * The codes are read as sequences of tokens: a maximal run of digits, or a
 * single other byte.  Two runs compare by value; a run and a byte compare as
 * the run's first digit against the byte (since the byte is not a digit,
 * every run sits between '/' and ':' of the byte order); two bytes compare as
 * unsigned bytes; a code that ends first is smaller.  That is a lexicographic
 * order over a total preorder of tokens, hence a total preorder; plain byte
 * order (memcmp, then length) breaks its ties, making it a total order in
 * which only identical byte strings are equal.
 */
int
lc_natural_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const unsigned char *ua = (const unsigned char *) a;
	const unsigned char *ub = (const unsigned char *) b;
	size_t		i = 0;
	size_t		j = 0;
	size_t		m;
	int			c;

	if (a == NULL)
		alen = 0;
	if (b == NULL)
		blen = 0;

	while (i < alen && j < blen)
	{
		unsigned char ca = ua[i];
		unsigned char cb = ub[j];

		if (ascii_digit(ca) && ascii_digit(cb))
		{
			size_t		si = i;
			size_t		sj = j;

			while (i < alen && ascii_digit(ua[i]))
				i++;
			while (j < blen && ascii_digit(ub[j]))
				j++;
			c = lc_digits_cmp(ua + si, i - si, ub + sj, j - sj);
			if (c != 0)
				return c;
		}
		else
		{
			/* also covers digit vs non-digit: the bytes differ */
			if (ca != cb)
				return ca < cb ? -1 : 1;
			i++;
			j++;
		}
	}
	if (i < alen)
		return 1;
	if (j < blen)
		return -1;

	/* Naturally equal (A01 / A1): plain byte order decides. */
	m = alen < blen ? alen : blen;
	if (m > 0)
	{
		c = memcmp(a, b, m);
		if (c != 0)
			return (c > 0) - (c < 0);
	}
	return (alen > blen) - (alen < blen);
}
