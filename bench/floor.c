/*
 * floor.c - a baseline for `make bench`: what prreg(5)'s write protocol
 * costs by itself, with a start, and no parsing at all.
 *
 *	floor FILE COMMAND [ARG...]
 *
 * Takes the fcntl lock on FILE.lock, reads FILE whole, starts COMMAND in a
 * session of its own and waits until it has been executed (a close-on-exec
 * pipe), appends one line, writes the lot to a mkstemp file beside FILE
 * and renames it over FILE.  It checks nothing and records nothing a tool
 * could trust: prspawn's cost above it is the reading, checking and
 * indexing of the records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static void
fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(3);
}

int
main(int argc, char *argv[])
{
	char path[4096], tmp[4096], *buf, e;
	struct flock fl;
	struct stat st;
	ssize_t n, len;
	int fd, p[2];
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: floor FILE COMMAND [ARG...]\n");
		return 2;
	}
	snprintf(path, sizeof path, "%s.lock", argv[1]);
	if ((fd = open(path, O_RDWR | O_CREAT, 0600)) == -1)
		fail(path);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLKW, &fl) == -1)
		fail("lock");

	if ((fd = open(argv[1], O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		fail(argv[1]);
	if ((buf = malloc((size_t)st.st_size + 128)) == NULL)
		fail("malloc");
	for (len = 0; len < st.st_size; len += n)
		if ((n = read(fd, buf + len, (size_t)(st.st_size - len))) <= 0)
			fail("read");
	close(fd);

	if (pipe(p) == -1 || fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1)
		fail("pipe");
	if ((pid = fork()) == -1)
		fail("fork");
	if (pid == 0) {
		setsid();
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &e, 1) != 0)
		fail("exec");

	len += sprintf(buf + len, "%ld\t%ld\tproc\t-\t"
	    "2026-01-01T00:00:00.000Z\t-\tproc:-:%ld\n", (long)pid, (long)pid,
	    (long)pid);
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", argv[1]);
	if ((fd = mkstemp(tmp)) == -1 || write(fd, buf, (size_t)len) != len ||
	    close(fd) == -1 || rename(tmp, argv[1]) == -1)
		fail(tmp);
	return 0;
}
