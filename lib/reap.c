/* reap.c - signal recorded processes and wait for them to be gone. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "msg.h"
#include "pidfd.h"
#include "proc.h"
#include "reap.h"
#include "xalloc.h"

struct target {
	struct rec *r;
	int fd;			/* pidfd of r->pid, or -1 */
	int exited;		/* the pidfd said r->pid has exited */
	int ours;		/* r->pid was checked against its token */
	int moved;		/* r->pid has left r->pgid: said once */
	int *gone;
};

/* Why R must never be signalled, or NULL. */
const char *
reap_refusal(const struct rec *r)
{
	if (r->pid <= 1 || (r->pgid != 0 && r->pgid <= 1))
		return "pid or process group 0 or 1";
	if (r->pid == getpid())
		return "it is this process";
	if (r->pgid == getpgrp())
		return "it is this process's own process group";
	return NULL;
}

/* Whether R must never be signalled, said on stderr. */
int
reap_refused(const struct rec *r)
{
	const char *why = reap_refusal(r);

	if (why != NULL)
		warnx_("%s: refusing to signal: %s", r->f[F_ID], why);
	return why != NULL;
}

/*
 * Make T ours, with no window for PID reuse: check the token, open a
 * pidfd, check the token again.  From then on the pidfd cannot reach a
 * stranger.  Returns 0 when the process is not (or no longer) the one
 * recorded: gone, a zombie, or a stranger with its PID.
 */
static int
claim(struct target *t)
{
	const char *tok = t->r->f[F_TOKEN];

	if (pid_live(t->r->pid, tok) != LIVE)
		return 0;
	t->fd = pfd_open(t->r->pid);
	if (t->fd != -1 && pid_live(t->r->pid, tok) != LIVE) {
		close(t->fd);
		t->fd = -1;
		return 0;
	}
	return t->ours = 1;
}

static void
signal_target(struct target *t, int sig)
{
	const struct rec *r = t->r;
	int busy;

	/* Through the pidfd: pinned to our process (or the group it leads). */
	if (t->fd != -1 && r->pgid == 0 && pfd_signal(t->fd, sig, 0) == 0)
		return;
	if (t->fd != -1 && r->pgid == r->pid && pfd_signal(t->fd, sig, 1) == 0)
		return;

	/* Elsewhere: the token checked immediately before kill(). */
	if (pid_live(r->pid, r->f[F_TOKEN]) == LIVE) {
		if (r->pgid == 0)
			kill(r->pid, sig);
		else if (getpgid(r->pid) == r->pgid)
			kill(-r->pgid, sig);
		else if (!t->moved++)
			/* The group is no longer provably the one recorded. */
			warnx_("%s: not signalled: pid %ld has left process "
			    "group %ld", r->f[F_ID], (long)r->pid,
			    (long)r->pgid);
		return;
	}

	/*
	 * Our recorded process has exited but members of its group remain.
	 * While any member lives the group's id cannot be given to another.
	 */
	if (t->ours && r->pgid != 0 && groups_busy(&r->pgid, &busy, 1) > 0)
		kill(-r->pgid, sig);
}

/* Mark what is gone; returns how many targets are left. */
static size_t
update(struct target *t, size_t n, pid_t *pg, int *busy, size_t *ti)
{
	size_t i, ng = 0, left = 0;

	for (i = 0; i < n; i++) {
		if (*t[i].gone)
			continue;
		if (t[i].fd != -1 && !t[i].exited)
			left++;		/* alive: the pidfd would say */
		else if (t[i].r->pgid == 0)
			left += !(*t[i].gone =
			    pid_live(t[i].r->pid, t[i].r->f[F_TOKEN]) != LIVE);
		else
			pg[ng] = t[i].r->pgid, ti[ng++] = i;
	}
	/* One scan of the process table for all groups whose leader left. */
	if (ng > 0) {
		groups_busy(pg, busy, ng);
		for (i = 0; i < ng; i++)
			left += !(*t[ti[i]].gone = !busy[i]);
	}
	return left;
}

/*
 * Wait up to NS for every target to be gone: poll() on the pidfds of
 * those whose process lives, and sleeps of 1 ms doubling to 10 ms while
 * some must be looked at by hand (groups whose leader has exited, or no
 * pidfd).  Returns how many are left.
 */
static size_t
wait_gone(struct target *t, size_t n, long long ns)
{
	long long deadline = now_ns() + ns, left_ns;
	struct pollfd *pfd = xcalloc(n, sizeof *pfd);
	size_t *map = xcalloc(n, sizeof *map), *ti = xcalloc(n, sizeof *ti);
	pid_t *pg = xcalloc(n, sizeof *pg);
	int *busy = xcalloc(n, sizeof *busy), ms;
	struct backoff b = { 0 };
	size_t i, np, left;

	while ((left = update(t, n, pg, busy, ti)) > 0 &&
	    (left_ns = deadline - now_ns()) > 0) {
		int byhand = 0;

		for (i = 0, np = 0; i < n; i++) {
			if (*t[i].gone)
				continue;
			if (t[i].fd != -1 && !t[i].exited) {
				pfd[np].fd = t[i].fd;
				pfd[np].events = POLLIN;
				map[np++] = i;
			} else
				byhand = 1;
		}
		ms = ns_to_ms(byhand ? backoff_next(&b, left_ns) : left_ns);
		if (poll(pfd, np, ms) > 0) {
			for (i = 0; i < np; i++)
				if (pfd[i].revents != 0)
					t[map[i]].exited = 1;
			backoff_reset(&b);	/* look soon at its group */
		}
	}
	free(pfd), free(map), free(ti), free(pg), free(busy);
	return left;
}

/*
 * Stop the LIVE records RECS[0..N): O->sig, wait O->term_ns, SIGKILL what
 * is left, wait O->kill_ns.  GONE[i] tells which are gone; returns how
 * many are not (refused ones included).
 */
size_t
reap(struct rec **recs, size_t n, const struct reap_opts *o, int *gone)
{
	struct target *t = xcalloc(n, sizeof *t);
	size_t i, left;

	for (i = 0; i < n; i++) {
		t[i].r = recs[i];
		t[i].fd = -1;
		t[i].gone = &gone[i];
		gone[i] = 0;
		if (reap_refused(recs[i])) {
			gone[i] = -1;	/* out of the waiting below */
		} else if (!claim(&t[i])) {
			gone[i] = 1;	/* not ours any more: never signalled */
		} else if (o->sig != 0) {
			signal_target(&t[i], o->sig);
		}
	}
	left = wait_gone(t, n, o->term_ns);
	if (left > 0) {
		for (i = 0; i < n; i++)
			if (gone[i] == 0)
				signal_target(&t[i], SIGKILL);
		left = wait_gone(t, n, o->kill_ns);
	}
	for (i = 0; i < n; i++) {
		if (t[i].fd != -1)
			close(t[i].fd);
		if (gone[i] == -1)
			gone[i] = 0, left++;
	}
	free(t);
	return left;
}
