/*
 * pick.h - which records a run of prreap(1) or prwait(1) is about: those
 * of the registry that the selectors match or, with no selector, those
 * that record lines on stdin (prlist's output) name, each by its id, its
 * pid and its token.  Every stdin line is read and checked before anything is
 * done; one that does not parse is a usage error.  A terminal on stdin
 * with no selector is refused: the tool would sit waiting for lines.
 *
 * The records picked are copies, that outlive reloads of the registry,
 * each with its liveness (live.h) as it was when picked: LIVE or UNKNOWN
 * (not proven dead) ones are also listed in LIVE, for reap(); the others
 * are marked gone.
 */
#ifndef PRREG_PICK_H
#define PRREG_PICK_H

#include <stddef.h>

#include "proc.h"
#include "record.h"
#include "registry.h"
#include "select.h"

struct picked {
	struct rec *rec;
	enum live *state;	/* each record's, when picked */
	struct rec **live;	/* LIVE or UNKNOWN: for reap() */
	int *gone;		/* reap()'s verdicts on LIVE */
	size_t n, nlive;
};

int pick_stdin_ok(const struct sel *sel);
int pick_records(struct reg *reg, const struct sel *sel, struct picked *p,
    const char *undone);
void pick_free(struct picked *p);

#endif
