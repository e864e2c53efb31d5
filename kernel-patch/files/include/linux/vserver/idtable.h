/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer id tables: the objects that live under a number.
 *
 * Security contexts (xid) and network contexts (nid) share one life
 * cycle, kept here once: an object is created with a static id or a
 * dynamic one picked from the table's range, is findable by id (hashed)
 * while tasks are inside or its owner keeps it (the PERSISTENT flag), is
 * unhashed when the last task leaves, and is freed by RCU once the last
 * reference is gone.  What an object holds besides is its owner's
 * business (kernel/vserver/context.c, network.c); the table asks the
 * owner through struct vs_id_ops where it needs to know more.
 *
 * References: one per task pointing at the object, one while hashed,
 * one while persistent, one per lookup in progress.
 *
 * Locking: each table's ->lock (a spinlock) protects its hash, every
 * object's ->hashed and the persistence of each object together with its
 * reference; owners nest their own object locks inside it.  Lookups walk
 * the hash under RCU and take a reference with refcount_inc_not_zero().
 */
#ifndef _LINUX_VSERVER_IDTABLE_H
#define _LINUX_VSERVER_IDTABLE_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct vs_id_table;

/**
 * struct vs_id - the table's part of an object
 * @hlist:	entry in the table's hash (while hashed)
 * @rcu:	deferred freeing
 * @table:	the table the object belongs to
 * @id:		its number
 * @hashed:	findable by id; cleared once, when the object shuts down
 * @usecnt:	references (see above)
 * @tasks:	tasks (threads) inside; hashed while > 0 or persistent
 */
struct vs_id {
	struct hlist_node	hlist;
	struct rcu_head		rcu;
	struct vs_id_table	*table;
	u32			id;
	bool			hashed;
	refcount_t		usecnt;
	atomic_t		tasks;
};

/**
 * struct vs_id_ops - what a table asks the owner of its objects
 * @persistent:	does @obj stay hashed without tasks?  Table lock held.
 * @busy:	the error for a create that finds @old under its id
 *		(-EBUSY while @old is being set up, else -EEXIST)
 * @unhashed:	@obj has just left the hash; table lock held, must not sleep
 * @free:	frees @obj after the last reference; runs as an RCU
 *		callback, must not sleep
 */
struct vs_id_ops {
	bool (*persistent)(const struct vs_id *obj);
	int (*busy)(const struct vs_id *old);
	void (*unhashed)(struct vs_id *obj);
	void (*free)(struct vs_id *obj);
};

#define VS_ID_HASH_BITS	6

/**
 * struct vs_id_table - the objects of one kind, by id
 * @hash:	hashed objects
 * @lock:	see above
 * @dynamic_min: the range of dynamic ids, @dynamic_min..@dynamic_max
 * @dynamic_max:
 * @dynamic_next: the next dynamic id to try (under @lock)
 * @total:	objects allocated and not yet freed
 * @active:	objects hashed
 * @ops:	the owner's callbacks
 */
struct vs_id_table {
	DECLARE_HASHTABLE(hash, VS_ID_HASH_BITS);
	spinlock_t		lock;
	u32			dynamic_min;
	u32			dynamic_max;
	u32			dynamic_next;
	atomic_t		total;
	atomic_t		active;
	const struct vs_id_ops	*ops;
};

#define VS_ID_TABLE_INIT(name, min, max, table_ops) {			\
	.hash		= { [0 ... (1 << VS_ID_HASH_BITS) - 1] =	\
				HLIST_HEAD_INIT },			\
	.lock		= __SPIN_LOCK_UNLOCKED(name.lock),		\
	.dynamic_min	= (min),					\
	.dynamic_max	= (max),					\
	.dynamic_next	= (min),					\
	.total		= ATOMIC_INIT(0),				\
	.active		= ATOMIC_INIT(0),				\
	.ops		= (table_ops),					\
}

void vs_id_init(struct vs_id_table *t, struct vs_id *obj, u32 id);
void vs_id_put(struct vs_id *obj);

static inline void vs_id_get(struct vs_id *obj)
{
	refcount_inc(&obj->usecnt);
}

struct vs_id *vs_id_lookup(struct vs_id_table *t, u32 id);
bool vs_id_hashed(struct vs_id_table *t, u32 id);
int vs_id_collect(struct vs_id_table *t, u32 start, u32 *ids, int max);

u32 vs_id_dynamic(struct vs_id_table *t);
int vs_id_hash_new(struct vs_id *obj);
bool vs_id_unhash_if_idle_locked(struct vs_id *obj);
unsigned int vs_id_persistence_changed_locked(struct vs_id *obj);
void vs_id_drop_if_idle(struct vs_id *obj);

int vs_id_task_join(struct vs_id *obj);
void vs_id_task_leave(struct vs_id *obj);

#endif /* _LINUX_VSERVER_IDTABLE_H */
