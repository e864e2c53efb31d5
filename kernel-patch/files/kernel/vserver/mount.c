// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer mount rules for guests.
 *
 * A guest normally holds no CAP_SYS_ADMIN, so mount(2) is -EPERM for it.
 * Three context capabilities widen that, each to forms that cannot reach
 * beyond the guest's root or bring devices or set-id programs into it:
 *
 *  - SECURE_MOUNT: a guest without CAP_SYS_ADMIN may mount a new tmpfs or
 *    proc (forced nodev,nosuid), a new devpts instance (forced
 *    nosuid,noexec: its pty nodes are what it is for), and bind a
 *    directory that lies below its root onto another one below its root.
 *    It may unmount what lies below its root.  Anything else (sysfs, a
 *    block device, moving a mount, changing propagation) stays -EPERM.
 *  - SECURE_REMOUNT: remount,bind (the per-mount flags of a mount below
 *    its root), again forced nodev,nosuid, and never from read-only to
 *    read-write.  A remount of the filesystem itself stays -EPERM.
 *  - BINARY_MOUNT: filesystems whose mount data is a binary structure or
 *    names a network server or a device set (vx_binary_types[]) need it
 *    whatever the guest's capabilities, CAP_SYS_ADMIN included.
 *
 * HIDE_MOUNT.  A chrooted task sees in /proc/<pid>/mounts, mountinfo and
 * mountstats only the mounts it can reach from its root (stock Linux),
 * so the mount holding its root, whose mount point lies outside, is
 * missing, which tells a guest it is chrooted.  A guest whose context
 * has HIDE_MOUNT sees that mount as "/" (its root as the mount's root),
 * as on a machine of its own, and nothing outside its root.
 *
 * Whatever its capabilities, a guest's mount(2) binds only directories
 * below its root: a path it reached through a leaked descriptor or a
 * /proc link would otherwise put the host's tree inside its own.
 * (open_tree(2) and move_mount(2) need CAP_SYS_ADMIN and are not
 * covered.)
 *
 * The host and the spectator are never asked (they keep the stock
 * rules).  Errors: -EPERM.
 *
 * Locking: none of our own; the caller holds no mount lock when asking
 * (path_is_under() takes the mount seqlock itself).
 */

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/vserver/context.h>
#include <linux/vserver/mount.h>
#include <uapi/linux/mount.h>

/* New mounts SECURE_MOUNT allows, and what is forced on each. */
static const struct {
	const char	*name;
	unsigned long	forced;
} vx_safe_types[] = {
	{ "tmpfs",	MS_NODEV | MS_NOSUID },
	{ "proc",	MS_NODEV | MS_NOSUID },
	{ "devpts",	MS_NOSUID | MS_NOEXEC },
};

/* Mount data a guest passes only with BINARY_MOUNT. */
static const char *const vx_binary_types[] = {
	"nfs", "nfs4", "coda", "ncpfs", "smbfs", "cifs", "smb3",
	"9p", "ceph", "afs", "btrfs",
};

/* Mount flags that are not a new mount, a bind or a remount. */
#define VX_MS_OTHER	(MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | \
			 MS_UNBINDABLE)

/* The context of current if it is a guest task, else NULL. */
static struct vx_info *vx_guest(void)
{
	if (!static_branch_unlikely(&vx_active))
		return NULL;
	if (!vx_current_in_guest())
		return NULL;
	return vx_task_info(current);
}

/*
 * Is @path below the current task's root?  The walk takes the mount lock
 * and rename_lock as readers (path_is_under()).  Also the LSM's
 * below-the-root rule for opens and names (security/vserver/fs.c), on
 * every open of a guest, so the root is read as d_path() reads it: under
 * RCU and fs->seq, without references.  The walk only compares the
 * root's mount and dentry by address, and neither can be freed, nor its
 * address reused, before the grace period ends.
 */
bool vx_path_below_root(const struct path *path)
{
	struct fs_struct *fs = current->fs;
	struct path root;
	unsigned int seq;
	bool ret;

	rcu_read_lock();
	do {
		seq = read_seqcount_begin(&fs->seq);
		root = fs->root;
	} while (read_seqcount_retry(&fs->seq, seq));
	ret = path_is_under(path, &root);
	rcu_read_unlock();
	return ret;
}

