/*
 * record.h - one registry record: its seven fields, parsed from and
 * formatted to the TAB-separated line of prreg(5).
 */
#ifndef PRREG_RECORD_H
#define PRREG_RECORD_H

#include <stddef.h>
#include <sys/types.h>

#include "word.h"

/* The longest line of checked fields, LF included. */
#define REC_LINE_MAX (3 * WORD_MAX + 2 * 10 + STAMP_LEN + TOKEN_MAX + NFIELDS)

enum { F_PID, F_PGID, F_TYPE, F_SESSION, F_STARTED, F_TOKEN, F_ID, NFIELDS };

struct rec {
	pid_t pid;
	pid_t pgid;		/* 0 when the field is "-" */
	const char *f[NFIELDS];	/* the fields as text, NUL-terminated */
	unsigned int line;	/* line number in the file, 0 if new */
	int gone;		/* to be left out when the file is written */
};

int rec_parse(char *line, size_t len, struct rec *r);
int field_index(const char *name, size_t len);
size_t rec_format(const struct rec *r, char *buf, size_t size);
void rec_print(const struct rec *r);
void rec_print_fields(const struct rec *r, const int *fields, size_t n);

#endif
