/*
 * serial_write.c — new serials, and plain unloads of serials, written to
 * lottrace.serial without SPI.
 *
 * A receipt of serials inserts each serial new to the register in its final
 * state (engine_serials.c, serial_insert_plan):
 *
 *     INSERT INTO lottrace.serial (item, variant, code, state, warehouse, lot_id, ...)
 *     SELECT ... FROM unnest($1), ... LEFT JOIN lottrace.lot ...
 *     ON CONFLICT ON CONSTRAINT serial_item_code_variant_key DO NOTHING RETURNING ...
 *
 * Through SPI, most of a serial's cost was that statement's own machinery:
 * twelve arrays unnested, sorted by ordinality, projected, returned.
 * lt_serial_insert_direct() does what the executor does for each row of
 * that INSERT (ExecInsert's ON CONFLICT DO NOTHING, PostgreSQL 14 to 16),
 * for n serials in the order given, as one statement:
 *
 *   - the snapshot and command counter as SPI gives a non-read-only
 *     statement (lt_direct_begin, shared with register_write.c);
 *   - the columns the statement names from the serial, the others from
 *     their defaults (the identity serial_id, 'out', false ...), compiled
 *     once per backend as the rewriter would add them;
 *   - lot_id: the lot found through lot_item_code_variant_key with the
 *     statement's snapshot (the LEFT JOIN; SERIALIZABLE takes the same
 *     kind of predicate lock as its index scan); the lot code made a lotcode
 *     as the cast makes it (trimmed, or refused);
 *   - BEFORE ROW INSERT triggers (the guard), stored generated columns,
 *     constraints;
 *   - the conflict looked for in serial_item_code_variant_key, the
 *     statement's arbiter (ExecCheckIndexConstraints, which waits for a
 *     transaction inserting the same key); a conflicting
 *     row not visible to a REPEATABLE READ or SERIALIZABLE snapshot is the
 *     same serialization failure as ON CONFLICT DO NOTHING's; otherwise the
 *     serial is not written;
 *   - the speculative insertion, as ExecInsert makes it: the heap tuple
 *     with a speculative token, its index entries, the insertion confirmed
 *     or, when an index found a conflict meanwhile, taken back and tried
 *     again from the conflict check;
 *   - AFTER ROW INSERT triggers, and the WAL logical decoding reads as an
 *     insert.
 *
 * A plain unload (a serial shipped from the warehouse it is in, the
 * statement's only move of it) is serial_unload_plan's UPDATE: the serial
 * locked FOR NO KEY UPDATE in the order given, then set 'out' when the
 * version locked is still in stock in that warehouse and not cancelled.
 * lt_serial_unload_direct() finds it through serial_item_code_variant_key
 * with the statement's snapshot, locks it as register_write.c locks a lot
 * (lt_lock_row: in READ COMMITTED the newest version, whose state is then
 * checked again as EvalPlanQual would; in REPEATABLE READ and SERIALIZABLE
 * a serialization failure), and updates it with lt_update_row (BEFORE ROW
 * triggers: the guard and the claims check, which consumes a reservation;
 * constraints; AFTER ROW triggers).  A serial it does not take out is left
 * to the engine's lock and judgement, as the SPI statement leaves it.
 *
 * What this does not do, it is not asked to: a lottrace.serial with rules,
 * statement-level INSERT (UPDATE) triggers, transition tables, or BEFORE
 * ROW INSERT (UPDATE) triggers other than the guard (and the claims check)
 * goes through SPI, as do PostgreSQL 13 and 17, a schema without one of
 * the columns, and a session with lottrace.direct_writes off.  See
 * docs/ENGINE.md, "Direct register writes".
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "lotcode.h"
#include "lottrace.h"
#include "register_write.h"
#include "serial_write.h"
#include "spi_util.h"

#if PG_VERSION_NUM >= 140000 && PG_VERSION_NUM < 170000
#define LT_SERIAL_DIRECT 1
#endif

/* the columns of lottrace.serial the INSERT names (serial_insert_plan) */
enum
{
	S_ITEM, S_VARIANT, S_CODE, S_STATE, S_WAREHOUSE, S_LOT_ID, S_START_DATE,
	S_EXPIRY_DATE, S_SUPPLIER, S_LOAD_DOC, S_LOADED_ON, S_UNLOAD_DOC, S_UNLOADED_ON, NSCOLS
};
static const char *const scol_names[NSCOLS] = {
	"item", "variant", "code", "state", "warehouse", "lot_id", "start_date",
	"expiry_date", "supplier", "load_doc", "loaded_on", "unload_doc", "unloaded_on"
};
/* and the one an unload reads besides */
#define S_CANCELLED_NAME "cancelled"

