// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security contexts.
 *
 * A context groups the tasks of one guest.  The host creates it with
 * ctx_create, giving a static id 2..65535 and an initial flag word; the
 * caller moves into it at once.  Further tasks join with ctx_migrate, and
 * children inherit the context at fork.  With id 0xFFFFFFFF (both
 * versions of ctx_create) the kernel picks a free "dynamic" id in
 * 49152..65535, going round the range like pid allocation; -EAGAIN when
 * every one is taken.
 *
 * A context stays findable by id (hashed) as long as it has tasks or the
 * PERSISTENT flag.  When the last task is released it is unhashed, and
 * wait_exit callers wake up; the object itself is freed by RCU once the
 * last reference is gone (tasks keep theirs until they are freed).  The
 * id table (vx_ids, kernel/vserver/idtable.c) keeps that life cycle, as
 * it does for network contexts.
 *
 * Moving into a context bounds the caller's capabilities by the
 * context's bcaps (bset, permitted, effective, inheritable and ambient
 * sets).  CAP_CONTEXT is never part of bcaps: a task keeps it only while
 * its context is being set up (STATE_SETUP), so that the setup commands
 * can still be run from inside; it is dropped when setup ends.  While
 * the context is in setup, lowering its bcaps from inside does not touch
 * the tasks already there (the rest of the setup chain still needs
 * CAP_SYS_ADMIN): the new bound reaches them when setup ends, and a task
 * that migrates in meets it at once.
 *
 * From inside (a guest task acting on its own context, which it can do
 * only during setup) settings may only narrow: bcaps only lose bits,
 * cflags only gain restrictions (VX_CFLAGS_RESTRICT) and lose grants
 * (VXF_PROLIFIC) and one-time bits; limits only go down (limit.c).  The
 * ccaps are the exception: util-vserver grants them from inside its setup
 * chain (`vattribute --set --secure` sets SET_UTSNAME and RAW_ICMP, and
 * `vserver NAME start` the guest's configured ccaps), and a task in setup
 * still holds the host's capabilities (see above), so refusing it a ccap
 * would protect nothing.  The host may change anything.
 *
 * Commands (levels and permission checks in switch.c):
 *   ctx_create_v0/v1	-EINVAL bad id or flags, -EEXIST id in use
 *			(-EBUSY while that context is in setup), -EPERM caller
 *			not in the host context, -EOPNOTSUPP the security
 *			module (security/vserver) is not in the LSM list
 *   ctx_migrate_v0/v1	-EACCES private context past setup, -EFAULT the
 *			context is shutting down, -EBUSY multi-threaded caller;
 *			id 1 (spectator) from inside a guest: -EPERM
 *   vx_info, ctx_stat, get/set_cflags, get/set_ccaps, get/set_bcaps,
 *   get/set_umask, get/set_wmask, task_xid
 *
 * The file also answers the core hooks: which tasks a caller may find by
 * pid (vx_pid_visible), and which pid a guest sees for its init when the
 * context has INFO_INIT (vx_map_pid_nr and friends).
 *
 * Locking: vx_ids.lock (a spinlock) protects the id hash, every
 * context's ->obj.hashed and the PERSISTENT bit together with its
 * reference.  Each context's ->lock protects its settings and nests
 * inside vx_ids.lock.  Lookups walk the hash under RCU and take a
 * reference with refcount_inc_not_zero().
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/jump_label.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <linux/vserver/context.h>
#include <linux/vserver/device.h>
#include <linux/vserver/network.h>
#include <linux/vserver/switch.h>

DEFINE_STATIC_KEY_FALSE(vx_active);

/*
 * Flags a caller may name; anything else is -EINVAL.  Every flag here
 * does what the ABI says (kernel-patch/README.md lists where).  Refused,
 * because nothing in this kernel would honour them: INFO_NPROC,
 * INFO_HIDE, INFO_ULIMIT and INFO_NSPACE (2.4-era flags whose jobs the
 * NPROC limit, HIDE_VINFO, set_rlimit and the space slots do now).
 * VIRT_TIME needs time namespaces (CONFIG_TIME_NS; not on arm, whose vDSO
 * has no namespace page) and is refused without them.  INFO_LOCK and
 * INFO_SCHED hold by construction: a guest past setup can no longer
 * switch contexts, and a context's tasks are scheduled as one group
 * (kernel/vserver/sched.c).
 */
#ifdef CONFIG_TIME_NS
#define VXF_VALID_TIME	VXF_VIRT_TIME
#else
#define VXF_VALID_TIME	0
#endif
#define VXF_VALID	(VXF_INFO_LOCK | VXF_INFO_SCHED |		\
			 VXF_INFO_PRIVATE | VXF_INFO_INIT |		\
			 VXF_SCHED_HARD | VXF_SCHED_PRIO |		\
			 VXF_SCHED_PAUSE | VXF_VIRT_MEM |		\
			 VXF_VIRT_UPTIME | VXF_VIRT_LOAD |		\
			 VXF_VIRT_CPU | VXF_VALID_TIME |		\
			 VXF_HIDE_MOUNT | VXF_HIDE_NETIF |		\
			 VXF_HIDE_VINFO |				\
			 VXF_ONE_TIME | VXF_SC_HELPER |			\
			 VXF_REBOOT_KILL | VXF_PERSISTENT |		\
			 VXF_FORK_RSS | VXF_PROLIFIC | VXF_IGNEG_NICE)

