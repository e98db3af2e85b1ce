/* registry.c - load, lock, change and store the registry file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "msg.h"
#include "registry.h"
#include "xalloc.h"

#define STALE_SECS 60		/* a temp file this old lost its writer */

static size_t
hash_id(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot of ID: the one holding it, or the empty one where it goes. */
static uint32_t *
slot(struct reg *r, const char *id)
{
	size_t i = hash_id(id) & (r->hcap - 1);

	while (r->hash[i] != 0 && strcmp(r->rec[r->hash[i] - 1].f[F_ID], id))
		i = (i + 1) & (r->hcap - 1);
	return &r->hash[i];
}

static void
rehash(struct reg *r, size_t want)
{
	size_t i;

	r->hcap = 64;
	while (r->hcap < want * 2)
		r->hcap *= 2;
	free(r->hash);
	r->hash = xcalloc(r->hcap, sizeof *r->hash);
	for (i = 0; i < r->n; i++)
		if (!r->rec[i].gone)
			*slot(r, r->rec[i].f[F_ID]) = (uint32_t)(i + 1);
}

void
reg_open(struct reg *r, const char *ropt, int writer)
{
	memset(r, 0, sizeof *r);
	r->lockfd = r->fd = -1;
	reg_locate(r->path, ropt, writer);
	safe_dir(r->path);
}

static void
bad_line(struct reg *r, char *text, size_t len, unsigned long line,
    const char *why)
{
	/*
	 * A reader warns once per run, though it may load the file again; a
	 * writer says so when the line has been moved (quarantine()).
	 */
	if (!r->warned && r->lockfd == -1)
		warnx_("%s:%lu: %s, skipped", r->path, line, why);
	r->bad = xrealloc(r->bad, (r->nbad + 1) * sizeof *r->bad);
	r->bad[r->nbad].why = why;
	r->bad[r->nbad].text = text;
	r->bad[r->nbad].len = len;
	r->bad[r->nbad++].line = line;
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
 * Put back (SEP = 1) the separators of REC's line that rec_parse() cut to
 * NULs, or cut them again (SEP = 0): a record is written from the file's
 * own bytes, and a duplicate goes whole where bad lines go.  Returns the
 * end of its line.
 */
static char *
resew(struct rec *rec, int sep)
{
	char *end;
	int i;

	for (i = 1; i < NFIELDS; i++)
		((char *)rec->f[i])[-1] = sep ? '\t' : '\0';
	end = sep ? (char *)rec->f[F_ID] + strlen(rec->f[F_ID]) :
	    memchr(rec->f[F_ID], '\n', WORD_MAX + 1);
	*end = sep ? '\n' : '\0';
	return end;
}

static void
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
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->rec = xrealloc(r->rec, r->cap * sizeof *r->rec);
		}
		rec = &r->rec[r->n];
		if (!rec_parse(p, len, rec)) {
			bad_line(r, p, len, line, "malformed record");
			continue;
		}
		rec->line = (unsigned int)line;
		if (*(id = slot(r, rec->f[F_ID])) != 0) {
			/* Keep the first; the copy goes where bad lines go. */
			resew(rec, 1);
			bad_line(r, p, len, line, "duplicate id");
			continue;
		}
		*id = (uint32_t)++r->n;
		if (r->n * 2 > r->hcap)
			rehash(r, r->n);
	}
}

static void
clear(struct reg *r)
{
	free(r->buf);
	free(r->rec);
	free(r->bad);
	free(r->hash);
	r->buf = NULL, r->rec = NULL, r->bad = NULL, r->hash = NULL;
	r->n = r->cap = r->nbad = 0;
	r->boot[0] = '\0';
	r->otherboot = 0;
}

/*
 * Take BUF (LEN bytes and one spare, from malloc) as the registry's bytes
 * and parse it in place: reg_load() without the file, for the fuzzer.
 */
void
reg_parse_buf(struct reg *r, char *buf, size_t len)
{
	size_t lines = 1;
	char *p;

	/* Room for every line at once: no regrowing, no rehashing. */
	for (p = buf; (p = memchr(p, '\n', buf + len - p)) != NULL; p++)
		lines++;
	if (lines > UINT32_MAX / 4)	/* the hash holds 32-bit indexes */
		die(PR_SYS, "%s: more than %lu lines", r->path,
		    (unsigned long)(UINT32_MAX / 4));
	clear(r);
	r->cap = lines;
	r->rec = xrealloc(NULL, r->cap * sizeof *r->rec);
	rehash(r, lines);
	r->buf = buf;
	buf[len] = '\0';
	parse(r, buf, buf + len);
}

