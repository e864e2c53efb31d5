/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: security contexts.
 *
 * A context (xid 2..65535) groups the tasks of one guest.  The host
 * creates it with ctx_create, which also moves the caller in; other tasks
 * join with ctx_migrate.  Each context has a 64-bit flag word (VXF_*),
 * context capabilities that grant or deny guest functions (VXC_*) and a
 * bound on the POSIX capabilities of its tasks (bcaps).
 *
 * Every set_* command takes a {value, mask} pair and changes only the
 * masked bits: new = (old & ~mask) | (value & mask).  The one-time bits
 * (VXF_ONE_TIME) can only be cleared, never set again.
 *
 * Errors: -ESRCH no such context, -EEXIST the id is taken (-EBUSY while it
 * is still being set up), -EINVAL bad id or flag value, -EACCES the
 * context is no longer administrable or private, -EFAULT bad pointer.
 */
#ifndef _UAPI_VSERVER_CONTEXT_H
#define _UAPI_VSERVER_CONTEXT_H

#include <linux/types.h>
#include <vserver/switch.h>

/*
 * The capability that gates sys_vserver.  The patched <linux/capability.h>
 * names it too; this copy is for programs built against a C library's
 * stock headers.  Guests hold it only while their context is in setup.
 */
#ifndef CAP_CONTEXT
#define CAP_CONTEXT		41
#endif

/* Context ids. */
#define VX_ID_HOST		0	/* the host, no context object */
#define VX_ID_SPECTATOR		1	/* sees every task, signals none */
#define VX_ID_MIN_STATIC	2
#define VX_ID_MIN_DYNAMIC	49152
#define VX_ID_MAX		65535
#define VX_ID_DYNAMIC		0xFFFFFFFFU	/* "kernel, pick one" */
#define VX_ID_SELF		0xFFFFFFFEU	/* any id < 0 as int: own */

/* Context flags (64 bit). */
#define VXF_INFO_LOCK		0x00000001ULL
#define VXF_INFO_SCHED		0x00000002ULL
#define VXF_INFO_NPROC		0x00000004ULL
#define VXF_INFO_PRIVATE	0x00000008ULL
#define VXF_INFO_INIT		0x00000010ULL
#define VXF_INFO_HIDE		0x00000020ULL
#define VXF_INFO_ULIMIT		0x00000040ULL
#define VXF_INFO_NSPACE		0x00000080ULL

#define VXF_SCHED_HARD		0x00000100ULL
#define VXF_SCHED_PRIO		0x00000200ULL
#define VXF_SCHED_PAUSE		0x00000400ULL

#define VXF_VIRT_MEM		0x00010000ULL
#define VXF_VIRT_UPTIME		0x00020000ULL
#define VXF_VIRT_CPU		0x00040000ULL
#define VXF_VIRT_LOAD		0x00080000ULL
#define VXF_VIRT_TIME		0x00100000ULL

#define VXF_HIDE_MOUNT		0x01000000ULL
#define VXF_HIDE_NETIF		0x02000000ULL	/* moved to NXF_HIDE_NETIF */
#define VXF_HIDE_VINFO		0x04000000ULL

#define VXF_STATE_SETUP		(1ULL << 32)
#define VXF_STATE_INIT		(1ULL << 33)
#define VXF_STATE_ADMIN		(1ULL << 34)

#define VXF_SC_HELPER		(1ULL << 36)
#define VXF_REBOOT_KILL		(1ULL << 37)
#define VXF_PERSISTENT		(1ULL << 38)

#define VXF_FORK_RSS		(1ULL << 48)
#define VXF_PROLIFIC		(1ULL << 49)

#define VXF_IGNEG_NICE		(1ULL << 52)

/* Bits that can be cleared once and never set again. */
#define VXF_ONE_TIME		(VXF_STATE_SETUP | VXF_STATE_INIT | \
				 VXF_STATE_ADMIN)
/* Flag word of ctx_create_v0, and the usual one for ctx_create. */
#define VXF_INIT_SET		VXF_ONE_TIME

