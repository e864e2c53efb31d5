// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer network contexts: the objects, their commands and /proc.
 *
 * A network context (nid 2..65535) restricts the addresses a group of
 * tasks may use.  The host creates it with net_create, giving a static
 * id (or 0xFFFFFFFF: the kernel picks a free one in 49152..65535) and an
 * initial flag word (net_create v1 with a NULL pointer: NXF_INIT_SET, as
 * v0); the caller moves into it at once.  Other
 * tasks join with net_migrate, children inherit it at fork.  Like a
 * security context it stays findable by id while it has tasks or the
 * PERSISTENT flag, and is freed by RCU after its last reference (the id
 * table, kernel/vserver/idtable.c, keeps that life cycle).  What
 * the address set allows a task (binds, destinations, what it is shown)
 * is decided in net-policy.c.
 *
 * The address set holds IPv4 entries (a single address, a network
 * address/mask or a range ip..ip2), a broadcast and a loopback address,
 * and IPv6 entries (an address or a prefix).  The first entry of each
 * family is the primary address: a socket bound to the wildcard address
 * gets it, and so does an unbound socket that connects or sends.  The
 * host's loopback (127.x, ::1) is reachable only with LBACK_ALLOW; with
 * LBACK_REMAP a bind, connect or send to 127.x uses the context's own
 * loopback address instead.
 *
 * Commands (levels and permission checks in switch.c):
 *   net_create_v0/v1	-EINVAL bad id or flags, -EEXIST id in use
 *			(-EBUSY while that network context is in setup),
 *			-EPERM caller not in the host context, -EBUSY
 *			multi-threaded caller, -EOPNOTSUPP no security module
 *   net_migrate	-EACCES private past setup, -EFAULT going away;
 *			id 1 from inside a guest: -EPERM
 *   nx_info, task_nid, get/set_nflags, get/set_ncaps
 *   net_add*, net_rem*	the NETALT commands: -EEXIST duplicate entry,
 *			-ESRCH no such entry to remove, -EINVAL any type
 *			the command does not take, -ENOMEM too many entries
 *
 * From inside (a guest task, xid 2 or more, acting on its own network
 * context while that is in setup) every setting may only narrow: no
 * address added (the broadcast and loopback address included), no ncap
 * gained, no restricting nflag (NX_NFLAGS_RESTRICT) dropped, no loopback
 * grant (LBACK_REMAP, LBACK_ALLOW) taken: -EPERM.  The host (xid 0),
 * even from inside a network context, may change anything: that is how
 * chbind sets its context up.
 *
 * Locking: nx_ids.lock (a spinlock) protects the id hash, every network
 * context's ->obj.hashed and the PERSISTENT bit with its reference.  Each
 * context's ->lock serialises changes of its flags, capabilities and
 * address set and nests inside nx_ids.lock.  Lookups walk the hash under
 * RCU and take a reference with refcount_inc_not_zero().  The address set
 * is copied, changed and published with rcu_assign_pointer(); the old one
 * is freed after a grace period.
 */

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <linux/vserver/switch.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/sock.h>

/* Flags a caller may name; anything else is -EINVAL. */
#define NXF_VALID	(NXF_INFO_PRIVATE | NXF_SINGLE_IP |		\
			 NXF_LBACK_REMAP | NXF_LBACK_ALLOW |		\
			 NXF_HIDE_NETIF | NXF_HIDE_LBACK |		\
			 NXF_ONE_TIME | NXF_SC_HELPER | NXF_PERSISTENT)

/* From inside: set-only restrictions and clear-only grants. */
#define NX_NFLAGS_RESTRICT	(NXF_INFO_PRIVATE | NXF_SINGLE_IP |	\
				 NXF_HIDE_NETIF | NXF_HIDE_LBACK)
#define NX_NFLAGS_GRANT		(NXF_LBACK_REMAP | NXF_LBACK_ALLOW)

/* Is the caller a guest task (so acting on its own network context)? */
static bool nx_inside(void)
{
	return vx_is_guest_xid(vx_current_xid());
}

