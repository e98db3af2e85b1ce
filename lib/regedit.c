/* regedit.c - the records in memory: find, add, remove. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "registry.h"

struct rec *
reg_find(struct reg *r, const char *id)
{
	size_t i = *idx_slot(r, id);

	return i != 0 && !r->rec[i - 1].gone ? &r->rec[i - 1] : NULL;
}

/*
 * The record of R that is LIKE: the same id, pid and token, so the same
 * start of the same process.  One with the id but another pid or token
 * is a later record (a reused pid recorded under the default id): it is
 * not LIKE's, and must not be forgotten in its place.
 */
struct rec *
reg_find_same(struct reg *r, const struct rec *like)
{
	struct rec *p = reg_find(r, like->f[F_ID]);

	return p != NULL && p->pid == like->pid &&
	    strcmp(p->f[F_TOKEN], like->f[F_TOKEN]) == 0 ? p : NULL;
}

void
reg_remove(struct reg *r, struct rec *rec)
{
	/* Its index slot stays: reg_find() skips it, reg_add() reuses it. */
	rec->gone = 1;
	r->dirty = 1;
}

/*
 * Add a copy of REC, whose fields must be of prreg(5)'s forms.  It is kept
 * as its line, formatted and parsed back, so that it is checked as a line
 * of the file is, and written, as they are, from its own bytes.  Records
 * of another boot are all dead: the file is about to name this boot, so
 * they are dropped rather than brought back.  NULL on failure.
 */
struct rec *
reg_add(struct reg *r, const struct rec *rec)
{
	size_t i, len = rec_format(rec, NULL, 0);
	struct rec *nr;
	char *block;

	if (r->otherboot) {
		for (i = 0; i < r->n; i++)
			r->rec[i].gone = 1;
		r->otherboot = 0;
		if (idx_build(r, 0) == -1)
			return NULL;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((nr = realloc(r->rec, cap * sizeof *nr)) == NULL)
			goto nomem;
		r->rec = nr, r->cap = cap;
	}
	if ((block = malloc(sizeof(char *) + len)) == NULL)
		goto nomem;
	*(char **)block = r->owned;
	r->owned = block;
	block += sizeof(char *);
	rec_format(rec, block, len);
	nr = &r->rec[r->n];
	if (!rec_parse(block, len - 1, nr)) {
		fail(PR_SYS, "internal error: a new record is not of the form "
		    "of prreg(5)");
		return NULL;
	}
	if (++r->n * 2 > r->hcap) {
		if (idx_build(r, r->n) == -1) {
			r->n--;
			return NULL;
		}
	} else {
		*idx_slot(r, nr->f[F_ID]) = (uint32_t)r->n;
	}
	r->dirty = 1;
	return nr;
nomem:
	fail_sys(PR_SYS, "%s: cannot add a record", r->path);
	return NULL;
}
