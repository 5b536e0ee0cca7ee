/*
 * gs1_core.c — GS1 barcode data: the parser and validator of element
 * strings (bracketed and raw), their content checks and pairing rules.
 * Digital Link URIs are read and written by gs1_dl.c (shared declarations
 * in gs1_int.h).
 *
 * Plain C: no PostgreSQL includes, no allocation, no global state.  Every
 * loop advances through its input or is bounded by a table size, and every
 * write into a fixed buffer is bounded, so arbitrary bytes are safe to feed
 * (the fuzz harness does).
 *
 * Content checks ("linters") named by the syntax dictionary:
 *   checked: csum, csumalpha, gcppos1, gcppos2 (digits of a minimal company
 *     prefix only: there is no table of allocated prefixes), yymmd0, yymmdd,
 *     yyyymmdd, hh, mi, ss, hhmi, iso3166, iso3166999, iso3166alpha2,
 *     iso4217, iso5218, yesno, zero, nonzero, winding, hyphen, nozeroprefix,
 *     hasnondigit, pieceoftotal, posinseqslash, latitude, longitude,
 *     importeridx, mediatype, iban, pcenc;
 *   accepted without a deep check (format, length and character set still
 *     apply): packagetype (needs the UN/ECE Recommendation 21 code list),
 *     couponcode and couponposoffer (North American coupon structures).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"
#include "gs1_core.h"
#include "gs1_int.h"

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

/*
 * Record an error; the message starts with "AI (10) at position 7: " when an
 * AI and a position are known.  Always returns false.
 */
bool
gs1i_fail(gs1_error *err, gs1_errkind kind, const char *ai, size_t pos,
	 const char *fmt,...)
{
	va_list		ap;
	size_t		off = 0;
	int			r;

	err->kind = kind;
	err->pos = pos;
	err->ai[0] = '\0';
	err->hint[0] = '\0';
	if (ai && ai[0])
	{
		strncpy(err->ai, ai, GS1_MAX_AI_LEN);
		err->ai[GS1_MAX_AI_LEN] = '\0';
	}
	if (err->ai[0] && pos)
		r = snprintf(err->msg, sizeof(err->msg), "AI (%s) at position %zu: ", err->ai, pos);
	else if (err->ai[0])
		r = snprintf(err->msg, sizeof(err->msg), "AI (%s): ", err->ai);
	else if (pos)
		r = snprintf(err->msg, sizeof(err->msg), "at position %zu: ", pos);
	else
		r = 0;
	if (r > 0)
		off = (size_t) r < sizeof(err->msg) ? (size_t) r : sizeof(err->msg) - 1;
	err->msg[off] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg + off, sizeof(err->msg) - off, fmt, ap);
	va_end(ap);
	return false;
}

void
gs1i_set_hint(gs1_error *err, const char *hint)
{
	strncpy(err->hint, hint, sizeof(err->hint) - 1);
	err->hint[sizeof(err->hint) - 1] = '\0';
}

/* A byte for a message: "x" when gs1i_printable, else GS or its hex code. */
const char *
gs1i_chardesc(unsigned char c, char *buf, size_t bufsize)
{
	if (c > 0x20 && c < 0x7F)
		snprintf(buf, bufsize, "character \"%c\"", c);
	else if (c == ' ')
		snprintf(buf, bufsize, "a space");
	else if (c == GS1_GS)
		snprintf(buf, bufsize, "a group separator (GS)");
	else
		snprintf(buf, bufsize, "byte 0x%02X", c);
	return buf;
}

/* Printable copy of s[0..n) for a message (other bytes become '?'). */
const char *
gs1i_printable(const char *s, size_t n, char *buf, size_t bufsize)
{
	size_t		i;

	if (n > bufsize - 1)
		n = bufsize - 1;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		buf[i] = (c > 0x20 && c < 0x7F && c != '"') ? (char) c : '?';
	}
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

bool
gs1i_all_digits(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!ascii_digit((unsigned char) s[i]))
			return false;
	return true;
}

