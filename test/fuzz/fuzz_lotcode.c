/*
 * fuzz_lotcode.c — libFuzzer harness for the lot/serial code core
 * (src/lotcode_core.c), built without PostgreSQL:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=undefined -Isrc \
 *         test/fuzz/fuzz_lotcode.c src/lotcode_core.c -o fuzz_lotcode
 *   ./fuzz_lotcode -dict=test/fuzz/lotcode.dict test/fuzz/corpus/lotcode
 *
 * (test/fuzz/run-fuzz.sh does this.)  Any bytes are an input.
 *
 * lc_parse, on the whole input and on each of its newline-separated parts,
 * with maxlen 0, 1, 10, 20, 49, 50, 51 and SIZE_MAX:
 *   - the status is one of the four, start + len lies within the input;
 *   - everything outside [start, start + len) is white space and the ends
 *     of that range are not (the trim is exact);
 *   - LC_EMPTY iff the input is all white space;
 *   - LC_BAD_CHAR: bad_offset is the first byte of the trimmed range that
 *     is not in GS1 character set 82;
 *   - LC_OK: 1..maxlen bytes, all in set 82 (maxlen 0 or > 50 acts as 50);
 *     LC_TOO_LONG: all in set 82 but longer than maxlen;
 *   - the results for different maxlen agree on everything but the status.
 *
 * lc_natural_cmp, on the parts a, b, c (input split at the first two
 * newlines) and the trimmed codes:
 *   - the result is -1, 0 or 1; cmp(x, x) == 0; 0 only for identical bytes;
 *   - sign(cmp(x, y)) == -sign(cmp(y, x));
 *   - transitive over every ordering of a, b, c;
 *   - equal to an independent oracle: each digit run is rewritten as
 *     '0', its significant length (8 bytes, big-endian) and its significant
 *     digits, other bytes stay, and the rewritten keys compare by memcmp,
 *     ties broken by the plain bytes -- the order lotcode_core.h documents.
 */
#include "lotcode_core.h"

#include <stdlib.h>
#include <string.h>

#include "cset.h"
#include "fuzz_common.h"

static const size_t maxlens[] = {0, 1, 10, 20, LC_MAX_LEN - 1, LC_MAX_LEN,
LC_MAX_LEN + 1, (size_t) -1};

#define NMAXLEN (sizeof(maxlens) / sizeof(maxlens[0]))

static void
check_parse(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	lc_result	first;

	for (size_t k = 0; k < NMAXLEN; k++)
	{
		size_t		maxlen = maxlens[k];
		size_t		eff = (maxlen == 0 || maxlen > LC_MAX_LEN) ? LC_MAX_LEN : maxlen;
		lc_result	r = lc_parse(s, n, maxlen);
		size_t		end;

		FUZZ_CHECK(r.status == LC_OK || r.status == LC_EMPTY ||
				   r.status == LC_BAD_CHAR || r.status == LC_TOO_LONG);
		FUZZ_CHECK(r.start <= n && r.len <= n - r.start);
		end = r.start + r.len;

		/* the trim is exact */
		for (size_t i = 0; i < r.start; i++)
			FUZZ_CHECK(ascii_space(u[i]));
		for (size_t i = end; i < n; i++)
			FUZZ_CHECK(ascii_space(u[i]));
		if (r.len > 0)
			FUZZ_CHECK(!ascii_space(u[r.start]) && !ascii_space(u[end - 1]));
		FUZZ_CHECK((r.status == LC_EMPTY) == (r.len == 0));

		switch (r.status)
		{
			case LC_EMPTY:
				break;
			case LC_BAD_CHAR:
				FUZZ_CHECK(r.bad_offset >= r.start && r.bad_offset < end);
				FUZZ_CHECK(!cset82_char(u[r.bad_offset]));
				for (size_t i = r.start; i < r.bad_offset; i++)
					FUZZ_CHECK(cset82_char(u[i]));
				break;
			case LC_OK:
			case LC_TOO_LONG:
				FUZZ_CHECK(r.bad_offset == 0);
				for (size_t i = r.start; i < end; i++)
					FUZZ_CHECK(cset82_char(u[i]));
				if (r.status == LC_OK)
					FUZZ_CHECK(r.len >= 1 && r.len <= eff && r.len <= LC_MAX_LEN);
				else
					FUZZ_CHECK(r.len > eff);
				break;
		}

		/* maxlen changes the status between OK and TOO_LONG, nothing else */
		if (k == 0)
			first = r;
		else
		{
			FUZZ_CHECK(r.start == first.start && r.len == first.len);
			if (first.status == LC_EMPTY || first.status == LC_BAD_CHAR)
				FUZZ_CHECK(r.status == first.status && r.bad_offset == first.bad_offset);
			else
				FUZZ_CHECK(r.status == LC_OK || r.status == LC_TOO_LONG);
		}
	}
}

