/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer security contexts (kernel side).
 *
 * Every task carries a context id, its xid.  The host is xid 0, the
 * spectator xid 1, guests 2..65535.  A guest task also points at the
 * context object, struct vx_info, which holds the guest's flags,
 * capabilities and names.  The host and the spectator have no object.
 *
 * A task inherits xid and context of its parent at fork and keeps both
 * across exec.  Only a task itself changes them (ctx_create, ctx_migrate).
 *
 * Locking: a task writes its own ->xid and ->vx_info with WRITE_ONCE();
 * other tasks read them with READ_ONCE() while they hold a reference to
 * the task or sit inside an RCU read-side section that found it.  Context
 * objects are freed by RCU, so a pointer read under rcu_read_lock() stays
 * valid until rcu_read_unlock().
 */
#ifndef _LINUX_VSERVER_CONTEXT_H
#define _LINUX_VSERVER_CONTEXT_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vserver/cacct.h>
#include <linux/vserver/idtable.h>
#include <linux/vserver/limit.h>
#include <linux/vserver/sched.h>
#include <linux/vserver/space.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <vserver/context.h>
#include <vserver/cvirt.h>

/* The host context, and the spectator that sees every process. */
#define VX_HOST_XID		0
#define VX_SPECTATOR_XID	1

struct uts_namespace;
struct ctl_table;
struct pid;
struct pid_namespace;
struct seq_file;
struct timespec64;
struct kernel_cpustat;
struct nsproxy;

#ifdef CONFIG_VSERVER

/**
 * struct vx_info - one security context
 * @obj:	its entry in vx_ids: the xid (2..65535, vx_info_xid()),
 *		references, task count, whether it is hashed
 *		(include/linux/vserver/idtable.h; PERSISTENT keeps it)
 * @serial:	unique per allocation
 * @lock:	protects the settings below
 * @flags:	VXF_* flag word
 * @ccaps:	VXC_* context capabilities
 * @bcaps:	bound on the POSIX capabilities of the context's tasks
 * @umask:	CLONE_* bits the guest may unshare (stored only)
 * @wmask:	denials to log (stored only)
 * @initpid:	global pid of the context's init, 0 if none
 * @name:	VHIN_CONTEXT label
 * @uts_ns:	the context's own UTS namespace, also slot 0's saved one
 *		once set_space saved a UTS namespace there; changes under
 *		@lock, read it with vx_get_uts_ns()
 * @space_mutex: guards @space (kernel/vserver/space.c)
 * @space:	the space slots (saved namespaces, set/enter_space)
 * @free_work:	frees a context whose slots hold namespaces (may sleep)
 * @exit_wq:	wait_exit sleeps here until the context is unhashed
 * @exit_code:	exit code of the last task that left
 * @reboot_cmd:	reboot(2) cmd recorded for wait_exit (0: none)
 * @bias_uptime: boot-clock time of creation (ns), the guest's uptime zero
 * @bias_idle:	summed CPU idle time at creation (ns)
 * @bias_mono:	monotonic-clock time of creation (ns), VIRT_TIME's zero
 * @time_ns:	VIRT_TIME's time namespace, made on first use (set once,
 *		with cmpxchg; kernel/vserver/cvirt.c)
 * @cpustat:	the CPU time of the context's tasks, per CPU and kind, as
 *		kernel_cpustat counts the machine's (VIRT_CPU)
 * @forks:	tasks created inside since creation
 * @load_last:	jiffies of the last load-average update (under @lock)
 * @avenrun:	the context's load average, fixed point (under @lock)
 * @load_updates: load-average updates so far (under @lock)
 * @helper_busy: bit 0 set while a vshelper run for the context is going
 * @limits:	per-id counters and limits (include/linux/vserver/limit.h)
 * @cacct:	socket accounting (include/linux/vserver/cacct.h)
 * @sched:	CPU scheduler (include/linux/vserver/sched.h)
 *
 * Locking: @lock nests inside vx_ids.lock.  @flags may be tested
 * without the lock with READ_ONCE(); every change takes @lock, and
 * changes of PERSISTENT or of @obj.hashed also take vx_ids.lock.
 */
