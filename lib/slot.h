/*
 * slot.h - may prspawn(1) start a command now?  slot_take() answers under
 * the registry's lock, and returns holding it, so that the count and the
 * new record are made under one hold: concurrent callers never run more
 * than their limit.
 *
 * In order: with stop (-x), the live records of the type and session are
 * stopped as prreap(1) stops them (reap(), with the lock released) and
 * forgotten; with cap (-C), CAP live records of the type are a refusal at
 * once; with max (-m), it waits until fewer than MAX of the type live,
 * retrying 1 ms apart doubling to 10 ms, never sleeping with the lock.
 * No slot ends the program with status 4 (PR_NOSLOT).
 */
#ifndef PRREG_SLOT_H
#define PRREG_SLOT_H

#include "registry.h"

struct slot {
	const char *type, *session;
	unsigned long max, cap;	/* 0: no limit */
	long long wait_ns;	/* for a slot under max (-W) */
	int stop;		/* -x */
};

void slot_take(struct reg *r, struct reg *spare, const struct slot *s);

#endif
