/*
 * stopsched.h - stop schedules (prreap -R, prspawn -R; SPEC 6), in the form
 * of start-stop-daemon's --retry: items separated by "/", each a signal
 * to send (a name, or with a leading "-" a name or a number: INT, -INT,
 * -2), seconds to wait for what was signalled to be gone (5, 0.5), or
 * "forever" (repeat the items after it until all is gone).  A lone
 * SECS is TERM/SECS/KILL/SECS.  Signal 0 sends nothing: only a wait.
 *
 * sched_parse() checks a schedule; sched_arg() is it for an option,
 * keeping the failure (msg.h, status 2) naming the option and the
 * schedule.  sched_classic() is -S SIG -T T -K K as a schedule, and
 * sched_wait() one wait alone (prwait: signal nothing).  SCHED_DEFAULT
 * is prreap's: TERM/5/KILL/1.  A record keeps its own in stop= (A_STOP).
 */
#ifndef PRREG_STOPSCHED_H
#define PRREG_STOPSCHED_H

#include <signal.h>
#include <stddef.h>

#include "clock.h"

#define SCHED_MAX 64		/* items */

enum sched_kind { SCHED_SIGNAL, SCHED_WAIT, SCHED_FOREVER };

struct sched_item {
	int kind;
	int sig;		/* SCHED_SIGNAL: 0 sends nothing */
	long long ns;		/* SCHED_WAIT: < 0 is no limit */
};

struct sched {
	size_t n;
	struct sched_item item[SCHED_MAX];
};

#define SCHED_DEFAULT { 4, { { SCHED_SIGNAL, SIGTERM, 0 }, \
	{ SCHED_WAIT, 0, 5 * NS_PER_S }, { SCHED_SIGNAL, SIGKILL, 0 }, \
	{ SCHED_WAIT, 0, 1 * NS_PER_S } } }

const char *sched_parse(const char *v, struct sched *s);
int sched_arg(int opt, const char *v, struct sched *s);
void sched_classic(struct sched *s, int sig, long long term_ns,
    long long kill_ns);
void sched_wait(struct sched *s, long long ns);

#endif
