/*
 * fmtdiff - lib/fmt.c, lib/sort.c and opt_next() (lib/arg.c) against the
 * libc they replace: each case is run through both and every difference
 * is printed, then "N differ".  Built by t/review.bats against the
 * suite's libprreg.a.  Only cases where glibc and musl agree (a signed
 * number past 64 bits, or %s of NULL with a precision, they do not).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arg.h"
#include "fmt.h"
#include "sort.h"

static int differ;

#define OUT(...) do {							\
	char a_[256], b_[256];						\
	int x_ = snprintf(a_, sizeof a_, __VA_ARGS__);			\
	int y_ = fmt_snprintf(b_, sizeof b_, __VA_ARGS__);		\
	if (x_ != y_ || strcmp(a_, b_) != 0) {				\
		differ++;						\
		printf("snprintf(%s): libc '%s' %d, ours '%s' %d\n",	\
		    #__VA_ARGS__, a_, x_, b_, y_);			\
	}								\
} while (0)

#define IN(s, f, T) do {						\
	T a_ = 77, b_ = 77;						\
	int x_ = sscanf(s, f, &a_), y_ = fmt_sscanf(s, f, &b_);		\
	if (x_ != y_ || a_ != b_) {					\
		differ++;						\
		printf("sscanf('%s', %s): libc %d %lld, ours %d %lld\n",	\
		    s, f, x_, (long long)a_, y_, (long long)b_);	\
	}								\
} while (0)

static void
out_numbers(void)
{
	static const long long v[] = { 0, 1, -1, 7, -42, 255, INT_MAX,
	    INT_MIN, 123456789, LLONG_MAX, LLONG_MIN };
	static const char *f[] = { "%d", "%i", "%5d", "%-5d|", "%05d",
	    "%-05d|", "%.3d", "%8.3d", "%-8.3d|", "%08.3d", "%.0d", "%5.0d",
	    "%u", "%x", "%o", "%08x", "%.10o", "%1d", "%0d", "%-0d" };
	static const char *lf[] = { "%ld", "%lu", "%lx", "%lo", "%25ld",
	    "%-25ld|", "%025ld", "%.22lo", "%.30ld" };
	static const char *llf[] = { "%lld", "%llu", "%llx", "%llo",
	    "%25lld", "%-25lld|", "%025lld", "%.22llo", "%.30lld" };
	size_t i, j;
	int w[] = { 0, 1, 7, 30, -1, -7 };

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (j = 0; j < sizeof f / sizeof f[0]; j++)
			OUT(f[j], (int)v[i]);
		for (j = 0; j < sizeof lf / sizeof lf[0]; j++)
			OUT(lf[j], (long)v[i]);
		for (j = 0; j < sizeof llf / sizeof llf[0]; j++)
			OUT(llf[j], v[i]);
		for (j = 0; j < sizeof w / sizeof w[0]; j++) {
			OUT("%*d|", w[j], (int)v[i]);
			OUT("%-*d|", w[j], (int)v[i]);
			OUT("%0*d|", w[j], (int)v[i]);
			OUT("%.*d|", w[j], (int)v[i]);
			OUT("%*.*lld|", w[j], w[j], v[i]);
			OUT("%0*llu|", w[j], (unsigned long long)v[i]);
		}
	}
	OUT("%llu %llo %llx", ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
	OUT("%lu %ld %ld", ULONG_MAX, LONG_MIN, LONG_MAX);
}

static void
out_others(void)
{
	static const char *f[] = { "%s|", "%5s|", "%-5s|", "%.2s|",
	    "%5.2s|", "%-5.2s|", "%.0s|", "%.9s|" };
	static const char *s[] = { "", "a", "hello", "tab\there" };
	char a[16], b[16];
	size_t i, j;
	int x, y;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		for (j = 0; j < sizeof s / sizeof s[0]; j++)
			OUT(f[i], s[j]);
	OUT("%s|%5s|%-7s|", (char *)NULL, (char *)NULL, (char *)NULL);
	OUT("%*s|%-*s|%.*s|%.*s|", 4, "ab", 4, "ab", 1, "ab", -1, "ab");
	OUT("%*s|", -4, "ab");
	OUT("%c|%3c|%-3c|%c", 'a', 'b', 'c', 0x7f);
	OUT("100%% %%%d%%", 5);
	OUT("%s", "");
	/* The return value and the buffer when it is short, size 0 too. */
	for (i = 0; i < 14; i++) {
		memset(a, 'X', sizeof a), memset(b, 'X', sizeof b);
		x = snprintf(i == 0 ? NULL : a, i, "ab%dcd%s", -12345, "xyz");
		y = fmt_snprintf(i == 0 ? NULL : b, i, "ab%dcd%s", -12345,
		    "xyz");
		if (x != y || memcmp(a, b, sizeof a) != 0) {
			differ++;
			printf("snprintf(size %zu): libc %d '%.16s', ours %d "
			    "'%.16s'\n", i, x, a, y, b);
		}
	}
}

