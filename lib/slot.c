/* slot.c - make room, and wait for a slot, under the registry's lock. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "dirwatch.h"
#include "live.h"
#include "reglive.h"
#include "msg.h"
#include "owner.h"
#include "reap.h"
#include "slot.h"
#include "stop.h"

/*
 * -x: stop the live records of S's type and session (copies of them: the
 * registry is read anew after), then forget those that are gone
 * (stop_forget(), the lock released while they are stopped), each by
 * its own schedule (stop=), as prreap does.  R is locked on entry and,
 * unless it fails, on return.  Returns how many were to be stopped, or
 * -1.
 */
static long
stop_kind(struct reg *r, struct slot *s)
{
	struct reap_opts o = REAP_DEFAULTS;
	struct rec *copy = calloc(r->n + 1, sizeof *copy), *p;
	size_t i, n = 0;
	long left = 0;

	o.rec_stop = 1;
	if (copy == NULL)
		goto nomem;
	for (i = 0; i < r->n; i++) {
		p = &r->rec[i];
		if (!p->gone && strcmp(p->f[F_TYPE], s->type) == 0 &&
		    strcmp(p->f[F_SESSION], s->session) == 0 &&
		    reg_may_live(r, p)) {
			if (rec_copy(&copy[n], p) == -1)
				goto nomem;
			n++;
		}
	}
	if (n > 0 && (left = stop_forget(r, copy, n, &o, NULL)) >= 0)
		s->left = (unsigned long)left;
	for (i = 0; i < n; i++)
		rec_release(&copy[i]);
	free(copy);
	return left == -1 ? -1 : (long)n;
nomem:
	fail_sys(PR_SYS, "-x: cannot collect the records to stop");
	reg_unlock(r);
	for (i = 0; copy != NULL && i < n; i++)
		rec_release(&copy[i]);
	free(copy);
	return -1;
}

/*
 * What a waiter sleeps on (SPEC 4.3): a descriptor per holder of a slot,
 * that poll() wakes when it ends (rec_watch()), and one on the registry's
 * directory, that wakes when the registry is rewritten (a record added or
 * forgotten), and with a lifeline one on the owner, that wakes when it
 * ends.  Where one of them cannot be had, the waiter is blind and looks
 * again after a backoff, as it did before pidfds.
 */
struct watch {
	struct pollfd *fd;	/* the directory, the owner, then the holders */
	size_t n, cap;
	unsigned long live;	/* holders not seen to end */
	int blind;
	int deaf;		/* the directory or owner cannot be watched */
	struct backoff b;
};

enum { W_DIR, W_OWNER, W_HOLDERS };

/* How long a waiter that sees everything sleeps before it looks anyway. */
#define WATCH_MAX_NS (5 * NS_PER_S)
/* How soon it tries again when another holds the lock. */
#define BUSY_NS BACKOFF_MAX_NS

static void
watch_drop(struct watch *w)
{
	size_t i;

	for (i = W_HOLDERS; i < w->n; i++)
		if (w->fd[i].fd != -1)
			close(w->fd[i].fd);
	w->n = W_HOLDERS;
	w->live = 0;
	w->blind = w->deaf;
}

/* A holder of a slot, watched (reg_live_of()'s FN). */
static void
watch_one(void *arg, const struct rec *p, pid_t why)
{
	struct watch *w = arg;
	short ev;
	int fd;

	w->live++;
	if ((fd = rec_watch(p, why, &ev)) == -1) {
		w->blind = 1;
		return;
	}
	if (w->n == w->cap) {
		struct pollfd *m = realloc(w->fd, (w->cap * 2) * sizeof *m);

		if (m == NULL) {
			close(fd);
			w->blind = 1;
			return;
		}
		w->fd = m, w->cap *= 2;
	}
	w->fd[w->n].fd = fd;
	w->fd[w->n].events = ev;
	w->n++;
}

/*
 * The holders of S's type in R (loaded), watched, as many as fill the
 * slots: when one of them ends, the waiter looks again.  With FRESH, the
 * processes are looked at anew (R was read again since the last look).
 */
static void
watch_holders(struct watch *w, struct reg *r, const struct slot *s,
    int fresh)
{
	watch_drop(w);
	if (fresh)
		live_forget();
	reg_live_of(r, s->type, s->max, watch_one, w);
}

/*
 * Sleep until a look under the lock is worth it: a holder ended, the
 * owner of a lifeline ended, or a rewrite of the registry (read with no
 * lock, its records of the type only) shows a free slot, or CAP ns passed
 * (when blind: a backoff), or the deadline.  The look under the lock
 * reads the whole file: what the part read without it cannot tell (a line
 * of another type that holds the id of one of the type first) is right
 * again within WATCH_MAX_NS.
 */
