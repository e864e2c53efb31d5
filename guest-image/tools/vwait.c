// SPDX-License-Identifier: GPL-2.0
/*
 * vwait: wait until a context has ended, and say how.
 *
 *   vwait [--timeout SECONDS] XID
 *
 * Blocks in wait_exit until context XID is gone (its last task left and
 * it is not persistent), then prints one line:
 *
 *   FINISHED <status>	the last task ended; <status> as a shell shows it
 *			(the exit code, or 128 + the signal that killed it)
 *   REBOOT <action>	a task of the guest called reboot(2) and the helper
 *			ran: restart, halt, poweroff, swsusp or restart2
 *   TIMEOUT		--timeout passed first (exit status 1)
 *
 * Exit status: 0 once the context has ended, 1 on timeout, 255 on usage
 * and kernel errors ("vwait: wait_exit: <error text>", e.g. no such
 * context).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: vwait [--timeout SECONDS] XID\n";

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

static void print_reboot(uint32_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(reboot_names) / sizeof(reboot_names[0]); i++) {
		if (reboot_names[i].cmd == cmd) {
			printf("REBOOT %s\n", reboot_names[i].name);
			return;
		}
	}
	printf("REBOOT 0x%08x\n", cmd);
}

int vwait_main(int argc, char **argv)
{
	struct vcmd_wait_exit_v0 res;
	struct sigaction sa;
	long long timeout = 0;
	uint32_t xid;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--help")) {
			fputs(usage_line, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc &&
		    !vc_parse_num(argv[i + 1], 1, 86400 * 365, &timeout)) {
			i++;
			continue;
		}
		return vs_usage(usage_line);
	}
	if (argc - i != 1 || vc_parse_xid(argv[i], &xid))
		return vs_usage(usage_line);

	if (timeout) {
		/* No SA_RESTART: the alarm must end the wait with EINTR. */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm((unsigned int)timeout);
	}
	if (vc_wait_exit(xid, &res) < 0) {
		if (errno == EINTR) {
			puts("TIMEOUT");
			return 1;
		}
		return vs_fail("vwait", "wait_exit");
	}
	if (res.reboot_cmd)
		print_reboot((uint32_t)res.reboot_cmd);
	else if (WIFSIGNALED(res.exit_code))
		printf("FINISHED %d\n", 128 + WTERMSIG(res.exit_code));
	else
		printf("FINISHED %d\n", WEXITSTATUS(res.exit_code));
	return 0;
}
