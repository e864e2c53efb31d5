// SPDX-License-Identifier: GPL-2.0
/*
 * vattribute: show or change a context's flags, context capabilities,
 * capability bound and umask.
 *
 *   vattribute [--xid X] --get [-- CMD...]
 *   vattribute [--xid X] --set [--bcap [~!]CAP]... [--ccap [~!]CCAP]...
 *              [--flag [~!]FLAG]... [--secure] [--stealth] [--umask M]
 *              [-- CMD...]
 *
 * Without --xid the caller's own context is meant (its xid, from
 * task_xid, as util-vserver's vattribute asks).  Each of --bcap,
 * --ccap and --flag takes a name or a comma list; '~' or '!' before a name
 * clears that bit, a plain name sets it.  Names: POSIX capability names
 * with or without "CAP_" (bcaps), the util-vserver ccap names and aliases
 * (set_utsname/utsname, raw_icmp/icmp/ping, secure_mount/mount, ...) and
 * flag names (fakeinit, private, virt_uptime, state_setup, ..., plus the
 * pseudo-flags "secure" = hide_netif and "default" = virt_uptime); ^N
 * names bit N.
 *
 * --secure, as util-vserver's vattribute does, replaces what the options
 * before it said: bcaps become every capability but util-vserver's
 * insecure ones (LINUX_IMMUTABLE, NET_BROADCAST, NET_ADMIN, NET_RAW,
 * IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO, SYS_PACCT, SYS_ADMIN,
 * SYS_NICE, SYS_RESOURCE, SYS_TIME, MKNOD and bit 29, their QUOTACTL),
 * ccaps exactly SET_UTSNAME and RAW_ICMP, and the flag word hide_netif
 * (full masks for the caps, hide_netif alone for the flags).  Options after
 * it change single bits on top (the chain's "--secure --bcap CAP_MKNOD").
 *
 * --stealth (ours, paper section 06.7) sets the flags that keep a guest
 * from telling it runs in a context: fakeinit (its init is pid 1),
 * hide_vinfo (no VxID/NxID lines, no vinfo/ninfo, no /proc/virtual or
 * /proc/virtnet), hide_mount (its root mount shows as "/"), hide_netif
 * (only its own interfaces and addresses), virt_uptime (uptime and
 * process start times from the context's creation), virt_load,
 * virt_mem, virt_cpu (its own CPU times in /proc/stat) and virt_time
 * (CLOCK_MONOTONIC and CLOCK_BOOTTIME from the context's creation).  A
 * kernel without time namespaces (arm) refuses virt_time with EINVAL; the
 * preset then sets the rest.  It only adds flags; options after it change
 * bits on top.
 *
 * --umask M: the CLONE_* bits the guest may unshare, as a number
 * (decimal or 0x hex); it replaces the whole mask.
 *
 * --get prints, one per line (util-vserver's order):
 *   bcapabilities: <CAP_ names>
 *   ccapabilities: <names>
 *   flags: <names>
 *   umask: 0x<hex>
 * with unknown bits as ^N and an empty set as "none".
 *
 * Exit status: CMD's own if given, else 0; 255 on usage errors, unknown
 * names ("Unknown capability '...'", "Unknown flag '...'") and kernel
 * errors ("vattribute: <command>: <error text>").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vattribute [--xid X] {--get | --set [--bcap [~!]CAP]... [--ccap [~!]CAP]... "
	"[--flag [~!]FLAG]... [--secure] [--stealth] [--umask M]} [-- CMD...]\n";

static int get(uint32_t xid)
{
	uint64_t flags, bcaps, ccaps, umask;

	if (vc_get_cflags(xid, &flags) < 0)
		return vs_fail("vattribute", "get_cflags");
	if (vc_get_bcaps(xid, &bcaps) < 0)
		return vs_fail("vattribute", "get_bcaps");
	if (vc_get_ccaps(xid, &ccaps) < 0)
		return vs_fail("vattribute", "get_ccaps");
	if (vc_get_umask(xid, &umask) < 0)
		return vs_fail("vattribute", "get_umask");
	/* util-vserver's order (ABI §8): bcaps, ccaps, flags, umask. */
	fputs("bcapabilities: ", stdout);
	vc_print_caps(stdout, bcaps, "CAP_", 1, "none");
	fputs("\nccapabilities: ", stdout);
	vc_print_ccaps(stdout, ccaps, "none");
	fputs("\nflags: ", stdout);
	vc_print_flags(stdout, flags, "none");
	printf("\numask: 0x%llx\n", (unsigned long long)umask);
	fflush(stdout);
	return 0;
}

/* The --stealth preset (see the top of this file). */
#define VX_STEALTH_FLAGS	(VXF_INFO_INIT | VXF_HIDE_VINFO | VXF_HIDE_MOUNT | \
				 VXF_HIDE_NETIF | VXF_VIRT_UPTIME |		 \
				 VXF_VIRT_LOAD | VXF_VIRT_MEM |			 \
				 VXF_VIRT_CPU | VXF_VIRT_TIME)

struct pair {
	uint64_t value, mask;
};

struct args {
	struct pair bcaps, ccaps, flags;
	int do_get, do_set, have_umask, stealth;
	uint32_t xid;
	long long umask;
};

