// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer virtual host names and the guest's own clock.
 *
 * Each context owns a UTS namespace, copied from its creator at
 * ctx_create and entered by every task that moves in, so uname(2) and
 * /proc/sys/kernel/{hostname,domainname} show the guest's names without
 * further hooks.
 *
 * get_vhi_name/set_vhi_name read and write one field of it, named by
 * VHIN_*; VHIN_CONTEXT is a free-form label kept in the context.  Unknown
 * fields are -EINVAL.  Names longer than 64 characters are cut.
 *
 * Inside a guest, sethostname(2) and setdomainname(2) (and writes to the
 * matching sysctls) are governed by the ccap VXC_SET_UTSNAME alone,
 * whatever the POSIX capabilities say, and never reach the host's names.
 *
 * The same "guest root plus ccap" rule, vx_ccap_grants(), lets
 * VXC_SET_RLIMIT raise hard rlimits in do_prlimit().
 *
 * With the context flag VXF_VIRT_UPTIME, /proc/uptime and sysinfo(2)
 * count from the context's creation instead of the machine's boot: the
 * boot-clock time and the summed CPU idle time at creation are kept as
 * biases and subtracted.  virt_stat and /proc/virtual/<xid>/cvirt report
 * the same clock with the context's task counts; the counts of running and
 * uninterruptible tasks are taken by walking the task list when asked.
 *
 * The context's own load average is kept lazily: whenever it is asked for
 * (virt_stat, cvirt, or /proc/loadavg read in a guest with VXF_VIRT_LOAD),
 * the 5-second intervals that passed since the last update are folded in
 * with the kernel's own decay (calc_load_n()), each counting the tasks
 * that are running or uninterruptible right now.  So it follows the same
 * curves as the host's load average while someone keeps reading it, and
 * approximates them after a quiet spell.  With VIRT_LOAD, /proc/loadavg
 * also shows the context's running and total task counts.
 *
 * With VXF_VIRT_MEM and an RSS limit, /proc/meminfo and sysinfo(2) show
 * that limit as the memory size, the limit minus the context's resident
 * pages as free (and at most that much as available); the other meminfo
 * lines stay the machine's.
 *
 * VXF_VIRT_TIME gives the context a clock of its own: a time namespace
 * (kernel/time/namespace.c), made when the first task enters it, whose
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME start at the context's creation.  A
 * task enters it when it migrates into the context (ctx_create's caller
 * too) and when it calls set_cflags on its own context during setup, as
 * util-vserver's chain does (vattribute, vcontext --endsetup); children
 * inherit it.  Tasks already in the context when the flag is set keep
 * their clock until they make one of these calls, and clearing the flag
 * moves nobody out.  CLOCK_REALTIME is the machine's: time namespaces do
 * not offset it, and a guest shares the host's wall clock.  /proc/uptime,
 * sysinfo(2) and the start times in /proc/<pid>/stat already follow the
 * reader's time namespace; VIRT_UPTIME then only takes off what the
 * namespace has not (nothing in the context's own), so the two flags
 * agree and never subtract the creation twice.
 *
 * VXF_VIRT_CPU shows a guest the CPU time of its own tasks in /proc/stat.
 * The scheduler adds every tick (or vtime slice) of a task to the
 * machine's kernel_cpustat, per CPU and kind (user, nice, system, irq,
 * softirq, guest), and to its cgroup's; vx_account_cputime() adds a
 * context's tasks' share to the context's own per-CPU copy at the same
 * place, for every context, so the figures count from the creation
 * whenever the flag is set.  A guest's idle time on a CPU is the time
 * since the creation minus its busy time there (it sees an otherwise idle
 * machine: the host's and other guests' work shows as idle), iowait and
 * steal are 0.  /proc/uptime's idle column becomes the sum of these idle
 * times, processes/procs_running/procs_blocked the context's forks since
 * creation and its running and uninterruptible tasks; ctxt, intr and
 * softirq stay the machine's.
 *
 * Locking: the names live under uts_sem like every utsname; the label
 * under the context's ->lock.  The biases are written once, before the
 * context is hashed, and only read afterwards.  ->time_ns is set once
 * with cmpxchg() and dropped when the context is freed; ->cpustat is
 * per-CPU, added to with interrupts off on its own CPU (like
 * kernel_cpustat) and read without a lock.
 */

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel_stat.h>
#include <linux/nsproxy.h>
#include <linux/percpu.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <linux/rwsem.h>
#include <linux/mm.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/sysctl.h>
#include <linux/cred.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vserver/context.h>
#include <linux/vserver/switch.h>
#include <vserver/cvirt.h>

