/* prreap - stop recorded processes and forget them.  See prreap(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "msg.h"
#include "reap.h"
#include "registry.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prreap [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-S SIG] [-T SECS] [-K SECS] [-n]\n"

/*
 * Record lines on stdin (prlist's output), all checked before anything is
 * done; each names, by id and pid, a record of REG.  Returns how many of
 * them REG still holds, in SEL.
 */
static size_t
from_stdin(struct reg *reg, struct rec **sel)
{
	char *line = NULL;
	size_t cap = 0, n = 0, nin = 0, i, len;
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
			sel[n++] = r;
		}
	}
	for (i = 0; i < nin; i++)
		free((char *)in[i].f[F_PID]);	/* the start of its line */
	free(in);
	return n;
}

int
main(int argc, char *argv[])
{
	struct reap_opts o = REAP_DEFAULTS;
	const char *ropt = NULL;
	struct sel sel = { 0 };
	struct rec **pick, **live, *r;
	size_t i, n = 0, nlive = 0, left = 0;
	struct reg reg, now;
	int c, dry = 0, *gone;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:S:T:K:n" SEL_OPTS)) != -1) {
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
		}
	}
	opt_no_operands(argc, argv);

	/* Which records: the selectors', or those named on stdin. */
	reg_open(&reg, ropt, !dry);
	reg.warned = !dry;	/* bad lines: said by reg_store() as moved */
	reg_load(&reg);
	pick = xcalloc(reg.n, sizeof *pick);
	live = xcalloc(reg.n, sizeof *live);
	gone = xcalloc(reg.n, sizeof *gone);
	if (sel.any) {
		for (i = 0; i < reg.n; i++)
			if (sel_match(&sel, &reg.rec[i]))
				pick[n++] = &reg.rec[i];
	} else {
		n = from_stdin(&reg, pick);
	}

	/* The live ones are stopped; the dead are only forgotten. */
	for (i = 0; i < n; i++) {
		if (reg_live(&reg, pick[i]) == LIVE)
			live[nlive++] = pick[i];
		else
			pick[i]->gone = 1;
	}
	if (dry) {
		for (i = 0; i < nlive; i++)
			if (reap_refused(live[i]))
				left++;
			else
				rec_print(live[i]);
		free(pick), free(live), free(gone);
		reg_free(&reg);
		return out_status(left > 0 ? PR_NO : PR_OK);
	}
	if (nlive > 0)
		left = reap(live, nlive, &o, gone);
	for (i = 0; i < nlive; i++)
		live[i]->gone = gone[i];

	/*
	 * Forget the gone, under the lock, in the file as it is now: a
	 * record still there with the same id and pid.  The lock is not held
	 * while waiting above.
	 */
	reg_open(&now, ropt, 1);
	reg_lock(&now);
	for (i = 0; i < n; i++)
		if (pick[i]->gone && (r = reg_find(&now, pick[i]->f[F_ID])) &&
		    r->pid == pick[i]->pid) {
			reg_remove(&now, r);
			pick[i] = r;
		} else {
			pick[i] = NULL;
		}
	reg_store(&now);
	for (i = 0; i < n; i++)
		if (pick[i] != NULL)
			rec_print(pick[i]);
	free(pick), free(live), free(gone);
	reg_free(&reg), reg_free(&now);
	return out_status(left > 0 ? PR_NO : PR_OK);
}
