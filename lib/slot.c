/* slot.c - make room, and wait for a slot, under the registry's lock. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "reap.h"
#include "slot.h"
#include "xalloc.h"

#define NAP_MIN_NS 1000000LL	/* first sleep while waiting for a slot */
#define NAP_MAX_NS 10000000LL	/* a freed slot is taken within this */

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep NS and a little more, so that waiters do not retry in step. */
static void
nap(long long ns)
{
	static unsigned long long seed;
	struct timespec ts;

	if (seed == 0)
		seed = (unsigned long long)getpid() * 2654435761u +
		    (unsigned long long)now_ns();
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	ns += (long long)((seed >> 33) % (unsigned long long)(ns / 4 + 1));
	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	nanosleep(&ts, NULL);
}

/*
 * -x: stop the live records of S's type and session, with the lock
 * released while they are signalled and waited for, then forget those
 * that are gone (a record still there with the same id and pid).  R is
 * locked on entry and on return; its records before the reaping are kept
 * in SPARE meanwhile.  Returns how many were stopped.
 */
static size_t
stop_kind(struct reg *r, struct reg *spare, const struct slot *s)
{
	struct reap_opts o = REAP_DEFAULTS;
	struct rec **live, *p;
	size_t i, n = 0, left;
	struct reg tmp;
	int *gone;

	live = xcalloc(r->n, sizeof *live);
	gone = xcalloc(r->n, sizeof *gone);
	for (i = 0; i < r->n; i++) {
		p = &r->rec[i];
		if (!p->gone && strcmp(p->f[F_TYPE], s->type) == 0 &&
		    strcmp(p->f[F_SESSION], s->session) == 0 &&
		    reg_live(r, p) == LIVE)
			live[n++] = p;
	}
	if (n > 0) {
		reg_unlock(r);
		tmp = *spare, *spare = *r, *r = tmp;
		left = reap(live, n, &o, gone);
		reg_lock(r);
		for (i = 0; i < n; i++)
			if (gone[i] && (p = reg_find(r, live[i]->f[F_ID])) !=
			    NULL && p->pid == live[i]->pid)
				reg_remove(r, p);
		if (left > 0) {
			reg_store(r);
			die(PR_NO, "-x: %lu of type %s in session %s not "
			    "stopped; nothing started", (unsigned long)left,
			    s->type, s->session);
		}
	}
	free(live);
	free(gone);
	return n;
}

void
slot_take(struct reg *r, struct reg *spare, const struct slot *s)
{
	long long deadline = now_ns() + s->wait_ns, left, ns = NAP_MIN_NS;
	unsigned long live = 0;

	for (;;) {
		reg_lock(r);
		while (s->stop && stop_kind(r, spare, s) > 0)
			;	/* until none is left: another may have started */
		if (s->max != 0 || s->cap != 0)
			live = (unsigned long)reg_count_live(r, s->type);
		if (s->cap != 0 && live >= s->cap)
			die(PR_NOSLOT, "-C: %lu live of type %s, cap %lu; "
			    "nothing started", live, s->type, s->cap);
		if (s->max == 0 || live < s->max)
			return;

		/* Wait, without the lock, what -x forgot written first. */
		reg_store(r);
		if ((left = deadline - now_ns()) <= 0)
			die(PR_NOSLOT, "-m: no slot: %lu live of type %s, max "
			    "%lu, after %lld.%03lld s; nothing started", live,
			    s->type, s->max, s->wait_ns / 1000000000LL,
			    s->wait_ns / 1000000 % 1000);
		nap(ns < left ? ns : left);
		ns = ns * 2 > NAP_MAX_NS ? NAP_MAX_NS : ns * 2;
	}
}
