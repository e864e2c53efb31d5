/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: virtual host names.
 *
 * Each context has its own utsname.  get_vhi_name (level 3) reads one
 * field of it, set_vhi_name (level 7, host or the context during setup)
 * changes it.  The caller names the field with a VHIN_* value; names are
 * NUL-terminated and at most 64 characters long.  VHIN_CONTEXT is the
 * context's own label and is kept only as long as the context lives.
 *
 * virt_stat (level 3, read-only) reports a context's virtual clock and
 * task counts: offset is the boot-clock time of its creation and uptime
 * the time since, both in nanoseconds; nr_threads the tasks in it,
 * nr_running and nr_uninterruptible those in the matching scheduler
 * states, nr_onhold those held back by the CPU limit, nr_forks every
 * task created inside since creation; load[] the context's own load
 * average in the fixed-point format of /proc/loadavg (FSHIFT 11).
 *
 * Errors: -EINVAL unknown field, -EFAULT bad pointer.
 */
#ifndef _UAPI_VSERVER_CVIRT_H
#define _UAPI_VSERVER_CVIRT_H

#include <linux/types.h>
#include <vserver/switch.h>

#define VCMD_set_vhi_name	VC_CMD(VHOST, 1, 0)
#define VCMD_get_vhi_name	VC_CMD(VHOST, 2, 0)

/* vhi_name fields, in the order of struct new_utsname (plus CONTEXT). */
#define VHIN_CONTEXT		0
#define VHIN_SYSNAME		1
#define VHIN_NODENAME		2
#define VHIN_RELEASE		3
#define VHIN_VERSION		4
#define VHIN_MACHINE		5
#define VHIN_DOMAINNAME		6

#define VHI_NAME_LEN		65

struct vcmd_vhi_name_v0 {
	__u32 field;
	char name[VHI_NAME_LEN];
};

#define VCMD_virt_stat		VC_CMD(VSTAT, 3, 0)

struct vcmd_virt_stat_v0 {
	__u64 offset;
	__u64 uptime;
	__u32 nr_threads;
	__u32 nr_running;
	__u32 nr_uninterruptible;
	__u32 nr_onhold;
	__u32 nr_forks;
	__u32 load[3];
};

/*
 * sock_stat (level 3, read-only): the caller sets field to a socket
 * family class (VXA_SOCK_*); the kernel fills in how many messages of
 * that class the context's tasks received, sent and failed to transfer
 * (count[VXA_RECV..VXA_FAIL]) and their bytes (total[]).  -EINVAL for an
 * unknown class.
 */
#define VCMD_sock_stat		VC_CMD(VSTAT, 5, 0)

#define VXA_SOCK_UNSPEC		0
#define VXA_SOCK_UNIX		1
#define VXA_SOCK_INET		2
#define VXA_SOCK_INET6		3
#define VXA_SOCK_PACKET		4
#define VXA_SOCK_OTHER		5
#define VXA_SOCK_TYPES		6

struct vcmd_sock_stat_v0 {
	__u32 field;
	__u32 count[3];
	__u64 total[3];
};

#endif /* _UAPI_VSERVER_CVIRT_H */
