// SPDX-License-Identifier: GPL-2.0
/*
 * showcaps: the capability sets of the calling process, decoded to names.
 *
 *   showcaps
 *
 * Prints one line per set, in this order:
 *
 *   effective: chown,dac_override,...
 *   permitted: ...
 *   inheritable: ...
 *   bounding: ...
 *   ambient: ...
 *
 * Names are the POSIX ones in lower case without "cap_"; a bit this build
 * has no name for prints as ^N; an empty set as "none".  The first three
 * come from capget(2), bounding and ambient from /proc/self/status (CapBnd,
 * CapAmb).  Exit status 0, 1 if a set could not be read, 255 on usage
 * errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: showcaps\n";

/* The hex value of "Key:\t..." in /proc/self/status; -1 if absent. */
static int status_caps(const char *key, uint64_t *val)
{
	char line[256];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			if (sscanf(line + klen + 1, "%" SCNx64, val) == 1)
				ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void show(const char *set, uint64_t caps)
{
	printf("%s: ", set);
	vc_print_caps(stdout, caps, "", 0, "none");
	putchar('\n');
}

int showcaps_main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uint64_t bnd, amb;
	int ret = 0;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(usage_line, stdout);
		printf("Prints the effective, permitted, inheritable, bounding and ambient\n"
		       "capability sets of this process, one line each, as names.\n");
		return 0;
	}
	if (argc != 1) {
		fputs(usage_line, stderr);
		return 255;
	}
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) < 0) {
		fprintf(stderr, "showcaps: capget: %s\n", strerror(errno));
		return 1;
	}
	show("effective", (uint64_t)d[1].effective << 32 | d[0].effective);
	show("permitted", (uint64_t)d[1].permitted << 32 | d[0].permitted);
	show("inheritable",
	     (uint64_t)d[1].inheritable << 32 | d[0].inheritable);
	if (status_caps("CapBnd", &bnd) == 0) {
		show("bounding", bnd);
	} else {
		fprintf(stderr, "showcaps: no CapBnd in /proc/self/status\n");
		ret = 1;
	}
	if (status_caps("CapAmb", &amb) == 0) {
		show("ambient", amb);
	} else {
		fprintf(stderr, "showcaps: no CapAmb in /proc/self/status\n");
		ret = 1;
	}
	return ret;
}
