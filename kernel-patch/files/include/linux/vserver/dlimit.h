/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer disk limits (kernel side).
 *
 * Filesystems charge space and inodes where they already ask the quota
 * code: __dquot_alloc_space(), __dquot_free_space(), dquot_alloc_inode()
 * and dquot_free_inode(), or their stubs in quotaops.h when CONFIG_QUOTA
 * is off.  Those call the helpers below, which cost one static-key test
 * until the first disk limit is added.  statfs_by_dentry() lets
 * vx_dl_statfs() show a guest its own totals.  See kernel/vserver/dlimit.c.
 */
#ifndef _LINUX_VSERVER_DLIMIT_H
#define _LINUX_VSERVER_DLIMIT_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct inode;
struct kstatfs;
struct super_block;
struct hlist_head;

#ifdef CONFIG_VSERVER

DECLARE_STATIC_KEY_FALSE(vx_dl_active);

int __vx_dl_alloc_space(struct inode *inode, s64 bytes, int flags);
void __vx_dl_free_space(struct inode *inode, s64 bytes);
int __vx_dl_alloc_inode(struct inode *inode);
void __vx_dl_free_inode(struct inode *inode);
void __vx_dl_statfs(struct super_block *sb, struct kstatfs *buf);
void __vx_dl_transfer(struct inode *inode, u32 from, u32 to);

/* security/vserver/fs.c: the disk limits of a superblock, or NULL. */
#ifdef CONFIG_SECURITY_VSERVER
struct hlist_head *vx_sb_dlimits(const struct super_block *sb);
#else
static inline struct hlist_head *vx_sb_dlimits(const struct super_block *sb)
{
	return NULL;
}
#endif
/* The superblock goes away: drop its disk limits. */
void vx_dl_sb_free(struct super_block *sb);

/* Charge @bytes to @inode's tag; -EDQUOT past the total (not with NOFAIL). */
static inline int vx_dl_alloc_space(struct inode *inode, s64 bytes, int flags)
{
	if (static_branch_unlikely(&vx_dl_active))
		return __vx_dl_alloc_space(inode, bytes, flags);
	return 0;
}

static inline void vx_dl_free_space(struct inode *inode, s64 bytes)
{
	if (static_branch_unlikely(&vx_dl_active))
		__vx_dl_free_space(inode, bytes);
}

/* Charge one inode to @inode's tag; -EDQUOT past the total. */
static inline int vx_dl_alloc_inode(struct inode *inode)
{
	if (static_branch_unlikely(&vx_dl_active))
		return __vx_dl_alloc_inode(inode);
	return 0;
}

static inline void vx_dl_free_inode(struct inode *inode)
{
	if (static_branch_unlikely(&vx_dl_active))
		__vx_dl_free_inode(inode);
}

/* A guest's view of statfs: its own totals where it has a disk limit. */
static inline void vx_dl_statfs(struct super_block *sb, struct kstatfs *buf)
{
	if (static_branch_unlikely(&vx_dl_active))
		__vx_dl_statfs(sb, buf);
}

/* @inode's tag changed from @from to @to: move its space and inode. */
static inline void vx_dl_transfer(struct inode *inode, u32 from, u32 to)
{
	if (static_branch_unlikely(&vx_dl_active))
		__vx_dl_transfer(inode, from, to);
}

#else /* !CONFIG_VSERVER */

static inline int vx_dl_alloc_space(struct inode *inode, s64 bytes, int flags)
{
	return 0;
}

static inline void vx_dl_free_space(struct inode *inode, s64 bytes) { }
static inline int vx_dl_alloc_inode(struct inode *inode) { return 0; }
static inline void vx_dl_free_inode(struct inode *inode) { }
static inline void vx_dl_statfs(struct super_block *sb,
				struct kstatfs *buf) { }

#endif /* CONFIG_VSERVER */

#endif /* _LINUX_VSERVER_DLIMIT_H */