/* The empty set every new context starts with; never freed. */
static struct nx_addrs nx_no_addrs;

/* ---- address sets ----------------------------------------------------- */

static void nx_addrs_free(struct nx_addrs *a)
{
	if (!a || a == &nx_no_addrs)
		return;
	kfree(a->v4);
	kfree(a->v6);
	kfree(a);
}

static void nx_addrs_free_rcu(struct rcu_head *head)
{
	nx_addrs_free(container_of(head, struct nx_addrs, rcu));
}

/*
 * A private copy of @old with room for @n4 IPv4 and @n6 IPv6 entries
 * (at least as many as @old has).  GFP_ATOMIC: built under nxi->lock.
 */
static struct nx_addrs *nx_addrs_copy(const struct nx_addrs *old,
				      unsigned int n4, unsigned int n6)
{
	struct nx_addrs *a;

	if (n4 > NX_ADDRS_MAX || n6 > NX_ADDRS_MAX)
		return NULL;
	a = kzalloc(sizeof(*a), GFP_ATOMIC);
	if (!a)
		return NULL;
	a->bcast = old->bcast;
	a->lback = old->lback;
	a->n4 = old->n4;
	a->n6 = old->n6;
	if (n4) {
		a->v4 = kcalloc(n4, sizeof(*a->v4), GFP_ATOMIC);
		if (!a->v4)
			goto out_free;
		memcpy(a->v4, old->v4, old->n4 * sizeof(*a->v4));
	}
	if (n6) {
		a->v6 = kcalloc(n6, sizeof(*a->v6), GFP_ATOMIC);
		if (!a->v6)
			goto out_free;
		memcpy(a->v6, old->v6, old->n6 * sizeof(*a->v6));
	}
	return a;

out_free:
	nx_addrs_free(a);
	return NULL;
}

static struct nx_addrs *nx_addrs_locked(struct nx_info *nxi)
{
	return rcu_dereference_protected(nxi->addrs,
					 lockdep_is_held(&nxi->lock));
}

/* Publish @new in place of the current set; the old one goes by RCU. */
static void nx_addrs_publish(struct nx_info *nxi, struct nx_addrs *new)
{
	struct nx_addrs *old = nx_addrs_locked(nxi);

	rcu_assign_pointer(nxi->addrs, new);
	if (old != &nx_no_addrs)
		call_rcu(&old->rcu, nx_addrs_free_rcu);
}

/* ---- objects ---------------------------------------------------------- */

static struct nx_info *nx_alloc(u32 nid, u64 flags)
{
	struct nx_info *nxi;

	nxi = kzalloc(sizeof(*nxi), GFP_KERNEL);
	if (!nxi)
		return NULL;
	spin_lock_init(&nxi->lock);
	nxi->flags = flags;
	RCU_INIT_POINTER(nxi->addrs, &nx_no_addrs);
	vs_id_init(&nx_ids, &nxi->obj, nid);
	return nxi;
}

/* The id table's free (an RCU callback, softirq): must not sleep. */
static void nx_id_free(struct vs_id *obj)
{
	struct nx_info *nxi = container_of(obj, struct nx_info, obj);

	/* No reader is left: the set can go at once. */
	nx_addrs_free(rcu_dereference_protected(nxi->addrs, 1));
	kfree(nxi);
}

static bool nx_id_persistent(const struct vs_id *obj)
{
	const struct nx_info *nxi = container_of(obj, struct nx_info, obj);

	return READ_ONCE(nxi->flags) & NXF_PERSISTENT;
}

static int nx_id_busy(const struct vs_id *old)
{
	const struct nx_info *nxi = container_of(old, struct nx_info, obj);

	return (READ_ONCE(nxi->flags) & NXF_STATE_SETUP) ? -EBUSY : -EEXIST;
}

/* The network context has just gone (nx_ids.lock held, atomic). */
static void nx_id_unhashed(struct vs_id *obj)
{
	struct nx_info *nxi = container_of(obj, struct nx_info, obj);

	if (READ_ONCE(nxi->flags) & NXF_SC_HELPER)
		vx_helper_event_async(VX_HELPER_NETDOWN, obj->id);
}

