/* prspawn - start a command detached, and record it.  See prspawn(1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "cgroup.h"
#include "live.h"
#include "msg.h"
#include "pidfile.h"
#include "reap.h"
#include "reaper.h"
#include "registry.h"
#include "slot.h"
#include "spawn.h"
#include "xalloc.h"

#define USAGE \
	"usage: prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-m MAX] " \
	"[-W SECS]\n" \
	"               [-C CAP] [-x] [-c] [-u NAME]... [-E] [-o FILE] " \
	"[-d DIR]\n" \
	"               [-N FD] [-P PIDFILE] [-p] [-w] [--] COMMAND [ARG...]\n" \
	"       prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-p] -A PID\n"

#define LIMIT_MAX 100000	/* -m and -C */
#define NOTIFY_MAX 63		/* -N: 3 to this (below spawn.c's own) */
#define WAIT_DEFAULT_NS (60 * NS_PER_S)	/* -W */

struct args {
	struct slot s;
	struct spawn_opts o;
	const char *ropt, *pidfile, *id, *out, *dir;
	int print, fg, cgroup;
	int ready;		/* -N: the pipe's read end, or -1 */
	pid_t adopt;
	char cg[PATH_LEN];	/* -c: the cgroup made for the command */
};

/* -o FILE, -d DIR: opened now, so a bad one is refused before a start. */
static int
open_arg(int opt, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd == -1)
		die_sys(errno == ENOENT || errno == ENOTDIR || errno == EISDIR ||
		    errno == ELOOP || errno == ENAMETOOLONG ? PR_USAGE : PR_SYS,
		    "-%c: %s: cannot open", opt, arg_shown(path));
	return fd;
}

/* Options, and what can be checked of them before anything starts. */
static void
options(int argc, char *argv[], struct args *a)
{
	size_t nunset = 0;
	int c, spawnopt = 0, drop = 0;
	const char **unset = xcalloc(argc + 1, sizeof *unset);

	a->s.type = "proc", a->s.session = "-";
	a->s.wait_ns = WAIT_DEFAULT_NS;
	a->o.cgfd = a->o.dirfd = a->o.outfd = a->o.notify = a->ready = -1;
	a->o.unset = unset;
	while ((c = opt_next(argc, argv, "hr:s:t:i:m:W:C:xu:EP:pwA:co:d:N:")) !=
	    -1) {
		if (strchr("mWCxuEPwcodN", c) != NULL)
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
		case 'c':
			a->cgroup = 1;
			break;
		case 'u':
			unset[nunset++] = arg_envname(c, optarg);
			break;
		case 'E':
			drop = 1;
			break;
		case 'P':
			if (*(a->pidfile = optarg) == '\0')
				die(PR_USAGE, "-P: empty path");
			break;
		case 'o':
		case 'd':
			if (*optarg == '\0')
				die(PR_USAGE, "-%c: empty path", c);
			*(c == 'o' ? &a->out : &a->dir) = optarg;
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
		case 'N':
			a->o.notify = (int)arg_count(c, optarg, 3, NOTIFY_MAX);
			break;
		}
	}
	a->o.argv = argv + optind;
	if (a->adopt != 0 && spawnopt != 0)
		die(PR_USAGE, "-A and -%c: exclude each other (-h for usage)",
		    spawnopt);
	if (a->adopt != 0 && optind < argc)
		die(PR_USAGE, "-A: takes no COMMAND: it records a running "
		    "PID (-h for usage)");
	if (a->adopt == 0 && optind == argc)
		die(PR_USAGE, "no COMMAND: want -- COMMAND [ARG...] (-h for "
		    "usage)");
	if (a->id == NULL && strlen(a->s.type) + strlen(a->s.session) + 12 >
	    WORD_MAX)
		die(PR_USAGE, "-t, -s: the id TYPE:SESSION:PID would be longer "
		    "than %d bytes; give -i", WORD_MAX);
	if (drop)
		args_drop_empty(argv + optind);
	if (a->out != NULL)
		a->o.outfd = open_arg('o', a->out, O_WRONLY | O_APPEND |
		    O_CREAT);
	if (a->dir != NULL)
		a->o.dirfd = open_arg('d', a->dir, O_RDONLY | O_DIRECTORY);
	if (a->o.notify != -1 &&
	    (a->ready = spawn_notify(&a->o, a->o.notify)) == -1)
		die_failed();
	a->o.mark = 1;
}

