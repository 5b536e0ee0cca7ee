/*
 * gs1_core.h — GS1 barcode data: parser, validator and Digital Link writer
 * (gs1_parse.c, gs1_core.c, gs1_dl.c).
 *
 * Plain C (no PostgreSQL includes, no allocation, no global state): gs1.c
 * wraps it for SQL, and the fuzz harness links gs1_parse.c, gs1_core.c,
 * gs1_dl.c and gs1_table.c on their own.  Every function takes (pointer,
 * length) input, may be given any bytes, NULs included, and reports
 * problems through a gs1_error.
 *
 * Three input forms are accepted (see docs/GS1.md):
 *   bracketed    (01)09506000134352(17)261231(10)ABC
 *   raw          ]d2 010950600013435217261231 10ABC <GS> 21XYZ
 *                (optional symbology identifier, GS = ASCII 29 after
 *                variable-length values)
 *   Digital Link https://example.com/01/09506000134352/10/ABC?17=261231
 */
#ifndef LOTTRACE_GS1_CORE_H
#define LOTTRACE_GS1_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GS1_MAX_AI_LEN		4	/* AIs have 2 to 4 digits */
#define GS1_MAX_VALUE		90	/* longest value of any AI (91-99: X..90) */
#define GS1_MAX_ELEMENTS	64	/* AI element strings in one barcode */
#define GS1_MAX_COMPONENTS	5
#define GS1_MAX_LINTS		4	/* linters on one component */
#define GS1_MSG_MAX			256
#define GS1_GS				0x1D	/* group separator: FNC1 in scanner output */

/* Worst-case Digital Link length, not counting the stem. */
#define GS1_DL_BODY_MAX \
	(GS1_MAX_ELEMENTS * (GS1_MAX_AI_LEN + 2 + 3 * GS1_MAX_VALUE) + 1)

/* Character sets of a component. */
typedef enum gs1_cset
{
	GS1_CSET_N = 0,				/* digits */
	GS1_CSET_X,					/* GS1 AI encodable character set 82 */
	GS1_CSET_Y,					/* GS1 AI encodable character set 39 */
	GS1_CSET_Z					/* base64url (character set 64) */
} gs1_cset;

/* Content checks ("linters") named by the syntax dictionary. */
typedef enum gs1_lint
{
	GS1_LINT_NONE = 0,
	GS1_LINT_CSUM,				/* GS1 mod-10 check digit */
	GS1_LINT_CSUMALPHA,			/* alphanumeric check character pair */
	GS1_LINT_GCPPOS1,			/* starts with a (plausible) company prefix */
	GS1_LINT_GCPPOS2,			/* the same, after the first character */
	GS1_LINT_YYMMD0,			/* date, day 00 allowed */
	GS1_LINT_YYMMDD,
	GS1_LINT_YYYYMMDD,
	GS1_LINT_HH,
	GS1_LINT_MI,
	GS1_LINT_SS,
	GS1_LINT_HHMI,
	GS1_LINT_ISO3166,			/* numeric country code */
	GS1_LINT_ISO3166999,		/* ... or 999 */
	GS1_LINT_ISO3166ALPHA2,
	GS1_LINT_ISO4217,			/* numeric currency code */
	GS1_LINT_ISO5218,			/* sex: 0, 1, 2, 9 */
	GS1_LINT_YESNO,
	GS1_LINT_ZERO,
	GS1_LINT_NONZERO,
	GS1_LINT_WINDING,
	GS1_LINT_HYPHEN,
	GS1_LINT_NOZEROPREFIX,
	GS1_LINT_HASNONDIGIT,
	GS1_LINT_PIECEOFTOTAL,
	GS1_LINT_POSINSEQSLASH,
	GS1_LINT_LATITUDE,
	GS1_LINT_LONGITUDE,
	GS1_LINT_IMPORTERIDX,
	GS1_LINT_MEDIATYPE,
	GS1_LINT_IBAN,
	GS1_LINT_PCENC,
	/* accepted without a deep check (see gs1_core.c) */
	GS1_LINT_PACKAGETYPE,
	GS1_LINT_COUPONCODE,
	GS1_LINT_COUPONPOSOFFER,
	GS1_LINT_COUNT
} gs1_lint;

