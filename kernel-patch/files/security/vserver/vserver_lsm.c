// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: the refusals between contexts.
 *
 * The core (kernel/pid.c, fs/proc/base.c) already hides tasks of other
 * contexts, so a pid lookup across contexts fails with -ESRCH.  This
 * module is the second line, for tasks reached some other way (process
 * groups, a parent waiting for a child that moved into a guest).  It
 * only ever says -EPERM: kill_pid_info() retries while the answer is
 * -ESRCH.
 *
 *  - ptrace, signals, nice, scheduler, ioprio, memory policy, getpgid and
 *    getsid work only within one context.  The spectator (xid 1) may look
 *    (ptrace read mode, get* hooks) but never signal or change anything.
 *    Signals the kernel generates (SIGCHLD, tty signals, ctx_kill) are not
 *    checked here.
 *  - capable(): a guest task holds no capability outside its context's
 *    bcaps, even if its credentials still carry one (bcaps lowered while
 *    it ran), and CAP_CONTEXT only while its context is in setup; every
 *    credential a guest task prepares is masked to that bound.  While the
 *    context is in setup the bcaps do not apply yet (the setup chain
 *    lowers them and still needs its capabilities until setup ends).
 *  - Capabilities whose every use reaches the whole machine (kernel
 *    tracing and bpf, audit, MAC policy, suspend and wake-up, choosing
 *    pids) are never a guest's, whatever its bcaps: util-vserver's secure
 *    bound predates them and leaves them in.  SYSLOG and the two audit
 *    capabilities come back with the ccaps SYSLOG and AUDIT_CONTROL.
 *  - userfaultfd is refused to a guest (a kernel race primitive that the
 *    kernel leaves to CAP_SYS_PTRACE, a capability of the guest's bound).
 *  - Keys and keyrings are the host's: a guest shares uid 0's user
 *    keyring and its starter's session keyring with the host, and 6.1
 *    gives a module no place in a key to remember a context, so every
 *    key permission check of a guest task fails (-EACCES).
 *  - fork and open refuse to pass the context's limits (limit.c).
 *  - syslog(2) and /dev/kmsg need the ccap SYSLOG in a guest, and the
 *    TIOCSTI ioctl (pushing input into a terminal; native and compat
 *    entry) the ccap TIOCSTI; quotactl(2), quotactl_fd(2) and
 *    quota_on the ccap QUOTA_CTL, on top of the CAP_SYS_ADMIN the quota
 *    code asks (reading the format, the state and one's own usage need
 *    neither); on a tagged filesystem, which guests share, switching
 *    quota on or off, its grace times and flags stay the host's.
 *  - Sockets (net.c), IPC objects (ipc.c), SIGIO owners and terminals
 *    (sigio.c) have hook files of their own, added at init.
 *
 * The host pays one static-key test per hook until the first context or
 * spectator exists.
 */

#include <asm/ioctls.h>
#include <linux/capability.h>
#include <linux/dqblk_xfs.h>
#include <linux/cred.h>
#include <linux/lsm_hooks.h>
#include <linux/ptrace.h>
#include <linux/quota.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vserver/context.h>
#include <linux/vserver/inode.h>
#include "vserver.h"

bool vx_lsm_enabled __ro_after_init;

/* May current act on @p (change it, signal it)? */
static int vx_lsm_modify(struct task_struct *p)
{
	u32 me, xid;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	me = vx_current_xid();
	xid = vx_task_xid(p);
	if (me == VX_SPECTATOR_XID)
		return same_thread_group(p, current) ? 0 : -EPERM;
	return me == xid ? 0 : -EPERM;
}

/* May current look at @p? */
static int vx_lsm_observe(struct task_struct *p)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_task_visible(p) ? 0 : -EPERM;
}

static int vx_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	if (mode & PTRACE_MODE_READ)
		return vx_lsm_observe(child);
	return vx_lsm_modify(child);
}

static int vx_ptrace_traceme(struct task_struct *parent)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_task_xid(parent) == vx_current_xid() ? 0 : -EPERM;
}

static int vx_task_kill(struct task_struct *p, struct kernel_siginfo *info,
			int sig, const struct cred *cred)
{
	/*
	 * A cred is passed only for SIGIO/SIGURG and USB async I/O (it is
	 * the owner's, with no context in it): file_send_sigiotask checks
	 * SIGIO/SIGURG against the context that set the owner (sigio.c).
	 */
	if (cred)
		return 0;
	return vx_lsm_modify(p);
}

static int vx_task_setnice(struct task_struct *p, int nice)
{
	return vx_lsm_modify(p);
}

