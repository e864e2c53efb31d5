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
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: vkill [-c|--xid X] [-s SIG] [--] [PID]...\n";

int vkill_main(int argc, char **argv)
{
	uint32_t xid = 0;
	int have_xid = 0, sig = SIGKILL, ret = 0, i;
	long long pid;

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
			printf("Sends SIG (default KILL) to PIDs of context X, or to all of its tasks.\n");
			return 0;
		}
		if (i + 1 >= argc)
			return vs_usage(usage_line);
		if (!strcmp(opt, "-c") || !strcmp(opt, "--xid")) {
			if (vc_parse_xid(argv[++i], &xid))
				return vs_usage(usage_line);
			have_xid = 1;
		} else if (!strcmp(opt, "-s")) {
			sig = vc_signal_nr(argv[++i]);
			if (sig < 0) {
				fprintf(stderr, "vkill: unknown signal '%s'\n", argv[i]);
				return 255;
			}
		} else {
			return vs_usage(usage_line);
		}
	}
	if (i >= argc) {
		if (!have_xid)
			return vs_usage(usage_line);
		if (vc_ctx_kill(xid, 0, sig) < 0) {
			fprintf(stderr, "vkill: ctx_kill: %s\n", strerror(errno));
			return 255;
		}
		return 0;
	}
	for (; i < argc; i++) {
		uint32_t target = xid;

		if (vc_parse_num(argv[i], -1, 0x7FFFFFFF, &pid))
			return vs_usage(usage_line);
		if (!have_xid) {
			long x = vc_task_xid((pid_t)pid);

			if (x < 0) {
				fprintf(stderr, "vkill: %s: %s\n", argv[i], strerror(errno));
				ret = 1;
				continue;
			}
			target = (uint32_t)x;
		}
		if (vc_ctx_kill(target, (int32_t)pid, sig) < 0) {
			fprintf(stderr, "vkill: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