static const struct vs_id_ops nx_id_ops = {
	.persistent	= nx_id_persistent,
	.busy		= nx_id_busy,
	.unhashed	= nx_id_unhashed,
	.free		= nx_id_free,
};

/* Network contexts by nid; dynamic ids from NX_ID_MIN_DYNAMIC..NX_ID_MAX. */
struct vs_id_table nx_ids = VS_ID_TABLE_INIT(nx_ids, NX_ID_MIN_DYNAMIC,
					     NX_ID_MAX, &nx_id_ops);

/**
 * nx_put - drop a reference to a network context
 * @nxi: network context, may be NULL
 *
 * Safe in any context, including RCU callbacks.
 */
void nx_put(struct nx_info *nxi)
{
	if (nxi)
		vs_id_put(&nxi->obj);
}

/**
 * nx_lookup - find a hashed network context by id and take a reference
 * @nid: network context id
 *
 * Returns the context or NULL; the caller drops it with nx_put().
 */
struct nx_info *nx_lookup(u32 nid)
{
	struct vs_id *obj = vs_id_lookup(&nx_ids, nid);

	return obj ? container_of(obj, struct nx_info, obj) : NULL;
}

/* ---- task lifecycle --------------------------------------------------- */

/* copy_process(), after dup_task_struct(): the child's own reference. */
void nx_task_fork(struct task_struct *p)
{
	if (p->nx_info)
		nx_get(p->nx_info);
}

/* copy_process(), past the last failure point; tasklist_lock held. */
void nx_task_attach(struct task_struct *p)
{
	if (p->nx_info)
		atomic_inc(&p->nx_info->obj.tasks);
}

/* release_task(): the reference stays with @p until nx_task_free(). */
void nx_task_release(struct task_struct *p)
{
	if (p->nx_info)
		vs_id_task_leave(&p->nx_info->obj);
}

/* free_task(): may run in an RCU callback, so only nx_put(). */
void nx_task_free(struct task_struct *p)
{
	nx_put(p->nx_info);
	p->nx_info = NULL;
}

/* ---- migration -------------------------------------------------------- */

/**
 * nx_migrate - move the caller into network context @nxi
 * @nxi: target (the caller holds a reference), or NULL for nid 1
 */
static int nx_migrate(struct nx_info *nxi)
{
	struct nx_info *old = nx_task_info(current);

	if (old == nxi && nxi)
		return 0;
	/* The spectator too: nothing may be enabled without the hooks. */
	if (!vx_lsm_enabled)
		return -EOPNOTSUPP;
	if (!thread_group_empty(current))
		return -EBUSY;

	if (nxi) {
		int ret = vs_id_task_join(&nxi->obj);

		if (ret < 0)
			return ret;
		nx_get(nxi);
	}
	static_branch_enable(&vx_active);
	WRITE_ONCE(current->nx_info, nxi);
	WRITE_ONCE(current->nid, nxi ? nx_info_nid(nxi) : NX_SPECTATOR_NID);
	if (old) {
		vs_id_task_leave(&old->obj);
		nx_put(old);
	}
	return 0;
}

/*
 * net_migrate to id 1: no lookup, returns 1.  A guest must not shed its
 * network restrictions this way, even while it still holds CAP_CONTEXT.
 */
long vc_net_migrate_spectator(void)
{
	int ret;

	if (vx_task_info(current))
		return -EPERM;
	ret = nx_migrate(NULL);
	return ret ? ret : 1;
}

long vc_net_migrate(const struct vc_call *call)
{
	struct nx_info *nxi = call->nxi;

	if ((READ_ONCE(nxi->flags) & (NXF_INFO_PRIVATE | NXF_STATE_SETUP)) ==
	    NXF_INFO_PRIVATE)
		return -EACCES;
	return nx_migrate(nxi);
}

/* ---- creation --------------------------------------------------------- */

/* How often a dynamic create tries again when its nid was taken meanwhile. */
#define NX_DYNAMIC_TRIES	8

