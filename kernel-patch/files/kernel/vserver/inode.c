// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer inode attributes: get_iattr, set_iattr, fget_iattr,
 * fset_iattr.
 *
 * The commands read and change the vserver attributes of one inode,
 * named by a path (get_iattr/set_iattr; a final symlink is not followed)
 * or by an open file descriptor (fget_iattr/fset_iattr, the fd is the id
 * argument).  Each answers with the tag, the bits set (flags; IATTR_TAG is
 * always among them) and the bits that apply to the inode (mask):
 *
 *   IMMUTABLE  on files of a filesystem with file attributes (chattr);
 *              it is the very S_IMMUTABLE that `chattr +i` sets, changed
 *              through vfs_fileattr_set() like FS_IOC_SETFLAGS does
 *   IXUNLINK   on any inode of tmpfs and ramfs (kept in memory) and of
 *              ext2 (on disk, fs/ext2/inode.c)
 *   BARRIER    on directories of those filesystems
 *   COW        on regular files of those filesystems: together with
 *              IMMUTABLE and IXUNLINK, a guest that opens the file for
 *              writing gets a private copy in its place (vx_cow_break())
 *   ADMIN, WATCH, HIDE  on /proc entries (fs/proc/vserver_iattr.c);
 *              only the host and the spectator (xid 0 and 1) change
 *              them: they decide what every guest sees (-EPERM for a
 *              guest); the spectator, which WATCH keeps seeing an
 *              entry, can give the host back one it hid from itself
 *   TAG        on filesystems mounted with "tag": set_iattr with TAG in
 *              the mask sets the inode's context tag (chxid); tag is
 *              0..65535 (security/vserver/fs.c).  Also on devpts, whose
 *              nodes carry the xid of the task that made them (opened
 *              the pty master), reported and settable, never checked
 *
 * Other disk filesystems cannot store IXUNLINK, BARRIER and COW: a bit
 * that would be lost when the inode leaves memory is refused with
 * -EINVAL there, as is any bit that does not apply, with one exception:
 * set_iattr (by path) ignores BARRIER for anything but a directory, as
 * util-vserver's setattr expects; fset_iattr and FIOC_SETXFLG refuse it.
 * Changing attributes needs CAP_LINUX_IMMUTABLE (-EPERM); the path walk
 * and the filesystem give their own errors (-ENOENT, -EACCES, -EROFS,
 * ...).
 *
 * FIOC_GETXFLG and FIOC_SETXFLG (fs/ioctl.c) reach the same code for an
 * open file, with the attribute bits in a long.
 *
 * task_tag and tag_migrate read and set a task's file tag, the tag its
 * new files get (vx_task_tag() below; the tag mount options and the tag
 * checks are the security module's, security/vserver/fs.c).
 *
 * Locking: IXUNLINK, BARRIER and COW change under the inode lock with
 * inode_set_flags(); vfs_fileattr_set() takes the inode lock itself for
 * IMMUTABLE.  Readers test i_flags without locks.
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fileattr.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/dlimit.h>
#include <linux/vserver/inode.h>
#include <linux/vserver/quota.h>
#include <linux/vserver/switch.h>
#include <vserver/context.h>
#include <vserver/inode.h>

/**
 * vx_task_tag - the file tag of task @p
 *
 * The tag @p gives the files it creates on a tagged filesystem and the
 * one guest tag checks compare with: what tag_migrate set, as long as @p
 * is still in the context it called tag_migrate in, else its xid.
 * Only @p itself changes its tag (tag, then tag_xid); another task
 * reading it may see the old tag for a moment, never a tag_xid that
 * matches with a stale tag.
 */
u32 vx_task_tag(const struct task_struct *p)
{
	u32 xid = vx_task_xid(p);

	if (READ_ONCE(p->tag_xid) != xid)
		return xid;
	smp_rmb();	/* pairs with smp_wmb() in vc_tag_migrate() */
	return READ_ONCE(p->tag);
}

/**
 * vx_inode_tag - the context tag of @inode (0: the host's, untagged)
 */
u32 vx_inode_tag(const struct inode *inode)
{
	return READ_ONCE(inode->i_tag);
}

/**
 * vx_set_inode_tag - give @inode the tag @tag and write it back
 *
 * Its quota usage moves to the records of @tag first (kernel/vserver/
 * quota.c); if that fails (-EDQUOT past a hard limit) nothing changes.
 * Its disk limit charge moves after, never refused.
 */
int vx_set_inode_tag(struct inode *inode, u32 tag)
{
	u32 old = READ_ONCE(inode->i_tag);
	int ret;

	if (old == tag)
		return 0;
	ret = vx_dquot_transfer_tag(inode, tag);
	if (ret)
		return ret;
	WRITE_ONCE(inode->i_tag, tag);
	vx_dl_transfer(inode, old, tag);
	mark_inode_dirty(inode);
	return 0;
}

#define VX_IATTR_XFLAGS	(IATTR_BARRIER | IATTR_IXUNLINK | IATTR_COW)
#define VX_IATTR_ALL	(IATTR_TAG | IATTR_FLAGS | VX_IATTR_XFLAGS | \
			 IATTR_IMMUTABLE)

