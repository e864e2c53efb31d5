/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: command words and kernel features.
 *
 * Every request to sys_vserver(cmd, id, data) names its operation with a
 * 32-bit command word.  The word packs a category (what kind of object the
 * command works on), a command number inside that category and the
 * revision of the argument structure.  Each revision is a command of its
 * own: a kernel that does not know a revision answers -ENOSYS, exactly as
 * for an unknown command or a kernel without the interface.
 *
 * The interface version and the VCI feature bits let tools find out what
 * the running kernel offers before they rely on it.
 */
#ifndef _UAPI_VSERVER_SWITCH_H
#define _UAPI_VSERVER_SWITCH_H

/* Version of the interface implemented by this kernel (vs2.3 family). */
#define VCI_VERSION		0x00020308

/* Command word layout: 6-bit category, 8-bit command, 12-bit revision. */
#define VC_CAT_SHIFT		24
#define VC_CAT_MASK		0x3F
#define VC_CMD_SHIFT		16
#define VC_CMD_MASK		0xFF
#define VC_VER_MASK		0xFFF

#define VC_CMD(c, i, v)							\
	((((VC_CAT_ ## c) & VC_CAT_MASK) << VC_CAT_SHIFT) |		\
	 (((i) & VC_CMD_MASK) << VC_CMD_SHIFT) |			\
	 ((v) & VC_VER_MASK))

#define VC_CATEGORY(c)		(((c) >> VC_CAT_SHIFT) & VC_CAT_MASK)
#define VC_COMMAND(c)		(((c) >> VC_CMD_SHIFT) & VC_CMD_MASK)
#define VC_VERSION(c)		((c) & VC_VER_MASK)

/* Categories ("Syscall Matrix V2.8"). */
#define VC_CAT_VERSION		0
#define VC_CAT_VSETUP		1
#define VC_CAT_VHOST		2
#define VC_CAT_DEVICE		6

#define VC_CAT_VPROC		9
#define VC_CAT_PROCALT		10
#define VC_CAT_PROCMIG		11
#define VC_CAT_PROCTRL		12
#define VC_CAT_SCHED		14

#define VC_CAT_MEMCTRL		20

#define VC_CAT_VNET		25
#define VC_CAT_NETALT		26
#define VC_CAT_NETMIG		27
#define VC_CAT_NETCTRL		28

#define VC_CAT_TAGMIG		35
#define VC_CAT_DLIMIT		36
#define VC_CAT_INODE		38

#define VC_CAT_VSTAT		40
#define VC_CAT_VINFO		46

#define VC_CAT_EVENT		48
#define VC_CAT_FLAGS		52
#define VC_CAT_VSPACE		54

#define VC_CAT_DEBUG		56
#define VC_CAT_RLIMIT		60
#define VC_CAT_SYSTEST		61
#define VC_CAT_COMPAT		63

/*
 * VCI feature bits, returned by get_vci and shown as "VCIKernel:" in
 * /proc/virtual/info.  A bit is set only when the feature is built in.
 */
#define VCI_NO_DYNAMIC		(1U << 0)	/* no kernel-chosen ids */
#define VCI_PROC_SECURE		(1U << 4)	/* /proc hidden by default */
#define VCI_HARDCPU		(1U << 5)	/* hard CPU scheduler */
#define VCI_COWBL		(1U << 8)	/* copy-on-write link breaking */
#define VCI_FULLCOWBL		(1U << 9)	/* ... for every operation */
#define VCI_SPACES		(1U << 10)	/* namespace slots */
#define VCI_NETV2		(1U << 11)	/* network contexts, v2 */
#define VCI_MEMCG		(1U << 12)	/* memory cgroup */
#define VCI_MEMCG_SWAP		(1U << 13)	/* ... with swap accounting */
#define VCI_DEBUG		(1U << 16)	/* debug build */
#define VCI_HISTORY		(1U << 20)	/* event history */
#define VCI_PPTAG		(1U << 28)	/* tag propagation */
#define VCI_MORE		(1U << 31)	/* reserved */

/* Tagging method, a 3-bit field at bits 24..26. */
#define VCI_TAGGED_SHIFT	24
#define VCI_TAGGED_MASK		(7U << VCI_TAGGED_SHIFT)
#define VCI_TAGGED_NONE		0
#define VCI_TAGGED_UID16	1
#define VCI_TAGGED_GID16	2
#define VCI_TAGGED_ID24		3
#define VCI_TAGGED_INTERN	4
#define VCI_TAGGED_RUNTIME	5
#define VCI_TAGGED_UNKNOWN	7

#endif /* _UAPI_VSERVER_SWITCH_H */
