// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer disk limits: space and inodes per (filesystem, tag).
 *
 * Guests that share one filesystem each get a budget on it.  An entry
 * belongs to one superblock and one context tag (the tag of the files,
 * not the task that writes them: a host task writing into a guest's file
 * charges the guest).  It holds the space used and its total, the inodes
 * used and their total, and a percentage of the space total that only
 * root (fsuid 0) may fill.  What users see:
 *
 *  - a block or inode allocation that would pass a total fails with
 *    -EDQUOT, the error quota gives: write(2) and create(2) return it;
 *    frees give the charge back and never take a count below 0;
 *  - statfs(2) in a guest (xid 2 or more) shows the guest's own totals
 *    on a filesystem where its tag has an entry: f_blocks is the space
 *    total, f_bfree what is left of it, f_bavail that minus the root
 *    reserve, f_files and f_ffree the inodes; never more free than the
 *    filesystem itself has (where it reports a size: tmpfs without
 *    size= or nr_inodes= reports none).  The space counts are in the
 *    filesystem's fragments (f_frsize) up to 1 KiB, the unit totals are
 *    set in, and in KiB where the fragment is larger (tmpfs's page is
 *    64 KiB on ppc64el), so a total is never rounded down to nothing.
 *    So df in a guest shows its budget;
 *  - the counters start at 0 when the entry is added, count only what
 *    is charged afterwards, and are not stored on disk: util-vserver
 *    seeds them from vdu's count with set_dlimit at guest start.
 *
 * The charges come from the quota choke points (fs/quota/dquot.c, or the
 * stubs in include/linux/quotaops.h without CONFIG_QUOTA): every
 * filesystem that reserves its blocks and inodes through dquot_alloc_*()
 * before it takes them (ext2, ext4, ...) is covered, with no change to
 * the filesystem; tmpfs, which has no quota calls in 6.1, charges its
 * pages and inodes from mm/shmem.c.  A reservation (delayed allocation)
 * is charged when it is made; claiming it changes nothing.  Allocations
 * that must not fail (DQUOT_SPACE_NOFAIL) are charged past the total.  A
 * retag (chxid, a guest taking over an untagged file) moves the file's
 * space and inode to the new tag's entry, past its totals if need be.
 *
 * Entries live in the superblock's vserver LSM blob and die with it:
 * after umount util-vserver adds them again.
 *
 * Locking: dl_mutex serialises adding and removing entries (and the
 * command lookups), but for the superblock's end (vx_dl_sb_free(), under
 * sb_lock, when no one else can reach its list); the lists are walked
 * under RCU by the charge paths, which may run with spinlocks held (ext2
 * holds none, other filesystems may; with transparent huge pages
 * khugepaged charges tmpfs under the page cache's irq-safe xa_lock), and
 * entries are freed after a grace period.  Each entry's counters are
 * guarded by its spinlock, taken with interrupts off.  The static key
 * vx_dl_active goes on with the first entry and stays on.
 */

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/quotaops.h>
#include <linux/rculist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/statfs.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/dlimit.h>
#include <linux/vserver/inode.h>
#include <linux/vserver/switch.h>
#include <vserver/context.h>
#include <vserver/dlimit.h>

#define DL_NO_LIMIT	U64_MAX

/**
 * struct dl_info - the disk limit of one tag on one filesystem
 * @node:		in the superblock's list (RCU)
 * @rcu:		frees it after a grace period
 * @lock:		guards the counters and totals
 * @tag:		the files' context tag
 * @space_used:		bytes charged
 * @space_total:	bytes allowed, DL_NO_LIMIT for no limit
 * @inodes_used:	inodes charged
 * @inodes_total:	inodes allowed, DL_NO_LIMIT for no limit
 * @reserved:		percent of @space_total only root may fill
 */
struct dl_info {
	struct hlist_node	node;
	struct rcu_head		rcu;
	spinlock_t		lock;		/* the fields below */
	u32			tag;
	u64			space_used;
	u64			space_total;
	u64			inodes_used;
	u64			inodes_total;
	u32			reserved;
};

DEFINE_STATIC_KEY_FALSE(vx_dl_active);
static DEFINE_MUTEX(dl_mutex);

/* Find @tag's entry in @head; under RCU or dl_mutex. */
static struct dl_info *dl_find(struct hlist_head *head, u32 tag)
{
	struct dl_info *dli;

	hlist_for_each_entry_rcu(dli, head, node,
				 lockdep_is_held(&dl_mutex))
		if (dli->tag == tag)
			return dli;
	return NULL;
}

/* ---- charging ------------------------------------------------------- */

/*
 * Run @fn on the entry of @inode's tag, if there is one, with its lock
 * held; returns what @fn returns, 0 without an entry.
 */
static int dl_charge(struct inode *inode, s64 n, int flags,
		     int (*fn)(struct dl_info *dli, s64 n, int flags))
{
	struct hlist_head *head = vx_sb_dlimits(inode->i_sb);
	struct dl_info *dli;
	unsigned long irqflags;
	int ret = 0;

	if (!head || hlist_empty(head))
		return 0;
	rcu_read_lock();
	dli = dl_find(head, vx_inode_tag(inode));
	if (dli) {
		spin_lock_irqsave(&dli->lock, irqflags);
		ret = fn(dli, n, flags);
		spin_unlock_irqrestore(&dli->lock, irqflags);
	}
	rcu_read_unlock();
	return ret;
}

/* The space @dli lets the current task fill: all of it for root. */
static u64 dl_space_limit(const struct dl_info *dli)
{
	u64 total = dli->space_total;

	if (total == DL_NO_LIMIT || !dli->reserved ||
	    uid_eq(current_fsuid(), GLOBAL_ROOT_UID))
		return total;
	return total - div_u64(total, 100) * dli->reserved -
	       div_u64((total % 100) * dli->reserved, 100);
}

static int dl_add_space(struct dl_info *dli, s64 n, int flags)
{
	if (!(flags & DQUOT_SPACE_NOFAIL) &&
	    dli->space_used + n > dl_space_limit(dli))
		return -EDQUOT;
	dli->space_used += n;
	return 0;
}

static int dl_sub_space(struct dl_info *dli, s64 n, int flags)
{
	dli->space_used -= min_t(u64, dli->space_used, n);
	return 0;
}

static int dl_add_inode(struct dl_info *dli, s64 n, int flags)
{
	if (dli->inodes_total != DL_NO_LIMIT &&
	    dli->inodes_used + n > dli->inodes_total)
		return -EDQUOT;
	dli->inodes_used += n;
	return 0;
}

static int dl_sub_inode(struct dl_info *dli, s64 n, int flags)
{
	dli->inodes_used -= min_t(u64, dli->inodes_used, n);
	return 0;
}

int __vx_dl_alloc_space(struct inode *inode, s64 bytes, int flags)
{
	if (bytes <= 0)
		return 0;
	return dl_charge(inode, bytes, flags, dl_add_space);
}

void __vx_dl_free_space(struct inode *inode, s64 bytes)
{
	if (bytes > 0)
		dl_charge(inode, bytes, 0, dl_sub_space);
}

int __vx_dl_alloc_inode(struct inode *inode)
{
	return dl_charge(inode, 1, 0, dl_add_inode);
}

void __vx_dl_free_inode(struct inode *inode)
{
	dl_charge(inode, 1, 0, dl_sub_inode);
}

/**
 * __vx_dl_transfer - move @inode's charges to its new tag
 * @inode: the inode, retagged from @from to @to (chxid, a guest taking
 *	   over an untagged file)
 * @from: the old tag
 * @to: the new tag
 *
 * Its bytes and its inode leave @from's entry (never below 0) and join
 * @to's, past the totals if need be: a retag is never refused.  A write
 * racing with the retag may be charged to either tag.
 */
void __vx_dl_transfer(struct inode *inode, u32 from, u32 to)
{
	struct hlist_head *head = vx_sb_dlimits(inode->i_sb);
	struct dl_info *dli;
	unsigned long irqflags;
	s64 bytes;

	if (!head || hlist_empty(head))
		return;
	bytes = inode_get_bytes(inode);
	rcu_read_lock();
	dli = dl_find(head, from);
	if (dli) {
		spin_lock_irqsave(&dli->lock, irqflags);
		dl_sub_space(dli, bytes, 0);
		dl_sub_inode(dli, 1, 0);
		spin_unlock_irqrestore(&dli->lock, irqflags);
	}
	dli = dl_find(head, to);
	if (dli) {
		spin_lock_irqsave(&dli->lock, irqflags);
		dli->space_used += bytes;
		dli->inodes_used++;
		spin_unlock_irqrestore(&dli->lock, irqflags);
	}
	rcu_read_unlock();
}

/**
 * __vx_dl_statfs - a guest's own totals in statfs
 * @sb: the filesystem asked about
 * @buf: what its ->statfs answered; f_frsize is set
 *
 * Only for guests (xid 2 or more), only where the caller's file tag has
 * an entry, and only for the totals that are set.
 */
void __vx_dl_statfs(struct super_block *sb, struct kstatfs *buf)
{
	struct hlist_head *head = vx_sb_dlimits(sb);
	unsigned long unit = buf->f_frsize, scale = 1;
	struct dl_info *dli;

	if (!head || hlist_empty(head) || !unit ||
	    !vx_is_guest_xid(vx_current_xid()))
		return;
	rcu_read_lock();
	dli = dl_find(head, vx_task_tag(current));
	if (!dli)
		goto out;
	spin_lock_irq(&dli->lock);
	if (dli->space_total != DL_NO_LIMIT) {
		u64 blocks, used, bfree, bavail, rsv;

		if (unit > SZ_1K && !(unit % SZ_1K)) {
			scale = unit / SZ_1K;
			unit = SZ_1K;
		}
		blocks = div64_u64(dli->space_total, unit);
		used = div64_u64(dli->space_used + unit - 1, unit);
		bfree = blocks > used ? blocks - used : 0;
		rsv = div_u64(blocks * dli->reserved, 100);
		bavail = bfree > rsv ? bfree - rsv : 0;

		if (buf->f_blocks) {	/* 0: no size (tmpfs without size=) */
			bfree = min_t(u64, bfree, buf->f_bfree * scale);
			bavail = min_t(u64, bavail, buf->f_bavail * scale);
		}
		buf->f_frsize = unit;
		buf->f_blocks = blocks;
		buf->f_bfree = bfree;
		buf->f_bavail = bavail;
	}
	if (dli->inodes_total != DL_NO_LIMIT) {
		u64 total = dli->inodes_total, used = dli->inodes_used;
		u64 ffree = total > used ? total - used : 0;

		if (buf->f_files)	/* 0: no count (tmpfs without nr_inodes=) */
			ffree = min_t(u64, ffree, buf->f_ffree);
		buf->f_files = total;
		buf->f_ffree = ffree;
	}
	spin_unlock_irq(&dli->lock);
out:
	rcu_read_unlock();
}

/**
 * vx_dl_sb_free - drop the entries of a superblock that goes away
 * @sb: the superblock; no inode of it is left, nothing charges it
 *
 * Locking: called from security_sb_free() with sb_lock (a spinlock)
 * held, so it must not sleep and takes no dl_mutex.  None is needed: a
 * command reaches the list only through a path it holds, which keeps
 * the superblock alive, and no inode is left to charge it, so nothing
 * else can see the list any more.  The entries still go after a grace
 * period, as everywhere else.
 */
void vx_dl_sb_free(struct super_block *sb)
{
	struct hlist_head *head = vx_sb_dlimits(sb);
	struct dl_info *dli;
	struct hlist_node *next;

	if (!head)
		return;
	hlist_for_each_entry_safe(dli, next, head, node) {
		hlist_del_rcu(&dli->node);
		kfree_rcu(dli, rcu);
	}
}

/* ---- commands -------------------------------------------------------- */

/*
 * The requests, native and 32-bit (compat entry) alike, are the path
 * pointer followed by u32 fields in one order: flags for add/rem
 * (ctx_dlimit_base_v0, 8 or 16 bytes), the five values and flags for
 * set/get (ctx_dlimit_v0, 28 or 32 bytes).  Only the pointer's size
 * differs, so one copy-in and one copy-out serve both ABIs.
 */
#define DL_VALUES_SIZE	(offsetofend(struct vcmd_ctx_dlimit_v0, flags) - \
			 offsetof(struct vcmd_ctx_dlimit_v0, space_used))
