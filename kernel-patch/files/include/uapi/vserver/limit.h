/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: per-context resource limits.
 *
 * Each context counts what its tasks use, per limit id, and may be given
 * a soft and a hard limit for it.  Ids 0..15 are the kernel's RLIMIT_*
 * numbers; the VLIMIT_* ids below count what rlimits do not.  An
 * operation that would take a context past an enforced hard limit fails
 * (fork with -EAGAIN, an open with -EMFILE, ...) and counts a hit.  For
 * every id the kernel also keeps the lowest and highest value seen since
 * the last reset_minmax (the watermarks).
 *
 * get_rlimit_mask reports which ids this kernel supports: "maximum" lists
 * the ids with a settable hard limit, "softlimit" those with a soft one,
 * "minimum" those with a minimum (none).  get_rlimit and set_rlimit take
 * the id in the struct; CRLIM_KEEP leaves a value unchanged, the soft
 * limit is clamped to the hard one, the minimum is ignored.  rlimit_stat
 * reports the current value, the watermarks and the hits of one id.
 *
 * Errors: -EINVAL unsupported id, -ESRCH no such context, -EFAULT bad
 * pointer.
 */
#ifndef _UAPI_VSERVER_LIMIT_H
#define _UAPI_VSERVER_LIMIT_H

#include <linux/types.h>
#include <vserver/switch.h>

/* Limit ids beyond the RLIMIT_* numbers. */
#define VLIMIT_NSOCK		16
#define VLIMIT_OPENFD		17
#define VLIMIT_ANON		18
#define VLIMIT_SHMEM		19
#define VLIMIT_SEMARY		20
#define VLIMIT_NSEMS		21
#define VLIMIT_DENTRY		22
#define VLIMIT_MAPPED		23
#define NUM_LIMITS		24

/* Special values of a limit. */
#define CRLIM_UNSET		0ULL
#define CRLIM_INFINITY		(~0ULL)
#define CRLIM_KEEP		(~1ULL)

#define VCMD_get_rlimit		VC_CMD(RLIMIT, 1, 0)
#define VCMD_set_rlimit		VC_CMD(RLIMIT, 2, 0)
#define VCMD_get_rlimit_mask	VC_CMD(RLIMIT, 3, 0)
#define VCMD_reset_hits		VC_CMD(RLIMIT, 7, 0)
#define VCMD_reset_minmax	VC_CMD(RLIMIT, 9, 0)
#define VCMD_rlimit_stat	VC_CMD(VSTAT, 1, 0)

/*
 * The 64-bit fields are 4-byte aligned on i386, so this struct is 28
 * bytes there and 32 on 64-bit ABIs; a 64-bit kernel translates.
 */
struct vcmd_ctx_rlimit_v0 {
	__u32 id;
	__u64 minimum;
	__u64 softlimit;
	__u64 maximum;
};

/* Bitmasks of limit ids (bit n = id n). */
struct vcmd_ctx_rlimit_mask_v0 {
	__u32 minimum;
	__u32 softlimit;
	__u32 maximum;
};

struct vcmd_rlimit_stat_v0 {
	__u32 id;
	__u32 hits;
	__u64 value;
	__u64 minimum;
	__u64 maximum;
};

#endif /* _UAPI_VSERVER_LIMIT_H */
