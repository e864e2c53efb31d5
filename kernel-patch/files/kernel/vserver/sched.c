// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer CPU scheduler: the token bucket on CFS bandwidth.
 *
 * The paper's scheduler gives each context a bucket: fill_rate tokens
 * arrive every interval ticks, every tick a task of the context runs costs
 * one token, and the bucket holds at most tokens_max.  With the context
 * flag SCHED_HARD an empty bucket holds the context's tasks until
 * tokens_min tokens are back; with SCHED_PRIO the fill level becomes a
 * priority bonus (-5 for a full bucket .. +15 for an empty one, growing
 * with the square of the deficit); SCHED_PAUSE holds every task; prio_bias
 * shifts the whole context by that many nice levels.
 *
 * No private run queue: each context runs its tasks in a CFS task group of
 * its own below the root group, created with the context, as autogroup
 * does for sessions.  The scheduler core asks vx_sched_task_group() when
 * it places a task (fork, cgroup change, migration into a context), and a
 * task in the root cpu cgroup lands in its context's group.  Then
 *
 *   SCHED_HARD   is the group's CFS bandwidth: quota/period is the fill
 *                rate, the period stretched so that one refill is about
 *                tokens_min ticks (at most 1 s), the burst what tokens_max
 *                holds beyond one refill (CFS allows at most one quota);
 *   SCHED_PAUSE  is a quota of 0: every task of the group is held until
 *                the flag goes, and then continues where it stopped;
 *   SCHED_PRIO   and prio_bias are the group's weight, as a nice level:
 *                prio_bias plus, with SCHED_PRIO, the bonus of a bucket
 *                modelled from the group's run time, refreshed every
 *                VX_PRIO_PERIOD by a work item.
 *
 * The hold time reported is the group's throttled time.  What CFS cannot
 * express is kept and reported as set, but has no effect: per-CPU buckets
 * (cpu_id names a CPU, all CPUs share one bucket), the idle-time pair
 * (fill_rate[1], interval[1]) and set_sched_v2's cpu_mask.
 *
 * Errors: -EINVAL for a fill rate or interval below 1, a negative token
 * count, tokens_max 0, a cpu_id that names no possible CPU, a bucket_id
 * other than 0; -EFAULT for a bad pointer; -ENOMEM when the group cannot
 * be made at ctx_create.  tokens_min and tokens above tokens_max are
 * clamped to it, prio_bias to -20..20.
 *
 * Locking: see include/linux/vserver/sched.h.  The mutex nests outside the
 * scheduler's own locks (cpus_read_lock, cfs_constraints_mutex,
 * shares_mutex, rq locks) and is never taken under the context's ->lock.
 */

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/compat.h>
#include <linux/sched.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/sched.h>
#include <linux/vserver/switch.h>
#include <vserver/sched.h>

/* The bucket's defaults: the old scheduler's. */
#define VX_FILL_RATE_DEFAULT	1
#define VX_INTERVAL_DEFAULT	4
#define VX_TOKENS_DEFAULT	(HZ / 4)
#define VX_TOKENS_MIN_DEFAULT	(HZ / 16)
#define VX_TOKENS_MAX_DEFAULT	(HZ / 2)

#define VX_PRIO_BIAS_MIN	-20
#define VX_PRIO_BIAS_MAX	20

/* The CFS bandwidth period's bounds (kernel/sched/core.c). */
#define VX_PERIOD_MIN_NS	NSEC_PER_MSEC
#define VX_PERIOD_MAX_NS	NSEC_PER_SEC
/* The period of an unlimited or paused group (cpu.max's default). */
#define VX_PERIOD_DEFAULT_NS	(100 * NSEC_PER_MSEC)

/* How often the SCHED_PRIO bonus follows the bucket. */
#define VX_PRIO_PERIOD		(HZ / 10)

#define VX_SCHED_FLAGS		(VXF_SCHED_HARD | VXF_SCHED_PRIO | \
				 VXF_SCHED_PAUSE)

