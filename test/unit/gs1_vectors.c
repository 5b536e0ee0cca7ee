/*
 * gs1_vectors.c — the GS1 parser core against the vectors of GS1's own
 * test suite (test/gs1/vectors.tsv; see its header for the format).
 *
 *   cc -Isrc test/unit/gs1_vectors.c src/gs1_core.c src/gs1_table.c
 *   ./a.out test/gs1/vectors.tsv test/gs1/known-disagreements.tsv [-v]
 *
 * Each vector names a kind, which selects the input form lottrace must read
 * it as; an input that gs1_parse reads as another form is not accepted:
 *   ai     bracketed element string            gs1_parse, form BRACKETED
 *   pairs  bracketed, plus the pairing rules   ... and gs1_check_pairs() == 0
 *   raw    unbracketed, '^' is FNC1            '^' becomes GS, form RAW
 *   scan   scanner output with identifier      gs1_parse, form RAW
 *   dl     GS1 Digital Link URI                gs1_parse, form DIGITAL_LINK
 * A vector where lottrace and GS1 disagree is an error unless the
 * known-disagreement file lists it (kind and input) with a reason; a listed
 * vector that agrees is an error too, so the list stays accurate.  Prints
 * every unexpected disagreement (all of them with -v) and a summary; exits
 * 0 when nothing unexpected happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs1_core.h"

#define LINE_MAX_LEN	4096
#define MAX_KNOWN		512
#define CURRENT_YEAR	2026

typedef struct known
{
	char		kind[8];
	char	   *input;			/* as written in the file (escaped) */
	int			used;
} known;

static known known_list[MAX_KNOWN];
static int	nknown;

/* Undo the file's escapes in place: \\ and \xHH.  Returns the length. */
static long
unescape(char *s)
{
	char	   *r = s,
			   *w = s;

	while (*r)
	{
		if (r[0] == '\\' && r[1] == '\\')
		{
			*w++ = '\\';
			r += 2;
		}
		else if (r[0] == '\\' && r[1] == 'x' && r[2] && r[3])
		{
			char		hex[3] = {r[2], r[3], '\0'};
			char	   *end;
			long		v = strtol(hex, &end, 16);

			if (*end != '\0')
				return -1;
			*w++ = (char) v;
			r += 4;
		}
		else if (r[0] == '\\')
			return -1;
		else
			*w++ = *r++;
	}
	*w = '\0';
	return (long) (w - s);
}

/* Split line at tabs into at most nf fields; returns the number found. */
static int
split(char *line, char **f, int nf)
{
	int			n = 0;
	char	   *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < nf)
	{
		f[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static void
load_known(const char *path)
{
	FILE	   *fp = fopen(path, "r");
	char		line[LINE_MAX_LEN];
	int			lineno = 0;

	if (fp == NULL)
	{
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), fp))
	{
		char	   *f[3];

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (split(line, f, 3) < 3 || f[2][0] == '\0' || nknown >= MAX_KNOWN ||
			strlen(f[0]) >= sizeof(known_list[0].kind))
		{
			fprintf(stderr, "%s:%d: want kind, input and reason\n", path, lineno);
			exit(2);
		}
		strcpy(known_list[nknown].kind, f[0]);
		known_list[nknown].input = strdup(f[1]);
		if (known_list[nknown].input == NULL)
			exit(2);
		nknown++;
	}
	fclose(fp);
}

static known *
find_known(const char *kind, const char *input)
{
	int			i;

	for (i = 0; i < nknown; i++)
		if (strcmp(known_list[i].kind, kind) == 0 && strcmp(known_list[i].input, input) == 0)
			return &known_list[i];
	return NULL;
}

static int	npairs_problems;

static void
count_pair_problem(void *arg, const char *ai, const char *problem)
{
	(void) arg;
	(void) ai;
	(void) problem;
	npairs_problems++;
}

static const char *const form_name[] = {"bracketed", "raw", "digital link"};

/*
 * Does lottrace accept buf[0..n) as a vector of this kind?  why gets a
 * short reason when it does not.
 */
