/* desc.c - the live descendants of a process, down the parents of a scan. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "desc.h"
#include "xalloc.h"

/*
 * Every live descendant of ROOT that the scan S shows (made now if it
 * was not), parents before their children, into *OUT (xmalloc'd, to be
 * freed; NULL when none).  Of our own descendants, what has ended since
 * the scan is left out: the ps(1) that made it, a child of ours, among
 * them.
 */
size_t
desc_find(struct scan *s, pid_t root, struct pent ***out)
{
	struct pent **l = NULL, **run;
	size_t i, j, n, len = 0, cap = 0;
	pid_t parent;

	*out = NULL;
	if (!s->done && scan_run(s, 0) == -1)
		return 0;
	for (j = 0; j <= len; j++) {
		parent = j == 0 ? root : l[j - 1]->pid;
		for (i = 0, n = scan_children(s, parent, &run); i < n; i++) {
			if (len == cap) {
				cap = cap ? cap * 2 : 16;
				l = xrealloc(l, cap * sizeof *l);
			}
			l[len++] = run[i];
		}
	}
	for (i = j = 0; i < len; i++)
		if (root != getpid() || kill(l[i]->pid, 0) == 0 ||
		    errno != ESRCH)
			l[j++] = l[i];
	*out = l;
	return j;
}
