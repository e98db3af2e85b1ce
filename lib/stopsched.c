/* stopsched.c - stop schedules: start-stop-daemon's --retry form, checked. */
#include <stdio.h>
#include <string.h>

#include "arg.h"
#include "msg.h"
#include "stopsched.h"
#include "word.h"

/* One item, LEN bytes of P, into IT; NULL, or why it is none. */
static const char *
item(const char *p, size_t len, struct sched_item *it)
{
	char v[WORD_MAX + 1];

	if (len == 0)
		return "an empty item";
	memcpy(v, p, len);
	v[len] = '\0';
	it->sig = 0, it->ns = 0;
	if (strcmp(v, "forever") == 0) {
		it->kind = SCHED_FOREVER;
		return NULL;
	}
	if (secs_parse(v, &it->ns)) {
		it->kind = SCHED_WAIT;
		return NULL;
	}
	/* A number is seconds; a signal's number needs its "-". */
	it->kind = SCHED_SIGNAL;
	if (v[0] == '-' && (it->sig = sig_parse(v + 1)) != -1)
		return NULL;
	if (v[0] != '-' && (v[0] < '0' || v[0] > '9') &&
	    (it->sig = sig_parse(v)) != -1)
		return NULL;
	return "an item is neither a signal, seconds nor forever";
}

/*
 * The least that what forever repeats must wait in all: less, and a
 * process that outlives it would be signalled and looked at without
 * rest (a spin at 100% CPU, until it is gone).
 */
#define FOREVER_MIN_NS (10 * NS_PER_MS)

/* Whether the items from I on wait FOREVER_MIN_NS or more in all. */
static int
waits(const struct sched *s, size_t i)
{
	long long ns = 0;

	for (; i < s->n; i++)
		if (s->item[i].kind == SCHED_WAIT && (s->item[i].ns < 0 ||
		    (ns += s->item[i].ns) >= FOREVER_MIN_NS))
			return 1;
	return 0;
}

/* The items of V, before the checks of the whole. */
static const char *
items(const char *v, struct sched *s)
{
	const char *p = v, *why;
	size_t len;

	s->n = 0;
	for (;;) {
		len = span_to(p, '/');
		if (s->n == SCHED_MAX)
			return "too many items";
		if ((why = item(p, len, &s->item[s->n++])) != NULL)
			return why;
		if (p[len] == '\0')
			return NULL;
		p += len + 1;
	}
}

/*
 * Check V and make it S; NULL, or why it is not a schedule.  A lone
 * number of seconds is TERM/SECS/KILL/SECS.  "forever" comes once, and
 * what it repeats waits 0.01 s or more in all (else it would spin).
 */
const char *
sched_parse(const char *v, struct sched *s)
{
	const char *why;
	size_t i, forever = 0;

	if (*v == '\0')
		return "empty";
	if (!word_ok(v, strlen(v)))
		return "want at most 255 of A-Z a-z 0-9 . / -";
	if ((why = items(v, s)) != NULL)
		return why;
	if (s->n == 1 && s->item[0].kind == SCHED_WAIT) {
		sched_classic(s, SIGTERM, s->item[0].ns, s->item[0].ns);
		return NULL;
	}
	for (i = 0; i < s->n; i++) {
		if (s->item[i].kind != SCHED_FOREVER)
			continue;
		if (forever++)
			return "forever comes more than once";
		if (!waits(s, i + 1))
			return "what forever repeats must wait 0.01 seconds "
			    "or more in all";
	}
	return NULL;
}

int
sched_arg(int opt, const char *v, struct sched *s)
{
	const char *why = sched_parse(v, s);

	if (why != NULL)
		return fail(PR_USAGE, "-%c: invalid schedule '%s': %s (want "
		    "items like TERM/5/KILL/1, or SECS)", opt, arg_shown(v),
		    why);
	return 0;
}

/* -S SIG -T T -K K: SIG/T/KILL/K. */
void
sched_classic(struct sched *s, int sig, long long term_ns, long long kill_ns)
{
	struct sched_item *it = s->item;

	s->n = 4;
	it[0].kind = SCHED_SIGNAL, it[0].sig = sig, it[0].ns = 0;
	it[1].kind = SCHED_WAIT, it[1].sig = 0, it[1].ns = term_ns;
	it[2].kind = SCHED_SIGNAL, it[2].sig = SIGKILL, it[2].ns = 0;
	it[3].kind = SCHED_WAIT, it[3].sig = 0, it[3].ns = kill_ns;
}

/* A wait of NS alone (< 0: no limit), signalling nothing. */
void
sched_wait(struct sched *s, long long ns)
{
	s->n = 1;
	s->item[0].kind = SCHED_WAIT, s->item[0].sig = 0, s->item[0].ns = ns;
}
