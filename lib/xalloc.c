/* xalloc.c - calloc and realloc that never return NULL. */
#include <stdlib.h>

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
