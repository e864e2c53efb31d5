// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer vroot: block devices that stand in for a real one.
 *
 * A guest that shares a filesystem with others must not get a node of
 * the disk under it, yet quota tools name a filesystem by its block
 * device.  /dev/vroot0../dev/vrootN (max_vroot of them, 8 by default)
 * are that stand-in: the host binds one to the real device with
 * VROOT_SET_DEV (util-vserver's vrsetup), maps the vroot into the guest,
 * and quotactl(2) on the vroot acts on the filesystem of the real device
 * (fs/quota/quota.c asks vroot_real_dev()).  A vroot itself has no
 * sectors and fails every I/O, so opening it gives no access to data.
 *
 * The ioctls (include/uapi/vserver/vroot.h) take the real device as an
 * open file descriptor; only the host (CAP_SYS_ADMIN, not a guest) binds
 * and unbinds.  Only the device number is kept: a real device that goes
 * away leaves a binding that finds no filesystem.
 *
 * Locking: vroot_mutex serialises binding and unbinding; readers take
 * the number with READ_ONCE().
 */

#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vserver/context.h>
#include <linux/vserver/vroot.h>
#include <vserver/vroot.h>

static int max_vroot = 8;
module_param(max_vroot, int, 0444);
MODULE_PARM_DESC(max_vroot, "number of vroot devices (1..256)");

/**
 * struct vroot_device - one /dev/vrootN
 * @disk:	its gendisk, no sectors
 * @real:	the device it stands for, 0 when unbound
 */
struct vroot_device {
	struct gendisk	*disk;
	dev_t		real;
};

static int vroot_major;
static struct vroot_device *vroots;
static DEFINE_MUTEX(vroot_mutex);

/* No I/O reaches the real device through a vroot. */
static void vroot_submit_bio(struct bio *bio)
{
	bio_io_error(bio);
}

static int vroot_set_dev(struct vroot_device *vr, unsigned long arg)
{
	struct inode *inode;
	struct file *file;
	dev_t real;
	int err = 0;

	if (arg > INT_MAX)
		return -EBADF;
	file = fget(arg);
	if (!file)
		return -EBADF;
	inode = file_inode(file);
	real = inode->i_rdev;
	if (!S_ISBLK(inode->i_mode) || MAJOR(real) == vroot_major) {
		err = -EINVAL;
		goto out_fput;
	}
	mutex_lock(&vroot_mutex);
	if (vr->real)
		err = -EBUSY;
	else
		WRITE_ONCE(vr->real, real);
	mutex_unlock(&vroot_mutex);
out_fput:
	fput(file);
	return err;
}

static int vroot_clr_dev(struct vroot_device *vr)
{
	int err = 0;

	mutex_lock(&vroot_mutex);
	if (vr->real)
		WRITE_ONCE(vr->real, 0);
	else
		err = -ENXIO;
	mutex_unlock(&vroot_mutex);
	return err;
}

static int vroot_ioctl(struct block_device *bdev, fmode_t mode,
		       unsigned int cmd, unsigned long arg)
{
	struct vroot_device *vr = bdev->bd_disk->private_data;

	if (cmd != VROOT_SET_DEV && cmd != VROOT_CLR_DEV)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN) || vx_is_guest_xid(vx_current_xid()))
		return -EPERM;
	if (cmd == VROOT_SET_DEV)
		return vroot_set_dev(vr, arg);
	return vroot_clr_dev(vr);
}

static const struct block_device_operations vroot_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= vroot_submit_bio,
	.ioctl		= vroot_ioctl,
	/* The argument is a number, the same for 32-bit callers. */
	.compat_ioctl	= vroot_ioctl,
};

/**
 * vroot_real_dev - the device a vroot stands for
 * @dev: a device number, from a path quotactl(2) was given
 * @real: set to the bound device when @dev is a vroot
 *
 * Returns 0 with *@real = @dev for any other device, 0 with the bound
 * device for a bound vroot, -ENXIO for an unbound one.
 */
int vroot_real_dev(dev_t dev, dev_t *real)
{
	unsigned int minor = MINOR(dev);

	*real = dev;
	if (!vroot_major || MAJOR(dev) != vroot_major)
		return 0;
	if (minor >= max_vroot)
		return -ENXIO;
	*real = READ_ONCE(vroots[minor].real);
	return *real ? 0 : -ENXIO;
}

static void vroot_del_disks(int n)
{
	while (n--) {
		del_gendisk(vroots[n].disk);
		put_disk(vroots[n].disk);
	}
}

static int vroot_add_disk(int i)
{
	struct gendisk *disk;
	int err;

	disk = blk_alloc_disk(NUMA_NO_NODE);
	if (!disk)
		return -ENOMEM;
	disk->major = vroot_major;
	disk->first_minor = i;
	disk->minors = 1;
	disk->fops = &vroot_fops;
	disk->private_data = &vroots[i];
	snprintf(disk->disk_name, DISK_NAME_LEN, "vroot%d", i);
	set_capacity(disk, 0);
	err = add_disk(disk);
	if (err) {
		put_disk(disk);
		return err;
	}
	vroots[i].disk = disk;
	return 0;
}

static int __init vroot_init(void)
{
	int i, err;

	if (max_vroot < 1 || max_vroot > 256)
		return -EINVAL;
	vroots = kcalloc(max_vroot, sizeof(*vroots), GFP_KERNEL);
	if (!vroots)
		return -ENOMEM;
	err = register_blkdev(0, "vroot");
	if (err < 0)
		goto out_free;
	vroot_major = err;
	for (i = 0; i < max_vroot; i++) {
		err = vroot_add_disk(i);
		if (err)
			goto out_disks;
	}
	return 0;

out_disks:
	vroot_del_disks(i);
	unregister_blkdev(vroot_major, "vroot");
	vroot_major = 0;
out_free:
	kfree(vroots);
	return err;
}

static void __exit vroot_exit(void)
{
	vroot_del_disks(max_vroot);
	unregister_blkdev(vroot_major, "vroot");
	kfree(vroots);
}

module_init(vroot_init);
module_exit(vroot_exit);
MODULE_DESCRIPTION("Linux-VServer vroot: stand-in block devices for quota");
MODULE_LICENSE("GPL");
