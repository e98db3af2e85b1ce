/* proc.c - process state, start token and liveness (SPEC section 2). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "proc.h"
#include "sysread.h"

/*
 * LIVE: kill(pid, 0) succeeds or fails with EPERM, the process is not a
 * zombie, and the token is "-", unreadable now, or equal.
 */
enum live
pid_live(pid_t pid, const char *token)
{
	struct pstat ps;

	if (pid <= 0)
		return DEAD;
	if (kill(pid, 0) == -1 && errno != EPERM)
		return DEAD;
	/*
	 * Nothing more can be learnt: it exists, unless it was reaped since
	 * kill() (ps takes milliseconds; a late PID 1 reaps zombies then).
	 */
	if (!proc_stat(pid, &ps))
		return kill(pid, 0) == -1 && errno == ESRCH ? DEAD : LIVE;
	if (ps.state == 'Z')
		return ZOMBIE;
	if (token != NULL && strcmp(token, "-") != 0 &&
	    strcmp(token, ps.token) != 0)
		return REUSED;
	return LIVE;
}

const char *
live_name(enum live l)
{
	static const char *const names[] = { "live", "dead", "zombie",
	    "reused" };

	return names[l];
}

#ifndef PRREG_NO_PROCFS

/*
 * /proc/PID/stat: "pid (comm) state ppid pgrp ... starttime(22) ...".
 * comm may hold ')' and blanks, so fields are counted after the LAST ')'.
 */
static int
proc_stat_parse(const char *buf, size_t len, struct pstat *ps)
{
	const char *p = NULL, *q, *end = buf + len;
	size_t i, n;
	int field;

	for (q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (p == NULL || p + 2 >= end)
		return 0;
	p += 2;			/* past ") ": field 3, the state */
	ps->state = *p;
	ps->pgrp = 0;
	ps->token[0] = '\0';
	for (field = 3; field < 22; field++) {
		if (field == 5)
			ps->pgrp = (pid_t)strtol(p, NULL, 10);
		while (p < end && *p != ' ')
			p++;
		if (p++ >= end)
			return 0;
	}
	for (i = 0, n = 0; p + i < end && p[i] >= '0' && p[i] <= '9'; i++)
		if (n < TOKEN_MAX)
			ps->token[n++] = p[i];
	ps->token[n] = '\0';
	return n > 0;
}

int
proc_stat(pid_t pid, struct pstat *ps)
{
	char path[40], buf[1024];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	n = read_small(path, buf, sizeof buf);
	return n > 0 && proc_stat_parse(buf, (size_t)n, ps);
}

const char *
boot_id(void)
{
	static char id[TOKEN_MAX + 1];
	ssize_t n;

	if (id[0] != '\0')
		return id;
	n = read_small("/proc/sys/kernel/random/boot_id", id, sizeof id);
	while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == ' '))
		n--;
	if (n <= 0 || !token_ok(id, (size_t)n))
		n = 0, id[n++] = '-';
	id[n] = '\0';
	return id;
}

/* Which of the groups PGID[0..N) still have a member that is not a zombie. */
size_t
groups_busy(const pid_t *pgid, int *busy, size_t n)
{
	struct pstat ps;
	struct dirent *de;
	size_t i, left = 0, nbusy = 0;
	DIR *d;

	for (i = 0; i < n; i++) {
		/* ESRCH: no member at all, not even a zombie. */
		busy[i] = 0;
		left += busy[i] = !(kill(-pgid[i], 0) == -1 && errno == ESRCH);
	}
	if (left == 0 || (d = opendir("/proc")) == NULL)
		return left;
	for (i = 0; i < n; i++)
		busy[i] = 0;
	while ((de = readdir(d)) != NULL && nbusy < left) {
		pid_t pid;

		if (!pid_parse(de->d_name, strlen(de->d_name), &pid) ||
		    !proc_stat(pid, &ps) || ps.state == 'Z')
			continue;
		for (i = 0; i < n; i++)
			if (ps.pgrp == pgid[i] && !busy[i])
				busy[i] = 1, nbusy++;
	}
	closedir(d);
	return nbusy;
}

#else /* PRREG_NO_PROCFS */

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/*
 * ps -o stat= -o lstart=: "S    Thu Nov 26 21:37:31 2026".  The start
 * time becomes the token 20261126T213731.
 */
int
proc_stat(pid_t pid, struct pstat *ps)
{
	char pidarg[24], buf[256], mon[4], stat[8];
	char *const argv[] = { "ps", "-o", "stat=", "-o", "lstart=",
	    "-o", "pgid=", "-p", pidarg, NULL };
	int day, hh, mm, ss, year, pgrp;
	const char *m;
	ssize_t n;

	snprintf(pidarg, sizeof pidarg, "%ld", (long)pid);
	n = run_read(argv, buf, sizeof buf);
	/* The state is a word of its own: "S" alone is as common as "Ss+". */
	if (n <= 0 || sscanf(buf, " %7s %*s %3s %d %d:%d:%d %d %d",
	    stat, mon, &day, &hh, &mm, &ss, &year, &pgrp) != 8)
		return 0;
	ps->state = stat[0];
	m = strstr(months, mon);
	if (m == NULL || (m - months) % 3 != 0)
		return 0;
	ps->pgrp = pgrp;
	snprintf(ps->token, sizeof ps->token, "%04d%02d%02dT%02d%02d%02d",
	    year, (int)(m - months) / 3 + 1, day, hh, mm, ss);
	return 1;
}

const char *
boot_id(void)
{
	return "-";
}

/*
 * Without procfs: a group with no member at all fails kill(-pgid, 0) with
 * ESRCH; for the others, ps -A tells whether every member is a zombie.
 */
size_t
groups_busy(const pid_t *pgid, int *busy, size_t n)
{
	char *const argv[] = { "ps", "-A", "-o", "pgid=", "-o", "stat=", NULL };
	static char buf[1 << 20];
	size_t i, left = 0, nbusy = 0;
	char *p, state;
	long pg;
	int used;

	for (i = 0; i < n; i++)
		left += busy[i] = !(kill(-pgid[i], 0) == -1 && errno == ESRCH);
	if (left == 0 || run_read(argv, buf, sizeof buf) <= 0)
		return left;
	for (i = 0; i < n; i++)
		busy[i] = 0;
	for (p = buf; sscanf(p, " %ld %c%n", &pg, &state, &used) == 2; ) {
		p += used;
		p += strcspn(p, "\n");
		for (i = 0; i < n; i++)
			if (pg == pgid[i] && state != 'Z' && !busy[i])
				busy[i] = 1, nbusy++;
	}
	return nbusy;
}

#endif
