/*
 * spawn.h - start a command as prspawn(1) does, and stay with it.
 *
 * spawn() forks a child that leads a new session (pgid = sid = its pid),
 * drops names from its environment and execs the command, looked up on
 * PATH as execvp(3) does.  A close-on-exec pipe from the child tells
 * whether the exec happened: a failure is seen, never guessed, and kept
 * (msg.h) with status 127 (not found) or 126 (not executable).
 * spawn_start() and spawn_confirm() are its two halves, for work to be
 * done while the child execs.  Until spawn_keep() says the command is
 * recorded, HUP, INT, TERM, QUIT, USR1 and USR2 are held off, and an exit
 * of the program stops the command (spawn_cancel()): nothing is left
 * running unrecorded.
 * spawn_wait() forwards those signals to the command's group until the
 * command exits (prspawn -w).
 * args_drop_empty() is prspawn -E.
 */
#ifndef PRREG_SPAWN_H
#define PRREG_SPAWN_H

#include <sys/types.h>

pid_t spawn(char *const argv[], const char *const unset[]);
pid_t spawn_start(char *const argv[], const char *const unset[], int *fd);
int spawn_confirm(pid_t pid, int fd, char *const argv[]);
void spawn_keep(int hold);
int spawn_wait(pid_t pid);
void spawn_cancel(pid_t pid);
void args_drop_empty(char *argv[]);

#endif
