/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer security contexts (kernel side).
 *
 * Every task carries a context id, its xid.  The host is xid 0, the
 * spectator xid 1, guests 2..65535.  A task inherits the xid of its parent
 * at fork (dup_task_struct copies it with the rest of task_struct) and
 * keeps it across exec.
 *
 * Locking: only the task itself ever changes its xid, with WRITE_ONCE();
 * other tasks read it with READ_ONCE() while they hold a reference to the
 * task or sit inside an RCU read-side section that found it.
 */
#ifndef _LINUX_VSERVER_CONTEXT_H
#define _LINUX_VSERVER_CONTEXT_H

#include <linux/atomic.h>
#include <linux/sched.h>

/* The host context, and the spectator that sees every process. */
#define VX_HOST_XID		0
#define VX_SPECTATOR_XID	1

static inline u32 vx_task_xid(const struct task_struct *p)
{
	return READ_ONCE(p->xid);
}

static inline u32 vx_current_xid(void)
{
	return vx_task_xid(current);
}

/*
 * Global counters for /proc/virtual/status: "total" counts allocated
 * contexts, "active" those that are hashed and so can be found by id.
 * Locking: plain atomics; no lock orders them with anything.
 */
extern atomic_t vx_total_count;
extern atomic_t vx_active_count;

#endif /* _LINUX_VSERVER_CONTEXT_H */
