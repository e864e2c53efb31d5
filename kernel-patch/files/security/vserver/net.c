// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer security module: sockets.
 *
 * A socket belongs to the contexts of the task that created it: at
 * socket() its struct sock records the security context (sk_xid) and
 * takes a reference on the network context (sk_nx_info).  Socks born
 * from another (TCP children, the server end of a unix connection) take
 * their parent's; sockets the kernel opens for itself belong to nobody.
 * The rules use the socket's network context, or the caller's for a
 * socket made outside one (a host socket handed to a guest), and fail
 * closed:
 *
 *  - socket(): in a network context, IPv4/IPv6 sockets exist only for
 *    what is handled here: TCP, UDP, UDP-Lite, ping (ICMP datagram) and
 *    raw sockets (those need CAP_NET_RAW or the RAW_ICMP grant anyway).
 *    SCTP, MPTCP, DCCP and the rest are -EPROTONOSUPPORT.
 *  - bind(): only addresses of the set (-EADDRNOTAVAIL); the wildcard
 *    becomes the primary address in __inet_bind/__inet6_bind.
 *  - listen(), connect(), sendmsg(): an unbound socket is first bound to
 *    the primary address of the family it talks (IPv4-mapped for an IPv4
 *    peer of an IPv6 socket; listen() picks the port too).  A family the
 *    set has no address for is -ENETUNREACH (-EADDRNOTAVAIL at listen),
 *    but for the loopback it may use (LBACK_ALLOW, LBACK_REMAP), which it
 *    then talks from;
 *    a socket bound outside the set (or to the wildcard: a host socket)
 *    is -EADDRNOTAVAIL; a failed bind is returned, never ignored.
 *  - source overrides: an IP_PKTINFO or IPV6_PKTINFO control message must
 *    name an address of the set (-EADDRNOTAVAIL; the IPv4 "any" source is
 *    refused too, as it lets the routing code choose).  IP_FREEBIND,
 *    IP_TRANSPARENT, IPV6_FREEBIND, IPV6_TRANSPARENT and the sticky
 *    IPV6_PKTINFO option are -EPERM; IP_HDRINCL/IPV6_HDRINCL on a raw
 *    socket need CAP_NET_RAW.
 *  - a raw socket of a network context receives only packets addressed
 *    to its set (the host's ICMP between host addresses stays unseen).
 *  - unix sockets: a guest connects and sends only to sockets of its own
 *    context (-EPERM), path or abstract alike; the host reaches all.
 *  - listings: /proc/net/{tcp,udp,raw}{,6} (udplite too) show a task of
 *    a network context only its own sockets, /proc/net/unix a guest only
 *    its context's (nx_sock_visible(), asked by the core).
 *
 * The send and receive checks run for every message and every packet, so
 * they are no hooks: security_socket_sendmsg() and security_sock_rcv_skb()
 * call them directly behind the vx_active static key
 * (include/linux/vserver/security.h).
 *
 * Locking: sk_xid and sk_nx_info are written before the socket is
 * published (socket creation, clone, accept) and then only read; the
 * reference is dropped when the sock is freed.  Address sets are read
 * under RCU (kernel/vserver/network.c), so every check here is safe in
 * softirq context.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/vserver/context.h>
#include <linux/vserver/isolation.h>
#include <linux/vserver/network.h>
#include <linux/vserver/security.h>
#include <net/inet_common.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/sock.h>
#include "vserver.h"

/* ---- who owns a socket ------------------------------------------------ */

static int vx_sk_alloc_security(struct sock *sk, int family, gfp_t priority)
{
	sk->sk_xid = VX_HOST_XID;
	sk->sk_nx_info = NULL;
	return 0;
}

static void vx_sk_free_security(struct sock *sk)
{
	nx_put(sk->sk_nx_info);
	sk->sk_nx_info = NULL;
}

/* sock_copy() gave @newsk the parent's owner: it needs its own reference. */
static void vx_sk_clone_security(const struct sock *sk, struct sock *newsk)
{
	if (newsk->sk_nx_info)
		nx_get(newsk->sk_nx_info);
}

static int vx_socket_post_create(struct socket *sock, int family, int type,
				 int protocol, int kern)
{
	struct sock *sk = sock->sk;
	struct nx_info *nxi;

	if (kern || !sk || !static_branch_unlikely(&vx_active))
		return 0;
	/* current holds a reference on its own network context. */
	nxi = nx_task_info(current);
	if (nxi)
		nx_get(nxi);
	sk->sk_xid = vx_current_xid();
	sk->sk_nx_info = nxi;
	return 0;
}

/* The network context whose rules apply to @sk, NULL: none. */
static struct nx_info *vx_sock_nx(const struct sock *sk)
{
	struct nx_info *nxi;

	if (!static_branch_unlikely(&vx_active) || sk->sk_kern_sock)
		return NULL;
	nxi = READ_ONCE(sk->sk_nx_info);
	return nxi ?: nx_task_info(current);
}

static bool vx_inet_family(const struct sock *sk)
{
	return sk->sk_family == AF_INET || sk->sk_family == AF_INET6;
}

/* ---- addresses -------------------------------------------------------- */

/* May a socket of @nxi send from / receive for the IPv4 address @a? */
static bool vx_v4_own(struct nx_info *nxi, __be32 a)
{
	if (!a)
		return false;
	if (ipv4_is_loopback(a) && nx_info_flags(nxi, NXF_LBACK_ALLOW))
		return true;
	return nx_v4_addr_allowed(nxi, a);
}

static bool vx_v6_own(struct nx_info *nxi, const struct in6_addr *a)
{
	if (ipv6_addr_v4mapped(a))
		return vx_v4_own(nxi, a->s6_addr32[3]);
	if (ipv6_addr_loopback(a))
		return nx_info_flags(nxi, NXF_LBACK_ALLOW);
	return nx_v6_addr_allowed(nxi, a);
}

/* ---- socket() --------------------------------------------------------- */

static int vx_socket_create(int family, int type, int protocol, int kern)
{
	if (kern || (family != AF_INET && family != AF_INET6) ||
	    !nx_current_info())
		return 0;
	switch (type) {
	case SOCK_RAW:
		return 0;
	case SOCK_STREAM:
		if (!protocol || protocol == IPPROTO_TCP)
			return 0;
		break;
	case SOCK_DGRAM:
		if (!protocol || protocol == IPPROTO_UDP ||
		    protocol == IPPROTO_UDPLITE || protocol == IPPROTO_ICMP ||
		    protocol == IPPROTO_ICMPV6)
			return 0;
		break;
	}
	return -EPROTONOSUPPORT;
}

/*
 * Is @sk one of the kinds handled here?  *@own_bind: it binds through its
 * protocol's bind (raw, ping) and only its address says whether it is
 * bound (a raw socket's inet_num is its protocol, a ping socket's its
 * ident).
 */
static bool vx_sock_handled(const struct sock *sk, bool *own_bind)
{
	*own_bind = sk->sk_type == SOCK_RAW ||
		    (sk->sk_type == SOCK_DGRAM &&
		     (sk->sk_protocol == IPPROTO_ICMP ||
		      sk->sk_protocol == IPPROTO_ICMPV6));
	return *own_bind || sk->sk_protocol == IPPROTO_TCP ||
	       sk->sk_protocol == IPPROTO_UDP ||
	       sk->sk_protocol == IPPROTO_UDPLITE;
}

/* ---- bind() ----------------------------------------------------------- */

static int vx_socket_bind(struct socket *sock, struct sockaddr *address,
			  int addrlen)
{
	struct sock *sk = sock->sk;
	struct nx_info *nxi;

	if (!sk || !vx_inet_family(sk))
		return 0;
	nxi = vx_sock_nx(sk);
	if (!nxi)
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

/*
 * Is @sk bound?  0: no (the caller binds it), 1: to an address of the
 * set, -EADDRNOTAVAIL: elsewhere or to the wildcard with a port (a
 * socket bound before it reached this network context).
 */
static int vx_sock_bound(struct nx_info *nxi, struct sock *sk, bool own_bind)
{
	bool port = !own_bind && READ_ONCE(inet_sk(sk)->inet_num);
	__be32 a4;

	if (sk->sk_family == AF_INET) {
		a4 = READ_ONCE(inet_sk(sk)->inet_rcv_saddr);
		if (a4)
			return nx_v4_bind_check(nxi, a4) ?: 1;
		return port ? -EADDRNOTAVAIL : 0;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		return nx_v6_bind_check(nxi, &sk->sk_v6_rcv_saddr) ?: 1;
#endif
	return port ? -EADDRNOTAVAIL : 0;
}

/*
 * Bind @sk to @addr: TCP, UDP and UDP-Lite through the core bind (with
 * @port the port is picked now, as listen() would; without it connect()
 * or sendmsg() picks it), raw and ping sockets through their own bind.
 */
static int vx_bind_source(struct sock *sk, bool own_bind, bool port,
			  struct sockaddr *addr, int len)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);
	u32 flags = BIND_WITH_LOCK | (port ? 0 : BIND_FORCE_ADDRESS_NO_PORT);

	if (own_bind)
		return prot->bind ? prot->bind(sk, addr, len) : -EOPNOTSUPP;
	if (sk->sk_family == AF_INET)
		return __inet_bind(sk, addr, len, flags);
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_bpf_stub)
		return ipv6_bpf_stub->inet6_bind(sk, addr, len, flags);
#endif
	return -EAFNOSUPPORT;
}

