/*
 * next_code.h — code generation: lottrace.next_code() and the counters of
 * lottrace.code_counter.
 */
#ifndef LOTTRACE_NEXT_CODE_H
#define LOTTRACE_NEXT_CODE_H

#include "postgres.h"
#include "codefmt.h"
#include "config.h"

/*
 * Next code of code type ct for ctx (start date must be set).  The counter
 * row of the root is locked until the end of the transaction: parallel
 * callers wait, and a rolled-back call consumes nothing.  Codes already
 * used by a lot or serial of ctx's item are skipped.  Must run with SPI
 * connected, as the extension owner.
 *
 * When err is not NULL, a context value that is missing (CF_ERR_MISSING) or
 * unusable in a code (CF_ERR_VALUE) returns NULL with err filled in, so the
 * caller can say which row lacks what; every other problem raises.
 */
extern text *lt_next_code(LtCodeType *ct, cf_context *ctx, cf_error *err);

#endif							/* LOTTRACE_NEXT_CODE_H */
