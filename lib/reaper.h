/*
 * reaper.h - become a subreaper (Linux PR_SET_CHILD_SUBREAPER): the
 * orphans among our descendants are reparented to us rather than to
 * PID 1, so prspawn -w collects them (no zombie piles up in a container)
 * and outlives none of them unseen.  Elsewhere it fails with ENOSYS, and
 * only PID 1 gets the orphans.  subreaper_begin() makes us one only when
 * we are none yet, and says so; subreaper_end() undoes it.  childless():
 * we have no child at all, so that, as a subreaper, every child we did
 * not fork is an orphan of what we started (keeper.c).  child_of_ours():
 * PID is our child, uncollected, so its pid is no other's.
 */
#ifndef PRREG_REAPER_H
#define PRREG_REAPER_H

#include <sys/types.h>

int subreaper(void);
int subreaper_begin(void);
void subreaper_end(void);
int childless(void);
int child_of_ours(pid_t pid);

#endif
