/*
 * gs1_dl.c — GS1 Digital Link URIs: the parser (path and query to element
 * strings, with the checks of gs1_core.c) and the writer (element strings
 * to a canonical URI).  Plain C: no PostgreSQL includes, no allocation;
 * see gs1_core.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cset.h"
#include "gs1_math.h"
#include "gs1_core.h"
#include "gs1_int.h"

/* ------------------------------------------------------------------------
 * Digital Link
 * ------------------------------------------------------------------------ */

static bool
uri_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		(c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/*
 * URI characters a host name may not hold here (reg-name sub-delims, '_',
 * '~', userinfo '@' and escapes): rejected in a Digital Link's host by the
 * parser and in a stem's host by gs1_dl_build, so that every link the
 * writer produces parses.  c must be a uri_char (never NUL).
 */
static bool
host_char(unsigned char c)
{
	return strchr("_~@!$&'()*+,;=%", c) == NULL;
}

/* Does token [t, te) name AI ai? */
static bool
tok_is(const char *t, const char *te, const char *ai)
{
	size_t		n = (size_t) (te - t);

	return strlen(ai) == n && memcmp(t, ai, n) == 0;
}

/*
 * Do the qualifiers q[0..nq) follow one of the key's qualifier sequences
 * ("22,10,21|235"), each at most once and in that order?
 */
static bool
qualifiers_fit(const char *dlpkey, const char *const *q, int nq)
{
	const char *alt = dlpkey;

	if (dlpkey == NULL)
		return false;
	if (nq == 0)
		return true;
	while (*alt)
	{
		const char *t = alt;
		int			k = 0;

		while (*t && *t != '|')
		{
			const char *te = t;

			while (*te && *te != ',' && *te != '|')
				te++;
			if (k < nq && tok_is(t, te, q[k]))
				k++;
			t = (*te == ',') ? te + 1 : te;
		}
		if (k == nq)
			return true;
		alt = (*t == '|') ? t + 1 : t;
	}
	return false;
}

/* Would AI x fit into the path qualifiers q[0..nq) somewhere? */
static bool
belongs_in_path(const char *dlpkey, const char *const *q, int nq, const char *x)
{
	const char *trial[GS1_MAX_ELEMENTS + 1];
	int			j,
				k;

	if (nq >= GS1_MAX_ELEMENTS)
		return false;
	for (j = 0; j <= nq; j++)
	{
		int			t = 0;

		for (k = 0; k < j; k++)
			trial[t++] = q[k];
		trial[t++] = x;
		for (k = j; k < nq; k++)
			trial[t++] = q[k];
		if (qualifiers_fit(dlpkey, trial, t))
			return true;
	}
	return false;
}

/* Percent-decode s[b..e) into v; a malformed escape is an error. */
static bool
pct_decode(const char *s, size_t b, size_t e, const char *ai, vbuf *v, gs1_error *err)
{
	size_t		i;

	v->len = 0;
	for (i = b; i < e; i++)
	{
		if (s[i] == '%')
		{
			int			h1 = (i + 1 < e) ? gs1i_hexval((unsigned char) s[i + 1]) : -1;
			int			h2 = (i + 2 < e) ? gs1i_hexval((unsigned char) s[i + 2]) : -1;

			if (h1 < 0 || h2 < 0)
				return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, ai, i + 1,
							"\"%%\" must be followed by two hexadecimal digits");
			vbuf_put(v, (char) (h1 * 16 + h2), i + 1);
			i += 2;
		}
		else
			vbuf_put(v, s[i], i + 1);
	}
	return true;
}

/* A GTIN-8/12/13 where Digital Link requires the 14-digit form. */
static bool
short_gtin(const gs1_ai_def *def, const vbuf *v, size_t pos, gs1_error *err)
{
	if (strcmp(def->ai, "01") != 0 || !(v->len == 8 || v->len == 12 || v->len == 13) ||
		!gs1i_all_digits(v->c, v->len))
		return true;
	gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, pos,
		 "a digital link needs the 14-digit GTIN, not a GTIN-%zu", v->len);
	gs1i_set_hint(err, "pad the GTIN with leading zeros to 14 digits");
	return false;
}

