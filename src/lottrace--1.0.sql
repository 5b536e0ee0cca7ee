-- lottrace 1.0 — install script.
-- Frozen on 2026-11-22 with the release of 1.0: this file never changes
-- again.  Every later change of the schema ships as an update script
-- src/lottrace--A--B.sql (test/shell/upgrade.sh checks that updating gives
-- what a fresh install gives).
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

-- ---------------------------------------------------------------------------
-- Identifier types lottrace.lotcode and lottrace.serialcode (API.md §1).
--
-- Two distinct types with the same rules: input trims white space, the rest
-- is 1..50 characters of GS1 character set 82, case kept; equality is exact;
-- ordering is natural (L2 < L10).  Storage is the trimmed bytes in a varlena
-- laid out like text, so a code casts to text without a function.  The C
-- functions are shared by both types (src/lotcode.c); only the ones whose
-- errors name the type have an entry point per type.  There is deliberately
-- no cast between the two types.
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------- lotcode

CREATE TYPE lottrace.lotcode;

CREATE FUNCTION lottrace.lotcode_in(cstring, oid, integer)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lotcode_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_in(cstring, oid, integer) IS
  'I/O: lotcode input (trims white space; GS1 character set 82, 1 to 50 characters)';

CREATE FUNCTION lottrace.lotcode_out(lottrace.lotcode)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lotcode_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_out(lottrace.lotcode) IS
  'I/O: lotcode output';

CREATE FUNCTION lottrace.lotcode_recv(internal, oid, integer)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lotcode_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_recv(internal, oid, integer) IS
  'I/O: lotcode binary input (the raw bytes, checked like text input)';

CREATE FUNCTION lottrace.lotcode_send(lottrace.lotcode)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lotcode_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_send(lottrace.lotcode) IS
  'I/O: lotcode binary output (the raw bytes)';

CREATE FUNCTION lottrace.lotcode_typmod_in(cstring[])
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_typmod_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_typmod_in(cstring[]) IS
  'I/O: lotcode(n) type modifier input, n from 1 to 50';

CREATE FUNCTION lottrace.lotcode_typmod_out(integer)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lotcode_typmod_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_typmod_out(integer) IS
  'I/O: lotcode(n) type modifier output';

CREATE TYPE lottrace.lotcode (
  INPUT          = lottrace.lotcode_in,
  OUTPUT         = lottrace.lotcode_out,
  RECEIVE        = lottrace.lotcode_recv,
  SEND           = lottrace.lotcode_send,
  TYPMOD_IN      = lottrace.lotcode_typmod_in,
  TYPMOD_OUT     = lottrace.lotcode_typmod_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT      = int4,
  STORAGE        = extended,
  -- not 'S' (string): for string-category types PostgreSQL adds automatic
  -- I/O-conversion casts, which would allow lotcode -> serialcode
  CATEGORY       = 'U'
);
COMMENT ON TYPE lottrace.lotcode IS
  'lot code: 1 to 50 characters of GS1 character set 82 (white space around it trimmed), case kept, natural order (L2 < L10); lotcode(n) limits the length';

-- Casts: from text and varchar by assignment (checked), to text implicitly
-- (same bytes), to varchar by assignment; the type modifier.

CREATE FUNCTION lottrace.lotcode(text)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lotcode_from_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode(text) IS
  'cast text or varchar to lotcode: trims white space and checks the code (22P02, 22001)';

CREATE FUNCTION lottrace.lotcode(lottrace.lotcode, integer, boolean)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lotcode_enforce_typmod'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode(lottrace.lotcode, integer, boolean) IS
  'cast lotcode to lotcode(n): fails (22001) on a longer code, even in an explicit cast, rather than cut it';

CREATE CAST (text AS lottrace.lotcode)
  WITH FUNCTION lottrace.lotcode(text) AS ASSIGNMENT;
COMMENT ON CAST (text AS lottrace.lotcode) IS
  'checked: trims white space, rejects an invalid lot code';

CREATE CAST (varchar AS lottrace.lotcode)
  WITH FUNCTION lottrace.lotcode(text) AS ASSIGNMENT;
COMMENT ON CAST (varchar AS lottrace.lotcode) IS
  'checked: trims white space, rejects an invalid lot code';

CREATE CAST (lottrace.lotcode AS text)
  WITHOUT FUNCTION AS IMPLICIT;
COMMENT ON CAST (lottrace.lotcode AS text) IS
  'the code''s characters; text operators (||, LIKE, <) then apply, with text semantics';

CREATE CAST (lottrace.lotcode AS varchar)
  WITHOUT FUNCTION AS ASSIGNMENT;
COMMENT ON CAST (lottrace.lotcode AS varchar) IS
  'the code''s characters, for storing a code in a varchar column';

CREATE CAST (lottrace.lotcode AS lottrace.lotcode)
  WITH FUNCTION lottrace.lotcode(lottrace.lotcode, integer, boolean) AS IMPLICIT;
COMMENT ON CAST (lottrace.lotcode AS lottrace.lotcode) IS
  'length check for lotcode(n)';

-- Concatenation.  The implicit cast to text serves functions and LIKE, but
-- for || it leaves equally good candidates (text || text, anynonarray ||
-- text), so these operators pick the text one (with lottrace on the
-- search_path; otherwise cast to text).

CREATE FUNCTION lottrace.lotcode_textcat(lottrace.lotcode, text)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_textcat(lottrace.lotcode, text) IS
  'implementation of lotcode || text';

CREATE FUNCTION lottrace.text_lotcodecat(text, lottrace.lotcode)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.text_lotcodecat(text, lottrace.lotcode) IS
  'implementation of text || lotcode';

CREATE OPERATOR lottrace.|| (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_textcat
);
COMMENT ON OPERATOR lottrace.|| (lottrace.lotcode, text) IS
  'concatenate a lotcode and text, giving text';

CREATE OPERATOR lottrace.|| (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcodecat
);
COMMENT ON OPERATOR lottrace.|| (text, lottrace.lotcode) IS
  'concatenate text and a lotcode, giving text';