/*
 * A context without an address of the family still reaches the loopback
 * when bind() would let it use it (LBACK_ALLOW; for IPv4 also LBACK_REMAP
 * with a loopback address, which __inet_bind() then substitutes): is @dst
 * such a loopback destination?
 */
static bool vx_lback_dst(struct nx_info *nxi, const struct sockaddr *dst,
			 int dstlen)
{
	const struct sockaddr_in6 *d6 = (const struct sockaddr_in6 *)dst;
	const struct sockaddr_in *d4 = (const struct sockaddr_in *)dst;

	if (!dst)
		return false;
	if (dst->sa_family == AF_INET && dstlen >= sizeof(*d4))
		return ipv4_is_loopback(d4->sin_addr.s_addr) &&
		       !nx_v4_bind_check(nxi, d4->sin_addr.s_addr);
	if (dst->sa_family == AF_INET6 && dstlen >= SIN6_LEN_RFC2133)
		return ipv6_addr_loopback(&d6->sin6_addr) &&
		       !nx_v6_bind_check(nxi, &d6->sin6_addr);
	return false;
}

/*
 * Give the unbound @sk the primary address of the family it is about to
 * use: the socket's own for IPv4, for IPv6 the primary IPv6 address or,
 * towards an IPv4 peer (mapped, or AF_INET given to a UDPv6 socket), the
 * IPv4 primary mapped.  A listening IPv6 socket of an IPv4-only context
 * listens on the mapped IPv4 primary, as a wildcard bind would.
 */
