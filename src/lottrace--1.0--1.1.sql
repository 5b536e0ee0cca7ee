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
             AND l.expiry_date IS NOT NULL AND as_of >= l.expiry_date - i.block_days
             AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
           ORDER BY l.item COLLATE "C", l.code::text COLLATE "C", l.variant COLLATE "C" NULLS LAST
             FOR NO KEY UPDATE OF l) d;
  -- the date in ISO form, whatever the session's DateStyle
  PERFORM set_config('lottrace.status_note', format('refresh_expiry as of %s', to_char(as_of, 'YYYY-MM-DD')), true);
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
   WHERE l.expiry_date IS NOT NULL AND i.warn_days IS NOT NULL
     AND as_of >= l.expiry_date - i.warn_days
     AND as_of < l.expiry_date - i.block_days
     AND NOT l.force_closed AND lottrace._on_hand(l.stock) > 0
   ORDER BY 5, 4, 2, 3;
  PERFORM set_config('lottrace.status_note', coalesce(old_note, ''), true);
END
$$;
COMMENT ON FUNCTION lottrace.refresh_expiry(date) IS
  'Daily job: open lots in an available status at or past expiry_date - block_days move to lottrace.expired_status (logged in lot_status_log; action expired); open lots within warn_days are reported (action warning). Runs at READ COMMITTED only (25000 otherwise); locks lots in the engine''s key order. Schedule with pg_cron, see docs/TRACEABILITY.md.';

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
   WHERE coalesce(bm.qty, 0) <> coalesce(ebm.qty, 0) OR coalesce(bm.nrows, 0) <> coalesce(ebm.nrows, 0);
END
$$;
COMMENT ON FUNCTION lottrace.verify() IS
  'Checks the registers against the attached tables: no rows when they agree, otherwise one row per disagreement (problem, detail). Runs at READ COMMITTED or REPEATABLE READ; SERIALIZABLE only READ ONLY DEFERRABLE (25000 otherwise).';
