/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer space slots (kernel side).
 *
 * Each context has VX_SPACES slots of saved namespaces; set_space fills
 * them from the caller, enter_space moves the caller into them
 * (kernel/vserver/space.c).  Slot 0's UTS namespace is the context's own
 * (vx_info->uts_ns).
 *
 * Locking: the context's ->space_mutex guards its slots; ->uts_ns changes
 * under the context's ->lock (read it with vx_get_uts_ns()).
 */
#ifndef _LINUX_VSERVER_SPACE_H
#define _LINUX_VSERVER_SPACE_H

#include <linux/types.h>
#include <vserver/space.h>

struct fs_struct;
struct ns_common;
struct seq_file;
struct uts_namespace;
struct vx_info;

/* Namespace kinds: user, mnt, uts, ipc, pid, cgroup, net, time. */
#define VX_SPACE_NS_MAX		8

/**
 * struct vx_space - one space slot of a context
 * @mask:	CLONE_FS and CLONE_NEW* bits saved so far
 * @ns:		one reference per saved namespace, indexed like the kinds
 *		table in kernel/vserver/space.c
 * @fs:		saved root and working directory (CLONE_FS), a private copy
 */
struct vx_space {
	u64			mask;
	struct ns_common	*ns[VX_SPACE_NS_MAX];
	struct fs_struct	*fs;
};

void vx_space_init(struct vx_info *vxi);
bool vx_space_busy(const struct vx_info *vxi);
void vx_space_release(struct vx_info *vxi);
u64 vx_space_mask(struct vx_info *vxi, unsigned int index);
void vx_space_proc_show(struct seq_file *m, struct vx_info *vxi,
			unsigned int index);
struct uts_namespace *vx_get_uts_ns(struct vx_info *vxi);

#ifdef CONFIG_VSERVER
int vx_ns_permit(unsigned long flags);
#else
static inline int vx_ns_permit(unsigned long flags)
{
	return 0;
}
#endif

#endif /* _LINUX_VSERVER_SPACE_H */
