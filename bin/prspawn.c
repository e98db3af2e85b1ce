/* prspawn - start a command detached, and record it.  See prspawn(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "msg.h"
#include "pidfile.h"
#include "registry.h"
#include "slot.h"
#include "spawn.h"
#include "xalloc.h"

#define USAGE \
	"usage: prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-m MAX] " \
	"[-W SECS] [-C CAP]\n" \
	"               [-x] [-u NAME]... [-E] [-P PIDFILE] [-p] [-w] " \
	"-- COMMAND [ARG...]\n" \
	"       prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-p] -A PID\n"

#define LIMIT_MAX 100000	/* -m and -C */
#define WAIT_DEFAULT_NS (60 * 1000000000LL)	/* -W */

struct args {
	struct slot s;
	const char *ropt, *pidfile, *id;
	const char **unset;
	char *const *cmd;
	int print, fg;
	pid_t adopt;
};

/* Options, and what can be checked of them before anything starts. */
static void
options(int argc, char *argv[], struct args *a)
{
	size_t nunset = 0;
	int c, spawnopt = 0, drop = 0;

	a->s.type = "proc", a->s.session = "-";
	a->s.wait_ns = WAIT_DEFAULT_NS;
	a->unset = xcalloc(argc + 1, sizeof *a->unset);
	while ((c = opt_next(argc, argv, "hr:s:t:i:m:W:C:xu:EP:pwA:")) != -1) {
		if (strchr("mWCxuEPw", c) != NULL)
			spawnopt = c;
		if (opt_common(c, USAGE, &a->ropt))
			continue;
		switch (c) {
		case 's':
			a->s.session = arg_word(c, optarg);
			break;
		case 't':
			a->s.type = arg_word(c, optarg);
			break;
		case 'i':
			a->id = arg_word(c, optarg);
			break;
		case 'm':
			a->s.max = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'W':
			a->s.wait_ns = arg_secs(c, optarg);
			break;
		case 'C':
			a->s.cap = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'x':
			a->s.stop = 1;
			break;
		case 'u':
			a->unset[nunset++] = arg_envname(c, optarg);
			break;
		case 'E':
			drop = 1;
			break;
		case 'P':
			if (*(a->pidfile = optarg) == '\0')
				die(PR_USAGE, "-P: empty path");
			break;
		case 'p':
			a->print = 1;
			break;
		case 'w':
			a->fg = 1;
			break;
		case 'A':
			a->adopt = arg_pid(c, optarg);
			break;
		}
	}
	a->cmd = argv + optind;
	if (a->adopt != 0 && spawnopt != 0)
		die(PR_USAGE, "-A and -%c exclude each other (-h for usage)",
		    spawnopt);
	if (a->adopt != 0 && optind < argc)
		die(PR_USAGE, "-A takes no COMMAND (-h for usage)");
	if (a->adopt == 0 && optind == argc)
		die(PR_USAGE, "no COMMAND (-h for usage)");
	if (a->id == NULL && strlen(a->s.type) + strlen(a->s.session) + 12 >
	    WORD_MAX)
		die(PR_USAGE, "-t, -s: the id TYPE:SESSION:PID would be longer "
		    "than %d bytes; give -i", WORD_MAX);
	if (drop)
		args_drop_empty(argv + optind);
}

/*
 * Whether ID is free for a record of PID: a dead holder's record is
 * removed.  FRESH is a process we have just started: a record that names
 * its pid is about an earlier process, whatever it says.
 */
static int
id_free(struct reg *reg, const char *id, pid_t fresh)
{
	struct rec *r = reg_find(reg, id);

	if (r != NULL && r->pid != fresh && reg_live(reg, r) == LIVE)
		return 0;
	if (r != NULL)
		reg_remove(reg, r);
	return 1;
}

/* Add the record of PID, as the registry will hold it; NULL on failure. */
static struct rec *
record(struct reg *reg, pid_t pid, pid_t pgid, const struct slot *s,
    const char *id)
{
	char spid[16], spgid[16], stamp[STAMP_LEN + 1];
	struct pstat ps;
	struct rec r;

	snprintf(spid, sizeof spid, "%ld", (long)pid);
	if (pgid > 0)
		snprintf(spgid, sizeof spgid, "%ld", (long)pgid);
	else
		strcpy(spgid, "-");
	stamp_now(stamp);
	memset(&r, 0, sizeof r);
	r.pid = pid;
	r.pgid = pgid > 0 ? pgid : 0;
	r.f[F_PID] = spid;
	r.f[F_PGID] = spgid;
	r.f[F_TYPE] = s->type;
	r.f[F_SESSION] = s->session;
	r.f[F_STARTED] = stamp;
	r.f[F_TOKEN] = proc_stat(pid, &ps) ? ps.token : "-";
	r.f[F_ID] = id;
	return reg_add(reg, &r);
}

