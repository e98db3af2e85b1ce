/*
 * nodump PIDFILE - a daemon that makes itself non-dumpable, as ssh-agent
 * does (prctl PR_SET_DUMPABLE 0): its /proc/PID/environ, where the
 * marker is, can no longer be read by its owner.  It forks, the child
 * calls setsid, the parent exits; the daemon writes its pid to PIDFILE
 * and waits for a signal.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>

int
main(int argc, char *argv[])
{
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: nodump PIDFILE\n");
		return 2;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return 3;
	if (fork() != 0)
		_exit(0);
	setsid();
	if ((f = fopen(argv[1], "w")) == NULL)
		return 3;
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	for (;;)
		pause();
}
