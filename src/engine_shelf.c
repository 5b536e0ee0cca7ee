/*
 * engine_shelf.c — the engine's shelf-life rules (docs/SHELF_LIFE.md):
 *
 *  - an item's minimum remaining shelf life at receipt
 *    (lottrace.item.min_shelf_life_days / min_shelf_life_pct);
 *  - an account's minimum at shipment (lottrace.shelf_life_rule, by item
 *    or by category; the item's rule wins);
 *  - expiry_rule 'from_components': a produced lot expires no later than
 *    the earliest expiry among the input lots of its production batches.
 *
 * Per row (lte_shelf_move, only for items with a rule): the latest-dated
 * receipt of each lot, and the latest-dated shipment of each lot to each
 * account, in a hash of the chunk.  Per chunk (lte_shelf_chunk, after the
 * chunk's lots and batch members are written): one statement derives the
 * expiry of the batches' produced lots, one reads the accounts' rules and,
 * when needed, one reads the start dates of the lots; then each receipt and
 * shipment is judged against the lot's expiry as the register holds it.
 * Statements on items without rules do none of this.
 */
#include "postgres.h"

#include <math.h>

#include "engine_int.h"

/* A receipt, or the shipments of a lot to one account. */
typedef struct ShelfKey
{
	LotEnt	   *lot;
	LtStr		account;		/* NULL: the lot's receipts */
} ShelfKey;

typedef struct ShelfEnt
{
	ShelfKey	key;
	DateADT		moved_on;		/* the latest: it leaves the least shelf life */
	RowRef		ref;
	LtStr		wh;
	/* the account's rule, read per chunk */
	bool		has_rule;
	int32		min_days;		/* -1: none */
	double		min_pct;		/* < 0: none */
	bool		item_rule;		/* the item's rule (else its category's) */
} ShelfEnt;

static uint32
shelfkey_hash(const void *key, Size keysize)
{
	const ShelfKey *k = key;

	return str_hash(k->account, hash_bytes((const unsigned char *) &k->lot, sizeof(k->lot)));
}

static int
shelfkey_match(const void *a, const void *b, Size keysize)
{
	const ShelfKey *x = a;
	const ShelfKey *y = b;

	return (x->lot == y->lot && str_eq(x->account, y->account)) ? 0 : 1;
}

/* ------------------------------------------------------------------------
 * Per row
 * ------------------------------------------------------------------------
 */

/*
 * A move of an item with a shelf-life rule, just added to lot l.  Only
 * rows being applied under every rule count: not backfill, not reversals
 * or rows coming back (m->lenient, m->matched), not rows whose reason
 * allows unavailable lots, nor transfers (m->ungated).
 *
 * A receipt is a load from an account (the supplier) that is not a
 * production output; in a table with two locations, one from a supplier
 * location.  A shipment is an unload to an account that is not a
 * production input; with two locations, one to a customer location.
 */
void
lte_shelf_move(LtEngine *e, LotEnt *l, LtMove *m)
{
	ShelfKey	k;
	ShelfEnt   *s;
	bool		found;

	if (e->mode != LT_STRICT || m->sign < 0 || m->lenient || m->matched || m->ungated ||
		m->account.p == NULL)
		return;
	if (m->dir > 0)
	{
		if ((m->it->min_shelf_days < 0 && m->it->min_shelf_pct < 0) || m->role == 'o' ||
			(m->other_kind && m->other_kind != LT_KIND_SUPPLIER))
			return;
		k.account = (LtStr) {NULL, 0};
	}
	else
	{
		if (!m->it->ship_rules || m->role == 'i' ||
			(m->other_kind && m->other_kind != LT_KIND_CUSTOMER))
			return;
		k.account = m->account;
	}
	k.lot = l;
	if (e->shelf == NULL)
		e->shelf = lte_chunk_hash(e, "lottrace shelf life", sizeof(ShelfKey), sizeof(ShelfEnt),
								  shelfkey_hash, shelfkey_match);
	s = hash_search(e->shelf, &k, HASH_ENTER, &found);
	if (found && s->moved_on >= m->moved_on)
		return;
	if (!found)
	{
		memset(((char *) s) + sizeof(ShelfKey), 0, sizeof(ShelfEnt) - sizeof(ShelfKey));
		s->key.account = str_copy(e->chunk_cxt, k.account);
	}
	s->moved_on = m->moved_on;
	s->ref = m->ref;
	s->wh = str_copy(e->chunk_cxt, m->wh);
}

