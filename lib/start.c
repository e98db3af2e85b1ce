/* start.c - prspawn(1)'s phases: prepare, start (or adopt), record, tell. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "fmt.h"
#include "kthread.h"
#include "clock.h"
#include "live.h"
#include "msg.h"
#include "notify.h"
#include "pidfile.h"
#include "reap.h"
#include "reglive.h"
#include "start.h"

void
start_init(struct start *st)
{
	memset(st, 0, sizeof *st);
	st->s.type = "proc", st->s.session = "-";
	st->o.cgfd = st->o.dirfd = st->o.outfd = st->o.notify = -1;
	st->o.ours[0] = st->o.ours[1] = st->o.ours[2] = -1;
	st->notify = st->ready = -1;
	st->reg.dirfd = st->reg.lockfd = st->reg.fd = -1;
	st->k.sock = -1;
}

/*
 * Whether the command gets a keeper (SPEC 5.1): by default, -N too (a
 * forking daemon that waits to be ready is held as any other).  Not with
 * -b (bare) or -w (prspawn itself stays, as the keeper in the
 * foreground).
 */
static int
kept_by_keeper(const struct start *st)
{
	return !st->bare && !st->fg && st->adopt == 0;
}

/*
 * The command started, by its keeper or by us; its pid, or -1.  *FD is
 * for launched() (-1 with a keeper: it confirms itself).
 */
static pid_t
launch(struct start *st, int *fd)
{
	*fd = -1;
	if (!kept_by_keeper(st))
		return spawn_start(&st->o, fd);
	st->k.lifeline = st->lifeline ? &st->owner : NULL;
	st->k.await = st->ready != -1;	/* -N: its end, if before ready */
	if (keeper_start(&st->k, &st->o, &st->reg) == -1)
		return -1;
	return 0;	/* the command's pid comes from launched() */
}

/* Whether it was executed: its pid, or -1 (nothing left to stop). */
static pid_t
launched(struct start *st, pid_t pid, int fd)
{
	if (st->k.pid != 0)
		return keeper_confirm(&st->k);
	return spawn_confirm(pid, fd, &st->o) == -1 ? -1 : pid;
}

/* PID's start token into TOKEN; WHOSE ("its", "the keeper's") to say. */
static int
token_of(pid_t pid, char token[TOKEN_MAX + 1], const char *whose)
{
	if (!proc_token(pid, token))
		return fail(PR_SYS, "%ld: cannot read %s start token (is /proc "
		    "mounted?); the command is stopped", (long)pid, whose);
	return 0;
}

/* keeper=PID:TOKEN, for the record. */
static int
keeper_attr(struct start *st)
{
	if (st->k.pid == 0)
		return 0;
	if (token_of(st->k.pid, st->ktoken, "the keeper's") == -1)
		return -1;
	pidtok_fmt(st->kattr, st->k.pid, st->ktoken);
	return 0;
}

/* The record of the command, as it is (or would be) written. */
static int
build(const struct start *st, struct rec *r, struct recbuf *b,
    const char *started)
{
	if (rec_build(r, b, &(struct recnew){ .pid = st->pid,
	    .pgid = st->pgid, .type = st->s.type, .session = st->s.session,
	    .started = started, .token = st->token,
	    .id = st->id != NULL ? st->id : "-",
	    .attr[A_CGROUP] = st->cg[0] != '\0' ? st->cg : NULL,
	    .attr[A_LIMITS] = st->lim.text, .attr[A_STOP] = st->stop,
	    .attr[A_OWNER] = st->owner.pid != 0 ? st->owner.attr : NULL,
	    .attr[A_KEEPER] = st->kattr[0] != '\0' ? st->kattr : NULL }) == -1)
		return fail(PR_SYS, "%s: an attribute is not of prreg(5)'s form",
		    st->id != NULL ? st->id : "-");
	return 0;
}

/*
 * A command started and never recorded is stopped at once (KILL) as
 * prreap stops a record: its group, what carries its marker, its cgroup,
 * so what it started at once (a daemon's double fork and setsid) goes
 * too, and the cgroup is removed.  Before its token is known, only the
 * child and its group can be told ours.
 */
static void
stop_unrecorded(struct start *st)
{
	struct reap_opts o = REAP_DEFAULTS;
	struct recbuf b;
	struct rec r, *rp = &r;
	int gone = 1;

	if (st->token[0] != '\0') {
		sched_classic(&o.stop, SIGKILL, 5 * NS_PER_S, NS_PER_S);
		o.children = st->reaper;
		if (build(st, &r, &b, NULL) == 0)
			reap(&rp, 1, &o, &gone);
	}
	spawn_cancel(st->pid);
	if (!gone)
		warnx_("%ld: started, not recorded, and not all stopped",
		    (long)st->pid);
}

