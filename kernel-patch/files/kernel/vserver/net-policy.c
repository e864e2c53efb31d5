// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer network contexts: what a context's address set allows
 * its tasks.  The helpers here are called by the security module's
 * socket hooks (security/vserver/net.c) and directly from inet and inet6
 * (socket creation, bind, connect, sendmsg) and from the interface and
 * address listings; the objects and their commands are network.c's.
 *
 *  - Binds: a wildcard bind gets the context's primary address of the
 *    family; an address outside the set is -EADDRNOTAVAIL; with
 *    LBACK_REMAP 127.x is the context's own loopback address.
 *  - Destinations: the host's loopback (127.x, ::1, and 0.0.0.0, which
 *    the kernel sends to a loopback) is reachable only with LBACK_ALLOW,
 *    or is the context's loopback with LBACK_REMAP; else -ENETUNREACH.
 *  - Listings: with HIDE_NETIF a task sees only the interfaces and
 *    addresses of its set, and the loopback when it may use it;
 *    HIDE_LBACK hides the loopback whatever the other flags say.
 *  - Raw ICMP: NXC_RAW_ICMP (or the ccap of the same value) gives ping
 *    without CAP_NET_RAW.
 *
 * Every hook costs one static-key test for the host until the first
 * context exists, and returns at once for a task in no network context.
 *
 * Locking: the address set is read under RCU (network.c publishes a new
 * copy on each change); flags and capabilities with READ_ONCE().
 */

#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/sock.h>

/* ---- socket hooks ----------------------------------------------------- */

/* Is @addr (network order) inside the IPv4 entry @e? */
static bool nx_addr4_match(const struct nx_addr4 *e, __be32 addr)
{
	switch (e->type) {
	case NXA_TYPE_MASK:
		return !((addr ^ e->ip) & e->mask);
	case NXA_TYPE_RANGE:
		return ntohl(addr) >= ntohl(e->ip) && ntohl(addr) <= ntohl(e->ip2);
	default:
		return addr == e->ip;
	}
}

/**
 * nx_v4_addr_allowed - may a task of @nxi use local IPv4 address @addr?
 * @nxi:	network context, NULL: no restriction
 * @addr:	address, network order
 *
 * The entries, the broadcast and the loopback address are allowed.
 * Safe in atomic context.
 */
bool nx_v4_addr_allowed(struct nx_info *nxi, __be32 addr)
{
	const struct nx_addrs *a;
	bool ret = false;
	unsigned int i;

	if (!nxi)
		return true;
	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	if (addr && (addr == a->bcast || addr == a->lback))
		ret = true;
	for (i = 0; !ret && i < a->n4; i++)
		ret = nx_addr4_match(&a->v4[i], addr);
	rcu_read_unlock();
	return ret;
}

/* Is @addr inside the IPv6 entry @e? */
static bool nx_addr6_match(const struct nx_addr6 *e, const struct in6_addr *addr)
{
	return !ipv6_masked_addr_cmp(&e->ip, &e->mask, addr);
}

bool nx_v6_addr_allowed(struct nx_info *nxi, const struct in6_addr *addr)
{
	const struct nx_addrs *a;
	bool ret = false;
	unsigned int i;

	if (!nxi)
		return true;
	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	for (i = 0; !ret && i < a->n6; i++)
		ret = nx_addr6_match(&a->v6[i], addr);
	rcu_read_unlock();
	return ret;
}

/* The primary IPv4 address of @nxi, 0 if it has none. */
__be32 nx_v4_primary(struct nx_info *nxi)
{
	const struct nx_addrs *a;
	__be32 ip = 0;

	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	if (a->n4)
		ip = a->v4[0].ip;
	rcu_read_unlock();
	return ip;
}

/* The primary IPv6 address of @nxi into @addr; false if it has none. */
bool nx_v6_primary(struct nx_info *nxi, struct in6_addr *addr)
{
	const struct nx_addrs *a;
	bool ret = false;

	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	if (a->n6) {
		*addr = a->v6[0].ip;
		ret = true;
	}
	rcu_read_unlock();
	return ret;
}

/* The caller's network context, or NULL if it is unrestricted. */
struct nx_info *nx_current_info(void)
{
	if (!static_branch_unlikely(&vx_active))
		return NULL;
	return nx_task_info(current);
}

/**
 * nx_inet_bind_addr - the IPv4 address a bind() really asks for
 * @addr:	the address given, network order
 *
 * Called at the top of __inet_bind().  For a task in a network context
 * the wildcard address means its primary address, and with LBACK_REMAP
 * a 127.x address means the context's loopback address.  The security
 * module has already refused what is outside the set.
 */