static int
num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
num_n(const char *s, size_t n)
{
	int			v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool
in_u16_list(const uint16_t *list, int size, int v)
{
	int			lo = 0,
				hi = size - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (list[mid] == v)
			return true;
		if (list[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static bool
is_alpha2(const char *s)
{
	int			lo = 0,
				hi = gs1_iso3166_alpha2_size - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strncmp(gs1_iso3166_alpha2[mid], s, 2);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static bool
is_base64url(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
gs1i_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const gs1_ai_def *
gs1_lookup_ai(const char *ai, size_t n)
{
	char		key[GS1_MAX_AI_LEN + 1];
	int			lo = 0,
				hi = gs1_ai_table_size - 1;

	if (n < 2 || n > GS1_MAX_AI_LEN || !gs1i_all_digits(ai, n))
		return NULL;
	memcpy(key, ai, n);
	key[n] = '\0';
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(gs1_ai_table[mid].ai, key);

		if (c == 0)
			return &gs1_ai_table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const gs1_element *
gs1_find(const gs1_parsed *p, const char *ai)
{
	int			i;

	for (i = 0; i < p->count; i++)
		if (strcmp(p->el[i].ai, ai) == 0)
			return &p->el[i];
	return NULL;
}

int
gs1_check_digit(const char *s, size_t n)
{
	/* GS1: no digits, no check digit */
	return n == 0 ? -1 : gs1_mod10(s, n);
}

/*
 * GS1 General Specifications 7.12: a two-digit year is taken in the current
 * century, unless that puts it 51 to 99 years into the future (then the
 * previous century) or 50 or more years into the past (then the next one).
 */
int
gs1_full_year(int yy, int current_year)
{
	int			cur_yy,
				century,
				diff;

	if (current_year < 1)
		current_year = 1;
	if (current_year > 999999)
		current_year = 999999;
	cur_yy = current_year % 100;
	century = current_year - cur_yy;
	diff = yy - cur_yy;
	if (diff >= 51)
		return century - 100 + yy;
	if (diff <= -50)
		return century + 100 + yy;
	return century + yy;
}

int
gs1_days_in_month(int y, int m)
{
	return civil_days_in_month(y, m);
}

bool
gs1_date(const char *v, size_t n, int current_year, int *y, int *m, int *d)
{
	int			dim;

	if (n != 6 || !gs1i_all_digits(v, n))
		return false;
	*y = gs1_full_year(num2(v), current_year);
	*m = num2(v + 2);
	*d = num2(v + 4);
	dim = gs1_days_in_month(*y, *m);
	if (dim == 0 || *d > dim)
		return false;
	if (*d == 0)
		*d = dim;
	return true;
}

bool
gs1_decimal_ai(const char *ai, int *decimals, int *offset)
{
	int			fam;

	if (strlen(ai) != 4 || !gs1i_all_digits(ai, 4))
		return false;
	fam = num2(ai);
	if (!((fam >= 31 && fam <= 36) || fam == 39))
		return false;
	if (gs1_lookup_ai(ai, 4) == NULL)
		return false;
	*decimals = ai[3] - '0';
	*offset = (fam == 39 && (ai[2] == '1' || ai[2] == '3')) ? 3 : 0;
	return true;
}

const char *
gs1_lint_name(gs1_lint l)
{
	static const char *const names[GS1_LINT_COUNT] = {
		"", "csum", "csumalpha", "gcppos1", "gcppos2", "yymmd0", "yymmdd",
		"yyyymmdd", "hh", "mi", "ss", "hhmi", "iso3166", "iso3166999",
		"iso3166alpha2", "iso4217", "iso5218", "yesno", "zero", "nonzero",
		"winding", "hyphen", "nozeroprefix", "hasnondigit", "pieceoftotal",
		"posinseqslash", "latitude", "longitude", "importeridx", "mediatype",
		"iban", "pcenc", "packagetype", "couponcode", "couponposoffer"
	};

	if ((int) l < 0 || l >= GS1_LINT_COUNT)
		return "";
	return names[l];
}

/* ------------------------------------------------------------------------
 * Content checks of one component c[0..n); src[i] is the input position of
 * c[i].  The component's length and character set are already checked.
 * ------------------------------------------------------------------------ */

static const char *const month_name[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static bool
lint_date6(const gs1_ai_def *def, const char *c, size_t n, const uint32_t *src,
		   int cy, bool day0, gs1_error *err)
{
	int			y,
				m,
				d,
				dim;

	if (n != 6 || !gs1i_all_digits(c, n))
		return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[0], "a date must be 6 digits YYMMDD");
	y = gs1_full_year(num2(c), cy);
	m = num2(c + 2);
	d = num2(c + 4);
	if (m < 1 || m > 12)
		return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[2],
					"invalid month \"%02d\" in date \"%.6s\"", m, c);
	if (d == 0)
	{
		if (day0)
			return true;
		gs1i_fail(err, GS1_ERR_DATE, def->ai, src[4],
			 "day \"00\" in date \"%.6s\" is not allowed for this AI", c);
		gs1i_set_hint(err, "only some dates (e.g. AI (17) expiry) may use day 00 for \"end of the month\"");
		return false;
	}
	dim = gs1_days_in_month(y, m);
	if (d > dim)
		return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[4],
					"invalid date \"%.6s\": %s %d has %d days", c, month_name[m - 1], y, dim);
	return true;
}

static bool
lint_hh_mi(const gs1_ai_def *def, const char *c, size_t n, const uint32_t *src,
		   int limit, const char *what, gs1_error *err)
{
	if (n != 2 || !gs1i_all_digits(c, 2) || num2(c) > limit)
		return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[0],
					"invalid %s \"%.*s\"", what, (int) (n > 2 ? 2 : n), c);
	return true;
}

static bool
lint_csumalpha(const gs1_ai_def *def, const char *c, size_t n, const uint32_t *src,
			   gs1_error *err)
{
	static const char cset82_order[] =
		"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
	static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned	primes[GS1_MAX_VALUE];
	unsigned	np = 0,
				cand,
				sum = 0;
	size_t		i;

	if (n < 2)
		return gs1i_fail(err, GS1_ERR_CHECK_DIGIT, def->ai, src[0],
					"too short for a check character pair");
	/* the first n-2 primes; the rightmost data character gets 2 */
	for (cand = 2; np < n - 2; cand++)
	{
		unsigned	k;
		bool		prime = true;

		for (k = 2; k * k <= cand; k++)
			if (cand % k == 0)
			{
				prime = false;
				break;
			}
		if (prime)
			primes[np++] = cand;
	}
	for (i = 0; i < n - 2; i++)
	{
		const char *p = memchr(cset82_order, c[i], sizeof(cset82_order) - 1);

		if (p == NULL || c[i] == '\0')
			return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, src[i],
						"character not allowed before the check character pair");
		sum += (unsigned) (p - cset82_order) * primes[n - 3 - i];
	}
	sum %= 1021;
	if (c[n - 2] != cset32[sum >> 5] || c[n - 1] != cset32[sum & 31])
		return gs1i_fail(err, GS1_ERR_CHECK_DIGIT, def->ai, src[n - 2],
					"check character pair is \"%c%c\", expected \"%c%c\"",
					(c[n - 2] > 0x20 && c[n - 2] < 0x7F) ? c[n - 2] : '?',
					(c[n - 1] > 0x20 && c[n - 1] < 0x7F) ? c[n - 1] : '?',
					cset32[sum >> 5], cset32[sum & 31]);
	return true;
}

static bool
lint_iban(const gs1_ai_def *def, const char *c, size_t n, const uint32_t *src,
		  gs1_error *err)
{
	unsigned	rem = 0;
	size_t		k;

	if (n < 5 || n > 34)
		return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
					"an IBAN has 5 to 34 characters, not %zu", n);
	if (!is_alpha2(c))
		return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
					"an IBAN must start with an ISO 3166 country code");
	/* mod 97 over the characters rotated by four, letters as 10..35 */
	for (k = 0; k < n; k++)
	{
		size_t		i = (k + 4) % n;
		unsigned char ch = (unsigned char) c[i];

		if (ch >= '0' && ch <= '9')
			rem = (rem * 10 + (ch - '0')) % 97;
		else if (ch >= 'A' && ch <= 'Z')
			rem = (rem * 100 + (ch - 'A' + 10)) % 97;
		else
			return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, src[i],
						"an IBAN has only digits and upper-case letters");
	}
	if (rem != 1)
		return gs1i_fail(err, GS1_ERR_CHECK_DIGIT, def->ai, src[2],
					"IBAN check digits \"%c%c\" are wrong", c[2], c[3]);
	return true;
}

