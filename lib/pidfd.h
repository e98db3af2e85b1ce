/*
 * pidfd.h - process file descriptors, where the kernel has them (Linux 5.3+).
 *
 * A pidfd pins one process: a signal sent through it can never reach
 * another process that got the same PID later, and poll() says when the
 * process (all of its threads) has exited.  Where the kernel has pidfs
 * (Linux 6.9+), the inode of a pidfd names its process exactly, once per
 * boot: that is the start token (pfd_token()).  Elsewhere (and in the
 * -DPRREG_NO_PROCFS build, which stands for a system without them)
 * pfd_open() fails with ENOSYS and callers take the portable path: check
 * the token, then kill().
 */
#ifndef PRREG_PIDFD_H
#define PRREG_PIDFD_H

#include <sys/types.h>

#include "word.h"

#define PIDFS_PREFIX "pidfs:"

int pfd_open(pid_t pid);
int pfd_here(void);
int pfd_signal(int fd, int sig, int group);
int pfd_queue(int fd, int sig, int value);
int pfd_exited(int fd);
int pfd_token(int fd, char token[TOKEN_MAX + 1]);
int token_is_pidfs(const char *token);

#endif
