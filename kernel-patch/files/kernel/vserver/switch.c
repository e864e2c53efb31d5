// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer system call: sys_vserver(cmd, id, data).
 *
 * One system call carries the whole Linux-VServer interface.  The command
 * word selects an entry of vc_commands[]; the entry's level, flags and
 * target type decide who may run it.  The checks run in the order the ABI
 * fixes, and the first one that fails decides the answer:
 *
 *   1. unknown command word (or feature not built in)   -ENOSYS
 *   2. caller lacks CAP_CONTEXT                          -ENOSYS
 *   3. level above 1 and caller lacks CAP_SYS_ADMIN      -EPERM
 *   4. ARES command and caller lacks CAP_SYS_RESOURCE    -EPERM
 *   5. spectator shortcut of ctx_migrate (id 1): the caller becomes a
 *      spectator and gets 1, with no further checks
 *   6. ADMIN command and caller is not the host          -EPERM
 *      (unless SETUP and the caller's own context is in setup)
 *   7. ZIDOK command with id 0: acts on the host, no lookup
 *   8. target lookup                                     -ESRCH / -EACCES
 *   9. the handler runs; bad user pointers give          -EFAULT
 *
 * Steps 2 and 1 give the same answer on purpose: a guest without
 * CAP_CONTEXT cannot tell a patched kernel from a stock one, whose empty
 * syscall slot also returns -ENOSYS.
 *
 * 64-bit kernels with IA-32 emulation reach the same dispatcher through
 * compat_sys_vserver(); handlers see call->compat and translate the few
 * argument structures whose layout differs.
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/syscalls.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <linux/vserver/sched.h>
#include <linux/vserver/switch.h>
#include <vserver/context.h>
#include <vserver/cvirt.h>
#include <vserver/device.h>
#include <vserver/dlimit.h>
#include <vserver/info.h>
#include <vserver/inode.h>
#include <vserver/limit.h>
#include <vserver/network.h>
#include <vserver/sched.h>
#include <vserver/signal.h>
#include <vserver/space.h>

static long vc_get_version(const struct vc_call *call)
{
	return VCI_VERSION;
}

/**
 * vc_vci_bits - the VCI feature bits of this kernel
 *
 * A bit is reported only for a feature that is really built in.  Kernel
 * chosen ("dynamic") context ids are implemented (ctx_create with id
 * 0xFFFFFFFF), so NO_DYNAMIC is clear.  NETV2: network contexts.  DEBUG marks a kernel built with
 * CONFIG_DEBUG_KERNEL.  PROC_SECURE: host-acting /proc entries start
 * hidden from guests (fs/proc/vserver_iattr.c).  TAGGED is INTERN: the
 * tag is a field of the inode.  COWBL: a guest's write-open breaks a
 * unified COW file's link; not FULLCOWBL, truncate(2) and chmod by path
 * do not.  SPACES: the space slots (set/enter_space, kernel/vserver/
 * space.c).  HARDCPU: the token bucket's hard limit (kernel/vserver/
 * sched.c).  PPTAG joins as its code lands.
 */
u32 vc_vci_bits(void)
{
	u32 bits = VCI_NETV2 | VCI_PROC_SECURE | VCI_SPACES;

	/* File tags: a field of the in-memory inode (security/vserver/fs.c). */
	bits |= VCI_TAGGED_INTERN << VCI_TAGGED_SHIFT;
	/* COW link breaking on open (kernel/vserver/inode.c), not FULLCOWBL. */
	bits |= VCI_COWBL;

	if (IS_ENABLED(CONFIG_VSERVER_SCHED))
		bits |= VCI_HARDCPU;
	if (IS_ENABLED(CONFIG_DEBUG_KERNEL))
		bits |= VCI_DEBUG;
	return bits;
}

static long vc_get_vci(const struct vc_call *call)
{
	return vc_vci_bits();
}

/*
 * The command table.  Commands of features that are not built in are left
 * out (#ifdef around the entry), which makes them unknown: -ENOSYS.
 */
#define I	VCF_INFO
#define A	VCF_ADMIN
#define R	(VCF_ADMIN | VCF_ARES)
#define S	VCF_SETUP
#define Z	VCF_ZIDOK

static const struct vc_cmd vc_commands[] = {
	{ VCMD_get_version,	0, 0,		VCT_NONE, vc_get_version },
	{ VCMD_get_vci,		0, 0,		VCT_NONE, vc_get_vci },
	{ VCMD_get_rlimit_mask,	0, 0,		VCT_NONE, vc_get_rlimit_mask },
	{ VCMD_get_space_mask_v0, 0, 0,		VCT_NONE, vc_get_space_mask },
	{ VCMD_get_space_mask,	0, 0,		VCT_NONE, vc_get_space_mask },
	{ VCMD_get_space_default, 0, 0,		VCT_NONE, vc_get_space_default },
	{ VCMD_task_xid,	2, 0,		VCT_NONE, vc_task_xid },
	{ VCMD_reset_hits,	2, 0,		VCT_CTX,  vc_reset_hits },
	{ VCMD_reset_minmax,	2, 0,		VCT_CTX,  vc_reset_minmax },
	{ VCMD_vx_info,		3, I,		VCT_CTX,  vc_vx_info },
	{ VCMD_ctx_stat,	3, I,		VCT_CTX,  vc_ctx_stat },
	{ VCMD_get_cflags,	3, I,		VCT_CTX,  vc_get_cflags },
	{ VCMD_get_ccaps,	3, I,		VCT_CTX,  vc_get_ccaps },
	{ VCMD_get_bcaps,	3, I,		VCT_CTX,  vc_get_bcaps },
	{ VCMD_get_umask,	3, I,		VCT_CTX,  vc_get_umask },
	{ VCMD_get_wmask,	3, I,		VCT_CTX,  vc_get_wmask },
	{ VCMD_get_vhi_name,	3, I,		VCT_CTX,  vc_get_vhi_name },
	{ VCMD_virt_stat,	3, I,		VCT_CTX,  vc_virt_stat },
	{ VCMD_sock_stat,	3, I,		VCT_CTX,  vc_sock_stat },
	{ VCMD_get_rlimit,	3, I,		VCT_CTX,  vc_get_rlimit },
	{ VCMD_rlimit_stat,	3, I,		VCT_CTX,  vc_rlimit_stat },
	{ VCMD_wait_exit,	4, I,		VCT_CTX,  vc_wait_exit },
	{ VCMD_ctx_create_v0,	5, 0,		VCT_NONE, vc_ctx_create },
	{ VCMD_ctx_create,	5, 0,		VCT_NONE, vc_ctx_create },
	{ VCMD_ctx_migrate_v0,	5, A,		VCT_CTX,  vc_ctx_migrate },
	{ VCMD_ctx_migrate,	5, A,		VCT_CTX,  vc_ctx_migrate },
	{ VCMD_enter_space_v0,	5, A,		VCT_CTX,  vc_enter_space },
	{ VCMD_enter_space_v1,	5, A,		VCT_CTX,  vc_enter_space },
	{ VCMD_enter_space,	5, A,		VCT_CTX,  vc_enter_space },
	{ VCMD_ctx_kill,	6, R,		VCT_CTX,  vc_ctx_kill },
	{ VCMD_set_cflags,	7, R | S,	VCT_CTX,  vc_set_cflags },
	{ VCMD_set_ccaps,	7, R | S,	VCT_CTX,  vc_set_ccaps },
	{ VCMD_set_bcaps,	7, R | S,	VCT_CTX,  vc_set_bcaps },
	{ VCMD_set_umask,	7, R | S,	VCT_CTX,  vc_set_umask },
	{ VCMD_set_wmask,	7, R | S,	VCT_CTX,  vc_set_wmask },
	{ VCMD_set_vhi_name,	7, R | S,	VCT_CTX,  vc_set_vhi_name },
	{ VCMD_set_rlimit,	7, R | S,	VCT_CTX,  vc_set_rlimit },
	{ VCMD_set_space_v1,	7, R | S,	VCT_CTX,  vc_set_space },
	{ VCMD_set_space,	7, R | S,	VCT_CTX,  vc_set_space },
#ifdef CONFIG_VSERVER_SCHED
	{ VCMD_get_sched,	3, I,		VCT_CTX,  vc_get_sched },
	{ VCMD_sched_info,	3, I,		VCT_CTX,  vc_sched_info },
	{ VCMD_get_prio_bias,	3, I,		VCT_CTX,  vc_get_prio_bias },
	{ VCMD_set_sched_v2,	7, R | S,	VCT_CTX,  vc_set_sched },
	{ VCMD_set_sched_v3,	7, R | S,	VCT_CTX,  vc_set_sched },
	{ VCMD_set_sched_v4,	7, R | S,	VCT_CTX,  vc_set_sched },
	{ VCMD_set_sched,	7, R | S,	VCT_CTX,  vc_set_sched },
	{ VCMD_set_prio_bias,	7, R | S,	VCT_CTX,  vc_set_prio_bias },
#endif
	/* set_namespace_v0 and cleanup_namespace are not dispatched. */

	{ VCMD_task_nid,	2, 0,		VCT_NONE, vc_task_nid },
	{ VCMD_nx_info,		3, I,		VCT_NET,  vc_nx_info },
	{ VCMD_get_nflags,	3, I,		VCT_NET,  vc_get_nflags },
	{ VCMD_get_ncaps,	3, I,		VCT_NET,  vc_get_ncaps },
	{ VCMD_net_create_v0,	5, 0,		VCT_NONE, vc_net_create },
	{ VCMD_net_create,	5, 0,		VCT_NONE, vc_net_create },
	{ VCMD_net_migrate,	5, A,		VCT_NET,  vc_net_migrate },
	{ VCMD_set_nflags,	7, R | S,	VCT_NET,  vc_set_nflags },
	{ VCMD_set_ncaps,	7, R | S,	VCT_NET,  vc_set_ncaps },
	{ VCMD_net_add,		8, R | S,	VCT_NET,  vc_net_add },
	{ VCMD_net_remove,	8, R | S,	VCT_NET,  vc_net_remove },
	{ VCMD_net_add_ipv4_v1,	8, R | S,	VCT_NET,  vc_net_ipv4_v1 },
	{ VCMD_net_rem_ipv4_v1,	8, R | S,	VCT_NET,  vc_net_ipv4_v1 },
	{ VCMD_net_add_ipv4,	8, R | S,	VCT_NET,  vc_net_ipv4_v2 },
	{ VCMD_net_rem_ipv4,	8, R | S,	VCT_NET,  vc_net_ipv4_v2 },
	{ VCMD_net_add_ipv6,	8, R | S,	VCT_NET,  vc_net_add_ipv6 },
	{ VCMD_net_remove_ipv6,	8, R | S,	VCT_NET,  vc_net_remove_ipv6 },
	/* add/get_match_ipv4/ipv6 are not dispatched: -ENOSYS. */

	{ VCMD_task_tag,	2, 0,		VCT_NONE, vc_task_tag },
	{ VCMD_tag_migrate,	5, A,		VCT_NONE, vc_tag_migrate },
	{ VCMD_get_iattr,	2, 0,		VCT_NONE, vc_get_iattr },
	{ VCMD_fget_iattr,	2, 0,		VCT_NONE, vc_fget_iattr },
	{ VCMD_set_iattr,	7, 0,		VCT_NONE, vc_set_iattr },
	{ VCMD_fset_iattr,	7, 0,		VCT_NONE, vc_fset_iattr },

	{ VCMD_set_mapping,	8, R | Z,	VCT_CTX,  vc_set_mapping },
	{ VCMD_unset_mapping,	8, R | Z,	VCT_CTX,  vc_unset_mapping },
	/* Disk limits: the id is a tag, no context is looked up. */
	{ VCMD_get_dlimit,	3, I,		VCT_NONE, vc_get_dlimit },
	{ VCMD_set_dlimit,	7, R,		VCT_NONE, vc_set_dlimit },
	{ VCMD_add_dlimit,	8, R,		VCT_NONE, vc_add_dlimit },
	{ VCMD_rem_dlimit,	8, R,		VCT_NONE, vc_rem_dlimit },
};

#undef I
#undef A
#undef R
#undef S
#undef Z

/* A linear scan is plenty for a table of this size and a rare call. */
static const struct vc_cmd *vc_find_cmd(u32 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vc_commands); i++)
		if (vc_commands[i].cmd == cmd)
			return &vc_commands[i];
	return NULL;
}

