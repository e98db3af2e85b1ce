/* spawn.c - fork, setsid, exec with an error pipe; wait and forward signals. */
#define _DEFAULT_SOURCE		/* vfork(2) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "atomic.h"
#include "clock.h"
#include "env.h"
#include "fdlimit.h"
#include "mark.h"
#include "notify.h"
#include "msg.h"
#include "proc.h"
#include "spawn.h"

/* What the child was doing when it failed, sent with errno on the pipe. */
enum { AT_SETSID = 1, AT_CGROUP, AT_CHDIR, AT_STDIO, AT_MARK, AT_LIMITS,
	AT_EXEC };

static const int fwd_sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR1,
    SIGUSR2 };
#define NFWD (sizeof fwd_sigs / sizeof fwd_sigs[0])

static volatile pid_t fwd_pgid;

static void
fwd_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < NFWD; i++)
		sigaddset(set, fwd_sigs[i]);
}

/*
 * The signals spawn_wait() forwards held off (blocked) until
 * spawn_keep(): a start is recorded before they can end the program.
 * *OLD gets the mask as it was, for the command.
 */
void
spawn_hold(sigset_t *old)
{
	sigset_t set;

	fwd_set(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* A pipe whose two ends close on exec: 0, or -1 with errno. */
static int
pipe_cloexec(int p[2])
{
	int e;

	if (pipe(p) == -1)
		return -1;
	if (fcntl(p[0], F_SETFD, FD_CLOEXEC) == 0 &&
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) == 0)
		return 0;
	e = errno;
	close(p[0]), close(p[1]);
	errno = e;
	return -1;
}

/*
 * FROM as the command's descriptor TO: dup2(), or, when it is there
 * already, only no longer closed on exec.
 */
static int
fd_to(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to) == -1 ? -1 : 0;
}

/* Whether FD is one the command is to get: 0, 1, 2 with -o, -N's. */
static int
fd_taken(const struct spawn_opts *o, int fd)
{
	return (o->outfd != -1 && fd <= 2) || fd == o->notify;
}

/*
 * FD, moved off the descriptors the command is to get, close on exec
 * (the caller's own descriptors may be few, and its stdio closed: our
 * files may sit anywhere); -1 when it cannot be.
 */
static int
fd_away(const struct spawn_opts *o, int fd)
{
	int nfd = fd, tries;

	for (tries = 0; fd_taken(o, nfd) && tries < 5; tries++)
		if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, nfd < 3 ? 3 : nfd + 1)) ==
		    -1)
			return -1;
	if (fd_taken(o, nfd))
		return -1;
	if (nfd != fd)
		close(fd);
	return nfd;
}

/*
 * The command's descriptors: -N's, then for -o stdin from /dev/null and
 * stdout and stderr to its file.  OUT is first moved off -N's number.
 */
static int
child_fds(const struct spawn_opts *o)
{
	int out = o->outfd, null;

	if (out != -1 && out == o->notify && (out = fd_away(o, out)) == -1)
		return -1;
	if (o->notify != -1 && fd_to(o->notifyfd, o->notify) == -1)
		return -1;
	if (out == -1)
		return 0;
	if ((null = open("/dev/null", O_RDONLY)) == -1 || fd_to(null, 0) == -1)
		return -1;
	if (null != 0)
		close(null);
	return fd_to(out, 1) == -1 || fd_to(out, 2) == -1 ? -1 : 0;
}

/*
 * The command's environment, made before the fork: a child that borrows
 * our memory (spawn_start()) cannot allocate.  Its marker's value is the
 * child's own, written by it into MARK.
 */
struct cenv {
	char **envp;
	char mark[sizeof MARK_VAR + MARK_MAX];	/* PRREG_MARK=PID:TOKEN */
};

static int
cenv_make(const struct spawn_opts *o, struct cenv *c)
{
	const char *add[3] = { NULL, NULL, NULL }, **a = add;

	if (o->notify_env != NULL)
		*a++ = o->notify_env;
	memcpy(c->mark, MARK_VAR "=", sizeof MARK_VAR);
	if (o->mark)
		*a = c->mark;
	if ((c->envp = env_made(o->unset, add)) == NULL)
		return fail(PR_SYS, "out of memory");
	return 0;
}

