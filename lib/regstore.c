/*
 * regstore.c - the write protocol of prreg(5): under the lock, the new
 * content to a temporary file beside FILE, malformed lines appended to
 * FILE.corrupt, the temporary file renamed over FILE.
 *
 * Moving a line to FILE.corrupt and dropping it from FILE are two steps;
 * a writer killed (or failing) between them must neither lose the line
 * nor leave a second copy for the next writer to append.  So the writer
 * first notes in FILE.lock (whose content is otherwise unused) how long
 * FILE.corrupt was and which FILE it is moving lines out of; once FILE is
 * replaced the note is cleared.  The next writer that finds a note and the
 * same FILE still in place cuts FILE.corrupt back to its old length.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "atomic.h"
#include "msg.h"
#include "registry.h"

#define STALE_SECS 60		/* a temp file this old lost its writer */

static int
corrupt_open(struct reg *r, char shown[PATH_LEN + 16], int flags)
{
	char name[PATH_LEN];

	snprintf(name, PATH_LEN, "%s.corrupt", r->base);
	snprintf(shown, PATH_LEN + 16, "%s.corrupt", r->path);
	return safe_openat(r->dirfd, name, shown, flags);
}

/* The note in FILE.lock: "quarantine SIZE DEV INO". */
static int
note(struct reg *r, unsigned long long size)
{
	char buf[96];
	int n = snprintf(buf, sizeof buf, "quarantine %llu %llu %llu\n", size,
	    (unsigned long long)r->dev, (unsigned long long)r->ino);

	if (ftruncate(r->lockfd, 0) == -1 || pwrite(r->lockfd, buf, (size_t)n,
	    0) != n)
		return fail_sys(PR_SYS, "%s.lock: cannot write", r->path);
	return 0;
}

static void
unnote(struct reg *r)
{
	if (ftruncate(r->lockfd, 0) == -1)
		warn_("%s.lock: cannot clear", r->path);
}

/*
 * Under the lock: a note left by a writer that stopped between its
 * append to FILE.corrupt and its rename.  When FILE is still the one it
 * was moving lines out of, the lines it appended are cut off again (FILE
 * still holds them, and they will be moved once).
 */
int
quarantine_recover(struct reg *r)
{
	char buf[96], shown[PATH_LEN + 16];
	unsigned long long size, dev, ino;
	struct stat st;
	ssize_t n;
	int fd;

	if (fstat(r->lockfd, &st) == -1 || st.st_size == 0)
		return 0;
	n = pread(r->lockfd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "quarantine %llu %llu %llu", &size, &dev, &ino) == 3 &&
	    fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino) {
		if ((fd = corrupt_open(r, shown, O_WRONLY)) == -1)
			return errno == ENOENT ? 0 : -1;
		if (fstat(fd, &st) == 0 && (unsigned long long)st.st_size > size &&
		    ftruncate(fd, (off_t)size) == -1) {
			fail_sys(PR_SYS, "%s: cannot undo an unfinished "
			    "quarantine", shown);
			close(fd);
			return -1;
		}
		close(fd);
	}
	unnote(r);
	return 0;
}

/*
 * Malformed lines go, verbatim, to FILE.corrupt, with the note above.
 * Returns the descriptor (for an undo), or -1.
 */
