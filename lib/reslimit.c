/* reslimit.c - prspawn -l: parse, then cgroup files or setrlimit(2). */
#define _GNU_SOURCE		/* sched_getaffinity(2), CPU_COUNT */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "arg.h"
#include "cgroup.h"
#include "fdlimit.h"
#include "fmt.h"
#include "reslimit.h"
#include "msg.h"
#include "word.h"

#define MEM_MIN 4096ULL
#define MEM_MAX (1ULL << 50)	/* 1048576G */
#define PIDS_MAX 4194304UL	/* the kernel's most pids */
#define CPU_PERIOD 100000	/* us: cpu.max's period */

/*
 * The CPUs this process may run on, as nproc(1) counts them (musl's
 * sysconf(_SC_NPROCESSORS_ONLN) too), at least 1.
 */
static unsigned long
cpus(void)
{
#ifdef __linux__
	/* Room for 8192 CPUs, the kernel's most (cpu_set_t has 1024). */
	unsigned long set[8192 / (8 * sizeof(unsigned long))];
	cpu_set_t *cs = (cpu_set_t *)(void *)set;
	long n = sched_getaffinity(0, sizeof set, cs) == 0 ?
	    CPU_COUNT_S(sizeof set, cs) : 0;
#else
	long n = sysconf(_SC_NPROCESSORS_ONLN);
#endif

	return n > 0 ? (unsigned long)n : 1;
}

/* SIZE: digits, then nothing (bytes) or one of K M G (1024s). */
static int
size_parse(const char *v, unsigned long long *out)
{
	char num[24];
	size_t len = strlen(v);
	unsigned long n;
	int shift = 0;

	if (len > 0 && strchr("KMG", v[len - 1]) != NULL)
		shift = v[--len] == 'K' ? 10 : v[len] == 'M' ? 20 : 30;
	if (len == 0 || len >= sizeof num)
		return 0;
	memcpy(num, v, len);
	num[len] = '\0';
	if (!ulong_parse(num, (unsigned long)-1, &n) ||
	    (unsigned long long)n > MEM_MAX >> shift)
		return 0;
	*out = (unsigned long long)n << shift;
	return *out >= MEM_MIN;
}

/* One KEY=VALUE, LEN bytes of P, into L; NULL, or why it is not one. */
static const char *
limit(const char *p, size_t len, struct limits *l)
{
	static char why[96];
	char kv[64], *v;

	if (len >= sizeof kv || (v = memchr(p, '=', len)) == NULL)
		return "want KEY=VALUE[,KEY=VALUE...]";
	memcpy(kv, p, len);
	kv[len] = '\0';
	v = kv + (v - p);
	*v++ = '\0';
	if (strcmp(kv, "mem") == 0)
		return l->mem != 0 ? "mem given twice" : size_parse(v, &l->mem) ?
		    NULL : "mem: want bytes, or a number of K, M or G (1024s), "
		    "from 4K to 1048576G";
	if (strcmp(kv, "pids") == 0)
		return l->pids != 0 ? "pids given twice" :
		    ulong_parse(v, PIDS_MAX, &l->pids) && l->pids > 0 ? NULL :
		    "pids: want 1 to 4194304";
	if (strcmp(kv, "cpu") == 0 && l->cpu != 0)
		return "cpu given twice";
	if (strcmp(kv, "cpu") == 0) {
		fmt_snprintf(why, sizeof why, "cpu: want a percent of one "
		    "CPU, 1 to %lu (100 times %lu CPUs)", 100 * cpus(), cpus());
		return ulong_parse(v, 100 * cpus(), &l->cpu) && l->cpu > 0 ?
		    NULL : why;
	}
	return "want the keys mem, pids, cpu";
}

int
limits_arg(int opt, const char *v, struct limits *l)
{
	const char *p = v, *why = NULL;
	size_t len;

	memset(l, 0, sizeof *l);
	for (;;) {
		len = span_to(p, ',');
		if ((why = limit(p, len, l)) != NULL || p[len] == '\0')
			break;
		p += len + 1;
	}
	if (why == NULL && !word_ok(v, strlen(v)))
		why = "longer than 255 bytes";
	if (why != NULL)
		return fail(PR_USAGE, "-%c: invalid limits '%s': %s", opt,
		    arg_shown(v), why);
	l->text = v;
	return 0;
}

