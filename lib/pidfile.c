/* pidfile.c - read and write "PID [TOKEN]" pid files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "msg.h"
#include "pidfile.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
eol(const char *p, const char *end)
{
	return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end ||
	    p[1] == '\n'));
}

/* Returns 1 with PID and TOKEN ("" when absent), 0 when malformed. */
int
pidfile_parse(const char *buf, size_t len, pid_t *pid,
    char token[TOKEN_MAX + 1])
{
	const char *p = buf, *end = buf + len, *q;

	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (!pid_parse(p, q - p, pid))
		return 0;
	token[0] = '\0';
	if (eol(q, end))
		return 1;
	if (!blank(*q))
		return 0;
	for (p = q; p < end && blank(*p); p++)
		;
	if (eol(p, end))
		return 1;	/* trailing blanks */
	for (q = p; q < end && !blank(*q) && !eol(q, end); q++)
		;
	if (!token_ok(p, q - p))
		return 0;
	memcpy(token, p, q - p);
	token[q - p] = '\0';
	return 1;
}

/* 1 read, 0 no such file, -1 malformed; other errors end the program. */
int
pidfile_read(const char *path, pid_t *pid, char token[TOKEN_MAX + 1])
{
	char buf[256];
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		die_sys(PR_SYS, "%s: cannot open", path);
	}
	/* PID and token fit in far less: what is past them is ignored. */
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die_sys(PR_SYS, "%s: cannot read", path);
		if (n == 0 || memchr(buf + len, '\n', (size_t)n) != NULL) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	return pidfile_parse(buf, len, pid, token) ? 1 : -1;
}

/* Atomically: a mkstemp file in the same directory, renamed over PATH. */
void
pidfile_write(const char *path, pid_t pid, const char *token)
{
	char tmp[4096], line[96];
	int fd, n;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp)
		die(PR_USAGE, "%s: pid file path too long", path);
	if ((fd = mkstemp(tmp)) == -1)
		die_sys(PR_SYS, "%s: cannot create", tmp);
	n = snprintf(line, sizeof line, "%ld %s\n", (long)pid, token);
	if (write(fd, line, (size_t)n) != n || fchmod(fd, 0644) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		int e = errno;

		unlink(tmp);
		errno = e;
		die_sys(PR_SYS, "%s: cannot write pid file", path);
	}
}