static inline struct vx_sched *vx_sched_of(struct vx_info *vxi)
{
	return &vxi->sched;
}

/* ---- the scheduler core's hook ----------------------------------------- */

struct task_group *__vx_sched_task_group(struct task_struct *p,
					 struct task_group *tg)
{
	struct vx_info *vxi = vx_task_info(p);

	/*
	 * A task placed in a cpu cgroup of its own keeps it; one that was
	 * killed leaves a held group, so it can exit (vx_sched_killed()).
	 */
	if (!vxi || !vx_tg_is_root(tg) || __fatal_signal_pending(p))
		return tg;
	return vxi->sched.tg;
}

/* ---- the modelled bucket ----------------------------------------------- */

/*
 * Bring the bucket up to now: add what the fill rate gave since the last
 * update, take what the group ran.  Levels are kept in ns of CPU time, a
 * token being one tick.  Called with the mutex held.
 */
static s64 vx_bucket_update(struct vx_sched *s, s64 level)
{
	u64 now = ktime_get_ns(), run, held, fill;
	s64 max = (s64)s->tokens_max * TICK_NSEC, gain, used;

	vx_tg_stat(s->tg, &run, &held);
	fill = mul_u64_u64_div_u64(now - s->bucket_ns, s->fill_rate[0],
				   s->interval[0]);
	/* Both bounded, so that a long quiet spell cannot overflow. */
	gain = min_t(u64, fill, max);
	used = min_t(u64, run - s->bucket_run, 2 * max);
	level += gain - used;
	s->bucket_ns = now;
	s->bucket_run = run;
	return clamp_t(s64, level, 0, max);
}

static void vx_bucket_refresh(struct vx_sched *s)
{
	s64 level = (s64)s->tokens * TICK_NSEC + s->level_rest;

	level = vx_bucket_update(s, level);
	s->tokens = div_s64_rem(level, TICK_NSEC, &s->level_rest);
}

/*
 * The SCHED_PRIO bonus in nice levels: -5 with a full bucket, 0 at half,
 * +15 when empty, quadratic in the deficit.
 */
static int vx_bucket_bonus(struct vx_sched *s)
{
	u64 deficit = s->tokens_max - min(s->tokens, s->tokens_max);
	u64 permille = div_u64(deficit * 1000, s->tokens_max);

	return (int)div_u64(20 * permille * permille, 1000 * 1000) - 5;
}

/* ---- applying the settings --------------------------------------------- */

/* CFS bandwidth for SCHED_HARD: see the header comment. */
static void vx_hard_bandwidth(struct vx_sched *s, u64 *period, u64 *quota,
			      u64 *burst)
{
	u64 ivl = (u64)s->interval[0] * TICK_NSEC;
	u64 fill = (u64)s->fill_rate[0] * TICK_NSEC;
	u64 k = max(1, s->tokens_min / s->fill_rate[0]);

	if (ivl > VX_PERIOD_MAX_NS) {
		/* A refill rarer than once a second: scale to one second. */
		*period = VX_PERIOD_MAX_NS;
		*quota = mul_u64_u64_div_u64(fill, VX_PERIOD_MAX_NS, ivl);
	} else {
		k = min(k, div64_u64(VX_PERIOD_MAX_NS, ivl));
		k = max(k, div64_u64(VX_PERIOD_MIN_NS + ivl - 1, ivl));
		*period = k * ivl;
		*quota = k * fill;
	}
	*quota = clamp_t(u64, *quota, NSEC_PER_MSEC, 1000ULL * NSEC_PER_SEC);
	*burst = (u64)s->tokens_max * TICK_NSEC;
	*burst = *burst > *quota ? min(*burst - *quota, *quota) : 0;
}

/*
 * Make the group follow the context's flags and settings.  Called with
 * the mutex held; may sleep.
 */
