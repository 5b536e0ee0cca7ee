/*
 * show.h — values quoted in error messages.
 *
 * Every code, item, warehouse, account or row key that a message echoes
 * goes through these, so that a hostile 10,000-character value gives a
 * message of a few hundred bytes, not 20 KB, and a missing value is named
 * as missing rather than printed through "%s" with a NULL pointer.
 */
#ifndef LOTTRACE_SHOW_H
#define LOTTRACE_SHOW_H

#include "postgres.h"

#include "executor/tuptable.h"

#include "attach.h"

/* At most this many characters of a value are quoted in a message. */
#define LT_SHOW_CHARS 60

/*
 * s[0..len) (len < 0: s is NUL-terminated) cut to LT_SHOW_CHARS characters,
 * with "..." when it was longer, control characters written \xNN (a
 * newline in a value cannot forge a log line); palloc'd.  s must be valid
 * in the server encoding (values read from tuples are).  NULL gives "".
 *
 *     errmsg("lot \"%s\" ...", lt_show(code, -1))
 */
extern char *lt_show(const char *s, int len);

/*
 * The same in double quotes, or (none) without quotes for NULL: for values
 * that may be missing, written into a format as a bare %s.
 *
 *     errmsg("lot %s of item %s ...", lt_show_quoted(code), lt_show_quoted(item))
 */
extern char *lt_show_quoted(const char *s);

/* "(id)=(42)": the primary key of a row, for error details (values cut by lt_show). */
extern char *lt_row_key(LtRelInfo *ri, TupleTableSlot *slot);

#endif							/* LOTTRACE_SHOW_H */
