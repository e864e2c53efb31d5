// SPDX-License-Identifier: GPL-2.0
/*
 * vcontext: create a security context or enter one, then run a command.
 *
 *   vcontext --create [--xid N] [OPTION]... [--] CMD [ARG]...
 *   vcontext --migrate --xid N [OPTION]... [--] CMD [ARG]...
 *   vcontext --migrate-self --xid N [OPTION]... [[--] CMD [ARG]...]
 *
 * --create        ctx_create with the usual flag word (VXF_INIT_SET); the
 *                 process is in the new context afterwards.  Without
 *                 --xid a free id of 49152..65535 is taken.  Prints
 *                 "New security context is N" unless --silent.  If the
 *                 context exists (EEXIST, or EBUSY while it is still in
 *                 setup): exit 254 (message unless --silentexist).
 * --migrate       ctx_migrate into context N (1 is the spectator), then
 *                 run CMD.
 * --migrate-self  as --migrate, but CMD is optional: without one,
 *                 vcontext just moves itself and exits 0 (a probe).
 * --initpid, --fakeinit
 *                 CMD becomes the context's init: on --create by clearing
 *                 STATE_INIT on the new context, on --migrate with
 *                 VXM_SET_INIT.  (Showing it as pid 1 is the separate
 *                 fakeinit context flag, see chcontext --flag fakeinit.)
 * --endsetup      clear STATE_SETUP just before CMD runs.
 * --uid U         setuid(U) (and setgid to the same number) before CMD.
 * --chroot        chroot to the current directory before CMD.
 * --disconnect    run CMD in the background: vcontext forks, the child
 *                 does the work in a new session (reparented to init once
 *                 the parent exits) and the parent exits 0 as soon as the
 *                 child has exec'd CMD (or with the child's error status).
 * --silent        no "New security context" line.
 * --silentexist   no message when the context exists (still exit 254).
 *
 * --pivot-root, --namespace, --syncsock, --syncmsg, --vlogin,
 * --personality-type and --personality-flags are accepted by util-vserver
 * but not supported here: vcontext says so and exits 255.
 *
 * Exit status: CMD's own once exec'd; 254 if --create found the context
 * existing (EEXIST); 255 on usage and other errors, with
 * "vcontext: <what>: <error text>" on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vcontext {--create [--xid N] | --migrate --xid N | --migrate-self --xid N} "
	"[--initpid] [--endsetup] [--uid U] [--chroot] [--disconnect] [--silent] "
	"[--silentexist] [--] CMD [ARG]...\n";

int vcontext_main(int argc, char **argv)
{
	enum { NONE, CREATE, MIGRATE, MIGRATE_SELF } mode = NONE;
	int have_xid = 0, initpid = 0, endsetup = 0, do_chroot = 0;
	int disc = 0, silent = 0, silentexist = 0, status_fd = -1;
	uint32_t xid = VX_ID_DYNAMIC;
	long long uid = -1;
	unsigned char st;
	long ret;
	int i;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (opt[0] != '-')
			break;
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("  --create       new context (id from --xid, else a free dynamic one)\n"
			       "  --migrate      move into context --xid and run CMD\n"
			       "  --migrate-self move into context --xid (CMD optional)\n"
			       "  --initpid      CMD becomes the context's init (alias --fakeinit)\n"
			       "  --endsetup     end the setup phase (clear STATE_SETUP) before CMD\n"
			       "  --uid U        run CMD as uid/gid U\n"
			       "  --chroot       chroot to the current directory\n"
			       "  --disconnect   run CMD in the background\n"
			       "  --silent       no 'New security context' line\n"
			       "  --silentexist  no message if the context exists (exit 254)\n");
			return 0;
		}
		if (!strcmp(opt, "--create"))
			mode = CREATE;
		else if (!strcmp(opt, "--migrate"))
			mode = MIGRATE;
		else if (!strcmp(opt, "--migrate-self"))
			mode = MIGRATE_SELF;
		else if (!strcmp(opt, "--initpid") || !strcmp(opt, "--fakeinit"))
			initpid = 1;
		else if (!strcmp(opt, "--endsetup"))
			endsetup = 1;
		else if (!strcmp(opt, "--chroot"))
			do_chroot = 1;
		else if (!strcmp(opt, "--disconnect"))
			disc = 1;
		else if (!strcmp(opt, "--silent"))
			silent = 1;
		else if (!strcmp(opt, "--silentexist"))
			silentexist = 1;
		else if (!strcmp(opt, "--xid")) {
			if (++i >= argc || vc_parse_xid(argv[i], &xid))
				return vs_usage(usage_line);
			have_xid = 1;
		} else if (!strcmp(opt, "--uid")) {
			if (++i >= argc ||
			    vc_parse_num(argv[i], 0, 0xFFFFFFFELL, &uid))
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--pivot-root") ||
			   !strcmp(opt, "--namespace") ||
			   !strcmp(opt, "--vlogin") ||
			   !strcmp(opt, "--syncsock") ||
			   !strcmp(opt, "--syncmsg") ||
			   !strcmp(opt, "--personality-type") ||
			   !strcmp(opt, "--personality-flags")) {
			fprintf(stderr, "vcontext: %s is not supported\n", opt);
			return 255;
		} else {
			return vs_usage(usage_line);
		}
	}
	if (mode == NONE || (mode != CREATE && !have_xid))
		return vs_usage(usage_line);
	if (mode != MIGRATE_SELF && i >= argc)
		return vs_usage(usage_line);

	if (disc) {
		status_fd = vc_disconnect();
		if (status_fd < 0)
			return vs_fail("vcontext", "--disconnect");
	}

	if (mode == CREATE) {
		ret = vc_create_context(xid, VXF_INIT_SET);
		/* EBUSY: it exists and is still being set up. */
		if (ret < 0 && (errno == EEXIST || errno == EBUSY)) {
			if (!silentexist)
				fprintf(stderr, "vcontext: context %u already exists\n", xid);
			st = 254;
			goto out_status;
		}
		if (ret < 0) {
			st = (unsigned char)vs_fail("vcontext", "ctx_create");
			goto out_status;
		}
		xid = (uint32_t)ret;
		if (!silent)
			printf("New security context is %u\n", xid);
		/* The caller is in the new context now: it is its init. */
		if (initpid && vc_set_cflags(xid, 0, VXF_STATE_INIT) < 0) {
			st = (unsigned char)vs_fail("vcontext", "set_cflags (initpid)");
			goto out_status;
		}
	} else {
		ret = vc_ctx_migrate(xid, initpid ? VXM_SET_INIT : 0);
		if (ret < 0) {
			st = (unsigned char)vs_fail("vcontext", "ctx_migrate");
			goto out_status;
		}
	}
	fflush(stdout);
	if (i >= argc)
		return 0;

	if (endsetup) {
		if (vc_set_cflags(xid, 0, VXF_STATE_SETUP) < 0) {
			st = (unsigned char)vs_fail("vcontext", "set_cflags (endsetup)");
			goto out_status;
		}
	}
	if (do_chroot && (chroot(".") < 0 || chdir("/") < 0)) {
		st = (unsigned char)vs_fail("vcontext", "chroot");
		goto out_status;
	}
	if (uid >= 0 && (setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0)) {
		st = (unsigned char)vs_fail("vcontext", "setuid");
		goto out_status;
	}
	execvp(argv[i], argv + i);
	fprintf(stderr, "vcontext: %s: %s\n", argv[i], strerror(errno));
	st = 255;
out_status:
	vc_disconnect_status(status_fd, st);
	return st;
}