static int vx_task_setioprio(struct task_struct *p, int ioprio)
{
	return vx_lsm_modify(p);
}

static int vx_task_setscheduler(struct task_struct *p)
{
	return vx_lsm_modify(p);
}

static int vx_task_movememory(struct task_struct *p)
{
	return vx_lsm_modify(p);
}

/* getpgid, getsid, getioprio, getscheduler: one shape for all. */
static int vx_task_observe(struct task_struct *p)
{
	return vx_lsm_observe(p);
}

static int vx_task_getioprio(struct task_struct *p)
{
	return vx_lsm_observe(p);
}

/*
 * May a guest of @vxi use @cap, one that acts on the whole machine?  The
 * others are left to the bound.
 */
static bool vx_machine_cap_allowed(struct vx_info *vxi, int cap)
{
	switch (cap) {
	case CAP_SYSLOG:
		return vx_info_ccaps(vxi, VXC_SYSLOG);
	case CAP_AUDIT_CONTROL:
	case CAP_AUDIT_READ:
		return vx_info_ccaps(vxi, VXC_AUDIT_CONTROL);
	case CAP_MAC_OVERRIDE:
	case CAP_MAC_ADMIN:
	case CAP_WAKE_ALARM:
	case CAP_BLOCK_SUSPEND:
	case CAP_PERFMON:
	case CAP_BPF:
	case CAP_CHECKPOINT_RESTORE:
		return false;
	default:
		return true;
	}
}

/*
 * Hot path: every capability check of every task.  The bound applies to
 * the caller's own credentials only; has_capability() on another task is
 * left to that task's masked credentials.  The machine-wide capabilities
 * are refused to a guest task whatever credentials it presents (a socket
 * or file it opened carries its opener's, see netlink_capable()).
 */
static int vx_capable(const struct cred *cred, struct user_namespace *ns,
		      int cap, unsigned int opts)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	vxi = vx_task_info(current);
	if (!vxi)
		return 0;
	if (!vx_machine_cap_allowed(vxi, cap))
		return -EPERM;
	if (cred != current_cred())
		return 0;
	return vx_cap_allowed(vxi, cap) ? 0 : -EPERM;
}

/*
 * Every new set of credentials a guest task prepares (fork, exec, setuid,
 * capset) is bounded again, so a child or an exec never carries a
 * capability its context lost while the parent still held it.  Kernel
 * credentials built from init_cred are left alone.
 */
static int vx_cred_prepare(struct cred *new, const struct cred *old, gfp_t gfp)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	if (old != current_cred() && old != current->real_cred)
		return 0;
	vx_bound_cred(new);
	return 0;
}

/* -EPERM unless current is outside any context or its context has @ccap. */
static int vx_need_ccap(u64 ccap)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	vxi = vx_task_info(current);
	if (!vxi)
		return 0;
	return vx_info_ccaps(vxi, ccap) ? 0 : -EPERM;
}

static int vx_syslog(int type)
{
	return vx_need_ccap(VXC_SYSLOG);
}

/*
 * What the quota code lets any user ask (the format, a sync, the state,
 * the usage of one's own user or groups) needs no ccap; the rest, which
 * it lets only CAP_SYS_ADMIN do, needs QUOTA_CTL in a guest as well.
 */
static bool vx_quota_unprivileged(int cmds, int type, qid_t id)
{
	switch (cmds) {
	case Q_GETFMT:
	case Q_SYNC:
	case Q_GETINFO:
	case Q_XGETQSTAT:
	case Q_XGETQSTATV:
	case Q_XQUOTASYNC:
		return true;
	case Q_GETQUOTA:
	case Q_XGETQUOTA:
		if (type == USRQUOTA)
			return uid_eq(current_euid(),
				      make_kuid(current_user_ns(), id));
		if (type == GRPQUOTA)
			return in_egroup_p(make_kgid(current_user_ns(), id));
		return false;
	}
	return false;
}

/*
 * What switches quota of a whole filesystem.  On a tagged filesystem the
 * guests share it (each with its own records, kernel/vserver/quota.c):
 * that stays the host's, QUOTA_CTL or not.
 */
static bool vx_quota_switch(int cmds)
{
	switch (cmds) {
	case Q_QUOTAON:
	case Q_QUOTAOFF:
	case Q_SETINFO:
	case Q_XQUOTAON:
	case Q_XQUOTAOFF:
	case Q_XQUOTARM:
		return true;
	}
	return false;
}

