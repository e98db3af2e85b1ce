/*
 * owner.h - a record's owner (SPEC 5.2): the process on whose behalf
 * prspawn wrote it, kept as owner=PID:TOKEN.  owner_take() names the
 * owner of a new record (prspawn's parent, or -O PID); owner_dead() says
 * whether a record's owner is dead by SPEC section 2 (the selector -O);
 * owner_gone() and owner_watch() serve a lifeline (-L), which waits on
 * the owner's end.
 */
#ifndef PRREG_OWNER_H
#define PRREG_OWNER_H

#include <sys/types.h>

#include "record.h"

struct owner {
	pid_t pid;			/* 0: none (a parent we cannot see) */
	char token[TOKEN_MAX + 1];
	char attr[PIDTOK_LEN + 1];	/* PID:TOKEN, or "" */
};

int owner_take(struct owner *o, pid_t pid);
int owner_gone(const struct owner *o);
int owner_watch(const struct owner *o);
int owner_dead(const struct rec *r);

#endif
