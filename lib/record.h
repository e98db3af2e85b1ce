/*
 * record.h - one registry record: its seven fields and its attributes,
 * parsed from and formatted to the TAB-separated line of prreg(5).
 *
 * Attributes (SPEC 4.1) follow the seven fields as KEY=VALUE fields, KEY
 * of a-z (1 to 16 bytes), VALUE a WORD.  They are kept as the text they
 * were read from, so that a writer keeps the ones it does not know
 * verbatim; rec_attr() finds one.
 */
#ifndef PRREG_RECORD_H
#define PRREG_RECORD_H

#include <stddef.h>
#include <sys/types.h>

#include "word.h"

#define ATTR_KEY_MAX 16
#define ATTR_MAX 8		/* attributes a line may hold */
#define ATTRS_LEN_MAX (ATTR_MAX * (ATTR_KEY_MAX + 1 + WORD_MAX + 1))

/* The longest line of checked fields and attributes, LF included. */
#define REC_LINE_MAX (3 * WORD_MAX + 2 * 10 + STAMP_LEN + TOKEN_MAX + \
	NFIELDS + ATTRS_LEN_MAX)

enum { F_PID, F_PGID, F_TYPE, F_SESSION, F_STARTED, F_TOKEN, F_ID, NFIELDS };

struct rec {
	pid_t pid;
	pid_t pgid;		/* 0 when the field is "-" */
	const char *f[NFIELDS];	/* the fields as text, NUL-terminated */
	const char *attrs;	/* "K=V[<TAB>K=V...]", NUL-terminated, or NULL */
	unsigned int line;	/* line number in the file, 0 if new */
	int gone;		/* to be left out when the file is written */
};

/* The text of a new record's numbers and time (rec_build()). */
struct recbuf {
	char pid[16], pgid[16], stamp[STAMP_LEN + 1];
};

int rec_parse(char *line, size_t len, struct rec *r);
void rec_build(struct rec *r, struct recbuf *b, pid_t pid, pid_t pgid,
    const char *type, const char *session, const char *started,
    const char *token, const char *id, const char *attrs);
char *rec_sew(struct rec *r, int sep);
int field_index(const char *name, size_t len);
const char *field_name(int i);
size_t rec_format(const struct rec *r, char *buf, size_t size);
void rec_print(const struct rec *r);
const char *rec_attr(const struct rec *r, const char *key, size_t *len);
int attr_key_ok(const char *s, size_t len);
int rec_copy(struct rec *dst, const struct rec *src);
void rec_release(struct rec *r);

#endif
