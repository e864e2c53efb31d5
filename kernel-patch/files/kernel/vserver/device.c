// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer device mapping (ABI 4.5, util-vserver's vdevmap).
 *
 * A guest opens only the devices of the minimal guest /dev, whoever made
 * the node (security/vserver/fs.c), and makes none without CAP_MKNOD,
 * which its bound never holds.  The host widens that per device:
 *
 *   set_mapping(xid, {device, target, flags})
 *
 * names a device by a node of it (@device: its type, character or
 * block, and its number).  With DATTR_OPEN the context's tasks may open
 * nodes of that device; with DATTR_CREATE they may make such nodes
 * (mknod of exactly that type and number) without CAP_MKNOD.  Setting
 * the same device again replaces its flags; unset_mapping removes it
 * (-ESRCH if it is not mapped).  id 0 is the host's table: its entries
 * apply to every guest.  A context's entries go when the context does,
 * so a new context with the same id starts with none.
 *
 * DATTR_REMAP (open @target when @device is opened) is refused with
 * -EINVAL: a node's device number decides which driver opens it before
 * any hook of ours runs, so a remap would need the node rewritten.
 * Other flag bits are -EINVAL; a @device that is not a device node is
 * -ENODEV (-EISDIR for a directory); path errors are passed on.
 *
 * Locking: vx_devmap_lock (a spinlock) guards the list; lookups run
 * under it too (a few entries, no sleeping).  vx_devmap_drop() is called
 * with vx_ids.lock held, so vx_devmap_lock nests inside it.
 */

#include <linux/compat.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vserver/context.h>
#include <linux/vserver/device.h>
#include <linux/vserver/switch.h>

/**
 * struct vx_devmap - one mapped device
 * @list:	entry in vx_devmaps
 * @xid:	the context it is for, 0 for every guest
 * @type:	S_IFCHR or S_IFBLK
 * @dev:	the device number
 * @flags:	DATTR_OPEN and/or DATTR_CREATE
 */
struct vx_devmap {
	struct list_head	list;
	u32			xid;
	umode_t			type;
	dev_t			dev;
	u32			flags;
};

static LIST_HEAD(vx_devmaps);
static DEFINE_SPINLOCK(vx_devmap_lock);

/* set_mapping_v0 as a 32-bit caller lays it out. */
struct vcmd_set_mapping_v0_32 {
	u32		device;
	u32		target;
	u32		flags;
};

/* The entry for (@xid, @type, @dev), or NULL.  Caller holds the lock. */
static struct vx_devmap *vx_devmap_find(u32 xid, umode_t type, dev_t dev)
{
	struct vx_devmap *m;

	list_for_each_entry(m, &vx_devmaps, list)
		if (m->xid == xid && m->type == type && m->dev == dev)
			return m;
	return NULL;
}

/**
 * vx_devmap_allows - may the current guest use a node of this device?
 * @mode: the node's mode (only its type counts)
 * @dev: the node's device number
 * @how: DATTR_OPEN or DATTR_CREATE
 *
 * True if the current task's context, or the host's table, maps the
 * device with @how.  Never true outside a guest (the caller decides).
 */
bool vx_devmap_allows(umode_t mode, dev_t dev, u32 how)
{
	u32 xid = vx_current_xid();
	umode_t type = mode & S_IFMT;
	struct vx_devmap *m;
	bool ret = false;

	if (!vx_is_guest_xid(xid) || (type != S_IFCHR && type != S_IFBLK))
		return false;
	spin_lock(&vx_devmap_lock);
	list_for_each_entry(m, &vx_devmaps, list) {
		if ((m->xid == xid || m->xid == VX_HOST_XID) &&
		    m->type == type && m->dev == dev && (m->flags & how)) {
			ret = true;
			break;
		}
	}
	spin_unlock(&vx_devmap_lock);
	return ret;
}

