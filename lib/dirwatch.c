/* dirwatch.c - wake when a directory's file is replaced (dirwatch.h). */
#include <errno.h>

#include "dirwatch.h"

#if defined(__linux__) && !defined(PRREG_NO_PROCFS)

#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define DW_EVENTS (IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
	IN_DELETE_SELF | IN_MOVE_SELF)

/*
 * A descriptor that poll() wakes when a file of DIR comes or goes; -1 if
 * none.  DIR is watched by name: it must still be DIRFD, the directory
 * the registry was opened in, once the watch is set.
 */
int
dw_open(const char *dir, int dirfd)
{
	struct stat a, b;
	int fd;

	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(fd, dir, DW_EVENTS | IN_ONLYDIR |
	    IN_DONT_FOLLOW) == -1 || lstat(dir, &a) == -1 ||
	    fstat(dirfd, &b) == -1 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/*
 * Drains what FD has seen: 1 when NAME came or went (or the watch was
 * lost, or events overflowed: look again), else 0.
 */
int
dw_changed(int fd, const char *name)
{
	union {
		struct inotify_event align;
		char b[4096];
	} buf;
	const struct inotify_event *ev;
	int changed = 0;
	ssize_t got;
	char *p;

	while ((got = read(fd, buf.b, sizeof buf.b)) > 0)
		for (p = buf.b; p < buf.b + got; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED |
			    IN_DELETE_SELF | IN_MOVE_SELF) ||
			    (ev->len > 0 && strcmp(ev->name, name) == 0))
				changed = 1;
		}
	return changed;
}

#else

int dw_open(const char *dir, int dirfd)
{
	(void)dir, (void)dirfd;
	errno = ENOSYS;
	return -1;
}

int dw_changed(int fd, const char *name)
{
	(void)fd, (void)name;
	return 1;
}

#endif
