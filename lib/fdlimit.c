/* fdlimit.c - raise the soft descriptor limit, and give it back. */
#include <limits.h>
#include <sys/resource.h>

#include "fdlimit.h"

static struct rlimit was;
static int raised;

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
	raised = setrlimit(RLIMIT_NOFILE, &r) == 0;
}

/* The caller's own limit again (in a child, before it runs a command). */
void
fd_limit_restore(void)
{
	if (raised)
		setrlimit(RLIMIT_NOFILE, &was);
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
