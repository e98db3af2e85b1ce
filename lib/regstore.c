/*
 * regstore.c - the write protocol of prreg(5): under the lock, the new
 * content to a temporary file beside FILE, malformed lines appended to
 * FILE.corrupt (quarantine.c), the temporary file renamed over FILE, as
 * s6's openwritenclose does.  Just before it publishes, a writer checks
 * that FILE.lock is still the file it locked; when not, it writes nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "atomic.h"
#include "fmt.h"
#include "msg.h"
#include "registry.h"
#include "reserve.h"
#include "xalloc.h"

#define STALE_SECS 60		/* a temp file this old lost its writer */

/* Temp files of writers killed before their rename (we hold the lock). */
static void
clean_stale(struct reg *r)
{
	size_t blen = strlen(r->base), tlen = blen + sizeof TMP_SUFFIX - 1;
	int fd = dup(r->dirfd);
	DIR *d = fd != -1 ? fdopendir(fd) : NULL;
	struct dirent *de;
	struct stat st;

	if (d == NULL) {
		if (fd != -1)
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

/*
 * The file's new content to FD (named PATH in messages): the header,
 * then the records not gone, in order, each from its own bytes, through
 * one 64 KiB buffer.
 */
int
reg_write(struct reg *r, int fd, const char *path)
{
	static char buf[65536];
	struct rec *rec;
	size_t i, n, len;
	int err = 0;

	/*
	 * write(2) itself, not stdio: what a write is must not depend on
	 * the libc (musl's stdio writes with writev), so that it can be
	 * held or failed at that call (strace, in t/loss.bats).
	 */
	/* As much of it as the file will take: the file read, a line more. */
	mem_populate(buf, (size_t)r->st.st_size + REC_LINE_MAX < sizeof buf ?
	    (size_t)r->st.st_size + REC_LINE_MAX : sizeof buf);
	n = (size_t)fmt_snprintf(buf, sizeof buf, "#prreg 1 boot=%s\n",
	    r->otherboot ? r->boot : boot_id());
	for (i = 0; i < r->n && err == 0; i++) {
		if ((rec = &r->rec[i])->gone)
			continue;
		len = (size_t)(rec_sew(rec, 1) - rec->f[0]) + 1;
		if (len > sizeof buf - n) {
			if (write_all(fd, buf, n) == -1)
				err = errno;
			n = 0;
		}
		if (err == 0) {		/* a line is at most REC_LINE_MAX */
			memcpy(buf + n, rec->f[0], len);
			n += len;
		}
		rec_sew(rec, 0);
	}
	if (err == 0 && n > 0 && write_all(fd, buf, n) == -1)
		err = errno;
	errno = err;
	return err != 0 ? fail_sys(PR_SYS, "%s: cannot write", path) : 0;
}

/*
 * Whether we still hold FILE.lock, checked right before a step that
 * publishes: 0 when so; else a failure kept (FILE.lock was removed, or
 * replaced, while we held it: a newcomer may hold the lock there now and
 * be writing, and our rename would undo its change; or that cannot be
 * told).
 */
static int
lock_kept(const struct reg *r)
{
	int ours = reg_lock_is_ours(r);

	if (ours != 0)
		return ours == 1 ? 0 : -1;
	return fail(PR_SYS, "%s.lock: removed while we held it; nothing "
	    "written", r->path);
}

/* What a store of R writes at most: FILE as it is now, and one line more. */
static off_t
store_len(const struct reg *r)
{
	struct stat st;
	off_t size = r->st.st_size;

	if (r->fd != -1 && fstat(r->fd, &st) == 0 && st.st_size > size)
		size = st.st_size;
	return size + (off_t)(sizeof "#prreg 1 boot=\n" + TOKEN_MAX +
	    REC_LINE_MAX);
}

/*
 * The new content to a temporary file, the malformed lines to
 * FILE.corrupt, the temporary file renamed over FILE: each step only
 * while FILE.lock is still ours.  -1 on failure: FILE as it was, no
 * temporary file, FILE.corrupt not grown.
 */
static int
store(struct reg *r)
{
	struct atomic a;
	off_t was = 0;
	int cfd = -1, rc = 0;

	clean_stale(r);
	/*
	 * No fsync: the registry is about this boot only; after a crash of
	 * the machine every record is dead anyway.
	 */
	/*
	 * FILE as read, held to be freed after the lock (reg_load()), goes
	 * first where descriptors run out (and where lines go to
	 * FILE.corrupt: quarantine()).
	 */
	while (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1) {
		if (errno != EMFILE || r->fd == -1)
			return -1;
		reg_let_go(r);
	}
	/*
	 * Its blocks first: on ext4, a file renamed over another has its
	 * delayed allocation flushed in rename(2) (auto_da_alloc), some
	 * hundreds of microseconds at 10 000 records.  Any failure is the
	 * write's to say.
	 */
	(void)blocks_take(a.fd, store_len(r));
	if (reg_write(r, a.fd, r->path) == -1 ||
	    (r->nbad > 0 && (lock_kept(r) == -1 ||
	    (cfd = quarantine(r, &was)) == -1))) {
		atomic_abort(&a);
		return -1;
	}
	/*
	 * Over FILE as read only (atomic_commit()): a writer that loses
	 * FILE.lock after this check cannot undo another's change.
	 */
	a.over = &r->st;
	if (lock_kept(r) == -1 || (rc = atomic_commit(&a, r->base)) != 0) {
		if (rc == 1)
			fail(PR_SYS, "%s: replaced by another writer while we "
			    "held %s.lock; nothing written", r->path, r->path);
		atomic_abort(&a);
		if (cfd != -1)
			quarantine_undo(r, cfd, was);
		return -1;
	}
	if (cfd != -1)
		quarantine_done(r, cfd);
	r->dirty = 0;
	r->nbad = 0;
	return 0;
}

/*
 * End a read-modify-write: write what changed (nothing when nothing did),
 * and release the lock, whatever happens.  FILE.lock is never removed by
 * the tools; one removed by someone else while we held it makes us write
 * nothing and fail (store()): nothing is merged.
 */
int
reg_store(struct reg *r)
{
	int rc = 0;

	if (r->partial)
		rc = fail(PR_SYS, "internal error: %s: a part of it, read "
		    "for one type, to be written", r->path);
	else if (r->dirty || r->nbad > 0)
		rc = store(r);
	reg_unlock(r);
	return rc;
}

/*
 * Whether we may make files in DIRFD without a doubt: root, or its owner
 * with write and search; any other case is left to a try.
 */
static int
dir_ours(int dirfd)
{
	struct stat st;
	uid_t u = geteuid();

	return fstat(dirfd, &st) == 0 && (u == 0 || (st.st_uid == u &&
	    (st.st_mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR)));
}

/*
 * Whether a store of LEN bytes can be taken to succeed without a try:
 * FILE's file system, writable, has room to spare, as statvfs(3) tells
 * it to anyone (not the blocks kept for root): twice LEN and 1 MiB
 * beyond, and 16 inodes (one that counts none, btrfs, is not taken to
 * have them); the temporary file's name fits (struct atomic, and the
 * file system's longest name); its directory is ours (dir_ours()).  Anything
 * else is tried (room()), and said as the store would say it.
 */
static int
roomy(const struct reg *r, off_t len)
{
	size_t name = strlen(r->base) + sizeof TMP_SUFFIX;
	struct statvfs sv;

	return fstatvfs(r->dirfd, &sv) == 0 && sv.f_frsize > 0 &&
	    !(sv.f_flag & ST_RDONLY) && name <= sizeof ((struct atomic *)0)->tmp &&
	    name - 1 <= sv.f_namemax && sv.f_favail >= 16 && sv.f_bavail >
	    (2 * (unsigned long long)len + (1U << 20)) / sv.f_frsize &&
	    dir_ours(r->dirfd);
}

/*
 * Room on FILE's file system for what a store writes (store_len()): a
 * write that a full disk or a file size limit would refuse after the
 * stop is refused now, before anything is signalled or started.  Where
 * the file system has room to spare (roomy()), that is enough; else the
 * room is taken on a temporary file beside FILE and given back with it,
 * which a quota refuses too.  (That costs some tens of microseconds more:
 * ext4 frees the blocks of a removed file slowly.)  A disk that others
 * fill meanwhile can still refuse the store.  A file system that cannot
 * allocate ahead (EOPNOTSUPP, EINVAL) tells nothing: taken as room.
 */
static int
room(const struct reg *r)
{
	off_t len = store_len(r);
	struct rlimit fl;
	struct atomic a;
	int e = 0;

	if (getrlimit(RLIMIT_FSIZE, &fl) == 0 && fl.rlim_cur != RLIM_INFINITY &&
	    (unsigned long long)len > (unsigned long long)fl.rlim_cur)
		e = EFBIG;
	else if (!roomy(r, len)) {
		if (atomic_open(&a, r->dirfd, r->base, r->path, 0600) == -1)
			return -1;
		e = posix_fallocate(a.fd, 0, len);
		atomic_abort(&a);
		if (blocks_unsupported(e))
			e = 0;
	}
	if (e == 0)
		return 0;
	errno = e;
	return fail_sys(PR_SYS, "%s: cannot write", r->path);
}

/*
 * Everything a store can refuse, tried under the lock before anything is
 * done that a refusal would leave half-done (prreap signals, prspawn
 * starts, then they store): FILE.corrupt when lines are to be moved
 * (before FILE is LOADED, when it exists at all), and a temporary file
 * beside FILE, with room for what is to be written (room()).
 */
int
reg_can_store(struct reg *r, int loaded)
{
	char shown[PATH_LEN + 16];
	int fd;

	if (!loaded || r->nbad > 0) {
		fd = corrupt_open(r, shown, O_WRONLY | O_APPEND |
		    (loaded ? O_CREAT : 0));
		if (fd == -1 && (loaded || errno != ENOENT))
			return -1;
		if (fd != -1)
			close(fd);
	}
	return room(r);
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
