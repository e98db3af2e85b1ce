/*
 * holdlock LOCKFILE GO - take the writers' lock of a registry (an fcntl
 * write lock on LOCKFILE, as prreg(5) says), print "locked" on stdout,
 * and hold it until the file GO exists.  So a test can make a tool wait
 * for the lock, and do something meanwhile.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct flock fl;
	int fd;

	if (argc != 3)
		return 2;
	if ((fd = open(argv[1], O_RDWR | O_CREAT, 0600)) == -1)
		return 3;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLKW, &fl) == -1)
		return 3;
	printf("locked\n");
	fflush(stdout);
	while (access(argv[2], F_OK) != 0)
		usleep(10000);
	return 0;
}
