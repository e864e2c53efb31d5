// SPDX-License-Identifier: GPL-2.0
/*
 * nattribute: show or change a network context's flags and network
 * capabilities.  The network twin of vattribute.
 *
 *   nattribute [--nid N] --get [-- CMD...]
 *   nattribute [--nid N] --set [--flag [~!]FLAG]... [--ncap [~!]NCAP]...
 *              [--secure] [-- CMD...]
 *
 * Without --nid the caller's own network context is meant (its nid, from
 * task_nid, as util-vserver's nattribute asks).  --flag and
 * --ncap take a name or a comma list; '~' or '!' before a name clears that
 * bit, a plain name sets it; ^N names bit N.
 *   flags: private, single_ip, lback_remap (alias remap_lback),
 *          lback_allow, hide_netif, hide_lback, state_setup, state_admin,
 *          sc_helper, persistent; "lock" is accepted and changes nothing
 *          (a legacy word without a bit).
 *   ncaps: tun_create, raw_icmp (aliases icmp, ping), multicast.
 *
 * --secure, as util-vserver's nattribute does, replaces what the options
 * before it said: the flag word becomes hide_netif alone (mask hide_netif)
 * and the ncaps are left as the context has them; options after it change
 * bits on top.  Calls, in util-vserver's order: set_ncaps when an ncap
 * was named, then set_nflags when a flag was.
 *
 * --get prints, one per line:
 *   flags: <names>
 *   ncapabilities: <names>
 * with unknown bits as ^N and an empty set as "none".
 *
 * Exit status: CMD's own if given, else 0; 255 on usage errors, unknown
 * names ("Unknown flag '...'", "Unknown capability '...'") and kernel
 * errors ("nattribute: <command>: <error text>").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: nattribute [--nid N] {--get | --set [--flag [~!]FLAG]... [--ncap [~!]NCAP]... "
	"[--secure]} [-- CMD...]\n";

static int get(uint32_t nid)
{
	uint64_t flags, ncaps;

	if (vc_get_nflags(nid, &flags) < 0)
		return vs_fail("nattribute", "get_nflags");
	if (vc_get_ncaps(nid, &ncaps) < 0)
		return vs_fail("nattribute", "get_ncaps");
	fputs("flags: ", stdout);
	vc_print_nflags(stdout, flags, "none");
	fputs("\nncapabilities: ", stdout);
	vc_print_ncaps(stdout, ncaps, "none");
	fputc('\n', stdout);
	fflush(stdout);
	return 0;
}

struct pair {
	uint64_t value, mask;
};

struct args {
	struct pair flags, ncaps;
	int do_get, do_set;
	uint32_t nid;
};

enum { O_GET = 256, O_SET, O_SECURE, O_NID, O_FLAG, O_NCAP, O_HELP };

static const struct option longopts[] = {
	{ "get",	no_argument,		NULL, O_GET },
	{ "set",	no_argument,		NULL, O_SET },
	{ "secure",	no_argument,		NULL, O_SECURE },
	{ "nid",	required_argument,	NULL, O_NID },
	{ "flag",	required_argument,	NULL, O_FLAG },
	{ "ncap",	required_argument,	NULL, O_NCAP },
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
		a->ncaps = (struct pair){ 0, 0 };
		a->flags = (struct pair){ NXF_HIDE_NETIF, NXF_HIDE_NETIF };
		return 0;
	case O_NID:
		return vc_parse_nid(arg, &a->nid) ? vs_usage(usage_line) : 0;
	case O_FLAG:	return list(arg, vc_nflag_bit, &a->flags, "flag");
	case O_NCAP:	return list(arg, vc_ncap_bit, &a->ncaps, "capability");
	}
	fputs(usage_line, stdout);
	printf("  --get            print flags and ncapabilities\n"
	       "  --set            change what the following options name\n"
	       "  --flag [~!]FLAG  network context flags; ~ or ! clears\n"
	       "  --ncap [~!]NCAP  network capabilities (tun_create, raw_icmp, multicast)\n"
	       "  --secure         flags: hide_netif only; ncaps unchanged\n");
	return VC_OPT_DONE;
}

static int set(struct args *a)
{
	if (a->ncaps.mask &&
	    vc_set_ncaps(a->nid, a->ncaps.value, a->ncaps.mask) < 0)
		return vs_fail("nattribute", "set_ncaps");
	/* Last: clearing state_setup or state_admin may end the rest. */
	if (a->flags.mask &&
	    vc_set_nflags(a->nid, a->flags.value, a->flags.mask) < 0)
		return vs_fail("nattribute", "set_nflags");
	return 0;
}

int nattribute_main(int argc, char **argv)
{
	struct args a = { .nid = NX_ID_SELF };
	long own;
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	/* The caller's own network context, by number (task_nid). */
	if (a.nid == NX_ID_SELF) {
		own = vc_task_nid(0);
		if (own < 0)
			return vs_fail("nattribute", "task_nid");
		a.nid = (uint32_t)own;
	}
	/* Exactly one of --get and --set; set options only with --set. */
	if (a.do_get == a.do_set)
		return vs_usage(usage_line);
	if (a.do_get && (a.flags.mask || a.ncaps.mask))
		return vs_usage(usage_line);
	ret = a.do_get ? get(a.nid) : set(&a);
	return ret ? ret : vc_exec_rest("nattribute", argv + i);
}
