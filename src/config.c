/*
 * config.c — per-backend caches of items, reasons, code types, warehouses
 * and lot statuses, invalidated through the relcache (see config.h).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "codefmt.h"
#include "config.h"
#include "spi_util.h"

/* Key of the string-keyed caches: bytes plus length. */
typedef struct StrKey
{
	const char *p;
	int			len;
} StrKey;

typedef struct ItemEnt
{
	StrKey		key;
	LtItem		v;
} ItemEnt;

typedef struct ReasonEnt
{
	StrKey		key;
	LtReason	v;
} ReasonEnt;

typedef struct CodeTypeEnt
{
	StrKey		key;
	LtCodeType *v;				/* NULL: no such code type */
} CodeTypeEnt;

typedef struct FlagEnt
{
	StrKey		key;
	bool		exists;
	bool		flag;			/* allow_negative / available */
	char		kind;			/* warehouses: LT_KIND_* */
} FlagEnt;

static MemoryContext cfg_cxt = NULL;
static HTAB *items = NULL;
static HTAB *reasons = NULL;
static HTAB *code_types = NULL;
static HTAB *warehouses = NULL;
static HTAB *statuses = NULL;
static bool cfg_stale = true;
/* items_load_all: tried since the caches were made; every item is in items */
static bool items_tried = false;
static bool items_complete = false;
/* lottrace.warehouse has its 1.1 column kind: -1 not known yet */
static int	warehouse_has_kind = -1;
/* lottrace.lot has its 1.2 column claims: -1 not known yet */
static int	lot_has_claims = -1;
/* an item has expiry_rule from_components (1.2): -1 not known yet */
static int	any_from_components = -1;

/* Tables whose changes invalidate the caches (InvalidOid: not looked up). */
enum
{
	T_ITEM, T_REASON, T_CODE_TYPE, T_WAREHOUSE, T_LOT_STATUS, T_SHELF_LIFE_RULE, T_COUNT
};
static const char *const table_names[T_COUNT] = {
	"item", "reason", "code_type", "warehouse", "lot_status", "shelf_life_rule"
};
static Oid	table_oids[T_COUNT];

static uint32
strkey_hash(const void *key, Size keysize)
{
	const StrKey *k = key;

	return hash_bytes((const unsigned char *) k->p, k->len);
}

static int
strkey_match(const void *a, const void *b, Size keysize)
{
	const StrKey *ka = a;
	const StrKey *kb = b;

	return (ka->len == kb->len && memcmp(ka->p, kb->p, ka->len) == 0) ? 0 : 1;
}

static void *
strkey_copy(void *dest, const void *src, Size keysize)
{
	StrKey	   *d = dest;
	const StrKey *s = src;
	char	   *c = MemoryContextAlloc(cfg_cxt, s->len + 1);

	memcpy(c, s->p, s->len);
	c[s->len] = '\0';
	d->p = c;
	d->len = s->len;
	return dest;
}

static HTAB *
make_cache(const char *name, Size entrysize)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(StrKey);
	ctl.entrysize = entrysize;
	ctl.hash = strkey_hash;
	ctl.match = strkey_match;
	ctl.keycopy = strkey_copy;
	ctl.hcxt = cfg_cxt;
	return hash_create(name, 64, &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_KEYCOPY | HASH_CONTEXT);
}

static void
config_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid))
	{
		cfg_stale = true;
		return;
	}
	for (int i = 0; i < T_COUNT; i++)
		if (table_oids[i] == relid)
			cfg_stale = true;
}

void
lt_config_init(void)
{
	CacheRegisterRelcacheCallback(config_callback, (Datum) 0);
}

void
lt_config_refresh(void)
{
	if (!cfg_stale && cfg_cxt != NULL)
		return;

	if (cfg_cxt == NULL)
		cfg_cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace config",
										ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(cfg_cxt);

	/* The extension may have been dropped and re-created: find it again. */
	lt_extension_owner_reset();
	for (int i = 0; i < T_COUNT; i++)
		table_oids[i] = InvalidOid;
	cfg_stale = false;
	for (int i = 0; i < T_SHELF_LIFE_RULE; i++)
		table_oids[i] = lt_relid(table_names[i]);
	/* 1.2: a 1.1 schema has no shelf_life_rule (InvalidOid: no rules) */
	table_oids[T_SHELF_LIFE_RULE] = get_relname_relid(table_names[T_SHELF_LIFE_RULE],
													  get_rel_namespace(table_oids[T_ITEM]));

	items = make_cache("lottrace items", sizeof(ItemEnt));
	items_tried = items_complete = false;
	reasons = make_cache("lottrace reasons", sizeof(ReasonEnt));
	code_types = make_cache("lottrace code types", sizeof(CodeTypeEnt));
	warehouses = make_cache("lottrace warehouses", sizeof(FlagEnt));
	warehouse_has_kind = -1;
	lot_has_claims = -1;
	any_from_components = -1;
	statuses = make_cache("lottrace statuses", sizeof(FlagEnt));
}

