/* atomic.c - a temporary file beside the target, renamed over it. */
#define _DEFAULT_SOURCE		/* syscall(2): renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "atomic.h"
#include "clock.h"
#include "msg.h"

/* write(2) until all of BUF is written; -1 and errno on failure. */
int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* The letter or digit N (0 to 61) of A-Z a-z 0-9, as mkstemp(3) uses. */
static char
alnum(unsigned n)
{
	return (char)(n < 26 ? 'A' + n : n < 52 ? 'a' + n - 26 : '0' + n - 52);
}

/*
 * NAME.tmp.XXXXXX in DIRFD, created exclusively (never through a link)
 * with MODE, as mkstemp(3) would, but relative to the directory opened
 * once.
 */
int
atomic_open(struct atomic *a, int dirfd, const char *name, const char *shown,
    mode_t mode)
{
	size_t len = strlen(name), i;
	int tries;

	a->dirfd = dirfd;
	a->fd = -1;
	a->over = NULL;
	a->shown = shown;
	if (len + sizeof TMP_SUFFIX > sizeof a->tmp) {
		errno = ENAMETOOLONG;
		return fail_sys(PR_SYS, "%s" TMP_SUFFIX ": cannot create",
		    shown);
	}
	for (tries = 0; tries < 100; tries++) {
		unsigned long long r = jitter_seed();

		memcpy(a->tmp, name, len);
		memcpy(a->tmp + len, TMP_SUFFIX, sizeof TMP_SUFFIX);
		for (i = len + sizeof TMP_SUFFIX - 7; a->tmp[i] != '\0'; i++)
			a->tmp[i] = alnum((unsigned)(r % 62)), r /= 62;
		a->fd = openat(dirfd, a->tmp, O_RDWR | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, mode);
		if (a->fd != -1) {
			/* The umask must not take bits the caller asked for. */
			if (fchmod(a->fd, mode) == 0)
				return 0;
			atomic_abort(a);
			return fail_sys(PR_SYS, "%s" TMP_SUFFIX ": cannot create",
			    shown);
		}
		if (errno != EEXIST)
			break;
	}
	return fail_sys(PR_SYS, "%s" TMP_SUFFIX ": cannot create", shown);
}

int
atomic_write(struct atomic *a, const void *buf, size_t len)
{
	if (write_all(a->fd, buf, len) == -1) {
		int e = errno;

		atomic_abort(a);
		errno = e;
		return fail_sys(PR_SYS, "%s: cannot write", a->shown);
	}
	return 0;
}

/*
 * renameat2(2) in DIRFD, where the system has it (Linux 3.15): FLAGS
 * RENAME_EXCHANGE swaps FROM and TO, RENAME_NOREPLACE fails with EEXIST
 * when TO is there.  Elsewhere ENOSYS, and the caller renames as POSIX
 * does, without the check.
 */
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int
rename2(int dirfd, const char *from, const char *to, unsigned flags)
{
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, dirfd, from, dirfd, to, flags);
#else
	(void)dirfd, (void)from, (void)to, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Whether NOW is the file WAS as it was read: the same inode, size and
 * modification time (which a rename does not change), for the inode
 * number of a file freed since (let go of where descriptors are short:
 * regload.c) may be another's now.
 */
int
stat_as_read(const struct stat *now, const struct stat *was)
{
	return now->st_dev == was->st_dev && now->st_ino == was->st_ino &&
	    now->st_size == was->st_size &&
	    now->st_mtim.tv_sec == was->st_mtim.tv_sec &&
	    now->st_mtim.tv_nsec == was->st_mtim.tv_nsec;
}

/*
 * Rename the temporary file over NAME; on failure, remove it.  With
 * a->over, only over that file as read (stat_as_read(); st_ino 0: over
 * none), in
 * the same step: swapped with it (RENAME_EXCHANGE; RENAME_NOREPLACE),
 * then what NAME was is looked at, and when it was another file, it is
 * swapped back and 1 returned: nothing published.  A writer that lost
 * FILE.lock (removed) after its last check, and one that never took it,
 * then cannot undo each other's change, whenever each was held up.
 * Where the system cannot swap (ENOSYS; EINVAL, EXDEV: a file system
 * that cannot; EPERM: a seccomp filter), a plain rename, as POSIX has it.
 */
int
atomic_commit(struct atomic *a, const char *name)
{
	unsigned how = a->over != NULL && a->over->st_ino == 0 ?
	    RENAME_NOREPLACE : RENAME_EXCHANGE;
	struct stat st, ours;
	int fd = a->fd, rc = a->over != NULL ? fstat(fd, &ours) : 0, e;

	a->fd = -1;
	if (close(fd) == -1 || rc == -1)
		rc = -1;
	else if (a->over == NULL)
		rc = renameat(a->dirfd, a->tmp, a->dirfd, name);
	else if (rename2(a->dirfd, a->tmp, name, how) == -1)
		rc = errno == EEXIST || errno == ENOENT ? 1 :	/* came, went */
		    errno != ENOSYS && errno != EINVAL && errno != EPERM &&
		    errno != EXDEV ? -1 :		/* cannot swap */
		    renameat(a->dirfd, a->tmp, a->dirfd, name);
	else if (how == RENAME_NOREPLACE)
		return 0;
	else if (fstatat(a->dirfd, a->tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    stat_as_read(&st, a->over))
		rc = 2;			/* it was the file read: it goes */
	else if (rename2(a->dirfd, a->tmp, name, RENAME_EXCHANGE) == 0 ||
	    renameat(a->dirfd, a->tmp, a->dirfd, name) == 0) {
		rc = 1;			/* put back: ours goes, if it is ours */
		if (fstatat(a->dirfd, a->tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (st.st_dev != ours.st_dev || st.st_ino != ours.st_ino))
			return 1;	/* a newcomer's: not ours to remove */
	} else {
		/* Ours stays; what was there is not removed, but said. */
		warnx_("%s: replaced, not put back: left as %s", a->shown,
		    a->tmp);
		return 0;
	}
	if (rc != 0) {
		e = errno;
		unlinkat(a->dirfd, a->tmp, 0);
		errno = e;
	}
	if (rc == -1)
		return fail_sys(PR_SYS, "%s: cannot replace", a->shown);
	return rc == 1;
}

/* Give up: the temporary file goes, NAME is left as it was. */
void
atomic_abort(struct atomic *a)
{
	int e = errno;

	if (a->fd != -1) {
		close(a->fd);
		a->fd = -1;
		unlinkat(a->dirfd, a->tmp, 0);
	}
	errno = e;
}

/*
 * A file size limit (ulimit -f) must make a write fail with EFBIG, so the
 * writer can undo what it did, not kill it half-way with SIGXFSZ.  The
 * disposition it had is given back to a command about to be executed.
 */
static struct sigaction xfsz_was;
static int xfsz_set;

void
xfsz_ignore(void)
{
	struct sigaction ign;

	if (xfsz_set)
		return;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	xfsz_set = sigaction(SIGXFSZ, &ign, &xfsz_was) == 0;
}

void
xfsz_restore(void)
{
	if (xfsz_set)
		sigaction(SIGXFSZ, &xfsz_was, NULL);
}
