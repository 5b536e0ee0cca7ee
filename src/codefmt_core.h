/*
 * codefmt_core.h — the code-type format language: parser, canonical printer,
 * renderer and matcher.  Plain C (no PostgreSQL runtime), so it can be fuzzed
 * and benchmarked outside the server; codefmt.c wraps it for SQL.
 *
 * Grammar: literal characters (GS1 character set 82) and segments
 *     {NAME[:LEN[:FILL]][|ROOT]}
 * see docs/codefmt.md and API.md §1 for the meaning of each NAME.
 */
#ifndef LOTTRACE_CODEFMT_CORE_H
#define LOTTRACE_CODEFMT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CF_MAX_CODE 50			/* codes are at most 50 characters */
#define CF_MAX_SEGS 50			/* every segment yields >= 1 character */
#define CF_MAX_ROOT 22			/* names in one |ROOT list: every name that
								 * may be a root name, once */
#define CF_TEXT_MAX 1024		/* longest canonical format text */

typedef enum cf_kind
{
	CF_LIT = 0,					/* literal run */
	/* counters */
	CF_SEQ, CF_ALPHA,
	CF_RAND,
	/* context values (keep in the order of cf_ctx_key below) */
	CF_ITEM, CF_VARIANT, CF_CLASS, CF_CATEGORY, CF_ITEMTYPE, CF_LOTTYPE,
	CF_SUPPLIER, CF_SUPLOT, CF_DOC,
	/* parts of the start date */
	CF_YYYY, CF_YY, CF_Y, CF_MM, CF_DD, CF_DDD, CF_WW,
	/* parts of the expiry date */
	CF_EYYYY, CF_EYY, CF_EMM, CF_EDD,
	/* letters for the start date's year and month */
	CF_YL, CF_ML,
	CF_CHK,
	CF_NKINDS
} cf_kind;

#define CF_NCTX 9				/* CF_ITEM .. CF_DOC */
#define cf_is_context(k) ((k) >= CF_ITEM && (k) <= CF_DOC)
#define cf_is_counter(k) ((k) == CF_SEQ || (k) == CF_ALPHA)

typedef struct cf_seg
{
	uint8_t		kind;			/* cf_kind */
	uint8_t		len;			/* LEN, or literal length; 0 = not given */
	char		fill;			/* FILL (SEQ and context segments); '0'
								 * when not given */
	uint8_t		lit_off;		/* CF_LIT: offset into cf_format.lit */
	uint8_t		nroot;			/* counters: names in |ROOT */
	bool		root_given;		/* counters: a |ROOT list was written */
	uint8_t		root[CF_MAX_ROOT];	/* counters: cf_kind of each root name */
	/* derived by cf_parse, for the matcher: */
	uint8_t		datechk;		/* bit g: part of date g's cross-check
								 * (g = 0 start, 1 expiry) */
	uint8_t		closes;			/* bit g: last part of date g's cross-check */
} cf_seg;

/* A compiled format.  Fixed size: no allocation in the core. */
typedef struct cf_format
{
	int			nseg;
	int			counter;		/* index of the SEQ/ALPHA segment, or -1 */
	/* the uses_* flags and ctx_used count segments and |ROOT names alike */
	bool		uses_letters;	/* has YL or ML (render must look them up) */
	bool		uses_start;		/* has a start-date part (incl. YL/ML) */
	bool		uses_expiry;	/* has an expiry-date part */
	uint32_t	ctx_used;		/* bit (kind - CF_ITEM) for each context kind used */
	int			minlen;			/* shortest code the format can produce */
	int			nvar;			/* variable-length segments (context
								 * without LEN) */
	cf_seg		seg[CF_MAX_SEGS];
	char		lit[CF_MAX_CODE];	/* literal characters, concatenated */
} cf_format;

typedef enum cf_errkind
{
	CF_OK = 0,
	CF_ERR_SYNTAX,				/* bad format text (SQLSTATE 22P02) */
	CF_ERR_MISSING,				/* a context key / date is missing (22023) */
	CF_ERR_VALUE,				/* a value unusable for its segment (22023) */
	CF_ERR_OVERFLOW,			/* counter value does not fit LEN (22003) */
	CF_ERR_CODE					/* rendered code longer than 50 characters (22001) */
} cf_errkind;

typedef struct cf_error
{
	cf_errkind	kind;
	int			pos;			/* CF_ERR_SYNTAX: 1-based byte position */
	char		key[16];		/* CF_ERR_MISSING: the ctx key, e.g. "item" */
	char		msg[160];		/* human-readable, lower case, no period */
} cf_error;

/* A calendar date; y == 0 means "not given". */
typedef struct cf_date
{
	int			y, m, d;
} cf_date;

/*
 * Values a format is rendered or matched against.  val[i] == NULL means the
 * key is absent (render: error; match: the segment need only be well formed).
 */
