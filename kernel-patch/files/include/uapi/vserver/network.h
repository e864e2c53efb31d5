/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: network contexts.
 *
 * A network context (nid 2..65535) holds the IPv4 and IPv6 addresses its
 * tasks may use.  Sockets of those tasks bind only to addresses of the
 * set; a bind to the wildcard address is narrowed to the set; an unbound
 * socket that connects or sends picks its source from the set.  There are
 * no virtual interfaces: the guest shares the host's devices and routes.
 *
 * The host creates a network context with net_create (which also moves
 * the caller in); other tasks join with net_migrate.  Addresses are added
 * and removed with the NETALT commands.  Each network context has a
 * 64-bit flag word (NXF_*) and network capabilities (NXC_*), changed with
 * the {value, mask} rule of the context commands; the one-time bits
 * (NXF_ONE_TIME) can only be cleared.
 *
 * Errors: -ESRCH no such network context (or, for removals, no such
 * address entry), -EEXIST the nid or address is taken (-EBUSY while the
 * context is still being set up), -EINVAL bad id, type or count,
 * -EACCES not administrable or private, -EFAULT bad pointer.
 */
#ifndef _UAPI_VSERVER_NETWORK_H
#define _UAPI_VSERVER_NETWORK_H

#include <linux/types.h>
#include <vserver/switch.h>

/* Network context ids: same ranges as context ids. */
#define NX_ID_HOST		0	/* no network context: the host */
#define NX_ID_SPECTATOR		1	/* no restrictions, sees every address */
#define NX_ID_MIN		2
#define NX_ID_MIN_DYNAMIC	49152
#define NX_ID_MAX		65535
#define NX_ID_DYNAMIC		0xFFFFFFFFU	/* "kernel, pick one" */
#define NX_ID_SELF		0xFFFFFFFEU	/* any id < 0 as int: own */

/* Network context flags (64 bit). */
#define NXF_INFO_PRIVATE	0x00000008ULL
#define NXF_SINGLE_IP		0x00000100ULL
#define NXF_LBACK_REMAP		0x00000200ULL
#define NXF_LBACK_ALLOW		0x00000400ULL
#define NXF_HIDE_NETIF		0x02000000ULL
#define NXF_HIDE_LBACK		0x04000000ULL

#define NXF_STATE_SETUP		(1ULL << 32)
#define NXF_STATE_ADMIN		(1ULL << 34)
#define NXF_SC_HELPER		(1ULL << 36)
#define NXF_PERSISTENT		(1ULL << 38)

/* Bits that can be cleared once and never set again. */
#define NXF_ONE_TIME		(NXF_STATE_SETUP | NXF_STATE_ADMIN)
/* Flag word of net_create_v0. */
#define NXF_INIT_SET		(NXF_STATE_ADMIN | NXF_HIDE_NETIF)

/* Network capabilities (64 bit). */
#define NXC_TUN_CREATE		0x00000001ULL
#define NXC_RAW_ICMP		0x00000100ULL	/* ping without CAP_NET_RAW */
#define NXC_MULTICAST		0x00001000ULL

/* Address entry types (the "type" field of the address structs). */
#define NXA_TYPE_NONE		0x0000
#define NXA_TYPE_IPV4		0x0001
#define NXA_TYPE_IPV6		0x0002
#define NXA_TYPE_ANY		0x00FF

#define NXA_TYPE_ADDR		0x0010
#define NXA_TYPE_MASK		0x0020
#define NXA_TYPE_RANGE		0x0040
#define NXA_MASK_ALL		(NXA_TYPE_ADDR | NXA_TYPE_MASK | NXA_TYPE_RANGE)

#define NXA_MOD_BCAST		0x0100	/* the broadcast address */
#define NXA_MOD_LBACK		0x0200	/* the context's loopback address */
#define NXA_LOOPBACK		0x1000

#define NXA_MASK_BIND		(NXA_MASK_ALL | NXA_MOD_BCAST | NXA_MOD_LBACK)
#define NXA_MASK_SHOW		(NXA_MASK_ALL | NXA_LOOPBACK)

