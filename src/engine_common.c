/*
 * engine_common.c — what the engine's files share: the error report (the
 * offending row found again in its source, the constraint fields), the
 * chunk's hash tables, the lots a statement created, checked date
 * arithmetic.  See engine_int.h.
 */
#include "postgres.h"

#include "compat.h"
#include "engine_int.h"

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
char *
lte_row_desc(LtEngine *e, RowRef ref, const char *key)
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

int
lte_errconstraint(LtEngine *e, const char *conname)
{
	err_generic_string(PG_DIAG_SCHEMA_NAME,
					   get_namespace_name(get_rel_namespace(e->ri->relid)));
	err_generic_string(PG_DIAG_TABLE_NAME, get_rel_name(e->ri->relid));
	return err_generic_string(PG_DIAG_CONSTRAINT_NAME, conname);
}

/* ------------------------------------------------------------------------
 * Hash tables of the chunk
 * ------------------------------------------------------------------------
 */

uint32
lte_lotkey_hash(const void *key, Size keysize)
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

uint32
lte_balkey_hash(const void *key, Size keysize)
{
	const BalKey *k = key;

	return str_hash(k->wh, hash_bytes((const unsigned char *) &k->lot, sizeof(k->lot)));
}

int
lte_balkey_match(const void *a, const void *b, Size keysize)
{
	const BalKey *x = a;
	const BalKey *y = b;

	return (x->lot == y->lot && str_eq(x->wh, y->wh)) ? 0 : 1;
}

uint32
lte_batchkey_hash(const void *key, Size keysize)
{
	const BatchKey *k = key;

	return hash_combine(str_hash(k->batch, hash_bytes((const unsigned char *) &k->lot,
													  sizeof(k->lot))),
						(uint32) k->role);
}

int
lte_batchkey_match(const void *a, const void *b, Size keysize)
{
	const BatchKey *x = a;
	const BatchKey *y = b;

	return (x->lot == y->lot && x->role == y->role && str_eq(x->batch, y->batch)) ? 0 : 1;
}

HTAB *
lte_chunk_hash(LtEngine *e, const char *name, Size keysize, Size entrysize,
		   HashValueFunc hash, HashCompareFunc match)
{
	HASHCTL		ctl;

	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hash = hash;
	ctl.match = match;
	ctl.hcxt = e->chunk_cxt;

	/*
	 * Few buckets to begin with: a one-line statement scans its tables a
	 * few times (hash_seq_search visits every bucket), and dynahash adds
	 * buckets one at a time as a big statement's entries come.
	 */
	return hash_create(name, 16, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
}

const LotLoad lte_no_load = {.load_ref = {-1, 0}, .nlo_ref = {-1, 0}, .acct2_ref = {-1, 0}};

/*
 * Memory that lives as long as the chunk and is never freed on its own (a
 * lot's key strings, its balances, its first load), carved from blocks of
 * up to LT_KEEP_BLOCK bytes, each twice the size of the one before.
 * Unlike a palloc chunk, a piece has no header and is not rounded up to a
 * power of two: a lot and its balance take about half the memory, so that
 * about twice as many lots fit one chunk.
 */
#define LT_KEEP_BLOCK (64 * 1024)
/* The first block of a chunk: a one-line statement's lot fits it, and it
 * comes from the context's own block rather than from malloc. */
#define LT_KEEP_FIRST 1024

void *
lte_keep(LtEngine *e, Size size, bool align)
{
	char	   *p = e->keep_ptr;

	if (align)
		p = (char *) MAXALIGN(p);
	if (p == NULL || size > (Size) (e->keep_end - p))
	{
		Size		blk = p == NULL ? LT_KEEP_FIRST : Min(e->keep_block * 2, LT_KEEP_BLOCK);

		/*
		 * A big piece gets its own allocation.  Any other starts a block at
		 * least eight times its size, so that the blocks' ends waste little
		 * (and a chunk whose first piece is bigger than an eighth of
		 * LT_KEEP_FIRST still gets blocks).
		 */
		if (size > LT_KEEP_BLOCK / 8)
			return MemoryContextAlloc(e->chunk_cxt, size);
		while (blk < size * 8)
			blk *= 2;
		p = MemoryContextAlloc(e->chunk_cxt, blk);
		e->keep_block = blk;
		e->keep_end = p + blk;
	}
	e->keep_ptr = p + size;
	return p;
}

/*
 * Is the numeric x an integer of at most 16 digits?  Then *v is its value
 * and *dscale its display scale.  Reads the numeric's stored form, which
 * pg_upgrade keeps as it is: a 16-bit header, short (flag bits 10, sign,
 * 6-bit display scale, 7-bit weight) or long (sign and 14-bit display
 * scale, then a 16-bit weight), then base-10000 digits, most significant
 * first, with no trailing zero digit; flag bits 11 mark NaN and infinities.
 */
bool
lte_num_small(Datum x, int64 *v, int *dscale)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(x);
	const char *data;
	const int16 *dig;
	Size		len;
	uint16		h;
	int			weight,
				ndig;
	int64		r = 0;
	bool		neg;

	if (VARATT_IS_EXTENDED(p))
		return false;			/* not unpacked: numeric_add reads it */
	data = VARDATA(p);
	len = VARSIZE(p) - VARHDRSZ;
	if (len < sizeof(uint16))
		return false;
	memcpy(&h, data, sizeof(uint16));
	switch (h & 0xC000)
	{
		case 0x8000:			/* short */
			neg = (h & 0x2000) != 0;
			*dscale = (h & 0x1F80) >> 7;
			weight = (h & 0x0040) ? (int) (h & 0x003F) - 64 : (int) (h & 0x003F);
			dig = (const int16 *) (data + sizeof(uint16));
			ndig = (len - sizeof(uint16)) / sizeof(int16);
			break;
		case 0x0000:			/* long, positive */
		case 0x4000:			/* long, negative */
			{
				int16		w;

				if (len < 2 * sizeof(uint16))
					return false;
				neg = (h & 0xC000) == 0x4000;
				*dscale = h & 0x3FFF;
				memcpy(&w, data + sizeof(uint16), sizeof(int16));
				weight = w;
				dig = (const int16 *) (data + 2 * sizeof(uint16));
				ndig = (len - 2 * sizeof(uint16)) / sizeof(int16);
			}
			break;
		default:				/* NaN, infinity */
			return false;
	}
	if (ndig == 0)
	{
		*v = 0;
		return true;
	}
	/* a digit after the point, or more than four digits before it */
	if (weight > 3 || ndig > weight + 1)
		return false;
	for (int k = 0; k <= weight; k++)
		r = r * 10000 + (k < ndig ? dig[k] : 0);
	*v = neg ? -r : r;
	return true;
}

