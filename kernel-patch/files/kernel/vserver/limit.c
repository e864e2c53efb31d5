// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer per-context limits.
 *
 * A context's tasks share its limits, whatever their users and their own
 * rlimits: one guest cannot take more than the host gave it.  Two kinds
 * of limit are kept:
 *
 * Counted as they change (->cur), charged to the object's recorded
 * owner and uncharged from it when the object goes away:
 *
 *  - NOFILE, the open files (struct file): charged at allocation to the
 *    context of the opening task, remembered in the file's security blob,
 *    uncharged when the file is freed; one past the limit is -EMFILE.
 *  - NSOCK, the sockets with a file (socket, socketpair, accept): charged
 *    to the socket file's context when the file is made (sock_alloc_file),
 *    uncharged with the file; one past the limit is -ENFILE.
 *  - LOCKS, the file locks (flock, POSIX, OFD, leases) on the inodes'
 *    lists: charged to the context of the lock's file when the lock is
 *    inserted, uncharged when it is unlinked; a flock or POSIX lock that
 *    would add locks past the limit fails with -ENOLCK (an unlock never
 *    fails: splitting a lock in two may pass the limit by one).
 *  - MSGQUEUE, the bytes of POSIX message queues as RLIMIT_MSGQUEUE counts
 *    them (messages' room plus their bookkeeping): charged to the creator's
 *    context in mq_open, kept in the queue, uncharged when the queue is
 *    freed; past the limit mq_open fails with -EMFILE.
 *  - SHMEM, the pages of SysV shared memory segments: charged to the
 *    creator's context in shmget, kept in the segment, uncharged when it
 *    is destroyed; past the limit shmget fails with -ENOMEM.
 *  - SEMARY and NSEMS (accounted only), SysV semaphore arrays and their
 *    semaphores: charged to the creator's context in semget, kept in the
 *    array, given back when it is removed.
 *
 * Taken from the tasks when asked (no counter to drift):
 *
 *  - NPROC, the tasks (threads) of the context: the context's task count.
 *    A fork charges the child at task_alloc, atomically, and fails with
 *    -EAGAIN if that would pass the limit (as the pids cgroup does); a
 *    fork that fails later gives the charge back (vx_nproc_cancel()), a
 *    task that lived gives it back when it is released.  Tasks migrating
 *    in are counted without a check.
 *  - AS (VM), ANON, MEMLOCK (VML), RSS and OPENFD (OFD), summed over the
 *    context's processes (thread-group leaders): total_vm, anonymous
 *    resident pages, locked_vm, resident pages and open descriptors.
 *    Only a context *with* the limit walks its tasks before an operation:
 *    a mapping that grows the address space past AS fails with -ENOMEM
 *    (may_expand_vm()), as does a new or growing private writable mapping
 *    (mmap, brk, mremap) while the anonymous pages are already past ANON
 *    (a mapping's size says nothing about the pages it will fill, so the
 *    last one granted may overshoot by its size); an
 *    mlock, mlockall(MCL_CURRENT) or MAP_LOCKED mapping past MEMLOCK fails
 *    with -ENOMEM (-EAGAIN for mmap, as RLIMIT_MEMLOCK does); a new
 *    descriptor past OPENFD (open, socket, pipe, dup, dup2 onto a free
 *    slot, fcntl F_DUPFD, SCM_RIGHTS) fails with -EMFILE.  Pages faulted
 *    into existing mappings are never refused (that needs a memory
 *    cgroup).  A vfork child, or processes sharing their descriptor table
 *    (CLONE_FILES without CLONE_THREAD), count the shared part twice.
 *
 * MAPPED (RMAP, file-backed resident pages) is summed the same way and
 * accounted only.  DENTRY (accounted only) counts the dentries allocated
 * by the context's tasks, from their allocation to their kill, where the
 * dcache counts nr_dentry; a dentry remembers its context by id.
 *
 * RSS is never enforced; its hard limit is what a guest with VIRT_MEM
 * sees as its memory size (cvirt.c).
 *
 * Every refusal counts a hit.  The watermarks follow every change of the
 * value; reset_minmax sets both to the current value, reset_hits clears
 * the hits.  The commands (get/set_rlimit, get_rlimit_mask, rlimit_stat,
 * reset_hits, reset_minmax) and /proc/virtual/<xid>/limit report them;
 * ids that are not counted report 0 and no limit, and are -EINVAL for the
 * commands.
 *
 * Locking: see include/linux/vserver/limit.h.
 */

#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/limit.h>
#include <linux/vserver/switch.h>

/**
 * vx_nproc_attached - the fork of @task can no longer fail
 *
 * Returns true if @task was counted at task_alloc (its count now stays
 * until release_task()), false if it still has to be counted.
 */
bool vx_nproc_attached(struct task_struct *task)
{
	if (!task->vx_nproc)
		return false;
	task->vx_nproc = false;
	return true;
}

/* The ids /proc/virtual/<xid>/limit lists, in the ABI's order. */
static const struct {
	const char *name;
	unsigned int id;
} vx_limit_rows[] = {
	{ "PROC",  RLIMIT_NPROC },
	{ "VM",    RLIMIT_AS },
	{ "VML",   RLIMIT_MEMLOCK },
	{ "RSS",   RLIMIT_RSS },
	{ "ANON",  VLIMIT_ANON },
	{ "RMAP",  VLIMIT_MAPPED },
	{ "FILES", RLIMIT_NOFILE },
	{ "OFD",   VLIMIT_OPENFD },
	{ "LOCKS", RLIMIT_LOCKS },
	{ "SOCK",  VLIMIT_NSOCK },
	{ "MSGQ",  RLIMIT_MSGQUEUE },
	{ "SHM",   VLIMIT_SHMEM },
	{ "SEMA",  VLIMIT_SEMARY },
	{ "SEMS",  VLIMIT_NSEMS },
	{ "DENT",  VLIMIT_DENTRY },
};

static bool vx_limit_supported(u32 id)
{
	return id < NUM_LIMITS && (VX_LIMIT_SUPPORTED & BIT(id));
}

/* Is @id counted at all (limited or accounted only)? */
static bool vx_limit_counted(u32 id)
{
	return id < NUM_LIMITS &&
	       ((VX_LIMIT_SUPPORTED | VX_LIMIT_ACCOUNTED) & BIT(id));
}

void vx_limit_init(struct vx_info *vxi)
{
	unsigned int id;

	for (id = 0; id < NUM_LIMITS; id++) {
		struct vx_limit *l = &vxi->limits[id];

		atomic_long_set(&l->cur, 0);
		atomic_long_set(&l->min, 0);
		atomic_long_set(&l->max, 0);
		l->soft = VX_LIMIT_NONE;
		l->hard = VX_LIMIT_NONE;
		atomic_set(&l->hits, 0);
	}
}

/* The open descriptors of @p's table; called under task_lock(@p). */
static long vx_task_fds(struct task_struct *p)
{
	struct fdtable *fdt;
	long n;

	if (!p->files)
		return 0;
	rcu_read_lock();
	fdt = files_fdtable(p->files);
	n = bitmap_weight(fdt->open_fds, fdt->max_fds);
	rcu_read_unlock();
	return n;
}

/* One process's share of a walked limit; called under task_lock(@p). */
static long vx_task_value(struct task_struct *p, unsigned int id)
{
	struct mm_struct *mm = p->mm;

	if (id == VLIMIT_OPENFD)
		return vx_task_fds(p);
	if (!mm)
		return 0;
	switch (id) {
	case RLIMIT_AS:
		return READ_ONCE(mm->total_vm);
	case RLIMIT_RSS:
		return get_mm_rss(mm);
	case VLIMIT_ANON:
		return get_mm_counter(mm, MM_ANONPAGES);
	case RLIMIT_MEMLOCK:
		return READ_ONCE(mm->locked_vm);
	case VLIMIT_MAPPED:
		return get_mm_counter(mm, MM_FILEPAGES);
	}
	return 0;
}

/*
 * The sum of @id over the processes of @vxi.  Takes each task's
 * task_lock, so callers must not hold a lock that nests inside it
 * (a files_struct's file_lock, for one).
 */
static long vx_walk_value(struct vx_info *vxi, unsigned int id)
{
	struct task_struct *p;
	long sum = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (vx_task_info(p) != vxi)
			continue;
		task_lock(p);
		sum += vx_task_value(p, id);
		task_unlock(p);
	}
	rcu_read_unlock();
	return sum;
}

