/*
 * engine.c — the set-based tracking engine (see engine.h).
 *
 * One LtEngine lives for one statement on an attached table (or one
 * backfill / detach).  Per row it does only in-memory work: extract the
 * mapped columns, check the per-row rules, add the quantity to a hash of
 * (lot, warehouse) balances, queue serial moves in a tuplesort and add
 * production members to a hash of batches.  The registers are written in
 * chunks of at most LT_CHUNK_KEYS balances, each chunk with a handful of
 * batch statements (unnest() of arrays), so memory stays bounded however
 * large the statement is.
 *
 * Stock rules are judged on the final state of the statement:
 *  - a balance that is negative after some chunk is remembered and read
 *    again at the end;
 *  - an unload of a lot that does not exist yet is carried to the end, in
 *    case a later chunk of the same statement creates it;
 *  - serial moves are sorted by serial, so each serial's moves are judged
 *    together by their net effect per warehouse.
 * Locks are taken in a fixed order (lots by their key (item, code,
 * variant), serials by serial_id) so concurrent statements cannot deadlock
 * on the registers.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
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
} LtMove;

/* A lot touched by the chunk: (item, variant, code). */
typedef struct LotKey
{
	LtStr		item, variant, code;
} LotKey;

typedef struct LotEnt
{
	LotKey		key;
	LtItem	   *it;
	int64		lot_id;			/* 0: not resolved */
	bool		existed;		/* existed before this statement */
	bool		carried;		/* moved to the end of the statement */
	/* first load among the new rows: creates the lot */
	bool		has_load;
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
	/* unloads subject to status and expiry (reason without allow_unavailable) */
	bool		gated;
	DateADT		max_unload;
	RowRef		max_unload_ref;
	LtStr		max_unload_wh;
	RowRef		unload_ref;		/* any unload: for "lot does not exist" */
	LtStr		unload_wh;
	/* read from the register */
	char	   *status;
	bool		saleable;
	bool		force_closed;
	bool		has_db_expiry;
	DateADT		db_expiry;
	char	   *supplier;
	Jsonb	   *negatives;		/* {"wh": on_hand} below zero after the write */
	bool		inserted;		/* created by this chunk: its stock is the delta */
	struct BalEnt *bals;		/* this lot's balances in the chunk */
	int			nbals;			/* how many; beyond LT_BAL_LIST also in e->bals */
} LotEnt;

typedef struct BalKey
{
	LotEnt	   *lot;
	LtStr		wh;
} BalKey;

typedef struct BalEnt
{
	BalKey		key;
	struct BalEnt *next;		/* next balance of the same lot */
	Datum		loaded;			/* numeric delta of loaded_qty */
	Datum		net;			/* numeric delta of on_hand */
	RowRef		out_ref;		/* a row that takes stock out, for messages */
	bool		matched_out;	/* a row coming back takes stock out */
} BalEnt;

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
	long		nbal;
	int			nflush;
	/* the statement */
	List	   *carry;			/* LtMove * of lots not found yet */
	List	   *negs;			/* NegCand * */
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
};

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

static inline bool
str_eq(LtStr a, LtStr b)
{
	if (a.p == NULL || b.p == NULL)
		return a.p == b.p;
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
static LtStr
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

/* A NUL-terminated copy ("" for NULL). */
static char *
str_c(LtStr s)
{
	return s.p ? pnstrdup(s.p, s.len) : pstrdup("");
}

/* The value as a message quotes it: cut by lt_show() ("" for NULL). */
static char *
str_show(LtStr s)
{
	return lt_show(s.p, s.len);
}

/* Is the value missing: NULL, or nothing but white space? */
static bool
str_blank(LtStr s)
{
	for (int i = 0; i < s.len; i++)
		if (!ascii_space((unsigned char) s.p[i]))
			return false;
	return true;
}

static Datum
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

static inline int
num_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

static char *
num_str(Datum n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, n));
}

static char *
date_str(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/* ------------------------------------------------------------------------
 * Error reporting
 * ------------------------------------------------------------------------
 */

/* "(id)=(42)" of a row of a source, found again in its tuplestore. */
static char *
row_key(LtEngine *e, RowRef ref)
{
	Tuplestorestate *ts;
	TupleTableSlot *slot;
	int			ptr;
	char	   *key;

	if (ref.src < 0 || ref.src == LT_SRC_HELD || e->src_ts[ref.src] == NULL)
		return NULL;
	ts = e->src_ts[ref.src];
	ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);
	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
	if (ref.rowno > 0 && !tuplestore_skiptuples(ts, ref.rowno, true))
		return NULL;
	slot = MakeSingleTupleTableSlot(e->src_desc[ref.src], &TTSOpsMinimalTuple);
	if (!tuplestore_gettupleslot(ts, true, false, slot))
		return NULL;
	key = lt_row_key(e->ri, slot);
	ExecDropSingleTupleTableSlot(slot);
	return key;
}

/* The DETAIL line's "Row ... of table ..." part. */
static char *
row_desc(LtEngine *e, RowRef ref, const char *key)
{
	const char *what;

	if (ref.src == LT_SRC_HELD)
		return psprintf("%s Rows deleted from a partitioned table are judged at commit; this one was not inserted again.",
						e->held[ref.rowno]->detail);
	if (key == NULL)
		key = row_key(e, ref);
	if (key == NULL)
		return psprintf("Table %s.", e->ri->relname);
	if (e->mode == LT_BACKFILL)
		what = "Existing row";
	else if (ref.src == LT_SRC_OLD)
		what = "Removing row";
	else
		what = "Row";
	return psprintf("%s %s of table %s.", what, key, e->ri->relname);
}

static int
lt_errconstraint(LtEngine *e, const char *conname)
{
	err_generic_string(PG_DIAG_SCHEMA_NAME,
					   get_namespace_name(get_rel_namespace(e->ri->relid)));
	err_generic_string(PG_DIAG_TABLE_NAME, get_rel_name(e->ri->relid));
	return err_generic_string(PG_DIAG_CONSTRAINT_NAME, conname);
}

#define LT_ERROR(e, code, conname, ref, key, hint, ...) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg(__VA_ARGS__), \
			 errdetail("%s", row_desc((e), (ref), (key))), \
			 (hint) ? errhint("%s", (const char *) (hint)) : 0, \
			 lt_errconstraint((e), (conname))))

/* ------------------------------------------------------------------------
 * Hash tables of the chunk
 * ------------------------------------------------------------------------
 */

static uint32
lotkey_hash(const void *key, Size keysize)
{
	const LotKey *k = key;

	return str_hash(k->code, str_hash(k->variant, str_hash(k->item, 0)));
}

static int
lotkey_match(const void *a, const void *b, Size keysize)
{
	const LotKey *x = a;
	const LotKey *y = b;

	return (str_eq(x->item, y->item) && str_eq(x->code, y->code) &&
			str_eq(x->variant, y->variant)) ? 0 : 1;
}

static uint32
balkey_hash(const void *key, Size keysize)
{
	const BalKey *k = key;

	return str_hash(k->wh, hash_bytes((const unsigned char *) &k->lot, sizeof(k->lot)));
}

static int
balkey_match(const void *a, const void *b, Size keysize)
{
	const BalKey *x = a;
	const BalKey *y = b;

	return (x->lot == y->lot && str_eq(x->wh, y->wh)) ? 0 : 1;
}

static uint32
batchkey_hash(const void *key, Size keysize)
{
	const BatchKey *k = key;

	return hash_combine(str_hash(k->batch, hash_bytes((const unsigned char *) &k->lot,
													  sizeof(k->lot))),
						(uint32) k->role);
}

static int
batchkey_match(const void *a, const void *b, Size keysize)
{
	const BatchKey *x = a;
	const BatchKey *y = b;

	return (x->lot == y->lot && x->role == y->role && str_eq(x->batch, y->batch)) ? 0 : 1;
}

static HTAB *
chunk_hash(LtEngine *e, const char *name, Size keysize, Size entrysize,
		   HashValueFunc hash, HashCompareFunc match)
{
	HASHCTL		ctl;

	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hash = hash;
	ctl.match = match;
	ctl.hcxt = e->chunk_cxt;
	return hash_create(name, 256, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

static void
chunk_reset(LtEngine *e)
{
	MemoryContextReset(e->chunk_cxt);
	e->lots = chunk_hash(e, "lottrace lots", sizeof(LotKey), sizeof(LotEnt),
						 lotkey_hash, lotkey_match);
	e->bals = NULL;
	e->batches = NULL;
	e->last_lot = NULL;
	e->nbal = 0;
}

/* ------------------------------------------------------------------------
 * Lots created by this statement (for new_lot_only across chunks)
 * ------------------------------------------------------------------------
 */

static void
created_add(LtEngine *e, int64 id)
{
	if (e->ncreated == e->created_cap)
	{
		e->created_cap = e->created_cap ? e->created_cap * 2 : 256;
		e->created = e->created
			? repalloc_huge(e->created, sizeof(int64) * e->created_cap)
			: MemoryContextAllocHuge(e->stmt_cxt, sizeof(int64) * e->created_cap);
	}
	if (e->ncreated > 0 && e->created[e->ncreated - 1] > id)
		e->created_sorted = false;
	e->created[e->ncreated++] = id;
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static bool
created_has(LtEngine *e, int64 id)
{
	if (e->ncreated == 0)
		return false;
	if (!e->created_sorted)
	{
		qsort(e->created, e->ncreated, sizeof(int64), int64_cmp);
		e->created_sorted = true;
	}
	return bsearch(&id, e->created, e->ncreated, sizeof(int64), int64_cmp) != NULL;
}

/* ------------------------------------------------------------------------
 * Reading a row
 * ------------------------------------------------------------------------
 */

/* A code-like column as bytes (NULL and '' give a NULL LtStr). */
static LtStr
col_str(LtEngine *e, TupleTableSlot *slot, LtColId id)
{
	LtCol	   *c = &e->ri->col[id];
	LtStr		s = {NULL, 0};
	Datum		d;

	if (c->attnum == 0 || slot->tts_isnull[c->attnum - 1])
		return s;
	d = slot->tts_values[c->attnum - 1];
	switch (c->kind)
	{
		case CK_TEXT:
		case CK_BPCHAR:
			{
				text	   *t = DatumGetTextPP(d);

				s.p = VARDATA_ANY(t);
				s.len = VARSIZE_ANY_EXHDR(t);
				if (c->kind == CK_BPCHAR)
					while (s.len > 0 && s.p[s.len - 1] == ' ')
						s.len--;
				break;
			}
		default:
			s.p = OutputFunctionCall(&c->out, d);
			s.len = strlen(s.p);
			break;
	}
	if (s.len == 0)
		s.p = NULL;
	return s;
}

/* The quantity as numeric; false if NULL. */
static bool
col_qty(LtEngine *e, TupleTableSlot *slot, Datum *qty)
{
	LtCol	   *c = &e->ri->col[LC_QTY];
	Datum		d;

	if (slot->tts_isnull[c->attnum - 1])
		return false;
	d = slot->tts_values[c->attnum - 1];
	switch (c->kind)
	{
		case CK_NUMERIC:
			*qty = d;
			break;
		case CK_INT2:
			*qty = DirectFunctionCall1(int2_numeric, d);
			break;
		case CK_INT4:
			*qty = DirectFunctionCall1(int4_numeric, d);
			break;
		case CK_INT8:
			*qty = DirectFunctionCall1(int8_numeric, d);
			break;
		case CK_FLOAT4:
			*qty = DirectFunctionCall1(float4_numeric, d);
			break;
		default:
			*qty = DirectFunctionCall1(float8_numeric, d);
			break;
	}
	return true;
}

/* A date column; false if unmapped or NULL (infinite dates are returned). */
static bool
col_date(LtEngine *e, TupleTableSlot *slot, LtColId id, DateADT *out)
{
	LtCol	   *c = &e->ri->col[id];
	Datum		d;

	if (c->attnum == 0 || slot->tts_isnull[c->attnum - 1])
		return false;
	d = slot->tts_values[c->attnum - 1];
	if (c->kind == CK_DATE)
		*out = DatumGetDateADT(d);
	else if (c->kind == CK_TIMESTAMP)
		*out = DatumGetDateADT(DirectFunctionCall1(timestamp_date, d));
	else
		*out = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, d));
	return true;
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------
 */

/* What a row moves, for messages: lot "L1" of item "A", or serial, or item. */
static char *
move_name(LtMove *m)
{
	const char *v = m->variant.p ? psprintf(" variant \"%s\"", str_c(m->variant)) : "";

	if (m->lot.p)
		return psprintf("lot \"%s\" of item \"%s\"%s", str_c(m->lot), str_c(m->item), v);
	if (m->serial.p)
		return psprintf("serial \"%s\" of item \"%s\"%s", str_c(m->serial), str_c(m->item), v);
	return psprintf("item \"%s\"%s", str_c(m->item), v);
}

/*
 * d + days, false when the result is not a date PostgreSQL can store
 * (outside 4714-11-24 BC .. 5874897-12-31).  d must be finite.
 */
bool
lt_date_add(DateADT d, int64 days, DateADT *out)
{
	int64		r = (int64) d + days;

	if (r < (int64) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE) ||
		r >= (int64) (DATE_END_JULIAN - POSTGRES_EPOCH_JDATE))
		return false;
	*out = (DateADT) r;
	return true;
}

/*
 * Expiry of a new lot: start + validity days, rounded by the item's rule;
 * false when it falls outside the range of type date.  start must be finite.
 */
bool
lt_lot_expiry(LtItem *it, DateADT start, DateADT *out)
{
	DateADT		d;
	int			y,
				m,
				dd;
	int64		r;

	if (!lt_date_add(start, it->lot_validity_days, &d))
		return false;
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
	if (it->expiry_rule == 'e')
	{
		if (++m > 12)
		{
			m = 1;
			y++;
		}
		r = (int64) date2j(y, m, 1) - POSTGRES_EPOCH_JDATE - 1;
	}
	else if (it->expiry_rule == 's')
		r = (int64) date2j(y, m, 1) - POSTGRES_EPOCH_JDATE;
	else
		r = d;
	return lt_date_add(0, r, out);
}

/* The first day a lot expiring on expiry is blocked (DATEVAL_NOBEGIN: always). */
static DateADT
blocked_from(DateADT expiry, int block_days)
{
	DateADT		d;

	if (DATE_NOT_FINITE(expiry))
		return expiry;
	if (!lt_date_add(expiry, -(int64) block_days, &d))
		DATE_NOBEGIN(d);
	return d;
}

/* ------------------------------------------------------------------------
 * Engine life cycle
 * ------------------------------------------------------------------------
 */

LtEngine *
lt_engine_begin(LtRelInfo *ri, LtMode mode)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "lottrace statement",
											  ALLOCSET_DEFAULT_SIZES);
	LtEngine   *e = MemoryContextAllocZero(cxt, sizeof(LtEngine));

	e->ri = ri;
	e->mode = mode;
	e->stmt_cxt = cxt;
	e->chunk_cxt = AllocSetContextCreate(cxt, "lottrace chunk", ALLOCSET_DEFAULT_SIZES);
	e->row_cxt = AllocSetContextCreate(cxt, "lottrace row", ALLOCSET_SMALL_SIZES);
	e->write_cxt = AllocSetContextCreate(cxt, "lottrace write", ALLOCSET_DEFAULT_SIZES);
	e->today = GetSQLCurrentDate();
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		e->zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
		MemoryContextSwitchTo(old);
	}
	e->created_sorted = true;
	lt_config_refresh();
	chunk_reset(e);
	return e;
}

