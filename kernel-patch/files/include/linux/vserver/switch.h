/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer command dispatch (kernel side).
 *
 * sys_vserver() looks the command word up in one table.  Each entry says
 * how much privilege the command needs (level and flags), what kind of
 * object its id names (target), and which handler runs it.  The dispatcher
 * in kernel/vserver/switch.c applies the permission checks of the ABI in
 * their fixed order before a handler is ever called, so handlers only
 * copy arguments, validate and act.
 */
#ifndef _LINUX_VSERVER_SWITCH_H
#define _LINUX_VSERVER_SWITCH_H

#include <linux/types.h>
#include <linux/compiler_types.h>

struct vx_info;
struct nx_info;
struct seq_file;

/* Command flags (ABI section 3). */
#define VCF_INFO	0x01	/* read-only query */
#define VCF_ADMIN	0x02	/* host administrator only */
#define VCF_ARES	0x04	/* ADMIN plus CAP_SYS_RESOURCE */
#define VCF_SETUP	0x08	/* a context may still run it during setup */
#define VCF_ZIDOK	0x10	/* id 0 means the host, no lookup */

/* What the id argument names. */
enum vc_target {
	VCT_NONE,	/* nothing, or a command-specific number */
	VCT_CTX,	/* a context id (xid) */
	VCT_NET,	/* a network context id (nid) */
};

/**
 * struct vc_call - one sys_vserver() request on its way to a handler
 * @cmd:	command word
 * @id:		id argument as passed by the caller
 * @data:	argument pointer, already converted from a compat pointer
 * @compat:	the caller uses the 32-bit compat ABI (struct layouts differ)
 * @vxi:	the target context of an x command, with a reference that
 *		the dispatcher drops after the handler returns
 * @nxi:	the same for the target network context of an n command
 */
struct vc_call {
	u32		cmd;
	u32		id;
	void __user	*data;
	bool		compat;
	struct vx_info	*vxi;
	struct nx_info	*nxi;
};

/**
 * struct vc_cmd - one entry of the command table
 * @cmd:	command word (VCMD_*)
 * @level:	privilege level 0..9; above 1 needs CAP_SYS_ADMIN
 * @flags:	VCF_* flags
 * @target:	what @id names
 * @handler:	runs the command once every check has passed
 */
struct vc_cmd {
	u32		cmd;
	u8		level;
	u8		flags;
	u8		target;
	long		(*handler)(const struct vc_call *call);
};

/* The VCI feature bits of this kernel (get_vci, /proc/virtual/info). */
u32 vc_vci_bits(void);

/* Handlers living outside switch.c (kernel/vserver/context.c). */
long vc_task_xid(const struct vc_call *call);
long vc_ctx_create(const struct vc_call *call);
long vc_ctx_migrate(const struct vc_call *call);
long vc_ctx_migrate_spectator(void);
long vc_vx_info(const struct vc_call *call);
long vc_ctx_stat(const struct vc_call *call);
long vc_get_cflags(const struct vc_call *call);
long vc_set_cflags(const struct vc_call *call);
long vc_get_ccaps(const struct vc_call *call);
long vc_set_ccaps(const struct vc_call *call);
long vc_get_bcaps(const struct vc_call *call);
long vc_set_bcaps(const struct vc_call *call);
long vc_get_umask(const struct vc_call *call);
long vc_set_umask(const struct vc_call *call);
long vc_get_wmask(const struct vc_call *call);
long vc_set_wmask(const struct vc_call *call);

/* kernel/vserver/cvirt.c */
long vc_get_vhi_name(const struct vc_call *call);
long vc_set_vhi_name(const struct vc_call *call);
long vc_virt_stat(const struct vc_call *call);
struct vcmd_virt_stat_v0;
unsigned int vx_virt_stat(struct vx_info *vxi, struct vcmd_virt_stat_v0 *vs);

/* kernel/vserver/cacct.c */
long vc_sock_stat(const struct vc_call *call);
void vx_cacct_proc_show(struct seq_file *m, struct vx_info *vxi);

/* kernel/vserver/limit.c */
long vc_get_rlimit(const struct vc_call *call);
long vc_set_rlimit(const struct vc_call *call);
long vc_get_rlimit_mask(const struct vc_call *call);
long vc_rlimit_stat(const struct vc_call *call);
long vc_reset_hits(const struct vc_call *call);
long vc_reset_minmax(const struct vc_call *call);

/* kernel/vserver/signal.c */
long vc_ctx_kill(const struct vc_call *call);
long vc_wait_exit(const struct vc_call *call);

/* kernel/vserver/network.c */
long vc_task_nid(const struct vc_call *call);
long vc_net_create(const struct vc_call *call);
long vc_net_migrate(const struct vc_call *call);
long vc_net_migrate_spectator(void);
long vc_nx_info(const struct vc_call *call);
long vc_get_nflags(const struct vc_call *call);
long vc_set_nflags(const struct vc_call *call);
long vc_get_ncaps(const struct vc_call *call);
long vc_set_ncaps(const struct vc_call *call);
long vc_net_add(const struct vc_call *call);
long vc_net_remove(const struct vc_call *call);
long vc_net_ipv4_v1(const struct vc_call *call);
long vc_net_ipv4_v2(const struct vc_call *call);
long vc_net_add_ipv6(const struct vc_call *call);
long vc_net_remove_ipv6(const struct vc_call *call);

/* kernel/vserver/inode.c */
long vc_set_mapping(const struct vc_call *call);
long vc_unset_mapping(const struct vc_call *call);
long vc_get_iattr(const struct vc_call *call);
long vc_set_iattr(const struct vc_call *call);
long vc_fget_iattr(const struct vc_call *call);
long vc_fset_iattr(const struct vc_call *call);
long vc_task_tag(const struct vc_call *call);
long vc_tag_migrate(const struct vc_call *call);

/* kernel/vserver/dlimit.c */
long vc_add_dlimit(const struct vc_call *call);
long vc_rem_dlimit(const struct vc_call *call);
long vc_set_dlimit(const struct vc_call *call);
long vc_get_dlimit(const struct vc_call *call);

/* kernel/vserver/space.c */
long vc_enter_space(const struct vc_call *call);
long vc_set_space(const struct vc_call *call);
long vc_get_space_mask(const struct vc_call *call);
long vc_get_space_default(const struct vc_call *call);

/* Bound the caller's capabilities by its context again. */
int vx_remask_current(void);

#endif /* _LINUX_VSERVER_SWITCH_H */
