/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer CPU scheduler (kernel side): the token bucket of a context
 * on a CFS task group.  See kernel/vserver/sched.c.
 *
 * Locking: @mutex in struct vx_sched serializes every change of the
 * settings and of the modelled bucket, and the calls into the scheduler
 * that apply them (they sleep).  @tg is set once at creation and freed with
 * the context; tasks of the context point at it only while they hold a
 * reference on the context.  The exit sums are atomics.
 */
#ifndef _LINUX_VSERVER_SCHED_H
#define _LINUX_VSERVER_SCHED_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct task_group;
struct task_struct;
struct vx_info;
struct seq_file;
struct vc_call;

#ifdef CONFIG_VSERVER_SCHED

/**
 * struct vx_sched - scheduler state of one context
 * @tg:		the context's task group (below the root group)
 * @mutex:	serializes the fields below and applying them
 * @fill_rate:	tokens per interval; [1] is the idle-time pair (kept only)
 * @interval:	ticks per fill
 * @tokens:	the modelled bucket's level, in ticks
 * @level_rest:	the part of a tick below @tokens (ns)
 * @tokens_min:	level an empty bucket must reach before its tasks run
 * @tokens_max:	bucket size
 * @prio_bias:	nice levels added to the whole context
 * @cpu_mask:	set_sched_v2's cpu_mask (kept only)
 * @vavavoom:	the SCHED_PRIO bonus now in effect (nice levels)
 * @bucket_ns:	clock of the last bucket update
 * @bucket_run:	the group's run time at that update (ns)
 * @period:	the group's CFS bandwidth period now (ns)
 * @quota:	its quota (ns; U64_MAX: no limit)
 * @burst:	its burst (ns)
 * @nice:	the group's weight now, as a nice level
 * @prio_work:	refreshes the bucket and the SCHED_PRIO bonus
 * @exit_utime:	user time of the context's tasks that are gone (ns)
 * @exit_stime:	system time of those (ns)
 */
struct vx_sched {
	struct task_group	*tg;
	struct mutex		mutex;
	int			fill_rate[2];
	int			interval[2];
	int			tokens;
	s32			level_rest;
	int			tokens_min;
	int			tokens_max;
	int			prio_bias;
	u64			cpu_mask;
	int			vavavoom;
	u64			bucket_ns;
	u64			bucket_run;
	u64			period;
	u64			quota;
	u64			burst;
	int			nice;
	struct delayed_work	prio_work;
	atomic64_t		exit_utime;
	atomic64_t		exit_stime;
};

/* Context lifecycle (kernel/vserver/context.c). */
int vx_sched_init(struct vx_info *vxi);
void vx_sched_free(struct vx_info *vxi);
void vx_sched_migrate(void);
void vx_sched_flags(struct vx_info *vxi);
void vx_sched_exit(struct task_struct *p);
void vx_sched_killed(struct task_struct *p);
bool vx_sched_task_held(struct task_struct *p);
void vx_sched_proc_show(struct seq_file *m, struct vx_info *vxi);

/* Command handlers (the command table in kernel/vserver/switch.c). */
long vc_set_sched(const struct vc_call *call);
long vc_get_sched(const struct vc_call *call);
long vc_sched_info(const struct vc_call *call);
long vc_set_prio_bias(const struct vc_call *call);
long vc_get_prio_bias(const struct vc_call *call);

/* The scheduler core's side (kernel/sched/core.c). */
struct task_group *vx_tg_create(void);
void vx_tg_destroy(struct task_group *tg);
bool vx_tg_is_root(struct task_group *tg);
void vx_tg_move_task(struct task_struct *p);
int vx_tg_set_bandwidth(struct task_group *tg, u64 period, u64 quota,
			u64 burst);
int vx_tg_set_nice(struct task_group *tg, int nice);
void vx_tg_stat(struct task_group *tg, u64 *runtime, u64 *held);
bool vx_tg_task_held(struct task_struct *p);

DECLARE_STATIC_KEY_FALSE(vx_active);
struct task_group *__vx_sched_task_group(struct task_struct *p,
					 struct task_group *tg);

/**
 * vx_sched_task_group - the task group @p runs in
 * @p:	a task being forked or changing group, its rq or pi lock held
 * @tg:	the group its cpu cgroup gives
 *
 * A task of a context that sits in the root cpu cgroup runs in its
 * context's group instead; the host pays one static branch.
 */
static inline struct task_group *vx_sched_task_group(struct task_struct *p,
						     struct task_group *tg)
{
	if (static_branch_unlikely(&vx_active))
		return __vx_sched_task_group(p, tg);
	return tg;
}

#else /* !CONFIG_VSERVER_SCHED */

struct vx_sched { };

static inline int vx_sched_init(struct vx_info *vxi)
{
	return 0;
}

static inline void vx_sched_free(struct vx_info *vxi) { }
static inline void vx_sched_migrate(void) { }
static inline void vx_sched_flags(struct vx_info *vxi) { }
static inline void vx_sched_exit(struct task_struct *p) { }
static inline void vx_sched_killed(struct task_struct *p) { }

static inline bool vx_sched_task_held(struct task_struct *p)
{
	return false;
}

static inline void vx_sched_proc_show(struct seq_file *m,
				      struct vx_info *vxi) { }

static inline struct task_group *vx_sched_task_group(struct task_struct *p,
						     struct task_group *tg)
{
	return tg;
}

#endif /* CONFIG_VSERVER_SCHED */

#endif /* _LINUX_VSERVER_SCHED_H */
