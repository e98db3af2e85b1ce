/* prwait - wait until recorded processes are gone.  See prwait(1). */
#include <stdio.h>
#include <stdlib.h>

#include "arg.h"
#include "msg.h"
#include "pick.h"
#include "reap.h"
#include "registry.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prwait [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-O]\n" \
	"              [-T SECS] [-n]\n"

/* A record is gone: its line, at once, for a script reading a pipe. */
static void
print_gone(const struct rec *r, void *arg)
{
	(void)arg;
	rec_print(r);
	out_status(PR_OK);
}

/*
 * -n: the records that would be waited for, those not gone now: one
 * look of the wait itself, with no time to wait.  Returns how many
 * could not be waited for (said on stderr).
 */
static size_t
dry_run(struct picked *p, struct reap_opts *o)
{
	int *stuck = xcalloc(p->nlive + 1, sizeof *stuck);
	size_t i, left = 0;

	sched_wait(&o->stop, 0);
	o->stuck = stuck;
	if (p->nlive > 0)
		reap(p->live, p->nlive, o, p->gone);
	for (i = 0; i < p->nlive; i++)
		if (stuck[i])
			left++;
		else if (!p->gone[i])
			rec_print(p->live[i]);
	free(stuck);
	return left;
}

/*
 * Wait for the picked records: what is gone already is printed at once,
 * then each the moment it goes.  Returns how many were not seen gone.
 */
static size_t
wait_all(struct picked *p, struct reap_opts *o)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->rec[i].gone)
			print_gone(&p->rec[i], NULL);
	o->gone_hook = print_gone;
	return p->nlive > 0 ? reap(p->live, p->nlive, o, p->gone) : 0;
}

int
main(int argc, char *argv[])
{
	struct reap_opts o = REAP_DEFAULTS;
	struct sel sel = { 0 };
	struct picked p = { 0 };
	const char *ropt = NULL;
	struct reg reg;
	size_t left;
	int c, dry = 0;

	msg_init(argv[0]);
	o.wait = 1;
	sched_wait(&o.stop, -1);	/* no limit */
	while ((c = opt_next(argc, argv, "hr:T:n" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		if (c == 'T')
			sched_wait(&o.stop, arg_secs(c, optarg));
		else if (c == 'n')
			dry = 1;
	}
	opt_no_operands(argc, argv);
	if (pick_stdin_ok(&sel) == -1)
		die_failed();

	/*
	 * Read, with no lock, and pick the records.  A registry whose
	 * directory is missing is an error, not "all gone": a wrong -r
	 * must not let a script go on as though its jobs had ended.
	 */
	if (reg_open(&reg, ropt, 0) == -1 || reg.dirfd == -1 ||
	    reg_load(&reg) == -1)
		die_failed();
	if (pick_records(&reg, &sel, &p, "nothing waited for") == -1)
		die_failed();

	/* Wait (or, -n, say what for); the registry is never written. */
	left = dry ? dry_run(&p, &o) : wait_all(&p, &o);
	pick_free(&p);
	reg_free(&reg);
	return out_status(left > 0 ? PR_NO : PR_OK);
}
