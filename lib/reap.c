/*
 * reap.c - signal all processes of records and wait for them to be gone,
 * or (wait only) just wait.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "cgroup.h"
#include "clock.h"
#include "desc.h"
#include "fmt.h"
#include "keeper.h"
#include "fdlimit.h"
#include "live.h"
#include "mark.h"
#include "msg.h"
#include "pidfd.h"
#include "proc.h"
#include "reap.h"
#include "reaper.h"
#include "scan.h"
#include "xalloc.h"

/*
 * One process of a record, pinned by its pidfd while one is held for it
 * (fd; -1: not held, or the portable path).  A member whose pidfd is not
 * held is opened again, and checked again as it was found (why), each
 * time it is signalled or looked at.
 */
struct member {
	pid_t pid;
	pid_t pgrp;		/* when it was found */
	int fd;
	int exited;
	enum why why;
	uid_t uid;		/* BY_MARK: the carrier's, when it was found */
};

/*
 * The pidfds (and cgroup.events) held at once, at most: what the
 * descriptor limit leaves once RESERVE is kept for the rest of the run
 * (the registry, /proc, a file read, a pidfd opened to check a member,
 * and up to VOUCH_MAX more to prove its parents again: descends()).
 * A group of more processes than that is watched in part by pidfds, the
 * rest looked at by hand; a pidfd is closed as soon as its process ends.
 */
#define RESERVE 64
static long room;

struct target {
	const struct rec *r;
	const struct reap_opts *o;
	int *gone;
	int stuck;		/* refused, unproven, not permitted, unread: left */
	int hand;		/* no pidfds: the portable path */
	int lead;		/* m[0] is the recorded pid, claimed live */
	int zlead;		/* the recorded pid is our zombie */
	int marked, cgrouped, cgev;
	char mark[MARK_MAX];
	char cg[PATH_LEN];
	struct member *m;
	size_t nm, cap;
	int sig;		/* the last signal sent, for newcomers */
	int killed;		/* SIGKILL was needed */
	const struct sched *sched;	/* what it is stopped by */
	struct sched *own;	/* its stop=, when that stands */
	size_t step;		/* the next item of the schedule */
	size_t rep;		/* after forever: where to repeat from, +1 */
	long long due;		/* when the wait it is in ends */
	int done;		/* past its schedule's last item */
	int first;		/* the first signal of its schedule */
	int signalled;		/* ... is known */
	long long killed_at;	/* when SIGKILL was sent */
	pid_t keeper;		/* its keeper's descendants are its, or 0 */
	int kfd;		/* a pidfd of the keeper; -1: it is us */
	int nolist;		/* the keeper's children list was not read */
	pid_t kstop;		/* no pidfds: the keeper, to stop them at the end */
	size_t told;		/* processes the first signal was for (-v) */
	int *forgets;		/* o->told's: its keeper was told so */
};

/* Why R must never be signalled, or NULL. */
const char *
reap_refusal(const struct rec *r)
{
	if (r->pid <= 1 || (r->pgid != 0 && r->pgid <= 1))
		return "pid or process group 0 or 1";
	if (r->pid == getpid())
		return "it is this process";
	if (r->pgid != 0 && r->pgid == getpgrp())
		return "it is this process's own process group";
	return NULL;
}

/*
 * Whether R must never be signalled (or, WAIT, waited for: what we are
 * part of never ends while we wait), said on stderr.
 */
static int
refused(const struct rec *r, int wait)
{
	const char *why = reap_refusal(r);

	if (why != NULL)
		warnx_("%s: refusing to %s: %s", r->f[F_ID],
		    wait ? "wait" : "signal", why);
	return why != NULL;
}

int
reap_refused(const struct rec *r)
{
	return refused(r, 0);
}

/* T is not to be signalled (any more): said once, FMT with PID and pgid. */
static void
stuck(struct target *t, const char *fmt, long pid)
{
	char why[256];

	if (t->stuck++)
		return;
	fmt_snprintf(why, sizeof why, fmt, pid, (long)t->r->pgid);
	warnx_("%s: %s", t->r->f[F_ID], why);
}

/*
 * What T's processes are could not be read (ERR, of WHAT): T is left, said
 * once.  Unknown is never gone (SPEC 4.5).
 */
static void
lost(struct target *t, const char *what, long pid, const char *why)
{
	char w[64];

	if (t->stuck++)
		return;
	fmt_snprintf(w, sizeof w, what, pid);
	warnx_("%s: cannot tell whether it is gone: cannot read %s: %s",
	    t->r->f[F_ID], w, why);
}

/* What a scan could not read of a process, said as lost() says it. */
#define UNREAD_WHY "no descriptor or memory left"

/* FD kept for a member while there is room for it, else closed: -1. */
static int
hold(int fd)
{
	if (fd == -1 || room > 0) {
		room -= fd != -1;
		return fd;
	}
	close(fd);
	return -1;
}

static void
release(struct member *m)
{
	if (m->fd != -1) {
		close(m->fd);
		room++;
	}
	m->fd = -1;
}

/* Whether PID is a member of T already. */
static int
known(const struct target *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->nm; i++)
		if (t->m[i].pid == pid)
			return 1;
	return 0;
}

