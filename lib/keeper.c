/*
 * keeper.c - the command's parent for life: fork it, start the command
 * from it, then wait, reap, forward, stop, and write the record's end.
 */
#define _DEFAULT_SOURCE		/* syscall(2): close_range */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "cgroup.h"
#include "clock.h"
#include "desc.h"
#include "fmt.h"
#include "word.h"
#include "keeper.h"
#include "live.h"
#include "msg.h"
#include "notify.h"
#include "owner.h"
#include "pidfd.h"
#include "proc.h"
#include "reap.h"
#include "reaper.h"
#include "scan.h"

/* What the keeper tells prspawn: the command's pid, or why it failed. */
struct report {
	pid_t pid;		/* 0: failed */
	int status;
	char msg[256];
};

/* What the keeper forwards; TERM and INT stop instead, CHLD reaps. */
static const int fwd[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
    SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGVTALRM, SIGPROF,
#ifdef SIGWINCH
    SIGWINCH,
#endif
    SIGTERM, SIGINT, SIGCHLD };
#define NSIG_KEPT (sizeof fwd / sizeof fwd[0])

#define OWNER_LOOK_MS 50	/* -L with no pidfds: a look this often */
#define STOP_LOOK_MS 100	/* what survived the stop: KILL this often */

static int selfpipe[2] = { -1, -1 };
static volatile sig_atomic_t forget_told;	/* keeper_tell_forget() */

static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;
	ssize_t n;

	(void)uc;
	if (sig == SIGCONT && si != NULL && si->si_code == SI_QUEUE &&
	    si->si_value.sival_int == KEEPER_FORGET) {
		forget_told = 1;	/* a word to us, not to forward */
		return;
	}
	n = write(selfpipe[1], &c, 1);
	(void)n;	/* full: a wake is pending anyway */
	errno = e;
}

/* Every descriptor from LOW up closed: nothing of prspawn's is held. */
static void
close_from(int low)
{
	struct rlimit rl;
	long i, max = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : -1;

#if defined(__linux__) && defined(SYS_close_range)
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0)
		return;
#endif
	if (max < 0 || max > 65536)
		max = 65536;
	for (i = low; i < max; i++)
		close((int)i);
}

static void
stdio_null(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd == -1)
		return;
	dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/*
 * One message from FD, a SOCK_SEQPACKET socket, into BUF (NUL-terminated):
 * its length, 0 at the end (or on an error).  A message longer than BUF
 * holds comes cut (the rest is dropped): SIZE - 1 bytes.  One message,
 * one read: no wait for the peer's close, and no wake-up for it.
 */
static size_t
read_msg(int fd, char *buf, size_t size)
{
	ssize_t n;

	while ((n = read(fd, buf, size - 1)) == -1 && errno == EINTR)
		;
	n = n > 0 ? n : 0;
	buf[n] = '\0';
	return (size_t)n;
}

/* A shell's $? of a wait status. */
static int
shell_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* R's keeper=PID:TOKEN: 1 when it has one. */
int
keeper_of(const struct rec *r, pid_t *pid, char token[TOKEN_MAX + 1])
{
	return rec_get_pidtok(r, A_KEEPER, pid, token);
}

/*
 * Wait until R's keeper, if it has one and it lives, has ended (once
 * its record's processes are gone it writes the record's end, then
 * ends): in poll(2) on a pidfd of it, or, where there are none, looking
 * again 1 ms doubling to 10 ms apart.  1 when it has (or there is none),
 * 0 at DEADLINE (LLONG_MAX: none).
 */
int
keeper_wait_end(const struct rec *r, long long deadline)
{
	char token[TOKEN_MAX + 1];
	struct backoff b = { 0 };
	struct pollfd p;
	long long left;
	pid_t pid;

	if (!keeper_of(r, &pid, token))
		return 1;
	p.fd = pid_watch(pid, token), p.events = POLLIN;
	while (pid_live(pid, token) == LIVE && (left = deadline - now_ns()) >
	    0) {
		if (p.fd == -1)
			sleep_ns(backoff_next(&b, left));
		else
			poll(&p, 1, ns_to_ms(left));
	}
	if (p.fd != -1)
		close(p.fd);
	return pid_live(pid, token) != LIVE;
}

