/*
 * quarantine.c - malformed lines moved from FILE to FILE.corrupt, never
 * lost and never moved twice.  Appending them and renaming FILE without
 * them are two steps; a writer killed between them would leave a second
 * copy for the next writer to append.  So it first notes in FILE.lock
 * (otherwise empty) how long FILE.corrupt was and which FILE it moves
 * lines out of; the next writer that finds a note, with that FILE still
 * in place, cuts FILE.corrupt back (quarantine_recover()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "atomic.h"
#include "fmt.h"
#include "msg.h"
#include "proc.h"
#include "registry.h"
#include "word.h"

/* FILE.corrupt, opened safely with FLAGS; SHOWN its name in messages. */
int
corrupt_open(struct reg *r, char shown[PATH_LEN + 16], int flags)
{
	char name[PATH_LEN];

	fmt_snprintf(name, PATH_LEN, "%s.corrupt", r->base);
	fmt_snprintf(shown, PATH_LEN + 16, "%s.corrupt", r->path);
	return safe_openat(r->dirfd, name, shown, flags);
}

/* The note in FILE.lock: "quarantine SIZE DEV INO". */
static int
note(struct reg *r, unsigned long long size)
{
	char buf[96];
	int n = fmt_snprintf(buf, sizeof buf, "quarantine %llu %llu %llu\n",
	    size, (unsigned long long)r->st.st_dev,
	    (unsigned long long)r->st.st_ino);

	if (ftruncate(r->lockfd, 0) == -1 || pwrite(r->lockfd, buf, (size_t)n,
	    0) != n)
		return fail_sys(PR_SYS, "%s.lock: cannot write", r->path);
	return 0;
}

static void
unnote(struct reg *r)
{
	if (ftruncate(r->lockfd, 0) == -1)
		warn_("%s.lock: cannot clear", r->path);
}

/*
 * Under the lock: a note left by a writer that stopped between its
 * append to FILE.corrupt and its rename.  When FILE is still the one it
 * was moving lines out of, the lines it appended are cut off again (FILE
 * still holds them, and they will be moved once).
 */
int
quarantine_recover(struct reg *r)
{
	char buf[96], shown[PATH_LEN + 16];
	const char *p;
	unsigned long long size, dev, ino;
	struct stat st;
	ssize_t n;
	int fd;

	if (fstat(r->lockfd, &st) == -1 || st.st_size == 0)
		return 0;
	n = pread(r->lockfd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (strncmp(buf, "quarantine", 10) == 0 &&
	    (p = num_next(buf + 10, &size)) != NULL &&
	    (p = num_next(p, &dev)) != NULL && num_next(p, &ino) != NULL &&
	    fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino) {
		if ((fd = corrupt_open(r, shown, O_WRONLY)) == -1)
			return errno == ENOENT ? 0 : -1;
		if (fstat(fd, &st) == 0 && (unsigned long long)st.st_size > size &&
		    ftruncate(fd, (off_t)size) == -1) {
			fail_sys(PR_SYS, "%s: cannot undo an unfinished "
			    "quarantine", shown);
			close(fd);
			return -1;
		}
		close(fd);
	}
	unnote(r);
	return 0;
}

/*
 * The malformed lines of R go, verbatim, to FILE.corrupt, with the note
 * above.  Returns the descriptor, for quarantine_done() or
 * quarantine_undo(), with what FILE.corrupt held before in *WAS; -1 with
 * nothing appended.
 */
int
quarantine(struct reg *r, off_t *was)
{
	char shown[PATH_LEN + 16];
	struct stat st;
	size_t i;
	int fd;

	reg_let_go(r);		/* FILE as read, held: room for this one */
	proc_release();		/* and /proc, kept by a stop (-x): 8 */
	if ((fd = corrupt_open(r, shown, O_WRONLY | O_APPEND | O_CREAT)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || note(r, (unsigned long long)st.st_size)) {
		fail_sys(PR_SYS, "%s: cannot write", shown);
		close(fd);
		return -1;
	}
	*was = st.st_size;
	for (i = 0; i < r->nbad; i++)
		if (write_all(fd, r->bad[i].text, r->bad[i].len) == -1 ||
		    write_all(fd, "\n", 1) == -1) {
			fail_sys(PR_SYS, "%s: cannot write", shown);
			quarantine_undo(r, fd, *was);
			return -1;
		}
	return fd;
}

/* FILE was not replaced: what was appended to FILE.corrupt is cut off. */
void
quarantine_undo(struct reg *r, int fd, off_t was)
{
	if (ftruncate(fd, was) == 0)
		unnote(r);
	close(fd);
}

/* FILE was replaced without the lines: the note goes, each line is said. */
void
quarantine_done(struct reg *r, int fd)
{
	size_t i;

	unnote(r);
	if (close(fd) == -1)
		warn_("%s.corrupt: cannot close", r->path);
	for (i = 0; i < r->nbad; i++)
		warnx_("%s:%lu: %s, moved to %s.corrupt", r->path,
		    r->bad[i].line, r->bad[i].why, r->path);
}