void
lt_engine_source(LtEngine *e, int src, Tuplestorestate *ts, TupleDesc desc)
{
	e->src_ts[src] = ts;
	e->src_desc[src] = desc;
}

int64
lt_engine_rows(LtEngine *e)
{
	return e->nrows;
}

/* ------------------------------------------------------------------------
 * Aggregation
 * ------------------------------------------------------------------------
 */

static void flush_chunk(LtEngine *e, bool final);

static LotEnt *
lot_entry(LtEngine *e, LtMove *m)
{
	LotKey		key = {m->item, m->variant, m->lot};
	bool		found;
	LotEnt	   *l = e->last_lot;

	if (l != NULL && str_eq(l->key.code, m->lot) && str_eq(l->key.item, m->item) &&
		str_eq(l->key.variant, m->variant))
		return l;
	l = hash_search(e->lots, &key, HASH_ENTER, &found);
	e->last_lot = l;

	if (!found)
	{
		LotKey		k = l->key;

		memset(l, 0, sizeof(*l));
		l->key.item = str_copy(e->chunk_cxt, k.item);
		l->key.variant = str_copy(e->chunk_cxt, k.variant);
		l->key.code = str_copy(e->chunk_cxt, k.code);
		l->it = m->it;
		l->load_ref = l->nlo_ref = l->acct2_ref = l->max_unload_ref = l->unload_ref = no_row;
	}
	return l;
}

/* Put one move into the chunk's aggregates. */
static void
add_lot_move(LtEngine *e, LtMove *m)
{
	LotEnt	   *l = lot_entry(e, m);
	BalKey		bk;
	BalEnt	   *b;
	bool		found;
	MemoryContext old;

	bk.lot = l;
	bk.wh = m->wh;
	b = NULL;
	found = false;
	if (l->nbals <= LT_BAL_LIST)
	{
		for (b = l->bals; b; b = b->next)
			if (str_eq(b->key.wh, m->wh))
				break;
		found = (b != NULL);
	}
	else
	{
		BalIdx	   *x = hash_search(e->bals, &bk, HASH_FIND, &found);

		b = found ? x->bal : NULL;
	}
	if (!found)
	{
		b = MemoryContextAlloc(e->chunk_cxt, sizeof(BalEnt));
		b->key.lot = l;
		b->key.wh = str_copy(e->chunk_cxt, m->wh);
		b->loaded = b->net = e->zero;
		b->out_ref = no_row;
		b->matched_out = false;
		b->next = l->bals;
		l->bals = b;
		l->nbals++;
		e->nbal++;
		if (l->nbals > LT_BAL_LIST)
		{
			/* a lot in many warehouses: index its balances */
			if (e->bals == NULL)
				e->bals = chunk_hash(e, "lottrace balances", sizeof(BalKey), sizeof(BalIdx),
									 balkey_hash, balkey_match);
			for (BalEnt *y = b; y; y = y->next)
			{
				BalIdx	   *x = hash_search(e->bals, &y->key, HASH_ENTER, NULL);

				x->bal = y;
				if (l->nbals > LT_BAL_LIST + 1)
					break;		/* the lot's others are in already */
			}
		}
	}

	old = MemoryContextSwitchTo(e->chunk_cxt);
	num_acc(&b->net, m->qty, m->dir * m->sign < 0, e->zero);
	if (m->dir > 0)
		num_acc(&b->loaded, m->qty, m->sign < 0, e->zero);
	if (m->dir * m->sign < 0 && b->out_ref.src < 0)
		b->out_ref = m->ref;
	if (m->dir * m->sign < 0 && m->matched)
		b->matched_out = true;

	if (m->sign > 0 && m->dir > 0)
	{
		/* a load */
		if (!l->has_load)
		{
			l->has_load = true;
			l->load_ref = m->ref;
			l->start = m->moved_on;
			l->has_expiry = m->has_expiry;
			l->expiry = m->expiry;
			/* a load coming back says nothing about the supplier */
			l->account = m->matched ? (LtStr) {NULL, 0} : str_copy(e->chunk_cxt, m->account);
			l->supplier_lot = str_copy(e->chunk_cxt, m->supplier_lot);
			l->load_wh = b->key.wh;
			l->first_qty = datumCopy(m->qty, false, -1);
		}
		else if (m->matched)
			;					/* judged when it was first written */
		else if (m->it->single_supplier && m->account.p && l->account.p &&
				 !str_eq(m->account, l->account) && l->acct2.p == NULL)
		{
			l->acct2 = str_copy(e->chunk_cxt, m->account);
			l->acct2_ref = m->ref;
			l->acct2_wh = b->key.wh;
		}
		else if (m->it->single_supplier && m->account.p && l->account.p == NULL)
			l->account = str_copy(e->chunk_cxt, m->account);
		if (m->reason && m->reason->new_lot_only && !l->new_lot_only && !m->matched)
		{
			l->new_lot_only = true;
			l->nlo_ref = m->ref;
			l->nlo_reason = m->reason->code;
			l->nlo_wh = b->key.wh;
		}
	}
	else if (m->sign > 0 && m->dir < 0)
	{
		/* an unload */
		if (l->unload_ref.src < 0)
		{
			l->unload_ref = m->ref;
			l->unload_wh = b->key.wh;
		}
		if (!m->matched && (m->reason == NULL || !m->reason->allow_unavailable))
		{
			if (!l->gated || m->moved_on > l->max_unload)
			{
				l->max_unload = m->moved_on;
				l->max_unload_ref = m->ref;
				l->max_unload_wh = b->key.wh;
			}
			l->gated = true;
		}
	}
	else if (l->unload_ref.src < 0)
	{
		/* a reversal: if the lot is gone, name this row */
		l->unload_ref = m->ref;
		l->unload_wh = b->key.wh;
	}

	/* production genealogy */
	if (m->reason && m->reason->production && m->batch_key.p)
	{
		BatchKey	k;
		BatchEnt   *be;

		k.batch = m->batch_key;
		k.lot = l;
		k.role = m->reason->production;
		if (e->batches == NULL)
			e->batches = chunk_hash(e, "lottrace batches", sizeof(BatchKey), sizeof(BatchEnt),
									batchkey_hash, batchkey_match);
		be = hash_search(e->batches, &k, HASH_ENTER, &found);
		if (!found)
		{
			be->key.batch = str_copy(e->chunk_cxt, m->batch_key);
			be->qty = e->zero;
			be->nrows = 0;
		}
		num_acc(&be->qty, m->qty, m->sign < 0, e->zero);
		be->nrows += m->sign;
	}
	MemoryContextSwitchTo(old);
}

/* Queue a serial move for the end of the statement. */
static void
add_serial_move(LtEngine *e, LtMove *m)
{
	TupleTableSlot *slot;
	Datum	   *v;
	bool	   *n;
	MemoryContext old;

	if (e->serials == NULL)
	{
		TupleDesc	d;
		AttrNumber	keys[4] = {SM_ITEM, SM_VARIANT, SM_CODE, SM_ROWNO};
		Oid			ops[4] = {TextLessOperator, TextLessOperator, TextLessOperator, Int8LessOperator};
		Oid			colls[4] = {C_COLLATION_OID, C_COLLATION_OID, C_COLLATION_OID, InvalidOid};
		bool		nf[4] = {true, true, true, false};

		old = MemoryContextSwitchTo(e->stmt_cxt);
		d = CreateTemplateTupleDesc(SM_NATTS);

		TupleDescInitEntry(d, SM_ITEM, "item", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_VARIANT, "variant", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_CODE, "code", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_WH, "wh", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_DIR, "dir", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_SIGN, "sign", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_LOT, "lot", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_DOC, "doc", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_MOVED_ON, "moved_on", DATEOID, -1, 0);
		TupleDescInitEntry(d, SM_ACCOUNT, "account", TEXTOID, -1, 0);
		TupleDescInitEntry(d, SM_SRC, "src", INT4OID, -1, 0);
		TupleDescInitEntry(d, SM_ROWNO, "rowno", INT8OID, -1, 0);
		e->serial_desc = d;
		e->serial_slot = MakeSingleTupleTableSlot(d, &TTSOpsMinimalTuple);
		e->serials = tuplesort_begin_heap(d, 4, keys, ops, colls, nf,
										  Max(work_mem, 4096), NULL, TUPLESORT_NONE);
		MemoryContextSwitchTo(old);
	}
	/* the values live until the next row; the sort copies the tuple */
	old = MemoryContextSwitchTo(e->row_cxt);
	slot = e->serial_slot;
	ExecClearTuple(slot);
	v = slot->tts_values;
	n = slot->tts_isnull;
	memset(n, 0, sizeof(bool) * SM_NATTS);
#define SETSTR(att, s) do { if ((s).p) v[(att) - 1] = str_text(s); else n[(att) - 1] = true; } while (0)
	SETSTR(SM_ITEM, m->item);
	SETSTR(SM_VARIANT, m->variant);
	SETSTR(SM_CODE, m->serial);
	SETSTR(SM_WH, m->wh);
	v[SM_DIR - 1] = Int32GetDatum(m->dir);
	v[SM_SIGN - 1] = Int32GetDatum(m->sign);
	SETSTR(SM_LOT, m->lot);
	SETSTR(SM_DOC, m->doc);
	v[SM_MOVED_ON - 1] = DateADTGetDatum(m->moved_on);
	SETSTR(SM_ACCOUNT, m->account);
	v[SM_SRC - 1] = Int32GetDatum(m->ref.src);
	v[SM_ROWNO - 1] = Int64GetDatum(m->ref.rowno);
#undef SETSTR
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(e->serials, slot);
	ExecClearTuple(slot);
	MemoryContextSwitchTo(old);
	e->nserial++;
}

/*
 * What a movement is about, for messages: item "I" [variant "V"] [lot "L"]
 * [serial "S"] [in warehouse "W"].
 */
static char *
mv_what(const LtMove *m)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfo(&b, "item \"%s\"", str_show(m->item));
	if (m->variant.p)
		appendStringInfo(&b, " variant \"%s\"", str_show(m->variant));
	if (m->lot.p)
		appendStringInfo(&b, " lot \"%s\"", str_show(m->lot));
	if (m->serial.p)
		appendStringInfo(&b, " serial \"%s\"", str_show(m->serial));
	if (m->wh.p)
		appendStringInfo(&b, " in warehouse \"%s\"", str_show(m->wh));
	return b.data;
}

/*
 * Validate a lot or serial code of a row (code syntax rule).  A removed row
 * (m->sign < 0) with a bad code could never have been governed: false.
 * A bad character is named in the words of the type's own error
 * (lt_bad_char_phrase: code point and character position).
 */
static bool
check_code_syntax(LtEngine *e, LtMove *m, LtStr code, bool serial, TupleTableSlot *slot)
{
	lc_result	r = lc_parse(code.p, code.len, LC_MAX_LEN);
	const char *what = serial ? "serial" : "lot code";
	const char *hint = "Codes are 1 to 50 characters of GS1 character set 82.";
	LtMove		other = *m;
	char	   *c;
	char	   *rest;
	char	   *problem;

	if (r.status == LC_OK && r.start == 0 && r.len == (size_t) code.len)
		return true;
	if (m->lenient || e->mode == LT_REMOVE)
		return false;
	c = str_show(code);
	/* the code is in the message already: the rest of what the row is about */
	if (serial)
		other.serial.p = NULL;
	else
		other.lot.p = NULL;
	rest = mv_what(&other);
	if (r.status == LC_OK)
	{
		problem = "white space around the code";
		hint = "Remove the blanks: the ERP table must hold the code as it is.";
	}
	else if (r.status == LC_TOO_LONG)
		problem = psprintf("longer than %d characters (%d)", LC_MAX_LEN,
						   pg_mbstrlen_with_len(code.p, code.len));
	else if (r.status == LC_EMPTY)
		problem = "nothing but white space";
	else
		problem = lt_bad_char_phrase(code.p, code.len, r.bad_offset);
	LT_ERROR(e, ERRCODE_INVALID_TEXT_REPRESENTATION, "lottrace_code_syntax", m->ref,
			 lt_row_key(e->ri, slot), hint,
			 "invalid %s \"%s\" (%s): %s", what, c, rest, problem);
	return false;
}

