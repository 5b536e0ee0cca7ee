/*
 * attach.h — attached ERP tables: their column mapping, resolved against
 * the table's current definition and cached per backend.
 */
#ifndef LOTTRACE_ATTACH_H
#define LOTTRACE_ATTACH_H

#include "postgres.h"
#include "access/attnum.h"
#include "access/tupdesc.h"
#include "fmgr.h"
#include "nodes/primnodes.h"

typedef enum LtColId
{
	LC_ITEM = 0, LC_QTY, LC_WAREHOUSE, LC_LOT, LC_SERIAL, LC_REASON, LC_DOC,
	LC_MOVED_ON, LC_LOCATION, LC_VARIANT, LC_ACCOUNT, LC_BATCH_KEY, LC_EXPIRY,
	LC_SUPPLIER_LOT, LC_TO_WAREHOUSE,
	/* lot master data (1.2): read from the load that creates a lot */
	LC_PRODUCTION_DATE, LC_BEST_BEFORE, LC_ATTRIBUTES,
	LC_NCOLS
} LtColId;

/* Names of the attach() arguments / attachment columns, by LtColId. */
extern const char *const lt_col_arg[LC_NCOLS];

typedef enum LtColKind
{
	CK_NONE = 0,				/* not mapped */
	CK_TEXT,					/* text-like varlena: text, varchar, lotcode, serialcode */
	CK_BPCHAR,					/* char(n): trailing blanks dropped */
	CK_OTHER,					/* anything else with an output function (codes) */
	CK_NUMERIC, CK_INT2, CK_INT4, CK_INT8, CK_FLOAT4, CK_FLOAT8,	/* qty */
	CK_DATE, CK_TIMESTAMP, CK_TIMESTAMPTZ,	/* dates */
	CK_JSONB					/* attributes */
} LtColKind;

/*
 * Lot master data: values that do not move stock (an UPDATE of the ERP row
 * that changes only them changes nothing).
 */
#define lt_col_is_lot_data(id) \
	((id) == LC_PRODUCTION_DATE || (id) == LC_BEST_BEFORE || (id) == LC_ATTRIBUTES)

/*
 * A mapped value read through a foreign key: the row's column holds the key
 * of a row of another table (ref), whose column value is the mapped value
 * (attach(..., lot => 'lot_id -> stock_lot.name')).
 */
typedef struct LtLookup
{
	Oid			ref;
	char	   *refname;		/* quoted, qualified */
	char	   *key;			/* column names in ref */
	char	   *value;
	char	   *value2;			/* read when value is NULL ('k -> t.v1 | v2'); or NULL */
	Oid			keytype;		/* the key column's type in ref */
	Oid			valtype;
	FmgrInfo	keyout;			/* the row's key column, as text for hashing */
	char	   *sql;			/* the statement that reads a statement's keys */
	void	   *plan;			/* SPIPlanPtr, kept: slices of many keys */
	void	   *plan_few;		/* the same, generic: LT_LOOKUP_FEW keys or fewer */
	bool		guarded;		/* a role whose value change the ref's trigger refuses */
	/*
	 * The read of a few keys without SPI (engine_lookups.c, read_direct),
	 * found at its first use: the unique btree index on the key alone, the
	 * equality of the row's key type with it, the columns' numbers (each
	 * checked against its name at every use).  direct_tried and no index:
	 * the statement is always used.
	 */
	bool		direct_tried;
	Oid			direct_idx;
	Oid			direct_subtype;	/* the row's key type the equality takes */
	RegProcedure direct_eq;
	AttrNumber	direct_att[3];	/* key, value, value2 (0: none) */
	struct LtLookup *next;		/* the next step: value is its key ('k -> a.b -> c.d') */
} LtLookup;

/* Steps of one lookup at most. */
#define LT_LOOKUP_STEPS 3

typedef struct LtCol
{
	AttrNumber	attnum;			/* 0: not mapped */
	Oid			typid;
	LtColKind	kind;
	FmgrInfo	out;			/* CK_OTHER: output function */
	bool		is_code;		/* lotcode / serialcode (or a domain over one):
								 * its values are valid codes already */
	char	   *name;
	LtLookup   *lk;				/* read through a foreign key; NULL: the row's own */
	AttrNumber	alt_attnum;		/* 'a | b': the row's column read when attnum's is NULL */
} LtCol;

typedef struct LtRelInfo
{
	Oid			relid;
	Oid			root;			/* the attached table: relid, or the ancestor
								 * partitioned table relid is a partition of */
	bool		valid;
	MemoryContext cxt;			/* holds this mapping and nothing else */
	char	   *relname;		/* quoted, qualified */
	LtCol		col[LC_NCOLS];
	int			npk;
	AttrNumber	pk[INDEX_MAX_KEYS];
	FmgrInfo	pkout[INDEX_MAX_KEYS];
	char	   *pkcols;			/* "id" or "a, b" for messages */
	Oid			owner;			/* the attached table's owner */
	/* counts_when: only rows for which it holds are movements */
	Expr	   *pred;			/* NULL: every row */
	int			npred;
	AttrNumber	pred_atts[64];	/* its columns, for UPDATE pairs */
	bool		signed_qty;		/* with a reason: the sign gives the direction */
	char	   *serial_sep;		/* several serials in the serial column */
	int			serial_sep_len;
	bool		judge_commit;	/* stock rules judged at commit */
	Expr	   *unload_pred;	/* unload_when: a row an UPDATE takes out of
								 * counts_when into it leaves as an unload */
	bool		has_lookups;
	bool		has_lot_data;	/* a lot master-data column is mapped */
	Expr	   *reserve_pred;	/* reserve_when: a row that does not count but
								 * reserves what it would unload (1.2) */
	bool		no_generate;	/* attach(generate => false): no codes are
								 * generated into its rows (1.2) */
} LtRelInfo;

/* The mapping of an attached table (cached); error if it is not attached. */
extern LtRelInfo *lt_relinfo(Oid relid);

extern void lt_attach_init(void);

#endif							/* LOTTRACE_ATTACH_H */