/* ------------------------------------------------------------------------
 * Per chunk
 * ------------------------------------------------------------------------
 */

/*
 * The produced lots of the batches given: expiry lowered to the earliest
 * expiry among the batch's input lots (NULL and infinity never lower it).
 * Locks the produced lots it changes; returns each one's new expiry.
 */
static LtPlan components_plan = {
	.sql = "WITH d AS ("
	"  SELECT o.lot_id, pg_catalog.min(il.expiry_date) AS e"
	"    FROM (SELECT DISTINCT b FROM pg_catalog.unnest($1::pg_catalog.text[]) AS b) k"
	"    JOIN lottrace.batch_member o ON o.batch_key OPERATOR(pg_catalog.=) k.b"
	"     AND o.role OPERATOR(pg_catalog.=) 'output'"
	"    JOIN lottrace.lot ol ON ol.lot_id OPERATOR(pg_catalog.=) o.lot_id"
	"    JOIN lottrace.item it ON it.item OPERATOR(pg_catalog.=) ol.item"
	"     AND it.expiry_rule OPERATOR(pg_catalog.=) 'from_components'"
	"    JOIN lottrace.batch_member i ON i.batch_key OPERATOR(pg_catalog.=) o.batch_key"
	"     AND i.role OPERATOR(pg_catalog.=) 'input'"
	"    JOIN lottrace.lot il ON il.lot_id OPERATOR(pg_catalog.=) i.lot_id"
	"   WHERE il.expiry_date IS NOT NULL"
	"   GROUP BY o.lot_id)"
	"UPDATE lottrace.lot l SET expiry_date = d.e FROM d"
	" WHERE l.lot_id OPERATOR(pg_catalog.=) d.lot_id"
	"   AND (l.expiry_date IS NULL OR d.e OPERATOR(pg_catalog.<) l.expiry_date)"
	" RETURNING l.lot_id, l.expiry_date",
	.args = "pg_catalog.text[]"
};

/* The account's rule for each (item, category, account): the item's first. */
static LtPlan ship_rule_plan = {
	.sql = "SELECT k.i, r.min_days, r.min_pct::pg_catalog.float8, r.item IS NOT NULL"
	"  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), pg_catalog.unnest($2::pg_catalog.text[]),"
	"                  pg_catalog.unnest($3::pg_catalog.text[])) WITH ORDINALITY AS k(item, category, account, i)"
	" CROSS JOIN LATERAL ("
	"   SELECT r.min_days, r.min_pct, r.item FROM lottrace.shelf_life_rule r"
	"    WHERE r.account OPERATOR(pg_catalog.=) k.account"
	"      AND (r.item OPERATOR(pg_catalog.=) k.item"
	"           OR (r.item IS NULL AND r.category OPERATOR(pg_catalog.=) k.category))"
	"    ORDER BY r.item IS NULL LIMIT 1) r",
	.args = "pg_catalog.text[], pg_catalog.text[], pg_catalog.text[]"
};

static LtPlan start_plan = {
	.sql = "SELECT k.i, l.start_date"
	"  FROM pg_catalog.unnest($1::pg_catalog.int8[]) WITH ORDINALITY AS k(lot_id, i)"
	"  JOIN lottrace.lot l ON l.lot_id OPERATOR(pg_catalog.=) k.lot_id",
	.args = "pg_catalog.int8[]"
};

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static char *
lot_words(LotEnt *l)
{
	if (l->key.variant.p)
		return psprintf("lot \"%s\" of item \"%s\" variant \"%s\"",
						str_show(l->key.code), str_show(l->key.item), str_show(l->key.variant));
	return psprintf("lot \"%s\" of item \"%s\"", str_show(l->key.code), str_show(l->key.item));
}

