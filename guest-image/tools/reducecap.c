// SPDX-License-Identifier: GPL-2.0
/*
 * reducecap: lower the capability ceiling of a command (2.4-era tool).
 *
 *   reducecap [--secure] [--cap [!]CAP]... [--show] [--] CMD [ARG]...
 *   reducecap [--secure] [--cap [!]CAP]... --show
 *
 * The options read as chcontext's, but act on the process's own POSIX
 * capabilities instead of a context's bound:
 *
 * --cap !CAP   drop CAP (with or without "CAP_", any case; '~' works too;
 *              repeatable, comma lists allowed)
 * --cap CAP    keep CAP, even if --secure would drop it
 * --secure     drop every capability outside the guest default set of
 *              ABI §9 (CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID,
 *              KILL, SETGID, SETUID, NET_BIND_SERVICE, SYS_CHROOT,
 *              SYS_PTRACE, SYS_BOOT, SYS_TTY_CONFIG, LEASE, AUDIT_WRITE);
 *              CAP_CONTEXT is dropped too.
 * --show       after dropping, print the process's capability sets as
 *              showcaps does (effective, permitted, inheritable,
 *              bounding, ambient: one line each); CMD is then optional.
 *
 * Works on POSIX capabilities only, no context is involved: each dropped
 * capability leaves the bounding set (PR_CAPBSET_DROP, so neither a child
 * nor a setuid-root exec gets it back), then the effective, permitted,
 * inheritable and ambient sets.  Then CMD is exec'd; the exit status is
 * its own.  Errors: "Unknown capability '...'" and usage errors exit 255,
 * as do failures to drop ("reducecap: PR_CAPBSET_DROP CAP: <error>") or
 * to exec.  Dropping needs CAP_SETPCAP.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: reducecap [--secure] [--cap [!]CAP]... [--show] [--] CMD [ARG]...\n";

enum { O_SECURE = 256, O_CAP, O_SHOW, O_HELP };

static const struct option longopts[] = {
	{ "secure",	no_argument,		NULL, O_SECURE },
	{ "cap",	required_argument,	NULL, O_CAP },
	{ "show",	no_argument,		NULL, O_SHOW },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	uint64_t named, mask;
	int secure, show;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	const char *bad;

	switch (opt) {
	case O_SECURE:
		a->secure = 1;
		return 0;
	case O_SHOW:
		a->show = 1;
		return 0;
	case O_CAP:
		if (!vc_apply_list(arg, vc_cap_bit, &a->named, &a->mask, &bad))
			return 0;
		fprintf(stderr, "Unknown capability '%s'\n", bad);
		return 255;
	}
	fputs(usage_line, stdout);
	printf("Drops capabilities from the bounding and all other sets, then runs CMD.\n"
	       "  --cap !CAP   drop CAP;  --cap CAP  keep CAP despite --secure\n"
	       "  --secure     keep only the guest default set (ABI section 9)\n"
	       "  --show       print the resulting capability sets (CMD optional)\n");
	return VC_OPT_DONE;
}

int reducecap_main(int argc, char **argv)
{
	static char *showcaps[] = { "showcaps", NULL };
	struct args a = { 0, 0, 0, 0 };
	uint64_t dropset;
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i >= argc && !a.show)
		return vs_usage(usage_line);

	/* mask & ~named: the '!' words, to drop; named: bits to keep. */
	dropset = a.mask & ~a.named;
	if (a.secure)
		dropset |= ~vc_default_bcaps() & ~a.named;
	if (vc_drop_caps(dropset, VC_DROP_BOUNDING | VC_DROP_SETS, "reducecap") < 0)
		return 255;
	if (a.show && showcaps_main(1, showcaps))
		return 255;
	return vc_exec_rest("reducecap", argv + i);
}
