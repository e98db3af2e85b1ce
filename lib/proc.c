/* proc.c - process state, start token and liveness (SPEC 2 and 4.5). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/auxv.h>
#endif

#include "clock.h"
#include "fmt.h"
#include "pidfd.h"
#include "proc.h"
#include "sysread.h"
#include "word.h"

const char *
live_name(enum live l)
{
	static const char *const names[] = { "live", "dead", "zombie",
	    "reused", "unknown" };

	return names[l];
}

/* A zombie is a whole thread group gone: a leader that called
 * pthread_exit() shows Z while its other threads run. */
static int
zombie(const struct pstat *ps)
{
	return ps->state == 'Z' && ps->threads <= 1;
}

/* Why the last verdict was UNKNOWN: a failed read's errno, or 0. */
static int unknown_err;

static enum live
unknown(int err)
{
	unknown_err = err;
	return UNKNOWN;
}

/*
 * Why the last pid_live() or pidfd_live() said UNKNOWN: the errno of a
 * read that failed (EMFILE ...), or 0 when there is nothing to read it
 * from (no /proc, or a token of the pidfs form and no pidfs).
 */
int
live_unknown_err(void)
{
	return unknown_err;
}

/*
 * Whether ERR, of a failed read of a process, says it is gone (exited and
 * collected), not that it could not be read: EMFILE, ENFILE, ENOMEM,
 * EACCES and the like say nothing of the process (unknown, never gone).
 */
int
proc_gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

/*
 * Whether ERR says the system was short of something (descriptors,
 * memory): nothing of the process, which may be read again later.
 */
int
proc_short(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM ||
	    err == EAGAIN || err == ENOBUFS;
}

/*
 * What is left to say of PID when its state could not be read (ERR):
 * it was reaped meanwhile (dead), or it exists and we cannot tell.  A
 * read the system was too short to make says nothing (UNKNOWN), nor
 * does a missing /proc.  With /proc but not this PID's stat, and no
 * token to compare, existing is live (SPEC 2).  A token that cannot be
 * compared is not proven ours (UNKNOWN), except that a process /proc
 * hides from us (hidepid) while kill() says it is another user's is not
 * the one we recorded: ours ran as us, and /proc shows us our own.
 */
static enum live
unreadable(pid_t pid, const char *token, int eperm, int err)
{
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return DEAD;
	if (proc_short(err))
		return unknown(err);
	if (!proc_here())
		return unknown(0);
	if (token == NULL || strcmp(token, "-") == 0)
		return LIVE;
	if (eperm && proc_here() && !token_is_pidfs(token))
		return REUSED;
	return unknown(proc_gone(err) ? 0 : err);
}

/* PID's state and start-time token, compared with TOKEN (old form). */
static enum live
by_stat(pid_t pid, const char *token)
{
	struct pstat ps;
	int eperm;

	if (kill(pid, 0) == -1 && errno != EPERM)
		return DEAD;
	eperm = errno == EPERM;
	if (!proc_stat(pid, &ps))
		return unreadable(pid, token, eperm, errno);
	/*
	 * The token before the zombie rule: a zombie still shows its start
	 * time, and one that is not the record's is a stranger (and so is
	 * the group it leads).  An exact token cannot be compared here.
	 */
	if (token != NULL && strcmp(token, "-") != 0 &&
	    (token_is_pidfs(token) || strcmp(token, ps.token) != 0))
		return token_is_pidfs(token) ? unknown(0) : REUSED;
	return zombie(&ps) ? ZOMBIE : LIVE;
}

/*
 * The verdict on the process that the pidfd FD (of PID) pins: its token
 * is read through FD (pidfs), or from /proc/PID/stat read before FD is
 * asked whether its process has exited, so the stat read was of FD's
 * process and not of a later one with its PID.  The token decides
 * before the zombie rule: a zombie whose start time is not the record's
 * is a stranger (a PID that held no group of ours can be reused only
 * once that group is gone), and only our own zombie is ZOMBIE.
 */
enum live
pidfd_live(int fd, pid_t pid, const char *token)
{
	char have[TOKEN_MAX + 1];
	struct pstat ps;
	int old, ok = 0, ex, err = 0;

	unknown_err = 0;
	if (token != NULL && strcmp(token, "-") == 0)
		token = NULL;
	old = token != NULL && !token_is_pidfs(token);
	if (token_is_pidfs(token)) {
		if (!pfd_token(fd, have))
			return unknown(0);
		if (strcmp(have, token) != 0)
			return REUSED;
	} else if (old && !(ok = proc_stat(pid, &ps))) {
		err = errno;
	}
	ex = pfd_exited(fd);
	if (old && ok && strcmp(token, ps.token) != 0)
		return REUSED;
	if (ex == -1)
		return unknown(errno);
	/* Exited, and its start time unread: reaped meanwhile, or unknown. */
	if (ex == 1 && old && !ok)
		return proc_gone(err) ? DEAD : unknown(err);
	if (ex == 1)
		return ZOMBIE;
	if (old && !ok)
		return unreadable(pid, token, kill(pid, 0) == -1 &&
		    errno == EPERM, err);
	return LIVE;
}

