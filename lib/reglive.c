/*
 * reglive.c - which records of a registry live: the policy layer's
 * answer (live.h) put to the records of a registry, for the tools and
 * slot.c.  The registry layer below knows nothing of processes; a record
 * of another boot (the header says so) is dead without a look.
 */
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "reglive.h"

/* The liveness of REC, all of its processes (live.h). */
enum live
reg_live(const struct reg *r, const struct rec *rec)
{
	return r->otherboot ? DEAD : rec_live(rec);
}

/* Live, or not proven dead (a token that cannot be read). */
static int
may_live(enum live l)
{
	return l == LIVE || l == UNKNOWN;
}

/*
 * Whether REC may still have a process: live, or not proven dead (its
 * token cannot be read).  Such a record holds its slot and is kept.
 */
int
reg_may_live(const struct reg *r, const struct rec *rec)
{
	return may_live(reg_live(r, rec));
}

/*
 * The records of TYPE that may live, each given to FN (NULL: only
 * counted) with what proves it (rec_live_as()), until ENOUGH were found
 * (0: all of them): first those whose own pid lives, a read of each;
 * then, only while fewer than ENOUGH were found, the others, looked at
 * whole (their members, their markers: a look at every process, the
 * costly part).  How many were found.
 */
size_t
reg_live_of(const struct reg *r, const char *type, size_t enough,
    void (*fn)(void *, const struct rec *, pid_t), void *arg)
{
	unsigned char *lead;	/* pass 0: its pid's liveness, + 1 */
	size_t i, n = 0;
	enum live l;
	pid_t why;
	int pass;

	if (r->otherboot)
		return 0;
	/* Without memory for it, one pass: each record whole. */
	lead = calloc(r->n + 1, 1);
	for (pass = lead != NULL ? 0 : 1; pass < 2; pass++)
		for (i = 0; i < r->n && (enough == 0 || n < enough); i++) {
			const struct rec *p = &r->rec[i];

			if (p->gone || strcmp(p->f[F_TYPE], type) != 0)
				continue;
			if (pass == 1 && lead != NULL)
				l = (enum live)(lead[i] - 1);
			else
				l = pid_live(p->pid, p->f[F_TOKEN]);
			if (pass == 0)
				lead[i] = (unsigned char)(l + 1);
			/* Pass 0 takes those whose pid lives, pass 1 the rest. */
			if (lead != NULL && may_live(l) != (pass == 0))
				continue;
			if (!may_live(rec_live_as(p, l, &why)))
				continue;
			n++;
			if (fn != NULL)
				fn(arg, p, why);
		}
	free(lead);
	return n;
}
