/* reserve.c - blocks taken ahead of a write.  See reserve.h. */
#define _GNU_SOURCE		/* fallocate(2) and FALLOC_FL_KEEP_SIZE */
#include <errno.h>
#include <fcntl.h>

#include "reserve.h"

/*
 * LEN bytes of blocks for FD from its start, its size kept: written there
 * next, the bytes go to blocks the file has, and ext4 has no delayed
 * allocation to flush when the file is renamed over another.
 */
int
blocks_take(int fd, off_t len)
{
#ifdef FALLOC_FL_KEEP_SIZE
	int rc;

	while ((rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, len)) == -1 &&
	    errno == EINTR)
		;
	return rc == 0 ? 0 : errno;
#else
	(void)fd, (void)len;
	return EOPNOTSUPP;
#endif
}

/* Whether E says the call is not to be had here (no answer either way). */
int
blocks_unsupported(int e)
{
	return e == EOPNOTSUPP || e == ENOSYS || e == EINVAL;
}