static bool
lint_one(gs1_lint l, const gs1_ai_def *def, const char *c, size_t n,
		 const uint32_t *src, int cy, gs1_error *err)
{
	size_t		i;
	int			cd;

	switch (l)
	{
		case GS1_LINT_NONE:
			return true;

		case GS1_LINT_CSUM:
			cd = (n >= 2) ? gs1_check_digit(c, n - 1) : -1;
			if (cd < 0 || !ascii_digit((unsigned char) c[n - 1]))
				return gs1i_fail(err, GS1_ERR_CHECK_DIGIT, def->ai, src[0],
							"a check digit needs at least 2 digits");
			if (c[n - 1] - '0' != cd)
				return gs1i_fail(err, GS1_ERR_CHECK_DIGIT, def->ai, src[n - 1],
							"check digit is \"%c\", expected \"%d\"", c[n - 1], cd);
			return true;

		case GS1_LINT_CSUMALPHA:
			return lint_csumalpha(def, c, n, src, err);

		case GS1_LINT_GCPPOS1:
		case GS1_LINT_GCPPOS2:
			{
				size_t		off = (l == GS1_LINT_GCPPOS2) ? 1 : 0;

				if (n < off + 4)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"too short to hold a GS1 company prefix");
				for (i = off; i < off + 4; i++)
					if (!ascii_digit((unsigned char) c[i]))
						return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[i],
									"must start with a GS1 company prefix (digits)");
				return true;
			}

		case GS1_LINT_YYMMD0:
			return lint_date6(def, c, n, src, cy, true, err);
		case GS1_LINT_YYMMDD:
			return lint_date6(def, c, n, src, cy, false, err);

		case GS1_LINT_YYYYMMDD:
			{
				int			y,
							m,
							d;

				if (n != 8 || !gs1i_all_digits(c, n))
					return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[0],
								"a date must be 8 digits YYYYMMDD");
				y = num_n(c, 4);
				m = num2(c + 4);
				d = num2(c + 6);
				if (m < 1 || m > 12)
					return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[4],
								"invalid month \"%02d\" in date \"%.8s\"", m, c);
				if (d < 1 || d > gs1_days_in_month(y, m))
					return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[6],
								"invalid day \"%02d\" in date \"%.8s\"", d, c);
				return true;
			}

		case GS1_LINT_HH:
			return lint_hh_mi(def, c, n, src, 23, "hour", err);
		case GS1_LINT_MI:
			return lint_hh_mi(def, c, n, src, 59, "minute", err);
		case GS1_LINT_SS:
			return lint_hh_mi(def, c, n, src, 59, "second", err);
		case GS1_LINT_HHMI:
			if (n != 4)
				return gs1i_fail(err, GS1_ERR_DATE, def->ai, src[0], "a time must be 4 digits HHMM");
			return lint_hh_mi(def, c, 2, src, 23, "hour", err) &&
				lint_hh_mi(def, c + 2, 2, src + 2, 59, "minute", err);

		case GS1_LINT_ISO3166:
		case GS1_LINT_ISO3166999:
			if (n != 3 || !gs1i_all_digits(c, 3))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"a country code must be 3 digits");
			if (l == GS1_LINT_ISO3166999 && memcmp(c, "999", 3) == 0)
				return true;
			if (!in_u16_list(gs1_iso3166_numeric, gs1_iso3166_numeric_size, num_n(c, 3)))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"\"%.3s\" is not an ISO 3166 country code", c);
			return true;

		case GS1_LINT_ISO3166ALPHA2:
			if (n != 2 || !is_alpha2(c))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"not an ISO 3166 alpha-2 country code");
			return true;

		case GS1_LINT_ISO4217:
			if (n != 3 || !gs1i_all_digits(c, 3) ||
				!in_u16_list(gs1_iso4217_numeric, gs1_iso4217_numeric_size, num_n(c, 3)))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"\"%.3s\" is not an ISO 4217 currency code",
							n >= 3 && gs1i_all_digits(c, 3) ? c : "?");
			return true;

		case GS1_LINT_ISO5218:
			if (n != 1 || (c[0] != '0' && c[0] != '1' && c[0] != '2' && c[0] != '9'))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"an ISO 5218 code is 0, 1, 2 or 9");
			return true;

		case GS1_LINT_YESNO:
			if (n != 1 || (c[0] != '0' && c[0] != '1'))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0], "must be 0 or 1");
			return true;

		case GS1_LINT_ZERO:
			if (n != 1 || c[0] != '0')
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0], "must be 0");
			return true;

		case GS1_LINT_NONZERO:
			for (i = 0; i < n; i++)
				if (c[i] != '0')
					return true;
			return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0], "must not be zero");

		case GS1_LINT_WINDING:
			if (n != 1 || (c[0] != '0' && c[0] != '1' && c[0] != '9'))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"winding direction must be 0, 1 or 9");
			return true;

		case GS1_LINT_HYPHEN:
			for (i = 0; i < n; i++)
				if (c[i] != '-')
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[i], "must be \"-\"");
			return true;

		case GS1_LINT_NOZEROPREFIX:
			if (n > 0 && c[0] == '0')
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0], "must not start with 0");
			return true;

		case GS1_LINT_HASNONDIGIT:
			if (gs1i_all_digits(c, n))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"must contain a character that is not a digit");
			return true;

		case GS1_LINT_PIECEOFTOTAL:
			{
				size_t		h = n / 2;
				int			cmp;

				if (n == 0 || n % 2 != 0 || !gs1i_all_digits(c, n))
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"piece and total must be digits of equal width");
				for (i = 0; i < h && c[i] == '0'; i++)
					;
				if (i == h)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0], "piece number is zero");
				for (i = h; i < n && c[i] == '0'; i++)
					;
				if (i == n)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[h], "total is zero");
				cmp = memcmp(c, c + h, h);
				if (cmp > 0)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"piece number is greater than the total");
				return true;
			}

		case GS1_LINT_POSINSEQSLASH:
			{
				size_t		s;

				for (s = 0; s < n && ascii_digit((unsigned char) c[s]); s++)
					;
				if (s == 0 || s >= n - 1 || c[s] != '/' || !gs1i_all_digits(c + s + 1, n - s - 1))
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"must be \"position/total\"");
				if (c[0] == '0' || c[s + 1] == '0')
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"position and total must not be zero or start with 0");
				if (s > n - s - 1 || (s == n - s - 1 && memcmp(c, c + s + 1, s) > 0))
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"position is greater than the total");
				return true;
			}

		case GS1_LINT_LATITUDE:
		case GS1_LINT_LONGITUDE:
			{
				const char *max = (l == GS1_LINT_LATITUDE) ? "1800000000" : "3600000000";

				if (n != 10 || !gs1i_all_digits(c, n) || memcmp(c, max, 10) > 0)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
								"%s must be 10 digits, at most %s",
								l == GS1_LINT_LATITUDE ? "latitude" : "longitude", max);
				return true;
			}

		case GS1_LINT_IMPORTERIDX:
			if (n != 1 || !(ascii_digit((unsigned char) c[0]) ||
							(c[0] >= 'A' && c[0] <= 'Z') || (c[0] >= 'a' && c[0] <= 'z') ||
							c[0] == '-' || c[0] == '_'))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"importer index must be one of 0-9 A-Z a-z - _");
			return true;

		case GS1_LINT_MEDIATYPE:
			if (n != 2 || !gs1i_all_digits(c, 2) ||
				!((num2(c) >= 1 && num2(c) <= 10) || num2(c) >= 80))
				return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[0],
							"not an AIDC media type (01-10, 80-99)");
			return true;

		case GS1_LINT_IBAN:
			return lint_iban(def, c, n, src, err);

		case GS1_LINT_PCENC:
			for (i = 0; i < n; i++)
			{
				if (c[i] != '%')
					continue;
				if (i + 2 >= n || gs1i_hexval((unsigned char) c[i + 1]) < 0 ||
					gs1i_hexval((unsigned char) c[i + 2]) < 0)
					return gs1i_fail(err, GS1_ERR_CONTENT, def->ai, src[i],
								"\"%%\" must be followed by two hexadecimal digits");
				i += 2;
			}
			return true;

		case GS1_LINT_PACKAGETYPE:
		case GS1_LINT_COUPONCODE:
		case GS1_LINT_COUPONPOSOFFER:
			/* accepted without a deep check: see the file header */
			return true;

		case GS1_LINT_COUNT:
			break;
	}
	return true;
}

