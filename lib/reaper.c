/* reaper.c - PR_SET_CHILD_SUBREAPER, or ENOSYS. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

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

/*
 * subreaper(), when we are none yet (the mark outlives exec(2)): 1 when
 * we were made one now, for subreaper_end() to undo; else 0.
 */
int
subreaper_begin(void)
{
#if defined(__linux__) && defined(PR_GET_CHILD_SUBREAPER)
	int on = 0;

	if (getpid() == 1 || prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == -1 ||
	    on)
		return 0;
	return subreaper() == 0;
#else
	return 0;
#endif
}

/* No longer a subreaper: orphans go on to the next one, or PID 1. */
void
subreaper_end(void)
{
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
#endif
}

/*
 * Whether we have no child at all, not even a zombie (one we inherited
 * across exec(2) included), without collecting any.
 */
int
childless(void)
{
	siginfo_t si;

	return waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WCONTINUED |
	    WNOHANG | WNOWAIT) == -1 && errno == ECHILD;
}

/*
 * Whether PID is a child of ours, not yet collected (a zombie included),
 * asked without collecting it: while it is, its pid is no other's.
 */
int
child_of_ours(pid_t pid)
{
	siginfo_t si;

	return waitid(P_PID, (id_t)pid, &si, WEXITED | WSTOPPED | WCONTINUED |
	    WNOHANG | WNOWAIT) == 0;
}
