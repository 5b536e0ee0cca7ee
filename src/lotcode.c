/*
 * lotcode.c — SQL types lottrace.lotcode and lottrace.serialcode.
 *
 * Two distinct types with the same rules and the same storage (a varlena of
 * the trimmed code, laid out like text).  As in contrib/isn, the SQL
 * functions of both types point at the same C functions wherever the type
 * does not show; the ones that raise errors naming the type (input, receive,
 * typmod, casts) have one small entry point per type.  The checking itself
 * is lc_parse_with() and the ordering lc_natural_cmp(), in lotcode_core.c;
 * this file adds the server encoding (docs/lotcode.md, "Encodings").
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_conversion.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/sortsupport.h"
#include "utils/syscache.h"

#include "cset.h"
#include "lotcode.h"
#include "lotcode_core.h"
#include "show.h"

#define LT_TYPNAME(serial) ((serial) ? "serialcode" : "lotcode")

#define LT_CODE_HINT \
	"A code is 1 to 50 letters, digits, punctuation marks or symbols, with single spaces inside."

/* ---------------------------------------------------------------------
 * The server encoding
 *
 * In a UTF8 database lc_parse() reads the bytes itself.  In any other
 * database a character is judged by its Unicode code point, found by
 * converting it alone to UTF-8 with the encoding's built-in conversion;
 * SQL_ASCII (whose bytes above 0x7F are no characters) and an encoding
 * without a conversion to UTF-8 have ASCII codes only.  Every server
 * encoding is ASCII-compatible: a byte below 0x80 is always that ASCII
 * character, never part of a longer one.
 * ---------------------------------------------------------------------
 */

/*
 * The conversion from the database encoding to UTF-8 in pg_catalog (not
 * the search_path's: the type's input must not depend on it), looked up
 * once per backend; InvalidOid when there is none.
 */
static Oid
lt_unicode_proc(void)
{
	static bool looked = false;
	static Oid	proc = InvalidOid;

	if (!looked)
	{
		int			enc = GetDatabaseEncoding();

		if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
			proc = FindDefaultConversion(PG_CATALOG_NAMESPACE, enc, PG_UTF8);
		looked = true;
	}
	return proc;
}

/* Codes may hold characters beyond ASCII in this database. */
static bool
lt_unicode_codes(void)
{
	return GetDatabaseEncoding() == PG_UTF8 || OidIsValid(lt_unicode_proc());
}

/*
 * lc_decoder for a database that is neither UTF8 nor SQL_ASCII: the
 * character at p, converted alone to UTF-8.  A character that becomes
 * several code points is judged by the first refused one among them (else
 * by the first); one with no Unicode equivalent is LC_NO_CP.
 */
static size_t
lt_decode_server(const unsigned char *p, size_t avail, uint32_t *cp, void *arg)
{
	int			enc = GetDatabaseEncoding();
	Oid			proc = lt_unicode_proc();
	unsigned char src[MAX_MULTIBYTE_CHAR_LEN + 1];
	unsigned char out[64];
	int			l;
	int			done;
	size_t		outlen;
	size_t		off = 0;
	uint32_t	first = LC_NO_CP;

	if (!OidIsValid(proc))
		return 0;
	l = pg_encoding_verifymbchar(enc, (const char *) p,
								 (int) Min(avail, (size_t) MAX_MULTIBYTE_CHAR_LEN));
	if (l <= 0)
		return 0;
	memcpy(src, p, l);
	src[l] = '\0';
	done = pg_do_encoding_conversion_buf(proc, enc, PG_UTF8, src, l,
										 out, sizeof(out), true);
	*cp = LC_NO_CP;
	if (done != l)
		return l;
	outlen = strnlen((const char *) out, sizeof(out));
	while (off < outlen)
	{
		uint32_t	c;
		size_t		k = lc_decode_utf8(out + off, outlen - off, &c, NULL);

		if (k == 0)
			break;
		if (first == LC_NO_CP)
			first = c;
		if (lc_char_class_of(c) != LC_CHAR_OK)
		{
			*cp = c;
			return l;
		}
		off += k;
	}
	*cp = first;
	return l;
}

