/*
 * fuzz_common.h — shared by the libFuzzer harnesses in test/fuzz/.
 *
 * FUZZ_CHECK(cond) is the property check of every harness: when cond is
 * false it names the property on stderr and stops with __builtin_trap(), so
 * libFuzzer reports a "deadly signal", saves the input as a crash file and
 * the run (and `make fuzz`) fails.  The sanitizers report memory errors,
 * leaks and undefined behaviour on their own.
 */
#ifndef LOTTRACE_FUZZ_COMMON_H
#define LOTTRACE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

__attribute__((noreturn)) static void
fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "\n*** property violated at %s:%d: %s\n", file, line, what);
	fflush(stderr);
	__builtin_trap();
}

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(#cond, __FILE__, __LINE__); \
	} while (0)

/* -1, 0 or 1. */
static inline int
fuzz_sign(int v)
{
	return (v > 0) - (v < 0);
}

/*
 * Split data[0..size) at the byte sep into at most max parts; missing parts
 * are NULL with length 0, the last part holds the rest (separators
 * included).  Returns the number of parts present.
 */
static inline int
fuzz_split(const uint8_t *data, size_t size, uint8_t sep,
		   const char **part, size_t *plen, int max)
{
	int			np = 0;
	size_t		start = 0;

	for (size_t i = 0; i <= size && np < max; i++)
	{
		if (i == size || (data[i] == sep && np < max - 1))
		{
			part[np] = (const char *) data + start;
			plen[np++] = i - start;
			start = i + 1;
		}
	}
	for (int i = np; i < max; i++)
	{
		part[i] = NULL;
		plen[i] = 0;
	}
	return np;
}

#endif							/* LOTTRACE_FUZZ_COMMON_H */