static void
in_numbers(void)
{
	static const char *s[] = { "0", "1", "-1", "+5", " 42", "\t\n 7",
	    "-0", "007", "12abc", "0x10", "-", "+", "--5", "+-5", "", "  ",
	    "x1", "65535", "65536", "-65536", "2147483647", "2147483648",
	    "-2147483648", "-2147483649", "4294967295", "4294967296",
	    "-4294967296", "9223372036854775807", "-9223372036854775808" };
	/* Unsigned only: past 64 bits glibc's signed ones clamp, musl's wrap. */
	static const char *u[] = { "9223372036854775808",
	    "-9223372036854775809", "18446744073709551609",
	    "18446744073709551610", "18446744073709551614",
	    "18446744073709551615", "18446744073709551616",
	    "-18446744073709551615", "-18446744073709551616",
	    "99999999999999999999", "-99999999999999999999",
	    "184467440737095516150", "000000000000000000000018446744073709551615" };
	size_t i;

	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		IN(s[i], "%d", int);
		IN(s[i], "%hd", short);
		IN(s[i], "%ld", long);
		IN(s[i], "%lld", long long);
		IN(s[i], "%u", unsigned);
		IN(s[i], "%hu", unsigned short);
		IN(s[i], "%lu", unsigned long);
		IN(s[i], "%llu", unsigned long long);
	}
	for (i = 0; i < sizeof u / sizeof u[0]; i++) {
		IN(u[i], "%u", unsigned);
		IN(u[i], "%hu", unsigned short);
		IN(u[i], "%lu", unsigned long);
		IN(u[i], "%llu", unsigned long long);
	}
}

/* The formats the suite scans with, on good and bad lines. */
static void
in_lines(void)
{
	static const char *s[] = { "Sat Dec  5 08:07:12 2026 1 2",
	    "S Sat Dec 5 08:07:12 2026 10 20", "abc 12:13", "abc -12 : 13",
	    "", "   ", "a", "quarantine 1 2 3", "quarantine 1 2",
	    "quarantine 18446744073709551615 1 18446744073709551614",
	    "a b c d /sys/fs/cgroup x", "a b c d", "abcdefghijk 1" };
	char a1[8], a2[8], b1[8], b2[8];
	unsigned long long ua[3], ub[3];
	int xa[7], xb[7], x, y, n, k;
	size_t i;

	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		for (k = 0; k < 4; k++) {
			memset(xa, 0, sizeof xa), memset(xb, 0, sizeof xb);
			memset(ua, 0, sizeof ua), memset(ub, 0, sizeof ub);
			strcpy(a1, "?"), strcpy(a2, "?");
			strcpy(b1, "?"), strcpy(b2, "?");
			if (k == 0) {
				x = sscanf(s[i], " %7s %*s %3s %d %d:%d:%d %d %d %d",
				    a1, a2, xa, xa + 1, xa + 2, xa + 3, xa + 4,
				    xa + 5, xa + 6);
				y = fmt_sscanf(s[i], " %7s %*s %3s %d %d:%d:%d %d %d %d",
				    b1, b2, xb, xb + 1, xb + 2, xb + 3, xb + 4,
				    xb + 5, xb + 6);
			} else if (k == 1) {
				x = sscanf(s[i], "quarantine %llu %llu %llu",
				    ua, ua + 1, ua + 2);
				y = fmt_sscanf(s[i], "quarantine %llu %llu %llu",
				    ub, ub + 1, ub + 2);
			} else if (k == 2) {
				x = sscanf(s[i], "%*s %*s %*s %*s %7s", a1);
				y = fmt_sscanf(s[i], "%*s %*s %*s %*s %7s", b1);
			} else {
				xa[0] = xb[0] = -1;
				x = sscanf(s[i], "%3s%d %n", a1, xa + 1, xa);
				y = fmt_sscanf(s[i], "%3s%d %n", b1, xb + 1, xb);
			}
			n = x != y || strcmp(a1, b1) != 0 ||
			    strcmp(a2, b2) != 0 ||
			    memcmp(xa, xb, sizeof xa) != 0 ||
			    memcmp(ua, ub, sizeof ua) != 0;
			if (n) {
				differ++;
				printf("sscanf('%s', format %d): libc %d, ours %d\n",
				    s[i], k, x, y);
			}
		}
	}
}

struct item {
	int key, at;
};

