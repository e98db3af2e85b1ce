/*
 * fuzz_pidfile.c - pidfile_parse() on any bytes (libFuzzer).
 *
 * What it accepts has a pid of 1..2147483647, written in decimal at the
 * start of the bytes and followed by their end, a blank or a line end; the
 * token is "" or a valid token, within its buffer, the word after the pid.  A broken invariant
 * aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = malloc(TOKEN_MAX + 1), dec[16];
	const char *buf = (const char *)data;
	size_t n, t;
	pid_t pid = 0;

	if (token == NULL)
		return 0;
	memset(token, 'x', TOKEN_MAX + 1);	/* no NUL: it must put one */
	if (pidfile_parse(buf, size, &pid, token)) {
		/* A 32-bit pid_t holds no more than PID_MAXV. */
		if (pid < 1)
			abort();
		n = (size_t)snprintf(dec, sizeof dec, "%ld", (long)pid);
		if (n > size || memcmp(dec, buf, n) != 0 || (n < size &&
		    (buf[n] == '\0' || strchr(" \t\r\n", buf[n]) == NULL)))
			abort();
		t = strnlen(token, TOKEN_MAX + 1);
		if (t > TOKEN_MAX || (t > 0 && !token_ok(token, t)))
			abort();
		/* The token is the word after the pid and its blanks. */
		while (t > 0 && n < size && (buf[n] == ' ' || buf[n] == '\t'))
			n++;
		if (t > 0 && (size - n < t || memcmp(buf + n, token, t) != 0))
			abort();
	}
	free(token);
	return 0;
}
