/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer device mapping (kernel/vserver/device.c): the devices a
 * guest may open or create beyond the minimal guest /dev.
 */
#ifndef _LINUX_VSERVER_DEVICE_H
#define _LINUX_VSERVER_DEVICE_H

#include <linux/types.h>
#include <vserver/device.h>

#ifdef CONFIG_VSERVER
bool vx_devmap_allows(umode_t mode, dev_t dev, u32 how);
void vx_devmap_drop(u32 xid);
bool vx_devmap_mknod(umode_t mode, dev_t dev);
#else
static inline bool vx_devmap_mknod(umode_t mode, dev_t dev)
{
	return false;
}
#endif

#endif /* _LINUX_VSERVER_DEVICE_H */
