/*
 * sdnotify MSG [COMMAND [ARG...]]: send MSG (with \n for a newline) as
 * one datagram to the AF_UNIX socket $NOTIFY_SOCKET names (a path, or
 * @NAME for an abstract one), as sd_notify(3) does, then exec COMMAND
 * (so that the sender lives on) or exit: 0 sent, 1 not, 2 usage.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	char msg[4096];
	size_t i, n = 0;
	int fd;

	if (argc < 2 || path == NULL || strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MSG "
		    "[COMMAND...]\n");
		return 2;
	}
	for (i = 0; argv[1][i] != '\0' && n < sizeof msg; i++)
		if (argv[1][i] == '\\' && argv[1][i + 1] == 'n')
			msg[n++] = '\n', i++;
		else
			msg[n++] = argv[1][i];
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || sendto(fd, msg, n, 0, (struct sockaddr *)&sa,
	    sizeof sa) != (ssize_t)n) {
		perror("sdnotify");
		return 1;
	}
	close(fd);
	if (argc > 2) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		return 127;
	}
	return 0;
}
