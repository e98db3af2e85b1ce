/*
 * forkloop PIDFILE - a process that outruns a look at every process: it
 * forks every millisecond; the child calls setsid and goes on, the
 * parent exits.  TERM is ignored, so only KILL, sent faster than it
 * forks, ends it.  Each generation appends its pid to PIDFILE (one line
 * each, O_APPEND), so a test can tell that none is left; once PIDFILE
 * is removed (the test's teardown, or its directory's), it ends, so a
 * failed test leaves no loop behind.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

int
main(int argc, char *argv[])
{
	struct timespec ms = { 0, 1000000 };
	struct stat st;
	char line[32];
	int fd, n;

	if (argc != 2) {
		fprintf(stderr, "usage: forkloop PIDFILE\n");
		return 2;
	}
	signal(SIGTERM, SIG_IGN);
	if ((fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
		return 3;
	for (;;) {
		if (fstat(fd, &st) == -1 || st.st_nlink == 0)
			return 0;
		n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
		if (write(fd, line, (size_t)n) != n)
			return 3;
		nanosleep(&ms, NULL);
		switch (fork()) {
		case -1:
			continue;
		case 0:
			setsid();
			continue;
		default:
			_exit(0);
		}
	}
}
