/* env.c - setenv(3) and unsetenv(3) for a child about to exec. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

extern char **environ;

/* The length of NAME, 0 when it is no name (empty, or with an '='). */
static size_t
name_len(const char *name)
{
	size_t n = strlen(name);

	return memchr(name, '=', n) == NULL ? n : 0;
}

/* Whether environment entry E is NAME's (LEN its length). */
static int
is_of(const char *e, const char *name, size_t len)
{
	return strncmp(e, name, len) == 0 && e[len] == '=';
}

/*
 * NAME=VALUE: the first entry of NAME's replaced, or one added at the
 * end, as setenv(3) with overwrite.  -1 (errno) when NAME is no name or
 * there is no memory.
 */
int
env_set(const char *name, const char *value)
{
	size_t len = name_len(name), vlen = strlen(value), n = 0;
	char *s, **e;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((s = malloc(len + vlen + 2)) == NULL)
		return -1;
	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen + 1);
	for (; environ != NULL && environ[n] != NULL; n++)
		if (is_of(environ[n], name, len)) {
			environ[n] = s;
			return 0;
		}
	if ((e = malloc((n + 2) * sizeof *e)) == NULL)
		return -1;
	if (n > 0)
		memcpy(e, environ, n * sizeof *e);
	e[n] = s;
	e[n + 1] = NULL;
	environ = e;
	return 0;
}

/* Every entry of NAME's out, as unsetenv(3); nothing when NAME is none. */
void
env_unset(const char *name)
{
	size_t len = name_len(name);
	char **r, **w;

	if (len == 0 || environ == NULL)
		return;
	for (r = w = environ; *r != NULL; r++)
		if (!is_of(*r, name, len))
			*w++ = *r;
	*w = NULL;
}
