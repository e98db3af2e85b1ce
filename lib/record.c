/* record.c - parse, check and format one registry line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "record.h"

static const char *const field_names[NFIELDS] = {
	"pid", "pgid", "type", "session", "started", "token", "id"
};

#define ATTR_NAME(name, key) key,
static const char *const attr_names[NATTRKEYS] = { ATTR_KEYS(ATTR_NAME) };
#undef ATTR_NAME

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

const char *
field_name(int i)
{
	return field_names[i];
}

/* The end of the run of CLASS bytes at P, when 1 to MAX long; else NULL. */
static const char *
run_at(const char *p, const char *end, int class, size_t max)
{
	size_t n = span_class(p, (size_t)(end - p), class);

	return n > 0 && n <= max ? p + n : NULL;
}

/* KEY: 1 to 16 of a-z. */
int
attr_key_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > ATTR_KEY_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* VALUE: 1 to 255 printable non-blank bytes (a WORD, or a PID:TOKEN). */
static int
attr_value_ok(const char *s, size_t len)
{
	return len > 0 && len <= WORD_MAX &&
	    span_class(s, len, CL_TOKEN) == len;
}

/*
 * Attributes, P to END: KEY=VALUE fields, one TAB between, no key twice,
 * at most ATTR_MAX.  Returns 1 when they are all of their form.
 */
static int
attrs_ok(const char *p, const char *end)
{
	const char *key[ATTR_MAX];
	size_t klen[ATTR_MAX], n = 0, i, k;

	for (;;) {
		for (k = 0; p + k < end && p[k] >= 'a' && p[k] <= 'z'; k++)
			;
		if (n == ATTR_MAX || !attr_key_ok(p, k) || p + k == end ||
		    p[k] != '=')
			return 0;
		for (i = 0; i < n; i++)
			if (klen[i] == k && memcmp(key[i], p, k) == 0)
				return 0;
		key[n] = p, klen[n++] = k;
		p += k + 1;
		/* attr_value_ok(), the span read once. */
		if ((p = run_at(p, end, CL_TOKEN, WORD_MAX)) == NULL)
			return 0;
		if (p == end)
			return 1;
		if (*p++ != '\t')
			return 0;
	}
}

/*
 * Split LINE (LEN bytes, no LF) in place into seven checked fields, and
 * its attributes, in one pass: each field is read as its form says (a
 * pid's digits as its value, a stamp whole, a WORD or a token as the run
 * of bytes of its class), and ended by a TAB (the id by the line's end,
 * or by the TAB before the attributes).  Returns 1 on success; 0 when the
 * line is malformed, and then the line is left as it was, to be
 * quarantined verbatim.
 */
int
rec_parse(char *line, size_t len, struct rec *r)
{
	char *p = line, *end = line + len, *cut[NFIELDS];
	const char *q;
	int i;

	r->attrs = NULL;
	r->pgid = 0;
	for (i = 0; i < NFIELDS; i++) {
		switch (i) {
		case F_PID:
			q = pid_scan(p, end, &r->pid);
			break;
		case F_PGID:	/* "-": none */
			q = p < end && *p == '-' ? p + 1 :
			    pid_scan(p, end, &r->pgid);
			break;
		case F_STARTED:
			q = (size_t)(end - p) > STAMP_LEN &&
			    stamp_ok(p, STAMP_LEN) ? p + STAMP_LEN : NULL;
			break;
		case F_TOKEN:
			q = run_at(p, end, CL_TOKEN, TOKEN_MAX);
			break;
		default:	/* type, session, id: WORDs */
			q = run_at(p, end, CL_WORD, WORD_MAX);
			break;
		}
		if (q == NULL || (i < F_ID ? q == end || *q != '\t' :
		    q != end && *q != '\t'))
			return 0;
		r->f[i] = p;
		cut[i] = (char *)q;	/* in LINE, which is ours to cut */
		p = cut[i] + 1;
	}
	if (cut[F_ID] != end) {
		if (!attrs_ok(p, end))
			return 0;
		r->attrs = p;
		*end = '\0';
	}
	for (i = 0; i < NFIELDS; i++)
		*cut[i] = '\0';
	r->line = 0;
	r->gone = 0;
	return 1;
}

