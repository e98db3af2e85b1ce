/* msg.c - "prog: what: why" on stderr, and exits with the contract's statuses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

const char *prog = "prreg";

void
msg_init(const char *argv0)
{
	const char *s;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	s = strrchr(argv0, '/');
	prog = s != NULL ? s + 1 : argv0;
}

/* One write per message, so that lines of concurrent tools do not mix. */
static void
vmsg(int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int n, m;

	/* argv[0] may be anything (exec -a): a name past NAME_MAX is cut. */
	n = snprintf(buf, sizeof buf, "%.255s: ", prog);
	m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	n = m < 0 ? n : (n + m >= (int)sizeof buf ? (int)sizeof buf - 1 : n + m);
	if (err)
		n += snprintf(buf + n, sizeof buf - n, ": %s", strerror(err));
	if (n >= (int)sizeof buf - 1)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	fflush(stdout);
	fwrite(buf, 1, n, stderr);
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
