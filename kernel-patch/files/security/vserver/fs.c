// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module, filesystem part: the chroot barrier,
 * context tags on files and the device nodes a guest may open.
 *
 * Barrier.  A directory with the barrier attribute (IATTR_BARRIER,
 * S_BARRIER in i_flags; `setattr --barrier DIR`) cannot be passed by a
 * guest task: every permission check on it fails with -EACCES for a task
 * of xid 2 or more, so a path walk through it, a `..` step out of it,
 * chdir, fchdir and chroot into it all fail.  The barrier sits on the
 * parent directory of each guest root; the host chroots a guest below it
 * before the guest starts, and the classic chroot escape (chroot deeper,
 * then walk `..` from a directory outside the new root) stops at the
 * barrier, even for guest root.  The host and the spectator pass.
 *
 * Tags.  devpts nodes carry the xid of the task that made them (the one
 * opening /dev/ptmx), for lsxid; nothing checks them.
 * A filesystem mounted with the option "tag" (alias "tagxid")
 * gives every inode created on it the creator's file tag as its tag
 * (i_tag), or N with "tagid=N".  A task's file tag is its xid unless it
 * set another one with tag_migrate (vx_task_tag(), kernel/vserver/
 * inode.c).  A guest may then
 * not use an inode whose tag is neither 0 nor its own file tag (-EACCES,
 * the same check as the barrier); an untagged inode (tag 0, the host's)
 * acts as the guest's own, and a guest that opens it for writing or
 * changes its attributes retags it to its file tag.
 * The host and the spectator are never checked.  "notagcheck" keeps the
 * tags but drops the check; "notag" turns tagging off.  A remount may drop
 * "tag" but not add it (-EINVAL): inodes created meanwhile carry no tag.
 * The options are taken out of the mount data before the filesystem sees
 * them (sb_eat_lsm_opts), so every filesystem accepts them.  tmpfs keeps
 * a tag for the life of the file; ext2 stores it on disk
 * (fs/ext2/inode.c) and loads it whatever the mount options, so a file
 * keeps its tag across a mount without "tag" (unchecked there) and is
 * checked again once mounted with it.
 *
 * Devices.  A guest opens only the character devices of the minimal guest
 * /dev: null, zero, full, random, urandom, tty, ptmx and the pty slaves
 * (/dev/pts).  Every other device node, and every block device, gives
 * -EPERM, wherever the node lives and whoever made it, so a node the
 * host left in reach or a guest made with CAP_MKNOD opens nothing else.
 * The host widens it per device with set_mapping (DATTR_OPEN,
 * kernel/vserver/device.c).  Two context capabilities widen the list:
 * ADMIN_CLOOP the loop devices (block major 7) and /dev/loop-control
 * (misc 237), whose ioctls need no further capability; ADMIN_MAPPER the device-mapper control node
 * /dev/mapper/control (misc 236), whose ioctls still ask CAP_SYS_ADMIN.
 *
 * Extended attributes.  security.* and trusted.* name the host's policy
 * (security modules, integrity, overlay metadata): a guest sets or
 * removes security.* only with the ccap FS_SECURITY and trusted.* only
 * with FS_TRUSTED, on top of the CAP_SYS_ADMIN the kernel already asks
 * (-EPERM).  security.capability (file capabilities) is left to the
 * bound, which decides what such a file may give.  Because this module
 * answers inode_setxattr and inode_removexattr, the framework no longer
 * calls the capability module's checks for them itself: we do
 * (cap_inode_setxattr(), cap_inode_removexattr()), for every task.
 *
 * Mounts.  A guest mounts the binary or network filesystems of
 * kernel/vserver/mount.c only with the ccap BINARY_MOUNT (sb_mount).
 *
 * The hooks live in their own array and join the vserver LSM from its
 * init through vx_fs_lsm_init().  The checks of the hottest paths (inode
 * permission, create and unlink, path_mknod and path_unlink, file open,
 * a new inode's tag) are no hooks: security/security.c calls them
 * directly behind the vx_active static key (include/linux/vserver/
 * security.h), so a host without contexts pays no call for them.
 *
 * The permission check runs for every component of every path walk, in
 * RCU walk too: it only reads i_flags, i_tag, the superblock blob and the
 * caller's xid, and never sleeps.
 *
 * Locking: i_tag is written with WRITE_ONCE() (creation, retag, set_iattr)
 * and read with READ_ONCE(); a racing retag of an untagged inode by two
 * guests leaves one of them as owner.  A task's tag and tag_xid are
 * written only by the task itself (tag_migrate: tag, smp_wmb(), tag_xid)
 * and read in the opposite order with smp_rmb() between.  The superblock's tag options change
 * only at mount and remount, under the superblock's s_umount lock, and
 * are read with READ_ONCE().
 */

#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/kernel_read_file.h>
#include <linux/kdev_t.h>
#include <linux/lsm_hooks.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vserver/context.h>
#include <linux/vserver/device.h>
#include <linux/vserver/dlimit.h>
#include <linux/vserver/inode.h>
#include <linux/vserver/mount.h>
#include <linux/vserver/quota.h>
#include <linux/vserver/security.h>
#include <linux/xattr.h>
#include "vserver.h"

/**
 * struct vx_mnt_opts - tag options of one mount or remount request
 * @set:	VX_SB_* bits asked for
 * @clear:	VX_SB_* bits turned off ("notag")
 * @tagid:	value of "tagid="
 */
struct vx_mnt_opts {
	u32	set;
	u32	clear;
	u32	tagid;
};

static struct vx_sb *vx_sb(const struct super_block *sb)
{
	return sb->s_security + vx_blob_sizes.lbs_superblock;
}

/*
 * The blob exists only when the vserver LSM initialised: with "lsm="
 * leaving it out, s_security belongs to other modules and our offset was
 * never assigned, so nothing of ours is read.
 */
static u32 vx_sb_flags(const struct super_block *sb)
{
	if (!vx_lsm_enabled || !sb->s_security)
		return 0;
	return READ_ONCE(vx_sb(sb)->flags);
}

/**
 * vx_sb_dlimits - the list of disk limits of @sb
 *
 * NULL without the vserver LSM (no blob of ours); the list itself belongs
 * to kernel/vserver/dlimit.c.
 */
struct hlist_head *vx_sb_dlimits(const struct super_block *sb)
{
	if (!vx_lsm_enabled || !sb->s_security)
		return NULL;
	return &vx_sb(sb)->dlimits;
}

/* The superblock goes: its disk limits go with it. */
static void vx_sb_free_security(struct super_block *sb)
{
	vx_dl_sb_free(sb);
}

/**
 * vx_sb_tagged - is @sb mounted with "tag"?
 */
bool vx_sb_tagged(const struct super_block *sb)
{
	return vx_sb_flags(sb) & VX_SB_TAG;
}

static u32 vx_current_tag(void)
{
	return vx_task_tag(current);
}

/*
 * A fresh inode (any filesystem) starts untagged, except on devpts: a
 * pty slave node is made by the task opening the master (/dev/ptmx), and
 * carries that task's xid (0 for the host and the spectator).  lsxid and
 * get_iattr report it; no tag check applies on devpts.  Called from
 * security_inode_alloc() once a context exists (the untagged start is
 * vx_security_inode_alloc()'s, include/linux/vserver/security.h).
 */
void vx_inode_alloc_tag(struct inode *inode)
{
	u32 xid;

	if (inode->i_sb->s_magic != DEVPTS_SUPER_MAGIC)
		return;
	xid = vx_current_xid();
	if (vx_is_guest_xid(xid))
		inode->i_tag = xid;
}

/**
 * vx_inode_init_tag - tag a new inode of a tagged filesystem
 * @inode: the inode, not yet visible to anyone else
 *
 * It takes the mount's tagid= or the creator's xid.  Filesystems call
 * this where they create inodes if their create path does not reach the
 * LSM's inode_init_security (ext2 without security xattrs);
 * security_inode_init_security() does it for the others.
 */
void vx_inode_init_tag(struct inode *inode)
{
	const struct super_block *sb = inode->i_sb;
	u32 flags = vx_sb_flags(sb);

	if (flags & VX_SB_TAG)
		inode->i_tag = (flags & VX_SB_TAGID) ? READ_ONCE(vx_sb(sb)->tagid)
						     : vx_current_tag();
}

/* May the current task use @inode at all?  Atomic-safe. */
static int vx_tag_permission(const struct inode *inode)
{
	u32 xid = vx_current_xid();
	u32 tag;

	if (!vx_is_guest_xid(xid))
		return 0;
	if ((vx_sb_flags(inode->i_sb) & (VX_SB_TAG | VX_SB_NOTAGCHECK)) !=
	    VX_SB_TAG)
		return 0;
	tag = vx_inode_tag(inode);
	return (!tag || tag == vx_current_tag()) ? 0 : -EACCES;
}

/*
 * Pseudo filesystems whose files act on the host as a whole (kernfs:
 * sysfs and cgroupfs; debugfs, tracefs, securityfs, binfmt_misc, configfs,
 * bpffs, efivarfs, pstore) and the proc_dir_entry files of /proc (not
 * the per-process files, not /proc/sys, which has its own rule): a
 * guest root passes their DAC checks, so a guest may read them but
 * change nothing there.  debugfs and tracefs are the kernel's insides
 * (addresses, traces of every task): a guest may not even read them.
 */
/* configfs keeps its magic to itself (fs/configfs/mount.c). */
#define VX_CONFIGFS_MAGIC	0x62656570

static bool vx_host_pseudo_fs(const struct inode *inode)
{
	switch (inode->i_sb->s_magic) {
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BINFMTFS_MAGIC:
	case VX_CONFIGFS_MAGIC:
	case BPF_FS_MAGIC:
	case EFIVARFS_MAGIC:
	case PSTOREFS_MAGIC:
		return true;
	case PROC_SUPER_MAGIC:
		return vx_proc_inode(inode);
	default:
		return false;
	}
}

/*
 * May the current task change @inode (its data, its metadata, the names
 * in it or its own name)?  A guest may not touch an inode tagged for
 * another context, nor anything on a host pseudo filesystem.
 */
static int vx_may_change(const struct inode *inode)
{
	if (!static_branch_unlikely(&vx_active) || !inode)
		return 0;
	if (!vx_is_guest_xid(vx_current_xid()))
		return 0;
	if (vx_host_pseudo_fs(inode))
		return -EACCES;
	return vx_tag_permission(inode);
}

/* The kernel's debugging views, closed to guests altogether. */
static bool vx_host_debug_fs(const struct inode *inode)
{
	return inode->i_sb->s_magic == DEBUGFS_MAGIC ||
	       inode->i_sb->s_magic == TRACEFS_MAGIC;
}

/*
 * Write permission on a host pseudo filesystem is refused here as well as
 * at open: the kernel asks it without an open, e.g. clone3() with
 * CLONE_INTO_CGROUP and the cgroup.procs writes of cgroup_may_write(),
 * which check the common ancestor's cgroup.procs with inode_permission().
 */
int vx_inode_permission(struct inode *inode, int mask)
{
	if (!vx_is_guest_xid(vx_current_xid()))
		return 0;
	if (unlikely(IS_BARRIER(inode)) && S_ISDIR(inode->i_mode))
		return -EACCES;
	if (vx_host_debug_fs(inode))
		return -EACCES;
	if ((mask & (MAY_WRITE | MAY_APPEND)) && vx_host_pseudo_fs(inode))
		return -EACCES;
	return vx_mqueue_permission(inode) ?: vx_tag_permission(inode);
}

/* A guest changing an untagged inode of a tagged filesystem owns it. */
static int vx_retag(struct inode *inode)
{
	u32 xid = vx_current_xid();

	if (vx_is_guest_xid(xid) && vx_sb_tagged(inode->i_sb) &&
	    !vx_inode_tag(inode))
		return vx_set_inode_tag(inode, vx_current_tag());
	return 0;
}

/*
 * The character devices of the minimal guest /dev (ABI section 9), plus
 * the loop and device-mapper nodes the ccaps ADMIN_CLOOP and ADMIN_MAPPER
 * admit.
 */
static bool vx_guest_device(const struct inode *inode)
{
	unsigned int major = MAJOR(inode->i_rdev);
	unsigned int minor = MINOR(inode->i_rdev);
	struct vx_info *vxi = vx_task_info(current);

	if (S_ISBLK(inode->i_mode))
		return major == LOOP_MAJOR &&
		       vx_info_ccaps(vxi, VXC_ADMIN_CLOOP);
	if (!S_ISCHR(inode->i_mode))
		return false;
	switch (major) {
	case MISC_MAJOR:
		if (minor == LOOP_CTRL_MINOR)
			return vx_info_ccaps(vxi, VXC_ADMIN_CLOOP);
		if (minor == MAPPER_CTRL_MINOR)
			return vx_info_ccaps(vxi, VXC_ADMIN_MAPPER);
		return false;
	case MEM_MAJOR:		/* null, zero, full, random, urandom */
		return minor == 3 || minor == 5 || minor == 7 ||
		       minor == 8 || minor == 9;
	case TTYAUX_MAJOR:	/* tty, ptmx */
		return minor == 0 || minor == 2;
	default:		/* the pty slaves */
		return major >= UNIX98_PTY_SLAVE_MAJOR &&
		       major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT;
	}
}

/*
 * Which opens (and name changes, below) must lie below the caller's
 * root: regular files and directories on a mountable filesystem.  Files that have no place in
 * any tree (pipes, sockets, anonymous inodes) live on internal mounts
 * nobody can mount; devices have their own allowlist; a terminal or
 * FIFO the host handed over is a channel it chose to give, and reopening
 * it through /dev/stdout (/proc/self/fd/1) must keep working.  POSIX
 * message queues are opened by mq_open() on the IPC namespace's own
 * mount, outside every root: they are IPC objects, and ipc.c decides
 * who may open them.
 */
static bool vx_confined_path(const struct path *path)
{
	umode_t mode = d_inode(path->dentry)->i_mode;
	const struct super_block *sb = path->mnt->mnt_sb;

	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return false;
	if (sb->s_magic == VX_MQUEUE_MAGIC)
		return false;
	return !(sb->s_flags & SB_NOUSER);
}

int vx_file_open(struct file *file)
{
	struct inode *inode = file_inode(file);
	int ret;

	if (!vx_is_guest_xid(vx_current_xid()))
		return 0;
	if ((S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) &&
	    !vx_guest_device(inode) &&
	    !vx_devmap_allows(inode->i_mode, inode->i_rdev, DATTR_OPEN))
		return -EPERM;
	/*
	 * Whatever led here (a leaked directory fd, a /proc link, a file
	 * handle, a walk from a cwd outside the root), a guest opens
	 * only what lies below its root.
	 */
	if (vx_confined_path(&file->f_path) &&
	    !vx_path_below_root(&file->f_path))
		return -EACCES;
	if (file->f_mode & FMODE_WRITE) {
		ret = vx_may_change(inode);
		if (ret)
			return ret;
		return vx_retag(inode);
	}
	return 0;
}

static int vx_inode_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int ret;

	ret = vx_may_change(inode);
	if (ret)
		return ret;
	if (static_branch_unlikely(&vx_active))
		return vx_retag(inode);
	return 0;
}

/* Names: the directory and the inode that loses or gains one. */
int vx_inode_create(struct inode *dir)
{
	return vx_may_change(dir);
}

static int vx_inode_mkdir(struct inode *dir, struct dentry *dentry,
			  umode_t mode)
{
	return vx_may_change(dir);
}

static int vx_inode_mknod(struct inode *dir, struct dentry *dentry,
			  umode_t mode, dev_t dev)
{
	return vx_may_change(dir);
}

static int vx_inode_symlink(struct inode *dir, struct dentry *dentry,
			    const char *old_name)
{
	return vx_may_change(dir);
}

static int vx_inode_link(struct dentry *old_dentry, struct inode *dir,
			 struct dentry *new_dentry)
{
	return vx_may_change(d_inode(old_dentry)) ?: vx_may_change(dir);
}

int vx_inode_unlink(struct inode *dir, struct dentry *dentry)
{
	return vx_may_change(d_inode(dentry)) ?: vx_may_change(dir) ?:
	       vx_mqueue_permission(d_inode(dentry));
}

static int vx_inode_rmdir(struct inode *dir, struct dentry *dentry)
{
	return vx_may_change(d_inode(dentry)) ?: vx_may_change(dir);
}

static int vx_inode_rename(struct inode *old_dir, struct dentry *old_dentry,
			   struct inode *new_dir, struct dentry *new_dentry)
{
	return vx_may_change(d_inode(old_dentry)) ?:
	       vx_may_change(d_inode(new_dentry)) ?:
	       vx_may_change(old_dir) ?: vx_may_change(new_dir);
}

/*
 * The ccap a guest needs to change the extended attribute @name, or 0:
 * security.* (but security.capability) needs FS_SECURITY, trusted.*
 * FS_TRUSTED.
 */
static u64 vx_xattr_ccap(const char *name)
{
	if (!strncmp(name, XATTR_SECURITY_PREFIX, XATTR_SECURITY_PREFIX_LEN))
		return strcmp(name, XATTR_NAME_CAPS) ? VXC_FS_SECURITY : 0;
	if (!strncmp(name, XATTR_TRUSTED_PREFIX, XATTR_TRUSTED_PREFIX_LEN))
		return VXC_FS_TRUSTED;
	return 0;
}

static int vx_xattr_change(struct dentry *dentry, const char *name)
{
	struct vx_info *vxi;
	u64 ccap;
	int ret;

	ret = vx_may_change(d_inode(dentry));
	if (ret || !static_branch_unlikely(&vx_active))
		return ret;
	if (!vx_current_in_guest())
		return 0;
	ccap = vx_xattr_ccap(name);
	vxi = vx_task_info(current);
	if (ccap && !vx_info_ccaps(vxi, ccap))
		return -EPERM;
	return 0;
}

/*
 * A module that answers these two hooks takes over the capability
 * module's checks (security/security.c calls them only when no module
 * answers), as SELinux and Smack do.
 */
static int vx_inode_setxattr(struct user_namespace *mnt_userns,
			     struct dentry *dentry, const char *name,
			     const void *value, size_t size, int flags)
{
	return cap_inode_setxattr(dentry, name, value, size, flags) ?:
	       vx_xattr_change(dentry, name);
}

static int vx_inode_removexattr(struct user_namespace *mnt_userns,
				struct dentry *dentry, const char *name)
{
	return cap_inode_removexattr(mnt_userns, dentry, name) ?:
	       vx_xattr_change(dentry, name);
}

/* BINARY_MOUNT (kernel/vserver/mount.c), before any other mount check. */
static int vx_sb_mount(const char *dev_name, const struct path *path,
		       const char *type, unsigned long flags, void *data)
{
	return vx_mount_binary(type, flags);
}

/* chroot: a guest may go deeper, never to a directory outside its root. */
static int vx_path_chroot(const struct path *path)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	if (!vx_is_guest_xid(vx_current_xid()))
		return 0;
	return vx_path_below_root(path) ? 0 : -EPERM;
}