bool
gs1i_parse_dl(const char *s, size_t b, size_t e, int cy, gs1_parsed *out, gs1_error *err)
{
	const gs1_ai_def *defs[GS1_MAX_ELEMENTS] = {0};
	const char *qual[GS1_MAX_ELEMENTS] = {0};
	size_t		p,
				i,
				host_b,
				path_b,
				path_e,
				q_b = 0,
				q_e = 0,
				end,
				key_slash = 0;
	size_t		slen;
	int			npairs = 0,
				nq,
				k;
	bool		found = false;
	bool		lower,
				upper;
	char		cd[32];

	for (i = b; i < e; i++)
		if (!uri_char((unsigned char) s[i]))
			return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, i + 1,
						"%s is not allowed in a URI", gs1i_chardesc((unsigned char) s[i], cd, sizeof(cd)));

	/* scheme: http or https, all lower or all upper case */
	slen = (s[b + 4] == ':') ? 4 : 5;
	lower = upper = true;
	for (i = b; i < b + slen; i++)
	{
		if (s[i] >= 'a' && s[i] <= 'z')
			upper = false;
		else
			lower = false;
	}
	if (!lower && !upper)
	{
		char		buf[8];

		return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, b + 1,
					"URI scheme \"%s\" must be all lower case or all upper case",
					gs1i_printable(s + b, slen, buf, sizeof(buf)));
	}

	host_b = b + slen + 3;
	for (p = host_b; p < e && s[p] != '/' && s[p] != '?' && s[p] != '#'; p++)
		if (!host_char((unsigned char) s[p]))
			return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, p + 1,
						"%s is not allowed in the host name",
						gs1i_chardesc((unsigned char) s[p], cd, sizeof(cd)));
	if (p == host_b)
		return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, host_b, "the URI has no host name");
	if (p >= e || s[p] != '/')
		return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, p < e ? p + 1 : host_b + 1,
					"the URI has no path: a digital link needs a primary key in the path");
	path_b = p;
	for (path_e = path_b; path_e < e && s[path_e] != '?' && s[path_e] != '#'; path_e++)
		;
	if (path_e < e && s[path_e] == '?')
	{
		q_b = path_e + 1;
		for (q_e = q_b; q_e < e && s[q_e] != '#'; q_e++)
			;
	}
	if (s[path_e - 1] == '/')
		return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, path_e,
					"the URI path ends with a slash");

	/* find the primary key: (AI, value) pairs from the end of the path */
	end = path_e;
	for (;;)
	{
		const gs1_ai_def *def;
		size_t		vs,
					as;

		for (vs = end; vs > path_b && s[vs - 1] != '/'; vs--)
			;
		vs--;					/* the slash before the value */
		if (vs <= path_b)
			break;
		for (as = vs; as > path_b && s[as - 1] != '/'; as--)
			;
		as--;					/* the slash before the AI */
		def = gs1_lookup_ai(s + as + 1, vs - as - 1);
		if (def == NULL)
			break;
		if (++npairs > GS1_MAX_ELEMENTS)
			return gs1i_fail(err, GS1_ERR_LIMIT, NULL, as + 1,
						"more than %d element strings", GS1_MAX_ELEMENTS);
		if (def->dlpkey != NULL)
		{
			found = true;
			key_slash = as;
			break;
		}
		end = as;
	}
	if (!found)
	{
		gs1i_fail(err, GS1_ERR_DIGITAL_LINK, NULL, path_b + 1,
			 "no GS1 primary key (such as /01/ GTIN or /00/ SSCC) in the URI path");
		return false;
	}

	/* the key and its qualifiers, in path order */
	p = key_slash;
	nq = 0;
	for (k = 0; k < npairs; k++)
	{
		size_t		as = p + 1,
					ae,
					ve;

		for (ae = as; s[ae] != '/'; ae++)
			;
		for (ve = ae + 1; ve < path_e && s[ve] != '/'; ve++)
			;
		defs[k] = gs1_lookup_ai(s + as, ae - as);
		if (k > 0)
			qual[nq++] = defs[k]->ai;
		p = ve;
	}
	if (!qualifiers_fit(defs[0]->dlpkey, qual, nq))
	{
		gs1i_fail(err, GS1_ERR_DIGITAL_LINK, defs[0]->ai, key_slash + 2,
			 "the path qualifiers are not allowed for primary key (%s) or not in the allowed order",
			 defs[0]->ai);
		if (defs[0]->dlpkey[0])
		{
			char		h[GS1_MSG_MAX];
			size_t		o;
			const char *t;

			o = (size_t) snprintf(h, sizeof(h), "after (%s) the path may hold, in this order: (",
								  defs[0]->ai);
			for (t = defs[0]->dlpkey; *t && o + 12 < sizeof(h); t++)
			{
				if (*t == ',')
					o += (size_t) snprintf(h + o, sizeof(h) - o, ") (");
				else if (*t == '|')
					o += (size_t) snprintf(h + o, sizeof(h) - o, "); or: (");
				else
					h[o++] = *t;
			}
			snprintf(h + o, sizeof(h) - o, ")");
			gs1i_set_hint(err, h);
		}
		else
			gs1i_set_hint(err, "this primary key takes no qualifiers in the path");
		return false;
	}
	p = key_slash;
	for (k = 0; k < npairs; k++)
	{
		size_t		as = p + 1,
					ae,
					ve;
		vbuf		v;

		for (ae = as; s[ae] != '/'; ae++)
			;
		for (ve = ae + 1; ve < path_e && s[ve] != '/'; ve++)
			;
		if (!pct_decode(s, ae + 1, ve, defs[k]->ai, &v, err) ||
			!short_gtin(defs[k], &v, ae + 2, err) ||
			!gs1i_add_element(out, defs[k], as + 1, &v, GS1_PART_PATH, cy, err))
			return false;
		p = ve;
	}

	/* query: AI=value data attributes; other parameters are ignored */
	p = q_b;
	while (p < q_e)
	{
		const gs1_ai_def *def;
		size_t		pe,
					eq;
		vbuf		v;

		for (pe = p; pe < q_e && s[pe] != '&'; pe++)
			;
		for (eq = p; eq < pe && s[eq] != '='; eq++)
			;
		if (eq == p || !gs1i_all_digits(s + p, eq - p))
		{
			p = pe + 1;
			continue;
		}
		def = gs1_lookup_ai(s + p, eq - p);
		if (def == NULL)
		{
			char		ai[16];

			return gs1i_fail(err, GS1_ERR_UNKNOWN_AI, NULL, p + 1,
						"unknown AI \"%s\" in the query",
						gs1i_printable(s + p, eq - p, ai, sizeof(ai)));
		}
		if (eq + 1 >= pe)
			return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, p + 1, "no value in the query");
		for (i = eq + 1; i < pe; i++)
			if (s[i] == '+')
			{
				gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, i + 1,
					 "\"+\" in a query value (it would mean a space)");
				gs1i_set_hint(err, "write a plus sign as %2B; GS1 data cannot contain spaces");
				return false;
			}
		if (belongs_in_path(defs[0]->dlpkey, qual, nq, def->ai))
		{
			gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, p + 1,
				 "qualifies primary key (%s) and belongs in the path, not in the query",
				 defs[0]->ai);
			gs1i_set_hint(err, "write it as a path segment after the key, e.g. /01/<gtin>/10/<lot>");
			return false;
		}
		if (!(def->flags & GS1_AI_DLATTR))
			return gs1i_fail(err, GS1_ERR_DIGITAL_LINK, def->ai, p + 1,
						"not allowed as a digital link data attribute");
		if (!pct_decode(s, eq + 1, pe, def->ai, &v, err) ||
			!short_gtin(def, &v, eq + 2, err) ||
			!gs1i_add_element(out, def, p + 1, &v, GS1_PART_QUERY, cy, err))
			return false;
		p = pe + 1;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Digital Link writer
 * ------------------------------------------------------------------------ */