/*
 * lc_parse for s[0..len) in the server encoding; see lotcode.h.
 */
lc_result
lt_parse_code(const char *s, int len, size_t maxlen)
{
	if (s == NULL || len < 0)
		len = 0;
	if (GetDatabaseEncoding() == PG_UTF8)
		return lc_parse(s, (size_t) len, maxlen);
	return lc_parse_with(s, (size_t) len, maxlen,
						 OidIsValid(lt_unicode_proc()) ? lt_decode_server : NULL, NULL);
}

/*
 * The character of s[0..len) at byte offset off (< len): its length in
 * bytes (0 when the bytes are not a character) and code point (LC_NO_CP
 * when it has none).
 */
static size_t
lt_char_at(const char *s, int len, size_t off, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *) s + off;
	size_t		avail = (size_t) len - off;

	*cp = LC_NO_CP;
	if (p[0] < 0x80)
	{
		*cp = p[0];
		return 1;
	}
	if (GetDatabaseEncoding() == PG_UTF8)
		return lc_decode_utf8(p, avail, cp, NULL);
	return lt_decode_server(p, avail, cp, NULL);
}

/*
 * True when s[0..len) can be quoted as it is in a message: valid in the
 * server encoding (input functions guarantee it; binary receive does not).
 */
static bool
lt_printable_encoding(const char *s, int len)
{
	return memchr(s, '\0', len) == NULL &&
		pg_verify_mbstr(GetDatabaseEncoding(), s, len, true);
}

/*
 * The input as quoted in the message: cut to LT_SHOW_CHARS characters
 * (lt_show); bytes not valid in the server encoding are shown as hex.
 */
static char *
lt_show_input(const char *s, int len, bool valid)
{
	StringInfoData buf;
	int			lim = Min(len, LT_SHOW_CHARS);
	int			i;

	if (valid)
		return lt_show(s, len);
	initStringInfo(&buf);
	for (i = 0; i < lim; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f)
			appendStringInfoChar(&buf, (char) c);
		else
			appendStringInfo(&buf, "\\x%02X", c);
	}
	if (lim < len)
		appendStringInfoString(&buf, "...");
	return buf.data;
}

/* The bytes s[off..off+n) as hex digits, for a character shown by its bytes. */
static char *
lt_hex(const char *s, size_t off, size_t n)
{
	StringInfoData hex;

	initStringInfo(&hex);
	for (size_t i = 0; i < n; i++)
		appendStringInfo(&hex, "%02X", (unsigned char) s[off + i]);
	return hex.data;
}

/* What a refused character is, the end of its phrase. */
static const char *
lt_class_words(lc_char_class k)
{
	switch (k)
	{
		case LC_CHAR_CONTROL:
			return "is a control character";
		case LC_CHAR_SPACE:
			return "is white space other than a plain space (U+0020)";
		case LC_CHAR_DOUBLE_SPACE:
			return "is a second space in a row";
		case LC_CHAR_INVISIBLE:
			return "is an invisible or formatting character";
		case LC_CHAR_REPLACEMENT:
			return "is a replacement character, left where a character was lost";
		case LC_CHAR_PRIVATE:
			return "is a private-use character";
		case LC_CHAR_NONCHAR:
			return "is a noncharacter";
		case LC_CHAR_SURROGATE:
			return "is a surrogate";
		case LC_CHAR_UNMAPPED:
			return "has no Unicode equivalent";
		case LC_CHAR_OK:
			break;
	}
	return "is not allowed in a code";
}

/*
 * Why s[0..len) is not a code, as a phrase for a message; see lotcode.h.
 */
