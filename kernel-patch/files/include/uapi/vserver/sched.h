/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: the CPU scheduler.
 *
 * Each context has a token bucket: fill_rate tokens arrive every interval
 * ticks, a running task of the context spends one per tick, and the bucket
 * holds at most tokens_max.  With the context flag SCHED_HARD an empty
 * bucket holds the context's tasks until tokens_min are back; SCHED_PRIO
 * turns the fill level into a priority bonus; SCHED_PAUSE holds every task.
 * prio_bias shifts the whole context's priority (nice levels).
 *
 * set_sched (v2..v5, level 7, host or the context in setup) changes the
 * bucket.  v2 leaves every field that is SCHED_KEEP unchanged; v3..v5
 * change the fields set_mask selects.  get_sched (v5) and sched_info
 * (level 3) read it back; set/get_prio_bias read and write the bias.
 *
 * Errors: -EINVAL for a non-positive interval or fill rate, a negative
 * token count, a cpu_id that names no CPU, a bucket_id other than 0;
 * -EFAULT for a bad pointer.  tokens_min above tokens_max and tokens above
 * tokens_max are clamped to tokens_max, prio_bias to -20..20.
 */
#ifndef _UAPI_VSERVER_SCHED_H
#define _UAPI_VSERVER_SCHED_H

#include <linux/types.h>
#include <vserver/switch.h>

#define VCMD_set_sched_v2	VC_CMD(SCHED, 1, 2)
#define VCMD_set_sched_v3	VC_CMD(SCHED, 1, 3)
#define VCMD_set_sched_v4	VC_CMD(SCHED, 1, 4)
#define VCMD_set_sched		VC_CMD(SCHED, 1, 5)
#define VCMD_get_sched		VC_CMD(SCHED, 2, 5)
#define VCMD_sched_info		VC_CMD(SCHED, 3, 0)
#define VCMD_set_prio_bias	VC_CMD(SCHED, 4, 0)
#define VCMD_get_prio_bias	VC_CMD(SCHED, 5, 0)

/* set_mask / mask bits */
#define VXSM_FILL_RATE		0x0001
#define VXSM_INTERVAL		0x0002
#define VXSM_FILL_RATE2		0x0004
#define VXSM_INTERVAL2		0x0008
#define VXSM_TOKENS		0x0010
#define VXSM_TOKENS_MIN		0x0020
#define VXSM_TOKENS_MAX		0x0040
#define VXSM_PRIO_BIAS		0x0100
#define VXSM_IDLE_TIME		0x0200
#define VXSM_FORCE		0x0400
#define VXSM_CPU_ID		0x1000
#define VXSM_BUCKET_ID		0x2000
#define VXSM_MSEC		0x4000

#define VXSM_V3_MASK		0x0173
#define VXSM_SET_MASK		0x01FF

/* set_sched_v2: a field with this value is left unchanged. */
#define SCHED_KEEP		(-2)

struct vcmd_set_sched_v2 {
	__s32 fill_rate;
	__s32 interval;
	__s32 tokens;
	__s32 tokens_min;
	__s32 tokens_max;
	__u64 cpu_mask;
};

struct vcmd_set_sched_v3 {
	__u32 set_mask;
	__s32 fill_rate;
	__s32 interval;
	__s32 tokens;
	__s32 tokens_min;
	__s32 tokens_max;
	__s32 priority_bias;
};

struct vcmd_set_sched_v4 {
	__u32 set_mask;
	__s32 fill_rate;
	__s32 interval;
	__s32 tokens;
	__s32 tokens_min;
	__s32 tokens_max;
	__s32 prio_bias;
	__s32 cpu_id;
	__s32 bucket_id;
};

struct vcmd_sched_v5 {
	__u32 mask;
	__s32 cpu_id;
	__s32 bucket_id;
	__s32 fill_rate[2];
	__s32 interval[2];
	__s32 tokens;
	__s32 tokens_min;
	__s32 tokens_max;
	__s32 prio_bias;
};

struct vcmd_sched_info {
	__s32 cpu_id;
	__s32 bucket_id;
	__u64 user_msec;
	__u64 sys_msec;
	__u64 hold_msec;
	__u32 token_usec;
	__s32 vavavoom;
};

struct vcmd_prio_bias {
	__s32 cpu_id;
	__s32 prio_bias;
};

#endif /* _UAPI_VSERVER_SCHED_H */