void
reg_load(struct reg *r)
{
	size_t len = 0, size;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	clear(r);
	rehash(r, 0);
	fd = r->fd != -1 ? r->fd : safe_open(r->path, O_RDONLY);
	r->fd = -1;
	if (fd == -1)
		return;		/* no file: no records */
	if (fstat(fd, &st) == -1)
		die_sys(PR_SYS, "%s: cannot stat", r->path);
	size = (size_t)st.st_size + 1;
	buf = xrealloc(NULL, size + 1);
	for (;;) {
		if (len == size) {
			size *= 2;
			buf = xrealloc(buf, size + 1);
		}
		n = read(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die_sys(PR_SYS, "%s: cannot read", r->path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	reg_parse_buf(r, buf, len);
	r->dirty = 0;
	r->warned = 1;
}

/*
 * The exclusive lock on FILE.lock, and FILE opened (and so checked), for
 * reg_load() to read: an unsafe file is refused before anything is done.
 */
void
reg_hold(struct reg *r)
{
	char lock[PATH_LEN + 8];
	struct flock fl;

	snprintf(lock, sizeof lock, "%s.lock", r->path);
	r->lockfd = safe_open(lock, O_RDWR | O_CREAT);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(r->lockfd, F_SETLKW, &fl) == -1)
		if (errno != EINTR)
			die_sys(PR_SYS, "%s: cannot lock", lock);
	r->fd = safe_open(r->path, O_RDONLY);
}

void
reg_lock(struct reg *r)
{
	reg_hold(r);
	reg_load(r);
}

/* Closing the descriptor drops the lock; the lock file is never unlinked. */
void
reg_unlock(struct reg *r)
{
	if (r->fd != -1)
		close(r->fd);
	if (r->lockfd != -1)
		close(r->lockfd);
	r->lockfd = r->fd = -1;
}

static void
write_all(int fd, const char *buf, size_t len, const char *path)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die_sys(PR_SYS, "%s: cannot write", path);
		buf += n, len -= (size_t)n;
	}
}

/* Malformed lines go, verbatim, to FILE.corrupt before FILE drops them. */
static void
quarantine(struct reg *r)
{
	char path[PATH_LEN + 16];
	size_t i;
	int fd;

	if (r->nbad == 0)
		return;
	snprintf(path, sizeof path, "%s.corrupt", r->path);
	fd = safe_open(path, O_WRONLY | O_APPEND | O_CREAT);
	for (i = 0; i < r->nbad; i++) {
		write_all(fd, r->bad[i].text, r->bad[i].len, path);
		write_all(fd, "\n", 1, path);
	}
	if (close(fd) == -1)
		die_sys(PR_SYS, "%s: cannot write", path);
	for (i = 0; i < r->nbad; i++)
		warnx_("%s:%lu: %s, moved to %s", r->path, r->bad[i].line,
		    r->bad[i].why, path);
}

/* Temp files of writers killed before their rename (we hold the lock). */
static void
clean_stale(const char *tmpl, size_t dirlen)
{
	const char *base = tmpl + dirlen + 1;
	size_t blen = strlen(base) - 6;		/* without XXXXXX */
	char path[PATH_LEN + 16];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof path, "%.*s", (int)dirlen, tmpl);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strlen(de->d_name) != blen + 6)
			continue;
		snprintf(path, sizeof path, "%.*s/%s", (int)dirlen, tmpl,
		    de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() &&
		    time(NULL) - st.st_mtime > STALE_SECS && unlink(path) == 0)
			warnx_("%s: removed stale temporary file", path);
	}
	closedir(d);
}

/* A buffered writer: few write(2) calls, and no copy of the whole file. */
struct out {
	int fd;
	const char *path;
	size_t n;
	char buf[65536];
};

static void
out_flush(struct out *o)
{
	write_all(o->fd, o->buf, o->n, o->path);
	o->n = 0;
}

