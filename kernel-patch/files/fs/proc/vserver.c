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
 * capabilities), "limit" (counters and limits), "cvirt" (the guest's
 * clock and task counts), "cacct" (socket traffic), "sched" (the token
 * bucket, with CONFIG_VSERVER_SCHED) and "nsproxy",
 * "nsproxy1" (what space slots 0 and 1 saved, empty if nothing).  They come and go
 * with the contexts: lookup and readdir ask the context hash each time,
 * and readdir takes the ids in chunks of 32 under RCU, then emits them
 * with no lock held, so it copes with contexts created and destroyed
 * meanwhile.  The host and the spectator
 * see every id; a guest sees only its own, other ids are -ENOENT.  The
 * files hold the id, not the context, and find it again on every read.
 * st_nlink of /proc/virtual is 2 plus the number of contexts.
 *
 * /proc/virtnet works the same way for network contexts: one directory
 * per nid with "info" (id, broadcast and loopback address, one line per
 * address entry) and "status" (references, tasks, flags, capabilities).
 * A guest sees only its own nid there.
 *
 * Every file is 0444 and immutable, every directory 0555.  Counters
 * nobody tracks yet print 0.
 *
 * Per task, /proc/<pid>/status gains "VxID:" and "NxID:" lines (left out
 * when the task's or the reader's context has HIDE_VINFO), and
 * /proc/<pid>/vinfo shows the task's xid and, for a guest task, its
 * context's bcaps, ccaps, flags and init pid; /proc/<pid>/ninfo
 * (kernel/vserver/network.c) the same for its network context.  A guest
 * with HIDE_VINFO finds neither file, nor /proc/virtual and
 * /proc/virtnet (fs/proc/vserver_iattr.c): it cannot tell from /proc
 * that it runs in a context.
 *
 * This lives in fs/proc because the per-id directories need procfs
 * internals (struct proc_dir_entry), as fs/proc/proc_sysctl.c does.
 */

#include <linux/atomic.h>
#include <linux/compat.h>
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
 * kernel reaches sys_vserver through slot 273, not 236, and a 32-bit arm
 * task on an arm64 kernel through arm's slot 313, not the native 244.
 * MIPS numbers carry their ABI's base: an o32 task on a 64-bit kernel
 * calls 4277, an n32 task 6240, an n64 task 5236 (o32 tasks have both
 * TIF_32BIT_REGS and TIF_32BIT_ADDR, n32 tasks only the latter).
 */
static int vx_proc_syscall_nr(void)
{
#ifdef __NR_ia32_vserver
	if (in_ia32_syscall())
		return __NR_ia32_vserver;
#endif
#if defined(CONFIG_MIPS) && defined(CONFIG_64BIT)
	if (IS_ENABLED(CONFIG_MIPS32_O32) && test_thread_flag(TIF_32BIT_REGS))
		return __NR_o32_vserver;
	if (IS_ENABLED(CONFIG_MIPS32_N32) && test_thread_flag(TIF_32BIT_ADDR))
		return __NR_n32_vserver;
#endif
#ifdef __NR_compat_vserver
	if (in_compat_syscall())
		return __NR_compat_vserver;
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
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&vx_ids.total));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&vx_ids.active));
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
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&nx_ids.total));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&nx_ids.active));
	return 0;
}

/* Is the reader a guest whose context has HIDE_VINFO? */
static bool vx_reader_hides_vinfo(void)
{
	if (!static_branch_unlikely(&vx_active) || !vx_current_in_guest())
		return false;
	return vx_info_flags(vx_task_info(current), VXF_HIDE_VINFO);
}

/*
 * The VxID/NxID lines are left out when the reader's context has
 * HIDE_VINFO (the guest asks about itself), or the task's does (ABI 6.4).
 */
void vx_proc_pid_status(struct seq_file *m, struct task_struct *p)
{
	struct vx_info *vxi;
	bool hide;

	rcu_read_lock();
	vxi = vx_task_info(p);
	hide = vx_info_flags(vxi, VXF_HIDE_VINFO) || vx_reader_hides_vinfo();
	rcu_read_unlock();
	if (hide)
		return;
	seq_printf(m, "VxID:\t%u\n", vx_task_xid(p));
	seq_printf(m, "NxID:\t%u\n", nx_task_nid(p));
}

