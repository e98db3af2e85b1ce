/* regparse.c - the registry's bytes into records, bad lines and a header. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "registry.h"
#include "xalloc.h"

static int
bad_line(struct reg *r, char *text, size_t len, unsigned long line,
    const char *why)
{
	struct badline *b;

	/*
	 * A reader warns once per run, though it may load the file again; a
	 * writer says so when the line has been moved (quarantine.c).
	 */
	if (!r->warned && r->lockfd == -1)
		warnx_("%s:%lu: %s, skipped", r->path, line, why);
	if ((b = realloc(r->bad, (r->nbad + 1) * sizeof *b)) == NULL)
		return fail_sys(PR_SYS, "%s: cannot read", r->path);
	r->bad = b;
	b[r->nbad].why = why;
	b[r->nbad].text = text;
	b[r->nbad].len = len;
	b[r->nbad++].line = line;
	return 0;
}

/*
 * A boot id of the form the system gives (a UUID on Linux): same length,
 * dashes where it has them, hex digits elsewhere.  A header naming junk
 * proves nothing about an earlier boot, so it must not make live
 * processes dead.
 */
static int
boot_shaped(const char *id, const char *now)
{
	for (; *id != '\0' && *now != '\0'; id++, now++)
		if ((*id == '-') != (*now == '-') || (*id != '-' &&
		    strchr("0123456789abcdefABCDEF", *id) == NULL))
			return 0;
	return *id == *now;
}

/* "#prreg 1 boot=ID" on the first line names the boot the records are of. */
static void
header(struct reg *r, const char *s, size_t len)
{
	static const char pfx[] = "#prreg 1 boot=";
	size_t n = sizeof pfx - 1;
	const char *now = boot_id();

	if (len <= n || memcmp(s, pfx, n) != 0 || !token_ok(s + n, len - n))
		return;
	memcpy(r->boot, s + n, len - n);
	r->boot[len - n] = '\0';
	r->otherboot = strcmp(now, "-") != 0 && boot_shaped(r->boot, now) &&
	    strcmp(r->boot, now) != 0;
}

/*
 * Whether the record line P (LEN bytes) may be of TYPE: its third field
 * is TYPE, or it has none (then it is parsed, and bad).
 */
static int
of_type(const char *p, size_t len, const char *type)
{
	const char *end = p + len, *t;
	size_t n = strlen(type);
	int tabs;

	for (tabs = 0; tabs < 2; tabs++, p++)
		if ((p = memchr(p, '\t', (size_t)(end - p))) == NULL)
			return 1;
	t = memchr(p, '\t', (size_t)(end - p));
	return t == NULL || ((size_t)(t - p) == n && memcmp(p, type, n) == 0);
}

/*
 * Every line of P..END: the header, comments, records and bad lines; with
 * R->only, only the records of that type (what the others are is not
 * looked at).
 */
static int
parse(struct reg *r, char *p, char *end)
{
	unsigned long line = 0;
	char *nl;
	size_t len;

	for (; p < end; p = nl + 1) {
		struct rec *rec;
		uint32_t *id;

		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;	/* a last line without LF still counts */
		len = nl - p;
		line++;
		if (len == 0)
			continue;
		if (p[0] == '#') {
			if (line == 1)
				header(r, p, len);
			continue;
		}
		if (r->only != NULL && !of_type(p, len, r->only))
			continue;
		rec = &r->rec[r->n];	/* room for every line: see below */
		if (!rec_parse(p, len, rec)) {
			if (bad_line(r, p, len, line, "malformed record") == -1)
				return -1;
			continue;
		}
		rec->line = (unsigned int)line;
		if (*(id = idx_slot(r, rec->f[F_ID])) != 0) {
			/* Keep the first; the copy goes where bad lines go. */
			rec_sew(rec, 1);
			if (bad_line(r, p, len, line, "duplicate id") == -1)
				return -1;
			continue;
		}
		*id = (uint32_t)++r->n;
	}
	return 0;
}

/* Forget every record: the registry as an empty file. */
void
reg_clear(struct reg *r)
{
	free(r->buf);
	free(r->rec);
	free(r->bad);
	free(r->hash);
	r->buf = NULL, r->rec = NULL, r->bad = NULL, r->hash = NULL;
	r->n = r->cap = r->nbad = r->hcap = 0;
	r->boot[0] = '\0';
	r->otherboot = 0;
}

/*
 * Take BUF (LEN bytes and one spare, from malloc) as the registry's bytes
 * and parse it in place: reg_load() without the file, for the fuzzer.
 * BUF is the registry's from then on, also when parsing fails.
 */
int
reg_parse_buf(struct reg *r, char *buf, size_t len)
{
	size_t lines = 1, cap;
	char *p;

	/*
	 * Room for every record at once: no regrowing, no rehashing.  A
	 * line parsed fills the next slot before it is known good, so there
	 * is one a line; but a line that can be a record is REC_LINE_MIN
	 * bytes, and what the file's size cannot hold is no record (a file
	 * of blank lines is not made 48 bytes a line of memory).
	 */
	for (p = buf; (p = memchr(p, '\n', buf + len - p)) != NULL; p++)
		lines++;
	cap = len / REC_LINE_MIN + 1 < lines ? len / REC_LINE_MIN + 1 : lines;
	reg_clear(r);
	r->buf = buf;
	buf[len] = '\0';
	if (cap > UINT32_MAX / 4)	/* the index holds 32-bit numbers */
		return fail(PR_SYS, "%s: more than %lu lines", r->path,
		    (unsigned long)(UINT32_MAX / 4));
	if ((r->rec = malloc(cap * sizeof *r->rec)) == NULL)
		return fail_sys(PR_SYS, "%s: cannot read", r->path);
	r->cap = cap;
	mem_populate(r->rec, cap * sizeof *r->rec);
	if (idx_build(r, cap) == -1)
		return -1;
	return parse(r, buf, buf + len);
}