/* Steps 3 and 4: capabilities beyond CAP_CONTEXT. */
static long vc_check_caps(const struct vc_cmd *vc)
{
	if (vc->level > 1 && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if ((vc->flags & VCF_ARES) && !capable(CAP_SYS_RESOURCE))
		return -EPERM;
	return 0;
}

/*
 * Step 6: host administration.  The host context may always administer.
 * A guest runs a SETUP command only while its own context is still being
 * set up (it acts on itself then, or on a context it may see); for the
 * commands on network contexts that is its own network context.
 */
static long vc_check_admin(const struct vc_cmd *vc)
{
	bool setup;

	if (!(vc->flags & (VCF_ADMIN | VCF_ARES)))
		return 0;
	if (vx_current_xid() == VX_HOST_XID)
		return 0;
	if (vc->target == VCT_NET)
		setup = nx_info_flags(nx_task_info(current), NXF_STATE_SETUP);
	else
		setup = vx_info_flags(vx_task_info(current), VXF_STATE_SETUP);
	if ((vc->flags & VCF_SETUP) && setup)
		return 0;
	return -EPERM;
}

/* Step 5: ctx_migrate or net_migrate to id 1: the spectator shortcut. */
static bool vc_is_spectator_migrate(const struct vc_cmd *vc, u32 id)
{
	return id == VX_SPECTATOR_XID &&
	       (vc->cmd == VCMD_ctx_migrate_v0 || vc->cmd == VCMD_ctx_migrate ||
		vc->cmd == VCMD_net_migrate);
}

/* Step 8 for n commands: a guest finds only its own network context. */
static long vc_lookup_net(const struct vc_cmd *vc, struct vc_call *call)
{
	struct nx_info *nxi;
	u32 nid = call->id;

	if ((int)nid < 0)
		nid = nx_task_nid(current);
	if (nid < NX_ID_MIN || nid > NX_ID_MAX)
		return -ESRCH;
	if (vx_is_guest_xid(vx_current_xid()) && nid != nx_task_nid(current))
		return -ESRCH;

	nxi = nx_lookup(nid);
	if (!nxi)
		return -ESRCH;
	if ((vc->flags & (VCF_ADMIN | VCF_ARES)) &&
	    !(READ_ONCE(nxi->flags) & NXF_STATE_ADMIN)) {
		nx_put(nxi);
		return -EACCES;
	}
	call->nxi = nxi;
	return 0;
}

/*
 * Steps 7 and 8: find the object the id names and keep a reference in
 * @call.  Ids 0 and 1 have no object; a negative id names the caller's
 * own context (or network context).
 */
static long vc_lookup_target(const struct vc_cmd *vc, struct vc_call *call)
{
	struct vx_info *vxi;
	u32 xid = call->id;

	if (vc->target == VCT_NONE)
		return 0;
	if ((vc->flags & VCF_ZIDOK) && call->id == 0)
		return 0;
	if (vc->target == VCT_NET)
		return vc_lookup_net(vc, call);

	if ((int)xid < 0)
		xid = vx_current_xid();
	if (!vx_is_guest_xid(xid) || xid > VX_ID_MAX)
		return -ESRCH;
	/* A guest finds only its own context. */
	if (vx_is_guest_xid(vx_current_xid()) && xid != vx_current_xid())
		return -ESRCH;

	vxi = vx_lookup(xid);
	if (!vxi)
		return -ESRCH;
	if ((vc->flags & (VCF_ADMIN | VCF_ARES)) &&
	    vc->handler != vc_ctx_kill &&
	    !(READ_ONCE(vxi->flags) & VXF_STATE_ADMIN)) {
		vx_put(vxi);
		return -EACCES;
	}
	call->vxi = vxi;
	return 0;
}

static long vc_dispatch(u32 cmd, u32 id, void __user *data, bool compat)
{
	struct vc_call call = {
		.cmd	= cmd,
		.id	= id,
		.data	= data,
		.compat	= compat,
	};
	const struct vc_cmd *vc;
	long ret;

	/*
	 * Steps 1 and 2: an unknown command and a caller without
	 * CAP_CONTEXT both see a kernel without this interface.
	 */
	vc = vc_find_cmd(cmd);
	if (!vc || !capable(CAP_CONTEXT))
		return -ENOSYS;

	ret = vc_check_caps(vc);
	if (ret)
		return ret;

	if (vc_is_spectator_migrate(vc, id))
		return vc->target == VCT_NET ? vc_net_migrate_spectator() :
					       vc_ctx_migrate_spectator();

	ret = vc_check_admin(vc);
	if (ret)
		return ret;

	ret = vc_lookup_target(vc, &call);
	if (ret)
		return ret;

	ret = vc->handler(&call);
	vx_put(call.vxi);
	nx_put(call.nxi);
	return ret;
}

SYSCALL_DEFINE3(vserver, u32, cmd, u32, id, void __user *, data)
{
	return vc_dispatch(cmd, id, data, false);
}

#ifdef CONFIG_COMPAT
COMPAT_SYSCALL_DEFINE3(vserver, u32, cmd, u32, id, compat_uptr_t, data)
{
	return vc_dispatch(cmd, id, compat_ptr(data), true);
}
#endif