static int vx_sched_apply(struct vx_info *vxi, bool force)
{
	struct vx_sched *s = vx_sched_of(vxi);
	u64 flags = READ_ONCE(vxi->flags) & VX_SCHED_FLAGS;
	u64 period = VX_PERIOD_DEFAULT_NS, quota = U64_MAX, burst = 0;
	int nice = s->prio_bias, ret;

	lockdep_assert_held(&s->mutex);
	if (flags & VXF_SCHED_PAUSE)
		quota = 0;
	else if (flags & VXF_SCHED_HARD)
		vx_hard_bandwidth(s, &period, &quota, &burst);

	if (force || period != s->period || quota != s->quota ||
	    burst != s->burst) {
		ret = vx_tg_set_bandwidth(s->tg, period, quota, burst);
		if (ret)
			return ret;
		s->period = period;
		s->quota = quota;
		s->burst = burst;
	}

	WRITE_ONCE(s->vavavoom, 0);
	if (flags & VXF_SCHED_PRIO) {
		vx_bucket_refresh(s);
		WRITE_ONCE(s->vavavoom, vx_bucket_bonus(s));
		nice += s->vavavoom;
	}
	nice = clamp(nice, MIN_NICE, MAX_NICE);
	if (force || nice != s->nice) {
		ret = vx_tg_set_nice(s->tg, nice);
		if (ret)
			return ret;
		s->nice = nice;
	}
	return 0;
}

/*
 * SCHED_PRIO: follow the bucket while the flag is set and the context is
 * alive.  A queued work item holds a reference on the context.
 */
static void vx_prio_queue(struct vx_info *vxi)
{
	vx_get_info(vxi);
	if (!queue_delayed_work(system_unbound_wq, &vxi->sched.prio_work,
				VX_PRIO_PERIOD))
		vx_put(vxi);
}

static void vx_prio_work(struct work_struct *work)
{
	struct vx_sched *s = container_of(to_delayed_work(work),
					  struct vx_sched, prio_work);
	struct vx_info *vxi = container_of(s, struct vx_info, sched);
	bool again;

	mutex_lock(&s->mutex);
	vx_sched_apply(vxi, false);
	again = READ_ONCE(vxi->obj.hashed) &&
		(READ_ONCE(vxi->flags) & VXF_SCHED_PRIO);
	mutex_unlock(&s->mutex);
	if (again)
		vx_prio_queue(vxi);
	vx_put(vxi);
}

/* ---- context lifecycle ------------------------------------------------- */

/* ctx_create: the group, empty, with the flags the context starts with. */
int vx_sched_init(struct vx_info *vxi)
{
	struct vx_sched *s = vx_sched_of(vxi);
	struct task_group *tg;
	int ret;

	tg = vx_tg_create();
	if (IS_ERR(tg))
		return PTR_ERR(tg);
	s->tg = tg;
	mutex_init(&s->mutex);
	INIT_DELAYED_WORK(&s->prio_work, vx_prio_work);
	s->fill_rate[0] = VX_FILL_RATE_DEFAULT;
	s->interval[0] = VX_INTERVAL_DEFAULT;
	s->tokens = VX_TOKENS_DEFAULT;
	s->tokens_min = VX_TOKENS_MIN_DEFAULT;
	s->tokens_max = VX_TOKENS_MAX_DEFAULT;
	s->period = VX_PERIOD_DEFAULT_NS;
	s->quota = U64_MAX;
	s->bucket_ns = ktime_get_ns();
	atomic64_set(&s->exit_utime, 0);
	atomic64_set(&s->exit_stime, 0);

	mutex_lock(&s->mutex);
	ret = vx_sched_apply(vxi, false);
	mutex_unlock(&s->mutex);
	if (ret) {
		vx_tg_destroy(tg);
		s->tg = NULL;
	}
	return ret;
}

/* The context is freed (any context, also an RCU callback). */
void vx_sched_free(struct vx_info *vxi)
{
	if (vxi->sched.tg)
		vx_tg_destroy(vxi->sched.tg);
}

/* The caller changed its context: move it to its new group. */
void vx_sched_migrate(void)
{
	vx_tg_move_task(current);
}