static int
quarantine(struct reg *r, off_t *was)
{
	char shown[PATH_LEN + 16];
	struct stat st;
	size_t i;
	int fd;

	if ((fd = corrupt_open(r, shown, O_WRONLY | O_APPEND | O_CREAT)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || note(r, (unsigned long long)st.st_size)) {
		fail_sys(PR_SYS, "%s: cannot write", shown);
		close(fd);
		return -1;
	}
	*was = st.st_size;
	for (i = 0; i < r->nbad; i++)
		if (write_all(fd, r->bad[i].text, r->bad[i].len) == -1 ||
		    write_all(fd, "\n", 1) == -1) {
			fail_sys(PR_SYS, "%s: cannot write", shown);
			if (ftruncate(fd, *was) == 0)
				unnote(r);
			close(fd);
			return -1;
		}
	return fd;
}

/* Temp files of writers killed before their rename (we hold the lock). */
static void
clean_stale(struct reg *r)
{
	size_t blen = strlen(r->base), tlen = blen + sizeof TMP_SUFFIX - 1;
	struct dirent *de;
	struct stat st;
	int fd;
	DIR *d;

	if ((fd = dup(r->dirfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, r->base, blen) != 0 ||
		    strncmp(de->d_name + blen, TMP_SUFFIX, tlen - blen - 6) != 0 ||
		    strlen(de->d_name) != tlen)
			continue;
		if (fstatat(r->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    time(NULL) - st.st_mtime > STALE_SECS &&
		    unlinkat(r->dirfd, de->d_name, 0) == 0)
			warnx_("%s/%s: removed stale temporary file", r->dir,
			    de->d_name);
	}
	closedir(d);
}

/* A buffered writer: few write(2) calls, and no copy of the whole file. */
struct out {
	int fd;
	int err;
	size_t n;
	char buf[65536];
};

static void
out_flush(struct out *o)
{
	if (!o->err && write_all(o->fd, o->buf, o->n) == -1)
		o->err = errno;
	o->n = 0;
}

static void
out_put(struct out *o, const char *s, size_t len)
{
	if (len > sizeof o->buf - o->n)
		out_flush(o);
	if (len >= sizeof o->buf / 2) {
		if (!o->err && write_all(o->fd, s, len) == -1)
			o->err = errno;		/* a long run: as is */
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
		end = rec_sew(rec, 1) + 1;
	}
	if (run != NULL)
		out_put(o, run, (size_t)(end - run));
	for (i = 0; i < r->n; i++)
		if (!r->rec[i].gone)
			rec_sew(&r->rec[i], 0);
}

/* The file's new content, header first, to FD (named PATH in messages). */
int
reg_write(struct reg *r, int fd, const char *path)
{
	static struct out o;

	o.fd = fd;
	o.err = 0;
	o.n = (size_t)snprintf(o.buf, sizeof o.buf, "#prreg 1 boot=%s\n",
	    r->otherboot ? r->boot : boot_id());
	write_records(r, &o);
	out_flush(&o);
	if (o.err != 0) {
		errno = o.err;
		return fail_sys(PR_SYS, "%s: cannot write", path);
	}
	return 0;
}

/*
 * End a read-modify-write: write what changed (nothing when nothing did),
 * and release the lock, whatever happens.  On failure FILE is as it was,
 * no temporary file is left, and FILE.corrupt has not grown.
 */
int
reg_store(struct reg *r)
{
	struct atomic a;
	off_t was = 0;
	int cfd = -1;
	size_t i;

	if (!r->dirty && r->nbad == 0) {
		reg_unlock(r);
		return 0;
	}
	clean_stale(r);
	/*
	 * No fsync: the registry is about this boot only; after a crash of
	 * the machine every record is dead anyway.
	 */
	if (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1)
		goto fail;
	if (reg_write(r, a.fd, r->path) == -1 || reg_still_held(r) == -1)
		goto abort;
	if (r->nbad > 0 && (cfd = quarantine(r, &was)) == -1)
		goto abort;
	if (atomic_commit(&a, r->base) == -1) {
		if (cfd != -1 && ftruncate(cfd, was) == 0)
			unnote(r);
		goto fail;
	}
	if (cfd != -1) {
		unnote(r);
		if (close(cfd) == -1)
			warn_("%s.corrupt: cannot close", r->path);
		for (i = 0; i < r->nbad; i++)
			warnx_("%s:%lu: %s, moved to %s.corrupt", r->path,
			    r->bad[i].line, r->bad[i].why, r->path);
	}
	r->dirty = 0;
	r->nbad = 0;
	reg_unlock(r);
	return 0;
abort:
	atomic_abort(&a);
fail:
	if (cfd != -1)
		close(cfd);
	reg_unlock(r);
	return -1;
}

/*
 * Everything a store can refuse, tried before anything is done that a
 * refusal would leave half-done (prreap signals, then stores): the lock
 * file, FILE, FILE.corrupt when lines are to be moved, and a temporary
 * file beside FILE.
 */
int
reg_writable(struct reg *r)
{
	char shown[PATH_LEN + 16];
	struct atomic a;
	int fd;

	if (reg_hold(r) == -1)
		return -1;
	if (r->nbad > 0) {
		if ((fd = corrupt_open(r, shown, O_WRONLY | O_APPEND |
		    O_CREAT)) == -1) {
			reg_unlock(r);
			return -1;
		}
		close(fd);
	}
	if (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1) {
		reg_unlock(r);
		return -1;
	}
	atomic_abort(&a);
	reg_unlock(r);
	return 0;
}
