/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer: what the core asks the security module about objects
 * that several contexts share (sockets, SysV IPC objects), so that the
 * listings of /proc/net, NETLINK_SOCK_DIAG and /proc/sysvipc show a guest
 * only its own.
 *
 * A socket records the context and network context of the task that
 * created it (struct sock: sk_xid, sk_nx_info); a SysV IPC object the
 * context of its creator (the module's ipc blob).  Without
 * CONFIG_VSERVER everything is visible.
 */
#ifndef _LINUX_VSERVER_ISOLATION_H
#define _LINUX_VSERVER_ISOLATION_H

#include <linux/types.h>

struct sock;
struct kern_ipc_perm;

#ifdef CONFIG_VSERVER

bool nx_sock_visible(const struct sock *sk);
bool nx_sock_diag_visible(const struct sock *sk);
bool vx_ipc_visible(struct kern_ipc_perm *perm);

#else /* !CONFIG_VSERVER */

static inline bool nx_sock_visible(const struct sock *sk)
{
	return true;
}

static inline bool nx_sock_diag_visible(const struct sock *sk)
{
	return true;
}

static inline bool vx_ipc_visible(struct kern_ipc_perm *perm)
{
	return true;
}

#endif /* CONFIG_VSERVER */

#endif /* _LINUX_VSERVER_ISOLATION_H */
