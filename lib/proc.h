/*
 * proc.h - what the system says about a process: its state, process group
 * and start token, the boot id, and the liveness rule of SPEC section 2.
 *
 * On Linux these read /proc.  Built with -DPRREG_NO_PROCFS they ask
 * ps(1) instead (run with LC_ALL=C), the path a system without procfs takes.
 */
#ifndef PRREG_PROC_H
#define PRREG_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "word.h"

enum live { LIVE, DEAD, ZOMBIE, REUSED };

struct pstat {
	char state;			/* 'Z' for a zombie */
	pid_t pgrp;
	char token[TOKEN_MAX + 1];
};

int proc_stat(pid_t pid, struct pstat *ps);
enum live pid_live(pid_t pid, const char *token);
const char *live_name(enum live l);
const char *boot_id(void);
size_t groups_busy(const pid_t *pgid, int *busy, size_t n);

#endif
