/*
 * lotcode_order.c — standalone checks of the lotcode core: lc_parse and
 * its character rules, lc_gs1_offset, lc_natural_cmp.
 *
 *     test/unit/run-unit.sh          (or: cc -Isrc test/unit/lotcode_order.c src/lotcode_core.c)
 *
 * 1. Examples from API.md §1 (L2 < L10, A < A1 < A2 < A10 < B, A01 vs A1).
 * 2. Total order, checked exhaustively: every string of length 0..5 over an
 *    alphabet chosen to hit the corner cases (digits with leading zeros,
 *    bytes just below and above the digits, letters, a high byte) is
 *    generated, sorted with lc_natural_cmp, and then every pair (i < j) of
 *    the sorted array must compare < 0 and every pair must be antisymmetric.
 *    A comparator that passes this on a set is a strict total order on it
 *    (sorting alone could hide a cycle; the all-pairs check cannot).
 * 3. Random long strings with long digit runs: the same all-pairs check.
 * 4. Characters: lc_char_class_of on every code point against the list in
 *    docs/lotcode.md (searched linearly here); lc_decode_utf8 on every
 *    scalar value, every 1- to 3-byte sequence and the edges of 4-byte
 *    ones against a naive decoder (shortest encoding by trial).
 * 5. lc_parse, lc_parse_with, lc_gs1_offset and lc_trim on edge cases
 *    (ERP history such as "LOT 7/26" and "Café-01", each refused class,
 *    invalid UTF-8, lengths in characters, a decoder of one's own), and
 *    lc_parse on random junk (must not crash; the answer must agree with a
 *    naive re-implementation).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lotcode_core.h"
#include "cset.h"

typedef struct str
{
	char		b[64];
	size_t		n;
} str;

static int	failures = 0;

#define CHECK(cond, ...) \
	do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		 fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static int
cmp_str(const void *x, const void *y)
{
	const str  *a = x;
	const str  *b = y;

	return lc_natural_cmp(a->b, a->n, b->b, b->n);
}

static int
cmp(const char *a, const char *b)
{
	return lc_natural_cmp(a, strlen(a), b, strlen(b));
}

/* Sort arr and check that it is a strict total order on it. */
static void
check_total(str *arr, size_t n, const char *what)
{
	size_t		i,
				j;
	long		bad = 0;

	qsort(arr, n, sizeof(str), cmp_str);
	for (i = 0; i < n && bad < 10; i++)
	{
		int			self = cmp_str(&arr[i], &arr[i]);

		if (self != 0)
		{
			bad++;
			fprintf(stderr, "FAIL %s: x != x for \"%.*s\"\n", what, (int) arr[i].n, arr[i].b);
		}
		for (j = i + 1; j < n; j++)
		{
			int			f = cmp_str(&arr[i], &arr[j]);
			int			r = cmp_str(&arr[j], &arr[i]);
			int			same = arr[i].n == arr[j].n && memcmp(arr[i].b, arr[j].b, arr[i].n) == 0;

			if (same)
				continue;		/* duplicates (random set) */
			if (f >= 0 || r <= 0 || f != -r)
			{
				bad++;
				fprintf(stderr, "FAIL %s: \"%.*s\" (pos %zu) vs \"%.*s\" (pos %zu): %d / %d\n",
						what, (int) arr[i].n, arr[i].b, i, (int) arr[j].n, arr[j].b, j, f, r);
				if (bad >= 10)
					break;
			}
		}
	}
	failures += bad;
	printf("%s: %zu strings, %s\n", what, n, bad ? "NOT a total order" : "total order");
}

