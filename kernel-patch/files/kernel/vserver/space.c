// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer space slots: a context's saved namespaces.
 *
 * A context has two slots (index 0 and 1).  set_space saves namespaces
 * of the caller into a slot: the mount, UTS, IPC, ... namespaces named by
 * CLONE_NEW* bits of the mask, and with CLONE_FS its root and working
 * directory.  enter_space moves the caller into what a slot saved, so a
 * host tool can run a command in a guest's view of the system (its
 * mounts, its hostname, its IPC objects) without joining the context.
 *
 * util-vserver builds a guest like this:
 *
 *   vspace --new --default -- vcontext --create --xid N -- \
 *	vspace --set --default -- ...
 *
 * The first step clones the command into fresh namespaces, the second
 * creates the context and moves into it, the third (inside the context,
 * still in setup) saves those namespaces into slot 0.  Later
 * "vspace --enter N --default -- CMD" runs CMD in them.
 *
 * The UTS namespace of slot 0 is the context's own UTS namespace, the one
 * vhi_name (vuname) reads and writes and migrate puts a task into: saving
 * a UTS namespace into slot 0 makes it the context's.
 *
 * Errors: a mask with bits outside get_space_mask, an index above 1, or
 * (enter_space) a namespace the slot has not saved is -EINVAL; entering a
 * private context (INFO_PRIVATE) past setup is -EACCES; a bad pointer is
 * -EFAULT.  The namespaces' own install checks (as for setns(2)) apply.
 *
 * Entering reuses setns(2)'s machinery through setns_nslist()
 * (kernel/nsproxy.c), so every namespace type is joined exactly as
 * setns() would join it, all or nothing; the fs root and cwd are set
 * afterwards with set_fs_root()/set_fs_pwd().
 *
 * Namespaces a guest makes itself.  Past setup, a guest task gets a new
 * namespace (unshare(2), clone(2) with CLONE_NEW*, setns(2) into an
 * existing one) only of a kind its context allows: every kind with the
 * ccap NAMESPACE, else the kinds named by the context's umask (CLONE_NEW*
 * bits, set_umask / `vattribute --umask`); anything else is -EPERM
 * before the kernel's own capability checks.  While the context is in
 * setup nothing is refused (util-vserver's chain makes and saves the
 * guest's namespaces then).  A refused kind that the context's wmask
 * names is logged, rate limited, with the context and the kinds.
 *
 * Locking: ->space_mutex of the context serializes every use of its slots
 * (save, enter, /proc).  A slot holds one reference on each saved
 * namespace (dropped through its ->put()) and owns its private fs_struct
 * copy.  Dropping them may sleep (a mount namespace takes namespace_sem),
 * so a context whose slots hold anything is freed from a work item, not
 * from its RCU callback.
 */

#include <linux/compat.h>
#include <linux/errno.h>
#include <linux/fs_struct.h>
#include <linux/ipc_namespace.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vserver/context.h>
#include <linux/vserver/space.h>
#include <linux/vserver/switch.h>
#include <vserver/context.h>
#include <vserver/space.h>

/*
 * The namespace kinds a slot can hold, in the order setns() installs them
 * (validate_nsset(): user first, so the later checks see its caps).  Only
 * kinds built into this kernel are listed; get_space_mask reports them.
 */
static const struct vx_space_kind {
	u64				flag;
	const struct proc_ns_operations	*ops;
} vx_space_kinds[] = {
#ifdef CONFIG_USER_NS
	{ CLONE_NEWUSER,	&userns_operations },
#endif
	{ CLONE_NEWNS,		&mntns_operations },
#ifdef CONFIG_UTS_NS
	{ CLONE_NEWUTS,		&utsns_operations },
#endif
#ifdef CONFIG_IPC_NS
	{ CLONE_NEWIPC,		&ipcns_operations },
#endif
#ifdef CONFIG_PID_NS
	/* The namespace the task's children are born in. */
	{ CLONE_NEWPID,		&pidns_for_children_operations },
#endif
#ifdef CONFIG_CGROUPS
	{ CLONE_NEWCGROUP,	&cgroupns_operations },
#endif
#ifdef CONFIG_NET_NS
	{ CLONE_NEWNET,		&netns_operations },
#endif
	/*
	 * No CLONE_NEWTIME: a context's clock is its VIRT_TIME namespace
	 * (cvirt.c), and util-vserver unshares every kind listed here in
	 * each new guest.
	 */
};

#define VX_SPACE_KINDS	ARRAY_SIZE(vx_space_kinds)

/* Everything a slot can save: the kinds above and the fs root/cwd. */
static u64 vx_space_supported(void)
{
	u64 mask = CLONE_FS;
	unsigned int i;

	for (i = 0; i < VX_SPACE_KINDS; i++)
		mask |= vx_space_kinds[i].flag;
	return mask;
}

/* get_space_mask_v0: the older set, FS, NS, UTS, IPC and USER. */
#define VX_SPACE_MASK_V0	(CLONE_FS | CLONE_NEWNS | CLONE_NEWUTS | \
				 CLONE_NEWIPC | CLONE_NEWUSER)

