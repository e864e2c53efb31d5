// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: the refusals between contexts.
 *
 * The core (kernel/pid.c, fs/proc/base.c) already hides tasks of other
 * contexts, so a pid lookup across contexts fails with -ESRCH.  This
 * module is the second line, for tasks reached some other way (process
 * groups, SIGIO owners, a parent waiting for a child that moved into a
 * guest).  It only ever says -EPERM: kill_pid_info() retries while the
 * answer is -ESRCH.
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
 *  - fork and open refuse to pass the context's limits (limit.c).
 *  - syslog(2) and /dev/kmsg need the ccap SYSLOG in a guest, and the
 *    TIOCSTI ioctl (pushing input into a terminal) the ccap TIOCSTI.
 *  - Sockets of a task in a network context bind only to addresses of
 *    its set (-EADDRNOTAVAIL otherwise; the wildcard becomes the primary
 *    address in __inet_bind/__inet6_bind).  An unbound TCP, UDP, raw or
 *    ping socket that connects or sends is first bound to the primary
 *    address of its family (IPv4-mapped for an IPv4 peer of an IPv6
 *    socket), so its source is in the set.  (Where 127.x and ::1 lead is
 *    decided in the core, nx_sock_dst().)  A raw socket opened without
 *    CAP_NET_RAW (ICMP only, granted by NXC_RAW_ICMP) may not set
 *    IP_HDRINCL/IPV6_HDRINCL.
 *
 * The host pays one static-key test per hook until the first context or
 * spectator exists.
 */

#include <asm/ioctls.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/lsm_hooks.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <net/inet_common.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/sock.h>
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
	/* A SIGIO/SIGURG owner's cred carries no context: nothing to say. */
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
 * Hot path: every capability check of every task.  Only the caller's own
 * credentials are bounded here; has_capability() on another task is left
 * to that task's masked credentials.
 */
static int vx_capable(const struct cred *cred, struct user_namespace *ns,
		      int cap, unsigned int opts)
{
	struct vx_info *vxi;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	if (cred != current_cred())
		return 0;
	vxi = vx_task_info(current);
	if (!vxi)
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

/* Pushing bytes into a terminal's input: the classic way out of a guest. */
static int vx_file_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	if (cmd != TIOCSTI)
		return 0;
	return vx_need_ccap(VXC_TIOCSTI);
}

static int vx_socket_bind(struct socket *sock, struct sockaddr *address,
			  int addrlen)
{
	struct nx_info *nxi = nx_current_info();
	struct sock *sk = sock->sk;

	if (!nxi || !sk)
		return 0;
	/* Short or odd addresses: the protocol's own bind says no. */
	if (sk->sk_family == AF_INET && address->sa_family != AF_INET6 &&
	    addrlen >= sizeof(struct sockaddr_in))
		return nx_v4_bind_check(nxi,
			((struct sockaddr_in *)address)->sin_addr.s_addr);
	if (sk->sk_family == AF_INET6 && address->sa_family == AF_INET6 &&
	    addrlen >= SIN6_LEN_RFC2133)
		return nx_v6_bind_check(nxi,
			&((struct sockaddr_in6 *)address)->sin6_addr);
	return 0;
}

/* The source an unbound IPv6 socket gets: IPv4-mapped for an IPv4 peer. */
static bool vx_v6_source(struct nx_info *nxi, const struct sockaddr *dst,
			 int dstlen, struct in6_addr *src)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)dst;
	__be32 v4;

	if (dst && dstlen >= SIN6_LEN_RFC2133 && dst->sa_family == AF_INET6 &&
	    ipv6_addr_v4mapped(&sin6->sin6_addr)) {
		v4 = nx_v4_primary(nxi);
		if (!v4)
			return false;
		ipv6_addr_set_v4mapped(v4, src);
		return true;
	}
	return nx_v6_primary(nxi, src);
}

/*
 * Bind @sk to the source @addr without a port: TCP and UDP through the
 * core bind, which leaves the port for connect()/sendmsg() to pick;
 * raw and ping sockets through their own bind (a ping socket takes its
 * ident there, as it would at its first send).  Errors are ignored: the
 * socket then keeps whatever the kernel would have chosen.
 */
static void vx_bind_source(struct sock *sk, bool own_bind,
			   struct sockaddr *addr, int len)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);

	if (own_bind) {
		if (prot->bind)
			prot->bind(sk, addr, len);
		return;
	}
	if (addr->sa_family == AF_INET) {
		__inet_bind(sk, addr, len,
			    BIND_FORCE_ADDRESS_NO_PORT | BIND_WITH_LOCK);
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_bpf_stub)
		ipv6_bpf_stub->inet6_bind(sk, addr, len,
					  BIND_FORCE_ADDRESS_NO_PORT |
					  BIND_WITH_LOCK);
#endif
}

