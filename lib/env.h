/*
 * env.h - the environment of a command about to be started: setenv(3)
 * with nothing freed, in a child about to exec (the exec drops it all),
 * and the whole of it made beforehand for a child that cannot allocate.
 * libc's setenv and unsetenv, with putenv and bookkeeping, weighed ~1 kB
 * in the static prspawn (make static).
 */
#ifndef PRREG_ENV_H
#define PRREG_ENV_H

extern char **environ;

int env_set(const char *name, const char *value);
char **env_made(const char *const *drop, const char *const *add);

#endif
