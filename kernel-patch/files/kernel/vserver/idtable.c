// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer id tables: lookup, creation, task count and shutdown of
 * the objects that live under a number (security and network contexts).
 *
 * include/linux/vserver/idtable.h describes the life cycle, the
 * references and the locking.  Every function here is safe to call from
 * process context; vs_id_put() and the lookups also from atomic context
 * and RCU callbacks.
 */

#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/vserver/idtable.h>

/**
 * vs_id_init - set up the table's part of a new object
 * @t:		its table
 * @obj:	the object, not yet hashed
 * @id:		its number
 *
 * The object starts with one reference (its creator's) and no task.
 * Call it once the owner's allocation can no longer fail: from here on
 * only vs_id_put() frees the object.
 */
void vs_id_init(struct vs_id_table *t, struct vs_id *obj, u32 id)
{
	INIT_HLIST_NODE(&obj->hlist);
	obj->table = t;
	obj->id = id;
	obj->hashed = false;
	refcount_set(&obj->usecnt, 1);
	atomic_set(&obj->tasks, 0);
	atomic_inc(&t->total);
}

/* Runs as an RCU callback (softirq): must not sleep. */
static void vs_id_free_rcu(struct rcu_head *head)
{
	struct vs_id *obj = container_of(head, struct vs_id, rcu);
	struct vs_id_table *t = obj->table;

	t->ops->free(obj);
	atomic_dec(&t->total);
}

/**
 * vs_id_put - drop a reference
 * @obj: the object
 *
 * Safe in any context: the object is freed only after a grace period.
 */
void vs_id_put(struct vs_id *obj)
{
	if (refcount_dec_and_test(&obj->usecnt))
		call_rcu(&obj->rcu, vs_id_free_rcu);
}

/* The object hashed under @id, hashed or going; RCU or @t->lock held. */
static struct vs_id *vs_id_find(struct vs_id_table *t, u32 id)
{
	struct vs_id *obj;

	hash_for_each_possible_rcu(t->hash, obj, hlist, id,
				   lockdep_is_held(&t->lock))
		if (obj->id == id)
			return obj;
	return NULL;
}

/**
 * vs_id_lookup - find a hashed object by id and take a reference
 * @t:	the table
 * @id:	the number
 *
 * Returns the object or NULL; the caller drops it with vs_id_put().
 */
struct vs_id *vs_id_lookup(struct vs_id_table *t, u32 id)
{
	struct vs_id *obj;

	rcu_read_lock();
	obj = vs_id_find(t, id);
	if (obj && (!READ_ONCE(obj->hashed) ||
		    !refcount_inc_not_zero(&obj->usecnt)))
		obj = NULL;
	rcu_read_unlock();
	return obj;
}

/**
 * vs_id_hashed - is an object hashed under @id right now?
 * @t:	the table
 * @id:	the number
 *
 * A snapshot for /proc; safe in RCU-walk (no reference, no sleeping).
 */
bool vs_id_hashed(struct vs_id_table *t, u32 id)
{
	struct vs_id *obj;
	bool ret;

	rcu_read_lock();
	obj = vs_id_find(t, id);
	ret = obj && READ_ONCE(obj->hashed);
	rcu_read_unlock();
	return ret;
}

/**
 * vs_id_collect - the ids of hashed objects, ascending, from @start on
 * @t:		the table
 * @start:	smallest id wanted
 * @ids:	out: up to @max ids
 * @max:	size of @ids
 *
 * Returns how many ids were stored.  Readers of /proc call this for
 * chunks of ids and emit them without any lock held.
 */
int vs_id_collect(struct vs_id_table *t, u32 start, u32 *ids, int max)
{
	struct vs_id *obj;
	int bkt, n = 0, i;

	rcu_read_lock();
	hash_for_each_rcu(t->hash, bkt, obj, hlist) {
		if (obj->id < start || !READ_ONCE(obj->hashed))
			continue;
		/* Insert in order; drop the largest when full. */
		for (i = n; i > 0 && ids[i - 1] > obj->id; i--)
			if (i < max)
				ids[i] = ids[i - 1];
		if (i < max) {
			ids[i] = obj->id;
			if (n < max)
				n++;
		}
	}
	rcu_read_unlock();
	return n;
}

/**
 * vs_id_dynamic - a dynamic id that is free right now
 * @t:	the table
 *
 * Goes round the range like pid allocation.  Returns 0 if every id of
 * the range is taken.  The id is not reserved: vs_id_hash_new() finds
 * out if someone took it since.
 */