/*
 * Where there are no pidfds, a keeper's descendants cannot be proven R's
 * one by one (reap.c): the keeper, proven live by its token, stops them
 * itself, their reaper, when sent TERM (by R's own stop schedule), and is
 * waited for.  1 when it has ended (or none lives), 0 when it still
 * lives, -1 when that cannot be told (or it cannot be signalled).
 */
int
keeper_stop(const struct rec *r)
{
	char token[TOKEN_MAX + 1];
	enum live l;
	pid_t pid;

	if (!keeper_of(r, &pid, token))
		return 1;
	/* Sent again each second: one sent before it took its record is lost. */
	for (;;) {
		/* Its pid another start's (REUSED): it is gone. */
		if ((l = pid_live(pid, token)) == DEAD || l == ZOMBIE ||
		    l == REUSED)
			return 1;
		/*
		 * A keeper leads its session for life; a token of the
		 * start-time form (to the second, ps's) may be a stranger's
		 * that took its pid.
		 */
		errno = 0;
		if (l == LIVE && getsid(pid) != pid)
			return errno == EPERM ? -1 : 1;	/* not it: gone */
		if (l != LIVE || kill(pid, SIGTERM) == -1)
			return l == LIVE && errno == ESRCH ? 1 : -1;
		kill(pid, SIGCONT);	/* a stopped keeper acts on it too */
		if (keeper_wait_end(r, now_ns() + NS_PER_S))
			return 1;
	}
}

/*
 * A word to R's keeper, through KFD, a pidfd of it: the one who stops its
 * record forgets it once its processes are gone (prreap, prspawn -x), so
 * the keeper removes the record then instead of writing its exit, which
 * would be forgotten next.  CONT with the value KEEPER_FORGET (si_code
 * SI_QUEUE): a keeper that does not know the word forwards a CONT to its
 * processes, which are being signalled anyway.  Nothing is told where
 * there are no pidfds.
 */
void
keeper_tell_forget(int kfd)
{
	pfd_queue(kfd, SIGCONT, KEEPER_FORGET);
}

/* A child that lives (zombies left out), or cannot be read: it may. */
static int
live_child(void *arg, pid_t c)
{
	struct pstat ps;

	(void)arg;
	return proc_stat(c, &ps) ? ps.state != 'Z' : !proc_gone(errno);
}

/*
 * Whether the keeper PID has a live child now, read from the kernel's
 * list of them (desc.h), which no fork outruns as a look at every
 * process can be: 1 it has (or one of them cannot be read), 0 it has
 * none, or the list is not there (no procfs, a kernel without it, a
 * keeper gone; prreap looks no further then, as before).
 */
int
keeper_busy(pid_t pid)
{
	int rc = desc_children(pid, 1, live_child, NULL);

	return rc == 1 || (rc == -1 && !proc_gone(errno));
}

/* R's exit=N: N, or -1 when it has none. */
int
keeper_exit(const struct rec *r)
{
	char buf[8];
	size_t len;
	const char *v = rec_get(r, A_EXIT, &len);
	unsigned long n;

	if (v == NULL || len >= sizeof buf)
		return -1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return ulong_parse(buf, 255, &n) ? (int)n : -1;
}

/* The keeper's state while it waits. */
struct kstate {
	struct rec mine;	/* its record, as prspawn wrote it */
	char path[PATH_LEN];	/* the registry */
	pid_t cmd;		/* the command, until reaped; then 0 */
	int status;		/* the last reaped child's, as $? */
	int stopping;		/* -1 asked to stop, 1 its schedule was run */
	int owner;		/* a pidfd of the owner (-L), or -1 */
	int report;		/* -N: prspawn's socket, for the end, or -1 */
	struct owner hand;	/* -L's owner when it has no pidfd (pid 0: none) */
};

/*
 * SIG to each of our children: each one ours, unreaped, so its pid
 * cannot be another's (asked again: a look lists what we have collected
 * since, the ps(1) of the no-procfs build's look among them).  A
 * subreaper's children are the command and what it left (a daemon's
 * master, an orphan of a killed one).
 */
static void
signal_children(int sig)
{
	struct scan s;
	struct pent **run;
	size_t i, n;

	memset(&s, 0, sizeof s);
	if (scan_run(&s, 0) == -1)
		return;
	for (i = 0, n = scan_children(&s, getpid(), &run); i < n; i++)
		if (child_of_ours(run[i]->pid))
			kill(run[i]->pid, sig);
	scan_free(&s);
	proc_release();
}

