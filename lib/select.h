/*
 * select.h - the selectors shared by prlist, prreap, prprune and prwait:
 * -s SESSION, -t TYPE, -p PID, -i ID, and -O (the records whose owner is
 * dead, SPEC 5.2), AND-ed together.
 */
#ifndef PRREG_SELECT_H
#define PRREG_SELECT_H

#include "record.h"

#define SEL_OPTS "s:t:p:i:O"

struct sel {
	const char *session, *type, *id;
	pid_t pid;		/* 0: any */
	int orphans;		/* -O: only those whose owner is dead */
	int any;		/* some selector was given */
};

int sel_opt(struct sel *s, int c, const char *arg);
int sel_match(const struct sel *s, const struct rec *r);

#endif