/*
 * LIVE: the process exists (kill(pid, 0) succeeds or fails with EPERM),
 * is not a zombie, and its token is TOKEN ("-" or NULL: any).
 */
enum live
pid_live(pid_t pid, const char *token)
{
	enum live l;
	int fd, err;

	unknown_err = 0;
	if (pid <= 0)
		return DEAD;
	if ((fd = pfd_open(pid)) != -1) {
		l = pidfd_live(fd, pid, token);
		close(fd);
		return l;
	}
	if ((err = errno) == ESRCH)
		return DEAD;
	/* No pidfds, PID is a thread, or no descriptor was left for one. */
	if ((l = by_stat(pid, token)) == UNKNOWN && unknown_err == 0 &&
	    proc_short(err))
		unknown_err = err;
	return l;
}

/*
 * A pidfd of PID, when it is LIVE with TOKEN (checked through the pidfd,
 * so it is of that process): poll() says when it ends.  -1 otherwise, and
 * where there are no pidfds.
 */
int
pid_watch(pid_t pid, const char *token)
{
	int fd;

	if (pid <= 0 || (fd = pfd_open(pid)) == -1)
		return -1;
	if (pidfd_live(fd, pid, token) == LIVE)
		return fd;
	close(fd);
	return -1;
}

/*
 * The token a record of FD's process (PID) gets: exact where it can be.
 * A start time read from /proc/PID/stat is FD's process's when that has
 * not exited since, or is the zombie still holding PID.  PID 0 is
 * ourselves, read as proc_stat() reads it (nothing kept).
 */
int
proc_token_fd(int fd, pid_t pid, char token[TOKEN_MAX + 1])
{
	struct pstat ps;

	if (fd != -1 && pfd_token(fd, token))
		return 1;
	if (!proc_stat(pid, &ps))
		return 0;
	memcpy(token, ps.token, strlen(ps.token) + 1);
	return fd == -1 || pfd_exited(fd) == 0 || ps.state == 'Z';
}

/*
 * PID's token now in the form of LIKE: its pidfs inode when LIKE is of
 * that form, else its start time.  0 when it cannot be had.
 */
int
proc_token_like(pid_t pid, const char *like, char token[TOKEN_MAX + 1])
{
	struct pstat ps;
	int fd, ok;

	if (token_is_pidfs(like)) {
		if ((fd = pfd_open(pid)) == -1)
			return 0;
		ok = pfd_token(fd, token);
		close(fd);
		return ok;
	}
	if (!proc_stat(pid, &ps))
		return 0;
	memcpy(token, ps.token, strlen(ps.token) + 1);
	return 1;
}

/*
 * The start a token names, as a number in *N, and its form: 1 a start
 * time (clock ticks after boot), 2 a pidfs inode (given in the order
 * processes are made); 0 when it is neither, or too big.  Of two tokens
 * of one form, the smaller number names the earlier start.
 */
int
token_age(const char *token, unsigned long long *n)
{
	int form = token_is_pidfs(token) ? 2 : 1;
	const char *p = token + (form == 2 ? sizeof PIDFS_PREFIX - 1 : 0);

	*n = 0;
	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || *n > (~0ULL - 9) / 10)
			return 0;
		*n = *n * 10 + (unsigned)(*p - '0');
	}
	return form;
}

/* PID's token now; 0 when there is none to be had (gone, no /proc). */
int
proc_token(pid_t pid, char token[TOKEN_MAX + 1])
{
	int fd = pfd_open(pid), ok;

	if (fd == -1 && errno == ESRCH)
		return 0;
	ok = proc_token_fd(fd, pid, token);
	if (fd != -1)
		close(fd);
	return ok;
}

#ifndef PRREG_NO_PROCFS

/*
 * The clock ticks a second of /proc/PID/stat (USER_HZ): as the kernel
 * tells a program it starts (AT_CLKTCK), which is what glibc's
 * sysconf(_SC_CLK_TCK) returns (musl's is 100, as Linux's is, and so
 * where it is not told).
 */
static long long
clock_ticks(void)
{
#ifdef __linux__
	unsigned long hz = getauxval(AT_CLKTCK);

	return hz != 0 ? (long long)hz : 100;	/* none told: USER_HZ */
#else
	return sysconf(_SC_CLK_TCK);
#endif
}