long vc_net_create(const struct vc_call *call)
{
	bool dynamic = call->id == NX_ID_DYNAMIC;
	unsigned int tries = NX_DYNAMIC_TRIES;
	struct vcmd_net_create arg;
	struct nx_info *nxi;
	u64 flags = NXF_INIT_SET;
	u32 nid = call->id;
	int ret;

	/* v1 without a flag word (util-vserver passes NULL): the defaults. */
	if (VC_VERSION(call->cmd) >= 1 && call->data) {
		if (copy_from_user(&arg, call->data, sizeof(arg)))
			return -EFAULT;
		flags = arg.flagword;
	}
	if (!dynamic && (nid < NX_ID_MIN || nid > NX_ID_MAX))
		return -EINVAL;
	if (flags & ~NXF_VALID)
		return -EINVAL;
	/* Without the socket hooks a network context restricts nothing. */
	if (!vx_lsm_enabled)
		return -EOPNOTSUPP;
	if (vx_current_xid() != VX_HOST_XID)
		return -EPERM;
	if (!thread_group_empty(current))
		return -EBUSY;
again:
	if (dynamic) {
		nid = vs_id_dynamic(&nx_ids);
		if (!nid)
			return -EAGAIN;
	}
	/* vshelper netup (helper.c): before anything is hashed, no lock */
	if ((flags & NXF_SC_HELPER) &&
	    vx_helper_event(VX_HELPER_NETUP, nid))
		return -ENOEXEC;

	nxi = nx_alloc(nid, flags);
	if (!nxi)
		return -ENOMEM;
	/* The hash keeps the creation reference. */
	ret = vs_id_hash_new(&nxi->obj);
	if (ret) {
		nx_put(nxi);
		/* Another create took the dynamic nid first: pick again. */
		if (dynamic && --tries)
			goto again;
		return dynamic ? -EAGAIN : ret;
	}

	ret = nx_migrate(nxi);
	if (ret) {
		vs_id_drop_if_idle(&nxi->obj);
		return ret;
	}
	return nid;
}

/* ---- queries and flags ------------------------------------------------ */

long vc_task_nid(const struct vc_call *call)
{
	struct task_struct *p;
	long ret = -ESRCH;

	if (!call->id)
		return nx_task_nid(current);
	if ((int)call->id < 0)
		return -ESRCH;

	rcu_read_lock();
	p = find_task_by_pid_ns(call->id, &init_pid_ns);
	if (p && (!vx_is_guest_xid(vx_current_xid()) || vx_task_visible(p)))
		ret = nx_task_nid(p);
	rcu_read_unlock();
	return ret;
}

