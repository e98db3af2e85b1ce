/*
 * mtleader - a process whose main thread has exited (pthread_exit) while
 * another thread runs on: /proc shows its leader as a zombie (state Z,
 * ps "Zl"), though the process lives.  It writes its pid to stdout once
 * the main thread is about to go, and lives until killed.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *
run(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int
main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, run, NULL) != 0)
		return 3;
	printf("%ld\n", (long)getpid());
	fflush(stdout);
	pthread_exit(NULL);
}
