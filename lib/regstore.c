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

/* Identity of a file: what a writer compares FILE with. */
struct fid {
	dev_t dev;
	ino_t ino;
};

static int
fid_same(const struct fid *a, const struct stat *st)
{
	return a->dev == st->st_dev && a->ino == st->st_ino;
}

/* The outcome of one try of store_once(). */
enum { STORED, CONFLICT, DISPLACED, RENAMED };

/*
 * One try: write what changed, in FILE's place, unless FILE.lock or FILE
 * was replaced since we locked and read (CONFLICT, nothing written:
 * another writer holds the lock there now, or wrote past ours).  FILE
 * should be EXPECT.  Where the system can exchange the two files, the
 * file replaced is looked at: the one expected is removed (STORED); one
 * another writer put there in the moment between our look and our write
 * is kept, its name in FOREIGN (DISPLACED): its records must not be lost.
 * Where it cannot, what was replaced is not known (RENAMED).
 * MINE is set to what was put in place, kept open in *PINFD.  -1 on
 * failure: FILE as it was, no temporary file, FILE.corrupt not grown.
 */
static int
store_once(struct reg *r, const struct fid *expect, char foreign[256],
    struct fid *mine, int *pinfd)
{
	char lock[PATH_LEN];
	struct atomic a;
	struct stat st;
	off_t was = 0;
	int cfd = -1, rc;
	size_t i;