char *
lt_code_problem_phrase(const char *s, int len, const lc_result *r)
{
	if (r->status == LC_BAD_BYTES)
	{
		unsigned char c = (unsigned char) s[r->bad_offset];

		if (!lt_unicode_codes())
			return psprintf("byte 0x%02X at byte position %zu is not ASCII, and codes in a database with encoding \"%s\" are ASCII only",
							c, r->bad_offset + 1, GetDatabaseEncodingName());
		return psprintf("byte 0x%02X at byte position %zu is not a valid character in encoding \"%s\"",
						c, r->bad_offset + 1, GetDatabaseEncodingName());
	}
	if (r->status != LC_BAD_CHAR)
		return pstrdup("not a valid code");
	if (r->bad_cp == LC_NO_CP)
	{
		uint32_t	cp;
		size_t		clen = lt_char_at(s, len, r->bad_offset, &cp);

		return psprintf("character encoded as 0x%s at position %zu %s",
						lt_hex(s, r->bad_offset, Max(clen, 1)), r->bad_pos,
						lt_class_words(r->bad_class));
	}
	return psprintf("character U+%04X at position %zu %s",
					(unsigned int) r->bad_cp, r->bad_pos, lt_class_words(r->bad_class));
}

/*
 * The character at byte offset off, which is not in GS1 character set 82,
 * as a phrase for a message; see lotcode.h.
 */
char *
lt_bad_char_phrase(const char *s, int len, size_t off)
{
	unsigned char c = (unsigned char) s[off];
	uint32_t	cp;
	size_t		clen;
	int			pos;

	if (!lt_printable_encoding(s, len))
		return psprintf("byte 0x%02X at byte position %zu is not in GS1 character set 82",
						c, off + 1);

	/* 1-based position in characters of the input as given */
	pos = pg_mbstrlen_with_len(s, (int) off) + 1;

	if (c >= 0x20 && c < 0x7f)
		return psprintf("character \"%c\" at position %d is not in GS1 character set 82",
						c, pos);
	clen = lt_char_at(s, len, off, &cp);
	if (clen == 0)
		clen = 1;
	if (cp == LC_NO_CP)
		return psprintf("character encoded as 0x%s at position %d is not in GS1 character set 82",
						lt_hex(s, off, clen), pos);
	/* only what a code may hold is quoted: nothing invisible, no control */
	if (lc_char_class_of(cp) == LC_CHAR_OK && cp >= 0x80)
		return psprintf("character \"%.*s\" (U+%04X) at position %d is not in GS1 character set 82",
						(int) clen, s + off, (unsigned int) cp, pos);
	return psprintf("character U+%04X at position %d is not in GS1 character set 82",
					(unsigned int) cp, pos);
}

/*
 * The GS1 rule on a code; see lotcode.h.
 */
char *
lt_gs1_phrase(const char *s, int len)
{
	size_t		off;

	if (s == NULL || len <= 0)
		return NULL;
	off = lc_gs1_offset(s, (size_t) len);
	if (off >= (size_t) len)
		return NULL;
	return lt_bad_char_phrase(s, len, off);
}

/* A phrase as a DETAIL sentence: capitalised, with a full stop. */
static char *
lt_sentence(char *phrase)
{
	phrase[0] = pg_ascii_toupper((unsigned char) phrase[0]);
	return psprintf("%s.", phrase);
}

/* The 22001 problem: a code of nchars characters over typmod (or 50). */
static void
lt_too_long_problem(LtCodeProblem *p, bool serial, int32 typmod, size_t nchars)
{
	int			limit = typmod >= 1 && typmod <= LC_MAX_LEN ? typmod : LC_MAX_LEN;

	p->sqlerrcode = ERRCODE_STRING_DATA_RIGHT_TRUNCATION;
	p->status = LC_TOO_LONG;
	if (typmod >= 1)
		p->message = psprintf("value too long for type %s(%d)", LT_TYPNAME(serial), (int) typmod);
	else
		p->message = psprintf("value too long for type %s", LT_TYPNAME(serial));
	p->detail = psprintf("The code has %zu characters; at most %d are allowed.", nchars, limit);
	p->hint = NULL;
}

/*
 * Validate a code and make its value; see lotcode.h.
 */
