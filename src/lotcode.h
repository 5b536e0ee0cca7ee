/*
 * lotcode.h — the lotcode / serialcode types as seen from other C modules
 * (the trigger engine, the GS1 functions).
 *
 * A lotcode or serialcode Datum is a plain varlena holding the trimmed code
 * (1..50 characters in the server encoding, docs/lotcode.md), laid out
 * exactly like text: PointerGetDatum() of the text * returned below is a
 * valid value of either type, and DatumGetTextPP() reads one.  For ordering
 * use lc_natural_cmp() from lotcode_core.h; equality is byte equality.
 * Whether a code is GS1-safe (character set 82 only) is a separate rule:
 * lc_gs1_offset() and lt_gs1_phrase().
 */
#ifndef LOTTRACE_LOTCODE_H
#define LOTTRACE_LOTCODE_H

#include "postgres.h"

#include "lotcode_core.h"

/*
 * Why a string is not a valid code, ready for ereport().  sqlerrcode is
 * ERRCODE_INVALID_TEXT_REPRESENTATION (22P02: empty, a character a code may
 * not hold, bytes that are no character) or
 * ERRCODE_STRING_DATA_RIGHT_TRUNCATION (22001: too long).  The
 * strings are palloc'd in the current memory context and follow the message
 * style guide; message is the type's own ("invalid input syntax for type
 * lotcode: "..."" / "value too long for type lotcode(20)").
 */
typedef struct LtCodeProblem
{
	int			sqlerrcode;
	lc_status	status;			/* LC_EMPTY, LC_BAD_CHAR, LC_BAD_BYTES, LC_TOO_LONG */
	char	   *message;
	char	   *detail;			/* e.g. Character U+0009 at position 3 is ... */
	char	   *hint;			/* NULL when there is nothing to add */
} LtCodeProblem;

/*
 * Validate s[0..len) (len < 0: s is NUL-terminated) as a lot code (serial
 * false) or serial code, limited to typmod characters (typmod < 0: the
 * type's limit of 50).  s should be in the server encoding; other bytes are
 * safe and are shown as hex in the problem text.
 *
 * Valid: returns true and, when code is not NULL, sets *code to a new
 * palloc'd text holding the trimmed code.  Invalid: returns false and fills
 * *problem (when not NULL).  Raises nothing itself (except out of memory).
 *
 *     LtCodeProblem p;
 *     text *code;
 *     if (!lt_check_code(s, len, false, -1, &code, &p))
 *         ereport(ERROR, (errcode(p.sqlerrcode),
 *                         errmsg("lot code \"%s\" of item \"%s\" ...", ...),
 *                         errdetail_internal("%s", p.detail), ...));
 */
extern bool lt_check_code(const char *s, int len, bool serial, int32 typmod,
						  text **code, LtCodeProblem *problem);

/*
 * Raise the problem as an ERROR.  constraint (may be NULL) goes into the
 * error's CONSTRAINT_NAME field (e.g. "lottrace_code_syntax"); message (may
 * be NULL) replaces the type's own primary message, e.g. one that names the
 * item and warehouse.  SQLSTATE, DETAIL and HINT are the problem's.
 */
extern void lt_raise_code_problem(const LtCodeProblem *problem,
								  const char *constraint,
								  const char *message) pg_attribute_noreturn();

/*
 * The one-call form: the trimmed, validated code as a palloc'd text, or an
 * ERROR exactly like the type's input function raises (plus constraint in
 * CONSTRAINT_NAME when not NULL).
 *
 *     Datum lot = PointerGetDatum(lt_make_code(s, -1, false, -1,
 *                                              "lottrace_code_syntax"));
 */
extern text *lt_make_code(const char *s, int len, bool serial, int32 typmod,
						  const char *constraint);

/*
 * lc_parse() for s[0..len) in the server encoding (docs/lotcode.md,
 * "Encodings"): offsets in the result are byte offsets into s, positions
 * count characters of s.  maxlen as for lc_parse.  Raises nothing.
 */
extern lc_result lt_parse_code(const char *s, int len, size_t maxlen);

/*
 * Why s[0..len) is not a code, for a result r of lt_parse_code() with
 * status LC_BAD_CHAR or LC_BAD_BYTES, as a phrase for a message (the words
 * of the type's own DETAIL): 'character U+0009 at position 3 is a control
 * character', 'character U+0020 at position 5 is a second space in a row',
 * 'byte 0xFF at byte position 2 is not a valid character in encoding
 * "UTF8"'.  palloc'd.
 */
extern char *lt_code_problem_phrase(const char *s, int len, const lc_result *r);

/*
 * The character of s[0..len) at byte offset off, outside GS1 character set
 * 82, as a phrase for a message: 'character " " at position 4 is not in GS1
 * character set 82', 'character "é" (U+00E9) at position 4 ...' (code point
 * and 1-based character position; control and invisible characters by
 * their code point only); bytes not valid in the server encoding as
 * 'byte 0xE2 at byte position 3 ...'.  palloc'd.
 */
extern char *lt_bad_char_phrase(const char *s, int len, size_t off);

/*
 * The GS1 rule on a code s[0..len): NULL when every character is in GS1
 * character set 82, else lt_bad_char_phrase() of the first one that is not.
 *
 *     char *why = lt_gs1_phrase(code, len);
 *     if (why && item->gs1_codes)
 *         ereport(ERROR, ... errmsg("invalid lot code \"%s\": %s", ..., why) ...);
 */
extern char *lt_gs1_phrase(const char *s, int len);

/*
 * OID of lottrace.lotcode (serial false) or lottrace.serialcode, looked up
 * afresh on every call (cheap: syscache), so it stays right when the
 * extension is dropped and created again in the same session.  InvalidOid
 * when the extension is not installed.
 */
extern Oid	lt_code_type_oid(bool serial);

#endif							/* LOTTRACE_LOTCODE_H */
