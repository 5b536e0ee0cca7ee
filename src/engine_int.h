/*
 * engine_int.h — the engine's own declarations, shared by its three files
 * (engine.c: the statement, row intake and per-row rules; engine_lots.c:
 * writing a chunk's lots and the lot rules; engine_serials.c: the serial
 * register; engine_common.c: what they share).  Nothing outside the engine includes it: callers use engine.h.
 */
#ifndef LOTTRACE_ENGINE_INT_H
#define LOTTRACE_ENGINE_INT_H

#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "lib/hyperloglog.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"

#include "codefmt.h"
#include "config.h"
#include "cset.h"
#include "next_code.h"
#include "common/int.h"
#include "engine.h"
#include "lotcode.h"
#include "lotcode_core.h"
#include "lottrace.h"
#include "moves.h"
#include "show.h"
#include "spi_util.h"
#include "stock.h"

/*
 * Memory a chunk may use before it is written to the registers (checked
 * every LT_CHUNK_CHECK rows).  One chunk holds every lot of a typical bulk
 * statement, so each lot is written once; a huge one is cut into chunks.
 */
#define LT_CHUNK_BYTES (24 * 1024 * 1024)
#define LT_CHUNK_CHECK 4096
/*
 * Lot passes (engine.c, plan_passes): a statement whose lots do not fit one
 * chunk is read again once per pass, each pass taking the lots of one hash
 * partition, when that saves register writes.  A lot write costs about
 * LT_WRITE_PER_ROW_READ times reading a row again; at most LT_MAX_PASSES.
 */
#define LT_WRITE_PER_ROW_READ 50
#define LT_MAX_PASSES 64
/* Passes are planned when a chunk is this full (of LT_CHUNK_BYTES), so
 * that the first pass can go on with its lots in the same chunk. */
#define LT_PLAN_FILL 0.85
/* A later pass's lots are sized to fill this much of a chunk: room for the
 * error of the lot count (a few percent) and for lots growing as they go. */
#define LT_PASS_FILL 0.8
/* No passes when the rest of the statement's lots would fill the chunk to
 * no more than this (of LT_CHUNK_BYTES): it goes on in one chunk. */
#define LT_ONE_CHUNK_FILL 0.95
/* In pass_of: a row no pass after the first reads (no lot, or not governed). */
#define LT_PASS_NONE 0xFF
/*
 * Lots per register statement when a chunk is written: bounds the memory of
 * the arrays and of the results (each slice has its own memory context).
 */
#define LT_WRITE_SLICE 2048
/*
 * A lot's balances in a chunk are a list, searched in order; a lot in more
 * than LT_BAL_LIST warehouses has them in a hash table as well.
 */
#define LT_BAL_LIST 16
/* Serials per batch of serial statements. */
#define LT_SERIAL_BATCH 2000
/*
 * Longest production batch key, in characters.  lottrace.batch_member's
 * primary key index holds the key: 500 characters (at most 2,000 bytes in
 * UTF-8) always fit a btree index row, whatever the compression.
 */
#define LT_BATCH_KEY_MAX 500

typedef struct LtStr
{
	const char *p;				/* NULL: SQL NULL */
	int			len;
} LtStr;

/* A held serial move judged at commit (lt_engine_apply_held): rowno indexes e->held. */
#define LT_SRC_HELD 2

typedef struct RowRef
{
	int			src;			/* LT_SRC_NEW / LT_SRC_OLD / LT_SRC_HELD; -1 none */
	int64		rowno;
} RowRef;

static const RowRef no_row = {-1, 0};

/* What the rules need from one movement row. */
typedef struct LtMove
{
	LtItem	   *it;
	LtReason   *reason;			/* NULL when no reason column is mapped */
	LtStr		item, variant, lot, serial, wh, doc, account, batch_key, supplier_lot;
	Datum		qty;			/* numeric, > 0 */
	int			dir;			/* the row's direction: +1 load, -1 unload */
	int			sign;			/* +1 applied (new row), -1 reversed (old row) */
	DateADT		moved_on;
	bool		has_expiry;
	DateADT		expiry;
	RowRef		ref;
	bool		lenient;		/* a removed row, or one coming back: no refusals of data */
	bool		matched;		/* an inserted row that a deletion of this transaction
								 * took out: the same movement, not judged again */
	bool		skip_serial;	/* ... whose serial move the register never lost */
	bool		ungated;		/* an unload not subject to status and expiry: its
								 * reason allows it, a transfer, a write-off */
	char		role;			/* production role: 0, 'i'nput, 'o'utput */
	bool		exiting;		/* a row leaving counts_when into unload_when:
								 * judged as an unload */
	char		other_kind;		/* two locations: the other side's LT_KIND_*; 0 */
	/* lot master data (read only when the mapping has some: ri->has_lot_data) */
	bool		has_production_date;
	DateADT		production_date;
	bool		has_best_before;
	DateADT		best_before;
	Datum		attributes;		/* jsonb object; (Datum) 0: none */
} LtMove;