/* The utsname field a VHIN_* value names, NULL for VHIN_CONTEXT. */
static char *vx_vhi_field(struct uts_namespace *ns, u32 field)
{
	struct new_utsname *uts = &ns->name;

	switch (field) {
	case VHIN_SYSNAME:
		return uts->sysname;
	case VHIN_NODENAME:
		return uts->nodename;
	case VHIN_RELEASE:
		return uts->release;
	case VHIN_VERSION:
		return uts->version;
	case VHIN_MACHINE:
		return uts->machine;
	case VHIN_DOMAINNAME:
		return uts->domainname;
	default:
		return NULL;
	}
}

long vc_get_vhi_name(const struct vc_call *call)
{
	struct vcmd_vhi_name_v0 arg;
	struct vx_info *vxi = call->vxi;
	struct uts_namespace *uts;
	char *name;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	memset(arg.name, 0, sizeof(arg.name));

	if (arg.field == VHIN_CONTEXT) {
		spin_lock(&vxi->lock);
		strscpy(arg.name, vxi->name, sizeof(arg.name));
		spin_unlock(&vxi->lock);
	} else {
		/* Slot 0's saved UTS namespace once set_space saved one. */
		uts = vx_get_uts_ns(vxi);
		name = vx_vhi_field(uts, arg.field);
		if (name) {
			down_read(&uts_sem);
			strscpy(arg.name, name, sizeof(arg.name));
			up_read(&uts_sem);
		}
		put_uts_ns(uts);
		if (!name)
			return -EINVAL;
	}

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

long vc_set_vhi_name(const struct vc_call *call)
{
	struct vcmd_vhi_name_v0 arg;
	struct vx_info *vxi = call->vxi;
	struct uts_namespace *uts;
	char *name;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	arg.name[sizeof(arg.name) - 1] = '\0';

	if (arg.field == VHIN_CONTEXT) {
		spin_lock(&vxi->lock);
		strscpy(vxi->name, arg.name, sizeof(vxi->name));
		spin_unlock(&vxi->lock);
		return 0;
	}

	uts = vx_get_uts_ns(vxi);
	name = vx_vhi_field(uts, arg.field);
	if (name) {
		down_write(&uts_sem);
		strscpy(name, arg.name, __NEW_UTS_LEN + 1);
		up_write(&uts_sem);
	}
	put_uts_ns(uts);
	if (!name)
		return -EINVAL;

	if (arg.field == VHIN_NODENAME)
		uts_proc_notify(UTS_PROC_HOSTNAME);
	else if (arg.field == VHIN_DOMAINNAME)
		uts_proc_notify(UTS_PROC_DOMAINNAME);
	return 0;
}

/**
 * vx_ccap_grants - does a context capability stand in for a POSIX one?
 * @ccap: VXC_* bit
 *
 * True for root in a guest whose context holds @ccap (SET_RLIMIT lets it
 * raise hard rlimits without CAP_SYS_RESOURCE, and so on).  False for the
 * host and the spectator, who go by their POSIX capabilities alone.
 */
bool vx_ccap_grants(u64 ccap)
{
	return vx_info_ccaps(vx_task_info(current), ccap) &&
	       uid_eq(current_euid(), GLOBAL_ROOT_UID);
}

/**
 * vx_uts_capable - may the caller change its host or domain name?
 *
 * The host and the spectator need CAP_SYS_ADMIN over their UTS namespace,
 * as usual.  In a guest the ccap VXC_SET_UTSNAME decides instead of the
 * POSIX capabilities (guest root usually lacks CAP_SYS_ADMIN), still only
 * for root, and never while the task sits in the host's namespace.
 */
bool vx_uts_capable(void)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vxi)
		return ns_capable(current->nsproxy->uts_ns->user_ns,
				  CAP_SYS_ADMIN);
	return vx_ccap_grants(VXC_SET_UTSNAME) &&
	       current->nsproxy->uts_ns != &init_uts_ns;
}

/**
 * vx_sysctl_write_allowed - may the caller write this sysctl?
 *
 * Guests write no sysctl (core_pattern and friends act on the whole
 * machine), except their host and domain name under the rule above.
 */
