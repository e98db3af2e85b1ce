/* word.c - WORD, token, timestamp and number forms of the contract. */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include "fmt.h"
#include "word.h"

/*
 * The class of each byte, as constants: one table lookup per byte for
 * every form, instead of a chain of comparisons (span_class(), word.h).
 */
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_WORD(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && \
	(c) <= 'Z') || IS_DIGIT(c) || (c) == '.' || (c) == '_' || \
	(c) == ':' || (c) == '@' || (c) == '%' || (c) == '+' || (c) == '=' || \
	(c) == ',' || (c) == '/' || (c) == '-')
#define CLASS(c) ((c) > 0x20 && (c) < 0x7f ? CL_TOKEN | \
	(IS_WORD(c) ? CL_WORD : 0) | (IS_DIGIT(c) ? CL_DIGIT : 0) : 0)
#define ROW(c) CLASS(c), CLASS(c + 1), CLASS(c + 2), CLASS(c + 3), \
	CLASS(c + 4), CLASS(c + 5), CLASS(c + 6), CLASS(c + 7)
#define ROWS(c) ROW(c), ROW(c + 8), ROW(c + 16), ROW(c + 24)
const unsigned char byte_class[256] = {
	ROWS(0), ROWS(32), ROWS(64), ROWS(96),
	ROWS(128), ROWS(160), ROWS(192), ROWS(224)
};

/* WORD: 1..255 bytes of A-Z a-z 0-9 . _ : @ % + = , / - */
/*
 * The length of S up to its first C or its end: strcspn(S, "C"), for
 * the one byte every caller has, without libc's strcspn (~200 bytes of
 * a static tool).
 */
size_t
span_to(const char *s, char c)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != c)
		n++;
	return n;
}

int
word_ok(const char *s, size_t len)
{
	return len > 0 && len <= WORD_MAX && span_class(s, len, CL_WORD) == len;
}

/* Token: 1..64 printable, non-blank ASCII bytes. */
int
token_ok(const char *s, size_t len)
{
	return len > 0 && len <= TOKEN_MAX &&
	    span_class(s, len, CL_TOKEN) == len;
}