/* A lot touched by the chunk: (item, variant, code). */
typedef struct LotKey
{
	LtStr		item, variant, code;
} LotKey;

/*
 * What the first load of a lot among the new rows says (LotEnt.ld).  Kept
 * apart from LotEnt, and only for lots that have a load, so that the lots
 * of a statement that only takes stock out stay small and more of them fit
 * one chunk.
 */
typedef struct LotLoad
{
	RowRef		load_ref;
	DateADT		start;
	bool		has_expiry;
	DateADT		expiry;
	LtStr		account, supplier_lot, load_wh;
	Datum		first_qty;
	/* new_lot_only loads */
	bool		new_lot_only;
	RowRef		nlo_ref;
	const char *nlo_reason;
	LtStr		nlo_wh;
	/* single supplier: a second account among the new loads */
	LtStr		acct2;
	RowRef		acct2_ref;
	LtStr		acct2_wh;
	/* lot master data of the first load (copied in the chunk's memory) */
	bool		has_production_date;
	DateADT		production_date;
	bool		has_best_before;
	DateADT		best_before;
	Jsonb	   *attributes;		/* NULL: none */
} LotLoad;

/* A lot's LotLoad before its first load: read only. */
extern const LotLoad lte_no_load;

/* Is there a load of the lot among the new rows (one that creates it)? */
#define lot_has_load(l) ((l)->ld != &lte_no_load)

/*
 * A lot code this short is kept in its LotEnt (code_buf), next to the key
 * that points to it, so that finding a lot of the chunk by its key reads
 * one place in memory and not three (docs/ENGINE.md, "Memory stays
 * bounded").  The item points to its item cache entry's string, one for all
 * the lots of the item.
 */
#define LT_CODE_INLINE 24

typedef struct LotEnt
{
	LotKey		key;
	char		code_buf[LT_CODE_INLINE];	/* key.code, when it fits */
	LtItem	   *it;
	LotLoad    *ld;				/* &lte_no_load until the first load */
	int64		lot_id;			/* 0: not resolved */
	/* unloads subject to status and expiry (reason without allow_unavailable) */
	RowRef		max_unload_ref;
	LtStr		max_unload_wh;
	RowRef		unload_ref;		/* any unload: for "lot does not exist" */
	LtStr		unload_wh;
	/* read from the register */
	char	   *status;
	char	   *supplier;
	Jsonb	   *negatives;		/* {"wh": on_hand} below zero after the write */
	struct BalEnt *bals;		/* this lot's balances in the chunk */
	DateADT		max_unload;
	DateADT		db_expiry;
	int			nbals;			/* how many; beyond LT_BAL_LIST also in e->bals */
	bool		existed;		/* existed before this statement */
	bool		carried;		/* moved to the end of the statement */
	bool		gated;
	bool		saleable;
	bool		force_closed;
	bool		has_db_expiry;
	bool		inserted;		/* created by this chunk: its stock is the delta */
	bool		claimed;		/* the register has reservations or holds on it */
} LotEnt;

typedef struct BalKey
{
	LotEnt	   *lot;
	LtStr		wh;
} BalKey;

/*
 * A sum of quantities (numeric) as the rows come: an int64 while every term
 * is an integer of at most 16 digits, the common case, and a numeric from
 * the first term that is not.  lte_sum_fix turns it into the numeric, n,
 * that numeric_add would have made of the same terms, scale included.
 */
typedef struct LtSum
{
	int64		i;				/* the sum, while n is 0 */
	int32		dscale;			/* the largest display scale of the terms */
	Datum		n;				/* numeric; (Datum) 0 until needed */
} LtSum;

typedef struct BalEnt
{
	BalKey		key;
	struct BalEnt *next;		/* next balance of the same lot */
	LtSum		loaded;			/* delta of loaded_qty (.n once the chunk is written) */
	LtSum		net;			/* delta of on_hand (likewise) */
	RowRef		out_ref;		/* a row that takes stock out, for messages */
	bool		matched_out;	/* a row coming back takes stock out */
	RowRef		gated_ref;		/* the first unload here subject to status (and holds) */
	struct DocQty *docs;		/* unloads per document (items with claims_seen) */
} BalEnt;

