// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: SysV and POSIX IPC between contexts.
 *
 * Without per-context IPC namespaces (the spaces feature) every context
 * shares the host's IPC namespace: keys, ids and message queue names are
 * global.  These hooks keep the objects apart all the same, whether or
 * not a context has a namespace of its own:
 *
 *  - a SysV message queue, shared memory segment or semaphore array
 *    remembers the context of the task that created it (the module's
 *    ipc blob).  A guest reaches only its own context's objects: get by
 *    key, attach, send/receive, semop and every ctl on another's object
 *    are -EPERM (msgget/shmget/semget of a key another context holds
 *    included: the key is taken), and /proc/sysvipc lists only its own
 *    (vx_ipc_visible(), asked by ipc/util.c).  The host and the
 *    spectator reach and list everything.
 *  - a POSIX message queue is an inode of the namespace's mqueue
 *    filesystem; it is tagged (i_tag) with its creator's context when it
 *    is created, and a guest may open or unlink only queues of its own
 *    context (-EACCES, as for a file it may not open).  Their names stay
 *    visible in a mounted mqueue filesystem's directory.
 *
 * Locking: the owner is written once, when the object is created and
 * before it is published, and then only read.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/ipc.h>
#include <linux/lsm_hooks.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/vserver/context.h>
#include <linux/vserver/isolation.h>
#include <linux/vserver/security.h>
#include "vserver.h"

static u32 *vx_ipc_owner(struct kern_ipc_perm *perm)
{
	return perm->security + vx_blob_sizes.lbs_ipc;
}

static int vx_ipc_alloc(struct kern_ipc_perm *perm)
{
	*vx_ipc_owner(perm) = vx_current_xid();
	return 0;
}

/* Host and spectator: everything; a guest: its own context's objects. */
static bool vx_xid_reaches(u32 me, u32 owner)
{
	return !vx_is_guest_xid(me) || me == owner;
}

static int vx_ipc_check(struct kern_ipc_perm *perm)
{
	if (!static_branch_unlikely(&vx_active) || !perm)
		return 0;
	return vx_xid_reaches(vx_current_xid(), *vx_ipc_owner(perm)) ?
	       0 : -EPERM;
}

/**
 * vx_ipc_visible - may current see the SysV IPC object @perm listed?
 */
bool vx_ipc_visible(struct kern_ipc_perm *perm)
{
	return !vx_ipc_check(perm);
}

static int vx_ipc_permission(struct kern_ipc_perm *ipcp, short flag)
{
	return vx_ipc_check(ipcp);
}

static int vx_ipc_flag(struct kern_ipc_perm *perm, int flag)
{
	return vx_ipc_check(perm);
}

static int vx_msg_msgsnd(struct kern_ipc_perm *perm, struct msg_msg *msg,
			 int msqflg)
{
	return vx_ipc_check(perm);
}

static int vx_msg_msgrcv(struct kern_ipc_perm *perm, struct msg_msg *msg,
			 struct task_struct *target, long type, int mode)
{
	return vx_ipc_check(perm);
}

static int vx_shm_shmat(struct kern_ipc_perm *perm, char __user *shmaddr,
			int shmflg)
{
	return vx_ipc_check(perm);
}

static int vx_sem_semop(struct kern_ipc_perm *perm, struct sembuf *sops,
			unsigned int nsops, int alter)
{
	return vx_ipc_check(perm);
}

/* ---- POSIX message queues --------------------------------------------- */

static bool vx_is_mqueue(const struct inode *inode)
{
	return inode->i_sb->s_magic == VX_MQUEUE_MAGIC &&
	       S_ISREG(inode->i_mode);
}

/*
 * mq_open(O_CREAT) instantiates the new queue here, in its creator
 * (security_d_instantiate() calls it directly: include/linux/vserver/
 * security.h).  A queue of the host or the spectator keeps tag 0 (a new
 * inode starts untagged): both reach every queue anyway.
 */
void vx_d_instantiate(struct dentry *dentry, struct inode *inode)
{
	if (!vx_current_in_guest())
		return;
	if (inode && vx_is_mqueue(inode))
		WRITE_ONCE(inode->i_tag, vx_current_xid());
}

/**
 * vx_mqueue_permission - may current open or unlink @inode?
 * @inode:	any inode; only POSIX message queues are checked
 *
 * Called by fs.c's permission and unlink checks for guest tasks (which
 * security/security.c calls directly: include/linux/vserver/security.h).
 */
int vx_mqueue_permission(const struct inode *inode)
{
	if (!inode || !vx_is_mqueue(inode))
		return 0;
	return vx_xid_reaches(vx_current_xid(), READ_ONCE(inode->i_tag)) ?
	       0 : -EACCES;
}

static struct security_hook_list vx_ipc_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(ipc_permission, vx_ipc_permission),
	LSM_HOOK_INIT(msg_queue_alloc_security, vx_ipc_alloc),
	LSM_HOOK_INIT(msg_queue_associate, vx_ipc_flag),
	LSM_HOOK_INIT(msg_queue_msgctl, vx_ipc_flag),
	LSM_HOOK_INIT(msg_queue_msgsnd, vx_msg_msgsnd),
	LSM_HOOK_INIT(msg_queue_msgrcv, vx_msg_msgrcv),
	LSM_HOOK_INIT(shm_alloc_security, vx_ipc_alloc),
	LSM_HOOK_INIT(shm_associate, vx_ipc_flag),
	LSM_HOOK_INIT(shm_shmctl, vx_ipc_flag),
	LSM_HOOK_INIT(shm_shmat, vx_shm_shmat),
	LSM_HOOK_INIT(sem_alloc_security, vx_ipc_alloc),
	LSM_HOOK_INIT(sem_associate, vx_ipc_flag),
	LSM_HOOK_INIT(sem_semctl, vx_ipc_flag),
	LSM_HOOK_INIT(sem_semop, vx_sem_semop),
};

/**
 * vx_ipc_lsm_init - add the IPC hooks to the vserver LSM
 */
void __init vx_ipc_lsm_init(void)
{
	security_add_hooks(vx_ipc_hooks, ARRAY_SIZE(vx_ipc_hooks), "vserver");
}
