/*
 * fuzz_registry.c - the registry's whole-file parser, reg_parse_buf(), on
 * any bytes (libFuzzer).
 *
 * Every line that is neither empty nor a comment ends up a record or a bad
 * line, once, in file order; a record formats back to its line, a bad line
 * is its line verbatim (it is quarantined as it is); no id is held twice.
 * A broken invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	char *buf = malloc(size + 1), out[1024];
	size_t nrec = 0, nbad = 0, len;
	unsigned long line = 0;
	struct reg r;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&r, 0, sizeof r);
	r.lockfd = -1;
	r.warned = 1;		/* no message per bad line */
	strcpy(r.path, "fuzz");
	reg_parse_buf(&r, buf, size);

	/* Walk the input's lines alongside the records and bad lines. */
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		len = nl - p;
		line++;
		if (len == 0 || p[0] == '#')
			continue;
		if (nrec < r.n && r.rec[nrec].line == line) {
			const struct rec *rec = &r.rec[nrec++];

			if (len + 1 > sizeof out ||
			    rec_format(rec, out, sizeof out) != len + 1 ||
			    memcmp(out, p, len) != 0 ||
			    reg_find(&r, rec->f[F_ID]) != rec)
				abort();
		} else if (nbad < r.nbad && r.bad[nbad].line == line) {
			const struct badline *b = &r.bad[nbad++];

			if (b->len != len || memcmp(b->text, p, len) != 0)
				abort();
		} else {
			abort();	/* a line lost */
		}
	}
	if (nrec != r.n || nbad != r.nbad)
		abort();
	if (r.boot[0] != '\0' && !token_ok(r.boot, strlen(r.boot)))
		abort();
	reg_free(&r);
	return 0;
}