/*
 * Make s->n the sum as a numeric of its display scale (numeric_add's
 * result); a sum of nothing, or of integers that came to 0, is the shared
 * zero, which num_acc never frees.
 */
void
lte_sum_fix(LtSum *s, Datum zero)
{
	Datum		n;

	if (s->n != 0)
		return;
	if (s->i == 0 && s->dscale == 0)
	{
		s->n = zero;
		return;
	}
#if PG_VERSION_NUM >= 140000
	/* i * 10^dscale / 10^dscale: made with its display scale at once */
	if (s->dscale <= 18)
	{
		int64		scaled = s->i;
		bool		overflow = false;

		for (int k = 0; k < s->dscale && !overflow; k++)
			overflow = pg_mul_s64_overflow(scaled, 10, &scaled);
		if (!overflow)
		{
			s->n = NumericGetDatum(int64_div_fast_to_numeric(scaled, s->dscale));
			return;
		}
	}
	n = NumericGetDatum(int64_to_numeric(s->i));
#else
	n = DirectFunctionCall1(int8_numeric, Int64GetDatum(s->i));
#endif
	if (s->dscale > 0)
	{
		Datum		r = DirectFunctionCall2(numeric_round, n, Int32GetDatum(s->dscale));

		pfree(DatumGetPointer(n));
		n = r;
	}
	s->n = n;
}

/* What a context and its children use: their blocks less the free parts. */
static Size
context_used(MemoryContext cxt)
{
	MemoryContextCounters totals;
	Size		used;

	memset(&totals, 0, sizeof(totals));
	lt_context_totals(cxt, &totals);
	used = totals.totalspace - totals.freespace;
	for (MemoryContext c = cxt->firstchild; c != NULL; c = c->nextchild)
		used += context_used(c);
	return used;
}

/*
 * The memory the chunk uses, against LT_CHUNK_BYTES.  Not the memory its
 * contexts have allocated: an AllocSet's blocks double up to 8 MB, so
 * while a big statement fills its hash table of lots, the last block of
 * that table's context stays mostly empty (8 MB of 16 MB allocated, in one
 * measured DELETE), and untouched pages of a malloc'd block are not
 * resident memory.
 */
Size
lte_chunk_used(LtEngine *e)
{
	return context_used(e->chunk_cxt);
}

HTAB *
lte_lots_table(LtEngine *e)
{
	return lte_chunk_hash(e, "lottrace lots", sizeof(LotKey), sizeof(LotEnt),
						  lte_lotkey_hash, lotkey_match);
}

void
lte_chunk_reset(LtEngine *e, bool more)
{
	MemoryContextReset(e->chunk_cxt);
	e->keep_ptr = e->keep_end = NULL;
	/* after the statement's last chunk, no table: a one-line statement
	 * would make it for nothing */
	e->lots = more ? lte_lots_table(e) : NULL;
	e->bals = NULL;
	e->batches = NULL;
	e->shelf = NULL;
	e->last_lot = NULL;
	e->nbal = 0;
}

/* ------------------------------------------------------------------------
 * Lots created by this statement (for new_lot_only across chunks)
 * ------------------------------------------------------------------------
 */

void
lte_created_add(LtEngine *e, int64 id)
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

bool
lte_created_has(LtEngine *e, int64 id)
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
 * Dates
 * ------------------------------------------------------------------------
 */

/* What a row moves, for messages: lot "L1" of item "A", or serial, or item. */
char *
lte_move_name(LtMove *m)
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
DateADT
lte_blocked_from(DateADT expiry, int block_days)
{
	DateADT		d;

	if (DATE_NOT_FINITE(expiry))
		return expiry;
	if (!lt_date_add(expiry, -(int64) block_days, &d))
		DATE_NOBEGIN(d);
	return d;
}

/* Read a tuplestore from its start with a read pointer of its own. */
int
lte_start_scan(Tuplestorestate *ts)
{
	int			ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
	return ptr;
}

/* A text (or text-like) array of the strings (NULL for s.p NULL). */
Datum
lte_str_array(LtStr *s, int n, Oid elemtype)
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
