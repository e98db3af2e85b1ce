/*
 * kthread.h - whether a pid is a kernel thread (Linux's kthreadd and its
 * children; a BSD's kernel processes): a process no command started, that
 * never ends while the system runs, and so never a record's (prspawn -A
 * refuses one).  With procfs, the kernel's own flag says it (PF_KTHREAD
 * in /proc/PID/stat); without, a process the kernel started itself is
 * one with no parent (ppid 0) but init, and each of its children.
 * 1 when it is one, 0 when not, -1 when that cannot be read.
 */
#ifndef PRREG_KTHREAD_H
#define PRREG_KTHREAD_H

#include <sys/types.h>

int pid_kthread(pid_t pid);

#endif
