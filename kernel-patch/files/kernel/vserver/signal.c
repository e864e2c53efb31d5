// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer: signalling a context and waiting for its end.
 *
 * ctx_kill {pid, sig} sends @sig into a context, always as a kernel-
 * privileged signal (the isolation rules stop ordinary kill(2) across
 * contexts, not this):
 *
 *   pid  0	every task of the context (global pids 0 and 1 excepted)
 *   pid -1	the same, minus the context's init
 *   pid  1	the context's init; a context that can no longer be
 *		administered (no STATE_ADMIN) and has more than one task
 *		gets SIGINT instead, to shut down in order
 *   pid >1	that task, if it belongs to the context
 *
 * -ESRCH if no task was found, -EINVAL for a bad signal number.  Without
 * STATE_ADMIN only pid 1 (or pid < 1 if the context has no init) is
 * allowed, anything else is -EACCES.
 *
 * wait_exit blocks until the context is unhashed (its last task gone and
 * not persistent), then reports the reboot cmd recorded for it (0 if
 * none) and the wait(2) status of the last task that left.  A signal
 * ends the wait with -ERESTARTSYS.
 */

#include <linux/errno.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/vserver/context.h>
#include <linux/vserver/switch.h>
#include <vserver/signal.h>

/* Signal every process of @xid except global pids <= 1 and @skip. */
static int vx_kill_all(u32 xid, int sig, pid_t skip)
{
	struct task_struct *p;
	int ret = -ESRCH;

	read_lock(&tasklist_lock);
	for_each_process(p) {
		if (vx_task_xid(p) != xid || task_pid_nr(p) <= 1 ||
		    task_tgid_nr(p) == skip)
			continue;
		group_send_sig_info(sig, SEND_SIG_PRIV, p, PIDTYPE_TGID);
		if (sig == SIGKILL)
			vx_sched_killed(p);
		ret = 0;
	}
	read_unlock(&tasklist_lock);
	return ret;
}

/* Signal global pid @nr if it is a task of @xid. */
static int vx_kill_one(u32 xid, pid_t nr, int sig)
{
	struct task_struct *p;
	int ret = -ESRCH;

	rcu_read_lock();
	p = find_task_by_pid_ns(nr, &init_pid_ns);
	if (p && vx_task_xid(p) == xid) {
		ret = group_send_sig_info(sig, SEND_SIG_PRIV, p, PIDTYPE_TGID);
		if (sig == SIGKILL)
			vx_sched_killed(p);
	}
	rcu_read_unlock();
	return ret;
}

/**
 * vx_kill_context - SIGKILL every task of @vxi, its init last
 * @vxi:	the context (the caller holds a reference)
 */
void vx_kill_context(struct vx_info *vxi)
{
	pid_t init = READ_ONCE(vxi->initpid);

	vx_kill_all(vx_info_xid(vxi), SIGKILL, init);
	if (init)
		vx_kill_one(vx_info_xid(vxi), init, SIGKILL);
}

long vc_ctx_kill(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vcmd_ctx_kill_v0 arg;
	bool admin = READ_ONCE(vxi->flags) & VXF_STATE_ADMIN;
	pid_t init = READ_ONCE(vxi->initpid);

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (!valid_signal(arg.sig))
		return -EINVAL;

	if (!admin && arg.pid != 1 && !(arg.pid < 1 && !init))
		return -EACCES;

	switch (arg.pid) {
	case 0:
		return vx_kill_all(vx_info_xid(vxi), arg.sig, 0);
	case -1:
		return vx_kill_all(vx_info_xid(vxi), arg.sig, init);
	case 1:
		if (!init)
			return -ESRCH;
		if (!admin && atomic_read(&vxi->obj.tasks) > 1)
			arg.sig = SIGINT;
		return vx_kill_one(vx_info_xid(vxi), init, arg.sig);
	default:
		if (arg.pid < 0)
			return -ESRCH;
		return vx_kill_one(vx_info_xid(vxi), arg.pid, arg.sig);
	}
}

long vc_wait_exit(const struct vc_call *call)
{
	struct vx_info *vxi = call->vxi;
	struct vcmd_wait_exit_v0 arg;
	int ret;

	/* Probe the buffer first: no point waiting for a bad pointer. */
	if (clear_user(call->data, sizeof(arg)))
		return -EFAULT;

	ret = wait_event_interruptible(vxi->exit_wq, !READ_ONCE(vxi->obj.hashed));
	if (ret)
		return ret;

	arg.reboot_cmd = READ_ONCE(vxi->reboot_cmd);
	arg.exit_code = READ_ONCE(vxi->exit_code);
	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}