void
lt_engine_add(LtEngine *e, TupleTableSlot *slot, int src, int64 rowno)
{
	LtRelInfo  *ri = e->ri;
	LtMove		m;
	LtStr		reason_code;
	MemoryContext old;
	bool		strict = (e->mode == LT_STRICT);
	bool		checks = (e->mode != LT_REMOVE);
	int			qsign;
	LtMoveDel  *del = NULL;

	CHECK_FOR_INTERRUPTS();
	e->nrows++;
	MemoryContextReset(e->row_cxt);
	old = MemoryContextSwitchTo(e->row_cxt);

	memset(&m, 0, sizeof(m));
	m.ref.src = src;
	m.ref.rowno = rowno;
	m.sign = (src == LT_SRC_OLD) ? -1 : 1;
	m.lenient = (m.sign < 0);

	slot_getallattrs(slot);
	if (e->deferring && src == LT_SRC_OLD)
	{
		/* a row leaves a partitioned table: it may come back in this transaction */
		uint8		fp[LT_FP_LEN];

		lt_moves_fingerprint(ri, slot, fp);
		del = lt_moves_record(fp);
		if (del == NULL)
			e->deferring = false;	/* too many wait: judged at the statement */
		else
		{
			if (rowno >= e->dels_cap)
			{
				int64		cap = Max(rowno + 1, e->dels_cap * 2);

				cap = Max(cap, 1024);
				e->dels = e->dels
					? repalloc_huge(e->dels, sizeof(LtMoveDel *) * cap)
					: MemoryContextAllocHuge(e->stmt_cxt, sizeof(LtMoveDel *) * cap);
				memset(e->dels + e->dels_cap, 0, sizeof(LtMoveDel *) * (cap - e->dels_cap));
				e->dels_cap = cap;
			}
			e->dels[rowno] = del;
		}
	}
	else if (e->matching && src == LT_SRC_NEW && lt_moves_waiting())
	{
		/* a row arrives: is it one that left in this transaction? */
		uint8		fp[LT_FP_LEN];
		LtMoveDel  *d;

		lt_moves_fingerprint(ri, slot, fp);
		if ((d = lt_moves_match(fp)) != NULL)
		{
			if (!d->effect)
				goto done;		/* it had none when it left */
			m.matched = m.lenient = true;
			m.skip_serial = lt_moves_held(d);
		}
	}
	m.item = col_str(e, slot, LC_ITEM);
	if (m.item.p == NULL)
		goto done;				/* no item: not governed */
	m.it = lt_item(m.item.p, m.item.len);
	if (!lt_item_governed(m.it))
		goto done;

	m.wh = col_str(e, slot, LC_WAREHOUSE);

	/*
	 * A warehouse of white space only is missing, as an empty one is.  Only
	 * for rows being applied: a removed row is taken out where it was put,
	 * and versions before 1.1 took in such rows.
	 */
	if (!m.lenient && e->mode != LT_REMOVE && str_blank(m.wh))
		m.wh.p = NULL;
	m.variant = col_str(e, slot, LC_VARIANT);
	m.lot = col_str(e, slot, LC_LOT);
	m.serial = col_str(e, slot, LC_SERIAL);
	m.doc = col_str(e, slot, LC_DOC);
	m.account = col_str(e, slot, LC_ACCOUNT);
	m.batch_key = col_str(e, slot, LC_BATCH_KEY);
	m.supplier_lot = col_str(e, slot, LC_SUPPLIER_LOT);
	if (!col_date(e, slot, LC_MOVED_ON, &m.moved_on))
		m.moved_on = e->today;
	else if (DATE_NOT_FINITE(m.moved_on))
	{
		/* a removed row is reversed as it was taken in: dated today */
		if (!m.lenient)
			LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m.ref,
					 lt_row_key(ri, slot), "Give the movement the date it happened on.",
					 "movement of %s in warehouse \"%s\" is dated %s",
					 move_name(&m), m.wh.p ? str_c(m.wh) : "", date_str(m.moved_on));
		m.moved_on = e->today;
	}
	m.has_expiry = col_date(e, slot, LC_EXPIRY, &m.expiry);
	if (m.has_expiry && DATE_IS_NOBEGIN(m.expiry))
	{
		/* infinity: never expires; -infinity means nothing */
		if (!m.lenient)
			LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", m.ref,
					 lt_row_key(ri, slot),
					 "Give a real expiry date, infinity for a lot that never expires, or NULL for the item's shelf life.",
					 "expiry date of %s in warehouse \"%s\" is -infinity",
					 move_name(&m), m.wh.p ? str_c(m.wh) : "");
		m.has_expiry = false;
	}

	/* reason and quantity */
	if (ri->col[LC_REASON].attnum != 0)
	{
		reason_code = col_str(e, slot, LC_REASON);
		m.reason = reason_code.p ? lt_reason(reason_code.p, reason_code.len) : NULL;
		if (m.reason == NULL || !m.reason->exists)
		{
			/* a removed row that could never have been governed: nothing to undo */
			if (m.lenient)
				goto done;
			LT_ERROR(e, ERRCODE_FOREIGN_KEY_VIOLATION, "lottrace_reason", m.ref,
					 lt_row_key(ri, slot),
					 "Add the reason to lottrace.reason, or correct the row.",
					 reason_code.p
					 ? "reason \"%s\" of the movement of %s is not in lottrace.reason"
					 : "the movement of %s has no reason%s",
					 reason_code.p ? str_show(reason_code) : mv_what(&m),
					 reason_code.p ? mv_what(&m) : "");
		}
	}
	if (!col_qty(e, slot, &m.qty))
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot), "Write the quantity moved.",
					 "the movement of %s has no quantity", mv_what(&m));
		goto done;
	}
	if (numeric_is_nan(DatumGetNumeric(m.qty)) || numeric_is_inf(DatumGetNumeric(m.qty)))
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot),
					 "A quantity must be a finite number; NaN and Infinity are not quantities.",
					 "quantity %s of %s is not a finite number",
					 num_str(m.qty), mv_what(&m));
		goto done;
	}
	if ((qsign = num_cmp(m.qty, e->zero)) == 0 || (m.reason != NULL && qsign < 0))
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_qty", m.ref,
					 lt_row_key(ri, slot),
					 m.reason ? "With a reason column the quantity is written positive; the reason gives the direction." : NULL,
					 m.reason ? "quantity of %s must be greater than zero"
					 : "quantity of %s must not be zero",
					 mv_what(&m));
		goto done;
	}
	if (m.reason)
		m.dir = m.reason->sign;
	else
	{
		m.dir = qsign;
		if (qsign < 0)
			m.qty = DirectFunctionCall1(numeric_uminus, m.qty);
	}

	if (m.wh.p == NULL)
	{
		if (checks && !m.lenient)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_warehouse_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "the movement of %s has no warehouse", mv_what(&m));
		goto done;
	}

	/* lot and serial */
	if (m.it->lot_tracked)
	{
		if (m.lot.p == NULL)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_lot_required", m.ref,
						 lt_row_key(ri, slot),
						 m.dir > 0
						 ? "Give a lot code, or give the item a lot code type (lottrace.item.lot_code_type) so loads get one."
						 : "Unloads of a lot-tracked item must name the lot.",
						 "the movement of %s needs a lot code: the item is lot-tracked",
						 mv_what(&m));
			goto done;
		}
		if (!ri->col[LC_LOT].is_code && !check_code_syntax(e, &m, m.lot, false, slot))
			goto done;
	}
	else
		m.lot.p = NULL;
	if (m.it->serial_tracked)
	{
		if (m.serial.p == NULL)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_serial_required", m.ref,
						 lt_row_key(ri, slot),
						 "Give a serial, or use a reason with create_serials and give the item a serial code type.",
						 "the movement of %s needs a serial: the item is serial-tracked",
						 mv_what(&m));
			goto done;
		}
		if (!ri->col[LC_SERIAL].is_code && !check_code_syntax(e, &m, m.serial, true, slot))
			goto done;
		if (num_cmp(m.qty, DirectFunctionCall1(int4_numeric, Int32GetDatum(1))) != 0)
		{
			if (checks && !m.lenient)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_qty", m.ref,
						 lt_row_key(ri, slot), "Write one row per serial.",
						 "the movement of %s moves %s units: a serial moves exactly one",
						 mv_what(&m), num_str(m.qty));
			goto done;
		}
	}
	else
		m.serial.p = NULL;

	/* document and account the reason asks for (new rows only) */
	if (strict && !m.lenient && m.reason)
	{
		if (m.reason->requires_doc && m.doc.p == NULL)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_doc_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "reason \"%s\" requires a document: the movement of %s has none",
					 lt_show(m.reason->code, -1), mv_what(&m));
		if (m.reason->requires_account && m.account.p == NULL)
			LT_ERROR(e, ERRCODE_NOT_NULL_VIOLATION, "lottrace_account_required", m.ref,
					 lt_row_key(ri, slot), NULL,
					 "reason \"%s\" requires an account: the movement of %s has none",
					 lt_show(m.reason->code, -1), mv_what(&m));
	}

	/* a production batch key must fit lottrace.batch_member's index */
	if (checks && !m.lenient && m.reason && m.reason->production && m.batch_key.p &&
		m.batch_key.len > LT_BATCH_KEY_MAX &&
		pg_mbstrlen_with_len(m.batch_key.p, m.batch_key.len) > LT_BATCH_KEY_MAX)
		LT_ERROR(e, ERRCODE_STRING_DATA_RIGHT_TRUNCATION, "lottrace_batch_too_long", m.ref,
				 lt_row_key(ri, slot),
				 psprintf("A production batch key has at most %d characters.", LT_BATCH_KEY_MAX),
				 "batch key \"%s\" of the movement of %s is too long: %d characters",
				 str_show(m.batch_key), mv_what(&m),
				 pg_mbstrlen_with_len(m.batch_key.p, m.batch_key.len));

	MemoryContextSwitchTo(old);
	if (del)
		del->effect = true;
	if (m.it->lot_tracked)
	{
		add_lot_move(e, &m);
		if (lt_debug_chunk_rows > 0
			? (e->nrows % lt_debug_chunk_rows) == 0
			: ((e->nrows % LT_CHUNK_CHECK) == 0 &&
			   MemoryContextMemAllocated(e->chunk_cxt, true) > LT_CHUNK_BYTES))
			flush_chunk(e, false);
	}
	if (m.it->serial_tracked && !m.skip_serial)
		add_serial_move(e, &m);
	return;

done:
	MemoryContextSwitchTo(old);
}

/* ------------------------------------------------------------------------
 * Writing a chunk
 *
 * Each lot of the chunk is written by one row operation on lottrace.lot:
 *  - lots with a load among the new rows: INSERT ... ON CONFLICT DO UPDATE
 *    (creates the lot, or adds to its stock);
 *  - the others: UPDATE of existing lots.
 * Both return what the rules need (status, flags, expiry, supplier, the
 * warehouses now below zero), read from the locked, current row version.
 *
 * Lock order: the chunk's lots are sorted by key (item, code, variant as
 * bytes, no variant last) and every statement takes its rows in the order
 * of its arrays, so all statements lock lots in one global order and
 * concurrent bulk loads cannot deadlock.  Lots are written in slices of
 * LT_WRITE_SLICE in that order; when a chunk has both kinds, the existing
 * lots are first locked in one ordered pass.
 * ------------------------------------------------------------------------
 */

static LtPlan lot_upsert_plan = {
	"INSERT INTO lottrace.lot AS l (item, variant, code, code_type, supplier, supplier_lot,"
	"                               start_date, expiry_date, initial_qty, status, stock)"
	" SELECT u.item, u.variant, u.code, u.code_type, u.supplier, u.supplier_lot,"
	"        u.start_date, u.expiry_date, u.qty, u.status, u.delta"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::lottrace.lotcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                   pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.text[]),"
	"                   pg_catalog.unnest($7::pg_catalog.date[]), pg_catalog.unnest($8::pg_catalog.date[]),"
	"                   pg_catalog.unnest($9::pg_catalog.numeric[]), pg_catalog.unnest($10::pg_catalog.text[]),"
	"                   pg_catalog.unnest($11::pg_catalog.jsonb[])) WITH ORDINALITY"
	"        AS u(item, variant, code, code_type, supplier, supplier_lot, start_date, expiry_date,"
	"             qty, status, delta, i)"
	"  ORDER BY u.i"
	" ON CONFLICT ON CONSTRAINT lot_item_code_variant_key DO UPDATE"
	"    SET stock = lottrace._stock_add(l.stock, excluded.stock)"
	" RETURNING l.lot_id, l.code,"
	"           l.xmax OPERATOR(pg_catalog.=) '0'::pg_catalog.xid,"
	"           l.status, l.saleable, l.force_closed, l.expiry_date, l.supplier,"
	"           CASE WHEN l.xmax OPERATOR(pg_catalog.<>) '0'::pg_catalog.xid"
	"                THEN lottrace._stock_negative(l.stock, l.stock) END",
	11, {0}
};