bool vx_sysctl_write_allowed(const struct ctl_table *table)
{
	if (!vx_task_info(current))
		return true;
	if (table->data == init_uts_ns.name.nodename ||
	    table->data == init_uts_ns.name.domainname)
		return vx_uts_capable();
	return false;
}

/* ---- the guest's clock ------------------------------------------------ */

/* Idle time of every CPU so far, as /proc/uptime sums it. */
static u64 vx_idle_ns(void)
{
	u64 idle = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kernel_cpustat kcs;

		kcpustat_cpu_fetch(&kcs, cpu);
		idle += get_idle_time(&kcs, cpu);
	}
	return idle;
}

/**
 * vx_cvirt_init - a new context's clock starts now
 * @vxi: the context, not yet hashed
 *
 * Returns 0 or -ENOMEM (the per-CPU time counters).
 */
int vx_cvirt_init(struct vx_info *vxi)
{
	vxi->cpustat = alloc_percpu(struct kernel_cpustat);
	if (!vxi->cpustat)
		return -ENOMEM;
	vxi->bias_mono = ktime_get_ns();
	vxi->bias_uptime = ktime_get_boottime_ns();
	vxi->bias_idle = vx_idle_ns();
	vxi->load_last = jiffies;
	return 0;
}

/* The context goes (may run as an RCU callback: nothing here sleeps). */
void vx_cvirt_free(struct vx_info *vxi)
{
	if (vxi->time_ns)
		put_time_ns(vxi->time_ns);
	free_percpu(vxi->cpustat);
}

/* Boot-clock offset of the reader's time namespace (ns; 0 for the host's). */
static s64 vx_timens_boot_offset(void)
{
#ifdef CONFIG_TIME_NS
	return timespec64_to_ns(&current->nsproxy->time_ns->offsets.boottime);
#else
	return 0;
#endif
}

/*
 * What to take off a boot-clock reading the reader's time namespace has
 * already shifted, so that it counts from the reader's zero: under
 * VIRT_UPTIME that is the context's creation, whichever namespace the
 * reader is in (in the context's own, VIRT_TIME, the namespace did it all
 * and this is 0); otherwise the namespace's reading stands.
 */
static s64 vx_uptime_shift(struct vx_info *vxi)
{
	if (!vx_info_flags(vxi, VXF_VIRT_UPTIME))
		return 0;
	return (s64)vxi->bias_uptime + vx_timens_boot_offset();
}

static u64 vx_vidle_ns(struct vx_info *vxi);

/**
 * vx_vuptime - the uptime and idle time current's context shows
 * @uptime:	boot-clock time, shifted by the reader's time namespace;
 *		adjusted in place
 * @idle_ns:	summed idle time, adjusted in place (may be NULL)
 *
 * Unchanged outside a context.  VIRT_UPTIME counts both from the
 * creation; VIRT_CPU makes the idle time the sum /proc/stat shows.
 */
void vx_vuptime(struct timespec64 *uptime, u64 *idle_ns)
{
	struct vx_info *vxi = vx_task_info(current);
	s64 ns;

	if (!vxi)
		return;
	ns = timespec64_to_ns(uptime) - vx_uptime_shift(vxi);
	*uptime = ns_to_timespec64(max_t(s64, ns, 0));
	if (!idle_ns)
		return;
	if (vx_info_flags(vxi, VXF_VIRT_CPU))
		*idle_ns = vx_vidle_ns(vxi);
	else if (vx_info_flags(vxi, VXF_VIRT_UPTIME))
		*idle_ns = *idle_ns > vxi->bias_idle ?
			   *idle_ns - vxi->bias_idle : 0;
}

/**
 * vx_vstart_time - a task's start time (boot-clock ns) as a guest sees it
 * @ns: the start time, shifted by the reader's time namespace; changed
 *	in place
 *
 * The start times /proc/<pid>/stat shows a guest count from the zero of
 * its uptime (vx_vuptime()): the creation under VIRT_UPTIME, else its
 * time namespace's.  A start before that zero shows as 0 (a task that
 * migrated in, which a time namespace alone would show near 2^64).
 */
void vx_vstart_time(u64 *ns)
{
	struct vx_info *vxi = vx_task_info(current);
	s64 off, raw, zero, v;

	if (!vxi)
		return;
	off = vx_timens_boot_offset();
	raw = (s64)(*ns - off);
	zero = vx_info_flags(vxi, VXF_VIRT_UPTIME) ? (s64)vxi->bias_uptime :
						      -off;
	v = raw - zero;
	*ns = v > 0 ? v : 0;
}

