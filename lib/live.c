/* live.c - is any process of a record live? */
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "desc.h"
#include "keeper.h"
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
 * Each process beyond R's own pid that S shows is R's, zombies left out,
 * given to FN (as the scan saw it, and why it is R's): what
 * carries Q->mark; then the members of R's group, while the group is
 * proven its own (Q->group, or FN took a member in it: PROC_IN_GROUP),
 * looked for only in the session of R's pid while that is in the group
 * (a group lies in one session); then, with Q->keeper, every live
 * descendant of the keeper (desc.h).  FN
 * returns PROC_STOP to end the look.  Returns whether it was ended so.
 */
int
rec_procs(const struct rec *r, const struct look *q, struct scan *s,
    int (*fn)(void *arg, const struct pent *p, enum why why), void *arg)
{
	struct pent **run;
	int group = q->group, rc;
	size_t i, n;
	pid_t sid;

	n = q->mark != NULL && s->done ? scan_marked(s, q->mark, &run) : 0;
	for (i = 0; i < n; i++) {
		if (run[i]->zombie || run[i]->pid == r->pid)
			continue;
		if ((rc = fn(arg, run[i], BY_MARK)) == PROC_STOP)
			return 1;
		group |= rc == PROC_IN_GROUP;
	}
	n = 0;
	if (group && r->pgid != 0 && s->done &&
	    !(kill(-r->pgid, 0) == -1 && errno == ESRCH)) {
		sid = getpgid(r->pid) == r->pgid ? getsid(r->pid) : -1;
		n = sid > 0 ? scan_group_in(s, r->pgid, sid, &run) :
		    scan_group(s, r->pgid, &run);
	}
	for (i = 0; i < n; i++)
		if (!run[i]->zombie && run[i]->pid != r->pid &&
		    fn(arg, run[i], BY_GROUP) == PROC_STOP)
			return 1;
	n = q->keeper != 0 && s->done ? desc_find(s, q->keeper, &run) : 0;
	for (i = 0, rc = PROC_NOT; i < n && rc != PROC_STOP; i++)
		rc = fn(arg, run[i], BY_DESC);
	if (n > 0)
		free(run);
	return rc == PROC_STOP;
}

/* What proves a record live: the first of its processes that is. */
struct first {
	pid_t pid;
	int unknown;		/* one could not be read: it may be */
};

static int
first_live(void *arg, const struct pent *p, enum why why)
{
	struct first *f = arg;

	(void)why;
	if (p->unknown) {
		f->unknown = 1;
		return PROC_NOT;
	}
	f->pid = p->pid;
	return PROC_STOP;
}

/*
 * R's keeper, when it has one and it lives (by its token): its pid, else
 * 0; *UNKNOWN set when it may live (its token cannot be read now).
 */
static pid_t
live_keeper(const struct rec *r, int *unknown)
{
	char token[TOKEN_MAX + 1];
	enum live l;
	pid_t pid;

	if (!keeper_of(r, &pid, token))
		return 0;
	if ((l = pid_live(pid, token)) == UNKNOWN)
		*unknown = 1;
	return l == LIVE ? pid : 0;
}

/* Whether R's keeper wrote its end: exit=, with keeper= (SPEC 5.3). */
static int
end_written(const struct rec *r)
{
	char token[TOKEN_MAX + 1];
	pid_t pid;

	return keeper_of(r, &pid, token) && keeper_exit(r) != -1;
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
	struct first f = { 0, 0 };
	struct look q = { NULL, 0, 0 };
	struct scan *s;
	int pop;

	*why = l == LIVE ? r->pid : -1;
	if (l == LIVE || l == UNKNOWN)
		return l;
	*why = -1;

	/*
	 * Its keeper wrote its end (SPEC 5.3) once the last of its
	 * descendants had ended: nothing of it is left to look for.
	 */
	if (end_written(r))
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
	q.group = l == ZOMBIE && r->pgid == r->pid &&
	    strcmp(r->f[F_TOKEN], "-") != 0 && kill(-r->pgid, 0) == 0;
	if (mark_of(r->pid, r->f[F_TOKEN], mark))
		q.mark = mark;
	/*
	 * A live keeper holds what is left of it: it ends once the last of
	 * its descendants has (a look at them could miss a fork loop that
	 * outruns it, never the keeper).
	 */
	if ((*why = live_keeper(r, &f.unknown)) != 0)
		return LIVE;
	*why = -1;
	if (!q.group && q.mark == NULL)
		return f.unknown ? UNKNOWN : l;
	if ((s = live_scan()) == NULL)
		return UNKNOWN;
	if (rec_procs(r, &q, s, first_live, &f)) {
		*why = f.pid;
		return LIVE;
	}
	return f.unknown ? UNKNOWN : l;
}

enum live
rec_live(const struct rec *r)
{
	pid_t why;

	return rec_live_as(r, pid_live(r->pid, r->f[F_TOKEN]), &why);
}

/*
 * A descriptor that poll() wakes (its events in *EVENTS) when what keeps
 * R live may have ended: its keeper while that lives (a pidfd of it),
 * else WHY, from rec_live_as(), a process that proves it live (a pidfd
 * of it), or 0 its cgroup (its cgroup.events).  -1 when
 * there is nothing to watch (no pidfds: the caller looks again by
 * itself).  What is watched is a hint: a member's pid reused since the
 * scan is watched in vain, and a caller bounds every wait (slot.c).
 */
int
rec_watch(const struct rec *r, pid_t why, short *events)
{
	char path[PATH_LEN], token[TOKEN_MAX + 1];
	pid_t keeper;
	int fd;

	*events = POLLIN;
	/*
	 * A live keeper ends after the last of the record's processes, once
	 * it wrote the record's end: a wake before it would find the record
	 * live still.
	 */
	if (why != -1 && keeper_of(r, &keeper, token) &&
	    (fd = pid_watch(keeper, token)) != -1)
		return fd;
	if (why > 0)
		return pid_watch(why, why == r->pid ? r->f[F_TOKEN] : NULL);
	*events = POLLPRI;
	return why == 0 && rec_cgroup(r, path) ? cg_events_fd(path) : -1;
}
