/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer inode attributes (kernel side).
 *
 * The vserver attributes of an inode live in i_flags, beside S_IMMUTABLE:
 * S_BARRIER, S_IXUNLINK and S_COW (include/linux/fs.h).  The VFS and the
 * vserver LSM test them with IS_BARRIER() and friends, which is safe in
 * RCU path walk.  They can be set only where they last: on tmpfs and
 * ramfs (in memory) and on filesystems that store them on disk and say
 * so with SB_I_VX_XFLAGS (ext2: fs/ext2/inode.c, which also stores the
 * context tag).
 *
 * A /proc entry carries its own visibility bits (IATTR_ADMIN, WATCH,
 * HIDE) in its proc_dir_entry, see fs/proc/vserver_iattr.c.
 *
 * Locking: i_flags changes take the inode lock (inode_set_flags() makes
 * each change atomic for lockless readers); the procfs bits are a byte
 * written with WRITE_ONCE() and read with READ_ONCE().
 */
#ifndef _LINUX_VSERVER_INODE_H
#define _LINUX_VSERVER_INODE_H

#include <linux/init.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <vserver/inode.h>

struct file;
struct inode;
struct proc_dir_entry;

/* Kernel-internal answer of may_open(): break the link first (see below). */
#define VX_ECOWBREAK		4000

#ifdef CONFIG_VSERVER

/* fs/proc/vserver_iattr.c: the procfs visibility bits. */
bool vx_proc_inode(const struct inode *inode);
u32 vx_proc_get_iattr(const struct inode *inode);
int vx_proc_set_iattr(struct inode *inode, u32 flags, u32 mask);
void vx_proc_init_iattr(struct proc_dir_entry *dir, struct proc_dir_entry *de);
bool vx_proc_hidden(const struct proc_dir_entry *de);

/* kernel/vserver/inode.c: context tags of inodes and tasks. */
u32 vx_inode_tag(const struct inode *inode);
int vx_set_inode_tag(struct inode *inode, u32 tag);
struct task_struct;
u32 vx_task_tag(const struct task_struct *p);

/*
 * security/vserver/fs.c: whether a superblock was mounted with tag (a
 * mount option the security module keeps), and a new inode's tag.
 */
struct super_block;
#ifdef CONFIG_SECURITY_VSERVER
bool vx_sb_tagged(const struct super_block *sb);
void vx_inode_init_tag(struct inode *inode);
#else
static inline bool vx_sb_tagged(const struct super_block *sb)
{
	return false;
}

static inline void vx_inode_init_tag(struct inode *inode) { }
#endif

/*
 * kernel/vserver/inode.c: copy-on-write link breaking.  may_open() answers
 * VX_ECOWBREAK (kernel-internal, never seen by user space) when a guest
 * opens a COW unified file for writing; do_filp_open() then breaks the
 * link with vx_cow_break() and opens again.
 */
bool vx_cow_wanted(const struct inode *inode, int acc_mode, int flag);
struct path;
int vx_cow_break(const struct path *path);

/* kernel/vserver/inode.c: FIOC_GETXFLG/SETXFLG, native and compat. */
#define FIOC32_GETXFLG		_IOR('x', 5, u32)
#define FIOC32_SETXFLG		_IOW('x', 6, u32)
long vx_ioctl_xflg(struct file *file, bool set, void __user *argp,
		   size_t size);

#else /* !CONFIG_VSERVER */

static inline void vx_inode_init_tag(struct inode *inode) { }

static inline void vx_proc_init_iattr(struct proc_dir_entry *dir,
				      struct proc_dir_entry *de) { }

static inline bool vx_proc_hidden(const struct proc_dir_entry *de)
{
	return false;
}

static inline bool vx_cow_wanted(const struct inode *inode, int acc_mode,
				 int flag)
{
	return false;
}

#endif /* CONFIG_VSERVER */

#endif /* _LINUX_VSERVER_INODE_H */
