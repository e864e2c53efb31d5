// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer /proc interface: /proc/virtual and /proc/virtnet.
 *
 * Both directories (0555) hold "info", which reports the interface
 * version, the syscall number and the VCI feature bits, and "status",
 * which reports global object counters.  Tools read "info" to find out
 * whether and how to reach the kernel:
 *
 *   VCIVersion:	0002:0308
 *   VCISyscall:	273
 *   VCIKernel:	00000001
 *
 * /proc/virtual also holds one directory per context, /proc/virtual/<xid>,
 * with "info" (id, init pid), "status" (references, tasks, flags and
 * capabilities), "limit" (counters and limits) and "cvirt" (the guest's
 * clock and task counts).  They come and go with the contexts: lookup and readdir
 * ask the context hash each time, and readdir takes the ids in chunks of
 * 32 under RCU, then emits them with no lock held, so it copes with
 * contexts created and destroyed meanwhile.  The host and the spectator
 * see every id; a guest sees only its own, other ids are -ENOENT.  The
 * files hold the id, not the context, and find it again on every read.
 * st_nlink of /proc/virtual is 2 plus the number of contexts.
 *
 * Every file is 0444 and immutable, every directory 0555.  Counters
 * nobody tracks yet print 0.
 *
 * Per task, /proc/<pid>/status gains "VxID:" and "NxID:" lines (left out
 * when the task's context has HIDE_VINFO), and /proc/<pid>/vinfo shows
 * the task's xid and, for a guest task, its context's bcaps, ccaps,
 * flags and init pid.
 *
 * This lives in fs/proc because the per-id directories need procfs
 * internals (struct proc_dir_entry), as fs/proc/proc_sysctl.c does.
 */

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/init.h>
#include <linux/init_task.h>
#include <linux/kernel.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/refcount.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/time64.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <linux/vserver/switch.h>
#include <vserver/cvirt.h>
#include <vserver/switch.h>
#include <asm/unistd.h>
#include "internal.h"

/* Readdir position of id N in /proc/virtual; below it: ".", "..", files. */
#define VX_PROC_ID_POS		16
/* Files of /proc/virtual itself: info, status. */
#define VX_PROC_ROOT_FILES	2
#define VX_PROC_CHUNK		32

/*
 * The syscall number in the reader's own ABI: an IA-32 task on an x86_64
 * kernel reaches sys_vserver through slot 273, not 236.
 */
static int vx_proc_syscall_nr(void)
{
#ifdef __NR_ia32_vserver
	if (in_ia32_syscall())
		return __NR_ia32_vserver;
#endif
	return __NR_vserver;
}

static int vx_proc_info_show(struct seq_file *m, void *v)
{
	seq_printf(m, "VCIVersion:\t%04x:%04x\n",
		   VCI_VERSION >> 16, VCI_VERSION & 0xFFFF);
	seq_printf(m, "VCISyscall:\t%d\n", vx_proc_syscall_nr());
	seq_printf(m, "VCIKernel:\t%08x\n", vc_vci_bits());
	return 0;
}

static int vx_proc_status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&vx_total_count));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&vx_active_count));
	/* nsproxy, fs, mnt, uts, ipc, user and pid objects: untracked. */
	seq_printf(m, "#NSProxy:\t%d\t%d %d %d %d %d %d\n", 0, 0, 0, 0, 0, 0, 0);
	/* Diagnostic snapshot of init_task; racy reads are fine here. */
	seq_printf(m, "#InitTask:\t%d\t%d %d\n",
		   refcount_read(&init_task.usage),
		   atomic_read(&init_nsproxy.count),
		   READ_ONCE(init_fs.users));
	return 0;
}

static int nx_proc_status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&nx_total_count));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&nx_active_count));
	return 0;
}

void vx_proc_pid_status(struct seq_file *m, struct task_struct *p)
{
	struct vx_info *vxi;
	bool hide;

	rcu_read_lock();
	vxi = vx_task_info(p);
	hide = vx_info_flags(vxi, VXF_HIDE_VINFO);
	rcu_read_unlock();
	if (hide)
		return;
	seq_printf(m, "VxID:\t%u\n", vx_task_xid(p));
	/* Network contexts are not implemented yet: every task is nid 0. */
	seq_printf(m, "NxID:\t%u\n", 0);
}