/* ---- VIRT_TIME: the context's time namespace -------------------------- */

#ifdef CONFIG_TIME_NS
/*
 * The context's time namespace, with a reference, made on first use with
 * its clocks' zero at the creation.  Offsets count only until the first
 * task enters (timens_commit() freezes them), and nobody can enter before
 * the namespace is published here.
 */
static struct time_namespace *vx_get_time_ns(struct vx_info *vxi)
{
	struct time_namespace *ns, *old;

	/* Pairs with the cmpxchg() below: the offsets are set before. */
	ns = smp_load_acquire(&vxi->time_ns);
	if (ns)
		return get_time_ns(ns);

	ns = copy_time_ns(CLONE_NEWTIME, &init_user_ns, &init_time_ns);
	if (IS_ERR(ns))
		return ns;
	ns->offsets.monotonic = ns_to_timespec64(-(s64)vxi->bias_mono);
	ns->offsets.boottime = ns_to_timespec64(-(s64)vxi->bias_uptime);
	old = cmpxchg(&vxi->time_ns, NULL, ns);
	if (old) {
		put_time_ns(ns);
		ns = old;
	}
	return get_time_ns(ns);
}

/**
 * vx_time_prepare - give a new nsproxy the clocks of a context
 * @vxi:	the context
 * @nsp:	a private nsproxy current is about to switch to
 *
 * Without VXF_VIRT_TIME @nsp is left alone.  Else its time namespace and
 * its children's become the context's; vx_time_commit() then maps the
 * namespace's clock page before the switch.  As for setns(2), current
 * must not share its mm (the clock page changes for the whole mm).
 *
 * Returns 0, -EBUSY (shared mm) or the namespace's -ENOMEM/-ENOSPC.
 */
int vx_time_prepare(struct vx_info *vxi, struct nsproxy *nsp)
{
	struct time_namespace *ns;

	if (!vx_info_flags(vxi, VXF_VIRT_TIME))
		return 0;
	if (!current_is_single_threaded())
		return -EBUSY;
	ns = vx_get_time_ns(vxi);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	put_time_ns(nsp->time_ns);
	nsp->time_ns = ns;
	put_time_ns(nsp->time_ns_for_children);
	nsp->time_ns_for_children = get_time_ns(ns);
	return 0;
}

/* Right before switching to @nsp: its clocks, if they change current's. */
void vx_time_commit(struct nsproxy *nsp)
{
	if (nsp->time_ns != current->nsproxy->time_ns)
		timens_commit(current, nsp->time_ns);
}

/**
 * vx_time_enter - move current into its context's clock
 * @vxi: current's context
 *
 * For set_cflags on one's own context (in setup): a task of a context
 * with VXF_VIRT_TIME that is not in its time namespace yet enters it, as
 * it would at migration.  The nsproxy comes from the unshare helper (a
 * throw-away copy of the time namespace, replaced at once; it checks
 * CAP_SYS_ADMIN, which a task in setup holds).
 *
 * Returns 0 or -errno.
 */
int vx_time_enter(struct vx_info *vxi)
{
	struct time_namespace *ns;
	struct nsproxy *nsp = NULL;
	int err;

	if (!vx_info_flags(vxi, VXF_VIRT_TIME))
		return 0;
	/* Only compared, never dereferenced: READ_ONCE() would do. */
	ns = smp_load_acquire(&vxi->time_ns);
	if (ns && current->nsproxy->time_ns == ns &&
	    current->nsproxy->time_ns_for_children == ns)
		return 0;

	err = unshare_nsproxy_namespaces(CLONE_NEWTIME, &nsp, NULL, NULL);
	if (err)
		return err;
	err = vx_time_prepare(vxi, nsp);
	if (err) {
		put_nsproxy(nsp);
		return err;
	}
	vx_time_commit(nsp);
	switch_task_namespaces(current, nsp);
	return 0;
}
#else /* !CONFIG_TIME_NS: set_cflags refuses VXF_VIRT_TIME */
int vx_time_prepare(struct vx_info *vxi, struct nsproxy *nsp)
{
	return 0;
}

void vx_time_commit(struct nsproxy *nsp) { }

