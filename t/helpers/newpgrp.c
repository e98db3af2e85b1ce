/*
 * newpgrp COMMAND [ARG...] - run COMMAND in a process group of its own
 * (setpgid(0, 0)), in the same session: a child that leaves its parent's
 * group, as job-control shells and some daemons do.
 */
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: newpgrp COMMAND [ARG...]\n");
		return 2;
	}
	if (setpgid(0, 0) == -1) {
		perror("newpgrp: setpgid");
		return 3;
	}
	execvp(argv[1], argv + 1);
	perror("newpgrp: exec");
	return 127;
}
