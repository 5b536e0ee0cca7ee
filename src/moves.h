/*
 * moves.h — rows that move between partitions of an attached table by
 * DELETE and INSERT in one transaction (docs/SCALING.md, "Rows that move
 * between partitions").
 *
 * A DELETE on a partitioned attached table applies its effect at once; its
 * end-of-statement rules (negative stock, serial state) wait for the
 * commit-time check, and its rows wait, as fingerprints, for an INSERT of
 * the same rows.  A matching INSERT takes their effect back in without the
 * rules that judge a new movement.  Everything here lives in the
 * transaction; a rolled-back subtransaction takes its part with it.
 */
#ifndef LOTTRACE_MOVES_H
#define LOTTRACE_MOVES_H

#include "postgres.h"
#include "executor/tuptable.h"
#include "utils/date.h"

#include "attach.h"

/* Bytes of the fingerprint kept (the first bytes of a SHA-256). */
#define LT_FP_LEN 16

/*
 * Waiting deletions per transaction at most; a DELETE that would go past
 * the limit is judged at its statement, as on a table without partitions.
 */
#define LT_MOVES_MAX 1000000

typedef struct LtHeld LtHeld;

/* A row deleted from a partitioned attached table, waiting to come back. */
typedef struct LtMoveDel
{
	struct LtMoveDel *next;		/* same fingerprint (deleted, re-inserted, deleted) */
	SubTransactionId created;
	SubTransactionId matched;	/* the subtransaction whose INSERT took it; 0 none */
	bool		effect;			/* the deletion changed the registers */
	LtHeld	   *held;			/* its serial move, when it could not be applied */
} LtMoveDel;

/* A serial move of a deletion that the register could not take at once. */
struct LtHeld
{
	LtMoveDel  *del;
	SubTransactionId created;	/* InvalidSubTransactionId: rolled back */
	SubTransactionId resolved;	/* applied by the check; 0 not yet */
	Oid			root;
	char	   *item,
			   *variant,
			   *code,
			   *wh,
			   *lot,
			   *doc,
			   *account;
	int			dir;
	DateADT		moved_on;
	char	   *detail;			/* "Removing row ... of table ..." */
};

/* Is the attached table behind ri partitioned? */
extern bool lt_moves_partitioned(LtRelInfo *ri);

/* The fingerprint of a row: root, primary key and mapped columns. */
extern void lt_moves_fingerprint(LtRelInfo *ri, TupleTableSlot *slot, uint8 *fp);

/* Record a deleted row; NULL when the transaction holds LT_MOVES_MAX. */
extern LtMoveDel *lt_moves_record(const uint8 *fp);

/* Does some deletion wait for an INSERT? (cheap; false in most transactions) */
extern bool lt_moves_waiting(void);

/* The waiting deletion an inserted row matches (now taken), or NULL. */
extern LtMoveDel *lt_moves_match(const uint8 *fp);

/* Is the deletion's serial move held (not in the register)? */
extern bool lt_moves_held(LtMoveDel *d);

/* Hold a deletion's serial move for the commit-time check. */
extern void lt_moves_hold(LtMoveDel *d, Oid root, const char *item, const char *variant,
						  const char *code, const char *wh, int dir, const char *lot,
						  const char *doc, DateADT moved_on, const char *account,
						  const char *detail);

/* Does (lot, warehouse) have negative stock waiting for the check? */
extern bool lt_moves_neg_waiting(int64 lot_id, const char *wh);

/* Let negative stock of (lot, warehouse) wait for the check. */
extern void lt_moves_defer_neg(int64 lot_id, const char *wh, const char *name,
							   const char *detail, Oid relid);

/* Make sure the commit-time check runs (once per transaction). */
extern void lt_moves_queue_check(void);

/* Held serial moves the check must apply now (in order). */
extern List *lt_moves_held_list(void);

/* detach(): the table's held serial moves are no longer judged. */
extern void lt_moves_forget(Oid root);

/* The commit-time check (see moves.c). */
extern void lt_moves_judge(void);
extern void lt_moves_resolved(List *held);
extern void lt_moves_checked(void);

extern void lt_moves_init(void);

#endif							/* LOTTRACE_MOVES_H */