	clean_stale(r);
	/*
	 * No fsync: the registry is about this boot only; after a crash of
	 * the machine every record is dead anyway.
	 */
	if (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1)
		return -1;
	if (reg_write(r, a.fd, r->path) == -1)
		goto abort;
	snprintf(lock, sizeof lock, "%s.lock", r->base);
	if (!same_file(r, r->lockfd, lock) || (fstatat(r->dirfd, r->base, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 ? !fid_same(expect, &st) :
	    expect->ino != 0)) {
		atomic_abort(&a);
		return CONFLICT;
	}
	if (r->nbad > 0 && (cfd = quarantine(r, &was)) == -1)
		goto abort;
	if (fstat(a.fd, &st) == -1 || (*pinfd = dup(a.fd)) == -1) {
		fail_sys(PR_SYS, "%s: cannot write", r->path);
		goto undo;
	}
	mine->dev = st.st_dev, mine->ino = st.st_ino;
	if ((rc = atomic_exchange(&a, r->base)) == -1) {
		close(*pinfd);
		*pinfd = -1;
		goto undo;
	}
	rc = rc == 2 ? RENAMED : rc == 1 && fstatat(r->dirfd, a.tmp, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && !fid_same(expect, &st) ? DISPLACED :
	    STORED;
	if (rc == DISPLACED)
		snprintf(foreign, 256, "%s", a.tmp);
	else
		unlinkat(r->dirfd, a.tmp, 0);	/* what we read: replaced */
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
	return rc;
undo:
	if (cfd != -1 && ftruncate(cfd, was) == 0)
		unnote(r);
abort:
	atomic_abort(&a);
	if (cfd != -1)
		close(cfd);
	return -1;
}

/*
 * Copies of the records changed: this writer's changes (REMOVED, ADDED),
 * and another writer's, from a file ours put aside (KEPT: what it added;
 * GONE: what it removed).
 */
enum { REMOVED, ADDED, KEPT, GONE };

struct change {
	struct rec *rec;
	int *add;		/* REMOVED, ADDED, KEPT or GONE */
	size_t n;
};

static int
change_add(struct change *c, const struct rec *p, int how, const char *path)
{
	if (rec_copy(&c->rec[c->n], p) == -1)
		return fail_sys(PR_SYS, "%s: cannot write", path);
	c->add[c->n++] = how;
	return 0;
}

/*
 * Into C, what R changed: the records added (never in the file, not
 * removed again) and those removed.  With BASE (R then another writer's
 * file, that ours put aside; BASE what we read and changed): what that
 * writer changed, the records R holds that BASE does not, and those of
 * BASE's file, not removed by us, that R lacks.
 */
static int
changes(struct reg *r, struct change *c, struct reg *base)
{
	size_t i, more = r->n + (base != NULL ? base->n : 0) + 1;
	struct rec *nr;
	int *na;

	nr = realloc(c->rec, (c->n + more) * sizeof *nr);
	if (nr != NULL)
		c->rec = nr;
	na = realloc(c->add, (c->n + more) * sizeof *na);
	if (na != NULL)
		c->add = na;
	if (nr == NULL || na == NULL)
		return fail_sys(PR_SYS, "%s: cannot write", r->path);
	for (i = 0; i < r->n; i++) {
		const struct rec *p = &r->rec[i];

		if (base != NULL ? p->gone || reg_find_same(base, p) != NULL :
		    (p->line == 0) == !!p->gone)
			continue;
		if (change_add(c, p, base != NULL ? KEPT : p->line == 0 ?
		    ADDED : REMOVED, r->path) == -1)
			return -1;
	}
	for (i = 0; base != NULL && i < base->n; i++) {
		const struct rec *q = &base->rec[i];

		if (q->line != 0 && !q->gone &&
		    reg_find_same(r, q) == NULL &&
		    change_add(c, q, GONE, r->path) == -1)
			return -1;
	}
	return 0;
}

static void
changes_free(struct change *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		rec_release(&c->rec[i]);
	free(c->rec), free(c->add);
	c->rec = NULL, c->add = NULL, c->n = 0;
}

/*
 * C again, on the file as it is now (locked): what was removed is
 * removed, what was added or kept is there, where another writer's file
 * lacks it.  What another writer changed in a file ours put aside goes
 * first (what it added, KEPT, what it removed, GONE), then this writer's
 * own changes: what it removed stays removed though that file still held
 * it, and an id of ours that another live record holds
 * now (one that writer added, and was told was written) is a failure; a
 * kept record whose id is held now is left out.  With UNDO, this
 * writer's changes are taken back instead, before the KEPT go in (its
 * change failed, but a write of its may be in FILE): what it added goes,
 * what it removed is kept.
 */
static int
reapply(struct reg *r, const struct change *c, int undo)
{
	struct rec *p;
	size_t i;
	int pass, how;

	for (pass = 0; pass < 2; pass++)
	    for (i = 0; i < c->n; i++) {
		/* First theirs, then ours; undone, ours first. */
		int theirs = c->add[i] == KEPT || c->add[i] == GONE;

		if (theirs != (pass == undo))
			continue;
		how = !undo || theirs ? c->add[i] :
		    c->add[i] == ADDED ? REMOVED : KEPT;
		p = reg_find_same(r, &c->rec[i]);
		if (how == REMOVED || how == GONE) {
			if (p != NULL)
				reg_remove(r, p);
			continue;
		}
		if (p != NULL)
			continue;
		if ((p = reg_find(r, c->rec[i].f[F_ID])) != NULL) {
			if (how == KEPT)
				continue;
			if (reg_may_live(r, p))
				return fail(PR_SYS, "%s: %s: taken meanwhile by "
				    "another writer's live record", r->path,
				    c->rec[i].f[F_ID]);
			reg_remove(r, p);
		}
		if (reg_add(r, &c->rec[i]) == NULL)
			return -1;
	    }
	return 0;
}

#define STORE_TRIES 20

/*
 * A write of ours failed after ours had put aside another writer's file
 * NAME: that file goes back in FILE's place, if FILE is still the one we
 * wrote (MINE), and ours goes.  Else (FILE changed since) it is left.
 */
static void
put_back(const struct reg *r, const char *name, const struct fid *mine)
{
	struct stat st;

	if (fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !fid_same(mine, &st) || name_swap(r->dirfd, name, r->base) == -1)
		return;
	if (fstatat(r->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fid_same(mine, &st))
		unlinkat(r->dirfd, name, 0);	/* ours: it goes */
	else
		name_swap(r->dirfd, name, r->base);	/* not ours: undone */
}

/* The identity of the file R read last (kept open: r->pin). */
static void
loaded(const struct reg *r, struct fid *f)
{
	f->dev = r->dev, f->ino = r->ino;
}

/*
 * A second registry W on R's file, for the tries after the first: R's
 * records stay as they were, for the caller to print what it removed.
 */
static void
scratch(struct reg *w, const struct reg *r)
{
	memset(w, 0, sizeof *w);
	memcpy(w->path, r->path, sizeof w->path);
	memcpy(w->dir, r->dir, sizeof w->dir);
	w->base = w->path + (r->base - r->path);
	w->dirfd = r->dirfd;		/* R's: not closed with W */
	w->lockfd = w->fd = w->pin = -1;
	w->warned = 1;
}

/*
 * End a read-modify-write: write what changed (nothing when nothing did),
 * and release the lock, whatever happens.
 *
 * A lock file removed while we held it (a /tmp cleaner, an admin's rm)
 * lets a newcomer lock a new one and write beside us.  So a writer whose
 * lock is no longer FILE.lock before its write (or after a plain rename,
 * which cannot tell what it replaced) takes the one there now, reads FILE
 * again, and makes its change on that once more; one whose exchange put
 * aside the file it read is done; and one whose exchange put aside a
 * file it had not read (another writer's, put there in the moment
 * before) keeps that file's records with its own and writes again, or,
 * when its change cannot go in, or a later write fails, puts them back.
 * Nothing acknowledged is lost, no other writer's change undone.  R's
 * records are left as the caller made them.
 */
int
reg_store(struct reg *r)
{
	struct change c = { NULL, NULL, 0 };
	char lock[PATH_LEN], foreign[256], kept[STORE_TRIES][256];
	struct fid expect = { 0, 0 }, mine = { 0, 0 };
	struct reg w, *cur = r;
	int tries, rc = -1, nkept = 0, pinfd = -1, i, refused = 0;
	const char *src;

	if (r->partial) {
		reg_unlock(r);
		return fail(PR_SYS, "internal error: %s: a part of it, read "
		    "for one type, to be written", r->path);
	}
	if (!r->dirty && r->nbad == 0) {
		reg_unlock(r);
		return 0;
	}
	snprintf(lock, sizeof lock, "%s.lock", r->base);
	loaded(r, &expect);
	for (tries = 0;; tries++) {
		if (pinfd != -1)
			close(pinfd);
		pinfd = -1;
		rc = store_once(cur, &expect, foreign, &mine, &pinfd);
		/*
		 * An exchange that put aside the file we read published our
		 * change whole: a newcomer under another lock read it, or
		 * will find FILE changed, or put aside ours and keeps its
		 * records.  Our change is not made again on what the
		 * newcomer wrote (that would undo what it removed).  Only a
		 * rename, which replaced what it cannot tell, is looked
		 * after: if our lock is not FILE.lock, we make it again.
		 */
		if (rc == STORED || (rc == RENAMED &&
		    same_file(cur, cur->lockfd, lock)))
			break;
		/* (rc stays what the try said: DISPLACED is acted on below.) */
		if (rc == -1 || (tries == 0 && changes(r, &c, NULL) == -1)) {
			rc = -1;
			goto out;
		}
		if (tries == STORE_TRIES) {
			rc = fail(PR_SYS, "%s: rewritten by other writers %d "
			    "times while we wrote (is %s.lock being removed?)",
			    r->path, tries, r->path);
			goto out;
		}
		if (cur == r) {
			scratch(&w, r);
			w.lockfd = r->lockfd, r->lockfd = -1;
			w.pin = r->pin, r->pin = -1;
			cur = &w;
		}
		if (rc == DISPLACED) {
			/*
			 * FILE is ours now, without that file's records: they
			 * are kept from now on, as ours are.
			 */
			snprintf(kept[nkept++], sizeof kept[0], "%s", foreign);
			src = kept[nkept - 1];
			if ((rc = reg_load_from(cur, foreign)) == -1 ||
			    (rc = changes(cur, &c, r)) == -1)
				goto out;
			expect = mine;
			cur->dirty = 1;
		} else {
			src = cur->base;
			reg_unlock(cur);
			if ((rc = reg_lock(cur)) == -1)
				goto out;
			loaded(cur, &expect);
		}
		if (reapply(cur, &c, refused) == -1) {
			/*
			 * Our change cannot go in (an id of ours is taken);
			 * but the records of a file ours put aside, which
			 * another writer was told are written, must be in
			 * FILE again: it is written with our change taken
			 * back, and the change fails.
			 */
			if (refused || nkept == 0 ||
			    reg_load_from(cur, src) == -1 ||
			    reapply(cur, &c, 1) == -1) {
				rc = -1;
				goto out;
			}
			refused = 1;
			cur->dirty = 1;
		}
		if (!cur->dirty && cur->nbad == 0)
			break;		/* our change is in FILE already */
	}
	rc = refused ? -1 : 0;
	for (i = 0; i < nkept; i++)
		unlinkat(r->dirfd, kept[i], 0);	/* their records are in FILE */
	nkept = 0;
	r->dirty = 0;
	r->nbad = 0;
out:
	if (rc == -1 && nkept > 0)
		put_back(r, kept[nkept - 1], &mine);
	if (pinfd != -1)
		close(pinfd);
	changes_free(&c);
	if (cur == &w) {
		w.dirfd = -1;
		reg_free(&w);
	}
	reg_unlock(r);
	return rc == -1 ? -1 : 0;
}

/*
 * Everything a store can refuse, tried under the lock before anything is
 * done that a refusal would leave half-done (prreap signals, prspawn
 * starts, then they store): FILE.corrupt when lines are to be moved
 * (before FILE is LOADED, when it exists at all), and a temporary file
 * beside FILE.
 */
int
reg_can_store(struct reg *r, int loaded)
{
	char shown[PATH_LEN + 16];
	struct atomic a;
	int fd;

	if (!loaded || r->nbad > 0) {
		fd = corrupt_open(r, shown, O_WRONLY | O_APPEND |
		    (loaded ? O_CREAT : 0));
		if (fd == -1 && (loaded || errno != ENOENT))
			return -1;
		if (fd != -1)
			close(fd);
	}
	if (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1)
		return -1;
	atomic_abort(&a);
	return 0;
}

/* reg_can_store(), with the lock taken for it and let go. */
int
reg_writable(struct reg *r)
{
	int rc;

	if (reg_hold(r) == -1)
		return -1;
	rc = reg_can_store(r, 1);
	reg_unlock(r);
	return rc;
}
