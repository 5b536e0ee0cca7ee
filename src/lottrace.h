/*
 * lottrace.h — declarations shared between lottrace's C files.
 */
#ifndef LOTTRACE_H
#define LOTTRACE_H

#include "postgres.h"

/* Settings (lottrace.c) */
extern char *lt_default_status;
extern char *lt_expired_status;
extern char *lt_status_note;
extern int	lt_debug_chunk_rows;
extern int	lt_debug_lot_passes;
extern bool lt_direct_writes;

#endif							/* LOTTRACE_H */