/*
 * In the child: each step, in order; the first that fails is reported on
 * FD, the close-on-exec pipe (moved first off the descriptors the command
 * gets), and nothing of the command runs.  The cgroup comes first:
 * nothing the child does after can be outside it.  It may be borrowing
 * our memory (spawn_start()): it allocates nothing, and changes nothing
 * of ours but C and environ, which spawn_start() puts back, errno, and
 * pfd_token()'s note of what the kernel has (the same for us).
 */
static void
child(const struct spawn_opts *o, int fd, const sigset_t *mask,
    const struct sigaction *chld, struct cenv *c)
{
	int e[2] = { AT_STDIO, 0 }, away = fd_away(o, fd), i;
	ssize_t n;

	/* Room for what the child opens (the marker's token), however few. */
	for (i = 0; i < SPAWN_OURS; i++)
		if (o->ours[i] != -1)
			close(o->ours[i]);
	if (away == -1)
		goto fail;
	fd = away;
	e[0] = AT_SETSID;
	if (setsid() == -1)
		goto fail;
	e[0] = AT_CGROUP;
	if (o->cgfd != -1 && write(o->cgfd, "0", 1) != 1)
		goto fail;
	e[0] = AT_CHDIR;
	if (o->dirfd != -1 && fchdir(o->dirfd) == -1)
		goto fail;
	e[0] = AT_STDIO;
	if (child_fds(o) == -1)
		goto fail;
	e[0] = AT_MARK;
	if (o->mark && mark_self(c->mark + sizeof MARK_VAR) == -1)
		goto fail;
	e[0] = AT_LIMITS;
	if (o->limits != NULL && limits_self(o->limits) == -1)
		goto fail;
	e[0] = AT_EXEC;
	sigaction(SIGCHLD, chld, NULL);
	xfsz_restore();
	fd_limit_restore();	/* the caller's own limit, not ours */
	sigprocmask(SIG_SETMASK, mask, NULL);
	environ = c->envp;
	execvp(o->argv[0], o->argv);
fail:
	e[1] = errno;
	n = write(fd, e, sizeof e);
	(void)n;
	_exit(PR_NOTFOUND);
}

/* Started, not yet recorded: stopped if the program exits before that. */
static pid_t pending;

static void
cancel_pending(void)
{
	if (pending > 0)
		spawn_cancel(pending);
}

/*
 * Start O's command in a session of its own and return its pid at once;
 * *FD is to be given to spawn_confirm(), which says whether it was
 * executed.  The signals spawn_wait() forwards stay blocked in the caller
 * until spawn_keep().  The child is not waited for: it stays ours, a
 * zombie at worst, so its start token can still be read.
 */
pid_t
spawn_start(const struct spawn_opts *o, int *fd)
{
	static int registered;
	struct sigaction dfl, chld;
	struct cenv c;
	char **was = environ;
	sigset_t mask;
	int p[2];
	pid_t pid;

	if (!registered && atexit(cancel_pending) != 0)
		return fail(PR_SYS, "cannot register an exit handler");
	registered = 1;
	if (cenv_make(o, &c) == -1)
		return -1;
	if (pipe_cloexec(p) == -1) {
		free(c.envp);
		return fail_sys(PR_SYS, "cannot make a pipe");
	}
	/* We wait for our child; the command gets SIGCHLD as it was. */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &chld);
	spawn_hold(&mask);
	fflush(NULL);

	/*
	 * Where O lets it (its caller waits for the exec with nothing else
	 * to do, as a keeper does), with vfork(2): the child borrows our
	 * memory until it execs or exits, and no copy of our page tables is
	 * made and faulted back (some tenths of a millisecond a start, more
	 * where page faults trap to a hypervisor).  child() keeps to what a
	 * borrower may do.  A handler must not run in it (what it writes is
	 * ours, and musl's raise() signals our thread): O's caller has none
	 * for the signals the child lets in (a keeper puts -N notify's back).
	 */
	pid = o->borrow ? vfork() : fork();
	if (pid == 0) {
		close(p[0]);
		child(o, p[1], &mask, &chld, &c);
	}
	environ = was;		/* a borrower set it */
	free(c.envp);
	if (o->notify != -1)
		close(o->notifyfd);	/* the command's, and what it starts */
	if (pid == -1) {
		fail_sys(PR_SYS, "cannot fork");
		sigprocmask(SIG_SETMASK, &mask, NULL);
		sigaction(SIGCHLD, &chld, NULL);
		close(p[0]), close(p[1]);
		return -1;
	}
	pending = pid;
	close(p[1]);
	*fd = p[0];
	return pid;
}