static struct member *
add(struct target *t, pid_t pid, pid_t pgrp, int fd, enum why why, uid_t uid)
{
	struct member *m;

	if (known(t, pid))
		return NULL;
	if (t->nm == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->m = xrealloc(t->m, t->cap * sizeof *t->m);
	}
	m = &t->m[t->nm++];
	m->pid = pid, m->pgrp = pgrp, m->fd = fd, m->exited = 0, m->why = why;
	m->uid = uid;
	return m;
}

static int check(struct target *t, pid_t pid, enum why why, uid_t uid,
    int fd, pid_t *pgrp);

/*
 * How deep descends() is in proving parents again (a check() within a
 * check()), and how deep it may go: a chain of members none of whose
 * pidfds is held is proven a few levels up, not to its top (each level
 * holds a descriptor, and a failed level was tried again by the one
 * above it); what is below waits to be found as the others are.
 */
static int vouching;
#define VOUCH_MAX 8

/*
 * Whether CHILD, read just now as a child of PPID, is T's: PPID is its
 * keeper, or one of its processes already proven, whose pidfd says it has
 * not exited since (so PPID was not yet another's).  A member whose pidfd
 * is not held (too few descriptors for all) is proven again now: a pidfd
 * of it, checked as it was found (check()), then CHILD read again as its
 * child while that pidfd's process lives, so that the parent it names is
 * that process, T's.  (Without that, its children were found only once
 * orphaned to the keeper: after the signal they were to get first.)
 */
static int
descends(struct target *t, pid_t child, pid_t ppid)
{
	struct pstat ps;
	size_t i;
	pid_t g;
	int fd, ok, e;

	if (ppid == t->keeper)
		return t->kfd == -1 || pfd_exited(t->kfd) == 0;
	for (i = 0; i < t->nm; i++) {
		if (t->m[i].pid != ppid)
			continue;
		if (t->m[i].fd != -1)
			return pfd_exited(t->m[i].fd) == 0;
		/*
		 * A proof that fails (no descriptor left, a read refused) is
		 * no proof, and no loss: the child is not taken now, as
		 * before, and errno is the caller's as it was.
		 */
		e = errno;
		ok = 0;
		if (!t->stuck && vouching < VOUCH_MAX &&
		    (fd = pfd_open(ppid)) != -1) {
			vouching++;
			ok = check(t, ppid, t->m[i].why, t->m[i].uid, fd,
			    &g) == 1 && proc_stat(child, &ps) &&
			    ps.ppid == ppid && pfd_exited(fd) == 0;
			vouching--;
			close(fd);
		}
		errno = e;
		return ok;
	}
	return 0;
}

/*
 * R's keeper, when it lives, into T: its descendants are R's (SPEC 5.1),
 * the keeper proven by a pidfd checked against its token.  With
 * O->children we are the keeper (or prspawn -w, a subreaper).
 */
static void
claim_keeper(struct target *t)
{
	char token[TOKEN_MAX + 1];
	pid_t pid;
	int fd;

	t->kfd = -1;
	if (t->o->children) {
		t->keeper = getpid();
		return;
	}
	if (!keeper_of(t->r, &pid, token))
		return;
	if ((fd = pfd_open(pid)) == -1) {
		/*
		 * No pidfds: once the rest is gone, the keeper stops what
		 * it holds (reap()); not when only waiting, nor when it is
		 * our child (prspawn's undo ends it itself).
		 */
		if (errno != ESRCH && !t->o->wait && !child_of_ours(pid))
			t->kstop = pid;
		return;
	}
	if (pidfd_live(fd, pid, token) != LIVE) {
		close(fd);
		return;
	}
	t->keeper = pid;
	t->kfd = fd;
}

/*
 * Whether T's keeper (not us), still that process, has a live child now:
 * one a look at every process missed (a fork loop outruns it), so T is
 * not gone; it is looked for again.
 */
static int
keeper_holds(const struct target *t)
{
	return t->keeper != 0 && t->kfd != -1 && keeper_busy(t->keeper) &&
	    pfd_exited(t->kfd) == 0;
}

static int group_proven(const struct target *t);

/*
 * Whether PID, pinned by the pidfd FD, is (still) T's for WHY: its group,
 * marker, cgroup or parent read now, then FD asked whether its process
 * has exited, so that what was read was not a later process's.  Its
 * group into *PGRP.  1 it is, 0 it is not (or has exited), -1 it could
 * not be read (said: T is left).
 */