long vx_limit_value(struct vx_info *vxi, unsigned int id)
{
	long value;

	switch (id) {
	case RLIMIT_NPROC:
		return atomic_read(&vxi->obj.tasks);
	case RLIMIT_AS:
	case RLIMIT_RSS:
	case RLIMIT_MEMLOCK:
	case VLIMIT_ANON:
	case VLIMIT_OPENFD:
	case VLIMIT_MAPPED:
		value = vx_walk_value(vxi, id);
		vx_limit_note(vxi, id, value);
		return value;
	default:
		return atomic_long_read(&vxi->limits[id].cur);
	}
}

/* Move the watermarks of @id so that they include @value. */
void vx_limit_note(struct vx_info *vxi, unsigned int id, long value)
{
	struct vx_limit *l = &vxi->limits[id];
	long old;

	old = atomic_long_read(&l->max);
	while (value > old && !atomic_long_try_cmpxchg(&l->max, &old, value))
		;
	old = atomic_long_read(&l->min);
	while (value < old && !atomic_long_try_cmpxchg(&l->min, &old, value))
		;
}

/* The hard limit of @l as a count; no limit is LONG_MAX. */
static long vx_limit_ceiling(const struct vx_limit *l)
{
	unsigned long hard = READ_ONCE(l->hard);

	return hard > LONG_MAX ? LONG_MAX : hard;
}

