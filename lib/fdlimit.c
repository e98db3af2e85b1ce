/* fdlimit.c - raise the soft descriptor limit, and give it back. */
#define _GNU_SOURCE		/* prlimit(2) */
#include <limits.h>
#include <stddef.h>
#include <sys/resource.h>

#include "fdlimit.h"

static struct rlimit was;
static int raised;

/*
 * setrlimit(2) for this process.  On Linux it is prlimit(2), which musl's
 * setrlimit calls first anyway: its fallback for kernels before 2.6.36
 * (each thread told in turn, __synccall) is 1.8 kB of every static tool.
 */
int
rlimit_set(int res, const struct rlimit *r)
{
#ifdef __linux__
	return prlimit(0, res, r, NULL);
#else
	return setrlimit(res, r);
#endif
}

/* The soft limit up to the hard one; where that is refused, as it was. */
void
fd_limit_raise(void)
{
	struct rlimit r;

	if (raised || getrlimit(RLIMIT_NOFILE, &r) == -1 ||
	    r.rlim_cur >= r.rlim_max)
		return;
	was = r;
	r.rlim_cur = r.rlim_max;
	raised = rlimit_set(RLIMIT_NOFILE, &r) == 0;
}

/* The caller's own limit again (in a child, before it runs a command). */
void
fd_limit_restore(void)
{
	if (raised)
		rlimit_set(RLIMIT_NOFILE, &was);
}

long
fd_room(long reserve)
{
	struct rlimit r;
	rlim_t cur;

	if (getrlimit(RLIMIT_NOFILE, &r) == -1)
		return 0;
	cur = r.rlim_cur == RLIM_INFINITY || r.rlim_cur > (rlim_t)LONG_MAX ?
	    (rlim_t)LONG_MAX : r.rlim_cur;
	return (long)cur > reserve ? (long)cur - reserve : 0;
}