/* The lock (and a slot), then the command started: its pid. */
static pid_t
start(struct reg *reg, struct args *a)
{
	pid_t pid;
	int fd;

	if (a->id == NULL && a->s.max == 0 && a->s.cap == 0 && !a->s.stop) {
		/*
		 * Nothing in the registry decides the start: start first,
		 * from a smaller process to fork, and read the registry while
		 * the command execs.  The lock is held from before the start.
		 */
		if (reg_hold(reg) == -1 ||
		    (pid = spawn_start((char *const *)a->cmd, a->unset, &fd)) ==
		    -1)
			die_failed();
		if (reg_load(reg) == -1) {
			spawn_cancel(pid);
			die_failed();
		}
		if (spawn_confirm(pid, fd, (char *const *)a->cmd) == -1)
			die_failed();
		return pid;
	}

	/* Make room and take a slot; the lock is held from here. */
	switch (slot_take(reg, &a->s)) {
	case SLOT_OK:
		break;
	case SLOT_CAP:
		die(PR_NOSLOT, "-C: %lu live of type %s, cap %lu; nothing "
		    "started", a->s.live, a->s.type, a->s.cap);
	case SLOT_TIMEOUT:
		die(PR_NOSLOT, "-m: no slot: %lu live of type %s, max %lu, "
		    "after %lld.%03lld s; nothing started", a->s.live,
		    a->s.type, a->s.max, a->s.wait_ns / 1000000000LL,
		    a->s.wait_ns / 1000000 % 1000);
	case SLOT_STUCK:
		die(PR_NO, "-x: %lu of type %s in session %s not stopped; "
		    "nothing started", a->s.left, a->s.type, a->s.session);
	default:
		die_failed();
	}
	if (a->id != NULL && !id_free(reg, a->id, 0))
		die(PR_NO, "%s: id held by a live process", a->id);
	if ((pid = spawn((char *const *)a->cmd, a->unset)) == -1)
		die_failed();
	return pid;
}

/* -A: a process that runs already, if it is live; the lock is taken. */
static pid_t
adopt(struct reg *reg, pid_t pid, pid_t *pgid, const char *id)
{
	enum live l = pid_live(pid, NULL);

	if (l == LIVE && (*pgid = getpgid(pid)) == -1 && errno == ESRCH)
		l = DEAD;
	if (l != LIVE)
		die(PR_NO, "-A: %ld: not a live process (%s)", (long)pid,
		    live_name(l));
	if (reg_lock(reg) == -1)
		die_failed();
	if (id != NULL && !id_free(reg, id, 0))
		die(PR_NO, "%s: id held by a live process", id);
	return pid;
}

/* -w: stay with it, then forget it (and its pid file, if ours). */
static int
foreground(struct reg *reg, pid_t pid, const struct rec *rec,
    const char *pidfile)
{
	char token[TOKEN_MAX + 1];
	struct rec *r;
	pid_t ppid;
	int status;

	if ((status = spawn_wait(pid)) == -1)
		die_failed();
	if (reg_lock(reg) == -1)
		die_failed();
	if ((r = reg_find_same(reg, rec)) != NULL)
		reg_remove(reg, r);
	if (pidfile != NULL && pidfile_read(pidfile, &ppid, token) == 1 &&
	    ppid == pid && unlink(pidfile) == -1)
		warn_("%s: cannot remove", pidfile);
	if (reg_store(reg) == -1)
		die_failed();
	return status;
}

int
main(int argc, char *argv[])
{
	struct args a;
	char defid[WORD_MAX + 1];
	struct rec *r, mine;
	struct reg reg;
	pid_t pid, pgid = 0;
	int status;

	msg_init(argv[0]);
	memset(&a, 0, sizeof a);
	memset(&mine, 0, sizeof mine);
	options(argc, argv, &a);
	if (reg_open(&reg, a.ropt, 1) == -1)
		die_failed();

	/* Lock, and start the command (or take the one to adopt). */
	if (a.adopt != 0) {
		pid = adopt(&reg, a.adopt, &pgid, a.id);
	} else {
		pid = pgid = start(&reg, &a);
	}

	/* The default id names the pid: free only now it is known. */
	if (a.id == NULL) {
		snprintf(defid, sizeof defid, "%s:%s:%ld", a.s.type,
		    a.s.session, (long)pid);
		a.id = defid;
		if (!id_free(&reg, a.id, a.adopt != 0 ? 0 : pid)) {
			if (a.adopt == 0)
				spawn_cancel(pid);
			die(PR_NO, "%s: id held by a live process", a.id);
		}
	}

	/* Record it, then tell: what is printed is what the file holds. */
	if ((r = record(&reg, pid, pgid, &a.s, a.id)) == NULL ||
	    rec_copy(&mine, r) == -1 || reg_store(&reg) == -1) {
		if (a.adopt == 0)
			spawn_cancel(pid);
		if (r != NULL && mine.f[F_PID] == NULL)
			die(PR_SYS, "out of memory");
		die_failed();
	}
	if (a.adopt == 0)
		spawn_keep(a.fg);
	if (a.pidfile != NULL &&
	    pidfile_write(a.pidfile, pid, mine.f[F_TOKEN]) == -1)
		die_failed();
	if (a.print)
		rec_print(&mine);
	status = out_status(PR_OK);

	if (a.fg)
		status = foreground(&reg, pid, &mine, a.pidfile);
	rec_release(&mine);
	reg_free(&reg);
	free(a.unset);
	return status;
}
