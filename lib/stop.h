/*
 * stop.h - stop records, then forget them (prreap(1), prspawn -x, the
 * end of prspawn -w): one way, so that each does it alike.  The records
 * are stopped by reap() with the registry's lock not held (a stop may
 * take seconds, and other writers must not wait for it); then, under the
 * lock, those whose processes are gone are removed from the registry as
 * it is then: each record still there with the same id, pid and token
 * (a later record under its id, even of the same pid, is not its).
 * reg_store() is the caller's, with its own changes: the lock is held on
 * a successful return.
 */
#ifndef PRREG_STOP_H
#define PRREG_STOP_H

#include <stddef.h>

#include "reap.h"
#include "registry.h"

long stop_forget(struct reg *reg, struct rec *recs, size_t n,
    const struct reap_opts *o, struct rec **out);

#endif