/*
 * An unbound TCP, UDP, raw or ping socket of a network context gets the
 * primary address of its family (no port yet) before it connects or
 * sends to @dst, so the kernel does not pick a source outside the set.
 * An IPv6 socket talking to an IPv4-mapped peer gets the IPv4 primary,
 * mapped.  A raw socket's inet_num is its protocol, so for it only the
 * address tells whether it is bound.
 */
static int vx_socket_bind_primary(struct socket *sock, struct sockaddr *dst,
				  int dstlen)
{
	struct nx_info *nxi = nx_current_info();
	struct sock *sk = sock->sk;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	bool raw, ping;

	if (!nxi || !sk)
		return 0;
	raw = sk->sk_type == SOCK_RAW;
	ping = sk->sk_type == SOCK_DGRAM &&
	       (sk->sk_protocol == IPPROTO_ICMP ||
		sk->sk_protocol == IPPROTO_ICMPV6);
	if (!raw && !ping &&
	    sk->sk_protocol != IPPROTO_TCP && sk->sk_protocol != IPPROTO_UDP)
		return 0;
	if (!raw && READ_ONCE(inet_sk(sk)->inet_num))
		return 0;
	/* Raced with another bind: whatever it chose stands. */
	if (sk->sk_family == AF_INET && !READ_ONCE(inet_sk(sk)->inet_rcv_saddr)) {
		sin.sin_addr.s_addr = nx_v4_primary(nxi);
		if (sin.sin_addr.s_addr)
			vx_bind_source(sk, raw || ping, (struct sockaddr *)&sin,
				       sizeof(sin));
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && ipv6_addr_any(&sk->sk_v6_rcv_saddr) &&
	    vx_v6_source(nxi, dst, dstlen, &sin6.sin6_addr))
		vx_bind_source(sk, raw || ping, (struct sockaddr *)&sin6,
			       sizeof(sin6));
#endif
	return 0;
}

static int vx_socket_connect(struct socket *sock, struct sockaddr *address,
			     int addrlen)
{
	return vx_socket_bind_primary(sock, address, addrlen);
}

static int vx_socket_sendmsg(struct socket *sock, struct msghdr *msg, int size)
{
	return vx_socket_bind_primary(sock, msg->msg_name, msg->msg_namelen);
}

static int vx_socket_setsockopt(struct socket *sock, int level, int optname)
{
	struct sock *sk = sock->sk;

	if (!nx_current_info() && !(static_branch_unlikely(&vx_active) &&
				    vx_task_info(current)))
		return 0;
	if (!sk || sk->sk_type != SOCK_RAW)
		return 0;
	if (!(level == SOL_IP && optname == IP_HDRINCL) &&
	    !(level == SOL_IPV6 && optname == IPV6_HDRINCL))
		return 0;
	return ns_capable_noaudit(sock_net(sk)->user_ns, CAP_NET_RAW) ?
	       0 : -EPERM;
}

static struct security_hook_list vx_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(ptrace_access_check, vx_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, vx_ptrace_traceme),
	LSM_HOOK_INIT(capable, vx_capable),
	LSM_HOOK_INIT(cred_prepare, vx_cred_prepare),
	LSM_HOOK_INIT(syslog, vx_syslog),
	LSM_HOOK_INIT(file_ioctl, vx_file_ioctl),
	LSM_HOOK_INIT(task_kill, vx_task_kill),
	LSM_HOOK_INIT(task_setnice, vx_task_setnice),
	LSM_HOOK_INIT(task_setioprio, vx_task_setioprio),
	LSM_HOOK_INIT(task_getioprio, vx_task_getioprio),
	LSM_HOOK_INIT(task_setscheduler, vx_task_setscheduler),
	LSM_HOOK_INIT(task_getscheduler, vx_task_observe),
	LSM_HOOK_INIT(task_movememory, vx_task_movememory),
	LSM_HOOK_INIT(task_getpgid, vx_task_observe),
	LSM_HOOK_INIT(task_getsid, vx_task_observe),
	LSM_HOOK_INIT(socket_bind, vx_socket_bind),
	LSM_HOOK_INIT(socket_connect, vx_socket_connect),
	LSM_HOOK_INIT(socket_sendmsg, vx_socket_sendmsg),
	LSM_HOOK_INIT(socket_setsockopt, vx_socket_setsockopt),
};

struct lsm_blob_sizes vx_blob_sizes __lsm_ro_after_init = {
	.lbs_file = sizeof(struct vx_file),
	.lbs_task = sizeof(struct vx_task),
	.lbs_superblock = sizeof(struct vx_sb),
};

static int __init vx_lsm_init(void)
{
	security_add_hooks(vx_hooks, ARRAY_SIZE(vx_hooks), "vserver");
	vx_limit_add_hooks();
	vx_fs_lsm_init();
	vx_lsm_enabled = true;
	pr_info("Linux-VServer context isolation active\n");
	return 0;
}

DEFINE_LSM(vserver) = {
	.name = "vserver",
	.init = vx_lsm_init,
	.blobs = &vx_blob_sizes,
};
