// SPDX-License-Identifier: GPL-2.0
/*
 * chbind: run a command bound to a set of IPv4 addresses.  The legacy
 * all-in-one tool, compiled here rather than a shell wrapper around
 * ncontext and naddress.
 *
 *   chbind [--silent] [--nid N] [--ip IP[/MASK]]... [--bcast B] [--]
 *          CMD [ARG]...
 *
 * chbind creates a network context, puts the addresses in, ends its setup
 * phase and execs CMD inside it: CMD's sockets can bind only to those
 * addresses, a bind to 0.0.0.0 lands on the first one, and the guest's
 * address listings show only them (the kernel's doing, ABI §4.4, §5.4).
 *
 * --ip IP[/MASK]  1 to 16 times.  IP is an IPv4 address, an interface name
 *                 listed in /proc/net/dev (its IPv4 address, from the
 *                 kernel) or a host name from /etc/hosts.  MASK is a prefix
 *                 length or a dotted mask; default 255.255.255.0 (/24).
 * --bcast B       the network context's broadcast address.  Without it
 *                 none is set.
 * --nid N         the network context id.  Without it the first free id of
 *                 the dynamic range 49152..65535 is taken (the kernel does
 *                 not choose ids: VCI NO_DYNAMIC), so every chbind gets a
 *                 network context of its own.  An existing N is not
 *                 joined (that would change a running guest's addresses;
 *                 ncontext --migrate does that): exit 254, as vcontext.
 * --silent        no "ipv4root is now" line.
 *
 * The network context is created with NXF_INIT_SET (STATE_ADMIN,
 * HIDE_NETIF) plus STATE_SETUP, which is cleared once the addresses are
 * in.  It goes away with the last task in it.
 *
 * Output unless --silent: "ipv4root is now A.B.C.D[ E.F.G.H...]", the
 * addresses in the order given.  Errors: "chbind: 'TEXT': <reason>" for an
 * address that does not resolve, "chbind: <command>: <error text>" for a
 * kernel error; exit 255 (254 if --nid N exists).  Otherwise the exit
 * status is CMD's own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: chbind [--silent] [--nid N] [--ip IP[/MASK]]... [--bcast B] [--] CMD [ARG]...\n";

int chbind_main(int argc, char **argv)
{
	struct vc_addr ip[NB_IPV4ROOT], bcast;
	char buf[INET6_ADDRSTRLEN], what[64];
	int nip = 0, silent = 0, have_bcast = 0, i, k;
	uint32_t nid = NX_ID_DYNAMIC;
	const char *why;
	long ret;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (opt[0] != '-')
			break;
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("  --ip IP[/MASK]   an address for CMD (1 to 16; IP may be an interface\n"
			       "                   or host name; default mask /24)\n"
			       "  --bcast B        broadcast address\n"
			       "  --nid N          network context id (default: a free one)\n"
			       "  --silent         no 'ipv4root is now' line\n");
			return 0;
		}
		if (!strcmp(opt, "--silent")) {
			silent = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "--nid")) {
			if (vc_parse_nid(argv[++i], &nid))
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--ip")) {
			if (nip == NB_IPV4ROOT) {
				fprintf(stderr, "chbind: at most %d addresses\n",
					NB_IPV4ROOT);
				return 255;
			}
			if (vc_parse_addr(argv[++i], VC_ADDR_IPV4_ONLY, &ip[nip], &why)) {
				fprintf(stderr, "chbind: '%s': %s\n", argv[i], why);
				return 255;
			}
			nip++;
		} else if (!strcmp(opt, "--bcast")) {
			if (vc_parse_addr(argv[++i], VC_ADDR_IPV4_ONLY, &bcast, &why)) {
				fprintf(stderr, "chbind: '%s': %s\n", argv[i], why);
				return 255;
			}
			if (bcast.has_prefix) {
				fprintf(stderr, "chbind: '%s': a broadcast address takes no mask\n",
					argv[i]);
				return 255;
			}
			have_bcast = 1;
		} else {
			return vs_usage(usage_line);
		}
	}
	if (i >= argc || nip == 0)
		return vs_usage(usage_line);

	ret = vc_create_network(nid, NXF_INIT_SET | NXF_STATE_SETUP);
	if (ret < 0 && (errno == EEXIST || errno == EBUSY)) {
		fprintf(stderr, "chbind: network context %u already exists\n", nid);
		return 254;
	}
	if (ret < 0)
		return vs_fail("chbind", "net_create");
	nid = (uint32_t)ret;

	for (k = 0; k < nip; k++) {
		unsigned int prefix = ip[k].has_prefix ? ip[k].prefix : 24;

		if (vc_net_add_ipv4_v1(nid, NXA_TYPE_ADDR, vc_addr_ip4(&ip[k]),
				       vc_prefix_mask4(prefix)) < 0) {
			snprintf(what, sizeof(what), "net_add_ipv4 %s",
				 vc_addr_str(&ip[k], buf, sizeof(buf)));
			return vs_fail("chbind", what);
		}
	}
	if (have_bcast &&
	    vc_net_add_ipv4_v1(nid, NXA_TYPE_ADDR | NXA_MOD_BCAST,
			       vc_addr_ip4(&bcast), 0) < 0)
		return vs_fail("chbind", "net_add_ipv4 (broadcast)");
	if (vc_set_nflags(nid, 0, NXF_STATE_SETUP) < 0)
		return vs_fail("chbind", "set_nflags (end of setup)");

	if (!silent) {
		fputs("ipv4root is now", stdout);
		for (k = 0; k < nip; k++)
			printf(" %s", vc_addr_str(&ip[k], buf, sizeof(buf)));
		fputc('\n', stdout);
		fflush(stdout);
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "chbind: %s: %s\n", argv[i], strerror(errno));
	return 255;
}