/*
 * Names outside the root.  The open rule is not the only way to use a
 * directory above the root: a file handle opened O_PATH never reaches
 * file_open (do_dentry_open() returns before it), nor does a directory
 * fd the host leaked, or a cwd it left outside, when it only names
 * things.  Through those a guest could hard-link the host's files into
 * its own tree, where the open rule then lets it read them, or rename,
 * create, remove, chmod, chown and truncate the host's files in place.
 * So every name operation of a guest must happen below its root too:
 * the directories of unlink, mkdir, rmdir, mknod, symlink and both ends
 * of rename and link (a link's source is on the target's mount), and the
 * file of truncate, chmod and chown (-EACCES, as for the open rule).
 * What lies outside every tree (pipes, sockets, devices, see above) is
 * left alone.  Locking: called with the parent directories locked; the
 * walk up takes the fs_struct lock and reads the mount and rename
 * seqlocks, never an inode lock.
 */
int vx_path_confined(const struct path *path)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	if (!vx_is_guest_xid(vx_current_xid()))
		return 0;
	if (!vx_confined_path(path))
		return 0;
	return vx_path_below_root(path) ? 0 : -EACCES;
}

static int vx_path_mkdir(const struct path *dir, struct dentry *dentry,
			 umode_t mode)
{
	return vx_path_confined(dir);
}

