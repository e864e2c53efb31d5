/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer network contexts (kernel side).
 *
 * Every task carries a network context id, its nid.  The host is nid 0
 * and nid 1 is the unrestricted "spectator" nid; neither has an object.
 * A task with nid 2..65535 points at its struct nx_info, which holds the
 * set of IPv4 and IPv6 addresses the task's sockets may use, the NXF_*
 * flags and the NXC_* capabilities.  Tasks inherit nid and object at
 * fork and keep both across exec; only a task itself changes them
 * (net_create, net_migrate).
 *
 * Locking: as for contexts (linux/vserver/context.h): a task writes its
 * own ->nid and ->nx_info with WRITE_ONCE(), others read them with
 * READ_ONCE() under RCU or a task reference.  The address set is an
 * immutable struct nx_addrs, replaced as a whole under nxi->lock and
 * freed by RCU, so readers (bind, address dumps, /proc) only need
 * rcu_read_lock() and never sleep.
 */
#ifndef _LINUX_VSERVER_NETWORK_H
#define _LINUX_VSERVER_NETWORK_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/jump_label.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vserver/idtable.h>
#include <vserver/network.h>

#define NX_HOST_NID		0
#define NX_SPECTATOR_NID	1

struct seq_file;
struct pid_namespace;
struct pid;

#ifdef CONFIG_VSERVER

/**
 * struct nx_addr4 - one IPv4 entry of a network context
 * @ip:		address (ADDR, MASK) or first address (RANGE), network order
 * @ip2:	last address of a RANGE, else 0
 * @mask:	netmask, network order
 * @type:	NXA_TYPE_ADDR, NXA_TYPE_MASK or NXA_TYPE_RANGE
 * @flags:	as given by the caller (shown in /proc only)
 */
struct nx_addr4 {
	__be32	ip;
	__be32	ip2;
	__be32	mask;
	u16	type;
	u16	flags;
};

/**
 * struct nx_addr6 - one IPv6 entry of a network context
 * @ip:		address
 * @mask:	mask (all ones for NXA_TYPE_ADDR)
 * @prefix:	prefix length of @mask
 * @type:	NXA_TYPE_ADDR or NXA_TYPE_MASK
 * @flags:	as given by the caller
 */
struct nx_addr6 {
	struct in6_addr	ip;
	struct in6_addr	mask;
	u32		prefix;
	u16		type;
	u16		flags;
};

/**
 * struct nx_addrs - the address set of a network context (immutable)
 * @rcu:	deferred freeing
 * @bcast:	IPv4 broadcast address (0: none)
 * @lback:	IPv4 loopback address (0: none)
 * @n4, @n6:	number of entries
 * @v4, @v6:	the entries, in the order they were added; v4[0] and
 *		v6[0] are the primary addresses
 */
struct nx_addrs {
	struct rcu_head		rcu;
	__be32			bcast;
	__be32			lback;
	unsigned int		n4;
	unsigned int		n6;
	struct nx_addr4		*v4;
	struct nx_addr6		*v6;
};

/* Upper bound on entries per family; more is -ENOMEM. */
#define NX_ADDRS_MAX		64

/**
 * struct nx_info - one network context
 * @obj:	its entry in nx_ids: the nid (2..65535, nx_info_nid()),
 *		references, task count, whether it is hashed
 *		(include/linux/vserver/idtable.h; PERSISTENT keeps it)
 * @lock:	serialises changes of the settings below
 * @flags:	NXF_* flag word
 * @ncaps:	NXC_* capabilities
 * @addrs:	the address set, never NULL
 *
 * Locking: @lock nests inside nx_ids.lock.  @flags and @ncaps are read
 * with READ_ONCE(); @addrs with rcu_dereference().  Changes of
 * PERSISTENT or @obj.hashed also take nx_ids.lock.
 */
struct nx_info {
	struct vs_id		obj;

	spinlock_t		lock;		/* serialises the settings below */
	u64			flags;
	u64			ncaps;
	struct nx_addrs __rcu	*addrs;
};

