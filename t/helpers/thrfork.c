/*
 * thrfork FILE CMD [ARG...] - a process whose second thread, not its
 * main one, starts CMD, as a JVM starts its children: the kernel lists
 * that child under the thread (/proc/PID/task/TID/children), not under
 * the process's main thread.  The child's pid goes to FILE.  The process
 * ignores TERM (CMD gets the default back) and lives until killed.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static char **cmd;
static const char *file;

static void *
run(void *arg)
{
	FILE *f;
	pid_t pid;

	(void)arg;
	if ((pid = fork()) == 0) {
		signal(SIGTERM, SIG_DFL);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0 && (f = fopen(file, "w")) != NULL) {
		fprintf(f, "%ld\n", (long)pid);
		fclose(f);
	}
	for (;;)
		pause();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 3)
		return 2;
	file = argv[1], cmd = argv + 2;
	signal(SIGTERM, SIG_IGN);
	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 3;
	for (;;)
		pause();
}
