/*
 * titled PIDFILE - a daemon that sets its process title the classic way
 * (nginx, redis, PostgreSQL): it forks, the child calls setsid and forks
 * again, the first two exit, and the daemon writes its title over its
 * argument and environment block, so that no PRREG_MARK is left in
 * /proc/PID/environ.  It writes its pid to PIDFILE, then waits for a
 * signal; TERM ends it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The title over argv and the environment, as setproctitle(3) does. */
static void
title(char *argv[])
{
	char *start = argv[0], *end = argv[0];
	char **e;
	int i;

	for (i = 0; argv[i] != NULL; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	for (e = environ; *e != NULL; e++)
		if (*e == end)
			end = *e + strlen(*e) + 1;
	memset(start, 0, (size_t)(end - start));
	snprintf(start, (size_t)(end - start), "titled: master process");
	environ = NULL;
}

int
main(int argc, char *argv[])
{
	char *path;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: titled PIDFILE\n");
		return 2;
	}
	if ((path = strdup(argv[1])) == NULL)	/* the title goes over it */
		return 3;
	if (fork() != 0)
		_exit(0);
	setsid();
	if (fork() != 0)
		_exit(0);
	title(argv);
	if ((f = fopen(path, "w")) == NULL)
		return 3;
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	for (;;)
		pause();
}