/* Is c[i..end) one or two '=' of base64 padding? */
static bool
base64_padding(const char *c, size_t i, size_t end)
{
	size_t		k;

	if (end - i > 2)
		return false;
	for (k = i; k < end; k++)
		if (c[k] != '=')
			return false;
	return true;
}

/* The format of an AI as the dictionary writes it ("N6 [N6]"). */
static void
format_spec(const gs1_ai_def *def, char *buf, size_t bufsize)
{
	static const char csetch[] = "NXYZ";
	size_t		off = 0;
	int			i;

	buf[0] = '\0';
	for (i = 0; i < def->ncomp && off < bufsize; i++)
	{
		const gs1_component *c = &def->comp[i];
		int			r = snprintf(buf + off, bufsize - off, "%s%s%c%s%d%s",
								 i ? " " : "", c->optional ? "[" : "",
								 csetch[c->cset & 3], c->min == c->max ? "" : "..",
								 c->max, c->optional ? "]" : "");

		if (r < 0)
			break;
		off += (size_t) r;
	}
}

/*
 * Check a whole value v[0..n) against its AI: length, then each component's
 * character set and content checks.  aipos is the AI's input position.
 */
static bool
validate_value(const gs1_ai_def *def, const vbuf *v, size_t aipos, int cy, gs1_error *err)
{
	char		spec[64];
	char		cd[32];
	size_t		n = v->len;
	size_t		off = 0;
	int			ci;

	if (n > def->maxlen)
	{
		if (def->minlen == def->maxlen)
			return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[def->maxlen],
						"value too long (%zu characters, exactly %d required)",
						n, def->maxlen);
		return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[def->maxlen],
					"value too long (%zu characters, at most %d)", n, def->maxlen);
	}
	if (n == 0)
		return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, aipos, "empty value");
	if (n < def->minlen)
	{
		if (def->minlen == def->maxlen)
			return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[0],
						"value too short (%zu characters, exactly %d required)",
						n, def->maxlen);
		return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[0],
					"value too short (%zu characters, at least %d)", n, def->minlen);
	}
	for (ci = 0; ci < def->ncomp; ci++)
	{
		const gs1_component *c = &def->comp[ci];
		size_t		take;
		size_t		i;
		int			li;

		if (c->optional && off == n)
			break;
		take = (c->min == c->max) ? c->max : n - off;
		if (n - off < c->min || take > n - off || take > c->max)
		{
			format_spec(def, spec, sizeof(spec));
			return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[off],
						"value length %zu does not fit the format %s", n, spec);
		}
		for (i = off; i < off + take; i++)
		{
			unsigned char ch = (unsigned char) v->c[i];

			switch (c->cset)
			{
				case GS1_CSET_N:
					if (!ascii_digit(ch))
						return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, v->src[i],
									"%s where a digit is required",
									gs1i_chardesc(ch, cd, sizeof(cd)));
					break;
				case GS1_CSET_X:
					if (!cset82_char(ch))
						return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, v->src[i],
									"%s is not allowed (GS1 character set 82)",
									gs1i_chardesc(ch, cd, sizeof(cd)));
					break;
				case GS1_CSET_Y:
					if (!cset39_char(ch))
						return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, v->src[i],
									"%s is not allowed (GS1 character set 39)",
									gs1i_chardesc(ch, cd, sizeof(cd)));
					break;
				default:
					/* base64url; up to two '=' of padding at the very end */
					if (!is_base64url(ch) && !base64_padding(v->c, i, off + take))
						return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, v->src[i],
									"%s is not allowed (base64url)",
									gs1i_chardesc(ch, cd, sizeof(cd)));
					break;
			}
		}
		/* base64 padding only where it completes a multiple of 3 characters */
		if (c->cset == GS1_CSET_Z && take > 0 && v->c[off + take - 1] == '=' &&
			take % 3 != 0)
			return gs1i_fail(err, GS1_ERR_CHARSET, def->ai, v->src[off + take - 1],
						"padding \"=\" is only allowed to make the length a multiple of 3");
		for (li = 0; li < GS1_MAX_LINTS && c->lint[li] != GS1_LINT_NONE; li++)
			if (!lint_one((gs1_lint) c->lint[li], def, v->c + off, take,
						  v->src + off, cy, err))
				return false;
		off += take;
	}
	if (off < n)
	{
		format_spec(def, spec, sizeof(spec));
		return gs1i_fail(err, GS1_ERR_LENGTH, def->ai, v->src[off],
					"value length %zu does not fit the format %s", n, spec);
	}
	return true;
}

