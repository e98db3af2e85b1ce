/*
 * prepare.c - prspawn(1)'s first phase: what can be refused before the
 * registry's lock is taken and anything starts (the owner of -O and -L,
 * -o's file, -d's directory, -N's pipe, the registry, -c's cgroup, -w's
 * subreaper).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "arg.h"
#include "cgroup.h"
#include "fmt.h"
#include "mark.h"
#include "msg.h"
#include "notify.h"
#include "reaper.h"
#include "start.h"

/*
 * -d DIR, and -o's directory: opened now, so a bad one is refused before
 * a start (SHOWN: as the option names it); its status in *ST.
 */
static int
open_dir(const char *dir, const char *shown, struct stat *st)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return fail_sys(errno == ENOENT || errno == ENOTDIR ||
		    errno == ELOOP || errno == ENAMETOOLONG ? PR_USAGE : PR_SYS,
		    "%s: cannot open", shown);
	if (fstat(fd, st) == 0)
		return fd;
	fail_sys(PR_SYS, "%s: cannot stat", shown);
	close(fd);
	return -1;
}

/* -d DIR, where the command is to run. */
static int
open_cwd(const char *path)
{
	char shown[PATH_LEN + 8];
	struct stat st;

	fmt_snprintf(shown, sizeof shown, "-d: %s", arg_shown(path));
	return open_dir(path, shown, &st);
}

/*
 * -o FILE, opened now as the registry's files are (never through a
 * symbolic link, never blocking on a FIFO), in its directory opened
 * first: a regular file, or a character device (-o /dev/null; only root
 * makes one), never one of another user in a directory others may put
 * files in (sticky as /tmp, or writable by group or others, sticky or
 * not: planted there for us to write into).
 */
static int
open_out(const char *path)
{
	char dir[PATH_LEN], shown[PATH_LEN + 8];
	const char *base;
	struct stat ds, st;
	int dirfd, fd;

	fmt_snprintf(shown, sizeof shown, "-o: %s", arg_shown(path));
	if (strlen(path) >= PATH_LEN)
		return fail(PR_USAGE, "%s: path too long", shown);
	path_split(path, dir, &base);
	if ((dirfd = open_dir(dir, shown, &ds)) == -1)
		return -1;
	fd = *base == '\0' ? fail(PR_USAGE, "%s: not a file", shown) :
	    open_nofollow(dirfd, base, shown, O_WRONLY | O_APPEND | O_CREAT,
	    &st);
	close(dirfd);
	if (fd == -1)
		return -1;
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		fail(PR_SYS, "%s: unsafe file: not a regular file", shown);
	else if ((ds.st_mode & (MODE_STICKY | S_IWGRP | S_IWOTH)) &&
	    st.st_uid != geteuid())
		fail(PR_SYS, "%s: unsafe file: owned by uid %lu, not %lu, in a "
		    "%s directory", shown, (unsigned long)st.st_uid,
		    (unsigned long)geteuid(), ds.st_mode & MODE_STICKY ?
		    "sticky" : "shared");
	else {
		fd_blocking(fd);
		return fd;
	}
	close(fd);
	return -1;
}

/* -c: a cgroup of the command's own, made before anything starts. */
static int
make_cgroup(struct start *st)
{
	char root[PATH_LEN];

	if (cg_root(root) == -1 || limits_enable(root, &st->lim) == -1 ||
	    cg_make(root, st->cg) == -1) {
		st->cg[0] = '\0';	/* none made: none to remove */
		return -1;
	}
	if (limits_apply(st->cg, &st->lim) == -1 ||
	    (st->o.cgfd = cg_procs_fd(st->cg)) == -1)
		return -1;
	return 0;
}

/* Everything that can be refused before the registry's lock is taken. */
int
start_prepare(struct start *st)
{
	if (reg_path_ok(st->ropt) == -1)	/* before -o's file is made */
		return -1;
	if (owner_take(&st->owner, st->owner_pid) == -1)
		return -1;
	if (st->lifeline && st->owner.pid == 0)
		return fail(PR_USAGE, "-L: no owner: the parent cannot be seen "
		    "from here; name one with -O PID");
	st->s.lifeline = st->lifeline ? &st->owner : NULL;
	if (st->out != NULL && (st->o.outfd = open_out(st->out)) == -1)
		return -1;
	if (st->dir != NULL && (st->o.dirfd = open_cwd(st->dir)) == -1)
		return -1;
	if (st->notify != -1 &&
	    (st->ready = spawn_notify(&st->o, st->notify)) == -1)
		return -1;
	if (st->sdnotify && (st->ready = notify_open(&st->o.notify_env)) == -1)
		return -1;
	st->o.mark = MARK_GIVEN;
	if (reg_open(&st->reg, st->ropt, 1) == -1)
		return -1;
	reg_lock_wait(&st->reg, st->s.wait_ns);	/* -W bounds the lock too */
	if (st->cgroup && make_cgroup(st) == -1)
		return -1;
	if (st->fg)
		st->reaper = subreaper() == 0;
	return 0;
}