typedef struct gs1_component
{
	uint8_t		cset;			/* gs1_cset */
	uint8_t		min;			/* fixed length: min == max */
	uint8_t		max;
	bool		optional;
	uint8_t		lint[GS1_MAX_LINTS];	/* gs1_lint, 0-terminated */
} gs1_component;

#define GS1_AI_PREDEF	0x01	/* predefined length: no GS after it */
#define GS1_AI_DLATTR	0x02	/* allowed as a Digital Link data attribute */

/* One AI of the table (gs1_table.c, generated from the dictionary). */
typedef struct gs1_ai_def
{
	char		ai[GS1_MAX_AI_LEN + 1];
	uint8_t		ailen;
	uint8_t		flags;			/* GS1_AI_* */
	uint8_t		minlen;			/* of the whole value */
	uint8_t		maxlen;
	uint8_t		ncomp;
	gs1_component comp[GS1_MAX_COMPONENTS];
	const char *dlpkey;			/* NULL: not a Digital Link primary key; "":
								 * key without qualifiers; else qualifier
								 * sequences "22,10,21|235" */
	const char *req;			/* pairing rules: groups separated by ' ', */
	const char *ex;				/* alternatives by ',', "01+21" = both */
} gs1_ai_def;

extern const gs1_ai_def gs1_ai_table[];
extern const int gs1_ai_table_size;
extern const char gs1_dictionary_release[];
extern const uint16_t gs1_iso3166_numeric[];
extern const int gs1_iso3166_numeric_size;
extern const char gs1_iso3166_alpha2[][3];
extern const int gs1_iso3166_alpha2_size;
extern const uint16_t gs1_iso4217_numeric[];
extern const int gs1_iso4217_numeric_size;

typedef enum gs1_form
{
	GS1_FORM_BRACKETED = 0,
	GS1_FORM_RAW,
	GS1_FORM_DIGITAL_LINK
} gs1_form;

/* Where an element came from in a Digital Link. */
#define GS1_PART_NONE	0		/* bracketed or raw input */
#define GS1_PART_PATH	1
#define GS1_PART_QUERY	2

typedef struct gs1_element
{
	const gs1_ai_def *def;
	char		ai[GS1_MAX_AI_LEN + 1];
	uint8_t		vlen;
	uint8_t		part;			/* GS1_PART_* */
	uint32_t	pos;			/* 1-based byte position of the AI in the input */
	char		value[GS1_MAX_VALUE + 1];	/* NUL-terminated */
} gs1_element;

/* A parsed barcode: its elements in input order, each AI at most once. */
typedef struct gs1_parsed
{
	gs1_form	form;
	int			count;
	gs1_element el[GS1_MAX_ELEMENTS];
} gs1_parsed;

typedef enum gs1_errkind
{
	GS1_OK = 0,
	GS1_ERR_EMPTY,				/* nothing but white space */
	GS1_ERR_SYNTAX,				/* structure: brackets, separators, identifier */
	GS1_ERR_UNKNOWN_AI,
	GS1_ERR_LENGTH,				/* value too short or too long */
	GS1_ERR_CHARSET,			/* character not allowed for the component */
	GS1_ERR_CHECK_DIGIT,		/* csum / csumalpha / iban check failed */
	GS1_ERR_DATE,				/* date or time out of range */
	GS1_ERR_CONTENT,			/* another content check failed */
	GS1_ERR_DUPLICATE,			/* same AI twice with different values */
	GS1_ERR_DIGITAL_LINK,		/* a Digital Link rule */
	GS1_ERR_LIMIT,				/* more than GS1_MAX_ELEMENTS elements */
	/* gs1_dl_build only */
	GS1_ERR_STEM,				/* unusable stem */
	GS1_ERR_NO_KEY,				/* no Digital Link primary key in the data */
	GS1_ERR_NOT_EXPRESSIBLE		/* an AI neither qualifier nor data attribute */
} gs1_errkind;