/* -c: a cgroup of the command's own, made before anything starts. */
static void
make_cgroup(struct args *a)
{
	char root[PATH_LEN];

	if (cg_root(root) == -1 || cg_make(root, a->cg) == -1)
		die_failed();
	if ((a->o.cgfd = cg_procs_fd(a->cg)) == -1) {
		cg_remove(a->cg);
		die_failed();
	}
}

/* Undo a start that cannot be recorded, then say why and end. */
NORETURN static void
abandon(const struct args *a, pid_t pid)
{
	int i;

	if (pid > 0 && a->adopt == 0)
		spawn_cancel(pid);
	/* Its cgroup empties once the SIGKILL is taken: then it goes. */
	for (i = 0; a->cg[0] != '\0' && i < 100 && cg_populated(a->cg) == 1;
	    i++)
		sleep_ns(10 * NS_PER_MS);
	if (a->cg[0] != '\0')
		rmdir(a->cg);
	die_failed();
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

	if (r != NULL && r->pid != fresh && reg_may_live(reg, r))
		return 0;
	if (r != NULL)
		reg_remove(reg, r);
	return 1;
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
		if (reg_hold(reg) == -1)
			abandon(a, 0);
		if ((pid = spawn_start(&a->o, &fd)) == -1)
			abandon(a, 0);
		if (reg_load(reg) == -1)
			abandon(a, pid);
		if (spawn_confirm(pid, fd, &a->o) == -1)
			abandon(a, 0);
		return pid;
	}

	/* Make room and take a slot; the lock is held from here. */
	switch (slot_take(reg, &a->s)) {
	case SLOT_OK:
		break;
	case SLOT_CAP:
		fail(PR_NOSLOT, "-C: %lu live of type %s, cap %lu; nothing "
		    "started", a->s.live, a->s.type, a->s.cap);
		abandon(a, 0);
	case SLOT_TIMEOUT:
		fail(PR_NOSLOT, "-m: no slot: %lu live of type %s, max %lu, "
		    "after %lld.%03lld s; nothing started", a->s.live,
		    a->s.type, a->s.max, a->s.wait_ns / NS_PER_S,
		    a->s.wait_ns / NS_PER_MS % 1000);
		abandon(a, 0);
	case SLOT_STUCK:
		fail(PR_NO, "-x: %lu of type %s in session %s not stopped; "
		    "nothing started", a->s.left, a->s.type, a->s.session);
		abandon(a, 0);
	default:
		abandon(a, 0);
	}
	if (a->id != NULL && !id_free(reg, a->id, 0)) {
		fail(PR_NO, "%s: id held by a live process", a->id);
		abandon(a, 0);
	}
	if ((pid = spawn(&a->o)) == -1)
		abandon(a, 0);
	slot_end(&a->s);
	return pid;
}

/*
 * -A: a process that runs already.  Its token is read before the wait
 * for the lock, and checked again under it: a process that ended
 * meanwhile is not recorded (its pid may be another's by then).  Its
 * group is recorded only when it leads it: a record never names a group
 * it does not own.
 */
static pid_t
adopt(struct reg *reg, struct args *a, char token[TOKEN_MAX + 1],
    pid_t *pgid)
{
	pid_t pid = a->adopt;
	enum live l = pid_live(pid, NULL);

	if (l == LIVE && !proc_token(pid, token))
		die(PR_SYS, "-A: %ld: cannot read its start token (is /proc "
		    "mounted?); not recorded", (long)pid);
	if (l == LIVE && reg_lock(reg) == -1)
		die_failed();
	if (l == LIVE)
		l = pid_live(pid, token);
	if (l != LIVE)
		die(PR_NO, "-A: %ld: not a live process (%s)", (long)pid,
		    live_name(l));
	*pgid = getpgid(pid) == pid ? pid : 0;
	if (a->id != NULL && !id_free(reg, a->id, 0))
		die(PR_NO, "%s: id held by a live process", a->id);
	return pid;
}

/*
 * -w: stay with it.  As a subreaper, orphans of its descendants are ours
 * and collected.  When it exits, what is left of its processes is
 * stopped as prreap would (while it is an unreaped zombie, its group's
 * id is still its own), then it is forgotten, with its pid file if ours.
 */
