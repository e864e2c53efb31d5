/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer security module: what its parts share.
 *
 * The module is one LSM ("vserver") whose hooks live in several files,
 * one concern each; vserver_lsm.c registers them all at boot.
 */
#ifndef _SECURITY_VSERVER_VSERVER_H
#define _SECURITY_VSERVER_VSERVER_H

#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <linux/types.h>

/*
 * The module's blobs (vserver_lsm.c); the framework turns each size into
 * our offset: a file's charged context (limit.c) and owner setter
 * (sigio.c), a task's NPROC charge (limit.c), a superblock's tag options
 * (fs.c), an IPC object's creator context (ipc.c).
 */
extern struct lsm_blob_sizes vx_blob_sizes;

/* ipc/mqueue.c's superblock magic (defined there, not in a header). */
#define VX_MQUEUE_MAGIC		0x19800202

/* Superblock tag options. */
#define VX_SB_TAG		0x01	/* tag new inodes, check tags */
#define VX_SB_NOTAGCHECK	0x02	/* ... but do not check */
#define VX_SB_TAGID		0x04	/* new inodes get the fixed tag */

/**
 * struct vx_sb - the vserver part of a superblock
 * @flags:	VX_SB_* options in force
 * @tagid:	tag of new inodes with VX_SB_TAGID
 * @dlimits:	its disk limits (kernel/vserver/dlimit.c; RCU list)
 */
struct vx_sb {
	u32			flags;
	u32			tagid;
	struct hlist_head	dlimits;
};

/**
 * struct vx_file - the vserver part of a file (limit.c)
 * @vxi:	the context its NOFILE charge went to (a reference), or NULL
 * @sock:	an NSOCK charge went to @vxi as well
 * @fown_xid:	context of the task that last set the file's owner (sigio.c)
 */
struct vx_file {
	struct vx_info	*vxi;
	bool		sock;
	u32		fown_xid;
};

/**
 * struct vx_task - the vserver part of a task (limit.c)
 * @nproc:	counted in its context's NPROC at task_alloc and not yet
 *		attached (a fork in progress); a fork that fails gives
 *		the count back at task_free
 */
struct vx_task {
	bool		nproc;
};

/* limit.c: refusals past a context's limits. */
void __init vx_limit_add_hooks(void);

/* fs.c: tags, attributes, barrier, devices, /proc visibility. */
void __init vx_fs_lsm_init(void);

/* net.c: sockets of network contexts, unix sockets between contexts. */
void __init vx_net_lsm_init(void);

/* ipc.c: SysV IPC objects and POSIX message queues between contexts. */
void __init vx_ipc_lsm_init(void);

/* sigio.c: SIGIO/SIGURG owners, terminals of the host. */
void __init vx_sigio_lsm_init(void);

#endif /* _SECURITY_VSERVER_VSERVER_H */
