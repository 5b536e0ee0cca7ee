-- lottrace 1.0 — install script.
-- Assembled by the Makefile from src/sql/*.sql (in name order).
-- Every object lives in schema lottrace; the ones users touch carry COMMENTs.

\echo Use "CREATE EXTENSION lottrace" to load this file. \quit

-- CREATE EXTENSION installs into a schema lottrace that already exists,
-- whoever made it.  lottrace's functions run with that schema on their
-- search_path, some as a superuser (rebuild, verify, the engine), so an
-- object someone else put in it -- a more specific overload of a function
-- they call -- would run with those rights.  Before anything else: the
-- schema must be owned by a superuser (CREATE EXTENSION made it for the
-- installing superuser, or pg_restore re-created it), no other role may
-- create objects in it, and it must be empty.  Every name below is
-- qualified: this runs with only lottrace on the search_path.
DO $check$
DECLARE
  nsp   pg_catalog.oid;
  owner pg_catalog.text;
  super pg_catalog.bool;
  who   pg_catalog.text;
  what  pg_catalog.text;
BEGIN
  SELECT n.oid, r.rolname, r.rolsuper INTO nsp, owner, super
    FROM pg_catalog.pg_namespace n
    JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
   WHERE n.nspname OPERATOR(pg_catalog.=) 'lottrace';
  IF NOT super THEN
    RAISE EXCEPTION 'schema "lottrace" already exists and is owned by role "%"', owner
      USING ERRCODE = 'duplicate_schema',
            DETAIL = 'lottrace installs into that schema and runs functions as a superuser with it on their search_path: objects its owner put there would run with those rights.',
            HINT = 'Drop or rename the schema (CREATE EXTENSION lottrace creates its own), then create the extension again.';
  END IF;
  SELECT pg_catalog.string_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                    ELSE pg_catalog.quote_ident(r.rolname) END, ', ') INTO who
    FROM pg_catalog.pg_namespace n
   CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
    LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee
   WHERE n.oid OPERATOR(pg_catalog.=) nsp
     AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
     AND r.rolsuper IS NOT TRUE;
  IF who IS NOT NULL THEN
    RAISE EXCEPTION 'schema "lottrace" already exists and % may create objects in it', who
      USING ERRCODE = 'duplicate_schema',
            DETAIL = 'lottrace runs functions as a superuser with that schema on their search_path.',
            HINT = pg_catalog.format('REVOKE CREATE ON SCHEMA lottrace FROM %s, or drop the schema; then create the extension again.', who);
  END IF;
  -- every object in a schema depends on it; the extension itself (created
  -- just before this script runs) is the one allowed
  SELECT pg_catalog.string_agg(pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ', ') INTO what
    FROM pg_catalog.pg_depend d
   WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
     AND d.refobjid OPERATOR(pg_catalog.=) nsp
     AND d.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_extension'::pg_catalog.regclass;
  IF what IS NOT NULL
     OR EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp)
     OR EXISTS (SELECT FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp)
     OR EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) nsp)
     OR EXISTS (SELECT FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) nsp)
     OR EXISTS (SELECT FROM pg_catalog.pg_extension e
                 WHERE e.extnamespace OPERATOR(pg_catalog.=) nsp
                   AND e.extname OPERATOR(pg_catalog.<>) 'lottrace') THEN
    RAISE EXCEPTION 'schema "lottrace" already exists and is not empty'
      USING ERRCODE = 'duplicate_schema',
            DETAIL = pg_catalog.format('It holds: %s.', coalesce(what, 'objects')),
            HINT = 'Move the objects out or drop the schema (CREATE EXTENSION lottrace creates its own), then create the extension again.';
  END IF;
END
$check$;

-- The types and pure functions are usable by everyone; the registers and the
-- state-changing functions are granted by the DBA (see docs/SECURITY.md).
GRANT USAGE ON SCHEMA lottrace TO PUBLIC;
