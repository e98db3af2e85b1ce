/*
 * reserve.h - blocks of a file's file system taken ahead of a write, past
 * the file's end, its size and bytes left as they are (Linux's
 * fallocate(2) with FALLOC_FL_KEEP_SIZE).  Returns 0 or an errno value, as
 * posix_fallocate(3) does; where the kernel or the file system has no
 * such call, one that blocks_unsupported() tells apart, and nothing is
 * done (the portable path: the write allocates as it goes).
 */
#ifndef PRREG_RESERVE_H
#define PRREG_RESERVE_H

#include <sys/types.h>

int blocks_take(int fd, off_t len);
int blocks_unsupported(int e);

#endif
