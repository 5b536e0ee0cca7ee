/*
 * register_write.h — the engine's stock updates of existing lots without SPI
 * (register_write.c).
 */
#ifndef LOTTRACE_REGISTER_WRITE_H
#define LOTTRACE_REGISTER_WRITE_H

#include "postgres.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "access/skey.h"
#include "nodes/execnodes.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"

#include "stock.h"

/* One lot of lt_lot_update_direct: its key and the delta of its stock. */
typedef struct LtDirectLot
{
	Datum		item;
	Datum		variant;
	bool		variant_null;
	Datum		code;
	LtStockEntry *delta;
	int			ndelta;
} LtDirectLot;

/*
 * UPDATE lottrace.lot SET stock = stock + delta for each of n lots (item,
 * code, variant), as one statement in the order given (the engine's key
 * order), as lot_update_plan does.  results[i] is the i-th lot's row of that
 * plan's RETURNING list (its first column i + 1; allocated in the caller's
 * memory context, described by *result_desc), NULL when no such lot is
 * visible.  Returns how many were written, or -1 when this lot table must
 * be written through SPI (see register_write.c).
 */
extern int	lt_lot_update_direct(const LtDirectLot *lots, int n, HeapTuple *results,
								 TupleDesc *result_desc);

/*
 * What the direct writers of the registers (this file's, serial_write.c's)
 * share: one statement's executor state for one table, set up as SPI runs
 * a statement that writes (a snapshot, the command counter, AFTER trigger
 * queries), ended the same way.
 */
typedef struct LtDirectStmt
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	EPQState	epq;
} LtDirectStmt;

/*
 * inserted, updated: the columns the statement inserts and those it
 * updates (NULL: none, and no such privilege); checks: rel's CHECK constraints
 * compiled once (lt_compile_checks), ncheck of them; speculative: the
 * indexes opened for INSERT ... ON CONFLICT (otherwise as an UPDATE needs
 * them: see update_row).
 */
extern void lt_direct_begin(LtDirectStmt *s, Relation rel, Bitmapset *inserted, Bitmapset *updated,
							ExprState **checks, int ncheck, bool speculative);
extern void lt_direct_end(LtDirectStmt *s);
/* rel's CHECK constraints as ExecRelCheck compiles them, in cxt */
extern ExprState **lt_compile_checks(Relation rel, MemoryContext cxt, int *ncheck);
/* key k of an index scan of idx: column k + 1 = value, or IS NULL */
extern void lt_scan_key(ScanKey key, Relation idx, int k, Datum value, bool isnull);

/*
 * May the direct steps write this relation (cmd: CMD_INSERT or CMD_UPDATE)?
 * allowed: the lottrace trigger functions that may be its BEFORE ROW
 * triggers for cmd (NULL-terminated).
 */
extern bool lt_direct_table_ok(Relation rel, CmdType cmd, const char *const *allowed);
/*
 * The defaults of rel's columns other than the nnamed in named, compiled in
 * cxt as the rewriter adds them to an INSERT (NULL where there is none),
 * one per attribute; lt_eval_defaults evaluates them into v and n.
 */
extern ExprState **lt_compile_defaults(Relation rel, const AttrNumber *named, int nnamed,
									   MemoryContext cxt);
extern void lt_eval_defaults(ExprState **defaults, int natts, ExprContext *econtext,
							 Datum *v, bool *n);
/*
 * ON CONFLICT at REPEATABLE READ and SERIALIZABLE: a conflicting row the
 * snapshot does not see, inserted by another transaction, is a
 * serialization failure (nodeModifyTable.c's ExecCheckTupleVisible).
 */
extern void lt_check_visible(EState *estate, Relation rel, TupleTableSlot *slot);
/* Does the (newer) row version still have the key searched for? */
extern bool lt_same_key(TupleTableSlot *slot, AttrNumber item_att, AttrNumber code_att,
						AttrNumber variant_att, Datum item, Datum variant, bool variant_null,
						Datum code);
/*
 * Lock the row version found FOR NO KEY UPDATE, as an UPDATE does (READ
 * COMMITTED: the newest version; REPEATABLE READ and SERIALIZABLE: a
 * serialization failure when it changed); false when it is gone.
 */
extern bool lt_lock_row(Relation rel, TupleTableSlot *slot, EState *estate);
/*
 * Update searchslot's row (locked by lt_lock_row) to slot's, as
 * ExecSimpleRelationUpdate does: BEFORE ROW triggers (none that may skip
 * the row), constraints, the table AM, indexes, AFTER ROW triggers.
 */
extern void lt_update_row(ResultRelInfo *rri, EState *estate, EPQState *epq,
						  TupleTableSlot *searchslot, TupleTableSlot *slot);

/*
 * One lot of lt_lot_upsert_direct: a lot with a load, as lot_upsert_plan's
 * row (text datums; code a lotcode, laid out as text; initial_qty a
 * numeric; stock the delta as the jsonb a new lot starts with, lot.delta
 * the same as entries).
 */
typedef struct LtDirectNewLot
{
	LtDirectLot lot;
	Datum		code_type;
	bool		code_type_null;
	Datum		supplier;
	bool		supplier_null;
	Datum		supplier_lot;
	bool		supplier_lot_null;
	DateADT		start_date;
	DateADT		expiry_date;
	bool		expiry_null;
	Datum		initial_qty;
	Datum		status;
	Datum		stock;
} LtDirectNewLot;

/*
 * lot_upsert_plan (INSERT ... ON CONFLICT ON CONSTRAINT
 * lot_item_code_variant_key DO UPDATE SET stock = stock + delta) for n
 * lots, as one statement in the order given: results[i] is the i-th lot's
 * row of that plan's RETURNING list (described by *result_desc, allocated
 * in the caller's memory context).  Returns n, or -1 when lottrace.lot must
 * be written through SPI.
 */
extern int	lt_lot_upsert_direct(const LtDirectNewLot *lots, int n, HeapTuple *results,
								 TupleDesc *result_desc);

/*
 * An INSERT's row in slot, as ExecInsert takes it (PostgreSQL 14 to 16):
 * lt_insert_prepare applies its BEFORE ROW INSERT triggers, stored
 * generated columns and constraints (false: a trigger skipped it);
 * lt_insert_unless_conflict then inserts it as ON CONFLICT does (the
 * conflict looked for in the arbiter indexes, which waits for a
 * transaction inserting the key; the speculative insertion, tried again
 * when an index found a conflict meanwhile; AFTER ROW triggers), or
 * returns false with *conflict the conflicting row's TID.
 */
extern bool lt_insert_prepare(LtDirectStmt *st, TupleTableSlot *slot);
extern bool lt_insert_unless_conflict(LtDirectStmt *st, TupleTableSlot *slot, List *arbiter,
									  ItemPointer conflict);

/* Registers the invalidation of what the writes keep about lottrace.lot (_PG_init). */
extern void lt_register_write_init(void);

#endif							/* LOTTRACE_REGISTER_WRITE_H */
