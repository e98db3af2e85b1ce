/*
 * pidfd.h - process file descriptors, where the kernel has them (Linux 5.3+).
 *
 * A pidfd pins one process: a signal sent through it can never reach
 * another process that got the same PID later, and poll() says when the
 * process has exited.  Elsewhere (and in the -DPRREG_NO_PROCFS build, which
 * stands for a system without them) pfd_open() fails with ENOSYS and
 * callers take the portable path: check the token, then kill().
 */
#ifndef PRREG_PIDFD_H
#define PRREG_PIDFD_H

#include <sys/types.h>

int pfd_open(pid_t pid);
int pfd_signal(int fd, int sig, int group);

#endif
