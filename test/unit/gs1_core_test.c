/*
 * gs1_core_test.c — standalone tests of the GS1 parser core (no server).
 *
 *   cc -Isrc test/unit/gs1_core_test.c src/gs1_core.c src/gs1_table.c
 *
 * 1. the century rule at its boundaries, for explicit current years;
 * 2. inputs a SQL test can not express (NUL bytes) and date validity that
 *    depends on the century (29 February of year 00);
 * 3. a bounded, seeded mutation sweep: every input either parses or fails
 *    with a complete error, and whatever parses and has a primary key
 *    survives the Digital Link round trip unchanged.
 * Built with AddressSanitizer/UBSan by test/shell/gs1_core.sh.  Prints
 * "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs1_core.h"
#include "gs1_math.h"

static int	passed,
			failed;

#define CHECK(cond, ...) \
	do { \
		if (cond) \
			passed++; \
		else \
		{ \
			failed++; \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} while (0)

static gs1_parsed P,
			Q;

static bool
parse_str(const char *s, int cy, gs1_error *err)
{
	return gs1_parse(s, strlen(s), cy, &P, err);
}

static void
test_century(void)
{
	static const struct
	{
		int			yy,
					cy,
					want;
	}			t[] = {
		/* 51..99 years ahead: previous century */
		{76, 2025, 1976}, {75, 2025, 2075}, {99, 2048, 1999}, {99, 2049, 2099},
		/* 50 or more years back: next century */
		{0, 2049, 2000}, {0, 2050, 2100}, {0, 2051, 2100}, {49, 2099, 2149},
		/* otherwise: this century */
		{26, 2026, 2026}, {0, 2026, 2000}, {30, 2079, 2030}, {30, 2080, 2130},
		{60, 2010, 2060}, {60, 2009, 1960}, {50, 2000, 2050}, {51, 2000, 1951},
	};
	size_t		i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(gs1_full_year(t[i].yy, t[i].cy) == t[i].want,
			  "full_year(%02d, %d) = %d, want %d", t[i].yy, t[i].cy,
			  gs1_full_year(t[i].yy, t[i].cy), t[i].want);
	/* absurd current years are clamped, not overflowed */
	(void) gs1_full_year(99, -2147483647 - 1);
	(void) gs1_full_year(0, 2147483647);
}

