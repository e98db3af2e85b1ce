/* prpidcheck - is this process (still) alive?  See prpidcheck(1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "arg.h"
#include "msg.h"
#include "pidfile.h"
#include "proc.h"
#include "xalloc.h"

#define USAGE \
	"usage: prpidcheck [-v] [-t TOKEN] PID...\n" \
	"       prpidcheck [-v] -f PIDFILE\n" \
	"       prpidcheck -T PID\n"

static int verbose;

/* One PID by the liveness rule; with -v, its verdict on stdout. */
static int
check(pid_t pid, const char *token)
{
	enum live l = pid_live(pid, token);

	if (verbose)
		printf("%ld %s\n", (long)pid, live_name(l));
	return l == LIVE;
}

int
main(int argc, char *argv[])
{
	const char *token = NULL, *pidfile = NULL, *tpid = NULL, *ropt;
	char ftoken[TOKEN_MAX + 1];
	struct pstat ps;
	pid_t *pids, pid;
	int c, i, all = 1;

	msg_init(argv[0]);
	/* Every tool takes -r; this one needs no registry. */
	while ((c = opt_next(argc, argv, "hr:vt:f:T:")) != -1) {
		if (opt_common(c, USAGE, &ropt))
			continue;
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		case 't':
			token = arg_token(c, optarg);
			break;
		case 'f':
			pidfile = optarg;
			break;
		case 'T':
			tpid = optarg;
			break;
		}
	}
	argv += optind, argc -= optind;
	if ((pidfile != NULL) + (tpid != NULL) + (argc > 0) != 1)
		die(PR_USAGE, "want PID operands, -f PIDFILE or -T PID "
		    "(-h for usage)");
	if ((token != NULL && argc == 0) || (tpid != NULL && verbose))
		die(PR_USAGE, "%s: only with PID operands (-h for usage)",
		    token != NULL ? "-t" : "-v");

	/* -T: the start token of a process, for scripts to keep. */
	if (tpid != NULL) {
		pid = arg_pid('T', tpid);
		if (kill(pid, 0) == -1 && errno != EPERM)
			return PR_NO;
		if (!proc_stat(pid, &ps))
			return PR_NO;
		printf("%s\n", ps.token);
		return out_status(PR_OK);
	}

	/* -f: a daemon's pid file, with or without a token. */
	if (pidfile != NULL) {
		switch (pidfile_read(pidfile, &pid, ftoken)) {
		case 0:
			return PR_NO;
		case -2:
			die_failed();
		case -1:
			die(PR_USAGE, "%s: malformed pid file: want PID or "
			    "PID TOKEN on the first line", pidfile);
		}
		return out_status(check(pid, ftoken[0] != '\0' ? ftoken : NULL) ?
		    PR_OK : PR_NO);
	}

	/* PID...: all are checked before any is looked at. */
	pids = xcalloc(argc, sizeof *pids);
	for (i = 0; i < argc; i++)
		pids[i] = arg_pid(0, argv[i]);
	for (i = 0; i < argc; i++)
		all &= check(pids[i], token);
	free(pids);
	return out_status(all ? PR_OK : PR_NO);
}
