/* reaper.c - PR_SET_CHILD_SUBREAPER, or ENOSYS. */
#include <errno.h>
#include <unistd.h>

#include "reaper.h"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

int
subreaper(void)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
	if (getpid() == 1)
		return 0;	/* PID 1 gets every orphan already */
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}