/*
 * What every insert finds out about lottrace.serial (and the lot lookup)
 * the same way, kept per backend until a relcache invalidation of one of
 * the tables or the lot key index: whether the direct path may write it,
 * the attribute numbers, the defaults and CHECK constraints compiled.
 */
typedef struct SerialWriteCache
{
	bool		valid;
	Oid			relid;
	Oid			lot_relid;
	Oid			lot_idxid;
	Oid			keyid;			/* serial_item_code_variant_key, the arbiter */
	bool		direct;			/* the inserts */
	bool		direct_update;	/* the unloads */
	AttrNumber	att[NSCOLS];
	AttrNumber	cancelled_att;
	AttrNumber	lot_id_att;		/* lottrace.lot.lot_id */
	int			natts;
	ExprState **defaults;		/* per attribute, NULL: no default (NULL) or named */
	int			ncheck;
	ExprState **checks;
	MemoryContext cxt;
} SerialWriteCache;

static SerialWriteCache sc;
static uint64 sc_invals;

static void
serial_cache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == sc.relid || relid == sc.keyid || relid == sc.lot_relid ||
		relid == sc.lot_idxid)
	{
		sc.valid = false;
		sc_invals++;
	}
}

void
lt_serial_write_init(void)
{
	CacheRegisterRelcacheCallback(serial_cache_callback, (Datum) 0);
}

#ifdef LT_SERIAL_DIRECT

/* The attribute called name in d, or InvalidAttrNumber. */
static AttrNumber
find_att(TupleDesc d, const char *name)
{
	for (int i = 0; i < d->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(d, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), name) == 0)
			return a->attnum;
	}
	return InvalidAttrNumber;
}

/* lottrace.serial as the inserts need it (as write_cache_fill in register_write.c). */
static void
serial_cache_fill(Relation rel)
{
	uint64		invals = sc_invals;
	TupleDesc	d = RelationGetDescr(rel);
	Relation	lot;

	if (sc.valid && sc.relid == RelationGetRelid(rel))
		return;
	sc.valid = false;
	if (sc.cxt == NULL)
		sc.cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace serial writes",
									   ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(sc.cxt);
	sc.relid = RelationGetRelid(rel);
	sc.lot_relid = lt_relid("lot");
	sc.lot_idxid = lt_relid("lot_item_code_variant_key");
	sc.keyid = lt_relid("serial_item_code_variant_key");
	/* the guard never skips a row, nor does the claims check (an UPDATE OF state, warehouse) */
	{
		static const char *const inserts[] = {"_serial_guard", NULL};
		static const char *const updates[] = {"_serial_guard", "_serial_claims", NULL};

		sc.direct = lt_direct_table_ok(rel, CMD_INSERT, inserts);
		sc.direct_update = lt_direct_table_ok(rel, CMD_UPDATE, updates);
	}
	for (int c = 0; c < NSCOLS; c++)
		if ((sc.att[c] = find_att(d, scol_names[c])) == InvalidAttrNumber)
			sc.direct = sc.direct_update = false;
	if ((sc.cancelled_att = find_att(d, S_CANCELLED_NAME)) == InvalidAttrNumber)
		sc.direct_update = false;
	lot = table_open(sc.lot_relid, AccessShareLock);
	sc.lot_id_att = find_att(RelationGetDescr(lot), "lot_id");
	table_close(lot, AccessShareLock);
	if (sc.lot_id_att == InvalidAttrNumber)
		sc.direct = false;

	/* the defaults of the columns the INSERT does not name, as the rewriter adds them */
	sc.natts = d->natts;
	sc.defaults = lt_compile_defaults(rel, sc.att, NSCOLS, sc.cxt);
	sc.checks = lt_compile_checks(rel, sc.cxt, &sc.ncheck);
	sc.valid = (invals == sc_invals);
}

/*
 * ON CONFLICT DO NOTHING at REPEATABLE READ and SERIALIZABLE: a conflicting
 * row the snapshot does not see, inserted by another transaction, is a
 * serialization failure (as nodeModifyTable.c's ExecCheckTIDVisible).
 */
