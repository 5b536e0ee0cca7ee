/*
 * predicate.c — attach()'s row predicate (counts_when): check, canonical
 * form and parse (see predicate.h).
 *
 *   SELECT lottrace.attach('public.stock_move_line', ..., counts_when => 'state = ''done''');
 *
 * The predicate is evaluated by the engine for every row of a statement
 * (as the table's owner), by backfill and detach inside their query, and
 * by lottrace.movements, which verify() and rebuild() read as the
 * extension's owner.  So it may contain nothing whose behaviour its author
 * controls: columns of the table, constants of types with PostgreSQL's own
 * input functions, and PostgreSQL's own immutable functions and operators
 * (those created by initdb).  Subqueries, aggregates, user functions,
 * stable or volatile functions, system columns and whole-row references
 * are refused with 42P17 (invalid_object_definition) or 42501.
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "compat.h"
#include "predicate.h"

#define PRED_ALIAS "t"

/* The argument being compiled, for messages: counts_when, unload_when, reserve_when. */
static const char *pred_arg = "counts_when";

static void
pred_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
			 errmsg("%s may not use %s", pred_arg, what),
			 errdetail("The predicate may use the table's columns, constants and PostgreSQL's own immutable functions and operators."),
			 errhint("lottrace evaluates it for every row and in lottrace.movements, with other users' rights.")));
}

/* The expression of "SELECT <expr>", refusing anything but one expression. */
static Node *
raw_expr(const char *expr)
{
	char	   *sql = psprintf("SELECT %s", expr);
	List	   *raws = raw_parser(sql, RAW_PARSE_DEFAULT);
	SelectStmt *sel;
	ResTarget  *rt;

	if (list_length(raws) != 1 ||
		!IsA(((RawStmt *) linitial(raws))->stmt, SelectStmt))
		pred_error("more than one expression");
	sel = (SelectStmt *) ((RawStmt *) linitial(raws))->stmt;
	if (sel->op != SETOP_NONE || sel->fromClause || sel->whereClause ||
		sel->groupClause || sel->havingClause || sel->windowClause ||
		sel->distinctClause || sel->valuesLists || sel->sortClause ||
		sel->limitCount || sel->limitOffset || sel->lockingClause ||
		sel->withClause || sel->intoClause || list_length(sel->targetList) != 1)
		pred_error("clauses of a query");
	rt = linitial(sel->targetList);
	if (rt->name != NULL || rt->indirection != NIL)
		pred_error("a column alias");
	return rt->val;
}

/*
 * Parse and transform against rel (alias t) with search_path pinned to
 * pg_catalog: unqualified names are PostgreSQL's own or the table's.
 */
static Node *
transform(Relation rel, const char *expr)
{
	int			nest = NewGUCNestLevel();
	ParseState *ps;
	ParseNamespaceItem *nsi;
	Node	   *raw;
	Node	   *e;

	(void) set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	raw = raw_expr(expr);
	ps = make_parsestate(NULL);
	ps->p_sourcetext = expr;
	nsi = addRangeTableEntryForRelation(ps, rel, AccessShareLock,
										makeAlias(PRED_ALIAS, NIL), false, true);
	addNSItemToQuery(ps, nsi, false, true, true);
	{
		MemoryContext cxt = CurrentMemoryContext;

		PG_TRY();
		{
			e = transformExpr(ps, raw, EXPR_KIND_WHERE);
		}
		PG_CATCH();
		{
			ErrorData  *err;

			MemoryContextSwitchTo(cxt);
			err = CopyErrorData();
			/* aggregates and window functions: one refusal for all */
			if (err->sqlerrcode != ERRCODE_GROUPING_ERROR &&
				err->sqlerrcode != ERRCODE_WINDOWING_ERROR)
				PG_RE_THROW();
			FlushErrorState();
			pred_error("aggregates or window functions");
		}
		PG_END_TRY();
	}
	e = coerce_to_boolean(ps, e, pred_arg);
	assign_expr_collations(ps, e);
	free_parsestate(ps);
	AtEOXact_GUC(true, nest);
	return e;
}

