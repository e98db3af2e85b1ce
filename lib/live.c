/* live.c - is any process of a record live? */
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

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
	const char *v = rec_get(r, A_CGROUP, &len);

	if (v == NULL || len >= PATH_LEN)
		return 0;
	memcpy(path, v, len);
	path[len] = '\0';
	return cg_ours(path);
}

/*
 * Before a record is forgotten: its cgroup goes, with what was made
 * below it, once empty (a populated one, of a record forgotten with its
 * processes live, stays, with them).  -1, said, when it could not be
 * removed: the record is then kept, so that its cgroup is not lost.
 */
int
rec_forget_cgroup(const struct rec *r)
{
	char path[PATH_LEN];

	if (rec_cgroup(r, path) && cg_populated(path) == 0 &&
	    cg_remove(path) == -1) {
		warnx_("%s: record kept: %s", r->f[F_ID], failed_msg());
		return -1;
	}
	return 0;
}

/*
 * A process of group PGRP (or carrying MARK) that is no zombie, or 0; the
 * recorded pid LEADER is not looked at (pid_live() said what it is).  The
 * group is in LEADER's session, when that can be told (LEADER, a zombie,
 * is in the group): only that session is looked in.  *UNK is set when
 * some process there could not be read (it may be one).
 */
static pid_t
any_live(struct scan *s, pid_t leader, pid_t pgrp, const char *mark,
    int *unk)
{
	struct pent **run;
	pid_t sid = mark == NULL ? getsid(leader) : -1;
	size_t i, n = mark != NULL ? scan_marked(s, mark, &run) : sid > 0 ?
	    scan_group_in(s, pgrp, sid, &run) : scan_group(s, pgrp, &run);

	for (i = 0; i < n; i++) {
		if (run[i]->pid == leader || run[i]->zombie)
			continue;
		if (!run[i]->unknown)
			return run[i]->pid;
		*unk = 1;
	}
	return 0;
}

/*
 * R's liveness, L being its own pid's (pid_live()), and in *WHY what
 * proves it LIVE: the pid of a process of it (its own or a member's), 0
 * when its cgroup does, -1 when nothing does.
 */
enum live
rec_live_as(const struct rec *r, enum live l, pid_t *why)
{
	char path[PATH_LEN], mark[MARK_MAX];
	struct scan *s = NULL;
	int pop, unk = 0, group, marked;

	*why = l == LIVE ? r->pid : -1;
	if (l == LIVE || l == UNKNOWN)
		return l;
	*why = 0;

	/* Its cgroup holds what it started, wherever it went. */
	if (rec_cgroup(r, path) && (pop = cg_populated(path)) != 0) {
		*why = pop == 1 ? 0 : -1;
		return pop == 1 ? LIVE : UNKNOWN;
	}

	/*
	 * A zombie leader of ours still holds its pid, so the group's id:
	 * any member is ours.  No member at all needs no scan.  What
	 * carries its marker is its own.  A look at the processes that
	 * cannot be made, or a process there that cannot be read, leaves
	 * the record unknown, never dead.
	 */
	group = l == ZOMBIE && r->pgid == r->pid &&
	    strcmp(r->f[F_TOKEN], "-") != 0 && kill(-r->pgid, 0) == 0;
	marked = mark_of(r->pid, r->f[F_TOKEN], mark);
	if ((group || marked) && (s = live_scan()) == NULL)
		unk = 1;
	if (s != NULL && group &&
	    (*why = any_live(s, r->pid, r->pgid, NULL, &unk)) != 0)
		return LIVE;
	if (s != NULL && marked &&
	    (*why = any_live(s, r->pid, 0, mark, &unk)) != 0)
		return LIVE;
	*why = -1;
	return unk ? UNKNOWN : l;
}

enum live
rec_live(const struct rec *r)
{
	pid_t why;

	return rec_live_as(r, pid_live(r->pid, r->f[F_TOKEN]), &why);
}

/*
 * A descriptor that poll() wakes (its events in *EVENTS) when what keeps
 * R live may have ended: WHY, from rec_live_as(), a process that proves
 * it live (a pidfd of it), or 0 its cgroup (its cgroup.events).  -1 when
 * there is nothing to watch (no pidfds: the caller looks again by
 * itself).  What is watched is a hint: a member's pid reused since the
 * scan is watched in vain, and a caller bounds every wait (slot.c).
 */
int
rec_watch(const struct rec *r, pid_t why, short *events)
{
	char path[PATH_LEN];

	*events = POLLIN;
	if (why > 0)
		return pid_watch(why, why == r->pid ? r->f[F_TOKEN] : NULL);
	*events = POLLPRI;
	return why == 0 && rec_cgroup(r, path) ? cg_events_fd(path) : -1;
}
