// SPDX-License-Identifier: GPL-2.0
/*
 * vrsetup: bind a vroot device to a real block device, or unbind it
 * (PAPER 06.6; util-vserver's vrsetup).
 *
 *   vrsetup VROOTDEV REALDEV    bind: quotactl(2) on VROOTDEV then acts on
 *                               the filesystem of REALDEV
 *   vrsetup -d VROOTDEV         unbind
 *   vrsetup --fd N VROOTDEV     bind to what descriptor N is (a test of
 *                               the kernel's checks: no device is opened)
 *
 * Both devices are opened read-only; the real one is passed to the
 * kernel as that open descriptor (VROOT_SET_DEV).  Exit status 0, or 255
 * on usage errors and failures ("vrsetup: VROOT_SET_DEV: <error text>",
 * "vrsetup: /dev/x: <error text>" when a device does not open).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vserver/vroot.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vrsetup VROOTDEV REALDEV | vrsetup -d VROOTDEV | vrsetup --fd N VROOTDEV\n";

static int open_dev(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		vs_fail("vrsetup", path);
	return fd;
}

int vrsetup_main(int argc, char **argv)
{
	int vfd, rfd, ret = 0;

	if (argc == 3 && !strcmp(argv[1], "-d")) {
		vfd = open_dev(argv[2]);
		if (vfd < 0)
			return 255;
		if (ioctl(vfd, VROOT_CLR_DEV, 0) < 0)
			ret = vs_fail("vrsetup", "VROOT_CLR_DEV");
		close(vfd);
		return ret;
	}
	if (argc == 4 && !strcmp(argv[1], "--fd")) {
		char *end;
		long n = strtol(argv[2], &end, 10);

		if (!*argv[2] || *end)
			return vs_usage(usage_line);
		vfd = open_dev(argv[3]);
		if (vfd < 0)
			return 255;
		if (ioctl(vfd, VROOT_SET_DEV, n) < 0)
			ret = vs_fail("vrsetup", "VROOT_SET_DEV");
		close(vfd);
		return ret;
	}
	if (argc != 3 || argv[1][0] == '-')
		return vs_usage(usage_line);
	vfd = open_dev(argv[1]);
	if (vfd < 0)
		return 255;
	rfd = open_dev(argv[2]);
	if (rfd < 0) {
		close(vfd);
		return 255;
	}
	if (ioctl(vfd, VROOT_SET_DEV, rfd) < 0)
		ret = vs_fail("vrsetup", "VROOT_SET_DEV");
	close(rfd);
	close(vfd);
	return ret;
}
