/* pidfd.c - pidfd_open(2) and pidfd_send_signal(2), or ENOSYS. */
#define _DEFAULT_SOURCE		/* syscall(2) */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "pidfd.h"

#if defined(__linux__) && !defined(PRREG_NO_PROCFS)
#include <sys/syscall.h>
#endif

#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)	/* Linux 6.9 */
#endif

int
pfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
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

#else

int
pfd_open(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

int
pfd_signal(int fd, int sig, int group)
{
	(void)fd, (void)sig, (void)group;
	errno = ENOSYS;
	return -1;
}

#endif
