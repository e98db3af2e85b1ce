/* live.c - is any process of a record live? */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cgroup.h"
#include "live.h"
#include "mark.h"
#include "msg.h"

static struct scan procs;

/* The scan of this run, made on first use; NULL when it cannot be had. */
struct scan *
live_scan(void)
{
	if (!procs.done && scan_run(&procs, 1) == -1)
		return NULL;
	return &procs;
}

/* The next look must scan anew (processes came and went). */
void
live_forget(void)
{
	scan_free(&procs);
}

/* R's cgroup=PATH into PATH, when it names one of ours. */
int
rec_cgroup(const struct rec *r, char path[PATH_LEN])
{
	size_t len;
	const char *v = rec_attr(r, CG_ATTR, &len);

	if (v == NULL || len >= PATH_LEN)
		return 0;
	memcpy(path, v, len);
	path[len] = '\0';
	return cg_ours(path);
}

/*
 * A record forgotten: its cgroup goes too, once empty (a populated one,
 * of a record forgotten with its processes live, stays, with them).
 */
void
rec_forget_cgroup(const struct rec *r)
{
	char path[PATH_LEN];

	if (rec_cgroup(r, path) && cg_populated(path) == 0 &&
	    cg_remove(path) == -1)
		warnx_("%s", failed_msg());
}

/*
 * Whether a process of group PGRP (or carrying MARK) is no zombie; the
 * recorded pid LEADER is not looked at (pid_live() said what it is).
 */
static int
any_live(const struct scan *s, pid_t leader, pid_t pgrp, const char *mark)
{
	struct pent **run;
	size_t i, n = mark != NULL ? scan_marked(s, mark, &run) :
	    scan_group(s, pgrp, &run);

	for (i = 0; i < n; i++)
		if (!run[i]->zombie && run[i]->pid != leader)
			return 1;
	return 0;
}

enum live
rec_live(const struct rec *r)
{
	enum live l = pid_live(r->pid, r->f[F_TOKEN]);
	char path[PATH_LEN], mark[MARK_MAX];
	struct scan *s;
	int pop;

	if (l == LIVE || l == UNKNOWN)
		return l;

	/* Its cgroup holds what it started, wherever it went. */
	if (rec_cgroup(r, path) && (pop = cg_populated(path)) != 0)
		return pop == 1 ? LIVE : UNKNOWN;

	/*
	 * A zombie leader of ours still holds its pid, so the group's id:
	 * any member is ours.  No member at all needs no scan.
	 */
	if (l == ZOMBIE && r->pgid == r->pid && strcmp(r->f[F_TOKEN], "-") &&
	    kill(-r->pgid, 0) == 0 &&
	    (s = live_scan()) != NULL && any_live(s, r->pid, r->pgid, NULL))
		return LIVE;

	/* What carries its marker is its own. */
	if (mark_of(r->pid, r->f[F_TOKEN], mark) && (s = live_scan()) != NULL &&
	    any_live(s, r->pid, 0, mark))
		return LIVE;
	return l;
}
