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
 * Check s[0..n) as a lot or serial code: leading and trailing white space is
 * trimmed, the rest must be 1..maxlen characters of character set 82.  The
 * first bad character wins over the length check.
 */
extern lc_result lc_parse(const char *s, size_t n, size_t maxlen);

/*
 * Natural ordering: runs of digits compare by numeric value, everything else
 * byte by byte; codes equal that way (A01 / A1) are ordered by plain bytes,
 * so the result is 0 only for identical codes.  Returns <0, 0, >0.
 */
extern int	lc_natural_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif							/* LOTTRACE_LOTCODE_CORE_H */
