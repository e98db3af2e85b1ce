/*
 * regload.c - find, read and lock the registry.  The lock is an fcntl
 * lock on FILE.lock, which the tools create once and never remove (as
 * s6's lock files): a wait for it is bounded (r->lock_ns), and a lock
 * file removed by someone else is noticed (reg_lock_is_ours()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "atomic.h"
#include "clock.h"
#include "fmt.h"
#include "msg.h"
#include "registry.h"
#include "xalloc.h"

/*
 * Find the registry (a writer makes the default directory) and open its
 * directory once.  A missing directory is an empty registry to a reader,
 * and a failure to a writer.
 */
int
reg_open(struct reg *r, const char *ropt, int writer)
{
	memset(r, 0, sizeof *r);
	r->dirfd = r->lockfd = r->fd = -1;
	r->lock_ns = LOCK_WAIT_NS;
	if (writer)
		xfsz_ignore();
	if (reg_locate(r->path, ropt, writer) == -1)
		return -1;
	path_split(r->path, r->dir, &r->base);
	r->dirfd = dir_open(r->dir);
	if (r->dirfd == -1 && (writer || errno != ENOENT))
		return -1;
	return 0;
}

/* FD's bytes, whole, into a buffer from malloc with one spare byte. */
static int
read_whole(struct reg *r, int fd, char **bufp, size_t *lenp)
{
	size_t len = 0, size;
	struct stat st;
	char *buf, *nb;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return fail_sys(PR_SYS, "%s: cannot stat", r->path);
	r->st = st;
	size = (size_t)st.st_size + 1;
	if ((buf = malloc(size + 1)) == NULL)
		return fail_sys(PR_SYS, "%s: cannot read", r->path);
	mem_populate(buf, size + 1);
	for (;;) {
		if (len == size) {
			if ((nb = realloc(buf, size * 2 + 1)) == NULL) {
				free(buf);
				return fail_sys(PR_SYS, "%s: cannot read",
				    r->path);
			}
			buf = nb, size *= 2;
		}
		/* From its start: a FILE held (reg_load()) may be read again. */
		n = pread(fd, buf + len, size - len, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return fail_sys(PR_SYS, "%s: cannot read", r->path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*bufp = buf, *lenp = len;
	return 0;
}

/*
 * Read FILE (FD, when opened already) and parse it.  No file, no record.
 * FD is closed; with KEEP, FILE opened (or -1: none) is left in *KEEP.
 */
static int
load(struct reg *r, int fd, int *keep)
{
	size_t len = 0;
	char *buf = NULL;
	int rc;

	reg_clear(r);
	r->st.st_dev = 0, r->st.st_ino = 0;
	r->partial = r->only != NULL;
	if (fd == -1 && r->dirfd != -1 &&
	    (fd = safe_openat(r->dirfd, r->base, r->path, O_RDONLY)) == -1 &&
	    errno != ENOENT)
		return -1;
	if (keep != NULL)
		*keep = fd;
	if (fd == -1)
		return idx_build(r, 0);		/* no file: no records */
	rc = read_whole(r, fd, &buf, &len);
	if (keep == NULL)
		close(fd);
	if (rc == -1)
		return -1;
	if (reg_parse_buf(r, buf, len) == -1)
		return -1;
	r->dirty = 0;
	r->warned = 1;
	return 0;
}

/*
 * Read the file (the one reg_hold() opened, or opened now).  Under the
 * lock it is held till reg_unlock(): the file a writer's rename replaces
 * is freed after the lock is let go, not in rename(2) (freeing its blocks
 * can wait for the disk: ext4 mounted with -o discard), where a waiter
 * woken by that rename would find the lock still held.
 */
int
reg_load(struct reg *r)
{
	int fd = r->fd;

	r->fd = -1;
	return load(r, fd, r->lockfd != -1 ? &r->fd : NULL);
}

/*
 * Read the file, without the lock, for its records of TYPE only, to be
 * counted (slot.c): a part of the registry, never to be written (no lock
 * can be taken on it: reg_store() refuses it).  Cheaper by what the other
 * records would cost to parse.
 */
int
reg_load_of(struct reg *r, const char *type)
{
	int rc;

	if (r->lockfd != -1)
		return fail(PR_SYS, "internal error: a part of %s read under "
		    "the lock", r->path);
	r->only = type;
	rc = reg_load(r);
	r->only = NULL;
	return rc;
}

/* The lock file's name in the directory, and as messages show it. */
static void
lock_names(const struct reg *r, char name[PATH_LEN], char shown[PATH_LEN + 8])
{
	fmt_snprintf(name, PATH_LEN, "%s.lock", r->base);
	fmt_snprintf(shown, PATH_LEN + 8, "%s.lock", r->path);
}

/*
 * Whether the lock we hold is on FILE.lock as it is now (the same device
 * and inode): 1 when so; 0 when not (FILE.lock was removed or replaced
 * meanwhile, and a newcomer may hold a lock on the one there now); -1
 * when it cannot be told (EACCES, EIO, ENOMEM...: not "removed"), with
 * a failure kept, for the caller to write nothing.
 */
int
reg_lock_is_ours(const struct reg *r)
{
	char name[PATH_LEN], shown[PATH_LEN + 8];
	struct stat a, b;

	lock_names(r, name, shown);
	if (r->lockfd == -1)
		return 0;
	if (fstat(r->lockfd, &a) == 0 &&
	    fstatat(r->dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0)
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	if (errno == ENOENT)
		return 0;
	return fail(PR_SYS, "%s: cannot check the lock: %s; nothing written",
	    shown, strerror(errno));
}

/* How long a wait for the lock may last: NS, but never below 1 s. */
void
reg_lock_wait(struct reg *r, long long ns)
{
	r->lock_ns = ns > LOCK_MIN_NS ? ns : LOCK_MIN_NS;
}

/* SHOWN's lock, on FD, was not had within r->lock_ns: who holds it. */
static int
waited_out(const struct reg *r, int fd, const char *shown)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char by[32] = "another process";	/* of another PID namespace */
	char secs[SECS_LEN];

	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK &&
	    fl.l_pid > 0)
		fmt_snprintf(by, sizeof by, "pid %ld", (long)fl.l_pid);
	secs_str(r->lock_ns, secs);
	return fail(PR_SYS, "%s: held by %s for %s s; giving up", shown, by,
	    secs);
}

/*
 * The first look again at a lock held by another: most holds are short
 * (a keeper's end, written as prreap stops its record; a record added),
 * and a first look 1 ms later overshot them.  (An inotify watch on the
 * lock file's close costs more: 0.6-4 ms to set, up to 19 ms to close.)
 */
#define LOCK_FIRST_NS (NS_PER_MS / 8)

/*
 * The exclusive lock on FILE.lock, waited for at most r->lock_ns (WAIT
 * 0: not at all, 1 when another holds it), looked for again after
 * clock.c's backoff, from LOCK_FIRST_NS: a freed lock is taken within
 * 10 ms, and a holder
 * stopped (SIGSTOP) or hung is a failure that names it, not a wait
 * without end.  A lock file removed or replaced while we waited locks
 * nothing that the next writer would see: once locked, it must still be
 * FILE.lock, else we lock the one there now (what we read before the
 * lock is checked only once it is had: lock_load()),
 * again for r->lock_ns at most: one removed over and over is a failure,
 * not a loop without end; one that cannot be looked at fails at once.
 */
static int
lock_file(struct reg *r, int wait)
{
	long long start = now_ns(), end = start + (wait ? r->lock_ns : 0);
	char name[PATH_LEN], shown[PATH_LEN + 8], secs[SECS_LEN];
	struct backoff b = { LOCK_FIRST_NS / 2 };	/* doubled at once */
	int rc;

	lock_names(r, name, shown);
	for (;;) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		if (r->lockfd == -1 && (r->lockfd = safe_openat(r->dirfd, name,
		    shown, O_RDWR | O_CREAT)) == -1)
			return -1;
		if (fcntl(r->lockfd, F_SETLK, &fl) == 0) {
			if ((rc = reg_lock_is_ours(r)) == 1)
				return 0;
			if (rc == -1) {		/* no telling: give up at once */
				reg_unlock(r);
				return -1;
			}
			close(r->lockfd);	/* not FILE.lock: that one */
			r->lockfd = -1;
			/* Replaced each time, the retries are bounded too. */
			if (now_ns() - start < r->lock_ns)
				continue;
			secs_str(r->lock_ns, secs);
			return fail(PR_SYS, "%s: removed or replaced each time "
			    "it was locked, for %s s; giving up", shown, secs);
		}
		if (errno != EAGAIN && errno != EACCES)
			rc = fail_sys(PR_SYS, "%s: cannot lock", shown);
		else if (now_ns() >= end)
			rc = wait ? waited_out(r, r->lockfd, shown) : 1;
		else {
			sleep_ns(backoff_next(&b, end - now_ns()));
			continue;
		}
		reg_unlock(r);
		return rc;
	}
}

/*
 * The lock, with a quarantine that a writer killed half-way left undone
 * first; then (hold()) FILE opened, and so checked, for reg_load() to
 * read: an unsafe file is refused before anything is done.
 */
static int
hold_lock(struct reg *r, int wait)
{
	int rc;

	if (r->dirfd == -1)
		return fail(PR_SYS, "%s: no registry directory", r->dir);
	if ((rc = lock_file(r, wait)) != 0)
		return rc;
	if (quarantine_recover(r) == 0)
		return 0;
	reg_unlock(r);
	return -1;
}

static int
hold(struct reg *r, int wait)
{
	int rc;

	if ((rc = hold_lock(r, wait)) != 0)
		return rc;
	if ((r->fd = safe_openat(r->dirfd, r->base, r->path, O_RDONLY)) != -1 ||
	    errno == ENOENT)
		return 0;
	reg_unlock(r);
	return -1;
}

int
reg_hold(struct reg *r)
{
	return hold(r, 1);
}

/*
 * Whether FILE, looked at by its name under the lock (no descriptor more:
 * a writer may have few), is the very file load() read before the lock
 * (PRE: -1, there was none): the same inode (which PRE, that file still
 * open, keeps from being reused; so it is no link, and as safe as it was
 * then, unless its mode or owner changed, which its change time tells),
 * size, modification and change times.  Every writer replaces FILE by
 * rename(2), so an unchanged file is unchanged content; an edit in place
 * changes its times or size.
 */
static int
unchanged(const struct reg *r, int pre)
{
	struct stat st;

	if (fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return pre == -1 && errno == ENOENT;	/* none then, none now */
	return pre != -1 && stat_as_read(&st, &r->st) &&
	    st.st_ctim.tv_sec == r->st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == r->st.st_ctim.tv_nsec;
}

/*
 * The lock, and FILE loaded under it; with WAIT 0, 1 if another has it.
 * With WAIT, FILE is read and parsed first, without the lock, and under
 * it read again only when it is no longer the file read (unchanged()):
 * the lock is held for a check, not for a parse of the whole registry,
 * and the read-modify-write still reads what it modifies under the lock.
 * A read that fails without the lock is tried again under it.  The
 * read without the lock warns of no malformed line (a writer moves
 * them, and says so).
 */
static int
lock_load(struct reg *r, int wait)
{
	int pre = -1, pre_ok = 0, rc;

	if (wait && r->dirfd != -1) {
		r->warned = 1;
		pre_ok = load(r, -1, &pre) == 0;
	}
	rc = pre_ok ? hold_lock(r, wait) : hold(r, wait);
	if (rc == 0 && pre_ok && unchanged(r, pre))
		pre_ok = 2;		/* what was read is what is there */
	if (pre_ok == 2)
		r->fd = pre;		/* held, as reg_load() holds it */
	else if (pre != -1)
		close(pre);
	if (rc == 0 && pre_ok != 2 && reg_load(r) == -1) {
		reg_unlock(r);		/* reg_load() opens FILE itself */
		rc = -1;
	}
	return rc;
}

int
reg_lock(struct reg *r)
{
	return lock_load(r, 1);
}

/* reg_lock() if the lock is free now: 0; 1 if another holds it; -1. */
int
reg_trylock(struct reg *r)
{
	return lock_load(r, 0);
}

/* FILE as read, if held (reg_load()), let go of. */
void
reg_let_go(struct reg *r)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/*
 * Closing the descriptor drops the lock; the lock file is never unlinked.
 * The lock first, then FILE as read (reg_load()).
 */
void
reg_unlock(struct reg *r)
{
	if (r->lockfd != -1)
		close(r->lockfd);
	r->lockfd = -1;
	reg_let_go(r);
}

void
reg_free(struct reg *r)
{
	reg_unlock(r);
	reg_clear(r);
	while (r->owned != NULL) {
		char *next = *(char **)r->owned;

		free(r->owned);
		r->owned = next;
	}
	if (r->dirfd != -1)
		close(r->dirfd);
	r->dirfd = -1;
}