int vx_time_enter(struct vx_info *vxi)
{
	return 0;
}
#endif /* CONFIG_TIME_NS */

/* ---- VIRT_CPU: the context's CPU statistics --------------------------- */

/**
 * __vx_account_cputime - add a task's CPU time to its context's counters
 * @vxi:	the task's context
 * @index:	CPUTIME_* kind
 * @delta:	nanoseconds
 *
 * Called by vx_account_cputime() from task_group_account_field(), with
 * interrupts off on the CPU the time was spent on.
 */
void __vx_account_cputime(struct vx_info *vxi, int index, u64 delta)
{
	__this_cpu_add(vxi->cpustat->cpustat[index], delta);
}

/* @cpu's times for @vxi, idle included (see the top of this file). */
static void vx_cpu_times(struct vx_info *vxi, struct kernel_cpustat *kcs,
			 int cpu)
{
	const struct kernel_cpustat *src = per_cpu_ptr(vxi->cpustat, cpu);
	u64 *t = kcs->cpustat;
	u64 busy, elapsed;
	int i;

	for (i = 0; i < NR_STATS; i++)
		t[i] = READ_ONCE(src->cpustat[i]);
	t[CPUTIME_IDLE] = 0;
	t[CPUTIME_IOWAIT] = 0;
	t[CPUTIME_STEAL] = 0;
	if (!cpu_online(cpu))
		return;
	/* Guest time is counted in user and nice as well. */
	busy = t[CPUTIME_USER] + t[CPUTIME_NICE] + t[CPUTIME_SYSTEM] +
	       t[CPUTIME_IRQ] + t[CPUTIME_SOFTIRQ];
	elapsed = ktime_get_boottime_ns() - vxi->bias_uptime;
	t[CPUTIME_IDLE] = elapsed > busy ? elapsed - busy : 0;
}

/* The idle time of every CPU, as /proc/stat shows it to @vxi. */
static u64 vx_vidle_ns(struct vx_info *vxi)
{
	struct kernel_cpustat kcs;
	u64 idle = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		vx_cpu_times(vxi, &kcs, cpu);
		idle += kcs.cpustat[CPUTIME_IDLE];
	}
	return idle;
}

/**
 * __vx_vcpustat - one CPU's line of /proc/stat as current's context sees it
 * @kcs:	filled in, CPUTIME_IDLE and CPUTIME_IOWAIT included
 * @cpu:	the CPU
 *
 * Returns false (and leaves @kcs alone) outside a context with
 * VXF_VIRT_CPU.
 */
bool __vx_vcpustat(struct kernel_cpustat *kcs, int cpu)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vx_info_flags(vxi, VXF_VIRT_CPU))
		return false;
	vx_cpu_times(vxi, kcs, cpu);
	return true;
}

/* Walk the tasks of @vxi once and fill in the scheduler-state counts. */
static void vx_count_states(struct vx_info *vxi, struct vcmd_virt_stat_v0 *vs)
{
	struct task_struct *g, *t;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		unsigned int state = READ_ONCE(t->__state);

		if (vx_task_info(t) != vxi)
			continue;
		/* The states the load average counts, as the scheduler does. */
		if (state == TASK_RUNNING)
			vs->nr_running++;
		/* Runnable, but its context's bucket holds it. */
		if (vx_sched_task_held(t))
			vs->nr_onhold++;
		else if ((state & TASK_UNINTERRUPTIBLE) &&
			 !(state & (TASK_NOLOAD | TASK_FROZEN)))
			vs->nr_uninterruptible++;
	}
	rcu_read_unlock();
}

/**
 * vx_vstat - the rest of /proc/stat as current's context sees it
 * @btime:	boot time (wall clock), shifted by the reader's time
 *		namespace; adjusted in place
 * @forks:	processes
 * @running:	procs_running
 * @blocked:	procs_blocked
 *
 * Under VIRT_UPTIME btime is the creation, so that btime plus
 * /proc/uptime is now; under VIRT_CPU the counts are the context's:
 * tasks forked inside since the creation, tasks running and tasks in
 * uninterruptible sleep.  Unchanged otherwise.
 */
