/*
 * codefmt.h — the lottrace.codefmt type seen from the server side: what the
 * other C modules (next_code, the trigger engine) use to get a compiled
 * format, build its context and report its errors.
 *
 * The format language itself (cf_format, cf_context, cf_render, cf_root,
 * cf_match, ...) is in codefmt_core.h, which this header includes.
 *
 * Typical use (next_code):
 *
 *     cf_format  *f = lt_codefmt_get(format_datum);
 *     cf_context  ctx;
 *     cf_error    err;
 *     char        root[CF_TEXT_MAX], code[CF_MAX_CODE + 1];
 *     size_t      rootlen, codelen;
 *
 *     lt_cf_context_from_jsonb(ctx_jsonb, &ctx);
 *     lt_cf_default_start(&ctx);              -- start_date defaults to today
 *     if (f->uses_letters)
 *         lt_cf_fill_letters(&ctx);
 *     if (!cf_root(f, &ctx, root, &rootlen, &err))
 *         lt_cf_ereport(&err, "code type \"LOT1\"");
 *     ... next counter value for (code type, root) ...
 *     if (!cf_render(f, &ctx, value, lt_cf_strong_rand, NULL, code, &codelen, &err))
 *         lt_cf_ereport(&err, "code type \"LOT1\"");
 */
#ifndef LOTTRACE_CODEFMT_H
#define LOTTRACE_CODEFMT_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

#include "codefmt_core.h"

/* First byte of a stored codefmt (and of its binary form): the version. */
#define LT_CODEFMT_VERSION 1

/*
 * The compiled format of a lottrace.codefmt datum: detoasted and parsed,
 * returned palloc'd in CurrentMemoryContext (the caller may keep or pfree
 * it).  Compiled formats are cached per backend (a few, keyed by their
 * canonical text), so repeated calls cost a copy, not a parse.  A datum with
 * an unknown version byte raises SQLSTATE XX001.
 */
extern cf_format *lt_codefmt_get(Datum fmt);

/*
 * Raise the error err describes (never returns):
 *   CF_ERR_SYNTAX   22P02  invalid code format "<what>", with a detail
 *                          naming the character position (what must be the
 *                          format text that was parsed)
 *   CF_ERR_MISSING  22023  e.g. context key "item" is missing; no letter for
 *                          year 2026 in table lottrace.year_letter
 *   CF_ERR_VALUE    22023  a context value unusable in a code
 *   CF_ERR_OVERFLOW 22003  the counter value does not fit LEN
 *   CF_ERR_CODE     22001  the code (or root) would be too long
 * For all but CF_ERR_SYNTAX, what (if not NULL) prefixes the message, e.g.
 * "code type \"LOT1\"" gives: code type "LOT1": context key "item" is missing.
 */
extern void lt_cf_ereport(const cf_error *err, const char *what) pg_attribute_noreturn();

/*
 * Fill ctx from a context jsonb (NULL: empty context).  The keys item,
 * variant, class, category, item_type, lot_type, supplier, supplier_lot and
 * doc give the context values: JSON strings as they are, numbers as their
 * text, JSON null = absent; start_date and expiry_date are ISO dates
 * (YYYY-MM-DD, optionally followed by a time, which is ignored).  Other keys
 * are ignored.  No defaults and no letters are filled in.
 *
 * String values point into j, so j must live as long as ctx is used; number
 * texts are palloc'd in CurrentMemoryContext.  A value of another JSON type
 * raises 22023, a malformed date 22007, a context that is not an object
 * 22023.
 */
extern void lt_cf_context_from_jsonb(Jsonb *j, cf_context *ctx);

/* Set ctx->start to today (CURRENT_DATE) when it is not given. */
extern void lt_cf_default_start(cf_context *ctx);

/*
 * A fresh context for an item's codes: {ITEM} and {VARIANT} as given
 * (variant may be NULL), {CLASS}, {CATEGORY} and {ITEMTYPE} from the item's
 * configuration.  Dates, document and supplier are the caller's.
 */
/* Set a context value of a cf_context (p NULL: absent). */
static inline void
lt_cf_set(cf_context *ctx, cf_kind k, const char *p, size_t len)
{
	ctx->val[k - CF_ITEM] = p;
	ctx->len[k - CF_ITEM] = p ? len : 0;
}

struct LtItem;
extern void lt_cf_item_context(cf_context *ctx, const struct LtItem *it,
							   const char *item, int item_len,
							   const char *variant, int variant_len);

/*
 * Look up the letters of ctx->start's year and month in
 * lottrace.year_letter and lottrace.month_letter and store them in
 * ctx->year_letter / ctx->month_letter (0 when a table has no row for it).
 * Returns true when both were found; false (looking nothing up) when
 * ctx->start is not given.
 *
 * Runs one prepared, parameterised, fully schema-qualified query through SPI
 * (it connects itself, so it may be called inside or outside an SPI
 * session); the plan is kept with SPI_keepplan and re-prepared when
 * SPI_plan_is_valid says it is stale.  The query runs as the owner of the
 * letter tables (SECURITY_LOCAL_USERID_CHANGE), so any role that may use the
 * schema may render formats with {YL} / {ML}.
 */
extern bool lt_cf_fill_letters(cf_context *ctx);

/*
 * A rand_fn for cf_render: a uniformly random value in [0, 36) from
 * pg_strong_random (bytes >= 252 are rejected, so there is no modulo bias).
 * arg is unused.  Raises an error if the random source fails.
 */
extern int	lt_cf_strong_rand(void *arg);

#endif							/* LOTTRACE_CODEFMT_H */