__be32 nx_inet_bind_addr(__be32 addr)
{
	struct nx_info *nxi = nx_current_info();
	const struct nx_addrs *a;
	__be32 ret = addr;

	if (!nxi)
		return addr;
	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	if (addr == htonl(INADDR_ANY) && a->n4)
		ret = a->v4[0].ip;
	else if (ipv4_is_loopback(addr) && a->lback &&
		 (READ_ONCE(nxi->flags) & NXF_LBACK_REMAP))
		ret = a->lback;
	rcu_read_unlock();
	return ret;
}

/**
 * nx_raw_icmp_allowed - may the caller open an ICMP raw socket without
 * CAP_NET_RAW?
 *
 * Yes if its network context has NXC_RAW_ICMP or its context has the
 * ccap of the same value (VXC_RAW_ICMP, kept for util-vserver's
 * defaults).  Only ICMP; inet_create() asks only for that protocol.
 */
bool nx_raw_icmp_allowed(void)
{
	if (!static_branch_unlikely(&vx_active))
		return false;
	return nx_info_ncaps(nx_task_info(current), NXC_RAW_ICMP) ||
	       vx_info_ccaps(vx_task_info(current), VXC_RAW_ICMP);
}

/**
 * nx_inet6_bind_addr - the address a bind() to the IPv6 wildcard means
 * @addr: out: the caller's primary IPv6 address
 *
 * Called at the top of __inet6_bind() for the wildcard address; false
 * (leave it alone) for a task without a network context.  A context
 * without IPv6 addresses gets its primary IPv4 address, v4-mapped, so a
 * dual-stack server still listens on exactly that address.
 */
bool nx_inet6_bind_addr(struct in6_addr *addr)
{
	struct nx_info *nxi = nx_current_info();
	__be32 v4;

	if (!nxi)
		return false;
	if (nx_v6_primary(nxi, addr))
		return true;
	/* An IPv4-only context: the dual-stack wildcard is its IPv4 one. */
	v4 = nx_v4_primary(nxi);
	if (!v4)
		return false;
	ipv6_addr_set_v4mapped(v4, addr);
	return true;
}

/**
 * nx_v4_bind_check - may a task of @nxi bind to IPv4 address @addr?
 *
 * Returns 0 or -EADDRNOTAVAIL.  The wildcard needs a primary address (it
 * becomes that); 127.x needs LBACK_ALLOW, or LBACK_REMAP with a loopback
 * address (it becomes that); anything else must be in the set.
 */
int nx_v4_bind_check(struct nx_info *nxi, __be32 addr)
{
	u64 flags = READ_ONCE(nxi->flags);
	const struct nx_addrs *a;
	bool ok;

	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	if (addr == htonl(INADDR_ANY))
		ok = a->n4;
	else if (ipv4_is_loopback(addr) && (flags & NXF_LBACK_ALLOW))
		ok = true;
	else if (ipv4_is_loopback(addr) && (flags & NXF_LBACK_REMAP) &&
		 a->lback)
		ok = true;
	else
		ok = false;
	rcu_read_unlock();
	if (!ok && addr != htonl(INADDR_ANY))
		ok = nx_v4_addr_allowed(nxi, addr);
	return ok ? 0 : -EADDRNOTAVAIL;
}

/*
 * The same for IPv6: the wildcard needs a primary address (IPv6, else
 * IPv4, see nx_inet6_bind_addr()), ::1
 * needs LBACK_ALLOW, a v4-mapped address follows the IPv4 rules.
 */
int nx_v6_bind_check(struct nx_info *nxi, const struct in6_addr *addr)
{
	struct in6_addr primary;
	bool ok;

	if (ipv6_addr_v4mapped(addr))
		return nx_v4_bind_check(nxi, addr->s6_addr32[3]);
	if (ipv6_addr_any(addr))
		ok = nx_v6_primary(nxi, &primary) || nx_v4_primary(nxi);
	else if (ipv6_addr_loopback(addr))
		ok = nx_info_flags(nxi, NXF_LBACK_ALLOW);
	else
		ok = nx_v6_addr_allowed(nxi, addr);
	return ok ? 0 : -EADDRNOTAVAIL;
}

/* ---- destinations (loopback) ------------------------------------------ */

/* May tasks of @nxi use a loopback of their own (LBACK_REMAP + lback)? */
static bool nx_lback_remapped(struct nx_info *nxi, __be32 *lback)
{
	const struct nx_addrs *a;

	if (!nx_info_flags(nxi, NXF_LBACK_REMAP))
		return false;
	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	*lback = a->lback;
	rcu_read_unlock();
	return *lback;
}

