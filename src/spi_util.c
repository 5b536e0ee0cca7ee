/*
 * spi_util.c — prepared statements, running as the extension owner, and
 * array builders for batch statements.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "spi_util.h"

/* p->args, "pg_catalog.text[], lottrace.lotcode[]", into nargs and argtypes. */
static void
resolve_args(LtPlan *p)
{
	char	   *list = pstrdup(p->args);
	char	   *save = NULL;
	int			n = 0;

	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		int32		typmod;

		if (n == lengthof(p->argtypes))
			elog(ERROR, "lottrace: too many parameters for: %s", p->sql);
#if PG_VERSION_NUM >= 160000
		(void) parseTypeString(tok, &p->argtypes[n], &typmod, NULL);
#else
		parseTypeString(tok, &p->argtypes[n], &typmod, false);
#endif
		n++;
	}
	p->nargs = n;
	pfree(list);
}

static SPIPlanPtr
prepare_kept(LtPlan *p, SPIPlanPtr *slot, int cursor_options)
{
	if (*slot != NULL && SPI_plan_is_valid(*slot))
		return *slot;
	if (*slot != NULL)
	{
		SPI_freeplan(*slot);
		*slot = NULL;
	}
	if (p->args != NULL)
		resolve_args(p);
	{
		MemoryContext caller = CurrentMemoryContext;
		SPIPlanPtr	plan = SPI_prepare_cursor(p->sql, p->nargs, p->argtypes,
											  cursor_options);

		MemoryContextSwitchTo(caller);	/* see exec_plan() */

		if (plan == NULL)
			elog(ERROR, "lottrace: SPI_prepare failed (%s) for: %s",
				 SPI_result_code_string(SPI_result), p->sql);
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "lottrace: SPI_keepplan failed");
		*slot = plan;
	}
	return *slot;
}

SPIPlanPtr
lt_plan(LtPlan *p)
{
	return prepare_kept(p, &p->plan, 0);
}

static uint64
exec_plan(LtPlan *p, SPIPlanPtr plan, Datum *values, const char *nulls,
		  bool read_only, long count)
{
	MemoryContext caller = CurrentMemoryContext;
	int			rc = SPI_execute_plan(plan, values, nulls, read_only, count);

	/*
	 * SPI leaves the procedure context current, whatever was current before:
	 * go back to the caller's, so that what it allocates next is freed with
	 * its own context and not kept until SPI_finish.
	 */
	MemoryContextSwitchTo(caller);
	if (rc < 0)
		elog(ERROR, "lottrace: SPI_execute_plan failed (%s) for: %s",
			 SPI_result_code_string(rc), p->sql);
	return SPI_processed;
}

uint64
lt_exec(LtPlan *p, Datum *values, const char *nulls, bool read_only, long count)
{
	return exec_plan(p, lt_plan(p), values, nulls, read_only, count);
}

uint64
lt_exec_batch(LtPlan *p, Datum *values, const char *nulls, bool read_only)
{
	return exec_plan(p, prepare_kept(p, &p->plan_generic, CURSOR_OPT_GENERIC_PLAN),
					 values, nulls, read_only, 0);
}

/* --- the extension owner ------------------------------------------------ */

static Oid	ext_owner = InvalidOid;

/* Forget the cached owner (the extension may have been re-created). */
void
lt_extension_owner_reset(void)
{
	ext_owner = InvalidOid;
}

Oid
lt_extension_owner(void)
{
	if (!OidIsValid(ext_owner))
	{
		Oid			extoid = get_extension_oid("lottrace", false);
		Relation	rel;
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tup;

		rel = table_open(ExtensionRelationId, AccessShareLock);
		ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(extoid));
		scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
		tup = systable_getnext(scan);
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "lottrace: extension row not found");
		ext_owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
		systable_endscan(scan);
		table_close(rel, AccessShareLock);
	}
	return ext_owner;
}

/*
 * Run the following SPI work as the extension owner: registers are not
 * writable by ERP roles, yet their movements must update them.  The change
 * is undone by lt_restore_user, and by transaction or subtransaction abort.
 */
void
lt_become_owner(LtUserSave *save)
{
	GetUserIdAndSecContext(&save->userid, &save->sec_context);
	SetUserIdAndSecContext(lt_extension_owner(),
						   save->sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_NOFORCE_RLS);
}

