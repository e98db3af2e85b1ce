/* scan.c - every process once: its pid, then what each question needs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "msg.h"
#include "pidfd.h"
#include "proc.h"
#include "scan.h"
#include "sort.h"
#include "sysread.h"
#include "word.h"

/* What was read of a process (pent.have), and which indexes are made. */
enum { HAVE_PGRP = 1, HAVE_SID = 2, HAVE_STAT = 4, HAVE_MARK = 8 };
enum { BY_PGRP = 1, BY_SID = 2 };

/*
 * A session: its run in bysid, and when the process that made it (pid
 * SID) started, in each token form once asked (token_age(): [0] a start
 * time, [1] a pidfs inode); got: 0 not asked yet, 1 read, -1 none.
 */
struct sess {
	pid_t sid;
	size_t first, n;
	int got[2];
	unsigned long long age[2];
};

static int
add(struct scan *s, size_t *cap, pid_t pid)
{
	struct pent *p;

	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((p = realloc(s->p, *cap * sizeof *p)) == NULL)
			return -1;
		s->p = p;
	}
	p = &s->p[s->n++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	return 0;
}

#ifndef PRREG_NO_PROCFS

struct listing {
	struct scan *s;
	size_t cap;
	pid_t self;
};

/* A pid of /proc's listing: every one but ours. */
static int
add_pid(void *arg, pid_t pid)
{
	struct listing *l = arg;

	return pid != l->self ? add(l->s, &l->cap, pid) : 0;
}

/*
 * The pids in /proc; what else a question needs is read when it asks.
 * A readdir() that fails is a table not read whole: no scan.
 */
static int
walk(struct scan *s)
{
	struct listing l;

	l.s = s, l.cap = 0, l.self = getpid();	/* a syscall: once */
	return proc_pids(NULL, add_pid, &l);
}

#else

/* Everything ps says, at once; there is no marker to be read. */
static int
walk(struct scan *s)
{
	char *const argv[] = { "ps", "-A", "-o", "pid=", "-o", "ppid=", "-o",
	    "pgid=", "-o", "stat=", NULL };
	static char buf[1 << 20];
	char *p, stat[8];
	size_t cap = 0;
	long pid, pp, pg;
	int used;

	if (run_read(argv, buf, sizeof buf) <= 0)
		return -1;
	for (p = buf; fmt_sscanf(p, " %ld %ld %ld %7s%n", &pid, &pp, &pg, stat,
	    &used) == 4; p += span_to(p, '\n')) {
		p += used;
		if ((pid_t)pid == getpid())
			continue;
		if (add(s, &cap, (pid_t)pid) == -1)
			return -1;
		s->p[s->n - 1].ppid = (pid_t)pp;
		s->p[s->n - 1].pgrp = (pid_t)pg;
		s->p[s->n - 1].zombie = stat[0] == 'Z' &&
		    strchr(stat, 'l') == NULL;
		s->p[s->n - 1].have = HAVE_PGRP | HAVE_STAT;
	}
	return 0;
}

#endif

/*
 * P's parent, group and state from /proc/PID/stat; gone: a zombie.  One
 * the system was too short to read (no descriptor left) is unknown: it
 * may live, and is never taken for gone.
 */
static void
need_stat(struct pent *p)
{
	struct pstat ps;

	if (p->have & HAVE_STAT)
		return;
	p->have |= HAVE_STAT;
	if (!proc_stat(p->pid, &ps)) {
		if (proc_short(errno))
			p->unknown |= UNREAD_STAT;
		else
			p->zombie = 1;
		return;
	}
	p->ppid = ps.ppid;
	if (!(p->have & HAVE_PGRP))
		p->pgrp = ps.pgrp, p->have |= HAVE_PGRP;
	p->zombie = ps.state == 'Z' && ps.threads <= 1;
}

static int
by_pgrp(const void *a, const void *b)
{
	pid_t x = (*(struct pent *const *)a)->pgrp;
	pid_t y = (*(struct pent *const *)b)->pgrp;

	return (x > y) - (x < y);
}

static int
by_sid(const void *a, const void *b)
{
	pid_t x = (*(struct pent *const *)a)->sid;
	pid_t y = (*(struct pent *const *)b)->sid;

	return (x > y) - (x < y);
}

/* P's group (getpgid), once; gone meanwhile, it counts for nothing. */
static void
read_pgrp(struct pent *p)
{
	pid_t g;

	if (p->have & HAVE_PGRP)
		return;
	p->have |= HAVE_PGRP;
	if ((g = getpgid(p->pid)) == -1)
		p->zombie = 1, p->have |= HAVE_STAT;
	else
		p->pgrp = g;
}

