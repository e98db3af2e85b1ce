/* stop.c - stop records with the lock released, then forget the gone. */
#include <stdlib.h>

#include "live.h"
#include "msg.h"
#include "stop.h"

/*
 * Stop those of RECS[0..N) (copies, that outlive a reload of REG) not
 * gone yet, by O, with REG's lock released if held; then lock REG and
 * forget each gone one (with O->forget_all, every one) once its cgroup
 * is removed (one that cannot be is said, and keeps its record), into
 * OUT (when not NULL; N + 1 slots, NULL-ended): REG's records removed,
 * for the caller to print once it has stored REG.  The gone flag of each of
 * RECS says what became of it.  With REG's lock held on entry, what could
 * refuse the store (a full disk: reg_can_store()) is tried before any
 * signal; a caller that holds none tried it itself (reg_writable()).
 * Returns how many were left (survived, refused, unknown, kept for a
 * cgroup), or -1 with a failure kept (the lock not held).
 */
long
stop_forget(struct reg *reg, struct rec *recs, size_t n,
    const struct reap_opts *o, struct rec **out)
{
	struct rec **live = calloc(n + 1, sizeof *live), *r;
	int *gone = calloc(n + 1, sizeof *gone);
	int *told = calloc(n + 1, sizeof *told);
	size_t i, nlive = 0, left = 0, nout = 0;
	struct reap_opts lo = *o;

	if (live == NULL || gone == NULL || told == NULL) {
		free(live), free(gone), free(told);
		return fail_sys(PR_SYS, "cannot collect the records to stop");
	}
	for (i = 0; i < n; i++)
		if (!recs[i].gone)
			live[nlive++] = &recs[i];
	if (nlive > 0 && reg->lockfd != -1 && reg_can_store(reg, 1) == -1) {
		free(live), free(gone), free(told);
		reg_unlock(reg);
		return -1;
	}
	if (nlive > 0) {
		if (reg->lockfd != -1)
			reg_unlock(reg);
		lo.told = told;
		left = reap(live, nlive, &lo, gone);
		/* gone[i] 2: gone, and forgotten by its keeper, as told */
		for (i = 0; i < nlive; i++)
			live[i]->gone = gone[i] ? 1 + told[i] : 0;
	}
	free(live), free(gone), free(told);
	if (reg->lockfd == -1 && reg_lock(reg) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (!(recs[i].gone || o->forget_all))
			continue;
		if ((r = reg_find_same(reg, &recs[i])) == NULL) {
			if (recs[i].gone == 2 && out != NULL)
				out[nout++] = &recs[i];	/* its keeper's doing */
			continue;
		}
		/* A cgroup that cannot be removed keeps its record (said). */
		if (rec_forget_cgroup(r) == -1) {
			left++;
			continue;
		}
		reg_remove(reg, r);
		/* As it was picked: its keeper may have written its end since. */
		if (out != NULL)
			out[nout++] = &recs[i];
	}
	if (out != NULL)
		out[nout] = NULL;
	return (long)left;
}
