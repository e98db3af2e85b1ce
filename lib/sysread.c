/* sysread.c - a small file, or a command's output, into a buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "env.h"
#include "sysread.h"

static ssize_t
read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == -1)
				return -1;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t
read_small(const char *path, char *buf, size_t size)
{
	return read_at(AT_FDCWD, path, buf, size);
}

/*
 * PATH relative to DIRFD, in one read(2): a procfs file comes whole in
 * one read when BUF can hold it.  NUL-terminated.
 */
ssize_t
read_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	while ((n = read(fd, buf, size - 1)) == -1 && errno == EINTR)
		;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Run ARGV[0] (found on PATH) with LC_ALL=C; its stdout into BUF. */
ssize_t
run_read(char *const argv[], char *buf, size_t size)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		close(p[0]), close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null;

		/* Its own pipe ends first: at a low limit /dev/null needs one. */
		dup2(p[1], 1);
		if (p[0] != 1)
			close(p[0]);
		if (p[1] != 1)
			close(p[1]);
		null = open("/dev/null", O_RDWR);
		if (null != -1)
			dup2(null, 0), dup2(null, 2);
		/* Output alike whatever the caller's locale and time zone. */
		env_set("LC_ALL", "C");
		env_set("TZ", "UTC0");
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	n = read_fd(p[0], buf, size);
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return n;
}
