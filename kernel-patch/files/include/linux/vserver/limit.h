/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer per-context limits (kernel side).
 *
 * Each context keeps, per limit id (include/uapi/vserver/limit.h), the
 * current value, the lowest and highest values seen since the last
 * reset_minmax, a soft and a hard limit and the number of refusals
 * ("hits").  Only the ids in VX_LIMIT_SUPPORTED are counted; the others
 * read as 0 with no limit.
 *
 * Locking: the counters and watermarks are atomics.  Soft and hard limits
 * are unsigned longs (ULONG_MAX: none), written under the context's
 * ->lock and read with READ_ONCE(), so a reader never sees half a value.
 */
#ifndef _LINUX_VSERVER_LIMIT_H
#define _LINUX_VSERVER_LIMIT_H

#include <linux/atomic.h>
#include <linux/resource.h>
#include <vserver/limit.h>

/* Limit ids this kernel counts (all but RSS are also enforced). */
#define VX_LIMIT_SUPPORTED	(BIT(RLIMIT_NPROC) | BIT(RLIMIT_NOFILE) | \
				 BIT(RLIMIT_AS) | BIT(RLIMIT_RSS))

#define VX_LIMIT_NONE		ULONG_MAX

struct vx_limit {
	atomic_long_t	cur;		/* not for NPROC, AS, RSS */
	atomic_long_t	min;
	atomic_long_t	max;
	unsigned long	soft;
	unsigned long	hard;
	atomic_t	hits;
};

struct vx_info;
struct seq_file;

#ifdef CONFIG_VSERVER
void vx_limit_init(struct vx_info *vxi);
long vx_limit_value(struct vx_info *vxi, unsigned int id);
void vx_limit_note(struct vx_info *vxi, unsigned int id, long value);
bool vx_limit_allows(struct vx_info *vxi, unsigned int id, long more);
bool vx_limit_charge(struct vx_info *vxi, unsigned int id, long n);
void vx_limit_uncharge(struct vx_info *vxi, unsigned int id, long n);
void vx_limit_proc_show(struct seq_file *m, struct vx_info *vxi);
bool vx_vm_may_expand(unsigned long npages);
#else
static inline bool vx_vm_may_expand(unsigned long npages)
{
	return true;
}
#endif

#endif /* _LINUX_VSERVER_LIMIT_H */
