/*
 * sysread.h - read what the system reports: a small file (procfs), or the
 * output of a command run with LC_ALL=C and TZ=UTC0 (ps, on the portable path).
 * Both NUL-terminate what they read and return its length, -1 on error.
 */
#ifndef PRREG_SYSREAD_H
#define PRREG_SYSREAD_H

#include <sys/types.h>

ssize_t read_small(const char *path, char *buf, size_t size);
ssize_t read_at(int dirfd, const char *path, char *buf, size_t size);
ssize_t run_read(char *const argv[], char *buf, size_t size);

#endif