CREATE FUNCTION lottrace.lotcodecat(lottrace.lotcode, lottrace.lotcode)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcodecat(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of lotcode || lotcode';

CREATE OPERATOR lottrace.|| (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcodecat
);
COMMENT ON OPERATOR lottrace.|| (lottrace.lotcode, lottrace.lotcode) IS
  'concatenate two lotcode values, giving text';

-- Comparison: exact equality, natural order.

CREATE FUNCTION lottrace.lotcode_eq(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_eq(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of = for lotcode: the same characters, case included';

CREATE FUNCTION lottrace.lotcode_ne(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_ne(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of <> for lotcode';

CREATE FUNCTION lottrace.lotcode_lt(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_lt(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of < for lotcode (natural order)';

CREATE FUNCTION lottrace.lotcode_le(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_le(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of <= for lotcode (natural order)';

CREATE FUNCTION lottrace.lotcode_gt(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_gt(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of > for lotcode (natural order)';

CREATE FUNCTION lottrace.lotcode_ge(lottrace.lotcode, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_ge(lottrace.lotcode, lottrace.lotcode) IS
  'implementation of >= for lotcode (natural order)';

CREATE FUNCTION lottrace.lotcode_cmp(lottrace.lotcode, lottrace.lotcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_cmp(lottrace.lotcode, lottrace.lotcode) IS
  'natural-order comparison of two lotcode values: -1, 0 or 1 (0 only for identical codes; btree support)';

CREATE FUNCTION lottrace.lotcode_sortsupport(internal)
RETURNS void
AS 'MODULE_PATHNAME', 'lotcode_sortsupport'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.lotcode_sortsupport(internal) IS
  'sort support for lotcode (btree support)';

CREATE FUNCTION lottrace.lotcode_hash(lottrace.lotcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_hash(lottrace.lotcode) IS
  'hash of a lotcode (hash support)';

CREATE FUNCTION lottrace.lotcode_hash_extended(lottrace.lotcode, bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'lotcode_hash_extended'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_hash_extended(lottrace.lotcode, bigint) IS
  'seeded 64-bit hash of a lotcode (hash support, e.g. hash partitioning)';

CREATE OPERATOR lottrace.= (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_eq,
  COMMUTATOR = OPERATOR(lottrace.=), NEGATOR = OPERATOR(lottrace.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR lottrace.= (lottrace.lotcode, lottrace.lotcode) IS
  'equal: the same characters, case included';

CREATE OPERATOR lottrace.<> (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_ne,
  COMMUTATOR = OPERATOR(lottrace.<>), NEGATOR = OPERATOR(lottrace.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR lottrace.<> (lottrace.lotcode, lottrace.lotcode) IS
  'not equal';

CREATE OPERATOR lottrace.< (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_lt,
  COMMUTATOR = OPERATOR(lottrace.>), NEGATOR = OPERATOR(lottrace.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR lottrace.< (lottrace.lotcode, lottrace.lotcode) IS
  'less than, in natural order (L2 < L10)';

CREATE OPERATOR lottrace.<= (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_le,
  COMMUTATOR = OPERATOR(lottrace.>=), NEGATOR = OPERATOR(lottrace.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR lottrace.<= (lottrace.lotcode, lottrace.lotcode) IS
  'less than or equal, in natural order';

CREATE OPERATOR lottrace.> (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_gt,
  COMMUTATOR = OPERATOR(lottrace.<), NEGATOR = OPERATOR(lottrace.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR lottrace.> (lottrace.lotcode, lottrace.lotcode) IS
  'greater than, in natural order';

CREATE OPERATOR lottrace.>= (
  LEFTARG = lottrace.lotcode, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.lotcode_ge,
  COMMUTATOR = OPERATOR(lottrace.<=), NEGATOR = OPERATOR(lottrace.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR lottrace.>= (lottrace.lotcode, lottrace.lotcode) IS
  'greater than or equal, in natural order';

-- Operator classes: btree (natural order; equal means identical bytes, so
-- btequalimage allows index deduplication) and hash.

CREATE OPERATOR CLASS lottrace.lotcode_ops
  DEFAULT FOR TYPE lottrace.lotcode USING btree AS
    OPERATOR 1 lottrace.<,
    OPERATOR 2 lottrace.<=,
    OPERATOR 3 lottrace.=,
    OPERATOR 4 lottrace.>=,
    OPERATOR 5 lottrace.>,
    FUNCTION 1 lottrace.lotcode_cmp(lottrace.lotcode, lottrace.lotcode),
    FUNCTION 2 lottrace.lotcode_sortsupport(internal),
    FUNCTION 4 btequalimage(oid);
COMMENT ON OPERATOR CLASS lottrace.lotcode_ops USING btree IS
  'natural order of lotcode (default; primary keys, ORDER BY, merge joins)';
COMMENT ON OPERATOR FAMILY lottrace.lotcode_ops USING btree IS
  'natural order of lotcode';

CREATE OPERATOR CLASS lottrace.lotcode_ops
  DEFAULT FOR TYPE lottrace.lotcode USING hash AS
    OPERATOR 1 lottrace.=,
    FUNCTION 1 lottrace.lotcode_hash(lottrace.lotcode),
    FUNCTION 2 lottrace.lotcode_hash_extended(lottrace.lotcode, bigint);
COMMENT ON OPERATOR CLASS lottrace.lotcode_ops USING hash IS
  'exact equality of lotcode (default; hash joins, hash aggregation, hash indexes and partitions)';
COMMENT ON OPERATOR FAMILY lottrace.lotcode_ops USING hash IS
  'exact equality of lotcode';

-- ---------------------------------------------------------------- serialcode

CREATE TYPE lottrace.serialcode;

CREATE FUNCTION lottrace.serialcode_in(cstring, oid, integer)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'serialcode_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_in(cstring, oid, integer) IS
  'I/O: serialcode input (trims white space; GS1 character set 82, 1 to 50 characters)';

CREATE FUNCTION lottrace.serialcode_out(lottrace.serialcode)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lotcode_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_out(lottrace.serialcode) IS
  'I/O: serialcode output';

CREATE FUNCTION lottrace.serialcode_recv(internal, oid, integer)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'serialcode_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_recv(internal, oid, integer) IS
  'I/O: serialcode binary input (the raw bytes, checked like text input)';

CREATE FUNCTION lottrace.serialcode_send(lottrace.serialcode)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lotcode_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_send(lottrace.serialcode) IS
  'I/O: serialcode binary output (the raw bytes)';

CREATE FUNCTION lottrace.serialcode_typmod_in(cstring[])
RETURNS integer
AS 'MODULE_PATHNAME', 'serialcode_typmod_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_typmod_in(cstring[]) IS
  'I/O: serialcode(n) type modifier input, n from 1 to 50';

CREATE FUNCTION lottrace.serialcode_typmod_out(integer)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lotcode_typmod_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_typmod_out(integer) IS
  'I/O: serialcode(n) type modifier output';

CREATE TYPE lottrace.serialcode (
  INPUT          = lottrace.serialcode_in,
  OUTPUT         = lottrace.serialcode_out,
  RECEIVE        = lottrace.serialcode_recv,
  SEND           = lottrace.serialcode_send,
  TYPMOD_IN      = lottrace.serialcode_typmod_in,
  TYPMOD_OUT     = lottrace.serialcode_typmod_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT      = int4,
  STORAGE        = extended,
  -- not 'S' (string): for string-category types PostgreSQL adds automatic
  -- I/O-conversion casts, which would allow lotcode -> serialcode
  CATEGORY       = 'U'
);
COMMENT ON TYPE lottrace.serialcode IS
  'serial code: 1 to 50 characters of GS1 character set 82 (white space around it trimmed), case kept, natural order (L2 < L10); serialcode(n) limits the length';

-- Casts: from text and varchar by assignment (checked), to text implicitly
-- (same bytes), to varchar by assignment; the type modifier.

CREATE FUNCTION lottrace.serialcode(text)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'serialcode_from_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode(text) IS
  'cast text or varchar to serialcode: trims white space and checks the code (22P02, 22001)';

CREATE FUNCTION lottrace.serialcode(lottrace.serialcode, integer, boolean)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'serialcode_enforce_typmod'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode(lottrace.serialcode, integer, boolean) IS
  'cast serialcode to serialcode(n): fails (22001) on a longer code, even in an explicit cast, rather than cut it';

CREATE CAST (text AS lottrace.serialcode)
  WITH FUNCTION lottrace.serialcode(text) AS ASSIGNMENT;
COMMENT ON CAST (text AS lottrace.serialcode) IS
  'checked: trims white space, rejects an invalid serial code';

CREATE CAST (varchar AS lottrace.serialcode)
  WITH FUNCTION lottrace.serialcode(text) AS ASSIGNMENT;
COMMENT ON CAST (varchar AS lottrace.serialcode) IS
  'checked: trims white space, rejects an invalid serial code';

CREATE CAST (lottrace.serialcode AS text)
  WITHOUT FUNCTION AS IMPLICIT;
COMMENT ON CAST (lottrace.serialcode AS text) IS
  'the code''s characters; text operators (||, LIKE, <) then apply, with text semantics';

CREATE CAST (lottrace.serialcode AS varchar)
  WITHOUT FUNCTION AS ASSIGNMENT;
COMMENT ON CAST (lottrace.serialcode AS varchar) IS
  'the code''s characters, for storing a code in a varchar column';

CREATE CAST (lottrace.serialcode AS lottrace.serialcode)
  WITH FUNCTION lottrace.serialcode(lottrace.serialcode, integer, boolean) AS IMPLICIT;
COMMENT ON CAST (lottrace.serialcode AS lottrace.serialcode) IS
  'length check for serialcode(n)';

-- Concatenation.  The implicit cast to text serves functions and LIKE, but
-- for || it leaves equally good candidates (text || text, anynonarray ||
-- text), so these operators pick the text one (with lottrace on the
-- search_path; otherwise cast to text).

CREATE FUNCTION lottrace.serialcode_textcat(lottrace.serialcode, text)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_textcat(lottrace.serialcode, text) IS
  'implementation of serialcode || text';

CREATE FUNCTION lottrace.text_serialcodecat(text, lottrace.serialcode)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.text_serialcodecat(text, lottrace.serialcode) IS
  'implementation of text || serialcode';

CREATE OPERATOR lottrace.|| (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_textcat
);
COMMENT ON OPERATOR lottrace.|| (lottrace.serialcode, text) IS
  'concatenate a serialcode and text, giving text';

CREATE OPERATOR lottrace.|| (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcodecat
);
COMMENT ON OPERATOR lottrace.|| (text, lottrace.serialcode) IS
  'concatenate text and a serialcode, giving text';

CREATE FUNCTION lottrace.serialcodecat(lottrace.serialcode, lottrace.serialcode)
RETURNS text
AS 'textcat'
LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcodecat(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of serialcode || serialcode';

CREATE OPERATOR lottrace.|| (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcodecat
);
COMMENT ON OPERATOR lottrace.|| (lottrace.serialcode, lottrace.serialcode) IS
  'concatenate two serialcode values, giving text';

-- Comparison: exact equality, natural order.

CREATE FUNCTION lottrace.serialcode_eq(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_eq(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of = for serialcode: the same characters, case included';

CREATE FUNCTION lottrace.serialcode_ne(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_ne(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of <> for serialcode';

CREATE FUNCTION lottrace.serialcode_lt(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_lt(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of < for serialcode (natural order)';

CREATE FUNCTION lottrace.serialcode_le(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_le(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of <= for serialcode (natural order)';

CREATE FUNCTION lottrace.serialcode_gt(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_gt(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of > for serialcode (natural order)';

CREATE FUNCTION lottrace.serialcode_ge(lottrace.serialcode, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_ge(lottrace.serialcode, lottrace.serialcode) IS
  'implementation of >= for serialcode (natural order)';

CREATE FUNCTION lottrace.serialcode_cmp(lottrace.serialcode, lottrace.serialcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_cmp(lottrace.serialcode, lottrace.serialcode) IS
  'natural-order comparison of two serialcode values: -1, 0 or 1 (0 only for identical codes; btree support)';

CREATE FUNCTION lottrace.serialcode_sortsupport(internal)
RETURNS void
AS 'MODULE_PATHNAME', 'lotcode_sortsupport'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.serialcode_sortsupport(internal) IS
  'sort support for serialcode (btree support)';

CREATE FUNCTION lottrace.serialcode_hash(lottrace.serialcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_hash(lottrace.serialcode) IS
  'hash of a serialcode (hash support)';

CREATE FUNCTION lottrace.serialcode_hash_extended(lottrace.serialcode, bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'lotcode_hash_extended'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_hash_extended(lottrace.serialcode, bigint) IS
  'seeded 64-bit hash of a serialcode (hash support, e.g. hash partitioning)';

CREATE OPERATOR lottrace.= (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_eq,
  COMMUTATOR = OPERATOR(lottrace.=), NEGATOR = OPERATOR(lottrace.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR lottrace.= (lottrace.serialcode, lottrace.serialcode) IS
  'equal: the same characters, case included';

CREATE OPERATOR lottrace.<> (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_ne,
  COMMUTATOR = OPERATOR(lottrace.<>), NEGATOR = OPERATOR(lottrace.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR lottrace.<> (lottrace.serialcode, lottrace.serialcode) IS
  'not equal';

CREATE OPERATOR lottrace.< (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_lt,
  COMMUTATOR = OPERATOR(lottrace.>), NEGATOR = OPERATOR(lottrace.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR lottrace.< (lottrace.serialcode, lottrace.serialcode) IS
  'less than, in natural order (L2 < L10)';

CREATE OPERATOR lottrace.<= (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_le,
  COMMUTATOR = OPERATOR(lottrace.>=), NEGATOR = OPERATOR(lottrace.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR lottrace.<= (lottrace.serialcode, lottrace.serialcode) IS
  'less than or equal, in natural order';

CREATE OPERATOR lottrace.> (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_gt,
  COMMUTATOR = OPERATOR(lottrace.<), NEGATOR = OPERATOR(lottrace.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR lottrace.> (lottrace.serialcode, lottrace.serialcode) IS
  'greater than, in natural order';

CREATE OPERATOR lottrace.>= (
  LEFTARG = lottrace.serialcode, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.serialcode_ge,
  COMMUTATOR = OPERATOR(lottrace.<=), NEGATOR = OPERATOR(lottrace.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR lottrace.>= (lottrace.serialcode, lottrace.serialcode) IS
  'greater than or equal, in natural order';

-- Operator classes: btree (natural order; equal means identical bytes, so
-- btequalimage allows index deduplication) and hash.

CREATE OPERATOR CLASS lottrace.serialcode_ops
  DEFAULT FOR TYPE lottrace.serialcode USING btree AS
    OPERATOR 1 lottrace.<,
    OPERATOR 2 lottrace.<=,
    OPERATOR 3 lottrace.=,
    OPERATOR 4 lottrace.>=,
    OPERATOR 5 lottrace.>,
    FUNCTION 1 lottrace.serialcode_cmp(lottrace.serialcode, lottrace.serialcode),
    FUNCTION 2 lottrace.serialcode_sortsupport(internal),
    FUNCTION 4 btequalimage(oid);
COMMENT ON OPERATOR CLASS lottrace.serialcode_ops USING btree IS
  'natural order of serialcode (default; primary keys, ORDER BY, merge joins)';
COMMENT ON OPERATOR FAMILY lottrace.serialcode_ops USING btree IS
  'natural order of serialcode';

CREATE OPERATOR CLASS lottrace.serialcode_ops
  DEFAULT FOR TYPE lottrace.serialcode USING hash AS
    OPERATOR 1 lottrace.=,
    FUNCTION 1 lottrace.serialcode_hash(lottrace.serialcode),
    FUNCTION 2 lottrace.serialcode_hash_extended(lottrace.serialcode, bigint);
COMMENT ON OPERATOR CLASS lottrace.serialcode_ops USING hash IS
  'exact equality of serialcode (default; hash joins, hash aggregation, hash indexes and partitions)';
COMMENT ON OPERATOR FAMILY lottrace.serialcode_ops USING hash IS
  'exact equality of serialcode';
------------------------------------------------------------------------------
-- lottrace.codefmt: code-type formats (API.md §1)
--
-- A format is literal characters (GS1 character set 82) and segments
-- {NAME[:LEN[:FILL]][|ROOT]}; see README / API.md for the segment names.
-- Stored as a version byte and the canonical text; binary send/receive use
-- the same (receive parses again).
------------------------------------------------------------------------------
CREATE TYPE lottrace.codefmt;

CREATE FUNCTION lottrace.codefmt_in(cstring) RETURNS lottrace.codefmt
  AS 'MODULE_PATHNAME', 'lt_codefmt_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_in(cstring) IS
  'Input function of lottrace.codefmt: parses a code format (SQLSTATE 22P02 with the position when it is invalid).';

CREATE FUNCTION lottrace.codefmt_out(lottrace.codefmt) RETURNS cstring
  AS 'MODULE_PATHNAME', 'lt_codefmt_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_out(lottrace.codefmt) IS
  'Output function of lottrace.codefmt: the canonical format text (segment names upper case, default FILL left out).';

CREATE FUNCTION lottrace.codefmt_recv(internal) RETURNS lottrace.codefmt
  AS 'MODULE_PATHNAME', 'lt_codefmt_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_recv(internal) IS
  'Binary input of lottrace.codefmt: a version byte (1) and the format text, parsed again.';

CREATE FUNCTION lottrace.codefmt_send(lottrace.codefmt) RETURNS bytea
  AS 'MODULE_PATHNAME', 'lt_codefmt_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_send(lottrace.codefmt) IS
  'Binary output of lottrace.codefmt: a version byte (1) and the canonical format text.';

CREATE TYPE lottrace.codefmt (
  INPUT = lottrace.codefmt_in,
  OUTPUT = lottrace.codefmt_out,
  RECEIVE = lottrace.codefmt_recv,
  SEND = lottrace.codefmt_send,
  INTERNALLENGTH = VARIABLE,
  STORAGE = extended
);
COMMENT ON TYPE lottrace.codefmt IS
  'Code-type format: literal characters and segments {NAME[:LEN[:FILL]][|ROOT]}, e.g. {ITEM}-{YY}{SEQ:5|ITEM,YY}. Checked on input; prints its canonical form.';

-- Text converts on assignment, so INSERT ... SELECT of a text column works.
CREATE CAST (text AS lottrace.codefmt) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS lottrace.codefmt) IS
  'Text to code format on assignment (parses and checks the format).';

------------------------------------------------------------------------------
-- Equality: same canonical text
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.codefmt_eq(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_eq(lottrace.codefmt, lottrace.codefmt) IS
  'True when two code formats have the same canonical text.';

CREATE FUNCTION lottrace.codefmt_ne(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_ne(lottrace.codefmt, lottrace.codefmt) IS
  'True when two code formats differ in their canonical text.';

CREATE FUNCTION lottrace.codefmt_hash(lottrace.codefmt) RETURNS integer
  AS 'MODULE_PATHNAME', 'lt_codefmt_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_hash(lottrace.codefmt) IS
  'Hash support for lottrace.codefmt (hash joins, DISTINCT, GROUP BY).';

CREATE FUNCTION lottrace.codefmt_hash_extended(lottrace.codefmt, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'lt_codefmt_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.codefmt_hash_extended(lottrace.codefmt, bigint) IS
  'Extended (seeded) hash support for lottrace.codefmt.';

CREATE OPERATOR lottrace.= (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_eq,
  COMMUTATOR = OPERATOR(lottrace.=), NEGATOR = OPERATOR(lottrace.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR lottrace.= (lottrace.codefmt, lottrace.codefmt) IS
  'Code formats are equal when their canonical texts are.';

CREATE OPERATOR lottrace.<> (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_ne,
  COMMUTATOR = OPERATOR(lottrace.<>), NEGATOR = OPERATOR(lottrace.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR lottrace.<> (lottrace.codefmt, lottrace.codefmt) IS
  'Code formats differ when their canonical texts do.';

CREATE OPERATOR CLASS lottrace.codefmt_ops
  DEFAULT FOR TYPE lottrace.codefmt USING hash AS
    OPERATOR 1 lottrace.= (lottrace.codefmt, lottrace.codefmt),
    FUNCTION 1 lottrace.codefmt_hash(lottrace.codefmt),
    FUNCTION 2 lottrace.codefmt_hash_extended(lottrace.codefmt, bigint);
COMMENT ON OPERATOR CLASS lottrace.codefmt_ops USING hash IS
  'Default hash operator class of lottrace.codefmt (equality of canonical text).';
COMMENT ON OPERATOR FAMILY lottrace.codefmt_ops USING hash IS
  'Hash operator family of lottrace.codefmt.';

------------------------------------------------------------------------------
-- Rendering and matching
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.render(fmt lottrace.codefmt, ctx jsonb, seq bigint DEFAULT NULL)
RETURNS text
  AS 'MODULE_PATHNAME', 'lt_render'
  LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace.render(lottrace.codefmt, jsonb, bigint) IS
  'The code a format gives for context ctx (keys item, variant, class, category, item_type, lot_type, supplier, supplier_lot, doc, start_date (default today), expiry_date) and counter value seq (as-is for SEQ, 0-based for ALPHA). Missing key: 22023; counter too large: 22003; code over 50 characters: 22001.';

CREATE FUNCTION lottrace.matches(code text, fmt lottrace.codefmt, ctx jsonb DEFAULT NULL)
RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_matches'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.matches(text, lottrace.codefmt, jsonb) IS
  'True when code could have been produced by the format: segments whose context key (or date) is in ctx must equal their rendered value, the others must be well formed (dates real, CHK correct). Reads no table; NULL code gives NULL.';

CREATE FUNCTION lottrace._code_root(fmt lottrace.codefmt, ctx jsonb)
RETURNS text
  AS 'MODULE_PATHNAME', 'lt_code_root'
  LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace._code_root(lottrace.codefmt, jsonb) IS
  'Internal: the counter root of a format for a context (|ROOT values joined by "|", else the code without counter, RAND and CHK).';
-- Configuration tables (API.md §2), part 1: the ones that do not depend on
-- the codefmt type.  All of them hold user data and are dumped by pg_dump.

------------------------------------------------------------------------------
-- Lot statuses
------------------------------------------------------------------------------
CREATE TABLE lottrace.lot_status (
    code          text PRIMARY KEY CHECK (code <> ''),
    description   text,
    available     boolean NOT NULL DEFAULT true,
    mrp_available boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE lottrace.lot_status IS
  'Lot statuses. A lot whose status is not available cannot be unloaded unless the movement reason allows unavailable lots.';
COMMENT ON COLUMN lottrace.lot_status.code IS 'Status code, e.g. AVAILABLE, QUARANTINE.';
COMMENT ON COLUMN lottrace.lot_status.description IS 'Free text.';
COMMENT ON COLUMN lottrace.lot_status.available IS 'Lots in this status may be picked and unloaded.';
COMMENT ON COLUMN lottrace.lot_status.mrp_available IS 'Planning (MRP) may count stock of lots in this status.';

INSERT INTO lottrace.lot_status (code, description, available, mrp_available) VALUES
  ('AVAILABLE',  'Released: may be picked and shipped', true,  true),
  ('QUARANTINE', 'Awaiting release (e.g. lab analysis)', false, true),
  ('BLOCKED',    'Blocked by quality',                 false, false),
  ('EXPIRED',    'Past its block date',                false, false);

------------------------------------------------------------------------------
-- Lot types and evaluations: free classification tables
------------------------------------------------------------------------------
CREATE TABLE lottrace.lot_type (
    code        text PRIMARY KEY CHECK (code <> ''),
    description text
);
COMMENT ON TABLE lottrace.lot_type IS 'Lot types: a user classification of lots (the {LOTTYPE} format segment reads it).';
COMMENT ON COLUMN lottrace.lot_type.code IS 'Lot type code.';
COMMENT ON COLUMN lottrace.lot_type.description IS 'Free text.';

CREATE TABLE lottrace.lot_evaluation (
    code        text PRIMARY KEY CHECK (code <> ''),
    description text
);
COMMENT ON TABLE lottrace.lot_evaluation IS 'Lot evaluations: a quality grade a user may give a lot.';
COMMENT ON COLUMN lottrace.lot_evaluation.code IS 'Evaluation code.';
COMMENT ON COLUMN lottrace.lot_evaluation.description IS 'Free text.';

------------------------------------------------------------------------------
-- Warehouses
------------------------------------------------------------------------------
CREATE TABLE lottrace.warehouse (
    code           text PRIMARY KEY CHECK (code <> ''),
    description    text,
    allow_negative boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE lottrace.warehouse IS
  'Warehouse settings. Warehouses need not be listed: one that is not listed does not allow negative stock.';
COMMENT ON COLUMN lottrace.warehouse.code IS 'Warehouse code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.warehouse.description IS 'Free text.';
COMMENT ON COLUMN lottrace.warehouse.allow_negative IS 'Lot stock in this warehouse may go below zero.';

------------------------------------------------------------------------------
-- Movement reasons
------------------------------------------------------------------------------
CREATE TABLE lottrace.reason (
    code              text PRIMARY KEY CHECK (code <> ''),
    direction         text NOT NULL CHECK (direction IN ('load', 'unload')),
    description       text,
    new_lot_only      boolean NOT NULL DEFAULT false,
    allow_unavailable boolean NOT NULL DEFAULT false,
    create_serials    boolean NOT NULL DEFAULT false,
    production        text CHECK (production IN ('input', 'output')),
    requires_doc      boolean NOT NULL DEFAULT false,
    requires_account  boolean NOT NULL DEFAULT false,
    CONSTRAINT reason_production_direction CHECK (
        production IS NULL
        OR (production = 'input' AND direction = 'unload')
        OR (production = 'output' AND direction = 'load')),
    CONSTRAINT reason_load_flags CHECK (
        direction = 'load' OR NOT (new_lot_only OR create_serials))
);
COMMENT ON TABLE lottrace.reason IS
  'Movement reasons (warehouse templates). When attach() maps a reason column, each row''s reason gives its direction and rules.';
COMMENT ON COLUMN lottrace.reason.code IS 'Reason code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.reason.direction IS 'load: quantity enters the warehouse; unload: it leaves. Quantities are written positive.';
COMMENT ON COLUMN lottrace.reason.description IS 'Free text.';
COMMENT ON COLUMN lottrace.reason.new_lot_only IS 'Loads must create a new lot (may not add to a lot that existed before the statement).';
COMMENT ON COLUMN lottrace.reason.allow_unavailable IS 'Unloads may take lots that are unavailable, not saleable, force closed or blocked by expiry (e.g. scrapping).';
COMMENT ON COLUMN lottrace.reason.create_serials IS 'Loads of serial-tracked items without a serial get one from the item''s serial code type.';
COMMENT ON COLUMN lottrace.reason.production IS 'input: consumption of a production order; output: its product. Inputs and outputs sharing a batch key link lots (genealogy).';
COMMENT ON COLUMN lottrace.reason.requires_doc IS 'Rows with this reason must carry a document reference.';
COMMENT ON COLUMN lottrace.reason.requires_account IS 'Rows with this reason must carry a customer/supplier account.';

------------------------------------------------------------------------------
-- Year and month letters for the {YL} and {ML} format segments
------------------------------------------------------------------------------
CREATE TABLE lottrace.year_letter (
    year   int PRIMARY KEY CHECK (year BETWEEN 1 AND 9999),
    letter text NOT NULL CHECK (letter ~ '^[A-Z]$')
);
COMMENT ON TABLE lottrace.year_letter IS 'Letter standing for a year in codes ({YL} segment), e.g. 2026 = F.';
COMMENT ON COLUMN lottrace.year_letter.year IS 'Calendar year.';
COMMENT ON COLUMN lottrace.year_letter.letter IS 'One letter A-Z.';

CREATE TABLE lottrace.month_letter (
    month  int PRIMARY KEY CHECK (month BETWEEN 1 AND 12),
    letter text NOT NULL CHECK (letter ~ '^[A-Z]$')
);
COMMENT ON TABLE lottrace.month_letter IS 'Letter standing for a month in codes ({ML} segment); seeded January = A to December = L.';
COMMENT ON COLUMN lottrace.month_letter.month IS 'Month 1-12.';
COMMENT ON COLUMN lottrace.month_letter.letter IS 'One letter A-Z.';

INSERT INTO lottrace.month_letter (month, letter)
  SELECT m, chr(64 + m) FROM generate_series(1, 12) AS m;

------------------------------------------------------------------------------
-- Seeded rows and pg_dump
--
-- pg_dump writes only the rows a user added or changed (the filters below);
-- CREATE EXTENSION re-creates the seeded ones on restore.  A dumped row that
-- changes a seeded one has the same key, so on restore it would collide with
-- the fresh seed: the BEFORE INSERT trigger lets an INSERT replace a seeded
-- row that is still exactly as seeded.  Any other duplicate key fails as
-- usual.  (A deleted seeded row comes back on restore.)
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._seeded_lot_status(r lottrace.lot_status)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (r.code, r.description, r.available, r.mrp_available) IN (
  ('AVAILABLE',  'Released: may be picked and shipped', true,  true),
  ('QUARANTINE', 'Awaiting release (e.g. lab analysis)', false, true),
  ('BLOCKED',    'Blocked by quality',                 false, false),
  ('EXPIRED',    'Past its block date',                false, false));
COMMENT ON FUNCTION lottrace._seeded_lot_status(lottrace.lot_status) IS
  'Internal: true when a lot_status row is exactly as CREATE EXTENSION seeded it.';

CREATE FUNCTION lottrace._seeded_month_letter(r lottrace.month_letter)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN r.letter = chr(64 + r.month);
COMMENT ON FUNCTION lottrace._seeded_month_letter(lottrace.month_letter) IS
  'Internal: true when a month_letter row is exactly as CREATE EXTENSION seeded it.';

CREATE FUNCTION lottrace._replace_seeded_row()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'lot_status' THEN
    UPDATE lottrace.lot_status s
       SET description = NEW.description, available = NEW.available,
           mrp_available = NEW.mrp_available
     WHERE s.code = NEW.code AND lottrace._seeded_lot_status(s);
  ELSE
    UPDATE lottrace.month_letter s
       SET letter = NEW.letter
     WHERE s.month = NEW.month AND lottrace._seeded_month_letter(s);
  END IF;
  IF FOUND THEN
    RETURN NULL;        -- the seeded row now holds the new values
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._replace_seeded_row() IS
  'Internal trigger: an INSERT whose key matches a still-unchanged seeded row replaces it (this is what makes pg_restore of changed seeded rows work).';

CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.lot_status
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_row();
CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.month_letter
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_row();

SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_status',
         'WHERE NOT lottrace._seeded_lot_status(lot_status)');
SELECT pg_catalog.pg_extension_config_dump('lottrace.month_letter',
         'WHERE NOT lottrace._seeded_month_letter(month_letter)');
SELECT pg_catalog.pg_extension_config_dump('lottrace.year_letter', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_type', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_evaluation', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.warehouse', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.reason', '');
-- Configuration tables (API.md §2), part 2: code types, their counters, and
-- items (which refer to code types).

------------------------------------------------------------------------------
-- Code types
------------------------------------------------------------------------------
CREATE TABLE lottrace.code_type (
    code          text PRIMARY KEY CHECK (code <> ''),
    kind          text NOT NULL CHECK (kind IN ('lot', 'serial')),
    description   text,
    format        lottrace.codefmt NOT NULL,
    seq_start     bigint NOT NULL DEFAULT 1 CHECK (seq_start >= 0),
    alpha_start   text NOT NULL DEFAULT 'A' CHECK (alpha_start ~ '^[A-Z]{1,10}$'),
    unit_handling boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE lottrace.code_type IS
  'Code types: how lot or serial codes of an item are composed (a codefmt format) and where their counters start.';
COMMENT ON COLUMN lottrace.code_type.code IS 'Code type name, referred to by lottrace.item.lot_code_type / serial_code_type.';
COMMENT ON COLUMN lottrace.code_type.kind IS 'lot or serial: which kind of code this type makes.';
COMMENT ON COLUMN lottrace.code_type.description IS 'Free text.';
COMMENT ON COLUMN lottrace.code_type.format IS 'The format, e.g. {ITEM}-{YY}{MM}-{SEQ:4|ITEM,YYYY}.';
COMMENT ON COLUMN lottrace.code_type.seq_start IS 'First value of a {SEQ} counter for a new root.';
COMMENT ON COLUMN lottrace.code_type.alpha_start IS 'First value of an {ALPHA} counter for a new root, in letters (A = 0).';
COMMENT ON COLUMN lottrace.code_type.unit_handling IS 'Informational: codes of this type identify single units (kept for ERP compatibility).';

CREATE TABLE lottrace.code_counter (
    code_type  text NOT NULL REFERENCES lottrace.code_type ON UPDATE CASCADE ON DELETE CASCADE,
    root       text NOT NULL,
    last_value bigint NOT NULL,
    PRIMARY KEY (code_type, root)
);
COMMENT ON TABLE lottrace.code_counter IS
  'Counters of the code types: the last value handed out for each root. Advanced by next_code() and by code generation on load; gapless in commit order.';
COMMENT ON COLUMN lottrace.code_counter.code_type IS 'The code type.';
COMMENT ON COLUMN lottrace.code_counter.root IS 'The counter root: the values named in the counter''s |ROOT list joined by |, or else the code without counter, RAND and CHK.';
COMMENT ON COLUMN lottrace.code_counter.last_value IS 'Last value handed out (SEQ: as printed; ALPHA: 0-based, A = 0).';

------------------------------------------------------------------------------
-- Items
------------------------------------------------------------------------------
CREATE TABLE lottrace.item (
    item                 text PRIMARY KEY CHECK (item <> ''),
    lot_tracked          boolean NOT NULL DEFAULT false,
    serial_tracked       boolean NOT NULL DEFAULT false,
    lot_code_type        text REFERENCES lottrace.code_type ON UPDATE CASCADE,
    serial_code_type     text REFERENCES lottrace.code_type ON UPDATE CASCADE,
    pick_policy          text NOT NULL DEFAULT 'fifo' CHECK (pick_policy IN ('fifo', 'fefo', 'manual')),
    initial_status       text REFERENCES lottrace.lot_status ON UPDATE CASCADE,
    lot_validity_days    int CHECK (lot_validity_days >= 0),
    expiry_rule          text NOT NULL DEFAULT 'exact' CHECK (expiry_rule IN ('exact', 'month_end', 'month_start')),
    expiry_editable      boolean NOT NULL DEFAULT true,
    warn_days            int CHECK (warn_days >= 0),
    block_days           int NOT NULL DEFAULT 0 CHECK (block_days >= 0),
    single_supplier      boolean NOT NULL DEFAULT false,
    serial_validity_days int CHECK (serial_validity_days >= 0),
    item_class           text,
    category             text,
    item_type            text
);
COMMENT ON TABLE lottrace.item IS
  'Tracking parameters per item. Movements of items not listed here, or neither lot- nor serial-tracked, pass through ungoverned.';
COMMENT ON COLUMN lottrace.item.item IS 'Item code, as written in the attached ERP table.';
COMMENT ON COLUMN lottrace.item.lot_tracked IS 'Every movement must name a lot (or have one generated on load).';
COMMENT ON COLUMN lottrace.item.serial_tracked IS 'Every movement must name a serial and move exactly one unit.';
COMMENT ON COLUMN lottrace.item.lot_code_type IS 'Code type that generates and checks lot codes (kind lot).';
COMMENT ON COLUMN lottrace.item.serial_code_type IS 'Code type that generates and checks serial codes (kind serial).';
COMMENT ON COLUMN lottrace.item.pick_policy IS 'fifo (oldest start date first), fefo (earliest expiry first) or manual (offered as fifo).';
COMMENT ON COLUMN lottrace.item.initial_status IS 'Status of a new lot (e.g. QUARANTINE); NULL means the setting lottrace.default_status.';
COMMENT ON COLUMN lottrace.item.lot_validity_days IS 'Shelf life: a new lot expires this many days after its start date (then rounded by expiry_rule). NULL: no expiry unless the movement gives one.';
COMMENT ON COLUMN lottrace.item.expiry_rule IS 'Rounding of computed expiry dates: exact, month_end (last day of that month) or month_start (first day).';
COMMENT ON COLUMN lottrace.item.expiry_editable IS 'Users may change the expiry date of this item''s lots.';
COMMENT ON COLUMN lottrace.item.warn_days IS 'refresh_expiry() warns about open lots this many days before expiry.';
COMMENT ON COLUMN lottrace.item.block_days IS 'Lots may not be unloaded from this many days before their expiry date.';
COMMENT ON COLUMN lottrace.item.single_supplier IS 'A lot may only be loaded from one supplier account.';
COMMENT ON COLUMN lottrace.item.serial_validity_days IS 'A new serial expires this many days after its start date.';
COMMENT ON COLUMN lottrace.item.item_class IS 'Item class (the {CLASS} format segment).';
COMMENT ON COLUMN lottrace.item.category IS 'Commodity category (the {CATEGORY} format segment).';
COMMENT ON COLUMN lottrace.item.item_type IS 'Item type (the {ITEMTYPE} format segment).';

-- A code type used for lots must make lot codes, and likewise for serials.
CREATE FUNCTION lottrace._check_item_code_types()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k text;
BEGIN
  IF NEW.lot_code_type IS NOT NULL THEN
    SELECT kind INTO k FROM lottrace.code_type WHERE code = NEW.lot_code_type;
    IF k <> 'lot' THEN
      RAISE EXCEPTION 'code type "%" makes % codes, not lot codes', NEW.lot_code_type, k
        USING ERRCODE = 'check_violation', CONSTRAINT = 'item_lot_code_type_kind',
              DETAIL = format('Item "%s".', NEW.item);
    END IF;
  END IF;
  IF NEW.serial_code_type IS NOT NULL THEN
    SELECT kind INTO k FROM lottrace.code_type WHERE code = NEW.serial_code_type;
    IF k <> 'serial' THEN
      RAISE EXCEPTION 'code type "%" makes % codes, not serial codes', NEW.serial_code_type, k
        USING ERRCODE = 'check_violation', CONSTRAINT = 'item_serial_code_type_kind',
              DETAIL = format('Item "%s".', NEW.item);
    END IF;
  END IF;
  IF TG_OP = 'UPDATE'
     AND (NEW.lot_tracked, NEW.serial_tracked) IS DISTINCT FROM (OLD.lot_tracked, OLD.serial_tracked) THEN
    RAISE NOTICE 'tracking of item "%" changed', NEW.item
      USING HINT = 'Movements already in attached tables are not re-read: run SELECT lottrace.rebuild() once the change is committed.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._check_item_code_types() IS
  'Internal trigger: an item''s lot code type must be of kind lot and its serial code type of kind serial.';
CREATE TRIGGER check_code_types BEFORE INSERT OR UPDATE ON lottrace.item
  FOR EACH ROW EXECUTE FUNCTION lottrace._check_item_code_types();

-- The reverse direction: a code type in use keeps its kind.
CREATE FUNCTION lottrace._check_code_type_kind()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NEW.kind <> OLD.kind AND EXISTS (
       SELECT FROM lottrace.item
        WHERE (NEW.kind = 'serial' AND lot_code_type = OLD.code)
           OR (NEW.kind = 'lot' AND serial_code_type = OLD.code)) THEN
    RAISE EXCEPTION 'code type "%" is used by items as a % code type', OLD.code, OLD.kind
      USING ERRCODE = 'check_violation', CONSTRAINT = 'code_type_kind_in_use';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._check_code_type_kind() IS
  'Internal trigger: a code type used by items cannot change its kind.';
CREATE TRIGGER check_kind BEFORE UPDATE OF kind ON lottrace.code_type
  FOR EACH ROW EXECUTE FUNCTION lottrace._check_code_type_kind();

SELECT pg_catalog.pg_extension_config_dump('lottrace.code_type', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.code_counter', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.item', '');
-- Registers (API.md §4): lots, serials, status log, per-warehouse balances,
-- production batches and manual genealogy links.
--
-- The trigger engine (C) writes these tables as the extension owner.  Users
-- may UPDATE the editable columns of lot and serial when granted; guard
-- triggers reject changes to the maintained columns.  Derived tables
-- (lot.stock, batch_member and the maintained serial columns) can always
-- be recomputed by lottrace.rebuild().

------------------------------------------------------------------------------
-- Lots
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._stock_add(stock jsonb, delta jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'lt_stock_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._stock_add(jsonb, jsonb) IS
  'Internal: a lot''s stock object plus a delta, per warehouse ({"W1": [loaded_qty, on_hand]}); all-zero warehouses are dropped.';

CREATE FUNCTION lottrace._stock_negative(stock jsonb, delta jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'lt_stock_negative'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._stock_negative(jsonb, jsonb) IS
  'Internal: {"W1": on_hand} for the warehouses named in delta whose on-hand quantity in stock is below zero; NULL when none.';

CREATE TABLE lottrace.lot (
    lot_id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item         text NOT NULL,
    variant      text,
    code         lottrace.lotcode NOT NULL,
    code_type    text,
    lot_type     text,
    supplier     text,
    supplier_lot text,
    manufacturer text,
    start_date   date,
    expiry_date  date,
    initial_qty  numeric,
    packages     int,
    notes        text,
    status       text NOT NULL,
    evaluation   text,
    saleable     boolean NOT NULL DEFAULT true,
    force_closed boolean NOT NULL DEFAULT false,
    stock        jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT lot_item_code_variant_key UNIQUE NULLS NOT DISTINCT (item, code, variant)
) WITH (fillfactor = 50);
COMMENT ON TABLE lottrace.lot IS
  'Lot register: one row per (item, variant, lot code), created by the first load. Editable by UPDATE: status, notes, supplier fields, evaluation, saleable, force_closed, packages, lot_type, and expiry_date where the item allows it.';
COMMENT ON COLUMN lottrace.lot.lot_id IS 'Surrogate key.';
COMMENT ON COLUMN lottrace.lot.item IS 'Item code (not editable).';
COMMENT ON COLUMN lottrace.lot.variant IS 'Item variant; NULL when the ERP has none (not editable).';
COMMENT ON COLUMN lottrace.lot.code IS 'Lot code (not editable).';
COMMENT ON COLUMN lottrace.lot.code_type IS 'Code type the item had when the lot was created.';
COMMENT ON COLUMN lottrace.lot.lot_type IS 'Lot type (lottrace.lot_type).';
COMMENT ON COLUMN lottrace.lot.supplier IS 'Supplier account: the account of the first load.';
COMMENT ON COLUMN lottrace.lot.supplier_lot IS 'The supplier''s own lot code.';
COMMENT ON COLUMN lottrace.lot.manufacturer IS 'Manufacturer, free text.';
COMMENT ON COLUMN lottrace.lot.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.lot.expiry_date IS 'Expiry date: given by the load, or start date + the item''s validity days rounded by its expiry rule.';
COMMENT ON COLUMN lottrace.lot.initial_qty IS 'Quantity of the first load (not editable).';
COMMENT ON COLUMN lottrace.lot.packages IS 'Number of packages, free.';
COMMENT ON COLUMN lottrace.lot.notes IS 'Free text.';
COMMENT ON COLUMN lottrace.lot.status IS 'Lot status (lottrace.lot_status); every change is logged in lottrace.lot_status_log.';
COMMENT ON COLUMN lottrace.lot.evaluation IS 'Quality evaluation (lottrace.lot_evaluation).';
COMMENT ON COLUMN lottrace.lot.saleable IS 'false: the lot may not be unloaded (unless the reason allows unavailable lots).';
COMMENT ON COLUMN lottrace.lot.force_closed IS 'true: the lot is closed by hand; its stock no longer counts as available.';
COMMENT ON COLUMN lottrace.lot.stock IS
  'Derived: the lot''s stock per warehouse, {"W1": [loaded_qty, on_hand], ...}, summed over all attached tables. Maintained by the triggers (one row per lot, so one write per lot and movement statement), recomputed by rebuild(); read it through lottrace.lot_stock.';

------------------------------------------------------------------------------
-- Serials
------------------------------------------------------------------------------
CREATE TABLE lottrace.serial (
    serial_id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item          text NOT NULL,
    variant       text,
    code          lottrace.serialcode NOT NULL,
    lot_id        bigint,
    state         text NOT NULL DEFAULT 'out' CHECK (state IN ('in_stock', 'out')),
    warehouse     text,
    start_date    date,
    expiry_date   date,
    customer_code text,
    supplier_code text,
    supplier      text,
    cancelled     boolean NOT NULL DEFAULT false,
    force_closed  boolean NOT NULL DEFAULT false,
    reserved      boolean NOT NULL DEFAULT false,
    load_doc      text,
    loaded_on     date,
    unload_doc    text,
    unloaded_on   date,
    CONSTRAINT serial_item_code_variant_key UNIQUE NULLS NOT DISTINCT (item, code, variant),
    CONSTRAINT serial_state_warehouse CHECK ((state = 'in_stock') = (warehouse IS NOT NULL))
) WITH (fillfactor = 70);
COMMENT ON TABLE lottrace.serial IS
  'Serial register: one row per (item, variant, serial code). Editable by UPDATE: customer_code, supplier_code, supplier, expiry_date, cancelled, force_closed, reserved; the rest is maintained by the triggers.';
COMMENT ON COLUMN lottrace.serial.serial_id IS 'Surrogate key.';
COMMENT ON COLUMN lottrace.serial.item IS 'Item code.';
COMMENT ON COLUMN lottrace.serial.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.serial.code IS 'Serial code.';
COMMENT ON COLUMN lottrace.serial.lot_id IS 'The serial''s current lot (of its last load), if the item is also lot-tracked.';
COMMENT ON COLUMN lottrace.serial.state IS 'in_stock (in warehouse) or out.';
COMMENT ON COLUMN lottrace.serial.warehouse IS 'Where the serial is, while in stock.';
COMMENT ON COLUMN lottrace.serial.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.serial.expiry_date IS 'Start date + the item''s serial validity days; editable.';
COMMENT ON COLUMN lottrace.serial.customer_code IS 'The customer''s code for this unit.';
COMMENT ON COLUMN lottrace.serial.supplier_code IS 'The supplier''s code for this unit.';
COMMENT ON COLUMN lottrace.serial.supplier IS 'Supplier account of the first load.';
COMMENT ON COLUMN lottrace.serial.cancelled IS 'A cancelled serial may not move.';
COMMENT ON COLUMN lottrace.serial.force_closed IS 'Closed by hand.';
COMMENT ON COLUMN lottrace.serial.reserved IS 'Reserved for an order, free.';
COMMENT ON COLUMN lottrace.serial.load_doc IS 'Document of the load that last brought the serial into stock.';
COMMENT ON COLUMN lottrace.serial.loaded_on IS 'Date of that load.';
COMMENT ON COLUMN lottrace.serial.unload_doc IS 'Document of the first unload after that load.';
COMMENT ON COLUMN lottrace.serial.unloaded_on IS 'Date of that unload.';

CREATE INDEX serial_lot_idx ON lottrace.serial (lot_id) WHERE lot_id IS NOT NULL;

------------------------------------------------------------------------------
-- Status log
------------------------------------------------------------------------------
CREATE TABLE lottrace.lot_status_log (
    log_id     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    lot_id     bigint NOT NULL,
    old_status text,
    new_status text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_by text NOT NULL DEFAULT CURRENT_USER,
    note       text
);
COMMENT ON TABLE lottrace.lot_status_log IS
  'Every status change of every lot (by set_lot_status, UPDATE or refresh_expiry): who, when, from, to, why. A lot''s creation is not a change: its first status is the old_status of its first row here (or its status, if it never changed).';
COMMENT ON COLUMN lottrace.lot_status_log.log_id IS 'Surrogate key.';
COMMENT ON COLUMN lottrace.lot_status_log.lot_id IS 'The lot.';
COMMENT ON COLUMN lottrace.lot_status_log.old_status IS 'Status before the change.';
COMMENT ON COLUMN lottrace.lot_status_log.new_status IS 'Status after the change.';
COMMENT ON COLUMN lottrace.lot_status_log.changed_at IS 'Start time of the changing transaction.';
COMMENT ON COLUMN lottrace.lot_status_log.changed_by IS 'Role that made the change.';
COMMENT ON COLUMN lottrace.lot_status_log.note IS 'Why: the note given to set_lot_status, or the setting lottrace.status_note.';

CREATE INDEX lot_status_log_lot_idx ON lottrace.lot_status_log (lot_id, changed_at);

------------------------------------------------------------------------------
-- Genealogy
------------------------------------------------------------------------------
CREATE TABLE lottrace.batch_member (
    batch_key text NOT NULL,
    role      text NOT NULL CHECK (role IN ('input', 'output')),
    lot_id    bigint NOT NULL,
    qty       numeric NOT NULL,
    nrows     int NOT NULL,
    PRIMARY KEY (batch_key, role, lot_id)
);
COMMENT ON TABLE lottrace.batch_member IS
  'Derived: lots consumed (input) and produced (output) under each production batch key, from movements whose reason has production set.';
COMMENT ON COLUMN lottrace.batch_member.batch_key IS 'Production order / batch key of the movements.';
COMMENT ON COLUMN lottrace.batch_member.role IS 'input (consumed lot) or output (produced lot).';
COMMENT ON COLUMN lottrace.batch_member.lot_id IS 'The lot.';
COMMENT ON COLUMN lottrace.batch_member.qty IS 'Quantity consumed or produced under this batch key.';
COMMENT ON COLUMN lottrace.batch_member.nrows IS 'Number of movement rows behind this member.';

CREATE INDEX batch_member_lot_idx ON lottrace.batch_member (lot_id, role);

CREATE TABLE lottrace.lot_link (
    parent_lot_id bigint NOT NULL,
    child_lot_id  bigint NOT NULL,
    qty           numeric,
    linked_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    linked_by     text NOT NULL DEFAULT CURRENT_USER,
    PRIMARY KEY (parent_lot_id, child_lot_id)
);
COMMENT ON TABLE lottrace.lot_link IS
  'Manual genealogy links (lottrace.link_lots): relabelling, splitting, rework done outside production movements.';
COMMENT ON COLUMN lottrace.lot_link.parent_lot_id IS 'The lot that went in.';
COMMENT ON COLUMN lottrace.lot_link.child_lot_id IS 'The lot that came out.';
COMMENT ON COLUMN lottrace.lot_link.qty IS 'Quantity of the parent that went into the child, if known.';
COMMENT ON COLUMN lottrace.lot_link.linked_at IS 'When the link was made.';
COMMENT ON COLUMN lottrace.lot_link.linked_by IS 'Who made it.';

CREATE INDEX lot_link_child_idx ON lottrace.lot_link (child_lot_id);

CREATE VIEW lottrace.genealogy AS
  SELECT i.lot_id AS parent_lot_id, o.lot_id AS child_lot_id, i.qty, i.batch_key,
         'production'::text AS source
    FROM lottrace.batch_member i
    JOIN lottrace.batch_member o ON o.batch_key = i.batch_key AND o.role = 'output'
   WHERE i.role = 'input'
  UNION ALL
  SELECT parent_lot_id, child_lot_id, qty, NULL, 'manual'
    FROM lottrace.lot_link;
COMMENT ON VIEW lottrace.genealogy IS
  'Every parent -> child lot link: production batches (inputs x outputs of a batch key, qty = input consumed) and manual links.';
COMMENT ON COLUMN lottrace.genealogy.parent_lot_id IS 'The lot that went in.';
COMMENT ON COLUMN lottrace.genealogy.child_lot_id IS 'The lot that came out.';
COMMENT ON COLUMN lottrace.genealogy.qty IS 'Quantity of the parent consumed (production) or given to link_lots.';
COMMENT ON COLUMN lottrace.genealogy.batch_key IS 'Production batch key; NULL for manual links.';
COMMENT ON COLUMN lottrace.genealogy.source IS 'production or manual.';

------------------------------------------------------------------------------
-- Attached ERP tables
------------------------------------------------------------------------------
CREATE TABLE lottrace.attachment (
    relid            regclass PRIMARY KEY,
    item_col         text NOT NULL,
    qty_col          text NOT NULL,
    warehouse_col    text NOT NULL,
    lot_col          text,
    serial_col       text,
    reason_col       text,
    doc_col          text,
    moved_on_col     text,
    location_col     text,
    variant_col      text,
    account_col      text,
    batch_key_col    text,
    expiry_col       text,
    supplier_lot_col text,
    pk_cols          text[],
    attnums          smallint[],
    attached_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    attached_by      text NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE lottrace.attachment IS
  'ERP stock-movement tables governed by lottrace, with their column mapping (written by attach(), removed by detach()).';
COMMENT ON COLUMN lottrace.attachment.relid IS 'The ERP table.';
COMMENT ON COLUMN lottrace.attachment.item_col IS 'Column holding the item code.';
COMMENT ON COLUMN lottrace.attachment.qty_col IS 'Column holding the quantity (signed when no reason column is mapped).';
COMMENT ON COLUMN lottrace.attachment.warehouse_col IS 'Column holding the warehouse code.';
COMMENT ON COLUMN lottrace.attachment.lot_col IS 'Column holding the lot code.';
COMMENT ON COLUMN lottrace.attachment.serial_col IS 'Column holding the serial code.';
COMMENT ON COLUMN lottrace.attachment.reason_col IS 'Column holding the movement reason.';
COMMENT ON COLUMN lottrace.attachment.doc_col IS 'Column holding the document reference.';
COMMENT ON COLUMN lottrace.attachment.moved_on_col IS 'Column holding the movement date (unmapped: current_date).';
COMMENT ON COLUMN lottrace.attachment.location_col IS 'Column holding the location inside the warehouse.';
COMMENT ON COLUMN lottrace.attachment.variant_col IS 'Column holding the item variant.';
COMMENT ON COLUMN lottrace.attachment.account_col IS 'Column holding the customer/supplier account.';
COMMENT ON COLUMN lottrace.attachment.batch_key_col IS 'Column holding the production batch key.';
COMMENT ON COLUMN lottrace.attachment.expiry_col IS 'Column holding an expiry date given on load.';
COMMENT ON COLUMN lottrace.attachment.supplier_lot_col IS 'Column holding the supplier''s lot code.';
COMMENT ON COLUMN lottrace.attachment.pk_cols IS 'The table''s primary key columns (lottrace.movements.source_key): recorded by attach() and followed when the key changes. Kept here, not looked up, so that a restore does not depend on the order in which pg_restore re-creates keys.';
COMMENT ON COLUMN lottrace.attachment.attnums IS 'Attribute numbers of the mapped columns (in the order of the *_col columns), kept so that a renamed column is followed; set by a trigger from the names.';
COMMENT ON COLUMN lottrace.attachment.attached_at IS 'When attach() ran.';
COMMENT ON COLUMN lottrace.attachment.attached_by IS 'Who ran it.';

------------------------------------------------------------------------------
-- pg_dump: registers hold user data (statuses, notes, links) and the derived
-- state is dumped with them so a restore is consistent without a rebuild.
------------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.serial', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_status_log', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.batch_member', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_link', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.attachment', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_lot_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.serial_serial_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.lot_status_log_log_id_seq', '');
-- The tracking engine (API.md §3-§5): code generation, attach/detach, the
-- trigger functions, the views over the registers, and the maintenance
-- functions.

------------------------------------------------------------------------------
-- Code generation
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.next_code(code_type text, ctx jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'lt_next_code_sql'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.next_code(text, jsonb) IS
  'Next code of a code type for the context (item, variant, class, category, item_type, lot_type, supplier, supplier_lot, doc, start_date, expiry_date); advances the counter of its root, gapless in commit order, skipping codes the item already uses.';
REVOKE EXECUTE ON FUNCTION lottrace.next_code(text, jsonb) FROM PUBLIC;

------------------------------------------------------------------------------
-- Trigger functions
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._trg_rows()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_rows'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_rows() IS
  'Trigger on attached tables (AFTER INSERT/UPDATE/DELETE FOR EACH STATEMENT, transition tables): enforces the rules and maintains the registers.';

CREATE FUNCTION lottrace._trg_generate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_generate'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_generate() IS
  'Trigger on attached tables (BEFORE INSERT FOR EACH ROW, only rows without a lot or serial): writes a generated code into loads that need one.';

CREATE FUNCTION lottrace._wants_code(item text, lot text, serial text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lt_wants_code'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._wants_code(text, text, text) IS
  'Internal: the WHEN clause of lottrace_generate. False when a row cannot need a generated code (lot and serial given, or its item tracks neither missing code); NULL or '''' is a missing code.';

CREATE FUNCTION lottrace._trg_truncate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_trg_truncate'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._trg_truncate() IS
  'Trigger on attached tables (BEFORE TRUNCATE): refuses TRUNCATE, which would bypass the registers.';

CREATE FUNCTION lottrace._config_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_config_changed'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._config_changed() IS
  'Internal trigger: a configuration table changed, so every backend drops its cached configuration.';

CREATE FUNCTION lottrace._lot_guard()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_lot_guard'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._lot_guard() IS
  'Internal trigger on lottrace.lot: which columns users may edit, valid statuses, no deleting lots in use.';

CREATE FUNCTION lottrace._serial_guard()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_serial_guard'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._serial_guard() IS
  'Internal trigger on lottrace.serial: users may edit customer/supplier codes, supplier, expiry and flags; the rest is maintained.';

CREATE FUNCTION lottrace._lot_status_log()
RETURNS trigger
AS 'MODULE_PATHNAME', 'lt_lot_status_log'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._lot_status_log() IS
  'Internal trigger on lottrace.lot: logs every status change in lottrace.lot_status_log.';

CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.item
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.reason
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.code_type
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.warehouse
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.lot_status
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.attachment
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._config_changed();

CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON lottrace.lot
  FOR EACH ROW EXECUTE FUNCTION lottrace._lot_guard();
CREATE TRIGGER status_log AFTER UPDATE OF status ON lottrace.lot
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION lottrace._lot_status_log();
CREATE TRIGGER guard BEFORE INSERT OR UPDATE OR DELETE ON lottrace.serial
  FOR EACH ROW EXECUTE FUNCTION lottrace._serial_guard();

------------------------------------------------------------------------------
-- All attached tables in one shape
--
-- lottrace.movements reads lottrace._movements(), an SQL function whose body
-- is re-written whenever lottrace.attachment changes (attach, detach, and
-- pg_restore loading the table) as a UNION ALL over the attached tables.
-- The body names each table as text, so it is also re-written when an
-- attached table or its schema is renamed or moved (event trigger
-- lottrace_follow_renames), and verify() and rebuild() re-write it, if it
-- is out of date, before they read it.
-- The planner inlines it, so filters reach each table's own indexes.  A
-- function body records no dependency on the ERP tables: dropping one never
-- cascades to the extension (a view over them would).  Inlined, the body is
-- parsed with the caller's search_path, so every name and operator in it is
-- schema-qualified, and it reads the ERP tables with the caller's rights.
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._movements()
RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text, lot text,
               serial text, warehouse text, location text, qty numeric, reason text, doc text,
               account text, batch_key text, moved_on date, expiry date, supplier_lot text)
LANGUAGE sql STABLE
-- (exactly the body lottrace._refresh_movements() writes for no attached
-- table, so that it finds nothing to re-write)
AS 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date, NULL::pg_catalog.text WHERE false';
COMMENT ON FUNCTION lottrace._movements() IS
  'Internal: the rows of every attached table (its body is re-written by attach and detach); read it through lottrace.movements.';

CREATE VIEW lottrace.movements AS
  SELECT source, source_key, item, variant, lot, serial, warehouse, location, qty, reason,
         doc, account, batch_key, moved_on
    FROM lottrace._movements();
COMMENT ON VIEW lottrace.movements IS
  'Every row of every attached ERP table in one shape (qty signed: + load, - unload). Reads the tables with the caller''s privileges.';
COMMENT ON COLUMN lottrace.movements.source IS 'The attached table.';
COMMENT ON COLUMN lottrace.movements.source_key IS 'The row''s primary key as text.';
COMMENT ON COLUMN lottrace.movements.item IS 'Item code.';
COMMENT ON COLUMN lottrace.movements.variant IS 'Item variant (empty strings read as NULL).';
COMMENT ON COLUMN lottrace.movements.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.movements.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.movements.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.movements.location IS 'Location inside the warehouse.';
COMMENT ON COLUMN lottrace.movements.qty IS 'Quantity, signed: positive loads, negative unloads.';
COMMENT ON COLUMN lottrace.movements.reason IS 'Movement reason.';
COMMENT ON COLUMN lottrace.movements.doc IS 'Document reference.';
COMMENT ON COLUMN lottrace.movements.account IS 'Customer/supplier account.';
COMMENT ON COLUMN lottrace.movements.batch_key IS 'Production batch key.';
COMMENT ON COLUMN lottrace.movements.moved_on IS 'Movement date (NULL when the table maps none).';

CREATE FUNCTION lottrace._refresh_movements()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  a     record;
  parts text[] := '{}';
  pk    text;
  cols  text[];
  q     text;
BEGIN
  FOR a IN SELECT * FROM lottrace.attachment ORDER BY relid::oid LOOP
    -- the primary key as recorded in the mapping (pg_restore may load the
    -- mapping before it re-creates the key), written by its type's output
    -- function as the C engine does: a key of any type, never a cast, which
    -- the table's owner could define for its own type and which verify()
    -- and rebuild() would run as the extension owner.  (The mapped columns
    -- are cast: attach() and lottrace._follow_columns() hold them to
    -- built-in types, domains over them, and lottrace's code types, whose
    -- casts nobody else can define.)
    SELECT CASE WHEN count(*) = 0 THEN NULL
                WHEN count(*) = 1 THEN format('pg_catalog.format(%L, t.%I)', '%s', min(k.col))
                ELSE format('pg_catalog.format(%L, ROW(%s))', '%s',
                            string_agg(format('t.%I', k.col), ', ' ORDER BY k.ord)) END
      INTO pk
      FROM unnest(a.pk_cols) WITH ORDINALITY AS k(col, ord);

    cols := ARRAY[
      format('%s::pg_catalog.regclass', a.relid::oid),
      coalesce(pk, 'NULL::pg_catalog.text'),
      format('(t.%I)::pg_catalog.text', a.item_col),
      CASE WHEN a.variant_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('CASE WHEN (t.%1$I)::pg_catalog.text OPERATOR(pg_catalog.=) %2$L THEN NULL'
                       ' ELSE (t.%1$I)::pg_catalog.text END', a.variant_col, '') END,
      CASE WHEN a.lot_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.lot_col) END,
      CASE WHEN a.serial_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.serial_col) END,
      format('(t.%I)::pg_catalog.text', a.warehouse_col),
      CASE WHEN a.location_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.location_col) END,
      CASE WHEN a.reason_col IS NULL THEN format('(t.%I)::pg_catalog.numeric', a.qty_col)
           ELSE format('CASE WHEN (SELECT r.direction FROM lottrace.reason r'
                       ' WHERE r.code OPERATOR(pg_catalog.=) (t.%2$I)::pg_catalog.text)'
                       ' OPERATOR(pg_catalog.=) %3$L'
                       ' THEN OPERATOR(pg_catalog.-) (t.%1$I)::pg_catalog.numeric'
                       ' ELSE (t.%1$I)::pg_catalog.numeric END', a.qty_col, a.reason_col, 'unload') END,
      CASE WHEN a.reason_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.reason_col) END,
      CASE WHEN a.doc_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.doc_col) END,
      CASE WHEN a.account_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.account_col) END,
      CASE WHEN a.batch_key_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.batch_key_col) END,
      CASE WHEN a.moved_on_col IS NULL THEN 'NULL::pg_catalog.date'
           ELSE format('(t.%I)::pg_catalog.date', a.moved_on_col) END,
      CASE WHEN a.expiry_col IS NULL THEN 'NULL::pg_catalog.date'
           ELSE format('(t.%I)::pg_catalog.date', a.expiry_col) END,
      CASE WHEN a.supplier_lot_col IS NULL THEN 'NULL::pg_catalog.text'
           ELSE format('(t.%I)::pg_catalog.text', a.supplier_lot_col) END];
    -- one table per branch (the sign comes from a scalar subquery, not a
    -- join), so the planner flattens the UNION ALL and joins reach each
    -- table's indexes
    -- ONLY: the table's own rows (attach refuses inheritance children, and
    -- the event trigger lottrace_guard_attached refuses new ones; a
    -- partitioned table is read with its partitions)
    q := format('SELECT %s FROM %s%s t', array_to_string(cols, ', '),
                CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = a.relid) = 'p'
                     THEN '' ELSE 'ONLY ' END,
                a.relid::oid::regclass);
    parts := parts || q;
  END LOOP;

  IF cardinality(parts) = 0 THEN
    q := 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
         ' NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date,'
         ' NULL::pg_catalog.text WHERE false';
  ELSE
    q := array_to_string(parts, ' UNION ALL ');
  END IF;
  -- only when it changed: it is called on every ALTER TABLE / SCHEMA, and by
  -- verify() and rebuild() (concurrent replacements of one function fail)
  IF q IS DISTINCT FROM (SELECT p.prosrc FROM pg_proc p
                          WHERE p.oid = 'lottrace._movements()'::regprocedure) THEN
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION lottrace._movements()'
      ' RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text,'
      ' lot text, serial text, warehouse text, location text, qty numeric, reason text, doc text,'
      ' account text, batch_key text, moved_on date, expiry date, supplier_lot text)'
      ' LANGUAGE sql STABLE AS %L', q);
  END IF;
END
$fn$;
COMMENT ON FUNCTION lottrace._refresh_movements() IS
  'Internal: re-writes lottrace._movements() over the attached tables, under their current names, when its body differs.';

CREATE FUNCTION lottrace._attachment_changed()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM lottrace._refresh_movements();
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION lottrace._attachment_changed() IS
  'Internal trigger on lottrace.attachment: keeps lottrace.movements in step (also when pg_restore loads the table).';
CREATE TRIGGER refresh_movements AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON lottrace.attachment
  FOR EACH STATEMENT EXECUTE FUNCTION lottrace._attachment_changed();

------------------------------------------------------------------------------
-- The triggers on an attached table, and on its partitions
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._govern(tbl regclass, cols text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  part regclass;
  cond text;
BEGIN
  -- code generation: a row trigger, which PostgreSQL clones onto partitions;
  -- its WHEN clause lets through only rows that may need a code
  -- (no code: NULL or '', which the engine reads as none; in char(n), only
  -- blanks: the text cast drops them).  The mapped item, lot and serial
  -- columns come as arguments: this runs as the caller, who need not read
  -- lottrace.attachment.
  IF cols[2] IS NOT NULL OR cols[3] IS NOT NULL THEN
    cond := format('lottrace._wants_code((NEW.%I)::pg_catalog.text, %s, %s)', cols[1],
                   CASE WHEN cols[2] IS NULL THEN 'NULL'
                        ELSE format('(NEW.%I)::pg_catalog.text', cols[2]) END,
                   CASE WHEN cols[3] IS NULL THEN 'NULL'
                        ELSE format('(NEW.%I)::pg_catalog.text', cols[3]) END);
  END IF;
  IF cond IS NOT NULL AND NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'lottrace_generate') THEN
    EXECUTE format('CREATE TRIGGER lottrace_generate BEFORE INSERT ON %s FOR EACH ROW WHEN (%s)'
                   ' EXECUTE FUNCTION lottrace._trg_generate()', tbl, cond);
  END IF;
  -- the statement triggers, on the table and on every partition below it
  -- (statement triggers are not cloned: DML aimed at a partition fires the
  -- partition's own)
  FOR part IN SELECT relid FROM pg_partition_tree(tbl) UNION SELECT tbl LOOP
    CONTINUE WHEN EXISTS (SELECT FROM pg_trigger WHERE tgrelid = part AND tgname = 'lottrace_insert');
    EXECUTE format('CREATE TRIGGER lottrace_insert AFTER INSERT ON %s'
                   ' REFERENCING NEW TABLE AS lottrace_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_update AFTER UPDATE ON %s'
                   ' REFERENCING OLD TABLE AS lottrace_old NEW TABLE AS lottrace_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_delete AFTER DELETE ON %s'
                   ' REFERENCING OLD TABLE AS lottrace_old'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_rows()', part);
    EXECUTE format('CREATE TRIGGER lottrace_truncate BEFORE TRUNCATE ON %s'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._trg_truncate()', part);
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._govern(regclass, text[]) IS
  'Internal: creates lottrace''s triggers on an attached table and on each of its partitions that lacks them (runs as the caller, who must own them); cols are its mapped item, lot and serial columns.';

CREATE FUNCTION lottrace._ungovern(tbl regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT tg.tgname, tg.tgrelid::regclass AS rel
             FROM pg_trigger tg
            WHERE tg.tgrelid IN (SELECT relid FROM pg_partition_tree(tbl) UNION SELECT tbl)
              AND tg.tgname IN ('lottrace_generate', 'lottrace_insert', 'lottrace_update',
                                'lottrace_delete', 'lottrace_truncate')
              AND tg.tgparentid = 0
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._ungovern(regclass) IS
  'Internal: drops lottrace''s triggers from a table and its partitions.';

-- Partitions created or attached later get the statement triggers too.
CREATE FUNCTION lottrace._govern_new_partitions()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  root record;
BEGIN
  FOR root IN
    SELECT DISTINCT a.relid, a.item_col, a.lot_col, a.serial_col
      FROM pg_event_trigger_ddl_commands() c
      JOIN lottrace.attachment a
        ON a.relid IN (SELECT relid FROM pg_partition_ancestors(c.objid))
        OR c.objid IN (SELECT relid FROM pg_partition_tree(a.relid))
     WHERE c.classid = 'pg_class'::regclass
  LOOP
    -- an attached table always has its own triggers, except while pg_restore
    -- re-creates it: then the dump re-creates every trigger itself (after the
    -- ALTER TABLEs of its post-data section), and triggers made here would
    -- make the dump's CREATE TRIGGER fail
    CONTINUE WHEN NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = root.relid AND tgname = 'lottrace_insert');
    IF EXISTS (SELECT FROM pg_partition_tree(root.relid) p
                WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')) THEN
      PERFORM lottrace._govern(root.relid, ARRAY[root.item_col, root.lot_col, root.serial_col]);
      RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid
        USING HINT = 'Rows that were already in an attached partition are not in the registers: run SELECT lottrace.rebuild().';
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._govern_new_partitions() IS
  'Internal event trigger: a partition created in, or attached to, an attached table gets lottrace''s statement triggers.';
CREATE EVENT TRIGGER lottrace_govern_partitions ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE TABLE AS')
  EXECUTE FUNCTION lottrace._govern_new_partitions();
COMMENT ON EVENT TRIGGER lottrace_govern_partitions IS
  'lottrace: partitions created in, or attached to, an attached table are governed too.';

------------------------------------------------------------------------------
-- attach / detach
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.attach(tbl regclass, item text, qty text, warehouse text,
                                lot text DEFAULT NULL, serial text DEFAULT NULL,
                                reason text DEFAULT NULL, doc text DEFAULT NULL,
                                moved_on text DEFAULT NULL, location text DEFAULT NULL,
                                variant text DEFAULT NULL, account text DEFAULT NULL,
                                batch_key text DEFAULT NULL, expiry text DEFAULT NULL,
                                supplier_lot text DEFAULT NULL, backfill boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_attach'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean) IS
  'Governs an ERP stock-movement table: the text arguments name its columns. Creates the triggers and (backfill) takes existing rows into the registers. Only the table''s owner may attach it.';

CREATE FUNCTION lottrace.detach(tbl regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_detach'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.detach(regclass) IS
  'Stops governing a table: takes its rows out of the registers (the lots stay) and drops its triggers. Only the table''s owner may detach it.';
-- Attaching makes a table a source of stock truth: the DBA grants it.
REVOKE EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION lottrace.detach(regclass) FROM PUBLIC;

------------------------------------------------------------------------------
-- Views for users and reporting tools
------------------------------------------------------------------------------
CREATE VIEW lottrace.lot_register AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.code_type, l.lot_type,
         l.supplier, l.supplier_lot, l.manufacturer, l.start_date, l.expiry_date,
         l.initial_qty, l.packages, l.notes, l.status, l.evaluation, l.saleable,
         l.force_closed,
         coalesce(b.loaded_qty, 0) AS loaded_qty,
         coalesce(b.on_hand, 0) AS on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < l.expiry_date - coalesce(i.block_days, 0))
              THEN greatest(coalesce(b.on_hand, 0), 0) ELSE 0 END AS available_qty,
         (coalesce(b.on_hand, 0) > 0 AND NOT l.force_closed) AS is_open,
         l.expiry_date - CURRENT_DATE AS days_to_expiry
    FROM lottrace.lot l
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item
    LEFT JOIN LATERAL (SELECT sum((w.value ->> 0)::numeric) AS loaded_qty,
                              sum((w.value ->> 1)::numeric) AS on_hand
                         FROM jsonb_each(l.stock) AS w) b ON true;
COMMENT ON VIEW lottrace.lot_register IS
  'The lot register: every lot with its data and its stock summed over warehouses.';
COMMENT ON COLUMN lottrace.lot_register.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.lot_register.item IS 'Item code.';
COMMENT ON COLUMN lottrace.lot_register.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.lot_register.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.lot_register.code_type IS 'Code type the lot was created under.';
COMMENT ON COLUMN lottrace.lot_register.lot_type IS 'Lot type.';
COMMENT ON COLUMN lottrace.lot_register.supplier IS 'Supplier account.';
COMMENT ON COLUMN lottrace.lot_register.supplier_lot IS 'The supplier''s lot code.';
COMMENT ON COLUMN lottrace.lot_register.manufacturer IS 'Manufacturer.';
COMMENT ON COLUMN lottrace.lot_register.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.lot_register.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.lot_register.initial_qty IS 'Quantity of the first load.';
COMMENT ON COLUMN lottrace.lot_register.packages IS 'Number of packages.';
COMMENT ON COLUMN lottrace.lot_register.notes IS 'Notes.';
COMMENT ON COLUMN lottrace.lot_register.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.lot_register.evaluation IS 'Quality evaluation.';
COMMENT ON COLUMN lottrace.lot_register.saleable IS 'May be unloaded.';
COMMENT ON COLUMN lottrace.lot_register.force_closed IS 'Closed by hand.';
COMMENT ON COLUMN lottrace.lot_register.loaded_qty IS 'Total loaded, all warehouses.';
COMMENT ON COLUMN lottrace.lot_register.on_hand IS 'On hand, all warehouses.';
COMMENT ON COLUMN lottrace.lot_register.available_qty IS 'On hand (not below 0), or 0 when the status is unavailable, the lot is not saleable, force closed, or blocked by expiry today.';
COMMENT ON COLUMN lottrace.lot_register.is_open IS 'On hand > 0 and not force closed.';
COMMENT ON COLUMN lottrace.lot_register.days_to_expiry IS 'Days from today to the expiry date (negative: expired).';

CREATE VIEW lottrace.lot_stock AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, b.warehouse, b.loaded_qty, b.on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < l.expiry_date - coalesce(i.block_days, 0))
              THEN greatest(b.on_hand, 0) ELSE 0 END AS available_qty
    FROM lottrace.lot l
   CROSS JOIN LATERAL (SELECT w.key AS warehouse,
                              (w.value ->> 0)::numeric AS loaded_qty,
                              (w.value ->> 1)::numeric AS on_hand
                         FROM jsonb_each(l.stock) AS w) b
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item;
COMMENT ON VIEW lottrace.lot_stock IS 'Stock of each lot per warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.lot_stock.item IS 'Item code.';
COMMENT ON COLUMN lottrace.lot_stock.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.lot_stock.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.lot_stock.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.lot_stock.loaded_qty IS 'Total loaded into this warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.on_hand IS 'On hand in this warehouse.';
COMMENT ON COLUMN lottrace.lot_stock.available_qty IS 'On hand (not below 0) when the lot may be unloaded today, else 0.';

CREATE VIEW lottrace.serial_register AS
  SELECT s.serial_id, s.item, s.variant, s.code AS serial, l.code AS lot, s.state,
         s.warehouse, s.start_date, s.expiry_date, s.customer_code, s.supplier_code,
         s.supplier, s.cancelled, s.force_closed, s.reserved,
         s.load_doc, s.loaded_on, s.unload_doc, s.unloaded_on
    FROM lottrace.serial s
    LEFT JOIN lottrace.lot l ON l.lot_id = s.lot_id;
COMMENT ON VIEW lottrace.serial_register IS
  'The serial register: every serial, where it is, and the documents of its last load and of the first unload after it.';
COMMENT ON COLUMN lottrace.serial_register.serial_id IS 'Surrogate key of the serial.';
COMMENT ON COLUMN lottrace.serial_register.item IS 'Item code.';
COMMENT ON COLUMN lottrace.serial_register.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.serial_register.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.serial_register.lot IS 'Current lot of the serial.';
COMMENT ON COLUMN lottrace.serial_register.state IS 'in_stock or out.';
COMMENT ON COLUMN lottrace.serial_register.warehouse IS 'Warehouse while in stock.';
COMMENT ON COLUMN lottrace.serial_register.start_date IS 'Date of the first load.';
COMMENT ON COLUMN lottrace.serial_register.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.serial_register.customer_code IS 'The customer''s code for this unit.';
COMMENT ON COLUMN lottrace.serial_register.supplier_code IS 'The supplier''s code for this unit.';
COMMENT ON COLUMN lottrace.serial_register.supplier IS 'Supplier account.';
COMMENT ON COLUMN lottrace.serial_register.cancelled IS 'Cancelled: may not move.';
COMMENT ON COLUMN lottrace.serial_register.force_closed IS 'Closed by hand.';
COMMENT ON COLUMN lottrace.serial_register.reserved IS 'Reserved.';
COMMENT ON COLUMN lottrace.serial_register.load_doc IS 'Document of the last load.';
COMMENT ON COLUMN lottrace.serial_register.loaded_on IS 'Date of the last load.';
COMMENT ON COLUMN lottrace.serial_register.unload_doc IS 'Document of the first unload after the last load.';
COMMENT ON COLUMN lottrace.serial_register.unloaded_on IS 'Date of that unload.';

------------------------------------------------------------------------------
-- Status changes and manual links
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.set_lot_status(item text, lot text, status text,
                                        note text DEFAULT NULL, variant text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  old_note text := current_setting('lottrace.status_note', true);
  n        bigint;
BEGIN
  PERFORM set_config('lottrace.status_note', coalesce(note, ''), true);
  UPDATE lottrace.lot l
     SET status = set_lot_status.status
   WHERE l.item = set_lot_status.item
     AND l.code = set_lot_status.lot::lottrace.lotcode
     AND (l.variant = set_lot_status.variant OR (l.variant IS NULL AND set_lot_status.variant IS NULL));
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
  IF n = 0 THEN
    RAISE EXCEPTION 'lot "%" of item "%"% does not exist', lot, item,
                    CASE WHEN variant IS NULL THEN '' ELSE format(' variant "%s"', variant) END
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lot_unknown';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace.set_lot_status(text, text, text, text, text) IS
  'Changes the status of a lot (e.g. QUARANTINE -> AVAILABLE); the change and the note are logged in lottrace.lot_status_log. Needs SELECT and UPDATE on lottrace.lot.';

CREATE FUNCTION lottrace._find_lot(item text, lot text, variant text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  ids bigint[];
BEGIN
  SELECT array_agg(l.lot_id) INTO ids
    FROM lottrace.lot l
   WHERE l.item = _find_lot.item AND l.code = _find_lot.lot::lottrace.lotcode
     AND (_find_lot.variant IS NULL OR l.variant = _find_lot.variant
          OR (_find_lot.variant = '' AND l.variant IS NULL));
  IF ids IS NULL THEN
    RAISE EXCEPTION 'lot "%" of item "%" does not exist', lot, item
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lot_unknown';
  ELSIF cardinality(ids) > 1 THEN
    RAISE EXCEPTION 'lot "%" of item "%" exists in % variants', lot, item, cardinality(ids)
      USING ERRCODE = 'cardinality_violation', HINT = 'Name the variant.';
  END IF;
  RETURN ids[1];
END
$$;
COMMENT ON FUNCTION lottrace._find_lot(text, text, text) IS
  'Internal: the lot_id of (item, lot[, variant]); errors when it does not exist or is ambiguous.';

CREATE FUNCTION lottrace.link_lots(parent_item text, parent_lot text, child_item text, child_lot text,
                                   qty numeric DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  p bigint := lottrace._find_lot(parent_item, parent_lot);
  c bigint := lottrace._find_lot(child_item, child_lot);
BEGIN
  IF p = c THEN
    RAISE EXCEPTION 'a lot cannot be linked to itself: lot "%" of item "%"', parent_lot, parent_item
      USING ERRCODE = 'check_violation', CONSTRAINT = 'lottrace_link_self';
  END IF;
  INSERT INTO lottrace.lot_link (parent_lot_id, child_lot_id, qty)
  VALUES (p, c, link_lots.qty)
  ON CONFLICT (parent_lot_id, child_lot_id) DO UPDATE SET qty = excluded.qty;
END
$$;
COMMENT ON FUNCTION lottrace.link_lots(text, text, text, text, numeric) IS
  'Records a manual genealogy link: the parent lot went into the child lot (relabelling, splitting, rework). Linking again replaces the quantity. Needs INSERT/UPDATE on lottrace.lot_link.';

------------------------------------------------------------------------------
-- What the registers should hold, computed from the attached tables
-- (used by rebuild and verify; an implementation independent of the C engine)
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._expected_balances()
RETURNS TABLE (lot_id bigint, warehouse text, loaded_qty numeric, on_hand numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT l.lot_id, m.warehouse,
         coalesce(sum(m.qty) FILTER (WHERE m.qty > 0), 0), sum(m.qty)
    FROM lottrace.movements m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
    JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
     AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
   GROUP BY l.lot_id, m.warehouse
$$;
COMMENT ON FUNCTION lottrace._expected_balances() IS
  'Internal: lot balances per warehouse as computed from lottrace.movements.';

CREATE FUNCTION lottrace._expected_serials()
RETURNS TABLE (item text, variant text, serial text, warehouse text, lot text,
               load_doc text, loaded_on date, unload_doc text, unloaded_on date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH m AS (
    SELECT m.*, row_number() OVER (PARTITION BY m.item, m.variant, m.serial
                                   ORDER BY m.moved_on, m.source::oid,
                                            length(m.source_key), m.source_key) AS seq
      FROM lottrace.movements m
      JOIN lottrace.item i ON i.item = m.item AND i.serial_tracked
     WHERE m.serial IS NOT NULL),
  counts AS (
    SELECT m.item, m.variant, m.serial, m.warehouse, sum(sign(m.qty)) AS n
      FROM m GROUP BY 1, 2, 3, 4),
  place AS (
    SELECT c.item, c.variant, c.serial, min(c.warehouse) FILTER (WHERE c.n = 1) AS warehouse
      FROM counts c GROUP BY 1, 2, 3),
  last_load AS (
    SELECT DISTINCT ON (m.item, m.variant, m.serial) m.item, m.variant, m.serial,
           m.lot, m.doc, m.moved_on, m.seq
      FROM m WHERE m.qty > 0
     ORDER BY m.item, m.variant, m.serial, m.seq DESC),
  first_unload AS (
    SELECT DISTINCT ON (m.item, m.variant, m.serial) m.item, m.variant, m.serial,
           m.doc, m.moved_on
      FROM m JOIN last_load ll USING (item, serial)
     WHERE m.qty < 0 AND m.seq > ll.seq
       AND (m.variant = ll.variant OR (m.variant IS NULL AND ll.variant IS NULL))
     ORDER BY m.item, m.variant, m.serial, m.seq)
  -- in stock: no unload after the load that brought it in
  SELECT p.item, p.variant, p.serial, p.warehouse, ll.lot,
         ll.doc, ll.moved_on,
         CASE WHEN p.warehouse IS NULL THEN fu.doc END,
         CASE WHEN p.warehouse IS NULL THEN fu.moved_on END
    FROM place p
    LEFT JOIN last_load ll ON ll.item = p.item AND ll.serial = p.serial
     AND (ll.variant = p.variant OR (ll.variant IS NULL AND p.variant IS NULL))
    LEFT JOIN first_unload fu ON fu.item = p.item AND fu.serial = p.serial
     AND (fu.variant = p.variant OR (fu.variant IS NULL AND p.variant IS NULL))
$$;
COMMENT ON FUNCTION lottrace._expected_serials() IS
  'Internal: where each serial is (NULL: out of stock) and its last load / first unload after it, computed from lottrace.movements.';

CREATE FUNCTION lottrace._expected_batches()
RETURNS TABLE (batch_key text, role text, lot_id bigint, qty numeric, nrows int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT m.batch_key, r.production, l.lot_id, sum(abs(m.qty)), count(*)::int
    FROM lottrace.movements m
    JOIN lottrace.reason r ON r.code = m.reason AND r.production IS NOT NULL
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
    JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
     AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
   WHERE m.batch_key IS NOT NULL
   GROUP BY 1, 2, 3
$$;
COMMENT ON FUNCTION lottrace._expected_batches() IS
  'Internal: production batch members computed from lottrace.movements.';

------------------------------------------------------------------------------
-- rebuild / verify
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.rebuild()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  a record;
BEGIN
  -- writers of the attached tables wait; readers go on
  FOR a IN SELECT relid FROM lottrace.attachment ORDER BY relid::oid LOOP
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', a.relid::oid::regclass);
  END LOOP;
  LOCK TABLE lottrace.lot, lottrace.serial, lottrace.batch_member
    IN SHARE ROW EXCLUSIVE MODE;
  -- read the tables under the names they have now (the locks keep them):
  -- the body of lottrace._movements() follows renames through an event
  -- trigger, which does not fire in every case (session_replication_role =
  -- replica, event triggers disabled)
  PERFORM lottrace._refresh_movements();

  -- lots that movements name but the register lacks (user data of existing
  -- lots is kept as it is)
  INSERT INTO lottrace.lot (item, variant, code, code_type, supplier, supplier_lot, start_date,
                            expiry_date, initial_qty, status)
  SELECT DISTINCT ON (m.item, m.variant, m.lot)
         m.item, m.variant, m.lot::lottrace.lotcode, i.lot_code_type, m.account, m.supplier_lot,
         coalesce(m.moved_on, CURRENT_DATE),
         CASE WHEN m.expiry IS NOT NULL THEN m.expiry
              WHEN i.lot_validity_days IS NULL THEN NULL
              WHEN i.expiry_rule = 'month_end'
                THEN (date_trunc('month', coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days)
                      + interval '1 month - 1 day')::date
              WHEN i.expiry_rule = 'month_start'
                THEN date_trunc('month', coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days)::date
              ELSE coalesce(m.moved_on, CURRENT_DATE) + i.lot_validity_days END,
         abs(m.qty),
         coalesce(i.initial_status, nullif(current_setting('lottrace.default_status', true), ''), 'AVAILABLE')
    FROM lottrace._movements() m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
   WHERE m.lot IS NOT NULL
     AND NOT EXISTS (SELECT FROM lottrace.lot l
                      WHERE l.item = m.item AND l.code::text = m.lot
                        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL)))
   ORDER BY m.item, m.variant, m.lot, (m.qty < 0), m.moved_on, m.source::oid,
            length(m.source_key), m.source_key;

  UPDATE lottrace.lot l
     SET stock = coalesce(e.stock, '{}')
    FROM lottrace.lot l2
    LEFT JOIN (SELECT b.lot_id,
                      jsonb_object_agg(b.warehouse, jsonb_build_array(b.loaded_qty, b.on_hand)) AS stock
                 FROM lottrace._expected_balances() b
                WHERE b.loaded_qty <> 0 OR b.on_hand <> 0
                GROUP BY b.lot_id) e ON e.lot_id = l2.lot_id
   WHERE l.lot_id = l2.lot_id AND l.stock IS DISTINCT FROM coalesce(e.stock, '{}');

  DELETE FROM lottrace.batch_member;
  INSERT INTO lottrace.batch_member (batch_key, role, lot_id, qty, nrows)
  SELECT * FROM lottrace._expected_batches();

  -- serials: create the missing ones, then set state and documents
  INSERT INTO lottrace.serial (item, variant, code, start_date)
  SELECT e.item, e.variant, e.serial::lottrace.serialcode, e.loaded_on
    FROM lottrace._expected_serials() e
   WHERE NOT EXISTS (SELECT FROM lottrace.serial s
                      WHERE s.item = e.item AND s.code::text = e.serial
                        AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL)));
  UPDATE lottrace.serial s
     SET state = CASE WHEN e.warehouse IS NULL THEN 'out' ELSE 'in_stock' END,
         warehouse = e.warehouse,
         lot_id = coalesce((SELECT l.lot_id FROM lottrace.lot l
                             WHERE l.item = s.item AND l.code::text = e.lot
                               AND (l.variant = s.variant OR (l.variant IS NULL AND s.variant IS NULL))),
                           s.lot_id),
         load_doc = e.load_doc, loaded_on = e.loaded_on,
         unload_doc = e.unload_doc, unloaded_on = e.unloaded_on
    FROM lottrace._expected_serials() e
   WHERE s.item = e.item AND s.code::text = e.serial
     AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL));
  UPDATE lottrace.serial s
     SET state = 'out', warehouse = NULL
   WHERE s.state = 'in_stock'
     AND NOT EXISTS (SELECT FROM lottrace._expected_serials() e
                      WHERE s.item = e.item AND s.code::text = e.serial
                        AND (s.variant = e.variant OR (s.variant IS NULL AND e.variant IS NULL)));
END
$$;
COMMENT ON FUNCTION lottrace.rebuild() IS
  'Recomputes every derived quantity (lot stock per warehouse, serial state and documents, production batches) from the attached tables; creates lots movements name but the register lacks; keeps statuses, notes, flags and links.';
REVOKE EXECUTE ON FUNCTION lottrace.rebuild() FROM PUBLIC;

CREATE FUNCTION lottrace.verify()
RETURNS TABLE (problem text, detail text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  a record;
BEGIN
  -- the attached tables keep their names until we are done, and the body
  -- of lottrace._movements() reads them under those names (see rebuild())
  FOR a IN SELECT relid FROM lottrace.attachment ORDER BY relid::oid LOOP
    EXECUTE format('LOCK TABLE %s IN ACCESS SHARE MODE', a.relid::oid::regclass);
  END LOOP;
  PERFORM lottrace._refresh_movements();
  RETURN QUERY
  WITH eb AS (SELECT * FROM lottrace._expected_balances()),
       es AS (SELECT * FROM lottrace._expected_serials()),
       ebm AS (SELECT * FROM lottrace._expected_batches())
  -- movements naming a lot the register does not have
  SELECT 'missing lot',
         format('lot "%s" of item "%s"%s is moved by %s row %s but is not in lottrace.lot',
                m.lot, m.item, coalesce(' variant "' || m.variant || '"', ''), m.source, m.source_key)
    FROM lottrace.movements m
    JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
   WHERE NOT EXISTS (SELECT FROM lottrace.lot l
                      WHERE l.item = m.item AND l.code::text = m.lot
                        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL)))
  UNION ALL
  -- balances that differ
  SELECT 'balance',
         format('lot_id %s in warehouse "%s": register loaded %s, on hand %s; movements loaded %s, on hand %s',
                coalesce(b.lot_id, eb.lot_id), coalesce(b.warehouse, eb.warehouse),
                coalesce(b.loaded_qty, 0), coalesce(b.on_hand, 0),
                coalesce(eb.loaded_qty, 0), coalesce(eb.on_hand, 0))
    FROM (SELECT l.lot_id, w.key AS warehouse,
                 (w.value ->> 0)::numeric AS loaded_qty, (w.value ->> 1)::numeric AS on_hand
            FROM lottrace.lot l, jsonb_each(l.stock) w) b
    FULL JOIN eb ON eb.lot_id = b.lot_id AND eb.warehouse = b.warehouse
   WHERE coalesce(b.loaded_qty, 0) <> coalesce(eb.loaded_qty, 0)
      OR coalesce(b.on_hand, 0) <> coalesce(eb.on_hand, 0)
  UNION ALL
  -- serial state and place
  SELECT 'serial',
         format('serial "%s" of item "%s"%s: register %s%s; movements %s',
                coalesce(s.code::text, es.serial), coalesce(s.item, es.item),
                coalesce(' variant "' || coalesce(s.variant, es.variant) || '"', ''),
                coalesce(s.state, 'missing'), coalesce(' in "' || s.warehouse || '"', ''),
                coalesce('in stock in "' || es.warehouse || '"', 'out'))
    FROM (SELECT * FROM lottrace.serial
           WHERE item IN (SELECT item FROM lottrace.item WHERE serial_tracked)) s
    FULL JOIN es ON es.item = s.item AND es.serial = s.code::text
     AND (es.variant = s.variant OR (es.variant IS NULL AND s.variant IS NULL))
   WHERE s.serial_id IS NULL OR s.warehouse IS DISTINCT FROM es.warehouse
  UNION ALL
  -- production batches
  SELECT 'batch',
         format('batch "%s" %s lot_id %s: register %s in %s rows; movements %s in %s rows',
                coalesce(bm.batch_key, ebm.batch_key), coalesce(bm.role, ebm.role),
                coalesce(bm.lot_id, ebm.lot_id), coalesce(bm.qty, 0), coalesce(bm.nrows, 0),
                coalesce(ebm.qty, 0), coalesce(ebm.nrows, 0))
    FROM lottrace.batch_member bm
    FULL JOIN ebm ON ebm.batch_key = bm.batch_key AND ebm.role = bm.role AND ebm.lot_id = bm.lot_id
   WHERE coalesce(bm.qty, 0) <> coalesce(ebm.qty, 0) OR coalesce(bm.nrows, 0) <> coalesce(ebm.nrows, 0);
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables: no rows when they agree, otherwise one row per disagreement (problem, detail).';
REVOKE EXECUTE ON FUNCTION lottrace.verify() FROM PUBLIC;
-- Schema changes of attached tables.
--
-- * A mapped column that is renamed is followed (lottrace.attachment keeps
--   the attribute numbers); dropping a mapped column, or changing its type
--   to one attach() would not accept, is refused.
-- * An attached table that is renamed, or moved, or whose schema is
--   renamed, is followed by lottrace.movements.
-- * Dropping an attached table is refused: its rows are in the registers,
--   and a mapping to a table that is gone would break lottrace.movements.
--   Detach it first.  (DROP EXTENSION lottrace itself is not affected.)

CREATE FUNCTION lottrace._pk_cols(tbl regclass)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT array_agg(att.attname::text ORDER BY k.ord)
    FROM pg_index i
   CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
   WHERE i.indrelid = tbl AND i.indisprimary AND k.ord <= i.indnkeyatts
$$;
COMMENT ON FUNCTION lottrace._pk_cols(regclass) IS
  'Internal: the primary key columns of a table, in key order; NULL without a primary key.';

CREATE FUNCTION lottrace._attachment_attnums()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.attnums := ARRAY(
    SELECT coalesce(a.attnum, 0)
      FROM unnest(ARRAY[NEW.item_col, NEW.qty_col, NEW.warehouse_col, NEW.lot_col, NEW.serial_col,
                        NEW.reason_col, NEW.doc_col, NEW.moved_on_col, NEW.location_col, NEW.variant_col,
                        NEW.account_col, NEW.batch_key_col, NEW.expiry_col, NEW.supplier_lot_col])
           WITH ORDINALITY AS m(name, ord)
      LEFT JOIN pg_attribute a ON a.attrelid = NEW.relid AND a.attname = m.name AND NOT a.attisdropped
     ORDER BY m.ord);
  -- attach() leaves it to this trigger; a restored row brings its own
  IF NEW.pk_cols IS NULL THEN
    NEW.pk_cols := lottrace._pk_cols(NEW.relid);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._attachment_attnums() IS
  'Internal trigger on lottrace.attachment: records the attribute numbers of the mapped columns (also when pg_restore loads the table), and the primary key columns when none are given.';
CREATE TRIGGER attnums BEFORE INSERT OR UPDATE ON lottrace.attachment
  FOR EACH ROW EXECUTE FUNCTION lottrace._attachment_attnums();

CREATE FUNCTION lottrace._check_column_type(tbl regclass, col text, role text)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_check_column_type'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._check_column_type(regclass, text, text) IS
  'Internal: raises the error attach() raises (42804) when the column''s type cannot hold its role (an attach() argument name); used when a mapped column changes type.';

CREATE FUNCTION lottrace._follow_columns()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a     record;
  cols  text[] := ARRAY['item_col', 'qty_col', 'warehouse_col', 'lot_col', 'serial_col',
                        'reason_col', 'doc_col', 'moved_on_col', 'location_col', 'variant_col',
                        'account_col', 'batch_key_col', 'expiry_col', 'supplier_lot_col'];
  old   text;
  cur   record;
  pk    text[];
  sets  text[];
BEGIN
  FOR a IN SELECT t.*
             FROM lottrace.attachment t
            WHERE t.relid IN (SELECT c.objid FROM pg_event_trigger_ddl_commands() c
                               WHERE c.classid = 'pg_class'::regclass)
  LOOP
    sets := '{}';
    FOR i IN 1 .. cardinality(cols) LOOP
      old := to_jsonb(a) ->> cols[i];
      CONTINUE WHEN old IS NULL OR a.attnums IS NULL OR a.attnums[i] IS NULL OR a.attnums[i] = 0;
      SELECT attname, attisdropped INTO cur
        FROM pg_attribute WHERE attrelid = a.relid AND attnum = a.attnums[i];
      IF cur.attisdropped THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as its % column', old, a.relid, replace(cols[i], '_col', '')
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
      IF cur.attname <> old THEN
        sets := sets || format('%I = %L', cols[i], cur.attname);
      END IF;
      -- ALTER COLUMN ... TYPE: only the types attach() accepts (the body of
      -- lottrace._movements() casts the column, as the extension owner in
      -- verify() and rebuild(); a type of the owner's own could bring its
      -- own cast)
      PERFORM lottrace._check_column_type(a.relid, cur.attname::text, replace(cols[i], '_col', ''));
    END LOOP;
    -- the primary key: a new one (or a renamed key column) is followed; a
    -- key whose columns are gone is forgotten
    pk := lottrace._pk_cols(a.relid);
    IF pk IS NULL AND EXISTS (SELECT FROM unnest(a.pk_cols) AS k(col)
                               WHERE NOT EXISTS (SELECT FROM pg_attribute
                                                  WHERE attrelid = a.relid AND attname = k.col
                                                    AND attnum > 0 AND NOT attisdropped)) THEN
      sets := sets || 'pk_cols = NULL'::text;
    ELSIF pk IS NOT NULL AND pk IS DISTINCT FROM a.pk_cols THEN
      sets := sets || format('pk_cols = %L::text[]', pk);
    END IF;
    -- one UPDATE: lottrace.movements is re-written once, from the whole new
    -- mapping (a column may be both the key and a mapped one)
    IF cardinality(sets) > 0 THEN
      EXECUTE format('UPDATE lottrace.attachment SET %s WHERE relid = $1', array_to_string(sets, ', '))
        USING a.relid;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._follow_columns() IS
  'Internal event trigger: follows renamed mapped columns and changed primary keys of attached tables, and refuses dropping mapped columns or changing them to a type attach() does not accept.';
CREATE EVENT TRIGGER lottrace_follow_columns ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION lottrace._follow_columns();
COMMENT ON EVENT TRIGGER lottrace_follow_columns IS
  'lottrace: renamed mapped columns of attached tables are followed; dropping one, or changing it to a type attach() does not accept, is refused.';

-- lottrace._movements() names each attached table as text: renaming a table
-- or its schema, or moving the table to another schema, would leave the old
-- name in it, and whatever took that name (a view of the table owner's)
-- would be read in the table's place -- by verify() and rebuild() as the
-- extension owner.  So the body is re-written after every such command that
-- touches an attached table, the schema of one, or an extension one belongs
-- to (ALTER EXTENSION ... SET SCHEMA), if it differs.
CREATE FUNCTION lottrace._follow_renames()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF EXISTS (SELECT FROM pg_event_trigger_ddl_commands() c
               JOIN lottrace.attachment a
                 ON (c.classid = 'pg_class'::regclass AND c.objid = a.relid)
                 OR (c.classid = 'pg_namespace'::regclass
                     AND c.objid = (SELECT r.relnamespace FROM pg_class r WHERE r.oid = a.relid))
                 OR (c.classid = 'pg_extension'::regclass
                     AND EXISTS (SELECT FROM pg_depend d
                                  WHERE d.classid = 'pg_class'::regclass AND d.objid = a.relid
                                    AND d.refclassid = 'pg_extension'::regclass
                                    AND d.refobjid = c.objid AND d.deptype = 'e'))) THEN
    PERFORM lottrace._refresh_movements();
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._follow_renames() IS
  'Internal event trigger: after ALTER TABLE, ALTER SCHEMA or ALTER EXTENSION, re-writes lottrace._movements() if an attached table now has another name.';
CREATE EVENT TRIGGER lottrace_follow_renames ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER EXTENSION')
  EXECUTE FUNCTION lottrace._follow_renames();
COMMENT ON EVENT TRIGGER lottrace_follow_renames IS
  'lottrace: lottrace.movements follows attached tables that are renamed or moved to another schema, or whose schema is renamed.';

-- lottrace's triggers on attached tables.  ALTER TABLE ... DISABLE TRIGGER,
-- ENABLE REPLICA TRIGGER, CREATE OR REPLACE TRIGGER, ALTER TRIGGER ...
-- RENAME and DROP TRIGGER need only ownership of the table; any of them
-- would let the table's movements pass ungoverned.  They are refused while
-- the table is attached (detach() forgets the mapping before it drops the
-- triggers, so its own DROP TRIGGERs pass).
CREATE FUNCTION lottrace._governed_relations()
RETURNS TABLE (root regclass, rel regclass)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- from pg_inherits, not pg_partition_tree(), which locks every partition:
  -- event triggers of concurrent DDL (a parallel pg_restore) would deadlock
  WITH RECURSIVE tree (root, rel) AS (
    SELECT a.relid, a.relid FROM lottrace.attachment a
    UNION
    SELECT t.root, i.inhrelid::regclass
      FROM tree t
      JOIN pg_inherits i ON i.inhparent = t.rel
      JOIN pg_class c ON c.oid = i.inhrelid AND c.relispartition)
  SELECT root, rel FROM tree
$$;
COMMENT ON FUNCTION lottrace._governed_relations() IS
  'Internal: every attached table (root) with itself and each of its partitions (rel); takes no locks.';

CREATE FUNCTION lottrace._trigger_spec()
RETURNS TABLE (tgname name, fn regprocedure, tgtype smallint, newtable name, oldtable name)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- tgtype: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate
  VALUES ('lottrace_generate'::name, 'lottrace._trg_generate()'::regprocedure, 7::smallint, NULL::name, NULL::name),
         ('lottrace_insert', 'lottrace._trg_rows()', 4, 'lottrace_new', NULL),
         ('lottrace_update', 'lottrace._trg_rows()', 16, 'lottrace_new', 'lottrace_old'),
         ('lottrace_delete', 'lottrace._trg_rows()', 8, NULL, 'lottrace_old'),
         ('lottrace_truncate', 'lottrace._trg_truncate()', 34, NULL, NULL)
$$;
COMMENT ON FUNCTION lottrace._trigger_spec() IS
  'Internal: the triggers attach() creates on an attached table and its partitions: name, function, pg_trigger.tgtype, transition tables.';

CREATE FUNCTION lottrace._guard_attached()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  roots regclass[];
  t     record;
BEGIN
  -- inheritance: an attached table may not become an inheritance child or a
  -- partition of another table (statements on that table would move its
  -- rows without its statement triggers), nor, unless partitioned, get
  -- inheritance children (whose rows its statements reach)
  SELECT i.inhrelid::regclass AS child, i.inhparent::regclass AS parent,
         i.inhrelid IN (SELECT a.relid FROM lottrace.attachment a) AS child_attached INTO t
    FROM pg_event_trigger_ddl_commands() c
    JOIN pg_inherits i ON c.objid IN (i.inhrelid, i.inhparent)
    JOIN pg_class ch ON ch.oid = i.inhrelid
   WHERE c.classid = 'pg_class'::regclass
     AND (i.inhrelid IN (SELECT a.relid FROM lottrace.attachment a)
          OR (i.inhparent IN (SELECT a.relid FROM lottrace.attachment a) AND NOT ch.relispartition))
   ORDER BY 3 DESC, 1, 2
   LIMIT 1;
  IF FOUND AND t.child_attached THEN
    RAISE EXCEPTION 'attached table % cannot inherit from, or be a partition of, %', t.child, t.parent
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Statements on the parent would move its rows past lottrace''s triggers.',
            HINT = 'Detach the table (lottrace.detach) first.';
  ELSIF FOUND THEN
    RAISE EXCEPTION 'attached table % cannot have inheritance children: %', t.parent, t.child
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Statements on the table reach its children''s rows, which lottrace''s triggers would not govern.',
            HINT = 'Partition the table instead: partitions of an attached table are governed.';
  END IF;

  -- the attached trees the command touched: a table or partition in them,
  -- or a trigger on one
  SELECT array_agg(DISTINCT g.root) INTO roots
    FROM pg_event_trigger_ddl_commands() c
    LEFT JOIN pg_trigger tg ON c.classid = 'pg_trigger'::regclass AND tg.oid = c.objid
    JOIN lottrace._governed_relations() g
      ON g.rel = CASE WHEN c.classid = 'pg_class'::regclass THEN c.objid ELSE tg.tgrelid END;
  IF roots IS NULL THEN
    RETURN;
  END IF;

  -- ALTER TRIGGER (RENAME, DEPENDS ON EXTENSION) of one of lottrace's triggers
  -- (a renamed trigger is known only by its new name)
  SELECT tg.tgname, tg.tgrelid::regclass AS rel, tg.tgfoid::regprocedure AS fn INTO t
    FROM pg_event_trigger_ddl_commands() c
    JOIN pg_trigger tg ON tg.oid = c.objid
   WHERE c.classid = 'pg_trigger'::regclass AND c.command_tag = 'ALTER TRIGGER'
     AND tg.tgrelid IN (SELECT g.rel FROM lottrace._governed_relations() g)
     AND tg.tgfoid IN (SELECT s.fn FROM lottrace._trigger_spec() s)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'cannot alter lottrace''s triggers on relation %', t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = format('The trigger (now "%s") runs %s. The table is attached to lottrace, whose triggers govern its movements.',
                            t.tgname, t.fn),
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;

  -- every trigger of those trees that is lottrace's, by name or by
  -- function, is enabled (on origin, or always) and as attach() made it
  SELECT tg.tgname, tg.tgrelid::regclass AS rel, tg.tgfoid::regprocedure AS fn,
         CASE WHEN s.tgname IS NULL THEN 'extra'
              WHEN tg.tgenabled NOT IN ('O', 'A') THEN 'disabled'
              ELSE 'changed' END AS what INTO t
    FROM lottrace._governed_relations() g
    JOIN pg_trigger tg ON tg.tgrelid = g.rel
    LEFT JOIN lottrace._trigger_spec() s ON s.tgname = tg.tgname
   WHERE g.root = ANY (roots)
     AND (s.tgname IS NOT NULL OR tg.tgfoid IN (SELECT s2.fn FROM lottrace._trigger_spec() s2))
     AND (s.tgname IS NULL
          OR tg.tgenabled NOT IN ('O', 'A')
          OR tg.tgfoid <> s.fn OR tg.tgtype <> s.tgtype
          OR tg.tgnewtable IS DISTINCT FROM s.newtable OR tg.tgoldtable IS DISTINCT FROM s.oldtable
          OR cardinality(tg.tgattr::int2[]) > 0
          OR (tg.tgqual IS NOT NULL AND s.tgname <> 'lottrace_generate'))
   ORDER BY tg.tgrelid, tg.tgname
   LIMIT 1;
  IF FOUND AND t.what = 'disabled' THEN
    RAISE EXCEPTION 'cannot disable trigger "%" of relation %', t.tgname, t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  ELSIF FOUND AND t.what = 'extra' THEN
    RAISE EXCEPTION 'trigger "%" of relation % must not run %', t.tgname, t.rel, t.fn
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace: only the triggers attach() made run lottrace''s trigger functions on it.';
  ELSIF FOUND THEN
    RAISE EXCEPTION 'cannot change trigger "%" of relation %', t.tgname, t.rel
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements; only attach() creates them.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._guard_attached() IS
  'Internal event trigger: refuses disabling, replacing or renaming lottrace''s triggers on attached tables and their partitions, adding triggers that run lottrace''s trigger functions there, and inheritance to or from attached tables.';
CREATE EVENT TRIGGER lottrace_guard_attached ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE', 'CREATE TABLE', 'CREATE TRIGGER', 'ALTER TRIGGER',
               'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE')
  EXECUTE FUNCTION lottrace._guard_attached();
COMMENT ON EVENT TRIGGER lottrace_guard_attached IS
  'lottrace: the triggers of attached tables stay enabled and as attach() made them; attached tables take no part in inheritance but their own partitions.';

CREATE FUNCTION lottrace._refuse_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t text;
BEGIN
  -- dropping lottrace itself drops its attachments too
  IF EXISTS (SELECT FROM pg_event_trigger_dropped_objects()
              WHERE object_type = 'extension' AND object_name = 'lottrace')
     OR to_regclass('lottrace.attachment') IS NULL THEN
    RETURN;
  END IF;
  SELECT string_agg(d.object_identity, ', ') INTO t
    FROM pg_event_trigger_dropped_objects() d
    JOIN lottrace.attachment a ON a.relid::oid = d.objid
   WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %: attached to lottrace', t
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = 'Its movements are in the registers.',
            HINT = 'Call lottrace.detach() first.';
  END IF;
  -- lottrace's triggers on an attached table or one of its partitions (the
  -- trigger is gone from the catalog: found by its table's name and its own;
  -- a partition dropped with its triggers is gone too, and not looked at)
  SELECT format('trigger "%s" of relation %s', d.address_names[3], r.rel) INTO t
    FROM pg_event_trigger_dropped_objects() d
   CROSS JOIN LATERAL (SELECT to_regclass(format('%I.%I', d.address_names[1], d.address_names[2])) AS rel) r
   WHERE d.object_type = 'trigger'
     AND d.address_names[3] IN (SELECT s.tgname FROM lottrace._trigger_spec() s)
     AND r.rel IN (SELECT g.rel FROM lottrace._governed_relations() g)
   LIMIT 1;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %', t
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = 'The table is attached to lottrace, whose triggers govern its movements.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._refuse_drop() IS
  'Internal event trigger: an attached table, and lottrace''s triggers on it and its partitions, cannot be dropped before the table is detached.';
CREATE EVENT TRIGGER lottrace_refuse_drop ON sql_drop
  EXECUTE FUNCTION lottrace._refuse_drop();
COMMENT ON EVENT TRIGGER lottrace_refuse_drop IS
  'lottrace: an attached table, and lottrace''s triggers on it, cannot be dropped before lottrace.detach().';
-- Traceability and reporting (API.md §5): where-used and composition,
-- recall, mass balance, the FSMA 204 event list, the genealogy picture,
-- picking suggestions, expiry, and views for reporting tools.
--
-- All of these run with the caller's rights (SECURITY INVOKER): a reporting
-- role sees what it was granted.

CREATE FUNCTION lottrace._on_hand(stock jsonb)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(sum((w.value ->> 1)::numeric), 0) FROM jsonb_each(stock) AS w);
COMMENT ON FUNCTION lottrace._on_hand(jsonb) IS
  'Internal: on-hand quantity of a lot over all warehouses, from its stock object.';

------------------------------------------------------------------------------
-- Where used / composition
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.trace_forward(item text, lot text, max_depth int DEFAULT 100,
                                       variant text DEFAULT NULL)
RETURNS TABLE (depth int, lot_id bigint, item text, lot lottrace.lotcode, qty numeric)
AS 'MODULE_PATHNAME', 'lt_trace_forward'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace.trace_forward(text, text, int, text) IS
  'Where used: every lot made from this one, directly (depth 1) or not, each once at its smallest depth, with the quantity that flowed into it from the level before; stops on cycles and at max_depth.';

CREATE FUNCTION lottrace.trace_backward(item text, lot text, max_depth int DEFAULT 100,
                                        variant text DEFAULT NULL)
RETURNS TABLE (depth int, lot_id bigint, item text, lot lottrace.lotcode, qty numeric)
AS 'MODULE_PATHNAME', 'lt_trace_backward'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION lottrace.trace_backward(text, text, int, text) IS
  'Composition: every lot this one was made from, directly (depth 1) or not, each once at its smallest depth, with the quantity of it that went in; stops on cycles and at max_depth.';

------------------------------------------------------------------------------
-- Recall and mass balance
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.recall(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (account text, item text, lot lottrace.lotcode, qty numeric, doc text, moved_on date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS MATERIALIZED (
    SELECT l.lot_id, l.item, l.code, l.variant
      FROM lottrace.lot l
     WHERE l.lot_id IN (SELECT lottrace._find_lot($1, $2, $3)
                        UNION ALL
                        SELECT t.lot_id FROM lottrace.trace_forward($1, $2, 2147483647, $3) t))
  -- joined through lottrace.movements, each attached table is read through
  -- its own (item, lot) index
  SELECT m.account, m.item, m.lot::lottrace.lotcode, -m.qty, m.doc, m.moved_on
    FROM lottrace.movements m
    JOIN lots ON lots.item = m.item AND lots.code::text = m.lot
     AND (lots.variant = m.variant OR (lots.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.reason r ON r.code = m.reason
   WHERE m.qty < 0 AND m.account IS NOT NULL
     AND r.production IS DISTINCT FROM 'input'
   ORDER BY m.account, m.moved_on, m.item, m.lot, m.doc
$$;
COMMENT ON FUNCTION lottrace.recall(text, text, text) IS
  'Who received what: every unload with an account (shipments, not production inputs) of the lot or of any lot made from it, quantities positive.';

CREATE FUNCTION lottrace.mass_balance(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (loaded numeric, shipped numeric, consumed numeric, other_out numeric,
               on_hand numeric, unaccounted numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH l AS (SELECT * FROM lottrace.lot
              WHERE lot_id = lottrace._find_lot(mass_balance.item, mass_balance.lot, mass_balance.variant)),
  m AS (
    SELECT m.qty, m.account, r.production
      FROM lottrace.movements m
      JOIN l ON (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
      LEFT JOIN lottrace.reason r ON r.code = m.reason
     WHERE m.item = mass_balance.item AND m.lot = (SELECT code::text FROM l)),
  s AS (
    SELECT coalesce(sum(qty) FILTER (WHERE qty > 0), 0) AS loaded,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND account IS NOT NULL
                                      AND production IS DISTINCT FROM 'input'), 0) AS shipped,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND production = 'input'), 0) AS consumed,
           coalesce(-sum(qty) FILTER (WHERE qty < 0 AND account IS NULL
                                      AND production IS DISTINCT FROM 'input'), 0) AS other_out
      FROM m)
  SELECT s.loaded, s.shipped, s.consumed, s.other_out, lottrace._on_hand(l.stock),
         s.loaded - s.shipped - s.consumed - s.other_out - lottrace._on_hand(l.stock)
    FROM s, l
$$;
COMMENT ON FUNCTION lottrace.mass_balance(text, text, text) IS
  'Mock-recall check: loaded = shipped + consumed (production input) + other_out + on_hand + unaccounted. Transfers count on both sides (in loaded and in other_out); unaccounted is 0 when the register agrees with the movements.';

------------------------------------------------------------------------------
-- The FSMA 204 sortable spreadsheet
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.trace_events(item text, lot text, variant text DEFAULT NULL)
RETURNS TABLE (event_type text, event_date date, traceability_lot_code lottrace.lotcode,
               product_description text, variant text, quantity numeric,
               location_description text, immediate_previous_source text,
               immediate_subsequent_recipient text, reference_document_type text,
               reference_document_number text, traceability_lot_code_source text,
               relation text, depth int, lot_id bigint, source regclass, source_key text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS (
    SELECT lottrace._find_lot($1, $2, $3) AS lot_id, 'lot'::text AS relation, 0 AS depth
    UNION ALL
    SELECT f.lot_id, 'descendant', f.depth FROM lottrace.trace_forward($1, $2, 2147483647, $3) f
    UNION ALL
    SELECT b.lot_id, 'ancestor', b.depth FROM lottrace.trace_backward($1, $2, 2147483647, $3) b),
  ll AS MATERIALIZED (
    SELECT DISTINCT ON (lots.lot_id) lots.lot_id, lots.relation, lots.depth,
           l.item, l.code, l.variant, l.supplier
      FROM lots JOIN lottrace.lot l ON l.lot_id = lots.lot_id
     -- a lot both ancestor and descendant (rework): its smallest depth, and
     -- at equal depths descendant (where it went matters for a recall)
     ORDER BY lots.lot_id, lots.depth, lots.relation = 'ancestor')
  SELECT CASE WHEN r.production IS NOT NULL THEN 'transformation'
              WHEN m.account IS NULL THEN 'other'
              WHEN m.qty > 0 THEN 'receiving'
              ELSE 'shipping' END,
         m.moved_on, ll.code, m.item, m.variant, abs(m.qty), m.warehouse,
         CASE WHEN m.qty > 0 THEN m.account END,
         CASE WHEN m.qty < 0 THEN m.account END,
         m.reason, m.doc, ll.supplier,
         ll.relation, ll.depth, ll.lot_id, m.source, m.source_key
    FROM lottrace.movements m
    JOIN ll ON ll.item = m.item AND ll.code::text = m.lot
     AND (ll.variant = m.variant OR (ll.variant IS NULL AND m.variant IS NULL))
    LEFT JOIN lottrace.reason r ON r.code = m.reason
   ORDER BY m.moved_on, ll.depth, m.item, m.lot, m.source::oid, m.source_key
$$;
COMMENT ON FUNCTION lottrace.trace_events(text, text, text) IS
  'One row per tracking event (receiving: a load with an account; shipping: an unload with an account; transformation: production input or output; other: internal moves and adjustments) of the lot, its ancestors and descendants, with columns named after FSMA 204 key data elements: COPY (SELECT * FROM lottrace.trace_events(...)) TO STDOUT WITH CSV HEADER is the sortable spreadsheet.';

------------------------------------------------------------------------------
-- The genealogy as a picture
------------------------------------------------------------------------------
CREATE FUNCTION lottrace._dot_quote(s text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN '"' || replace(replace(replace(s, '\', '\\'), '"', '\"'), E'\n', '\n') || '"';
COMMENT ON FUNCTION lottrace._dot_quote(text) IS 'Internal: a Graphviz quoted string.';

CREATE FUNCTION lottrace.trace_dot(item text, lot text, variant text DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH lots AS (
    SELECT lottrace._find_lot(trace_dot.item, trace_dot.lot, trace_dot.variant) AS lot_id, true AS focus
    UNION
    SELECT f.lot_id, false FROM lottrace.trace_forward(trace_dot.item, trace_dot.lot, 100, trace_dot.variant) f
    UNION
    SELECT b.lot_id, false FROM lottrace.trace_backward(trace_dot.item, trace_dot.lot, 100, trace_dot.variant) b),
  nodes AS (
    SELECT l.lot_id, bool_or(lots.focus) AS focus, l.item, l.code, l.status, l.variant,
           lottrace._on_hand(l.stock) AS on_hand, s.available
      FROM lots JOIN lottrace.lot l ON l.lot_id = lots.lot_id
      LEFT JOIN lottrace.lot_status s ON s.code = l.status
     GROUP BY l.lot_id, l.item, l.code, l.status, l.variant, l.stock, s.available),
  edges AS (
    SELECT g.parent_lot_id, g.child_lot_id, sum(g.qty) AS qty,
           string_agg(DISTINCT coalesce(g.batch_key, 'manual'), ', ') AS via
      FROM lottrace.genealogy g
     WHERE g.parent_lot_id IN (SELECT lot_id FROM nodes) AND g.child_lot_id IN (SELECT lot_id FROM nodes)
     GROUP BY 1, 2)
  SELECT 'digraph genealogy {' || E'\n'
      || '  rankdir=LR;' || E'\n'
      || '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];' || E'\n'
      || '  edge [fontname="Helvetica", fontsize=10, color="#555555"];' || E'\n'
      || coalesce((SELECT string_agg(format('  n%s [label=%s, fillcolor="%s"%s];', n.lot_id,
                          lottrace._dot_quote(n.item || coalesce(' / ' || n.variant, '') || E'\n'
                                              || n.code || E'\n' || n.status || '  on hand ' || n.on_hand),
                          CASE WHEN n.status = current_setting('lottrace.expired_status', true) THEN '#d9d9d9'
                               WHEN n.available THEN '#c6efce' WHEN n.status = 'QUARANTINE' THEN '#ffeb9c'
                               ELSE '#ffc7ce' END,
                          CASE WHEN n.focus THEN ', penwidth=3' ELSE '' END), E'\n' ORDER BY n.lot_id)
                     FROM nodes n), '') || E'\n'
      || coalesce((SELECT string_agg(format('  n%s -> n%s [label=%s];', e.parent_lot_id, e.child_lot_id,
                                            lottrace._dot_quote(coalesce(e.qty::text, '') || E'\n' || e.via)),
                                     E'\n' ORDER BY e.parent_lot_id, e.child_lot_id)
                     FROM edges e), '') || E'\n'
      || '}' || E'\n'
$$;
COMMENT ON FUNCTION lottrace.trace_dot(text, text, text) IS
  'The genealogy around a lot (its ancestors and descendants, up to 100 levels each way) as a Graphviz DOT graph: lots as nodes (item, lot, status, on hand; the lot asked for drawn bold), links labelled with quantity and batch. Render with: dot -Tpng.';

------------------------------------------------------------------------------
-- Picking and expiry
------------------------------------------------------------------------------
CREATE FUNCTION lottrace.suggest_pick(item text, warehouse text, qty numeric, variant text DEFAULT NULL)
RETURNS TABLE (lot lottrace.lotcode, lot_id bigint, take_qty numeric, expiry_date date)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  WITH i AS (SELECT * FROM lottrace.item WHERE item = suggest_pick.item),
  usable AS (
    SELECT l.lot_id, l.code, l.start_date, l.expiry_date,
           ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric AS on_hand
      FROM lottrace.lot l
      JOIN lottrace.lot_status s ON s.code = l.status AND s.available
      CROSS JOIN i
     WHERE l.item = suggest_pick.item
       -- variant '' is no variant, as in the engine
       AND (l.variant = suggest_pick.variant
            OR (l.variant IS NULL AND nullif(suggest_pick.variant, '') IS NULL))
       AND l.saleable AND NOT l.force_closed
       AND (l.expiry_date IS NULL OR CURRENT_DATE < l.expiry_date - i.block_days)
       AND ((l.stock -> suggest_pick.warehouse) ->> 1)::numeric > 0),
  ordered AS (
    SELECT u.*, sum(u.on_hand) OVER w AS upto
      FROM usable u, i
    WINDOW w AS (ORDER BY CASE WHEN i.pick_policy = 'fefo' THEN u.expiry_date END NULLS LAST,
                          u.start_date, u.expiry_date NULLS LAST, u.code, u.lot_id
                 ROWS UNBOUNDED PRECEDING))
  SELECT o.code, o.lot_id, least(o.on_hand, suggest_pick.qty - (o.upto - o.on_hand)), o.expiry_date
    FROM ordered o
   WHERE o.upto - o.on_hand < suggest_pick.qty
   ORDER BY o.upto
$$;
COMMENT ON FUNCTION lottrace.suggest_pick(text, text, numeric, text) IS
  'Which lots to unload, by the item''s policy (fifo: oldest start date first; fefo: earliest expiry first; manual: as fifo; ties by start date, expiry, code), among lots usable today in that warehouse (available status, saleable, not force closed, not blocked by expiry, stock > 0), split until qty is covered or stock runs out.';

CREATE FUNCTION lottrace.refresh_expiry(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (lot_id bigint, item text, lot lottrace.lotcode, expiry_date date, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  expired_status text := coalesce(nullif(current_setting('lottrace.expired_status', true), ''), 'EXPIRED');
  old_note text := current_setting('lottrace.status_note', true);
BEGIN
  -- the date in ISO form, whatever the session's DateStyle
  PERFORM set_config('lottrace.status_note', format('refresh_expiry as of %s', to_char(as_of, 'YYYY-MM-DD')), true);
  RETURN QUERY
  WITH expired AS (
    UPDATE lottrace.lot l
       SET status = expired_status
      FROM lottrace.item i, lottrace.lot_status s
     WHERE i.item = l.item AND s.code = l.status AND s.available
       AND l.expiry_date IS NOT NULL AND as_of >= l.expiry_date - i.block_days
       AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
       AND l.status <> expired_status
    RETURNING l.lot_id, l.item, l.code, l.expiry_date)
  SELECT e.lot_id, e.item, e.code, e.expiry_date, 'expired'::text FROM expired e
  UNION ALL
  SELECT l.lot_id, l.item, l.code, l.expiry_date, 'warning'
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
    JOIN lottrace.lot_status s ON s.code = l.status AND s.available
   WHERE l.expiry_date IS NOT NULL AND i.warn_days IS NOT NULL
     AND as_of >= l.expiry_date - i.warn_days
     AND as_of < l.expiry_date - i.block_days
     AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
   ORDER BY 5, 4, 2, 3;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
END
$$;
COMMENT ON FUNCTION lottrace.refresh_expiry(date) IS
  'Daily job: open lots in an available status at or past expiry_date - block_days move to lottrace.expired_status (logged in lot_status_log; action expired); open lots within warn_days are reported (action warning). Schedule with pg_cron, see docs/TRACEABILITY.md.';

------------------------------------------------------------------------------
-- Views for a quality manager's dashboard
------------------------------------------------------------------------------
CREATE VIEW lottrace.expiring_lots AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.status, l.expiry_date,
         l.expiry_date - i.block_days AS blocked_from,
         l.expiry_date - CURRENT_DATE AS days_to_expiry,
         lottrace._on_hand(l.stock) AS on_hand
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
   WHERE l.expiry_date IS NOT NULL AND NOT l.force_closed
     AND lottrace._on_hand(l.stock) > 0
     AND CURRENT_DATE >= l.expiry_date - coalesce(i.warn_days, 30);
COMMENT ON VIEW lottrace.expiring_lots IS
  'Open lots within their item''s warning lead time of expiry (30 days when the item sets none), or past it.';
COMMENT ON COLUMN lottrace.expiring_lots.lot_id IS 'Surrogate key of the lot.';
COMMENT ON COLUMN lottrace.expiring_lots.item IS 'Item code.';
COMMENT ON COLUMN lottrace.expiring_lots.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.expiring_lots.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.expiring_lots.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.expiring_lots.expiry_date IS 'Expiry date.';
COMMENT ON COLUMN lottrace.expiring_lots.blocked_from IS 'First day the lot may no longer be unloaded (expiry - block days).';
COMMENT ON COLUMN lottrace.expiring_lots.days_to_expiry IS 'Days from today to expiry (negative: expired).';
COMMENT ON COLUMN lottrace.expiring_lots.on_hand IS 'On hand, all warehouses.';

CREATE VIEW lottrace.unavailable_stock AS
  SELECT s.warehouse, s.item, s.variant, s.lot, l.status,
         CASE WHEN NOT coalesce(st.available, false) THEN 'status'
              WHEN NOT l.saleable THEN 'not saleable'
              WHEN l.force_closed THEN 'force closed'
              ELSE 'expired' END AS reason,
         s.on_hand
    FROM lottrace.lot_stock s
    JOIN lottrace.lot l ON l.lot_id = s.lot_id
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
   WHERE s.on_hand > 0 AND s.available_qty = 0;
COMMENT ON VIEW lottrace.unavailable_stock IS
  'Stock that may not be picked, by warehouse: lots in quarantine, blocked, expired, not saleable or force closed.';
COMMENT ON COLUMN lottrace.unavailable_stock.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.unavailable_stock.item IS 'Item code.';
COMMENT ON COLUMN lottrace.unavailable_stock.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.unavailable_stock.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.unavailable_stock.status IS 'Lot status.';
COMMENT ON COLUMN lottrace.unavailable_stock.reason IS 'Why it is unavailable: status, not saleable, force closed or expired.';
COMMENT ON COLUMN lottrace.unavailable_stock.on_hand IS 'On hand in this warehouse.';

CREATE VIEW lottrace.stock_by_item AS
  SELECT s.item, s.variant, s.warehouse, count(*) AS lots,
         sum(s.on_hand) AS on_hand, sum(s.available_qty) AS available_qty
    FROM lottrace.lot_stock s
   WHERE s.on_hand <> 0
   GROUP BY s.item, s.variant, s.warehouse;
COMMENT ON VIEW lottrace.stock_by_item IS 'Lot-tracked stock per item and warehouse: number of lots, on hand, available.';
COMMENT ON COLUMN lottrace.stock_by_item.item IS 'Item code.';
COMMENT ON COLUMN lottrace.stock_by_item.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.stock_by_item.warehouse IS 'Warehouse code.';
COMMENT ON COLUMN lottrace.stock_by_item.lots IS 'Lots with stock here.';
COMMENT ON COLUMN lottrace.stock_by_item.on_hand IS 'On hand.';
COMMENT ON COLUMN lottrace.stock_by_item.available_qty IS 'Of which available for picking today.';

CREATE VIEW lottrace.serials_by_customer AS
  SELECT DISTINCT ON (s.serial_id)
         m.account AS customer, s.item, s.variant, s.code AS serial, m.doc, m.moved_on AS shipped_on,
         s.state
    FROM lottrace.serial s
    JOIN lottrace.movements m ON m.item = s.item AND m.serial = s.code::text
     AND (m.variant = s.variant OR (m.variant IS NULL AND s.variant IS NULL))
   WHERE m.qty < 0 AND m.account IS NOT NULL
   -- the last unload in the order the registers use (date, table, key with
   -- shorter keys first, so row 10000 comes after row 9999)
   ORDER BY s.serial_id, m.moved_on DESC, m.source::oid DESC, length(m.source_key) DESC, m.source_key DESC;
COMMENT ON VIEW lottrace.serials_by_customer IS
  'The customer each serial was last shipped to (unloads with an account), with document and date; state tells whether it has come back.';
COMMENT ON COLUMN lottrace.serials_by_customer.customer IS 'Account of the last unload with an account.';
COMMENT ON COLUMN lottrace.serials_by_customer.item IS 'Item code.';
COMMENT ON COLUMN lottrace.serials_by_customer.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.serials_by_customer.serial IS 'Serial code.';
COMMENT ON COLUMN lottrace.serials_by_customer.doc IS 'Document of that unload.';
COMMENT ON COLUMN lottrace.serials_by_customer.shipped_on IS 'Date of that unload.';
COMMENT ON COLUMN lottrace.serials_by_customer.state IS 'in_stock (returned since) or out.';

CREATE VIEW lottrace.status_history AS
  SELECT g.log_id, g.changed_at, g.changed_by, l.item, l.variant, l.code AS lot,
         g.old_status, g.new_status, g.note
    FROM lottrace.lot_status_log g
    JOIN lottrace.lot l ON l.lot_id = g.lot_id;
COMMENT ON VIEW lottrace.status_history IS 'Every lot status change with the lot''s item and code: the audit trail.';
COMMENT ON COLUMN lottrace.status_history.log_id IS 'Order of the changes.';
COMMENT ON COLUMN lottrace.status_history.changed_at IS 'When.';
COMMENT ON COLUMN lottrace.status_history.changed_by IS 'Who.';
COMMENT ON COLUMN lottrace.status_history.item IS 'Item code.';
COMMENT ON COLUMN lottrace.status_history.variant IS 'Item variant.';
COMMENT ON COLUMN lottrace.status_history.lot IS 'Lot code.';
COMMENT ON COLUMN lottrace.status_history.old_status IS 'From.';
COMMENT ON COLUMN lottrace.status_history.new_status IS 'To.';
COMMENT ON COLUMN lottrace.status_history.note IS 'Why.';

-- ---------------------------------------------------------------------------
-- GS1 barcodes (src/gs1.c, src/gs1_core.c; docs/GS1.md)
--
-- The parsing functions apply the GS1 century rule to two-digit years
-- relative to the current date, so they are STABLE, not IMMUTABLE.
-- ---------------------------------------------------------------------------

CREATE FUNCTION lottrace.gs1_parse(barcode text)
RETURNS TABLE (ai text, value text)
AS 'MODULE_PATHNAME', 'lt_gs1_parse'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION lottrace.gs1_parse(text) IS
  'GS1 element strings of a barcode (bracketed, raw scanner data or Digital Link URI), validated, in input order';

-- AI (10) values are at most 20 characters of set 82: always a valid lotcode,
-- so the C function returns the bytes in the lotcode (= text) layout.
CREATE FUNCTION lottrace.gs1_lot(barcode text)
RETURNS lottrace.lotcode
AS 'MODULE_PATHNAME', 'lt_gs1_lot'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_lot(text) IS
  'batch/lot number, AI (10), of a GS1 barcode; NULL when absent';

-- Likewise AI (21) values are always valid serialcodes.
CREATE FUNCTION lottrace.gs1_serial(barcode text)
RETURNS lottrace.serialcode
AS 'MODULE_PATHNAME', 'lt_gs1_serial'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_serial(text) IS
  'serial number, AI (21), of a GS1 barcode; NULL when absent';

CREATE FUNCTION lottrace.gs1_gtin(barcode text)
RETURNS text
AS 'MODULE_PATHNAME', 'lt_gs1_gtin'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_gtin(text) IS
  '14-digit GTIN, AI (01), of a GS1 barcode; NULL when absent';

CREATE FUNCTION lottrace.gs1_expiry(barcode text)
RETURNS date
AS 'MODULE_PATHNAME', 'lt_gs1_expiry'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_expiry(text) IS
  'expiry date, AI (17), of a GS1 barcode (day 00 = last day of the month); NULL when absent';

CREATE FUNCTION lottrace.gs1_decimal(barcode text, ai text)
RETURNS numeric
AS 'MODULE_PATHNAME', 'lt_gs1_decimal'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_decimal(text, text) IS
  'value of a decimal-point AI (31nn-36nn, 39nn) with its decimal point applied; ai is the AI or its first three digits; NULL when absent';

CREATE FUNCTION lottrace.gs1_check_digit(digits text)
RETURNS int
AS 'MODULE_PATHNAME', 'lt_gs1_check_digit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_check_digit(text) IS
  'GS1 mod-10 check digit of a string of digits';

CREATE FUNCTION lottrace.gs1_digital_link(barcode text, stem text DEFAULT 'https://id.gs1.org')
RETURNS text
AS 'MODULE_PATHNAME', 'lt_gs1_digital_link'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace.gs1_digital_link(text, text) IS
  'canonical GS1 Digital Link URI of a GS1 barcode given in any form, below the given stem';

CREATE FUNCTION lottrace.gs1_check_pairs(barcode text)
RETURNS TABLE (ai text, problem text)
AS 'MODULE_PATHNAME', 'lt_gs1_check_pairs'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION lottrace.gs1_check_pairs(text) IS
  'GS1 pairing rules (required and excluded AIs) the barcode breaks; no rows when it follows them';
