/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer vroot: block devices that stand in for a real one.
 *
 * /dev/vroot0../dev/vrootN do no I/O.  Bound to a real block device,
 * quotactl(2) on a vroot acts on the filesystem of the real device, so a
 * guest gets quota tools that work without a node of the real disk.
 *
 *   ioctl(vroot_fd, VROOT_SET_DEV, real_fd)   bind; real_fd is an open
 *                                             block device (not a vroot)
 *   ioctl(vroot_fd, VROOT_CLR_DEV, 0)         unbind
 *
 * Errors: -EBUSY the vroot is bound already; -EBADF real_fd is no open
 * file; -EINVAL it is no block device, or a vroot; -ENXIO (CLR_DEV, and
 * quotactl on the vroot) it is not bound; -EPERM without CAP_SYS_ADMIN,
 * or from a guest.
 */
#ifndef _UAPI_VSERVER_VROOT_H
#define _UAPI_VSERVER_VROOT_H

#define VROOT_SET_DEV		0x5600
#define VROOT_CLR_DEV		0x5601

#endif /* _UAPI_VSERVER_VROOT_H */