/*
 * Put back (SEP = 1) the separators of R's line that rec_parse() cut to
 * NULs, or cut them again (SEP = 0): a record is written from the file's
 * own bytes, and a duplicate goes whole where bad lines go.  The line must
 * have been followed by a LF (or the spare byte) where it was parsed.
 * Returns the end of its line.
 */
char *
rec_sew(struct rec *r, int sep)
{
	char *last, *end;
	int i;

	for (i = 1; i < NFIELDS; i++)
		((char *)r->f[i])[-1] = sep ? '\t' : '\0';
	last = (char *)(r->attrs != NULL ? r->attrs : r->f[F_ID]);
	if (r->attrs != NULL)
		last[-1] = sep ? '\t' : '\0';
	end = sep ? last + strlen(last) :
	    memchr(last, '\n', ATTRS_LEN_MAX + WORD_MAX + 1);
	*end = sep ? '\n' : '\0';
	return end;
}

const char *
attr_name(enum attr_key k)
{
	return attr_names[k];
}

/*
 * The next attribute of a list at *P: its start, its length in *LEN;
 * *P moves past it.  NULL at the list's end.
 */
static const char *
attr_next(const char **p, size_t *len)
{
	const char *a = *p;

	if (a == NULL || *a == '\0')
		return NULL;
	*len = span_to(a, '\t');
	*p = a[*len] == '\t' ? a + *len + 1 : a + *len;
	return a;
}

/* Is attribute A (LEN bytes) of key KEY (KLEN bytes)? */
static int
attr_is(const char *a, size_t len, const char *key, size_t klen)
{
	return len > klen && a[klen] == '=' && memcmp(a, key, klen) == 0;
}

/* The value of attribute KEY of R (LEN bytes, not NUL-ended), or NULL. */
const char *
rec_attr(const struct rec *r, const char *key, size_t *len)
{
	size_t klen = strlen(key), n;
	const char *p = r->attrs, *a;

	while ((a = attr_next(&p, &n)) != NULL)
		if (attr_is(a, n, key, klen)) {
			*len = n - klen - 1;
			return a + klen + 1;
		}
	return NULL;
}

/* The value of R's defined attribute K, as rec_attr(). */
const char *
rec_get(const struct rec *r, enum attr_key k, size_t *len)
{
	return rec_attr(r, attr_names[k], len);
}

/*
 * R's attribute K of the form PID:TOKEN (owner=, keeper=), into *PID and
 * TOKEN.  0 when R has none, or one not of that form.
 */
int
rec_get_pidtok(const struct rec *r, enum attr_key k, pid_t *pid,
    char token[TOKEN_MAX + 1])
{
	size_t len, n;
	const char *v = rec_get(r, k, &len), *colon;

	if (v == NULL || (colon = memchr(v, ':', len)) == NULL)
		return 0;
	n = (size_t)(colon - v);
	if (!pid_parse(v, n, pid) || !token_ok(colon + 1, len - n - 1))
		return 0;
	memcpy(token, colon + 1, len - n - 1);
	token[len - n - 1] = '\0';
	return 1;
}

/* PID and TOKEN as the value of a PID:TOKEN attribute, into BUF. */
void
pidtok_fmt(char buf[PIDTOK_LEN + 1], pid_t pid, const char *token)
{
	fmt_snprintf(buf, PIDTOK_LEN + 1, "%ld:%s", (long)pid, token);
}

/* Append S (LEN bytes) to the list BUF of *N bytes, a TAB between. */
static void
attr_put(char *buf, size_t *n, const char *s, size_t len)
{
	if (*n > 0)
		buf[(*n)++] = '\t';
	memcpy(buf + *n, s, len);
	*n += len;
}

/*
 * Set R's attribute K to VALUE, in its place when R has one, else last;
 * VALUE NULL removes it.  The other attributes stay as they were, in
 * order.  R's list is then the text in B (so R is no longer of the bytes
 * it was read from: a registry takes it through reg_add()).  -1, R
 * unchanged, when VALUE is not of the form or the line has no room.
 */
