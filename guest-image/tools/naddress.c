// SPDX-License-Identifier: GPL-2.0
/*
 * naddress: add addresses to a network context, or remove them.
 *
 *   naddress {--add | --remove | --set} [--nid N] [--ip IP[/M]]...
 *            [--mask M] [--range A-B]... [--bcast B] [--lback L]
 *            [--silent] [-- CMD [ARG]...]
 *
 * Without --nid, N is the caller's own network context (as util-vserver's
 * naddress; chbind's chain runs `naddress --add --ip A -- CMD` inside
 * the network context it just created).
 *
 * --add     add each --ip and --range to network context N.
 * --remove  remove each --ip: the entry must match exactly, IPv4 mask
 *           included (give the mask it was added with), else ESRCH.
 *           Without any --ip every address of N, IPv4 and IPv6, is
 *           removed, and the broadcast and loopback addresses are reset.
 *           Ranges are removed only that way: the kernel has no removal
 *           by range.
 * --set     remove every address of N, then add as --add does.
 *
 * --ip IP[/M]  IPv4 or IPv6 address, interface name (its IPv4 address)
 *              or host name from /etc/hosts; M is a prefix length or a
 *              dotted IPv4 mask.  Repeatable (up to 64).
 * --mask M     the mask of every --ip given without /M: a dotted mask
 *              for IPv4, a prefix length for both (IPv4 only up to 32).
 *              Without it: no mask (0.0.0.0) for IPv4, as util-vserver's
 *              naddress stores it (chbind passes its /24 default
 *              explicitly); /64 for IPv6.
 *              (An address entry admits exactly its address whatever the
 *              mask.  The IPv4 mask is kept with it and shown in
 *              /proc/virtnet/<nid>/info; the kernel keeps an IPv6 address
 *              entry as /128.)
 * --range A-B  the IPv4 addresses A through B (net_add_ipv4 version 2,
 *              type RANGE), with the --mask mask.
 * --bcast B    the broadcast address of N (IPv4).
 * --lback L    the loopback address of N (IPv4).
 * --silent     no "Adding"/"Removing" lines.
 *
 * IPv4 entries use net_add_ipv4 / net_rem_ipv4 version 1 (type ADDR, and
 * ADDR|MOD_BCAST, ADDR|MOD_LBACK), as util-vserver's naddress; IPv6 ones
 * net_add_ipv6 / net_remove_ipv6.
 *
 * Output unless --silent: "Adding A.B.C.D" or "Removing A.B.C.D", one line
 * per address, printed before the kernel is asked (a range prints as
 * "Adding A.B.C.D-E.F.G.H").  Exit status: CMD's own if given, else 0;
 * 255 on usage errors, on addresses that do not resolve
 * ("naddress: 'TEXT': <reason>") and kernel errors ("naddress: <command>
 * <address>: <error text>").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "applets.h"
#include "lib.h"

#define MAX_ADDRS	64

static const char usage_line[] =
	"usage: naddress {--add | --remove | --set} [--nid N] [--ip IP[/M]]... [--mask M] "
	"[--range A-B]... [--bcast B] [--lback L] [--silent] [-- CMD [ARG]...]\n";

struct range {
	struct vc_addr from, to;
};

struct request {
	uint32_t nid;
	int silent;
	struct vc_addr ip[MAX_ADDRS];
	int nip;
	struct range range[MAX_ADDRS];
	int nrange;
	unsigned int mask4, mask6;	/* prefix lengths for --ip without /M */
	struct vc_addr bcast, lback;
	int have_bcast, have_lback;
};

/* "naddress: CMD ADDR: <error>"; returns 255. */
static int fail_addr(const char *cmd, const char *addr)
{
	fprintf(stderr, "naddress: %s %s: %s\n", cmd, addr, strerror(errno));
	return 255;
}

static int bad_addr(const char *text, const char *why)
{
	fprintf(stderr, "naddress: '%s': %s\n", text, why);
	return 255;
}

/* Parse "A-B" into r (IPv4 only). */
static int parse_range(const char *text, struct range *r)
{
	const char *dash = strchr(text, '-'), *why;
	char from[64];
	size_t len = dash ? (size_t)(dash - text) : 0;

	if (!dash || len == 0 || len >= sizeof(from))
		return bad_addr(text, "not a range A-B");
	memcpy(from, text, len);
	from[len] = '\0';
	if (strchr(from, '/') || strchr(dash + 1, '/'))
		return bad_addr(text, "a range takes no mask (see --mask)");
	if (vc_parse_addr(from, VC_ADDR_IPV4_ONLY, &r->from, &why) ||
	    vc_parse_addr(dash + 1, VC_ADDR_IPV4_ONLY, &r->to, &why))
		return bad_addr(text, why);
	if (ntohl(vc_addr_ip4(&r->from)) > ntohl(vc_addr_ip4(&r->to)))
		return bad_addr(text, "range ends before it starts");
	return 0;
}

