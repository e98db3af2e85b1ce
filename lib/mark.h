/*
 * mark.h - the environment marker of SPEC 4.2: every command prspawn
 * starts gets PRREG_MARK=PID:TOKEN (its own pid and start token, so
 * unique to that start) in its environment, and what it starts inherits
 * it.  A process that carries the marker of a record is one of the
 * record's processes, wherever it went (a daemon that double-forked and
 * called setsid).  Read from /proc/PID/environ; built without procfs
 * there is no marker to read.
 *
 * Both parts of a marker are public (a pid, a start time any user can
 * read), and a process's environment can be read by its own uid and by
 * root: anyone can carry a record's marker.  So a carrier counts by
 * itself only when its real uid is the registry's owner (mark_owner());
 * one of another uid must be proven started by the record's processes
 * (scan.h).  A secret part kept in the 0600 registry would add nothing:
 * the only forgers it could stop are of another uid (the owner's own
 * processes read it from any carrier), and those are stopped already.
 */
#ifndef PRREG_MARK_H
#define PRREG_MARK_H

#include <sys/types.h>

#include "word.h"

#define MARK_VAR "PRREG_MARK"
#define MARK_MAX (20 + 1 + TOKEN_MAX + 1)	/* "PID:TOKEN" */
#ifndef PRREG_NO_PROCFS
#define MARK_GIVEN 1	/* a command gets one */
#else
#define MARK_GIVEN 0	/* no /proc/PID/environ to read it from */
#endif

int mark_of(pid_t pid, const char *token, char mark[MARK_MAX]);
int mark_self(char mark[MARK_MAX]);
int mark_read(pid_t pid, char mark[MARK_MAX], uid_t *ruid);
int mark_owner(uid_t ruid);

#endif
