/*
 * regfile.h - where the registry lives and whether its files may be
 * trusted (SPEC section 1): the location rules, the 0700 directory of the
 * default locations, and the safety checks that refuse (PR_SYS) a
 * symbolic link, a file that is not regular, owned by another user, or
 * writable by group or others, and a directory others could write.
 *
 * The directory is resolved once: dir_open() opens it without following
 * a symbolic link and checks the descriptor, and every file in it is then
 * opened relative to that descriptor (safe_openat()), so a path re-pointed
 * meanwhile changes nothing.  open_nofollow() is safe_openat()'s first
 * half, for a file whose other rules are its caller's (prspawn -o).  Failures are kept with fail() (msg.h).
 */
#ifndef PRREG_REGFILE_H
#define PRREG_REGFILE_H

#include <sys/types.h>
#include <sys/stat.h>

#define PATH_LEN 4096

/* S_ISVTX is XSI, not POSIX; its value is the same everywhere. */
#define MODE_STICKY 01000

int reg_path_ok(const char *ropt);
int reg_locate(char path[PATH_LEN], const char *ropt, int mkdirs);
void path_split(const char *path, char dir[PATH_LEN], const char **base);
int dir_open(const char *dir);
int open_nofollow(int dirfd, const char *name, const char *shown, int flags,
    struct stat *st);
void fd_blocking(int fd);
int safe_openat(int dirfd, const char *name, const char *shown, int flags);

#endif