/*
 * Where an IPv4 destination @daddr of a task of @nxi goes: into @to, or
 * -ENETUNREACH.  127.x (and 0.0.0.0, which the kernel sends to the
 * socket's source or to 127.0.0.1, when the context has no IPv4 address
 * to be that source) is the host's loopback: with LBACK_REMAP and a
 * loopback address it means that address, with LBACK_ALLOW the real
 * loopback, else it is unreachable.  Every other address is left alone.
 */
static int nx_v4_dst(struct nx_info *nxi, __be32 daddr, __be32 *to)
{
	__be32 lback;

	*to = daddr;
	if (!ipv4_is_loopback(daddr) &&
	    (daddr != htonl(INADDR_ANY) || nx_v4_primary(nxi)))
		return 0;
	if (nx_lback_remapped(nxi, &lback)) {
		*to = lback;
		return 0;
	}
	return nx_info_flags(nxi, NXF_LBACK_ALLOW) ? 0 : -ENETUNREACH;
}

/*
 * The same for IPv6: a v4-mapped address follows the IPv4 rules; ::1
 * and :: (which the kernel turns into ::1) need LBACK_ALLOW, as there is
 * no IPv6 loopback address to remap to.
 */
static int nx_v6_dst(struct nx_info *nxi, const struct in6_addr *daddr,
		     struct in6_addr *to)
{
	__be32 v4;
	int err;

	*to = *daddr;
	if (ipv6_addr_v4mapped(daddr)) {
		err = nx_v4_dst(nxi, daddr->s6_addr32[3], &v4);
		if (!err)
			ipv6_addr_set_v4mapped(v4, to);
		return err;
	}
	if (!ipv6_addr_loopback(daddr) && !ipv6_addr_any(daddr))
		return 0;
	return nx_info_flags(nxi, NXF_LBACK_ALLOW) ? 0 : -ENETUNREACH;
}

/**
 * nx_sock_dst - the destination a connect() or sendto() really asks for
 * @sk:		the socket (IPv4 or IPv6)
 * @addr:	the destination as given (a kernel copy), may be NULL
 * @len:	its length; cut to the size of @buf when the copy is used
 * @buf:	room for a changed copy
 *
 * Called by inet_dgram_connect(), __inet_stream_connect(), inet_sendmsg()
 * and inet6_sendmsg() before the protocol sees @addr.  For a task in a
 * network context the host's loopback is out of reach unless the context
 * has LBACK_ALLOW: with LBACK_REMAP and a loopback address, 127.x means
 * that address (as it does for bind()), else the answer is -ENETUNREACH.
 * Returns @addr, @buf holding the rewritten destination, or an ERR_PTR.
 * Sockets the kernel opened for itself are left alone.  Addresses too
 * short for their family are left for the protocol to refuse.
 */
struct sockaddr *nx_sock_dst(struct sock *sk, struct sockaddr *addr, int *len,
			     struct sockaddr_in6 *buf)
{
	struct nx_info *nxi = nx_current_info();
	struct sockaddr_in *sin = (struct sockaddr_in *)buf;
	struct in6_addr to6;
	__be32 to;
	int err;

	if (!nxi || !addr || sk->sk_kern_sock)
		return addr;
	/* IPv4 sendto() takes AF_UNSPEC as AF_INET (connect() disconnects). */
	if ((addr->sa_family == AF_INET ||
	     (addr->sa_family == AF_UNSPEC && sk->sk_family == AF_INET)) &&
	    *len >= (int)sizeof(struct sockaddr_in)) {
		err = nx_v4_dst(nxi, ((struct sockaddr_in *)addr)->sin_addr.s_addr,
				&to);
		if (err)
			return ERR_PTR(err);
		if (to == ((struct sockaddr_in *)addr)->sin_addr.s_addr)
			return addr;
		memcpy(sin, addr, sizeof(*sin));
		sin->sin_addr.s_addr = to;
		*len = sizeof(*sin);
		return (struct sockaddr *)buf;
	}
	if (addr->sa_family == AF_INET6 && *len >= SIN6_LEN_RFC2133) {
		err = nx_v6_dst(nxi, &((struct sockaddr_in6 *)addr)->sin6_addr,
				&to6);
		if (err)
			return ERR_PTR(err);
		if (ipv6_addr_equal(&to6, &((struct sockaddr_in6 *)addr)->sin6_addr))
			return addr;
		*len = min_t(int, *len, sizeof(*buf));
		memset(buf, 0, sizeof(*buf));
		memcpy(buf, addr, *len);
		buf->sin6_addr = to6;
		return (struct sockaddr *)buf;
	}
	return addr;
}

