/*
 * record.h - one registry record: its seven fields and its attributes,
 * parsed from and formatted to the TAB-separated line of prreg(5).
 *
 * Attributes (SPEC 4.1) follow the seven fields as KEY=VALUE fields, KEY
 * of a-z (1 to 16 bytes), VALUE 1 to 255 printable non-blank bytes.  A
 * record holds them as one list, the text they were read from, in order:
 * so a writer keeps the ones it does not know verbatim, and a record read
 * costs no copy.  rec_get()/rec_attr() find one by key, rec_set() sets or
 * removes one (into a buffer of the caller's), rec_build() makes a new
 * record from a struct recnew.
 */
#ifndef PRREG_RECORD_H
#define PRREG_RECORD_H

#include <stddef.h>
#include <sys/types.h>

#include "word.h"

#define ATTR_KEY_MAX 16
#define ATTR_MAX 16		/* attributes a line may hold */
#define ATTRS_LEN_MAX (ATTR_MAX * (ATTR_KEY_MAX + 1 + WORD_MAX + 1))

/*
 * The keys the suite defines, one line each: X(name in code, key in the
 * file), in the order rec_build() writes them (owner last, after what the
 * record holds of itself).  Adding a key is a line here and the code that
 * uses it; a key not named here is still kept, verbatim, by every writer.
 */
#define ATTR_KEYS(X) \
	X(A_CGROUP, "cgroup")	/* 4.2: the record's cgroup directory */ \
	X(A_KEEPER, "keeper")	/* 5.1: PID:TOKEN of its keeper */ \
	X(A_EXIT, "exit")	/* 5.3: its main process's status, as $? */ \
	X(A_ENDED, "ended")	/* 5.3: when its processes were all gone */ \
	X(A_LIMITS, "limits")	/* 6: prspawn -l, as given */ \
	X(A_STOP, "stop")	/* 6: prspawn -R, its stop schedule */ \
	X(A_OOM, "oom")		/* 6: 1 when its memory limit killed it */ \
	X(A_OWNER, "owner")	/* 5.2: PID:TOKEN of who started it */

/* An attribute of the form PID:TOKEN (owner=, keeper=): its length. */
#define PIDTOK_LEN (10 + 1 + TOKEN_MAX)

#define ATTR_ENUM(name, key) name,
enum attr_key { ATTR_KEYS(ATTR_ENUM) NATTRKEYS };
#undef ATTR_ENUM

/* The longest line of checked fields and attributes, LF included. */
#define REC_LINE_MAX (3 * WORD_MAX + 2 * 10 + STAMP_LEN + TOKEN_MAX + \
	NFIELDS + ATTRS_LEN_MAX)

enum { F_PID, F_PGID, F_TYPE, F_SESSION, F_STARTED, F_TOKEN, F_ID, NFIELDS };

/* The shortest line that can be a record, LF included: a byte a field. */
#define REC_LINE_MIN (STAMP_LEN + 2 * (NFIELDS - 1) + 1)

struct rec {
	pid_t pid;
	pid_t pgid;		/* 0 when the field is "-" */
	const char *f[NFIELDS];	/* the fields as text, NUL-terminated */
	const char *attrs;	/* "K=V[<TAB>K=V...]", NUL-terminated, or NULL */
	unsigned int line;	/* line number in the file, 0 if new */
	int gone;		/* to be left out when the file is written */
};

/* The text of a record's attributes when a writer makes them. */
struct attrbuf {
	char s[ATTRS_LEN_MAX];
};

/* The text of a new record's numbers, time and attributes (rec_build()). */
struct recbuf {
	char pid[16], pgid[16], stamp[STAMP_LEN + 1];
	struct attrbuf attrs;
};

/*
 * A new record, as rec_build() takes it, with designated initialisers:
 * pgid 0 is "-", started NULL is now, attr[K] NULL leaves key K out.
 */
struct recnew {
	pid_t pid, pgid;
	const char *type, *session, *started, *token, *id;
	const char *attr[NATTRKEYS];
};

int rec_parse(char *line, size_t len, struct rec *r);
int rec_build(struct rec *r, struct recbuf *b, const struct recnew *n);
char *rec_sew(struct rec *r, int sep);
int field_index(const char *name, size_t len);
const char *field_name(int i);
size_t rec_format(const struct rec *r, char *buf, size_t size);
void rec_print(const struct rec *r);
const char *attr_name(enum attr_key k);
const char *rec_attr(const struct rec *r, const char *key, size_t *len);
const char *rec_get(const struct rec *r, enum attr_key k, size_t *len);
int rec_set(struct rec *r, struct attrbuf *b, enum attr_key k,
    const char *value);
int attr_key_ok(const char *s, size_t len);
int rec_get_pidtok(const struct rec *r, enum attr_key k, pid_t *pid,
    char token[TOKEN_MAX + 1]);
void pidtok_fmt(char buf[PIDTOK_LEN + 1], pid_t pid, const char *token);
int rec_copy(struct rec *dst, const struct rec *src);
void rec_release(struct rec *r);

#endif
