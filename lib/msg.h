/*
 * msg.h - the suite's one message idiom and its one table of exit statuses.
 *
 * Every message is one line on stderr: "prog: what: why".  die() and
 * die_sys() end the program with one of the PR_* statuses below, which are
 * the statuses of prreg's contract (SPEC section 3) for every tool.
 */
#ifndef PRREG_MSG_H
#define PRREG_MSG_H

enum {
	PR_OK = 0,		/* success, or "yes" */
	PR_NO = 1,		/* "no": nothing matched, not live, survived */
	PR_USAGE = 2,		/* usage error or invalid input */
	PR_SYS = 3,		/* registry or system error, unsafe file */
	PR_NOSLOT = 4,		/* prspawn: no slot */
	PR_NOEXEC = 126,	/* prspawn: command not executable */
	PR_NOTFOUND = 127	/* prspawn: command not found */
};

extern const char *prog;

void msg_init(const char *argv0);
void warnx_(const char *fmt, ...);	/* prog: MESSAGE */
void warn_(const char *fmt, ...);	/* prog: MESSAGE: strerror(errno) */
void die(int status, const char *fmt, ...);	/* warnx_, then exit */
void die_sys(int status, const char *fmt, ...);	/* warn_, then exit */
int out_status(int status);	/* STATUS once stdout took all, else 3 */

#endif