static bool
put(char *out, size_t outsize, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > outsize)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return true;
}

size_t
gs1_pct_encode(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		o = 0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~')
			out[o++] = (char) c;
		else
		{
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}

static bool
put_encoded(char *out, size_t outsize, size_t *o, const char *s, size_t n)
{
	char		tmp[3 * GS1_MAX_VALUE + 1];

	if (n > GS1_MAX_VALUE)
		return false;
	return put(out, outsize, o, tmp, gs1_pct_encode(s, n, tmp));
}

/* Index in p of AI [t, te), or -1. */
static int
find_tok(const gs1_parsed *p, const char *t, const char *te)
{
	int			i;

	for (i = 0; i < p->count; i++)
		if (tok_is(t, te, p->el[i].ai))
			return i;
	return -1;
}

bool
gs1_dl_build(const gs1_parsed *p, const char *stem, size_t stemlen,
			 char *out, size_t outsize, size_t *outlen, gs1_error *err)
{
	bool		used[GS1_MAX_ELEMENTS];
	int			order[GS1_MAX_ELEMENTS];
	int			key = -1,
				i,
				j,
				nord = 0,
				best_unexp = GS1_MAX_ELEMENTS + 1,
				best_match = -1;
	const char *best_alt = NULL;
	const char *alt;
	size_t		o = 0,
				h;
	bool		lower = true,
				upper = true;
	char		cd[32];

	err->kind = GS1_OK;
	err->ai[0] = '\0';
	err->pos = 0;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
	if (outsize > 0)
		out[0] = '\0';
	*outlen = 0;

	/* the stem: http(s)://host[/path], without query, fragment or trailing slash */
	while (stemlen > 0 && stem[stemlen - 1] == '/')
		stemlen--;
	if (gs1i_prefix_ci(stem, stemlen, "https://"))
		h = 8;
	else if (gs1i_prefix_ci(stem, stemlen, "http://"))
		h = 7;
	else
		return gs1i_fail(err, GS1_ERR_STEM, NULL, 0, "the stem must start with http:// or https://");
	for (i = 0; i < (int) h - 3; i++)
	{
		if (stem[i] >= 'a' && stem[i] <= 'z')
			upper = false;
		else
			lower = false;
	}
	if (!lower && !upper)
		return gs1i_fail(err, GS1_ERR_STEM, NULL, 1,
					"the stem's scheme must be all lower case or all upper case");
	if (stemlen == h || stem[h] == '/')
		return gs1i_fail(err, GS1_ERR_STEM, NULL, h + 1, "the stem has no host name");
	for (i = 0; i < (int) stemlen; i++)
		if (!uri_char((unsigned char) stem[i]) || stem[i] == '?' || stem[i] == '#')
			return gs1i_fail(err, GS1_ERR_STEM, NULL, (size_t) i + 1, "%s is not allowed in the stem",
						gs1i_chardesc((unsigned char) stem[i], cd, sizeof(cd)));
	for (i = (int) h; i < (int) stemlen && stem[i] != '/'; i++)
		if (!host_char((unsigned char) stem[i]))
			return gs1i_fail(err, GS1_ERR_STEM, NULL, (size_t) i + 1,
						"%s is not allowed in the stem's host name",
						gs1i_chardesc((unsigned char) stem[i], cd, sizeof(cd)));

	/* the primary key: the first element that can be one */
	for (i = 0; i < p->count; i++)
		if (p->el[i].def->dlpkey != NULL)
		{
			key = i;
			break;
		}
	if (key < 0)
	{
		gs1i_fail(err, GS1_ERR_NO_KEY, NULL, 0, "the barcode has no digital link primary key");
		gs1i_set_hint(err, "a digital link needs one of the key AIs, such as (01) GTIN or (00) SSCC");
		return false;
	}

	/*
	 * The qualifier sequence: the one that leaves fewest AIs that can not be
	 * query parameters, then the one that uses most qualifiers.
	 */
	alt = p->el[key].def->dlpkey;
	while (*alt)
	{
		const char *t = alt;
		int			match = 0,
					unexp = 0;

		memset(used, 0, sizeof(used));
		while (*t && *t != '|')
		{
			const char *te = t;

			while (*te && *te != ',' && *te != '|')
				te++;
			j = find_tok(p, t, te);
			if (j >= 0 && j != key)
			{
				used[j] = true;
				match++;
			}
			t = (*te == ',') ? te + 1 : te;
		}
		for (i = 0; i < p->count; i++)
			if (i != key && !used[i] && !(p->el[i].def->flags & GS1_AI_DLATTR))
				unexp++;
		if (unexp < best_unexp || (unexp == best_unexp && match > best_match))
		{
			best_unexp = unexp;
			best_match = match;
			best_alt = alt;
		}
		alt = (*t == '|') ? t + 1 : t;
	}

	memset(used, 0, sizeof(used));
	used[key] = true;
	if (!put(out, outsize, &o, stem, stemlen) ||
		!put(out, outsize, &o, "/", 1) ||
		!put(out, outsize, &o, p->el[key].ai, strlen(p->el[key].ai)) ||
		!put(out, outsize, &o, "/", 1) ||
		!put_encoded(out, outsize, &o, p->el[key].value, p->el[key].vlen))
		goto overflow;
	if (best_alt != NULL)
	{
		const char *t = best_alt;

		while (*t && *t != '|')
		{
			const char *te = t;

			while (*te && *te != ',' && *te != '|')
				te++;
			j = find_tok(p, t, te);
			if (j >= 0 && !used[j])
			{
				used[j] = true;
				if (!put(out, outsize, &o, "/", 1) ||
					!put(out, outsize, &o, p->el[j].ai, strlen(p->el[j].ai)) ||
					!put(out, outsize, &o, "/", 1) ||
					!put_encoded(out, outsize, &o, p->el[j].value, p->el[j].vlen))
					goto overflow;
			}
			t = (*te == ',') ? te + 1 : te;
		}
	}

	/* everything else as query parameters, ordered by AI */
	for (i = 0; i < p->count; i++)
	{
		if (used[i])
			continue;
		if (!(p->el[i].def->flags & GS1_AI_DLATTR))
		{
			gs1i_fail(err, GS1_ERR_NOT_EXPRESSIBLE, p->el[i].ai, 0,
				 "can not be a digital link data attribute and does not qualify primary key (%s)",
				 p->el[key].ai);
			if (outsize > 0)
				out[0] = '\0';
			return false;
		}
		for (j = nord; j > 0 && strcmp(p->el[order[j - 1]].ai, p->el[i].ai) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
		nord++;
	}
	for (j = 0; j < nord; j++)
	{
		const gs1_element *el = &p->el[order[j]];

		if (!put(out, outsize, &o, j == 0 ? "?" : "&", 1) ||
			!put(out, outsize, &o, el->ai, strlen(el->ai)) ||
			!put(out, outsize, &o, "=", 1) ||
			!put_encoded(out, outsize, &o, el->value, el->vlen))
			goto overflow;
	}
	*outlen = o;
	return true;

overflow:
	if (outsize > 0)
		out[0] = '\0';
	return gs1i_fail(err, GS1_ERR_LIMIT, NULL, 0, "the digital link does not fit the output buffer");
}

