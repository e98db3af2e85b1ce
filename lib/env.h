/*
 * env.h - the environment of a child about to exec, changed in place:
 * setenv(3) and unsetenv(3) with nothing freed (the exec drops it all).
 * libc's pair, with its putenv and bookkeeping, weighed ~1 kB in the
 * static prspawn (make static).
 */
#ifndef PRREG_ENV_H
#define PRREG_ENV_H

int env_set(const char *name, const char *value);
void env_unset(const char *name);

#endif