/* Validate a value and append it (a repeat with the same value is dropped). */
bool
gs1i_add_element(gs1_parsed *out, const gs1_ai_def *def, size_t aipos, const vbuf *v,
			int part, int cy, gs1_error *err)
{
	gs1_element *e;
	int			i;

	if (!validate_value(def, v, aipos, cy, err))
		return false;
	for (i = 0; i < out->count; i++)
	{
		e = &out->el[i];
		if (e->def != def)
			continue;
		if (e->vlen == v->len && memcmp(e->value, v->c, v->len) == 0)
		{
			/* GS1 Digital Link: each AI at most once, even with the same value */
			if (part != GS1_PART_NONE)
				return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, aipos,
							"appears twice in the digital link (each AI may appear only once)");
			return true;
		}
		return gs1i_fail(err, GS1_ERR_DUPLICATE, def->ai, aipos,
					"appears twice with different values (\"%s\" and \"%.*s\")",
					e->value, (int) v->len, v->c);
	}
	if (out->count >= GS1_MAX_ELEMENTS)
		return gs1i_fail(err, GS1_ERR_LIMIT, def->ai, aipos,
					"more than %d element strings", GS1_MAX_ELEMENTS);
	e = &out->el[out->count++];
	e->def = def;
	memcpy(e->ai, def->ai, sizeof(e->ai));
	e->vlen = (uint8_t) v->len;
	e->part = (uint8_t) part;
	e->pos = (uint32_t) aipos;
	memcpy(e->value, v->c, v->len);
	e->value[v->len] = '\0';
	return true;
}