/* The context's flags changed (set_cflags): follow SCHED_*. */
void vx_sched_flags(struct vx_info *vxi)
{
	struct vx_sched *s = vx_sched_of(vxi);

	mutex_lock(&s->mutex);
	vx_sched_apply(vxi, false);
	mutex_unlock(&s->mutex);
	if (READ_ONCE(vxi->flags) & VXF_SCHED_PRIO)
		vx_prio_queue(vxi);
}

/* release_task(): keep the times of a task that is gone. */
void vx_sched_exit(struct task_struct *p)
{
	struct vx_info *vxi = p->vx_info;
	u64 utime, stime;

	if (!vxi)
		return;
	task_cputime(p, &utime, &stime);
	atomic64_add(utime, &vxi->sched.exit_utime);
	atomic64_add(stime, &vxi->sched.exit_stime);
}

/**
 * vx_sched_killed - a process of a context was sent SIGKILL
 * @p:	the process; the caller holds tasklist_lock or the RCU read lock
 *
 * Its threads move to the root group, so that they run and exit even
 * while their context is paused or out of tokens (ctx_kill, vkill, a
 * guest's reboot).  A thread that is already exiting stays: the cgroup
 * core does not move those either.
 */
void vx_sched_killed(struct task_struct *p)
{
	struct task_struct *t;

	for_each_thread(p, t)
		if (!(READ_ONCE(t->flags) & PF_EXITING))
			vx_tg_move_task(t);
}

bool vx_sched_task_held(struct task_struct *p)
{
	return vx_tg_task_held(p);
}

/* User and system time of the context's tasks, alive and gone (ns). */
static void vx_sched_times(struct vx_info *vxi, u64 *user, u64 *sys)
{
	struct task_struct *g, *t;

	*user = atomic64_read(&vxi->sched.exit_utime);
	*sys = atomic64_read(&vxi->sched.exit_stime);
	rcu_read_lock();
	for_each_process_thread(g, t) {
		u64 utime, stime;

		if (vx_task_info(t) != vxi)
			continue;
		task_cputime(t, &utime, &stime);
		*user += utime;
		*sys += stime;
	}
	rcu_read_unlock();
}

/* ---- commands ---------------------------------------------------------- */

static int vx_check_cpu(int cpu)
{
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	return 0;
}

/* cpu_id and bucket_id of a request, when its mask names them. */
static int vx_check_ids(u32 mask, int cpu_id, int bucket_id)
{
	if ((mask & VXSM_CPU_ID) && vx_check_cpu(cpu_id))
		return -EINVAL;
	if ((mask & VXSM_BUCKET_ID) && bucket_id != 0)
		return -EINVAL;
	return 0;
}

/* Milliseconds to ticks (VXSM_MSEC); a non-zero value stays non-zero. */
static int vx_msec(int ms)
{
	unsigned long j = msecs_to_jiffies(ms);

	return (int)min_t(unsigned long, max(j, 1UL), INT_MAX);
}

/* set_sched_v2 is 28 bytes for an IA-32 task (u64 at 4-byte alignment). */
static int vx_read_sched_v2(const struct vc_call *call,
			    struct vcmd_set_sched_v2 *a)
{
#ifdef CONFIG_COMPAT
	if (call->compat) {
		struct {
			s32 f[5];
			compat_u64 cpu_mask;
		} a32;

		if (copy_from_user(&a32, call->data, sizeof(a32)))
			return -EFAULT;
		a->fill_rate = a32.f[0];
		a->interval = a32.f[1];
		a->tokens = a32.f[2];
		a->tokens_min = a32.f[3];
		a->tokens_max = a32.f[4];
		a->cpu_mask = a32.cpu_mask;
		return 0;
	}
#endif
	return copy_from_user(a, call->data, sizeof(*a)) ? -EFAULT : 0;
}

