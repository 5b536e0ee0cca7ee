/*
 * fuzz_gs1.c — libFuzzer harness for the GS1 barcode core
 * (src/gs1_core.c with its AI table src/gs1_table.c), built without
 * PostgreSQL:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *         -fno-sanitize-recover=undefined -Isrc \
 *         test/fuzz/fuzz_gs1.c src/gs1_core.c src/gs1_table.c -o fuzz_gs1
 *   ./fuzz_gs1 -dict=test/fuzz/gs1.dict test/fuzz/corpus/gs1
 *
 * (test/fuzz/run-fuzz.sh does this.)  The whole input is one barcode in any
 * of the three forms, parsed with a fixed current year (2026).
 *
 * A failed parse:
 *   - the error kind is a parse error (EMPTY .. LIMIT), the message is
 *     non-empty and terminated, the hint terminated, the AI empty or 2-4
 *     digits, the position at most the input length.
 * A successful parse:
 *   - 1..GS1_MAX_ELEMENTS elements, each AI once, each with its table entry
 *     (gs1_lookup_ai and gs1_find agree), a value of minlen..maxlen bytes,
 *     NUL-terminated, no GS byte in it; the element's position is 1-based
 *     and the AI's digits stand there in the input; the part (path / query
 *     / none) fits the form;
 *   - gs1_check_pairs: as many reports as it returns, each for an AI of the
 *     barcode with a non-empty problem text;
 *   - the elements written back in bracketed form ("(" escaped as "\(") and
 *     in raw form ("]d2", GS after variable-length values) parse to the same
 *     elements in the same order;
 *   - gs1_dl_build: fails only with NO_KEY (exactly when no element is a
 *     primary key) or NOT_EXPRESSIBLE; a link starts with the stem, parses
 *     as a Digital Link to the same elements, starting with the first
 *     primary key of the input, builds again to the same link (canonical),
 *     and trailing slashes on the stem change nothing.
 * Every input, whether it parses or not, is also used
 *   - as a Digital Link stem for a fixed valid barcode: gs1_dl_build fails
 *     only with GS1_ERR_STEM (position within the stem), or writes a link
 *     that starts with the stem (trailing slashes dropped), parses back to
 *     the same elements and builds again to the same link;
 *   - for gs1_check_digit against a direct computation (leading bytes),
 *     and gs1_date on its first six bytes (a valid calendar date, day 00
 *     meaning the month's last day, year by the century rule).
 * And for each parsed element: gs1_decimal_ai answers for exactly the
 * 31nn-36nn/39nn AIs, and gs1_date accepts every whole-value YYMMDD date.
 */
#include "gs1_core.h"

#include <string.h>

#include "cset.h"
#include "fuzz_common.h"

#define CURRENT_YEAR 2026
#define STEM "https://id.example.com/lt"

#define FIXED "(01)09506000134352(10)AB\\(1)/2(17)261231(3103)000500(21)S%1"
#define STEM_MAX 4096			/* longer inputs are not tried as stems */

/* Big buffers: static (the harness runs one input at a time). */
static gs1_parsed P,
			Q,
			F;
static char link1[STEM_MAX + GS1_DL_BODY_MAX],
			link2[STEM_MAX + GS1_DL_BODY_MAX];
static char text[GS1_MAX_ELEMENTS * (2 + GS1_MAX_AI_LEN + 2 * GS1_MAX_VALUE + 1) + 8];

static bool
ai_ok(const char *ai)
{
	size_t		n = strnlen(ai, GS1_MAX_AI_LEN + 1);

	if (n > GS1_MAX_AI_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ascii_digit((unsigned char) ai[i]))
			return false;
	return n == 0 || n >= 2;
}

