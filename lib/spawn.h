/*
 * spawn.h - start a command as prspawn(1) does, and stay with it.
 *
 * spawn() forks a child that leads a new session (pgid = sid = its pid),
 * drops names from its environment and execs the command, looked up on
 * PATH as execvp(3) does.  A close-on-exec pipe from the child tells
 * whether the exec happened: a failure is seen, never guessed, and ends
 * the program with 127 (not found) or 126 (not executable).
 * spawn_wait() forwards HUP, INT, TERM, QUIT, USR1 and USR2 to the
 * command's group until the command exits (prspawn -w).
 * args_drop_empty() is prspawn -E.
 */
#ifndef PRREG_SPAWN_H
#define PRREG_SPAWN_H

#include <sys/types.h>

pid_t spawn(char *const argv[], const char *const unset[], int hold);
int spawn_wait(pid_t pid);
void spawn_cancel(pid_t pid);
void args_drop_empty(char *argv[]);

#endif