/* Every version's request, as a v5 one: the mask says what to change. */
static int vx_read_sched(const struct vc_call *call, struct vcmd_sched_v5 *r,
			 u64 *cpu_mask)
{
	int ver = VC_VERSION(call->cmd);

	memset(r, 0, sizeof(*r));
	if (ver == 2) {
		struct vcmd_set_sched_v2 a;

		if (vx_read_sched_v2(call, &a))
			return -EFAULT;
		r->fill_rate[0] = a.fill_rate;
		r->interval[0] = a.interval;
		r->tokens = a.tokens;
		r->tokens_min = a.tokens_min;
		r->tokens_max = a.tokens_max;
		r->mask = (a.fill_rate != SCHED_KEEP ? VXSM_FILL_RATE : 0) |
			  (a.interval != SCHED_KEEP ? VXSM_INTERVAL : 0) |
			  (a.tokens != SCHED_KEEP ? VXSM_TOKENS : 0) |
			  (a.tokens_min != SCHED_KEEP ? VXSM_TOKENS_MIN : 0) |
			  (a.tokens_max != SCHED_KEEP ? VXSM_TOKENS_MAX : 0);
		if (a.cpu_mask != (u64)SCHED_KEEP)
			*cpu_mask = a.cpu_mask;
		return 0;
	}
	if (ver == 3) {
		struct vcmd_set_sched_v3 a;

		if (copy_from_user(&a, call->data, sizeof(a)))
			return -EFAULT;
		r->mask = a.set_mask & VXSM_V3_MASK;
		r->fill_rate[0] = a.fill_rate;
		r->interval[0] = a.interval;
		r->tokens = a.tokens;
		r->tokens_min = a.tokens_min;
		r->tokens_max = a.tokens_max;
		r->prio_bias = a.priority_bias;
		return 0;
	}
	if (ver == 4) {
		struct vcmd_set_sched_v4 a;
		int pair;

		if (copy_from_user(&a, call->data, sizeof(a)))
			return -EFAULT;
		/* IDLE_TIME: the fill rate and interval are the idle pair. */
		pair = (a.set_mask & VXSM_IDLE_TIME) ? 1 : 0;
		r->mask = a.set_mask & ~(VXSM_FILL_RATE | VXSM_INTERVAL);
		if (a.set_mask & VXSM_FILL_RATE)
			r->mask |= pair ? VXSM_FILL_RATE2 : VXSM_FILL_RATE;
		if (a.set_mask & VXSM_INTERVAL)
			r->mask |= pair ? VXSM_INTERVAL2 : VXSM_INTERVAL;
		r->fill_rate[pair] = a.fill_rate;
		r->interval[pair] = a.interval;
		r->tokens = a.tokens;
		r->tokens_min = a.tokens_min;
		r->tokens_max = a.tokens_max;
		r->prio_bias = a.prio_bias;
		r->cpu_id = a.cpu_id;
		r->bucket_id = a.bucket_id;
		return 0;
	}
	return copy_from_user(r, call->data, sizeof(*r)) ? -EFAULT : 0;
}

/* Validate a request and bring its values to ticks. */
static int vx_check_sched(struct vcmd_sched_v5 *r)
{
	u32 m = r->mask;
	int i;

	if (vx_check_ids(m, r->cpu_id, r->bucket_id))
		return -EINVAL;
	for (i = 0; i < 2; i++) {
		if ((m & (i ? VXSM_FILL_RATE2 : VXSM_FILL_RATE)) &&
		    r->fill_rate[i] < 1)
			return -EINVAL;
		if ((m & (i ? VXSM_INTERVAL2 : VXSM_INTERVAL)) &&
		    r->interval[i] < 1)
			return -EINVAL;
	}
	if (((m & VXSM_TOKENS) && r->tokens < 0) ||
	    ((m & VXSM_TOKENS_MIN) && r->tokens_min < 0) ||
	    ((m & VXSM_TOKENS_MAX) && r->tokens_max < 1))
		return -EINVAL;

	if (m & VXSM_MSEC) {
		for (i = 0; i < 2; i++) {
			r->fill_rate[i] = vx_msec(r->fill_rate[i]);
			r->interval[i] = vx_msec(r->interval[i]);
		}
		r->tokens = r->tokens ? vx_msec(r->tokens) : 0;
		r->tokens_min = r->tokens_min ? vx_msec(r->tokens_min) : 0;
		r->tokens_max = vx_msec(r->tokens_max);
	}
	return 0;
}

