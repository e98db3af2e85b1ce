/* pidfile.c - read and write "PID [TOKEN]" pid files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "atomic.h"
#include "fmt.h"
#include "msg.h"
#include "pidfile.h"
#include "regfile.h"

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

/* 1 read, 0 no such file, -1 malformed, -2 error (kept with fail()). */
int
pidfile_read(const char *path, pid_t *pid, char token[TOKEN_MAX + 1])
{
	long long mtime_ns;

	return pidfile_read_at(path, pid, token, &mtime_ns);
}

/*
 * As pidfile_read(), and when the file was last written, in *MTIME_NS
 * (nanoseconds since the epoch), of the file that was read: a plain pid
 * file is told from a later process by it (prpidcheck -f).
 */
int
pidfile_read_at(const char *path, pid_t *pid, char token[TOKEN_MAX + 1],
    long long *mtime_ns)
{
	char buf[256];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		fail_sys(PR_SYS, "%s: cannot open", path);
		return -2;
	}
	if (fstat(fd, &st) == -1) {
		fail_sys(PR_SYS, "%s: cannot read", path);
		close(fd);
		return -2;
	}
	*mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
	    st.st_mtim.tv_nsec;
	/* PID and token fit in far less: what is past them is ignored. */
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail_sys(PR_SYS, "%s: cannot read", path);
			close(fd);
			return -2;
		}
		if (n == 0 || memchr(buf + len, '\n', (size_t)n) != NULL) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	return pidfile_parse(buf, len, pid, token) ? 1 : -1;
}

/* Atomically, as the registry is written (atomic.h), mode 0644. */
int
pidfile_write(const char *path, pid_t pid, const char *token)
{
	char dir[PATH_LEN], line[96];
	const char *base;
	struct atomic a;
	int dirfd, n, rc;

	if (strlen(path) >= PATH_LEN)
		return fail(PR_USAGE, "%s: pid file path too long", path);
	path_split(path, dir, &base);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return fail_sys(PR_SYS, "%s" TMP_SUFFIX ": cannot create", path);
	/* No token: the plain form, for a daemon that reads the file. */
	n = token != NULL ? fmt_snprintf(line, sizeof line, "%ld %s\n",
	    (long)pid, token) : fmt_snprintf(line, sizeof line, "%ld\n",
	    (long)pid);
	rc = atomic_open(&a, dirfd, base, path, 0644) == -1 ||
	    atomic_write(&a, line, (size_t)n) == -1 ||
	    atomic_commit(&a, base) == -1 ? -1 : 0;
	close(dirfd);
	return rc;
}