int vx_proc_pid_vinfo(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *p)
{
	struct vx_info *vxi;

	seq_printf(m, "XID:\t%u\n", vx_task_xid(p));
	rcu_read_lock();
	vxi = vx_task_info(p);
	if (vxi) {
		seq_printf(m, "BCaps:\t%016llx\n", READ_ONCE(vxi->bcaps));
		seq_printf(m, "CCaps:\t%016llx\n", READ_ONCE(vxi->ccaps));
		seq_printf(m, "CFlags:\t%016llx\n", READ_ONCE(vxi->flags));
		seq_printf(m, "CIPid:\t%d\n", READ_ONCE(vxi->initpid));
	}
	rcu_read_unlock();
	return 0;
}

/* ---- /proc/virtual/<xid> ---------------------------------------------- */

/* May the reader see context @xid at all? */
static bool vx_proc_id_visible(u32 xid)
{
	u32 me = vx_current_xid();

	if (!vx_is_guest_xid(xid) || xid > VX_ID_MAX)
		return false;
	if (me != VX_HOST_XID && me != VX_SPECTATOR_XID && me != xid)
		return false;
	return vx_id_hashed(xid);
}

static u32 vx_proc_inode_xid(const struct inode *inode)
{
	return (unsigned long)inode->i_private;
}

/* Find the file's context again, for one read. */
static struct vx_info *vx_proc_seq_info(struct seq_file *m)
{
	u32 xid = (unsigned long)m->private;

	if (!vx_proc_id_visible(xid))
		return NULL;
	return vx_lookup(xid);
}

static int vx_proc_xid_info_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	seq_printf(m, "ID:\t%u\n", vxi->xid);
	seq_printf(m, "Info:\t%p\n", vxi);
	seq_printf(m, "Init:\t%d\n", READ_ONCE(vxi->initpid));
	/* No OOM badness bias yet. */
	seq_printf(m, "OOM:\t%lld\n", 0LL);
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_status_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	/* Our own lookup reference does not count. */
	seq_printf(m, "UseCnt:\t%u\n", refcount_read(&vxi->usecnt) - 1);
	seq_printf(m, "Tasks:\t%d\n", atomic_read(&vxi->tasks));
	seq_printf(m, "Flags:\t%016llx\n", READ_ONCE(vxi->flags));
	seq_printf(m, "BCaps:\t%016llx\n", READ_ONCE(vxi->bcaps));
	seq_printf(m, "CCaps:\t%016llx\n", READ_ONCE(vxi->ccaps));
	seq_printf(m, "Umask:\t%16llx\n", READ_ONCE(vxi->umask));
	seq_printf(m, "Wmask:\t%16llx\n", READ_ONCE(vxi->wmask));
	/* Namespace slots (set_space) are not implemented: nothing saved. */
	seq_printf(m, "Spaces:\t%08lx %08lx\n", 0UL, 0UL);
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_cvirt_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);
	struct vcmd_virt_stat_v0 vs;
	struct timespec64 bias;
	int i;

	if (!vxi)
		return -ENOENT;
	vx_virt_stat(vxi, &vs);
	bias = ns_to_timespec64(vs.offset);
	seq_printf(m, "BiasUptime:\t%lu.%02lu\n", (unsigned long)bias.tv_sec,
		   bias.tv_nsec / (NSEC_PER_SEC / 100));
	seq_printf(m, "nr_threads:\t%u\n", vs.nr_threads);
	seq_printf(m, "nr_running:\t%u\n", vs.nr_running);
	seq_printf(m, "nr_unintr:\t%u\n", vs.nr_uninterruptible);
	seq_printf(m, "nr_onhold:\t%u\n", vs.nr_onhold);
	/* No load average of its own (VIRT_LOAD): no updates, load 0. */
	seq_printf(m, "load_updates:\t%u\n", 0U);
	seq_puts(m, "loadavg:");
	for (i = 0; i < 3; i++)
		seq_printf(m, "%c%u.%02u", i ? ' ' : '\t', LOAD_INT(vs.load[i]),
			   LOAD_FRAC(vs.load[i]));
	seq_printf(m, "\ntotal_forks:\t%u\n", vs.nr_forks);
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_limit_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	vx_limit_proc_show(m, vxi);
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_limit_open(struct inode *inode, struct file *file)
{
	return single_open(file, vx_proc_xid_limit_show, inode->i_private);
}

