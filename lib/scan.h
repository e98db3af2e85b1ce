/*
 * scan.h - one look at every process of the system, for what a record's
 * pid alone does not show: the members of its process group, the
 * processes that carry its marker (mark.h), the children of a
 * subreaper.  One scan serves every record of a tool's run.
 *
 * On Linux a scan lists the pids in /proc, and reads of each only what
 * a question needs, once: its group (getpgid), its session (getsid),
 * its /proc/PID/stat, its /proc/PID/environ.  A marker is looked for
 * only in the sessions that can hold one: prspawn's command leads a
 * session of its own (setsid) before it gets its marker, and a session
 * is made by a process that leaves its own (setsid) and named by its
 * pid, which is never reused while the session lives.  So a process
 * that carries a marker is in the session of the marked process, or in
 * one made by a process started after it: a session whose maker lives
 * and started before the marked process holds none, nor one made
 * outside our PID namespace, where no pid the registry names lives (it
 * names pids as this namespace sees them).
 *
 * A carrier whose real uid is not the registry's owner took the marker
 * or changed its uid (mark.h): it is the record's only when the record's
 * processes provably started it, that is when it, or a process it
 * descends from (its parents, as the scan finds them), is in the session
 * the record's command made (named by the record's pid, and not made by
 * a stranger that got that pid later: a session holds only what its
 * processes forked), or descends from a carrier of the owner's uid.  A
 * root daemon's worker that dropped to www-data is its own; a process of
 * www-data that copied the marker is none of it.  Built
 * with -DPRREG_NO_PROCFS it asks ps -A, and knows no markers.
 *
 * What it says is a hint, true when it was read: a process is taken as
 * a record's only through a pidfd checked again (reap.c).  What the
 * system was too short to read (no descriptor or memory left) is said
 * (pent.unknown, or scan_run() fails), never taken for gone.
 */
#ifndef PRREG_SCAN_H
#define PRREG_SCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "mark.h"

struct pent {
	pid_t pid, ppid, pgrp, sid;
	int zombie;		/* or gone: nothing of it counts */
	unsigned unknown;	/* not read: UNREAD_STAT, UNREAD_MARK */
	unsigned have;		/* what was read of it (scan.c) */
	size_t sess;		/* its session, in scan.ss */
	uid_t uid;		/* a carrier's real uid */
	char mark[MARK_MAX];	/* "" when it carries none */
};

/* What of a process could not be read, for want of descriptors. */
enum { UNREAD_STAT = 1, UNREAD_MARK = 2 };

struct sess;

struct scan {
	struct pent *p;
	size_t n;
	struct pent **bypgrp, **bysid, **bymark, **hits;
	size_t nmark;		/* in bymark: the carriers of a marker */
	struct sess *ss;	/* the sessions, in the order of bysid */
	size_t nss, *unread, nunread;	/* those not looked in for markers */
	unsigned sorted;	/* which indexes are made (scan.c) */
	int env;		/* markers may be looked for */
	int done;		/* scanned (0: not yet, or it failed) */
};

int scan_run(struct scan *s, int env);
void scan_free(struct scan *s);
size_t scan_group(struct scan *s, pid_t pgrp, struct pent ***first);
size_t scan_group_in(struct scan *s, pid_t pgrp, pid_t sid,
    struct pent ***first);
size_t scan_marked(struct scan *s, const char *mark, struct pent ***first);
size_t scan_children(struct scan *s, pid_t ppid, struct pent ***first);
size_t scan_near(struct scan *s, pid_t root, const char *token,
    struct pent ***first);

#endif
