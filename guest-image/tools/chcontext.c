// SPDX-License-Identifier: GPL-2.0
/*
 * chcontext: run a command in a new (or an existing) security context.
 * The legacy all-in-one tool, compiled here rather than a shell wrapper.
 *
 *   chcontext [--cap [!]CAP]... [--secure] [--xid N | --ctx N]...
 *             [--disconnect] [--hostname NAME] [--domainname NAME]
 *             [--flag F[,F]]... [--silent] [--] CMD [ARG]...
 *
 * Without --xid a free id of the dynamic range 49152..65535 is taken
 * (the kernel does not choose ids: VCI NO_DYNAMIC).  With --xid N the
 * context is created, or entered if it exists already.  --xid may be given
 * up to 16 times: the ids are tried in order and the first one that can
 * be created or entered is used.  --xid 1 enters the spectator context
 * (no other option applies to it).
 *
 * --cap CAP      keep/add CAP to the context's capability bound (bcaps)
 * --cap !CAP     remove CAP from it ('~' works too; "CAP_" optional)
 * --secure       bcaps := the guest default set of ABI §9: CHOWN,
 *                DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL,
 *                SETGID, SETUID, NET_BIND_SERVICE, SYS_CHROOT, SYS_PTRACE,
 *                SYS_BOOT, SYS_TTY_CONFIG, LEASE, AUDIT_WRITE.  Everything
 *                else is dropped, notably MKNOD, NET_RAW, NET_ADMIN,
 *                SYS_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_TIME,
 *                LINUX_IMMUTABLE and CAP_CONTEXT.  --cap adds to that set.
 * --flag F       context flags: fakeinit (CMD becomes the context's init
 *                and shows as pid 1 inside), lock, sched, nproc, private,
 *                ulimit.
 * --hostname, --domainname
 *                the context's node/domain name ("none" unsets the
 *                domain name).
 * --disconnect   run CMD in the background, reparented to init; chcontext
 *                returns 0 once CMD runs (255 if setting up failed).
 * --silent       print nothing but errors.
 *
 * A new context is set up by a helper process that stays in the host
 * while chcontext itself moves into the context: it sets the bound, flags
 * and names, so the setup does not depend on what the new bound leaves
 * the process inside.  Then the setup phase ends (STATE_SETUP cleared,
 * from inside if possible, else by the helper) before CMD runs.
 * chcontext keeps its pid: CMD is the process in the context.  For an
 * existing context the host sets the requested attributes before entering
 * it.  Either way chcontext also lowers its own capability sets (bounding,
 * effective, permitted, inheritable, ambient) to the context's bound, so
 * what CMD's sets show is what the kernel lets it use.
 *
 * Output unless --silent: "New security context is N", and if used
 * "Host name is now NAME", "Domain name is now NAME".  Errors: "Unknown
 * capability '...'", "Unknown flag '...'", "chcontext: <what>: <error>";
 * exit 255.  Otherwise the exit status is CMD's own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "applets.h"
#include "lib.h"

#define MAX_XIDS 16

static const char usage_line[] =
	"usage: chcontext [--cap [!]CAP]... [--secure] [--xid N]... [--disconnect] "
	"[--hostname NAME] [--domainname NAME] [--flag F[,F]]... [--silent] [--] CMD [ARG]...\n";

/* The only words chcontext --flag takes (ABI §8). */
static int chcontext_flag(const char *name, uint64_t *bit)
{
	static const char *const allowed[] = {
		"fakeinit", "lock", "sched", "nproc", "private", "ulimit",
	};
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(name, allowed[i]))
			return vc_flag_bit(name, bit);
	return -1;
}

struct request {
	int secure, silent;
	uint64_t cap_value, cap_mask;	/* from --cap */
	uint64_t flags, flag_mask;	/* from --flag */
	const char *hostname, *domainname;
};

/* The bound --secure and --cap ask for; never CAP_CONTEXT. */
static uint64_t target_bound(const struct request *rq)
{
	uint64_t base = rq->secure ? vc_secure_bcaps() : vc_all_bcaps();

	return ((base & ~rq->cap_mask) | (rq->cap_value & rq->cap_mask)) &
	       ~(1ULL << CAP_CONTEXT);
}

