/*
 * gs1_int.h — what the two files of the GS1 parser share (gs1_core.c:
 * element strings, their content checks and pairing rules; gs1_dl.c:
 * Digital Link URIs, read and written).  Plain C, like them.
 */
#ifndef LOTTRACE_GS1_INT_H
#define LOTTRACE_GS1_INT_H

#if defined(__GNUC__)
#define GS1_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GS1_PRINTF(f, a)
#endif

/* Scratch copy of one value while it is collected from the input. */
typedef struct vbuf
{
	size_t		len;			/* full length, may exceed what is stored */
	char		c[GS1_MAX_VALUE + 1];
	uint32_t	src[GS1_MAX_VALUE + 1]; /* 1-based input position of c[i] */
} vbuf;

static inline void
vbuf_put(vbuf *v, char c, size_t srcpos)
{
	if (v->len < sizeof(v->c))
	{
		v->c[v->len] = c;
		v->src[v->len] = (uint32_t) srcpos;
	}
	v->len++;
}

/* Functions of one file used by the other. */
extern bool gs1i_add_element(gs1_parsed *out, const gs1_ai_def *def, size_t aipos, const vbuf *v, int part, int cy, gs1_error *err);
extern bool gs1i_all_digits(const char *s, size_t n);
extern bool gs1i_fail(gs1_error *err, gs1_errkind kind, const char *ai, size_t pos,
					  const char *fmt,...) GS1_PRINTF(5, 6);
extern bool gs1i_parse_bracketed(const char *s, size_t b, size_t e, int cy, gs1_parsed *out, gs1_error *err);
extern bool gs1i_parse_raw(const char *s, size_t b, size_t e, int cy, gs1_parsed *out, gs1_error *err);
extern bool gs1i_parse_dl(const char *s, size_t b, size_t e, int cy, gs1_parsed *out, gs1_error *err);
extern bool gs1i_prefix_ci(const char *s, size_t n, const char *lit);
extern const char * gs1i_chardesc(unsigned char c, char *buf, size_t bufsize);
extern const char * gs1i_printable(const char *s, size_t n, char *buf, size_t bufsize);
extern int gs1i_hexval(unsigned char c);
extern void gs1i_set_hint(gs1_error *err, const char *hint);

#endif