static inline u32 nx_task_nid(const struct task_struct *p)
{
	return READ_ONCE(p->nid);
}

static inline struct nx_info *nx_task_info(const struct task_struct *p)
{
	return READ_ONCE(p->nx_info);
}

static inline bool nx_info_flags(const struct nx_info *nxi, u64 flags)
{
	return nxi && (READ_ONCE(nxi->flags) & flags);
}

static inline bool nx_info_ncaps(const struct nx_info *nxi, u64 ncaps)
{
	return nxi && (READ_ONCE(nxi->ncaps) & ncaps);
}

/* Network contexts by nid (kernel/vserver/network.c). */
extern struct vs_id_table nx_ids;

static inline u32 nx_info_nid(const struct nx_info *nxi)
{
	return nxi->obj.id;
}

struct nx_info *nx_lookup(u32 nid);
void nx_put(struct nx_info *nxi);

/* One more reference; the caller already holds one. */
static inline void nx_get(struct nx_info *nxi)
{
	vs_id_get(&nxi->obj);
}

/* Task lifecycle, called from the vx_task_* hooks of context.c. */
void nx_task_fork(struct task_struct *p);
void nx_task_attach(struct task_struct *p);
void nx_task_release(struct task_struct *p);
void nx_task_free(struct task_struct *p);

/* /proc/<pid>/ninfo and the /proc/virtnet/<nid>/info address lines. */
int nx_proc_pid_ninfo(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *p);
void nx_proc_show_addrs(struct seq_file *m, struct nx_info *nxi,
			const char *v4fmt, const char *v6fmt);
void nx_proc_show_info(struct seq_file *m, struct nx_info *nxi);

/*
 * Socket hooks (net/ipv4, net/ipv6, security/vserver).  A NULL context
 * means "no restriction" everywhere.
 */
struct nx_info *nx_current_info(void);
bool nx_v4_addr_allowed(struct nx_info *nxi, __be32 addr);
bool nx_v6_addr_allowed(struct nx_info *nxi, const struct in6_addr *addr);
__be32 nx_v4_primary(struct nx_info *nxi);
bool nx_v6_primary(struct nx_info *nxi, struct in6_addr *addr);
__be32 nx_inet_bind_addr(__be32 addr);
bool nx_inet6_bind_addr(struct in6_addr *addr);
int nx_v4_bind_check(struct nx_info *nxi, __be32 addr);
int nx_v6_bind_check(struct nx_info *nxi, const struct in6_addr *addr);
bool nx_raw_icmp_allowed(void);
bool nx_v4_visible(__be32 addr);
bool nx_v6_visible(const struct in6_addr *addr);
struct net_device;
bool nx_dev_visible(struct net_device *dev);
struct sock;
struct sockaddr;
struct sockaddr_in6;
struct sockaddr *nx_sock_dst(struct sock *sk, struct sockaddr *addr, int *len,
			     struct sockaddr_in6 *buf);

#else /* !CONFIG_VSERVER */

static inline u32 nx_task_nid(const struct task_struct *p)
{
	return NX_HOST_NID;
}

static inline __be32 nx_inet_bind_addr(__be32 addr)
{
	return addr;
}

static inline bool nx_inet6_bind_addr(struct in6_addr *addr)
{
	return false;
}

static inline bool nx_raw_icmp_allowed(void)
{
	return false;
}

static inline bool nx_v4_visible(__be32 addr)
{
	return true;
}

static inline bool nx_v6_visible(const struct in6_addr *addr)
{
	return true;
}

struct net_device;
static inline bool nx_dev_visible(struct net_device *dev)
{
	return true;
}

struct sock;
struct sockaddr;
struct sockaddr_in6;
static inline struct sockaddr *nx_sock_dst(struct sock *sk,
					   struct sockaddr *addr, int *len,
					   struct sockaddr_in6 *buf)
{
	return addr;
}

#endif /* CONFIG_VSERVER */

#endif /* _LINUX_VSERVER_NETWORK_H */
