/*
 * regfile.h - where the registry lives and whether its files may be
 * trusted (SPEC section 1): the location rules, the 0700 directory of the
 * default locations, and the safety checks that refuse, with exit status 3,
 * a symbolic link, a file that is not regular, owned by another user, or
 * writable by group or others, and a directory others could write.
 */
#ifndef PRREG_REGFILE_H
#define PRREG_REGFILE_H

#include <sys/types.h>

#define PATH_LEN 4096

void reg_locate(char path[PATH_LEN], const char *ropt, int mkdirs);
int safe_open(const char *path, int flags);
void safe_dir(const char *path);

#endif