static void
out_put(struct out *o, const char *s, size_t len)
{
	if (len > sizeof o->buf - o->n)
		out_flush(o);
	if (len >= sizeof o->buf / 2) {
		write_all(o->fd, s, len, o->path);	/* a long run: as is */
		return;
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

/*
 * The records not gone, in order, each from its own bytes: a run of the
 * file's lines that are kept goes out as it is.
 */
static void
write_records(struct reg *r, struct out *o)
{
	const char *run = NULL, *end = NULL;
	struct rec *rec;
	size_t i;

	for (i = 0; i < r->n; i++) {
		rec = &r->rec[i];
		if (rec->gone)
			continue;
		if (rec->f[0] != end) {
			if (run != NULL)
				out_put(o, run, (size_t)(end - run));
			run = rec->f[0];
		}
		end = resew(rec, 1) + 1;
	}
	if (run != NULL)
		out_put(o, run, (size_t)(end - run));
	for (i = 0; i < r->n; i++)
		if (!r->rec[i].gone)
			resew(&r->rec[i], 0);
}

/* The file's new content, header first, to FD (named PATH in messages). */
void
reg_write(struct reg *r, int fd, const char *path)
{
	static struct out o;

	o.fd = fd;
	o.path = path;
	o.n = (size_t)snprintf(o.buf, sizeof o.buf, "#prreg 1 boot=%s\n",
	    r->otherboot ? r->boot : boot_id());
	write_records(r, &o);
	out_flush(&o);
}

void
reg_store(struct reg *r)
{
	char tmp[PATH_LEN + 16];
	const char *slash;
	int fd;

	if (!r->dirty && r->nbad == 0) {
		reg_unlock(r);
		return;
	}
	quarantine(r);
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", r->path);
	slash = strrchr(tmp, '/');	/* reg_locate() made sure of one */
	clean_stale(tmp, (size_t)(slash - tmp));
	if ((fd = mkstemp(tmp)) == -1)
		die_sys(PR_SYS, "%s: cannot create", tmp);
	/*
	 * No fsync: the registry is about this boot only; after a crash of
	 * the machine every record is dead anyway.  A writer killed at any
	 * point leaves the old file (and a temp file) or the new one.
	 */
	reg_write(r, fd, tmp);
	if (close(fd) == -1 || rename(tmp, r->path) == -1) {
		int e = errno;

		unlink(tmp);
		errno = e;
		die_sys(PR_SYS, "%s: cannot replace", r->path);
	}
	r->dirty = 0;
	r->nbad = 0;
	reg_unlock(r);
}

void
reg_free(struct reg *r)
{
	clear(r);
	while (r->owned != NULL) {
		char *next = *(char **)r->owned;

		free(r->owned);
		r->owned = next;
	}
}

struct rec *
reg_find(struct reg *r, const char *id)
{
	size_t i = *slot(r, id);

	return i != 0 && !r->rec[i - 1].gone ? &r->rec[i - 1] : NULL;
}

void
reg_remove(struct reg *r, struct rec *rec)
{
	/* Its hash slot stays: reg_find() skips it, reg_add() reuses it. */
	rec->gone = 1;
	r->dirty = 1;
}

/*
 * Add a copy of REC, whose fields must be of prreg(5)'s forms.  It is kept
 * as its line, formatted and parsed back, so that it is checked as a line
 * of the file is, and written, as they are, from its own bytes.  Records
 * of another boot are all dead: the file is about to name this boot, so
 * they are dropped rather than brought back.
 */
struct rec *
reg_add(struct reg *r, const struct rec *rec)
{
	size_t i, len = rec_format(rec, NULL, 0);
	struct rec *nr;
	char *block;

	if (r->otherboot) {
		for (i = 0; i < r->n; i++)
			r->rec[i].gone = 1;
		r->otherboot = 0;
		rehash(r, 0);
	}
	block = xrealloc(NULL, sizeof(char *) + len);
	*(char **)block = r->owned;
	r->owned = block;
	block += sizeof(char *);
	rec_format(rec, block, len);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->rec = xrealloc(r->rec, r->cap * sizeof *r->rec);
	}
	nr = &r->rec[r->n];
	if (!rec_parse(block, len - 1, nr))
		die(PR_SYS, "internal error: a new record is not of the form "
		    "of prreg(5)");
	if (++r->n * 2 > r->hcap)
		rehash(r, r->n);
	else
		*slot(r, nr->f[F_ID]) = (uint32_t)r->n;
	r->dirty = 1;
	return nr;
}

enum live
reg_live(const struct reg *r, const struct rec *rec)
{
	return r->otherboot ? DEAD : pid_live(rec->pid, rec->f[F_TOKEN]);
}

size_t
reg_count_live(const struct reg *r, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		if (!r->rec[i].gone && strcmp(r->rec[i].f[F_TYPE], type) == 0 &&
		    reg_live(r, &r->rec[i]) == LIVE)
			n++;
	return n;
}
