/*
 * reap.h - stop recorded processes: SIG, wait, SIGKILL, wait (prreap(1),
 * and prspawn -x).  A target is a record's process group when its pgid is
 * set, else its pid.  It is gone when its pid is not LIVE (section 2) or,
 * for a group, when no member but zombies is left.
 *
 * Never signalled: pid or pgid 0 or 1, our own pid or process group, or a
 * process whose start token does not match the record (a reused PID).
 */
#ifndef PRREG_REAP_H
#define PRREG_REAP_H

#include <signal.h>
#include <stddef.h>

#include "clock.h"
#include "record.h"

struct reap_opts {
	int sig;		/* first signal; 0: send nothing first */
	long long term_ns;	/* wait after it (-T) */
	long long kill_ns;	/* wait after SIGKILL (-K) */
};

#define REAP_DEFAULTS { SIGTERM, 5 * NS_PER_S, 1 * NS_PER_S }

const char *reap_refusal(const struct rec *r);
int reap_refused(const struct rec *r);
size_t reap(struct rec **recs, size_t n, const struct reap_opts *o,
    int *gone);

#endif
