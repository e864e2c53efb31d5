// SPDX-License-Identifier: GPL-2.0
/*
 * vcontext: create a security context or enter one, then run a command.
 *
 *   vcontext --create [--xid N] [OPTION]... [--] CMD [ARG]...
 *   vcontext --migrate --xid N [OPTION]... [--] CMD [ARG]...
 *   vcontext --migrate-self [OPTION]... [[--] CMD [ARG]...]
 *
 * --create        ctx_create with the usual flag word (VXF_INIT_SET); the
 *                 process is in the new context afterwards.  Without
 *                 --xid a free id of 49152..65535 is taken.  Prints
 *                 "New security context is N" unless --silent.  If the
 *                 context exists (EEXIST, or EBUSY while it is still in
 *                 setup): exit 254 (message unless --silentexist).
 * --migrate       ctx_migrate into context N (1 is the spectator), then
 *                 run CMD.
 * --migrate-self  as util-vserver's: the context is the caller's own (any
 *                 --xid is ignored) and nothing migrates; only the flags
 *                 below change, on the caller's own context, from inside.
 *                 This is the last step of chcontext's chain:
 *                 `vcontext --endsetup --migrate-self -- CMD` ends the
 *                 setup phase of the context the chain created.  CMD is
 *                 optional: without one vcontext exits 0 after its work.
 * --initpid, --fakeinit
 *                 CMD becomes the context's init: on --create and
 *                 --migrate-self by clearing STATE_INIT on the caller's
 *                 (new) context, on --migrate with VXM_SET_INIT.  (Showing it as pid 1 is the separate
 *                 fakeinit context flag, see chcontext --flag fakeinit.)
 * --endsetup      clear STATE_SETUP just before CMD runs.
 * --uid U         setuid(U) (and setgid to the same number) before CMD.
 * --chroot        chroot to the current directory before CMD.
 * --disconnect    run CMD in the background: vcontext forks, the child
 *                 does the work in a new session (reparented to init once
 *                 the parent exits) and the parent exits 0 as soon as the
 *                 child has exec'd CMD (or with the child's error status).
 * --silent        no "New security context" line.
 * --silentexist   no message when the context exists (still exit 254).
 *
 * --pivot-root, --namespace, --syncsock, --syncmsg, --vlogin,
 * --personality-type and --personality-flags are accepted by util-vserver
 * but not supported here: vcontext says so and exits 255.
 *
 * Exit status: CMD's own once exec'd; 254 if --create found the context
 * existing (EEXIST); 255 on usage and other errors, with
 * "vcontext: <what>: <error text>" on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vcontext {--create [--xid N] | --migrate --xid N | --migrate-self} "
	"[--initpid] [--endsetup] [--uid U] [--chroot] [--disconnect] [--silent] "
	"[--silentexist] [--] CMD [ARG]...\n";

enum { O_CREATE = 256, O_MIGRATE, O_MIGRATE_SELF, O_INITPID, O_ENDSETUP,
       O_CHROOT, O_DISCONNECT, O_SILENT, O_SILENTEXIST, O_XID, O_UID, O_HELP,
       O_UNSUPPORTED };

static const struct option longopts[] = {
	{ "create",		no_argument,		NULL, O_CREATE },
	{ "migrate",		no_argument,		NULL, O_MIGRATE },
	{ "migrate-self",	no_argument,		NULL, O_MIGRATE_SELF },
	{ "initpid",		no_argument,		NULL, O_INITPID },
	{ "fakeinit",		no_argument,		NULL, O_INITPID },
	{ "endsetup",		no_argument,		NULL, O_ENDSETUP },
	{ "chroot",		no_argument,		NULL, O_CHROOT },
	{ "disconnect",		no_argument,		NULL, O_DISCONNECT },
	{ "silent",		no_argument,		NULL, O_SILENT },
	{ "silentexist",	no_argument,		NULL, O_SILENTEXIST },
	{ "xid",		required_argument,	NULL, O_XID },
	{ "uid",		required_argument,	NULL, O_UID },
	{ "help",		no_argument,		NULL, O_HELP },
	{ "pivot-root",		no_argument,		NULL, O_UNSUPPORTED },
	{ "namespace",		no_argument,		NULL, O_UNSUPPORTED },
	{ "vlogin",		no_argument,		NULL, O_UNSUPPORTED },
	{ "syncsock",		required_argument,	NULL, O_UNSUPPORTED },
	{ "syncmsg",		required_argument,	NULL, O_UNSUPPORTED },
	{ "personality-type",	required_argument,	NULL, O_UNSUPPORTED },
	{ "personality-flags",	required_argument,	NULL, O_UNSUPPORTED },
	{ NULL, 0, NULL, 0 }
};

/* The shared part first: the callbacks get &a->e and cast back. */
struct args {
	struct vc_entry e;
	int initpid, endsetup, do_chroot;
	long long uid;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_CREATE:		a->e.mode = VC_CREATE; break;
	case O_MIGRATE:		a->e.mode = VC_MIGRATE; break;
	case O_MIGRATE_SELF:	a->e.mode = VC_MIGRATE_SELF; break;
	case O_INITPID:		a->initpid = 1; break;
	case O_ENDSETUP:	a->endsetup = 1; break;
	case O_CHROOT:		a->do_chroot = 1; break;
	case O_DISCONNECT:	a->e.disconnect = 1; break;
	case O_SILENT:		a->e.silent = 1; break;
	case O_SILENTEXIST:	a->e.silentexist = 1; break;
	case O_XID:
		if (vc_parse_xid(arg, &a->e.id))
			return vs_usage(usage_line);
		a->e.have_id = 1;
		break;
	case O_UID:
		if (vc_parse_num(arg, 0, 0xFFFFFFFELL, &a->uid))
			return vs_usage(usage_line);
		break;
	case O_HELP:
		fputs(usage_line, stdout);
		printf("  --create       new context (id from --xid, else a free dynamic one)\n"
		       "  --migrate      move into context --xid and run CMD\n"
		       "  --migrate-self stay in the own context; apply --initpid/--endsetup to it\n"
		       "  --initpid      CMD becomes the context's init (alias --fakeinit)\n"
		       "  --endsetup     end the setup phase (clear STATE_SETUP) before CMD\n"
		       "  --uid U        run CMD as uid/gid U\n"
		       "  --chroot       chroot to the current directory\n"
		       "  --disconnect   run CMD in the background\n"
		       "  --silent       no 'New security context' line\n"
		       "  --silentexist  no message if the context exists (exit 254)\n");
		return VC_OPT_DONE;
	default:
		fprintf(stderr, "vcontext: this option is not supported\n");
		return 255;
	}
	return 0;
}