static int vx_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	return vx_path_confined(dir);
}

static int vx_path_symlink(const struct path *dir, struct dentry *dentry,
			   const char *old_name)
{
	return vx_path_confined(dir);
}

static int vx_path_link(struct dentry *old_dentry, const struct path *new_dir,
			struct dentry *new_dentry)
{
	struct path old = { .mnt = new_dir->mnt, .dentry = old_dentry };

	return vx_path_confined(&old) ?: vx_path_confined(new_dir);
}

static int vx_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			  const struct path *new_dir, struct dentry *new_dentry,
			  unsigned int flags)
{
	return vx_path_confined(old_dir) ?: vx_path_confined(new_dir);
}

static int vx_path_truncate(const struct path *path)
{
	return vx_path_confined(path);
}

static int vx_path_chmod(const struct path *path, umode_t mode)
{
	return vx_path_confined(path);
}

static int vx_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	return vx_path_confined(path);
}

/* The root of @fs without a reference; the caller holds the RCU lock. */
static void vx_fs_root_rcu(struct fs_struct *fs, struct path *root)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&fs->seq);
		*root = fs->root;
	} while (read_seqcount_retry(&fs->seq, seq));
}

/*
 * ptrace and the /proc links of another task (root, cwd, exe, fd/N,
 * map_files, pidfd_getfd, process_vm_*): a guest reaches a task of its
 * own context only if that task's root lies below its own.  A task the
 * host moved into the context without chrooting it (its root, cwd and
 * fds are the host's) is not a door out.  Called with the target's
 * task_lock held (ptrace_may_access(), ptrace_attach()), which keeps
 * its fs_struct; the roots are read without references under RCU.
 */