int
rec_set(struct rec *r, struct attrbuf *b, enum attr_key k, const char *value)
{
	char list[ATTRS_LEN_MAX];
	const char *key = attr_names[k], *p = r->attrs, *a;
	size_t klen = strlen(key), vlen = value ? strlen(value) : 0, n = 0;
	size_t len, count = 0;
	int done = value == NULL;
	char kv[ATTR_KEY_MAX + 1 + WORD_MAX];

	if (value != NULL && !attr_value_ok(value, vlen))
		return -1;
	memcpy(kv, key, klen);
	kv[klen] = '=';
	memcpy(kv + klen + 1, value != NULL ? value : "", vlen);
	while ((a = attr_next(&p, &len)) != NULL) {
		if (attr_is(a, len, key, klen)) {
			if (done)
				continue;
			a = kv, len = klen + 1 + vlen, done = 1;
		}
		attr_put(list, &n, a, len), count++;
	}
	if (!done) {
		if (count == ATTR_MAX)
			return -1;
		attr_put(list, &n, kv, klen + 1 + vlen);
	}
	list[n] = '\0';
	memcpy(b->s, list, n + 1);
	r->attrs = n > 0 ? b->s : NULL;
	return 0;
}

/* The line, with its LF, into BUF; returns its length (or what it needs). */
size_t
rec_format(const struct rec *r, char *buf, size_t size)
{
	size_t n = 0, len;
	int i, last = r->attrs != NULL ? NFIELDS : NFIELDS - 1;

	for (i = 0; i <= last; i++) {
		const char *s = i < NFIELDS ? r->f[i] : r->attrs;

		len = strlen(s);
		if (n + len + 1 <= size) {
			memcpy(buf + n, s, len);
			buf[n + len] = i == last ? '\n' : '\t';
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

/*
 * DST, a copy of SRC with a line of its own (from malloc): it outlives
 * the registry SRC was read from.  rec_release() frees it.
 */
int
rec_copy(struct rec *dst, const struct rec *src)
{
	size_t len = rec_format(src, NULL, 0);
	char *line = malloc(len);

	if (line == NULL)
		return -1;
	rec_format(src, line, len);
	if (!rec_parse(line, len - 1, dst)) {
		free(line);
		dst->f[F_PID] = NULL;
		return -1;
	}
	dst->line = src->line;
	return 0;
}

void
rec_release(struct rec *r)
{
	free((char *)r->f[F_PID]);	/* the start of its line */
	r->f[F_PID] = NULL;
}

/*
 * R, the new record N, its numbers, time and attributes as text in B
 * (attributes in the order of ATTR_KEYS).  -1 when an attribute's value
 * is not of the form.
 */
int
rec_build(struct rec *r, struct recbuf *b, const struct recnew *n)
{
	int k;

	fmt_snprintf(b->pid, sizeof b->pid, "%ld", (long)n->pid);
	if (n->pgid > 0)
		fmt_snprintf(b->pgid, sizeof b->pgid, "%ld", (long)n->pgid);
	else
		memcpy(b->pgid, "-", sizeof "-");
	if (n->started == NULL)
		stamp_now(b->stamp);
	else
		fmt_snprintf(b->stamp, sizeof b->stamp, "%s", n->started);
	memset(r, 0, sizeof *r);
	r->pid = n->pid;
	r->pgid = n->pgid > 0 ? n->pgid : 0;
	r->f[F_PID] = b->pid;
	r->f[F_PGID] = b->pgid;
	r->f[F_TYPE] = n->type;
	r->f[F_SESSION] = n->session;
	r->f[F_STARTED] = b->stamp;
	r->f[F_TOKEN] = n->token;
	r->f[F_ID] = n->id;
	for (k = 0; k < NATTRKEYS; k++)
		if (n->attr[k] != NULL &&
		    rec_set(r, &b->attrs, (enum attr_key)k, n->attr[k]) == -1)
			return -1;
	return 0;
}
