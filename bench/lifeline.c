/*
 * lifeline.c - a measurement for `make bench`: how long a lifeline
 * (prspawn -L, SPEC 5.2) takes from its owner's SIGKILL to the record's
 * end (its keeper's exit=, SPEC 5.3), RUNS times.
 *
 *	lifeline RUNS FILE PRSPAWN COMMAND [ARG...]
 *
 * Each run forks an owner, which runs `PRSPAWN -r FILE -s life -i life.N
 * -L -- COMMAND [ARG...]`, waits for it and tells us its status, then
 * waits to be killed.  We SIGKILL the owner and wait, in the kernel
 * (inotify on FILE's directory, which holds nothing else), for the record
 * to carry exit= or to be gone; each change of the directory is one read
 * of FILE.  No sleep and no poll interval is in what is measured.
 *
 * Prints one line: the median, least and greatest time in ms, the runs
 * whose record ended within 1 s and the runs made.  A run that did not
 * end counts as 1 s; when the first 3 did not, no more runs are made.
 * Exit 0; 2 usage; 3 a system error; 4 PRSPAWN failed (its status on
 * stderr).  Where there is no inotify, the wait looks every 100 us.
 */
#define _DEFAULT_SOURCE		/* inotify */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#if defined(__linux__)
#include <sys/inotify.h>
#endif

#define MAXRUNS	1000
#define TIMEOUT	1.0		/* s: 20 times the target */
#define GIVEUP	3		/* runs, all timed out: no lifeline at all */

static void
fail(const char *what)
{
	fprintf(stderr, "lifeline: %s: %s\n", what, strerror(errno));
	exit(3);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A watch of DIR's changes (a file renamed in, written, removed): a
 * descriptor that reads ready on one; -1 where there is no inotify.
 */
static int
watch(const char *dir)
{
#if defined(__linux__)
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd == -1 || inotify_add_watch(fd, dir, IN_MOVED_TO |
	    IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE) == -1)
		fail(dir);
	return fd;
#else
	(void)dir;
	return -1;
#endif
}

/* Until FD (a watch) reads ready or LEFT seconds have passed. */
static void
wait_change(int fd, double left)
{
	struct timespec ts = { 0, 100000 };
	struct pollfd p;
	char buf[4096];

	if (fd == -1) {
		nanosleep(&ts, NULL);
		return;
	}
	p.fd = fd, p.events = POLLIN;
	if (poll(&p, 1, (int)(left * 1000) + 1) > 0)
		while (read(fd, buf, sizeof buf) > 0)
			;
}

/*
 * The state of record ID in FILE: 0 there without exit= (or no FILE),
 * 1 there with exit=, 2 not in FILE.
 */
static int
state(const char *file, const char *id)
{
	static char buf[1 << 20];
	char *line, *next, *f;
	size_t idlen = strlen(id);
	ssize_t len = 0, n;
	int fd, i;

	if ((fd = open(file, O_RDONLY)) == -1) {
		if (errno != ENOENT)
			fail(file);
		return 0;	/* between two names of a write: look again */
	}
	while (len < (ssize_t)sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (line = buf; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			*next++ = '\0';
		/* The id is the 7th field; attributes follow. */
		for (f = line, i = 1; i < 7 && f != NULL; i++)
			if ((f = strchr(f, '\t')) != NULL)
				f++;
		if (f == NULL || strncmp(f, id, idlen) != 0 ||
		    (f[idlen] != '\t' && f[idlen] != '\0'))
			continue;
		return strstr(f, "\texit=") != NULL;
	}
	return 2;
}

/*
 * The owner: PRSPAWN run and waited for, its status (0: started) on
 * FD, then nothing until SIGKILL.
 */
static void
owner(int fd, const char **argv)
{
	int st, null;
	unsigned char c;
	pid_t p;

	if ((p = fork()) == -1)
		_exit(3);
	if (p == 0) {
		if ((null = open("/dev/null", O_RDWR)) != -1)
			dup2(null, 0), dup2(null, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	while (waitpid(p, &st, 0) == -1 && errno == EINTR)
		;
	c = (unsigned char)(WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	if (write(fd, &c, 1) != 1 || c != 0)
		_exit(3);
	for (;;)
		pause();
}

/* One run: the time from the owner's SIGKILL to the record's end, s. */
static double
run(int n, const char *file, int w, char **cmd, int argc)
{
	const char *argv[65 + 10];
	char id[32];
	int p[2], i = 0, st;
	unsigned char c;
	double t0;
	pid_t o;

	snprintf(id, sizeof id, "life.%d", n);
	argv[i++] = cmd[0];
	argv[i++] = "-r", argv[i++] = file;
	argv[i++] = "-s", argv[i++] = "life";
	argv[i++] = "-i", argv[i++] = id;
	argv[i++] = "-L", argv[i++] = "--";
	for (st = 1; st < argc; st++)
		argv[i++] = cmd[st];
	argv[i] = NULL;

	/* Close-on-exec: prspawn and what it starts hold no end of it. */
	if (pipe(p) == -1 || fcntl(p[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1)
		fail("pipe");
	if ((o = fork()) == -1)
		fail("fork");
	if (o == 0) {
		close(p[0]);
		owner(p[1], argv);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 3;
	close(p[0]);
	if (c != 0) {
		fprintf(stderr, "lifeline: %s exited %d\n", cmd[0], c);
		kill(o, SIGKILL);
		waitpid(o, NULL, 0);
		exit(4);
	}
	if (state(file, id) != 0) {
		fprintf(stderr, "lifeline: %s: no record %s after a start\n",
		    file, id);
		exit(3);
	}

	t0 = now();
	kill(o, SIGKILL);
	while (waitpid(o, NULL, 0) == -1 && errno == EINTR)
		;
	while (state(file, id) == 0 && now() - t0 < TIMEOUT)
		wait_change(w, TIMEOUT - (now() - t0));
	return now() - t0;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
	static double t[MAXRUNS];
	char dir[4096], *slash;
	int runs, i, w, ended = 0;

	if (argc < 5 || argc > 3 + 65 || (runs = atoi(argv[1])) < 1 ||
	    runs > MAXRUNS) {
		fprintf(stderr, "usage: lifeline RUNS FILE PRSPAWN COMMAND "
		    "[ARG...]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s", argv[2]);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		*slash = '\0';
	w = watch(dir);
	for (i = 0; i < runs && (i < GIVEUP || ended > 0); i++) {
		t[i] = run(i + 1, argv[2], w, argv + 3, argc - 3);
		ended += t[i] < TIMEOUT;
	}
	runs = i;
	qsort(t, (size_t)runs, sizeof t[0], cmp);
	printf("%.3f %.3f %.3f %d %d\n", (t[(runs - 1) / 2] + t[runs / 2]) /
	    2 * 1000, t[0] * 1000, t[runs - 1] * 1000, ended, runs);
	return 0;
}
