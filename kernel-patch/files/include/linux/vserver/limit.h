/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer per-context limits (kernel side).
 *
 * Each context keeps, per limit id (include/uapi/vserver/limit.h), the
 * current value, the lowest and highest values seen since the last
 * reset_minmax, a soft and a hard limit and the number of refusals
 * ("hits").  The ids in VX_LIMIT_SUPPORTED are counted and can be
 * limited, those in VX_LIMIT_ACCOUNTED are counted only (the commands
 * that set or read limits refuse them); the others read as 0 with no
 * limit.
 *
 * Locking: the counters and watermarks are atomics.  Soft and hard limits
 * are unsigned longs (ULONG_MAX: none), written under the context's
 * ->lock and read with READ_ONCE(), so a reader never sees half a value.
 */
#ifndef _LINUX_VSERVER_LIMIT_H
#define _LINUX_VSERVER_LIMIT_H

#include <linux/atomic.h>
#include <linux/dcache.h>
#include <linux/jump_label.h>
#include <linux/resource.h>
#include <vserver/limit.h>

/* Limit ids this kernel counts (all but RSS are also enforced). */
#define VX_LIMIT_SUPPORTED	(BIT(RLIMIT_NPROC) | BIT(RLIMIT_NOFILE) | \
				 BIT(RLIMIT_AS) | BIT(RLIMIT_RSS) | \
				 BIT(RLIMIT_MEMLOCK) | BIT(RLIMIT_LOCKS) | \
				 BIT(RLIMIT_MSGQUEUE) | BIT(VLIMIT_NSOCK) | \
				 BIT(VLIMIT_OPENFD) | BIT(VLIMIT_ANON) | \
				 BIT(VLIMIT_SHMEM))

/* Limit ids this kernel counts but never limits (ABI.md §5.6 "accounted only"). */
#define VX_LIMIT_ACCOUNTED	(BIT(VLIMIT_SEMARY) | BIT(VLIMIT_NSEMS) | \
				 BIT(VLIMIT_MAPPED) | BIT(VLIMIT_DENTRY))

#define VX_LIMIT_NONE		ULONG_MAX

struct vx_limit {
	atomic_long_t	cur;		/* only the ids counted as they change */
	atomic_long_t	min;
	atomic_long_t	max;
	unsigned long	soft;
	unsigned long	hard;
	atomic_t	hits;
};

struct dentry;
struct file;
struct file_lock;
struct seq_file;
struct task_struct;
struct vx_info;

/**
 * struct vx_owner - the context an object was charged to
 * @vxi:	that context (holding a reference), or NULL: nothing charged
 *
 * Embedded in objects that outlive the task creating them (a SysV shared
 * memory segment, a POSIX message queue), so that they are uncharged
 * from the context that paid for them.  Empty without CONFIG_VSERVER.
 */
struct vx_owner {
#ifdef CONFIG_VSERVER
	struct vx_info	*vxi;
#endif
};

#ifdef CONFIG_VSERVER
void vx_limit_init(struct vx_info *vxi);
long vx_limit_value(struct vx_info *vxi, unsigned int id);
void vx_limit_note(struct vx_info *vxi, unsigned int id, long value);
bool vx_limit_allows(struct vx_info *vxi, unsigned int id, long more);
bool vx_limit_charge(struct vx_info *vxi, unsigned int id, unsigned long n);
bool vx_nproc_charge(struct vx_info *vxi);
void vx_nproc_uncharge(struct vx_info *vxi);
void vx_limit_add(struct vx_info *vxi, unsigned int id, long n);
void vx_limit_uncharge(struct vx_info *vxi, unsigned int id, long n);
void vx_limit_proc_show(struct seq_file *m, struct vx_info *vxi);

/*
 * The dcache's, fs/file.c's and mm's calls: every dentry made and
 * killed, every new fd and every growing mapping asks them, so they
 * cost a host without contexts one patched-out jump (or a field test)
 * and no call.
 */
DECLARE_STATIC_KEY_FALSE(vx_active);
void __vx_dentry_charge(struct dentry *dentry);
void __vx_dentry_uncharge(struct dentry *dentry);
bool __vx_openfd_allows(int fd);
bool __vx_vm_may_expand(unsigned long flags, unsigned long npages);

/* DENTRY: a new dentry is counted for its maker's context ... */
static inline void vx_dentry_charge(struct dentry *dentry)
{
	dentry->d_vx_xid = 0;
	if (static_branch_unlikely(&vx_active))
		__vx_dentry_charge(dentry);
}

/* ... and given back when it is killed, if it was counted. */
static inline void vx_dentry_uncharge(struct dentry *dentry)
{
	if (dentry->d_vx_xid)
		__vx_dentry_uncharge(dentry);
}

/* AS and ANON: asked by may_expand_vm() for every mapping that grows. */
static inline bool vx_vm_may_expand(unsigned long flags, unsigned long npages)
{
	return !static_branch_unlikely(&vx_active) ||
	       __vx_vm_may_expand(flags, npages);
}

/* OPENFD: asked before alloc_fd() and dup3() take the table lock. */
static inline bool vx_openfd_allows(int fd)
{
	return !static_branch_unlikely(&vx_active) || __vx_openfd_allows(fd);
}

void vx_owner_init(struct vx_owner *owner);
bool vx_owner_charge(struct vx_owner *owner, unsigned int id,
		     unsigned long n);
void vx_owner_uncharge(struct vx_owner *owner, unsigned int id,
		       unsigned long n);

bool vx_memlock_limited(void);
bool vx_memlock_allows(unsigned long npages);

/* security/vserver/limit.c: limits kept with a file's security blob. */
int vx_sock_file_charge(struct file *file);
bool vx_lock_allows(const struct file_lock *fl, long n);
void vx_lock_charge(const struct file_lock *fl);
void vx_lock_uncharge(const struct file_lock *fl);
/* kernel/vserver/limit.c: the NPROC charge the task_alloc hook made. */
bool vx_nproc_attached(struct task_struct *task);
#else
static inline void vx_dentry_charge(struct dentry *dentry) { }
static inline void vx_dentry_uncharge(struct dentry *dentry) { }

static inline void vx_owner_init(struct vx_owner *owner) { }

static inline bool vx_owner_charge(struct vx_owner *owner, unsigned int id,
				   unsigned long n)
{
	return true;
}

static inline void vx_owner_uncharge(struct vx_owner *owner, unsigned int id,
				     unsigned long n) { }

static inline bool vx_vm_may_expand(unsigned long flags, unsigned long npages)
{
	return true;
}

static inline bool vx_memlock_limited(void)
{
	return false;
}

static inline bool vx_memlock_allows(unsigned long npages)
{
	return true;
}

static inline bool vx_openfd_allows(int fd)
{
	return true;
}

static inline int vx_sock_file_charge(struct file *file)
{
	return 0;
}

static inline bool vx_lock_allows(const struct file_lock *fl, long n)
{
	return true;
}

static inline void vx_lock_charge(const struct file_lock *fl) { }
static inline void vx_lock_uncharge(const struct file_lock *fl) { }
#endif

#endif /* _LINUX_VSERVER_LIMIT_H */