static LtPlan lot_update_plan = {
	"WITH k AS ("
	"  SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
	"                           pg_catalog.unnest($2::pg_catalog.text[]),"
	"                           pg_catalog.unnest($3::lottrace.lotcode[]),"
	"                           pg_catalog.unnest($4::pg_catalog.jsonb[]))"
	"         WITH ORDINALITY AS k(item, variant, code, delta, i)),"
	" locked AS ("
	"  SELECT l.lot_id, k.i, k.delta"
	"    FROM k JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) k.item"
	"     AND l.code OPERATOR(pg_catalog.=) k.code"
	"     AND (l.variant OPERATOR(pg_catalog.=) k.variant OR (l.variant IS NULL AND k.variant IS NULL))"
	"   ORDER BY k.i"
	"     FOR NO KEY UPDATE OF l)"
	"UPDATE lottrace.lot l SET stock = lottrace._stock_add(l.stock, locked.delta)"
	"  FROM locked WHERE l.lot_id OPERATOR(pg_catalog.=) locked.lot_id"
	" RETURNING locked.i, l.lot_id, l.status, l.saleable, l.force_closed, l.expiry_date,"
	"           l.supplier, lottrace._stock_negative(l.stock, locked.delta)",
	4, {0}
};

/* the same for one lot: a plain UPDATE (it locks its one row) */
static LtPlan lot_update1_plan = {
	"UPDATE lottrace.lot l SET stock = lottrace._stock_add(l.stock, $4)"
	" WHERE l.item OPERATOR(pg_catalog.=) $1 AND l.code OPERATOR(pg_catalog.=) $3"
	"   AND (l.variant OPERATOR(pg_catalog.=) $2 OR (l.variant IS NULL AND $2 IS NULL))"
	" RETURNING 1::pg_catalog.int8, l.lot_id, l.status, l.saleable, l.force_closed, l.expiry_date,"
	"           l.supplier, lottrace._stock_negative(l.stock, $4)",
	4, {0}
};

/* existing lots of a chunk, locked in key order (the order of the upsert) */
static LtPlan lot_prelock_plan = {
	"SELECT l.lot_id"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
	"                  pg_catalog.unnest($2::pg_catalog.text[]),"
	"                  pg_catalog.unnest($3::lottrace.lotcode[])) WITH ORDINALITY AS k(item, variant, code, i)"
	"  JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) k.item"
	"   AND l.code OPERATOR(pg_catalog.=) k.code"
	"   AND (l.variant OPERATOR(pg_catalog.=) k.variant OR (l.variant IS NULL AND k.variant IS NULL))"
	" ORDER BY k.i"
	"   FOR NO KEY UPDATE OF l",
	3, {0}
};

static LtPlan batch_upsert_plan = {
	"INSERT INTO lottrace.batch_member AS m (batch_key, role, lot_id, qty, nrows)"
	" SELECT u.b, u.r, u.l, u.q, u.n"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::pg_catalog.int8[]), pg_catalog.unnest($4::pg_catalog.numeric[]),"
	"                   pg_catalog.unnest($5::pg_catalog.int4[])) AS u(b, r, l, q, n)"
	"  ORDER BY u.b, u.r, u.l"
	" ON CONFLICT (batch_key, role, lot_id) DO UPDATE"
	"    SET qty = m.qty OPERATOR(pg_catalog.+) excluded.qty,"
	"        nrows = m.nrows OPERATOR(pg_catalog.+) excluded.nrows",
	5, {0}
};

static LtPlan batch_cleanup_plan = {
	"DELETE FROM lottrace.batch_member m"
	" USING ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                  pg_catalog.unnest($3::pg_catalog.int8[])) AS k(b, r, l)"
	" WHERE m.batch_key OPERATOR(pg_catalog.=) k.b AND m.role OPERATOR(pg_catalog.=) k.r"
	"   AND m.lot_id OPERATOR(pg_catalog.=) k.l AND m.nrows OPERATOR(pg_catalog.<=) 0",
	3, {0}
};

static LtPlan neg_recheck_plan = {
	"SELECT k.i, (l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[]))"
	"       WITH ORDINALITY AS k(lot_id, wh, i)"
	"  JOIN lottrace.lot l ON l.lot_id OPERATOR(pg_catalog.=) k.lot_id"
	" WHERE ((l.stock OPERATOR(pg_catalog.->) k.wh) OPERATOR(pg_catalog.->>) 1)::pg_catalog.numeric"
	"       OPERATOR(pg_catalog.<) 0",
	2, {0}
};

/* Argument types that are lottrace types, known only at run time. */
static void
init_plans(void)
{
	Oid			lotcode_arr = get_array_type(lt_lotcode_oid());
	Oid			date_arr = get_array_type(DATEOID);
	Oid			num_arr = get_array_type(NUMERICOID);
	Oid			jsonb_arr = get_array_type(JSONBOID);

	for (int i = 0; i < 11; i++)
		lot_upsert_plan.argtypes[i] = TEXTARRAYOID;
	lot_upsert_plan.argtypes[2] = lotcode_arr;
	lot_upsert_plan.argtypes[6] = lot_upsert_plan.argtypes[7] = date_arr;
	lot_upsert_plan.argtypes[8] = num_arr;
	lot_upsert_plan.argtypes[10] = jsonb_arr;
	lot_update_plan.argtypes[0] = lot_update_plan.argtypes[1] = TEXTARRAYOID;
	lot_update_plan.argtypes[2] = lotcode_arr;
	lot_update_plan.argtypes[3] = jsonb_arr;
	lot_update1_plan.argtypes[0] = lot_update1_plan.argtypes[1] = TEXTOID;
	lot_update1_plan.argtypes[2] = lt_lotcode_oid();
	lot_update1_plan.argtypes[3] = JSONBOID;
	lot_prelock_plan.argtypes[0] = lot_prelock_plan.argtypes[1] = TEXTARRAYOID;
	lot_prelock_plan.argtypes[2] = lotcode_arr;
	batch_upsert_plan.argtypes[0] = batch_upsert_plan.argtypes[1] = TEXTARRAYOID;
	batch_upsert_plan.argtypes[2] = INT8ARRAYOID;
	batch_upsert_plan.argtypes[3] = num_arr;
	batch_upsert_plan.argtypes[4] = INT4ARRAYOID;
	batch_cleanup_plan.argtypes[0] = batch_cleanup_plan.argtypes[1] = TEXTARRAYOID;
	batch_cleanup_plan.argtypes[2] = INT8ARRAYOID;
	neg_recheck_plan.argtypes[0] = INT8ARRAYOID;
	neg_recheck_plan.argtypes[1] = TEXTARRAYOID;
}

static Datum
str_array(LtStr *s, int n, Oid elemtype)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		nulls[i] = (s[i].p == NULL);
		d[i] = nulls[i] ? (Datum) 0 : str_text(s[i]);
	}
	return lt_array_text(d, nulls, n, elemtype);
}

/* Does column col of a result row hold the string s (NULL for s.p NULL)? */
static bool
col_is(HeapTuple t, TupleDesc d, int col, LtStr s)
{
	bool		isnull;
	Datum		v = SPI_getbinval(t, d, col, &isnull);
	text	   *x;

	if (isnull || s.p == NULL)
		return isnull && s.p == NULL;
	x = DatumGetTextPP(v);
	return VARSIZE_ANY_EXHDR(x) == s.len && memcmp(VARDATA_ANY(x), s.p, s.len) == 0;
}

static char *
lot_name(LotEnt *l)
{
	if (l->key.variant.p)
		return psprintf("lot \"%s\" of item \"%s\" variant \"%s\"",
						str_show(l->key.code), str_show(l->key.item), str_show(l->key.variant));
	return psprintf("lot \"%s\" of item \"%s\"", str_show(l->key.code), str_show(l->key.item));
}

/* The chunk's change to a lot's stock, as a stock object of deltas. */
static Datum
lot_delta(LotEnt *l)
{
	int			n = 0;
	LtStockEntry *ent;

	for (BalEnt *b = l->bals; b; b = b->next)
		n++;
	ent = palloc(sizeof(LtStockEntry) * Max(n, 1));
	n = 0;
	for (BalEnt *b = l->bals; b; b = b->next)
	{
		ent[n].wh = b->key.wh.p;
		ent[n].whlen = b->key.wh.len;
		ent[n].loaded = b->loaded;
		ent[n].on_hand = b->net;
		n++;
	}
	return JsonbPGetDatum(lt_stock_build(ent, n, true));
}

/* Status of a new lot: the item's initial status or lottrace.default_status. */
static const char *
new_lot_status(LtEngine *e, LotEnt *l)
{
	const char *st = l->it->initial_status ? l->it->initial_status : lt_default_status;

	if (st == NULL || !lt_status_lookup(st, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("status \"%s\" for new %s is not in lottrace.lot_status",
						lt_show(st, -1), lot_name(l)),
				 errdetail("%s", row_desc(e, l->load_ref, NULL)),
				 errhint("%s", l->it->initial_status
						 ? "Correct lottrace.item.initial_status."
						 : "Correct the setting lottrace.default_status."),
				 lt_errconstraint(e, "lottrace_lot_status")));
	return st;
}

/* The code-type check of a new lot's code (ctx: item, variant, class...). */
static void
check_lot_format(LtEngine *e, LotEnt *l)
{
	LtCodeType *ct = l->it->lot_ct;
	cf_context	ctx;

	if (ct == NULL)
		return;
	lt_cf_item_context(&ctx, l->it, l->key.item.p, l->key.item.len,
					   l->key.variant.p, l->key.variant.len);
	if (!cf_match(ct->fmt, l->key.code.p, l->key.code.len, &ctx))
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_code_format", l->load_ref, NULL,
				 psprintf("Codes of code type \"%s\" have the format %s.", ct->code, ct->fmt_text),
				 "%s in warehouse \"%s\" does not match code type \"%s\"",
				 lot_name(l), str_show(l->load_wh), lt_show(ct->code, -1));
}

/* Take the register's answer for a lot (columns from `first` on). */
static void
read_lot_row(LtEngine *e, LotEnt *l, HeapTuple t, TupleDesc d, int first)
{
	bool		isnull;
	Datum		x;

	l->status = MemoryContextStrdup(e->chunk_cxt, lt_getstr(t, d, first));
	l->saleable = DatumGetBool(SPI_getbinval(t, d, first + 1, &isnull));
	l->force_closed = DatumGetBool(SPI_getbinval(t, d, first + 2, &isnull));
	x = SPI_getbinval(t, d, first + 3, &isnull);
	l->has_db_expiry = !isnull;
	l->db_expiry = isnull ? 0 : DatumGetDateADT(x);
	l->supplier = lt_getstr(t, d, first + 4);
	if (l->supplier)
		l->supplier = MemoryContextStrdup(e->chunk_cxt, l->supplier);
	x = SPI_getbinval(t, d, first + 5, &isnull);
	if (isnull)
		l->negatives = NULL;
	else
	{
		MemoryContext old = MemoryContextSwitchTo(e->chunk_cxt);

		l->negatives = DatumGetJsonbPCopy(x);
		MemoryContextSwitchTo(old);
	}
}

