/*
 * registry.h - the registry file of prreg(5) in memory.
 *
 * reg_open() finds the file and checks where it lives; reg_load() reads it
 * with no lock (a reader sees the old file or the new one, whole);
 * reg_lock() takes the exclusive fcntl lock on FILE.lock and (re)loads, for
 * a read-modify-write that reg_store() ends: new content to a mkstemp file
 * in the same directory, renamed over FILE, malformed lines appended to
 * FILE.corrupt first.  Records are removed by setting their gone flag.
 */
#ifndef PRREG_REGISTRY_H
#define PRREG_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"
#include "record.h"
#include "regfile.h"

struct badline {
	const char *why;	/* malformed record, duplicate id */
	const char *text;
	size_t len;
	unsigned long line;
};

struct reg {
	char path[PATH_LEN];
	int lockfd;		/* -1 unless locked */
	int fd;			/* FILE, opened by reg_hold(), or -1 */
	char *buf;		/* the file's bytes, parsed in place */
	struct rec *rec;
	size_t n, cap;
	struct badline *bad;
	size_t nbad;
	uint32_t *hash;		/* open addressing over rec, by id; 0 = empty */
	size_t hcap;
	char boot[TOKEN_MAX + 1];	/* the header's boot id, "" if none */
	int otherboot;		/* the header names another boot */
	int dirty;
	int warned;		/* malformed lines were reported */
	char *owned;		/* storage of records added by reg_add */
};

void reg_open(struct reg *r, const char *ropt, int writer);
void reg_load(struct reg *r);
void reg_parse_buf(struct reg *r, char *buf, size_t len);	/* no file */
void reg_lock(struct reg *r);
void reg_hold(struct reg *r);	/* lock, open: reg_load() to follow */
void reg_unlock(struct reg *r);
void reg_store(struct reg *r);
void reg_write(struct reg *r, int fd, const char *path);	/* no rename */
void reg_free(struct reg *r);
struct rec *reg_find(struct reg *r, const char *id);
struct rec *reg_add(struct reg *r, const struct rec *rec);
void reg_remove(struct reg *r, struct rec *rec);
enum live reg_live(const struct reg *r, const struct rec *rec);
size_t reg_count_live(const struct reg *r, const char *type);

#endif