static void
test_special(void)
{
	gs1_error	err;
	static const char nul_lot[] = "(10)AB\0C";
	static const char nul_raw[] = "]d2\0" "0109506000134352";
	int			y,
				m,
				d;

	/* 29 February 2000 is valid; read in 2051, "00" means 2100, which is not a leap year */
	CHECK(parse_str("(17)000229", 2026, &err), "000229 in 2026: %s", err.msg);
	CHECK(!parse_str("(17)000229", 2051, &err) && err.kind == GS1_ERR_DATE,
		  "000229 in 2051 should be invalid");
	CHECK(gs1_date("000200", 6, 2051, &y, &m, &d) && y == 2100 && m == 2 && d == 28,
		  "000200 in 2051 -> %d-%d-%d", y, m, d);

	/* NUL bytes are data like any other byte */
	CHECK(!gs1_parse(nul_lot, sizeof(nul_lot) - 1, 2026, &P, &err) &&
		  err.kind == GS1_ERR_CHARSET && err.pos == 7, "NUL in a lot: %s", err.msg);
	CHECK(!gs1_parse(nul_raw, sizeof(nul_raw) - 1, 2026, &P, &err) &&
		  err.kind == GS1_ERR_SYNTAX, "NUL after a symbology identifier: %s", err.msg);
	CHECK(!gs1_parse("", 0, 2026, &P, &err) && err.kind == GS1_ERR_EMPTY, "empty input");

	/*
	 * A stem's host is held to the parser's host rule: a link written on
	 * "http://a_b" or "http://=" would not parse back (found by fuzz_gs1).
	 */
	{
		static char link[64 + GS1_DL_BODY_MAX];
		size_t		len;

		CHECK(parse_str("(01)09506000134352", 2026, &err), "GTIN: %s", err.msg);
		CHECK(!gs1_dl_build(&P, "http://=", 8, link, sizeof(link), &len, &err) &&
			  err.kind == GS1_ERR_STEM && err.pos == 8, "stem http://=: %s", err.msg);
		CHECK(!gs1_dl_build(&P, "https://a_b.example/x", 21, link, sizeof(link), &len, &err) &&
			  err.kind == GS1_ERR_STEM && err.pos == 10, "stem with _: %s", err.msg);
		CHECK(gs1_dl_build(&P, "https://ab.example/x_y~", 23, link, sizeof(link), &len, &err) &&
			  gs1_parse(link, len, 2026, &Q, &err), "'_' and '~' in the stem's path: %s", err.msg);
	}

	/* percent-encoding of a path segment: unreserved kept, bytes as %XX */
	{
		char		enc[3 * 16 + 1];
		size_t		n = gs1_pct_encode("T 7/\xc3\xbc-._~", 10, enc);

		CHECK(n == 18 && strcmp(enc, "T%207%2F%C3%BC-._~") == 0, "pct_encode: %s", enc);
		CHECK(gs1_pct_encode("", 0, enc) == 0 && enc[0] == '\0', "pct_encode of nothing");
		CHECK(gs1_pct_encode("a\0b", 3, enc) == 5 && memcmp(enc, "a%00b", 6) == 0, "pct_encode of NUL");
	}

	/* check digits */
	CHECK(gs1_check_digit("0950600013435", 13) == 2, "GTIN check digit");
	CHECK(gs1_check_digit("", 0) == -1 && gs1_check_digit("1a", 2) == -1, "bad check digit input");
	/* the shared arithmetic (gs1_math.h): codefmt's {CHECK} over no digits is 0, GS1's is -1 */
	CHECK(gs1_mod10("0950600013435", 13) == 2 && gs1_mod10("", 0) == 0 && gs1_mod10("1a", 2) == -1,
		  "gs1_mod10");
	CHECK(civil_days_in_month(2000, 2) == 29 && civil_days_in_month(1900, 2) == 28 &&
		  civil_days_in_month(2024, 2) == 29 && civil_days_in_month(2023, 12) == 31 &&
		  civil_days_in_month(2023, 13) == 0 && civil_days_in_month(2023, 0) == 0,
		  "civil_days_in_month");

	/* the element limit: GS1_MAX_ELEMENTS distinct AIs parse, one more does not */
	{
		char		buf[(GS1_MAX_ELEMENTS + 1) * 8 + 16];
		size_t		o = 0;
		int			i,
					k = 0;

		for (i = 0; i < gs1_ai_table_size && k <= GS1_MAX_ELEMENTS; i++)
		{
			const gs1_ai_def *def = &gs1_ai_table[i];

			if (def->ncomp == 1 && def->comp[0].cset == GS1_CSET_X && def->comp[0].min == 1 &&
				(def->comp[0].lint[0] == GS1_LINT_NONE || def->comp[0].lint[0] == GS1_LINT_PCENC))
			{
				if (k == GS1_MAX_ELEMENTS)
					CHECK(gs1_parse(buf, o, 2026, &P, &err) && P.count == GS1_MAX_ELEMENTS,
						  "%d elements: %s", GS1_MAX_ELEMENTS, err.msg);
				o += (size_t) sprintf(buf + o, "(%s)A", def->ai);
				k++;
			}
		}
		CHECK(k == GS1_MAX_ELEMENTS + 1, "enough AIs for the limit test (%d)", k);
		CHECK(!gs1_parse(buf, o, 2026, &P, &err) && err.kind == GS1_ERR_LIMIT,
			  "one element too many: %s", err.msg);
	}

	/* an over-long value of 1000 characters is reported, not copied */
	{
		char		buf[1100];

		memcpy(buf, "(10)", 4);
		memset(buf + 4, 'A', 1000);
		CHECK(!gs1_parse(buf, 1004, 2026, &P, &err) && err.kind == GS1_ERR_LENGTH &&
			  err.pos == 25, "long lot: %s", err.msg);
	}
}

/* ------------------------------------------------------------------------
 * Mutation sweep
 * ------------------------------------------------------------------------ */

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned) (rng % n);
}

