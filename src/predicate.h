/*
 * predicate.h — attach()'s row predicate (counts_when): which rows of an
 * attached table are movements.
 *
 * attach() compiles the user's expression once (lt_pred_compile): it is
 * parsed against the table under a pinned search_path, must be boolean and
 * may use only PostgreSQL's own immutable functions and operators, columns
 * of the table and constants.  What is stored is a canonical form in which
 * every function, operator and type is schema-qualified and every column
 * is a placeholder for its attribute number (%N$I, as format() reads it),
 * so the same text is parsed by the engine (lt_pred_parse) and put into
 * the SQL of lottrace.movements, and a renamed column is followed.
 */
#ifndef LOTTRACE_PREDICATE_H
#define LOTTRACE_PREDICATE_H

#include "postgres.h"
#include "nodes/primnodes.h"
#include "utils/relcache.h"

#define LT_PRED_MAX_COLS 64

/*
 * Check expr against rel for owner (who must be able to execute every
 * function in it); return the canonical template and fill attnums[]
 * (*natts of them, the table's attribute numbers of the placeholders).
 */
extern char *lt_pred_compile(Relation rel, const char *expr, Oid owner,
							 int16 *attnums, int *natts);
/* The same for another of attach()'s predicates (arg: its name, for messages). */
extern char *lt_pred_compile_as(Relation rel, const char *expr, Oid owner,
								int16 *attnums, int *natts, const char *arg);

/* The template with rel's current column names (attnums are rel's own). */
extern char *lt_pred_text(Relation rel, const char *tmpl, const int16 *attnums, int natts);

/* Parse an instantiated predicate for evaluation on rows of rel. */
extern Expr *lt_pred_parse(Relation rel, const char *text);

#endif							/* LOTTRACE_PREDICATE_H */