/*
 * Whether PID, from spawn_start(), has executed its command: 0 once it
 * has; -1 when it could not (kept: 127 not found, 126 not executable, as
 * shells say it, or 3), and then the child has been collected.
 */
int
spawn_confirm(pid_t pid, int fd, const struct spawn_opts *o)
{
	static const char *const what[] = { "", "cannot start a session",
	    "cannot join its cgroup", "cannot change to its directory",
	    "cannot redirect its output", ("cannot read its start token for its marker (is /proc "
	    "mounted?)"), "cannot set its resource limits (-l)",
	    "cannot execute" };
	const char *cmd = o->argv[0];
	ssize_t n;
	int e[2];

	while ((n = read(fd, e, sizeof e)) == -1 && errno == EINTR)
		;
	close(fd);
	if (n == 0)
		return 0;	/* EOF: the exec closed the pipe */

	pending = 0;
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	if (n != sizeof e || e[0] < AT_SETSID || e[0] > AT_EXEC)
		return fail_sys(PR_SYS, "%s: cannot learn whether it was "
		    "executed", cmd);
	errno = e[1];
	if (e[0] != AT_EXEC)
		return fail_sys(PR_SYS, "%s: %s", cmd, what[e[0]]);
	return fail_sys(errno == ENOENT ? PR_NOTFOUND : PR_NOEXEC,
	    "%s: cannot execute", cmd);
}

/*
 * -N N: a pipe for the command to say it is ready on (s6's notification
 * descriptor).  Its write end becomes the child's descriptor N; its read
 * end, returned, is for spawn_ready().  Both close on exec, wherever they
 * are: the child moves what is in its way (fd_away()).
 */
int
spawn_notify(struct spawn_opts *o, int n)
{
	int p[2];

	if (pipe_cloexec(p) == -1)
		return fail_sys(PR_SYS, "-N: cannot make a pipe");
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		fail_sys(PR_SYS, "-N: cannot make a pipe");
		close(p[0]), close(p[1]);
		return -1;
	}
	o->notify = n;
	o->notifyfd = p[1];
	return p[0];
}

/* Whether PID has exited (not collected); *STATUS as a shell says it. */
int
spawn_exited(pid_t pid, int *status)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
	    si.si_pid != pid)
		return 0;
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 1;
}

/* How long a closed descriptor waits for the exit that may have closed it. */
#define CLOSED_GRACE_NS NS_PER_S

/*
 * The -N FD pipe's look: SPAWN_READY once a newline came, SPAWN_CLOSED
 * when every writer has closed it, else -1 (nothing more yet).
 */
int
spawn_pipe_look(int fd, void *arg)
{
	char buf[512];
	ssize_t n;

	(void)arg;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (memchr(buf, '\n', (size_t)n) != NULL)
			return SPAWN_READY;
	return n == 0 ? SPAWN_CLOSED : -1;
}

/*
 * Wait until LOOK (spawn_pipe_look(), or notify.h's) at FD, closed here,
 * says PID's command is ready: SPAWN_READY; SPAWN_EXITED when the
 * command exited first (*STATUS: how), SPAWN_CLOSED when every writer
 * closed the pipe first while the command runs on, SPAWN_LATE at
 * DEADLINE.  What was said before an exit counts.  PID is not collected:
 * its pid, so its group's id, stays its own.
 */
