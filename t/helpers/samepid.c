/*
 * samepid - run as PID 1 of a PID namespace (unshare -fp --mount-proc):
 * the same-tick PID reuse of issue 11.  It has prspawn record a command
 * that exits at once (A), collects A (as PID 1 it is A's parent then),
 * makes the next pid A's again (ns_last_pid) and starts a stranger S
 * (sleep, leading a session and group of its own, as A did) in its
 * place, all within microseconds, so that S has A's pid
 * and, when the clock tick did not turn meanwhile, A's start time too
 * (field 22 of /proc/PID/stat, in 10 ms ticks).  It tries until that
 * happens (at most 50 times), then runs prreap -S KILL -i a, and says:
 *   tie: same pid, same start time     prreap: STATUS     stranger: alive|killed
 * Exit 2 when no try made a tie.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

/* Field 22 of /proc/PID/stat, after the last ')'. */
static unsigned long long
start_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (p += 2, i = 3; i < 22 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p != NULL)
		v = strtoull(p, NULL, 10);
	return v;
}

/* prspawn -b -i a -p -- true: the pid it printed (bare: ours once it exits). */
static pid_t
spawn_a(void)
{
	char line[512];
	int p[2], st;
	pid_t pid;
	FILE *f;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		exit(3);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execlp("prspawn", "prspawn", "-b", "-i", "a", "-p", "--", "true",
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (f == NULL || fgets(line, sizeof line, f) == NULL)
		exit(4);
	fclose(f);
	waitpid(pid, &st, 0);
	return (pid_t)atol(line);
}

/* Each try takes a few ms; a loaded machine needs many for one tie. */
#define TRIES 1000

int
main(void)
{
	unsigned long long ta, ts;
	pid_t a, s, r;
	int try, st;
	FILE *f;

	for (try = 0; try < TRIES; try++) {
		a = spawn_a();
		/* A exits at once; its parent prspawn is gone: it is ours. */
		ta = start_of(a);
		if (waitpid(a, NULL, 0) != a)
			exit(5);
		if ((f = fopen("/proc/sys/kernel/ns_last_pid", "w")) == NULL)
			exit(6);
		fprintf(f, "%d", (int)a - 1);
		fclose(f);
		if ((s = fork()) == 0) {
			setsid();	/* it leads a group, as A did */
			execlp("sleep", "sleep", "1000", (char *)NULL);
			_exit(127);
		}
		ts = start_of(s);
		if (s == a && ts == ta && ta != 0)
			break;
		kill(s, SIGKILL);
		waitpid(s, NULL, 0);
	}
	if (try == TRIES)
		return 77;	/* never within one tick: a loaded machine */
	printf("tie: same pid, same start time\n");
	fflush(stdout);
	if ((r = fork()) == 0) {
		freopen("/dev/null", "w", stdout);
		execlp("prreap", "prreap", "-S", "KILL", "-T", "1", "-i", "a",
		    (char *)NULL);
		_exit(127);
	}
	waitpid(r, &st, 0);
	printf("prreap: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	printf("stranger: %s\n", kill(s, 0) == 0 && waitpid(s, &st, WNOHANG) ==
	    0 ? "alive" : "killed");
	kill(s, SIGKILL);
	return 0;
}
