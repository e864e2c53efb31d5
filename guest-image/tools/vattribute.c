// SPDX-License-Identifier: GPL-2.0
/*
 * vattribute: show or change a context's flags, context capabilities,
 * capability bound and umask.
 *
 *   vattribute [--xid X] --get [-- CMD...]
 *   vattribute [--xid X] --set [--bcap [~!]CAP]... [--ccap [~!]CCAP]...
 *              [--flag [~!]FLAG]... [--secure] [--umask M] [-- CMD...]
 *
 * Without --xid the caller's own context is meant.  Each of --bcap,
 * --ccap and --flag takes a name or a comma list; '~' or '!' before a name
 * clears that bit, a plain name sets it.  Names: POSIX capability names
 * with or without "CAP_" (bcaps), the util-vserver ccap names and aliases
 * (set_utsname/utsname, raw_icmp/icmp/ping, secure_mount/mount, ...) and
 * flag names (fakeinit, private, virt_uptime, state_setup, ..., plus the
 * pseudo-flags "secure" = hide_netif and "default" = virt_uptime); ^N
 * names bit N.
 *
 * --secure sets bcaps to the guest default set of ABI §9 (CHOWN,
 * DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID,
 * NET_BIND_SERVICE, SYS_CHROOT, SYS_PTRACE, SYS_BOOT, SYS_TTY_CONFIG, LEASE,
 * AUDIT_WRITE), clears every ccap but the default ones (set_utsname,
 * raw_icmp; it does not grant them) and sets the flag hide_netif.
 * Explicit --bcap/--ccap/--flag words win over --secure.
 *
 * --umask M: the CLONE_* bits the guest may unshare, as a number
 * (decimal or 0x hex); it replaces the whole mask.
 *
 * --get prints, one per line:
 *   flags: <names>
 *   bcapabilities: <CAP_ names>
 *   ccapabilities: <names>
 *   umask: 0x<hex>
 * with unknown bits as ^N and an empty set as "none".
 *
 * Exit status: CMD's own if given, else 0; 255 on usage errors, unknown
 * names ("Unknown capability '...'", "Unknown flag '...'") and kernel
 * errors ("vattribute: <command>: <error text>").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vattribute [--xid X] {--get | --set [--bcap [~!]CAP]... [--ccap [~!]CAP]... "
	"[--flag [~!]FLAG]... [--secure] [--umask M]} [-- CMD...]\n";

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
	fputs("flags: ", stdout);
	vc_print_flags(stdout, flags, "none");
	fputs("\nbcapabilities: ", stdout);
	vc_print_caps(stdout, bcaps, "CAP_", 1, "none");
	fputs("\nccapabilities: ", stdout);
	vc_print_ccaps(stdout, ccaps, "none");
	printf("\numask: 0x%llx\n", (unsigned long long)umask);
	fflush(stdout);
	return 0;
}

struct pair {
	uint64_t value, mask;
};

int vattribute_main(int argc, char **argv)
{
	struct pair bcaps = { 0, 0 }, ccaps = { 0, 0 }, flags = { 0, 0 };
	int do_get = 0, do_set = 0, secure = 0, have_umask = 0, i;
	uint32_t xid = VX_ID_SELF;
	long long umask = 0;
	const char *bad;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("  --get            print flags, bcapabilities, ccapabilities, umask\n"
			       "  --set            change what the following options name\n"
			       "  --bcap [~!]CAP   capability bound; --ccap [~!]CCAP context caps\n"
			       "  --flag [~!]FLAG  context flags; ~ or ! clears\n"
			       "  --secure         guest default bcaps, no extra ccaps, hide_netif\n"
			       "  --umask M        CLONE_* bits the guest may unshare\n");
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
		} else if (!strcmp(opt, "--xid")) {
			if (vc_parse_xid(argv[++i], &xid))
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--bcap")) {
			if (vc_apply_list(argv[++i], vc_cap_bit, &bcaps.value,
					  &bcaps.mask, &bad)) {
				fprintf(stderr, "Unknown capability '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--ccap")) {
			if (vc_apply_list(argv[++i], vc_ccap_bit, &ccaps.value,
					  &ccaps.mask, &bad)) {
				fprintf(stderr, "Unknown capability '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--flag")) {
			if (vc_apply_list(argv[++i], vc_flag_bit, &flags.value,
					  &flags.mask, &bad)) {
				fprintf(stderr, "Unknown flag '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--umask")) {
			if (vc_parse_num(argv[++i], 0, INT64_MAX, &umask))
				return vs_usage(usage_line);
			have_umask = 1;
		} else {
			return vs_usage(usage_line);
		}
	}
	/* Exactly one of --get and --set; set options only with --set. */
	if (do_get == do_set)
		return vs_usage(usage_line);
	if (do_get && (secure || have_umask || bcaps.mask || ccaps.mask ||
		       flags.mask))
		return vs_usage(usage_line);

	if (do_get) {
		if (get(xid))
			return 255;
	} else {
		if (secure) {
			bcaps.value = (vc_secure_bcaps() & ~bcaps.mask) |
				      (bcaps.value & bcaps.mask);
			bcaps.mask = ~0ULL;
			ccaps.mask |= ~vc_secure_ccaps();
			flags.value |= VXF_HIDE_NETIF & ~flags.mask;
			flags.mask |= VXF_HIDE_NETIF;
		}
		if (bcaps.mask && vc_set_bcaps(xid, bcaps.value, bcaps.mask) < 0)
			return vs_fail("vattribute", "set_bcaps");
		if (ccaps.mask &&
		    vc_set_ccaps(xid, ccaps.value, ccaps.mask) < 0)
			return vs_fail("vattribute", "set_ccaps");
		if (have_umask && vc_set_umask(xid, (uint64_t)umask, ~0ULL) < 0)
			return vs_fail("vattribute", "set_umask");
		/* Last: clearing state_setup may end what a guest may change. */
		if (flags.mask &&
		    vc_set_cflags(xid, flags.value, flags.mask) < 0)
			return vs_fail("vattribute", "set_cflags");
	}
	if (i >= argc)
		return 0;
	execvp(argv[i], argv + i);
	fprintf(stderr, "vattribute: %s: %s\n", argv[i], strerror(errno));
	return 255;
}