static const char *const seeds[] = {
	"(01)09506000134352(17)261231(10)ABC",
	"]d201095060001343521726123110ABC\x1d" "21XYZ",
	"]C1" "00106141411234567897" "3103000500" "10L1\x1d" "21S1",
	"https://id.gs1.org/01/09506000134352/10/AB%2DC/21/S1?17=261231&3103=000500",
	"https://a/00/106141411234567897?400=PO1&linkType=x",
	"(8006)095060001343520102(8004)9506ASSET1(7040)1A2B",
	"(414)9506000134352(254)EXT1(4307)DE(4321)1(8008)261231235959",
	"(8013)1987654Ad4X4bL5ttr2310c2K(7230)AB123(8030)abc_-==",
	"(253)9506000134352X1(7007)261231270101(423)276040(3932)97812345",
	"(01)09506000134352(235)TPX1(10)L1(8112)0(4309)01234567890123456789",
};

static const char *const tokens[] = {
	"(", ")", "\x1d", "]d2", "]C1", "01", "10", "17", "21", "00", "/", "?", "&",
	"=", "%", "%2F", "+", "https://", "HTTP://", "#", "\\(", "3103", "8003",
	"0", "9", "A", "~", " ", "\x01", "\xff", "\0",
};

static bool
same_set(const gs1_parsed *a, const gs1_parsed *b)
{
	int			i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++)
	{
		const gs1_element *e = gs1_find(b, a->el[i].ai);

		if (e == NULL || e->vlen != a->el[i].vlen ||
			memcmp(e->value, a->el[i].value, e->vlen) != 0)
			return false;
	}
	return true;
}

static void
count_pair(void *arg, const char *ai, const char *problem)
{
	(void) ai;
	(void) problem;
	(*(int *) arg)++;
}

static void
test_sweep(int iterations)
{
	static char out[64 + GS1_DL_BODY_MAX];
	int			ok = 0,
				bad = 0,
				links = 0,
				it;

	for (it = 0; it < iterations; it++)
	{
		char		buf[512];
		size_t		n;
		int			k,
					muts = 1 + (int) rnd(6);
		gs1_error	err;
		size_t		outlen;
		const char *seed;

		seed = seeds[rnd(sizeof(seeds) / sizeof(seeds[0]))];
		n = strlen(seed);
		memcpy(buf, seed, n);
		for (k = 0; k < muts; k++)
		{
			unsigned	op = rnd(4);
			size_t		at = n ? rnd((unsigned) n + 1) : 0;

			if (op == 0 && n > 0 && at < n)	/* delete */
			{
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
			else if (op == 1 && at < n)	/* replace */
				buf[at] = (char) rnd(256);
			else				/* insert a token */
			{
				const char *t = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];
				size_t		tl = t[0] ? strlen(t) : 1;

				if (n + tl < sizeof(buf))
				{
					memmove(buf + at + tl, buf + at, n - at);
					memcpy(buf + at, t, tl);
					n += tl;
				}
			}
		}

		if (!gs1_parse(buf, n, 2026, &P, &err))
		{
			bad++;
			if (err.kind == GS1_OK || err.msg[0] == '\0' || err.pos > n)
			{
				CHECK(false, "incomplete error (kind %d, pos %zu, n %zu): %s",
					  err.kind, err.pos, n, err.msg);
				break;
			}
			continue;
		}
		ok++;
		{
			int			np = 0;

			gs1_check_pairs(&P, count_pair, &np);
		}
		if (!gs1_dl_build(&P, "https://x.example/", 18, out, sizeof(out), &outlen, &err))
		{
			if (err.kind != GS1_ERR_NO_KEY && err.kind != GS1_ERR_NOT_EXPRESSIBLE)
			{
				CHECK(false, "unexpected digital link failure: %s", err.msg);
				break;
			}
			continue;
		}
		links++;
		if (!gs1_parse(out, outlen, 2026, &Q, &err) || !same_set(&P, &Q))
		{
			CHECK(false, "round trip failed for %s: %s", out, err.msg);
			break;
		}
	}
	CHECK(ok > 0 && bad > 0 && links > 0, "sweep reached every outcome");
	printf("sweep: %d inputs, %d valid, %d invalid, %d digital links round-tripped\n",
		   iterations, ok, bad, links);
}

int
main(int argc, char **argv)
{
	int			iterations = argc > 1 ? atoi(argv[1]) : 200000;

	test_century();
	test_special();
	test_sweep(iterations);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
