// SPDX-License-Identifier: GPL-2.0
/*
 * chroot-escape: the classic way out of a chroot jail, to show what the
 * chroot barrier stops.
 *
 *   chroot-escape [CMD [ARG]...]
 *
 * Run inside a chroot as root, it keeps a descriptor of the jail's root,
 * chroots into a fresh subdirectory (so the jail's root is now outside
 * the process root), fchdir()s back to the kept descriptor and walks
 * ".." until a directory is its own parent: the real root.  There it
 * chroots again and runs CMD (default: "ls /").
 *
 * It prints each failing step as "chroot-escape: STEP: <error>" and exits
 * 1 if the walk was stopped (by the barrier: "chdir ..: Permission
 * denied"), 255 if the setup failed; otherwise the status is CMD's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define ESCAPE_DIR	".chroot-escape"
#define MAX_STEPS	1024

int chroot_escape_main(int argc, char **argv)
{
	static char *ls_root[] = { "ls", "/", NULL };
	char **cmd = argc > 1 ? argv + 1 : ls_root;
	struct stat here, up;
	int fd, i;

	fd = open("/", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return vs_fail("chroot-escape", "open /");
	if (mkdir("/" ESCAPE_DIR, 0700) < 0 && errno != EEXIST)
		return vs_fail("chroot-escape", "mkdir " ESCAPE_DIR);
	if (chroot("/" ESCAPE_DIR) < 0)
		return vs_fail("chroot-escape", "chroot " ESCAPE_DIR);
	if (fchdir(fd) < 0)
		return vs_fail("chroot-escape", "fchdir");
	close(fd);

	for (i = 0; i < MAX_STEPS; i++) {
		if (stat(".", &here) < 0 || stat("..", &up) < 0) {
			vs_fail("chroot-escape", "stat ..");
			return 1;
		}
		if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
			break;
		if (chdir("..") < 0) {
			vs_fail("chroot-escape", "chdir ..");
			return 1;
		}
	}
	if (i == MAX_STEPS) {
		fprintf(stderr, "chroot-escape: no root after %d steps\n", i);
		return 1;
	}
	if (chroot(".") < 0) {
		vs_fail("chroot-escape", "chroot .");
		return 1;
	}
	printf("chroot-escape: reached the real root after %d steps\n", i);
	fflush(stdout);
	execvp(cmd[0], cmd);
	return vs_fail("chroot-escape", cmd[0]);
}
