// SPDX-License-Identifier: GPL-2.0
/*
 * vsyscall: make one raw sys_vserver() call, for ABI tests.
 *
 *   vsyscall [--drop-cap N]... [--in HEX] [--ptr OFF=TEXT]... [--out NBYTES]
 *            [--null] [--badptr] CMD ID [-- PROG [ARG]...]
 *
 * --drop-cap N  drop capability N (0..63) from the bounding, effective,
 *               permitted and inheritable sets first (repeatable)
 * --in HEX      data points to a buffer holding these bytes
 * --ptr OFF=TEXT  store a pointer to the string TEXT at byte OFF of that
 *               buffer (a native pointer: 4 bytes on i386, 8 on x86_64),
 *               for the structs that carry a path (repeatable, up to 4)
 * --out NBYTES  data points to a buffer of (at least) NBYTES, printed after
 *               the call as "out=<hex>"
 * --null        data is NULL (the default without --in/--out)
 * --badptr      data points to an unmapped page
 *
 * CMD and ID are decimal or 0x-hex; ID may be negative.  Output is one line
 * "ret=<n> errno=<n> <ERRNAME>" (ERRNAME is OK when ret >= 0), plus the
 * "out=" line with --out.  With "-- PROG", PROG is then exec'd in the same
 * process, so it runs with whatever the call changed (a migration, the init
 * or reaper role).  Exit status: 0 once the call was made, whatever the
 * kernel answered (PROG's status with "-- PROG"); 1 if dropping capabilities
 * failed; 127 if PROG cannot be exec'd; 255 on usage errors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "applets.h"
#include "lib.h"

#define MAX_BUF		4096
#define MAX_DROPS	64
#define MAX_PTRS	4

static const char usage_line[] =
	"usage: vsyscall [--drop-cap N]... [--in HEX] [--ptr OFF=TEXT]... [--out NBYTES] [--null] [--badptr] CMD ID [-- PROG [ARG]...]\n";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode HEX into buf; returns the byte count or -1. */
static int parse_hex(const char *s, unsigned char *buf, size_t size)
{
	size_t len = strlen(s), i;

	if (len % 2 || len / 2 > size)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(len / 2);
}

/* Drop the given capabilities from all sets of this process. */
static int drop_caps(const int *caps, int n)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		/* EINVAL: the kernel does not know this capability at all. */
		if (prctl(PR_CAPBSET_DROP, caps[i], 0, 0, 0) < 0 &&
		    errno != EINVAL) {
			fprintf(stderr, "vsyscall: PR_CAPBSET_DROP %d: %s\n",
				caps[i], strerror(errno));
			return -1;
		}
	}
	if (syscall(SYS_capget, &hdr, data) < 0) {
		fprintf(stderr, "vsyscall: capget: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint32_t mask = ~(1U << (caps[i] % 32));
		int word = caps[i] / 32;

		data[word].effective &= mask;
		data[word].permitted &= mask;
		data[word].inheritable &= mask;
	}
	if (syscall(SYS_capset, &hdr, data) < 0) {
		fprintf(stderr, "vsyscall: capset: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* An address that is certainly not mapped: a page we map and unmap. */
static void *unmapped_page(void)
{
	long size = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return (void *)8;
	munmap(p, size);
	return p;
}

static void print_hex(const char *label, const unsigned char *buf, size_t n)
{
	size_t i;

	printf("%s=", label);
	for (i = 0; i < n; i++)
		printf("%02x", buf[i]);
	putchar('\n');
}

int vsyscall_main(int argc, char **argv)
{
	static unsigned char buf[MAX_BUF];
	int caps[MAX_DROPS], ncaps = 0;
	const char *ptr_text[MAX_PTRS];
	long long ptr_off[MAX_PTRS];
	int nptrs = 0;
	int in_len = -1, badptr = 0, null = 0;
	long long out_len = -1, cmd, id, v;
	const char *errname;
	void *data = NULL;
	long ret;
	int err, i;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			return 0;
		}
		if (!strcmp(opt, "--null")) {
			null = 1;
		} else if (!strcmp(opt, "--badptr")) {
			badptr = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "--drop-cap")) {
			if (ncaps == MAX_DROPS ||
			    vc_parse_num(argv[++i], 0, 63, &v))
				return vs_usage(usage_line);
			caps[ncaps++] = (int)v;
		} else if (!strcmp(opt, "--in")) {
			in_len = parse_hex(argv[++i], buf, sizeof(buf));
			if (in_len < 0)
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--ptr")) {
			char *arg = argv[++i], *eq = strchr(arg, '=');

			if (!eq || nptrs == MAX_PTRS)
				return vs_usage(usage_line);
			*eq = '\0';
			if (vc_parse_num(arg, 0, MAX_BUF - sizeof(void *),
					 &ptr_off[nptrs]))
				return vs_usage(usage_line);
			ptr_text[nptrs++] = eq + 1;
		} else if (!strcmp(opt, "--out")) {
			if (vc_parse_num(argv[++i], 0, MAX_BUF, &out_len))
				return vs_usage(usage_line);
		} else {
			return vs_usage(usage_line);
		}
	}
	if (argc - i < 2 || (argc - i > 2 && (strcmp(argv[i + 2], "--") ||
					       argc - i < 4)) ||
	    vc_parse_num(argv[i], 0, UINT32_MAX, &cmd) ||
	    vc_parse_num(argv[i + 1], INT32_MIN, UINT32_MAX, &id))
		return vs_usage(usage_line);
	/* Exactly one way of passing data. */
	if (badptr + null + (in_len >= 0 || out_len >= 0) > 1)
		return vs_usage(usage_line);

	/* A pointer goes into the --in buffer. */
	if (nptrs && in_len < 0)
		return vs_usage(usage_line);
	for (v = 0; v < nptrs; v++)
		memcpy(buf + ptr_off[v], &ptr_text[v], sizeof(void *));

	if (badptr)
		data = unmapped_page();
	else if (in_len >= 0 || out_len >= 0)
		data = buf;

	if (drop_caps(caps, ncaps) < 0)
		return 1;

	ret = vc_syscall((uint32_t)cmd, (uint32_t)id, data);
	err = ret < 0 ? errno : 0;
	errname = err ? vc_errname(err) : "OK";
	if (errname)
		printf("ret=%ld errno=%d %s\n", ret, err, errname);
	else
		printf("ret=%ld errno=%d E%d\n", ret, err, err);
	if (out_len >= 0)
		print_hex("out", buf, (size_t)out_len);
	if (argc - i > 2) {
		fflush(stdout);
		execvp(argv[i + 3], argv + i + 3);
		fprintf(stderr, "vsyscall: %s: %s\n", argv[i + 3], strerror(errno));
		return 127;
	}
	return 0;
}