static int vx_safe_type(const char *type)
{
	unsigned int i;

	if (!type)
		return -1;
	for (i = 0; i < ARRAY_SIZE(vx_safe_types); i++)
		if (!strcmp(type, vx_safe_types[i].name))
			return i;
	return -1;
}

/**
 * vx_secure_mount - may a guest without CAP_SYS_ADMIN do this mount?
 * @path: the mount point (or the mount to remount)
 * @type: the filesystem type asked for (may be NULL)
 * @flags: mount(2) flags; the forced ones are added on success
 *
 * Called by path_mount() instead of refusing.  Returns 0 or -EPERM.
 */
int vx_secure_mount(const struct path *path, const char *type,
		    unsigned long *flags)
{
	struct vx_info *vxi = vx_guest();
	int i;

	if (!vxi || !vx_path_below_root(path))
		return -EPERM;
	if (*flags & MS_REMOUNT) {
		if (!(*flags & MS_BIND) ||
		    !vx_info_ccaps(vxi, VXC_SECURE_REMOUNT))
			return -EPERM;
		/* Never from read-only to read-write. */
		if ((path->mnt->mnt_flags & MNT_READONLY) &&
		    !(*flags & MS_RDONLY))
			return -EPERM;
		*flags |= MS_NODEV | MS_NOSUID;
		return 0;
	}
	if (!vx_info_ccaps(vxi, VXC_SECURE_MOUNT) || (*flags & VX_MS_OTHER))
		return -EPERM;
	/* The source of a bind is checked once do_loopback() found it. */
	if (*flags & MS_BIND)
		return 0;
	i = vx_safe_type(type);
	if (i < 0)
		return -EPERM;
	*flags |= vx_safe_types[i].forced;
	return 0;
}

/**
 * vx_mount_capable - may a guest create a superblock of @fc's type?
 *
 * The second question do_new_mount() asks (mount_capable()): only for
 * the types vx_secure_mount() lets through.
 */
bool vx_mount_capable(const struct fs_context *fc)
{
	struct vx_info *vxi = vx_guest();

	return vxi && vx_info_ccaps(vxi, VXC_SECURE_MOUNT) &&
	       vx_safe_type(fc->fs_type->name) >= 0;
}

/**
 * vx_mount_bind_source - may current bind @source somewhere?
 *
 * A guest binds only what lies below its root.  Returns 0 or -EPERM.
 */
int vx_mount_bind_source(const struct path *source)
{
	if (!vx_guest())
		return 0;
	return vx_path_below_root(source) ? 0 : -EPERM;
}

/**
 * vx_may_umount - may a guest without CAP_SYS_ADMIN unmount @path?
 */
bool vx_may_umount(const struct path *path)
{
	struct vx_info *vxi = vx_guest();

	return vxi && vx_info_ccaps(vxi, VXC_SECURE_MOUNT) &&
	       vx_path_below_root(path);
}

/**
 * vx_mount_show_root - HIDE_MOUNT for one line of the mount table
 * @root: the reader's root (taken when the table was opened)
 * @mnt_path: the mount's root; moved to @root for the mount holding it
 *
 * Returns true when the line is the reader's root mount and shows as
 * "/".  Called under namespace_sem (read); takes no lock.
 */
bool vx_mount_show_root(const struct path *root, struct path *mnt_path)
{
	struct vx_info *vxi = vx_guest();

	if (!vxi || !vx_info_flags(vxi, VXF_HIDE_MOUNT))
		return false;
	if (mnt_path->mnt != root->mnt)
		return false;
	mnt_path->dentry = root->dentry;
	return true;
}

/**
 * vx_mount_binary - the BINARY_MOUNT rule, for every mount request
 * @type: the filesystem type asked for (may be NULL)
 * @flags: mount(2) flags
 *
 * Returns -EPERM when a guest without the ccap asks for a new mount of
 * one of vx_binary_types[], else 0.
 */
int vx_mount_binary(const char *type, unsigned long flags)
{
	struct vx_info *vxi = vx_guest();
	unsigned int i;

	if (!vxi || !type || vx_info_ccaps(vxi, VXC_BINARY_MOUNT))
		return 0;
	if (flags & (MS_REMOUNT | MS_BIND | VX_MS_OTHER))
		return 0;
	for (i = 0; i < ARRAY_SIZE(vx_binary_types); i++)
		if (!strcmp(type, vx_binary_types[i]))
			return -EPERM;
	return 0;
}
