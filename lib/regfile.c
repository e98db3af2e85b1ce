/* regfile.c - the registry's location, and files and directories we trust. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "msg.h"
#include "regfile.h"

/* S_ISVTX is XSI, not POSIX; its value is the same everywhere. */
#define MODE_STICKY 01000

static void
mkdir_0700(const char *dir)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		die_sys(PR_SYS, "%s: cannot create directory", dir);
}

/*
 * The first that applies: -r FILE, $PRREG_FILE, $XDG_RUNTIME_DIR/prreg,
 * /run/prreg for root, /tmp/prreg-UID.  With MKDIRS, a missing directory
 * of a default location is made 0700 (writers; readers make nothing).
 */
void
reg_locate(char path[PATH_LEN], const char *ropt, int mkdirs)
{
	const char *env = getenv("PRREG_FILE"), *xdg = getenv("XDG_RUNTIME_DIR");
	char dir[PATH_LEN];
	int n;

	if (ropt != NULL || (env != NULL && *env != '\0')) {
		const char *p = ropt != NULL ? ropt : env;

		if (*p == '\0' || strlen(p) >= PATH_LEN - 16)
			die(PR_USAGE, "%s: invalid registry path", ropt != NULL ?
			    "-r" : "PRREG_FILE");
		/* A bare name is in "./", so its directory is explicit. */
		snprintf(path, PATH_LEN, "%s%s", strchr(p, '/') ? "" : "./", p);
		return;
	}
	if (xdg != NULL && *xdg != '\0') {
		n = snprintf(dir, sizeof dir, "%s/prreg", xdg);
		if (n >= PATH_LEN - 32)
			die(PR_USAGE, "XDG_RUNTIME_DIR: path too long");
		if (mkdirs)
			mkdir_0700(xdg);
	} else if (geteuid() == 0) {
		strcpy(dir, "/run/prreg");
	} else {
		snprintf(dir, sizeof dir, "/tmp/prreg-%lu",
		    (unsigned long)geteuid());
	}
	if (mkdirs)
		mkdir_0700(dir);
	snprintf(path, PATH_LEN, "%s/registry", dir);
}

/*
 * The directory of PATH: owned by us or by root, and not writable by
 * group or others unless sticky (/tmp will do).  A missing one passes:
 * the registry then reads as empty, and a writer fails to create in it.
 */
void
safe_dir(const char *path)
{
	char dir[PATH_LEN];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) == -1) {
		if (errno == ENOENT)
			return;
		die_sys(PR_SYS, "%s", dir);
	}
	if (!S_ISDIR(st.st_mode))
		die(PR_SYS, "%s: not a directory", dir);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		die(PR_SYS, "%s: unsafe directory: owned by uid %lu, not %lu "
		    "or root", dir, (unsigned long)st.st_uid,
		    (unsigned long)geteuid());
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & MODE_STICKY))
		die(PR_SYS, "%s: unsafe directory: writable by group or "
		    "others (mode %04o)", dir, (unsigned)st.st_mode & 07777);
}

/*
 * Open PATH with FLAGS (never following a symbolic link, never blocking on
 * a FIFO) and refuse what we cannot trust.  Returns the descriptor, or -1
 * when PATH does not exist and FLAGS do not create it.
 */
int
safe_open(const char *path, int flags)
{
	struct stat st;
	int fd;

	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == ENOENT && !(flags & O_CREAT))
			return -1;
		if (errno == ELOOP)
			die(PR_SYS, "%s: unsafe file: a symbolic link", path);
		if (errno == EISDIR || errno == ENXIO)
			die(PR_SYS, "%s: unsafe file: not a regular file", path);
		die_sys(PR_SYS, "%s: cannot open", path);
	}
	if (fstat(fd, &st) == -1)
		die_sys(PR_SYS, "%s: cannot stat", path);
	if (!S_ISREG(st.st_mode))
		die(PR_SYS, "%s: unsafe file: not a regular file", path);
	if (st.st_uid != geteuid())
		die(PR_SYS, "%s: unsafe file: owned by uid %lu, not %lu", path,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		die(PR_SYS, "%s: unsafe file: writable by group or others "
		    "(mode %04o)", path, (unsigned)st.st_mode & 07777);
	/* Reads and writes below may block as usual. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}
