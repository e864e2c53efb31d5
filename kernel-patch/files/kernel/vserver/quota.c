// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer per-context quota: each guest's users and groups have
 * quota of their own on a filesystem the guests share.
 *
 * A filesystem keeps one quota file per type, one record per id.  The
 * files of a guest carry its tag (security/vserver/fs.c), so the tag
 * picks the record: user or group id I (0..VX_QUOTA_ID_MAX) of a file
 * tagged T charges the record (T << 16) | I.  What users see:
 *
 *  - uid 1000 of guest A and uid 1000 of guest B have separate usage,
 *    limits and grace, and neither shares the host's uid 1000 (an
 *    untagged file charges the plain id, as without the patch);
 *  - in a guest, quotactl(2) and quotactl_fd(2) on a tagged filesystem
 *    (through its vroot device, drivers/block/vroot.c) name the guest's
 *    own ids: Q_GETQUOTA/Q_SETQUOTA of 1000 reach (T << 16) | 1000,
 *    Q_GETNEXTQUOTA walks only the guest's records and answers with the
 *    guest's ids, an id past VX_QUOTA_ID_MAX is -EINVAL; which commands
 *    a guest may run at all is the LSM's (security/vserver/vserver_lsm.c:
 *    the switches of the whole filesystem stay the host's);
 *  - the host sees every record under its raw id (repquota shows guest
 *    A's uid 1000 as (A << 16) | 1000), and the records live in the
 *    filesystem's own quota files, so they persist like any quota;
 *  - a retag (chxid, a guest taking over an untagged file) moves the
 *    file's usage to the records of the new tag, and fails with -EDQUOT
 *    if that takes them past a hard limit the caller may not pass.
 *
 * Ids past VX_QUOTA_ID_MAX (which 16-bit guest ids never reach) and
 * project ids keep the filesystem's records.  A host id of 65536 or more
 * names the same record as some guest's id: hosts that quota such users
 * on a tagged filesystem share records with guests.  Group and user quota
 * are mapped alike.
 *
 * Locking: none of its own.  The quota code looks up an inode's records
 * once (dquot_initialize()) and keeps them in i_dquot; a retag moves the
 * charges with __dquot_transfer() under the quota code's locks, before
 * the new tag is stored, so the inode's records and its tag change in
 * that order.  Two tasks retagging one untagged inode at once (both take
 * it over from the host) are told apart by nothing: one of them wins the
 * records, either may win the tag.
 */

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/quotaops.h>
#include <linux/sched.h>
#include <linux/vserver/context.h>
#include <linux/vserver/inode.h>
#include <linux/vserver/quota.h>

#define VX_QUOTA_TAG_SHIFT	16

/**
 * vx_tag_kqid - the record of context tag @tag for @qid
 * @tag: a context tag, 1..65535
 * @qid: a user or group id in the initial user namespace
 */
struct kqid vx_tag_kqid(u32 tag, struct kqid qid)
{
	qid_t id;

	if (!tag || tag > U16_MAX)
		return qid;
	switch (qid.type) {
	case USRQUOTA:
		id = __kuid_val(qid.uid);
		if (id <= VX_QUOTA_ID_MAX)
			qid.uid = KUIDT_INIT(tag << VX_QUOTA_TAG_SHIFT | id);
		break;
	case GRPQUOTA:
		id = __kgid_val(qid.gid);
		if (id <= VX_QUOTA_ID_MAX)
			qid.gid = KGIDT_INIT(tag << VX_QUOTA_TAG_SHIFT | id);
		break;
	default:
		break;
	}
	return qid;
}

/* The tag whose records the current task names on @sb, or 0. */
static u32 vx_quotactl_tag(const struct super_block *sb)
{
	u32 tag;

	if (!vx_is_guest_xid(vx_current_xid()) || !vx_sb_tagged(sb))
		return 0;
	tag = vx_task_tag(current);
	return tag <= U16_MAX ? tag : 0;
}

/**
 * vx_quotactl_qid - the record a quotactl(2) names with @qid
 * @sb: the filesystem
 * @qid: in: the id the caller named; out: its record
 *
 * Returns false for an id a guest has no record of its own for.
 */
bool vx_quotactl_qid(struct super_block *sb, struct kqid *qid)
{
	u32 tag = vx_quotactl_tag(sb);

	if (!tag || qid->type == PRJQUOTA)
		return true;
	if (from_kqid(&init_user_ns, *qid) > VX_QUOTA_ID_MAX)
		return false;
	*qid = vx_tag_kqid(tag, *qid);
	return true;
}

/**
 * vx_quotactl_next - the id Q_GETNEXTQUOTA answers with for record @qid
 * @sb: the filesystem
 * @qid: in: the record found; out: the id the caller knows it by
 *
 * Returns false when the record is not the caller's: the walk has left
 * the guest's records.
 */
bool vx_quotactl_next(struct super_block *sb, struct kqid *qid)
{
	u32 tag = vx_quotactl_tag(sb);
	qid_t id;

	if (!tag || qid->type == PRJQUOTA)
		return true;
	id = from_kqid(&init_user_ns, *qid);
	if (id >> VX_QUOTA_TAG_SHIFT != tag ||
	    (id & U16_MAX) > VX_QUOTA_ID_MAX)
		return false;
	*qid = make_kqid(&init_user_ns, qid->type, id & U16_MAX);
	return true;
}

/**
 * vx_dquot_transfer_tag - move @inode's quota usage to the records of @tag
 * @inode: an inode about to be retagged to @tag
 * @tag: the new tag
 *
 * Returns 0, -EDQUOT if the new records would pass a hard limit the
 * caller may not pass (the inode keeps its records and its tag), or an
 * error of the quota code.
 */
int vx_dquot_transfer_tag(struct inode *inode, u32 tag)
{
	struct super_block *sb = inode->i_sb;
	struct dquot *to[MAXQUOTAS] = {};
	struct kqid qid;
	int cnt, ret;

	if (IS_NOQUOTA(inode) || !sb_any_quota_loaded(sb))
		return 0;
	/* The records of the old tag, if the inode has none yet. */
	ret = dquot_initialize(inode);
	if (ret)
		return ret;
	for (cnt = 0; cnt < MAXQUOTAS; cnt++) {
		if (!sb_has_quota_active(sb, cnt))
			continue;
		if (cnt == USRQUOTA)
			qid = make_kqid_uid(inode->i_uid);
		else if (cnt == GRPQUOTA)
			qid = make_kqid_gid(inode->i_gid);
		else
			continue;	/* project ids are the filesystem's */
		to[cnt] = dqget(sb, vx_tag_kqid(tag, qid));
		if (IS_ERR(to[cnt])) {
			ret = PTR_ERR(to[cnt]);
			to[cnt] = NULL;
			if (ret != -ESRCH)	/* -ESRCH: quota went off */
				goto out;
			ret = 0;
		}
	}
	ret = __dquot_transfer(inode, to);
out:
	for (cnt = 0; cnt < MAXQUOTAS; cnt++)
		dqput(to[cnt]);
	return ret;
}
