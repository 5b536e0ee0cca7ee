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
 *   - the status is one of the five, start + len lies within the input;
 *   - everything outside [start, start + len) is white space and the ends
 *     of that range are not (the trim is exact, and lc_trim agrees);
 *   - LC_EMPTY iff the input is all white space;
 *   - walking the trimmed range character by character with
 *     lc_decode_utf8 and lc_char_class_of finds the same first problem:
 *     LC_BAD_BYTES where the bytes do not decode, LC_BAD_CHAR where a
 *     character's class is not LC_CHAR_OK or a space follows a space (with
 *     its code point, class, byte offset and 1-based character position,
 *     leading white space counted);
 *   - LC_OK: 1..maxlen characters (maxlen 0 or > 50 acts as 50);
 *     LC_TOO_LONG: more than maxlen; nchars is the count of the walk;
 *   - the results for different maxlen agree on everything but the status;
 *   - a valid code parses again as itself (start 0, the same length);
 *   - lc_parse_with without a decoder (ASCII only) gives the same answer as
 *     lc_parse on input without bytes above 0x7F, and otherwise stops at
 *     the first such byte at the latest, as LC_BAD_BYTES.
 * lc_gs1_offset on each part: every byte before the offset is in set 82,
 * the byte at it is not; a valid GS1-safe code is ASCII.
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

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cset.h"
#include "fuzz_common.h"

static const size_t maxlens[] = {0, 1, 10, 20, LC_MAX_LEN - 1, LC_MAX_LEN,
LC_MAX_LEN + 1, (size_t) -1};

#define NMAXLEN (sizeof(maxlens) / sizeof(maxlens[0]))

/* The first problem of the trimmed range, found by walking it. */
static void
walk(const unsigned char *u, size_t start, size_t end, lc_result *w)
{
	size_t		pos = start;
	bool		prev_space = false;

	memset(w, 0, sizeof(*w));
	w->status = LC_OK;
	for (size_t i = start; i < end;)
	{
		uint32_t	cp = 0;
		size_t		l = lc_decode_utf8(u + i, end - i, &cp, NULL);
		lc_char_class k;

		pos++;
		if (l == 0)
		{
			w->status = LC_BAD_BYTES;
			w->bad_offset = i;
			w->bad_pos = pos;
			return;
		}
		FUZZ_CHECK(l <= 4 && l <= end - i);
		k = lc_char_class_of(cp);
		if (k == LC_CHAR_OK && cp == ' ' && prev_space)
			k = LC_CHAR_DOUBLE_SPACE;
		if (k != LC_CHAR_OK)
		{
			w->status = LC_BAD_CHAR;
			w->bad_offset = i;
			w->bad_pos = pos;
			w->bad_cp = cp;
			w->bad_class = k;
			return;
		}
		prev_space = (cp == ' ');
		w->nchars++;
		i += l;
	}
}

static void
check_parse(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	lc_result	first;
	lc_result	w;
	size_t		tstart,
				tlen;

	for (size_t k = 0; k < NMAXLEN; k++)
	{
		size_t		maxlen = maxlens[k];
		size_t		eff = (maxlen == 0 || maxlen > LC_MAX_LEN) ? LC_MAX_LEN : maxlen;
		lc_result	r = lc_parse(s, n, maxlen);
		size_t		end;

		FUZZ_CHECK(r.status == LC_OK || r.status == LC_EMPTY || r.status == LC_BAD_CHAR ||
				   r.status == LC_BAD_BYTES || r.status == LC_TOO_LONG);
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
		lc_trim(s, n, &tstart, &tlen);
		FUZZ_CHECK(tstart == r.start && tlen == r.len);

		/* the same first problem as a walk over the characters */
		if (r.status != LC_EMPTY)
		{
			walk(u, r.start, end, &w);
			switch (r.status)
			{
				case LC_BAD_BYTES:
					FUZZ_CHECK(w.status == LC_BAD_BYTES);
					FUZZ_CHECK(r.bad_offset == w.bad_offset && r.bad_pos == w.bad_pos);
					FUZZ_CHECK(r.bad_offset >= r.start && r.bad_offset < end);
					break;
				case LC_BAD_CHAR:
					FUZZ_CHECK(w.status == LC_BAD_CHAR);
					FUZZ_CHECK(r.bad_offset == w.bad_offset && r.bad_pos == w.bad_pos &&
							   r.bad_cp == w.bad_cp && r.bad_class == w.bad_class);
					FUZZ_CHECK(r.bad_class != LC_CHAR_OK && r.bad_class != LC_CHAR_UNMAPPED);
					FUZZ_CHECK(r.bad_pos > r.start && r.bad_pos <= r.bad_offset + 1);
					break;
				case LC_OK:
				case LC_TOO_LONG:
					FUZZ_CHECK(w.status == LC_OK && r.nchars == w.nchars);
					FUZZ_CHECK(r.nchars <= r.len && r.len <= 4 * r.nchars);
					if (r.status == LC_OK)
						FUZZ_CHECK(r.nchars >= 1 && r.nchars <= eff);
					else
						FUZZ_CHECK(r.nchars > eff);
					break;
				case LC_EMPTY:
					break;
			}
		}

		/* maxlen changes the status between OK and TOO_LONG, nothing else */
		if (k == 0)
			first = r;
		else
		{
			FUZZ_CHECK(r.start == first.start && r.len == first.len);
			if (first.status == LC_EMPTY || first.status == LC_BAD_CHAR ||
				first.status == LC_BAD_BYTES)
				FUZZ_CHECK(r.status == first.status && r.bad_offset == first.bad_offset &&
						   r.bad_pos == first.bad_pos);
			else
				FUZZ_CHECK((r.status == LC_OK || r.status == LC_TOO_LONG) &&
						   r.nchars == first.nchars);
		}
	}

	/* a valid code is a fixed point */
	if (first.status == LC_OK || first.status == LC_TOO_LONG)
	{
		lc_result	again = lc_parse(s + first.start, first.len, 0);

		FUZZ_CHECK(again.start == 0 && again.len == first.len && again.nchars == first.nchars);
	}

	/* ASCII only */
	{
		lc_result	a = lc_parse_with(s, n, 0, NULL, NULL);
		lc_result	full = lc_parse(s, n, 0);
		size_t		high = 0;

		while (high < n && u[high] < 0x80)
			high++;
		FUZZ_CHECK(a.start == full.start && a.len == full.len);
		if (high == n)
			FUZZ_CHECK(a.status == full.status && a.nchars == full.nchars &&
					   a.bad_offset == full.bad_offset && a.bad_pos == full.bad_pos);
		else
		{
			FUZZ_CHECK(a.status == LC_BAD_BYTES || a.status == LC_BAD_CHAR);
			FUZZ_CHECK(a.bad_offset <= high);
			FUZZ_CHECK(a.status == LC_BAD_CHAR || a.bad_offset == high);
		}
	}

	/* GS1 safety */
	{
		size_t		g = lc_gs1_offset(s, n);

		FUZZ_CHECK(g <= n);
		for (size_t i = 0; i < g; i++)
			FUZZ_CHECK(cset82_char(u[i]));
		if (g < n)
			FUZZ_CHECK(!cset82_char(u[g]));
		if (first.status == LC_OK &&
			lc_gs1_offset(s + first.start, first.len) == first.len)
			for (size_t i = first.start; i < first.start + first.len; i++)
				FUZZ_CHECK(u[i] < 0x80);
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
