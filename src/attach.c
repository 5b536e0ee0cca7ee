/*
 * attach.c — lottrace.attach() / lottrace.detach() and the per-backend cache
 * of each attached table's column mapping.
 *
 *   SELECT lottrace.attach('erp.stock_moves', item => 'item_code', qty => 'qty',
 *                          warehouse => 'wh', lot => 'lot_no', reason => 'reason');
 *
 * attach checks the mapping against the table (missing column: 42703,
 * unusable type: 42804, no primary key or inheritance: 55000), records it in
 * lottrace.attachment, creates the triggers and takes the rows already in
 * the table into the registers (backfill).  detach takes them out again and
 * drops the triggers.  Both require ownership of the table.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"

#include "access/transam.h"
#include "catalog/pg_constraint.h"
#include "commands/trigger.h"
#include "catalog/pg_index.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"
#include "storage/lmgr.h"
#include "utils/regproc.h"

#include "attach.h"
#include "compat.h"
#include "predicate.h"
#include "engine.h"
#include "lottrace.h"
#include "moves.h"
#include "held_rows.h"
#include "show.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(lt_attach);
PG_FUNCTION_INFO_V1(lt_detach);
PG_FUNCTION_INFO_V1(lt_check_column_type);

const char *const lt_col_arg[LC_NCOLS] = {
	"item", "qty", "warehouse", "lot", "serial", "reason", "doc",
	"moved_on", "location", "variant", "account", "batch_key", "expiry",
	"supplier_lot", "to_warehouse", "production_date", "best_before", "attributes"
};

/*
 * Positions of attach()'s arguments: tbl, the column roles LC_ITEM ..
 * LC_SUPPLIER_LOT, backfill, then the arguments added in 1.1, then those
 * of 1.2 (lot master data, reserve_when, generate).
 */
enum
{
	ARG_BACKFILL = LC_TO_WAREHOUSE + 1, ARG_TO_WAREHOUSE, ARG_COUNTS_WHEN, ARG_SIGNED_QTY,
	ARG_SERIAL_SEP, ARG_JUDGE, ARG_UNLOAD_WHEN, ARG_PRODUCTION_DATE, ARG_BEST_BEFORE,
	ARG_ATTRIBUTES, ARG_RESERVE_WHEN, ARG_GENERATE
};

/* The attach() argument of a column role. */
static int
col_arg_pos(int id)
{
	switch (id)
	{
		case LC_TO_WAREHOUSE:
			return ARG_TO_WAREHOUSE;
		case LC_PRODUCTION_DATE:
			return ARG_PRODUCTION_DATE;
		case LC_BEST_BEFORE:
			return ARG_BEST_BEFORE;
		case LC_ATTRIBUTES:
			return ARG_ATTRIBUTES;
		default:
			return id + 1;
	}
}

/* Lookup steps of one attached table at most. */
#define LT_MAX_LOOKUPS 32

/* Everything lottrace.attachment says about an attached table. */
typedef struct LtDef
{
	char	   *names[LC_NCOLS];	/* the row's columns (a lookup's: its key) */
	char	   *counts_when;	/* template (predicate.h) */
	int16		counts_attnums[LT_PRED_MAX_COLS];
	int			ncounts;
	bool		signed_qty;
	char	   *serial_sep;
	bool		judge_commit;
	char	   *unload_when;	/* template (predicate.h), like counts_when */
	int16		unload_attnums[LT_PRED_MAX_COLS];
	int			nunload;
	char	   *reserve_when;	/* template: rows that reserve what they would unload (1.2) */
	int16		reserve_attnums[LT_PRED_MAX_COLS];
	int			nreserve;
	int			nlk;
	int			lk_role[LT_MAX_LOOKUPS];	/* the steps of every lookup, in order */
	Oid			lk_ref[LT_MAX_LOOKUPS];
	char	   *lk_key[LT_MAX_LOOKUPS];
	char	   *lk_value[LT_MAX_LOOKUPS];
	char	   *alt[LC_NCOLS];	/* 'a | b': the column read when the first is NULL */
	bool		no_generate;	/* attach(generate => false) (1.2) */
} LtDef;

/* Roles whose value decides stock: a lookup of one is read FOR SHARE and guarded. */
static bool
role_guarded(int id)
{
	return id == LC_ITEM || id == LC_VARIANT || id == LC_LOT || id == LC_SERIAL ||
		id == LC_WAREHOUSE || id == LC_TO_WAREHOUSE || id == LC_REASON || id == LC_BATCH_KEY;
}

/* Rows between progress reports of a backfill or detach. */
#define LT_PROGRESS_ROWS 100000

/* ------------------------------------------------------------------------
 * The mapping cache
 * ------------------------------------------------------------------------
 */

typedef struct RelInfoEnt
{
	Oid			relid;
	LtRelInfo  *ri;
} RelInfoEnt;

static HTAB *relinfos = NULL;
static MemoryContext relinfo_cxt = NULL;
static Oid	attachment_relid = InvalidOid;

static void
relinfo_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS hs;
	RelInfoEnt *e;

	if (relinfos == NULL)
		return;
	hash_seq_init(&hs, relinfos);
	while ((e = hash_seq_search(&hs)) != NULL)
	{
		if (!OidIsValid(relid) || relid == attachment_relid || e->relid == relid)
			e->ri->valid = false;
	}
}

void
lt_attach_init(void)
{
	CacheRegisterRelcacheCallback(relinfo_callback, (Datum) 0);
}

/* Classify a column's type for its role in the mapping; CK_NONE if unusable. */
static LtColKind
col_kind(LtColId id, Oid typid)
{
	Oid			base = getBaseType(typid);

	switch (id)
	{
		case LC_QTY:
			switch (base)
			{
				case NUMERICOID:
					return CK_NUMERIC;
				case INT2OID:
					return CK_INT2;
				case INT4OID:
					return CK_INT4;
				case INT8OID:
					return CK_INT8;
				case FLOAT4OID:
					return CK_FLOAT4;
				case FLOAT8OID:
					return CK_FLOAT8;
				default:
					return CK_NONE;
			}
		case LC_MOVED_ON:
		case LC_EXPIRY:
		case LC_PRODUCTION_DATE:
		case LC_BEST_BEFORE:
			switch (base)
			{
				case DATEOID:
					return CK_DATE;
				case TIMESTAMPOID:
					return CK_TIMESTAMP;
				case TIMESTAMPTZOID:
					return CK_TIMESTAMPTZ;
				default:
					return CK_NONE;
			}
		case LC_ATTRIBUTES:
			return base == JSONBOID ? CK_JSONB : CK_NONE;
		default:
			break;
	}
	if (base == TEXTOID || base == VARCHAROID ||
		base == lt_lotcode_oid() || base == lt_serialcode_oid())
		return CK_TEXT;
	if (base == BPCHAROID)
		return CK_BPCHAR;
	if (id == LC_LOT || id == LC_SERIAL)
		return CK_NONE;			/* codes must be text-like */
	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case NAMEOID:
		case UUIDOID:
			return CK_OTHER;
		default:
			return CK_NONE;
	}
}

static const char *
col_kind_wanted(LtColId id)
{
	switch (id)
	{
		case LC_QTY:
			return "numeric, integer or floating point";
		case LC_MOVED_ON:
		case LC_EXPIRY:
		case LC_PRODUCTION_DATE:
		case LC_BEST_BEFORE:
			return "date, timestamp or timestamptz";
		case LC_ATTRIBUTES:
			return "jsonb";
		case LC_LOT:
		case LC_SERIAL:
			return "text, varchar, char, lottrace.lotcode or lottrace.serialcode";
		default:
			return "text, varchar, char, integer, numeric, name or uuid";
	}
}

/* The error for a mapped column whose type cannot hold its role. */
static void
report_bad_type(const char *relname, const char *col, LtColId id, Oid typid)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of relation %s has type %s, which cannot hold the %s",
					col, relname, format_type_be(typid), lt_col_arg[id]),
			 errhint("The %s column must be of type %s.", lt_col_arg[id],
					 col_kind_wanted(id))));
}

/* Integer types compare with each other, text-like ones too. */
static bool
keys_comparable(Oid a, Oid b)
{
	a = getBaseType(a);
	b = getBaseType(b);
	if (a == b)
		return true;
	if ((a == INT2OID || a == INT4OID || a == INT8OID) &&
		(b == INT2OID || b == INT4OID || b == INT8OID))
		return true;
	if ((a == TEXTOID || a == VARCHAROID) && (b == TEXTOID || b == VARCHAROID))
		return true;
	return false;
}

