/*
 * msg.h - the suite's one message idiom and its one table of exit statuses.
 *
 * Every message is one line on stderr: "prog: what: why".  die() and
 * die_sys() end the program with one of the PR_* statuses below, which are
 * the statuses of prreg's contract (SPEC section 3) for every tool.
 *
 * The library does not end the program: a function that fails keeps what
 * failed with fail() or fail_sys(), which return -1, and its caller, the
 * tool, decides: undo what it started, then die_failed() (the kept message
 * and status), or go on.
 */
#ifndef PRREG_MSG_H
#define PRREG_MSG_H

#if defined(__GNUC__) || defined(__clang__)
#define NORETURN __attribute__((__noreturn__))
#define PRINTF(f, a) __attribute__((__format__(__printf__, f, a)))
#else
#define NORETURN
#define PRINTF(f, a)
#endif

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
void warnx_(const char *fmt, ...) PRINTF(1, 2);	/* prog: MESSAGE */
void warn_(const char *fmt, ...) PRINTF(1, 2);	/* ...: strerror(errno) */
void die(int status, const char *fmt, ...) PRINTF(2, 3) NORETURN;
void die_sys(int status, const char *fmt, ...) PRINTF(2, 3) NORETURN;
int out_status(int status);	/* STATUS once stdout took all, else 3 */

int fail(int status, const char *fmt, ...) PRINTF(2, 3);
int fail_sys(int status, const char *fmt, ...) PRINTF(2, 3);
int failed_status(void);
const char *failed_msg(void);
void die_failed(void) NORETURN;

#endif