typedef struct PredCheck
{
	Oid			owner;
	int16	   *attnums;
	int			natts;
} PredCheck;

static bool
builtin(Oid oid)
{
	return oid < FirstNormalObjectId;
}

static void
check_func(Oid fn, Oid owner)
{
	if (!builtin(fn))
		pred_error(psprintf("function %s, which is not PostgreSQL's own", format_procedure(fn)));
	if (func_volatile(fn) != PROVOLATILE_IMMUTABLE)
		pred_error(psprintf("function %s, which is not immutable", format_procedure(fn)));
	if (get_func_retset(fn))
		pred_error("a set-returning function");
	if (lt_proc_aclcheck(fn, owner, ACL_EXECUTE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the table's owner may not execute function %s used in %s",
						format_procedure(fn), pred_arg)));
}

/* A type whose values a constant or cast may hold: PostgreSQL's own I/O. */
static void
check_type(Oid typ)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typ));
	Form_pg_type t;
	bool		ok;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typ);
	t = (Form_pg_type) GETSTRUCT(tup);
	ok = t->typtype != TYPTYPE_DOMAIN && builtin(t->typinput) && builtin(t->typoutput);
	ReleaseSysCache(tup);
	if (!ok)
		pred_error(psprintf("a value of type %s", format_type_be(typ)));
}

static bool
check_fn_walker(Oid fn, void *context)
{
	check_func(fn, ((PredCheck *) context)->owner);
	return false;
}

static bool
check_walker(Node *node, PredCheck *pc)
{
	if (node == NULL)
		return false;
	switch (nodeTag(node))
	{
		case T_Var:
			{
				Var		   *v = (Var *) node;
				int			i;

				if (v->varlevelsup != 0 || v->varattno <= 0)
					pred_error("system columns or whole-row references");
				for (i = 0; i < pc->natts; i++)
					if (pc->attnums[i] == v->varattno)
						break;
				if (i == pc->natts)
				{
					if (pc->natts == LT_PRED_MAX_COLS)
						pred_error("more than 64 columns");
					pc->attnums[pc->natts++] = v->varattno;
				}
				return false;
			}
		case T_Const:
			check_type(((Const *) node)->consttype);
			return false;
		case T_OpExpr:
		case T_ScalarArrayOpExpr:
		case T_FuncExpr:
			if (IsA(node, FuncExpr) && ((FuncExpr *) node)->funcvariadic)
				pred_error("VARIADIC");
			(void) check_functions_in_node(node, check_fn_walker, pc);
			break;
		case T_RelabelType:
			check_type(((RelabelType *) node)->resulttype);
			break;
		case T_CoerceViaIO:
			{
				CoerceViaIO *c = (CoerceViaIO *) node;

				check_type(exprType((Node *) c->arg));
				check_type(c->resulttype);
				(void) check_functions_in_node(node, check_fn_walker, pc);
				break;
			}
		case T_ArrayExpr:
			check_type(((ArrayExpr *) node)->array_typeid);
			break;
		case T_List:			/* the arguments of ArrayExpr, CoalesceExpr ... */
		case T_BoolExpr:
		case T_CoalesceExpr:
			break;
		case T_NullTest:
			if (((NullTest *) node)->argisrow)
				pred_error("row tests");
			break;
		case T_BooleanTest:
			break;
		default:
			pred_error("this kind of expression");
	}
	return expression_tree_walker(node, check_walker, (void *) pc);
}

/* ------------------------------------------------------------------------
 * The canonical form
 * ------------------------------------------------------------------------
 */

typedef struct Deparse
{
	StringInfoData b;
	const int16 *attnums;
	int			natts;
} Deparse;

/* Text into a format() template: % doubled. */
static void
put(Deparse *d, const char *s)
{
	for (; *s; s++)
	{
		if (*s == '%')
			appendStringInfoChar(&d->b, '%');
		appendStringInfoChar(&d->b, *s);
	}
}