u32 vs_id_dynamic(struct vs_id_table *t)
{
	u32 n = t->dynamic_max - t->dynamic_min + 1, found = 0;

	spin_lock(&t->lock);
	while (n--) {
		u32 id = t->dynamic_next;

		t->dynamic_next = id == t->dynamic_max ? t->dynamic_min : id + 1;
		if (!vs_id_find(t, id)) {
			found = id;
			break;
		}
	}
	spin_unlock(&t->lock);
	return found;
}

/**
 * vs_id_hash_new - make a new object findable by its id
 * @obj: the object (vs_id_init() done), not hashed
 *
 * The hash keeps the creator's reference; a persistent object gets its
 * second one.  Returns 0, or the owner's answer (ops->busy) when the id
 * is taken.
 */
int vs_id_hash_new(struct vs_id *obj)
{
	struct vs_id_table *t = obj->table;
	struct vs_id *old;
	int ret = 0;

	spin_lock(&t->lock);
	old = vs_id_find(t, obj->id);
	if (old) {
		ret = t->ops->busy(old);
		goto out;
	}
	hash_add_rcu(t->hash, &obj->hlist, obj->id);
	obj->hashed = true;
	atomic_inc(&t->active);
	if (t->ops->persistent(obj))
		vs_id_get(obj);
out:
	spin_unlock(&t->lock);
	return ret;
}

/**
 * vs_id_unhash_if_idle_locked - unhash an object nothing keeps alive
 * @obj: the object; its table's lock held
 *
 * An object with tasks, or persistent, stays.  Returns true if it was
 * unhashed: the hash's reference then passes to the caller, who drops
 * it with vs_id_put() after unlocking.
 */
bool vs_id_unhash_if_idle_locked(struct vs_id *obj)
{
	struct vs_id_table *t = obj->table;

	lockdep_assert_held(&t->lock);
	if (!obj->hashed || atomic_read(&obj->tasks) || t->ops->persistent(obj))
		return false;
	hash_del_rcu(&obj->hlist);
	WRITE_ONCE(obj->hashed, false);
	atomic_dec(&t->active);
	t->ops->unhashed(obj);
	return true;
}

/**
 * vs_id_persistence_changed_locked - after the owner turned persistence on or off
 * @obj: the object; its table's lock held, the owner's flag already changed
 *
 * Persistence holds a reference: turning it on takes one; turning it off
 * gives it back and, for an object without tasks, shuts the object down.
 * Returns how many references the caller drops with vs_id_put() after
 * unlocking (0, 1 or 2).
 */
unsigned int vs_id_persistence_changed_locked(struct vs_id *obj)
{
	lockdep_assert_held(&obj->table->lock);
	if (obj->table->ops->persistent(obj)) {
		vs_id_get(obj);
		return 0;
	}
	return 1 + vs_id_unhash_if_idle_locked(obj);
}

/**
 * vs_id_drop_if_idle - unhash an object that nothing keeps alive
 * @obj: the object; the caller holds a reference
 *
 * For a creation whose first task never got in.
 */
void vs_id_drop_if_idle(struct vs_id *obj)
{
	struct vs_id_table *t = obj->table;
	bool unhashed;

	spin_lock(&t->lock);
	unhashed = vs_id_unhash_if_idle_locked(obj);
	spin_unlock(&t->lock);
	if (unhashed)
		vs_id_put(obj);
}

/**
 * vs_id_task_join - count one more task inside
 * @obj: the object; the caller holds a reference
 *
 * Returns the new task count, or -EFAULT when the object is shutting
 * down (no task may join it then).  The joining task's own reference is
 * the caller's to take.
 */
int vs_id_task_join(struct vs_id *obj)
{
	struct vs_id_table *t = obj->table;
	int ret = -EFAULT;

	spin_lock(&t->lock);
	if (obj->hashed)
		ret = atomic_inc_return(&obj->tasks);
	spin_unlock(&t->lock);
	return ret;
}

/**
 * vs_id_task_leave - count one task less, and shut down after the last
 * @obj: the object; the caller holds a reference
 *
 * The last task out unhashes the object unless it is persistent.
 */
void vs_id_task_leave(struct vs_id *obj)
{
	struct vs_id_table *t = obj->table;
	bool unhashed;

	if (!atomic_dec_and_lock(&obj->tasks, &t->lock))
		return;
	unhashed = vs_id_unhash_if_idle_locked(obj);
	spin_unlock(&t->lock);
	if (unhashed)
		vs_id_put(obj);
}
