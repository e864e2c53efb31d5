/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer mount rules for guests (kernel/vserver/mount.c).
 *
 * fs/namespace.c asks these where it would refuse a mount for want of
 * CAP_SYS_ADMIN (the ccaps SECURE_MOUNT and SECURE_REMOUNT grant a few
 * safe forms), and before binding a path (a guest binds only what lies
 * below its root).  The vserver LSM asks vx_mount_binary() for every
 * mount (BINARY_MOUNT), and /proc/<pid>/mounts, mountinfo and mountstats
 * vx_mount_show_root() (HIDE_MOUNT).  Without CONFIG_VSERVER every answer
 * is the stock one.
 */
#ifndef _LINUX_VSERVER_MOUNT_H
#define _LINUX_VSERVER_MOUNT_H

#include <linux/types.h>

struct fs_context;
struct path;

#ifdef CONFIG_VSERVER
bool vx_path_below_root(const struct path *path);
int vx_secure_mount(const struct path *path, const char *type,
		    unsigned long *flags);
bool vx_mount_capable(const struct fs_context *fc);
int vx_mount_bind_source(const struct path *source);
bool vx_may_umount(const struct path *path);
int vx_mount_binary(const char *type, unsigned long flags);
bool vx_mount_show_root(const struct path *root, struct path *mnt_path);
#else
static inline int vx_secure_mount(const struct path *path, const char *type,
				  unsigned long *flags)
{
	return -EPERM;
}

static inline bool vx_mount_capable(const struct fs_context *fc)
{
	return false;
}

static inline int vx_mount_bind_source(const struct path *source)
{
	return 0;
}

static inline bool vx_may_umount(const struct path *path)
{
	return false;
}

static inline bool vx_mount_show_root(const struct path *root,
				      struct path *mnt_path)
{
	return false;
}
#endif

#endif /* _LINUX_VSERVER_MOUNT_H */