static unsigned int prefix_of(const struct request *rq, const struct vc_addr *a)
{
	if (a->has_prefix)
		return a->prefix;
	return a->family == AF_INET ? rq->mask4 : rq->mask6;
}

static void say(const struct request *rq, const char *verb, const char *what)
{
	if (rq->silent)
		return;
	printf("%s %s\n", verb, what);
	fflush(stdout);
}

static int add(const struct request *rq)
{
	char buf[INET6_ADDRSTRLEN], buf2[INET6_ADDRSTRLEN];
	char both[2 * INET6_ADDRSTRLEN + 2];
	const struct vc_addr *a;
	unsigned int prefix;
	int k;

	for (k = 0; k < rq->nip; k++) {
		a = &rq->ip[k];
		prefix = prefix_of(rq, a);
		vc_addr_str(a, buf, sizeof(buf));
		say(rq, "Adding", buf);
		if (a->family == AF_INET) {
			if (vc_net_add_ipv4_v1(rq->nid, NXA_TYPE_ADDR, vc_addr_ip4(a),
					       vc_prefix_mask4(prefix)) < 0)
				return fail_addr("net_add_ipv4", buf);
		} else if (vc_net_add_ipv6(rq->nid, NXA_TYPE_ADDR, a->ip, prefix) < 0) {
			return fail_addr("net_add_ipv6", buf);
		}
	}
	for (k = 0; k < rq->nrange; k++) {
		snprintf(both, sizeof(both), "%s-%s",
			 vc_addr_str(&rq->range[k].from, buf, sizeof(buf)),
			 vc_addr_str(&rq->range[k].to, buf2, sizeof(buf2)));
		say(rq, "Adding", both);
		if (vc_net_add_ipv4_v2(rq->nid, NXA_TYPE_RANGE,
				       vc_addr_ip4(&rq->range[k].from),
				       vc_addr_ip4(&rq->range[k].to),
				       vc_prefix_mask4(rq->mask4)) < 0)
			return fail_addr("net_add_ipv4", both);
	}
	if (rq->have_bcast &&
	    vc_net_add_ipv4_v1(rq->nid, NXA_TYPE_ADDR | NXA_MOD_BCAST,
			       vc_addr_ip4(&rq->bcast), 0) < 0)
		return fail_addr("net_add_ipv4 (broadcast)",
				 vc_addr_str(&rq->bcast, buf, sizeof(buf)));
	if (rq->have_lback &&
	    vc_net_add_ipv4_v1(rq->nid, NXA_TYPE_ADDR | NXA_MOD_LBACK,
			       vc_addr_ip4(&rq->lback), 0) < 0)
		return fail_addr("net_add_ipv4 (loopback)",
				 vc_addr_str(&rq->lback, buf, sizeof(buf)));
	return 0;
}

static int remove_all(const struct request *rq)
{
	if (vc_net_rem_ipv4_v1(rq->nid, NXA_TYPE_ANY, 0, 0) < 0)
		return fail_addr("net_rem_ipv4", "(all)");
	if (vc_net_rem_ipv6(rq->nid, NXA_TYPE_ANY, NULL, 0) < 0)
		return fail_addr("net_remove_ipv6", "(all)");
	return 0;
}

static int remove_listed(const struct request *rq)
{
	char buf[INET6_ADDRSTRLEN];
	const struct vc_addr *a;
	unsigned int prefix;
	int k;

	for (k = 0; k < rq->nip; k++) {
		a = &rq->ip[k];
		prefix = prefix_of(rq, a);
		vc_addr_str(a, buf, sizeof(buf));
		say(rq, "Removing", buf);
		if (a->family == AF_INET) {
			if (vc_net_rem_ipv4_v1(rq->nid, NXA_TYPE_ADDR, vc_addr_ip4(a),
					       vc_prefix_mask4(prefix)) < 0)
				return fail_addr("net_rem_ipv4", buf);
		} else if (vc_net_rem_ipv6(rq->nid, NXA_TYPE_ADDR, a->ip, prefix) < 0) {
			return fail_addr("net_remove_ipv6", buf);
		}
	}
	return 0;
}

