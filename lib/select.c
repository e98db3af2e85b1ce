/* select.c - which records the selectors name. */
#include <string.h>

#include "arg.h"
#include "owner.h"
#include "select.h"

/* Returns 1 when C was a selector option (and takes ARG), else 0. */
int
sel_opt(struct sel *s, int c, const char *arg)
{
	switch (c) {
	case 's':
		s->session = arg_word(c, arg);
		break;
	case 't':
		s->type = arg_word(c, arg);
		break;
	case 'i':
		s->id = arg_word(c, arg);
		break;
	case 'p':
		s->pid = arg_pid(c, arg);
		break;
	case 'O':
		s->orphans = 1;
		break;
	default:
		return 0;
	}
	s->any = 1;
	return 1;
}

/* Does R match every selector given?  -O, which reads a process, last. */
int
sel_match(const struct sel *s, const struct rec *r)
{
	return !r->gone &&
	    (s->session == NULL || strcmp(s->session, r->f[F_SESSION]) == 0) &&
	    (s->type == NULL || strcmp(s->type, r->f[F_TYPE]) == 0) &&
	    (s->id == NULL || strcmp(s->id, r->f[F_ID]) == 0) &&
	    (s->pid == 0 || s->pid == r->pid) &&
	    (!s->orphans || owner_dead(r));
}
