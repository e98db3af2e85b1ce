/* prreap - stop recorded processes and forget them.  See prreap(1). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "live.h"
#include "msg.h"
#include "pick.h"
#include "reap.h"
#include "registry.h"
#include "stopsched.h"
#include "select.h"
#include "stop.h"
#include "xalloc.h"

#define USAGE "usage: prreap [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-O]\n" \
	"              [-R SCHEDULE | [-S SIG] [-T SECS] [-K SECS]] [-n] " \
	"[-v]\n"

/*
 * Which records: the selectors', or those named on stdin.  With -v, a
 * record that is not live is said to be forgotten unsignalled.  The live
 * ones are stopped, with those not proven dead (reap() refuses those);
 * the dead are only forgotten.
 */
static void
select_records(struct reg *reg, const struct sel *sel, struct picked *p,
    int verbose, int dry)
{
	size_t i;

	if (pick_records(reg, sel, p, "nothing signalled") == -1)
		die_failed();
	for (i = 0; i < p->n; i++)
		if (verbose && p->rec[i].gone)
			warnx_("%s: %s, %s without a signal",
			    p->rec[i].f[F_ID], live_name(p->state[i]),
			    dry ? "would be forgotten" : "forgotten");
}

/*
 * Stop the live, then forget what is gone (stop.h), and print each
 * removed line once the file is written.  Returns how many were left
 * (survivors, refusals, records kept for their cgroup).
 */
static size_t
stop(struct reg *reg, struct picked *p, const struct reap_opts *o)
{
	struct rec **out = xcalloc(p->n + 1, sizeof *out);
	long left;
	size_t i;

	if ((left = stop_forget(reg, p->rec, p->n, o, out)) == -1 ||
	    reg_store(reg) == -1)
		die_failed();
	for (i = 0; out[i] != NULL; i++)
		rec_print(out[i]);
	free(out);
	return (size_t)left;
}

/*
 * -R SCHEDULE, or -S SIG -T SECS -K SECS as the schedule SIG/T/KILL/K;
 * neither: each record's own (stop=), else TERM/5/KILL/1.
 */
static void
stop_options(struct reap_opts *o, const char *r, int sig, long long term_ns,
    long long kill_ns, int classic)
{
	if (r != NULL && classic != 0)
		die(PR_USAGE, "-R and -%c: exclude each other (-h for usage)",
		    classic);
	if (r != NULL && sched_arg('R', r, &o->stop) == -1)
		die_failed();
	if (classic != 0)
		sched_classic(&o->stop, sig, term_ns, kill_ns);
	o->rec_stop = r == NULL && classic == 0;
}

int
main(int argc, char *argv[])
{
	struct reap_opts o = REAP_DEFAULTS;
	const char *ropt = NULL, *sched = NULL;
	long long term_ns = 5 * NS_PER_S, kill_ns = NS_PER_S;
	int sig = SIGTERM, classic = 0;
	struct sel sel = { 0 };
	struct picked p = { 0 };
	size_t i, left = 0;
	struct reg reg;
	int c, dry = 0;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:R:S:T:K:nv" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'R':
			sched = optarg;
			break;
		case 'S':
			sig = arg_signal(c, optarg);
			classic = c;
			break;
		case 'T':
			term_ns = arg_secs(c, optarg);
			classic = c;
			break;
		case 'K':
			kill_ns = arg_secs(c, optarg);
			classic = c;
			break;
		case 'n':
			dry = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		}
	}
	opt_no_operands(argc, argv);
	stop_options(&o, sched, sig, term_ns, kill_ns, classic);
	if (pick_stdin_ok(&sel) == -1)
		die_failed();

	/* Read, with no lock, and pick the records. */
	if (reg_open(&reg, ropt, !dry) == -1)
		die_failed();
	reg.warned = !dry;	/* bad lines: said by reg_store() as moved */
	if (reg_load(&reg) == -1)
		die_failed();
	select_records(&reg, &sel, &p, o.verbose, dry);

	if (dry) {
		/* -n: what would be signalled, and nothing done. */
		for (i = 0; i < p.nlive; i++)
			if (reap_refused(p.live[i]))
				left++;
			else
				rec_print(p.live[i]);
	} else {
		/*
		 * Stop the live, then forget what is gone.  What could refuse
		 * the forgetting is tried first: nothing is signalled that a
		 * refusal would then leave recorded.
		 */
		if (reg_writable(&reg) == -1)
			die_failed();
		left = stop(&reg, &p, &o);
	}
	pick_free(&p);
	reg_free(&reg);
	return out_status(left > 0 ? PR_NO : PR_OK);
}
