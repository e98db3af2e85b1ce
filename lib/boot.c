/* boot.c - the boot id: /proc/sys/kernel/random/boot_id, or "-". */
#include <stddef.h>

#include "boot.h"
#include "sysread.h"
#include "word.h"

const char *
boot_id(void)
{
	static char id[TOKEN_MAX + 1];
	ssize_t n = 0;

	if (id[0] != '\0')
		return id;
#ifndef PRREG_NO_PROCFS		/* without procfs, none to read: "-" */
	n = read_small("/proc/sys/kernel/random/boot_id", id, sizeof id);
#endif
	while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == ' '))
		n--;
	if (n <= 0 || !token_ok(id, (size_t)n))
		n = 0, id[n++] = '-';
	id[n] = '\0';
	return id;
}
