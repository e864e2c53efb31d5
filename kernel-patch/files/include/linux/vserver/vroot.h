/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer vroot (kernel side): quotactl(2) on /dev/vrootN acts on
 * the device the vroot is bound to.  See drivers/block/vroot.c.
 */
#ifndef _LINUX_VSERVER_VROOT_H
#define _LINUX_VSERVER_VROOT_H

#include <linux/types.h>

#ifdef CONFIG_BLK_DEV_VROOT
int vroot_real_dev(dev_t dev, dev_t *real);
#else
static inline int vroot_real_dev(dev_t dev, dev_t *real)
{
	*real = dev;
	return 0;
}
#endif

#endif /* _LINUX_VSERVER_VROOT_H */