static void
check_error(const gs1_error *err, size_t n, bool build)
{
	if (build)
		FUZZ_CHECK(err->kind >= GS1_ERR_STEM && err->kind <= GS1_ERR_NOT_EXPRESSIBLE);
	else
		FUZZ_CHECK(err->kind >= GS1_ERR_EMPTY && err->kind <= GS1_ERR_LIMIT);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL && err->msg[0] != '\0');
	FUZZ_CHECK(memchr(err->hint, '\0', sizeof(err->hint)) != NULL);
	FUZZ_CHECK(ai_ok(err->ai));
	FUZZ_CHECK(err->pos <= n);
}

static void
check_parsed(const gs1_parsed *p, const char *s, size_t n)
{
	FUZZ_CHECK(p->count >= 1 && p->count <= GS1_MAX_ELEMENTS);
	FUZZ_CHECK(p->form == GS1_FORM_BRACKETED || p->form == GS1_FORM_RAW ||
			   p->form == GS1_FORM_DIGITAL_LINK);
	for (int i = 0; i < p->count; i++)
	{
		const gs1_element *e = &p->el[i];
		size_t		ailen;

		FUZZ_CHECK(e->def != NULL && ai_ok(e->ai) && e->ai[0] != '\0');
		ailen = strlen(e->ai);
		FUZZ_CHECK(gs1_lookup_ai(e->ai, ailen) == e->def);
		FUZZ_CHECK(strcmp(e->def->ai, e->ai) == 0 && e->def->ailen == ailen);
		FUZZ_CHECK(gs1_find(p, e->ai) == e);
		FUZZ_CHECK(e->vlen >= e->def->minlen && e->vlen <= e->def->maxlen &&
				   e->vlen <= GS1_MAX_VALUE);
		FUZZ_CHECK(e->value[e->vlen] == '\0');
		FUZZ_CHECK(memchr(e->value, GS1_GS, e->vlen) == NULL);
		FUZZ_CHECK(e->pos >= 1 && e->pos - 1 + ailen <= n &&
				   memcmp(s + e->pos - 1, e->ai, ailen) == 0);
		if (p->form == GS1_FORM_DIGITAL_LINK)
			FUZZ_CHECK(e->part == GS1_PART_PATH || e->part == GS1_PART_QUERY);
		else
			FUZZ_CHECK(e->part == GS1_PART_NONE);
	}
}

/* Same elements, same values; in the same order when ordered. */
static bool
same_elements(const gs1_parsed *a, const gs1_parsed *b, bool ordered)
{
	if (a->count != b->count)
		return false;
	for (int i = 0; i < a->count; i++)
	{
		const gs1_element *x = &a->el[i];
		const gs1_element *y = ordered ? &b->el[i] : gs1_find(b, x->ai);

		if (y == NULL || strcmp(x->ai, y->ai) != 0 || x->vlen != y->vlen ||
			memcmp(x->value, y->value, x->vlen) != 0)
			return false;
	}
	return true;
}

typedef struct pairs
{
	const gs1_parsed *p;
	int			calls;
} pairs;

static void
pair_report(void *arg, const char *ai, const char *problem)
{
	pairs	   *pc = arg;

	FUZZ_CHECK(ai != NULL && gs1_find(pc->p, ai) != NULL);
	FUZZ_CHECK(problem != NULL && problem[0] != '\0' && strlen(problem) < GS1_MSG_MAX);
	pc->calls++;
}

static void
put(size_t *o, const char *s, size_t n)
{
	FUZZ_CHECK(*o + n < sizeof(text));
	memcpy(text + *o, s, n);
	*o += n;
}

/* p written back in bracketed form. */
static size_t
write_bracketed(const gs1_parsed *p)
{
	size_t		o = 0;

	for (int i = 0; i < p->count; i++)
	{
		const gs1_element *e = &p->el[i];

		put(&o, "(", 1);
		put(&o, e->ai, strlen(e->ai));
		put(&o, ")", 1);
		for (int j = 0; j < e->vlen; j++)
		{
			if (e->value[j] == '(')
				put(&o, "\\", 1);
			put(&o, &e->value[j], 1);
		}
	}
	return o;
}

