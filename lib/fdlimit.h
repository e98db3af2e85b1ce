/*
 * fdlimit.h - the descriptor limit (RLIMIT_NOFILE).  Every tool raises its
 * soft limit to the hard one as it starts (msg_init()), so that a look at
 * many processes does not fail for want of descriptors; a command that
 * prspawn starts gets the caller's own limit back before it runs
 * (fd_limit_restore() in the child).  fd_room() is how many descriptors
 * a caller may keep open at once and still leave RESERVE for the rest of
 * the run: a tool never needs one per process (reap.c holds pidfds up to
 * it, and looks at the others by hand).
 */
#ifndef PRREG_FDLIMIT_H
#define PRREG_FDLIMIT_H

#include <sys/resource.h>

int rlimit_set(int res, const struct rlimit *r);	/* setrlimit(2) */
void fd_limit_raise(void);
void fd_limit_restore(void);
long fd_room(long reserve);

#endif
