// SPDX-License-Identifier: GPL-2.0
/*
 * chcontext: run a command in a new (or an existing) security context.
 * Like util-vserver's chcontext, a front end: it checks its options and
 * then runs the chain of tool invocations of ABI §11.1, each step a tool
 * of its own (vtag, vspace, vcontext, vuname, vattribute) that execs the
 * next one, so a context is set up exactly as util-vserver sets it up.
 *
 *   chcontext [--cap [!]CAP]... [--secure] [--xid N | --ctx N]
 *             [--disconnect] [--hostname NAME] [--domainname NAME]
 *             [--flag F[,F]]... [--silent] [--] CMD [ARG]...
 *
 * The chain (the vtag step only with --xid):
 *   vtag --create --tag N --silentexist --silent --
 *   vspace --new --default --
 *   vcontext --create --silentexist [--silent] [--xid N] --
 *   vspace --set --default --
 *   [vuname --set --xid self [-t nodename=H] [-t domainname=D] --]
 *   vattribute --set [--secure] [--bcap C,...] [--flag F,...] --
 *   vcontext [--silent] [--disconnect] [--initpid] --endsetup
 *            --migrate-self -- CMD [ARG]...
 * Every step after vcontext --create runs inside the new context while it
 * is in its setup phase; the last one ends it.  It runs when N is not
 * given (vcontext takes a free id of 49152..65535) or when
 * `vserver-info -q N XIDTYPE static` says N is static (2..49151) and N
 * does not exist yet.  If N exists, or N is not static (1, the spectator,
 * or a dynamic id), chcontext execs the second chain, which enters N:
 *   [vtag --migrate --tag N --silent -- vspace --enter N --default --]
 *   vcontext [--silent] [--disconnect] [--initpid] --xid N --migrate --
 *   CMD [ARG]...
 * (the bracketed part when N is static, as util-vserver's chcontext).
 * First of all `vserver-info - FEATURE migrate` must succeed.
 *
 * util-vserver's chcontext runs the first chain as a child and execs the
 * second when it exits 254 (EEXIST).  Ours asks the kernel (vx_info N)
 * which one applies and execs it in place: the command keeps chcontext's
 * pid (`chcontext ... & echo $!` names the command, as with the 2.4-era
 * compiled chcontext), and no parent lingers.  Should N appear between
 * the question and vcontext --create, chcontext exits 254.
 *
 * --cap CAP      keep/add CAP to the context's capability bound (bcaps)
 * --cap !CAP     remove CAP from it ('~' works too; "CAP_" optional)
 * --secure       bcaps := the guest default set of ABI §9 (vattribute
 *                --secure); --cap adds to that set.
 * --flag F       context flags: fakeinit (CMD becomes the context's init,
 *                vcontext --initpid, and shows as pid 1 inside), lock,
 *                sched, nproc, private, ulimit.
 * --hostname, --domainname
 *                the context's node/domain name; "--domainname none"
 *                unsets it (an empty name).
 * --xid N        the context id; given more than once, the last one
 *                counts (util-vserver's chcontext does the same).
 * --disconnect   run CMD in the background, reparented to init; chcontext
 *                returns 0 once CMD runs.
 * --silent       print nothing but errors.
 *
 * Output unless --silent: "Host name is now NAME" and "Domain name is now
 * NAME" if used, printed by chcontext before the chain starts, then
 * vcontext's "New security context is N".  Errors: "Unknown capability
 * '...'", "Unknown flag '...'" (checked before anything runs), and what
 * the steps print; exit 255.  Otherwise the exit status is CMD's own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define MAX_LIST 1024

static const char usage_line[] =
	"usage: chcontext [--cap [!]CAP]... [--secure] [--xid N] [--disconnect] "
	"[--hostname NAME] [--domainname NAME] [--flag F[,F]]... [--silent] [--] CMD [ARG]...\n";

/* The only words chcontext --flag takes (ABI §8). */
static int chcontext_flag(const char *name, uint64_t *bit)
{
	static const char *const allowed[] = {
		"fakeinit", "lock", "sched", "nproc", "private", "ulimit",
	};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(name, allowed[i]))
			return vc_flag_bit(name, bit);
	return -1;
}

