/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer per-context quota (kernel side).
 *
 * The user and group ids of a tagged file count against quota records of
 * the file's context: id I of tag T is the record (T << 16) | I of the
 * filesystem's quota files, for I up to VX_QUOTA_ID_MAX.  The quota code
 * asks vx_dquot_qid() which record an inode charges, and a quotactl(2)
 * from a guest on a tagged filesystem names the ids of its own records
 * (vx_quotactl_qid(), vx_quotactl_next()).  See kernel/vserver/quota.c.
 */
#ifndef _LINUX_VSERVER_QUOTA_H
#define _LINUX_VSERVER_QUOTA_H

#include <linux/fs.h>
#include <linux/quota.h>

/* The largest id of a guest that has a record of its own. */
#define VX_QUOTA_ID_MAX		0xfffeU

#if defined(CONFIG_VSERVER) && defined(CONFIG_QUOTA)

struct kqid vx_tag_kqid(u32 tag, struct kqid qid);
bool vx_quotactl_qid(struct super_block *sb, struct kqid *qid);
bool vx_quotactl_next(struct super_block *sb, struct kqid *qid);
int vx_dquot_transfer_tag(struct inode *inode, u32 tag);

/* The quota record @inode charges for @qid, one of its ids. */
static inline struct kqid vx_dquot_qid(const struct inode *inode,
				       struct kqid qid)
{
	u32 tag = READ_ONCE(inode->i_tag);

	return tag ? vx_tag_kqid(tag, qid) : qid;
}

#else

static inline struct kqid vx_dquot_qid(const struct inode *inode,
				       struct kqid qid)
{
	return qid;
}

static inline bool vx_quotactl_qid(struct super_block *sb, struct kqid *qid)
{
	return true;
}

static inline bool vx_quotactl_next(struct super_block *sb, struct kqid *qid)
{
	return true;
}

static inline int vx_dquot_transfer_tag(struct inode *inode, u32 tag)
{
	return 0;
}

#endif

#endif /* _LINUX_VSERVER_QUOTA_H */