static void
check_conflict_visible(EState *estate, Relation rel, ItemPointer tid, TupleTableSlot *tmp)
{
	if (!IsolationUsesXactSnapshot())
		return;
	if (!table_tuple_fetch_row_version(rel, tid, SnapshotAny, tmp))
		elog(ERROR, "lottrace: failed to fetch the conflicting serial");
	lt_check_visible(estate, rel, tmp);
	ExecClearTuple(tmp);
}

/* The lot_id of lot `code` of the serial's item and variant, 0 when there is none. */
static int64
find_lot(IndexScanDesc scan, Relation idx, const ScanKeyData *tmpl, TupleTableSlot *lotrow,
		 const LtDirectSerial *s, text *code)
{
	ScanKeyData keys[3];
	int64		id = 0;

	memcpy(keys, tmpl, sizeof(keys));
	keys[0].sk_argument = s->item;
	keys[1].sk_argument = PointerGetDatum(code);
	if (s->variant_null)
		lt_scan_key(&keys[2], idx, 2, (Datum) 0, true);
	else
		keys[2].sk_argument = s->variant;
	index_rescan(scan, keys, 3, NULL, 0);
	if (index_getnext_slot(scan, ForwardScanDirection, lotrow))
	{
		bool		isnull;
		Datum		v = slot_getattr(lotrow, sc.lot_id_att, &isnull);

		if (!isnull)
			id = DatumGetInt64(v);
	}
	ExecClearTuple(lotrow);
	return id;
}

/* The row of serial s, into slot (virtual, in the current memory context). */
static void
form_serial(EState *estate, TupleTableSlot *slot, const LtDirectSerial *s, int64 lot_id)
{
	Datum	   *v = slot->tts_values;
	bool	   *n = slot->tts_isnull;
	ExprContext *econtext = GetPerTupleExprContext(estate);

	ExecClearTuple(slot);
	lt_eval_defaults(sc.defaults, sc.natts, econtext, v, n);
#define SET(c, value, isnull) (v[sc.att[c] - 1] = (value), n[sc.att[c] - 1] = (isnull))
	SET(S_ITEM, s->item, false);
	SET(S_VARIANT, s->variant, s->variant_null);
	SET(S_CODE, s->code, false);
	SET(S_STATE, CStringGetTextDatum(s->warehouse_null ? "out" : "in_stock"), false);
	SET(S_WAREHOUSE, s->warehouse, s->warehouse_null);
	SET(S_LOT_ID, Int64GetDatum(lot_id), lot_id == 0);
	SET(S_START_DATE, DateADTGetDatum(s->start_date), false);
	SET(S_EXPIRY_DATE, DateADTGetDatum(s->expiry_date), !s->has_expiry);
	SET(S_SUPPLIER, s->supplier, s->supplier_null);
	SET(S_LOAD_DOC, s->load_doc, s->load_doc_null);
	SET(S_LOADED_ON, DateADTGetDatum(s->loaded_on), false);
	SET(S_UNLOAD_DOC, s->unload_doc, s->unload_doc_null);
	SET(S_UNLOADED_ON, DateADTGetDatum(s->unloaded_on), s->unloaded_on_null);
#undef SET
	ExecStoreVirtualTuple(slot);
}

/*
 * Insert slot's row unless the arbiter index has its key: ExecInsert's
 * ON CONFLICT DO NOTHING.  False: not inserted.
 */
static bool
insert_unless_conflict(LtDirectStmt *st, TupleTableSlot *slot, TupleTableSlot *tmp, List *arbiter)
{
	ItemPointerData conflict;

	if (!lt_insert_prepare(st, slot))
		return false;			/* the guard never skips a row: lt_direct_table_ok */
	if (lt_insert_unless_conflict(st, slot, arbiter, &conflict))
		return true;
	check_conflict_visible(st->estate, st->rel, &conflict, tmp);
	return false;
}

/* Can serial row `row` (locked) go out of warehouse wh: in stock there, not cancelled? */
static bool
unloadable(TupleTableSlot *row, const char *wh)
{
	bool		isnull;
	Datum		v;
	text	   *t;

	v = slot_getattr(row, sc.att[S_STATE], &isnull);
	if (isnull)
		return false;
	t = DatumGetTextPP(v);
	if (VARSIZE_ANY_EXHDR(t) != 8 || memcmp(VARDATA_ANY(t), "in_stock", 8) != 0)
		return false;
	v = slot_getattr(row, sc.att[S_WAREHOUSE], &isnull);
	if (isnull)
		return false;
	t = DatumGetTextPP(v);
	if (VARSIZE_ANY_EXHDR(t) != strlen(wh) || memcmp(VARDATA_ANY(t), wh, strlen(wh)) != 0)
		return false;
	v = slot_getattr(row, sc.cancelled_att, &isnull);
	return isnull || !DatumGetBool(v);
}