struct args {
	int secure, silent, disc, initpid;
	char *xid;
	char caps[MAX_LIST], flags[MAX_LIST];	/* comma lists */
	char *hostname, *domainname;
};

enum { O_CAP = 256, O_SECURE, O_XID, O_DISCONNECT, O_HOSTNAME, O_DOMAINNAME,
       O_FLAG, O_SILENT, O_HELP };

static const struct option longopts[] = {
	{ "cap",	required_argument,	NULL, O_CAP },
	{ "secure",	no_argument,		NULL, O_SECURE },
	{ "xid",	required_argument,	NULL, O_XID },
	{ "ctx",	required_argument,	NULL, O_XID },
	{ "disconnect",	no_argument,		NULL, O_DISCONNECT },
	{ "hostname",	required_argument,	NULL, O_HOSTNAME },
	{ "domainname",	required_argument,	NULL, O_DOMAINNAME },
	{ "flag",	required_argument,	NULL, O_FLAG },
	{ "silent",	no_argument,		NULL, O_SILENT },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Check the words of arg, then append them to the comma list. */
static int add_list(char *list, const char *arg,
		    int (*lookup)(const char *, uint64_t *), const char *what)
{
	uint64_t value = 0, mask = 0;
	const char *bad;
	size_t len = strlen(list);

	if (vc_apply_list(arg, lookup, &value, &mask, &bad)) {
		fprintf(stderr, "Unknown %s '%s'\n", what, bad);
		return 255;
	}
	if (len + strlen(arg) + 2 > MAX_LIST)
		return vs_usage(usage_line);
	snprintf(list + len, MAX_LIST - len, "%s%s", len ? "," : "", arg);
	return 0;
}

/* Is word one of the words of the comma list? */
static int has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, word, len) && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	uint32_t xid;

	switch (opt) {
	case O_CAP:
		return add_list(a->caps, arg, vc_cap_bit, "capability");
	case O_FLAG:
		a->initpid |= has_word(arg, "fakeinit");
		return add_list(a->flags, arg, chcontext_flag, "flag");
	case O_SECURE:		a->secure = 1; return 0;
	case O_SILENT:		a->silent = 1; return 0;
	case O_DISCONNECT:	a->disc = 1; return 0;
	case O_HOSTNAME:	a->hostname = arg; return 0;
	case O_DOMAINNAME:	a->domainname = arg; return 0;
	case O_XID:
		if (vc_parse_xid(arg, &xid))
			return vs_usage(usage_line);
		a->xid = arg;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("  --cap [!]CAP     add (or with ! remove) CAP in the context's bound\n"
	       "  --secure         bound := guest defaults (no MKNOD, NET_RAW, SYS_ADMIN, ...)\n"
	       "  --xid N          use context N (created, or entered if it exists)\n"
	       "  --flag F[,F]     fakeinit, lock, sched, nproc, private, ulimit\n"
	       "  --hostname NAME, --domainname NAME|none\n"
	       "  --disconnect     run CMD in the background\n"
	       "  --silent         no messages\n");
	return VC_OPT_DONE;
}

/* vcontext [--silent] [--disconnect] [--initpid] */
static void add_vcontext(struct vc_chain *c, const struct args *a)
{
	vc_chain_add(c, "vcontext", NULL);
	if (a->silent)
		vc_chain_add(c, "--silent", NULL);
	if (a->disc)
		vc_chain_add(c, "--disconnect", NULL);
	if (a->initpid)
		vc_chain_add(c, "--initpid", NULL);
}

