/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: namespace slots ("spaces").
 *
 * A context keeps two space slots, index 0 and 1.  Each slot saves a set
 * of namespaces (mount, UTS, IPC, ... as named by CLONE_NEW* bits) and
 * the filesystem root and working directory (CLONE_FS), so that tools can
 * later run a command in the guest's view of the system.
 *
 * set_space saves the caller's namespaces named in the mask into a slot
 * of the target context and ORs the mask into the slot's saved mask.
 * enter_space moves the caller into namespaces saved in a slot; mask 0
 * means everything the slot holds.  A mask with bits outside
 * get_space_mask, an index above 1, or a namespace the slot has not
 * saved is -EINVAL; a private context (INFO_PRIVATE) past setup is
 * -EACCES for enter_space.
 *
 * get_space_mask reports what this kernel can save, get_space_default
 * the mask util-vserver uses for a guest (CLONE_FS, NEWNS, NEWUTS,
 * NEWIPC).  The v0 commands are the older spellings: enter_space_v0
 * enters everything of slot 0, set_space_v1/enter_space_v1 take a mask
 * for slot 0, get_space_mask_v0 reports the older set (at most FS, NS,
 * UTS, IPC and USER).
 */
#ifndef _UAPI_VSERVER_SPACE_H
#define _UAPI_VSERVER_SPACE_H

#include <linux/types.h>
#include <vserver/switch.h>

#define VCMD_enter_space_v0	VC_CMD(PROCALT, 1, 0)
#define VCMD_enter_space_v1	VC_CMD(PROCALT, 1, 1)
#define VCMD_enter_space	VC_CMD(PROCALT, 1, 2)

#define VCMD_set_space_v1	VC_CMD(PROCALT, 3, 1)
#define VCMD_set_space		VC_CMD(PROCALT, 3, 2)

#define VCMD_get_space_mask_v0	VC_CMD(PROCALT, 4, 0)
#define VCMD_get_space_mask	VC_CMD(VSPACE, 0, 1)
#define VCMD_get_space_default	VC_CMD(VSPACE, 1, 0)

/*
 * Not dispatched (-ENOSYS): set_namespace_v0 (PROCALT,3,0),
 * cleanup_namespace (PROCALT,2,0), get_pflags (PROCALT,5,0) and
 * set_pflags (PROCALT,6,0).
 */

/* Number of space slots per context. */
#define VX_SPACES		2

struct vcmd_space_mask_v1 {
	__u64 mask;		/* CLONE_FS and CLONE_NEW* bits */
};

/* 16 bytes on LP64, 12 on i386 (u64 is 4-byte aligned there). */
struct vcmd_space_mask_v2 {
	__u64 mask;
	__u32 index;		/* slot, 0 or 1 */
};

#endif /* _UAPI_VSERVER_SPACE_H */