static void
watch_wait(struct watch *w, struct reg *r, const struct slot *s,
    long long deadline, long long cap)
{
	long long t;
	size_t i;
	int freed;

	while ((t = deadline - now_ns()) > 0) {
		if (w->blind)
			t = backoff_next(&w->b, t);
		else if (t > cap)
			t = cap;
		if (poll(w->fd, w->n, ns_to_ms(t)) <= 0 || w->blind)
			return;		/* time to look (or EINTR) */
		if (w->fd[W_OWNER].revents != 0) {
			/* Once it has ended, looks (with backoffs) say so. */
			close(w->fd[W_OWNER].fd);
			w->fd[W_OWNER].fd = -1;
			w->deaf = 1;
			return;
		}
		for (i = W_HOLDERS, freed = 0; i < w->n; i++)
			if (w->fd[i].fd != -1 && w->fd[i].revents != 0) {
				close(w->fd[i].fd);
				w->fd[i].fd = -1;
				w->live--;
				freed = 1;
			}
		if (w->fd[W_DIR].revents != 0 &&
		    dw_changed(w->fd[W_DIR].fd, r->base)) {
			if (reg_load_of(r, s->type) == -1)
				return;		/* the look will say why */
			watch_holders(w, r, s, 1);
			cap = WATCH_MAX_NS;
			freed = 1;
		}
		if ((freed && w->live < s->max) || w->blind)
			return;
	}
}

int
slot_take(struct reg *r, struct slot *s)
{
	long long deadline = now_ns() + s->wait_ns, left;
	struct watch w;
	int waited = 0, rc;
	long n = 0;

	memset(&w, 0, sizeof w);
	s->watchfd = -1;
	w.cap = 8;
	if ((w.fd = malloc(w.cap * sizeof *w.fd)) == NULL) {
		fail_sys(PR_SYS, "-m: cannot wait for a slot");
		return SLOT_ERR;
	}
	w.fd[W_DIR].fd = s->max != 0 ? dw_open(r->dir, r->dirfd) : -1;
	w.fd[W_OWNER].fd = s->max != 0 && s->lifeline != NULL ?
	    owner_watch(s->lifeline) : -1;
	w.fd[W_DIR].events = w.fd[W_OWNER].events = POLLIN;
	w.deaf = w.fd[W_DIR].fd == -1 ||
	    (s->lifeline != NULL && w.fd[W_OWNER].fd == -1);
	w.n = W_HOLDERS;
	for (rc = -1; rc == -1;) {
		live_forget();	/* a count looks at the processes anew */
		/*
		 * After a wake, one waiter looks at a time: the others let it
		 * take the slot and write first, and look at what it wrote.
		 */
		if (waited && now_ns() < deadline) {
			int busy = reg_trylock(r);

			/*
			 * The writer whose rename woke us lets go of the lock
			 * just after it: on one CPU, the woken runs first.
			 * It runs (we sleep the least we can), then the lock
			 * is tried again; then a wait of 10 ms, or till the
			 * next rewrite (a holder that is slow, or stopped, is
			 * not asked 1 000 times a second).
			 */
			if (busy == 1) {
				sleep_ns(1);
				if ((busy = reg_trylock(r)) == 1) {
					watch_wait(&w, r, s, deadline, BUSY_NS);
					continue;
				}
			}
			if (busy == -1)
				rc = SLOT_ERR;
		} else if (reg_lock(r) == -1)
			rc = SLOT_ERR;
		if (rc != -1)
			break;
		s->left = 0;
		/* Until none is left: another may have started meanwhile. */
		while (s->stop && (n = stop_kind(r, s)) > 0 && s->left == 0)
			;
		if (s->stop && n == -1)
			rc = SLOT_ERR;
		else if (s->left > 0)
			rc = reg_store(r) == -1 ? SLOT_ERR : SLOT_STUCK;
		else if (s->max != 0 || s->cap != 0)
			/* Enough to tell: counted whole only to be said. */
			s->live = (unsigned long)reg_live_of(r, s->type,
			    s->cap > s->max ? s->cap : s->max, NULL, NULL);
		if (rc != -1)
			break;
		if (s->cap != 0 && s->live >= s->cap) {
			s->live = (unsigned long)reg_live_of(r, s->type, 0,
			    NULL, NULL);
			rc = reg_store(r) == -1 ? SLOT_ERR : SLOT_CAP;
		} else if (s->max == 0 || s->live < s->max)
			rc = SLOT_OK;
		/* A lifeline: for a dead owner, nothing starts or waits. */
		if ((rc == SLOT_OK || rc == -1) && s->lifeline != NULL &&
		    owner_gone(s->lifeline))
			rc = reg_store(r) == -1 ? SLOT_ERR : SLOT_ORPHAN;
		if (rc != -1)
			break;

		/* Wait, without the lock, what -x forgot written first. */
		if ((left = deadline - now_ns()) <= 0) {
			s->live = (unsigned long)reg_live_of(r, s->type, 0,
			    NULL, NULL);
			rc = reg_store(r) == -1 ? SLOT_ERR : SLOT_TIMEOUT;
			break;
		}
		watch_holders(&w, r, s, 0);
		if (reg_store(r) == -1)
			rc = SLOT_ERR;
		else
			watch_wait(&w, r, s, deadline, WATCH_MAX_NS);
		waited = 1;
	}
	watch_drop(&w);
	if (w.fd[W_OWNER].fd != -1)
		close(w.fd[W_OWNER].fd);
	s->watchfd = w.fd[W_DIR].fd;	/* closed once the command runs */
	free(w.fd);
	return rc;
}

/*
 * Close what slot_take() left open: the watch on the registry's directory.
 * Closing an inotify descriptor waits for the kernel's RCU grace period
 * (0 to 10 ms, measured: a slot's freed-to-started time doubled), so it is
 * done once the command has been started, not before.
 */
void
slot_end(struct slot *s)
{
	if (s->watchfd != -1)
		close(s->watchfd);
	s->watchfd = -1;
}