/**
 * vx_proc_pident_hidden - is /proc/<pid>/@name hidden from the reader?
 *
 * "vinfo" and "ninfo" are, from a guest with HIDE_VINFO: lookup gives
 * -ENOENT, readdir leaves them out, a cached dentry fails revalidation.
 * Safe in RCU walk.
 */
bool vx_proc_pident_hidden(const char *name, unsigned int len)
{
	if (len != 5 || !vx_reader_hides_vinfo())
		return false;
	return !memcmp(name, "vinfo", 5) || !memcmp(name, "ninfo", 5);
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

/* ---- the per-id trees ------------------------------------------------- */

/*
 * /proc/virtual/<xid> and /proc/virtnet/<nid> work alike.  A tree
 * describes one of them; directory inodes hold the id and find their
 * tree through their inode operations.
 */
struct vx_proc_file {
	const char *name;
	const struct file_operations *fops;
};

/* open/read/release of one seq file that holds the id in ->private. */
#define VX_PROC_SEQ_FOPS(fops, show)					\
static int fops##_open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, show, inode->i_private);		\
}									\
static const struct file_operations fops = {				\
	.open		= fops##_open,					\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

struct vx_proc_tree {
	struct vs_id_table *ids;
	u32 (*own_id)(void);
	const struct vx_proc_file *files;
	unsigned int nr_files;
	const struct inode_operations *id_iops;
	const struct file_operations *id_fops;
};

static const struct vx_proc_tree vx_proc_virtual, vx_proc_virtnet;

/*
 * May the reader see id @id of tree @t at all?  The host and the
 * spectator see every id; a guest only its own: its xid in
 * /proc/virtual, its nid in /proc/virtnet.
 */
static bool vx_proc_id_visible(const struct vx_proc_tree *t, u32 id)
{
	u32 me = vx_current_xid();

	if (!vx_is_guest_xid(id) || id > VX_ID_MAX)
		return false;
	if (me != VX_HOST_XID && me != VX_SPECTATOR_XID && t->own_id() != id)
		return false;
	return vs_id_hashed(t->ids, id);
}

static u32 vx_proc_inode_id(const struct inode *inode)
{
	return (unsigned long)inode->i_private;
}

/* seq files keep the id in ->private and look the object up per read. */
static u32 vx_proc_seq_id(struct seq_file *m)
{
	return (unsigned long)m->private;
}

/* ---- /proc/virtual/<xid> ---------------------------------------------- */

static u32 vx_proc_own_xid(void)
{
	return vx_current_xid();
}

/* Find the file's context again, for one read. */
static struct vx_info *vx_proc_seq_info(struct seq_file *m)
{
	u32 xid = vx_proc_seq_id(m);

	if (!vx_proc_id_visible(&vx_proc_virtual, xid))
		return NULL;
	return vx_lookup(xid);
}

static int vx_proc_xid_info_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	seq_printf(m, "ID:\t%u\n", vx_info_xid(vxi));
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
	seq_printf(m, "UseCnt:\t%u\n", refcount_read(&vxi->obj.usecnt) - 1);
	seq_printf(m, "Tasks:\t%d\n", atomic_read(&vxi->obj.tasks));
	seq_printf(m, "Flags:\t%016llx\n", READ_ONCE(vxi->flags));
	seq_printf(m, "BCaps:\t%016llx\n", READ_ONCE(vxi->bcaps));
	seq_printf(m, "CCaps:\t%016llx\n", READ_ONCE(vxi->ccaps));
	seq_printf(m, "Umask:\t%16llx\n", READ_ONCE(vxi->umask));
	seq_printf(m, "Wmask:\t%16llx\n", READ_ONCE(vxi->wmask));
	seq_printf(m, "Spaces:\t%08lx %08lx\n",
		   (unsigned long)vx_space_mask(vxi, 0),
		   (unsigned long)vx_space_mask(vxi, 1));
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_cvirt_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);
	struct vcmd_virt_stat_v0 vs;
	struct timespec64 bias;
	unsigned int updates;
	int i;

	if (!vxi)
		return -ENOENT;
	updates = vx_virt_stat(vxi, &vs);
	bias = ns_to_timespec64(vs.offset);
	seq_printf(m, "BiasUptime:\t%lu.%02lu\n", (unsigned long)bias.tv_sec,
		   bias.tv_nsec / (NSEC_PER_SEC / 100));
	seq_printf(m, "nr_threads:\t%u\n", vs.nr_threads);
	seq_printf(m, "nr_running:\t%u\n", vs.nr_running);
	seq_printf(m, "nr_unintr:\t%u\n", vs.nr_uninterruptible);
	seq_printf(m, "nr_onhold:\t%u\n", vs.nr_onhold);
	seq_printf(m, "load_updates:\t%u\n", updates);
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

