/* prwait - wait until recorded processes are gone.  See prwait(1). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "keeper.h"
#include "msg.h"
#include "pick.h"
#include "reap.h"
#include "registry.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prwait [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-O]\n" \
	"              [-T SECS] [-n | -e]\n"

/* What print_gone() needs: where to read an end, until when. */
struct ends {
	const char *path;	/* the registry */
	long long limit;	/* -T, or -1: none */
	long long deadline;
	int exit;		/* the last record's exit=, or -1 */
	int late;		/* a keeper had not ended by the deadline */
	int forgot;		/* the last record's was gone from FILE */
};

/*
 * A record is gone: its line, at once, for a script reading a pipe.  A
 * record with a keeper is printed once the keeper has written its end
 * into it (exit=, ended=), as the registry then holds it; one removed
 * meanwhile, as it was picked.
 */
static void
print_gone(const struct rec *r, void *arg)
{
	struct ends *e = arg;
	struct rec *now = NULL;
	struct reg reg;
	pid_t kp;
	char kt[TOKEN_MAX + 1];

	memset(&reg, 0, sizeof reg);
	if (keeper_of(r, &kp, kt) && !keeper_wait_end(r, e->deadline))
		e->late = 1;
	else if (keeper_of(r, &kp, kt) && reg_open(&reg, e->path, 0) == 0 &&
	    reg_load(&reg) == 0)
		e->forgot = (now = reg_find_same(&reg, r)) == NULL;
	if (now != NULL)
		r = now;
	e->exit = keeper_exit(r);
	rec_print(r);
	out_status(PR_OK);
	reg_free(&reg);
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
wait_all(struct picked *p, struct reap_opts *o, struct ends *e)
{
	size_t i, left;

	e->deadline = e->limit < 0 ? LLONG_MAX : now_ns() + e->limit;
	for (i = 0; i < p->n; i++)
		if (p->rec[i].gone)
			print_gone(&p->rec[i], e);
	o->gone_hook = print_gone;
	o->arg = e;
	left = p->nlive > 0 ? reap(p->live, p->nlive, o, p->gone) : 0;
	return left + (size_t)e->late;
}

/*
 * -e: exactly one record, known before any wait; its exit is ours.  One
 * that ended without one (no keeper, or its keeper was killed), or was
 * forgotten as it ended (its keeper told so by prreap): exit 3.
 */
static void
one_only(const struct picked *p)
{
	if (p->n != 1)
		die(PR_USAGE, "-e: %lu records selected; it waits for exactly "
		    "one", (unsigned long)p->n);
}

static int
its_exit(const struct picked *p, const struct ends *e)
{
	if (e->exit >= 0)
		return e->exit;
	if (e->forgot)
		return fail(PR_SYS, "%s: forgotten as it ended, with no exit "
		    "(stopped by prreap or prspawn -x, or prprune -a)",
		    p->rec[0].f[F_ID]);
	return fail(PR_SYS, "%s: ended without an exit (no keeper, or its "
	    "keeper was killed)", p->rec[0].f[F_ID]);
}

int
main(int argc, char *argv[])
{
	struct reap_opts o = REAP_DEFAULTS;
	struct sel sel = { 0 };
	struct picked p = { 0 };
	const char *ropt = NULL;
	struct ends e = { NULL, -1, 0, -1, 0, 0 };
	struct reg reg;
	size_t left;
	int c, dry = 0, one = 0;

	msg_init(argv[0]);
	o.wait = 1;
	sched_wait(&o.stop, -1);	/* no limit */
	while ((c = opt_next(argc, argv, "hr:T:ne" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		if (c == 'T')
			sched_wait(&o.stop, e.limit = arg_secs(c, optarg));
		else if (c == 'n')
			dry = 1;
		else if (c == 'e')
			one = 1;
	}
	opt_no_operands(argc, argv);
	if (dry && one)
		die(PR_USAGE, "-n and -e: exclude each other (-h for usage)");
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
	if (one)
		one_only(&p);
	e.path = reg.path;
	left = dry ? dry_run(&p, &o) : wait_all(&p, &o, &e);
	if (one && left == 0 && (c = its_exit(&p, &e)) == -1)
		die_failed();
	pick_free(&p);
	reg_free(&reg);
	return out_status(left > 0 ? PR_NO : one ? c : PR_OK);
}
