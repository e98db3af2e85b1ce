/* regindex.c - the registry's records by id: open addressing, FNV-1a. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "registry.h"
#include "xalloc.h"

static size_t
hash_id(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot of ID: the one holding it, or the empty one where it goes. */
uint32_t *
idx_slot(struct reg *r, const char *id)
{
	size_t i = hash_id(id) & (r->hcap - 1);

	while (r->hash[i] != 0 && strcmp(r->rec[r->hash[i] - 1].f[F_ID], id))
		i = (i + 1) & (r->hcap - 1);
	return &r->hash[i];
}

/* An index with room for WANT records, of those not gone. */
int
idx_build(struct reg *r, size_t want)
{
	uint32_t *h;
	size_t cap = 64, i;

	while (cap < want * 2)
		cap *= 2;
	/* Made present, then zeroed: calloc() would fault page by page. */
	if ((h = malloc(cap * sizeof *h)) == NULL)
		return fail_sys(PR_SYS, "%s: cannot index", r->path);
	mem_populate(h, cap * sizeof *h);
	memset(h, 0, cap * sizeof *h);
	free(r->hash);
	r->hash = h;
	r->hcap = cap;
	for (i = 0; i < r->n; i++)
		if (!r->rec[i].gone)
			*idx_slot(r, r->rec[i].f[F_ID]) = (uint32_t)(i + 1);
	return 0;
}