static int
check(struct target *t, pid_t pid, enum why why, uid_t uid, int fd,
    pid_t *pgrp)
{
	char mark[MARK_MAX];
	struct pstat ps;
	pid_t was = -1;
	uid_t ruid;
	int ok = 1;

	errno = 0;
	if ((*pgrp = getpgid(pid)) == -1)
		return 0;
	if (why == BY_GROUP)
		ok = *pgrp == t->r->pgid;
	else if (why == BY_MARK)
		ok = mark_read(pid, mark, &ruid) && strcmp(mark, t->mark) ==
		    0 && ruid == uid;
	else if (why == BY_DESC)
		/*
		 * A parent that exits as we look has handed its children on
		 * (to the keeper, a subreaper) before its pidfd says so: read
		 * again, it names the new one (the same one is not asked
		 * twice).  One in the group, proven T's, is T's whatever its
		 * parent.
		 */
		ok = (proc_stat(pid, &ps) && descends(t, pid, was = ps.ppid)) ||
		    (proc_stat(pid, &ps) && ps.ppid != was &&
		    descends(t, pid, ps.ppid)) ||
		    (t->r->pgid != 0 && *pgrp == t->r->pgid &&
		    group_proven(t));
	else if (why == BY_CGROUP)
		ok = cg_contains(t->cg, pid);
	else
		ok = pidfd_live(fd, pid, t->r->f[F_TOKEN]) == LIVE;
	if (!ok && why == BY_LEAD && live_unknown_err() != 0)
		errno = live_unknown_err();
	if (!ok && proc_short(errno)) {
		if (vouching)
			return 0;	/* a parent's proof: none, no loss */
		lost(t, "pid %ld", (long)pid, strerror(errno));
		return -1;
	}
	return ok && pfd_exited(fd) == 0;
}

/*
 * A pidfd of M, checked again (check()): held from now on while there is
 * room.  -1 when M has ended (said in M), or could not be read (T left).
 */
static int
reopen(struct target *t, struct member *m)
{
	pid_t g;
	int fd = pfd_open(m->pid), ok;

	if (fd == -1 && proc_short(errno))
		lost(t, "pid %ld", (long)m->pid, strerror(errno));
	if (fd == -1) {
		m->exited = !t->stuck;
		return -1;
	}
	if ((ok = check(t, m->pid, m->why, m->uid, fd, &g)) != 1) {
		close(fd);
		m->exited = ok == 0;
		return -1;
	}
	if (room > 0)
		m->fd = hold(fd);
	return fd;
}

/* A pidfd of M to use now: its own, or one opened again (done() after). */
static int
use(struct target *t, struct member *m)
{
	return m->fd != -1 ? m->fd : reopen(t, m);
}

static void
done(struct member *m, int fd)
{
	if (fd != -1 && fd != m->fd)
		close(fd);
}

/*
 * Claim the recorded pid: a pidfd of it, checked against the token
 * through the pidfd (pidfd_live()), so it cannot reach a stranger that
 * got the pid later.  A token that cannot be read is no proof: such a
 * record is never signalled, and cannot be told gone.
 */
static void
claim(struct target *t)
{
	const struct rec *r = t->r;
	char fmt[128];
	enum live l;
	pid_t g = 0;
	int fd = pfd_open(r->pid);

	if (fd == -1 && proc_short(errno)) {
		lost(t, "pid %ld", (long)r->pid, strerror(errno));
		return;
	}
	/* No pidfds (or PID is a thread): the portable path. */
	t->hand = fd == -1 && errno != ESRCH;
	if (fd != -1)
		l = pidfd_live(fd, r->pid, r->f[F_TOKEN]);
	else
		l = errno == ESRCH ? DEAD : pid_live(r->pid, r->f[F_TOKEN]);
	if (l == LIVE && r->pgid != 0)
		g = getpgid(r->pid);
	if (l == UNKNOWN && live_unknown_err() != 0) {
		lost(t, "pid %ld", (long)r->pid, strerror(live_unknown_err()));
	} else if (l == UNKNOWN) {
		fmt_snprintf(fmt, sizeof fmt, "%s: cannot read the start token "
		    "of pid %%ld (is /proc mounted?)", t->o->wait ?
		    "not waited for" : "not signalled");
		stuck(t, fmt, (long)r->pid);
	} else if (l == LIVE && r->pgid != 0 && g != r->pgid && t->o->wait) {
		/* Waited for as itself; the group is not proven its own. */
		add(t, r->pid, g, hold(fd), BY_LEAD, 0);
		return;
	} else if (l == LIVE && r->pgid != 0 && g != r->pgid) {
		/* The group is no longer provably the one recorded. */
		stuck(t, "not signalled: pid %ld has left process group %ld",
		    (long)r->pid);
	} else if (l == LIVE) {
		add(t, r->pid, r->pgid, hold(fd), BY_LEAD, 0);
		t->lead = 1;
		return;
	}
	/* A zombie of ours still holds its pid, and so its group's id. */
	t->zlead = l == ZOMBIE && strcmp(r->f[F_TOKEN], "-") != 0 &&
	    r->pgid == r->pid;
	if (fd != -1)
		close(fd);
	else if (t->zlead && t->hand)
		add(t, r->pid, r->pgid, -1, BY_LEAD, 0)->exited = 1;
}

static void send(struct target *t, struct member *m, int sig);

/*
 * PID, found by a scan, becomes a member of T once its pidfd shows it is
 * still what the scan said (check(); a carrier, of the uid the scan saw,
 * which proved it T's: scan.h).  One in our own process group makes T
 * one never to be signalled.  Its pidfd is kept while there is room; a
 * pidfd that cannot be opened for want of descriptors leaves T unknown,
 * never gone.
 */