#ifdef CONFIG_VSERVER_SCHED
static int vx_proc_xid_sched_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	vx_sched_proc_show(m, vxi);
	vx_put(vxi);
	return 0;
}

VX_PROC_SEQ_FOPS(vx_proc_xid_sched_fops, vx_proc_xid_sched_show);
#endif

VX_PROC_SEQ_FOPS(vx_proc_xid_info_fops, vx_proc_xid_info_show);
VX_PROC_SEQ_FOPS(vx_proc_xid_status_fops, vx_proc_xid_status_show);
static int vx_proc_xid_cacct_show(struct seq_file *m, void *v)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	vx_cacct_proc_show(m, vxi);
	vx_put(vxi);
	return 0;
}

/* nsproxy, nsproxy1: the space slots 0 and 1 */
static int vx_proc_xid_space_show(struct seq_file *m, unsigned int index)
{
	struct vx_info *vxi = vx_proc_seq_info(m);

	if (!vxi)
		return -ENOENT;
	vx_space_proc_show(m, vxi, index);
	vx_put(vxi);
	return 0;
}

static int vx_proc_xid_nsproxy_show(struct seq_file *m, void *v)
{
	return vx_proc_xid_space_show(m, 0);
}

static int vx_proc_xid_nsproxy1_show(struct seq_file *m, void *v)
{
	return vx_proc_xid_space_show(m, 1);
}

VX_PROC_SEQ_FOPS(vx_proc_xid_limit_fops, vx_proc_xid_limit_show);
VX_PROC_SEQ_FOPS(vx_proc_xid_nsproxy_fops, vx_proc_xid_nsproxy_show);
VX_PROC_SEQ_FOPS(vx_proc_xid_nsproxy1_fops, vx_proc_xid_nsproxy1_show);
VX_PROC_SEQ_FOPS(vx_proc_xid_cacct_fops, vx_proc_xid_cacct_show);
VX_PROC_SEQ_FOPS(vx_proc_xid_cvirt_fops, vx_proc_xid_cvirt_show);

static const struct vx_proc_file vx_proc_xid_files[] = {
	{ "info",	&vx_proc_xid_info_fops },
	{ "status",	&vx_proc_xid_status_fops },
	{ "limit",	&vx_proc_xid_limit_fops },
	{ "cvirt",	&vx_proc_xid_cvirt_fops },
	{ "cacct",	&vx_proc_xid_cacct_fops },
#ifdef CONFIG_VSERVER_SCHED
	{ "sched",	&vx_proc_xid_sched_fops },
#endif
	{ "nsproxy",	&vx_proc_xid_nsproxy_fops },
	{ "nsproxy1",	&vx_proc_xid_nsproxy1_fops },
};

/* ---- /proc/virtnet/<nid> ---------------------------------------------- */

static u32 vx_proc_own_nid(void)
{
	return nx_task_nid(current);
}

static struct nx_info *nx_proc_seq_info(struct seq_file *m)
{
	u32 nid = vx_proc_seq_id(m);

	if (!vx_proc_id_visible(&vx_proc_virtnet, nid))
		return NULL;
	return nx_lookup(nid);
}

static int nx_proc_nid_info_show(struct seq_file *m, void *v)
{
	struct nx_info *nxi = nx_proc_seq_info(m);

	if (!nxi)
		return -ENOENT;
	nx_proc_show_info(m, nxi);
	nx_put(nxi);
	return 0;
}

static int nx_proc_nid_status_show(struct seq_file *m, void *v)
{
	struct nx_info *nxi = nx_proc_seq_info(m);

	if (!nxi)
		return -ENOENT;
	seq_printf(m, "UseCnt:\t%u\n", refcount_read(&nxi->obj.usecnt) - 1);
	seq_printf(m, "Tasks:\t%d\n", atomic_read(&nxi->obj.tasks));
	seq_printf(m, "Flags:\t%016llx\n", READ_ONCE(nxi->flags));
	seq_printf(m, "NCaps:\t%016llx\n", READ_ONCE(nxi->ncaps));
	nx_put(nxi);
	return 0;
}

