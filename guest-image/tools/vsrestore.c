// SPDX-License-Identifier: GPL-2.0
/*
 * vsrestore: the first command a guest restored from a snapshot runs
 * (harness/machine/snapshot.ts).  Every restore of one snapshot starts as
 * the same machine at the same instant, so what a fresh boot gets from the
 * world is given to it here instead:
 *
 *   vsrestore SEED SECONDS NANOSECONDS
 *
 * SEED, hex bytes from the host's random generator (at least 32 bytes), is
 * mixed into the kernel's input pool and credited as full entropy
 * (RNDADDENTROPY: the host's generator is a sound source, as a virtio-rng
 * device would be).  A guest whose generator was not yet initialised at
 * the snapshot (no entropy source under emulation this early) is so
 * initialised and seeded from the pool; one that was is reseeded from it at
 * once (RNDRESEEDCRNG).  Either way two restores of one snapshot read
 * different bytes from /dev/urandom and getrandom() from their first call
 * on; without this they would hand out the snapshot's key stream until the
 * next scheduled reseed.
 *
 * SECONDS.NANOSECONDS, the host's time, becomes the guest's wall clock
 * (CLOCK_REALTIME), which otherwise still shows the moment the snapshot
 * was taken.  CLOCK_MONOTONIC goes on from there, as after a suspend.
 *
 * Exit status 0; 1 with a message on stderr if a step failed; 2 on usage
 * errors.  Needs CAP_SYS_ADMIN (both ioctls) and CAP_SYS_TIME.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define SEED_MIN	32
#define SEED_MAX	256

/* Parses SEED into out; returns its byte count or -1. */
static int parse_seed(const char *hex, unsigned char *out)
{
	size_t len = strlen(hex), i;

	if (len % 2 || len / 2 < SEED_MIN || len / 2 > SEED_MAX)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = vc_hex_digit(hex[2 * i]), lo = vc_hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return len / 2;
}

static int parse_ulong(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return !*s || *end || errno || *v > max ? -1 : 0;
}

static int reseed(const unsigned char *seed, int len)
{
	struct {
		struct rand_pool_info info;
		unsigned char buf[SEED_MAX];
	} pool;
	int fd, ret = 0;

	pool.info.entropy_count = len * 8;
	pool.info.buf_size = len;
	memcpy(pool.buf, seed, len);
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("vsrestore: /dev/urandom");
		return -1;
	}
	if (ioctl(fd, RNDADDENTROPY, &pool.info)) {
		perror("vsrestore: RNDADDENTROPY");
		ret = -1;
	} else if (ioctl(fd, RNDRESEEDCRNG)) {
		perror("vsrestore: RNDRESEEDCRNG");
		ret = -1;
	}
	close(fd);
	return ret;
}

int vsrestore_main(int argc, char **argv)
{
	unsigned char seed[SEED_MAX];
	unsigned long long sec, nsec;
	struct timespec ts;
	int len;

	if (argc != 4 || (len = parse_seed(argv[1], seed)) < 0 ||
	    parse_ulong(argv[2], (unsigned long long)1 << 40, &sec) ||
	    parse_ulong(argv[3], 999999999, &nsec)) {
		fprintf(stderr, "usage: vsrestore SEED-HEX(%d-%d bytes) SECONDS NANOSECONDS\n",
			SEED_MIN, SEED_MAX);
		return 2;
	}
	if (reseed(seed, len))
		return 1;
	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)nsec;
	if (clock_settime(CLOCK_REALTIME, &ts)) {
		perror("vsrestore: clock_settime");
		return 1;
	}
	return 0;
}