/*
 * SIG forwarded: to the command's group while the command is ours (an
 * unreaped child: its group's id cannot be another's), then to each of
 * our children.
 */
static void
forward(struct kstate *k, int sig)
{
	if (k->cmd == 0)
		signal_children(sig);
	else if (kill(-k->cmd, sig) == -1)
		kill(k->cmd, sig);	/* it left its group */
}

/*
 * Stop the record by its schedule (its stop=, else prreap's default), as
 * prreap does: each of our descendants through a pidfd (reap.h, as its
 * keeper: o.children).
 */
static void
stop(struct kstate *k)
{
	struct reap_opts o = REAP_DEFAULTS;
	struct rec *r = &k->mine;
	int gone;

	o.children = 1;
	o.rec_stop = 1;		/* its own stop= (prspawn -R) stands */
	reap(&r, 1, &o, &gone);
	proc_release();		/* the look's: its end needs the room */
}

/* Collect every exited child; 0 once none is left at all. */
static int
collect(struct kstate *k)
{
	pid_t w;
	int st;

	while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
		k->status = shell_status(st);
		if (w == k->cmd)
			k->cmd = 0;
	}
	return !(w == -1 && errno == ECHILD);
}

/* Signals from the self-pipe: TERM and INT stop, the rest go on. */
static void
signals(struct kstate *k)
{
	unsigned char buf[64];
	ssize_t i, n;

	while ((n = read(selfpipe[0], buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++)
			if (buf[i] == SIGTERM || buf[i] == SIGINT)
				k->stopping = k->stopping ? k->stopping : -1;
			else if (buf[i] != SIGCHLD)
				forward(k, buf[i]);
}

/* Wait in one place until no child is left; the stop when asked. */
static void
wait_all(struct kstate *k)
{
	struct pollfd p[3];

	p[0].fd = selfpipe[0], p[0].events = POLLIN;
	p[1].fd = k->owner, p[1].events = POLLIN;
	p[2].fd = k->report, p[2].events = 0;	/* its hangup: prspawn let go */
	while (collect(k)) {
		if (k->stopping < 0) {
			k->stopping = 1;
			stop(k);
			continue;
		}
		/*
		 * Stopped by its schedule, and a child still there: one that
		 * a fork raced in, or a descendant no pidfd showed (no
		 * procfs).  KILL to each child, then wait for the next exit;
		 * what a killed one started comes to us in turn.
		 */
		if (k->stopping)
			signal_children(SIGKILL);
		p[0].revents = p[1].revents = p[2].revents = 0;
		if (poll(p, 3, k->stopping ? STOP_LOOK_MS :
		    k->hand.pid > 0 ? OWNER_LOOK_MS : -1) == -1 && errno != EINTR)
			sleep_ns(10 * NS_PER_MS);	/* cannot: not busy */
		signals(k);
		if (p[2].fd != -1 && p[2].revents != 0) {
			close(k->report);
			k->report = p[2].fd = -1;
		}
		if ((p[1].fd != -1 && p[1].revents != 0) || owner_gone(&k->hand)) {
			if (k->owner != -1)
				close(k->owner);
			k->owner = p[1].fd = -1;
			k->hand.pid = 0;
			if (!k->stopping)
				k->stopping = -1;	/* the owner died: -L */
		}
	}
}

/* Whether R's cgroup's memory limit killed one of its processes (SPEC 6). */
static int
killed_by_limit(const struct rec *r)
{
	char path[PATH_LEN];

	return rec_cgroup(r, path) && cg_oom(path) == 1;
}

/*
 * The record's end, exit=STATUS and ended=now (and oom=1 when its memory
 * limit killed a process of it), written into it if it is still ours
 * (same id, pid and token): one removed or replaced meanwhile (prreap,
 * prprune -a, a new record of its id) is left as it is.  Told that its
 * stopper forgets it (keeper_tell_forget()), the record is removed
 * instead: one write for the stop, where the stopper's would follow ours.
 */
static int
write_end(const struct kstate *k)
{
	static struct attrbuf ab;
	char num[16], stamp[STAMP_LEN + 1];
	struct reg reg;
	struct rec nr, *r;
	int rc = -1;

	memset(&reg, 0, sizeof reg);
	proc_release();		/* a look at the owner's may have kept it */
	if (reg_open(&reg, k->path, 1) == -1 || reg_lock(&reg) == -1)
		goto out;
	if ((r = reg_find_same(&reg, &k->mine)) != NULL && forget_told) {
		reg_remove(&reg, r);
	} else if (r != NULL) {
		fmt_snprintf(num, sizeof num, "%d", k->status);
		stamp_now(stamp);
		nr = *r;
		if (rec_set(&nr, &ab, A_EXIT, num) == -1 ||
		    rec_set(&nr, &ab, A_ENDED, stamp) == -1 ||
		    (killed_by_limit(r) &&
		    rec_set(&nr, &ab, A_OOM, "1") == -1)) {
			fail(PR_SYS, "%s: no room for its end", r->f[F_ID]);
			goto out;
		}
		reg_remove(&reg, r);
		if (reg_add(&reg, &nr) == NULL)
			goto out;
	}
	rc = reg_store(&reg);
out:
	reg_free(&reg);
	return rc;
}

/*
 * The self-pipe closed once every child is collected: nothing is waited
 * for after, and under a low descriptor limit (prspawn(1): 8) the end's
 * write needs the two (FILE.corrupt for a malformed line, the look for
 * stale temporary files).  A signal's handler then writes to -1, never to
 * a descriptor opened since.
 */
static void
selfpipe_close(void)
{
	int r = selfpipe[0], w = selfpipe[1];

	selfpipe[0] = selfpipe[1] = -1;
	close(r);
	close(w);
}

/*
 * With a lifeline (-L: O, its owner), the owner's death is to be seen: a
 * pidfd of it, in the one poll(2); where there are none, a look every
 * OWNER_LOOK_MS.  An owner dead already stops the record now.
 */
static void
lifeline_watch(struct kstate *k, const struct owner *o)
{
	k->owner = -1;
	if (o == NULL || o->pid <= 0 || (k->owner = owner_watch(o)) != -1)
		return;
	if (owner_gone(o))
		k->stopping = -1;
	else
		k->hand = *o;	/* by hand */
}

/* Our signals into the self-pipe, and let in. */
static int
signals_on(void)
{
	struct sigaction sa;
	sigset_t all;
	size_t i;

	if (pipe(selfpipe) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(selfpipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(selfpipe[i], F_SETFD, FD_CLOEXEC) == -1)
			return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < NSIG_KEPT; i++)
		sigaction(fwd[i], &sa, NULL);
	sigemptyset(&all);
	return sigprocmask(SIG_SETMASK, &all, NULL);
}

/*
 * Never recorded: the command and all it started killed, then the keeper
 * ends.  Each process is killed as a child of ours (unreaped, its pid
 * cannot be another's); as a subreaper, what a killed one started comes
 * to us next.
 */
/* KILL to each of our children, each collected, until none is left. */
static void
kill_children(void)
{
	do
		signal_children(SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR);
}

NORETURN static void
undo(pid_t cmd)
{
	spawn_cancel(cmd);
	kill_children();
	_exit(PR_SYS);
}

/* -N: SOCK kept as descriptor 3, for the end; -1 when it cannot be. */
static int
report_fd(int sock)
{
	if (sock != 3 && (dup2(sock, 3) == -1 || close(sock) == -1))
		return -1;
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/* -N: the status written as exit=N, to a prspawn still waiting. */
static void
tell_end(int sock, int status)
{
	ssize_t n = send(sock, &status, sizeof status, MSG_NOSIGNAL);

	(void)n;	/* prspawn let go meanwhile: nobody to tell */
}

/*
 * The keeper, from its record's line on SOCK (prspawn's, closed once
 * read, or with AWAIT kept until prspawn lets go of it) to its end.  The
 * line is one message (read_msg()).  Nothing else of prspawn's is kept
 * past it.
 */
NORETURN static void
keep(int sock, pid_t cmd, const char *path, const struct owner *lifeline,
    int await)
{
	static char line[REC_LINE_MAX + 1];
	static struct kstate k;
	size_t len = read_msg(sock, line, sizeof line);
	int rc;

	if (!await)
		close(sock);
	if (len == 0 || line[len - 1] != '\n' ||
	    !rec_parse(line, len - 1, &k.mine))
		undo(cmd);	/* prspawn failed or died */
	spawn_keep(1);
	fmt_snprintf(k.path, sizeof k.path, "%s", path);
	k.report = await ? report_fd(sock) : -1;
	close_from(k.report == -1 ? 3 : 4);
	stdio_null();
	if (chdir("/") == -1)
		_exit(PR_SYS);	/* no directory of the caller's is held */
	k.cmd = cmd;
	lifeline_watch(&k, lifeline);
	if (signals_on() == -1)
		_exit(PR_SYS);
	wait_all(&k);
	selfpipe_close();
	rc = write_end(&k);
	if (k.report != -1)
		tell_end(k.report, k.status);
	_exit(rc == -1 ? PR_SYS : PR_OK);
}

/*
 * REG's file as an absolute path into PATH: the keeper writes it from
 * "/", holding no directory of the caller's.
 */
static int
reg_path_abs(const struct reg *reg, char path[PATH_LEN])
{
	char cwd[PATH_LEN];
	int n;

	if (reg->path[0] == '/')
		n = fmt_snprintf(path, PATH_LEN, "%s", reg->path);
	else if (getcwd(cwd, sizeof cwd) == NULL)
		return fail_sys(PR_SYS, "cannot read the working directory");
	else
		n = fmt_snprintf(path, PATH_LEN, "%s/%s", cwd, reg->path);
	if (n < 0 || n >= PATH_LEN)
		return fail(PR_USAGE, "%s: path too long", reg->path);
	return 0;
}

/*
 * Tell prspawn how the start went, on SOCK; what it sends comes next.
 * Only with -N does anything else go this way (tell_end()).
 */
static void
report(int sock, pid_t pid)
{
	struct report rp;
	ssize_t n;

	memset(&rp, 0, sizeof rp);
	rp.pid = pid;
	rp.status = failed_status();
	fmt_snprintf(rp.msg, sizeof rp.msg, "%s", pid > 0 ? "" : failed_msg());
	n = send(sock, &rp, sizeof rp, MSG_NOSIGNAL);
	(void)n;	/* a short one reads as a failure */
}

/*
 * The keeper: a session of its own (so no terminal's signal and no
 * group's reaches it by the caller's doing), a subreaper, non-dumpable
 * (its memory is prspawn's).  prspawn's registry is none of its own:
 * its descriptors and memory go first (under a low descriptor limit the
 * command's start needs their room), then the command is started.
 */
NORETURN static void
keeper(int sock, const struct spawn_opts *o, struct reg *reg,
    const struct keeper *kp)
{
	char path[PATH_LEN];
	struct spawn_opts so = *o;
	pid_t pid;
	size_t i;
	int fd;

	setsid();
	subreaper();
#if defined(__linux__) && defined(PR_SET_DUMPABLE)
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	if (reg_path_abs(reg, path) == -1) {
		report(sock, 0);
		_exit(failed_status());
	}
	/*
	 * FILE as it is under prspawn's lock (reg_hold()'s, or as read under
	 * it: reg_load(); none after -i, -m, -C or -x: start_in_slot())
	 * stays open here till the record's line comes
	 * (keep()'s close_from()): the file prspawn's rename replaces is
	 * freed then, by us, not by prspawn, whose run it would lengthen
	 * (freeing its blocks can wait for the disk: ext4 mounted with
	 * -o discard).  Only held, never read.
	 */
	reg->fd = -1;		/* kept open, out of reg_free()'s way */
	reg_free(reg);
	live_forget();
	for (i = 0; i < SPAWN_OURS; i++)
		so.ours[i] = -1;	/* closed already */
	notify_uncatch();	/* -N notify's: no handler may run in it */
	so.borrow = 1;		/* nothing to do till the exec */
	if ((pid = spawn_start(&so, &fd)) == -1 ||
	    spawn_confirm(pid, fd, &so) == -1) {
		report(sock, 0);
		_exit(failed_status());
	}
	report(sock, pid);
	keep(sock, pid, path, kp->lifeline, kp->await);
}

/*
 * Until the keeper has its record, what it started is ours should it die
 * (SIGKILL): as a subreaper we get its orphans, each our child, unreaped,
 * so its pid cannot be another's.  Only when we have no child at all (a
 * process may inherit some across exec(2)): then every child we did not
 * fork is such an orphan.  Whether that holds (keeper_adopted() ends it).
 */
static int
keeper_adopts(void)
{
	return childless() && subreaper_begin();
}

/* The keeper has its record (or is gone): its orphans are no longer ours. */
static void
keeper_adopted(struct keeper *k)
{
	if (k->adopts)
		subreaper_end();
	k->adopts = 0;
}

/*
 * The keeper died before it said how the start went (ST: how): what it
 * had started, reparented to us, is killed, nothing of it left to run
 * unrecorded.  Said, as the failure.
 */
static int
keeper_died(struct keeper *k, int st)
{
	int adopted = k->adopts;

	if (adopted)
		kill_children();
	keeper_adopted(k);
	if (!WIFSIGNALED(st))
		return fail(PR_SYS, "the keeper failed before the command "
		    "started");
	return fail(PR_SYS, "the keeper was killed by signal %d before the "
	    "command was recorded; %s", WTERMSIG(st), adopted ?
	    "what it started is killed" : "what it started may run unrecorded");
}

/*
 * Fork the keeper, which starts O's command; keeper_confirm() says how.
 * One socket pair carries both ways: the keeper's report, then the
 * record's line.  REG, prspawn's registry, is let go of in the keeper.
 */
int
keeper_start(struct keeper *k, const struct spawn_opts *o, struct reg *reg)
{
	sigset_t old;
	int sv[2];

	k->pid = k->cmd = 0;
	k->sock = -1;
	k->adopts = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		return fail_sys(PR_SYS, "cannot make a socket pair");
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	/* Held off until the record is written, as spawn_start() does. */
	spawn_hold(&old);
	fflush(NULL);
	k->adopts = keeper_adopts();
	if ((k->pid = fork()) == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);	/* the command's */
		close(sv[0]);
		keeper(sv[1], o, reg, k);
	}
	close(sv[1]);
	if (o->notify != -1)
		close(o->notifyfd);	/* -N FD: the command's, not ours */
	if (k->pid == -1) {
		keeper_adopted(k);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(sv[0]);
		return fail_sys(PR_SYS, "cannot fork");
	}
	k->sock = sv[0];
	return 0;
}

/*
 * The command's pid, once it runs; -1 when it could not be started (the
 * keeper's failure kept, with its status), and then the keeper is gone.
 */
int
keeper_confirm(struct keeper *k)
{
	struct report rp;
	char buf[sizeof rp + 1];	/* a byte more: a longer report is none */
	size_t n = read_msg(k->sock, buf, sizeof buf);
	int st = 0;

	memcpy(&rp, buf, sizeof rp);
	if (n == sizeof rp && rp.pid > 0)
		return (int)(k->cmd = rp.pid);
	while (waitpid(k->pid, &st, 0) == -1 && errno == EINTR)
		;
	close(k->sock);
	k->sock = -1, k->pid = 0;
	if (n != sizeof rp)
		return keeper_died(k, st);
	keeper_adopted(k);
	rp.msg[sizeof rp.msg - 1] = '\0';
	return fail(rp.status, "%s", rp.msg);
}

/* The command is recorded as R: the keeper keeps it from here. */
int
keeper_keep(struct keeper *k, const struct rec *r)
{
	char line[REC_LINE_MAX + 1];
	size_t len = rec_format(r, line, sizeof line);
	int rc = 0;

	if (len >= sizeof line ||
	    send(k->sock, line, len, MSG_NOSIGNAL) != (ssize_t)len)
		rc = fail_sys(PR_SYS, "cannot hand the record to its keeper");
	if (!k->await || rc != 0)
		keeper_let_go(k);	/* with -N, its end may come this way */
	keeper_adopted(k);
	return rc;
}

/* -N: the command is ready (or given up): the keeper's end is not asked. */
void
keeper_let_go(struct keeper *k)
{
	if (k->sock != -1)
		close(k->sock);
	k->sock = -1;
}

/*
 * -N: the keeper has exited (not yet collected) while prspawn waited.  1
 * with *STATUS the status it wrote as exit=N (all the command's
 * processes were gone), 0 when it sent none (killed, or it failed).  The
 * keeper is collected.
 */
int
keeper_ended(struct keeper *k, int *status)
{
	char buf[sizeof *status + 1];	/* a byte more: a longer end is none */
	size_t n = k->sock != -1 ? read_msg(k->sock, buf, sizeof buf) : 0;

	keeper_let_go(k);
	while (waitpid(k->pid, NULL, 0) == -1 && errno == EINTR)
		;
	if (n != sizeof *status)
		return 0;
	memcpy(status, buf, sizeof *status);
	return 1;
}

/* Undo: the command killed, and the keeper told (it ends). */
void
keeper_cancel(struct keeper *k)
{
	if (k->cmd > 0)
		spawn_cancel(k->cmd);
	keeper_let_go(k);
}
