/* prpidcheck - is this process (still) alive?  See prpidcheck(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "clock.h"
#include "fmt.h"
#include "msg.h"
#include "pidfile.h"
#include "proc.h"
#include "regfile.h"
#include "xalloc.h"

#define USAGE \
	"usage: prpidcheck [-r FILE] [-v] [-t TOKEN] PID...\n" \
	"       prpidcheck [-r FILE] [-v] -f PIDFILE\n" \
	"       prpidcheck [-r FILE] -T PID\n"

static int verbose;

/*
 * Did PID start more than a second after WRITTEN (ns since the epoch)?
 * Then it cannot be the process that wrote a pid file last written then.
 * A start time that cannot be read proves nothing: 0.
 */
static int
started_after(pid_t pid, long long written)
{
	char stamp[STAMP_LEN + 1];
	long long started;

	return proc_started(pid, stamp) && (started = stamp_ns(stamp)) != -1 &&
	    started > written + NS_PER_S;
}

/*
 * One PID by the liveness rule; with -v, its verdict on stdout.  A PID
 * whose token cannot be read is neither: said on stderr.  With WRITTEN,
 * the time a plain pid file naming it was last written, a live PID that
 * started after it is another's: reused (SPEC 5.4).
 */
static enum live
check(pid_t pid, const char *token, const long long *written)
{
	enum live l = pid_live(pid, token);

	if (l == LIVE && written != NULL && started_after(pid, *written))
		l = REUSED;

	if (verbose)
		fmt_printf("%ld %s\n", (long)pid, live_name(l));
	if (l == UNKNOWN && live_unknown_err() != 0)
		warnx_("%ld: cannot tell whether it is live: cannot read it: %s",
		    (long)pid, strerror(live_unknown_err()));
	else if (l == UNKNOWN)
		warnx_("%ld: cannot tell whether it is live: its state or start "
		    "token cannot be read (is /proc mounted?)", (long)pid);
	return l;
}

/* All live: 0; any not: 1; else any that could not be told: 3. */
static int
verdict(int no, int unknown)
{
	return out_status(no ? PR_NO : unknown ? PR_SYS : PR_OK);
}

int
main(int argc, char *argv[])
{
	const char *token = NULL, *pidfile = NULL, *tpid = NULL, *ropt = NULL;
	char ftoken[TOKEN_MAX + 1];
	long long written;
	int c, i, no = 0, unknown = 0;
	enum live l;
	pid_t *pids, pid;

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
	if (reg_path_ok(ropt) == -1)	/* a bad one is refused all the same */
		die_failed();
	if ((pidfile != NULL) + (tpid != NULL) + (argc > 0) == 0)
		die(PR_USAGE, "no PID: want PID operands, -f PIDFILE or -T PID "
		    "(-h for usage)");
	if ((pidfile != NULL) + (tpid != NULL) + (argc > 0) > 1)
		die(PR_USAGE, "%s: exclude each other (-h for usage)",
		    tpid == NULL ? "PID operands and -f" : pidfile == NULL ?
		    "PID operands and -T" : "-f and -T");
	if (token != NULL && argc == 0)
		die(PR_USAGE, "-t and -%c exclude each other: a token is "
		    "compared with PID operands (-h for usage)",
		    pidfile != NULL ? 'f' : 'T');
	if (tpid != NULL && verbose)
		die(PR_USAGE, "-v and -T exclude each other: -T prints a token, "
		    "not a verdict (-h for usage)");

	/* -T: the start token of a process, for scripts to keep. */
	if (tpid != NULL) {
		pid = arg_pid('T', tpid);
		if (!proc_token(pid, ftoken))
			return PR_NO;
		fmt_printf("%s\n", ftoken);
		return out_status(PR_OK);
	}

	/* -f: a daemon's pid file, with or without a token. */
	if (pidfile != NULL) {
		switch (pidfile_read_at(pidfile, &pid, ftoken, &written)) {
		case 0:
			return PR_NO;
		case -2:
			die_failed();
		case -1:
			die(PR_USAGE, "%s: malformed pid file: want PID or "
			    "PID TOKEN on the first line", pidfile);
		}
		l = ftoken[0] != '\0' ? check(pid, ftoken, NULL) :
		    check(pid, NULL, &written);
		return verdict(l != LIVE && l != UNKNOWN, l == UNKNOWN);
	}

	/* PID...: all are checked before any is looked at. */
	pids = xcalloc(argc, sizeof *pids);
	for (i = 0; i < argc; i++)
		pids[i] = arg_pid(0, argv[i]);
	for (i = 0; i < argc; i++) {
		l = check(pids[i], token, NULL);
		no |= l != LIVE && l != UNKNOWN;
		unknown |= l == UNKNOWN;
	}
	free(pids);
	return verdict(no, unknown);
}
