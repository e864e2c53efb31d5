// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security contexts.
 *
 * A context groups the tasks of one guest.  Every task carries the id of
 * its context (xid, see include/linux/vserver/context.h); the host is 0.
 * Context objects, their creation and migration come in the next slice;
 * for now this file keeps the global object counters that
 * /proc/virtual/status shows and answers task_xid.
 *
 * task_xid (level 2): id is a pid in the initial pid namespace, 0 the
 * caller.  It returns the xid of that task, or -ESRCH if there is none.
 */

#include <linux/errno.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/vserver/context.h>
#include <linux/vserver/switch.h>

/* Locking: plain atomics, see include/linux/vserver/context.h. */
atomic_t vx_total_count = ATOMIC_INIT(0);
atomic_t vx_active_count = ATOMIC_INIT(0);

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
	 * namespace the caller itself lives in.
	 */
	rcu_read_lock();
	p = find_task_by_pid_ns(call->id, &init_pid_ns);
	if (p)
		ret = vx_task_xid(p);
	rcu_read_unlock();
	return ret;
}