/*
 * Context capabilities a caller may name; anything else is -EINVAL.
 * KTHREAD is refused: no kernel thread is made on a task's behalf in
 * this kernel, so there is nothing for it to grant.
 */
#define VXC_VALID	(VXC_SET_UTSNAME | VXC_SET_RLIMIT |		\
			 VXC_FS_SECURITY | VXC_FS_TRUSTED |		\
			 VXC_TIOCSTI | VXC_RAW_ICMP | VXC_SYSLOG |	\
			 VXC_OOM_ADJUST | VXC_AUDIT_CONTROL |		\
			 VXC_SECURE_MOUNT | VXC_SECURE_REMOUNT |	\
			 VXC_BINARY_MOUNT | VXC_QUOTA_CTL |		\
			 VXC_ADMIN_MAPPER | VXC_ADMIN_CLOOP |		\
			 VXC_NAMESPACE)

/* Every POSIX capability this kernel knows, except CAP_CONTEXT. */
#define VX_BCAPS_ALL	(GENMASK_ULL(CAP_LAST_CAP, 0) & ~BIT_ULL(CAP_CONTEXT))

/*
 * Flags that only restrict the context (or describe how it is seen):
 * from inside they may be set but not cleared.  VXF_PROLIFIC grants (fork
 * past the limits): from inside it may be cleared but not set.  The
 * lifecycle bits (SC_HELPER, REBOOT_KILL, PERSISTENT) and the legacy
 * INFO_LOCK move either way: util-vserver's setup chain sets them from
 * inside, and they give the context's tasks nothing.
 */
#define VX_CFLAGS_RESTRICT	(VXF_INFO_SCHED | VXF_INFO_PRIVATE |	\
				 VXF_INFO_INIT | VXF_SCHED_HARD |	\
				 VXF_SCHED_PRIO | VXF_SCHED_PAUSE |	\
				 VXF_VIRT_MEM | VXF_VIRT_UPTIME |	\
				 VXF_VIRT_LOAD | VXF_VIRT_CPU |		\
				 VXF_VIRT_TIME | VXF_HIDE_MOUNT |	\
				 VXF_HIDE_NETIF | VXF_HIDE_VINFO |	\
				 VXF_FORK_RSS | VXF_IGNEG_NICE)

/*
 * Is the caller a task of @vxi?  Only a guest in setup can act on its own
 * context; such calls may only narrow what the context holds (ccaps aside).
 */
static bool vx_inside(struct vx_info *vxi)
{
	return vx_task_info(current) == vxi;
}

/* ---- objects ---------------------------------------------------------- */

/* A new context, or ERR_PTR(): -ENOMEM, or -ENOSPC (UTS namespaces). */
static struct vx_info *vx_alloc(u32 xid, u64 flags)
{
	static atomic_t vx_serial = ATOMIC_INIT(0);
	struct vx_info *vxi;
	struct uts_namespace *uts;
	int err;

	vxi = kzalloc(sizeof(*vxi), GFP_KERNEL);
	if (!vxi)
		return ERR_PTR(-ENOMEM);
	/* Tells a context from an earlier one with the same xid (dentries). */
	vxi->serial = atomic_inc_return(&vx_serial);

	/* A private copy of the creator's utsname. */
	uts = copy_utsname(CLONE_NEWUTS, current_user_ns(),
			   current->nsproxy->uts_ns);
	if (IS_ERR(uts)) {
		kfree(vxi);
		return ERR_CAST(uts);
	}
	vxi->uts_ns = uts;

	spin_lock_init(&vxi->lock);
	vxi->flags = flags;
	vxi->bcaps = VX_BCAPS_ALL;
	init_waitqueue_head(&vxi->exit_wq);
	err = vx_cvirt_init(vxi);
	if (err)
		goto out_uts;
	vx_limit_init(vxi);
	vx_space_init(vxi);
	err = vx_sched_init(vxi);
	if (err)
		goto out_cvirt;
	vs_id_init(&vx_ids, &vxi->obj, xid);
	return vxi;

out_cvirt:
	vx_cvirt_free(vxi);
out_uts:
	put_uts_ns(uts);
	kfree(vxi);
	return ERR_PTR(err);
}

