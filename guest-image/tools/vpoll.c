// SPDX-License-Identifier: GPL-2.0
/*
 * vpoll: run a shell condition until it holds, for test scripts that wait
 * on the kernel (a context that appears or is freed after an RCU grace
 * period, a counter that settles, a server that starts listening).
 *
 *   vpoll [--timeout MS] [--interval MS] [--not] [--] CONDITION
 *
 * CONDITION is one line for sh -c, run every --interval milliseconds
 * (default 20) until it exits 0 (with --not: until it exits non-zero),
 * its output discarded.  Exit status 0 once it held; 1 when --timeout
 * milliseconds (default 5000) passed first, with "vpoll: timed out after
 * MS ms: CONDITION" on stderr; 255 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vpoll [--timeout MS] [--interval MS] [--not] [--] CONDITION\n";

enum { O_TIMEOUT = 256, O_INTERVAL, O_NOT, O_HELP };

static const struct option longopts[] = {
	{ "timeout",	required_argument,	NULL, O_TIMEOUT },
	{ "interval",	required_argument,	NULL, O_INTERVAL },
	{ "not",	no_argument,		NULL, O_NOT },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	long long timeout_ms, interval_ms;
	int negate;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_TIMEOUT:
		if (vc_parse_num(arg, 0, 3600000, &a->timeout_ms))
			return vs_usage(usage_line);
		break;
	case O_INTERVAL:
		if (vc_parse_num(arg, 1, 60000, &a->interval_ms))
			return vs_usage(usage_line);
		break;
	case O_NOT:
		a->negate = 1;
		break;
	case O_HELP:
		fputs(usage_line, stdout);
		return VC_OPT_DONE;
	default:
		return vs_usage(usage_line);
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Runs sh -c CONDITION with its output discarded; its exit status, or -1. */
static int run_condition(const char *condition)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl("/bin/sh", "sh", "-c", condition, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int vpoll_main(int argc, char **argv)
{
	struct args a = { .timeout_ms = 5000, .interval_ms = 20 };
	struct timespec pause;
	long long deadline;
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i != argc - 1)
		return vs_usage(usage_line);

	pause.tv_sec = a.interval_ms / 1000;
	pause.tv_nsec = (a.interval_ms % 1000) * 1000000;
	deadline = now_ms() + a.timeout_ms;
	for (;;) {
		ret = run_condition(argv[i]);
		if (ret < 0) {
			perror("vpoll: sh");
			return 255;
		}
		if ((ret == 0) != a.negate)
			return 0;
		if (now_ms() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "vpoll: timed out after %lld ms: %s\n", a.timeout_ms, argv[i]);
	return 1;
}
