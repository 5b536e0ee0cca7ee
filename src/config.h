/*
 * config.h — per-backend caches of lottrace's configuration tables.
 *
 * Entries are loaded on first use (one indexed query per key) and kept
 * until a configuration table changes: a trigger on each table calls
 * CacheInvalidateRelcacheByRelid(), every backend's relcache callback marks
 * the caches stale, and the next statement starts from empty caches.
 * Pointers handed out stay valid until lt_config_refresh() is called
 * again, so a statement sees one consistent configuration.
 */
#ifndef LOTTRACE_CONFIG_H
#define LOTTRACE_CONFIG_H

#include "postgres.h"
#include "codefmt_core.h"

typedef struct LtCodeType
{
	char	   *code;
	bool		is_serial;		/* kind = 'serial' */
	cf_format  *fmt;
	int64		seq_start;
	int64		alpha_start;	/* counter value of alpha_start */
	bool		suplot_only;	/* the format is just {SUPLOT} */
	char	   *fmt_text;		/* canonical text, for messages */
} LtCodeType;

typedef struct LtItem
{
	char	   *item;			/* cache key */
	bool		exists;			/* false: not in lottrace.item */
	bool		lot_tracked;
	bool		serial_tracked;
	LtCodeType *lot_ct;			/* NULL: none */
	LtCodeType *serial_ct;
	char		pick_policy;	/* 'f'ifo, 'e' fefo, 'm'anual */
	char	   *initial_status; /* NULL: lottrace.default_status */
	int32		lot_validity_days;	/* -1: none */
	char		expiry_rule;	/* 'x' exact, 'e' month_end, 's' month_start,
								 * 'c' from_components (computed as exact) */
	bool		expiry_editable;
	int32		warn_days;		/* -1: none */
	int32		block_days;
	bool		single_supplier;
	int32		serial_validity_days;	/* -1: none */
	char	   *item_class;
	char	   *category;
	char	   *item_type;
	bool		gs1_codes;		/* typed codes must be GS1 character set 82 */
	bool		claims_seen;	/* reservations or holds were placed: keep unload documents */
	/* shelf life (1.2, docs/SHELF_LIFE.md; none on a 1.1 schema) */
	int32		min_shelf_days; /* at receipt; -1: none */
	double		min_shelf_pct;	/* at receipt, % of the validity; < 0: none */
	bool		ship_rules;		/* lottrace.shelf_life_rule has rules for it or its category */
	int			nrequired;		/* lottrace.item.required_attributes (1.2) */
	char	  **required_attributes;
	bool		refuse_receipt_mismatch;	/* receipts checked against expected receipts (1.2) */
} LtItem;

#define lt_item_governed(it) ((it)->exists && ((it)->lot_tracked || (it)->serial_tracked))

typedef struct LtReason
{
	char	   *code;
	bool		exists;
	int			sign;			/* +1 load, -1 unload */
	bool		new_lot_only;
	bool		allow_unavailable;
	bool		create_serials;
	char		production;		/* 0, 'i'nput or 'o'utput */
	bool		requires_doc;
	bool		requires_account;
} LtReason;

/* Start of a statement that uses the caches: drops them if stale. */
extern void lt_config_refresh(void);

/* Lookups; the key need not be NUL-terminated.  Never NULL. */
extern LtItem *lt_item(const char *item, int len);
extern LtItem *lt_item_peek(const char *item, int len);	/* NULL: not cached */
extern LtReason *lt_reason(const char *code, int len);
extern LtCodeType *lt_code_type(const char *code);	/* NULL if missing */

/* Has any item expiry_rule 'from_components' (expiry_rule 'c')? */
extern bool lt_any_from_components(void);

/* Warehouse allows negative stock (unlisted warehouses do not). */
extern bool lt_warehouse_allows_negative(const char *wh);

/* lottrace.warehouse.kind, as a letter (unlisted warehouses are internal). */
#define LT_KIND_INTERNAL	'i'
#define LT_KIND_SUPPLIER	's'
#define LT_KIND_CUSTOMER	'c'
#define LT_KIND_PRODUCTION	'p'
#define LT_KIND_INVENTORY	'v'
#define LT_KIND_TRANSIT		't'
#define LT_KIND_SCRAP		'x'
extern char lt_warehouse_kind(const char *wh);

/* The schema has 1.2's reservations and holds (lottrace.lot.claims). */
extern bool lt_schema_has_claims(void);

/* Status: false if unknown; *available set when known. */
extern bool lt_status_lookup(const char *status, bool *available);

/* Register the relcache callback (from _PG_init). */
extern void lt_config_init(void);

#endif							/* LOTTRACE_CONFIG_H */