/* get_space_default: what util-vserver gives a guest. */
#define VX_SPACE_DEFAULT	(CLONE_FS | CLONE_NEWNS | CLONE_NEWUTS | \
				 CLONE_NEWIPC)

/* ---- the context's UTS namespace -------------------------------------- */

/**
 * vx_get_uts_ns - the context's UTS namespace, with a reference
 * @vxi: context
 *
 * The caller drops the reference with put_uts_ns().
 */
struct uts_namespace *vx_get_uts_ns(struct vx_info *vxi)
{
	struct uts_namespace *uts;

	spin_lock(&vxi->lock);
	uts = vxi->uts_ns;
	get_uts_ns(uts);
	spin_unlock(&vxi->lock);
	return uts;
}

/* Make @uts (a namespace saved into slot 0) the context's own. */
static void vx_set_uts_ns(struct vx_info *vxi, struct uts_namespace *uts)
{
	struct uts_namespace *old;

	get_uts_ns(uts);
	spin_lock(&vxi->lock);
	old = vxi->uts_ns;
	vxi->uts_ns = uts;
	spin_unlock(&vxi->lock);
	put_uts_ns(old);
}

/* ---- slots ------------------------------------------------------------ */

void vx_space_init(struct vx_info *vxi)
{
	BUILD_BUG_ON(VX_SPACE_KINDS > VX_SPACE_NS_MAX);
	mutex_init(&vxi->space_mutex);
}

/* Does any slot hold something?  Only for a context nobody can reach. */
bool vx_space_busy(const struct vx_info *vxi)
{
	unsigned int i;

	for (i = 0; i < VX_SPACES; i++)
		if (vxi->space[i].mask)
			return true;
	return false;
}

static void vx_space_clear(struct vx_space *sp)
{
	unsigned int i;

	for (i = 0; i < VX_SPACE_NS_MAX; i++) {
		if (sp->ns[i])
			sp->ns[i]->ops->put(sp->ns[i]);
		sp->ns[i] = NULL;
	}
	if (sp->fs)
		free_fs_struct(sp->fs);
	sp->fs = NULL;
	sp->mask = 0;
}

/**
 * vx_space_release - drop everything the slots of @vxi saved
 * @vxi: a context being freed (no references left)
 *
 * May sleep.
 */
void vx_space_release(struct vx_info *vxi)
{
	unsigned int i;

	for (i = 0; i < VX_SPACES; i++)
		vx_space_clear(&vxi->space[i]);
}

/* The saved mask of slot @index, for /proc/virtual/<xid>/status. */
u64 vx_space_mask(struct vx_info *vxi, unsigned int index)
{
	u64 mask;

	mutex_lock(&vxi->space_mutex);
	mask = vxi->space[index].mask;
	mutex_unlock(&vxi->space_mutex);
	return mask;
}

/*
 * Save the caller's namespaces named in @mask into slot @index.  The new
 * references are all taken before the slot changes, so a failure leaves
 * the slot as it was.
 */
static int vx_space_save(struct vx_info *vxi, unsigned int index, u64 mask)
{
	struct ns_common *ns[VX_SPACE_NS_MAX] = {};
	struct vx_space old = {};
	struct fs_struct *fs = NULL;
	struct vx_space *sp = &vxi->space[index];
	struct uts_namespace *uts = NULL;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < VX_SPACE_KINDS; i++) {
		if (!(mask & vx_space_kinds[i].flag))
			continue;
		ns[i] = vx_space_kinds[i].ops->get(current);
		/* e.g. a pid namespace nobody was born into yet */
		if (!ns[i]) {
			ret = -EINVAL;
			goto out_put;
		}
	}
	if (mask & CLONE_FS) {
		fs = copy_fs_struct(current->fs);
		if (!fs) {
			ret = -ENOMEM;
			goto out_put;
		}
	}

	mutex_lock(&vxi->space_mutex);
	for (i = 0; i < VX_SPACE_KINDS; i++) {
		if (!ns[i])
			continue;
		old.ns[i] = sp->ns[i];
		sp->ns[i] = ns[i];
		ns[i] = NULL;
		if (vx_space_kinds[i].flag == CLONE_NEWUTS && index == 0)
			uts = container_of(sp->ns[i], struct uts_namespace, ns);
	}
	if (fs) {
		old.fs = sp->fs;
		sp->fs = fs;
	}
	sp->mask |= mask;
	/* Under the mutex, so slot 0 and the context agree on the order. */
	if (uts)
		vx_set_uts_ns(vxi, uts);
	mutex_unlock(&vxi->space_mutex);

	/* Drop what was replaced outside the mutex: it may sleep. */
	vx_space_clear(&old);
	return 0;