/* What the unloads of one document took from a balance. */
typedef struct DocQty
{
	LtStr		doc;
	Datum		qty;
	struct DocQty *next;
} DocQty;

/*
 * A balance of a lot with reservations or holds that the statement took
 * stock out of, or unloaded with a gated row: judged at the end of the
 * statement by lottrace._claims_check.
 */
typedef struct ClaimCand
{
	int64		lot_id;
	char	   *wh;
	Datum		net;
	bool		gated;
	RowRef		ref;
} ClaimCand;

/* A receipt of a lot of an item that refuses receipt mismatches (EPCIS). */
typedef struct ReceiptCand
{
	int64		lot_id;
	char	   *account;
	RowRef		ref;
} ReceiptCand;

/* What a reserving row (reserve_when) reserves: qty < 0 takes it back. */
typedef struct RowRes
{
	LtStr		item, variant, lot, wh, doc;
	Datum		qty;
} RowRes;

/* The documents' unloads of those lots, which may consume reservations. */
typedef struct ClaimDoc
{
	int64		lot_id;
	char	   *wh;
	char	   *doc;
	Datum		qty;
} ClaimDoc;

typedef struct BalIdx
{
	BalKey		key;
	BalEnt	   *bal;
} BalIdx;

typedef struct BatchKey
{
	LtStr		batch;
	LotEnt	   *lot;
	char		role;			/* 'i' / 'o' */
} BatchKey;

typedef struct BatchEnt
{
	BatchKey	key;
	Datum		qty;
	int32		nrows;
} BatchEnt;

/* A balance found negative after a chunk: judged again at the end. */
typedef struct NegCand
{
	int64		lot_id;
	char	   *wh;
	char	   *item;
	char	   *code;
	char	   *variant;
	Datum		on_hand;
	RowRef		ref;
	bool		matched;		/* a row coming back took stock out here */
} NegCand;

/* Columns of the serial move tuples sorted at the end of the statement. */
enum
{
	SM_ITEM = 1, SM_VARIANT, SM_CODE, SM_WH, SM_DIR, SM_SIGN, SM_LOT, SM_DOC,
	SM_MOVED_ON, SM_ACCOUNT, SM_SRC, SM_ROWNO, SM_NATTS = SM_ROWNO
};

struct LtEngine
{
	LtRelInfo  *ri;
	LtMode		mode;
	MemoryContext stmt_cxt;
	MemoryContext chunk_cxt;
	MemoryContext row_cxt;
	MemoryContext write_cxt;	/* one slice of a chunk's writes */
	Tuplestorestate *src_ts[2];
	TupleDesc	src_desc[2];
	DateADT		today;
	Datum		zero;
	int64		nrows;
	/* the chunk */
	HTAB	   *lots;
	HTAB	   *bals;			/* balances of lots in many warehouses; lazily */
	HTAB	   *batches;		/* created lazily */
	LotEnt	   *last_lot;		/* the previous row's lot: rows come in runs */
	char	   *keep_ptr;		/* lte_keep: the free part of its block */
	char	   *keep_end;
	Size		keep_block;		/* the size of its last block */
	long		nbal;
	int			nflush;
	/* lot passes (engine.c): the statement's rows read once per partition */
	bool		passes_ok;		/* its rows can be read again: lt_engine_run */
	bool		overflow;		/* the chunk is full: lt_engine_run plans passes */
	int			npass;			/* 0: one pass, all lots */
	int			pass;			/* this pass takes the lots of partition pass */
	HTAB	   *first_lots;		/* pass 0's lots: those of the full chunk */
	uint8	   *pass_of[2];		/* per source, row - pass_from: the pass that
								 * takes its lot (LT_PASS_NONE: none), from pass 0 */
	int64		pass_from;
	bool		estimating;		/* counting the lots of the rows left (plan_passes) */
	hyperLogLogState est_lots;	/* their distinct lots */
	HTAB	   *est_chunk;		/* the lots a chunk would hold, as it fills */
	long		est_cap;		/* lots a chunk holds */
	int64		est_writes;		/* lot writes in chunks */
	int64		est_rows;
	/* the statement */
	List	   *carry;			/* LtMove * of lots not found yet */
	List	   *negs;			/* NegCand * */
	List	   *claims;			/* ClaimCand * */
	List	   *claim_docs;		/* ClaimDoc * */
	List	   *row_res;		/* RowRes *: rows that reserve (reserve_when) */
	List	   *receipts;		/* ReceiptCand *: receipts judged against expected ones */
	int64	   *created;		/* lot_ids created by this statement */
	int			ncreated;
	int			created_cap;
	bool		created_sorted;
	Tuplesortstate *serials;
	TupleDesc	serial_desc;
	TupleTableSlot *serial_slot;
	int64		nserial;
	/* rows that move between partitions (moves.c) */
	bool		deferring;		/* a DELETE on a partitioned table: its rules wait */
	bool		matching;		/* an INSERT on one: rows may come back */
	bool		need_check;		/* a rule waits: queue the commit-time check */
	LtMoveDel **dels;			/* the DELETE's recorded rows, by row number */
	int64		dels_cap;
	LtHeld	  **held;			/* lt_engine_apply_held: the moves, by row number */
	/* counts_when, evaluated on each row (statements only) */
	struct EState *pred_estate;
	struct ExprState *pred_state;
	struct ExprState *unload_state;	/* unload_when */
	struct ExprState *reserve_state;	/* reserve_when */
	bool		exit_row;		/* the old row being fed leaves as an unload */
	/* values read through foreign keys: key text -> LkVal, per role and step */
	HTAB	   *lk[LC_NCOLS][LT_LOOKUP_STEPS];
	/* engine_shelf.c: the chunk's receipts and shipments under rules */
	HTAB	   *shelf;
};