/* ------------------------------------------------------------------------
 * Bracketed form: (01)09506000134352(10)ABC — "\(" is a literal "(".
 * s[b..e) is the trimmed input; positions are 1-based in s.
 * ------------------------------------------------------------------------ */

bool
gs1i_parse_bracketed(const char *s, size_t b, size_t e, int cy, gs1_parsed *out,
				gs1_error *err)
{
	size_t		p = b;
	char		cd[32];

	while (p < e)
	{
		const gs1_ai_def *def;
		size_t		q;
		vbuf		v;

		if (s[p] != '(')
			return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1, "expected \"(\", found %s",
						gs1i_chardesc((unsigned char) s[p], cd, sizeof(cd)));
		for (q = p + 1; q < e && q - p <= GS1_MAX_AI_LEN + 1 && ascii_digit((unsigned char) s[q]); q++)
			;
		if (q >= e || s[q] != ')' || q - p - 1 < 2 || q - p - 1 > GS1_MAX_AI_LEN)
			return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1,
						"an AI must be 2 to 4 digits in parentheses");
		def = gs1_lookup_ai(s + p + 1, q - p - 1);
		if (def == NULL)
		{
			char		ai[GS1_MAX_AI_LEN + 1];

			memcpy(ai, s + p + 1, q - p - 1);
			ai[q - p - 1] = '\0';
			return gs1i_fail(err, GS1_ERR_UNKNOWN_AI, ai, p + 2, "unknown AI");
		}
		v.len = 0;
		for (q = q + 1; q < e && s[q] != '('; q++)
		{
			if (s[q] == '\\' && q + 1 < e && s[q + 1] == '(')
				q++;
			vbuf_put(&v, s[q], q + 1);
		}
		if (!gs1i_add_element(out, def, p + 2, &v, GS1_PART_NONE, cy, err))
			return false;
		p = q;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Raw element strings: [symbology identifier] AI value [GS] AI value ...
 * ------------------------------------------------------------------------ */

