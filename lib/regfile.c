/* regfile.c - the registry's location, and files and directories we trust. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fmt.h"
#include "msg.h"
#include "regfile.h"

static int
mkdir_0700(const char *dir)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return fail_sys(PR_SYS, "%s: cannot create directory", dir);
	return 0;
}

/*
 * Whether the registry path the user gave, -r ROPT or else $PRREG_FILE,
 * may name one: 0 when so, or when none is given; else a failure kept
 * (PR_USAGE).  One that ends in "/" or names a directory, a device, a FIFO
 * or a socket is refused before anything is made beside it (no "/.lock",
 * no "/dev/null.lock"); a symbolic link is left to safe_openat().  Every
 * tool asks, also one that reads no registry.
 */
int
reg_path_ok(const char *ropt)
{
	const char *p = ropt != NULL ? ropt : getenv("PRREG_FILE"), *why;
	const char *what = ropt != NULL ? "-r" : "PRREG_FILE";
	struct stat st;

	if (p == NULL || (ropt == NULL && *p == '\0'))
		return 0;
	if (*p == '\0' || strlen(p) >= PATH_LEN - 16)
		return fail(PR_USAGE, "%s: invalid registry path", what);
	why = p[strlen(p) - 1] == '/' ? "ends in /" : lstat(p, &st) == -1 ||
	    S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ? NULL :
	    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ?
	    "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device";
	return why == NULL ? 0 : fail(PR_USAGE, "%s: %s: not a registry file: "
	    "%s", what, p, why);
}

/*
 * The first that applies: -r FILE, $PRREG_FILE, $XDG_RUNTIME_DIR/prreg,
 * /run/prreg for root, /tmp/prreg-UID.  With MKDIRS, a missing directory
 * of a default location is made 0700 (writers; readers make nothing).
 */
int
reg_locate(char path[PATH_LEN], const char *ropt, int mkdirs)
{
	const char *env = getenv("PRREG_FILE"), *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_LEN];
	int n;

	if (ropt != NULL || (env != NULL && *env != '\0')) {
		const char *p = ropt != NULL ? ropt : env;

		if (reg_path_ok(ropt) == -1)
			return -1;
		/* A bare name is in "./", so its directory is explicit. */
		fmt_snprintf(path, PATH_LEN, "%s%s", strchr(p, '/') ? "" :
		    "./", p);
		return 0;
	}
	if (xdg != NULL && *xdg != '\0') {
		n = fmt_snprintf(dir, sizeof dir, "%s/prreg", xdg);
		if (n >= PATH_LEN - 32)
			return fail(PR_USAGE, "XDG_RUNTIME_DIR: path too long");
		if (mkdirs && mkdir_0700(xdg) == -1)
			return -1;
	} else if (geteuid() == 0) {
		memcpy(dir, "/run/prreg", sizeof "/run/prreg");
	} else {
		fmt_snprintf(dir, sizeof dir, "/tmp/prreg-%lu",
		    (unsigned long)geteuid());
	}
	if (mkdirs && mkdir_0700(dir) == -1)
		return -1;
	fmt_snprintf(path, PATH_LEN, "%s/registry", dir);
	return 0;
}

/* PATH's directory ("/" or "." when it has no other) and its last name. */
void
path_split(const char *path, char dir[PATH_LEN], const char **base)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		memcpy(dir, ".", sizeof ".");
	else if (slash == path)
		memcpy(dir, "/", sizeof "/");
	else
		fmt_snprintf(dir, PATH_LEN, "%.*s", (int)(slash - path), path);
	*base = slash != NULL ? slash + 1 : path;
}

/* Whether ST, a directory, may hold our files; else a failure kept. */
static int
dir_safe(const char *dir, const struct stat *st)
{
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return fail(PR_SYS, "%s: unsafe directory: owned by uid %lu, "
		    "not %lu or root", dir, (unsigned long)st->st_uid,
		    (unsigned long)geteuid());
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(st->st_mode & MODE_STICKY))
		return fail(PR_SYS, "%s: unsafe directory: writable by group "
		    "or others (mode %04o)", dir, (unsigned)st->st_mode & 07777);
	return 0;
}

/*
 * Open DIR, never through a symbolic link, and check it: owned by us or by
 * root, not writable by group or others unless sticky (/tmp will do).
 * Returns the descriptor; -1 and errno ENOENT when it does not exist (a
 * reader then reads an empty registry); -1 otherwise with a failure kept.
 */
int
dir_open(const char *dir)
{
	struct stat st;
	int fd, e;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		if (e == ENOENT)
			return fail_sys(PR_SYS, "%s: cannot open the registry's "
			    "directory", dir);
		/* The reason a user can act on, rather than EACCES. */
		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			fail(PR_SYS, "%s: unsafe directory: a symbolic link",
			    dir);
		else if (e == ENOTDIR)
			fail(PR_SYS, "%s: not a directory", dir);
		else if (lstat(dir, &st) == -1 || dir_safe(dir, &st) == 0) {
			errno = e;
			fail_sys(PR_SYS, "%s", dir);
		}
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		fail_sys(PR_SYS, "%s", dir);
	else if (dir_safe(dir, &st) == 0)
		return fd;
	close(fd);
	errno = EPERM;
	return -1;
}

/*
 * Open NAME in DIRFD with FLAGS, never following a symbolic link, never
 * blocking on a FIFO (fd_blocking() undoes that), and stat it into *ST;
 * SHOWN names it in messages.  Returns the descriptor; -1 with errno
 * ENOENT when it does not exist and FLAGS do not create it; -1 with a
 * failure kept otherwise.
 */
int
open_nofollow(int dirfd, const char *name, const char *shown, int flags,
    struct stat *st)
{
	int fd, e;

	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		e = errno;
		if (e == ENOENT && !(flags & O_CREAT))
			return -1;
		/* Another's link in a sticky directory may say EACCES. */
		if (e == ELOOP || (e == EACCES && fstatat(dirfd, name, st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st->st_mode)))
			fail(PR_SYS, "%s: unsafe file: a symbolic link", shown);
		else if (e == EISDIR || e == ENXIO)
			fail(PR_SYS, "%s: unsafe file: not a regular file",
			    shown);
		else
			fail_sys(PR_SYS, "%s: cannot open", shown);
		errno = e == ENOENT ? EIO : e;
		return -1;
	}
	if (fstat(fd, st) == 0)
		return fd;
	fail_sys(PR_SYS, "%s: cannot stat", shown);
	close(fd);
	return -1;
}

/* Reads and writes of FD, from open_nofollow(), may block as usual. */
void
fd_blocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
}

/*
 * open_nofollow(), and refuse what we cannot trust: a file that is not
 * regular, not ours, or that others may write.
 */
int
safe_openat(int dirfd, const char *name, const char *shown, int flags)
{
	struct stat st;
	int fd = open_nofollow(dirfd, name, shown, flags, &st);

	if (fd == -1)
		return -1;
	if (!S_ISREG(st.st_mode))
		fail(PR_SYS, "%s: unsafe file: not a regular file", shown);
	else if (st.st_uid != geteuid())
		fail(PR_SYS, "%s: unsafe file: owned by uid %lu, not %lu", shown,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		fail(PR_SYS, "%s: unsafe file: writable by group or others "
		    "(mode %04o)", shown, (unsigned)st.st_mode & 07777);
	else {
		fd_blocking(fd);
		return fd;
	}
	close(fd);
	errno = EPERM;
	return -1;
}
