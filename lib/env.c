/* env.c - the environment of a command about to be started. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

/* The length of the name S begins with: all of NAME, or NAME=VALUE's. */
static size_t
key_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != '=')
		n++;
	return n;
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
	size_t len = key_len(name), vlen = strlen(value), n = 0;
	char *s, **e;

	if (len == 0 || name[len] != '\0') {
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

/* Whether entry E is of the name of an item of LIST (NULL-ended, or NULL). */
static int
named(const char *e, const char *const *list)
{
	size_t n;

	for (; list != NULL && *list != NULL; list++)
		if ((n = key_len(*list)) > 0 && is_of(e, *list, n))
			return 1;
	return 0;
}

/*
 * The environment a command is to get, made before the fork that starts
 * it (a child that borrows its parent's memory may not allocate): each
 * entry of environ but those of a name in DROP (NAMEs) or in ADD
 * (NAME=VALUEs), then ADD's entries, not copied.  Both NULL-ended; DROP
 * may be NULL.  NULL when there is no memory.
 */
char **
env_made(const char *const *drop, const char *const *add)
{
	size_t n = 0, k = 0, i;
	char **e;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (add[k] != NULL)
		k++;
	if ((e = malloc((n + k + 1) * sizeof *e)) == NULL)
		return NULL;
	for (i = n = 0; environ != NULL && environ[i] != NULL; i++)
		if (!named(environ[i], drop) && !named(environ[i], add))
			e[n++] = environ[i];
	memcpy(e + n, add, (k + 1) * sizeof *e);	/* theirs: not changed */
	return e;
}
