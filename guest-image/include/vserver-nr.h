/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sys_vserver's number, found at run time.
 *
 * Architectures with a historic vserver slot (i386 273, x86_64 236, arm
 * 313, ...) have it in the C library's <sys/syscall.h>, and that is the
 * number the kernel serves there: it is used as it is, nothing is read.
 * Those built on the generic syscall table (arm64) have no slot: the
 * kernel patch picks a number there (kernel-patch/README.md) that no C
 * library knows.  The kernel states the number it serves in
 * /proc/virtual/info, on the "VCISyscall:" line, in the reader's own ABI,
 * so that is read, once.  Where the file cannot be read (no /proc
 * mounted, a guest with HIDE_VINFO, a kernel without the interface) the
 * number the program was built with answers: VC_SYSCALL_NR from the build
 * (make VSERVER_NR=..., the harness's per-architecture table).  On a
 * kernel without the interface that number leads to -ENOSYS, as it should.
 */
#ifndef VSLAB_VSERVER_NR_H
#define VSLAB_VSERVER_NR_H

#include <stdio.h>
#include <sys/syscall.h>

#ifdef __NR_vserver

static inline long vc_lookup_syscall_nr(void)
{
	return __NR_vserver;
}

#else

#ifndef VC_SYSCALL_NR
#error "no number for sys_vserver: the C library names none and the build gave no VSERVER_NR"
#endif

/* The "VCISyscall:" number of /proc/virtual/info, or -1. */
static inline long vc_proc_syscall_nr(void)
{
	char line[128];
	long nr = -1;
	FILE *f = fopen("/proc/virtual/info", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VCISyscall: %ld", &nr) == 1)
			break;
		nr = -1;
	}
	fclose(f);
	return nr > 0 ? nr : -1;
}

/* The number to call: the kernel's word first, the built-in one else. */
static inline long vc_lookup_syscall_nr(void)
{
	static long nr;

	if (nr == 0) {
		nr = vc_proc_syscall_nr();
		if (nr < 0)
			nr = VC_SYSCALL_NR;
	}
	return nr;
}

#endif /* __NR_vserver */

#endif /* VSLAB_VSERVER_NR_H */
