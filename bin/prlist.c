/* prlist - show records of the registry.  See prlist(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "msg.h"
#include "registry.h"
#include "select.h"
#include "xalloc.h"

#define USAGE "usage: prlist [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-l | -d] [-o FIELD[,FIELD...]]\n"

static const struct rec *base;
static char obuf[1 << 16];

/* Oldest started first; ties keep file order.  Stamps sort as text. */
static int
by_started(const void *a, const void *b)
{
	const struct rec *x = base + *(const size_t *)a;
	const struct rec *y = base + *(const size_t *)b;
	int c = strcmp(x->f[F_STARTED], y->f[F_STARTED]);

	return c != 0 ? c : (x > y) - (x < y);
}

static void
print_fields(const struct rec *r, const int *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(r->f[fields[i]], stdout);
		putchar(i + 1 == n ? '\n' : '\t');
	}
}

static size_t
parse_fields(const char *list, int *fields)
{
	size_t n = 0;
	const char *p = list, *comma;
	char name[72];

	for (;;) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		if (n == 64)
			die(PR_USAGE, "-o: more than 64 fields");
		if ((fields[n++] = field_index(p, comma - p)) < 0) {
			/* Enough of it for arg_shown() to cut with "...". */
			snprintf(name, sizeof name, "%.*s", (int)(comma - p), p);
			die(PR_USAGE, "-o: unknown field '%s': want pid, pgid, "
			    "type, session, started, token or id",
			    arg_shown(name));
		}
		if (*comma == '\0')
			return n;
		p = comma + 1;
	}
}

int
main(int argc, char *argv[])
{
	const char *ropt = NULL;
	struct sel sel = { 0 };
	int c, want = -1, fields[64];
	size_t i, n = 0, nf = 0, *idx;
	struct reg reg;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:ldo:" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'l':
		case 'd':
			if (want != -1 && want != (c == 'l'))
				die(PR_USAGE, "-l and -d exclude each other");
			want = c == 'l';
			break;
		case 'o':
			nf = parse_fields(optarg, fields);
			break;
		}
	}
	opt_no_operands(argc, argv);

	/* Read, with no lock: a reader sees the old file or the new one. */
	if (reg_open(&reg, ropt, 0) == -1 || reg_load(&reg) == -1)
		die_failed();

	/* Select, then sort the selection by start time. */
	idx = xcalloc(reg.n, sizeof *idx);
	for (i = 0; i < reg.n; i++)
		if (sel_match(&sel, &reg.rec[i]) && (want == -1 ||
		    want == reg_may_live(&reg, &reg.rec[i])))
			idx[n++] = i;
	base = reg.rec;
	/* prspawn appends in start order: sort only a file that is not. */
	for (i = 1; i < n && by_started(&idx[i - 1], &idx[i]) < 0; i++)
		;
	if (i < n)
		qsort(idx, n, sizeof *idx, by_started);

	/* Large writes: stdio's own buffer made it 250 write(2)s a MB. */
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	for (i = 0; i < n; i++) {
		if (nf > 0)
			print_fields(&reg.rec[idx[i]], fields, nf);
		else
			rec_print(&reg.rec[idx[i]]);
	}
	free(idx);
	reg_free(&reg);
	return out_status(n > 0 ? PR_OK : PR_NO);
}