/* quotactl(2) and quotactl_fd(2), after the quota code's own checks. */
static int vx_quotactl(int cmds, int type, int id,
		       struct super_block *sb)
{
	if (vx_quota_unprivileged(cmds, type, id))
		return 0;
	if (sb && vx_quota_switch(cmds) && vx_sb_tagged(sb) &&
	    vx_is_guest_xid(vx_current_xid()))
		return -EPERM;
	return vx_need_ccap(VXC_QUOTA_CTL);
}

static int vx_quota_on(struct dentry *dentry)
{
	return vx_need_ccap(VXC_QUOTA_CTL);
}

/*
 * Pushing bytes into a terminal's input: the classic way out of a guest.
 * 32-bit tasks on a 64-bit kernel reach ioctl through compat_sys_ioctl,
 * which asks file_ioctl_compat instead of file_ioctl: TIOCSTI has the same
 * number in both ABIs, so one check serves both hooks.
 */
static int vx_file_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	if (cmd != TIOCSTI)
		return 0;
	return vx_need_ccap(VXC_TIOCSTI);
}

#ifdef CONFIG_USERFAULTFD
/*
 * userfaultfd(2) and /dev/userfaultfd hand page faults to a user handler,
 * the kernel's own faults on user memory included unless the caller asks
 * for UFFD_USER_MODE_ONLY: a way to stall the kernel for as long as one
 * likes in the middle of a copy from user memory, the classic primitive
 * for winning races in the kernel.  With vm.unprivileged_userfaultfd = 0
 * the kernel leaves that mode to CAP_SYS_PTRACE, which util-vserver's
 * secure bound keeps for the guest's own tasks.  The mode is not visible
 * from here (the file's context is set up later), so a guest gets no
 * userfaultfd at all: -EPERM, as for an unprivileged caller refused.
 */
static int vx_inode_init_security_anon(struct inode *inode,
				       const struct qstr *name,
				       const struct inode *context_inode)
{
	if (!static_branch_unlikely(&vx_active) || !vx_current_in_guest())
		return 0;
	return strcmp(name->name, "[userfaultfd]") ? 0 : -EPERM;
}
#endif

#ifdef CONFIG_KEYS
static int vx_key_permission(key_ref_t key_ref, const struct cred *cred,
			     enum key_need_perm need_perm)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_current_in_guest() ? -EACCES : 0;
}
#endif

static struct security_hook_list vx_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(ptrace_access_check, vx_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, vx_ptrace_traceme),
	LSM_HOOK_INIT(capable, vx_capable),
	LSM_HOOK_INIT(cred_prepare, vx_cred_prepare),
	LSM_HOOK_INIT(syslog, vx_syslog),
	LSM_HOOK_INIT(quotactl, vx_quotactl),
	LSM_HOOK_INIT(quota_on, vx_quota_on),
	LSM_HOOK_INIT(file_ioctl, vx_file_ioctl),
	LSM_HOOK_INIT(file_ioctl_compat, vx_file_ioctl),
	LSM_HOOK_INIT(task_kill, vx_task_kill),
	LSM_HOOK_INIT(task_setnice, vx_task_setnice),
	LSM_HOOK_INIT(task_setioprio, vx_task_setioprio),
	LSM_HOOK_INIT(task_getioprio, vx_task_getioprio),
	LSM_HOOK_INIT(task_setscheduler, vx_task_setscheduler),
	LSM_HOOK_INIT(task_getscheduler, vx_task_observe),
	LSM_HOOK_INIT(task_movememory, vx_task_movememory),
	LSM_HOOK_INIT(task_getpgid, vx_task_observe),
	LSM_HOOK_INIT(task_getsid, vx_task_observe),
#ifdef CONFIG_USERFAULTFD
	LSM_HOOK_INIT(inode_init_security_anon, vx_inode_init_security_anon),
#endif
#ifdef CONFIG_KEYS
	LSM_HOOK_INIT(key_permission, vx_key_permission),
#endif
};

struct lsm_blob_sizes vx_blob_sizes __lsm_ro_after_init = {
	.lbs_superblock = sizeof(struct vx_sb),
	.lbs_ipc = sizeof(u32),
};

static int __init vx_lsm_init(void)
{
	security_add_hooks(vx_hooks, ARRAY_SIZE(vx_hooks), "vserver");
	vx_limit_add_hooks();
	vx_fs_lsm_init();
	vx_net_lsm_init();
	vx_ipc_lsm_init();
	vx_sigio_lsm_init();
	vx_lsm_enabled = true;
	pr_info("Linux-VServer context isolation active\n");
	return 0;
}

DEFINE_LSM(vserver) = {
	.name = "vserver",
	.init = vx_lsm_init,
	.blobs = &vx_blob_sizes,
};