/* Lots with a load: create them, or add to their stock. */
static void
upsert_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtStr	   *s[7];
	Datum	   *dates[2];
	bool	   *dnull[2];
	Datum	   *qty = palloc(sizeof(Datum) * n);
	Datum	   *delta = palloc(sizeof(Datum) * n);
	Datum		args[11];
	uint64		nr;

	for (int k = 0; k < 7; k++)
		s[k] = palloc(sizeof(LtStr) * n);
	for (int k = 0; k < 2; k++)
	{
		dates[k] = palloc(sizeof(Datum) * n);
		dnull[k] = palloc(sizeof(bool) * n);
	}
	for (int i = 0; i < n; i++)
	{
		LotEnt	   *l = lots[i];
		const char *st = new_lot_status(e, l);
		LtCodeType *ct = l->it->lot_ct;

		s[0][i] = l->key.item;
		s[1][i] = l->key.variant;
		s[2][i] = l->key.code;
		s[3][i] = (LtStr) {ct ? ct->code : NULL, ct ? (int) strlen(ct->code) : 0};
		s[4][i] = l->account;
		s[5][i] = l->supplier_lot;
		s[6][i] = (LtStr) {st, (int) strlen(st)};
		dates[0][i] = DateADTGetDatum(l->start);
		dnull[0][i] = false;
		dnull[1][i] = false;
		if (l->has_expiry)
			dates[1][i] = DateADTGetDatum(l->expiry);
		else if (l->it->lot_validity_days >= 0)
		{
			DateADT		x;

			if (!lt_lot_expiry(l->it, l->start, &x))
				LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", l->load_ref, NULL,
						 "Correct the movement date, or give the expiry date in the row.",
						 "expiry date of %s in warehouse \"%s\" is out of range: start date %s + %d days of shelf life is past 5874897-12-31",
						 lot_name(l), str_c(l->load_wh), date_str(l->start), l->it->lot_validity_days);
			dates[1][i] = DateADTGetDatum(x);
		}
		else
			dnull[1][i] = true;
		qty[i] = l->first_qty;
		delta[i] = lot_delta(l);
	}
	args[0] = str_array(s[0], n, TEXTOID);
	args[1] = str_array(s[1], n, TEXTOID);
	args[2] = str_array(s[2], n, lt_lotcode_oid());
	args[3] = str_array(s[3], n, TEXTOID);
	args[4] = str_array(s[4], n, TEXTOID);
	args[5] = str_array(s[5], n, TEXTOID);
	args[6] = lt_array_date(dates[0], dnull[0], n);
	args[7] = lt_array_date(dates[1], dnull[1], n);
	args[8] = lt_array_numeric(qty, NULL, n);
	args[9] = str_array(s[6], n, TEXTOID);
	args[10] = lt_array_text(delta, NULL, n, JSONBOID);
	nr = lt_exec_batch(&lot_upsert_plan, args, NULL, false);

	/*
	 * INSERT ... ON CONFLICT DO UPDATE returns one row per row it takes, in
	 * the order it takes them: the r-th row returned is lots[r] (the code
	 * returned with it is checked all the same).
	 */
	if (nr != (uint64) n)
		elog(ERROR, "lottrace: %d lots written, " UINT64_FORMAT " returned", n, nr);
	for (uint64 r = 0; r < nr; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		LotEnt	   *l = lots[r];
		bool		isnull;

		if (!col_is(t, d, 2, l->key.code))
			elog(ERROR, "lottrace: the lots written came back in another order");
		l->lot_id = lt_getint8(t, d, 1, NULL);
		if (DatumGetBool(SPI_getbinval(t, d, 3, &isnull)))
		{
			l->existed = false;
			l->inserted = true;
			created_add(e, l->lot_id);
			if (e->mode == LT_STRICT)
				check_lot_format(e, l);
		}
		else
			l->existed = !created_has(e, l->lot_id);
		read_lot_row(e, l, t, d, 4);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Lots without a load: they must exist; add to their stock. */
static void
update_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtStr	   *items = palloc(sizeof(LtStr) * n);
	LtStr	   *variants = palloc(sizeof(LtStr) * n);
	LtStr	   *codes = palloc(sizeof(LtStr) * n);
	Datum	   *delta = palloc(sizeof(Datum) * n);
	Datum		args[4];
	uint64		nr;

	for (int i = 0; i < n; i++)
	{
		items[i] = lots[i]->key.item;
		variants[i] = lots[i]->key.variant;
		codes[i] = lots[i]->key.code;
		delta[i] = lot_delta(lots[i]);
	}
	if (n == 1)
	{
		char		nulls[4] = {' ', ' ', ' ', ' '};

		args[0] = str_text(items[0]);
		if (variants[0].p)
			args[1] = str_text(variants[0]);
		else
		{
			args[1] = (Datum) 0;
			nulls[1] = 'n';
		}
		args[2] = str_text(codes[0]);	/* a lotcode is laid out as text */
		args[3] = delta[0];
		nr = lt_exec(&lot_update1_plan, args, nulls, false, 0);
	}
	else
	{
		args[0] = str_array(items, n, TEXTOID);
		args[1] = str_array(variants, n, TEXTOID);
		args[2] = str_array(codes, n, lt_lotcode_oid());
		args[3] = lt_array_text(delta, NULL, n, JSONBOID);
		nr = lt_exec_batch(&lot_update_plan, args, NULL, false);
	}
	for (uint64 r = 0; r < nr; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		int64		i = lt_getint8(t, d, 1, NULL) - 1;
		LotEnt	   *l;

		if (i < 0 || i >= n)
			continue;
		l = lots[i];
		l->lot_id = lt_getint8(t, d, 2, NULL);
		l->existed = !created_has(e, l->lot_id);
		read_lot_row(e, l, t, d, 3);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Rules on a written lot: new_lot_only, single supplier, availability, stock. */
static void
check_lot(LtEngine *e, LotEnt *l)
{
	if (e->mode == LT_STRICT)
	{
		if (l->new_lot_only && l->existed)
			LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_new_lot_only", l->nlo_ref, NULL,
					 "Loads with this reason must create a new lot: give a new lot code, or none to have one generated.",
					 "%s already exists: reason \"%s\" only creates new lots (load into warehouse \"%s\")",
					 lot_name(l), lt_show(l->nlo_reason, -1), str_show(l->nlo_wh));
		if (l->it->single_supplier)
		{
			if (l->acct2.p)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_single_supplier", l->acct2_ref, NULL,
						 "The item allows one supplier per lot (lottrace.item.single_supplier).",
						 "%s comes from supplier \"%s\": load from account \"%s\" into warehouse \"%s\" refused",
						 lot_name(l), str_show(l->account), str_show(l->acct2), str_show(l->acct2_wh));
			/*
			 * The lot's supplier as written: before the statement, or by an
			 * earlier chunk of it (so not only when the lot "existed").
			 */
			if (l->has_load && l->account.p && l->supplier &&
				strcmp(l->supplier, str_c(l->account)) != 0)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_single_supplier", l->load_ref, NULL,
						 "The item allows one supplier per lot (lottrace.item.single_supplier).",
						 "%s comes from supplier \"%s\": load from account \"%s\" into warehouse \"%s\" refused",
						 lot_name(l), lt_show(l->supplier, -1), str_show(l->account), str_show(l->load_wh));
		}
		if (l->gated)
		{
			bool		available = false;
			const char *why = NULL;

			if (!lt_status_lookup(l->status, &available) || !available)
				why = psprintf("its status \"%s\" is not available", lt_show(l->status, -1));
			else if (!l->saleable)
				why = "it is not saleable";
			else if (l->force_closed)
				why = "it is force closed";
			if (why)
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_unavailable", l->max_unload_ref, NULL,
						 "Release the lot (lottrace.set_lot_status), or use a reason that allows unavailable lots.",
						 "%s cannot be unloaded from warehouse \"%s\": %s",
						 lot_name(l), str_show(l->max_unload_wh), why);
			if (l->has_db_expiry &&
				l->max_unload >= blocked_from(l->db_expiry, l->it->block_days))
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_expired", l->max_unload_ref, NULL,
						 "Expired lots are unloaded with a reason that allows unavailable lots (e.g. scrapping).",
						 "%s is blocked by expiry: it expires on %s and is blocked from %s; the unload from warehouse \"%s\" is dated %s",
						 lot_name(l), date_str(l->db_expiry),
						 date_str(blocked_from(l->db_expiry, l->it->block_days)),
						 str_show(l->max_unload_wh), date_str(l->max_unload));
		}
	}

	/* warehouses now below zero: judged at the end of the statement */
	if (l->inserted && e->mode == LT_STRICT)
	{
		/* a new lot's stock is this chunk's delta */
		MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

		for (BalEnt *b = l->bals; b; b = b->next)
		{
			NegCand    *c;

			if (num_cmp(b->net, e->zero) >= 0 || lt_warehouse_allows_negative(b->key.wh.p))
				continue;
			c = palloc(sizeof(NegCand));
			c->lot_id = l->lot_id;
			c->wh = pstrdup(b->key.wh.p);
			c->item = str_c(l->key.item);
			c->code = str_c(l->key.code);
			c->variant = l->key.variant.p ? str_c(l->key.variant) : NULL;
			c->on_hand = datumCopy(b->net, false, -1);
			c->ref = b->out_ref.src >= 0 ? b->out_ref : l->unload_ref;
			c->matched = b->matched_out;
			e->negs = lappend(e->negs, c);
		}
		MemoryContextSwitchTo(old);
	}
	else if (l->negatives != NULL && e->mode == LT_STRICT)
	{
		LtStockEntry *neg;
		int			nn;
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

		/* {"wh": on_hand}: read it as pairs */
		nn = 0;
		neg = palloc(sizeof(LtStockEntry) * 8);
		it = JsonbIteratorInit(&l->negatives->root);
		while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				if (nn % 8 == 0 && nn > 0)
					neg = repalloc(neg, sizeof(LtStockEntry) * (nn + 8));
				neg[nn].wh = pnstrdup(v.val.string.val, v.val.string.len);
				neg[nn].whlen = v.val.string.len;
			}
			else if (tok == WJB_VALUE)
				neg[nn++].on_hand = datumCopy(NumericGetDatum(v.val.numeric), false, -1);
		}
		for (int k = 0; k < nn; k++)
		{
			NegCand    *c;
			RowRef		ref = l->unload_ref;

			bool		touched = false;
			bool		matched = false;

			/* only warehouses this chunk moved stock in */
			for (BalEnt *b = l->bals; b; b = b->next)
				if (b->key.wh.len == neg[k].whlen &&
					memcmp(b->key.wh.p, neg[k].wh, neg[k].whlen) == 0)
				{
					touched = true;
					matched = b->matched_out;
					if (b->out_ref.src >= 0)
						ref = b->out_ref;
				}
			if (!touched || lt_warehouse_allows_negative(neg[k].wh))
				continue;
			c = palloc(sizeof(NegCand));
			c->lot_id = l->lot_id;
			c->wh = (char *) neg[k].wh;
			c->item = str_c(l->key.item);
			c->code = str_c(l->key.code);
			c->variant = l->key.variant.p ? str_c(l->key.variant) : NULL;
			c->on_hand = neg[k].on_hand;
			c->ref = ref;
			c->matched = matched;
			e->negs = lappend(e->negs, c);
		}
		MemoryContextSwitchTo(old);
	}
}

/* Turn a not-yet-existing lot's balances into moves for the final chunk. */
static void
carry_lot(LtEngine *e, LotEnt *l)
{
	MemoryContext old = MemoryContextSwitchTo(e->stmt_cxt);

	for (BalEnt *b = l->bals; b; b = b->next)
	{
		LtMove	   *m;
		int			c = num_cmp(b->net, e->zero);

		if (c == 0)
			continue;
		m = palloc0(sizeof(LtMove));
		m->it = l->it;
		m->item = str_copy(e->stmt_cxt, l->key.item);
		m->variant = str_copy(e->stmt_cxt, l->key.variant);
		m->lot = str_copy(e->stmt_cxt, l->key.code);
		m->wh = str_copy(e->stmt_cxt, b->key.wh);
		m->qty = datumCopy(c > 0 ? b->net : DirectFunctionCall1(numeric_uminus, b->net), false, -1);
		m->dir = c;
		m->sign = 1;
		m->moved_on = l->gated ? l->max_unload : e->today;
		m->ref = (b->out_ref.src >= 0) ? b->out_ref : l->unload_ref;
		if (!l->gated)
		{
			/* its unloads were not gated: keep them so */
			static LtReason ungated = {.exists = true, .sign = -1, .allow_unavailable = true};

			m->reason = &ungated;
		}
		e->carry = lappend(e->carry, m);
	}
	l->carried = true;
	MemoryContextSwitchTo(old);
}

static int
str_cmp_bytes(LtStr a, LtStr b)
{
	int			c;

	if (a.p == NULL || b.p == NULL)
		return (a.p == NULL) - (b.p == NULL);	/* NULL last */
	c = memcmp(a.p, b.p, Min(a.len, b.len));
	if (c != 0)
		return c;
	return (a.len > b.len) - (a.len < b.len);
}

static int
lot_key_cmp(const void *x, const void *y)
{
	const LotEnt *a = *(LotEnt *const *) x;
	const LotEnt *b = *(LotEnt *const *) y;
	int			c = str_cmp_bytes(a->key.item, b->key.item);

	if (c == 0)
		c = str_cmp_bytes(a->key.code, b->key.code);
	if (c == 0)
		c = str_cmp_bytes(a->key.variant, b->key.variant);
	return c;
}

typedef void (*LotWriter) (LtEngine *e, LotEnt **lots, int n);

static void
prelock_lots(LtEngine *e, LotEnt **lots, int n)
{
	LtStr	   *items = palloc(sizeof(LtStr) * n);
	LtStr	   *variants = palloc(sizeof(LtStr) * n);
	LtStr	   *codes = palloc(sizeof(LtStr) * n);
	Datum		args[3];

	for (int i = 0; i < n; i++)
	{
		items[i] = lots[i]->key.item;
		variants[i] = lots[i]->key.variant;
		codes[i] = lots[i]->key.code;
	}
	args[0] = str_array(items, n, TEXTOID);
	args[1] = str_array(variants, n, TEXTOID);
	args[2] = str_array(codes, n, lt_lotcode_oid());
	lt_exec_batch(&lot_prelock_plan, args, NULL, false);
	SPI_freetuptable(SPI_tuptable);
}

/* Run a writer over lots (sorted) in slices, each in a fresh memory context. */
static void
write_sliced(LtEngine *e, LotWriter writer, LotEnt **lots, int n)
{
	for (int off = 0; off < n; off += LT_WRITE_SLICE)
	{
		MemoryContext old = MemoryContextSwitchTo(e->write_cxt);

		writer(e, lots + off, Min(LT_WRITE_SLICE, n - off));
		MemoryContextSwitchTo(old);
		MemoryContextReset(e->write_cxt);
	}
}

