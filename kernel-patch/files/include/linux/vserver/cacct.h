/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer per-context socket accounting (kernel side).
 *
 * For each socket family class (VXA_SOCK_*) a context counts the
 * messages its tasks received, sent and failed to send or receive, and
 * their bytes.  net/socket.c reports every sendmsg and recvmsg after the
 * protocol has answered.
 *
 * Locking: plain atomics.
 */
#ifndef _LINUX_VSERVER_CACCT_H
#define _LINUX_VSERVER_CACCT_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/sched.h>
#include <vserver/cvirt.h>

struct socket;

/* Columns: what happened to the message. */
enum { VXA_RECV, VXA_SEND, VXA_FAIL, VXA_COLUMNS };

struct vx_cacct {
	atomic_long_t	count[VXA_SOCK_TYPES][VXA_COLUMNS];
	atomic_long_t	bytes[VXA_SOCK_TYPES][VXA_COLUMNS];
};

#ifdef CONFIG_VSERVER
DECLARE_STATIC_KEY_FALSE(vx_active);

void __vx_sock_acct(struct socket *sock, int dir, int ret, size_t size);

/*
 * A message of @size bytes went through @sock in direction @dir
 * (VXA_RECV or VXA_SEND) and the protocol answered @ret.  Only a task
 * of a context counts: a host task passes without a call.
 */
static inline void vx_sock_acct(struct socket *sock, int dir, int ret,
				size_t size)
{
	if (static_branch_unlikely(&vx_active) && READ_ONCE(current->vx_info))
		__vx_sock_acct(sock, dir, ret, size);
}
#else
static inline void vx_sock_acct(struct socket *sock, int dir, int ret,
				size_t size) { }
#endif

#endif /* _LINUX_VSERVER_CACCT_H */