long vc_set_sched(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vx_sched *s = vx_sched_of(vxi);
	struct vcmd_sched_v5 r;
	u64 cpu_mask = (u64)SCHED_KEEP;
	u32 m;
	int ret;

	ret = vx_read_sched(call, &r, &cpu_mask);
	if (ret)
		return ret;
	ret = vx_check_sched(&r);
	if (ret)
		return ret;
	m = r.mask;

	mutex_lock(&s->mutex);
	/* The bucket up to now, under the old rate. */
	vx_bucket_refresh(s);
	if (m & VXSM_FILL_RATE)
		s->fill_rate[0] = r.fill_rate[0];
	if (m & VXSM_INTERVAL)
		s->interval[0] = r.interval[0];
	if (m & VXSM_FILL_RATE2)
		s->fill_rate[1] = r.fill_rate[1];
	if (m & VXSM_INTERVAL2)
		s->interval[1] = r.interval[1];
	if (m & VXSM_TOKENS_MAX)
		s->tokens_max = r.tokens_max;
	if (m & VXSM_TOKENS_MIN)
		s->tokens_min = r.tokens_min;
	if (m & VXSM_TOKENS) {
		s->tokens = r.tokens;
		s->level_rest = 0;
	}
	if (m & VXSM_PRIO_BIAS)
		WRITE_ONCE(s->prio_bias, clamp(r.prio_bias, VX_PRIO_BIAS_MIN,
					       VX_PRIO_BIAS_MAX));
	if (cpu_mask != (u64)SCHED_KEEP)
		s->cpu_mask = cpu_mask;
	s->tokens_min = min(s->tokens_min, s->tokens_max);
	s->tokens = min(s->tokens, s->tokens_max);
	ret = vx_sched_apply(vxi, m & VXSM_FORCE);
	mutex_unlock(&s->mutex);
	return ret;
}

long vc_get_sched(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vx_sched *s = vx_sched_of(vxi);
	struct vcmd_sched_v5 r;
	bool msec;
	int i;

	if (copy_from_user(&r, call->data, sizeof(r)))
		return -EFAULT;
	if (vx_check_ids(r.mask, r.cpu_id, r.bucket_id))
		return -EINVAL;
	msec = r.mask & VXSM_MSEC;

	mutex_lock(&s->mutex);
	vx_bucket_refresh(s);
	for (i = 0; i < 2; i++) {
		r.fill_rate[i] = s->fill_rate[i];
		r.interval[i] = s->interval[i];
	}
	r.tokens = s->tokens;
	r.tokens_min = s->tokens_min;
	r.tokens_max = s->tokens_max;
	r.prio_bias = s->prio_bias;
	mutex_unlock(&s->mutex);

	if (msec) {
		for (i = 0; i < 2; i++) {
			r.fill_rate[i] = jiffies_to_msecs(r.fill_rate[i]);
			r.interval[i] = jiffies_to_msecs(r.interval[i]);
		}
		r.tokens = jiffies_to_msecs(r.tokens);
		r.tokens_min = jiffies_to_msecs(r.tokens_min);
		r.tokens_max = jiffies_to_msecs(r.tokens_max);
	}
	return copy_to_user(call->data, &r, sizeof(r)) ? -EFAULT : 0;
}

