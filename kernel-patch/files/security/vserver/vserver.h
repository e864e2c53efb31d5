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
 * our offset: a superblock's tag options (fs.c), an IPC object's creator
 * context (ipc.c).  Files and tasks carry their few vserver fields in
 * struct file and struct task_struct instead (limit.c, sigio.c): a blob
 * there would cost every open and fork on the host an allocation.
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

/* limit.c: refusals past a context's limits. */
void __init vx_limit_add_hooks(void);

/* fs.c: tags, attributes, barrier, devices, /proc visibility. */
void __init vx_fs_lsm_init(void);

/* net.c: sockets of network contexts, unix sockets between contexts. */
void __init vx_net_lsm_init(void);

/* ipc.c: SysV IPC objects and POSIX message queues between contexts. */
void __init vx_ipc_lsm_init(void);
struct inode;
int vx_mqueue_permission(const struct inode *inode);

/* sigio.c: SIGIO/SIGURG owners, terminals of the host. */
void __init vx_sigio_lsm_init(void);

#endif /* _SECURITY_VSERVER_VSERVER_H */