/*
 * When PID started, as a stamp: its start time (field 22 of
 * /proc/PID/stat, clock ticks after boot) after the time the system
 * booted (the realtime clock less the boot-time clock).  0 when it
 * cannot be read.
 */
int
proc_started(pid_t pid, char stamp[STAMP_LEN + 1])
{
	struct timespec real, boot;
	unsigned long long ticks = 0;
	long long ns, hz = clock_ticks();
	struct pstat ps;

	if (!proc_stat(pid, &ps) || hz <= 0 ||
	    clock_gettime(CLOCK_REALTIME, &real) == -1 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) == -1)
		return 0;
	if (num_next(ps.token, &ticks) == NULL)
		return 0;
	ns = (real.tv_sec - boot.tv_sec) * NS_PER_S +
	    (real.tv_nsec - boot.tv_nsec) +
	    (long long)(ticks / (unsigned long long)hz) * NS_PER_S +
	    (long long)(ticks % (unsigned long long)hz) * NS_PER_S / hz;
	if (ns < 0)
		return 0;
	stamp_fmt((unsigned long long)(ns / NS_PER_S), (long)(ns % NS_PER_S),
	    stamp);
	return 1;
}

/*
 * /proc, opened once: each process's files are read relative to it.  An
 * open that failed for want of descriptors or memory is tried again at
 * the next call; only a /proc that is not there stays so.
 */
static int procfd = -1;

