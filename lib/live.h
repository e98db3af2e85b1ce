/*
 * live.h - the liveness of a record (SPEC 4.2): a record is LIVE while
 * any of its processes is.  Its processes are its pid; every live
 * descendant of its keeper, while that lives (keeper.h); the members of its
 * process group, while that group is proven its own (its leader is ours,
 * or a zombie of ours still holding the group's id, or a member carries
 * its marker); every process that carries its marker (mark.h); and every
 * process in its cgroup (cgroup.h).  One scan of the process table serves
 * a whole run, made only when some record's pid alone is not live.
 * rec_procs() is the one answer to which processes beyond its pid a scan
 * shows are a record's: the liveness verdict takes the first live one,
 * reap.c each of them.
 */
#ifndef PRREG_LIVE_H
#define PRREG_LIVE_H

#include "proc.h"
#include "record.h"
#include "regfile.h"
#include "scan.h"

/* Why a process is one of a record's (reap.c checks it again so). */
enum why { BY_LEAD, BY_GROUP, BY_MARK, BY_CGROUP, BY_DESC };

/* What rec_procs() looks for, beyond what a cgroup says of itself. */
struct look {
	const char *mark;	/* the record's marker, or NULL */
	int group;		/* its group is proven its own already */
	pid_t keeper;		/* its keeper (or we, -w or a keeper), whose
				   descendants are its; 0: none */
};

/* rec_procs()'s FN says of each process: */
enum { PROC_NOT, PROC_TAKEN, PROC_IN_GROUP, PROC_STOP = -1 };

int rec_procs(const struct rec *r, const struct look *q, struct scan *s,
    int (*fn)(void *arg, const struct pent *p, enum why why), void *arg);
enum live rec_live(const struct rec *r);
enum live rec_live_as(const struct rec *r, enum live l, pid_t *why);
int rec_watch(const struct rec *r, pid_t why, short *events);
struct scan *live_scan(void);
void live_forget(void);
int rec_cgroup(const struct rec *r, char path[PATH_LEN]);
int rec_forget_cgroup(const struct rec *r);

#endif
