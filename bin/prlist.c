/* prlist - show records of the registry.  See prlist(1). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arg.h"
#include "fmt.h"
#include "msg.h"
#include "registry.h"
#include "reglive.h"
#include "select.h"
#include "sort.h"
#include "xalloc.h"

#define USAGE "usage: prlist [-r FILE] [-s SESSION] [-t TYPE] [-p PID] " \
	"[-i ID] [-O] [-l | -d]\n" \
	"              [-o FIELD[,FIELD...]] [-H]\n"

#define NF_MAX 64		/* fields -o may name */
#define F_STATE NFIELDS		/* -o state: computed, not stored */

/* A column of -o: a field, the state, or an attribute's key. */
struct col {
	int field;		/* F_PID ... F_ID, F_STATE, or -1: attribute */
	char key[ATTR_KEY_MAX + 1];
};

static const struct rec *base;
static enum live *state;	/* of each record, when -l, -d or -o state */
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

/* -o LIST: field names, "state", and attribute keys (a-z, 1 to 16). */
static size_t
parse_cols(const char *list, struct col *cols)
{
	const char *p = list, *comma;
	char name[72];
	size_t n = 0, len;

	for (;; p = comma + 1) {
		comma = p + span_to(p, ',');
		len = (size_t)(comma - p);
		if (n == NF_MAX)
			die(PR_USAGE, "-o: more than %d fields", NF_MAX);
		cols[n].field = field_index(p, len);
		if (len == 5 && memcmp(p, "state", 5) == 0)
			cols[n].field = F_STATE;
		if (cols[n].field < 0 && !attr_key_ok(p, len)) {
			/* Enough of it for arg_shown() to cut with "...". */
			fmt_snprintf(name, sizeof name, "%.*s", (int)len, p);
			die(PR_USAGE, "-o: unknown field '%s': want pid, pgid, "
			    "type, session, started, token, id, state or an "
			    "attribute's key (a-z)", arg_shown(name));
		}
		fmt_snprintf(cols[n].key, sizeof cols[n].key, "%.*s", (int)len,
		    p);
		n++;
		if (*comma == '\0')
			return n;
	}
}

/* The text of column C of R ("-" for an attribute it does not have). */
static const char *
cell(const struct reg *reg, const struct rec *r, const struct col *c,
    size_t *len)
{
	const char *v;

	if (c->field == F_STATE)
		v = live_name(state[r - reg->rec]);
	else if (c->field >= 0)
		v = r->f[c->field];
	else if ((v = rec_attr(r, c->key, len)) != NULL)
		return v;
	else
		v = "-";
	*len = strlen(v);
	return v;
}

/*
 * Print the records IDX[0..N) of REG: whole lines, or the columns COLS
 * TAB-separated; with HEAD, a header line and columns padded to line up,
 * for a person at a terminal (a script keeps the TABs).
 */
static void
print(const struct reg *reg, const size_t *idx, size_t n,
    const struct col *cols, size_t nc, int head)
{
	size_t w[NF_MAX] = { 0 }, i, j, len;
	const char *v;
	int k;

	if (!head && nc == 0) {
		for (i = 0; i < n; i++)
			rec_print(&reg->rec[idx[i]]);
		return;
	}
	for (j = 0; head && j < nc; j++) {
		w[j] = strlen(cols[j].key);
		for (i = 0; i < n; i++) {
			cell(reg, &reg->rec[idx[i]], &cols[j], &len);
			w[j] = len > w[j] ? len : w[j];
		}
	}
	for (i = head ? 0 : 1; i <= n; i++) {
		for (j = 0; j < nc; j++) {
			if (i == 0) {
				for (k = 0; cols[j].key[k] != '\0'; k++)
					putchar(toupper((unsigned char)
					    cols[j].key[k]));
				len = (size_t)k;
			} else {
				v = cell(reg, &reg->rec[idx[i - 1]], &cols[j],
				    &len);
				fwrite(v, 1, len, stdout);
			}
			if (j + 1 < nc && head)
				fmt_printf("%*s", (int)(w[j] - len + 2), "");
			else if (j + 1 < nc)
				putchar('\t');
		}
		putchar('\n');
	}
}

int
main(int argc, char *argv[])
{
	struct col cols[NF_MAX];
	const char *ropt = NULL;
	struct sel sel = { 0 };
	int c, want = -1, head = 0, stated = 0;
	size_t i, n = 0, nc = 0, *idx;
	struct reg reg;

	msg_init(argv[0]);
	while ((c = opt_next(argc, argv, "hr:ldo:H" SEL_OPTS)) != -1) {
		if (opt_common(c, USAGE, &ropt) || sel_opt(&sel, c, optarg))
			continue;
		switch (c) {
		case 'l':
		case 'd':
			if (want != -1 && want != (c == 'l'))
				die(PR_USAGE, "-l and -d: exclude each other "
				    "(-h for usage)");
			want = c == 'l';
			break;
		case 'o':
			nc = parse_cols(optarg, cols);
			break;
		case 'H':
			head = 1;
			break;
		}
	}
	opt_no_operands(argc, argv);
	if (head && nc == 0)
		for (nc = 0; nc < NFIELDS; nc++) {
			cols[nc].field = (int)nc;
			fmt_snprintf(cols[nc].key, sizeof cols[nc].key, "%s",
			    field_name((int)nc));
		}

	/* Read, with no lock: a reader sees the old file or the new one. */
	if (reg_open(&reg, ropt, 0) == -1 || reg_load(&reg) == -1)
		die_failed();

	/* Select, then sort the selection by start time. */
	idx = xcalloc(reg.n, sizeof *idx);
	state = xcalloc(reg.n, sizeof *state);
	for (i = 0; i < nc; i++)
		stated |= cols[i].field == F_STATE;
	for (i = 0; i < reg.n; i++) {
		if (!sel_match(&sel, &reg.rec[i]))
			continue;
		if (want != -1 || stated)
			state[i] = reg_live(&reg, &reg.rec[i]);
		/* Not proven dead (UNKNOWN) may be live: -l shows it. */
		if (want == -1 || want == (state[i] == LIVE ||
		    state[i] == UNKNOWN))
			idx[n++] = i;
	}
	base = reg.rec;
	/* prspawn appends in start order: sort only a file that is not. */
	for (i = 1; i < n && by_started(&idx[i - 1], &idx[i]) < 0; i++)
		;
	if (i < n)
		list_sort(idx, n, sizeof *idx, by_started);

	/* Large writes: stdio's own buffer made it 250 write(2)s a MB. */
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	if (n > 0)
		print(&reg, idx, n, cols, nc, head);
	free(idx);
	free(state);
	reg_free(&reg);
	return out_status(n > 0 ? PR_OK : PR_NO);
}