int
proc_dirfd(void)
{
	static int none;

	if (none) {
		errno = ENOENT;
		return -1;
	}
	if (procfd == -1 && (procfd = open("/proc", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 && !proc_short(errno))
		none = 1;
	return procfd;
}

/*
 * /proc let go of, opened again when next needed: a process that lives
 * on under a low descriptor limit (a keeper) holds it no longer than a
 * look.
 */
void
proc_release(void)
{
	if (procfd != -1)
		close(procfd);
	procfd = -1;
}

/*
 * Whether procfs is mounted on /proc (an empty directory is not): its
 * self/stat opens (opened, not faccessat(), whose AT_EACCESS fork path a
 * static binary would carry).  One that cannot be told now (no
 * descriptor left) is taken to be, so that what cannot be read is
 * unknown, not "no /proc"; it is asked again.
 */
int
proc_here(void)
{
	static int here = -1;
	int fd;

	if (here == -1 && proc_dirfd() == -1 && !proc_short(errno))
		here = 0;
	else if (here == -1 && proc_dirfd() != -1 && (fd = openat(proc_dirfd(),
	    "self/stat", O_RDONLY | O_CLOEXEC)) != -1)
		here = 1, close(fd);
	else if (here == -1 && proc_dirfd() != -1 && !proc_short(errno))
		here = 0;
	return here != 0;
}

/* The number a field of /proc/PID/stat starts with (0 for none). */
static long
stat_num(const char *p)
{
	unsigned long long v;
	int neg;

	p += strspn(p, " ");
	neg = *p == '-';
	if (num_next(p + neg, &v) == NULL || v > LONG_MAX)
		return 0;
	return neg ? -(long)v : (long)v;
}

/*
 * /proc/PID/stat: "pid (comm) state ppid pgrp ... num_threads(20) ...
 * starttime(22) ...".  comm may hold ')' and blanks, so fields are
 * counted after the LAST ')'.
 */
static int
proc_stat_parse(const char *buf, size_t len, struct pstat *ps)
{
	const char *p = NULL, *q, *end = buf + len;
	size_t i, n;
	int field;

	for (q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (p == NULL || p + 2 >= end)
		return 0;
	p += 2;			/* past ") ": field 3, the state */
	ps->state = *p;
	ps->ppid = ps->pgrp = 0;
	ps->threads = 0;
	ps->token[0] = '\0';
	for (field = 3; field < 22; field++) {
		if (field == 4)
			ps->ppid = (pid_t)stat_num(p);
		if (field == 5)
			ps->pgrp = (pid_t)stat_num(p);
		if (field == 20)
			ps->threads = (int)stat_num(p);
		while (p < end && *p != ' ')
			p++;
		if (p++ >= end)
			return 0;
	}
	for (i = 0, n = 0; p + i < end && p[i] >= '0' && p[i] <= '9'; i++)
		if (n < TOKEN_MAX)
			ps->token[n++] = p[i];
	ps->token[n] = '\0';
	return n > 0;
}

/*
 * 0 with errno: ENOENT or ESRCH when PID is gone (proc_gone()).  PID 0
 * is ourselves, read by our pid (as the parent reads it) with nothing
 * kept: a child that borrows its parent's memory (vfork) must leave no
 * /proc descriptor of its own in the parent's proc_dirfd().
 */
int
proc_stat(pid_t pid, struct pstat *ps)
{
	char path[40], buf[1024];
	int dirfd = AT_FDCWD;
	ssize_t n;

	if (pid != 0 && (dirfd = proc_dirfd()) == -1)
		return 0;
	fmt_snprintf(path, sizeof path, pid != 0 ? "%ld/stat" :
	    "/proc/%ld/stat", (long)(pid != 0 ? pid : getpid()));
	if ((n = read_at(dirfd, path, buf, sizeof buf)) == -1)
		return 0;
	if (n == 0 || !proc_stat_parse(buf, (size_t)n, ps)) {
		errno = n == 0 ? ESRCH : EIO;
		return 0;
	}
	return 1;
}

/*
 * Each pid the directory PATH under /proc names (NULL: /proc itself, the
 * processes; "PID/task": its threads), to FN, which returns nonzero to
 * end the list: proc_pids() returns what it returned then (-1 with
 * errno: a failure), 0 at the end, -1 with errno when the directory
 * cannot be read whole.
 */
int
proc_pids(const char *path, int (*fn)(void *arg, pid_t pid), void *arg)
{
	struct dirent *de;
	pid_t pid;
	DIR *d;
	int fd, rc = 0, e;

	if (proc_dirfd() == -1 || (fd = path == NULL ? dup(proc_dirfd()) :
	    openat(proc_dirfd(), path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	rewinddir(d);	/* a dup of /proc shares its offset */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL || (pid_parse(de->d_name,
		    strlen(de->d_name), &pid) && (rc = fn(arg, pid)) != 0))
			break;
	}
	e = errno;	/* 0 at the end; FN's own when it ended the list */
	closedir(d);
	errno = e;
	return rc != 0 ? rc : e != 0 ? -1 : 0;
}

#else /* PRREG_NO_PROCFS */

/* No /proc is held. */
void
proc_release(void)
{
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* When PID started: ps's start time (UTC, since ps runs with TZ=UTC0). */
int
proc_started(pid_t pid, char stamp[STAMP_LEN + 1])
{
	struct pstat ps;
	const char *t = ps.token;

	if (!proc_stat(pid, &ps) || strlen(ps.token) != 15)
		return 0;
	fmt_snprintf(stamp, STAMP_LEN + 1, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s.000Z",
	    t, t + 4, t + 6, t + 9, t + 11, t + 13);
	return stamp_ok(stamp, STAMP_LEN);
}

int
proc_dirfd(void)
{
	return -1;
}

/* ps(1) is how this build learns about processes: it is always here. */
int
proc_here(void)
{
	return 1;
}

/*
 * ps -o stat= -o lstart=: "Sl   Thu Nov 26 21:37:31 2026".  The start
 * time becomes the token 20261126T213731; an 'l' in the state says the
 * process has threads.
 */
int
proc_stat(pid_t pid, struct pstat *ps)
{
	char pidarg[24], buf[256], mon[4], stat[8];
	char *const argv[] = { "ps", "-o", "stat=", "-o", "lstart=",
	    "-o", "pgid=", "-o", "ppid=", "-p", pidarg, NULL };
	int day, hh, mm, ss, year, pgrp, ppid;
	const char *m;
	ssize_t n;

	fmt_snprintf(pidarg, sizeof pidarg, "%ld", (long)pid);
	if ((n = run_read(argv, buf, sizeof buf)) == -1)
		return 0;	/* ps could not be run: errno says why */
	/* The state is a word of its own: "S" alone is as common as "Ss+". */
	if (n == 0 || fmt_sscanf(buf, " %7s %*s %3s %d %d:%d:%d %d %d %d",
	    stat, mon, &day, &hh, &mm, &ss, &year, &pgrp, &ppid) != 9) {
		/* Nothing from ps: gone, when kill() agrees. */
		errno = n == 0 && kill(pid, 0) == -1 && errno == ESRCH ?
		    ESRCH : EIO;
		return 0;
	}
	ps->state = stat[0];
	ps->threads = strchr(stat, 'l') != NULL ? 2 : 1;
	m = fmt_strstr(months, mon);
	if (m == NULL || (m - months) % 3 != 0) {
		errno = EIO;
		return 0;
	}
	ps->pgrp = pgrp;
	ps->ppid = ppid;
	fmt_snprintf(ps->token, sizeof ps->token, "%04d%02d%02dT%02d%02d%02d",
	    year, (int)(m - months) / 3 + 1, day, hh, mm, ss);
	return 1;
}

#endif
