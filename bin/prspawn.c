/* prspawn - start a command detached, and record it.  See prspawn(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "msg.h"
#include "pidfile.h"
#include "registry.h"
#include "slot.h"
#include "spawn.h"
#include "xalloc.h"

#define USAGE \
	"usage: prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-m MAX] " \
	"[-W SECS] [-C CAP]\n" \
	"               [-x] [-u NAME]... [-E] [-P PIDFILE] [-p] [-w] " \
	"-- COMMAND [ARG...]\n" \
	"       prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-p] -A PID\n"

#define LIMIT_MAX 100000	/* -m and -C */

/*
 * Whether ID is free for a record of PID: a dead holder's record is
 * removed.  FRESH is a process we have just started: a record that names
 * its pid is about an earlier process, whatever it says.
 */
static int
id_free(struct reg *reg, const char *id, pid_t fresh)
{
	struct rec *r = reg_find(reg, id);

	if (r != NULL && r->pid != fresh && reg_live(reg, r) == LIVE)
		return 0;
	if (r != NULL)
		reg_remove(reg, r);
	return 1;
}

/* Add the record of PID, as the registry will hold it. */
static struct rec *
record(struct reg *reg, pid_t pid, pid_t pgid, const struct slot *s,
    const char *id)
{
	char spid[16], spgid[16], stamp[STAMP_LEN + 1];
	struct pstat ps;
	struct rec r;

	snprintf(spid, sizeof spid, "%ld", (long)pid);
	if (pgid > 0)
		snprintf(spgid, sizeof spgid, "%ld", (long)pgid);
	else
		strcpy(spgid, "-");
	stamp_now(stamp);
	memset(&r, 0, sizeof r);
	r.pid = pid;
	r.pgid = pgid > 0 ? pgid : 0;
	r.f[F_PID] = spid;
	r.f[F_PGID] = spgid;
	r.f[F_TYPE] = s->type;
	r.f[F_SESSION] = s->session;
	r.f[F_STARTED] = stamp;
	r.f[F_TOKEN] = proc_stat(pid, &ps) ? ps.token : "-";
	r.f[F_ID] = id;
	return reg_add(reg, &r);
}

int
main(int argc, char *argv[])
{
	struct slot s = { "proc", "-", 0, 0, 60000000000LL, 0 };
	const char *ropt = NULL, *pidfile = NULL, *id = NULL;
	char defid[WORD_MAX + 1], token[TOKEN_MAX + 1], *const *cmd;
	int c, print = 0, fg = 0, drop = 0, status, spawnopt = 0, fd;
	pid_t adopt = 0, pid = 0, pgid = 0;
	struct reg reg, spare;
	const char **unset;
	size_t nunset = 0;
	struct rec *r;

	msg_init(argv[0]);
	unset = xcalloc(argc + 1, sizeof *unset);
	while ((c = opt_next(argc, argv, "hr:s:t:i:m:W:C:xu:EP:pwA:")) != -1) {
		if (strchr("mWCxuEPw", c) != NULL)
			spawnopt = c;
		if (opt_common(c, USAGE, &ropt))
			continue;
		switch (c) {
		case 's':
			s.session = arg_word(c, optarg);
			break;
		case 't':
			s.type = arg_word(c, optarg);
			break;
		case 'i':
			id = arg_word(c, optarg);
			break;
		case 'm':
			s.max = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'W':
			s.wait_ns = arg_secs(c, optarg);
			break;
		case 'C':
			s.cap = arg_count(c, optarg, 1, LIMIT_MAX);
			break;
		case 'x':
			s.stop = 1;
			break;
		case 'u':
			unset[nunset++] = arg_envname(c, optarg);
			break;
		case 'E':
			drop = 1;
			break;
		case 'P':
			if (*(pidfile = optarg) == '\0')
				die(PR_USAGE, "-P: empty path");
			break;
		case 'p':
			print = 1;
			break;
		case 'w':
			fg = 1;
			break;
		case 'A':
			adopt = arg_pid(c, optarg);
			break;
		}
	}
	cmd = argv + optind;

	/* Everything that can be checked before anything is started. */
	if (adopt != 0 && spawnopt != 0)
		die(PR_USAGE, "-A and -%c exclude each other (-h for usage)",
		    spawnopt);
	if (adopt != 0 && optind < argc)
		die(PR_USAGE, "-A takes no COMMAND (-h for usage)");
	if (adopt == 0 && optind == argc)
		die(PR_USAGE, "no COMMAND (-h for usage)");
	if (id == NULL && strlen(s.type) + strlen(s.session) + 12 > WORD_MAX)
		die(PR_USAGE, "-t, -s: the id TYPE:SESSION:PID would be longer "
		    "than %d bytes; give -i", WORD_MAX);
	if (drop)
		args_drop_empty(argv + optind);
	reg_open(&reg, ropt, 1);
	reg_open(&spare, ropt, 1);

	if (adopt != 0) {
		/* -A: a process that runs already, if it is live. */
		enum live l = pid_live(adopt, NULL);

		if (l == LIVE && (pgid = getpgid(adopt)) == -1 && errno == ESRCH)
			l = DEAD;
		if (l != LIVE)
			die(PR_NO, "-A: %ld: not a live process (%s)",
			    (long)adopt, live_name(l));
		reg_lock(&reg);
		pid = adopt;
	} else if (id == NULL && s.max == 0 && s.cap == 0 && !s.stop) {
		/*
		 * Nothing in the registry decides the start: start first,
		 * from a smaller process to fork, and read the registry while
		 * the command execs.  The lock is held from before the start.
		 */
		reg_hold(&reg);
		pid = pgid = spawn_start(cmd, unset, &fd);
		reg_load(&reg);
		spawn_confirm(pid, fd, cmd);
	} else {
		/* Make room and take a slot; the lock is held from here. */
		slot_take(&reg, &spare, &s);
	}
	if (id != NULL && !id_free(&reg, id, 0))
		die(PR_NO, "%s: id held by a live process", id);

	/* Start the command: spawn() returns once it has been executed. */
	if (pid == 0)
		pid = pgid = spawn(cmd, unset);
	if (id == NULL) {
		snprintf(defid, sizeof defid, "%s:%s:%ld", s.type, s.session,
		    (long)pid);
		if (!id_free(&reg, id = defid, adopt != 0 ? 0 : pid)) {
			if (adopt == 0)
				spawn_cancel(pid);
			die(PR_NO, "%s: id held by a live process", id);
		}
	}

	/* Record it, then tell: what is printed is what the file holds. */
	r = record(&reg, pid, pgid, &s, id);
	snprintf(token, sizeof token, "%s", r->f[F_TOKEN]);
	reg_store(&reg);
	if (adopt == 0)
		spawn_keep(fg);
	if (pidfile != NULL)
		pidfile_write(pidfile, pid, token);
	if (print)
		rec_print(r);
	status = out_status(PR_OK);

	/* -w: stay with it, then forget it (and its pid file, if ours). */
	if (fg) {
		status = spawn_wait(pid);
		reg_lock(&reg);
		if ((r = reg_find(&reg, id)) != NULL && r->pid == pid)
			reg_remove(&reg, r);
		if (pidfile != NULL && pidfile_read(pidfile, &pgid, token) ==
		    1 && pgid == pid && unlink(pidfile) == -1)
			warn_("%s: cannot remove", pidfile);
		reg_store(&reg);
	}
	reg_free(&reg);
	reg_free(&spare);
	free(unset);
	return status;
}
