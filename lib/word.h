/*
 * word.h - the contract's value forms (SPEC section 1), as pure checks:
 * WORD, start token, timestamp, and decimal numbers with range checks.
 * Nothing here prints or exits; lib/arg.c turns a failure into a message.
 */
#ifndef PRREG_WORD_H
#define PRREG_WORD_H

#include <stddef.h>
#include <sys/types.h>

#define WORD_MAX 255
#define TOKEN_MAX 64
#define STAMP_LEN 24		/* YYYY-MM-DDTHH:MM:SS.mmmZ */
#define PID_MAXV 2147483647L

/* Byte classes: a WORD byte is a token byte; a digit is a WORD byte. */
#define CL_WORD 1
#define CL_TOKEN 2
#define CL_DIGIT 4
const unsigned char *byte_classes(void);
size_t span_class(const char *s, size_t len, int class);
size_t span_to(const char *s, char c);
int word_ok(const char *s, size_t len);
int token_ok(const char *s, size_t len);
int stamp_ok(const char *s, size_t len);
void stamp_fmt(unsigned long long secs, long nsec, char buf[STAMP_LEN + 1]);
void stamp_now(char buf[STAMP_LEN + 1]);
long long stamp_ns(const char *s);
int pid_parse(const char *s, size_t len, pid_t *pid);
const char *num_next(const char *s, unsigned long long *v);
int ulong_parse(const char *s, unsigned long max, unsigned long *out);
int secs_parse(const char *s, long long *ns);
#define SECS_LEN 24
void secs_str(long long ns, char buf[SECS_LEN]);

#endif
