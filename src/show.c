/*
 * show.c — values quoted in error messages (see show.h).
 */
#include "postgres.h"

#include "executor/tuptable.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

#include "show.h"

/* A value cut to LT_SHOW_CHARS characters for a message; see show.h. */
char *
lt_show(const char *s, int len)
{
	StringInfoData buf;
	int			clip;

	if (s == NULL)
		return pstrdup("");
	if (len < 0)
		len = (int) strlen(s);
	clip = pg_mbcharcliplen(s, len, LT_SHOW_CHARS);
	initStringInfo(&buf);
	for (int i = 0; i < clip; i++)
	{
		unsigned char c = (unsigned char) s[i];

		/* control characters (a newline in a log line) as \xNN */
		if (c < 0x20 || c == 0x7f)
			appendStringInfo(&buf, "\\x%02X", c);
		else
			appendStringInfoChar(&buf, (char) c);
	}
	if (clip < len)
		appendStringInfoString(&buf, "...");
	return buf.data;
}

/* "value" cut for a message, or (none); see show.h. */
char *
lt_show_quoted(const char *s)
{
	if (s == NULL)
		return pstrdup("(none)");
	return psprintf("\"%s\"", lt_show(s, -1));
}

/* "(id)=(42)": a row named by its primary key; see attach.h. */
char *
lt_row_key(LtRelInfo *ri, TupleTableSlot *slot)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "(%s)=(", ri->pkcols);
	slot_getallattrs(slot);
	for (int k = 0; k < ri->npk; k++)
	{
		AttrNumber	a = ri->pk[k];

		if (k)
			appendStringInfoString(&buf, ", ");
		if (slot->tts_isnull[a - 1])
			appendStringInfoString(&buf, "null");
		else
			appendStringInfoString(&buf, lt_show(OutputFunctionCall(&ri->pkout[k],
																	 slot->tts_values[a - 1]), -1));
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}