VX_PROC_SEQ_FOPS(nx_proc_nid_info_fops, nx_proc_nid_info_show);
VX_PROC_SEQ_FOPS(nx_proc_nid_status_fops, nx_proc_nid_status_show);

static const struct vx_proc_file nx_proc_nid_files[] = {
	{ "info",	&nx_proc_nid_info_fops },
	{ "status",	&nx_proc_nid_status_fops },
};

/* ---- files and directories of both trees ------------------------------ */

/* The tree a per-id directory inode belongs to. */
static const struct vx_proc_tree *vx_proc_inode_tree(const struct inode *dir)
{
	return dir->i_op == vx_proc_virtnet.id_iops ? &vx_proc_virtnet :
						      &vx_proc_virtual;
}

/*
 * A cached per-id dentry (directory or file) stays valid only while the
 * object exists and the reader may see it.  Safe in RCU-walk.
 */
static int vx_proc_revalidate(struct dentry *dentry, unsigned int flags)
{
	const struct vx_proc_tree *t = dentry->d_fsdata;
	struct inode *inode = d_inode_rcu(dentry);

	if (!inode || !t)
		return 0;
	return vx_proc_id_visible(t, vx_proc_inode_id(inode));
}

static const struct dentry_operations vx_proc_dops = {
	.d_revalidate	= vx_proc_revalidate,
	.d_delete	= always_delete_dentry,
};

static struct inode *vx_proc_make_inode(struct super_block *sb, umode_t mode,
					u32 id)
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
	inode->i_private = (void *)(unsigned long)id;
	return inode;
}

static struct dentry *vx_proc_id_lookup(struct inode *dir,
					struct dentry *dentry,
					unsigned int flags)
{
	const struct vx_proc_tree *t = vx_proc_inode_tree(dir);
	u32 id = vx_proc_inode_id(dir);
	struct inode *inode;
	unsigned int i;

	for (i = 0; i < t->nr_files; i++)
		if (!strcmp(dentry->d_name.name, t->files[i].name))
			break;
	if (i == t->nr_files || !vx_proc_id_visible(t, id))
		return ERR_PTR(-ENOENT);

	inode = vx_proc_make_inode(dir->i_sb, S_IFREG | 0444, id);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_fop = t->files[i].fops;
	return d_splice_alias(inode, dentry);
}

static int vx_proc_id_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	const struct vx_proc_tree *t = vx_proc_inode_tree(dir);
	unsigned int i;

	if (!vx_proc_id_visible(t, vx_proc_inode_id(dir)))
		return -ENOENT;
	if (!dir_emit_dots(file, ctx))
		return 0;
	for (i = ctx->pos - 2; i < t->nr_files; i++) {
		const char *name = t->files[i].name;

		if (!dir_emit(ctx, name, strlen(name), 1, DT_REG))
			return 0;
		ctx->pos++;
	}
	return 0;
}

/* Two sets of identical operations, so that the inode names its tree. */
static const struct inode_operations vx_proc_xid_iops = {
	.lookup		= vx_proc_id_lookup,
};

static const struct inode_operations nx_proc_nid_iops = {
	.lookup		= vx_proc_id_lookup,
};

static const struct file_operations vx_proc_id_fops = {
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
	.iterate_shared	= vx_proc_id_readdir,
};

static const struct vx_proc_tree vx_proc_virtual = {
	.ids		= &vx_ids,
	.own_id		= vx_proc_own_xid,
	.files		= vx_proc_xid_files,
	.nr_files	= ARRAY_SIZE(vx_proc_xid_files),
	.id_iops	= &vx_proc_xid_iops,
	.id_fops	= &vx_proc_id_fops,
};

static const struct vx_proc_tree vx_proc_virtnet = {
	.ids		= &nx_ids,
	.own_id		= vx_proc_own_nid,
	.files		= nx_proc_nid_files,
	.nr_files	= ARRAY_SIZE(nx_proc_nid_files),
	.id_iops	= &nx_proc_nid_iops,
	.id_fops	= &vx_proc_id_fops,
};

/* ---- /proc/virtual and /proc/virtnet ---------------------------------- */

/* The id a name spells, or 0 if it is no canonical decimal id. */
static u32 vx_proc_name_id(const struct qstr *name)
{
	char buf[12];
	u32 id;

	if (name->len >= sizeof(buf) || kstrtou32(name->name, 10, &id))
		return 0;
	snprintf(buf, sizeof(buf), "%u", id);
	return strcmp(buf, name->name) ? 0 : id;
}