struct vx_info {
	struct vs_id		obj;
	u32			serial;

	spinlock_t		lock;		/* protects the settings below */
	u64			flags;
	u64			ccaps;
	u64			bcaps;
	u64			umask;
	u64			wmask;
	pid_t			initpid;
	char			name[VHI_NAME_LEN];

	struct uts_namespace	*uts_ns;
	struct mutex		space_mutex;
	struct vx_space		space[VX_SPACES];
	struct work_struct	free_work;

	wait_queue_head_t	exit_wq;
	int			exit_code;
	int			reboot_cmd;

	u64			bias_uptime;
	u64			bias_idle;
	u64			bias_mono;
	struct time_namespace	*time_ns;
	struct kernel_cpustat __percpu *cpustat;
	atomic_t		forks;
	unsigned long		load_last;
	unsigned long		avenrun[3];
	unsigned int		load_updates;
	unsigned long		helper_busy;

	struct vx_limit		limits[NUM_LIMITS];
	struct vx_cacct		cacct;
	struct vx_sched		sched;
};

/* Contexts by xid (kernel/vserver/context.c). */
extern struct vs_id_table vx_ids;

static inline u32 vx_info_xid(const struct vx_info *vxi)
{
	return vxi->obj.id;
}

static inline u32 vx_task_xid(const struct task_struct *p)
{
	return READ_ONCE(p->xid);
}

static inline struct vx_info *vx_task_info(const struct task_struct *p)
{
	return READ_ONCE(p->vx_info);
}

static inline bool vx_info_flags(const struct vx_info *vxi, u64 flags)
{
	return vxi && (READ_ONCE(vxi->flags) & flags);
}

static inline bool vx_info_ccaps(const struct vx_info *vxi, u64 ccaps)
{
	return vxi && (READ_ONCE(vxi->ccaps) & ccaps);
}

/* Is @xid a guest (neither the host nor the spectator)? */
static inline bool vx_is_guest_xid(u32 xid)
{
	return xid > VX_SPECTATOR_XID;
}

/**
 * vx_xid_visible - may a task of context @viewer see one of @xid?
 *
 * The spectator sees every task; the host and each guest see only tasks
 * of their own context (ABI 6.5).
 */
static inline bool vx_xid_visible(u32 viewer, u32 xid)
{
	return viewer == VX_SPECTATOR_XID || viewer == xid;
}

/*
 * Off until the first task leaves the host context (ctx_create or the
 * spectator), so the host pays nothing for the hooks before that.
 */
DECLARE_STATIC_KEY_FALSE(vx_active);

static inline bool vx_task_visible(const struct task_struct *p)
{
	if (!static_branch_unlikely(&vx_active))
		return true;
	return vx_xid_visible(vx_task_xid(current), vx_task_xid(p));
}

/* The same for a task found through a user-supplied pid. */
bool __vx_lookup_visible(struct task_struct *p);

static inline bool vx_lookup_visible(struct task_struct *p)
{
	if (!static_branch_unlikely(&vx_active))
		return true;
	return __vx_lookup_visible(p);
}

struct pid *vx_pid_visible(struct pid *pid);

/* Set by security/vserver once its hooks are in place. */
#ifdef CONFIG_SECURITY_VSERVER
extern bool vx_lsm_enabled;
#else
#define vx_lsm_enabled false
#endif

struct cred;
void vx_bound_cred(struct cred *new);
bool vx_cap_allowed(struct vx_info *vxi, int cap);

struct vx_info *vx_lookup(u32 xid);
void vx_put(struct vx_info *vxi);

/* One more reference; the caller already holds one (or RCU and a count). */
static inline void vx_get_info(struct vx_info *vxi)
{
	vs_id_get(&vxi->obj);
}

/* Task lifecycle, called from kernel/fork.c and kernel/exit.c. */
void vx_task_fork(struct task_struct *p);
void vx_task_attach(struct task_struct *p);
void vx_task_release(struct task_struct *p);
void vx_task_free(struct task_struct *p);

/*
 * Fake init: pid numbers as a task of the current context sees them.
 * getpid(), gettid() and getppid() call these on every host task, so the
 * host's answer is decided inline: nothing to map before the first
 * context exists, nor for a caller outside any context (only a context
 * has an init to show as 1).
 */