/* A value read through a foreign key (engine_lookups.c). */
typedef struct LkVal
{
	char	   *key;			/* the key as its type prints it: hash key */
	Datum		key_datum;		/* the row's key, for the statement's array */
	Datum		value;			/* the value, or its alternative when it is NULL */
	bool		isnull;			/* no such row, or both NULL */
} LkVal;

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

static inline bool
str_eq(LtStr a, LtStr b)
{
	if (a.p == b.p)
		return a.p == NULL || a.len == b.len;
	if (a.p == NULL || b.p == NULL)
		return false;
	return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

static inline uint32
str_hash(LtStr s, uint32 h)
{
	if (s.p == NULL)
		return hash_combine(h, 0x9e3779b9);
	return hash_combine(h, hash_bytes((const unsigned char *) s.p, s.len));
}

/* Copy into cxt as a NUL-terminated string. */
static inline LtStr
str_copy(MemoryContext cxt, LtStr s)
{
	LtStr		r = s;

	if (s.p != NULL)
	{
		char	   *c = MemoryContextAlloc(cxt, s.len + 1);

		memcpy(c, s.p, s.len);
		c[s.len] = '\0';
		r.p = c;
	}
	return r;
}

extern void *lte_keep(LtEngine *e, Size size, bool align);
extern Size lte_chunk_used(LtEngine *e);

/* Copy into the chunk as a NUL-terminated string, with no header (lte_keep). */
static inline LtStr
str_keep(LtEngine *e, LtStr s)
{
	LtStr		r = s;

	if (s.p != NULL)
	{
		char	   *c = lte_keep(e, s.len + 1, false);

		memcpy(c, s.p, s.len);
		c[s.len] = '\0';
		r.p = c;
	}
	return r;
}

/* A NUL-terminated copy ("" for NULL). */
static inline char *
str_c(LtStr s)
{
	return s.p ? pnstrdup(s.p, s.len) : pstrdup("");
}

/* The value as a message quotes it: cut by lt_show() ("" for NULL). */
static inline char *
str_show(LtStr s)
{
	return lt_show(s.p, s.len);
}

/* Is the value missing: NULL, or nothing but white space? */
static inline bool
str_blank(LtStr s)
{
	for (int i = 0; i < s.len; i++)
		if (!ascii_space((unsigned char) s.p[i]))
			return false;
	return true;
}

static inline Datum
str_text(LtStr s)
{
	return PointerGetDatum(cstring_to_text_with_len(s.p, s.len));
}

static inline Datum
num_add(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_add, a, b);
}

static inline Datum
num_sub(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_sub, a, b);
}

/*
 * *acc += x (or -= x), freeing the old sum so that a long statement's sums
 * do not pile up in the chunk's memory; zero is the shared constant.
 */
static inline void
num_acc(Datum *acc, Datum x, bool subtract, Datum zero)
{
	Datum		old = *acc;

	*acc = subtract ? num_sub(old, x) : num_add(old, x);
	if (old != zero)
		pfree(DatumGetPointer(old));
}

extern bool lte_num_small(Datum x, int64 *v, int *dscale);
extern void lte_sum_fix(LtSum *s, Datum zero);

/* *s += x (or -= x), in the current memory context (the chunk's); zero is
 * the shared constant. */
