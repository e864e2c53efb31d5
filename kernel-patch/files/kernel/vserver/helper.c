// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer kernel helper: reboot(2) inside a guest.
 *
 * A guest may hold CAP_SYS_BOOT (util-vserver gives it by default), but
 * its reboot, halt or power-off must never touch the machine.  reboot(2)
 * from a task of a guest therefore ends here instead: the kernel runs the
 * user-space helper (default /sbin/vshelper, settable through the sysctl
 * kernel.vshelper) as
 *
 *	vshelper ACTION XID [RESTART2-ARGUMENT]
 *
 * with ACTION one of restart, halt, poweroff, swsusp, restart2 and the
 * environment HOME=/, TERM=linux, PATH=/sbin:/usr/sbin:/bin:/usr/bin,
 * VS_UID, VS_PID (the caller's uid and pid) and VS_CMD (the reboot cmd in
 * hex).  The helper runs on the host (xid 0, full privileges) and decides
 * what "rebooting the guest" means; the kernel waits until it has been
 * started, not for its end.
 *
 * reboot(2) then returns 0, -EPERM if the helper could not be started, or
 * -EAGAIN if a helper run for the same context is still being started.
 * Other cmds (CAD_ON, CAD_OFF, KEXEC) return 0 and do nothing.  After a
 * started helper the cmd is recorded for wait_exit, and with the context
 * flag VXF_REBOOT_KILL a restart, halt or power-off also kills every task
 * of the context, its init last.
 *
 * Four more events run the helper when the context or network context
 * asked for them with the SC_HELPER flag (VXF_SC_HELPER, NXF_SC_HELPER):
 *
 *	vshelper startup XID	ctx_create, before the new context is hashed
 *	vshelper shutdown XID	the context was unhashed (its last task gone
 *				and not persistent, or persistence cleared)
 *	vshelper netup NID	net_create, before the network context is
 *				hashed
 *	vshelper netdown NID	the network context was unhashed
 *
 * with HOME, TERM, PATH as above and VS_CMD=1..4.  The kernel waits for
 * the helper to exit (UMH_WAIT_PROC).  A startup or netup helper that
 * cannot be run or exits non-zero makes the create fail with -ENOEXEC,
 * and the context never appears (the helper gets the id, not a context
 * it could query; a create that then finds the id taken has still run
 * it).  Unhashing happens under a spinlock, often in release_task(), so
 * shutdown and netdown are queued to a work item (system_unbound_wq) and
 * run from there, after the object is gone; their result is ignored.  If
 * the small work item cannot be allocated (GFP_ATOMIC) the event is
 * dropped with a warning.
 *
 * Locking: one bit in the context (->helper_busy) serialises reboot helper
 * runs per context.  The path is a plain string that only the host may
 * change (guests write no sysctl); a reader copies it first.  Events hold
 * no lock and no reference while the helper runs.
 */

#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>
#include <linux/umh.h>
#include <linux/workqueue.h>
#include <linux/vserver/context.h>

#define VSHELPER_PATH_MAX	256

static char vshelper_path[VSHELPER_PATH_MAX] = "/sbin/vshelper";

static struct ctl_table vx_helper_sysctls[] = {
	{
		.procname	= "vshelper",
		.data		= vshelper_path,
		.maxlen		= VSHELPER_PATH_MAX,
		.mode		= 0644,
		.proc_handler	= proc_dostring,
	},
	{ }
};

static int __init vx_helper_init(void)
{
	register_sysctl("kernel", vx_helper_sysctls);
	return 0;
}
device_initcall(vx_helper_init);

/* The helper's ACTION for a reboot cmd, or NULL if the cmd runs none. */
static const char *vx_reboot_action(unsigned int cmd)
{
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
		return "restart";
	case LINUX_REBOOT_CMD_HALT:
		return "halt";
	case LINUX_REBOOT_CMD_POWER_OFF:
		return "poweroff";
	case LINUX_REBOOT_CMD_SW_SUSPEND:
		return "swsusp";
	case LINUX_REBOOT_CMD_RESTART2:
		return "restart2";
	default:
		return NULL;
	}
}

static bool vx_reboot_kills(unsigned int cmd)
{
	return cmd == LINUX_REBOOT_CMD_RESTART ||
	       cmd == LINUX_REBOOT_CMD_HALT ||
	       cmd == LINUX_REBOOT_CMD_POWER_OFF;
}

