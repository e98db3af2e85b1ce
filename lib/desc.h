/*
 * desc.h - every live descendant of a process, as one scan (scan.h)
 * shows it: its children, theirs, and so on down, zombies left out (they
 * hold no process to stop).  A keeper (keeper.h) is a subreaper, so
 * whatever its command starts stays its descendant until it ends, setsid
 * or double fork or not: this is how a record's processes are found
 * where no marker or group holds them.  What it says is a hint, true
 * when it was read: a caller proves each one again through a pidfd.
 */
#ifndef PRREG_DESC_H
#define PRREG_DESC_H

#include <stddef.h>
#include <sys/types.h>

#include "scan.h"

size_t desc_find(struct scan *s, pid_t root, struct pent ***out);

/*
 * The kernel's own lists of a process's children (Linux: the children
 * file of each of its threads, /proc/PID/task/TID/children), read with
 * no look at every process: desc_children() gives each child of PID to
 * FN, which returns nonzero to end the list (desc_children() returns 1
 * then, 0 at its end, -1 with errno when a list cannot be read: ENOENT
 * or ESRCH, PID gone or no such lists here (a build without procfs
 * too); EOVERFLOW, a list not read whole at once, some 500 children and
 * more).
 * THREADS is PID's number of threads (1: its main thread's list only;
 * any other: each thread's, listed).  A fork that races the read may be
 * missed: a caller that needs all of them reads again once those it
 * found are gone (a keeper's orphans come back to it).
 */
int desc_children(pid_t pid, int threads, int (*fn)(void *arg, pid_t child),
    void *arg);

#endif