/* Context capabilities (64 bit). */
#define VXC_SET_UTSNAME		0x00000001ULL
#define VXC_SET_RLIMIT		0x00000002ULL
#define VXC_FS_SECURITY		0x00000004ULL
#define VXC_FS_TRUSTED		0x00000008ULL
#define VXC_TIOCSTI		0x00000010ULL
#define VXC_RAW_ICMP		0x00000100ULL	/* moved to NXC_RAW_ICMP */
#define VXC_SYSLOG		0x00001000ULL
#define VXC_OOM_ADJUST		0x00002000ULL
#define VXC_AUDIT_CONTROL	0x00004000ULL
#define VXC_SECURE_MOUNT	0x00010000ULL
#define VXC_SECURE_REMOUNT	0x00020000ULL
#define VXC_BINARY_MOUNT	0x00040000ULL
#define VXC_QUOTA_CTL		0x00100000ULL
#define VXC_ADMIN_MAPPER	0x00200000ULL
#define VXC_ADMIN_CLOOP		0x00400000ULL
#define VXC_KTHREAD		0x01000000ULL
#define VXC_NAMESPACE		0x02000000ULL

/* ctx_migrate flags. */
#define VXM_SET_INIT		0x00000001ULL
#define VXM_SET_REAPER		0x00000002ULL

/* Lifecycle (level 5). */
#define VCMD_ctx_create_v0	VC_CMD(VPROC, 1, 0)
#define VCMD_ctx_create		VC_CMD(VPROC, 1, 1)
#define VCMD_ctx_migrate_v0	VC_CMD(PROCMIG, 1, 0)
#define VCMD_ctx_migrate	VC_CMD(PROCMIG, 1, 1)

/* ctx_create: initial flag word; ctx_migrate: VXM_* flags. */
struct vcmd_ctx_create {
	__u64 flagword;
};

struct vcmd_ctx_migrate {
	__u64 flagword;
};

/* Queries (level 3, read-only). */
#define VCMD_vx_info		VC_CMD(VINFO, 5, 0)
#define VCMD_ctx_stat		VC_CMD(VSTAT, 0, 0)

struct vcmd_vx_info_v0 {
	__u32 xid;
	__u32 initpid;		/* global pid of the context's init, or 0 */
};

struct vcmd_ctx_stat_v0 {
	__u32 usecnt;		/* references to the context */
	__u32 tasks;		/* tasks in it */
};

/* Flags, context capabilities, capability bound, masks. */
#define VCMD_get_cflags		VC_CMD(FLAGS, 1, 0)
#define VCMD_set_cflags		VC_CMD(FLAGS, 2, 0)
#define VCMD_get_ccaps		VC_CMD(FLAGS, 3, 1)
#define VCMD_set_ccaps		VC_CMD(FLAGS, 4, 1)
#define VCMD_get_bcaps		VC_CMD(FLAGS, 9, 0)
#define VCMD_set_bcaps		VC_CMD(FLAGS, 10, 0)
#define VCMD_get_umask		VC_CMD(FLAGS, 13, 0)
#define VCMD_set_umask		VC_CMD(FLAGS, 14, 0)
#define VCMD_get_wmask		VC_CMD(FLAGS, 15, 0)
#define VCMD_set_wmask		VC_CMD(FLAGS, 16, 0)

struct vcmd_ctx_flags_v0 {
	__u64 flagword;
	__u64 mask;
};

struct vcmd_ctx_caps_v1 {
	__u64 ccaps;
	__u64 cmask;
};

/* Bound on the POSIX capabilities, indexed by CAP_* numbers. */
struct vcmd_bcaps {
	__u64 bcaps;
	__u64 bmask;
};

struct vcmd_umask {
	__u64 umask;
	__u64 mask;
};

struct vcmd_wmask {
	__u64 wmask;
	__u64 mask;
};

#endif /* _UAPI_VSERVER_CONTEXT_H */