static void vx_free(struct vx_info *vxi)
{
	vx_sched_free(vxi);
	vx_cvirt_free(vxi);
	put_uts_ns(vxi->uts_ns);
	kfree(vxi);
}

/* Saved namespaces may sleep when they go (a mount namespace does). */
static void vx_free_work(struct work_struct *work)
{
	struct vx_info *vxi = container_of(work, struct vx_info, free_work);

	vx_space_release(vxi);
	vx_free(vxi);
}

/*
 * The id table's free (an RCU callback, softirq): must not sleep.  A
 * context whose space slots hold namespaces is handed to a worker.
 */
static void vx_id_free(struct vs_id *obj)
{
	struct vx_info *vxi = container_of(obj, struct vx_info, obj);

	if (vx_space_busy(vxi)) {
		INIT_WORK(&vxi->free_work, vx_free_work);
		queue_work(system_unbound_wq, &vxi->free_work);
		return;
	}
	vx_free(vxi);
}

static bool vx_id_persistent(const struct vs_id *obj)
{
	const struct vx_info *vxi = container_of(obj, struct vx_info, obj);

	return READ_ONCE(vxi->flags) & VXF_PERSISTENT;
}

static int vx_id_busy(const struct vs_id *old)
{
	const struct vx_info *vxi = container_of(old, struct vx_info, obj);

	return (READ_ONCE(vxi->flags) & VXF_STATE_SETUP) ? -EBUSY : -EEXIST;
}

/* The context has just shut down (vx_ids.lock held, atomic). */
static void vx_id_unhashed(struct vs_id *obj)
{
	struct vx_info *vxi = container_of(obj, struct vx_info, obj);

	wake_up_all(&vxi->exit_wq);
	if (READ_ONCE(vxi->flags) & VXF_SC_HELPER)
		vx_helper_event_async(VX_HELPER_SHUTDOWN, obj->id);
	/* A later context with this id starts without its mappings. */
	vx_devmap_drop(obj->id);
}

static const struct vs_id_ops vx_id_ops = {
	.persistent	= vx_id_persistent,
	.busy		= vx_id_busy,
	.unhashed	= vx_id_unhashed,
	.free		= vx_id_free,
};

/* Contexts by xid; dynamic ids come from VX_ID_MIN_DYNAMIC..VX_ID_MAX. */
struct vs_id_table vx_ids = VS_ID_TABLE_INIT(vx_ids, VX_ID_MIN_DYNAMIC,
					     VX_ID_MAX, &vx_id_ops);

/**
 * vx_put - drop a reference to a context
 * @vxi: context, may be NULL
 *
 * Safe in any context, including RCU callbacks: the object is freed only
 * after a grace period.
 */
void vx_put(struct vx_info *vxi)
{
	if (vxi)
		vs_id_put(&vxi->obj);
}

/**
 * vx_lookup - find a hashed context by id and take a reference
 * @xid: context id
 *
 * Returns the context or NULL.  The caller drops the reference with
 * vx_put().
 */
struct vx_info *vx_lookup(u32 xid)
{
	struct vs_id *obj = vs_id_lookup(&vx_ids, xid);

	return obj ? container_of(obj, struct vx_info, obj) : NULL;
}

/* ---- task lifecycle --------------------------------------------------- */

/*
 * The four hooks below serve the task's network context as well
 * (nx_task_*, kernel/vserver/network.c), so fork.c and exit.c need one
 * call each for both.
 */

/*
 * copy_process(), right after dup_task_struct(): the child shares the
 * parent's context pointer and needs its own reference.  free_task()
 * drops it on every path, including failed forks.
 */
void vx_task_fork(struct task_struct *p)
{
	if (p->vx_info)
		vx_get_info(p->vx_info);
	nx_task_fork(p);
}

/*
 * copy_process(), past the last failure point: the child now counts as a
 * task of the context.  The parent is one too, so the context is hashed.
 * Called with tasklist_lock held: atomic.
 */
void vx_task_attach(struct task_struct *p)
{
	struct vx_info *vxi = p->vx_info;

	if (vxi) {
		/* Counted at task_alloc already (NPROC), normally. */
		if (!vx_nproc_attached(p))
			vx_limit_note(vxi, RLIMIT_NPROC,
				      atomic_inc_return(&vxi->obj.tasks));
		atomic_inc(&vxi->forks);
	}
	nx_task_attach(p);
}