static void
flush_chunk(LtEngine *e, bool final)
{
	HASH_SEQ_STATUS hs;
	LotEnt	   *l;
	BatchEnt   *be;
	long		nlots = hash_get_num_entries(e->lots);
	LotEnt	  **all,
			  **with_load,
			  **without;
	int			n = 0,
				nw = 0,
				nwo = 0;
	MemoryContext old;

	if (nlots == 0)
		return;
	old = MemoryContextSwitchTo(e->chunk_cxt);
	init_plans();
	e->nflush++;
	elog(DEBUG1, "lottrace: writing chunk %d (%ld lots)", e->nflush, nlots);

	/*
	 * 1. write every lot, in key order: upsert the loaded ones, update the
	 * others
	 */
	all = palloc(sizeof(LotEnt *) * nlots);
	with_load = palloc(sizeof(LotEnt *) * nlots);
	without = palloc(sizeof(LotEnt *) * nlots);
	hash_seq_init(&hs, e->lots);
	while ((l = hash_seq_search(&hs)) != NULL)
		all[n++] = l;
	qsort(all, nlots, sizeof(LotEnt *), lot_key_cmp);
	for (int i = 0; i < n; i++)
	{
		if (all[i]->has_load)
			with_load[nw++] = all[i];
		else
			without[nwo++] = all[i];
	}
	if (nw > 0 && nwo > 0)
	{
		/*
		 * Both kinds in one chunk: lock every existing lot first, in key
		 * order, so that two statements never hold locks in opposite orders.
		 */
		write_sliced(e, prelock_lots, all, n);
	}
	if (nw > 0)
		write_sliced(e, upsert_lots, with_load, nw);
	if (nwo > 0)
		write_sliced(e, update_lots, without, nwo);

	/* 2. lots that do not exist: carried to the end, or refused there */
	for (int i = 0; i < nwo; i++)
	{
		l = without[i];
		if (l->lot_id != 0)
			continue;
		if (!final)
			carry_lot(e, l);
		else if (e->mode != LT_REMOVE)
			LT_ERROR(e, ERRCODE_FOREIGN_KEY_VIOLATION, "lottrace_lot_unknown", l->unload_ref, NULL,
					 "Unloads must name a lot that has been loaded.",
					 "%s does not exist (unload from warehouse \"%s\")",
					 lot_name(l), str_show(l->unload_wh));
		else
			l->carried = true;	/* nothing to take out of a lot that is gone */
	}

	/* 3. rules on each lot */
	hash_seq_init(&hs, e->lots);
	while ((l = hash_seq_search(&hs)) != NULL)
		if (!l->carried)
			check_lot(e, l);

	/* 4. production batch members */
	{
		long		nbt = e->batches ? hash_get_num_entries(e->batches) : 0;

		if (nbt > 0)
		{
			LtStr	   *keys = palloc(sizeof(LtStr) * nbt);
			LtStr	   *roles = palloc(sizeof(LtStr) * nbt);
			int64	   *ids = palloc(sizeof(int64) * nbt);
			Datum	   *qty = palloc(sizeof(Datum) * nbt);
			int32	   *nrows = palloc(sizeof(int32) * nbt);
			int			n = 0;
			bool		shrink = false;

			hash_seq_init(&hs, e->batches);
			while ((be = hash_seq_search(&hs)) != NULL)
			{
				if (be->key.lot->carried)
					continue;
				keys[n] = be->key.batch;
				roles[n] = (be->key.role == 'i') ? (LtStr) {"input", 5} : (LtStr) {"output", 6};
				ids[n] = be->key.lot->lot_id;
				qty[n] = be->qty;
				nrows[n] = be->nrows;
				if (be->nrows < 0)
					shrink = true;
				n++;
			}
			if (n > 0)
			{
				Datum		args[5];

				args[0] = str_array(keys, n, TEXTOID);
				args[1] = str_array(roles, n, TEXTOID);
				args[2] = lt_array_int8(ids, n);
				args[3] = lt_array_numeric(qty, NULL, n);
				args[4] = lt_array_int4(nrows, n);
				lt_exec_batch(&batch_upsert_plan, args, NULL, false);
				if (shrink)
					lt_exec_batch(&batch_cleanup_plan, args, NULL, false);
			}
		}
	}

	MemoryContextSwitchTo(old);
	chunk_reset(e);
}

/* ------------------------------------------------------------------------
 * End of statement: negative stock
 * ------------------------------------------------------------------------
 */

static void
check_negatives(LtEngine *e)
{
	ListCell   *lc;

	if (e->negs == NIL)
		return;
	if (e->nflush > 1)
	{
		/* a later chunk may have brought the stock back: read it again */
		int			n = list_length(e->negs);
		int64	   *ids = palloc(sizeof(int64) * n);
		LtStr	   *whs = palloc(sizeof(LtStr) * n);
		NegCand   **cs = palloc(sizeof(NegCand *) * n);
		Datum		args[2];
		uint64		nr;
		int			i = 0;
		List	   *still = NIL;

		init_plans();
		foreach(lc, e->negs)
		{
			NegCand    *c = lfirst(lc);

			cs[i] = c;
			ids[i] = c->lot_id;
			whs[i] = (LtStr) {c->wh, (int) strlen(c->wh)};
			i++;
		}
		args[0] = lt_array_int8(ids, n);
		args[1] = str_array(whs, n, TEXTOID);
		/*
		 * Not read-only: a read-only SPI query runs on the statement's
		 * snapshot, before the chunks' own writes, and would read the
		 * stock as it was before the statement.
		 */
		nr = lt_exec_batch(&neg_recheck_plan, args, NULL, false);
		for (uint64 r = 0; r < nr; r++)
		{
			int64		k = lt_getint8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, NULL) - 1;
			char	   *oh = lt_getstr(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

			if (k < 0 || k >= n)
				continue;
			cs[k]->on_hand = DirectFunctionCall3(numeric_in, CStringGetDatum(oh),
												 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
			still = lappend(still, cs[k]);
		}
		e->negs = still;
	}
	foreach(lc, e->negs)
	{
		NegCand    *c = lfirst(lc);
		char	   *name = c->variant
			? psprintf("lot \"%s\" of item \"%s\" variant \"%s\"", lt_show(c->code, -1),
					   lt_show(c->item, -1), lt_show(c->variant, -1))
			: psprintf("lot \"%s\" of item \"%s\"", lt_show(c->code, -1), lt_show(c->item, -1));

		/*
		 * A DELETE on a partitioned table, a row coming back (its partners
		 * may come back later in the transaction), or stock that a deletion
		 * of this transaction left negative: judged at commit (moves.c).
		 */
		if (e->deferring || c->matched || lt_moves_neg_waiting(c->lot_id, c->wh))
		{
			lt_moves_defer_neg(c->lot_id, c->wh, name, row_desc(e, c->ref, NULL), e->ri->relid);
			e->need_check = true;
			continue;
		}
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_negative_stock", c->ref, NULL,
				 "Warehouses marked allow_negative in lottrace.warehouse may go below zero.",
				 "stock of %s in warehouse \"%s\" would be %s",
				 name, lt_show(c->wh, -1), num_str(c->on_hand));
	}
}

/* ------------------------------------------------------------------------
 * Serials
 * ------------------------------------------------------------------------
 */

/* One serial's moves in this statement, and what becomes of it. */
typedef struct SerialGroup
{
	LtStr		item, variant, code;
	LtItem	   *it;
	/* per warehouse net count change */
	int			nwh;
	char	  **wh;
	int		   *net;
	RowRef	   *in_ref;			/* a row moving it into that warehouse */
	RowRef	   *out_ref;		/* a row moving it out of that warehouse */
	bool		any_new;		/* some row is a new (not reversed) row */
	bool		any_reversal;	/* some row is a removed (old) row */
	RowRef		first_ref;
	/* first new load (creates the serial), last new load, first new unload after it */
	DateADT		first_load_date;
	char	   *first_load_account;
	bool		has_load;
	char	   *load_lot;
	char	   *load_doc;
	DateADT		load_date;
	char	   *load_account;
	char	   *load_wh;
	bool		has_unload;
	char	   *unload_doc;
	DateADT		unload_date;
	/* from the register */
	bool		fresh;			/* created by this statement */
	int64		serial_id;
	bool		in_stock;
	char	   *cur_wh;
	bool		cancelled;
	/* result */
	bool		final_in;
	char	   *final_wh;
	List	   *rows;			/* SerialRow *, when the statement's rules may wait */
} SerialGroup;

/* One row of a serial group, kept to be held for the commit-time check. */
typedef struct SerialRow
{
	int64		rowno;
	char	   *wh;
	int			dir;
	char	   *lot;
	char	   *doc;
	DateADT		moved_on;
	char	   *account;
} SerialRow;

static LtPlan serial_lock_plan = {
	"SELECT k.i, s.serial_id, s.state OPERATOR(pg_catalog.=) 'in_stock', s.warehouse, s.cancelled"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::lottrace.serialcode[]))"
	"       WITH ORDINALITY AS k(item, variant, code, i)"
	"  JOIN lottrace.serial s ON s.item OPERATOR(pg_catalog.=) k.item"
	"   AND s.code OPERATOR(pg_catalog.=) k.code"
	"   AND (s.variant OPERATOR(pg_catalog.=) k.variant OR (s.variant IS NULL AND k.variant IS NULL))"
	" ORDER BY k.i"
	"   FOR NO KEY UPDATE OF s",
	3, {0}
};

/* serials new to the register, written directly in their final state */
static LtPlan serial_insert_plan = {
	"INSERT INTO lottrace.serial AS s (item, variant, code, state, warehouse, lot_id, start_date,"
	"                                  expiry_date, supplier, load_doc, loaded_on, unload_doc, unloaded_on)"
	" SELECT u.item, u.variant, u.code,"
	"        CASE WHEN u.wh IS NULL THEN 'out' ELSE 'in_stock' END, u.wh, l.lot_id, u.start_date,"
	"        u.start_date OPERATOR(pg_catalog.+) u.validity, u.supplier,"
	"        u.load_doc, u.loaded_on, u.unload_doc, u.unloaded_on"
	"   FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                   pg_catalog.unnest($3::lottrace.serialcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                   pg_catalog.unnest($5::pg_catalog.date[]), pg_catalog.unnest($6::pg_catalog.int4[]),"
	"                   pg_catalog.unnest($7::pg_catalog.text[]), pg_catalog.unnest($8::pg_catalog.text[]),"
	"                   pg_catalog.unnest($9::pg_catalog.text[]), pg_catalog.unnest($10::pg_catalog.date[]),"
	"                   pg_catalog.unnest($11::pg_catalog.text[]), pg_catalog.unnest($12::pg_catalog.date[]))"
	"        WITH ORDINALITY AS u(item, variant, code, lot, start_date, validity, supplier, wh,"
	"                             load_doc, loaded_on, unload_doc, unloaded_on, i)"
	"   LEFT JOIN lottrace.lot l ON l.item OPERATOR(pg_catalog.=) u.item"
	"    AND l.code OPERATOR(pg_catalog.=) u.lot::lottrace.lotcode"
	"    AND (l.variant OPERATOR(pg_catalog.=) u.variant OR (l.variant IS NULL AND u.variant IS NULL))"
	"  ORDER BY u.i"
	" ON CONFLICT DO NOTHING"
	" RETURNING s.serial_id, s.item, s.variant, s.code",
	12, {0}
};

static LtPlan serial_update_plan = {
	"UPDATE lottrace.serial s"
	"   SET state = CASE WHEN u.wh IS NULL THEN 'out' ELSE 'in_stock' END,"
	"       warehouse = u.wh,"
	"       lot_id = CASE WHEN u.lot IS NULL THEN s.lot_id ELSE"
	"                (SELECT l.lot_id FROM lottrace.lot l"
	"                  WHERE l.item OPERATOR(pg_catalog.=) s.item"
	"                    AND l.code OPERATOR(pg_catalog.=) u.lot::lottrace.lotcode"
	"                    AND (l.variant OPERATOR(pg_catalog.=) s.variant"
	"                         OR (l.variant IS NULL AND s.variant IS NULL))) END,"
	"       load_doc = CASE WHEN u.set_load THEN u.load_doc ELSE s.load_doc END,"
	"       loaded_on = CASE WHEN u.set_load THEN u.loaded_on ELSE s.loaded_on END,"
	"       unload_doc = CASE WHEN u.clear_unload THEN NULL"
	"                         WHEN u.set_unload THEN u.unload_doc ELSE s.unload_doc END,"
	"       unloaded_on = CASE WHEN u.clear_unload THEN NULL"
	"                          WHEN u.set_unload THEN u.unloaded_on ELSE s.unloaded_on END"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.text[]), pg_catalog.unnest($4::pg_catalog.bool[]), pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.date[]), pg_catalog.unnest($7::pg_catalog.bool[]), pg_catalog.unnest($8::pg_catalog.text[]), pg_catalog.unnest($9::pg_catalog.date[]),"
	"                  pg_catalog.unnest($10::pg_catalog.bool[]))"
	"       AS u(serial_id, wh, lot, set_load, load_doc, loaded_on, set_unload, unload_doc,"
	"            unloaded_on, clear_unload)"
	" WHERE s.serial_id OPERATOR(pg_catalog.=) u.serial_id",
	10, {0}
};

/*
 * Plain unloads: serials in stock in the unload's warehouse go out in one
 * statement; the others are judged one by one (and get a precise error).
 */
static LtPlan serial_unload_plan = {
	"WITH k AS ("
	"  SELECT * FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                           pg_catalog.unnest($3::lottrace.serialcode[]), pg_catalog.unnest($4::pg_catalog.text[]),"
	"                           pg_catalog.unnest($5::pg_catalog.text[]), pg_catalog.unnest($6::pg_catalog.date[]))"
	"         WITH ORDINALITY AS k(item, variant, code, wh, doc, moved_on, i)),"
	" locked AS ("
	"  SELECT s.serial_id, k.i, k.doc, k.moved_on"
	"    FROM k JOIN lottrace.serial s ON s.item OPERATOR(pg_catalog.=) k.item"
	"     AND s.code OPERATOR(pg_catalog.=) k.code"
	"     AND (s.variant OPERATOR(pg_catalog.=) k.variant OR (s.variant IS NULL AND k.variant IS NULL))"
	"   WHERE s.state OPERATOR(pg_catalog.=) 'in_stock' AND s.warehouse OPERATOR(pg_catalog.=) k.wh"
	"     AND NOT s.cancelled"
	"   ORDER BY k.i"
	"     FOR NO KEY UPDATE OF s)"
	"UPDATE lottrace.serial s"
	"   SET state = 'out', warehouse = NULL, unload_doc = locked.doc, unloaded_on = locked.moved_on"
	"  FROM locked WHERE s.serial_id OPERATOR(pg_catalog.=) locked.serial_id"
	" RETURNING locked.i",
	6, {0}
};