void
lt_restore_user(const LtUserSave *save)
{
	SetUserIdAndSecContext(save->userid, save->sec_context);
}

void
lt_spi_enter_as_owner(LtUserSave *save)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "lottrace: SPI_connect failed");
	lt_become_owner(save);
}

void
lt_spi_leave(const LtUserSave *save)
{
	lt_restore_user(save);
	SPI_finish();
}

HeapTuple
lt_spi_leave_tuple(const LtUserSave *save, HeapTuple result, HeapTuple mine1, HeapTuple mine2)
{
	lt_restore_user(save);
	if (result != NULL && result != mine1 && result != mine2)
		result = SPI_copytuple(result);
	SPI_finish();
	return result;
}

/* --- OIDs of lottrace objects ------------------------------------------- */

static Oid
lt_namespace(void)
{
	static Oid	nsp = InvalidOid;

	/* DROP EXTENSION + CREATE EXTENSION in a session gives a new schema */
	if (!OidIsValid(nsp) ||
		!SearchSysCacheExists1(NAMESPACEOID, ObjectIdGetDatum(nsp)))
		nsp = get_namespace_oid("lottrace", false);
	return nsp;
}

Oid
lt_type_oid(const char *name)
{
	Oid			oid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									  CStringGetDatum(name),
									  ObjectIdGetDatum(lt_namespace()));

	if (!OidIsValid(oid))
		elog(ERROR, "lottrace: type lottrace.%s not found", name);
	return oid;
}

/* *cache, looked up again when the type is gone (extension re-created) */
static Oid
cached_type_oid(Oid *cache, const char *name)
{
	if (!OidIsValid(*cache) || !SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(*cache)))
		*cache = lt_type_oid(name);
	return *cache;
}

Oid
lt_lotcode_oid(void)
{
	static Oid	oid = InvalidOid;

	return cached_type_oid(&oid, "lotcode");
}

Oid
lt_serialcode_oid(void)
{
	static Oid	oid = InvalidOid;

	return cached_type_oid(&oid, "serialcode");
}

Oid
lt_relid(const char *name)
{
	Oid			relid = get_relname_relid(name, lt_namespace());

	if (!OidIsValid(relid))
		elog(ERROR, "lottrace: relation lottrace.%s not found", name);
	return relid;
}

/* --- arrays --------------------------------------------------------------- */

static Datum
make_array(Datum *vals, bool *nulls, int n, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1];

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	dims[0] = n;
	lbs[0] = 1;
	return PointerGetDatum(construct_md_array(vals, nulls, 1, dims, lbs,
											  elemtype, typlen, typbyval, typalign));
}

Datum
lt_array_text(Datum *vals, bool *nulls, int n, Oid elemtype)
{
	return make_array(vals, nulls, n, OidIsValid(elemtype) ? elemtype : TEXTOID);
}

Datum
lt_array_int8(int64 *vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int64GetDatum(vals[i]);
	return make_array(d, NULL, n, INT8OID);
}

Datum
lt_array_int4(int32 *vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int32GetDatum(vals[i]);
	return make_array(d, NULL, n, INT4OID);
}

Datum
lt_array_numeric(Datum *vals, bool *nulls, int n)
{
	return make_array(vals, nulls, n, NUMERICOID);
}

Datum
lt_array_date(Datum *vals, bool *nulls, int n)
{
	return make_array(vals, nulls, n, DATEOID);
}

Datum
lt_array_bool(bool *vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = BoolGetDatum(vals[i]);
	return make_array(d, NULL, n, BOOLOID);
}

/* --- result rows ------------------------------------------------------ */

char *
lt_getstr(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	if (isnull)
		return NULL;
	return TextDatumGetCString(d);
}

int64
lt_getint8(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	bool		n;
	Datum		d = SPI_getbinval(tup, desc, col, &n);

	if (isnull)
		*isnull = n;
	return n ? 0 : DatumGetInt64(d);
}

Datum
lt_getdatum(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	return SPI_getbinval(tup, desc, col, isnull);
}

char *
lt_relname(Oid relid)
{
	char	   *nsp = get_namespace_name(get_rel_namespace(relid));
	char	   *rel = get_rel_name(relid);

	if (rel == NULL)
		return psprintf("relation %u", relid);
	return quote_qualified_identifier(nsp, rel);
}
