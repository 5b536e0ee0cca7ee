/*
 * serial_write.h — new serials, and plain unloads of serials, written to
 * lottrace.serial without SPI (serial_write.c).
 */
#ifndef LOTTRACE_SERIAL_WRITE_H
#define LOTTRACE_SERIAL_WRITE_H

#include "postgres.h"
#include "utils/date.h"

/*
 * One new serial, in its final state (serial_insert_plan's row): text
 * datums (code: a serialcode, laid out as text); a NULL warehouse makes the
 * serial 'out'.  lot: the code of the lot it came in, as the row wrote it
 * (NULL: none), made a lotcode as the cast does and looked up in
 * lottrace.lot (no such lot: no lot_id).
 */
typedef struct LtDirectSerial
{
	Datum		item;
	Datum		variant;
	bool		variant_null;
	Datum		code;
	const char *lot;
	int			lot_len;
	Datum		warehouse;
	bool		warehouse_null;
	DateADT		start_date;
	bool		has_expiry;
	DateADT		expiry_date;
	Datum		supplier;
	bool		supplier_null;
	Datum		load_doc;
	bool		load_doc_null;
	DateADT		loaded_on;
	Datum		unload_doc;
	bool		unload_doc_null;
	DateADT		unloaded_on;
	bool		unloaded_on_null;
} LtDirectSerial;

/*
 * INSERT INTO lottrace.serial ... ON CONFLICT ON CONSTRAINT
 * serial_item_code_variant_key DO NOTHING of n serials, as
 * one statement in the order given (serial_insert_plan).  written[i]: the
 * i-th was inserted (false: a serial of that key exists).  Returns how many
 * were, or -1 when lottrace.serial must be written through SPI (see
 * serial_write.c).
 */
extern int	lt_serial_insert_direct(const LtDirectSerial *serials, int n, bool *written);

/*
 * One plain unload of a serial (serial_unload_plan's row): the serial
 * (item, variant, code) goes out of warehouse wh by document doc on
 * moved_on, if it is in stock there and not cancelled.
 */
typedef struct LtDirectUnload
{
	Datum		item;
	Datum		variant;
	bool		variant_null;
	Datum		code;
	const char *wh;
	Datum		doc;
	bool		doc_null;
	DateADT		moved_on;
} LtDirectUnload;

/*
 * serial_unload_plan's UPDATE of n serials, as one statement in the order
 * given: each locked FOR NO KEY UPDATE, and set 'out' when it is in stock
 * in its warehouse and not cancelled (done[i]); the others are left as
 * they are.  Returns how many went out, or -1 when lottrace.serial must be
 * written through SPI.
 */
extern int	lt_serial_unload_direct(const LtDirectUnload *unloads, int n, bool *done);

/* Registers the invalidation of what the inserts keep about lottrace.serial (_PG_init). */
extern void lt_serial_write_init(void);

#endif							/* LOTTRACE_SERIAL_WRITE_H */
