/*
 * lotcode_core.h — the pure parser and ordering behind lotcode / serialcode.
 *
 * Plain C (no PostgreSQL runtime, no allocation): the fmgr wrappers in
 * lotcode.c turn the results into ereport()s, and test/unit and test/fuzz
 * build these functions on their own.  The rules are docs/lotcode.md's.
 */
#ifndef LOTTRACE_LOTCODE_CORE_H
#define LOTTRACE_LOTCODE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LC_MAX_LEN 50			/* longest code, in characters */

/* A decoder's answer for a character that has no Unicode equivalent. */
#define LC_NO_CP 0xFFFFFFFFu

typedef enum lc_status
{
	LC_OK = 0,
	LC_EMPTY,					/* nothing left after trimming */
	LC_BAD_CHAR,				/* a character a code may not hold */
	LC_BAD_BYTES,				/* bytes that are not a character at all */
	LC_TOO_LONG					/* more than maxlen characters */
} lc_status;

/*
 * What a character is, for a code.  LC_CHAR_OK covers letters, marks,
 * digits, punctuation and symbols of every script, unassigned code points
 * and U+0020 (whose place in a code lc_parse judges: single, inside).
 */
typedef enum lc_char_class
{
	LC_CHAR_OK = 0,
	LC_CHAR_CONTROL,			/* U+0000-U+001F, U+007F-U+009F */
	LC_CHAR_SPACE,				/* white space other than U+0020 */
	LC_CHAR_DOUBLE_SPACE,		/* U+0020 right after another (lc_parse only) */
	LC_CHAR_INVISIBLE,			/* format and other invisible characters */
	LC_CHAR_REPLACEMENT,		/* U+FFFC, U+FFFD: what a lost character became */
	LC_CHAR_PRIVATE,			/* private use */
	LC_CHAR_NONCHAR,			/* noncharacters */
	LC_CHAR_SURROGATE,			/* U+D800-U+DFFF */
	LC_CHAR_UNMAPPED			/* no Unicode equivalent (cp == LC_NO_CP) */
} lc_char_class;

typedef struct lc_result
{
	lc_status	status;
	size_t		start;			/* always: byte offset of the trimmed code */
	size_t		len;			/* always: its length in bytes */
	size_t		nchars;			/* LC_OK / LC_TOO_LONG: its length in characters */
	size_t		bad_offset;		/* LC_BAD_CHAR / LC_BAD_BYTES: byte offset from s */
	size_t		bad_pos;		/* ... and 1-based character position from s */
	uint32_t	bad_cp;			/* LC_BAD_CHAR: the code point (or LC_NO_CP) */
	lc_char_class bad_class;	/* LC_BAD_CHAR: why it is refused */
} lc_result;

/*
 * A decoder for lc_parse_with: the character at p[0..avail), where
 * avail >= 1 and p[0] >= 0x80 (bytes below 0x80 are ASCII in every
 * encoding the callers use, and lc_parse reads them itself).  Returns the
 * character's length in bytes (1..avail) and sets *cp to its code point,
 * or LC_NO_CP when it has none; returns 0 when the bytes at p are not a
 * character of the encoding.
 */
typedef size_t (*lc_decoder) (const unsigned char *p, size_t avail,
							  uint32_t *cp, void *arg);

/*
 * Check s[0..n), UTF-8, as a lot or serial code: leading and trailing ASCII
 * white space (ascii_space() in cset.h) is trimmed, the rest must be 1 to
 * maxlen characters of class LC_CHAR_OK, with no two spaces in a row.  The
 * first bad character (or ill-formed byte) wins over the length check.
 * maxlen 0 or above LC_MAX_LEN means LC_MAX_LEN.  Any bytes are safe (s may
 * be NULL when n is 0); offsets and positions count from s, not from the
 * trimmed start, so callers can name the position in the input as given.
 * start and len are set whatever the status.
 */
extern lc_result lc_parse(const char *s, size_t n, size_t maxlen);

/*
 * The same over another ASCII-compatible encoding: dec reads each
 * character from a byte >= 0x80 (arg is handed to it).  dec NULL: ASCII
 * only, every byte >= 0x80 is LC_BAD_BYTES.  lc_parse is
 * lc_parse_with(s, n, maxlen, lc_decode_utf8, NULL).
 */
extern lc_result lc_parse_with(const char *s, size_t n, size_t maxlen,
							   lc_decoder dec, void *arg);

/*
 * Well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), as an lc_decoder; arg is unused.
 */
extern size_t lc_decode_utf8(const unsigned char *p, size_t avail,
							 uint32_t *cp, void *arg);

/*
 * The class of a code point on its own (U+0020 is LC_CHAR_OK; LC_NO_CP is
 * LC_CHAR_UNMAPPED; above U+10FFFF, LC_CHAR_UNMAPPED too).
 */
extern lc_char_class lc_char_class_of(uint32_t cp);

/*
 * GS1 safety: the byte offset of the first byte of s[0..n) outside GS1
 * character set 82, or n when there is none.  In UTF-8 and every other
 * ASCII-compatible encoding that byte starts the first offending
 * character.  Any bytes are safe (s may be NULL when n is 0).
 */
extern size_t lc_gs1_offset(const char *s, size_t n);

/*
 * The trim of lc_parse alone: *start and *len of s[0..n) without its
 * leading and trailing ASCII white space.  Reads no character classes.
 */
extern void lc_trim(const char *s, size_t n, size_t *start, size_t *len);

/*
 * Natural ordering: runs of ASCII digits compare by numeric value (any
 * length, no overflow), everything else byte by byte, a digit run against
 * another byte as its first digit against that byte, a code that ends
 * first is smaller; codes equal that way (A01 / A1) are ordered by plain
 * bytes (memcmp, then length), so the order is total and the result is 0
 * only for identical byte strings.  Returns -1, 0 or 1.  Defined for any
 * bytes, not only codes.  In UTF-8 byte order is code point order.
 */
extern int	lc_natural_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif							/* LOTTRACE_LOTCODE_CORE_H */