typedef struct gs1_error
{
	gs1_errkind kind;
	char		ai[GS1_MAX_AI_LEN + 1];	/* the AI concerned, "" if none */
	size_t		pos;			/* 1-based byte position in the input, 0 if none */
	char		msg[GS1_MSG_MAX];	/* lower case, no trailing period */
	char		hint[GS1_MSG_MAX];	/* "" if none */
} gs1_error;

/*
 * Parse and validate barcode data s[0..n) (surrounding white space is
 * ignored).  current_year (e.g. 2025) resolves two-digit years by the GS1
 * century rule.  A repeated AI with the same value is kept once; with a
 * different value it is an error, and in a Digital Link any repeat is one.
 * Pairing rules (req/ex) are not checked here: see gs1_check_pairs.
 */
extern bool gs1_parse(const char *s, size_t n, int current_year,
					  gs1_parsed *out, gs1_error *err);

/* Definition of AI ai[0..n), or NULL if it is not a known AI. */
extern const gs1_ai_def *gs1_lookup_ai(const char *ai, size_t n);

/* The element for AI ai (NUL-terminated), or NULL. */
extern const gs1_element *gs1_find(const gs1_parsed *p, const char *ai);

/* GS1 mod-10 check digit of digits s[0..n); -1 if empty or not all digits. */
extern int	gs1_check_digit(const char *s, size_t n);

/* Four-digit year for two-digit year yy (GS1 General Specifications 7.12). */
extern int	gs1_full_year(int yy, int current_year);

/* Days in month m (1-12) of year y (proleptic Gregorian). */
extern int	gs1_days_in_month(int y, int m);

/*
 * A validated YYMMDD value as a calendar date; day 00 means the last day of
 * the month.  False if v is not a valid date.
 */
extern bool gs1_date(const char *v, size_t n, int current_year,
					 int *y, int *m, int *d);

/*
 * Decimal-point AIs (31nn-36nn, 39nn): number of decimals given by the last
 * AI digit, and the offset of the number in the value (3 after an ISO 4217
 * currency code for 391n/393n).  False for other AIs.
 */
extern bool gs1_decimal_ai(const char *ai, int *decimals, int *offset);

/*
 * s[0..n) percent-encoded as one URI path segment: RFC 3986's unreserved
 * characters A-Z a-z 0-9 - . _ ~ kept, every other byte as %XX (upper-case
 * hex).  out needs 3 * n + 1 bytes; returns the length written (without
 * the NUL it adds).
 */
extern size_t gs1_pct_encode(const char *s, size_t n, char *out);

/*
 * Canonical GS1 Digital Link URI for p below stem[0..stemlen) (trailing
 * slashes dropped): the first primary key, its qualifiers in the path in the
 * order the key allows, every other AI as a query parameter ordered by AI.
 * Values are percent-encoded except A-Z a-z 0-9 - . _ ~.  out needs
 * stemlen + GS1_DL_BODY_MAX bytes; the result is NUL-terminated.
 */
extern bool gs1_dl_build(const gs1_parsed *p, const char *stem, size_t stemlen,
						 char *out, size_t outsize, size_t *outlen,
						 gs1_error *err);

/*
 * Pairing rules of the dictionary (req = AIs that must be present too, ex =
 * AIs that must not be), and the rule that a digital signature (8030) needs
 * the serial component of a (253), (255) or (8003) next to it: calls
 * report(arg, ai, problem) once per problem, in element order (the (8030)
 * rule last); returns the number of problems.
 */
typedef void (*gs1_pair_report) (void *arg, const char *ai, const char *problem);
extern int	gs1_check_pairs(const gs1_parsed *p, gs1_pair_report report, void *arg);

/* Name of a linter as the dictionary writes it ("csum"). */
extern const char *gs1_lint_name(gs1_lint l);

#endif							/* LOTTRACE_GS1_CORE_H */
