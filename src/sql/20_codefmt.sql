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
