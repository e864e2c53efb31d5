/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: device mapping (util-vserver's vdevmap).
 *
 * set_mapping lets the tasks of a context (id 0: of every guest) open,
 * and with DATTR_CREATE make, nodes of one more device: the device of
 * the node named by @device.  unset_mapping takes it away again.
 *
 * Errors: -EINVAL unknown flags or DATTR_REMAP (not supported), -ENODEV
 * @device is not a device node, -EISDIR it is a directory, -ENOENT and
 * -ENOTDIR as path lookup gives them, -ESRCH (unset) no such mapping.
 */
#ifndef _UAPI_VSERVER_DEVICE_H
#define _UAPI_VSERVER_DEVICE_H

#include <linux/types.h>
#include <vserver/switch.h>

#define DATTR_CREATE		0x00000001
#define DATTR_OPEN		0x00000002
#define DATTR_REMAP		0x00000010

#define VCMD_set_mapping	VC_CMD(DEVICE, 1, 0)
#define VCMD_unset_mapping	VC_CMD(DEVICE, 2, 0)

struct vcmd_set_mapping_v0 {
	const char *device;	/* user-space path of a device node */
	const char *target;	/* DATTR_REMAP: the node to open instead */
	__u32 flags;		/* DATTR_* */
};

#endif /* _UAPI_VSERVER_DEVICE_H */
