/*
 * fdls [-r FD] - print the descriptors this process was given, one line,
 * in order ("0 1 2"), on stderr, then (with -r) write a newline on FD,
 * the -N readiness of prspawn(1), and sleep.  Opens nothing while it
 * looks (fcntl on each number), so that it works under any descriptor
 * limit (a shell's redirections need descriptors above 10).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char line[4096];
	size_t n = 0;
	long max = sysconf(_SC_OPEN_MAX);
	int fd, ready = -1;

	if (argc == 3 && strcmp(argv[1], "-r") == 0)
		ready = atoi(argv[2]);
	if (max < 0 || max > 4096)
		max = 4096;
	for (fd = 0; fd < max && n < sizeof line - 16; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%d",
			    n > 0 ? " " : "", fd);
	line[n++] = '\n';
	if (write(2, line, n) == -1)
		return 3;
	if (ready != -1 && (write(ready, "\n", 1) != 1 || close(ready) == -1))
		return 3;
	for (;;)
		pause();
}