/**
 * vx_devmap_mknod - may a guest without CAP_MKNOD make this node?
 *
 * vfs_mknod() asks when the capability is missing (DATTR_CREATE).
 */
bool vx_devmap_mknod(umode_t mode, dev_t dev)
{
	if (!static_branch_unlikely(&vx_active))
		return false;
	return vx_devmap_allows(mode, dev, DATTR_CREATE);
}

/* Forget every entry of context @xid (it is going away). */
void vx_devmap_drop(u32 xid)
{
	struct vx_devmap *m, *next;

	spin_lock(&vx_devmap_lock);
	list_for_each_entry_safe(m, next, &vx_devmaps, list) {
		if (m->xid == xid) {
			list_del(&m->list);
			kfree(m);
		}
	}
	spin_unlock(&vx_devmap_lock);
}

/* Copy the argument in, in the caller's layout. */
static int vx_devmap_copy_in(const struct vc_call *call,
			     const char __user **device, u32 *flags)
{
	struct vcmd_set_mapping_v0_32 arg32;
	struct vcmd_set_mapping_v0 arg;

	if (call->compat) {
		if (copy_from_user(&arg32, call->data, sizeof(arg32)))
			return -EFAULT;
		*device = compat_ptr(arg32.device);
		*flags = arg32.flags;
		return 0;
	}
	if (copy_from_user(&arg, call->data, sizeof(arg)))
		return -EFAULT;
	*device = (const char __user *)arg.device;
	*flags = arg.flags;
	return 0;
}

/* The type and number of the device node at @name. */
static int vx_devmap_node(const char __user *name, umode_t *type, dev_t *dev)
{
	struct path path;
	umode_t mode;
	int err;

	err = user_path_at(AT_FDCWD, name, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	mode = d_backing_inode(path.dentry)->i_mode;
	*dev = d_backing_inode(path.dentry)->i_rdev;
	path_put(&path);
	if (S_ISDIR(mode))
		return -EISDIR;
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return -ENODEV;
	*type = mode & S_IFMT;
	return 0;
}

/* The target context's id, 0 for the host's table (ZIDOK). */
static u32 vx_devmap_xid(const struct vc_call *call)
{
	return call->vxi ? vx_info_xid(call->vxi) : VX_HOST_XID;
}

long vc_set_mapping(const struct vc_call *call)
{
	const char __user *device;
	struct vx_devmap *m, *new;
	umode_t type;
	dev_t dev;
	u32 flags, xid = vx_devmap_xid(call);
	int err;

	err = vx_devmap_copy_in(call, &device, &flags);
	if (err)
		return err;
	if (flags & ~(DATTR_OPEN | DATTR_CREATE))
		return -EINVAL;
	err = vx_devmap_node(device, &type, &dev);
	if (err)
		return err;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->xid = xid;
	new->type = type;
	new->dev = dev;
	new->flags = flags;

	spin_lock(&vx_devmap_lock);
	m = vx_devmap_find(xid, type, dev);
	if (m) {
		m->flags = flags;
		spin_unlock(&vx_devmap_lock);
		kfree(new);
		return 0;
	}
	list_add(&new->list, &vx_devmaps);
	spin_unlock(&vx_devmap_lock);
	return 0;
}

long vc_unset_mapping(const struct vc_call *call)
{
	const char __user *device;
	struct vx_devmap *m;
	umode_t type;
	dev_t dev;
	u32 flags, xid = vx_devmap_xid(call);
	int err;

	err = vx_devmap_copy_in(call, &device, &flags);
	if (err)
		return err;
	err = vx_devmap_node(device, &type, &dev);
	if (err)
		return err;
	spin_lock(&vx_devmap_lock);
	m = vx_devmap_find(xid, type, dev);
	if (m)
		list_del(&m->list);
	spin_unlock(&vx_devmap_lock);
	if (!m)
		return -ESRCH;
	kfree(m);
	return 0;
}
