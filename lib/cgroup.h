/*
 * cgroup.h - a cgroup v2 directory of a record's own (SPEC 4.2, prspawn
 * -c): what the command starts stays in it, whatever it does to its
 * session and group, and prreap stops the whole cgroup.
 *
 * cg_root() finds where prspawn makes cgroups: $PRREG_CGROUP, else, for
 * the superuser, "prreg" in the first cgroup2 mount of
 * /proc/self/mountinfo.  cg_make() makes one there, named
 * prreg-PID-STAMP.  A cgroup named by a record is acted on only when
 * cg_ours() says it is a directory of a cgroup2 file system, owned by
 * the effective uid, with a name cg_make() makes.  What the command
 * makes below its cgroup (cgroups of its own) is part of it: cg_pids()
 * and cg_contains() look at the whole subtree, cg_kill() kills it, and
 * cg_remove() removes it bottom up.  Linux only: elsewhere
 * (and built with -DPRREG_NO_PROCFS) every call fails with ENOSYS.
 */
#ifndef PRREG_CGROUP_H
#define PRREG_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "regfile.h"

int cg_root(char root[PATH_LEN]);
int cg_make(const char *root, char path[PATH_LEN]);
int cg_procs_fd(const char *path);
int cg_write(const char *path, const char *file, const char *value);
int cg_read(const char *path, const char *file, char *buf, size_t size);
int cg_ours(const char *path);
int cg_populated(const char *path);
int cg_oom(const char *path);
int cg_events_fd(const char *path);
size_t cg_pids(const char *path, pid_t *pids, size_t max);
int cg_kill(const char *path);
int cg_remove(const char *path);
int cg_contains(const char *path, pid_t pid);

#endif
