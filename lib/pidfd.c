/* pidfd.c - pidfd_open(2), pidfd_send_signal(2) and pidfs, or ENOSYS. */
#define _DEFAULT_SOURCE		/* syscall(2), fstatfs(2) */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fmt.h"
#include "pidfd.h"

#if defined(__linux__) && !defined(PRREG_NO_PROCFS)
#include <sys/syscall.h>
#include <sys/vfs.h>
#endif

/* A token of the exact form: "pidfs:" and the inode in decimal. */
int
token_is_pidfs(const char *token)
{
	return token != NULL &&
	    strncmp(token, PIDFS_PREFIX, sizeof PIDFS_PREFIX - 1) == 0;
}

/* 1 when the process FD pins has exited (all its threads), 0 if not. */
int
pfd_exited(int fd)
{
	struct pollfd p;

	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	while (poll(&p, 1, 0) == -1)
		if (errno != EINTR)
			return -1;
	return p.revents != 0;
}

#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)	/* Linux 6.9 */
#endif
#define PIDFS_MAGIC 0x50494446	/* "PIDF", Linux 6.9 */

int
pfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Whether this kernel gives pidfds at all (Linux 5.3+). */
int
pfd_here(void)
{
	static int here = -1;
	int fd;

	if (here == -1) {
		fd = pfd_open(getpid());
		here = fd != -1;
		if (fd != -1)
			close(fd);
	}
	return here;
}

/*
 * With GROUP, to the process group the pidfd's process leads; a kernel
 * without PIDFD_SIGNAL_PROCESS_GROUP says EINVAL, and the caller then
 * uses kill(-pgid) after checking the token once more.
 */
int
pfd_signal(int fd, int sig, int group)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL,
	    group ? PIDFD_SIGNAL_PROCESS_GROUP : 0U);
}

/*
 * SIG through FD with VALUE, as sigqueue(3) sends it (si_code SI_QUEUE):
 * a word to a process that looks at it (keeper_tell_forget()).
 */
int
pfd_queue(int fd, int sig, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, &si, 0U);
}

/*
 * The exact token of FD's process: 1 with TOKEN set where pidfds live in
 * pidfs (each process its own inode, never reused within a boot); 0 on
 * older kernels, where every pidfd shares one anonymous inode.
 */
int
pfd_token(int fd, char token[TOKEN_MAX + 1])
{
	static int pidfs = -1;
	struct statfs sf;
	struct stat st;

	if (pidfs == -1)
		pidfs = fstatfs(fd, &sf) == 0 &&
		    (unsigned long)sf.f_type == PIDFS_MAGIC;
	if (!pidfs || fstat(fd, &st) == -1)
		return 0;
	fmt_snprintf(token, TOKEN_MAX + 1, PIDFS_PREFIX "%llu",
	    (unsigned long long)st.st_ino);
	return 1;
}

#else

int
pfd_open(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

int
pfd_here(void)
{
	return 0;
}

int
pfd_signal(int fd, int sig, int group)
{
	(void)fd, (void)sig, (void)group;
	errno = ENOSYS;
	return -1;
}

int
pfd_queue(int fd, int sig, int value)
{
	(void)fd, (void)sig, (void)value;
	errno = ENOSYS;
	return -1;
}

int
pfd_token(int fd, char token[TOKEN_MAX + 1])
{
	(void)fd, (void)token;
	return 0;
}

#endif
