// SPDX-License-Identifier: GPL-2.0
/*
 * nattribute: show or change a network context's flags and network
 * capabilities.  The network twin of vattribute.
 *
 *   nattribute [--nid N] --get [-- CMD...]
 *   nattribute [--nid N] --set [--flag [~!]FLAG]... [--ncap [~!]NCAP]...
 *              [--secure] [-- CMD...]
 *
 * Without --nid the caller's own network context is meant.  --flag and
 * --ncap take a name or a comma list; '~' or '!' before a name clears that
 * bit, a plain name sets it; ^N names bit N.
 *   flags: private, single_ip, lback_remap (alias remap_lback),
 *          lback_allow, hide_netif, hide_lback, state_setup, state_admin,
 *          sc_helper, persistent; "lock" is accepted and changes nothing
 *          (a legacy word without a bit).
 *   ncaps: tun_create, raw_icmp (aliases icmp, ping), multicast.
 *
 * --secure, by analogy with vattribute --secure: sets hide_netif and
 * clears every ncap but raw_icmp (which it leaves as it is: the guest
 * default grants raw ICMP, but --secure does not grant anything).
 * Explicit --flag/--ncap words win over --secure.
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

int nattribute_main(int argc, char **argv)
{
	struct pair flags = { 0, 0 }, ncaps = { 0, 0 };
	int do_get = 0, do_set = 0, secure = 0, set_opts = 0, i;
	uint32_t nid = NX_ID_SELF;
	const char *bad;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("  --get            print flags and ncapabilities\n"
			       "  --set            change what the following options name\n"
			       "  --flag [~!]FLAG  network context flags; ~ or ! clears\n"
			       "  --ncap [~!]NCAP  network capabilities (tun_create, raw_icmp, multicast)\n"
			       "  --secure         hide_netif, no ncaps but raw_icmp\n");
			return 0;
		}
		if (!strcmp(opt, "--get")) {
			do_get = 1;
		} else if (!strcmp(opt, "--set")) {
			do_set = 1;
		} else if (!strcmp(opt, "--secure")) {
			secure = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "--nid")) {
			if (vc_parse_nid(argv[++i], &nid))
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--flag")) {
			set_opts++;
			if (vc_apply_list(argv[++i], vc_nflag_bit, &flags.value,
					  &flags.mask, &bad)) {
				fprintf(stderr, "Unknown flag '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--ncap")) {
			set_opts++;
			if (vc_apply_list(argv[++i], vc_ncap_bit, &ncaps.value,
					  &ncaps.mask, &bad)) {
				fprintf(stderr, "Unknown capability '%s'\n", bad);
				return 255;
			}
		} else {
			return vs_usage(usage_line);
		}
	}
	/* Exactly one of --get and --set; set options only with --set. */
	if (do_get == do_set)
		return vs_usage(usage_line);
	if (do_get && (secure || set_opts))
		return vs_usage(usage_line);

	if (do_get) {
		if (get(nid))
			return 255;
	} else {
		if (secure) {
			ncaps.mask |= ~NXC_RAW_ICMP;
			flags.value |= NXF_HIDE_NETIF & ~flags.mask;
			flags.mask |= NXF_HIDE_NETIF;
		}
		if (ncaps.mask && vc_set_ncaps(nid, ncaps.value, ncaps.mask) < 0)
			return vs_fail("nattribute", "set_ncaps");
		/* Last: clearing state_setup or state_admin may end the rest. */
		if (flags.mask && vc_set_nflags(nid, flags.value, flags.mask) < 0)
			return vs_fail("nattribute", "set_nflags");
	}
	if (i >= argc)
		return 0;
	execvp(argv[i], argv + i);
	fprintf(stderr, "nattribute: %s: %s\n", argv[i], strerror(errno));
	return 255;
}