void vx_vstat(struct timespec64 *btime, unsigned long *forks,
	      unsigned int *running, unsigned int *blocked)
{
	struct vx_info *vxi = vx_task_info(current);
	struct vcmd_virt_stat_v0 vs = {};

	if (vx_info_flags(vxi, VXF_VIRT_UPTIME))
		*btime = timespec64_add(*btime,
					ns_to_timespec64(vx_uptime_shift(vxi)));
	if (!vx_info_flags(vxi, VXF_VIRT_CPU))
		return;
	vx_count_states(vxi, &vs);
	*forks = atomic_read(&vxi->forks);
	*running = vs.nr_running;
	*blocked = vs.nr_uninterruptible;
}

/* Fold the intervals since the last update into the load average of @vxi. */
static void vx_update_load(struct vx_info *vxi, unsigned long active)
{
	unsigned long n;

	active *= FIXED_1;
	spin_lock(&vxi->lock);
	n = (jiffies - vxi->load_last) / LOAD_FREQ;
	if (n) {
		vxi->avenrun[0] = calc_load_n(vxi->avenrun[0], EXP_1, active, n);
		vxi->avenrun[1] = calc_load_n(vxi->avenrun[1], EXP_5, active, n);
		vxi->avenrun[2] = calc_load_n(vxi->avenrun[2], EXP_15, active, n);
		vxi->load_last += n * LOAD_FREQ;
		vxi->load_updates++;
	}
	spin_unlock(&vxi->lock);
}

/**
 * vx_virt_stat - fill in the virtual clock, task counts and load of @vxi
 * @vxi:	the context
 * @vs:	the result, in the layout of virt_stat
 *
 * Returns the number of load-average updates so far.
 */
unsigned int vx_virt_stat(struct vx_info *vxi, struct vcmd_virt_stat_v0 *vs)
{
	unsigned int updates;
	int i;

	memset(vs, 0, sizeof(*vs));
	vs->offset = vxi->bias_uptime;
	vs->uptime = ktime_get_boottime_ns() - vxi->bias_uptime;
	vs->nr_threads = atomic_read(&vxi->obj.tasks);
	vs->nr_forks = atomic_read(&vxi->forks);
	vx_count_states(vxi, vs);
	vx_update_load(vxi, vs->nr_running + vs->nr_uninterruptible);

	spin_lock(&vxi->lock);
	for (i = 0; i < 3; i++)
		vs->load[i] = vxi->avenrun[i];
	updates = vxi->load_updates;
	spin_unlock(&vxi->lock);
	return updates;
}

/**
 * vx_vloadavg - /proc/loadavg as current's context sees it
 * @avnrun:	the host's load averages (with /proc's rounding offset)
 * @running:	the host's running tasks
 * @threads:	the host's tasks
 *
 * All three are replaced by the context's own under VXF_VIRT_LOAD.
 */
void vx_vloadavg(unsigned long *avnrun, unsigned int *running, int *threads)
{
	struct vx_info *vxi = vx_task_info(current);
	struct vcmd_virt_stat_v0 vs;
	int i;

	if (!vx_info_flags(vxi, VXF_VIRT_LOAD))
		return;
	vx_virt_stat(vxi, &vs);
	for (i = 0; i < 3; i++)
		avnrun[i] = vs.load[i] + FIXED_1 / 200;
	*running = vs.nr_running;
	*threads = vs.nr_threads;
}

long vc_virt_stat(const struct vc_call *call)
{
	struct vcmd_virt_stat_v0 vs;

	vx_virt_stat(call->vxi, &vs);
	if (copy_to_user(call->data, &vs, sizeof(vs)))
		return -EFAULT;
	return 0;
}

/**
 * vx_vmeminfo - memory size and free memory as current's context sees them
 * @si:		the machine's numbers (pages), adjusted in place
 * @available:	MemAvailable in pages, adjusted in place (may be NULL)
 *
 * Unchanged outside a context, without VXF_VIRT_MEM or without an RSS
 * limit smaller than the machine.
 */
void vx_vmeminfo(struct sysinfo *si, long *available)
{
	struct vx_info *vxi = vx_task_info(current);
	unsigned long total, used;

	if (!vx_info_flags(vxi, VXF_VIRT_MEM))
		return;
	total = READ_ONCE(vxi->limits[RLIMIT_RSS].hard);
	if (total >= si->totalram)
		return;
	used = vx_limit_value(vxi, RLIMIT_RSS);
	si->totalram = total;
	si->freeram = min(si->freeram, total > used ? total - used : 0);
	if (available && *available > (long)si->freeram)
		*available = si->freeram;
}
