/*
 * compat.h — differences between the PostgreSQL major versions lottrace
 * compiles against (13–17; 15 is the target).
 */
#ifndef LOTTRACE_COMPAT_H
#define LOTTRACE_COMPAT_H

#include "postgres.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "utils/acl.h"

#if PG_VERSION_NUM >= 160000
#define lt_relation_ownercheck(relid, roleid) \
	object_ownercheck(RelationRelationId, (relid), (roleid))
#else
#define lt_relation_ownercheck(relid, roleid) pg_class_ownercheck((relid), (roleid))
#endif

#if PG_VERSION_NUM >= 160000
#define lt_proc_aclcheck(fn, roleid, mode) \
	object_aclcheck(ProcedureRelationId, (fn), (roleid), (mode))
#else
#define lt_proc_aclcheck(fn, roleid, mode) pg_proc_aclcheck((fn), (roleid), (mode))
#endif

#if PG_VERSION_NUM >= 160000
#define lt_qualified_name_list(s) stringToQualifiedNameList((s), NULL)
#else
#define lt_qualified_name_list(s) stringToQualifiedNameList(s)
#endif

/* A memory context's own totals (MemoryContextMethods.stats), printing nothing. */
#if PG_VERSION_NUM >= 140000
#define lt_context_totals(cxt, totals) \
	(cxt)->methods->stats((cxt), NULL, NULL, (totals), false)
#else
#define lt_context_totals(cxt, totals) \
	(cxt)->methods->stats((cxt), NULL, NULL, (totals))
#endif

#endif							/* LOTTRACE_COMPAT_H */
