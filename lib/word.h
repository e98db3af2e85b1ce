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
extern const unsigned char byte_class[256];

/*
 * How many bytes S starts with (of LEN at most) that are all of CLASS.
 * Of one class (a single bit), four bytes at a time: the registry's
 * parser spends most of its time here, so it is inlined where it is used.
 */
static inline size_t
span_class(const char *s, size_t len, int class)
{
	const unsigned char *cl = byte_class, *p = (const void *)s;
	size_t i = 0;

	if ((class & (class - 1)) == 0)
		while (i + 4 <= len && (cl[p[i]] & cl[p[i + 1]] &
		    cl[p[i + 2]] & cl[p[i + 3]] & class) != 0)
			i += 4;
	while (i < len && (cl[p[i]] & class) != 0)
		i++;
	return i;
}
size_t span_to(const char *s, char c);
int word_ok(const char *s, size_t len);
int token_ok(const char *s, size_t len);
int stamp_ok(const char *s, size_t len);
void stamp_fmt(unsigned long long secs, long nsec, char buf[STAMP_LEN + 1]);
void stamp_now(char buf[STAMP_LEN + 1]);
long long stamp_ns(const char *s);
const char *pid_scan(const char *p, const char *end, pid_t *pid);
int pid_parse(const char *s, size_t len, pid_t *pid);
const char *num_next(const char *s, unsigned long long *v);
int ulong_parse(const char *s, unsigned long max, unsigned long *out);
int secs_parse(const char *s, long long *ns);
#define SECS_LEN 24
void secs_str(long long ns, char buf[SECS_LEN]);

#endif
