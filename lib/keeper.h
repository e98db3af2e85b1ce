/*
 * keeper.h - a command's keeper (SPEC 5.1): one small process per
 * started command, its parent, in a session of its own, a subreaper, so
 * that whatever the command starts stays its descendant until it ends
 * (double fork, setsid, a title written over its environment, made
 * non-dumpable: none of it leaves the keeper's tree).
 *
 * prspawn forks it with keeper_start(); the keeper starts the command
 * (spawn.h) and reports its pid, or why it failed, to keeper_confirm().
 * Once the command is recorded, keeper_keep() hands the keeper its
 * record's line; a keeper never handed one (prspawn failed, or died)
 * kills the command and ends: nothing runs unrecorded.  keeper_cancel()
 * is that undo, by prspawn.
 *
 * Then it waits in one place: poll(2) on a self-pipe for its signals and,
 * with a lifeline, a pidfd of the owner.  It holds no descriptor of the
 * registry, and nothing else prspawn had.  It reaps every child; TERM or
 * INT (or the owner's death, with a lifeline) stop the record as prreap
 * does (reap.h); every other signal is forwarded, to the command's group
 * while the command runs, then to the keeper's own children.  Once no
 * child is left it writes exit=N and ended=TIME into its record (only
 * if the record is still its own: same id, pid and token) and ends.
 * keeper_wait_end() waits for that (prwait), keeper_exit() reads N.
 *
 * With AWAIT (prspawn -N waits for the command's word while the keeper
 * keeps it), the socket stays open past the record's line: the keeper
 * sends on it the status it writes as exit=N when it ends before
 * keeper_let_go() closes it (the command is ready); keeper_ended() reads
 * it once the keeper has exited, and collects the keeper.
 *
 * keeper_stop(): TERM to it, and its end waited for (prreap, where there
 * are no pidfds).  keeper_busy(): it has a live child now (prreap: not
 * gone while it has).  keeper_tell_forget(): the record's stopper will
 * forget it, so the keeper removes it at its end instead of writing its
 * exit (prreap, prspawn -x).
 */
#ifndef PRREG_KEEPER_H
#define PRREG_KEEPER_H

#include <sys/types.h>

#include "owner.h"
#include "record.h"
#include "registry.h"
#include "spawn.h"

struct keeper {
	pid_t pid;		/* the keeper */
	pid_t cmd;		/* the command, once confirmed */
	int sock;		/* its report in, then the record's line out */
	int adopts;		/* until the handoff, we get what it started
				   should it die: a subreaper, childless */
	const struct owner *lifeline;	/* -L: its owner's death stops the
					   record; NULL: none */
	int await;		/* -N: SOCK stays, for the keeper's end */
};

int keeper_start(struct keeper *k, const struct spawn_opts *o,
    struct reg *reg);
int keeper_confirm(struct keeper *k);
int keeper_keep(struct keeper *k, const struct rec *r);
void keeper_cancel(struct keeper *k);
int keeper_ended(struct keeper *k, int *status);
void keeper_let_go(struct keeper *k);
int keeper_of(const struct rec *r, pid_t *pid, char token[TOKEN_MAX + 1]);
int keeper_wait_end(const struct rec *r, long long deadline);
int keeper_exit(const struct rec *r);
int keeper_stop(const struct rec *r);
int keeper_busy(pid_t pid);
void keeper_tell_forget(int kfd);

/* keeper_tell_forget()'s word: the value of its queued CONT ("PRRG"). */
#define KEEPER_FORGET 0x50525247

#endif
