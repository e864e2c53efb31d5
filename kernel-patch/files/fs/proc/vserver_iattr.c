// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer /proc entry attributes: who may see a /proc entry.
 *
 * Every entry of the proc_dir_entry tree (not the per-process
 * directories, not /proc/sys) carries three bits, set with set_iattr
 * (`setattr --hide /proc/uptime`) and read with get_iattr (`showattr`):
 *
 *   HIDE   the entry is hidden; without it everyone sees the entry
 *   ADMIN  ... but the host (xid 0) still sees a hidden entry
 *   WATCH  ... and so does the spectator (xid 1)
 *
 * Guests never see a hidden entry.  New entries start with ADMIN and
 * WATCH.  At the top of /proc, PROC_SECURE is a whitelist: only the
 * entries a guest's user space needs and that show nothing of the host's
 * hardware or kernel internals (vx_proc_guest[]: cpuinfo, meminfo,
 * mounts, net, sys, uptime, ...) start visible; every other top-level
 * entry, including one a later kernel adds, starts hidden (bus, irq,
 * kallsyms, modules, interrupts, partitions, ...), so the kernel reports
 * PROC_SECURE in its VCI bits.  A host administrator may unhide entries
 * for guests (vprocunhide), except for those no guest may ever reach
 * (sysrq-trigger, kcore, the kpage* files, mtrr): they stay hidden from
 * guests whatever their bits say.  Entries below the top level inherit
 * nothing: hiding a directory hides what is below it.
 *
 * A hidden entry gives -ENOENT to lookup, is left out of readdir, and a
 * dentry the host left in the dcache fails revalidation with -ENOENT for
 * whoever may not see it (fs/proc/generic.c calls vx_proc_hidden()).
 *
 * /proc/virtual and /proc/virtnet are also hidden from a guest whose
 * context has HIDE_VINFO (stealth: nothing in /proc names the context).
 *
 * Locking: the bits are one byte in the proc_dir_entry, written with
 * WRITE_ONCE() under the inode lock of the entry's inode and read with
 * READ_ONCE(), so lookups see either the old or the new set.
 */

#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/string.h>
#include <linux/vserver/context.h>
#include <linux/vserver/inode.h>
#include <vserver/inode.h>
#include "internal.h"

/* Not an IATTR bit: never visible to a guest, whatever the bits say. */
#define VX_PROC_GUEST_NEVER	0x80
/* Not an IATTR bit: hidden from a guest with HIDE_VINFO (stealth). */
#define VX_PROC_VINFO		0x40

struct vx_proc_default {
	const char	*name;
	u8		flags;
};

/* Entries of /proc itself that stay hidden from guests (NEVER) ... */
static const struct vx_proc_default vx_proc_secure[] = {
	{ "sysrq-trigger",	IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "kcore",		IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "kpagecount",		IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "kpageflags",		IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "kpagecgroup",	IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "mtrr",		IATTR_HIDE | VX_PROC_GUEST_NEVER },
	{ "kmsg",		IATTR_HIDE },
	{ "iomem",		IATTR_HIDE },
	{ "ioports",		IATTR_HIDE },
	{ "timer_list",		IATTR_HIDE },
	{ "vmallocinfo",	IATTR_HIDE },
};

/* ... and the only ones that start visible to them (PROC_SECURE). */
static const char *const vx_proc_guest[] = {
	"cmdline", "cpuinfo", "crypto", "devices", "execdomains",
	"filesystems", "loadavg", "locks", "meminfo", "misc", "mounts", "net",
	"stat", "swaps", "sys", "sysvipc", "tty", "uptime", "version",
	"virtnet", "virtual", "vmstat",
};

/**
 * vx_proc_init_iattr - the attributes a new /proc entry starts with
 * @dir: the directory it is registered in
 * @de: the new entry, not yet visible
 */
void vx_proc_init_iattr(struct proc_dir_entry *dir, struct proc_dir_entry *de)
{
	unsigned int i;

	de->vx_flags = IATTR_ADMIN | IATTR_WATCH;
	if (dir != &proc_root)
		return;
	if (!strcmp(de->name, "virtual") || !strcmp(de->name, "virtnet"))
		de->vx_flags |= VX_PROC_VINFO;
	for (i = 0; i < ARRAY_SIZE(vx_proc_secure); i++) {
		if (!strcmp(de->name, vx_proc_secure[i].name)) {
			de->vx_flags |= vx_proc_secure[i].flags;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(vx_proc_guest); i++)
		if (!strcmp(de->name, vx_proc_guest[i]))
			return;
	de->vx_flags |= IATTR_HIDE;
}

/**
 * vx_proc_hidden - is @de hidden from the current task?
 *
 * Safe in any context; reads one byte and the caller's xid.
 */
bool vx_proc_hidden(const struct proc_dir_entry *de)
{
	u8 flags = READ_ONCE(de->vx_flags);
	u32 xid = vx_current_xid();

	if (vx_is_guest_xid(xid)) {
		if ((flags & VX_PROC_VINFO) &&
		    vx_info_flags(vx_task_info(current), VXF_HIDE_VINFO))
			return true;
		return flags & (IATTR_HIDE | VX_PROC_GUEST_NEVER);
	}
	if (!(flags & IATTR_HIDE))
		return false;
	if (xid == VX_HOST_XID)
		return !(flags & IATTR_ADMIN);
	return !(flags & IATTR_WATCH);
}

/* The entry behind a procfs inode, or NULL (pid dirs, sysctl, root). */
static struct proc_dir_entry *vx_proc_entry(const struct inode *inode)
{
	struct proc_dir_entry *de;

	if (inode->i_sb->s_magic != PROC_SUPER_MAGIC)
		return NULL;
	de = PDE(inode);
	if (!de || de == &proc_root)
		return NULL;
	return de;
}

/**
 * vx_proc_inode - does @inode carry /proc visibility bits?
 */
bool vx_proc_inode(const struct inode *inode)
{
	return vx_proc_entry(inode) != NULL;
}

/**
 * vx_proc_get_iattr - the IATTR_ADMIN/WATCH/HIDE bits of a /proc inode
 */
u32 vx_proc_get_iattr(const struct inode *inode)
{
	struct proc_dir_entry *de = vx_proc_entry(inode);

	return de ? READ_ONCE(de->vx_flags) & IATTR_FLAGS : 0;
}

/**
 * vx_proc_set_iattr - change the /proc bits selected by @mask to @flags
 *
 * Returns 0, or -EINVAL if @inode is not a /proc entry.  The caller holds
 * the inode lock, which serialises writers.
 */
int vx_proc_set_iattr(struct inode *inode, u32 flags, u32 mask)
{
	struct proc_dir_entry *de = vx_proc_entry(inode);
	u8 old;

	if (!de)
		return -EINVAL;
	mask &= IATTR_FLAGS;
	old = READ_ONCE(de->vx_flags);
	WRITE_ONCE(de->vx_flags, (old & ~mask) | (flags & mask));
	return 0;
}
