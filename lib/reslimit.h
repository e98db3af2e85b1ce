/*
 * reslimit.h - what a started command may use (prspawn -l; SPEC 6):
 * mem=SIZE (bytes, or K, M, G of 1024), pids=N, cpu=PERCENT (of one
 * CPU, 1 to 100 times the CPUs), given as KEY=VALUE[,KEY=VALUE...].
 *
 * With a cgroup of its own (-c) they are that cgroup's memory.max (and
 * memory.swap.max 0 where there is one), pids.max and cpu.max (a quota
 * of PERCENT * 1000 in a period of 100000 us), so they bind everything
 * the command starts: limits_enable() turns on the controllers they need
 * in the parent's cgroup.subtree_control before the cgroup is made,
 * limits_apply() writes the files into it.  Without one, mem is
 * RLIMIT_AS and pids RLIMIT_NPROC, soft and hard, of the command alone,
 * set by limits_self() in the child before its exec; cpu has no such
 * form, and RLIMIT_NPROC does not bind the superuser: limits_check()
 * refuses those without -c.
 *
 * Whether the memory limit killed a process of the cgroup, for the oom=1
 * (A_OOM) of a record's end, is cg_oom()'s (cgroup.h).  The record keeps
 * -l as given in limits= (A_LIMITS).
 */
#ifndef PRREG_RESLIMIT_H
#define PRREG_RESLIMIT_H

struct limits {
	const char *text;	/* as given, or NULL: none */
	unsigned long long mem;	/* bytes; 0: none */
	unsigned long pids;	/* 0: none */
	unsigned long cpu;	/* percent of one CPU; 0: none */
};

int limits_arg(int opt, const char *v, struct limits *l);
int limits_check(const struct limits *l, int cgroup);
int limits_enable(const char *root, const struct limits *l);
int limits_apply(const char *cg, const struct limits *l);
int limits_self(const struct limits *l);

#endif
