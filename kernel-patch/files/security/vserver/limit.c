// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: context limits.
 *
 * The refusals of kernel/vserver/limit.c that hang on a file or a task:
 * a fork that would take a context past its NPROC limit fails with
 * -EAGAIN (the child is counted at task_alloc, given back at task_free if
 * the fork fails before it is attached), an open past its NOFILE limit
 * with -EMFILE, a socket past NSOCK with
 * -ENFILE, a flock or POSIX lock past LOCKS with -ENOLCK.  Each file
 * remembers the context it was charged to (struct file's f_vx_info), so
 * it is uncharged from that context when it is freed, wherever that
 * happens (task work or a kworker) and whatever the opener did meanwhile.
 * A socket file also remembers its NSOCK charge, and a lock is charged to
 * its file's context (a lock lives no longer than its file).  Files
 * opened on the host are not charged at all, nor are their sockets and
 * locks.  A context with FORK_RSS forks nothing while its resident pages
 * are past its RSS limit (-ENOMEM; counted as an RSS hit); one with
 * PROLIFIC forks past its NPROC limit (kernel/vserver/limit.c).
 *
 * Locking: a file's fields are written at allocation (the context) and
 * when the socket file is made (the NSOCK mark), before the file is
 * shared, and read at free.  f_vx_info holds a reference on the context,
 * dropped at free.  A task's vx_nproc is written by the forking parent
 * only (task_alloc, the attach under tasklist_lock, the failed fork's
 * task_free), before the child runs.  Neither is an LSM blob: the host
 * allocates nothing for them.  The file charge and uncharge are no hooks
 * either: security_file_alloc() and security_file_free() call them
 * directly once a context exists (include/linux/vserver/security.h).
 * The lock helpers run under the inode's flc_lock and only touch
 * atomics.
 */

#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/vserver/context.h>
#include <linux/vserver/limit.h>
#include <linux/vserver/security.h>
#include "vserver.h"

/* The context @file was charged to, or NULL (the host's files). */
static struct vx_info *vx_file_owner(const struct file *file)
{
	return file ? file->f_vx_info : NULL;
}

/*
 * copy_process(): the child still shares the parent's context.  Count
 * it now, atomically against the limit; vx_task_attach() takes the
 * count over once the fork cannot fail any more.
 */
static int vx_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	struct vx_info *vxi;

	task->vx_nproc = false;		/* dup_task_struct() copied the parent's */
	if (!static_branch_unlikely(&vx_active))
		return 0;
	vxi = vx_task_info(task);
	if (!vxi)
		return 0;
	/*
	 * FORK_RSS: no fork while the context is past its RSS limit.  On
	 * SMP (SPLIT_RSS_COUNTING) a task's recent faults wait in its own
	 * counters until the next sync into its mm; flush the forking
	 * task's first, so a freshly exec'd process is not seen as empty.
	 * Other tasks of the context lag by fewer than
	 * TASK_RSS_EVENTS_THRESH events each.
	 */
	if (vx_info_flags(vxi, VXF_FORK_RSS)) {
		if (current->mm)
			sync_mm_rss(current->mm);
		if (!vx_limit_allows(vxi, RLIMIT_RSS, 0))
			return -ENOMEM;
	}
	if (!vx_nproc_charge(vxi))
		return -EAGAIN;
	task->vx_nproc = true;
	return 0;
}

/*
 * A fork that failed after vx_task_alloc() (the task was never
 * attached): give its count back.  Runs in the parent.  For a task that
 * lived, release_task() gave it back long ago and this does nothing.
 */
static void vx_task_free_nproc(struct task_struct *task)
{
	if (task->vx_nproc) {
		task->vx_nproc = false;
		vx_nproc_uncharge(vx_task_info(task));
	}
}

int vx_file_alloc(struct file *file)
{
	struct vx_info *vxi;

	vxi = vx_task_info(current);
	if (!vxi)
		return 0;
	if (!vx_limit_charge(vxi, RLIMIT_NOFILE, 1))
		return -EMFILE;
	vx_get_info(vxi);
	file->f_vx_info = vxi;
	return 0;
}

void vx_file_free(struct file *file)
{
	struct vx_info *vxi = vx_file_owner(file);

	if (!vxi)
		return;
	if (file->f_vx_sock)
		vx_limit_uncharge(vxi, VLIMIT_NSOCK, 1);
	vx_limit_uncharge(vxi, RLIMIT_NOFILE, 1);
	vx_put(vxi);
}

/**
 * vx_sock_file_charge - charge a new socket file to its context's NSOCK
 * @file:	the file sock_alloc_file() just made
 *
 * Returns 0, or -ENFILE past the limit (the caller then drops the file,
 * which releases the socket).
 */
int vx_sock_file_charge(struct file *file)
{
	struct vx_info *vxi = vx_file_owner(file);

	if (!vxi)
		return 0;
	if (!vx_limit_charge(vxi, VLIMIT_NSOCK, 1))
		return -ENFILE;
	file->f_vx_sock = true;
	return 0;
}

/**
 * vx_lock_allows - may @fl's context hold @n more locks?
 * @fl:		the lock asked for (its file says whose it is)
 * @n:		how many locks the request adds to the inode's lists
 *
 * Counts a hit when not.  Called under the inode's flc_lock.
 */
bool vx_lock_allows(const struct file_lock *fl, long n)
{
	struct vx_info *vxi = vx_file_owner(fl->fl_file);

	return n <= 0 || !vxi || vx_limit_allows(vxi, RLIMIT_LOCKS, n);
}

/* A lock went onto an inode's list. */
void vx_lock_charge(const struct file_lock *fl)
{
	struct vx_info *vxi = vx_file_owner(fl->fl_file);

	if (vxi)
		vx_limit_add(vxi, RLIMIT_LOCKS, 1);
}

/* ... and came off it again. */
void vx_lock_uncharge(const struct file_lock *fl)
{
	struct vx_info *vxi = vx_file_owner(fl->fl_file);

	if (vxi)
		vx_limit_uncharge(vxi, RLIMIT_LOCKS, 1);
}

static struct security_hook_list vx_limit_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(task_alloc, vx_task_alloc),
	LSM_HOOK_INIT(task_free, vx_task_free_nproc),
};

void __init vx_limit_add_hooks(void)
{
	security_add_hooks(vx_limit_hooks, ARRAY_SIZE(vx_limit_hooks),
			   "vserver");
}
