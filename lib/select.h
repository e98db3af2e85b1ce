/*
 * select.h - the selectors shared by prlist, prreap and prprune:
 * -s SESSION, -t TYPE, -p PID, -i ID, AND-ed together.
 */
#ifndef PRREG_SELECT_H
#define PRREG_SELECT_H

#include "record.h"

#define SEL_OPTS "s:t:p:i:"

struct sel {
	const char *session, *type, *id;
	pid_t pid;		/* 0: any */
	int any;		/* some selector was given */
};

int sel_opt(struct sel *s, int c, const char *arg);
int sel_match(const struct sel *s, const struct rec *r);

#endif
