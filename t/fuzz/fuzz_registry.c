/*
 * fuzz_registry.c - the registry's whole-file parser, reg_parse_buf(), on
 * any bytes (libFuzzer).
 *
 * Every line that is neither empty nor a comment ends up a record or a bad
 * line, once, in file order; a record formats back to its line, a bad line
 * is its line verbatim (it is quarantined as it is); no id is held twice.
 * Then some records (picked by the input's bytes) are removed, and what
 * reg_write() writes must be the header and the kept records' lines, in
 * order, with every record still whole afterwards.
 * A broken invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"

/* What R's file should hold, by rec_format(); 0 if it does not fit. */
static size_t
expected(const struct reg *r, char *buf, size_t size)
{
	size_t i, n, len = (size_t)snprintf(buf, size, "#prreg 1 boot=%s\n",
	    r->otherboot ? r->boot : boot_id());

	for (i = 0; i < r->n; i++) {
		if (r->rec[i].gone)
			continue;
		n = rec_format(&r->rec[i], buf + len, size - len);
		if (n > size - len)
			return 0;
		len += n;
	}
	return len;
}

/*
 * Remove the records the input's bytes pick, write R to a scratch file,
 * and check it; then every record must still be whole.
 */
static void
check_write(struct reg *r, const uint8_t *data, size_t size)
{
	static char got[1 << 21], want[1 << 21], again[1 << 21];
	static FILE *scratch;
	size_t i, len;
	int fd;

	if (scratch == NULL && (scratch = tmpfile()) == NULL)
		abort();
	fd = fileno(scratch);
	for (i = 0; i < r->n; i++)
		if (size > 0 && data[i % size] & 1)
			reg_remove(r, &r->rec[i]);
	if ((len = expected(r, want, sizeof want)) == 0)
		return;		/* too big to check here */
	if (ftruncate(fd, 0) == -1 || lseek(fd, 0, SEEK_SET) == -1)
		abort();
	reg_write(r, fd, "scratch");
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    read(fd, got, sizeof got) != (ssize_t)len ||
	    memcmp(got, want, len) != 0 ||
	    expected(r, again, sizeof again) != len ||
	    memcmp(again, want, len) != 0)
		abort();
}

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
	check_write(&r, data, size);
	reg_free(&r);
	return 0;
}
