/*
 * pidfs_ino PID - print the inode of a pidfd of PID when pidfds live in
 * pidfs (Linux 6.9+): the exact start token prreg records as pidfs:INO.
 * Exit 1 when PID has none, 2 when this kernel has no pidfs.  A test
 * oracle, apart from lib/: it shares no code with what it checks.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

int
main(int argc, char *argv[])
{
	struct statfs sf;
	struct stat st;
	int fd;

	if (argc != 2)
		return 2;
	fd = (int)syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (fd == -1)
		return 1;
	if (fstatfs(fd, &sf) == -1 || sf.f_type != 0x50494446 ||
	    fstat(fd, &st) == -1)
		return 2;
	printf("%llu\n", (unsigned long long)st.st_ino);
	return 0;
}
