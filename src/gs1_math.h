/*
 * gs1_math.h — arithmetic the two pure cores share: the GS1 mod-10 check
 * digit (codefmt's {CHECK} segment, the GS1 parser's GTIN/SSCC checks) and
 * the civil calendar (codefmt's dates, GS1's YYMMDD fields).
 *
 * Plain C, no PostgreSQL includes: used by the pure parsers and their fuzz
 * harnesses.
 */
#ifndef LOTTRACE_GS1_MATH_H
#define LOTTRACE_GS1_MATH_H

#include <stdbool.h>
#include <stddef.h>

#include "cset.h"

/*
 * The GS1 mod-10 check digit of s[0..n): weights 3, 1, 3, ... from the
 * rightmost digit.  -1 when a character is not a digit; 0 for no digits
 * (callers that need at least one digit check n themselves).
 */
static inline int
gs1_mod10(const char *s, size_t n)
{
	unsigned	sum = 0;

	if (s == NULL && n > 0)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[n - 1 - i];

		if (!ascii_digit(c))
			return -1;
		sum = (sum + (unsigned) (c - '0') * ((i % 2 == 0) ? 3 : 1)) % 10;
	}
	return (int) ((10 - sum) % 10);
}

/* Gregorian leap year. */
static inline bool
civil_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1-12) of year y; 0 for a month out of range. */
static inline int
civil_days_in_month(int y, int m)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return (m == 2 && civil_is_leap(y)) ? 29 : mdays[m - 1];
}

#endif							/* LOTTRACE_GS1_MATH_H */
