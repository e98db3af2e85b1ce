/* atomic.c - a temporary file beside the target, renamed over it. */
#define _DEFAULT_SOURCE		/* syscall(2) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

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

/*
 * NAME.tmp.XXXXXX in DIRFD, created exclusively (never through a link)
 * with MODE, as mkstemp(3) would, but relative to the directory opened
 * once.
 */
int
atomic_open(struct atomic *a, int dirfd, const char *name, const char *shown,
    mode_t mode)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t len = strlen(name), i;
	int tries;

	a->dirfd = dirfd;
	a->fd = -1;
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
			a->tmp[i] = chars[r % 62], r /= 62;
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

/* Rename the temporary file over NAME; on failure, remove it. */
int
atomic_commit(struct atomic *a, const char *name)
{
	int fd = a->fd;

	a->fd = -1;
	if (close(fd) == -1 || renameat(a->dirfd, a->tmp, a->dirfd, name) == -1) {
		int e = errno;

		unlinkat(a->dirfd, a->tmp, 0);
		errno = e;
		return fail_sys(PR_SYS, "%s: cannot replace", a->shown);
	}
	return 0;
}

#if defined(__linux__) && defined(SYS_renameat2)
#define EXCHANGE (1 << 1)	/* RENAME_EXCHANGE */
#define NOREPLACE (1 << 0)	/* RENAME_NOREPLACE */

static int
rename2(int dirfd, const char *from, const char *to, unsigned flags)
{
	return (int)syscall(SYS_renameat2, dirfd, from, dirfd, to, flags);
}
#else
#define EXCHANGE 0
static int
rename2(int dirfd, const char *from, const char *to, unsigned flags)
{
	(void)dirfd, (void)from, (void)to, (void)flags;
	errno = ENOSYS;
	return -1;
}
#endif

/* Swap the files A and B of DIRFD: 0, or -1 (ENOSYS: the system cannot). */
int
name_swap(int dirfd, const char *a, const char *b)
{
	return rename2(dirfd, a, b, EXCHANGE);
}

/*
 * Put the temporary file in NAME's place by exchanging the two: returns 1
 * with the file that was NAME now under a->tmp, for the caller to look at
 * and remove; 0 when there was no NAME (the file is in place, nothing
 * displaced); 2 where the system cannot exchange (then it was renamed
 * over NAME, as atomic_commit() does, and what it replaced is not
 * known); -1 on failure, nothing changed.
 */
int
atomic_exchange(struct atomic *a, const char *name)
{
	int fd = a->fd;

	a->fd = -1;
	if (close(fd) == -1)
		goto fail;
	for (;;) {
		if (rename2(a->dirfd, a->tmp, name, EXCHANGE) == 0)
			return 1;
		if (errno == ENOENT) {
			if (rename2(a->dirfd, a->tmp, name, NOREPLACE) == 0)
				return 0;
			if (errno == EEXIST)
				continue;	/* NAME came meanwhile */
		}
		if (errno != EINVAL && errno != ENOSYS)
			goto fail;
		/* No exchange here (the file system, the kernel). */
		if (renameat(a->dirfd, a->tmp, a->dirfd, name) == -1)
			goto fail;
		return 2;
	}
fail:
	{
		int e = errno;

		unlinkat(a->dirfd, a->tmp, 0);
		errno = e;
	}
	return fail_sys(PR_SYS, "%s: cannot replace", a->shown);
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