/* Copy a text column of an SPI row into the cache context (NULL if null). */
static char *
cache_str(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *s = lt_getstr(tup, desc, col);

	return s ? MemoryContextStrdup(cfg_cxt, s) : NULL;
}

static int32
get_int4(HeapTuple tup, TupleDesc desc, int col, int32 dflt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? dflt : DatumGetInt32(d);
}

static bool
get_bool(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

static Datum
key_text(const char *p, int len)
{
	return PointerGetDatum(cstring_to_text_with_len(p, len));
}

/*
 * An item on a schema older than the library (before ALTER EXTENSION
 * lottrace UPDATE): the later columns are read through the row's jsonb.  A
 * 1.0 schema has no gs1_codes, and its items keep to set 82 as they did; a
 * 1.1 schema has no shelf life.
 */
static LtPlan item_plan = {
	"SELECT lot_tracked, serial_tracked, lot_code_type, serial_code_type, pick_policy,"
	" initial_status, lot_validity_days, expiry_rule, expiry_editable, warn_days,"
	" block_days, single_supplier, serial_validity_days, item_class, category, item_type,"
	" coalesce((pg_catalog.to_jsonb(i) OPERATOR(pg_catalog.->>) 'gs1_codes')::pg_catalog.bool, true),"
	" coalesce((pg_catalog.to_jsonb(i) OPERATOR(pg_catalog.->>) 'claims_seen')::pg_catalog.bool, false),"
	" pg_catalog.to_jsonb(i) OPERATOR(pg_catalog.->) 'required_attributes',"
	" coalesce((pg_catalog.to_jsonb(i) OPERATOR(pg_catalog.->>) 'refuse_receipt_mismatch')::pg_catalog.bool, false)"
	" FROM lottrace.item i WHERE i.item OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};
/*
 * The same on a 1.2 schema (one with lottrace.shelf_life_rule), whose item
 * has every column, read directly, with its shelf life.  Turning the row
 * into jsonb six times in two queries, as 1.2 did at first, made a cold
 * session's first statement over 1,500 items spend about 0.3 s on them.
 */
#define ITEM12_COLUMNS \
	"SELECT lot_tracked, serial_tracked, lot_code_type, serial_code_type, pick_policy," \
	" initial_status, lot_validity_days, expiry_rule, expiry_editable, warn_days," \
	" block_days, single_supplier, serial_validity_days, item_class, category, item_type," \
	" gs1_codes, claims_seen, pg_catalog.to_jsonb(required_attributes), refuse_receipt_mismatch," \
	" min_shelf_life_days, min_shelf_life_pct::pg_catalog.float8," \
	" EXISTS (SELECT FROM lottrace.shelf_life_rule r WHERE r.item OPERATOR(pg_catalog.=) i.item)" \
	" OR EXISTS (SELECT FROM lottrace.shelf_life_rule r" \
	"             WHERE r.category OPERATOR(pg_catalog.=) i.category AND r.item IS NULL)"
static LtPlan item12_plan = {
	ITEM12_COLUMNS " FROM lottrace.item i WHERE i.item OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};
/* their result columns (item12_plan: ITEM_SHELF_DAYS on as well) */
enum
{
	ITEM_LOT_TRACKED = 1, ITEM_SERIAL_TRACKED, ITEM_LOT_CODE_TYPE, ITEM_SERIAL_CODE_TYPE,
	ITEM_PICK_POLICY, ITEM_INITIAL_STATUS, ITEM_LOT_VALIDITY_DAYS, ITEM_EXPIRY_RULE,
	ITEM_EXPIRY_EDITABLE, ITEM_WARN_DAYS, ITEM_BLOCK_DAYS, ITEM_SINGLE_SUPPLIER,
	ITEM_SERIAL_VALIDITY_DAYS, ITEM_CLASS, ITEM_CATEGORY, ITEM_TYPE, ITEM_GS1_CODES,
	ITEM_CLAIMS_SEEN, ITEM_REQUIRED_ATTRIBUTES, ITEM_REFUSE_RECEIPT_MISMATCH,
	ITEM_SHELF_DAYS
};

/*
 * Shelf life (1.2, docs/SHELF_LIFE.md), from column `first` of item12_plan's
 * row: the item's minimums at receipt, and whether lottrace.shelf_life_rule
 * has a rule for the item or its category.  A 1.1 schema has neither.
 */
static void
read_shelf(LtItem *v, HeapTuple t, TupleDesc d, int first)
{
	bool		isnull;
	Datum		x;

	v->min_shelf_days = get_int4(t, d, first, -1);
	x = SPI_getbinval(t, d, first + 1, &isnull);
	if (!isnull)
		v->min_shelf_pct = DatumGetFloat8(x);
	v->ship_rules = get_bool(t, d, first + 2);
}

static LtPlan any_from_components_plan = {
	"SELECT FROM lottrace.item"
	" WHERE expiry_rule OPERATOR(pg_catalog.=) 'from_components' LIMIT 1",
	0, {InvalidOid}
};

bool
lt_any_from_components(void)
{
	if (any_from_components < 0)
	{
		any_from_components = 0;
		if (OidIsValid(table_oids[T_SHELF_LIFE_RULE]))
		{
			any_from_components = lt_exec(&any_from_components_plan, NULL, NULL, true, 1) == 1;
			SPI_freetuptable(SPI_tuptable);
		}
	}
	return any_from_components > 0;
}

/*
 * required_attributes, read through the row's jsonb as gs1_codes is (a 1.1
 * schema has no such column: nothing is required there), into the cache.
 */
static void
read_required(LtItem *v, HeapTuple t, TupleDesc d)
{
	bool		isnull;
	Datum		x = SPI_getbinval(t, d, ITEM_REQUIRED_ATTRIBUTES, &isnull);
	Jsonb	   *jb;
	JsonbIterator *it;
	JsonbValue	jv;
	JsonbIteratorToken tok;
	int			n = 0;

	v->nrequired = 0;
	v->required_attributes = NULL;
	if (isnull)
		return;
	jb = DatumGetJsonbP(x);
	if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb) || JB_ROOT_COUNT(jb) == 0)
		return;
	v->required_attributes = MemoryContextAlloc(cfg_cxt, sizeof(char *) * JB_ROOT_COUNT(jb));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
		if (tok == WJB_ELEM && jv.type == jbvString && n < (int) JB_ROOT_COUNT(jb))
			v->required_attributes[n++] = MemoryContextStrdup(cfg_cxt,
															  pnstrdup(jv.val.string.val, jv.val.string.len));
	v->nrequired = n;
}

/*
 * The cached entry for an item, or NULL when it is not cached or the caches
 * are stale; runs no query (for callers that avoid SPI on the common path).
 */
LtItem *
lt_item_peek(const char *item, int len)
{
	StrKey		key = {item, len};
	ItemEnt    *e;

	if (cfg_stale || items == NULL)
		return NULL;
	e = hash_search(items, &key, HASH_FIND, NULL);
	return e ? &e->v : NULL;
}

/* An item lottrace.item does not have (or not yet read): defaults. */
static void
item_defaults(LtItem *v)
{
	memset(v, 0, sizeof(*v));
	v->lot_validity_days = v->warn_days = v->serial_validity_days = -1;
	v->min_shelf_days = -1;
	v->min_shelf_pct = -1;
	v->ship_rules = false;
}

/*
 * An item's settings from a row of item12_plan or item_plan (or of
 * items_all_plan, which has the same columns first).  Its code types are
 * left in *lct and *sct, for the caller to look up once it is done with
 * the result (lt_code_type may run a query).
 */
static void
read_item(LtItem *v, HeapTuple t, TupleDesc d, char **lct, char **sct)
{
	char	   *s;

	*lct = lt_getstr(t, d, ITEM_LOT_CODE_TYPE);
	*sct = lt_getstr(t, d, ITEM_SERIAL_CODE_TYPE);
	v->exists = true;
	v->lot_tracked = get_bool(t, d, ITEM_LOT_TRACKED);
	v->serial_tracked = get_bool(t, d, ITEM_SERIAL_TRACKED);
	s = lt_getstr(t, d, ITEM_PICK_POLICY);
	v->pick_policy = (strcmp(s, "fefo") == 0) ? 'e' : (strcmp(s, "manual") == 0) ? 'm' : 'f';
	v->initial_status = cache_str(t, d, ITEM_INITIAL_STATUS);
	v->lot_validity_days = get_int4(t, d, ITEM_LOT_VALIDITY_DAYS, -1);
	s = lt_getstr(t, d, ITEM_EXPIRY_RULE);
	v->expiry_rule = (strcmp(s, "month_end") == 0) ? 'e' : (strcmp(s, "month_start") == 0) ? 's'
		: (strcmp(s, "from_components") == 0) ? 'c' : 'x';
	v->expiry_editable = get_bool(t, d, ITEM_EXPIRY_EDITABLE);
	v->warn_days = get_int4(t, d, ITEM_WARN_DAYS, -1);
	v->block_days = get_int4(t, d, ITEM_BLOCK_DAYS, 0);
	v->single_supplier = get_bool(t, d, ITEM_SINGLE_SUPPLIER);
	v->serial_validity_days = get_int4(t, d, ITEM_SERIAL_VALIDITY_DAYS, -1);
	v->item_class = cache_str(t, d, ITEM_CLASS);
	v->category = cache_str(t, d, ITEM_CATEGORY);
	v->item_type = cache_str(t, d, ITEM_TYPE);
	v->gs1_codes = get_bool(t, d, ITEM_GS1_CODES);
	v->claims_seen = get_bool(t, d, ITEM_CLAIMS_SEEN);
	read_required(v, t, d);
	v->refuse_receipt_mismatch = get_bool(t, d, ITEM_REFUSE_RECEIPT_MISMATCH);
	if (OidIsValid(table_oids[T_SHELF_LIFE_RULE]))
		read_shelf(v, t, d, ITEM_SHELF_DAYS);
}

/* Enter an item read (or known absent) into the cache. */
static LtItem *
enter_item(StrKey key, LtItem *v)
{
	bool		found;
	ItemEnt    *e = hash_search(items, &key, HASH_ENTER, &found);

	e->v = *v;
	e->v.item = (char *) e->key.p;
	return &e->v;
}

/*
 * Every item at once (1.2 schemas), the first time one is looked for after
 * the caches were (re)made, when lottrace.item has at most LT_ITEMS_ALL
 * rows: one query instead of one per item, which a session's first big
 * statement paid for each item it met (about 130,000 instructions each).
 * items_complete then says a miss is an item lottrace.item does not have.
 * Bigger item masters are read item by item, as they are met.
 */
#define LT_ITEMS_ALL 10000

static LtPlan items_all_plan = {
	ITEM12_COLUMNS ", i.item FROM lottrace.item i",
	0, {InvalidOid}
};
#define ITEM_ALL_KEY (ITEM_SHELF_DAYS + 3)

static void
items_load_all(void)
{
	SPITupleTable *tt;
	uint64		n;
	LtItem	   *vs;
	char	  **lct,
			  **sct;

	items_tried = true;
	if (!OidIsValid(table_oids[T_SHELF_LIFE_RULE]))
		return;
	n = lt_exec(&items_all_plan, NULL, NULL, true, LT_ITEMS_ALL + 1);
	tt = SPI_tuptable;
	if (n > LT_ITEMS_ALL)
	{
		SPI_freetuptable(tt);
		elog(DEBUG1, "lottrace: lottrace.item has more than %d items: each read when first met", LT_ITEMS_ALL);
		return;
	}
	vs = palloc(sizeof(LtItem) * Max(n, 1));
	lct = palloc(sizeof(char *) * Max(n, 1));
	sct = palloc(sizeof(char *) * Max(n, 1));
	for (uint64 r = 0; r < n; r++)
	{
		item_defaults(&vs[r]);
		read_item(&vs[r], tt->vals[r], tt->tupdesc, &lct[r], &sct[r]);
	}
	/* each entered with its code types (lt_code_type may run a query) */
	for (uint64 r = 0; r < n; r++)
	{
		char	   *code = SPI_getvalue(tt->vals[r], tt->tupdesc, ITEM_ALL_KEY);
		StrKey		key = {code, strlen(code)};

		vs[r].lot_ct = lct[r] ? lt_code_type(lct[r]) : NULL;
		vs[r].serial_ct = sct[r] ? lt_code_type(sct[r]) : NULL;
		enter_item(key, &vs[r]);
	}
	SPI_freetuptable(tt);
	items_complete = true;
	elog(DEBUG1, "lottrace: all %llu items read", (unsigned long long) n);
}

LtItem *
lt_item(const char *item, int len)
{
	StrKey		key = {item, len};
	ItemEnt    *e = hash_search(items, &key, HASH_FIND, NULL);
	LtItem		v;
	Datum		arg;

	if (e != NULL)
		return &e->v;
	if (!items_tried)
	{
		items_load_all();
		if ((e = hash_search(items, &key, HASH_FIND, NULL)) != NULL)
			return &e->v;
	}

	/* Query first, enter afterwards: an error leaves no half-made entry. */
	item_defaults(&v);
	if (items_complete)
		return enter_item(key, &v);
	arg = key_text(item, len);
	if (lt_exec(OidIsValid(table_oids[T_SHELF_LIFE_RULE]) ? &item12_plan : &item_plan,
				&arg, NULL, true, 1) == 1)
	{
		char	   *lct,
				   *sct;

		read_item(&v, SPI_tuptable->vals[0], SPI_tuptable->tupdesc, &lct, &sct);
		SPI_freetuptable(SPI_tuptable);
		/* these run queries of their own */
		v.lot_ct = lct ? lt_code_type(lct) : NULL;
		v.serial_ct = sct ? lt_code_type(sct) : NULL;
	}
	return enter_item(key, &v);
}

static LtPlan reason_plan = {
	"SELECT direction, new_lot_only, allow_unavailable, create_serials, production,"
	" requires_doc, requires_account"
	" FROM lottrace.reason WHERE code OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};
/* its result columns */
enum
{
	REASON_DIRECTION = 1, REASON_NEW_LOT_ONLY, REASON_ALLOW_UNAVAILABLE, REASON_CREATE_SERIALS,
	REASON_PRODUCTION, REASON_REQUIRES_DOC, REASON_REQUIRES_ACCOUNT
};

LtReason *
lt_reason(const char *code, int len)
{
	StrKey		key = {code, len};
	ReasonEnt  *e = hash_search(reasons, &key, HASH_FIND, NULL);
	LtReason	v;
	Datum		arg;
	bool		found;

	if (e != NULL)
		return &e->v;

	memset(&v, 0, sizeof(v));
	arg = key_text(code, len);
	if (lt_exec(&reason_plan, &arg, NULL, true, 1) == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *s = lt_getstr(t, d, REASON_DIRECTION);
		char	   *prod = lt_getstr(t, d, REASON_PRODUCTION);

		v.exists = true;
		v.sign = (strcmp(s, "unload") == 0) ? -1 : 1;
		v.new_lot_only = get_bool(t, d, REASON_NEW_LOT_ONLY);
		v.allow_unavailable = get_bool(t, d, REASON_ALLOW_UNAVAILABLE);
		v.create_serials = get_bool(t, d, REASON_CREATE_SERIALS);
		v.production = prod == NULL ? 0 : (strcmp(prod, "input") == 0 ? 'i' : 'o');
		v.requires_doc = get_bool(t, d, REASON_REQUIRES_DOC);
		v.requires_account = get_bool(t, d, REASON_REQUIRES_ACCOUNT);
		SPI_freetuptable(SPI_tuptable);
	}
	e = hash_search(reasons, &key, HASH_ENTER, &found);
	e->v = v;
	e->v.code = (char *) e->key.p;
	return &e->v;
}

static LtPlan code_type_plan = {
	"SELECT kind, format, seq_start, alpha_start"
	" FROM lottrace.code_type WHERE code OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};
/* its result columns */
enum
{
	CT_KIND = 1, CT_FORMAT, CT_SEQ_START, CT_ALPHA_START
};

LtCodeType *
lt_code_type(const char *code)
{
	StrKey		key = {code, (int) strlen(code)};
	CodeTypeEnt *e = hash_search(code_types, &key, HASH_FIND, NULL);
	LtCodeType *ct = NULL;
	Datum		arg;
	bool		found;

	if (e != NULL)
		return e->v;

	arg = key_text(code, key.len);
	if (lt_exec(&code_type_plan, &arg, NULL, true, 1) == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *alpha = lt_getstr(t, d, CT_ALPHA_START);
		char		buf[CF_TEXT_MAX];
		cf_format  *fmt = lt_codefmt_get(SPI_getbinval(t, d, CT_FORMAT, &isnull));

		ct = MemoryContextAllocZero(cfg_cxt, sizeof(LtCodeType));
		ct->is_serial = strcmp(lt_getstr(t, d, CT_KIND), "serial") == 0;
		ct->fmt = MemoryContextAlloc(cfg_cxt, sizeof(cf_format));
		memcpy(ct->fmt, fmt, sizeof(cf_format));
		cf_print(fmt, buf, sizeof(buf));
		ct->fmt_text = MemoryContextStrdup(cfg_cxt, buf);
		ct->seq_start = DatumGetInt64(SPI_getbinval(t, d, CT_SEQ_START, &isnull));
		ct->alpha_start = cf_alpha_value(alpha, strlen(alpha));
		ct->suplot_only = (fmt->nseg == 1 && fmt->seg[0].kind == CF_SUPLOT &&
						   fmt->seg[0].len == 0);
		SPI_freetuptable(SPI_tuptable);
	}
	e = hash_search(code_types, &key, HASH_ENTER, &found);
	e->v = ct;
	if (ct)
		ct->code = (char *) e->key.p;
	return ct;
}

/* A yes/no lookup cached by key: *exists and the boolean column. */
static FlagEnt *
flag_lookup(HTAB *cache, LtPlan *plan, const char *key_s)
{
	StrKey		key = {key_s, (int) strlen(key_s)};
	FlagEnt    *e = hash_search(cache, &key, HASH_FIND, NULL);
	Datum		arg;
	bool		exists;
	bool		flag;
	char		kind;
	bool		found;

	if (e != NULL)
		return e;
	arg = key_text(key_s, key.len);
	exists = lt_exec(plan, &arg, NULL, true, 1) == 1;
	flag = exists && get_bool(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	kind = LT_KIND_INTERNAL;
	if (exists && SPI_tuptable->tupdesc->natts > 1)
	{
		char	   *k = lt_getstr(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

		/* the letters of LT_KIND_*: inventory is 'v', scrap 'x' */
		kind = strcmp(k, "inventory") == 0 ? LT_KIND_INVENTORY
			: strcmp(k, "scrap") == 0 ? LT_KIND_SCRAP : k[0];
	}
	SPI_freetuptable(SPI_tuptable);
	e = hash_search(cache, &key, HASH_ENTER, &found);
	e->exists = exists;
	e->flag = flag;
	e->kind = kind;
	return e;
}

static LtPlan warehouse_plan = {
	"SELECT allow_negative, kind FROM lottrace.warehouse WHERE code OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};

/*
 * The 1.0 schema (the library already updated, ALTER EXTENSION UPDATE not
 * run yet) has no kind column: every warehouse is internal there.
 */
static LtPlan warehouse_plan_10 = {
	"SELECT allow_negative FROM lottrace.warehouse WHERE code OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};

static LtPlan *
warehouse_plan_now(void)
{
	/* asked once per rebuild of the caches (an ALTER EXTENSION UPDATE rebuilds them) */
	if (warehouse_has_kind < 0)
		warehouse_has_kind = get_attnum(table_oids[T_WAREHOUSE], "kind") != InvalidAttrNumber;
	return warehouse_has_kind ? &warehouse_plan : &warehouse_plan_10;
}

/*
 * The 1.2 schema: lottrace.lot.claims (reservations and holds).  Asked once
 * per rebuild of the caches, like the warehouse kind.
 */
bool
lt_schema_has_claims(void)
{
	if (lot_has_claims < 0)
		lot_has_claims = get_attnum(lt_relid("lot"), "claims") != InvalidAttrNumber;
	return lot_has_claims;
}

bool
lt_warehouse_allows_negative(const char *wh)
{
	return flag_lookup(warehouses, warehouse_plan_now(), wh)->flag;
}

char
lt_warehouse_kind(const char *wh)
{
	return flag_lookup(warehouses, warehouse_plan_now(), wh)->kind;
}

static LtPlan status_plan = {
	"SELECT available FROM lottrace.lot_status WHERE code OPERATOR(pg_catalog.=) $1",
	1, {TEXTOID}
};

bool
lt_status_lookup(const char *status, bool *available)
{
	FlagEnt    *e = flag_lookup(statuses, &status_plan, status);

	if (available)
		*available = e->flag;
	return e->exists;
}
