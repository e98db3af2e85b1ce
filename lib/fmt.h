/*
 * fmt.h - the suite's own snprintf, printf and sscanf, for the
 * conversions it uses, and strstr, so that a static binary carries none
 * of libc's (musl's printf core is 10.5 kB with its float formatter,
 * which any printf call links; its scanf 12 kB; its strstr, made for
 * long needles, 1.3 kB: ours look for a few bytes in a few kB).  Same
 * results as libc's for what they take:
 *   out: %d %i %u %x %o %c %s %%, with l or ll, the flags - and 0, a
 *        width and a precision (each a number or *);
 *   in:  %d %u (h, l or ll), %s with a width, %*s, %n, blanks (any
 *        number of them, or none) and other bytes as themselves.
 * No float: secs_str() in word.h shows seconds, exactly.
 */
#ifndef PRREG_FMT_H
#define PRREG_FMT_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define FMT_OUT(f, a) __attribute__((__format__(__printf__, f, a)))
#define FMT_IN(f, a) __attribute__((__format__(__scanf__, f, a)))
#else
#define FMT_OUT(f, a)
#define FMT_IN(f, a)
#endif

int fmt_snprintf(char *buf, size_t size, const char *f, ...) FMT_OUT(3, 4);
int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
    FMT_OUT(3, 0);
int fmt_printf(const char *f, ...) FMT_OUT(1, 2);	/* on stdout */
int fmt_sscanf(const char *s, const char *f, ...) FMT_IN(2, 3);
char *fmt_strstr(const char *s, const char *w);

#endif
