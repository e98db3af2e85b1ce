/* record.c - parse, check and format one registry line. */
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "word.h"

static const char *const field_names[NFIELDS] = {
	"pid", "pgid", "type", "session", "started", "token", "id"
};

int
field_index(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		if (strlen(field_names[i]) == len &&
		    memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

/* The bytes each field may hold; its own check follows (field_ok()). */
static const unsigned char field_class[NFIELDS] = {
	CL_DIGIT, CL_TOKEN, CL_WORD, CL_WORD, CL_TOKEN, CL_TOKEN, CL_WORD
};

/* Field I, N bytes at S, all of field_class[I]: is it of its form? */
static int
field_ok(int i, const char *s, size_t n, struct rec *r)
{
	int none = n == 1 && s[0] == '-';

	switch (i) {
	case F_PID:
		return pid_parse(s, n, &r->pid);
	case F_PGID:
		r->pgid = 0;
		return none || pid_parse(s, n, &r->pgid);
	case F_TYPE:
	case F_SESSION:
	case F_ID:
		return n > 0 && n <= WORD_MAX;
	case F_STARTED:
		return stamp_ok(s, n);
	default:
		return n > 0 && n <= TOKEN_MAX;
	}
}

/*
 * Split LINE (LEN bytes, no LF) in place into seven checked fields, in one
 * pass: each field is the run of bytes of its class, ended by a TAB (the
 * last by the line's end).  Returns 1 on success; 0 when the line is
 * malformed, and then the line is left as it was, to be quarantined
 * verbatim.
 */
int
rec_parse(char *line, size_t len, struct rec *r)
{
	char *p = line, *end = line + len, *cut[NFIELDS];
	size_t n;
	int i;

	for (i = 0; i < NFIELDS; i++) {
		n = span_class(p, (size_t)(end - p), field_class[i]);
		cut[i] = p + n;
		if (i < NFIELDS - 1 ? cut[i] == end || *cut[i] != '\t' :
		    cut[i] != end)
			return 0;
		if (!field_ok(i, p, n, r))
			return 0;
		r->f[i] = p;
		p = cut[i] + 1;
	}
	for (i = 0; i < NFIELDS; i++)
		*cut[i] = '\0';
	r->line = 0;
	r->gone = 0;
	return 1;
}

/* The line, with its LF, into BUF; returns its length (or what it needs). */
size_t
rec_format(const struct rec *r, char *buf, size_t size)
{
	size_t n = 0, len;
	int i;

	for (i = 0; i < NFIELDS; i++) {
		len = strlen(r->f[i]);
		if (n + len + 1 <= size) {
			memcpy(buf + n, r->f[i], len);
			buf[n + len] = i == NFIELDS - 1 ? '\n' : '\t';
		}
		n += len + 1;
	}
	return n;
}

/*
 * One fwrite per line: stdio locks the stream on every call, and a call
 * per field and separator was a third of prlist's instructions.  R was
 * checked (every record is, by rec_parse()), so its line fits.
 */
void
rec_print(const struct rec *r)
{
	char buf[REC_LINE_MAX];

	fwrite(buf, 1, rec_format(r, buf, sizeof buf), stdout);
}

void
rec_print_fields(const struct rec *r, const int *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(r->f[fields[i]], stdout);
		putchar(i + 1 == n ? '\n' : '\t');
	}
}