/* Has ref a unique index on exactly attnum (no expressions, no predicate)? */
static bool
unique_on(Relation ref, AttrNumber attnum)
{
	List	   *idx = RelationGetIndexList(ref);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, idx)
	{
		HeapTuple	t = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index ix;

		if (!HeapTupleIsValid(t))
			continue;
		ix = (Form_pg_index) GETSTRUCT(t);
		if (ix->indisunique && ix->indnkeyatts == 1 && ix->indkey.values[0] == attnum &&
			heap_attisnull(t, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(t, Anum_pg_index_indexprs, NULL) && ix->indisvalid)
			found = true;
		ReleaseSysCache(t);
		if (found)
			break;
	}
	list_free(idx);
	return found;
}

/*
 * A value read through a foreign key: check it and fill c->lk.  The key
 * column of ref must be unique and comparable with the row's column, the
 * value column of a type the role accepts, and the table's owner able to
 * read both and to lock the rows (FOR SHARE needs UPDATE on some column).
 */
static void
resolve_lookup(LtRelInfo *ri, LtCol *c, int id, Oid refid, const char *key, const char *value,
			   const char *value2)
{
	Relation	ref = table_open(refid, AccessShareLock);
	char	   *refname = lt_relname(refid);
	AttrNumber	ka = get_attnum(refid, key);
	AttrNumber	va = get_attnum(refid, value);
	LtLookup   *lk;
	Oid			out;
	bool		isvarlena;

	if (id == LC_QTY)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the qty column cannot be read through a foreign key"),
				 errhint("The quantity is the movement row's own.")));
	if (ka <= 0 || va <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation %s does not exist", ka <= 0 ? key : value, refname),
				 errdetail("It was given for the %s column, read through %s.", lt_col_arg[id], c->name)));
	if (!keys_comparable(c->typid, get_atttype(refid, ka)) ||
		getBaseType(get_atttype(refid, ka)) >= FirstNormalObjectId)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of relation %s has type %s, and %s.%s has type %s: they cannot be compared",
						c->name, ri->relname, format_type_be(c->typid), refname, key,
						format_type_be(get_atttype(refid, ka))),
				 errhint("A key is an integer or a text column on both sides.")));
	if (!unique_on(ref, ka))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("column \"%s\" of relation %s is not a unique key", key, refname),
				 errhint("The key a lookup reads by must have a unique index (its primary key, say).")));
	/* table privileges, else column privileges */
	if ((pg_class_aclcheck(refid, ri->owner, ACL_SELECT) != ACLCHECK_OK &&
		 (pg_attribute_aclcheck(refid, ka, ri->owner, ACL_SELECT) != ACLCHECK_OK ||
		  pg_attribute_aclcheck(refid, va, ri->owner, ACL_SELECT) != ACLCHECK_OK)) ||
		(pg_class_aclcheck(refid, ri->owner, ACL_UPDATE) != ACLCHECK_OK &&
		 pg_attribute_aclcheck_all(refid, ri->owner, ACL_UPDATE, ACLMASK_ANY) != ACLCHECK_OK))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the owner of %s may not read and lock %s", ri->relname, refname),
				 errdetail("lottrace reads the %s column through %s.%s as the table's owner, and locks the rows it reads (FOR SHARE).",
						   lt_col_arg[id], refname, value),
				 errhint("GRANT SELECT, UPDATE ON %s TO the owner of %s.", refname, ri->relname)));

	lk = MemoryContextAllocZero(ri->cxt, sizeof(LtLookup));
	lk->ref = refid;
	lk->refname = MemoryContextStrdup(ri->cxt, refname);
	lk->key = MemoryContextStrdup(ri->cxt, key);
	lk->value = MemoryContextStrdup(ri->cxt, value);
	lk->keytype = get_atttype(refid, ka);
	lk->valtype = get_atttype(refid, va);
	lk->guarded = role_guarded(id);
	if (value2)
	{
		AttrNumber	v2 = get_attnum(refid, value2);

		if (v2 <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist", value2, refname),
					 errdetail("It was given for the %s column, read through %s.", lt_col_arg[id], c->name)));
		if (getBaseType(get_atttype(refid, v2)) != getBaseType(lk->valtype))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("columns \"%s\" and \"%s\" of relation %s have different types", value,
							value2, refname),
					 errhint("The alternatives of a column argument ('a | b') have one type.")));
		if (pg_class_aclcheck(refid, ri->owner, ACL_SELECT) != ACLCHECK_OK &&
			pg_attribute_aclcheck(refid, v2, ri->owner, ACL_SELECT) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("the owner of %s may not read %s.%s", ri->relname, refname, value2)));
		lk->value2 = MemoryContextStrdup(ri->cxt, value2);
	}
	lk->sql = MemoryContextStrdup(ri->cxt,
								  psprintf("SELECT r.%s, r.%s%s%s FROM %s r WHERE r.%s OPERATOR(pg_catalog.=) ANY ($1)%s",
										   quote_identifier(key), quote_identifier(value),
										   value2 ? ", r." : "", value2 ? quote_identifier(value2) : "",
										   refname,
										   quote_identifier(key), lk->guarded ? " FOR SHARE OF r" : ""));
	getTypeOutputInfo(c->typid, &out, &isvarlena);
	fmgr_info_cxt(out, &lk->keyout, ri->cxt);
	/* a step after the first: read by the previous step's value */
	if (c->lk == NULL)
		c->lk = lk;
	else
	{
		LtLookup   *t = c->lk;

		while (t->next)
			t = t->next;
		t->next = lk;
	}
	ri->has_lookups = true;
	/* the value's type decides how it is read (and how the next step keys) */
	c->typid = lk->valtype;
	table_close(ref, AccessShareLock);
}

/*
 * Resolve column names against a tuple descriptor.  names[i] NULL means
 * unmapped.  Errors name the table and the attach() argument.
 */
static void
resolve_columns(LtRelInfo *ri, TupleDesc desc, const LtDef *def)
{
	char	   *const *names = def->names;

	for (int i = 0; i < LC_NCOLS; i++)
	{
		LtCol	   *c = &ri->col[i];
		int			a;

		memset(c, 0, sizeof(*c));
		if (names[i] == NULL)
			continue;
		c->name = MemoryContextStrdup(ri->cxt, names[i]);
		for (a = 0; a < desc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), names[i]) == 0)
				break;
		}
		if (a == desc->natts)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							names[i], ri->relname),
					 errdetail("It was given as the %s column.", lt_col_arg[i]),
					 errhint("Column names are case-sensitive and given without quotes.")));
		c->attnum = a + 1;
		c->typid = TupleDescAttr(desc, a)->atttypid;
		for (int k = 0; k < def->nlk; k++)
			if (def->lk_role[k] == i)
			{
				bool		last = true;

				for (int j = k + 1; j < def->nlk; j++)
					if (def->lk_role[j] == i)
						last = false;
				resolve_lookup(ri, c, i, def->lk_ref[k], def->lk_key[k], def->lk_value[k],
							   last ? def->alt[i] : NULL);
			}
		if (def->alt[i] && c->lk == NULL)
		{
			/* 'a | b': the row's column b when a is NULL, of a's type */
			int			b;

			for (b = 0; b < desc->natts; b++)
				if (!TupleDescAttr(desc, b)->attisdropped &&
					strcmp(NameStr(TupleDescAttr(desc, b)->attname), def->alt[i]) == 0)
					break;
			if (b == desc->natts)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("column \"%s\" of relation %s does not exist", def->alt[i], ri->relname),
						 errdetail("It was given as the alternative of the %s column.", lt_col_arg[i])));
			if (getBaseType(TupleDescAttr(desc, b)->atttypid) != getBaseType(c->typid))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("columns \"%s\" and \"%s\" of relation %s have different types",
								names[i], def->alt[i], ri->relname),
						 errhint("The alternatives of a column argument ('a | b') have one type.")));
			c->alt_attnum = b + 1;
		}
		c->kind = col_kind(i, c->typid);
		c->is_code = (getBaseType(c->typid) == lt_lotcode_oid() ||
					  getBaseType(c->typid) == lt_serialcode_oid());
		if (c->kind == CK_NONE)
		{
			if (c->lk)
				report_bad_type(c->lk->refname, c->lk->value, i, c->typid);
			report_bad_type(ri->relname, names[i], i, c->typid);
		}
		if (c->kind == CK_OTHER)
		{
			Oid			out;
			bool		isvarlena;

			getTypeOutputInfo(c->typid, &out, &isvarlena);
			fmgr_info_cxt(out, &c->out, ri->cxt);
		}
	}
}