static const struct file_operations vx_proc_xid_limit_fops = {
	.open		= vx_proc_xid_limit_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int vx_proc_xid_cvirt_open(struct inode *inode, struct file *file)
{
	return single_open(file, vx_proc_xid_cvirt_show, inode->i_private);
}

static const struct file_operations vx_proc_xid_cvirt_fops = {
	.open		= vx_proc_xid_cvirt_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int vx_proc_xid_info_open(struct inode *inode, struct file *file)
{
	return single_open(file, vx_proc_xid_info_show, inode->i_private);
}

static int vx_proc_xid_status_open(struct inode *inode, struct file *file)
{
	return single_open(file, vx_proc_xid_status_show, inode->i_private);
}

static const struct file_operations vx_proc_xid_info_fops = {
	.open		= vx_proc_xid_info_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static const struct file_operations vx_proc_xid_status_fops = {
	.open		= vx_proc_xid_status_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static const struct {
	const char *name;
	const struct file_operations *fops;
} vx_proc_xid_files[] = {
	{ "info",	&vx_proc_xid_info_fops },
	{ "status",	&vx_proc_xid_status_fops },
	{ "limit",	&vx_proc_xid_limit_fops },
	{ "cvirt",	&vx_proc_xid_cvirt_fops },
};

/*
 * A cached /proc/virtual/<xid> dentry stays valid only while the context
 * exists and the reader may see it.  Safe in RCU-walk: no sleeping.
 */
static int vx_proc_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = d_inode_rcu(dentry);

	if (!inode)
		return 0;
	return vx_proc_id_visible(vx_proc_inode_xid(inode));
}

static const struct dentry_operations vx_proc_dops = {
	.d_revalidate	= vx_proc_revalidate,
	.d_delete	= always_delete_dentry,
};

static struct inode *vx_proc_make_inode(struct super_block *sb, umode_t mode,
					u32 xid)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	inode->i_flags |= S_IMMUTABLE;
	inode->i_mtime = current_time(inode);
	inode->i_atime = inode->i_mtime;
	inode->i_ctime = inode->i_mtime;
	inode->i_private = (void *)(unsigned long)xid;
	return inode;
}

static struct dentry *vx_proc_xid_lookup(struct inode *dir,
					 struct dentry *dentry,
					 unsigned int flags)
{
	u32 xid = vx_proc_inode_xid(dir);
	struct inode *inode;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vx_proc_xid_files); i++)
		if (!strcmp(dentry->d_name.name, vx_proc_xid_files[i].name))
			break;
	if (i == ARRAY_SIZE(vx_proc_xid_files) || !vx_proc_id_visible(xid))
		return ERR_PTR(-ENOENT);

	inode = vx_proc_make_inode(dir->i_sb, S_IFREG | 0444, xid);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_fop = vx_proc_xid_files[i].fops;
	return d_splice_alias(inode, dentry);
}