static void
examples(void)
{
	const char *chain[] = {"A", "A1", "A2", "A10", "B"};
	size_t		i;

	CHECK(cmp("L2", "L10") < 0, "L2 < L10");
	CHECK(cmp("L10", "L2") > 0, "L10 > L2");
	for (i = 0; i + 1 < sizeof(chain) / sizeof(chain[0]); i++)
		CHECK(cmp(chain[i], chain[i + 1]) < 0, "%s < %s", chain[i], chain[i + 1]);
	CHECK(cmp("A01", "A1") < 0 && cmp("A1", "A01") > 0, "A01 < A1 (byte tie-break)");
	CHECK(cmp("A01", "A2") < 0, "A01 < A2");
	CHECK(cmp("A1", "A1") == 0, "A1 = A1");
	CHECK(cmp("a", "A") > 0, "case: byte order");
	CHECK(cmp("99999999999999999999999", "100000000000000000000000") < 0, "beyond 64 bits");
	CHECK(cmp("X18446744073709551616", "X18446744073709551615") > 0, "2^64 > 2^64-1");
	CHECK(cmp("000", "0") > 0 && cmp("0", "00") < 0, "zeros");
	CHECK(cmp("", "") == 0 && cmp("", "0") < 0, "empty");
	CHECK(cmp("A/", "A1") < 0 && cmp("A1", "A:") < 0, "digit run vs byte");
	CHECK(lc_natural_cmp(NULL, 0, "A", 1) < 0, "NULL");
	printf("examples: done\n");
}

/* All strings of length 0..maxlen over alpha, into arr; returns count. */
static size_t
gen_all(str *arr, const char *alpha, int maxlen)
{
	size_t		k = strlen(alpha);
	size_t		n = 0;
	int			len;

	for (len = 0; len <= maxlen; len++)
	{
		size_t		total = 1,
					x;
		int			p;

		for (p = 0; p < len; p++)
			total *= k;
		for (x = 0; x < total; x++)
		{
			size_t		v = x;

			for (p = 0; p < len; p++)
			{
				arr[n].b[p] = alpha[v % k];
				v /= k;
			}
			arr[n].n = len;
			n++;
		}
	}
	return n;
}

static void
random_long(void)
{
	static str	arr[3000];
	const char *alpha = "0000011119Aa/:-";
	size_t		i;

	srand(12345);
	for (i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)
	{
		size_t		len = rand() % 40,
					p;

		for (p = 0; p < len; p++)
			arr[i].b[p] = alpha[rand() % strlen(alpha)];
		arr[i].n = len;
	}
	check_total(arr, sizeof(arr) / sizeof(arr[0]), "random length 0..39");
}

/* ---------------------------------------------------------------------
 * Characters: an independent reading of docs/lotcode.md
 * ---------------------------------------------------------------------
 */

/*
 * The refused code points as docs/lotcode.md lists them, searched linearly
 * (lotcode_core.c searches its own table by halves); the noncharacters by
 * their definition.
 */
static const struct
{
	uint32_t	lo,
				hi;
	lc_char_class k;
}			doc_refused[] = {
	{0x0000, 0x001F, LC_CHAR_CONTROL}, {0x007F, 0x009F, LC_CHAR_CONTROL},
	{0x00A0, 0x00A0, LC_CHAR_SPACE}, {0x1680, 0x1680, LC_CHAR_SPACE},
	{0x2000, 0x200A, LC_CHAR_SPACE}, {0x2028, 0x2029, LC_CHAR_SPACE},
	{0x202F, 0x202F, LC_CHAR_SPACE}, {0x205F, 0x205F, LC_CHAR_SPACE},
	{0x3000, 0x3000, LC_CHAR_SPACE},
	{0x00AD, 0x00AD, LC_CHAR_INVISIBLE}, {0x034F, 0x034F, LC_CHAR_INVISIBLE},
	{0x0600, 0x0605, LC_CHAR_INVISIBLE}, {0x061C, 0x061C, LC_CHAR_INVISIBLE},
	{0x06DD, 0x06DD, LC_CHAR_INVISIBLE}, {0x070F, 0x070F, LC_CHAR_INVISIBLE},
	{0x0890, 0x0891, LC_CHAR_INVISIBLE}, {0x08E2, 0x08E2, LC_CHAR_INVISIBLE},
	{0x115F, 0x1160, LC_CHAR_INVISIBLE}, {0x17B4, 0x17B5, LC_CHAR_INVISIBLE},
	{0x180B, 0x180F, LC_CHAR_INVISIBLE}, {0x200B, 0x200F, LC_CHAR_INVISIBLE},
	{0x202A, 0x202E, LC_CHAR_INVISIBLE}, {0x2060, 0x206F, LC_CHAR_INVISIBLE},
	{0x2800, 0x2800, LC_CHAR_INVISIBLE}, {0x3164, 0x3164, LC_CHAR_INVISIBLE},
	{0xFE00, 0xFE0F, LC_CHAR_INVISIBLE}, {0xFEFF, 0xFEFF, LC_CHAR_INVISIBLE},
	{0xFFA0, 0xFFA0, LC_CHAR_INVISIBLE}, {0xFFF9, 0xFFFB, LC_CHAR_INVISIBLE},
	{0x110BD, 0x110BD, LC_CHAR_INVISIBLE}, {0x110CD, 0x110CD, LC_CHAR_INVISIBLE},
	{0x13430, 0x1343F, LC_CHAR_INVISIBLE}, {0x1BCA0, 0x1BCA3, LC_CHAR_INVISIBLE},
	{0x1D173, 0x1D17A, LC_CHAR_INVISIBLE}, {0xE0000, 0xE007F, LC_CHAR_INVISIBLE},
	{0xE0100, 0xE01EF, LC_CHAR_INVISIBLE},
	{0xFFFC, 0xFFFD, LC_CHAR_REPLACEMENT},
	{0xE000, 0xF8FF, LC_CHAR_PRIVATE}, {0xF0000, 0x10FFFF, LC_CHAR_PRIVATE},
	{0xD800, 0xDFFF, LC_CHAR_SURROGATE},
};

