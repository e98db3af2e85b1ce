/*
 * xalloc.c - calloc and realloc that never return NULL; a large buffer's
 * pages made present at once.
 */
#define _DEFAULT_SOURCE		/* madvise(2) */
#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "msg.h"
#include "xalloc.h"

/* N zeroed elements of SIZE bytes; N may be 0. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		die(PR_SYS, "out of memory");
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	if ((p = realloc(p, size == 0 ? 1 : size)) == NULL)
		die(PR_SYS, "out of memory");
	return p;
}

/*
 * The pages of P..P+N (a buffer about to be filled: the registry's
 * bytes, its records, their index) made present in one call, where each
 * would otherwise cost a page fault when first touched: some 400 of them
 * at 10 000 records, a third of prspawn's time where faults are dear (a
 * virtual machine without nested paging).  Linux 5.14's
 * MADV_POPULATE_WRITE, from P's page to its last byte's (the pages its
 * allocation is in: present already, or ours to fault); elsewhere, or
 * when it is refused (an older kernel, a page size not 4 KiB: EINVAL),
 * the pages come as they are touched.
 */
void
mem_populate(void *p, size_t n)
{
#if defined(__linux__)
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;

	if (n >= 8192)	/* less is a page or two: a syscall would cost more */
		madvise((void *)a, (uintptr_t)p + n - a, 23);
#else
	(void)p, (void)n;
#endif
}
