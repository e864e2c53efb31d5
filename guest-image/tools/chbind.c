// SPDX-License-Identifier: GPL-2.0
/*
 * chbind: run a command bound to a set of IPv4 addresses.  Like
 * util-vserver's chbind, a front end: it checks its options and then runs
 * the chain of ABI §11.1, each step a tool of its own (ncontext,
 * nattribute, naddress) that execs the next one.
 *
 *   chbind [--silent] [--nid N] [--ip IP[/MASK]]... [--bcast B] [--]
 *          CMD [ARG]...
 *
 * The chain, run when N is not given or `vserver-info -q N XIDTYPE
 * static` says N is static (2..49151) and N does not exist yet:
 *   ncontext --create --silentexist --silent [--nid N] --
 *   nattribute --set --
 *   naddress --add --silent [--bcast B] --ip A/M... -- CMD [ARG]...
 * If N exists, or N is not static, chbind execs
 *   ncontext --silent --nid N --migrate -- CMD [ARG]...
 * so CMD joins the existing network context N (its addresses stay as they
 * are).  First of all `vserver-info - FEATURE vnet` must succeed.
 * util-vserver's chbind runs the first chain as a child and execs the
 * second when it exits 254; ours asks the kernel (nx_info N) which one
 * applies and execs it in place, so CMD keeps chbind's pid (`chbind ...
 * & echo $!` names the command).  Should N appear in between, chbind
 * exits 254.  CMD's
 * sockets can then bind only to those addresses, a bind to 0.0.0.0 lands
 * on the first one, and the guest's address listings show only them (the
 * kernel's doing, ABI §4.4, §5.4).
 *
 * --ip IP[/MASK]  1 to 16 times.  IP is an IPv4 address, an interface name
 *                 listed in /proc/net/dev (its IPv4 address, from the
 *                 kernel) or a host name from /etc/hosts.  MASK is a prefix
 *                 length or a dotted mask; default 255.255.255.0 (/24),
 *                 chbind's own default: naddress gets the address chbind
 *                 resolved and the mask as "A.B.C.D/P".
 * --bcast B       the network context's broadcast address.  Without it
 *                 none is set.
 * --nid N         the network context id.  Without it ncontext takes the
 *                 first free id of the dynamic range 49152..65535, so
 *                 every chbind gets a network context of its own.
 * --silent        no "ipv4root is now" line.
 *
 * The steps run silent: chbind's own output, unless --silent, is
 * "ipv4root is now A.B.C.D[ E.F.G.H...]", the addresses in the order
 * given, printed before the chain starts.  Errors: "chbind: 'TEXT':
 * <reason>" for an address that does not resolve, and what the steps
 * print; exit 255.  Otherwise the exit status is CMD's own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: chbind [--silent] [--nid N] [--ip IP[/MASK]]... [--bcast B] [--] CMD [ARG]...\n";

struct args {
	struct vc_addr ip[NB_IPV4ROOT];
	char text[NB_IPV4ROOT][INET_ADDRSTRLEN + 4];	/* "A.B.C.D/P" */
	int nip, silent;
	char *nid, *bcast;
};

enum { O_SILENT = 256, O_NID, O_IP, O_BCAST, O_HELP };

static const struct option longopts[] = {
	{ "silent",	no_argument,		NULL, O_SILENT },
	{ "nid",	required_argument,	NULL, O_NID },
	{ "ip",		required_argument,	NULL, O_IP },
	{ "bcast",	required_argument,	NULL, O_BCAST },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

static int bad(const char *text, const char *why)
{
	fprintf(stderr, "chbind: '%s': %s\n", text, why);
	return 255;
}

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	struct vc_addr *ip, bcast;
	char buf[INET6_ADDRSTRLEN];
	const char *why;
	uint32_t nid;

	switch (opt) {
	case O_SILENT:
		a->silent = 1;
		return 0;
	case O_NID:
		if (vc_parse_nid(arg, &nid))
			return vs_usage(usage_line);
		a->nid = arg;
		return 0;
	case O_IP:
		if (a->nip == NB_IPV4ROOT) {
			fprintf(stderr, "chbind: at most %d addresses\n", NB_IPV4ROOT);
			return 255;
		}
		ip = &a->ip[a->nip];
		if (vc_parse_addr(arg, VC_ADDR_IPV4_ONLY, ip, &why))
			return bad(arg, why);
		snprintf(a->text[a->nip], sizeof(a->text[0]), "%s/%u",
			 vc_addr_str(ip, buf, sizeof(buf)),
			 ip->has_prefix ? ip->prefix : 24);
		a->nip++;
		return 0;
	case O_BCAST:
		if (vc_parse_addr(arg, VC_ADDR_IPV4_ONLY, &bcast, &why))
			return bad(arg, why);
		if (bcast.has_prefix)
			return bad(arg, "a broadcast address takes no mask");
		a->bcast = arg;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("  --ip IP[/MASK]   an address for CMD (1 to 16; IP may be an interface\n"
	       "                   or host name; default mask /24)\n"
	       "  --bcast B        broadcast address\n"
	       "  --nid N          network context id (default: a free one)\n"
	       "  --silent         no 'ipv4root is now' line\n");
	return VC_OPT_DONE;
}

int chbind_main(int argc, char **argv)
{
	char *feature[] = { "vserver-info", "-", "FEATURE", "vnet", NULL };
	char *nidtype[] = { "vserver-info", "-q", "", "XIDTYPE", "static", NULL };
	struct vc_chain create = { .argc = 0 }, migrate = { .argc = 0 };
	char buf[INET6_ADDRSTRLEN];
	struct vcmd_nx_info_v0 info;
	static struct args a;
	uint32_t nid;
	int i, k, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i >= argc || a.nip == 0)
		return vs_usage(usage_line);
	if (vc_run("chbind", feature)) {
		fprintf(stderr, "chbind: the kernel has no network contexts\n");
		return 255;
	}

	vc_chain_add(&create, "ncontext", "--create", "--silentexist", "--silent", NULL);
	if (a.nid)
		vc_chain_add(&create, "--nid", a.nid, NULL);
	vc_chain_add(&create, "--", "nattribute", "--set",
		     "--", "naddress", "--add", "--silent", NULL);
	if (a.bcast)
		vc_chain_add(&create, "--bcast", a.bcast, NULL);
	for (k = 0; k < a.nip; k++)
		vc_chain_add(&create, "--ip", a.text[k], NULL);
	vc_chain_add(&create, "--", NULL);
	vc_chain_addv(&create, argv + i);
	if (create.overflow)
		return vs_usage(usage_line);

	if (!a.silent) {
		fputs("ipv4root is now", stdout);
		for (k = 0; k < a.nip; k++)
			printf(" %s", vc_addr_str(&a.ip[k], buf, sizeof(buf)));
		fputc('\n', stdout);
		fflush(stdout);
	}
	/*
	 * util-vserver's script runs the create chain as a child and execs
	 * the migrate chain when it exits 254.  We ask the kernel first and
	 * exec the right chain in place, so that CMD keeps chbind's pid.
	 */
	nidtype[2] = a.nid;
	if (!a.nid || (!vc_run("chbind", nidtype) &&
		       (vc_parse_nid(a.nid, &nid) || vc_nx_info(nid, &info) < 0)))
		return vc_exec_rest("chbind", create.argv);
	vc_chain_add(&migrate, "ncontext", "--silent", "--nid", a.nid, "--migrate", "--", NULL);
	vc_chain_addv(&migrate, argv + i);
	return vc_exec_rest("chbind", migrate.argv);
}
