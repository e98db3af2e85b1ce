/*
 * scan.h - one look at every process of the system, for what a record's
 * pid alone does not show: the members of its process group and the
 * processes that carry its marker (mark.h).  One scan serves every
 * record of a tool's run; lookups are by binary search.
 *
 * On Linux it reads /proc/PID/stat (and, with ENV, /proc/PID/environ) of
 * each process; built with -DPRREG_NO_PROCFS it asks ps -A, and knows no
 * markers.  What it says is a hint, true when it was read: a process is
 * taken as a record's only through a pidfd checked again (reap.c).
 */
#ifndef PRREG_SCAN_H
#define PRREG_SCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "mark.h"

struct pent {
	pid_t pid, ppid, pgrp;
	int zombie;
	char mark[MARK_MAX];	/* "" when it carries none */
};

struct scan {
	struct pent *p;
	size_t n;
	struct pent **bymark, **bypgrp;
	int env;		/* markers were read */
	int done;		/* scanned (0: not yet, or it failed) */
};

int scan_run(struct scan *s, int env);
void scan_free(struct scan *s);
size_t scan_group(const struct scan *s, pid_t pgrp, struct pent ***first);
size_t scan_marked(const struct scan *s, const char *mark,
    struct pent ***first);

#endif
