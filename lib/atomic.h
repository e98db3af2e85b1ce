/*
 * atomic.h - replace a file whole, or not at all: the new content goes to
 * a temporary file NAME.tmp.XXXXXX made (like mkstemp(3)) in the same
 * directory, which atomic_commit() renames over NAME and atomic_abort()
 * removes.  A reader sees the old file or the new one, never a mix, and a
 * failed write leaves nothing behind.  The registry and pid files both
 * use it.  Failures are kept with fail() (msg.h).
 */
#ifndef PRREG_ATOMIC_H
#define PRREG_ATOMIC_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define TMP_SUFFIX ".tmp.XXXXXX"

struct atomic {
	int dirfd;
	int fd;			/* the temporary file, -1 when none */
	char tmp[256];		/* its name in dirfd */
	const char *shown;	/* the file replaced, as messages name it */
	/* Commit over this file only (st_ino 0: over none); NULL: any. */
	const struct stat *over;
};

int atomic_open(struct atomic *a, int dirfd, const char *name,
    const char *shown, mode_t mode);
int atomic_write(struct atomic *a, const void *buf, size_t len);
int atomic_commit(struct atomic *a, const char *name);
void atomic_abort(struct atomic *a);
int stat_as_read(const struct stat *now, const struct stat *was);
int write_all(int fd, const void *buf, size_t len);
void xfsz_ignore(void);
void xfsz_restore(void);

#endif
