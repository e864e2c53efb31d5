// SPDX-License-Identifier: GPL-2.0
/*
 * vdlimit: show, set or remove the disk limit of a context on a
 * filesystem (ABI §8).
 *
 *   vdlimit --xid X [--flags F] MOUNTPOINT...
 *   vdlimit --xid X [--flags F] --set KEY=VALUE... MOUNTPOINT...
 *   vdlimit --xid X [--flags F] --remove MOUNTPOINT...
 *
 * KEYs: space_used, space_total (KiB unless --flags has DLIMF_SHIFT and
 * its unit exponents), inodes_used, inodes_total, reserved (% of the
 * space for root).  A VALUE is a number (decimal or 0x hex); -1 means
 * infinity (no limit).  Keys not given are left as they are.  --set adds
 * the entry first if the filesystem has none for X (as util-vserver's
 * vdlimit does), so it also seeds the usage counters at guest start.
 *
 * Without an operation it prints, per mount point, a first line with the
 * xid and the mount point ("X MOUNTPOINT", util-vserver's form), then
 * space_used=, space_total=, inodes_used=, inodes_total=, reserved=, one
 * per line; infinity prints as -1.
 *
 * Exit status 0; 255 on usage errors and kernel errors ("vdlimit:
 * get_dlimit: <error text>", e.g. No such process for a mount point
 * without a limit for X).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vserver/dlimit.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vdlimit --xid X [--flags F] [--set KEY=VALUE]... [--remove] MOUNTPOINT...\n";

static const char *const keys[] = {
	"space_used", "space_total", "inodes_used", "inodes_total", "reserved",
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* One --set word into vals[]; 0, or -1 after a message. */
static int parse_set(const char *word, uint32_t vals[NKEYS])
{
	const char *eq = strchr(word, '=');
	long long v;
	size_t i;

	for (i = 0; eq && i < NKEYS; i++) {
		if (strlen(keys[i]) != (size_t)(eq - word) ||
		    strncmp(word, keys[i], eq - word))
			continue;
		if (vals[i] != CDLIM_KEEP) {
			fprintf(stderr, "vdlimit: value already set in '%s'\n", word);
			return -1;
		}
		if (vc_parse_num(eq + 1, -1, UINT32_MAX, &v) ||
		    (uint32_t)v == CDLIM_KEEP) {
			fprintf(stderr, "vdlimit: can not parse number in '%s'\n", word);
			return -1;
		}
		vals[i] = v < 0 ? CDLIM_INFINITY : (uint32_t)v;
		return 0;
	}
	fprintf(stderr, "vdlimit: unknown limit in '%s'\n", word);
	return -1;
}

static void print_val(const char *key, uint32_t v)
{
	if (v == CDLIM_INFINITY)
		printf("%s=-1\n", key);
	else
		printf("%s=%u\n", key, v);
}

static int show(uint32_t xid, uint32_t flags, const char *mnt)
{
	struct vcmd_ctx_dlimit_v0 dl = { .name = mnt, .flags = flags };

	if (vc_syscall(VCMD_get_dlimit, xid, &dl) < 0)
		return vs_fail("vdlimit", "get_dlimit");
	printf("%u %s\n", xid, mnt);
	print_val("space_used", dl.space_used);
	print_val("space_total", dl.space_total);
	print_val("inodes_used", dl.inodes_used);
	print_val("inodes_total", dl.inodes_total);
	print_val("reserved", dl.reserved);
	return 0;
}

static int set(uint32_t xid, uint32_t flags, const char *mnt,
	       const uint32_t vals[NKEYS])
{
	struct vcmd_ctx_dlimit_base_v0 base = { .name = mnt, .flags = flags };
	struct vcmd_ctx_dlimit_v0 dl = {
		.name		= mnt,
		.space_used	= vals[0],
		.space_total	= vals[1],
		.inodes_used	= vals[2],
		.inodes_total	= vals[3],
		.reserved	= vals[4],
		.flags		= flags,
	};

	if (vc_syscall(VCMD_add_dlimit, xid, &base) < 0 && errno != EEXIST)
		return vs_fail("vdlimit", "add_dlimit");
	if (vc_syscall(VCMD_set_dlimit, xid, &dl) < 0)
		return vs_fail("vdlimit", "set_dlimit");
	return 0;
}

static int rem(uint32_t xid, uint32_t flags, const char *mnt)
{
	struct vcmd_ctx_dlimit_base_v0 base = { .name = mnt, .flags = flags };

	if (vc_syscall(VCMD_rem_dlimit, xid, &base) < 0)
		return vs_fail("vdlimit", "rem_dlimit");
	return 0;
}

int vdlimit_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "xid",	required_argument,	NULL, 'x' },
		{ "set",	required_argument,	NULL, 's' },
		{ "remove",	no_argument,		NULL, 'd' },
		{ "flags",	required_argument,	NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	uint32_t vals[NKEYS], xid = 0, flags = 0;
	int do_set = 0, do_remove = 0, have_xid = 0, c, ret = 0;
	long long v;
	size_t i;

	for (i = 0; i < NKEYS; i++)
		vals[i] = CDLIM_KEEP;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+x:s:df:", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			if (vc_parse_xid(optarg, &xid))
				return vs_usage(usage_line);
			have_xid = 1;
			break;
		case 's':
			if (parse_set(optarg, vals))
				return 255;
			do_set = 1;
			break;
		case 'd':
			do_remove = 1;
			break;
		case 'f':
			if (vc_parse_num(optarg, 0, UINT32_MAX, &v))
				return vs_usage(usage_line);
			flags = (uint32_t)v;
			break;
		case 'h':
			fputs(usage_line, stdout);
			return 0;
		default:
			return vs_usage(usage_line);
		}
	}
	if (!have_xid || optind == argc || (do_set && do_remove))
		return vs_usage(usage_line);

	for (; optind < argc && !ret; optind++) {
		if (do_set)
			ret = set(xid, flags, argv[optind], vals);
		else if (do_remove)
			ret = rem(xid, flags, argv[optind]);
		else
			ret = show(xid, flags, argv[optind]);
	}
	return ret;
}
