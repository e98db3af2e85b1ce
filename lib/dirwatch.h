/*
 * dirwatch.h - a wake when a file of a directory is replaced: a registry
 * is rewritten by a rename into its directory, so a waiter learns of
 * every rewrite without reading the file.  inotify(7) on Linux; elsewhere,
 * and built with -DPRREG_NO_PROCFS (a system without Linux's facilities),
 * dw_open() fails with ENOSYS and the caller polls.
 */
#ifndef PRREG_DIRWATCH_H
#define PRREG_DIRWATCH_H

int dw_open(const char *dir, int dirfd);
int dw_changed(int fd, const char *name);

#endif