static inline void
sum_acc(LtSum *s, Datum x, bool subtract, Datum zero)
{
	int64		v,
				r;
	int			sc;

	if (s->n == 0 && lte_num_small(x, &v, &sc) &&
		!pg_add_s64_overflow(s->i, subtract ? -v : v, &r))
	{
		s->i = r;
		if (sc > s->dscale)
			s->dscale = sc;
		return;
	}
	if (s->n == 0)
		lte_sum_fix(s, zero);
	num_acc(&s->n, x, subtract, zero);
}

static inline int
num_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

static inline char *
num_str(Datum n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, n));
}

static inline char *
date_str(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

#define LT_ERROR(e, code, conname, ref, key, hint, ...) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg(__VA_ARGS__), \
			 errdetail("%s", lte_row_desc((e), (ref), (key))), \
			 (hint) ? errhint("%s", (const char *) (hint)) : 0, \
			 lte_errconstraint((e), (conname))))

/* The steps of lt_engine_run (engine.c), also used by the commit-time check. */
extern LtEngine *lt_engine_begin(LtRelInfo *ri, LtMode mode);

/*
 * Register the tuplestore a source's rows come from, so that error messages
 * can show the primary key of a row found to be at fault after aggregation.
 */
extern void lt_engine_source(LtEngine *e, int src, Tuplestorestate *ts,
							 TupleDesc desc);

/* Feed one row: src LT_SRC_NEW applies it, LT_SRC_OLD reverses it. */
extern void lt_engine_add(LtEngine *e, TupleTableSlot *slot, int src, int64 rowno);

/*
 * Rows that move between partitions (moves.c): a DELETE on a partitioned
 * table lets its rules wait for the commit-time check and records its rows;
 * an INSERT takes back the rows that match.  No effect on other tables.
 */
extern void lt_engine_partition_moves(LtEngine *e, bool deleting, bool inserting);

/* Apply what is left and run the end-of-statement checks. */
extern void lt_engine_finish(LtEngine *e);

/* Functions of one engine file used by another. */
extern DateADT lte_blocked_from(DateADT expiry, int block_days);
extern Datum lte_str_array(LtStr *s, int n, Oid elemtype);
extern HTAB * lte_chunk_hash(LtEngine *e, const char *name, Size keysize, Size entrysize,
		   HashValueFunc hash, HashCompareFunc match);
extern bool lte_col_is(HeapTuple t, TupleDesc d, int col, LtStr s);
extern bool lte_created_has(LtEngine *e, int64 id);
extern char * lte_move_name(LtMove *m);
extern char * lte_row_desc(LtEngine *e, RowRef ref, const char *key);
extern int lte_balkey_match(const void *a, const void *b, Size keysize);
extern int lte_batchkey_match(const void *a, const void *b, Size keysize);
extern int lte_errconstraint(LtEngine *e, const char *conname);
extern uint32 lte_lotkey_hash(const void *key, Size keysize);
extern uint32 lte_balkey_hash(const void *key, Size keysize);
extern uint32 lte_batchkey_hash(const void *key, Size keysize);
extern void lte_check_negatives(LtEngine *e);
extern void lte_check_claims(LtEngine *e);
extern void lte_apply_row_reservations(LtEngine *e);
extern void lte_check_receipts(LtEngine *e);
/*
 * Empty the chunk; more: rows may follow, so make its lot table (else the
 * table is made by the first lot that comes after all).
 */
extern void lte_chunk_reset(LtEngine *e, bool more);
extern HTAB *lte_lots_table(LtEngine *e);
extern void lte_created_add(LtEngine *e, int64 id);
extern void lte_flush_chunk(LtEngine *e, bool final);
extern void lte_process_serials(LtEngine *e);
/* Read a tuplestore from its start with a read pointer of its own. */
extern int lte_start_scan(Tuplestorestate *ts);
extern void lte_lookups_load(LtEngine *e, Tuplestorestate *newt, Tuplestorestate *oldt,
							 TupleDesc desc);
extern void lte_lookup(LtEngine *e, LtColId id, Datum key, bool keynull,
					   Datum *value, bool *isnull);

/* Shelf life (engine_shelf.c): does the item have a rule on its moves? */
#define lte_shelf_item(it) \
	((it)->min_shelf_days >= 0 || (it)->min_shelf_pct >= 0 || (it)->ship_rules)
extern void lte_shelf_move(LtEngine *e, LotEnt *l, LtMove *m);
extern void lte_shelf_chunk(LtEngine *e);

#endif							/* LOTTRACE_ENGINE_INT_H */
