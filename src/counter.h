/*
 * counter.h — code generation: lottrace.next_code() and the counters of
 * lottrace.code_counter.
 */
#ifndef LOTTRACE_COUNTER_H
#define LOTTRACE_COUNTER_H

#include "postgres.h"
#include "codefmt_core.h"
#include "config.h"

/* Set a context value of a cf_context (p NULL: absent). */
static inline void
lt_cf_set(cf_context *ctx, cf_kind k, const char *p, size_t len)
{
	ctx->val[k - CF_ITEM] = p;
	ctx->len[k - CF_ITEM] = p ? len : 0;
}

/*
 * Next code of code type ct for ctx (start date must be set).  The counter
 * row of the root is locked until the end of the transaction: parallel
 * callers wait, and a rolled-back call consumes nothing.  Codes already
 * used by a lot or serial of ctx's item are skipped.  Must run with SPI
 * connected, as the extension owner.
 *
 * On a context value missing for the format, returns NULL and sets
 * *missing to the ctx key when missing is not NULL; otherwise raises 22023.
 */
extern text *lt_next_code(LtCodeType *ct, cf_context *ctx, const char **missing);

#endif							/* LOTTRACE_COUNTER_H */