enum { O_ADD = 256, O_REMOVE, O_SET, O_SILENT, O_NID, O_IP, O_MASK, O_RANGE,
       O_BCAST, O_LBACK, O_HELP };

static const struct option longopts[] = {
	{ "add",	no_argument,		NULL, O_ADD },
	{ "remove",	no_argument,		NULL, O_REMOVE },
	{ "set",	no_argument,		NULL, O_SET },
	{ "silent",	no_argument,		NULL, O_SILENT },
	{ "nid",	required_argument,	NULL, O_NID },
	{ "ip",		required_argument,	NULL, O_IP },
	{ "mask",	required_argument,	NULL, O_MASK },
	{ "range",	required_argument,	NULL, O_RANGE },
	{ "bcast",	required_argument,	NULL, O_BCAST },
	{ "lback",	required_argument,	NULL, O_LBACK },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	struct request rq;
	int mode, have_nid;	/* mode: O_ADD, O_REMOVE, O_SET or 0 */
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	struct request *rq = &a->rq;
	unsigned int prefix;
	struct vc_addr *ad;
	const char *why;
	int dotted;

	switch (opt) {
	case O_ADD:
	case O_REMOVE:
	case O_SET:
		if (a->mode)
			return vs_usage(usage_line);
		a->mode = opt;
		return 0;
	case O_SILENT:
		rq->silent = 1;
		return 0;
	case O_NID:
		if (vc_parse_nid(arg, &rq->nid))
			return vs_usage(usage_line);
		a->have_nid = 1;
		return 0;
	case O_IP:
		if (rq->nip == MAX_ADDRS)
			return vs_usage(usage_line);
		if (vc_parse_addr(arg, 0, &rq->ip[rq->nip], &why))
			return bad_addr(arg, why);
		rq->nip++;
		return 0;
	case O_MASK:
		/* A prefix length serves both families, as far as it fits. */
		if (vc_parse_mask(arg, &prefix, &dotted))
			return bad_addr(arg, "bad mask");
		if (prefix <= 32)
			rq->mask4 = prefix;
		if (!dotted)
			rq->mask6 = prefix;
		return 0;
	case O_RANGE:
		if (rq->nrange == MAX_ADDRS)
			return vs_usage(usage_line);
		if (parse_range(arg, &rq->range[rq->nrange]))
			return 255;
		rq->nrange++;
		return 0;
	case O_BCAST:
	case O_LBACK:
		ad = opt == O_BCAST ? &rq->bcast : &rq->lback;
		if (vc_parse_addr(arg, VC_ADDR_IPV4_ONLY, ad, &why))
			return bad_addr(arg, why);
		if (ad->has_prefix)
			return bad_addr(arg, "takes no mask");
		*(opt == O_BCAST ? &rq->have_bcast : &rq->have_lback) = 1;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("  --add            add the addresses to network context --nid (default: own)\n"
	       "  --remove         remove them (without --ip: every address)\n"
	       "  --set            remove every address, then add these\n"
	       "  --ip IP[/M]      address, interface or host name; repeatable\n"
	       "  --mask M         mask for --ip without /M (default none, IPv6 /64)\n"
	       "  --range A-B      the IPv4 addresses A to B\n"
	       "  --bcast B        broadcast address; --lback L loopback address\n"
	       "  --silent         no Adding/Removing lines\n");
	return VC_OPT_DONE;
}

int naddress_main(int argc, char **argv)
{
	static struct args a;
	struct request *rq = &a.rq;
	long own;
	int ret, i;

	memset(&a, 0, sizeof(a));
	rq->mask4 = 0;
	rq->mask6 = 64;
	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (!a.mode)
		return vs_usage(usage_line);
	/* The kernel removes ranges, broadcast and loopback only as "all". */
	if (a.mode == O_REMOVE && (rq->nrange || rq->have_bcast || rq->have_lback))
		return vs_usage(usage_line);
	if (!a.have_nid) {
		own = vc_task_nid(0);
		if (own < 0)
			return vs_fail("naddress", "task_nid");
		rq->nid = (uint32_t)own;
	}

	switch (a.mode) {
	case O_REMOVE:
		ret = rq->nip ? remove_listed(rq) : remove_all(rq);
		break;
	case O_SET:
		ret = remove_all(rq);
		if (!ret)
			ret = add(rq);
		break;
	default:
		ret = add(rq);
		break;
	}
	return ret ? ret : vc_exec_rest("naddress", argv + i);
}