/* Leave the task count; the caller holds a reference on @vxi. */
static void vx_tasks_dec(struct vx_info *vxi)
{
	vs_id_task_leave(&vxi->obj);
	vx_limit_note(vxi, RLIMIT_NPROC, atomic_read(&vxi->obj.tasks));
}

/*
 * release_task(): @p is dead and reaped; it may be any task, the caller
 * is its reaper.  The reference stays with @p until vx_task_free().
 */
void vx_task_release(struct task_struct *p)
{
	struct vx_info *vxi = p->vx_info;

	nx_task_release(p);
	if (!vxi)
		return;
	WRITE_ONCE(vxi->exit_code, p->exit_code);
	vx_sched_exit(p);
	if (thread_group_leader(p))
		cmpxchg(&vxi->initpid, p->pid, 0);
	vx_tasks_dec(vxi);
}

/* free_task(): may run in an RCU callback, so only vx_put(). */
void vx_task_free(struct task_struct *p)
{
	vx_put(p->vx_info);
	p->vx_info = NULL;
	nx_task_free(p);
}

/* ---- migration -------------------------------------------------------- */

static kernel_cap_t vx_cap_mask(u64 caps)
{
	kernel_cap_t mask;
	unsigned int i;

	for (i = 0; i < _KERNEL_CAPABILITY_U32S; i++)
		mask.cap[i] = (u32)(caps >> (32 * i));
	return mask;
}

/*
 * The capability bound a task of @vxi lives under right now.  In setup
 * that is every capability: bcaps lowered from inside take effect when
 * setup ends (vc_set_cflags() re-masks every task then), so the rest of
 * the setup chain keeps what it needs.
 */
static u64 vx_cap_bound(struct vx_info *vxi)
{
	if (READ_ONCE(vxi->flags) & VXF_STATE_SETUP)
		return VX_BCAPS_ALL | BIT_ULL(CAP_CONTEXT);
	return READ_ONCE(vxi->bcaps);
}

/* The bound a task moving into @vxi gets: bcaps, CAP_CONTEXT in setup. */
static u64 vx_cap_entry_bound(struct vx_info *vxi)
{
	u64 bound = READ_ONCE(vxi->bcaps);

	if (READ_ONCE(vxi->flags) & VXF_STATE_SETUP)
		bound |= BIT_ULL(CAP_CONTEXT);
	return bound;
}

/**
 * vx_cap_allowed - may a task of @vxi use capability @cap now?
 *
 * For the capable() hook: CAP_CONTEXT only in setup; the others within
 * the bound of vx_cap_bound().
 */
bool vx_cap_allowed(struct vx_info *vxi, int cap)
{
	if (cap < 0 || cap > 63)
		return false;
	return vx_cap_bound(vxi) & BIT_ULL(cap);
}

static void vx_mask_cred(struct cred *new, u64 bound)
{
	kernel_cap_t mask = vx_cap_mask(bound);

	new->cap_bset = cap_intersect(new->cap_bset, mask);
	new->cap_permitted = cap_intersect(new->cap_permitted, mask);
	new->cap_effective = cap_intersect(new->cap_effective, mask);
	new->cap_inheritable = cap_intersect(new->cap_inheritable, mask);
	new->cap_ambient = cap_intersect(new->cap_ambient, mask);
}

/**
 * vx_bound_cred - mask credentials being prepared by the caller
 * @new: the caller's new credentials, not yet committed
 */
void vx_bound_cred(struct cred *new)
{
	struct vx_info *vxi = vx_task_info(current);

	if (vxi)
		vx_mask_cred(new, vx_cap_bound(vxi));
}

/**
 * vx_remask_current - bound the caller's capabilities by its context
 *
 * Used when bcaps shrink or setup ends while the caller is inside.
 */
int vx_remask_current(void)
{
	struct vx_info *vxi = vx_task_info(current);
	struct cred *new;

	if (!vxi)
		return 0;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	vx_mask_cred(new, vx_cap_bound(vxi));
	return commit_creds(new);
}

/* Runs in the task itself on its way back to user space (or at exit). */
static void vx_remask_work(struct callback_head *work)
{
	kfree(work);
	if (!(current->flags & PF_EXITING))
		vx_remask_current();
}

/**
 * vx_remask_tasks - have every task of @vxi re-bound its capabilities
 * @vxi: context whose bound shrank (bcaps lowered, or setup ended)
 *
 * A task commits only its own credentials, so each one gets a task_work
 * that does it on return to user space.  Until then the capable() hook
 * of security/vserver already refuses what is outside the bound.  A task
 * that is exiting (task_work_add fails) needs nothing.
 */