static struct member *
adopt(struct target *t, pid_t pid, enum why why, uid_t uid)
{
	struct member *m;
	pid_t g;
	int fd;

	if (pid == getpid() || t->stuck || known(t, pid))
		return NULL;
	if ((fd = pfd_open(pid)) == -1) {
		if (proc_short(errno))
			lost(t, "pid %ld", (long)pid, strerror(errno));
		return NULL;
	}
	if (check(t, pid, why, uid, fd, &g) != 1 ||
	    (m = add(t, pid, g, fd, why, uid)) == NULL) {
		close(fd);
		return NULL;
	}
	/* 0: a group outside our PID namespace, not one we can tell. */
	if (!t->o->wait && g != 0 && g == getpgrp())
		stuck(t, "refusing to signal: pid %ld, one of its processes, "
		    "is in this process's own process group", (long)pid);
	else if (t->sig != 0)
		send(t, m, t->sig);	/* what the others got */
	m->fd = hold(fd);
	return m;
}

/*
 * The group is T's own while its recorded pid is ours (live, or a zombie
 * holding the group's id) or a member of ours is in it.
 */
static int
group_proven(const struct target *t)
{
	size_t i;

	if (t->lead || t->zlead)
		return 1;
	for (i = 0; i < t->nm; i++)
		if (!t->m[i].exited && t->m[i].pgrp == t->r->pgid)
			return 1;
	return 0;
}

/* What is in T's cgroup: it says so itself, no scan needed. */
static void
gather_cgroup(struct target *t)
{
	pid_t pids[4096];
	size_t i, n;

	if (!t->cgrouped)
		return;
	n = cg_pids(t->cg, pids, sizeof pids / sizeof pids[0]);
	for (i = 0; i < n && i < sizeof pids / sizeof pids[0]; i++)
		adopt(t, pids[i], BY_CGROUP, 0);
}

/*
 * A process rec_procs() says is T's, taken once checked (adopt()); a
 * carrier whose environment the scan could not read leaves T unknown.
 */
static int
take(void *arg, const struct pent *p, enum why why)
{
	struct target *t = arg;
	struct member *m = NULL;

	if (why == BY_MARK && (p->unknown & UNREAD_MARK))
		lost(t, "pid %ld", (long)p->pid, UNREAD_WHY);
	else
		m = adopt(t, p->pid, why, why == BY_MARK ? p->uid : 0);
	if (t->stuck)
		return PROC_STOP;
	return m == NULL ? PROC_NOT : m->pgrp == t->r->pgid ? PROC_IN_GROUP :
	    PROC_TAKEN;
}

/*
 * Whether T's processes are found down the kernel's lists of children
 * from its keeper, with no look at every process: its keeper lives
 * (proven by its pidfd, or it is us), and its list did not fail to be
 * read (no such lists here).  Under a keeper, a subreaper that leads
 * its session, whatever carries the record's marker or is in its group
 * is a descendant of it (SPEC 5.1).
 */
static int
listed(const struct target *t)
{
	return t->keeper != 0 && !t->nolist && (t->kfd == -1 ?
	    t->o->children : pfd_exited(t->kfd) == 0);
}

/* A child found down the lists: T's once check() proves it (BY_DESC). */
static int
take_child(void *arg, pid_t pid)
{
	struct target *t = arg;

	adopt(t, pid, BY_DESC, 0);
	return t->stuck;
}

/*
 * T's processes down the lists (listed()): the keeper's children, then
 * the children of each member, those found included, so every level
 * down.  What a fork adds after its parent's list was read is found by
 * the next walk (update()), in its parent's list or, orphaned, in the
 * keeper's.  -1 when the keeper's list, or a live member's, cannot be
 * read but for want of descriptors (no such lists here, the keeper
 * gone, a list too long): T is then looked for in the scan instead.
 */
static int
walk(struct target *t)
{
	struct pstat ps;
	size_t i;
	pid_t pid;
	int rc;

	for (i = 0; i <= t->nm && !t->stuck; i++) {
		if (i > 0 && t->m[i - 1].exited)
			continue;
		pid = i == 0 ? t->keeper : t->m[i - 1].pid;
		/* (A leader shown a zombie may have threads that run.) */
		rc = i == 0 ? desc_children(pid, 1, take_child, t) :
		    !proc_stat(pid, &ps) ? -1 :
		    desc_children(pid, ps.threads, take_child, t);
		if (rc != -1 || (i > 0 && proc_gone(errno)))
			continue;
		if (!proc_short(errno)) {
			t->nolist = 1;
			return -1;
		}
		lost(t, "pid %ld", (long)pid, strerror(errno));
	}
	/*
	 * A keeper that ended meanwhile listed nothing to go by (its pid
	 * may name a stranger now): what it held is looked for whole.
	 */
	if (!listed(t)) {
		t->nolist = 1;
		return -1;
	}
	return 0;
}

/*
 * Find T's processes beyond its pid: what is in its cgroup, then, down
 * the lists when its keeper lives (walk()), else what rec_procs() finds
 * in the scan S (what carries its marker, the members of its group once
 * proven its own, its keeper's descendants).  One scan serves all
 * targets; *FRESH says whether S was made for this look, and did not
 * fail (it is made here for a keeper's record that the lists failed,
 * and *FRESH set when it did not fail).
 */
