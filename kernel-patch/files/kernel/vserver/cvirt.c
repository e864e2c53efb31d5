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
 * Locking: the names live under uts_sem like every utsname; the label
 * under the context's ->lock.  The biases are written once, before the
 * context is hashed, and only read afterwards.
 */

#include <linux/errno.h>
#include <linux/kernel_stat.h>
#include <linux/nsproxy.h>
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

/* A new context's clock starts now. */
void vx_cvirt_init(struct vx_info *vxi)
{
	vxi->bias_uptime = ktime_get_boottime_ns();
	vxi->bias_idle = vx_idle_ns();
	vxi->load_last = jiffies;
}

/**
 * vx_vuptime - the uptime and idle time current's context shows
 * @uptime:	boot-clock time, adjusted in place
 * @idle_ns:	summed idle time, adjusted in place (may be NULL)
 *
 * Unchanged outside a context or without VXF_VIRT_UPTIME.
 */
void vx_vuptime(struct timespec64 *uptime, u64 *idle_ns)
{
	struct vx_info *vxi = vx_task_info(current);
	s64 ns;

	if (!vx_info_flags(vxi, VXF_VIRT_UPTIME))
		return;
	ns = timespec64_to_ns(uptime) - (s64)vxi->bias_uptime;
	*uptime = ns_to_timespec64(max_t(s64, ns, 0));
	if (idle_ns)
		*idle_ns = *idle_ns > vxi->bias_idle ?
			   *idle_ns - vxi->bias_idle : 0;
}

/**
 * vx_vstart_time - a task's start time (boot-clock ns) as a guest sees it
 * @ns: the start time, changed in place
 *
 * Under VIRT_UPTIME the reader's clock starts at its context's creation
 * (vx_vuptime()), so the start times /proc/<pid>/stat shows it count from
 * there too; a start before the creation shows as 0.
 */
void vx_vstart_time(u64 *ns)
{
	struct vx_info *vxi = vx_task_info(current);

	if (!vx_info_flags(vxi, VXF_VIRT_UPTIME))
		return;
	*ns = *ns > vxi->bias_uptime ? *ns - vxi->bias_uptime : 0;
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
	vs->nr_threads = atomic_read(&vxi->tasks);
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
