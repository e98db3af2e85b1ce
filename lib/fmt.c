/* fmt.c - snprintf, printf and sscanf for the conversions the suite uses. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

/* Where the output goes: BUF (SIZE bytes, NUL-ended), or F when set. */
struct sink {
	char *buf;
	size_t size, n;
	FILE *f;
};

static void
put(struct sink *k, const char *s, size_t len)
{
	size_t room;

	if (k->f != NULL)
		fwrite(s, 1, len, k->f);
	else if (k->n + 1 < k->size) {
		room = k->size - 1 - k->n;
		memcpy(k->buf + k->n, s, len < room ? len : room);
	}
	k->n += len;
}

static void
pad(struct sink *k, char c, long n)
{
	for (; n > 0; n--)
		put(k, &c, 1);
}

/* The number of the digits at *F (0 for none). */
static long
digits(const char **f)
{
	long n = 0;

	for (; **f >= '0' && **f <= '9'; (*f)++)
		n = n * 10 + (**f - '0');
	return n;
}

static void
core(struct sink *k, const char *f, va_list *ap)
{
	char num[24], *s, c;
	unsigned long long u;
	long width, prec, len, zeros;
	int left, zero, lng, neg, base;

	for (; *f != '\0'; f++) {
		if (*f != '%' || *++f == '%') {
			put(k, f, 1);
			continue;
		}
		if (*f == '\0')
			break;
		for (left = zero = 0; *f == '-' || *f == '0'; f++)
			*f == '-' ? (left = 1) : (zero = 1);
		if (*f == '*') {
			f++;
			if ((width = va_arg(*ap, int)) < 0)
				left = 1, width = -width;
		} else
			width = digits(&f);
		prec = -1;		/* none; a negative '*' is none too */
		if (*f == '.') {
			if (*++f == '*')
				f++, prec = va_arg(*ap, int);
			else
				prec = digits(&f);
		}
		for (lng = 0; *f == 'l'; f++)
			lng++;
		neg = 0;
		base = *f == 'x' ? 16 : *f == 'o' ? 8 : 10;
		zeros = 0;
		if (*f == 's') {
			if ((s = va_arg(*ap, char *)) == NULL)
				s = "(null)";	/* as glibc's and musl's */
			for (len = 0; (prec < 0 || len < prec) && s[len]; len++)
				;
		} else if (*f == 'c') {
			c = (char)va_arg(*ap, int);
			s = &c;
			len = 1;
		} else {
			if (*f == 'd' || *f == 'i') {
				long long v = lng > 1 ? va_arg(*ap, long long) :
				    lng ? va_arg(*ap, long) : va_arg(*ap, int);

				neg = v < 0;
				u = neg ? -(unsigned long long)v : (unsigned
				    long long)v;
			} else
				u = lng > 1 ? va_arg(*ap, unsigned long long) :
				    lng ? va_arg(*ap, unsigned long) :
				    va_arg(*ap, unsigned);
			s = num + sizeof num;
			do
				*--s = "0123456789abcdef"[u % base];
			while ((u /= base) != 0);
			if (prec == 0 && *s == '0')	/* %.0d of 0: nothing */
				s++;
			len = num + sizeof num - s;
			if (prec >= 0)
				zero = 0, zeros = prec > len ? prec - len : 0;
			else if (zero && !left)
				zeros = width - len - neg;
			if (zeros < 0)
				zeros = 0;
		}
		width -= len + zeros + neg;
		if (!left)
			pad(k, ' ', width);
		if (neg)
			put(k, "-", 1);
		pad(k, '0', zeros);
		put(k, s, (size_t)len);
		if (left)
			pad(k, ' ', width);
	}
}

int
fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
	struct sink k = { buf, size, 0, NULL };
	va_list aq;

	va_copy(aq, ap);
	core(&k, f, &aq);
	va_end(aq);
	if (size > 0)
		buf[k.n < size ? k.n : size - 1] = '\0';
	return (int)k.n;
}

int
fmt_snprintf(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

int
fmt_printf(const char *f, ...)
{
	struct sink k = { NULL, 0, 0, stdout };
	va_list ap;

	va_start(ap, f);
	core(&k, f, &ap);
	va_end(ap);
	return (int)k.n;
}

/*
 * A decimal number at *S, after blanks, with its sign: strtoull's (past
 * 64 bits, ULLONG_MAX whatever the sign, as musl's scanf for any size
 * and glibc's for an unsigned one).  -1 when *S has only blanks left.
 */
static int
scan_num(const char **s, unsigned long long *v)
{
	const char *p = *s;
	unsigned d;
	int neg, over = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return -1;
	neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	for (*v = 0; (d = (unsigned)(*p - '0')) <= 9; p++)
		if (*v > (~0ULL - d) / 10)
			over = 1;
		else
			*v = *v * 10 + d;
	if (over)
		*v = ~0ULL;
	else if (neg)
		*v = -*v;
	*s = p;
	return 1;
}

int
fmt_sscanf(const char *s, const char *f, ...)
{
	const char *start = s;
	unsigned long long v;
	long width, n;
	int got = 0, end = 0, skip, h, lng;
	char *out;
	va_list ap;

	va_start(ap, f);
	for (; *f != '\0'; f++) {
		if (isspace((unsigned char)*f)) {
			while (isspace((unsigned char)*s))
				s++;
			continue;
		}
		if (*f != '%' || *++f == '%') {
			if (*s != *f) {
				end = *s == '\0';
				break;
			}
			s++;
			continue;
		}
		if ((skip = *f == '*'))
			f++;
		for (width = 0; *f >= '0' && *f <= '9'; f++)
			width = width * 10 + (*f - '0');
		for (h = lng = 0; *f == 'h' || *f == 'l'; f++)
			*f == 'h' ? h++ : lng++;
		if (*f == 'n') {
			*va_arg(ap, int *) = (int)(s - start);
			continue;
		}
		if (*f == 's') {
			while (isspace((unsigned char)*s))
				s++;
			if ((end = *s == '\0'))
				break;
			out = skip ? NULL : va_arg(ap, char *);
			for (n = 0; *s != '\0' && !isspace((unsigned char)*s) &&
			    (width == 0 || n < width); s++, n++)
				if (out != NULL)
					*out++ = *s;
			if (out != NULL)
				*out = '\0', got++;
			continue;
		}
		if ((n = scan_num(&s, &v)) != 1) {
			end = n < 0;
			break;
		}
		if (skip)
			continue;
		if (lng > 1)
			*va_arg(ap, unsigned long long *) = v;
		else if (lng)
			*va_arg(ap, unsigned long *) = (unsigned long)v;
		else if (h)
			*va_arg(ap, unsigned short *) = (unsigned short)v;
		else
			*va_arg(ap, unsigned *) = (unsigned)v;
		got++;
	}
	va_end(ap);
	/* libc's EOF when the string ended before anything was stored. */
	return got == 0 && end ? -1 : got;
}

char *
fmt_strstr(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncmp(s, w, n) == 0)
			return (char *)s;
	return n == 0 ? (char *)s : NULL;
}