/* p written back as raw scanner data. */
static size_t
write_raw(const gs1_parsed *p)
{
	size_t		o = 0;
	char		gs = GS1_GS;

	put(&o, "]d2", 3);
	for (int i = 0; i < p->count; i++)
	{
		const gs1_element *e = &p->el[i];

		put(&o, e->ai, strlen(e->ai));
		put(&o, e->value, e->vlen);
		if (!(e->def->flags & GS1_AI_PREDEF) && i + 1 < p->count)
			put(&o, &gs, 1);
	}
	return o;
}

/* Reference GS1 mod-10 check digit (weights 3, 1, ... from the right). */
static int
ref_check_digit(const uint8_t *s, size_t n)
{
	int			sum = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (!ascii_digit(s[i]))
			return -1;
		sum += (s[i] - '0') * (((n - i) % 2 == 1) ? 3 : 1);
	}
	return (10 - sum % 10) % 10;
}

/* The input as a stem for the fixed barcode F. */
static void
check_stem(const char *stem, size_t n)
{
	gs1_error	err;
	size_t		n1,
				n2,
				base = n;

	if (n > STEM_MAX)
		return;
	if (!gs1_dl_build(&F, stem, n, link1, sizeof(link1), &n1, &err))
	{
		check_error(&err, n, true);
		FUZZ_CHECK(err.kind == GS1_ERR_STEM);
		FUZZ_CHECK(link1[0] == '\0' && n1 == 0);
		return;
	}
	while (base > 0 && stem[base - 1] == '/')
		base--;
	FUZZ_CHECK(n1 > base && strlen(link1) == n1 && memcmp(link1, stem, base) == 0 &&
			   link1[base] == '/');
	if (!gs1_parse(link1, n1, CURRENT_YEAR, &Q, &err))
	{
		fprintf(stderr, "digital link %s: %s\n", link1, err.msg);
		FUZZ_CHECK(!"a link built on an accepted stem parses");
	}
	FUZZ_CHECK(Q.form == GS1_FORM_DIGITAL_LINK && same_elements(&F, &Q, false));
	FUZZ_CHECK(gs1_dl_build(&Q, stem, n, link2, sizeof(link2), &n2, &err));
	FUZZ_CHECK(n2 == n1 && memcmp(link1, link2, n1) == 0);
}

/* gs1_date on arbitrary bytes: true only for a real date. */
static void
check_date(const char *v, size_t n)
{
	int			y = 0,
				m = 0,
				d = 0;

	if (!gs1_date(v, n, CURRENT_YEAR, &y, &m, &d))
		return;
	FUZZ_CHECK(n == 6);
	FUZZ_CHECK(y == gs1_full_year((v[0] - '0') * 10 + (v[1] - '0'), CURRENT_YEAR));
	FUZZ_CHECK(y >= CURRENT_YEAR - 50 && y <= CURRENT_YEAR + 50);
	FUZZ_CHECK(m >= 1 && m <= 12 && d >= 1 && d <= gs1_days_in_month(y, m));
	FUZZ_CHECK(d == (v[4] - '0') * 10 + (v[5] - '0') ||
			   (v[4] == '0' && v[5] == '0' && d == gs1_days_in_month(y, m)));
}