static int
finish(struct reg *reg, pid_t pid, struct rec *rec, const char *pidfile,
    int reaper)
{
	struct reap_opts o = REAP_DEFAULTS;
	char token[TOKEN_MAX + 1];
	struct rec *r;
	pid_t ppid;
	int status, gone;

	/* Our children are orphans of its: what it started, proven ours. */
	o.children = reaper;
	reap(&rec, 1, &o, &gone);
	if ((status = spawn_status(pid, reaper)) == -1)
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

static int
foreground(struct reg *reg, pid_t pid, struct rec *rec, const char *pidfile,
    int reaper)
{
	if (spawn_wait(pid, reaper) == -1)
		die_failed();
	return finish(reg, pid, rec, pidfile, reaper);
}

/*
 * -N: it is recorded; now wait (-W at most) until it says it is ready.
 * A command that exits, or closes the descriptor, first, or is not ready
 * in time, is stopped and forgotten as -w does it: prspawn fails.
 */
static void
ready(struct reg *reg, struct args *a, pid_t pid, struct rec *rec,
    int reaper)
{
	int status = 0, rc = spawn_ready(pid, a->ready,
	    now_ns() + a->s.wait_ns, &status);

	if (rc == SPAWN_READY)
		return;
	finish(reg, pid, rec, NULL, reaper);
	if (rc == SPAWN_LATE)
		die(PR_NOSLOT, "%s: not ready after %lld.%03lld s (-W); "
		    "stopped and forgotten", a->id, a->s.wait_ns / NS_PER_S,
		    a->s.wait_ns / NS_PER_MS % 1000);
	if (rc == SPAWN_EXITED)
		die(PR_NO, "%s: exited (status %d) before it was ready; "
		    "forgotten", a->id, status);
	die(PR_NO, "%s: closed its -N descriptor without a newline; "
	    "stopped and forgotten", a->id);
}

int
main(int argc, char *argv[])
{
	char defid[WORD_MAX + 1], token[TOKEN_MAX + 1], started[STAMP_LEN + 1];
	struct rec nr, *r, mine;
	struct recbuf b;
	struct args a;
	struct reg reg;
	pid_t pid, pgid = 0;
	int status, reaper = 0;

	msg_init(argv[0]);
	memset(&a, 0, sizeof a);
	memset(&mine, 0, sizeof mine);
	options(argc, argv, &a);
	if (reg_open(&reg, a.ropt, 1) == -1)
		die_failed();
	if (a.cgroup)
		make_cgroup(&a);
	if (a.fg)
		reaper = subreaper() == 0;

	/* Lock, and start the command (or take the one to adopt). */
	if (a.adopt != 0) {
		pid = adopt(&reg, &a, token, &pgid);
	} else {
		pid = pgid = start(&reg, &a);
		if (!proc_token(pid, token)) {
			fail(PR_SYS, "%ld: cannot read its start token (is "
			    "/proc mounted?); the command is stopped",
			    (long)pid);
			abandon(&a, pid);
		}
	}

	/* The default id names the pid: free only now it is known. */
	if (a.id == NULL) {
		snprintf(defid, sizeof defid, "%s:%s:%ld", a.s.type,
		    a.s.session, (long)pid);
		a.id = defid;
		if (!id_free(&reg, a.id, a.adopt != 0 ? 0 : pid)) {
			fail(PR_NO, "%s: id held by a live process", a.id);
			abandon(&a, pid);
		}
	}

	/* Record it, then tell: what is printed is what the file holds. */
	if (rec_build(&nr, &b, &(struct recnew){ .pid = pid, .pgid = pgid,
	    .type = a.s.type, .session = a.s.session, .token = token,
	    .started = a.adopt != 0 && proc_started(pid, started) ? started :
	    NULL, .id = a.id, .attr[A_CGROUP] = a.cg[0] != '\0' ? a.cg : NULL })
	    == -1) {
		fail(PR_SYS, "%s: an attribute is not of prreg(5)'s form", a.id);
		abandon(&a, pid);
	}
	if ((r = reg_add(&reg, &nr)) == NULL)
		abandon(&a, pid);
	if (rec_copy(&mine, r) == -1) {
		fail(PR_SYS, "out of memory");
		abandon(&a, pid);
	}
	if (reg_store(&reg) == -1)
		abandon(&a, pid);
	if (a.adopt == 0)
		spawn_keep(a.fg);
	if (a.ready != -1)
		ready(&reg, &a, pid, &mine, reaper);
	if (a.pidfile != NULL && pidfile_write(a.pidfile, pid, token) == -1)
		die_failed();
	if (a.print)
		rec_print(&mine);
	status = out_status(PR_OK);

	if (a.fg)
		status = foreground(&reg, pid, &mine, a.pidfile, reaper);
	rec_release(&mine);
	reg_free(&reg);
	free((void *)a.o.unset);
	return status;
}