/* Run the helper for @action on @vxi; returns call_usermodehelper()'s result. */
static int vx_run_helper(struct vx_info *vxi, const char *action,
			 unsigned int cmd, char *extra)
{
	char path[VSHELPER_PATH_MAX], id[16], uid[24], pid[24], vcmd[24];
	char *argv[5], *envp[7];

	strscpy(path, vshelper_path, sizeof(path));
	snprintf(id, sizeof(id), "%u", vx_info_xid(vxi));
	snprintf(uid, sizeof(uid), "VS_UID=%u",
		 from_kuid(&init_user_ns, current_uid()));
	snprintf(pid, sizeof(pid), "VS_PID=%d", task_tgid_nr(current));
	snprintf(vcmd, sizeof(vcmd), "VS_CMD=%08x", cmd);

	argv[0] = path;
	argv[1] = (char *)action;
	argv[2] = id;
	argv[3] = extra;		/* NULL unless RESTART2 */
	argv[4] = NULL;

	envp[0] = "HOME=/";
	envp[1] = "TERM=linux";
	envp[2] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	envp[3] = uid;
	envp[4] = pid;
	envp[5] = vcmd;
	envp[6] = NULL;

	return call_usermodehelper(path, argv, envp, UMH_WAIT_EXEC);
}

/* The ACTIONs of the SC_HELPER events, by VX_HELPER_* number. */
static const char *const vx_event_actions[] = {
	[VX_HELPER_STARTUP]	= "startup",
	[VX_HELPER_SHUTDOWN]	= "shutdown",
	[VX_HELPER_NETUP]	= "netup",
	[VX_HELPER_NETDOWN]	= "netdown",
};

/**
 * vx_helper_event - run the helper for an SC_HELPER event and wait for it
 * @event:	VX_HELPER_*
 * @id:		the xid or nid
 *
 * Must be called where sleeping is allowed, holding no lock.  Returns 0
 * if the helper ran and exited 0, else non-zero.
 */
int vx_helper_event(unsigned int event, u32 id)
{
	char path[VSHELPER_PATH_MAX], nr[16], vcmd[24];
	char *argv[4], *envp[5];

	if (WARN_ON_ONCE(event >= ARRAY_SIZE(vx_event_actions) ||
			 !vx_event_actions[event]))
		return -EINVAL;
	strscpy(path, vshelper_path, sizeof(path));
	snprintf(nr, sizeof(nr), "%u", id);
	snprintf(vcmd, sizeof(vcmd), "VS_CMD=%08x", event);

	argv[0] = path;
	argv[1] = (char *)vx_event_actions[event];
	argv[2] = nr;
	argv[3] = NULL;

	envp[0] = "HOME=/";
	envp[1] = "TERM=linux";
	envp[2] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	envp[3] = vcmd;
	envp[4] = NULL;

	return call_usermodehelper(path, argv, envp, UMH_WAIT_PROC);
}

struct vx_helper_work {
	struct work_struct	work;
	unsigned int		event;
	u32			id;
};

static void vx_helper_work_fn(struct work_struct *work)
{
	struct vx_helper_work *w = container_of(work, struct vx_helper_work,
					       work);

	vx_helper_event(w->event, w->id);
	kfree(w);
}

/**
 * vx_helper_event_async - run the helper for an event from a work item
 * @event:	VX_HELPER_*
 * @id:		the xid or nid
 *
 * Safe in atomic context (it only allocates with GFP_ATOMIC and queues).
 */
void vx_helper_event_async(unsigned int event, u32 id)
{
	struct vx_helper_work *w = kmalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);

	if (!w) {
		pr_warn_ratelimited("vserver: no memory to run vshelper %s %u\n",
				    vx_event_actions[event], id);
		return;
	}
	INIT_WORK(&w->work, vx_helper_work_fn);
	w->event = event;
	w->id = id;
	queue_work(system_unbound_wq, &w->work);
}

/**
 * vx_reboot - reboot(2) for a task of a guest
 * @cmd:	LINUX_REBOOT_CMD_*
 * @arg:	the RESTART2 argument string (user memory)
 *
 * Called from the reboot system call after its capability and magic
 * checks.  Returns what the system call returns.
 */
int vx_reboot(unsigned int cmd, void __user *arg)
{
	struct vx_info *vxi = vx_task_info(current);
	const char *action = vx_reboot_action(cmd);
	char *extra = NULL;
	int ret;

	if (!vxi || !action)
		return 0;
	if (cmd == LINUX_REBOOT_CMD_RESTART2) {
		extra = strndup_user(arg, VSHELPER_PATH_MAX);
		if (IS_ERR(extra))
			return PTR_ERR(extra);
	}
	if (test_and_set_bit(0, &vxi->helper_busy)) {
		ret = -EAGAIN;
		goto out_free;
	}

	ret = vx_run_helper(vxi, action, cmd, extra);
	clear_bit(0, &vxi->helper_busy);
	if (ret) {
		ret = -EPERM;
		goto out_free;
	}

	WRITE_ONCE(vxi->reboot_cmd, cmd);
	if (vx_info_flags(vxi, VXF_REBOOT_KILL) && vx_reboot_kills(cmd))
		vx_kill_context(vxi);
out_free:
	kfree(extra);
	return ret;
}