static int vx_sock_source(struct nx_info *nxi, struct sock *sk,
			  const struct sockaddr *dst, int dstlen,
			  bool own_bind, bool listen)
{
	const struct sockaddr_in6 *d6 = (const struct sockaddr_in6 *)dst;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int unreach = listen ? -EADDRNOTAVAIL : -ENETUNREACH;
	bool mapped;
	__be32 v4;

	if (sk->sk_family == AF_INET) {
		sin.sin_addr.s_addr = nx_v4_primary(nxi);
		if (!sin.sin_addr.s_addr && !listen &&
		    vx_lback_dst(nxi, dst, dstlen))
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (!sin.sin_addr.s_addr)
			return unreach;
		return vx_bind_source(sk, own_bind, listen,
				      (struct sockaddr *)&sin, sizeof(sin));
	}
	if (listen) {
		mapped = !nx_v6_primary(nxi, &sin6.sin6_addr);
	} else if (!dst || dstlen < offsetofend(struct sockaddr, sa_family)) {
		return 0;	/* no peer: the protocol answers */
	} else if (dst->sa_family == AF_INET) {
		mapped = true;
	} else if (dst->sa_family == AF_INET6 && dstlen >= SIN6_LEN_RFC2133) {
		mapped = ipv6_addr_v4mapped(&d6->sin6_addr);
		if (!mapped && !nx_v6_primary(nxi, &sin6.sin6_addr)) {
			if (!vx_lback_dst(nxi, dst, dstlen))
				return unreach;
			sin6.sin6_addr = in6addr_loopback;
		}
	} else {
		return 0;	/* AF_UNSPEC, short: the protocol answers */
	}
	if (mapped) {
		v4 = nx_v4_primary(nxi);
		if (!v4)
			return unreach;
		ipv6_addr_set_v4mapped(v4, &sin6.sin6_addr);
	}
	return vx_bind_source(sk, own_bind, listen, (struct sockaddr *)&sin6,
			      sizeof(sin6));
}

/* Before @sk talks to @dst (or listens): make sure its source is ours. */
static int vx_sock_talk(struct socket *sock, const struct sockaddr *dst,
			int dstlen, bool listen)
{
	struct sock *sk = sock->sk;
	struct nx_info *nxi;
	bool own_bind;
	int ret;

	if (!sk || !vx_inet_family(sk))
		return 0;
	nxi = vx_sock_nx(sk);
	if (!nxi)
		return 0;
	if (!vx_sock_handled(sk, &own_bind))
		return -EPROTONOSUPPORT;
	ret = vx_sock_bound(nxi, sk, own_bind);
	if (ret)
		return ret < 0 ? ret : 0;
	return vx_sock_source(nxi, sk, dst, dstlen, own_bind, listen);
}

