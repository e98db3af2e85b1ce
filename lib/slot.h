/*
 * slot.h - may prspawn(1) start a command now?  slot_take() answers under
 * the registry's lock, and returns holding it (SLOT_OK), so that the count
 * and the new record are made under one hold: concurrent callers never
 * run more than their limit.
 *
 * In order: with stop (-x), the live records of the type and session are
 * stopped as prreap(1) stops them (reap(), with the lock released) and
 * forgotten; with cap (-C), CAP live records of the type are a refusal at
 * once; with max (-m), it waits until fewer than MAX of the type live,
 * never sleeping with the lock; with a lifeline, it gives up (SLOT_ORPHAN)
 * once the owner is dead, woken by its end.  Any other result has released
 * the lock; SLOT_ERR keeps its failure (msg.h).
 */
#ifndef PRREG_SLOT_H
#define PRREG_SLOT_H

#include "owner.h"
#include "registry.h"

enum slot_result {
	SLOT_OK, SLOT_CAP, SLOT_TIMEOUT, SLOT_STUCK, SLOT_ORPHAN, SLOT_ERR
};

struct slot {
	const char *type, *session;
	unsigned long max, cap;	/* 0: no limit */
	long long wait_ns;	/* for a slot under max (-W) */
	int stop;		/* -x */
	const struct owner *lifeline;	/* -L: give up when it dies */
	unsigned long live;	/* out: live records of the type, last count */
	unsigned long left;	/* out: what -x could not stop */
	int watchfd;		/* out: the registry's watch, for slot_end() */
};

int slot_take(struct reg *r, struct slot *s);
void slot_end(struct slot *s);

#endif