static void vx_remask_tasks(struct vx_info *vxi)
{
	struct callback_head *work;
	struct task_struct *g, *t;

	read_lock(&tasklist_lock);
	for_each_process_thread(g, t) {
		if (vx_task_info(t) != vxi || t == current ||
		    (t->flags & (PF_KTHREAD | PF_IO_WORKER)))
			continue;
		work = kmalloc(sizeof(*work), GFP_ATOMIC);
		if (!work)
			break;
		init_task_work(work, vx_remask_work);
		if (task_work_add(t, work, TWA_RESUME))
			kfree(work);
	}
	read_unlock(&tasklist_lock);
}

/*
 * A nsproxy like the caller's, but with @vxi's UTS namespace.  The
 * unshare helper makes a throw-away copy of the UTS namespace that is
 * replaced right away; it also checks CAP_SYS_ADMIN, which every caller
 * here already passed.
 */
static struct nsproxy *vx_nsproxy_for(struct vx_info *vxi)
{
	struct nsproxy *nsp = NULL;
	int err;

	err = unshare_nsproxy_namespaces(CLONE_NEWUTS, &nsp, NULL, NULL);
	if (err)
		return ERR_PTR(err);
	put_uts_ns(nsp->uts_ns);
	nsp->uts_ns = vx_get_uts_ns(vxi);
	return nsp;
}

/* Make the caller the init (and reaper) of its context. */
static void vx_set_init(struct vx_info *vxi)
{
	spin_lock(&vxi->lock);
	vxi->initpid = task_tgid_nr(current);
	WRITE_ONCE(vxi->flags, vxi->flags & ~VXF_STATE_INIT);
	spin_unlock(&vxi->lock);
}

static void vx_set_reaper(void)
{
	/* As PR_SET_CHILD_SUBREAPER; children forked later inherit it. */
	current->signal->is_child_subreaper = 1;
}

/**
 * vx_migrate - move the caller into context @vxi (NULL: the spectator)
 * @vxi:	target context; the caller holds a reference
 * @mflags:	VXM_* flags
 *
 * Only the caller moves, and only if it is single-threaded, so no other
 * task ever sees its xid change under it.
 */
static int vx_migrate(struct vx_info *vxi, u64 mflags)
{
	struct vx_info *old = vx_task_info(current);
	struct nsproxy *nsp = NULL;
	struct cred *new;
	int ret;

	if (old == vxi && vxi) {
		/* Its clock, if the flag came after it (VIRT_TIME). */
		ret = vx_time_enter(vxi);
		if (ret)
			return ret;
		goto flags;
	}
	/* The spectator too: nothing may be enabled without the hooks. */
	if (!vx_lsm_enabled)
		return -EOPNOTSUPP;
	if (!thread_group_empty(current))
		return -EBUSY;

	static_branch_enable(&vx_active);
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (vxi) {
		vx_mask_cred(new, vx_cap_entry_bound(vxi));
		nsp = vx_nsproxy_for(vxi);
		if (IS_ERR(nsp)) {
			ret = PTR_ERR(nsp);
			goto out_creds;
		}
		/* With VIRT_TIME, the context's clock as well. */
		ret = vx_time_prepare(vxi, nsp);
		if (ret)
			goto out_nsp;

		/* Join the task count unless the context is going away. */
		ret = vs_id_task_join(&vxi->obj);
		if (ret < 0)
			goto out_nsp;
		vx_limit_note(vxi, RLIMIT_NPROC, ret);
		vx_get_info(vxi);
	}

	WRITE_ONCE(current->vx_info, vxi);
	WRITE_ONCE(current->xid, vxi ? vx_info_xid(vxi) : VX_SPECTATOR_XID);
	if (nsp) {
		vx_time_commit(nsp);
		switch_task_namespaces(current, nsp);
	}
	commit_creds(new);
	vx_sched_migrate();

	if (old) {
		vx_tasks_dec(old);
		vx_put(old);
	}
	if (!vxi)
		return 0;
flags:
	if (mflags & VXM_SET_INIT)
		vx_set_init(vxi);
	if (mflags & VXM_SET_REAPER)
		vx_set_reaper();
	return 0;

out_nsp:
	put_nsproxy(nsp);
out_creds:
	abort_creds(new);
	return ret;
}

/*
 * The spectator shortcut of ctx_migrate (id 1): no further checks,
 * returns 1.  A guest still in setup holds CAP_CONTEXT, but must not
 * leave its context this way: it would then see every task.
 */
long vc_ctx_migrate_spectator(void)
{
	int ret;

	if (vx_task_info(current))
		return -EPERM;
	ret = vx_migrate(NULL, 0);

	return ret ? ret : 1;
}

