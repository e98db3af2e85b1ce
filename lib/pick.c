/* pick.c - the records a prreap or prwait run is about. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "live.h"
#include "reglive.h"
#include "msg.h"
#include "pick.h"
#include "xalloc.h"

/* With no selector, stdin must be lines, not a terminal; else a failure. */
int
pick_stdin_ok(const struct sel *sel)
{
	if (!sel->any && isatty(STDIN_FILENO))
		return fail(PR_USAGE, "no selector, and stdin is a terminal: "
		    "give -s, -t, -p, -i or -O, or pipe record lines in (-h "
		    "for usage)");
	return 0;
}

static int
pick(struct picked *p, const struct rec *r)
{
	if (rec_copy(&p->rec[p->n], r) == -1)
		return fail(PR_SYS, "out of memory");
	p->n++;
	return 0;
}

/*
 * The record lines on stdin, all read and parsed into *IN (N of them)
 * before any is looked up.  A malformed one fails, saying UNDONE (what
 * was therefore not done).
 */
static int
read_stdin(struct rec **in, size_t *n, const char *undone)
{
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) != -1) {
		struct rec r;

		lineno++;
		len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (!rec_parse(line, len, &r)) {
			free(line);
			return fail(PR_USAGE, "stdin:%lu: malformed record "
			    "line; %s", lineno, undone);
		}
		*in = xrealloc(*in, (*n + 1) * sizeof **in);
		(*in)[(*n)++] = r;
		line = NULL, cap = 0;	/* R points into it: keep it */
	}
	free(line);
	if (ferror(stdin))
		return fail_sys(PR_SYS, "stdin");
	return 0;
}

/*
 * Each stdin line names, by id, pid and token, a record of REG, which is
 * picked; one no longer there is skipped (the id now another process's,
 * even one that got the same pid after the line's ended), a repeated one
 * counts once.
 */
static int
from_stdin(struct reg *reg, struct picked *p, const char *undone)
{
	struct rec *in = NULL, *r;
	size_t nin = 0, i;
	int rc = read_stdin(&in, &nin, undone);

	for (i = 0; rc == 0 && i < nin; i++) {
		r = reg_find_same(reg, &in[i]);
		if (r != NULL && r->line != 0) {
			r->line = 0;	/* taken: a repeated line adds nothing */
			rc = pick(p, r);
		}
	}
	for (i = 0; i < nin; i++)
		rec_release(&in[i]);
	free(in);
	return rc;
}

/*
 * Pick the records of REG that SEL names, or that stdin does, into P,
 * and tell the live (or not proven dead) from the rest.  UNDONE says
 * what a malformed stdin line stops.  -1 with a failure kept.
 */
int
pick_records(struct reg *reg, const struct sel *sel, struct picked *p,
    const char *undone)
{
	size_t i;

	p->rec = xcalloc(reg->n + 1, sizeof *p->rec);
	p->state = xcalloc(reg->n + 1, sizeof *p->state);
	p->live = xcalloc(reg->n + 1, sizeof *p->live);
	p->gone = xcalloc(reg->n + 1, sizeof *p->gone);
	if (sel->any) {
		for (i = 0; i < reg->n; i++)
			if (sel_match(sel, &reg->rec[i]) &&
			    pick(p, &reg->rec[i]) == -1)
				return -1;
	} else if (from_stdin(reg, p, undone) == -1) {
		return -1;
	}
	for (i = 0; i < p->n; i++) {
		p->state[i] = reg_live(reg, &p->rec[i]);
		if (p->state[i] == LIVE || p->state[i] == UNKNOWN)
			p->live[p->nlive++] = &p->rec[i];
		else
			p->rec[i].gone = 1;
	}
	return 0;
}

void
pick_free(struct picked *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		rec_release(&p->rec[i]);
	free(p->rec), free(p->state), free(p->live), free(p->gone);
}