/* Every process's group (getpgid: 0 when it is gone), indexed. */
static void
need_pgrp(struct scan *s)
{
	size_t i;

	if (s->sorted & BY_PGRP)
		return;
	for (i = 0; i < s->n; i++)
		read_pgrp(&s->p[i]);
	list_sort(s->bypgrp, s->n, sizeof *s->bypgrp, by_pgrp);
	s->sorted |= BY_PGRP;
}

/*
 * Every process's session, listed: getsid(), which says 0 for one made
 * outside our PID namespace (and for kernel threads'); -1 when it cannot
 * be told.  A process gone meanwhile is in none.
 */
static void
need_sid(struct scan *s)
{
	pid_t g;
	size_t i;

	if (s->sorted & BY_SID)
		return;
	s->sorted |= BY_SID;
	for (i = 0; i < s->n; i++) {
		struct pent *p = &s->p[i];

		if (p->have & HAVE_SID)
			continue;
		p->have |= HAVE_SID;
		if ((g = getsid(p->pid)) == -1 && errno == ESRCH)
			p->sid = 0, p->zombie = 1, p->have |= HAVE_STAT;
		else
			p->sid = g;
	}
	list_sort(s->bysid, s->n, sizeof *s->bysid, by_sid);
	for (i = 0; i < s->n; i++) {
		if (i == 0 || s->bysid[i]->sid != s->bysid[i - 1]->sid) {
			s->ss[s->nss].sid = s->bysid[i]->sid;
			s->ss[s->nss].first = i;
			s->unread[s->nunread++] = s->nss++;
		}
		s->ss[s->nss - 1].n++;
		s->bysid[i]->sess = s->nss - 1;
	}
}

/*
 * When the process that made session SS (pid SID) started, in FORM
 * (token_age(); LIKE a token of that form), into *AGE: 1 when read, 0
 * when not (gone, or the session is not one of a pid's).
 */
static int
maker_age(struct sess *ss, int form, const char *like,
    unsigned long long *age)
{
	char token[TOKEN_MAX + 1];
	int *got = &ss->got[form - 1];

	if (*got == 0)
		*got = ss->sid > 0 && proc_token_like(ss->sid, like, token) &&
		    token_age(token, &ss->age[form - 1]) == form ? 1 : -1;
	*age = ss->age[form - 1];
	return *got == 1;
}

/*
 * Whether session SS can hold the marker of LEAD's start (of FORM and
 * AGE, token_age(); LIKE is its token): not when it was made outside
 * our PID namespace (LEAD, in it, made its own), nor, unless it is
 * LEAD's, when its maker lives and started before LEAD (scan.h).
 */
static int
may_hold(struct sess *ss, pid_t lead, int form, unsigned long long age,
    const char *like)
{
	unsigned long long made;

	if (ss->sid == 0)
		return 0;
	if (ss->sid < 0 || ss->sid == lead || form == 0)
		return 1;
	return !(maker_age(ss, form, like, &made) && made < age);
}

/*
 * Whether SS is the session LEAD's start made: named by LEAD, and its
 * maker is not a process that started otherwise (a stranger that got
 * the pid once LEAD's session was empty).
 */
static int
own_session(struct sess *ss, pid_t lead, int form, unsigned long long age,
    const char *like)
{
	unsigned long long made;

	return lead > 0 && ss->sid == lead && form != 0 &&
	    !(maker_age(ss, form, like, &made) && made != age);
}

static int
by_mark(const void *a, const void *b)
{
	return strcmp((*(struct pent *const *)a)->mark,
	    (*(struct pent *const *)b)->mark);
}

/*
 * The marker P carries, and its uid, read once a scan.  One not read for
 * want of a descriptor or memory is unknown: it may carry one.
 */
static void
need_mark(struct pent *p)
{
	if (p->have & HAVE_MARK)
		return;
	p->have |= HAVE_MARK;
	errno = 0;
	if (!mark_read(p->pid, p->mark, &p->uid)) {
		p->mark[0] = '\0';
		if (proc_short(errno))
			p->unknown |= UNREAD_MARK;
	}
}

/*
 * Read the markers in each session not read yet that may hold LEAD's
 * (each environment once a scan); index the carriers of any marker.
 */
static void
need_marks(struct scan *s, pid_t lead, int form, unsigned long long age,
    const char *like)
{
	size_t k, j, left = 0, read = 0;

	for (k = 0; k < s->nunread; k++) {
		struct sess *ss = &s->ss[s->unread[k]];

		if (!may_hold(ss, lead, form, age, like)) {
			s->unread[left++] = s->unread[k];
			continue;
		}
		for (j = ss->first; j < ss->first + ss->n; j++) {
			struct pent *p = s->bysid[j];

			need_mark(p);
			if (p->mark[0] != '\0' || (p->unknown & UNREAD_MARK))
				s->bymark[s->nmark++] = p;
		}
		read = 1;
	}
	s->nunread = left;
	if (read)
		list_sort(s->bymark, s->nmark, sizeof *s->bymark, by_mark);
}