/* Would @more of @id stay within the hard limit?  Counts a hit if not. */
bool vx_limit_allows(struct vx_info *vxi, unsigned int id, long more)
{
	struct vx_limit *l = &vxi->limits[id];

	if (vx_limit_value(vxi, id) + more <= vx_limit_ceiling(l))
		return true;
	atomic_inc(&l->hits);
	return false;
}

/*
 * Charge @n of @id unless that passes the hard limit (then count a hit
 * and charge nothing).  Not for NPROC, which counts itself.  @n is
 * unsigned: an amount above LONG_MAX (a 32-bit byte count, say) must be
 * refused, never added as a negative number; so is a sum that would
 * overflow the counter.
 */
bool vx_limit_charge(struct vx_info *vxi, unsigned int id, unsigned long n)
{
	struct vx_limit *l = &vxi->limits[id];
	long ceiling = vx_limit_ceiling(l), value;

	if (n > (unsigned long)ceiling)
		goto refuse;
	value = atomic_long_add_return(n, &l->cur);
	if (value > ceiling || value < 0) {
		atomic_long_sub(n, &l->cur);
		goto refuse;
	}
	vx_limit_note(vxi, id, value);
	return true;
refuse:
	atomic_inc(&l->hits);
	return false;
}

/**
 * vx_nproc_charge - count a task being forked into @vxi (NPROC)
 *
 * Called at task_alloc, in the parent, for the child's context.  Counts
 * it, unless that passes the hard limit: then a hit and false.  The
 * check and the count are one atomic step, so parallel forks never pass
 * the limit together.
 */
bool vx_nproc_charge(struct vx_info *vxi)
{
	struct vx_limit *l = &vxi->limits[RLIMIT_NPROC];
	int tasks = atomic_inc_return(&vxi->obj.tasks);

	/* PROLIFIC: the context forks past its limit. */
	if (tasks > vx_limit_ceiling(l) &&
	    !vx_info_flags(vxi, VXF_PROLIFIC)) {
		/* The parent is still counted: never the last one. */
		atomic_dec(&vxi->obj.tasks);
		atomic_inc(&l->hits);
		return false;
	}
	vx_limit_note(vxi, RLIMIT_NPROC, tasks);
	return true;
}

/* Give back a vx_nproc_charge() whose fork failed (the parent still counts). */
void vx_nproc_uncharge(struct vx_info *vxi)
{
	vx_limit_note(vxi, RLIMIT_NPROC, atomic_dec_return(&vxi->obj.tasks));
}

