// SPDX-License-Identifier: GPL-2.0
/*
 * vclock: print the clocks as the calling task reads them.
 *
 *   vclock [--syscall]
 *
 * One line per clock, seconds with nine decimals:
 *   monotonic S.NNNNNNNNN
 *   boottime S.NNNNNNNNN
 *   realtime S.NNNNNNNNN
 * read with clock_gettime(3) (the vDSO, where the C library uses it) or,
 * with --syscall, with the clock_gettime system call itself.  For testing
 * a context's clock (VIRT_TIME: a time namespace changes both paths).
 *
 * Exit status: 0, 1 when a clock cannot be read, 255 on usage errors.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "applets.h"

static int read_clock(clockid_t id, int direct, struct timespec *ts)
{
	if (direct)
		return (int)syscall(SYS_clock_gettime, id, ts);
	return clock_gettime(id, ts);
}

int vclock_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		clockid_t id;
	} clocks[] = {
		{ "monotonic", CLOCK_MONOTONIC },
		{ "boottime", CLOCK_BOOTTIME },
		{ "realtime", CLOCK_REALTIME },
	};
	int direct = 0;
	unsigned int i;

	if (argc == 2 && !strcmp(argv[1], "--syscall"))
		direct = 1;
	else if (argc != 1) {
		fputs("usage: vclock [--syscall]\n", stderr);
		return 255;
	}
	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec ts;

		if (read_clock(clocks[i].id, direct, &ts) < 0) {
			perror("vclock: clock_gettime");
			return 1;
		}
		printf("%s %lld.%09ld\n", clocks[i].name, (long long)ts.tv_sec,
		       ts.tv_nsec);
	}
	return 0;
}