/* The primary key's columns, by name, resolved against desc. */
static void
resolve_pk(LtRelInfo *ri, Relation rel, TupleDesc desc)
{
	Oid			pkoid = RelationGetPrimaryKeyIndex(rel);
	Relation	idx;
	StringInfoData names;

	if (!OidIsValid(pkoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s has no primary key", ri->relname),
				 errdetail("lottrace names the offending row by its primary key in every error."),
				 errhint("Add a primary key to the table, then attach it.")));
	idx = index_open(pkoid, AccessShareLock);
	initStringInfo(&names);
	ri->npk = idx->rd_index->indnkeyatts;
	for (int k = 0; k < ri->npk; k++)
	{
		AttrNumber	relatt = idx->rd_index->indkey.values[k];
		const char *name = NameStr(TupleDescAttr(RelationGetDescr(rel), relatt - 1)->attname);
		int			a;
		Oid			out;
		bool		isvarlena;

		for (a = 0; a < desc->natts; a++)
			if (!TupleDescAttr(desc, a)->attisdropped &&
				strcmp(NameStr(TupleDescAttr(desc, a)->attname), name) == 0)
				break;
		if (a == desc->natts)
			elog(ERROR, "lottrace: primary key column \"%s\" not found", name);
		ri->pk[k] = a + 1;
		getTypeOutputInfo(TupleDescAttr(desc, a)->atttypid, &out, &isvarlena);
		fmgr_info_cxt(out, &ri->pkout[k], ri->cxt);
		appendStringInfo(&names, "%s%s", k ? ", " : "", quote_identifier(name));
	}
	ri->pkcols = MemoryContextStrdup(ri->cxt, names.data);
	index_close(idx, AccessShareLock);
}

static LtPlan attachment_plan = {
	"SELECT item_col, qty_col, warehouse_col, lot_col, serial_col, reason_col, doc_col,"
	"       moved_on_col, location_col, variant_col, account_col, batch_key_col,"
	"       expiry_col, supplier_lot_col, to_warehouse_col,"
	"       production_date_col, best_before_col, attributes_col,"
	"       counts_when, counts_attnums, signed_qty, serial_separator,"
	"       judge OPERATOR(pg_catalog.=) 'commit', lookup_roles, lookup_refs::pg_catalog.oid[],"
	"       lookup_keys, lookup_values, alt_roles, alt_cols,"
	"       unload_when, unload_attnums, reserve_when, reserve_attnums, generates"
	"  FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

/* Its columns after the LC_NCOLS names. */
enum
{
	AT_COUNTS_WHEN = LC_NCOLS + 1, AT_COUNTS_ATTNUMS, AT_SIGNED_QTY, AT_SERIAL_SEP,
	AT_JUDGE_COMMIT, AT_LK_ROLES, AT_LK_REFS, AT_LK_KEYS, AT_LK_VALUES, AT_ALT_ROLES, AT_ALT_COLS,
	AT_UNLOAD_WHEN, AT_UNLOAD_ATTNUMS, AT_RESERVE_WHEN, AT_RESERVE_ATTNUMS, AT_GENERATES
};

static int
role_id(const char *role)
{
	for (int i = 0; i < LC_NCOLS; i++)
		if (strcmp(lt_col_arg[i], role) == 0)
			return i;
	return -1;
}

/* The elements of an array column (NULL: none). */
static void
array_elems(HeapTuple t, TupleDesc d, int col, Oid elemtype, Datum **elems, int *n)
{
	bool		isnull;
	Datum		a = SPI_getbinval(t, d, col, &isnull);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool	   *nulls;

	*n = 0;
	*elems = NULL;
	if (isnull)
		return;
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(DatumGetArrayTypeP(a), elemtype, typlen, typbyval, typalign,
					  elems, &nulls, n);
}

/*
 * The 1.1 schema (library updated, ALTER EXTENSION UPDATE not run yet): no
 * lot master data.
 */
static LtPlan attachment_plan_11 = {
	"SELECT item_col, qty_col, warehouse_col, lot_col, serial_col, reason_col, doc_col,"
	"       moved_on_col, location_col, variant_col, account_col, batch_key_col,"
	"       expiry_col, supplier_lot_col, to_warehouse_col,"
	"       NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,"
	"       counts_when, counts_attnums, signed_qty, serial_separator,"
	"       judge OPERATOR(pg_catalog.=) 'commit', lookup_roles, lookup_refs::pg_catalog.oid[],"
	"       lookup_keys, lookup_values, alt_roles, alt_cols,"
	"       unload_when, unload_attnums, NULL::pg_catalog.text, NULL::pg_catalog.int2[]"
	"  FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

/* The 1.0 schema. */
static LtPlan attachment_plan_10 = {
	"SELECT item_col, qty_col, warehouse_col, lot_col, serial_col, reason_col, doc_col,"
	"       moved_on_col, location_col, variant_col, account_col, batch_key_col,"
	"       expiry_col, supplier_lot_col, NULL::pg_catalog.text,"
	"       NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,"
	"       NULL::pg_catalog.text, NULL::pg_catalog.int2[], false, NULL::pg_catalog.text,"
	"       false, NULL::pg_catalog.text[], NULL::pg_catalog.oid[],"
	"       NULL::pg_catalog.text[], NULL::pg_catalog.text[], NULL::pg_catalog.text[],"
	"       NULL::pg_catalog.text[], NULL::pg_catalog.text, NULL::pg_catalog.int2[],"
	"       NULL::pg_catalog.text, NULL::pg_catalog.int2[]"
	"  FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {OIDOID}
};

static bool
schema_10(void)
{
	return get_attnum(lt_relid("attachment"), "judge") == InvalidAttrNumber;
}

/* The 1.1 schema or older: lottrace.attachment has no master-data columns. */
static bool
schema_11(void)
{
	return get_attnum(lt_relid("attachment"), "attributes_col") == InvalidAttrNumber;
}

/* The mapping from lottrace.attachment; false if not attached. */
static bool
attachment_def(Oid relid, LtDef *def)
{
	Datum		arg = ObjectIdGetDatum(relid);
	bool		found = lt_exec(schema_10() ? &attachment_plan_10
								: schema_11() ? &attachment_plan_11 : &attachment_plan,
								&arg, NULL, true, 1) == 1;

	memset(def, 0, sizeof(*def));
	if (found)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum	   *el;
		int			n;

		for (int i = 0; i < LC_NCOLS; i++)
			def->names[i] = lt_getstr(t, d, i + 1);
		def->counts_when = lt_getstr(t, d, AT_COUNTS_WHEN);
		array_elems(t, d, AT_COUNTS_ATTNUMS, INT2OID, &el, &n);
		def->ncounts = Min(n, LT_PRED_MAX_COLS);
		for (int i = 0; i < def->ncounts; i++)
			def->counts_attnums[i] = DatumGetInt16(el[i]);
		def->signed_qty = DatumGetBool(SPI_getbinval(t, d, AT_SIGNED_QTY, &isnull)) && !isnull;
		def->serial_sep = lt_getstr(t, d, AT_SERIAL_SEP);
		def->judge_commit = DatumGetBool(SPI_getbinval(t, d, AT_JUDGE_COMMIT, &isnull)) && !isnull;
		def->unload_when = lt_getstr(t, d, AT_UNLOAD_WHEN);
		array_elems(t, d, AT_UNLOAD_ATTNUMS, INT2OID, &el, &n);
		def->nunload = Min(n, LT_PRED_MAX_COLS);
		for (int i = 0; i < def->nunload; i++)
			def->unload_attnums[i] = DatumGetInt16(el[i]);
		def->reserve_when = lt_getstr(t, d, AT_RESERVE_WHEN);
		/* the plans of older schemas end before it: they generate */
		if (d->natts >= AT_GENERATES)
			def->no_generate = !DatumGetBool(SPI_getbinval(t, d, AT_GENERATES, &isnull)) && !isnull;
		array_elems(t, d, AT_RESERVE_ATTNUMS, INT2OID, &el, &n);
		def->nreserve = Min(n, LT_PRED_MAX_COLS);
		for (int i = 0; i < def->nreserve; i++)
			def->reserve_attnums[i] = DatumGetInt16(el[i]);
		array_elems(t, d, AT_LK_ROLES, TEXTOID, &el, &n);
		def->nlk = Min(n, LT_MAX_LOOKUPS);
		for (int i = 0; i < def->nlk; i++)
			def->lk_role[i] = role_id(TextDatumGetCString(el[i]));
		array_elems(t, d, AT_LK_REFS, OIDOID, &el, &n);
		for (int i = 0; i < def->nlk && i < n; i++)
			def->lk_ref[i] = DatumGetObjectId(el[i]);
		array_elems(t, d, AT_LK_KEYS, TEXTOID, &el, &n);
		for (int i = 0; i < def->nlk && i < n; i++)
			def->lk_key[i] = TextDatumGetCString(el[i]);
		array_elems(t, d, AT_LK_VALUES, TEXTOID, &el, &n);
		for (int i = 0; i < def->nlk && i < n; i++)
			def->lk_value[i] = TextDatumGetCString(el[i]);
		{
			Datum	   *cols;
			int			nc;

			array_elems(t, d, AT_ALT_ROLES, TEXTOID, &el, &n);
			array_elems(t, d, AT_ALT_COLS, TEXTOID, &cols, &nc);
			for (int i = 0; i < n && i < nc; i++)
			{
				int			id = role_id(TextDatumGetCString(el[i]));

				if (id >= 0)
					def->alt[id] = TextDatumGetCString(cols[i]);
			}
		}
	}
	SPI_freetuptable(SPI_tuptable);
	return found;
}

static Oid
rel_owner(Oid relid)
{
	HeapTuple	t = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(t))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(t))->relowner;
	ReleaseSysCache(t);
	return owner;
}