static int
accepts(const char *kind, char *buf, size_t n, char *why, size_t whysize)
{
	static gs1_parsed p;
	gs1_error	err;
	gs1_form	want;
	size_t		i;

	if (strcmp(kind, "ai") == 0 || strcmp(kind, "pairs") == 0)
		want = GS1_FORM_BRACKETED;
	else if (strcmp(kind, "raw") == 0)
	{
		want = GS1_FORM_RAW;
		for (i = 0; i < n; i++)
			if (buf[i] == '^')
				buf[i] = GS1_GS;
	}
	else if (strcmp(kind, "scan") == 0)
		want = GS1_FORM_RAW;
	else if (strcmp(kind, "dl") == 0)
		want = GS1_FORM_DIGITAL_LINK;
	else
	{
		snprintf(why, whysize, "unknown kind");
		return -1;
	}
	if (!gs1_parse(buf, n, CURRENT_YEAR, &p, &err))
	{
		snprintf(why, whysize, "%s", err.msg);
		return 0;
	}
	if (p.form != want)
	{
		snprintf(why, whysize, "read as the %s form", form_name[p.form]);
		return 0;
	}
	if (strcmp(kind, "pairs") == 0)
	{
		npairs_problems = 0;
		if (gs1_check_pairs(&p, count_pair_problem, NULL) != 0 || npairs_problems != 0)
		{
			snprintf(why, whysize, "pairing rules: %d problem(s)", npairs_problems);
			return 0;
		}
	}
	why[0] = '\0';
	return 1;
}

int
main(int argc, char **argv)
{
	FILE	   *fp;
	char		line[LINE_MAX_LEN];
	char		buf[LINE_MAX_LEN];
	int			lineno = 0,
				total = 0,
				agree = 0,
				expected_dis = 0,
				unexpected = 0,
				stale = 0,
				verbose,
				i;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s vectors.tsv known-disagreements.tsv [-v]\n", argv[0]);
		return 2;
	}
	verbose = (argc > 3 && strcmp(argv[3], "-v") == 0);
	load_known(argv[2]);
	fp = fopen(argv[1], "r");
	if (fp == NULL)
	{
		perror(argv[1]);
		return 2;
	}
	while (fgets(line, sizeof(line), fp))
	{
		char	   *f[4];
		char		why[GS1_MSG_MAX + 64];
		int			nf,
					want,
					got;
		long		n;
		known	   *k;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		nf = split(line, f, 4);
		if (nf < 3 || (strcmp(f[1], "valid") != 0 && strcmp(f[1], "invalid") != 0))
		{
			fprintf(stderr, "%s:%d: want kind, valid|invalid, input\n", argv[1], lineno);
			return 2;
		}
		want = strcmp(f[1], "valid") == 0;
		strcpy(buf, f[2]);
		n = unescape(buf);
		if (n < 0)
		{
			fprintf(stderr, "%s:%d: bad escape in input\n", argv[1], lineno);
			return 2;
		}
		got = accepts(f[0], buf, (size_t) n, why, sizeof(why));
		if (got < 0)
		{
			fprintf(stderr, "%s:%d: unknown kind \"%s\"\n", argv[1], lineno, f[0]);
			return 2;
		}
		total++;
		k = find_known(f[0], f[2]);
		if (got == want)
		{
			agree++;
			if (k)
				k->used = -1;
			continue;
		}
		if (k)
		{
			if (k->used >= 0)
				k->used++;
			expected_dis++;
			if (!verbose)
				continue;
		}
		else
			unexpected++;
		printf("%s %s:%d %s: GS1 %s, lottrace %s%s%s  [%s]  %s\n",
			   k ? "known" : "DISAGREE", argv[1], lineno, f[0], f[1],
			   got ? "accepts" : "rejects", why[0] ? ": " : "", why, f[2],
			   nf > 3 ? f[3] : "");
	}
	fclose(fp);
	for (i = 0; i < nknown; i++)
		if (known_list[i].used <= 0)
		{
			printf("STALE known disagreement (%s): %s  [%s %s]\n",
				   known_list[i].used < 0 ? "lottrace now agrees with GS1" : "no such vector",
				   argv[2], known_list[i].kind, known_list[i].input);
			stale++;
		}
	printf("%d vectors: %d agree, %d known disagreements, %d unexpected, %d stale entries\n",
		   total, agree, expected_dis, unexpected, stale);
	return (unexpected || stale) ? 1 : 0;
}
