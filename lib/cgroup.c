/* cgroup.c - a cgroup v2 of a record's own: make, join, look, kill, remove. */
#define _DEFAULT_SOURCE		/* statfs(2), d_type */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "clock.h"
#include "fmt.h"
#include "msg.h"
#include "sysread.h"
#include "word.h"

#define CG_PREFIX "prreg-"

#if defined(__linux__) && !defined(PRREG_NO_PROCFS)
#include <sys/vfs.h>

#define CGROUP2_MAGIC 0x63677270	/* "cgrp" */

static int
is_cgroup2(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 &&
	    (unsigned long)sf.f_type == CGROUP2_MAGIC;
}

/*
 * The mount point of the first cgroup2 file system in mountinfo, whose
 * lines are "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE SRC ...",
 * the mount point with \NNN for blanks (such a point is no WORD, and is
 * refused by the caller).
 */
static int
cg_mount(char mnt[PATH_LEN])
{
	static char buf[1 << 16];
	char *line, *next, *dash, *p;
	size_t n;
	int i;

	if (read_small("/proc/self/mountinfo", buf, sizeof buf) <= 0)
		return fail_sys(PR_SYS, "-c: /proc/self/mountinfo: cannot "
		    "read");
	for (line = buf; *line != '\0'; line = next) {
		next = line + span_to(line, '\n');
		if (*next == '\n')
			*next++ = '\0';
		if ((dash = fmt_strstr(line, " - cgroup2 ")) == NULL)
			continue;
		for (p = line, i = 0; i < 4; i++) {	/* to the fifth field */
			p += strspn(p, " ");
			p += span_to(p, ' ');
		}
		p += strspn(p, " ");
		if ((n = span_to(p, ' ')) == 0 || n >= PATH_LEN)
			continue;
		memcpy(mnt, p, n);
		mnt[n] = '\0';
		return 0;
	}
	errno = ENOENT;
	return fail(PR_SYS, "-c: no cgroup2 file system is mounted "
	    "(/proc/self/mountinfo); set PRREG_CGROUP");
}

int
cg_root(char root[PATH_LEN])
{
	const char *env = getenv("PRREG_CGROUP");
	char mnt[PATH_LEN];

	if (env != NULL && *env != '\0') {
		if (strlen(env) >= PATH_LEN - 64 || env[0] != '/')
			return fail(PR_USAGE, "PRREG_CGROUP: want the absolute "
			    "path of a cgroup v2 directory");
		fmt_snprintf(root, PATH_LEN, "%s", env);
	} else if (geteuid() == 0) {
		if (cg_mount(mnt) == -1)
			return -1;
		if (fmt_snprintf(root, PATH_LEN, "%s/prreg", mnt) >= PATH_LEN)
			return fail(PR_SYS, "-c: %s: path too long", mnt);
		if (mkdir(root, 0755) == -1 && errno != EEXIST)
			return fail_sys(PR_SYS, "-c: %s: cannot create", root);
	} else {
		return fail(PR_SYS, "-c: no cgroup to make one in: set "
		    "PRREG_CGROUP to a cgroup v2 directory delegated to uid %lu",
		    (unsigned long)geteuid());
	}
	if (!word_ok(root, strlen(root)))
		return fail(PR_SYS, "-c: %s: a cgroup path must be a WORD of "
		    "prreg(5)", root);
	if (!is_cgroup2(root))
		return fail(PR_SYS, "-c: %s: not a cgroup v2 directory", root);
	return 0;
}