static void
gather(struct target *t, struct scan *s, int *fresh)
{
	struct look q;

	gather_cgroup(t);
	if (listed(t) && !t->stuck && walk(t) == 0)
		return;
	/*
	 * A keeper's record the lists did not serve (the keeper ended
	 * since they were chosen, or its list was not read) is looked for
	 * in a scan made now: one made before, one that failed, or none,
	 * would show nothing of what the keeper held, and it would be taken
	 * for gone.
	 */
	if (t->keeper != 0 && !*fresh && !t->stuck) {
		if (scan_run(s, 1) == -1)	/* (it freed S) */
			lost(t, "the process table", 0, strerror(errno));
		*fresh = s->done;
	}
	q.mark = t->marked ? t->mark : NULL;
	q.group = group_proven(t);
	/* Under a keeper (a subreaper), nothing it started leaves it. */
	q.keeper = t->keeper;
	if (!t->stuck)
		rec_procs(t->r, &q, s, take, t);
}

/*
 * What a signal's failure says: not permitted is said, once.  Only
 * waiting, the signal is 0, a look: not permitted means it is there.
 */
static void
sent(struct target *t, int rc, pid_t pid)
{
	if (rc == -1 && errno == EPERM && !t->o->wait)
		stuck(t, "cannot signal pid %ld: Operation not permitted",
		    (long)pid);
}

/*
 * SIG to one member: through its pidfd, or, on the portable path, right
 * after the token of the recorded pid is checked.
 */
static void
send(struct target *t, struct member *m, int sig)
{
	enum live l;
	int fd;

	if (m->exited || t->stuck)
		return;
	if (!t->hand) {
		if ((fd = use(t, m)) != -1)
			sent(t, pfd_signal(fd, sig, 0), m->pid);
		done(m, fd);
	} else if ((l = pid_live(m->pid, t->r->f[F_TOKEN])) == LIVE) {
		sent(t, kill(m->pid, sig), m->pid);
	} else if (l == UNKNOWN && live_unknown_err() != 0) {
		lost(t, "pid %ld", (long)m->pid, strerror(live_unknown_err()));
	} else {
		m->exited = 1;
	}
}

/*
 * SIG to T's whole group at once, while its recorded pid is ours, live
 * and in it: through the leader's pidfd (Linux 6.9: the group flag), or
 * by kill(-pgid) right after the token and group are checked.  Returns
 * whether it was sent.
 */
static int
group_send(struct target *t, int fd, int sig)
{
	const struct rec *r = t->r;

	if (fd != -1 && r->pgid == r->pid) {
		if (pfd_signal(fd, sig, 1) == 0)
			return 1;
		if (errno != EINVAL) {
			sent(t, -1, r->pid);
			return 0;
		}
	}
	if ((fd != -1 ? pidfd_live(fd, r->pid, r->f[F_TOKEN]) :
	    pid_live(r->pid, r->f[F_TOKEN])) != LIVE ||
	    getpgid(r->pid) != r->pgid)
		return 0;
	if (kill(-r->pgid, sig) == -1) {
		sent(t, -1, r->pid);
		return 0;
	}
	return 1;
}

static int
group_signal(struct target *t, int sig)
{
	struct member *m = t->m;	/* m[0]: the recorded pid, if lead */
	int fd, rc;

	if (!t->lead || m == NULL || m->exited || t->r->pgid == 0 || t->stuck)
		return 0;
	if ((fd = t->hand ? -1 : use(t, m)) == -1 && !t->hand)
		return 0;
	rc = group_send(t, fd, sig);
	done(m, fd);
	return rc;
}

/*
 * Whether some member of T's group, not a zombie, is left (by hand).  A
 * look that cannot be made leaves T unknown (and busy).
 */
static int
group_busy(struct target *t, struct scan *s)
{
	struct pent **run;
	size_t i, n;

	if (t->r->pgid == 0 || kill(-t->r->pgid, 0) == -1)
		return 0;
	if (scan_run(s, 0) == -1) {
		lost(t, "the process table", 0, strerror(errno));
		return 1;
	}
	for (i = 0, n = scan_group(s, t->r->pgid, &run); i < n; i++)
		if (!run[i]->zombie)
			return 1;
	return 0;
}

/* Whether T's processes are looked for in a scan: it may have some. */
static int
needs_scan(const struct target *t)
{
	return !listed(t) && (t->marked || t->keeper != 0 ||
	    (t->r->pgid != 0 && kill(-t->r->pgid, 0) == 0));
}

/* On the portable path, members are looked at by hand. */
static int
by_hand(const struct target *t)
{
	return t->hand && t->nm > 0;
}

/*
 * The members of T whose pidfd is not held, looked at by hand (a pidfd
 * opened, checked, asked whether it has exited): those that have are
 * marked so.  A look that cannot be made leaves T unknown.
 */
static void
look(struct target *t)
{
	struct member *m;
	size_t i;
	int fd;

	for (i = 0; i < t->nm && !t->stuck && !t->hand; i++) {
		m = &t->m[i];
		if (!m->exited && m->fd == -1 && (fd = reopen(t, m)) != -1)
			done(m, fd);	/* reopen() said whether it ended */
	}
}