static void
init_serial_plans(void)
{
	Oid			serial_arr = get_array_type(lt_serialcode_oid());
	Oid			date_arr = get_array_type(DATEOID);
	Oid			bool_arr = get_array_type(BOOLOID);

	serial_lock_plan.argtypes[0] = serial_lock_plan.argtypes[1] = TEXTARRAYOID;
	serial_lock_plan.argtypes[2] = serial_arr;
	for (int i = 0; i < 12; i++)
		serial_insert_plan.argtypes[i] = TEXTARRAYOID;
	serial_insert_plan.argtypes[2] = serial_arr;
	serial_insert_plan.argtypes[4] = serial_insert_plan.argtypes[9] =
		serial_insert_plan.argtypes[11] = date_arr;
	serial_insert_plan.argtypes[5] = INT4ARRAYOID;
	for (int i = 0; i < 6; i++)
		serial_unload_plan.argtypes[i] = TEXTARRAYOID;
	serial_unload_plan.argtypes[2] = serial_arr;
	serial_unload_plan.argtypes[5] = date_arr;
	serial_update_plan.argtypes[0] = INT8ARRAYOID;
	serial_update_plan.argtypes[1] = serial_update_plan.argtypes[2] = TEXTARRAYOID;
	serial_update_plan.argtypes[3] = serial_update_plan.argtypes[6] = bool_arr;
	serial_update_plan.argtypes[4] = serial_update_plan.argtypes[7] = TEXTARRAYOID;
	serial_update_plan.argtypes[5] = serial_update_plan.argtypes[8] = date_arr;
	serial_update_plan.argtypes[9] = bool_arr;
}

static char *
serial_name(SerialGroup *g)
{
	if (g->variant.p)
		return psprintf("serial \"%s\" of item \"%s\" variant \"%s\"",
						str_show(g->code), str_show(g->item), str_show(g->variant));
	return psprintf("serial \"%s\" of item \"%s\"", str_show(g->code), str_show(g->item));
}

static void
lock_serials(LtEngine *e, SerialGroup **gs, int n)
{
	LtStr	   *items = palloc(sizeof(LtStr) * n);
	LtStr	   *variants = palloc(sizeof(LtStr) * n);
	LtStr	   *codes = palloc(sizeof(LtStr) * n);
	Datum		args[3];
	uint64		nr;

	for (int i = 0; i < n; i++)
	{
		items[i] = gs[i]->item;
		variants[i] = gs[i]->variant;
		codes[i] = gs[i]->code;
	}
	args[0] = str_array(items, n, TEXTOID);
	args[1] = str_array(variants, n, TEXTOID);
	args[2] = str_array(codes, n, lt_serialcode_oid());
	nr = lt_exec_batch(&serial_lock_plan, args, NULL, false);
	for (uint64 r = 0; r < nr; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;
		int64		i = lt_getint8(t, d, 1, NULL) - 1;
		bool		isnull;
		SerialGroup *g;

		if (i < 0 || i >= n)
			continue;
		g = gs[i];
		g->serial_id = lt_getint8(t, d, 2, NULL);
		g->in_stock = DatumGetBool(SPI_getbinval(t, d, 3, &isnull));
		g->cur_wh = lt_getstr(t, d, 4);
		g->cancelled = DatumGetBool(SPI_getbinval(t, d, 5, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Judge one serial by its net effect per warehouse.  With raise false, return false instead of refusing (a DELETE whose serial
 * moves wait for the commit-time check); true when the moves add up.
 */
static bool
judge_serial(LtEngine *e, SerialGroup *g, bool raise)
{
	bool		checks = (e->mode != LT_REMOVE);
	int			nin = 0;

	if (checks && g->cancelled)
	{
		if (!raise)
			return false;
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_cancelled", g->first_ref, NULL,
				 "Cancelled serials (lottrace.serial.cancelled) may not move.",
				 "%s is cancelled: it may not move (warehouse \"%s\")", serial_name(g),
				 lt_show(g->nwh > 0 ? g->wh[0] : NULL, -1));
	}
	g->final_in = false;
	g->final_wh = NULL;
	for (int w = 0; w < g->nwh; w++)
	{
		int			count = g->net[w] + ((g->in_stock && g->cur_wh && strcmp(g->cur_wh, g->wh[w]) == 0) ? 1 : 0);

		if (checks && count > 1)
		{
			if (!raise)
				return false;
			LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->in_ref[w], NULL,
					 "A serial is loaded once; unload it before loading it again.",
					 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
					 serial_name(g), lt_show(g->wh[w], -1),
					 lt_show(g->in_stock ? g->cur_wh : g->wh[w], -1));
		}
		if (checks && count < 0)
		{
			if (!raise)
				return false;
			LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_not_in_stock", g->out_ref[w], NULL,
					 g->in_stock ? psprintf("It is in stock in warehouse \"%s\".", lt_show(g->cur_wh, -1))
					 : "It is not in stock in any warehouse.",
					 "%s is not in stock in warehouse \"%s\"", serial_name(g), lt_show(g->wh[w], -1));
		}
		if (count >= 1)
		{
			if (checks && nin > 0)
			{
				if (!raise)
					return false;
				LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->in_ref[w], NULL,
						 "A serial is loaded once; unload it before loading it again.",
						 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->wh[w], -1), lt_show(g->final_wh, -1));
			}
			nin++;
			g->final_in = true;
			g->final_wh = g->wh[w];
		}
	}
	/* an unchanged warehouse keeps the serial there */
	if (g->in_stock && g->cur_wh)
	{
		bool		touched = false;

		for (int w = 0; w < g->nwh; w++)
			if (strcmp(g->cur_wh, g->wh[w]) == 0)
				touched = true;
		if (!touched)
		{
			if (checks && g->final_in)
			{
				if (!raise)
					return false;
				LT_ERROR(e, ERRCODE_UNIQUE_VIOLATION, "lottrace_serial_in_stock", g->first_ref, NULL,
						 "A serial is loaded once; unload it before loading it again.",
						 "%s cannot be loaded into warehouse \"%s\": it is already in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->final_wh, -1), lt_show(g->cur_wh, -1));
			}
			g->final_in = true;
			g->final_wh = g->cur_wh;
		}
	}
	return true;
}

/* Could the serial's moves start from "not in the register"? (no error) */
static bool
fresh_ok(SerialGroup *g)
{
	int			nin = 0;

	for (int w = 0; w < g->nwh; w++)
	{
		if (g->net[w] < 0 || g->net[w] > 1)
			return false;
		nin += g->net[w];
	}
	return nin <= 1;
}

static void
check_serial_format(LtEngine *e, SerialGroup *g)
{
	LtCodeType *ct = g->it->serial_ct;
	cf_context	ctx;

	if (ct == NULL || e->mode != LT_STRICT)
		return;
	lt_cf_item_context(&ctx, g->it, g->item.p, g->item.len, g->variant.p, g->variant.len);
	if (!cf_match(ct->fmt, g->code.p, g->code.len, &ctx))
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_code_format", g->first_ref, NULL,
				 psprintf("Codes of code type \"%s\" have the format %s.", ct->code, ct->fmt_text),
				 "%s in warehouse \"%s\" does not match code type \"%s\"", serial_name(g),
				 lt_show(g->load_wh, -1), lt_show(ct->code, -1));
}

/*
 * A DELETE on a partitioned table whose moves of a serial do not add up
 * against the register (a receipt of a serial shipped since): the moves
 * are held, not written, until a re-insert takes them back or the
 * commit-time check applies them.  False: they add up, or some row was not
 * recorded; judged now.
 */
static bool
hold_serial(LtEngine *e, SerialGroup *g)
{
	ListCell   *lc;

	if (g->serial_id != 0 && judge_serial(e, g, false))
		return false;
	foreach(lc, g->rows)
	{
		SerialRow  *r = lfirst(lc);

		if (r->rowno >= e->dels_cap || e->dels[r->rowno] == NULL)
			return false;
	}
	foreach(lc, g->rows)
	{
		SerialRow  *r = lfirst(lc);
		RowRef		ref = {LT_SRC_OLD, r->rowno};

		lt_moves_hold(e->dels[r->rowno], e->ri->root, g->item.p, g->variant.p, g->code.p,
					  r->wh, r->dir, r->lot, r->doc, r->moved_on, r->account,
					  row_desc(e, ref, NULL));
	}
	e->need_check = true;
	return true;
}

/* Apply a batch of serial groups to the register. */
static void
apply_serials(LtEngine *e, SerialGroup **gs, int n)
{
	SerialGroup **fresh = palloc(sizeof(SerialGroup *) * n);
	int			nfresh = 0;

	SerialGroup **others = palloc(sizeof(SerialGroup *) * n);
	int			nothers = 0;

	/*
	 * Loaded serials that may be new are inserted first, judged from "not
	 * in the register", in their final state; the insert skips those that
	 * exist (or were created meanwhile by another transaction).  Those, and
	 * the serials that are only unloaded, are then locked and judged from
	 * their current state.  Most loads of a bulk receipt are new: one
	 * statement per batch.
	 */
	SerialGroup **plain = palloc(sizeof(SerialGroup *) * n);
	int			nplain = 0;

	for (int i = 0; i < n; i++)
	{
		SerialGroup *g = gs[i];

		if (g->has_load && fresh_ok(g))
			fresh[nfresh++] = g;
		else if (e->mode == LT_STRICT && !g->has_load && !g->any_reversal &&
				 g->nwh == 1 && g->net[0] == -1 && g->has_unload)
			plain[nplain++] = g;
		else
			others[nothers++] = g;
	}
	if (nplain > 0)
	{
		LtStr	   *s[5];
		Datum	   *dates = palloc(sizeof(Datum) * nplain);
		Datum		args[6];
		uint64		nr;

		for (int k = 0; k < 5; k++)
			s[k] = palloc(sizeof(LtStr) * nplain);
		for (int i = 0; i < nplain; i++)
		{
			SerialGroup *g = plain[i];

			s[0][i] = g->item;
			s[1][i] = g->variant;
			s[2][i] = g->code;
			s[3][i] = (LtStr) {g->wh[0], (int) strlen(g->wh[0])};
			s[4][i] = (LtStr) {g->unload_doc, g->unload_doc ? (int) strlen(g->unload_doc) : 0};
			dates[i] = DateADTGetDatum(g->unload_date);
		}
		args[0] = str_array(s[0], nplain, TEXTOID);
		args[1] = str_array(s[1], nplain, TEXTOID);
		args[2] = str_array(s[2], nplain, lt_serialcode_oid());
		args[3] = str_array(s[3], nplain, TEXTOID);
		args[4] = str_array(s[4], nplain, TEXTOID);
		args[5] = lt_array_date(dates, NULL, nplain);
		nr = lt_exec_batch(&serial_unload_plan, args, NULL, false);
		for (uint64 r = 0; r < nr; r++)
		{
			int64		i = lt_getint8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, NULL) - 1;

			if (i >= 0 && i < nplain)
				plain[i]->fresh = true; /* done: skipped below */
		}
		SPI_freetuptable(SPI_tuptable);
		for (int i = 0; i < nplain; i++)
			if (!plain[i]->fresh)
				others[nothers++] = plain[i];
	}
	if (nfresh > 0)
	{
		LtStr	   *s[9];
		Datum	   *dates[3];
		bool	   *dnull[3];
		int32	   *validity = palloc(sizeof(int32) * nfresh);
		bool	   *vnull = palloc(sizeof(bool) * nfresh);
		Datum	   *vd = palloc(sizeof(Datum) * nfresh);
		Datum		args[12];
		uint64		nr;

		for (int k = 0; k < 9; k++)
			s[k] = palloc(sizeof(LtStr) * nfresh);
		for (int k = 0; k < 3; k++)
		{
			dates[k] = palloc(sizeof(Datum) * nfresh);
			dnull[k] = palloc(sizeof(bool) * nfresh);
		}
		for (int i = 0; i < nfresh; i++)
		{
			SerialGroup *g = fresh[i];

			g->in_stock = false;
			g->cur_wh = NULL;
			g->cancelled = false;
			judge_serial(e, g, true);
			s[0][i] = g->item;
			s[1][i] = g->variant;
			s[2][i] = g->code;
			s[3][i] = (LtStr) {g->load_lot, g->load_lot ? (int) strlen(g->load_lot) : 0};
			s[4][i] = (LtStr) {g->first_load_account,
				g->first_load_account ? (int) strlen(g->first_load_account) : 0};
			s[5][i] = (LtStr) {g->final_in ? g->final_wh : NULL,
				g->final_in ? (int) strlen(g->final_wh) : 0};
			s[6][i] = (LtStr) {g->load_doc, g->load_doc ? (int) strlen(g->load_doc) : 0};
			s[7][i] = (LtStr) {(!g->final_in && g->has_unload) ? g->unload_doc : NULL,
				(!g->final_in && g->has_unload && g->unload_doc) ? (int) strlen(g->unload_doc) : 0};
			dates[0][i] = DateADTGetDatum(g->first_load_date);
			dnull[0][i] = false;
			dates[1][i] = DateADTGetDatum(g->load_date);
			dnull[1][i] = false;
			dates[2][i] = DateADTGetDatum(g->unload_date);
			dnull[2][i] = !(!g->final_in && g->has_unload);
			validity[i] = g->it->serial_validity_days;
			vnull[i] = validity[i] < 0;
			{
				DateADT		x;

				if (!vnull[i] && !lt_date_add(g->first_load_date, validity[i], &x))
					LT_ERROR(e, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, "lottrace_date_range", g->first_ref, NULL,
							 "Correct the movement date.",
							 "expiry date of %s in warehouse \"%s\" is out of range: start date %s + %d days of validity is past 5874897-12-31",
							 serial_name(g), g->load_wh ? g->load_wh : "", date_str(g->first_load_date),
							 validity[i]);
			}
			vd[i] = Int32GetDatum(validity[i]);
		}
		args[0] = str_array(s[0], nfresh, TEXTOID);
		args[1] = str_array(s[1], nfresh, TEXTOID);
		args[2] = str_array(s[2], nfresh, lt_serialcode_oid());
		args[3] = str_array(s[3], nfresh, TEXTOID);
		args[4] = lt_array_date(dates[0], dnull[0], nfresh);
		args[5] = lt_array_text(vd, vnull, nfresh, INT4OID);
		args[6] = str_array(s[4], nfresh, TEXTOID);
		args[7] = str_array(s[5], nfresh, TEXTOID);
		args[8] = str_array(s[6], nfresh, TEXTOID);
		args[9] = lt_array_date(dates[1], dnull[1], nfresh);
		args[10] = str_array(s[7], nfresh, TEXTOID);
		args[11] = lt_array_date(dates[2], dnull[2], nfresh);
		nr = lt_exec_batch(&serial_insert_plan, args, NULL, false);

		/*
		 * Which were written: the rows come back in the order of the arrays,
		 * without those ON CONFLICT skipped, so one pass pairs them.
		 */
		{
			uint64		r = 0;

			for (int i = 0; i < nfresh; i++)
			{
				SerialGroup *g = fresh[i];
				bool		written = false;

				if (r < nr)
				{
					HeapTuple	t = SPI_tuptable->vals[r];
					TupleDesc	d = SPI_tuptable->tupdesc;

					written = col_is(t, d, 4, g->code) && col_is(t, d, 2, g->item) &&
						col_is(t, d, 3, g->variant);
				}
				if (written)
				{
					r++;
					g->fresh = true;	/* done: not in the update below */
					check_serial_format(e, g);
				}
				else
					others[nothers++] = g;
			}
			if (r != nr)
				elog(ERROR, "lottrace: the serials written came back in another order");
		}
		SPI_freetuptable(SPI_tuptable);
	}
	if (nothers > 0)
		lock_serials(e, others, nothers);

	/* judge, then write */
	{
		int64	   *ids = palloc(sizeof(int64) * n);
		LtStr	   *whs = palloc(sizeof(LtStr) * n);
		LtStr	   *lots = palloc(sizeof(LtStr) * n);
		bool	   *set_load = palloc(sizeof(bool) * n);
		LtStr	   *ldoc = palloc(sizeof(LtStr) * n);
		Datum	   *lon = palloc(sizeof(Datum) * n);
		bool	   *lon_null = palloc(sizeof(bool) * n);
		bool	   *set_unload = palloc(sizeof(bool) * n);
		LtStr	   *udoc = palloc(sizeof(LtStr) * n);
		Datum	   *uon = palloc(sizeof(Datum) * n);
		bool	   *uon_null = palloc(sizeof(bool) * n);
		bool	   *clear_unload = palloc(sizeof(bool) * n);
		int			m = 0;

		for (int i = 0; i < n; i++)
		{
			SerialGroup *g = gs[i];
			bool		changed;

			if (g->fresh)
				continue;		/* already written in its final state */
			if (e->deferring && !g->any_new && hold_serial(e, g))
				continue;		/* waits for the commit-time check */
			if (g->serial_id == 0)
			{
				if (e->mode == LT_REMOVE)
					continue;
				if (g->has_load)
				{
					/* new, but its moves do not add up: say how */
					g->in_stock = false;
					g->cur_wh = NULL;
					g->cancelled = false;
					judge_serial(e, g, true);
				}
				/* never loaded: every move of it is an unload */
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_serial_not_in_stock",
						 g->nwh > 0 ? g->out_ref[0] : g->first_ref, NULL,
						 "It is not in stock in any warehouse.",
						 "%s is not in stock in warehouse \"%s\"",
						 serial_name(g), lt_show(g->nwh > 0 ? g->wh[0] : NULL, -1));
			}
			judge_serial(e, g, true);
			ids[m] = g->serial_id;
			whs[m] = (LtStr) {g->final_in ? g->final_wh : NULL,
				g->final_in ? (int) strlen(g->final_wh) : 0};
			lots[m] = (LtStr) {g->final_in && g->has_load ? g->load_lot : NULL,
				g->final_in && g->has_load && g->load_lot ? (int) strlen(g->load_lot) : 0};
			/*
			 * Documents follow new movements; a correction that leaves the
			 * serial where it was (an UPDATE of an old row's document)
			 * does not rewrite them.  In stock: no unload after the last
			 * load, so the unload document goes.  rebuild() recomputes all.
			 */
			changed = g->fresh || g->final_in != g->in_stock ||
				(g->final_in && g->cur_wh && strcmp(g->final_wh, g->cur_wh) != 0) ||
				(g->any_new && !g->any_reversal);
			if (!changed)
				lots[m] = (LtStr) {NULL, 0};
			set_load[m] = changed && g->has_load;
			ldoc[m] = (LtStr) {g->load_doc, g->load_doc ? (int) strlen(g->load_doc) : 0};
			lon[m] = DateADTGetDatum(g->load_date);
			lon_null[m] = !g->has_load;
			set_unload[m] = changed && !g->final_in && g->has_unload;
			clear_unload[m] = changed && g->final_in;
			udoc[m] = (LtStr) {g->unload_doc, g->unload_doc ? (int) strlen(g->unload_doc) : 0};
			uon[m] = DateADTGetDatum(g->unload_date);
			uon_null[m] = !g->has_unload;
			m++;
		}
		if (m > 0)
		{
			Datum		args[10];

			args[0] = lt_array_int8(ids, m);
			args[1] = str_array(whs, m, TEXTOID);
			args[2] = str_array(lots, m, TEXTOID);
			args[3] = lt_array_bool(set_load, m);
			args[4] = str_array(ldoc, m, TEXTOID);
			args[5] = lt_array_date(lon, lon_null, m);
			args[6] = lt_array_bool(set_unload, m);
			args[7] = str_array(udoc, m, TEXTOID);
			args[8] = lt_array_date(uon, uon_null, m);
			args[9] = lt_array_bool(clear_unload, m);
			lt_exec_batch(&serial_update_plan, args, NULL, false);
		}
	}
}

