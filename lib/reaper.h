/*
 * reaper.h - become a subreaper (Linux PR_SET_CHILD_SUBREAPER): the
 * orphans among our descendants are reparented to us rather than to
 * PID 1, so prspawn -w collects them (no zombie piles up in a container)
 * and outlives none of them unseen.  Elsewhere it fails with ENOSYS, and
 * only PID 1 gets the orphans.
 */
#ifndef PRREG_REAPER_H
#define PRREG_REAPER_H

int subreaper(void);

#endif
