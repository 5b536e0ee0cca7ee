/*
 * triggers.h — what the two trigger files (triggers.c, guards.c) share.
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

#endif							/* LOTTRACE_TRIGGERS_H */