#endif							/* LT_SERIAL_DIRECT */

int
lt_serial_unload_direct(const LtDirectUnload *unloads, int n, bool *done)
{
#ifndef LT_SERIAL_DIRECT
	return -1;
#else
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt,
				rowcxt;
	Relation	rel = table_open(sc.valid ? sc.relid : lt_relid("serial"), RowExclusiveLock);
	Relation	idx;
	TupleDesc	d = RelationGetDescr(rel);
	IndexScanDesc scan;
	ScanKeyData tmpl[3];
	TupleTableSlot *row,
			   *newrow;
	Datum	   *values;
	bool	   *isnull;
	LtDirectStmt st;
	int			nd = 0;

	serial_cache_fill(rel);
	if (!lt_direct_writes || !sc.direct_update)
	{
		elog(DEBUG1, "lottrace: %d serial unloads written through SPI (lottrace.direct_writes is off, or lottrace.serial has rules, statement triggers or BEFORE ROW triggers of its own)", n);
		table_close(rel, NoLock);
		return -1;
	}
	cxt = AllocSetContextCreate(caller, "lottrace serial unload", ALLOCSET_SMALL_SIZES);
	rowcxt = AllocSetContextCreate(cxt, "lottrace serial unload, one serial", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	idx = index_open(sc.keyid, RowExclusiveLock);
	/* the columns the UPDATE sets (the claims check is UPDATE OF state, warehouse) */
	lt_direct_begin(&st, rel, NULL,
					bms_add_member(bms_add_member(bms_add_member(bms_make_singleton(sc.att[S_STATE] - FirstLowInvalidHeapAttributeNumber),
																 sc.att[S_WAREHOUSE] - FirstLowInvalidHeapAttributeNumber),
												  sc.att[S_UNLOAD_DOC] - FirstLowInvalidHeapAttributeNumber),
								   sc.att[S_UNLOADED_ON] - FirstLowInvalidHeapAttributeNumber),
					sc.checks, sc.ncheck, false);
	for (int k = 0; k < 3; k++)
		lt_scan_key(&tmpl[k], idx, k, (Datum) 0, false);
	row = table_slot_create(rel, &st.estate->es_tupleTable);
	newrow = ExecInitExtraTupleSlot(st.estate, d, &TTSOpsHeapTuple);
	values = palloc(sizeof(Datum) * d->natts);
	isnull = palloc(sizeof(bool) * d->natts);
	scan = index_beginscan(rel, idx, st.estate->es_snapshot, 3, 0);

	/* in the order given: the order the SPI statement locked them in */
	for (int i = 0; i < n; i++)
	{
		const LtDirectUnload *u = &unloads[i];
		ScanKeyData keys[3];

		done[i] = false;
		memcpy(keys, tmpl, sizeof(keys));
		keys[0].sk_argument = u->item;
		keys[1].sk_argument = u->code;
		if (u->variant_null)
			lt_scan_key(&keys[2], idx, 2, (Datum) 0, true);
		else
			keys[2].sk_argument = u->variant;
		index_rescan(scan, keys, 3, NULL, 0);
		/* as the SPI statement's FOR NO KEY UPDATE in its CTE, then the WHERE
		 * clause on the version locked (EvalPlanQual) */
		if (index_getnext_slot(scan, ForwardScanDirection, row) &&
			lt_lock_row(rel, row, st.estate) &&
			lt_same_key(row, sc.att[S_ITEM], sc.att[S_CODE], sc.att[S_VARIANT], u->item,
						u->variant, u->variant_null, u->code) &&
			unloadable(row, u->wh))
		{
			MemoryContextSwitchTo(rowcxt);
			slot_getallattrs(row);
			memcpy(values, row->tts_values, sizeof(Datum) * d->natts);
			memcpy(isnull, row->tts_isnull, sizeof(bool) * d->natts);
#define SET(c, value, null) (values[sc.att[c] - 1] = (value), isnull[sc.att[c] - 1] = (null))
			SET(S_STATE, CStringGetTextDatum("out"), false);
			SET(S_WAREHOUSE, (Datum) 0, true);
			SET(S_UNLOAD_DOC, u->doc, u->doc_null);
			SET(S_UNLOADED_ON, DateADTGetDatum(u->moved_on), false);
#undef SET
			ExecStoreHeapTuple(heap_form_tuple(d, values, isnull), newrow, false);
			MemoryContextSwitchTo(cxt);
			lt_update_row(st.rri, st.estate, &st.epq, row, newrow);
			done[i] = true;
			nd++;
		}
		ExecClearTuple(newrow);
		ExecClearTuple(row);
		ResetPerTupleExprContext(st.estate);
		MemoryContextReset(rowcxt);
	}
	index_endscan(scan);
	elog(DEBUG1, "lottrace: %d of %d serial unloads written without SPI", nd, n);
	lt_direct_end(&st);
	index_close(idx, NoLock);
	table_close(rel, NoLock);
	MemoryContextSwitchTo(caller);
	MemoryContextDelete(cxt);
	return nd;
#endif
}

int
lt_serial_insert_direct(const LtDirectSerial *serials, int n, bool *written)
{
#ifndef LT_SERIAL_DIRECT
	return -1;
#else
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt,
				rowcxt;
	Relation	rel = table_open(sc.valid ? sc.relid : lt_relid("serial"), RowExclusiveLock);
	Relation	lot = NULL,
				idx = NULL;
	IndexScanDesc scan = NULL;
	ScanKeyData tmpl[3];
	TupleTableSlot *slot,
			   *tmp,
			   *lotrow = NULL;
	Bitmapset  *cols = NULL;
	List	   *arbiter;
	LtDirectStmt st;
	int			nw = 0;

	serial_cache_fill(rel);
	if (!lt_direct_writes || !sc.direct)
	{
		elog(DEBUG1, "lottrace: %d new serials written through SPI (lottrace.direct_writes is off, or lottrace.serial has rules, statement triggers or BEFORE ROW triggers of its own)", n);
		table_close(rel, NoLock);
		return -1;
	}
	cxt = AllocSetContextCreate(caller, "lottrace serial insert", ALLOCSET_SMALL_SIZES);
	rowcxt = AllocSetContextCreate(cxt, "lottrace serial insert, one serial", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	for (int c = 0; c < NSCOLS; c++)
		cols = bms_add_member(cols, sc.att[c] - FirstLowInvalidHeapAttributeNumber);
	arbiter = list_make1_oid(sc.keyid);
	lt_direct_begin(&st, rel, cols, NULL, sc.checks, sc.ncheck, true);
	slot = ExecInitExtraTupleSlot(st.estate, RelationGetDescr(rel), &TTSOpsVirtual);
	tmp = table_slot_create(rel, &st.estate->es_tupleTable);

	for (int i = 0; i < n; i++)
	{
		const LtDirectSerial *s = &serials[i];
		int64		lot_id = 0;
		text	   *code;

		if (s->lot != NULL)
		{
			if (scan == NULL)
			{
				/* the lots, as the LEFT JOIN reads them */
				lot = table_open(sc.lot_relid, AccessShareLock);
				idx = index_open(sc.lot_idxid, AccessShareLock);
				for (int k = 0; k < 3; k++)
					lt_scan_key(&tmpl[k], idx, k, (Datum) 0, false);
				lotrow = table_slot_create(lot, &st.estate->es_tupleTable);
				scan = index_beginscan(lot, idx, st.estate->es_snapshot, 3, 0);
			}
			/* the code in the serial's memory; the scan in the statement's,
			 * where the index AM keeps its state */
			MemoryContextSwitchTo(rowcxt);
			code = lt_make_code(s->lot, s->lot_len, false, -1, NULL);
			MemoryContextSwitchTo(cxt);
			lot_id = find_lot(scan, idx, tmpl, lotrow, s, code);
		}
		MemoryContextSwitchTo(rowcxt);
		form_serial(st.estate, slot, s, lot_id);
		MemoryContextSwitchTo(cxt);
		written[i] = insert_unless_conflict(&st, slot, tmp, arbiter);
		if (written[i])
			nw++;
		ExecClearTuple(slot);
		ResetPerTupleExprContext(st.estate);
		MemoryContextReset(rowcxt);
	}
	if (scan != NULL)
	{
		index_endscan(scan);
		index_close(idx, NoLock);
		table_close(lot, NoLock);
	}
	elog(DEBUG1, "lottrace: %d of %d new serials written without SPI", nw, n);
	lt_direct_end(&st);
	table_close(rel, NoLock);
	MemoryContextSwitchTo(caller);
	MemoryContextDelete(cxt);
	return nw;
#endif
}