static int
by_key(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

/* list_sort(): sorted as qsort sorts, and stable (qsort need not be). */
static void
sort_cases(void)
{
	struct item a[70], b[70];
	size_t n, i;
	int t;

	srand(7);
	for (t = 0; t < 5000; t++) {
		n = (size_t)(rand() % 70);
		for (i = 0; i < n; i++)
			a[i].key = rand() % (1 + t % 10), a[i].at = (int)i;
		if (t % 3 == 0)
			list_sort(a, n, sizeof a[0], by_key);
		memcpy(b, a, sizeof a);
		for (i = 0; i < n; i++)
			b[i].key = b[i].key * 100 + b[i].at;
		qsort(b, n, sizeof b[0], by_key);
		list_sort(a, n, sizeof a[0], by_key);
		for (i = 0; i < n; i++)
			if (a[i].key != b[i].key / 100) {
				differ++;
				printf("list_sort: case %d differs at %zu\n", t, i);
				break;
			}
	}
}

/* ARGV (NULL-ended) through getopt(3) "+:OPTS", and as opt_next() dies. */
static void
libc_opts(char **argv, const char *opts, char *out, size_t size)
{
	char spec[64];
	int argc, c;
	size_t n = 0;
	const char *o;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	snprintf(spec, sizeof spec, "+:%s", opts);
	optind = 0, opterr = 0;
	out[0] = '\0';
	while ((c = getopt(argc, argv, spec)) != -1) {
		if (c == '?') {
			o = optind < argc ? argv[optind] : "";
			if (optopt == '-' && strncmp(o, "--", 2) == 0)
				snprintf(out + n, size - n, "prreg: %s: unknown "
				    "option: options are one letter (-h for "
				    "usage)\nexit 2\n", arg_shown(o));
			else {
				char b[2] = { (char)optopt, '\0' };

				snprintf(out + n, size - n, "prreg: -%s: unknown "
				    "option (-h for usage)\nexit 2\n",
				    arg_shown(b));
			}
			return;
		}
		if (c == ':') {
			snprintf(out + n, size - n, "prreg: -%c: option "
			    "requires an argument (-h for usage)\nexit 2\n",
			    optopt);
			return;
		}
		o = strchr(opts, c);
		n += (size_t)snprintf(out + n, size - n, "%c %s %d\n", c,
		    o[1] == ':' ? optarg : "-", optind);
	}
	snprintf(out + n, size - n, "end %d\nexit 0\n", optind);
}

/* The same through opt_next(), in a child: it exits on an error. */
static void
our_opts(char **argv, const char *opts, char *out, size_t size)
{
	int p[2], argc, c, st;
	const char *o;
	ssize_t n = 0, r;
	pid_t pid;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	fflush(stdout);		/* not written twice, by the child too */
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		perror("fmtdiff");
		exit(1);
	}
	if (pid == 0) {
		dup2(p[1], 1), dup2(p[1], 2);
		setvbuf(stdout, NULL, _IONBF, 0);
		optind = 1;
		while ((c = opt_next(argc, argv, opts)) != -1) {
			o = strchr(opts, c);
			printf("%c %s %d\n", c, o[1] == ':' ? optarg : "-",
			    optind);
		}
		printf("end %d\n", optind);
		exit(0);
	}
	close(p[1]);
	while ((r = read(p[0], out + n, size - 1 - (size_t)n)) > 0)
		n += r;
	close(p[0]);
	waitpid(pid, &st, 0);
	snprintf(out + n, size - (size_t)n, "exit %d\n",
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128);
}

static void
opt_cases(void)
{
	static const char *v[][7] = {
		{ "-a", "-b", "x", "y" }, { "-ab", "x" }, { "-abx", "y" },
		{ "-bx" }, { "-b" }, { "-a", "-b" }, { "-ab" }, { "--", "-a" },
		{ "-a", "--" }, { "-a", "--", "--" }, { "x", "-a" },
		{ "-a", "x", "-b", "y" }, { "-" }, { "-a", "-" }, { "-q" },
		{ "-aq" }, { "-qa" }, { "--help" }, { "--b" }, { "-a--x" },
		{ "-:" }, { "-a", "-:" }, { "-b", "--" }, { "-b", "-a" },
		{ "-b", "" }, { "", "-a" }, { "-a", "-a", "-c", "-ac", "-ca" },
		{ "-cb" }, { "-cbz", "w" }, { "-c-" }, { "-a-", "--foo" },
		{ "-\001" }, { "-a\n" }, { 0 },
	};
	char *argv[9], a[512], b[512];
	size_t i, k;

	argv[0] = "prreg";
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (k = 0; k < 7 && v[i][k] != NULL; k++)
			argv[k + 1] = (char *)v[i][k];
		argv[k + 1] = NULL;
		libc_opts(argv, "ab:c", a, sizeof a);
		our_opts(argv, "ab:c", b, sizeof b);
		if (strcmp(a, b) != 0) {
			differ++;
			printf("opts case %zu: libc\n%sours\n%s", i, a, b);
		}
	}
}

int
main(void)
{
	out_numbers();
	out_others();
	in_numbers();
	in_lines();
	sort_cases();
	opt_cases();
	printf("%d differ\n", differ);
	return differ != 0;
}