/*
 * counts_when for rows of rel: the template (whose attribute numbers are
 * those of root, the attached table) with root's column names, parsed
 * against rel, which may be a partition with other attribute numbers.
 */
static Expr *
pred_for(LtRelInfo *ri, Relation rel, const char *tmpl, const int16 *attnums, int n)
{
	Relation	root = (ri->root == RelationGetRelid(rel)) ? rel
		: table_open(ri->root, AccessShareLock);
	char	   *text = lt_pred_text(root, tmpl, attnums, n);
	MemoryContext old;
	Expr	   *e;

	if (root != rel)
		table_close(root, AccessShareLock);
	e = lt_pred_parse(rel, text);
	old = MemoryContextSwitchTo(ri->cxt);
	e = copyObject(e);
	MemoryContextSwitchTo(old);
	return e;
}

static void
resolve_pred(LtRelInfo *ri, Relation rel, const LtDef *def)
{
	ri->pred = pred_for(ri, rel, def->counts_when, def->counts_attnums, def->ncounts);
	/* its columns in rel */
	for (int i = 0; i < def->ncounts; i++)
	{
		const char *name = get_attname(ri->root, def->counts_attnums[i], false);

		ri->pred_atts[ri->npred++] = get_attnum(RelationGetRelid(rel), name);
	}
}

/*
 * Build a mapping for rows shaped like desc (the table's own descriptor for
 * triggers; a query's for backfill), in its own context under parent: a
 * mapping that fails half-way leaves nothing behind, and one that is
 * replaced or used once is freed as a whole.  with_pred: evaluate
 * counts_when on the rows (backfill and detach filter in their query).
 */
static LtRelInfo *
build_relinfo(Relation rel, TupleDesc desc, const LtDef *def, Oid root, bool with_pred,
			  MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "lottrace mapping",
											  ALLOCSET_SMALL_SIZES);
	LtRelInfo  *ri = MemoryContextAllocZero(cxt, sizeof(LtRelInfo));

	ri->cxt = cxt;
	PG_TRY();
	{
		ri->relid = RelationGetRelid(rel);
		ri->root = root;
		ri->owner = (root == ri->relid) ? rel->rd_rel->relowner : rel_owner(root);
		ri->relname = MemoryContextStrdup(cxt, lt_relname(ri->relid));
		resolve_columns(ri, desc, def);
		ri->has_lot_data = ri->col[LC_PRODUCTION_DATE].attnum != 0 ||
			ri->col[LC_BEST_BEFORE].attnum != 0 || ri->col[LC_ATTRIBUTES].attnum != 0;
		resolve_pk(ri, rel, desc);
		ri->signed_qty = def->signed_qty;
		ri->judge_commit = def->judge_commit;
		ri->no_generate = def->no_generate;

		if (def->serial_sep)
		{
			ri->serial_sep = MemoryContextStrdup(cxt, def->serial_sep);
			ri->serial_sep_len = strlen(def->serial_sep);
		}
		if (def->counts_when && with_pred)
			resolve_pred(ri, rel, def);
		if (def->unload_when && with_pred)
			ri->unload_pred = pred_for(ri, rel, def->unload_when, def->unload_attnums,
									   def->nunload);
		if (def->reserve_when && with_pred)
		{
			ri->reserve_pred = pred_for(ri, rel, def->reserve_when, def->reserve_attnums,
										def->nreserve);
			/* an UPDATE of its columns alone starts or ends a reservation */
			for (int i = 0; i < def->nreserve && ri->npred < lengthof(ri->pred_atts); i++)
				ri->pred_atts[ri->npred++] =
					get_attnum(RelationGetRelid(rel),
							   get_attname(ri->root, def->reserve_attnums[i], false));
		}
	}
	PG_CATCH();
	{
		MemoryContextDelete(cxt);
		PG_RE_THROW();
	}
	PG_END_TRY();
	ri->valid = true;
	return ri;
}

static void
relinfo_cache_init(void)
{
	HASHCTL		ctl;

	if (relinfos != NULL)
		return;
	relinfo_cxt = AllocSetContextCreate(CacheMemoryContext, "lottrace mappings",
										ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelInfoEnt);
	ctl.hcxt = relinfo_cxt;
	relinfos = hash_create("lottrace mappings", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

LtRelInfo *
lt_relinfo(Oid relid)
{
	RelInfoEnt *e;
	bool		found;
	LtDef		def;
	Relation	rel;
	Oid			root;

	relinfo_cache_init();
	e = hash_search(relinfos, &relid, HASH_FIND, NULL);
	if (e != NULL && e->ri->valid)
		return e->ri;

	attachment_relid = lt_relid("attachment");
	root = relid;
	if (!attachment_def(relid, &def))
	{
		/* a partition of an attached table: the root's mapping, by name */
		ListCell   *lc;
		bool		found_root = false;

		if (get_rel_relispartition(relid))
			foreach(lc, get_partition_ancestors(relid))
			{
				if (attachment_def(lfirst_oid(lc), &def))
				{
					found_root = true;
					root = lfirst_oid(lc);
					break;
				}
			}
		if (!found_root)
			ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s is not attached to lottrace", lt_relname(relid)),
					 errhint("Its lottrace triggers are left over: drop them, or call lottrace.attach().")));
	}
	rel = table_open(relid, NoLock);
	PG_TRY();
	{
		LtRelInfo  *ri = build_relinfo(rel, RelationGetDescr(rel), &def, root, true, relinfo_cxt);

		e = hash_search(relinfos, &relid, HASH_ENTER, &found);

		/*
		 * The stale mapping may still be in use by a statement of this
		 * transaction (one that began before the invalidation): it goes
		 * with the transaction.
		 */
		if (found && e->ri != NULL)
			MemoryContextSetParent(e->ri->cxt, TopTransactionContext);
		e->ri = ri;
	}
	PG_FINALLY();
	{
		table_close(rel, NoLock);
	}
	PG_END_TRY();
	return e->ri;
}

/* ------------------------------------------------------------------------
 * Running the engine over every row of a table (backfill / detach)
 * ------------------------------------------------------------------------
 */

static void
run_over_table(Oid relid, const LtDef *def, LtMode mode)
{
	char	   *sql;
	Portal		portal;
	Relation	rel;
	LtRelInfo  *ri = NULL;
	Tuplestorestate *ts = NULL;
	TupleDesc	desc = NULL;
	int64		rowno = 0;
	int64		next_report = LT_PROGRESS_ROWS;
	const char *what = (mode == LT_REMOVE) ? "detach" : "backfill";
	Oid			user;
	int			sec;

	rel = table_open(relid, NoLock);
	/*
	 * the table's own rows: ONLY, except for a partitioned table's
	 * partitions; those for which counts_when holds
	 */
	sql = psprintf("SELECT * FROM %s%s t%s%s",
				   rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE ? "" : "ONLY ",
				   lt_relname(relid),
				   def->counts_when ? " WHERE " : "",
				   def->counts_when ? lt_pred_text(rel, def->counts_when, def->counts_attnums,
												   def->ncounts) : "");
	/* read as the table's owner (counts_when runs with its rights) */
	GetUserIdAndSecContext(&user, &sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner, sec | SECURITY_LOCAL_USERID_CHANGE);
	portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, true, 0);
	SetUserIdAndSecContext(user, sec);
	for (;;)
	{
		SPITupleTable *tt;
		uint64		nfetched;

		SetUserIdAndSecContext(rel->rd_rel->relowner, sec | SECURITY_LOCAL_USERID_CHANGE);
		SPI_cursor_fetch(portal, true, 10000);
		SetUserIdAndSecContext(user, sec);
		/* read both now: the engine's own SPI queries overwrite them */
		tt = SPI_tuptable;
		nfetched = SPI_processed;
		if (ts == NULL)
		{
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

			desc = CreateTupleDescCopy(tt->tupdesc);
			ts = tuplestore_begin_heap(false, false, work_mem);
			MemoryContextSwitchTo(old);
			relinfo_cache_init();
			ri = build_relinfo(rel, desc, def, relid, false, TopTransactionContext);
		}
		if (nfetched == 0)
			break;
		for (uint64 i = 0; i < nfetched; i++)
			tuplestore_puttuple(ts, tt->vals[i]);
		rowno += nfetched;
		SPI_freetuptable(tt);
		if (rowno >= next_report)
		{
			ereport(NOTICE,
					(errmsg("lottrace %s of %s: %lld rows read",
							what, lt_relname(relid), (long long) rowno)));
			next_report += LT_PROGRESS_ROWS;
		}
	}
	SPI_cursor_close(portal);
	/* the rows, read in one snapshot, go through the engine as one statement */
	if (mode == LT_REMOVE)
		lt_engine_run(ri, mode, NULL, ts, desc, 0);
	else
		lt_engine_run(ri, mode, ts, NULL, desc, 0);
	if (rowno >= LT_PROGRESS_ROWS)
		ereport(NOTICE,
				(errmsg("lottrace %s of %s: done, %lld rows",
						what, lt_relname(relid), (long long) rowno)));
	tuplestore_end(ts);
	table_close(rel, NoLock);
}