static void create_chain(struct vc_chain *c, struct args *a, char **cmd)
{
	static char node[VHI_NAME_LEN + 16], domain[VHI_NAME_LEN + 16];

	if (a->xid)
		vc_chain_add(c, "vtag", "--create", "--tag", a->xid,
			     "--silentexist", "--silent", "--", NULL);
	vc_chain_add(c, "vspace", "--new", "--default", "--",
		     "vcontext", "--create", "--silentexist", NULL);
	if (a->silent)
		vc_chain_add(c, "--silent", NULL);
	if (a->xid)
		vc_chain_add(c, "--xid", a->xid, NULL);
	vc_chain_add(c, "--", "vspace", "--set", "--default", NULL);
	if (a->hostname || a->domainname) {
		vc_chain_add(c, "--", "vuname", "--set", "--xid", "self", NULL);
		if (a->hostname) {
			snprintf(node, sizeof(node), "nodename=%s", a->hostname);
			vc_chain_add(c, "-t", node, NULL);
		}
		if (a->domainname) {
			snprintf(domain, sizeof(domain), "domainname=%s",
				 strcmp(a->domainname, "none") ? a->domainname : "");
			vc_chain_add(c, "-t", domain, NULL);
		}
	}
	vc_chain_add(c, "--", "vattribute", "--set", NULL);
	if (a->secure)
		vc_chain_add(c, "--secure", NULL);
	if (a->caps[0])
		vc_chain_add(c, "--bcap", a->caps, NULL);
	if (a->flags[0])
		vc_chain_add(c, "--flag", a->flags, NULL);
	vc_chain_add(c, "--", NULL);
	add_vcontext(c, a);
	vc_chain_add(c, "--endsetup", "--migrate-self", "--", NULL);
	vc_chain_addv(c, cmd);
}

static void migrate_chain(struct vc_chain *c, struct args *a, int is_static,
			  char **cmd)
{
	if (is_static)
		vc_chain_add(c, "vtag", "--migrate", "--tag", a->xid, "--silent", "--",
			     "vspace", "--enter", a->xid, "--default", "--", NULL);
	add_vcontext(c, a);
	vc_chain_add(c, "--xid", a->xid, "--migrate", "--", NULL);
	vc_chain_addv(c, cmd);
}

int chcontext_main(int argc, char **argv)
{
	char *feature[] = { "vserver-info", "-", "FEATURE", "migrate", NULL };
	char *xidtype[] = { "vserver-info", "-q", "", "XIDTYPE", "static", NULL };
	struct vc_chain create = { .argc = 0 }, migrate = { .argc = 0 };
	struct args a = { .xid = NULL };
	struct vcmd_vx_info_v0 info;
	int i, ret, is_static;
	uint32_t xid = 0;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i >= argc)
		return vs_usage(usage_line);
	if (vc_run("chcontext", feature)) {
		fprintf(stderr, "chcontext: the kernel cannot migrate tasks into contexts\n");
		return 255;
	}
	if (a.xid) {
		xidtype[2] = a.xid;
		vc_parse_xid(a.xid, &xid);
	}
	is_static = a.xid && vc_run("chcontext", xidtype) == 0;

	if (!a.silent) {
		if (a.hostname)
			printf("Host name is now %s\n", a.hostname);
		if (a.domainname)
			printf("Domain name is now %s\n", a.domainname);
		fflush(stdout);
	}
	create_chain(&create, &a, argv + i);
	if (a.xid)
		migrate_chain(&migrate, &a, is_static, argv + i);
	if (create.overflow || migrate.overflow)
		return vs_usage(usage_line);
	/*
	 * util-vserver's script runs the create chain as a child and execs
	 * the migrate chain when it exits 254.  We ask the kernel first and
	 * exec the right chain in place, so that CMD keeps chcontext's pid.
	 */
	if (!a.xid || (is_static && vc_vx_info(xid, &info) < 0))
		return vc_exec_rest("chcontext", create.argv);
	return vc_exec_rest("chcontext", migrate.argv);
}