/* The 32-bit layout of struct vcmd_ctx_iattr_v1. */
struct vcmd_ctx_iattr_v1_32 {
	u32 name;
	u32 tag;
	u32 flags;
	u32 mask;
};

/*
 * Filesystems that keep IXUNLINK, BARRIER and COW for an inode's life:
 * in memory (tmpfs, ramfs) or on disk (SB_I_VX_XFLAGS: ext2).
 */
static bool vx_sb_keeps_xflags(const struct super_block *sb)
{
	return sb->s_magic == TMPFS_MAGIC || sb->s_magic == RAMFS_MAGIC ||
	       (sb->s_iflags & SB_I_VX_XFLAGS);
}

/* The attributes that apply to @inode. */
static u32 vx_iattr_mask(const struct inode *inode)
{
	u32 mask = 0;

	if (inode->i_op->fileattr_set)
		mask |= IATTR_IMMUTABLE;
	if (vx_sb_keeps_xflags(inode->i_sb)) {
		mask |= IATTR_IXUNLINK;
		if (S_ISDIR(inode->i_mode))
			mask |= IATTR_BARRIER;
		if (S_ISREG(inode->i_mode))
			mask |= IATTR_COW;
	}
	if (vx_proc_inode(inode))
		mask |= IATTR_FLAGS;
	if (vx_sb_tagged(inode->i_sb) ||
	    inode->i_sb->s_magic == DEVPTS_SUPER_MAGIC)
		mask |= IATTR_TAG;
	return mask;
}

static void vx_iattr_get(const struct inode *inode, u32 *tag, u32 *flags,
			 u32 *mask)
{
	u32 f = IATTR_TAG | vx_proc_get_iattr(inode);

	if (IS_IMMUTABLE(inode))
		f |= IATTR_IMMUTABLE;
	if (IS_IXUNLINK(inode))
		f |= IATTR_IXUNLINK;
	if (IS_BARRIER(inode))
		f |= IATTR_BARRIER;
	if (IS_COW(inode))
		f |= IATTR_COW;
	*tag = vx_inode_tag(inode);
	*flags = f;
	*mask = vx_iattr_mask(inode);
}

/* IMMUTABLE goes through the filesystem, like FS_IOC_SETFLAGS. */
static int vx_iattr_set_immutable(const struct path *path, bool on)
{
	struct dentry *dentry = path->dentry;
	struct fileattr fa = { .flags_valid = true };
	u32 flags;
	int err;

	err = vfs_fileattr_get(dentry, &fa);
	if (err)
		return err == -ENOIOCTLCMD ? -EINVAL : err;
	flags = on ? fa.flags | FS_IMMUTABLE_FL : fa.flags & ~FS_IMMUTABLE_FL;
	if (flags == fa.flags)
		return 0;
	fileattr_fill_flags(&fa, flags);
	err = vfs_fileattr_set(mnt_user_ns(path->mnt), dentry, &fa);
	return err == -ENOIOCTLCMD ? -EINVAL : err;
}

