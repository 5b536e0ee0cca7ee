/*
 * held_rows.h — attached tables judged at commit (attach(..., judge =>
 * 'commit')): their statements' rows wait in the transaction, and the
 * commit-time check runs them through the engine as one statement.
 */
#ifndef LOTTRACE_HELD_ROWS_H
#define LOTTRACE_HELD_ROWS_H

#include "postgres.h"
#include "utils/tuplestore.h"

#include "attach.h"

/* Keep a statement's transition rows for the commit-time check. */
extern void lt_held_add(LtRelInfo *ri, TupleDesc desc, Tuplestorestate *newt,
						Tuplestorestate *oldt);

/* The commit-time check: judge every table's held rows now. */
extern void lt_held_judge(void);

/* detach(): the table's held rows are no longer judged. */
extern void lt_held_forget(Oid root);

extern void lt_held_init(void);

#endif							/* LOTTRACE_HELD_ROWS_H */