/*
 * Whether CONT follows SIG, so that a stopped process may act on it: not
 * after KILL (a stopped process dies of it) or CONT, nor after a signal
 * that stops (STOP, TSTP, TTIN, TTOU): a schedule that asks for one
 * means it, and CONT would undo it.
 */
static int
cont_after(int sig)
{
	return sig != SIGKILL && sig != SIGCONT && sig != SIGSTOP &&
	    sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU;
}

/*
 * SIG, then CONT when it follows SIG (cont_after()), to every process of
 * T, each once: what the group signal reached is not signalled again.
 */
static void
signal_target(struct target *t, int sig, struct scan *s)
{
	size_t i;
	int pass, g, cur;

	t->sig = sig;
	/*
	 * KILL to the whole cgroup subtree at once (what forks meanwhile
	 * too), and to every process known, which may be outside it.
	 */
	if (sig == SIGKILL && t->cgrouped)
		cg_kill(t->cg);
	for (pass = 0; pass < 2; pass++) {
		cur = pass == 0 ? sig : SIGCONT;
		if (pass == 1 && !cont_after(sig))
			break;
		g = group_signal(t, cur);
		for (i = 0; i < t->nm; i++)
			if (!(g && (t->m[i].pgrp == t->r->pgid ||
			    (i == 0 && t->lead))))
				send(t, &t->m[i], cur);
		/*
		 * The portable path knows no members: once the recorded
		 * process has exited, what is left of its group (proven
		 * ours while it lived, or while it is our zombie) is
		 * signalled by its id.
		 */
		if ((t->lead || t->zlead) && by_hand(t) && !g &&
		    t->m[0].exited && group_busy(t, s))
			sent(t, kill(-t->r->pgid, cur), t->r->pid);
	}
}

static int
members_live(const struct target *t)
{
	size_t i;

	for (i = 0; i < t->nm; i++)
		if (!t->m[i].exited)
			return 1;
	return 0;
}

/* X is gone or not, as GONE says; the moment it is, the hook hears it. */
static int
settle(struct target *x, int gone)
{
	*x->gone = gone;
	if (gone && x->o->gone_hook != NULL)
		x->o->gone_hook(x->r, x->o->arg);
	return gone;
}

/* Whether X, every known process of it exited, is looked for whole. */
static int
gathers(const struct target *x)
{
	return !*x->gone && !x->stuck && !by_hand(x) && !x->cgrouped &&
	    !members_live(x);
}

/*
 * Which targets have processes left.  A cgroup says itself when it is
 * empty (what it holds that we had not seen is taken in as it comes).
 * Otherwise, once every known process of a target has exited, a scan
 * looks for ones it had not seen (a fork just before the signal): one
 * scan for all such targets, made once no target has a process left to
 * wait for by its pidfd, or when FINAL; when only waiting, at once, so
 * that a target is told gone the moment it is.  A scan that cannot be
 * made leaves each target that needs one unknown, never gone.
 */
static size_t
update(struct target *t, size_t n, struct scan *s, int *byhand, int final)
{
	size_t i, left = 0, pending = 0, waiting = 0;
	struct target *x;
	int err = 0, scan;

	*byhand = 0;
	for (i = 0; i < n; i++) {
		x = &t[i];
		look(x);
		if (*x->gone || x->stuck)
			continue;
		if (by_hand(x)) {
			*byhand = 1;
			send(x, &x->m[0], 0);	/* exited yet? */
			settle(x, x->m[0].exited && !((x->lead || x->zlead) &&
			    group_busy(x, s)));
		} else if (x->cgrouped) {
			gather_cgroup(x);
			settle(x, !members_live(x) && cg_populated(x->cg) == 0);
		} else if (!members_live(x)) {
			pending++;	/* gone, unless a scan finds more */
			continue;
		} else {
			waiting++;
		}
		left += !*x->gone;
	}
	if (pending == 0 || (waiting > 0 && !final && !t->o->wait))
		return left + pending;
	for (i = 0, scan = 0; i < n; i++)
		scan |= gathers(&t[i]) && !listed(&t[i]);
	if (scan && scan_run(s, 1) == -1) {	/* (it freed S) */
		err = errno;
		scan = 0;	/* not made: gather() tries again */
	}
	for (i = 0; i < n; i++) {
		x = &t[i];
		if (!gathers(x))
			continue;
		if (err != 0 && needs_scan(x))
			lost(x, "the process table", 0, strerror(err));
		gather(x, s, &scan);
		left += !settle(x, !members_live(x) && !x->stuck &&
		    !keeper_holds(x));
	}
	return left;
}

/*
 * The pidfds of T's running processes, and its cgroup.events, to poll.
 * Returns whether something of T is not watched so (a member whose pidfd
 * is not held, a cgroup whose cgroup.events is not): it is looked at by
 * hand.
 */