/* Per element: the helpers the SQL value functions use. */
static void
check_helpers(const gs1_element *e)
{
	const gs1_component *c = &e->def->comp[0];
	int			dec = -1,
				off = -1,
				fam = (e->ai[0] - '0') * 10 + (e->ai[1] - '0');
	bool		decimal = strlen(e->ai) == 4 && ((fam >= 31 && fam <= 36) || fam == 39);

	FUZZ_CHECK(gs1_decimal_ai(e->ai, &dec, &off) == decimal);
	if (decimal)
		FUZZ_CHECK(dec == e->ai[3] - '0' && (off == 0 || off == 3));
	if (e->def->ncomp == 1 && c->min == 6 && c->max == 6 &&
		(c->lint[0] == GS1_LINT_YYMMDD || c->lint[0] == GS1_LINT_YYMMD0))
	{
		int			y,
					m,
					d;

		FUZZ_CHECK(gs1_date(e->value, e->vlen, CURRENT_YEAR, &y, &m, &d));
		check_date(e->value, e->vlen);
	}
	for (int i = 0; i < e->def->ncomp; i++)
		for (int l = 0; l < GS1_MAX_LINTS && e->def->comp[i].lint[l]; l++)
			FUZZ_CHECK(gs1_lint_name((gs1_lint) e->def->comp[i].lint[l])[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	gs1_error	err;
	size_t		n1,
				n2,
				tn;
	int			key = -1;

	if (F.count == 0)
	{
		FUZZ_CHECK(gs1_parse(FIXED, strlen(FIXED), CURRENT_YEAR, &F, &err));
		FUZZ_CHECK(F.count == 5);
	}
	check_stem(s, size);
	for (size_t k = 0; k <= size && k <= 40; k++)
		FUZZ_CHECK(gs1_check_digit(s, k) == ref_check_digit(data, k));
	check_date(s, size < 6 ? size : 6);

	if (!gs1_parse(s, size, CURRENT_YEAR, &P, &err))
	{
		check_error(&err, size, false);
		return 0;
	}
	FUZZ_CHECK(err.kind == GS1_OK);
	check_parsed(&P, s, size);
	for (int i = 0; i < P.count; i++)
		check_helpers(&P.el[i]);

	/* pairing rules */
	{
		pairs		pc = {&P, 0};

		FUZZ_CHECK(gs1_check_pairs(&P, pair_report, &pc) == pc.calls);
	}

	/* bracketed and raw forms of the same data */
	tn = write_bracketed(&P);
	FUZZ_CHECK(gs1_parse(text, tn, CURRENT_YEAR, &Q, &err));
	FUZZ_CHECK(Q.form == GS1_FORM_BRACKETED && same_elements(&P, &Q, true));
	tn = write_raw(&P);
	FUZZ_CHECK(gs1_parse(text, tn, CURRENT_YEAR, &Q, &err));
	FUZZ_CHECK(Q.form == GS1_FORM_RAW && same_elements(&P, &Q, true));

	/* Digital Link */
	for (int i = 0; i < P.count && key < 0; i++)
		if (P.el[i].def->dlpkey != NULL)
			key = i;
	if (!gs1_dl_build(&P, STEM, strlen(STEM), link1, sizeof(link1), &n1, &err))
	{
		check_error(&err, 0, true);
		FUZZ_CHECK(err.kind == GS1_ERR_NO_KEY || err.kind == GS1_ERR_NOT_EXPRESSIBLE);
		FUZZ_CHECK((err.kind == GS1_ERR_NO_KEY) == (key < 0));
		FUZZ_CHECK(link1[0] == '\0' && n1 == 0);
		return 0;
	}
	FUZZ_CHECK(key >= 0 && err.kind == GS1_OK);
	FUZZ_CHECK(n1 < sizeof(link1) && strlen(link1) == n1);
	FUZZ_CHECK(strncmp(link1, STEM "/", sizeof(STEM)) == 0);

	if (!gs1_parse(link1, n1, CURRENT_YEAR, &Q, &err))
	{
		fprintf(stderr, "digital link %s: %s\n", link1, err.msg);
		FUZZ_CHECK(!"the digital link parses");
	}
	check_parsed(&Q, link1, n1);
	FUZZ_CHECK(Q.form == GS1_FORM_DIGITAL_LINK);
	FUZZ_CHECK(same_elements(&P, &Q, false));
	FUZZ_CHECK(strcmp(Q.el[0].ai, P.el[key].ai) == 0 && Q.el[0].part == GS1_PART_PATH);

	FUZZ_CHECK(gs1_dl_build(&Q, STEM "//", strlen(STEM) + 2, link2, sizeof(link2), &n2, &err));
	FUZZ_CHECK(n2 == n1 && memcmp(link1, link2, n1) == 0);
	return 0;
}