/* What has no form without a cgroup (-c) is refused. */
int
limits_check(const struct limits *l, int cgroup)
{
	if (l->text == NULL || cgroup)
		return 0;
	if (l->cpu != 0)
		return fail(PR_USAGE, "-l: cpu=%lu needs -c: without a cgroup "
		    "there is no CPU limit", l->cpu);
	if (l->pids != 0 && geteuid() == 0)
		return fail(PR_USAGE, "-l: pids=%lu needs -c as root: "
		    "RLIMIT_NPROC does not bind the superuser", l->pids);
	return 0;
}

/* The controllers L needs, as cgroup.subtree_control takes them. */
static const char *const ctl[] = { "memory", "pids", "cpu" };

static int
needs(const struct limits *l, size_t i)
{
	return i == 0 ? l->mem != 0 : i == 1 ? l->pids != 0 : l->cpu != 0;
}

/* Whether the space-separated LIST holds WORD. */
static int
listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = fmt_strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/*
 * Turn on in ROOT's cgroup.subtree_control the controllers L needs, so
 * that a cgroup made in ROOT has their files.  Each must be among ROOT's
 * cgroup.controllers: where it is not, there is no such limit here.
 */
int
limits_enable(const char *root, const struct limits *l)
{
	char have[512], on[16];
	size_t i;

	if (l->text == NULL)
		return 0;
	if (cg_read(root, "cgroup.controllers", have, sizeof have) == -1)
		return fail_sys(PR_SYS, "-l: %s/cgroup.controllers: cannot read",
		    root);
	for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
		if (!needs(l, i))
			continue;
		if (!listed(have, ctl[i]))
			return fail(PR_SYS, "-l: %s: no %s controller in this "
			    "cgroup (cgroup.controllers: %s); nothing started",
			    root, ctl[i], have[0] != '\0' ? have : "none");
		fmt_snprintf(on, sizeof on, "+%s", ctl[i]);
		if (cg_write(root, "cgroup.subtree_control", on) == -1)
			return fail_sys(PR_SYS, "-l: %s/cgroup.subtree_control: "
			    "cannot enable %s; nothing started", root, ctl[i]);
	}
	return 0;
}

/* FILE of CG gets VALUE; MAY_LACK: a file that is not there is none. */
static int
put(const char *cg, const char *file, const char *value, int may_lack)
{
	if (cg_write(cg, file, value) == 0 || (may_lack && errno == ENOENT))
		return 0;
	return fail_sys(PR_SYS, "-l: %s/%s: cannot write %s", cg, file, value);
}

/* L into the cgroup CG, made once limits_enable() turned them on. */
int
limits_apply(const char *cg, const struct limits *l)
{
	char v[64];

	fmt_snprintf(v, sizeof v, "%llu", l->mem);
	if (l->mem != 0 && (put(cg, "memory.max", v, 0) == -1 ||
	    put(cg, "memory.swap.max", "0", 1) == -1))
		return -1;
	fmt_snprintf(v, sizeof v, "%lu", l->pids);
	if (l->pids != 0 && put(cg, "pids.max", v, 0) == -1)
		return -1;
	fmt_snprintf(v, sizeof v, "%lu %d", l->cpu * (CPU_PERIOD / 100),
	    CPU_PERIOD);
	if (l->cpu != 0 && put(cg, "cpu.max", v, 0) == -1)
		return -1;
	return 0;
}

/* RES, soft and hard, to V. */
static int
rlimit(int res, unsigned long long v)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = (rlim_t)v;
	return rlimit_set(res, &rl);
}

/* In the child, before its exec: L as its own resource limits. */
int
limits_self(const struct limits *l)
{
	if (l->mem != 0 && rlimit(RLIMIT_AS, l->mem) == -1)
		return -1;
	if (l->pids != 0 && rlimit(RLIMIT_NPROC, l->pids) == -1)
		return -1;
	return 0;
}