static unsigned int vx_iattr_sflags(u32 flags)
{
	unsigned int s = 0;

	if (flags & IATTR_IXUNLINK)
		s |= S_IXUNLINK;
	if (flags & IATTR_BARRIER)
		s |= S_BARRIER;
	if (flags & IATTR_COW)
		s |= S_COW;
	return s;
}

/*
 * Change the attributes in @mask to their value in @flags; IATTR_TAG in
 * the mask sets the tag to @tag (tagged filesystems only).
 */
static int vx_iattr_set(const struct path *path, u32 tag, u32 flags,
			u32 mask)
{
	struct inode *inode = d_inode(path->dentry);
	u32 applies = vx_iattr_mask(inode);
	int err;

	if (!capable(CAP_LINUX_IMMUTABLE))
		return -EPERM;
	if ((mask & ~VX_IATTR_ALL) || (mask & ~applies))
		return -EINVAL;
	/* /proc visibility is global: the host's (and spectator's) to decide. */
	if ((mask & IATTR_FLAGS) && vx_is_guest_xid(vx_current_xid()))
		return -EPERM;
	if ((mask & IATTR_TAG) && tag > VX_ID_MAX)
		return -EINVAL;
	if (!mask)
		return 0;

	err = mnt_want_write(path->mnt);
	if (err)
		return err;
	if (mask & IATTR_TAG) {
		/* First: the one change quota may refuse (-EDQUOT). */
		inode_lock(inode);
		err = vx_set_inode_tag(inode, tag);
		inode_unlock(inode);
		if (err)
			goto out;
	}
	if (mask & IATTR_IMMUTABLE) {
		err = vx_iattr_set_immutable(path, flags & IATTR_IMMUTABLE);
		if (err)
			goto out;
	}
	inode_lock(inode);
	if (mask & VX_IATTR_XFLAGS) {
		/* Value bits outside the mask change nothing. */
		inode_set_flags(inode, vx_iattr_sflags(flags & mask),
				vx_iattr_sflags(mask));
		inode->i_ctime = current_time(inode);
		mark_inode_dirty(inode);
	}
	if (mask & IATTR_FLAGS)
		err = vx_proc_set_iattr(inode, flags, mask);
	inode_unlock(inode);
out:
	mnt_drop_write(path->mnt);
	return err;
}

/* Copy the path struct in, in the caller's layout. */
static int vx_iattr_copy_in(const struct vc_call *call,
			    struct vcmd_ctx_iattr_v1 *ia)
{
	if (call->compat) {
		struct vcmd_ctx_iattr_v1_32 ia32;

		if (copy_from_user(&ia32, call->data, sizeof(ia32)))
			return -EFAULT;
		ia->name = compat_ptr(ia32.name);
		ia->tag = ia32.tag;
		ia->flags = ia32.flags;
		ia->mask = ia32.mask;
		return 0;
	}
	if (copy_from_user(ia, call->data, sizeof(*ia)))
		return -EFAULT;
	return 0;
}

static int vx_iattr_copy_out(const struct vc_call *call,
			     const struct vcmd_ctx_iattr_v1 *ia)
{
	if (call->compat) {
		struct vcmd_ctx_iattr_v1_32 ia32 = {
			.name	= ptr_to_compat((void __user *)ia->name),
			.tag	= ia->tag,
			.flags	= ia->flags,
			.mask	= ia->mask,
		};

		return copy_to_user(call->data, &ia32, sizeof(ia32)) ?
			-EFAULT : 0;
	}
	return copy_to_user(call->data, ia, sizeof(*ia)) ? -EFAULT : 0;
}

/* Look the path of @ia up, without following a final symlink. */
static int vx_iattr_path(const struct vcmd_ctx_iattr_v1 *ia, struct path *path)
{
	return user_path_at(AT_FDCWD, (const char __user *)ia->name, 0, path);
}