/*
 * expiry_rule from_components: the chunk's production batches that have
 * a produced lot of such an item, or (when some item has the rule) an
 * input; their produced lots take the earliest expiry of the inputs.  A
 * produced lot of this chunk whose expiry comes down is judged again by
 * the expiry block of the unloads this statement makes of it.
 */
static void
derive_expiries(LtEngine *e)
{
	HASH_SEQ_STATUS hs;
	BatchEnt   *be;
	LtStr	   *keys;
	int			n = 0;
	long		nbt;
	int			any = -1;		/* an item has from_components: not asked yet */
	Datum		arg;
	uint64		nr;
	int64	   *ids;
	DateADT    *exp;
	int64	   *sorted;

	if (e->batches == NULL || e->mode == LT_REMOVE)
		return;
	nbt = hash_get_num_entries(e->batches);
	keys = palloc(sizeof(LtStr) * nbt);
	hash_seq_init(&hs, e->batches);
	while ((be = hash_seq_search(&hs)) != NULL)
	{
		if (be->key.lot->carried || be->key.lot->lot_id == 0)
			continue;
		if (be->key.role == 'o')
		{
			if (be->key.lot->it->expiry_rule != 'c')
				continue;
		}
		else
		{
			/* an input: its batch may have a produced lot with the rule */
			if (any < 0)
				any = lt_any_from_components();
			if (!any)
				continue;
		}
		keys[n++] = be->key.batch;
	}
	if (n == 0)
		return;
	arg = lte_str_array(keys, n, TEXTOID);
	nr = lt_exec_batch(&components_plan, &arg, NULL, false);
	if (nr == 0)
		return;
	ids = palloc(sizeof(int64) * nr);
	exp = palloc(sizeof(DateADT) * nr);
	for (uint64 r = 0; r < nr; r++)
	{
		bool		isnull;

		ids[r] = lt_getint8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, NULL);
		exp[r] = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2,
											   &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
	/* ids with their dates, sorted: [id, date] pairs */
	sorted = palloc(sizeof(int64) * 2 * nr);
	for (uint64 r = 0; r < nr; r++)
	{
		sorted[2 * r] = ids[r];
		sorted[2 * r + 1] = exp[r];
	}
	qsort(sorted, nr, sizeof(int64) * 2, int64_cmp);

	/* the chunk's own lots take the new expiry */
	{
		LotEnt	   *l;

		hash_seq_init(&hs, e->lots);
		while ((l = hash_seq_search(&hs)) != NULL)
		{
			int64	   *hit;
			DateADT		x;

			if (l->lot_id == 0 || l->carried)
				continue;
			hit = bsearch(&l->lot_id, sorted, nr, sizeof(int64) * 2, int64_cmp);
			if (hit == NULL)
				continue;
			x = (DateADT) hit[1];
			l->has_db_expiry = true;
			l->db_expiry = x;
			if (e->mode == LT_STRICT && l->gated &&
				l->max_unload >= lte_blocked_from(x, l->it->block_days))
				LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_lot_expired", l->max_unload_ref, NULL,
						 "Expired lots are unloaded with a reason that allows unavailable lots (e.g. scrapping).",
						 "%s is blocked by expiry: it expires on %s (the earliest expiry of its components) and is blocked from %s; the unload from warehouse \"%s\" is dated %s",
						 lot_words(l), date_str(x), date_str(lte_blocked_from(x, l->it->block_days)),
						 str_show(l->max_unload_wh), date_str(l->max_unload));
		}
	}
}

/* "9 days after", "1 day before", "on the day of" */
static char *
days_words(int64 d)
{
	if (d == 0)
		return "the day of";
	return psprintf("%lld day%s %s", (long long) (d < 0 ? -d : d), (d == 1 || d == -1) ? "" : "s",
					d > 0 ? "after" : "before");
}

