// SPDX-License-Identifier: GPL-2.0
/*
 * vkill: send a signal into a security context.
 *
 *   vkill [-c|--xid X] [-s SIG] [--] [PID]...
 *
 * SIG is a name (KILL, SIGKILL, kill) or a number; the default is SIGKILL,
 * as vkill is mostly used to stop what is left of a guest.  Without PIDs
 * the whole context gets the signal (ctx_kill pid 0: every task but the
 * global init).  PID 1 means the context's init; any other PID must belong
 * to the context (else "No such process").  Without --xid each PID is
 * signalled in the context it belongs to (task_xid); then PIDs are
 * required.
 *
 * Exit status 0 when every signal was sent; 1 if some PID could not be
 * signalled ("vkill: <pid>: <error text>"); 255 on usage errors and when
 * the context itself is refused ("vkill: ctx_kill: <error text>").
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: vkill [-c|--xid X] [-s SIG] [--] [PID]...\n";

enum { O_HELP = 256 };

static const struct option longopts[] = {
	{ "xid",	required_argument,	NULL, 'c' },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	uint32_t xid;
	int have_xid, sig;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case 'c':
		if (vc_parse_xid(arg, &a->xid))
			return vs_usage(usage_line);
		a->have_xid = 1;
		return 0;
	case 's':
		a->sig = vc_signal_nr(arg);
		if (a->sig < 0) {
			fprintf(stderr, "vkill: unknown signal '%s'\n", arg);
			return 255;
		}
		return 0;
	}
	fputs(usage_line, stdout);
	printf("Sends SIG (default KILL) to PIDs of context X, or to all of its tasks.\n");
	return VC_OPT_DONE;
}

int vkill_main(int argc, char **argv)
{
	struct args a = { .sig = SIGKILL };
	long long pid;
	int ret, i;

	ret = vc_walk_opts(argc, argv, "c:s:", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i >= argc) {
		if (!a.have_xid)
			return vs_usage(usage_line);
		if (vc_ctx_kill(a.xid, 0, a.sig) < 0) {
			fprintf(stderr, "vkill: ctx_kill: %s\n", strerror(errno));
			return 255;
		}
		return 0;
	}
	for (; i < argc; i++) {
		uint32_t target = a.xid;

		if (vc_parse_num(argv[i], -1, 0x7FFFFFFF, &pid))
			return vs_usage(usage_line);
		if (!a.have_xid) {
			long x = vc_task_xid((pid_t)pid);

			if (x < 0) {
				fprintf(stderr, "vkill: %s: %s\n", argv[i], strerror(errno));
				ret = 1;
				continue;
			}
			target = (uint32_t)x;
		}
		if (vc_ctx_kill(target, (int32_t)pid, a.sig) < 0) {
			fprintf(stderr, "vkill: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