int
spawn_ready(pid_t pid, int fd, int (*look)(int fd, void *arg), void *arg,
    long long deadline, int *status)
{
	struct backoff b = { 0 };
	struct pollfd p[2];
	long long left, closed = 0, t;
	int rc = -1, got;

	p[0].fd = fd, p[0].events = POLLIN;
	p[1].fd = pid_watch(pid, NULL), p[1].events = POLLIN;
	while (rc == -1) {
		got = closed == 0 ? look(fd, arg) : -1;
		if (got == SPAWN_READY)
			break;
		if (got == SPAWN_CLOSED)
			closed = now_ns();	/* an exit, perhaps */
		t = now_ns();
		left = deadline - t;
		if (closed != 0 && closed + CLOSED_GRACE_NS - t < left)
			left = closed + CLOSED_GRACE_NS - t;
		if (spawn_exited(pid, status))
			rc = SPAWN_EXITED;
		else if (left <= 0)
			rc = t >= deadline ? SPAWN_LATE : SPAWN_CLOSED;
		else
			poll(p + (closed != 0), (closed == 0) + (p[1].fd != -1),
			    ns_to_ms(p[1].fd == -1 ? backoff_next(&b, left) :
			    left));
	}
	if (p[1].fd != -1)
		close(p[1].fd);
	close(fd);
	return rc == -1 ? SPAWN_READY : rc;
}

/* spawn_start() and spawn_confirm() at once: the pid, or -1. */
pid_t
spawn(const struct spawn_opts *o)
{
	int fd;
	pid_t pid = spawn_start(o, &fd);

	if (pid == -1 || spawn_confirm(pid, fd, o) == -1)
		return -1;
	return pid;
}

/*
 * The command is recorded: it is kept at exit, and unless HOLD (for
 * spawn_wait()) the signals that spawn_start() blocked are let in.
 */
void
spawn_keep(int hold)
{
	sigset_t set;

	pending = 0;
	fwd_set(&set);
	if (!hold)
		sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void
forward(int sig)
{
	int e = errno;

	kill(-fwd_pgid, sig);
	errno = e;
}

/*
 * Forward the signals to PID's group until PID exits.  With REAPER (we
 * are a subreaper, or PID 1), every other child, an orphan reparented to
 * us, is collected as it exits, so that none stays a zombie.  PID itself
 * is not collected: spawn_status() does that, once what is left of its
 * processes has been seen to (until then its pid, and so its group's id,
 * cannot be given to another process, and a signal reaches no stranger).
 * The signals are blocked again on return.
 */
int
spawn_wait(pid_t pid, int reaper)
{
	struct sigaction sa;
	siginfo_t si;
	sigset_t set;
	size_t i;

	fwd_pgid = pid;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFWD; i++)
		sigaction(fwd_sigs[i], &sa, NULL);
	fwd_set(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(reaper ? P_ALL : P_PID, (id_t)pid, &si,
		    WEXITED | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			sigprocmask(SIG_BLOCK, &set, NULL);
			return fail_sys(PR_SYS, "cannot wait for %ld",
			    (long)pid);
		}
		if (si.si_pid == pid)
			break;
		while (waitpid(si.si_pid, NULL, 0) == -1 && errno == EINTR)
			;	/* an orphan of ours */
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	return 0;
}

/*
 * Collect PID, after spawn_wait(), and with REAPER every other child
 * that has exited; PID's status as a shell says it (128+N for signal N).
 */
int
spawn_status(pid_t pid, int reaper)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return fail_sys(PR_SYS, "cannot wait for %ld",
			    (long)pid);
	while (reaper && waitpid(-1, NULL, WNOHANG) > 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Undo spawn(): kill the child and the group it leads.  Both: the child
 * may not have called setsid() yet (then there is no group, and it would
 * exec and run on).  It is not waited for: a child to be stopped is never
 * waited for, so nothing can make us wait while it runs.  Not collected,
 * its pid and group id cannot be given to another process meanwhile.
 */
void
spawn_cancel(pid_t pid)
{
	if (pid == pending)
		pending = 0;
	kill(pid, SIGKILL);
	kill(-pid, SIGKILL);
}

/*
 * -E: drop each empty argument (never ARGV[0], the command), with the one
 * just before it when that begins with "--": "--model ''" goes whole.
 */
void
args_drop_empty(char *argv[])
{
	size_t i, n = 1;

	if (argv[0] == NULL)
		return;
	for (i = 1; argv[i] != NULL; i++) {
		if (argv[i][0] != '\0')
			argv[n++] = argv[i];
		else if (i > 1 && strncmp(argv[i - 1], "--", 2) == 0)
			n--;	/* argv[i - 1], the last one kept */
	}
	argv[n] = NULL;
}
