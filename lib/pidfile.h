/*
 * pidfile.h - pid files: "PID" or "PID TOKEN" on the first line (space or
 * tab between, anything after ignored), read as prpidcheck -f reads them
 * and written atomically as prspawn -P (a NULL token: -F) writes them.
 */
#ifndef PRREG_PIDFILE_H
#define PRREG_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "word.h"

int pidfile_parse(const char *buf, size_t len, pid_t *pid,
    char token[TOKEN_MAX + 1]);
int pidfile_read(const char *path, pid_t *pid, char token[TOKEN_MAX + 1]);
int pidfile_read_at(const char *path, pid_t *pid, char token[TOKEN_MAX + 1],
    long long *mtime_ns);
int pidfile_write(const char *path, pid_t pid, const char *token);

#endif
