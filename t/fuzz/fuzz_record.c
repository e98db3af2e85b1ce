/*
 * fuzz_record.c - rec_parse() on any bytes (libFuzzer).
 *
 * A line it accepts formats back, by rec_format(), to exactly its bytes
 * and a LF, and each field passes its own check; a line it refuses is left
 * as it was, spare byte included, since the registry quarantines it
 * verbatim.  A broken invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "word.h"

#define SPARE '\n'		/* what the registry reader has there */

static void
check_fields(const struct rec *r)
{
	const char *const *f = r->f;
	pid_t pid;

	if (!pid_parse(f[F_PID], strlen(f[F_PID]), &pid) || pid != r->pid)
		abort();
	if (strcmp(f[F_PGID], "-") == 0 ? r->pgid != 0 :
	    !pid_parse(f[F_PGID], strlen(f[F_PGID]), &pid) || pid != r->pgid)
		abort();
	if (!word_ok(f[F_TYPE], strlen(f[F_TYPE])) ||
	    !word_ok(f[F_SESSION], strlen(f[F_SESSION])) ||
	    !word_ok(f[F_ID], strlen(f[F_ID])) ||
	    !stamp_ok(f[F_STARTED], strlen(f[F_STARTED])))
		abort();
	if (strcmp(f[F_TOKEN], "-") != 0 &&
	    !token_ok(f[F_TOKEN], strlen(f[F_TOKEN])))
		abort();
	if (r->line != 0 || r->gone != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *out;
	struct rec r;
	size_t n;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = SPARE;
	if (!rec_parse(line, size, &r)) {
		if (memcmp(line, data, size) != 0 || line[size] != SPARE)
			abort();
		free(line);
		return 0;
	}
	check_fields(&r);
	n = rec_format(&r, NULL, 0);
	if (n != size + 1 || (out = malloc(n)) == NULL)
		abort();
	if (rec_format(&r, out, n) != n || memcmp(out, data, size) != 0 ||
	    out[size] != '\n')
		abort();
	free(out);
	free(line);
	return 0;
}