long vc_get_iattr(const struct vc_call *call)
{
	struct vcmd_ctx_iattr_v1 ia;
	struct path path;
	int err;

	err = vx_iattr_copy_in(call, &ia);
	if (err)
		return err;
	err = vx_iattr_path(&ia, &path);
	if (err)
		return err;
	vx_iattr_get(d_inode(path.dentry), &ia.tag, &ia.flags, &ia.mask);
	path_put(&path);
	return vx_iattr_copy_out(call, &ia);
}

long vc_set_iattr(const struct vc_call *call)
{
	struct vcmd_ctx_iattr_v1 ia;
	struct path path;
	int err;

	err = vx_iattr_copy_in(call, &ia);
	if (err)
		return err;
	err = vx_iattr_path(&ia, &path);
	if (err)
		return err;
	/* BARRIER means nothing but for directories: ignored elsewhere. */
	if (!d_is_dir(path.dentry))
		ia.mask &= ~IATTR_BARRIER;
	err = vx_iattr_set(&path, ia.tag, ia.flags, ia.mask);
	if (!err)
		vx_iattr_get(d_inode(path.dentry), &ia.tag, &ia.flags,
			     &ia.mask);
	path_put(&path);
	return err ? err : vx_iattr_copy_out(call, &ia);
}

long vc_fget_iattr(const struct vc_call *call)
{
	struct vcmd_ctx_fiattr_v0 fia;
	struct fd f = fdget(call->id);

	if (!f.file)
		return -EBADF;
	vx_iattr_get(file_inode(f.file), &fia.tag, &fia.flags, &fia.mask);
	fdput(f);
	return copy_to_user(call->data, &fia, sizeof(fia)) ? -EFAULT : 0;
}

/**
 * vx_ioctl_xflg - FIOC_GETXFLG and FIOC_SETXFLG on an open file
 * @file: the file
 * @set: SETXFLG (else GETXFLG)
 * @argp: the user's long
 * @size: size of that long: sizeof(long), or 4 from the compat entry
 *
 * GETXFLG stores the flags get_iattr reports.  SETXFLG sets IMMUTABLE,
 * IXUNLINK, BARRIER and COW, as far as they apply to the inode, to their
 * value in the long; other bits are ignored, so a value read with
 * GETXFLG can be written back.  A bit of those four that does not apply
 * is -EINVAL.
 */
long vx_ioctl_xflg(struct file *file, bool set, void __user *argp,
		   size_t size)
{
	struct inode *inode = file_inode(file);
	u32 tag, flags, mask, applies;
	unsigned long val;

	if (!set) {
		vx_iattr_get(inode, &tag, &flags, &mask);
		if (size == sizeof(u32))
			return put_user(flags, (u32 __user *)argp);
		return put_user((unsigned long)flags,
				(unsigned long __user *)argp);
	}
	if (size == sizeof(u32)) {
		u32 v;

		if (get_user(v, (u32 __user *)argp))
			return -EFAULT;
		val = v;
	} else if (get_user(val, (unsigned long __user *)argp)) {
		return -EFAULT;
	}
	mask = VX_IATTR_XFLAGS | IATTR_IMMUTABLE;
	applies = vx_iattr_mask(inode) & mask;
	if (val & mask & ~applies)
		return -EINVAL;
	return vx_iattr_set(&file->f_path, 0, (u32)val, applies);
}

/*
 * task_tag: the file tag of a task (vx_task_tag()); id is a global pid,
 * 0 the caller.  As for task_xid, a guest learns nothing about tasks it
 * cannot see (-ESRCH).
 */
long vc_task_tag(const struct vc_call *call)
{
	struct task_struct *p;
	long ret = -ESRCH;

	if (!call->id)
		return vx_task_tag(current);
	if ((int)call->id < 0)
		return -ESRCH;
	rcu_read_lock();
	p = find_task_by_pid_ns(call->id, &init_pid_ns);
	if (p && (!vx_is_guest_xid(vx_current_xid()) || vx_task_visible(p)))
		ret = vx_task_tag(p);
	rcu_read_unlock();
	return ret;
}

