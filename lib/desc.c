/* desc.c - the live descendants of a process, down the parents of a scan. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "desc.h"
#include "sort.h"
#include "proc.h"
#include "xalloc.h"

static int
by_ppid(const void *a, const void *b)
{
	pid_t x = (*(struct pent *const *)a)->ppid;
	pid_t y = (*(struct pent *const *)b)->ppid;

	return (x > y) - (x < y);
}

/*
 * Every live descendant of ROOT that the scan S shows (made now if it
 * was not), parents before their children, into *OUT (xmalloc'd, to be
 * freed; NULL when none); first those whose parent could not be read
 * (they may be).  Only the sessions that may hold one are looked in
 * (scan_near()).  Of our own descendants, what has ended since the scan
 * is left out: the ps(1) that made it, a child of ours, among them.
 */
size_t
desc_find(struct scan *s, pid_t root, struct pent ***out)
{
	char token[TOKEN_MAX + 1];
	struct pent **near, **by, **l;
	size_t i, j, n, lo, hi, len = 0, nby = 0;
	pid_t parent;

	*out = NULL;
	if (!s->done && scan_run(s, 0) == -1)
		return 0;
	n = scan_near(s, root, proc_token(root, token) ? token : NULL, &near);
	if (n == 0)
		return 0;
	l = xcalloc(n, sizeof *l);
	by = xcalloc(n, sizeof *by);
	/*
	 * Each pid walked once (ROOT's own left out, whatever its parent
	 * reads), so each process is taken once at most.
	 */
	for (i = 0; i < n; i++)
		if (near[i]->pid == root)
			continue;
		else if (near[i]->unknown & UNREAD_STAT)
			l[len++] = near[i];
		else
			by[nby++] = near[i];
	list_sort(by, nby, sizeof *by, by_ppid);
	for (j = 0; j == 0 || j <= len; j++) {
		parent = j == 0 ? root : l[j - 1]->pid;
		for (lo = 0, hi = nby; lo < hi; ) {
			size_t mid = lo + (hi - lo) / 2;

			if (by[mid]->ppid < parent)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nby && by[lo]->ppid == parent; lo++)
			l[len++] = by[lo];
	}
	free(by);
	for (i = j = 0; i < len; i++)
		if (root != getpid() || kill(l[i]->pid, 0) == 0 ||
		    errno != ESRCH)
			l[j++] = l[i];
	if (j == 0) {
		free(l);
		return 0;
	}
	*out = l;
	return j;
}