/*
 * Undo a start that cannot be recorded: the command is stopped, and the
 * cgroup made for it removed.  What start_record() kept stays.  The
 * failure kept is the one to say, whatever the stop met.
 */
void
start_undo(struct start *st)
{
	char why[1024];
	int status = failed_status(), i;

	if (st->kept)
		return;
	fmt_snprintf(why, sizeof why, "%s", failed_msg());
	if (st->pid > 0 && st->adopt == 0)
		stop_unrecorded(st);
	if (st->k.pid != 0)
		keeper_cancel(&st->k);	/* it ends, with nothing left */
	/* Its cgroup empties once the SIGKILL is taken: then it goes. */
	for (i = 0; st->cg[0] != '\0' && i < 100 && cg_populated(st->cg) == 1;
	    i++)
		sleep_ns(10 * NS_PER_MS);
	if (st->cg[0] != '\0')
		rmdir(st->cg);
	fail(status, "%s", why);
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
		return fail(PR_NO, "%s: id held by a live process", id);
	if (r != NULL)
		reg_remove(reg, r);
	return 0;
}

/* Why slot_take() said no, kept as the failure. */
static int
no_slot(const struct slot *s, enum slot_result why)
{
	switch (why) {
	case SLOT_CAP:
		return fail(PR_NOSLOT, "-C: %lu live of type %s, cap %lu; "
		    "nothing started", s->live, s->type, s->cap);
	case SLOT_TIMEOUT:
		return fail(PR_NOSLOT, "-m: no slot: %lu live of type %s, max "
		    "%lu, after %lld.%03lld s; nothing started", s->live,
		    s->type, s->max, s->wait_ns / NS_PER_S,
		    s->wait_ns / NS_PER_MS % 1000);
	case SLOT_ORPHAN:
		return fail(PR_NOSLOT, "-L: owner %ld died while waiting for a "
		    "slot; nothing started", (long)s->lifeline->pid);
	case SLOT_STUCK:
		return fail(PR_NO, "-x: %lu of type %s in session %s not "
		    "stopped; nothing started", s->left, s->type, s->session);
	default:
		return -1;
	}
}

/*
 * The registry's descriptors, for the child to close at once: a command
 * started under a low descriptor limit has room for what it opens.
 */
static void
registry_fds(struct start *st)
{
	st->o.ours[0] = st->reg.dirfd;
	st->o.ours[1] = st->reg.lockfd;
	st->o.ours[2] = st->reg.fd;
}

/*
 * Nothing in the registry decides the start: start first, from a smaller
 * process to fork, and read the registry while the command execs.  The
 * lock is held from before the start, and what the record's write could
 * refuse is tried before it; an unsafe FILE.corrupt refuses only when
 * lines are to be moved there, so then the registry is read first.
 */
static int
start_first(struct start *st)
{
	struct reg *reg = &st->reg;
	int fd, loaded = 0;
	pid_t pid;

	if (reg_hold(reg) == -1)
		return -1;
	if (reg_can_store(reg, 0) == -1 && (loaded = 1, reg_load(reg) == -1 ||
	    reg_can_store(reg, 1) == -1))
		return -1;
	registry_fds(st);
	if ((pid = launch(st, &fd)) == -1)
		return -1;
	st->pid = st->pgid = pid;
	if (!loaded && reg_load(reg) == -1)
		return -1;
	if ((pid = launched(st, pid, fd)) == -1) {
		st->pid = 0;	/* collected: nothing to stop */
		return -1;
	}
	st->pid = st->pgid = pid;
	return 0;
}

/* Make room and take a slot, holding the lock from there, then start. */
static int
start_in_slot(struct start *st)
{
	enum slot_result why = slot_take(&st->reg, &st->s);
	pid_t pid;
	int fd;

	if (why != SLOT_OK)
		return no_slot(&st->s, why);
	if ((st->id != NULL && id_free(&st->reg, st->id, 0) == -1) ||
	    reg_can_store(&st->reg, 1) == -1)
		return -1;
	/*
	 * A start here (-i, -m, -C, -x) needs no more descriptors than a
	 * plain one (prspawn(1): 8): a waiter holds the registry's watch
	 * till the command runs, and the no-procfs build a pipe from ps(1)
	 * for the token.  FILE as read is let go of for them: the keeper
	 * holds no FILE then, and our rename frees the file it replaces.
	 */
	reg_let_go(&st->reg);
	registry_fds(st);
	if ((pid = launch(st, &fd)) == -1 ||
	    (st->pid = launched(st, pid, fd)) == -1) {
		st->pid = 0;
		return -1;
	}
	slot_end(&st->s);
	return 0;
}