/*
 * tag_migrate: the caller (this thread, and the children it forks later)
 * takes id & 0xFFFF as its file tag, for as long as it stays in its
 * context.  The tag is written before the context it belongs to, so a
 * racing task_tag reader (vx_task_tag()) sees either the old or the new
 * tag.
 */
long vc_tag_migrate(const struct vc_call *call)
{
	WRITE_ONCE(current->tag, call->id & VX_ID_MAX);
	smp_wmb();	/* pairs with smp_rmb() in vx_task_tag() */
	WRITE_ONCE(current->tag_xid, vx_current_xid());
	return 0;
}

long vc_fset_iattr(const struct vc_call *call)
{
	struct vcmd_ctx_fiattr_v0 fia;
	struct fd f;
	int err;

	if (copy_from_user(&fia, call->data, sizeof(fia)))
		return -EFAULT;
	f = fdget(call->id);
	if (!f.file)
		return -EBADF;
	err = vx_iattr_set(&f.file->f_path, fia.tag, fia.flags, fia.mask);
	if (!err)
		vx_iattr_get(file_inode(f.file), &fia.tag, &fia.flags,
			     &fia.mask);
	fdput(f);
	if (err)
		return err;
	return copy_to_user(call->data, &fia, sizeof(fia)) ? -EFAULT : 0;
}

/*
 * Copy-on-write link breaking.
 *
 * A unified file (IMMUTABLE + IXUNLINK) that also has COW is shared by
 * several guests through hard links.  When a guest opens its name for
 * writing (or with O_TRUNC), the open fails inside may_open() with the
 * internal VX_ECOWBREAK; do_filp_open() (open, openat, openat2: the name
 * is looked up again with the open's own RESOLVE_* restrictions) and
 * do_file_open_root() (kernel opens of a name below a root) call
 * vx_cow_break(), which puts a private copy under that name, and open
 * again.  open_by_handle_at() names no link, so there is none to break:
 * it gets -EPERM, as for any immutable file.  VX_ECOWBREAK never reaches
 * user space.  The copy has the
 * data, mode and owner of the original, none of its vserver attributes,
 * and the guest's tag on a tagged filesystem; the other names keep the
 * original.  Only opens are covered (not truncate(2) or chmod by path).
 *
 * The copy is made in an O_TMPFILE of the same directory, linked under a
 * temporary name and renamed over the guest's name, all with the guest's
 * own credentials, so the usual permission checks apply.  Under the
 * directory lock the name is checked to still point to the original;
 * if anything raced, nothing is replaced and the open simply retries.
 *
 * Locking: the directory's inode lock (lock_rename) around link, lookup
 * and rename; no other lock is held while copying.
 */

/* Does this open of @inode by the current task need its own copy? */
bool vx_cow_wanted(const struct inode *inode, int acc_mode, int flag)
{
	const unsigned int unified = S_IMMUTABLE | S_IXUNLINK | S_COW;

	if ((inode->i_flags & unified) != unified || !S_ISREG(inode->i_mode))
		return false;
	if (!(acc_mode & MAY_WRITE) && !(flag & O_TRUNC))
		return false;
	return vx_is_guest_xid(vx_current_xid());
}

/*
 * Copy the data of @src into @dst, killable.  The caller holds write
 * access to the mount (sb_writers), so the writes go through
 * __kernel_write(), which does not take it again.
 */
static int vx_cow_copy(struct file *src, struct file *dst)
{
	loff_t in = 0, out = 0;
	char *buf;
	int err = 0;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = kernel_read(src, buf, PAGE_SIZE, &in);

		if (n <= 0) {
			err = n;
			break;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		n = __kernel_write(dst, buf, n, &out);
		if (n < 0) {
			err = n;
			break;
		}
	}
	kfree(buf);
	return err;
}