/* ------------------------------------------------------------------------
 * attach / detach
 * ------------------------------------------------------------------------
 */

static void
check_owner(Oid relid)
{
	if (!lt_relation_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", lt_relname(relid)),
				 errhint("lottrace.attach() and lottrace.detach() are run by the owner of the ERP table.")));
}


static LtPlan attachment_insert_plan = {
	"INSERT INTO lottrace.attachment (relid, item_col, qty_col, warehouse_col, lot_col,"
	"       serial_col, reason_col, doc_col, moved_on_col, location_col, variant_col,"
	"       account_col, batch_key_col, expiry_col, supplier_lot_col, to_warehouse_col,"
	"       attached_by, counts_when, counts_attnums, signed_qty, serial_separator, judge,"
	"       lookup_roles, lookup_refs, lookup_keys, lookup_values, alt_roles, alt_cols, unload_when,"
	"       unload_attnums, counts_cols, unload_cols, production_date_col, best_before_col,"
	"       attributes_col, reserve_when, reserve_attnums, reserve_cols, generates)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
	"         $17, $18, $19, $20, $21, $22, $23, $24::pg_catalog.regclass[], $25, $26, $27, $28,"
	"         $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39)",
	.args = "pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int2[],"
	" pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.text[], pg_catalog.oid[],"
	" pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], pg_catalog.text,"
	" pg_catalog.int2[], pg_catalog.text[], pg_catalog.text[], pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.int2[], pg_catalog.text[], pg_catalog.bool"
};

/* The 1.1 schema: no master-data columns (nor can attach() be given any). */
static LtPlan attachment_insert_plan_11 = {
	"INSERT INTO lottrace.attachment (relid, item_col, qty_col, warehouse_col, lot_col,"
	"       serial_col, reason_col, doc_col, moved_on_col, location_col, variant_col,"
	"       account_col, batch_key_col, expiry_col, supplier_lot_col, to_warehouse_col,"
	"       attached_by, counts_when, counts_attnums, signed_qty, serial_separator, judge,"
	"       lookup_roles, lookup_refs, lookup_keys, lookup_values, alt_roles, alt_cols, unload_when,"
	"       unload_attnums, counts_cols, unload_cols)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
	"         $17, $18, $19, $20, $21, $22, $23, $24::pg_catalog.regclass[], $25, $26, $27, $28,"
	"         $29, $30, $31, $32)",
	.args = "pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,"
	" pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.int2[],"
	" pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.text[], pg_catalog.oid[],"
	" pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], pg_catalog.text[], pg_catalog.text,"
	" pg_catalog.int2[], pg_catalog.text[], pg_catalog.text[]"
};

/*
 * A column argument read through a foreign key:
 *     'lot_id -> stock_lot.name'           the key of lot_id's foreign key
 *     'lot_id -> erp.stock_lot(id).name'   an explicit key column
 *     'line_id -> m_inoutline.m_inout_id -> m_inout.c_bpartner_id'
 *                                          two steps: each value is the key of the next
 * A table name is resolved as regclass input is (quoting), an unqualified
 * one in the attached table's schema first, then on the search_path;
 * without a key column, the single-column foreign key of the column before
 * it to that table gives it, else the table's single-column primary key.
 * Each step is one entry of def->lk_* (in order, with the same role).
 * Returns false when arg names a plain column.
 */
static bool
parse_lookup(Oid relid, int id, char *arg, LtDef *def)
{
	char	   *arrow = strstr(arg, "->");
	char	   *col;
	Oid			from_rel = relid;
	char	   *from_col;
	int			steps = 0;

	if (arrow == NULL)
		return false;
	col = pnstrdup(arg, arrow - arg);
	while (*col == ' ')
		col++;
	for (char *e = col + strlen(col); e > col && e[-1] == ' '; e--)
		e[-1] = '\0';
	from_col = col;
	while (arrow != NULL)
	{
		char	   *next = strstr(arrow + 2, "->");
		char	   *rest = next ? pnstrdup(arrow + 2, next - (arrow + 2)) : pstrdup(arrow + 2);
		char	   *dot;
		char	   *key = NULL;
		char	   *paren;
		Oid			ref;
		int			k = def->nlk;

		while (*rest == ' ')
			rest++;
		for (char *e = rest + strlen(rest); e > rest && e[-1] == ' '; e--)
			e[-1] = '\0';
		dot = strrchr(rest, '.');
		if (*col == '\0' || dot == NULL || dot[1] == '\0' || dot == rest)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s column \"%s\" is not a column name nor a lookup", lt_col_arg[id], arg),
					 errhint("A lookup is written 'column -> table.value_column' or 'column -> table(key_column).value_column', with more '-> table.column' steps after it.")));
		if (++steps > LT_LOOKUP_STEPS || k >= LT_MAX_LOOKUPS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the %s column \"%s\" reads through too many tables", lt_col_arg[id], arg),
					 errdetail("A lookup has at most %d steps, and a table at most %d in all.",
							   LT_LOOKUP_STEPS, LT_MAX_LOOKUPS)));
		*dot = '\0';
		def->lk_value[k] = pstrdup(dot + 1);
		if ((paren = strchr(rest, '(')) != NULL && rest[strlen(rest) - 1] == ')')
		{
			rest[strlen(rest) - 1] = '\0';
			key = pstrdup(paren + 1);
			*paren = '\0';
		}
		{
			/*
			 * An unqualified name is looked for in the attached table's
			 * schema first (where an ERP keeps its tables), then on the
			 * search_path.
			 */
			List	   *qn = lt_qualified_name_list(rest);

			ref = InvalidOid;
			if (list_length(qn) == 1)
				ref = get_relname_relid(strVal(linitial(qn)), get_rel_namespace(relid));
			if (!OidIsValid(ref))
				ref = RangeVarGetRelid(makeRangeVarFromNameList(qn), AccessShareLock, false);
			else
				LockRelationOid(ref, AccessShareLock);
		}
		if (key == NULL)
		{
			/* the foreign key from the previous column to ref, else ref's primary key */
			AttrNumber	att = get_attnum(from_rel, from_col);
			Relation	self = RelationIdGetRelation(from_rel);
			ListCell   *lc;

			foreach(lc, RelationGetFKeyList(self))
			{
				ForeignKeyCacheInfo *fk = lfirst(lc);

				if (fk->confrelid == ref && fk->nkeys == 1 && fk->conkey[0] == att)
					key = get_attname(ref, fk->confkey[0], false);
			}
			RelationClose(self);
			if (key == NULL)
			{
				Relation	r = table_open(ref, AccessShareLock);
				Oid			pk = RelationGetPrimaryKeyIndex(r);

				if (OidIsValid(pk))
				{
					Relation	idx = index_open(pk, AccessShareLock);

					if (idx->rd_index->indnkeyatts == 1)
						key = get_attname(ref, idx->rd_index->indkey.values[0], false);
					index_close(idx, AccessShareLock);
				}
				table_close(r, AccessShareLock);
			}
			if (key == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_FOREIGN_KEY),
						 errmsg("no key to read %s by for the %s column", lt_relname(ref), lt_col_arg[id]),
						 errhint("Name the key column: '%s -> %s(key_column).%s'.", from_col, rest,
								 def->lk_value[k])));
		}
		def->lk_role[k] = id;
		def->lk_ref[k] = ref;
		def->lk_key[k] = key;
		def->nlk++;
		from_rel = ref;
		from_col = def->lk_value[k];
		arrow = next;
	}
	def->names[id] = col;
	return true;
}