static int vx_fs_ptrace_access_check(struct task_struct *child,
				     unsigned int mode)
{
	struct path mine, theirs;
	int ret = 0;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	if (!vx_is_guest_xid(vx_current_xid()) || child == current)
		return 0;
	rcu_read_lock();
	if (!child->fs) {
		ret = -EACCES;
	} else {
		vx_fs_root_rcu(current->fs, &mine);
		vx_fs_root_rcu(child->fs, &theirs);
		if (!path_is_under(&theirs, &mine))
			ret = -EACCES;
	}
	rcu_read_unlock();
	return ret;
}

/*
 * Loading code into the kernel (kexec images and their initramfs,
 * modules, firmware, policies): never from a guest, whatever its bcaps
 * (CAP_SYS_BOOT is in util-vserver's defaults and lets kexec_load pass;
 * reboot(2) itself goes to the vshelper).
 */
static int vx_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_is_guest_xid(vx_current_xid()) ? -EPERM : 0;
}

static int vx_kernel_read_file(struct file *file, enum kernel_read_file_id id,
			       bool contents)
{
	return vx_kernel_load_data(LOADING_UNKNOWN, contents);
}

/* Mount options. */

static void vx_free_mnt_opts(void *mnt_opts)
{
	kfree(mnt_opts);
}

