// SPDX-License-Identifier: GPL-2.0
/*
 * tiocsti: try the TIOCSTI ioctl, the classic way to type commands into
 * someone else's terminal.
 *
 *   tiocsti [TEXT]
 *
 * Opens a fresh pseudo terminal, pushes TEXT (default "x") into its input
 * queue one byte at a time with TIOCSTI on the slave side, and reads it
 * back.  Only this private pty is touched, never the console.  Prints
 * "tiocsti: ok" and exits 0 when the bytes came back; prints
 * "tiocsti: ERRNAME" and exits 1 when the kernel refused (a guest needs
 * the TIOCSTI context capability); 255 on usage or set-up errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: tiocsti [TEXT]\n";

int tiocsti_main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "x";
	char back[256], nl = '\n';
	int master, slave;
	size_t i, len = strlen(text);
	ssize_t n;

	if (argc > 2 || (argc == 2 && !strcmp(argv[1], "--help")) ||
	    !len || len >= sizeof(back))
		return vs_usage(usage_line);

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return vs_fail("tiocsti", "posix_openpt");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (slave < 0)
		return vs_fail("tiocsti", "open pty slave");

	for (i = 0; i < len; i++) {
		if (ioctl(slave, TIOCSTI, &text[i]) < 0) {
			const char *name = vc_errname(errno);

			printf("tiocsti: %s\n", name ? name : strerror(errno));
			return 1;
		}
	}
	/* The pty starts in canonical mode: end the line so read() returns. */
	if (ioctl(slave, TIOCSTI, &nl) < 0)
		return vs_fail("tiocsti", "TIOCSTI newline");
	n = read(slave, back, sizeof(back) - 1);
	if (n != (ssize_t)len + 1 || memcmp(back, text, len)) {
		fprintf(stderr, "tiocsti: read back %zd bytes, not the %zu pushed\n",
			n, len + 1);
		return 255;
	}
	puts("tiocsti: ok");
	return 0;
}
