/*
 * lotcode_core.h — the pure parser and ordering behind lotcode / serialcode.
 *
 * Plain C (no PostgreSQL runtime): the fmgr wrappers in lotcode.c turn the
 * results into ereport()s, and test/fuzz builds these functions on their own.
 */
#ifndef LOTTRACE_LOTCODE_CORE_H
#define LOTTRACE_LOTCODE_CORE_H

#include <stdbool.h>
#include <stddef.h>

#define LC_MAX_LEN 50			/* longest code, in characters (= bytes) */

typedef enum lc_status
{
	LC_OK = 0,
	LC_EMPTY,					/* nothing left after trimming */
	LC_BAD_CHAR,				/* a byte outside GS1 character set 82 */
	LC_TOO_LONG					/* more than maxlen characters */
} lc_status;

typedef struct lc_result
{
	lc_status	status;
	size_t		start;			/* LC_OK/LC_TOO_LONG: offset of the trimmed code */
	size_t		len;			/* ... and its length in bytes */
	size_t		bad_offset;		/* LC_BAD_CHAR: byte offset of the first bad byte */
} lc_result;

/*
 * Check s[0..n) as a lot or serial code: leading and trailing white space
 * (ascii_space() in cset.h) is trimmed, the rest must be 1..maxlen characters
 * of character set 82.  The first bad character wins over the length check.
 * maxlen 0 or above LC_MAX_LEN means LC_MAX_LEN.  Any bytes are safe (s may
 * be NULL when n is 0); bad_offset counts bytes from s, not from the trimmed
 * start, so callers can name the position in the input as given.  A valid
 * code is pure ASCII, so its length in bytes is its length in characters.
 */
extern lc_result lc_parse(const char *s, size_t n, size_t maxlen);

/*
 * Natural ordering: runs of digits compare by numeric value (any length, no
 * overflow), everything else byte by byte, a digit run against another byte
 * as its first digit against that byte, a code that ends first is smaller;
 * codes equal that way (A01 / A1) are ordered by plain bytes (memcmp, then
 * length), so the order is total and the result is 0 only for identical
 * byte strings.  Returns -1, 0 or 1.  Defined for any bytes, not only codes.
 */
extern int	lc_natural_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif							/* LOTTRACE_LOTCODE_CORE_H */