static void
put_type(Deparse *d, Oid typ, int32 typmod)
{
	put(d, format_type_extended(typ, typmod,
								FORMAT_TYPE_FORCE_QUALIFY | FORMAT_TYPE_TYPEMOD_GIVEN));
}

static void
put_op(Deparse *d, Oid opno)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opno));
	Form_pg_operator op;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opno);
	op = (Form_pg_operator) GETSTRUCT(tup);
	put(d, psprintf(" OPERATOR(%s.%s) ",
					quote_identifier(get_namespace_name(op->oprnamespace)),
					NameStr(op->oprname)));
	ReleaseSysCache(tup);
}

static void deparse(Deparse *d, Node *n);

static void
deparse_list(Deparse *d, List *l, const char *sep)
{
	ListCell   *lc;

	foreach(lc, l)
	{
		if (lc != list_head(l))
			put(d, sep);
		deparse(d, lfirst(lc));
	}
}

static void
deparse(Deparse *d, Node *n)
{
	switch (nodeTag(n))
	{
		case T_Var:
			{
				Var		   *v = (Var *) n;
				int			i;

				for (i = 0; i < d->natts; i++)
					if (d->attnums[i] == v->varattno)
						break;

				/*
				 * a placeholder (not through put(): its % is format()'s),
				 * cast to the column's own type (without a length: a longer
				 * varchar is the same predicate), which costs nothing: after
				 * the column changes type, the same text no longer compiles
				 * to the same form, so the change is seen
				 */
				appendStringInfo(&d->b, "(%s.%%%d$I::", PRED_ALIAS, i + 1);
				put_type(d, v->vartype, -1);
				put(d, ")");
				break;
			}
		case T_Const:
			{
				Const	   *c = (Const *) n;

				if (c->constisnull)
					put(d, "NULL");
				else
				{
					Oid			out;
					bool		isvarlena;

					getTypeOutputInfo(c->consttype, &out, &isvarlena);
					put(d, quote_literal_cstr(OidOutputFunctionCall(out, c->constvalue)));
				}
				put(d, "::");
				put_type(d, c->consttype, c->consttypmod);
				break;
			}
		case T_OpExpr:
			{
				OpExpr	   *o = (OpExpr *) n;

				put(d, "(");
				if (list_length(o->args) == 2)
					deparse(d, linitial(o->args));
				put_op(d, o->opno);
				deparse(d, llast(o->args));
				put(d, ")");
				break;
			}
		case T_ScalarArrayOpExpr:
			{
				ScalarArrayOpExpr *o = (ScalarArrayOpExpr *) n;

				put(d, "(");
				deparse(d, linitial(o->args));
				put_op(d, o->opno);
				put(d, o->useOr ? "ANY (" : "ALL (");
				deparse(d, lsecond(o->args));
				put(d, "))");
				break;
			}
		case T_FuncExpr:
			{
				FuncExpr   *f = (FuncExpr *) n;

				put(d, psprintf("%s.%s(",
								quote_identifier(get_namespace_name(get_func_namespace(f->funcid))),
								quote_identifier(get_func_name(f->funcid))));
				deparse_list(d, f->args, ", ");
				put(d, ")");
				break;
			}
		case T_RelabelType:
			{
				RelabelType *r = (RelabelType *) n;

				/*
				 * a column's cast to its own type without a length (as the
				 * canonical form writes every column): the column itself
				 */
				if (IsA(r->arg, Var) && r->resulttype == ((Var *) r->arg)->vartype)
				{
					deparse(d, (Node *) r->arg);
					break;
				}
				put(d, "(");
				deparse(d, (Node *) r->arg);
				put(d, ")::");
				put_type(d, r->resulttype, r->resulttypmod);
				break;
			}
		case T_CoerceViaIO:
			{
				CoerceViaIO *c = (CoerceViaIO *) n;

				put(d, "(");
				deparse(d, (Node *) c->arg);
				put(d, ")::");
				put_type(d, c->resulttype, -1);
				break;
			}
		case T_ArrayExpr:
			{
				ArrayExpr  *a = (ArrayExpr *) n;

				put(d, "ARRAY[");
				deparse_list(d, a->elements, ", ");
				put(d, "]::");
				put_type(d, a->array_typeid, -1);
				break;
			}
		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) n;

				put(d, "(");
				if (b->boolop == NOT_EXPR)
				{
					put(d, "NOT ");
					deparse(d, linitial(b->args));
				}
				else
					deparse_list(d, b->args, b->boolop == AND_EXPR ? " AND " : " OR ");
				put(d, ")");
				break;
			}
		case T_CoalesceExpr:
			put(d, "COALESCE(");
			deparse_list(d, ((CoalesceExpr *) n)->args, ", ");
			put(d, ")");
			break;
		case T_NullTest:
			put(d, "(");
			deparse(d, (Node *) ((NullTest *) n)->arg);
			put(d, ((NullTest *) n)->nulltesttype == IS_NULL ? " IS NULL)" : " IS NOT NULL)");
			break;
		case T_BooleanTest:
			{
				static const char *const tests[] = {
					" IS TRUE)", " IS NOT TRUE)", " IS FALSE)", " IS NOT FALSE)",
					" IS UNKNOWN)", " IS NOT UNKNOWN)"
				};

				put(d, "(");
				deparse(d, (Node *) ((BooleanTest *) n)->arg);
				put(d, tests[((BooleanTest *) n)->booltesttype]);
				break;
			}
		default:
			pred_error("this kind of expression");
	}
}