/* bcaps, flags and names for context xid; set from inside or the host. */
static int apply(uint32_t xid, const struct request *rq)
{
	uint64_t value = rq->cap_value, mask = rq->cap_mask;

	if (rq->secure) {
		value = (vc_secure_bcaps() & ~mask) | (value & mask);
		mask = ~0ULL;
	}
	if (mask && vc_set_bcaps(xid, value, mask) < 0)
		return vs_fail("chcontext", "set_bcaps");
	if (rq->flag_mask &&
	    vc_set_cflags(xid, rq->flags, rq->flag_mask) < 0)
		return vs_fail("chcontext", "set_cflags");
	if (rq->hostname &&
	    vc_set_vhi_name(xid, VHIN_NODENAME, rq->hostname) < 0)
		return vs_fail("chcontext", "set_vhi_name (hostname)");
	if (rq->domainname &&
	    vc_set_vhi_name(xid, VHIN_DOMAINNAME,
			    strcmp(rq->domainname, "none") ? rq->domainname : "") < 0)
		return vs_fail("chcontext", "set_vhi_name (domainname)");
	return 0;
}

static void announce(uint32_t xid, const struct request *rq)
{
	if (rq->silent)
		return;
	printf("New security context is %u\n", xid);
	if (rq->hostname)
		printf("Host name is now %s\n", rq->hostname);
	if (rq->domainname)
		printf("Domain name is now %s\n", rq->domainname);
	fflush(stdout);
}

/*
 * The host-side helper of create(): a child that stays in the host
 * context while its parent moves into the new one.  It reads the xid from
 * in, sets the bound, flags and names as the host administrator, reports
 * a status byte on out (0 ok, 255 failed, after a message), then waits:
 * if the parent asks ('e') it ends the setup phase, on EOF it is done.
 *
 * The parent ends the setup itself when it can: then the kernel bounds
 * its capabilities by the new bcaps at once.  If the bound took away what
 * that needs (CAP_SYS_ADMIN), the helper does it from the host instead.
 */
static int setup_helper(int in, int out, const struct request *rq)
{
	unsigned char st, req;
	uint32_t xid;

	if (read(in, &xid, sizeof(xid)) != sizeof(xid))
		return 0;	/* the parent gave up: nothing to do */
	st = (unsigned char)apply(xid, rq);
	if (write(out, &st, 1) != 1 || st)
		return 255;
	if (read(in, &req, 1) != 1)
		return 0;
	if (vc_set_cflags(xid, 0, VXF_STATE_SETUP) < 0)
		return vs_fail("chcontext", "set_cflags (end of setup)");
	return 0;
}

/* Create xid (or a dynamic one); 0 ok, 1 exists, 255 error. */
static int create(uint32_t *xid, const struct request *rq)
{
	int to[2], from[2], status, ret = 0;
	unsigned char st = 255;
	long created;
	pid_t helper;

	if (pipe(to) < 0 || pipe(from) < 0)
		return vs_fail("chcontext", "pipe");
	fflush(stdout);
	helper = fork();
	if (helper < 0)
		return vs_fail("chcontext", "fork");
	if (helper == 0) {
		close(to[1]);
		close(from[0]);
		_exit(setup_helper(to[0], from[1], rq));
	}
	close(to[0]);
	close(from[1]);
	created = vc_create_context(*xid, VXF_INIT_SET | rq->flags);
	if (created < 0) {
		ret = errno == EEXIST || errno == EBUSY ? 1 : vs_fail("chcontext", "ctx_create");
	} else {
		*xid = (uint32_t)created;
		/* fakeinit: we, and so the command we exec, become the init. */
		if ((rq->flags & VXF_INFO_INIT) &&
		    vc_set_cflags(*xid, 0, VXF_STATE_INIT) < 0)
			ret = vs_fail("chcontext", "set_cflags (init)");
		/* While we still may: our bounding set to the new bound. */
		else if (vc_drop_caps(~target_bound(rq), VC_DROP_BOUNDING,
				      "chcontext") < 0)
			ret = 255;
		else if (write(to[1], xid, sizeof(*xid)) != sizeof(*xid) ||
			 read(from[0], &st, 1) != 1 || st)
			ret = 255;
		else if (vc_set_cflags(*xid, 0, VXF_STATE_SETUP) < 0 &&
			 write(to[1], "e", 1) != 1)
			ret = vs_fail("chcontext", "helper");
	}
	close(to[1]);
	close(from[0]);
	while (waitpid(helper, &status, 0) < 0)
		if (errno != EINTR)
			return vs_fail("chcontext", "waitpid");
	if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = 255;
	/*
	 * The kernel bounds what we may use by the context's bcaps; make our
	 * own sets say so too, whoever ended the setup.
	 */
	if (!ret && vc_drop_caps(~target_bound(rq), VC_DROP_SETS, "chcontext") < 0)
		ret = 255;
	return ret;
}