/* Put @tmp under the name @victim (which must still be @orig) in @parent. */
static int vx_cow_replace(const struct path *parent, struct dentry *victim,
			  struct inode *orig, struct file *tmp)
{
	struct user_namespace *userns = mnt_user_ns(parent->mnt);
	struct inode *dir = d_inode(parent->dentry);
	struct renamedata rd = { };
	struct name_snapshot victim_name;
	struct dentry *cur, *link;
	char name[32];
	int err;

	snprintf(name, sizeof(name), ".vx-cow-%lu", orig->i_ino);
	/* @victim may be renamed meanwhile: its name only under d_lock. */
	take_dentry_name_snapshot(&victim_name, victim);
	lock_rename(parent->dentry, parent->dentry);
	cur = lookup_one_len(victim_name.name.name, parent->dentry,
			     victim_name.name.len);
	err = PTR_ERR(cur);
	if (IS_ERR(cur))
		goto out_unlock;
	err = -EAGAIN;
	if (d_inode(cur) != orig)
		goto out_cur;
	link = lookup_one_len(name, parent->dentry, strlen(name));
	err = PTR_ERR(link);
	if (IS_ERR(link))
		goto out_cur;
	err = -EEXIST;
	if (d_really_is_positive(link))
		goto out_link;
	err = vfs_link(tmp->f_path.dentry, userns, dir, link, NULL);
	if (err)
		goto out_link;
	rd.old_mnt_userns = userns;
	rd.old_dir = dir;
	rd.old_dentry = link;
	rd.new_mnt_userns = userns;
	rd.new_dir = dir;
	rd.new_dentry = cur;
	err = vfs_rename(&rd);
	if (err)
		vfs_unlink(userns, dir, link, NULL);
out_link:
	dput(link);
out_cur:
	dput(cur);
out_unlock:
	unlock_rename(parent->dentry, parent->dentry);
	release_dentry_name_snapshot(&victim_name);
	return err;
}

/**
 * vx_cow_break - give the current guest its own copy of a unified file
 * @path: the name the guest opened, as the open's own lookup found it
 *
 * Returns 0 when the caller should open again (the copy is in place, or
 * the name no longer needs one), or an errno for the open.
 */
int vx_cow_break(const struct path *path)
{
	struct iattr ia = { .ia_valid = ATTR_UID | ATTR_GID | ATTR_FORCE };
	struct inode *orig = d_inode(path->dentry);
	struct file *src, *tmp;
	struct path parent;
	int err;

	if (!vx_cow_wanted(orig, MAY_WRITE, 0))
		return 0;
	err = mnt_want_write(path->mnt);
	if (err)
		return err;
	parent.mnt = path->mnt;
	parent.dentry = dget_parent(path->dentry);

	src = dentry_open(path, O_RDONLY, current_cred());
	err = PTR_ERR(src);
	if (IS_ERR(src))
		goto out_parent;
	tmp = vfs_tmpfile_open(mnt_user_ns(path->mnt), &parent,
			       S_IFREG | (orig->i_mode & 07777), O_RDWR,
			       current_cred());
	err = PTR_ERR(tmp);
	if (IS_ERR(tmp))
		goto out_src;
	err = vx_cow_copy(src, tmp);
	if (err)
		goto out_tmp;
	ia.ia_uid = orig->i_uid;
	ia.ia_gid = orig->i_gid;
	inode_lock(file_inode(tmp));
	err = notify_change(mnt_user_ns(path->mnt), tmp->f_path.dentry, &ia,
			    NULL);
	inode_unlock(file_inode(tmp));
	if (err)
		goto out_tmp;
	err = vx_cow_replace(&parent, path->dentry, orig, tmp);
	if (err == -EAGAIN)
		err = 0;
out_tmp:
	fput(tmp);
out_src:
	fput(src);
out_parent:
	dput(parent.dentry);
	mnt_drop_write(path->mnt);
	return err;
}