/* One option word: 1 if it is ours (and noted in @o), 0 if not. */
static int vx_parse_opt(const char *opt, struct vx_mnt_opts *o)
{
	unsigned int id;

	if (!strcmp(opt, "tag") || !strcmp(opt, "tagxid")) {
		o->set |= VX_SB_TAG;
		o->clear &= ~VX_SB_TAG;
	} else if (!strcmp(opt, "notag")) {
		o->clear |= VX_SB_TAG;
		o->set &= ~VX_SB_TAG;
	} else if (!strcmp(opt, "notagcheck")) {
		o->set |= VX_SB_NOTAGCHECK;
	} else if (!strncmp(opt, "tagid=", 6)) {
		if (kstrtouint(opt + 6, 0, &id) || id > 0xFFFF)
			return -EINVAL;
		o->set |= VX_SB_TAG | VX_SB_TAGID;
		o->tagid = id;
	} else {
		return 0;
	}
	return 1;
}

/*
 * Take our options out of the comma-separated mount data, in place, and
 * hand them over in *@mnt_opts.
 */
static int vx_sb_eat_lsm_opts(char *options, void **mnt_opts)
{
	struct vx_mnt_opts o = { };
	char *from = options, *to = options;
	bool ours = false;

	while (from && *from) {
		char *next = strchr(from, ',');
		size_t len;
		int ret;

		if (next)
			*next++ = '\0';
		len = strlen(from);
		ret = vx_parse_opt(from, &o);
		if (ret < 0)
			return ret;
		if (ret) {
			ours = true;
		} else if (len) {
			if (to != options)
				*to++ = ',';
			memmove(to, from, len);
			to += len;
		}
		from = next;
	}
	if (options)
		*to = '\0';
	if (!ours)
		return 0;
	if (*mnt_opts) {
		/* A second batch for the same request: the later words win. */
		struct vx_mnt_opts *prev = *mnt_opts;

		prev->set = (prev->set & ~o.clear) | o.set;
		prev->clear = (prev->clear & ~o.set) | o.clear;
		if (o.set & VX_SB_TAGID)
			prev->tagid = o.tagid;
		return 0;
	}
	*mnt_opts = kmemdup(&o, sizeof(o), GFP_KERNEL);
	return *mnt_opts ? 0 : -ENOMEM;
}