static int join(uint32_t xid, const struct request *rq)
{
	int init = (rq->flags & VXF_INFO_INIT) != 0;

	uint64_t bound = ~0ULL;

	if (xid > VX_ID_SPECTATOR) {
		if (apply(xid, rq))
			return 255;
		if (vc_get_bcaps(xid, &bound) < 0)
			return vs_fail("chcontext", "get_bcaps");
		bound &= ~(1ULL << CAP_CONTEXT);
		/* From the host, where we still may: the bounding set. */
		if (vc_drop_caps(~bound, VC_DROP_BOUNDING, "chcontext") < 0)
			return 255;
	}
	if (vc_ctx_migrate(xid, init ? VXM_SET_INIT : 0) < 0)
		return vs_fail("chcontext", "ctx_migrate");
	if (vc_drop_caps(~bound, VC_DROP_SETS, "chcontext") < 0)
		return 255;
	return 0;
}

int chcontext_main(int argc, char **argv)
{
	struct request rq = { 0 };
	uint32_t xids[MAX_XIDS], xid = VX_ID_DYNAMIC;
	int nxids = 0, disc = 0, ret = 255, status_fd = -1, i, k;
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
			printf("  --cap [!]CAP     add (or with ! remove) CAP in the context's bound\n"
			       "  --secure         bound := guest defaults (no MKNOD, NET_RAW, SYS_ADMIN, ...)\n"
			       "  --xid N          use context N (created, or entered if it exists)\n"
			       "  --flag F[,F]     fakeinit, lock, sched, nproc, private, ulimit\n"
			       "  --hostname NAME, --domainname NAME|none\n"
			       "  --disconnect     run CMD in the background\n"
			       "  --silent         no messages\n");
			return 0;
		}
		if (!strcmp(opt, "--secure")) {
			rq.secure = 1;
		} else if (!strcmp(opt, "--silent")) {
			rq.silent = 1;
		} else if (!strcmp(opt, "--disconnect")) {
			disc = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "--cap")) {
			if (vc_apply_list(argv[++i], vc_cap_bit, &rq.cap_value,
					  &rq.cap_mask, &bad)) {
				fprintf(stderr, "Unknown capability '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--flag")) {
			if (vc_apply_list(argv[++i], chcontext_flag, &rq.flags,
					  &rq.flag_mask, &bad)) {
				fprintf(stderr, "Unknown flag '%s'\n", bad);
				return 255;
			}
		} else if (!strcmp(opt, "--xid") || !strcmp(opt, "--ctx")) {
			if (nxids == MAX_XIDS ||
			    vc_parse_xid(argv[++i], &xids[nxids]))
				return vs_usage(usage_line);
			nxids++;
		} else if (!strcmp(opt, "--hostname")) {
			rq.hostname = argv[++i];
		} else if (!strcmp(opt, "--domainname")) {
			rq.domainname = argv[++i];
		} else {
			return vs_usage(usage_line);
		}
	}
	if (i >= argc)
		return vs_usage(usage_line);

	if (disc) {
		status_fd = vc_disconnect();
		if (status_fd < 0)
			return vs_fail("chcontext", "--disconnect");
	}

	if (!nxids) {
		ret = create(&xid, &rq);
	} else {
		for (k = 0; k < nxids; k++) {
			xid = xids[k];
			if (xid <= VX_ID_SPECTATOR) {
				ret = join(xid, &rq);
			} else {
				ret = create(&xid, &rq);
				if (ret == 1)
					ret = join(xid, &rq);
			}
			if (ret == 0)
				break;
		}
	}
	if (!ret) {
		announce(xid, &rq);
		execvp(argv[i], argv + i);
		fprintf(stderr, "chcontext: %s: %s\n", argv[i], strerror(errno));
	}
	vc_disconnect_status(status_fd, 255);
	return 255;
}
