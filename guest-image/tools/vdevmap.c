// SPDX-License-Identifier: GPL-2.0
/*
 * vdevmap: let a context open (and make) nodes of one more device.
 *
 *   vdevmap --xid X {--set | --unset} [--open] [--create] [--remap]
 *           --device PATH [--target PATH]
 *
 * --xid 0 is the host's table, which applies to every guest.  --set
 * maps the device of the node at PATH (its type and number) with the
 * flags given (--open: its nodes may be opened, --create: such nodes
 * may be made without CAP_MKNOD); --unset removes the mapping.  --remap
 * with --target asks for opening the target node's device instead; the
 * kernel refuses that (EINVAL, see kernel-patch/README.md).
 *
 * Exit status 0, or 255 on usage errors and kernel errors
 * ("vdevmap: set_mapping: <error text>").
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <vserver/device.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vdevmap --xid X {--set | --unset} [--open] [--create] [--remap] "
	"--device PATH [--target PATH]\n";

enum { O_XID = 256, O_SET, O_UNSET, O_OPEN, O_CREATE, O_REMAP, O_DEVICE,
       O_TARGET, O_HELP };

static const struct option longopts[] = {
	{ "xid",	required_argument,	NULL, O_XID },
	{ "set",	no_argument,		NULL, O_SET },
	{ "unset",	no_argument,		NULL, O_UNSET },
	{ "open",	no_argument,		NULL, O_OPEN },
	{ "create",	no_argument,		NULL, O_CREATE },
	{ "remap",	no_argument,		NULL, O_REMAP },
	{ "device",	required_argument,	NULL, O_DEVICE },
	{ "target",	required_argument,	NULL, O_TARGET },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	int have_xid, set, unset;
	uint32_t xid;
	struct vcmd_set_mapping_v0 map;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_XID:
		a->have_xid = 1;
		return vc_parse_xid(arg, &a->xid) ? vs_usage(usage_line) : 0;
	case O_SET:	a->set = 1; return 0;
	case O_UNSET:	a->unset = 1; return 0;
	case O_OPEN:	a->map.flags |= DATTR_OPEN; return 0;
	case O_CREATE:	a->map.flags |= DATTR_CREATE; return 0;
	case O_REMAP:	a->map.flags |= DATTR_REMAP; return 0;
	case O_DEVICE:	a->map.device = arg; return 0;
	case O_TARGET:	a->map.target = arg; return 0;
	}
	fputs(usage_line, stdout);
	return VC_OPT_DONE;
}

int vdevmap_main(int argc, char **argv)
{
	struct args a = { 0 };
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (!a.have_xid || a.set == a.unset || !a.map.device || i < argc)
		return vs_usage(usage_line);
	if (vc_syscall(a.set ? VCMD_set_mapping : VCMD_unset_mapping, a.xid,
		       &a.map) < 0)
		return vs_fail("vdevmap", a.set ? "set_mapping" : "unset_mapping");
	return 0;
}