static struct dentry *vx_proc_root_lookup(const struct vx_proc_tree *t,
					  struct inode *dir,
					  struct dentry *dentry,
					  unsigned int flags)
{
	u32 id = vx_proc_name_id(&dentry->d_name);
	struct inode *inode;

	if (!id)
		return proc_lookup(dir, dentry, flags);
	if (!vx_proc_id_visible(t, id))
		return ERR_PTR(-ENOENT);

	inode = vx_proc_make_inode(dir->i_sb, S_IFDIR | 0555, id);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_op = t->id_iops;
	inode->i_fop = t->id_fops;
	set_nlink(inode, 2);
	dentry->d_fsdata = (void *)t;
	d_set_d_op(dentry, &vx_proc_dops);
	return d_splice_alias(inode, dentry);
}

static int vx_proc_root_readdir(const struct vx_proc_tree *t,
				struct file *file, struct dir_context *ctx)
{
	u32 ids[VX_PROC_CHUNK], me = vx_current_xid(), own;
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
		own = t->own_id();
		if (vx_is_guest_xid(own) && own <= VX_ID_MAX &&
		    ctx->pos <= VX_PROC_ID_POS + own && vs_id_hashed(t->ids, own)) {
			len = snprintf(name, sizeof(name), "%u", own);
			ctx->pos = VX_PROC_ID_POS + own;
			if (!dir_emit(ctx, name, len, 1, DT_DIR))
				return 0;
		}
		ctx->pos = VX_PROC_ID_POS + VX_ID_MAX + 1;
		return 0;
	}

	while (ctx->pos <= VX_PROC_ID_POS + VX_ID_MAX) {
		n = vs_id_collect(t->ids, ctx->pos - VX_PROC_ID_POS, ids,
				  ARRAY_SIZE(ids));
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

static int vx_proc_root_getattr(const struct vx_proc_tree *t,
				const struct path *path, struct kstat *stat)
{
	generic_fillattr(&init_user_ns, d_inode(path->dentry), stat);
	stat->nlink = 2 + atomic_read(&t->ids->active);
	return 0;
}

/* The top-level operations of each tree, bound to it. */
#define VX_PROC_ROOT_OPS(pfx, tree)					\
static struct dentry *pfx##_lookup(struct inode *dir,			\
				   struct dentry *dentry,		\
				   unsigned int flags)			\
{									\
	return vx_proc_root_lookup(&tree, dir, dentry, flags);		\
}									\
static int pfx##_readdir(struct file *file, struct dir_context *ctx)	\
{									\
	return vx_proc_root_readdir(&tree, file, ctx);			\
}									\
static int pfx##_getattr(struct user_namespace *mnt_userns,		\
			 const struct path *path, struct kstat *stat,	\
			 u32 request_mask, unsigned int query_flags)	\
{									\
	return vx_proc_root_getattr(&tree, path, stat);			\
}									\
static const struct inode_operations pfx##_iops = {			\
	.lookup		= pfx##_lookup,					\
	.getattr	= pfx##_getattr,				\
};									\
static const struct file_operations pfx##_fops = {			\
	.llseek		= generic_file_llseek,				\
	.read		= generic_read_dir,				\
	.iterate_shared	= pfx##_readdir,				\
}

VX_PROC_ROOT_OPS(vx_proc_top, vx_proc_virtual);
VX_PROC_ROOT_OPS(nx_proc_top, vx_proc_virtnet);

/* Make one top-level directory with its "info" and "status" files. */
static int __init vx_proc_mkdir(const char *name,
				int (*status_show)(struct seq_file *, void *),
				const struct inode_operations *iops,
				const struct file_operations *fops)
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
	/* Before anyone can look: the per-id directories are ours. */
	dir->proc_iops = iops;
	dir->proc_dir_ops = fops;
	return 0;
}

static int __init vx_proc_init(void)
{
	int ret;

	ret = vx_proc_mkdir("virtual", vx_proc_status_show,
			    &vx_proc_top_iops, &vx_proc_top_fops);
	if (ret)
		return ret;
	ret = vx_proc_mkdir("virtnet", nx_proc_status_show,
			    &nx_proc_top_iops, &nx_proc_top_fops);
	if (ret)
		remove_proc_subtree("virtual", NULL);
	return ret;
}
fs_initcall(vx_proc_init);
