/*
 * lottrace 1.0 -> 1.1
 *
 * Lot and serial codes in ordinary SQL, whatever the search_path:
 *   * the operators of lotcode, serialcode and codefmt move to pg_catalog,
 *     which every search_path includes.  ALTER ... SET SCHEMA keeps their
 *     OIDs, so indexes, views and the operator families that use them are
 *     untouched;
 *   * code || code is dropped (an untyped literal beside a code was read as
 *     a code); code || text and text || code remain;
 *   * comparisons between a code and text (varchar via text) use the code's
 *     natural order: cross-type members of the btree families, so a
 *     text-typed parameter (JDBC setString, psycopg binary) uses the index.
 * docs/lotcode.md explains the choices.
 */
\echo Use "ALTER EXTENSION lottrace UPDATE TO '1.1'" to load this file. \quit
-- Two texts ordered as codes: the support function that array keys
-- (code_col = ANY ($1::text[])) need in both btree families.
CREATE FUNCTION lottrace.text_as_code_cmp(text, text)
RETURNS integer
AS 'MODULE_PATHNAME', 'text_as_code_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_as_code_cmp(text, text) IS
  'natural-order comparison of two texts read as codes (trimmed): -1, 0 or 1 (btree support for text arrays against a code index)';

-- ---------------------------------------------------------------- lotcode
-- The lotcode operators, to pg_catalog (same OIDs: indexes, views and the
-- operator families keep them).
ALTER OPERATOR lottrace.= (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.<> (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.< (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.<= (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.> (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.>= (lottrace.lotcode, lottrace.lotcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.|| (lottrace.lotcode, text) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.|| (text, lottrace.lotcode) SET SCHEMA pg_catalog;

-- lotcode || lotcode goes: with it, an untyped literal on the right (lot ||
-- ' kg') was read as a lotcode, trimmed or refused.  Two codes concatenate
-- as a::text || b.
DROP OPERATOR lottrace.|| (lottrace.lotcode, lottrace.lotcode);
DROP FUNCTION lottrace.lotcodecat(lottrace.lotcode, lottrace.lotcode);

COMMENT ON CAST (lottrace.lotcode AS text) IS
  'the code''s characters; text functions and LIKE apply with text semantics, while =, <, ... against text compare in natural order';

-- Comparison with text, in natural order (the text side trimmed like input).
CREATE FUNCTION lottrace.lotcode_text_eq(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_eq(lottrace.lotcode, text) IS
  'implementation of = between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_ne(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_ne(lottrace.lotcode, text) IS
  'implementation of <> between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_lt(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_lt(lottrace.lotcode, text) IS
  'implementation of < between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_le(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_le(lottrace.lotcode, text) IS
  'implementation of <= between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_gt(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_gt(lottrace.lotcode, text) IS
  'implementation of > between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_ge(lottrace.lotcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_ge(lottrace.lotcode, text) IS
  'implementation of >= between lotcode and text';
CREATE FUNCTION lottrace.lotcode_text_cmp(lottrace.lotcode, text)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_text_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.lotcode_text_cmp(lottrace.lotcode, text) IS
  'natural-order comparison of lotcode and text: -1, 0 or 1 (btree support)';

CREATE FUNCTION lottrace.text_lotcode_eq(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_eq(text, lottrace.lotcode) IS
  'implementation of = between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_ne(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_ne(text, lottrace.lotcode) IS
  'implementation of <> between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_lt(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_lt(text, lottrace.lotcode) IS
  'implementation of < between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_le(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_le(text, lottrace.lotcode) IS
  'implementation of <= between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_gt(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_gt(text, lottrace.lotcode) IS
  'implementation of > between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_ge(text, lottrace.lotcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_ge(text, lottrace.lotcode) IS
  'implementation of >= between text and lotcode';
CREATE FUNCTION lottrace.text_lotcode_cmp(text, lottrace.lotcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'text_lotcode_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_lotcode_cmp(text, lottrace.lotcode) IS
  'natural-order comparison of text and lotcode: -1, 0 or 1 (btree support)';

CREATE OPERATOR pg_catalog.= (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_eq,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
COMMENT ON OPERATOR pg_catalog.= (lottrace.lotcode, text) IS
  'equal: the same characters, case included (the text trimmed of surrounding white space)';
CREATE OPERATOR pg_catalog.<> (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_ne,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR pg_catalog.<> (lottrace.lotcode, text) IS
  'not equal';
CREATE OPERATOR pg_catalog.< (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_lt,
  COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (lottrace.lotcode, text) IS
  'less than, in natural order';
CREATE OPERATOR pg_catalog.<= (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_le,
  COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (lottrace.lotcode, text) IS
  'less than or equal, in natural order';
CREATE OPERATOR pg_catalog.> (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_gt,
  COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (lottrace.lotcode, text) IS
  'greater than, in natural order';
CREATE OPERATOR pg_catalog.>= (
  LEFTARG = lottrace.lotcode, RIGHTARG = text,
  FUNCTION = lottrace.lotcode_text_ge,
  COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (lottrace.lotcode, text) IS
  'greater than or equal, in natural order';

CREATE OPERATOR pg_catalog.= (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_eq,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
COMMENT ON OPERATOR pg_catalog.= (text, lottrace.lotcode) IS
  'equal: the same characters, case included (the text trimmed of surrounding white space)';
CREATE OPERATOR pg_catalog.<> (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_ne,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR pg_catalog.<> (text, lottrace.lotcode) IS
  'not equal';
CREATE OPERATOR pg_catalog.< (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_lt,
  COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (text, lottrace.lotcode) IS
  'less than, in natural order';
CREATE OPERATOR pg_catalog.<= (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_le,
  COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (text, lottrace.lotcode) IS
  'less than or equal, in natural order';
CREATE OPERATOR pg_catalog.> (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_gt,
  COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (text, lottrace.lotcode) IS
  'greater than, in natural order';
CREATE OPERATOR pg_catalog.>= (
  LEFTARG = text, RIGHTARG = lottrace.lotcode,
  FUNCTION = lottrace.text_lotcode_ge,
  COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (text, lottrace.lotcode) IS
  'greater than or equal, in natural order';

ALTER OPERATOR FAMILY lottrace.lotcode_ops USING btree ADD
  OPERATOR 1 pg_catalog.< (lottrace.lotcode, text),
  OPERATOR 2 pg_catalog.<= (lottrace.lotcode, text),
  OPERATOR 3 pg_catalog.= (lottrace.lotcode, text),
  OPERATOR 4 pg_catalog.>= (lottrace.lotcode, text),
  OPERATOR 5 pg_catalog.> (lottrace.lotcode, text),
  FUNCTION 1 (lottrace.lotcode, text) lottrace.lotcode_text_cmp(lottrace.lotcode, text),
  OPERATOR 1 pg_catalog.< (text, lottrace.lotcode),
  OPERATOR 2 pg_catalog.<= (text, lottrace.lotcode),
  OPERATOR 3 pg_catalog.= (text, lottrace.lotcode),
  OPERATOR 4 pg_catalog.>= (text, lottrace.lotcode),
  OPERATOR 5 pg_catalog.> (text, lottrace.lotcode),
  FUNCTION 1 (text, lottrace.lotcode) lottrace.text_lotcode_cmp(text, lottrace.lotcode),
  FUNCTION 1 (text, text) lottrace.text_as_code_cmp(text, text);

-- ---------------------------------------------------------------- serialcode
-- The serialcode operators, to pg_catalog (same OIDs: indexes, views and the
-- operator families keep them).
ALTER OPERATOR lottrace.= (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.<> (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.< (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.<= (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.> (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.>= (lottrace.serialcode, lottrace.serialcode) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.|| (lottrace.serialcode, text) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.|| (text, lottrace.serialcode) SET SCHEMA pg_catalog;

-- serialcode || serialcode goes: with it, an untyped literal on the right (lot ||
-- ' kg') was read as a serialcode, trimmed or refused.  Two codes concatenate
-- as a::text || b.
DROP OPERATOR lottrace.|| (lottrace.serialcode, lottrace.serialcode);
DROP FUNCTION lottrace.serialcodecat(lottrace.serialcode, lottrace.serialcode);

COMMENT ON CAST (lottrace.serialcode AS text) IS
  'the code''s characters; text functions and LIKE apply with text semantics, while =, <, ... against text compare in natural order';

-- Comparison with text, in natural order (the text side trimmed like input).
CREATE FUNCTION lottrace.serialcode_text_eq(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_eq(lottrace.serialcode, text) IS
  'implementation of = between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_ne(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_ne(lottrace.serialcode, text) IS
  'implementation of <> between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_lt(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_lt(lottrace.serialcode, text) IS
  'implementation of < between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_le(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_le(lottrace.serialcode, text) IS
  'implementation of <= between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_gt(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_gt(lottrace.serialcode, text) IS
  'implementation of > between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_ge(lottrace.serialcode, text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'lotcode_text_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_ge(lottrace.serialcode, text) IS
  'implementation of >= between serialcode and text';
CREATE FUNCTION lottrace.serialcode_text_cmp(lottrace.serialcode, text)
RETURNS integer
AS 'MODULE_PATHNAME', 'lotcode_text_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.serialcode_text_cmp(lottrace.serialcode, text) IS
  'natural-order comparison of serialcode and text: -1, 0 or 1 (btree support)';

CREATE FUNCTION lottrace.text_serialcode_eq(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_eq(text, lottrace.serialcode) IS
  'implementation of = between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_ne(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_ne(text, lottrace.serialcode) IS
  'implementation of <> between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_lt(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_lt(text, lottrace.serialcode) IS
  'implementation of < between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_le(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_le(text, lottrace.serialcode) IS
  'implementation of <= between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_gt(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_gt(text, lottrace.serialcode) IS
  'implementation of > between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_ge(text, lottrace.serialcode)
RETURNS boolean
AS 'MODULE_PATHNAME', 'text_lotcode_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_ge(text, lottrace.serialcode) IS
  'implementation of >= between text and serialcode';
CREATE FUNCTION lottrace.text_serialcode_cmp(text, lottrace.serialcode)
RETURNS integer
AS 'MODULE_PATHNAME', 'text_lotcode_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.text_serialcode_cmp(text, lottrace.serialcode) IS
  'natural-order comparison of text and serialcode: -1, 0 or 1 (btree support)';

CREATE OPERATOR pg_catalog.= (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_eq,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
COMMENT ON OPERATOR pg_catalog.= (lottrace.serialcode, text) IS
  'equal: the same characters, case included (the text trimmed of surrounding white space)';
CREATE OPERATOR pg_catalog.<> (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_ne,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR pg_catalog.<> (lottrace.serialcode, text) IS
  'not equal';
CREATE OPERATOR pg_catalog.< (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_lt,
  COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (lottrace.serialcode, text) IS
  'less than, in natural order';
CREATE OPERATOR pg_catalog.<= (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_le,
  COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (lottrace.serialcode, text) IS
  'less than or equal, in natural order';
CREATE OPERATOR pg_catalog.> (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_gt,
  COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (lottrace.serialcode, text) IS
  'greater than, in natural order';
CREATE OPERATOR pg_catalog.>= (
  LEFTARG = lottrace.serialcode, RIGHTARG = text,
  FUNCTION = lottrace.serialcode_text_ge,
  COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (lottrace.serialcode, text) IS
  'greater than or equal, in natural order';

CREATE OPERATOR pg_catalog.= (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_eq,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
COMMENT ON OPERATOR pg_catalog.= (text, lottrace.serialcode) IS
  'equal: the same characters, case included (the text trimmed of surrounding white space)';
CREATE OPERATOR pg_catalog.<> (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_ne,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR pg_catalog.<> (text, lottrace.serialcode) IS
  'not equal';
CREATE OPERATOR pg_catalog.< (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_lt,
  COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (text, lottrace.serialcode) IS
  'less than, in natural order';
CREATE OPERATOR pg_catalog.<= (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_le,
  COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (text, lottrace.serialcode) IS
  'less than or equal, in natural order';
CREATE OPERATOR pg_catalog.> (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_gt,
  COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (text, lottrace.serialcode) IS
  'greater than, in natural order';
CREATE OPERATOR pg_catalog.>= (
  LEFTARG = text, RIGHTARG = lottrace.serialcode,
  FUNCTION = lottrace.text_serialcode_ge,
  COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (text, lottrace.serialcode) IS
  'greater than or equal, in natural order';

ALTER OPERATOR FAMILY lottrace.serialcode_ops USING btree ADD
  OPERATOR 1 pg_catalog.< (lottrace.serialcode, text),
  OPERATOR 2 pg_catalog.<= (lottrace.serialcode, text),
  OPERATOR 3 pg_catalog.= (lottrace.serialcode, text),
  OPERATOR 4 pg_catalog.>= (lottrace.serialcode, text),
  OPERATOR 5 pg_catalog.> (lottrace.serialcode, text),
  FUNCTION 1 (lottrace.serialcode, text) lottrace.serialcode_text_cmp(lottrace.serialcode, text),
  OPERATOR 1 pg_catalog.< (text, lottrace.serialcode),
  OPERATOR 2 pg_catalog.<= (text, lottrace.serialcode),
  OPERATOR 3 pg_catalog.= (text, lottrace.serialcode),
  OPERATOR 4 pg_catalog.>= (text, lottrace.serialcode),
  OPERATOR 5 pg_catalog.> (text, lottrace.serialcode),
  FUNCTION 1 (text, lottrace.serialcode) lottrace.text_serialcode_cmp(text, lottrace.serialcode),
  FUNCTION 1 (text, text) lottrace.text_as_code_cmp(text, text);

-- ---------------------------------------------------------------- codefmt
ALTER OPERATOR lottrace.= (lottrace.codefmt, lottrace.codefmt) SET SCHEMA pg_catalog;
ALTER OPERATOR lottrace.<> (lottrace.codefmt, lottrace.codefmt) SET SCHEMA pg_catalog;

-- ==== Partitions managed by pg_partman (issue 11)
--
-- Partitions come and go under an attached table: pg_partman creates them
-- ahead (run_maintenance) and its retention detaches or drops old ones.
--   * lottrace's event triggers fire ALWAYS, also with
--     session_replication_role = replica, so a partition created that way
--     is governed; verify() reports any partition that is not.
--   * A partition that leaves an attached table (DROP TABLE, ALTER TABLE
--     ... DETACH PARTITION) takes its rows with it but not their effect:
--     the registers keep the stock, as a closing "by lots" keeps opening
--     balances.  Its per-lot balances, serial states and production batch
--     members are written to lottrace.archived_* before it goes, and
--     verify() and rebuild() count them as movements that came first.  A
--     detached partition loses lottrace's triggers and is an ordinary table.
-- docs/SCALING.md, "Archiving old partitions", explains the choices.

ALTER EVENT TRIGGER lottrace_follow_columns ENABLE ALWAYS;
ALTER EVENT TRIGGER lottrace_follow_renames ENABLE ALWAYS;
ALTER EVENT TRIGGER lottrace_guard_attached ENABLE ALWAYS;
ALTER EVENT TRIGGER lottrace_refuse_drop ENABLE ALWAYS;
ALTER EVENT TRIGGER lottrace_govern_partitions ENABLE ALWAYS;

CREATE TABLE lottrace.archived_partition (
  archive_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  relid        regclass NOT NULL REFERENCES lottrace.attachment (relid) ON DELETE CASCADE,
  partition_name text NOT NULL,
  how          text NOT NULL CHECK (how IN ('drop', 'detach')),
  nrows        bigint NOT NULL,
  archived_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  archived_by  text NOT NULL DEFAULT pg_catalog."session_user"()
);
COMMENT ON TABLE lottrace.archived_partition IS
  'Partitions that left an attached table (dropped or detached) with their rows; their effect on the registers is kept in archived_balance, archived_serial and archived_batch.';
COMMENT ON COLUMN lottrace.archived_partition.relid IS 'The attached table the partition belonged to.';
COMMENT ON COLUMN lottrace.archived_partition.partition_name IS 'The partition''s qualified name when it left.';
COMMENT ON COLUMN lottrace.archived_partition.how IS 'drop (DROP TABLE) or detach (ALTER TABLE ... DETACH PARTITION; the table may still exist).';
COMMENT ON COLUMN lottrace.archived_partition.nrows IS 'Rows the partition held.';

CREATE TABLE lottrace.archived_balance (
  archive_id bigint NOT NULL REFERENCES lottrace.archived_partition ON DELETE CASCADE,
  lot_id     bigint NOT NULL REFERENCES lottrace.lot,
  warehouse  text NOT NULL,
  loaded_qty numeric NOT NULL,
  on_hand    numeric NOT NULL,
  PRIMARY KEY (archive_id, lot_id, warehouse)
);
COMMENT ON TABLE lottrace.archived_balance IS
  'The archived rows'' effect per lot and warehouse: an opening balance that verify() and rebuild() add to the movements.';
COMMENT ON COLUMN lottrace.archived_balance.loaded_qty IS 'Sum of the archived loads.';
COMMENT ON COLUMN lottrace.archived_balance.on_hand IS 'Sum of the archived signed quantities.';

CREATE TABLE lottrace.archived_serial (
  archive_id  bigint NOT NULL REFERENCES lottrace.archived_partition ON DELETE CASCADE,
  item        text NOT NULL,
  variant     text,
  serial      text NOT NULL,
  counts      jsonb NOT NULL,
  loaded      boolean NOT NULL,
  lot         text,
  load_doc    text,
  loaded_on   date,
  unloaded    boolean NOT NULL,
  unload_doc  text,
  unloaded_on date
);
CREATE UNIQUE INDEX archived_serial_key ON lottrace.archived_serial
  (archive_id, item, (coalesce(variant, '')), serial);
COMMENT ON TABLE lottrace.archived_serial IS
  'The archived rows'' effect per serial: net moves per warehouse, the last load and the first unload after it.';
COMMENT ON COLUMN lottrace.archived_serial.counts IS 'Net moves per warehouse, {"W1": 1, ...} (loads minus unloads; zeros left out).';
COMMENT ON COLUMN lottrace.archived_serial.loaded IS 'The archived rows load the serial; lot, load_doc and loaded_on are those of the last load.';
COMMENT ON COLUMN lottrace.archived_serial.unloaded IS 'The archived rows unload the serial after their last load (or at all, without a load); unload_doc and unloaded_on are those of the first such unload.';

CREATE TABLE lottrace.archived_batch (
  archive_id bigint NOT NULL REFERENCES lottrace.archived_partition ON DELETE CASCADE,
  batch_key  text NOT NULL,
  role       text NOT NULL,
  lot_id     bigint NOT NULL REFERENCES lottrace.lot,
  qty        numeric NOT NULL,
  nrows      int NOT NULL,
  PRIMARY KEY (archive_id, batch_key, role, lot_id)
);
COMMENT ON TABLE lottrace.archived_batch IS
  'Production batch members of the archived rows, which rebuild() keeps in lottrace.batch_member (the genealogy).';

COMMENT ON COLUMN lottrace.archived_partition.archive_id IS 'Identifies the archive (archives count in this order).';
COMMENT ON COLUMN lottrace.archived_partition.archived_at IS 'When the partition left.';
COMMENT ON COLUMN lottrace.archived_partition.archived_by IS 'The session user who dropped or detached it.';
COMMENT ON COLUMN lottrace.archived_balance.archive_id IS 'The archived partition.';
COMMENT ON COLUMN lottrace.archived_balance.lot_id IS 'The lot.';
COMMENT ON COLUMN lottrace.archived_balance.warehouse IS 'The warehouse.';
COMMENT ON COLUMN lottrace.archived_serial.archive_id IS 'The archived partition.';
COMMENT ON COLUMN lottrace.archived_serial.item IS 'Item of the serial.';
COMMENT ON COLUMN lottrace.archived_serial.variant IS 'Variant of the serial (NULL: none).';
COMMENT ON COLUMN lottrace.archived_serial.serial IS 'The serial code.';
COMMENT ON COLUMN lottrace.archived_serial.lot IS 'Lot of the last archived load.';
COMMENT ON COLUMN lottrace.archived_serial.load_doc IS 'Document of the last archived load.';
COMMENT ON COLUMN lottrace.archived_serial.loaded_on IS 'Date of the last archived load.';
COMMENT ON COLUMN lottrace.archived_serial.unload_doc IS 'Document of the first archived unload after it.';
COMMENT ON COLUMN lottrace.archived_serial.unloaded_on IS 'Date of the first archived unload after it.';
COMMENT ON COLUMN lottrace.archived_batch.archive_id IS 'The archived partition.';
COMMENT ON COLUMN lottrace.archived_batch.batch_key IS 'The production batch.';
COMMENT ON COLUMN lottrace.archived_batch.role IS 'input or output (the reason''s production).';
COMMENT ON COLUMN lottrace.archived_batch.lot_id IS 'The consumed or produced lot.';
COMMENT ON COLUMN lottrace.archived_batch.qty IS 'Quantity of the archived rows.';
COMMENT ON COLUMN lottrace.archived_batch.nrows IS 'Number of archived rows.';

SELECT pg_catalog.pg_extension_config_dump('lottrace.archived_partition', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.archived_partition_archive_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.archived_balance', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.archived_serial', '');
SELECT pg_catalog.pg_extension_config_dump('lottrace.archived_batch', '');

-- The effect of a partition's rows, archived before they leave root.
CREATE FUNCTION lottrace._archive_partition(root regclass, part regclass, how text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a   lottrace.attachment;
  q   text;
  id  bigint;
  n   bigint;
BEGIN
  SELECT * INTO a FROM lottrace.attachment WHERE relid = root;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  q := lottrace._rows_sql(a, part);
  EXECUTE format('SELECT count(*) FROM %s', part) INTO n;
  INSERT INTO lottrace.archived_partition (relid, partition_name, how, nrows)
  VALUES (root, part::text, how, n)
  RETURNING archive_id INTO id;
  IF n = 0 THEN
    RETURN;
  END IF;
  -- as lottrace._expected_balances() counts them
  EXECUTE format(
    'INSERT INTO lottrace.archived_balance (archive_id, lot_id, warehouse, loaded_qty, on_hand)
     SELECT $1, l.lot_id, m.warehouse, coalesce(sum(m.loaded), 0), sum(m.qty)
       FROM (%s) m
       JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
       JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
      GROUP BY l.lot_id, m.warehouse', q) USING id;
  -- as lottrace._expected_serials() orders them
  EXECUTE format(
    'WITH m AS (
       SELECT m.*, row_number() OVER (PARTITION BY m.item, m.variant, m.serial
                                      ORDER BY m.moved_on, length(m.source_key), m.source_key) AS seq
         FROM (%s) m
         JOIN lottrace.item i ON i.item = m.item AND i.serial_tracked
        WHERE m.serial IS NOT NULL),
     s AS (
       SELECT m.item, m.variant, m.serial, max(m.seq) FILTER (WHERE m.qty > 0) AS last_load
         FROM m GROUP BY 1, 2, 3),
     c AS (
       SELECT x.item, x.variant, x.serial,
              coalesce(jsonb_object_agg(x.warehouse, x.n) FILTER (WHERE x.n <> 0), ''{}'') AS counts
         FROM (SELECT m.item, m.variant, m.serial, m.warehouse, sum(sign(m.qty)) AS n
                 FROM m GROUP BY 1, 2, 3, 4) x
        GROUP BY 1, 2, 3)
     INSERT INTO lottrace.archived_serial (archive_id, item, variant, serial, counts, loaded, lot,
                                           load_doc, loaded_on, unloaded, unload_doc, unloaded_on)
     SELECT $1, s.item, s.variant, s.serial, c.counts, s.last_load IS NOT NULL, ll.lot, ll.doc, ll.moved_on,
            fu.seq IS NOT NULL, fu.doc, fu.moved_on
       FROM s
       JOIN c ON c.item = s.item AND c.serial = s.serial
        AND (c.variant = s.variant OR (c.variant IS NULL AND s.variant IS NULL))
       LEFT JOIN m ll ON ll.item = s.item AND ll.serial = s.serial AND ll.seq = s.last_load
        AND (ll.variant = s.variant OR (ll.variant IS NULL AND s.variant IS NULL))
       LEFT JOIN LATERAL (
         SELECT u.doc, u.moved_on, u.seq FROM m u
          WHERE u.item = s.item AND u.serial = s.serial AND u.qty < 0
            AND (u.variant = s.variant OR (u.variant IS NULL AND s.variant IS NULL))
            AND u.seq > coalesce(s.last_load, 0)
          ORDER BY u.seq LIMIT 1) fu ON true', q) USING id;
  -- as lottrace._expected_batches() counts them
  EXECUTE format(
    'INSERT INTO lottrace.archived_batch (archive_id, batch_key, role, lot_id, qty, nrows)
     SELECT $1, m.batch_key, m.role, l.lot_id, sum(abs(m.qty) * m.bsign), count(*)::int
       FROM (%s) m
       JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
       JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
      WHERE m.batch_key IS NOT NULL AND m.role IS NOT NULL
      GROUP BY 2, 3, 4', q) USING id;
END
$$;
COMMENT ON FUNCTION lottrace._archive_partition(regclass, regclass, text) IS
  'Internal: records a partition of an attached table that leaves it (how: drop or detach) and the effect of its rows (balances per lot and warehouse, serial states, production batch members) in lottrace.archived_*.';
REVOKE EXECUTE ON FUNCTION lottrace._archive_partition(regclass, regclass, text) FROM PUBLIC;

-- Called by the C event trigger lottrace._partitions_leave() with the
-- tables a DROP TABLE names (at ddl_command_start, while their rows are
-- there) or the partitions an ALTER TABLE ... DETACH PARTITION detached (at
-- ddl_command_end; parent: the table they were detached from).
CREATE FUNCTION lottrace._partitions_leaving(parts regclass[], parent regclass, how text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p record;
BEGIN
  FOR p IN
    SELECT DISTINCT ON (x.part) x.part, a.relid AS root
      FROM unnest(parts) AS x(part)
      JOIN lottrace.attachment a
        ON a.relid IN (SELECT anc.relid FROM pg_partition_ancestors(coalesce(parent, x.part)) anc)
     WHERE x.part <> a.relid
       -- governed: it has lottrace's statement triggers, and so has the root
       -- (not while pg_restore re-creates the table)
       AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = x.part AND t.tgname = 'lottrace_insert'
                      AND t.tgfoid = 'lottrace._trg_rows()'::regprocedure)
       AND EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = a.relid AND t.tgname = 'lottrace_insert')
       -- a table dropped with an ancestor named in the same DROP is counted there
       AND (parent IS NOT NULL
            OR NOT EXISTS (SELECT FROM pg_partition_ancestors(x.part) anc
                            WHERE anc.relid <> x.part AND anc.relid = ANY (parts)))
     ORDER BY x.part
  LOOP
    PERFORM lottrace._archive_partition(p.root, p.part, how);
    IF how = 'detach' THEN
      -- an ordinary table now: lottrace's triggers go with the mapping
      PERFORM lottrace._ungovern(p.part);
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION lottrace._partitions_leaving(regclass[], regclass, text) IS
  'Internal: archives the governed partitions among parts that are dropped (how drop) or were detached from parent (how detach), and drops the triggers of detached ones.';
REVOKE EXECUTE ON FUNCTION lottrace._partitions_leaving(regclass[], regclass, text) FROM PUBLIC;

CREATE FUNCTION lottrace._partitions_leave()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'lt_partitions_leave'
LANGUAGE C;
COMMENT ON FUNCTION lottrace._partitions_leave() IS
  'Internal event trigger: finds the tables of DROP TABLE (ddl_command_start) and ALTER TABLE ... DETACH PARTITION (ddl_command_end) in the command and archives those that are governed partitions (lottrace._partitions_leaving).';
CREATE EVENT TRIGGER lottrace_archive_dropped ON ddl_command_start
  WHEN TAG IN ('DROP TABLE')
  EXECUTE FUNCTION lottrace._partitions_leave();
ALTER EVENT TRIGGER lottrace_archive_dropped ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER lottrace_archive_dropped IS
  'lottrace: a partition of an attached table that is dropped leaves its balances in lottrace.archived_balance (and serials, batches).';
CREATE EVENT TRIGGER lottrace_archive_detached ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION lottrace._partitions_leave();
ALTER EVENT TRIGGER lottrace_archive_detached ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER lottrace_archive_detached IS
  'lottrace: a partition detached from an attached table leaves its balances in lottrace.archived_balance (and serials, batches) and loses lottrace''s triggers.';

-- What the registers should hold: the attached tables' rows, after the
-- archived effect of the partitions that left them (archives count as
-- earlier than every attached row, in the order they were archived).
CREATE OR REPLACE FUNCTION lottrace._expected_balances()
RETURNS TABLE (lot_id bigint, warehouse text, loaded_qty numeric, on_hand numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT x.lot_id, x.warehouse, sum(x.loaded_qty), sum(x.on_hand)
    FROM (SELECT l.lot_id, m.warehouse,
                 coalesce(sum(m.qty) FILTER (WHERE m.qty > 0), 0) AS loaded_qty, sum(m.qty) AS on_hand
            FROM lottrace.movements m
            JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
            JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
             AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
           GROUP BY l.lot_id, m.warehouse
          UNION ALL
          SELECT b.lot_id, b.warehouse, b.loaded_qty, b.on_hand
            FROM lottrace.archived_balance b
            JOIN lottrace.lot l ON l.lot_id = b.lot_id
            JOIN lottrace.item i ON i.item = l.item AND i.lot_tracked) x
   GROUP BY x.lot_id, x.warehouse
$$;
COMMENT ON FUNCTION lottrace._expected_balances() IS
  'Internal: lot balances per warehouse as computed from lottrace.movements and the archived balances of partitions that left the attached tables.';

CREATE OR REPLACE FUNCTION lottrace._expected_serials()
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
  a AS (
    SELECT s.* FROM lottrace.archived_serial s
      JOIN lottrace.item i ON i.item = s.item AND i.serial_tracked),
  counts AS (
    SELECT x.item, x.variant, x.serial, x.warehouse, sum(x.n) AS n
      FROM (SELECT m.item, m.variant, m.serial, m.warehouse, sign(m.qty) AS n FROM m
            UNION ALL
            SELECT a.item, a.variant, a.serial, w.key, w.value::numeric
              FROM a, jsonb_each_text(a.counts) w) x
     GROUP BY 1, 2, 3, 4),
  place AS (
    SELECT c.item, c.variant, c.serial, min(c.warehouse) FILTER (WHERE c.n = 1) AS warehouse
      FROM counts c GROUP BY 1, 2, 3),
  -- the last load: the latest attached one, else the latest archived one
  last_load AS (
    SELECT DISTINCT ON (x.item, x.variant, x.serial) x.*
      FROM (SELECT m.item, m.variant, m.serial, m.lot, m.doc, m.moved_on, m.seq,
                   true AS live, 0::bigint AS archive_id
              FROM m WHERE m.qty > 0
            UNION ALL
            SELECT a.item, a.variant, a.serial, a.lot, a.load_doc, a.loaded_on, 0, false, a.archive_id
              FROM a WHERE a.loaded) x
     ORDER BY x.item, x.variant, x.serial, x.live DESC, x.archive_id DESC, x.seq DESC),
  -- the first unload after it: archived ones (from its own archive on) come
  -- before attached ones
  first_unload AS (
    SELECT DISTINCT ON (ll.item, ll.variant, ll.serial) ll.item, ll.variant, ll.serial,
           u.doc, u.moved_on
      FROM last_load ll
      JOIN (SELECT m.item, m.variant, m.serial, m.doc, m.moved_on, m.seq, true AS live, 0::bigint AS archive_id
              FROM m WHERE m.qty < 0
            UNION ALL
            SELECT a.item, a.variant, a.serial, a.unload_doc, a.unloaded_on, 0, false, a.archive_id
              FROM a WHERE a.unloaded) u
        ON u.item = ll.item AND u.serial = ll.serial
       AND (u.variant = ll.variant OR (u.variant IS NULL AND ll.variant IS NULL))
       AND CASE WHEN ll.live THEN u.live AND u.seq > ll.seq
                ELSE u.live OR u.archive_id >= ll.archive_id END
     ORDER BY ll.item, ll.variant, ll.serial, u.live, u.archive_id, u.seq)
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
  'Internal: where each serial is (NULL: out of stock) and its last load / first unload after it, computed from lottrace.movements and the archived serial states of partitions that left the attached tables.';

CREATE OR REPLACE FUNCTION lottrace._expected_batches()
RETURNS TABLE (batch_key text, role text, lot_id bigint, qty numeric, nrows int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT x.batch_key, x.role, x.lot_id, sum(x.qty), sum(x.nrows)::int
    FROM (SELECT m.batch_key, r.production AS role, l.lot_id, sum(abs(m.qty)) AS qty, count(*) AS nrows
            FROM lottrace.movements m
            JOIN lottrace.reason r ON r.code = m.reason AND r.production IS NOT NULL
            JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
            JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
             AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
           WHERE m.batch_key IS NOT NULL
           GROUP BY 1, 2, 3
          UNION ALL
          SELECT b.batch_key, b.role, b.lot_id, b.qty, b.nrows
            FROM lottrace.archived_batch b) x
   GROUP BY 1, 2, 3
$$;
COMMENT ON FUNCTION lottrace._expected_batches() IS
  'Internal: production batch members computed from lottrace.movements and the archived batches of partitions that left the attached tables.';

-- Partitions created or attached later get the statement triggers too; the
-- rebuild hint only when one of them brought rows (ATTACH PARTITION of a
-- table in use), not for the empty partitions pg_partman creates ahead.
CREATE OR REPLACE FUNCTION lottrace._govern_new_partitions()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  root record;
  part regclass;
  with_rows text[];
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
    with_rows := '{}';
    FOR part IN
      SELECT p.relid FROM pg_partition_tree(root.relid) p
       WHERE p.isleaf
         AND NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')
    LOOP
      IF lottrace._has_rows(part) THEN
        with_rows := with_rows || part::text;
      END IF;
    END LOOP;
    IF EXISTS (SELECT FROM pg_partition_tree(root.relid) p
                WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = p.relid AND tgname = 'lottrace_insert')) THEN
      PERFORM lottrace._govern(root.relid, ARRAY[root.item_col, root.lot_col, root.serial_col]);
      IF cardinality(with_rows) > 0 THEN
        RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid
          USING DETAIL = format('Rows that were already in %s are not in the registers.',
                                array_to_string(with_rows, ', ')),
                HINT = 'Run SELECT lottrace.rebuild().';
      ELSE
        RAISE NOTICE 'lottrace: new partitions of % are governed', root.relid;
      END IF;
    END IF;
  END LOOP;
END
$$;

CREATE FUNCTION lottrace._has_rows(tbl regclass)
RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  found_row boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT FROM %s)', tbl) INTO found_row;
  RETURN found_row;
END
$$;
COMMENT ON FUNCTION lottrace._has_rows(regclass) IS
  'Internal: does the table hold a row?';
REVOKE EXECUTE ON FUNCTION lottrace._has_rows(regclass) FROM PUBLIC;

-- ---- verify(): one more kind of problem, 'ungoverned partition'
CREATE OR REPLACE FUNCTION lottrace.verify()
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
   WHERE coalesce(bm.qty, 0) <> coalesce(ebm.qty, 0) OR coalesce(bm.nrows, 0) <> coalesce(ebm.nrows, 0)
  UNION ALL
  -- partitions of an attached table without lottrace's statement triggers
  -- (made while event triggers were disabled): statements on them are not
  -- governed, and the rows they took may be anywhere
  SELECT 'ungoverned partition',
         format('partition %s of attached table %s lacks lottrace''s triggers %s: statements on it are not governed',
                g.rel, g.root,
                (SELECT string_agg(s.tgname, ', ' ORDER BY s.tgname) FROM lottrace._trigger_spec() s
                  WHERE s.tgname <> 'lottrace_generate'
                    AND NOT EXISTS (SELECT FROM pg_trigger tg
                                     WHERE tg.tgrelid = g.rel AND tg.tgname = s.tgname AND tg.tgfoid = s.fn)))
    FROM lottrace._governed_relations() g
   WHERE g.rel <> g.root
     -- not while pg_restore re-creates the triggers
     AND EXISTS (SELECT FROM pg_trigger tg WHERE tg.tgrelid = g.root AND tg.tgname = 'lottrace_insert')
     AND EXISTS (SELECT FROM lottrace._trigger_spec() s
                  WHERE s.tgname <> 'lottrace_generate'
                    AND NOT EXISTS (SELECT FROM pg_trigger tg
                                     WHERE tg.tgrelid = g.rel AND tg.tgname = s.tgname AND tg.tgfoid = s.fn));
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables and the archived balances of partitions that left them: no rows when they agree, otherwise one row per disagreement (problem, detail); also reports partitions of attached tables that lack lottrace''s triggers.';

-- detach() of an attached table takes its archived effect out of the
-- registers too, after its rows' (the engine has reversed those).
CREATE FUNCTION lottrace._forget_archives(tbl regclass)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE lottrace.lot l
     SET stock = n.stock
    FROM (SELECT l2.lot_id,
                 coalesce((SELECT jsonb_object_agg(w.key, w.value)
                             FROM (SELECT s.key,
                                          jsonb_build_array((s.value ->> 0)::numeric - coalesce(b.loaded_qty, 0),
                                                            (s.value ->> 1)::numeric - coalesce(b.on_hand, 0)) AS value
                                     FROM jsonb_each(l2.stock) s
                                     LEFT JOIN (SELECT b.warehouse, sum(b.loaded_qty) AS loaded_qty, sum(b.on_hand) AS on_hand
                                                  FROM lottrace.archived_balance b
                                                  JOIN lottrace.archived_partition p USING (archive_id)
                                                 WHERE p.relid = tbl AND b.lot_id = l2.lot_id
                                                 GROUP BY b.warehouse) b ON b.warehouse = s.key) w
                            WHERE (w.value ->> 0)::numeric <> 0 OR (w.value ->> 1)::numeric <> 0), '{}') AS stock
            FROM lottrace.lot l2
           WHERE l2.lot_id IN (SELECT b.lot_id FROM lottrace.archived_balance b
                                 JOIN lottrace.archived_partition p USING (archive_id)
                                WHERE p.relid = tbl)) n
   WHERE l.lot_id = n.lot_id;
  UPDATE lottrace.batch_member bm
     SET qty = bm.qty - b.qty, nrows = bm.nrows - b.nrows
    FROM (SELECT b.batch_key, b.role, b.lot_id, sum(b.qty) AS qty, sum(b.nrows) AS nrows
            FROM lottrace.archived_batch b JOIN lottrace.archived_partition p USING (archive_id)
           WHERE p.relid = tbl GROUP BY 1, 2, 3) b
   WHERE bm.batch_key = b.batch_key AND bm.role = b.role AND bm.lot_id = b.lot_id;
  DELETE FROM lottrace.batch_member WHERE nrows <= 0;
  -- a serial the archive left in a warehouse, and still there, goes out
  UPDATE lottrace.serial s
     SET state = 'out', warehouse = NULL
    FROM lottrace.archived_serial a
    JOIN lottrace.archived_partition p USING (archive_id)
   WHERE p.relid = tbl AND s.item = a.item AND s.code::text = a.serial
     AND (s.variant = a.variant OR (s.variant IS NULL AND a.variant IS NULL))
     AND s.state = 'in_stock' AND (a.counts ->> s.warehouse)::numeric = 1;
  DELETE FROM lottrace.archived_partition WHERE relid = tbl;
END
$$;
COMMENT ON FUNCTION lottrace._forget_archives(regclass) IS
  'Internal: called by detach(): takes the archived balances, batches and serial places of the table''s former partitions out of the registers, and forgets them.';
REVOKE EXECUTE ON FUNCTION lottrace._forget_archives(regclass) FROM PUBLIC;

-- ==== dates: expiry within the range of type date, infinity, lead times (issue 11)
--
-- Every date lottrace computes is checked against the range of type date
-- (4714-11-24 BC .. 5874897-12-31): a computed expiry past it is refused
-- (SQLSTATE 22008, constraint lottrace_date_range) instead of being stored
-- as a value that pg_dump writes and pg_restore cannot read.  An expiry of
-- infinity given on receipt is kept (the lot never expires); -infinity and
-- infinite movement dates are refused.  docs/ENGINE.md, "Dates".

-- Items: shelf lives and lead times of at most 100 years.  A database whose
-- items hold more cannot be updated until they are corrected.
DO $$
DECLARE
  bad text;
BEGIN
  SELECT string_agg(format('"%s" (%s)', item, concat_ws(', ',
           CASE WHEN lot_validity_days > 36500 THEN 'lot_validity_days ' || lot_validity_days END,
           CASE WHEN serial_validity_days > 36500 THEN 'serial_validity_days ' || serial_validity_days END,
           CASE WHEN warn_days > 36500 THEN 'warn_days ' || warn_days END,
           CASE WHEN block_days > 36500 THEN 'block_days ' || block_days END)), ', ' ORDER BY item)
    INTO bad
    FROM lottrace.item
   WHERE lot_validity_days > 36500 OR serial_validity_days > 36500
      OR warn_days > 36500 OR block_days > 36500;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'lottrace 1.1 limits shelf lives and lead times of items to 36500 days (100 years)'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'item_days_range',
            DETAIL = 'Items over the limit: ' || bad || '.',
            HINT = 'Correct them (NULL validity: no computed expiry), then run ALTER EXTENSION lottrace UPDATE again.';
  END IF;
END
$$;
ALTER TABLE lottrace.item
  DROP CONSTRAINT item_lot_validity_days_check,
  DROP CONSTRAINT item_serial_validity_days_check,
  DROP CONSTRAINT item_warn_days_check,
  DROP CONSTRAINT item_block_days_check,
  ADD CONSTRAINT item_lot_validity_days_range CHECK (lot_validity_days BETWEEN 0 AND 36500),
  ADD CONSTRAINT item_serial_validity_days_range CHECK (serial_validity_days BETWEEN 0 AND 36500),
  ADD CONSTRAINT item_warn_days_range CHECK (warn_days BETWEEN 0 AND 36500),
  ADD CONSTRAINT item_block_days_range CHECK (block_days BETWEEN 0 AND 36500);
COMMENT ON CONSTRAINT item_lot_validity_days_range ON lottrace.item IS
  'Shelf life of lots: 0 to 36500 days (100 years); NULL for none.';
COMMENT ON CONSTRAINT item_serial_validity_days_range ON lottrace.item IS
  'Validity of serials: 0 to 36500 days (100 years); NULL for none.';
COMMENT ON CONSTRAINT item_warn_days_range ON lottrace.item IS
  'Warning lead time: 0 to 36500 days (100 years); NULL for none.';
COMMENT ON CONSTRAINT item_block_days_range ON lottrace.item IS
  'Block lead time: 0 to 36500 days (100 years).';

-- Lots that 1.0 stored with an expiry past the range of type date (start +
-- validity overflowed): they expire after 5874897-12-31, that is never.
-- Without this the database cannot be dumped and restored.
DO $$
DECLARE
  n bigint;
BEGIN
  ALTER TABLE lottrace.lot DISABLE TRIGGER guard;
  UPDATE lottrace.lot SET expiry_date = 'infinity'
   WHERE (expiry_date > '5874897-12-31' AND expiry_date < 'infinity')
      OR (expiry_date < '4714-11-24 BC' AND expiry_date > '-infinity');
  GET DIAGNOSTICS n = ROW_COUNT;
  ALTER TABLE lottrace.lot ENABLE TRIGGER guard;
  IF n > 0 THEN
    RAISE WARNING 'lottrace: % lot(s) had an expiry date past 5874897-12-31 (out of the range of type date); it is now infinity', n;
  END IF;
END
$$;

-- expiry - lead time, or -infinity when that is before the range of type date.
-- No SET search_path: the views inline it (its body is schema-qualified).
CREATE FUNCTION lottrace._blocked_from(expiry date, days int)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN NOT pg_catalog.isfinite(expiry) THEN expiry
              WHEN expiry OPERATOR(pg_catalog.-) '4714-11-24 BC'::pg_catalog.date OPERATOR(pg_catalog.>=) days
                THEN expiry OPERATOR(pg_catalog.-) days
              ELSE '-infinity'::pg_catalog.date END
$$;
COMMENT ON FUNCTION lottrace._blocked_from(date, int) IS
  'Internal: expiry minus a lead time in days; infinite expiries stay as they are, and a result before 4714-11-24 BC is -infinity (always blocked).';

-- a date as YYYY-MM-DD whatever the DateStyle (to_char goes through
-- timestamp, whose range ends in 294276 AD)
CREATE FUNCTION lottrace._iso_date(d date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN NOT pg_catalog.isfinite(d) THEN pg_catalog.textin(pg_catalog.date_out(d))
              ELSE pg_catalog.format('%s-%s-%s%s',
                     pg_catalog.repeat('0', 4 OPERATOR(pg_catalog.-) pg_catalog.length(pg_catalog.abs(pg_catalog.extract('year', d))::pg_catalog.text))
                       OPERATOR(pg_catalog.||) pg_catalog.abs(pg_catalog.extract('year', d))::pg_catalog.text,
                     pg_catalog.lpad(pg_catalog.extract('month', d)::pg_catalog.int4::pg_catalog.text, 2, '0'),
                     pg_catalog.lpad(pg_catalog.extract('day', d)::pg_catalog.int4::pg_catalog.text, 2, '0'),
                     CASE WHEN pg_catalog.extract('year', d) OPERATOR(pg_catalog.<) 0 THEN ' BC' ELSE '' END) END
$$;
COMMENT ON FUNCTION lottrace._iso_date(date) IS
  'Internal: a date as YYYY-MM-DD (BC dates with " BC", infinity as such) whatever the DateStyle, over the whole range of type date.';

-- the expiry of a new lot as the engine computes it (rebuild())
CREATE FUNCTION lottrace._lot_expiry(start date, validity int, rule text, item text, lot text,
                                     warehouse text, src regclass, src_key text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d date;
  y int;
  m int;
BEGIN
  IF validity IS NULL THEN
    RETURN NULL;
  END IF;
  IF start > '5874897-12-31'::date - validity THEN
    RAISE EXCEPTION 'expiry date of lot "%" of item "%" in warehouse "%" is out of range: start date % + % days of shelf life is past 5874897-12-31',
                    lot, item, warehouse, lottrace._iso_date(start), validity
      USING ERRCODE = 'datetime_field_overflow', CONSTRAINT = 'lottrace_date_range',
            DETAIL = format('Row %s of table %s.', src_key, src),
            HINT = 'Correct the movement date, or give the expiry date in the row.';
  END IF;
  d := start + validity;
  -- by year and month (date_trunc would go through timestamp, whose range
  -- ends in 294276 AD)
  y := extract(year FROM d)::int;   -- extract gives numeric
  m := extract(month FROM d)::int;
  IF rule = 'month_end' THEN
    RETURN CASE WHEN m = 12 THEN make_date(y, 12, 31) ELSE make_date(y, m + 1, 1) - 1 END;
  ELSIF rule = 'month_start' THEN
    RETURN make_date(y, m, 1);
  END IF;
  RETURN d;
END
$$;
COMMENT ON FUNCTION lottrace._lot_expiry(date, int, text, text, text, text, regclass, text) IS
  'Internal: start + validity days rounded by the expiry rule (as the triggers compute it); SQLSTATE 22008, constraint lottrace_date_range, naming the movement, when it is past the range of type date.';

CREATE OR REPLACE VIEW lottrace.lot_register AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.code_type, l.lot_type,
         l.supplier, l.supplier_lot, l.manufacturer, l.start_date, l.expiry_date,
         l.initial_qty, l.packages, l.notes, l.status, l.evaluation, l.saleable,
         l.force_closed,
         coalesce(b.loaded_qty, 0) AS loaded_qty,
         coalesce(b.on_hand, 0) AS on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, coalesce(i.block_days, 0)))
              THEN greatest(coalesce(b.on_hand, 0), 0) ELSE 0 END AS available_qty,
         (coalesce(b.on_hand, 0) > 0 AND NOT l.force_closed) AS is_open,
         CASE WHEN isfinite(l.expiry_date) THEN l.expiry_date - CURRENT_DATE END AS days_to_expiry
    FROM lottrace.lot l
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item
    LEFT JOIN LATERAL (SELECT sum((w.value ->> 0)::numeric) AS loaded_qty,
                              sum((w.value ->> 1)::numeric) AS on_hand
                         FROM jsonb_each(l.stock) AS w) b ON true;
CREATE OR REPLACE VIEW lottrace.lot_stock AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, b.warehouse, b.loaded_qty, b.on_hand,
         CASE WHEN coalesce(st.available, false) AND l.saleable AND NOT l.force_closed
                   AND (l.expiry_date IS NULL
                        OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, coalesce(i.block_days, 0)))
              THEN greatest(b.on_hand, 0) ELSE 0 END AS available_qty
    FROM lottrace.lot l
   CROSS JOIN LATERAL (SELECT w.key AS warehouse,
                              (w.value ->> 0)::numeric AS loaded_qty,
                              (w.value ->> 1)::numeric AS on_hand
                         FROM jsonb_each(l.stock) AS w) b
    LEFT JOIN lottrace.lot_status st ON st.code = l.status
    LEFT JOIN lottrace.item i ON i.item = l.item;
CREATE OR REPLACE VIEW lottrace.expiring_lots AS
  SELECT l.lot_id, l.item, l.variant, l.code AS lot, l.status, l.expiry_date,
         lottrace._blocked_from(l.expiry_date, i.block_days) AS blocked_from,
         CASE WHEN isfinite(l.expiry_date) THEN l.expiry_date - CURRENT_DATE END AS days_to_expiry,
         lottrace._on_hand(l.stock) AS on_hand
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
   WHERE l.expiry_date IS NOT NULL AND NOT l.force_closed
     AND lottrace._on_hand(l.stock) > 0
     AND CURRENT_DATE >= lottrace._blocked_from(l.expiry_date, coalesce(i.warn_days, 30));
CREATE OR REPLACE FUNCTION lottrace.suggest_pick(item text, warehouse text, qty numeric, variant text DEFAULT NULL)
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
       AND (l.expiry_date IS NULL OR CURRENT_DATE < lottrace._blocked_from(l.expiry_date, i.block_days))
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
CREATE OR REPLACE FUNCTION lottrace.refresh_expiry(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (lot_id bigint, item text, lot lottrace.lotcode, expiry_date date, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  expired_status text := coalesce(nullif(current_setting('lottrace.expired_status', true), ''), 'EXPIRED');
  old_note text := current_setting('lottrace.status_note', true);
BEGIN
  -- the date in ISO form, whatever the session's DateStyle
  PERFORM set_config('lottrace.status_note', format('refresh_expiry as of %s', lottrace._iso_date(as_of)), true);
  RETURN QUERY
  WITH expired AS (
    UPDATE lottrace.lot l
       SET status = expired_status
      FROM lottrace.item i, lottrace.lot_status s
     WHERE i.item = l.item AND s.code = l.status AND s.available
       -- infinity: never expires, even as of infinity
       AND l.expiry_date IS NOT NULL AND l.expiry_date <> 'infinity'
       AND as_of >= lottrace._blocked_from(l.expiry_date, i.block_days)
       AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
       AND l.status <> expired_status
    RETURNING l.lot_id, l.item, l.code, l.expiry_date)
  SELECT e.lot_id, e.item, e.code, e.expiry_date, 'expired'::text FROM expired e
  UNION ALL
  SELECT l.lot_id, l.item, l.code, l.expiry_date, 'warning'
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
    JOIN lottrace.lot_status s ON s.code = l.status AND s.available
   WHERE l.expiry_date IS NOT NULL AND l.expiry_date <> 'infinity' AND i.warn_days IS NOT NULL
     AND as_of >= lottrace._blocked_from(l.expiry_date, i.warn_days)
     AND as_of < lottrace._blocked_from(l.expiry_date, i.block_days)
     AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
   ORDER BY 5, 4, 2, 3;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
END
$$;
-- rebuild(), as a user runs it after verify() reported disagreements:
--
--     SELECT lottrace.rebuild();
--     SELECT count(*) FROM lottrace.verify();   -- 0
--
-- It blocks writers of the attached tables, creates the lots movements name
-- but the register lacks, then re-writes stock, serial states and batch
-- members from the movements and the archived balances; statuses and notes
-- (user data) are kept.
CREATE OR REPLACE FUNCTION lottrace.rebuild()
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
         -- as the engine: an infinite movement date was taken as today, an
         -- expiry of -infinity as none given
         CASE WHEN isfinite(m.moved_on) THEN m.moved_on ELSE CURRENT_DATE END,
         CASE WHEN m.expiry IS NOT NULL AND m.expiry <> '-infinity' THEN m.expiry
              ELSE lottrace._lot_expiry(CASE WHEN isfinite(m.moved_on) THEN m.moved_on ELSE CURRENT_DATE END,
                                        i.lot_validity_days, i.expiry_rule,
                                        m.item, m.lot, m.warehouse, m.source, m.source_key) END,
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
COMMENT ON COLUMN lottrace.lot_register.days_to_expiry IS 'Days from today to the expiry date (negative: expired; NULL: no expiry date, or infinity).';
COMMENT ON COLUMN lottrace.expiring_lots.days_to_expiry IS 'Days from today to expiry (negative: expired; NULL: infinity).';
COMMENT ON COLUMN lottrace.lot.expiry_date IS 'Expiry date: given by the load (infinity: never expires), or start date + the item''s validity days rounded by its expiry rule. Never -infinity.';
COMMENT ON COLUMN lottrace.serial.expiry_date IS 'Start date + the item''s serial validity days; editable (infinity: never expires; never -infinity).';
COMMENT ON TABLE lottrace.code_counter IS
  'Counters of the code types: the last value handed out for each root. Advanced by next_code() and by code generation on load; gapless in commit order, except that a row INSERT ... ON CONFLICT skips or turns into an update has used up its generated code''s value (docs/ENGINE.md).';

-- ==== codefmt ordering (issue 11)
-- A default btree operator class for lottrace.codefmt, so that DISTINCT,
-- ORDER BY, sorted GROUP BY and (unique) btree indexes on formats work
-- (in 1.0 they failed with 42883: no ordering operator).  The order is the
-- canonical text byte by byte (C collation).  Its = is the = of the hash
-- class, and lt_codefmt_cmp is 0 exactly when the stored bytes are equal,
-- the same test codefmt_eq and the hash functions use.  The operators go to
-- pg_catalog like = and <>.
CREATE FUNCTION lottrace.codefmt_cmp(lottrace.codefmt, lottrace.codefmt) RETURNS integer
  AS 'MODULE_PATHNAME', 'lt_codefmt_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_cmp(lottrace.codefmt, lottrace.codefmt) IS
  'btree support for lottrace.codefmt: -1, 0 or 1 comparing the canonical texts byte by byte (0 exactly when =)';
CREATE FUNCTION lottrace.codefmt_lt(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_lt(lottrace.codefmt, lottrace.codefmt) IS
  'implementation of < between code formats (canonical text, byte order)';
CREATE FUNCTION lottrace.codefmt_le(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_le(lottrace.codefmt, lottrace.codefmt) IS
  'implementation of <= between code formats (canonical text, byte order)';
CREATE FUNCTION lottrace.codefmt_gt(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_gt(lottrace.codefmt, lottrace.codefmt) IS
  'implementation of > between code formats (canonical text, byte order)';
CREATE FUNCTION lottrace.codefmt_ge(lottrace.codefmt, lottrace.codefmt) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lt_codefmt_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION lottrace.codefmt_ge(lottrace.codefmt, lottrace.codefmt) IS
  'implementation of >= between code formats (canonical text, byte order)';

CREATE OPERATOR pg_catalog.< (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_lt,
  COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR pg_catalog.< (lottrace.codefmt, lottrace.codefmt) IS
  'less than, comparing canonical format texts byte by byte';
CREATE OPERATOR pg_catalog.<= (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_le,
  COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR pg_catalog.<= (lottrace.codefmt, lottrace.codefmt) IS
  'less than or equal, comparing canonical format texts byte by byte';
CREATE OPERATOR pg_catalog.> (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_gt,
  COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR pg_catalog.> (lottrace.codefmt, lottrace.codefmt) IS
  'greater than, comparing canonical format texts byte by byte';
CREATE OPERATOR pg_catalog.>= (
  LEFTARG = lottrace.codefmt, RIGHTARG = lottrace.codefmt,
  FUNCTION = lottrace.codefmt_ge,
  COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR pg_catalog.>= (lottrace.codefmt, lottrace.codefmt) IS
  'greater than or equal, comparing canonical format texts byte by byte';

CREATE OPERATOR CLASS lottrace.codefmt_ops
  DEFAULT FOR TYPE lottrace.codefmt USING btree AS
    OPERATOR 1 pg_catalog.< (lottrace.codefmt, lottrace.codefmt),
    OPERATOR 2 pg_catalog.<= (lottrace.codefmt, lottrace.codefmt),
    OPERATOR 3 pg_catalog.= (lottrace.codefmt, lottrace.codefmt),
    OPERATOR 4 pg_catalog.>= (lottrace.codefmt, lottrace.codefmt),
    OPERATOR 5 pg_catalog.> (lottrace.codefmt, lottrace.codefmt),
    FUNCTION 1 lottrace.codefmt_cmp(lottrace.codefmt, lottrace.codefmt),
    -- equal means the same bytes: btree deduplication is safe
    FUNCTION 4 pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS lottrace.codefmt_ops USING btree IS
  'Default btree operator class of lottrace.codefmt: canonical text in byte order; its = is the hash class''s';
COMMENT ON OPERATOR FAMILY lottrace.codefmt_ops USING btree IS
  'btree operator family of lottrace.codefmt.';

-- ==== plpgsql_check findings (issue 11)
-- lottrace._replace_seeded_row() served lot_status and month_letter with one
-- body that names the columns of both; plpgsql_check (test/shell/
-- plpgsql_check.sh) reports it for each table (record "new" has no field
-- "month" / "code").  It ran, since PL/pgSQL only resolves the branch taken,
-- but a checker cannot tell that from a real error.  One function per table;
-- the triggers keep their names.
CREATE FUNCTION lottrace._replace_seeded_lot_status()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE lottrace.lot_status s
     SET description = NEW.description, available = NEW.available,
         mrp_available = NEW.mrp_available
   WHERE s.code = NEW.code AND lottrace._seeded_lot_status(s);
  IF FOUND THEN
    RETURN NULL;        -- the seeded row now holds the new values
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._replace_seeded_lot_status() IS
  'Internal trigger on lottrace.lot_status: an INSERT whose code matches a still-unchanged seeded status replaces it (this is what makes pg_restore of changed seeded rows work).';

CREATE FUNCTION lottrace._replace_seeded_month_letter()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE lottrace.month_letter s
     SET letter = NEW.letter
   WHERE s.month = NEW.month AND lottrace._seeded_month_letter(s);
  IF FOUND THEN
    RETURN NULL;        -- the seeded row now holds the new letter
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION lottrace._replace_seeded_month_letter() IS
  'Internal trigger on lottrace.month_letter: an INSERT whose month matches a still-unchanged seeded letter replaces it (this is what makes pg_restore of changed seeded rows work).';

DROP TRIGGER replace_seeded_row ON lottrace.lot_status;
CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.lot_status
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_lot_status();
DROP TRIGGER replace_seeded_row ON lottrace.month_letter;
CREATE TRIGGER replace_seeded_row BEFORE INSERT ON lottrace.month_letter
  FOR EACH ROW EXECUTE FUNCTION lottrace._replace_seeded_month_letter();
DROP FUNCTION lottrace._replace_seeded_row();

-- ==== refresh_expiry() and verify(): isolation levels and lock order (issue 11)
-- refresh_expiry() writes status changes to lots that shipments keep
-- updating.  Only READ COMMITTED can do that: each lot is locked at its
-- latest version and re-checked (stock, status) before it changes.  Under
-- REPEATABLE READ or SERIALIZABLE every lot moved since the transaction's
-- snapshot fails with a serialization error (40001) and the whole run is
-- lost, so those levels are refused at once (25000).
-- It also locks its lots in the engine's key order (item, code, variant as
-- bytes, no variant last: src/engine.c, lot_key_cmp), so that it cannot
-- deadlock with a bulk shipment of the same lots; the update then touches
-- only the lots it has locked.
-- verify() only reads, and reads everything in one snapshot: right at READ
-- COMMITTED and REPEATABLE READ.  In a SERIALIZABLE transaction it would
-- take part in conflict detection with every serializable writer of the
-- attached tables and the registers (cancelled with 40001, and making those
-- writers fail more often) for an answer that is the same; it is refused
-- there (25000), unless the transaction is READ ONLY DEFERRABLE, which waits
-- for a snapshot that needs no conflict tracking.
-- docs/TRACEABILITY.md, "Expiry, and scheduling it with pg_cron", and
-- docs/RELIABILITY.md, "Running verify()".
CREATE OR REPLACE FUNCTION lottrace.refresh_expiry(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (lot_id bigint, item text, lot lottrace.lotcode, expiry_date date, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  expired_status text := coalesce(nullif(current_setting('lottrace.expired_status', true), ''), 'EXPIRED');
  old_note text := current_setting('lottrace.status_note', true);
  due bigint[];
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'lottrace.refresh_expiry() must run at isolation level READ COMMITTED, not %',
                    upper(current_setting('transaction_isolation'))
      USING ERRCODE = 'invalid_transaction_state',
            DETAIL = 'It changes the status of lots that concurrent movements update: at this isolation level every lot moved since the transaction''s snapshot would fail with a serialization error, and the lots would stay available past their expiry.',
            HINT = 'Run it in its own READ COMMITTED transaction, e.g. as a pg_cron job: SELECT cron.schedule(''lottrace-expiry'', ''15 2 * * *'', ''SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SELECT count(*) FROM lottrace.refresh_expiry()'')';
  END IF;
  -- lock the lots to expire in the engine's key order (a bulk movement
  -- locks its lots in that order too); a lot a concurrent movement holds
  -- is waited for, then re-checked at its latest version (it may have no
  -- stock left, or another status: the available statuses are a list,
  -- not a join, so that the re-check reads the lot's new status)
  SELECT array_agg(d.lot_id) INTO due
    FROM (SELECT l.lot_id
            FROM lottrace.lot l
            JOIN lottrace.item i ON i.item = l.item
           WHERE l.status = ANY (ARRAY(SELECT s.code FROM lottrace.lot_status s WHERE s.available))
             AND l.status <> expired_status
             -- infinity: never expires, even as of infinity
             AND l.expiry_date IS NOT NULL AND l.expiry_date <> 'infinity'
             AND as_of >= lottrace._blocked_from(l.expiry_date, i.block_days)
             AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
           ORDER BY l.item COLLATE "C", l.code::text COLLATE "C", l.variant COLLATE "C" NULLS LAST
             FOR NO KEY UPDATE OF l) d;
  -- the date in ISO form, whatever the session's DateStyle
  PERFORM set_config('lottrace.status_note', format('refresh_expiry as of %s', lottrace._iso_date(as_of)), true);
  RETURN QUERY
  WITH expired AS (
    -- only the lots locked above, all of them ours now
    UPDATE lottrace.lot l
       SET status = expired_status
     WHERE l.lot_id = ANY (due)
    RETURNING l.lot_id, l.item, l.code, l.expiry_date)
  SELECT e.lot_id, e.item, e.code, e.expiry_date, 'expired'::text FROM expired e
  UNION ALL
  SELECT l.lot_id, l.item, l.code, l.expiry_date, 'warning'
    FROM lottrace.lot l
    JOIN lottrace.item i ON i.item = l.item
    JOIN lottrace.lot_status s ON s.code = l.status AND s.available
   WHERE l.expiry_date IS NOT NULL AND l.expiry_date <> 'infinity' AND i.warn_days IS NOT NULL
     AND as_of >= lottrace._blocked_from(l.expiry_date, i.warn_days)
     AND as_of < lottrace._blocked_from(l.expiry_date, i.block_days)
     AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
   ORDER BY 5, 4, 2, 3;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
END
$$;
COMMENT ON FUNCTION lottrace.refresh_expiry(date) IS
  'Daily job: open lots in an available status at or past expiry_date - block_days move to lottrace.expired_status (logged in lot_status_log; action expired); open lots within warn_days are reported (action warning). Runs at READ COMMITTED only (25000 otherwise); locks lots in the engine''s key order. Schedule with pg_cron, see docs/TRACEABILITY.md.';

-- verify(), as a user runs it (nothing when the registers agree):
--
--     SELECT * FROM lottrace.verify();
--      problem | detail
--     ---------+----------------------------------------------------------
--      balance | lot_id 7 in warehouse "W1": register loaded 10, on hand 4;
--              |   movements loaded 10, on hand 6
--
-- It locks the attached tables against renames, re-writes the body of
-- _movements() if it is stale, and compares the registers with what the
-- movements (and the archives of partitions that left) imply: missing lots,
-- balances, serial places, production batches, ungoverned partitions.
CREATE OR REPLACE FUNCTION lottrace.verify()
RETURNS TABLE (problem text, detail text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
DECLARE
  a record;
BEGIN
  IF current_setting('transaction_isolation') = 'serializable'
     AND NOT (current_setting('transaction_read_only')::boolean
              AND current_setting('transaction_deferrable')::boolean) THEN
    RAISE EXCEPTION 'lottrace.verify() cannot run in a SERIALIZABLE transaction'
      USING ERRCODE = 'invalid_transaction_state',
            DETAIL = 'It only reads, in one snapshot, which READ COMMITTED and REPEATABLE READ give too; at SERIALIZABLE its read of every attached table and register would be cancelled by concurrent serializable movements, and make them fail.',
            HINT = 'Run it in its own READ COMMITTED transaction, e.g. as a pg_cron job: SELECT cron.schedule(''lottrace-verify'', ''30 3 * * 0'', ''SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SELECT count(*) FROM lottrace.verify()''); or in a transaction begun with ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE.';
  END IF;
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
   WHERE coalesce(bm.qty, 0) <> coalesce(ebm.qty, 0) OR coalesce(bm.nrows, 0) <> coalesce(ebm.nrows, 0)
  UNION ALL
  -- partitions of an attached table without lottrace's statement triggers
  -- (made while event triggers were disabled): statements on them are not
  -- governed, and the rows they took may be anywhere
  SELECT 'ungoverned partition',
         format('partition %s of attached table %s lacks lottrace''s triggers %s: statements on it are not governed',
                g.rel, g.root,
                (SELECT string_agg(s.tgname, ', ' ORDER BY s.tgname) FROM lottrace._trigger_spec() s
                  WHERE s.tgname <> 'lottrace_generate'
                    AND NOT EXISTS (SELECT FROM pg_trigger tg
                                     WHERE tg.tgrelid = g.rel AND tg.tgname = s.tgname AND tg.tgfoid = s.fn)))
    FROM lottrace._governed_relations() g
   WHERE g.rel <> g.root
     -- not while pg_restore re-creates the triggers
     AND EXISTS (SELECT FROM pg_trigger tg WHERE tg.tgrelid = g.root AND tg.tgname = 'lottrace_insert')
     AND EXISTS (SELECT FROM lottrace._trigger_spec() s
                  WHERE s.tgname <> 'lottrace_generate'
                    AND NOT EXISTS (SELECT FROM pg_trigger tg
                                     WHERE tg.tgrelid = g.rel AND tg.tgname = s.tgname AND tg.tgfoid = s.fn));
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables and the archived balances of partitions that left them: no rows when they agree, otherwise one row per disagreement (problem, detail); also reports partitions of attached tables that lack lottrace''s triggers. Runs at READ COMMITTED or REPEATABLE READ; SERIALIZABLE only READ ONLY DEFERRABLE (25000 otherwise).';

-- ==== The trigger names in one place (issue 12)
-- _govern() and _ungovern() read the triggers attach() creates from
-- _trigger_spec(), as verify() already did, instead of spelling their names
-- and events again.  The triggers they create are the same.
CREATE OR REPLACE FUNCTION lottrace._govern(tbl regclass, cols text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  part regclass;
  cond text;
  s record;
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
  -- every trigger of _trigger_spec(): the row trigger (tgtype bit 1) on the
  -- table only, when codes may be generated; the statement triggers on the
  -- table and on every partition below it (statement triggers are not
  -- cloned: DML aimed at a partition fires the partition's own)
  FOR s IN SELECT * FROM lottrace._trigger_spec() LOOP
    FOR part IN SELECT tbl
                 UNION SELECT relid FROM pg_partition_tree(tbl) WHERE s.tgtype & 1 = 0 LOOP
      CONTINUE WHEN s.tgtype & 1 = 1 AND cond IS NULL;
      CONTINUE WHEN EXISTS (SELECT FROM pg_trigger WHERE tgrelid = part AND tgname = s.tgname);
      EXECUTE format('CREATE TRIGGER %I %s %s ON %s%s FOR EACH %s%s EXECUTE FUNCTION %s',
                     s.tgname,
                     CASE WHEN s.tgtype & 2 = 2 THEN 'BEFORE' ELSE 'AFTER' END,
                     CASE WHEN s.tgtype & 4 = 4 THEN 'INSERT' WHEN s.tgtype & 8 = 8 THEN 'DELETE'
                          WHEN s.tgtype & 16 = 16 THEN 'UPDATE' ELSE 'TRUNCATE' END,
                     part,
                     CASE WHEN s.oldtable IS NULL AND s.newtable IS NULL THEN ''
                          ELSE ' REFERENCING' || coalesce(' OLD TABLE AS ' || quote_ident(s.oldtable), '')
                                              || coalesce(' NEW TABLE AS ' || quote_ident(s.newtable), '') END,
                     CASE WHEN s.tgtype & 1 = 1 THEN 'ROW' ELSE 'STATEMENT' END,
                     CASE WHEN s.tgtype & 1 = 1 THEN format(' WHEN (%s)', cond) ELSE '' END,
                     s.fn);
    END LOOP;
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION lottrace._ungovern(tbl regclass)
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
              AND tg.tgname IN (SELECT s.tgname FROM lottrace._trigger_spec() s)
              AND tg.tgparentid = 0
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
  END LOOP;
END
$$;

-- ==== rows that move between partitions by DELETE and INSERT (issue 11)
--
-- pg_partman's partition_data_time() moves rows out of the default
-- partition by a DELETE and an INSERT of the same rows in one transaction;
-- so may any SQL.  A DELETE on a partitioned attached table applies its
-- effect at once, but its end-of-statement rules (negative stock, serial
-- state) wait for commit, and an INSERT of a row with the same primary key
-- and mapped columns takes its effect back in without judging it as a new
-- movement.  The commit-time check is the constraint trigger below: the
-- engine inserts one row into lottrace.move_check per transaction in which
-- a rule waits, and the deferred trigger judges what is left and deletes
-- the row.  docs/SCALING.md, "Rows that move between partitions".

CREATE TABLE lottrace.move_check (
  xact xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
COMMENT ON TABLE lottrace.move_check IS
  'One row per transaction in which rules of a DELETE on a partitioned attached table wait for commit; its deferred constraint trigger check_moves judges them and deletes the row, so the table is empty outside such transactions.';
COMMENT ON COLUMN lottrace.move_check.xact IS 'The transaction whose waiting rules the row stands for.';
REVOKE ALL ON lottrace.move_check FROM PUBLIC;
-- dumped like every lottrace table (it is empty between transactions)
SELECT pg_catalog.pg_extension_config_dump('lottrace.move_check', '');

CREATE FUNCTION lottrace._check_moves() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'lt_check_moves';
COMMENT ON FUNCTION lottrace._check_moves() IS
  'Constraint trigger of lottrace.move_check, fired at COMMIT (or SET CONSTRAINTS ... IMMEDIATE): refuses negative stock and serial moves left by rows deleted from a partitioned attached table and not inserted again.';

CREATE CONSTRAINT TRIGGER check_moves AFTER INSERT ON lottrace.move_check
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lottrace._check_moves();
-- also with session_replication_role = replica (attached tables' triggers may be ENABLE ALWAYS)
ALTER TABLE lottrace.move_check ENABLE ALWAYS TRIGGER check_moves;

-- ==== Float quantities read exactly (issue 13, point 6)
-- A real or double precision quantity goes into the registers as the
-- shortest decimal that reads back as the same value (12345.67, not
-- float4_numeric's 12345.7): the engine reads it so (src/row.h), and
-- lottrace.movements through lottrace._qty, so that verify() and rebuild()
-- agree with the registers to the last digit.
CREATE FUNCTION lottrace._qty(real)
RETURNS numeric
AS 'MODULE_PATHNAME', 'lt_qty_float4'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._qty(real) IS
  'Internal: a real quantity as numeric, exactly as it prints (the shortest decimal that reads back as the same value), as the engine reads it.';
CREATE FUNCTION lottrace._qty(double precision)
RETURNS numeric
AS 'MODULE_PATHNAME', 'lt_qty_float8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION lottrace._qty(double precision) IS
  'Internal: a double precision quantity as numeric, exactly as it prints (the shortest decimal that reads back as the same value), as the engine reads it.';

-- (lottrace._refresh_movements() reads quantities through them: see lottrace._rows_sql())

-- ==== ERP row shapes (issue 13): rows that count only in some states,
-- two locations in one row, values read through a foreign key, signed
-- quantities with a reason, several serials in one column, and rules
-- judged at commit.  docs/ENGINE.md, "Tables shaped like an ERP's".

ALTER TABLE lottrace.warehouse
  ADD COLUMN kind text NOT NULL DEFAULT 'internal'
  CONSTRAINT warehouse_kind CHECK (kind IN ('internal', 'supplier', 'customer', 'production',
                                            'inventory', 'transit', 'scrap'));
COMMENT ON COLUMN lottrace.warehouse.kind IS
  'What the location is, for tables attached with a source and a destination (attach(..., to_warehouse => ...)): internal (holds stock; the default, also for locations not listed), supplier, customer, production, inventory (adjustments), transit, scrap. Only internal locations carry stock; the kind of the other side gives the movement its meaning.';

ALTER TABLE lottrace.attachment
  ADD COLUMN to_warehouse_col text,
  ADD COLUMN counts_when      text,
  ADD COLUMN counts_attnums   smallint[],
  ADD COLUMN signed_qty       boolean NOT NULL DEFAULT false,
  ADD COLUMN serial_separator text,
  ADD COLUMN judge            text NOT NULL DEFAULT 'statement'
    CONSTRAINT attachment_judge CHECK (judge IN ('statement', 'commit')),
  ADD COLUMN lookup_roles     text[],
  ADD COLUMN lookup_refs      regclass[],
  ADD COLUMN lookup_keys      text[],
  ADD COLUMN lookup_values    text[],
  ADD COLUMN alt_roles        text[],
  ADD COLUMN alt_cols         text[],
  ADD COLUMN unload_when      text,
  ADD COLUMN unload_attnums   smallint[],
  ADD COLUMN counts_cols      text[],
  ADD COLUMN unload_cols      text[];
COMMENT ON COLUMN lottrace.attachment.to_warehouse_col IS
  'Column holding the destination location of a two-location row (warehouse_col is then its source); the kinds of both (lottrace.warehouse.kind) give the direction.';
COMMENT ON COLUMN lottrace.attachment.counts_when IS
  'The row predicate given to attach() (counts_when), as lottrace rewrote it: only rows for which it holds are movements. Functions, operators and types are schema-qualified; %N$I stands for the column whose attribute number is counts_attnums[N].';
COMMENT ON COLUMN lottrace.attachment.counts_attnums IS
  'Attribute numbers of the columns counts_when reads (so that a renamed column is followed).';
COMMENT ON COLUMN lottrace.attachment.signed_qty IS
  'With a reason column: the quantity is signed and its sign gives the direction; a row whose sign is against its reason''s direction is a reversal of such a movement.';
COMMENT ON COLUMN lottrace.attachment.serial_separator IS
  'The serial column holds several serials separated by this string; abs(qty) must equal their number.';
COMMENT ON COLUMN lottrace.attachment.judge IS
  'When the stock rules are judged: statement (at the end of every statement, the default) or commit (once per transaction, at COMMIT).';
COMMENT ON COLUMN lottrace.attachment.lookup_roles IS
  'Mapped values read through a foreign key: for the attach() argument lookup_roles[i], the row''s column holds a key of lookup_refs[i].lookup_keys[i], and the value is that row''s lookup_values[i].';
COMMENT ON COLUMN lottrace.attachment.lookup_refs IS 'The tables lookups read (see lookup_roles).';
COMMENT ON COLUMN lottrace.attachment.lookup_keys IS 'The key columns of lookup_refs (see lookup_roles).';
COMMENT ON COLUMN lottrace.attachment.lookup_values IS 'The value columns of lookup_refs (see lookup_roles).';
COMMENT ON COLUMN lottrace.attachment.alt_roles IS
  'Column arguments given as ''a | b'': for the attach() argument alt_roles[i], the column alt_cols[i] is read when the first one is NULL (a column of the table, or of the table the role''s lookup reads).';
COMMENT ON COLUMN lottrace.attachment.alt_cols IS 'The alternative columns (see alt_roles).';
COMMENT ON COLUMN lottrace.attachment.unload_when IS
  'A second row predicate (unload_when given to attach(), rewritten as counts_when is): a row that an UPDATE takes out of counts_when and whose new version satisfies it leaves as an unload would (gated by the lot''s status and expiry), not as a reversal: an ERP that ships by changing the stock row, such as InvenTree.';
COMMENT ON COLUMN lottrace.attachment.unload_attnums IS 'Attribute numbers of the columns unload_when reads.';
COMMENT ON COLUMN lottrace.attachment.counts_cols IS
  'The names of the columns counts_when reads (as counts_attnums): a restored mapping finds its columns by name, since attribute numbers change when a table is dumped and restored; renames are followed.';
COMMENT ON COLUMN lottrace.attachment.unload_cols IS 'The names of the columns unload_when reads (see counts_cols).';

-- A table's attribute numbers of columns named in order (0: no such
-- column), and the names of attribute numbers: how the mapping keeps its
-- columns both by number (renames are followed) and by name (a restore
-- renumbers them).
CREATE FUNCTION lottrace._attnums(tbl regclass, names text[])
RETURNS smallint[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT ARRAY(SELECT coalesce(a.attnum, 0)
                 FROM unnest(names) WITH ORDINALITY AS m(name, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = tbl AND a.attname = m.name AND NOT a.attisdropped
                ORDER BY m.ord)
$$;
COMMENT ON FUNCTION lottrace._attnums(regclass, text[]) IS
  'Internal: the attribute numbers of the named columns of tbl, in order (0 for a name that is not a column).';

CREATE FUNCTION lottrace._attnames(tbl regclass, attnums smallint[])
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT ARRAY(SELECT a.attname::text
                 FROM unnest(attnums) WITH ORDINALITY AS x(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = tbl AND a.attnum = x.attnum
                ORDER BY x.ord)
$$;
COMMENT ON FUNCTION lottrace._attnames(regclass, smallint[]) IS
  'Internal: the current names of the columns of tbl with these attribute numbers, in order.';

-- the attribute numbers of the mapped columns: to_warehouse_col last
CREATE OR REPLACE FUNCTION lottrace._attachment_attnums()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.attnums := lottrace._attnums(NEW.relid,
    ARRAY[NEW.item_col, NEW.qty_col, NEW.warehouse_col, NEW.lot_col, NEW.serial_col,
          NEW.reason_col, NEW.doc_col, NEW.moved_on_col, NEW.location_col, NEW.variant_col,
          NEW.account_col, NEW.batch_key_col, NEW.expiry_col, NEW.supplier_lot_col,
          NEW.to_warehouse_col]);
  -- attach() leaves it to this trigger; a restored row brings its own
  IF NEW.pk_cols IS NULL THEN
    NEW.pk_cols := lottrace._pk_cols(NEW.relid);
  END IF;
  -- the columns the predicates read, by name when the row comes in (a
  -- restore renumbers a table's columns); later renames are followed by
  -- lottrace._follow_columns, which keeps the names in step
  IF TG_OP = 'INSERT' AND NEW.counts_cols IS NOT NULL THEN
    NEW.counts_attnums := lottrace._attnums(NEW.relid, NEW.counts_cols);
  END IF;
  IF TG_OP = 'INSERT' AND NEW.unload_cols IS NOT NULL THEN
    NEW.unload_attnums := lottrace._attnums(NEW.relid, NEW.unload_cols);
  END IF;
  RETURN NEW;
END
$$;

-- Several serials in one column: the non-empty ones, without the blanks
-- around them (as the engine splits them).
CREATE FUNCTION lottrace._serial_list(serials text, sep text)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT pg_catalog.array_agg(s.x ORDER BY s.ord)
    FROM (SELECT pg_catalog.btrim(u.x, E' \t\n\r\f\v') AS x, u.ord
            FROM pg_catalog.unnest(pg_catalog.string_to_array(serials, sep)) WITH ORDINALITY AS u(x, ord)) s
   WHERE s.x OPERATOR(pg_catalog.<>) ''
$$;
COMMENT ON FUNCTION lottrace._serial_list(text, text) IS
  'Internal: the serials of a column holding several (attach(..., serial_separator => ...)), trimmed, empty ones left out.';

-- The rows of one table (the attached table, or a partition of it) as the
-- engine reads them, under the mapping a: the columns of lottrace.movements
-- and expiry, supplier_lot, then what the registers derive from each row:
-- loaded (its part of loaded_qty), role (production input/output) and
-- bsign (+1, or -1 for a reversal, for production batch members).
CREATE FUNCTION lottrace._rows_sql(a lottrace.attachment, part regclass)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  roles text[] := ARRAY['item', 'qty', 'warehouse', 'lot', 'serial', 'reason', 'doc', 'moved_on',
                        'location', 'variant', 'account', 'batch_key', 'expiry', 'supplier_lot',
                        'to_warehouse'];
  v     text[] := ARRAY[]::text[];
  col   text;
  alt   text;
  prev  text;
  k     int;
  joins text := '';
  pk    text;
  qty   text;
  sq    text;          -- the signed quantity of the row
  dir   text;          -- its reason's direction as +1 / -1 (NULL: none)
  wh    text;
  other text := 'NULL::pg_catalog.text';
  acct  text;
  ser   text;
  cond  text[] := ARRAY[]::text[];
  role  text;
  lat   text := '';
BEGIN
  -- each role's value: the row's own column, or the referenced row's
  FOR i IN 1 .. cardinality(roles) LOOP
    col := to_jsonb(a) ->> (roles[i] || '_col');
    k := array_position(a.lookup_roles, roles[i]);
    alt := a.alt_cols[array_position(a.alt_roles, roles[i])];
    IF col IS NULL THEN
      v := v || NULL::text;
    ELSIF k IS NULL THEN
      v := v || CASE WHEN alt IS NULL THEN format('t.%I', col)
                     ELSE format('COALESCE(t.%I, t.%I)', col, alt) END;
    ELSE
      -- each step of the lookup joins the one before it (the first the row)
      prev := format('t.%I', col);
      FOR j IN k .. cardinality(a.lookup_roles) LOOP
        CONTINUE WHEN a.lookup_roles[j] <> roles[i];
        joins := joins || format(' LEFT JOIN %s l%s ON l%s.%I OPERATOR(pg_catalog.=) %s',
                                 a.lookup_refs[j], j, j, a.lookup_keys[j], prev);
        prev := format('l%s.%I', j, a.lookup_values[j]);
        k := j;
      END LOOP;
      v := v || CASE WHEN alt IS NULL THEN prev
                     ELSE format('COALESCE(l%1$s.%2$I, l%1$s.%3$I)', k, a.lookup_values[k], alt) END;
    END IF;
  END LOOP;

  -- the primary key by its type's output function (see _refresh_movements)
  SELECT CASE WHEN count(*) = 0 THEN 'NULL::pg_catalog.text'
              WHEN count(*) = 1 THEN format('pg_catalog.format(%L, t.%I)', '%s', min(k.col))
              ELSE format('pg_catalog.format(%L, ROW(%s))', '%s',
                          string_agg(format('t.%I', k.col), ', ' ORDER BY k.ord)) END
    INTO pk
    FROM unnest(a.pk_cols) WITH ORDINALITY AS k(col, ord);

  -- the quantity as the engine reads it (floats exactly as they print)
  WITH RECURSIVE b(oid, base) AS (
    SELECT t.oid, t.typbasetype FROM pg_attribute att JOIN pg_type t ON t.oid = att.atttypid
     WHERE att.attrelid = a.relid AND att.attname = a.qty_col AND NOT att.attisdropped
    UNION ALL
    SELECT t.oid, t.typbasetype FROM b JOIN pg_type t ON t.oid = b.base WHERE b.base <> 0)
  SELECT CASE WHEN b.oid = 'pg_catalog.float4'::pg_catalog.regtype
              THEN format('lottrace._qty((t.%I)::pg_catalog.float4)', a.qty_col)
              WHEN b.oid = 'pg_catalog.float8'::pg_catalog.regtype
              THEN format('lottrace._qty((t.%I)::pg_catalog.float8)', a.qty_col) END
    INTO qty
    FROM b WHERE b.base = 0;
  qty := coalesce(qty, format('(t.%I)::pg_catalog.numeric', a.qty_col));

  IF a.reason_col IS NULL THEN
    dir := 'NULL::pg_catalog.int4';
    role := 'NULL::pg_catalog.text';
  ELSE
    dir := format('(SELECT CASE WHEN r.direction OPERATOR(pg_catalog.=) %L THEN 1 ELSE %L::pg_catalog.int4 END'
                  ' FROM lottrace.reason r WHERE r.code OPERATOR(pg_catalog.=) (%s)::pg_catalog.text)',
                  'load', '-1', v[6]);
    role := format('(SELECT r.production FROM lottrace.reason r'
                   ' WHERE r.code OPERATOR(pg_catalog.=) (%s)::pg_catalog.text)', v[6]);
  END IF;
  -- signed: no reason, or a signed quantity; else the reason's direction
  IF a.reason_col IS NULL OR a.signed_qty OR a.to_warehouse_col IS NOT NULL THEN
    sq := qty;
  ELSE
    sq := format('(%s OPERATOR(pg_catalog.*) %s)', qty, dir);
  END IF;

  wh := format('(%s)::pg_catalog.text', v[3]);
  acct := CASE WHEN v[11] IS NULL THEN 'NULL::pg_catalog.text'
               ELSE format('(%s)::pg_catalog.text', v[11]) END;
  IF a.to_warehouse_col IS NOT NULL THEN
    -- one row per internal side: the source gives, the destination takes;
    -- the other side is the location, and a supplier or customer the
    -- account when none is mapped
    lat := lat || format(
      ' CROSS JOIN LATERAL (VALUES (%1$s, %2$s, %4$L::pg_catalog.int4), (%2$s, %1$s, 1)) s(wh, other, side)'
      ' CROSS JOIN LATERAL (SELECT coalesce((SELECT w.kind FROM lottrace.warehouse w'
      ' WHERE w.code OPERATOR(pg_catalog.=) s.wh), %3$L) AS kind,'
      ' coalesce((SELECT w.kind FROM lottrace.warehouse w'
      ' WHERE w.code OPERATOR(pg_catalog.=) s.other), %3$L) AS other_kind) k',
      wh, format('(%s)::pg_catalog.text', v[15]), 'internal', '-1');
    cond := cond || format('k.kind OPERATOR(pg_catalog.=) %L', 'internal');
    sq := format('(%s OPERATOR(pg_catalog.*) s.side)', sq);
    wh := 's.wh';
    other := 's.other';
    acct := format('coalesce(%s, CASE WHEN k.other_kind OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])'
                   ' THEN s.other END)', acct, '{supplier,customer}');
    -- the role by the side's signed quantity: a negative signed quantity
    -- moves the other way
    role := format('coalesce(%s, CASE WHEN k.other_kind OPERATOR(pg_catalog.=) %L'
                   ' THEN CASE WHEN %s OPERATOR(pg_catalog.>) 0 THEN %L ELSE %L END END)',
                   role, 'production', sq, 'output', 'input');
    dir := 'NULL::pg_catalog.int4';
  END IF;

  ser := CASE WHEN v[5] IS NULL THEN 'NULL::pg_catalog.text'
              ELSE format('(%s)::pg_catalog.text', v[5]) END;
  IF a.serial_separator IS NOT NULL AND v[5] IS NOT NULL THEN
    -- a row of n serials and a quantity of n: one row per serial
    lat := lat || format(
      ' CROSS JOIN LATERAL (SELECT lottrace._serial_list(%1$s, %2$L) AS arr) sl'
      ' CROSS JOIN LATERAL (SELECT u.x, true FROM pg_catalog.unnest(sl.arr) u(x)'
      '   WHERE coalesce(pg_catalog.cardinality(sl.arr) OPERATOR(pg_catalog.=) pg_catalog.abs(%3$s), false)'
      '  UNION ALL SELECT %1$s, false'
      '   WHERE NOT coalesce(pg_catalog.cardinality(sl.arr) OPERATOR(pg_catalog.=) pg_catalog.abs(%3$s), false)) sx(serial, split)',
      ser, a.serial_separator, sq);
    ser := 'sx.serial';
    sq := format('CASE WHEN sx.split THEN pg_catalog.sign(%1$s) ELSE %1$s END', sq);
  END IF;

  IF a.counts_when IS NOT NULL THEN
    cond := cond || format(a.counts_when, VARIADIC lottrace._attnames(a.relid, a.counts_attnums));
  END IF;

  RETURN format(
    'SELECT %s::pg_catalog.regclass AS source, %s AS source_key, (%s)::pg_catalog.text AS item, %s AS variant,'
    ' %s AS lot, %s AS serial, %s AS warehouse, %s AS location, %s AS qty, %s AS reason, %s AS doc,'
    ' %s AS account, %s AS batch_key, %s AS moved_on, %s AS expiry, %s AS supplier_lot,'
    ' CASE WHEN %s OPERATOR(pg_catalog.>) 0 THEN %s ELSE 0 END AS loaded, %s AS role, %s AS bsign'
    ' FROM %s%s t%s%s%s',
    a.relid::oid, pk, v[1],
    CASE WHEN v[10] IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('CASE WHEN (%1$s)::pg_catalog.text OPERATOR(pg_catalog.=) %2$L THEN NULL'
                     ' ELSE (%1$s)::pg_catalog.text END', v[10], '') END,
    CASE WHEN v[4] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[4]) END,
    ser, wh,
    CASE WHEN a.to_warehouse_col IS NOT NULL THEN other
         WHEN v[9] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[9]) END,
    sq,
    CASE WHEN v[6] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[6]) END,
    CASE WHEN v[7] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[7]) END,
    acct,
    CASE WHEN v[12] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[12]) END,
    CASE WHEN v[8] IS NULL THEN 'NULL::pg_catalog.date' ELSE format('(%s)::pg_catalog.date', v[8]) END,
    CASE WHEN v[13] IS NULL THEN 'NULL::pg_catalog.date' ELSE format('(%s)::pg_catalog.date', v[13]) END,
    CASE WHEN v[14] IS NULL THEN 'NULL::pg_catalog.text' ELSE format('(%s)::pg_catalog.text', v[14]) END,
    -- loaded: a load, or a reversed load (a signed quantity against an
    -- unload reason reverses the unload: nothing is loaded)
    CASE WHEN dir = 'NULL::pg_catalog.int4' THEN format('pg_catalog.sign(%s)', sq) ELSE dir END,
    sq, role,
    CASE WHEN dir = 'NULL::pg_catalog.int4' OR NOT a.signed_qty THEN '1'
         ELSE format('CASE WHEN pg_catalog.sign(%s) OPERATOR(pg_catalog.=) %s THEN 1 ELSE %L::pg_catalog.int4 END',
                     sq, dir, '-1') END,
    CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = part) = 'p' THEN '' ELSE 'ONLY ' END,
    part, joins, lat,
    CASE WHEN cardinality(cond) = 0 THEN ''
         ELSE ' WHERE ' || array_to_string(cond, ' AND ') END);
END
$fn$;
COMMENT ON FUNCTION lottrace._rows_sql(lottrace.attachment, regclass) IS
  'Internal: a query over an attached table or one of its partitions giving its rows as the engine reads them: the columns of lottrace._movements(), then loaded (the part of loaded_qty), role (production input/output) and bsign (-1 for a reversal).';

-- What the registers derive, row by row, from every attached table (the
-- columns of lottrace._rows_sql()); re-written with lottrace._movements().
CREATE FUNCTION lottrace._moves()
RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text, lot text,
               serial text, warehouse text, location text, qty numeric, reason text, doc text,
               account text, batch_key text, moved_on date, expiry date, supplier_lot text,
               loaded numeric, role text, bsign int)
LANGUAGE sql STABLE
AS 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date, NULL::pg_catalog.text, NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.int4 WHERE false';
COMMENT ON FUNCTION lottrace._moves() IS
  'Internal: the rows of every attached table as the engine reads them, with what the registers derive from each (loaded, role, bsign); its body is re-written with lottrace._movements().';
REVOKE EXECUTE ON FUNCTION lottrace._moves() FROM PUBLIC;

CREATE OR REPLACE FUNCTION lottrace._refresh_movements()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  a     lottrace.attachment;
  parts text[] := '{}';
  q     text;
  full_ text;
  none  text := 'SELECT NULL::pg_catalog.regclass, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.numeric,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.text,'
                ' NULL::pg_catalog.text, NULL::pg_catalog.date, NULL::pg_catalog.date,'
                ' NULL::pg_catalog.text';
BEGIN
  -- one query per table (lottrace._rows_sql: the key by its output
  -- function, mapped columns cast, lookups joined); the planner flattens
  -- the UNION ALL, so filters reach each table's own indexes
  FOR a IN SELECT * FROM lottrace.attachment ORDER BY relid::oid LOOP
    parts := parts || lottrace._rows_sql(a, a.relid);
  END LOOP;
  IF cardinality(parts) = 0 THEN
    q := none || ' WHERE false';
    full_ := none || ', NULL::pg_catalog.numeric, NULL::pg_catalog.text, NULL::pg_catalog.int4 WHERE false';
  ELSE
    full_ := array_to_string(parts, ' UNION ALL ');
    q := 'SELECT x.source, x.source_key, x.item, x.variant, x.lot, x.serial, x.warehouse, x.location,'
         ' x.qty, x.reason, x.doc, x.account, x.batch_key, x.moved_on, x.expiry, x.supplier_lot'
         ' FROM (' || full_ || ') x';
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
  IF full_ IS DISTINCT FROM (SELECT p.prosrc FROM pg_proc p
                              WHERE p.oid = 'lottrace._moves()'::regprocedure) THEN
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION lottrace._moves()'
      ' RETURNS TABLE (source pg_catalog.regclass, source_key text, item text, variant text,'
      ' lot text, serial text, warehouse text, location text, qty numeric, reason text, doc text,'
      ' account text, batch_key text, moved_on date, expiry date, supplier_lot text,'
      ' loaded numeric, role text, bsign int)'
      ' LANGUAGE sql STABLE AS %L', full_);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION lottrace._expected_balances()
RETURNS TABLE (lot_id bigint, warehouse text, loaded_qty numeric, on_hand numeric)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  SELECT x.lot_id, x.warehouse, sum(x.loaded_qty), sum(x.on_hand)
    FROM (SELECT l.lot_id, m.warehouse, coalesce(sum(m.loaded), 0) AS loaded_qty, sum(m.qty) AS on_hand
            FROM lottrace._moves() m
            JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
            JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
             AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
           GROUP BY l.lot_id, m.warehouse
          UNION ALL
          SELECT b.lot_id, b.warehouse, b.loaded_qty, b.on_hand
            FROM lottrace.archived_balance b
            JOIN lottrace.lot l ON l.lot_id = b.lot_id
            JOIN lottrace.item i ON i.item = l.item AND i.lot_tracked) x
   GROUP BY x.lot_id, x.warehouse
$$;

CREATE OR REPLACE FUNCTION lottrace._expected_batches()
RETURNS TABLE (batch_key text, role text, lot_id bigint, qty numeric, nrows int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, lottrace, pg_temp
AS $$
  -- a reversal takes its quantity out and is a row of its own; a member
  -- whose quantity is all taken out is gone (as the engine deletes it)
  SELECT x.batch_key, x.role, x.lot_id, sum(x.qty), sum(x.nrows)::int
    FROM (SELECT m.batch_key, m.role, l.lot_id, sum(abs(m.qty) * m.bsign) AS qty, count(*) AS nrows
            FROM lottrace._moves() m
            JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
            JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
             AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
           WHERE m.batch_key IS NOT NULL AND m.role IS NOT NULL
           GROUP BY 1, 2, 3
          UNION ALL
          SELECT b.batch_key, b.role, b.lot_id, b.qty, b.nrows
            FROM lottrace.archived_batch b) x
   GROUP BY 1, 2, 3
  HAVING sum(x.qty) > 0 AND sum(x.nrows) > 0
$$;

-- attach() with the new arguments (after backfill, so calls by position
-- keep their meaning)
DROP FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text,
                              text, text, text, text, boolean);
CREATE FUNCTION lottrace.attach(tbl regclass, item text, qty text, warehouse text,
                                lot text DEFAULT NULL, serial text DEFAULT NULL,
                                reason text DEFAULT NULL, doc text DEFAULT NULL,
                                moved_on text DEFAULT NULL, location text DEFAULT NULL,
                                variant text DEFAULT NULL, account text DEFAULT NULL,
                                batch_key text DEFAULT NULL, expiry text DEFAULT NULL,
                                supplier_lot text DEFAULT NULL, backfill boolean DEFAULT true,
                                to_warehouse text DEFAULT NULL, counts_when text DEFAULT NULL,
                                signed_qty boolean DEFAULT false,
                                serial_separator text DEFAULT NULL,
                                judge text DEFAULT 'statement',
                                unload_when text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_attach'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text) IS
  'Governs an ERP stock-movement table: the text arguments name its columns (or, as ''col -> table.column'', a value read through a foreign key). to_warehouse: a destination column (warehouse is then the source); counts_when: only rows for which it holds are movements; signed_qty: with a reason, the sign gives the direction; serial_separator: several serials in one column; judge: ''statement'' or ''commit''; unload_when: rows that stop counting into it leave as unloads. Creates the triggers and (backfill) takes existing rows into the registers. Only the table''s owner may attach it.';
REVOKE EXECUTE ON FUNCTION lottrace.attach(regclass, text, text, text, text, text, text, text, text, text, text, text, text, text, text, boolean, text, text, boolean, text, text, text) FROM PUBLIC;

-- Renamed columns are followed (also those counts_when and lookups read);
-- dropping one, or changing its type, is refused.
CREATE OR REPLACE FUNCTION lottrace._follow_columns()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a     lottrace.attachment;
  cols  text[] := ARRAY['item_col', 'qty_col', 'warehouse_col', 'lot_col', 'serial_col',
                        'reason_col', 'doc_col', 'moved_on_col', 'location_col', 'variant_col',
                        'account_col', 'batch_key_col', 'expiry_col', 'supplier_lot_col',
                        'to_warehouse_col'];
  old   text;
  cur   record;
  pk    text[];
  sets  text[];
  role  text;
  refresh boolean := false;
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
      role := replace(cols[i], '_col', '');
      IF cur.attisdropped THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as its % column', old, a.relid, role
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
      IF cur.attname <> old THEN
        sets := sets || format('%I = %L', cols[i], cur.attname);
      END IF;
      -- ALTER COLUMN ... TYPE: only the types attach() accepts (the body of
      -- lottrace._movements() casts the column, as the extension owner in
      -- verify() and rebuild(); a type of the owner's own could bring its
      -- own cast).  A lookup's key column keeps the type it had.
      IF array_position(a.lookup_roles, role) IS NULL THEN
        PERFORM lottrace._check_column_type(a.relid, cur.attname::text, role);
      END IF;
    END LOOP;
    -- alternatives ('a | b') are kept by name: renaming or dropping one is refused
    FOR n IN 1 .. coalesce(cardinality(a.alt_roles), 0) LOOP
      CONTINUE WHEN array_position(a.lookup_roles, a.alt_roles[n]) IS NOT NULL;
      IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = a.relid AND attname = a.alt_cols[n]
                        AND attnum > 0 AND NOT attisdropped) THEN
        RAISE EXCEPTION 'column "%" of % is mapped by lottrace as the alternative of its % column',
          a.alt_cols[n], a.relid, a.alt_roles[n]
          USING ERRCODE = 'dependent_objects_still_exist',
                HINT = 'Detach the table (lottrace.detach), change it, and attach it again.';
      END IF;
    END LOOP;
    -- counts_when: its columns by number (renames are followed when the
    -- body of lottrace.movements is written); dropped or retyped ones refused
    IF a.counts_when IS NOT NULL THEN
      PERFORM lottrace._check_counts_when(a.relid);
      refresh := true;
      -- the names of the predicates' columns follow renames
      IF a.counts_cols IS DISTINCT FROM lottrace._attnames(a.relid, a.counts_attnums) THEN
        sets := sets || format('counts_cols = %L::text[]', lottrace._attnames(a.relid, a.counts_attnums));
      END IF;
      IF a.unload_when IS NOT NULL
         AND a.unload_cols IS DISTINCT FROM lottrace._attnames(a.relid, a.unload_attnums) THEN
        sets := sets || format('unload_cols = %L::text[]', lottrace._attnames(a.relid, a.unload_attnums));
      END IF;
    END IF;
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
  -- tables that lookups read: their key and value columns stay as they are
  FOR a IN SELECT t.*
             FROM lottrace.attachment t
            WHERE t.lookup_refs && ARRAY(SELECT c.objid::regclass FROM pg_event_trigger_ddl_commands() c
                                          WHERE c.classid = 'pg_class'::regclass)
  LOOP
    FOR n IN 1 .. cardinality(a.lookup_refs) LOOP
      PERFORM lottrace._check_lookup(a.relid, a.lookup_roles[n], a.lookup_refs[n],
                                     a.lookup_keys[n], a.lookup_values[n]);
    END LOOP;
  END LOOP;
  IF refresh THEN
    PERFORM lottrace._refresh_movements();
  END IF;
END
$$;

CREATE FUNCTION lottrace._check_counts_when(tbl regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_check_counts_when'
LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION lottrace._check_counts_when(regclass) IS
  'Internal: raises the error attach() raises when the counts_when of an attached table no longer holds against the table (a column it reads dropped, or of another type now).';
REVOKE EXECUTE ON FUNCTION lottrace._check_counts_when(regclass) FROM PUBLIC;

CREATE FUNCTION lottrace._check_lookup(tbl regclass, role text, ref regclass, key text, value text)
RETURNS void
AS 'MODULE_PATHNAME', 'lt_check_lookup'
LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION lottrace._check_lookup(regclass, text, regclass, text, text) IS
  'Internal: raises the error attach() raises when a value read through a foreign key can no longer be read so (its key or value column renamed, dropped or of another type, or the key no longer unique).';
REVOKE EXECUTE ON FUNCTION lottrace._check_lookup(regclass, text, regclass, text, text) FROM PUBLIC;

-- A referenced row may not change a value that governed movements read
-- through it (a lot renamed in the ERP's lot table while moves count on
-- it): the registers would disagree with the rows.  The engine reads the
-- referenced rows FOR SHARE, so a change waits for the movement's
-- transaction and then sees it.  The trigger is created on the table the
-- lookup reads, by attach(), and dropped by detach().
CREATE FUNCTION lottrace._lookup_changed()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  a     lottrace.attachment;
  col   text;
  alt   text;
  cnd   text;
  itm   text;
  prev  text;
  path  text;
  last  boolean;
  h_key text;
  h_old text;
  h_new text;
  h_n   bigint;
  guarded text[] := ARRAY['item', 'variant', 'lot', 'serial', 'warehouse', 'to_warehouse',
                          'reason', 'batch_key'];
BEGIN
  FOR a IN SELECT * FROM lottrace.attachment WHERE TG_RELID::regclass = ANY (lookup_refs) LOOP
    FOR n IN 1 .. cardinality(a.lookup_refs) LOOP
      CONTINUE WHEN a.lookup_refs[n] <> TG_RELID::regclass OR NOT (a.lookup_roles[n] = ANY (guarded));
      col := to_jsonb(a) ->> (a.lookup_roles[n] || '_col');
      cnd := CASE WHEN a.counts_when IS NULL THEN 'true'
                  ELSE format(a.counts_when, VARIADIC lottrace._attnames(a.relid, a.counts_attnums)) END;
      -- only rows of items lottrace governs: the item as the row names it,
      -- read through its own lookup steps if it has them
      itm := format('t.%I', a.item_col);
      FOR m IN 1 .. coalesce(cardinality(a.lookup_roles), 0) LOOP
        CONTINUE WHEN a.lookup_roles[m] <> 'item';
        itm := format('(SELECT x.%I FROM %s x WHERE x.%I OPERATOR(pg_catalog.=) %s)',
                      a.lookup_values[m], a.lookup_refs[m], a.lookup_keys[m], itm);
      END LOOP;
      -- (the item itself changing: the item it was)
      IF a.lookup_roles[n] = 'item' AND NOT EXISTS (
           SELECT FROM unnest(a.lookup_roles) WITH ORDINALITY AS r(role, ord)
            WHERE r.role = 'item' AND r.ord > n) THEN
        itm := format('o.%I', a.lookup_values[n]);
      END IF;
      cnd := format('(%s) AND EXISTS (SELECT FROM lottrace.item i'
                    ' WHERE i.item OPERATOR(pg_catalog.=) (%s)::pg_catalog.text'
                    ' AND (i.lot_tracked OR i.serial_tracked))', cnd, itm);
      -- the old rows whose value is gone or changed, and one governed row
      -- that reads it
      -- the alternative ('v1 | v2') belongs to the last step of a lookup
      last := NOT EXISTS (SELECT FROM unnest(a.lookup_roles) WITH ORDINALITY AS r(role, ord)
                           WHERE r.role = a.lookup_roles[n] AND r.ord > n);
      alt := CASE WHEN last THEN coalesce(a.alt_cols[array_position(a.alt_roles, a.lookup_roles[n])],
                                          a.lookup_values[n])
                  ELSE a.lookup_values[n] END;
      -- the path from this step's table back to the movement rows: each
      -- earlier step's rows whose value is the key of the one after it
      path := '';
      prev := format('o.%I', a.lookup_keys[n]);
      FOR j IN REVERSE n - 1 .. 1 LOOP
        CONTINUE WHEN a.lookup_roles[j] <> a.lookup_roles[n];
        path := path || format(' JOIN %s p%s ON p%s.%I OPERATOR(pg_catalog.=) %s',
                               a.lookup_refs[j], j, j, a.lookup_values[j], prev);
        prev := format('p%s.%I', j, a.lookup_keys[j]);
      END LOOP;
      EXECUTE format(
        'SELECT o.%1$I::pg_catalog.text AS key, COALESCE(o.%2$I, o.%8$I)::pg_catalog.text AS old_value,'
        '       COALESCE(nw.%2$I, nw.%8$I)::pg_catalog.text AS new_value, pg_catalog.count(*) AS n'
        '  FROM lt_old o'
        '  LEFT JOIN %3$s nw ON nw.%1$I OPERATOR(pg_catalog.=) o.%1$I'
        '  %9$s JOIN %4$s%5$s t ON t.%6$I OPERATOR(pg_catalog.=) %10$s'
        ' WHERE (nw.%1$I IS NULL OR COALESCE(nw.%2$I, nw.%8$I) IS DISTINCT FROM COALESCE(o.%2$I, o.%8$I)) AND (%7$s)'
        ' GROUP BY 1, 2, 3 LIMIT 1',
        a.lookup_keys[n], a.lookup_values[n],
        CASE WHEN TG_OP = 'UPDATE' THEN 'lt_new' ELSE format('(SELECT * FROM lt_old WHERE false)') END,
        CASE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = a.relid) = 'p' THEN '' ELSE 'ONLY ' END,
        a.relid, col, cnd, alt, path, prev) INTO h_key, h_old, h_new, h_n;
      IF h_key IS NOT NULL THEN
        RAISE EXCEPTION '% "%" of % row % is read by movements of % that count (%): it cannot %',
          a.lookup_values[n], h_old, TG_RELID::regclass, h_key, a.relid, h_n,
          CASE WHEN h_new IS NULL THEN 'go' ELSE format('change to "%s"', h_new) END
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'lottrace_lookup_changed',
                DETAIL = format('lottrace reads the %s of those movements from %s.%s.',
                                a.lookup_roles[n], TG_RELID::regclass, a.lookup_values[n]),
                HINT = 'Correct the movements first (or take them out of the counting state), or detach the table.';
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION lottrace._lookup_changed() IS
  'Internal trigger on tables that attached tables read values from (attach(..., lot => ''lot_id -> stock_lot.name'')): refuses changing or deleting a referenced row''s value that governed movements read.';

-- The guard triggers on a table lookups read (created by attach() as its
-- caller, who must be allowed to create triggers on it; dropped by detach()
-- when no attachment reads the table any more).
CREATE FUNCTION lottrace._govern_lookup(ref regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = ref AND tgname = 'lottrace_lookup_update') THEN
    EXECUTE format('CREATE TRIGGER lottrace_lookup_update AFTER UPDATE ON %s'
                   ' REFERENCING OLD TABLE AS lt_old NEW TABLE AS lt_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._lookup_changed()', ref);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = ref AND tgname = 'lottrace_lookup_delete') THEN
    EXECUTE format('CREATE TRIGGER lottrace_lookup_delete AFTER DELETE ON %s'
                   ' REFERENCING OLD TABLE AS lt_old'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION lottrace._lookup_changed()', ref);
  END IF;
END
$$;
COMMENT ON FUNCTION lottrace._govern_lookup(regclass) IS
  'Internal: creates the triggers that refuse changing values governed movements read from ref (runs as the caller of attach()).';

-- A table lookups read, and the guard triggers on it, cannot be dropped
-- while an attached table reads it (the same rule as for attached tables).
CREATE OR REPLACE FUNCTION lottrace._refuse_drop()
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
  SELECT string_agg(DISTINCT format('%s (read by %s)', d.object_identity, a.relid), ', ') INTO t
    FROM pg_event_trigger_dropped_objects() d
    JOIN lottrace.attachment a ON d.objid::regclass = ANY (a.lookup_refs)
   WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %: lottrace reads movements'' values from it', t
      USING ERRCODE = 'dependent_objects_still_exist',
            HINT = 'Call lottrace.detach() on the table that reads it first.';
  END IF;
  -- lottrace's triggers on an attached table or one of its partitions (the
  -- trigger is gone from the catalog: found by its table's name and its own;
  -- a partition dropped with its triggers is gone too, and not looked at),
  -- and the guards on a table lookups read
  SELECT format('trigger "%s" of relation %s', d.address_names[3], r.rel) INTO t
    FROM pg_event_trigger_dropped_objects() d
   CROSS JOIN LATERAL (SELECT to_regclass(format('%I.%I', d.address_names[1], d.address_names[2])) AS rel) r
   WHERE d.object_type = 'trigger'
     AND ((d.address_names[3] IN (SELECT s.tgname FROM lottrace._trigger_spec() s)
           AND r.rel IN (SELECT g.rel FROM lottrace._governed_relations() g))
          OR (d.address_names[3] IN ('lottrace_lookup_update', 'lottrace_lookup_delete')
              AND EXISTS (SELECT FROM lottrace.attachment a WHERE r.rel = ANY (a.lookup_refs))))
   LIMIT 1;
  IF t IS NOT NULL THEN
    RAISE EXCEPTION 'cannot drop %', t
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = 'The table is attached to lottrace, or read by an attached table, and lottrace''s triggers keep its movements in step.',
            HINT = 'Call lottrace.detach() to stop governing the table.';
  END IF;
END
$$;

SELECT lottrace._refresh_movements();

-- ==== Lot and serial codes beyond GS1 character set 82 (issue 13, point 6b)
-- From 1.1 lotcode and serialcode take 1 to 50 printable characters of any
-- script, with single spaces inside (docs/lotcode.md lists what stays
-- refused), so that ERP history such as 'LOT 7/26' or codes with accented
-- letters and other scripts can be attached (this section stays ASCII: the
-- script is read in the database's encoding).  GS1 character set 82
-- becomes a rule of the engine: a typed code of a governed row outside it
-- is refused (22P02, lottrace_code_syntax) unless the item has gs1_codes =
-- false; generated codes always keep to it.
--
--     UPDATE lottrace.item SET gs1_codes = false WHERE item = 'CHEESE';
ALTER TABLE lottrace.item ADD COLUMN gs1_codes boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN lottrace.item.gs1_codes IS
  'Lot and serial codes written into attached tables must be GS1 character set 82 (A-Z a-z 0-9 ! " % & '' ( ) * + , - . / : ; < = > ? _, no spaces), as barcodes need; false accepts every valid lotcode / serialcode (spaces, accented letters, other scripts). Generated codes keep to set 82 either way.';

COMMENT ON TYPE lottrace.lotcode IS
  'lot code: 1 to 50 printable characters (letters and digits of any script, punctuation, symbols, single spaces inside; white space around it trimmed), case kept, natural order (L2 < L10); lotcode(n) limits the length';
COMMENT ON TYPE lottrace.serialcode IS
  'serial code: 1 to 50 printable characters (letters and digits of any script, punctuation, symbols, single spaces inside; white space around it trimmed), case kept, natural order (L2 < L10); serialcode(n) limits the length';
COMMENT ON FUNCTION lottrace.lotcode_in(cstring, oid, integer) IS
  'I/O: lotcode input (trims white space; 1 to 50 printable characters, no control or invisible characters, single spaces inside)';
COMMENT ON FUNCTION lottrace.serialcode_in(cstring, oid, integer) IS
  'I/O: serialcode input (trims white space; 1 to 50 printable characters, no control or invisible characters, single spaces inside)';
COMMENT ON FUNCTION lottrace.lotcode_recv(internal, oid, integer) IS
  'I/O: lotcode binary input (the code''s bytes in the client encoding, as for text, checked like text input)';
COMMENT ON FUNCTION lottrace.serialcode_recv(internal, oid, integer) IS
  'I/O: serialcode binary input (the code''s bytes in the client encoding, as for text, checked like text input)';
COMMENT ON FUNCTION lottrace.lotcode_send(lottrace.lotcode) IS
  'I/O: lotcode binary output (the code''s bytes in the client encoding, as for text)';
COMMENT ON FUNCTION lottrace.serialcode_send(lottrace.serialcode) IS
  'I/O: serialcode binary output (the code''s bytes in the client encoding, as for text)';