bool
lt_check_code(const char *s, int len, bool serial, int32 typmod,
			  text **code, LtCodeProblem *problem)
{
	lc_result	r;
	bool		valid;

	if (s == NULL)
		len = 0;
	else if (len < 0)
		len = (int) strlen(s);

	r = lt_parse_code(s, len,
					  typmod >= 1 && typmod <= LC_MAX_LEN ? (size_t) typmod : LC_MAX_LEN);
	if (r.status == LC_OK)
	{
		if (code)
			*code = cstring_to_text_with_len(s + r.start, (int) r.len);
		return true;
	}
	if (problem == NULL)
		return false;

	if (r.status == LC_TOO_LONG)
	{
		lt_too_long_problem(problem, serial, typmod, r.nchars);
		return false;
	}

	valid = lt_printable_encoding(s, len);
	problem->sqlerrcode = ERRCODE_INVALID_TEXT_REPRESENTATION;
	problem->status = r.status;
	problem->message = psprintf("invalid input syntax for type %s: \"%s\"",
								LT_TYPNAME(serial), lt_show_input(s, len, valid));
	problem->hint = NULL;
	if (r.status == LC_EMPTY)
		problem->detail = psprintf("A %s must have at least one character other than white space.",
								   LT_TYPNAME(serial));
	else
	{
		problem->detail = lt_sentence(lt_code_problem_phrase(s, len, &r));
		if (r.status == LC_BAD_CHAR)
			problem->hint = pstrdup(LT_CODE_HINT);
		else if (!lt_unicode_codes())
			problem->hint = pstrdup("Codes with characters beyond ASCII need a database whose encoding converts to Unicode, such as UTF8.");
	}
	return false;
}

/*
 * Raise a code problem as an ERROR; see lotcode.h.
 */
void
lt_raise_code_problem(const LtCodeProblem *problem, const char *constraint,
					  const char *message)
{
	ereport(ERROR,
			(errcode(problem->sqlerrcode),
			 errmsg_internal("%s", message ? message : problem->message),
			 problem->detail ? errdetail_internal("%s", problem->detail) : 0,
			 problem->hint ? errhint("%s", problem->hint) : 0,
			 constraint ? err_generic_string(PG_DIAG_CONSTRAINT_NAME, constraint) : 0));
}

/*
 * The validated code, or the type's input error; see lotcode.h.
 */
text *
lt_make_code(const char *s, int len, bool serial, int32 typmod,
			 const char *constraint)
{
	text	   *code;
	LtCodeProblem problem;

	if (!lt_check_code(s, len, serial, typmod, &code, &problem))
		lt_raise_code_problem(&problem, constraint, NULL);
	return code;
}

/*
 * OID of the lotcode or serialcode type; see lotcode.h.
 */
Oid
lt_code_type_oid(bool serial)
{
	Oid			nsp = get_namespace_oid("lottrace", true);

	if (!OidIsValid(nsp))
		return InvalidOid;
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum(LT_TYPNAME(serial)),
						   ObjectIdGetDatum(nsp));
}

/* ---------------------------------------------------------------------
 * Input and output
 * ---------------------------------------------------------------------
 */

/* Text input of either type; typmod is given for lotcode(n) targets. */
static Datum
lt_code_in(FunctionCallInfo fcinfo, bool serial)
{
	char	   *s = PG_GETARG_CSTRING(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;

	PG_RETURN_TEXT_P(lt_make_code(s, -1, serial, typmod, NULL));
}

/*
 * Input: '  L-2024/001 '::lottrace.lotcode  ->  L-2024/001
 */
PG_FUNCTION_INFO_V1(lotcode_in);
Datum
lotcode_in(PG_FUNCTION_ARGS)
{
	return lt_code_in(fcinfo, false);
}

/*
 * Input: ' SN0001 '::lottrace.serialcode  ->  SN0001
 */
PG_FUNCTION_INFO_V1(serialcode_in);
Datum
serialcode_in(PG_FUNCTION_ARGS)
{
	return lt_code_in(fcinfo, true);
}

/*
 * Output (both types): the code as stored.
 */
PG_FUNCTION_INFO_V1(lotcode_out);
Datum
lotcode_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

/*
 * Binary input: the code's bytes in the client encoding, as text's binary
 * input reads them, checked exactly like text input.  When the client
 * encoding is the server's, the bytes are taken as they are, so bytes that
 * are not valid there get the type's own 22P02 (not 22021).
 */
static Datum
lt_code_recv(FunctionCallInfo fcinfo, bool serial)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		typmod = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : -1;
	const char *bytes = buf->data + buf->cursor;
	int			len = buf->len - buf->cursor;
	text	   *code;

	if (pg_get_client_encoding() != GetDatabaseEncoding())
	{
		bytes = pg_client_to_server(bytes, len);
		len = (int) strlen(bytes);
	}
	code = lt_make_code(bytes, len, serial, typmod, NULL);
	buf->cursor = buf->len;
	PG_RETURN_TEXT_P(code);
}