static long create(uint32_t xid)
{
	return vc_create_context(xid, VXF_INIT_SET);
}

/* --migrate into --xid, or --migrate-self: the caller's own context. */
static long enter(const struct vc_entry *e, const char **call)
{
	const struct args *a = (const struct args *)e;

	if (e->mode == VC_MIGRATE_SELF) {
		*call = "task_xid";
		return vc_task_xid(0);
	}
	*call = "ctx_migrate";
	if (vc_ctx_migrate(e->id, a->initpid ? VXM_SET_INIT : 0) < 0)
		return -1;
	return e->id;
}

static int then(const struct vc_entry *e, long xid)
{
	const struct args *a = (const struct args *)e;
	uint64_t clear = 0;

	/* On --create the caller is in the new context: it is its init. */
	if (a->initpid && e->mode != VC_MIGRATE)
		clear |= VXF_STATE_INIT;
	if (a->endsetup)
		clear |= VXF_STATE_SETUP;
	if (clear && vc_set_cflags((uint32_t)xid, 0, clear) < 0)
		return vs_fail("vcontext", "set_cflags");
	if (a->do_chroot && (chroot(".") < 0 || chdir("/") < 0))
		return vs_fail("vcontext", "chroot");
	if (a->uid >= 0 && (setgid((gid_t)a->uid) < 0 || setuid((uid_t)a->uid) < 0))
		return vs_fail("vcontext", "setuid");
	return 0;
}

int vcontext_main(int argc, char **argv)
{
	struct args a = {
		.e = { .tool = "vcontext", .usage_line = usage_line,
		       .kind = "security context", .taken = "context",
		       .create_call = "ctx_create", .create = create,
		       .enter = enter, .then = then, .id = VX_ID_DYNAMIC },
		.uid = -1,
	};
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	return vc_entry_run(&a.e, argc, argv, i);
}
