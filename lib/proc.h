/*
 * proc.h - what the system says about one process: its state, process
 * group and start token, and the liveness rule of SPEC
 * section 2 with the fail-safe verdict of section 4.5.
 *
 * A start token is of one of two forms.  Where the kernel has pidfs
 * (Linux 6.9+) it is exact: "pidfs:" and the inode of a pidfd of the
 * process (pidfd.h).  Else it is the start time: field 22 of
 * /proc/PID/stat, or, built with -DPRREG_NO_PROCFS (the path of a
 * system without procfs), the start time ps(1) gives.  Tokens of the
 * start-time form stay valid where the kernel has pidfs.
 *
 * UNKNOWN: the process exists, but its token or state cannot be read now
 * (no /proc mounted, an old-form token and no way to read it): it is not
 * proven the one recorded.  It counts as live (a record is never
 * forgotten while its process may live), and is never signalled.
 */
#ifndef PRREG_PROC_H
#define PRREG_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "boot.h"
#include "word.h"

enum live { LIVE, DEAD, ZOMBIE, REUSED, UNKNOWN };

struct pstat {
	char state;			/* 'Z' for a zombie */
	int threads;			/* 0 when not known */
	pid_t ppid, pgrp;
	char token[TOKEN_MAX + 1];	/* the start-time form */
};

int proc_stat(pid_t pid, struct pstat *ps);
int proc_gone(int err);
int proc_short(int err);
int proc_token(pid_t pid, char token[TOKEN_MAX + 1]);
int proc_token_fd(int fd, pid_t pid, char token[TOKEN_MAX + 1]);
int proc_token_like(pid_t pid, const char *like, char token[TOKEN_MAX + 1]);
int token_age(const char *token, unsigned long long *n);
int proc_started(pid_t pid, char stamp[STAMP_LEN + 1]);
enum live pid_live(pid_t pid, const char *token);
enum live pidfd_live(int fd, pid_t pid, const char *token);
int live_unknown_err(void);
int pid_watch(pid_t pid, const char *token);
int proc_here(void);
int proc_dirfd(void);
void proc_release(void);
int proc_pids(const char *path, int (*fn)(void *arg, pid_t pid), void *arg);
const char *live_name(enum live l);

#endif
