/*
 * reap.h - stop recorded processes by a schedule (sched.h: by default
 * TERM, 5 s, KILL, 1 s) for prreap(1), prspawn -x and the end of
 * prspawn -w.  What a record stops is all of its processes (live.h):
 * its pid, its process group, what carries its marker, its cgroup, its
 * keeper's descendants.
 * Each is signalled through a pidfd opened and checked (token, group,
 * marker or cgroup read again through it) before the signal, so a
 * reused pid is never hit; where there are no pidfds, the token is
 * checked immediately before kill().  After any signal but KILL and
 * CONT, CONT follows, so that a stopped process can act on it.  A record
 * is gone when none of its processes is left but zombies.  Each record
 * goes through its schedule on its own clock: a wait ends early for a
 * record that is gone, and what is gone is not signalled again.  With
 * o->rec_stop, a record's own schedule (its stop= attribute, prspawn
 * -R) stands for o->stop.
 *
 * Never signalled: pid or pgid 0 or 1, our own pid or process group, a
 * process whose start token does not match the record (a reused PID), a
 * record whose token cannot be read now (UNKNOWN: not proven ours).
 *
 * Wait only (prwait(1), o->wait): the same watch, signalling nothing:
 * only the schedule's waits count (sched_wait(): one wait; no limit when
 * it is < 0).  A record that could not be signalled cannot be waited for
 * either (pid 0 or 1, our own pid or group would never end while we
 * wait, an UNKNOWN one cannot be told gone): it is said at once and
 * left.  In either mode o->gone_hook, when set, is called the moment a
 * record is seen gone, and o->stuck, when set, gets which records were
 * left with a message.
 */
#ifndef PRREG_REAP_H
#define PRREG_REAP_H

#include <signal.h>
#include <stddef.h>

#include "clock.h"
#include "record.h"
#include "stopsched.h"

struct reap_opts {
	struct sched stop;	/* the schedule (-R, or -S -T -K) */
	int rec_stop;		/* a record's stop= stands for it */
	int verbose;		/* -v: a line per record on stderr */
	int children;		/* we keep the (one) record: our descendants */
	int wait;		/* signal nothing: only wait (prwait) */
	void (*gone_hook)(const struct rec *r, void *arg);
	void *arg;		/* for gone_hook */
	int *stuck;		/* when set, [i]: left, with a message */
	int forget_all;		/* stop_forget(): survivors too (-w) */
	int *told;		/* stop_forget(): [i], its keeper was told
				   that it is forgotten (keeper.h) */
};

#define REAP_DEFAULTS { SCHED_DEFAULT, 0, 0, 0, 0, NULL, NULL, NULL, 0, NULL }

const char *reap_refusal(const struct rec *r);
int reap_refused(const struct rec *r);
size_t reap(struct rec **recs, size_t n, const struct reap_opts *o,
    int *gone);

#endif