/* Charge @n of @id whatever the limit (when the check came earlier). */
void vx_limit_add(struct vx_info *vxi, unsigned int id, long n)
{
	vx_limit_note(vxi, id, atomic_long_add_return(n, &vxi->limits[id].cur));
}

void vx_limit_uncharge(struct vx_info *vxi, unsigned int id, long n)
{
	vx_limit_note(vxi, id, atomic_long_sub_return(n, &vxi->limits[id].cur));
}

/* ---- dentries: counted by id, without pinning the context ---------- */

/**
 * __vx_dentry_charge - count a new dentry for current's context (DENTRY)
 * @dentry:	the dentry, as __d_alloc() counts it in nr_dentry
 *
 * Accounted only.  The dentry remembers the context by xid and serial
 * rather than by reference: dentries outlive their contexts in the
 * dcache, and must not keep them allocated.
 */
void __vx_dentry_charge(struct dentry *dentry)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vxi)
		return;
	vx_limit_add(vxi, VLIMIT_DENTRY, 1);
	dentry->d_vx_serial = vxi->serial;
	dentry->d_vx_xid = vx_info_xid(vxi);
}

/*
 * Give the count back where __dentry_kill() drops nr_dentry, if the
 * context is still the one that was charged (else it has ended).
 */
void __vx_dentry_uncharge(struct dentry *dentry)
{
	struct vx_info *vxi;

	vxi = vx_lookup(dentry->d_vx_xid);
	dentry->d_vx_xid = 0;
	if (!vxi)
		return;
	if (vxi->serial == dentry->d_vx_serial)
		vx_limit_uncharge(vxi, VLIMIT_DENTRY, 1);
	vx_put(vxi);
}

/* ---- owners: objects that remember who paid ------------------------ */

void vx_owner_init(struct vx_owner *owner)
{
	owner->vxi = NULL;
}

/**
 * vx_owner_charge - charge an object to current's context
 * @owner:	the object's record, from vx_owner_init()
 * @id:		the limit
 * @n:		the amount
 *
 * False (a hit counted, nothing charged) if that would pass the hard
 * limit.  Outside a context nothing is charged.  On success @owner holds
 * a reference on the context until vx_owner_uncharge().
 */
bool vx_owner_charge(struct vx_owner *owner, unsigned int id,
		     unsigned long n)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vxi)
		return true;
	if (!vx_limit_charge(vxi, id, n))
		return false;
	vx_get_info(vxi);
	owner->vxi = vxi;
	return true;
}

/* Give back what vx_owner_charge() took; a no-op if it took nothing. */
void vx_owner_uncharge(struct vx_owner *owner, unsigned int id,
		       unsigned long n)
{
	struct vx_info *vxi = xchg(&owner->vxi, NULL);

	if (!vxi)
		return;
	vx_limit_uncharge(vxi, id, n);
	vx_put(vxi);
}

/* ---- limits walked before an operation --------------------------------- */

/* current's context if it has a hard limit for @id, else NULL. */
static struct vx_info *vx_limited(unsigned int id)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vxi || READ_ONCE(vxi->limits[id].hard) == VX_LIMIT_NONE)
		return NULL;
	return vxi;
}

/**
 * __vx_vm_may_expand - may current's context map @npages more pages?
 * @flags:	the mapping's vm_flags
 * @npages:	the growth asked for
 *
 * Called from may_expand_vm() (mm/mmap.c) for current's own mm: the AS
 * limit for any mapping; for private writable ones (whose pages become
 * anonymous) also the ANON limit, which they must not be past already.
 * True outside a context and for contexts without those limits.
 */
bool __vx_vm_may_expand(unsigned long flags, unsigned long npages)
{
	struct vx_info *vxi;

	vxi = vx_limited(RLIMIT_AS);
	if (vxi && !vx_limit_allows(vxi, RLIMIT_AS, npages))
		return false;
	if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) != VM_WRITE)
		return true;
	vxi = vx_limited(VLIMIT_ANON);
	return !vxi || vx_limit_allows(vxi, VLIMIT_ANON, 0);
}

