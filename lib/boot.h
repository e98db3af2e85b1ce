/*
 * boot.h - which boot of the machine this is: the kernel's boot id, by
 * which the registry's header tells records of an earlier boot (all dead)
 * from this one's (prreg(5)).  A fact of the system, not of a process.
 */
#ifndef PRREG_BOOT_H
#define PRREG_BOOT_H

const char *boot_id(void);

#endif
