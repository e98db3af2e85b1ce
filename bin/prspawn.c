/* prspawn - start a command detached, and record it.  See prspawn(1). */
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "clock.h"
#include "msg.h"
#include "reslimit.h"
#include "stopsched.h"
#include "start.h"
#include "xalloc.h"

#define USAGE \
	"usage: prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-m MAX] " \
	"[-W SECS]\n" \
	"               [-C CAP] [-x] [-c] [-l LIMITS] [-R SCHEDULE] " \
	"[-u NAME]... [-E]\n" \
	"               [-o FILE] [-d DIR] [-N FD | -N notify] " \
	"[-P PIDFILE | -F PIDFILE]\n" \
	"               [-p] [-b | -w] [-O PID] [-L] [--] COMMAND [ARG...]\n" \
	"       prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-R SCHEDULE] " \
	"[-O PID]\n" \
	"               [-p] -A PID\n"

#define LIMIT_MAX 100000	/* -m and -C */
#define NOTIFY_MAX 63		/* -N: 3 to this */
#define WAIT_DEFAULT_NS (60 * NS_PER_S)	/* -W */

/* -N FD (s6's way) or -N notify (systemd's). */
static void
notify_arg(struct start *st, const char *v)
{
	unsigned long n;

	if (strcmp(v, "notify") == 0) {
		st->sdnotify = 1;
		return;
	}
	if (!ulong_parse(v, NOTIFY_MAX, &n) || n < 3)
		die(PR_USAGE, "-N: invalid value '%s': want a descriptor 3 to "
		    "%d, or notify", arg_shown(v), NOTIFY_MAX);
	st->notify = (int)n;
}

/* Options, and what can be checked of them without touching anything. */
static void
options(int argc, char *argv[], struct start *st)
{
	size_t nunset = 0;
	int c, spawnopt = 0, drop = 0;
	const char **unset = xcalloc(argc + 1, sizeof *unset);
	struct sched stop;

	st->s.wait_ns = WAIT_DEFAULT_NS;
	st->o.unset = unset;
	while ((c = opt_next(argc, argv,
	    "hr:s:t:i:m:W:C:xu:EP:F:pwbA:co:d:N:l:R:O:L")) != -1) {
		if (strchr("mWCxuEPFwbcodNlL", c) != NULL)
			spawnopt = c;
		if (opt_common(c, USAGE, &st->ropt))
			continue;
		switch (c) {
		case 's':
			st->s.session = arg_word(c, optarg);
			break;
		case 't':
			st->s.type = arg_word(c, optarg);
			break;
		case 'i':
			st->id = arg_word(c, optarg);
			break;
		case 'm':
			st->s.max = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'W':
			st->s.wait_ns = arg_secs(c, optarg);
			break;
		case 'C':
			st->s.cap = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'x':
			st->s.stop = 1;
			break;
		case 'c':
			st->cgroup = 1;
			break;
		case 'u':
			unset[nunset++] = arg_envname(c, optarg);
			break;
		case 'E':
			drop = 1;
			break;
		case 'P':
		case 'F':
			if (st->pidfile != NULL)
				die(PR_USAGE, "-P and -F: exclude each other, "
				    "and are given once (-h for usage)");
			if (*(st->pidfile = optarg) == '\0')
				die(PR_USAGE, "-%c: empty path", c);
			st->plain = c == 'F';
			break;
		case 'b':
			st->bare = 1;
			break;
		case 'o':
		case 'd':
			if (*optarg == '\0')
				die(PR_USAGE, "-%c: empty path", c);
			*(c == 'o' ? &st->out : &st->dir) = optarg;
			break;
		case 'p':
			st->print = 1;
			break;
		case 'w':
			st->fg = 1;
			break;
		case 'A':
			st->adopt = arg_pid(c, optarg);
			break;
		case 'N':
			notify_arg(st, optarg);
			break;
		case 'l':
			if (limits_arg(c, optarg, &st->lim) == -1)
				die_failed();
			break;
		case 'R':
			if (sched_arg(c, optarg, &stop) == -1)
				die_failed();
			st->stop = optarg;
			break;
		case 'O':
			st->owner_pid = arg_pid(c, optarg);
			break;
		case 'L':
			st->lifeline = 1;
			break;
		}
	}
	st->o.argv = argv + optind;
	if (st->sdnotify && st->notify != -1)
		die(PR_USAGE, "-N FD and -N notify: exclude each other (-h for "
		    "usage)");
	if (st->adopt != 0 && spawnopt != 0)
		die(PR_USAGE, "-A and -%c: exclude each other (-h for usage)",
		    spawnopt);
	if (st->adopt != 0 && optind < argc)
		die(PR_USAGE, "-A: takes no COMMAND: it records a running "
		    "PID (-h for usage)");
	if (st->adopt == 0 && optind == argc)
		die(PR_USAGE, "no COMMAND: want -- COMMAND [ARG...] (-h for "
		    "usage)");
	if (st->id == NULL && strlen(st->s.type) + strlen(st->s.session) +
	    12 > WORD_MAX)
		die(PR_USAGE, "-t, -s: the id TYPE:SESSION:PID would be longer "
		    "than %d bytes; give -i", WORD_MAX);
	if (limits_check(&st->lim, st->cgroup) == -1)
		die_failed();
	if (st->lim.text != NULL && !st->cgroup)
		st->o.limits = &st->lim;	/* the command's own rlimits */
	if (drop)
		args_drop_empty(argv + optind);
}

/* A phase failed: undo what is not kept, say why, and end. */
NORETURN static void
give_up(struct start *st)
{
	start_undo(st);
	die_failed();
}

int
main(int argc, char *argv[])
{
	struct start st;
	int status;

	msg_init(argv[0]);
	start_init(&st);
	options(argc, argv, &st);

	/* What can be refused, before anything starts. */
	if (start_prepare(&st) == -1)
		give_up(&st);

	/* Lock, and start the command (or take the one to adopt). */
	if (start_take(&st) == -1)
		give_up(&st);

	/* Record it, then tell: what is printed is what the file holds. */
	if (start_record(&st) == -1 || start_tell(&st) == -1)
		give_up(&st);
	status = out_status(PR_OK);

	/* -w: stay with it, and exit with its status. */
	if (st.fg && (status = start_stay(&st)) == -1)
		die_failed();
	start_end(&st);
	return status;
}