/* Binary input of lotcode (COPY ... FORMAT binary, binary parameters). */
PG_FUNCTION_INFO_V1(lotcode_recv);
Datum
lotcode_recv(PG_FUNCTION_ARGS)
{
	return lt_code_recv(fcinfo, false);
}

/* Binary input of serialcode. */
PG_FUNCTION_INFO_V1(serialcode_recv);
Datum
serialcode_recv(PG_FUNCTION_ARGS)
{
	return lt_code_recv(fcinfo, true);
}

/*
 * Binary output (both types): the code's bytes in the client encoding, as
 * text's binary output writes them.
 */
PG_FUNCTION_INFO_V1(lotcode_send);
Datum
lotcode_send(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------------
 * Type modifier: lotcode(n), 1 <= n <= 50
 * ---------------------------------------------------------------------
 */

/* The one modifier n of lotcode(n) / serialcode(n), checked to be 1..50. */
static int32
lt_typmod_in(ArrayType *ta, bool serial)
{
	int32	   *tl;
	int			n;

	tl = ArrayGetIntegerTypmods(ta, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier"),
				 errdetail("Type %s takes one modifier, the maximum length.",
						   LT_TYPNAME(serial))));
	if (tl[0] < 1 || tl[0] > LC_MAX_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("length for type %s must be between 1 and %d",
						LT_TYPNAME(serial), LC_MAX_LEN),
				 errdetail("The length given is %d.", tl[0])));
	return tl[0];
}

/*
 * Type modifier input: lottrace.lotcode(20) limits codes to 20 characters.
 */
PG_FUNCTION_INFO_V1(lotcode_typmod_in);
Datum
lotcode_typmod_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(lt_typmod_in(PG_GETARG_ARRAYTYPE_P(0), false));
}

/* Type modifier input: lottrace.serialcode(20). */
PG_FUNCTION_INFO_V1(serialcode_typmod_in);
Datum
serialcode_typmod_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(lt_typmod_in(PG_GETARG_ARRAYTYPE_P(0), true));
}

/*
 * Type modifier output (both types): "(20)", or nothing without one.
 */
PG_FUNCTION_INFO_V1(lotcode_typmod_out);
Datum
lotcode_typmod_out(PG_FUNCTION_ARGS)
{
	int32		typmod = PG_GETARG_INT32(0);

	PG_RETURN_CSTRING(typmod >= 0 ? psprintf("(%d)", (int) typmod) : pstrdup(""));
}

/*
 * Length coercion for the type modifier.  A code is never cut short (a cut
 * code is another code), so an explicit cast fails just like an assignment.
 */
static Datum
lt_enforce_typmod(FunctionCallInfo fcinfo, bool serial)
{
	Datum		d = PG_GETARG_DATUM(0);
	int32		typmod = PG_GETARG_INT32(1);
	text	   *t;
	int			len;
	int			nchars;

	if (typmod < 1)
		PG_RETURN_DATUM(d);
	t = DatumGetTextPP(d);
	len = VARSIZE_ANY_EXHDR(t);
	/* a character is at least one byte: a short code needs no counting */
	if (len <= typmod)
		PG_RETURN_DATUM(d);
	nchars = pg_mbstrlen_with_len(VARDATA_ANY(t), len);
	if (nchars > typmod)
	{
		LtCodeProblem problem;

		lt_too_long_problem(&problem, serial, typmod, (size_t) nchars);
		lt_raise_code_problem(&problem, NULL, NULL);
	}
	PG_RETURN_DATUM(d);
}