char *
lt_pred_compile_as(Relation rel, const char *expr, Oid owner, int16 *attnums, int *natts,
				   const char *arg)
{
	const char *was = pred_arg;
	char	   *r;

	pred_arg = arg;
	PG_TRY();
	{
		r = lt_pred_compile(rel, expr, owner, attnums, natts);
	}
	PG_FINALLY();
	{
		pred_arg = was;
	}
	PG_END_TRY();
	return r;
}

char *
lt_pred_compile(Relation rel, const char *expr, Oid owner, int16 *attnums, int *natts)
{
	Node	   *e = transform(rel, expr);
	PredCheck	pc = {owner, attnums, 0};
	Deparse		d;

	check_walker(e, &pc);
	if (contain_mutable_functions(e))
		pred_error("functions that are not immutable");
	*natts = pc.natts;
	initStringInfo(&d.b);
	d.attnums = attnums;
	d.natts = pc.natts;
	deparse(&d, e);
	return d.b.data;
}

char *
lt_pred_text(Relation rel, const char *tmpl, const int16 *attnums, int natts)
{
	StringInfoData b;
	TupleDesc	desc = RelationGetDescr(rel);

	initStringInfo(&b);
	for (const char *p = tmpl; *p; p++)
	{
		int			n;

		if (*p != '%')
		{
			appendStringInfoChar(&b, *p);
			continue;
		}
		if (p[1] == '%')
		{
			appendStringInfoChar(&b, '%');
			p++;
			continue;
		}
		/* %N$I */
		n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (*p - '0');
		if (p[0] != '$' || p[1] != 'I' || n < 1 || n > natts ||
			attnums[n - 1] < 1 || attnums[n - 1] > desc->natts ||
			TupleDescAttr(desc, attnums[n - 1] - 1)->attisdropped)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("counts_when of %s does not match its columns",
							RelationGetRelationName(rel)),
					 errhint("Detach the table and attach it again.")));
		appendStringInfoString(&b, quote_identifier(NameStr(TupleDescAttr(desc, attnums[n - 1] - 1)->attname)));
		p++;					/* at the I */
	}
	return b.data;
}

Expr *
lt_pred_parse(Relation rel, const char *text)
{
	return (Expr *) transform(rel, text);
}
