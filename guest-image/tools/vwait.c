// SPDX-License-Identifier: GPL-2.0
/*
 * vwait: wait until a context has ended, and say how.
 *
 *   vwait [--timeout SECONDS] [--terminate] [--status-fd FD] [--] XID
 *
 * Blocks in wait_exit until context XID is gone (its last task left and
 * it is not persistent), then writes one line, on stdout or, with
 * --status-fd, on file descriptor FD (util-vserver's vserver stop reads
 * it there):
 *
 *   FINISHED <status>	the last task ended; <status> as a shell shows it
 *			(the exit code, or 128 + the signal that killed it)
 *   REBOOT <action>	a task of the guest called reboot(2) and the helper
 *			ran: restart, halt, poweroff, swsusp or restart2
 *   TIMEOUT		--timeout passed first (exit status 2)
 *   KILLED		--timeout passed and --terminate was given: vwait
 *			sent SIGKILL to the context's init and then to all
 *			its tasks (ctx_kill pid 1, then pid 0), as
 *			util-vserver's vwait does (exit status 1)
 *
 * Exit status, util-vserver's: 0 once the context has ended, 1 killed,
 * 2 on timeout; 255 on usage and kernel errors ("vwait: wait_exit: <error
 * text>", e.g. no such context).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vwait [--timeout SECONDS] [--terminate] [--status-fd FD] [--] XID\n";

/* reboot(2) cmds (LINUX_REBOOT_CMD_*) and the helper's names for them. */
static const struct {
	uint32_t cmd;
	const char *name;
} reboot_names[] = {
	{ 0x01234567, "restart" },
	{ 0xCDEF0123, "halt" },
	{ 0x4321FEDC, "poweroff" },
	{ 0xD000FCE2, "swsusp" },
	{ 0xA1B2C3D4, "restart2" },
};

static void on_alarm(int sig)
{
	(void)sig;
}

static void print_reboot(FILE *f, uint32_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(reboot_names) / sizeof(reboot_names[0]); i++) {
		if (reboot_names[i].cmd == cmd) {
			fprintf(f, "REBOOT %s\n", reboot_names[i].name);
			return;
		}
	}
	fprintf(f, "REBOOT 0x%08x\n", cmd);
}

enum { O_TIMEOUT = 256, O_TERMINATE, O_STATUS_FD, O_HELP };

static const struct option longopts[] = {
	{ "timeout",	required_argument,	NULL, O_TIMEOUT },
	{ "terminate",	no_argument,		NULL, O_TERMINATE },
	{ "status-fd",	required_argument,	NULL, O_STATUS_FD },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	long long timeout, fd;
	int terminate;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_TIMEOUT:
		return vc_parse_num(arg, 1, 86400 * 365, &a->timeout) ?
		       vs_usage(usage_line) : 0;
	case O_STATUS_FD:
		return vc_parse_num(arg, 0, 1023, &a->fd) ? vs_usage(usage_line) : 0;
	case O_TERMINATE:
		a->terminate = 1;
		return 0;
	}
	fputs(usage_line, stdout);
	return VC_OPT_DONE;
}

int vwait_main(int argc, char **argv)
{
	struct vcmd_wait_exit_v0 res;
	struct args a = { .timeout = 0, .fd = 1 };
	struct sigaction sa;
	int i, ret, st = 0;
	uint32_t xid;
	FILE *out;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (argc - i != 1 || vc_parse_xid(argv[i], &xid))
		return vs_usage(usage_line);
	out = a.fd == 1 ? stdout : fdopen((int)a.fd, "w");
	if (!out)
		return vs_fail("vwait", "--status-fd");

	if (a.timeout) {
		/* No SA_RESTART: the alarm must end the wait with EINTR. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned int)a.timeout);
	}
	if (vc_wait_exit(xid, &res) < 0) {
		if (errno != EINTR)
			return vs_fail("vwait", "wait_exit");
		if (a.terminate) {
			vc_ctx_kill(xid, 1, SIGKILL);
			vc_ctx_kill(xid, 0, SIGKILL);
			fputs("KILLED\n", out);
			st = 1;
		} else {
			fputs("TIMEOUT\n", out);
			st = 2;
		}
	} else if (res.reboot_cmd) {
		print_reboot(out, (uint32_t)res.reboot_cmd);
	} else if (WIFSIGNALED(res.exit_code)) {
		fprintf(out, "FINISHED %d\n", 128 + WTERMSIG(res.exit_code));
	} else {
		fprintf(out, "FINISHED %d\n", WEXITSTATUS(res.exit_code));
	}
	fflush(out);
	return st;
}
