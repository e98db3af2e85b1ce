/* arg.c - options and their values, checked against the contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "arg.h"
#include "fmt.h"
#include "msg.h"
#include "word.h"

/*
 * getopt(3), POSIX's (no permutation; "--" and the first operand end the
 * options), without libc's: musl's reads each option letter as a
 * multibyte character and brings its own messages, 1.2 kB of every
 * static tool.  It sets getopt's optind, optarg and optopt, as getopt
 * would, byte by byte: an option byte not in OPTS is "unknown" here too.
 */
static int
opt_get(int argc, char *const argv[], const char *opts)
{
	static int pos;		/* in argv[optind]: the next option byte */
	const char *a, *o;
	int c;

	if (optind >= argc || (a = argv[optind]) == NULL || a[0] != '-' ||
	    a[1] == '\0')
		return -1;
	if (pos == 0 && strcmp(a, "--") == 0) {
		optind++;
		return -1;
	}
	pos += pos == 0;
	c = (unsigned char)a[pos++];
	if (a[pos] == '\0')
		optind++, pos = 0;
	if (c == ':' || (o = strchr(opts, c)) == NULL) {
		optopt = c;
		return '?';
	}
	if (o[1] == ':') {
		if (pos != 0)
			optarg = (char *)a + pos, optind++, pos = 0;
		else if (optind < argc)
			optarg = argv[optind++];
		else {
			optopt = c;
			return ':';
		}
	}
	return c;
}

int
opt_next(int argc, char *const argv[], const char *opts)
{
	int c = opt_get(argc, argv, opts);

	if (c == '?') {
		char o[2] = { (char)optopt, '\0' };
		const char *arg = optind < argc ? argv[optind] : "";

		/* A long option (--help) is named whole, as it was given. */
		if (optopt == '-' && strncmp(arg, "--", 2) == 0)
			die(PR_USAGE, "%s: unknown option: options are one "
			    "letter (-h for usage)", arg_shown(arg));
		/* Any byte may follow '-': a newline would split the line. */
		die(PR_USAGE, "-%s: unknown option (-h for usage)",
		    arg_shown(o));
	}
	if (c == ':')
		die(PR_USAGE, "-%c: option requires an argument (-h for usage)",
		    optopt);
	return c;
}

/*
 * The options every tool takes: -h prints USAGE on stdout and exits 0;
 * -r FILE goes to *ROPT.  Returns 1 when C was one of them.
 */
int
opt_common(int c, const char *usage, const char **ropt)
{
	if (c == 'h') {
		fputs(usage, stdout);
		exit(out_status(PR_OK));
	}
	if (c != 'r')
		return 0;
	*ropt = optarg;
	return 1;
}

/* For the tools that take no operands. */
void
opt_no_operands(int argc, char *const argv[])
{
	if (optind < argc)
		die(PR_USAGE, "'%s': unexpected operand (-h for usage)",
		    arg_shown(argv[optind]));
}

/* Show a bad value safely: it may hold tabs, newlines or any byte. */
const char *
arg_shown(const char *v)
{
	static char buf[72];
	size_t i, n = 0;

	/* Room left, at worst, for one \xNN, the "..." and the NUL. */
	for (i = 0; v[i] != '\0' && n < sizeof buf - 8; i++) {
		unsigned char c = v[i];

		if (c >= ' ' && c < 0x7f)
			buf[n++] = c;
		else
			n += fmt_snprintf(buf + n, sizeof buf - n, "\\x%02x", c);
	}
	if (v[i] != '\0')
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

const char *
arg_word(int opt, const char *v)
{
	if (!word_ok(v, strlen(v)))
		die(PR_USAGE, "-%c: invalid value '%s': want 1 to 255 of "
		    "A-Z a-z 0-9 . _ : @ %% + = , / -", opt, arg_shown(v));
	return v;
}

const char *
arg_token(int opt, const char *v)
{
	if (!token_ok(v, strlen(v)))
		die(PR_USAGE, "-%c: invalid token '%s': want 1 to 64 "
		    "printable non-blank bytes", opt, arg_shown(v));
	return v;
}

pid_t
arg_pid(int opt, const char *v)
{
	pid_t pid;

	if (pid_parse(v, strlen(v), &pid))
		return pid;
	if (opt == 0)
		die(PR_USAGE, "'%s': invalid pid: want 1 to 2147483647",
		    arg_shown(v));
	die(PR_USAGE, "-%c: invalid pid '%s': want 1 to 2147483647", opt,
	    arg_shown(v));
	return pid;
}

unsigned long
arg_count(int opt, const char *v, unsigned long min, unsigned long max)
{
	unsigned long n;

	if (!ulong_parse(v, max, &n) || n < min)
		die(PR_USAGE, "-%c: invalid number '%s': want %lu to %lu",
		    opt, arg_shown(v), min, max);
	return n;
}

long long
arg_secs(int opt, const char *v)
{
	long long ns;

	if (!secs_parse(v, &ns))
		die(PR_USAGE, "-%c: invalid seconds '%s': want a decimal "
		    "like 5 or 0.5, at most 1000000000", opt, arg_shown(v));
	return ns;
}

/* A variable name (-u): a letter or _, then letters, digits or _. */
const char *
arg_envname(int opt, const char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' &&
		    v[i] <= 'z') || v[i] == '_' || (i > 0 && v[i] >= '0' &&
		    v[i] <= '9')))
			break;
	if (i == 0 || v[i] != '\0')
		die(PR_USAGE, "-%c: invalid variable name '%s': want a letter "
		    "or _, then letters, digits or _", opt, arg_shown(v));
	return v;
}

/* The names in place, not pointed to: 8 bytes an entry, not 16 and a string. */
static const struct {
	char name[7];
	unsigned char sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "SYS", SIGSYS },
};

/* SIG's name without "SIG" (TERM), or NULL when it has none here. */
const char *
sig_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return NULL;
}

/*
 * V past UP, an upper-case word it begins with in any case (ASCII, as
 * strncasecmp(3) in the C locale); NULL when it does not.  Ours, not
 * libc's strcasecmp pair and its tolower (~300 bytes of static prspawn).
 */
static const char *
case_skip(const char *v, const char *up)
{
	for (; *up != '\0'; v++, up++)
		if ((*v >= 'a' && *v <= 'z' ? *v - ('a' - 'A') : *v) != *up)
			return NULL;
	return v;
}

/*
 * A signal: a name in any case, with or without SIG (TERM, sigterm,
 * Term), or a number; 0 means "none".  -1 when V is none of these.
 */
int
sig_parse(const char *v)
{
	const char *name = case_skip(v, "SIG"), *end;
	unsigned long n;
	size_t i;

	if (name == NULL)
		name = v;
	for (i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if ((end = case_skip(name, signames[i].name)) != NULL &&
		    *end == '\0')
			return signames[i].sig;
	/* Only numbers the system knows as signals. */
	if (ulong_parse(v, 64, &n) &&
	    (n == 0 || sigaction((int)n, NULL, NULL) == 0))
		return (int)n;
	return -1;
}

int
arg_signal(int opt, const char *v)
{
	int sig = sig_parse(v);

	if (sig != -1)
		return sig;
	die(PR_USAGE, "-%c: invalid signal '%s': want a name like TERM or "
	    "a number", opt, arg_shown(v));
	return -1;
}