bool
gs1i_parse_raw(const char *s, size_t b, size_t e, int cy, gs1_parsed *out, gs1_error *err)
{
	static const char *const ids[] = {"C1", "d2", "Q3", "e0", "J1"};
	size_t		p = b;
	char		cd[32];

	if (s[p] == ']')
	{
		bool		ok = false;
		int			i;

		if (e - p < 3)
			return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1, "incomplete symbology identifier");
		for (i = 0; i < 5; i++)
			if (s[p + 1] == ids[i][0] && s[p + 2] == ids[i][1])
				ok = true;
		if (!ok)
		{
			char		buf[4];

			gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1,
				 "symbology identifier \"]%s\" does not announce GS1 data",
				 gs1i_printable(s + p + 1, 2, buf, sizeof(buf)));
			gs1i_set_hint(err, "GS1 data is announced by ]C1, ]d2, ]Q3, ]e0 or ]J1");
			return false;
		}
		p += 3;
	}
	/* some scanners send the leading FNC1 as a GS too */
	if (p < e && (unsigned char) s[p] == GS1_GS)
		p++;
	if (p >= e)
		return gs1i_fail(err, GS1_ERR_EMPTY, NULL, 0, "no element strings in the barcode");

	while (p < e)
	{
		const gs1_ai_def *def = NULL;
		size_t		l,
					aipos,
					max;
		vbuf		v;

		if ((unsigned char) s[p] == GS1_GS)
		{
			if (p == e - 1)
				break;			/* a trailing separator is harmless */
			return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1,
						"unexpected group separator (GS): empty element string");
		}
		for (l = 2; l <= GS1_MAX_AI_LEN && p + l <= e; l++)
		{
			if (!gs1i_all_digits(s + p, l))
				break;
			if ((def = gs1_lookup_ai(s + p, l)) != NULL)
				break;
		}
		if (def == NULL)
		{
			char		ai[GS1_MAX_AI_LEN + 1];

			for (l = 0; l < GS1_MAX_AI_LEN && p + l < e && ascii_digit((unsigned char) s[p + l]); l++)
				ai[l] = s[p + l];
			ai[l] = '\0';
			if (l < 2 && p + l >= e)
				return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1,
							"incomplete AI \"%s\" at the end of the data", ai);
			if (l < 2)
				return gs1i_fail(err, GS1_ERR_SYNTAX, NULL, p + 1 + l,
							"expected an AI (2 to 4 digits), found %s",
							gs1i_chardesc((unsigned char) s[p + l], cd, sizeof(cd)));
			return gs1i_fail(err, GS1_ERR_UNKNOWN_AI, NULL, p + 1,
						"unknown AI: no AI starts with \"%s\"", ai);
		}
		aipos = p + 1;
		p += def->ailen;
		v.len = 0;
		max = (def->flags & GS1_AI_PREDEF) ? def->maxlen : (size_t) -1;
		while (p < e && (unsigned char) s[p] != GS1_GS && v.len < max)
		{
			vbuf_put(&v, s[p], p + 1);
			p++;
		}
		/* the separator ends a variable-length value; tolerated after others */
		if (p < e && (unsigned char) s[p] == GS1_GS && p + 1 < e)
			p++;
		if (!gs1i_add_element(out, def, aipos, &v, GS1_PART_NONE, cy, err))
			return false;
	}
	if (out->count == 0)
		return gs1i_fail(err, GS1_ERR_EMPTY, NULL, 0, "no element strings in the barcode");
	return true;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

