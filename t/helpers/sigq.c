/*
 * sigq PID SIG VALUE - send SIG (a number) to PID with VALUE, as
 * sigqueue(3) does (si_code SI_QUEUE): the word prreap gives a keeper
 * (keeper_tell_forget()), or any other value.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long
num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "sigq: %s: not a number from %ld to %ld\n", s,
		    min, max);
		exit(2);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	union sigval v;

	if (argc != 4) {
		fprintf(stderr, "usage: sigq PID SIG VALUE\n");
		return 2;
	}
	v.sival_int = (int)num(argv[3], -2147483647L - 1, 2147483647L);
	if (sigqueue((pid_t)num(argv[1], 2, 4194304), (int)num(argv[2], 1, 64),
	    v) == -1) {
		fprintf(stderr, "sigq: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
