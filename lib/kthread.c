/* kthread.c - is a pid a kernel thread?  See kthread.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "kthread.h"
#include "proc.h"
#include "sysread.h"
#include "word.h"

/* Started by the kernel itself: no parent, and not init. */
static int
kernel_made(pid_t pid)
{
	struct pstat ps;

	if (!proc_stat(pid, &ps))
		return -1;
	return pid != 1 && ps.ppid == 0;
}

/* What ps(1) can tell: made by the kernel, or a child of one so made. */
static int
kthread_by_parent(pid_t pid)
{
	struct pstat ps;

	if (pid == 1)
		return 0;
	if (!proc_stat(pid, &ps))
		return -1;
	return ps.ppid == 0 || (ps.ppid != 1 && kernel_made(ps.ppid) == 1);
}

#ifndef PRREG_NO_PROCFS

#define PF_KTHREAD 0x00200000UL	/* include/linux/sched.h */

/* Field 9 of /proc/PID/stat, counted after the last ')': the flags. */
int
pid_kthread(pid_t pid)
{
	char path[40], buf[1024], *p;
	unsigned long long flags = 0;
	int field;

	fmt_snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (read_small(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return kthread_by_parent(pid);
	for (field = 2; field < 9 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return kthread_by_parent(pid);
	return num_next(p + 1, &flags) != NULL && (flags & PF_KTHREAD) != 0;
}

#else

int
pid_kthread(pid_t pid)
{
	return kthread_by_parent(pid);
}

#endif
