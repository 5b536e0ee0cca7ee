/*
 * triggers.h — what the trigger files (triggers.c, guards.c, trigger_when.c)
 * share.
 */
#ifndef LOTTRACE_TRIGGERS_H
#define LOTTRACE_TRIGGERS_H

#include "fmgr.h"

/*
 * Refuse a call that is not from the trigger manager, or not fired as the
 * function's definition expects (AFTER or BEFORE, FOR EACH ROW or
 * STATEMENT): SQLSTATE 39P01 naming the function.
 */
extern void lt_check_trigger(FunctionCallInfo fcinfo, const char *name, bool after, bool row);

/*
 * Install the ExecutorStart hook that gives lottrace_generate the WHEN
 * clause this backend prepared before (trigger_when.c).
 */
extern void lt_trigger_when_init(void);

#endif							/* LOTTRACE_TRIGGERS_H */