static int vx_sb_set_mnt_opts(struct super_block *sb, void *mnt_opts,
			      unsigned long kern_flags,
			      unsigned long *set_kern_flags)
{
	struct vx_mnt_opts *o = mnt_opts;
	struct vx_sb *vsb = vx_sb(sb);

	if (!o)
		return 0;
	if (o->set & VX_SB_TAGID)
		WRITE_ONCE(vsb->tagid, o->tagid);
	WRITE_ONCE(vsb->flags, (vsb->flags & ~o->clear) | o->set);
	return 0;
}

/* Remount: "tag" may be dropped but not added. */
static int vx_sb_remount(struct super_block *sb, void *mnt_opts)
{
	struct vx_mnt_opts *o = mnt_opts;

	if (!o)
		return 0;
	if ((o->set & VX_SB_TAG) && !vx_sb_tagged(sb))
		return -EINVAL;
	return vx_sb_set_mnt_opts(sb, mnt_opts, 0, NULL);
}

static int vx_sb_show_options(struct seq_file *m, struct super_block *sb)
{
	u32 flags = vx_sb_flags(sb);

	if (flags & VX_SB_TAGID)
		seq_printf(m, ",tagid=%u", READ_ONCE(vx_sb(sb)->tagid));
	else if (flags & VX_SB_TAG)
		seq_puts(m, ",tag");
	if (flags & VX_SB_NOTAGCHECK)
		seq_puts(m, ",notagcheck");
	return 0;
}