/* A new cgroup under ROOT, prreg-PID-STAMP: never one that exists. */
int
cg_make(const char *root, char path[PATH_LEN])
{
	int tries;

	for (tries = 0; tries < 10; tries++) {
		if (fmt_snprintf(path, PATH_LEN, "%s/" CG_PREFIX "%ld-%llx",
		    root, (long)getpid(), (unsigned long long)now_ns()) >=
		    PATH_LEN)
			return fail(PR_SYS, "-c: %s: path too long", root);
		if (mkdir(path, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	return fail_sys(PR_SYS, "-c: %s: cannot create", path);
}

/* FILE of the cgroup PATH, opened with FLAGS. */
static int
cg_open(const char *path, const char *file, int flags)
{
	char p[PATH_LEN + 32];

	fmt_snprintf(p, sizeof p, "%s/%s", path, file);
	return open(p, flags | O_CLOEXEC);
}

/* VALUE into FILE of the cgroup PATH (one write, as the kernel wants). */
int
cg_write(const char *path, const char *file, const char *value)
{
	int fd = cg_open(path, file, O_WRONLY), rc, e;
	size_t len = strlen(value);

	if (fd == -1)
		return -1;
	rc = write(fd, value, len) == (ssize_t)len ? 0 : -1;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* FILE of the cgroup PATH into BUF, NUL-ended, without its last LF. */
int
cg_read(const char *path, const char *file, char *buf, size_t size)
{
	char p[PATH_LEN + 32];
	ssize_t n;

	fmt_snprintf(p, sizeof p, "%s/%s", path, file);
	if ((n = read_small(p, buf, size)) < 0)
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* cgroup.procs, open for the child to write itself into before exec. */
int
cg_procs_fd(const char *path)
{
	int fd = cg_open(path, "cgroup.procs", O_WRONLY);

	if (fd == -1)
		return fail_sys(PR_SYS, "-c: %s/cgroup.procs: cannot open",
		    path);
	return fd;
}

/* A name cg_make() makes: prreg-DIGITS-HEX. */
static int
our_name(const char *path)
{
	const char *b = strrchr(path, '/'), *p;

	if (b == NULL || strncmp(++b, CG_PREFIX, sizeof CG_PREFIX - 1) != 0)
		return 0;
	p = b + sizeof CG_PREFIX - 1;
	if (*p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '-' || *p == '\0')
		return 0;
	return strspn(p, "0123456789abcdef") == strlen(p);
}

int
cg_ours(const char *path)
{
	struct stat st;

	return path[0] == '/' && our_name(path) && lstat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_uid == geteuid() && is_cgroup2(path);
}

/* 1 when a process lives in PATH or below, 0 when not, -1 unreadable. */
int
cg_populated(const char *path)
{
	char p[PATH_LEN + 32], buf[256], *v;

	fmt_snprintf(p, sizeof p, "%s/cgroup.events", path);
	if (read_small(p, buf, sizeof buf) <= 0)
		return errno == ENOENT ? 0 : -1;
	if ((v = fmt_strstr(buf, "populated ")) == NULL)
		return -1;
	return v[10] == '1';
}

/*
 * 1 when the memory limit of PATH killed a process in it or below
 * (memory.events: oom_kill above 0), 0 when not (or no memory
 * controller there), -1 unreadable.
 */
int
cg_oom(const char *path)
{
	char buf[512], *v;
	unsigned long long n = 0;

	if (cg_read(path, "memory.events", buf, sizeof buf) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((v = fmt_strstr(buf, "oom_kill ")) == NULL)
		return 0;
	return num_next(v + 9, &n) != NULL && n > 0;
}

/* cgroup.events, to poll(2) for POLLPRI: it changes when emptied. */
int
cg_events_fd(const char *path)
{
	return cg_open(path, "cgroup.events", O_RDONLY);
}

/*
 * The names of the cgroups right below PATH (its subdirectories), as
 * one block of NUL-terminated names in *NAMES, *LEN bytes; read whole and
 * the directory closed before any is visited, so that a walk holds no
 * descriptor per level.  -1 when PATH cannot be read (gone: none).
 */
static int
children(const char *path, char **names, size_t *len)
{
	size_t cap = 0, n;
	struct dirent *de;
	DIR *d;

	*names = NULL, *len = 0;
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(de->d_name) + 1;
		if (*len + n > cap) {
			char *p = realloc(*names, cap = (*len + n) * 2);

			if (p == NULL) {
				closedir(d);
				free(*names);
				*names = NULL;
				return -1;
			}
			*names = p;
		}
		memcpy(*names + *len, de->d_name, n);
		*len += n;
	}
	closedir(d);
	return 0;
}

/*
 * FN(DIR, ARG) for the cgroup in PATH (PLEN bytes long; the names of
 * those below are put after it, and taken off again) and every cgroup
 * below it: each before its children, or (POST) after them, so that a
 * removal goes bottom up.  Stops at the first FN that returns -1, and
 * returns -1; a subtree that cannot be listed is -1 too, kept with
 * fail_sys().  One path for all levels: a deep tree costs no stack.
 */
static int
walk_in(char path[PATH_LEN], size_t plen, int post,
    int (*fn)(const char *, void *), void *arg)
{
	size_t len, off, n;
	char *names;
	int rc = 0;

	if (!post && fn(path, arg) == -1)
		return -1;
	if (children(path, &names, &len) == -1)
		return fail_sys(PR_SYS, "%s: cannot list", path);
	for (off = 0; rc == 0 && off < len; off += n + 1) {
		n = strlen(names + off);
		if (plen + 1 + n >= PATH_LEN) {
			rc = fail(PR_SYS, "%s: path too long", path);
			break;
		}
		path[plen] = '/';
		memcpy(path + plen + 1, names + off, n + 1);
		rc = walk_in(path, plen + 1 + n, post, fn, arg);
		path[plen] = '\0';
	}
	free(names);
	if (rc == 0 && post && fn(path, arg) == -1)
		return -1;
	return rc;
}

static int
walk(const char *path, int post, int (*fn)(const char *, void *), void *arg)
{
	char p[PATH_LEN];

	if (fmt_snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
		return fail(PR_SYS, "%s: path too long", path);
	return walk_in(p, strlen(p), post, fn, arg);
}

struct pids {
	pid_t *pids;
	size_t max, n;
};

/* One line of cgroup.procs, LEN bytes at LINE: its pid, added to A. */
static void
add_pid(struct pids *a, const char *line, size_t len)
{
	pid_t pid;

	if (!pid_parse(line, len, &pid))
		return;
	if (a->n < a->max)
		a->pids[a->n] = pid;
	a->n++;
}

/*
 * The pids in one cgroup's cgroup.procs, added to ARG (struct pids): read
 * by the page, not with stdio, which a static binary would carry for
 * this alone; a line the buffer ends in waits there for the next read.
 */
static int
add_pids(const char *path, void *arg)
{
	char buf[4096], *line, *nl;
	size_t have = 0;
	ssize_t n;
	int fd;

	if ((fd = cg_open(path, "cgroup.procs", O_RDONLY)) == -1)
		return 0;
	while ((n = read(fd, buf + have, sizeof buf - have)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		have += (size_t)n;
		for (line = buf; (nl = memchr(line, '\n', have - (size_t)(line -
		    buf))) != NULL; line = nl + 1)
			add_pid(arg, line, (size_t)(nl - line));
		have -= (size_t)(line - buf);
		/* A line as long as the buffer is no pid: it goes. */
		have = have == sizeof buf ? 0 : have;
		memmove(buf, line, have);
	}
	if (have > 0)
		add_pid(arg, buf, have);
	close(fd);
	return 0;
}

/*
 * The pids in PATH and every cgroup below it, at most MAX into PIDS; how
 * many there are.
 */
size_t
cg_pids(const char *path, pid_t *pids, size_t max)
{
	struct pids a = { pids, max, 0 };

	walk(path, 0, add_pids, &a);
	return a.n;
}

/* SIGKILL to all of PATH at once (cgroup.kill, Linux 5.14); -1 without. */
int
cg_kill(const char *path)
{
	int fd = cg_open(path, "cgroup.kill", O_WRONLY), rc;

	if (fd == -1)
		return -1;
	rc = write(fd, "1", 1) == 1 ? 0 : -1;
	close(fd);
	return rc;
}

/* One empty cgroup goes; one that is gone already is no error. */
static int
remove_one(const char *path, void *arg)
{
	(void)arg;
	if (rmdir(path) == -1 && errno != ENOENT)
		return fail_sys(PR_SYS, "%s: cannot remove", path);
	return 0;
}

/*
 * The empty cgroup PATH goes, with every cgroup the command made below
 * it, bottom up (a cgroup with children cannot be removed: EBUSY).  -1,
 * with the one that could not be removed kept (fail_sys()), when any
 * stays.
 */
int
cg_remove(const char *path)
{
	return walk(path, 1, remove_one, NULL);
}

/* Whether PID's cgroup (/proc/PID/cgroup, "0::/REL") is PATH or below. */
int
cg_contains(const char *path, pid_t pid)
{
	static char mnt[PATH_LEN];
	char p[64], buf[PATH_LEN], *rel;
	size_t len;

	if (mnt[0] == '\0' && cg_mount(mnt) == -1)
		return 0;
	fmt_snprintf(p, sizeof p, "/proc/%ld/cgroup", (long)pid);
	if (read_small(p, buf, sizeof buf) <= 0 ||
	    (rel = fmt_strstr(buf, "0::")) == NULL)
		return 0;
	rel += 3;
	rel[span_to(rel, '\n')] = '\0';
	len = strlen(mnt);
	if (strncmp(path, mnt, len) != 0)
		return 0;
	path += len;
	len = strlen(path);
	return strncmp(rel, path, len) == 0 && (rel[len] == '\0' ||
	    rel[len] == '/');
}

#else

int cg_root(char root[PATH_LEN]) { (void)root; errno = ENOSYS;
	return fail(PR_SYS, "-c: no cgroup v2 on this system"); }
int cg_make(const char *root, char path[PATH_LEN]) { (void)root;
	(void)path; errno = ENOSYS; return -1; }
int cg_procs_fd(const char *path) { (void)path; errno = ENOSYS; return -1; }
int cg_write(const char *path, const char *file, const char *value) {
	(void)path; (void)file; (void)value; errno = ENOSYS; return -1; }
int cg_read(const char *path, const char *file, char *buf, size_t size) {
	(void)path; (void)file; (void)buf; (void)size; errno = ENOSYS;
	return -1; }
int cg_ours(const char *path) { (void)path; return 0; }
int cg_populated(const char *path) { (void)path; return -1; }
int cg_oom(const char *path) { (void)path; return 0; }
int cg_events_fd(const char *path) { (void)path; errno = ENOSYS; return -1; }
size_t cg_pids(const char *path, pid_t *pids, size_t max) { (void)path;
	(void)pids; (void)max; return 0; }
int cg_kill(const char *path) { (void)path; errno = ENOSYS; return -1; }
int cg_remove(const char *path) { (void)path; return 0; }
int cg_contains(const char *path, pid_t pid) { (void)path; (void)pid;
	return 0; }

#endif
