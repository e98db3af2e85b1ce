/*
 * start.h - prspawn(1)'s job, phase by phase, for the tool to call in
 * order once its options are parsed into a struct start:
 *
 *   start_prepare()  what can be refused before anything starts: the
 *                    owner (-O, -L), -o's file, -d's directory, -N's
 *                    pipe or socket, the registry, the cgroup of -c with
 *                    -l's limits, the subreaper of -w (prepare.c)
 *   start_take()     the lock (and a slot), then the command started
 *                    (from its keeper, keeper.h, unless -b or -w),
 *                    or -A's process checked; its start token, its id
 *   start_record()   the record written: from here the command is kept,
 *                    and its keeper is handed the record
 *   start_tell()     -N's wait for ready, -P's pid file, -p's line
 *   start_stay()     -w: with the command until it exits (stay.c)
 *
 * Each returns -1 with the failure kept (msg.h); the tool then calls
 * start_undo(), which stops and forgets what was started and not kept,
 * and removes the cgroup, before it says why and exits.
 */
#ifndef PRREG_START_H
#define PRREG_START_H

#include <sys/types.h>

#include "keeper.h"
#include "owner.h"
#include "registry.h"
#include "reslimit.h"
#include "slot.h"
#include "spawn.h"

struct start {
	/* From the options. */
	struct slot s;		/* -t, -s, -m, -W, -C, -x */
	struct spawn_opts o;	/* COMMAND, -u; the rest by start_prepare() */
	const char *ropt, *pidfile, *id, *out, *dir;
	int print, fg, cgroup;
	int bare;		/* -b: no keeper */
	int plain;		/* -F: the pid file in the plain form */
	int notify;		/* -N: the descriptor number, or -1 */
	int sdnotify;		/* -N notify */
	struct limits lim;	/* -l */
	const char *stop;	/* -R: the stop schedule, checked */
	pid_t adopt;		/* -A, or 0 */
	pid_t owner_pid;	/* -O, or 0: our parent */
	int lifeline;		/* -L */

	/* Made by the phases. */
	struct owner owner;	/* owner=, and -L's (keeper.c's too) */
	struct reg reg;
	int ready;		/* -N: the pipe's read end, or -1 */
	int reaper;		/* -w: we are a subreaper */
	int kept;		/* recorded: never undone */
	pid_t pid, pgid;	/* what is recorded */
	char token[TOKEN_MAX + 1];
	char defid[WORD_MAX + 1];
	char cg[PATH_LEN];	/* -c: the cgroup made for the command */
	struct keeper k;	/* its keeper (k.pid 0: none) */
	char ktoken[TOKEN_MAX + 1];
	char kattr[PIDTOK_LEN + 1];	/* keeper=: PID:TOKEN, or "" */
	struct rec mine;	/* the record as written */
};

void start_init(struct start *st);
int start_take(struct start *st);
int start_record(struct start *st);
int start_tell(struct start *st);
void start_undo(struct start *st);
void start_end(struct start *st);

/* prepare.c */
int start_prepare(struct start *st);

/* stay.c */
int start_ready(struct start *st);
int start_stay(struct start *st);

#endif