static struct security_hook_list vx_fs_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(inode_setattr, vx_inode_setattr),
	LSM_HOOK_INIT(inode_mkdir, vx_inode_mkdir),
	LSM_HOOK_INIT(inode_mknod, vx_inode_mknod),
	LSM_HOOK_INIT(inode_symlink, vx_inode_symlink),
	LSM_HOOK_INIT(inode_link, vx_inode_link),
	LSM_HOOK_INIT(inode_rmdir, vx_inode_rmdir),
	LSM_HOOK_INIT(inode_rename, vx_inode_rename),
	LSM_HOOK_INIT(inode_setxattr, vx_inode_setxattr),
	LSM_HOOK_INIT(inode_removexattr, vx_inode_removexattr),
	LSM_HOOK_INIT(sb_mount, vx_sb_mount),
	LSM_HOOK_INIT(path_chroot, vx_path_chroot),
	LSM_HOOK_INIT(path_mkdir, vx_path_mkdir),
	LSM_HOOK_INIT(path_rmdir, vx_path_rmdir),
	LSM_HOOK_INIT(path_symlink, vx_path_symlink),
	LSM_HOOK_INIT(path_link, vx_path_link),
	LSM_HOOK_INIT(path_rename, vx_path_rename),
	LSM_HOOK_INIT(path_truncate, vx_path_truncate),
	LSM_HOOK_INIT(path_chmod, vx_path_chmod),
	LSM_HOOK_INIT(path_chown, vx_path_chown),
	LSM_HOOK_INIT(ptrace_access_check, vx_fs_ptrace_access_check),
	LSM_HOOK_INIT(kernel_load_data, vx_kernel_load_data),
	LSM_HOOK_INIT(kernel_read_file, vx_kernel_read_file),
	LSM_HOOK_INIT(sb_free_security, vx_sb_free_security),
	LSM_HOOK_INIT(sb_free_mnt_opts, vx_free_mnt_opts),
	LSM_HOOK_INIT(sb_eat_lsm_opts, vx_sb_eat_lsm_opts),
	LSM_HOOK_INIT(sb_set_mnt_opts, vx_sb_set_mnt_opts),
	LSM_HOOK_INIT(sb_remount, vx_sb_remount),
	LSM_HOOK_INIT(sb_show_options, vx_sb_show_options),
};

/**
 * vx_fs_lsm_init - add the filesystem hooks to the vserver LSM
 *
 * Called once from the LSM's init, before any task can use them.
 */
void __init vx_fs_lsm_init(void)
{
	security_add_hooks(vx_fs_hooks, ARRAY_SIZE(vx_fs_hooks), "vserver");
}
