/* scan.c - every process once: pid, group, zombie, marker. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "proc.h"
#include "scan.h"
#include "sysread.h"

static int
add(struct scan *s, size_t *cap, pid_t pid, pid_t ppid, pid_t pgrp,
    int zombie)
{
	struct pent *p;

	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((p = realloc(s->p, *cap * sizeof *p)) == NULL)
			return -1;
		s->p = p;
	}
	p = &s->p[s->n++];
	p->pid = pid, p->ppid = ppid, p->pgrp = pgrp, p->zombie = zombie;
	p->mark[0] = '\0';
	return 0;
}

#ifndef PRREG_NO_PROCFS

static int
walk(struct scan *s, int env)
{
	struct dirent *de;
	struct pstat ps;
	size_t cap = 0;
	pid_t pid, self = getpid();
	DIR *d;
	int fd;

	if (proc_dirfd() == -1 || (fd = dup(proc_dirfd())) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (!pid_parse(de->d_name, strlen(de->d_name), &pid) ||
		    pid == self || !proc_stat(pid, &ps))
			continue;
		if (add(s, &cap, pid, ps.ppid, ps.pgrp, ps.state == 'Z' &&
		    ps.threads <= 1) == -1) {
			closedir(d);
			return -1;
		}
		if (env && !s->p[s->n - 1].zombie)
			mark_read(pid, s->p[s->n - 1].mark);
	}
	closedir(d);
	return 0;
}

#else

static int
walk(struct scan *s, int env)
{
	char *const argv[] = { "ps", "-A", "-o", "pid=", "-o", "ppid=", "-o",
	    "pgid=", "-o", "stat=", NULL };
	static char buf[1 << 20];
	char *p, stat[8];
	size_t cap = 0;
	long pid, pp, pg;
	int used;

	(void)env;
	if (run_read(argv, buf, sizeof buf) <= 0)
		return -1;
	for (p = buf; sscanf(p, " %ld %ld %ld %7s%n", &pid, &pp, &pg, stat,
	    &used) == 4; p += strcspn(p, "\n")) {
		p += used;
		if ((pid_t)pid != getpid() && add(s, &cap, (pid_t)pid,
		    (pid_t)pp, (pid_t)pg, stat[0] == 'Z' &&
		    strchr(stat, 'l') == NULL) == -1)
			return -1;
	}
	return 0;
}

#endif

static int
by_mark(const void *a, const void *b)
{
	return strcmp((*(struct pent *const *)a)->mark,
	    (*(struct pent *const *)b)->mark);
}

static int
by_pgrp(const void *a, const void *b)
{
	pid_t x = (*(struct pent *const *)a)->pgrp;
	pid_t y = (*(struct pent *const *)b)->pgrp;

	return (x > y) - (x < y);
}

/*
 * Look at every process (with ENV, at its marker too) and index them.
 * -1 when the process table cannot be read, with a failure kept.
 */
int
scan_run(struct scan *s, int env)
{
	size_t i;

	scan_free(s);
	if (walk(s, env) == -1 ||
	    (s->bymark = malloc((s->n + 1) * sizeof *s->bymark)) == NULL ||
	    (s->bypgrp = malloc((s->n + 1) * sizeof *s->bypgrp)) == NULL) {
		scan_free(s);
		return fail_sys(PR_SYS, "cannot read the process table");
	}
	for (i = 0; i < s->n; i++)
		s->bymark[i] = s->bypgrp[i] = &s->p[i];
	qsort(s->bymark, s->n, sizeof *s->bymark, by_mark);
	qsort(s->bypgrp, s->n, sizeof *s->bypgrp, by_pgrp);
	s->env = env;
	s->done = 1;
	return 0;
}

void
scan_free(struct scan *s)
{
	free(s->p), free(s->bymark), free(s->bypgrp);
	memset(s, 0, sizeof *s);
}

/* The run of IDX (sorted by CMP) equal to KEY: its length, *FIRST. */
static size_t
run_of(struct pent **idx, size_t n, const struct pent *key,
    int (*cmp)(const void *, const void *), struct pent ***first)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(&idx[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && cmp(&idx[end], &key) == 0; end++)
		;
	*first = idx + lo;
	return end - lo;
}

/* The processes of group PGRP, zombies among them. */
size_t
scan_group(const struct scan *s, pid_t pgrp, struct pent ***first)
{
	struct pent key;

	key.pgrp = pgrp;
	return run_of(s->bypgrp, s->n, &key, by_pgrp, first);
}

/* The processes that carry MARK. */
size_t
scan_marked(const struct scan *s, const char *mark, struct pent ***first)
{
	struct pent key;

	snprintf(key.mark, sizeof key.mark, "%s", mark);
	return run_of(s->bymark, s->n, &key, by_mark, first);
}