pid_t __vx_map_pid_nr(pid_t nr);
pid_t __vx_unmap_pid_nr(pid_t nr);
pid_t __vx_map_parent_nr(struct task_struct *parent, pid_t nr);
pid_t vx_map_ppid(struct task_struct *p, pid_t nr);

static inline pid_t vx_map_pid_nr(pid_t nr)
{
	if (!static_branch_unlikely(&vx_active) || !vx_task_info(current))
		return nr;
	return __vx_map_pid_nr(nr);
}

static inline pid_t vx_unmap_pid_nr(pid_t nr)
{
	if (!static_branch_unlikely(&vx_active) || !vx_task_info(current))
		return nr;
	return __vx_unmap_pid_nr(nr);
}

/*
 * getppid(2): must the number of @parent, current's parent (RCU held),
 * be mapped (vx_getppid()) because either is in a context?  Until a
 * context has existed this is a patched-out jump and the syscall runs
 * mainline's code; after, a host task with a host parent pays a test of
 * the two xids.  The test comes before mainline's call, so no value has
 * to live across it (a version that mapped mainline's answer afterwards
 * kept the parent in a callee-saved register on every host call).
 */
static inline bool vx_getppid_mapped(struct task_struct *parent)
{
	return static_branch_unlikely(&vx_active) &&
	       (vx_task_xid(current) | vx_task_xid(parent));
}

pid_t vx_getppid(struct task_struct *parent);

/* Does a context capability let guest root do what POSIX caps would? */
bool vx_ccap_grants(u64 ccap);

/* The uts rule for sethostname/setdomainname and their sysctls. */
bool vx_uts_capable(void);
bool vx_sysctl_write_allowed(const struct ctl_table *table);

/* Virtual clock and kernel helper (kernel/vserver/cvirt.c, helper.c). */
int vx_cvirt_init(struct vx_info *vxi);
void vx_cvirt_free(struct vx_info *vxi);
void vx_vuptime(struct timespec64 *uptime, u64 *idle_ns);
void vx_vstart_time(u64 *ns);
int vx_time_prepare(struct vx_info *vxi, struct nsproxy *nsp);
void vx_time_commit(struct nsproxy *nsp);
int vx_time_enter(struct vx_info *vxi);

/* VIRT_CPU (cvirt.c): the context's CPU time, kept per CPU and kind. */
void __vx_account_cputime(struct vx_info *vxi, int index, u64 delta);

/*
 * Called where the scheduler adds a task's CPU time to kernel_cpustat
 * (task_group_account_field()); the host's tasks pay one static branch.
 */
static inline void vx_account_cputime(struct task_struct *p, int index,
				      u64 delta)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return;
	vxi = vx_task_info(p);
	if (vxi)
		__vx_account_cputime(vxi, index, delta);
}

bool __vx_vcpustat(struct kernel_cpustat *kcs, int cpu);

/*
 * /proc/stat: fill @kcs with @cpu's times as a reader in a context with
 * VIRT_CPU sees them (idle and iowait included); false for everyone else.
 */
static inline bool vx_vcpustat(struct kernel_cpustat *kcs, int cpu)
{
	if (!static_branch_unlikely(&vx_active))
		return false;
	return __vx_vcpustat(kcs, cpu);
}

void vx_vstat(struct timespec64 *btime, unsigned long *forks,
	      unsigned int *running, unsigned int *blocked);
void vx_vloadavg(unsigned long *avnrun, unsigned int *running, int *threads);
struct sysinfo;
void vx_vmeminfo(struct sysinfo *si, long *available);
int vx_reboot(unsigned int cmd, void __user *arg);
void vx_kill_context(struct vx_info *vxi);

/* vshelper events (helper.c), numbered as their VS_CMD (ABI §7). */
#define VX_HELPER_STARTUP	1
#define VX_HELPER_SHUTDOWN	2
#define VX_HELPER_NETUP		3
#define VX_HELPER_NETDOWN	4
int vx_helper_event(unsigned int event, u32 id);
void vx_helper_event_async(unsigned int event, u32 id);

