/* msg.c - "prog: what: why" on stderr, and exits with the contract's statuses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdlimit.h"
#include "fmt.h"
#include "msg.h"

const char *prog = "prreg";

/* The last failure the library kept for its caller (fail()). */
static char failbuf[1024];
static int failst = PR_SYS;

/*
 * Every tool's first call: its name for messages, and (as it starts,
 * before anything is read) the soft descriptor limit raised to the hard
 * one (fdlimit.h).
 */
void
msg_init(const char *argv0)
{
	const char *s;

	fd_limit_raise();

	if (argv0 == NULL || *argv0 == '\0')
		return;
	s = strrchr(argv0, '/');
	prog = s != NULL ? s + 1 : argv0;
}

/* "FMT...[: strerror(ERR)]" into BUF, cut to fit. */
static void
vfmt(char *buf, size_t size, int err, const char *fmt, va_list ap)
{
	int n = fmt_vsnprintf(buf, size, fmt, ap);

	n = n < 0 ? 0 : (n >= (int)size ? (int)size - 1 : n);
	if (err)
		fmt_snprintf(buf + n, size - n, ": %s", strerror(err));
}

/* One write per message, so that lines of concurrent tools do not mix. */
static void
put(const char *text)
{
	char buf[1024 + 264];
	int n;

	/* argv[0] may be anything (exec -a): a name past NAME_MAX is cut. */
	n = fmt_snprintf(buf, sizeof buf, "%.255s: %.1023s", prog, text);
	if (n >= (int)sizeof buf - 1)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	fflush(stdout);
	fwrite(buf, 1, n, stderr);
}

static void
vmsg(int err, const char *fmt, va_list ap)
{
	char text[1024];

	vfmt(text, sizeof text, err, fmt, ap);
	put(text);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void
warn_(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(err, fmt, ap);
	va_end(ap);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
die_sys(int status, const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(err, fmt, ap);
	va_end(ap);
	exit(status);
}

/* Keep "what: why" and STATUS for the caller; returns -1, errno kept. */
int
fail(int status, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vfmt(failbuf, sizeof failbuf, 0, fmt, ap);
	va_end(ap);
	failst = status;
	errno = e;
	return -1;
}

int
fail_sys(int status, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vfmt(failbuf, sizeof failbuf, e, fmt, ap);
	va_end(ap);
	failst = status;
	errno = e;
	return -1;
}

int
failed_status(void)
{
	return failst;
}

const char *
failed_msg(void)
{
	return failbuf;
}

/* The failure the library kept, said, and its status. */
void
die_failed(void)
{
	put(failbuf[0] != '\0' ? failbuf : "internal error: no message");
	exit(failst);
}

/*
 * STATUS, once stdout has taken all that was printed; else a message and
 * PR_SYS.  ferror() too: musl may fail a write inside printf, and then
 * fflush has nothing left to fail.
 */
int
out_status(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		die_sys(PR_SYS, "stdout");
	return status;
}
