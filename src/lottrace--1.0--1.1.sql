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