/* /proc/<pid>/status lines and /proc/<pid>/vinfo (kernel/vserver/proc.c). */
void vx_proc_pid_status(struct seq_file *m, struct task_struct *p);
bool vx_proc_pident_hidden(const char *name, unsigned int len);
int vx_proc_pid_vinfo(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *p);

#else /* !CONFIG_VSERVER */

static inline u32 vx_task_xid(const struct task_struct *p)
{
	return VX_HOST_XID;
}

static inline bool vx_task_visible(const struct task_struct *p)
{
	return true;
}

static inline bool vx_lookup_visible(struct task_struct *p)
{
	return true;
}

static inline struct pid *vx_pid_visible(struct pid *pid)
{
	return pid;
}

static inline bool vx_ccap_grants(u64 ccap)
{
	return false;
}

static inline void vx_proc_pid_status(struct seq_file *m,
				      struct task_struct *p) { }

static inline bool vx_proc_pident_hidden(const char *name, unsigned int len)
{
	return false;
}

static inline void vx_vuptime(struct timespec64 *uptime, u64 *idle_ns) { }
static inline void vx_vstart_time(u64 *ns) { }
static inline void vx_account_cputime(struct task_struct *p, int index,
				      u64 delta) { }

static inline bool vx_vcpustat(struct kernel_cpustat *kcs, int cpu)
{
	return false;
}

static inline void vx_vstat(struct timespec64 *btime, unsigned long *forks,
			    unsigned int *running, unsigned int *blocked) { }
static inline void vx_vloadavg(unsigned long *avnrun, unsigned int *running,
			       int *threads) { }
struct sysinfo;
static inline void vx_vmeminfo(struct sysinfo *si, long *available) { }

static inline int vx_reboot(unsigned int cmd, void __user *arg)
{
	return 0;
}

static inline void vx_task_fork(struct task_struct *p) { }
static inline void vx_task_attach(struct task_struct *p) { }
static inline void vx_task_release(struct task_struct *p) { }
static inline void vx_task_free(struct task_struct *p) { }

static inline pid_t vx_map_pid_nr(pid_t nr)
{
	return nr;
}

static inline pid_t vx_unmap_pid_nr(pid_t nr)
{
	return nr;
}

static inline pid_t vx_map_ppid(struct task_struct *p, pid_t nr)
{
	return nr;
}

static inline bool vx_getppid_mapped(struct task_struct *parent)
{
	return false;
}

static inline pid_t vx_getppid(struct task_struct *parent)
{
	return 0;
}

/* A macro, so that this header needs neither nsproxy.h nor utsname.h. */
#define vx_uts_capable() \
	ns_capable(current->nsproxy->uts_ns->user_ns, CAP_SYS_ADMIN)

static inline bool vx_sysctl_write_allowed(const struct ctl_table *table)
{
	return true;
}

#endif /* CONFIG_VSERVER */

static inline u32 vx_current_xid(void)
{
	return vx_task_xid(current);
}

/* Is current a task of a guest (neither the host nor the spectator)? */
static inline bool vx_current_in_guest(void)
{
	return vx_current_xid() > VX_SPECTATOR_XID;
}

/*
 * Is current a guest task whose context lacks the context capability
 * @ccap?  Where a ccap adds a requirement on top of a POSIX capability
 * (OOM_ADJUST, FS_SECURITY, ...), the hook refuses when this is true.
 * Never true for the host, the spectator or without CONFIG_VSERVER.
 */
static inline bool vx_ccap_missing(u64 ccap)
{
#ifdef CONFIG_VSERVER
	return vx_current_in_guest() &&
	       !vx_info_ccaps(vx_task_info(current), ccap);
#else
	return false;
#endif
}

/*
 * Is current a guest task whose context has IGNEG_NICE (a request to
 * lower its niceness succeeds and changes nothing)?
 */
static inline bool vx_igneg_nice(void)
{
#ifdef CONFIG_VSERVER
	return vx_current_in_guest() &&
	       vx_info_flags(vx_task_info(current), VXF_IGNEG_NICE);
#else
	return false;
#endif
}

#endif /* _LINUX_VSERVER_CONTEXT_H */