/* Refuse a receipt or shipment that leaves too little shelf life. */
static void
judge(LtEngine *e, ShelfEnt *s, bool has_start, DateADT start)
{
	LotEnt	   *l = s->key.lot;
	LtItem	   *it = l->it;
	bool		receipt = (s->key.account.p == NULL);
	int32		min_days = receipt ? it->min_shelf_days : s->min_days;
	double		min_pct = receipt ? it->min_shelf_pct : s->min_pct;
	int64		remaining;
	int64		validity = -1;
	int64		need_pct = -1;
	int64		need;
	char	   *why;
	const char *hint;

	if (!l->has_db_expiry || DATE_NOT_FINITE(l->db_expiry))
		return;					/* never expires */
	remaining = (int64) l->db_expiry - (int64) s->moved_on;
	if (min_pct >= 0)
	{
		if (it->lot_validity_days >= 0)
			validity = it->lot_validity_days;
		else if (has_start && !DATE_NOT_FINITE(start))
			validity = Max((int64) l->db_expiry - (int64) start, 0);
		/* whole days, rounded up (the tolerance absorbs binary fractions) */
		if (validity >= 0)
			need_pct = (int64) ceil(min_pct * (double) validity / 100.0 - 1e-9);
	}
	need = Max((int64) min_days, need_pct);
	if (need < 0 || remaining >= need)
		return;

	if (need_pct >= min_days)
		why = psprintf("at least %lld day%s (%g%% of %lld days of validity)",
					   (long long) need, need == 1 ? "" : "s", min_pct, (long long) validity);
	else
		why = psprintf("at least %lld day%s", (long long) need, need == 1 ? "" : "s");
	if (receipt)
	{
		hint = "Receive a lot with a later expiry date, or change the item's minimum (lottrace.item.min_shelf_life_days, min_shelf_life_pct).";
		LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_shelf_life", s->ref, NULL, hint,
				 "%s cannot be received into warehouse \"%s\": it expires on %s, %s the receipt dated %s; item \"%s\" needs %s of shelf life at receipt",
				 lot_words(l), str_show(s->wh), date_str(l->db_expiry), days_words(remaining),
				 date_str(s->moved_on), str_show(l->key.item), why);
	}
	hint = "Ship a lot with a later expiry date (suggest_pick with pick_policy fefo picks the earliest first), or change the account's rule in lottrace.shelf_life_rule.";
	LT_ERROR(e, ERRCODE_CHECK_VIOLATION, "lottrace_shelf_life", s->ref, NULL, hint,
			 "%s cannot be shipped from warehouse \"%s\" to account \"%s\": it expires on %s, %s the shipment dated %s; account \"%s\" needs %s of shelf life for %s \"%s\"",
			 lot_words(l), str_show(s->wh), str_show(s->key.account), date_str(l->db_expiry),
			 days_words(remaining), date_str(s->moved_on), str_show(s->key.account), why,
			 s->item_rule ? "item" : "category",
			 s->item_rule ? str_show(l->key.item) : lt_show(it->category, -1));
}

/*
 * After a chunk's lots and batch members are written (lte_flush_chunk):
 * derive the expiries of produced lots, then judge the chunk's receipts
 * and shipments under rules.
 */