static int vx_proc_xid_readdir(struct file *file, struct dir_context *ctx)
{
	unsigned int i;

	if (!vx_proc_id_visible(vx_proc_inode_xid(file_inode(file))))
		return -ENOENT;
	if (!dir_emit_dots(file, ctx))
		return 0;
	for (i = ctx->pos - 2; i < ARRAY_SIZE(vx_proc_xid_files); i++) {
		const char *name = vx_proc_xid_files[i].name;

		if (!dir_emit(ctx, name, strlen(name), 1, DT_REG))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static const struct inode_operations vx_proc_xid_iops = {
	.lookup		= vx_proc_xid_lookup,
};

static const struct file_operations vx_proc_xid_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= vx_proc_xid_readdir,
};

/* ---- /proc/virtual ---------------------------------------------------- */

/* The id a name spells, or 0 if it is no canonical decimal id. */
static u32 vx_proc_name_xid(const struct qstr *name)
{
	char buf[12];
	u32 xid;

	if (name->len >= sizeof(buf) || kstrtou32(name->name, 10, &xid))
		return 0;
	snprintf(buf, sizeof(buf), "%u", xid);
	return strcmp(buf, name->name) ? 0 : xid;
}

static struct dentry *vx_proc_root_lookup(struct inode *dir,
					  struct dentry *dentry,
					  unsigned int flags)
{
	u32 xid = vx_proc_name_xid(&dentry->d_name);
	struct inode *inode;

	if (!xid)
		return proc_lookup(dir, dentry, flags);
	if (!vx_proc_id_visible(xid))
		return ERR_PTR(-ENOENT);

	inode = vx_proc_make_inode(dir->i_sb, S_IFDIR | 0555, xid);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_op = &vx_proc_xid_iops;
	inode->i_fop = &vx_proc_xid_fops;
	set_nlink(inode, 2);
	d_set_d_op(dentry, &vx_proc_dops);
	return d_splice_alias(inode, dentry);
}

static int vx_proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	u32 ids[VX_PROC_CHUNK], me = vx_current_xid();
	char name[12];
	int n, i, len;

	if (ctx->pos < VX_PROC_ID_POS) {
		proc_readdir(file, ctx);
		if (ctx->pos < 2 + VX_PROC_ROOT_FILES)
			return 0;	/* the reader's buffer is full */
		ctx->pos = VX_PROC_ID_POS;
	}

	if (vx_is_guest_xid(me)) {
		/* A guest lists its own id only. */
		if (ctx->pos <= VX_PROC_ID_POS + me && vx_id_hashed(me)) {
			len = snprintf(name, sizeof(name), "%u", me);
			ctx->pos = VX_PROC_ID_POS + me;
			if (!dir_emit(ctx, name, len, 1, DT_DIR))
				return 0;
		}
		ctx->pos = VX_PROC_ID_POS + VX_ID_MAX + 1;
		return 0;
	}

	while (ctx->pos <= VX_PROC_ID_POS + VX_ID_MAX) {
		n = vx_collect_ids(ctx->pos - VX_PROC_ID_POS, ids, ARRAY_SIZE(ids));
		for (i = 0; i < n; i++) {
			len = snprintf(name, sizeof(name), "%u", ids[i]);
			ctx->pos = VX_PROC_ID_POS + ids[i];
			if (!dir_emit(ctx, name, len, 1, DT_DIR))
				return 0;
		}
		if (n < ARRAY_SIZE(ids))
			break;
		ctx->pos = VX_PROC_ID_POS + ids[n - 1] + 1;
	}
	ctx->pos = VX_PROC_ID_POS + VX_ID_MAX + 1;
	return 0;
}

static int vx_proc_root_getattr(struct user_namespace *mnt_userns,
				const struct path *path, struct kstat *stat,
				u32 request_mask, unsigned int query_flags)
{
	generic_fillattr(&init_user_ns, d_inode(path->dentry), stat);
	stat->nlink = 2 + atomic_read(&vx_active_count);
	return 0;
}

static const struct inode_operations vx_proc_root_iops = {
	.lookup		= vx_proc_root_lookup,
	.getattr	= vx_proc_root_getattr,
};

static const struct file_operations vx_proc_root_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= vx_proc_root_readdir,
};

/* Make one top-level directory with its "info" and "status" files. */
static int __init vx_proc_mkdir(const char *name,
				int (*status_show)(struct seq_file *, void *),
				struct proc_dir_entry **dirp)
{
	struct proc_dir_entry *dir;

	dir = proc_mkdir_mode(name, 0555, NULL);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_single("info", 0444, dir, vx_proc_info_show) ||
	    !proc_create_single("status", 0444, dir, status_show)) {
		proc_remove(dir);
		return -ENOMEM;
	}
	if (dirp)
		*dirp = dir;
	return 0;
}

static int __init vx_proc_init(void)
{
	struct proc_dir_entry *virtual;
	int ret;

	ret = vx_proc_mkdir("virtual", vx_proc_status_show, &virtual);
	if (ret)
		return ret;
	/* Before anyone can look: the per-id directories are ours. */
	virtual->proc_iops = &vx_proc_root_iops;
	virtual->proc_dir_ops = &vx_proc_root_fops;

	ret = vx_proc_mkdir("virtnet", nx_proc_status_show, NULL);
	if (ret)
		remove_proc_subtree("virtual", NULL);
	return ret;
}
fs_initcall(vx_proc_init);
