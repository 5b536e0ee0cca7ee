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
 * The code points a code may not hold, besides the noncharacters (U+FDD0 to
 * U+FDEF and the last two of every plane, found by arithmetic) and the
 * rules on U+0020.  Written by hand from the Unicode 15 character
 * properties, sorted, not overlapping; everything not listed is allowed,
 * including code points that Unicode has not assigned yet.  docs/lotcode.md
 * lists the same ranges with their names.
 */
typedef struct lc_range
{
	uint32_t	lo;
	uint32_t	hi;
	lc_char_class cls;
} lc_range;

static const lc_range lc_refused[] = {
	{0x0000, 0x001F, LC_CHAR_CONTROL},	/* C0 controls (tab, LF, CR, ...) */
	{0x007F, 0x009F, LC_CHAR_CONTROL},	/* DEL, C1 controls (NEL U+0085) */
	{0x00A0, 0x00A0, LC_CHAR_SPACE},	/* no-break space */
	{0x00AD, 0x00AD, LC_CHAR_INVISIBLE},	/* soft hyphen */
	{0x034F, 0x034F, LC_CHAR_INVISIBLE},	/* combining grapheme joiner */
	{0x0600, 0x0605, LC_CHAR_INVISIBLE},	/* Arabic number signs (format) */
	{0x061C, 0x061C, LC_CHAR_INVISIBLE},	/* Arabic letter mark */
	{0x06DD, 0x06DD, LC_CHAR_INVISIBLE},	/* Arabic end of ayah (format) */
	{0x070F, 0x070F, LC_CHAR_INVISIBLE},	/* Syriac abbreviation mark */
	{0x0890, 0x0891, LC_CHAR_INVISIBLE},	/* Arabic pound / piastre mark above */
	{0x08E2, 0x08E2, LC_CHAR_INVISIBLE},	/* Arabic disputed end of ayah */
	{0x115F, 0x1160, LC_CHAR_INVISIBLE},	/* Hangul choseong / jungseong fillers */
	{0x1680, 0x1680, LC_CHAR_SPACE},	/* Ogham space mark */
	{0x17B4, 0x17B5, LC_CHAR_INVISIBLE},	/* Khmer inherent vowels */
	{0x180B, 0x180F, LC_CHAR_INVISIBLE},	/* Mongolian variation selectors, vowel separator */
	{0x2000, 0x200A, LC_CHAR_SPACE},	/* en quad ... hair space */
	{0x200B, 0x200F, LC_CHAR_INVISIBLE},	/* zero width space, ZWNJ, ZWJ, LRM, RLM */
	{0x2028, 0x2029, LC_CHAR_SPACE},	/* line and paragraph separators */
	{0x202A, 0x202E, LC_CHAR_INVISIBLE},	/* bidirectional embeddings and overrides */
	{0x202F, 0x202F, LC_CHAR_SPACE},	/* narrow no-break space */
	{0x205F, 0x205F, LC_CHAR_SPACE},	/* medium mathematical space */
	{0x2060, 0x206F, LC_CHAR_INVISIBLE},	/* word joiner, invisible operators, isolates, ... */
	{0x2800, 0x2800, LC_CHAR_INVISIBLE},	/* Braille pattern blank */
	{0x3000, 0x3000, LC_CHAR_SPACE},	/* ideographic space */
	{0x3164, 0x3164, LC_CHAR_INVISIBLE},	/* Hangul filler */
	{0xD800, 0xDFFF, LC_CHAR_SURROGATE},	/* surrogates */
	{0xE000, 0xF8FF, LC_CHAR_PRIVATE},	/* private use area */
	{0xFE00, 0xFE0F, LC_CHAR_INVISIBLE},	/* variation selectors */
	{0xFEFF, 0xFEFF, LC_CHAR_INVISIBLE},	/* zero width no-break space (BOM) */
	{0xFFA0, 0xFFA0, LC_CHAR_INVISIBLE},	/* halfwidth Hangul filler */
	{0xFFF9, 0xFFFB, LC_CHAR_INVISIBLE},	/* interlinear annotation controls */
	{0xFFFC, 0xFFFD, LC_CHAR_REPLACEMENT},	/* object replacement, replacement character */
	{0x110BD, 0x110BD, LC_CHAR_INVISIBLE},	/* Kaithi number sign */
	{0x110CD, 0x110CD, LC_CHAR_INVISIBLE},	/* Kaithi number sign above */
	{0x13430, 0x1343F, LC_CHAR_INVISIBLE},	/* Egyptian hieroglyph format controls */
	{0x1BCA0, 0x1BCA3, LC_CHAR_INVISIBLE},	/* shorthand format controls */
	{0x1D173, 0x1D17A, LC_CHAR_INVISIBLE},	/* musical symbol beam and slur controls */
	{0xE0000, 0xE007F, LC_CHAR_INVISIBLE},	/* tag characters */
	{0xE0100, 0xE01EF, LC_CHAR_INVISIBLE},	/* variation selectors supplement */
	{0xF0000, 0x10FFFF, LC_CHAR_PRIVATE},	/* supplementary private use areas A and B */
};

