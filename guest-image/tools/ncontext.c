// SPDX-License-Identifier: GPL-2.0
/*
 * ncontext: create a network context or enter one, then run a command.
 * The network twin of vcontext.
 *
 *   ncontext --create [--nid N] [OPTION]... [--] CMD [ARG]...
 *   ncontext --migrate --nid N [OPTION]... [--] CMD [ARG]...
 *   ncontext --migrate-self --nid N [OPTION]... [[--] CMD [ARG]...]
 *
 * --create        net_create; the process is in the new network context
 *                 afterwards.  Without --nid a free id of 49152..65535 is
 *                 taken.  The flag word is NXF_INIT_SET (STATE_ADMIN,
 *                 HIDE_NETIF) plus STATE_SETUP, so that the setup phase can
 *                 be ended explicitly (--endsetup, or nattribute --set
 *                 --flag ~state_setup) once the addresses are in.  The new
 *                 context has no addresses: add them with naddress.
 *                 Prints "New network context is N" unless --silent.  If
 *                 the nid exists (EEXIST, or EBUSY while it is still being
 *                 set up): exit 254, with a message unless --silentexist.
 * --migrate       net_migrate into network context N (1: no restriction,
 *                 every address), then run CMD.
 * --migrate-self  as --migrate, but CMD is optional: without one ncontext
 *                 moves itself and exits 0.
 * --endsetup      clear STATE_SETUP of the network context before CMD.
 * --disconnect    run CMD in the background, as vcontext --disconnect.
 * --silent        no "New network context" line.
 * --silentexist   no message when the nid exists (still exit 254).
 *
 * Exit status: CMD's own once exec'd; 254 if --create found the nid
 * taken; 255 on usage and other errors, with "ncontext: <what>: <error
 * text>" on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: ncontext {--create [--nid N] | --migrate --nid N | --migrate-self --nid N} "
	"[--endsetup] [--disconnect] [--silent] [--silentexist] [--] CMD [ARG]...\n";

int ncontext_main(int argc, char **argv)
{
	enum { NONE, CREATE, MIGRATE, MIGRATE_SELF } mode = NONE;
	int have_nid = 0, endsetup = 0, disc = 0, silent = 0, silentexist = 0;
	int status_fd = -1, i;
	uint32_t nid = NX_ID_DYNAMIC;
	unsigned char st;
	long ret;

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
			printf("  --create       new network context (id from --nid, else a free dynamic one)\n"
			       "  --migrate      move into network context --nid and run CMD\n"
			       "  --migrate-self move into network context --nid (CMD optional)\n"
			       "  --endsetup     end the setup phase (clear STATE_SETUP) before CMD\n"
			       "  --disconnect   run CMD in the background\n"
			       "  --silent       no 'New network context' line\n"
			       "  --silentexist  no message if the network context exists (exit 254)\n");
			return 0;
		}
		if (!strcmp(opt, "--create"))
			mode = CREATE;
		else if (!strcmp(opt, "--migrate"))
			mode = MIGRATE;
		else if (!strcmp(opt, "--migrate-self"))
			mode = MIGRATE_SELF;
		else if (!strcmp(opt, "--endsetup"))
			endsetup = 1;
		else if (!strcmp(opt, "--disconnect"))
			disc = 1;
		else if (!strcmp(opt, "--silent"))
			silent = 1;
		else if (!strcmp(opt, "--silentexist"))
			silentexist = 1;
		else if (!strcmp(opt, "--nid")) {
			if (++i >= argc || vc_parse_nid(argv[i], &nid))
				return vs_usage(usage_line);
			have_nid = 1;
		} else {
			return vs_usage(usage_line);
		}
	}
	if (mode == NONE || (mode != CREATE && !have_nid))
		return vs_usage(usage_line);
	if (mode != MIGRATE_SELF && i >= argc)
		return vs_usage(usage_line);

	if (disc) {
		status_fd = vc_disconnect();
		if (status_fd < 0)
			return vs_fail("ncontext", "--disconnect");
	}

	if (mode == CREATE) {
		ret = vc_create_network(nid, NXF_INIT_SET | NXF_STATE_SETUP);
		if (ret < 0 && (errno == EEXIST || errno == EBUSY)) {
			if (!silentexist)
				fprintf(stderr, "ncontext: network context %u already exists\n", nid);
			st = 254;
			goto out_status;
		}
		if (ret < 0) {
			st = (unsigned char)vs_fail("ncontext", "net_create");
			goto out_status;
		}
		nid = (uint32_t)ret;
		if (!silent)
			printf("New network context is %u\n", nid);
	} else if (vc_net_migrate(nid) < 0) {
		st = (unsigned char)vs_fail("ncontext", "net_migrate");
		goto out_status;
	}
	fflush(stdout);
	/* The spectator (nid 1) has no flags to change. */
	if (endsetup && nid > NX_ID_SPECTATOR &&
	    vc_set_nflags(nid, 0, NXF_STATE_SETUP) < 0) {
		st = (unsigned char)vs_fail("ncontext", "set_nflags (endsetup)");
		goto out_status;
	}
	if (i >= argc)
		return 0;
	execvp(argv[i], argv + i);
	fprintf(stderr, "ncontext: %s: %s\n", argv[i], strerror(errno));
	st = 255;
out_status:
	vc_disconnect_status(status_fd, st);
	return st;
}
