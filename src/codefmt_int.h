/*
 * codefmt_int.h — what the two files of the code-format core share
 * (codefmt_core.c: segment kinds, errors, calendar, the parser and the
 * canonical printer; codefmt_render.c: rendering codes, the counter root
 * and the matcher).  Plain C, like them.
 */
#ifndef LOTTRACE_CODEFMT_INT_H
#define LOTTRACE_CODEFMT_INT_H

#include "codefmt_core.h"

typedef struct cf_kinfo
{
	const char *name;
	uint8_t		lenrule;
	uint8_t		lenmax;			/* largest LEN */
	uint8_t		fixed;			/* length of a fixed-length kind, else 0 */
	bool		fill;			/* FILL allowed */
	bool		rootable;		/* may be named in |ROOT */
	int8_t		date;			/* 0 start date, 1 expiry date, -1 none */
} cf_kinfo;

/* Tables and functions of one file used by the other. */
extern const cf_kinfo cfi_kinfo[CF_NKINDS];
extern const char *const cfi_date_key[2];
extern bool cfi_date_ok(const cf_date *d);
extern bool cfi_fail(cf_error *err, cf_errkind kind, int pos, const char *key, const char *fmt,...)
#if defined(__GNUC__) || defined(__clang__)
			__attribute__((format(printf, 5, 6)))
#endif
			;
extern cf_kind cfi_date_part(cf_kind k);
extern const char * cfi_show_char(unsigned char c, char buf[8]);
extern int cfi_date_value(cf_kind part, const cf_date *d);
extern void cfi_date_range(cf_kind part, int *lo, int *hi);
extern void cfi_err_clear(cf_error *err);

#endif
