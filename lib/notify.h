/*
 * notify.h - readiness the systemd way (prspawn -N notify; SPEC 6), as
 * start-stop-daemon --notify-await waits for it: the command gets
 * NOTIFY_SOCKET, the path of a datagram socket (AF_UNIX) in a directory
 * of our own, mode 0700, so that only our uid reaches it, and the
 * kernel's credentials of each datagram (SO_PASSCRED) say who sent it.
 * A datagram is ready when one of its newline-separated assignments is
 * READY=1 and its sender is one of the record's processes: under a
 * keeper, a descendant of the keeper or one in its cgroup; without one,
 * the command, a member of its process group, a descendant of it or of
 * ours, what carries its marker or is in its cgroup.  Anything else is
 * ignored, and so is a sender gone before it is looked at (its ancestry
 * unproven).
 *
 * notify_open() makes the socket and returns its descriptor (close on
 * exec), the command's environment entry NOTIFY_SOCKET=PATH in *ENV; the socket and its directory are removed
 * when the program exits, whatever ends it, or by notify_close().
 * notify_look() is spawn_ready()'s look at it.  Linux only: elsewhere
 * notify_open() fails (ENOSYS).
 */
#ifndef PRREG_NOTIFY_H
#define PRREG_NOTIFY_H

#include <sys/types.h>

#include "mark.h"
#include "regfile.h"

#define NOTIFY_VAR "NOTIFY_SOCKET"

/* Who may say it is ready: the record's processes. */
struct notify_from {
	pid_t pid;		/* the command, leading its group */
	pid_t keeper;		/* its keeper, or 0 */
	char mark[MARK_MAX];	/* its marker, or "" */
	const char *cg;		/* its cgroup, or NULL */
};

int notify_open(const char **env);
void notify_uncatch(void);
int notify_look(int fd, void *from);
void notify_close(void);

#endif