/*
 * Cast lotcode to lotcode(n):  SELECT code::lottrace.lotcode(10)
 */
PG_FUNCTION_INFO_V1(lotcode_enforce_typmod);
Datum
lotcode_enforce_typmod(PG_FUNCTION_ARGS)
{
	return lt_enforce_typmod(fcinfo, false);
}

/* Cast serialcode to serialcode(n). */
PG_FUNCTION_INFO_V1(serialcode_enforce_typmod);
Datum
serialcode_enforce_typmod(PG_FUNCTION_ARGS)
{
	return lt_enforce_typmod(fcinfo, true);
}

/*
 * Cast from text and varchar to lotcode (assignment):
 *     INSERT INTO t (lot) SELECT some_text_column FROM ...
 */
PG_FUNCTION_INFO_V1(lotcode_from_text);
Datum
lotcode_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(lt_make_code(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false, -1, NULL));
}

/* Cast from text and varchar to serialcode (assignment). */
PG_FUNCTION_INFO_V1(serialcode_from_text);
Datum
serialcode_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(lt_make_code(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), true, -1, NULL));
}

/* ---------------------------------------------------------------------
 * Comparison, sorting and hashing (shared by both types)
 * ---------------------------------------------------------------------
 */

static inline int
lt_cmp_text(const text *a, const text *b)
{
	return lc_natural_cmp(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a),
						  VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
}

/* Natural comparison of arguments 0 and 1. */
static int
lt_cmp_args(FunctionCallInfo fcinfo)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	int			r = lt_cmp_text(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return r;
}

/* Exact (byte) equality of arguments 0 and 1. */
static bool
lt_eq_args(FunctionCallInfo fcinfo)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	size_t		alen = VARSIZE_ANY_EXHDR(a);
	bool		r;

	r = alen == VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), alen) == 0;
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return r;
}

/* a = b: the same characters, case included */
PG_FUNCTION_INFO_V1(lotcode_eq);
Datum
lotcode_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lt_eq_args(fcinfo));
}

/* a <> b */
PG_FUNCTION_INFO_V1(lotcode_ne);
Datum
lotcode_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!lt_eq_args(fcinfo));
}

/* a < b in natural order */
PG_FUNCTION_INFO_V1(lotcode_lt);
Datum
lotcode_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lt_cmp_args(fcinfo) < 0);
}

/* a <= b in natural order */
PG_FUNCTION_INFO_V1(lotcode_le);
Datum
lotcode_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lt_cmp_args(fcinfo) <= 0);
}

/* a > b in natural order */
PG_FUNCTION_INFO_V1(lotcode_gt);
Datum
lotcode_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lt_cmp_args(fcinfo) > 0);
}

/* a >= b in natural order */
PG_FUNCTION_INFO_V1(lotcode_ge);
Datum
lotcode_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lt_cmp_args(fcinfo) >= 0);
}

/* btree support 1: -1, 0 or 1 in natural order */
PG_FUNCTION_INFO_V1(lotcode_cmp);
Datum
lotcode_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(lt_cmp_args(fcinfo));
}

/* ---------------------------------------------------------------------
 * Comparison with text (and varchar, which is binary-coercible to text)
 *
 * A text value is compared as the code its input would make: the
 * surrounding white space is trimmed, the rest is compared in natural
 * order, and equality is byte equality.  A text that is no valid code
 * (two spaces in a row, a control character, too long, empty) still has a
 * place in that order, so the comparison never fails: only the trim
 * (lc_trim) is applied, no character is judged, and lc_natural_cmp() is
 * total over any bytes.
 * These are the cross-type members of the btree families, which lets
 * `code_col = $1::text` use the code's index.
 * ---------------------------------------------------------------------
 */