/* The process PID as the scan found it (they are in pid order), or NULL. */
static struct pent *
by_pid(struct scan *s, pid_t pid)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->p[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->p[lo].pid == pid ? &s->p[lo] : NULL;
}

/*
 * Whether C, a carrier of MARK (LEAD's start, of FORM and AGE; LIKE its
 * token) whose uid is not the owner's, was started by the record's
 * processes (scan.h): it or a process it descends from is in LEAD's own
 * session, or it descends from a carrier of the owner's uid in a session
 * that may hold the marker.  One hop a process at most, so that parents
 * read at different moments (pids reused meanwhile) cannot loop.
 */
static int
started_by_ours(struct scan *s, struct pent *c, const char *mark, pid_t lead,
    int form, unsigned long long age, const char *like)
{
	struct pent *p = c;
	size_t hops;

	for (hops = 0; p != NULL && hops <= s->n; hops++) {
		struct sess *ss = &s->ss[p->sess];

		if (own_session(ss, lead, form, age, like))
			return 1;
		if (p != c)
			need_mark(p);
		if (p != c && strcmp(p->mark, mark) == 0 &&
		    mark_owner(p->uid) && may_hold(ss, lead, form, age, like))
			return 1;
		need_stat(p);
		if (p->zombie || p->ppid <= 1)
			return 0;
		p = by_pid(s, p->ppid);
	}
	return 0;
}

static int
by_pid_order(const void *a, const void *b)
{
	pid_t x = ((const struct pent *)a)->pid, y = ((const struct pent *)b)->pid;

	return (x > y) - (x < y);
}

/*
 * Look at every process (with ENV, markers may be asked for): list them.
 * -1 when the process table cannot be read, with a failure kept.
 */
int
scan_run(struct scan *s, int env)
{
	size_t i;

	scan_free(s);
	if (walk(s) == -1 ||
	    (s->bypgrp = malloc((s->n + 1) * sizeof *s->bypgrp)) == NULL ||
	    (s->bysid = malloc((s->n + 1) * sizeof *s->bysid)) == NULL ||
	    (s->bymark = malloc((s->n + 1) * sizeof *s->bymark)) == NULL ||
	    (s->hits = malloc((s->n + 1) * sizeof *s->hits)) == NULL ||
	    (s->ss = calloc(s->n + 1, sizeof *s->ss)) == NULL ||
	    (s->unread = malloc((s->n + 1) * sizeof *s->unread)) == NULL) {
		scan_free(s);
		return fail_sys(PR_SYS, "cannot read the process table");
	}
	if (s->n > 0)	/* none seen (hidepid): s->p may be NULL */
		list_sort(s->p, s->n, sizeof *s->p,
		    by_pid_order);	/* by_pid() */
	for (i = 0; i < s->n; i++)
		s->bypgrp[i] = s->bysid[i] = &s->p[i];
#ifndef PRREG_NO_PROCFS
	s->env = env;
#else
	(void)env;
#endif
	s->done = 1;
	return 0;
}

void
scan_free(struct scan *s)
{
	free(s->p), free(s->bypgrp), free(s->bysid), free(s->bymark);
	free(s->hits), free(s->ss), free(s->unread);
	memset(s, 0, sizeof *s);
}

/* The processes of group PGRP, zombies among them (each says so). */
size_t
scan_group(struct scan *s, pid_t pgrp, struct pent ***first)
{
	size_t lo = 0, hi = s->n, end;

	need_pgrp(s);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->bypgrp[mid]->pgrp < pgrp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->n && s->bypgrp[end]->pgrp == pgrp; end++)
		need_stat(s->bypgrp[end]);
	*first = s->bypgrp + lo;
	return end - lo;
}

/*
 * The processes of group PGRP, known to be in session SID (a group is in
 * one session: setpgid(2)), so that only that session's processes are
 * asked their group.  Valid until the next scan_marked(),
 * scan_children() or scan_group_in().
 */
