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
#include "live.h"
#include "mark.h"
#include "msg.h"
#include "pidfd.h"
#include "proc.h"
#include "reap.h"
#include "scan.h"
#include "xalloc.h"

/* One process of a record, pinned by its pidfd (-1: the portable path). */
struct member {
	pid_t pid;
	pid_t pgrp;		/* when it was found */
	int fd;
	int exited;
};

/* How a process found by a scan is checked again through its pidfd. */
enum why { BY_GROUP, BY_MARK, BY_CGROUP, BY_CHILD };

struct target {
	const struct rec *r;
	const struct reap_opts *o;
	int *gone;
	int stuck;		/* refused, unproven, not permitted: left */
	int lead;		/* m[0] is the recorded pid, claimed live */
	int zlead;		/* the recorded pid is our zombie */
	int marked, cgrouped, cgev;
	char mark[MARK_MAX];
	char cg[PATH_LEN];
	struct member *m;
	size_t nm, cap;
	int sig;		/* the last signal sent, for newcomers */
	int killed;		/* SIGKILL was needed */
	int children;		/* our own children are its processes */
	size_t told;		/* processes the first signal was for (-v) */
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
	snprintf(why, sizeof why, fmt, pid, (long)t->r->pgid);
	warnx_("%s: %s", t->r->f[F_ID], why);
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
add(struct target *t, pid_t pid, pid_t pgrp, int fd)
{
	struct member *m;

	if (known(t, pid))
		return NULL;
	if (t->nm == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->m = xrealloc(t->m, t->cap * sizeof *t->m);
	}
	m = &t->m[t->nm++];
	m->pid = pid, m->pgrp = pgrp, m->fd = fd, m->exited = 0;
	return m;
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

	if (fd != -1)
		l = pidfd_live(fd, r->pid, r->f[F_TOKEN]);
	else
		l = errno == ESRCH ? DEAD : pid_live(r->pid, r->f[F_TOKEN]);
	if (l == LIVE && r->pgid != 0)
		g = getpgid(r->pid);
	if (l == UNKNOWN) {
		snprintf(fmt, sizeof fmt, "%s: cannot read the start token of "
		    "pid %%ld (is /proc mounted?)", t->o->wait ?
		    "not waited for" : "not signalled");
		stuck(t, fmt, (long)r->pid);
	} else if (l == LIVE && r->pgid != 0 && g != r->pgid && t->o->wait) {
		/* Waited for as itself; the group is not proven its own. */
		add(t, r->pid, g, fd);
		return;
	} else if (l == LIVE && r->pgid != 0 && g != r->pgid) {
		/* The group is no longer provably the one recorded. */
		stuck(t, "not signalled: pid %ld has left process group %ld",
		    (long)r->pid);
	} else if (l == LIVE) {
		add(t, r->pid, r->pgid, fd);
		t->lead = 1;
		return;
	}
	/* A zombie of ours still holds its pid, and so its group's id. */
	t->zlead = l == ZOMBIE && strcmp(r->f[F_TOKEN], "-") != 0 &&
	    r->pgid == r->pid;
	if (fd != -1)
		close(fd);
	else if (t->zlead)
		add(t, r->pid, r->pgid, -1)->exited = 1;	/* by hand */
}

static void send(struct target *t, struct member *m, int sig);

/*
 * PID, found by a scan, becomes a member of T once its pidfd shows it is
 * still what the scan said (in the group, carrying the marker, in the
 * cgroup; a carrier, of the uid the scan saw, which proved it T's:
 * scan.h): the check reads /proc/PID before the pidfd is asked whether
 * its process has exited, so what was read was not a later process's.
 * One in our own process group makes T one never to be signalled.
 */
static void
adopt(struct target *t, pid_t pid, enum why why, uid_t uid)
{
	char mark[MARK_MAX];
	struct pstat ps;
	struct member *m;
	uid_t ruid;
	int fd, ok;

	if (pid == getpid() || t->stuck || known(t, pid) ||
	    (fd = pfd_open(pid)) == -1)
		return;
	ok = proc_stat(pid, &ps);
	if (ok && why == BY_GROUP)
		ok = ps.pgrp == t->r->pgid;
	else if (ok && why == BY_MARK)
		ok = mark_read(pid, mark, &ruid) && strcmp(mark, t->mark) ==
		    0 && ruid == uid;
	else if (ok && why == BY_CHILD)
		ok = ps.ppid == getpid();
	else if (ok)
		ok = cg_contains(t->cg, pid);
	if (!ok || pfd_exited(fd) != 0 || (m = add(t, pid, ps.pgrp, fd)) ==
	    NULL) {
		close(fd);
		return;
	}
	/* 0: a group outside our PID namespace, not one we can tell. */
	if (!t->o->wait && ps.pgrp != 0 && ps.pgrp == getpgrp())
		stuck(t, "refusing to signal: pid %ld, one of its processes, "
		    "is in this process's own process group", (long)pid);
	else if (t->sig != 0)
		send(t, m, t->sig);	/* what the others got */
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
 * Find T's processes beyond its pid: what carries its marker, what is in
 * its cgroup, the members of its group (once proven its own).  One scan
 * S serves all targets.
 */
static void
gather(struct target *t, struct scan *s)
{
	struct pent **run;
	size_t i, n;

	if (t->marked && s->done)
		for (i = 0, n = scan_marked(s, t->mark, &run); i < n; i++)
			if (!run[i]->zombie)
				adopt(t, run[i]->pid, BY_MARK,
				    run[i]->uid);
	gather_cgroup(t);
	if (t->r->pgid != 0 && s->done && group_proven(t))
		for (i = 0, n = scan_group(s, t->r->pgid, &run); i < n; i++)
			if (!run[i]->zombie)
				adopt(t, run[i]->pid, BY_GROUP, 0);
	/* A child of ours (a subreaper's orphan) cannot be a stranger. */
	for (i = 0, n = t->children ? scan_children(s, getpid(), &run) : 0;
	    i < n; i++)
		adopt(t, run[i]->pid, BY_CHILD, 0);
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
	if (m->exited || t->stuck)
		return;
	if (m->fd != -1)
		sent(t, pfd_signal(m->fd, sig, 0), m->pid);
	else if (pid_live(m->pid, t->r->f[F_TOKEN]) == LIVE)
		sent(t, kill(m->pid, sig), m->pid);
	else
		m->exited = 1;
}

/*
 * SIG to T's whole group at once, while its recorded pid is ours, live
 * and in it: through the leader's pidfd (Linux 6.9: the group flag), or
 * by kill(-pgid) right after the token and group are checked.  Returns
 * whether it was sent.
 */
static int
group_signal(struct target *t, int sig)
{
	const struct rec *r = t->r;
	struct member *m = t->m;	/* m[0]: the recorded pid, if lead */

	if (!t->lead || m == NULL || m->exited || r->pgid == 0)
		return 0;
	if (m->fd != -1 && r->pgid == r->pid) {
		if (pfd_signal(m->fd, sig, 1) == 0)
			return 1;
		if (errno != EINVAL) {
			sent(t, -1, r->pid);
			return 0;
		}
	}
	if ((m->fd != -1 ? pidfd_live(m->fd, r->pid, r->f[F_TOKEN]) :
	    pid_live(r->pid, r->f[F_TOKEN])) != LIVE ||
	    getpgid(r->pid) != r->pgid)
		return 0;
	if (kill(-r->pgid, sig) == -1) {
		sent(t, -1, r->pid);
		return 0;
	}
	return 1;
}

/* Whether some member of T's group, not a zombie, is left (by hand). */
static int
group_busy(const struct target *t, struct scan *s)
{
	struct pent **run;
	size_t i, n;

	if (t->r->pgid == 0 || kill(-t->r->pgid, 0) == -1 ||
	    scan_run(s, 0) == -1)
		return 0;
	for (i = 0, n = scan_group(s, t->r->pgid, &run); i < n; i++)
		if (!run[i]->zombie)
			return 1;
	return 0;
}

/* On the portable path, members are looked at by hand. */
static int
by_hand(const struct target *t)
{
	return t->nm > 0 && t->m[0].fd == -1;
}

/*
 * SIG, then CONT (that a stopped process may act on it; not after KILL),
 * to every process of T, each once: what the group signal reached is not
 * signalled again.
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
		if (pass == 1 && (sig == SIGKILL || sig == SIGCONT))
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

/*
 * Which targets have processes left.  A cgroup says itself when it is
 * empty (what it holds that we had not seen is taken in as it comes).
 * Otherwise, once every known process of a target has exited, a scan
 * looks for ones it had not seen (a fork just before the signal): one
 * scan for all such targets, made once no target has a process left to
 * wait for by its pidfd, or when FINAL; when only waiting, at once, so
 * that a target is told gone the moment it is.
 */
static size_t
update(struct target *t, size_t n, struct scan *s, int *byhand, int final)
{
	size_t i, left = 0, pending = 0, waiting = 0;
	struct target *x;

	*byhand = 0;
	for (i = 0; i < n; i++) {
		x = &t[i];
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
	if (scan_run(s, 1) == -1)
		scan_free(s);
	for (i = 0; i < n; i++) {
		x = &t[i];
		if (*x->gone || x->stuck || by_hand(x) || x->cgrouped ||
		    members_live(x))
			continue;
		gather(x, s);
		left += !settle(x, !members_live(x));
	}
	return left;
}

/* The pidfds of T's running processes, and its cgroup.events, to poll. */
static void
watch(struct target *t, struct pollfd **pfd, struct member ***map,
    size_t *np, size_t *cap)
{
	size_t i;

	for (i = 0; i <= t->nm; i++) {
		int fd = i < t->nm ? (t->m[i].exited ? -1 : t->m[i].fd) :
		    (t->cgrouped ? t->cgev : -1);

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
}

/*
 * Wait up to NS (< 0: no limit) for every target to be gone, asleep in
 * poll(2) on the pidfds of their processes and on the cgroup.events of
 * their cgroups: an exit wakes it in the kernel.  On the portable path,
 * or with nothing to poll, it looks by hand, 1 ms doubling to 10 ms
 * apart.  Returns how many have processes left.
 */
static size_t
wait_gone(struct target *t, size_t n, long long ns, struct scan *s)
{
	long long deadline = ns < 0 ? LLONG_MAX : now_ns() + ns, left_ns;
	struct pollfd *pfd = NULL;
	struct member **map = NULL;
	struct backoff b = { 0 };
	size_t i, np, cap = 0, left;
	int byhand;

	while ((left = update(t, n, s, &byhand, 0)) > 0 &&
	    (left_ns = deadline - now_ns()) > 0) {
		for (i = 0, np = 0; i < n; i++)
			if (!*t[i].gone && !t[i].stuck)
				watch(&t[i], &pfd, &map, &np, &cap);
		if (poll(pfd, np, ns_to_ms(byhand || np == 0 ?
		    backoff_next(&b, left_ns) : left_ns)) > 0)
			for (i = 0; i < np; i++)
				if (pfd[i].revents != 0 && map[i] != NULL)
					map[i]->exited = 1;
	}
	free(pfd), free(map);
	return left > 0 ? update(t, n, s, &byhand, 1) : 0;
}

/* What -v says of T, once it is done with. */
static void
say(const struct target *t, int first, long long t0, long long killed_at)
{
	const char *name = sig_name(first);
	char sig[32], k[64] = "";

	if (t->stuck)
		return;		/* it said why, once */
	if (first == 0)
		snprintf(sig, sizeof sig, "no signal sent");
	else if (name != NULL)
		snprintf(sig, sizeof sig, "%s sent", name);
	else
		snprintf(sig, sizeof sig, "signal %d sent", first);
	if (t->killed)
		snprintf(k, sizeof k, "; KILL after %lld ms",
		    (killed_at - t0) / NS_PER_MS);
	warnx_("%s: %s to %lu process%s%s; %s after %lld ms", t->r->f[F_ID],
	    sig, (unsigned long)t->told, t->told == 1 ? "" : "es", k,
	    *t->gone ? "gone" : "still there", (now_ns() - t0) / NS_PER_MS);
}

/*
 * Stop the LIVE records RECS[0..N): O->sig, wait O->term_ns, SIGKILL what
 * is left, wait O->kill_ns.  GONE[i] tells which are gone; returns how
 * many are not (refused ones included).  The empty cgroup subtree of a
 * gone record is removed; one that cannot be is said, and the record is
 * not gone.  With O->wait, only the wait of O->term_ns, and nothing
 * removed.
 */
size_t
reap(struct rec **recs, size_t n, const struct reap_opts *o, int *gone)
{
	struct target *t = xcalloc(n, sizeof *t);
	long long t0 = now_ns(), killed_at = 0;
	struct scan s;
	size_t i, j, left;
	int need = 0, env = 0;

	memset(&s, 0, sizeof s);
	for (i = 0; i < n; i++) {
		t[i].r = recs[i];
		t[i].o = o;
		t[i].gone = &gone[i];
		t[i].cgev = -1;
		t[i].children = o->children;
		gone[i] = 0;
		if (refused(recs[i], o->wait)) {
			t[i].stuck = 1;
			continue;
		}
		claim(&t[i]);
		t[i].marked = mark_of(recs[i]->pid, recs[i]->f[F_TOKEN],
		    t[i].mark);
		if ((t[i].cgrouped = rec_cgroup(recs[i], t[i].cg)))
			t[i].cgev = cg_events_fd(t[i].cg);
		env |= t[i].marked;
		need |= t[i].marked || t[i].children || (t[i].r->pgid != 0 &&
		    kill(-t[i].r->pgid, 0) == 0);
	}

	/* Everything that is theirs, found before the first signal. */
	if (need && pfd_here() && scan_run(&s, env) == -1)
		scan_free(&s);
	for (i = 0; i < n; i++) {
		if (t[i].stuck)
			continue;
		gather(&t[i], &s);
		t[i].told = t[i].nm;
		if (o->sig != 0 && !o->wait)
			signal_target(&t[i], o->sig, &s);
	}
	left = wait_gone(t, n, o->term_ns, &s);
	if (left > 0 && !o->wait) {
		killed_at = now_ns();
		for (i = 0; i < n; i++)
			if (!gone[i] && !t[i].stuck) {
				t[i].killed = 1;
				signal_target(&t[i], SIGKILL, &s);
			}
		left = wait_gone(t, n, o->kill_ns, &s);
	}
	for (i = 0; i < n; i++) {
		if (gone[i] && t[i].cgrouped && !o->wait &&
		    rec_forget_cgroup(recs[i]) == -1)
			gone[i] = 0, left++;	/* its cgroup stays, and it */
		if (o->verbose)
			say(&t[i], o->sig, t0, killed_at);
		for (j = 0; j < t[i].nm; j++)
			if (t[i].m[j].fd != -1)
				close(t[i].m[j].fd);
		if (t[i].cgev != -1)
			close(t[i].cgev);
		free(t[i].m);
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
