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

#endif
