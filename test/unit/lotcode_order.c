/*
 * lotcode_order.c — standalone checks of lc_parse and lc_natural_cmp.
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
 * 4. lc_parse on edge cases, and on random junk (must not crash; the answer
 *    must agree with a naive re-implementation).
 */
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

/* Naive lc_parse for comparison. */
static lc_result
naive_parse(const char *s, size_t n, size_t maxlen)
{
	lc_result	r = {LC_OK, 0, 0, 0};
	size_t		b = 0,
				e = n,
				i;

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
	for (i = b; i < e; i++)
		if (!strchr("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz", s[i]) || !s[i])
		{
			r.status = LC_BAD_CHAR;
			r.bad_offset = i;
			return r;
		}
	if (r.len > maxlen)
		r.status = LC_TOO_LONG;
	return r;
}

static void
parse_checks(void)
{
	lc_result	r;
	static char big[1000000];
	char		junk[80];
	int			t;

	r = lc_parse("  AB-1 \t", 8, 0);
	CHECK(r.status == LC_OK && r.start == 2 && r.len == 4, "trim");
	r = lc_parse(" \n ", 3, 0);
	CHECK(r.status == LC_EMPTY, "blank");
	r = lc_parse("", 0, 0);
	CHECK(r.status == LC_EMPTY, "empty");
	r = lc_parse(NULL, 0, 0);
	CHECK(r.status == LC_EMPTY, "NULL");
	r = lc_parse(" A~B", 4, 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_offset == 2, "bad char offset");
	r = lc_parse("A B", 3, 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_offset == 1, "inner space");
	r = lc_parse("AB\0C", 4, 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_offset == 2, "NUL byte");
	r = lc_parse("ABCDEF", 6, 5);
	CHECK(r.status == LC_TOO_LONG && r.len == 6, "typmod");
	r = lc_parse("ABCDE", 5, 5);
	CHECK(r.status == LC_OK, "typmod exact");
	memset(big, 'A', sizeof(big));
	r = lc_parse(big, sizeof(big), 0);
	CHECK(r.status == LC_TOO_LONG && r.len == sizeof(big), "1 MB");
	big[sizeof(big) - 1] = (char) 0xff;
	r = lc_parse(big, sizeof(big), 0);
	CHECK(r.status == LC_BAD_CHAR && r.bad_offset == sizeof(big) - 1, "bad char wins over length");

	srand(777);
	for (t = 0; t < 200000; t++)
	{
		size_t		n = rand() % sizeof(junk),
					i;
		lc_result	a,
					b;

		for (i = 0; i < n; i++)
		{
			int			k = rand() % 4;

			junk[i] = k == 0 ? (char) (rand() % 256) : k == 1 ? ' ' : "A1-~"[rand() % 4];
		}
		a = lc_parse(junk, n, t % 60);
		b = naive_parse(junk, n, t % 60);
		if (a.status != b.status || a.start != b.start || a.len != b.len ||
			a.bad_offset != b.bad_offset)
		{
			CHECK(0, "lc_parse disagrees with naive parser on random input %d", t);
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
	parse_checks();

	if (failures)
	{
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all unit checks passed\n");
	return 0;
}
