/*
 * sort.h - qsort(3)'s work without libc's: musl's qsort (a smoothsort)
 * is 2 kB of every static tool that sorts.  A merge sort, as glibc's
 * qsort is, as fast; a heapsort in place when there is no memory for
 * the merge.  Input already in order, as a registry's records mostly
 * are, is seen in one pass.
 */
#ifndef PRREG_SORT_H
#define PRREG_SORT_H

#include <stddef.h>

void list_sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *));

#endif
