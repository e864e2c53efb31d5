// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: context limits.
 *
 * The refusals of kernel/vserver/limit.c: a fork that would take a
 * context past its NPROC limit fails with -EAGAIN, an open past its
 * NOFILE limit with -EMFILE.  Each file remembers the context it was
 * charged to in its security blob, so it is uncharged from that context
 * when it is freed, wherever that happens (task work or a kworker) and
 * whatever the opener did meanwhile.  Files opened on the host are not
 * charged at all.
 *
 * Locking: the blob is written once, at allocation, and read at free.
 * It holds a reference on the context, dropped at free.
 */

#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/sched.h>
#include <linux/vserver/context.h>
#include <linux/vserver/limit.h>
#include "vserver.h"

static struct vx_info **vx_file_blob(const struct file *file)
{
	return file->f_security + vx_blob_sizes.lbs_file;
}

/* copy_process(): the child still shares the parent's context. */
static int vx_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	vxi = vx_task_info(task);
	if (!vxi || vx_limit_allows(vxi, RLIMIT_NPROC, 1))
		return 0;
	return -EAGAIN;
}

static int vx_file_alloc(struct file *file)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	vxi = vx_task_info(current);
	if (!vxi)
		return 0;
	if (!vx_limit_charge(vxi, RLIMIT_NOFILE, 1))
		return -EMFILE;
	vx_get_info(vxi);
	*vx_file_blob(file) = vxi;
	return 0;
}

static void vx_file_free(struct file *file)
{
	struct vx_info *vxi;

	if (!file->f_security)
		return;
	vxi = *vx_file_blob(file);
	if (!vxi)
		return;
	vx_limit_uncharge(vxi, RLIMIT_NOFILE, 1);
	vx_put(vxi);
}

static struct security_hook_list vx_limit_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(task_alloc, vx_task_alloc),
	LSM_HOOK_INIT(file_alloc_security, vx_file_alloc),
	LSM_HOOK_INIT(file_free_security, vx_file_free),
};

void __init vx_limit_add_hooks(void)
{
	security_add_hooks(vx_limit_hooks, ARRAY_SIZE(vx_limit_hooks),
			   "vserver");
}