static int
watch(struct target *t, struct pollfd **pfd, struct member ***map,
    size_t *np, size_t *cap)
{
	size_t i;
	int blind = 0;

	for (i = 0; i <= t->nm; i++) {
		int fd = i < t->nm ? (t->m[i].exited ? -1 : t->m[i].fd) :
		    (t->cgrouped ? t->cgev : -1);

		if (i < t->nm && !t->m[i].exited && fd == -1)
			blind = 1;
		if (i == t->nm && t->cgrouped && fd == -1)
			blind = 1;
		if (fd == -1)
			continue;
		if (*np == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*pfd = xrealloc(*pfd, *cap * sizeof **pfd);
			*map = xrealloc(*map, *cap * sizeof **map);
		}
		(*pfd)[*np].fd = fd;
		(*pfd)[*np].events = i < t->nm ? POLLIN : POLLPRI;
		(*map)[(*np)++] = i < t->nm ? &t->m[i] : NULL;
	}
	return blind;
}

/* Whether T is still in its schedule, with processes left. */
static int
busy(const struct target *t)
{
	return !*t->gone && !t->stuck && !t->done;
}

/* SIG to T, as its schedule says (0 and only waiting: nothing). */
static int
shoot(struct target *t, int sig, struct scan *s, long long now)
{
	if (!t->signalled)
		t->signalled = 1, t->first = sig;
	if (sig == 0 || t->o->wait)
		return 0;
	/*
	 * Its keeper, which ends once the record's processes are gone, is
	 * told first that the record is to be forgotten: it removes it then,
	 * and there is nothing left for us to write.
	 */
	if (t->forgets != NULL && !*t->forgets && t->kfd != -1 &&
	    !t->cgrouped) {
		keeper_tell_forget(t->kfd);
		*t->forgets = 1;
	}
	if (sig == SIGKILL && !t->killed)
		t->killed = 1, t->killed_at = now;
	signal_target(t, sig, s);
	return 1;
}

/*
 * T's next items, as far as the next wait (which sets when T is due
 * again).  Past the last item T is done, unless forever sends it back.
 * Returns whether a signal was sent.
 */
static int
advance(struct target *t, struct scan *s, long long now)
{
	const struct sched_item *it;
	int sent = 0;

	while (!t->done) {
		if (t->step == t->sched->n && t->rep == 0) {
			t->done = 1;
			break;
		}
		if (t->step == t->sched->n)
			t->step = t->rep - 1;
		it = &t->sched->item[t->step++];
		if (it->kind == SCHED_FOREVER) {
			t->rep = t->step + 1;
		} else if (it->kind == SCHED_SIGNAL) {
			sent |= shoot(t, it->sig, s, now);
		} else {
			t->due = it->ns < 0 ? LLONG_MAX : now + it->ns;
			break;
		}
	}
	return sent;
}

/*
 * Run every target's schedule, each on its own clock, until each is
 * gone or past its last item: asleep in poll(2) on the pidfds of their
 * processes and on the cgroup.events of their cgroups (an exit wakes it
 * in the kernel) until the next wait ends.  On the portable path, or
 * with nothing to poll, it looks by hand, 1 ms doubling to 10 ms apart.
 * When a wait ends, what is left is looked for whole (a fork just before
 * the signal) before the next item.  Returns how many have processes
 * left.
 */
static size_t
run(struct target *t, size_t n, struct scan *s)
{
	long long now, next, wait;
	struct pollfd *pfd = NULL;
	struct member **map = NULL;
	struct backoff b = { 0 };
	size_t i, np, cap = 0, left, active;
	int byhand, ended, sent;

	for (;;) {
		now = now_ns();
		for (i = 0, ended = 0; i < n; i++)
			ended |= busy(&t[i]) && t[i].due != 0 &&
			    t[i].due <= now;
		left = update(t, n, s, &byhand, ended);
		next = LLONG_MAX, active = 0, sent = 0;
		for (i = 0; i < n; i++) {
			if (busy(&t[i]) && t[i].due <= now)
				sent |= advance(&t[i], s, now);
			if (!busy(&t[i]))
				continue;
			active++;
			if (t[i].due < next)
				next = t[i].due;
		}
		if (left == 0 || active == 0)
			break;
		for (i = 0, np = 0; i < n; i++)
			if (!*t[i].gone && !t[i].stuck)
				byhand |= watch(&t[i], &pfd, &map, &np, &cap);
		wait = next - now_ns();
		if (wait < 0)
			wait = 0;
		if (poll(pfd, np, ns_to_ms(byhand || np == 0 ?
		    backoff_next(&b, wait) : wait)) > 0)
			for (i = 0; i < np; i++)
				if (pfd[i].revents != 0 && map[i] != NULL) {
					map[i]->exited = 1;
					release(map[i]);  /* close as we go */
				}
	}
	free(pfd), free(map);
	/* Looked for whole just now, with nothing sent since: so it is. */
	if (left == 0 || (ended && !sent))
		return left;
	return update(t, n, s, &byhand, 1);
}

/* T's schedule: with O->rec_stop its record's stop=, else O's. */
static void
schedule(struct target *t)
{
	char v[WORD_MAX + 1];
	const char *a, *why;
	size_t len;

	t->sched = &t->o->stop;
	if (!t->o->rec_stop || t->o->wait ||
	    (a = rec_get(t->r, A_STOP, &len)) == NULL)
		return;
	fmt_snprintf(v, sizeof v, "%.*s", (int)len, a);
	t->own = xcalloc(1, sizeof *t->own);
	if ((why = sched_parse(v, t->own)) == NULL)
		t->sched = t->own;
	else
		warnx_("%s: %s=%s: invalid schedule (%s); stopped by the "
		    "default one", t->r->f[F_ID], attr_name(A_STOP),
		    arg_shown(v), why);
}

