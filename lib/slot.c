/* slot.c - make room, and wait for a slot, under the registry's lock. */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "live.h"
#include "msg.h"
#include "reap.h"
#include "slot.h"

/*
 * -x: stop the live records of S's type and session, with the lock
 * released while they are signalled and waited for (copies of them are
 * reaped: the registry is read anew after), then forget those that are
 * gone.  R is locked on entry and, unless it fails, on return.  Returns
 * how many were to be stopped, or -1.
 */
static long
stop_kind(struct reg *r, struct slot *s)
{
	struct reap_opts o = REAP_DEFAULTS;
	struct rec *copy, **live, *p;
	size_t i, n = 0;
	int *gone;

	copy = calloc(r->n + 1, sizeof *copy);
	live = calloc(r->n + 1, sizeof *live);
	gone = calloc(r->n + 1, sizeof *gone);
	if (copy == NULL || live == NULL || gone == NULL)
		goto nomem;
	for (i = 0; i < r->n; i++) {
		p = &r->rec[i];
		if (!p->gone && strcmp(p->f[F_TYPE], s->type) == 0 &&
		    strcmp(p->f[F_SESSION], s->session) == 0 &&
		    reg_may_live(r, p)) {
			if (rec_copy(&copy[n], p) == -1)
				goto nomem;
			live[n] = &copy[n];
			n++;
		}
	}
	if (n > 0) {
		reg_unlock(r);
		s->left = reap(live, n, &o, gone);
		if (reg_lock(r) == -1)
			goto fail;
		for (i = 0; i < n; i++)
			if (gone[i] && (p = reg_find_same(r, live[i])) != NULL)
				reg_remove(r, p);
	}
	for (i = 0; i < n; i++)
		rec_release(&copy[i]);
	free(copy), free(live), free(gone);
	return (long)n;
nomem:
	fail_sys(PR_SYS, "-x: cannot collect the records to stop");
	reg_unlock(r);
fail:
	for (i = 0; copy != NULL && i < n; i++)
		rec_release(&copy[i]);
	free(copy), free(live), free(gone);
	return -1;
}

int
slot_take(struct reg *r, struct slot *s)
{
	long long deadline = now_ns() + s->wait_ns, left;
	struct backoff b = { 0 };
	long n = 0;

	for (;;) {
		live_forget();	/* a count looks at the processes anew */
		if (reg_lock(r) == -1)
			return SLOT_ERR;
		s->left = 0;
		/* Until none is left: another may have started meanwhile. */
		while (s->stop && (n = stop_kind(r, s)) > 0 && s->left == 0)
			;
		if (s->stop && n == -1)
			return SLOT_ERR;
		if (s->left > 0)
			return reg_store(r) == -1 ? SLOT_ERR : SLOT_STUCK;
		if (s->max != 0 || s->cap != 0)
			s->live = (unsigned long)reg_count_live(r, s->type);
		if (s->cap != 0 && s->live >= s->cap)
			return reg_store(r) == -1 ? SLOT_ERR : SLOT_CAP;
		if (s->max == 0 || s->live < s->max)
			return SLOT_OK;

		/* Wait, without the lock, what -x forgot written first. */
		if (reg_store(r) == -1)
			return SLOT_ERR;
		if ((left = deadline - now_ns()) <= 0)
			return SLOT_TIMEOUT;
		sleep_ns(backoff_next(&b, left));
	}
}