/* Does current's context have a MEMLOCK limit (worth counting pages for)? */
bool vx_memlock_limited(void)
{
	return vx_limited(RLIMIT_MEMLOCK);
}

/* May current's context lock @npages more pages?  Counts a hit if not. */
bool vx_memlock_allows(unsigned long npages)
{
	struct vx_info *vxi = vx_limited(RLIMIT_MEMLOCK);

	return !vxi || vx_limit_allows(vxi, RLIMIT_MEMLOCK, npages);
}

/**
 * __vx_openfd_allows - may current open one more descriptor?
 * @fd:		the slot dup2() targets, or -1 for any new descriptor
 *
 * Called before the descriptor table's lock is taken (the walk takes
 * task locks, which nest outside it).  A @fd that is already open is
 * replaced, not added, and always allowed.
 */
bool __vx_openfd_allows(int fd)
{
	struct vx_info *vxi = vx_limited(VLIMIT_OPENFD);
	bool open;

	if (!vxi)
		return true;
	if (fd >= 0) {
		rcu_read_lock();
		open = files_lookup_fd_rcu(current->files, fd);
		rcu_read_unlock();
		if (open)
			return true;
	}
	return vx_limit_allows(vxi, VLIMIT_OPENFD, 1);
}

/* ---- commands --------------------------------------------------------- */

/* A limit as the ABI shows it: CRLIM_INFINITY for none. */
static u64 vx_limit_to_user(unsigned long v)
{
	return v == VX_LIMIT_NONE ? CRLIM_INFINITY : v;
}

#ifdef CONFIG_COMPAT
/* struct vcmd_ctx_rlimit_v0 as an IA-32 task lays it out (28 bytes). */
struct vcmd_ctx_rlimit_v0_x32 {
	__u32 id;
	compat_u64 minimum;
	compat_u64 softlimit;
	compat_u64 maximum;
};
#endif

static int vc_read_rlimit(const struct vc_call *call,
			  struct vcmd_ctx_rlimit_v0 *arg)
{
#ifdef CONFIG_COMPAT
	if (call->compat) {
		struct vcmd_ctx_rlimit_v0_x32 a32;

		if (copy_from_user(&a32, call->data, sizeof(a32)))
			return -EFAULT;
		arg->id = a32.id;
		arg->minimum = a32.minimum;
		arg->softlimit = a32.softlimit;
		arg->maximum = a32.maximum;
		return 0;
	}
#endif
	if (copy_from_user(arg, call->data, sizeof(*arg)))
		return -EFAULT;
	return 0;
}

static int vc_write_rlimit(const struct vc_call *call,
			   const struct vcmd_ctx_rlimit_v0 *arg)
{
#ifdef CONFIG_COMPAT
	if (call->compat) {
		struct vcmd_ctx_rlimit_v0_x32 a32 = {
			.id		= arg->id,
			.minimum	= arg->minimum,
			.softlimit	= arg->softlimit,
			.maximum	= arg->maximum,
		};

		return copy_to_user(call->data, &a32, sizeof(a32)) ? -EFAULT : 0;
	}
#endif
	return copy_to_user(call->data, arg, sizeof(*arg)) ? -EFAULT : 0;
}

long vc_get_rlimit(const struct vc_call *call)
{
	struct vcmd_ctx_rlimit_v0 arg;
	struct vx_limit *l;
	int ret;

	ret = vc_read_rlimit(call, &arg);
	if (ret)
		return ret;
	if (!vx_limit_supported(arg.id))
		return -EINVAL;
	l = &call->vxi->limits[array_index_nospec(arg.id, NUM_LIMITS)];
	arg.minimum = CRLIM_UNSET;
	arg.softlimit = vx_limit_to_user(READ_ONCE(l->soft));
	arg.maximum = vx_limit_to_user(READ_ONCE(l->hard));
	return vc_write_rlimit(call, &arg);
}

