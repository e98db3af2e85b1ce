/* reglive.h - the liveness of a registry's records (reglive.c). */
#ifndef PRREG_REGLIVE_H
#define PRREG_REGLIVE_H

#include "proc.h"
#include "registry.h"

enum live reg_live(const struct reg *r, const struct rec *rec);
int reg_may_live(const struct reg *r, const struct rec *rec);
size_t reg_live_of(const struct reg *r, const char *type, size_t enough,
    void (*fn)(void *, const struct rec *, pid_t), void *arg);

#endif