static_assert(DL_VALUES_SIZE == 6 * sizeof(u32));
static_assert(offsetof(struct vcmd_ctx_dlimit_base_v0, flags) ==
	      offsetof(struct vcmd_ctx_dlimit_v0, space_used));

/* Where the u32 fields start in the caller's layout. */
static size_t dl_name_size(const struct vc_call *call)
{
#ifdef CONFIG_COMPAT
	if (call->compat)
		return sizeof(compat_uptr_t);
#endif
	return sizeof(void __user *);
}

/*
 * Read the request into @dl: the whole ctx_dlimit_v0 if @full, else the
 * name and flags of the base (the other fields stay as they are).
 */
static int dl_copy_in(const struct vc_call *call, struct vcmd_ctx_dlimit_v0 *dl,
		      bool full)
{
	void __user *values = call->data + dl_name_size(call);
	unsigned long left;

#ifdef CONFIG_COMPAT
	if (call->compat) {
		compat_uptr_t name;

		left = copy_from_user(&name, call->data, sizeof(name));
		dl->name = compat_ptr(name);
	} else
#endif
		left = copy_from_user(&dl->name, call->data, sizeof(dl->name));
	if (left)
		return -EFAULT;
	if (full)
		left = copy_from_user(&dl->space_used, values, DL_VALUES_SIZE);
	else
		left = copy_from_user(&dl->flags, values, sizeof(dl->flags));
	return left ? -EFAULT : 0;
}