/* Legacy limit: addresses per net_addr_v0 request and per chbind. */
#define NB_IPV4ROOT		16
#define MAX_N_CONTEXT		65535

/* Lifecycle (level 5). */
#define VCMD_net_create_v0	VC_CMD(VNET, 1, 0)
#define VCMD_net_create		VC_CMD(VNET, 1, 1)
#define VCMD_net_migrate	VC_CMD(NETMIG, 1, 0)

struct vcmd_net_create {
	__u64 flagword;		/* initial NXF_* word */
};

/* Queries. */
#define VCMD_task_nid		VC_CMD(VINFO, 2, 0)
#define VCMD_nx_info		VC_CMD(VINFO, 6, 0)

struct vcmd_nx_info_v0 {
	__u32 nid;
};

/* Flags and network capabilities. */
#define VCMD_get_nflags		VC_CMD(FLAGS, 5, 0)
#define VCMD_set_nflags		VC_CMD(FLAGS, 6, 0)
#define VCMD_get_ncaps		VC_CMD(FLAGS, 7, 0)
#define VCMD_set_ncaps		VC_CMD(FLAGS, 8, 0)

struct vcmd_net_flags_v0 {
	__u64 flagword;
	__u64 mask;
};

struct vcmd_net_caps_v0 {
	__u64 ncaps;
	__u64 cmask;
};

/* Addresses (level 8, admin, allowed on itself during setup). */
#define VCMD_net_add		VC_CMD(NETALT, 1, 0)
#define VCMD_net_remove		VC_CMD(NETALT, 2, 0)
#define VCMD_net_add_ipv4_v1	VC_CMD(NETALT, 1, 1)
#define VCMD_net_rem_ipv4_v1	VC_CMD(NETALT, 2, 1)
#define VCMD_net_add_ipv4	VC_CMD(NETALT, 1, 2)
#define VCMD_net_rem_ipv4	VC_CMD(NETALT, 2, 2)
#define VCMD_net_add_ipv6	VC_CMD(NETALT, 3, 1)
#define VCMD_net_remove_ipv6	VC_CMD(NETALT, 4, 1)

/* Defined by the interface but not dispatched: these answer -ENOSYS. */
#define VCMD_add_match_ipv4	VC_CMD(NETALT, 5, 0)
#define VCMD_get_match_ipv4	VC_CMD(NETALT, 6, 0)
#define VCMD_add_match_ipv6	VC_CMD(NETALT, 7, 0)
#define VCMD_get_match_ipv6	VC_CMD(NETALT, 8, 0)

/* Addresses and masks are in network byte order. */
struct vcmd_net_addr_v0 {
	__u16 type;
	__u16 count;		/* 1..4 entries of ip[] and mask[] */
	__u32 ip[4];
	__u32 mask[4];
};

struct vcmd_net_addr_ipv4_v1 {
	__u16 type;
	__u16 flags;
	__u32 ip;
	__u32 mask;
};

struct vcmd_net_addr_ipv4_v2 {
	__u16 type;
	__u16 flags;
	__u32 ip;
	__u32 ip2;		/* last address of an NXA_TYPE_RANGE */
	__u32 mask;
};

struct vcmd_net_addr_ipv6_v1 {
	__u16 type;
	__u16 flags;
	__u32 prefix;
	__u8 ip[16];
	__u8 mask[16];
};

struct vcmd_match_ipv4_v0 {
	__u16 type;
	__u16 flags;
	__u16 parent;
	__u16 prefix;
	__u32 ip;
	__u32 ip2;
	__u32 mask;
};

struct vcmd_match_ipv6_v0 {
	__u16 type;
	__u16 flags;
	__u16 parent;
	__u16 prefix;
	__u8 ip[16];
	__u8 ip2[16];
	__u8 mask[16];
};

#endif /* _UAPI_VSERVER_NETWORK_H */