/* The command started, under the lock: its pid, group and token. */
static int
start_command(struct start *st)
{
	int first = st->id == NULL && st->s.max == 0 && st->s.cap == 0 &&
	    !st->s.stop;

	if ((first ? start_first(st) : start_in_slot(st)) == -1)
		return -1;
	st->pgid = st->pid;
	if (token_of(st->pid, st->token, "its") == -1)
		return -1;
	return keeper_attr(st);
}

/*
 * -A: never a process no command of ours could be, that a record would
 * keep live for ever: init, a kernel thread, prspawn itself (exec'd by
 * the caller in its place).  The caller's parent, a script that records
 * itself, may be.
 */
static int
adoptable(pid_t pid)
{
	const char *why = NULL;

	if (pid == 1)
		why = "PID 1 (init)";
	else if (pid == getpid())
		why = "prspawn itself";
	else if (pid_kthread(pid) == 1)
		why = "a kernel thread";
	if (why == NULL)
		return 0;
	return fail(PR_USAGE, "-A: %ld: not a process to record: %s",
	    (long)pid, why);
}

/*
 * -A: a process that runs already.  Its token is read before the wait
 * for the lock, and checked again under it: a process that ended
 * meanwhile is not recorded (its pid may be another's by then).  Its
 * group is recorded only when it leads it: a record never names a group
 * it does not own.
 */
static int
adopt(struct start *st)
{
	pid_t pid = st->adopt;
	enum live l;

	if (adoptable(pid) == -1)
		return -1;
	l = pid_live(pid, NULL);
	if (l == LIVE && !proc_token(pid, st->token))
		return fail(PR_SYS, "-A: %ld: cannot read its start token (is "
		    "/proc mounted?); not recorded", (long)pid);
	if (l == LIVE && reg_lock(&st->reg) == -1)
		return -1;
	if (l == LIVE)
		l = pid_live(pid, st->token);
	if (l != LIVE)
		return fail(PR_NO, "-A: %ld: not a live process (%s)",
		    (long)pid, live_name(l));
	st->pid = pid;
	st->pgid = getpgid(pid) == pid ? pid : 0;
	if (st->id != NULL && id_free(&st->reg, st->id, 0) == -1)
		return -1;
	return 0;
}

/* Lock, and start the command (or take the one to adopt); its id. */
int
start_take(struct start *st)
{
	if ((st->adopt != 0 ? adopt(st) : start_command(st)) == -1)
		return -1;
	if (st->id != NULL)
		return 0;
	/* The default id names the pid: free only now it is known. */
	fmt_snprintf(st->defid, sizeof st->defid, "%s:%s:%ld", st->s.type,
	    st->s.session, (long)st->pid);
	st->id = st->defid;
	return id_free(&st->reg, st->id, st->adopt != 0 ? 0 : st->pid);
}

/* Record it: from here the command is kept, whatever fails after. */
int
start_record(struct start *st)
{
	char started[STAMP_LEN + 1];
	struct recbuf b;
	struct rec nr, *r;
	int rc;

	if (build(st, &nr, &b, st->adopt != 0 &&
	    proc_started(st->pid, started) ? started : NULL) == -1)
		return -1;
	if ((r = reg_add(&st->reg, &nr)) == NULL)
		return -1;
	if (rec_copy(&st->mine, r) == -1)
		return fail(PR_SYS, "out of memory");
	if (reg_store(&st->reg) == -1)
		return -1;
	/* Its keeper has it before a held signal can end us. */
	st->kept = 1;
	rc = st->k.pid != 0 ? keeper_keep(&st->k, &st->mine) : 0;
	if (st->adopt == 0)
		spawn_keep(st->fg);
	return rc;
}

/* Then tell: -N's ready, -P's pid file, -p's line (what the file holds). */
int
start_tell(struct start *st)
{
	if (st->ready != -1 && start_ready(st) == -1)
		return -1;
	/* A keeper lives as long as the record, and TERM to it stops it. */
	if (st->pidfile != NULL && pidfile_write(st->pidfile, st->k.pid != 0 ?
	    st->k.pid : st->pid, st->plain ? NULL : st->k.pid != 0 ?
	    st->ktoken : st->token) == -1)
		return -1;
	if (st->print)
		rec_print(&st->mine);
	return 0;
}

void
start_end(struct start *st)
{
	rec_release(&st->mine);
	reg_free(&st->reg);
	free((void *)st->o.unset);
}