bool
gs1i_prefix_ci(const char *s, size_t n, const char *lit)
{
	size_t		l = strlen(lit);
	size_t		i;

	if (n < l)
		return false;
	for (i = 0; i < l; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != lit[i])
			return false;
	}
	return true;
}


/* ------------------------------------------------------------------------
 * Pairing rules
 * ------------------------------------------------------------------------ */

/* Does AI ai match pattern [t, te) ("31nn": n = any digit)? */
static bool
pattern_match(const char *t, const char *te, const char *ai)
{
	size_t		n = (size_t) (te - t),
				i;

	if (strlen(ai) != n)
		return false;
	for (i = 0; i < n; i++)
		if (t[i] != 'n' && t[i] != ai[i])
			return false;
	return true;
}

/* Is there an element other than self matching pattern [t, te)? */
static bool
present(const gs1_parsed *p, int self, const char *t, const char *te)
{
	int			i;

	for (i = 0; i < p->count; i++)
		if (i != self && pattern_match(t, te, p->el[i].ai))
			return true;
	return false;
}

static void
append(char *buf, size_t bufsize, size_t *o, const char *s, size_t n)
{
	if (*o >= bufsize - 1)
		return;
	if (n > bufsize - 1 - *o)
		n = bufsize - 1 - *o;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
}

int
gs1_check_pairs(const gs1_parsed *p, gs1_pair_report report, void *arg)
{
	int			problems = 0;
	int			i;

	for (i = 0; i < p->count; i++)
	{
		const gs1_ai_def *def = p->el[i].def;
		const char *g = def->req;

		/* req: each space-separated group needs one satisfied alternative */
		while (g && *g)
		{
			const char *ge = g;
			const char *a;
			bool		ok = false;
			int			nalt = 0;

			while (*ge && *ge != ' ')
				ge++;
			for (a = g; a < ge;)
			{
				const char *ae = a;
				const char *t;
				bool		all = true;

				while (ae < ge && *ae != ',')
					ae++;
				for (t = a; t < ae;)
				{
					const char *te = t;

					while (te < ae && *te != '+')
						te++;
					if (!present(p, i, t, te))
						all = false;
					t = te + 1;
				}
				if (all)
					ok = true;
				nalt++;
				a = ae + 1;
			}
			if (!ok)
			{
				char		msg[GS1_MSG_MAX];
				size_t		o = 0;

				msg[0] = '\0';
				{
					const char *lead = nalt > 1 ? "requires one of " : "requires ";

					append(msg, sizeof(msg), &o, lead, strlen(lead));
				}
				for (a = g; a < ge; a++)
				{
					if (a == g || a[-1] == ',' || a[-1] == '+')
						append(msg, sizeof(msg), &o, "(", 1);
					if (*a == ',')
						append(msg, sizeof(msg), &o, "), ", 3);
					else if (*a == '+')
						append(msg, sizeof(msg), &o, ") with ", 7);
					else
						append(msg, sizeof(msg), &o, a, 1);
				}
				append(msg, sizeof(msg), &o, ")", 1);
				report(arg, def->ai, msg);
				problems++;
			}
			g = (*ge == ' ') ? ge + 1 : ge;
		}

		/* ex: no other element may match a listed AI or pattern */
		if (def->ex)
		{
			const char *t = def->ex;

			while (*t)
			{
				const char *te = t;
				int			j;

				while (*te && *te != ',')
					te++;
				for (j = 0; j < p->count; j++)
					if (j != i && pattern_match(t, te, p->el[j].ai))
					{
						char		msg[GS1_MSG_MAX];

						snprintf(msg, sizeof(msg), "must not appear together with (%s)",
								 p->el[j].ai);
						report(arg, def->ai, msg);
						problems++;
					}
				t = (*te == ',') ? te + 1 : te;
			}
		}
	}

	/*
	 * A digital signature (8030) signs a serialised item: with it, a GDTI
	 * (253), GCN (255) or GRAI (8003) must carry its serial component.
	 */
	if (gs1_find(p, "8030"))
		for (i = 0; i < p->count; i++)
		{
			const gs1_ai_def *def = p->el[i].def;
			int			need = 0,
						c;

			if (strcmp(def->ai, "253") != 0 && strcmp(def->ai, "255") != 0 &&
				strcmp(def->ai, "8003") != 0)
				continue;
			for (c = 0; c < def->ncomp; c++)
				if (!def->comp[c].optional)
					need += def->comp[c].max;
			if (p->el[i].vlen <= need)
			{
				report(arg, def->ai, "needs its serial component together with (8030)");
				problems++;
			}
		}
	return problems;
}