enum { O_GET = 256, O_SET, O_SECURE, O_STEALTH, O_XID, O_BCAP, O_CCAP, O_FLAG, O_UMASK,
       O_HELP };

static const struct option longopts[] = {
	{ "get",	no_argument,		NULL, O_GET },
	{ "set",	no_argument,		NULL, O_SET },
	{ "secure",	no_argument,		NULL, O_SECURE },
	{ "stealth",	no_argument,		NULL, O_STEALTH },
	{ "xid",	required_argument,	NULL, O_XID },
	{ "bcap",	required_argument,	NULL, O_BCAP },
	{ "ccap",	required_argument,	NULL, O_CCAP },
	{ "flag",	required_argument,	NULL, O_FLAG },
	{ "umask",	required_argument,	NULL, O_UMASK },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

static int list(const char *arg, int (*lookup)(const char *, uint64_t *),
		struct pair *p, const char *what)
{
	const char *bad;

	if (!vc_apply_list(arg, lookup, &p->value, &p->mask, &bad))
		return 0;
	fprintf(stderr, "Unknown %s '%s'\n", what, bad);
	return 255;
}

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_GET:	a->do_get = 1; return 0;
	case O_SET:	a->do_set = 1; return 0;
	case O_SECURE:
		a->bcaps = (struct pair){ vc_secure_bcaps(), ~0ULL };
		a->ccaps = (struct pair){ vc_secure_ccaps(), ~0ULL };
		a->flags = (struct pair){ VXF_HIDE_NETIF, VXF_HIDE_NETIF };
		return 0;
	case O_STEALTH:
		a->flags.value |= VX_STEALTH_FLAGS;
		a->flags.mask |= VX_STEALTH_FLAGS;
		a->stealth = 1;
		return 0;
	case O_XID:
		return vc_parse_xid(arg, &a->xid) ? vs_usage(usage_line) : 0;
	case O_BCAP:	return list(arg, vc_cap_bit, &a->bcaps, "capability");
	case O_CCAP:	return list(arg, vc_ccap_bit, &a->ccaps, "capability");
	case O_FLAG:	return list(arg, vc_flag_bit, &a->flags, "flag");
	case O_UMASK:
		if (vc_parse_num(arg, 0, INT64_MAX, &a->umask))
			return vs_usage(usage_line);
		a->have_umask = 1;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("  --get            print flags, bcapabilities, ccapabilities, umask\n"
	       "  --set            change what the following options name\n"
	       "  --bcap [~!]CAP   capability bound; --ccap [~!]CCAP context caps\n"
	       "  --flag [~!]FLAG  context flags; ~ or ! clears\n"
	       "  --secure         util-vserver's secure bcaps and ccaps, hide_netif\n"
	       "  --stealth        fakeinit, hide_vinfo, hide_mount, hide_netif,\n"
	       "                   virt_uptime, virt_load, virt_mem, virt_cpu,\n"
	       "                   virt_time (stealth guest)\n"
	       "  --umask M        CLONE_* bits the guest may unshare\n");
	return VC_OPT_DONE;
}

/*
 * util-vserver's order and calls: set_ccaps then set_bcaps when either
 * caps mask is given, then set_cflags, then set_umask; the first error
 * ends it.
 */
static int set(struct args *a)
{
	if (a->ccaps.mask || a->bcaps.mask) {
		if (vc_set_ccaps(a->xid, a->ccaps.value, a->ccaps.mask) < 0)
			return vs_fail("vattribute", "set_ccaps");
		if (vc_set_bcaps(a->xid, a->bcaps.value, a->bcaps.mask) < 0)
			return vs_fail("vattribute", "set_bcaps");
	}
	if (a->flags.mask &&
	    vc_set_cflags(a->xid, a->flags.value, a->flags.mask) < 0) {
		/* --stealth on a kernel without time namespaces (arm). */
		if (!a->stealth || errno != EINVAL ||
		    !(a->flags.value & VXF_VIRT_TIME) ||
		    vc_set_cflags(a->xid, a->flags.value & ~VXF_VIRT_TIME,
				  a->flags.mask & ~VXF_VIRT_TIME) < 0)
			return vs_fail("vattribute", "set_cflags");
	}
	if (a->have_umask &&
	    vc_set_umask(a->xid, (uint64_t)a->umask, ~0ULL) < 0)
		return vs_fail("vattribute", "set_umask");
	return 0;
}

int vattribute_main(int argc, char **argv)
{
	struct args a = { .xid = VX_ID_SELF };
	long own;
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (a.xid == VX_ID_SELF) {
		own = vc_task_xid(0);
		if (own < 0)
			return vs_fail("vattribute", "task_xid");
		a.xid = (uint32_t)own;
	}
	/* Exactly one of --get and --set; set options only with --set. */
	if (a.do_get == a.do_set)
		return vs_usage(usage_line);
	if (a.do_get && (a.have_umask || a.bcaps.mask ||
			 a.ccaps.mask || a.flags.mask))
		return vs_usage(usage_line);
	ret = a.do_get ? get(a.xid) : set(&a);
	return ret ? ret : vc_exec_rest("vattribute", argv + i);
}