out_put:
	for (i = 0; i < VX_SPACE_KINDS; i++)
		if (ns[i])
			ns[i]->ops->put(ns[i]);
	return ret;
}

/*
 * Move the caller into the namespaces of slot @index named in @mask
 * (0: everything saved).  The mutex keeps the slot's references alive
 * while setns_nslist() installs them.
 */
static int vx_space_enter(struct vx_info *vxi, unsigned int index, u64 mask)
{
	struct ns_common *ns[VX_SPACE_NS_MAX];
	struct vx_space *sp = &vxi->space[index];
	unsigned int i, nr = 0;
	u64 nsflags = 0;
	int ret = 0;

	mutex_lock(&vxi->space_mutex);
	if (!mask)
		mask = sp->mask;
	if (!mask || (mask & ~sp->mask)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	for (i = 0; i < VX_SPACE_KINDS; i++) {
		if (!(mask & vx_space_kinds[i].flag))
			continue;
		ns[nr++] = sp->ns[i];
		nsflags |= vx_space_kinds[i].flag;
	}
	if (nr) {
		ret = setns_nslist(nsflags, ns, nr);
		if (ret)
			goto out_unlock;
	}
	/* After the mount namespace, which moved root and cwd to its root. */
	if (mask & CLONE_FS) {
		set_fs_root(current->fs, &sp->fs->root);
		set_fs_pwd(current->fs, &sp->fs->pwd);
	}
out_unlock:
	mutex_unlock(&vxi->space_mutex);
	return ret;
}

/* ---- commands --------------------------------------------------------- */

#ifdef CONFIG_COMPAT
/*
 * struct vcmd_space_mask_v2 as a 32-bit task lays it out: 12 bytes on
 * IA-32 (u64 4-byte aligned), 16 on AArch32 (EABI aligns it to 8, so
 * compat_u64 is a plain u64 there and the layout equals the native one).
 */
struct vcmd_space_mask_v2_x32 {
	compat_u64 mask;
	__u32 index;
};
#endif

static int vc_read_space_v2(const struct vc_call *call,
			    struct vcmd_space_mask_v2 *arg)
{
#ifdef CONFIG_COMPAT
	if (call->compat) {
		struct vcmd_space_mask_v2_x32 a32;

		if (copy_from_user(&a32, call->data, sizeof(a32)))
			return -EFAULT;
		arg->mask = a32.mask;
		arg->index = a32.index;
		return 0;
	}
#endif
	if (copy_from_user(arg, call->data, sizeof(*arg)))
		return -EFAULT;
	return 0;
}

/* The mask and slot of a set/enter command, whatever its version. */
static int vc_space_args(const struct vc_call *call, u64 *mask,
			 unsigned int *index)
{
	struct vcmd_space_mask_v2 v2;
	struct vcmd_space_mask_v1 v1;
	int ret;

	*mask = 0;
	*index = 0;
	switch (VC_VERSION(call->cmd)) {
	case 0:
		break;
	case 1:
		if (copy_from_user(&v1, call->data, sizeof(v1)))
			return -EFAULT;
		*mask = v1.mask;
		break;
	default:
		ret = vc_read_space_v2(call, &v2);
		if (ret)
			return ret;
		*mask = v2.mask;
		*index = v2.index;
		break;
	}
	if ((*mask & ~vx_space_supported()) || *index >= VX_SPACES)
		return -EINVAL;
	return 0;
}

long vc_set_space(const struct vc_call *call)
{
	unsigned int index;
	u64 mask;
	int ret;

	ret = vc_space_args(call, &mask, &index);
	if (ret)
		return ret;
	return vx_space_save(call->vxi, index, mask);
}

long vc_enter_space(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	unsigned int index;
	u64 mask;
	int ret;

	ret = vc_space_args(call, &mask, &index);
	if (ret)
		return ret;
	/* As for migrate: a private context is closed once set up. */
	if ((READ_ONCE(vxi->flags) & (VXF_INFO_PRIVATE | VXF_STATE_SETUP)) ==
	    VXF_INFO_PRIVATE)
		return -EACCES;
	return vx_space_enter(vxi, index, mask);
}

static long vc_put_space_mask(const struct vc_call *call, u64 mask)
{
	struct vcmd_space_mask_v1 arg = { .mask = mask };

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

long vc_get_space_mask(const struct vc_call *call)
{
	u64 mask = vx_space_supported();

	if (call->cmd == VCMD_get_space_mask_v0)
		mask &= VX_SPACE_MASK_V0;
	return vc_put_space_mask(call, mask);
}

long vc_get_space_default(const struct vc_call *call)
{
	return vc_put_space_mask(call, VX_SPACE_DEFAULT & vx_space_supported());
}

/* ---- /proc/virtual/<xid>/nsproxy, nsproxy1 ------------------------------ */

/**
 * vx_space_proc_show - describe slot @index of @vxi
 *
 * Empty when the slot saved nothing.  Otherwise the slot and its mount,
 * UTS and IPC namespaces as tokens (hashed pointers), then the UTS names
 * and the IPC namespace's limits, as ABI section 6.2 lists them.
 */
void vx_space_proc_show(struct seq_file *m, struct vx_info *vxi,
			unsigned int index)
{
	struct ns_common *mnt = NULL, *uts = NULL, *ipc = NULL;
	struct vx_space *sp = &vxi->space[index];
	unsigned int i;

	mutex_lock(&vxi->space_mutex);
	if (!sp->mask)
		goto out_unlock;
	for (i = 0; i < VX_SPACE_KINDS; i++) {
		if (vx_space_kinds[i].flag == CLONE_NEWNS)
			mnt = sp->ns[i];
		else if (vx_space_kinds[i].flag == CLONE_NEWUTS)
			uts = sp->ns[i];
		else if (vx_space_kinds[i].flag == CLONE_NEWIPC)
			ipc = sp->ns[i];
	}
	seq_printf(m, "NSProxy:\t%p [%p,%p,%p]\n", sp, mnt, uts, ipc);
	if (uts) {
		struct new_utsname *n =
			&container_of(uts, struct uts_namespace, ns)->name;

		down_read(&uts_sem);
		seq_printf(m, "SysName:\t%.*s\n", __NEW_UTS_LEN, n->sysname);
		seq_printf(m, "NodeName:\t%.*s\n", __NEW_UTS_LEN, n->nodename);
		seq_printf(m, "Release:\t%.*s\n", __NEW_UTS_LEN, n->release);
		seq_printf(m, "Version:\t%.*s\n", __NEW_UTS_LEN, n->version);
		seq_printf(m, "Machine:\t%.*s\n", __NEW_UTS_LEN, n->machine);
		seq_printf(m, "DomainName:\t%.*s\n", __NEW_UTS_LEN,
			   n->domainname);
		up_read(&uts_sem);
	}
	if (ipc) {
		struct ipc_namespace *ns =
			container_of(ipc, struct ipc_namespace, ns);

		seq_printf(m, "SEMS:\t\t%d %d %d %d  %d\n", ns->sem_ctls[0],
			   ns->sem_ctls[1], ns->sem_ctls[2], ns->sem_ctls[3],
			   ns->used_sems);
		seq_printf(m, "MSG:\t\t%d %d %d\n", ns->msg_ctlmax,
			   ns->msg_ctlmnb, ns->msg_ctlmni);
		seq_printf(m, "SHM:\t\t%lu %lu  %d %ld\n",
			   (unsigned long)ns->shm_ctlmax,
			   (unsigned long)ns->shm_ctlall, ns->shm_ctlmni,
			   (long)ns->shm_tot);
	}
out_unlock:
	mutex_unlock(&vxi->space_mutex);
}

/* Every namespace kind, as CLONE_* bits (whether built or not). */
#define VX_NS_KINDS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |	\
			 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |	\
			 CLONE_NEWCGROUP | CLONE_NEWTIME)

/**
 * vx_ns_permit - may current make or join namespaces of @flags' kinds?
 * @flags: CLONE_* flags of unshare, clone or setns
 *
 * Returns 0 or -EPERM.  Called by copy_namespaces(),
 * unshare_nsproxy_namespaces() and setns(2); atomic-safe.
 */
int vx_ns_permit(unsigned long flags)
{
	struct vx_info *vxi;
	u64 kinds, denied;

	kinds = flags & VX_NS_KINDS;
	if (!kinds || !static_branch_unlikely(&vx_active))
		return 0;
	if (!vx_current_in_guest())
		return 0;
	vxi = vx_task_info(current);
	if (vx_info_flags(vxi, VXF_STATE_SETUP) ||
	    vx_info_ccaps(vxi, VXC_NAMESPACE))
		return 0;
	denied = kinds & ~READ_ONCE(vxi->umask);
	if (!denied)
		return 0;
	if (denied & READ_ONCE(vxi->wmask))
		pr_notice_ratelimited("vserver: xid %u: namespace kinds %#llx refused to %s[%d]\n",
				      vx_info_xid(vxi), denied, current->comm,
				      task_tgid_nr(current));
	return -EPERM;
}
