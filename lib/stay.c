/*
 * stay.c - prspawn(1) after the record: -N's wait until the command says
 * it is ready (on its pipe, or NOTIFY_SOCKET: notify.h), and -w's stay until it exits; either ends, when the
 * command is done with, by stopping what is left of it and forgetting it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "desc.h"
#include "mark.h"
#include "msg.h"
#include "notify.h"
#include "pidfile.h"
#include "reap.h"
#include "start.h"
#include "stop.h"

/*
 * As prreap would (by -R's schedule, if given), stop what is left of the
 * command's processes (while it is an unreaped zombie, its group's id is
 * still its own), then forget it, with its pid file if ours.  As a subreaper, our children
 * are orphans of its: what it started, proven ours.  Its status as a
 * shell says it, or -1.
 */
static int
finish(struct start *st, const char *pidfile)
{
	struct reap_opts o = REAP_DEFAULTS;
	char token[TOKEN_MAX + 1];
	pid_t ppid;
	int status;

	o.children = st->reaper;
	o.rec_stop = 1;		/* -R: its own schedule */
	o.forget_all = 1;	/* its record goes with it */
	/* Under a keeper (-N), the command is the keeper's to collect. */
	if (stop_forget(&st->reg, &st->mine, 1, &o, NULL) == -1 ||
	    (status = st->k.pid != 0 ? 0 : spawn_status(st->pid,
	    st->reaper)) == -1)
		return -1;
	if (pidfile != NULL && pidfile_read(pidfile, &ppid, token) == 1 &&
	    ppid == st->pid && unlink(pidfile) == -1)
		warn_("%s: cannot remove", pidfile);
	if (reg_store(&st->reg) == -1)
		return -1;
	return status;
}

/*
 * -N: it is recorded; now wait (-W at most) until it says it is ready.
 * A command that exits, or closes the descriptor, first, or is not ready
 * in time, is stopped and forgotten as -w does it: prspawn fails.  Under
 * a keeper, "exits" is the keeper's end, once all the command's
 * processes are gone; the keeper says the status it writes as exit=N.
 */
int
start_ready(struct start *st)
{
	struct notify_from from;
	int status = 0, rc, lost;

	/* -N notify: who may say it (the record's processes). */
	from.pid = st->pid;
	from.keeper = st->k.pid;
	if (!mark_of(st->pid, st->token, from.mark))
		from.mark[0] = '\0';
	from.cg = st->cg[0] != '\0' ? st->cg : NULL;
	rc = spawn_ready(st->k.pid != 0 ? st->k.pid : st->pid, st->ready,
	    st->sdnotify ? notify_look : spawn_pipe_look, &from,
	    now_ns() + st->s.wait_ns, &status);
	notify_close();
	lost = rc == SPAWN_EXITED && st->k.pid != 0 &&
	    !keeper_ended(&st->k, &status);
	keeper_let_go(&st->k);
	if (rc == SPAWN_READY)
		return 0;
	if (finish(st, NULL) == -1)
		return -1;
	if (lost)
		return fail(PR_NO, "%s: its keeper (pid %ld) ended with status "
		    "%d before it was ready; stopped and forgotten", st->id,
		    (long)st->k.pid, status);
	if (rc == SPAWN_LATE)
		return fail(PR_NOSLOT, "%s: not ready after %lld.%03lld s "
		    "(-W); stopped and forgotten", st->id,
		    st->s.wait_ns / NS_PER_S, st->s.wait_ns / NS_PER_MS % 1000);
	if (rc == SPAWN_EXITED)
		return fail(PR_NO, "%s: exited (status %d) before it was "
		    "ready; forgotten", st->id, status);
	return fail(PR_NO, "%s: closed its -N descriptor without a newline; "
	    "stopped and forgotten", st->id);
}

/*
 * What the command left (as a subreaper, every process it started is
 * our descendant), said in one line before it is stopped: a daemon
 * stopped by -w is never stopped silently.
 */
static void
say_left(const struct start *st)
{
	struct scan s;
	struct pent **left;
	size_t n;
	int status;

	memset(&s, 0, sizeof s);
	if (!st->reaper || !spawn_exited(st->pid, &status))
		return;
	if ((n = desc_find(&s, getpid(), &left)) > 0)
		warnx_("%s: %s exited with status %d and left %lu processes; "
		    "stopping them", st->id, st->o.argv[0], status,
		    (unsigned long)n);
	free(left);
	scan_free(&s);
}

/*
 * -w: stay with it.  As a subreaper, orphans of its descendants are ours
 * and collected.  When it exits, what is left of its processes is
 * stopped (and said), then it is forgotten: its status, or -1.
 */
int
start_stay(struct start *st)
{
	if (spawn_wait(st->pid, st->reaper) == -1)
		return -1;
	say_left(st);
	return finish(st, st->pidfile);
}