static char *
slot_str(TupleTableSlot *slot, int att)
{
	if (slot->tts_isnull[att - 1])
		return NULL;
	return TextDatumGetCString(slot->tts_values[att - 1]);
}

static void
process_serials(LtEngine *e)
{
	TupleTableSlot *slot;
	MemoryContext cxt,
				old;
	SerialGroup **batch;
	int			nb = 0;
	SerialGroup *g = NULL;

	if (e->serials == NULL)
		return;
	init_serial_plans();
	tuplesort_performsort(e->serials);
	slot = e->serial_slot;
	cxt = AllocSetContextCreate(e->stmt_cxt, "lottrace serial batch", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	batch = palloc(sizeof(SerialGroup *) * LT_SERIAL_BATCH);

	for (;;)
	{
		bool		more = tuplesort_gettupleslot(e->serials, true, false, slot, NULL);
		char	   *item = NULL,
				   *variant = NULL,
				   *code = NULL;
		int			w;
		int			dir,
					sign;
		char	   *wh;
		RowRef		ref;

		if (more)
		{
			slot_getallattrs(slot);
			item = slot_str(slot, SM_ITEM);
			variant = slot_str(slot, SM_VARIANT);
			code = slot_str(slot, SM_CODE);
		}
		/* a new serial begins: close the previous group */
		if (g != NULL &&
			(!more || strcmp(item, g->item.p) != 0 || strcmp(code, g->code.p) != 0 ||
			 (variant == NULL) != (g->variant.p == NULL) ||
			 (variant && strcmp(variant, g->variant.p) != 0)))
		{
			batch[nb++] = g;
			g = NULL;
			if (nb == LT_SERIAL_BATCH || !more)
			{
				apply_serials(e, batch, nb);
				nb = 0;
				MemoryContextSwitchTo(old);
				MemoryContextReset(cxt);
				old = MemoryContextSwitchTo(cxt);
				batch = palloc(sizeof(SerialGroup *) * LT_SERIAL_BATCH);
				if (more)
				{
					item = slot_str(slot, SM_ITEM);
					variant = slot_str(slot, SM_VARIANT);
					code = slot_str(slot, SM_CODE);
				}
			}
		}
		if (!more)
			break;
		if (g == NULL)
		{
			g = palloc0(sizeof(SerialGroup));
			g->item = (LtStr) {item, (int) strlen(item)};
			g->variant = (LtStr) {variant, variant ? (int) strlen(variant) : 0};
			g->code = (LtStr) {code, (int) strlen(code)};
			g->it = lt_item(item, strlen(item));
			g->wh = palloc(sizeof(char *) * 4);
			g->net = palloc(sizeof(int) * 4);
			g->in_ref = palloc(sizeof(RowRef) * 4);
			g->out_ref = palloc(sizeof(RowRef) * 4);
			g->first_ref = no_row;
		}
		wh = slot_str(slot, SM_WH);
		dir = DatumGetInt32(slot->tts_values[SM_DIR - 1]);
		sign = DatumGetInt32(slot->tts_values[SM_SIGN - 1]);
		ref.src = DatumGetInt32(slot->tts_values[SM_SRC - 1]);
		ref.rowno = DatumGetInt64(slot->tts_values[SM_ROWNO - 1]);
		if (g->first_ref.src < 0)
			g->first_ref = ref;
		if (e->deferring)
		{
			SerialRow  *r = palloc(sizeof(SerialRow));

			r->rowno = ref.rowno;
			r->wh = wh;
			r->dir = dir;
			r->lot = slot_str(slot, SM_LOT);
			r->doc = slot_str(slot, SM_DOC);
			r->moved_on = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
			r->account = slot_str(slot, SM_ACCOUNT);
			g->rows = lappend(g->rows, r);
		}
		for (w = 0; w < g->nwh; w++)
			if (strcmp(g->wh[w], wh) == 0)
				break;
		if (w == g->nwh)
		{
			if (g->nwh > 0 && (g->nwh & (g->nwh - 1)) == 0 && g->nwh >= 4)
			{
				g->wh = repalloc(g->wh, sizeof(char *) * g->nwh * 2);
				g->net = repalloc(g->net, sizeof(int) * g->nwh * 2);
				g->in_ref = repalloc(g->in_ref, sizeof(RowRef) * g->nwh * 2);
				g->out_ref = repalloc(g->out_ref, sizeof(RowRef) * g->nwh * 2);
			}
			g->wh[w] = wh;
			g->net[w] = 0;
			g->in_ref[w] = g->out_ref[w] = ref;
			g->nwh++;
		}
		g->net[w] += dir * sign;
		if (dir * sign > 0)
			g->in_ref[w] = ref;
		else
			g->out_ref[w] = ref;
		if (sign < 0)
			g->any_reversal = true;
		if (sign > 0)
		{
			g->any_new = true;
			if (dir > 0)
			{
				if (!g->has_load)
				{
					g->first_load_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
					g->first_load_account = slot_str(slot, SM_ACCOUNT);
				}
				g->has_load = true;
				g->load_lot = slot_str(slot, SM_LOT);
				g->load_doc = slot_str(slot, SM_DOC);
				g->load_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
				g->load_account = slot_str(slot, SM_ACCOUNT);
				g->load_wh = wh;
				g->has_unload = false;	/* the first unload after the last load */
			}
			else if (!g->has_unload)
			{
				g->has_unload = true;
				g->unload_doc = slot_str(slot, SM_DOC);
				g->unload_date = DatumGetDateADT(slot->tts_values[SM_MOVED_ON - 1]);
			}
		}
	}
	if (nb > 0)
		apply_serials(e, batch, nb);
	MemoryContextSwitchTo(old);
	tuplesort_end(e->serials);
	e->serials = NULL;
}

void
lt_engine_finish(LtEngine *e)
{
	elog(DEBUG1, "lottrace: %lld rows, %d chunks", (long long) e->nrows, e->nflush + 1);
	flush_chunk(e, e->carry == NIL);
	if (e->carry != NIL)
	{
		ListCell   *lc;
		List	   *carry = e->carry;

		e->carry = NIL;
		foreach(lc, carry)
			add_lot_move(e, (LtMove *) lfirst(lc));
		flush_chunk(e, true);
	}
	check_negatives(e);
	process_serials(e);
	{
		bool		need_check = e->need_check;

		MemoryContextDelete(e->stmt_cxt);
		/* last, as SET CONSTRAINTS ... IMMEDIATE runs the check at once */
		if (need_check)
			lt_moves_queue_check();
	}
}

void
lt_engine_partition_moves(LtEngine *e, bool deleting, bool inserting)
{
	if (e->mode != LT_STRICT || !lt_moves_partitioned(e->ri))
		return;
	e->deferring = deleting;
	e->matching = inserting;
}

/*
 * The commit-time check (triggers.c, _check_moves): apply the held serial
 * moves of ri's deletions no INSERT took back, judged against the register
 * as it is now.
 */
void
lt_engine_apply_held(LtRelInfo *ri, List *held)
{
	{
		Oid			root = ri->relid;
		LtEngine   *e = lt_engine_begin(ri, LT_STRICT);
		ListCell   *hc;
		int64		n = 0;

		e->held = palloc(sizeof(LtHeld *) * list_length(held));
		foreach(hc, held)
		{
			LtHeld	   *h = lfirst(hc);
			LtMove		m;

			if (h->root != root)
				continue;
			memset(&m, 0, sizeof(m));
			e->held[n] = h;
#define HSTR(s) ((LtStr) {(s), (s) ? (int) strlen(s) : 0})
			m.item = HSTR(h->item);
			m.variant = HSTR(h->variant);
			m.serial = HSTR(h->code);
			m.wh = HSTR(h->wh);
			m.lot = HSTR(h->lot);
			m.doc = HSTR(h->doc);
			m.account = HSTR(h->account);
#undef HSTR
			m.dir = h->dir;
			m.sign = -1;
			m.lenient = true;
			m.moved_on = h->moved_on;
			m.ref.src = LT_SRC_HELD;
			m.ref.rowno = n++;
			add_serial_move(e, &m);
		}
		lt_engine_finish(e);
	}
}
