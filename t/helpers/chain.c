/*
 * chain N FILE - a chain of N processes, each the child of the one
 * before, each in a process group of its own: every link appends "pid
 * PID" to FILE as it starts, and the last one "ready PID" once all run.
 * Each then waits for a signal: none is handled, so TERM ends it.  For
 * prreap's proofs of a parent whose pidfd it does not hold (reap.c,
 * descends()): a chain deeper than its descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
say(const char *file, const char *what)
{
	FILE *f = fopen(file, "a");

	if (f == NULL)
		_exit(3);
	fprintf(f, "%s %ld\n", what, (long)getpid());
	fclose(f);
}

int
main(int argc, char *argv[])
{
	int n, i;
	pid_t pid;

	if (argc != 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: chain N FILE\n");
		return 2;
	}
	for (i = 1; i < n; i++) {
		if ((pid = fork()) == -1) {
			perror("chain: fork");
			return 3;
		}
		if (pid > 0)
			for (;;)
				pause();
		setpgid(0, 0);
		say(argv[2], "pid");
	}
	say(argv[2], "ready");
	for (;;)
		pause();
}