/* Write the values and flags back; the caller's name stays untouched. */
static int dl_copy_out(const struct vc_call *call,
		       const struct vcmd_ctx_dlimit_v0 *dl)
{
	void __user *values = call->data + dl_name_size(call);

	if (copy_to_user(values, &dl->space_used, DL_VALUES_SIZE))
		return -EFAULT;
	return 0;
}

/* The tag the id names: 0..65535, a negative id the caller's own xid. */
static int dl_tag(const struct vc_call *call, u32 *tag)
{
	if ((int)call->id < 0) {
		*tag = vx_current_xid();
		return 0;
	}
	if (call->id > VX_ID_MAX)
		return -EINVAL;
	*tag = call->id;
	return 0;
}

/*
 * The disk limits of the filesystem @name is on (a final symlink is
 * followed); the caller drops @path.
 */
static int dl_lookup_sb(const char *name, struct path *path,
			struct hlist_head **head)
{
	int err;

	err = user_path_at(AT_FDCWD, (const char __user *)name, LOOKUP_FOLLOW,
			   path);
	if (err)
		return err;
	*head = vx_sb_dlimits(path->dentry->d_sb);
	if (!*head) {
		path_put(path);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Bytes from a user value: KiB, or 1024^exp bytes with DLIMF_SHIFT. */
static u64 dl_bytes(u32 v, u32 flags, int shift)
{
	unsigned int exp = DLIME_KILO;

	if (flags & DLIMF_SHIFT)
		exp = (flags >> shift) & 3;
	return (u64)v << (10 * exp);
}

/* The other way; what does not fit in a u32 reads as the largest value. */
static u32 dl_from_bytes(u64 bytes, u32 flags, int shift)
{
	unsigned int exp = DLIME_KILO;

	if (flags & DLIMF_SHIFT)
		exp = (flags >> shift) & 3;
	bytes >>= 10 * exp;
	return bytes < CDLIM_KEEP ? bytes : CDLIM_KEEP - 1;
}

static u32 dl_count_out(u64 v)
{
	return v < CDLIM_KEEP ? v : CDLIM_KEEP - 1;
}

/*
 * add: a new entry, nothing used, no limits.  The static key goes on
 * before the first entry is visible, so no charge is missed.
 */
static int dl_do_add(struct hlist_head *head, u32 tag,
		     struct vcmd_ctx_dlimit_v0 *dl)
{
	struct dl_info *dli;

	if (dl_find(head, tag))
		return -EEXIST;
	dli = kzalloc(sizeof(*dli), GFP_KERNEL);
	if (!dli)
		return -ENOMEM;
	spin_lock_init(&dli->lock);
	dli->tag = tag;
	dli->space_total = DL_NO_LIMIT;
	dli->inodes_total = DL_NO_LIMIT;
	static_branch_enable(&vx_dl_active);
	hlist_add_head_rcu(&dli->node, head);
	return 0;
}

static int dl_do_rem(struct hlist_head *head, u32 tag,
		     struct vcmd_ctx_dlimit_v0 *dl)
{
	struct dl_info *dli = dl_find(head, tag);

	if (!dli)
		return -ESRCH;
	hlist_del_rcu(&dli->node);
	kfree_rcu(dli, rcu);
	return 0;
}

/* Every field of a set request is valid before any is applied. */
static int dl_check_set(const struct vcmd_ctx_dlimit_v0 *dl)
{
	if (dl->space_used == CDLIM_INFINITY ||
	    dl->inodes_used == CDLIM_INFINITY)
		return -EINVAL;
	if (dl->reserved != CDLIM_KEEP && dl->reserved > 100)
		return -EINVAL;
	return 0;
}

/* A total from the caller into *@v: KEEP keeps, INFINITY is no limit. */
static void dl_set_total(u64 *v, u32 user, u64 value)
{
	if (user == CDLIM_KEEP)
		return;
	*v = user == CDLIM_INFINITY ? DL_NO_LIMIT : value;
}

static int dl_do_set(struct hlist_head *head, u32 tag,
		     struct vcmd_ctx_dlimit_v0 *dl)
{
	struct dl_info *dli = dl_find(head, tag);

	if (!dli)
		return -ESRCH;
	spin_lock_irq(&dli->lock);
	if (dl->space_used != CDLIM_KEEP)
		dli->space_used = dl_bytes(dl->space_used, dl->flags, DLIMS_USED);
	dl_set_total(&dli->space_total, dl->space_total,
		     dl_bytes(dl->space_total, dl->flags, DLIMS_TOTAL));
	if (dl->inodes_used != CDLIM_KEEP)
		dli->inodes_used = dl->inodes_used;
	dl_set_total(&dli->inodes_total, dl->inodes_total, dl->inodes_total);
	if (dl->reserved != CDLIM_KEEP)
		dli->reserved = dl->reserved;
	spin_unlock_irq(&dli->lock);
	return 0;
}

/* get: the values in the units the caller's flags ask for. */
static int dl_do_get(struct hlist_head *head, u32 tag,
		     struct vcmd_ctx_dlimit_v0 *dl)
{
	struct dl_info *dli = dl_find(head, tag);

	if (!dli)
		return -ESRCH;
	spin_lock_irq(&dli->lock);
	dl->space_used = dl_from_bytes(dli->space_used, dl->flags, DLIMS_USED);
	dl->space_total = dli->space_total == DL_NO_LIMIT ? CDLIM_INFINITY :
		dl_from_bytes(dli->space_total, dl->flags, DLIMS_TOTAL);
	dl->inodes_used = dl_count_out(dli->inodes_used);
	dl->inodes_total = dli->inodes_total == DL_NO_LIMIT ? CDLIM_INFINITY :
		dl_count_out(dli->inodes_total);
	dl->reserved = dli->reserved;
	spin_unlock_irq(&dli->lock);
	return 0;
}

/**
 * struct dl_cmd - one DLIMIT command
 * @full:	the request is a ctx_dlimit_v0, else a ctx_dlimit_base_v0
 * @reply:	the request goes back to the caller when @run succeeded
 * @check:	more checks of the request before the path is walked, or NULL
 * @run:	the work on the filesystem's entries, dl_mutex held
 */
struct dl_cmd {
	bool full;
	bool reply;
	int (*check)(const struct vcmd_ctx_dlimit_v0 *dl);
	int (*run)(struct hlist_head *head, u32 tag,
		   struct vcmd_ctx_dlimit_v0 *dl);
};

/*
 * The body of every command: the tag, the request (either ABI), its
 * checks, the filesystem the path leads to, @cmd's work under dl_mutex,
 * and the reply.  Errors in that order.
 */
static long dl_command(const struct vc_call *call, const struct dl_cmd *cmd)
{
	struct vcmd_ctx_dlimit_v0 dl = { };
	struct hlist_head *head;
	struct path path;
	u32 tag;
	int err;

	err = dl_tag(call, &tag);
	if (err)
		return err;
	err = dl_copy_in(call, &dl, cmd->full);
	if (err)
		return err;
	if (dl.flags & ~DLIMF_VALID)
		return -EINVAL;
	if (cmd->check) {
		err = cmd->check(&dl);
		if (err)
			return err;
	}
	err = dl_lookup_sb(dl.name, &path, &head);
	if (err)
		return err;

	mutex_lock(&dl_mutex);
	err = cmd->run(head, tag, &dl);
	mutex_unlock(&dl_mutex);
	path_put(&path);
	if (!err && cmd->reply)
		err = dl_copy_out(call, &dl);
	return err;
}

static const struct dl_cmd dl_add = { .run = dl_do_add };
static const struct dl_cmd dl_rem = { .run = dl_do_rem };
static const struct dl_cmd dl_set = {
	.full = true, .check = dl_check_set, .run = dl_do_set,
};
static const struct dl_cmd dl_get = {
	.full = true, .reply = true, .run = dl_do_get,
};

long vc_add_dlimit(const struct vc_call *call)
{
	return dl_command(call, &dl_add);
}

long vc_rem_dlimit(const struct vc_call *call)
{
	return dl_command(call, &dl_rem);
}

long vc_set_dlimit(const struct vc_call *call)
{
	return dl_command(call, &dl_set);
}

long vc_get_dlimit(const struct vc_call *call)
{
	return dl_command(call, &dl_get);
}