/* What -v says of T, once it is done with. */
static void
say(const struct target *t, long long t0)
{
	int first = t->first;
	const char *name = sig_name(first);
	char sig[32], k[64] = "";

	if (t->stuck)
		return;		/* it said why, once */
	if (first == 0)
		fmt_snprintf(sig, sizeof sig, "no signal sent");
	else if (name != NULL)
		fmt_snprintf(sig, sizeof sig, "%s sent", name);
	else
		fmt_snprintf(sig, sizeof sig, "signal %d sent", first);
	if (t->killed)
		fmt_snprintf(k, sizeof k, "; KILL after %lld ms",
		    (t->killed_at - t0) / NS_PER_MS);
	warnx_("%s: %s to %lu process%s%s; %s after %lld ms", t->r->f[F_ID],
	    sig, (unsigned long)t->told, t->told == 1 ? "" : "es", k,
	    *t->gone ? "gone" : "still there", (now_ns() - t0) / NS_PER_MS);
}

/*
 * The keepers of the records gone, each waited for until it has ended, for
 * KEEPER_END_NS in all.  Once its last descendant is gone a keeper writes
 * its end (the lock is not ours now) and exits, and -P's pid file names it
 * (SPEC 5.4): a prreap that returned before would leave `prpidcheck -f`
 * saying "running", and a start under the same pid file refused.  A
 * keeper that is not done by then (stopped; the lock held long by
 * another) ends on its own; its record goes all the same.
 */
#define KEEPER_END_NS (1000 * NS_PER_MS)

static void
keepers_end(const struct target *t, size_t n)
{
	long long end = now_ns() + KEEPER_END_NS;
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].kfd != -1 && *t[i].gone)
			keeper_wait_end(t[i].r, end);
}

/*
 * Stop the LIVE records RECS[0..N), each by its schedule.  GONE[i] tells
 * which are gone; returns how many are not (refused ones included).  The
 * empty cgroup subtree of a gone record is removed; one that cannot be is
 * said, and the record is not gone.  With O->wait, only the waits, and
 * nothing removed.
 */
size_t
reap(struct rec **recs, size_t n, const struct reap_opts *o, int *gone)
{
	struct target *t = xcalloc(n, sizeof *t);
	long long t0 = now_ns();
	struct scan s;
	size_t i, j, left;
	int need = 0, env = 0, err, fresh;

	memset(&s, 0, sizeof s);
	room = fd_room(RESERVE);
	for (i = 0; i < n; i++) {
		t[i].r = recs[i];
		t[i].o = o;
		t[i].gone = &gone[i];
		if (o->told != NULL)	/* zeroed by the caller */
			t[i].forgets = &o->told[i];
		t[i].cgev = -1;
		t[i].kfd = -1;
		gone[i] = 0;
		if (refused(recs[i], o->wait)) {
			t[i].stuck = 1;
			continue;
		}
		schedule(&t[i]);
		claim(&t[i]);
		claim_keeper(&t[i]);
		t[i].marked = mark_of(recs[i]->pid, recs[i]->f[F_TOKEN],
		    t[i].mark);
		if ((t[i].cgrouped = rec_cgroup(recs[i], t[i].cg)) && room > 0)
			t[i].cgev = hold(cg_events_fd(t[i].cg));
		env |= t[i].marked;
		need |= needs_scan(&t[i]);
	}

	/* Everything that is theirs, found before the first signal. */
	err = 0;
	if (need && pfd_here() && scan_run(&s, env) == -1)	/* freed S */
		err = errno;
	fresh = s.done;
	for (i = 0; i < n; i++) {
		if (err != 0 && needs_scan(&t[i]) && !t[i].hand)
			lost(&t[i], "the process table", 0, strerror(err));
		if (t[i].stuck)
			continue;
		gather(&t[i], &s, &fresh);
		t[i].told = t[i].nm;
	}
	left = run(t, n, &s);
	if (!o->wait)
		keepers_end(t, n);
	for (i = 0; i < n; i++) {
		if (gone[i] && t[i].cgrouped && !o->wait &&
		    rec_forget_cgroup(recs[i]) == -1)
			gone[i] = 0, left++;	/* its cgroup stays, and it */
		if (gone[i] && t[i].kstop != 0 && keeper_stop(recs[i]) != 1)
			stuck(&t[i], "not all stopped: its keeper, pid %ld, "
			    "lives on (no pidfds here)", (long)t[i].kstop);
		if (o->verbose)
			say(&t[i], t0);
		for (j = 0; j < t[i].nm; j++)
			release(&t[i].m[j]);
		if (t[i].cgev != -1)
			close(t[i].cgev), room++;
		if (t[i].kfd != -1)
			close(t[i].kfd);
		free(t[i].m);
		free(t[i].own);
		if (t[i].stuck)
			gone[i] = 0, left++;
		if (o->stuck != NULL)
			o->stuck[i] = t[i].stuck != 0;
	}
	scan_free(&s);
	live_forget();
	free(t);
	return left;
}