static Datum
text_array(char **v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * One of attach()'s predicates as the attachment row stores it: its
 * template at args[tmpl], its attribute numbers at args[atts] and the
 * columns' names at args[names] (all NULL without a predicate).
 */
static void
pred_args(Datum *args, char *nulls, int tmpl, int atts, int names, const char *text,
		  const int16 *attnums, int n, Oid relid)
{
	Datum		a[LT_PRED_MAX_COLS];
	char	   *cnames[LT_PRED_MAX_COLS];
	char		null = text ? ' ' : 'n';

	for (int i = 0; i < n; i++)
	{
		a[i] = Int16GetDatum(attnums[i]);
		cnames[i] = get_attname(relid, attnums[i], false);
	}
	args[tmpl] = text ? CStringGetTextDatum(text) : (Datum) 0;
	args[atts] = PointerGetDatum(construct_array(a, n, INT2OID, 2, true, TYPALIGN_SHORT));
	args[names] = text_array(cnames, n);
	nulls[tmpl] = nulls[atts] = nulls[names] = null;
}

static LtPlan attachment_insert_plan_10 = {
	"INSERT INTO lottrace.attachment (relid, item_col, qty_col, warehouse_col, lot_col,"
	"       serial_col, reason_col, doc_col, moved_on_col, location_col, variant_col,"
	"       account_col, batch_key_col, expiry_col, supplier_lot_col, attached_by)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
	16, {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID}
};

static LtPlan attachment_delete_plan = {
	"DELETE FROM lottrace.attachment WHERE relid OPERATOR(pg_catalog.=) $1",
	1, {REGCLASSOID}
};

/*
 * lottrace.attach(tbl regclass, item text, qty text, warehouse text,
 *                 lot text DEFAULT NULL, ..., backfill boolean DEFAULT true)
 */
Datum
lt_attach(PG_FUNCTION_ARGS)
{
	Oid			relid;
	LtDef		def;
	char	  **names = def.names;
	bool		backfill;
	Relation	rel;
	char	   *qname;
	char		relkind;
	LtUserSave	save;
	char	   *user = GetUserNameFromId(GetUserId(), false);
	char	   *counts_when = NULL;
	char	   *unload_when = NULL;
	char	   *reserve_when = NULL;
	char	   *judge;
	bool		generate;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table to attach must not be null")));
	relid = PG_GETARG_OID(0);
	memset(&def, 0, sizeof(def));
	for (int i = 0; i < LC_NCOLS; i++)
	{
		int			arg = col_arg_pos(i);

		names[i] = (arg >= PG_NARGS() || PG_ARGISNULL(arg)) ? NULL
			: text_to_cstring(PG_GETARG_TEXT_PP(arg));
	}
	backfill = PG_ARGISNULL(ARG_BACKFILL) ? true : PG_GETARG_BOOL(ARG_BACKFILL);
	for (int i = 0; i <= LC_WAREHOUSE; i++)
		if (names[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the %s column must be given", lt_col_arg[i])));
	/* the 1.0 attach() (ALTER EXTENSION UPDATE not run yet) has 16 arguments */
	if (PG_NARGS() > ARG_JUDGE && !PG_ARGISNULL(ARG_COUNTS_WHEN))
		counts_when = text_to_cstring(PG_GETARG_TEXT_PP(ARG_COUNTS_WHEN));
	def.signed_qty = PG_NARGS() > ARG_JUDGE && !PG_ARGISNULL(ARG_SIGNED_QTY) &&
		PG_GETARG_BOOL(ARG_SIGNED_QTY);
	if (PG_NARGS() > ARG_JUDGE && !PG_ARGISNULL(ARG_SERIAL_SEP))
	{
		def.serial_sep = text_to_cstring(PG_GETARG_TEXT_PP(ARG_SERIAL_SEP));
		if (def.serial_sep[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("serial_separator must not be empty")));
	}
	judge = (PG_NARGS() <= ARG_JUDGE || PG_ARGISNULL(ARG_JUDGE)) ? "statement"
		: text_to_cstring(PG_GETARG_TEXT_PP(ARG_JUDGE));
	if (strcmp(judge, "statement") != 0 && strcmp(judge, "commit") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("judge must be 'statement' or 'commit', not \"%s\"", judge)));
	def.judge_commit = (strcmp(judge, "commit") == 0);
	if (PG_NARGS() > ARG_UNLOAD_WHEN && !PG_ARGISNULL(ARG_UNLOAD_WHEN))
		unload_when = text_to_cstring(PG_GETARG_TEXT_PP(ARG_UNLOAD_WHEN));
	if (unload_when && counts_when == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unload_when needs counts_when"),
				 errdetail("It says which rows that stop counting leave as unloads.")));
	if (PG_NARGS() > ARG_RESERVE_WHEN && !PG_ARGISNULL(ARG_RESERVE_WHEN))
		reserve_when = text_to_cstring(PG_GETARG_TEXT_PP(ARG_RESERVE_WHEN));
	/* no code generation: no BEFORE ROW trigger, so COPY keeps multi-insert */
	generate = PG_NARGS() <= ARG_GENERATE || PG_ARGISNULL(ARG_GENERATE) ||
		PG_GETARG_BOOL(ARG_GENERATE);
	def.no_generate = !generate;
	if (reserve_when && counts_when == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reserve_when needs counts_when"),
				 errdetail("It says which rows that do not count as stock yet reserve what they will unload.")));
	if (reserve_when && names[LC_DOC] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reserve_when needs a doc column"),
				 errdetail("A reserving row reserves for its document: the unloads of other documents may not take that stock.")));
	if (names[LC_TO_WAREHOUSE] && names[LC_LOCATION])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location cannot be mapped together with to_warehouse"),
				 errdetail("With a source and a destination, lottrace.movements shows the other side as the location.")));
	if (def.serial_sep && names[LC_SERIAL] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("serial_separator needs a serial column")));

	check_owner(relid);
	/* the lock CREATE TRIGGER takes: writers wait until we commit */
	rel = table_open(relid, ShareRowExclusiveLock);
	qname = lt_relname(relid);
	relkind = rel->rd_rel->relkind;
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a table", qname),
				 errhint("Attach the table that holds one row per lot or serial movement.")));
	if (rel->rd_rel->relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a partition", qname),
				 errhint("Attach the partitioned table itself.")));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is a temporary table", qname),
				 errhint("The registers outlive the session: attach a permanent table.")));

	/*
	 * Inheritance (not partitioning): statements on a parent reach its
	 * children's rows without their statement triggers, so a child's rows
	 * would pass ungoverned, and a parent's statements would move ours.
	 * (A partitioned table has only partitions, which are governed.)
	 */
	if (relkind == RELKIND_RELATION && find_inheritance_children(relid, NoLock) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s has inheritance children", qname),
				 errdetail("Statements on the table reach its children's rows, which lottrace's triggers would not govern."),
				 errhint("Remove the inheritance (ALTER TABLE ... NO INHERIT), or partition the table: partitions are governed.")));
	if (has_superclass(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s inherits from another table", qname),
				 errdetail("Statements on its parent would move its rows past lottrace's triggers."),
				 errhint("Remove the inheritance (ALTER TABLE ... NO INHERIT), then attach it.")));

	/*
	 * alternatives ('a | b': b when a is NULL), then lookups ('col ->
	 * table.value'), resolved as the caller
	 */
	for (int i = 0; i < LC_NCOLS; i++)
	{
		char	   *bar;

		if (names[i] == NULL || (bar = strchr(names[i], '|')) == NULL)
			continue;
		if (i == LC_QTY)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("the qty column cannot have an alternative")));
		def.alt[i] = pstrdup(bar + 1);
		*bar = '\0';
		while (*def.alt[i] == ' ')
			def.alt[i]++;
		for (char *e = def.alt[i] + strlen(def.alt[i]); e > def.alt[i] && e[-1] == ' '; e--)
			e[-1] = '\0';
		for (char *e = names[i] + strlen(names[i]); e > names[i] && e[-1] == ' '; e--)
			e[-1] = '\0';
		if (*def.alt[i] == '\0' || strchr(def.alt[i], '|') || strstr(def.alt[i], "->"))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s column \"%s|%s\" is not of the form 'a | b'", lt_col_arg[i],
							names[i], def.alt[i]),
					 errhint("An alternative is one column: of the table, or of the table a lookup reads ('k -> t.v1 | v2').")));
	}
	for (int i = 0; i < LC_NCOLS; i++)
		if (names[i])
			(void) parse_lookup(relid, i, names[i], &def);
	/* counts_when, checked for the table's owner */
	if (counts_when)
		def.counts_when = lt_pred_compile(rel, counts_when, rel->rd_rel->relowner,
										  def.counts_attnums, &def.ncounts);
	if (unload_when)
		def.unload_when = lt_pred_compile_as(rel, unload_when, rel->rd_rel->relowner,
											 def.unload_attnums, &def.nunload, "unload_when");
	if (reserve_when)
		def.reserve_when = lt_pred_compile_as(rel, reserve_when, rel->rd_rel->relowner,
											  def.reserve_attnums, &def.nreserve, "reserve_when");

	lt_spi_enter_as_owner(&save);
	{
		LtDef		old;

		if (attachment_def(relid, &old))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("relation %s is already attached to lottrace", qname),
					 errhint("Call lottrace.detach() first to change the mapping.")));
	}
	/* validate the mapping now, with clear errors */
	relinfo_cache_init();
	MemoryContextDelete(build_relinfo(rel, RelationGetDescr(rel), &def, relid, true,
									  CurrentMemoryContext)->cxt);

	{
		Datum		args[39];
		char		nulls[39];
		char	   *aroles[LC_NCOLS];
		char	   *acols[LC_NCOLS];
		int			nalt = 0;
		char	   *roles[LT_MAX_LOOKUPS];
		Datum		refs[LT_MAX_LOOKUPS];

		memset(nulls, ' ', sizeof(nulls));
		args[0] = ObjectIdGetDatum(relid);
		for (int i = 0; i <= LC_TO_WAREHOUSE; i++)
		{
			args[i + 1] = names[i] ? CStringGetTextDatum(names[i]) : (Datum) 0;
			nulls[i + 1] = names[i] ? ' ' : 'n';
		}
		/* the master-data columns (1.2) come last */
		for (int i = LC_PRODUCTION_DATE; i <= LC_ATTRIBUTES; i++)
		{
			int			k = 32 + (i - LC_PRODUCTION_DATE);

			args[k] = names[i] ? CStringGetTextDatum(names[i]) : (Datum) 0;
			nulls[k] = names[i] ? ' ' : 'n';
		}
		args[16] = CStringGetTextDatum(user);
		args[19] = BoolGetDatum(def.signed_qty);
		args[20] = def.serial_sep ? CStringGetTextDatum(def.serial_sep) : (Datum) 0;
		nulls[20] = def.serial_sep ? ' ' : 'n';
		args[21] = CStringGetTextDatum(judge);
		for (int k = 0; k < def.nlk; k++)
		{
			roles[k] = (char *) lt_col_arg[def.lk_role[k]];
			refs[k] = ObjectIdGetDatum(def.lk_ref[k]);
		}
		args[22] = text_array(roles, def.nlk);
		args[23] = PointerGetDatum(construct_array(refs, def.nlk, OIDOID, 4, true, TYPALIGN_INT));
		args[24] = text_array(def.lk_key, def.nlk);
		args[25] = text_array(def.lk_value, def.nlk);
		for (int i = 22; i < 26; i++)
			nulls[i] = def.nlk ? ' ' : 'n';
		for (int i = 0; i < LC_NCOLS; i++)
			if (def.alt[i])
			{
				aroles[nalt] = (char *) lt_col_arg[i];
				acols[nalt++] = def.alt[i];
			}
		args[26] = text_array(aroles, nalt);
		args[27] = text_array(acols, nalt);
		nulls[26] = nulls[27] = nalt ? ' ' : 'n';
		/* the predicates: template, columns by number and by name (a restore renumbers them) */
		pred_args(args, nulls, 17, 18, 30, def.counts_when, def.counts_attnums, def.ncounts, relid);
		pred_args(args, nulls, 28, 29, 31, def.unload_when, def.unload_attnums, def.nunload, relid);
		pred_args(args, nulls, 35, 36, 37, def.reserve_when, def.reserve_attnums, def.nreserve, relid);
		args[38] = BoolGetDatum(!def.no_generate);
		nulls[38] = ' ';
		if (schema_10())
		{
			/* the 1.0 schema: its columns only (nothing else can be given) */
			args[15] = args[16];
			nulls[15] = ' ';
			SPI_execute_plan(lt_plan(&attachment_insert_plan_10), args, nulls, false, 0);
		}
		else if (schema_11())
			SPI_execute_plan(lt_plan(&attachment_insert_plan_11), args, nulls, false, 0);
		else
			SPI_execute_plan(lt_plan(&attachment_insert_plan), args, nulls, false, 0);
	}
	/* lottrace.attachment's trigger has rebuilt lottrace.movements */
	lt_restore_user(&save);

	/*
	 * the triggers, created by the table's owner (the caller); the mapped
	 * code columns are passed in, so the caller needs no privilege on
	 * lottrace.attachment.  Codes are generated only into the row's own
	 * columns, for an item the row names itself, and not at all with
	 * generate => false: then the table has no BEFORE ROW trigger of
	 * lottrace's, which keeps COPY's multi-insert (CopyFrom falls back to
	 * one row at a time for any BEFORE ROW INSERT trigger, whatever its WHEN
	 * clause), and a row without a code is refused like any other.
	 */
	{
		Oid			argtypes[4] = {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID};
		Datum		args[4];
		char		nulls[4] = {' ', ' ', ' ', ' '};
		bool		own[LC_NCOLS];

		for (int i = 0; i < LC_NCOLS; i++)
			own[i] = names[i] != NULL;
		for (int k = 0; k < def.nlk; k++)
			own[def.lk_role[k]] = false;
		if (!own[LC_ITEM] || !generate)
			own[LC_LOT] = own[LC_SERIAL] = false;
		args[0] = ObjectIdGetDatum(relid);
		args[1] = CStringGetTextDatum(names[LC_ITEM]);
		args[2] = own[LC_LOT] ? CStringGetTextDatum(names[LC_LOT]) : (Datum) 0;
		nulls[2] = own[LC_LOT] ? ' ' : 'n';
		args[3] = own[LC_SERIAL] ? CStringGetTextDatum(names[LC_SERIAL]) : (Datum) 0;
		nulls[3] = own[LC_SERIAL] ? ' ' : 'n';
		if (SPI_execute_with_args("SELECT lottrace._govern($1, ARRAY[$2, $3, $4])",
								  4, argtypes, args, nulls, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not create the triggers");
		/* and on the tables lookups read, the guard against changes */
		for (int k = 0; k < def.nlk; k++)
		{
			Datum		ref = ObjectIdGetDatum(def.lk_ref[k]);
			Oid			t = REGCLASSOID;

			if (role_guarded(def.lk_role[k]) &&
				pg_class_aclcheck(def.lk_ref[k], GetUserId(), ACL_TRIGGER) != ACLCHECK_OK)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied to create lottrace's guard triggers on %s",
								lt_relname(def.lk_ref[k])),
						 errdetail("The %s column is read from it: a change of a value movements read is refused by a trigger there.",
								   lt_col_arg[def.lk_role[k]]),
						 errhint("Attach as a role with the TRIGGER privilege on %s (its owner has it).",
								 lt_relname(def.lk_ref[k]))));
			if (role_guarded(def.lk_role[k]) &&
				SPI_execute_with_args("SELECT lottrace._govern_lookup($1)", 1, &t, &ref,
									  NULL, false, 0) != SPI_OK_SELECT)
				elog(ERROR, "lottrace: could not create the lookup triggers");
		}
	}

	if (backfill)
	{
		lt_become_owner(&save);
		run_over_table(relid, &def, LT_BACKFILL);
		lt_restore_user(&save);
	}
	/* what its reserving rows reserve already (reserve_when) */
	if (backfill && def.reserve_when)
	{
		Oid			t = REGCLASSOID;
		Datum		a = ObjectIdGetDatum(relid);

		lt_become_owner(&save);
		if (SPI_execute_with_args("SELECT lottrace._backfill_row_reservations($1)", 1, &t, &a,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not take in the reserving rows");
		lt_restore_user(&save);
	}
	SPI_finish();
	table_close(rel, NoLock);
	PG_RETURN_VOID();
}

/*
 * lottrace.detach(tbl regclass): the table's rows go through the engine as
 * removals (LT_REMOVE: their stock, serial moves and batch members leave the
 * registers; the lots themselves, with their statuses and notes, stay), its
 * archived partitions are forgotten, its triggers dropped and its
 * lottrace.attachment row deleted.  What a user writes:
 *
 *     SELECT lottrace.detach('erp.stock_moves');
 *     -- and later, with another mapping:
 *     SELECT lottrace.attach('erp.stock_moves', item => 'item_code', ...);
 */
Datum
lt_detach(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Relation	rel;
	LtDef		def;
	char	   *qname;
	LtUserSave	save;

	check_owner(relid);
	rel = table_open(relid, ShareRowExclusiveLock);
	qname = lt_relname(relid);
	lt_spi_enter_as_owner(&save);
	if (!attachment_def(relid, &def))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s is not attached to lottrace", qname)));

	/*
	 * rows of this transaction that wait for the commit-time check are
	 * judged now: their effect must be in before it is taken out
	 */
	lt_held_judge();
	/* take the table's rows out of the registers */
	run_over_table(relid, &def, LT_REMOVE);
	lt_moves_forget(relid);
	lt_held_forget(relid);
	{
		Datum		arg = ObjectIdGetDatum(relid);
		Oid			argtype = REGCLASSOID;

		/* and the archived effect of its former partitions */
		if (SPI_execute_with_args("SELECT lottrace._forget_archives($1)", 1, &argtype, &arg,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not forget the archived partitions");

		SPI_execute_plan(lt_plan(&attachment_delete_plan), &arg, NULL, false, 0);
	}
	lt_restore_user(&save);

	/*
	 * The triggers go last, dropped by the table's owner: with the mapping
	 * gone the table is no longer attached, so the event trigger that
	 * refuses DROP TRIGGER of lottrace's triggers on attached tables
	 * (lottrace._refuse_drop) lets these through.  Nobody but lottrace can
	 * delete the mapping.
	 */
	{
		Oid			argtypes[1] = {REGCLASSOID};
		Datum		arg = ObjectIdGetDatum(relid);

		if (SPI_execute_with_args("SELECT lottrace._ungovern($1)", 1, argtypes, &arg,
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "lottrace: could not drop the triggers");
	}
	/* the guards on tables lookups read, where no other attachment needs them */
	for (int k = 0; k < def.nlk; k++)
	{
		Datum		ref = ObjectIdGetDatum(def.lk_ref[k]);
		Oid			t = OIDOID;
		bool		used;

		lt_become_owner(&save);
		used = SPI_execute_with_args("SELECT FROM lottrace.attachment"
									 " WHERE $1::pg_catalog.regclass OPERATOR(pg_catalog.=) ANY (lookup_refs)",
									 1, &t, &ref, NULL, false, 1) == SPI_OK_SELECT && SPI_processed > 0;
		lt_restore_user(&save);
		if (!used && !lt_relation_ownercheck(def.lk_ref[k], GetUserId()))
			ereport(NOTICE,
					(errmsg("the triggers lottrace_lookup_update and lottrace_lookup_delete stay on %s",
							lt_relname(def.lk_ref[k])),
					 errdetail("No attached table reads it any more: they change nothing."),
					 errhint("Its owner may drop them.")));
		else if (!used)
		{
			char	   *rn = lt_relname(def.lk_ref[k]);

			if (OidIsValid(get_trigger_oid(def.lk_ref[k], "lottrace_lookup_update", true)))
				SPI_execute(psprintf("DROP TRIGGER lottrace_lookup_update ON %s", rn), false, 0);
			if (OidIsValid(get_trigger_oid(def.lk_ref[k], "lottrace_lookup_delete", true)))
				SPI_execute(psprintf("DROP TRIGGER lottrace_lookup_delete ON %s", rn), false, 0);
		}
	}
	SPI_finish();
	table_close(rel, NoLock);
	PG_RETURN_VOID();
}

/*
 * lottrace._check_column_type(tbl regclass, col text, role text)
 *
 * Raises the error attach() raises when the column's current type cannot
 * hold its role (role: an attach() argument name, e.g. 'warehouse').  The
 * event trigger on ALTER TABLE calls it for every mapped column, so a mapped
 * column keeps a type whose conversions nobody but a superuser can define.
 * A column that is gone passes: dropping one is refused elsewhere.  What a
 * user meets:
 *
 *     ALTER TABLE erp.stock_moves ALTER COLUMN qty TYPE text;
 *     ERROR:  42804: column "qty" of relation erp.stock_moves has type text,
 *             which cannot hold the qty
 *     HINT:  The qty column must be of type numeric, integer or floating point.
 */
Datum
lt_check_column_type(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *col = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *role = text_to_cstring(PG_GETARG_TEXT_PP(2));
	int			id;
	AttrNumber	attnum;
	Oid			typid;

	for (id = 0; id < LC_NCOLS; id++)
		if (strcmp(lt_col_arg[id], role) == 0)
			break;
	if (id == LC_NCOLS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a column role of lottrace.attach()", role)));
	attnum = get_attnum(relid, col);
	if (attnum == InvalidAttrNumber)
		PG_RETURN_VOID();
	typid = get_atttype(relid, attnum);
	if (col_kind(id, typid) == CK_NONE)
		report_bad_type(lt_relname(relid), col, id, typid);
	PG_RETURN_VOID();
}

/*
 * lottrace._check_counts_when(tbl regclass): the error attach() raises when
 * the table's counts_when no longer holds against it (the event trigger on
 * ALTER TABLE calls it: a column it reads dropped, or changed to a type
 * under which it means something else or nothing).
 */
static void check_pred_still(Relation rel, const char *tmpl, const int16 *attnums, int n,
							 const char *what);

PG_FUNCTION_INFO_V1(lt_check_counts_when);
Datum
lt_check_counts_when(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	LtDef		def;
	LtUserSave	save;
	Relation	rel;

	lt_spi_enter_as_owner(&save);
	if (!attachment_def(relid, &def) || def.counts_when == NULL)
	{
		lt_spi_leave(&save);
		PG_RETURN_VOID();
	}
	lt_spi_leave(&save);
	rel = table_open(relid, AccessShareLock);
	check_pred_still(rel, def.counts_when, def.counts_attnums, def.ncounts, "counts_when");
	if (def.unload_when)
		check_pred_still(rel, def.unload_when, def.unload_attnums, def.nunload, "unload_when");
	if (def.reserve_when)
		check_pred_still(rel, def.reserve_when, def.reserve_attnums, def.nreserve, "reserve_when");
	table_close(rel, AccessShareLock);
	PG_RETURN_VOID();
}

/* The error of _check_counts_when for one predicate. */
static void
check_pred_still(Relation rel, const char *tmpl, const int16 *attnums, int n, const char *what)
{
	Oid			relid = RelationGetRelid(rel);

	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute a;

		if (attnums[i] > RelationGetDescr(rel)->natts ||
			(a = TupleDescAttr(RelationGetDescr(rel), attnums[i] - 1))->attisdropped)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("a column of %s is read by lottrace's %s", lt_relname(relid), what),
					 errhint("Detach the table (lottrace.detach), change it, and attach it again.")));
	}
	{
		char	   *text = lt_pred_text(rel, tmpl, attnums, n);
		int16		atts[LT_PRED_MAX_COLS];
		int			k;
		char	   *again = NULL;
		MemoryContext cxt = CurrentMemoryContext;

		/* one that no longer compiles, as one that compiles to another form */
		PG_TRY();
		{
			again = lt_pred_compile(rel, text, rel->rd_rel->relowner, atts, &k);
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(cxt);
			FlushErrorState();
			again = NULL;
		}
		PG_END_TRY();
		if (again == NULL || strcmp(again, tmpl) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("the change alters what lottrace's %s of %s means", what, lt_relname(relid)),
					 errdetail("It was written for the columns as they were: %s", text),
					 errhint("Detach the table (lottrace.detach), change it, and attach it again.")));
	}
}


/*
 * lottrace._check_lookup(tbl, role, ref, key, value): the error attach()
 * raises when the lookup can no longer be read (the event trigger on ALTER
 * TABLE of ref calls it).
 */
PG_FUNCTION_INFO_V1(lt_check_lookup);
Datum
lt_check_lookup(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	char	   *role = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Oid			ref = PG_GETARG_OID(2);
	char	   *key = text_to_cstring(PG_GETARG_TEXT_PP(3));
	char	   *value = text_to_cstring(PG_GETARG_TEXT_PP(4));
	LtDef		def;
	LtUserSave	save;
	Relation	rel;
	int			id = role_id(role);

	lt_spi_enter_as_owner(&save);
	if (id < 0 || !attachment_def(relid, &def))
	{
		lt_spi_leave(&save);
		PG_RETURN_VOID();
	}
	lt_spi_leave(&save);
	if (get_attnum(ref, key) <= 0 || get_attnum(ref, value) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("lottrace reads the %s of %s through %s.%s (key %s)",
						role, lt_relname(relid), lt_relname(ref), value, key),
				 errhint("Detach %s (lottrace.detach), change the table, and attach it again.",
						 lt_relname(relid))));
	/*
	 * Only the lookup's own columns: the rest of the mapping, and the keys
	 * and indexes pg_restore adds after the data, are not this command's.
	 */
	{
		AttrNumber	ka = get_attnum(ref, key);
		AttrNumber	va = get_attnum(ref, value);
		Oid			ktype = get_atttype(ref, ka);

		if (getBaseType(ktype) >= FirstNormalObjectId)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("lottrace reads the %s of %s by %s.%s, which must keep a built-in type",
							role, lt_relname(relid), lt_relname(ref), key)));
		if (col_kind(id, get_atttype(ref, va)) == CK_NONE)
			report_bad_type(lt_relname(ref), value, id, get_atttype(ref, va));
	}
	(void) rel;
	PG_RETURN_VOID();
}