void
lte_shelf_chunk(LtEngine *e)
{
	HASH_SEQ_STATUS hs;
	ShelfEnt   *s;
	ShelfEnt  **ents;
	long		n;
	int			nship = 0;
	int			nstart = 0;
	bool	   *has_start;
	DateADT    *start;

	derive_expiries(e);
	if (e->shelf == NULL)
		return;
	n = hash_get_num_entries(e->shelf);
	ents = palloc(sizeof(ShelfEnt *) * n);
	has_start = palloc0(sizeof(bool) * n);
	start = palloc0(sizeof(DateADT) * n);
	n = 0;
	hash_seq_init(&hs, e->shelf);
	while ((s = hash_seq_search(&hs)) != NULL)
	{
		LotEnt	   *l = s->key.lot;

		/* a lot carried to the end is judged by the stock rules only */
		if (l->carried || l->lot_id == 0 || !l->has_db_expiry || DATE_NOT_FINITE(l->db_expiry))
			continue;
		if (s->key.account.p)
			nship++;
		if (l->inserted)
		{
			has_start[n] = true;
			start[n] = l->ld->start;
		}
		ents[n++] = s;
	}
	if (n == 0)
		return;

	/* the accounts' rules, in one statement */
	if (nship > 0)
	{
		LtStr	   *items = palloc(sizeof(LtStr) * nship);
		LtStr	   *cats = palloc(sizeof(LtStr) * nship);
		LtStr	   *accts = palloc(sizeof(LtStr) * nship);
		ShelfEnt  **which = palloc(sizeof(ShelfEnt *) * nship);
		Datum		args[3];
		uint64		nr;
		int			k = 0;

		for (int i = 0; i < n; i++)
		{
			LtItem	   *it = ents[i]->key.lot->it;

			if (ents[i]->key.account.p == NULL)
				continue;
			items[k] = ents[i]->key.lot->key.item;
			cats[k] = (LtStr) {it->category, it->category ? (int) strlen(it->category) : 0};
			accts[k] = ents[i]->key.account;
			which[k++] = ents[i];
		}
		args[0] = lte_str_array(items, k, TEXTOID);
		args[1] = lte_str_array(cats, k, TEXTOID);
		args[2] = lte_str_array(accts, k, TEXTOID);
		nr = lt_exec_batch(&ship_rule_plan, args, NULL, true);
		for (uint64 r = 0; r < nr; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			TupleDesc	d = SPI_tuptable->tupdesc;
			int64		i = lt_getint8(t, d, 1, NULL) - 1;
			bool		isnull;
			Datum		x;

			if (i < 0 || i >= k)
				continue;
			s = which[i];
			s->has_rule = true;
			x = SPI_getbinval(t, d, 2, &isnull);
			s->min_days = isnull ? -1 : DatumGetInt32(x);
			x = SPI_getbinval(t, d, 3, &isnull);
			s->min_pct = isnull ? -1 : DatumGetFloat8(x);
			s->item_rule = DatumGetBool(SPI_getbinval(t, d, 4, &isnull));
		}
		SPI_freetuptable(SPI_tuptable);
	}

	/* start dates, for percentages of items without lot_validity_days */
	{
		int64	   *ids = palloc(sizeof(int64) * n);
		int		   *pos = palloc(sizeof(int) * n);

		for (int i = 0; i < n; i++)
		{
			ShelfEnt   *x = ents[i];
			double		pct = x->key.account.p ? (x->has_rule ? x->min_pct : -1)
				: x->key.lot->it->min_shelf_pct;

			if (pct >= 0 && x->key.lot->it->lot_validity_days < 0 && !has_start[i])
			{
				ids[nstart] = x->key.lot->lot_id;
				pos[nstart++] = i;
			}
		}
		if (nstart > 0)
		{
			Datum		arg = lt_array_int8(ids, nstart);
			uint64		nr = lt_exec_batch(&start_plan, &arg, NULL, false);

			for (uint64 r = 0; r < nr; r++)
			{
				HeapTuple	t = SPI_tuptable->vals[r];
				TupleDesc	d = SPI_tuptable->tupdesc;
				int64		i = lt_getint8(t, d, 1, NULL) - 1;
				bool		isnull;
				Datum		x;

				if (i < 0 || i >= nstart)
					continue;
				x = SPI_getbinval(t, d, 2, &isnull);
				if (!isnull)
				{
					has_start[pos[i]] = true;
					start[pos[i]] = DatumGetDateADT(x);
				}
			}
			SPI_freetuptable(SPI_tuptable);
		}
	}

	for (int i = 0; i < n; i++)
		if (ents[i]->key.account.p == NULL || ents[i]->has_rule)
			judge(e, ents[i], has_start[i], start[i]);
}