static int vc_copy_flagword(const struct vc_call *call, u64 *word)
{
	struct vcmd_ctx_create arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	*word = arg.flagword;
	return 0;
}

long vc_ctx_migrate(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	u64 mflags = 0;
	int ret;

	if (VC_VERSION(call->cmd) >= 1) {
		ret = vc_copy_flagword(call, &mflags);
		if (ret)
			return ret;
		if (mflags & ~(VXM_SET_INIT | VXM_SET_REAPER))
			return -EINVAL;
	}
	if ((READ_ONCE(vxi->flags) & (VXF_INFO_PRIVATE | VXF_STATE_SETUP)) ==
	    VXF_INFO_PRIVATE)
		return -EACCES;
	return vx_migrate(vxi, mflags);
}

/* ---- creation --------------------------------------------------------- */

/* How often a dynamic create tries again when its id was taken meanwhile. */
#define VX_DYNAMIC_TRIES	8

long vc_ctx_create(const struct vc_call *call)
{
	bool dynamic = call->id == VX_ID_DYNAMIC;
	unsigned int tries = VX_DYNAMIC_TRIES;
	struct vx_info *vxi;
	u64 flags = VXF_INIT_SET;
	u32 xid = call->id;
	int ret;

	if (VC_VERSION(call->cmd) >= 1) {
		ret = vc_copy_flagword(call, &flags);
		if (ret)
			return ret;
	}
	if (!dynamic && (xid < VX_ID_MIN_STATIC || xid > VX_ID_MAX))
		return -EINVAL;
	if (flags & ~VXF_VALID)
		return -EINVAL;
	/* Without the isolation hooks a context would isolate nothing. */
	if (!vx_lsm_enabled)
		return -EOPNOTSUPP;
	/* Contexts do not nest: only the host creates them. */
	if (vx_current_xid() != VX_HOST_XID)
		return -EPERM;
	if (!thread_group_empty(current))
		return -EBUSY;

again:
	if (dynamic) {
		xid = vs_id_dynamic(&vx_ids);
		if (!xid)
			return -EAGAIN;
	}
	/* The helper may sleep and call us: no lock, nothing hashed yet. */
	if ((flags & VXF_SC_HELPER) &&
	    vx_helper_event(VX_HELPER_STARTUP, xid))
		return -ENOEXEC;

	vxi = vx_alloc(xid, flags);
	if (IS_ERR(vxi))
		return PTR_ERR(vxi);
	/* The hash keeps the creation reference. */
	ret = vs_id_hash_new(&vxi->obj);
	if (ret) {
		vx_put(vxi);
		/* Another create took the dynamic id first: pick again. */
		if (dynamic && --tries)
			goto again;
		return dynamic ? -EAGAIN : ret;
	}

	/*
	 * No task is inside yet.  A failed migration leaves an idle
	 * context; unhash it again unless it is persistent.
	 */
	ret = vx_migrate(vxi, 0);
	if (ret) {
		vs_id_drop_if_idle(&vxi->obj);
		return ret;
	}
	return xid;
}

/* ---- queries ---------------------------------------------------------- */

long vc_task_xid(const struct vc_call *call)
{
	struct task_struct *p;
	long ret = -ESRCH;

	if (!call->id)
		return vx_current_xid();
	if ((int)call->id < 0)
		return -ESRCH;

	/*
	 * Global pids: the host administers every task, whatever pid
	 * namespace the caller itself lives in.  A guest (in setup) still
	 * learns nothing about tasks it cannot see.
	 */
	rcu_read_lock();
	p = find_task_by_pid_ns(call->id, &init_pid_ns);
	if (p && (!vx_is_guest_xid(vx_current_xid()) || vx_task_visible(p)))
		ret = vx_task_xid(p);
	rcu_read_unlock();
	return ret;
}

