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
  y := extract(year FROM d);
  m := extract(month FROM d);
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
