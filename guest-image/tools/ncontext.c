// SPDX-License-Identifier: GPL-2.0
/*
 * ncontext: create a network context or enter one, then run a command.
 * The network twin of vcontext.
 *
 *   ncontext --create [--nid N] [OPTION]... [--] CMD [ARG]...
 *   ncontext --migrate --nid N [OPTION]... [--] CMD [ARG]...
 *   ncontext --migrate-self [--nid N] [OPTION]... [[--] CMD [ARG]...]
 *
 * --create        net_create v1 with no data, as util-vserver's ncontext
 *                 sends it: the kernel's default flag word NXF_INIT_SET
 *                 (STATE_ADMIN, HIDE_NETIF; a kernel that refuses NULL
 *                 with EFAULT gets NXF_INIT_SET explicitly); the process
 *                 is in the new
 *                 network context afterwards.  Without --nid a free id of
 *                 49152..65535 is taken.  The new context has no
 *                 addresses: add them with naddress (chbind's chain:
 *                 `ncontext --create -- nattribute --set -- naddress --add
 *                 --ip A -- CMD`).
 *                 Prints "New network context is N" unless --silent.  If
 *                 the nid exists (EEXIST, or EBUSY while it is still being
 *                 set up): exit 254, with a message unless --silentexist.
 * --migrate       net_migrate into network context N (1: no restriction,
 *                 every address), then run CMD.
 * --migrate-self  net_migrate into --nid, or without --nid into the
 *                 caller's own network context; CMD is optional: without
 *                 one ncontext moves itself and exits 0.
 * --endsetup      clear STATE_SETUP of the network context before CMD.
 * --disconnect    run CMD in the background, as vcontext --disconnect.
 * --silent        no "New network context" line.
 * --silentexist   no message when the nid exists (still exit 254).
 *
 * Exit status: CMD's own once exec'd; 254 if --create found the nid
 * taken; 255 on usage and other errors, with "ncontext: <what>: <error
 * text>" on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: ncontext {--create [--nid N] | --migrate --nid N | --migrate-self [--nid N]} "
	"[--endsetup] [--disconnect] [--silent] [--silentexist] [--] CMD [ARG]...\n";

enum { O_CREATE = 256, O_MIGRATE, O_MIGRATE_SELF, O_ENDSETUP, O_DISCONNECT,
       O_SILENT, O_SILENTEXIST, O_NID, O_HELP };

static const struct option longopts[] = {
	{ "create",		no_argument,		NULL, O_CREATE },
	{ "migrate",		no_argument,		NULL, O_MIGRATE },
	{ "migrate-self",	no_argument,		NULL, O_MIGRATE_SELF },
	{ "endsetup",		no_argument,		NULL, O_ENDSETUP },
	{ "disconnect",		no_argument,		NULL, O_DISCONNECT },
	{ "silent",		no_argument,		NULL, O_SILENT },
	{ "silentexist",	no_argument,		NULL, O_SILENTEXIST },
	{ "nid",		required_argument,	NULL, O_NID },
	{ "help",		no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

/* The shared part first: the callbacks get &a->e and cast back. */
struct args {
	struct vc_entry e;
	int endsetup;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_CREATE:		a->e.mode = VC_CREATE; break;
	case O_MIGRATE:		a->e.mode = VC_MIGRATE; break;
	case O_MIGRATE_SELF:	a->e.mode = VC_MIGRATE_SELF; break;
	case O_ENDSETUP:	a->endsetup = 1; break;
	case O_DISCONNECT:	a->e.disconnect = 1; break;
	case O_SILENT:		a->e.silent = 1; break;
	case O_SILENTEXIST:	a->e.silentexist = 1; break;
	case O_NID:
		if (vc_parse_nid(arg, &a->e.id))
			return vs_usage(usage_line);
		a->e.have_id = 1;
		break;
	default:
		fputs(usage_line, stdout);
		printf("  --create       new network context (id from --nid, else a free dynamic one)\n"
		       "  --migrate      move into network context --nid and run CMD\n"
		       "  --migrate-self move into --nid or the own network context (CMD optional)\n"
		       "  --endsetup     end the setup phase (clear STATE_SETUP) before CMD\n"
		       "  --disconnect   run CMD in the background\n"
		       "  --silent       no 'New network context' line\n"
		       "  --silentexist  no message if the network context exists (exit 254)\n");
		return VC_OPT_DONE;
	}
	return 0;
}

/* --migrate into --nid; --migrate-self into --nid or the caller's own. */
static long enter(const struct vc_entry *e, const char **call)
{
	long nid = e->have_id ? (long)e->id : vc_task_nid(0);

	*call = "net_migrate";
	if (nid < 0 || vc_net_migrate((uint32_t)nid) < 0)
		return -1;
	return nid;
}

static int then(const struct vc_entry *e, long nid)
{
	const struct args *a = (const struct args *)e;

	/* The spectator (nid 1) has no flags to change. */
	if (a->endsetup && nid > NX_ID_SPECTATOR &&
	    vc_set_nflags((uint32_t)nid, 0, NXF_STATE_SETUP) < 0)
		return vs_fail("ncontext", "set_nflags (endsetup)");
	return 0;
}

int ncontext_main(int argc, char **argv)
{
	struct args a = {
		.e = { .tool = "ncontext", .usage_line = usage_line,
		       .kind = "network context", .taken = "network context",
		       .create_call = "net_create", .create = vc_create_network,
		       .enter = enter, .then = then, .id = NX_ID_DYNAMIC },
	};
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	return vc_entry_run(&a.e, argc, argv, i);
}