long vc_vx_info(const struct vc_call *call)
{
	struct vcmd_vx_info_v0 arg = {
		.xid		= vx_info_xid(call->vxi),
		.initpid	= READ_ONCE(call->vxi->initpid),
	};

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

long vc_ctx_stat(const struct vc_call *call)
{
	struct vcmd_ctx_stat_v0 arg = {
		.usecnt	= refcount_read(&call->vxi->obj.usecnt),
		.tasks	= atomic_read(&call->vxi->obj.tasks),
	};

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/* The {value, mask} pairs all share one layout. */
static int vc_get_pair(const struct vc_call *call, u64 value, u64 mask)
{
	struct vcmd_ctx_flags_v0 arg = { .flagword = value, .mask = mask };

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int vc_read_pair(const struct vc_call *call, u64 *value, u64 *mask)
{
	struct vcmd_ctx_flags_v0 arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	*value = arg.flagword;
	*mask = arg.mask;
	return 0;
}

static u64 vx_apply_mask(u64 old, u64 value, u64 mask)
{
	return (old & ~mask) | (value & mask);
}

long vc_get_cflags(const struct vc_call *call)
{
	u64 flags = READ_ONCE(call->vxi->flags);

	/* One-time bits that are already cleared can never change again. */
	return vc_get_pair(call, flags, ~(VXF_ONE_TIME & ~flags));
}

long vc_set_cflags(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	bool own = vx_task_info(current) == vxi;
	unsigned int drop = 0;
	bool took_init = false;
	u64 value, mask, old, new;
	int ret;

	ret = vc_read_pair(call, &value, &mask);
	if (ret)
		return ret;
	if (value & mask & ~VXF_VALID)
		return -EINVAL;
	mask &= VXF_VALID;

	spin_lock(&vx_ids.lock);
	if (!vxi->obj.hashed) {
		spin_unlock(&vx_ids.lock);
		return -ESRCH;
	}
	spin_lock(&vxi->lock);
	old = vxi->flags;
	/* A one-time bit may only go from set to clear. */
	mask &= ~(VXF_ONE_TIME & ~old);
	new = (vx_apply_mask(old, value, mask) & ~VXF_ONE_TIME) |
	      (old & VXF_ONE_TIME & (value | ~mask));
	/* From inside: no restriction dropped, no grant taken. */
	if (own && ((old & ~new & VX_CFLAGS_RESTRICT) ||
		    (new & ~old & VXF_PROLIFIC))) {
		spin_unlock(&vxi->lock);
		spin_unlock(&vx_ids.lock);
		return -EPERM;
	}
	WRITE_ONCE(vxi->flags, new);
	if (own && (old & ~new & VXF_STATE_INIT)) {
		vxi->initpid = task_tgid_nr(current);
		took_init = true;
	}
	spin_unlock(&vxi->lock);

	if ((old ^ new) & VXF_PERSISTENT)
		drop = vs_id_persistence_changed_locked(&vxi->obj);
	spin_unlock(&vx_ids.lock);

	while (drop--)
		vx_put(vxi);
	if (took_init)
		vx_set_reaper();
	if ((old ^ new) & (VXF_SCHED_HARD | VXF_SCHED_PRIO | VXF_SCHED_PAUSE))
		vx_sched_flags(vxi);
	/*
	 * A task of the context (in setup) enters its clock here, as in
	 * util-vserver's chain (vattribute, then vcontext --endsetup).
	 */
	if (own) {
		ret = vx_time_enter(vxi);
		if (ret)
			return ret;
	}
	/* Leaving setup takes CAP_CONTEXT from every task inside. */
	if (old & ~new & VXF_STATE_SETUP) {
		vx_remask_tasks(vxi);
		if (own)
			return vx_remask_current();
	}
	return 0;
}

/*
 * A {value, mask} set command on one plain word of the context; setting
 * a bit outside @valid is -EINVAL.
 * Locking: vxi->lock orders the read-modify-write against other setters;
 * readers use READ_ONCE and need no lock.
 */
static int vc_set_word(const struct vc_call *call, u64 *word, u64 valid)
{
	struct vx_info *vxi = call->vxi;
	u64 value, mask;
	int ret;

	ret = vc_read_pair(call, &value, &mask);
	if (ret)
		return ret;
	if (value & mask & ~valid)
		return -EINVAL;
	spin_lock(&vxi->lock);
	WRITE_ONCE(*word, vx_apply_mask(*word, value, mask));
	spin_unlock(&vxi->lock);
	return 0;
}

long vc_get_ccaps(const struct vc_call *call)
{
	return vc_get_pair(call, READ_ONCE(call->vxi->ccaps), ~0ULL);
}

long vc_set_ccaps(const struct vc_call *call)
{
	return vc_set_word(call, &call->vxi->ccaps, VXC_VALID);
}

long vc_get_bcaps(const struct vc_call *call)
{
	return vc_get_pair(call, READ_ONCE(call->vxi->bcaps), ~0ULL);
}

/*
 * Bits beyond the kernel's capabilities and CAP_CONTEXT are dropped.  A
 * task inside the context can only lower its bound (bits it would add
 * are dropped).  When it shrinks past setup, every task of the context
 * masks its credentials again (task_work); the capable() hook holds them
 * to the new bound until then.  In setup the bound is not applied yet:
 * the end of setup does it.
 */
long vc_set_bcaps(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	bool own = vx_inside(vxi), setup;
	u64 value, mask, old, new;
	int ret;

	ret = vc_read_pair(call, &value, &mask);
	if (ret)
		return ret;
	spin_lock(&vxi->lock);
	old = vxi->bcaps;
	new = vx_apply_mask(old, value, mask) & VX_BCAPS_ALL;
	if (own)
		new &= old;
	WRITE_ONCE(vxi->bcaps, new);
	setup = vxi->flags & VXF_STATE_SETUP;
	spin_unlock(&vxi->lock);

	if (!(old & ~new) || setup)
		return 0;
	vx_remask_tasks(vxi);
	return own ? vx_remask_current() : 0;
}

long vc_get_umask(const struct vc_call *call)
{
	return vc_get_pair(call, READ_ONCE(call->vxi->umask), ~0ULL);
}

long vc_set_umask(const struct vc_call *call)
{
	return vc_set_word(call, &call->vxi->umask, ~0ULL);
}

long vc_get_wmask(const struct vc_call *call)
{
	return vc_get_pair(call, READ_ONCE(call->vxi->wmask), ~0ULL);
}

long vc_set_wmask(const struct vc_call *call)
{
	return vc_set_word(call, &call->vxi->wmask, ~0ULL);
}

/* ---- visibility ------------------------------------------------------- */

/*
 * A task found by a user-supplied pid: visible as in /proc, and also to
 * its parent, so that a host shell can still wait for a child that moved
 * into a guest (signals across contexts stay refused by the LSM).
 * Called under RCU or with tasklist_lock held (kill_something_info).
 */
bool __vx_lookup_visible(struct task_struct *p)
{
	struct task_struct *parent;

	if (vx_xid_visible(vx_current_xid(), vx_task_xid(p)))
		return true;
	parent = rcu_dereference_check(p->real_parent,
				       lockdep_tasklist_lock_is_held());
	return same_thread_group(parent, current);
}

/*
 * find_vpid(): hide a pid whose task the caller may not see.  A pid with
 * no task any more (an empty process group) stays as it is.
 */
struct pid *vx_pid_visible(struct pid *pid)
{
	struct task_struct *p;
	enum pid_type type;

	if (!pid || !static_branch_unlikely(&vx_active))
		return pid;
	for (type = PIDTYPE_PID; type < PIDTYPE_MAX; type++) {
		p = pid_task(pid, type);
		if (p)
			return __vx_lookup_visible(p) ? pid : NULL;
	}
	return pid;
}

/* ---- fake init -------------------------------------------------------- */

static pid_t vx_fake_initpid(void)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vx_info_flags(vxi, VXF_INFO_INIT))
		return 0;
	return READ_ONCE(vxi->initpid);
}

/*
 * __vx_map_pid_nr - the pid number the caller sees for global pid @nr
 *
 * With INFO_INIT, the context's init shows as pid 1 inside the context.
 * The inline vx_map_pid_nr() has answered for the host already.
 */
pid_t __vx_map_pid_nr(pid_t nr)
{
	pid_t init = vx_fake_initpid();

	return (init && nr == init) ? 1 : nr;
}

/* The global pid the caller means by @nr (pid 1: its init). */
pid_t __vx_unmap_pid_nr(pid_t nr)
{
	pid_t init = vx_fake_initpid();

	return (init && nr == 1) ? init : nr;
}

/*
 * __vx_map_parent_nr - the number the caller sees for its parent @parent
 * @parent:	the parent (RCU held by the caller)
 * @nr:		its tgid as the kernel computed it, 0 if none
 *
 * A parent the caller cannot see (the host task that started a guest's
 * init) shows as 0, as a parent outside one's pid namespace does; the
 * context's init shows as 1.
 */
pid_t __vx_map_parent_nr(struct task_struct *parent, pid_t nr)
{
	if (!nr || !vx_xid_visible(vx_current_xid(), vx_task_xid(parent)))
		return 0;
	return vx_task_info(current) ? __vx_map_pid_nr(nr) : nr;
}

/**
 * vx_getppid - getppid(2) for a caller or parent in a context
 * @parent:	current's parent (RCU held by the caller)
 */
pid_t vx_getppid(struct task_struct *parent)
{
	return __vx_map_parent_nr(parent, task_tgid_vnr(parent));
}

/**
 * vx_map_ppid - the parent pid the caller sees for @p
 * @p:	a task (pinned by the caller)
 * @nr:	its parent's tgid as the kernel computed it, 0 if none
 */
pid_t vx_map_ppid(struct task_struct *p, pid_t nr)
{
	if (!nr || !static_branch_unlikely(&vx_active))
		return nr;
	rcu_read_lock();
	if (pid_alive(p))
		nr = __vx_map_parent_nr(rcu_dereference(p->real_parent), nr);
	rcu_read_unlock();
	return nr;
}