/* ---- address listings (HIDE_NETIF, HIDE_LBACK) ------------------------ */

/*
 * Listings are filtered for the task that reads them: netlink dumps run
 * in the reader's recvmsg/sendmsg, ioctls and /proc reads in the reader
 * itself.
 *
 * The loopback interface and its addresses (127.x, ::1) count as the
 * context's own when it may use them: IPv4 with LBACK_ALLOW or with
 * LBACK_REMAP and a loopback address (its 127.0.0.1 is then its own
 * loopback address), IPv6 with LBACK_ALLOW.  So HIDE_NETIF shows them
 * exactly then; HIDE_LBACK hides them whatever the other flags say.
 */
static bool nx_lback_own(struct nx_info *nxi, bool ipv6)
{
	__be32 lback;

	if (nx_info_flags(nxi, NXF_LBACK_ALLOW))
		return true;
	return !ipv6 && nx_lback_remapped(nxi, &lback);
}

/*
 * Does the caller see only its own interfaces and addresses?  Its network
 * context's HIDE_NETIF says so, and so does the context flag of the same
 * name (VXF_HIDE_NETIF, where util-vserver's --secure and the stealth
 * preset put it).
 */
static bool nx_hide_netif(struct nx_info *nxi)
{
	return nx_info_flags(nxi, NXF_HIDE_NETIF) ||
	       vx_info_flags(vx_task_info(current), VXF_HIDE_NETIF);
}

/**
 * nx_v4_visible - may the caller see local IPv4 address @addr listed?
 *
 * With HIDE_NETIF only the addresses of its set show (RTM_GETADDR dumps,
 * SIOCGIFCONF), with HIDE_LBACK no 127.x address.  Safe in atomic
 * context.
 */
bool nx_v4_visible(__be32 addr)
{
	struct nx_info *nxi = nx_current_info();

	if (!nxi)
		return true;
	if (ipv4_is_loopback(addr)) {
		if (nx_info_flags(nxi, NXF_HIDE_LBACK))
			return false;
		if (nx_lback_own(nxi, false))
			return true;
	}
	return !nx_hide_netif(nxi) ||
	       nx_v4_addr_allowed(nxi, addr);
}

/* The same for IPv6 (RTM_GETADDR dumps, /proc/net/if_inet6), and ::1. */
bool nx_v6_visible(const struct in6_addr *addr)
{
	struct nx_info *nxi = nx_current_info();

	if (!nxi)
		return true;
	if (ipv6_addr_loopback(addr)) {
		if (nx_info_flags(nxi, NXF_HIDE_LBACK))
			return false;
		if (nx_lback_own(nxi, true))
			return true;
	}
	return !nx_hide_netif(nxi) ||
	       nx_v6_addr_allowed(nxi, addr);
}

/* Does @dev carry an address of @nxi's set?  Called under RCU. */
static bool nx_dev_has_addr(struct nx_info *nxi, struct net_device *dev)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	struct inet6_dev *in6_dev = __in6_dev_get(dev);
	const struct in_ifaddr *ifa;
	struct inet6_ifaddr *ifp;
	bool found = false;

	if (in_dev) {
		in_dev_for_each_ifa_rcu(ifa, in_dev)
			if (nx_v4_addr_allowed(nxi, ifa->ifa_local))
				return true;
	}
	if (!in6_dev)
		return false;
	read_lock_bh(&in6_dev->lock);
	list_for_each_entry(ifp, &in6_dev->addr_list, if_list) {
		if (nx_v6_addr_allowed(nxi, &ifp->addr)) {
			found = true;
			break;
		}
	}
	read_unlock_bh(&in6_dev->lock);
	return found;
}

/**
 * nx_dev_visible - may the caller see network interface @dev listed?
 *
 * With HIDE_NETIF only interfaces that carry an address of the caller's
 * set show (RTM_GETLINK, /proc/net/dev), the loopback interface when the
 * context may use loopback; with HIDE_LBACK never the loopback
 * interface.  Safe in atomic context.
 */
bool nx_dev_visible(struct net_device *dev)
{
	struct nx_info *nxi = nx_current_info();
	bool visible;

	if (!nxi)
		return true;
	if (dev->flags & IFF_LOOPBACK) {
		if (nx_info_flags(nxi, NXF_HIDE_LBACK))
			return false;
		if (nx_lback_own(nxi, false))
			return true;
	}
	if (!nx_hide_netif(nxi))
		return true;
	rcu_read_lock();
	visible = nx_dev_has_addr(nxi, dev);
	rcu_read_unlock();
	return visible;
}