static int
twodig(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* 8 bytes at S, as they lie in memory (no alignment needed). */
static uint64_t
load8(const char *s)
{
	uint64_t v;

	memcpy(&v, s, sizeof v);
	return v;
}

/*
 * YYYY-MM-DDTHH:MM:SS.mmmZ, with each field in its calendar range.  The
 * form is checked 8 bytes at a time (every line of the registry has a
 * stamp): where FORM has a separator, the byte is it; where FORM has a
 * 0, the byte's high nibble is 3 and stays 3 with 6 added (0x30-0x39).
 * No carry crosses bytes unless a byte is already wrong.  The constants
 * are read as the stamp is, so the byte order is the machine's own.
 */
int
stamp_ok(const char *s, size_t len)
{
	static const char form[] = "0000-00-00T00:00:00.000Z",
	    dig[] = "\377\377\377\377\0\377\377\0\377\377\0\377\377\0\377\377"
	    "\0\377\377\0\377\377\377\0";
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL, six = 0x0606060606060606ULL;
	uint64_t x, f, m;
	int i, mon, day;

	if (len != STAMP_LEN)
		return 0;
	for (i = 0; i < STAMP_LEN; i += 8) {
		x = load8(s + i), f = load8(form + i), m = load8(dig + i);
		if (((x ^ f) & ~m) != 0 || (x & hi & m) != (f & m) ||
		    ((x + six) & hi & m) != (f & m))
			return 0;
	}
	mon = twodig(s + 5), day = twodig(s + 8);
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 &&
	    twodig(s + 11) <= 23 && twodig(s + 14) <= 59 && twodig(s + 17) <= 60;
}

/* V's last N decimal digits, at P. */
static char *
put_digits(char *p, unsigned long v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/*
 * SECS since the epoch (0 or after, before the year 10000) and NSEC as
 * YYYY-MM-DDTHH:MM:SS.mmmZ.  The civil date is computed here, after Howard
 * Hinnant's days-to-civil, because glibc's gmtime_r() reads /etc/localtime
 * first, and the tools need nothing from /etc.
 */
void
stamp_fmt(unsigned long long secs, long nsec, char buf[STAMP_LEN + 1])
{
	unsigned long long z = secs / 86400 + 719468, era = z / 146097;
	unsigned long sod = (unsigned long)(secs % 86400);
	unsigned long doe, yoe, doy, mp, mon;
	char *p = buf;

	doe = (unsigned long)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mon = mp < 10 ? mp + 3 : mp - 9;
	p = put_digits(p, (unsigned long)(yoe + era * 400) + (mon <= 2), 4);
	*p++ = '-';
	p = put_digits(p, mon, 2);
	*p++ = '-';
	p = put_digits(p, doy - (153 * mp + 2) / 5 + 1, 2);
	*p++ = 'T';
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	*p++ = '.';
	p = put_digits(p, (unsigned long)nsec / 1000000, 3);
	*p++ = 'Z';
	*p = '\0';
}

/*
 * The time stamp S (of stamp_ok()'s form) as nanoseconds since the epoch
 * (negative before it), by Hinnant's civil-to-days, the inverse of
 * stamp_fmt(); -1 when S is not of the form.
 */
long long
stamp_ns(const char *s)
{
	long long y, era, yoe, doy, days;
	int mon, day;

	if (!stamp_ok(s, strlen(s)))
		return -1;
	mon = twodig(s + 5), day = twodig(s + 8);
	y = twodig(s) * 100 + twodig(s + 2) - (mon <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + day - 1;
	days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	return ((days * 86400 + twodig(s + 11) * 3600 + twodig(s + 14) * 60 +
	    twodig(s + 17)) * 1000 + twodig(s + 20) * 10 + (s[22] - '0')) *
	    1000000;
}

void
stamp_now(char buf[STAMP_LEN + 1])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	stamp_fmt((unsigned long long)ts.tv_sec, ts.tv_nsec, buf);
}

/*
 * The end of the pid at P, before END, as the file holds it: 1 to 10
 * digits, no leading zero, 1..2147483647; its value in *PID.  NULL when
 * there is none.  Read and checked in one pass.
 */
const char *
pid_scan(const char *p, const char *end, pid_t *pid)
{
	const char *s = p, *e = end - p > 11 ? p + 11 : end;	/* 11: too many */
	unsigned long long v = 0;
	unsigned d;

	while (p < e && (d = (unsigned)(unsigned char)*p - '0') <= 9)
		v = v * 10 + d, p++;
	if (p == s || p - s > 10 || *s == '0' || v > PID_MAXV)
		return NULL;
	*pid = (pid_t)v;
	return p;
}

/* S, LEN bytes, all of it a pid (pid_scan()): 1, and *PID; else 0. */
int
pid_parse(const char *s, size_t len, pid_t *pid)
{
	pid_t v;

	if (pid_scan(s, s + len, &v) != s + len)
		return 0;
	*pid = v;
	return 1;
}

/* Decimal digits only (no sign, space, base prefix or exponent), <= max. */
int
ulong_parse(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (v > max / 10 || (unsigned long)(*s - '0') > max - v * 10)
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 1;
}

/*
 * Seconds as DIGITS[.DIGITS] (or .DIGITS), at most 10^9 s, into
 * nanoseconds; digits past the ninth decimal are ignored.
 */
int
secs_parse(const char *s, long long *ns)
{
	long long whole = 0, frac = 0, scale = 100000000;
	int any = 0;

	for (; *s >= '0' && *s <= '9'; s++, any = 1) {
		whole = whole * 10 + (*s - '0');
		if (whole > 1000000000LL)
			return 0;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, any = 1) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (!any || *s != '\0')
		return 0;
	*ns = whole * 1000000000LL + frac;
	return 1;
}

/*
 * NS (0 or more) in seconds, exactly: the whole part, then the fraction's
 * digits without their trailing zeros, as -W and -T take them ("1",
 * "1.5", "0.25", "1000000000").
 */
void
secs_str(long long ns, char buf[SECS_LEN])
{
	long long f = ns % 1000000000LL;
	int p = 9, k;

	while (p > 0 && f % 10 == 0)
		f /= 10, p--;
	k = fmt_snprintf(buf, SECS_LEN, "%lld", ns / 1000000000LL);
	if (p > 0)
		fmt_snprintf(buf + k, SECS_LEN - k, ".%0*lld", p, f);
}

/*
 * The decimal number at S, after blanks, into *V, as sscanf(3)'s %llu
 * reads what the kernel writes (no sign): the byte after it, or NULL when
 * no digit is there or it does not fit.  (No libc scanf or strtol family,
 * each several kB of a static tool.)
 */
const char *
num_next(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;
	const char *p;
	unsigned d;

	s += strspn(s, " \t\n");
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		d = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - d) / 10)
			return NULL;
		n = n * 10 + d;
	}
	if (p == s)
		return NULL;
	*v = n;
	return p;
}
