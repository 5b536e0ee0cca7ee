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

-- The rows of one table (a partition of an attached table) in the shape of
-- lottrace.movements, under the mapping of the attached table a.
CREATE FUNCTION lottrace._rows_sql(a lottrace.attachment, part regclass)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format('SELECT %s AS source_key, (t.%I)::pg_catalog.text AS item, %s AS variant,'
                ' %s AS lot, %s AS serial, (t.%I)::pg_catalog.text AS warehouse, %s AS qty,'
                ' %s AS reason, %s AS doc, %s AS batch_key, %s AS moved_on FROM %s t',
    (SELECT CASE WHEN count(*) = 0 THEN 'NULL::pg_catalog.text'
                 WHEN count(*) = 1 THEN format('pg_catalog.format(%L, t.%I)', '%s', min(k.col))
                 ELSE format('pg_catalog.format(%L, ROW(%s))', '%s',
                             string_agg(format('t.%I', k.col), ', ' ORDER BY k.ord)) END
       FROM unnest(a.pk_cols) WITH ORDINALITY AS k(col, ord)),
    a.item_col,
    CASE WHEN a.variant_col IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('CASE WHEN (t.%1$I)::pg_catalog.text OPERATOR(pg_catalog.=) %2$L THEN NULL'
                     ' ELSE (t.%1$I)::pg_catalog.text END', a.variant_col, '') END,
    CASE WHEN a.lot_col IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('(t.%I)::pg_catalog.text', a.lot_col) END,
    CASE WHEN a.serial_col IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('(t.%I)::pg_catalog.text', a.serial_col) END,
    a.warehouse_col,
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
    CASE WHEN a.batch_key_col IS NULL THEN 'NULL::pg_catalog.text'
         ELSE format('(t.%I)::pg_catalog.text', a.batch_key_col) END,
    CASE WHEN a.moved_on_col IS NULL THEN 'NULL::pg_catalog.date'
         ELSE format('(t.%I)::pg_catalog.date', a.moved_on_col) END,
    part)
$$;
COMMENT ON FUNCTION lottrace._rows_sql(lottrace.attachment, regclass) IS
  'Internal: a query over a partition of an attached table giving its rows as lottrace.movements does (source_key, item, variant, lot, serial, warehouse, signed qty, reason, doc, batch_key, moved_on).';

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
     SELECT $1, l.lot_id, m.warehouse, coalesce(sum(m.qty) FILTER (WHERE m.qty > 0), 0), sum(m.qty)
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
     SELECT $1, m.batch_key, r.production, l.lot_id, sum(abs(m.qty)), count(*)::int
       FROM (%s) m
       JOIN lottrace.reason r ON r.code = m.reason AND r.production IS NOT NULL
       JOIN lottrace.item i ON i.item = m.item AND i.lot_tracked
       JOIN lottrace.lot l ON l.item = m.item AND l.code::text = m.lot
        AND (l.variant = m.variant OR (l.variant IS NULL AND m.variant IS NULL))
      WHERE m.batch_key IS NOT NULL
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
