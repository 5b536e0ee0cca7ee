
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