typedef struct cf_context
{
	const char *val[CF_NCTX];	/* indexed by kind - CF_ITEM */
	size_t		len[CF_NCTX];
	cf_date		start;			/* render: must be given if used */
	cf_date		expiry;
	char		year_letter;	/* render: letters for start.y / start.m; */
	char		month_letter;	/* 0 = not known */
} cf_context;

/* jsonb keys for the context kinds, in cf_kind order from CF_ITEM. */
extern const char *const cf_ctx_key[CF_NCTX];

/* Name of a kind as written in formats ("SEQ", "ITEM", ...). */
extern const char *cf_kind_name(cf_kind k);

/*
 * Parse format text s[0..n) (surrounding white space ignored).  On failure
 * err says why (CF_ERR_SYNTAX, pos = 1-based byte offset in s) and *out is
 * unspecified.  Besides the grammar the parser enforces: at most one
 * counter; |ROOT only on counters, names unique; CHK not first and not
 * after a segment that never renders only digits; the shortest code the
 * format can produce (variable-length segments count 1) at most
 * CF_MAX_CODE; and at most one variable-length segment (context without
 * LEN) between the parts of one date that the matcher checks together
 * (DD/MM/YYYY/YY, DDD/YYYY/YY) -- see cf_match.
 */
extern bool cf_parse(const char *s, size_t n, cf_format *out, cf_error *err);

/*
 * Canonical text of a parsed format, NUL-terminated; returns its length
 * (like snprintf: the full length even if bufsize was too small).  Names
 * upper case, LEN only when given, FILL only when not '0', |ROOT as given.
 * Always shorter than CF_TEXT_MAX, and parses back to the same format.
 */
extern size_t cf_print(const cf_format *f, char *buf, size_t bufsize);

/*
 * Render the code for counter value seq (as-is for SEQ, 0-based for ALPHA;
 * ignored without a counter).  rand_fn fills RAND segments: it must return a
 * uniformly random value in [0, 36).  out needs CF_MAX_CODE + 1 bytes.
 */
extern bool cf_render(const cf_format *f, const cf_context *ctx, int64_t seq,
					  int (*rand_fn) (void *arg), void *rand_arg,
					  char *out, size_t *outlen, cf_error *err);

/*
 * The counter root for ctx: with |ROOT, the listed values joined by '|' in
 * list order (context values raw, with '\' and '|' escaped by a '\' so the
 * join is unambiguous; date parts and letters as rendered); without |ROOT
 * (or without a counter), the rendered code with the counter, RAND and CHK
 * left out.  out needs CF_TEXT_MAX bytes.  Fails like cf_render for missing
 * keys and letters; CF_ERR_CODE if the root would not fit.
 */
extern bool cf_root(const cf_format *f, const cf_context *ctx,
					char *out, size_t *outlen, cf_error *err);

/* Largest counter value that fits (SEQ: 10^LEN - 1, ALPHA: 26^LEN - 1);
 * -1 without a counter. */
extern int64_t cf_counter_max(const cf_format *f);

/* ALPHA text ("BA") to its counter value (26); -1 if not A-Z or too long. */
extern int64_t cf_alpha_value(const char *s, size_t n);

/*
 * Could code[0..n) have been produced by the format?  Segments whose value
 * is in ctx (context keys; start/expiry dates when given) must equal their
 * rendered value; others must be well formed.  YL/ML never read ctx letters:
 * they match one letter A-Z.  ctx may be NULL.
 *
 * Well formed: SEQ = FILL* then a canonical decimal, LEN in all (LEN digits
 * for FILL 0); ALPHA = LEN of A-Z; RAND = LEN of 0-9A-Z; context = LEN
 * set-82 characters, or without LEN any non-empty run; YYYY 0001-9999, YY
 * 00-99, Y 0-9, MM 01-12, DD 01-31, DDD 001-366, WW 01-53; DD must be a day
 * of the month when MM of the same date is in the format (February 29 only
 * in a leap year when YYYY or YY -- read as 20YY -- is there too), DDD 366
 * only in a leap year when the year is there; CHK = the GS1 check digit of
 * all characters before it (which must be digits).  Repeated parts of one
 * date are not compared with each other, nor WW/DDD with MM/DD.  Codes
 * longer than CF_MAX_CODE, or with a character outside set 82, never match.
 *
 * Cost: variable-length segments are matched by backtracking with a
 * failure memo per (segment, position): each of the at most
 * variable segments * 51 states is expanded once, into at most 51 lengths,
 * each followed by a linear walk over fixed-length segments -- polynomial
 * (a few million steps in the very worst case, microseconds in practice).
 * No allocation; recursion depth at most the number of variable-length
 * segments + 1.
 */
extern bool cf_match(const cf_format *f, const char *code, size_t n,
					 const cf_context *ctx);

/* GS1 mod-10 check digit of digits s[0..n) (all must be digits), or -1. */
extern int	cf_gs1_check_digit(const char *s, size_t n);

#endif							/* LOTTRACE_CODEFMT_CORE_H */
