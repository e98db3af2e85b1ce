/*
 * statloop.c - a baseline for `make bench`: the floor under prlist -l,
 * reading /proc/PID/stat once for each pid of a list, nothing else.
 *
 *	statloop FILE
 *
 * FILE holds one pid a line.  Each /proc/PID/stat is opened, read with
 * one read(2) and closed; a line per pid that exists goes to stdout, as
 * prlist -l prints one per live record.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char path[64], buf[1024], line[32];
	FILE *f;
	ssize_t n;
	int fd;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: statloop FILE\n");
		return 2;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		snprintf(path, sizeof path, "/proc/%ld/stat", strtol(line,
		    NULL, 10));
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof buf);
		close(fd);
		if (n > 0)
			fputs(line, stdout);
	}
	return 0;
}
