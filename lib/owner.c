/* owner.c - who a record is for, and whether that one still lives. */
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "owner.h"
#include "proc.h"

/*
 * The owner of a new record into O: PID, or with PID 0 the process that
 * ran us (our parent).  A PID given that is not live: -1, with PR_NO; its
 * token unreadable: -1, with PR_SYS.  Our parent is named only where we
 * can see it and read its token (in another PID namespace getppid() says
 * 0): else O names none, and the record has no owner.
 */
int
owner_take(struct owner *o, pid_t pid)
{
	enum live l;

	memset(o, 0, sizeof *o);
	if (pid == 0) {
		if ((pid = getppid()) <= 0 || !proc_token(pid, o->token))
			return 0;
	} else {
		l = pid_live(pid, NULL);
		if (l == LIVE && !proc_token(pid, o->token))
			l = UNKNOWN;
		if (l == UNKNOWN)
			return fail(PR_SYS, "-O: %ld: cannot read its state or "
			    "start token (is /proc mounted?)", (long)pid);
		if (l != LIVE)
			return fail(PR_NO, "-O: %ld: not a live process (%s); "
			    "nothing started", (long)pid, live_name(l));
	}
	o->pid = pid;
	pidtok_fmt(o->attr, pid, o->token);
	return 0;
}

/*
 * Is O's process dead by SPEC section 2: ended, a zombie, or its PID now
 * another's?  One that cannot be read is not: unknown is never dead.
 */
int
owner_gone(const struct owner *o)
{
	enum live l;

	if (o->pid <= 0)
		return 0;
	l = pid_live(o->pid, o->token);
	return l == DEAD || l == ZOMBIE || l == REUSED;
}

/* A descriptor poll() wakes when O's process ends, or -1 (see pid_watch). */
int
owner_watch(const struct owner *o)
{
	return o->pid > 0 ? pid_watch(o->pid, o->token) : -1;
}

/* Is R's owner dead?  0 for a record without an owner= of its form. */
int
owner_dead(const struct rec *r)
{
	struct owner o;

	if (!rec_get_pidtok(r, A_OWNER, &o.pid, o.token))
		return 0;
	return owner_gone(&o);
}
