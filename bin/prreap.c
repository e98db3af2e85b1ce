/* prreap - stop recorded processes and forget them.  See prreap(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "live.h"
#include "msg.h"
#include "reap.h"
#include "registry.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prreap [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-S SIG]\n" \
	"              [-T SECS] [-K SECS] [-n] [-v]\n"

/* The records to stop: copies, that outlive reloads of the registry. */
struct picked {
	struct rec *rec;
	struct rec **live;	/* those to be signalled */
	int *gone;
	size_t n, nlive;
};

static void
pick(struct picked *p, const struct rec *r)
{
	if (rec_copy(&p->rec[p->n], r) == -1)
		die(PR_SYS, "out of memory");
	p->n++;
}

/*
 * Record lines on stdin (prlist's output), all checked before anything is
 * done; each names, by id and pid, a record of REG, which is picked.
 */
static void
from_stdin(struct reg *reg, struct picked *p)
{
	char *line = NULL;
	size_t cap = 0, nin = 0, i, len;
	unsigned long lineno = 0;
	struct rec *in = NULL;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) != -1) {
		struct rec r;

		lineno++;
		len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (!rec_parse(line, len, &r))
			die(PR_USAGE, "stdin:%lu: malformed record line; "
			    "nothing signalled", lineno);
		in = xrealloc(in, (nin + 1) * sizeof *in);
		in[nin++] = r;
		line = NULL, cap = 0;	/* R points into it: keep it */
	}
	if (ferror(stdin))
		die_sys(PR_SYS, "stdin");
	free(line);
	for (i = 0; i < nin; i++) {
		struct rec *r = reg_find(reg, in[i].f[F_ID]);

		if (r != NULL && r->pid == in[i].pid && r->line != 0) {
			r->line = 0;	/* taken: a repeated line adds nothing */
			pick(p, r);
		}
	}
	for (i = 0; i < nin; i++)
		rec_release(&in[i]);
	free(in);
}

/*
 * Which records: the selectors', or those named on stdin.  With -v, a
 * record that is not live is said to be forgotten unsignalled.
 */
static void
select_records(struct reg *reg, const struct sel *sel, struct picked *p,
    int verbose)
{
	enum live l;
	size_t i;

	p->rec = xcalloc(reg->n, sizeof *p->rec);
	p->live = xcalloc(reg->n, sizeof *p->live);
	p->gone = xcalloc(reg->n, sizeof *p->gone);
	if (sel->any) {
		for (i = 0; i < reg->n; i++)
			if (sel_match(sel, &reg->rec[i]))
				pick(p, &reg->rec[i]);
	} else {
		from_stdin(reg, p);
	}

	/*
	 * The live ones are stopped, with those not proven dead (reap()
	 * refuses those); the dead are only forgotten.
	 */
	for (i = 0; i < p->n; i++) {
		if ((l = reg_live(reg, &p->rec[i])) == LIVE || l == UNKNOWN) {
			p->live[p->nlive++] = &p->rec[i];
			continue;
		}
		p->rec[i].gone = 1;
		if (verbose)
			warnx_("%s: %s, forgotten without a signal",
			    p->rec[i].f[F_ID], live_name(l));
	}
}

/*
 * Forget the gone, under the lock, in the file as it is now: a record
 * still there with the same id, pid and token.  The lock is not held
 * while waiting.  Each removed line is printed.
 */
static void
forget(struct reg *reg, struct picked *p)
{
	struct rec *r, **out = xcalloc(p->n, sizeof *out);
	size_t i, n = 0;

	if (reg_lock(reg) == -1)
		die_failed();
	for (i = 0; i < p->n; i++)
		if (p->rec[i].gone && (r = reg_find_same(reg, &p->rec[i]))) {
			reg_remove(reg, r);
			out[n++] = r;
		}
	if (reg_store(reg) == -1)
		die_failed();
	for (i = 0; i < n; i++) {
		rec_forget_cgroup(out[i]);
		rec_print(out[i]);
	}
	free(out);
}

int
main(int argc, char *argv[])
{
	struct reap_opts o = REAP_DEFAULTS;
	const char *ropt = NULL;
	struct sel sel = { 0 };
	struct picked p = { 0 };
	size_t i, left = 0;
	struct reg reg;
	int c, dry = 0;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:S:T:K:nv" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'S':
			o.sig = arg_signal(c, optarg);
			break;
		case 'T':
			o.term_ns = arg_secs(c, optarg);
			break;
		case 'K':
			o.kill_ns = arg_secs(c, optarg);
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
	if (!sel.any && isatty(STDIN_FILENO))
		die(PR_USAGE, "no selector, and stdin is a terminal: give -s, "
		    "-t, -p or -i, or pipe record lines in (-h for usage)");

	/* Read, with no lock, and pick the records. */
	if (reg_open(&reg, ropt, !dry) == -1)
		die_failed();
	reg.warned = !dry;	/* bad lines: said by reg_store() as moved */
	if (reg_load(&reg) == -1)
		die_failed();
	select_records(&reg, &sel, &p, o.verbose);

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
		if (p.nlive > 0)
			left = reap(p.live, p.nlive, &o, p.gone);
		for (i = 0; i < p.nlive; i++)
			p.live[i]->gone = p.gone[i];
		forget(&reg, &p);
	}
	for (i = 0; i < p.n; i++)
		rec_release(&p.rec[i]);
	free(p.rec), free(p.live), free(p.gone);
	reg_free(&reg);
	return out_status(left > 0 ? PR_NO : PR_OK);
}
