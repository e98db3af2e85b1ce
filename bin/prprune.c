/* prprune - forget records of processes that are gone.  See prprune(1). */
#include <stdio.h>
#include <stdlib.h>

#include "arg.h"
#include "live.h"
#include "msg.h"
#include "registry.h"
#include "reglive.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prprune [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-O] [-a] [-n]\n"

int
main(int argc, char *argv[])
{
	const char *ropt = NULL;
	struct sel sel = { 0 };
	int c, all = 0, dry = 0;
	struct rec **out;
	size_t i, n = 0;
	struct reg reg;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:an" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'n':
			dry = 1;
			break;
		}
	}
	opt_no_operands(argc, argv);

	/* Under the lock, unless only looking (-n). */
	if (reg_open(&reg, ropt, !dry) == -1 ||
	    (dry ? reg_load(&reg) : reg_lock(&reg)) == -1)
		die_failed();

	/*
	 * Mark the matching dead records (all matching ones with -a); the
	 * cgroup of each goes first, and one whose cgroup cannot keeps it.
	 */
	out = xcalloc(reg.n, sizeof *out);
	for (i = 0; i < reg.n; i++) {
		struct rec *r = &reg.rec[i];

		if (sel_match(&sel, r) && (all || !reg_may_live(&reg, r))) {
			if (!dry && rec_forget_cgroup(r) == -1)
				continue;	/* its cgroup stays: so does it */
			out[n++] = r;
			if (!dry)
				reg_remove(&reg, r);
		}
	}

	/* Write, then tell: what is printed is what was removed. */
	if (!dry && reg_store(&reg) == -1)
		die_failed();
	for (i = 0; i < n; i++)
		rec_print(out[i]);
	free(out);
	reg_free(&reg);
	return out_status(PR_OK);
}