static lc_char_class
naive_class(uint32_t cp)
{
	if (cp > 0x10FFFF)
		return LC_CHAR_UNMAPPED;
	if ((cp >= 0xFDD0 && cp <= 0xFDEF) || cp % 0x10000 == 0xFFFE || cp % 0x10000 == 0xFFFF)
		return LC_CHAR_NONCHAR;
	for (size_t i = 0; i < sizeof(doc_refused) / sizeof(doc_refused[0]); i++)
		if (cp >= doc_refused[i].lo && cp <= doc_refused[i].hi)
			return doc_refused[i].k;
	return LC_CHAR_OK;
}

/* UTF-8 of a code point (no checks): its length. */
static size_t
encode_utf8(uint32_t cp, unsigned char *o)
{
	if (cp < 0x80)
	{
		o[0] = (unsigned char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		o[0] = (unsigned char) (0xC0 | (cp >> 6));
		o[1] = (unsigned char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		o[0] = (unsigned char) (0xE0 | (cp >> 12));
		o[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char) (0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char) (0xF0 | (cp >> 18));
	o[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char) (0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Naive UTF-8 decoding: the bytes at p are a character of length L when
 * they are exactly the shortest encoding of a scalar value (not a
 * surrogate, at most U+10FFFF), found by trying every candidate.
 */
static size_t
naive_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	for (size_t len = 1; len <= 4 && len <= avail; len++)
	{
		uint32_t	v;
		unsigned char o[4];

		if (len == 1)
			v = p[0];
		else
		{
			v = p[0] & (0x7F >> len);
			for (size_t k = 1; k < len; k++)
				v = (v << 6) | (p[k] & 0x3F);
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			continue;
		if (encode_utf8(v, o) == len && memcmp(o, p, len) == 0)
		{
			*cp = v;
			return len;
		}
	}
	return 0;
}

static void
char_checks(void)
{
	long		bad = 0;
	unsigned char b[4];
	uint32_t	cp;

	/* the classes: every code point, and a few beyond */
	for (uint32_t c = 0; c <= 0x110010 && bad < 10; c++)
		if (lc_char_class_of(c) != naive_class(c))
		{
			bad++;
			fprintf(stderr, "FAIL class of U+%04X: %d, documented %d\n", c,
					lc_char_class_of(c), naive_class(c));
		}
	CHECK(lc_char_class_of(LC_NO_CP) == LC_CHAR_UNMAPPED, "LC_NO_CP");
	CHECK(lc_char_class_of(' ') == LC_CHAR_OK && lc_char_class_of(0xE9) == LC_CHAR_OK &&
		  lc_char_class_of(0x1F600) == LC_CHAR_OK && lc_char_class_of(0x4E2D) == LC_CHAR_OK,
		  "ordinary characters");

	/* decoding: every scalar value round-trips */
	for (uint32_t c = 0; c <= 0x10FFFF && bad < 10; c++)
	{
		size_t		n;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = encode_utf8(c, b);
		if (lc_decode_utf8(b, n, &cp, NULL) != n || cp != c)
		{
			bad++;
			fprintf(stderr, "FAIL decode U+%04X\n", c);
		}
		if (n > 1 && lc_decode_utf8(b, n - 1, &cp, NULL) != 0)
		{
			bad++;
			fprintf(stderr, "FAIL decode of a cut U+%04X\n", c);
		}
	}
	/* every 1-, 2- and 3-byte sequence agrees with the naive decoder */
	for (uint32_t x = 0; x < 0x1000000 && bad < 10; x++)
	{
		uint32_t	c1 = 0,
					c2 = 0;
		size_t		n1,
					n2;

		b[0] = (unsigned char) (x >> 16);
		b[1] = (unsigned char) (x >> 8);
		b[2] = (unsigned char) x;
		if (b[0] < 0x80)
			continue;			/* ASCII first bytes: one character */
		n1 = lc_decode_utf8(b, 3, &c1, NULL);
		n2 = naive_decode(b, 3, &c2);
		if (n1 != n2 || (n1 && c1 != c2))
		{
			bad++;
			fprintf(stderr, "FAIL decode %02X %02X %02X: %zu / %zu\n", b[0], b[1], b[2], n1, n2);
		}
	}
	/* 4-byte sequences: every lead and second byte, edge values after them */
	{
		static const unsigned char edge[] = {0x00, 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xFF};

		for (unsigned l = 0xF0; l <= 0xFF; l++)
			for (unsigned s2 = 0; s2 < 256; s2++)
				for (size_t i = 0; i < sizeof(edge); i++)
					for (size_t j = 0; j < sizeof(edge); j++)
					{
						uint32_t	c1 = 0,
									c2 = 0;
						size_t		n1,
									n2;

						b[0] = (unsigned char) l;
						b[1] = (unsigned char) s2;
						b[2] = edge[i];
						b[3] = edge[j];
						n1 = lc_decode_utf8(b, 4, &c1, NULL);
						n2 = naive_decode(b, 4, &c2);
						if ((n1 != n2 || (n1 && c1 != c2)) && bad < 10)
						{
							bad++;
							fprintf(stderr, "FAIL decode %02X %02X %02X %02X\n", b[0], b[1], b[2], b[3]);
						}
					}
	}
	failures += bad;
	printf("characters: %s\n", bad ? "FAILED" : "classes as documented, UTF-8 as defined");
}

/*
 * Naive lc_parse for comparison: decode the whole trimmed code first, then
 * judge the characters one by one.
 */
static lc_result
naive_parse(const char *s, size_t n, size_t maxlen)
{
	const unsigned char *u = (const unsigned char *) s;
	lc_result	r;
	size_t		b = 0,
				e = n,
				i,
				pos;

	memset(&r, 0, sizeof(r));
	if (maxlen == 0 || maxlen > LC_MAX_LEN)
		maxlen = LC_MAX_LEN;
	while (b < e && strchr(" \t\n\r\v\f", s[b]) && s[b])
		b++;
	while (e > b && strchr(" \t\n\r\v\f", s[e - 1]) && s[e - 1])
		e--;
	r.start = b;
	r.len = e - b;
	if (r.len == 0)
	{
		r.status = LC_EMPTY;
		return r;
	}
	pos = b;
	for (i = b; i < e;)
	{
		uint32_t	cp = 0;
		size_t		l = naive_decode(u + i, e - i, &cp);
		lc_char_class k;

		pos++;
		if (l == 0)
		{
			r.status = LC_BAD_BYTES;
			r.bad_offset = i;
			r.bad_pos = pos;
			return r;
		}
		k = naive_class(cp);
		if (k == LC_CHAR_OK && cp == ' ' && i > b && u[i - 1] == ' ')
			k = LC_CHAR_DOUBLE_SPACE;
		if (k != LC_CHAR_OK)
		{
			r.status = LC_BAD_CHAR;
			r.bad_offset = i;
			r.bad_pos = pos;
			r.bad_cp = cp;
			r.bad_class = k;
			return r;
		}
		r.nchars++;
		i += l;
	}
	if (r.nchars > maxlen)
		r.status = LC_TOO_LONG;
	return r;
}

static bool
same_result(lc_result a, lc_result b)
{
	if (a.status != b.status || a.start != b.start || a.len != b.len)
		return false;
	if (a.status == LC_OK || a.status == LC_TOO_LONG)
		return a.nchars == b.nchars;
	if (a.status == LC_BAD_BYTES)
		return a.bad_offset == b.bad_offset && a.bad_pos == b.bad_pos;
	if (a.status == LC_BAD_CHAR)
		return a.bad_offset == b.bad_offset && a.bad_pos == b.bad_pos &&
			a.bad_cp == b.bad_cp && a.bad_class == b.bad_class;
	return true;
}

/* Latin-1 as an lc_decoder: every byte is its code point; 0x81 has none. */
static size_t
latin1_decoder(const unsigned char *p, size_t avail, uint32_t *cp, void *arg)
{
	int		   *calls = arg;

	(*calls)++;
	if (p[0] == 0x8F)
		return 0;				/* pretend: not a character */
	if (p[0] == 0x8E)
		return avail + 1;		/* a broken decoder: claims too much */
	*cp = p[0] == 0x81 ? LC_NO_CP : p[0];
	return 1;
}

/* lc_parse of a NUL-terminated string. */
static lc_result
P(const char *s, size_t maxlen)
{
	return lc_parse(s, strlen(s), maxlen);
}

static void
parse_checks(void)
{
	lc_result	r;
	static char big[1000000];
	char		junk[80];
	char		buf[256];
	int			calls = 0;
	int			t;

	r = lc_parse("  AB-1 \t", 8, 0);
	CHECK(r.status == LC_OK && r.start == 2 && r.len == 4 && r.nchars == 4, "trim");
	r = lc_parse(" \n ", 3, 0);
	CHECK(r.status == LC_EMPTY && r.len == 0, "blank");
	r = lc_parse("", 0, 0);
	CHECK(r.status == LC_EMPTY, "empty");
	r = lc_parse(NULL, 0, 0);
	CHECK(r.status == LC_EMPTY, "NULL");

	/* what ERP history holds */
	r = P("LOT 7/26", 0);
	CHECK(r.status == LC_OK && r.nchars == 8, "LOT 7/26");
	r = P("Caf\xc3\xa9-01", 0);
	CHECK(r.status == LC_OK && r.len == 8 && r.nchars == 7, "Café-01: 7 characters, 8 bytes");
	r = P("\xc3\x85\xc3\x84\xc3\x96", 3);
	CHECK(r.status == LC_OK && r.nchars == 3, "ÅÄÖ fits lotcode(3)");
	r = P("\xc3\x85\xc3\x84\xc3\x96", 2);
	CHECK(r.status == LC_TOO_LONG && r.nchars == 3, "ÅÄÖ does not fit lotcode(2)");
	r = P("\xe4\xb8\xad\xe6\x96\x87-7 \xd0\x9b\xd0\xbe\xd1\x82", 0);
	CHECK(r.status == LC_OK && r.nchars == 8, "中文-7 Лот: 8 characters");
	r = P("A~#$@[\\]^`{|}B", 0);
	CHECK(r.status == LC_OK, "ASCII punctuation outside set 82");
	r = P("L-\xf0\x9f\x98\x80", 0);
	CHECK(r.status == LC_OK && r.nchars == 3, "emoji");
	r = P("e\xcc\x81", 0);
	CHECK(r.status == LC_OK && r.nchars == 2, "combining acute: two characters");

	/* refused: classes, offsets, positions */
	r = P(" A~B  C", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_DOUBLE_SPACE &&
		  r.bad_offset == 5 && r.bad_pos == 6 && r.bad_cp == ' ', "double space");
	r = P("A\tB", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_CONTROL && r.bad_cp == 9 &&
		  r.bad_pos == 2, "inner tab");
	r = lc_parse("AB\0C", 4, 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_offset == 2 && r.bad_class == LC_CHAR_CONTROL, "NUL byte");
	r = P("A\x7f", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_CONTROL, "DEL");
	r = P("A\xc2\x85", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_CONTROL && r.bad_cp == 0x85, "NEL");
	r = P("\xc3\x85\xc3\x84\xe2\x80\x8b\xc3\x96", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_INVISIBLE && r.bad_cp == 0x200B &&
		  r.bad_offset == 4 && r.bad_pos == 3, "zero width space after two letters");
	r = P("X\xc2\xa0Y", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_SPACE && r.bad_cp == 0xA0, "NBSP");
	r = P("X\xe3\x80\x80Y", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_SPACE && r.bad_cp == 0x3000, "ideographic space");
	r = P("X\xc2\xad", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_INVISIBLE, "soft hyphen");
	r = P("\xef\xbb\xbfX", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_cp == 0xFEFF && r.bad_pos == 1, "BOM");
	r = P("X\xef\xb8\x8f", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_cp == 0xFE0F, "variation selector 16");
	r = P("X\xf3\xa0\x80\x81", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_cp == 0xE0001 && r.bad_class == LC_CHAR_INVISIBLE, "tag");
	r = P("X\xee\x80\x80", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_PRIVATE, "private use");
	r = P("X\xef\xbf\xbe", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_NONCHAR, "U+FFFE");
	r = P("X\xf0\x9f\xbf\xbf", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_NONCHAR && r.bad_cp == 0x1FFFF, "U+1FFFF");
	r = P("X\xef\xbf\xbd", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_REPLACEMENT, "U+FFFD");
	r = P("X\xe2\x80\xa8Y", 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_SPACE, "line separator");

	/* invalid UTF-8 */
	r = P("AB\xed\xa0\x80", 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 2 && r.bad_pos == 3, "encoded surrogate");
	r = P("A\xc0\xaf", 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 1, "overlong /");
	r = P("A\xc3", 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 1, "cut character");
	r = P("A\xc3 ", 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 1, "cut character before trailing blank");
	r = P("A\xf4\x90\x80\x80", 0);
	CHECK(r.status == LC_BAD_BYTES, "above U+10FFFF");
	r = P("\x80", 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_pos == 1, "lone continuation byte");

	/* length in characters */
	buf[0] = '\0';
	for (t = 0; t < 50; t++)
		strcat(buf, "\xc3\xa9");
	r = P(buf, 0);
	CHECK(r.status == LC_OK && r.nchars == 50 && r.len == 100, "50 x é");
	strcat(buf, "\xc3\xa9");
	r = P(buf, 0);
	CHECK(r.status == LC_TOO_LONG && r.nchars == 51, "51 x é");
	r = lc_parse("ABCDEF", 6, 5);
	CHECK(r.status == LC_TOO_LONG && r.len == 6 && r.nchars == 6, "typmod");
	r = lc_parse("ABCDE", 5, 5);
	CHECK(r.status == LC_OK, "typmod exact");
	memset(big, 'A', sizeof(big));
	r = lc_parse(big, sizeof(big), 0);
	CHECK(r.status == LC_TOO_LONG && r.len == sizeof(big) && r.nchars == sizeof(big), "1 MB");
	big[sizeof(big) - 1] = (char) 0xff;
	r = lc_parse(big, sizeof(big), 0);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == sizeof(big) - 1, "bad bytes win over length");
	big[sizeof(big) - 1] = 0x01;
	r = lc_parse(big, sizeof(big), 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_pos == sizeof(big), "bad char wins over length");

	/* other encodings: ASCII only, and a decoder of one's own */
	r = lc_parse_with("LOT 7", 5, 0, NULL, NULL);
	CHECK(r.status == LC_OK, "ASCII only: ASCII");
	r = lc_parse_with("Caf\xc3\xa9", 5, 0, NULL, NULL);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 3, "ASCII only: UTF-8 refused");
	r = lc_parse_with("  Caf\xe9 x", 8, 0, latin1_decoder, &calls);
	CHECK(r.status == LC_OK && r.start == 2 && r.nchars == 6 && calls == 1,
		  "Latin-1 decoder: é, called once, for the byte above 0x7F only");
	r = lc_parse_with("X\xa0Y", 3, 0, latin1_decoder, &calls);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_SPACE, "Latin-1 NBSP");
	r = lc_parse_with("XY\x81", 3, 0, latin1_decoder, &calls);
	CHECK(r.status == LC_BAD_CHAR && r.bad_class == LC_CHAR_UNMAPPED && r.bad_cp == LC_NO_CP &&
		  r.bad_pos == 3, "no Unicode equivalent");
	r = lc_parse_with("X\x8f", 2, 0, latin1_decoder, &calls);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 1, "decoder: not a character");
	r = lc_parse_with("X\x8e", 2, 0, latin1_decoder, &calls);
	CHECK(r.status == LC_BAD_BYTES && r.bad_offset == 1, "decoder claiming too many bytes");

	/* GS1 safety */
	CHECK(lc_gs1_offset("AB-1/2", 6) == 6, "set 82");
	CHECK(lc_gs1_offset("LOT 7", 5) == 3, "space");
	CHECK(lc_gs1_offset("A~", 2) == 1, "tilde");
	CHECK(lc_gs1_offset("Caf\xc3\xa9", 5) == 3, "é: its first byte");
	CHECK(lc_gs1_offset("", 0) == 0 && lc_gs1_offset(NULL, 0) == 0, "empty");
	{
		int			n82 = 0;

		for (int c = 0; c < 256; c++)
		{
			char		ch = (char) c;

			n82 += lc_gs1_offset(&ch, 1) == 1;
		}
		CHECK(n82 == 82, "82 characters in set 82, not %d", n82);
	}

	/* the trim alone */
	{
		size_t		st,
					ln;

		lc_trim(" \t A  B \n", 9, &st, &ln);
		CHECK(st == 3 && ln == 4, "lc_trim");
		lc_trim(NULL, 5, &st, &ln);
		CHECK(st == 0 && ln == 0, "lc_trim NULL");
	}

	/* random junk: the same answer as the naive parser */
	srand(777);
	for (t = 0; t < 300000; t++)
	{
		size_t		n = rand() % sizeof(junk),
					i;
		lc_result	a,
					b;
		static const char *const bits[] = {
			"A", "1", "-", "~", " ", "\t", "\xc3\xa9", "\xe2\x80\x8b", "\xc2\xa0",
			"\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xef\xbf\xbe", "\xc3", "\x80"
		};

		for (i = 0; i < n;)
		{
			int			k = rand() % 3;

			if (k == 0)
				junk[i++] = (char) (rand() % 256);
			else
			{
				const char *bit = bits[rand() % (sizeof(bits) / sizeof(bits[0]))];
				size_t		l = strlen(bit);

				if (i + l > n)
					break;
				memcpy(junk + i, bit, l);
				i += l;
			}
		}
		n = i;
		a = lc_parse(junk, n, t % 60);
		b = naive_parse(junk, n, t % 60);
		if (!same_result(a, b))
		{
			CHECK(0, "lc_parse disagrees with naive parser on random input %d (%d / %d)",
				  t, a.status, b.status);
			break;
		}
		/* and ordering never misbehaves on junk */
		(void) lc_natural_cmp(junk, n, junk + n / 2, n - n / 2);
	}
	printf("lc_parse: done\n");
}

int
main(void)
{
	static str	arr[20000];
	size_t		n;

	examples();
	n = gen_all(arr, "0019A/:", 5);	/* 7^0 + ... + 7^5 = 19608 strings */
	check_total(arr, n, "all strings over \"0019A/:\" up to length 5");
	n = gen_all(arr, "01a-\xff", 6); /* 5^0 + ... + 5^6 = 19531 strings */
	check_total(arr, n, "all strings over \"01a-\\xff\" up to length 6");
	random_long();
	char_checks();
	parse_checks();

	if (failures)
	{
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all unit checks passed\n");
	return 0;
}