/* ---------------------------------------------------------------------- */

/*
 * The oracle's key of s[0..n): digit runs as '0', significant length (8
 * bytes big-endian) and significant digits.  Tokens are self-delimiting
 * (a run starts with the digit '0', no other token does), a run sorts
 * against a non-digit byte by that '0' (as the first digit would: the byte
 * is not a digit), and two runs by length, then digits.  out needs 9 * n
 * bytes; returns the key length.
 */
static size_t
oracle_key(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t		o = 0;

	for (size_t i = 0; i < n;)
	{
		if (ascii_digit(s[i]))
		{
			size_t		j = i,
						sig;

			while (j < n && ascii_digit(s[j]))
				j++;
			while (i < j - 1 && s[i] == '0')
				i++;
			if (s[i] == '0')	/* the run is all zeros: value 0 */
				i++;
			sig = j - i;
			out[o++] = '0';
			for (int b = 7; b >= 0; b--)
				out[o++] = (unsigned char) ((uint64_t) sig >> (8 * b));
			memcpy(out + o, s + i, sig);
			o += sig;
			i = j;
		}
		else
			out[o++] = s[i++];
	}
	return o;
}

static int
bytes_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	size_t		m = an < bn ? an : bn;
	int			c = m ? memcmp(a, b, m) : 0;

	if (c != 0)
		return fuzz_sign(c);
	return (an > bn) - (an < bn);
}

static int
oracle_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned char *ka = malloc(9 * an + 1),
			   *kb = malloc(9 * bn + 1);
	size_t		kan,
				kbn;
	int			c;

	FUZZ_CHECK(ka != NULL && kb != NULL);
	kan = oracle_key((const unsigned char *) a, an, ka);
	kbn = oracle_key((const unsigned char *) b, bn, kb);
	c = bytes_cmp(ka, kan, kb, kbn);
	if (c == 0)
		c = bytes_cmp((const unsigned char *) a, an, (const unsigned char *) b, bn);
	free(ka);
	free(kb);
	return c;
}

static bool
identical(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	const char *part[3];
	size_t		plen[3];
	int			c[3][3];

	/* lc_parse on the whole input, the NULL input and each part */
	check_parse(s, size);
	check_parse(NULL, 0);
	FUZZ_CHECK(lc_parse(NULL, 0, 0).status == LC_EMPTY);

	fuzz_split(data, size, '\n', part, plen, 3);
	for (int i = 0; i < 3; i++)
	{
		if (part[i] == NULL)
		{
			part[i] = "";
			plen[i] = 0;
		}
		check_parse(part[i], plen[i]);
	}

	/* lc_natural_cmp: a total order, and the documented one */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
		{
			c[i][j] = lc_natural_cmp(part[i], plen[i], part[j], plen[j]);
			FUZZ_CHECK(c[i][j] == -1 || c[i][j] == 0 || c[i][j] == 1);
			FUZZ_CHECK((c[i][j] == 0) == identical(part[i], plen[i], part[j], plen[j]));
			FUZZ_CHECK(c[i][j] == oracle_cmp(part[i], plen[i], part[j], plen[j]));
		}
	for (int i = 0; i < 3; i++)
	{
		FUZZ_CHECK(c[i][i] == 0);
		for (int j = 0; j < 3; j++)
			FUZZ_CHECK(fuzz_sign(c[i][j]) == -fuzz_sign(c[j][i]));
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			for (int k = 0; k < 3; k++)
			{
				if (c[i][j] <= 0 && c[j][k] <= 0)
					FUZZ_CHECK(c[i][k] <= 0);
				if (c[i][j] < 0 && c[j][k] <= 0)
					FUZZ_CHECK(c[i][k] < 0);
			}

	/* NULL counts as empty, whatever the length says */
	FUZZ_CHECK(lc_natural_cmp(NULL, 5, part[0], plen[0]) == (plen[0] ? -1 : 0));
	FUZZ_CHECK(lc_natural_cmp(part[0], plen[0], NULL, 7) == (plen[0] ? 1 : 0));

	/* the trimmed codes of a and b, as the server compares stored codes */
	{
		lc_result	ra = lc_parse(part[0], plen[0], 0);
		lc_result	rb = lc_parse(part[1], plen[1], 0);

		if (ra.status == LC_OK && rb.status == LC_OK)
		{
			const char *a = part[0] + ra.start,
					   *b = part[1] + rb.start;
			int			ab = lc_natural_cmp(a, ra.len, b, rb.len);

			FUZZ_CHECK(ab == -lc_natural_cmp(b, rb.len, a, ra.len));
			FUZZ_CHECK(ab == oracle_cmp(a, ra.len, b, rb.len));
		}
	}
	return 0;
}