/* A value from the caller: CRLIM_KEEP keeps @old, huge values mean none. */
static unsigned long vx_limit_from_user(u64 v, unsigned long old)
{
	if (v == CRLIM_KEEP)
		return old;
	if (v >= VX_LIMIT_NONE)
		return VX_LIMIT_NONE;
	return v;
}

/*
 * From inside its context (a guest in setup) a caller may only lower a
 * limit: a soft or hard limit above the present one is -EPERM.
 */
long vc_set_rlimit(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	bool inside = vx_task_info(current) == vxi;
	struct vcmd_ctx_rlimit_v0 arg;
	struct vx_limit *l;
	unsigned long soft, hard;
	int ret = 0;

	ret = vc_read_rlimit(call, &arg);
	if (ret)
		return ret;
	if (!vx_limit_supported(arg.id))
		return -EINVAL;
	l = &vxi->limits[array_index_nospec(arg.id, NUM_LIMITS)];

	spin_lock(&vxi->lock);
	hard = vx_limit_from_user(arg.maximum, l->hard);
	soft = min(vx_limit_from_user(arg.softlimit, l->soft), hard);
	if (inside && (hard > l->hard || soft > l->soft)) {
		ret = -EPERM;
	} else {
		WRITE_ONCE(l->hard, hard);
		WRITE_ONCE(l->soft, soft);
	}
	spin_unlock(&vxi->lock);
	return ret;
}

long vc_get_rlimit_mask(const struct vc_call *call)
{
	struct vcmd_ctx_rlimit_mask_v0 mask = {
		.minimum	= 0,
		.softlimit	= VX_LIMIT_SUPPORTED,
		.maximum	= VX_LIMIT_SUPPORTED,
	};

	if (copy_to_user(call->data, &mask, sizeof(mask)))
		return -EFAULT;
	return 0;
}

long vc_rlimit_stat(const struct vc_call *call)
{
	struct vcmd_rlimit_stat_v0 arg;
	struct vx_limit *l;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (!vx_limit_counted(arg.id))
		return -EINVAL;
	arg.id = array_index_nospec(arg.id, NUM_LIMITS);
	l = &call->vxi->limits[arg.id];
	arg.hits = atomic_read(&l->hits);
	arg.value = vx_limit_value(call->vxi, arg.id);
	arg.minimum = atomic_long_read(&l->min);
	arg.maximum = atomic_long_read(&l->max);
	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

long vc_reset_hits(const struct vc_call *call)
{
	unsigned int id;

	for (id = 0; id < NUM_LIMITS; id++)
		atomic_set(&call->vxi->limits[id].hits, 0);
	return 0;
}

long vc_reset_minmax(const struct vc_call *call)
{
	unsigned int id;

	for (id = 0; id < NUM_LIMITS; id++) {
		struct vx_limit *l = &call->vxi->limits[id];
		long value = vx_limit_counted(id) ?
			     vx_limit_value(call->vxi, id) : 0;

		atomic_long_set(&l->min, value);
		atomic_long_set(&l->max, value);
	}
	return 0;
}

/* ---- /proc/virtual/<xid>/limit ---------------------------------------- */

/* Limits print as numbers, none as -1. */
static long long vx_limit_show_value(unsigned long v)
{
	return v == VX_LIMIT_NONE ? -1LL : (long long)v;
}

void vx_limit_proc_show(struct seq_file *m, struct vx_info *vxi)
{
	unsigned int i;

	seq_puts(m, "Limit\t current\t     min/max\t\t    soft/hard\t\thits\n");
	for (i = 0; i < ARRAY_SIZE(vx_limit_rows); i++) {
		unsigned int id = vx_limit_rows[i].id;
		struct vx_limit *l = &vxi->limits[id];
		bool counted = vx_limit_counted(id);

		seq_printf(m, "%s:\t%8ld\t%8ld/%8ld\t%8lld/%8lld\t%6d\n",
			   vx_limit_rows[i].name,
			   counted ? vx_limit_value(vxi, id) : 0L,
			   atomic_long_read(&l->min), atomic_long_read(&l->max),
			   vx_limit_show_value(READ_ONCE(l->soft)),
			   vx_limit_show_value(READ_ONCE(l->hard)),
			   atomic_read(&l->hits));
	}
}