long vc_nx_info(const struct vc_call *call)
{
	struct vcmd_nx_info_v0 arg = { .nid = nx_info_nid(call->nxi) };

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int vc_put_pair(const struct vc_call *call, u64 value, u64 mask)
{
	struct vcmd_net_flags_v0 arg = { .flagword = value, .mask = mask };

	if (copy_to_user(call->data, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static int vc_take_pair(const struct vc_call *call, u64 *value, u64 *mask)
{
	struct vcmd_net_flags_v0 arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	*value = arg.flagword;
	*mask = arg.mask;
	return 0;
}

long vc_get_nflags(const struct vc_call *call)
{
	u64 flags = READ_ONCE(call->nxi->flags);

	/* One-time bits already cleared can never change again. */
	return vc_put_pair(call, flags, ~(NXF_ONE_TIME & ~flags));
}

long vc_set_nflags(const struct vc_call *call)
{
	struct nx_info *nxi = call->nxi;
	unsigned int drop = 0;
	u64 value, mask, old, new;
	int ret;

	ret = vc_take_pair(call, &value, &mask);
	if (ret)
		return ret;
	if (value & mask & ~NXF_VALID)
		return -EINVAL;
	mask &= NXF_VALID;

	spin_lock(&nx_ids.lock);
	if (!nxi->obj.hashed) {
		spin_unlock(&nx_ids.lock);
		return -ESRCH;
	}
	spin_lock(&nxi->lock);
	old = nxi->flags;
	/* A one-time bit may only go from set to clear. */
	mask &= ~(NXF_ONE_TIME & ~old);
	new = (old & ~mask) | (value & mask);
	/* From inside: no restriction dropped, no grant taken. */
	if (nx_inside() && ((old & ~new & NX_NFLAGS_RESTRICT) ||
			    (new & ~old & NX_NFLAGS_GRANT))) {
		spin_unlock(&nxi->lock);
		spin_unlock(&nx_ids.lock);
		return -EPERM;
	}
	WRITE_ONCE(nxi->flags, new);
	spin_unlock(&nxi->lock);

	if ((old ^ new) & NXF_PERSISTENT)
		drop = vs_id_persistence_changed_locked(&nxi->obj);
	spin_unlock(&nx_ids.lock);

	while (drop--)
		nx_put(nxi);
	return 0;
}

long vc_get_ncaps(const struct vc_call *call)
{
	return vc_put_pair(call, READ_ONCE(call->nxi->ncaps), ~0ULL);
}

long vc_set_ncaps(const struct vc_call *call)
{
	struct nx_info *nxi = call->nxi;
	bool inside = nx_inside();
	u64 value, mask, new;
	int ret;

	ret = vc_take_pair(call, &value, &mask);
	if (ret)
		return ret;
	spin_lock(&nxi->lock);
	new = (nxi->ncaps & ~mask) | (value & mask);
	if (inside && (new & ~nxi->ncaps))
		ret = -EPERM;
	else
		WRITE_ONCE(nxi->ncaps, new);
	spin_unlock(&nxi->lock);
	return ret;
}

/* ---- address commands ------------------------------------------------- */

static bool nx_addr4_equal(const struct nx_addr4 *a, const struct nx_addr4 *b)
{
	return a->ip == b->ip && a->ip2 == b->ip2 && a->mask == b->mask;
}

static bool nx_addr6_equal(const struct nx_addr6 *a, const struct nx_addr6 *b)
{
	return ipv6_addr_equal(&a->ip, &b->ip) &&
	       ipv6_addr_equal(&a->mask, &b->mask);
}

/*
 * Add @n IPv4 entries at once: all or none.  An exact duplicate (of an
 * entry already there or earlier in @e) is -EEXIST.  Adding to a set
 * that already has an entry clears SINGLE_IP.
 */
static int nx_add_v4(struct nx_info *nxi, const struct nx_addr4 *e,
		     unsigned int n)
{
	struct nx_addrs *old, *new;
	unsigned int i, j;
	int ret = 0;

	spin_lock(&nxi->lock);
	old = nx_addrs_locked(nxi);
	for (i = 0; i < n; i++) {
		for (j = 0; j < old->n4; j++)
			if (nx_addr4_equal(&old->v4[j], &e[i]))
				ret = -EEXIST;
		for (j = 0; j < i; j++)
			if (nx_addr4_equal(&e[j], &e[i]))
				ret = -EEXIST;
	}
	if (ret)
		goto out;
	new = nx_addrs_copy(old, old->n4 + n, old->n6);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(new->v4 + new->n4, e, n * sizeof(*e));
	new->n4 += n;
	if (new->n4 > 1)
		WRITE_ONCE(nxi->flags, nxi->flags & ~NXF_SINGLE_IP);
	nx_addrs_publish(nxi, new);
out:
	spin_unlock(&nxi->lock);
	return ret;
}

/* Set the broadcast (@lback false) or loopback address. */
static int nx_set_v4_special(struct nx_info *nxi, __be32 ip, bool lback)
{
	struct nx_addrs *old, *new;
	int ret = 0;

	spin_lock(&nxi->lock);
	old = nx_addrs_locked(nxi);
	new = nx_addrs_copy(old, old->n4, old->n6);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	if (lback)
		new->lback = ip;
	else
		new->bcast = ip;
	nx_addrs_publish(nxi, new);
out:
	spin_unlock(&nxi->lock);
	return ret;
}

/*
 * Remove the IPv4 entry equal to @e (-ESRCH if none), or with @e NULL
 * every IPv4 entry and the broadcast and loopback addresses.
 */
static int nx_remove_v4(struct nx_info *nxi, const struct nx_addr4 *e)
{
	struct nx_addrs *old, *new;
	unsigned int i, j;
	int ret = 0;

	spin_lock(&nxi->lock);
	old = nx_addrs_locked(nxi);
	for (i = 0; e && i < old->n4; i++)
		if (nx_addr4_equal(&old->v4[i], e))
			break;
	if (e && i == old->n4) {
		ret = -ESRCH;
		goto out;
	}
	new = nx_addrs_copy(old, old->n4, old->n6);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	if (e) {
		for (j = i; j + 1 < new->n4; j++)
			new->v4[j] = new->v4[j + 1];
		new->n4--;
	} else {
		new->n4 = 0;
		new->bcast = 0;
		new->lback = 0;
	}
	nx_addrs_publish(nxi, new);
out:
	spin_unlock(&nxi->lock);
	return ret;
}

static int nx_add_v6(struct nx_info *nxi, const struct nx_addr6 *e)
{
	struct nx_addrs *old, *new;
	unsigned int i;
	int ret = 0;

	spin_lock(&nxi->lock);
	old = nx_addrs_locked(nxi);
	for (i = 0; i < old->n6; i++)
		if (nx_addr6_equal(&old->v6[i], e))
			ret = -EEXIST;
	if (ret)
		goto out;
	new = nx_addrs_copy(old, old->n4, old->n6 + 1);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	new->v6[new->n6++] = *e;
	nx_addrs_publish(nxi, new);
out:
	spin_unlock(&nxi->lock);
	return ret;
}

/* Remove the IPv6 entry equal to @e (-ESRCH if none), or all with NULL. */
static int nx_remove_v6(struct nx_info *nxi, const struct nx_addr6 *e)
{
	struct nx_addrs *old, *new;
	unsigned int i, j;
	int ret = 0;

	spin_lock(&nxi->lock);
	old = nx_addrs_locked(nxi);
	for (i = 0; e && i < old->n6; i++)
		if (nx_addr6_equal(&old->v6[i], e))
			break;
	if (e && i == old->n6) {
		ret = -ESRCH;
		goto out;
	}
	new = nx_addrs_copy(old, old->n4, old->n6);
	if (!new) {
		ret = -ENOMEM;
		goto out;
	}
	if (e) {
		for (j = i; j + 1 < new->n6; j++)
			new->v6[j] = new->v6[j + 1];
		new->n6--;
	} else {
		new->n6 = 0;
	}
	nx_addrs_publish(nxi, new);
out:
	spin_unlock(&nxi->lock);
	return ret;
}

/*
 * Check and build one IPv4 entry of the v1/v2 commands.  A RANGE must
 * not run backwards.
 */
static int nx_make_v4(struct nx_addr4 *e, u16 type, u16 flags,
		      __be32 ip, __be32 ip2, __be32 mask)
{
	if (type == NXA_TYPE_RANGE && ntohl(ip2) < ntohl(ip))
		return -EINVAL;
	*e = (struct nx_addr4) {
		.ip	= ip,
		.ip2	= type == NXA_TYPE_RANGE ? ip2 : 0,
		.mask	= mask,
		.type	= type,
		.flags	= flags,
	};
	return 0;
}

/*
 * net_add (v0): up to four addresses, or the broadcast/loopback one.
 * Adding widens the set: never from inside (-EPERM), like the other add
 * commands.
 */
long vc_net_add(const struct vc_call *call)
{
	struct vcmd_net_addr_v0 arg;
	struct nx_addr4 e[4];
	unsigned int i;
	int ret;

	if (nx_inside())
		return -EPERM;
	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	switch (arg.type) {
	case NXA_TYPE_IPV4:
		if (arg.count < 1 || arg.count > 4)
			return -EINVAL;
		for (i = 0; i < arg.count; i++)
			nx_make_v4(&e[i], NXA_TYPE_ADDR, 0, arg.ip[i], 0,
				   arg.mask[i]);
		ret = nx_add_v4(call->nxi, e, arg.count);
		return ret ? ret : arg.count;
	case NXA_TYPE_IPV4 | NXA_MOD_BCAST:
	case NXA_TYPE_IPV4 | NXA_MOD_LBACK:
		ret = nx_set_v4_special(call->nxi, arg.ip[0],
					arg.type & NXA_MOD_LBACK);
		return ret ? ret : 1;
	default:
		return -EINVAL;
	}
}

/* net_remove (v0): only "everything IPv4". */
long vc_net_remove(const struct vc_call *call)
{
	struct vcmd_net_addr_v0 arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (arg.type != NXA_TYPE_ANY)
		return -EINVAL;
	return nx_remove_v4(call->nxi, NULL);
}

/* The v1 and v2 IPv4 commands share this; v1 has no ip2 and no RANGE. */
static long vc_net_ipv4(const struct vc_call *call, bool add, u16 type,
			u16 flags, __be32 ip, __be32 ip2, __be32 mask)
{
	bool v2 = VC_VERSION(call->cmd) == 2;
	struct nx_addr4 e;
	int ret;

	if (add) {
		if (nx_inside())
			return -EPERM;
		switch (type) {
		case NXA_TYPE_ADDR | NXA_MOD_BCAST:
		case NXA_TYPE_ADDR | NXA_MOD_LBACK:
			return nx_set_v4_special(call->nxi, ip,
						 type & NXA_MOD_LBACK);
		case NXA_TYPE_RANGE:
			if (!v2)
				return -EINVAL;
			fallthrough;
		case NXA_TYPE_ADDR:
		case NXA_TYPE_MASK:
			ret = nx_make_v4(&e, type, flags, ip, ip2, mask);
			return ret ? ret : nx_add_v4(call->nxi, &e, 1);
		default:
			return -EINVAL;
		}
	}
	switch (type) {
	case NXA_TYPE_ANY:
		return nx_remove_v4(call->nxi, NULL);
	case NXA_TYPE_ADDR:
		/* Exact match of what was added: ip, ip2 (v2) and mask. */
		e = (struct nx_addr4) { .ip = ip, .ip2 = ip2, .mask = mask };
		return nx_remove_v4(call->nxi, &e);
	default:
		return -EINVAL;
	}
}

long vc_net_ipv4_v1(const struct vc_call *call)
{
	struct vcmd_net_addr_ipv4_v1 arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	return vc_net_ipv4(call, VC_COMMAND(call->cmd) == 1, arg.type,
			   arg.flags, arg.ip, 0, arg.mask);
}

long vc_net_ipv4_v2(const struct vc_call *call)
{
	struct vcmd_net_addr_ipv4_v2 arg;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	return vc_net_ipv4(call, VC_COMMAND(call->cmd) == 1, arg.type,
			   arg.flags, arg.ip, arg.ip2, arg.mask);
}

static const struct in6_addr nx_all_ones = {
	.s6_addr32 = { ~0U, ~0U, ~0U, ~0U },
};

/*
 * IPv6 entries: ADDR takes the address alone (mask all ones, prefix
 * 128); MASK takes the address with the prefix length, and the mask the
 * caller gives, or the one the prefix spells if that is all zero.
 */
static int nx_make_v6(struct nx_addr6 *e, const struct vcmd_net_addr_ipv6_v1 *arg)
{
	memset(e, 0, sizeof(*e));
	memcpy(&e->ip, arg->ip, sizeof(e->ip));
	e->type = arg->type;
	e->flags = arg->flags;
	if (arg->type == NXA_TYPE_ADDR) {
		e->mask = nx_all_ones;
		e->prefix = 128;
		return 0;
	}
	if (arg->prefix > 128)
		return -EINVAL;
	e->prefix = arg->prefix;
	memcpy(&e->mask, arg->mask, sizeof(e->mask));
	if (ipv6_addr_any(&e->mask))
		ipv6_addr_prefix(&e->mask, &nx_all_ones, e->prefix);
	return 0;
}

long vc_net_add_ipv6(const struct vc_call *call)
{
	struct vcmd_net_addr_ipv6_v1 arg;
	struct nx_addr6 e;
	int ret;

	if (nx_inside())
		return -EPERM;
	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (arg.type != NXA_TYPE_ADDR && arg.type != NXA_TYPE_MASK)
		return -EINVAL;
	ret = nx_make_v6(&e, &arg);
	return ret ? ret : nx_add_v6(call->nxi, &e);
}

long vc_net_remove_ipv6(const struct vc_call *call)
{
	struct vcmd_net_addr_ipv6_v1 arg;
	struct nx_addr6 e;
	int ret;

	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	if (arg.type == NXA_TYPE_ANY)
		return nx_remove_v6(call->nxi, NULL);
	if (arg.type != NXA_TYPE_ADDR && arg.type != NXA_TYPE_MASK)
		return -EINVAL;
	ret = nx_make_v6(&e, &arg);
	return ret ? ret : nx_remove_v6(call->nxi, &e);
}

/* ---- /proc ------------------------------------------------------------ */

/**
 * nx_proc_show_addrs - the address lines of /proc/virtnet/<nid>/info
 *			and /proc/<pid>/ninfo
 * @m:		output
 * @nxi:	network context
 * @v4fmt:	line prefix for IPv4 entries, with one %d (the index)
 * @v6fmt:	the same for IPv6 entries
 *
 * IPv4: [ip-ip2/mask:type]; IPv6: [addr/prefix:type].  Indexes count
 * each family from 0.
 */
void nx_proc_show_addrs(struct seq_file *m, struct nx_info *nxi,
			const char *v4fmt, const char *v6fmt)
{
	struct nx_addrs *a;
	unsigned int i;

	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	for (i = 0; i < a->n4; i++) {
		const struct nx_addr4 *e = &a->v4[i];

		seq_printf(m, v4fmt, i);
		seq_printf(m, "[%pI4-%pI4/%pI4:%04x]\n",
			   &e->ip, &e->ip2, &e->mask, e->type);
	}
	for (i = 0; i < a->n6; i++) {
		const struct nx_addr6 *e = &a->v6[i];

		seq_printf(m, v6fmt, i);
		seq_printf(m, "[%pI6c/%u:%04x]\n", &e->ip, e->prefix, e->type);
	}
	rcu_read_unlock();
}

/* The broadcast and loopback lines, "<prefix>a.b.c.d". */
static void nx_proc_show_special(struct seq_file *m, struct nx_info *nxi,
				 const char *bcast, const char *lback)
{
	struct nx_addrs *a;

	rcu_read_lock();
	a = rcu_dereference(nxi->addrs);
	seq_printf(m, "%s%pI4\n", bcast, &a->bcast);
	seq_printf(m, "%s%pI4\n", lback, &a->lback);
	rcu_read_unlock();
}

void nx_proc_show_info(struct seq_file *m, struct nx_info *nxi)
{
	seq_printf(m, "ID:\t%u\n", nx_info_nid(nxi));
	seq_printf(m, "Info:\t%p\n", nxi);
	nx_proc_show_special(m, nxi, "Bcast:\t", "Lback:\t");
	nx_proc_show_addrs(m, nxi, "%d:\t", "%d:\t");
}

int nx_proc_pid_ninfo(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *p)
{
	struct nx_info *nxi;

	seq_printf(m, "NID:\t%u\n", nx_task_nid(p));
	rcu_read_lock();
	nxi = nx_task_info(p);
	if (nxi) {
		seq_printf(m, "NCaps:\t%016llx\n", READ_ONCE(nxi->ncaps));
		seq_printf(m, "NFlags:\t%016llx\n", READ_ONCE(nxi->flags));
		nx_proc_show_special(m, nxi, "V4Root[bcast]:\t",
				     "V4Root[lback]:\t");
		nx_proc_show_addrs(m, nxi, "V4Root[%d]:\t", "V6Root[%d]:\t");
	}
	rcu_read_unlock();
	return 0;
}
