/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvserver: thin user-space access to sys_vserver().
 *
 * Command words, versions and feature bits come from the kernel's uapi
 * headers (include/uapi/vserver/), never from copies here.  Every call
 * returns what the kernel returned, or -1 with errno set, like syscall(2).
 */
#ifndef VSLAB_LIB_H
#define VSLAB_LIB_H

#include <stdint.h>
#include <sys/types.h>

#include <vserver/switch.h>
#include <vserver/info.h>

/* The system call itself: result >= 0, or -1 with errno. */
long vc_syscall(uint32_t cmd, uint32_t id, void *data);

/* Interface version (VCI_VERSION on this patch). */
long vc_get_version(void);
/* VCI feature bits (VCI_*). */
long vc_get_vci(void);
/* Context id of a task; pid 0 is the caller. */
long vc_task_xid(pid_t pid);

/* The syscall number this binary uses. */
int vc_syscall_nr(void);

/* "EPERM" for EPERM and so on; NULL for numbers it does not know. */
const char *vc_errname(int err);

/*
 * Parse a number given as decimal or 0x-prefixed hex, optionally negative.
 * Returns 0 and stores it in *val, or -1 if the text is not a number in
 * [min, max].
 */
int vc_parse_num(const char *s, long long min, long long max, long long *val);

#endif /* VSLAB_LIB_H */