#define LC_NREFUSED (sizeof(lc_refused) / sizeof(lc_refused[0]))

/*
 * The class of one code point; see lotcode_core.h.
 */
lc_char_class
lc_char_class_of(uint32_t cp)
{
	size_t		lo = 0;
	size_t		hi = LC_NREFUSED;

	if (cp == LC_NO_CP || cp > 0x10FFFF)
		return LC_CHAR_UNMAPPED;
	if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
		return LC_CHAR_NONCHAR;
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (cp < lc_refused[mid].lo)
			hi = mid;
		else if (cp > lc_refused[mid].hi)
			lo = mid + 1;
		else
			return lc_refused[mid].cls;
	}
	return LC_CHAR_OK;
}

/*
 * One well-formed UTF-8 character; see lotcode_core.h.  The second byte's
 * range excludes overlong forms (after E0, F0), surrogates (after ED) and
 * code points above U+10FFFF (after F4).
 */
size_t
lc_decode_utf8(const unsigned char *p, size_t avail, uint32_t *cp, void *arg)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t		need;
	uint32_t	v;

	(void) arg;
	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0;				/* a continuation byte, or overlong C0 / C1 */
	if (c < 0xE0)
	{
		need = 2;
		v = c & 0x1F;
	}
	else if (c < 0xF0)
	{
		need = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c < 0xF5)
	{
		need = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (avail < need)
		return 0;
	for (size_t k = 1; k < need; k++)
	{
		unsigned char t = p[k];

		if (t < lo || t > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (t & 0x3F);
	}
	*cp = v;
	return need;
}

/*
 * The trim alone; see lotcode_core.h.
 */
void
lc_trim(const char *s, size_t n, size_t *start, size_t *len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		b = 0;
	size_t		e = s == NULL ? 0 : n;

	while (b < e && ascii_space(u[b]))
		b++;
	while (e > b && ascii_space(u[e - 1]))
		e--;
	*start = b;
	*len = e - b;
}

/*
 * Check s[0..n) as a code in the encoding dec reads; see lotcode_core.h.
 */
lc_result
lc_parse_with(const char *s, size_t n, size_t maxlen, lc_decoder dec, void *arg)
{
	const unsigned char *u = (const unsigned char *) s;
	lc_result	r;
	size_t		e;
	size_t		i;
	size_t		pos;
	size_t		nchars = 0;
	bool		prev_space = false;

	memset(&r, 0, sizeof(r));
	r.status = LC_OK;
	r.bad_class = LC_CHAR_OK;
	if (s == NULL)
		n = 0;
	if (maxlen == 0 || maxlen > LC_MAX_LEN)
		maxlen = LC_MAX_LEN;

	/*
	 * The common case in one pass: GS1 character set 82 is ASCII without
	 * blanks, so such a code needs neither trimming nor decoding.
	 */
	if (s != NULL && n >= 1 && n <= maxlen && lc_gs1_offset(s, n) == n)
	{
		r.len = r.nchars = n;
		return r;
	}

	lc_trim(s, n, &r.start, &r.len);
	if (r.len == 0)
	{
		r.status = LC_EMPTY;
		return r;
	}

	/*
	 * Every character is read, so a bad one is reported even when the code
	 * is also too long.  The trimmed white space is ASCII: one character per
	 * byte, so positions start at r.start.
	 */
	e = r.start + r.len;
	pos = r.start;
	for (i = r.start; i < e;)
	{
		unsigned char c = u[i];
		uint32_t	cp = 0;
		size_t		clen;
		lc_char_class k;

		pos++;
		if (c < 0x80)
		{
			cp = c;
			clen = 1;
			if (c == ' ')
				k = prev_space ? LC_CHAR_DOUBLE_SPACE : LC_CHAR_OK;
			else if (c < 0x20 || c == 0x7F)
				k = LC_CHAR_CONTROL;
			else
				k = LC_CHAR_OK;
		}
		else
		{
			clen = dec ? dec(u + i, e - i, &cp, arg) : 0;
			if (clen == 0 || clen > e - i)
			{
				r.status = LC_BAD_BYTES;
				r.bad_offset = i;
				r.bad_pos = pos;
				return r;
			}
			k = lc_char_class_of(cp);
		}
		if (k != LC_CHAR_OK)
		{
			r.status = LC_BAD_CHAR;
			r.bad_offset = i;
			r.bad_pos = pos;
			r.bad_cp = cp;
			r.bad_class = k;
			return r;
		}
		prev_space = (c == ' ');
		i += clen;
		nchars++;
	}

	r.nchars = nchars;
	if (nchars > maxlen)
		r.status = LC_TOO_LONG;
	return r;
}

/*
 * Check s[0..n), UTF-8, as a lot or serial code; see lotcode_core.h.
 */
lc_result
lc_parse(const char *s, size_t n, size_t maxlen)
{
	return lc_parse_with(s, n, maxlen, lc_decode_utf8, NULL);
}

/*
 * The first byte outside GS1 character set 82; see lotcode_core.h.
 */
size_t
lc_gs1_offset(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!cset82_char(u[i]))
			break;
	return i;
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
