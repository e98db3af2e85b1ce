/*
 * floor.c - a baseline for `make bench`: what prreg(5)'s write protocol
 * costs by itself, with a start, and no parsing at all.
 *
 *	floor [-k] FILE COMMAND [ARG...]
 *
 * Takes the fcntl lock on FILE.lock, reads FILE whole, starts COMMAND in a
 * session of its own and waits until it has been executed (a close-on-exec
 * pipe), appends one line, writes the lot to a mkstemp file beside FILE
 * and renames it over FILE.  It checks nothing and records nothing a tool
 * could trust: prspawn's cost above it is the reading, checking and
 * indexing of the records.
 *
 * With -k, as a keeper starts it: COMMAND is started by a middle process
 * of its own session, with vfork(2), which says so once it has been
 * executed; it holds FILE as read (so that the rename does not free it)
 * till we have written and exited, then waits for COMMAND and, as a
 * keeper writes a record's end, writes FILE again the same way (lock,
 * read, rename) before it exits.  prspawn's cost above that is its own,
 * not the keeper's design.
 */
#define _DEFAULT_SOURCE		/* vfork(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void
fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(3);
}

/*
 * FILE.lock locked, and FILE read whole into *BUF (room for a line more);
 * FILE kept open in *KEEP when not NULL.
 */
static ssize_t
lock_read(const char *file, char **buf, int *keep)
{
	char path[4096];
	struct flock fl;
	struct stat st;
	ssize_t n, len;
	int fd;

	snprintf(path, sizeof path, "%s.lock", file);
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) == -1)
		fail(path);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLKW, &fl) == -1)
		fail("lock");
	if ((fd = open(file, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		fail(file);
	if ((*buf = malloc((size_t)st.st_size + 128)) == NULL)
		fail("malloc");
	for (len = 0; len < st.st_size; len += n)
		if ((n = read(fd, *buf + len, (size_t)(st.st_size - len))) <= 0)
			fail("read");
	if (keep != NULL)
		*keep = fd;
	else
		close(fd);
	return len;
}

/* BUF's LEN bytes to a temporary file beside FILE, renamed over it. */
static void
publish(const char *file, const char *buf, ssize_t len)
{
	char tmp[4096];
	int fd;

	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", file);
	if ((fd = mkstemp(tmp)) == -1 || write(fd, buf, (size_t)len) != len ||
	    close(fd) == -1 || rename(tmp, file) == -1)
		fail(tmp);
}

/*
 * ARGV started in a session of its own; its pid once it has executed.
 * With BORROW, by vfork(2), as a keeper starts its command.
 */
static pid_t
start(char *argv[], int borrow)
{
	pid_t pid;
	int p[2];
	char e;

	if (pipe(p) == -1 || fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1)
		fail("pipe");
	if ((pid = borrow ? vfork() : fork()) == -1)
		fail("fork");
	if (pid == 0) {
		setsid();
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &e, 1) != 0)
		fail("exec");
	close(p[0]);
	return pid;
}

/*
 * -k: the middle, between our fork and its exit; says the pid on FD, and
 * lets go of OLD (FILE as we read it) at FD's end (our exit).
 */
static void
middle(int fd, int old, const char *file, char *argv[])
{
	pid_t pid;
	char *buf, c;
	ssize_t len;

	setsid();
	pid = start(argv, 1);
	if (write(fd, &pid, sizeof pid) != sizeof pid)
		_exit(3);
	while (read(fd, &c, 1) == -1 && errno == EINTR)
		;
	close(fd);
	close(old);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	len = lock_read(file, &buf, NULL);
	publish(file, buf, len);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	int keeper = argc > 1 && strcmp(argv[1], "-k") == 0, p[2], old = -1;
	char *buf;
	ssize_t len;
	pid_t pid;

	argv += keeper, argc -= keeper;
	if (argc < 3) {
		fprintf(stderr, "usage: floor [-k] FILE COMMAND [ARG...]\n");
		return 2;
	}
	len = lock_read(argv[1], &buf, keeper ? &old : NULL);
	if (!keeper) {
		pid = start(argv + 2, 0);
	} else {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p) == -1)
			fail("socketpair");
		if ((pid = fork()) == -1)
			fail("fork");
		if (pid == 0) {
			close(p[0]);
			middle(p[1], old, argv[1], argv + 2);
		}
		close(p[1]);
		close(old);
		if (read(p[0], &pid, sizeof pid) != sizeof pid)
			fail("the middle's report");
	}
	len += sprintf(buf + len, "%ld\t%ld\tproc\t-\t"
	    "2026-01-01T00:00:00.000Z\t-\tproc:-:%ld\n", (long)pid, (long)pid,
	    (long)pid);
	publish(argv[1], buf, len);
	return 0;
}
