/* notify.c - prspawn -N notify: a NOTIFY_SOCKET, and who may use it. */
#ifdef __linux__
#define _GNU_SOURCE		/* struct ucred, SCM_CREDENTIALS */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "fmt.h"
#include "mark.h"
#include "msg.h"
#include "notify.h"
#include "proc.h"
#include "spawn.h"

#ifdef __linux__
#include <sys/socket.h>
#include <sys/un.h>

#define ANCESTRY_MAX 64		/* parents looked up from a sender */

static char dir[sizeof ((struct sockaddr_un *)0)->sun_path];
/* NOTIFY_SOCKET=PATH, the command's entry; PATH (sock) fits sun_path. */
static char entry[sizeof NOTIFY_VAR + sizeof dir + 8];
static char *const sock = entry + sizeof NOTIFY_VAR;

static pid_t maker;		/* the process that made them */

/* What ends prspawn while it waits (kill's, a terminal's, a hangup). */
static const int ends[] = { SIGHUP, SIGINT, SIGTERM };
#define NENDS (sizeof ends / sizeof ends[0])
static int caught[NENDS];	/* which of them remove() catches */

/* The socket and its directory, by their maker (async-signal-safe). */
static void
remove_both(void)
{
	if (getpid() == maker && sock[0] != '\0')
		unlink(sock);
	if (getpid() == maker && dir[0] != '\0')
		rmdir(dir);
}

/* A signal that ends us: remove them, then end by it as before. */
static void
removed(int sig)
{
	remove_both();
	signal(sig, SIG_DFL);
	raise(sig);		/* delivered as the handler returns */
}

/*
 * Catch, while the socket is there, those of ENDS that would end us
 * (ON), or put them back to their default (not ON); one ignored (nohup)
 * stays so.  atexit() alone left both behind on a kill -TERM.
 */
static void
catch_ends(int on)
{
	struct sigaction sa, was;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NENDS; i++) {
		if (on && sigaction(ends[i], NULL, &was) == 0 &&
		    was.sa_handler == SIG_DFL) {
			sa.sa_handler = removed;
			caught[i] = sigaction(ends[i], &sa, NULL) == 0;
		} else if (!on && caught[i]) {
			sa.sa_handler = SIG_DFL;
			sigaction(ends[i], &sa, NULL);
			caught[i] = 0;
		}
	}
}

/*
 * In a child (a keeper): what ends it is let go of, back to its default
 * (still blocked there); the socket and its directory are its maker's.
 */
void
notify_uncatch(void)
{
	catch_ends(0);
}

/* The socket and its directory go, once, and only by their maker. */
void
notify_close(void)
{
	remove_both();
	sock[0] = dir[0] = '\0';
	catch_ends(0);
}

/* A directory of our own, 0700, for the socket: in $TMPDIR or /tmp. */
static int
private_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || tmp[0] != '/' ||
	    strlen(tmp) + sizeof "/prreg-notify.XXXXXX/notify" > sizeof dir)
		tmp = "/tmp";
	fmt_snprintf(dir, sizeof dir, "%s/prreg-notify.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		fail_sys(PR_SYS, "-N notify: %s: cannot create", dir);
		dir[0] = '\0';
		return -1;
	}
	fmt_snprintf(entry, sizeof entry, NOTIFY_VAR "=%s/notify", dir);
	return 0;
}

int
notify_open(const char **env)
{
	struct sockaddr_un sa;
	int fd, on = 1;

	maker = getpid();	/* a forked child (a keeper) leaves them */
	if (private_dir() == -1)
		return -1;
	if (atexit(notify_close) != 0) {
		notify_close();
		return fail(PR_SYS, "cannot register an exit handler");
	}
	catch_ends(1);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof sa.sun_path) {
		notify_close();
		return fail(PR_SYS, "-N notify: %s: path too long", sock);
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof on) == -1 || bind(fd, (struct sockaddr *)&sa,
	    sizeof sa) == -1) {
		fail_sys(PR_SYS, "-N notify: %s: cannot make the socket", sock);
		if (fd != -1)
			close(fd);
		notify_close();
		return -1;
	}
	*env = entry;
	return fd;
}

/* Whether MSG holds the line READY=1. */
static int
says_ready(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p == 7 && memcmp(p, "READY=1", 7) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether PID is one of F's processes.  Under a keeper (a subreaper,
 * which lives while we wait): a descendant of it, by the ppid chain read
 * now, or one in its cgroup; nothing else proves it (the command's pid
 * is no proof once the keeper has collected it).  Without one: the
 * command, a member of its group, a descendant of it or of ours (a
 * subreaper's orphans are), one that carries its marker, one in its
 * cgroup.
 */
static int
from_ours(pid_t pid, const struct notify_from *f)
{
	char mark[MARK_MAX];
	struct pstat ps;
	uid_t ruid;
	pid_t p = pid, top = f->keeper != 0 ? f->keeper : f->pid;
	pid_t us = f->keeper != 0 ? f->keeper : getpid();
	int i;

	if (f->keeper == 0 && pid == f->pid)
		return 1;
	for (i = 0; i < ANCESTRY_MAX && p > 1 && proc_stat(p, &ps); i++) {
		if ((i == 0 && f->keeper == 0 && ps.pgrp == f->pid) ||
		    ps.ppid == top || ps.ppid == us)
			return 1;
		p = ps.ppid;
	}
	if (f->keeper != 0)
		return f->cg != NULL && cg_contains(f->cg, pid);
	/* A carrier of another uid may have copied the marker (mark.h). */
	if (f->mark[0] != '\0' && mark_read(pid, mark, &ruid) &&
	    strcmp(mark, f->mark) == 0 && mark_owner(ruid))
		return 1;
	return f->cg != NULL && cg_contains(f->cg, pid);
}

/* One datagram into BUF, *LEN bytes, from *PID; 0, or -1 when none. */
static int
receive(int fd, char *buf, size_t *len, pid_t *pid)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof (struct ucred))];
	} c;
	struct iovec iov = { buf, *len };
	struct msghdr m;
	struct cmsghdr *h;
	struct ucred uc;
	ssize_t n;

	memset(&m, 0, sizeof m);
	m.msg_iov = &iov, m.msg_iovlen = 1;
	m.msg_control = c.b, m.msg_controllen = sizeof c.b;
	while ((n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	*len = (size_t)n, *pid = 0;
	for (h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&uc, CMSG_DATA(h), sizeof uc);
			*pid = uc.pid;
		}
	return 0;
}

/*
 * spawn_ready()'s look: every datagram waiting on FD; SPAWN_READY once
 * one says READY=1 and comes from one of FROM's processes, else -1.
 */
int
notify_look(int fd, void *from)
{
	char buf[4096];
	size_t len;
	pid_t pid;

	for (;;) {
		len = sizeof buf;
		if (receive(fd, buf, &len, &pid) == -1)
			return -1;
		if (pid > 0 && says_ready(buf, len) && from_ours(pid, from))
			return SPAWN_READY;
	}
}

#else

int notify_open(const char **env) { (void)env; errno = ENOSYS;
	return fail(PR_SYS, "-N notify: no SCM_CREDENTIALS on this system"); }
int notify_look(int fd, void *from) { (void)fd; (void)from; return -1; }
void notify_close(void) { }
void notify_uncatch(void) { }

#endif
