// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer socket accounting.
 *
 * Every message a task of a context sends or receives through a socket
 * is counted for that context, per socket family class (UNSPEC, UNIX,
 * INET, INET6, PACKET, OTHER): received and sent messages with the bytes
 * the protocol reported, failed ones (a negative answer) with the bytes
 * that were asked for.  A call that moved nothing (end of stream) is not
 * a message.  Sockets of the host are not counted.  The totals
 * are shown in /proc/virtual/<xid>/cacct and returned by sock_stat.
 *
 * Locking: plain atomics; the context outlives its tasks' calls.
 */

#include <linux/errno.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <linux/vserver/cacct.h>
#include <linux/vserver/context.h>
#include <linux/vserver/switch.h>

/* The class /proc and sock_stat file a socket of @family under. */
static int vx_sock_class(int family)
{
	switch (family) {
	case AF_UNSPEC:
		return VXA_SOCK_UNSPEC;
	case AF_UNIX:
		return VXA_SOCK_UNIX;
	case AF_INET:
		return VXA_SOCK_INET;
	case AF_INET6:
		return VXA_SOCK_INET6;
	case AF_PACKET:
		return VXA_SOCK_PACKET;
	default:
		return VXA_SOCK_OTHER;
	}
}

void __vx_sock_acct(struct socket *sock, int dir, int ret, size_t size)
{
	struct vx_info *vxi = vx_task_info(current);
	struct vx_cacct *acct;
	int class;

	if (!vxi)
		return;
	acct = &vxi->cacct;
	class = vx_sock_class(sock->sk ? sock->sk->sk_family : AF_UNSPEC);
	if (ret < 0) {
		atomic_long_inc(&acct->count[class][VXA_FAIL]);
		atomic_long_add(size, &acct->bytes[class][VXA_FAIL]);
		return;
	}
	if (!ret)
		return;
	atomic_long_inc(&acct->count[class][dir]);
	atomic_long_add(ret, &acct->bytes[class][dir]);
}

long vc_sock_stat(const struct vc_call *call)
{
	struct vx_cacct *acct = &call->vxi->cacct;
	struct vcmd_sock_stat_v0 arg;
	int i;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (arg.field >= VXA_SOCK_TYPES)
		return -EINVAL;
	for (i = 0; i < VXA_COLUMNS; i++) {
		arg.count[i] = atomic_long_read(&acct->count[arg.field][i]);
		arg.total[i] = atomic_long_read(&acct->bytes[arg.field][i]);
	}
	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/* /proc/virtual/<xid>/cacct; the slab and page counters are not kept. */
void vx_cacct_proc_show(struct seq_file *m, struct vx_info *vxi)
{
	static const char *const names[VXA_SOCK_TYPES] = {
		"UNSPEC", "UNIX", "INET", "INET6", "PACKET", "OTHER"
	};
	struct vx_cacct *acct = &vxi->cacct;
	int class, i;

	seq_puts(m, "Type\t    recv #/bytes\t\t   send #/bytes\t\t    fail #/bytes\n");
	for (class = 0; class < VXA_SOCK_TYPES; class++) {
		seq_printf(m, "%s:", names[class]);
		for (i = 0; i < VXA_COLUMNS; i++)
			seq_printf(m, "\t%10lu/%-10lu",
				   atomic_long_read(&acct->count[class][i]),
				   atomic_long_read(&acct->bytes[class][i]));
		seq_putc(m, '\n');
	}
	seq_printf(m, "\nslab:\t %8u %8u %8u %8u\n\n", 0, 0, 0, 0);
	for (i = 0; i < 5; i++)
		seq_printf(m, "page[%d]: %8u %8u %8u %8u\t %8u %8u %8u %8u\n",
			   i, 0, 0, 0, 0, 0, 0, 0, 0);
}
