/*
 * gs1_parse.c — gs1_parse(), the entry point of the GS1 parser: which form
 * a barcode is in (bracketed, raw scanner data, Digital Link URI), handed
 * to gs1_core.c or gs1_dl.c.  Plain C, like them.
 */
#include <stddef.h>

#include "cset.h"
#include "gs1_core.h"
#include "gs1_int.h"

bool
gs1_parse(const char *s, size_t n, int current_year, gs1_parsed *out, gs1_error *err)
{
	size_t		b = 0,
				e = n;

	out->count = 0;
	out->form = GS1_FORM_RAW;
	err->kind = GS1_OK;
	err->ai[0] = '\0';
	err->pos = 0;
	err->msg[0] = '\0';
	err->hint[0] = '\0';

	while (b < e && ascii_space((unsigned char) s[b]))
		b++;
	while (e > b && ascii_space((unsigned char) s[e - 1]))
		e--;
	if (b == e)
		return gs1i_fail(err, GS1_ERR_EMPTY, NULL, 0, "the barcode is empty");

	if (s[b] == '(')
	{
		out->form = GS1_FORM_BRACKETED;
		return gs1i_parse_bracketed(s, b, e, current_year, out, err);
	}
	if (gs1i_prefix_ci(s + b, e - b, "http://") || gs1i_prefix_ci(s + b, e - b, "https://"))
	{
		out->form = GS1_FORM_DIGITAL_LINK;
		return gs1i_parse_dl(s, b, e, current_year, out, err);
	}
	out->form = GS1_FORM_RAW;
	return gs1i_parse_raw(s, b, e, current_year, out, err);
}