static int vx_socket_listen(struct socket *sock, int backlog)
{
	if (!sock->sk || sock->sk->sk_type != SOCK_STREAM)
		return 0;
	return vx_sock_talk(sock, NULL, 0, true);
}

static int vx_socket_connect(struct socket *sock, struct sockaddr *address,
			     int addrlen)
{
	/* AF_UNSPEC disconnects. */
	if (addrlen >= offsetofend(struct sockaddr, sa_family) &&
	    address->sa_family == AF_UNSPEC)
		return 0;
	return vx_sock_talk(sock, address, addrlen, false);
}

/*
 * IP_PKTINFO (ipi_spec_dst) and IPV6_PKTINFO (ipi6_addr) choose the
 * source of one datagram.  The message is a kernel copy by now
 * (____sys_sendmsg); malformed ones are left for the protocol to refuse.
 */
static int vx_sock_cmsgs(struct nx_info *nxi, struct msghdr *msg)
{
	struct in6_pktinfo *info6;
	struct in_pktinfo *info;
	struct cmsghdr *cmsg;

	if (!msg->msg_controllen || msg->msg_control_is_user)
		return 0;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return 0;
		if (cmsg->cmsg_level == SOL_IP &&
		    cmsg->cmsg_type == IP_PKTINFO &&
		    cmsg->cmsg_len == CMSG_LEN(sizeof(*info))) {
			info = (struct in_pktinfo *)CMSG_DATA(cmsg);
			if (!vx_v4_own(nxi, info->ipi_spec_dst.s_addr))
				return -EADDRNOTAVAIL;
		}
		if (cmsg->cmsg_level == SOL_IPV6 &&
		    (cmsg->cmsg_type == IPV6_PKTINFO ||
		     cmsg->cmsg_type == IPV6_2292PKTINFO) &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(*info6))) {
			info6 = (struct in6_pktinfo *)CMSG_DATA(cmsg);
			if (!ipv6_addr_any(&info6->ipi6_addr) &&
			    !vx_v6_own(nxi, &info6->ipi6_addr))
				return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

int vx_socket_sendmsg(struct socket *sock, struct msghdr *msg)
{
	struct nx_info *nxi;
	int err;

	err = vx_sock_talk(sock, msg->msg_name, msg->msg_namelen, false);
	if (err || !sock->sk || !vx_inet_family(sock->sk))
		return err;
	nxi = vx_sock_nx(sock->sk);
	return nxi ? vx_sock_cmsgs(nxi, msg) : 0;
}

/* Options that let a socket send from an address it did not bind. */
static bool vx_sockopt_source(int level, int optname)
{
	if (level == SOL_IP)
		return optname == IP_FREEBIND || optname == IP_TRANSPARENT;
	if (level == SOL_IPV6)
		return optname == IPV6_FREEBIND ||
		       optname == IPV6_TRANSPARENT ||
		       optname == IPV6_PKTINFO;
	return false;
}

static int vx_socket_setsockopt(struct socket *sock, int level, int optname)
{
	struct sock *sk = sock->sk;
	struct nx_info *nxi;

	if (!sk || !vx_inet_family(sk))
		return 0;
	nxi = vx_sock_nx(sk);
	if (nxi && vx_sockopt_source(level, optname))
		return -EPERM;
	if (!nxi && !(static_branch_unlikely(&vx_active) &&
		      vx_task_info(current)))
		return 0;
	if (sk->sk_type != SOCK_RAW)
		return 0;
	if (!(level == SOL_IP && optname == IP_HDRINCL) &&
	    !(level == SOL_IPV6 && optname == IPV6_HDRINCL))
		return 0;
	return ns_capable_noaudit(sock_net(sk)->user_ns, CAP_NET_RAW) ?
	       0 : -EPERM;
}

/*
 * Receive side of raw IPv4/IPv6 sockets (softirq): only packets addressed
 * to the set reach a raw socket of a network context.  -EPERM drops the
 * packet for this socket only.  (Netlink and packet sockets are SOCK_RAW
 * too: they are not ours to filter.)
 */
int vx_sock_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	struct nx_info *nxi = READ_ONCE(sk->sk_nx_info);

	if (!nxi || sk->sk_type != SOCK_RAW || !vx_inet_family(sk))
		return 0;
	/* raw_rcv() and rawv6_rcv() hand over the packet from its IP header. */
	if (sk->sk_family == AF_INET)
		return vx_v4_own(nxi, ip_hdr(skb)->daddr) ? 0 : -EPERM;
	return vx_v6_own(nxi, &ipv6_hdr(skb)->daddr) ? 0 : -EPERM;
}

