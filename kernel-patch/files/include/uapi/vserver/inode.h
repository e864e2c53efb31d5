/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: inode attributes.
 *
 * Besides the usual file attributes, an inode may carry vserver
 * attributes (IATTR_*):
 *
 *   BARRIER    a directory no guest may pass (the chroot barrier; it goes
 *              on the parent directory of every guest root)
 *   IMMUTABLE  the file's immutable attribute (the one chattr +i sets)
 *   IXUNLINK   together with IMMUTABLE: unchangeable, but a name of it
 *              may still be unlinked (unified files)
 *   COW        copy-on-write link breaking (regular files)
 *   ADMIN, WATCH, HIDE  visibility of a /proc entry: an entry without
 *              HIDE is visible to everyone; with HIDE it is visible to
 *              the host only with ADMIN, to the spectator only with
 *              WATCH, and never to guests
 *   TAG        the inode carries a context tag
 *
 * get_iattr (by path, a final symlink is not followed) and fget_iattr
 * (by fd) return the tag, the bits set (flags) and the bits that apply to
 * that inode (mask).  set_iattr and fset_iattr change the bits in mask to
 * their value in flags; they need CAP_LINUX_IMMUTABLE.
 *
 * Errors: -EPERM without CAP_LINUX_IMMUTABLE, -EINVAL an attribute that
 * does not apply to the inode (ADMIN/WATCH/HIDE outside procfs, BARRIER on
 * a non-directory, COW on a non-regular file, unknown bits), -EBADF bad fd,
 * -ENOENT/-ENOTDIR/-EACCES from the path walk, -EFAULT bad pointer.
 */
#ifndef _UAPI_VSERVER_INODE_H
#define _UAPI_VSERVER_INODE_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <vserver/switch.h>

#define IATTR_TAG		0x01000000

#define IATTR_ADMIN		0x00000001
#define IATTR_WATCH		0x00000002
#define IATTR_HIDE		0x00000004
#define IATTR_FLAGS		(IATTR_ADMIN | IATTR_WATCH | IATTR_HIDE)

#define IATTR_BARRIER		0x00010000
#define IATTR_IXUNLINK		0x00020000
#define IATTR_IMMUTABLE		0x00040000
#define IATTR_COW		0x00080000

#define VCMD_get_iattr		VC_CMD(INODE, 1, 1)
#define VCMD_set_iattr		VC_CMD(INODE, 2, 1)
#define VCMD_fget_iattr		VC_CMD(INODE, 3, 0)
#define VCMD_fset_iattr		VC_CMD(INODE, 4, 0)

/*
 * The caller's file tag: the tag its new files get on a tagged
 * filesystem, and the one guest tag checks compare with.  It is the
 * task's xid until tag_migrate (id = the new tag, & 0xFFFF) sets another
 * one for the calling task (thread) and its later children; moving to
 * another context (ctx_migrate) makes the xid the tag again.  task_tag
 * (VINFO, info.h) reads it.
 */
#define VCMD_tag_migrate	VC_CMD(TAGMIG, 1, 0)

/* By path.  The 32-bit layout differs (pointer size). */
struct vcmd_ctx_iattr_v1 {
	const char *name;		/* user-space path */
	__u32 tag;
	__u32 flags;
	__u32 mask;
};

/* By file descriptor (the id argument). */
struct vcmd_ctx_fiattr_v0 {
	__u32 tag;
	__u32 flags;
	__u32 mask;
};

/*
 * The same bits through ioctl(2) on an open file: a long of IATTR_*
 * values.  GETXFLG reads the flags get_iattr reports; SETXFLG changes
 * BARRIER, IXUNLINK, IMMUTABLE and COW, where they apply, to the given
 * value (other bits are ignored, so a GETXFLG value can be written
 * back); it needs CAP_LINUX_IMMUTABLE.
 */
#define FIOC_GETXFLG		_IOR('x', 5, long)
#define FIOC_SETXFLG		_IOW('x', 6, long)

#endif /* _UAPI_VSERVER_INODE_H */
