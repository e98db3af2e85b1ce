/*
 * desc.c - the live descendants of a process, down the parents of a scan;
 * the kernel's lists of a process's children.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desc.h"
#include "fmt.h"
#include "sort.h"
#include "proc.h"
#include "sysread.h"
#include "word.h"
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

#ifndef PRREG_NO_PROCFS
/*
 * The children list at PATH (under /proc), "PID PID ... ", each pid to
 * FN.  procfs gives it a page at a time at most, and a list read in
 * pieces is no snapshot: one that may not have come whole in one read,
 * its length within a pid of BUF's or of a page (some 500 children and
 * more), is not read (EOVERFLOW), nor one not of the kernel's form (EIO).
 */
static int
list(const char *path, int (*fn)(void *arg, pid_t child), void *arg)
{
	char buf[4096];
	const char *p = buf, *q;
	unsigned long long v;
	ssize_t n = read_at(proc_dirfd(), path, buf, sizeof buf);

	if (n == -1 || n >= (ssize_t)sizeof buf - 12) {
		errno = n == -1 ? errno : EOVERFLOW;
		return -1;
	}
	for (; (q = num_next(p, &v)) != NULL; p = q)
		if (v == 0 || v > PID_MAXV)
			break;
		else if (fn(arg, (pid_t)v))
			return 1;
	if (p[strspn(p, " \n")] != '\0') {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* PID's threads' lists, for desc_children(). */
struct threads {
	pid_t pid;
	int (*fn)(void *arg, pid_t child);
	void *arg;
};

/* Thread TID's list: one that ended meanwhile has no children left. */
static int
thread_list(void *arg, pid_t tid)
{
	struct threads *t = arg;
	char path[64];
	int rc;

	fmt_snprintf(path, sizeof path, "%ld/task/%ld/children", (long)t->pid,
	    (long)tid);
	rc = list(path, t->fn, t->arg);
	return rc == -1 && tid != t->pid && proc_gone(errno) ? 0 : rc;
}

int
desc_children(pid_t pid, int threads, int (*fn)(void *arg, pid_t child),
    void *arg)
{
	struct threads t;
	char path[32];

	t.pid = pid, t.fn = fn, t.arg = arg;
	if (threads == 1)
		return thread_list(&t, pid);
	fmt_snprintf(path, sizeof path, "%ld/task", (long)pid);
	return proc_pids(path, thread_list, &t);
}
#else
int
desc_children(pid_t pid, int threads, int (*fn)(void *arg, pid_t child),
    void *arg)
{
	(void)pid, (void)threads, (void)fn, (void)arg;
	errno = ENOENT;	/* no such lists here */
	return -1;
}
#endif
