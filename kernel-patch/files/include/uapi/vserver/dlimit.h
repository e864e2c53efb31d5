/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: disk limits.
 *
 * A disk limit caps what the files of one context tag may take on one
 * filesystem: space (KiB by default) and inodes, with a share of the
 * space kept for root.  An entry is named by a path on the filesystem
 * (usually its mount point) and the tag (the id argument, 0..65535; a
 * negative id names the caller's own context).  The context need not
 * exist: util-vserver sets limits before it starts a guest.
 *
 *   add_dlimit  creates the entry: nothing used, no limits     -EEXIST
 *   rem_dlimit  removes it                                      -ESRCH
 *   set_dlimit  changes the fields that are not CDLIM_KEEP      -ESRCH
 *   get_dlimit  reads them (the caller sets name and flags)     -ESRCH
 *
 * Values: CDLIM_INFINITY is no limit (a total only), CDLIM_KEEP leaves a
 * field as it is on set, CDLIM_UNSET is plain 0.  Space is counted in
 * KiB unless flags has DLIMF_SHIFT: then the 2-bit exponents at
 * DLIMS_USED and DLIMS_TOTAL give the unit of space_used and
 * space_total as 1024^exp bytes (DLIME_UNIT bytes, KILO KiB, MEGA MiB,
 * GIGA GiB), on set and on get alike.  reserved is a percentage of
 * space_total only root may fill.
 *
 * Errors: -EINVAL an id above 65535, unknown flags, reserved above 100,
 * CDLIM_INFINITY for a used count or reserved; -ENOENT, -ENOTDIR,
 * -EACCES, -EFAULT from the path; -EOPNOTSUPP without the vserver LSM.
 */
#ifndef _UAPI_VSERVER_DLIMIT_H
#define _UAPI_VSERVER_DLIMIT_H

#include <linux/types.h>
#include <vserver/switch.h>

#define VCMD_add_dlimit		VC_CMD(DLIMIT, 1, 0)
#define VCMD_rem_dlimit		VC_CMD(DLIMIT, 2, 0)
#define VCMD_set_dlimit		VC_CMD(DLIMIT, 5, 0)
#define VCMD_get_dlimit		VC_CMD(DLIMIT, 6, 0)

/* add/rem.  The 32-bit layout differs (pointer size): 8 / 16 bytes. */
struct vcmd_ctx_dlimit_base_v0 {
	const char *name;		/* user-space path */
	__u32 flags;
};

/* set/get: 28 bytes on ILP32, 32 on LP64. */
struct vcmd_ctx_dlimit_v0 {
	const char *name;		/* user-space path */
	__u32 space_used;		/* KiB, or as flags say */
	__u32 space_total;
	__u32 inodes_used;
	__u32 inodes_total;
	__u32 reserved;			/* % of space_total for root */
	__u32 flags;
};

#define CDLIM_UNSET		(0U)
#define CDLIM_INFINITY		(~0U)
#define CDLIM_KEEP		(~1U)

#define DLIMF_SHIFT		0x10
#define DLIMS_USED		0
#define DLIMS_TOTAL		2
#define DLIME_UNIT		0
#define DLIME_KILO		1
#define DLIME_MEGA		2
#define DLIME_GIGA		3
#define DLIMF_VALID		(DLIMF_SHIFT | (3 << DLIMS_USED) | (3 << DLIMS_TOTAL))

#endif /* _UAPI_VSERVER_DLIMIT_H */
