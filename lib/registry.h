/*
 * registry.h - the registry file of prreg(5) in memory, and its jobs, one
 * file each:
 *
 *   regindex.c  the index of records by id (open addressing)
 *   regparse.c  the file's bytes into records and bad lines (the fuzzer's)
 *   regload.c   open, read with no lock, lock for a read-modify-write
 *   regstore.c  the write protocol: temp file, rename
 *   quarantine.c  malformed lines moved to FILE.corrupt
 *   regedit.c   find, add and remove records
 *
 * reg_open() finds the file and opens its directory once; reg_load()
 * reads it with no lock (a reader sees the old file or the new one,
 * whole); reg_lock() takes the exclusive fcntl lock on FILE.lock (waited
 * for at most lock_ns) and (re)loads, for a read-modify-write that
 * reg_store() ends: it reads FILE before it waits for the lock, and
 * under the lock reads it again only if FILE is no longer that very file
 * (so the lock is not held for a parse that can be done without it).
 * Records are removed by setting their gone flag.
 * Whether a record lives is not asked here (reglive.h): this layer knows
 * bytes, lines and locks, nothing of processes.  Every function that can
 * fail returns -1 with the failure kept (msg.h): the tool decides.
 */
#ifndef PRREG_REGISTRY_H
#define PRREG_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "boot.h"
#include "record.h"
#include "regfile.h"

#define LOCK_WAIT_NS (10 * 1000000000LL)	/* the default bound */
#define LOCK_MIN_NS (1000000000LL)	/* the least reg_lock_wait() gives */

struct badline {
	const char *why;	/* malformed record, duplicate id */
	const char *text;
	size_t len;
	unsigned long line;
};

struct reg {
	char path[PATH_LEN];	/* FILE, as messages name it */
	char dir[PATH_LEN];	/* its directory */
	const char *base;	/* its name in dir (in path) */
	int dirfd;		/* the directory, opened once; -1 if none */
	int lockfd;		/* -1 unless locked */
	long long lock_ns;	/* the longest wait for the lock */
	int fd;			/* FILE, opened by reg_hold(), or -1 */
	struct stat st;		/* FILE as loaded (st_ino 0: there was none) */
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
	const char *only;	/* while reg_load_of() parses: its type */
	int partial;		/* loaded so: not to be written */
	char *owned;		/* storage of records added by reg_add */
};

/* regindex.c */
int idx_build(struct reg *r, size_t want);
uint32_t *idx_slot(struct reg *r, const char *id);

/* regparse.c */
int reg_parse_buf(struct reg *r, char *buf, size_t len);
void reg_clear(struct reg *r);

/* regload.c */
int reg_open(struct reg *r, const char *ropt, int writer);
int reg_load(struct reg *r);
int reg_load_of(struct reg *r, const char *type);
int reg_hold(struct reg *r);
void reg_let_go(struct reg *r);
int reg_lock(struct reg *r);
int reg_trylock(struct reg *r);
void reg_unlock(struct reg *r);
void reg_free(struct reg *r);
int reg_lock_is_ours(const struct reg *r);
void reg_lock_wait(struct reg *r, long long ns);

/* regstore.c */
int reg_store(struct reg *r);
int reg_write(struct reg *r, int fd, const char *path);
int reg_writable(struct reg *r);
int reg_can_store(struct reg *r, int loaded);

/* quarantine.c */
int corrupt_open(struct reg *r, char shown[PATH_LEN + 16], int flags);
int quarantine_recover(struct reg *r);
int quarantine(struct reg *r, off_t *was);
void quarantine_undo(struct reg *r, int fd, off_t was);
void quarantine_done(struct reg *r, int fd);

/* regedit.c */
struct rec *reg_find(struct reg *r, const char *id);
struct rec *reg_find_same(struct reg *r, const struct rec *like);
struct rec *reg_add(struct reg *r, const struct rec *rec);
void reg_remove(struct reg *r, struct rec *rec);

#endif