long vc_sched_info(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vx_sched *s = vx_sched_of(vxi);
	struct vcmd_sched_info r;
	u64 user, sys, run, held;

	if (copy_from_user(&r, call->data, sizeof(r)))
		return -EFAULT;
	if (vx_check_cpu(r.cpu_id) || r.bucket_id != 0)
		return -EINVAL;

	vx_sched_times(vxi, &user, &sys);
	vx_tg_stat(s->tg, &run, &held);
	r.user_msec = div_u64(user, NSEC_PER_MSEC);
	r.sys_msec = div_u64(sys, NSEC_PER_MSEC);
	r.hold_msec = div_u64(held, NSEC_PER_MSEC);
	r.token_usec = TICK_NSEC / NSEC_PER_USEC;
	r.vavavoom = READ_ONCE(s->vavavoom);
	return copy_to_user(call->data, &r, sizeof(r)) ? -EFAULT : 0;
}

long vc_set_prio_bias(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vx_sched *s = vx_sched_of(vxi);
	struct vcmd_prio_bias r;
	int ret;

	if (copy_from_user(&r, call->data, sizeof(r)))
		return -EFAULT;
	if (vx_check_cpu(r.cpu_id))
		return -EINVAL;

	mutex_lock(&s->mutex);
	WRITE_ONCE(s->prio_bias,
		   clamp(r.prio_bias, VX_PRIO_BIAS_MIN, VX_PRIO_BIAS_MAX));
	ret = vx_sched_apply(vxi, false);
	mutex_unlock(&s->mutex);
	return ret;
}

long vc_get_prio_bias(const struct vc_call *call)
{
	struct vx_sched *s = vx_sched_of(call->vxi);
	struct vcmd_prio_bias r;

	if (copy_from_user(&r, call->data, sizeof(r)))
		return -EFAULT;
	if (vx_check_cpu(r.cpu_id))
		return -EINVAL;
	r.prio_bias = READ_ONCE(s->prio_bias);
	return copy_to_user(call->data, &r, sizeof(r)) ? -EFAULT : 0;
}

/* ---- /proc/virtual/<xid>/sched ----------------------------------------- */

/*
 * The token-bucket format of ABI 6.2.  All CPUs share one bucket, so the
 * context's times stand on the first online CPU's line and the others
 * show zeros; token time is the CPU time the bucket paid for, idle time 0.
 */
void vx_sched_proc_show(struct seq_file *m, struct vx_info *vxi)
{
	struct vx_sched *s = vx_sched_of(vxi);
	u64 user, sys, run, held;
	bool on_hold, first = true;
	int cpu;

	vx_sched_times(vxi, &user, &sys);
	vx_tg_stat(s->tg, &run, &held);

	mutex_lock(&s->mutex);
	vx_bucket_refresh(s);
	on_hold = s->quota != U64_MAX && s->tokens < s->tokens_min;
	seq_printf(m, "FillRate:\t%8d,%d\n", s->fill_rate[0], s->fill_rate[1]);
	seq_printf(m, "Interval:\t%8d,%d\n", s->interval[0], s->interval[1]);
	seq_printf(m, "TokensMin:\t%8d\n", s->tokens_min);
	seq_printf(m, "TokensMax:\t%8d\n", s->tokens_max);
	seq_printf(m, "PrioBias:\t%8d\n", s->prio_bias);
	for_each_online_cpu(cpu) {
		seq_printf(m,
			   "cpu %d: %lld %lld %lld %ld %ld %c%c %d %d %d %d/%d %d/%d %d %d\n",
			   cpu,
			   first ? (long long)nsecs_to_jiffies64(user) : 0LL,
			   first ? (long long)nsecs_to_jiffies64(sys) : 0LL,
			   first ? (long long)nsecs_to_jiffies64(held) : 0LL,
			   first ? (long)nsecs_to_jiffies64(run) : 0L, 0L,
			   on_hold ? 'H' : 'R', '-',
			   s->tokens, s->tokens_min, s->tokens_max,
			   s->fill_rate[0], s->interval[0],
			   s->fill_rate[1], s->interval[1],
			   s->prio_bias, s->vavavoom);
		first = false;
	}
	mutex_unlock(&s->mutex);
}
