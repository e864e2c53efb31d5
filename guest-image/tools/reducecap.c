// SPDX-License-Identifier: GPL-2.0
/*
 * reducecap: lower the capability ceiling of a command (2.4-era tool).
 *
 *   reducecap [--secure] [--cap [!]CAP]... [--] CMD [ARG]...
 *
 * The options read as chcontext's, but act on the process's own POSIX
 * capabilities instead of a context's bound:
 *
 * --cap !CAP   drop CAP (with or without "CAP_", any case; '~' works too;
 *              repeatable, comma lists allowed)
 * --cap CAP    keep CAP, even if --secure would drop it
 * --secure     drop every capability outside the guest default set of
 *              ABI §9 (CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID,
 *              KILL, SETGID, SETUID, NET_BIND_SERVICE, SYS_CHROOT,
 *              SYS_PTRACE, SYS_BOOT, SYS_TTY_CONFIG, LEASE, AUDIT_WRITE);
 *              CAP_CONTEXT is dropped too.
 *
 * Works on POSIX capabilities only, no context is involved: each dropped
 * capability leaves the bounding set (PR_CAPBSET_DROP, so neither a child
 * nor a setuid-root exec gets it back), then the effective, permitted,
 * inheritable and ambient sets.  Then CMD is exec'd; the exit status is
 * its own.  Errors: "Unknown capability '...'" and usage errors exit 255,
 * as do failures to drop ("reducecap: PR_CAPBSET_DROP CAP: <error>") or
 * to exec.  Dropping needs CAP_SETPCAP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: reducecap [--secure] [--cap [!]CAP]... [--] CMD [ARG]...\n";

int reducecap_main(int argc, char **argv)
{
	uint64_t named = 0, mask = 0, dropset;
	int secure = 0, i;
	const char *bad;

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
			printf("Drops capabilities from the bounding and all other sets, then runs CMD.\n"
			       "  --cap !CAP   drop CAP;  --cap CAP  keep CAP despite --secure\n"
			       "  --secure     keep only the guest default set (ABI section 9)\n");
			return 0;
		}
		if (!strcmp(opt, "--secure")) {
			secure = 1;
		} else if (!strcmp(opt, "--cap")) {
			if (++i >= argc)
				return vs_usage(usage_line);
			if (vc_apply_list(argv[i], vc_cap_bit, &named, &mask,
					  &bad)) {
				fprintf(stderr, "Unknown capability '%s'\n", bad);
				return 255;
			}
		} else {
			return vs_usage(usage_line);
		}
	}
	if (i >= argc)
		return vs_usage(usage_line);

	/* mask & ~named: the '!' words, to drop; named: bits to keep. */
	dropset = mask & ~named;
	if (secure)
		dropset |= ~vc_secure_bcaps() & ~named;
	if (vc_drop_caps(dropset, VC_DROP_BOUNDING | VC_DROP_SETS, "reducecap") < 0)
		return 255;
	execvp(argv[i], argv + i);
	fprintf(stderr, "reducecap: %s: %s\n", argv[i], strerror(errno));
	return 255;
}
