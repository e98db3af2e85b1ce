/* mark.c - PRREG_MARK: set it in a command, find it in a process. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "mark.h"
#include "pidfd.h"
#include "proc.h"
#include "sysread.h"
#include "word.h"

/* The marker of the start of PID with TOKEN; 0 when TOKEN is none. */
int
mark_of(pid_t pid, const char *token, char mark[MARK_MAX])
{
	if (token == NULL || strcmp(token, "-") == 0)
		return 0;
	fmt_snprintf(mark, MARK_MAX, "%ld:%s", (long)pid, token);
	return 1;
}

/*
 * In the child, before it execs the command: its own marker into MARK,
 * from its own token (the one prspawn then records for it); -1 when
 * there is no token to be had.  No allocation: a child that borrows its
 * parent's memory (vfork) calls it.  Built without procfs, none is given
 * (MARK_GIVEN).
 */
int
mark_self(char mark[MARK_MAX])
{
#ifndef PRREG_NO_PROCFS
	char token[TOKEN_MAX + 1];
	pid_t me = getpid();
	int fd = pfd_open(me), ok = proc_token_fd(fd, 0, token);

	if (fd != -1)
		close(fd);
	return ok && mark_of(me, token, mark) ? 0 : -1;
#else
	(void)mark;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Whether a carrier of a marker with real uid RUID is of the registry's
 * owner, the effective uid every tool that opens it runs as (regfile.c):
 * what the record's command starts runs as that user, unless it changes
 * its uid, which only a privileged process can.  A carrier of another
 * uid took the marker, or was started by the record's processes and
 * changed its uid: only its descent can tell (scan.h).
 */
int
mark_owner(uid_t ruid)
{
	return ruid == geteuid();
}

#ifndef PRREG_NO_PROCFS

/* VAR=VALUE, LEN bytes at P: our marker?  Then into MARK. */
static int
is_mark(const char *p, size_t len, char mark[MARK_MAX])
{
	static const char var[] = MARK_VAR "=";
	size_t vlen = sizeof var - 1;

	if (len <= vlen || len - vlen >= MARK_MAX || memcmp(p, var, vlen) != 0)
		return 0;
	memcpy(mark, p + vlen, len - vlen);
	mark[len - vlen] = '\0';
	return 1;
}

/*
 * PID's real uid, the second field of /proc/PID/status's "Uid:" line
 * (real, effective, saved, fs): the user it runs for, which only a
 * privileged process can change, not a setuid program it runs.
 */
static int
real_uid(pid_t pid, uid_t *uid)
{
	char path[40], buf[2048], *p;
	unsigned long long u;

	fmt_snprintf(path, sizeof path, "%ld/status", (long)pid);
	if (proc_dirfd() == -1 || read_at(proc_dirfd(), path, buf,
	    sizeof buf) <= 0 || (p = fmt_strstr(buf, "\nUid:")) == NULL ||
	    num_next(p + 5, &u) == NULL)
		return 0;
	*uid = (uid_t)u;
	return 1;
}

/*
 * The marker PID carries, from /proc/PID/environ (NUL-separated
 * VAR=VALUE), and in *RUID the real uid of its carrier (mark_owner()
 * tells whether that makes it one of a record's processes): 1 with
 * MARK, 0 when it carries none or its environment or uid cannot be read
 * (another user's).  Read in pieces; a variable longer than half the
 * buffer cannot be ours, and is skipped to its NUL.
 */
int
mark_read(pid_t pid, char mark[MARK_MAX], uid_t *ruid)
{
	char path[40], buf[8192], *p, *e;
	size_t have = 0, tail;
	int fd, skip = 0, found = 0;
	ssize_t n;

	fmt_snprintf(path, sizeof path, "%ld/environ", (long)pid);
	if (proc_dirfd() == -1 ||
	    (fd = openat(proc_dirfd(), path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	while (!found) {
		while ((n = read(fd, buf + have, sizeof buf - have)) == -1 &&
		    errno == EINTR)
			;
		if (n <= 0) {
			found = !skip && have > 0 && is_mark(buf, have, mark);
			break;
		}
		have += (size_t)n;
		for (p = buf; !found &&
		    (e = memchr(p, '\0', have - (size_t)(p - buf))) != NULL;
		    p = e + 1) {
			found = !skip && is_mark(p, (size_t)(e - p), mark);
			skip = 0;
		}
		tail = have - (size_t)(p - buf);
		if (tail > sizeof buf / 2)
			skip = 1, tail = 0;
		memmove(buf, p, tail);
		have = tail;
	}
	close(fd);
	return found && real_uid(pid, ruid);
}

#else

int
mark_read(pid_t pid, char mark[MARK_MAX], uid_t *ruid)
{
	(void)pid, (void)mark, (void)ruid;
	return 0;
}

#endif