size_t
scan_group_in(struct scan *s, pid_t pgrp, pid_t sid, struct pent ***first)
{
	size_t lo = 0, hi, j, hits = 0;

	*first = s->hits;
	if (!s->done)
		return 0;
	need_sid(s);
	for (hi = s->nss; lo < hi; ) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ss[mid].sid < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->nss || s->ss[lo].sid != sid)
		return 0;
	for (j = s->ss[lo].first; j < s->ss[lo].first + s->ss[lo].n; j++) {
		struct pent *p = s->bysid[j];

		read_pgrp(p);
		if (p->pgrp == pgrp) {
			need_stat(p);
			s->hits[hits++] = p;
		}
	}
	return hits;
}

/*
 * The processes that carry MARK ("PID:TOKEN", mark.h), in the sessions
 * that may hold it, of the owner's uid or started by the record's
 * processes (scan.h), and those there whose environment could not be
 * read (unknown: they may carry it).  Valid until the next scan_marked() or
 * scan_children().
 */
size_t
scan_marked(struct scan *s, const char *mark, struct pent ***first)
{
	const char *token = strchr(mark, ':');
	unsigned long long age = 0;
	size_t lo = 0, hi, end, hits = 0;
	pid_t lead = 0;
	int form = 0;

	*first = s->hits;
	if (!s->done || !s->env)
		return 0;
	/* Not of the form: no session is proven not to hold it. */
	if (token != NULL && pid_parse(mark, (size_t)(token - mark), &lead))
		form = token_age(++token, &age);
	need_sid(s);
	need_marks(s, lead, form, age, token);
	for (hi = s->nmark; lo < hi; ) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->bymark[mid]->mark, mark) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nmark && strcmp(s->bymark[end]->mark, mark) ==
	    0; end++) {
		struct pent *p = s->bymark[end];

		if (may_hold(&s->ss[p->sess], lead, form, age, token) &&
		    (mark_owner(p->uid) || started_by_ours(s, p, mark, lead,
		    form, age, token)))
			s->hits[hits++] = p;
	}
	/* The unread ones sort first: their marker is "". */
	for (end = 0; end < s->nmark && s->bymark[end]->mark[0] == '\0'; end++)
		if (may_hold(&s->ss[s->bymark[end]->sess], lead, form, age,
		    token))
			s->hits[hits++] = s->bymark[end];
	return hits;
}

/*
 * Whether session SS may hold a descendant of a process ROOT in session
 * RSID that started at AGE (of FORM, token_age(); LIKE its token; FORM
 * 0: not known).  A process is in its parent's session until it makes
 * its own (setsid), named by its pid: so ROOT's descendants are in
 * ROOT's session, or in one a descendant made, after ROOT started.  Not
 * one whose maker lives and started before ROOT, nor, unless ROOT's is
 * such, one made outside our PID namespace (0).
 */
static int
may_descend(struct sess *ss, pid_t rsid, int form, unsigned long long age,
    const char *like)
{
	unsigned long long made;

	if (ss->sid == rsid || ss->sid < 0)
		return 1;
	if (ss->sid == 0)
		return 0;
	return form == 0 || !(maker_age(ss, form, like, &made) && made < age);
}

/*
 * The processes, zombies left out, in the sessions that may hold a
 * descendant of ROOT (TOKEN: its token now, or NULL when not known; a
 * ROOT whose session cannot be read: every session), their parents read:
 * what ROOT's descendants are found among, without a read of every
 * process's /proc/PID/stat.  Valid until the next scan_marked(),
 * scan_children(), scan_group_in() or scan_near().
 */
size_t
scan_near(struct scan *s, pid_t root, const char *token, struct pent ***first)
{
	unsigned long long age = 0;
	size_t k, j, hits = 0;
	pid_t rsid;
	int form = 0;

	*first = s->hits;
	if (!s->done)
		return 0;
#ifndef PRREG_NO_PROCFS
	if (token != NULL)
		form = token_age(token, &age);
#else
	(void)token;	/* a maker's start would be a ps(1) each */
#endif
	rsid = getsid(root);
	need_sid(s);
	for (k = 0; k < s->nss; k++) {
		struct sess *ss = &s->ss[k];

		if (rsid != -1 && !may_descend(ss, rsid, form, age, token))
			continue;
		for (j = ss->first; j < ss->first + ss->n; j++) {
			struct pent *p = s->bysid[j];

			need_stat(p);
			if (!p->zombie)
				s->hits[hits++] = p;
		}
	}
	return hits;
}

/* The processes whose parent is PPID (or unknown), zombies left out. */
size_t
scan_children(struct scan *s, pid_t ppid, struct pent ***first)
{
	size_t i, hits = 0;

	for (i = 0; s->done && i < s->n; i++) {
		need_stat(&s->p[i]);
		if ((s->p[i].ppid == ppid || s->p[i].unknown) &&
		    !s->p[i].zombie)
			s->hits[hits++] = &s->p[i];
	}
	*first = s->hits;
	return hits;
}
