/*
 * spawn.h - start a command as prspawn(1) does, and stay with it.
 *
 * spawn() forks a child that leads a new session (pgid = sid = its pid),
 * joins its cgroup (-c) before anything else, changes to its directory
 * (-d), takes its output file (-o), drops names from its environment,
 * gets its marker (mark.h), takes its resource limits (-l without -c:
 * reslimit.h) and execs the command, looked up on PATH as
 * execvp(3) does.  A close-on-exec pipe from the child tells whether the
 * exec happened: a failure is seen, never guessed, and kept (msg.h) with
 * status 127 (not found), 126 (not executable) or 3.
 * The child closes o->ours (the caller's files the command has no use for)
 * at once, and moves what it keeps off the numbers the command gets, so
 * that it works under a low descriptor limit and with stdio closed.
 * spawn_start() and spawn_confirm() are its two halves, for work to be
 * done while the child execs.  Until spawn_keep() says the command is
 * recorded, HUP, INT, TERM, QUIT, USR1 and USR2 are held off, and an exit
 * of the program stops the command (spawn_cancel()): nothing is left
 * running unrecorded.
 * spawn_wait() forwards those signals to the command's group until the
 * command exits (prspawn -w), reaping every other child meanwhile.
 * spawn_notify() and spawn_ready() are -N: readiness, the s6 way (and,
 * with notify.h's look, the systemd way).
 * args_drop_empty() is prspawn -E.
 */
#ifndef PRREG_SPAWN_H
#define PRREG_SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "reslimit.h"
#define SPAWN_OURS 3

struct spawn_opts {
	char *const *argv;
	const char *const *unset;	/* NULL-ended */
	int cgfd;		/* -c: the cgroup's cgroup.procs, or -1 */
	int dirfd;		/* -d: the directory, or -1 */
	int outfd;		/* -o: the output file, or -1 */
	int notify;		/* -N: the descriptor number, or -1 */
	int notifyfd;		/* ... and the pipe's end it is given */
	const char *notify_env;	/* -N notify: NOTIFY_SOCKET=PATH */
	int mark;		/* give the command its marker */
	const struct limits *limits;	/* -l without -c: its rlimits */
	int ours[SPAWN_OURS];	/* ours, closed in the child at once, or -1 */
	int borrow;		/* we only wait for the exec, with no handler
				   set: vfork (spawn.c) */
};

enum spawn_ready { SPAWN_READY, SPAWN_CLOSED, SPAWN_EXITED, SPAWN_LATE };

pid_t spawn(const struct spawn_opts *o);
int spawn_notify(struct spawn_opts *o, int n);
int spawn_pipe_look(int fd, void *arg);
int spawn_ready(pid_t pid, int fd, int (*look)(int fd, void *arg), void *arg,
    long long deadline, int *status);
pid_t spawn_start(const struct spawn_opts *o, int *fd);
int spawn_confirm(pid_t pid, int fd, const struct spawn_opts *o);
void spawn_hold(sigset_t *old);
void spawn_keep(int hold);
int spawn_wait(pid_t pid, int reaper);
int spawn_status(pid_t pid, int reaper);
int spawn_exited(pid_t pid, int *status);
void spawn_cancel(pid_t pid);
void args_drop_empty(char *argv[]);

#endif
