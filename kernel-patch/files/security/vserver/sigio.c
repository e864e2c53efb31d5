// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: signals through files, and terminals
 * of the host.
 *
 *  - SIGIO/SIGURG: a file's owner (F_SETOWN, F_SETOWN_EX, FIOSETOWN,
 *    SIOCSPGRP) may be a process group, and a guest shares its process
 *    group with host processes when an administrator runs
 *    `vserver NAME exec CMD | tee` (the shell puts both ends of the pipe
 *    in one group).  kill(0, ...) to that group is refused for the host
 *    members (vserver_lsm.c), but F_SETSIG + O_ASYNC would deliver any
 *    signal to them.  The file remembers the context of the task that set
 *    its owner (struct file's f_vx_fown_xid), and the signal reaches
 *    only tasks of that context (the host's owners reach everybody).
 *  - vhangup(2) hangs up the caller's controlling terminal; a guest
 *    started from an administrator's terminal would hang up the host's
 *    session.  A guest holds CAP_SYS_TTY_CONFIG (a default bcap, the
 *    capability vhangup asks) only while it has no controlling terminal
 *    or one whose session leader is a task of its own context; a
 *    terminal whose session belongs elsewhere (or whose leader is gone)
 *    is the host's.  TIOCSTI needs the ccap TIOCSTI (vserver_lsm.c),
 *    stealing a terminal (TIOCSCTTY with force) CAP_SYS_ADMIN, which no
 *    default guest holds.
 *
 * Locking: the setter's xid is written under the fown lock's writer
 * (__f_setown() calls the hook with it held) and read without it: a
 * signal racing with F_SETOWN sees the old or the new setter, as it sees
 * the old or the new owner.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/tty.h>
#include <linux/vserver/context.h>
#include "vserver.h"

static void vx_file_set_fowner(struct file *file)
{
	WRITE_ONCE(file->f_vx_fown_xid, vx_current_xid());
}

static int vx_file_send_sigiotask(struct task_struct *tsk,
				  struct fown_struct *fown, int sig)
{
	struct file *file = container_of(fown, struct file, f_owner);
	u32 setter;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	setter = READ_ONCE(file->f_vx_fown_xid);
	if (setter == VX_HOST_XID)
		return 0;
	return vx_task_xid(tsk) == setter ? 0 : -EPERM;
}

/* Is @tty's session led by a task of current's context? */
static bool vx_tty_own(struct tty_struct *tty)
{
	struct task_struct *leader;
	unsigned long flags;
	struct pid *session;
	bool own;

	spin_lock_irqsave(&tty->ctrl.lock, flags);
	session = get_pid(tty->ctrl.session);
	spin_unlock_irqrestore(&tty->ctrl.lock, flags);
	if (!session)
		return true;	/* nobody's session: not the host's */
	rcu_read_lock();
	leader = pid_task(session, PIDTYPE_PID);
	own = leader && vx_task_xid(leader) == vx_current_xid();
	rcu_read_unlock();
	put_pid(session);
	return own;
}

static int vx_tty_capable(const struct cred *cred, struct user_namespace *ns,
			  int cap, unsigned int opts)
{
	struct tty_struct *tty;
	int ret = 0;

	if (cap != CAP_SYS_TTY_CONFIG || !static_branch_unlikely(&vx_active))
		return 0;
	if (cred != current_cred() || !vx_current_in_guest())
		return 0;
	tty = get_current_tty();
	if (tty && !vx_tty_own(tty))
		ret = -EPERM;
	tty_kref_put(tty);
	return ret;
}

static struct security_hook_list vx_sigio_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(file_set_fowner, vx_file_set_fowner),
	LSM_HOOK_INIT(file_send_sigiotask, vx_file_send_sigiotask),
	LSM_HOOK_INIT(capable, vx_tty_capable),
};

/**
 * vx_sigio_lsm_init - add the SIGIO and terminal hooks to the vserver LSM
 */
void __init vx_sigio_lsm_init(void)
{
	security_add_hooks(vx_sigio_hooks, ARRAY_SIZE(vx_sigio_hooks),
			   "vserver");
}
