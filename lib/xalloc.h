/*
 * xalloc.h - memory, or the end of the program: on failure, one message
 * ("out of memory") and exit status 3, like any other system error.
 */
#ifndef PRREG_XALLOC_H
#define PRREG_XALLOC_H

#include <stddef.h>

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void mem_populate(void *p, size_t n);

#endif