/* ---- unix sockets ----------------------------------------------------- */

/* May current reach the unix socket @other? */
static int vx_unix_reach(const struct sock *other)
{
	u32 me;

	if (!static_branch_unlikely(&vx_active))
		return 0;
	me = vx_current_xid();
	return me == VX_HOST_XID || me == READ_ONCE(other->sk_xid) ?
	       0 : -EPERM;
}

static int vx_unix_stream_connect(struct sock *sock, struct sock *other,
				  struct sock *newsk)
{
	int err = vx_unix_reach(other);

	/* The server end belongs where the listener does. */
	if (!err)
		newsk->sk_xid = READ_ONCE(other->sk_xid);
	return err;
}

static int vx_unix_may_send(struct socket *sock, struct socket *other)
{
	return vx_unix_reach(other->sk);
}

/* ---- listings --------------------------------------------------------- */

/**
 * nx_sock_visible - may current see @sk in a /proc/net listing?
 * @sk:	a full sock, or a time-wait or request sock (TCP)
 *
 * Unix sockets: a guest sees those of its context.  IPv4/IPv6: a task of
 * a network context sees the sockets made in it; time-wait and request
 * socks carry no owner and are shown when their local address is of the
 * set.  Everybody else sees everything.
 */
bool nx_sock_visible(const struct sock *sk)
{
	struct nx_info *nxi;
	u32 me;

	if (!static_branch_unlikely(&vx_active))
		return true;
	if (sk->sk_family == AF_UNIX) {
		me = vx_current_xid();
		return !vx_is_guest_xid(me) || READ_ONCE(sk->sk_xid) == me;
	}
	nxi = nx_current_info();
	if (!nxi)
		return true;
	if (sk_fullsock(sk))
		return READ_ONCE(sk->sk_nx_info) == nxi;
	if (sk->sk_family == AF_INET)
		return vx_v4_own(nxi, sk->sk_rcv_saddr);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return vx_v6_own(nxi, &sk->sk_v6_rcv_saddr);
#endif
	return false;
}
EXPORT_SYMBOL_GPL(nx_sock_visible);

/**
 * nx_sock_diag_visible - may current see @sk in a NETLINK_SOCK_DIAG dump?
 * @sk:	a full sock of any family, or a time-wait or request sock
 *
 * What nx_sock_visible() shows, and of the full socks a guest sees only
 * those made in its own context: packet and netlink sockets (the kernel's
 * own included) have no addresses that would tell.  The host and the
 * spectator see everything.
 */
bool nx_sock_diag_visible(const struct sock *sk)
{
	u32 me;

	if (!static_branch_unlikely(&vx_active))
		return true;
	if (!nx_sock_visible(sk))
		return false;
	if (!sk_fullsock(sk))
		return true;
	me = vx_current_xid();
	return !vx_is_guest_xid(me) || READ_ONCE(sk->sk_xid) == me;
}
EXPORT_SYMBOL_GPL(nx_sock_diag_visible);

static struct security_hook_list vx_net_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(sk_alloc_security, vx_sk_alloc_security),
	LSM_HOOK_INIT(sk_free_security, vx_sk_free_security),
	LSM_HOOK_INIT(sk_clone_security, vx_sk_clone_security),
	LSM_HOOK_INIT(socket_create, vx_socket_create),
	LSM_HOOK_INIT(socket_post_create, vx_socket_post_create),
	LSM_HOOK_INIT(socket_bind, vx_socket_bind),
	LSM_HOOK_INIT(socket_listen, vx_socket_listen),
	LSM_HOOK_INIT(socket_connect, vx_socket_connect),
	LSM_HOOK_INIT(socket_setsockopt, vx_socket_setsockopt),
	LSM_HOOK_INIT(unix_stream_connect, vx_unix_stream_connect),
	LSM_HOOK_INIT(unix_may_send, vx_unix_may_send),
};

/**
 * vx_net_lsm_init - add the socket hooks to the vserver LSM
 */
void __init vx_net_lsm_init(void)
{
	security_add_hooks(vx_net_hooks, ARRAY_SIZE(vx_net_hooks), "vserver");
}