/* Natural comparison of a code (argument code_arg) and a text. */
static int
lt_cmp_code_text(FunctionCallInfo fcinfo, int code_arg)
{
	text	   *c = PG_GETARG_TEXT_PP(code_arg);
	text	   *t = PG_GETARG_TEXT_PP(1 - code_arg);
	size_t		start;
	size_t		len;
	int			cmp;

	lc_trim(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &start, &len);
	cmp = lc_natural_cmp(VARDATA_ANY(c), VARSIZE_ANY_EXHDR(c),
						 VARDATA_ANY(t) + start, len);
	PG_FREE_IF_COPY(c, code_arg);
	PG_FREE_IF_COPY(t, 1 - code_arg);
	return code_arg == 0 ? cmp : -cmp;
}

/* code OP text (code_arg 0) and text OP code (code_arg 1) */
#define LT_CROSS_OPS(prefix, code_arg) \
PG_FUNCTION_INFO_V1(prefix##_eq); \
Datum prefix##_eq(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) == 0); } \
PG_FUNCTION_INFO_V1(prefix##_ne); \
Datum prefix##_ne(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) != 0); } \
PG_FUNCTION_INFO_V1(prefix##_lt); \
Datum prefix##_lt(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) < 0); } \
PG_FUNCTION_INFO_V1(prefix##_le); \
Datum prefix##_le(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) <= 0); } \
PG_FUNCTION_INFO_V1(prefix##_gt); \
Datum prefix##_gt(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) > 0); } \
PG_FUNCTION_INFO_V1(prefix##_ge); \
Datum prefix##_ge(PG_FUNCTION_ARGS) { PG_RETURN_BOOL(lt_cmp_code_text(fcinfo, code_arg) >= 0); } \
PG_FUNCTION_INFO_V1(prefix##_cmp); \
Datum prefix##_cmp(PG_FUNCTION_ARGS) { PG_RETURN_INT32(lt_cmp_code_text(fcinfo, code_arg)); }

/*
 * btree support 1 for (text, text) in the code families: the order of two
 * texts as codes.  Only array keys use it (`code_col = ANY ($1::text[])`
 * sorts and de-duplicates the array with it); there are no (text, text)
 * operators in the families, text keeps its own.
 */
PG_FUNCTION_INFO_V1(text_as_code_cmp);
Datum
text_as_code_cmp(PG_FUNCTION_ARGS)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	size_t		astart,
				alen,
				bstart,
				blen;
	int			cmp;

	lc_trim(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a), &astart, &alen);
	lc_trim(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &bstart, &blen);
	cmp = lc_natural_cmp(VARDATA_ANY(a) + astart, alen,
						 VARDATA_ANY(b) + bstart, blen);
	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_INT32(cmp);
}

LT_CROSS_OPS(lotcode_text, 0)
LT_CROSS_OPS(text_lotcode, 1)

/* The comparator sorts use, without the fmgr call. */
static int
lt_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	text	   *a = DatumGetTextPP(x);
	text	   *b = DatumGetTextPP(y);
	int			r = lt_cmp_text(a, b);

	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return r;
}

/* btree support 2: sort support */
PG_FUNCTION_INFO_V1(lotcode_sortsupport);
Datum
lotcode_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = lt_fastcmp;
	PG_RETURN_VOID();
}

/* hash support 1: a hash of the bytes (equality is byte equality) */
PG_FUNCTION_INFO_V1(lotcode_hash);
Datum
lotcode_hash(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	Datum		h;

	h = hash_any((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	PG_FREE_IF_COPY(t, 0);
	return h;
}

/* hash support 2: seeded 64-bit hash of the bytes */
PG_FUNCTION_INFO_V1(lotcode_hash_extended);
Datum
lotcode_hash_extended(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	Datum		h;

	h = hash_any_extended((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
						  PG_GETARG_INT64(1));
	PG_FREE_IF_COPY(t, 0);
	return h;
}
